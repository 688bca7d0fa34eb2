//! `--format sarif`: SARIF 2.1.0, one run, the rules that fired with their help text, one
//! result per finding with its location and the finding's fingerprint as partial fingerprint
//! (so code-scanning tools track it across line moves). Commit provenance goes in the result's
//! properties.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::{shown_secret, Options};
use crate::chunk::Provenance;
use crate::finding::Finding;
use crate::rules::Severity;

const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

pub fn write(out: &mut dyn Write, findings: &[Finding], options: &Options, partial: Option<&str>) -> io::Result<()> {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for f in findings {
        if !rule_index.contains_key(f.rule_id.as_str()) {
            rule_index.insert(&f.rule_id, rules.len());
            rules.push(rule(f));
        }
    }
    let results: Vec<Value> = findings.iter().map(|f| result(f, rule_index[f.rule_id.as_str()], options)).collect();
    let report = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "leakguard",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut report = report;
    if let Some(why) = partial {
        // A scan that stopped early did not execute successfully, whatever it found.
        report["runs"][0]["invocations"] = json!([{
            "executionSuccessful": false,
            "toolExecutionNotifications": [{ "level": "error", "message": { "text": format!("the scan is partial: {why}") } }],
        }]);
        report["runs"][0]["properties"] = json!({ "partial": true });
    }
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Block => "error",
        Severity::Warn => "warning",
    }
}

fn rule(f: &Finding) -> Value {
    let help = format!(
        "{}. If it is real, remove it and revoke it: it may already have been copied. If it is not, add `leakguard:allow {}` in a comment on that line.",
        f.description.trim_end_matches('.'),
        f.rule_id
    );
    json!({
        "id": f.rule_id,
        "name": f.rule_id,
        "shortDescription": { "text": f.description },
        "fullDescription": { "text": f.description },
        "help": { "text": help },
        "defaultConfiguration": { "level": level(f.severity) },
        "properties": { "tags": ["security", f.kind.to_string()] },
    })
}

fn result(f: &Finding, rule_index: usize, options: &Options) -> Value {
    let loc = &f.location;
    let mut properties = Map::new();
    if let Provenance::Commit(c) = &f.provenance {
        for (key, value) in [("commit", &c.id), ("author", &c.author), ("email", &c.email), ("date", &c.date), ("summary", &c.summary)] {
            properties.insert(key.into(), Value::String(value.clone()));
        }
    }
    let mut result = json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": format!("{}: {}", f.description, shown_secret(f, options)) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&loc.path) },
                "region": {
                    "startLine": loc.line,
                    "startColumn": loc.column,
                    "endLine": loc.end_line,
                    "endColumn": loc.end_column,
                    "snippet": { "text": f.render_line(options.redact).0 },
                },
            },
        }],
        "partialFingerprints": { "leakguard/v1": f.fingerprint() },
    });
    if !properties.is_empty() {
        result["properties"] = Value::Object(properties);
    }
    result
}

/// A relative path as a URI reference: `/` kept, anything outside the unreserved set
/// percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_become_uri_references() {
        assert_eq!(super::uri("src/a b/ç.py"), "src/a%20b/%C3%A7.py");
    }
}
