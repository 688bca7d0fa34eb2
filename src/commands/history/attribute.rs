//! Which findings of a history scan are leaks, and which commit introduced each.
//!
//! The scan reads each distinct blob once, at every path it had; a finding of blob B at path
//! P belongs to the commit that first put B at P. It is new there only if the file P came
//! from in that commit's first parent (P itself after an edit, the old path after a move, as
//! git pairs them) did not have the same secret: an edit or a rename carries a secret over,
//! a copy or an addition does not. Of the new findings of one (rule, secret, path), the
//! earliest is reported. Whether a finding is new depends only on the finding and the history,
//! never on which blobs a `--shard` holds, so shards merged (earliest kept) equal the whole.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::chunk::{CommitInfo, Provenance};
use crate::commands::judge::judge_item;
use crate::engine::Engine;
use crate::finding::Finding;
use crate::source::history::{History, Origin, Origins};

/// A finding's (rule, secret, path): one leak, reported once.
type Leak<'a> = (&'a str, &'a str, &'a str);

/// Where a leak was first new, if anywhere, and the errors met deciding it.
type Decided = (Option<(u32, usize)>, Vec<String>);

/// (blob, path, rule, secret) of every finding the scan made.
type Known<'a> = HashSet<(usize, &'a str, &'a str, &'a str)>;

/// Findings arrive per path of their blob: `(blob, path index, finding)`. `judged[blob]` says
/// the scan judged that blob, so its findings are known without reading it again. Errors met
/// reading an origin are pushed to `errors`; the finding is then kept.
pub(in crate::commands) fn attribute(
    history: &History,
    engine: &Engine<'_>,
    max_size: u64,
    found: Vec<(usize, usize, Finding)>,
    judged: &[bool],
    errors: &mut Vec<String>,
) -> Result<Vec<Finding>> {
    let mut spread: Vec<(u32, usize, Finding)> = Vec::with_capacity(found.len());
    for (blob, at, finding) in found {
        let (_, seq) = history.paths(blob).nth(at).context("a finding at a path its blob did not have")?;
        spread.push((seq, blob, finding));
    }
    // Each (rule, secret, path) with the places it was found, earliest first.
    let mut places: HashMap<Leak<'_>, Vec<(u32, usize)>> = HashMap::new();
    for (seq, blob, f) in &spread {
        places.entry((f.rule_id.as_str(), f.secret.as_str(), f.location.path.as_str())).or_default().push((*seq, *blob));
    }
    let known: Known<'_> = spread.iter().map(|(_, blob, f)| (*blob, f.location.path.as_str(), f.rule_id.as_str(), f.secret.as_str())).collect();
    for list in places.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    let mut keys: Vec<_> = places.keys().copied().collect();
    // By path first: the leaks of one file ask about the same commits, and a thread's
    // `Carried` remembers their origins. Sorted, errors come in the same order on every run.
    keys.sort_unstable_by_key(|&(rule, secret, path)| (path, rule, secret));
    // Each leak is decided on its own, so on every thread: most of the cost is reading trees.
    // A few long runs per thread, not many short ones: each run starts with empty caches.
    let run = keys.len().div_ceil(4 * rayon::current_num_threads()).max(1);
    let decided = keys
        .par_iter()
        .with_min_len(run)
        .map_init(
            || Carried::new(history, engine, max_size, &known, judged),
            |carried, &key| -> Result<Decided> {
                let mut errors = Vec::new();
                for &(seq, blob) in &places[&key] {
                    let (rule, secret, path) = key;
                    if !carried.over(seq, path, rule, secret, &mut errors)? {
                        return Ok((Some((seq, blob)), errors));
                    }
                }
                Ok((None, errors))
            },
        )
        .collect::<Result<Vec<_>>>()?;
    let mut first: HashMap<Leak<'_>, (u32, usize)> = HashMap::with_capacity(places.len());
    for (key, (place, found_errors)) in keys.into_iter().zip(decided) {
        errors.extend(found_errors);
        if let Some(place) = place {
            first.insert(key, place);
        }
    }
    let keep: Vec<bool> =
        spread.iter().map(|(seq, blob, f)| first.get(&(f.rule_id.as_str(), f.secret.as_str(), f.location.path.as_str())) == Some(&(*seq, *blob))).collect();
    let mut commits: HashMap<u32, Arc<CommitInfo>> = HashMap::new();
    let mut out = Vec::new();
    for ((seq, _, mut f), keep) in spread.into_iter().zip(keep) {
        if !keep {
            continue;
        }
        let info = match commits.get(&seq) {
            Some(info) => info.clone(),
            None => {
                let info = Arc::new(history.commit_info(seq).context("cannot attribute a finding to its commit")?);
                commits.insert(seq, info.clone());
                info
            }
        };
        f.provenance = Provenance::Commit(info);
        out.push(f);
    }
    Ok(out)
}

/// Answers whether a secret was carried over from a file's origin, reading each origin the
/// scan did not judge (another shard's, or one before the selected range) once.
struct Carried<'a> {
    engine: &'a Engine<'a>,
    origins: Origins<'a>,
    judged: &'a [bool],
    known: &'a Known<'a>,
    /// The origin of each (commit, path) asked about.
    origin: HashMap<(u32, String), Option<Origin>>,
    /// (rule, secret) pairs found in each origin read again.
    read: HashMap<Origin, HashSet<(String, String)>>,
}

impl<'a> Carried<'a> {
    fn new(history: &'a History, engine: &'a Engine<'a>, max_size: u64, known: &'a Known<'a>, judged: &'a [bool]) -> Self {
        Carried { engine, origins: history.origins(max_size), judged, known, origin: HashMap::new(), read: HashMap::new() }
    }

    /// Whether the file at `path` in the commit at `seq` had `secret` (found by `rule`) where
    /// it came from.
    fn over(&mut self, seq: u32, path: &str, rule: &str, secret: &str, errors: &mut Vec<String>) -> Result<bool> {
        let key = (seq, path.to_string());
        let origin = match self.origin.get(&key) {
            Some(origin) => origin.clone(),
            None => {
                let origin = self.origins.origin(seq, path)?;
                self.origin.insert(key, origin.clone());
                origin
            }
        };
        let Some(origin) = origin else { return Ok(false) };
        if let Some(blob) = origin.blob.filter(|&b| self.judged[b]) {
            return Ok(self.known.contains(&(blob, origin.path.as_str(), rule, secret)));
        }
        if !self.read.contains_key(&origin) {
            let found = match self.origins.item(&origin).and_then(|item| judge_item(self.engine, &item)) {
                Ok(found) => found.into_iter().map(|f| (f.rule_id, f.secret)).collect(),
                Err(e) => {
                    errors.push(format!("{} (blob {}): {e:#}", origin.path, origin.id));
                    HashSet::new()
                }
            };
            self.read.insert(origin.clone(), found);
        }
        Ok(self.read[&origin].contains(&(rule.to_string(), secret.to_string())))
    }
}
