//! Matches (what the engine saw) and findings (what survives the filters and gets reported).

use std::ops::Range;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::chunk::Provenance;
use crate::rules::{Kind, Severity};

/// Where a finding is, 1-based; columns count characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// One occurrence of a rule's match in a chunk.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule_id: String,
    pub description: String,
    pub kind: Kind,
    pub severity: Severity,
    pub location: Location,
    pub provenance: Provenance,
    /// The secret in clear; reports redact it unless asked not to.
    pub secret: String,
    /// The rule's whole match (the secret and its context), for allowlists on the match.
    pub match_text: String,
    /// The whole line holding the start of the secret, as in the file: filters read it (an
    /// allow comment anywhere on a long line counts). Reports show it cut around the secret
    /// (`render_line`). The findings of one line share it.
    pub line_text: Arc<str>,
    /// The line before it (cut when very long; empty on the first line), for comments that
    /// allow the next line (`pragma: allowlist nextline secret`).
    pub line_above: String,
    /// Byte ranges in `line_text` of the secrets found near this one (all those a rendered line
    /// can show), this one included, in order, so a redacted line never shows a neighbour's.
    pub masks: Vec<(usize, usize)>,
    /// The entry of `masks` that is this finding's own secret.
    pub own_mask: (usize, usize),
    /// Set when the secret was found in decoded text ("UTF-16").
    pub decoded_from: Option<&'static str>,
    /// How sure the rule is; `None` for smells.
    pub confidence: Option<Confidence>,
    /// What part of its file the secret sits in, by the file's own text.
    pub region: Region,
}

/// A part of a file that says what its text is for, whatever the file's path says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Plain,
    /// Inside a triple-quoted string that opens a line: a Python docstring.
    Docstring,
    /// After a line `#[cfg(test)]`: a Rust test module.
    TestModule,
}

/// How sure a rule is that what it found is a live credential (`policy` decides what each
/// level does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidence {
    /// A name and a value that look like a secret (generic rules, passwords, password hashes).
    Low,
    /// A provider's documented format (a prefix, a length, a structure).
    Medium,
    /// A provider format whose checksum verifies.
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl Finding {
    /// The commit the finding was introduced in, for history findings.
    pub fn commit(&self) -> Option<&str> {
        match &self.provenance {
            Provenance::File | Provenance::Staged => None,
            Provenance::Commit(info) => Some(&info.id),
        }
    }

    /// The order reports list findings in: by place, then rule, then the commit that introduced
    /// it (a secret replaced by another on the same line is found at each commit), so the order
    /// never depends on which thread found what first.
    pub fn report_order(&self, other: &Finding) -> std::cmp::Ordering {
        let seq = |f: &Finding| match &f.provenance {
            Provenance::Commit(info) => Some(info.seq),
            Provenance::File | Provenance::Staged => None,
        };
        self.location.cmp(&other.location).then_with(|| self.rule_id.cmp(&other.rule_id)).then_with(|| seq(self).cmp(&seq(other)))
    }

    /// A file rule's finding: about the file as a whole, with no line or secret.
    pub fn is_about_file(&self) -> bool {
        self.secret.is_empty() && self.line_text.is_empty()
    }

    pub fn blocks(&self) -> bool {
        self.severity == Severity::Block
    }

    /// Stable id of (rule, secret) under `key`: the same secret keeps it when its line moves.
    pub fn fingerprint(&self, key: &FingerprintKey) -> String {
        fingerprint(key, &self.rule_id, &self.secret)
    }

    /// The line as a report shows it (cut around the secret when longer than
    /// `MAX_LINE_TEXT`, every secret it shows masked when `redact`), and the byte range of this
    /// finding's secret in that text.
    pub fn render_line(&self, redact_secrets: bool) -> (String, Range<usize>) {
        let line = &*self.line_text;
        let shown = shown_part(line, self.own_mask);
        let mut out = String::with_capacity(shown.len());
        let mut own = 0..0;
        let mut at = shown.start;
        for &mask in &self.masks {
            let (start, end) = (mask.0.max(shown.start), mask.1.min(shown.end));
            if start < at || start >= end {
                continue;
            }
            out.push_str(&line[at..start]);
            let begin = out.len();
            let text = &line[start..end];
            if redact_secrets {
                out.push_str(&redact(text));
            } else {
                out.push_str(text);
            }
            if mask == self.own_mask {
                own = begin..out.len();
            }
            at = end;
        }
        out.push_str(&line[at..shown.end]);
        (out, own)
    }
}

