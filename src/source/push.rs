//! What a `git push` sends: the pre-push hook's stdin lines become commit ranges, and each
//! pushed commit becomes items for the files it adds or changes, scoped to the lines it adds
//! against its first parent (with `added`, as `staged` judges a commit before it exists).
//! Commits the remote being pushed to already has are left out: those reachable from its own
//! tracking refs (`refs/remotes/<remote>/*`) or from what its refs pointed at. A commit on some
//! other remote is not on this one. A file moved unchanged adds nothing; a file moved and
//! edited adds only its edited lines.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use gix::bstr::ByteSlice;
use gix::ObjectId;

use super::commits::{commit_info, resolve, Change, Diff, Texts};
use super::{added, Body, Item, Skip};
use crate::chunk::{is_binary, Chunk, CommitInfo, Provenance};

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
    /// Every pushed commit, oldest first (parents before children).
    pub commits: Vec<Arc<CommitInfo>>,
}

/// Hands `visit` one item per file each pushed commit adds or changes. `remote` is the name
/// git gives the hook (a URL when the push names one): its tracking refs say what it has.
pub fn read(updates: &[Update], remote: Option<&str>, max_size: u64, visit: &mut dyn FnMut(Item)) -> Result<Pushed> {
    let mut repo = open()?;
    repo.object_cache_size(16 * 1024 * 1024);
    let mut tips = Vec::new();
    let mut hidden = match remote {
        Some(name) => tracking_tips(&repo, name)?,
        None => Vec::new(),
    };
    for update in updates {
        if let Some(local) = &update.local {
            tips.push(resolve(&repo, local).with_context(|| format!("cannot push {}", update.local_ref))?);
        }
        // What the remote's refs point at, it has (a force push replaces those commits). A sha
        // we never fetched hides nothing.
        if let Some(remote) = &update.remote {
            if let Ok(id) = resolve(&repo, remote) {
                hidden.push(id);
            }
        }
    }
    let mut pushed = Pushed::default();
    if tips.is_empty() {
        return Ok(pushed);
    }
    let walk = repo.rev_walk(tips).with_hidden(hidden).all().context("cannot walk the pushed commits")?;
    let mut parents = HashMap::new();
    for info in walk {
        let info = info.context("cannot walk the pushed commits")?;
        parents.insert(info.id, info.parent_ids.to_vec());
    }
    let mut reader = Reader { repo: &repo, max_size, texts: Texts::new(&repo, max_size) };
    for (seq, id) in oldest_first(&parents).into_iter().enumerate() {
        let info = Arc::new(commit_info(&repo, id, seq as u32)?);
        pushed.commits.push(info.clone());
        let commit = repo.find_commit(id)?;
        let tree = commit.tree_id().with_context(|| format!("commit {id} has no tree"))?.detach();
        // A shallow clone may lack the parent: everything in the commit counts then.
        let parent = parents[&id].first().copied();
        let parent_tree = parent.and_then(|p| repo.find_commit(p).ok()).and_then(|c| c.tree_id().ok()).map(|t| t.detach());
        reader.texts.clear();
        let mut diff = Diff::between(&repo, parent_tree, tree)?;
        diff.find_moves(&mut reader.texts)?;
        for change in diff.changes {
            if change.old.as_ref().is_some_and(|(old, _)| *old == change.new) {
                continue; // moved unchanged, or only its mode changed
            }
            visit(reader.item(&change, &info)?);
        }
    }
    Ok(pushed)
}

/// The commits in `parents` ordered so each comes after its parents (those in the set).
fn oldest_first(parents: &HashMap<ObjectId, Vec<ObjectId>>) -> Vec<ObjectId> {
    let mut ids: Vec<ObjectId> = parents.keys().copied().collect();
    ids.sort(); // the same order on every run
    let mut order = Vec::with_capacity(ids.len());
    let mut done = HashSet::with_capacity(ids.len());
    for root in ids {
        // Depth-first, emitting a commit once all its parents are out.
        let mut stack = vec![(root, false)];
        while let Some((id, expanded)) = stack.pop() {
            if done.contains(&id) {
                continue;
            }
            if expanded {
                done.insert(id);
                order.push(id);
                continue;
            }
            stack.push((id, true));
            for parent in parents[&id].iter().rev().filter(|p| parents.contains_key(*p) && !done.contains(*p)) {
                stack.push((*parent, false));
            }
        }
    }
    order
}

