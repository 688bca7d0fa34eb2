//! Test support: real git repositories in temp dirs, the real leakguard binary.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// A fake GitHub classic token: right shape, not a real credential. Built at run time so
/// this source file does not itself hold one.
pub fn github_token() -> String {
    format!("ghp_{}", "Zq7T2mX9vLp4RkW8sN3bY6cJ1dF5hG0aQeUt")
}

pub fn leakguard_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_leakguard"))
}

/// A `Command` that is not disturbed by the developer's own git setup or by a hook that is
/// running these tests.
pub fn isolated(program: impl AsRef<OsStr>, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    for var in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_CEILING_DIRECTORIES", "NO_COLOR", "PRE_COMMIT"] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.invalid");
    cmd
}

pub struct TestRepo {
    dir: TempDir,
    home: TempDir,
}

impl TestRepo {
    /// An empty repository on branch `main`, with no commit yet.
    pub fn new() -> TestRepo {
        let repo = TestRepo { dir: tempfile::tempdir().expect("temp dir"), home: tempfile::tempdir().expect("temp home") };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo.git(&["config", "core.autocrlf", "false"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent dirs");
        }
        std::fs::write(path, content).expect("write file");
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path().join(rel)).expect("read file")
    }

    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = isolated(program, self.home());
        cmd.current_dir(self.path());
        cmd
    }

    /// Runs git; panics with its output when it fails.
    pub fn git(&self, args: &[&str]) -> Output {
        let out = self.try_git(args);
        assert!(out.status.success(), "git {args:?} failed:\n{}", text(&out));
        out
    }

    /// Runs git, whatever its exit status.
    pub fn try_git(&self, args: &[&str]) -> Output {
        self.command("git").args(args).output().expect("run git")
    }

    /// Writes the files, stages them and commits (with `--no-verify`: test set-up is not
    /// what is under test).
    pub fn commit_files(&self, files: &[(&str, &str)], message: &str) {
        for (path, content) in files {
            self.write(path, content);
            self.git(&["add", "--", path]);
        }
        self.git(&["commit", "-q", "--no-verify", "-m", message]);
    }

    pub fn leakguard(&self, args: &[&str]) -> Output {
        self.command(leakguard_bin()).args(args).output().expect("run leakguard")
    }

    /// A bare repository at `dir/remote.git`, added as remote `name`.
    pub fn add_bare_remote(&self, dir: &Path, name: &str) -> PathBuf {
        let remote = dir.join("remote.git");
        self.git(&["init", "-q", "--bare", "-b", "main", remote.to_str().expect("utf-8 path")]);
        self.git(&["remote", "add", name, remote.to_str().expect("utf-8 path")]);
        remote
    }

    /// `leakguard install`, asserting it worked.
    pub fn install_hook(&self) {
        let out = self.leakguard(&["install"]);
        assert!(out.status.success(), "install failed:\n{}", text(&out));
    }

    pub fn head(&self) -> Option<String> {
        let out = self.try_git(&["rev-parse", "--verify", "-q", "HEAD"]);
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

/// stdout and stderr together, for assertion messages and content checks.
pub fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}
