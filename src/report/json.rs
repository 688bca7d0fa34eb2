//! `--format json`: an array of findings, one object each, stable field order.

use std::io::{self, Write};

use serde::Serialize;

use super::{shown_secret, Options};
use crate::chunk::Provenance;
use crate::finding::Finding;
use crate::rules::{Kind, Severity};

#[derive(Serialize)]
struct Record<'a> {
    rule_id: &'a str,
    description: &'a str,
    kind: Kind,
    severity: Severity,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    /// Exclusive: the column just past the secret.
    end_column: u32,
    secret: String,
    redacted: bool,
    line_text: String,
    fingerprint: String,
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    decoded_from: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    /// Position of the commit in the oldest-first walk, so `merge` keeps the earliest.
    #[serde(skip_serializing_if = "Option::is_none")]
    commit_seq: Option<u32>,
}

pub fn write(out: &mut dyn Write, findings: &[Finding], options: &Options, partial: Option<&str>) -> io::Result<()> {
    // Untagged: findings keep their field order; the partial record, if any, comes last.
    #[derive(Serialize)]
    #[serde(untagged)]
    enum Item<'a> {
        Finding(Box<Record<'a>>),
        Partial(serde_json::Value),
    }
    let mut records: Vec<Item<'_>> = findings.iter().map(|f| Item::Finding(Box::new(record(f, options)))).collect();
    records.extend(partial.map(|why| Item::Partial(partial_record(why))));
    serde_json::to_writer_pretty(&mut *out, &records)?;
    writeln!(out)
}

/// One compact object per line, written as it goes.
pub fn write_lines(out: &mut dyn Write, findings: &[Finding], options: &Options, partial: Option<&str>) -> io::Result<()> {
    for finding in findings {
        serde_json::to_writer(&mut *out, &record(finding, options))?;
        writeln!(out)?;
    }
    if let Some(why) = partial {
        serde_json::to_writer(&mut *out, &partial_record(why))?;
        writeln!(out)?;
    }
    Ok(())
}

/// The last record of a scan that stopped early: not a finding (no `rule_id`), so a consumer
/// that reads findings notices it, and `merge` carries it on.
pub fn partial_record(why: &str) -> serde_json::Value {
    serde_json::json!({ "partial": true, "reason": why })
}

fn record<'a>(f: &'a Finding, options: &Options) -> Record<'a> {
    let commit = match &f.provenance {
        Provenance::Commit(c) => Some(&**c),
        Provenance::File | Provenance::Staged => None,
    };
    Record {
        rule_id: &f.rule_id,
        description: &f.description,
        kind: f.kind,
        severity: f.severity,
        file: &f.location.path,
        line: f.location.line,
        column: f.location.column,
        end_line: f.location.end_line,
        end_column: f.location.end_column,
        secret: shown_secret(f, options),
        redacted: options.redact,
        line_text: f.render_line(options.redact).0,
        fingerprint: f.fingerprint(),
        source: match f.provenance {
            Provenance::File => "file",
            Provenance::Staged => "staged",
            Provenance::Commit(_) => "commit",
        },
        decoded_from: f.decoded_from,
        commit: commit.map(|c| c.id.as_str()),
        author: commit.map(|c| c.author.as_str()),
        email: commit.map(|c| c.email.as_str()),
        date: commit.map(|c| c.date.as_str()),
        summary: commit.map(|c| c.summary.as_str()),
        commit_seq: commit.map(|c| c.seq),
    }
}
