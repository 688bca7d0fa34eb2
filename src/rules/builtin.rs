//! The pattern files built into the binary, by `build.rs` (in name order): each as JSON, and
//! its rules as constants without their examples.

use std::borrow::Cow;

use super::advice::Provider;
use super::{Kind, NameWords, RuleSpec, Severity, Text};

/// One `patterns/*.toml` file.
pub struct BuiltinFile {
    pub origin: &'static str,
    /// The whole file as JSON, examples included.
    pub full: &'static str,
    /// Its rules, without examples.
    pub lean: &'static [LeanRule],
}

/// A rule as a scan needs it.
pub struct LeanRule {
    pub id: &'static str,
    pub description: &'static str,
    pub kind: Kind,
    pub severity: Severity,
    pub keywords: &'static [Text],
    pub regex: &'static str,
    pub entropy: Option<f64>,
    pub multiline: bool,
    pub span_lines: Option<u32>,
    pub password: bool,
    pub basic_auth: bool,
    pub min_classes: Option<u8>,
    pub generic: bool,
    pub name_words: Option<NameWords>,
    pub file: bool,
    pub min_size: Option<u64>,
    pub path: Option<&'static str>,
    pub checksum: Option<&'static str>,
    pub provider: Option<&'static str>,
    pub references: &'static [Text],
    pub remediation: Option<&'static str>,
    pub categories: &'static [Text],
}

impl LeanRule {
    pub fn spec(&self) -> RuleSpec {
        RuleSpec {
            id: Cow::Borrowed(self.id),
            description: Cow::Borrowed(self.description),
            kind: self.kind,
            severity: self.severity,
            keywords: Cow::Borrowed(self.keywords),
            regex: Cow::Borrowed(self.regex),
            entropy: self.entropy,
            multiline: self.multiline,
            span_lines: self.span_lines,
            password: self.password,
            basic_auth: self.basic_auth,
            min_classes: self.min_classes,
            generic: self.generic,
            name_words: self.name_words,
            file: self.file,
            min_size: self.min_size,
            path: self.path.map(Cow::Borrowed),
            checksum: self.checksum.map(Cow::Borrowed),
            provider: self.provider.map(Cow::Borrowed),
            references: Cow::Borrowed(self.references),
            remediation: self.remediation.map(Cow::Borrowed),
            categories: Cow::Borrowed(self.categories),
            examples: Vec::new(),
            negative_examples: Vec::new(),
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

#[cfg(test)]
mod tests {
    use crate::rules::RuleSet;

    /// The constants build.rs writes say what the strictly parsed and validated files say, and
    /// no two built-in rules share an id: `builtin_for_scan` checks neither.
    #[test]
    fn lean_rules_match_the_pattern_files() {
        let full = RuleSet::builtin().expect("the built-in rules load");
        let lean = RuleSet::builtin_for_scan();
        assert_eq!(full.len(), lean.len());
        for (f, l) in full.rules().iter().zip(lean.rules()) {
            let mut spec = f.spec.clone();
            spec.examples.clear();
            spec.negative_examples.clear();
            assert_eq!(format!("{spec:?}"), format!("{:?}", l.spec), "rule {}", f.id());
            assert_eq!(f.origin, l.origin);
        }
    }
}
