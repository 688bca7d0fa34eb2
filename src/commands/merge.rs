//! `leakguard merge FILE...`: one report from several JSON reports (the shares of a
//! `history --shard K/N` scan, or scans of several ranges). A secret found at one path in
//! several reports is kept once, from the earliest commit (`commit_seq`); exact duplicates go.
//! The reports' summaries are added up (counts summed); a report of the old array form has
//! none, and the merged summary counts it under `reports_without_summary`.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::cli::{Common, Format};
use crate::ExitStatus;

pub fn run(common: &Common, files: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus> {
    if !matches!(common.format, Format::Json | Format::Jsonl | Format::Human) {
        bail!("merge writes JSON or JSON lines; --format sarif needs the findings themselves, so scan again");
    }
    let mut records = Vec::new();
    let mut summary = Value::Null;
    let mut without_summary = 0;
    let mut partial = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
        if is_sarif(&text) {
            bail!("{} is a SARIF report; merge combines leakguard JSON reports: write each with `--format json`", file.display());
        }
        let report = parse(&text).with_context(|| format!("{}: not a leakguard JSON report", file.display()))?;
        records.extend(report.findings);
        // A report of a scan that stopped early makes the merged report partial too.
        if let Some(s) = report.summary.as_ref().filter(|s| s["partial"] == true) {
            partial.push(format!("{}: {}", file.display(), text_of(s, "partial_reason")));
        }
        match report.summary {
            Some(s) => add(&mut summary, s),
            None => without_summary += 1,
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
    let kept: Vec<Value> = kept.into_values().collect();
    if !summary.is_object() {
        summary = json!({});
    }
    summary["findings"] = json!(kept.len());
    summary["blocking"] = json!(kept.iter().filter(|r| r["severity"] == "block").count());
    summary["reports_merged"] = json!(files.len());
    summary["reports_without_summary"] = json!(without_summary);
    let partial = (!partial.is_empty()).then(|| partial.join("; "));
    summary["partial"] = json!(partial.is_some());
    match &partial {
        Some(why) => summary["partial_reason"] = json!(why),
        None => {
            summary.as_object_mut().map(|o| o.remove("partial_reason"));
        }
    }
    super::write_report(common, out, &mut |w| {
        if common.format == Format::Jsonl {
            for r in &kept {
                let mut line = json!({ "type": "finding" });
                line.as_object_mut().expect("an object").extend(r.as_object().cloned().unwrap_or_default());
                crate::report::json_line(w, &line)?;
            }
            let mut line = json!({ "type": "summary" });
            line.as_object_mut().expect("an object").extend(summary.as_object().cloned().unwrap_or_default());
            crate::report::json_line(w, &line)?;
        } else {
            crate::report::json_pretty(w, &json!({ "findings": kept, "summary": summary }))?;
        }
        Ok(())
    })?;
    if let Some(why) = &partial {
        writeln!(err, "leakguard: error: the merged report is partial: {why}")?;
    }
    if !common.quiet {
        let to = common.output.as_ref().map(|p| format!(" (report in {})", p.display())).unwrap_or_default();
        writeln!(err, "leakguard: merged {} reports: {} findings, {} blocking{to}", files.len(), summary["findings"], summary["blocking"])?;
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

/// One report's findings and summary.
struct Report {
    findings: Vec<Value>,
    summary: Option<Value>,
}

/// `{"findings": [...], "summary": {...}}`, the older bare array of findings, or JSON lines
/// (findings, then a `"type": "summary"` line).
fn parse(text: &str) -> Result<Report> {
    let lines: Vec<Value> = match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(findings)) => return Ok(Report { findings, summary: None }),
        Ok(Value::Object(mut doc)) if doc.get("findings").is_some_and(Value::is_array) => {
            let findings = match doc.remove("findings") {
                Some(Value::Array(findings)) => findings,
                _ => unreachable!("checked to be an array"),
            };
            return Ok(Report { findings, summary: doc.remove("summary") });
        }
        // One JSON line.
        Ok(other) => vec![other],
        Err(_) => text.lines().filter(|l| !l.trim().is_empty()).map(serde_json::from_str).collect::<Result<_, _>>()?,
    };
    let mut report = Report { findings: Vec::new(), summary: None };
    for mut line in lines {
        let Some(obj) = line.as_object_mut() else { bail!("a line is not a JSON object") };
        match obj.remove("type").as_ref().and_then(Value::as_str) {
            Some("summary") => report.summary = Some(line),
            _ => report.findings.push(line),
        }
    }
    Ok(report)
}

/// Adds `more` into `sum`: numbers add up, objects merge key by key, anything else is kept
/// when equal and marked `"mixed"` when not.
fn add(sum: &mut Value, more: Value) {
    match (sum, more) {
        (slot @ Value::Null, more) => *slot = more,
        (Value::Number(a), Value::Number(b)) => {
            *a = (a.as_u64().unwrap_or(0) + b.as_u64().unwrap_or(0)).into();
        }
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                let slot = a.entry(k.clone()).or_insert(Value::Null);
                if k == "size_limit" {
                    // A limit, not a count: the largest applied.
                    if v.as_u64() > slot.as_u64() {
                        *slot = v;
                    }
                } else {
                    add(slot, v);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for v in b {
                if !a.contains(&v) {
                    a.push(v);
                }
            }
        }
        (a, b) if *a == b => {}
        (a, _) => *a = Value::String("mixed".into()),
    }
}

fn text_of(record: &Value, field: &str) -> String {
    record[field].as_str().unwrap_or_default().to_string()
}

/// A SARIF log (`version` 2.1.0 and `runs`), which merge cannot read back into findings.
fn is_sarif(text: &str) -> bool {
    serde_json::from_str::<Value>(text).is_ok_and(|v| v.get("runs").is_some_and(Value::is_array) && v.get("version").is_some())
}
