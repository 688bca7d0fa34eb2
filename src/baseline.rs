//! `.leakguard-baseline.toml`: findings accepted when the baseline was written.
//!
//! An entry is (rule, path, hash of the secret). No line number, so an entry survives the line
//! moving and edits elsewhere in the file; the path makes the same secret pasted into another
//! file a new finding. The hash is salted (a random salt written once per baseline, so hashes
//! do not match across repositories) and stretched (so a short password is costly to guess
//! from it). Output is sorted and carries no timestamp: regenerating it changes nothing unless
//! the findings changed.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::sync::Mutex;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::config::ConfigError;

/// The file name looked for at the repository root.
pub const FILE_NAME: &str = ".leakguard-baseline.toml";
const VERSION: u32 = 1;
const ROUNDS: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub hash: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    salt: String,
    #[serde(default)]
    accepted: Vec<Entry>,
}

#[derive(Debug)]
pub struct Baseline {
    salt: String,
    entries: BTreeSet<Entry>,
    /// (rule, path) pairs present, so findings elsewhere skip the hashing.
    keys: BTreeSet<(String, String)>,
    /// Hashes computed this run, by (rule, secret).
    memo: Mutex<HashMap<(String, String), String>>,
}

impl Baseline {
    /// An empty baseline with a fresh salt.
    pub fn new() -> Baseline {
        let state = RandomState::new();
        let salt: String = (0..2)
            .map(|i| {
                let mut h = state.build_hasher();
                h.write_usize(i);
                format!("{:016x}", h.finish())
            })
            .collect();
        Baseline::with_salt(salt)
    }

    fn with_salt(salt: String) -> Baseline {
        Baseline { salt, entries: BTreeSet::new(), keys: BTreeSet::new(), memo: Mutex::new(HashMap::new()) }
    }

    /// Reads a baseline file; `None` when there is none.
    pub fn load(path: &Path) -> Result<Option<Baseline>, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ConfigError::io(path, &e)),
        };
        let file: File = toml::from_str(&text).map_err(|e| ConfigError::from_toml(path, &text, &e))?;
        if file.version != VERSION {
            return Err(ConfigError::at(path, &text, 0..0, format!("baseline version {} is not supported (expected {VERSION})", file.version)));
        }
        let mut baseline = Baseline::with_salt(file.salt);
        for entry in file.accepted {
            baseline.insert(entry);
        }
        Ok(Some(baseline))
    }

    /// An empty baseline with this one's salt, so rewriting it keeps every hash.
    pub fn fresh_copy(&self) -> Baseline {
        Baseline::with_salt(self.salt.clone())
    }

    pub fn insert(&mut self, entry: Entry) {
        self.keys.insert((entry.rule.clone(), entry.path.clone()));
        self.entries.insert(entry);
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// The entry a finding of `rule` with `secret` at `path` would have.
    pub fn entry(&self, rule: &str, path: &str, secret: &str) -> Entry {
        Entry { path: path.to_string(), rule: rule.to_string(), hash: self.hash(rule, secret) }
    }

    pub fn contains(&self, rule: &str, path: &str, secret: &str) -> bool {
        self.keys.contains(&(rule.to_string(), path.to_string())) && self.entries.contains(&self.entry(rule, path, secret))
    }

    /// Salted, stretched SHA-256 of (rule, secret), hex.
    pub fn hash(&self, rule: &str, secret: &str) -> String {
        let key = (rule.to_string(), secret.to_string());
        if let Some(hit) = self.memo.lock().expect("memo lock is never poisoned").get(&key) {
            return hit.clone();
        }
        let mut digest = Sha256::new()
            .chain_update(self.salt.as_bytes())
            .chain_update(b"\0")
            .chain_update(rule.as_bytes())
            .chain_update(b"\0")
            .chain_update(secret.as_bytes())
            .finalize();
        for _ in 0..ROUNDS {
            digest = Sha256::new().chain_update(digest).chain_update(self.salt.as_bytes()).finalize();
        }
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        self.memo.lock().expect("memo lock is never poisoned").insert(key, hex.clone());
        hex
    }

    /// The file's text: a short header, then entries sorted by path, rule and hash.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# leakguard baseline: findings accepted when it was written. Each entry is a rule, a path\n\
             # and a salted, stretched hash of the secret (never the secret). Update it with\n\
             # `leakguard baseline --update` (add new findings) or `--prune` (drop those gone).\n",
        );
        out.push_str(&format!("version = {VERSION}\nsalt = \"{}\"\n", self.salt));
        for e in &self.entries {
            out.push_str(&format!("\n[[accepted]]\npath = {}\nrule = \"{}\"\nhash = \"{}\"\n", toml_string(&e.path), e.rule, e.hash));
        }
        out
    }
}

impl Default for Baseline {
    fn default() -> Self {
        Baseline::new()
    }
}

/// A TOML basic string (paths may hold quotes, backslashes or control characters).
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_sorted_without_the_secret() {
        let mut b = Baseline::with_salt("00ff".into());
        b.insert(b.entry("rule-b", "z.py", "s3cr3t-value-1"));
        b.insert(b.entry("rule-a", "dir/a \"q\".py", "s3cr3t-value-2"));
        let text = b.to_toml();
        assert!(!text.contains("s3cr3t"));
        assert!(text.find("dir/a").expect("entry a") < text.find("z.py").expect("entry b"));
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, &text).expect("write");
        let back = Baseline::load(&path).expect("parses").expect("exists");
        assert_eq!(back.to_toml(), text, "stable: writing what was read changes nothing");
        assert!(back.contains("rule-b", "z.py", "s3cr3t-value-1"));
        assert!(!back.contains("rule-b", "other.py", "s3cr3t-value-1"), "a new file is a new finding");
        assert!(!back.contains("rule-b", "z.py", "s3cr3t-value-2"));
    }

    #[test]
    fn salts_differ_so_hashes_differ() {
        let (a, b) = (Baseline::new(), Baseline::new());
        assert_ne!(a.hash("r", "secret"), b.hash("r", "secret"));
        assert_eq!(a.hash("r", "secret"), a.hash("r", "secret"));
    }
}
