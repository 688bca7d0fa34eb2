//! What a `git push` sends: the pre-push hook's stdin lines become commit ranges, and each
//! pushed commit becomes chunks of the files it changes, scoped to the lines it adds against
//! its first parent (as `staged` judges a commit before it exists). Commits the remote
//! already has (reachable from a remote-tracking ref, or from what the remote ref pointed at)
//! are left out. A file moved unchanged adds nothing.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use gix::bstr::{BString, ByteSlice};
use gix::objs::tree::EntryMode;
use gix::ObjectId;

use super::history::{commit_info, ref_tips};
use super::Skip;
use crate::chunk::{is_binary, Chunk, Provenance};

/// One line of the pre-push protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub local_ref: String,
    /// `None` when the ref is being deleted.
    pub local: Option<String>,
    pub remote_ref: String,
    /// `None` when the remote does not have the ref yet.
    pub remote: Option<String>,
}

/// Parses `<local ref> <local sha> <remote ref> <remote sha>` lines; blank lines are ignored.
pub fn parse(input: &str) -> Result<Vec<Update>> {
    let zero = |sha: &str| if sha.bytes().all(|b| b == b'0') { None } else { Some(sha.to_string()) };
    let mut updates = Vec::new();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [local_ref, local, remote_ref, remote] = fields[..] else {
            bail!("not a pre-push line (expected `<local ref> <local sha> <remote ref> <remote sha>`): {line}");
        };
        updates.push(Update { local_ref: local_ref.into(), local: zero(local), remote_ref: remote_ref.into(), remote: zero(remote) });
    }
    Ok(updates)
}

/// What a push was found to send.
#[derive(Debug, Default)]
pub struct Pushed {
    pub commits: usize,
    pub files: usize,
    pub skipped: Vec<Skip>,
}

/// Hands `visit` one chunk per file each pushed commit adds or changes.
pub fn read(updates: &[Update], max_size: u64, visit: &mut dyn FnMut(Chunk<'static>)) -> Result<Pushed> {
    let mut repo = open()?;
    repo.object_cache_size(16 * 1024 * 1024);
    let mut tips = Vec::new();
    let mut hidden = ref_tips(&repo, Some("refs/remotes/"))?;
    for update in updates {
        if let Some(local) = &update.local {
            tips.push(super::history::resolve(&repo, local).with_context(|| format!("cannot push {}", update.local_ref))?);
        }
        // A force push replaces commits the remote has; those we know stay out of the scan.
        if let Some(remote) = &update.remote {
            if let Ok(id) = super::history::resolve(&repo, remote) {
                hidden.push(id);
            }
        }
    }
    let mut pushed = Pushed::default();
    if tips.is_empty() {
        return Ok(pushed);
    }
    let walk = repo.rev_walk(tips).with_hidden(hidden).all().context("cannot walk the pushed commits")?;
    let mut commits = Vec::new();
    for info in walk {
        let info = info.context("cannot walk the pushed commits")?;
        commits.push((info.id, info.parent_ids.first().copied()));
    }
    commits.reverse();
    for (seq, (id, parent)) in commits.into_iter().enumerate() {
        let info = Arc::new(commit_info(&repo, id, seq as u32)?);
        let tree = repo.find_commit(id)?.tree_id().with_context(|| format!("commit {id} has no tree"))?.detach();
        // A shallow clone may lack the parent: everything in the commit counts then.
        let parent_tree = parent.and_then(|p| repo.find_commit(p).ok()).and_then(|c| c.tree_id().ok()).map(|t| t.detach());
        let mut diff = Diff::default();
        diff.trees(&repo, parent_tree, Some(tree), &mut BString::default())?;
        pushed.commits += 1;
        for change in diff.changes {
            if change.old.is_none() && diff.removed.contains(&change.new) {
                continue; // moved unchanged
            }
            let header = repo.find_header(change.new).with_context(|| format!("cannot read {} in {id}", change.path))?;
            if header.size() > max_size {
                pushed.skipped.push(Skip::TooLarge);
                continue;
            }
            let new = repo.find_object(change.new)?.detach().data;
            if is_binary(&new) {
                pushed.skipped.push(Skip::Binary);
                continue;
            }
            let utf16 = new.starts_with(&[0xFF, 0xFE]) || new.starts_with(&[0xFE, 0xFF]);
            let scope = match change.old {
                Some(old) if !utf16 => {
                    let old = repo.find_object(old)?.detach().data;
                    (!is_binary(&old)).then(|| added_lines(&old, &new))
                }
                _ => None,
            };
            let path = change.path.to_str_lossy().into_owned();
            let chunk = Chunk::new(path, Cow::Owned(new), Provenance::Commit(info.clone()));
            pushed.files += 1;
            visit(match scope {
                Some(scope) => chunk.with_scope(scope),
                None => chunk,
            });
        }
    }
    Ok(pushed)
}

/// 1-based ranges of the lines `new` adds to `old`.
fn added_lines(old: &[u8], new: &[u8]) -> Vec<Range<u32>> {
    let input = imara_diff::InternedInput::new(old, new);
    let mut diff = imara_diff::Diff::compute(imara_diff::Algorithm::Histogram, &input);
    diff.postprocess_lines(&input);
    diff.hunks().filter(|h| !h.after.is_empty()).map(|h| h.after.start + 1..h.after.end + 1).collect()
}

/// A file a commit adds or changes.
struct Change {
    path: BString,
    new: ObjectId,
    /// The blob at the same path in the parent, when there was one.
    old: Option<ObjectId>,
}

#[derive(Default)]
struct Diff {
    changes: Vec<Change>,
    /// Blobs gone from a path, to tell a move from an addition.
    removed: HashSet<ObjectId>,
}

impl Diff {
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
                        self.gone(repo, m, old_id)?;
                    }
                    self.trees(repo, old_tree, Some(id), prefix)?;
                }
                _ if mode.is_blob() => {
                    let old = match previous {
                        Some((m, old_id)) if m.is_blob() => Some(old_id),
                        Some((m, old_id)) => {
                            self.gone(repo, m, old_id)?;
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
        for (_, (mode, id)) in before {
            self.gone(repo, mode, id)?;
        }
        Ok(())
    }

    /// Records every blob under an entry that left its path.
    fn gone(&mut self, repo: &gix::Repository, mode: EntryMode, id: ObjectId) -> Result<()> {
        if mode.is_blob() {
            self.removed.insert(id);
        } else if mode.is_tree() {
            for (_, (m, child)) in entries(repo, Some(id))? {
                self.gone(repo, m, child)?;
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
        let entry = entry.map_err(|e| anyhow::anyhow!("cannot decode tree {id}: {e}"))?;
        out.insert(entry.filename.to_owned(), (entry.mode, entry.oid.to_owned()));
    }
    Ok(out)
}

/// The repository git runs the hook in (`GIT_DIR` when git sets it).
fn open() -> Result<gix::Repository> {
    let sync = gix::ThreadSafeRepository::discover_with_environment_overrides(".").context("not inside a git repository")?;
    Ok(sync.to_thread_local())
}
