//! The lines a new version of a file adds to its old version: one answer for `staged` and
//! `push`. Both read the two blobs and diff them here (imara-diff, histogram), so no git
//! setting (`diff.algorithm`, `diff.interHunkContext`, textconv, a `-diff` attribute) can
//! change which lines count, and a commit is judged alike when it is made and when it is pushed.

use std::ops::Range;

use imara_diff::{Algorithm, Diff, InternedInput};

/// 1-based ranges of the lines `new` adds to `old`. Both are the bytes the engine reads
/// (`chunk::decoded`), so the line numbers are those of the scanned text.
pub fn added_lines(old: &[u8], new: &[u8]) -> Vec<Range<u32>> {
    let (_, diff) = diff(old, new);
    diff.hunks().filter(|h| !h.after.is_empty()).map(|h| h.after.start + 1..h.after.end + 1).collect()
}

/// How much of the longer of `old` and `new` the two share, in percent of its lines: a file
/// that left one path and arrived at another at 50% or more was moved (git's `-M` default).
pub fn similarity(old: &[u8], new: &[u8]) -> u32 {
    let (input, diff) = diff(old, new);
    let longest = input.before.len().max(input.after.len()) as u64;
    if longest == 0 {
        return 100;
    }
    let kept = input.after.len() as u64 - u64::from(diff.count_additions());
    (kept * 100 / longest) as u32
}

fn diff<'a>(old: &'a [u8], new: &'a [u8]) -> (InternedInput<&'a [u8]>, Diff) {
    let input = InternedInput::new(old, new);
    let mut diff = Diff::compute(Algorithm::Histogram, &input);
    diff.postprocess_lines(&input);
    (input, diff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_new_lines_count() {
        let old = b"a\nb\nc\nd\n";
        assert_eq!(added_lines(old, b"a\nB\nc\nd\ne\n"), vec![2..3, 5..6]);
        assert_eq!(added_lines(old, b"a\nc\nd\n"), Vec::<Range<u32>>::new());
        assert_eq!(added_lines(b"", b"x\ny\n"), vec![1..3]);
        // A last line gains its newline: git counts it as changed, so do we.
        assert_eq!(added_lines(b"a\nb", b"a\nb\nc\n"), vec![2..4]);
    }

    #[test]
    fn similarity_counts_shared_lines() {
        let old: String = (0..10).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 3\n", "changed\n");
        assert_eq!(similarity(old.as_bytes(), new.as_bytes()), 90);
        assert_eq!(similarity(old.as_bytes(), b"other\n"), 0);
        assert_eq!(similarity(b"", b""), 100);
    }
}
