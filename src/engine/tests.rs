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
    let chunk = Chunk::new("f".into(), Cow::Borrowed(text.as_bytes()), Provenance::Staged).with_scope(std::iter::once(4..5).collect());
    assert_eq!(Engine::new(&rules).scan(&chunk).expect("scan").len(), 1);
    let chunk = Chunk::new("f".into(), Cow::Borrowed(text.as_bytes()), Provenance::Staged).with_scope(std::iter::once(1..2).collect());
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

/// The built-in catalogue, for the suppression tests below.
fn builtin() -> RuleSet {
    RuleSet::builtin().expect("built-in rules load")
}

fn scan_at(rules: &RuleSet, path: &str, text: &str) -> Vec<crate::finding::Finding> {
    let chunk = Chunk::new(path.into(), Cow::Borrowed(text.as_bytes()), Provenance::File);
    Engine::new(rules).scan(&chunk).expect("scan")
}

fn rule_ids(found: &[crate::finding::Finding]) -> Vec<&str> {
    found.iter().map(|f| f.rule_id.as_str()).collect()
}

#[test]
fn lock_files_and_minified_assets_skip_generic_rules() {
    let rules = builtin();
    let line = "  \"token\": \"Qm8xZ2Fw3kLr9TzWv4Yp7Nc1\",\n";
    assert_eq!(rule_ids(&scan_at(&rules, "app/config.json", line)), ["generic-secret-assignment"]);
    for path in ["package-lock.json", "web/yarn.lock", "Cargo.lock", "go.sum", "poetry.lock", "dist/app.min.js"] {
        assert!(scan_at(&rules, path, line).is_empty(), "{path}");
    }
}

#[test]
fn secrets_read_from_elsewhere_are_not_secrets() {
    let rules = builtin();
    for line in [
        "password = os.environ.get(\"DB_PASS\")",
        "const token = process.env.TOKEN;",
        "  password: ${{ secrets.DB_PASSWORD }}",
        "API_TOKEN=$API_TOKEN_FROM_VAULT",
        "password: \"{db_password}\"",
    ] {
        assert!(scan_at(&rules, "f", line).is_empty(), "{line}");
    }
    // A lookup's literal fallback is committed all the same.
    for line in [
        "password = os.environ.get(\"DB_PASS\", \"Xk9#mQ2vLr7w\")",
        "const token = process.env.TOKEN || \"Qm8xZ2Fw3kLr9TzVb2\";",
        "'password' => env('DB_PASSWORD', 'Tulip!4821x'),",
    ] {
        assert!(!scan_at(&rules, "f", line).is_empty(), "{line}");
    }
}

#[test]
fn uuids_ids_and_names_that_are_not_secrets_are_skipped() {
    let rules = builtin();
    for line in [
        "secret_id = \"3f2b8c4e-9a1d-4e6f-b7c2-5d8e1f0a9b3c\"",
        "CACHE_KEY = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b\"",
        "secret_name = \"prod/db/credentials\"",
        "token_url = \"https://auth.acme.io/oauth/token\"",
        "test_token = \"test_Qm8xZ2Fw3k\"",
        "DB_PASSWORD=P@ssw0rd123",
    ] {
        assert!(scan_at(&rules, "f", line).is_empty(), "{line}");
    }
    // The same UUID under a name that says it is the secret is reported.
    assert_eq!(scan_at(&rules, "f", "api_token = \"3f2b8c4e-9a1d-4e6f-b7c2-5d8e1f0a9b3c\"").len(), 1);
}

#[test]
fn documented_public_test_keys_are_skipped() {
    let rules = builtin();
    let stripe = format!("STRIPE_KEY={}{}", "sk_test_", "4eC39HqLyjWDarjtT1zdp7dc");
    assert!(scan_at(&rules, "f", &stripe).is_empty());
}

#[test]
fn a_checksum_decides_a_fake_looking_github_token() {
    let rules = builtin();
    // Valid CRC-32 tail: reported even on a line that says "fake".
    let valid = "ghp_Kq8Zr2Lm4Xw9Tb6Ny1Vc3Hd7Jf5Gp0";
    let valid = format!("{valid}{}", github_tail(valid));
    assert_eq!(rule_ids(&scan_at(&rules, "f", &format!("token = \"{valid}\"  # fake"))), ["github-pat-classic"]);
    // A broken checksum is still reported (hand-made test tokens look like this), unless the
    // line says it is a stand-in.
    let broken = "ghp_Kq8Zr2Lm4Xw9Tb6Ny1Vc3Hd7Jf5Gp0Qz7Wk3";
    assert_eq!(scan_at(&rules, "f", &format!("token = \"{broken}\"")).len(), 1);
    assert!(scan_at(&rules, "f", &format!("token = \"{broken}\"  # fake token for the docs")).is_empty());
}

