//! `leakguard history`: real repositories with branches, merges, renames and removals; each
//! finding attributed to the commit that introduced it; each distinct blob scanned once.

use serde_json::Value;

use crate::util::{github_token, text, TestRepo};

/// Runs `history` with `--format json` and returns the findings.
pub fn findings(repo: &TestRepo, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["history", "--format", "json"];
    all.extend_from_slice(args);
    let out = repo.leakguard(&all);
    assert!(matches!(out.status.code(), Some(0 | 1)), "history failed:\n{}", text(&out));
    serde_json::from_slice::<Value>(&out.stdout).expect("JSON report")["findings"].as_array().expect("an array").clone()
}

/// The `key=value` counters `--stats` prints.
pub fn stats(repo: &TestRepo, args: &[&str]) -> std::collections::HashMap<String, u64> {
    let mut all = vec!["history", "--stats", "--quiet"];
    all.extend_from_slice(args);
    let out = repo.leakguard(&all);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let line = stderr.lines().find(|l| l.starts_with("leakguard: stats:")).unwrap_or_else(|| panic!("no stats line:\n{stderr}"));
    line.split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.parse().expect("a number")))
        .collect()
}

/// `history --shard K/N` for each K, each to a JSON file, then `merge` of the files.
pub fn merged_shards(repo: &TestRepo, shards: u64) -> std::process::Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for k in 1..=shards {
        let file = dir.path().join(format!("shard{k}.json"));
        let out = repo.leakguard(&["history", "--format", "json", "--shard", &format!("{k}/{shards}"), "--output", file.to_str().expect("utf-8")]);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
        files.push(file.to_string_lossy().into_owned());
    }
    let mut args = vec!["merge", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    repo.leakguard(&args)
}

pub fn rev(repo: &TestRepo, spec: &str) -> String {
    String::from_utf8_lossy(&repo.git(&["rev-parse", spec]).stdout).trim().to_string()
}

fn token_line() -> String {
    format!("GITHUB_TOKEN={}\n", github_token())
}

#[test]
fn a_secret_added_then_removed_is_found_with_the_commit_that_added_it() {
    let repo = TestRepo::new();
    repo.commit_files(&[("readme.md", "hello\n")], "initial");
    repo.commit_files(&[("config.cfg", &format!("USER=me\n{}", token_line()))], "add config");
    let added = rev(&repo, "HEAD");
    repo.commit_files(&[("config.cfg", "USER=me\n")], "remove the token");

    let found = findings(&repo, &[]);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f["file"], "config.cfg");
    assert_eq!(f["line"], 2);
    assert_eq!(f["commit"], added.as_str());
    assert_eq!(f["author"], "Test Author");
    assert_eq!(f["email"], "author@example.invalid");
    assert_eq!(f["summary"], "add config");
    assert_eq!(f["source"], "commit");
    assert!(f["date"].as_str().is_some_and(|d| d.len() >= 20 && d.contains('T')), "ISO 8601 date: {}", f["date"]);
    assert_ne!(f["secret"], github_token().as_str(), "redacted by default");

    let out = repo.leakguard(&["history"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains(&format!("commit {}", &added[..12])), "{}", text(&out));
}

#[test]
fn branches_merges_and_unmerged_branches_are_all_scanned() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files(&[("feature.cfg", &token_line())], "feature token");
    let feature = rev(&repo, "HEAD");
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_files(&[("b.txt", "b\n")], "main work");
    repo.git(&["merge", "-q", "--no-edit", "--no-ff", "feature"]);
    repo.git(&["checkout", "-q", "-b", "unmerged", "HEAD~1"]);
    repo.commit_files(&[("other.py", &format!("key = \"{}\"\n", github_token()))], "unmerged token");
    let unmerged = rev(&repo, "HEAD");
    repo.git(&["checkout", "-q", "main"]);

    let found = findings(&repo, &[]);
    let by_file = |file: &str| found.iter().filter(|f| f["file"] == file).collect::<Vec<_>>();
    assert_eq!(by_file("feature.cfg").len(), 1, "{found:#?}");
    assert_eq!(by_file("feature.cfg")[0]["commit"], feature.as_str(), "attributed to the branch commit, not the merge");
    assert_eq!(by_file("other.py")[0]["commit"], unmerged.as_str());
    assert_eq!(found.len(), 2);

    // --branch narrows to what one branch reaches.
    let main_only = findings(&repo, &["--branch", "main"]);
    assert_eq!(main_only.len(), 1, "{main_only:#?}");
    assert_eq!(main_only[0]["file"], "feature.cfg");
}

#[test]
fn a_rename_keeps_the_commit_that_introduced_the_secret() {
    let repo = TestRepo::new();
    repo.commit_files(&[("old/name.cfg", &token_line())], "add token");
    let added = rev(&repo, "HEAD");
    repo.git(&["mv", "old", "new"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "rename"]);
    let found = findings(&repo, &[]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["file"], "old/name.cfg");
    assert_eq!(found[0]["commit"], added.as_str());
}

