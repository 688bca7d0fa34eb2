//! `leakguard pre-receive`: a real bare repository with the hook installed, real `git push`es
//! from a clone, objects read from git's push quarantine.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use tempfile::TempDir;

use crate::util::{github_token, leakguard_bin, text, TestRepo};

/// A clone's view of a server: `origin` is a bare repository that already has `main`.
struct Server {
    repo: TestRepo,
    _dir: TempDir,
    bare: PathBuf,
}

impl Server {
    fn new() -> Server {
        let repo = TestRepo::new();
        let dir = tempfile::tempdir().expect("temp dir");
        let bare = repo.add_bare_remote(dir.path(), "origin");
        repo.commit_files(&[("README.md", "hello\n")], "initial");
        repo.git(&["push", "-q", "origin", "main"]);
        Server { repo, _dir: dir, bare }
    }

    /// Installs `hooks/pre-receive` calling the built binary with `args`, as a server admin would.
    fn install(&self, args: &str) {
        let hook = self.bare.join("hooks").join("pre-receive");
        let script = format!("#!/bin/sh\nexec '{}' pre-receive {args}\n", leakguard_bin().display());
        std::fs::write(&hook, script).expect("write the hook");
        make_executable(&hook);
    }

    /// `git config` in the bare repository.
    fn config(&self, key: &str, value: &str) {
        self.git(&["config", key, value]);
    }

    fn git(&self, args: &[&str]) -> Output {
        let out = self.repo.command("git").arg("--git-dir").arg(&self.bare).args(args).output().expect("git");
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
        out
    }

    /// What `rev` is on the server, or `None`.
    fn rev(&self, rev: &str) -> Option<String> {
        let out = self.repo.command("git").arg("--git-dir").arg(&self.bare).args(["rev-parse", "--verify", "-q", rev]).output().expect("git");
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    fn push(&self, args: &[&str]) -> Output {
        let mut all = vec!["push", "origin"];
        all.extend_from_slice(args);
        self.repo.try_git(&all)
    }

    /// Runs `leakguard pre-receive` by hand inside the bare repository with `stdin`.
    fn run_hook(&self, stdin: &str, args: &[&str]) -> Output {
        let mut child = self
            .repo
            .command(leakguard_bin())
            .current_dir(&self.bare)
            .arg("pre-receive")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run leakguard");
        std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), stdin.as_bytes()).expect("write stdin");
        child.wait_with_output().expect("wait for leakguard")
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) {}

fn leak() -> String {
    format!("TOKEN={}\n", github_token())
}

