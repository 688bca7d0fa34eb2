//! Git history through gix. Enumerates the selected commits oldest first (parents before
//! children) and every distinct blob their trees hold, remembering the commit and path(s) that
//! first introduced each one; then reads the blobs in parallel, each once, and hands them to the
//! caller as chunks. Knows nothing of rules or the engine.
//!
//! Trees already walked in an earlier commit are not walked again: everything under them was
//! introduced there. Blob contents are never held beyond the one being scanned by each thread.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use anyhow::{anyhow, bail, Context, Result};
use gix::bstr::{BString, ByteSlice};
use gix::ObjectId;
use rayon::prelude::*;

use super::commits::{commit_info, resolve};
use super::Skip;
use crate::chunk::{is_binary, Chunk, CommitInfo, Provenance};

/// The path a commit message's findings are reported at: no file has it (`<` and `>` are not
/// in git's paths as people write them, and the line is the line within the message).
pub const MESSAGE_PATH: &str = "<commit message>";

/// Delta-base cache per scanning thread, in bytes.
const PACK_CACHE: usize = 32 * 1024 * 1024;

/// Which commits to scan; empty means every commit reachable from any ref.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// `A..B`, `^A`, or `REV`, as `git rev-list` takes them.
    pub ranges: Vec<String>,
    /// Leave out this commit and its ancestors.
    pub since: Option<String>,
    /// Only these branches (and what they reach).
    pub branches: Vec<String>,
}

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

/// One distinct blob and where it appeared.
#[derive(Debug)]
pub struct Blob {
    pub id: ObjectId,
    /// Position of the introducing commit in the oldest-first order.
    pub seq: u32,
    /// Every path it had, each with the commit that first put it there: the engine judges
    /// a blob per path (`fakes/x.py` and `src/x.py` differ), and a copy is a leak of its own.
    paths: Vec<(u32, u32)>,
}

/// Counters for `--stats`.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub commits: usize,
    /// Blob entries met while walking trees (a blob in many commits counts each time it is met).
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

pub struct History {
    repo: gix::ThreadSafeRepository,
    /// Commit ids in oldest-first order: `commits[seq]`.
    commits: Vec<ObjectId>,
    paths: Vec<String>,
    pub blobs: Vec<Blob>,
    pub stats: Stats,
}

impl History {
    /// Opens the repository around the current directory (or `GIT_DIR`) and enumerates the
    /// selected commits and their blobs.
    pub fn load(selection: &Selection, shard: Option<Shard>) -> Result<History> {
        let sync = gix::ThreadSafeRepository::discover_with_environment_overrides(".").context("not inside a git repository")?;
        let mut repo = sync.to_thread_local();
        repo.object_cache_size(32 * 1024 * 1024);
        let (order, boundary) = commits_oldest_first(&repo, selection)?;
        let mut walker = Walker::new(&repo);
        // What the commits just outside the range hold is not theirs to introduce: walk it
        // first, at position 0, and drop it after.
        for tree in boundary {
            walker.tree(tree, &mut BString::default(), 0)?;
        }
        walker.stats = Stats::default();
        for (seq, (_, tree)) in order.iter().enumerate() {
            walker.tree(*tree, &mut BString::default(), seq as u32 + 1)?;
        }
        let Walker { mut blobs, paths, mut stats, .. } = walker;
        for blob in &mut blobs {
            blob.paths.retain(|&(_, seq)| seq > 0);
            for (_, seq) in &mut blob.paths {
                *seq -= 1;
            }
            blob.seq = blob.paths.iter().map(|&(_, seq)| seq).min().unwrap_or(u32::MAX);
        }
        blobs.retain(|b| !b.paths.is_empty());
        stats.commits = order.len();
        stats.distinct_blobs = blobs.len();
        if let Some(shard) = shard {
            blobs.retain(|b| shard.holds(&b.id));
            stats.other_shards = stats.distinct_blobs - blobs.len();
        }
        let commits = order.into_iter().map(|(id, _)| id).collect();
        Ok(History { repo: sync, commits, paths, blobs, stats })
    }

    /// The paths blob `index` had, each with the commit (`seq`) that first put it there.
    pub fn paths(&self, index: usize) -> impl Iterator<Item = (&str, u32)> {
        self.blobs[index].paths.iter().map(|&(p, seq)| (self.paths[p as usize].as_str(), seq))
    }

