//! Built-in false-alarm checks beyond placeholders: what a generic rule's value must look like,
//! where generic rules do not run (lock files, minified assets), lookups of secrets kept
//! elsewhere, fakes that fail their checksum, and documented public test keys.

use sha2::{Digest, Sha256};

use crate::rules::NameWords;

/// Lock files and generated assets: their hashes and blobs are not secrets.
const NO_GENERIC_FILES: &[&str] = &[
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock",
    "cargo.lock", "go.sum", "go.mod", "poetry.lock", "pipfile.lock", "uv.lock", "pdm.lock",
    "gemfile.lock", "composer.lock", "mix.lock", "packages.lock.json", "gradle.lockfile",
    "flake.lock", "podfile.lock", "pubspec.lock", "package.resolved",
];
const NO_GENERIC_SUFFIXES: &[&str] = &[".min.js", ".min.css", ".js.map", ".css.map", ".bundle.js", ".chunk.js", ".svg"];
/// A line this long is minified or generated; generic rules skip it.
pub const MAX_GENERIC_LINE: usize = 4096;

/// Whether generic rules skip the file at `path` altogether: lock files, generated assets, and
/// templates (`.env.example`, `config.sample.yml`), whose values are stand-ins by design.
pub fn skips_generic(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let template = name.split('.').skip(1).any(|part| matches!(part, "example" | "sample" | "template" | "dist" | "tmpl"))
        || name.starts_with("example.") || name.starts_with("sample.");
    NO_GENERIC_FILES.contains(&name) || NO_GENERIC_SUFFIXES.iter().any(|s| name.ends_with(s)) || template
}

/// Reading a secret from somewhere else is not a secret: text before the value on its line.
const LOOKUPS: &[&str] = &[
    "environ", "getenv", "env(", "env[", "env.", "env::var", "secrets.", "vault(", "vault.",
    "keyvault", "secretmanager", "secretsmanager", "get_secret", "getsecret", "ssm.", "getparameter",
    "lookup(", "config.get", "settings.get", "fetch(", "credentials.get",
];

/// Whether the value is read from elsewhere. A lookup with a literal fallback
/// (`env('X', 'literal')`, `process.env.X || 'literal'`, `${X:-literal}`) still commits the
/// literal, so it counts as a value.
pub fn is_lookup(before_value: &[u8]) -> bool {
    let lower = before_value.to_ascii_lowercase();
    let last = LOOKUPS.iter().filter_map(|l| memchr::memmem::rfind(&lower, l.as_bytes()).map(|at| at + l.len())).max();
    let Some(after) = last.map(|at| &lower[at..]) else { return false };
    let fallback = [&b","[..], b"||", b" or ", b"??", b":-", b"|default"];
    !fallback.iter().any(|f| memchr::memmem::find(after, f).is_some())
}

/// Anonymous FTP and the like: a password there is an e-mail address or a courtesy.
pub fn is_anonymous(line: &[u8]) -> bool {
    let lower = line.to_ascii_lowercase();
    memchr::memmem::find(&lower, b"anonymous").is_some()
}

/// Words on a line that mark a token as a stand-in. Only consulted for a token whose checksum
/// fails: a token with a valid checksum is reported whatever the line says.
const FAKE_MARKERS: &[&str] = &["fake", "dummy", "example", "sample", "mock", "placeholder", "invalid", "not a real", "not-a-real", "lorem"];

pub fn says_fake(line: &[u8]) -> bool {
    let lower = line.to_ascii_lowercase();
    FAKE_MARKERS.iter().any(|m| {
        memchr::memmem::find_iter(&lower, m.as_bytes()).any(|at| {
            // `example.com`, `smtp.corp.example`: a domain, said of the host, not the secret.
            let before = at.checked_sub(1).map(|i| lower[i]);
            let after = lower.get(at + m.len()).copied();
            !(*m == "example" && (matches!(before, Some(b'.' | b'@')) || after == Some(b'.')))
        })
    })
}

