//! `leakguard merge FILE...`: one report from several JSON reports (the shares of a
//! `history --shard K/N` scan, or scans of several ranges). A secret found at one path in
//! several reports is kept once, from the earliest commit (`commit_seq`); exact duplicates go.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::cli::{Common, Format};
use crate::ExitStatus;

pub fn run(common: &Common, files: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus> {
    if !matches!(common.format, Format::Json | Format::Jsonl | Format::Human) {
        bail!("merge writes JSON or JSON lines; --format sarif needs the findings themselves, so scan again");
    }
    let mut records = Vec::new();
    let mut partial = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
        for r in parse(&text).with_context(|| format!("{}: not a leakguard JSON report", file.display()))? {
            // A report of a scan that stopped early makes the merged report partial too.
            if r["partial"] == true {
                partial.push(format!("{}: {}", file.display(), text_of(&r, "reason")));
            } else {
                records.push(r);
            }
        }
    }
    if !common.no_redact {
        redact_summaries(common, &mut records)?;
    }
    let key = |r: &Value| (text_of(r, "rule_id"), text_of(r, "fingerprint"), text_of(r, "file"));
    let mut earliest: HashMap<(String, String, String), u64> = HashMap::new();
    for r in &records {
        if let Some(seq) = r["commit_seq"].as_u64() {
            let slot = earliest.entry(key(r)).or_insert(seq);
            *slot = (*slot).min(seq);
        }
    }
    // Sorted as scans sort their findings: location, then rule; the commit keeps ties apart.
    let mut kept: BTreeMap<SortKey, Value> = BTreeMap::new();
    for r in records {
        if r["commit_seq"].as_u64().is_some_and(|seq| earliest.get(&key(&r)).is_some_and(|&first| seq > first)) {
            continue;
        }
        let n = |field: &str| r[field].as_u64().unwrap_or(0);
        let sort = (text_of(&r, "file"), n("line"), n("column"), n("end_line"), n("end_column"), text_of(&r, "rule_id"), text_of(&r, "commit"));
        kept.entry(sort).or_insert(r);
    }
    let blocking = kept.values().any(|r| r["severity"] == "block");
    let mut kept: Vec<Value> = kept.into_values().collect();
    let partial = (!partial.is_empty()).then(|| partial.join("; "));
    kept.extend(partial.as_deref().map(crate::report::partial_record));
    super::write_report(common, out, &mut |w| {
        if common.format == Format::Jsonl {
            for r in &kept {
                serde_json::to_writer(&mut *w, r)?;
                writeln!(w)?;
            }
        } else {
            serde_json::to_writer_pretty(&mut *w, &kept)?;
            writeln!(w)?;
        }
        Ok(())
    })?;
    if let Some(why) = &partial {
        writeln!(err, "leakguard: error: the merged report is partial: {why}")?;
    }
    Ok(super::status(partial.is_some(), blocking))
}

/// Masks the secrets the rules find in each record's commit subject and author: a report written with
/// `--no-redact`, merged without it, must not show a token pasted in a subject.
fn redact_summaries(common: &Common, records: &mut [Value]) -> Result<()> {
    let root = super::root()?;
    let loaded = crate::config::load(common.config.as_deref(), &root)?;
    let rules = crate::config::build(loaded.as_ref(), false)?;
    let engine = crate::engine::Engine::new(&rules);
    let mut done: HashMap<String, Option<String>> = HashMap::new();
    for r in records.iter_mut() {
        for field in ["summary", "author"] {
            let Some(value) = r[field].as_str().map(str::to_string) else { continue };
            let masked = done.entry(value.clone()).or_insert_with(|| super::history::masked(&engine, &value));
            if let Some(masked) = masked {
                r[field] = Value::String(masked.clone());
            }
        }
    }
    Ok(())
}

/// File, line, column, end line, end column, rule, commit.
type SortKey = (String, u64, u64, u64, u64, String, String);

/// A JSON array of findings, or JSON lines.
fn parse(text: &str) -> Result<Vec<Value>> {
    if text.trim_start().starts_with('[') {
        return Ok(serde_json::from_str(text)?);
    }
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| Ok(serde_json::from_str(l)?)).collect()
}

fn text_of(record: &Value, field: &str) -> String {
    record[field].as_str().unwrap_or_default().to_string()
}
