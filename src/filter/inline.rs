//! Inline allow comments: `leakguard:allow` (optionally followed by rule ids) on the line
//! suppresses findings on it, in any comment syntax. `gitleaks:allow` and
//! `pragma: allowlist secret` (detect-secrets) work too, so teams can move over unchanged.

const MARK: &str = "leakguard:allow";
const FOREIGN_MARKS: &[&str] = &["gitleaks:allow", "pragma: allowlist secret"];

/// Whether `line` carries an allow comment that covers `rule_id`.
pub fn allows(line: &str, rule_id: &str) -> bool {
    if FOREIGN_MARKS.iter().any(|m| line.contains(m)) {
        return true;
    }
    let mut rest = line;
    while let Some(at) = rest.find(MARK) {
        rest = &rest[at + MARK.len()..];
        let ids: Vec<&str> = rule_ids(rest).collect();
        if ids.is_empty() || ids.contains(&rule_id) {
            return true;
        }
    }
    false
}

/// Whether `line` allows the line after it: detect-secrets' `pragma: allowlist nextline secret`.
pub fn allows_next_line(line: &str) -> bool {
    line.contains("pragma: allowlist nextline secret")
}

/// The rule ids right after the mark: `leakguard:allow aws-access-key-id, github-pat`.
/// Words that are not ids (`-->`, `*/`, prose) end the list.
fn rule_ids(after: &str) -> impl Iterator<Item = &str> {
    after
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .take_while(|w| is_rule_id(w))
}

fn is_rule_id(word: &str) -> bool {
    word.contains('-')
        && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !word.starts_with('-')
}

#[cfg(test)]
mod tests {
    use super::allows;

    #[test]
    fn bare_mark_allows_every_rule() {
        assert!(allows(r#"key = "x"  # leakguard:allow"#, "github-pat-classic"));
        assert!(allows(r#"<!-- leakguard:allow --> token"#, "any-rule"));
        assert!(allows(r#"k = "v" // gitleaks:allow"#, "r-1"));
        assert!(allows(r#"k = "v"  # pragma: allowlist secret"#, "r-1"));
    }

    #[test]
    fn mark_with_ids_allows_only_those() {
        let line = r#"k = "v" # leakguard:allow aws-access-key-id, github-pat-classic"#;
        assert!(allows(line, "aws-access-key-id"));
        assert!(allows(line, "github-pat-classic"));
        assert!(!allows(line, "slack-bot-token"));
        assert!(allows("x /* leakguard:allow */", "slack-bot-token"));
    }

    #[test]
    fn nextline_pragma_is_not_a_same_line_allow() {
        assert!(super::allows_next_line("# pragma: allowlist nextline secret"));
        assert!(!super::allows_next_line("# pragma: allowlist secret"));
    }

    #[test]
    fn no_mark_no_allow() {
        assert!(!allows(r#"token = "x" # allow"#, "r-1"));
        assert!(!allows("leakguard allow", "r-1"));
    }
}
