//! `leakguard staged`: the changes staged for the next commit, added lines only.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::cli::Common;
use crate::chunk::Provenance;
use crate::engine::Engine;
use crate::report::Summary;
use crate::source::{staged, Skip};
use crate::ExitStatus;

pub fn run(common: &Common, out: &mut dyn Write) -> Result<ExitStatus> {
    scan_staged(common, &[], out)
}

/// Scans the staged changes, limited to `only` when it is not empty.
pub fn scan_staged(common: &Common, only: &[PathBuf], out: &mut dyn Write) -> Result<ExitStatus> {
    // git diffs the index (milliseconds, on a large repository) while rules, config and the
    // prefilter load.
    let pending = staged::start(only)?;
    let root = std::fs::canonicalize(pending.root()).unwrap_or_else(|_| pending.root().to_path_buf());
    let setup = super::setup(common, &root, &root)?;
    let engine = Engine::new(&setup.rules);
    let staged = pending.finish()?;
    let mut matches = Vec::new();
    for chunk in &staged.chunks {
        matches.extend(engine.scan(chunk)?);
    }
    for (path, size) in &staged.files {
        matches.extend(engine.file_findings(path, *size, &Provenance::Staged)?);
    }
    let count = |kind| staged.skipped.iter().filter(|(_, k)| *k == kind).count();
    let summary = Summary {
        scope: "staged ",
        scanned: staged.chunks.len(),
        skipped_binary: count(Skip::Binary),
        skipped_large: count(Skip::TooLarge),
        silent_when_clean: true,
        ..Summary::default()
    };
    let status = super::finish(common, &setup.filters, matches, summary, false, out);
    // The process ends next; freeing the compiled rules one by one would cost a commit more
    // than scanning it did.
    std::mem::forget(engine);
    std::mem::forget(setup);
    status
}
