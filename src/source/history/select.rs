//! Which commits a history scan starts from and which ancestry it leaves out.

use anyhow::{anyhow, bail, Context, Result};
use gix::ObjectId;

use crate::source::commits::resolve;

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

/// Commits to start from and commits whose ancestry is left out.
pub(super) fn tips_and_hidden(repo: &gix::Repository, selection: &Selection) -> Result<(Vec<ObjectId>, Vec<ObjectId>)> {
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
fn all_ref_tips(repo: &gix::Repository) -> Result<Vec<ObjectId>> {
    let refs = repo.references().context("cannot read the refs")?;
    let mut tips = Vec::new();
    for reference in refs.all().context("cannot read the refs")? {
        let mut reference = reference.map_err(|e| anyhow!("cannot read a ref: {e}"))?;
        let Ok(id) = reference.peel_to_id() else { continue };
        if let Ok(commit) = id.object().and_then(|o| o.peel_to_commit()) {
            tips.push(commit.id);
        }
    }
    if let Ok(head) = repo.head_id() {
        tips.push(head.detach());
    }
    tips.sort();
    tips.dedup();
    Ok(tips)
}
