//! The staged changes: HEAD against the index git is committing. Each changed file becomes an
//! item: its staged content scoped to the lines the commit adds, or the reason it was skipped.
//!
//! Which files changed comes from `git diff --cached -z --raw`: git reads the index without
//! re-hashing it and skips unchanged folders through its cache-tree, which keeps a commit hook
//! near git's own speed on a large repository. It also follows `GIT_INDEX_FILE`, which
//! `git commit -a` and `git commit -- <path>` use for their temporary index, and reads every
//! index format git writes (split, sparse). Only git's machine format is read (NUL-separated
//! paths, full blob ids), with every option that shapes it given on the command line, so no
//! path and no setting can bend it. The blobs are read in process with gix, on every core for a
//! commit of many files, and the added lines computed here from the two blobs, as `push`
//! computes them: `added`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{bail, Context, Result};
use gix::{ObjectId, ThreadSafeRepository};
use rayon::prelude::*;

use super::{added, repo, Body, Item, Skip};
use crate::chunk::{decoded, is_binary, Chunk, Provenance, MAX_FILE_SIZE};

/// One line of `git diff --raw -z`: a file's old and new mode and blob, and how it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawChange {
    pub old_mode: u32,
    pub new_mode: u32,
    /// Hex blob ids; all zeros where a side does not exist (or is not hashed yet).
    pub old_blob: String,
    pub new_blob: String,
    /// `A`dded, `M`odified, `R`enamed, `C`opied, `D`eleted, `T`ype changed, `U`nmerged.
    pub status: u8,
    /// The source path of a rename or copy.
    pub old_path: Option<Vec<u8>>,
    pub path: Vec<u8>,
}

/// A `git diff --cached` under way. git reads the index, a few milliseconds on a large
/// repository, while the caller loads its rules: on a hook, that start-up costs no wall time.
pub struct Pending {
    repo: ThreadSafeRepository,
    root: PathBuf,
    git: Child,
    only: HashSet<Vec<u8>>,
}

/// Starts reading the staged changes of the repository around the current directory. With
/// `only`, just those paths (relative to the work-tree root, as git hands them to hooks). The
/// diff still spans the whole index, so a file moved to one of those paths is known as moved
/// (the pre-commit framework names the new path only).
pub fn start(only: &[PathBuf]) -> Result<Pending> {
    let repo = repo::open()?;
    let Some(root) = repo.work_dir().map(Path::to_path_buf) else {
        bail!("`staged` needs a work tree, and {} is a bare repository", repo.git_dir().display());
    };
    if let Some(index) = std::env::var_os("GIT_INDEX_FILE").filter(|v| !v.is_empty()) {
        if !Path::new(&index).is_file() {
            bail!("GIT_INDEX_FILE names {}, which does not exist", Path::new(&index).display());
        }
    }
    let git = git_diff(&root)?;
    let only = only.iter().map(|p| path_bytes(p)).collect();
    Ok(Pending { repo, root, git, only })
}

impl Pending {
    /// The work-tree root (config, baseline and ignores live there).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Waits for git and reads each changed file's blobs: one item per regular file the commit
    /// adds or changes (deletions, symlinks and submodules carry no text of their own).
    pub fn finish(self) -> Result<Vec<Item>> {
        let Pending { repo, git, only, .. } = self;
        let out = git.wait_with_output().context("cannot read git's output")?;
        if !out.status.success() {
            let cause = String::from_utf8_lossy(&out.stderr);
            bail!("git diff --cached failed: {}", cause.lines().next().unwrap_or("no message").trim());
        }
        let changes: Vec<RawChange> = parse_raw(&out.stdout)?
            .into_iter()
            .filter(|change| {
                // Not deleted, a symlink, a submodule, unmerged or intent-to-add; not moved
                // unchanged or only its mode changed (nothing added).
                is_regular(change.new_mode)
                    && !is_zero(&change.new_blob)
                    && (only.is_empty() || only.contains(&change.path))
                    && !(change.new_blob == change.old_blob && is_regular(change.old_mode))
            })
            .collect();
        if changes.len() < PARALLEL_FILES {
            let repo = repo.to_thread_local();
            return changes.iter().map(|change| item(&repo, change)).collect();
        }
        // Each thread reads through its own handle (object caches are per handle); the items
        // come back in git's order.
        changes.par_iter().map_init(|| repo.to_thread_local(), |repo, change| item(repo, change)).collect()
    }
}

/// Files in a commit from which their blobs are read on every core: below it, starting
/// threads costs more than reading a few blobs does.
const PARALLEL_FILES: usize = 32;

fn item(repo: &gix::Repository, change: &RawChange) -> Result<Item> {
    let path = String::from_utf8_lossy(&change.path).into_owned();
    let new = blob(repo, &change.new_blob, &path)?;
    let size = new.len() as u64;
    let skipped = |reason| Ok(Item { path: path.clone(), size, provenance: Provenance::Staged, body: Body::Skipped(reason) });
    if size > MAX_FILE_SIZE {
        return skipped(Skip::TooLarge);
    }
    if is_binary(&new) {
        return skipped(Skip::Binary);
    }
    let chunk = Chunk::new(path.clone(), Cow::Owned(new), Provenance::Staged);
    // The old side, when the file had text before: a modification or a rename (a copy's
    // source stays where it was, so a copy counts whole).
    let old = matches!(change.status, b'M' | b'R') && is_regular(change.old_mode) && !is_zero(&change.old_blob);
    let scope = if old {
        let old = blob(repo, &change.old_blob, &path)?;
        let text = old.len() as u64 <= MAX_FILE_SIZE && !is_binary(&old);
        text.then(|| added::added_lines(&decoded(&old), &chunk.bytes))
    } else {
        None
    };
    let chunk = match scope {
        Some(scope) => chunk.with_scope(scope),
        None => chunk,
    };
    Ok(Item { path, size, provenance: Provenance::Staged, body: Body::Text(chunk) })
}

