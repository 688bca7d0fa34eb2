//! Detection quality on labelled sets (each built by its own generate.py, labels independent of
//! our rules): line-level precision and recall of the secret rules. `tests/corpus` was written
//! with the rules; `tests/holdout-a`, `-b` and `-c` were written blind by other sessions.
// The figures are printed on purpose: `cargo test corpus -- --nocapture` shows them.
#![allow(clippy::print_stdout)]

use std::borrow::Cow;
use std::path::Path;

use leakguard::chunk::{Chunk, Provenance};
use leakguard::engine::Engine;
use leakguard::rules::{Kind, RuleSet};

/// Set just under what the catalogue achieves; raise them as it improves.
const MIN_PRECISION: f64 = 0.99;
const MIN_RECALL: f64 = 0.99;
/// (precision, recall) floors for the three sets written blind by other sessions.
const HOLDOUT_A: (f64, f64) = (0.98, 0.98);
const HOLDOUT_B: (f64, f64) = (0.98, 0.95);
const HOLDOUT_C: (f64, f64) = (0.98, 0.92);

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

/// Line-level figures on one labelled set.
struct Figures {
    labelled: usize,
    found: usize,
    alarms: usize,
    true_alarms: usize,
}

impl Figures {
    fn precision(&self) -> f64 {
        self.true_alarms as f64 / self.alarms.max(1) as f64
    }

    fn recall(&self) -> f64 {
        self.found as f64 / self.labelled.max(1) as f64
    }
}

/// Scans every file of a labelled set (`labels.toml` and `files/*.rot13`) with the built-in
/// secret rules, and prints the figures, misses and false alarms.
fn evaluate(set: &str) -> Figures {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(set);
    let labels: toml::Table = std::fs::read_to_string(root.join("labels.toml")).expect("labels.toml").parse().expect("labels parse");
    let rules = RuleSet::builtin().expect("built-in rules load");
    let engine = Engine::new(&rules);
    let mut figures = Figures { labelled: 0, found: 0, alarms: 0, true_alarms: 0 };
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
            figures.alarms += 1;
            if ranges.iter().any(|&(a, b)| (a..=b).contains(line)) {
                figures.true_alarms += 1;
            } else {
                false_alarms.push(format!("{path}:{line} {rule}: {}", text.lines().nth(*line as usize - 1).unwrap_or("")));
            }
        }
        for &(a, b) in &ranges {
            figures.labelled += 1;
            if findings.iter().any(|f| f.location.line <= b && a <= f.location.end_line) {
                figures.found += 1;
            } else {
                misses.push(format!("{path}:{a} {}", text.lines().nth(a as usize - 1).unwrap_or("")));
            }
        }
    }
    let f = &figures;
    println!("{set}: {} secrets, {} found, {} alarms, {} real", f.labelled, f.found, f.alarms, f.true_alarms);
    println!("{set}: precision {:.1} %, recall {:.1} %", f.precision() * 100.0, f.recall() * 100.0);
    for m in &misses {
        println!("  missed: {m}");
    }
    for fa in &false_alarms {
        println!("  false alarm: {fa}");
    }
    figures
}

fn assert_at_least(set: &str, figures: &Figures, precision: f64, recall: f64) {
    assert!(figures.labelled >= 300, "{set} holds at least 300 secrets");
    assert!(figures.precision() >= precision, "{set}: precision {:.3} fell below {precision}", figures.precision());
    assert!(figures.recall() >= recall, "{set}: recall {:.3} fell below {recall}", figures.recall());
}

/// Our own corpus, written alongside the rules.
#[test]
fn corpus_precision_and_recall() {
    assert_at_least("corpus", &evaluate("corpus"), MIN_PRECISION, MIN_RECALL);
}

/// Written blind by a separate session (no sight of the rules or our corpus); the rules were
/// then improved against it, in general terms, so it flatters a little.
#[test]
fn holdout_a_precision_and_recall() {
    assert_at_least("holdout-a", &evaluate("holdout-a"), HOLDOUT_A.0, HOLDOUT_A.1);
}

/// Written blind by another session. Measured blind (94.5 % precision, 78.4 % recall) and after
/// a first rules pass (97.4 %, 85.8 %), then its misses were studied too, so it now flatters
/// as much as holdout-a.
#[test]
fn holdout_b_precision_and_recall() {
    assert_at_least("holdout-b", &evaluate("holdout-b"), HOLDOUT_B.0, HOLDOUT_B.1);
}

/// Written blind by a third session after the rules' second pass, and only measured: the
/// honest figure for files we have not seen.
#[test]
fn holdout_c_precision_and_recall() {
    assert_at_least("holdout-c", &evaluate("holdout-c"), HOLDOUT_C.0, HOLDOUT_C.1);
}
