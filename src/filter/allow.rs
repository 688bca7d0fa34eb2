//! Config allowlists, compiled once: path globs and regexes, regexes on the secret, the match
//! or the line, stopwords, commits.

use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use toml::Spanned;

use crate::config::{AllowlistSpec, ConfigError};
use crate::finding::Finding;

#[derive(Debug, Default)]
pub struct Allowlist {
    paths: Option<GlobSet>,
    path_regexes: Vec<Regex>,
    secrets: Vec<Regex>,
    matches: Vec<Regex>,
    lines: Vec<Regex>,
    stopwords: Vec<String>,
    commits: Vec<String>,
}

impl Allowlist {
    /// Compiles `spec`; `file` and `text` locate errors.
    pub fn compile(spec: &AllowlistSpec, file: &Path, text: &str) -> Result<Allowlist, ConfigError> {
        let regexes = |list: &[Spanned<String>]| -> Result<Vec<Regex>, ConfigError> {
            list.iter()
                .map(|r| {
                    Regex::new(r.get_ref())
                        .map_err(|e| {
                        let cause = crate::config::without_value(&last_line(&e.to_string()));
                        ConfigError::at(file, text, r.span(), format!("invalid regex: {cause}"))
                    })
                })
                .collect()
        };
        let paths = if spec.paths.is_empty() {
            None
        } else {
            let mut set = GlobSetBuilder::new();
            for glob in &spec.paths {
                let g = Glob::new(glob.get_ref()).map_err(|e| ConfigError::at(file, text, glob.span(), format!("invalid glob: {}", glob_cause(e.kind()))))?;
                set.add(g);
            }
            Some(set.build().map_err(|e| ConfigError::at(file, text, spec.paths[0].span(), format!("invalid glob: {}", glob_cause(e.kind()))))?)
        };
        Ok(Allowlist {
            paths,
            path_regexes: regexes(&spec.path_regexes)?,
            secrets: regexes(&spec.secrets)?,
            matches: regexes(&spec.matches)?,
            lines: regexes(&spec.lines)?,
            stopwords: spec.stopwords.iter().map(|w| w.to_lowercase()).collect(),
            commits: spec.commits.iter().map(|c| c.to_lowercase()).collect(),
        })
    }

    /// Whether any entry allows `finding`, found at `path` (relative to the repository root,
    /// with `/`).
    pub fn allows(&self, finding: &Finding, path: &str) -> bool {
        if self.paths.as_ref().is_some_and(|set| set.is_match(path)) || self.path_regexes.iter().any(|r| r.is_match(path)) {
            return true;
        }
        if self.secrets.iter().any(|r| r.is_match(&finding.secret))
            || self.matches.iter().any(|r| r.is_match(&finding.match_text))
            || self.lines.iter().any(|r| r.is_match(&finding.line_text))
        {
            return true;
        }
        let secret = finding.secret.to_lowercase();
        if self.stopwords.iter().any(|w| secret.contains(w.as_str())) {
            return true;
        }
        finding.commit().is_some_and(|id| self.commits.iter().any(|c| id.starts_with(c.as_str())))
    }
}

/// The glob error's cause, never the characters it quotes.
fn glob_cause(kind: &globset::ErrorKind) -> String {
    match kind {
        globset::ErrorKind::InvalidRange(..) => "a character range runs backwards".to_string(),
        globset::ErrorKind::Regex(_) => "it does not compile".to_string(),
        other => crate::config::without_value(&other.to_string()),
    }
}

/// The last line of the regex crate's message: its cause, not the pattern it echoes above.
fn last_line(message: &str) -> String {
    message.lines().last().unwrap_or_default().trim().trim_start_matches("error: ").to_string()
}
