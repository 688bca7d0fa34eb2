//! What a finding does once found: block, warn, or nothing, by how sure the rule can be
//! (confidence) and by what kind of file holds it (code, tests, docs, examples).
//!
//! Why: a generic rule sees a secret-looking name and value; in a test or a doc page that is
//! nearly always a sample (`setPassword("notused")`), in code it may be a real leak. A
//! provider format (`ghp_…`, a PEM key) is worth stopping wherever it is.

use serde::Deserialize;

pub use crate::finding::Confidence;
use crate::finding::{Finding, Region};
use crate::rules::{Kind, Severity};

/// Smells that say a credential is there (a key file, a `.env`, a kubeconfig, a service
/// account's key id), by id or id prefix: they are reported as secrets are, revoke advice
/// included. A test keeps this list in step with the built-in rules.
const CREDENTIAL_SMELLS: &[&str] = &["credential-file-", "gcp-service-account-private-key-id"];

/// A code smell: a rule that flags code (a disabled TLS check, a debugger call, a merge marker,
/// a file too large), not a credential. Its report says what is wrong and how to fix it, never
/// "revoke"; it never blocks in tests, docs or examples; whole-tree scans (`scan`, `history`)
/// hide it unless `--smells`; the baseline never records it.
pub fn is_code_smell(kind: Kind, rule_id: &str) -> bool {
    kind == Kind::Smell && !CREDENTIAL_SMELLS.iter().any(|c| rule_id.starts_with(c))
}

/// The kind of file a finding is in, judged by its path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Code,
    Test,
    Docs,
    Example,
}

/// What a finding does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Not reported (counted as suppressed by the policy).
    Off,
    /// Reported, does not fail the run.
    Warn,
    /// Reported and fails the run.
    Block,
}

/// For one confidence, the action in each kind of file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByKind {
    pub code: Action,
    pub test: Action,
    pub docs: Action,
    pub example: Action,
}

impl ByKind {
    const fn all(action: Action) -> ByKind {
        ByKind { code: action, test: action, docs: action, example: action }
    }

    pub fn get(&self, kind: FileKind) -> Action {
        match kind {
            FileKind::Code => self.code,
            FileKind::Test => self.test,
            FileKind::Docs => self.docs,
            FileKind::Example => self.example,
        }
    }
}

/// `[policy]` in `.leakguard.toml`. Each table may name only some kinds; the rest keep
/// their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub high: ByKind,
    pub medium: ByKind,
    pub low: ByKind,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            high: ByKind::all(Action::Block),
            medium: ByKind::all(Action::Block),
            low: ByKind { code: Action::Block, test: Action::Warn, docs: Action::Warn, example: Action::Warn },
        }
    }
}

impl Policy {
    /// Lowers the finding's severity as the policy says for a file at `path` (relative to the
    /// repository root). `false`: the policy turns it off. A code smell keeps its rule's
    /// severity in code and warns elsewhere: a disabled TLS check in a test or `dbg!` in a doc
    /// example is there by design. A credential-file smell keeps its rule's severity.
    pub fn judge(&self, f: &mut Finding, path: &str) -> bool {
        let Some(confidence) = f.confidence else {
            if is_code_smell(f.kind, &f.rule_id) && kind_of(f, path) != FileKind::Code {
                f.severity = Severity::Warn;
            }
            return true;
        };
        let mut kind = file_kind(path);
        if kind == FileKind::Code && confidence == Confidence::Low {
            kind = kind_of_region(f, path);
        }
        match self.action(confidence, kind) {
            Action::Off => false,
            Action::Warn => {
                f.severity = Severity::Warn;
                true
            }
            Action::Block => true,
        }
    }

    /// The action for a finding of `confidence` in a file of `kind`.
    pub fn action(&self, confidence: Confidence, kind: FileKind) -> Action {
        match confidence {
            Confidence::High => self.high.get(kind),
            Confidence::Medium => self.medium.get(kind),
            Confidence::Low => self.low.get(kind),
        }
    }
}

/// The config's `[policy]` table: partial tables over the defaults.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    #[serde(default)]
    pub high: PartialByKind,
    #[serde(default)]
    pub medium: PartialByKind,
    #[serde(default)]
    pub low: PartialByKind,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialByKind {
    pub code: Option<Action>,
    pub test: Option<Action>,
    pub docs: Option<Action>,
    pub example: Option<Action>,
}