/// A path that says its file holds stand-ins: `tests/fixtures/fake_credentials.py`, `mocks/`.
pub fn is_fake_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.split(['/', '_', '-', '.']).any(|w| matches!(w, "fake" | "fakes" | "dummy" | "mock" | "mocks" | "stub" | "stubs"))
}

/// A JWT whose claims say it is public by design: Supabase's `anon` key.
pub fn is_public_jwt(token: &[u8]) -> bool {
    let mut parts = token.split(|&b| b == b'.');
    let (Some(header), Some(claims)) = (parts.next(), parts.next()) else { return false };
    if !header.starts_with(b"eyJ") {
        return false;
    }
    let Some(decoded) = super::decode::base64(claims) else { return false };
    let text = String::from_utf8_lossy(&decoded).replace(' ', "");
    text.contains("\"role\":\"anon\"")
}

/// Default and demo passwords: a value that is one of these, whole, is a stand-in.
const WEAK_DEFAULTS: &[&str] = &[
    "password", "passw0rd", "p@ssw0rd", "p@ssword", "pa$$word", "changeme", "changeit", "secret",
    "s3cr3t", "admin", "administrator", "letmein", "qwerty", "welcome", "default", "root", "toor",
    "guest", "postgres", "mysql", "test", "testing", "demo", "example", "foobar", "pass",
    "todo", "tbd", "fixme", "none", "null", "undefined", "empty", "notset", "not_set", "unset",
    "required", "optional", "disabled", "enabled", "generated", "random", "prompt", "inherit",
    "hidden", "masked", "redacted", "encrypted", "hashed", "omitted", "provided", "unused",
    "unavailable", "unknown",
];
/// Of those, the ones that stay stand-ins with digits or punctuation added (`password123`,
/// `changeme!`); `Welcome2015?` or `admin1234` is a person's real, weak, password.
const STAND_IN_STEMS: &[&str] = &[
    "password", "passw0rd", "p@ssw0rd", "p@ssword", "changeme", "changeit", "secret", "s3cr3t",
    "test", "testing", "demo", "example", "foobar", "dummy", "sample", "todo", "fixme", "none",
    "null", "undefined", "xxx", "admin", "your_password", "yourpassword", "mypassword", "my_password",
];

/// Whether a value is a default or demo password rather than one someone chose.
fn is_weak_default(lower: &str) -> bool {
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    WEAK_DEFAULTS.contains(&lower) || STAND_IN_STEMS.contains(&stem)
}

