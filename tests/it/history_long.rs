//! A history long enough that `history` cuts its tree walk in pieces, one per thread (600
//! commits: two, cut after commit 300): what is found, and where, must be what one walk finds,
//! at the cut too.

use std::collections::HashMap;
use std::io::Write;
use std::process::Stdio;

use serde_json::Value;

use crate::history::findings;
use crate::util::{github_token, TestRepo};

const COMMITS: usize = 600;

/// A linear history of `COMMITS` commits, each appending to `log.txt`; `files(n)` lists what
/// else commit `n` (1-based) writes (`Some`) or deletes (`None`). One `git fast-import`.
fn long_history(files: impl Fn(usize) -> Vec<(&'static str, Option<String>)>) -> TestRepo {
    let repo = TestRepo::new();
    let mut stream = Vec::new();
    let mut log = String::new();
    for n in 1..=COMMITS {
        log.push_str(&format!("entry {n}\n"));
        let message = format!("commit {n}\n");
        write!(stream, "commit refs/heads/main\ncommitter Test Author <author@example.invalid> {} +0000\n", 1_600_000_000 + n * 60).unwrap();
        write!(stream, "data {}\n{message}", message.len()).unwrap();
        write!(stream, "M 100644 inline log.txt\ndata {}\n{log}\n", log.len()).unwrap();
        for (path, content) in files(n) {
            match content {
                Some(text) => write!(stream, "M 100644 inline {path}\ndata {}\n{text}\n", text.len()).unwrap(),
                None => writeln!(stream, "D {path}").unwrap(),
            }
        }
    }
    let mut child = repo.command("git").args(["fast-import", "--quiet"]).stdin(Stdio::piped()).spawn().expect("git fast-import runs");
    child.stdin.take().expect("a pipe").write_all(&stream).expect("the stream is written");
    assert!(child.wait().expect("git fast-import ends").success());
    repo.git(&["reset", "-q", "--hard", "main"]);
    repo
}

/// Each commit's number (1-based), by id.
fn numbers(repo: &TestRepo) -> HashMap<String, usize> {
    let listed = repo.git(&["rev-list", "--reverse", "HEAD"]).stdout;
    let numbers: HashMap<String, usize> = std::str::from_utf8(&listed).expect("hex ids").lines().map(str::to_string).zip(1..).collect();
    assert_eq!(numbers.len(), COMMITS);
    numbers
}

/// (file, commit number) of each finding, sorted.
fn places(repo: &TestRepo, found: &[Value]) -> Vec<(String, usize)> {
    let numbers = numbers(repo);
    let mut out: Vec<(String, usize)> = found
        .iter()
        .map(|f| (f["file"].as_str().expect("a file").to_string(), numbers[f["commit"].as_str().expect("a commit")]))
        .collect();
    out.sort();
    out
}

#[test]
fn a_long_history_walked_in_halves_finds_what_one_walk_finds() {
    let secret = || Some(format!("DEPLOY_TOKEN={}\n", github_token()));
    let repo = long_history(|n| match n {
        50 => vec![("old.env", secret())],
        100 => vec![("config.env", secret())],
        200 => vec![("old.env", None)],
        // The last commit of the first half, and the first of the second (the walk primes
        // the second half with commit 300's tree).
        300 => vec![("edge/last.env", secret())],
        301 => vec![("edge/first.env", secret())],
        // The same blob at a new path: a copy is a leak of its own.
        400 => vec![("copy/config.env", secret())],
        // The same blob back at a path it had in the first half: found there at 50 already.
        500 => vec![("old.env", secret())],
        _ => Vec::new(),
    });
    let found = findings(&repo, &[]);
    let expected: Vec<(String, usize)> =
        [("config.env", 100), ("copy/config.env", 400), ("edge/first.env", 301), ("edge/last.env", 300), ("old.env", 50)]
            .into_iter()
            .map(|(f, n)| (f.to_string(), n))
            .collect();
    assert_eq!(places(&repo, &found), expected);

    // A range under the split length is walked once, on one thread: it reports what the whole
    // reported at its commits, and `old.env`, which it sees added at 500.
    let range = findings(&repo, &["HEAD~320..HEAD"]);
    let mut later: Vec<(String, usize)> = expected.iter().filter(|(_, n)| *n > COMMITS - 320).cloned().collect();
    later.push(("old.env".to_string(), 500));
    later.sort();
    assert_eq!(places(&repo, &range), later);
}

/// Findings at the same place by the same rule, from different commits (a secret replaced on
/// its line, again and again), are listed oldest first, whatever thread found which first.
#[test]
fn findings_at_one_place_are_listed_by_commit() {
    let token = |n: usize| format!("DEPLOY_TOKEN=ghp_Vb3kR8tQ2mX6nL1pW9sJ4yH7cF0g{:04}\n", n * 7919 % 10000);
    let repo = long_history(|n| if n % 10 == 0 { vec![("deploy.env", Some(token(n)))] } else { Vec::new() });
    let numbers = numbers(&repo);
    let listed: Vec<usize> = findings(&repo, &[]).iter().map(|f| numbers[f["commit"].as_str().expect("a commit")]).collect();
    let expected: Vec<usize> = (1..=COMMITS).filter(|n| n % 10 == 0).collect();
    assert_eq!(listed, expected);
}
