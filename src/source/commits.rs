//! Commit lookups through gix that `history` and `push` both need: revisions, commit details,
//! and what a commit changes against its first parent, with moves found as git finds renames.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use anyhow::{anyhow, Context, Result};
use gix::bstr::{BString, ByteSlice};
use gix::objs::tree::EntryMode;
use gix::ObjectId;

use super::added;
use crate::chunk::{decoded, is_binary, CommitInfo};

/// The path a commit message's findings are reported at: no file has it (`<` and `>` are not
/// in git's paths as people write them, and the line is the line within the message).
pub const MESSAGE_PATH: &str = "<commit message>";

/// A revision, peeled to the commit it names.
pub fn resolve(repo: &gix::Repository, spec: &str) -> Result<ObjectId> {
    let id = repo.rev_parse_single(spec).map_err(|e| anyhow!("{spec}: not a known revision ({e})"))?;
    let commit = id.object().and_then(|o| o.peel_to_commit()).map_err(|e| anyhow!("{spec}: does not name a commit ({e})"))?;
    Ok(commit.id)
}

/// Id, author, date and summary of commit `id`.
pub fn commit_info(repo: &gix::Repository, id: ObjectId, seq: u32) -> Result<CommitInfo> {
    let commit = repo.find_commit(id).with_context(|| format!("cannot read commit {id}"))?;
    let author = commit.author().with_context(|| format!("commit {id} has no readable author"))?;
    let date = author.time().map(|t| t.format_or_unix(gix::date::time::format::ISO8601_STRICT)).unwrap_or_default();
    let summary = commit.message().map(|m| m.summary().to_str_lossy().into_owned()).unwrap_or_default();
    let message = commit.message_raw_sloppy().to_str_lossy().into_owned();
    Ok(CommitInfo {
        id: id.to_string(),
        author: author.name.to_str_lossy().into_owned(),
        email: author.email.to_str_lossy().into_owned(),
        date,
        summary,
        message,
        seq,
    })
}

/// The tree of commit `id`'s first parent; `None` for a root commit, or when the parent is
/// missing (a shallow clone's edge): everything in the commit is new then.
pub fn first_parent_tree(repo: &gix::Repository, id: ObjectId) -> Result<Option<ObjectId>> {
    let commit = repo.find_commit(id).with_context(|| format!("cannot read commit {id}"))?;
    let Some(parent) = commit.parent_ids().next() else { return Ok(None) };
    Ok(repo.find_commit(parent.detach()).ok().and_then(|c| c.tree_id().ok()).map(|t| t.detach()))
}

/// Blobs read as the engine reads them (`None` when binary or over `max_size`), kept for the
/// other comparisons of the same commit.
pub struct Texts<'r> {
    repo: &'r gix::Repository,
    max_size: u64,
    cache: HashMap<ObjectId, Option<Rc<[u8]>>>,
}

impl<'r> Texts<'r> {
    pub fn new(repo: &'r gix::Repository, max_size: u64) -> Self {
        Texts { repo, max_size, cache: HashMap::new() }
    }

    /// Forgets what was read: a commit's texts are rarely another's.
    pub fn clear(&mut self) {
        self.cache.clear();
    }

    /// Blob `id` as text, remembered.
    pub fn get(&mut self, id: ObjectId) -> Result<Option<Rc<[u8]>>> {
        if let Some(text) = self.cache.get(&id) {
            return Ok(text.clone());
        }
        let text = self.read(id)?;
        self.cache.insert(id, text.clone());
        Ok(text)
    }

    /// Blob `id` as text, remembered only if it already was.
    pub fn peek(&self, id: ObjectId) -> Result<Option<Rc<[u8]>>> {
        match self.cache.get(&id) {
            Some(text) => Ok(text.clone()),
            None => self.read(id),
        }
    }

    fn read(&self, id: ObjectId) -> Result<Option<Rc<[u8]>>> {
        let size = self.repo.find_header(id).with_context(|| format!("cannot read blob {id}"))?.size();
        if size > self.max_size {
            return Ok(None);
        }
        let data = self.repo.find_object(id)?.detach().data;
        Ok((!is_binary(&data)).then(|| Rc::from(decoded(&data))))
    }
}

/// A file a commit adds or changes.
#[derive(Debug, Clone)]
pub struct Change {
    pub path: BString,
    pub new: ObjectId,
    /// What the file was in the parent: the blob at the same path, or, once [`Diff::find_move`]
    /// found one, the blob it moved from and that blob's path.
    pub old: Option<(ObjectId, BString)>,
}

/// What a commit changes against its first parent.
#[derive(Default)]
pub struct Diff {
    pub changes: Vec<Change>,
    /// Blobs gone from a path, with every such path, to tell a move from an addition.
    removed: BTreeMap<ObjectId, Vec<BString>>,
    /// How many changes arrived at a path the parent did not have, other than exact moves.
    arrived: usize,
    /// For each change that arrived with a removed blob, how many arrived with that blob
    /// before it, in path order.
    same_blob_before: Vec<Option<usize>>,
}

/// Inexact move detection compares each added file with each removed one; past this many
/// pairs, added files count whole (as git gives up past `diff.renameLimit`).
const MOVE_PAIRS: usize = 10_000;

