//! Replays tests/fuzz-corpus/<target>/ (the fuzz targets' seeds and every crash they found)
//! through the same checks as `cargo fuzz`, on stable: `leakguard::fuzzing`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use leakguard::fuzzing;

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

/// The checks catch what they claim to: a broken input is reported, not passed.
#[test]
fn checks_reject_what_they_should() {
    assert!(fuzzing::check("nonexistent", b"").is_err());
    // Seeds that must produce findings really do reach the finding checks: a scan of the
    // token seed finds something (else the engine target would be checking nothing).
    let seed = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus/engine/github-token-py")).expect("seed");
    let rules = leakguard::rules::RuleSet::builtin_for_scan();
    let engine = leakguard::engine::Engine::new(&rules);
    let chunk = leakguard::chunk::Chunk::new("src/app.py".into(), seed[1..].to_vec().into(), leakguard::chunk::Provenance::Staged);
    assert!(!engine.scan(&chunk).expect("scan").is_empty(), "the token seed yields no finding");
}
