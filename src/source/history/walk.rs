//! The tree walk: each distinct blob of the selected commits, with every path it had and the
//! commit that first put it there.

use std::cmp::Ordering;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::Mutex;

use anyhow::{anyhow, Context, Result};
// Hashed often: a fast hasher, seeded per run so a crafted repository cannot pick collisions.
use foldhash::{HashMap, HashSet};
use gix::bstr::BString;
use gix::hashtable::hash_map::Entry as IdEntry;
use gix::ObjectId;

use super::Stats;

/// One distinct blob and where it appeared.
#[derive(Debug)]
pub struct Blob {
    pub id: ObjectId,
    /// Position of the introducing commit in the oldest-first order.
    pub seq: u32,
    /// Every path it had, each with the commit that first put it there: the engine judges
    /// a blob per path (`fakes/x.py` and `src/x.py` differ), and a copy is a leak of its own.
    pub(super) paths: Vec<(u32, u32)>,
}

/// Walks trees, recording each distinct blob with every path it had and the commit that first
/// put it there. Trees already walked under the same name are not walked again: everything
/// under them was recorded there.
struct Walker {
    repo: gix::Repository,
    /// The folders each tree was walked as: the same tree under a new name (a copied or
    /// moved folder) puts its blobs at new paths, so it is walked again.
    trees: gix::hashtable::HashMap<ObjectId, Vec<BString>>,
    /// The last tree walked at each folder, as stored: an entry the same there (name, mode
    /// and id) was recorded then, so a commit that changes one file of a folder costs one
    /// entry, not the folder's every entry looked up again.
    last: HashMap<BString, Folder>,
    rec: Recorded,
}

/// What a walk recorded: each blob with its paths, the paths by id, and the counts.
#[derive(Default)]
pub(super) struct Recorded {
    pub blobs: Vec<Blob>,
    /// Each path recorded, by id, as stored.
    pub paths: Vec<BString>,
    pub stats: Stats,
    blob_index: gix::hashtable::HashMap<ObjectId, u32>,
    /// (blob, path) pairs recorded, looked up for blobs with many paths (an empty file).
    blob_paths: HashSet<(u32, u32)>,
    path_ids: HashMap<BString, u32>,
}

impl Walker {
    fn new(repo: gix::Repository) -> Self {
        Walker { repo, trees: Default::default(), last: HashMap::default(), rec: Recorded::default() }
    }

