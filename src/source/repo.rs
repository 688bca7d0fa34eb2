//! The repository around the current directory (or a given folder): found and opened in
//! process with gix, as git finds it, and its tracked files as git itself lists them.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use gix::discover::upwards;
use gix::{ObjectId, ThreadSafeRepository};

/// The repository around the current directory, as git finds it: `GIT_DIR` and
/// `GIT_WORK_TREE` when set (as git sets them for hooks), else upwards from here, stopping at
/// `GIT_CEILING_DIRECTORIES` and file-system boundaries.
pub fn open() -> Result<ThreadSafeRepository> {
    find(None)?.context("not inside a git repository")
}

/// The repository around `dir` (around the current directory, as `open` finds it, when
/// `None`): `None` when there is none, an error when there is one that cannot be opened, so a
/// broken repository is never taken for no repository.
pub fn find(dir: Option<&Path>) -> Result<Option<ThreadSafeRepository>> {
    // An unrelated GIT_CEILING_DIRECTORIES is no error to git, so it is none here either.
    let options = upwards::Options { match_ceiling_dir_or_error: false, ..Default::default() };
    let opened = match dir {
        Some(dir) => ThreadSafeRepository::discover_opts(dir, options, Default::default()),
        None => ThreadSafeRepository::discover_with_environment_overrides_opts(".", options, Default::default()),
    };
    let gix_error = match opened {
        Ok(repo) => return Ok(Some(repo)),
        Err(e) => e,
    };
    // gix could not open one. git's own answer says whether there is none, or one that is
    // broken, and in words the user knows from git.
    let at = || dir.map_or_else(|| "the current folder".to_string(), |d| d.display().to_string());
    match rev_parse(dir) {
        Ok(()) => bail!("cannot open the git repository at {}: {gix_error}", at()),
        Err(said) if said.contains("not a git repository") => match broken_marker(dir) {
            None => Ok(None),
            Some(marker) => bail!("cannot open the git repository at {}: {said}", marker.display()),
        },
        Err(said) => bail!("cannot open the git repository at {}: {said}", at()),
    }
}

/// `git rev-parse --git-dir` where `find` looked: `Err` with git's message when it fails.
fn rev_parse(dir: Option<&Path>) -> std::result::Result<(), String> {
    let mut cmd = Command::new("git");
    if let Some(dir) = dir {
        // The folder's own repository, as gix was asked for, whatever GIT_DIR says.
        cmd.current_dir(dir).env_remove("GIT_DIR").env_remove("GIT_WORK_TREE");
    }
    // Untranslated, so the message can be told apart.
    let out = cmd.args(["rev-parse", "--git-dir"]).env("LC_ALL", "C").output().map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&out.stderr);
    let line = said.lines().find(|l| !l.trim().is_empty()).unwrap_or("git rev-parse failed").trim();
    Err(line.strip_prefix("fatal: ").unwrap_or(line).to_string())
}

/// The nearest folder from `dir` (or the current one) up that holds a `.git`.
fn broken_marker(dir: Option<&Path>) -> Option<PathBuf> {
    let start = match dir {
        Some(dir) => dir.to_path_buf(),
        None => std::env::current_dir().ok()?,
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    start.ancestors().find(|a| a.join(".git").exists()).map(Path::to_path_buf)
}

/// The work-tree root of the repository holding `dir` (an editor's buffer), if there is one.
pub fn work_tree_of(dir: &Path) -> Option<PathBuf> {
    find(Some(dir)).ok().flatten()?.work_dir().map(Path::to_path_buf)
}

/// The work-tree root of the repository around `dir` (around the current directory, as git
/// finds it, when `None`): `None` outside any repository (or in a bare one), an error when
/// there is one that cannot be opened.
pub fn find_work_tree(dir: Option<&Path>) -> Result<Option<PathBuf>> {
    Ok(find(dir)?.and_then(|repo| repo.work_dir().map(Path::to_path_buf)))
}

/// One regular file of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    /// Relative to the root, `/`-separated as git stores it.
    pub path: PathBuf,
    /// The staged blob.
    pub blob: ObjectId,
}

/// The tracked files, for the baseline.
pub struct TrackedFiles {
    repo: gix::Repository,
    pub root: PathBuf,
    pub files: Vec<Tracked>,
}

impl TrackedFiles {
    /// The staged content of `file`: what the baseline judges when the work tree lacks it.
    pub fn staged_content(&self, file: &Tracked) -> Result<Vec<u8>> {
        let mut blob = self.repo.find_blob(file.blob).with_context(|| format!("cannot read the staged {}", file.path.display()))?;
        Ok(blob.take_data())
    }
}

/// The root and the regular files of the index. The index is listed by git itself
/// (`ls-files -z --stage`), which reads every index git writes (split, sparse, newer
/// versions) and follows `GIT_INDEX_FILE`.
pub fn tracked_files() -> Result<TrackedFiles> {
    let repo = open()?.to_thread_local();
    let Some(root) = repo.workdir().map(Path::to_path_buf) else {
        bail!("{} is a bare repository: a baseline needs a work tree", repo.git_dir().display());
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
    let blob = ObjectId::from_hex(fields.next()?.as_bytes()).ok()?;
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
pub fn common_dir_for(root: &Path) -> Option<PathBuf> {
    if let Ok(Some(repo)) = find(None) {
        let canonical = |p: &Path| std::fs::canonicalize(p).ok();
        if repo.work_dir().is_none_or(|w| canonical(w) == canonical(root)) {
            return Some(common_dir(&repo));
        }
    }
    match find(Some(root)) {
        Ok(Some(repo)) => Some(common_dir(&repo)),
        _ => find(None).ok().flatten().map(|repo| common_dir(&repo)),
    }
}

/// The git dir shared by all work trees of `repo` (its objects, refs, config and hooks).
pub fn common_dir(repo: &ThreadSafeRepository) -> PathBuf {
    lexically_normal(repo.to_thread_local().common_dir())
}

/// `path` without `.` and `name/..` steps: a linked worktree's common dir comes as
/// `.git/worktrees/NAME/../..`, and the user is shown where that is.
fn lexically_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
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

    #[test]
    fn common_dirs_are_shown_without_dot_dot() {
        assert_eq!(lexically_normal(Path::new("/r/.git/worktrees/wt/../..")), Path::new("/r/.git"));
        assert_eq!(lexically_normal(Path::new("./.git")), Path::new(".git"));
        assert_eq!(lexically_normal(Path::new("../up/./x")), Path::new("../up/x"));
        assert_eq!(lexically_normal(Path::new("a/..")), Path::new("."));
    }
}
