//! Code actions on a finding: "allow on this line" (an inline `leakguard:allow <rule>` comment in
//! the language's own syntax, which `filter::allows` then honours) and "add to the baseline"
//! (a command the server carries out, so the secret never travels to the client and back).

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, Command, Diagnostic, Position, Range, TextEdit, Uri, WorkspaceEdit};
use serde_json::{json, Value};

use super::text::Lines;
use crate::finding::Finding;

/// The command "add to baseline" runs, with arguments `[uri, rule id, line, character]`.
pub const ADD_TO_BASELINE: &str = "leakguard.addToBaseline";

/// A line comment's opening and closing text, by the client's language id, else by the file
/// name. `None` where we do not know the syntax (an allow in the wrong syntax breaks the file).
pub fn comment_syntax(language: &str, path: &str) -> Option<(&'static str, &'static str)> {
    const HASH: (&str, &str) = ("#", "");
    const SLASHES: (&str, &str) = ("//", "");
    const XML: (&str, &str) = ("<!--", " -->");
    let by_language = match language {
        "python" | "shellscript" | "sh" | "bash" | "zsh" | "yaml" | "toml" | "ruby" | "perl" | "r" | "dockerfile" | "makefile" | "dotenv"
        | "properties" | "terraform" | "hcl" => Some(HASH),
        "rust" | "javascript" | "javascriptreact" | "typescript" | "typescriptreact" | "go" | "java" | "c" | "cpp" | "csharp" | "kotlin"
        | "swift" | "scala" | "dart" | "groovy" | "jsonc" | "proto" => Some(SLASHES),
        "html" | "xml" | "markdown" | "svg" | "vue" => Some(XML),
        "css" => Some(("/*", " */")),
        "sql" | "lua" | "haskell" => Some(("--", "")),
        _ => None,
    };
    if by_language.is_some() {
        return by_language;
    }
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if matches!(name.as_str(), "dockerfile" | "makefile" | "gemfile" | "rakefile") || name.starts_with(".env") {
        return Some(HASH);
    }
    match name.rsplit_once('.').map_or("", |(_, ext)| ext) {
        "py" | "pyi" | "sh" | "bash" | "zsh" | "yaml" | "yml" | "toml" | "rb" | "pl" | "r" | "tf" | "hcl" | "properties" | "cfg" | "conf" => {
            Some(HASH)
        }
        "rs" | "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" | "go" | "java" | "c" | "h" | "cc" | "cpp" | "hpp" | "cs" | "kt"
        | "kts" | "swift" | "scala" | "dart" | "groovy" | "gradle" | "proto" | "jsonc" => Some(SLASHES),
        "html" | "htm" | "xml" | "md" | "markdown" | "svg" | "vue" => Some(XML),
        "css" => Some(("/*", " */")),
        "sql" | "lua" | "hs" => Some(("--", "")),
        _ => None,
    }
}

/// "Allow on this line": the comment appended at the end of the finding's first line.
pub fn allow(uri: &Uri, lines: &Lines<'_>, f: &Finding, syntax: (&str, &str), diagnostic: &Diagnostic) -> CodeAction {
    let index = f.location.line.saturating_sub(1);
    let end = lines.end_of(index);
    let gap = if lines.line(index).is_empty() || lines.line(index).ends_with([' ', '\t']) { "" } else { " " };
    let (open, close) = syntax;
    let edit = TextEdit { range: Range::new(end, end), new_text: format!("{gap}{open} leakguard:allow {}{close}", f.rule_id) };
    CodeAction {
        title: format!("leakguard: allow {} on this line", f.rule_id),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), vec![edit])])), ..WorkspaceEdit::default() }),
        ..CodeAction::default()
    }
}

/// "Add to baseline": a command naming the finding by rule and start, never by its secret.
pub fn add_to_baseline(uri: &Uri, at: Position, f: &Finding, diagnostic: &Diagnostic) -> CodeAction {
    let arguments = vec![json!(uri.as_str()), json!(f.rule_id), json!(at.line), json!(at.character)];
    CodeAction {
        title: format!("leakguard: accept this {} finding in the baseline", f.rule_id),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        command: Some(Command { title: "Add to the leakguard baseline".into(), command: ADD_TO_BASELINE.into(), arguments: Some(arguments) }),
        ..CodeAction::default()
    }
}

/// The arguments of an "add to baseline" command: uri, rule id, line, character.
pub fn baseline_target(arguments: &[Value]) -> Option<(String, String, Position)> {
    match arguments {
        [Value::String(uri), Value::String(rule), line, character] => {
            Some((uri.clone(), rule.clone(), Position::new(line.as_u64()? as u32, character.as_u64()? as u32)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::comment_syntax;
    use crate::filter::allows;

    #[test]
    fn each_syntax_is_honoured_by_the_inline_filter() {
        let rule = "github-pat-classic";
        for (language, path) in [("python", "a.py"), ("", "x.rs"), ("", "page.html"), ("", "style.css"), ("", "q.sql"), ("", ".env.local")] {
            let (open, close) = comment_syntax(language, path).expect("a known syntax");
            let line = format!("token = \"t\" {open} leakguard:allow {rule}{close}");
            assert!(allows(&line, rule), "{line}");
            assert!(!allows(&line, "another-rule"), "only the named rule: {line}");
        }
        assert_eq!(comment_syntax("", "data.json"), None);
        assert_eq!(comment_syntax("yaml", "weird.name"), Some(("#", "")));
    }
}
