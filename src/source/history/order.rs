//! The selected commits in the order history walks them: parents before children.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use anyhow::{Context, Result};
use gix::ObjectId;

use super::select::{tips_and_hidden, Selection};

/// (commit, tree) pairs in walk order, and the trees of the boundary.
pub(super) type Walk = (Vec<(ObjectId, ObjectId)>, Vec<ObjectId>);

/// The selected commits with their trees, parents before children, older first among those
/// ready at the same time (ties broken by id, so the order is the same on every run). Also
/// the trees of the boundary: parents of selected commits that are left out.
pub(super) fn commits_oldest_first(repo: &gix::Repository, selection: &Selection) -> Result<Walk> {
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
    // The commit-graph file, when there is one, holds each commit's tree and time: reading
    // them there spares decompressing every commit on one core.
    let graph = repo.commit_graph_if_enabled().ok().flatten();
    for id in &ids {
        if let Some(known) = graph.as_ref().and_then(|g| g.commit_by_id(id)) {
            trees.push(known.root_tree_id().to_owned());
            times.push(i64::try_from(known.committer_timestamp()).unwrap_or(i64::MAX));
            continue;
        }
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
