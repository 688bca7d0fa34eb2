//! `leakguard staged`: the changes staged for the next commit, added lines only.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::cli::Common;
use crate::engine::Engine;
use crate::report::Summary;
use crate::source::{staged, Skip};
use crate::ExitStatus;

pub fn run(common: &Common, out: &mut dyn Write) -> Result<ExitStatus> {
    scan_staged(common, &[], out)
}

/// Scans the staged changes, limited to `only` when it is not empty.
pub fn scan_staged(common: &Common, only: &[PathBuf], out: &mut dyn Write) -> Result<ExitStatus> {
    let staged = staged::read(only)?;
    let root = std::fs::canonicalize(&staged.root).unwrap_or_else(|_| staged.root.clone());
    let setup = super::setup(common, &root, &root)?;
    let engine = Engine::new(&setup.rules);
    let mut matches = Vec::new();
    for chunk in &staged.chunks {
        matches.extend(engine.scan(chunk)?);
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
    super::finish(common, &setup.filters, matches, summary, false, out)
}
