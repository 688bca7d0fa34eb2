//! Where a file came from, as git sees a commit against its first parent: the same path
//! (an edit), the path it was moved from (a rename, exact or at least half its lines kept,
//! found as `push` finds it), or nowhere (an addition). History asks this of the commit that
//! first put a blob at a path, so a secret carried over by an edit or a rename is not taken
//! for a new one.

use std::collections::HashMap;

use anyhow::{Context, Result};
use gix::ObjectId;

use super::History;
use crate::source::commits::{first_parent_tree, Diff, Texts};
use crate::source::Item;

/// The file a path's content came from in the first parent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    pub path: String,
    pub id: ObjectId,
    /// The blob's index in [`History::blobs`] when this scan read it at `path`.
    pub blob: Option<usize>,
}

/// Answers [`Origins::origin`], remembering each commit's diff: a moved folder asks the same
/// commit once per file.
pub struct Origins<'h> {
    history: &'h History,
    repo: gix::Repository,
    max_size: u64,
    diffs: HashMap<u32, Diff>,
}

impl History {
    /// Origin lookups; blobs over `max_size` are not compared for moves, as `push` does.
    pub fn origins(&self, max_size: u64) -> Origins<'_> {
        let mut repo = super::walk::walk_repo(&self.repo);
        // Lookups for nearby commits read the same parent commits and folders again.
        repo.object_cache_size(4 * 1024 * 1024);
        Origins { history: self, repo, max_size, diffs: HashMap::new() }
    }
}

impl Origins<'_> {
    /// Where the file at `path` in the commit at `seq` came from in that commit's first parent.
    pub fn origin(&mut self, seq: u32, path: &str) -> Result<Option<Origin>> {
        let commit = self.history.commits[seq as usize];
        let Some(parent_tree) = first_parent_tree(&self.repo, commit)? else { return Ok(None) };
        // git pairs a path with itself before it looks for moves.
        let tree = self.repo.find_tree(parent_tree).with_context(|| format!("cannot read tree {parent_tree}"))?;
        let entry = tree.lookup_entry(path.split('/')).with_context(|| format!("cannot look up {path} in {parent_tree}"))?;
        let same_path = entry.filter(|e| e.mode().is_blob()).map(|e| e.object_id());
        drop(tree);
        if let Some(id) = same_path {
            return Ok(Some(self.at(path.to_string(), id)));
        }
        if !self.diffs.contains_key(&seq) {
            let tree = self.repo.find_commit(commit)?.tree_id().with_context(|| format!("commit {commit} has no tree"))?.detach();
            let diff = Diff::between(&self.repo, Some(parent_tree), tree)?;
            self.diffs.insert(seq, diff);
        }
        let diff = self.diffs.get_mut(&seq).expect("the diff was just made");
        let Some(i) = diff.changes.iter().position(|c| c.path == path) else { return Ok(None) };
        diff.find_move(i, &mut Texts::new(&self.repo, self.max_size))?;
        let Some((id, from)) = diff.changes[i].old.clone() else { return Ok(None) };
        Ok(Some(self.at(String::from_utf8_lossy(&from).into_owned(), id)))
    }

    /// The origin's blob at its path, read or skipped as the scan reads and skips blobs.
    pub fn item(&self, origin: &Origin) -> Result<Item> {
        super::read::item(&self.repo, origin.id, &origin.path, self.max_size)
    }

    fn at(&self, path: String, id: ObjectId) -> Origin {
        let blob = self.history.blob_index(&id).filter(|&i| self.history.paths(i).any(|(p, _)| p == path));
        Origin { path, id, blob }
    }
}
