//! `leakguard push [REMOTE URL]`: the pre-push hook. Reads the refs being pushed on stdin and
//! scans the lines the pushed commits add, each against its first parent.

use std::io::{Read, Write};

use anyhow::{Context, Result};

use crate::cli::Common;
use crate::engine::Engine;
use crate::report::Summary;
use crate::source::{push, Skip};
use crate::ExitStatus;

pub fn run(common: &Common, _remote: Option<&str>, _url: Option<&str>, max_blob_size: u64, out: &mut dyn Write) -> Result<ExitStatus> {
    let updates = match framework_update() {
        Some(update) => vec![update],
        None => {
            let mut input = String::new();
            std::io::stdin().read_to_string(&mut input).context("cannot read the refs to push from standard input")?;
            push::parse(&input)?
        }
    };
    let root = super::root()?;
    let setup = super::setup(common, &root, &root)?;
    let engine = Engine::new(&setup.rules);
    let mut matches = Vec::new();
    let mut failure = None;
    let pushed = push::read(&updates, max_blob_size, &mut |chunk| match engine.scan(&chunk) {
        Ok(found) => matches.extend(found),
        Err(e) => failure = Some(format!("{}: {e}", chunk.path)),
    })?;
    if let Some(message) = failure {
        anyhow::bail!(message);
    }
    let count = |kind| pushed.skipped.iter().filter(|k| **k == kind).count();
    let summary = Summary {
        scope: "pushed ",
        scanned: pushed.files,
        skipped_binary: count(Skip::Binary),
        skipped_large: count(Skip::TooLarge),
        size_limit: Some(max_blob_size),
        silent_when_clean: true,
        ..Summary::default()
    };
    super::finish(common, &setup.filters, matches, summary, false, out)
}

/// Under the pre-commit framework's pre-push stage the refs come in `PRE_COMMIT_FROM_REF` /
/// `PRE_COMMIT_TO_REF` (the framework reads git's stdin itself).
fn framework_update() -> Option<push::Update> {
    let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    let to = var("PRE_COMMIT_TO_REF")?;
    Some(push::Update {
        local_ref: var("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_else(|| to.clone()),
        local: Some(to),
        remote_ref: var("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_default(),
        remote: var("PRE_COMMIT_FROM_REF"),
    })
}
