//! `leakguard push [REMOTE URL]`: the pre-push hook. Reads the refs being pushed on stdin and
//! scans the lines the pushed commits add, each against its first parent, and their messages.

use std::borrow::Cow;
use std::io::{IsTerminal, Read, Write};

use anyhow::{bail, Context, Result};

use super::judge::Tally;
use crate::chunk::{Chunk, Provenance};
use crate::cli::Common;
use crate::engine::Engine;
use crate::source::commits::MESSAGE_PATH;
use crate::source::push;
use crate::ExitStatus;

pub fn run(common: &Common, remote: Option<&str>, _url: Option<&str>, max_blob_size: u64, out: &mut dyn Write) -> Result<ExitStatus> {
    let (updates, remote) = match framework_push() {
        Some((update, name)) => (vec![update], name),
        None => (stdin_updates()?, remote.map(str::to_string)),
    };
    let root = super::root()?;
    let setup = super::setup(common, &root, &root)?;
    let engine = Engine::new(&setup.rules);
    let mut tally = Tally::new("pushed ");
    tally.summary.size_limit = Some(max_blob_size);
    let mut failure = None;
    let pushed = push::read(&updates, remote.as_deref(), max_blob_size, &mut |item| {
        if failure.is_none() {
            failure = tally.scan(&engine, &item).err();
        }
    })?;
    if let Some(error) = failure {
        return Err(error);
    }
    // Each pushed commit's whole message, as `history` scans it.
    for info in &pushed.commits {
        let chunk = Chunk::new(MESSAGE_PATH.to_string(), Cow::Owned(info.message.clone().into_bytes()), Provenance::Commit(info.clone()));
        let found = engine.scan(&chunk).with_context(|| format!("{MESSAGE_PATH} of {}", info.id))?;
        tally.matches.extend(found);
    }
    if !common.no_redact {
        super::history::redact_subjects(&engine, &mut tally.matches);
    }
    super::finish(common, &setup.filters, &setup.rules, tally.matches, tally.summary, false, out)
}

/// The refs git writes on stdin. Under the pre-commit framework with no refs named (a manual
/// `pre-commit run --hook-stage pre-push`), what HEAD holds that no ref of a named remote has.
fn stdin_updates() -> Result<Vec<push::Update>> {
    let framework = std::env::var_os("PRE_COMMIT").is_some_and(|v| !v.is_empty());
    if std::io::stdin().is_terminal() {
        if framework {
            return Ok(vec![head_update()]);
        }
        bail!("`leakguard push` reads the refs to push on standard input, as git's pre-push hook gets them");
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).context("cannot read the refs to push from standard input")?;
    let updates = push::parse(&input)?;
    if updates.is_empty() && framework {
        return Ok(vec![head_update()]);
    }
    Ok(updates)
}

fn head_update() -> push::Update {
    push::Update { local_ref: "HEAD".into(), local: Some("HEAD".into()), remote_ref: String::new(), remote: None }
}

/// Under the pre-commit framework's pre-push stage the framework reads git's stdin itself and
/// names one ref in `PRE_COMMIT_*` variables, with the remote's name. On the first push to an
/// empty remote, or of a branch with a root commit the remote lacks, it leaves
/// `PRE_COMMIT_TO_REF` unset: the pushed commits are then what the local branch holds that the
/// remote's tracking refs do not (never nothing).
fn framework_push() -> Option<(push::Update, Option<String>)> {
    let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    let to = var("PRE_COMMIT_TO_REF");
    let branch = var("PRE_COMMIT_LOCAL_BRANCH");
    let remote = var("PRE_COMMIT_REMOTE_NAME");
    if to.is_none() && branch.is_none() && remote.is_none() {
        return None;
    }
    let local = to.or_else(|| branch.clone()).unwrap_or_else(|| "HEAD".into());
    let update = push::Update {
        local_ref: branch.unwrap_or_else(|| local.clone()),
        local: Some(local),
        remote_ref: var("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_default(),
        remote: var("PRE_COMMIT_FROM_REF"),
    };
    Some((update, remote))
}
