//! `leakguard push [REMOTE URL]`: the pre-push hook. Reads the refs being pushed on stdin and
//! scans the lines the pushed commits add, each against its first parent, and their messages.

use std::borrow::Cow;
use std::io::{Read, Write};
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::chunk::{Chunk, CommitInfo, Provenance};
use crate::cli::Common;
use crate::engine::Engine;
use crate::report::Summary;
use crate::source::history::MESSAGE_PATH;
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
    // The pushed commits met in the chunks, oldest first, for their messages. A commit that
    // changes no text file yields no chunk: once `push::Pushed` lists every pushed commit
    // (`commits`), scan those messages instead.
    let mut commits: Vec<Arc<CommitInfo>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let pushed = push::read(&updates, max_blob_size, &mut |chunk| {
        if let Provenance::Commit(info) = &chunk.provenance {
            if seen.insert(info.id.clone()) {
                commits.push(info.clone());
            }
        }
        match engine.scan(&chunk) {
            Ok(found) => matches.extend(found),
            Err(e) => failure = Some(format!("{}: {e}", chunk.path)),
        }
    })?;
    // Each pushed commit's whole message, as `history` scans it.
    for info in &commits {
        let chunk = Chunk::new(MESSAGE_PATH.to_string(), Cow::Owned(info.message.clone().into_bytes()), Provenance::Commit(info.clone()));
        match engine.scan(&chunk) {
            Ok(found) => matches.extend(found),
            Err(e) => failure = Some(format!("{MESSAGE_PATH} of {}: {e}", info.id)),
        }
    }
    if let Some(message) = failure {
        anyhow::bail!(message);
    }
    if !common.no_redact {
        super::history::redact_subjects(&engine, &mut matches);
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
