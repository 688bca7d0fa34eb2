//! `leakguard scan`: files, folders, ignore files, stdin.

use std::io::Write;
use std::process::Stdio;

use crate::util::{github_token, stdout, text, TestRepo};

#[test]
fn folder_scan_respects_gitignore_unless_told_not_to() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "build/\n");
    repo.write("build/out.txt", format!("t={}\n", github_token()));
    repo.write("src/ok.rs", "fn main() {}\n");
    repo.write(".env", format!("GH={}\n", github_token()));
    let out = repo.leakguard(&["scan"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(stdout(&out).contains(".env:1:4"), "hidden files are scanned:\n{}", text(&out));
    assert!(!stdout(&out).contains("build/out.txt"), "ignored:\n{}", text(&out));

    let out = repo.leakguard(&["scan", "--no-ignore", "--format", "json"]);
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let files: Vec<&str> = findings["findings"].as_array().expect("array").iter().filter_map(|f| f["file"].as_str()).collect();
    assert_eq!(files, [".env", "build/out.txt"]);
    assert!(!text(&out).contains(&github_token()));
}

#[test]
fn named_file_is_scanned_even_if_ignored_and_git_dir_never() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "secret.txt\n");
    repo.write("secret.txt", format!("{}\n", github_token()));
    repo.write(".git/leak", format!("{}\n", github_token()));
    let out = repo.leakguard(&["scan", "secret.txt"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = repo.leakguard(&["scan", "--no-ignore", "--format", "json"]);
    assert!(!stdout(&out).contains(".git/leak"), "{}", text(&out));
}

#[test]
fn stdin_is_scanned_with_dash() {
    let repo = TestRepo::new();
    let mut child = repo
        .command(crate::util::leakguard_bin())
        .args(["scan", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(format!("x\nkey={}\n", github_token()).as_bytes()).expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(stdout(&out).contains("<stdin>:2:5"), "{}", text(&out));
}

#[test]
fn clean_scan_exits_zero_and_says_so() {
    let repo = TestRepo::new();
    repo.write("a.txt", "nothing to see\n");
    let out = repo.leakguard(&["scan", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("no findings in 1 file scanned"), "{}", text(&out));
}

#[test]
fn missing_path_is_an_error() {
    let repo = TestRepo::new();
    let out = repo.leakguard(&["scan", "nope"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("nope: no such file or folder"), "{}", text(&out));
}

#[test]
fn unreadable_file_makes_the_scan_fail_not_pass() {
    let repo = TestRepo::new();
    repo.write("ok.txt", "fine\n");
    #[cfg(unix)]
    {
        // A dangling path named explicitly: it cannot be read.
        std::os::unix::fs::symlink("missing-target", repo.path().join("dangling")).expect("symlink");
        let out = repo.leakguard(&["scan", "ok.txt", "dangling"]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    }
}
