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

/// A repository with one blocking finding in `app.py`.
fn repo_with_token() -> crate::util::TestRepo {
    let repo = crate::util::TestRepo::new();
    repo.write("app.py", format!("TOKEN = '{}'\n", crate::util::github_token()));
    repo
}

/// Issue 16.8: report options belong to the commands that report, and are refused elsewhere.
#[test]
fn options_apply_only_where_they_mean_something() {
    let repo = crate::util::TestRepo::new();
    let help = crate::util::stdout(&repo.leakguard(&["install", "--help"]));
    for option in ["--format", "--output", "--no-redact", "--color", "--quiet", "--audit"] {
        assert!(!help.contains(option), "install --help lists {option}:\n{help}");
    }
    let out = repo.leakguard(&["install", "--no-redact"]);
    assert_eq!(out.status.code(), Some(2), "{}", crate::util::text(&out));
    assert!(crate::util::text(&out).contains("unexpected argument '--no-redact'"), "{}", crate::util::text(&out));
    assert!(!repo.path().join(".git/hooks/pre-commit").exists(), "a refused install writes nothing");
    let help = crate::util::stdout(&repo.leakguard(&["scan", "--help"]));
    for option in ["--format", "--output", "--no-redact", "--color", "--quiet", "--audit", "--config"] {
        assert!(help.contains(option), "scan --help lacks {option}:\n{help}");
    }
}

#[test]
fn rules_list_in_json_and_quiet() {
    let repo = crate::util::TestRepo::new();
    let out = repo.leakguard(&["rules", "list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", crate::util::text(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("rules list --format json is JSON");
    assert!(list.as_array().is_some_and(|a| a.len() > 50), "{list}");
    let loud = crate::util::stdout(&repo.leakguard(&["rules", "list"]));
    let quiet = crate::util::stdout(&repo.leakguard(&["rules", "list", "-q"]));
    assert!(loud.lines().last().is_some_and(|l| l.contains(" rules: ")), "{loud}");
    assert_eq!(quiet.lines().count() + 1, loud.lines().count(), "-q drops the count line only");
}

#[test]
fn quiet_drops_the_summary_and_machine_reports_say_one_line_on_stderr() {
    let repo = repo_with_token();
    let out = repo.leakguard(&["scan", "app.py", "--quiet"]);
    assert_eq!(out.status.code(), Some(1), "{}", crate::util::text(&out));
    let said = crate::util::stdout(&out);
    assert!(said.contains("github-pat") && !said.contains("leakguard: 1 blocking"), "findings, no summary:\n{said}");

    let out = repo.leakguard(&["scan", "app.py", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("stdout stays pure JSON");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 blocking finding in 1 file scanned"), "a CI log says why it failed:\n{stderr}");

    let out = repo.leakguard(&["scan", "app.py", "--output", "report.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "{}", crate::util::text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 blocking finding in 1 file scanned; ignore files honoured (report in report.txt)"), "{}", crate::util::text(&out));

    let out = repo.leakguard(&["scan", "app.py", "--format", "sarif", "-q"]);
    assert!(out.stderr.is_empty(), "--quiet: nothing on stderr:\n{}", crate::util::text(&out));
}

/// Issue 16.8/16.9: merge writes JSON by default and refuses a SARIF file with a sentence.
#[test]
fn merge_writes_json_and_explains_a_sarif_input() {
    let repo = repo_with_token();
    repo.git(&["add", "app.py"]);
    repo.git(&["commit", "-qm", "token", "--no-verify"]);
    assert_eq!(repo.leakguard(&["history", "--format", "json", "--output", "a.json"]).status.code(), Some(1));
    let out = repo.leakguard(&["merge", "a.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", crate::util::text(&out));
    let merged: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON by default");
    assert_eq!(merged["summary"]["blocking"], 1, "{merged}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 blocking"), "{}", crate::util::text(&out));
    assert_eq!(repo.leakguard(&["merge", "a.json", "--format", "human"]).status.code(), Some(2), "no human merge: refused by clap");

    assert_eq!(repo.leakguard(&["history", "--format", "sarif", "--output", "a.sarif"]).status.code(), Some(1));
    let out = repo.leakguard(&["merge", "a.sarif"]);
    assert_eq!(out.status.code(), Some(2));
    let said = crate::util::text(&out);
    assert!(said.contains("a.sarif is a SARIF report") && said.contains("--format json"), "{said}");
}

/// Issue 16.9: conventions users expect.
#[test]
fn version_names_the_commit_and_a_second_uninstall_says_why() {
    let repo = repo_with_token();
    let version = crate::util::stdout(&repo.leakguard(&["--version"]));
    let commit = version.trim().rsplit_once('(').map(|(_, c)| c.trim_end_matches(')')).unwrap_or("");
    assert!(commit == "unknown" || (commit.len() >= 7 && commit.bytes().all(|b| b.is_ascii_hexdigit())), "{version}");

    repo.install_hook();
    let out = repo.leakguard(&["uninstall"]);
    assert_eq!(out.status.code(), Some(0), "{}", crate::util::text(&out));
    let out = repo.leakguard(&["uninstall"]);
    let said = crate::util::text(&out);
    assert!(said.contains("no pre-commit hook to remove") && said.contains("already uninstalled"), "{said}");
    assert!(!said.contains("not a leakguard hook"), "{said}");
}