    /// Whether the commit at `seq` holds blob `index` at `path`: after a copy the old path
    /// still does, after a move it does not.
    pub fn holds(&self, seq: u32, path: &str, index: usize) -> bool {
        let repo = self.repo.to_thread_local();
        let tree = repo.find_commit(self.commits[seq as usize]).ok().and_then(|c| c.tree().ok());
        let entry = tree.and_then(|t| t.lookup_entry(path.split('/')).ok().flatten());
        entry.is_some_and(|e| e.object_id() == self.blobs[index].id)
    }

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

    /// Id, author, date and summary of the commit at `seq`.
    pub fn commit_info(&self, seq: u32) -> Result<CommitInfo> {
        commit_info(&self.repo.to_thread_local(), self.commits[seq as usize], seq)
    }
}

/// The selected commits with their trees, parents before children, older first among those
/// ready at the same time (ties broken by id, so the order is the same on every run).
/// (commit, tree) pairs in walk order, and the trees of the boundary.
type Walk = (Vec<(ObjectId, ObjectId)>, Vec<ObjectId>);

/// Also the trees of the boundary: parents of selected commits that are left out.
fn commits_oldest_first(repo: &gix::Repository, selection: &Selection) -> Result<Walk> {
    let (tips, hidden) = tips_and_hidden(repo, selection)?;
    let walk = repo.rev_walk(tips).with_hidden(hidden).all().context("cannot walk the commit graph")?;
    let mut ids = Vec::new();
    let mut parents = Vec::new();
    for info in walk {
        let info = info.context("cannot walk the commit graph")?;
        ids.push(info.id);
        parents.push(info.parent_ids.to_vec());
    }
    let index: HashMap<ObjectId, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut children = vec![Vec::new(); ids.len()];
    let mut waiting = vec![0usize; ids.len()];
    let mut boundary = Vec::new();
    for (i, ps) in parents.iter().enumerate() {
        for p in ps {
            if let Some(&j) = index.get(p) {
                children[j].push(i);
                waiting[i] += 1;
            } else if let Some(tree) = repo.find_commit(*p).ok().and_then(|c| c.tree_id().ok()) {
                // Missing parents (a shallow clone's edge) have nothing to leave out.
                boundary.push(tree.detach());
            }
        }
    }
    boundary.sort();
    boundary.dedup();
    let mut trees = Vec::with_capacity(ids.len());
    let mut times = Vec::with_capacity(ids.len());
    for id in &ids {
        let commit = repo.find_commit(*id).with_context(|| format!("cannot read commit {id}"))?;
        trees.push(commit.tree_id().with_context(|| format!("commit {id} has no tree"))?.detach());
        times.push(commit.time().map(|t| t.seconds).unwrap_or(0));
    }
    let mut ready: BinaryHeap<Reverse<(i64, ObjectId, usize)>> =
        (0..ids.len()).filter(|&i| waiting[i] == 0).map(|i| Reverse((times[i], ids[i], i))).collect();
    let mut order = Vec::with_capacity(ids.len());
    while let Some(Reverse((_, id, i))) = ready.pop() {
        order.push((id, trees[i]));
        for &c in &children[i] {
            waiting[c] -= 1;
            if waiting[c] == 0 {
                ready.push(Reverse((times[c], ids[c], c)));
            }
        }
    }
    Ok((order, boundary))
}

/// Commits to start from and commits whose ancestry is left out.
fn tips_and_hidden(repo: &gix::Repository, selection: &Selection) -> Result<(Vec<ObjectId>, Vec<ObjectId>)> {
    let mut tips = Vec::new();
    let mut hidden = Vec::new();
    for spec in &selection.ranges {
        if spec.contains("...") {
            bail!("{spec}: symmetric ranges (A...B) are not supported; use A..B");
        }
        if let Some((from, to)) = spec.split_once("..") {
            hidden.push(resolve(repo, if from.is_empty() { "HEAD" } else { from })?);
            tips.push(resolve(repo, if to.is_empty() { "HEAD" } else { to })?);
        } else if let Some(rev) = spec.strip_prefix('^') {
            hidden.push(resolve(repo, rev)?);
        } else {
            tips.push(resolve(repo, spec)?);
        }
    }
    for branch in &selection.branches {
        let full = if branch.starts_with("refs/") { branch.clone() } else { format!("refs/heads/{branch}") };
        tips.push(resolve(repo, &full).with_context(|| format!("no branch named {branch}"))?);
    }
    if let Some(since) = &selection.since {
        hidden.push(resolve(repo, since)?);
    }
    if tips.is_empty() {
        tips = all_ref_tips(repo)?;
    }
    Ok((tips, hidden))
}