/// Whether a value caught by a generic rule (a name that sounds secret, a value) looks like a
/// credential rather than code, a word, a path, a version or an id. `name` is the assigned
/// name when the rule captures one.
pub fn generic_value_ok(value: &[u8], name: Option<&[u8]>) -> bool {
    let Ok(text) = std::str::from_utf8(value) else { return false };
    let len = text.chars().count();
    if !(8..=1000).contains(&len) {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    if is_weak_default(&lower) || lower.contains("://") || is_reference(text) || is_encrypted(text) || is_elided(text) {
        return false;
    }
    if is_format_string(text) || is_member_path(text) || names_a_secret_in_code(text, &lower) || is_word_identifier(text) {
        return false;
    }
    if is_header_name(text) || is_option_setting(text) {
        return false;
    }
    // WordPress salts hold spaces; a sentence does too, with far less entropy.
    if text.chars().any(char::is_whitespace) && (len < 32 || entropy(value) < 4.5) {
        return false;
    }
    // A list (`k1,k2,k3`) or a query string (`a=1&b=2`) is data, not one secret.
    let listy = is_list(text) || is_query(text);
    let fixture = ["test", "mock", "stub", "fixture", "local", "dev"].iter().any(|p| {
        lower.strip_prefix(p).is_some_and(|rest| rest.starts_with(['_', '-', '.']))
    });
    if fixture {
        return false;
    }
    if listy || looks_like_path(text) || looks_like_version(text) {
        return false;
    }
    let count = |f: fn(&char) -> bool| text.chars().filter(f).count();
    let (upper, low, digit) = (count(char::is_ascii_uppercase), count(char::is_ascii_lowercase), count(char::is_ascii_digit));
    let symbol = len - upper - low - digit;
    if digit == len {
        return false;
    }
    if digit == 0 && symbol == 0 {
        // Letters only: a word or an identifier, unless long, mixed-case and random.
        return len >= 20 && upper >= 3 && low >= 3 && entropy(value) >= 4.0;
    }
    if upper == 0 && is_identifier(text) && digit * 5 < len {
        return false;
    }
    if is_uuid(text) {
        return name.is_some_and(names_the_secret_itself);
    }
    true
}

/// Whether a value in a password's place (a password-named field, a `.netrc`, a DSN) is a
/// password. People choose words, dates and dashes: no entropy or mixed-case bar, only what
/// marks a stand-in, a reference or code.
pub fn password_value_ok(value: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(value) else { return false };
    let len = text.chars().count();
    if !(6..=200).contains(&len) || text.chars().any(char::is_whitespace) {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    if is_weak_default(&lower) || lower.contains("://") || is_reference(text) || is_encrypted(text) {
        return false;
    }
    if is_elided(text) || is_camel_case_name(text) {
        return false;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) || looks_like_path(text) || looks_like_version(text) || is_list(text) {
        return false;
    }
    // `<your password here>` cut at its first space.
    if text.starts_with('<') {
        return false;
    }
    // `change-me-on-first-login`, `your_db_password`: instructions, not passwords.
    if ["change-me", "change_me", "changeme", "replace", "your-", "your_", "fill-in", "set-me"].iter().any(|w| lower.contains(w)) {
        return false;
    }
    // `on_create`, `read_only`: an option's name, snake_case without a digit.
    if text.contains('_') && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return false;
    }
    // A value that names the secret again is a variable or a key name: `passwordEncoder`,
    // `db-password-secret`, `smtp.password`.
    let names_itself = ["pass", "pwd", "secret", "credential", "token"].iter().any(|w| lower.contains(w));
    let code_like = text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    // `aaaaaaaa`, `abababab`: a filler, not a choice.
    !(names_itself && code_like) && entropy(value) >= 2.0
}

/// A name that says its value is a password (`DB_PASSWORD`, `smtppass`, `ansible_ssh_pass`,
/// `db_password_prod`), judged by its last word: `password_encryption` is a setting.
pub fn names_a_password(name: &[u8]) -> bool {
    const QUALIFIERS: &[&str] = &[
        "prod", "production", "dev", "development", "staging", "stage", "test", "local", "value", "val",
        "str", "string", "plain", "plaintext", "raw", "env", "default", "new", "old",
    ];
    let words = words(&String::from_utf8_lossy(name));
    let last = words.iter().rev().find(|w| !QUALIFIERS.contains(&w.as_str()) && !w.bytes().all(|b| b.is_ascii_digit()));
    last.is_some_and(|w| {
        matches!(w.as_str(), "pw" | "pwd" | "passwd" | "passphrase") || w.ends_with("pass") || w.ends_with("password")
    })
}

/// Values encrypted with a key kept elsewhere, committed on purpose: sops (`ENC[...]`),
/// Jasypt (`ENC(...)`), Ansible Vault, and Sealed Secrets' long `Ag...` blobs.
fn is_encrypted(text: &str) -> bool {
    text.starts_with("ENC[") || text.starts_with("ENC(") || text.starts_with("$ANSIBLE_VAULT") || text.starts_with("!vault")
        || (text.len() >= 300 && text.starts_with("Ag") && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')))
}

/// Values whose prefix says they grant nothing: public-by-design keys some providers put in
/// client code (Mapbox `pk.`, Stripe `pk_`), and test-suite bcrypt hashes.
pub fn is_harmless_by_prefix(value: &[u8]) -> bool {
    ["pk.eyJ", "pk_live_", "pk_test_"].iter().any(|p| value.starts_with(p.as_bytes()))
        // bcrypt at cost 4, its minimum, is what test suites use to stay fast: a fixture.
        || ["$2a$04$", "$2b$04$", "$2y$04$"].iter().any(|p| value.starts_with(p.as_bytes()))
}

/// Source files, where an unquoted value is an expression (`password = getPassword()`), never
/// a literal.
const CODE_EXTENSIONS: &[&str] = &[
    "py", "pyi", "js", "jsx", "mjs", "cjs", "ts", "tsx", "java", "kt", "kts", "scala", "groovy", "go", "rs",
    "rb", "rake", "php", "cs", "vb", "fs", "swift", "m", "mm", "c", "h", "cc", "cpp", "hpp", "dart",
    "lua", "pl", "ex", "exs", "erl", "clj", "vue", "svelte", "cts", "mts",
];

/// Whether the file is source code: by extension, or, for a script without one
/// (`bin/ansible`), by its `#!` line.
pub fn is_code_file(path: &str, bytes: &[u8]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.rsplit_once('.').is_some_and(|(_, ext)| CODE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())) {
        return true;
    }
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    first.starts_with(b"#!")
        && ["python", "node", "ruby", "perl", "php", "deno"].iter().any(|i| memchr::memmem::find(first, i.as_bytes()).is_some())
}

/// `$VAR`, `$env:VAR`, `%VAR%`, `{name}`, `DB_PASSWORD`: a reference to a value kept elsewhere.
fn is_reference(text: &str) -> bool {
    let ident = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    let var = text.strip_prefix("$env:").or_else(|| text.strip_prefix('$'));
    // `$JWT_SECRET$`: a JetBrains run-configuration macro.
    let var = var.map(|v| v.strip_suffix('$').unwrap_or(v));
    var.is_some_and(|v| ident(v) && !v.as_bytes()[0].is_ascii_digit())
        || (text.len() > 2 && text.starts_with('%') && text.ends_with('%') && ident(&text[1..text.len() - 1]))
        || (has_braced_name(text) && entropy(text.as_bytes()) < 4.2)
        || is_env_name(text)
        || is_shell_expansion(text)
}

/// How many of lower case, upper case, digits and other characters `value` mixes.
pub fn char_classes(value: &[u8]) -> u8 {
    let has = |f: fn(&u8) -> bool| u8::from(value.iter().any(f));
    has(u8::is_ascii_lowercase) + has(u8::is_ascii_uppercase) + has(u8::is_ascii_digit) + has(|b| !b.is_ascii_alphanumeric())
}

/// `${tmp%%@*}`, `${PASS:-}`: a shell parameter expansion with an operator.
fn is_shell_expansion(text: &str) -> bool {
    let Some(inner) = text.strip_prefix("${").and_then(|t| t.strip_suffix('}')) else { return false };
    let name = inner.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    name > 0 && !inner.as_bytes()[0].is_ascii_digit()
}

/// `sk_live_4eC39...`, `AKIA…`: a value cut short in documentation.
fn is_elided(text: &str) -> bool {
    text.ends_with("...") || text.ends_with('…')
}

/// `overEvery`, `maxRetries`: a camelCase name from code, not a password someone chose.
fn is_camel_case_name(text: &str) -> bool {
    let b = text.as_bytes();
    b[0].is_ascii_lowercase()
        && b.iter().all(u8::is_ascii_alphabetic)
        && b.windows(2).any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        && is_word_identifier(text)
}

/// `DB_PASSWORD`, `API_TOKEN`: the name of an environment variable, in a value's place.
pub fn is_env_name(text: &str) -> bool {
    text.contains('_')
        && text.as_bytes()[0].is_ascii_uppercase()
        && text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && text.split('_').all(|w| !w.is_empty() && w.bytes().any(|b| b.is_ascii_uppercase()))
}

/// `{name}` or `{0}` somewhere in the value: a format string.
fn has_braced_name(text: &str) -> bool {
    text.split('{').skip(1).any(|after| {
        after.split_once('}').is_some_and(|(inside, _)| {
            !inside.is_empty() && inside.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b' '))
        })
    })
}

