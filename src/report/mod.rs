//! Reports: the findings of a run written to a writer it is handed. Never prints on its own.

mod escape;
mod fix;
mod human;
mod json;
mod sarif;
mod summary;

use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::Range;
use std::path::PathBuf;

use crate::finding::{Finding, FingerprintKey};

pub use escape::escape;
pub use fix::{Help, RuleHelp};
// `leakguard lsp` words its diagnostics with the same fix lines.
pub use fix::{file_lines as fix_file_lines, lines as fix_lines, takes_no_comment, Context as FixContext};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    /// One JSON object per line, for streaming very large results.
    Jsonl,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    pub redact: bool,
    pub color: bool,
    /// The key of the findings' fingerprints (machine formats only; the human report shows
    /// none, so it needs no key).
    pub fingerprint_key: Option<FingerprintKey>,
    /// What to do about each rule's findings, by rule id (a rule missing here gets generic
    /// advice).
    pub help: Help,
    /// Where the repository (or the folder holding the config) is: SARIF's `%SRCROOT%`.
    pub root: Option<PathBuf>,
    /// Each reported path relative to `root` (SARIF URIs), by the path the report shows; a path
    /// outside `root` maps to itself, absolute.
    pub repo_paths: HashMap<String, String>,
}

impl Options {
    fn fingerprint(&self, finding: &Finding) -> String {
        let key = self.fingerprint_key.as_ref().expect("machine formats are given a fingerprint key");
        finding.fingerprint(key)
    }

    fn key(&self) -> &FingerprintKey {
        self.fingerprint_key.as_ref().expect("machine formats are given a fingerprint key")
    }

    /// The finding's path relative to the repository root (as shown when unknown).
    fn repo_path<'a>(&'a self, finding: &'a Finding) -> &'a str {
        self.repo_paths.get(&finding.location.path).map_or(&finding.location.path, String::as_str)
    }
}

/// What the run looked at and what it hid; the human report's last line.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// What kind of file was scanned, as an adjective: "staged ", or "" for files on disk.
    pub scope: &'static str,
    pub scanned: usize,
    /// What was scanned, singular and plural, when not files ("blob", "blobs").
    pub items: Option<(&'static str, &'static str)>,
    pub skipped_binary: usize,
    pub skipped_large: usize,
    /// The size over which inputs were skipped, when not the default.
    pub size_limit: Option<u64>,
    pub allowed_inline: usize,
    pub allowed_config: usize,
    pub baselined: usize,
    /// Findings hidden by a `.gitleaksignore` entry.
    pub allowed_gitleaks_ignore: usize,
    /// Findings the `[policy]` turned off (`off` for their confidence and kind of file).
    pub policy_off: usize,
    /// Code smells counted, not reported (`scan` and `history` without `--smells`).
    pub smells_hidden: usize,
    /// Inputs that could not be read or scanned (the run then exits 2).
    pub errors: usize,
    /// Rules the config turned off (`builtin = false`, `disable`).
    pub rules_disabled: usize,
    /// Rules the config tuned (entropy, severity).
    pub rules_tuned: usize,
    /// Ignore files (.gitignore, .ignore): `Some(true)` honoured, `Some(false)` not; `None`
    /// where the source has none (git history, staged changes).
    pub ignore_files: Option<bool>,
    /// Mechanisms turned off on the command line (`--no-config`, `--audit`...).
    pub turned_off: Vec<&'static str>,
    /// Say nothing when there is nothing to say (a clean commit goes through unnoticed); a
    /// skip or an error is still said.
    pub silent_when_clean: bool,
    /// `--quiet`: no summary line at all, unless something was skipped or failed.
    pub quiet: bool,
    /// Why the scan stopped before the end (`history --timeout`): every format says so.
    pub partial: Option<String>,
}

impl Summary {
    /// Inputs not scanned, by reason: (id, count, what it means).
    pub fn skipped(&self) -> Vec<(&'static str, usize)> {
        [("binary", self.skipped_binary), ("too_large", self.skipped_large)].into_iter().filter(|(_, n)| *n > 0).collect()
    }

    /// Findings hidden, by mechanism.
    pub fn suppressed(&self) -> [(&'static str, usize); 6] {
        [
            ("config_allowlist", self.allowed_config),
            ("inline_allow", self.allowed_inline),
            ("gitleaksignore", self.allowed_gitleaks_ignore),
            ("policy", self.policy_off),
            ("baseline", self.baselined),
            ("smells", self.smells_hidden),
        ]
    }

    /// Whether anything was left out or failed: a report must say so, even a quiet one.
    pub fn has_gaps(&self) -> bool {
        self.errors > 0 || !self.skipped().is_empty() || self.partial.is_some()
    }
}

/// Writes `findings` (already in report order) in the chosen format.
pub fn write(out: &mut dyn Write, findings: &[Finding], summary: &Summary, options: &Options) -> io::Result<()> {
    match options.format {
        Format::Human => human::write(out, findings, summary, options),
        Format::Json => json::write(out, findings, summary, options),
        Format::Jsonl => json::write_lines(out, findings, summary, options),
        Format::Sarif => sarif::write(out, findings, summary, options),
    }
}

/// The human report's summary line (also said on stderr under a machine format).
pub fn summary_line(findings: &[Finding], summary: &Summary) -> String {
    human::summary_line(findings, summary)
}

/// The secret as the report shows it.
fn shown_secret(finding: &Finding, options: &Options) -> String {
    if options.redact {
        crate::finding::redact(&finding.secret)
    } else {
        finding.secret.clone()
    }
}

/// A code smell (see `policy::is_code_smell`): reported by what it matched, not as a secret.
fn is_code_smell(finding: &Finding) -> bool {
    crate::policy::is_code_smell(finding.kind, &finding.rule_id)
}

/// The line as the report shows it, with the byte range of this finding's own match: every
/// secret on it masked when redacting, but a code smell's own match (a `-k` flag, a `dbg!`) is
/// code and shows as it is.
fn shown_line(finding: &Finding, options: &Options) -> (String, Range<usize>) {
    if !options.redact || !is_code_smell(finding) {
        return finding.render_line(options.redact);
    }
    let text = &finding.line_text;
    let mut out = String::with_capacity(text.len());
    let mut own = 0..0;
    let mut at = 0;
    for &(start, end) in &finding.masks {
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        if (start, end) == finding.own_mask {
            own = out.len()..out.len() + (end - start);
            out.push_str(&text[start..end]);
        } else {
            out.push_str(&crate::finding::redact(&text[start..end]));
        }
        at = end;
    }
    out.push_str(&text[at..]);
    (out, own)
}


/// Writes `value` as pretty JSON (control characters escaped), for commands that pass JSON
/// through (`merge`).
pub fn json_pretty(out: &mut dyn Write, value: &serde_json::Value) -> io::Result<()> {
    escape::to_writer_pretty(out, value)?;
    writeln!(out)
}

/// Writes `value` as one line of JSON (control characters escaped).
pub fn json_line(out: &mut dyn Write, value: &serde_json::Value) -> io::Result<()> {
    escape::to_writer(out, value)?;
    writeln!(out)
}
