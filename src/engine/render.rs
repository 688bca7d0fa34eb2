//! A candidate becomes a finding: its position, its line and the secrets on it, its secret.

use std::ops::Range;
use std::sync::Arc;

use super::Candidate;
use super::region::Regions;
use crate::chunk::{Chunk, Provenance};
use crate::finding::{Confidence, Finding, Location, Region, LINE_CONTEXT, MAX_LINE_TEXT};
use crate::rules::{Kind, Rule, RuleSet};

/// Every candidate of a chunk as a finding. Linear in the candidates: each finding looks only
/// at its neighbours on the text it shows, and columns are counted from the last position.
pub fn findings(rules: &RuleSet, chunk: &Chunk<'_>, all: &[Candidate]) -> Vec<Finding> {
    let neighbours = Neighbours::new(all);
    let (mut starts, mut ends) = (Columns::default(), Columns::default());
    let regions = (!all.is_empty()).then(|| Regions::new(&chunk.bytes));
    let mut line: Option<(Range<usize>, LineText)> = None;
    all.iter()
        .map(|c| {
            let span = chunk.line_span(chunk.line_index(c.secret.start));
            // The findings of a line share its text: one copy of a long line, not one each.
            let text = match line.take() {
                Some((at, text)) if at == span => text,
                _ => LineText::new(&chunk.bytes[span.clone()]),
            };
            let mut f = finding(rules, chunk, c, &neighbours, &mut starts, &mut ends, (&span, &text));
            line = Some((span, text));
            f.region = regions.as_ref().map_or(Region::Plain, |r| r.at(c.secret.start));
            f
        })
        .collect()
}

fn finding(
    rules: &RuleSet,
    chunk: &Chunk<'_>,
    c: &Candidate,
    neighbours: &Neighbours<'_>,
    starts: &mut Columns,
    ends: &mut Columns,
    (line_span, line_text): (&Range<usize>, &LineText),
) -> Finding {
    let rule = &rules.rules()[c.rule];
    let (line, column) = starts.position(chunk, c.secret.start);
    let last_char = last_char_start(&chunk.bytes, c.secret.clone());
    let (end_line, end_column) = ends.position(chunk, last_char);
    let line_above = match chunk.line_index(c.secret.start).checked_sub(1) {
        Some(above) => {
            let span = chunk.line_span(above);
            String::from_utf8_lossy(&chunk.bytes[span.start..span.end.min(span.start + MAX_LINE_TEXT)]).into_owned()
        }
        None => String::new(),
    };
    let (masks, own_mask) = masks(line_span, line_text, c, neighbours);
    let text = |r: &Range<usize>| String::from_utf8_lossy(&chunk.bytes[r.clone()]).into_owned();
    let (secret, match_text) = match &c.decoded {
        Some(d) => (d.secret.clone(), d.matched.clone()),
        None => (text(&c.secret), text(&c.matched)),
    };
    Finding {
        rule_id: rule.spec.id.to_string(),
        description: rule.spec.description.to_string(),
        kind: rule.spec.kind,
        severity: rule.spec.severity,
        location: Location { path: chunk.path.clone(), line, column, end_line, end_column: end_column + 1 },
        provenance: chunk.provenance.clone(),
        match_text,
        line_text: line_text.text.clone(),
        line_above,
        masks,
        own_mask,
        decoded_from: c.decoded.as_ref().map(|d| d.encoding).or(chunk.decoded_from),
        confidence: confidence(rule, &secret),
        region: Region::Plain,
        secret,
    }
}

/// A file rule's finding: about the whole file, so no line, column span or secret.
pub fn file_finding(rule: &Rule, path: &str, provenance: &Provenance) -> Finding {
    Finding {
        rule_id: rule.spec.id.to_string(),
        description: rule.spec.description.to_string(),
        kind: rule.spec.kind,
        severity: rule.spec.severity,
        location: Location { path: path.to_string(), line: 1, column: 1, end_line: 1, end_column: 1 },
        provenance: provenance.clone(),
        secret: String::new(),
        match_text: String::new(),
        line_text: Arc::from(""),
        line_above: String::new(),
        masks: Vec::new(),
        own_mask: (0, 0),
        decoded_from: None,
        confidence: confidence(rule, ""),
        region: Region::Plain,
    }
}

