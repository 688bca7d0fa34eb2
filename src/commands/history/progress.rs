//! What a history scan tells a person while and after it runs: a progress line on a terminal,
//! and the `--stats` counters.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::source::history::Stats;

/// Blobs done, read rate and ETA, drawn on standard error when it is a terminal.
pub(super) struct Progress {
    pub total: u64,
    pub done: AtomicU64,
    pub bytes: AtomicU64,
}

impl Progress {
    pub fn new(total: u64) -> Self {
        Progress { total, done: AtomicU64::new(0), bytes: AtomicU64::new(0) }
    }

    /// One more blob of `size` bytes read.
    pub fn tick(&self, size: u64) {
        self.done.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(size, Ordering::Relaxed);
    }

    pub fn draw(&self, err: &mut dyn Write, elapsed: Duration) -> std::io::Result<()> {
        let done = self.done.load(Ordering::Relaxed);
        let seconds = elapsed.as_secs_f64().max(0.001);
        let rate = self.bytes.load(Ordering::Relaxed) as f64 / seconds / 1048576.0;
        let eta = if done == 0 { 0.0 } else { seconds * (self.total - done) as f64 / done as f64 };
        let per_second = done as f64 / seconds;
        write!(err, "\r\x1b[Kleakguard: {done}/{} blobs, {per_second:.0} blobs/s, {rate:.1} MiB/s, ETA {eta:.0} s", self.total)?;
        err.flush()
    }
}

pub(super) fn write_stats(err: &mut dyn Write, s: &Stats) -> std::io::Result<()> {
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
