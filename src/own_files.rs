//! leakguard's own files, and the files of the scanners it migrates from, are never flagged:
//! they hold salts, hashes, fingerprints and rule examples by design. Each is recognised by
//! its name and its structure (it must parse as what it claims to be), not by what a rule
//! happens to match, so a real secret pasted into a file that merely has the name still
//! counts.
//!
//! - `.leakguard-baseline.toml` (or any TOML that is a baseline: `version`, `salt`,
//!   `[[accepted]]` of `path`/`rule`/`hash` and nothing else): nothing in it is a secret.
//! - `.leakguard.toml`: the strings of `examples`, `negative_examples` and every `allowlist`
//!   are samples the config declares; a finding inside one of them is dropped, anything else
//!   in the file is still reported.
//! - `.secrets.baseline` (detect-secrets: `results` plus `plugins_used` or `generated_at`):
//!   hashes, file names and plugin settings.
//! - `.gitleaksignore`: every line a comment or a gitleaks fingerprint (`...:rule:line`).

use crate::finding::Finding;

/// The names are kept here, below the engine that drops these files' own findings; `config` and
/// `filter` name their files through them.
pub const CONFIG_FILE: &str = ".leakguard.toml";
pub const GITLEAKSIGNORE_FILE: &str = ".gitleaksignore";

/// Drops the findings that are part of a leakguard (or migrated-from scanner) file's own
/// structure. `text` is the whole file.
pub fn drop_own(path: &str, text: &[u8], findings: &mut Vec<Finding>) {
    if findings.is_empty() {
        return;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let Ok(text) = std::str::from_utf8(text) else { return };
    match name {
        CONFIG_FILE => {
            let samples = config_samples(text);
            findings.retain(|f| f.secret.is_empty() || !samples.iter().any(|s| s.contains(f.secret.as_str())));
        }
        ".secrets.baseline" if is_detect_secrets_baseline(text) => findings.clear(),
        _ if name == GITLEAKSIGNORE_FILE && is_gitleaksignore(text) => findings.clear(),
        _ if name.ends_with(".toml") && is_baseline(text) => findings.clear(),
        _ => {}
    }
}

/// A leakguard baseline: exactly its three keys, each accepted entry exactly its three.
fn is_baseline(text: &str) -> bool {
    if !text.contains("salt") {
        return false;
    }
    let Ok(top) = toml::from_str::<toml::Table>(text) else { return false };
    let keys_ok = top.keys().all(|k| matches!(k.as_str(), "version" | "salt" | "accepted"));
    let salt_ok = top.get("salt").is_some_and(toml::Value::is_str) && top.get("version").is_some_and(toml::Value::is_integer);
    let entries_ok = match top.get("accepted") {
        None => true,
        Some(toml::Value::Array(entries)) => entries.iter().all(|e| {
            e.as_table().is_some_and(|t| t.iter().all(|(k, v)| matches!(k.as_str(), "path" | "rule" | "hash") && v.is_str()))
        }),
        Some(_) => false,
    };
    keys_ok && salt_ok && entries_ok
}

/// Every string the config declares as a sample: rule examples and allowlist entries.
fn config_samples(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(table) = toml::from_str::<toml::Table>(text) {
        collect(&toml::Value::Table(table), false, &mut out);
    }
    out
}

fn collect(value: &toml::Value, sample: bool, out: &mut Vec<String>) {
    match value {
        toml::Value::String(s) if sample => out.push(s.clone()),
        toml::Value::Array(items) => items.iter().for_each(|v| collect(v, sample, out)),
        toml::Value::Table(table) => {
            for (key, v) in table {
                let sample = sample || matches!(key.as_str(), "examples" | "negative_examples" | "allowlist");
                collect(v, sample, out);
            }
        }
        _ => {}
    }
}

fn is_detect_secrets_baseline(text: &str) -> bool {
    let Ok(serde_json::Value::Object(top)) = serde_json::from_str::<serde_json::Value>(text) else { return false };
    top.get("results").is_some_and(serde_json::Value::is_object) && (top.contains_key("plugins_used") || top.contains_key("generated_at"))
}

/// Comments, blank lines and fingerprints (`[commit:]path:rule:line`) only.
fn is_gitleaksignore(text: &str) -> bool {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).all(|line| {
        let mut parts = line.rsplitn(3, ':');
        let line_no = parts.next().unwrap_or("");
        let rule = parts.next().unwrap_or("");
        !line_no.is_empty() && line_no.bytes().all(|b| b.is_ascii_digit()) && !rule.is_empty() && !rule.contains(char::is_whitespace) && parts.next().is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_baseline_is_recognised_by_its_structure() {
        assert!(is_baseline("version = 2\nsalt = \"00ff\"\n\n[[accepted]]\npath = \"a\"\nrule = \"r\"\nhash = \"ab\"\n"));
        assert!(!is_baseline("version = 2\nsalt = \"00ff\"\ntoken = \"x\"\n"));
    }

    #[test]
    fn config_samples_are_examples_and_allowlists_only() {
        let text = "[[rules.custom]]\nid = \"a\"\ndescription = \"tok_live\"\nexamples = ['k = \"tok_1\"']\n[allowlist]\nsecrets = ['^x$']\n";
        let mut samples = config_samples(text);
        samples.sort();
        assert_eq!(samples, vec!["^x$".to_string(), "k = \"tok_1\"".to_string()]);
    }

    #[test]
    fn gitleaksignore_lines_are_fingerprints() {
        assert!(is_gitleaksignore("# c\n0123abc:src/a.py:generic-api-key:12\nsrc/b.py:aws:3\n"));
        assert!(!is_gitleaksignore("src/a.py:aws:3\npassword = hunter2hunter2\n"));
    }
}
