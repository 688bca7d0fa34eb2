//! The real pre-commit framework (https://pre-commit.com) runs the hooks declared in this
//! crate's .pre-commit-hooks.yaml on temp repos. Needs `pre-commit` on PATH
//! (`pip install pre-commit`).
//!
//! One test goes the whole way, as a user's `repo:` entry would: the framework runs its own
//! `cargo install` of the manifest's `language: rust` hook. That install reuses this build's
//! compiled dependencies, and the framework's cache is kept in the target dir under a commit
//! id that depends only on the crate's content, so a second `cargo test` with unchanged
//! sources installs nothing. The other tests use the same manifest with the language switched
//! to a prebuilt binary (this build's), so they never wait for a compile.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use tempfile::TempDir;

use crate::util::*;

/// A hook repository the framework installs from, shared by every test of its kind in the
/// process (built once).
struct Framework {
    /// A committed copy of this crate's working tree (uncommitted edits included).
    hook_repo: PathBuf,
    rev: String,
    /// PRE_COMMIT_HOME.
    home: PathBuf,
    /// Temp dirs kept alive with the framework (a static is never dropped).
    _temp: Vec<TempDir>,
}

fn require_framework() -> String {
    match Command::new("pre-commit").arg("--version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        Ok(out) => panic!("`pre-commit --version` failed:\n{}", text(&out)),
        Err(e) => panic!("the pre-commit framework is required: `pip install pre-commit` ({e})"),
    }
}

/// The target dir this build uses (`<target>/<profile>/leakguard` is the binary).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_leakguard")).ancestors().nth(2).expect("target dir").to_path_buf()
}

/// The framework with the real manifest: its `cargo install` builds the hook.
fn real_framework() -> &'static Framework {
    static FRAMEWORK: OnceLock<Framework> = OnceLock::new();
    FRAMEWORK.get_or_init(|| {
        require_framework();
        // Kept between runs: the cache holds one install, for the current content.
        let cache = target_dir().join("precommit-framework");
        let hook_repo = cache.join("hook-repo");
        let rev = commit_crate_copy(&hook_repo, None);
        let home = cache.join("home");
        let marker = cache.join("installed-rev");
        if std::fs::read_to_string(&marker).ok().as_deref() != Some(rev.as_str()) {
            // Another content: drop the old install rather than pile them up.
            let _ = std::fs::remove_dir_all(&home);
        }
        std::fs::create_dir_all(&home).expect("create the framework's home");
        let framework = Framework { hook_repo, rev: rev.clone(), home, _temp: Vec::new() };
        framework.install_hooks();
        std::fs::write(&marker, &rev).expect("write the install marker");
        framework
    })
}

/// The same manifest, the hook run from this build's binary: no install at all.
fn prebuilt_framework() -> &'static Framework {
    static FRAMEWORK: OnceLock<Framework> = OnceLock::new();
    FRAMEWORK.get_or_init(|| {
        let version = require_framework();
        // pre-commit 4.4 renamed `system` to `unsupported` (the old name still works, with a
        // warning).
        let numbers: Vec<u32> = version.split_whitespace().last().unwrap_or("").split('.').filter_map(|n| n.parse().ok()).collect();
        let language = if numbers >= vec![4, 4] { "unsupported" } else { "system" };
        let dir = tempfile::tempdir().expect("temp dir");
        let home = tempfile::tempdir().expect("temp dir");
        let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")).expect("read the manifest");
        let binary = env!("CARGO_BIN_EXE_leakguard");
        let switched = manifest.replace("language: rust", &format!("language: {language}")).replace("entry: leakguard ", &format!("entry: {binary} "));
        assert_ne!(switched, manifest, "the manifest no longer declares `language: rust` / `entry: leakguard`");
        let rev = commit_crate_copy(dir.path(), Some(&switched));
        let framework = Framework { hook_repo: dir.path().to_path_buf(), rev, home: home.path().to_path_buf(), _temp: vec![dir, home] };
        framework.install_hooks();
        framework
    })
}

/// Copies the crate into `to` (emptied first) and commits it with fixed names and dates, so
/// the same content always gives the same commit id. `manifest` replaces the hooks file.
fn commit_crate_copy(to: &Path, manifest: Option<&str>) -> String {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).expect("create the hook repository");
    copy_tree(Path::new(env!("CARGO_MANIFEST_DIR")), to);
    if let Some(text) = manifest {
        std::fs::write(to.join(".pre-commit-hooks.yaml"), text).expect("write the manifest");
    }
    let home = tempfile::tempdir().expect("temp dir");
    let git = |args: &[&str]| {
        let out = isolated("git", home.path())
            .args(args)
            .current_dir(to)
            .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
            .output()
            .expect("run git");
        assert!(out.status.success(), "git {args:?} failed:\n{}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["config", "commit.gpgsign", "false"]);
    git(&["config", "core.autocrlf", "false"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "leakguard under test"]);
    git(&["rev-parse", "HEAD"])
}

/// Copies the crate, minus build output and git metadata.
fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_name() == "target" || entry.file_name() == ".git" {
            continue;
        }
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&dst).expect("create dir");
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).expect("copy file");
        }
    }
}

