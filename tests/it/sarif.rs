//! `--format sarif`: validated against the official SARIF 2.1.0 schema (tests/sarif-schema-2.1.0.json),
//! and checked for what GitHub code scanning reads (#16.7): `security-severity` and tags per
//! rule, help and links, one fingerprint per place, URIs from the repository root.

use std::path::Path;

use serde_json::Value;

use crate::util::{github_token, leakguard_bin, text, TestRepo};

pub fn validate(report: &Value) {
    let schema: Value = serde_json::from_str(include_str!("../sarif-schema-2.1.0.json")).expect("the schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator.iter_errors(report).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "SARIF report does not match the schema:\n{}", errors.join("\n"));
}

#[test]
fn history_sarif_matches_the_schema() {
    let repo = TestRepo::new();
    repo.commit_files(&[("dir with space/a.cfg", &format!("TOKEN={}\n", github_token()))], "leak");
    repo.commit_files(&[("b.py", &format!("t = \"{}\"  # leakguard:allow\n", github_token()))], "allowed");
    let out = repo.leakguard(&["history", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    validate(&report);
    let run = &report["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "leakguard");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(rules.iter().all(|r| r["help"]["text"].as_str().is_some_and(|t| !t.is_empty())));
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{results:#?}");
    let r = &results[0];
    assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "dir%20with%20space/a.cfg");
    assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
    assert!(r["partialFingerprints"]["leakguard/v3"].as_str().is_some_and(|f| f.len() == 32));
    assert_eq!(r["properties"]["summary"], "leak");
    assert!(!out.stdout.windows(github_token().len()).any(|w| w == github_token().as_bytes()), "redacted");
}

#[test]
fn scan_sarif_matches_the_schema_even_when_clean() {
    let repo = TestRepo::new();
    repo.write("clean.txt", "nothing here\n");
    repo.write("leak.cfg", format!("TOKEN={}\n", github_token()));
    for (args, status) in [(vec!["scan", "clean.txt", "--format", "sarif"], 0), (vec!["scan", ".", "--format", "sarif"], 1)] {
        let out = repo.leakguard(&args);
        assert_eq!(out.status.code(), Some(status), "{}", text(&out));
        validate(&serde_json::from_slice(&out.stdout).expect("SARIF is JSON"));
    }
}

fn sarif(out: &std::process::Output) -> Value {
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("SARIF is JSON ({e}):\n{}", text(out)));
    validate(&report);
    report
}

fn results(report: &Value) -> &Vec<Value> {
    report["runs"][0]["results"].as_array().expect("results")
}

fn rule<'a>(report: &'a Value, id: &str) -> &'a Value {
    let rules = report["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    rules.iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no rule {id} in {rules:#?}"))
}

fn severity(rule: &Value) -> f64 {
    let s = rule["properties"]["security-severity"].as_str().unwrap_or_else(|| panic!("security-severity is a string: {rule:#}"));
    s.parse().unwrap_or_else(|_| panic!("security-severity is a number: {s}"))
}

