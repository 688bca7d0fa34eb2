//! Git hook installation: our hook script goes into the folder git runs hooks from (the
//! repository's, or with `--global` the global `core.hooksPath`), and a hook already there is
//! kept and chained.
//!
//! No step leaves the folder less protected than it was: the new script is written and flushed
//! beside the old hook, the user's hook is linked aside before the script is renamed over it,
//! and a failure puts everything back. The script itself fails closed (`hooks/common.sh`).

mod global;

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

pub use global::{global_dir, managed_dir, set_global_dir, unset_global_dir, GlobalDir};

use crate::atomic;

const COMMON: &str = include_str!("../hooks/common.sh");
const PRE_COMMIT: &str = include_str!("../hooks/pre-commit");
const PRE_PUSH: &str = include_str!("../hooks/pre-push");
const COMMIT_MSG: &str = include_str!("../hooks/commit-msg");

/// The hook protocol the scripts speak: they run `leakguard hook-handshake 1` and go on only
/// when it answers `HANDSHAKE_REPLY`.
pub const HANDSHAKE_PROTOCOL: &str = "1";
pub const HANDSHAKE_REPLY: &str = "leakguard-hook-ok 1";

/// The folder, inside the hooks folder, that keeps the hooks we chain. A hook kept there keeps
/// its own file name, which tools that read `$0` (husky) rely on.
pub const CHAINED_DIR: &str = ".leakguard-chained";

/// Which git hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    PreCommit,
    PrePush,
    CommitMsg,
}

impl Kind {
    /// The hook's file name, as git knows it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::PreCommit => "pre-commit",
            Kind::PrePush => "pre-push",
            Kind::CommitMsg => "commit-msg",
        }
    }

    fn template(self) -> &'static str {
        match self {
            Kind::PreCommit => PRE_COMMIT,
            Kind::PrePush => PRE_PUSH,
            Kind::CommitMsg => COMMIT_MSG,
        }
    }

    /// Every installed script carries this line, so we know our own hook from a user's.
    fn marker(self) -> &'static str {
        match self {
            Kind::PreCommit => "leakguard pre-commit hook",
            Kind::PrePush => "leakguard pre-push hook",
            Kind::CommitMsg => "leakguard commit-msg hook",
        }
    }
}

/// The script `install` writes: runs `binary`; a global one also runs each repository's hook.
pub fn script(kind: Kind, binary: &Path, global: bool) -> String {
    let quoted = binary.to_string_lossy().replace('\'', r"'\''");
    kind.template()
        .replace("@GLOBAL@", if global { "1" } else { "0" })
        .replace("@COMMON@", COMMON.trim_end())
        .replace("@LEAKGUARD@", &quoted)
}

/// What `install` or `uninstall` did, for the user.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Installed { path: PathBuf, chained: Option<PathBuf> },
    /// Our hook was there and is rewritten; `migrated` when a hook chained by an earlier
    /// version moved to its new place.
    Updated { path: PathBuf, migrated: Option<PathBuf> },
    Removed { path: PathBuf, restored: bool },
    NotInstalled { path: PathBuf },
}

/// The hooks folder git runs the hooks of the repository around the current directory from,
/// and whether it is set by the global (or system) git config, so shared by every repository.
/// `core.hooksPath` is read by git itself, so includes, worktree config and which file wins
/// are git's.
pub fn hooks_dir() -> Result<(PathBuf, bool)> {
    let repo = crate::source::repo::open()?;
    let out = Command::new("git")
        .args(["config", "--show-scope", "--type=path", "--get", "core.hooksPath"])
        .output()
        .context("cannot run git to read core.hooksPath")?;
    match out.status.code() {
        Some(0) => {}
        // Not set: the hooks folder every work tree shares.
        Some(1) => return Ok((crate::source::repo::common_dir(&repo).join("hooks"), false)),
        _ => bail!("cannot read core.hooksPath: {}", String::from_utf8_lossy(&out.stderr).trim()),
    }
    let Some((scope, path)) = parse_scoped(&out.stdout) else {
        bail!("unexpected output from git config --show-scope: {}", String::from_utf8_lossy(&out.stdout).trim());
    };
    // A relative folder is relative to where git runs hooks: the work-tree root, or the git dir
    // of a bare repository.
    let base = repo.work_dir().unwrap_or_else(|| repo.git_dir()).to_path_buf();
    Ok((base.join(path), matches!(scope.as_str(), "global" | "system")))
}

