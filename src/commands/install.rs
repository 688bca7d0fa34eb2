//! `leakguard install` / `uninstall` (per repository, or `--global`), and the handshake the
//! installed hooks run before trusting the binary.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::cli::Hook;
use crate::hook::{self, GlobalDir, Kind, Outcome};
use crate::ExitStatus;

fn kind(hook: Hook) -> Kind {
    match hook {
        Hook::PreCommit => Kind::PreCommit,
        Hook::PrePush => Kind::PrePush,
        Hook::CommitMsg => Kind::CommitMsg,
    }
}

/// The repository's hooks folder, refusing one shared through the global config: a
/// per-repository command must not change every repository's hooks.
fn repo_dir(kind: Kind, err: &mut dyn Write) -> Result<Option<PathBuf>> {
    let (dir, shared) = hook::hooks_dir()?;
    if !shared {
        return Ok(Some(dir));
    }
    if hook::is_installed(&dir, kind) {
        writeln!(
            err,
            "leakguard: git runs this repository's hooks from {} (core.hooksPath, global git config), where leakguard's {} hook is installed; `leakguard uninstall --global` removes it for every repository",
            dir.display(),
            kind.name()
        )?;
        return Ok(None);
    }
    bail!(
        "git runs this repository's hooks from {} (core.hooksPath in the global git config), not from its own folder: `leakguard install --global` installs there for every repository; or set core.hooksPath for this repository alone and install again",
        dir.display()
    )
}

pub fn install(hook: Hook, global: bool, err: &mut dyn Write) -> Result<ExitStatus> {
    let binary = std::env::current_exe().context("cannot tell where the leakguard binary is")?;
    let kind = kind(hook);
    let outcome = if global {
        let place = GlobalDir::find()?;
        let outcome = hook::install(&place.dir, &binary, kind, true)?;
        if !place.configured {
            hook::set_global_dir(&place.dir)
                .with_context(|| format!("installed {}, but git will not run it", place.dir.join(kind.name()).display()))?;
            writeln!(
                err,
                "leakguard: set core.hooksPath = {} in your global git config (it was not set): git now runs the hooks there in every repository that does not set its own core.hooksPath, and they run each repository's own .git/hooks/{} after leakguard",
                place.dir.display(),
                kind.name()
            )?;
        }
        outcome
    } else {
        match repo_dir(kind, err)? {
            Some(dir) => hook::install(&dir, &binary, kind, false)?,
            None => return Ok(ExitStatus::Clean),
        }
    };
    match outcome {
        Outcome::Installed { path, chained: Some(chained) } => writeln!(
            err,
            "leakguard: installed {}; the hook that was there is kept in {} and runs after it",
            path.display(),
            chained.display()
        )?,
        Outcome::Installed { path, chained: None } => writeln!(err, "leakguard: installed {}", path.display())?,
        Outcome::Updated { path, migrated: None } => writeln!(err, "leakguard: updated {}", path.display())?,
        Outcome::Updated { path, migrated: Some(chained) } => {
            writeln!(err, "leakguard: updated {}; the hook it chains now lives in {}", path.display(), chained.display())?
        }
        other => unreachable!("install does not {other:?}"),
    }
    Ok(ExitStatus::Clean)
}

pub fn uninstall(hook: Hook, global: bool, err: &mut dyn Write) -> Result<ExitStatus> {
    let kind = kind(hook);
    let dir = if global {
        match hook::global_dir()? {
            Some(dir) => dir,
            None => {
                writeln!(err, "leakguard: the global git config sets no core.hooksPath; nothing to remove")?;
                return Ok(ExitStatus::Clean);
            }
        }
    } else {
        match repo_dir(kind, err)? {
            Some(dir) => dir,
            None => bail!("the {} hook git runs here is the global one; `leakguard uninstall --global` removes it", kind.name()),
        }
    };
    match hook::uninstall(&dir, kind)? {
        Outcome::Removed { path, restored: true } => {
            writeln!(err, "leakguard: removed {} and restored the hook it chained", path.display())?
        }
        Outcome::Removed { path, restored: false } => writeln!(err, "leakguard: removed {}", path.display())?,
        Outcome::NotInstalled { path } if !path.exists() => {
            writeln!(err, "leakguard: no {} hook to remove: {} does not exist (already uninstalled?)", kind.name(), path.display())?
        }
        Outcome::NotInstalled { path } => writeln!(err, "leakguard: {} is not a leakguard hook; left alone", path.display())?,
        other => unreachable!("uninstall does not {other:?}"),
    }
    if global {
        release_managed_dir(&dir, err)?;
    }
    Ok(ExitStatus::Clean)
}

/// When the global hooks folder is our own and now empty, removes it and the config naming it.
fn release_managed_dir(dir: &Path, err: &mut dyn Write) -> Result<()> {
    let managed = hook::managed_dir()?;
    let same = dir == managed || std::fs::canonicalize(dir).ok().zip(std::fs::canonicalize(&managed).ok()).is_some_and(|(a, b)| a == b);
    if !same {
        return Ok(());
    }
    let empty = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    };
    if !empty {
        return Ok(());
    }
    hook::unset_global_dir()?;
    let _ = std::fs::remove_dir(dir);
    writeln!(err, "leakguard: removed core.hooksPath from your global git config; git runs each repository's own hooks again")?;
    Ok(())
}

/// `leakguard hook-handshake PROTOCOL`: proves to a hook script that this is leakguard, and one
/// that speaks the script's protocol.
pub fn handshake(protocol: &str, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus> {
    if protocol == hook::HANDSHAKE_PROTOCOL {
        writeln!(out, "{}", hook::HANDSHAKE_REPLY)?;
        return Ok(ExitStatus::Clean);
    }
    writeln!(
        err,
        "leakguard: this hook speaks protocol {protocol:.20}, and leakguard {} speaks {}: run `leakguard install` again",
        env!("CARGO_PKG_VERSION"),
        hook::HANDSHAKE_PROTOCOL
    )?;
    Ok(ExitStatus::Error)
}