#[test]
fn the_same_secret_in_two_files_is_two_findings() {
    let repo = TestRepo::new();
    // Identical contents: one blob, two paths.
    repo.commit_files(&[("a.cfg", &token_line()), ("b.cfg", &token_line())], "two copies");
    repo.commit_files(&[("c.py", &format!("token = \"{}\"\n", github_token()))], "third, different file");
    let found = findings(&repo, &[]);
    let mut files: Vec<&str> = found.iter().map(|f| f["file"].as_str().expect("file")).collect();
    files.sort();
    assert_eq!(files, ["a.cfg", "b.cfg", "c.py"], "{found:#?}");
    let s = stats(&repo, &[]);
    assert_eq!(s["distinct_blobs"], 2, "{s:?}");
}

#[test]
fn a_blob_in_many_commits_is_scanned_once() {
    let repo = TestRepo::new();
    repo.commit_files(&[("secret.cfg", &token_line()), ("other.txt", "0\n")], "initial");
    for i in 1..=5 {
        repo.commit_files(&[("other.txt", &format!("{i}\n"))], &format!("edit {i}"));
    }
    let s = stats(&repo, &[]);
    assert_eq!(s["commits"], 6, "{s:?}");
    assert_eq!(s["blobs_seen"], 12, "{s:?}");
    assert_eq!(s["distinct_blobs"], 7, "{s:?}");
    assert_eq!(s["duplicate_blobs_skipped"], 5, "{s:?}");
    assert_eq!(s["scanned"], 7, "{s:?}");
    assert_eq!(findings(&repo, &[]).len(), 1);
}

#[test]
fn a_file_edited_around_its_secret_is_one_finding_from_the_first_commit() {
    let repo = TestRepo::new();
    repo.commit_files(&[("app.cfg", &format!("A=1\n{}", token_line()))], "add");
    let added = rev(&repo, "HEAD");
    repo.commit_files(&[("app.cfg", &format!("A=2\n{}", token_line()))], "edit");
    repo.commit_files(&[("app.cfg", &format!("A=3\nB=4\n{}", token_line()))], "edit again");
    let found = findings(&repo, &[]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["commit"], added.as_str());
}

