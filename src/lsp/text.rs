//! Positions in an editor buffer. LSP counts columns in UTF-16 code units; findings count them
//! in characters (1-based), so every position crosses here. Also: full and ranged changes, and
//! `file:` URIs to paths.

use std::path::PathBuf;

use lsp_types::{Position, TextDocumentContentChangeEvent};

/// The buffer's lines, as the engine splits them (on `\n`; a trailing `\r` stays on the line).
pub struct Lines<'t> {
    lines: Vec<&'t str>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Lines<'t> {
        Lines { lines: text.split('\n').collect() }
    }

    /// The LSP position of a finding's 1-based line and 1-based character column.
    pub fn position(&self, line: u32, column: u32) -> Position {
        let index = line.saturating_sub(1) as usize;
        let text = self.lines.get(index).copied().unwrap_or("");
        let character: usize = text.chars().take(column.saturating_sub(1) as usize).map(char::len_utf16).sum();
        Position::new(index as u32, character as u32)
    }

    /// The end of line `index` (0-based), before its `\r` if any: where a comment is appended.
    pub fn end_of(&self, index: u32) -> Position {
        let text = self.lines.get(index as usize).copied().unwrap_or("");
        let text = text.strip_suffix('\r').unwrap_or(text);
        Position::new(index, text.encode_utf16().count() as u32)
    }

    /// Line `index` (0-based) without its `\r`.
    pub fn line(&self, index: u32) -> &'t str {
        let text = self.lines.get(index as usize).copied().unwrap_or("");
        text.strip_suffix('\r').unwrap_or(text)
    }
}

/// The byte offset of an LSP position in `text`, clamped to the line and the text.
fn offset(text: &str, at: Position) -> usize {
    let mut start = 0;
    for _ in 0..at.line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0;
    for (i, c) in text[start..line_end].char_indices() {
        if units >= at.character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    line_end
}

/// Applies one change: the whole text (full sync), or a range replaced.
pub fn apply(text: &mut String, change: TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let start = offset(text, range.start);
            let end = offset(text, range.end).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

/// The local path of a `file:` URI (percent-decoded); `None` for other schemes (`untitled:`).
pub fn file_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///p` and `file://localhost/p`: the path starts at the first `/`.
    let path = &rest[rest.find('/')?..];
    let mut bytes = Vec::with_capacity(path.len());
    let raw = path.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (raw[i], raw.get(i + 1).copied().and_then(hex), raw.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                bytes.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    let path = String::from_utf8(bytes).ok()?;
    // `file:///C:/dir` on Windows: no leading `/` before the drive.
    let windows_drive = path.len() > 2 && path.as_bytes()[2] == b':' && cfg!(windows);
    Some(PathBuf::from(if windows_drive { &path[1..] } else { &path[..] }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::Range;

    #[test]
    fn columns_are_utf16_units() {
        // é is one UTF-16 unit, 😀 two; the finding's column counts characters.
        let lines = Lines::new("first\nk = \"é😀 x\"\r\nlast");
        assert_eq!(lines.position(2, 8), Position::new(1, 8), "after é (1 unit) and 😀 (2 units)");
        assert_eq!(lines.position(1, 1), Position::new(0, 0));
        assert_eq!(lines.end_of(1), Position::new(1, 11), "before the \\r");
    }

    #[test]
    fn ranged_changes_apply_by_utf16_position() {
        let mut text = "a😀b\nsecond".to_string();
        let change = |range, text: &str| TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: text.into() };
        apply(&mut text, change(Range::new(Position::new(0, 3), Position::new(0, 4)), "B"));
        assert_eq!(text, "a😀B\nsecond");
        apply(&mut text, change(Range::new(Position::new(1, 0), Position::new(1, 99)), "2nd"));
        assert_eq!(text, "a😀B\n2nd");
        apply(&mut text, TextDocumentContentChangeEvent { range: None, range_length: None, text: "all".into() });
        assert_eq!(text, "all");
    }

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(file_path("file:///tmp/a%20b/c.py"), Some(PathBuf::from("/tmp/a b/c.py")));
        assert_eq!(file_path("file://localhost/x.rs"), Some(PathBuf::from("/x.rs")));
        assert_eq!(file_path("untitled:Untitled-1"), None);
    }
}
