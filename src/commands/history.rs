//! `leakguard history [RANGE...]`: every distinct blob of the selected history, scanned once
//! in parallel; each finding attributed to the commit and path that introduced it.
//!
//! A secret that stays in a file while the file is edited is in many blobs; it is reported
//! once per path, from the blob that introduced it (the earliest in the oldest-first walk).

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::chunk::{Chunk, CommitInfo, Provenance};
use crate::cli::{Common, HistoryArgs};
use super::judge::judge;
use crate::engine::Engine;
use crate::finding::Finding;
use crate::report::Summary;
use crate::source::history::{Event, History, Selection, Shard, Stats, MESSAGE_PATH};
use crate::ExitStatus;

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
    scanned.matches.sort_by(|a, b| a.location.cmp(&b.location).then_with(|| a.rule_id.cmp(&b.rule_id)));
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

/// Masks, in the commit subjects (and author names) the findings carry, whatever the rules
/// find there: reports print them, and a token pasted in one must not show in the report.
pub(super) fn redact_subjects(engine: &Engine<'_>, findings: &mut [Finding]) {
    let mut done: HashMap<String, Arc<CommitInfo>> = HashMap::new();
    for f in findings.iter_mut() {
        let Provenance::Commit(info) = &f.provenance else { continue };
        let clean = match done.get(&info.id) {
            Some(clean) => clean.clone(),
            None => {
                // Author names are printed too, and are free text as much as subjects are.
                let (summary, author) = (masked(engine, &info.summary), masked(engine, &info.author));
                let clean = match (summary, author) {
                    (None, None) => info.clone(),
                    (summary, author) => Arc::new(CommitInfo {
                        summary: summary.unwrap_or_else(|| info.summary.clone()),
                        author: author.unwrap_or_else(|| info.author.clone()),
                        ..(**info).clone()
                    }),
                };
                done.insert(info.id.clone(), clean.clone());
                clean
            }
        };
        f.provenance = Provenance::Commit(clean);
    }
}

/// `text` with every secret the rules find in it masked, or `None` when they find none (or
/// cannot run: the text is then masked whole, never shown).
pub(super) fn masked(engine: &Engine<'_>, text: &str) -> Option<String> {
    let chunk = Chunk::new(MESSAGE_PATH.to_string(), std::borrow::Cow::Borrowed(text.as_bytes()), Provenance::File);
    let found = match engine.scan(&chunk) {
        Ok(found) => found,
        Err(_) => return Some("(subject hidden: it could not be checked for secrets)".to_string()),
    };
    if found.is_empty() {
        return None;
    }
    let mut out = text.to_string();
    for f in &found {
        // The raw text of the finding's own secret on its line (encoded, when decoded).
        let Some(raw) = f.line_text.get(f.own_mask.0..f.own_mask.1).filter(|r| !r.is_empty()) else { continue };
        out = out.replace(raw, &crate::finding::redact(raw));
    }
    Some(out)
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
    let judged = |blob: usize, paths: &[&str], result: Result<Vec<Vec<Finding>>, crate::rules::RuleError>| match result {
        Ok(per_path) if per_path.iter().all(Vec::is_empty) => {}
        Ok(per_path) => {
            let mut found = found.lock().expect("no scan thread panicked");
            for (at, matches) in per_path.into_iter().enumerate() {
                found.extend(matches.into_iter().map(|m| (blob, at, m)));
            }
        }
        Err(e) => errors.lock().expect("no scan thread panicked").push(format!("{}: {e}", paths[0])),
    };
    let visit = |event: Event<'_>| match event {
        Event::Chunk { blob, paths, size, chunk } => judged(blob, &paths, judge(&engine, &paths, size, &Provenance::File, Some(&chunk))),
        Event::Skipped { blob, paths, size, .. } => judged(blob, &paths, judge(&engine, &paths, size, &Provenance::File, None)),
        Event::Message(chunk) => match engine.scan(&chunk) {
            Ok(matches) => messages.lock().expect("no scan thread panicked").extend(matches),
            Err(e) => errors.lock().expect("no scan thread panicked").push(format!("{}: {e}", chunk.path)),
        },
        Event::Error(message) => errors.lock().expect("no scan thread panicked").push(message),
    };
    let progress = Progress { total: history.blobs.len() as u64, done: AtomicU64::new(0), bytes: AtomicU64::new(0) };
    let tick = |size: u64| {
        progress.done.fetch_add(1, Ordering::Relaxed);
        progress.bytes.fetch_add(size, Ordering::Relaxed);
    };
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

    let mut matches = attribute(&history, found.into_inner().expect("no scan thread panicked"))?;
    matches.extend(messages.into_inner().expect("no scan thread panicked"));
    let errors = errors.into_inner().expect("no scan thread panicked");
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

