//! The engine's word lists are data (#13.6): the secret words the gate and the prefilter share
//! are the ones that wake the generic rules.

use std::process::Output;

use crate::util::{isolated, leakguard_bin, text};

const SECRET_WORDS: &str = include_str!("../../src/engine/words/secret_words.txt");

fn scan_file(name: &str, content: &str) -> (Output, serde_json::Value) {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = tempfile::tempdir().expect("temp home");
    std::fs::write(dir.path().join(name), content).expect("write file");
    let out = isolated(leakguard_bin(), home.path())
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--format", "json", name])
        .output()
        .expect("run leakguard");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("JSON report ({e}):\n{}", text(&out)));
    (out, json)
}

/// A random-looking value, different for each `n`, built at run time so this file holds none.
fn value(n: usize) -> String {
    let alphabet = b"Kq7Xv2Lm9Rt4Wz8Bn3Hd6Jf5Gs1Py0Cu";
    let mut state = 0x9E37_79B9_u32.wrapping_mul(n as u32 + 1);
    (0..28)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            alphabet[state as usize % alphabet.len()] as char
        })
        .collect()
}

/// The 1-based lines with a finding of a generic rule.
fn generic_lines(json: &serde_json::Value) -> Vec<u64> {
    let findings = json["findings"].as_array().expect("a findings array");
    let mut lines: Vec<u64> = findings
        .iter()
        .filter(|f| f["rule_id"].as_str().is_some_and(|r| r.starts_with("generic-")))
        .map(|f| f["line"].as_u64().expect("a line number"))
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines
}

#[test]
fn secret_words_wake_a_generic_rule() {
    let words: Vec<&str> = SECRET_WORDS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    assert!(words.len() >= 10, "secret_words.txt holds {words:?}");
    let mut content = String::new();
    for (n, word) in words.iter().enumerate() {
        content.push_str(&format!("{word}: \"{}\"\n", value(n)));
    }
    let (out, json) = scan_file("settings.yaml", &content);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let expected: Vec<u64> = (1..=words.len() as u64).collect();
    assert_eq!(generic_lines(&json), expected, "each secret word wakes a generic rule:\n{content}\n{}", text(&out));

    // The same values beside names without a secret word are not secrets.
    let mut plain = String::new();
    for n in 0..words.len() {
        plain.push_str(&format!("colour_{n}: \"{}\"\n", value(n)));
    }
    let (out, json) = scan_file("settings.yaml", &plain);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(generic_lines(&json), Vec::<u64>::new());
}
