//! `leakguard install` / `uninstall`.

use std::io::Write;

use anyhow::{Context, Result};
use git2::Repository;

use crate::cli::Hook;
use crate::hook::{self, Outcome};
use crate::ExitStatus;

fn kind(hook: Hook) -> hook::Kind {
    match hook {
        Hook::PreCommit => hook::Kind::PreCommit,
        Hook::PrePush => hook::Kind::PrePush,
    }
}

fn open() -> Result<Repository> {
    Repository::open_from_env().context("not inside a git repository")
}

pub fn install(hook: Hook, err: &mut dyn Write) -> Result<ExitStatus> {
    let binary = std::env::current_exe().context("cannot tell where the leakguard binary is")?;
    match hook::install(&open()?, &binary, kind(hook))? {
        Outcome::Installed { path, chained: Some(chained) } => writeln!(
            err,
            "leakguard: installed {}; the hook that was there runs after it, from {}",
            path.display(),
            chained.display()
        )?,
        Outcome::Installed { path, chained: None } => writeln!(err, "leakguard: installed {}", path.display())?,
        Outcome::Updated { path } => writeln!(err, "leakguard: updated {}", path.display())?,
        other => unreachable!("install does not {other:?}"),
    }
    Ok(ExitStatus::Clean)
}

pub fn uninstall(hook: Hook, err: &mut dyn Write) -> Result<ExitStatus> {
    match hook::uninstall(&open()?, kind(hook))? {
        Outcome::Removed { path, restored: true } => {
            writeln!(err, "leakguard: removed {} and restored the hook it chained", path.display())?
        }
        Outcome::Removed { path, restored: false } => writeln!(err, "leakguard: removed {}", path.display())?,
        Outcome::NotInstalled { path } => writeln!(err, "leakguard: {} is not a leakguard hook; left alone", path.display())?,
        other => unreachable!("uninstall does not {other:?}"),
    }
    Ok(ExitStatus::Clean)
}