    fn tree(&mut self, id: ObjectId, prefix: &mut BString, seq: u32) -> Result<()> {
        match self.trees.entry(id) {
            // Walked under this name before: every blob below is recorded at its path.
            IdEntry::Occupied(walked) if walked.get().contains(prefix) => return Ok(()),
            IdEntry::Occupied(mut walked) => walked.get_mut().push(prefix.clone()),
            IdEntry::Vacant(slot) => {
                slot.insert(vec![prefix.clone()]);
            }
        }
        let data = std::mem::take(&mut self.repo.find_tree(id).with_context(|| format!("cannot read tree {id} (at {prefix})"))?.data);
        let hash = self.repo.object_hash();
        let hash_len = hash.len_in_bytes();
        // Taken out while this folder's entries are walked (the walk below changes `last`), and
        // its key kept: most folders were walked before.
        let old = self.last.get_mut(prefix).map(std::mem::take).unwrap_or_default();
        // The entries at the start and at the end that are the same bytes as the last tree's
        // here were recorded then: they are only counted, never decoded.
        let head = old.ends.partition_point(|&e| e as usize <= common_prefix(&old.data, &data));
        let head_end = if head == 0 { 0 } else { old.ends[head - 1] as usize };
        let same_tail = common_suffix(&old.data[head_end..], &data[head_end..]);
        let (old_tail, new_tail) = (old.data.len() - same_tail, data.len() - same_tail);
        let mut folder = Folder { ends: old.ends[..head].to_vec(), ..Folder::default() };
        let mut middle = Counts::default();
        let mut before = gix::objs::TreeRefIter::from_bytes(&old.data[head_end..], hash).filter_map(Result::ok).peekable();
        let mut entries = gix::objs::TreeRefIter::from_bytes(&data[head_end..], hash);
        let mut at = head_end;
        // Old entries from `head` to `tail` are the ones this tree replaced.
        let mut tail = old.ends.len();
        // Past `new_tail` the bytes are the old tree's from `old_tail` on: once a new entry ends
        // where an old one starts (or the old tree ends), the rest are the old entries.
        while at < new_tail || (at - new_tail) + old_tail != old.data.len() && !is_start(&old.ends, at - new_tail + old_tail) {
            let Some(entry) = entries.next() else { break };
            let entry = entry.map_err(|e| anyhow!("cannot decode tree {id}: {e}"))?;
            at = entry.filename.as_ptr() as usize - data.as_ptr() as usize + entry.filename.len() + 1 + hash_len;
            folder.ends.push(at as u32);
            middle.add(entry.mode);
            // Both trees are in git's order: skip what sorts before this entry.
            while before.next_if(|b| tree_order(b, &entry) == Ordering::Less).is_some() {}
            if before.next_if(|b| b.filename == entry.filename && b.mode == entry.mode && b.oid == entry.oid).is_some() {
                // Recorded at this path before; counted as the full walk would count it.
                self.rec.count(entry.mode);
                continue;
            }
            let len = prefix.len();
            if !prefix.is_empty() {
                prefix.push(b'/');
            }
            prefix.extend_from_slice(entry.filename);
            if entry.mode.is_tree() {
                self.tree(entry.oid.to_owned(), prefix, seq)?;
            } else if entry.mode.is_blob() {
                self.rec.blob(entry.oid.to_owned(), prefix, seq);
            } else {
                self.rec.count(entry.mode);
            }
            prefix.truncate(len);
        }
        if at >= new_tail {
            let old_at = at - new_tail + old_tail;
            tail = old.ends.partition_point(|&e| (e as usize) <= old_at);
            folder.ends.extend(old.ends[tail..].iter().map(|&e| (e as usize - old_at + at) as u32));
        }
        // What the shared entries count: the last tree's counts less those of the entries replaced.
        let replaced = Counts::of(&old.data[head_end..if tail == 0 { 0 } else { old.ends[tail - 1] as usize }], hash);
        let shared = old.counts.less(replaced);
        self.rec.count_all(shared);
        folder.counts = shared.plus(middle);
        folder.data = data;
        match self.last.get_mut(prefix) {
            Some(slot) => *slot = folder,
            None => {
                self.last.insert(prefix.clone(), folder);
            }
        }
        Ok(())
    }
}

/// The last tree walked at a folder: its bytes, where each entry ends, and what it holds.
#[derive(Default)]
struct Folder {
    data: Vec<u8>,
    ends: Vec<u32>,
    counts: Counts,
}

/// A tree's entries by the kind `--stats` counts (trees count what they hold, below).
#[derive(Default, Clone, Copy)]
struct Counts {
    blobs: usize,
    links: usize,
    submodules: usize,
}

impl Counts {
    fn add(&mut self, mode: gix::objs::tree::EntryMode) {
        if mode.is_commit() {
            self.submodules += 1;
        } else if mode.is_link() {
            self.links += 1;
        } else if mode.is_blob() {
            self.blobs += 1;
        }
    }

    fn of(entries: &[u8], hash: gix::hash::Kind) -> Counts {
        let mut counts = Counts::default();
        for entry in gix::objs::TreeRefIter::from_bytes(entries, hash).filter_map(Result::ok) {
            counts.add(entry.mode);
        }
        counts
    }

    fn less(self, o: Counts) -> Counts {
        Counts { blobs: self.blobs - o.blobs, links: self.links - o.links, submodules: self.submodules - o.submodules }
    }

