//! `history` follows renames as git does (`-M`, 50% similar): a secret carried over by a
//! rename, with or without an edit, stays reported once, at the commit that introduced it;
//! a secret the renaming commit adds is reported there; a copy is still a leak of its own.
//! git is the oracle for what counts as a rename.

use serde_json::Value;

use crate::history::{findings, merged_shards, rev};
use crate::util::{github_token, TestRepo};

/// A second fake token, built at run time like the first.
fn other_token() -> String {
    format!("ghp_{}", "Wm4R8tK2pX6vN1bQ9cL3yH7dJ5fS0gAeUzTi")
}

/// A config file of ten plain lines with `token` on line 4: one edited line keeps it 90% similar.
fn config(token: &str, edit: Option<(usize, &str)>) -> String {
    (0..10)
        .map(|i| match (i, edit) {
            (_, Some((at, line))) if at == i => format!("{line}\n"),
            (3, _) => format!("GITHUB_TOKEN={token}\n"),
            _ => format!("setting_{i} = plain value number {i}\n"),
        })
        .collect()
}

/// Notes of ten lines, none like `config`'s, with `token` on line 4.
fn notes(token: &str) -> String {
    (0..10).map(|i| if i == 3 { format!("GITHUB_TOKEN={token}\n") } else { format!("note {i}: nothing to see here\n") }).collect()
}

/// (file, commit, line) of each finding, sorted.
fn places(found: &[Value]) -> Vec<(String, String, u64)> {
    let mut out: Vec<(String, String, u64)> = found
        .iter()
        .map(|f| (f["file"].as_str().unwrap_or("").to_string(), f["commit"].as_str().unwrap_or("").to_string(), f["line"].as_u64().unwrap_or(0)))
        .collect();
    out.sort();
    out
}

