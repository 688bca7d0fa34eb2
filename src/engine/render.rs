//! A candidate becomes a finding: its position, its line cut and masked, its secret.

use std::ops::Range;

use super::Candidate;
use crate::chunk::{Chunk, Provenance};
use crate::finding::{Finding, Location};
use crate::rules::{Rule, RuleSet};

/// Lines longer than this are shown cut around the secret.
const MAX_LINE_TEXT: usize = 1000;
const LINE_CONTEXT: usize = 200;

pub fn finding(rules: &RuleSet, chunk: &Chunk<'_>, c: &Candidate, all: &[Candidate]) -> Finding {
    let rule = &rules.rules()[c.rule];
    let (line, column) = chunk.position(c.secret.start);
    let last_char = last_char_start(&chunk.bytes, c.secret.clone());
    let (end_line, end_column) = chunk.position(last_char);
    let line_span = chunk.line_span(chunk.line_index(c.secret.start));
    let (line_text, masks, own_mask) = line_text(chunk, line_span, c, all);
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
        secret,
        match_text,
        line_text,
        masks,
        own_mask,
        decoded_from: c.decoded.as_ref().map(|d| d.encoding).or(chunk.decoded_from),
        confidence: None,
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
        masks: Vec::new(),
        own_mask: (0, 0),
        decoded_from: None,
        confidence: None,
    }
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
    all: &[Candidate],
) -> (String, Vec<(usize, usize)>, (usize, usize)) {
    let shown = if line.len() > MAX_LINE_TEXT {
        let start = this.secret.start.saturating_sub(LINE_CONTEXT).max(line.start);
        let end = (this.secret.end + LINE_CONTEXT).min(line.end).max(start);
        start..end
    } else {
        line
    };
    // This finding's secret first, so an overlapping neighbour cannot displace it.
    let clip = |r: &Range<usize>| r.start.max(shown.start)..r.end.min(shown.end);
    let own = clip(&this.secret);
    let mut cuts: Vec<Range<usize>> = vec![own.clone()];
    for c in all {
        let cut = clip(&c.secret);
        if cut.start < cut.end && !cuts.iter().any(|k| k.start < cut.end && cut.start < k.end) {
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
