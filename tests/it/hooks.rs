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
