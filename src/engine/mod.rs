//! The matching engine: keyword prefilter -> candidate rules -> regex on the window around each
//! hit -> secret capture -> entropy and placeholder checks -> findings.

mod placeholder;
mod prefilter;
#[cfg(test)]
mod tests;

use std::ops::Range;

use crate::chunk::Chunk;
use crate::finding::{Finding, Location};
use crate::rules::{Rule, RuleError, RuleSet};

pub use placeholder::is_placeholder;
use prefilter::Prefilter;

/// How far past its keyword's line a multi-line rule (a PEM block) may reach.
const MULTILINE_WINDOW: usize = 16 * 1024;
/// Lines longer than this are shown cut around the secret.
const MAX_LINE_TEXT: usize = 1000;
const LINE_CONTEXT: usize = 200;

pub struct Engine<'r> {
    rules: &'r RuleSet,
    prefilter: Prefilter,
}

/// A regex match that passed the secret checks, before it becomes a finding.
struct Candidate {
    rule: usize,
    secret: Range<usize>,
}

impl<'r> Engine<'r> {
    pub fn new(rules: &'r RuleSet) -> Engine<'r> {
        Engine { rules, prefilter: Prefilter::new(rules) }
    }

    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    pub fn scan(&self, chunk: &Chunk<'_>) -> Result<Vec<Finding>, RuleError> {
        let hits = self.prefilter.hits(chunk);
        let mut candidates = Vec::new();
        for group in hits.chunk_by(|a, b| a.0 == b.0) {
            let rule = &self.rules.rules()[group[0].0];
            let lines = group.iter().map(|&(_, line)| line);
            for window in windows(chunk, rule, lines) {
                self.match_window(chunk, group[0].0, window, &mut candidates)?;
            }
        }
        let candidates = resolve_overlaps(self.rules, candidates);
        Ok(candidates.iter().map(|c| self.finding(chunk, c, &candidates)).collect())
    }

    fn match_window(
        &self,
        chunk: &Chunk<'_>,
        index: usize,
        window: Range<usize>,
        out: &mut Vec<Candidate>,
    ) -> Result<(), RuleError> {
        let rule = &self.rules.rules()[index];
        let regex = rule.regex()?;
        let haystack = &chunk.bytes[window.clone()];
        for caps in regex.captures_iter(haystack) {
            let m = caps.name("secret").or_else(|| caps.get(0)).expect("group 0 always matches");
            if m.is_empty() {
                continue;
            }
            let secret = window.start + m.start()..window.start + m.end();
            let bytes = &chunk.bytes[secret.clone()];
            if let Some(min) = rule.spec.entropy {
                if f64::from(entropy::shannon_entropy(bytes)) < min {
                    continue;
                }
            }
            if is_placeholder(bytes) {
                continue;
            }
            let first = chunk.line_index(secret.start) as u32 + 1;
            let last = chunk.line_index(secret.end - 1) as u32 + 1;
            if !chunk.in_scope(first, last) {
                continue;
            }
            out.push(Candidate { rule: index, secret });
        }
        Ok(())
    }

    fn finding(&self, chunk: &Chunk<'_>, c: &Candidate, all: &[Candidate]) -> Finding {
        let rule = &self.rules.rules()[c.rule];
        let (line, column) = chunk.position(c.secret.start);
        let last_char = last_char_start(&chunk.bytes, c.secret.clone());
        let (end_line, end_column) = chunk.position(last_char);
        let line_span = chunk.line_span(chunk.line_index(c.secret.start));
        let (line_text, masks, own_mask) = line_text(chunk, line_span, c, all);
        Finding {
            rule_id: rule.spec.id.clone(),
            description: rule.spec.description.clone(),
            kind: rule.spec.kind,
            severity: rule.spec.severity,
            location: Location {
                path: chunk.path.clone(),
                line,
                column,
                end_line,
                end_column: end_column + 1,
            },
            provenance: chunk.provenance.clone(),
            secret: String::from_utf8_lossy(&chunk.bytes[c.secret.clone()]).into_owned(),
            line_text,
            masks,
            own_mask,
            decoded_from: chunk.decoded_from,
        }
    }
}

/// The byte ranges a rule's regex runs on: each line with a keyword hit (and the lines after
/// it, for multi-line rules), overlapping ranges merged. Single-line rules skip lines out of
/// scope (a staged diff's unchanged lines) without running the regex at all.
fn windows(chunk: &Chunk<'_>, rule: &Rule, lines: impl Iterator<Item = usize>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for line in lines {
        let span = chunk.line_span(line);
        let window = if rule.spec.multiline {
            span.start..(span.start + MULTILINE_WINDOW).min(chunk.bytes.len())
        } else {
            if !chunk.in_scope(line as u32 + 1, line as u32 + 1) {
                continue;
            }
            span
        };
        match out.last_mut() {
            Some(prev) if window.start < prev.end => prev.end = prev.end.max(window.end),
            _ => out.push(window),
        }
    }
    out
}

/// Drops a generic rule's candidate when a provider rule found an overlapping secret: the
/// provider rule says more about it.
fn resolve_overlaps(rules: &RuleSet, mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    let generic = |c: &Candidate| rules.rules()[c.rule].is_generic();
    let overlaps = |a: &Range<usize>, b: &Range<usize>| a.start < b.end && b.start < a.end;
    let specific: Vec<Range<usize>> =
        candidates.iter().filter(|c| !generic(c)).map(|c| c.secret.clone()).collect();
    candidates.retain(|c| !generic(c) || !specific.iter().any(|s| overlaps(s, &c.secret)));
    candidates.sort_by_key(|c| (c.secret.start, c.rule, c.secret.end));
    candidates.dedup_by(|a, b| a.rule == b.rule && a.secret == b.secret);
    candidates
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
