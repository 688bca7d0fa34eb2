//! Findings as LSP diagnostics: the secret's range in UTF-16 columns, error for a blocking rule
//! and warning for the others, the rule id as code, and a message that names the rule, shows
//! the secret only redacted (a code smell shows none), and says what to do.

use std::str::FromStr;

use lsp_types::{CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString, Position, Range, Uri};

use super::text::Lines;
use crate::finding::{redact, Finding};
use crate::report::{fix_file_lines, fix_lines, FixContext, Help};

pub const SOURCE: &str = "leakguard";

/// The range a finding covers in the buffer (a whole-file finding: the first character).
pub fn range(lines: &Lines<'_>, f: &Finding) -> Range {
    if f.is_about_file() {
        return Range::new(Position::new(0, 0), Position::new(0, 0));
    }
    let loc = &f.location;
    Range::new(lines.position(loc.line, loc.column), lines.position(loc.end_line, loc.end_column))
}

pub fn diagnostic(lines: &Lines<'_>, f: &Finding, help: &Help) -> Diagnostic {
    let rule_help = help.get(&f.rule_id);
    let (what, fix) = if f.is_about_file() {
        (f.description.clone(), fix_file_lines(f, rule_help, FixContext::Files))
    } else if crate::policy::is_code_smell(f.kind, &f.rule_id) {
        // Code, not a secret: the range shows what, the fix how.
        (f.description.clone(), fix_lines(f, rule_help, FixContext::Files))
    } else {
        (format!("{} ({})", f.description, redact(&f.secret)), fix_lines(f, rule_help, FixContext::Files))
    };
    let href = rule_help.and_then(|h| h.link.as_deref()).and_then(|link| Uri::from_str(link).ok());
    Diagnostic {
        range: range(lines, f),
        severity: Some(if f.blocks() { DiagnosticSeverity::ERROR } else { DiagnosticSeverity::WARNING }),
        code: Some(NumberOrString::String(f.rule_id.clone())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: format!("{what}\nfix: {}", fix.join("\n")),
        ..Diagnostic::default()
    }
}

/// What to show when the buffer could not be scanned: a scan that failed must not look clean.
pub fn failure(message: &str) -> Diagnostic {
    Diagnostic {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some(SOURCE.to_string()),
        message: format!("leakguard could not scan this buffer: {message}"),
        ..Diagnostic::default()
    }
}
