//! The staged changes: HEAD against the index git is committing. Each changed file becomes a
//! chunk of its staged content, scoped to the lines the commit adds.
//!
//! The diff itself comes from `git diff --cached`: git reads the index without re-hashing it
//! and skips unchanged folders through its cache-tree, which keeps a commit hook near git's
//! own speed on a large repository (libgit2 verified and re-mapped the whole index first:
//! 10x slower on a 25,000-file index). It also follows `GIT_INDEX_FILE`, which `git commit -a`
//! and `git commit -- <path>` use for their temporary index. Blob contents are read with git2.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{bail, Context, Result};
use git2::{Oid, Repository};

use super::{Skip, MAX_FILE_SIZE};
use crate::chunk::{is_binary, Chunk, Provenance};

/// The staged changes, read once.
pub struct Staged {
    /// Every regular file the commit adds or changes, with its staged size (file rules judge
    /// these, scanned or skipped).
    pub files: Vec<(String, u64)>,
    pub chunks: Vec<Chunk<'static>>,
    pub skipped: Vec<(String, Skip)>,
}

/// One file of the diff: where its staged blob is and which new lines it adds.
#[derive(Debug, Default, PartialEq, Eq)]
struct FileDiff {
    path: String,
    blob: Option<String>,
    mode: Option<String>,
    added: Vec<Range<u32>>,
    binary: bool,
}

/// A `git diff --cached` under way. git reads the index, a few milliseconds on a large
/// repository, while the caller loads its rules: on a hook, that start-up costs no wall time.
pub struct Pending {
    repo: Repository,
    root: PathBuf,
    git: Child,
}

/// Starts reading the staged changes of the repository around the current directory. With
/// `only`, just those paths (relative to the work-tree root, as git hands them to hooks).
pub fn start(only: &[PathBuf]) -> Result<Pending> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    let Some(root) = repo.workdir().map(Path::to_path_buf) else {
        bail!("`staged` needs a work tree, and {} is a bare repository", repo.path().display());
    };
    if let Some(index) = std::env::var_os("GIT_INDEX_FILE").filter(|v| !v.is_empty()) {
        if !Path::new(&index).is_file() {
            bail!("GIT_INDEX_FILE names {}, which does not exist", Path::new(&index).display());
        }
    }
    let git = git_diff(&root, only)?;
    Ok(Pending { repo, root, git })
}

impl Pending {
    /// The work-tree root (config, baseline and ignores live there).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Waits for git and reads each changed file's staged blob.
    pub fn finish(self) -> Result<Staged> {
        let out = self.git.wait_with_output().context("cannot read git's output")?;
        if !out.status.success() {
            let cause = String::from_utf8_lossy(&out.stderr);
            bail!("git diff --cached failed: {}", cause.lines().next().unwrap_or("no message").trim());
        }
        let mut staged = Staged { files: Vec::new(), chunks: Vec::new(), skipped: Vec::new() };
        for file in parse(&out.stdout) {
            let regular = matches!(file.mode.as_deref(), Some("100644" | "100755"));
            let Some(blob) = file.blob.as_deref().filter(|b| regular && b.bytes().any(|c| c != b'0')) else {
                continue; // deleted, symlink, submodule, or intent-to-add
            };
            let oid = Oid::from_str(blob).with_context(|| format!("git printed a bad blob id for {}", file.path))?;
            let blob = self.repo.find_blob(oid).with_context(|| format!("cannot read the staged blob of {}", file.path))?;
            staged.files.push((file.path.clone(), blob.size() as u64));
            if blob.size() as u64 > MAX_FILE_SIZE {
                staged.skipped.push((file.path, Skip::TooLarge));
                continue;
            }
            let bytes = blob.content();
            if is_binary(bytes) {
                staged.skipped.push((file.path, Skip::Binary));
                continue;
            }
            let chunk = Chunk::new(file.path, Cow::Owned(bytes.to_vec()), Provenance::Staged);
            // git diffs UTF-16 text as binary and gives no hunks: judge the whole staged file.
            staged.chunks.push(if file.binary { chunk } else { chunk.with_scope(file.added) });
        }
        Ok(staged)
    }
}

fn git_diff(root: &Path, only: &[PathBuf]) -> Result<Child> {
    let mut cmd = Command::new("git");
    cmd.current_dir(root)
        .args(["-c", "core.quotePath=false", "-c", "diff.noprefix=false", "--literal-pathspecs", "diff", "--cached"])
        .args(["--no-color", "--no-ext-diff", "--no-textconv", "--full-index", "-U0", "-M", "--ignore-submodules"])
        .args(["--src-prefix=a/", "--dst-prefix=b/", "--"])
        .args(only)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().context("cannot run git (is it installed and on PATH?)")
}

