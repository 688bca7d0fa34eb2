//! Every rule proves itself: its examples must match, its negative examples must not. Used by
//! `leakguard rules test` and by the test suite.

use std::borrow::Cow;

use crate::rules::advice::Advice;
use crate::rules::{Rule, RuleSet, RuleSpec};
use crate::chunk::{Chunk, Provenance};
use super::Engine;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub rule_id: String,
    pub origin: String,
    pub message: String,
}

/// Counts of what was checked, and what failed.
#[derive(Debug, Default)]
pub struct Report {
    pub rules: usize,
    pub examples: usize,
    pub negative_examples: usize,
    pub failures: Vec<Failure>,
}

pub fn check(rules: &RuleSet) -> Report {
    let mut report = Report::default();
    for rule in rules.rules() {
        report.rules += 1;
        report.examples += rule.spec.examples.len();
        report.negative_examples += rule.spec.negative_examples.len();
        report.failures.extend(check_rule(rule).into_iter().map(|message| Failure {
            rule_id: rule.spec.id.to_string(),
            origin: rule.origin.clone(),
            message,
        }));
    }
    report
}

/// Built-in rules must carry both kinds of example; a config's custom rule may carry none
/// (a rule migrated from gitleaks has none to carry).
pub fn missing_examples(rule: &Rule) -> Vec<String> {
    let mut failures = Vec::new();
    if rule.spec.examples.is_empty() {
        failures.push("no examples".to_string());
    }
    if rule.spec.negative_examples.is_empty() {
        failures.push("no negative examples".to_string());
    }
    failures
}

/// The failures of one rule, each a one-line message: its regex, and every example it has.
pub fn check_examples(rule: &Rule) -> Vec<String> {
    check_one(rule, false)
}

/// The failures of one rule, each a one-line message.
pub fn check_rule(rule: &Rule) -> Vec<String> {
    check_one(rule, true)
}

fn check_one(rule: &Rule, require_examples: bool) -> Vec<String> {
    let mut failures = check_advice(rule, require_examples);
    if rule.is_file_rule() {
        failures.extend(check_file_rule(rule, require_examples));
        return failures;
    }
    let regex = match rule.regex() {
        Ok(regex) => regex,
        Err(e) => return vec![e.to_string()],
    };
    if regex.is_match(b"") {
        failures.push("the regex matches an empty string".to_string());
    }
    if rule.spec.keywords.iter().any(|k| *k != k.to_lowercase()) {
        failures.push("keywords must be lowercase (matching ignores case)".to_string());
    }
    if require_examples {
        failures.extend(missing_examples(rule));
    }
    let alone = match alone(rule) {
        Ok(set) => set,
        Err(e) => return vec![e],
    };
    let engine = Engine::new(&alone);
    let found = |example: &str| spans(&engine, example).map(|s| s.len());
    for (i, example) in rule.spec.examples.iter().enumerate() {
        let lower = split_path(example).1.to_lowercase();
        let path_only = rule.spec.keywords.is_empty() && rule.spec.path.is_some();
        if !path_only && !rule.spec.keywords.iter().any(|k| lower.contains(k.as_ref())) {
            failures.push(format!("example {} holds none of the keywords, so the prefilter never reaches the regex", i + 1));
        }
    }
    failures.extend(run_examples(rule, found));
    if require_examples {
        failures.extend(compare_builds(rule, &engine, &Engine::for_bulk(&alone)));
    }
    failures
}

/// Where a finding is (line, column, end line, end column) and the secret it captured.
type Span = (u32, u32, u32, u32, String);

/// The spans a rule finds in an example.
fn spans(engine: &Engine, example: &str) -> Result<Vec<Span>, String> {
    let (path, text) = split_path(example);
    let chunk = Chunk::new(path.into(), Cow::Borrowed(text.as_bytes()), Provenance::File);
    let findings = engine.scan(&chunk).map_err(|e| e.to_string())?;
    Ok(findings
        .into_iter()
        .map(|f| (f.location.line, f.location.column, f.location.end_line, f.location.end_column, f.secret))
        .collect())
}

/// A commit scans with the commit build (an NFA searched by a backtracker or PikeVM), a
/// folder or a history with the bulk build (a lazy DFA): both must find the same spans in
/// every example and negative example, or a secret caught in one is missed in the other.
fn compare_builds(rule: &Rule, commit: &Engine, bulk: &Engine) -> Vec<String> {
    let examples = rule.spec.examples.iter().enumerate().map(|(i, e)| (format!("example {}", i + 1), e));
    let negatives = rule.spec.negative_examples.iter().enumerate().map(|(i, e)| (format!("negative example {}", i + 1), e));
    let mut failures = Vec::new();
    for (name, example) in examples.chain(negatives) {
        let (Ok(a), Ok(b)) = (spans(commit, example), spans(bulk, example)) else {
            continue; // run_examples reports the error
        };
        if a != b {
            failures.push(format!("{name}: the commit build finds {}, the bulk build finds {}", describe(&a), describe(&b)));
        }
    }
    failures
}