#[test]
fn ranges_and_since_narrow_the_scan() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.txt", "a\n")], "one");
    let one = rev(&repo, "HEAD");
    repo.commit_files(&[("t.cfg", &token_line())], "two");
    let two = rev(&repo, "HEAD");
    repo.commit_files(&[("b.txt", "b\n")], "three");
    assert_eq!(findings(&repo, &[&format!("{two}..HEAD")]).len(), 0);
    assert_eq!(findings(&repo, &[&format!("{one}..HEAD")]).len(), 1);
    assert_eq!(findings(&repo, &["--since", &two]).len(), 0);
    assert_eq!(findings(&repo, &["--since", &one]).len(), 1);
    let out = repo.leakguard(&["history", "nosuchrev..HEAD"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn bare_shallow_and_packed_repositories() {
    let repo = TestRepo::new();
    repo.commit_files(&[("t.cfg", &token_line())], "token");
    repo.commit_files(&[("a.txt", "a\n")], "later");
    let loose = findings(&repo, &[]);
    repo.git(&["gc", "-q"]);
    assert_eq!(findings(&repo, &[]), loose, "packed objects read like loose ones");

    let root = tempfile::tempdir().expect("temp dir");
    let bare = root.path().join("bare.git");
    repo.git(&["clone", "-q", "--bare", ".", bare.to_str().expect("utf-8 path")]);
    let out = repo.command(crate::util::leakguard_bin()).args(["history", "--format", "json"]).current_dir(&bare).output().expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    let shallow = root.path().join("shallow");
    let url = format!("file://{}", repo.path().display());
    repo.git(&["clone", "-q", "--depth", "1", &url, shallow.to_str().expect("utf-8 path")]);
    let out = repo.command(crate::util::leakguard_bin()).args(["history", "--format", "json"]).current_dir(&shallow).output().expect("run");
    assert_eq!(out.status.code(), Some(1), "the token is still in the shallow tip's tree:\n{}", text(&out));
}

#[test]
fn binaries_large_blobs_and_submodules_are_skipped_and_counted() {
    let repo = TestRepo::new();
    let mut binary = b"\0\x01\x02".to_vec();
    binary.extend(token_line().as_bytes());
    repo.write("blob.bin", &binary);
    repo.git(&["add", "blob.bin"]);
    repo.commit_files(&[("big.cfg", &format!("{}{}", "x".repeat(2000), token_line()))], "files");
    let head = rev(&repo, "HEAD");
    repo.git(&["update-index", "--add", "--cacheinfo", &format!("160000,{head},vendor/lib")]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "submodule"]);

    let s = stats(&repo, &["--max-blob-size", "1000"]);
    assert_eq!((s["skipped_binary"], s["skipped_large"], s["submodules"]), (1, 1, 1), "{s:?}");
    let out = repo.leakguard(&["history", "--max-blob-size", "1000"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("submodule entries skipped"), "{}", text(&out));
}

#[test]
fn config_commit_allowlist_applies() {
    let repo = TestRepo::new();
    repo.commit_files(&[("t.cfg", &token_line())], "token");
    let sha = rev(&repo, "HEAD");
    repo.commit_files(&[(".leakguard.toml", &format!("[allowlist]\ncommits = [\"{}\"]\n", &sha[..10]))], "allow it");
    assert_eq!(findings(&repo, &[]).len(), 0);
    let out = repo.leakguard(&["history"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("allowed by config"), "{}", text(&out));
}

#[test]
fn shards_merged_equal_the_whole() {
    let repo = TestRepo::new();
    for i in 0..8 {
        repo.commit_files(&[(&format!("f{i}.cfg"), &format!("N={i}\n{}", token_line())), (&format!("g{i}.txt"), &format!("{i}\n"))], &format!("c{i}"));
    }
    let whole = findings(&repo, &[]);
    assert!(whole.len() >= 8, "{whole:#?}");
    let out = merged_shards(&repo, 3);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let merged: Value = serde_json::from_slice(&out.stdout).expect("merged JSON");
    assert_eq!(merged["findings"].as_array().expect("findings"), &whole);

    let out = repo.leakguard(&["history", "--shard", "4/3"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn jsonl_is_one_finding_per_line() {
    let repo = TestRepo::new();
    repo.commit_files(&[("a.cfg", &token_line()), ("b.py", &format!("t = \"{}\"\n", github_token()))], "two");
    let out = repo.leakguard(&["history", "--format", "jsonl"]);
    let mut lines: Vec<Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("one object per line")).collect();
    let summary = lines.pop().expect("a summary line");
    assert_eq!(summary["type"], "summary");
    for line in &mut lines {
        assert_eq!(line.as_object_mut().expect("object").remove("type"), Some(Value::from("finding")));
    }
    assert_eq!(lines, findings(&repo, &[]));
}

#[test]
fn blobs_over_the_size_limit_are_counted_with_that_limit() {
    let repo = TestRepo::new();
    repo.commit_files(&[("big.txt", &"x".repeat(5000)), ("small.txt", "ok\n")], "one big file");
    let out = repo.leakguard(&["history", "--max-blob-size", "4096"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("1 over 4096 bytes skipped"), "{}", text(&out));
}

/// Commits' trees and times come from the commit-graph file when it holds them, and from the
/// commits when it does not (written before the newest commits): the same findings either way.
/// Two branches add the same secret at one path; the earlier by committer time (its author
/// date says the opposite) is where the leak is reported.
#[test]
fn a_commit_graph_file_orders_history_as_the_commits_do() {
    let repo = TestRepo::new();
    let commit_at = |files: &[(&str, String)], message: &str, committed: u64, authored: u64| {
        for (path, text) in files {
            repo.write(path, text);
        }
        repo.git(&["add", "-A"]);
        let out = repo
            .command("git")
            .args(["commit", "-q", "--allow-empty", "-m", message])
            .env("GIT_COMMITTER_DATE", format!("@{committed} +0000"))
            .env("GIT_AUTHOR_DATE", format!("@{authored} +0000"))
            .output()
            .expect("git commit runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(repo.git(&["rev-parse", "HEAD"]).stdout).expect("hex").trim().to_string()
    };
    let secret = format!("DEPLOY_TOKEN={}\n", github_token());
    commit_at(&[("README.md", "start\n".to_string())], "start", 1_600_000_000, 1_600_000_000);
    repo.git(&["branch", "-q", "late"]);
    repo.git(&["checkout", "-q", "-b", "early"]);
    let early = commit_at(&[("deploy.env", secret.clone())], "early", 1_600_002_000, 1_600_009_000);
    repo.git(&["checkout", "-q", "late"]);
    let late = commit_at(&[("deploy.env", secret.clone())], "late", 1_600_003_000, 1_600_001_000);
    assert_ne!(early, late);
    let commits = |found: &[Value]| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> =
            found.iter().map(|f| (f["file"].as_str().expect("a file").to_string(), f["commit"].as_str().expect("a commit").to_string())).collect();
        out.sort();
        out
    };
    assert!(!repo.path().join(".git/objects/info/commit-graph").exists());
    let without = commits(&findings(&repo, &[]));
    assert_eq!(without, vec![("deploy.env".to_string(), early.clone())]);

    repo.git(&["commit-graph", "write", "--reachable"]);
    assert!(repo.path().join(".git/objects/info/commit-graph").exists());
    assert_eq!(commits(&findings(&repo, &[])), without);

    // A commit the graph does not hold: read from the commit itself.
    let newer = commit_at(&[("more/deploy.env", secret)], "newer", 1_600_004_000, 1_600_004_000);
    let mut expected = without;
    expected.push(("more/deploy.env".to_string(), newer));
    expected.sort();
    assert_eq!(commits(&findings(&repo, &[])), expected);
}