/// Words of an assigned name that say its value is not a secret: a public key, a cache key,
/// a file name, an id, a setting about the secret.
const NON_SECRET_WORDS: &[&str] = &[
    "public", "publishable", "pub", "pubkey", "cache", "primary", "foreign", "sort", "partition",
    "idempotency", "sitekey", "fingerprint", "checksum", "hash", "digest", "integrity",
    "length", "len", "size", "policy", "hint", "prompt", "label", "placeholder",
    "pattern", "regex", "format", "type", "mode", "field", "column", "header", "param", "prefix",
    "suffix", "ttl", "timeout", "count", "enabled", "required", "version", "algorithm", "alg",
    "url", "uri", "endpoint", "host", "path", "file", "filename", "dir", "name", "id", "ids",
    "uuid", "guid", "arn", "ref", "key_id", "kid", "min", "max", "rotation", "encoder", "validate",
    "check", "assert", "is", "has", "compare", "mask", "encoding", "method", "scheme",
    "nonexistent", "existent", "sentinel", "missing",
    // A form's anti-forgery token is per session and guards nothing once seen.
    "csrf", "xsrf", "authenticity",
];
/// Words before a bare `key` that say which kind of (non-secret) key it is.
const KEY_KINDS: &[&str] = &[
    "object", "request", "correlation", "trace", "dedup", "dedupe", "unique", "row", "item", "record",
    "lookup", "index", "translation", "i18n", "locale", "message", "msg", "hot", "hotkey", "shortcut",
    "keyboard", "map", "dict", "sort", "group", "state", "metric", "event", "label",
    "lang", "text", "string", "config", "setting", "settings", "feature", "flag", "attr", "attribute",
    "property", "prop", "option", "entity", "node", "column", "table", "bucket", "s3", "redis", "composite",
    "natural", "surrogate", "search", "join", "lock", "queue", "job", "task", "route", "react", "list",
    "ssh", "gpg", "pgp", "host", "known", "schema",
];
/// Word beginnings with the same meaning (`expires`, `expiry`, `reset_url`...).
const NON_SECRET_STEMS: &[&str] = &["expir", "valid", "reset", "confirm", "strength"];

