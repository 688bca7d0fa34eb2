//! `leakguard staged`: the changes staged for the next commit, added lines only.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::cli::Common;
use crate::engine::Engine;
use super::judge::Tally;
use crate::source::staged;
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
    let items = pending.finish()?;
    let mut tally = Tally::new("staged ");
    for item in &items {
        tally.scan(&engine, item)?;
    }
    let status = super::finish(common, &setup.filters, &setup.rules, tally.matches, tally.summary, false, out);
    // The process ends next; freeing the compiled rules one by one would cost a commit more
    // than scanning it did.
    std::mem::forget(engine);
    std::mem::forget(setup);
    status
}
