//! `--format sarif`: SARIF 2.1.0, one run, the rules that fired with their help text, one
//! result per finding with its location and a fingerprint of that location (so code-scanning
//! tools track each place across line moves). Shaped for GitHub code scanning: each rule has a
//! `security-severity` and tags, URIs are relative to the repository root (`%SRCROOT%`).
//! Commit provenance goes in the result's properties. `invocations[0]` says whether the run
//! succeeded and carries one notification per skip reason (toolExecutionNotifications) and per
//! suppression mechanism or config change (toolConfigurationNotifications); the run's
//! properties carry the JSON report's summary.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::Path;

use serde_json::{json, Map, Value};

use super::{escape, shown_secret, summary, Options, Summary};
use crate::chunk::Provenance;
use crate::finding::{location_fingerprint, Confidence, Finding};
use crate::rules::{Kind, Severity};

/// The tool's documentation page (SARIF `informationUri`): Cargo.toml's `homepage`, left out
/// while the project has none (an address we made up would send users somewhere wrong).
const INFORMATION_URI: &str = env!("CARGO_PKG_HOMEPAGE");
/// The help link of a secret rule that names no page of its own: hard-coded credentials.
const CWE_798: &str = "https://cwe.mitre.org/data/definitions/798.html";
/// The base every artifact URI is relative to: the repository root.
const SRCROOT: &str = "%SRCROOT%";
/// The key of the location fingerprint in `partialFingerprints`. `primaryLocationLineHash` is
/// left to GitHub's upload step (it hashes the line's text, which GitHub holds anyway): a value
/// of ours there would draw an "inconsistent fingerprint" warning for every result.
pub const FINGERPRINT_KEY: &str = "leakguard/v3";

const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

pub fn write(out: &mut dyn Write, findings: &[Finding], summary: &Summary, options: &Options) -> io::Result<()> {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for f in findings {
        if !rule_index.contains_key(f.rule_id.as_str()) {
            rule_index.insert(&f.rule_id, rules.len());
            rules.push(rule(f, options.help.get(&f.rule_id)));
        }
    }
    // Which copy of a secret in its file each finding is, in report (location) order.
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let n = seen.entry((f.rule_id.as_str(), f.secret.as_str(), options.repo_path(f))).or_default();
            *n += 1;
            result(f, rule_index[f.rule_id.as_str()], *n - 1, options)
        })
        .collect();
    let mut base_ids = Map::new();
    if let Some(root) = &options.root {
        base_ids.insert(SRCROOT.into(), json!({ "uri": dir_uri(root), "description": { "text": "The repository root" } }));
    }
    let mut report = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "leakguard",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "originalUriBaseIds": base_ids,
            "invocations": [invocation(summary)],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": { "leakguard": summary::to_json(findings, summary) },
        }],
    });
    if !INFORMATION_URI.is_empty() {
        report["runs"][0]["tool"]["driver"]["informationUri"] = INFORMATION_URI.into();
    }
    escape::to_writer_pretty(out, &report)?;
    writeln!(out)
}

fn notification(id: &str, level: &str, text: String, count: usize) -> Value {
    json!({
        "descriptor": { "id": id },
        "level": level,
        "message": { "text": text },
        "properties": { "count": count },
    })
}

/// Whether the run succeeded, what it skipped, and what hid findings.
fn invocation(s: &Summary) -> Value {
    let mut execution: Vec<Value> = s
        .skipped()
        .into_iter()
        .map(|(reason, n)| notification(&format!("skipped/{reason}"), "warning", summary::skip_sentence(reason, n, s), n))
        .collect();
    if let Some(why) = &s.partial {
        execution.push(notification("error/partial", "error", format!("the scan is partial: {why}"), 0));
    }
    if s.errors > 0 {
        execution.push(notification("error/unreadable", "error", format!("{} inputs could not be read or scanned", s.errors), s.errors));
    }
    let mut configuration: Vec<Value> = s
        .suppressed()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(mechanism, n)| notification(&format!("suppressed/{mechanism}"), "note", summary::suppressed_sentence(mechanism, n), n))
        .collect();
    if s.rules_disabled > 0 {
        configuration.push(notification("config/rules-disabled", "warning", format!("the config disabled {} rules", s.rules_disabled), s.rules_disabled));
    }
    if s.rules_tuned > 0 {
        configuration.push(notification("config/rules-tuned", "note", format!("the config tuned {} rules (entropy, severity)", s.rules_tuned), s.rules_tuned));
    }
    if s.ignore_files == Some(true) {
        configuration.push(notification("config/ignore-files", "note", "files excluded by .gitignore and .ignore were not scanned".into(), 0));
    }
    for off in &s.turned_off {
        configuration.push(notification("audit/off", "note", format!("{off} not applied (turned off on the command line)"), 0));
    }
    json!({
        "executionSuccessful": s.errors == 0 && s.partial.is_none(),
        "toolExecutionNotifications": execution,
        "toolConfigurationNotifications": configuration,
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Block => "error",
        Severity::Warn => "warning",
    }
}

