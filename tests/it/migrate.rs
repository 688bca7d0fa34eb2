//! Moving over from detect-secrets and gitleaks: what their files accepted or configured is
//! carried, and what is not carried is listed with the reason.

use std::process::Command;

use sha1::{Digest, Sha1};

use crate::util::{github_token, stdout, text, TestRepo};

fn sha1_hex(s: &str) -> String {
    Sha1::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A PEM block of the given type with a made-up body (a fixed pseudo-random sequence, so no
/// key is stored in this file).
fn fake_pem(kind: &str, seed: u64) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state = seed;
    let mut body = String::new();
    for _ in 0..6 {
        for _ in 0..64 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            body.push(B64[(state >> 58) as usize] as char);
        }
        body.push('\n');
    }
    format!("-----BEGIN {kind}PRIVATE KEY-----\n{body}-----END {kind}PRIVATE KEY-----\n")
}

fn slack_webhook() -> String {
    format!("https://hooks.slack.com/services/{}/{}/{}", "T4R7K2M9Q", "B8N3V6X1Z", "pL5wQ9eR2tY7uI4oA3sD8fG6")
}

/// A repository with a private key, a Slack webhook and a GitHub token committed.
fn legacy_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit_files(
        &[
            ("deploy/id_rsa", &fake_pem("RSA ", 7)),
            ("notify.py", &format!("WEBHOOK = \"{}\"\n", slack_webhook())),
            ("ci.env", &format!("GITHUB_TOKEN={}\n", github_token())),
            ("README.md", "# service\n"),
        ],
        "legacy",
    );
    repo
}

