//! The matching engine: keyword prefilter -> candidate rules -> regex on the window around each
//! hit -> secret capture -> checksum, entropy, placeholder and context checks -> findings.
//! Encoded values on flagged lines are decoded once and scanned the same way.

pub mod check;
mod checksum;
mod region;
mod decode;
pub mod incremental;
mod gate;
mod placeholder;
mod prefilter;
mod render;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::ops::Range;
use std::sync::{Mutex, OnceLock};

use regex_automata::{meta, Input, MatchKind, PatternSet};

use crate::chunk::{Chunk, Provenance};
use crate::finding::Finding;
use crate::rules::{Kind, Rule, RuleError, RuleMatch, RuleSet};

pub use placeholder::is_placeholder;
use prefilter::Prefilter;
pub use prefilter::Workload;

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

/// Which rules a file's path lets run: computed once per file.
#[derive(Clone)]
struct FileScope {
    /// Lock files, minified assets and templates: no generic rules.
    no_generic: bool,
    /// The rules whose `path` matches (see `path_matches`).
    matching: Option<Vec<usize>>,
}

struct PathSet {
    matcher: PathMatcher,
    /// For each pattern of the set, the rule it belongs to.
    rules: Vec<usize>,
}

enum PathMatcher {
    /// A commit checks a few paths. regex-lite builds these small patterns about four times
    /// faster than regex-syntax parses them (measured: 32 vs 116 us for the catalogue's).
    Lite(Vec<regex_lite::Regex>),
    /// Bulk scans check thousands of paths: one set, with a lazy DFA. Also for any pattern
    /// regex-lite does not take.
    Set(meta::Regex),
}

impl PathSet {
    /// `None` when a path pattern does not compile (each rule then reports its own error).
    fn new(rules: &RuleSet, workload: Workload) -> Option<PathSet> {
        let with_path: Vec<usize> = (0..rules.len()).filter(|&i| rules.rules()[i].spec.path.is_some()).collect();
        let patterns: Vec<&str> = with_path.iter().filter_map(|&i| rules.rules()[i].spec.path.as_deref()).collect();
        let lite = match workload {
            Workload::Few => patterns.iter().map(|p| regex_lite::Regex::new(p)).collect::<Result<Vec<_>, _>>().ok(),
            Workload::Bulk => None,
        };
        let matcher = match lite {
            Some(lite) => PathMatcher::Lite(lite),
            None => {
                let mut builder = crate::rules::quick_builder(meta::Config::new().match_kind(MatchKind::All));
                builder.configure(meta::Config::new().hybrid(workload == Workload::Bulk));
                PathMatcher::Set(builder.build_many(&patterns).ok()?)
            }
        };
        Some(PathSet { matcher, rules: with_path })
    }

    /// The rules whose path matches, sorted.
    fn matches(&self, path: &str) -> Vec<usize> {
        match &self.matcher {
            PathMatcher::Lite(all) => (0..all.len()).filter(|&i| all[i].is_match(path)).map(|i| self.rules[i]).collect(),
            PathMatcher::Set(set) => {
                let mut hits = PatternSet::new(set.pattern_len());
                set.which_overlapping_matches(&Input::new(path), &mut hits);
                hits.iter().map(|m| self.rules[m.as_usize()]).collect()
            }
        }
    }
}

