//! Errors in the files leakguard reads its settings from (the config, the baseline) as
//! `file:line:col: cause`, with a "did you mean" for misspelt names. Below both, so the
//! baseline does not import the config to report its own errors.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::rules::line_col;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based; 0 when the error has no position (the file could not be read).
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::error::Error for ConfigError {}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = crate::chunk::display_path(&self.path);
        if self.line == 0 {
            write!(f, "{path}: {}", self.message)
        } else {
            write!(f, "{path}:{}:{}: {}", self.line, self.column, self.message)
        }
    }
}

impl ConfigError {
    pub fn at(path: &Path, text: &str, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        let (line, column) = line_col(text, span.start);
        ConfigError { path: path.to_path_buf(), line, column, message: message.into() }
    }

    pub fn io(path: &Path, err: &std::io::Error) -> ConfigError {
        ConfigError { path: path.to_path_buf(), line: 0, column: 0, message: format!("cannot read: {err}") }
    }

    pub fn from_toml(path: &Path, text: &str, err: &toml::de::Error) -> ConfigError {
        let message = without_value(&with_suggestion(err.message().trim()));
        match err.span() {
            Some(span) => ConfigError::at(path, text, span, message),
            None => ConfigError { path: path.to_path_buf(), line: 0, column: 0, message },
        }
    }
}

/// serde says "unknown field `x`, expected one of `a`, `b`"; say which one was meant. The
/// unknown name is echoed only when it is a near miss of a known one: otherwise it may be a
/// secret pasted on the wrong line.
fn with_suggestion(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else { return message.to_string() };
    let Some((unknown, expected)) = rest.rsplit_once("`, expected ") else { return "unknown key".to_string() };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match did_you_mean(unknown, candidates.iter().copied()) {
        Some(best) => format!("unknown key `{unknown}` (did you mean `{best}`?)"),
        None => format!("unknown key (expected one of {})", expected.trim_start_matches("one of ")),
    }
}

/// A serde or TOML message without the value it quotes: the value may be a secret, and the
/// position already points at it. "invalid type: string \"x\", expected a boolean" becomes
/// "invalid type: a string, expected a boolean".
pub fn without_value(message: &str) -> String {
    let expected = |m: &str| m.rsplit_once(", expected ").map(|(_, e)| format!(", expected {e}")).unwrap_or_default();
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let kind = rest.split([' ', ',']).next().unwrap_or_default();
            let kind = match kind.as_bytes().first() {
                Some(b) if kind.bytes().all(|b| b.is_ascii_lowercase()) => format!(" {} {kind}", if b"aeiou".contains(b) { "an" } else { "a" }),
                _ => String::new(),
            };
            return format!("{}:{kind}{}", prefix.trim_end().trim_end_matches(':'), expected(rest));
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return format!("unknown value{}", expected(rest));
    }
    if message.starts_with("duplicate key") {
        return "duplicate key".to_string();
    }
    if message.starts_with("unknown key `") || message.starts_with("unknown key (") || message.starts_with("missing field") {
        return message.to_string();
    }
    // Other TOML messages name expected tokens; drop anything quoted from the input.
    strip_quoted(message)
}

/// Removes `"..."` and `'...'` segments (quoted input), keeping backticked tokens (TOML's
/// "expected `]`").
fn strip_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                out.push_str("(value)");
            }
            None => out.push(c),
        }
    }
    out
}

/// The closest candidate within a small edit distance.
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.len() / 3).clamp(1, 3);
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, c)| (d, c.len()))
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_name() {
        assert_eq!(did_you_mean("entropi", ["entropy", "severity"].into_iter()), Some("entropy"));
        assert_eq!(did_you_mean("stopword", ["stopwords", "paths"].into_iter()), Some("stopwords"));
        assert_eq!(did_you_mean("zzz", ["entropy"].into_iter()), None);
        assert_eq!(
            with_suggestion("unknown field `pathz`, expected one of `paths`, `secrets`"),
            "unknown key `pathz` (did you mean `paths`?)"
        );
        assert_eq!(with_suggestion("unknown field `ghp_x0Yz`, expected `paths`"), "unknown key (expected one of `paths`)");
    }

    #[test]
    fn messages_drop_the_value() {
        assert_eq!(without_value("invalid type: string \"s3cret, expected x\", expected a boolean"), "invalid type: a string, expected a boolean");
        assert_eq!(without_value("unknown variant `s3cret`, expected `block` or `warn`"), "unknown value, expected `block` or `warn`");
        assert_eq!(without_value("invalid value: integer `77`, expected a u32"), "invalid value: an integer, expected a u32");
        assert_eq!(without_value("duplicate key `s3cret`"), "duplicate key");
        assert_eq!(without_value("unclosed table, expected `]`"), "unclosed table, expected `]`");
    }
}
