//! Broken configs: each exits 2 with `file:line:col` and one line of cause, and scans nothing.

use crate::util::{github_token, TestRepo};

/// Runs a scan over a leaking file with `config` as `.leakguard.toml`: status, stdout and
/// stderr, for a snapshot.
fn run_with(config: &str) -> String {
    let repo = TestRepo::new();
    repo.write("leak.py", format!("T = '{}'\n", github_token()));
    repo.write("bad.toml", config);
    let out = repo.leakguard(&["scan", "leak.py", "--config", "bad.toml"]);
    assert_eq!(out.status.code(), Some(2), "a broken config is an error");
    assert!(out.stdout.is_empty(), "nothing is scanned with a broken config");
    format!("status: {:?}\n--- stderr\n{}", out.status.code(), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn unknown_top_level_key() {
    insta::assert_snapshot!(run_with("[rules]\nbuiltin = true\n\n[allowlists]\npaths = []\n"));
}

#[test]
fn unknown_key_in_an_override() {
    insta::assert_snapshot!(run_with("[rules.overrides.github-pat-classic]\nentropi = 3.0\n"));
}

#[test]
fn wrong_type() {
    insta::assert_snapshot!(run_with("[rules]\nbuiltin = \"yes\"\n"));
}

#[test]
fn wrong_severity() {
    insta::assert_snapshot!(run_with("[rules.overrides.github-pat-classic]\nseverity = \"blocker\"\n"));
}

#[test]
fn syntax_error() {
    insta::assert_snapshot!(run_with("[allowlist\npaths = []\n"));
}

#[test]
fn invalid_allowlist_regex() {
    insta::assert_snapshot!(run_with("[allowlist]\nsecrets = ['''^ghp_(''']\n"));
}

#[test]
fn invalid_glob() {
    insta::assert_snapshot!(run_with("[allowlist]\npaths = [\"src/[a-.py\"]\n"));
}

#[test]
fn unknown_rule_id() {
    insta::assert_snapshot!(run_with("[rules]\ndisable = [\"github-pat-clasic\"]\n"));
}

#[test]
fn custom_rule_with_invalid_regex() {
    insta::assert_snapshot!(run_with(
        "[[rules.custom]]\nid = \"acme-token\"\ndescription = \"ACME\"\nkeywords = [\"acme_\"]\nregex = '''acme_([a-z]{8}'''\n"
    ));
}

#[test]
fn custom_rule_whose_example_fails() {
    insta::assert_snapshot!(run_with(
        "[[rules.custom]]\nid = \"acme-token\"\ndescription = \"ACME\"\nkeywords = [\"acme_\"]\nregex = '''acme_[a-z]{8}\\b'''\nexamples = [\"key = acme_ABCDEFGH\"]\n"
    ));
}

#[test]
fn custom_rule_reusing_a_builtin_id() {
    insta::assert_snapshot!(run_with(
        "[[rules.custom]]\nid = \"github-pat-classic\"\ndescription = \"mine\"\nkeywords = [\"ghp_\"]\nregex = '''ghp_[a-z]+'''\n"
    ));
}

#[test]
fn missing_explicit_config() {
    let repo = TestRepo::new();
    let out = repo.leakguard(&["scan", ".", "--config", "nope.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml: cannot read"), "{:?}", out);
}
