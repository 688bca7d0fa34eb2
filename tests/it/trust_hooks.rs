//! Issue 12 (trust), the hook side: the hook fails closed (items 5), installs never leave a
//! repository less protected (5), chained hooks run as git would run them (12, 13), global
//! install and baseline edge cases (14), and the commit-msg hook (4).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util::{github_token, isolated, leakguard_bin, text, TestRepo};

fn write_hook(path: &Path, body: &str, mode: u32) {
    fs::create_dir_all(path.parent().expect("hook has a folder")).expect("mkdir");
    fs::write(path, body).expect("write hook");
    set_mode(path, mode);
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

fn commit_count(repo: &TestRepo) -> String {
    String::from_utf8_lossy(&repo.git(&["rev-list", "--count", "HEAD"]).stdout).trim().to_string()
}

/// Rewrites the installed hook to run `binary` instead of the leakguard that installed it.
fn point_hook_at(repo: &TestRepo, hook: &str, binary: &Path) {
    let path = repo.path().join(".git/hooks").join(hook);
    let script = fs::read_to_string(&path).expect("hook");
    let bin = leakguard_bin().to_string_lossy().into_owned();
    assert!(script.contains(&format!("leakguard='{bin}'")), "the hook names the binary that installed it");
    fs::write(&path, script.replace(&bin, &binary.to_string_lossy())).expect("rewrite hook");
}

/// A repository with one commit, the hook installed, and a token staged.
fn repo_with_staged_token() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    repo.install_hook();
    repo.write("a.txt", format!("token = {}\n", github_token()));
    repo.git(&["add", "a.txt"]);
    repo
}

/// `git commit` with PATH limited to `path_dirs` plus the system folders.
fn commit_with_path(repo: &TestRepo, path_dirs: &[&Path]) -> Output {
    let mut path: Vec<PathBuf> = path_dirs.iter().map(|p| p.to_path_buf()).collect();
    path.extend([PathBuf::from("/usr/bin"), PathBuf::from("/bin")]);
    let path = std::env::join_paths(path).expect("PATH");
    repo.command("git").args(["commit", "-qm", "leak"]).env("PATH", path).output().expect("git")
}

#[test]
fn issue12_hook_refuses_an_empty_binary() {
    let repo = repo_with_staged_token();
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("leakguard");
    write_hook(&empty, "", 0o755);
    point_hook_at(&repo, "pre-commit", &empty);
    let out = commit_with_path(&repo, &[]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("is empty"), "says why:\n{}", text(&out));
    assert!(text(&out).contains("refuses"), "{}", text(&out));
    assert_eq!(commit_count(&repo), "1", "nothing was committed");
}

