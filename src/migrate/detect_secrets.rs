//! Imports a detect-secrets baseline. It stores, per file, the SHA-1 of each accepted secret;
//! a current leakguard finding whose secret hashes the same, in the same file, is accepted.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;
use sha1::{Digest, Sha1};

use crate::baseline::{Baseline, Entry};
use crate::finding::Finding;

#[derive(Deserialize)]
struct File {
    results: std::collections::BTreeMap<String, Vec<Secret>>,
}

#[derive(Deserialize)]
struct Secret {
    hashed_secret: String,
}

/// The entries to accept, and a one-line account of the import.
pub fn import(
    path: &Path,
    found: &[Finding],
    baseline: &Baseline,
    repo_path: impl Fn(&Finding) -> String,
) -> Result<(Vec<Entry>, String)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: File = serde_json::from_str(&text).with_context(|| format!("{} is not a detect-secrets baseline", path.display()))?;
    let accepted: BTreeSet<(String, String)> = file
        .results
        .iter()
        .flat_map(|(name, secrets)| secrets.iter().map(move |s| (name.replace('\\', "/"), s.hashed_secret.to_lowercase())))
        .collect();
    let mut matched = BTreeSet::new();
    let mut entries = Vec::new();
    for finding in found {
        let key = (repo_path(finding), sha1_hex(&finding.secret));
        if accepted.contains(&key) {
            entries.push(baseline.entry(&finding.rule_id, &key.0, &finding.secret));
            matched.insert(key);
        }
    }
    let report = format!(
        "imported {} of {} detect-secrets entries; {} matched no current leakguard finding and were not carried",
        matched.len(),
        accepted.len(),
        accepted.len() - matched.len()
    );
    Ok((entries, report))
}

fn sha1_hex(secret: &str) -> String {
    Sha1::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}
