//! Git hook installation: write our hook script into the repository's hooks folder
//! (`core.hooksPath` when set), keeping any hook already there and chaining it.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use git2::Repository;

const PRE_COMMIT: &str = include_str!("../hooks/pre-commit");
const PRE_PUSH: &str = include_str!("../hooks/pre-push");

/// Which git hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    PreCommit,
    PrePush,
}

impl Kind {
    /// The hook's file name, as git knows it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::PreCommit => "pre-commit",
            Kind::PrePush => "pre-push",
        }
    }

    fn script(self) -> &'static str {
        match self {
            Kind::PreCommit => PRE_COMMIT,
            Kind::PrePush => PRE_PUSH,
        }
    }

    /// Every installed script carries this line, so we know our own hook from a user's.
    fn marker(self) -> &'static str {
        match self {
            Kind::PreCommit => "leakguard pre-commit hook",
            Kind::PrePush => "leakguard pre-push hook",
        }
    }
}

/// What `install` or `uninstall` did, for the user.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Installed { path: PathBuf, chained: Option<PathBuf> },
    Updated { path: PathBuf },
    Removed { path: PathBuf, restored: bool },
    NotInstalled { path: PathBuf },
}

/// The hooks folder git runs hooks from.
pub fn hooks_dir(repo: &Repository) -> Result<PathBuf> {
    let config = repo.config().context("cannot read git config")?;
    let base = repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf();
    match config.get_path("core.hooksPath") {
        Ok(path) if path.is_absolute() => Ok(path),
        Ok(path) => Ok(base.join(path)),
        Err(_) => Ok(repo.commondir().join("hooks")),
    }
}

fn chained_path(hook: &Path) -> PathBuf {
    let mut name = hook.file_name().expect("a hook path names a file").to_os_string();
    name.push(".leakguard-chained");
    hook.with_file_name(name)
}

/// Installs the hook, running `leakguard` at `binary`.
pub fn install(repo: &Repository, binary: &Path, kind: Kind) -> Result<Outcome> {
    let dir = hooks_dir(repo)?;
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(kind.name());
    let script = kind.script().replace("@LEAKGUARD@", &binary.to_string_lossy().replace('\'', r"'\''"));
    let existing = fs::read(&path).ok();
    let outcome = match existing {
        Some(text) if String::from_utf8_lossy(&text).contains(kind.marker()) => Outcome::Updated { path: path.clone() },
        Some(_) => {
            let chained = chained_path(&path);
            if chained.exists() {
                bail!(
                    "{} exists and so does {}: move one of them away, then install again",
                    path.display(),
                    chained.display()
                );
            }
            fs::rename(&path, &chained).with_context(|| format!("cannot move {} aside", path.display()))?;
            Outcome::Installed { path: path.clone(), chained: Some(chained) }
        }
        None => Outcome::Installed { path: path.clone(), chained: None },
    };
    fs::write(&path, script).with_context(|| format!("cannot write {}", path.display()))?;
    make_executable(&path)?;
    Ok(outcome)
}

/// Removes our hook and puts back the hook it chained.
pub fn uninstall(repo: &Repository, kind: Kind) -> Result<Outcome> {
    let path = hooks_dir(repo)?.join(kind.name());
    let ours = fs::read(&path).map(|t| String::from_utf8_lossy(&t).contains(kind.marker())).unwrap_or(false);
    if !ours {
        return Ok(Outcome::NotInstalled { path });
    }
    fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    let chained = chained_path(&path);
    let restored = chained.exists();
    if restored {
        fs::rename(&chained, &path).with_context(|| format!("cannot restore {}", chained.display()))?;
    }
    Ok(Outcome::Removed { path, restored })
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).with_context(|| format!("cannot make {} executable", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<()> {
    Ok(())
}