impl PartialByKind {
    fn over(&self, base: ByKind) -> ByKind {
        ByKind {
            code: self.code.unwrap_or(base.code),
            test: self.test.unwrap_or(base.test),
            docs: self.docs.unwrap_or(base.docs),
            example: self.example.unwrap_or(base.example),
        }
    }
}

impl PolicySpec {
    pub fn resolve(&self) -> Policy {
        let base = Policy::default();
        Policy { high: self.high.over(base.high), medium: self.medium.over(base.medium), low: self.low.over(base.low) }
    }
}

/// The kind of file by its path, then, in code, by the part of the file the finding is in.
fn kind_of(f: &Finding, path: &str) -> FileKind {
    match file_kind(path) {
        FileKind::Code => kind_of_region(f, path),
        kind => kind,
    }
}

/// A commented-out line, a doctest or a Python docstring is documentation, and a Rust
/// `#[cfg(test)]` module is a test, wherever its file is.
fn kind_of_region(f: &Finding, path: &str) -> FileKind {
    let ext = path.rsplit_once('.').map_or("", |(_, ext)| ext);
    match f.region {
        Region::Docstring if matches!(ext, "py" | "pyi" | "pyx") => FileKind::Docs,
        Region::TestModule if ext == "rs" => FileKind::Test,
        _ if is_comment_line(&f.line_text) => FileKind::Docs,
        _ => FileKind::Code,
    }
}

/// A line that is a comment or an interactive example, by its first characters.
fn is_comment_line(line: &str) -> bool {
    let t = line.trim_start();
    ["#", "//", "/*", "* ", ">>>", "<!--", "-- ", "; ", "rem ", "REM "].iter().any(|m| t.starts_with(m)) || t == "*"
}

/// Folder names that hold tests and their data.
const TEST_DIRS: &[&str] = &[
    "test", "tests", "testing", "spec", "specs", "__tests__", "testdata", "test-data", "test_data", "fixtures", "fixture",
    "__fixtures__", "__mocks__", "integration-tests", "e2e", "testsuite", "unittests", "unit_tests", "t",
];
/// Folder names that hold documentation.
const DOC_DIRS: &[&str] = &["doc", "docs", "documentation", "man", "manual", "guide", "guides", "website", "site-docs"];
/// Folder names that hold examples and samples.
const EXAMPLE_DIRS: &[&str] = &["example", "examples", "sample", "samples", "demo", "demos", "tutorial", "tutorials", "quickstart", "snippets"];
/// Extensions of prose.
const DOC_EXTENSIONS: &[&str] = &[".md", ".markdown", ".rst", ".adoc", ".asciidoc", ".rdoc", ".pod", ".texi", ".ipynb"];

/// What kind of file `path` (relative, `/`-separated) is. Tests win over docs and examples: a
/// sample inside a test folder is test data.
pub fn file_kind(path: &str) -> FileKind {
    let lower = path.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split('/').collect();
    let name = parts.pop().unwrap_or("");
    let original = path.rsplit('/').next().unwrap_or(path);
    if parts.iter().any(|p| TEST_DIRS.contains(p)) || is_test_file(name, original) {
        return FileKind::Test;
    }
    if parts.iter().any(|p| EXAMPLE_DIRS.contains(p)) || is_example_file(name) {
        return FileKind::Example;
    }
    if parts.iter().any(|p| DOC_DIRS.contains(p)) || is_doc_file(name) {
        return FileKind::Docs;
    }
    FileKind::Code
}

/// `name` in lower case; `original` as written (`LoginTest.java` is a test, `latest.java` not).
fn is_test_file(name: &str, original: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let original_stem = original.split('.').next().unwrap_or(original);
    name.starts_with("test_")
        || name == "conftest.py"
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || stem.ends_with("_spec")
        || original_stem.ends_with("Test")
        || original_stem.ends_with("Tests")
        || original_stem.ends_with("IT") && original.ends_with(".java")
        || [".test.", ".spec.", ".tests."].iter().any(|m| name.contains(m))
}

fn is_example_file(name: &str) -> bool {
    [".dist", ".template", ".tmpl", ".tpl"].iter().any(|s| name.ends_with(s))
        || name.split(['.', '_', '-']).any(|w| matches!(w, "example" | "examples" | "sample" | "samples" | "template"))
}