/// How sure `rule` is of `secret`: a checksum that verifies beats a provider's format, which
/// beats a name and a value (generic rules, passwords, password hashes, mostly test data).
/// Smells name no credential.
fn confidence(rule: &Rule, secret: &str) -> Option<Confidence> {
    if rule.spec.kind == Kind::Smell {
        return None;
    }
    let verified = rule.spec.checksum.as_deref().and_then(|kind| super::checksum::verify(kind, secret.as_bytes()));
    Some(if verified == Some(true) {
        Confidence::High
    } else if rule.is_generic() || rule.spec.password || rule.spec.low_confidence {
        Confidence::Low
    } else {
        Confidence::Medium
    })
}

fn last_char_start(bytes: &[u8], secret: Range<usize>) -> usize {
    let mut i = secret.end - 1;
    while i > secret.start && (bytes[i] & 0b1100_0000) == 0b1000_0000 {
        i -= 1;
    }
    i
}

/// A line of the chunk as text (lossy UTF-8), and where its bytes sit in that text.
struct LineText {
    text: Arc<str>,
    /// Where an invalid byte sequence starts (in the line's bytes, and in the text, where it
    /// became one U+FFFD) and where it ends; empty for a UTF-8 line.
    invalid: Vec<(Range<usize>, usize)>,
}

impl LineText {
    fn new(bytes: &[u8]) -> LineText {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return LineText { text: Arc::from(text), invalid: Vec::new() };
        }
        let mut text = String::with_capacity(bytes.len() + 8);
        let mut invalid = Vec::new();
        let mut at = 0;
        for piece in bytes.utf8_chunks() {
            text.push_str(piece.valid());
            at += piece.valid().len();
            if !piece.invalid().is_empty() {
                invalid.push((at..at + piece.invalid().len(), text.len()));
                text.push(char::REPLACEMENT_CHARACTER);
                at += piece.invalid().len();
            }
        }
        LineText { text: Arc::from(text), invalid }
    }

    /// The text offset of byte `offset` of the line: an offset inside an invalid sequence
    /// goes to the start of its U+FFFD (or past it, `after`), one inside a character to that
    /// character's start (or end).
    fn offset(&self, offset: usize, after: bool) -> usize {
        let i = self.invalid.partition_point(|(raw, _)| raw.start <= offset);
        let at = match i.checked_sub(1).map(|k| &self.invalid[k]) {
            None => offset,
            Some((raw, text)) if offset < raw.end => return if after && offset > raw.start { text + 3 } else { *text },
            Some((raw, text)) => text + 3 + (offset - raw.end),
        };
        let mut at = at.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            if after {
                at += 1;
            } else {
                at -= 1;
            }
        }
        at
    }
}

/// The ranges (in the line's text) of this candidate's secret and of every neighbour a
/// report can show with it, so a rendered line masks them all.
fn masks(line: &Range<usize>, text: &LineText, this: &Candidate, neighbours: &Neighbours<'_>) -> (Vec<(usize, usize)>, (usize, usize)) {
    // What a report can show: the line, or the part around the secret when it is long.
    let near = if line.len() > MAX_LINE_TEXT {
        this.secret.start.saturating_sub(LINE_CONTEXT).max(line.start)..(this.secret.end + LINE_CONTEXT).min(line.end).max(this.secret.start)
    } else {
        line.clone()
    };
    // This finding's secret first, so an overlapping neighbour cannot displace it.
    let clip = |r: &Range<usize>| r.start.max(line.start)..r.end.min(line.end);
    let own = clip(&this.secret);
    let mut cuts: Vec<Range<usize>> = vec![own.clone()];
    // In start order, a cut that misses `own` and the last one kept misses every one kept.
    let mut kept_end = 0;
    for c in neighbours.touching(near) {
        let cut = clip(&c.secret);
        let clear = cut.start >= kept_end && (cut.end <= own.start || cut.start >= own.end);
        if cut.start < cut.end && clear {
            kept_end = cut.end;
            cuts.push(cut);
        }
    }
    cuts.sort_by_key(|r| r.start);
    let mut masks = Vec::with_capacity(cuts.len());
    let mut own_mask = (0, 0);
    for cut in cuts {
        let mask = (text.offset(cut.start - line.start, false), text.offset(cut.end - line.start, true));
        // Two cuts inside one U+FFFD would overlap once mapped: the finding's own one stays.
        if masks.last().is_some_and(|&(_, end)| mask.0 < end) {
            if cut != own {
                continue;
            }
            masks.pop();
        }
        if cut == own {
            own_mask = mask;
        }
        masks.push(mask);
    }
    (masks, own_mask)
}