fn blob(repo: &gix::Repository, id: &str, path: &str) -> Result<Vec<u8>> {
    let oid = ObjectId::from_hex(id.as_bytes()).with_context(|| format!("git printed a bad blob id for {path}"))?;
    let mut blob = repo.find_blob(oid).with_context(|| format!("cannot read the staged blob of {path}"))?;
    Ok(blob.take_data())
}

/// `git diff --cached` in its machine format, with every option that could shape the output
/// given on the command line, where it beats the user's config: full ids (`core.abbrev`),
/// renames found alike everywhere (`diff.renames`, `diff.renameLimit`), paths from the root
/// (`diff.relative`), no order file (`diff.orderFile`, which fails when the file is missing).
fn git_diff(root: &Path) -> Result<Child> {
    let mut cmd = Command::new("git");
    cmd.current_dir(root)
        .args(["diff", "--cached", "-z", "--raw", "--no-abbrev", "-M", "-l1000", "--no-relative"])
        .args(["-O/dev/null", "--no-color", "--no-ext-diff", "--no-textconv", "--ignore-submodules"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().context("cannot run git (is it installed and on PATH?)")
}

/// Parses `git diff --raw -z --no-abbrev`: per change a header
/// `:<old mode> <new mode> <old blob> <new blob> <status>`, then its path, then for a rename
/// or copy the new path; every field ends with a NUL, so any byte but NUL may be in a path.
pub fn parse_raw(raw: &[u8]) -> Result<Vec<RawChange>> {
    let mut fields = raw.split(|&b| b == 0);
    let mut changes = Vec::new();
    while let Some(header) = fields.next() {
        if header.is_empty() {
            continue; // the NUL that ends the output
        }
        let text = std::str::from_utf8(header).ok().and_then(|h| h.strip_prefix(':'));
        let parts: Vec<&str> = text.map(|t| t.split(' ').collect()).unwrap_or_default();
        let [old_mode, new_mode, old_blob, new_blob, status] = parts[..] else {
            bail!("unexpected output from git diff --raw: {}", String::from_utf8_lossy(header));
        };
        let mode = |m: &str| u32::from_str_radix(m, 8).with_context(|| format!("git diff --raw printed a bad mode {m:?}"));
        let status = *status.as_bytes().first().filter(|b| b.is_ascii_uppercase()).with_context(|| format!("git diff --raw printed a bad status {status:?}"))?;
        let mut path = || fields.next().filter(|p| !p.is_empty()).map(<[u8]>::to_vec).context("git diff --raw ended before a path");
        let first = path()?;
        let (old_path, path) = if matches!(status, b'R' | b'C') { (Some(first), path()?) } else { (None, first) };
        changes.push(RawChange {
            old_mode: mode(old_mode)?,
            new_mode: mode(new_mode)?,
            old_blob: old_blob.to_string(),
            new_blob: new_blob.to_string(),
            status,
            old_path,
            path,
        });
    }
    Ok(changes)
}

/// A path as git prints it: its bytes, `/`-separated.
fn path_bytes(path: &Path) -> Vec<u8> {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().replace('\\', "/").into_bytes();
    bytes.strip_prefix(b"./").map(<[u8]>::to_vec).unwrap_or(bytes)
}

/// A regular file (executable or not); not a symlink, submodule or missing side.
fn is_regular(mode: u32) -> bool {
    mode & 0o170000 == 0o100000
}

fn is_zero(blob: &str) -> bool {
    blob.bytes().all(|b| b == b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_modes_blobs_renames_and_any_path() {
        let (a, b, c) = ("1".repeat(40), "2".repeat(40), "0".repeat(40));
        let raw = format!(
            ":100644 100755 {a} {b} M\0tab\there and \"q\"\0:100644 100644 {a} {b} R087\0old\nname\0new name\0\
             :000000 100644 {c} {b} A\0caf\u{e9}\0:120000 000000 {a} {c} D\0link\0"
        );
        let mut raw = raw.into_bytes();
        raw.extend(b":000000 100644 0000000000000000000000000000000000000000 2222222222222222222222222222222222222222 A\0bad\xff\0");
        let changes = parse_raw(&raw).expect("valid raw output");
        assert_eq!(changes.len(), 5);
        assert_eq!(changes[0].path, b"tab\there and \"q\"");
        assert_eq!((changes[0].old_mode, changes[0].new_mode, changes[0].status), (0o100644, 0o100755, b'M'));
        assert_eq!(changes[1].old_path.as_deref(), Some(&b"old\nname"[..]));
        assert_eq!(changes[1].path, b"new name");
        assert_eq!(changes[1].new_blob, b);
        assert_eq!(changes[2].path, "café".as_bytes());
        assert_eq!(changes[3].new_mode, 0);
        assert_eq!(changes[4].path, b"bad\xff");
    }

    #[test]
    fn rejects_what_is_not_raw_output() {
        assert!(parse_raw(b"diff --git a/x b/x\n").is_err());
        assert!(parse_raw(b":100644 100644 aa bb M\0").is_err(), "a header with no path");
        assert!(parse_raw(b":100644 100644 aa bb R100\0only-one\0").is_err(), "a rename with one path");
        assert!(parse_raw(b":100644 100644 aa bb \xc3\x9f\0p\0").is_err(), "a status that is not a letter");
        assert!(parse_raw(b"").expect("empty diff").is_empty());
    }
}
