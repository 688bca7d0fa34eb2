//! Issue 16: every README example works as written. Its `leakguard` commands run on a real
//! repository in the order a newcomer meets them, its configs load, its hook ids exist, and
//! its sample reports are what leakguard prints.

use std::path::Path;

use crate::util::{github_token, leakguard_bin, text, TestRepo};

struct Block {
    lang: String,
    body: String,
    /// The README line of the opening fence, for messages.
    line: usize,
}

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README")
}

fn blocks(lang: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in readme().lines().enumerate() {
        match (line.strip_prefix("```"), open.take()) {
            (Some(tag), None) => open = Some(Block { lang: tag.trim().to_string(), body: String::new(), line: i + 1 }),
            (Some(_), Some(block)) => out.push(block),
            (None, Some(mut block)) => {
                block.body.push_str(line);
                block.body.push('\n');
                open = Some(block);
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "README: a code block is never closed");
    out.into_iter().filter(|b| b.lang == lang).collect()
}

/// A repository with history to walk: secrets in tracked files, more than 50 commits, a tag
/// and a branch the history examples name, and the files the scan and migration examples read.
fn newcomer_repo() -> TestRepo {
    let repo = TestRepo::new();
    let token = github_token();
    repo.commit_files(
        &[
            ("config/settings.py", &format!("DEBUG = False\nHOST = 'db.internal'\nGITHUB_TOKEN = \"{token}\"\n")),
            ("path/to/dir/deploy.sh", "#!/bin/sh\nexport DB_PASSWORD='Vq8#mT2!xR5zLw9K'\n"),
            ("file.env", "API_URL=https://api.acme.io\n"),
        ],
        "first",
    );
    repo.git(&["tag", "v1.4"]);
    for n in 0..52 {
        repo.git(&["commit", "-q", "--no-verify", "--allow-empty", "-m", &format!("step {n}")]);
    }
    repo.git(&["branch", "release"]);
    repo.write("dump.sql", "INSERT INTO users VALUES (1, 'ada');\n");
    repo.write(
        ".gitleaks.toml",
        "[extend]\nuseDefault = true\n\n[[rules]]\nid = \"acme-token\"\ndescription = \"ACME token\"\nregex = '''acme_[A-Za-z0-9]{32}'''\nkeywords = [\"acme_\"]\n\n[allowlist]\npaths = ['''docs/''']\n",
    );
    repo.write(
        ".secrets.baseline",
        "{\n  \"version\": \"1.5.0\",\n  \"plugins_used\": [{\"name\": \"KeywordDetector\"}],\n  \"filters_used\": [],\n  \"results\": {},\n  \"generated_at\": \"2026-01-01T00:00:00Z\"\n}\n",
    );
    repo
}

/// The `leakguard` command lines of a shell block, comments dropped. Lines that are not a
/// leakguard command (cargo, scripts, a hook file's `exec`) are covered elsewhere: the
/// first two commands by `adopt::the_checkout_scans_clean` and CI, the hook by `pre_receive`.
fn commands(block: &Block) -> Vec<String> {
    block
        .body
        .lines()
        .map(|l| l.split("  #").next().unwrap_or(l).trim().to_string())
        .filter(|l| l.starts_with("leakguard ") || l.contains("| leakguard "))
        .collect()
}

/// Runs one README line in bash, with `leakguard` (and a stand-in `kubectl`) on PATH; `fifo`
/// is a named pipe with a writer, as the line that names it expects.
fn run_line(repo: &TestRepo, bin: &Path, line: &str) -> std::process::Output {
    let setup = if line.split_whitespace().any(|w| w == "fifo") { "rm -f fifo; mkfifo fifo; (printf 'x = 1\\n' > fifo &); " } else { "" };
    repo.command("bash")
        .arg("-c")
        .arg(format!("{setup}{line}"))
        .env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run bash")
}

#[test]
fn every_leakguard_command_in_the_readme_runs() {
    let bin = tempfile::tempdir().expect("bin dir");
    std::os::unix::fs::symlink(leakguard_bin(), bin.path().join("leakguard")).expect("link leakguard");
    let kubectl = bin.path().join("kubectl");
    std::fs::write(&kubectl, "#!/bin/sh\nprintf 'apiVersion: v1\\nkind: Secret\\ndata: {}\\n'\n").expect("write kubectl");
    std::fs::set_permissions(&kubectl, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod kubectl");

    let repo = newcomer_repo();
    // `install --global` is the other way to install: a newcomer takes one or the other.
    let global = TestRepo::new();
    let mut ran = 0;
    for block in blocks("sh") {
        for line in commands(&block) {
            let out = run_line(if line.contains("--global") { &global } else { &repo }, bin.path(), &line);
            let code = out.status.code();
            // 0: nothing found, 1: findings. 2 would be a usage or run error.
            assert!(matches!(code, Some(0 | 1)), "README line {}: `{line}` exited {code:?}:\n{}", block.line, text(&out));
            assert!(!text(&out).contains("error:"), "README line {}: `{line}`:\n{}", block.line, text(&out));
            ran += 1;
        }
    }
    assert!(ran >= 25, "only {ran} README commands found: did the README's blocks change shape?");
    // What the examples promise to leave behind.
    for file in ["findings.json", "leaks.sarif", "leakguard.sarif", ".leakguard-baseline.toml"] {
        assert!(repo.path().join(file).exists(), "{file} was not written");
    }
    assert!(repo.path().parent().expect("parent").join("purge.txt").exists(), "the purge plan was not written");
}

/// The configs load; the rule reference (a patterns/ entry with `...` for values) names only
/// fields a rule has.
#[test]
fn the_readme_configs_load() {
    let toml = blocks("toml");
    let reference = toml.iter().find(|b| b.body.starts_with("[[rules]]")).expect("the rule field reference");
    let spec = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules/spec.rs")).expect("rule spec");
    for field in reference.body.lines().filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim())).filter(|k| !k.is_empty() && !k.starts_with('#')) {
        assert!(spec.contains(&format!("pub {field}:")), "README line {}: `{field}` is no field of a rule", reference.line);
    }
    let fields = spec.split("pub struct RuleSpec {").nth(1).and_then(|s| s.split("\n}").next()).expect("RuleSpec");
    for field in fields.lines().filter_map(|l| l.trim().strip_prefix("pub ")).filter_map(|l| l.split(':').next()) {
        assert!(reference.body.contains(&format!("\n{field} = ")) || reference.body.starts_with(&format!("{field} = ")), "the README's rule reference does not document `{field}`");
    }
    let configs: Vec<&Block> = toml.iter().filter(|b| !b.body.contains("[language-server") && !b.body.starts_with("[[rules]]")).collect();
    assert!(configs.len() >= 2, "the README's config blocks: {}", configs.len());
    for block in configs {
        let repo = TestRepo::new();
        repo.commit_files(&[("app.py", "print('hello')\n")], "init");
        repo.write(".leakguard.toml", &block.body);
        let out = repo.leakguard(&["scan", "."]);
        assert_eq!(out.status.code(), Some(0), "README line {}: the config does not load:\n{}", block.line, text(&out));
    }
}

#[test]
fn the_readme_hook_ids_exist() {
    let hooks = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.pre-commit-hooks.yaml")).expect("hooks file");
    let yaml = blocks("yaml");
    let config = yaml.iter().find(|b| b.body.contains("repos:")).expect("the pre-commit config example");
    let ids: Vec<&str> = config.body.lines().filter_map(|l| l.trim().strip_prefix("- id: ")).map(|l| l.split_whitespace().next().unwrap_or(l)).collect();
    assert!(!ids.is_empty());
    for id in ids {
        assert!(hooks.contains(&format!("id: {id}\n")), "README names hook {id}, which .pre-commit-hooks.yaml does not declare");
    }
}

/// The two sample reports are what `staged` prints for the same files.
#[test]
fn the_readme_sample_reports_are_real() {
    let samples = blocks("text");
    let secret = samples.iter().find(|b| b.body.contains("github-pat-classic")).expect("the secret sample");
    let smell = samples.iter().find(|b| b.body.contains("tls-verify-disabled-python")).expect("the smell sample");

    let repo = TestRepo::new();
    repo.commit_files(&[("README.md", "# app\n")], "init");
    repo.write("config/settings.py", format!("DEBUG = False\nHOST = 'db.internal'\nGITHUB_TOKEN = \"{}\"\n", github_token()));
    repo.git(&["add", "config/settings.py"]);
    let out = repo.leakguard(&["staged"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(text(&out).trim_end(), secret.body.trim_end(), "README line {}", secret.line);

    let repo = TestRepo::new();
    repo.commit_files(&[("README.md", "# app\n")], "init");
    let mut client = String::from("import requests\n");
    while client.lines().count() < 11 {
        client.push_str("# ...\n");
    }
    client.push_str("    r = requests.get(url, verify=False)\n");
    repo.write("app/client.py", client);
    repo.git(&["add", "app/client.py"]);
    let out = repo.leakguard(&["staged"]);
    let said = text(&out);
    assert!(said.starts_with(smell.body.trim_end()), "README line {}:\n{said}", smell.line);
}