/// A secret longer than this is kept aside; the others are found by where they start.
const SHORT_SECRET: usize = 1024;

/// The candidates of a chunk (sorted by secret start), indexed to find those touching a range
/// without looking at all of them.
struct Neighbours<'a> {
    all: &'a [Candidate],
    starts: Vec<usize>,
    /// Indices of the candidates whose secret is longer than `SHORT_SECRET`, and for each the
    /// furthest end of a long secret up to it, so a search back can stop early.
    long: Vec<usize>,
    reach: Vec<usize>,
}

impl<'a> Neighbours<'a> {
    fn new(all: &'a [Candidate]) -> Neighbours<'a> {
        debug_assert!(all.windows(2).all(|w| w[0].secret.start <= w[1].secret.start), "candidates sorted by start");
        let long: Vec<usize> = (0..all.len()).filter(|&i| all[i].secret.len() > SHORT_SECRET).collect();
        let reach = long
            .iter()
            .scan(0, |furthest, &i| {
                *furthest = all[i].secret.end.max(*furthest);
                Some(*furthest)
            })
            .collect();
        Neighbours { all, starts: all.iter().map(|c| c.secret.start).collect(), long, reach }
    }

    /// The candidates whose secret overlaps `range`, in start order.
    fn touching(&self, range: Range<usize>) -> impl Iterator<Item = &'a Candidate> + '_ {
        let from = self.starts.partition_point(|&s| s < range.start.saturating_sub(SHORT_SECRET));
        let to = self.starts.partition_point(|&s| s < range.end);
        let mut picked: Vec<usize> = (from..to).filter(|&i| self.all[i].secret.len() <= SHORT_SECRET).collect();
        let before = self.long.partition_point(|&i| self.all[i].secret.start < range.end);
        picked.extend((0..before).rev().take_while(|&k| self.reach[k] > range.start).map(|k| self.long[k]));
        picked.sort_unstable();
        let all = self.all;
        picked.into_iter().map(move |i| &all[i]).filter(move |c| c.secret.end > range.start && c.secret.start < range.end)
    }
}

/// 1-based line and column of byte offsets asked in rising order, counted on from the last
/// one on the same line: a long line with many findings is not counted again for each.
#[derive(Default)]
struct Columns {
    /// Line index, byte offset and its 1-based column.
    last: Option<(usize, usize, u32)>,
}

impl Columns {
    fn position(&mut self, chunk: &Chunk<'_>, offset: usize) -> (u32, u32) {
        let line = chunk.line_index(offset);
        let (from, col) = match self.last {
            Some((l, at, col)) if l == line && at <= offset => (at, col),
            _ => (chunk.line_span(line).start.min(offset), 1),
        };
        let col = col + String::from_utf8_lossy(&chunk.bytes[from..offset]).chars().count() as u32;
        // Counting on from a byte inside a character would count it twice.
        if chunk.bytes.get(offset).is_none_or(|&b| b & 0b1100_0000 != 0b1000_0000) {
            self.last = Some((line, offset, col));
        }
        (line as u32 + 1, col)
    }
}
