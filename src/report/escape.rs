//! Control characters made visible, so a file name, a line or a commit subject cannot move the
//! cursor, clear the screen or recolour a terminal. The human report escapes all it prints;
//! JSON reports escape what serde leaves raw (DEL, C1, bidirectional overrides).

use std::borrow::Cow;
use std::io;

use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Whether `c` can change what a terminal shows beyond itself: C0 (tab aside), DEL, C1, and
/// the bidirectional overrides and isolates ("Trojan Source") and line separators.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as `\x1b` (below U+0100) or `\u{202e}`.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// A serde_json formatter that also writes DEL, C1 and bidi controls as `\uXXXX` (serde
/// escapes only C0), so `cat report.json` is as safe as the human report.
pub struct Safe<F>(pub F);

impl Safe<PrettyFormatter<'static>> {
    pub fn pretty() -> Self {
        Safe(PrettyFormatter::new())
    }
}

impl Safe<CompactFormatter> {
    pub fn compact() -> Self {
        Safe(CompactFormatter)
    }
}

impl<F: Formatter> Formatter for Safe<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if is_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..at])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = at + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Writes `value` as pretty JSON through [`Safe`].
pub fn to_writer_pretty<T: serde::Serialize + ?Sized>(out: &mut dyn io::Write, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Safe::pretty());
    value.serialize(&mut ser).map_err(io::Error::other)
}

/// Writes `value` as one line of JSON through [`Safe`].
pub fn to_writer<T: serde::Serialize + ?Sized>(out: &mut dyn io::Write, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Safe::compact());
    value.serialize(&mut ser).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_moves_a_terminal() {
        assert_eq!(escape("plain\ttext ç"), "plain\ttext ç");
        assert_eq!(escape("a\x1b[2Jb\r\x07\x7f\u{9b}c"), "a\\x1b[2Jb\\x0d\\x07\\x7f\\x9bc");
        assert_eq!(escape("x\u{202e}y"), "x\\u{202e}y");
    }

    #[test]
    fn json_escapes_del_and_c1_too() {
        let mut out = Vec::new();
        to_writer(&mut out, &serde_json::json!({"k": "a\x1b\x7f\u{9b}\u{202e}b"})).expect("write");
        assert_eq!(String::from_utf8(out).expect("utf-8"), r#"{"k":"a\u001b\u007f\u009b\u202eb"}"#);
    }
}
