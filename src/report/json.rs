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
}

pub fn write(out: &mut dyn Write, findings: &[Finding], options: &Options) -> io::Result<()> {
    let records: Vec<Record<'_>> = findings
        .iter()
        .map(|f| Record {
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
            },
            decoded_from: f.decoded_from,
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &records)?;
    writeln!(out)
}
