//! Atomic file writes: the new content goes to a temporary file in the target's folder, is
//! flushed to disk, then renamed over the target. A reader (git starting a hook, a hook reading
//! the baseline) sees the old file or the new one, never a half-written one; a failure at any
//! step (full disk, read-only folder, the process killed) leaves the old file as it was.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Writes `bytes` to `path` atomically. `mode` sets the unix permission bits; without it an
/// existing file keeps its own, and a new one gets the default (0666 less the umask).
pub fn write(path: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    Pending::new(path, bytes, mode)?.commit()
}

/// New content written and flushed beside its target, not yet in place. Dropped without
/// `commit`, it removes itself.
#[derive(Debug)]
pub struct Pending {
    temp: PathBuf,
    target: PathBuf,
    done: bool,
}

impl Pending {
    pub fn new(target: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<Pending> {
        remove_stale(target);
        let (temp, mut file) = create_temp(target)?;
        // From here on, dropping `pending` removes the temp file whatever fails next.
        let pending = Pending { temp, target: target.to_path_buf(), done: false };
        file.write_all(bytes)?;
        set_mode(&file, target, mode)?;
        file.sync_all()?;
        Ok(pending)
    }

    /// The temporary file, which `commit` renames over the target.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Renames the new content over the target: one atomic step.
    pub fn commit(mut self) -> io::Result<()> {
        fs::rename(&self.temp, &self.target)?;
        self.done = true;
        sync_folder(&self.target);
        Ok(())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Removes temporary files an earlier write to `target` left behind when it was killed.
fn remove_stale(target: &Path) {
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else { return };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(if dir.as_os_str().is_empty() { Path::new(".") } else { dir }) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(&prefix) && file.ends_with(".leakguard-tmp") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A new file beside `target`, named so that git never takes it for a hook.
fn create_temp(target: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = target.file_name().ok_or_else(|| io::Error::other(format!("{} does not name a file", target.display())))?;
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.{n}.leakguard-tmp", std::process::id()));
        let temp = target.with_file_name(temp_name);
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(unix)]
fn set_mode(file: &File, target: &Path, mode: Option<u32>) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match mode {
        Some(mode) => mode,
        None => match fs::metadata(target) {
            Ok(meta) => meta.permissions().mode() & 0o7777,
            Err(_) => return Ok(()),
        },
    };
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &File, _: &Path, _: Option<u32>) -> io::Result<()> {
    Ok(())
}

/// Flushes the folder entry of a rename, so the new name survives a power cut. Best effort:
/// not every platform or file system lets a folder be opened and synced.
fn sync_folder(target: &Path) {
    #[cfg(unix)]
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = target;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("f.toml");
        fs::write(&path, "old").expect("write");
        write(&path, b"new", None).expect("atomic write");
        assert_eq!(fs::read_to_string(&path).expect("read"), "new");
        assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 1, "no temp file left behind");
    }

    #[test]
    fn a_dropped_pending_write_changes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("hook");
        fs::write(&path, "old").expect("write");
        let pending = Pending::new(&path, b"new", Some(0o755)).expect("pending");
        assert!(pending.temp_path().exists());
        drop(pending);
        assert_eq!(fs::read_to_string(&path).expect("read"), "old");
        assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_or_sets_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("f");
        fs::write(&path, "old").expect("write");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod");
        write(&path, b"new", None).expect("write");
        assert_eq!(fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
        write(&path, b"newer", Some(0o755)).expect("write");
        assert_eq!(fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o755);
    }
}
