//! `leakguard baseline`: accept the current findings of the tracked files (or, with
//! `--history`, of the whole history).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result};

use super::scan::{self, Tally};
use crate::baseline::{Baseline, Entry};
use crate::cli::{Common, HistoryArgs};
use crate::engine::Engine;
use crate::finding::Finding;
use crate::source::{files, repo};
use crate::ExitStatus;

/// How the new baseline relates to the one already there.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    /// Keep the old entries, add the new findings.
    pub update: bool,
    /// Drop entries whose finding is gone.
    pub prune: bool,
    /// Findings of every blob in the history, not of the tracked files.
    pub history: bool,
}

pub fn run(common: &Common, mode: Mode, from_detect_secrets: Option<&Path>, err: &mut dyn Write) -> Result<ExitStatus> {
    let (root, tracked) = repo::tracked_files()?;
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let path = super::baseline_path(common, &root);
    let existing = Baseline::load(&path)?;
    // The findings the baseline would accept: everything the other filters let through.
    let setup = super::setup_with(common, &root, &root, None)?;
    let (matches, scanned) = if mode.history { history_findings(&setup, common, err)? } else { tracked_findings(&setup, &root, &tracked)? };
    let found = setup.filters.apply(matches).findings;

    let mut baseline = existing.as_ref().map_or_else(Baseline::new, Baseline::fresh_copy);
    let current: BTreeSet<Entry> = found.iter().map(|f| baseline.entry(&f.rule_id, &setup.filters.repo_path(f), &f.secret)).collect();
    let before: BTreeSet<Entry> = existing.as_ref().map(|b| b.entries().cloned().collect()).unwrap_or_default();

    let mut next: BTreeSet<Entry> = match (mode.update, mode.prune) {
        (true, false) => before.union(&current).cloned().collect(),
        (false, true) => before.intersection(&current).cloned().collect(),
        // Fresh, or both: exactly what is there now.
        _ => current,
    };
    if let Some(ds) = from_detect_secrets {
        let (entries, report) = crate::migrate::detect_secrets::import(ds, &found, &baseline, |f| setup.filters.repo_path(f))?;
        if !mode.update && !mode.prune {
            // Importing alone accepts what detect-secrets accepted, nothing more.
            next = before.clone();
        }
        next.extend(entries);
        writeln!(err, "leakguard: {report}")?;
    }
    for entry in &next {
        baseline.insert(entry.clone());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&path, baseline.to_toml()).with_context(|| format!("cannot write {}", path.display()))?;
    writeln!(
        err,
        "leakguard: wrote {}: {} accepted ({} added, {} removed) from {scanned}",
        crate::source::display_path(&path),
        next.len(),
        next.difference(&before).count(),
        before.difference(&next).count(),
    )?;
    Ok(ExitStatus::Clean)
}

/// The matches in the tracked files as they are in the work tree.
fn tracked_findings(setup: &super::Setup, root: &Path, tracked: &[std::path::PathBuf]) -> Result<(Vec<Finding>, String)> {
    let engine = Engine::for_bulk(&setup.rules);
    let tally = Mutex::new(Tally::default());
    for rel in tracked {
        scan::record(&engine, files::read_file_as(&root.join(rel), crate::source::display_path(rel)), &tally);
    }
    let tally = tally.into_inner().expect("no scan thread panicked while holding the lock");
    if let Some(first) = tally.errors.first() {
        anyhow::bail!("cannot write a baseline from a partial scan: {first}");
    }
    Ok((tally.matches, format!("{} tracked files", tracked.len())))
}

/// The matches in every blob reachable from any ref.
fn history_findings(setup: &super::Setup, common: &Common, err: &mut dyn Write) -> Result<(Vec<Finding>, String)> {
    let args = HistoryArgs {
        ranges: Vec::new(),
        since: None,
        branches: Vec::new(),
        max_blob_size: crate::source::MAX_FILE_SIZE,
        shard: None,
        stats: false,
        timeout: None,
    };
    let scanned = super::history::collect(setup, &args, common.quiet, err)?;
    if scanned.failed {
        anyhow::bail!("cannot write a baseline from a partial history scan");
    }
    Ok((scanned.matches, format!("{} blobs of the history", scanned.summary.scanned)))
}
