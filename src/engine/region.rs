//! Where in a file a match sits, by the file's own text: inside a Python docstring, or in
//! Rust tests (after `#[cfg(test)]`, or in a `#[test]` function). The policy reads it: a generic finding there is documentation or a
//! test, wherever the file is. Computed once per chunk, and only for chunks with findings.

use memchr::memmem;

pub use crate::finding::Region;

/// The regions of one chunk's text.
pub struct Regions {
    /// Byte ranges of strings opened by `"""` or `'''` as the first thing on their line.
    docstrings: Vec<(usize, usize)>,
    /// Where a line holding only `#[cfg(test)]` starts: what follows is the test module.
    tests_from: Option<usize>,
    /// Byte ranges of functions marked `#[test]` (or `#[tokio::test]`, ...) outside one.
    test_fns: Vec<(usize, usize)>,
}

impl Regions {
    pub fn new(bytes: &[u8]) -> Regions {
        Regions { docstrings: docstrings(bytes), tests_from: cfg_test(bytes), test_fns: test_fns(bytes) }
    }

    pub fn at(&self, offset: usize) -> Region {
        let i = self.docstrings.partition_point(|&(start, _)| start <= offset);
        if i > 0 && offset < self.docstrings[i - 1].1 {
            return Region::Docstring;
        }
        let j = self.test_fns.partition_point(|&(start, _)| start <= offset);
        if self.tests_from.is_some_and(|from| offset >= from) || (j > 0 && offset < self.test_fns[j - 1].1) {
            return Region::TestModule;
        }
        Region::Plain
    }
}

/// Triple-quoted strings, in order; only those that open a line are kept (a docstring, or a
/// doctest block), not `x = """…"""` (a value in code). Strings opened mid-line are still
/// followed, so their closing quotes do not open a docstring.
fn docstrings(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = next_triple(bytes, at) {
        let quote = &bytes[open..open + 3];
        let body = open + 3;
        let close = memmem::find(&bytes[body..], quote).map_or(bytes.len(), |i| body + i);
        if opens_line(bytes, open) {
            out.push((open, close));
        }
        at = (close + 3).min(bytes.len());
    }
    out
}

fn next_triple(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = &bytes[from..];
    let double = memmem::find(rest, b"\"\"\"");
    let single = memmem::find(rest, b"'''");
    match (double, single) {
        (Some(d), Some(s)) => Some(from + d.min(s)),
        (d, s) => d.or(s).map(|i| from + i),
    }
}

/// Whether only blanks and a string prefix (`r`, `u`, `b`, `f`) come before `at` on its line.
fn opens_line(bytes: &[u8], at: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let before = &bytes[line_start..at];
    let prefix = before.iter().rev().take_while(|b| matches!(b.to_ascii_lowercase(), b'r' | b'u' | b'b' | b'f')).count();
    prefix <= 2 && before[..before.len() - prefix].iter().all(|b| matches!(b, b' ' | b'\t'))
}

/// The start of the first line that is `#[cfg(test)]` alone (indented or not).
fn cfg_test(bytes: &[u8]) -> Option<usize> {
    memmem::find_iter(bytes, b"#[cfg(test)]").find(|&at| {
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let after = &bytes[at + 12..];
        let line_end = memchr::memchr(b'\n', after).unwrap_or(after.len());
        bytes[line_start..at].iter().all(|b| matches!(b, b' ' | b'\t')) && after[..line_end].trim_ascii().is_empty()
    })
}

/// Functions marked as tests: from a line holding only a `#[…test]` or `#[…test(…)]`
/// attribute to the first later line that is a `}` at the attribute's indentation.
fn test_fns(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut open: Option<(usize, &[u8])> = None;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let text = line.trim_ascii_end();
        let indent = &text[..text.len() - text.trim_ascii_start().len()];
        let body = text.trim_ascii_start();
        match open {
            Some((start, at)) if indent == at && body == b"}" => {
                out.push((start, offset + line.len()));
                open = None;
            }
            None if body.starts_with(b"#[") && (body.ends_with(b"test]") || body.ends_with(b")]") && memmem::find(body, b"test(").is_some()) => {
                open = Some((offset, indent));
            }
            _ => {}
        }
        offset += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docstrings_open_a_line_values_do_not() {
        let text = b"def f():\n    \"\"\"Call it with\n    token='abc'\n    \"\"\"\n    x = '''value token='q' '''\n    return r'''\nkey = 1'''\n";
        let r = Regions::new(text);
        let pos = |needle: &[u8]| memmem::find(text, needle).unwrap();
        assert_eq!(r.at(pos(b"token='abc'")), Region::Docstring);
        assert_eq!(r.at(pos(b"token='q'")), Region::Plain);
        assert_eq!(r.at(pos(b"def f")), Region::Plain);
        // `return r'''` opens mid-line: a value.
        assert_eq!(r.at(pos(b"key = 1")), Region::Plain);
    }

    #[test]
    fn an_unclosed_docstring_runs_to_the_end() {
        let text = b"x = 1\n\"\"\"\nsecret = 'abc'\n";
        assert_eq!(Regions::new(text).at(12), Region::Docstring);
    }

    #[test]
    fn rust_tests_follow_cfg_test() {
        let text = b"fn a() { let s = \"#[cfg(test)]\"; }\nconst K: &str = \"k\";\n#[cfg(test)]\nmod tests {\n    const K: &str = \"k\";\n}\n";
        let r = Regions::new(text);
        let first = memmem::find(text, b"const K").unwrap();
        let second = memmem::rfind(text, b"const K").unwrap();
        assert_eq!(r.at(first), Region::Plain);
        assert_eq!(r.at(second), Region::TestModule);
    }

    #[test]
    fn rust_test_functions_are_tests_to_their_closing_brace() {
        let text = b"fn a() {}\n    #[test]\n    fn t() {\n        let p = \"x\";\n    }\n    const K: &str = \"k\";\n#[tokio::test(flavor = \"multi_thread\")]\nasync fn u() {\n    let q = 1;\n}\n";
        let r = Regions::new(text);
        let pos = |needle: &[u8]| memmem::find(text, needle).unwrap();
        assert_eq!(r.at(pos(b"let p")), Region::TestModule);
        assert_eq!(r.at(pos(b"const K")), Region::Plain);
        assert_eq!(r.at(pos(b"let q")), Region::TestModule);
        assert_eq!(r.at(pos(b"fn a")), Region::Plain);
    }
}
