//! The global hooks folder: `core.hooksPath` in the user's global git config. It is read and
//! set with git itself, so the file changed is the one git reads (`~/.gitconfig`, the XDG file,
//! or `GIT_CONFIG_GLOBAL`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{bail, Context, Result};

/// The global hooks folder `install --global` uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalDir {
    pub dir: PathBuf,
    /// The global config already named it (else it is our own folder, not yet configured).
    pub configured: bool,
}

impl GlobalDir {
    /// The folder the global config names, or our own folder when it names none.
    pub fn find() -> Result<GlobalDir> {
        Ok(match global_dir()? {
            Some(dir) => GlobalDir { dir, configured: true },
            None => GlobalDir { dir: managed_dir()?, configured: false },
        })
    }
}

fn git_config(args: &[&str]) -> Result<Output> {
    Command::new("git").args(["config", "--global"]).args(args).output().context("cannot run git to read the global git config")
}

/// `core.hooksPath` from the global git config, when set.
pub fn global_dir() -> Result<Option<PathBuf>> {
    let out = git_config(&["--type=path", "--get", "core.hooksPath"])?;
    match out.status.code() {
        Some(0) => {}
        // Not set.
        Some(1) => return Ok(None),
        _ => bail!("cannot read core.hooksPath from the global git config: {}", String::from_utf8_lossy(&out.stderr).trim()),
    }
    let text = String::from_utf8(out.stdout).context("core.hooksPath in the global git config is not UTF-8")?;
    let dir = PathBuf::from(text.trim_end_matches(['\n', '\r']));
    if dir.as_os_str().is_empty() {
        return Ok(None);
    }
    if dir.is_relative() {
        bail!(
            "core.hooksPath in the global git config is relative ({}): each repository reads it from its own root, so there is no one global folder; install per repository instead",
            dir.display()
        );
    }
    Ok(Some(dir))
}

/// The folder leakguard manages when the global config names none:
/// `$XDG_CONFIG_HOME/leakguard/hooks`, or `~/.config/leakguard/hooks`.
pub fn managed_dir() -> Result<PathBuf> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    let home = || std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")).map(PathBuf::from).filter(|p| p.is_absolute());
    let config = match xdg {
        Some(dir) => dir,
        None => home().context("cannot tell the home folder (HOME is not set)")?.join(".config"),
    };
    Ok(config.join("leakguard").join("hooks"))
}

/// Sets `core.hooksPath` in the global git config.
pub fn set_global_dir(dir: &Path) -> Result<()> {
    let value = dir.to_str().with_context(|| format!("{} is not UTF-8, and git config needs text", dir.display()))?;
    let out = git_config(&["core.hooksPath", value])?;
    if !out.status.success() {
        bail!("cannot set core.hooksPath in the global git config: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// Removes `core.hooksPath` from the global git config.
pub fn unset_global_dir() -> Result<()> {
    let out = git_config(&["--unset", "core.hooksPath"])?;
    // 5: it was not set, which is what we want.
    if !out.status.success() && out.status.code() != Some(5) {
        bail!("cannot unset core.hooksPath in the global git config: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}
