//! One report per secret: generic candidates give way to provider rules, a credential-file
//! smell to a secret in its file, and candidates of one span or overlapping spans of one rule
//! are reported once.

use std::ops::Range;

use super::Candidate;
use crate::rules::{Kind, RuleSet};

/// Byte ranges merged into disjoint sorted spans, to ask "does this range overlap any?" in
/// logarithmic time: a file of dense findings must not cost their square.
struct Spans(Vec<Range<usize>>);

impl Spans {
    fn new(mut ranges: Vec<Range<usize>>) -> Spans {
        ranges.sort_unstable_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Spans(merged)
    }

    fn overlaps(&self, r: &Range<usize>) -> bool {
        // The first span ending after `r.start` is the only one that can overlap first.
        let i = self.0.partition_point(|s| s.end <= r.start);
        self.0.get(i).is_some_and(|s| s.start < r.end && r.start < s.end)
    }
}

/// Drops a generic rule's candidate when a provider rule found an overlapping secret: the
/// provider rule says more about it.
pub(super) fn resolve_overlaps(rules: &RuleSet, mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    let generic = |c: &Candidate| rules.rules()[c.rule].is_generic();
    let secret = |c: &Candidate| rules.rules()[c.rule].spec.kind == Kind::Secret;
    let specific = Spans::new(candidates.iter().filter(|c| !generic(c) && secret(c)).map(|c| c.secret.clone()).collect());
    candidates.retain(|c| !generic(c) || !specific.overlaps(&c.secret));
    // A credential-file smell says "this file may hold credentials": once per file, and not
    // at all when a secret in it is reported anyway.
    let file_smell = |c: &Candidate| {
        let spec = &rules.rules()[c.rule].spec;
        spec.kind == Kind::Smell && spec.path.is_some()
    };
    let has_secret = candidates.iter().any(secret);
    let mut seen = std::collections::HashSet::new();
    candidates.retain(|c| !file_smell(c) || (!has_secret && seen.insert(c.rule)));
    // One report per secret: the same span caught by two rules of the same kind (an AWS
    // secret found by its name and by the key id above it), or twice by one rule, is one
    // secret, wherever the two sit in the list; the first rule in catalogue order reports it.
    candidates.sort_by_key(|c| (c.secret.start, c.secret.end, c.rule));
    let mut spans = std::collections::HashSet::new();
    candidates.retain(|c| spans.insert((c.secret.start, c.secret.end, secret(c))));
    // And one rule reports overlapping spans once, preferring the span it found in the text
    // itself to one in decoded text (a JWT plain to see inside a percent-encoded value). In
    // start order, a span overlaps a kept one of its rule iff it starts before their reach.
    let mut reach = std::collections::HashMap::new();
    let mut direct: std::collections::HashMap<usize, Vec<Range<usize>>> = std::collections::HashMap::new();
    candidates.retain(|c| {
        if c.decoded.is_some() {
            return true;
        }
        let end = reach.entry(c.rule).or_insert(0);
        let keep = c.secret.start >= *end;
        *end = (*end).max(c.secret.end);
        if keep {
            direct.entry(c.rule).or_default().push(c.secret.clone());
        }
        keep
    });
    // Decoded ones are few (`MAX_DECODES` per chunk): checked against each other one by one.
    let mut decoded: Vec<(usize, Range<usize>)> = Vec::new();
    candidates.retain(|c| {
        if c.decoded.is_none() {
            return true;
        }
        let overlaps = |r: &Range<usize>| r.start < c.secret.end && c.secret.start < r.end;
        // Kept direct spans of a rule are disjoint and in order: the first ending after this
        // one's start is the only one that can overlap it.
        let over_direct = direct.get(&c.rule).is_some_and(|spans| spans.get(spans.partition_point(|s| s.end <= c.secret.start)).is_some_and(overlaps));
        if over_direct || decoded.iter().any(|(rule, span)| *rule == c.rule && overlaps(span)) {
            return false;
        }
        decoded.push((c.rule, c.secret.clone()));
        true
    });
    candidates
}
