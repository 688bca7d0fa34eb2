//! The repository around the current directory: its root, and its tracked files.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use git2::Repository;

/// The work-tree root of the repository around the current directory, if there is one.
pub fn work_tree() -> Option<PathBuf> {
    let repo = Repository::open_from_env().ok()?;
    repo.workdir().map(|p| p.to_path_buf())
}

/// The root and the tracked files (paths relative to it, from the index), for the baseline.
pub fn tracked_files() -> Result<(PathBuf, Vec<PathBuf>)> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    let Some(root) = repo.workdir().map(|p| p.to_path_buf()) else {
        bail!("{} is a bare repository: a baseline needs a work tree", repo.path().display());
    };
    let index = repo.index().context("cannot read the index")?;
    let mut files = Vec::with_capacity(index.len());
    for entry in index.iter() {
        // Regular files only: symlinks and submodules are not scanned.
        let kind = entry.mode & 0o170000;
        if kind == 0o100000 {
            files.push(PathBuf::from(String::from_utf8_lossy(&entry.path).into_owned()));
        }
    }
    files.dedup();
    Ok((root, files))
}

/// The git dir shared by all work trees of the repository around the current directory.
pub fn common_dir() -> Option<PathBuf> {
    let repo = Repository::open_from_env().ok()?;
    Some(repo.commondir().to_path_buf())
}
