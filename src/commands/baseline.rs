//! `leakguard baseline`: accept the current findings of the tracked files (or, with
//! `--history`, of the whole history).

use std::borrow::Cow;
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
use crate::chunk::{is_binary, Chunk, Provenance};
use crate::source::files::{self, Event};
use crate::source::repo::{self, Tracked, TrackedFiles};
use crate::source::Skip;
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
    let tracked = repo::tracked_files()?;
    let root = std::fs::canonicalize(&tracked.root).unwrap_or_else(|_| tracked.root.clone());
    let path = super::baseline_path(common, &root);
    let existing = Baseline::load(&path)?;
    // The findings the baseline would accept: everything the other filters let through.
    let setup = super::setup_with(common, &root, &root, None)?;
    let (matches, scanned) = if mode.history { history_findings(&setup, common, err)? } else { tracked_findings(&setup, &root, &tracked)? };
    let found = setup.filters.apply(matches).findings;

    let mut baseline = existing.as_ref().map_or_else(Baseline::new, Baseline::fresh_copy);
    baseline.hash_all(found.iter().map(|f| (f.rule_id.as_str(), f.secret.as_str())));
    let current: BTreeSet<Entry> = found.iter().map(|f| baseline.entry(&f.rule_id, &setup.filters.repo_path(f), &f.secret)).collect();
    let before = previous_entries(existing.as_ref(), &baseline, &found, &setup.filters, err)?;

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
    // Atomic: a failed write leaves the previous baseline whole.
    crate::atomic::write(&path, baseline.to_toml().as_bytes(), None).with_context(|| format!("cannot write {}", path.display()))?;
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

/// The entries of the baseline already there, in the current version's form. A version 1
/// baseline's hashes cannot be converted without the secrets: each entry that matches a
/// current finding is rehashed from it, the others (their secret is gone) are dropped, and
/// the user is told.
fn previous_entries(existing: Option<&Baseline>, next: &Baseline, found: &[Finding], filters: &crate::filter::Filters, err: &mut dyn Write) -> Result<BTreeSet<Entry>> {
    let Some(old) = existing else { return Ok(BTreeSet::new()) };
    if old.version() == next.version() {
        return Ok(old.entries().cloned().collect());
    }
    let mut kept = BTreeSet::new();
    let mut matched = BTreeSet::new();
    for f in found {
        let path = filters.repo_path(f);
        if old.contains(&f.rule_id, &path, &f.secret) {
            matched.insert(old.entry(&f.rule_id, &path, &f.secret));
            kept.insert(next.entry(&f.rule_id, &path, &f.secret));
        }
    }
    let dropped = old.entries().count() - matched.len();
    writeln!(
        err,
        "leakguard: the baseline was version {}; its entries are rewritten as version {} ({dropped} whose finding is gone could not be carried over)",
        old.version(),
        next.version()
    )?;
    Ok(kept)
}

/// The matches in the tracked files as they are in the work tree. A tracked file the work tree
/// lacks (deleted, or replaced by a folder or a symlink, but not yet staged so) is judged by its
/// staged version: it is still what the next commit records.
fn tracked_findings(setup: &super::Setup, root: &Path, tracked: &TrackedFiles) -> Result<(Vec<Finding>, String)> {
    let engine = Engine::for_bulk(&setup.rules);
    let tally = Mutex::new(Tally::default());
    let mut from_index = 0;
    for file in &tracked.files {
        let on_disk = root.join(&file.path);
        let shown = crate::source::display_path(&file.path);
        let event = if std::fs::symlink_metadata(&on_disk).is_ok_and(|m| m.is_file()) {
            files::read_file_as(&on_disk, shown)
        } else {
            from_index += 1;
            staged_event(tracked, file, shown)?
        };
        scan::record(&engine, event, &tally);
    }
    let tally = tally.into_inner().expect("no scan thread panicked while holding the lock");
    if let Some(first) = tally.errors.first() {
        anyhow::bail!("cannot write a baseline from a partial scan: {first}");
    }
    let mut scanned = format!("{} tracked files", tracked.files.len());
    if from_index > 0 {
        scanned.push_str(&format!(" ({from_index} missing from the work tree, judged as staged)"));
    }
    Ok((tally.matches, scanned))
}

/// The staged version of a tracked file, as the walk would have read it from disk.
fn staged_event(tracked: &TrackedFiles, file: &Tracked, shown: String) -> Result<Event<'static>> {
    let bytes = tracked.staged_content(file)?;
    let size = bytes.len() as u64;
    Ok(if size > crate::source::MAX_FILE_SIZE {
        Event::Skipped(shown, Skip::TooLarge, size)
    } else if is_binary(&bytes) {
        Event::Skipped(shown, Skip::Binary, size)
    } else {
        Event::Chunk(Chunk::new(shown, Cow::Owned(bytes), Provenance::Staged))
    })
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
        purge_plan: None,
        report: Default::default(),
        repo: Default::default(),
        audit: Default::default(),
    };
    let scanned = super::history::collect(setup, &args, common.quiet, err)?;
    if scanned.failed {
        anyhow::bail!("cannot write a baseline from a partial history scan");
    }
    Ok((scanned.matches, format!("{} blobs of the history", scanned.summary.scanned)))
}
