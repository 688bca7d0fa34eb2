//! `leakguard baseline`: accept the current findings of the tracked files (or, with
//! `--history`, of the whole history).

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result};

use super::judge::Tally;
use super::scan;
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
    // A code smell is fixed or allowed, never accepted: it would hide the next one like it.
    let code_smell = |rule: &str, kind| crate::policy::is_code_smell(kind, rule);
    let found: Vec<Finding> = setup.filters.apply(matches).findings.into_iter().filter(|f| !code_smell(&f.rule_id, f.kind)).collect();

    let mut baseline = existing.as_ref().map_or_else(Baseline::new, Baseline::fresh_copy);
    baseline.hash_all(found.iter().map(|f| (f.rule_id.as_str(), f.secret.as_str())));
    let current: BTreeSet<Entry> = found.iter().map(|f| baseline.entry(&f.rule_id, &setup.filters.repo_path(f), &f.secret)).collect();
    let before = previous_entries(existing.as_ref(), &baseline, &found, &setup.filters, err)?;

    let mut next: BTreeSet<Entry> = match (mode.update, mode.prune) {
        (true, false) => before.union(&current).cloned().collect(),
        (false, true) => {
            // An entry whose file is gone (renamed) lives on under its new path.
            let moved: BTreeSet<(&str, &str)> =
                before.iter().filter(|e| std::fs::symlink_metadata(root.join(&e.path)).is_err()).map(|e| (e.rule.as_str(), e.hash.as_str())).collect();
            let renamed = current.iter().filter(|c| moved.contains(&(c.rule.as_str(), c.hash.as_str())));
            before.intersection(&current).chain(renamed).cloned().collect()
        }
        // Fresh, or both: exactly what is there now.
        _ => current,
    };
    // Entries an older leakguard wrote for code smells go (and are counted as removed).
    next.retain(|e| setup.rules.get(&e.rule).is_none_or(|r| !code_smell(&e.rule, r.spec.kind)));
    if let Some(ds) = from_detect_secrets {
        let import = crate::migrate::detect_secrets::import(ds, &root, &found, &baseline, |f| setup.filters.repo_path(f))?;
        if !mode.update && !mode.prune {
            // Importing alone accepts what detect-secrets accepted, nothing more.
            next = before.clone();
        }
        next.extend(import.entries);
        writeln!(err, "leakguard: {}", import.summary)?;
        for line in &import.dropped {
            writeln!(err, "leakguard: not carried: {line}")?;
        }
    }
    for entry in &next {
        baseline.insert(entry.clone());
    }
    // Triage marks stay with their entry (and follow it to a new path after a rename).
    if let Some(old) = existing.as_ref().filter(|old| old.version() == baseline.version()) {
        let by_secret: std::collections::HashMap<(&str, &str), crate::baseline::Mark> =
            old.entries().filter_map(|e| old.mark(e).map(|m| ((e.rule.as_str(), e.hash.as_str()), m))).collect();
        for entry in &next {
            let mark = old.mark(entry).or_else(|| by_secret.get(&(entry.rule.as_str(), entry.hash.as_str())).copied());
            baseline.set_mark(entry, mark);
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // Atomic: a failed write leaves the previous baseline whole.
    crate::atomic::write(&path, baseline.to_toml().as_bytes(), None).with_context(|| format!("cannot write {}", path.display()))?;
    writeln!(
        err,
        "leakguard: wrote {}: {} accepted ({} added, {} removed) from {scanned}",
        crate::chunk::display_path(&path),
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
        let shown = crate::chunk::display_path(&file.path);
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
    Ok(if size > crate::chunk::MAX_FILE_SIZE {
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
        max_blob_size: crate::chunk::MAX_FILE_SIZE,
        shard: None,
        stats: false,
        timeout: None,
        purge_plan: None,
        smells: false,
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

/// `baseline --list`: each entry with its rule, its path and where its secret is now, and its
/// mark. Entries that can never match (a rule that does not exist, a malformed hash) are
/// warned about on stderr.
pub fn list(common: &Common, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus> {
    let tracked = repo::tracked_files()?;
    let root = std::fs::canonicalize(&tracked.root).unwrap_or_else(|_| tracked.root.clone());
    let (path, baseline) = load_existing(common, &root)?;
    let setup = super::setup_with(common, &root, &root, None)?;
    let (matches, _) = tracked_findings(&setup, &root, &tracked)?;
    let found = setup.filters.apply(matches).findings;

    // Where each accepted (rule, hash) is now. Only the rules the baseline names are hashed.
    let rules: BTreeSet<&str> = baseline.entries().map(|e| e.rule.as_str()).collect();
    let relevant: Vec<&Finding> = found.iter().filter(|f| rules.contains(f.rule_id.as_str())).collect();
    baseline.hash_all(relevant.iter().map(|f| (f.rule_id.as_str(), f.secret.as_str())));
    let mut now: std::collections::HashMap<(String, String), Vec<(String, u32)>> = std::collections::HashMap::new();
    for f in relevant {
        let at = (setup.filters.repo_path(f), f.location.line);
        now.entry((f.rule_id.clone(), baseline.hash(&f.rule_id, &f.secret))).or_default().push(at);
    }

    let shown = crate::chunk::display_path(&path);
    let mut rows = vec![["#".to_string(), "id".into(), "rule".into(), "path".into(), "now".into(), "mark".into()]];
    for (index, entry) in baseline.entries().enumerate() {
        let n = index + 1;
        if setup.rules.get(&entry.rule).is_none() {
            writeln!(err, "leakguard: warning: {shown}: entry {n}: no rule `{}` (disabled, removed or misspelt); it never matches", entry.rule)?;
        }
        if !baseline.well_formed(entry) {
            writeln!(err, "leakguard: warning: {shown}: entry {n}: the hash is not 64 hex digits; it never matches")?;
        }
        let places = now.get(&(entry.rule.clone(), entry.hash.clone())).map(Vec::as_slice).unwrap_or_default();
        // Its own path first; elsewhere (a rename) after.
        let mut places: Vec<&(String, u32)> = places.iter().collect();
        places.sort_by_key(|(p, line)| (p != &entry.path, p.clone(), *line));
        let where_now = match places.first() {
            None => "gone".to_string(),
            Some((p, line)) if places.len() == 1 => format!("{p}:{line}"),
            Some((p, line)) => format!("{p}:{line} (+{} more)", places.len() - 1),
        };
        let mark = baseline.mark(entry).map_or("-", |m| m.as_str());
        rows.push([n.to_string(), short_id(entry), entry.rule.clone(), entry.path.clone(), where_now, mark.to_string()]);
    }
    let widths: Vec<usize> = (0..6).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    for row in &rows {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    writeln!(err, "leakguard: {shown}: {} accepted", rows.len() - 1)?;
    Ok(ExitStatus::Clean)
}

/// `baseline --mark ENTRY MARK`: triage one entry (by its number in `--list` or its id), kept
/// in the baseline without the secret. `none` clears the mark.
pub fn mark(common: &Common, which: &str, mark: &str, err: &mut dyn Write) -> Result<ExitStatus> {
    let root = super::root()?;
    let (path, mut baseline) = load_existing(common, &root)?;
    let mark = match mark {
        "none" => None,
        other => Some(crate::baseline::Mark::parse(other).with_context(|| {
            format!("unknown mark `{other}`: one of {}, or `none` to clear it", crate::baseline::Mark::NAMES.join(", "))
        })?),
    };
    let entries: Vec<Entry> = baseline.entries().cloned().collect();
    let chosen: Vec<&Entry> = match which.parse::<usize>() {
        Ok(n) if which.len() < 8 => entries.get(n.wrapping_sub(1)).into_iter().collect(),
        _ => entries.iter().filter(|e| e.hash.starts_with(&which.to_lowercase())).collect(),
    };
    let entry = match chosen.as_slice() {
        [one] => (*one).clone(),
        [] => anyhow::bail!("no entry `{which}` in {} (see `leakguard baseline --list`)", path.display()),
        _ => anyhow::bail!("`{which}` names {} entries; give more of the id", chosen.len()),
    };
    baseline.set_mark(&entry, mark);
    crate::atomic::write(&path, baseline.to_toml().as_bytes(), None).with_context(|| format!("cannot write {}", path.display()))?;
    let what = mark.map_or("no mark".to_string(), |m| format!("marked {}", m.as_str()));
    writeln!(err, "leakguard: {}: {} {} at {}: {what}", crate::chunk::display_path(&path), short_id(&entry), entry.rule, entry.path)?;
    Ok(ExitStatus::Clean)
}

/// The baseline to read; an error when there is none (listing nothing would look like an
/// empty baseline).
fn load_existing(common: &Common, root: &Path) -> Result<(std::path::PathBuf, Baseline)> {
    let path = super::baseline_path(common, root);
    match Baseline::load(&path)? {
        Some(b) => Ok((path, b)),
        None => anyhow::bail!("{}: no baseline (write one with `leakguard baseline`)", path.display()),
    }
}

/// An entry's id: the start of its hash (salted, so it tells nothing about the secret).
fn short_id(entry: &Entry) -> String {
    entry.hash.chars().take(12).collect()
}
