//! Adopting leakguard on an old repository: baseline, inline allows, config allowlists, and
//! migration from gitleaks and detect-secrets.

use crate::util::{github_token, stdout, text, TestRepo};

/// A second fake token, distinct from `github_token()`.
fn other_token() -> String {
    let token = format!("ghp_{}", "Wd4Kx8Pq2Lm6Zr0Tv3Hy7Bn1Cs5Fj9Ge2Ua4");
    assert_eq!(token.len(), 40, "ghp_ and 36 characters");
    token
}

fn legacy_repo() -> TestRepo {
    let repo = TestRepo::new();
    let body: String = (0..5).map(|i| format!("x{i} = {i}\n")).collect();
    repo.commit_files(&[("app/settings.py", &format!("{body}TOKEN = '{}'\n", github_token())), ("README.md", "# app\n")], "legacy");
    repo
}

fn baseline(repo: &TestRepo, args: &[&str]) {
    let mut all = vec!["baseline"];
    all.extend_from_slice(args);
    let out = repo.leakguard(&all);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn baselined_secret_survives_moves_and_edits_but_new_ones_block() {
    let repo = legacy_repo();
    baseline(&repo, &[]);
    let file = String::from_utf8(repo.read(".leakguard-baseline.toml")).expect("utf-8");
    assert!(!file.contains(&github_token()) && !file.contains(&github_token()[4..]), "never the secret:\n{file}");
    assert!(file.contains("path = \"app/settings.py\""), "{file}");

    // Lines inserted above and an edit elsewhere: still accepted.
    let moved = format!("import os\n\n# config\nx0 = 0\nx1 = 11\nTOKEN = '{}'\nx4 = 4\n", github_token());
    repo.write("app/settings.py", &moved);
    let out = repo.leakguard(&["scan", "app"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("1 in the baseline"), "reports count what the baseline hid:\n{}", text(&out));

    // The same secret pasted into a new file is a new finding.
    repo.write("app/copy.py", format!("T = '{}'\n", github_token()));
    let out = repo.leakguard(&["scan", "app", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(stdout(&out).contains("\"file\": \"app/copy.py\""), "{}", text(&out));

    // A new secret beside the old one blocks the commit through the hook.
    std::fs::remove_file(repo.path().join("app/copy.py")).expect("rm");
    repo.install_hook();
    repo.git(&["add", "app/settings.py"]);
    let out = repo.try_git(&["commit", "-qm", "move lines"]);
    assert!(out.status.success(), "baselined secret on moved lines:\n{}", text(&out));
    repo.write("app/settings.py", format!("{moved}OTHER = '{}'\n", other_token()));
    let out = repo.try_git(&["commit", "-qam", "new secret"]);
    assert!(!out.status.success(), "{}", text(&out));
}

#[test]
fn update_adds_prune_drops_and_rewrites_are_stable() {
    let repo = legacy_repo();
    baseline(&repo, &[]);
    let first = repo.read(".leakguard-baseline.toml");
    baseline(&repo, &[]);
    assert_eq!(repo.read(".leakguard-baseline.toml"), first, "no churn when nothing changed");

    repo.commit_files(&[("b.py", &format!("B = '{}'\n", other_token()))], "another");
    baseline(&repo, &["--update"]);
    let updated = String::from_utf8(repo.read(".leakguard-baseline.toml")).expect("utf-8");
    assert_eq!(updated.matches("[[accepted]]").count(), 2, "{updated}");

    repo.write("app/settings.py", "x0 = 0\n");
    baseline(&repo, &["--prune"]);
    let pruned = String::from_utf8(repo.read(".leakguard-baseline.toml")).expect("utf-8");
    assert_eq!(pruned.matches("[[accepted]]").count(), 1, "{pruned}");
    assert!(pruned.contains("b.py") && !pruned.contains("settings.py"), "{pruned}");
}

#[test]
fn inline_allow_in_many_comment_syntaxes() {
    let repo = TestRepo::new();
    let t = github_token();
    let files = [
        ("a.py", format!("T = '{t}'  # leakguard:allow\n")),
        ("a.js", format!("const t = '{t}'; // leakguard:allow github-pat-classic\n")),
        ("a.yml", format!("token: {t} # leakguard:allow\n")),
        ("a.sh", format!("export T={t} # gitleaks:allow\n")),
        ("a.sql", format!("INSERT INTO k VALUES ('{t}'); -- pragma: allowlist secret\n")),
        ("a.html", format!("<meta content=\"{t}\"> <!-- leakguard:allow -->\n")),
    ];
    for (name, body) in &files {
        repo.write(name, body);
    }
    let out = repo.leakguard(&["scan", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("6 allowed inline"), "{}", text(&out));

    // An allow naming another rule does not cover this one.
    repo.write("b.js", format!("const t = '{t}'; // leakguard:allow aws-access-key-id\n"));
    let out = repo.leakguard(&["scan", "b.js"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn config_allowlists_paths_stopwords_and_overrides() {
    let repo = TestRepo::new();
    let t = github_token();
    repo.write("src/deep/tests/fixtures/tok.txt", format!("{t}\n"));
    repo.write("src/real.txt", format!("{t}\n"));
    repo.write(".leakguard.toml", "[allowlist]\npaths = [\"**/fixtures/**\"]\n");
    let out = repo.leakguard(&["scan", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let json = stdout(&out);
    assert!(json.contains("src/real.txt") && !json.contains("fixtures"), "{json}");

    // From a subfolder, paths are still matched relative to the repository root.
    let out = repo.command(crate::util::leakguard_bin()).args(["scan", "."]).current_dir(repo.path().join("src/deep")).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // A rule turned to a warning reports without blocking.
    repo.write(".leakguard.toml", "[rules.overrides.github-pat-classic]\nseverity = \"warn\"\n");
    let out = repo.leakguard(&["scan", "src/real.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("1 warning"), "{}", text(&out));

    // Disabled rules do not run.
    repo.write(".leakguard.toml", "[rules]\ndisable = [\"github-pat-classic\"]\n");
    let out = repo.leakguard(&["scan", "src/real.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn custom_rule_from_config_finds_its_secret() {
    let repo = TestRepo::new();
    repo.write(
        ".leakguard.toml",
        "[rules]\nbuiltin = false\n\n[[rules.custom]]\nid = \"acme-token\"\ndescription = \"ACME token\"\nkeywords = [\"acme_\"]\nregex = '''\\b(?P<secret>acme_[A-Za-z0-9]{16})\\b'''\nexamples = [\"k = acme_Q8wE3rT5yU7iO9pA\"]\nnegative_examples = [\"k = acme_short\"]\n",
    );
    repo.write("a.cfg", format!("k = acme_Zx4Cv6Bn8Mq2Wl9R\nt = {}\n", github_token()));
    let out = repo.leakguard(&["scan", "a.cfg", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let json = stdout(&out);
    assert!(json.contains("acme-token") && !json.contains("github-pat-classic"), "built-ins off:\n{json}");
}

#[test]
fn migrates_a_gitleaks_config() {
    let repo = TestRepo::new();
    repo.write(
        ".gitleaks.toml",
        r#"title = "acme gitleaks config"

[extend]
useDefault = true
disabledRules = ["generic-api-key", "jwt"]

[[rules]]
id = "acme-internal-key"
description = "ACME internal key"
regex = '''(?i)(acme[_-]?key)\s*[:=]\s*['"]?([a-z0-9]{24})['"]?'''
secretGroup = 2
entropy = 3.0
keywords = ["acme_key", "acme-key"]
[[rules.allowlists]]
regexes = ['''^0{24}$''']

[[rules]]
id = "no-keywords"
regex = '''zz[0-9]{10}'''

[[rules]]
id = "private-key"
[[rules.allowlists]]
paths = ['''(^|/)testdata/''']

[allowlist]
description = "global"
paths = ['''(^|/)vendor/''', '''\.lock$''']
regexTarget = "line"
regexes = ['''EXAMPLE_ONLY''']
stopwords = ["dummyvalue"]
"#,
    );
    let out = repo.leakguard(&["init", "--from-gitleaks", ".gitleaks.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let notes = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(notes.contains("disabledRules: `generic-api-key` is carried as"), "{notes}");
    let config = String::from_utf8(repo.read(".leakguard.toml")).expect("utf-8");
    assert!(config.contains("id = 'no-keywords'"), "a rule without keywords is carried:\n{config}");
    assert!(config.contains("'generic-key-assignment'") && config.contains("'jwt'"), "{config}");
    assert!(config.contains("(?P<secret>[a-z0-9]{24})"), "secretGroup becomes the secret group:\n{config}");
    assert!(config.contains("[rules.overrides.private-key.allowlist]"), "{config}");
    assert!(config.contains("lines = ['EXAMPLE_ONLY']"), "{config}");

    // The converted config works: the custom rule fires, the global path allowlist applies.
    repo.write("app.py", "acme_key = 'q7w8e9r0t1y2u3i4o5p6a7s8'\n");
    repo.write("vendor/lib.py", "acme_key = 'q7w8e9r0t1y2u3i4o5p6a7s8'\n");
    let out = repo.leakguard(&["scan", "--format", "json"]);
    let json = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(json.contains("acme-internal-key") && json.contains("app.py") && !json.contains("vendor/"), "{json}");

    // A second run refuses to overwrite.
    let out = repo.leakguard(&["init", "--from-gitleaks", ".gitleaks.toml"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn imports_a_detect_secrets_baseline_and_reads_gitleaksignore() {
    use sha1::{Digest, Sha1};
    let repo = TestRepo::new();
    let accepted = github_token();
    let hash: String = Sha1::digest(accepted.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    repo.commit_files(&[("conf/a.env", &format!("A={accepted}\n")), ("conf/b.env", &format!("B={}\n", other_token()))], "legacy");
    repo.write(
        ".secrets.baseline",
        format!(
            r#"{{
  "version": "1.5.0",
  "plugins_used": [{{"name": "GitHubTokenDetector"}}],
  "filters_used": [],
  "results": {{
    "conf/a.env": [{{"type": "GitHub Token", "filename": "conf/a.env", "hashed_secret": "{hash}", "is_verified": false, "line_number": 1}}],
    "gone.py": [{{"type": "Secret Keyword", "filename": "gone.py", "hashed_secret": "0000000000000000000000000000000000000000", "is_verified": false, "line_number": 3}}]
  }},
  "generated_at": "2024-01-01T00:00:00Z"
}}"#
        ),
    );
    let out = repo.leakguard(&["baseline", "--from-detect-secrets", ".secrets.baseline"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("imported 1 of 2 detect-secrets entries"), "{}", text(&out));

    let out = repo.leakguard(&["scan", "conf", "--format", "json"]);
    let json = stdout(&out);
    assert!(!json.contains("conf/a.env") && json.contains("conf/b.env"), "{json}");

    // gitleaks' own ignore file: `file:rule:line` allows that spot.
    repo.write(".gitleaksignore", "conf/b.env:github-pat:1\n");
    let out = repo.leakguard(&["scan", "conf"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn baseline_from_history_accepts_past_secrets() {
    let repo = TestRepo::new();
    repo.commit_files(&[("old.py", &format!("T = '{}'\n", github_token()))], "leak");
    repo.commit_files(&[("old.py", "T = None\n")], "remove it");
    let out = repo.leakguard(&["history"]);
    assert_eq!(out.status.code(), Some(1), "the removed secret is still in history:\n{}", text(&out));

    let out = repo.leakguard(&["baseline"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("0 accepted"), "the tracked files are clean now:\n{}", text(&out));

    baseline(&repo, &["--history"]);
    let out = repo.leakguard(&["history"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("1 in the baseline"), "{}", text(&out));
}

#[test]
fn baseline_can_be_written_to_a_new_named_file() {
    let repo = legacy_repo();
    baseline(&repo, &["--baseline", "ci/accepted.toml"]);
    let file = String::from_utf8(repo.read("ci/accepted.toml")).expect("utf-8");
    assert_eq!(file.matches("[[accepted]]").count(), 1, "{file}");
    let out = repo.leakguard(&["scan", "app", "--baseline", "ci/accepted.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Scans still refuse a named baseline that is not there: a typo must not go unnoticed.
    let out = repo.leakguard(&["scan", "app", "--baseline", "ci/typo.toml"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

/// Issue 16.1: leakguard's own files never block their own commit, whatever the baseline's
/// random salt happens to look like, and with no baseline in force to recognise it.
#[test]
fn own_files_commit_through_the_hook() {
    let repo = legacy_repo();
    repo.install_hook();
    for round in 0..6 {
        std::fs::remove_file(repo.path().join(".leakguard-baseline.toml")).ok();
        baseline(&repo, &[]);
        let out = repo.leakguard(&["scan", "--no-baseline", ".leakguard-baseline.toml"]);
        assert_eq!(out.status.code(), Some(0), "round {round}: the baseline file on its own:\n{}", text(&out));
        repo.git(&["add", ".leakguard-baseline.toml"]);
        let out = repo.try_git(&["commit", "-qm", &format!("baseline {round}")]);
        assert!(out.status.success(), "round {round}:\n{}", text(&out));
    }

    // The README's config, with a custom rule and its example; a detect-secrets baseline;
    // a .gitleaksignore.
    let config = "[rules.overrides.aws-access-key-id]\nseverity = \"warn\"\nallowlist = { paths = [\"docs/**\"] }\n\n\
        [[rules.custom]]\nid = \"acme-token\"\ndescription = \"ACME internal token\"\nkeywords = [\"acme_\"]\n\
        regex = '''\\b(?P<secret>acme_[A-Za-z0-9]{32})\\b'''\n\
        examples = ['k = \"acme_Q2w3E4r5T6y7U8i9O0pLkJhGfDsAzXcV\"']\n\n\
        [allowlist]\nsecrets = ['^AKIA0{16}$']\nstopwords = [\"dummy\"]\n";
    let hashes = ["0b9a54438fba2dc0d39be8f7c6c71a58b5d1e0a2", "e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4", "be4fc4886bd949b369d5e092eb87494f12e57e5b"];
    let results: Vec<String> = hashes
        .iter()
        .enumerate()
        .map(|(i, h)| format!("      {{\n        \"type\": \"Secret Keyword\",\n        \"filename\": \"app/settings.py\",\n        \"hashed_secret\": \"{h}\",\n        \"is_verified\": false,\n        \"line_number\": {}\n      }}", i + 1))
        .collect();
    let secrets_baseline = format!(
        "{{\n  \"version\": \"1.5.0\",\n  \"plugins_used\": [\n    {{\"name\": \"Base64HighEntropyString\", \"limit\": 4.5}},\n    {{\"name\": \"KeywordDetector\"}}\n  ],\n  \"filters_used\": [],\n  \"results\": {{\n    \"app/settings.py\": [\n{}\n    ]\n  }},\n  \"generated_at\": \"2026-01-01T00:00:00Z\"\n}}\n",
        results.join(",\n")
    );
    repo.write(".leakguard.toml", config);
    repo.write(".secrets.baseline", secrets_baseline);
    repo.write(".gitleaksignore", "# accepted\n4f2a6c1e9b0d3a5c7e8f1b2d4a6c8e0f1a3b5c7d:app/settings.py:generic-api-key:6\napp/settings.py:github-pat:6\n");
    repo.git(&["add", ".leakguard.toml", ".secrets.baseline", ".gitleaksignore"]);
    let out = repo.try_git(&["commit", "-qm", "config, detect-secrets baseline, gitleaksignore"]);
    assert!(out.status.success(), "{}", text(&out));

    // By structure, not by name alone: a real token in the config outside any example, or a
    // line in .gitleaksignore that is no fingerprint, still blocks.
    repo.write(".leakguard.toml", format!("{config}# deploy token {}\n", other_token()));
    repo.git(&["add", ".leakguard.toml"]);
    let out = repo.try_git(&["commit", "-qm", "token in the config"]);
    assert!(!out.status.success(), "a token outside the examples:\n{}", text(&out));
    repo.git(&["checkout", "HEAD", "--", ".leakguard.toml"]);
    repo.write(".gitleaksignore", format!("app/settings.py:github-pat:6\nTOKEN={}\n", other_token()));
    repo.git(&["add", ".gitleaksignore"]);
    let out = repo.try_git(&["commit", "-qm", "token in gitleaksignore"]);
    assert!(!out.status.success(), "a token in a file that is no ignore list:\n{}", text(&out));
}

/// Issue 16.2: the README's first command, on leakguard's own checkout, finds nothing that
/// blocks: the checkout's `.leakguard.toml` allows the rule examples and test data, and says why.
#[test]
fn the_checkout_scans_clean() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let home = tempfile::tempdir().expect("temp home");
    let out = crate::util::isolated(crate::util::leakguard_bin(), home.path()).args(["scan", "."]).current_dir(root).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let said = stdout(&out);
    assert!(!said.contains("blocking"), "{said}");
    assert!(said.contains("allowed by config"), "the summary says the config allowed the examples:\n{said}");
    let config = std::fs::read_to_string(root.join(".leakguard.toml")).expect("the checkout has a config");
    for line in config.lines().filter(|l| l.trim_start().starts_with('"')) {
        let at = config.find(line).expect("the line is in the file");
        assert!(config[..at].trim_end().lines().last().is_some_and(|l| l.trim_start().starts_with('#')), "each exception says why: {line}");
    }
}
