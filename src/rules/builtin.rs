//! The pattern files built into the binary, by `build.rs` (in name order): each as JSON, and
//! its rules as constants without their examples.

use super::{Kind, NameWords, RuleSpec, Severity};

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
    pub keywords: &'static [&'static str],
    pub regex: &'static str,
    pub entropy: Option<f64>,
    pub multiline: bool,
    pub span_lines: Option<u32>,
    pub password: bool,
    pub name_words: Option<NameWords>,
    pub file: bool,
    pub min_size: Option<u64>,
    pub path: Option<&'static str>,
    pub checksum: Option<&'static str>,
}

impl LeanRule {
    pub fn spec(&self) -> RuleSpec {
        RuleSpec {
            id: self.id.to_string(),
            description: self.description.to_string(),
            kind: self.kind,
            severity: self.severity,
            keywords: self.keywords.iter().map(|k| k.to_string()).collect(),
            regex: self.regex.to_string(),
            entropy: self.entropy,
            multiline: self.multiline,
            span_lines: self.span_lines,
            password: self.password,
            name_words: self.name_words,
            file: self.file,
            min_size: self.min_size,
            path: self.path.map(str::to_string),
            checksum: self.checksum.map(str::to_string),
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
