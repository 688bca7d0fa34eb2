//! The pattern files built into the binary by `build.rs`, in load order (name order, then
//! `spec::LOAD_LAST`): each rule a `&'static` record of the spec types (`rules/spec.rs`),
//! examples included. Nothing is parsed at start-up, and a rule's text is borrowed from the
//! binary, never copied.

use std::borrow::Cow;

use super::advice::Provider;
use super::{Kind, NameWords, RuleSpec, Severity};

/// One `patterns/*.toml` file.
pub struct BuiltinFile {
    pub origin: &'static str,
    pub rules: &'static [RuleSpec],
}

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

#[cfg(test)]
mod tests {
    use super::super::spec;
    use crate::rules::RuleSet;

    /// The records build.rs writes are the pattern files, every rule of them, validated.
    #[test]
    fn builtin_records_are_the_pattern_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns");
        let files = spec::read_catalogue(&dir).expect("the catalogue reads");
        let rules = RuleSet::builtin().expect("the built-in rules load");
        assert_eq!(rules.len(), files.iter().map(|(_, f)| f.rules.len()).sum::<usize>());
        assert!(rules.len() > 100, "{} rules", rules.len());
        let from_files: Vec<(String, String, usize)> = files
            .iter()
            .flat_map(|(name, f)| f.rules.iter().map(move |r| (format!("patterns/{name}"), r.id.to_string(), r.examples.len())))
            .collect();
        let embedded: Vec<(String, String, usize)> =
            rules.rules().iter().map(|r| (r.origin.clone(), r.id().to_string(), r.spec.examples.len())).collect();
        assert_eq!(from_files, embedded);
        assert_eq!(RuleSet::builtin_for_scan().len(), rules.len());
    }

    /// A build without its pattern files fails, with a message that says why, instead of
    /// building a binary that reports every scan clean (issue 13, item 7).
    #[test]
    fn issue_13_a_catalogue_without_rules_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("patterns");
        let e = spec::read_catalogue(&missing).expect_err("a missing folder");
        assert!(e.contains("cannot be built without its pattern files"), "{e}");
        std::fs::create_dir(&missing).expect("mkdir");
        std::fs::write(missing.join("providers.toml"), "").expect("write");
        let e = spec::read_catalogue(&missing).expect_err("an empty folder");
        assert!(e.contains("holds no rules"), "{e}");
        std::fs::write(missing.join("a.toml"), "[[rules]]\nid = \"x-y\"\ndescription = \"d\"\nkeywords = [\"k\"]\nregex = \"k\"\ncolour = 1\n")
            .expect("write");
        let e = spec::read_catalogue(&missing).expect_err("an unknown key");
        assert!(e.contains("patterns/a.toml") && e.contains("colour"), "{e}");
    }
}