    fn plus(self, o: Counts) -> Counts {
        Counts { blobs: self.blobs + o.blobs, links: self.links + o.links, submodules: self.submodules + o.submodules }
    }
}

/// Bytes `a` and `b` share at the start.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let words = a[..n].chunks_exact(8).zip(b[..n].chunks_exact(8)).take_while(|(x, y)| word(x) == word(y)).count() * 8;
    words + a[words..n].iter().zip(&b[words..n]).take_while(|(x, y)| x == y).count()
}

/// Bytes `a` and `b` share at the end.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let words = a.rchunks_exact(8).zip(b.rchunks_exact(8)).take_while(|(x, y)| word(x) == word(y)).count() * 8;
    words + a[..n - words].iter().rev().zip(b[..n - words].iter().rev()).take_while(|(x, y)| x == y).count()
}

fn word(bytes: &[u8]) -> u64 {
    u64::from_ne_bytes(bytes.try_into().expect("chunks of eight"))
}

/// Whether an entry of the tree with these entry ends starts at `at`.
fn is_start(ends: &[u32], at: usize) -> bool {
    at == 0 || ends.binary_search(&(at as u32)).is_ok()
}

impl Recorded {
    /// Counts a tree entry in the stats (a tree's own entries are counted below it).
    fn count(&mut self, mode: gix::objs::tree::EntryMode) {
        let mut one = Counts::default();
        one.add(mode);
        self.count_all(one);
    }

    fn count_all(&mut self, counts: Counts) {
        self.stats.blobs_seen += counts.blobs;
        self.stats.symlinks += counts.links;
        self.stats.submodules += counts.submodules;
    }

    fn blob(&mut self, id: ObjectId, path: &BString, seq: u32) {
        self.stats.blobs_seen += 1;
        let Some(&i) = self.blob_index.get(&id) else {
            let p = self.intern(path);
            self.blob_index.insert(id, self.blobs.len() as u32);
            self.blob_paths.insert((self.blobs.len() as u32, p));
            self.blobs.push(Blob { id, seq, paths: vec![(p, seq)] });
            return;
        };
        // Mostly the same blob at the same path, in a folder that changed around it: a few
        // comparisons, no hashing.
        let known = &self.blobs[i as usize].paths;
        if known.len() <= 8 {
            if known.iter().any(|&(p, _)| self.paths[p as usize] == *path) {
                return;
            }
            let p = self.intern(path);
            self.blob_paths.insert((i, p));
            self.blobs[i as usize].paths.push((p, seq));
        } else {
            let p = self.intern(path);
            if self.blob_paths.insert((i, p)) {
                self.blobs[i as usize].paths.push((p, seq));
            }
        }
    }

    fn intern(&mut self, path: &BString) -> u32 {
        if let Some(&id) = self.path_ids.get(path) {
            return id;
        }
        let id = self.paths.len() as u32;
        self.paths.push(path.clone());
        self.path_ids.insert(path.clone(), id);
        id
    }

    /// Takes in what a walker of later commits recorded: a (blob, path) recorded here was
    /// recorded first, so it stays; the rest are added in `later`'s order, which is the order
    /// one walk over both would have met them in.
    fn absorb(&mut self, later: Recorded) {
        let ids: Vec<u32> = later.paths.iter().map(|p| self.intern(p)).collect();
        for blob in later.blobs {
            let i = match self.blob_index.entry(blob.id) {
                IdEntry::Occupied(i) => *i.get(),
                IdEntry::Vacant(slot) => {
                    slot.insert(self.blobs.len() as u32);
                    self.blobs.push(Blob { id: blob.id, seq: blob.seq, paths: Vec::new() });
                    self.blobs.len() as u32 - 1
                }
            };
            for (p, seq) in blob.paths {
                let p = ids[p as usize];
                if self.blob_paths.insert((i, p)) {
                    self.blobs[i as usize].paths.push((p, seq));
                }
            }
        }
        self.stats.blobs_seen += later.stats.blobs_seen;
        self.stats.submodules += later.stats.submodules;
        self.stats.symlinks += later.stats.symlinks;
    }
}

