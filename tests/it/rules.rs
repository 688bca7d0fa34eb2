//! The rule catalogue proves itself: every rule's examples match, its negative examples don't.

use std::path::Path;

use leakguard::engine::check;
use leakguard::rules::RuleSet;

use crate::util::{stdout, text, TestRepo};

#[test]
fn every_rule_passes_its_own_examples() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let report = check::check(&rules);
    let failures: Vec<String> = report.failures.iter().map(|f| format!("{} ({}): {}", f.rule_id, f.origin, f.message)).collect();
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert!(report.rules >= 40, "at least 40 rules, have {}", report.rules);
    assert!(report.examples >= report.rules && report.negative_examples >= report.rules);
}

#[test]
fn rules_test_command_agrees() {
    let repo = TestRepo::new();
    let out = repo.leakguard(&["rules", "test"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains(": 0 failures"), "{}", text(&out));
}

#[test]
fn a_broken_rule_is_caught_by_the_checker() {
    let mut rules = RuleSet::default();
    rules
        .add_file(
            "test.toml",
            r#"
            [[rules]]
            id = "demo-token"
            description = "demo"
            keywords = ["demo_"]
            regex = '''demo_[a-z]{4}'''
            examples = ["demo_abcd", "no keyword here: xyzw"]
            negative_examples = ["demo_wxyz"]
            "#,
        )
        .expect("valid file");
    let report = check::check(&rules);
    let messages: Vec<&str> = report.failures.iter().map(|f| f.message.as_str()).collect();
    assert!(messages.contains(&"example 2 holds none of the keywords, so the prefilter never reaches the regex"), "{messages:?}");
    assert!(messages.contains(&"example 2 is not matched"), "{messages:?}");
    assert!(messages.contains(&"negative example 1 is matched"), "{messages:?}");
}

#[test]
fn rule_files_are_strict() {
    let mut rules = RuleSet::default();
    let err = rules
        .add_file("bad.toml", "[[rules]]\nid = \"x-y\"\ndescription = \"d\"\nkeywords = [\"k\"]\nregex = \"k\"\nentropi = 3.0\n")
        .expect_err("unknown key");
    assert!(err.to_string().starts_with("bad.toml:6:1: unknown field `entropi`"), "{err}");
}

#[test]
fn list_and_show() {
    let repo = TestRepo::new();
    let out = repo.leakguard(&["rules", "list"]);
    assert_eq!(out.status.code(), Some(0));
    let listing = stdout(&out);
    assert!(listing.lines().any(|l| l.starts_with("github-pat-classic ")), "{listing}");
    let out = repo.leakguard(&["rules", "show", "github-pat-classic"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("keywords:    ghp_"), "{}", text(&out));
    let out = repo.leakguard(&["rules", "show", "no-such-rule"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The library's source files, outside their unit tests: (path under src/, text).
fn library_sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("read src/") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") && path.file_name().is_some_and(|n| n != "tests.rs") {
                let text = std::fs::read_to_string(&path).expect("read a source file");
                // Unit tests sit at the end of a file, after `#[cfg(test)]`.
                let code = text.split("#[cfg(test)]").next().unwrap_or_default().to_string();
                out.push((path.strip_prefix(root).expect("under src/").display().to_string(), code));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out
}

/// What a rule is follows from its fields, never from its id (issue 13, item 6): the `generic`
/// and `low_confidence` fields replaced tests of the `generic-` and `password-hash` prefixes.
#[test]
fn issue_13_no_behaviour_keyed_on_an_id_prefix() {
    let sources = library_sources();
    assert!(sources.iter().any(|(path, text)| path == "rules/rule.rs" && text.contains("fn is_generic")), "src/ read");
    let needles = ["starts_with(\"generic", "starts_with(\"password-hash", "strip_prefix(\"generic", "strip_prefix(\"password-hash"];
    let found: Vec<String> = sources
        .iter()
        .flat_map(|(path, text)| {
            text.lines().enumerate().filter(|(_, line)| needles.iter().any(|n| line.contains(n))).map(move |(n, line)| format!("src/{path}:{}: {}", n + 1, line.trim()))
        })
        .collect();
    assert!(found.is_empty(), "behaviour keyed on a rule id's prefix:\n{}", found.join("\n"));
}

/// The id says what the fields say: every `generic-` rule is marked `generic = true`, and a
/// generic rule without that id names a provider of its own (`snowflake-password`); every
/// `password-hash-` rule has low confidence.
#[test]
fn issue_13_generic_ids_say_generic() {
    use leakguard::rules::advice::Advice;
    let rules = RuleSet::builtin().expect("built-in rules load");
    let mut generic = 0;
    for rule in rules.rules() {
        let id = rule.id();
        let kind_of_secret = Advice::of(&rule.spec).categories.contains(&"generic");
        if id.starts_with("generic-") {
            generic += 1;
            assert!(rule.spec.generic && rule.is_generic(), "{id} ({}) lacks `generic = true`", rule.origin);
            assert!(kind_of_secret, "{id} names a provider's service, so it is not a `generic-` rule");
        } else if rule.spec.generic {
            assert!(!kind_of_secret, "{id} takes any value under a name and names no service: call it `generic-...`");
        }
        if id.starts_with("password-hash-") {
            assert!(rule.spec.low_confidence, "{id} ({}) lacks `low_confidence = true`", rule.origin);
        }
    }
    assert!(generic >= 40, "{generic} generic rules");
}

/// `patterns/` is grouped by provider family (issue 13, item 6): each provider's rules sit in
/// one file, and the files that grouped rules by when they were added are gone.
#[test]
fn issue_13_each_provider_in_one_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns");
    let mut files_of: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
    let mut rules = 0;
    for entry in std::fs::read_dir(&dir).expect("read patterns/") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        if !name.ends_with(".toml") || name == "providers.toml" {
            continue;
        }
        let file: toml::Table = std::fs::read_to_string(dir.join(&name)).expect("read").parse().expect("parse");
        for rule in file["rules"].as_array().expect("a rule file") {
            rules += 1;
            let provider = rule.get("provider").and_then(toml::Value::as_str).unwrap_or("(none)").to_string();
            files_of.entry(provider).or_default().insert(name.clone());
        }
    }
    assert_eq!(rules, RuleSet::builtin().expect("built-in rules load").len(), "every rule file read");
    let split: Vec<String> = files_of.iter().filter(|(_, files)| files.len() > 1).map(|(p, files)| format!("{p}: {files:?}")).collect();
    assert!(split.is_empty(), "providers split over files:\n{}", split.join("\n"));
    for old in ["llm", "comms", "messaging", "keyformats", "configs", "saas", "registries", "urls"] {
        assert!(!dir.join(format!("{old}.toml")).exists(), "patterns/{old}.toml groups rules by when they were added");
    }
}

/// The generic rules load last, by name (`LOAD_LAST`), not by the sort order of file names:
/// when a provider's rule and a generic one report the same secret, the provider's rule wins.
#[test]
fn issue_13_generic_rules_load_last_and_yield_to_a_provider() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let origins: Vec<&str> = rules.rules().iter().map(|r| r.origin.as_str()).collect();
    let first_generic = origins.iter().position(|o| *o == "patterns/generic.toml").expect("patterns/generic.toml");
    assert!(origins[first_generic..].iter().all(|o| *o == "patterns/generic.toml"), "generic.toml is not last: {origins:?}");
    assert!(origins[..first_generic].contains(&"patterns/observability.toml"), "files after generic.toml load before it");

    // `pagerduty_api_key = '...'` is caught by pagerduty-api-key and by a generic rule, on the
    // same span; before, the generic rule reported it.
    let repo = TestRepo::new();
    for (n, id) in ["pagerduty-api-key", "coinbase-api-secret", "snowflake-password", "elastic-api-key"].iter().enumerate() {
        let rule = rules.get(id).expect("rule");
        assert!(rule.is_generic(), "{id} takes any value under its name");
        repo.write(&format!("conf/{n}.txt"), format!("{}\n", rule.spec.examples[0]));
    }
    let out = repo.leakguard(&["scan", "conf", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let mut found: Vec<(String, String)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["file"].as_str().expect("file").to_string(), f["rule_id"].as_str().expect("rule").to_string()))
        .collect();
    found.sort();
    let want: Vec<(String, String)> = ["pagerduty-api-key", "coinbase-api-secret", "snowflake-password", "elastic-api-key"]
        .iter()
        .enumerate()
        .map(|(n, id)| (format!("conf/{n}.txt"), id.to_string()))
        .collect();
    assert_eq!(found, want);
}
