//! Remediation as data (#14.1) and fix advice by context (#16.3): every finding says what to do,
//! where people look (the report, SARIF, `rules show`, `rules list --format json`, docs/rules.md).

use std::path::PathBuf;

use crate::util::{github_token, stdout, text, TestRepo};

/// The lines of the report's `fix:` block for the first finding.
fn fix_block(report: &str) -> String {
    let start = report.find("  fix: ").expect("a fix line");
    report[start..].lines().take_while(|l| l.starts_with("  fix: ") || l.starts_with("       ")).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_github_tokens_report_says_where_to_revoke_it() {
    let repo = TestRepo::new();
    repo.write("deploy.cfg", format!("TOKEN={}\n", github_token()));
    repo.git(&["add", "deploy.cfg"]);
    let out = repo.leakguard(&["staged"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let fix = fix_block(&stdout(&out));
    assert!(fix.contains("revoke or rotate it at https://github.com/settings/tokens (GitHub)"), "{fix}");
    // Staged, not committed: how to take it out of the index.
    assert!(fix.contains("git restore --staged deploy.cfg"), "{fix}");
    assert!(fix.contains("`leakguard:allow github-pat-classic` in a comment"), "{fix}");
    assert!(!stdout(&out).contains(&github_token()), "redacted");
}

#[test]
fn files_without_comments_are_allowed_through_the_baseline_or_config() {
    let repo = TestRepo::new();
    repo.write("config/app.json", format!("{{\"token\": \"{}\"}}\n", github_token()));
    repo.git(&["add", "."]);
    let out = repo.leakguard(&["staged"]);
    let fix = fix_block(&stdout(&out));
    assert!(fix.contains("leakguard baseline --update") && fix.contains("[allowlist]"), "{fix}");
    assert!(!fix.contains("in a comment"), "JSON has no comments: {fix}");
}

#[test]
fn a_merge_marker_gets_its_own_fix_never_revoke() {
    let repo = TestRepo::new();
    repo.write("notes.txt", "a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> topic\n");
    repo.git(&["add", "."]);
    let out = repo.leakguard(&["staged"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = stdout(&out);
    assert!(report.contains("merge-conflict-marker"), "{report}");
    for block in report.split("\n\n").filter(|b| b.contains("merge-conflict-marker")) {
        let fix = fix_block(block);
        assert!(fix.contains("resolving the merge"), "{fix}");
        assert!(!fix.to_lowercase().contains("revoke"), "{fix}");
    }
}

#[test]
fn on_push_the_fix_rewrites_the_unpushed_commit() {
    let repo = TestRepo::new();
    let dir = tempfile::tempdir().expect("temp dir");
    repo.add_bare_remote(dir.path(), "origin");
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    repo.git(&["push", "-q", "--no-verify", "origin", "main"]);
    assert!(repo.leakguard(&["install", "--hook", "pre-push"]).status.success());
    repo.commit_files(&[("deploy.cfg", &format!("TOKEN={}\n", github_token()))], "leak");
    let out = repo.try_git(&["push", "-q", "origin", "main"]);
    assert!(!out.status.success(), "{}", text(&out));
    let report = text(&out);
    let fix = fix_block(&report);
    assert!(fix.contains("git commit --amend") && fix.contains("git rebase -i"), "{fix}");
    assert!(fix.contains("if it was ever pushed, do this first"), "{fix}");
    // A comment in a new commit does not change the commit that holds the secret.
    assert!(!fix.contains("in a comment"), "{fix}");
}

#[test]
fn in_history_the_fix_is_rotate_first_then_the_purge_plan() {
    let repo = TestRepo::new();
    repo.commit_files(&[("deploy.cfg", &format!("TOKEN={}\n", github_token()))], "leak");
    let out = repo.leakguard(&["history"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let fix = fix_block(&stdout(&out));
    assert!(fix.contains("revoke it first") && fix.contains("--purge-plan"), "{fix}");
    assert!(fix.contains("leakguard baseline --history"), "{fix}");
}

#[test]
fn rules_list_json_carries_the_fix_of_nearly_every_secret_rule() {
    let repo = TestRepo::new();
    let out = repo.leakguard(&["rules", "list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rules: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("a JSON array");
    let rules = rules.as_array().expect("an array of rules");
    assert!(rules.len() > 300);
    for rule in rules {
        for key in ["id", "description", "kind", "severity", "keywords", "categories", "references", "remediation"] {
            assert!(rule.get(key).is_some(), "{key} missing in {rule}");
        }
    }
    let secrets: Vec<_> = rules.iter().filter(|r| r["kind"] == "secret").collect();
    let covered = secrets.iter().filter(|r| r["remediation"].as_str().is_some_and(|s| !s.is_empty())).count();
    assert!(covered * 100 >= secrets.len() * 95, "{covered} of {} secret rules have a remediation", secrets.len());
    let github = rules.iter().find(|r| r["id"] == "github-pat-classic").expect("github-pat-classic");
    assert!(github["references"][0].as_str().expect("a URL").starts_with("https://docs.github.com/"), "{github}");
    assert!(github["categories"].as_array().expect("list").iter().any(|c| c == "vcs"), "{github}");
    let marker = rules.iter().find(|r| r["id"] == "merge-conflict-marker").expect("merge-conflict-marker");
    assert!(!marker["remediation"].as_str().expect("text").to_lowercase().contains("revoke"), "{marker}");
}

#[test]
fn rules_show_gives_the_fix_and_counts_the_examples() {
    let repo = TestRepo::new();
    let out = repo.leakguard(&["rules", "show", "github-pat-classic"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = stdout(&out);
    assert!(shown.contains("fix:") && shown.contains("https://github.com/settings/tokens"), "{shown}");
    assert!(shown.contains("docs:        https://docs.github.com/"), "{shown}");
    assert!(shown.contains("examples:    4 that must match, 6 that must not"), "{shown}");
    assert!(!shown.contains("ghp_M"), "no example keys: {shown}");
    assert!(shown.lines().count() < 20, "{shown}");
}

#[test]
fn sarif_rules_carry_help_and_a_help_uri() {
    let repo = TestRepo::new();
    repo.write("deploy.cfg", format!("TOKEN={}\n", github_token()));
    let out = repo.leakguard(&["scan", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("SARIF");
    let rule = &sarif["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(rule["id"], "github-pat-classic");
    assert!(rule["helpUri"].as_str().expect("helpUri").starts_with("https://docs.github.com/"), "{rule}");
    assert!(rule["help"]["text"].as_str().expect("text").contains("https://github.com/settings/tokens"), "{rule}");
    assert!(rule["help"]["markdown"].as_str().expect("markdown").contains("- <https://docs.github.com/"), "{rule}");
}

/// docs/rules.md is what `leakguard rules doc` writes. `LEAKGUARD_BLESS=1` rewrites it.
#[test]
fn docs_rules_md_is_current() {
    let repo = TestRepo::new();
    let out = repo.leakguard(&["rules", "doc"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let generated = stdout(&out);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    if std::env::var_os("LEAKGUARD_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("docs/")).expect("mkdir docs");
        std::fs::write(&path, &generated).expect("write docs/rules.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is out of date with patterns/*.toml: regenerate it with\n  cargo run --release -- rules doc > docs/rules.md\nor LEAKGUARD_BLESS=1 cargo test --release --test it remediation::docs_rules_md_is_current"
    );
    assert!(generated.contains("### `github-pat-classic`") && generated.contains("https://github.com/settings/tokens"));
}

#[test]
fn the_purge_plan_writes_the_secrets_to_a_private_file_and_never_shows_them() {
    let repo = TestRepo::new();
    let token = github_token();
    repo.commit_files(&[("deploy.cfg", &format!("TOKEN={token}\n"))], "leak");
    repo.commit_files(&[("keys/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n")], "a key file");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("purge.txt");
    let out = repo.leakguard(&["history", "--purge-plan", file.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let plan = stdout(&out);
    let warning = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!plan.contains(&token) && !warning.contains(&token), "the plan never shows the secret:\n{plan}{warning}");
    assert!(warning.contains("in clear") && warning.contains("purge.txt"), "{warning}");
    let expressions = std::fs::read_to_string(&file).expect("the expressions file");
    assert!(expressions.lines().any(|l| l == format!("literal:{token}==>***REMOVED***")), "{expressions}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "readable by its owner only");
    }
    let rotate = plan.find("Rotate first").expect("rotation comes first");
    let rewrite = plan.find("git filter-repo --replace-text").expect("the rewrite step");
    assert!(rotate < rewrite, "{plan}");
    assert!(plan.contains("https://github.com/settings/tokens"), "{plan}");
    assert!(plan.contains("--invert-paths --path keys/id_rsa"), "{plan}");
    assert!(plan.contains("re-clone") && plan.contains("forks"), "{plan}");

    // A file that already exists is narrowed to 0600 before the secrets go in.
    std::fs::write(&file, "old\n").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        repo.leakguard(&["history", "--purge-plan", file.to_str().expect("utf-8")]);
        assert_eq!(std::fs::metadata(&file).expect("stat").permissions().mode() & 0o777, 0o600);
    }

    // Never standard output.
    let out = repo.leakguard(&["history", "--purge-plan", "-"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!text(&out).contains(&token), "{}", text(&out));
}

#[test]
fn a_clean_history_writes_no_purge_file() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "nothing here\n")], "clean");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("purge.txt");
    let out = repo.leakguard(&["history", "--purge-plan", file.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("nothing to purge"), "{}", text(&out));
    assert!(!file.exists());
}

#[test]
fn the_purge_plan_refuses_machine_formats_and_honours_output() {
    let repo = TestRepo::new();
    repo.commit_files(&[("deploy.cfg", &format!("TOKEN={}\n", github_token()))], "leak");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("purge.txt");
    let steps = dir.path().join("steps.txt");
    let out = repo.leakguard(&["history", "--purge-plan", file.to_str().expect("utf-8"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!file.exists(), "nothing written on a refused run");
    let out = repo.leakguard(&["history", "--purge-plan", file.to_str().expect("utf-8"), "--output", steps.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let written = std::fs::read_to_string(&steps).expect("the steps");
    assert!(written.contains("Rotate first") && !written.contains(&github_token()), "{written}");
    assert!(stdout(&out).is_empty(), "{}", text(&out));
}
