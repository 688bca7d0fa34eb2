//! What a push to a server sends, as git's pre-receive hook sees it: `<old> <new> <ref>` lines
//! on stdin, new objects in the push quarantine. The commits a ref update brings are those
//! `git rev-list <new> --not --all` lists (the refs are still the pre-push state), read with
//! `push::read` (added lines against the first parent).
//!
//! gix does not read `GIT_OBJECT_DIRECTORY` / `GIT_ALTERNATE_OBJECT_DIRECTORIES`, so inside a
//! quarantine the pushed objects would be invisible to it. [`Server::open`] builds a
//! throwaway git directory in a temp folder whose `objects/info/alternates` lists the
//! quarantine and the repository's objects, and points `GIT_DIR` at it. Nothing in the
//! server's repository is written. The git CLI, which honours the quarantine, answers
//! everything else (the walk, refs, config, files at the pushed tip).

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use super::push::{self, Pushed};
use super::Item;

/// One line of the pre-receive protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// `None` when the ref is being created.
    pub old: Option<String>,
    /// `None` when the ref is being deleted.
    pub new: Option<String>,
    pub name: String,
}

/// Parses `<old> <new> <ref>` lines; blank lines are ignored, anything else malformed is an
/// error (a hook that skipped a line it could not read would let that ref through).
pub fn parse(input: &str) -> Result<Vec<Update>> {
    let mut updates = Vec::new();
    for (n, line) in input.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [old, new, name] = fields[..] else {
            bail!("line {} of standard input is not `<old sha> <new sha> <ref>`", n + 1);
        };
        let id = |sha: &str| -> Result<Option<String>> {
            if !matches!(sha.len(), 40 | 64) || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                bail!("line {} of standard input: `{sha}` is not an object id", n + 1);
            }
            Ok((!sha.bytes().all(|b| b == b'0')).then(|| sha.to_ascii_lowercase()))
        };
        updates.push(Update { old: id(old)?, new: id(new)?, name: name.to_string() });
    }
    Ok(updates)
}

/// The commits one ref update brings, as git lists them.
#[derive(Debug, Default)]
pub struct NewCommits {
    /// Commits no ref of the server reaches yet.
    pub commits: Vec<String>,
    /// Commits the server has that are parents of those: where the walk stops.
    pub boundary: Vec<String>,
}

/// The repository the hook runs in. `Send`: the scan runs on a worker thread.
#[derive(Debug, Clone)]
pub struct Server {
    git_dir: PathBuf,
    /// Where temporary files go (removed with the [`Scratch`] `open` returns).
    scratch: PathBuf,
}