fn github_tail(token: &str) -> String {
    const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = super::checksum::crc32(&token.as_bytes()[4..]);
    let mut out = vec![b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = B62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out).expect("ascii")
}

#[test]
fn base64_values_are_decoded_and_reported_where_they_are() {
    let rules = builtin();
    // base64 of "postgres://app:Xk9mQ2vLr7wZ@db.internal/orders"
    let text = "kind: Secret\ndata:\n  DATABASE_URL: cG9zdGdyZXM6Ly9hcHA6WGs5bVEydkxyN3daQGRiLmludGVybmFsL29yZGVycw==\n";
    let found = scan_at(&rules, "k8s/secret.yaml", text);
    assert_eq!(rule_ids(&found), ["url-with-password"]);
    let f = &found[0];
    assert_eq!((f.location.line, f.location.column), (3, 17));
    assert_eq!(f.secret, "Xk9mQ2vLr7wZ");
    assert_eq!(f.decoded_from, Some("base64-decoded"));
    // Percent-encoded too.
    let found = scan_at(&rules, "f", "redirect_token=postgres%3A%2F%2Fapp%3AXk9mQ2vLr7wZ%40db.internal%2Forders\n");
    assert!(found.iter().any(|f| f.decoded_from == Some("percent-decoded")), "{:?}", rule_ids(&found));
}

#[test]
fn path_rules_apply_only_to_their_files() {
    let rules = builtin();
    let pgpass = "db.acme.internal:5432:orders:orders_rw:Xk9mQ2vLr7wZp4\n";
    assert_eq!(rule_ids(&scan_at(&rules, "home/ops/.pgpass", pgpass)), ["generic-pgpass"]);
    assert!(scan_at(&rules, "notes.txt", pgpass).is_empty());
}

/// One secret, one report: an AWS secret caught both by its name and by the key id on the
/// line above is reported once.
#[test]
fn a_secret_two_rules_catch_is_reported_once() {
    let rules = builtin();
    let text = "AWS_ACCESS_KEY_ID = \"AKIAQX7ZL2KP9WN4RT6B\"\naws_secret_access_key = \"Vq8Lm3Xt9Kp2Wz5Rn7Bc1Hd4Jf6Gs0Ty8Uq3Ew5R\"\n";
    let found = scan_at(&rules, "deploy.py", text);
    assert_eq!(found.len(), 2, "{:?}", rule_ids(&found));
}

/// The generic rules' names are checked in code (`name_words`): a secret word last, before at
/// most two suffixes, or anywhere.
#[test]
fn a_generic_name_must_hold_a_secret_word() {
    use super::gate::names_a_secret;
    use crate::rules::NameWords::{Anywhere, Last};
    for name in ["DB_PASSWORD", "apiKey", "client-secret", "SMTP_PASS", "pass", "token_b64", "PASSWORD_B64_VALUE", "pass-key", "self.auth_key"] {
        assert!(names_a_secret(name.as_bytes(), Last), "{name}");
    }
    for name in ["password_hint", "token_url", "passenger", "pass_key", "TOKEN_PATH", "secret_b64_value_str", "x"] {
        assert!(!names_a_secret(name.as_bytes(), Last), "{name}");
    }
    assert!(names_a_secret(b"db_password_prod", Anywhere) && names_a_secret(b"pass.file", Anywhere));
    assert!(!names_a_secret(b"passenger_count", Anywhere) && !names_a_secret(b"pass_through", Anywhere));
}

/// A match turned down for its name does not hide a real one that starts inside it.
#[test]
fn a_match_with_the_wrong_name_does_not_hide_the_next() {
    let rules = builtin();
    let line = "alias pgprod='PGPASSWORD=\"Tq7+DDXG-7QacpvSo\" psql -h db.internal -U app'";
    let found = scan_at(&rules, "home/.bashrc", line);
    assert_eq!(rule_ids(&found), ["generic-secret-assignment"]);
}

