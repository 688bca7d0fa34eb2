//! What a rule is, as written in `patterns/*.toml`: the one definition of a rule's fields.
//!
//! build.rs includes this file too (`#[path]`): it parses the catalogue into these types,
//! strictly, and writes them out as `&'static` records. A new field goes here and nowhere
//! else; a pattern file with an unknown key fails the build.

use std::borrow::Cow;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// What a rule flags: a credential, or a risky code pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Secret,
    Smell,
}

/// Where a secret word must sit in a matched name (`RuleSpec::name_words`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NameWords {
    Last,
    Anywhere,
}

/// Whether a finding stops the commit or is only reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Block,
    Warn,
}

/// Text a rule holds: borrowed from the binary for built-in rules (no copy at start-up), owned
/// for rules read from a file.
pub type Text = Cow<'static, str>;

/// One rule as written in a pattern file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: Text,
    pub description: Text,
    #[serde(default = "default_kind")]
    pub kind: Kind,
    #[serde(default = "default_severity")]
    pub severity: Severity,
    pub keywords: Cow<'static, [Text]>,
    /// Empty only for a file rule.
    #[serde(default)]
    pub regex: Text,
    #[serde(default)]
    pub entropy: Option<f64>,
    #[serde(default)]
    pub multiline: bool,
    /// For a multi-line rule, how many lines from its keyword's line the match may span
    /// (default: 16 KiB, for PEM blocks). Keeps a rule woken by a common word cheap.
    #[serde(default)]
    pub span_lines: Option<u32>,
    /// The secret is a password: a person's choice, judged by the password checks (any value
    /// of six or more characters that is not a stand-in or a reference), not by entropy.
    #[serde(default)]
    pub password: bool,
    /// The secret is base64 of `user:password` (HTTP Basic, a Docker or npm `auth`): it must
    /// decode to one, and its password must pass the password checks.
    #[serde(default)]
    pub basic_auth: bool,
    /// The secret must mix at least this many of lower case, upper case, digits and other
    /// characters: for a rule whose context is weak (`("mysql_native_password", "latin1")`).
    pub min_classes: Option<u8>,
    /// The rule takes any value assigned to a name (`snowflake_password = …`) rather than a
    /// provider's own format: its values get the generic checks, and its findings low
    /// confidence. Every `generic-` rule says so; nothing reads the id.
    #[serde(default)]
    pub generic: bool,
    /// What the rule finds is often not a live credential (a password hash: mostly test
    /// data, and it must be cracked first): its findings have low confidence.
    #[serde(default)]
    pub low_confidence: bool,
    /// Where the `name` group must hold a secret word (`password`, `token`, `api_key`, ...):
    /// `last` (then at most two suffixes such as `_key` or `B64`) or `anywhere`. The words live
    /// in the engine, not in each generic rule's regex: parsing a case-blind word list was most
    /// of what compiling those regexes cost a commit.
    #[serde(default)]
    pub name_words: Option<NameWords>,
    /// A file rule: fires once on a file whose path matches `path` (and whose size reaches
    /// `min_size`), whatever it holds, binary or not. It has no regex and no keywords.
    #[serde(default)]
    pub file: bool,
    #[serde(default)]
    pub min_size: Option<u64>,
    /// A regex on the chunk's path: the rule applies only to files it matches. A rule with a
    /// path and no keywords runs on every line of those files.
    #[serde(default)]
    pub path: Option<Text>,
    /// A checksum the secret carries (`github-crc32`), verified by the engine.
    #[serde(default)]
    pub checksum: Option<Text>,
    /// Whose credential this is (an id of `patterns/providers.toml`): where its format is
    /// documented, where to revoke it, what to check afterwards.
    #[serde(default)]
    pub provider: Option<Text>,
    /// Documentation of the credential's format, ahead of the provider's own.
    #[serde(default)]
    pub references: Cow<'static, [Text]>,
    /// What to do once it leaked, in place of the provider's steps (a smell's fix).
    #[serde(default)]
    pub remediation: Option<Text>,
    /// Groups (`cloud`, `ci`, `payments`, ...), in place of the provider's.
    #[serde(default)]
    pub categories: Cow<'static, [Text]>,
    #[serde(default)]
    pub examples: Cow<'static, [Text]>,
    #[serde(default)]
    pub negative_examples: Cow<'static, [Text]>,
}

fn default_kind() -> Kind {
    Kind::Secret
}

fn default_severity() -> Severity {
    Severity::Block
}

/// One pattern file (or the `[[rules.custom]]` of a config).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

/// Not a rule file: what each provider's credentials need once leaked (see `rules::advice`).
pub const PROVIDERS_FILE: &str = "providers.toml";

/// Rule files loaded after all the others, in this order. When two rules report the same
/// secret, the first loaded wins (the engine's overlap resolution, in catalogue order), and
/// that should be a provider's rule, not one that takes any value under a secret-like name.
pub const LOAD_LAST: &[&str] = &["generic.toml"];

/// The rule files of a `patterns/` folder (every `*.toml` but the providers'), in name order
/// but `LOAD_LAST` at the end, each parsed strictly. A folder that is missing or holds no rule
/// is an error: a binary without rules would report every scan clean.
// The library calls it only from its tests; build.rs calls it on every build.
#[allow(dead_code)]
pub fn read_catalogue(dir: &Path) -> Result<Vec<(String, RuleFile)>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        format!("cannot read the rule catalogue {}: {e} (leakguard cannot be built without its pattern files)", dir.display())
    })?;
    let mut names = Vec::new();
    for entry in entries {
        let name = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") && name != PROVIDERS_FILE {
            names.push(name);
        }
    }
    names.sort_by_key(|name| (LOAD_LAST.iter().position(|last| last == name), name.clone()));
    let mut files = Vec::with_capacity(names.len());
    for name in names {
        let path = dir.join(&name);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let file: RuleFile = toml::from_str(&text).map_err(|e| format!("patterns/{name}: {e}"))?;
        files.push((name, file));
    }
    if files.iter().all(|(_, f)| f.rules.is_empty()) {
        return Err(format!(
            "the rule catalogue {} holds no rules (leakguard cannot be built without its pattern files)",
            dir.display()
        ));
    }
    // A renamed file would otherwise drop its place in the order without a word.
    if let Some(missing) = LOAD_LAST.iter().find(|last| !files.iter().any(|(name, _)| name == *last)) {
        return Err(format!("the rule catalogue {} has no {missing}, which LOAD_LAST loads last", dir.display()));
    }
    Ok(files)
}
