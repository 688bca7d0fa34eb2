//! What the line around a value says: a lookup of a secret kept elsewhere, an anonymous login,
//! a word that marks the value as a stand-in.

use crate::engine::words::{FAKE_MARKERS, LOOKUPS};

/// A line this long is minified or generated; generic rules skip it.
pub const MAX_GENERIC_LINE: usize = 4096;

/// Whether the value is read from elsewhere, judged by the text before it on its line. A lookup
/// with a literal fallback (`env('X', 'literal')`, `process.env.X || 'literal'`,
/// `${X:-literal}`) still commits the literal, so it counts as a value.
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

/// Whether the line marks its token as a stand-in (`# fake`). Only consulted for a token whose
/// checksum fails: a token with a valid checksum is reported whatever the line says.
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
