//! Config errors as `file:line:col: cause`, with a "did you mean" for misspelt names.

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
        let path = crate::source::display_path(&self.path);
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
        let message = with_suggestion(err.message().trim());
        match err.span() {
            Some(span) => ConfigError::at(path, text, span, message),
            None => ConfigError { path: path.to_path_buf(), line: 0, column: 0, message },
        }
    }
}

/// serde says "unknown field `x`, expected one of `a`, `b`"; say which one was meant.
fn with_suggestion(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else { return message.to_string() };
    let Some((unknown, expected)) = rest.split_once("`, expected ") else { return message.to_string() };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match did_you_mean(unknown, candidates.iter().copied()) {
        Some(best) => format!("unknown key `{unknown}` (did you mean `{best}`?)"),
        None => format!("unknown key `{unknown}` (expected one of {})", expected.trim_start_matches("one of ")),
    }
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
    }
}
