//! Embeds every `patterns/*.toml` in the binary, so it runs with no files beside it and a new
//! pattern file cannot be forgotten. Each file is parsed here, once, and embedded twice: whole
//! as JSON (for `rules test` and `rules show`, which check the schema strictly), and as Rust
//! constants without the examples (for scans). A commit hook then pays neither for parsing
//! (TOML or JSON: 2 M instructions for the catalogue) nor for examples it never reads.

use std::{env, fs, path::Path};

fn main() {
    commit();
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("patterns");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = match fs::read_dir(&dir) {
        Ok(entries) => entries
            .map(|e| e.expect("readable patterns/ entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml") && n != PROVIDERS)
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
        let stem = name.trim_end_matches(".toml");
        fs::write(out_dir.join(format!("{stem}.full.json")), full).expect("OUT_DIR is writable");
        index.push_str(&format!(
            "    BuiltinFile {{ origin: \"patterns/{name}\", full: include_str!(concat!(env!(\"OUT_DIR\"), \"/{stem}.full.json\")), lean: &[\n"
        ));
        for rule in value.get("rules").and_then(toml::Value::as_array).into_iter().flatten() {
            index.push_str(&lean_rule(rule));
        }
        index.push_str("    ] },\n");
    }
    index.push_str("];\n");
    index.push_str(&providers(&dir));
    fs::write(out_dir.join("builtin_rules.rs"), index).expect("OUT_DIR is writable");
}

/// Not a rule file: what each provider's credentials need once leaked (see `rules::advice`).
const PROVIDERS: &str = "providers.toml";

/// `patterns/providers.toml` as a `PROVIDERS` constant (empty when the file is absent). Its keys
/// are checked here: a typo would otherwise drop a provider's advice without a word.
fn providers(dir: &Path) -> String {
    let path = dir.join(PROVIDERS);
    println!("cargo:rerun-if-changed={}", path.display());
    let mut out = String::from("pub static PROVIDERS: &[Provider] = &[\n");
    let text = fs::read_to_string(&path).unwrap_or_default();
    let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("patterns/{PROVIDERS}: {e}"));
    for p in value.get("providers").and_then(toml::Value::as_array).into_iter().flatten() {
        let table = p.as_table().unwrap_or_else(|| panic!("patterns/{PROVIDERS}: a provider is a table"));
        for key in table.keys() {
            let known = ["id", "name", "categories", "references", "revoke", "steps", "audit"];
            assert!(known.contains(&key.as_str()), "patterns/{PROVIDERS}: unknown key `{key}` (known: {})", known.join(", "));
        }
        let text = |key: &str| format!("{:?}", p.get(key).and_then(toml::Value::as_str).unwrap_or_default());
        let list = |key: &str| {
            let items: Vec<String> =
                p.get(key).and_then(toml::Value::as_array).into_iter().flatten().filter_map(|v| v.as_str().map(|v| format!("{v:?}"))).collect();
            items.join(", ")
        };
        out.push_str(&format!(
            "    Provider {{ id: {}, name: {}, categories: &[{}], references: &[{}], revoke: {}, steps: {}, audit: {} }},\n",
            text("id"),
            text("name"),
            list("categories"),
            list("references"),
            text("revoke"),
            text("steps"),
            text("audit"),
        ));
    }
    out.push_str("];\n");
    out
}

/// One rule as a `LeanRule` literal. Fields it does not know are left to the strict JSON
/// path, which `rules test` (run in CI) reads.
fn lean_rule(rule: &toml::Value) -> String {
    let text = |key: &str| rule.get(key).and_then(toml::Value::as_str).map(|s| format!("{s:?}"));
    let some = |v: Option<String>| v.map_or("None".to_string(), |v| format!("Some({v})"));
    let keywords: Vec<String> = rule
        .get("keywords")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str().map(|k| format!("Cow::Borrowed({k:?})")))
        .collect();
    let entropy = rule.get("entropy").and_then(|e| e.as_float().or_else(|| e.as_integer().map(|i| i as f64)));
    let variant = |key: &str, default: &str| {
        let v = rule.get(key).and_then(toml::Value::as_str).unwrap_or(default);
        let mut c = v.chars();
        c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
    };
    let borrowed_list = |key: &str| -> String {
        let items: Vec<String> = rule
            .get(key)
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(|v| format!("Cow::Borrowed({v:?})")))
            .collect();
        items.join(", ")
    };
    format!(
        "        LeanRule {{ id: {}, description: {}, kind: Kind::{}, severity: Severity::{}, keywords: &[{}], regex: {}, entropy: {}, multiline: {}, span_lines: {}, password: {}, basic_auth: {}, min_classes: {}, generic: {}, name_words: {}, file: {}, min_size: {}, path: {}, checksum: {}, provider: {}, references: &[{}], remediation: {}, categories: &[{}] }},\n",
        text("id").unwrap_or_default(),
        text("description").unwrap_or_default(),
        variant("kind", "secret"),
        variant("severity", "block"),
        keywords.join(", "),
        text("regex").unwrap_or_else(|| "\"\"".to_string()),
        some(entropy.map(|e| format!("{e:?}"))),
        rule.get("multiline").and_then(toml::Value::as_bool).unwrap_or(false),
        some(rule.get("span_lines").and_then(toml::Value::as_integer).map(|n| format!("{n}"))),
        rule.get("password").and_then(toml::Value::as_bool).unwrap_or(false),
        rule.get("basic_auth").and_then(toml::Value::as_bool).unwrap_or(false),
        some(rule.get("min_classes").and_then(toml::Value::as_integer).map(|n| format!("{n}"))),
        rule.get("generic").and_then(toml::Value::as_bool).unwrap_or(false),
        some(rule.get("name_words").map(|_| format!("NameWords::{}", variant("name_words", "")))),
        rule.get("file").and_then(toml::Value::as_bool).unwrap_or(false),
        some(rule.get("min_size").and_then(toml::Value::as_integer).map(|n| format!("{n}"))),
        some(text("path")),
        some(text("checksum")),
        some(text("provider")),
        borrowed_list("references"),
        some(text("remediation")),
        borrowed_list("categories"),
    )
}

/// `LEAKGUARD_COMMIT`: the short commit the binary is built from (for `--version`), or
/// `unknown` outside a git checkout. Rebuilt when HEAD moves.
fn commit() {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let commit = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=LEAKGUARD_COMMIT={commit}");
    for path in [git(&["rev-parse", "--git-path", "HEAD"]), git(&["symbolic-ref", "-q", "HEAD"]).and_then(|r| git(&["rev-parse", "--git-path", &r]))].into_iter().flatten() {
        println!("cargo:rerun-if-changed={path}");
    }
}
