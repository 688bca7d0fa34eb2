//! `leakguard staged`: the changes staged for the next commit, added lines only.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::Result;

use super::judge::{judge_item, Tally};
use crate::cli::Common;
use crate::engine::Engine;
use crate::finding::Finding;
use crate::source::{staged, Body, Item};
use crate::ExitStatus;

/// Text in a commit past which it is scanned as a bulk scan is: with the regex build that is
/// costlier to compile and faster per byte, on every core. A commit below it (nearly all)
/// stays on the cheap build and one thread: for a few files, compiling and starting threads
/// would cost more than they save.
const LARGE_BYTES: usize = 512 * 1024;

/// `LEAKGUARD_STAGED_THREADS=1` takes the small-commit path whatever the commit's size, and
/// `=N` the large-commit path on N threads. For tests and benchmarks, which compare both
/// paths on one commit.
const THREADS_VAR: &str = "LEAKGUARD_STAGED_THREADS";

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
    match threads(&items) {
        1 => {
            for item in &items {
                tally.scan(&engine, item)?;
            }
        }
        n => {
            let bulk = Engine::for_bulk(&setup.rules);
            for (item, found) in items.iter().zip(judge_parallel(&bulk, &items, n)) {
                tally.add(item, found?);
            }
            std::mem::forget(bulk);
        }
    }
    let status = super::finish(common, &setup.filters, &setup.rules, tally.matches, tally.summary, false, out);
    // The process ends next; freeing the compiled rules one by one would cost a commit more
    // than scanning it did.
    std::mem::forget(engine);
    std::mem::forget(setup);
    status
}

/// How many threads judge this commit's items; 1 is the small-commit path.
fn threads(items: &[Item]) -> usize {
    if let Some(n) = std::env::var(THREADS_VAR).ok().and_then(|v| v.parse::<usize>().ok()) {
        return n.max(1);
    }
    let text: usize = items
        .iter()
        .map(|item| match &item.body {
            Body::Text(chunk) => chunk.bytes.len(),
            Body::Skipped(_) => 0,
        })
        .sum();
    if text < LARGE_BYTES {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(2, items.len().max(2))
}

/// Judges the items on `n` threads, each taking the next item not yet taken (files differ in
/// size by orders of magnitude, so fixed halves would leave one thread idle). The results
/// come back in the items' order, so the report is the same as on one thread.
fn judge_parallel(engine: &Engine, items: &[Item], n: usize) -> Vec<Result<Vec<Finding>>> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<Vec<Finding>>>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(i) else { break };
        let found = judge_item(engine, item);
        *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(found);
    };
    std::thread::scope(|s| {
        for _ in 1..n {
            s.spawn(work);
        }
        work();
    });
    slots
        .into_iter()
        .map(|slot| slot.into_inner().unwrap_or_else(|e| e.into_inner()).unwrap_or_else(|| Ok(Vec::new())))
        .collect()
}
