//! The block/warn policy: confidence by rule, kind of file by path, on real commits.

use crate::util::{github_token, text, TestRepo};

/// A generic password a test suite would hold: low confidence.
const SAMPLE: &str = "    client.login(user=\"ops\", password=\"Tr0ub4dor&3x\")\n";

fn commit(repo: &TestRepo, path: &str, content: &str) -> std::process::Output {
    repo.write(path, content);
    repo.git(&["add", "--", path]);
    repo.try_git(&["commit", "-q", "-m", "add"])
}

#[test]
fn low_confidence_warns_in_tests_and_blocks_in_code() {
    let repo = TestRepo::new();
    repo.commit_files(&[("README.md", "x\n")], "init");
    repo.install_hook();

    let out = commit(&repo, "tests/test_login.py", SAMPLE);
    assert!(out.status.success(), "a sample in a test warns:\n{}", text(&out));
    assert!(text(&out).contains("warn · low confidence"), "{}", text(&out));

    let out = commit(&repo, "app/login.py", SAMPLE);
    assert!(!out.status.success(), "the same line in code blocks:\n{}", text(&out));
    assert!(text(&out).contains("block · low confidence"), "{}", text(&out));
    repo.git(&["reset", "-q", "--", "app/login.py"]);

    // A provider format blocks in a test too.
    let out = commit(&repo, "tests/test_api.py", &format!("TOKEN = \"{}\"\n", github_token()));
    assert!(!out.status.success(), "{}", text(&out));
}

#[test]
fn policy_is_configurable_and_shown_in_json() {
    let repo = TestRepo::new();
    repo.write("tests/test_login.py", SAMPLE);
    let out = repo.leakguard(&["scan", "tests", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let finding = &report["findings"][0];
    assert_eq!(finding["confidence"], "low", "{report:#}");
    assert_eq!(finding["severity"], "warn", "{report:#}");

    repo.write(".leakguard.toml", "[policy]\nlow.test = \"block\"\n");
    let out = repo.leakguard(&["scan", "tests"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    repo.write(".leakguard.toml", "[policy]\nlow = { test = \"off\" }\n");
    let out = repo.leakguard(&["scan", "tests", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(0), "{report:#}");
    assert_eq!(report["summary"]["suppressed"]["policy"], 1, "what the policy drops is counted:\n{report:#}");

    repo.write(".leakguard.toml", "[policy]\nlow.tests = \"off\"\n");
    let out = repo.leakguard(&["scan", "tests"]);
    assert_eq!(out.status.code(), Some(2), "an unknown kind is a config error:\n{}", text(&out));
}

/// Where a Python docstring or a Rust test module holds a sample, it warns; the same line in
/// plain code blocks.
#[test]
fn docstrings_and_rust_test_modules_warn() {
    let repo = TestRepo::new();
    let docstring = format!("def login(client):\n    \"\"\"Log in.\n\n    Example::\n\n{SAMPLE}    \"\"\"\n    return client\n");
    let plain = format!("def login(client):\n{SAMPLE}");
    let rust_test = "pub fn f() {}\n\n#[cfg(test)]\nmod tests {\n    const PASSWORD: &str = \"Tr0ub4dor&3x\";\n}\n";
    let rust_plain = "pub fn f() {}\nconst PASSWORD: &str = \"Tr0ub4dor&3x\";\n";
    for (path, content, blocks) in [
        ("app/doc.py", docstring.as_str(), false),
        ("app/plain.py", plain.as_str(), true),
        ("src/doc.rs", rust_test, false),
        ("src/plain.rs", rust_plain, true),
    ] {
        repo.write(path, content);
        let out = repo.leakguard(&["scan", path, "--format", "json"]);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let findings = report["findings"].as_array().expect("findings");
        assert_eq!(findings.len(), 1, "{path}: one finding:\n{report:#}");
        assert_eq!(findings[0]["confidence"], "low", "{path}:\n{report:#}");
        let (code, severity) = if blocks { (1, "block") } else { (0, "warn") };
        assert_eq!(out.status.code(), Some(code), "{path}:\n{report:#}");
        assert_eq!(findings[0]["severity"], severity, "{path}:\n{report:#}");
    }
}