/// Parses `git diff -U0 --full-index` output: per file, its new path, mode and blob id, and
/// the new-side line ranges of its hunks (with no context, every such line is added).
fn parse(diff: &[u8]) -> Vec<FileDiff> {
    let mut files: Vec<FileDiff> = Vec::new();
    let mut in_header = false;
    for line in diff.split(|&b| b == b'\n') {
        if line.starts_with(b"diff --git ") {
            files.push(FileDiff::default());
            in_header = true;
            continue;
        }
        let Some(file) = files.last_mut() else { continue };
        if line.starts_with(b"@@ ") {
            in_header = false;
            if let Some(range) = hunk_new_range(line) {
                file.added.push(range);
            }
            continue;
        }
        if !in_header {
            continue; // hunk content: `+`, `-` or `\` lines
        }
        let text = String::from_utf8_lossy(line);
        if let Some(rest) = text.strip_prefix("index ") {
            let mut parts = rest.split_whitespace();
            file.blob = parts.next().and_then(|ids| ids.split_once("..")).map(|(_, new)| new.to_string());
            if let Some(mode) = parts.next() {
                file.mode = Some(mode.to_string());
            }
        } else if let Some(mode) = text.strip_prefix("new file mode ").or_else(|| text.strip_prefix("new mode ")) {
            file.mode = Some(mode.trim().to_string());
        } else if let Some(path) = text.strip_prefix("+++ ") {
            // git ends the name with a tab when it holds a space, for patch(1).
            file.path = unquote(path.strip_suffix('\t').unwrap_or(path)).strip_prefix("b/").map(str::to_string).unwrap_or_default();
        } else if text.starts_with("Binary files ") {
            file.binary = true;
            if let Some(path) = text.strip_suffix(" differ").and_then(|t| t.rsplit_once(" and ")).map(|(_, p)| p) {
                file.path = unquote(path).strip_prefix("b/").map(str::to_string).unwrap_or_default();
            }
        }
    }
    files.retain(|f| !f.path.is_empty());
    files
}

/// `@@ -a,b +c,d @@` -> `c..c+d` (a missing count means 1).
fn hunk_new_range(line: &[u8]) -> Option<Range<u32>> {
    let text = std::str::from_utf8(line).ok()?;
    let new = text.split_whitespace().find(|w| w.starts_with('+'))?.trim_start_matches('+');
    let (start, count) = match new.split_once(',') {
        Some((s, c)) => (s.parse::<u32>().ok()?, c.parse::<u32>().ok()?),
        None => (new.parse::<u32>().ok()?, 1),
    };
    (count > 0).then_some(start..start + count)
}

/// git quotes a path holding a quote, backslash or control character C-style.
fn unquote(path: &str) -> String {
    let Some(inner) = path.strip_prefix('"').and_then(|p| p.strip_suffix('"')) else {
        return path.to_string();
    };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut chars = inner.bytes();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'a') => bytes.push(7),
            Some(b'b') => bytes.push(8),
            Some(b'f') => bytes.push(12),
            Some(b'v') => bytes.push(11),
            Some(b'r') => bytes.push(b'\r'),
            Some(d @ b'0'..=b'3') => {
                let rest: Vec<u8> = chars.by_ref().take(2).collect();
                let digits = [d, *rest.first().unwrap_or(&b'0'), *rest.get(1).unwrap_or(&b'0')];
                let value = digits.iter().fold(0u32, |acc, &c| acc * 8 + u32::from(c - b'0'));
                bytes.push(value as u8);
            }
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hunks_modes_renames_and_binaries() {
        let diff = b"diff --git a/a.py b/a.py\n\
index 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644\n\
--- a/a.py\n+++ b/a.py\n@@ -2,0 +3,2 @@ def f():\n+x\n+diff --git a/fake b/fake\n@@ -9 +10 @@\n-y\n+z\n@@ -20,3 +21,0 @@\n-gone\n\
diff --git a/old name.txt b/new \"q\".txt\nsimilarity index 90%\nrename from old name.txt\nrename to new \"q\".txt\n\
index 3333333333333333333333333333333333333333..4444444444444444444444444444444444444444 100644\n\
--- a/old name.txt\n+++ \"b/new \\\"q\\\".txt\"\n@@ -1 +1 @@\n-a\n+b\n\
diff --git a/u16.txt b/u16.txt\nnew file mode 100644\n\
index 0000000000000000000000000000000000000000..5555555555555555555555555555555555555555\n\
Binary files /dev/null and b/u16.txt differ\n";
        let files = parse(diff);
        assert_eq!(files.len(), 3);
        assert_eq!(files[0].path, "a.py");
        assert_eq!(files[0].added, vec![3..5, 10..11]);
        assert_eq!(files[0].mode.as_deref(), Some("100644"));
        assert_eq!(files[1].path, "new \"q\".txt");
        assert_eq!(files[1].blob.as_deref(), Some("4444444444444444444444444444444444444444"));
        assert_eq!(files[2].path, "u16.txt");
        assert!(files[2].binary);
        assert_eq!(files[2].mode.as_deref(), Some("100644"));
    }

    #[test]
    fn unquotes_c_style_paths() {
        assert_eq!(unquote("\"b/tab\\there\""), "b/tab\there");
        assert_eq!(unquote("\"b/caf\\303\\251\""), "b/café");
        assert_eq!(unquote("b/plain name"), "b/plain name");
    }
}
