//! Reading what the walk found, in parallel: each distinct blob once, and each commit's
//! message. Blob contents are never held beyond the one being scanned by each thread.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use gix::ObjectId;
use rayon::prelude::*;

use super::{History, Shard};
use crate::chunk::{is_binary, Chunk, Provenance};
use crate::source::commits::{commit_info, MESSAGE_PATH};
use crate::source::{Body, Item, Skip};

/// Delta-base cache per scanning thread, in bytes.
const PACK_CACHE: usize = 32 * 1024 * 1024;

/// What the scan hands the caller for each blob.
pub enum Event<'a> {
    /// `blob` indexes [`History::blobs`]; `paths` are the paths it had, as
    /// [`History::paths`] lists them.
    Chunk { blob: usize, paths: Vec<&'a str>, size: u64, chunk: Chunk<'a> },
    /// A commit's message, already attributed to its commit.
    Message(Chunk<'a>),
    /// A blob not read, with its paths and size: file rules judge it still (a key store).
    Skipped { blob: usize, paths: Vec<&'a str>, size: u64, skip: Skip },
    Error(String),
}

impl History {
    /// Reads every blob once, in parallel, and hands it to `visit`. Blobs over `max_size` or
    /// binary are skipped and counted. `tick` is called once per blob with its size. Once
    /// `stop` says so, the blobs not yet read are left and counted in `Stats::not_scanned`.
    pub fn scan(&mut self, max_size: u64, visit: &(dyn Fn(Event<'_>) + Sync), tick: &(dyn Fn(u64) + Sync), stop: &(dyn Fn() -> bool + Sync)) {
        let (scanned, binary, large) = (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
        let (bytes, left) = (AtomicU64::new(0), AtomicUsize::new(0));
        let this = &*self;
        this.blobs.par_iter().enumerate().for_each_init(
            || {
                let mut repo = this.repo.to_thread_local();
                // Bounded per thread: gix's default allows 96 MiB of delta bases each.
                repo.objects.set_pack_cache(|| Box::new(gix::odb::pack::cache::lru::StaticLinkedList::<64>::new(PACK_CACHE)));
                repo
            },
            |repo, (index, blob)| {
                if stop() {
                    left.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                let size = match repo.find_header(blob.id) {
                    Ok(header) => header.size(),
                    Err(e) => return visit(Event::Error(format!("blob {}: {e}", blob.id))),
                };
                tick(size);
                let paths: Vec<&str> = blob.paths.iter().map(|&(p, _)| this.paths[p as usize].as_str()).collect();
                if size > max_size {
                    large.fetch_add(1, Ordering::Relaxed);
                    return visit(Event::Skipped { blob: index, paths, size, skip: Skip::TooLarge });
                }
                let object = match repo.find_object(blob.id) {
                    Ok(object) => object,
                    Err(e) => return visit(Event::Error(format!("blob {}: {e}", blob.id))),
                };
                if is_binary(&object.data) {
                    binary.fetch_add(1, Ordering::Relaxed);
                    return visit(Event::Skipped { blob: index, paths, size, skip: Skip::Binary });
                }
                scanned.fetch_add(1, Ordering::Relaxed);
                bytes.fetch_add(object.data.len() as u64, Ordering::Relaxed);
                let chunk = Chunk::new(paths[0].to_string(), Cow::Borrowed(&object.data), Provenance::File);
                visit(Event::Chunk { blob: index, paths, size, chunk });
            },
        );
        self.stats.scanned = scanned.into_inner();
        self.stats.skipped_binary = binary.into_inner();
        self.stats.skipped_large = large.into_inner();
        self.stats.bytes = bytes.into_inner();
        self.stats.not_scanned = left.into_inner();
    }

    /// Each selected commit's whole message, once, as a chunk at the pseudo-path
    /// [`MESSAGE_PATH`] attributed to the commit, in parallel. With a shard, only the commits
    /// whose id falls to it. Stops like `scan`.
    pub fn messages(&mut self, shard: Option<Shard>, visit: &(dyn Fn(Event<'_>) + Sync), stop: &(dyn Fn() -> bool + Sync)) {
        let (scanned, left) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let this = &*self;
        (0..this.commits.len()).into_par_iter().for_each_init(
            || this.repo.to_thread_local(),
            |repo, seq| {
                let id = this.commits[seq];
                if shard.is_some_and(|s| !s.holds(&id)) {
                    return;
                }
                if stop() {
                    left.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                match commit_info(repo, id, seq as u32) {
                    Ok(info) => {
                        scanned.fetch_add(1, Ordering::Relaxed);
                        let info = std::sync::Arc::new(info);
                        let text = info.message.clone().into_bytes();
                        let chunk = Chunk::new(MESSAGE_PATH.to_string(), Cow::Owned(text), Provenance::Commit(info));
                        visit(Event::Message(chunk));
                    }
                    Err(e) => visit(Event::Error(format!("{e:#}"))),
                }
            },
        );
        self.stats.messages = scanned.into_inner();
        self.stats.messages_not_scanned = left.into_inner();
    }
}

/// Blob `id` at `path` as one item, read or skipped as `scan` reads and skips it.
pub(super) fn item(repo: &gix::Repository, id: ObjectId, path: &str, max_size: u64) -> anyhow::Result<Item> {
    let size = repo.find_header(id).map_err(|e| anyhow::anyhow!("blob {id}: {e}"))?.size();
    let skipped = |skip| Ok(Item { path: path.to_string(), size, provenance: Provenance::File, body: Body::Skipped(skip) });
    if size > max_size {
        return skipped(Skip::TooLarge);
    }
    let data = repo.find_object(id).map_err(|e| anyhow::anyhow!("blob {id}: {e}"))?.detach().data;
    if is_binary(&data) {
        return skipped(Skip::Binary);
    }
    let chunk = Chunk::new(path.to_string(), Cow::Owned(data), Provenance::File);
    Ok(Item { path: path.to_string(), size, provenance: Provenance::File, body: Body::Text(chunk) })
}