/// Words that make a name a secret's (`RuleSpec::name_words`). `pass` is handled apart: it
/// counts only where a word ends after it (`SMTP_PASS`, not `passenger`).
const SECRET_WORDS: &[&str] = &[
    "credentials", "credential", "password", "passwd", "passphrase", "pwd", "secret", "token",
    "api_key", "apikey", "api-key", "access_key", "accesskey", "access-key", "auth_key", "authkey",
    "auth-key", "private_key", "privatekey", "private-key",
];

/// What may follow the word at the end of a name (`PASSWORD_B64`, `tokenValue`), each joined
/// bare or by `_` or `-`.
const NAME_SUFFIXES: &[&str] = &["key", "value", "str", "string", "b64", "base64", "base"];

/// Whether a generic rule's matched name is a secret's: a secret word at its end (then at most
/// two suffixes), or anywhere in it.
pub fn names_a_secret(name: &[u8], words: NameWords) -> bool {
    let name = name.to_ascii_lowercase();
    match words {
        NameWords::Last => ends_in_secret_word(&name, 2, true),
        NameWords::Anywhere => (0..name.len()).any(|at| {
            let rest = &name[at..];
            SECRET_WORDS.iter().any(|w| rest.starts_with(w.as_bytes()))
                || (rest.starts_with(b"pass") && !rest.get(4).is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_'))
        }),
    }
}

/// `word_ends`: what followed `name` ends a word, so a trailing `pass` counts.
fn ends_in_secret_word(name: &[u8], suffixes: u8, word_ends: bool) -> bool {
    if SECRET_WORDS.iter().any(|w| name.ends_with(w.as_bytes())) || (word_ends && name.ends_with(b"pass")) {
        return true;
    }
    suffixes > 0
        && NAME_SUFFIXES.iter().any(|suffix| {
            let Some(rest) = name.strip_suffix(suffix.as_bytes()) else { return false };
            ends_in_secret_word(rest, suffixes - 1, false)
                || rest.strip_suffix(b"_").is_some_and(|r| ends_in_secret_word(r, suffixes - 1, false))
                || rest.strip_suffix(b"-").is_some_and(|r| ends_in_secret_word(r, suffixes - 1, true))
        })
}

/// Whether the assigned name itself says the value is not a secret (`CACHE_KEY`,
/// `secret_name`, `tokenExpiry`).
pub fn names_a_non_secret(name: &[u8]) -> bool {
    let words = words(&String::from_utf8_lossy(name));
    // Vault's AppRole `secret_id` is the secret half of a login, not an id.
    if words == ["secret", "id"] {
        return false;
    }
    // `password_encryption`, `token_method`: a setting about the secret, named by its last word.
    let setting = words.last().is_some_and(|w| matches!(w.as_str(), "encryption" | "cipher" | "hashing" | "method" | "mode"));
    // A bare `key` is a map's, a store's or a keyboard's as often as a credential's.
    let plain_key = words.last().is_some_and(|w| w == "key") && words.iter().any(|w| KEY_KINDS.contains(&w.as_str()));
    setting || plain_key || words.iter().any(|w| NON_SECRET_WORDS.contains(&w.as_str()) || NON_SECRET_STEMS.iter().any(|s| w.starts_with(s)))
}

/// A name split into lowercase words at separators and camelCase humps.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        let boundary = !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && prev_lower);
        if boundary && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// A name that says the value is the secret itself, not its id.
fn names_the_secret_itself(name: &[u8]) -> bool {
    let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
    let trimmed = lower.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    // Vault's AppRole `secret_id` is the secret half of a login.
    let secret_id = ["secret_id", "secret-id", "secretid"].iter().any(|s| trimmed.ends_with(s));
    let is_id = !secret_id && ["id", "uuid", "guid", "ids"].iter().any(|s| trimmed.ends_with(s));
    // `HEROKU_KEY`, `geocoderKey`: a bare key named after its service (map and store keys
    // are turned away by name, in `names_a_non_secret`).
    let service_key = trimmed.len() > 3 && trimmed.ends_with("key") && !trimmed.ends_with("monkey");
    !is_id && (service_key || ["password", "passwd", "secret", "token", "apikey", "api_key", "api-key"].iter().any(|w| trimmed.contains(w)))
}

/// File paths: absolute ones are lowercase (random base64 that starts with `/` is not).
fn looks_like_path(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let lower = lower.as_str();
    let b = lower.as_bytes();
    let has_upper = text.bytes().any(|c| c.is_ascii_uppercase());
    let word_segments = lower.contains('/')
        && lower.split('/').all(|s| !s.is_empty() && s.bytes().all(|c| c.is_ascii_lowercase() || matches!(c, b'_' | b'-' | b'.')));
    lower.starts_with('/') && !lower[1..].contains(['+', '=']) && !has_upper
        || lower.starts_with("./")
        || lower.starts_with("../")
        || lower.starts_with("~/")
        || (b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\')
        || (lower.contains('/') && has_file_extension(lower))
        || word_segments
}

fn has_file_extension(lower: &str) -> bool {
    lower.rsplit_once('.').is_some_and(|(_, ext)| (2..=4).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_lowercase()))
}

/// `a=1&b=2`: a query string, every part a name and a value.
fn is_query(text: &str) -> bool {
    let key_ok = |k: &str| k.len() >= 2 && k.as_bytes()[0].is_ascii_alphabetic() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    text.contains('&') && text.split('&').all(|part| part.split_once('=').is_some_and(|(k, _)| key_ok(k)))
}

/// `k1,k2,k3`: a list of short words; `bytes,1,opt,name=key,proto3`: a Go struct tag's.
fn is_list(text: &str) -> bool {
    text.matches(',').count() >= 2
        && text.split(',').all(|p| p.len() <= 16 && p.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b' ' | b'=' | b':')))
}

