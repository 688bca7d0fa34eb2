//! `leakguard history [RANGE...]`: every distinct blob of the selected history, scanned once
//! in parallel; each finding attributed to the commit and path that introduced it.
//!
//! A secret that stays in a file while the file is edited or renamed is in many blobs; it is
//! reported once, at the path and commit that introduced it; a copy at another path is a leak
//! of its own (`attribute`).

mod attribute;
mod progress;
mod redact;

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

pub(super) use redact::{masked, redact_subjects};

use super::judge::judge;
use crate::chunk::Provenance;
use crate::cli::{Common, HistoryArgs};
use crate::engine::Engine;
use crate::finding::Finding;
use crate::report::Summary;
use crate::source::history::{Event, History, Selection, Shard};
use crate::ExitStatus;
use progress::{write_stats, Progress};

pub fn run(common: &Common, args: &HistoryArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus> {
    let started = Instant::now();
    if args.purge_plan.is_some() && common.format != crate::cli::Format::Human {
        bail!("--purge-plan prints steps for people: --format does not apply to it");
    }
    let timeout = args.timeout.as_deref().map(parse_duration).transpose()?;
    let root = super::root()?;
    let setup = super::setup(common, &root, &root)?;
    let deadline = timeout.map(|t| started + t);
    let mut scanned = collect_until(&setup, args, common.quiet, deadline, err)?;
    if !common.no_redact {
        redact_subjects(&Engine::new(&setup.rules), &mut scanned.matches);
    }
    if let Some(file) = &args.purge_plan {
        return purge_plan(common, &setup, scanned, file, out, err);
    }
    super::finish(common, &setup.filters, &setup.rules, scanned.matches, scanned.summary, scanned.failed, out)
}

/// `--purge-plan FILE`: only from a whole scan, since a plan that misses a secret would leave
/// it in history. Exits as the report would have: 1 when something blocks.
fn purge_plan(common: &Common, setup: &super::Setup, mut scanned: Scanned, file: &std::path::Path, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus> {
    if scanned.failed || scanned.summary.partial.is_some() {
        bail!("the history scan is incomplete: no purge plan written, as it would miss secrets");
    }
    scanned.matches.sort_by(Finding::report_order);
    let filtered = setup.filters.apply(scanned.matches);
    // The steps (never a secret) go where a report would: `--output`, or standard output.
    let mut steps = Vec::new();
    super::purge::write(&filtered.findings, &setup.rules, file, &mut steps, err)?;
    super::write_report(common, out, &mut |w| w.write_all(&steps))?;
    Ok(super::status(false, filtered.findings.iter().any(Finding::blocks)))
}

/// `30s`, `5m`, `1h`, `500ms`, or a number of seconds.
fn parse_duration(text: &str) -> Result<Duration> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number.parse().map_err(|_| anyhow::anyhow!("--timeout {text}: expected a duration such as 30s, 5m or 1h"))?;
    let seconds = match unit.trim() {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => bail!("--timeout {text}: expected a duration such as 30s, 5m or 1h"),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| anyhow::anyhow!("--timeout {text}: out of range"))
}

/// What a history scan found, before the filters.
pub(super) struct Scanned {
    pub matches: Vec<Finding>,
    pub summary: Summary,
    /// A blob could not be read or scanned: the result must not look clean.
    pub failed: bool,
}

/// Scans the selected history with `setup`'s rules; notes and errors go to `err`.
pub(super) fn collect(setup: &super::Setup, args: &HistoryArgs, quiet: bool, err: &mut dyn Write) -> Result<Scanned> {
    collect_until(setup, args, quiet, None, err)
}

/// As `collect`, stopping at `deadline`: what was found by then is returned, the summary says
/// the scan is partial, and `failed` is set (a partial scan never exits 0).
fn collect_until(setup: &super::Setup, args: &HistoryArgs, quiet: bool, deadline: Option<Instant>, err: &mut dyn Write) -> Result<Scanned> {
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let selection = Selection { ranges: args.ranges.clone(), since: args.since.clone(), branches: args.branches.clone() };
    let mut history = History::load(&selection, shard)?;

    let engine = Engine::for_bulk(&setup.rules);
    let found: Mutex<Vec<(usize, usize, Finding)>> = Mutex::new(Vec::new());
    let errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let messages: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    // Blobs judged: their findings are known when a later file turns out to come from them.
    let judged: Vec<AtomicBool> = history.blobs.iter().map(|_| AtomicBool::new(false)).collect();
    let record = |blob: usize, paths: &[&str], result: Result<Vec<Vec<Finding>>, crate::rules::RuleError>| match result {
        Ok(per_path) => {
            judged[blob].store(true, Ordering::Relaxed);
            if per_path.iter().all(Vec::is_empty) {
                return;
            }
            let mut found = found.lock().expect("no scan thread panicked");
            for (at, matches) in per_path.into_iter().enumerate() {
                found.extend(matches.into_iter().map(|m| (blob, at, m)));
            }
        }
        Err(e) => errors.lock().expect("no scan thread panicked").push(format!("{}: {e}", paths[0])),
    };
    let visit = |event: Event<'_>| match event {
        Event::Chunk { blob, paths, size, chunk } => record(blob, &paths, judge(&engine, &paths, size, &Provenance::File, Some(&chunk))),
        Event::Skipped { blob, paths, size, .. } => record(blob, &paths, judge(&engine, &paths, size, &Provenance::File, None)),
        Event::Message(chunk) => match engine.scan(&chunk) {
            Ok(matches) => messages.lock().expect("no scan thread panicked").extend(matches),
            Err(e) => errors.lock().expect("no scan thread panicked").push(format!("{}: {e}", chunk.path)),
        },
        Event::Error(message) => errors.lock().expect("no scan thread panicked").push(message),
    };
    let progress = Progress::new(history.blobs.len() as u64);
    let tick = |size: u64| progress.tick(size);
    let stop = || deadline.is_some_and(|d| Instant::now() >= d);
    let run = |history: &mut History| {
        history.messages(shard, &visit, &stop);
        history.scan(args.max_blob_size, &visit, &tick, &stop);
    };
    if quiet || !std::io::stderr().is_terminal() {
        run(&mut history);
    } else {
        // The scan runs on other threads; this one draws, through `err`, which it holds.
        std::thread::scope(|scope| -> std::io::Result<()> {
            let worker = scope.spawn(|| run(&mut history));
            let start = Instant::now();
            let mut last = start;
            while !worker.is_finished() {
                std::thread::sleep(Duration::from_millis(20));
                if last.elapsed() >= Duration::from_millis(250) {
                    last = Instant::now();
                    progress.draw(err, start.elapsed())?;
                }
            }
            write!(err, "\r\x1b[K")?;
            worker.join().expect("the scan thread does not panic");
            Ok(())
        })?;
    }

    let mut errors = errors.into_inner().expect("no scan thread panicked");
    let judged: Vec<bool> = judged.into_iter().map(AtomicBool::into_inner).collect();
    let found = found.into_inner().expect("no scan thread panicked");
    let mut matches = attribute::attribute(&history, &engine, args.max_blob_size, found, &judged, &mut errors)?;
    matches.extend(messages.into_inner().expect("no scan thread panicked"));
    for message in &errors {
        writeln!(err, "leakguard: error: {message}")?;
    }
    let stats = &history.stats;
    if stats.submodules > 0 {
        writeln!(err, "leakguard: note: {} submodule entries skipped; scan those repositories on their own", stats.submodules)?;
    }
    if args.stats {
        write_stats(err, stats)?;
    }
    let left = stats.not_scanned + stats.messages_not_scanned;
    let partial = (left > 0).then(|| {
        let after = args.timeout.as_deref().unwrap_or_default();
        format!(
            "timed out after {after}: {} of {} blobs and {} of {} commit messages not scanned",
            stats.not_scanned,
            history.blobs.len(),
            stats.messages_not_scanned,
            stats.messages + stats.messages_not_scanned
        )
    });
    if let Some(why) = &partial {
        writeln!(err, "leakguard: error: the scan is partial: {why}")?;
    }
    let summary = Summary {
        scope: "",
        items: Some(("blob", "blobs")),
        scanned: stats.scanned,
        skipped_binary: stats.skipped_binary,
        skipped_large: stats.skipped_large,
        size_limit: Some(args.max_blob_size),
        partial: partial.clone(),
        ..Summary::default()
    };
    Ok(Scanned { matches, summary, failed: !errors.is_empty() || partial.is_some() })
}

/// `K/N` with 1 <= K <= N.
fn parse_shard(text: &str) -> Result<Shard> {
    let parsed = text.split_once('/').and_then(|(k, n)| Some((k.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)));
    match parsed {
        Some((index, count)) if index >= 1 && index <= count => Ok(Shard { index, count }),
        _ => bail!("--shard {text}: expected K/N with 1 <= K <= N, as in --shard 2/8"),
    }
}