fn is_doc_file(name: &str) -> bool {
    if DOC_EXTENSIONS.iter().any(|e| name.ends_with(e)) {
        return true;
    }
    // An API's description (`swagger.yaml`, `openapi.json`): its values are examples.
    if let Some((stem, "yaml" | "yml" | "json")) = name.rsplit_once('.') {
        if matches!(stem, "swagger" | "openapi") {
            return true;
        }
    }
    // Man pages: `salt.7`, `git-log.1`.
    let Some((stem, ext)) = name.rsplit_once('.') else { return false };
    let section = ext.len() == 1 && matches!(ext.as_bytes()[0], b'1'..=b'9');
    // `v1.2` is a version, not section 2 of a manual.
    section && stem.bytes().last().is_some_and(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_path() {
        assert_eq!(file_kind("src/app/settings.py"), FileKind::Code);
        assert_eq!(file_kind("tests/auth_tests/test_forms.py"), FileKind::Test);
        assert_eq!(file_kind("pkg/server_test.go"), FileKind::Test);
        assert_eq!(file_kind("web/src/login.spec.ts"), FileKind::Test);
        assert_eq!(file_kind("src/test/java/com/acme/LoginTest.java"), FileKind::Test);
        assert_eq!(file_kind("lib/module/test_utils.py"), FileKind::Test);
        assert_eq!(file_kind("docs/topics/db/multi-db.txt"), FileKind::Docs);
        assert_eq!(file_kind("README.md"), FileKind::Docs);
        assert_eq!(file_kind("doc/man/salt.7"), FileKind::Docs);
        assert_eq!(file_kind("examples/basic/main.rs"), FileKind::Example);
        assert_eq!(file_kind("config/app.env.example"), FileKind::Example);
        assert_eq!(file_kind("botocore/data/waf/2015-08-24/examples-1.json"), FileKind::Example);
        assert_eq!(file_kind("apis/waf-2015-08-24.examples.json"), FileKind::Example);
        assert_eq!(file_kind("src/resample.py"), FileKind::Code);
        assert_eq!(file_kind("docs/examples/test_x.py"), FileKind::Test);
        // Words inside names are not folders.
        assert_eq!(file_kind("src/testing_utils_loader.rs"), FileKind::Code);
        assert_eq!(file_kind("src/contest.py"), FileKind::Code);
        assert_eq!(file_kind("src/latest.go"), FileKind::Code);
        assert_eq!(file_kind("app/attest.java"), FileKind::Code);
        assert_eq!(file_kind("build/v1.2"), FileKind::Code);
    }

    #[test]
    fn default_policy_warns_on_low_confidence_outside_code_only() {
        let p = Policy::default();
        assert_eq!(p.action(Confidence::Low, FileKind::Code), Action::Block);
        assert_eq!(p.action(Confidence::Low, FileKind::Test), Action::Warn);
        assert_eq!(p.action(Confidence::Medium, FileKind::Test), Action::Block);
        assert_eq!(p.action(Confidence::High, FileKind::Docs), Action::Block);
    }

    #[test]
    fn credential_smells_are_the_ones_that_name_a_credential() {
        // A smell names a credential when it has a provider or its fix says the secret leaked;
        // the predicate's list must agree, so a new credential smell is not worded as code.
        let rules = crate::rules::RuleSet::builtin().expect("the built-in rules load");
        let mut code_smells = 0;
        for rule in rules.rules().iter().filter(|r| r.spec.kind == Kind::Smell) {
            let spec = &rule.spec;
            let fix = spec.remediation.as_deref().unwrap_or_default().to_lowercase();
            let names_credential = spec.provider.is_some() || ["revoke", "rotate", "leaked"].iter().any(|w| fix.contains(w));
            assert_eq!(is_code_smell(spec.kind, &spec.id), !names_credential, "{}", spec.id);
            code_smells += usize::from(!names_credential);
        }
        assert!(code_smells >= 15, "{code_smells}");
        assert!(!is_code_smell(Kind::Secret, "debugger-rust-dbg"));
        assert!(is_code_smell(Kind::Smell, "debugger-rust-dbg"));
        assert!(!is_code_smell(Kind::Smell, "credential-file-dotenv"));
    }

    #[test]
    fn partial_tables_keep_defaults() {
        let spec: PolicySpec = toml::from_str("low.test = \"off\"\nmedium = { docs = \"warn\" }").expect("parses");
        let p = spec.resolve();
        assert_eq!(p.low.test, Action::Off);
        assert_eq!(p.low.docs, Action::Warn);
        assert_eq!(p.low.code, Action::Block);
        assert_eq!(p.medium.docs, Action::Warn);
        assert_eq!(p.medium.code, Action::Block);
        assert!(toml::from_str::<PolicySpec>("low.tests = \"off\"").is_err());
    }
}
