//! `--format sarif`: validated against the official SARIF 2.1.0 schema (tests/sarif-schema-2.1.0.json).

use serde_json::Value;

use crate::util::{github_token, text, TestRepo};

pub fn validate(report: &Value) {
    let schema: Value = serde_json::from_str(include_str!("../sarif-schema-2.1.0.json")).expect("the schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator.iter_errors(report).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "SARIF report does not match the schema:\n{}", errors.join("\n"));
}

#[test]
fn history_sarif_matches_the_schema() {
    let repo = TestRepo::new();
    repo.commit_files(&[("dir with space/a.cfg", &format!("TOKEN={}\n", github_token()))], "leak");
    repo.commit_files(&[("b.py", &format!("t = \"{}\"  # leakguard:allow\n", github_token()))], "allowed");
    let out = repo.leakguard(&["history", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    validate(&report);
    let run = &report["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "leakguard");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(rules.iter().all(|r| r["help"]["text"].as_str().is_some_and(|t| !t.is_empty())));
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{results:#?}");
    let r = &results[0];
    assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "dir%20with%20space/a.cfg");
    assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
    assert!(r["partialFingerprints"]["leakguard/v2"].as_str().is_some_and(|f| f.len() == 32));
    assert_eq!(r["properties"]["summary"], "leak");
    assert!(!out.stdout.windows(github_token().len()).any(|w| w == github_token().as_bytes()), "redacted");
}

#[test]
fn scan_sarif_matches_the_schema_even_when_clean() {
    let repo = TestRepo::new();
    repo.write("clean.txt", "nothing here\n");
    repo.write("leak.cfg", format!("TOKEN={}\n", github_token()));
    for (args, status) in [(vec!["scan", "clean.txt", "--format", "sarif"], 0), (vec!["scan", ".", "--format", "sarif"], 1)] {
        let out = repo.leakguard(&args);
        assert_eq!(out.status.code(), Some(status), "{}", text(&out));
        validate(&serde_json::from_slice(&out.stdout).expect("SARIF is JSON"));
    }
}
