//! Imports follow the flow (#13.5; DESIGN.md, "Inside: one-way flow"): every `crate::x` and
//! `super::` path in src/ that leaves its top-level module must name a module in a lower layer.

use std::path::Path;

/// Lowest first. A module may use only modules of a strictly lower layer: two modules of one
/// layer may not use each other either. Every top-level module of src/ must be listed.
const LAYERS: &[(&[&str], &str)] = &[
    // What every stage hands on: the chunk (path, bytes, line map, provenance, how a path is
    // shown, the size limit); the crate root's own items (version, exit status, error text;
    // its `run` reaches `commands` by a bare path, which this check does not read); file writes.
    (&["lib", "chunk", "atomic"], "shared data"),
    // The catalogue sits below the engine that runs it.
    (&["rules"], "rules"),
    // A match as the engine emits it; errors in settings files, placed by the rules' line_col.
    (&["finding", "file_error"], "matches"),
    // Judgements on a finding (kind, region, confidence); the files whose own findings the
    // engine drops, and their names, so the engine never reaches up to config or filter.
    (&["policy", "own_files"], "finding helpers"),
    // The two stages that only need chunks and rules: sources make chunks, the engine turns
    // them into matches (and checks rules' examples). Neither knows the other.
    (&["engine", "source"], "stages"),
    // Settings: builds the rule set, running the engine on custom rules' examples.
    (&["config"], "config"),
    // Accepted findings, read with the settings files' errors.
    (&["baseline"], "baseline"),
    // Matches -> findings: allowlists from config, inline allows, the baseline.
    (&["filter"], "filters"),
    // The last stage: findings -> human, JSON, SARIF.
    (&["report"], "report"),
    // Front ends over the pipeline that commands wire: the editor server, config migration,
    // hook installation.
    (&["lsp", "migrate", "hook"], "front ends"),
    // The command line's shape (defaults come from below).
    (&["cli"], "cli"),
    // On top: each command wires source -> engine -> filters -> report; fuzzing drives them all.
    (&["commands", "fuzzing"], "commands"),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(modules, _)| modules.contains(&module))
}

/// The module path of a file under src/: `config/build.rs` is `["config", "build"]`,
/// `config/mod.rs` is `["config"]`, `lib.rs` is `[]`.
fn module_path(rel: &str) -> Vec<String> {
    let rel = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// Every import against the layers in `files` (path under src/, text), as `src/file:line: ...`.
/// An inline `mod x {` (in practice, the tests at the end of a file) counts as one level
/// deeper for the rest of the file, so its `super::` means the file's own module.
fn violations(files: &[(String, String)], modules: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for (rel, text) in files {
        let mut path = module_path(rel);
        let own = path.first().cloned().unwrap_or_else(|| "lib".to_string());
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if code.starts_with("mod ") || code.starts_with("pub mod ") || code.starts_with("pub(crate) mod ") {
                if code.trim_end().ends_with('{') {
                    path.push("inline".to_string());
                }
                continue;
            }
            for target in targets(code, &path, modules) {
                let target = match target {
                    Ok(t) => t,
                    Err(e) => {
                        found.push(format!("src/{rel}:{}: {e}", n + 1));
                        continue;
                    }
                };
                if target == own {
                    continue;
                }
                match (layer_of(&own), layer_of(&target)) {
                    (Some(from), Some(to)) if to < from => {}
                    (Some(_), Some(_)) => found.push(format!("src/{rel}:{}: `{own}` uses `{target}`, which is not in a lower layer: {}", n + 1, code.trim())),
                    (None, _) => found.push(format!("src/{rel}:{}: module `{own}` has no layer in tests/it/layers.rs", n + 1)),
                    (_, None) => found.push(format!("src/{rel}:{}: module `{target}` has no layer in tests/it/layers.rs", n + 1)),
                }
            }
        }
    }
    found
}

/// The top-level module each `crate::` / `super::` path on `code` names, seen from `path`.
fn targets(code: &str, path: &[String], modules: &[String]) -> Vec<Result<String, String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let starts_path = (rest.starts_with("crate::") || rest.starts_with("super::")) && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b':'));
        if !starts_path {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let mut base: Option<Vec<String>> = Some(Vec::new());
        let mut after = rest;
        if let Some(r) = after.strip_prefix("crate::") {
            after = r;
        } else {
            let mut ups = 0;
            while let Some(r) = after.strip_prefix("super::") {
                ups += 1;
                after = r;
            }
            base = path.len().checked_sub(ups).map(|keep| path[..keep].to_vec());
        }
        let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        i = code.len() - after.len() + name.len().max(1);
        let Some(base) = base else {
            out.push(Err("`super::` goes above the crate root".to_string()));
            continue;
        };
        if let Some(top) = base.first() {
            out.push(Ok(top.clone()));
        } else if name.is_empty() {
            out.push(Err("write one `crate::module::...` path per module, not a `{...}` group".to_string()));
        } else if modules.contains(&name) || layer_of(&name).is_some() {
            out.push(Ok(name));
        } else {
            out.push(Ok("lib".to_string()));
        }
    }
    out
}

fn source_files(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a src/ entry").path();
        if path.is_dir() {
            source_files(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            // main.rs is the binary, a crate of its own: its `crate::` is not the library's.
            if rel != "main.rs" {
                out.push((rel, std::fs::read_to_string(&path).expect("a source file is UTF-8")));
            }
        }
    }
}

fn top_modules(files: &[(String, String)]) -> Vec<String> {
    let mut modules: Vec<String> = files.iter().filter_map(|(rel, _)| module_path(rel).first().cloned()).collect();
    modules.sort();
    modules.dedup();
    modules
}

#[test]
fn no_module_imports_against_the_flow() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &src, &mut files);
    let modules = top_modules(&files);
    assert!(modules.len() >= 15, "src/ has only {modules:?}");
    for module in &modules {
        assert!(layer_of(module).is_some(), "module `{module}` has no layer in tests/it/layers.rs");
    }
    let found = violations(&files, &modules);
    assert!(found.is_empty(), "imports against the flow:\n{}", found.join("\n"));
}

#[test]
fn an_upward_import_is_named_by_file_and_line() {
    let files = vec![
        ("rules/check.rs".to_string(), "use super::RuleSet;\nuse crate::engine::Engine;\n".to_string()),
        ("report/human.rs".to_string(), "use super::Summary;\nlet n = crate::chunk::MAX_FILE_SIZE;\n".to_string()),
        ("source/mod.rs".to_string(), "//! crate::commands wires sources\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n".to_string()),
        ("engine/mod.rs".to_string(), "fn f() { crate::filter::x(); super::VERSION; }\nfn g() { super::super::config::x(); }\n".to_string()),
        ("chunk.rs".to_string(), "use crate::{rules, finding};\n".to_string()),
    ];
    let modules = top_modules(&files);
    let found = violations(&files, &modules);
    assert_eq!(
        found,
        [
            "src/rules/check.rs:2: `rules` uses `engine`, which is not in a lower layer: use crate::engine::Engine;",
            "src/engine/mod.rs:1: `engine` uses `filter`, which is not in a lower layer: fn f() { crate::filter::x(); super::VERSION; }",
            "src/engine/mod.rs:2: `super::` goes above the crate root",
            "src/chunk.rs:1: write one `crate::module::...` path per module, not a `{...}` group",
        ]
    );
}
