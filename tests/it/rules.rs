//! The rule catalogue proves itself: every rule's examples match, its negative examples don't.

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
