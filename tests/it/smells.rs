//! Smells are not secrets (#15.4): a code smell (`verify=False`, `curl -k`, a merge marker,
//! `dbg!`) is reported as code to fix, never as a secret to revoke; it never blocks in tests,
//! docs or examples; whole-tree scans count it unless `--smells`; the baseline never takes it.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Output, Stdio};

use serde_json::{json, Value};

use crate::util::{github_token, leakguard_bin, stdout, text, TestRepo};

const VERIFY_OFF: &str = "r = requests.get(url, verify=False)\n";

/// A merge-conflict marker, built at run time so this file holds none.
fn marker() -> String {
    format!("{} HEAD", "<".repeat(7))
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(out)))
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings")
}

fn staged(repo: &TestRepo, path: &str, content: &str, args: &[&str]) -> Output {
    repo.write(path, content);
    repo.git(&["add", "--", path]);
    repo.leakguard(&[&["staged"], args].concat())
}

#[test]
fn a_staged_smell_warns_without_a_secret_line_or_revoke() {
    let repo = TestRepo::new();
    let out = staged(&repo, "app/client.py", VERIFY_OFF, &[]);
    assert_eq!(out.status.code(), Some(0), "a TLS smell warns:\n{}", text(&out));
    let report = stdout(&out);
    assert!(report.contains("tls-verify-disabled-python [smell · warn]"), "{report}");
    assert!(!report.contains("secret:"), "a smell names no secret:\n{report}");
    assert!(!report.to_lowercase().contains("revoke") && !report.contains("rotate"), "{report}");
    // What is wrong, in clear, and how to fix it.
    assert!(report.contains("requests.get(url, verify=False)"), "the smell is code, shown as is:\n{report}");
    assert!(report.contains("fix: Turn verification back on"), "{report}");
}

