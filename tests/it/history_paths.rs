//! `history` judges a blob at every path it had: the same bytes are a stand-in under `fakes/`
//! and a secret under `src/`, and a copy of a secret is a second leak. File rules (key stores)
//! run on history and on a real pre-push hook as they do on `staged`.

use serde_json::Value;

use crate::history::{findings, rev};
use crate::util::{github_token, text, TestRepo};

/// A password a generic rule finds in code, unless the path says the file holds stand-ins.
/// Built at run time so this file does not hold one.
fn settings_py() -> String {
    format!("DB_PASSWORD = \"{}{}\"\n", "Qv7mZ2r", "Lx9pK4wT")
}

fn at<'a>(found: &'a [Value], path: &str) -> Vec<&'a Value> {
    found.iter().filter(|f| f["file"] == path).collect()
}

#[test]
fn a_file_moved_out_of_fakes_is_found_at_its_new_path() {
    let repo = TestRepo::new();
    repo.commit_files(&[("fakes/settings.py", &settings_py())], "a stand-in");
    assert!(findings(&repo, &[]).is_empty(), "a file under fakes/ holds stand-ins");

    std::fs::create_dir_all(repo.path().join("src")).expect("mkdir");
    repo.git(&["mv", "fakes/settings.py", "src/settings.py"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "use it for real"]);
    let moved = rev(&repo, "HEAD");
    let scan = repo.leakguard(&["scan", "src/settings.py"]);
    assert_eq!(scan.status.code(), Some(1), "scan finds it:\n{}", text(&scan));

    let found = findings(&repo, &[]);
    let src = at(&found, "src/settings.py");
    assert_eq!(src.len(), 1, "history finds what scan finds: {found:#?}");
    assert_eq!(src[0]["commit"], moved.as_str(), "attributed to the commit that put it at src/");
    assert_eq!(src[0]["rule_id"], "generic-secret-assignment");
    assert!(at(&found, "fakes/settings.py").is_empty(), "{found:#?}");
}

#[test]
fn a_file_copied_out_of_fakes_is_found_at_the_copy() {
    let repo = TestRepo::new();
    repo.commit_files(&[("tests/fakes/settings.py", &settings_py())], "a stand-in");
    repo.commit_files(&[("app/settings.py", &settings_py())], "copy it into the app");
    let copied = rev(&repo, "HEAD");

    let found = findings(&repo, &[]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["file"], "app/settings.py");
    assert_eq!(found[0]["commit"], copied.as_str());
}

#[test]
fn a_secret_copied_to_a_second_path_is_reported_at_both() {
    let repo = TestRepo::new();
    let env = format!("GITHUB_TOKEN={}\n", github_token());
    repo.commit_files(&[("config/dev.env", &env)], "dev config");
    let first = rev(&repo, "HEAD");
    repo.commit_files(&[("readme.md", "hello\n")], "unrelated");
    repo.commit_files(&[("deploy/prod.env", &env)], "prod config, same token");
    let second = rev(&repo, "HEAD");

    let found = findings(&repo, &[]);
    assert_eq!(found.len(), 2, "{found:#?}");
    let dev = at(&found, "config/dev.env");
    let prod = at(&found, "deploy/prod.env");
    assert_eq!((dev.len(), prod.len()), (1, 1), "{found:#?}");
    assert_eq!(dev[0]["commit"], first.as_str());
    assert_eq!(prod[0]["commit"], second.as_str(), "the copy is a leak of its own, from its own commit");
}

#[test]
fn a_copied_folder_is_walked_under_its_new_name() {
    let repo = TestRepo::new();
    let env = format!("GITHUB_TOKEN={}\n", github_token());
    repo.commit_files(&[("conf/app.env", &env), ("conf/nested/other.txt", "x\n"), ("mocks/settings.py", &settings_py())], "conf");
    let first = rev(&repo, "HEAD");
    // Identical folders: the same tree objects under new names.
    for (from, to) in [("conf", "conf-copy"), ("mocks", "service")] {
        let out = repo.command("cp").args(["-r", from, to]).output().expect("cp");
        assert!(out.status.success());
    }
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "copy the folders"]);
    let second = rev(&repo, "HEAD");

    let found = findings(&repo, &[]);
    let mut where_when: Vec<(String, String)> =
        found.iter().map(|f| (f["file"].as_str().unwrap_or("").to_string(), f["commit"].as_str().unwrap_or("").to_string())).collect();
    where_when.sort();
    assert_eq!(
        where_when,
        vec![
            ("conf-copy/app.env".to_string(), second.clone()),
            ("conf/app.env".to_string(), first),
            ("service/settings.py".to_string(), second),
        ],
        "{found:#?}"
    );
}

/// Bytes that start like a Java key store: binary, so no text rule reads them.
const KEY_STORE: [u8; 12] = [0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1];

#[test]
fn a_key_store_in_history_is_reported_by_the_file_rule() {
    let repo = TestRepo::new();
    repo.commit_files(&[("readme.md", "hello\n")], "initial");
    repo.write("certs/client.p12", KEY_STORE);
    repo.write("android/release.jks", KEY_STORE);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "add key stores"]);
    let added = rev(&repo, "HEAD");
    repo.git(&["rm", "-q", "certs/client.p12", "android/release.jks"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "remove them"]);

    let found = findings(&repo, &[]);
    let mut paths: Vec<&str> = found.iter().filter(|f| f["rule_id"] == "credential-file-keystore").filter_map(|f| f["file"].as_str()).collect();
    paths.sort();
    assert_eq!(paths, ["android/release.jks", "certs/client.p12"], "{found:#?}");
    assert!(found.iter().all(|f| f["commit"] == added.as_str()), "{found:#?}");
}

#[test]
fn a_key_store_is_refused_by_the_installed_pre_push_hook() {
    let repo = TestRepo::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let remote = repo.add_bare_remote(dir.path(), "origin");
    // Key stores warn by default; this project makes them block.
    repo.commit_files(&[(".leakguard.toml", "[rules.overrides.credential-file-keystore]\nseverity = \"block\"\n")], "initial");
    repo.git(&["push", "-q", "--no-verify", "origin", "main"]);
    let out = repo.leakguard(&["install", "--hook", "pre-push"]);
    assert!(out.status.success(), "{}", text(&out));

    repo.write("android/app/release.keystore", KEY_STORE);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "add the signing key"]);
    let out = repo.try_git(&["push", "-q", "origin", "main"]);
    assert!(!out.status.success(), "the push must be refused:\n{}", text(&out));
    let report = text(&out);
    assert!(report.contains("android/app/release.keystore") && report.contains("credential-file-keystore"), "{report}");
    let head = repo.command("git").args(["--git-dir", remote.to_str().expect("utf-8"), "rev-parse", "main"]).output().expect("git");
    assert_ne!(String::from_utf8_lossy(&head.stdout).trim(), repo.head().expect("HEAD"), "nothing reached the remote");
}
