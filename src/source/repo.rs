//! The repository around the current directory: its root, and its tracked files.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context, Result};
use git2::{Oid, Repository};

/// The work-tree root of the repository around the current directory, if there is one.
pub fn work_tree() -> Option<PathBuf> {
    let repo = Repository::open_from_env().ok()?;
    repo.workdir().map(|p| p.to_path_buf())
}

/// The work-tree root of the repository holding `dir` (an editor's buffer), if there is one.
pub fn work_tree_of(dir: &std::path::Path) -> Option<PathBuf> {
    let repo = Repository::discover(dir).ok()?;
    repo.workdir().map(|p| p.to_path_buf())
}

/// The work-tree root of the repository around `dir` (around the current directory, as git
/// finds it, when `None`): `None` outside any repository (or in a bare one), an error when
/// there is one that cannot be opened, so a broken repository is never taken for no
/// repository.
pub fn find_work_tree(dir: Option<&std::path::Path>) -> Result<Option<PathBuf>> {
    let opened = match dir {
        Some(dir) => Repository::discover(dir),
        None => Repository::open_from_env(),
    };
    match opened {
        Ok(repo) => Ok(repo.workdir().map(|p| p.to_path_buf())),
        // Not found, unless a `.git` says there is one (a `.git` file naming a gone folder).
        Err(e) if e.code() == git2::ErrorCode::NotFound => match broken_marker(dir) {
            None => Ok(None),
            Some(at) => bail!("cannot open the git repository at {}: {}", at.display(), e.message()),
        },
        // `message()`: the cause without libgit2's class and code numbers.
        Err(e) => {
            let at = dir.map_or_else(|| "the current folder".to_string(), |d| d.display().to_string());
            bail!("cannot open the git repository at {at}: {}", e.message())
        }
    }
}

/// The nearest folder from `dir` (or the current one) up that holds a `.git`.
fn broken_marker(dir: Option<&std::path::Path>) -> Option<PathBuf> {
    let start = match dir {
        Some(dir) => dir.to_path_buf(),
        None => std::env::current_dir().ok()?,
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    start.ancestors().find(|a| a.join(".git").exists()).map(std::path::Path::to_path_buf)
}

/// One regular file of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    /// Relative to the root, `/`-separated as git stores it.
    pub path: PathBuf,
    /// The staged blob.
    pub blob: Oid,
}

/// The tracked files, for the baseline.
pub struct TrackedFiles {
    repo: Repository,
    pub root: PathBuf,
    pub files: Vec<Tracked>,
}

impl TrackedFiles {
    /// The staged content of `file`: what the baseline judges when the work tree lacks it.
    pub fn staged_content(&self, file: &Tracked) -> Result<Vec<u8>> {
        let blob = self.repo.find_blob(file.blob).with_context(|| format!("cannot read the staged {}", file.path.display()))?;
        Ok(blob.content().to_vec())
    }
}

/// The root and the regular files of the index. The index is listed by git itself
/// (`ls-files -z --stage`), which reads every index git writes (split, sparse, newer
/// versions) and follows `GIT_INDEX_FILE`.
pub fn tracked_files() -> Result<TrackedFiles> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    let Some(root) = repo.workdir().map(|p| p.to_path_buf()) else {
        bail!("{} is a bare repository: a baseline needs a work tree", repo.path().display());
    };
    let out = Command::new("git")
        .args(["ls-files", "-z", "--stage", "--full-name"])
        .current_dir(&root)
        .output()
        .context("cannot run git to list the tracked files")?;
    if !out.status.success() {
        bail!("git ls-files failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    let mut files: Vec<Tracked> = Vec::new();
    for record in out.stdout.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let tracked = parse_stage_line(record).with_context(|| format!("unexpected git ls-files line {:?}", String::from_utf8_lossy(record)))?;
        // A conflicted path is listed once per stage; one entry is enough.
        if let Some(tracked) = tracked.filter(|t| files.last().is_none_or(|last| last.path != t.path)) {
            files.push(tracked);
        }
    }
    Ok(TrackedFiles { repo, root, files })
}

/// `<mode> <oid> <stage>\t<path>`; `None` for what is not a regular file (symlinks,
/// submodules are not scanned).
fn parse_stage_line(record: &[u8]) -> Option<Option<Tracked>> {
    let tab = record.iter().position(|&b| b == b'\t')?;
    let (head, path) = (std::str::from_utf8(&record[..tab]).ok()?, &record[tab + 1..]);
    let mut fields = head.split(' ');
    let mode = u32::from_str_radix(fields.next()?, 8).ok()?;
    let blob = Oid::from_str(fields.next()?).ok()?;
    if mode & 0o170000 != 0o100000 {
        return Some(None);
    }
    Some(Some(Tracked { path: path_from_bytes(path), blob }))
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// The git dir of the repository whose work tree is `root` (the one a scan reports from, which
/// may not be the one around the current folder); the current one when it has no work tree
/// (a bare repository) or when `root` is in none.
pub fn common_dir_for(root: &std::path::Path) -> Option<PathBuf> {
    if let Ok(repo) = Repository::open_from_env() {
        let canonical = |p: &std::path::Path| std::fs::canonicalize(p).ok();
        if repo.workdir().is_none_or(|w| canonical(w) == canonical(root)) {
            return Some(repo.commondir().to_path_buf());
        }
    }
    match Repository::discover(root) {
        Ok(repo) => Some(repo.commondir().to_path_buf()),
        Err(_) => common_dir(),
    }
}

/// The git dir shared by all work trees of the repository around the current directory.
pub fn common_dir() -> Option<PathBuf> {
    let repo = Repository::open_from_env().ok()?;
    Some(repo.commondir().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_lines_parse() {
        let oid = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
        let file = parse_stage_line(format!("100644 {oid} 0\tdir/a b.txt").as_bytes()).expect("parses").expect("a file");
        assert_eq!(file.path, PathBuf::from("dir/a b.txt"));
        assert_eq!(file.blob.to_string(), oid);
        assert_eq!(parse_stage_line(format!("120000 {oid} 0\tlink").as_bytes()), Some(None));
        assert_eq!(parse_stage_line(b"garbage"), None);
    }
}
