//! `.leakguard-baseline.toml`: findings accepted when the baseline was written.
//!
//! An entry is (rule, path, hash of the secret). No line number, so an entry survives the line
//! moving and edits elsewhere in the file; the path makes the same secret pasted into another
//! file a new finding. The hash is salted (a random salt written once per baseline, so hashes
//! do not match across repositories) and memory-hard (argon2id, 19 MiB and two passes a guess,
//! so a short password is costly to guess from it even on a GPU). Output is sorted and carries
//! no timestamp: regenerating it changes nothing unless the findings changed.
//!
//! Version 1 files (salted, 4,096 rounds of SHA-256: cheap to guess against) are still read and
//! matched; `baseline --update` rewrites them as version 2.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Mutex;

use argon2::{Algorithm, Argon2, Block, Params, Version};
use rayon::prelude::*;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::file_error::ConfigError;

/// The file name looked for at the repository root.
pub const FILE_NAME: &str = ".leakguard-baseline.toml";
/// The version written.
pub const VERSION: u32 = 2;
/// Version 1's SHA-256 rounds (read only).
const V1_ROUNDS: usize = 4096;
/// argon2id cost of one hash: memory in KiB, passes, lanes (OWASP's minimum for argon2id).
const KDF_MEMORY_KIB: u32 = 19 * 1024;
const KDF_PASSES: u32 = 2;
const KDF_LANES: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub hash: String,
}

/// A triage verdict on an entry (as detect-secrets' `audit` gives), kept without the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mark {
    /// Not a secret (a test value, a placeholder): accepted for good.
    FalseAlarm,
    /// A real secret: accepted for now, to be revoked and taken out.
    Rotate,
}

impl Mark {
    pub const NAMES: [&'static str; 2] = ["false-alarm", "rotate"];

    pub fn as_str(self) -> &'static str {
        match self {
            Mark::FalseAlarm => "false-alarm",
            Mark::Rotate => "rotate",
        }
    }

    pub fn parse(s: &str) -> Option<Mark> {
        match s {
            "false-alarm" => Some(Mark::FalseAlarm),
            "rotate" => Some(Mark::Rotate),
            _ => None,
        }
    }
}

/// An entry as written: the entry, and its mark if it was triaged.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Written {
    path: String,
    rule: String,
    hash: String,
    #[serde(default)]
    mark: Option<Mark>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    salt: String,
    #[serde(default)]
    accepted: Vec<Written>,
}

#[derive(Debug)]
pub struct Baseline {
    /// The version of the hashes held (1 only for a file read from disk).
    version: u32,
    salt: String,
    entries: BTreeSet<Entry>,
    /// (rule, path) pairs present, so findings elsewhere skip the hashing.
    keys: BTreeSet<(String, String)>,
    /// Hashes computed this run, by (rule, secret).
    memo: Mutex<HashMap<(String, String), String>>,
    /// Hashes of the entries whose file is gone (renamed or moved), by rule: a finding of that
    /// rule with that secret is accepted at any path. See `follow_renames`.
    moved: HashMap<String, BTreeSet<String>>,
    /// Triage marks, by entry.
    marks: std::collections::BTreeMap<Entry, Mark>,
}

