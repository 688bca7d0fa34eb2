//! `leakguard staged`: the changes staged for the next commit, added lines only.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::cli::Common;
use crate::engine::Engine;
use crate::finding::Finding;
use crate::report::Summary;
use crate::source::{staged, Body, Item, Skip};
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

/// What the items of a git source came to: the engine's matches, and the summary counting
/// what was scanned and each skip by its reason. `push` shares it.
pub(super) struct Tally {
    pub matches: Vec<Finding>,
    pub summary: Summary,
}

impl Tally {
    pub fn new(scope: &'static str) -> Tally {
        Tally { matches: Vec::new(), summary: Summary { scope, silent_when_clean: true, ..Summary::default() } }
    }

    /// File rules judge every item (a key store is found whether or not it is text); text
    /// rules judge the text; a skip is counted.
    pub fn scan(&mut self, engine: &Engine, item: &Item) -> Result<()> {
        let found = engine.file_findings(&item.path, item.size, &item.provenance).with_context(|| item.path.clone())?;
        self.matches.extend(found);
        match &item.body {
            Body::Text(chunk) => {
                self.matches.extend(engine.scan(chunk).with_context(|| item.path.clone())?);
                self.summary.scanned += 1;
            }
            Body::Skipped(Skip::Binary) => self.summary.skipped_binary += 1,
            Body::Skipped(Skip::TooLarge) => self.summary.skipped_large += 1,
        }
        Ok(())
    }
}