#[test]
fn a_merge_marker_in_code_blocks_without_a_secret_line() {
    let repo = TestRepo::new();
    let out = staged(&repo, "src/app.py", &format!("a = 1\n{}\nb = 2\n", marker()), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = stdout(&out);
    assert!(report.contains("merge-conflict-marker [smell · block]"), "{report}");
    assert!(!report.contains("secret:") && !report.to_lowercase().contains("revoke"), "{report}");
    assert!(report.contains(&marker()), "{report}");
}

#[test]
fn a_smell_in_tests_docs_or_examples_never_blocks() {
    for path in ["tests/fixtures/conflict.txt", "docs/guide.md", "examples/demo/app.py"] {
        let repo = TestRepo::new();
        let out = staged(&repo, path, &format!("x\n{}\n", marker()), &[]);
        assert_eq!(out.status.code(), Some(0), "{path}: a smell outside code warns at most:\n{}", text(&out));
        assert!(stdout(&out).contains("merge-conflict-marker [smell · warn]"), "{path}:\n{}", text(&out));
    }
    // A secret in a test still blocks: only smells are lowered.
    let repo = TestRepo::new();
    let out = staged(&repo, "tests/test_api.py", &format!("TOKEN = \"{}\"\n", github_token()), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn json_carries_match_not_secret() {
    let repo = TestRepo::new();
    let content = format!("{VERIFY_OFF}TOKEN = \"{}\"\n", github_token());
    let out = staged(&repo, "app/client.py", &content, &["--format", "json"]);
    let report = json_of(&out);
    let smell = findings(&report).iter().find(|f| f["rule_id"] == "tls-verify-disabled-python").expect("the smell");
    assert_eq!(smell["match"], "verify=False", "{smell:#}");
    assert!(smell.get("secret").is_none(), "{smell:#}");
    assert_eq!(smell["kind"], "smell");
    assert_eq!(smell["line_text"], "r = requests.get(url, verify=False)", "{smell:#}");
    let secret = findings(&report).iter().find(|f| f["kind"] == "secret").expect("the token");
    assert_eq!(secret["secret"], "ghp_******", "{secret:#}");
    assert!(secret.get("match").is_none(), "{secret:#}");

    let out = staged(&repo, "app/client.py", &content, &["--format", "jsonl"]);
    let first: Value = serde_json::from_str(stdout(&out).lines().next().expect("a line")).expect("json line");
    assert_eq!(first["match"], "verify=False", "{first:#}");

    let out = staged(&repo, "app/client.py", &content, &["--format", "sarif"]);
    let sarif = json_of(&out);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let smell = results.iter().find(|r| r["ruleId"] == "tls-verify-disabled-python").expect("the smell");
    let message = smell["message"]["text"].as_str().expect("message");
    assert!(!message.contains("******") && !message.contains(": ve"), "{message}");
    assert!(message.starts_with("TLS certificate verification disabled"), "{message}");
}

#[test]
fn scan_counts_smells_and_shows_them_only_with_the_flag() {
    let repo = TestRepo::new();
    repo.write("app/client.py", VERIFY_OFF);
    repo.write("src/main.rs", "fn main() {\n    let n = dbg!(2 * 3);\n}\n");
    repo.write("app/settings.py", format!("TOKEN = \"{}\"\n", github_token()));

    let out = repo.leakguard(&["scan", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(1), "the token still blocks:\n{}", text(&out));
    let report = json_of(&out);
    assert!(findings(&report).iter().all(|f| f["kind"] == "secret"), "no smell without --smells:\n{report:#}");
    assert_eq!(report["summary"]["suppressed"]["smells"], 2, "{report:#}");
    assert!(text(&out).contains("2 code smells not shown (--smells shows them)"), "{}", text(&out));

    let out = repo.leakguard(&["scan", "."]);
    assert!(stdout(&out).contains("2 code smells not shown"), "the human summary says so:\n{}", text(&out));
    assert!(!stdout(&out).contains("tls-verify"), "{}", text(&out));

    let out = repo.leakguard(&["scan", "--smells", "--format", "json", "."]);
    let report = json_of(&out);
    let rules: Vec<&str> = findings(&report).iter().filter_map(|f| f["rule_id"].as_str()).collect();
    assert!(rules.contains(&"tls-verify-disabled-python") && rules.contains(&"debugger-rust-dbg"), "{rules:?}");
    assert_eq!(report["summary"]["suppressed"]["smells"], 0, "{report:#}");
    let dbg = findings(&report).iter().find(|f| f["rule_id"] == "debugger-rust-dbg").expect("dbg!");
    assert_eq!(dbg["match"], "dbg!(", "{dbg:#}");

    // SARIF says what was left out.
    let out = repo.leakguard(&["scan", "--format", "sarif", "."]);
    let sarif = json_of(&out);
    let notes = sarif["runs"][0]["invocations"][0]["toolConfigurationNotifications"].to_string();
    assert!(notes.contains("suppressed/smells") && notes.contains("2 code smells not reported"), "{notes}");
}

#[test]
fn a_credential_file_smell_is_still_reported_by_scan() {
    let repo = TestRepo::new();
    repo.write(".env", "DATABASE_HOST=db.internal\n");
    let out = repo.leakguard(&["scan", "--no-ignore", "--format", "json", "."]);
    let report = json_of(&out);
    let rules: Vec<&str> = findings(&report).iter().filter_map(|f| f["rule_id"].as_str()).collect();
    assert!(rules.contains(&"credential-file-dotenv"), "a .env may hold credentials: {report:#}");
    assert_eq!(report["summary"]["suppressed"]["smells"], 0, "{report:#}");
}

#[test]
fn history_counts_smells_unless_asked() {
    let repo = TestRepo::new();
    repo.commit_files(&[("app/client.py", VERIFY_OFF)], "client");
    let out = repo.leakguard(&["history", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report = json_of(&out);
    assert!(findings(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["suppressed"]["smells"], 1, "{report:#}");

    let out = repo.leakguard(&["history", "--smells", "--format", "json"]);
    let report = json_of(&out);
    assert_eq!(findings(&report).len(), 1, "{report:#}");
    assert_eq!(findings(&report)[0]["match"], "verify=False", "{report:#}");
}

#[test]
fn the_baseline_never_records_a_smell() {
    let repo = TestRepo::new();
    repo.commit_files(&[("app/client.py", VERIFY_OFF), ("app/settings.py", &format!("TOKEN = \"{}\"\n", github_token()))], "init");
    let out = repo.leakguard(&["baseline"]);
    assert!(out.status.success(), "{}", text(&out));
    let baseline = String::from_utf8_lossy(&repo.read(".leakguard-baseline.toml")).into_owned();
    assert!(baseline.contains("github-pat-classic"), "the secret is accepted:\n{baseline}");
    assert!(!baseline.contains("tls-verify"), "the smell is not:\n{baseline}");
    assert!(text(&out).contains("1 accepted"), "{}", text(&out));

    // It is still there to see, not hidden as accepted.
    let out = repo.leakguard(&["scan", "--smells", "--format", "json", "."]);
    let report = json_of(&out);
    assert_eq!(findings(&report).len(), 1, "{report:#}");
    assert_eq!(findings(&report)[0]["rule_id"], "tls-verify-disabled-python", "{report:#}");
    assert_eq!(report["summary"]["suppressed"]["baseline"], 1, "{report:#}");

    // `--update` keeps it out too.
    let out = repo.leakguard(&["baseline", "--update"]);
    assert!(out.status.success(), "{}", text(&out));
    let baseline = String::from_utf8_lossy(&repo.read(".leakguard-baseline.toml")).into_owned();
    assert!(!baseline.contains("tls-verify"), "{baseline}");
}

#[test]
fn curl_and_docker_smells_mark_only_the_flag() {
    let repo = TestRepo::new();
    let script = "#!/bin/sh\ncurl -sSLk -o /tmp/agent.tgz https://ci.corp.lan/agent.tgz\ndocker run --rm --privileged -v /:/host alpine\n";
    let out = staged(&repo, "deploy/install.sh", script, &["--format", "json"]);
    let report = json_of(&out);
    let curl = findings(&report).iter().find(|f| f["rule_id"] == "tls-verify-disabled-curl").expect("curl -k");
    assert_eq!(curl["match"], "-sSLk", "{curl:#}");
    assert_eq!((curl["line"].as_u64(), curl["column"].as_u64(), curl["end_column"].as_u64()), (Some(2), Some(6), Some(11)), "{curl:#}");
    let docker = findings(&report).iter().find(|f| f["rule_id"] == "docker-privileged-run").expect("--privileged");
    assert_eq!(docker["match"], "--privileged", "{docker:#}");
    assert_eq!(docker["column"], 17, "{docker:#}");

    // The human report's caret covers the flag alone.
    let out = repo.leakguard(&["staged", "--color", "never"]);
    let report = stdout(&out);
    let block = report.split("\n\n").find(|b| b.contains("tls-verify-disabled-curl")).expect("the curl block");
    let caret = block.lines().find(|l| l.contains('^')).expect("a caret line");
    assert_eq!(caret.matches('^').count(), "-sSLk".len(), "{block}");
    assert!(!block.contains("secret:"), "{block}");

    // wget: its own -k converts links; only --no-check-certificate is the smell.
    let out = staged(&repo, "deploy/fetch.sh", "wget -k -r https://docs.corp.lan/\nwget --no-check-certificate https://dl.corp.lan/a.tgz\n", &["--format", "json"]);
    let report = json_of(&out);
    let wget: Vec<&Value> = findings(&report).iter().filter(|f| f["file"] == "deploy/fetch.sh").collect();
    assert_eq!(wget.len(), 1, "{report:#}");
    assert_eq!((&wget[0]["rule_id"], &wget[0]["match"], &wget[0]["line"]), (&json!("tls-verify-disabled-wget"), &json!("--no-check-certificate"), &json!(2)));
}

#[test]
fn a_smell_a_commit_adds_is_allowed_inline_not_baselined() {
    let repo = TestRepo::new();
    let out = staged(&repo, "app/client.py", "r = requests.get(url, verify=False)  # leakguard:allow tls-verify-disabled-python\n", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!stdout(&out).contains("tls-verify-disabled-python ["), "allowed inline:\n{}", text(&out));
}

/// One LSP exchange: open `path` holding `content`, return the diagnostics published for it.
fn lsp_diagnostics(repo: &TestRepo, path: &str, content: &str) -> Vec<Value> {
    let mut child = repo.command(leakguard_bin()).arg("lsp").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("start lsp");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut send = |message: Value| {
        let body = message.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        stdin.flush().expect("flush");
    };
    let root = format!("file://{}", repo.path().display());
    send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": root, "capabilities": {}}}));
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let uri = format!("{root}/{path}");
    send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": content}}}));
    let diagnostics = loop {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(out.read_line(&mut line).expect("read") > 0, "the server closed its output");
            match line.trim_end() {
                "" => break,
                header => length = header.strip_prefix("Content-Length: ").map_or(length, |n| n.parse().expect("a length")),
            }
        }
        let mut body = vec![0; length];
        out.read_exact(&mut body).expect("body");
        let message: Value = serde_json::from_slice(&body).expect("json");
        if message["method"] == "textDocument/publishDiagnostics" {
            break message["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    diagnostics
}

#[test]
fn lsp_words_a_smell_without_a_secret() {
    let repo = TestRepo::new();
    let diagnostics = lsp_diagnostics(&repo, "app/client.py", VERIFY_OFF);
    let smell = diagnostics.iter().find(|d| d["code"] == "tls-verify-disabled-python").expect("the smell");
    let message = smell["message"].as_str().expect("message");
    assert!(message.starts_with("TLS certificate verification disabled (Python requests/httpx verify=False)\nfix:"), "{message}");
    assert!(!message.contains("******") && !message.to_lowercase().contains("revoke"), "{message}");
}