#[test]
fn a_push_adding_a_token_is_refused_and_names_the_file_and_a_clean_one_is_accepted() {
    let server = Server::new();
    server.install("");
    let before = server.rev("main");

    server.repo.commit_files(&[("deploy/prod.env", &leak())], "deploy settings");
    server.repo.commit_files(&[("notes.txt", "clean\n")], "later, clean");
    let out = server.push(&["main"]);
    let all = text(&out);
    assert!(!out.status.success(), "the push must be refused:\n{all}");
    assert!(all.contains("pre-receive hook declined"), "{all}");
    assert!(all.contains("remote: deploy/prod.env:1"), "the pusher sees file and line:\n{all}");
    assert!(all.contains("github-pat-classic"), "{all}");
    assert!(!all.contains(&github_token()), "the secret is redacted:\n{all}");
    let leak_commit = server.repo.git(&["rev-parse", "HEAD~1"]);
    let short = &String::from_utf8_lossy(&leak_commit.stdout)[..12];
    assert!(all.contains(&format!("commit {short}")), "the commit is named:\n{all}");
    assert!(all.contains("Rotate") && all.contains("git rebase -i"), "what to do:\n{all}");
    assert_eq!(server.rev("main"), before, "nothing reached the server");

    server.repo.git(&["reset", "-q", "--hard", "HEAD~2"]);
    server.repo.commit_files(&[("src/app.py", "print('hello')\n")], "clean");
    let out = server.push(&["main"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(server.rev("main"), server.repo.head());
}

#[test]
fn deleting_a_branch_and_pushing_commits_the_server_has_are_accepted() {
    let server = Server::new();
    // A leak that reached the server before the hook was installed.
    server.repo.commit_files(&[("old.cfg", &leak())], "old leak");
    server.repo.git(&["push", "-q", "origin", "main", "main:refs/heads/feature"]);
    server.install("");

    server.repo.git(&["branch", "copy", "main"]);
    let out = server.push(&["copy"]);
    assert!(out.status.success(), "a new branch at a commit the server has adds nothing:\n{}", text(&out));
    assert_eq!(server.rev("copy"), server.repo.head());

    let out = server.push(&["--delete", "feature"]);
    assert!(out.status.success(), "a deletion adds nothing:\n{}", text(&out));
    assert_eq!(server.rev("refs/heads/feature"), None);

    // A clean commit on top of the old leak is judged by what it adds.
    server.repo.commit_files(&[("next.txt", "next\n")], "next");
    let out = server.push(&["main"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn a_new_tag_on_a_commit_with_a_secret_is_refused() {
    let server = Server::new();
    server.install("");
    server.repo.git(&["checkout", "-q", "-b", "release"]);
    server.repo.commit_files(&[("release/keys.txt", &leak())], "release keys");
    server.repo.git(&["tag", "-a", "-m", "v1", "v1.0"]);
    let out = server.push(&["v1.0"]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("release/keys.txt"), "{all}");
    assert_eq!(server.rev("refs/tags/v1.0"), None);

    // The same tag on a clean commit goes through.
    server.repo.git(&["tag", "-d", "v1.0"]);
    server.repo.git(&["tag", "-a", "-m", "v1", "v1.0", "main"]);
    let out = server.push(&["v1.0"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn the_repository_config_cannot_allow_what_the_server_blocks_but_may_add_rules() {
    let server = Server::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let server_config = dir.path().join("server.toml");
    std::fs::write(&server_config, "[allowlist]\npaths = [\"fixtures/**\"]\n").expect("write config");
    server.config("leakguard.config", server_config.to_str().expect("utf-8"));
    server.install("");

    let own = "[rules]\ndisable = [\"github-pat-classic\"]\n[allowlist]\npaths = [\"settings.py\"]\n";
    server.repo.commit_files(&[(".leakguard.toml", own), ("settings.py", &leak())], "allow my token");
    // Locally that config does hide the token.
    let local = server.repo.leakguard(&["scan", "settings.py"]);
    assert_eq!(local.status.code(), Some(0), "{}", text(&local));
    let out = server.push(&["main"]);
    let all = text(&out);
    assert!(!out.status.success(), "the server config is in force:\n{all}");
    assert!(all.contains("settings.py:1") && all.contains("github-pat-classic"), "{all}");
    assert!(all.contains("the server ignores what") && all.contains("`disable`") && all.contains("`allowlist`"), "{all}");

    // The server's own allowlist does apply.
    server.repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    server.repo.commit_files(&[("fixtures/sample.env", &leak())], "fixture");
    let out = server.push(&["main"]);
    assert!(out.status.success(), "{}", text(&out));

    // A rule the repository adds does apply.
    let added = "[[rules.custom]]\nid = \"acme-internal-key\"\ndescription = \"ACME internal key\"\nkeywords = [\"acmekey_\"]\nregex = '''acmekey_[a-z0-9]{20}'''\nexamples = [\"k = acmekey_q8w7e6r5t4y3u2i1o9p0\"]\n";
    server.repo.commit_files(&[(".leakguard.toml", added), ("app.cfg", "k = acmekey_z1x2c3v4b5n6m7a8s9d0\n")], "internal key");
    let out = server.push(&["main"]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("app.cfg:1") && all.contains("acme-internal-key"), "{all}");
}

#[test]
fn the_baseline_at_the_pushed_tip_is_honoured() {
    let server = Server::new();
    server.repo.commit_files(&[("legacy.env", &leak())], "legacy");
    let out = server.repo.leakguard(&["baseline"]);
    assert!(out.status.success(), "{}", text(&out));
    server.repo.git(&["add", ".leakguard-baseline.toml"]);
    server.repo.git(&["commit", "-q", "--no-verify", "-m", "accept the legacy token"]);

    // A server that turns baselines off refuses it.
    server.install("--no-baseline");
    let out = server.push(&["main"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("legacy.env:1"), "{}", text(&out));

    server.install("");
    let out = server.push(&["main"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(server.rev("main"), server.repo.head());
}

#[test]
fn a_timeout_refuses_or_accepts_by_policy_and_says_so() {
    let server = Server::new();
    server.install("--timeout 0");
    server.repo.commit_files(&[("clean.txt", "clean\n")], "clean");
    let out = server.push(&["main"]);
    let all = text(&out);
    assert!(!out.status.success(), "refuse is the default:\n{all}");
    assert!(all.contains("budget") && all.contains("refusing the push"), "{all}");

    server.install("--timeout 0 --on-timeout accept");
    let out = server.push(&["main"]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("budget") && all.contains("accepting the push unchecked"), "{all}");

    server.install("--timeout 600");
    server.repo.commit_files(&[("late.env", &leak())], "leak");
    let out = server.push(&["main"]);
    assert!(!out.status.success(), "a budget not spent changes nothing:\n{}", text(&out));
}

#[test]
fn bad_input_refuses_with_a_reason() {
    let server = Server::new();
    let out = server.run_hook("this is not a ref update\n", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("line 1 of standard input"), "{}", text(&out));

    let missing = "1".repeat(40);
    let out = server.run_hook(&format!("{} {missing} refs/heads/main\n", "0".repeat(40)), &[]);
    assert_eq!(out.status.code(), Some(2), "an object the server lacks is an error:\n{}", text(&out));
    assert!(text(&out).contains("refs/heads/main"), "{}", text(&out));

    let head = server.rev("main").expect("main");
    let out = server.run_hook(&format!("{head} {head} refs/heads/main\n"), &["--config", "/nonexistent/server.toml"]);
    assert_eq!(out.status.code(), Some(2), "a server config that cannot be read refuses:\n{}", text(&out));
    assert!(text(&out).contains("refused the push") && text(&out).contains("server.toml"), "{}", text(&out));
}

#[test]
fn several_refs_in_one_push_judge_each_new_commit_once() {
    let server = Server::new();
    server.install("");
    server.repo.commit_files(&[("shared.env", &leak())], "shared leak");
    server.repo.git(&["branch", "feature"]);
    server.repo.git(&["tag", "snapshot"]);
    let out = server.push(&["main", "feature", "snapshot"]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert_eq!(all.matches("remote: shared.env:1").count(), 1, "one commit, reached by three refs, reported once:\n{all}");
    assert_eq!(server.rev("refs/heads/feature"), None, "a refused push moves no ref");
}
