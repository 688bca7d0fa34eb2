//! `leakguard staged` and the installed pre-commit hook, driven through real `git commit`.

use crate::util::{github_token, stdout, text, TestRepo};

/// A repository with one commit and the leakguard hook installed.
fn repo_with_hook() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit_files(&[("README.md", "# demo\n"), ("app.py", "print('hello')\n")], "initial");
    repo.install_hook();
    repo
}

fn assert_refused(repo: &TestRepo, out: &std::process::Output, head_before: Option<String>) {
    assert!(!out.status.success(), "commit should be refused:\n{}", text(out));
    assert_eq!(repo.head(), head_before, "no commit may be created");
    assert!(!text(out).contains(&github_token()), "the token must not be printed in clear:\n{}", text(out));
}

#[test]
fn commit_adding_a_token_is_refused_with_a_precise_redacted_report() {
    let repo = repo_with_hook();
    let before = repo.head();
    repo.write("config/settings.py", format!("DEBUG = False\n\nGITHUB_TOKEN = \"{}\"\n", github_token()));
    repo.git(&["add", "config/settings.py"]);
    let out = repo.try_git(&["commit", "-m", "add settings"]);
    assert_refused(&repo, &out, before);
    let report = text(&out);
    assert!(report.contains("config/settings.py:3:17"), "file:line:col of the token:\n{report}");
    assert!(report.contains("github-pat-classic"), "rule id:\n{report}");
    assert!(report.contains("ghp_******"), "redacted secret:\n{report}");
    assert!(report.contains("leakguard:allow github-pat-classic"), "how to allow it:\n{report}");
}

