//! The baseline over a repository's life: renames keep it, `--list` shows it, marks triage it.

use crate::util::{github_token, stdout, text, TestRepo};

fn repo_with_baselined_token() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit_files(&[("app/settings.py", &format!("DEBUG = False\nTOKEN = '{}'\n", github_token()))], "legacy");
    let out = repo.leakguard(&["baseline"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    repo.git(&["add", ".leakguard-baseline.toml"]);
    repo.git(&["commit", "-qm", "baseline"]);
    repo
}

#[test]
fn a_rename_with_an_edit_keeps_the_baselined_secret_accepted() {
    let repo = repo_with_baselined_token();
    repo.install_hook();

    // `git mv` and an edit in the same commit: the secret is the one accepted.
    repo.git(&["mv", "app/settings.py", "app/config.py"]);
    repo.write("app/config.py", format!("DEBUG = True\nTOKEN = '{}'\nLOG = 'info'\n", github_token()));
    repo.git(&["add", "app/config.py"]);
    let out = repo.try_git(&["commit", "-qm", "rename settings"]);
    assert!(out.status.success(), "the renamed baselined secret blocked:\n{}", text(&out));
    let out = repo.leakguard(&["scan", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("1 in the baseline"), "{}", text(&out));

    // While the original file exists, a copy elsewhere is a new finding.
    let repo = repo_with_baselined_token();
    repo.install_hook();
    repo.write("app/copy.py", format!("T = '{}'\n", github_token()));
    repo.git(&["add", "app/copy.py"]);
    let out = repo.try_git(&["commit", "-qm", "copy"]);
    assert!(!out.status.success(), "a copy beside the original must block:\n{}", text(&out));

    // Removed from the work tree but still staged: not a rename, so not accepted elsewhere.
    std::fs::remove_file(repo.path().join("app/settings.py")).expect("rm");
    let out = repo.leakguard(&["scan", "app/copy.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn prune_after_a_rename_keeps_the_entry_under_the_new_path() {
    let repo = repo_with_baselined_token();
    repo.git(&["mv", "app/settings.py", "app/config.py"]);
    repo.git(&["commit", "-qm", "rename"]);
    let out = repo.leakguard(&["baseline", "--prune"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let file = String::from_utf8(repo.read(".leakguard-baseline.toml")).expect("utf-8");
    assert!(file.contains("path = \"app/config.py\"") && !file.contains("app/settings.py"), "{file}");
}

/// A second fake token, distinct from `github_token()`.
fn other_token() -> String {
    format!("ghp_{}", "Wd4Kx8Pq2Lm6Zr0Tv3Hy7Bn1Cs5Fj9Ge2Ua4")
}

fn entry_line<'a>(listing: &'a str, path: &str) -> &'a str {
    listing.lines().find(|l| l.contains(path)).unwrap_or_else(|| panic!("no line for {path}:\n{listing}"))
}

#[test]
fn list_shows_where_each_entry_is_now_and_marks_triage_it() {
    let repo = repo_with_baselined_token();
    repo.commit_files(&[("deploy/ci.env", &format!("CI_TOKEN={}\n", other_token()))], "ci");
    let out = repo.leakguard(&["baseline", "--update"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // The CI token is taken out; the settings token stays, two lines lower.
    repo.write("deploy/ci.env", "CI_TOKEN=${CI_TOKEN}\n");
    repo.write("app/settings.py", format!("# settings\n\nDEBUG = False\nTOKEN = '{}'\n", github_token()));

    let out = repo.leakguard(&["baseline", "--list"]);
    let listing = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains(&github_token()) && !text(&out).contains(&other_token()), "a secret was printed:\n{}", text(&out));
    let settings = entry_line(&listing, "app/settings.py");
    assert!(settings.contains("github-pat-classic") && settings.contains("app/settings.py:4"), "{listing}");
    let ci = entry_line(&listing, "deploy/ci.env");
    assert!(ci.contains(" gone"), "{listing}");

    // Triage by number (as listed) and by id; the marks are kept in the file, the secret is not.
    let number = ci.split_whitespace().next().expect("a number").to_string();
    let id = settings.split_whitespace().nth(1).expect("an id").to_string();
    for (which, mark) in [(number.as_str(), "rotate"), (id.as_str(), "false-alarm")] {
        let out = repo.leakguard(&["baseline", "--mark", which, mark]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let listing = stdout(&repo.leakguard(&["baseline", "--list"]));
    assert!(entry_line(&listing, "deploy/ci.env").ends_with("rotate"), "{listing}");
    assert!(entry_line(&listing, "app/settings.py").ends_with("false-alarm"), "{listing}");
    let file = String::from_utf8(repo.read(".leakguard-baseline.toml")).expect("utf-8");
    assert!(file.contains("mark = \"rotate\"") && file.contains("mark = \"false-alarm\""), "{file}");
    assert!(!file.contains(&github_token()[4..]) && !file.contains(&other_token()[4..]), "{file}");

    // Rewriting the baseline keeps the marks of the entries it keeps.
    let out = repo.leakguard(&["baseline", "--prune"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let file = String::from_utf8(repo.read(".leakguard-baseline.toml")).expect("utf-8");
    assert!(file.contains("mark = \"false-alarm\"") && !file.contains("deploy/ci.env"), "{file}");

    // A mark that does not exist, an entry that does not exist: errors, file unchanged.
    for args in [["--mark", "1", "maybe"], ["--mark", "9", "rotate"]] {
        let out = repo.leakguard(&[&["baseline"][..], &args[..]].concat());
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    }
    assert_eq!(String::from_utf8(repo.read(".leakguard-baseline.toml")).expect("utf-8"), file);
}

#[test]
fn list_warns_about_entries_that_can_never_match() {
    let repo = repo_with_baselined_token();
    let mut file = String::from_utf8(repo.read(".leakguard-baseline.toml")).expect("utf-8");
    file.push_str("\n[[accepted]]\npath = \"a.py\"\nrule = \"no-such-rule\"\nhash = \"1234\"\n");
    repo.write(".leakguard-baseline.toml", &file);
    let out = repo.leakguard(&["baseline", "--list"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "warnings, not errors:\n{}", text(&out));
    assert!(err.contains("warning") && err.contains("no rule `no-such-rule`"), "{err}");
    assert!(err.contains("not 64 hex digits"), "{err}");
    assert!(entry_line(&stdout(&out), "a.py").contains("gone"), "{}", text(&out));

    // Without a baseline, --list says so rather than listing nothing.
    std::fs::remove_file(repo.path().join(".leakguard-baseline.toml")).expect("rm");
    let out = repo.leakguard(&["baseline", "--list"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}