/// Many secrets on one long line, and a key block longer than a short secret before them:
/// each finding's column counts characters, and each rendered line masks every secret it
/// shows (the per-file work is linear, issue 12 item 11; the result is what it was).
#[test]
fn dense_findings_on_a_long_line_keep_their_columns_and_masks() {
    let rules = rules();
    let body: String = (0..40).map(|i| format!("{:0>60}\n", format!("Qm9{i}zX"))).collect();
    let mut text = format!("-----BEGIN DEMO-----\n{body}-----END DEMO-----\n");
    // Varied letters (a run of one letter would read as a placeholder).
    let alphabet = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut seed = 7u64;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        alphabet[(seed >> 33) as usize % alphabet.len()] as char
    };
    let tokens: Vec<String> = (0..300).map(|_| format!("dmo_{}", (0..20).map(|_| next()).collect::<String>())).collect();
    let line = tokens.iter().map(|t| format!("é {t}")).collect::<Vec<_>>().join(" ");
    text.push_str(&line);
    let found = scan(&rules, &text);
    let on_line: Vec<_> = found.iter().filter(|f| f.rule_id == "demo-token").collect();
    assert_eq!(on_line.len(), tokens.len());
    assert!(found.iter().any(|f| f.rule_id == "demo-key-block"));
    for (f, t) in on_line.iter().zip(&tokens) {
        let before = &line[..line.find(t.as_str()).expect("token on the line")];
        assert_eq!(f.location.column as usize, before.chars().count() + 1);
        assert_eq!(f.location.end_column as usize, before.chars().count() + t.len() + 1);
        let (shown, own) = f.render_line(true);
        assert_eq!(&shown[own], "dmo_******");
        assert!(!tokens.iter().any(|t| shown.contains(t.as_str())), "every secret shown is masked: {shown}");
    }
}

#[test]
fn a_byte_mode_match_ending_inside_a_character_reports_the_whole_character() {
    let mut set = RuleSet::default();
    let rule = "[[rules]]\nid = \"bytes-rule\"\ndescription = \"d\"\nkeywords = [\"zkey=\"]\nregex = '''(?-u)zkey=(?P<secret>[a-z]{6}.)'''\n";
    set.add_file("bytes.toml", rule).expect("rule loads");
    let found = scan(&set, "zkey=qwertyé rest\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].secret, "qwertyé", "the secret is not cut inside é");
    assert_eq!((found[0].location.column, found[0].location.end_column), (6, 13));
}

/// One report per secret, wherever its duplicates sort: the same span found by two rules of
/// the same kind with another rule's longer match between them, and one rule's overlapping
/// spans (issue 13, item 8: the dedupe removed only neighbours).
#[test]
fn issue_13_dedupe_is_full_not_only_neighbours() {
    let mut set = RuleSet::default();
    let rule = |id: &str, kind: &str| format!("[[rules]]\nid = \"{id}\"\ndescription = \"d\"\nkind = \"{kind}\"\nkeywords = [\"k\"]\nregex = \"k\"\n");
    let file = [rule("first-secret", "secret"), rule("a-smell", "smell"), rule("second-secret", "secret")].concat();
    set.add_file("dedupe.toml", &file).expect("rules load");
    let candidate = |rule: usize, secret: std::ops::Range<usize>| super::Candidate { rule, matched: secret.clone(), secret, decoded: None, path_check: None };
    let kept = |all: Vec<super::Candidate>| -> Vec<(usize, std::ops::Range<usize>)> {
        super::resolve_overlaps(&set, all).into_iter().map(|c| (c.rule, c.secret)).collect()
    };
    // Sorted by (start, rule, end), the smell's longer span sat between the two secrets.
    assert_eq!(kept(vec![candidate(2, 0..10), candidate(1, 0..12), candidate(0, 0..10)]), [(0, 0..10), (1, 0..12)]);
    // A smell and a secret on the same span are two findings; a rule's exact repeat is not.
    assert_eq!(kept(vec![candidate(1, 0..10), candidate(0, 0..10), candidate(1, 0..10)]), [(0, 0..10), (1, 0..10)]);
    // One rule's overlapping spans (a value and the secret in its decoded text) are one;
    // its spans that only touch are two.
    assert_eq!(kept(vec![candidate(0, 5..15), candidate(0, 0..20), candidate(0, 20..30)]), [(0, 0..20), (0, 20..30)]);
    // The same secret found in the text and in the decoded value around it: the plain one.
    let decoded = |rule: usize, secret: std::ops::Range<usize>| super::Candidate {
        decoded: Some(super::DecodedSecret { secret: "s".into(), matched: "s".into(), encoding: "percent-encoded" }),
        ..candidate(rule, secret)
    };
    let all = vec![decoded(0, 0..40), candidate(0, 10..40), decoded(0, 30..50), decoded(1, 0..40), decoded(1, 20..60)];
    assert_eq!(kept(all), [(1, 0..40), (0, 10..40)]);
}
