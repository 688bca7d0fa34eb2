//! The matching engine: keyword prefilter -> candidate rules -> regex on the window around each
//! hit -> secret capture -> the checks a secret must pass (`accept`, built on `gate`,
//! `placeholder` and `checksum`) -> per path, the rules its scope lets run (`scope`) -> one
//! report per secret (`overlap`) -> findings (`render`). Encoded values on flagged lines are
//! decoded once and scanned the same way.

mod accept;
pub mod check;
mod checksum;
mod decode;
mod gate;
pub mod incremental;
mod keyword_dfa;
mod overlap;
mod placeholder;
mod prefilter;
mod region;
mod render;
mod scope;
#[cfg(test)]
mod tests;
mod words;

use std::borrow::Cow;
use std::ops::Range;
use std::sync::{Mutex, OnceLock};

use crate::chunk::{Chunk, Provenance};
use crate::finding::Finding;
use crate::rules::{Rule, RuleError, RuleMatch, RuleSet};

use accept::{accept, PathCheck};
use overlap::resolve_overlaps;
pub use placeholder::is_placeholder;
use prefilter::Prefilter;
pub use prefilter::Workload;
use scope::{FileScope, PathSet};

/// How far past its keyword's line a multi-line rule (a PEM block) may reach.
const MULTILINE_WINDOW: usize = 16 * 1024;
/// Encoded values decoded per chunk, at most: bounds the work on a file full of base64.
const MAX_DECODES: usize = 64;

pub struct Engine<'r> {
    rules: &'r RuleSet,
    workload: Workload,
    prefilter: Prefilter<'r>,
    /// Rules with a path and no keywords: they run on every line of the files they name.
    path_rules: Vec<usize>,
    /// File rules: judged on a file's path and size, not its text.
    file_rules: Vec<usize>,
    /// Every rule's `path` in one set, compiled on first use: one compile, not one per rule.
    paths: OnceLock<Option<PathSet>>,
    /// The last file's scope: a commit asks for it twice per file (file rules, then text).
    last_scope: Mutex<Option<(String, FileScope)>>,
}

/// `end`, moved past the rest of a UTF-8 character it falls inside: a byte-mode rule can stop
/// in the middle of one, and a report shows whole characters.
fn char_end(bytes: &[u8], mut end: usize) -> usize {
    let limit = (end + 3).min(bytes.len());
    while end < limit && end > 0 && (bytes[end] & 0b1100_0000) == 0b1000_0000 && bytes[end - 1] >= 0x80 {
        end += 1;
    }
    end
}

/// A regex match that passed the secret checks, before it becomes a finding.
#[derive(Clone)]
pub(crate) struct Candidate {
    rule: usize,
    secret: Range<usize>,
    /// The rule's whole match, for allowlists on the match.
    matched: Range<usize>,
    /// Set when the secret was found in the decoded text of the value at `secret`.
    decoded: Option<DecodedSecret>,
    /// What a path must not say for this candidate to stand (generic and password rules):
    /// judged per path, as one blob can have several.
    path_check: Option<PathCheck>,
}

#[derive(Clone)]
pub(crate) struct DecodedSecret {
    secret: String,
    matched: String,
    encoding: &'static str,
}

