//! Issue 12 (Trust), items 4, 10 and 11: commit messages are scanned and subjects redacted,
//! explicit streams are read, and costly rules or scans end as errors, never as clean passes.

use std::path::Path;
use std::process::Output;

use crate::util::{github_token, stdout, text, TestRepo};

const FORMATS: [&str; 4] = ["human", "json", "jsonl", "sarif"];

/// A token that only a commit message holds: the files are clean.
fn repo_with_token_in_a_message() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "hello\n")], "initial");
    let message = format!("deploy with {} for now\n\nsecond line\nTOKEN={}\n", github_token(), github_token());
    repo.commit_files(&[("b.txt", "world\n")], &message);
    repo
}

fn assert_no_token(out: &Output, what: &str) {
    assert!(!text(out).contains(&github_token()), "{what} shows the token:\n{}", text(out));
}

#[test]
fn history_finds_a_token_in_a_commit_message_and_hides_it_in_every_format() {
    let repo = repo_with_token_in_a_message();
    for format in FORMATS {
        let out = repo.leakguard(&["history", "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}:\n{}", text(&out));
        // SARIF carries the pseudo-path as a URI: `%3Ccommit%20message%3E`.
        let shown = stdout(&out).replace("%20", " ");
        assert!(shown.contains("commit message"), "{format}: the pseudo-path names the message:\n{}", text(&out));
        assert_no_token(&out, format);
    }
    // The message is scanned once: its first line and its fourth, at the commit.
    let out = repo.leakguard(&["history", "--format", "json"]);
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let lines: Vec<u64> = findings["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["file"] == "<commit message>")
        .map(|f| f["line"].as_u64().expect("line"))
        .collect();
    assert_eq!(lines, [1, 4], "{findings:#}");
    let subject = findings["findings"][0]["summary"].as_str().expect("summary");
    assert!(subject.starts_with("deploy with ghp_") && subject.contains("******"), "{subject}");

    // --output too, and --no-redact shows it as asked.
    let out = repo.leakguard(&["history", "--format", "sarif", "--output", "report.sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!String::from_utf8_lossy(&repo.read("report.sarif")).contains(&github_token()));
    let out = repo.leakguard(&["history", "--no-redact"]);
    assert!(stdout(&out).contains(&github_token()), "{}", text(&out));
}

#[test]
fn merge_redacts_subjects_of_reports_written_with_no_redact() {
    let repo = repo_with_token_in_a_message();
    let out = repo.leakguard(&["history", "--format", "json", "--no-redact", "--output", "clear.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = repo.leakguard(&["merge", "clear.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let merged: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for f in merged["findings"].as_array().expect("findings") {
        assert!(!f["summary"].as_str().expect("summary").contains(&github_token()), "{f:#}");
    }
}

#[test]
fn pre_push_refuses_a_token_in_a_commit_message() {
    let repo = TestRepo::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let remote = repo.add_bare_remote(dir.path(), "origin");
    let remote = remote.to_str().expect("utf-8 path");
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    repo.git(&["push", "-q", "--no-verify", "origin", "main"]);
    let out = repo.leakguard(&["install", "--hook", "pre-push"]);
    assert!(out.status.success(), "{}", text(&out));

    repo.commit_files(&[("b.txt", "clean\n")], &format!("temporary access {}", github_token()));
    let out = repo.try_git(&["push", "origin", "main"]);
    assert!(!out.status.success(), "the push must be refused:\n{}", text(&out));
    assert!(text(&out).contains("<commit message>"), "{}", text(&out));
    assert_no_token(&out, "git push");
    let remote_main = repo.command("git").args(["--git-dir", remote, "rev-parse", "main"]).output().expect("git");
    assert_ne!(String::from_utf8_lossy(&remote_main.stdout).trim(), repo.head().expect("HEAD"), "nothing reached the remote");
}

#[test]
fn history_timeout_reports_partial_results_and_exits_2_in_every_format() {
    let repo = TestRepo::new();
    for i in 0..5 {
        repo.commit_files(&[(&format!("f{i}.txt"), &format!("TOKEN={}\n", github_token()))], &format!("c{i}"));
    }
    for format in FORMATS {
        let out = repo.leakguard(&["history", "--timeout", "1ms", "--format", format]);
        assert_eq!(out.status.code(), Some(2), "{format}:\n{}", text(&out));
        assert!(stdout(&out).to_lowercase().contains("partial"), "{format}: the report says partial:\n{}", text(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("partial"), "{}", text(&out));
    }
    let out = repo.leakguard(&["history", "--timeout", "1ms", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], false, "{sarif:#}");

    // A partial shard keeps the merged report partial.
    let out = repo.leakguard(&["history", "--timeout", "1ms", "--format", "json", "--output", "part.json"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = repo.leakguard(&["merge", "part.json"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(stdout(&out).contains("\"partial\": true"), "{}", text(&out));

    // With time enough, the same scan is whole.
    let out = repo.leakguard(&["history", "--timeout", "5m"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!stdout(&out).to_lowercase().contains("partial"), "{}", text(&out));
    let out = repo.leakguard(&["history", "--timeout", "soon"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

/// Runs `scan a.txt` with a config holding one custom rule of regex `regex`.
fn scan_with_custom_regex(repo: &TestRepo, regex: &str) -> Output {
    let config = format!(
        "[rules]\nbuiltin = true\n\n[[rules.custom]]\nid = \"costly\"\ndescription = \"costly\"\nkeywords = [\"a\"]\nregex = '''{regex}'''\n"
    );
    repo.write("costly.toml", config);
    repo.write("a.txt", "a".repeat(200_000));
    repo.leakguard(&["scan", "a.txt", "--config", "costly.toml"])
}

#[test]
fn a_costly_custom_regex_is_a_config_error_with_its_location() {
    let repo = TestRepo::new();
    for regex in ["a{100000}", "(?s).{20000}!", "x(?:ab{5000})?"] {
        let out = scan_with_custom_regex(&repo, regex);
        assert_eq!(out.status.code(), Some(2), "{regex}:\n{}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("costly.toml:8:9:") && err.contains("custom rule 1:"), "{regex}: {err}");
        assert!(err.contains("limit"), "{regex}: {err}");
        assert!(!err.contains(regex), "the message does not echo the pattern: {err}");
        assert!(out.stdout.is_empty(), "nothing is scanned with a broken config");
    }
    // A rule within the limits runs.
    let out = scan_with_custom_regex(&repo, "a{20}b");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn a_named_fifo_and_dev_stdin_are_read_to_their_end() {
    use std::io::Write;
    let repo = TestRepo::new();
    for (content, code) in [(format!("TOKEN={}\n", github_token()), 1), ("nothing here\n".to_string(), 0)] {
        let fifo = repo.path().join(format!("pipe{code}"));
        mkfifo(&fifo);
        let writer = {
            let (fifo, content) = (fifo.clone(), content.clone());
            std::thread::spawn(move || std::fs::write(fifo, content).expect("write the fifo"))
        };
        let out = repo.leakguard(&["scan", fifo.to_str().expect("utf-8")]);
        writer.join().expect("writer");
        assert_eq!(out.status.code(), Some(code), "{}", text(&out));
        assert!(stdout(&out).contains("in 1 file scanned"), "{}", text(&out));

        let mut child = repo
            .command(crate::util::leakguard_bin())
            .args(["scan", "/dev/stdin"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run leakguard");
        child.stdin.take().expect("stdin").write_all(content.as_bytes()).expect("write stdin");
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(code), "{}", text(&out));
        assert!(stdout(&out).contains("in 1 file scanned"), "{}", text(&out));
    }
}

#[cfg(unix)]
#[test]
fn a_named_path_that_cannot_be_read_as_a_stream_is_an_error() {
    let repo = TestRepo::new();
    let socket = repo.path().join("s.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind a socket");
    let out = repo.leakguard(&["scan", socket.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

/// A config of many custom rules loads (each is checked once, not against every other), its
/// last rule runs, and a duplicate id is reported at its own line.
#[test]
fn many_custom_rules_load_and_a_duplicate_is_reported_where_it_is() {
    let repo = TestRepo::new();
    let rule = |i: usize| {
        format!("\n[[rules.custom]]\nid = \"team-{i}\"\ndescription = \"team token {i}\"\nkeywords = [\"tm{i}_\"]\nregex = '''tm{i}_[A-Za-z0-9]{{24}}'''\n")
    };
    let mut config: String = (0..1000).map(rule).collect();
    repo.write("many.toml", &config);
    repo.write("a.txt", "key = tm999_Rb8vX2qLmZ4kP2xW9rT5vB8n\n");
    let out = repo.leakguard(&["scan", "a.txt", "--config", "many.toml"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(stdout(&out).contains("team-999"), "{}", text(&out));

    config.push_str(&rule(3));
    repo.write("many.toml", &config);
    let out = repo.leakguard(&["scan", "a.txt", "--config", "many.toml"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let line = config.lines().count() - 3;
    let err = String::from_utf8_lossy(&out.stderr);
    // Named by position, not by its id: a message never quotes a rule's fields.
    assert!(err.contains(&format!("many.toml:{line}:")) && err.contains("custom rule 1001:"), "line {line}: {err}");
}