impl Baseline {
    /// An empty baseline with a fresh salt.
    pub fn new() -> Baseline {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).expect("the system has a source of random bytes");
        Baseline::with_salt(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    fn with_salt(salt: String) -> Baseline {
        Baseline { version: VERSION, salt, entries: BTreeSet::new(), keys: BTreeSet::new(), memo: Mutex::new(HashMap::new()), moved: HashMap::new(), marks: Default::default() }
    }

    /// The version of the hashes this baseline holds.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Reads a baseline file; `None` when there is none.
    pub fn load(path: &Path) -> Result<Option<Baseline>, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ConfigError::io(path, &e)),
        };
        let file: File = toml::from_str(&text).map_err(|e| ConfigError::from_toml(path, &text, &e))?;
        if !(1..=VERSION).contains(&file.version) {
            return Err(ConfigError::at(path, &text, 0..0, format!("baseline version {} is not supported (expected 1 to {VERSION})", file.version)));
        }
        if file.salt.len() < 16 {
            return Err(ConfigError::at(path, &text, 0..0, "the baseline's salt is shorter than 16 characters"));
        }
        let mut baseline = Baseline::with_salt(file.salt);
        baseline.version = file.version;
        for w in file.accepted {
            let entry = Entry { path: w.path, rule: w.rule, hash: w.hash };
            if let Some(mark) = w.mark {
                baseline.marks.insert(entry.clone(), mark);
            }
            baseline.insert(entry);
        }
        Ok(Some(baseline))
    }

    /// An empty baseline with this one's salt, in the current version, so rewriting a
    /// current baseline keeps every hash.
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

    pub fn mark(&self, entry: &Entry) -> Option<Mark> {
        self.marks.get(entry).copied()
    }

    /// Sets (or with `None` clears) the mark of an entry this baseline holds.
    pub fn set_mark(&mut self, entry: &Entry, mark: Option<Mark>) {
        match mark {
            Some(m) if self.entries.contains(entry) => {
                self.marks.insert(entry.clone(), m);
            }
            _ => {
                self.marks.remove(entry);
            }
        }
    }

    /// Whether an entry's hash has the form this version writes (64 hex digits): one that does
    /// not can never match.
    pub fn well_formed(&self, entry: &Entry) -> bool {
        entry.hash.len() == 64 && entry.hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }

    /// The entry a finding of `rule` with `secret` at `path` would have.
    pub fn entry(&self, rule: &str, path: &str, secret: &str) -> Entry {
        Entry { path: path.to_string(), rule: rule.to_string(), hash: self.hash(rule, secret) }
    }

    pub fn contains(&self, rule: &str, path: &str, secret: &str) -> bool {
        if self.keys.contains(&(rule.to_string(), path.to_string())) && self.entries.contains(&self.entry(rule, path, secret)) {
            return true;
        }
        self.moved.get(rule).is_some_and(|hashes| hashes.contains(&self.hash(rule, secret)))
    }

    /// Lets the entries whose file is gone, from the work tree and from the index, match at any
    /// path: after `git mv` (with or without an edit), the secret is the one accepted, so it
    /// must not block again. An entry whose file is still there keeps matching only there: the
    /// same secret pasted into a second file is still a new finding.
    pub fn follow_renames(&mut self, root: &Path) {
        let on_disk = |p: &str| std::fs::symlink_metadata(root.join(p)).is_ok();
        let missing: Vec<&Entry> = self.entries.iter().filter(|e| !on_disk(&e.path)).collect();
        if missing.is_empty() {
            return;
        }
        // Not in the work tree; gone only if the index (the commit being made) lacks it too.
        let Some(staged) = staged_paths(root) else { return };
        let mut moved: HashMap<String, BTreeSet<String>> = HashMap::new();
        for e in missing {
            if !staged.contains(e.path.as_bytes()) {
                moved.entry(e.rule.clone()).or_default().insert(e.hash.clone());
            }
        }
        self.moved = moved;
    }

    /// Hashes every (rule, secret) not hashed yet, on all cores, so the checks that follow
    /// find them memoised. `pairs` whose (rule, path) is in no entry are left out by callers.
    pub fn hash_all<'a>(&self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let pending: BTreeSet<(&str, &str)> = {
            let memo = self.memo.lock().expect("memo lock is never poisoned");
            pairs.into_iter().filter(|(r, s)| !memo.contains_key(&(r.to_string(), s.to_string()))).collect()
        };
        let pending: Vec<(&str, &str)> = pending.into_iter().collect();
        pending.par_iter().for_each(|(rule, secret)| {
            self.hash(rule, secret);
        });
    }

    /// Whether `secret` is this baseline's salt: generic rules see a random hex value assigned
    /// to `salt` in the baseline file itself, which is no secret.
    pub fn is_own_salt(&self, path: &str, secret: &str) -> bool {
        secret == self.salt && path.rsplit('/').next() == Some(FILE_NAME)
    }

    /// Whether a finding of `rule` at `path` could be in this baseline (no hashing).
    pub fn has_key(&self, rule: &str, path: &str) -> bool {
        self.keys.contains(&(rule.to_string(), path.to_string())) || self.moved.contains_key(rule)
    }

    /// The salted hash of (rule, secret) in this baseline's version, hex; memoised per run.
    pub fn hash(&self, rule: &str, secret: &str) -> String {
        let key = (rule.to_string(), secret.to_string());
        if let Some(hit) = self.memo.lock().expect("memo lock is never poisoned").get(&key) {
            return hit.clone();
        }
        let hex = if self.version == 1 { hash_v1(&self.salt, rule, secret) } else { hash_v2(&self.salt, rule, secret) };
        self.memo.lock().expect("memo lock is never poisoned").insert(key, hex.clone());
        hex
    }

    /// The file's text: a short header, then entries sorted by path, rule and hash.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# leakguard baseline: findings accepted when it was written. Each entry is a rule, a path\n\
             # and a salted argon2id hash of the secret (never the secret). Update it with\n\
             # `leakguard baseline --update` (add new findings) or `--prune` (drop those gone).\n",
        );
        out.push_str(&format!("version = {}\nsalt = \"{}\"\n", self.version, self.salt));
        for e in &self.entries {
            out.push_str(&format!("\n[[accepted]]\npath = {}\nrule = {}\nhash = {}\n", toml_string(&e.path), toml_string(&e.rule), toml_string(&e.hash)));
            if let Some(mark) = self.marks.get(e) {
                out.push_str(&format!("mark = \"{}\"\n", mark.as_str()));
            }
        }
        out
    }
}