fn rule(f: &Finding, advice: Option<&super::RuleHelp>) -> Value {
    let description = f.description.trim_end_matches('.');
    let (what, allow) = if f.kind == crate::rules::Kind::Smell {
        ("Fix it", "If it is meant to be there")
    } else {
        ("If it is real, remove it and revoke it: it may already have been copied", "If it is not a secret")
    };
    let fix = advice.map(|a| a.remediation.as_str()).filter(|r| !r.is_empty()).unwrap_or(what);
    let allow = format!("{allow}, add `leakguard:allow {}` in a comment on that line, or accept it in the baseline.", f.rule_id);
    let references = advice.map(|a| a.references.as_slice()).unwrap_or_default();
    let mut text = format!("{description}.\n\n{fix}\n\n{allow}");
    let mut markdown = format!("**{description}.**\n\n{fix}\n\n{allow}");
    if !references.is_empty() {
        text.push_str(&format!("\n\nDocumentation: {}", references.join(" ")));
        let links: Vec<String> = references.iter().map(|r| format!("- <{r}>")).collect();
        markdown.push_str(&format!("\n\nDocumentation:\n\n{}", links.join("\n")));
    }
    let strength = match advice {
        Some(a) => a.strength,
        None => f.confidence,
    };
    let mut tags = vec!["security".to_string(), f.kind.to_string()];
    if f.kind == Kind::Secret {
        // CWE-798: use of hard-coded credentials.
        tags.push("external/cwe/cwe-798".into());
    }
    // The rule's primary documentation: the provider's page on the credential.
    let own = references.first().or(advice.and_then(|a| a.link.as_ref())).map(String::as_str);
    let help_uri = own.or((f.kind == Kind::Secret).then_some(CWE_798));
    let mut rule = json!({
        "id": f.rule_id,
        "name": f.rule_id,
        "shortDescription": { "text": f.description },
        "fullDescription": { "text": f.description },
        "help": { "text": text, "markdown": markdown },
        "defaultConfiguration": { "level": level(f.severity) },
        "properties": {
            "tags": tags,
            "security-severity": security_severity(f.kind, strength),
            "precision": precision(strength),
        },
    });
    if let Some(uri) = help_uri {
        rule["helpUri"] = uri.into();
    }
    rule
}

/// GitHub reads a score from 0.1 to 10 as low (under 4), medium, high (7 and over) or
/// critical (over 9). A credential is critical when its format is a provider's own (its
/// checksum verifying is surer still), high when only a name and a value say so (generic
/// rules, passwords); a smell is low.
fn security_severity(kind: Kind, strength: Option<Confidence>) -> &'static str {
    match (kind, strength) {
        (Kind::Smell, _) => "3.0",
        (Kind::Secret, Some(Confidence::High)) => "9.5",
        (Kind::Secret, Some(Confidence::Medium) | None) => "9.1",
        (Kind::Secret, Some(Confidence::Low)) => "7.5",
    }
}

/// How often the rule's findings are right, in the words code scanning sorts by.
fn precision(strength: Option<Confidence>) -> &'static str {
    match strength {
        Some(Confidence::High) => "very-high",
        Some(Confidence::Medium) => "high",
        Some(Confidence::Low) | None => "medium",
    }
}

fn result(f: &Finding, rule_index: usize, occurrence: usize, options: &Options) -> Value {
    let loc = &f.location;
    let path = options.repo_path(f);
    let place = location_fingerprint(options.key(), &f.rule_id, &f.secret, path, occurrence);
    let mut properties = Map::new();
    // The secret's own id, wherever it is: the JSON report's `fingerprint`.
    properties.insert("fingerprint".into(), Value::String(options.fingerprint(f)));
    if let Some(confidence) = f.confidence {
        properties.insert("confidence".into(), Value::String(confidence.as_str().into()));
    }
    if let Provenance::Commit(c) = &f.provenance {
        for (key, value) in [("commit", &c.id), ("author", &c.author), ("email", &c.email), ("date", &c.date), ("summary", &c.summary)] {
            properties.insert(key.into(), Value::String(value.clone()));
        }
    }
    json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": if super::is_code_smell(f) { f.description.clone() } else { format!("{}: {}", f.description, shown_secret(f, options)) } },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact(path),
                "region": {
                    "startLine": loc.line,
                    "startColumn": loc.column,
                    "endLine": loc.end_line,
                    "endColumn": loc.end_column,
                    "snippet": { "text": super::shown_line(f, options).0 },
                },
            },
        }],
        "partialFingerprints": { FINGERPRINT_KEY: place },
        "properties": properties,
    })
}

/// A file from the repository root, as `%SRCROOT%`-relative URI; a file outside the
/// repository (an absolute path) as a `file:` URI of its own.
fn artifact(path: &str) -> Value {
    if path.starts_with('/') {
        json!({ "uri": format!("file://{}", uri(path)) })
    } else {
        json!({ "uri": uri(path), "uriBaseId": SRCROOT })
    }
}

/// A folder as an absolute `file:` URI ending in `/`, as a base URI must.
fn dir_uri(dir: &Path) -> String {
    let mut path = dir.to_string_lossy().replace('\\', "/");
    if !path.ends_with('/') {
        path.push('/');
    }
    if !path.starts_with('/') {
        path.insert(0, '/'); // a Windows drive: file:///C%3A/...
    }
    format!("file://{}", uri(&path))
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
