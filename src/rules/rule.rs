//! A rule as the engine holds it: its spec, where it came from, and its regexes, each
//! compiled on first use.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use super::matcher::RuleRegex;
use super::{Kind, RuleError, RuleSpec, Severity};

// As pattern files and reports spell them.
impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Secret => "secret",
            Kind::Smell => "smell",
        })
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Block => "block",
            Severity::Warn => "warn",
        })
    }
}

/// A rule ready for the engine: its spec plus the regex, compiled on first use.
#[derive(Debug)]
pub struct Rule {
    /// Borrowed from the binary for a built-in rule (nothing copied at start-up); owned once a
    /// config tunes it, and for custom rules.
    pub spec: Cow<'static, RuleSpec>,
    /// Where the rule came from, for messages (`patterns/github.toml`).
    pub origin: String,
    /// The regex for a commit's few lines, and the one for bulk scans: each built on first
    /// use, so a rule compiled while loading (a custom rule proving its examples) still gets
    /// the bulk build when a folder or a history asks for it.
    regex: OnceLock<Result<RuleRegex, String>>,
    bulk_regex: OnceLock<Result<RuleRegex, String>>,
    path: OnceLock<Result<Option<regex::Regex>, String>>,
}

impl Rule {
    pub fn new(spec: RuleSpec, origin: impl Into<String>) -> Rule {
        Rule::from_spec(Cow::Owned(spec), origin)
    }

    /// A built-in rule: its spec stays in the binary.
    pub fn builtin(spec: &'static RuleSpec, origin: &'static str) -> Rule {
        Rule::from_spec(Cow::Borrowed(spec), origin)
    }

    fn from_spec(spec: Cow<'static, RuleSpec>, origin: impl Into<String>) -> Rule {
        Rule { spec, origin: origin.into(), regex: OnceLock::new(), bulk_regex: OnceLock::new(), path: OnceLock::new() }
    }

    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// A file rule fires on a file's path (and size), not on its text.
    pub fn is_file_rule(&self) -> bool {
        self.spec.file
    }

    /// A rule that judges a name and a value rather than a provider's own format (`generic =
    /// true`): its values get the generic checks, and it is a fallback: a provider rule that
    /// reports an overlapping secret wins.
    pub fn is_generic(&self) -> bool {
        self.spec.generic
    }

    /// Whether the commit build of the regex has been compiled yet (on first use only).
    pub fn is_compiled(&self) -> bool {
        self.regex.get().is_some()
    }

    /// The compiled regex, built for a commit's few lines; compiled once, on first call.
    pub fn regex(&self) -> Result<&RuleRegex, RuleError> {
        self.regex_for(false)
    }

    /// The compiled regex; `bulk` asks for the build with a lazy DFA, which costs more to
    /// build and searches the many lines of a history or folder scan far faster.
    pub fn regex_for(&self, bulk: bool) -> Result<&RuleRegex, RuleError> {
        let cell = if bulk { &self.bulk_regex } else { &self.regex };
        cell.get_or_init(|| RuleRegex::new(&self.spec.regex, bulk))
            .as_ref()
            .map_err(|msg| RuleError::Regex { id: self.spec.id.to_string(), msg: msg.clone() })
    }

    /// Whether the rule applies to a file at `path` (always, for a rule without `path`).
    pub fn applies_to(&self, path: &str) -> Result<bool, RuleError> {
        let compiled = self
            .path
            .get_or_init(|| match &self.spec.path {
                None => Ok(None),
                Some(p) => regex::Regex::new(p).map(Some).map_err(|e| e.to_string()),
            })
            .as_ref()
            .map_err(|msg| RuleError::Regex { id: self.spec.id.to_string(), msg: format!("path: {msg}") })?;
        Ok(compiled.as_ref().is_none_or(|re| re.is_match(path)))
    }
}