/// Commits from which a walk is cut in pieces, walked on every thread.
const SPLIT_FROM: usize = 512;

/// Commits per piece at least: each piece first walks the tree before it in full.
const PIECE: usize = 256;

/// Walks the boundary's trees (at position 0, for the caller to drop) and then each commit's
/// tree, `trees[i]` at position `i + 1`. A long history is cut in pieces, walked on every
/// thread and taken in order: each piece first walks the tree just before it (whose blobs the
/// piece before records anyway), so that it meets only what changed, as one walk would.
pub(super) fn walk(sync: &gix::ThreadSafeRepository, trees: &[ObjectId], boundary: &[ObjectId]) -> Result<Recorded> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let count = if threads > 1 && trees.len() >= SPLIT_FROM { (trees.len() / PIECE).clamp(2, 4 * threads) } else { 1 };
    let pieces: Vec<Range<usize>> = (0..count).map(|p| p * trees.len() / count..(p + 1) * trees.len() / count).collect();
    let piece = |range: &Range<usize>| -> Result<Recorded> {
        let mut walker = Walker::new(walk_repo(sync));
        let before: &[ObjectId] = if range.start == 0 { boundary } else { &trees[range.start - 1..range.start] };
        for &tree in before {
            walker.tree(tree, &mut BString::default(), range.start as u32)?;
        }
        walker.rec.stats = Stats::default();
        for i in range.clone() {
            walker.tree(trees[i], &mut BString::default(), i as u32 + 1)?;
        }
        Ok(walker.rec)
    };
    if count == 1 {
        return piece(&pieces[0]);
    }
    let next = AtomicUsize::new(0);
    let done: Vec<Mutex<Option<Result<Recorded>>>> = pieces.iter().map(|_| Mutex::new(None)).collect();
    let work = || loop {
        let p = next.fetch_add(1, AtomicOrdering::Relaxed);
        let Some(range) = pieces.get(p) else { break };
        let result = piece(range);
        let failed = result.is_err();
        *done[p].lock().expect("no walk thread panicked") = Some(result);
        if failed {
            next.store(pieces.len(), AtomicOrdering::Relaxed);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads.min(count) {
            scope.spawn(work);
        }
        work();
    });
    let mut all: Option<Recorded> = None;
    for slot in done {
        let recorded = slot.into_inner().expect("no walk thread panicked").context("a piece of the walk was left")??;
        match all.as_mut() {
            None => all = Some(recorded),
            Some(all) => all.absorb(recorded),
        }
    }
    Ok(all.expect("at least one piece"))
}

/// A repository handle for walking trees, its caches sized for it.
pub(super) fn walk_repo(sync: &gix::ThreadSafeRepository) -> gix::Repository {
    let mut repo = sync.to_thread_local();
    // Trees are mostly deltas of the same folder's previous tree: a delta-base cache looked
    // up by hash, larger than gix's default 64-entry list, halves the walk (one thread).
    repo.objects.set_pack_cache(|| Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(16 * 1024 * 1024)));
    repo
}

/// git's tree order: names compared as bytes, a folder's as if it ended in `/`.
fn tree_order(a: &gix::objs::tree::EntryRef<'_>, b: &gix::objs::tree::EntryRef<'_>) -> Ordering {
    let n = a.filename.len().min(b.filename.len());
    a.filename[..n].cmp(&b.filename[..n]).then_with(|| {
        let end = |e: &gix::objs::tree::EntryRef<'_>| e.filename.get(n).copied().unwrap_or(if e.mode.is_tree() { b'/' } else { 0 });
        end(a).cmp(&end(b))
    })
}