/// The commits the tracking refs of remote `name` point at. `refs/remotes/a/` also holds the
/// refs of a remote named `a/b`: those are left out. A name that is no configured remote (a
/// URL) has no tracking refs.
fn tracking_tips(repo: &gix::Repository, name: &str) -> Result<Vec<ObjectId>> {
    let remotes = repo.remote_names();
    if !remotes.iter().any(|r| r.to_str_lossy() == name) {
        return Ok(Vec::new());
    }
    let prefix = format!("refs/remotes/{name}/");
    let nested: Vec<String> = remotes
        .iter()
        .map(|r| format!("refs/remotes/{}/", r.to_str_lossy()))
        .filter(|other| other.len() > prefix.len() && other.starts_with(&prefix))
        .collect();
    let platform = repo.references().context("cannot read the refs")?;
    let mut tips = Vec::new();
    for reference in platform.prefixed("refs/remotes/").context("cannot read the refs")? {
        let mut reference = reference.map_err(|e| anyhow!("cannot read a ref: {e}"))?;
        let full = reference.name().as_bstr().to_str_lossy().into_owned();
        if !full.starts_with(&prefix) || nested.iter().any(|n| full.starts_with(n)) {
            continue;
        }
        let Ok(id) = reference.peel_to_id() else { continue };
        if let Ok(commit) = id.object().and_then(|o| o.peel_to_commit()) {
            tips.push(commit.id);
        }
    }
    Ok(tips)
}

/// Reads blobs into items, with the texts move detection compared.
struct Reader<'r> {
    repo: &'r gix::Repository,
    max_size: u64,
    texts: Texts<'r>,
}

impl Reader<'_> {
    fn item(&mut self, change: &Change, info: &Arc<CommitInfo>) -> Result<Item> {
        let path = change.path.to_str_lossy().into_owned();
        let provenance = Provenance::Commit(info.clone());
        let header = self.repo.find_header(change.new).with_context(|| format!("cannot read {path} in {}", info.id))?;
        let size = header.size();
        let skipped = |reason| Ok(Item { path: path.clone(), size, provenance: provenance.clone(), body: Body::Skipped(reason) });
        if size > self.max_size {
            return skipped(Skip::TooLarge);
        }
        let new = self.repo.find_object(change.new)?.detach().data;
        if is_binary(&new) {
            return skipped(Skip::Binary);
        }
        let chunk = Chunk::new(path.clone(), Cow::Owned(new), provenance.clone());
        let scope = match &change.old {
            Some((old, _)) => self.texts.peek(*old)?.map(|old| added::added_lines(&old, &chunk.bytes)),
            None => None,
        };
        let chunk = match scope {
            Some(scope) => chunk.with_scope(scope),
            None => chunk,
        };
        Ok(Item { path, size, provenance, body: Body::Text(chunk) })
    }
}

/// The repository git runs the hook in (`GIT_DIR` when git sets it).
fn open() -> Result<gix::Repository> {
    let sync = gix::ThreadSafeRepository::discover_with_environment_overrides(".").context("not inside a git repository")?;
    Ok(sync.to_thread_local())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_come_after_their_parents() {
        let id = |n: u8| ObjectId::from_bytes_or_panic(&[n; 20]);
        // 1 <- 2 <- 4, 1 <- 3 <- 4 (a merge), 5 with a parent outside the push, 6 a root.
        let graph: HashMap<ObjectId, Vec<ObjectId>> = [
            (id(4), vec![id(2), id(3)]),
            (id(3), vec![id(1)]),
            (id(2), vec![id(1)]),
            (id(1), vec![]),
            (id(5), vec![id(9)]),
            (id(6), vec![]),
        ]
        .into_iter()
        .collect();
        let order = oldest_first(&graph);
        assert_eq!(order.len(), 6);
        let at = |n: u8| order.iter().position(|&c| c == id(n)).expect("every commit is listed");
        assert!(at(1) < at(2) && at(1) < at(3) && at(2) < at(4) && at(3) < at(4), "{order:?}");
        assert_eq!(order, oldest_first(&graph), "the same order every run");
    }
}