/// `X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key`: an HTTP header's name.
fn is_header_name(text: &str) -> bool {
    text.contains('-')
        && text.split('-').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
        && is_word_identifier(&text.replace('-', "_"))
}

/// `StrictHostKeyChecking=no`: an option and its setting, both words.
fn is_option_setting(text: &str) -> bool {
    text.split_once('=').is_some_and(|(k, v)| is_word_identifier(k) && (is_word_identifier(v) || v.len() <= 5 && v.bytes().all(|b| b.is_ascii_alphanumeric())))
}

fn looks_like_version(text: &str) -> bool {
    let t = text.strip_prefix('v').unwrap_or(text);
    let core = t.split(['-', '+']).next().unwrap_or(t);
    core.split('.').count() >= 2 && core.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// lower_snake, kebab or dotted names: `db_password_1`, `bert-base-uncased`.
fn is_identifier(text: &str) -> bool {
    let separated = text.contains(['_', '-', '.']);
    separated && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.'))
}

/// `'__omit_place_holder__%s' % x`, `"token {}".format(x)`: a template filled at run time.
fn is_format_string(text: &str) -> bool {
    ["%s", "%d", "%r", "%(", "{}", "{0}", "%v", "%q"].iter().any(|m| text.contains(m))
}

/// `CloudFrontOriginAccessIdentityList.NextMarker`, `keystone.models.TokenModel`: a member or
/// module path, every part a word-like identifier.
fn is_member_path(text: &str) -> bool {
    // `Jobs[-1].JobId`: an index is part of the path.
    let mut plain = String::with_capacity(text.len());
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let parts: Vec<&str> = plain.split('.').collect();
    parts.len() >= 2 && parts.iter().all(|p| is_word_identifier(p) || p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') && p.len() >= 2)
}

/// `X-Subject-Token`, `OS-OAUTH1:access_token`, `V1SecretVolumeSource`: code that names a
/// secret (a header, a type, a key name), not a value one would type.
fn names_a_secret_in_code(text: &str, lower: &str) -> bool {
    let code_like = text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b':' | b'/'));
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    code_like && digits <= 2 && ["token", "secret", "password", "passwd", "credential", "apikey", "api_key"].iter().any(|w| lower.contains(w))
}