/// Spans by position only: a failure message never shows a secret.
fn describe(spans: &[Span]) -> String {
    if spans.is_empty() {
        return "nothing".to_string();
    }
    let each: Vec<String> =
        spans.iter().map(|(l, c, el, ec, secret)| format!("{l}:{c}-{el}:{ec} ({} bytes)", secret.len())).collect();
    each.join(", ")
}

/// Links are https URLs; a built-in rule says what to do once it fires (through its provider
/// or its own `remediation`), so every finding comes with a fix.
fn check_advice(rule: &Rule, required: bool) -> Vec<String> {
    let mut failures = Vec::new();
    let advice = Advice::of(&rule.spec);
    if required && advice.remediation.is_empty() {
        failures.push("no remediation: name a `provider` (patterns/providers.toml) or write `remediation`".to_string());
    }
    for url in rule.spec.references.iter().filter(|u| !u.starts_with("https://") || u.contains(char::is_whitespace)) {
        failures.push(format!("reference `{url}` is not an https URL"));
    }
    failures
}

/// Each example must be found, and no negative example.
fn run_examples(rule: &Rule, found: impl Fn(&str) -> Result<usize, String>) -> Vec<String> {
    let mut failures = Vec::new();
    for (i, example) in rule.spec.examples.iter().enumerate() {
        match found(example) {
            Ok(0) => failures.push(format!("example {} is not matched", i + 1)),
            Ok(_) => {}
            Err(e) => failures.push(e),
        }
    }
    for (i, negative) in rule.spec.negative_examples.iter().enumerate() {
        match found(negative) {
            Ok(0) => {}
            Ok(_) => failures.push(format!("negative example {} is matched", i + 1)),
            Err(e) => failures.push(e),
        }
    }
    failures
}

/// A rule set of this rule only, so its examples are judged by it alone.
fn alone(rule: &Rule) -> Result<RuleSet, String> {
    let mut set = RuleSet::default();
    set.add(Rule::new(RuleSpec::clone(&rule.spec), rule.origin.clone())).map_err(|e| e.to_string())?;
    Ok(set)
}

/// A file rule's examples are paths, each after an optional `@size BYTES` line.
fn check_file_rule(rule: &Rule, require_examples: bool) -> Vec<String> {
    let mut failures = if require_examples { missing_examples(rule) } else { Vec::new() };
    let alone = match alone(rule) {
        Ok(set) => set,
        Err(e) => return vec![e],
    };
    let engine = Engine::new(&alone);
    let found = |example: &str| -> Result<usize, String> {
        let (size, path) = match example.strip_prefix("@size ").and_then(|rest| rest.split_once('\n')) {
            Some((size, path)) => (size.trim().parse::<u64>().map_err(|e| format!("bad @size: {e}"))?, path),
            None => (0, example),
        };
        engine.file_findings(path.trim(), size, &Provenance::File).map(|f| f.len()).map_err(|e| e.to_string())
    };
    failures.extend(run_examples(rule, found));
    failures
}

/// An example whose first line is `@path PATH` is scanned as the file PATH (for rules with a
/// `path`); any other example as a file named `example`.
fn split_path(example: &str) -> (&str, &str) {
    match example.strip_prefix("@path ").and_then(|rest| rest.split_once('\n')) {
        Some((path, text)) => (path.trim(), text),
        None => ("example", example),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_set(regex: &str) -> RuleSet {
        let text = format!(
            "[[rules]]\nid = \"demo-token\"\ndescription = \"demo\"\nkeywords = [\"demo_\"]\nregex = '''{regex}'''\nexamples = [\"demo_q7xk2m9p\"]\nnegative_examples = [\"demo_\"]\n"
        );
        let mut set = RuleSet::default();
        set.add_file("demo.toml", &text).expect("valid rule");
        set
    }

    /// Two engines that capture different spans stand in for two builds that disagree.
    #[test]
    fn a_disagreement_names_the_example_and_both_builds() {
        let (whole, part) = (rule_set("demo_[a-z0-9]{8}"), rule_set("demo_(?P<secret>[a-z0-9]{8})"));
        let rule = &whole.rules()[0];
        let failures = compare_builds(rule, &Engine::new(&whole), &Engine::for_bulk(&part));
        assert_eq!(failures, ["example 1: the commit build finds 1:1-1:14 (13 bytes), the bulk build finds 1:6-1:14 (8 bytes)"]);
        assert!(compare_builds(rule, &Engine::new(&whole), &Engine::for_bulk(&whole)).is_empty());
    }
}