#[test]
fn clean_commit_goes_through_silently() {
    let repo = repo_with_hook();
    repo.write("app.py", "print('hello')\nprint('world')\n");
    repo.git(&["add", "app.py"]);
    let out = repo.try_git(&["commit", "-q", "-m", "clean"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(text(&out), "", "a clean commit is not noticed");
}

#[test]
fn token_in_unchanged_lines_of_an_edited_file_does_not_block() {
    let repo = TestRepo::new();
    repo.commit_files(&[("old.py", &format!("A = 1\nTOKEN = \"{}\"\nB = 2\n", github_token()))], "legacy");
    repo.install_hook();
    repo.write("old.py", format!("A = 1\nTOKEN = \"{}\"\nB = 2\nC = 3\n", github_token()));
    repo.git(&["add", "old.py"]);
    let out = repo.try_git(&["commit", "-m", "edit next to an old secret"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn deleting_a_secret_does_not_block() {
    let repo = TestRepo::new();
    repo.commit_files(&[("old.py", &format!("A = 1\nTOKEN = \"{}\"\n", github_token()))], "legacy");
    repo.install_hook();
    repo.write("old.py", "A = 1\n");
    repo.git(&["add", "old.py"]);
    let out = repo.try_git(&["commit", "-m", "remove the secret"]);
    assert!(out.status.success(), "{}", text(&out));
    repo.git(&["rm", "-q", "old.py"]);
    let out = repo.try_git(&["commit", "-m", "remove the file"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn partially_staged_file_is_judged_by_what_is_staged() {
    // Staged clean, token only in the working copy: the commit is clean.
    let repo = repo_with_hook();
    repo.write("app.py", "print('hello')\nprint('staged')\n");
    repo.git(&["add", "app.py"]);
    repo.write("app.py", format!("print('hello')\nprint('staged')\nT = \"{}\"\n", github_token()));
    let out = repo.try_git(&["commit", "-m", "staged part is clean"]);
    assert!(out.status.success(), "{}", text(&out));

    // Token staged, then removed from the working copy: the commit still carries it.
    let before = repo.head();
    repo.write("app.py", format!("print('hello')\nT = \"{}\"\n", github_token()));
    repo.git(&["add", "app.py"]);
    repo.write("app.py", "print('hello')\n");
    let out = repo.try_git(&["commit", "-m", "staged part leaks"]);
    assert_refused(&repo, &out, before);
    assert!(text(&out).contains("app.py:2:"), "{}", text(&out));
}

#[test]
fn first_commit_of_a_new_repository_is_scanned() {
    let repo = TestRepo::new();
    repo.install_hook();
    repo.write("init.sh", format!("export GH_TOKEN={}\n", github_token()));
    repo.git(&["add", "init.sh"]);
    let out = repo.try_git(&["commit", "-m", "first"]);
    assert_refused(&repo, &out, None);
    assert!(text(&out).contains("init.sh:1:"), "{}", text(&out));
}

#[test]
fn commit_all_uses_the_temporary_index_git_names() {
    let repo = repo_with_hook();
    let before = repo.head();
    repo.write("app.py", format!("print('hello')\nTOKEN = '{}'\n", github_token()));
    // Nothing is staged in .git/index: only the temporary index of `commit -a` holds it.
    let out = repo.try_git(&["commit", "-am", "sneaky"]);
    assert_refused(&repo, &out, before);
    assert!(text(&out).contains("app.py:2:"), "{}", text(&out));
}

#[test]
fn commit_with_paths_is_judged_by_those_paths_only() {
    let repo = repo_with_hook();
    repo.commit_files(&[("a.py", "A = 1\n"), ("b.py", "B = 1\n")], "two files");

    // A leak only in b.py, staged but not part of `commit -- a.py`: that commit is clean.
    repo.write("b.py", format!("B = '{}'\n", github_token()));
    repo.git(&["add", "b.py"]);
    repo.write("a.py", "A = 2\n");
    let out = repo.try_git(&["commit", "-m", "only a", "--", "a.py"]);
    assert!(out.status.success(), "{}", text(&out));
    repo.git(&["reset", "-q", "b.py"]);
    repo.write("b.py", "B = 1\n");

    // A leak in a.py is refused when committing `-- a.py`, even though nothing is staged.
    let before = repo.head();
    repo.write("a.py", format!("A = '{}'\n", github_token()));
    let out = repo.try_git(&["commit", "-m", "leak in a", "--", "a.py"]);
    assert_refused(&repo, &out, before);
    assert!(text(&out).contains("a.py:1:"), "{}", text(&out));
}

#[test]
fn line_numbers_follow_the_new_file_with_crlf_and_odd_bytes() {
    let repo = TestRepo::new();
    repo.commit_files(&[("win.txt", "one\r\ntwo\r\nthree\r\n")], "crlf");
    let mut content = b"one\r\ninserted \xff\xfe bytes\r\ntwo\r\n".to_vec();
    content.extend(format!("key: {}\r\nthree\r\n", github_token()).as_bytes());
    repo.write("win.txt", &content);
    repo.git(&["add", "win.txt"]);
    let out = repo.leakguard(&["staged", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let findings = &report["findings"];
    assert_eq!(findings.as_array().map(Vec::len), Some(1), "{findings:#}");
    assert_eq!(findings[0]["file"], "win.txt");
    assert_eq!(findings[0]["line"], 4);
    assert_eq!(findings[0]["column"], 6);
}

#[test]
fn renamed_file_reports_only_what_the_rename_adds() {
    let repo = TestRepo::new();
    let body: String = (0..30).map(|i| format!("line {i}\n")).collect();
    repo.commit_files(&[("old name.py", &format!("{body}T = '{}'\n", github_token()))], "legacy");
    repo.git(&["mv", "old name.py", "new näme.py"]);
    let out = repo.leakguard(&["staged"]);
    assert_eq!(out.status.code(), Some(0), "a pure rename adds no line:\n{}", text(&out));

    repo.write("new näme.py", format!("{body}T = '{}'\nU = 'ghp_{}'\n", github_token(), "Pp3Lk9Hs2Qw7Ez4Rx8Tc1Vb6Nm5Yj0Ua2Ig3"));
    repo.git(&["add", "new näme.py"]);
    let out = repo.leakguard(&["staged"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = stdout(&out);
    assert!(report.contains("new näme.py:32:"), "{report}");
    assert!(!report.contains("new näme.py:31:"), "the old token moved with the rename:\n{report}");
}

#[test]
fn binary_symlink_and_utf16_files() {
    let repo = TestRepo::new();
    repo.commit_files(&[("README.md", "x\n")], "initial");
    let mut binary = vec![0u8, 1, 2, 3];
    binary.extend(github_token().as_bytes());
    repo.write("blob.bin", &binary);
    #[cfg(unix)]
    std::os::unix::fs::symlink(github_token(), repo.path().join("link")).expect("symlink");
    repo.git(&["add", "blob.bin", "link"]);
    let out = repo.leakguard(&["staged"]);
    assert_eq!(out.status.code(), Some(0), "binary files and symlinks are skipped:\n{}", text(&out));

    let mut utf16 = vec![0xFF, 0xFE];
    for unit in format!("token={}\r\n", github_token()).encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    repo.write("notes.txt", &utf16);
    repo.git(&["add", "notes.txt"]);
    let out = repo.leakguard(&["staged"]);
    assert_eq!(out.status.code(), Some(1), "UTF-16 text is decoded, not skipped:\n{}", text(&out));
    assert!(stdout(&out).contains("notes.txt:1:7"), "{}", text(&out));
}

#[test]
fn errors_never_exit_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = crate::util::isolated(crate::util::leakguard_bin(), dir.path())
        .arg("staged")
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().expect("temp dir has a parent"))
        .output()
        .expect("run leakguard");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("not inside a git repository"), "{}", text(&out));

    let repo = TestRepo::new();
    let out = repo.command(crate::util::leakguard_bin()).arg("staged").env("GIT_INDEX_FILE", "no/such/index").output().expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

/// Files judged by path and size alone: a binary key store and a file over 5 MiB are reported
/// as warnings (the commit goes through), and a config can make them block.
#[test]
fn key_stores_and_huge_files_are_reported_by_path_and_size() {
    let repo = repo_with_hook();
    repo.write("android/app/release.keystore", [0xfe_u8, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 1]);
    repo.write("data/dump.csv", "id,name\n".repeat(700_000));
    repo.git(&["add", "-A"]);
    let out = repo.leakguard(&["staged"]);
    assert_eq!(out.status.code(), Some(0), "warnings do not block:\n{}", text(&out));
    let report = text(&out);
    assert!(report.contains("android/app/release.keystore:1:1 credential-file-keystore"), "{report}");
    assert!(report.contains("data/dump.csv:1:1 large-file"), "{report}");
    assert!(report.contains("git rm --cached data/dump.csv"), "{report}");

    repo.write(".leakguard.toml", "[rules.overrides.credential-file-keystore]\nseverity = \"block\"\n");
    let out = repo.try_git(&["commit", "-m", "add a key store"]);
    assert!(!out.status.success(), "a config can make a file rule block:\n{}", text(&out));
}

/// A commit large enough to be judged on several threads reports exactly what one thread
/// does, in the same order: findings, counts and summary (including a modified file, whose
/// old lines must stay out, and a binary file, counted as skipped).
#[test]
fn a_large_commit_on_several_threads_reports_what_one_thread_does() {
    let repo = TestRepo::new();
    let old_token = format!("ghp_{}", "Hk3Lm8Nq2Rs7Tv1Wx6Yz9Ab4Cd0Ef5Gj8Pu");
    repo.commit_files(&[("legacy/keep.py", &format!("A = 1\nTOKEN = \"{old_token}\"\n"))], "legacy");
    repo.write("legacy/keep.py", format!("A = 1\nTOKEN = \"{old_token}\"\nB = 2\nNEW = \"{}\"\n", github_token()));
    // 64 files of ~10 KiB: over the size past which a commit is judged in parallel.
    for i in 0..64 {
        let mut body = String::new();
        for n in 0..250 {
            body.push_str(&format!("def step_{n}(rows, limit={}):\n    return rows[:limit]\n", (i * 7 + n) % 97));
            if n % (40 + i % 9) == 0 {
                body.push_str(&format!("GITHUB_TOKEN_{n} = \"{}\"\n", github_token()));
            }
        }
        repo.write(&format!("pkg{}/module_{i:02}.py", i % 5), body);
    }
    repo.write("assets/logo.bin", [0u8, 1, 2, 3, 0, 0, 9]);
    repo.git(&["add", "-A"]);
    let run = |threads: Option<&str>| {
        let mut cmd = repo.command(crate::util::leakguard_bin());
        cmd.args(["staged", "--format", "json"]);
        match threads {
            Some(n) => cmd.env("LEAKGUARD_STAGED_THREADS", n),
            None => cmd.env_remove("LEAKGUARD_STAGED_THREADS"),
        };
        let out = cmd.output().expect("run leakguard");
        assert_eq!(out.status.code(), Some(1), "the tokens block:\n{}", text(&out));
        stdout(&out)
    };
    let one = run(Some("1"));
    let report: serde_json::Value = serde_json::from_str(&one).expect("JSON report");
    let findings = report["findings"].as_array().expect("findings");
    assert!(findings.len() > 64 * 5, "every file holds several tokens: {}", findings.len());
    assert!(findings.iter().any(|f| f.to_string().contains("legacy/keep.py")), "the added line of the edit");
    assert_eq!(findings.iter().filter(|f| f.to_string().contains("legacy/keep.py")).count(), 1, "not the old line");
    assert_eq!(run(None), one, "the default path (parallel on this commit) differs from one thread");
    assert_eq!(run(Some("3")), one, "three threads differ from one");
    assert_eq!(run(Some("64")), one, "a thread per file differs from one");
}

/// With `GIT_DIR` and `GIT_WORK_TREE` set (a dotfiles-style repository: a bare git dir and a
/// work tree elsewhere), `staged`, `install` and the hook git runs use that repository, not the
/// one around the current folder, and report paths from that work tree.
#[test]
fn issue_13_staged_follows_git_dir_and_git_work_tree() {
    let home = TestRepo::new();
    let store = home.path().join("store.git");
    home.git(&["init", "-q", "--bare", "-b", "main", store.to_str().expect("utf-8")]);
    let tree = tempfile::tempdir().expect("work tree");
    let with_env = |program: &std::path::Path| {
        let mut cmd = home.command(program);
        // Run from another repository: the variables must win over discovery.
        cmd.current_dir(home.path()).env("GIT_DIR", &store).env("GIT_WORK_TREE", tree.path());
        cmd
    };
    let git = |args: &[&str]| {
        let out = with_env(std::path::Path::new("git")).args(args).output().expect("git");
        assert!(out.status.success(), "git {args:?}:\n{}", text(&out));
        out
    };
    git(&["config", "commit.gpgsign", "false"]);
    std::fs::write(tree.path().join(".bashrc"), "alias ll='ls -l'\n").expect("write");
    git(&["add", ".bashrc"]);
    git(&["commit", "-qm", "dotfiles"]);

    std::fs::create_dir_all(tree.path().join("conf")).expect("mkdir");
    std::fs::write(tree.path().join("conf/gh.env"), format!("A=1\nGH_TOKEN={}\n", github_token())).expect("write");
    git(&["add", "conf/gh.env"]);
    let out = with_env(&crate::util::leakguard_bin()).args(["staged", "--format", "json"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["findings"][0]["file"], "conf/gh.env", "{report:#}");
    assert_eq!(report["findings"][0]["line"], 2, "{report:#}");
    // The repository around the current folder has nothing staged: it was not the one read.
    assert_eq!(home.leakguard(&["staged"]).status.code(), Some(0));

    let out = with_env(&crate::util::leakguard_bin()).arg("install").output().expect("run");
    assert!(out.status.success(), "{}", text(&out));
    assert!(store.join("hooks/pre-commit").is_file(), "{}", text(&out));
    assert!(!home.path().join(".git/hooks/pre-commit").exists(), "not the current folder's repository");
    let out = with_env(std::path::Path::new("git")).args(["commit", "-qm", "leak"]).output().expect("git");
    assert!(!out.status.success(), "the hook let the token through:\n{}", text(&out));
    assert!(text(&out).contains("conf/gh.env:2:"), "{}", text(&out));
}

/// A split index (`git update-index --split-index`: a shared index plus a small one of recent
/// changes) is read as git reads it, by the hook, `staged` and `baseline`.
#[test]
fn issue_13_a_split_index_is_read() {
    let repo = TestRepo::new();
    let files: Vec<(String, String)> = (0..20).map(|i| (format!("src/m{i}.py"), format!("X = {i}\n"))).collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    repo.commit_files(&files, "initial");
    repo.git(&["update-index", "--split-index"]);
    let shared = std::fs::read_dir(repo.path().join(".git")).expect("git dir").filter_map(Result::ok);
    assert!(shared.into_iter().any(|e| e.file_name().to_string_lossy().starts_with("sharedindex.")), "git wrote a split index");
    repo.install_hook();

    repo.write("src/m3.py", "X = 3\nY = 4\n");
    repo.write("src/new.py", format!("TOKEN = \"{}\"\n", github_token()));
    repo.git(&["add", "src/m3.py", "src/new.py"]);
    let out = repo.leakguard(&["staged", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let found: Vec<String> = report["findings"].as_array().expect("findings").iter().map(|f| format!("{}:{}", f["file"], f["line"])).collect();
    assert_eq!(found, ["\"src/new.py\":1"], "{report:#}");
    let before = repo.head();
    let out = repo.try_git(&["commit", "-qm", "leak"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert_eq!(repo.head(), before);

    // The baseline lists the tracked files from the same index: all 21, the new one included.
    let out = repo.leakguard(&["baseline"]);
    assert!(out.status.success(), "{}", text(&out));
    let baseline = String::from_utf8(repo.read(".leakguard-baseline.toml")).expect("utf-8");
    assert!(baseline.contains("path = \"src/new.py\""), "{baseline}");
    repo.git(&["add", ".leakguard-baseline.toml"]);
    let out = repo.try_git(&["commit", "-qm", "accepted"]);
    assert!(out.status.success(), "the baselined token is accepted:\n{}", text(&out));

    // The file moves (too edited for git to call it a rename): the baseline sees in the split
    // index that the old path is gone, so the accepted token is still accepted at the new one.
    repo.git(&["update-index", "--split-index"]);
    repo.git(&["rm", "-q", "src/new.py"]);
    let lines: String = (0..20).map(|i| format!("V{i} = {i}\n")).collect();
    repo.write("src/moved.py", format!("{lines}TOKEN = \"{}\"\n", github_token()));
    repo.git(&["add", "src/moved.py"]);
    let out = repo.try_git(&["commit", "-qm", "moved"]);
    assert!(out.status.success(), "a moved baselined token blocked:\n{}", text(&out));
}
