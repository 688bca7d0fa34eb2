//! Encoded values worth a second look: base64 and percent-encoded runs on lines the prefilter
//! flagged, decoded once (never recursively) so the rules can run on what they hide.

use std::ops::Range;

/// Shortest base64 run worth decoding: 12 bytes of text.
const MIN_BASE64: usize = 16;
/// Longest: a PEM key or a service-account JSON, base64'd.
const MAX_BASE64: usize = 16 * 1024;
/// Decoded text must be this printable (per mille) to be worth scanning.
const MIN_PRINTABLE_PER_MILLE: usize = 950;

/// One encoded run: where it is in the line, its decoded text, and how it was encoded.
pub struct Decoded {
    pub range: Range<usize>,
    pub text: Vec<u8>,
    pub encoding: &'static str,
}

/// The encoded runs in `line` (offsets relative to it) that decode to printable text.
pub fn candidates(line: &[u8]) -> Vec<Decoded> {
    let mut out = Vec::new();
    for run in runs(line, is_base64_byte) {
        let token = &line[run.clone()];
        if token.len() < MIN_BASE64 || token.len() > MAX_BASE64 || !looks_encoded(token) {
            continue;
        }
        if let Some(text) = base64(token).filter(|t| printable(t)) {
            out.push(Decoded { range: run, text, encoding: "base64-decoded" });
        }
    }
    // Most lines hold no escape at all: not worth splitting into tokens.
    if !two_percent_signs(line) {
        return out;
    }
    for run in runs(line, |b| !b.is_ascii_whitespace() && !b"\"'<>,;`".contains(&b)) {
        let token = &line[run.clone()];
        if let Some(text) = percent(token).filter(|t| printable(t)) {
            out.push(Decoded { range: run, text, encoding: "percent-decoded" });
        }
    }
    out
}

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'=')
}

/// Maximal runs of bytes that satisfy `keep`.
fn runs(line: &[u8], keep: impl Fn(u8) -> bool) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &b) in line.iter().enumerate() {
        match (keep(b), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..line.len());
    }
    out
}

/// Base64 of text has both cases and no `=` except at the end; identifiers and words rarely
/// have a length that is a multiple of 4 together with a digit or `+`/`/`.
fn looks_encoded(token: &[u8]) -> bool {
    let body = token.strip_suffix(b"==").or_else(|| token.strip_suffix(b"=")).unwrap_or(token);
    let upper = body.iter().any(u8::is_ascii_uppercase);
    let lower = body.iter().any(u8::is_ascii_lowercase);
    let other = body.iter().any(|b| b.is_ascii_digit() || matches!(b, b'+' | b'/'));
    upper && lower && other && !body.contains(&b'=')
}

/// Standard or URL-safe base64, padding optional. `None` when it is not base64.
pub fn base64(token: &[u8]) -> Option<Vec<u8>> {
    let body = token.strip_suffix(b"==").or_else(|| token.strip_suffix(b"=")).unwrap_or(token);
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &b in body {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `%XX` sequences decoded; `None` unless the token holds at least two of them.
pub fn percent(token: &[u8]) -> Option<Vec<u8>> {
    if !two_percent_signs(token) {
        return None;
    }
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(token.len());
    let mut escapes = 0;
    let mut i = 0;
    while i < token.len() {
        match (token[i], token.get(i + 1).and_then(|&b| hex(b)), token.get(i + 2).and_then(|&b| hex(b))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                escapes += 1;
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    (escapes >= 2).then_some(out)
}

/// Fewer than two `%` cannot hold the two escapes `percent` needs.
fn two_percent_signs(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'%', bytes).nth(1).is_some()
}

/// Valid UTF-8, and nearly all of it printable (newlines and tabs count: a PEM key has them).
fn printable(text: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(text) else { return false };
    let total = text.chars().count();
    let good = text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t')).count();
    total >= 8 && good * 1000 >= total * MIN_PRINTABLE_PER_MILLE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_both_alphabets() {
        assert_eq!(base64(b"aGVsbG8gd29ybGQ=").as_deref(), Some(&b"hello world"[..]));
        assert_eq!(base64(b"aGVsbG8gd29ybGQ").as_deref(), Some(&b"hello world"[..]));
        assert_eq!(base64(b"-_-_").map(|v| v.len()), Some(3));
        assert_eq!(base64(b"abc!"), None);
    }

    #[test]
    fn percent_needs_two_escapes() {
        assert_eq!(percent(b"a%3Ab%40c").as_deref(), Some(&b"a:b@c"[..]));
        assert_eq!(percent(b"100%"), None);
    }

    #[test]
    fn only_printable_encoded_runs_are_candidates() {
        let line = b"auth: \"ZGVwbG95OlM5dkxxMnJUOHdaNG1Y\" id: ReadOnlyAccessPolicyName1";
        let found = candidates(line);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, b"deploy:S9vLq2rT8wZ4mX");
        assert_eq!(&line[found[0].range.clone()], b"ZGVwbG95OlM5dkxxMnJUOHdaNG1Y");
        assert!(candidates(b"sha = Qm9ndXNLZXlNYXRlcmlhbA9x8+/z").iter().all(|d| printable(&d.text)));
    }
}
