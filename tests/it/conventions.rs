//! Conventions users expect (#16.9): shell completions and a man page, plain error messages,
//! a short `rules show`, detect-secrets' `nextline` pragma, every JSON field in the README.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::util::{github_token, isolated, leakguard_bin, stdout, text, TestRepo};

const SUBCOMMANDS: [&str; 6] = ["staged", "scan", "history", "baseline", "install", "rules"];

#[test]
fn completions_for_each_shell_name_the_subcommands() {
    let repo = TestRepo::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = repo.leakguard(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", text(&out));
        let script = stdout(&out);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} completions lack `{sub}`");
        }
        assert!(script.contains("leakguard"), "{shell}");
    }
    let out = repo.leakguard(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2), "an unknown shell is a usage error: {}", text(&out));
}

#[test]
fn man_page_is_roff_with_every_subcommand() {
    let repo = TestRepo::new();
    let out = repo.leakguard(&["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let page = stdout(&out);
    assert!(page.starts_with(".ie") || page.contains("\n.TH") || page.starts_with(".TH"), "roff: {}", &page[..page.len().min(200)]);
    assert!(page.contains(".TH leakguard"), "{}", &page[..page.len().min(300)]);
    for sub in SUBCOMMANDS {
        assert!(page.contains(&format!(".TH leakguard-{sub}")), "the page has a section for `{sub}`");
    }
    // `man` reads it: when man is installed, it renders without an error.
    let file = repo.path().join("leakguard.1");
    std::fs::write(&file, &page).expect("write the page");
    if let Ok(rendered) = isolated("man", repo.home()).arg("-l").arg(&file).env("MANPAGER", "cat").env("PAGER", "cat").output() {
        if rendered.status.success() {
            assert!(String::from_utf8_lossy(&rendered.stdout).contains("history"), "{}", text(&rendered));
        }
    }
}

/// libgit2's internals (`class=Repository (6); code=NotFound (-3)`) never reach the user.
#[test]
fn outside_a_repository_the_message_is_a_plain_sentence() {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = tempfile::tempdir().expect("temp home");
    for args in [&["staged"][..], &["install"], &["baseline"]] {
        let out = isolated(leakguard_bin(), home.path())
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CEILING_DIRECTORIES", dir.path().parent().expect("parent"))
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(err.contains("not inside a git repository"), "{args:?}: {err}");
        for internal in ["class=", "code=", "(-3)"] {
            assert!(!err.contains(internal), "{args:?}: libgit2 internals in {err}");
        }
    }
}

#[test]
fn rules_show_counts_examples_unless_asked() {
    let repo = TestRepo::new();
    let short = repo.leakguard(&["rules", "show", "private-key"]);
    assert_eq!(short.status.code(), Some(0), "{}", text(&short));
    let short = stdout(&short);
    assert!(short.contains("--examples"), "says how to see them: {short}");
    assert!(!short.contains("must match:"), "{short}");
    assert!(!short.lines().any(|l| l.trim_start().starts_with("-----BEGIN")), "no example key by default: {short}");
    assert!(short.lines().count() < 40, "{} lines:\n{short}", short.lines().count());

    let long = repo.leakguard(&["rules", "show", "private-key", "--examples"]);
    assert_eq!(long.status.code(), Some(0), "{}", text(&long));
    let long = stdout(&long);
    assert!(long.contains("must match:") && long.lines().any(|l| l.trim_start().starts_with("-----BEGIN")), "{long}");
    assert!(long.lines().count() > short.lines().count() + 10);
}

/// detect-secrets' `pragma: allowlist nextline secret` allows the line after it, and only that
/// line.
#[test]
fn nextline_pragma_allows_the_next_line_only() {
    let repo = TestRepo::new();
    let token = github_token();
    repo.write("a.py", format!("# pragma: allowlist nextline secret\nTOKEN = \"{token}\"\n"));
    let out = repo.leakguard(&["scan", "a.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("allowed inline"), "counted as an inline allow: {}", text(&out));

    repo.write("b.py", format!("# pragma: allowlist nextline secret\nname = \"demo\"\nTOKEN = \"{token}\"\n"));
    let out = repo.leakguard(&["scan", "b.py"]);
    assert_eq!(out.status.code(), Some(1), "two lines below is not the next line: {}", text(&out));

    // Through the hook too, on a staged change that adds only the secret's line.
    repo.commit_files(&[("c.py", "# pragma: allowlist nextline secret\n\n")], "pragma");
    repo.write("c.py", format!("# pragma: allowlist nextline secret\nTOKEN = \"{token}\"\n"));
    repo.git(&["add", "c.py"]);
    let out = repo.leakguard(&["staged"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // `--audit` ignores it, like every inline allow.
    let out = repo.leakguard(&["scan", "a.py", "--audit"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

fn keys(value: &Value, into: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                into.insert(k.clone());
                keys(v, into);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, into)),
        _ => {}
    }
}

/// Every field a JSON report can hold is named in the README, with what it means.
#[test]
fn every_json_field_is_documented() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let repo = TestRepo::new();
    let token = github_token();
    repo.commit_files(&[("deploy.cfg", &format!("TOKEN={token}\n"))], "deploy config");
    // UTF-16 text (decoded_from), a smell (no confidence), a binary file (skipped).
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(format!("KEY={token}\n").encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
    repo.write("wide.txt", utf16);
    repo.write("client.py", "import requests\nrequests.get(url, verify=False)\n");
    repo.write("blob.bin", [0u8, 1, 2, 3]);
    let mut found = BTreeSet::new();
    for args in [&["history", "--format", "json"][..], &["scan", ".", "--format", "json"][..]] {
        let out = repo.leakguard(args);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", text(&out)));
        keys(&report, &mut found);
    }
    for must in ["source", "commit_seq", "commit", "decoded_from", "confidence", "summary", "skipped", "suppressed"] {
        assert!(found.contains(must), "the reports above should hold `{must}`: {found:?}");
    }
    let missing: Vec<&String> = found.iter().filter(|k| !readme.contains(&format!("`{k}`"))).collect();
    assert!(missing.is_empty(), "JSON fields the README does not name: {missing:?}");
}

/// #16.5: `cd /elsewhere && leakguard scan /repo/path` reads /repo's config, as a run inside
/// /repo does.
#[test]
fn config_comes_from_the_repository_of_the_scanned_path() {
    let repo = TestRepo::new();
    repo.write("config/app.cfg", format!("TOKEN={}\n", github_token()));
    repo.write(".leakguard.toml", "[allowlist]\npaths = [\"config/**\"]\n");
    let inside = repo.leakguard(&["scan", "config"]);
    assert_eq!(inside.status.code(), Some(0), "{}", text(&inside));
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let target = repo.path().join("config");
    let out = isolated(leakguard_bin(), repo.home()).arg("scan").arg(&target).current_dir(elsewhere.path()).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "the repository's config applies from elsewhere too: {}", text(&out));
    assert!(text(&out).contains("allowed by config"), "{}", text(&out));
}
