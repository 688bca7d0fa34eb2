//! Issue 12, the report side: keyed fingerprints and a memory-hard baseline (6), the auditor's
//! flags and what each mechanism suppressed (7), escaped terminal output (8), config errors
//! that never echo a value (9), and skips said in every format (2).

use std::process::Output;

use serde_json::Value;

use crate::util::{github_token, stdout, text, TestRepo};

const FIXTURE: &str = include_str!("../fixtures/report.py");

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(out)))
}

fn fingerprints(out: &Output) -> Vec<String> {
    json(out)["findings"].as_array().expect("findings").iter().map(|f| f["fingerprint"].as_str().expect("fingerprint").to_string()).collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The unkeyed fingerprint leakguard wrote before: SHA-256 of (rule, secret), 16 bytes.
fn old_fingerprint(rule: &str, secret: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new().chain_update(b"leakguard-fingerprint-v1\0").chain_update(rule).chain_update(b"\0").chain_update(secret).finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn issue_12_fingerprints_are_keyed_stable_and_not_the_old_hash() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.cfg", &format!("TOKEN={}\n", github_token()))], "leak");
    let first = repo.leakguard(&["scan", "a.cfg", "--format", "json"]);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    let key_file = repo.path().join(".git/leakguard/fingerprint-key");
    assert!(key_file.is_file(), "a per-repository key is made on first use");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).expect("key").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the key is private");
    }
    let fp = fingerprints(&first);
    assert_eq!(fp.len(), 1);
    assert_eq!(fingerprints(&repo.leakguard(&["scan", "a.cfg", "--format", "json"])), fp, "stable across runs");
    assert_ne!(fp[0], old_fingerprint("github-pat-classic", &github_token()), "not the unkeyed hash");
    assert!(!contains(&std::fs::read(&key_file).expect("key"), &fp[0]));

    let sarif = repo.leakguard(&["scan", "a.cfg", "--format", "sarif"]);
    assert_eq!(json(&sarif)["runs"][0]["results"][0]["properties"]["fingerprint"], fp[0].as_str(), "SARIF carries the same id");
    let place = json(&sarif)["runs"][0]["results"][0]["partialFingerprints"]["leakguard/v3"].clone();
    assert!(place.as_str().is_some_and(|p| p.len() == 32 && p != fp[0]), "SARIF's partial fingerprint is keyed by place: {place}");

    let other = repo.command(crate::util::leakguard_bin()).args(["scan", "a.cfg", "--format", "json"]).env("LEAKGUARD_FINGERPRINT_KEY", "a-ci-secret-key-of-some-length").output().expect("run");
    let keyed = fingerprints(&other);
    assert_ne!(keyed, fp, "another key, another fingerprint");
    let again = repo.command(crate::util::leakguard_bin()).args(["scan", "a.cfg", "--format", "json"]).env("LEAKGUARD_FINGERPRINT_KEY", "a-ci-secret-key-of-some-length").output().expect("run");
    assert_eq!(fingerprints(&again), keyed, "the environment key gives stable ids across machines");

    // A second repository (another key file) gives the same secret another id.
    let elsewhere = TestRepo::new();
    elsewhere.commit_files(&[("a.cfg", &format!("TOKEN={}\n", github_token()))], "leak");
    assert_ne!(fingerprints(&elsewhere.leakguard(&["scan", "a.cfg", "--format", "json"])), fp);

    // The human report needs no key: the commit hook writes nothing.
    let fresh = TestRepo::new();
    fresh.write("a.cfg", format!("TOKEN={}\n", github_token()));
    fresh.git(&["add", "a.cfg"]);
    assert_eq!(fresh.leakguard(&["staged"]).status.code(), Some(1));
    assert!(!fresh.path().join(".git/leakguard").exists(), "no key file for a human report");
}