/// Lines longer than this are shown cut around the secret, with this much context each side.
pub const MAX_LINE_TEXT: usize = 1000;
pub const LINE_CONTEXT: usize = 200;

/// The part of `line` a report shows: all of it, or the secret at `own` with `LINE_CONTEXT`
/// bytes each side, cut on character boundaries.
pub fn shown_part(line: &str, own: (usize, usize)) -> Range<usize> {
    if line.len() <= MAX_LINE_TEXT {
        return 0..line.len();
    }
    let floor = |mut i: usize| {
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(own.0.saturating_sub(LINE_CONTEXT).min(line.len()));
    let end = floor((own.1 + LINE_CONTEXT).min(line.len())).max(own.1.min(line.len())).max(start);
    start..end
}

/// The key of report fingerprints. It stays with the repository (or the CI secret store), never
/// in a report, so whoever holds only a report cannot test a guess against a fingerprint.
#[derive(Clone)]
pub struct FingerprintKey(Vec<u8>);

impl FingerprintKey {
    pub fn new(bytes: impl Into<Vec<u8>>) -> FingerprintKey {
        FingerprintKey(bytes.into())
    }
}

impl std::fmt::Debug for FingerprintKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FingerprintKey(..)")
    }
}

/// HMAC-SHA256 of (rule, secret) under `key`, 16 bytes in hex. Never holds the secret.
pub fn fingerprint(key: &FingerprintKey, rule_id: &str, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key.0).expect("HMAC takes a key of any length");
    mac.update(b"leakguard-fingerprint-v2\0");
    mac.update(rule_id.as_bytes());
    mac.update(b"\0");
    mac.update(secret.as_bytes());
    mac.finalize().into_bytes()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// HMAC-SHA256 of one place a secret sits, under `key`: the rule, the secret, the file (from
/// the repository root) and which occurrence of that secret in that file it is (0 for the
/// first). Three copies of a secret in a file get three ids; an edit elsewhere in the file
/// moves lines but changes none of them. 16 bytes in hex, never the secret.
pub fn location_fingerprint(key: &FingerprintKey, rule_id: &str, secret: &str, path: &str, occurrence: usize) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key.0).expect("HMAC takes a key of any length");
    mac.update(b"leakguard-location-v3\0");
    for part in [rule_id.as_bytes(), secret.as_bytes(), path.as_bytes()] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.update(&(occurrence as u64).to_be_bytes());
    mac.finalize().into_bytes()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Keeps a short prefix (at most a fifth of the secret, at most 4 characters) and hides the
/// rest behind a fixed mask, so neither the secret nor its length shows.
pub fn redact(secret: &str) -> String {
    if secret.is_empty() {
        return String::new(); // a file rule's finding names no secret
    }
    let n = secret.chars().count();
    let keep = (n / 5).min(4);
    let prefix: String = secret.chars().take(keep).collect();
    format!("{prefix}******")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_all_but_a_short_prefix() {
        assert_eq!(redact("ghp_abcdefghijklmnopqrstuvwxyz0123456789"), "ghp_******");
        assert_eq!(redact("hunter2!"), "h******");
        assert_eq!(redact("abc"), "******");
    }

    #[test]
    fn fingerprint_depends_on_key_rule_and_secret() {
        let key = FingerprintKey::new(*b"k1");
        let a = fingerprint(&key, "r", "s3cr3t");
        assert_eq!(a.len(), 32);
        assert_eq!(a, fingerprint(&key, "r", "s3cr3t"));
        assert_ne!(a, fingerprint(&key, "r2", "s3cr3t"));
        assert_ne!(a, fingerprint(&key, "r", "s3cr3t2"));
        assert_ne!(a, fingerprint(&FingerprintKey::new(*b"k2"), "r", "s3cr3t"));
        assert!(!a.contains("s3cr3t"));
    }

    #[test]
    fn location_fingerprint_tells_places_apart() {
        let key = FingerprintKey::new(*b"k1");
        let first = location_fingerprint(&key, "r", "s", "a.py", 0);
        assert_eq!(first, location_fingerprint(&key, "r", "s", "a.py", 0));
        assert_ne!(first, location_fingerprint(&key, "r", "s", "a.py", 1));
        assert_ne!(first, location_fingerprint(&key, "r", "s", "b.py", 0));
        // Length-prefixed parts: moving a byte from one part to the next changes the id.
        assert_ne!(location_fingerprint(&key, "r", "sa", "b", 0), location_fingerprint(&key, "r", "s", "ab", 0));
        assert_ne!(first, fingerprint(&key, "r", "s"));
    }
}
