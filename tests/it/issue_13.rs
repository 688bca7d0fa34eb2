//! Regression tests for issue 13 (items 3, 7 and 8) and issue 16 (item 5), on real temp
//! repositories.

use crate::util::{github_token, stdout, text, TestRepo};

/// A run whose rule set is empty never passes: every scanning command exits 2 and says why
/// (issue 13, item 7). A binary built without `patterns/` is refused by the build itself.
#[test]
fn issue_13_an_empty_rule_set_is_an_error_not_a_clean_pass() {
    let repo = TestRepo::new();
    repo.commit_files(&[(".leakguard.toml", "[rules]\nbuiltin = false\n"), ("a.txt", &format!("see {}\n", github_token()))], "leak");
    repo.write("b.txt", format!("also {}\n", github_token()));
    repo.git(&["add", "b.txt"]);
    for args in [&["scan", "."][..], &["staged"], &["history"], &["scan", "-"], &["pre-commit", "b.txt"]] {
        let out = repo.leakguard(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}:\n{}", text(&out));
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("no rules to scan with") && said.contains(".leakguard.toml turns off every built-in rule"), "{args:?}: {said}");
        assert!(stdout(&out).is_empty(), "{args:?}: nothing reported as scanned");
    }
}
