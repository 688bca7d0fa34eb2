//! Git hook installation: write our hook script into the repository's hooks folder
//! (`core.hooksPath` when set), keeping any hook already there and chaining it.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use git2::Repository;

/// Every installed script carries this line, so we know our own hook from a user's.
const MARKER: &str = "leakguard pre-commit hook";
const PRE_COMMIT: &str = include_str!("../hooks/pre-commit");

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

/// Installs the pre-commit hook, running `leakguard` at `binary`.
pub fn install(repo: &Repository, binary: &Path) -> Result<Outcome> {
    let dir = hooks_dir(repo)?;
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join("pre-commit");
    let script = PRE_COMMIT.replace("@LEAKGUARD@", &binary.to_string_lossy().replace('\'', r"'\''"));
    let existing = fs::read(&path).ok();
    let outcome = match existing {
        Some(text) if String::from_utf8_lossy(&text).contains(MARKER) => Outcome::Updated { path: path.clone() },
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

/// Removes our pre-commit hook and puts back the hook it chained.
pub fn uninstall(repo: &Repository) -> Result<Outcome> {
    let path = hooks_dir(repo)?.join("pre-commit");
    let ours = fs::read(&path).map(|t| String::from_utf8_lossy(&t).contains(MARKER)).unwrap_or(false);
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
