//! The summary every machine format carries: what was scanned, what was skipped and why, and
//! what each mechanism suppressed, so a clean report cannot hide a gap.

use serde::Serialize;
use serde_json::Value;

use super::Summary;
use crate::finding::Finding;

#[derive(Serialize)]
pub struct Record<'a> {
    /// Files, staged files, pushed files or blobs, as `unit` says.
    scanned: usize,
    unit: &'a str,
    findings: usize,
    blocking: usize,
    /// Inputs not scanned, by reason.
    skipped: Skipped,
    #[serde(skip_serializing_if = "Option::is_none")]
    size_limit: Option<u64>,
    /// Inputs that could not be read or scanned: the run failed (exit 2).
    errors: usize,
    /// Findings hidden, by mechanism.
    suppressed: Suppressed,
    /// What the config changed in the rule set.
    config: ConfigEffect,
    /// `honoured`, `off`, or `none` where the source has no ignore files.
    ignore_files: &'a str,
    /// Mechanisms turned off on the command line.
    turned_off: &'a [&'static str],
    /// The scan stopped before the end (`history --timeout`): what it found is not all.
    partial: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    partial_reason: Option<&'a str>,
}

#[derive(Serialize)]
struct Skipped {
    binary: usize,
    too_large: usize,
}

#[derive(Serialize)]
struct Suppressed {
    config_allowlist: usize,
    inline_allow: usize,
    gitleaksignore: usize,
    /// Turned off by `[policy]`.
    policy: usize,
    baseline: usize,
    /// Code smells counted, not reported (`scan`, `history` without `--smells`).
    smells: usize,
}

#[derive(Serialize)]
struct ConfigEffect {
    rules_disabled: usize,
    rules_tuned: usize,
}

/// The summary as a JSON value (keys sorted).
pub fn to_json(findings: &[Finding], summary: &Summary) -> Value {
    serde_json::to_value(record(findings, summary)).expect("the summary is plain data")
}

/// The summary, fields in a fixed order.
pub fn record<'a>(findings: &[Finding], summary: &'a Summary) -> Record<'a> {
    let blocking = findings.iter().filter(|f| f.blocks()).count();
    Record {
        scanned: summary.scanned,
        unit: summary.items.map_or("file", |(one, _)| one),
        findings: findings.len(),
        blocking,
        skipped: Skipped { binary: summary.skipped_binary, too_large: summary.skipped_large },
        size_limit: summary.size_limit,
        errors: summary.errors,
        suppressed: Suppressed {
            config_allowlist: summary.allowed_config,
            inline_allow: summary.allowed_inline,
            gitleaksignore: summary.allowed_gitleaks_ignore,
            policy: summary.policy_off,
            baseline: summary.baselined,
            smells: summary.smells_hidden,
        },
        config: ConfigEffect { rules_disabled: summary.rules_disabled, rules_tuned: summary.rules_tuned },
        ignore_files: match summary.ignore_files {
            Some(true) => "honoured",
            Some(false) => "off",
            None => "none",
        },
        turned_off: &summary.turned_off,
        partial: summary.partial.is_some(),
        partial_reason: summary.partial.as_deref(),
    }
}

/// One sentence per skip reason, for SARIF notifications.
pub fn skip_sentence(reason: &str, n: usize, summary: &Summary) -> String {
    let (one, many) = summary.items.unwrap_or(("file", "files"));
    let noun = if n == 1 { one } else { many };
    match reason {
        "binary" => format!("{n} binary {noun} not scanned for secrets (file rules still applied)"),
        "too_large" => {
            let limit = summary.size_limit.unwrap_or(crate::chunk::MAX_FILE_SIZE);
            format!("{n} {noun} over {limit} bytes not scanned")
        }
        other => format!("{n} {noun} not scanned ({other})"),
    }
}

/// One sentence per suppression mechanism, for SARIF notifications.
pub fn suppressed_sentence(mechanism: &str, n: usize) -> String {
    let what = match mechanism {
        "config_allowlist" => "allowed by the config's allowlists",
        "inline_allow" => "allowed by inline allow comments",
        "gitleaksignore" => "allowed by .gitleaksignore",
        "policy" => "turned off by the config's [policy]",
        "baseline" => "accepted by the baseline",
        "smells" => return format!("{n} code {} not reported (`--smells` reports them)", if n == 1 { "smell" } else { "smells" }),
        other => other,
    };
    format!("{n} {} {what}", if n == 1 { "finding" } else { "findings" })
}
