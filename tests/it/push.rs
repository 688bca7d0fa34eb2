//! `leakguard push` and the installed pre-push hook: real `git push` to a local bare remote.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::util::{github_token, text, TestRepo};

/// A repository with `origin`, a bare repository in a temp dir, that has `main` already.
fn with_remote() -> (TestRepo, TempDir, PathBuf) {
    let repo = TestRepo::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let remote = repo.add_bare_remote(dir.path(), "origin");
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    repo.git(&["push", "-q", "--no-verify", "origin", "main"]);
    (repo, dir, remote)
}

fn remote_head(repo: &TestRepo, remote: &Path, branch: &str) -> String {
    let out = repo.command("git").args(["--git-dir", remote.to_str().expect("utf-8"), "rev-parse", branch]).output().expect("git");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn install_pre_push(repo: &TestRepo) {
    let out = repo.leakguard(&["install", "--hook", "pre-push"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(repo.path().join(".git/hooks/pre-push").is_file());
}

#[test]
fn a_push_holding_a_token_is_refused_and_a_clean_one_goes_through() {
    let (repo, _dir, remote) = with_remote();
    install_pre_push(&repo);
    let before = remote_head(&repo, &remote, "main");

    repo.commit_files(&[("deploy.cfg", &format!("TOKEN={}\n", github_token()))], "leak");
    repo.commit_files(&[("b.txt", "b\n")], "later, clean");
    let out = repo.try_git(&["push", "-q", "origin", "main"]);
    assert!(!out.status.success(), "the push must be refused:\n{}", text(&out));
    assert!(text(&out).contains("deploy.cfg"), "{}", text(&out));
    assert_eq!(remote_head(&repo, &remote, "main"), before, "nothing reached the remote");

    repo.git(&["reset", "-q", "--hard", "HEAD~2"]);
    repo.commit_files(&[("c.txt", "c\n")], "clean");
    let out = repo.try_git(&["push", "-q", "origin", "main"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(remote_head(&repo, &remote, "main"), repo.head().expect("HEAD"));

    let out = repo.leakguard(&["uninstall", "--hook", "pre-push"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!repo.path().join(".git/hooks/pre-push").exists());
}

#[test]
fn a_new_branch_whose_commits_the_remote_has_scans_nothing() {
    let (repo, _dir, remote) = with_remote();
    // An old leak already on the remote (pushed before the hook existed).
    repo.commit_files(&[("old.cfg", &format!("TOKEN={}\n", github_token()))], "old leak");
    repo.git(&["push", "-q", "--no-verify", "origin", "main"]);
    install_pre_push(&repo);

    repo.git(&["checkout", "-q", "-b", "feature"]);
    let out = repo.try_git(&["push", "-q", "origin", "feature"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(remote_head(&repo, &remote, "feature"), repo.head().expect("HEAD"));

    // Editing another line of the file that holds the old leak adds no secret.
    repo.commit_files(&[("old.cfg", &format!("USER=me\nTOKEN={}\n", github_token()))], "edit beside it");
    let out = repo.try_git(&["push", "-q", "origin", "feature"]);
    assert!(out.status.success(), "{}", text(&out));

    // The same through the command, with --format json: nothing at all.
    let head = repo.head().expect("HEAD");
    let line = format!("refs/heads/feature {head} refs/heads/feature {}\n", "0".repeat(40));
    let out = push_with_stdin(&repo, &line, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(report["summary"]["scanned"], 0);
}

#[test]
fn deletions_several_refs_tags_and_force_pushes() {
    let (repo, _dir, _remote) = with_remote();
    let zero = "0".repeat(40);
    let base = repo.head().expect("HEAD");
    // Deleting a branch sends nothing.
    let out = push_with_stdin(&repo, &format!("(delete) {zero} refs/heads/gone {base}\n"), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    repo.commit_files(&[("x.cfg", &format!("TOKEN={}\n", github_token()))], "leak on a tag");
    repo.git(&["tag", "-a", "-m", "release", "v1"]);
    let tag = String::from_utf8_lossy(&repo.git(&["rev-parse", "v1"]).stdout).trim().to_string();
    repo.git(&["reset", "-q", "--hard", &base]);
    repo.commit_files(&[("y.txt", "y\n")], "clean");
    let head = repo.head().expect("HEAD");
    let lines = format!("refs/heads/main {head} refs/heads/main {base}\nrefs/tags/v1 {tag} refs/tags/v1 {zero}\n");
    let out = push_with_stdin(&repo, &lines, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "the annotated tag's commit holds the token:\n{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let found = &report["findings"];
    assert_eq!(found[0]["file"], "x.cfg");
    assert_eq!(found[0]["summary"], "leak on a tag");

    // A force push over a remote sha we never fetched still scans what we send.
    let unknown = "1234567890123456789012345678901234567890";
    let out = push_with_stdin(&repo, &format!("refs/heads/main {tag} refs/heads/main {unknown}\n"), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

fn push_with_stdin(repo: &TestRepo, stdin: &str, extra: &[&str]) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = repo
        .command(crate::util::leakguard_bin())
        .arg("push")
        .args(extra)
        .args(["origin", "unused-url"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run leakguard push");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait")
}