/// Every ref (and HEAD), peeled to a commit; refs to trees or blobs are left out.
pub(super) fn all_ref_tips(repo: &gix::Repository) -> Result<Vec<ObjectId>> {
    ref_tips(repo, None)
}

/// The commits refs point at, all refs or those under `prefix`.
pub(super) fn ref_tips(repo: &gix::Repository, prefix: Option<&str>) -> Result<Vec<ObjectId>> {
    let platform = repo.references().context("cannot read the refs")?;
    let refs = match prefix {
        Some(prefix) => platform.prefixed(prefix),
        None => platform.all(),
    }
    .context("cannot read the refs")?;
    let mut tips = Vec::new();
    for reference in refs {
        let mut reference = reference.map_err(|e| anyhow!("cannot read a ref: {e}"))?;
        let Ok(id) = reference.peel_to_id() else { continue };
        if let Ok(commit) = id.object().and_then(|o| o.peel_to_commit()) {
            tips.push(commit.id);
        }
    }
    if prefix.is_none() {
        if let Ok(head) = repo.head_id() {
            tips.push(head.detach());
        }
    }
    tips.sort();
    tips.dedup();
    Ok(tips)
}

/// Walks trees, recording each distinct blob with every path it had and the commit that first
/// put it there.
struct Walker<'r> {
    repo: &'r gix::Repository,
    /// The folders each tree was walked as: the same tree under a new name (a copied or
    /// moved folder) puts its blobs at new paths, so it is walked again.
    trees: HashMap<ObjectId, Vec<BString>>,
    blob_index: HashMap<ObjectId, u32>,
    /// (blob, path) pairs recorded, looked up for blobs with many paths (an empty file).
    blob_paths: HashSet<(u32, u32)>,
    blobs: Vec<Blob>,
    path_ids: HashMap<BString, u32>,
    paths: Vec<String>,
    stats: Stats,
}

impl<'r> Walker<'r> {
    fn new(repo: &'r gix::Repository) -> Self {
        Walker {
            repo,
            trees: HashMap::new(),
            blob_index: HashMap::new(),
            blob_paths: HashSet::new(),
            blobs: Vec::new(),
            path_ids: HashMap::new(),
            paths: Vec::new(),
            stats: Stats::default(),
        }
    }

    fn tree(&mut self, id: ObjectId, prefix: &mut BString, seq: u32) -> Result<()> {
        match self.trees.entry(id) {
            // Walked under this name before: every blob below is recorded at its path.
            Entry::Occupied(walked) if walked.get().contains(prefix) => return Ok(()),
            Entry::Occupied(mut walked) => walked.get_mut().push(prefix.clone()),
            Entry::Vacant(slot) => {
                slot.insert(vec![prefix.clone()]);
            }
        }
        let tree = self.repo.find_tree(id).with_context(|| format!("cannot read tree {id} (at {prefix})"))?;
        for entry in gix::objs::TreeRefIter::from_bytes(&tree.data, self.repo.object_hash()) {
            let entry = entry.map_err(|e| anyhow!("cannot decode tree {id}: {e}"))?;
            let len = prefix.len();
            if !prefix.is_empty() {
                prefix.push(b'/');
            }
            prefix.extend_from_slice(entry.filename);
            if entry.mode.is_tree() {
                self.tree(entry.oid.to_owned(), prefix, seq)?;
            } else if entry.mode.is_commit() {
                self.stats.submodules += 1;
            } else if entry.mode.is_link() {
                self.stats.symlinks += 1;
            } else if entry.mode.is_blob() {
                self.blob(entry.oid.to_owned(), prefix, seq);
            }
            prefix.truncate(len);
        }
        Ok(())
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
            if known.iter().any(|&(p, _)| self.paths[p as usize].as_bytes() == path.as_slice()) {
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
        self.paths.push(path.to_str_lossy().into_owned());
        self.path_ids.insert(path.clone(), id);
        id
    }
}
