//! Git history through gix. Enumerates the selected commits oldest first (parents before
//! children) and every distinct blob their trees hold, remembering the commit and path(s) that
//! first introduced each one; then reads the blobs in parallel, each once, and hands them to the
//! caller as chunks. Knows nothing of rules or the engine.
//!
//! `select` picks the commits, `order` sorts them, `walk` finds the blobs, `read` reads them,
//! and `origin` says where a file came from in a commit's first parent (an edit or a move).

mod order;
mod origin;
mod read;
mod select;
mod walk;

use std::sync::OnceLock;

use anyhow::{Context, Result};
use gix::bstr::ByteSlice;
use gix::ObjectId;

pub use origin::{Origin, Origins};
pub use read::Event;
pub use select::Selection;
pub use walk::Blob;

use crate::chunk::CommitInfo;
use crate::source::commits::commit_info;

/// Share `index` (1-based) of `count`, chosen by blob id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    pub fn holds(&self, id: &ObjectId) -> bool {
        let head: [u8; 8] = id.as_bytes()[..8].try_into().expect("object ids are longer than 8 bytes");
        u64::from_be_bytes(head) % self.count == self.index - 1
    }
}

/// Counters for `--stats`.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub commits: usize,
    /// Blob entries met while walking trees (a blob in many commits counts each time it is met).
    /// A long history walked in pieces meets a few more where branches merge.
    pub blobs_seen: usize,
    pub distinct_blobs: usize,
    pub submodules: usize,
    pub symlinks: usize,
    /// Blobs left to other shards.
    pub other_shards: usize,
    pub scanned: usize,
    pub skipped_binary: usize,
    pub skipped_large: usize,
    pub bytes: u64,
    /// Blobs left unread because the scan was stopped (`--timeout`).
    pub not_scanned: usize,
    /// Commit messages scanned, and left unread because the scan was stopped.
    pub messages: usize,
    pub messages_not_scanned: usize,
}

pub struct History {
    repo: gix::ThreadSafeRepository,
    /// Commit ids in oldest-first order: `commits[seq]`.
    commits: Vec<ObjectId>,
    paths: Vec<String>,
    pub blobs: Vec<Blob>,
    pub stats: Stats,
    /// Index in `blobs` by id, built on first use and shared by every thread.
    blob_index: OnceLock<gix::hashtable::HashMap<ObjectId, usize>>,
}

impl History {
    /// Opens the repository around the current directory (or `GIT_DIR`) and enumerates the
    /// selected commits and their blobs.
    pub fn load(selection: &Selection, shard: Option<Shard>) -> Result<History> {
        let sync = gix::ThreadSafeRepository::discover_with_environment_overrides(".").context("not inside a git repository")?;
        let mut repo = sync.to_thread_local();
        // Without a commit-graph file, ordering reads each commit twice (its parents, then its
        // tree and time): the second read comes from this cache.
        repo.object_cache_size(32 * 1024 * 1024);
        let (order, boundary) = order::commits_oldest_first(&repo, selection)?;
        let trees: Vec<ObjectId> = order.iter().map(|&(_, tree)| tree).collect();
        let walk::Recorded { mut blobs, paths, mut stats, .. } = walk::walk(&sync, &trees, &boundary)?;
        // What the boundary holds (position 0) is not the range's to introduce.
        for blob in &mut blobs {
            blob.paths.retain(|&(_, seq)| seq > 0);
            for (_, seq) in &mut blob.paths {
                *seq -= 1;
            }
            blob.seq = blob.paths.iter().map(|&(_, seq)| seq).min().unwrap_or(u32::MAX);
        }
        blobs.retain(|b| !b.paths.is_empty());
        let paths = paths.iter().map(|p| p.to_str_lossy().into_owned()).collect();
        stats.commits = order.len();
        stats.distinct_blobs = blobs.len();
        if let Some(shard) = shard {
            blobs.retain(|b| shard.holds(&b.id));
            stats.other_shards = stats.distinct_blobs - blobs.len();
        }
        let commits = order.into_iter().map(|(id, _)| id).collect();
        Ok(History { repo: sync, commits, paths, blobs, stats, blob_index: OnceLock::new() })
    }

    /// The paths blob `index` had, each with the commit (`seq`) that first put it there.
    pub fn paths(&self, index: usize) -> impl Iterator<Item = (&str, u32)> {
        self.blobs[index].paths.iter().map(|&(p, seq)| (self.paths[p as usize].as_str(), seq))
    }

    /// The index in [`History::blobs`] of blob `id`, if the scan holds it.
    fn blob_index(&self, id: &ObjectId) -> Option<usize> {
        self.blob_index.get_or_init(|| self.blobs.iter().enumerate().map(|(i, b)| (b.id, i)).collect()).get(id).copied()
    }

    /// Id, author, date and summary of the commit at `seq`.
    pub fn commit_info(&self, seq: u32) -> Result<CommitInfo> {
        commit_info(&self.repo.to_thread_local(), self.commits[seq as usize], seq)
    }
}
