//! The real pre-commit framework (https://pre-commit.com) installs the hook declared in this
//! crate's .pre-commit-hooks.yaml, as a user's `repo:` entry would, and runs it on temp repos.
//! Needs `pre-commit` on PATH (`pip install pre-commit`). Run with `cargo test --release`:
//! the framework's `cargo install` then reuses this build's release dependencies.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use tempfile::TempDir;

use crate::util::*;

/// Shared by every test in the process, so the hook's environment is built only once. A
/// static is never dropped: its temp dirs (about 15 MB) outlive the test run.
struct Framework {
    /// A committed copy of this crate's working tree (uncommitted edits included).
    hook_repo: TestRepo,
    rev: String,
    home: TempDir,
}

fn framework() -> &'static Framework {
    static FRAMEWORK: OnceLock<Framework> = OnceLock::new();
    FRAMEWORK.get_or_init(|| {
        match Command::new("pre-commit").arg("--version").output() {
            Ok(out) if out.status.success() => {}
            Ok(out) => panic!("`pre-commit --version` failed:\n{}", text(&out)),
            Err(e) => panic!("the pre-commit framework is required: `pip install pre-commit` ({e})"),
        }
        let hook_repo = TestRepo::new();
        copy_tree(Path::new(env!("CARGO_MANIFEST_DIR")), hook_repo.path());
        hook_repo.git(&["add", "-A"]);
        hook_repo.git(&["commit", "-q", "-m", "leakguard under test"]);
        let rev = hook_repo.head().expect("the hook repository has a commit");
        let framework = Framework { hook_repo, rev, home: tempfile::tempdir().expect("temp dir") };

        // Build the hook environment here, once, so a failing build is reported as such.
        let repo = framework.user_repo();
        let out = framework.command(&repo, "pre-commit").arg("install-hooks").output().expect("run pre-commit");
        let log = std::fs::read_to_string(framework.home.path().join("pre-commit.log")).unwrap_or_default();
        assert!(out.status.success(), "pre-commit could not install the hook:\n{}\n{log}", text(&out));
        framework
    })
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
    /// A user repository whose committed .pre-commit-config.yaml uses the hook under test.
    fn user_repo(&self) -> TestRepo {
        let repo = TestRepo::new();
        let config = format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: leakguard\n",
            self.hook_repo.path().display(),
            self.rev
        );
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
        let target = Path::new(env!("CARGO_BIN_EXE_leakguard")).ancestors().nth(2).expect("target dir");
        cmd.env("CARGO_BUILD_BUILD_DIR", target)
            .env("CARGO_TARGET_DIR", self.home.path().join("target"))
            .env("PRE_COMMIT_HOME", self.home.path());
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
    let fw = framework();
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
    let fw = framework();
    let repo = fw.user_repo();
    let token = github_token();
    repo.commit_files(&[("old.env", &format!("TOKEN={token}\n")), ("clean.txt", "nothing here\n")], "history");

    // Nothing is staged here: a hook judging only staged lines would pass silently.
    assert_refused(&fw.run(&repo, "pre-commit", &["run", "--all-files"]), "old.env");
    assert_refused(&fw.run(&repo, "pre-commit", &["run", "--files", "old.env"]), "old.env");
    assert_passed(&fw.run(&repo, "pre-commit", &["run", "--files", "clean.txt"]));
}
