//! Snapshots of the human and JSON reports (status, stdout and stderr together), from the real
//! binary on a fixture with an ok part and a blocking part.

use std::process::Command;

/// Runs leakguard in a temp folder holding a copy of the fixture at the same relative path:
/// the checkout's own `.leakguard.toml` (which allows everything under tests/) stays out.
fn run(args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("tests/fixtures")).expect("mkdir");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/report.py"), dir.path().join("tests/fixtures/report.py")).expect("copy fixture");
    let out = Command::new(crate::util::leakguard_bin())
        .args(args)
        .current_dir(dir.path())
        .env_remove("NO_COLOR")
        // A fixed key: fingerprints are stable for the snapshot, and no key file is made in
        // this checkout's git dir.
        .env("LEAKGUARD_FINGERPRINT_KEY", "snapshot-test-key-0123456789")
        .output()
        .expect("run leakguard");
    format!(
        "status: {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn human_report() {
    insta::assert_snapshot!(run(&["scan", "tests/fixtures/report.py", "--color", "never"]));
}

#[test]
fn human_report_in_colour() {
    insta::assert_snapshot!(run(&["scan", "tests/fixtures/report.py", "--color", "always"]));
}

#[test]
fn json_report() {
    insta::assert_snapshot!(run(&["scan", "tests/fixtures/report.py", "--format", "json"]));
}

#[test]
fn json_report_unredacted_on_request() {
    let out = run(&["scan", "tests/fixtures/report.py", "--format", "json", "--no-redact"]);
    assert!(out.contains("\"redacted\": false"), "{out}");
    let fixture = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/report.py")).expect("fixture");
    let value: serde_json::Value = serde_json::from_str(out.split("--- stdout\n").nth(1).and_then(|s| s.split("--- stderr").next()).expect("stdout")).expect("json");
    for finding in value["findings"].as_array().expect("array") {
        let secret = finding["secret"].as_str().expect("secret");
        assert!(fixture.contains(secret), "the secret in clear: {secret}");
    }
}
