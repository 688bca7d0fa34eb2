//! The staged changes: HEAD's tree against the index git is committing. Each changed file
//! becomes a chunk of its staged content, scoped to the lines the commit adds.
//!
//! The index is the one named by `GIT_INDEX_FILE` when set: `git commit -a` and
//! `git commit -- <path>` commit a temporary index and tell hooks where it is.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use git2::{Delta, DiffFindOptions, DiffOptions, ErrorCode, FileMode, Index, Repository, Tree};

use super::{Skip, MAX_FILE_SIZE};
use crate::chunk::{is_binary, Chunk, Provenance};

/// The staged changes, read once.
pub struct Staged {
    pub chunks: Vec<Chunk<'static>>,
    pub skipped: Vec<(String, Skip)>,
}

/// Reads the staged changes of the repository around the current directory. With `only`,
/// just those paths (relative to the work-tree root, as git hands them to hooks).
pub fn read(only: &[PathBuf]) -> Result<Staged> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    if repo.is_bare() {
        bail!("`staged` needs a work tree, and {} is a bare repository", repo.path().display());
    }
    let index = open_index(&repo)?;
    let head = head_tree(&repo)?;
    let mut options = DiffOptions::new();
    options.context_lines(0).interhunk_lines(0).ignore_submodules(true).include_typechange(true);
    if !only.is_empty() {
        options.disable_pathspec_match(true);
        for path in only {
            options.pathspec(path);
        }
    }
    let mut diff = repo
        .diff_tree_to_index(head.as_ref(), Some(&index), Some(&mut options))
        .context("cannot diff HEAD against the index")?;
    diff.find_similar(Some(DiffFindOptions::new().renames(true)))
        .context("cannot detect renames in the staged changes")?;

    // Added-line ranges per delta, from the zero-context hunks: every new-side line of such a
    // hunk is an added line.
    let scopes: RefCell<Vec<Vec<Range<u32>>>> = RefCell::new(vec![Vec::new(); diff.deltas().len()]);
    let delta_index = RefCell::new(0usize);
    diff.foreach(
        &mut |_, _| {
            *delta_index.borrow_mut() += 1;
            true
        },
        None,
        Some(&mut |_, hunk| {
            let i = *delta_index.borrow() - 1;
            if hunk.new_lines() > 0 {
                let start = hunk.new_start();
                scopes.borrow_mut()[i].push(start..start + hunk.new_lines());
            }
            true
        }),
        None,
    )
    .context("cannot read the staged diff")?;
    let scopes = scopes.into_inner();

    let mut staged = Staged { chunks: Vec::new(), skipped: Vec::new() };
    for (delta, scope) in diff.deltas().zip(scopes) {
        if !matches!(delta.status(), Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange) {
            continue;
        }
        let file = delta.new_file();
        if !matches!(file.mode(), FileMode::Blob | FileMode::BlobExecutable) || file.id().is_zero() {
            continue; // symlinks, submodules, intent-to-add entries
        }
        let path = file.path().map(|p| super::display_path(p)).unwrap_or_default();
        let blob = repo.find_blob(file.id()).with_context(|| format!("cannot read the staged blob of {path}"))?;
        if blob.size() as u64 > MAX_FILE_SIZE {
            staged.skipped.push((path, Skip::TooLarge));
            continue;
        }
        let bytes = blob.content();
        let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
        if is_binary(bytes) {
            staged.skipped.push((path, Skip::Binary));
            continue;
        }
        let chunk = Chunk::new(path, Cow::Owned(bytes.to_vec()), Provenance::Staged);
        // git diffs UTF-16 as binary and gives no hunks: judge the whole staged file then.
        staged.chunks.push(if utf16 { chunk } else { chunk.with_scope(scope) });
    }
    Ok(staged)
}

/// The index git is committing: `GIT_INDEX_FILE` (relative to the current directory, which
/// is the work-tree root in a hook) or the repository's own.
fn open_index(repo: &Repository) -> Result<Index> {
    match std::env::var_os("GIT_INDEX_FILE") {
        Some(path) if !path.is_empty() => {
            let path = Path::new(&path);
            if !path.is_file() {
                bail!("GIT_INDEX_FILE names {}, which does not exist", path.display());
            }
            Index::open(path).with_context(|| format!("cannot open the index named by GIT_INDEX_FILE ({})", path.display()))
        }
        _ => repo.index().context("cannot open the repository's index"),
    }
}

/// HEAD's tree, or `None` before the first commit (everything staged is then added).
fn head_tree(repo: &Repository) -> Result<Option<Tree<'_>>> {
    match repo.head() {
        Ok(head) => Ok(Some(head.peel_to_tree().context("HEAD does not point to a tree")?)),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(e).context("cannot read HEAD"),
    }
}