impl<'r> Engine<'r> {
    /// An engine for a handful of files (a commit): cheap to build.
    pub fn new(rules: &'r RuleSet) -> Engine<'r> {
        Engine::build(rules, Workload::Few)
    }

    /// An engine for many files or blobs (history, folders): costlier to build, faster per byte.
    pub fn for_bulk(rules: &'r RuleSet) -> Engine<'r> {
        Engine::build(rules, Workload::Bulk)
    }

    fn build(rules: &'r RuleSet, workload: Workload) -> Engine<'r> {
        let indices = |keep: fn(&Rule) -> bool| (0..rules.len()).filter(|&i| keep(&rules.rules()[i])).collect();
        Engine {
            rules,
            workload,
            prefilter: Prefilter::new(rules, workload),
            path_rules: indices(|r| r.spec.keywords.is_empty() && r.spec.path.is_some() && !r.is_file_rule()),
            file_rules: indices(Rule::is_file_rule),
            paths: OnceLock::new(),
            last_scope: Mutex::new(None),
        }
    }

    /// The file rules a file meets by its path and size alone (a keystore, a huge file). Called
    /// for every file a source lists, scanned or skipped.
    pub fn file_findings(&self, path: &str, size: u64, provenance: &Provenance) -> Result<Vec<Finding>, RuleError> {
        if self.file_rules.is_empty() {
            return Ok(Vec::new());
        }
        let scope = self.scope(path);
        let mut out = Vec::new();
        for &index in &self.file_rules {
            let rule = &self.rules.rules()[index];
            if size >= rule.spec.min_size.unwrap_or(0) && self.wanted(index, &scope, path)? {
                out.push(render::file_finding(rule, path, provenance));
            }
        }
        Ok(out)
    }

    pub fn scan(&self, chunk: &Chunk<'_>) -> Result<Vec<Finding>, RuleError> {
        let mut per_path = self.scan_at(chunk, &[chunk.path.as_str()])?;
        Ok(per_path.pop().unwrap_or_default())
    }

    /// Scans `chunk` once for all of `paths` (the paths one blob had) and judges what depends
    /// on the path (rules' paths, generic rules, fake paths, code files) at each: the findings
    /// at `paths[i]` are `result[i]`, each located at that path.
    pub fn scan_at(&self, chunk: &Chunk<'_>, paths: &[&str]) -> Result<Vec<Vec<Finding>>, RuleError> {
        let hits = self.prefilter.hits(chunk);
        let scopes: Vec<(&str, FileScope)> = paths.iter().map(|&p| (p, self.scope(p))).collect();
        if self.workload == Workload::Few {
            self.compile_ahead(&scopes, &hits.rules);
        }
        let mut candidates = self.candidates(chunk, &scopes, &hits.rules)?;
        self.decoded(chunk, &scopes, &hits.decode_lines, &mut candidates)?;
        let mut out = Vec::with_capacity(paths.len());
        for (path, scope) in &scopes {
            let mut kept = Vec::with_capacity(candidates.len());
            for c in &candidates {
                if self.wanted(c.rule, scope, path)? && c.path_check.is_none_or(|check| check.passes(path)) {
                    kept.push(c.clone());
                }
            }
            let kept = resolve_overlaps(self.rules, kept);
            let mut findings = render::findings(self.rules, chunk, &kept);
            for f in &mut findings {
                f.location.path.clear();
                f.location.path.push_str(path);
            }
            crate::own_files::drop_own(path, &chunk.bytes, &mut findings);
            out.push(findings);
        }
        Ok(out)
    }

    /// Compiles the regexes a commit's hits woke, on two threads when there are several:
    /// compiling is most of a commit's own work. Bulk scans compile each regex once anyway.
    /// Errors are left for `candidates` to report.
    fn compile_ahead(&self, scopes: &[(&str, FileScope)], hits: &[(usize, usize)]) {
        let mut todo: Vec<usize> = hits.iter().map(|h| h.0).collect();
        todo.dedup();
        let todo: Vec<&Rule> = todo
            .into_iter()
            .filter(|&i| self.wanted_any(i, scopes).unwrap_or(true))
            .map(|i| &self.rules.rules()[i])
            .filter(|r| !r.is_compiled())
            .collect();
        if todo.len() < 4 {
            return;
        }
        // Alternate, not halves: the costly generic rules sit together at the end.
        let compile = |parity: usize| {
            for r in todo.iter().skip(parity).step_by(2) {
                let _ = r.regex();
            }
        };
        std::thread::scope(|s| {
            s.spawn(|| compile(1));
            compile(0);
        });
    }

    fn candidates(&self, chunk: &Chunk<'_>, scopes: &[(&str, FileScope)], hits: &[(usize, usize)]) -> Result<Vec<Candidate>, RuleError> {
        let mut out = Vec::new();
        for group in hits.chunk_by(|a, b| a.0 == b.0) {
            let rule = &self.rules.rules()[group[0].0];
            if !self.wanted_any(group[0].0, scopes)? {
                continue;
            }
            let lines = group.iter().map(|&(_, line)| line);
            for window in windows(chunk, rule, lines) {
                self.match_window(chunk, group[0].0, window, &mut out)?;
            }
        }
        for &index in &self.path_rules {
            if self.wanted_any(index, scopes)? {
                self.match_window(chunk, index, 0..chunk.bytes.len(), &mut out)?;
            }
        }
        Ok(out)
    }

    /// Decodes the encoded values on flagged lines and scans each decoded text on its own;
    /// what it finds is reported at the encoded value.
    fn decoded(&self, chunk: &Chunk<'_>, scopes: &[(&str, FileScope)], lines: &[usize], out: &mut Vec<Candidate>) -> Result<(), RuleError> {
        let mut budget = MAX_DECODES;
        for &line in lines {
            if !chunk.in_scope(line as u32 + 1, line as u32 + 1) {
                continue;
            }
            let span = chunk.line_span(line);
            for d in decode::candidates(&chunk.bytes[span.clone()]) {
                if budget == 0 {
                    return Ok(());
                }
                budget -= 1;
                let inner = Chunk::new(chunk.path.clone(), Cow::Owned(d.text), chunk.provenance.clone());
                let hits = self.prefilter.hits(&inner);
                for c in self.candidates(&inner, scopes, &hits.rules)? {
                    let text = |r: Range<usize>| String::from_utf8_lossy(&inner.bytes[r]).into_owned();
                    let encoded = span.start + d.range.start..span.start + d.range.end;
                    out.push(Candidate {
                        rule: c.rule,
                        secret: encoded.clone(),
                        matched: encoded,
                        decoded: Some(DecodedSecret { secret: text(c.secret), matched: text(c.matched), encoding: d.encoding }),
                        path_check: c.path_check,
                    });
                }
            }
        }
        Ok(())
    }

    fn match_window(
        &self,
        chunk: &Chunk<'_>,
        index: usize,
        window: Range<usize>,
        out: &mut Vec<Candidate>,
    ) -> Result<(), RuleError> {
        let rule = &self.rules.rules()[index];
        let regex = rule.regex_for(self.workload == Workload::Bulk)?;
        let haystack = &chunk.bytes[window.clone()];
        let named = |m: &RuleMatch| {
            rule.spec.name_words.is_none_or(|words| m.name.as_ref().is_some_and(|n| gate::names_a_secret(&haystack[n.clone()], words)))
        };
        for m in regex.matches(haystack, named) {
            let s = m.secret.clone().unwrap_or(m.whole.clone());
            if s.is_empty() {
                continue;
            }
            let secret = window.start + s.start..char_end(&chunk.bytes, window.start + s.end);
            let Some(path_check) = accept(rule, chunk, &secret, &m, window.start) else { continue };
            let first = chunk.line_index(secret.start) as u32 + 1;
            let last = chunk.line_index(secret.end - 1) as u32 + 1;
            if !chunk.in_scope(first, last) {
                continue;
            }
            let matched = window.start + m.whole.start..window.start + m.whole.end;
            out.push(Candidate { rule: index, secret, matched, decoded: None, path_check });
        }
        Ok(())
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
            let end = match rule.spec.span_lines {
                Some(n) => chunk.line_span((line + n.max(1) as usize - 1).min(chunk.line_count() - 1)).end,
                None => (span.start + MULTILINE_WINDOW).min(chunk.bytes.len()),
            };
            span.start..end
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