/// `TooManyDistributionsAssociatedToKeyGroup`, `DescribeDefaultEncryptionConfiguration`:
/// CamelCase or snake_case words. Random mixed case breaks into short runs without vowels.
pub(super) fn is_word_identifier(text: &str) -> bool {
    if !text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') || text.bytes().filter(u8::is_ascii_digit).count() > 2 {
        return false;
    }
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        let boundary = c == '_' || c.is_ascii_digit() || (c.is_ascii_uppercase() && prev_lower);
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if c.is_ascii_alphabetic() {
            current.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase();
    }
    if !current.is_empty() {
        words.push(current);
    }
    // Acronyms (`TLSConfig`) put capitals together; random mixed case does it everywhere.
    let capitals_together = text.as_bytes().windows(2).filter(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase()).count();
    if capitals_together > 3 {
        return false;
    }
    // Most letters sit in words of three or more, and most such words have a vowel
    // (`IsTruncated`, `RouteTableVpcAssociations`).
    let letters: usize = words.iter().map(String::len).sum();
    let long: Vec<&String> = words.iter().filter(|w| w.len() >= 3).collect();
    let in_long: usize = long.iter().map(|w| w.len()).sum();
    let voiced = long.iter().filter(|w| w.bytes().any(|b| b"aeiouy".contains(&b))).count();
    !long.is_empty() && in_long * 10 >= letters * 6 && voiced * 5 >= long.len() * 4
}

pub fn is_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| if matches!(i, 8 | 13 | 18 | 23) { c == b'-' } else { c.is_ascii_hexdigit() })
}

pub fn entropy(bytes: &[u8]) -> f64 {
    f64::from(entropy::shannon_entropy(bytes))
}

/// SHA-256 (hex) of keys published in vendors' documentation as test values: finding them in
/// a repository is expected, and they grant nothing.
const PUBLIC_TEST_KEYS: &[&str] = &[
    // Stripe's documented test secret and publishable keys.
    "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",
    "b1471f544ceeea31333bde7e1ecbaad6eac0d4a749412ad29bd66ef895b81c6b",
    // The jwt.io sample token, with both signatures it has shown.
    "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
    "de115b193a14b7985ace8f681515a39231f48b20ccb2fe726683bd715ccf0a24",
    // Google reCAPTCHA v2 test site key and secret key.
    "26705a09ab22331d02d9aceaab10fa520d046538df6c67931050037d51ab8349",
    "f5e95c9954635b65acab57e6d5ea663eb900f06dc8794a90358f5abb1c77d4e0",
    // The secret key of the example in AWS's early S3 REST authentication documentation.
    "0114c1456f2504384f9111557e6dc0dd99de9fbc6644c6afa8a1bcac8ef391b1",
];