/// Base64 of `user:password` whose password could be one: `am9lam9lOmhlbGxv` (`joejoe:hello`)
/// in a test is not a credential anyone would choose.
fn basic_auth_ok(value: &[u8]) -> bool {
    let Some(text) = decode::base64(value) else { return false };
    let Ok(text) = std::str::from_utf8(&text) else { return false };
    let Some((_, password)) = text.split_once(':') else { return false };
    !text.chars().any(char::is_control) && gate::password_value_ok(password.as_bytes())
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

/// The path-free half of the path checks of a generic or password candidate.
#[derive(Clone, Copy)]
struct PathCheck {
    /// The value is outside any string literal: an expression, in a code file.
    unquoted: bool,
    /// The text is a script by its first line (`#!/usr/bin/env python`), whatever its name.
    script: bool,
}

impl PathCheck {
    fn passes(&self, path: &str) -> bool {
        // `is_code_file` with no text judges the name alone.
        !gate::is_fake_path(path) && !(self.unquoted && (self.script || gate::is_code_file(path, b"")))
    }
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

    fn scope(&self, path: &str) -> FileScope {
        let mut last = self.last_scope.try_lock().ok();
        if let Some((_, scope)) = last.as_ref().and_then(|l| l.as_ref()).filter(|(p, _)| p == path) {
            return scope.clone();
        }
        let scope = FileScope { no_generic: gate::skips_generic(path), matching: self.path_matches(path) };
        if let Some(last) = last.as_mut() {
            **last = Some((path.to_string(), scope.clone()));
        }
        scope
    }

    /// Whether rule `index` runs on this file at all: its path, and no generic rules where
    /// the file type rules them out.
    fn wanted(&self, index: usize, scope: &FileScope, path: &str) -> Result<bool, RuleError> {
        let rule = &self.rules.rules()[index];
        if scope.no_generic && rule.is_generic() {
            return Ok(false);
        }
        match &scope.matching {
            _ if rule.spec.path.is_none() => Ok(true),
            Some(m) => Ok(m.binary_search(&index).is_ok()),
            None => rule.applies_to(path),
        }
    }

    /// The rules whose `path` matches this chunk's path (sorted), or `None` when a path
    /// pattern does not compile (each rule then reports its own error).
    fn path_matches(&self, path: &str) -> Option<Vec<usize>> {
        let paths = self.paths.get_or_init(|| PathSet::new(self.rules, self.workload));
        paths.as_ref().map(|p| p.matches(path))
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

    /// Whether any of the paths lets rule `index` run.
    fn wanted_any(&self, index: usize, scopes: &[(&str, FileScope)]) -> Result<bool, RuleError> {
        for (path, scope) in scopes {
            if self.wanted(index, scope, path)? {
                return Ok(true);
            }
        }
        Ok(false)
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

/// The checks a captured secret must pass, cheapest and surest first: `None` when it fails
/// one, else what the path must not say (judged per path by `PathCheck::passes`).
fn accept(rule: &Rule, chunk: &Chunk<'_>, secret: &Range<usize>, m: &RuleMatch, base: usize) -> Option<Option<PathCheck>> {
    let bytes = &chunk.bytes[secret.clone()];
    let name = m.name.clone().map(|n| &chunk.bytes[base + n.start..base + n.end]);
    if gate::is_public_test_key(bytes) || gate::is_harmless_by_prefix(bytes) || gate::is_public_jwt(bytes) {
        return None;
    }
    // `BASE64_ENCODED_PASSWORD`: the name of what belongs there.
    if std::str::from_utf8(bytes).is_ok_and(gate::is_env_name) {
        return None;
    }
    if rule.spec.basic_auth && !basic_auth_ok(bytes) {
        return None;
    }
    if rule.spec.min_classes.is_some_and(|min| gate::char_classes(bytes) < min) {
        return None;
    }
    let line = chunk.line_span(chunk.line_index(secret.start));
    let line_bytes = &chunk.bytes[line.clone()];
    match rule.spec.checksum.as_deref().and_then(|kind| checksum::verify(kind, bytes)) {
        Some(true) => return Some(None),
        Some(false) if gate::says_fake(line_bytes) => return None,
        _ => {}
    }
    let generic = rule.is_generic();
    let password = rule.spec.password || (generic && name.is_some_and(gate::names_a_password));
    if let Some(min) = rule.spec.entropy.filter(|_| !password) {
        // A short password cannot reach a long key's entropy: generic rules scale the bar.
        let min = if generic { min.min((bytes.len() as f64).log2() - 0.6) } else { min };
        if gate::entropy(bytes) < min {
            return None;
        }
    }
    // A smell's match is code, not a value: only a captured `secret` part can be a stand-in.
    let value_captured = rule.spec.kind == Kind::Secret || m.secret.is_some();
    if value_captured && is_placeholder(bytes) {
        return None;
    }
    if generic || rule.spec.password {
        let stand_in = gate::says_fake(line_bytes) || gate::is_anonymous(line_bytes);
        if line.len() > gate::MAX_GENERIC_LINE || stand_in {
            return None;
        }
        let value_ok = if password {
            gate::password_value_ok(bytes) || gate::generic_value_ok(bytes, name)
        } else {
            gate::generic_value_ok(bytes, name)
        };
        // A name that ends in `password` is one, whatever words come first (`EMAIL_HOST_PASSWORD`).
        if !value_ok || (!password && name.is_some_and(gate::names_a_non_secret)) {
            return None;
        }
        let before = &chunk.bytes[line.start..secret.start.max(line.start)];
        if gate::is_lookup(before) {
            return None;
        }
        // In source code a value outside any string literal is an expression, and `x(` is a
        // call.
        let in_string = [b'"', b'\'', b'`'].iter().any(|q| before.iter().filter(|&&b| b == *q).count() % 2 == 1);
        if chunk.bytes.get(secret.end) == Some(&b'(') {
            return None;
        }
        return Some(Some(PathCheck { unquoted: !in_string, script: gate::is_code_file("", &chunk.bytes) }));
    }
    Some(None)
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
fn resolve_overlaps(rules: &RuleSet, mut candidates: Vec<Candidate>) -> Vec<Candidate> {
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
