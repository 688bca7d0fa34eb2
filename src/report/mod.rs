//! Reports: the findings of a run written to a writer it is handed. Never prints on its own.

mod human;
mod json;
mod sarif;

use std::io::{self, Write};

use crate::finding::Finding;
pub use json::partial_record;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    /// One JSON object per line, for streaming very large results.
    Jsonl,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub format: Format,
    pub redact: bool,
    pub color: bool,
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
    /// Say nothing when there is nothing to say (a clean commit goes through unnoticed).
    pub silent_when_clean: bool,
    /// Why the scan stopped before the end (`history --timeout`): every format says so.
    pub partial: Option<String>,
}

/// Writes `findings` (already in report order) in the chosen format.
pub fn write(out: &mut dyn Write, findings: &[Finding], summary: &Summary, options: &Options) -> io::Result<()> {
    match options.format {
        Format::Human => human::write(out, findings, summary, options),
        Format::Json => json::write(out, findings, options, summary.partial.as_deref()),
        Format::Jsonl => json::write_lines(out, findings, options, summary.partial.as_deref()),
        Format::Sarif => sarif::write(out, findings, options, summary.partial.as_deref()),
    }
}

/// The secret as the report shows it.
fn shown_secret(finding: &Finding, options: &Options) -> String {
    if options.redact {
        crate::finding::redact(&finding.secret)
    } else {
        finding.secret.clone()
    }
}