pub fn is_public_test_key(secret: &[u8]) -> bool {
    let digest: String = Sha256::digest(secret).iter().map(|b| format!("{b:02x}")).collect();
    PUBLIC_TEST_KEYS.contains(&digest.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_values_need_a_credential_shape() {
        for ok in ["Xk9#mQ2vLr7w", "UaciPEKmDxBScWTfevWRnYTRpmppLdVz", "django-insecure-+m=8qa-wr0&53a=#olf"] {
            assert!(generic_value_ok(ok.as_bytes(), None), "{ok}");
        }
        for no in [
            "short1", "12345678901", "ReadOnlyAccess", "bert-base-uncased-v2", "/etc/acme/secret.key", "./certs/key.pem",
            "v1.2.3", "k1,k2,k3", "page=1&size=20", "$DB_PASSWORD", "%DB_PASSWORD%", "{password}", "P@ssw0rd123!",
            "prod/db/credentials", "test_Qm8xZ2Fw3k", "https://x.io/token1",
        ] {
            assert!(!generic_value_ok(no.as_bytes(), None), "{no}");
        }
    }

    #[test]
    fn names_can_say_the_value_is_not_a_secret() {
        for name in ["CACHE_KEY", "secret_name", "tokenExpiry", "public_key", "password_min_length", "client_secret_id"] {
            assert!(names_a_non_secret(name.as_bytes()), "{name}");
        }
        for name in ["DB_PASSWORD", "accountPassword", "securityToken", "NONCE_SALT", "api_key"] {
            assert!(!names_a_non_secret(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn lock_files_minified_assets_and_lookups_are_recognised() {
        assert!(skips_generic("web/package-lock.json") && skips_generic("Cargo.lock") && skips_generic("dist/app.min.js"));
        assert!(!skips_generic("src/config.json"));
        assert!(is_lookup(b"password = os.environ.get(") && is_lookup(b"token: ${{ secrets."));
        assert!(says_fake(b"token = 'ghp_x'  # fake") && !says_fake(b"token = 'ghp_x'"));
        assert!(is_uuid("3f2b8c4e-9a1d-4e6f-b7c2-5d8e1f0a9b3c") && !is_uuid("3f2b8c4e9a1d4e6fb7c25d8e1f0a9b3c"));
    }

    #[test]
    fn code_that_names_a_secret_is_not_one() {
        for code in [
            "CloudFrontOriginAccessIdentityList.NextMarker",
            "TooManyDistributionsAssociatedToKeyGroup",
            "DescribeDefaultEncryptionConfiguration",
            "X-Subject-Token",
            "OS-OAUTH1:access_token",
            "V1SecretVolumeSource",
            "CLIENT_TRAFFIC_SECRET_0",
            "__omit_place_holder__%s",
            "keystone.models.token_model.TokenModel",
            "Jobs[-1].JobId",
            "CloudFrontOriginAccessIdentityList.IsTruncated",
            "LocalGatewayRouteTableVpcAssociations",
            "X-Amz-Server-Side-Encryption-Customer-Key",
            "StrictHostKeyChecking=no",
            "bytes,1,opt,name=key,proto3",
        ] {
            assert!(!generic_value_ok(code.as_bytes(), None), "{code}");
        }
        for secret in ["Qm7Lx2Wv9Rt4Zp8Kc3Nh6Bd1", "kQzPwRtYuIoPaSdFgHjKlZxCvB", "gHtOpzmTPf8ls3pX_ILq", "bf236db91b50b1182ee3e16f68d55da51f14bf74"] {
            assert!(generic_value_ok(secret.as_bytes(), None), "{secret}");
        }
    }
}
