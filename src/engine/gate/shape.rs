//! Shapes of values that are code or data, not credentials: paths, versions, lists, query
//! strings, header names, member paths, format strings and word-like identifiers.

use crate::engine::words::CODE_SECRET_WORDS;

/// File paths: absolute ones are lowercase (random base64 that starts with `/` is not).
pub(super) fn looks_like_path(text: &str) -> bool {
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

pub(super) fn looks_like_version(text: &str) -> bool {
    let t = text.strip_prefix('v').unwrap_or(text);
    let core = t.split(['-', '+']).next().unwrap_or(t);
    core.split('.').count() >= 2 && core.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `a=1&b=2`: a query string, every part a name and a value.
pub(super) fn is_query(text: &str) -> bool {
    let key_ok = |k: &str| k.len() >= 2 && k.as_bytes()[0].is_ascii_alphabetic() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    text.contains('&') && text.split('&').all(|part| part.split_once('=').is_some_and(|(k, _)| key_ok(k)))
}

/// `k1,k2,k3`: a list of short words; `bytes,1,opt,name=key,proto3`: a Go struct tag's.
pub(super) fn is_list(text: &str) -> bool {
    text.matches(',').count() >= 2
        && text.split(',').all(|p| p.len() <= 16 && p.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b' ' | b'=' | b':')))
}

/// `X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key`: an HTTP header's name.
pub(super) fn is_header_name(text: &str) -> bool {
    text.contains('-')
        && text.split('-').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
        && is_word_identifier(&text.replace('-', "_"))
}

/// `StrictHostKeyChecking=no`: an option and its setting, both words.
pub(super) fn is_option_setting(text: &str) -> bool {
    text.split_once('=').is_some_and(|(k, v)| is_word_identifier(k) && (is_word_identifier(v) || v.len() <= 5 && v.bytes().all(|b| b.is_ascii_alphanumeric())))
}

/// lower_snake, kebab or dotted names: `db_password_1`, `bert-base-uncased`.
pub(super) fn is_identifier(text: &str) -> bool {
    let separated = text.contains(['_', '-', '.']);
    separated && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.'))
}

/// `'__omit_place_holder__%s' % x`, `"token {}".format(x)`: a template filled at run time.
pub(super) fn is_format_string(text: &str) -> bool {
    ["%s", "%d", "%r", "%(", "{}", "{0}", "%v", "%q"].iter().any(|m| text.contains(m))
}

/// `sk_live_4eC39...`, `AKIA…`: a value cut short in documentation.
pub(super) fn is_elided(text: &str) -> bool {
    text.ends_with("...") || text.ends_with('…')
}

/// `CloudFrontOriginAccessIdentityList.NextMarker`, `keystone.models.TokenModel`,
/// `$serde_json::private::Number`: a member or module path (Rust's and C++'s `::` too, and a
/// `$` before one, as serde marks its private names), every part a word-like identifier.
pub(super) fn is_member_path(text: &str) -> bool {
    let text = match text.strip_prefix('$') {
        Some(rest) if rest.contains("::") => rest,
        _ => text,
    };
    // `Jobs[-1].JobId`: an index is part of the path.
    let mut plain = String::with_capacity(text.len());
    let mut depth = 0;
    for c in text.replace("::", ".").chars() {
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
pub(super) fn names_a_secret_in_code(text: &str, lower: &str) -> bool {
    let code_like = text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b':' | b'/'));
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    code_like && digits <= 2 && CODE_SECRET_WORDS.iter().any(|w| lower.contains(w))
}

/// `overEvery`, `maxRetries`: a camelCase name from code, not a password someone chose.
pub(super) fn is_camel_case_name(text: &str) -> bool {
    let b = text.as_bytes();
    b[0].is_ascii_lowercase()
        && b.iter().all(u8::is_ascii_alphabetic)
        && b.windows(2).any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        && is_word_identifier(text)
}

/// `TooManyDistributionsAssociatedToKeyGroup`, `DescribeDefaultEncryptionConfiguration`:
/// CamelCase or snake_case words. Random mixed case breaks into short runs without vowels.
pub fn is_word_identifier(text: &str) -> bool {
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

pub(super) fn is_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| if matches!(i, 8 | 13 | 18 | 23) { c == b'-' } else { c.is_ascii_hexdigit() })
}