impl Framework {
    /// Builds the hook environment, once, so a failing build is reported as such.
    fn install_hooks(&self) {
        let repo = self.user_repo();
        let out = self.command(&repo, "pre-commit").arg("install-hooks").output().expect("run pre-commit");
        let log = std::fs::read_to_string(self.home.join("pre-commit.log")).unwrap_or_default();
        assert!(out.status.success(), "pre-commit could not install the hook:\n{}\n{log}", text(&out));
    }

    /// A user repository whose committed .pre-commit-config.yaml uses the hook under test.
    fn user_repo(&self) -> TestRepo {
        let repo = TestRepo::new();
        let config = format!("repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: leakguard\n", self.hook_repo.display(), self.rev);
        repo.commit_files(&[(".pre-commit-config.yaml", &config)], "use leakguard");
        repo
    }

    /// `program` in `repo`, with what the framework (and the cargo it runs) needs.
    fn command(&self, repo: &TestRepo, program: &str) -> Command {
        let mut cmd = repo.command(program);
        // TestRepo isolates HOME, where cargo and rustup would look for their own homes.
        let home = PathBuf::from(std::env::var_os("HOME").expect("HOME is set"));
        for (var, default) in [("CARGO_HOME", ".cargo"), ("RUSTUP_HOME", ".rustup")] {
            cmd.env(var, std::env::var_os(var).map_or_else(|| home.join(default), PathBuf::from));
        }
        // The framework's `cargo install` reuses this build's compiled dependencies from its
        // build dir (<target>/<profile>/leakguard), but puts its own leakguard binary
        // elsewhere: sharing the target dir would overwrite the binary other tests are running.
        cmd.env("CARGO_BUILD_BUILD_DIR", target_dir())
            .env("CARGO_TARGET_DIR", self.home.join("target"))
            .env("PRE_COMMIT_HOME", &self.home);
        cmd
    }

    fn run(&self, repo: &TestRepo, program: &str, args: &[&str]) -> Output {
        self.command(repo, program).args(args).output().expect("run the command")
    }
}

/// Refused by the hook, naming the file and rule, never printing the secret.
fn assert_refused(out: &Output, file: &str) {
    let all = text(out);
    assert_eq!(out.status.code(), Some(1), "expected a refusal:\n{all}");
    assert!(all.contains("leakguard") && all.contains("Failed"), "the hook did not fail:\n{all}");
    assert!(all.contains(file) && all.contains("github-pat-classic"), "file or rule not named:\n{all}");
    assert!(!all.contains(&github_token()), "the secret was printed:\n{all}");
}

fn assert_passed(out: &Output) {
    let all = text(out);
    assert!(out.status.success(), "expected success:\n{all}");
    assert!(all.contains("leakguard") && all.contains("Passed"), "the hook did not run and pass:\n{all}");
}

#[test]
fn commit_hook_judges_only_the_lines_a_commit_adds() {
    let fw = real_framework();
    let repo = fw.user_repo();
    let out = fw.run(&repo, "pre-commit", &["install"]);
    assert!(out.status.success(), "pre-commit install failed:\n{}", text(&out));
    let token = github_token();

    // A clean commit goes through.
    repo.write("README.md", "# demo\n");
    repo.git(&["add", "README.md"]);
    assert_passed(&fw.run(&repo, "git", &["commit", "-m", "readme"]));
    let head = repo.head();

    // A commit adding a token is refused.
    repo.write("app.env", format!("GITHUB_TOKEN={token}\n"));
    repo.git(&["add", "app.env"]);
    assert_refused(&fw.run(&repo, "git", &["commit", "-m", "token"]), "app.env");
    assert_eq!(repo.head(), head, "the refused commit exists");
    repo.git(&["rm", "-q", "--cached", "app.env"]);
    std::fs::remove_file(repo.path().join("app.env")).expect("remove app.env");

    // A token committed before (here without hooks) does not block edits elsewhere in its file.
    repo.commit_files(&[("legacy.env", &format!("OLD_TOKEN={token}\n"))], "legacy");
    repo.write("legacy.env", format!("OLD_TOKEN={token}\nDEBUG=1\n"));
    repo.git(&["add", "legacy.env"]);
    assert_passed(&fw.run(&repo, "git", &["commit", "-m", "unrelated edit"]));

    // `commit -a` stages through a temporary index: its added token is refused too.
    let head = repo.head();
    repo.write("README.md", format!("# demo\ntoken: {token}\n"));
    assert_refused(&fw.run(&repo, "git", &["commit", "-am", "token in tracked file"]), "README.md");
    assert_eq!(repo.head(), head, "the refused commit exists");
}

#[test]
fn run_judges_the_files_whole() {
    let fw = prebuilt_framework();
    let repo = fw.user_repo();
    let token = github_token();
    repo.commit_files(&[("old.env", &format!("TOKEN={token}\n")), ("clean.txt", "nothing here\n")], "history");

    // Nothing is staged here: a hook judging only staged lines would pass silently.
    assert_refused(&fw.run(&repo, "pre-commit", &["run", "--all-files"]), "old.env");
    assert_refused(&fw.run(&repo, "pre-commit", &["run", "--files", "old.env"]), "old.env");
    assert_passed(&fw.run(&repo, "pre-commit", &["run", "--files", "clean.txt"]));
}