/// `<scope>\t<value>\n`, as `git config --show-scope --get` prints it.
fn parse_scoped(out: &[u8]) -> Option<(String, PathBuf)> {
    let line = out.strip_suffix(b"\n").unwrap_or(out);
    let tab = line.iter().position(|&b| b == b'\t')?;
    let scope = std::str::from_utf8(&line[..tab]).ok()?;
    #[cfg(unix)]
    let path = PathBuf::from(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&line[tab + 1..]));
    #[cfg(not(unix))]
    let path = PathBuf::from(String::from_utf8_lossy(&line[tab + 1..]).into_owned());
    Some((scope.to_string(), path))
}

/// Whether the hook at `dir` is ours.
pub fn is_installed(dir: &Path, kind: Kind) -> bool {
    is_ours(&dir.join(kind.name()), kind)
}

fn is_ours(path: &Path, kind: Kind) -> bool {
    fs::read(path).map(|t| String::from_utf8_lossy(&t).contains(kind.marker())).unwrap_or(false)
}

/// Where a replaced hook is kept, and where an earlier version kept it.
fn chained_paths(dir: &Path, kind: Kind) -> (PathBuf, PathBuf) {
    (dir.join(CHAINED_DIR).join(kind.name()), dir.join(format!("{}.leakguard-chained", kind.name())))
}

/// Whether anything (even a dangling symlink) is at `path`.
fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Installs the hook into `dir`, running `leakguard` at `binary`.
pub fn install(dir: &Path, binary: &Path, kind: Kind, global: bool) -> Result<Outcome> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(kind.name());
    let (chained, legacy) = chained_paths(dir, kind);
    // Written and flushed first: if this fails, nothing has changed.
    let pending = atomic::Pending::new(&path, script(kind, binary, global).as_bytes(), Some(0o755))
        .with_context(|| format!("cannot write a new hook in {}; {} is unchanged", dir.display(), path.display()))?;
    if !exists(&path) {
        pending.commit().with_context(|| format!("cannot write {}", path.display()))?;
        return Ok(Outcome::Installed { path, chained: None });
    }
    if is_ours(&path, kind) {
        if !exists(&legacy) {
            pending.commit().with_context(|| format!("cannot update {}", path.display()))?;
            return Ok(Outcome::Updated { path, migrated: None });
        }
        // The hook an earlier version chained moves to its new place; the old script keeps
        // finding it under the old name until the new one is in place.
        if exists(&chained) {
            bail!("both {} and {} hold a chained hook: keep one of them, then install again", legacy.display(), chained.display());
        }
        let kept = keep_aside(&legacy, &chained)?;
        if let Err(e) = pending.commit() {
            kept.undo(&legacy, &chained);
            return Err(e).with_context(|| format!("cannot update {}; it is unchanged", path.display()));
        }
        if kept == Kept::Linked {
            let _ = fs::remove_file(&legacy);
        }
        return Ok(Outcome::Updated { path, migrated: Some(chained) });
    }
    for other in [&chained, &legacy] {
        if exists(other) {
            bail!(
                "{} is not leakguard's hook, and {} holds one an earlier install kept: move one of them away, then install again",
                path.display(),
                other.display()
            );
        }
    }
    let kept = keep_aside(&path, &chained)?;
    if let Err(e) = pending.commit() {
        kept.undo(&path, &chained);
        return Err(e).with_context(|| format!("cannot write {}; the hook that was there is unchanged", path.display()));
    }
    Ok(Outcome::Installed { path, chained: Some(chained) })
}

/// Removes our hook from `dir` and puts back the hook it chained.
pub fn uninstall(dir: &Path, kind: Kind) -> Result<Outcome> {
    let path = dir.join(kind.name());
    if !is_ours(&path, kind) {
        return Ok(Outcome::NotInstalled { path });
    }
    let (chained, legacy) = chained_paths(dir, kind);
    let restored = if exists(&chained) {
        put_back(&chained, &path)?;
        true
    } else if exists(&legacy) {
        put_back(&legacy, &path)?;
        true
    } else {
        fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        false
    };
    // Left only when something else is in it.
    let _ = fs::remove_dir(dir.join(CHAINED_DIR));
    Ok(Outcome::Removed { path, restored })
}

/// How a hook was kept aside, so a failure can undo it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    /// A second name for the same file (or an equivalent symlink): the original is untouched.
    Linked,
    /// Moved: the original name is gone until the new hook takes it.
    Moved,
}

impl Kept {
    fn undo(self, original: &Path, kept: &Path) {
        let _ = match self {
            Kept::Linked => fs::remove_file(kept),
            Kept::Moved => fs::rename(kept, original),
        };
    }
}