impl Default for Baseline {
    fn default() -> Self {
        Baseline::new()
    }
}

/// The paths of the index git is about to commit, as git lists them: the index
/// `GIT_INDEX_FILE` names (`git commit -a` and `git commit -- path` stage into a temporary
/// one), else the repository's. `None` when git cannot list it.
fn staged_paths(root: &Path) -> Option<BTreeSet<Vec<u8>>> {
    let out = std::process::Command::new("git")
        .args(["ls-files", "-z", "--full-name"])
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status.success().then(|| out.stdout.split(|&b| b == 0).filter(|p| !p.is_empty()).map(<[u8]>::to_vec).collect())
}

/// Version 2: argon2id of (rule, secret) with the baseline's salt, 32 bytes in hex.
fn hash_v2(salt: &str, rule: &str, secret: &str) -> String {
    let params = Params::new(KDF_MEMORY_KIB, KDF_PASSES, KDF_LANES, Some(32)).expect("the argon2 parameters are valid");
    let kdf = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut input = Vec::with_capacity(rule.len() + secret.len() + 1);
    input.extend_from_slice(rule.as_bytes());
    input.push(0);
    input.extend_from_slice(secret.as_bytes());
    let mut out = [0u8; 32];
    // One 19 MiB work area per thread, reused: allocating and zeroing it for every hash costs
    // page faults, and the allocator keeps the freed areas around.
    thread_local! {
        static MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        memory.resize(kdf.params().block_count(), Block::default());
        kdf.hash_password_into_with_memory(&input, salt.as_bytes(), &mut out, &mut memory[..])
            .expect("salt, output and memory sizes are within argon2's limits");
    });
    out.iter().map(|b| format!("{b:02x}")).collect()
}

/// Version 1: salted SHA-256 stretched by 4,096 rounds (read only: too cheap to guess against).
pub fn hash_v1(salt: &str, rule: &str, secret: &str) -> String {
    let mut digest = Sha256::new()
        .chain_update(salt.as_bytes())
        .chain_update(b"\0")
        .chain_update(rule.as_bytes())
        .chain_update(b"\0")
        .chain_update(secret.as_bytes())
        .finalize();
    for _ in 0..V1_ROUNDS {
        digest = Sha256::new().chain_update(digest).chain_update(salt.as_bytes()).finalize();
    }
    digest.iter().map(|b| format!("{b:02x}")).collect()
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
        let mut b = Baseline::with_salt("00ff00ff00ff00ff".into());
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
    fn version_1_files_still_match() {
        let salt = "0123456789abcdef0123456789abcdef";
        let text = format!(
            "version = 1\nsalt = \"{salt}\"\n\n[[accepted]]\npath = \"a.py\"\nrule = \"r\"\nhash = \"{}\"\n",
            hash_v1(salt, "r", "pw")
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).expect("write");
        let v1 = Baseline::load(&path).expect("parses").expect("exists");
        assert_eq!(v1.version(), 1);
        assert!(v1.contains("r", "a.py", "pw"));
        let v2 = v1.fresh_copy();
        assert_eq!(v2.version(), VERSION);
        assert_ne!(v2.hash("r", "pw"), hash_v1(salt, "r", "pw"));
    }

    #[test]
    fn salts_differ_so_hashes_differ() {
        let (a, b) = (Baseline::new(), Baseline::new());
        assert_ne!(a.hash("r", "secret"), b.hash("r", "secret"));
        assert_eq!(a.hash("r", "secret"), a.hash("r", "secret"));
    }
}