#[test]
fn issue_12_baseline_is_argon2_and_version_1_still_suppresses() {
    let repo = TestRepo::new();
    let token = github_token();
    repo.commit_files(&[("a.cfg", &format!("TOKEN={token}\n"))], "old leak");
    let out = repo.leakguard(&["baseline"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let file = String::from_utf8(repo.read(".leakguard-baseline.toml")).expect("utf-8");
    assert!(file.contains("version = 2"), "{file}");
    assert!(!file.contains(&token) && !file.contains(&token[4..]), "{file}");
    let salt = file.split("salt = \"").nth(1).and_then(|s| s.split('"').next()).expect("salt");
    assert!(!file.contains(&leakguard::baseline::hash_v1(salt, "github-pat-classic", &token)), "not the cheap v1 hash");
    assert!(!file.contains(&old_fingerprint("github-pat-classic", &token)));
    let out = repo.leakguard(&["scan", "a.cfg"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("1 in the baseline"), "{}", text(&out));

    // A version 1 baseline, as older releases wrote it, still suppresses...
    let salt = "00112233445566778899aabbccddeeff";
    let v1 = format!(
        "version = 1\nsalt = \"{salt}\"\n\n[[accepted]]\npath = \"a.cfg\"\nrule = \"github-pat-classic\"\nhash = \"{}\"\n",
        leakguard::baseline::hash_v1(salt, "github-pat-classic", &token)
    );
    repo.write(".leakguard-baseline.toml", &v1);
    let out = repo.leakguard(&["scan", "a.cfg"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("1 in the baseline"), "{}", text(&out));
    // ...and `--update` rewrites it as version 2, keeping the entry.
    let out = repo.leakguard(&["baseline", "--update"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("rewritten as version 2"), "{}", text(&out));
    let file = String::from_utf8(repo.read(".leakguard-baseline.toml")).expect("utf-8");
    assert!(file.contains("version = 2") && file.contains(salt) && !file.contains(&leakguard::baseline::hash_v1(salt, "github-pat-classic", &token)), "{file}");
    assert_eq!(repo.leakguard(&["scan", "a.cfg"]).status.code(), Some(0));
    // A new secret still blocks.
    repo.write("b.cfg", format!("TOKEN=ghp_{}\n", "Yq7T2mX9vLp4RkW8sN3bY6cJ1dF5hG0aQeUu"));
    assert_eq!(repo.leakguard(&["scan", "a.cfg", "b.cfg"]).status.code(), Some(1));
}

/// Configs a repository could commit to hide its leaks from an auditor.
fn hiding_configs() -> Vec<(&'static str, String, &'static str)> {
    vec![
        // With a rule of its own: a config that leaves no rule at all is an error (issue 13).
        (
            "builtin = false",
            "[rules]\nbuiltin = false\n\n[[rules.custom]]\nid = \"acme-token\"\ndescription = \"ACME token\"\nkeywords = [\"acme_\"]\nregex = '''\\b(?P<secret>acme_[A-Za-z0-9]{16})\\b'''\nexamples = [\"k = acme_Q8wE3rT5yU7iO9pA\"]\nnegative_examples = [\"k = acme_short\"]\n".to_string(),
            "rules_disabled",
        ),
        ("disable", "[rules]\ndisable = [\"github-pat-classic\"]\n".to_string(), "rules_disabled"),
        ("raised entropy", "[rules.overrides.github-pat-classic]\nentropy = 8.0\n".to_string(), "rules_tuned"),
        ("paths = **", "[allowlist]\npaths = [\"**\"]\n".to_string(), "config_allowlist"),
    ]
}

#[test]
fn issue_12_merge_adds_up_summaries_and_dedupes() {
    let repo = TestRepo::new();
    for i in 0..4 {
        repo.commit_files(&[(&format!("f{i}.cfg"), &format!("N={i}\nTOKEN={}\n", github_token()))], &format!("c{i}"));
    }
    repo.commit_files(&[("blob.bin", "\0\x01binary\n")], "binary");
    let whole = json(&repo.leakguard(&["history", "--format", "json"]));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = vec!["merge".to_string(), "--format".to_string(), "jsonl".to_string()];
    for (k, format) in [(1, "json"), (2, "jsonl")] {
        let file = dir.path().join(format!("shard{k}"));
        let out = repo.leakguard(&["history", "--format", format, "--shard", &format!("{k}/2"), "--output", file.to_str().expect("utf-8")]);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
        args.push(file.to_string_lossy().into_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = repo.leakguard(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let lines: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    let (summary, findings) = lines.split_last().expect("lines");
    assert_eq!(summary["type"], "summary");
    assert_eq!(findings.len(), whole["findings"].as_array().expect("findings").len(), "one finding per secret and path");
    assert_eq!(summary["scanned"], whole["summary"]["scanned"], "{summary:#}");
    assert_eq!(summary["skipped"]["binary"], 1);
    assert_eq!(summary["reports_merged"], 2);
    for f in findings {
        assert_eq!(f["type"], "finding");
    }
}

#[test]
fn issue_12_audit_finds_what_a_committed_config_hides() {
    for (name, config, counter) in hiding_configs() {
        let repo = TestRepo::new();
        // A line only the GitHub rule catches, so disabling it hides the leak.
        repo.commit_files(&[("a.txt", &format!("see {}\n", github_token())), (".leakguard.toml", &config)], "hide");
        let out = repo.leakguard(&["history"]);
        assert_eq!(out.status.code(), Some(0), "{name}: the config hides it:\n{}", text(&out));
        let said = stdout(&out);
        assert!(said.contains("config disabled") || said.contains("config tuned") || said.contains("allowed by config"), "{name}: the report says so:\n{said}");
        let report = json(&repo.leakguard(&["history", "--format", "json"]));
        let summary = &report["summary"];
        let n = summary["config"][counter].as_u64().or_else(|| summary["suppressed"][counter].as_u64()).expect("counter");
        assert!(n >= 1, "{name}: {summary:#}");

        let out = repo.leakguard(&["history", "--audit"]);
        assert_eq!(out.status.code(), Some(1), "{name}: --audit finds it:\n{}", text(&out));
        assert!(stdout(&out).contains("not applied: config, baseline, inline allows, .gitleaksignore"), "{}", text(&out));
        assert_eq!(repo.leakguard(&["history", "--no-config"]).status.code(), Some(1), "{name}");
        assert_eq!(repo.leakguard(&["scan", ".", "--audit"]).status.code(), Some(1), "{name}");
    }
}

#[test]
fn issue_12_audit_ignores_inline_allows_gitleaksignore_and_the_baseline() {
    let repo = TestRepo::new();
    let token = github_token();
    repo.commit_files(
        &[
            ("inline.py", &format!("t = \"{token}\"  # leakguard:allow\n")),
            ("ignored.cfg", &format!("TOKEN={token}\n")),
            (".gitleaksignore", "ignored.cfg:github-pat:1\n"),
            ("based.cfg", &format!("KEY={token}\n")),
        ],
        "hidden three ways",
    );
    assert_eq!(repo.leakguard(&["baseline"]).status.code(), Some(0));
    let out = repo.leakguard(&["scan", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let said = stdout(&out);
    for part in ["1 allowed inline", "1 allowed by .gitleaksignore", "1 in the baseline"] {
        assert!(said.contains(part), "{part}:\n{said}");
    }
    for format in ["json", "jsonl", "sarif"] {
        let out = repo.leakguard(&["scan", ".", "--format", format]);
        let body = stdout(&out);
        let last = body.lines().last().unwrap_or_default().to_string();
        let summary: Value = match format {
            "json" => json(&out)["summary"].clone(),
            "jsonl" => serde_json::from_str(&last).expect("summary line"),
            _ => json(&out)["runs"][0]["properties"]["leakguard"].clone(),
        };
        assert_eq!(summary["suppressed"]["inline_allow"], 1, "{format}: {summary:#}");
        assert_eq!(summary["suppressed"]["gitleaksignore"], 1, "{format}: {summary:#}");
        assert_eq!(summary["suppressed"]["baseline"], 1, "{format}: {summary:#}");
    }
    let out = repo.leakguard(&["scan", ".", "--audit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = json(&out);
    // (--audit also shows the baseline's own salt, which generic rules take for a key: an
    // auditor's run makes no exception.)
    let files: Vec<&str> = report["findings"].as_array().expect("findings").iter().filter_map(|f| f["file"].as_str()).filter(|f| !f.ends_with("baseline.toml")).collect();
    assert_eq!(files, ["based.cfg", "ignored.cfg", "inline.py"], "{report:#}");
    assert_eq!(report["summary"]["turned_off"].as_array().expect("list").len(), 4);
    assert_eq!(repo.leakguard(&["scan", ".", "--no-baseline"]).status.code(), Some(1));
    assert_eq!(repo.leakguard(&["staged", "--audit"]).status.code(), Some(0), "nothing staged");
}

#[test]
fn issue_12_audit_scans_what_ignore_files_skip() {
    let repo = TestRepo::new();
    let token = github_token();
    repo.commit_files(&[("tracked.env", &format!("TOKEN={token}\n"))], "tracked");
    repo.write(".gitignore", "*.env\n");
    let out = repo.leakguard(&["scan", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("ignore files honoured"), "the report says what it left out:\n{}", text(&out));
    assert_eq!(json(&repo.leakguard(&["scan", ".", "--format", "json"]))["summary"]["ignore_files"], "honoured");
    let out = repo.leakguard(&["scan", ".", "--audit"]);
    assert_eq!(out.status.code(), Some(1), "a tracked file matched by .gitignore is scanned:\n{}", text(&out));

    let plain = tempfile::tempdir().expect("temp dir");
    std::fs::write(plain.path().join(".ignore"), "*\n").expect("write");
    std::fs::create_dir_all(plain.path().join("deep")).expect("mkdir");
    std::fs::write(plain.path().join("deep/k.cfg"), format!("TOKEN={token}\n")).expect("write");
    let run = |args: &[&str]| repo.command(crate::util::leakguard_bin()).args(args).current_dir(plain.path()).output().expect("run");
    assert_eq!(run(&["scan", "."]).status.code(), Some(0));
    let out = run(&["scan", ".", "--audit"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(run(&["scan", ".", "--no-ignore-files"]).status.code(), Some(1));
}

#[test]
fn issue_12_audit_flags_are_refused_where_nothing_is_scanned() {
    let repo = TestRepo::new();
    for args in [["rules", "list", "--audit"], ["init", "--no-config", "--force"], ["baseline", "--no-baseline", "--quiet"]] {
        let out = repo.leakguard(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        // Refused by the parser: these commands do not have the option at all (issue 16.8).
        assert!(text(&out).contains("unexpected argument '--"), "{}", text(&out));
    }
}

#[test]
fn issue_12_every_format_says_what_was_skipped() {
    let repo = TestRepo::new();
    repo.commit_files(&[("README", "hello\n")], "init");
    let mut binary = b"\x00\x01\x02 header\n".to_vec();
    binary.extend(format!("TOKEN={}\n", github_token()).as_bytes());
    repo.write("blob.dat", &binary);
    repo.git(&["add", "blob.dat"]);
    let out = repo.leakguard(&["staged"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("1 binary skipped"), "staged says what it skipped even when clean:\n{}", text(&out));
    let quiet = repo.leakguard(&["staged", "--quiet"]);
    assert!(stdout(&quiet).contains("1 binary skipped"), "even --quiet:\n{}", text(&quiet));

    let report = json(&repo.leakguard(&["staged", "--format", "json"]));
    assert_eq!(report["summary"]["skipped"]["binary"], 1, "{report:#}");
    assert_eq!(report["summary"]["unit"], "file");
    let lines = stdout(&repo.leakguard(&["staged", "--format", "jsonl"]));
    let last: Value = serde_json::from_str(lines.lines().last().expect("a line")).expect("JSON line");
    assert_eq!(last["type"], "summary");
    assert_eq!(last["skipped"]["binary"], 1);
    let sarif = json(&repo.leakguard(&["staged", "--format", "sarif"]));
    crate::sarif::validate(&sarif);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes = invocation["toolExecutionNotifications"].as_array().expect("notifications");
    assert!(notes.iter().any(|n| n["descriptor"]["id"] == "skipped/binary" && n["properties"]["count"] == 1), "{invocation:#}");
    assert_eq!(sarif["runs"][0]["properties"]["leakguard"]["skipped"]["binary"], 1);

    // A clean staged commit with nothing skipped stays silent.
    repo.git(&["reset", "-q"]);
    repo.write("ok.txt", "fine\n");
    repo.git(&["add", "ok.txt"]);
    let out = repo.leakguard(&["staged"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty(), "{}", text(&out));
}

#[test]
fn issue_12_sarif_with_suppressions_and_audit_matches_the_schema() {
    let repo = TestRepo::new();
    repo.commit_files(
        &[
            ("a.py", &format!("t = \"{}\"  # leakguard:allow\n", github_token())),
            (".leakguard.toml", "[rules]\ndisable = [\"aws-access-key-id\"]\n"),
            ("big.bin", "\0binary\n"),
        ],
        "c",
    );
    for args in [vec!["history", "--format", "sarif"], vec!["scan", ".", "--format", "sarif", "--audit"]] {
        let out = repo.leakguard(&args);
        let report = json(&out);
        crate::sarif::validate(&report);
        let config = report["runs"][0]["invocations"][0]["toolConfigurationNotifications"].as_array().expect("notes").clone();
        assert!(!config.is_empty(), "{args:?}: {report:#}");
    }
}

#[test]
fn issue_12_human_output_escapes_control_characters() {
    let repo = TestRepo::new();
    let token = github_token();
    let name = "evil\x1b[2J\x07name.cfg";
    repo.write(name, format!("TOKEN={token} \x1b[1A\x1b[2K\u{9b}31m\u{202e}clean\r\n"));
    repo.git(&["add", "--", name]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "subject \x1b]0;title\x07 \x1b[2J end"]);
    for args in [vec!["scan", ".", "--color", "never"], vec!["history", "--color", "never"], vec!["scan", ".", "--color", "always"]] {
        let out = repo.leakguard(&args);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let body = String::from_utf8_lossy(&out.stdout).into_owned();
        let colour_codes = ["\x1b[1;31m", "\x1b[1;33m", "\x1b[1m", "\x1b[2m", "\x1b[0m"];
        let mut rest = body.clone();
        for code in colour_codes {
            rest = rest.replace(code, "");
        }
        assert!(!rest.chars().any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'), "{args:?}: raw control characters:\n{rest:?}");
        assert!(body.contains("evil\\x1b[2J\\x07name.cfg"), "the name is shown escaped:\n{body}");
        assert!(body.contains("\\x1b[1A"), "{body}");
    }
    let out = repo.leakguard(&["history", "--color", "never"]);
    assert!(stdout(&out).contains("subject \\x1b]0;title\\x07 \\x1b[2J end"), "{}", stdout(&out));
    for format in ["json", "jsonl", "sarif"] {
        let out = repo.leakguard(&["history", "--format", format]);
        assert!(!out.stdout.iter().any(|&b| b < 0x20 && b != b'\n' || b == 0x7f), "{format}: raw C0 or DEL");
        assert!(!contains(&out.stdout, "\u{9b}") && !contains(&out.stdout, "\u{202e}"), "{format}: raw C1 or bidi");
    }
}

#[test]
fn issue_12_config_errors_never_echo_the_value() {
    let token = github_token();
    let glob = format!("{token}[z-a]");
    let cases = [
        ("wrong type", format!("[rules]\nbuiltin = \"{token}\"\n")),
        ("wrong variant", format!("[rules.overrides.github-pat-classic]\nseverity = \"{token}\"\n")),
        ("unknown rule id", format!("[rules]\ndisable = [\"{token}\"]\n")),
        ("unknown override id", format!("[rules.overrides.{token}]\nentropy = 3.0\n")),
        ("unknown key", format!("[allowlist]\n{token} = 1\n")),
        ("duplicate key", format!("[allowlist]\npaths = [\"a\"]\npaths = [\"{token}\"]\n")),
        ("invalid glob", format!("[allowlist]\npaths = [\"{glob}\"]\n")),
        ("invalid regex", format!("[allowlist]\nsecrets = ['''{token}(''']\n")),
        ("invalid regex class", format!("[allowlist]\nlines = ['''\\p{{{token}}}''']\n")),
        ("wrong type in a list", format!("[allowlist]\nstopwords = [\"a\", {{ k = \"{token}\" }}]\n")),
        ("syntax error", format!("[allowlist]\npaths = [\"{token}\" \"x\"]\n")),
        ("bad id", format!("[[rules.custom]]\nid = \"{token}\"\ndescription = \"d\"\nkeywords = [\"ghp_\"]\nregex = '''ghp_[a-z]+'''\n")),
        ("custom regex", format!("[[rules.custom]]\nid = \"acme\"\ndescription = \"d\"\nkeywords = [\"acme\"]\nregex = '''{token}('''\n")),
        ("custom example", format!("[[rules.custom]]\nid = \"acme-key\"\ndescription = \"d\"\nkeywords = [\"acme\"]\nregex = '''acme_[0-9]+'''\nexamples = [\"acme {token}\"]\n")),
        ("custom checksum", format!("[[rules.custom]]\nid = \"acme-key\"\ndescription = \"d\"\nkeywords = [\"acme\"]\nregex = '''acme_[0-9]+'''\nchecksum = \"{token}\"\n")),
        ("duplicate id", "[[rules.custom]]\nid = \"github-pat-classic\"\ndescription = \"d\"\nkeywords = [\"ghp_\"]\nregex = '''ghp_[a-z]+'''\n".to_string()),
    ];
    let repo = TestRepo::new();
    repo.write("leak.py", "nothing\n");
    for (name, config) in cases {
        repo.write("bad.toml", &config);
        let out = repo.leakguard(&["scan", "leak.py", "--config", "bad.toml"]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(err.contains("bad.toml:"), "{name}: names the file and position:\n{err}");
        for part in [token.as_str(), &token[4..], &token[..12], "z-a"] {
            assert!(!err.contains(part), "{name}: echoes the value:\n{err}");
        }
    }
}

/// Every output, in every format, on stdout and in `--output`, plus the baseline: none shows a
/// secret of the fixture unless `--no-redact` asks.
#[test]
fn issue_12_no_output_holds_a_fixture_secret() {
    let repo = TestRepo::new();
    repo.commit_files(&[("report.py", FIXTURE)], "fixture");
    let clear = json(&repo.leakguard(&["scan", "report.py", "--format", "json", "--no-redact"]));
    let secrets: Vec<String> = clear["findings"].as_array().expect("findings").iter().map(|f| f["secret"].as_str().expect("secret").to_string()).collect();
    assert!(secrets.len() >= 4, "{clear:#}");
    let leaked = |bytes: &[u8]| secrets.iter().find(|s| contains(bytes, s) || contains(bytes, &s[s.len() / 3..])).cloned();

    let out_file = repo.path().join("out.report");
    let out_arg = out_file.to_str().expect("utf-8").to_string();
    for command in [vec!["scan", "report.py"], vec!["history"]] {
        for format in ["human", "json", "jsonl", "sarif"] {
            let mut args = command.clone();
            args.extend(["--format", format]);
            let out = repo.leakguard(&args);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
            assert_eq!(leaked(&out.stdout).or(leaked(&out.stderr)), None, "{args:?}");
            args.extend(["--output", &out_arg]);
            assert_eq!(repo.leakguard(&args).status.code(), Some(1));
            assert_eq!(leaked(&std::fs::read(&out_file).expect("report file")), None, "{args:?} --output");
            args.push("--no-redact");
            assert_eq!(repo.leakguard(&args).status.code(), Some(1));
            assert!(leaked(&std::fs::read(&out_file).expect("report file")).is_some(), "{args:?}: --no-redact shows them");
        }
    }
    assert_eq!(repo.leakguard(&["baseline"]).status.code(), Some(0));
    assert_eq!(leaked(&repo.read(".leakguard-baseline.toml")), None, "baseline");

    for secret in &secrets {
        repo.write("bad.toml", format!("[rules]\nbuiltin = \"{secret}\"\n"));
        let out = repo.leakguard(&["scan", "report.py", "--config", "bad.toml"]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(leaked(&out.stderr), None, "config error");
    }
}
