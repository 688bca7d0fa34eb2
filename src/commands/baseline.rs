//! `leakguard baseline`: accept the current findings of the tracked files.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result};

use super::scan::{self, Tally};
use crate::baseline::{Baseline, Entry};
use crate::cli::Common;
use crate::engine::Engine;
use crate::source::{files, repo};
use crate::ExitStatus;

pub fn run(common: &Common, update: bool, prune: bool, from_detect_secrets: Option<&Path>, err: &mut dyn Write) -> Result<ExitStatus> {
    let (root, tracked) = repo::tracked_files()?;
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let path = super::baseline_path(common, &root);
    let mut setup = super::setup(common, &root, &root)?;
    // The findings the baseline would accept: everything the other filters let through.
    let existing = setup.filters.baseline.take();

    let engine = Engine::new(&setup.rules);
    let tally = Mutex::new(Tally::default());
    for rel in &tracked {
        scan::record(&engine, files::read_file_as(&root.join(rel), crate::source::display_path(rel)), &tally);
    }
    let tally = tally.into_inner().expect("no scan thread panicked while holding the lock");
    if let Some(first) = tally.errors.first() {
        anyhow::bail!("cannot write a baseline from a partial scan: {first}");
    }
    let found = setup.filters.apply(tally.matches).findings;

    let mut baseline = Baseline::new();
    if let Some(old) = &existing {
        baseline = old.fresh_copy();
    }
    let current: BTreeSet<Entry> =
        found.iter().map(|f| baseline.entry(&f.rule_id, &setup.filters.repo_path(f), &f.secret)).collect();

    let mut imported = None;
    if let Some(ds) = from_detect_secrets {
        let (entries, report) = crate::migrate::detect_secrets::import(ds, &found, &baseline, |f| setup.filters.repo_path(f))?;
        imported = Some((entries, report));
    }

    let before: BTreeSet<Entry> = existing.as_ref().map(|b| b.entries().cloned().collect()).unwrap_or_default();
    let keep_old = update || from_detect_secrets.is_some();
    let mut next: BTreeSet<Entry> = match (keep_old, prune) {
        (true, false) => before.union(&current).cloned().collect(),
        (true, true) | (false, false) => current.clone(),
        (false, true) => before.intersection(&current).cloned().collect(),
    };
    if let Some((entries, report)) = &imported {
        if from_detect_secrets.is_some() && !update && !prune {
            // Importing alone accepts what detect-secrets accepted, nothing more.
            next = before.iter().cloned().chain(entries.iter().cloned()).collect();
        } else {
            next.extend(entries.iter().cloned());
        }
        writeln!(err, "leakguard: {report}")?;
    }
    for entry in &next {
        baseline.insert(entry.clone());
    }
    std::fs::write(&path, baseline.to_toml()).with_context(|| format!("cannot write {}", path.display()))?;
    let added = next.difference(&before).count();
    let removed = before.difference(&next).count();
    writeln!(
        err,
        "leakguard: wrote {}: {} accepted ({added} added, {removed} removed) from {} tracked files",
        crate::source::display_path(&path),
        next.len(),
        tracked.len()
    )?;
    Ok(ExitStatus::Clean)
}
