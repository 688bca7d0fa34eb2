//! `leakguard scan [PATH...]`: files and folders on disk, or stdin (`-`).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::Result;

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
    let setup = super::setup(common, &cwd, &super::root()?)?;
    let engine = Engine::for_bulk(&setup.rules);
    let tally = Mutex::new(Tally::default());
    let visit = |event: Event<'static>| record(&engine, event, &tally);

    let (stdin, on_disk): (Vec<&PathBuf>, Vec<&PathBuf>) = paths.iter().partition(|p| p.as_os_str() == "-");
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
