//! Whether the name a value is assigned to is a secret's (`DB_PASSWORD`), a password's, or says
//! the value is not a secret (`CACHE_KEY`, `tokenExpiry`).

use crate::engine::words::{
    ID_SUFFIXES, ITSELF_WORDS, KEY_KINDS, NAME_QUALIFIERS, NAME_SUFFIXES, NON_SECRET_STEMS, NON_SECRET_WORDS, PASSWORD_NAMES,
    SECRET_WORDS, SETTING_WORDS,
};
use crate::rules::NameWords;

/// Whether a generic rule's matched name is a secret's: a secret word at its end (then at most
/// two suffixes), or anywhere in it. `pass` counts only where a word ends after it
/// (`SMTP_PASS`, not `passenger`).
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

/// A name that says its value is a password (`DB_PASSWORD`, `smtppass`, `ansible_ssh_pass`,
/// `db_password_prod`), judged by its last word: `password_encryption` is a setting.
pub fn names_a_password(name: &[u8]) -> bool {
    let words = split_name(&String::from_utf8_lossy(name));
    let last = words.iter().rev().find(|w| !NAME_QUALIFIERS.contains(&w.as_str()) && !w.bytes().all(|b| b.is_ascii_digit()));
    last.is_some_and(|w| PASSWORD_NAMES.contains(&w.as_str()) || w.ends_with("pass") || w.ends_with("password"))
}

/// Whether the assigned name itself says the value is not a secret (`CACHE_KEY`,
/// `secret_name`, `tokenExpiry`).
pub fn names_a_non_secret(name: &[u8]) -> bool {
    let words = split_name(&String::from_utf8_lossy(name));
    // Vault's AppRole `secret_id` is the secret half of a login, not an id.
    if words == ["secret", "id"] {
        return false;
    }
    // `password_encryption`, `token_method`: a setting about the secret, named by its last word.
    let setting = words.last().is_some_and(|w| SETTING_WORDS.contains(&w.as_str()));
    // A bare `key` is a map's, a store's or a keyboard's as often as a credential's.
    let plain_key = words.last().is_some_and(|w| w == "key") && words.iter().any(|w| KEY_KINDS.contains(&w.as_str()));
    setting || plain_key || words.iter().any(|w| NON_SECRET_WORDS.contains(&w.as_str()) || NON_SECRET_STEMS.iter().any(|s| w.starts_with(s)))
}

/// A name split into lowercase words at separators and camelCase humps.
fn split_name(name: &str) -> Vec<String> {
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
pub(super) fn names_the_secret_itself(name: &[u8]) -> bool {
    let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
    let trimmed = lower.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    // Vault's AppRole `secret_id` is the secret half of a login.
    let secret_id = ["secret_id", "secret-id", "secretid"].iter().any(|s| trimmed.ends_with(s));
    let is_id = !secret_id && ID_SUFFIXES.iter().any(|s| trimmed.ends_with(s));
    // `HEROKU_KEY`, `geocoderKey`: a bare key named after its service (map and store keys
    // are turned away by name, in `names_a_non_secret`).
    let service_key = trimmed.len() > 3 && trimmed.ends_with("key") && !trimmed.ends_with("monkey");
    !is_id && (service_key || ITSELF_WORDS.iter().any(|w| trimmed.contains(w)))
}
