use std::borrow::Cow;

use super::Engine;
use crate::chunk::{Chunk, Provenance};
use crate::rules::RuleSet;

const RULES: &str = r#"
[[rules]]
id = "demo-token"
description = "demo token"
keywords = ["dmo_"]
regex = '''\b(?P<secret>dmo_[A-Za-z0-9]{20})\b'''

[[rules]]
id = "other-token"
description = "a rule the input never reaches"
keywords = ["zzq_"]
regex = '''zzq_[a-z]{8}'''

[[rules]]
id = "generic-assignment"
description = "secret-looking value assigned to a secret-looking name"
keywords = ["token"]
regex = '''(?i)token\s*=\s*"(?P<secret>[^"]{12,})"'''
entropy = 3.0

[[rules]]
id = "demo-key-block"
description = "demo key block"
keywords = ["-----begin demo"]
regex = '''-----BEGIN DEMO-----\n(?P<secret>[A-Za-z0-9+/=\n]{20,}?)-----END DEMO-----'''
multiline = true
"#;

fn rules() -> RuleSet {
    let mut set = RuleSet::default();
    set.add_file("demo.toml", RULES).expect("demo rules load");
    set
}

fn scan(rules: &RuleSet, text: &str) -> Vec<crate::finding::Finding> {
    let chunk = Chunk::new("f".into(), Cow::Borrowed(text.as_bytes()), Provenance::File);
    Engine::new(rules).scan(&chunk).expect("scan")
}

#[test]
fn only_reachable_regexes_are_compiled() {
    let rules = rules();
    let found = scan(&rules, "x = 'dmo_Q8wE3rT5yU7iO9pA1sD2'\n");
    assert_eq!(found.len(), 1);
    assert!(rules.get("demo-token").expect("rule").is_compiled());
    assert!(!rules.get("other-token").expect("rule").is_compiled());
    assert!(!rules.get("demo-key-block").expect("rule").is_compiled());
}

#[test]
fn generic_rule_yields_to_a_provider_rule() {
    let rules = rules();
    let found = scan(&rules, "token = \"dmo_Q8wE3rT5yU7iO9pA1sD2\"\nTOKEN = \"Zk4#pL9!qW2@xR7m\"\n");
    let ids: Vec<&str> = found.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(ids, ["demo-token", "generic-assignment"]);
    assert_eq!(found[1].location.line, 2);
}

#[test]
fn multiline_block_is_matched_across_lines_and_scoped() {
    let rules = rules();
    let text = "a\n-----BEGIN DEMO-----\nQm9ndXNLZXlNYXRlcmlhbA==\nMoreKeyMaterial0123\n-----END DEMO-----\n";
    let found = scan(&rules, text);
    assert_eq!(found.len(), 1);
    let loc = &found[0].location;
    assert_eq!((loc.line, loc.column, loc.end_line), (3, 1, 4));

    // Only the key body changed: the block still counts, since it touches an added line.
    let chunk = Chunk::new("f".into(), Cow::Borrowed(text.as_bytes()), Provenance::Staged).with_scope(vec![4..5]);
    assert_eq!(Engine::new(&rules).scan(&chunk).expect("scan").len(), 1);
    let chunk = Chunk::new("f".into(), Cow::Borrowed(text.as_bytes()), Provenance::Staged).with_scope(vec![1..2]);
    assert_eq!(Engine::new(&rules).scan(&chunk).expect("scan").len(), 0);
}

#[test]
fn every_secret_on_a_line_is_masked_in_each_finding() {
    let rules = rules();
    let found = scan(&rules, "a=dmo_Q8wE3rT5yU7iO9pA1sD2 b=dmo_M3nB5vC7xZ9lK1jH2gF4\n");
    assert_eq!(found.len(), 2);
    for f in &found {
        let (line, own) = f.render_line(true);
        assert_eq!(line, "a=dmo_****** b=dmo_******");
        assert_eq!(&line[own.clone()], "dmo_******");
    }
    assert_eq!(found[1].render_line(true).1.start, 15);
}

#[test]
fn placeholders_and_low_entropy_are_dropped() {
    let rules = rules();
    assert!(scan(&rules, "token = \"your-token-goes-here\"\n").is_empty());
    assert!(scan(&rules, "token = \"aaaabbbbaaaabbbb\"\n").is_empty());
    assert!(scan(&rules, "x = 'dmo_XXXXXXXXXXXXXXXXXXXX'\n").is_empty());
}