fn entry(file: &str, kind: &str, line: u32, hashed: &str) -> String {
    format!(r#"{{"type": "{kind}", "filename": "{file}", "hashed_secret": "{hashed}", "is_verified": false, "line_number": {line}}}"#)
}

fn baseline_entries(repo: &TestRepo) -> String {
    String::from_utf8(repo.read(".leakguard-baseline.toml")).expect("utf-8")
}

/// A `.secrets.baseline` as detect-secrets 1.5 writes it: each plugin hashes what its regex
/// captured (the header words of a key, the whole webhook URL, a GitHub token's prefix).
#[test]
fn detect_secrets_keys_webhooks_and_tokens_carry_over_and_drops_are_listed() {
    let repo = legacy_repo();
    repo.write(
        ".secrets.baseline",
        format!(
            r#"{{
  "version": "1.5.0",
  "plugins_used": [{{"name": "GitHubTokenDetector"}}, {{"name": "PrivateKeyDetector"}}, {{"name": "SlackDetector"}}],
  "filters_used": [],
  "results": {{
    "README.md": [{}],
    "ci.env": [{}],
    "deploy/id_rsa": [{}],
    "notify.py": [{}, {}],
    "old/settings.py": [{}]
  }},
  "generated_at": "2025-03-01T10:00:00Z"
}}"#,
            entry("README.md", "Hex High Entropy String", 1, &sha1_hex("0f1e2d3c4b5a69788796a5b4c3d2e1f0")),
            entry("ci.env", "GitHub Token", 1, &sha1_hex("ghp")),
            entry("deploy/id_rsa", "Private Key", 1, &sha1_hex("BEGIN RSA PRIVATE KEY")),
            entry("notify.py", "Slack Token", 1, &sha1_hex(&slack_webhook())),
            entry("notify.py", "Secret Keyword", 1, &sha1_hex("not-what-is-there")),
            entry("old/settings.py", "Secret Keyword", 3, &sha1_hex("s3cr3t-value")),
        ),
    );
    let out = repo.leakguard(&["baseline", "--from-detect-secrets", ".secrets.baseline"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("imported 3 of 6 detect-secrets entries"), "{all}");
    assert!(all.contains("not carried: old/settings.py:3 (Secret Keyword): the file is gone"), "{all}");
    assert!(all.contains("not carried: README.md:1 (Hex High Entropy String): leakguard finds no secret in that file"), "{all}");
    assert!(all.contains("not carried: notify.py:1 (Secret Keyword): no leakguard finding in that file has this secret"), "{all}");
    assert!(!all.contains(&slack_webhook()) && !all.contains(&github_token()), "a secret was printed:\n{all}");

    let accepted = baseline_entries(&repo);
    for (path, rule) in [("deploy/id_rsa", "private-key"), ("notify.py", "slack-webhook-url"), ("ci.env", "github-pat-classic")] {
        assert!(accepted.contains(&format!("path = \"{path}\"\nrule = \"{rule}\"")), "{path} not carried:\n{accepted}");
    }
    let out = repo.leakguard(&["scan", "deploy", "notify.py", "ci.env"]);
    assert_eq!(out.status.code(), Some(0), "the carried entries hide the old findings:\n{}", text(&out));

    // A second key of the same type is new: the header's hash stands only for the keys there
    // were at import time.
    repo.write("deploy/id_rsa2", fake_pem("RSA ", 99));
    let out = repo.leakguard(&["scan", "deploy"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

/// The real detect-secrets (`pip install detect-secrets`; CI installs it) writes the baseline.
#[test]
fn real_detect_secrets_baseline_carries_over() {
    let version = Command::new("detect-secrets").arg("--version").output();
    match version {
        Ok(out) if out.status.success() => {}
        _ => {
            // CI installs it (.ci/run): there a missing detect-secrets is a failure, not a skip.
            assert!(std::env::var_os("CI").is_none(), "detect-secrets is not installed; .ci/run installs it");
            // Said in the test's output, so a skipped run is visible.
            #[allow(clippy::print_stdout)]
            {
                println!("skipped: detect-secrets is not installed (`pip install detect-secrets`)");
            }
            return;
        }
    }
    let repo = legacy_repo();
    repo.write("deploy/ec.pem", fake_pem("EC ", 3));
    repo.git(&["add", "-A"]);
    // Its own environment (HOME too: a Python install may live there); only the repository's.
    let out = Command::new("detect-secrets").args(["scan"]).current_dir(repo.path()).output().expect("run detect-secrets");
    assert!(out.status.success(), "detect-secrets scan failed:\n{}", text(&out));
    std::fs::write(repo.path().join(".secrets.baseline"), &out.stdout).expect("write the baseline");
    let produced = String::from_utf8_lossy(&out.stdout).into_owned();
    for file in ["deploy/id_rsa", "deploy/ec.pem", "notify.py", "ci.env"] {
        assert!(produced.contains(&format!("\"{file}\"")), "detect-secrets did not flag {file}:\n{produced}");
    }

    let out = repo.leakguard(&["baseline", "--from-detect-secrets", ".secrets.baseline"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    let accepted = baseline_entries(&repo);
    for (path, rule) in [
        ("deploy/ec.pem", "private-key"),
        ("deploy/id_rsa", "private-key"),
        ("notify.py", "slack-webhook-url"),
        ("ci.env", "github-pat-classic"),
    ] {
        assert!(accepted.contains(&format!("path = \"{path}\"\nrule = \"{rule}\"")), "{path} not carried:\n{all}\n{accepted}");
    }
    let out = repo.leakguard(&["scan", "deploy", "notify.py", "ci.env"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // The `.secrets.baseline` detect-secrets wrote, committed through the hook: its
    // `hashed_secret` lines block nothing (#16.4).
    assert!(produced.contains("\"hashed_secret\""), "{produced}");
    repo.install_hook();
    repo.git(&["add", ".secrets.baseline", ".leakguard-baseline.toml"]);
    let out = repo.try_git(&["commit", "-qm", "detect-secrets and leakguard baselines"]);
    assert!(out.status.success(), "committing the real .secrets.baseline:\n{}", text(&out));
    let out = repo.leakguard(&["scan", ".secrets.baseline", "--no-baseline"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// gitleaks configs: allowlist-only rules tune our equivalent rule, keyword-less rules are
/// carried, `generic-api-key` maps to our generic rules, `secretGroup` defaults to the first
/// group, path-only rules become file rules.
#[test]
fn gitleaks_rules_map_onto_ours() {
    let repo = TestRepo::new();
    repo.write(
        ".gitleaks.toml",
        r#"[extend]
useDefault = true
disabledRules = ["generic-api-key"]

[[rules]]
id = "github-pat"
[[rules.allowlists]]
paths = ['''(^|/)legacy/''']

[[rules]]
id = "order-service-secret"
description = "Order service signing secret"
regex = '''ordsec_[0-9a-f]{16}'''

[[rules]]
id = "acme-pin"
description = "ACME PIN"
regex = '''(?i)acme_pin\s*=\s*"([0-9]{8})"'''
keywords = ["acme_pin"]

[[rules]]
id = "vault-export"
description = "Exported vault file"
path = '''\.vaultexport$'''
"#,
    );
    let out = repo.leakguard(&["init", "--from-gitleaks", ".gitleaks.toml"]);
    let notes = text(&out);
    assert_eq!(out.status.code(), Some(0), "{notes}");
    assert!(!notes.contains("path-only") && !notes.contains("no keywords"), "{notes}");
    assert!(notes.contains("`github-pat`: its allowlist is carried to `github-pat-classic`"), "{notes}");
    let config = String::from_utf8(repo.read(".leakguard.toml")).expect("utf-8");
    assert!(config.contains("[rules.overrides.github-pat-classic.allowlist]"), "{config}");
    assert!(config.contains("'generic-key-assignment'") && config.contains("'generic-secret-assignment'"), "{config}");

    let t = github_token();
    repo.write("legacy/tok.txt", format!("{t}\n"));
    repo.write("src/tok.txt", format!("{t}\n"));
    repo.write("src/orders.txt", "signing: ordsec_9f8e7d6c5b4a3921\n");
    repo.write("src/pin.cfg", "acme_pin = \"48213975\"\n");
    repo.write("src/settings.py", "password = \"Xk9mQ2vL7pR4tW8z\"\n");
    repo.write("backup/team.vaultexport", "opaque\n");
    let out = repo.leakguard(&["scan", "--format", "json", "--no-redact"]);
    let json = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_str(&json).expect("json");
    let found: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["rule_id"].as_str().unwrap_or("").to_string(), f["file"].as_str().unwrap_or("").to_string(), f["secret"].as_str().unwrap_or("").to_string()))
        .collect();
    let has = |rule: &str, file: &str| found.iter().any(|(r, f, _)| r == rule && f == file);
    assert!(has("github-pat-classic", "src/tok.txt"), "{found:?}");
    assert!(!found.iter().any(|(_, f, _)| f.starts_with("legacy/")), "the rule's allowlist applies: {found:?}");
    assert!(has("order-service-secret", "src/orders.txt"), "a rule without keywords still runs: {found:?}");
    assert!(found.iter().any(|(r, _, s)| r == "acme-pin" && s == "48213975"), "the first group is the secret: {found:?}");
    assert!(!found.iter().any(|(_, f, _)| f == "src/settings.py"), "generic rules are off: {found:?}");
    assert!(has("vault-export", "backup/team.vaultexport"), "a path-only rule flags the file: {found:?}");
}