/// The temp folder of a run; removed on drop.
#[derive(Debug)]
pub struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Server {
    /// Finds the repository (git sets `GIT_DIR` for hooks), makes the pushed objects visible
    /// to gix, and sets `GIT_DIR` for `push::read`. Call before any thread starts: it changes
    /// the process environment.
    pub fn open() -> Result<(Server, Scratch)> {
        let out = run_git(None, &["rev-parse", "--absolute-git-dir"])?;
        let git_dir = PathBuf::from(String::from_utf8(out).context("the repository path is not UTF-8")?.trim());
        let scratch = make_scratch()?;
        let guard = Scratch(scratch.clone());
        let server = Server { git_dir, scratch };
        let objects = std::env::var_os("GIT_OBJECT_DIRECTORY");
        let alternates = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES");
        let gix_dir = if objects.is_some() || alternates.is_some() {
            let own = objects.map(PathBuf::from).unwrap_or_else(|| server.git_dir.join("objects"));
            let mut dirs = vec![own];
            if let Some(list) = alternates {
                dirs.extend(alternate_dirs(&list)?);
            }
            server.object_view(&dirs)?
        } else {
            server.git_dir.clone()
        };
        std::env::set_var("GIT_DIR", &gix_dir);
        Ok((server, guard))
    }

    /// The repository's git directory.
    pub fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    pub fn scratch(&self) -> &Path {
        &self.scratch
    }

    /// A git directory with no refs whose object store is `dirs` (as alternates).
    fn object_view(&self, dirs: &[PathBuf]) -> Result<PathBuf> {
        let view = self.scratch.join("objects-view.git");
        let info = view.join("objects").join("info");
        std::fs::create_dir_all(&info).context("cannot create a temp git directory")?;
        std::fs::create_dir_all(view.join("refs")).context("cannot create a temp git directory")?;
        std::fs::write(view.join("HEAD"), "ref: refs/heads/main\n").context("cannot create a temp git directory")?;
        std::fs::write(view.join("config"), "[core]\n\trepositoryformatversion = 0\n\tbare = true\n").context("cannot create a temp git directory")?;
        let mut list = String::new();
        for dir in dirs {
            let absolute = if dir.is_absolute() { dir.clone() } else { self.git_dir.join(dir) };
            let absolute = std::fs::canonicalize(&absolute).with_context(|| format!("cannot open the object folder {}", absolute.display()))?;
            let text = absolute.to_str().with_context(|| format!("the object folder {} is not UTF-8", absolute.display()))?;
            if text.contains('\n') {
                bail!("the object folder {text:?} has a line break in its name");
            }
            list.push_str(text);
            list.push('\n');
        }
        std::fs::write(info.join("alternates"), list).context("cannot create a temp git directory")?;
        Ok(view)
    }

    /// The server-side config git names (`git config leakguard.config`), if any.
    pub fn config_path(&self) -> Result<Option<PathBuf>> {
        let out = self.git().args(["config", "--path", "--get", "leakguard.config"]).output().context("cannot run git")?;
        match out.status.code() {
            Some(0) => Ok(Some(self.git_dir.join(String::from_utf8_lossy(&out.stdout).trim()))),
            Some(1) => Ok(None),
            _ => bail!("git config leakguard.config failed: {}", String::from_utf8_lossy(&out.stderr).trim()),
        }
    }

    /// The type of the object `rev` names once tags are peeled (`commit`, `tree`, `blob`).
    pub fn peeled_type(&self, rev: &str) -> Result<String> {
        let out = run_git(Some(self), &["cat-file", "-t", &format!("{rev}^{{}}")])?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    /// The file at `path` in commit `rev`; `None` when there is none.
    pub fn file_at(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>> {
        let listing = run_git(Some(self), &["ls-tree", "-z", rev, "--", path])?;
        let Some(entry) = listing.split(|&b| b == 0).find(|e| !e.is_empty()) else { return Ok(None) };
        // `<mode> SP <type> SP <id> TAB <path>`
        let entry = String::from_utf8_lossy(entry);
        let mut fields = entry.split(['\t', ' ']);
        let (_mode, kind, id) = (fields.next(), fields.next(), fields.next());
        match (kind, id) {
            (Some("blob"), Some(id)) => Ok(Some(run_git(Some(self), &["cat-file", "blob", id])?)),
            (Some(kind), _) => bail!("{path} at {rev} is a {kind}, not a file"),
            _ => bail!("cannot read {path} at {rev}"),
        }
    }

    /// `git rev-list --boundary <tip> --not --all <also...>`: the commits `tip` brings that no
    /// ref (nor any of `also`, tips already scanned in this push) reaches.
    pub fn new_commits(&self, tip: &str, also: &[String]) -> Result<NewCommits> {
        let mut args = vec!["rev-list", "--boundary", tip, "--not", "--all"];
        args.extend(also.iter().map(String::as_str));
        let out = run_git(Some(self), &args)?;
        let mut found = NewCommits::default();
        for line in String::from_utf8_lossy(&out).lines() {
            match line.strip_prefix('-') {
                Some(id) => found.boundary.push(id.to_string()),
                None => found.commits.push(line.to_string()),
            }
        }
        Ok(found)
    }

    /// Hands `visit` the files the commits of `new` change, scoped to their added lines, and
    /// checks the walk covered exactly those commits.
    pub fn read(&self, name: &str, tip: &str, new: &NewCommits, max_size: u64, visit: &mut dyn FnMut(Item)) -> Result<Pushed> {
        let mut updates = vec![push::Update { local_ref: name.to_string(), local: Some(tip.to_string()), remote_ref: name.to_string(), remote: None }];
        for id in &new.boundary {
            updates.push(push::Update { local_ref: String::new(), local: None, remote_ref: String::new(), remote: Some(id.clone()) });
        }
        let pushed = push::read(&updates, None, max_size, visit)?;
        let walked: HashSet<&str> = pushed.commits.iter().map(|c| c.id.as_str()).collect();
        let listed: HashSet<&str> = new.commits.iter().map(String::as_str).collect();
        if walked != listed {
            bail!("{name}: the commits read ({}) are not the {} git lists as new", walked.len(), listed.len());
        }
        Ok(pushed)
    }

    fn git(&self) -> Command {
        let mut cmd = Command::new("git");
        cmd.env("GIT_DIR", &self.git_dir);
        cmd
    }
}

/// Runs git in `server` (or wherever the environment says), returning its stdout.
fn run_git(server: Option<&Server>, args: &[&str]) -> Result<Vec<u8>> {
    let mut cmd = match server {
        Some(server) => server.git(),
        None => Command::new("git"),
    };
    let out = cmd.args(args).output().context("cannot run git")?;
    if !out.status.success() {
        bail!("git {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(out.stdout)
}

/// The folders in `GIT_ALTERNATE_OBJECT_DIRECTORIES`: `:`-separated, an entry starting with
/// `"` written C-style (git quotes paths that hold a `:`).
fn alternate_dirs(list: &OsString) -> Result<Vec<PathBuf>> {
    let text = list.to_str().context("GIT_ALTERNATE_OBJECT_DIRECTORIES is not UTF-8")?;
    let mut dirs = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('"') {
            let (path, after) = unquote(quoted).context("GIT_ALTERNATE_OBJECT_DIRECTORIES has a badly quoted entry")?;
            dirs.push(PathBuf::from(path));
            rest = after.strip_prefix(':').unwrap_or(after);
        } else {
            let (entry, after) = rest.split_once(':').unwrap_or((rest, ""));
            if !entry.is_empty() {
                dirs.push(PathBuf::from(entry));
            }
            rest = after;
        }
    }
    Ok(dirs)
}

/// A C-quoted string after its opening `"`: the text, and what follows the closing `"`.
fn unquote(text: &str) -> Option<(String, &str)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Some((String::from_utf8(out).ok()?, &text[i + 1..])),
            b'\\' => {
                let next = *bytes.get(i + 1)?;
                match next {
                    b'0'..=b'7' => {
                        let digits = text.get(i + 1..i + 4)?;
                        out.push(u8::from_str_radix(digits, 8).ok()?);
                        i += 4;
                        continue;
                    }
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    other => out.push(other),
                }
                i += 2;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    None
}

/// A fresh folder of our own under the system temp folder.
fn make_scratch() -> Result<PathBuf> {
    let base = std::env::temp_dir();
    for attempt in 0..100u32 {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no source of random bytes: {e}"))?;
        let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let dir = base.join(format!("leakguard-pre-receive-{name}"));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 99 => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create a temp folder in {}", base.display())),
        }
    }
    bail!("cannot create a temp folder in {}", base.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_and_zero_ids_mean_create_or_delete() {
        let a = "a".repeat(40);
        let zero = "0".repeat(40);
        let input = format!("{zero} {a} refs/heads/new\n\n{a} {zero} refs/tags/gone\n");
        let updates = parse(&input).expect("valid lines");
        assert_eq!(updates.len(), 2);
        assert_eq!(updates[0], Update { old: None, new: Some(a.clone()), name: "refs/heads/new".into() });
        assert_eq!(updates[1], Update { old: Some(a), new: None, name: "refs/tags/gone".into() });
    }

    #[test]
    fn malformed_lines_are_errors() {
        assert!(parse("abc def\n").is_err());
        assert!(parse(&format!("{} xyz refs/heads/main\n", "0".repeat(40))).is_err());
        assert!(parse(&format!("{} {} refs/heads/main extra\n", "0".repeat(40), "1".repeat(40))).is_err());
    }

    #[test]
    fn alternates_split_on_colons_and_unquote() {
        let dirs = alternate_dirs(&OsString::from("/a/objects:\"/b:c/objects\":/d")).expect("valid list");
        assert_eq!(dirs, vec![PathBuf::from("/a/objects"), PathBuf::from("/b:c/objects"), PathBuf::from("/d")]);
        let dirs = alternate_dirs(&OsString::from("\"/x\\\"y\\101\"")).expect("valid list");
        assert_eq!(dirs, vec![PathBuf::from("/x\"yA")]);
        assert!(alternate_dirs(&OsString::from("\"/unterminated")).is_err());
    }
}
