//! A chunk is one piece of input for the engine: a path, its bytes, where its lines start, and
//! which lines count (a staged diff counts only the lines it adds).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

/// Where a chunk came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    /// A file on disk (or stdin).
    File,
    /// The blob git is about to commit (the index the hook was given).
    Staged,
    /// A blob in a commit: history scans and pushed commits.
    Commit(Arc<CommitInfo>),
}

/// The commit a history or push finding is attributed to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommitInfo {
    /// Full hex id.
    pub id: String,
    pub author: String,
    pub email: String,
    /// Author date, ISO 8601 with offset.
    pub date: String,
    /// First line of the message.
    pub summary: String,
    /// The whole message, for scanning; reports show only `summary`.
    pub message: String,
    /// Position in the oldest-first walk (parents before children); `merge` keeps the earliest
    /// introduction of a secret across shards with it.
    pub seq: u32,
}

#[derive(Debug)]
pub struct Chunk<'a> {
    /// Path with `/` separators, relative to the repository root or as the user gave it.
    pub path: String,
    pub bytes: Cow<'a, [u8]>,
    pub provenance: Provenance,
    /// 1-based line ranges that count; `None` means every line.
    pub scope: Option<Vec<Range<u32>>>,
    /// Set when the bytes were transcoded (UTF-16) before scanning.
    pub decoded_from: Option<&'static str>,
    line_starts: Vec<usize>,
}

impl<'a> Chunk<'a> {
    pub fn new(path: String, bytes: Cow<'a, [u8]>, provenance: Provenance) -> Chunk<'a> {
        let (bytes, decoded_from) = match decode_utf16(&bytes) {
            Some(text) => (Cow::Owned(text.into_bytes()), Some("UTF-16")),
            None => (bytes, None),
        };
        let line_starts = line_starts(&bytes);
        Chunk { path, bytes, provenance, scope: None, decoded_from, line_starts }
    }

    /// Keeps only matches that touch these 1-based line ranges.
    pub fn with_scope(mut self, scope: Vec<Range<u32>>) -> Self {
        self.scope = Some(scope);
        self
    }

    /// 0-based index of the line holding byte `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte range of line `index` (0-based), without its line ending.
    pub fn line_span(&self, index: usize) -> Range<usize> {
        let start = self.line_starts[index];
        let mut end = self.line_starts.get(index + 1).map_or(self.bytes.len(), |&next| next - 1);
        if end > start && self.bytes[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    /// 1-based line and column (in characters) of byte `offset`.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let index = self.line_index(offset);
        let start = self.line_starts[index];
        let col = String::from_utf8_lossy(&self.bytes[start..offset]).chars().count() + 1;
        (index as u32 + 1, col as u32)
    }

    /// Whether any line from `first` to `last` (1-based, inclusive) is in scope.
    pub fn in_scope(&self, first: u32, last: u32) -> bool {
        match &self.scope {
            None => true,
            Some(ranges) => ranges.iter().any(|r| r.start <= last && first < r.end),
        }
    }
}

fn line_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(bytes.len() / 40 + 1);
    starts.push(0);
    starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
    starts
}

/// Git's test: a NUL byte in the first 8000 bytes means binary. UTF-16 text is decoded first,
/// so it is not taken for binary.
pub fn is_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    bytes[..bytes.len().min(8000)].contains(&0)
}

/// UTF-16 with a byte-order mark, decoded to UTF-8 (lossily).
fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units = bytes[2..].chunks_exact(2).map(|p| {
        let pair = [p[0], p[1]];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    Some(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(text: &str) -> Chunk<'_> {
        Chunk::new("a".into(), Cow::Borrowed(text.as_bytes()), Provenance::File)
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let c = chunk("ab\r\nçd x\nlast");
        assert_eq!(c.position(0), (1, 1));
        assert_eq!(c.position(4), (2, 1));
        // `ç` is two bytes but one column.
        assert_eq!(c.position(8), (2, 4));
        assert_eq!(c.position(10), (3, 1));
        assert_eq!(&c.bytes[c.line_span(0)], b"ab");
        assert_eq!(&c.bytes[c.line_span(2)], b"last");
    }

    #[test]
    fn utf16_is_decoded_not_skipped() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "key=abc\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        assert!(!is_binary(&bytes));
        let c = Chunk::new("a".into(), Cow::Owned(bytes), Provenance::File);
        assert_eq!(&*c.bytes, b"key=abc\n");
        assert_eq!(c.decoded_from, Some("UTF-16"));
    }

    #[test]
    fn scope_keeps_touching_lines() {
        let c = chunk("a\nb\nc\n").with_scope(vec![2..3]);
        assert!(c.in_scope(2, 2));
        assert!(c.in_scope(1, 3));
        assert!(!c.in_scope(1, 1));
        assert!(!c.in_scope(3, 3));
    }
}
