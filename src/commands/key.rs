//! The key of report fingerprints: `LEAKGUARD_FINGERPRINT_KEY` when set (CI, code scanning
//! across runs and machines), else a random key kept in the repository's git dir
//! (`.git/leakguard/fingerprint-key`, mode 0600, made on first use), else one in the user's
//! config dir. It never goes into a report, so a report alone cannot confirm a guess.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::finding::FingerprintKey;

pub const ENV: &str = "LEAKGUARD_FINGERPRINT_KEY";
const FILE: &str = "fingerprint-key";

/// The key for reports about the repository at `root`.
pub fn load(root: &Path) -> Result<FingerprintKey> {
    if let Some(value) = std::env::var_os(ENV).filter(|v| !v.is_empty()) {
        let bytes = value.into_encoded_bytes();
        if bytes.len() < 16 {
            bail!("{ENV} is shorter than 16 characters: too short to be a key");
        }
        return Ok(FingerprintKey::new(bytes));
    }
    let mut last_error = None;
    for dir in candidate_dirs(root) {
        match load_or_create(&dir.join(FILE)) {
            Ok(key) => return Ok(key),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| anyhow::anyhow!("no folder to keep it in")))
        .context(format!("cannot read or create the fingerprint key (set {ENV} to give one)"))
}

/// The repository's git dir first (a key per repository), then the user's config dir.
fn candidate_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(git) = crate::source::repo::common_dir_for(root) {
        dirs.push(git.join("leakguard"));
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".config")))
        .or_else(|| std::env::var_os("APPDATA").map(PathBuf::from));
    if let Some(config) = config {
        dirs.push(config.join("leakguard"));
    }
    dirs
}

fn load_or_create(path: &Path) -> Result<FingerprintKey> {
    match std::fs::read_to_string(path) {
        Ok(text) => return parse(path, &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    let dir = path.parent().expect("the key file is in a folder");
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no random bytes: {e}"))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    // Written whole under a temporary name, then linked into place: a concurrent run either
    // sees no key or the whole key, and the first to link wins.
    let temp = dir.join(format!(".{FILE}.{}", std::process::id()));
    let _ = std::fs::remove_file(&temp); // left by a run that died, under a reused process id
    let mut file = private_file(&temp).with_context(|| format!("cannot create {}", temp.display()))?;
    file.write_all(format!("{hex}\n").as_bytes()).and_then(|()| file.sync_all()).with_context(|| format!("cannot write {}", temp.display()))?;
    drop(file);
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(FingerprintKey::new(hex.into_bytes())),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            parse(path, &text)
        }
        Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
    }
}

fn parse(path: &Path, text: &str) -> Result<FingerprintKey> {
    let key = text.trim();
    if key.len() < 32 {
        bail!("{} is damaged (shorter than a key); delete it to make a new one", path.display());
    }
    Ok(FingerprintKey::new(key.as_bytes().to_vec()))
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)
}
