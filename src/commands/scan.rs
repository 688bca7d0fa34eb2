//! `leakguard scan [PATH...]`: files and folders on disk, or stdin (`-`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Result};

use crate::chunk::Provenance;
use crate::cli::Common;
use crate::engine::Engine;
use crate::filter::Filters;
use crate::report::Summary;
use crate::rules::RuleSet;
// `Tally` is the driver's; named here too for the commands that walk files through `record`.
pub(super) use super::judge::Tally;
use super::judge::judge;
use crate::source::files::{self, Event, WalkOptions};
use crate::ExitStatus;

pub fn run(common: &Common, paths: &[PathBuf], no_ignore: bool, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus> {
    let cwd = std::env::current_dir()?;
    let (stdin, on_disk): (Vec<&PathBuf>, Vec<&PathBuf>) = paths.iter().partition(|p| p.as_os_str() == "-");
    let setup = super::setup(common, &cwd, &root_of(&on_disk, !stdin.is_empty())?)?;
    let engine = Engine::for_bulk(&setup.rules);
    let tally = Mutex::new(Tally::default());
    let visit = |event: Event<'static>| record(&engine, event, &tally);

    if !stdin.is_empty() {
        visit(files::read_stdin());
    }
    let mut roots: Vec<PathBuf> = on_disk.into_iter().cloned().collect();
    if roots.is_empty() && stdin.is_empty() {
        roots.push(PathBuf::from("."));
    }
    let mut walked = Vec::with_capacity(roots.len());
    for root in roots {
        if !root.exists() {
            anyhow::bail!("{}: no such file or folder", root.display());
        }
        // A FIFO, `<(cmd)` or `/dev/stdin` named here is read to its end: a walk would pass
        // over it and report a clean scan of nothing.
        match files::is_stream(&root) {
            Ok(true) => visit(files::read_named_stream(&root)),
            Ok(false) => walked.push(root),
            Err(e) => anyhow::bail!("{}: {e}", root.display()),
        }
    }
    files::walk(&walked, &WalkOptions { no_ignore }, &visit);
    // Ignore files hide whole folders; reports say whether they were honoured.
    tally.lock().expect("the walk is over").summary.ignore_files = (!walked.is_empty()).then_some(!no_ignore);

    finish_tally(common, &setup.filters, &setup.rules, tally, out, err)
}

/// Where the config, baseline and ignore files come from: the repository of the scanned
/// paths, not of the current folder (`cd /tmp && leakguard scan /repo/config` is judged by
/// /repo's config). Stdin, and paths in no repository, go with the current folder's. Paths
/// in two repositories are refused: one run has one config and one baseline.
fn root_of(paths: &[&PathBuf], stdin: bool) -> Result<PathBuf> {
    // Each root, with the first path that led to it (for the message).
    let mut roots: Vec<(PathBuf, String)> = Vec::new();
    let mut here = (stdin || paths.is_empty()).then(|| if stdin { "stdin".to_string() } else { ".".to_string() });
    for path in paths {
        // A file's repository is its folder's; a path that does not exist is reported later.
        let dir = if path.is_dir() { path.as_path() } else { path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")) };
        let found = if dir.exists() { crate::source::repo::find_work_tree(Some(dir))? } else { None };
        match found {
            Some(root) => {
                let root = std::fs::canonicalize(&root).unwrap_or(root);
                if !roots.iter().any(|(r, _)| *r == root) {
                    roots.push((root, path.display().to_string()));
                }
            }
            None => {
                here.get_or_insert_with(|| path.display().to_string());
            }
        }
    }
    if let Some(path) = here {
        let root = super::root()?;
        if !roots.iter().any(|(r, _)| *r == root) {
            roots.push((root, path));
        }
    }
    match roots.as_slice() {
        [(root, _)] => Ok(root.clone()),
        [(a, first), (b, second), ..] => bail!(
            "{first} and {second} are in different repositories ({} and {}): scan each on its own, so each is judged by its own config and baseline",
            a.display(),
            b.display()
        ),
        [] => unreachable!("every path adds a root, and no path means the current folder"),
    }
}

pub(super) fn finish_tally(
    common: &Common,
    filters: &Filters,
    rules: &RuleSet,
    tally: Mutex<Tally>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus> {
    let tally = tally.into_inner().expect("no scan thread panicked while holding the lock");
    for message in &tally.errors {
        // The message names a file: escaped, like every path a report prints.
        writeln!(err, "leakguard: error: {}", crate::report::escape(message))?;
    }
    let summary = Summary { scope: "", errors: tally.errors.len(), ..tally.summary };
    super::finish(common, filters, rules, tally.matches, summary, !tally.errors.is_empty(), out)
}

/// Scans one walked file, or counts why it was not scanned.
pub(super) fn record(engine: &Engine<'_>, event: Event<'static>, tally: &Mutex<Tally>) {
    let lock = || tally.lock().expect("no scan thread panicked while holding the lock");
    let (path, result, skip) = match event {
        Event::Chunk(chunk) => {
            let size = chunk.bytes.len() as u64;
            (chunk.path.clone(), judge(engine, &[chunk.path.as_str()], size, &chunk.provenance, Some(&chunk)), None)
        }
        Event::Skipped(path, skip, size) => {
            let result = judge(engine, &[path.as_str()], size, &Provenance::File, None);
            (path, result, Some(skip))
        }
        Event::Error(path, e) => return lock().errors.push(format!("{path}: {e}")),
    };
    let mut t = lock();
    // A file that could not be judged is an error, not a file scanned; a skip is counted.
    if result.is_ok() || skip.is_some() {
        t.count(skip);
    }
    match result {
        Ok(found) => t.matches.extend(found.into_iter().flatten()),
        Err(e) => t.errors.push(format!("{path}: {e}")),
    }
}
