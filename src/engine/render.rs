//! A candidate becomes a finding: its position, its line cut and masked, its secret.

use std::ops::Range;

use super::Candidate;
use super::region::Regions;
use crate::chunk::{Chunk, Provenance};
use crate::finding::{Confidence, Finding, Location, Region};
use crate::rules::{Kind, Rule, RuleSet};

/// Lines longer than this are shown cut around the secret.
const MAX_LINE_TEXT: usize = 1000;
const LINE_CONTEXT: usize = 200;

/// Every candidate of a chunk as a finding. Linear in the candidates: each finding looks only
/// at its neighbours on the text it shows, and columns are counted from the last position.
pub fn findings(rules: &RuleSet, chunk: &Chunk<'_>, all: &[Candidate]) -> Vec<Finding> {
    let neighbours = Neighbours::new(all);
    let (mut starts, mut ends) = (Columns::default(), Columns::default());
    let regions = (!all.is_empty()).then(|| Regions::new(&chunk.bytes));
    all.iter()
        .map(|c| {
            let mut f = finding(rules, chunk, c, &neighbours, &mut starts, &mut ends);
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
) -> Finding {
    let rule = &rules.rules()[c.rule];
    let (line, column) = starts.position(chunk, c.secret.start);
    let last_char = last_char_start(&chunk.bytes, c.secret.clone());
    let (end_line, end_column) = ends.position(chunk, last_char);
    let line_index = chunk.line_index(c.secret.start);
    let line_span = chunk.line_span(line_index);
    let line_above = match line_index.checked_sub(1) {
        Some(above) => {
            let span = chunk.line_span(above);
            String::from_utf8_lossy(&chunk.bytes[span.start..span.end.min(span.start + MAX_LINE_TEXT)]).into_owned()
        }
        None => String::new(),
    };
    let (line_text, masks, own_mask) = line_text(chunk, line_span, c, neighbours);
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
        line_text,
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
        line_text: String::new(),
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
    } else if rule.is_generic() || rule.spec.password || rule.spec.id.starts_with("password-hash") {
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

/// The line holding the secret's start, cut around it when very long, with the ranges (in the
/// returned text) of every candidate secret on it.
fn line_text(
    chunk: &Chunk<'_>,
    line: Range<usize>,
    this: &Candidate,
    neighbours: &Neighbours<'_>,
) -> (String, Vec<(usize, usize)>, (usize, usize)) {
    let shown = if line.len() > MAX_LINE_TEXT {
        // Cut on character boundaries: a report must not show a `�` the file does not hold.
        let bytes = &chunk.bytes;
        let boundary = |mut i: usize| {
            while i > line.start && i < line.end && (bytes[i] & 0b1100_0000) == 0b1000_0000 {
                i -= 1;
            }
            i
        };
        let start = boundary(this.secret.start.saturating_sub(LINE_CONTEXT).max(line.start));
        let end = boundary((this.secret.end + LINE_CONTEXT).min(line.end)).max(this.secret.end.min(line.end)).max(start);
        start..end
    } else {
        line
    };
    // This finding's secret first, so an overlapping neighbour cannot displace it.
    let clip = |r: &Range<usize>| r.start.max(shown.start)..r.end.min(shown.end);
    let own = clip(&this.secret);
    let mut cuts: Vec<Range<usize>> = vec![own.clone()];
    // In start order, a cut that misses `own` and the last one kept misses every one kept.
    let mut kept_end = 0;
    for c in neighbours.touching(shown.clone()) {
        let cut = clip(&c.secret);
        let clear = cut.start >= kept_end && (cut.end <= own.start || cut.start >= own.end);
        if cut.start < cut.end && clear {
            kept_end = cut.end;
            cuts.push(cut);
        }
    }
    cuts.sort_by_key(|r| r.start);
    let mut text = String::new();
    let mut masks = Vec::new();
    let mut own_mask = (0, 0);
    let mut at = shown.start;
    for cut in cuts {
        text.push_str(&String::from_utf8_lossy(&chunk.bytes[at..cut.start]));
        let begin = text.len();
        text.push_str(&String::from_utf8_lossy(&chunk.bytes[cut.clone()]));
        masks.push((begin, text.len()));
        if cut == own {
            own_mask = (begin, text.len());
        }
        at = cut.end;
    }
    text.push_str(&String::from_utf8_lossy(&chunk.bytes[at..shown.end]));
    (text, masks, own_mask)
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
