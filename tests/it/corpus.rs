//! Detection quality on the labelled corpus in tests/corpus (built by its generate.py, labels
//! independent of our rules): line-level precision and recall of the secret rules.
// The figures are printed on purpose: `cargo test corpus -- --nocapture` shows them.
#![allow(clippy::print_stdout)]

use std::borrow::Cow;
use std::path::Path;

use leakguard::chunk::{Chunk, Provenance};
use leakguard::engine::Engine;
use leakguard::rules::{Kind, RuleSet};

/// Set just under what the catalogue achieves; raise them as it improves.
const MIN_PRECISION: f64 = 0.98;
const MIN_RECALL: f64 = 0.97;

fn rot13(text: &str) -> String {
    let shift = |c: char, base: u8| (((c as u8 - base + 13) % 26) + base) as char;
    text.chars()
        .map(|c| match c {
            'a'..='z' => shift(c, b'a'),
            'A'..='Z' => shift(c, b'A'),
            _ => c,
        })
        .collect()
}

#[test]
fn corpus_precision_and_recall() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let labels: toml::Table = std::fs::read_to_string(root.join("labels.toml")).expect("labels.toml").parse().expect("labels parse");
    let rules = RuleSet::builtin().expect("built-in rules load");
    let engine = Engine::new(&rules);
    let (mut labelled, mut found, mut alarms, mut true_alarms) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    let mut false_alarms = Vec::new();
    for (path, entry) in &labels {
        let ranges: Vec<(u32, u32)> = entry["secrets"]
            .as_array()
            .expect("secrets is an array")
            .iter()
            .map(|r| (r[0].as_integer().expect("start") as u32, r[1].as_integer().expect("end") as u32))
            .collect();
        let encoded = std::fs::read_to_string(root.join("files").join(format!("{path}.rot13"))).expect("corpus file");
        let text = rot13(&encoded);
        let chunk = Chunk::new(path.clone(), Cow::Borrowed(text.as_bytes()), Provenance::File);
        let findings: Vec<_> = engine.scan(&chunk).expect("scan").into_iter().filter(|f| f.kind == Kind::Secret).collect();
        let mut lines: Vec<(u32, &str)> = findings.iter().map(|f| (f.location.line, f.rule_id.as_str())).collect();
        lines.sort_unstable();
        lines.dedup_by_key(|l| l.0);
        for (line, rule) in &lines {
            alarms += 1;
            if ranges.iter().any(|&(a, b)| (a..=b).contains(line)) {
                true_alarms += 1;
            } else {
                false_alarms.push(format!("{path}:{line} {rule}: {}", text.lines().nth(*line as usize - 1).unwrap_or("")));
            }
        }
        for &(a, b) in &ranges {
            labelled += 1;
            if findings.iter().any(|f| f.location.line <= b && a <= f.location.end_line) {
                found += 1;
            } else {
                misses.push(format!("{path}:{a} {}", text.lines().nth(a as usize - 1).unwrap_or("")));
            }
        }
    }
    let precision = true_alarms as f64 / alarms.max(1) as f64;
    let recall = found as f64 / labelled.max(1) as f64;
    println!("corpus: {labelled} secrets, {found} found, {alarms} alarms, {true_alarms} real");
    println!("corpus: precision {:.1} %, recall {:.1} %", precision * 100.0, recall * 100.0);
    for m in &misses {
        println!("  missed: {m}");
    }
    for f in &false_alarms {
        println!("  false alarm: {f}");
    }
    assert!(labelled >= 300, "the corpus holds at least 300 secrets");
    assert!(precision >= MIN_PRECISION, "precision {precision:.3} fell below {MIN_PRECISION}");
    assert!(recall >= MIN_RECALL, "recall {recall:.3} fell below {MIN_RECALL}");
}
