//! Commit lookups through gix that both `history` and `push` need.

use anyhow::{anyhow, Context, Result};
use gix::bstr::ByteSlice;
use gix::ObjectId;

use crate::chunk::CommitInfo;

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
