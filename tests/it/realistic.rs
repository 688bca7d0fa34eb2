//! Ordinary code that is not a secret (tests/realistic, written for this test) must not block
//! a commit. The folder is copied into a temp repository first, so that its paths are judged as
//! a project's own (not as files under `tests/`), and scanned without the checkout's config.

use std::path::Path;

use crate::util::{stdout, text, TestRepo};

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read realistic folder") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("create dir");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

fn realistic_repo() -> TestRepo {
    let repo = TestRepo::new();
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realistic"), repo.path());
    repo
}

/// (path, line, severity) of every finding in a JSON report.
fn findings(json: &str) -> Vec<(String, u64, String)> {
    let report: serde_json::Value = serde_json::from_str(json).expect("JSON report");
    let list = report["findings"].as_array().expect("findings array");
    list.iter()
        .map(|f| (f["file"].as_str().expect("file").to_string(), f["line"].as_u64().expect("line"), f["severity"].as_str().expect("severity").to_string()))
        .collect()
}

fn is_test_path(path: &str) -> bool {
    path.contains("/test/") || path.contains("test_")
}

#[test]
fn ordinary_code_does_not_block_a_scan() {
    let repo = realistic_repo();
    let out = repo.leakguard(&["scan", "--no-config", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let found = findings(&stdout(&out));
    let scanned = serde_json::from_str::<serde_json::Value>(&stdout(&out)).expect("JSON")["summary"]["scanned"].as_u64().expect("scanned");
    assert!(scanned >= 20, "the whole folder was scanned: {scanned} files");
    for (path, line, severity) in &found {
        assert_eq!(severity, "warn", "{path}:{line} blocks");
        assert!(is_test_path(path), "{path}:{line}: only test files may warn");
    }
}

#[test]
fn ordinary_code_commits_and_a_real_leak_beside_it_does_not() {
    let repo = realistic_repo();
    repo.git(&["add", "-A"]);
    let clean = repo.leakguard(&["staged"]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean));

    // The control: the same tree with one real-looking password in production settings.
    let password = ["Qv8", "#mT2", "rLx9", "wZp4"].concat();
    repo.write("shop/settings/production.py", format!("from .base import *\nDATABASE_PASSWORD = \"{password}\"\n"));
    repo.git(&["add", "-A"]);
    let leak = repo.leakguard(&["staged", "--format", "json"]);
    assert_eq!(leak.status.code(), Some(1), "{}", text(&leak));
    let found = findings(&stdout(&leak));
    assert!(found.iter().any(|(p, l, s)| p == "shop/settings/production.py" && *l == 2 && s == "block"), "{found:?}");
    assert!(!text(&leak).contains(&password), "the report redacts the password");
}
