//! Imports a detect-secrets baseline. It stores, per file, the SHA-1 of each accepted secret;
//! a current leakguard finding in the same file is accepted when one of the spans
//! detect-secrets could have hashed for it has that SHA-1.
//!
//! detect-secrets hashes what its plugin's regex captured, which is not always our secret:
//! - private keys: the header words its deny list matched (`BEGIN RSA PRIVATE KEY`, without the
//!   dashes, `PuTTY-User-Key-File-2`), the same for every key of that type, where we take the
//!   key body;
//! - Slack webhooks: the whole URL (`https://hooks.slack.com/services/T…/B…/…`), where we take
//!   the path after `services/`;
//! - GitHub and GitLab tokens: only the prefix (`ghp`, `glpat`), its regex's first group, so
//!   one hash stands for every token of that kind in the file;
//! - keyword and other token plugins: the value, as we do.
//!
//! So each finding is tried under its secret, its whole match, a key header in either, and the
//! URL or token around the secret on its line. Every entry not carried is listed with why.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use regex::Regex;
use serde::Deserialize;
use sha1::{Digest, Sha1};

use crate::baseline::{Baseline, Entry};
use crate::finding::Finding;

#[derive(Deserialize)]
struct File {
    results: BTreeMap<String, Vec<Secret>>,
}

#[derive(Deserialize)]
struct Secret {
    hashed_secret: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    line_number: Option<u64>,
}

/// What an import carried, and what it did not.
pub struct Import {
    pub entries: Vec<Entry>,
    /// One line for the whole import.
    pub summary: String,
    /// One line per detect-secrets entry not carried, with the reason.
    pub dropped: Vec<String>,
}

/// The entries to accept. `root` is the repository root (to tell a file gone from a file
/// where leakguard finds nothing).
pub fn import(path: &Path, root: &Path, found: &[Finding], baseline: &Baseline, repo_path: impl Fn(&Finding) -> String) -> Result<Import> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: File = serde_json::from_str(&text).with_context(|| format!("{} is not a detect-secrets baseline", path.display()))?;

    // (path, sha1 of a candidate span) -> the findings it stands for.
    let mut by_hash: BTreeMap<(String, String), Vec<&Finding>> = BTreeMap::new();
    let mut files_with_findings = BTreeSet::new();
    for finding in found {
        let at = repo_path(finding);
        files_with_findings.insert(at.clone());
        for span in candidate_spans(finding) {
            by_hash.entry((at.clone(), sha1_hex(&span))).or_default().push(finding);
        }
    }

    let (mut total, mut carried) = (0, 0);
    let mut entries = BTreeSet::new();
    let mut dropped = Vec::new();
    for (name, secrets) in &file.results {
        let name = name.replace('\\', "/");
        for secret in secrets {
            total += 1;
            let key = (name.clone(), secret.hashed_secret.to_lowercase());
            if let Some(findings) = by_hash.get(&key) {
                carried += 1;
                for f in findings {
                    entries.insert(baseline.entry(&f.rule_id, &key.0, &f.secret));
                }
                continue;
            }
            let at = match secret.line_number {
                Some(n) => format!("{name}:{n}"),
                None => name.clone(),
            };
            let kind = secret.kind.as_deref().unwrap_or("unknown type");
            let why = if !root.join(&name).exists() {
                "the file is gone".to_string()
            } else if !files_with_findings.contains(&name) {
                "leakguard finds no secret in that file".to_string()
            } else {
                "no leakguard finding in that file has this secret (leakguard does not flag it, or the secret changed)".to_string()
            };
            dropped.push(format!("{at} ({kind}): {why}"));
        }
    }
    let summary = format!(
        "imported {carried} of {total} detect-secrets entries as {} leakguard entries; {} not carried{}",
        entries.len(),
        total - carried,
        if dropped.is_empty() { "" } else { ":" }
    );
    Ok(Import { entries: entries.into_iter().collect(), summary, dropped })
}

/// The spans of a finding that detect-secrets may have hashed.
fn candidate_spans(f: &Finding) -> BTreeSet<String> {
    static HEADER: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let header = HEADER.get_or_init(|| {
        Regex::new(r"BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?|PuTTY-User-Key-File-\d").expect("the header regex compiles")
    });
    let mut spans = BTreeSet::new();
    spans.insert(f.secret.clone());
    if !f.match_text.is_empty() {
        spans.insert(f.match_text.clone());
    }
    for text in [f.match_text.as_str(), f.secret.as_str(), &f.line_text] {
        spans.extend(header.find_iter(text).map(|m| m.as_str().to_string()));
    }
    // A token's kind prefix (`ghp` of `ghp_…`, `glpat` of `glpat-…`).
    if let Some((prefix, _)) = f.secret.split_once(['_', '-']) {
        if (2..=8).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_lowercase()) {
            spans.insert(prefix.to_string());
        }
    }
    let (start, end) = f.own_mask;
    let line: &str = &f.line_text;
    if start <= end && end <= line.len() && line.is_char_boundary(start) && line.is_char_boundary(end) {
        // The token around the secret: up to a space, a quote or a bracket on each side.
        let stop = |c: char| c.is_whitespace() || "\"'`<>()[]{},;=".contains(c);
        let from = line[..start].rfind(stop).map_or(0, |i| i + 1);
        let to = line[end..].find(stop).map_or(line.len(), |i| end + i);
        spans.insert(line[from..to].to_string());
        // A URL up to the secret's end (a webhook, with what follows left out).
        if let Some(scheme) = line[from..start].find("://") {
            let url_start = line[from..from + scheme].rfind(|c: char| !c.is_ascii_alphabetic()).map_or(from, |i| from + i + 1);
            spans.insert(line[url_start..end].to_string());
        }
    }
    spans.retain(|s| !s.is_empty());
    spans
}

fn sha1_hex(secret: &str) -> String {
    Sha1::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}
