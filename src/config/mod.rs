//! `.leakguard.toml`: which rules run, how they are tuned, and what is allowed. Read strictly:
//! an unknown key, a wrong type or a bad regex stops the run with `file:line:col`, and nothing
//! is scanned with a half-read config.

mod build;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::rules::{RuleSpec, Severity};

pub use build::{build, effect, require_rules, Effect};
pub use crate::file_error::{without_value, ConfigError};

/// The file name looked for at the repository root.
pub const FILE_NAME: &str = crate::own_files::CONFIG_FILE;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub allowlist: AllowlistSpec,
    /// What blocks and what warns, by confidence and kind of file.
    #[serde(default)]
    pub policy: crate::policy::PolicySpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Keep the built-in rules (default); `false` runs only `custom` rules.
    #[serde(default = "yes")]
    pub builtin: bool,
    /// Rule ids not to run.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// Per-rule tuning, keyed by rule id.
    #[serde(default)]
    pub overrides: BTreeMap<Spanned<String>, Override>,
    /// Rules of the team's own, in the schema of `patterns/*.toml`.
    #[serde(default)]
    pub custom: Vec<Spanned<RuleSpec>>,
}

impl Default for RulesConfig {
    fn default() -> Self {
        RulesConfig { builtin: true, disable: Vec::new(), overrides: BTreeMap::new(), custom: Vec::new() }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub severity: Option<Severity>,
    pub entropy: Option<f64>,
    #[serde(default)]
    pub allowlist: AllowlistSpec,
}

/// What to allow. Every list is optional; a finding is allowed when any entry matches.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistSpec {
    /// Globs on the path relative to the repository root (`**/testdata/**`).
    #[serde(default)]
    pub paths: Vec<Spanned<String>>,
    /// Regexes on the same path (what a `.gitleaks.toml` carries).
    #[serde(default)]
    pub path_regexes: Vec<Spanned<String>>,
    /// Regexes on the secret.
    #[serde(default)]
    pub secrets: Vec<Spanned<String>>,
    /// Regexes on the rule's whole match.
    #[serde(default)]
    pub matches: Vec<Spanned<String>>,
    /// Regexes on the whole line.
    #[serde(default)]
    pub lines: Vec<Spanned<String>>,
    /// Words that, inside a secret (ignoring case), mark it as not one.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Commit ids (full or abbreviated) whose findings are allowed.
    #[serde(default)]
    pub commits: Vec<String>,
}

/// A config as read from disk, with the text kept for error positions.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    pub path: PathBuf,
    pub text: String,
}

/// Reads `explicit`, or `.leakguard.toml` under `root` when there is one.
pub fn load(explicit: Option<&Path>, root: &Path) -> Result<Option<Loaded>, ConfigError> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let path = root.join(FILE_NAME);
            if !path.is_file() {
                return Ok(None);
            }
            path
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::io(&path, &e))?;
    parse(&path, text).map(Some)
}

pub fn parse(path: &Path, text: String) -> Result<Loaded, ConfigError> {
    match toml::from_str::<Config>(&text) {
        Ok(config) => Ok(Loaded { config, path: path.to_path_buf(), text }),
        Err(e) => Err(ConfigError::from_toml(path, &text, &e)),
    }
}