/// What git says HEAD did to its files (`R090 old new`, `A new`, ...), with rename detection on.
fn git_status(repo: &TestRepo) -> String {
    let out = repo.git(&["-c", "diff.renames=true", "show", "-M", "--format=", "--name-status", "HEAD"]);
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `R` with a score under 100: renamed and edited.
fn edited_rename(status: &str) -> bool {
    status.starts_with('R') && !status.starts_with("R100")
}

fn mv(repo: &TestRepo, from: &str, to: &str) {
    if let Some((dir, _)) = to.rsplit_once('/') {
        std::fs::create_dir_all(repo.path().join(dir)).expect("mkdir");
    }
    repo.git(&["mv", from, to]);
}

fn commit(repo: &TestRepo, message: &str) -> String {
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", message]);
    rev(repo, "HEAD")
}

#[test]
fn a_file_renamed_twice_unchanged_is_reported_once() {
    let repo = TestRepo::new();
    repo.commit_files(&[("conf/app.env", &config(&github_token(), None))], "add config");
    let added = rev(&repo, "HEAD");
    mv(&repo, "conf/app.env", "settings/app.env");
    commit(&repo, "rename");
    assert!(git_status(&repo).starts_with("R100"), "git sees a rename: {}", git_status(&repo));
    mv(&repo, "settings/app.env", "deploy/prod.env");
    commit(&repo, "rename again");

    let found = findings(&repo, &[]);
    assert_eq!(places(&found), [("conf/app.env".to_string(), added, 4)], "{found:#?}");
}

#[test]
fn a_rename_with_an_edited_line_reports_nothing_old() {
    let repo = TestRepo::new();
    repo.commit_files(&[("conf/app.env", &config(&github_token(), None))], "add config");
    let added = rev(&repo, "HEAD");
    mv(&repo, "conf/app.env", "settings/app.env");
    repo.write("settings/app.env", config(&github_token(), Some((7, "setting_7 = edited while moving"))));
    commit(&repo, "rename and edit");
    assert!(edited_rename(&git_status(&repo)), "git sees a rename with an edit: {}", git_status(&repo));

    let found = findings(&repo, &[]);
    assert_eq!(places(&found), [("conf/app.env".to_string(), added, 4)], "{found:#?}");
}

#[test]
fn a_secret_added_while_renaming_is_reported_once_at_that_commit() {
    let repo = TestRepo::new();
    repo.commit_files(&[("conf/app.env", &config(&github_token(), None))], "add config");
    let added = rev(&repo, "HEAD");
    mv(&repo, "conf/app.env", "settings/app.env");
    repo.write("settings/app.env", config(&github_token(), Some((7, &format!("DEPLOY_TOKEN={}", other_token())))));
    let renamed = commit(&repo, "rename and add a second token");
    assert!(edited_rename(&git_status(&repo)), "{}", git_status(&repo));
    // Later edits carry both over.
    repo.write("settings/app.env", config(&github_token(), Some((7, &format!("DEPLOY_TOKEN={} # prod", other_token())))));
    commit(&repo, "comment");

    let found = findings(&repo, &[]);
    assert_eq!(places(&found), [("conf/app.env".to_string(), added, 4), ("settings/app.env".to_string(), renamed, 8)], "{found:#?}");
}

#[test]
fn edits_after_a_rename_report_nothing_old() {
    let repo = TestRepo::new();
    repo.commit_files(&[("app.env", &config(&github_token(), None))], "add config");
    let added = rev(&repo, "HEAD");
    mv(&repo, "app.env", "config/app.env");
    commit(&repo, "rename");
    for i in [0, 1, 2] {
        repo.write("config/app.env", config(&github_token(), Some((i, &format!("setting_{i} = edit {i}")))));
        commit(&repo, &format!("edit {i}"));
    }
    repo.write("config/app.env", config(&github_token(), Some((9, "NEW_LINE=plain"))));
    let last = commit(&repo, "edit the end");

    let found = findings(&repo, &[]);
    assert_eq!(places(&found), [("app.env".to_string(), added.clone(), 4)], "{found:#?}");
    // A scan of the range after the rename does not report the old token either: it came
    // from before the range, under the old name.
    let since = findings(&repo, &["--since", &added]);
    assert!(since.is_empty(), "{since:#?}");
    let last_only = findings(&repo, &[&format!("{last}~1..{last}")]);
    assert!(last_only.is_empty(), "{last_only:#?}");
}

#[test]
fn copies_and_rewrites_are_new_files() {
    let repo = TestRepo::new();
    repo.commit_files(&[("conf/app.env", &config(&github_token(), None)), ("old/notes.env", &notes(&other_token()))], "two configs");
    let added = rev(&repo, "HEAD");
    // A copy keeps its source: git reports an addition, and the copy is a leak of its own.
    let copy = config(&github_token(), Some((7, "setting_7 = the copy")));
    repo.write("deploy/app.env", &copy);
    // A rename that keeps only the token line is less than half the old file: a new file.
    mv(&repo, "old/notes.env", "new/notes.env");
    let rewrite: String = (0..10).map(|i| if i == 3 { format!("GITHUB_TOKEN={}\n", other_token()) } else { format!("rewritten line {i}\n") }).collect();
    repo.write("new/notes.env", &rewrite);
    let second = commit(&repo, "copy one, rewrite the other");
    let status = git_status(&repo);
    assert!(status.contains("A\tdeploy/app.env") && status.contains("A\tnew/notes.env") && status.contains("D\told/notes.env"), "{status}");

    let found = findings(&repo, &[]);
    assert_eq!(
        places(&found),
        [
            ("conf/app.env".to_string(), added.clone(), 4),
            ("deploy/app.env".to_string(), second.clone(), 4),
            ("new/notes.env".to_string(), second, 4),
            ("old/notes.env".to_string(), added, 4),
        ],
        "{found:#?}"
    );
}

#[test]
fn shards_merged_equal_the_whole_across_renames() {
    let repo = TestRepo::new();
    for i in 0..4 {
        repo.commit_files(&[(&format!("c{i}/app.env"), &config(&github_token(), Some((0, &format!("ID={i}")))))], &format!("add {i}"));
    }
    for i in 0..4 {
        mv(&repo, &format!("c{i}/app.env"), &format!("moved/{i}.env"));
        let line = if i % 2 == 0 { format!("DEPLOY_TOKEN={}", other_token()) } else { format!("setting_7 = edit {i}") };
        repo.write(&format!("moved/{i}.env"), config(&github_token(), Some((7, &line))));
        commit(&repo, &format!("move {i}"));
        repo.write(&format!("moved/{i}.env"), config(&github_token(), Some((8, &format!("setting_8 = later {i}")))));
        commit(&repo, &format!("edit {i}"));
    }
    let whole = findings(&repo, &[]);
    // Four originals and the two tokens added while moving.
    assert_eq!(whole.len(), 6, "{whole:#?}");
    for shards in [2, 3] {
        let out = merged_shards(&repo, shards);
        let merged: Value = serde_json::from_slice(&out.stdout).expect("merged JSON");
        assert_eq!(merged["findings"].as_array().expect("findings"), &whole, "{shards} shards");
    }
}