/// Keeps the hook at `from` also at `to` (inside `CHAINED_DIR`, or the other way round). A
/// symlink is re-pointed so it still reaches the same file; a file gets a hard link, so the
/// hook never goes missing, or is moved where the file system has no hard links.
fn keep_aside(from: &Path, to: &Path) -> Result<Kept> {
    let parent = to.parent().expect("a chained hook path has a folder");
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let meta = fs::symlink_metadata(from).with_context(|| format!("cannot read {}", from.display()))?;
    let result = if meta.file_type().is_symlink() {
        relink(from, to).map(|()| Kept::Linked)
    } else {
        fs::hard_link(from, to).map(|()| Kept::Linked).or_else(|_| fs::rename(from, to).map(|()| Kept::Moved))
    };
    result.with_context(|| format!("cannot keep {} as {}; nothing was changed", from.display(), to.display()))
}

/// Moves a kept hook back to `path`, over our hook, in one rename.
fn put_back(kept: &Path, path: &Path) -> Result<()> {
    let is_link = fs::symlink_metadata(kept).map(|m| m.file_type().is_symlink()).unwrap_or(false);
    if is_link && kept.parent() != path.parent() {
        // A new symlink, re-pointed, renamed over our hook; then the kept one goes.
        let temp = path.with_file_name(format!(".{}.leakguard-restore", path.file_name().expect("hook file").to_string_lossy()));
        let _ = fs::remove_file(&temp);
        relink(kept, &temp).with_context(|| format!("cannot restore {}", kept.display()))?;
        if let Err(e) = fs::rename(&temp, path) {
            let _ = fs::remove_file(&temp);
            return Err(e).with_context(|| format!("cannot restore {} to {}", kept.display(), path.display()));
        }
        fs::remove_file(kept).with_context(|| format!("restored {}, but cannot remove {}", path.display(), kept.display()))
    } else {
        fs::rename(kept, path).with_context(|| format!("cannot restore {} to {}", kept.display(), path.display()))
    }
}

/// Creates at `to` a symlink reaching what the symlink at `from` reaches.
#[cfg(unix)]
fn relink(from: &Path, to: &Path) -> io::Result<()> {
    let target = fs::read_link(from)?;
    let from_dir = from.parent().unwrap_or(Path::new(""));
    let to_dir = to.parent().unwrap_or(Path::new(""));
    std::os::unix::fs::symlink(rebase(&target, from_dir, to_dir), to)
}

#[cfg(not(unix))]
fn relink(from: &Path, to: &Path) -> io::Result<()> {
    fs::copy(from, to).map(|_| ())
}

/// A relative symlink target, as seen from `to_dir` instead of `from_dir`; the two folders are
/// the hooks folder and its `CHAINED_DIR`, one level apart.
fn rebase(target: &Path, from_dir: &Path, to_dir: &Path) -> PathBuf {
    if target.is_absolute() || from_dir == to_dir {
        return target.to_path_buf();
    }
    if to_dir.parent() == Some(from_dir) {
        // One level down.
        return Path::new("..").join(target);
    }
    // One level up: drop the leading `..` we added, or step into the folder we came from.
    let mut parts = target.components();
    match parts.next() {
        Some(Component::ParentDir) => parts.as_path().to_path_buf(),
        _ => Path::new(from_dir.file_name().unwrap_or_default()).join(target),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlink_targets_rebase_both_ways() {
        let hooks = Path::new("/r/.git/hooks");
        let kept = hooks.join(CHAINED_DIR);
        let down = rebase(Path::new("../../tools/hook.sh"), hooks, &kept);
        assert_eq!(down, Path::new("../../../tools/hook.sh"));
        assert_eq!(rebase(&down, &kept, hooks), Path::new("../../tools/hook.sh"));
        assert_eq!(rebase(Path::new("mine.sh"), &kept, hooks), Path::new(".leakguard-chained/mine.sh"));
        assert_eq!(rebase(Path::new("/abs/hook"), hooks, &kept), Path::new("/abs/hook"));
    }

    #[test]
    fn scoped_values_parse() {
        assert_eq!(parse_scoped(b"local\tci/hooks\n"), Some(("local".to_string(), PathBuf::from("ci/hooks"))));
        assert_eq!(parse_scoped(b"global\t/a\tb\n"), Some(("global".to_string(), PathBuf::from("/a\tb"))));
        assert_eq!(parse_scoped(b"no scope\n"), None);
    }

    #[test]
    fn scripts_have_no_placeholder_left() {
        for kind in [Kind::PreCommit, Kind::PrePush, Kind::CommitMsg] {
            let text = script(kind, Path::new("/opt/it's/leakguard"), true);
            for placeholder in ["@GLOBAL@", "@COMMON@", "@LEAKGUARD@"] {
                assert!(!text.contains(placeholder), "{kind:?}: {text}");
            }
            assert!(text.contains(kind.marker()));
            assert!(text.contains(r"leakguard='/opt/it'\''s/leakguard'"));
            assert!(text.contains(HANDSHAKE_REPLY));
        }
    }
}
