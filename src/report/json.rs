//! `--format json`: `{"findings": [...], "summary": {...}}`, stable field order. `--format
//! jsonl`: one finding per line (`"type": "finding"`), then one `"type": "summary"` line.

use std::io::{self, Write};

use serde::Serialize;

use super::{escape, is_code_smell, shown_line, shown_secret, summary, Options, Summary};
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
    /// A finding's secret; absent for a code smell, which has `match` instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    /// What a code smell matched (a TLS switch, a debugger call): code, not a secret.
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    matched: Option<String>,
    redacted: bool,
    line_text: String,
    fingerprint: String,
    source: &'static str,
    /// low | medium | high; absent for smells.
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<&'static str>,
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

#[derive(Serialize)]
struct Report<'a> {
    findings: Vec<Record<'a>>,
    summary: summary::Record<'a>,
}

#[derive(Serialize)]
struct Line<T> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    body: T,
}

pub fn write(out: &mut dyn Write, findings: &[Finding], summary: &Summary, options: &Options) -> io::Result<()> {
    let findings_json: Vec<Record<'_>> = findings.iter().map(|f| record(f, options)).collect();
    escape::to_writer_pretty(out, &Report { findings: findings_json, summary: summary::record(findings, summary) })?;
    writeln!(out)
}

/// One compact object per line, written as it goes; the summary last.
pub fn write_lines(out: &mut dyn Write, findings: &[Finding], summary: &Summary, options: &Options) -> io::Result<()> {
    for finding in findings {
        escape::to_writer(out, &Line { kind: "finding", body: record(finding, options) })?;
        writeln!(out)?;
    }
    escape::to_writer(out, &Line { kind: "summary", body: summary::record(findings, summary) })?;
    writeln!(out)
}

fn record<'a>(f: &'a Finding, options: &Options) -> Record<'a> {
    let commit = match &f.provenance {
        Provenance::Commit(c) => Some(&**c),
        Provenance::File | Provenance::Staged => None,
    };
    let (line_text, own) = shown_line(f, options);
    let (secret, matched) = if !is_code_smell(f) {
        (Some(shown_secret(f, options)), None)
    } else if f.is_about_file() {
        (None, Some(String::new()))
    } else {
        (None, Some(line_text[own].to_string()))
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
        secret,
        matched,
        redacted: options.redact,
        line_text,
        fingerprint: options.fingerprint(f),
        source: match f.provenance {
            Provenance::File => "file",
            Provenance::Staged => "staged",
            Provenance::Commit(_) => "commit",
        },
        confidence: f.confidence.map(|c| c.as_str()),
        decoded_from: f.decoded_from,
        commit: commit.map(|c| c.id.as_str()),
        author: commit.map(|c| c.author.as_str()),
        email: commit.map(|c| c.email.as_str()),
        date: commit.map(|c| c.date.as_str()),
        summary: commit.map(|c| c.summary.as_str()),
        commit_seq: commit.map(|c| c.seq),
    }
}