/// Where one blob's finding of one (rule, secret) was: (commit seq, path).
type Places<'a> = Vec<(u32, &'a str)>;

/// Findings arrive per path of their blob (`(blob, path index, finding)`), each attributed to
/// the commit that first put the blob at that path. A copy is a leak of its own; a move is
/// not: a finding the blob had at an earlier path that its commit no longer holds stays
/// reported there alone (a rename keeps the commit that introduced the secret). Of the
/// findings of one (rule, secret, path), only those of the earliest blob.
fn attribute(history: &History, found: Vec<(usize, usize, Finding)>) -> Result<Vec<Finding>> {
    let mut spread: Vec<(u32, usize, Finding)> = Vec::with_capacity(found.len());
    for (blob, at, finding) in found {
        let (_, seq) = history.paths(blob).nth(at).context("a finding at a path its blob did not have")?;
        spread.push((seq, blob, finding));
    }
    let mut same: HashMap<(usize, &str, &str), Places<'_>> = HashMap::new();
    for (seq, blob, f) in &spread {
        same.entry((*blob, &f.rule_id, &f.secret)).or_default().push((*seq, &f.location.path));
    }
    let moved: Vec<bool> = spread
        .iter()
        .map(|(seq, blob, f)| {
            same[&(*blob, f.rule_id.as_str(), f.secret.as_str())].iter().any(|&(s, path)| s < *seq && !history.holds(*seq, path, *blob))
        })
        .collect();
    let spread: Vec<(u32, usize, Finding)> = spread.into_iter().zip(moved).filter(|(_, moved)| !moved).map(|(s, _)| s).collect();
    let mut earliest: HashMap<(&str, &str, &str), (u32, usize)> = HashMap::new();
    for (seq, blob, f) in &spread {
        let slot = earliest.entry((&f.rule_id, &f.secret, &f.location.path)).or_insert((*seq, *blob));
        *slot = (*slot).min((*seq, *blob));
    }
    let keep: Vec<bool> =
        spread.iter().map(|(seq, blob, f)| earliest[&(f.rule_id.as_str(), f.secret.as_str(), f.location.path.as_str())] == (*seq, *blob)).collect();
    let mut commits: HashMap<u32, Arc<crate::chunk::CommitInfo>> = HashMap::new();
    let mut out = Vec::new();
    for ((seq, _, mut f), keep) in spread.into_iter().zip(keep) {
        if !keep {
            continue;
        }
        let info = match commits.get(&seq) {
            Some(info) => info.clone(),
            None => {
                let info = Arc::new(history.commit_info(seq).context("cannot attribute a finding to its commit")?);
                commits.insert(seq, info.clone());
                info
            }
        };
        f.provenance = Provenance::Commit(info);
        out.push(f);
    }
    Ok(out)
}

fn write_stats(err: &mut dyn Write, s: &Stats) -> std::io::Result<()> {
    writeln!(
        err,
        "leakguard: stats: commits={} blobs_seen={} distinct_blobs={} duplicate_blobs_skipped={} scanned={} bytes={} \
         skipped_binary={} skipped_large={} other_shards={} submodules={} symlinks={} messages={}",
        s.commits,
        s.blobs_seen,
        s.distinct_blobs,
        s.blobs_seen - s.distinct_blobs,
        s.scanned,
        s.bytes,
        s.skipped_binary,
        s.skipped_large,
        s.other_shards,
        s.submodules,
        s.symlinks,
        s.messages
    )
}

/// Blobs done, read rate and ETA, drawn on standard error when it is a terminal.
struct Progress {
    total: u64,
    done: AtomicU64,
    bytes: AtomicU64,
}

impl Progress {
    fn draw(&self, err: &mut dyn Write, elapsed: Duration) -> std::io::Result<()> {
        let done = self.done.load(Ordering::Relaxed);
        let seconds = elapsed.as_secs_f64().max(0.001);
        let rate = self.bytes.load(Ordering::Relaxed) as f64 / seconds / 1048576.0;
        let eta = if done == 0 { 0.0 } else { seconds * (self.total - done) as f64 / done as f64 };
        let per_second = done as f64 / seconds;
        write!(err, "\r\x1b[Kleakguard: {done}/{} blobs, {per_second:.0} blobs/s, {rate:.1} MiB/s, ETA {eta:.0} s", self.total)?;
        err.flush()
    }
}
