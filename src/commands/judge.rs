//! One driver for every source (files, staged, push, pre-receive, history): file rules judge
//! each item by path and size, read or skipped (a key store is binary); text rules judge its
//! text; each skip is counted by its reason. A source only says what an item is.

use anyhow::{Context, Result};

use crate::chunk::{Chunk, Provenance};
use crate::engine::Engine;
use crate::finding::Finding;
use crate::report::Summary;
use crate::rules::RuleError;
use crate::source::{Body, Item, Skip};

/// File rules at each of `paths` (the paths one blob had; one for most sources), then text
/// rules on `text` when it was read: the findings at `paths[i]` are `result[i]`.
pub fn judge(engine: &Engine<'_>, paths: &[&str], size: u64, provenance: &Provenance, text: Option<&Chunk<'_>>) -> Result<Vec<Vec<Finding>>, RuleError> {
    let mut per_path = match text {
        Some(chunk) => engine.scan_at(chunk, paths)?,
        None => vec![Vec::new(); paths.len()],
    };
    for (found, path) in per_path.iter_mut().zip(paths) {
        found.extend(engine.file_findings(path, size, provenance)?);
    }
    Ok(per_path)
}

/// What a source's items came to: the matches, and the summary counting what was scanned
/// and each skip by its reason.
#[derive(Default)]
pub(super) struct Tally {
    pub matches: Vec<Finding>,
    pub summary: Summary,
    /// Items that could not be judged: the result must not look clean.
    pub errors: Vec<String>,
}

impl Tally {
    /// For a git hook's source: quiet when clean, `scope` names what was scanned.
    pub fn new(scope: &'static str) -> Tally {
        Tally { summary: Summary { scope, silent_when_clean: true, ..Summary::default() }, ..Tally::default() }
    }

    /// An item read (`None`) or skipped, counted.
    pub fn count(&mut self, skip: Option<Skip>) {
        match skip {
            None => self.summary.scanned += 1,
            Some(Skip::Binary) => self.summary.skipped_binary += 1,
            Some(Skip::TooLarge) => self.summary.skipped_large += 1,
        }
    }

    /// Judges one item of a git source (staged, push, pre-receive) and counts it.
    pub fn scan(&mut self, engine: &Engine, item: &Item) -> Result<()> {
        let found = judge_item(engine, item)?;
        self.add(item, found);
        Ok(())
    }

    /// Counts an item judged elsewhere (on another thread) and keeps its findings.
    pub fn add(&mut self, item: &Item, found: Vec<Finding>) {
        self.matches.extend(found);
        self.count(skip_of(item));
    }
}

fn skip_of(item: &Item) -> Option<Skip> {
    match &item.body {
        Body::Text(_) => None,
        Body::Skipped(skip) => Some(*skip),
    }
}

/// The findings in one item of a git source, at its one path.
pub(super) fn judge_item(engine: &Engine, item: &Item) -> Result<Vec<Finding>> {
    let text = match &item.body {
        Body::Text(chunk) => Some(chunk),
        Body::Skipped(_) => None,
    };
    let found = judge(engine, &[item.path.as_str()], item.size, &item.provenance, text).with_context(|| item.path.clone())?;
    Ok(found.into_iter().flatten().collect())
}
