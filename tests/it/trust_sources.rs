//! Issue 12 (Trust), items 1-3, and issue 13 item 4: what `staged` and `push` read from git.
//! Every path git can hold reaches the report; no diff setting or attribute of the user's
//! changes which lines count; text behind a NUL or in UTF-16 without a BOM is scanned, binary
//! files are counted and still meet the file rules; a push is judged against the remote it
//! goes to. All through the real binary, real `git commit` and `git push` with installed hooks.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use tempfile::TempDir;

use crate::util::{github_token, leakguard_bin, text, TestRepo};

/// Distinct fake GitHub tokens (right shape, no real credential), built at run time.
fn token(n: usize) -> String {
    let base = github_token();
    let body = &base["ghp_".len()..];
    format!("ghp_{}{}", &body[n % body.len()..], &body[..n % body.len()])
}

/// (file, line, rule) of each finding in a `--format json` report (an array of findings, or an
/// object holding one under `findings`).
fn findings(out: &Output) -> Vec<(String, u64, String)> {
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("json report ({e}):\n{}", text(out)));
    let list = value.as_array().or_else(|| value["findings"].as_array()).cloned().unwrap_or_default();
    let mut found: Vec<(String, u64, String)> = list
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap_or_default().to_string();
            (file, f["line"].as_u64().unwrap_or_default(), f["rule_id"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    found.sort();
    found
}

fn staged_json(repo: &TestRepo) -> Output {
    repo.leakguard(&["staged", "--format", "json"])
}

fn assert_commit_refused(repo: &TestRepo, message: &str) -> String {
    let before = repo.head();
    let out = repo.try_git(&["commit", "-m", message]);
    assert!(!out.status.success(), "the commit must be refused:\n{}", text(&out));
    assert_eq!(repo.head(), before, "no commit may be created");
    text(&out)
}

fn utf16(text: &str, little: bool) -> Vec<u8> {
    text.encode_utf16().flat_map(|u| if little { u.to_le_bytes() } else { u.to_be_bytes() }).collect()
}

#[cfg(unix)]
#[test]
fn issue12_every_path_git_can_hold_reaches_the_report() {
    use std::os::unix::ffi::OsStrExt;
    let repo = TestRepo::new();
    repo.commit_files(&[("README.md", "# demo\n")], "initial");
    repo.install_hook();
    let names = ["with space.env", "a and b.env", "quote\"d.env", "new\nline.env", "tab\there.env", "back\\slash.env"];
    for (i, name) in names.iter().enumerate() {
        repo.write(name, format!("USER=me\nTOKEN={}\n", token(i)));
    }
    let invalid = std::ffi::OsStr::from_bytes(b"bad\xff name.env");
    std::fs::write(repo.path().join(invalid), format!("TOKEN={}\n", token(9))).expect("write");
    repo.git(&["add", "-A"]);

    let out = staged_json(&repo);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let mut expected: Vec<(String, u64, String)> = names.iter().map(|n| (n.to_string(), 2, "github-pat-classic".to_string())).collect();
    expected.push(("bad\u{fffd} name.env".to_string(), 1, "github-pat-classic".to_string()));
    expected.sort();
    assert_eq!(findings(&out), expected);

    let report = assert_commit_refused(&repo, "odd names");
    assert!(report.contains("a and b.env:2:"), "{report}");
    assert!(!report.contains(&token(1)), "redacted:\n{report}");
}

#[test]
fn issue12_binary_attributes_and_textconv_do_not_hide_a_token() {
    let repo = TestRepo::new();
    repo.commit_files(&[("README.md", "# demo\n")], "initial");
    repo.install_hook();
    repo.write(".gitattributes", "nodiff.cfg -diff\nbinary.cfg binary\n*.conv diff=blank\n");
    repo.git(&["config", "diff.blank.textconv", "true"]);
    repo.git(&["config", "diff.blank.binary", "true"]);
    repo.write("nodiff.cfg", format!("A=1\nTOKEN={}\n", token(1)));
    repo.write("binary.cfg", format!("TOKEN={}\n", token(2)));
    repo.write("hidden.conv", format!("x\ny\nTOKEN={}\n", token(3)));
    repo.git(&["add", "-A"]);
    let out = staged_json(&repo);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let files: Vec<(String, u64)> = findings(&out).into_iter().map(|(f, l, _)| (f, l)).collect();
    assert_eq!(files, [("binary.cfg".to_string(), 1), ("hidden.conv".to_string(), 3), ("nodiff.cfg".to_string(), 2)]);
    assert_commit_refused(&repo, "attributes");

    // Edits too: only the line the edit adds counts, whatever git would print for the file.
    repo.git(&["commit", "-q", "--no-verify", "-m", "accepted"]);
    repo.write("nodiff.cfg", format!("A=2\nTOKEN={}\n", token(1)));
    repo.git(&["add", "nodiff.cfg"]);
    let out = repo.try_git(&["commit", "-m", "edit beside the old token"]);
    assert!(out.status.success(), "{}", text(&out));
    repo.write("nodiff.cfg", format!("A=2\nTOKEN={}\nNEW={}\n", token(1), token(4)));
    repo.git(&["add", "nodiff.cfg"]);
    let out = staged_json(&repo);
    assert_eq!(findings(&out), [("nodiff.cfg".to_string(), 3, "github-pat-classic".to_string())]);
}

#[test]
fn issue12_utf16_with_a_bom_named_with_and_is_scanned() {
    let repo = TestRepo::new();
    repo.commit_files(&[("README.md", "# demo\n")], "initial");
    repo.install_hook();
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(utf16(&format!("[auth]\r\ntoken={}\r\n", token(5)), true));
    repo.write("notes and more.txt", &bytes);
    repo.git(&["add", "-A"]);
    let out = staged_json(&repo);
    assert_eq!(findings(&out), [("notes and more.txt".to_string(), 2, "github-pat-classic".to_string())], "{}", text(&out));
    let report = assert_commit_refused(&repo, "utf-16");
    assert!(report.contains("notes and more.txt:2:7"), "{report}");
}

/// Settings that change what `git diff` prints (context between hunks, algorithm, prefixes,
/// relative paths, a missing order file, abbreviated ids, copies, colour) change
/// nothing: a token on an unchanged line between two edits does not block, and a new token is
/// reported on its own line.
#[test]
fn issue12_user_diff_config_cannot_turn_context_into_added_lines() {
    let repo = TestRepo::new();
    let lines = |edited: bool| -> String {
        (1..=20)
            .map(|i| match i {
                10 => format!("OLD_TOKEN = \"{}\"\n", token(6)),
                5 | 15 if edited => format!("edited {i}\n"),
                _ => format!("line {i}\n"),
            })
            .collect()
    };
    repo.commit_files(&[("app/settings.py", &lines(false))], "legacy token");
    for (key, value) in [
        ("diff.interHunkContext", "10"),
        ("diff.context", "10"),
        ("diff.algorithm", "patience"),
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("diff.relative", "true"),
        ("diff.renames", "copies"),
        ("diff.renameLimit", "1"),
        ("core.abbrev", "7"),
        ("core.quotePath", "true"),
        ("color.ui", "always"),
        ("diff.external", "false"),
    ] {
        repo.git(&["config", key, value]);
    }
    repo.install_hook();
    repo.write("app/settings.py", lines(true));
    repo.git(&["add", "-A"]);
    let out = repo.try_git(&["commit", "-m", "two edits around an old token"]);
    assert!(out.status.success(), "context lines are not added lines:\n{}", text(&out));

    let mut next = lines(true);
    next.push_str(&format!("NEW_TOKEN = \"{}\"\n", token(7)));
    repo.write("app/settings.py", next);
    repo.git(&["add", "-A"]);
    // A missing order file fails `git commit` itself, so only this run gets one.
    let out = repo
        .command(leakguard_bin())
        .args(["staged", "--format", "json"])
        .current_dir(repo.path().join("app"))
        .env("GIT_CONFIG_COUNT", "1")
        .env("GIT_CONFIG_KEY_0", "diff.orderFile")
        .env("GIT_CONFIG_VALUE_0", "/nonexistent/order")
        .output()
        .expect("run");
    assert_eq!(findings(&out), [("app/settings.py".to_string(), 21, "github-pat-classic".to_string())], "{}", text(&out));
    let report = assert_commit_refused(&repo, "a new token");
    assert!(report.contains("app/settings.py:21:"), "{report}");
    assert!(!report.contains("app/settings.py:10:"), "{report}");
}

#[test]
fn issue12_text_behind_a_nul_and_utf16_without_a_bom_are_scanned() {
    let repo = TestRepo::new();
    repo.commit_files(&[("README.md", "# demo\n")], "initial");
    repo.install_hook();
    let mut nul = b"\0 generated file, do not edit\n".to_vec();
    nul.extend(format!("name = demo\nkey = {}\n", token(1)).as_bytes());
    repo.write("data.txt", &nul);
    repo.write("little.ini", utf16(&format!("[a]\r\nb=c\r\ntoken={}\r\n", token(2)), true));
    repo.write("big.ini", utf16(&format!("[a]\ntoken={}\n", token(3)), false));
    repo.git(&["add", "-A"]);
    let out = staged_json(&repo);
    let rule = "github-pat-classic".to_string();
    assert_eq!(
        findings(&out),
        [("big.ini".to_string(), 2, rule.clone()), ("data.txt".to_string(), 3, rule.clone()), ("little.ini".to_string(), 3, rule)],
        "{}",
        text(&out)
    );
    assert_commit_refused(&repo, "hidden behind a NUL");
}

/// A real binary file is skipped and counted, never silently; a binary key store still meets
/// the file rules, in `staged` and in `push`.
#[test]
fn issue12_binary_files_are_counted_and_meet_the_file_rules() {
    let (repo, _remote_dir, remote) = with_remote("origin");
    let mut noise: Vec<u8> = (0u32..3000).map(|i| (i.wrapping_mul(2654435761) >> 11) as u8).collect();
    noise.extend(format!("TOKEN={}\n", token(1)).as_bytes());
    repo.write("assets/blob.bin", &noise);
    repo.write("android/release.keystore", [0xfe_u8, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 1]);
    repo.git(&["add", "-A"]);
    let out = repo.leakguard(&["staged"]);
    assert_eq!(out.status.code(), Some(0), "warnings do not block:\n{}", text(&out));
    let report = text(&out);
    assert!(report.contains("android/release.keystore:1:1 credential-file-keystore"), "{report}");
    assert!(report.contains("2 binary skipped"), "both binaries are counted:\n{report}");

    repo.git(&["commit", "-q", "--no-verify", "-m", "binaries"]);
    install_pre_push(&repo);
    let out = repo.try_git(&["push", "origin", "main"]);
    assert!(out.status.success(), "{}", text(&out));
    let report = text(&out);
    assert!(report.contains("android/release.keystore:1:1 credential-file-keystore"), "push runs the file rules:\n{report}");
    assert!(report.contains("2 binary skipped"), "{report}");
    assert_eq!(remote_head(&repo, &remote, "main"), repo.head());
}

/// A file moved and edited on one line: that line, and only that line, counts, when the
/// commit is made and when it is pushed.
#[test]
fn issue12_rename_with_one_edited_line_reports_only_that_line_in_staged_and_push() {
    let (repo, _remote_dir, remote) = with_remote("origin");
    let body = |edit: &str| -> String {
        (1..=30).map(|i| if i == 5 { format!("{edit}\n") } else { format!("value_{i} = {i}\n") }).collect::<String>()
            + &format!("OLD = \"{}\"\n", token(8))
    };
    repo.commit_files(&[("old name.py", &body("value_5 = 5"))], "legacy token");
    repo.git(&["push", "-q", "--no-verify", "origin", "main"]);
    repo.install_hook();
    install_pre_push(&repo);

    // Moved with a clean edit: the old token moved, nothing is added.
    repo.git(&["mv", "old name.py", "moved and edited.py"]);
    repo.write("moved and edited.py", body("value_5 = 'five'"));
    repo.git(&["add", "-A"]);
    let out = repo.try_git(&["commit", "-m", "move and edit"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = repo.try_git(&["push", "origin", "main"]);
    assert!(out.status.success(), "the push adds only a clean line:\n{}", text(&out));
    assert_eq!(remote_head(&repo, &remote, "main"), repo.head());

    // Moved again with a token on the edited line: only line 5 is reported, both times.
    repo.git(&["mv", "moved and edited.py", "again.py"]);
    repo.write("again.py", body(&format!("NEW = \"{}\"", token(9))));
    repo.git(&["add", "-A"]);
    let out = staged_json(&repo);
    assert_eq!(findings(&out), [("again.py".to_string(), 5, "github-pat-classic".to_string())], "{}", text(&out));
    let report = assert_commit_refused(&repo, "move and leak");
    assert!(report.contains("again.py:5:") && !report.contains("again.py:31:"), "{report}");

    repo.git(&["commit", "-q", "--no-verify", "-m", "move and leak"]);
    let before = remote_head(&repo, &remote, "main");
    let out = repo.try_git(&["push", "origin", "main"]);
    assert!(!out.status.success(), "{}", text(&out));
    let report = text(&out);
    assert!(report.contains("again.py:5:"), "{report}");
    assert!(!report.contains("again.py:31:"), "the old token only moved:\n{report}");
    assert_eq!(remote_head(&repo, &remote, "main"), before);
}

/// A leak pushed to `origin` with --no-verify is not on `public`: pushing there is refused.
#[test]
fn issue12_a_commit_on_another_remote_is_not_on_the_one_pushed_to() {
    let (repo, _origin_dir, _origin) = with_remote("origin");
    let public_dir = tempfile::tempdir().expect("temp dir");
    let public = repo.add_bare_remote(public_dir.path(), "public");
    repo.commit_files(&[("deploy.cfg", &format!("TOKEN={}\n", token(3)))], "leak");
    repo.git(&["push", "-q", "--no-verify", "origin", "main"]);
    install_pre_push(&repo);

    let out = repo.try_git(&["push", "public", "main"]);
    assert!(!out.status.success(), "origin's refs say nothing about public:\n{}", text(&out));
    assert!(text(&out).contains("deploy.cfg:1:"), "{}", text(&out));
    assert_eq!(remote_head(&repo, &public, "main"), None, "nothing reached public");

    // A remote whose name nests under another's (`pub/mirror` under `pub`) lends it nothing.
    let nested_dir = tempfile::tempdir().expect("temp dir");
    repo.add_bare_remote(nested_dir.path(), "pub/mirror");
    let pub_dir = tempfile::tempdir().expect("temp dir");
    let pub_remote = repo.add_bare_remote(pub_dir.path(), "pub");
    repo.git(&["push", "-q", "--no-verify", "pub/mirror", "main"]);
    assert!(repo.path().join(".git/refs/remotes/pub/mirror/main").exists());
    let out = repo.try_git(&["push", "pub", "main"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert_eq!(remote_head(&repo, &pub_remote, "main"), None);

    // Pushing to a URL (no tracking refs at all) is judged the same way.
    let url = public.to_str().expect("utf-8 path");
    let out = repo.try_git(&["push", url, "main"]);
    assert!(!out.status.success(), "{}", text(&out));
}

/// The pre-commit framework leaves PRE_COMMIT_TO_REF unset on the first push to an empty
/// remote and for a branch with a root commit the remote lacks, and sets the branch and the
/// remote's name (pre-commit's hook_impl). The pushed commits are found from those.
#[test]
fn issue12_framework_push_without_a_range_still_scans_the_pushed_commits() {
    let (repo, _dir, remote) = with_remote("origin");
    let url = remote.to_str().expect("utf-8 path").to_string();
    // The first push of a branch to an empty remote: its root commit is not there.
    let empty_dir = tempfile::tempdir().expect("temp dir");
    let empty = repo.add_bare_remote(empty_dir.path(), "empty");
    let empty_url = empty.to_str().expect("utf-8 path").to_string();
    repo.commit_files(&[("main.cfg", &format!("TOKEN={}\n", token(4)))], "leak on main");
    let out = framework_push(
        &repo,
        &[("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main"), ("PRE_COMMIT_REMOTE_NAME", "empty"), ("PRE_COMMIT_REMOTE_URL", &empty_url)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("main.cfg:1:"), "{}", text(&out));

    // An orphan branch (its own root commit) pushed to origin, which has main.
    repo.git(&["checkout", "-q", "--orphan", "orphan"]);
    repo.git(&["rm", "-rq", "--cached", "."]);
    repo.commit_files(&[("orphan.cfg", &format!("TOKEN={}\n", token(5)))], "leak on an orphan");
    let vars =
        [("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/orphan"), ("PRE_COMMIT_REMOTE_NAME", "origin"), ("PRE_COMMIT_REMOTE_URL", url.as_str())];
    let out = framework_push(&repo, &vars);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("orphan.cfg:1:"), "{}", text(&out));
    assert!(!text(&out).contains("main.cfg"), "main is not being pushed:\n{}", text(&out));

    // Once origin has the branch, nothing in it is new there.
    repo.git(&["push", "-q", "--no-verify", "origin", "orphan"]);
    let out = framework_push(&repo, &vars);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // No ref named at all (a manual `pre-commit run --hook-stage pre-push`): HEAD's commits
    // that no remote was named for are scanned, never nothing.
    repo.git(&["checkout", "-q", "-f", "main"]);
    let out = repo
        .command(leakguard_bin())
        .args(["push", "--format", "json"])
        .env("PRE_COMMIT", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run leakguard push");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(findings(&out).iter().any(|(f, _, _)| f == "main.cfg"), "{}", text(&out));
}

fn framework_push(repo: &TestRepo, vars: &[(&str, &str)]) -> Output {
    let mut cmd = repo.command(leakguard_bin());
    cmd.args(["push"]).env("PRE_COMMIT", "1").env("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/main").stdin(Stdio::null());
    for (key, value) in vars {
        cmd.env(key, value);
    }
    cmd.output().expect("run leakguard push")
}

/// A repository with one commit on `main`, pushed (without hooks) to a bare remote `name`.
fn with_remote(name: &str) -> (TestRepo, TempDir, PathBuf) {
    let repo = TestRepo::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let remote = repo.add_bare_remote(dir.path(), name);
    repo.commit_files(&[("a.txt", "a\n")], "initial");
    repo.git(&["push", "-q", "--no-verify", name, "main"]);
    (repo, dir, remote)
}

fn install_pre_push(repo: &TestRepo) {
    let out = repo.leakguard(&["install", "--hook", "pre-push"]);
    assert!(out.status.success(), "{}", text(&out));
}

fn remote_head(repo: &TestRepo, remote: &Path, branch: &str) -> Option<String> {
    let out = repo
        .command("git")
        .args(["--git-dir", remote.to_str().expect("utf-8"), "rev-parse", "--verify", "-q", branch])
        .output()
        .expect("git");
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The pre-commit framework names only the new path of a moved file (and only the files its
/// config selects): the move is still known, and only the named files are judged.
#[test]
fn issue13_framework_commit_knows_a_move_and_judges_only_the_named_files() {
    let repo = TestRepo::new();
    let body = |line5: &str| -> String {
        (1..=30).map(|i| if i == 5 { format!("{line5}\n") } else { format!("v{i} = {i}\n") }).collect::<String>()
            + &format!("OLD = \"{}\"\n", token(10))
    };
    repo.commit_files(&[("old.py", &body("v5 = 5"))], "legacy token");
    repo.git(&["mv", "old.py", "new.py"]);
    repo.write("new.py", body("v5 = 'five'"));
    repo.write("excluded.py", format!("T = \"{}\"\n", token(11)));
    repo.git(&["add", "-A"]);
    let index = repo.path().join(".git/index");
    let run =
        || repo.command(leakguard_bin()).args(["pre-commit", "new.py"]).env("GIT_INDEX_FILE", &index).output().expect("run leakguard");
    let out = run();
    assert_eq!(out.status.code(), Some(0), "the old token only moved; excluded.py is not named:\n{}", text(&out));

    repo.write("new.py", body(&format!("NEW = \"{}\"", token(12))));
    repo.git(&["add", "new.py"]);
    let out = run();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = text(&out);
    assert!(report.contains("new.py:5:") && !report.contains("new.py:31:") && !report.contains("excluded.py"), "{report}");
}

/// One commit renames a file that holds a token and copies it too. git pairs the removed file
/// with the first path in order (`b.env`) and calls the other an addition: the copy is a new
/// leak for `staged`, `push` and `history` alike, and the rename carries its token over.
#[test]
fn a_file_renamed_and_copied_in_one_commit_leaks_at_the_copy() {
    let (repo, _remote_dir, remote) = with_remote("origin");
    let body = format!("SETTING = 1\nTOKEN = \"{}\"\n", token(4));
    repo.commit_files(&[("a.env", &body)], "token");
    repo.git(&["push", "-q", "--no-verify", "origin", "main"]);
    install_pre_push(&repo);

    repo.git(&["mv", "a.env", "b.env"]);
    repo.write("c.env", &body);
    repo.git(&["add", "-A"]);
    let status = repo.git(&["diff", "--cached", "-M", "--name-status"]).stdout;
    assert_eq!(String::from_utf8_lossy(&status).split_whitespace().collect::<Vec<_>>(), ["R100", "a.env", "b.env", "A", "c.env"]);
    let out = staged_json(&repo);
    assert_eq!(findings(&out), [("c.env".to_string(), 2, "github-pat-classic".to_string())], "{}", text(&out));
    repo.git(&["commit", "-q", "--no-verify", "-m", "rename and copy"]);
    let copied = repo.head().expect("a commit");

    let before = remote_head(&repo, &remote, "main");
    let out = repo.try_git(&["push", "origin", "main"]);
    assert!(!out.status.success(), "the copy is a new leak:\n{}", text(&out));
    let report = text(&out);
    assert!(report.contains("c.env:2:") && !report.contains("b.env"), "{report}");
    assert_eq!(remote_head(&repo, &remote, "main"), before);

    let mut found: Vec<(String, String)> = crate::history::findings(&repo, &[])
        .iter()
        .map(|f| (f["file"].as_str().expect("a file").to_string(), f["commit"].as_str().expect("a commit").to_string()))
        .collect();
    let first = String::from_utf8(repo.git(&["rev-parse", "HEAD~1"]).stdout).expect("hex").trim().to_string();
    let mut expected = vec![("a.env".to_string(), first), ("c.env".to_string(), copied)];
    expected.sort();
    found.sort();
    assert_eq!(found, expected);
}