impl Diff {
    /// The files tree `new` adds or changes against tree `old` (`None`: an empty tree).
    /// Symlinks and submodules are left out; moves are not looked for yet.
    pub fn between(repo: &gix::Repository, old: Option<ObjectId>, new: ObjectId) -> Result<Diff> {
        let mut diff = Diff::default();
        diff.trees(repo, old, Some(new), &mut BString::default())?;
        let mut seen: HashMap<ObjectId, usize> = HashMap::new();
        diff.same_blob_before = diff
            .changes
            .iter()
            .map(|c| {
                (c.old.is_none() && diff.removed.contains_key(&c.new)).then(|| {
                    let n = seen.entry(c.new).or_default();
                    *n += 1;
                    *n - 1
                })
            })
            .collect();
        diff.arrived = diff.changes.iter().filter(|c| c.old.is_none() && !diff.removed.contains_key(&c.new)).count();
        Ok(diff)
    }

    /// Gives every file that arrived at a new path the file it moved from, if any.
    pub fn find_moves(&mut self, texts: &mut Texts<'_>) -> Result<()> {
        for i in 0..self.changes.len() {
            self.find_move(i, texts)?;
        }
        Ok(())
    }

    /// Gives change `i`, when it arrived at a new path, the file it moved from: a removed one
    /// with the same blob, or one it shares at least half its lines with (git's `-M`). Each
    /// arrival is judged on its own, so asking for one gives what asking for all gives.
    pub fn find_move(&mut self, i: usize, texts: &mut Texts<'_>) -> Result<()> {
        let change = &self.changes[i];
        if change.old.is_some() {
            return Ok(());
        }
        if let Some(paths) = self.removed.get(&change.new) {
            // As git pairs them: each removed file goes to one path that arrived with its blob,
            // the first in path order; the paths past those are copies, and carry nothing over.
            let before = self.same_blob_before[i].expect("counted for every change that arrived with a removed blob");
            if let Some(path) = paths.get(before) {
                self.changes[i].old = Some((change.new, path.clone()));
            }
            return Ok(());
        }
        if self.removed.is_empty() || self.arrived * self.removed.len() > MOVE_PAIRS {
            return Ok(());
        }
        let Some(new) = texts.get(change.new)? else { return Ok(()) };
        let mut best = (49, None);
        for (&source, paths) in &self.removed {
            let path = &paths[0];
            let Some(old) = texts.get(source)? else { continue };
            // Lines shared can be no more than the shorter text holds.
            if old.len().min(new.len()) * 2 < old.len().max(new.len()) {
                continue;
            }
            let score = added::similarity(&old, &new);
            if score > best.0 {
                best = (score, Some((source, path)));
            }
        }
        self.changes[i].old = best.1.map(|(id, path)| (id, path.clone()));
        Ok(())
    }

    fn trees(&mut self, repo: &gix::Repository, old: Option<ObjectId>, new: Option<ObjectId>, prefix: &mut BString) -> Result<()> {
        let mut before = entries(repo, old)?;
        for (name, (mode, id)) in entries(repo, new)? {
            let len = prefix.len();
            if !prefix.is_empty() {
                prefix.push(b'/');
            }
            prefix.extend_from_slice(&name);
            let previous = before.remove(&name);
            match previous {
                Some((old_mode, old_id)) if old_id == id && old_mode == mode => {}
                _ if mode.is_tree() => {
                    let old_tree = previous.filter(|(m, _)| m.is_tree()).map(|(_, id)| id);
                    if let Some((m, old_id)) = previous.filter(|(m, _)| !m.is_tree()) {
                        self.gone(repo, m, old_id, prefix)?;
                    }
                    self.trees(repo, old_tree, Some(id), prefix)?;
                }
                _ if mode.is_blob() => {
                    let old = match previous {
                        Some((m, old_id)) if m.is_blob() => Some((old_id, prefix.clone())),
                        Some((m, old_id)) => {
                            self.gone(repo, m, old_id, prefix)?;
                            None
                        }
                        None => None,
                    };
                    self.changes.push(Change { path: prefix.clone(), new: id, old });
                }
                // Symlinks and submodules are not scanned.
                _ => {}
            }
            prefix.truncate(len);
        }
        for (name, (mode, id)) in before {
            let len = prefix.len();
            if !prefix.is_empty() {
                prefix.push(b'/');
            }
            prefix.extend_from_slice(&name);
            self.gone(repo, mode, id, prefix)?;
            prefix.truncate(len);
        }
        Ok(())
    }

    /// Records every blob under an entry that left its path (`path`).
    fn gone(&mut self, repo: &gix::Repository, mode: EntryMode, id: ObjectId, path: &mut BString) -> Result<()> {
        if mode.is_blob() {
            self.removed.entry(id).or_default().push(path.clone());
        } else if mode.is_tree() {
            for (name, (m, child)) in entries(repo, Some(id))? {
                let len = path.len();
                path.push(b'/');
                path.extend_from_slice(&name);
                self.gone(repo, m, child, path)?;
                path.truncate(len);
            }
        }
        Ok(())
    }
}

fn entries(repo: &gix::Repository, tree: Option<ObjectId>) -> Result<BTreeMap<BString, (EntryMode, ObjectId)>> {
    let mut out = BTreeMap::new();
    let Some(id) = tree else { return Ok(out) };
    let tree = repo.find_tree(id).with_context(|| format!("cannot read tree {id}"))?;
    for entry in gix::objs::TreeRefIter::from_bytes(&tree.data, repo.object_hash()) {
        let entry = entry.map_err(|e| anyhow!("cannot decode tree {id}: {e}"))?;
        out.insert(entry.filename.to_owned(), (entry.mode, entry.oid.to_owned()));
    }
    Ok(out)
}