#[test]
fn issue12_hook_refuses_a_binary_that_is_not_leakguard() {
    let repo = repo_with_staged_token();
    let dir = tempfile::tempdir().expect("temp dir");
    // A `leakguard` on PATH that passes everything, and the recorded binary gone.
    let fake = dir.path().join("leakguard");
    write_hook(&fake, "#!/bin/sh\nexit 0\n", 0o755);
    point_hook_at(&repo, "pre-commit", &dir.path().join("gone/leakguard"));
    let out = commit_with_path(&repo, &[dir.path()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("is missing"), "{}", text(&out));
    assert_eq!(commit_count(&repo), "1");

    // The fake at the recorded path itself: it does not answer the handshake.
    point_hook_at_again(&repo, &dir.path().join("gone/leakguard"), &fake);
    let out = commit_with_path(&repo, &[dir.path()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("did not answer as leakguard does"), "{}", text(&out));
    assert_eq!(commit_count(&repo), "1");

    // Not executable.
    set_mode(&fake, 0o644);
    let out = commit_with_path(&repo, &[dir.path()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("is not executable"), "{}", text(&out));
    assert_eq!(commit_count(&repo), "1");
}

fn point_hook_at_again(repo: &TestRepo, from: &Path, to: &Path) {
    let path = repo.path().join(".git/hooks/pre-commit");
    let script = fs::read_to_string(&path).expect("hook");
    fs::write(&path, script.replace(&*from.to_string_lossy(), &to.to_string_lossy())).expect("rewrite hook");
}

#[test]
fn issue12_the_real_binary_still_passes_a_clean_commit() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    repo.install_hook();
    repo.write("a.txt", "b\n");
    let out = repo.try_git(&["commit", "-qam", "clean"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(commit_count(&repo), "2");
    let out = repo.leakguard(&["hook-handshake", "1"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "leakguard-hook-ok 1\n");
    let out = repo.leakguard(&["hook-handshake", "999"]);
    assert_eq!(out.status.code(), Some(2), "an unknown protocol is an error: {}", text(&out));
    assert!(out.stdout.is_empty());
}

/// Runs leakguard with `ulimit -f 0`: the first byte written to any file kills it (SIGXFSZ),
/// as a full disk would stop it at the worst moment.
fn leakguard_that_cannot_write(repo: &TestRepo, args: &str) -> Output {
    let bin = leakguard_bin();
    let script = format!("ulimit -f 0; exec '{}' {args}", bin.display());
    repo.command("sh").args(["-c", &script]).output().expect("sh")
}

#[test]
fn issue12_install_that_cannot_write_leaves_the_users_hook_in_place() {
    let repo = repo_with_staged_token();
    repo.leakguard(&["uninstall"]);
    let hook = repo.path().join(".git/hooks/pre-commit");
    let blocking = "#!/bin/sh\necho the team hook says no >&2\nexit 1\n";
    write_hook(&hook, blocking, 0o755);

    let out = leakguard_that_cannot_write(&repo, "install");
    assert!(!out.status.success(), "{}", text(&out));
    assert_eq!(fs::read_to_string(&hook).expect("still there"), blocking);
    assert!(is_executable(&hook));
    assert!(!repo.path().join(".git/hooks/.leakguard-chained/pre-commit").exists());
    let out = repo.try_git(&["commit", "-qm", "leak"]);
    assert!(!out.status.success() && text(&out).contains("the team hook says no"), "{}", text(&out));

    // A chained-hook folder that cannot be made (a file is in the way): refused, nothing moved.
    fs::write(repo.path().join(".git/hooks/.leakguard-chained"), "in the way").expect("write");
    let out = repo.leakguard(&["install"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_eq!(fs::read_to_string(&hook).expect("still there"), blocking);
    assert!(is_executable(&hook));
    let leftovers: Vec<_> = fs::read_dir(repo.path().join(".git/hooks"))
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("leakguard-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temp file left: {leftovers:?}");
    assert_eq!(commit_count(&repo), "1");
}

#[test]
fn issue12_baseline_and_init_that_cannot_write_leave_the_old_file() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", &format!("token = {}\n", github_token()))], "initial");
    let out = repo.leakguard(&["baseline"]);
    assert!(out.status.success(), "{}", text(&out));
    let before = repo.read(".leakguard-baseline.toml");
    let out = leakguard_that_cannot_write(&repo, "baseline --update");
    assert!(!out.status.success());
    assert_eq!(repo.read(".leakguard-baseline.toml"), before, "the baseline is whole");

    repo.write(".leakguard.toml", "[rules]\nbuiltin = true\n");
    let out = leakguard_that_cannot_write(&repo, "init --force");
    assert!(!out.status.success());
    assert_eq!(repo.read(".leakguard.toml"), b"[rules]\nbuiltin = true\n");
}

#[test]
fn issue12_a_disabled_chained_hook_is_not_run() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    // Not executable: git would not run it, so it must not fail the commit either.
    write_hook(&repo.path().join(".git/hooks/pre-commit"), "#!/bin/sh\necho ran >&2\nexit 1\n", 0o644);
    repo.install_hook();
    repo.write("a.txt", "b\n");
    let out = repo.try_git(&["commit", "-qam", "clean"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("ran"), "{}", text(&out));
    assert!(!text(&out).contains("Permission denied"), "{}", text(&out));
    assert_eq!(text(&out).lines().count(), 1, "one line of note at most:\n{}", text(&out));
    assert_eq!(commit_count(&repo), "2");
}

#[test]
fn issue12_a_chained_hook_runs_under_its_own_name() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    let log = repo.path().join(".git/names.log");
    let body = format!("#!/bin/sh\necho \"$(basename \"$0\") $#\" >> '{}'\n", log.display());
    write_hook(&repo.path().join(".git/hooks/pre-commit"), &body, 0o755);
    // A bash script and one that is not a shell script keep their name too.
    write_hook(&repo.path().join(".git/hooks/commit-msg"), &body.replace("#!/bin/sh", "#!/usr/bin/env bash"), 0o755);
    repo.install_hook();
    let out = repo.leakguard(&["install", "--hook", "commit-msg"]);
    assert!(out.status.success(), "{}", text(&out));
    repo.write("a.txt", "b\n");
    let out = repo.try_git(&["commit", "-qam", "clean"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(fs::read_to_string(&log).expect("log"), "pre-commit 0\ncommit-msg 1\n");
}

#[test]
fn issue12_a_husky_style_hook_still_runs() {
    // husky v9 style: core.hooksPath is a folder of stubs that find a helper beside themselves
    // ("$(dirname "$0")/h") and the script to run from the hook's name.
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    repo.git(&["config", "core.hooksPath", ".tool/_"]);
    write_hook(&repo.path().join(".tool/_/pre-commit"), "#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"\n", 0o755);
    let helper = "#!/usr/bin/env sh\nname=$(basename \"$0\")\nscript=\"$(dirname \"$(dirname \"$0\")\")/$name\"\n[ -f \"$script\" ] || exit 0\nsh -e \"$script\" \"$@\"\n";
    write_hook(&repo.path().join(".tool/_/h"), helper, 0o755);
    write_hook(&repo.path().join(".tool/pre-commit"), "echo team-check >> .git/team.log\n", 0o644);
    repo.install_hook();
    assert!(repo.path().join(".tool/_/.leakguard-chained/pre-commit").is_file());
    repo.write("a.txt", "b\n");
    let out = repo.try_git(&["commit", "-qam", "clean"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(fs::read_to_string(repo.path().join(".git/team.log")).expect("the team's hook ran"), "team-check\n");

    repo.write("a.txt", format!("{}\n", github_token()));
    let out = repo.try_git(&["commit", "-qam", "leak"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert_eq!(commit_count(&repo), "2");
}

#[test]
fn issue12_the_previous_layout_is_read_migrated_and_restored() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    let hooks = repo.path().join(".git/hooks");
    let original = "#!/bin/sh\necho \"$(basename \"$0\")\" >> .git/old.log\n";
    write_hook(&hooks.join("pre-commit"), original, 0o755);
    repo.install_hook();
    // What an earlier version left: the user's hook beside ours, under a longer name.
    fs::rename(hooks.join(".leakguard-chained/pre-commit"), hooks.join("pre-commit.leakguard-chained")).expect("mv");
    fs::remove_dir(hooks.join(".leakguard-chained")).expect("rmdir");

    repo.write("a.txt", "b\n");
    repo.git(&["commit", "-qam", "old layout"]);
    assert_eq!(fs::read_to_string(repo.path().join(".git/old.log")).expect("ran"), "pre-commit\n");

    let out = repo.leakguard(&["install"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(".leakguard-chained/pre-commit"), "{}", text(&out));
    assert!(!hooks.join("pre-commit.leakguard-chained").exists());
    assert_eq!(fs::read_to_string(hooks.join(".leakguard-chained/pre-commit")).expect("moved"), original);

    // Uninstall restores from the old layout too.
    fs::rename(hooks.join(".leakguard-chained/pre-commit"), hooks.join("pre-commit.leakguard-chained")).expect("mv");
    let out = repo.leakguard(&["uninstall"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(fs::read_to_string(hooks.join("pre-commit")).expect("restored"), original);
    assert!(!hooks.join("pre-commit.leakguard-chained").exists());
    assert!(!hooks.join(".leakguard-chained").exists(), "the empty folder goes too");
}

#[test]
fn issue12_a_symlinked_hook_is_kept_pointing_at_its_file() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    // It finds its own folder through the link, as scripts kept in the repository often do.
    let body = "#!/bin/sh\nhere=$(dirname \"$(readlink -f \"$0\")\")\necho \"linked from $(basename \"$here\")\" >> .git/linked.log\n";
    write_hook(&repo.path().join("tools/hook.sh"), body, 0o755);
    let hook = repo.path().join(".git/hooks/pre-commit");
    std::os::unix::fs::symlink("../../tools/hook.sh", &hook).expect("symlink");
    repo.install_hook();
    repo.write("a.txt", "b\n");
    repo.git(&["commit", "-qam", "clean"]);
    assert_eq!(fs::read_to_string(repo.path().join(".git/linked.log")).expect("the linked hook ran"), "linked from tools\n");
    let out = repo.leakguard(&["uninstall"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(fs::read_link(&hook).expect("a symlink again"), Path::new("../../tools/hook.sh"));
}

#[test]
fn issue12_pre_push_fails_closed_and_hands_the_same_refs_on() {
    let repo = TestRepo::new();
    let dir = tempfile::tempdir().expect("temp dir");
    repo.add_bare_remote(dir.path(), "origin");
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    let chained = "#!/bin/sh\ncat > .git/refs.log\necho \"$1 $#\" >> .git/refs.log\n";
    write_hook(&repo.path().join(".git/hooks/pre-push"), chained, 0o755);
    let out = repo.leakguard(&["install", "--hook", "pre-push"]);
    assert!(out.status.success(), "{}", text(&out));
    repo.git(&["push", "-q", "origin", "main"]);
    let head = repo.head().expect("HEAD");
    let zero = "0".repeat(40);
    assert_eq!(
        fs::read_to_string(repo.path().join(".git/refs.log")).expect("the chained hook ran"),
        format!("refs/heads/main {head} refs/heads/main {zero}\norigin 2\n")
    );

    let path = repo.path().join(".git/hooks/pre-push");
    let script = fs::read_to_string(&path).expect("hook");
    fs::write(&path, script.replace(&*leakguard_bin().to_string_lossy(), "/nonexistent/leakguard")).expect("rewrite");
    repo.commit_files(&[("b.txt", "b\n")], "second");
    let out = repo.try_git(&["push", "-q", "origin", "main"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("is missing"), "{}", text(&out));
}

/// Another repository sharing `repo`'s home (so its global git config).
fn sibling_repo(repo: &TestRepo) -> (tempfile::TempDir, impl Fn(&[&str]) -> Output + '_) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().to_path_buf();
    let run = move |args: &[&str]| {
        let (program, rest) = args.split_first().expect("a command");
        let program = if *program == "leakguard" { leakguard_bin() } else { PathBuf::from(program) };
        isolated(program, repo.home()).args(rest).current_dir(&path).output().expect("run")
    };
    (dir, run)
}

#[test]
fn issue12_install_global_sets_a_hooks_folder_and_runs_each_repositorys_hook() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    write_hook(&repo.path().join(".git/hooks/pre-commit"), "#!/bin/sh\necho own >> .git/own.log\n", 0o755);

    let out = repo.leakguard(&["install", "--global"]);
    assert!(out.status.success(), "{}", text(&out));
    let managed = repo.home().join(".config/leakguard/hooks");
    assert!(text(&out).contains(&format!("set core.hooksPath = {}", managed.display())), "says what it set:\n{}", text(&out));
    let configured = repo.git(&["config", "--global", "core.hooksPath"]);
    assert_eq!(String::from_utf8_lossy(&configured.stdout).trim(), managed.to_string_lossy());
    assert!(managed.join("pre-commit").is_file());

    // The repository's own hook still runs, after leakguard; a leak is refused.
    repo.write("a.txt", "b\n");
    let out = repo.try_git(&["commit", "-qam", "clean"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(fs::read_to_string(repo.path().join(".git/own.log")).expect("own hook ran"), "own\n");
    repo.write("a.txt", format!("{}\n", github_token()));
    let out = repo.try_git(&["commit", "-qam", "leak"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert_eq!(commit_count(&repo), "2");

    // Another repository, with no hook of its own, is covered too.
    let (_other, run) = sibling_repo(&repo);
    assert!(run(&["git", "init", "-q", "-b", "main"]).status.success());
    fs::write(_other.path().join("k.txt"), format!("{}\n", github_token())).expect("write");
    run(&["git", "add", "k.txt"]);
    let out = run(&["git", "commit", "-qm", "leak"]);
    assert!(!out.status.success(), "{}", text(&out));
    // A per-repository install there says the global hook covers it, and changes nothing.
    let out = run(&["leakguard", "install"]);
    assert!(out.status.success() && text(&out).contains("--global"), "{}", text(&out));
    assert!(!_other.path().join(".git/hooks/pre-commit").exists());

    let out = repo.leakguard(&["uninstall", "--global"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("removed core.hooksPath"), "{}", text(&out));
    assert!(!repo.try_git(&["config", "--global", "core.hooksPath"]).status.success(), "unset again");
    assert!(!managed.exists());
}

#[test]
fn issue12_install_global_uses_and_chains_a_folder_the_user_set() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    let folder = repo.home().join("my-hooks");
    write_hook(&folder.join("pre-commit"), "#!/bin/sh\necho global-team >> .git/team.log\n", 0o755);
    repo.git(&["config", "--global", "core.hooksPath", &folder.to_string_lossy()]);
    // Per repository, leakguard refuses to write into a folder every repository shares.
    let out = repo.leakguard(&["install"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("install --global"), "{}", text(&out));

    let out = repo.leakguard(&["install", "--global"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("set core.hooksPath"), "nothing to set:\n{}", text(&out));
    repo.write("a.txt", "b\n");
    repo.git(&["commit", "-qam", "clean"]);
    assert_eq!(fs::read_to_string(repo.path().join(".git/team.log")).expect("ran"), "global-team\n");

    let out = repo.leakguard(&["uninstall", "--global"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(fs::read_to_string(folder.join("pre-commit")).expect("restored").contains("global-team"));
    let configured = repo.git(&["config", "--global", "core.hooksPath"]);
    assert_eq!(String::from_utf8_lossy(&configured.stdout).trim(), folder.to_string_lossy(), "the user's setting stays");
}

#[test]
fn issue12_baseline_judges_a_deleted_tracked_file_by_its_staged_version() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", &format!("token = {}\n", github_token())), ("b.txt", "b\n")], "initial");
    fs::remove_file(repo.path().join("a.txt")).expect("rm");
    let out = repo.leakguard(&["baseline"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("1 missing from the work tree, judged as staged"), "{}", text(&out));
    let baseline = String::from_utf8_lossy(&repo.read(".leakguard-baseline.toml")).into_owned();
    assert!(baseline.contains("path = \"a.txt\""), "{baseline}");

    // Staged as deleted, it is no longer tracked.
    repo.git(&["rm", "-q", "--cached", "a.txt"]);
    let out = repo.leakguard(&["baseline"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!String::from_utf8_lossy(&repo.read(".leakguard-baseline.toml")).contains("a.txt"));
}

#[test]
fn issue12_baseline_reads_a_split_index() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", &format!("token = {}\n", github_token()))], "initial");
    repo.git(&["update-index", "--split-index"]);
    repo.write("b.txt", format!("other = {}\n", github_token()));
    repo.git(&["add", "b.txt"]);
    let out = repo.leakguard(&["baseline"]);
    assert!(out.status.success(), "{}", text(&out));
    let baseline = String::from_utf8_lossy(&repo.read(".leakguard-baseline.toml")).into_owned();
    assert!(baseline.contains("path = \"a.txt\"") && baseline.contains("path = \"b.txt\""), "both halves of the index:\n{baseline}");
    assert!(text(&out).contains("2 tracked files"), "{}", text(&out));
}

#[test]
fn issue4_commit_msg_hook_refuses_a_token_in_the_message() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    let out = repo.leakguard(&["install", "--hook", "commit-msg"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(repo.path().join(".git/hooks/commit-msg").is_file());

    repo.write("a.txt", "b\n");
    let token = github_token();
    let out = repo.try_git(&["commit", "-qam", &format!("deploy with {token} for now")]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("github-pat-classic"), "{}", text(&out));
    assert!(!text(&out).contains(&token), "the token is redacted:\n{}", text(&out));
    assert_eq!(commit_count(&repo), "1", "nothing was committed");

    let out = repo.try_git(&["commit", "-qam", "a clean message"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(commit_count(&repo), "2");
}

#[test]
fn issue4_commit_msg_skips_what_git_strips_and_speaks_every_format() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    let token = github_token();
    let stripped = format!("subject\n# {token}\n# ------------------------ >8 ------------------------\n-removed {token}\n");
    repo.write(".git/COMMIT_EDITMSG", &stripped);
    let out = repo.leakguard(&["commit-msg", ".git/COMMIT_EDITMSG"]);
    assert_eq!(out.status.code(), Some(0), "comment lines and the diff below the scissors are not recorded:\n{}", text(&out));

    repo.git(&["config", "core.commentChar", ";"]);
    let out = repo.leakguard(&["commit-msg", ".git/COMMIT_EDITMSG"]);
    assert_eq!(out.status.code(), Some(1), "with `;` as comment character, `#` lines are kept:\n{}", text(&out));

    repo.write(".git/COMMIT_EDITMSG", format!("subject\n\nbody {token}\n"));
    let out = repo.leakguard(&["commit-msg", ".git/COMMIT_EDITMSG", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(report.to_string().contains("\"line\":3"), "{report}");
    assert!(!text(&out).contains(&token));

    repo.write(".git/COMMIT_EDITMSG", format!("subject\n\nbody {token} leakguard:allow github-pat-classic\n"));
    let out = repo.leakguard(&["commit-msg", ".git/COMMIT_EDITMSG"]);
    assert_eq!(out.status.code(), Some(0), "inline allows work in messages:\n{}", text(&out));

    let out = repo.leakguard(&["commit-msg", ".git/NO_SUCH_FILE"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn issue4_pre_commit_framework_declares_the_commit_msg_hook() {
    let yaml = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")).expect("read");
    let entry = yaml.split("\n- id: ").find(|e| e.starts_with("leakguard-commit-msg\n")).expect("a leakguard-commit-msg hook");
    assert!(entry.contains("entry: leakguard commit-msg\n"), "{entry}");
    assert!(entry.contains("stages: [commit-msg]"), "{entry}");
}
