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

/// How many leading bytes the encoding and binary checks look at (git looks at as many).
const SAMPLE: usize = 8000;

/// Whether `bytes` are binary: skipped by the text rules, and counted. git calls a file binary
/// when its first 8000 bytes hold a NUL; so do we, unless those bytes read as UTF-16 (with or
/// without a byte-order mark) or as text with a few stray control bytes: one NUL at the top of
/// a file must not hide the token below it.
pub fn is_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(SAMPLE)];
    if memchr::memchr(0, sample).is_none() {
        return false;
    }
    // Random bytes hold about 11% control bytes, text almost none (UTF-16 aside).
    let limit = sample.len() / 32;
    let mostly_control = sample.iter().filter(|&&b| is_control(b)).take(limit + 1).count() > limit;
    mostly_control && utf16_layout(bytes).is_none()
}

/// A byte that no text file holds (tab, line endings, form feed and escape are text).
fn is_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f
}

/// The bytes as the engine reads them: UTF-16 decoded to UTF-8, anything else as it is.
/// Sources diff these, so added lines are counted in the text that is scanned.
pub fn decoded(bytes: &[u8]) -> Cow<'_, [u8]> {
    match decode_utf16(bytes) {
        Some(text) => Cow::Owned(text.into_bytes()),
        None => Cow::Borrowed(bytes),
    }
}

/// UTF-16 (little-endian when `true`) and the length of its byte-order mark.
fn utf16_layout(bytes: &[u8]) -> Option<(bool, usize)> {
    match bytes {
        [0xFF, 0xFE, ..] => Some((true, 2)),
        [0xFE, 0xFF, ..] => Some((false, 2)),
        _ => utf16_without_bom(&bytes[..bytes.len().min(SAMPLE)]).map(|little| (little, 0)),
    }
}

/// UTF-16 with no byte-order mark, told by its NUL pattern: in mostly-ASCII text every other
/// byte is NUL (the odd ones in little-endian, the even ones in big-endian). What decodes must
/// be text (98% of it), not the small integers of a binary format.
fn utf16_without_bom(sample: &[u8]) -> Option<bool> {
    let units = sample.len() / 2;
    if units < 2 || memchr::memchr(0, sample).is_none() {
        return None;
    }
    let (mut low_zero, mut high_zero) = (0, 0);
    for pair in sample.chunks_exact(2) {
        low_zero += usize::from(pair[0] == 0 && pair[1] != 0);
        high_zero += usize::from(pair[1] == 0 && pair[0] != 0);
    }
    let little = high_zero >= low_zero;
    if high_zero.max(low_zero) * 4 < units {
        return None;
    }
    let decoded = char::decode_utf16(units_of(sample, little));
    let odd = decoded.filter(|c| c.as_ref().map_or(true, |&c| !is_text_char(c))).count();
    (odd * 50 <= units).then_some(little)
}

fn is_text_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\x0c' | '\x1b' | ' '..='~') || (c >= '\u{a0}' && c != '\u{fffe}' && c != '\u{ffff}')
}

fn units_of(bytes: &[u8], little: bool) -> impl Iterator<Item = u16> + '_ {
    bytes.chunks_exact(2).map(move |p| if little { u16::from_le_bytes([p[0], p[1]]) } else { u16::from_be_bytes([p[0], p[1]]) })
}

/// UTF-16 (see `utf16_layout`), decoded to UTF-8 (lossily).
fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let (little, bom) = utf16_layout(bytes)?;
    Some(char::decode_utf16(units_of(&bytes[bom..], little)).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect())
}

/// Files larger than this are skipped (and counted) rather than read whole.
pub const MAX_FILE_SIZE: u64 = 32 * 1024 * 1024;

/// A path as reports show it: `/` separators, no leading `./`.
pub fn display_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    let text = if std::path::MAIN_SEPARATOR == '\\' { text.replace('\\', "/") } else { text.into_owned() };
    match text.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => text,
    }
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

    fn utf16(text: &str, little: bool) -> Vec<u8> {
        text.encode_utf16().flat_map(|u| if little { u.to_le_bytes() } else { u.to_be_bytes() }).collect()
    }

    #[test]
    fn utf16_without_a_bom_is_told_by_its_nul_pattern() {
        for little in [true, false] {
            let bytes = utf16("[auth]\r\nkey = abc déjà\r\n", little);
            assert!(!is_binary(&bytes));
            let c = Chunk::new("a".into(), Cow::Owned(bytes), Provenance::File);
            assert_eq!(&*c.bytes, "[auth]\r\nkey = abc déjà\r\n".as_bytes(), "little-endian: {little}");
            assert_eq!(c.decoded_from, Some("UTF-16"));
        }
        // Small little-endian integers are not text.
        let ints: Vec<u8> = (1u16..200).flat_map(|i| (i % 31).to_le_bytes()).collect();
        assert!(is_binary(&ints));
        assert_eq!(Chunk::new("a".into(), Cow::Borrowed(&ints[..]), Provenance::File).decoded_from, None);
    }

    #[test]
    fn a_stray_nul_does_not_make_text_binary() {
        let text = b"\0\nname = demo\nkey = value\nmore text on a third line\n";
        assert!(!is_binary(text));
        let mut blob = vec![0u8, 1, 2, 3, 4, 5, 6, 7];
        blob.extend(b"key = value\n");
        assert!(is_binary(&blob));
        let random: Vec<u8> = (0u32..4000).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        assert!(is_binary(&random));
        assert!(!is_binary(b"plain text, no NUL at all\n"));
    }

    #[test]
    fn decoded_matches_what_a_chunk_holds() {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(utf16("a\nb\n", false));
        assert_eq!(&*decoded(&bytes), b"a\nb\n");
        assert_eq!(&*decoded(b"plain"), b"plain");
    }

    #[test]
    fn scope_keeps_touching_lines() {
        let c = chunk("a\nb\nc\n").with_scope(std::iter::once(2..3).collect());
        assert!(c.in_scope(2, 2));
        assert!(c.in_scope(1, 3));
        assert!(!c.in_scope(1, 1));
        assert!(!c.in_scope(3, 3));
    }
}

