//! Embeds every `patterns/*.toml` in the binary, so it runs with no files beside it and a new
//! pattern file cannot be forgotten. Each file is parsed here, once, and embedded twice as
//! JSON: whole (for `rules test` and `rules show`) and without its examples (for scans). A
//! commit hook then pays neither for parsing TOML nor for hundreds of examples it never reads.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("patterns");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = match fs::read_dir(&dir) {
        Ok(entries) => entries
            .map(|e| e.expect("readable patterns/ entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect(),
        // git keeps no empty folder: a checkout without pattern files builds an empty catalogue.
        Err(_) => Vec::new(),
    };
    names.sort();
    let out_dir = Path::new(&env::var("OUT_DIR").expect("cargo sets it")).to_path_buf();
    let mut index = String::from("pub static FILES: &[BuiltinFile] = &[\n");
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("patterns/{name}: {e}"));
        let full = serde_json::to_string(&value).expect("TOML values convert to JSON");
        let lean = serde_json::to_string(&without_examples(value)).expect("TOML values convert to JSON");
        let stem = name.trim_end_matches(".toml");
        fs::write(out_dir.join(format!("{stem}.full.json")), full).expect("OUT_DIR is writable");
        fs::write(out_dir.join(format!("{stem}.lean.json")), lean).expect("OUT_DIR is writable");
        index.push_str(&format!(
            "    BuiltinFile {{ origin: \"patterns/{name}\", full: include_str!(concat!(env!(\"OUT_DIR\"), \"/{stem}.full.json\")), lean: include_str!(concat!(env!(\"OUT_DIR\"), \"/{stem}.lean.json\")) }},\n"
        ));
    }
    index.push_str("];\n");
    fs::write(out_dir.join("builtin_rules.rs"), index).expect("OUT_DIR is writable");
}

fn without_examples(mut value: toml::Value) -> toml::Value {
    if let Some(rules) = value.get_mut("rules").and_then(toml::Value::as_array_mut) {
        for rule in rules.iter_mut().filter_map(toml::Value::as_table_mut) {
            rule.remove("examples");
            rule.remove("negative_examples");
        }
    }
    value
}
