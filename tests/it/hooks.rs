//! `leakguard install` / `uninstall`: where the hook goes, and chaining a hook already there.

use std::fs;

use crate::util::{github_token, text, TestRepo};

fn write_hook(path: &std::path::Path, body: &str) {
    fs::create_dir_all(path.parent().expect("hook has a folder")).expect("mkdir");
    fs::write(path, body).expect("write hook");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

#[test]
fn existing_hook_is_kept_and_chained_then_restored() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    let hook = repo.path().join(".git/hooks/pre-commit");
    let original = "#!/bin/sh\necho chained-hook-ran >> \"$(git rev-parse --git-dir)/chain.log\"\nexit 0\n";
    write_hook(&hook, original);

    let out = repo.leakguard(&["install"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(".leakguard-chained/pre-commit"), "says where the old hook went:\n{}", text(&out));
    assert_eq!(fs::read_to_string(repo.path().join(".git/hooks/.leakguard-chained/pre-commit")).expect("chained hook"), original);

    // A clean commit runs both hooks.
    repo.write("a.txt", "b\n");
    repo.git(&["commit", "-qam", "clean"]);
    let log = fs::read_to_string(repo.path().join(".git/chain.log")).expect("the chained hook ran");
    assert_eq!(log.lines().count(), 1);

    // Installing twice updates our hook and does not chain it to itself.
    let out = repo.leakguard(&["install"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(fs::read_to_string(repo.path().join(".git/hooks/.leakguard-chained/pre-commit")).expect("chained"), original);

    let out = repo.leakguard(&["uninstall"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(fs::read_to_string(&hook).expect("restored hook"), original);
    assert!(!repo.path().join(".git/hooks/.leakguard-chained/pre-commit").exists());
}

#[test]
fn a_failing_chained_hook_still_fails_the_commit() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    write_hook(&repo.path().join(".git/hooks/pre-commit"), "#!/bin/sh\necho lint failed >&2\nexit 3\n");
    repo.install_hook();
    repo.write("a.txt", "b\n");
    let out = repo.try_git(&["commit", "-qam", "clean but lint fails"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("lint failed"), "{}", text(&out));
}

#[test]
fn core_hooks_path_is_respected() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    repo.git(&["config", "core.hooksPath", "ci/hooks"]);
    repo.install_hook();
    assert!(repo.path().join("ci/hooks/pre-commit").is_file());
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());

    repo.write("a.txt", format!("token: {}\n", github_token()));
    let out = repo.try_git(&["commit", "-qam", "leak"]);
    assert!(!out.status.success(), "{}", text(&out));
}

#[test]
fn hook_blocks_when_leakguard_cannot_run() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    repo.install_hook();
    // The binary the hook names is gone and none is on PATH: the commit must not pass.
    let hook = repo.path().join(".git/hooks/pre-commit");
    let script = fs::read_to_string(&hook).expect("hook");
    let bin = crate::util::leakguard_bin().to_string_lossy().into_owned();
    assert!(script.contains(&bin), "the hook names the binary that installed it");
    fs::write(&hook, script.replace(&bin, "/nonexistent/leakguard")).expect("rewrite hook");
    repo.write("a.txt", "b\n");
    let out = repo.command("git").args(["commit", "-qam", "x"]).env("PATH", "/usr/bin:/bin").output().expect("git");
    assert!(!out.status.success(), "{}", text(&out));
    assert_eq!(repo.head().map(|h| h.len()), Some(40));
    assert_eq!(repo.try_git(&["rev-list", "--count", "HEAD"]).stdout, b"1\n");
}

/// A commit of a token, refused by the hook git runs; `dir` is where `git` runs.
fn assert_commit_of_a_token_is_refused(repo: &TestRepo, dir: &std::path::Path) {
    fs::write(dir.join("leak.py"), format!("TOKEN = \"{}\"\n", github_token())).expect("write");
    let git = |args: &[&str]| repo.command("git").current_dir(dir).args(args).output().expect("git");
    assert!(git(&["add", "leak.py"]).status.success());
    let before = git(&["rev-parse", "HEAD"]).stdout;
    let out = git(&["commit", "-qm", "leak"]);
    assert!(!out.status.success(), "the hook git runs let the token through:\n{}", text(&out));
    assert!(text(&out).contains("github-pat-classic"), "{}", text(&out));
    assert_eq!(git(&["rev-parse", "HEAD"]).stdout, before, "no commit was made");
}

/// git reads the local `core.hooksPath` over the global one: `install` goes where git looks,
/// and does not take the global folder for this repository's.
#[test]
fn issue_13_a_local_hooks_path_overrides_a_global_one_for_install() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    let global = repo.home().join("global-hooks");
    repo.git(&["config", "--global", "core.hooksPath", global.to_str().expect("utf-8")]);
    repo.git(&["config", "core.hooksPath", "local-hooks"]);

    let out = repo.leakguard(&["install"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(repo.path().join("local-hooks/pre-commit").is_file(), "{}", text(&out));
    assert!(!global.join("pre-commit").exists(), "the global folder is left alone");
    assert_commit_of_a_token_is_refused(&repo, repo.path());

    // Without the local setting, the global folder is the one git runs: refused per repository.
    repo.git(&["config", "--unset", "core.hooksPath"]);
    let out = repo.leakguard(&["install"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("global git config"), "{}", text(&out));
}

/// `core.hooksPath` set in a file the repository's config includes is the one git runs: install
/// puts the hook there. Set in a file the global config includes, it is global.
#[test]
fn issue_13_a_hooks_path_from_an_included_config_is_respected() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    repo.write("team.gitconfig", "[core]\n\thooksPath = tools/hooks\n");
    // Relative to the including file: .git/config includes ../team.gitconfig.
    repo.git(&["config", "include.path", "../team.gitconfig"]);
    assert_eq!(repo.git(&["rev-parse", "--git-path", "hooks"]).stdout, b"tools/hooks\n", "git itself reads it");

    let out = repo.leakguard(&["install"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(repo.path().join("tools/hooks/pre-commit").is_file(), "{}", text(&out));
    assert!(!repo.path().join(".git/hooks/pre-commit").exists(), "not the folder git does not run");
    assert_commit_of_a_token_is_refused(&repo, repo.path());

    let other = TestRepo::new();
    other.commit_files(&[("a.txt", "a\n")], "initial");
    let shared = other.home().join("shared.gitconfig");
    fs::write(&shared, format!("[core]\n\thooksPath = {}\n", other.home().join("hooks").display())).expect("write");
    other.git(&["config", "--global", "include.path", shared.to_str().expect("utf-8")]);
    let out = other.leakguard(&["install"]);
    assert_eq!(out.status.code(), Some(2), "a global include is global:\n{}", text(&out));
    assert!(!other.home().join("hooks/pre-commit").exists());
}

/// In a linked worktree, git runs the hooks of the repository's shared folder: `install` from
/// the worktree puts the hook there, and it guards commits in both.
#[test]
fn issue_13_install_from_a_linked_worktree_uses_the_shared_hooks_folder() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    let outside = tempfile::tempdir().expect("temp dir");
    let linked = outside.path().join("linked");
    repo.git(&["worktree", "add", "-q", "-b", "feature", linked.to_str().expect("utf-8")]);

    let out = repo.command(crate::util::leakguard_bin()).current_dir(&linked).arg("install").output().expect("run");
    assert!(out.status.success(), "{}", text(&out));
    let hook = repo.path().join(".git/hooks/pre-commit");
    assert!(hook.is_file(), "{}", text(&out));
    assert!(text(&out).contains(&hook.display().to_string()), "says where: {}", text(&out));
    assert!(!repo.path().join(".git/worktrees/linked/hooks").exists(), "not the worktree's private folder");
    assert_commit_of_a_token_is_refused(&repo, &linked);
    assert_commit_of_a_token_is_refused(&repo, repo.path());

    // A worktree-only core.hooksPath is the worktree's own.
    repo.git(&["config", "extensions.worktreeConfig", "true"]);
    let git = |args: &[&str]| repo.command("git").current_dir(&linked).args(args).output().expect("git");
    assert!(git(&["config", "--worktree", "core.hooksPath", "wt-hooks"]).status.success());
    let out = repo.command(crate::util::leakguard_bin()).current_dir(&linked).arg("install").output().expect("run");
    assert!(out.status.success(), "{}", text(&out));
    assert!(linked.join("wt-hooks/pre-commit").is_file(), "{}", text(&out));
    assert!(!repo.path().join("wt-hooks").exists(), "the main work tree keeps its own setting");
}