/// GitHub code scanning shows a rule's `security-severity` (a numeric string, 0.1 to 10) only
/// when the rule is tagged `security`; it links `helpUri`, renders `help.markdown`, and names
/// the tool from `informationUri`.
#[test]
fn rules_carry_severity_tags_and_help_for_code_scanning() {
    let repo = TestRepo::new();
    repo.write("deploy.cfg", format!("TOKEN={}\n", github_token()));
    repo.write("settings.py", "db_password = \"Vq8#mT2!xR5zLw9K\"\n");
    repo.write("client.py", "import requests\nrequests.get(url, verify=False)\n");
    let out = repo.leakguard(&["scan", ".", "--smells", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = sarif(&out);
    let driver = &report["runs"][0]["tool"]["driver"];
    // Named only once the project has a public address (Cargo.toml's `homepage`): never made up.
    assert!(driver.get("informationUri").is_none_or(|u| u.as_str().is_some_and(|u| u.starts_with("https://"))), "{driver:#}");
    let fired: Vec<&str> = results(&report).iter().map(|r| r["ruleId"].as_str().expect("ruleId")).collect();
    for id in ["github-pat-classic", "tls-verify-disabled-python"] {
        assert!(fired.contains(&id), "{id} did not fire: {fired:?}");
    }
    let generic = *fired.iter().find(|id| id.starts_with("generic-") || id.contains("password")).unwrap_or_else(|| panic!("no generic rule fired: {fired:?}"));
    for id in &fired {
        let r = rule(&report, id);
        let tags: Vec<&str> = r["properties"]["tags"].as_array().expect("tags").iter().filter_map(Value::as_str).collect();
        assert!(tags.contains(&"security"), "{id}: {tags:?}");
        let score = severity(r);
        assert!((0.1..=10.0).contains(&score), "{id}: {score}");
        // A secret rule links the provider's page (or CWE-798 for a generic one); a smell its fix's page when it has one.
        let secret = *id != "tls-verify-disabled-python";
        assert!(r.get("helpUri").is_none_or(|u| u.as_str().is_some_and(|u| u.starts_with("https://"))), "{id}: {r:#}");
        assert!(!secret || r["helpUri"].is_string(), "{id}: {r:#}");
        assert!(r["help"]["markdown"].as_str().is_some_and(|m| m.contains("leakguard:allow") || m.contains("baseline")), "{id}: {r:#}");
        assert_eq!(tags.contains(&"external/cwe/cwe-798"), secret, "{id}: CWE-798 on secrets only: {tags:?}");
    }
    // A provider's token is critical (over 9.0), a name and a value high, a smell low.
    let provider = severity(rule(&report, "github-pat-classic"));
    let by_name = severity(rule(&report, generic));
    let smell = severity(rule(&report, "tls-verify-disabled-python"));
    assert!(provider > 9.0, "{provider}");
    assert!((7.0..9.0).contains(&by_name), "{generic}: {by_name}");
    assert!(smell < 4.0, "{smell}");
    // The provider's documentation is the help link, and the fix is in the markdown.
    let pat = rule(&report, "github-pat-classic");
    assert!(pat["helpUri"].as_str().is_some_and(|u| u.contains("github")), "{pat:#}");
    assert!(pat["help"]["markdown"].as_str().is_some_and(|m| m.contains("https://")), "{pat:#}");
}

fn fingerprints(out: &std::process::Output) -> Vec<(u64, String)> {
    let report = sarif(out);
    results(&report)
        .iter()
        .map(|r| {
            let fp = r["partialFingerprints"]["leakguard/v3"].as_str().expect("leakguard/v3").to_string();
            // Left to GitHub's upload step, which warns when a tool's value differs from its own.
            assert!(r["partialFingerprints"].get("primaryLocationLineHash").is_none());
            (r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().expect("line"), fp)
        })
        .collect()
}

/// One secret at three places in a file: three alerts, each keeping its id when unrelated
/// lines move and when leakguard runs from a subfolder.
#[test]
fn each_place_of_a_secret_has_its_own_stable_fingerprint() {
    let repo = TestRepo::new();
    let token = github_token();
    repo.write("app/deploy.cfg", format!("A={token}\nname = demo\nB={token}\nC={token}\n"));
    let first = fingerprints(&repo.leakguard(&["scan", ".", "--format", "sarif"]));
    assert_eq!(first.iter().map(|(line, _)| *line).collect::<Vec<_>>(), [1, 3, 4], "{first:?}");
    let mut ids: Vec<&String> = first.iter().map(|(_, fp)| fp).collect();
    ids.dedup();
    assert_eq!(ids.len(), 3, "three places, three fingerprints: {first:?}");
    assert!(first.iter().all(|(_, fp)| !fp.contains(&token[..8])));

    // Unrelated lines added above and between: the lines move, the ids stay.
    repo.write("app/deploy.cfg", format!("# deploy settings\n# owner: ops\nA={token}\nname = demo\nregion = eu\nB={token}\n\nC={token}\n"));
    let moved = fingerprints(&repo.leakguard(&["scan", ".", "--format", "sarif"]));
    assert_eq!(moved.iter().map(|(line, _)| *line).collect::<Vec<_>>(), [3, 6, 8]);
    assert_eq!(moved.iter().map(|(_, fp)| fp).collect::<Vec<_>>(), first.iter().map(|(_, fp)| fp).collect::<Vec<_>>(), "ids follow the places");

    // From a subfolder: the same paths from the root, the same ids.
    let out = repo.command(leakguard_bin()).args(["scan", ".", "--format", "sarif"]).current_dir(repo.path().join("app")).output().expect("run");
    assert_eq!(fingerprints(&out), moved, "{}", text(&out));

    // The same secret in another file is another place.
    repo.write("other.cfg", format!("A={token}\n"));
    let both = fingerprints(&repo.leakguard(&["scan", ".", "--format", "sarif"]));
    assert_eq!(both.len(), 4);
    let other = &both.iter().find(|(line, fp)| *line == 1 && !moved.iter().any(|(_, m)| m == fp)).expect("other.cfg's finding").1;
    assert!(!moved.iter().any(|(_, fp)| fp == other), "another file, another id");
}

fn locations(report: &Value) -> Vec<(String, String)> {
    results(report)
        .iter()
        .map(|r| {
            let a = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            (a["uri"].as_str().expect("uri").to_string(), a["uriBaseId"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

/// URIs are relative to the repository root, with `%SRCROOT%` naming it, wherever leakguard
/// runs from: the root, a subfolder, or outside the repository with an absolute path.
#[test]
fn uris_are_relative_to_the_repository_root() {
    let repo = TestRepo::new();
    repo.write("services/api/leak.cfg", format!("TOKEN={}\n", github_token()));
    let root = std::fs::canonicalize(repo.path()).expect("root");
    let abs = root.to_str().expect("utf-8").to_string();
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let (services, api) = (root.join("services"), root.join("services/api"));
    let runs: Vec<(&Path, Vec<String>)> = vec![
        (repo.path(), vec!["scan".into(), ".".into()]),
        (repo.path(), vec!["scan".into(), "services/api/leak.cfg".into()]),
        (&services, vec!["scan".into(), ".".into()]),
        (&api, vec!["scan".into(), "leak.cfg".into()]),
        (elsewhere.path(), vec!["scan".into(), abs.clone()]),
        (elsewhere.path(), vec!["scan".into(), format!("{abs}/services")]),
    ];
    let expected_base = format!("file://{abs}/");
    let mut ids = Vec::new();
    for (cwd, args) in runs {
        let out = repo.command(leakguard_bin()).args(&args).args(["--format", "sarif"]).current_dir(cwd).output().expect("run");
        assert_eq!(out.status.code(), Some(1), "{args:?} in {}: {}", cwd.display(), text(&out));
        let report = sarif(&out);
        assert_eq!(locations(&report), [("services/api/leak.cfg".to_string(), "%SRCROOT%".to_string())], "{args:?} in {}", cwd.display());
        assert_eq!(report["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"], expected_base.as_str(), "{args:?} in {}", cwd.display());
        ids.push(results(&report)[0]["partialFingerprints"]["leakguard/v3"].clone());
    }
    // The repository's own fingerprint key, wherever leakguard runs from: the same alert id.
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
}
