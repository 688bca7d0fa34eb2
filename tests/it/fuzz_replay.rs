//! Replays tests/fuzz-corpus/<target>/ (the fuzz targets' seeds and every crash they found)
//! through the same checks as `cargo fuzz`, on stable: `leakguard::fuzzing`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use leakguard::chunk::{Chunk, Provenance};
use leakguard::engine::Engine;
use leakguard::finding::Finding;
use leakguard::fuzzing;
use leakguard::rules::RuleSet;

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable corpus entry").path())
        .collect();
    files.sort();
    files
}

/// Runs every corpus file of `target`, naming each one that breaks an invariant or panics.
fn replay(target: &str) {
    let files = corpus(target);
    // An empty folder would make this test pass having checked nothing.
    assert!(files.len() >= 5, "tests/fuzz-corpus/{target} holds only {} inputs", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let data = std::fs::read(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        match catch_unwind(AssertUnwindSafe(|| fuzzing::check(target, &data))) {
            Ok(Ok(())) => {}
            Ok(Err(broken)) => failures.push(format!("{}: {broken}", file.display())),
            Err(_) => failures.push(format!("{}: panicked (message above)", file.display())),
        }
    }
    assert!(failures.is_empty(), "{} of {} inputs failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}

#[test]
fn engine_corpus() {
    replay("engine");
}

#[test]
fn config_corpus() {
    replay("config");
}

#[test]
fn push_stdin_corpus() {
    replay("push_stdin");
}

#[test]
fn staged_diff_corpus() {
    replay("staged_diff");
}

/// Every target has a corpus folder, and every folder a target: a renamed target cannot leave
/// its crashes unreplayed.
#[test]
fn corpus_folders_match_targets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut folders: Vec<String> =
        std::fs::read_dir(&root).expect("tests/fuzz-corpus exists").map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
    folders.sort();
    let mut targets: Vec<String> = fuzzing::TARGETS.iter().map(|t| t.to_string()).collect();
    targets.sort();
    assert_eq!(folders, targets);
    let fuzz_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    for target in fuzzing::TARGETS {
        assert!(fuzz_dir.join(format!("{target}.rs")).is_file(), "no fuzz/fuzz_targets/{target}.rs");
    }
}

/// The engine corpus reaches the finding checks, and those checks catch a finding placed
/// wrong: they could not pass by checking nothing.
#[test]
fn engine_checks_see_findings_and_catch_wrong_ones() {
    let checked: usize = corpus("engine")
        .iter()
        // An input that breaks a check is reported by `engine_corpus`; count the rest.
        .filter_map(|f| fuzzing::engine_findings(&std::fs::read(f).expect("corpus file")).ok())
        .sum();
    assert!(checked >= 10, "the engine corpus yields only {checked} findings to check");

    let seed = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus/engine/github-token-py")).expect("seed");
    let rules = RuleSet::builtin_for_scan();
    let engine = Engine::new(&rules);
    let chunk = Chunk::new("src/app.py".into(), seed[1..].to_vec().into(), Provenance::Staged);
    let findings = engine.scan(&chunk).expect("scan");
    let finding = findings.first().expect("the token seed yields a finding");
    assert_eq!(fuzzing::check_finding(finding, &chunk), Ok(()));
    let broken = |edit: fn(&mut Finding)| {
        let mut f = finding.clone();
        edit(&mut f);
        fuzzing::check_finding(&f, &chunk)
    };
    assert!(broken(|f| f.location.end_line = 3).is_err(), "a line past the end (the seed has two, the last empty) passed");
    assert!(broken(|f| f.location.column += 1).is_err(), "a shifted column passed");
    assert!(broken(|f| f.masks.clear()).is_err(), "a finding without its own mask passed");
    assert!(fuzzing::check("nonexistent", b"").is_err());
}
