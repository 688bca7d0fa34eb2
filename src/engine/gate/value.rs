//! Whether a value caught by a generic or password rule looks like a credential: the two
//! verdicts, built from the shapes, references and names beside this file.

use super::known::is_encrypted;
use super::names::names_the_secret_itself;
use super::reference::is_reference;
use super::shape::{
    is_camel_case_name, is_elided, is_format_string, is_header_name, is_identifier, is_list, is_member_path, is_option_setting,
    is_query, is_uuid, is_word_identifier, looks_like_path, looks_like_version, names_a_secret_in_code,
};
use crate::engine::words::{FIXTURE_PREFIXES, INSTRUCTIONS, PASSWORD_SELF_WORDS, STAND_IN_STEMS, WEAK_DEFAULTS};

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
    let fixture = FIXTURE_PREFIXES.iter().any(|p| lower.strip_prefix(p).is_some_and(|rest| rest.starts_with(['_', '-', '.'])));
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
    if INSTRUCTIONS.iter().any(|w| lower.contains(w)) {
        return false;
    }
    // `on_create`, `read_only`: an option's name, snake_case without a digit.
    if text.contains('_') && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return false;
    }
    // A value that names the secret again is a variable or a key name: `passwordEncoder`,
    // `db-password-secret`, `smtp.password`.
    let names_itself = PASSWORD_SELF_WORDS.iter().any(|w| lower.contains(w));
    let code_like = text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    // `aaaaaaaa`, `abababab`: a filler, not a choice.
    !(names_itself && code_like) && entropy(value) >= 2.0
}

/// How many of lower case, upper case, digits and other characters `value` mixes.
pub fn char_classes(value: &[u8]) -> u8 {
    let has = |f: fn(&u8) -> bool| u8::from(value.iter().any(f));
    has(u8::is_ascii_lowercase) + has(u8::is_ascii_uppercase) + has(u8::is_ascii_digit) + has(|b| !b.is_ascii_alphanumeric())
}

pub fn entropy(bytes: &[u8]) -> f64 {
    f64::from(entropy::shannon_entropy(bytes))
}
