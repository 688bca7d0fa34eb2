//! One Aho-Corasick pass over every rule's keywords tells which rules can match, and on which
//! lines, before any regex runs. The same pass marks the lines whose encoded values are worth
//! decoding.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::chunk::Chunk;
use crate::rules::RuleSet;

use super::keyword_dfa::KeywordDfa;
use super::words::{DECODE_TRIGGERS, SECRET_WORDS};

/// How much input an engine will see, which decides how its automaton is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// A commit's few files: small inputs go through a trigram index (built in microseconds),
    /// larger ones through an Aho-Corasick NFA built on first need (~1 ms for the catalogue).
    Few,
    /// Many files or blobs: a DFA (`keyword_dfa`) costs more to build and searches several
    /// times faster.
    Bulk,
}

/// Inputs up to this size take the trigram index when the workload is `Few`.
const SMALL_INPUT: usize = 256 * 1024;

pub struct Prefilter<'r> {
    workload: Workload,
    keywords: Vec<Cow<'r, str>>,
    automaton: OnceLock<AhoCorasick>,
    /// Bulk scans' automaton, when the keywords fit one.
    dfa: Option<KeywordDfa>,
    trigrams: Option<Trigrams>,
    /// For each distinct keyword, the range of `rule_list` holding the rules (indices into the
    /// rule set) that list it; the decode triggers come last and list none.
    rules_of: Vec<Range<u32>>,
    rule_list: Vec<usize>,
    first_trigger: usize,
}

/// What one pass found.
#[derive(Default)]
pub struct Hits {
    /// Sorted, distinct `(rule index, 0-based line index)` pairs.
    pub rules: Vec<(usize, usize)>,
    /// Sorted, distinct 0-based indices of lines with a decode trigger.
    pub decode_lines: Vec<usize>,
}

impl<'r> Prefilter<'r> {
    pub fn new(rules: &'r RuleSet, workload: Workload) -> Prefilter<'r> {
        // Sorted (keyword, rule) pairs group each keyword's rules. Built-in keywords are already
        // lowercase and are copied once; the sort key leads with a keyword's first eight bytes
        // as one integer, where most comparisons end.
        let head = |k: &str| {
            let mut b = [0u8; 8];
            let n = k.len().min(8);
            b[..n].copy_from_slice(&k.as_bytes()[..n]);
            u64::from_be_bytes(b)
        };
        let mut pairs: Vec<(u64, Cow<'r, str>, usize)> = Vec::new();
        for (index, rule) in rules.rules().iter().enumerate() {
            for keyword in rule.spec.keywords.iter() {
                let lower = match keyword.bytes().any(|b| b.is_ascii_uppercase()) {
                    true => Cow::Owned(keyword.to_ascii_lowercase()),
                    false => Cow::Borrowed(keyword.as_ref()),
                };
                pairs.push((head(&lower), lower, index));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut keywords: Vec<Cow<'r, str>> = Vec::new();
        let mut rules_of: Vec<Range<u32>> = Vec::new();
        let rule_list: Vec<usize> = pairs.iter().map(|p| p.2).collect();
        for (at, (_, keyword, _)) in pairs.into_iter().enumerate() {
            if keywords.last() != Some(&keyword) {
                keywords.push(keyword);
                rules_of.push(at as u32..at as u32);
            }
            rules_of.last_mut().expect("pushed above").end += 1;
        }
        let first_trigger = keywords.len();
        // An encoded value is worth decoding on a line that names a secret (the words a generic
        // rule's name must hold) or holds another trigger.
        keywords.extend(SECRET_WORDS.iter().chain(DECODE_TRIGGERS.iter()).map(|&t| Cow::Borrowed(t)));
        rules_of.resize(keywords.len(), 0..0);
        let trigrams = match workload {
            Workload::Few => Some(Trigrams::new(&keywords)),
            Workload::Bulk => None,
        };
        let dfa = match workload {
            Workload::Few => None,
            Workload::Bulk => KeywordDfa::new(keywords.iter().map(|k| k.as_bytes())),
        };
        let prefilter = Prefilter { workload, keywords, automaton: OnceLock::new(), dfa, trigrams, rules_of, rule_list, first_trigger };
        if workload == Workload::Bulk && prefilter.dfa.is_none() {
            prefilter.automaton();
        }
        prefilter
    }

    fn automaton(&self) -> &AhoCorasick {
        self.automaton.get_or_init(|| {
            let kind = match self.workload {
                Workload::Few => AhoCorasickKind::ContiguousNFA,
                Workload::Bulk => AhoCorasickKind::DFA,
            };
            // Case-insensitive transitions for hundreds of keywords make a bigger automaton and
            // measured no faster than lowercasing the input (a DFA on a blob-sized copy).
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .kind(Some(kind))
                .build(self.keywords.iter().map(|k| k.as_bytes()))
                .expect("keywords are plain non-empty strings, checked when rules load")
        })
    }

    pub fn hits(&self, chunk: &Chunk<'_>) -> Hits {
        let mut found: Vec<(usize, usize)> = Vec::new();
        if let Some(dfa) = &self.dfa {
            dfa.find(&chunk.bytes, &mut found);
        } else {
            let lower = chunk.bytes.to_ascii_lowercase();
            if let Some(trigrams) = self.trigrams.as_ref().filter(|_| lower.len() <= SMALL_INPUT) {
                trigrams.find(&lower, &self.keywords, &mut found);
            } else {
                found.extend(self.automaton().find_overlapping_iter(&lower).map(|m| (m.pattern().as_usize(), m.start())));
            }
        }
        let mut hits = Hits::default();
        let mut last: Option<(usize, usize)> = None;
        for (pattern, start) in found {
            let line = chunk.line_index(start);
            if pattern >= self.first_trigger {
                if hits.decode_lines.last() != Some(&line) {
                    hits.decode_lines.push(line);
                }
                continue;
            }
            let of = &self.rules_of[pattern];
            for &rule in &self.rule_list[of.start as usize..of.end as usize] {
                if last != Some((rule, line)) {
                    hits.rules.push((rule, line));
                    last = Some((rule, line));
                }
            }
        }
        hits.rules.sort_unstable();
        hits.rules.dedup();
        hits.decode_lines.sort_unstable();
        hits.decode_lines.dedup();
        hits
    }
}

/// Keywords indexed by their first three bytes: a bit per hashed trigram to skip most
/// positions, then a sorted list. The few shorter keywords (`@`) are searched on their own.
struct Trigrams {
    bits: Vec<u64>,
    /// `(trigram, keyword index)`, sorted.
    entries: Vec<(u32, u32)>,
    short: Vec<usize>,
}

const TRIGRAM_BITS: u32 = 16;

fn trigram(bytes: &[u8]) -> u32 {
    u32::from(bytes[0]) | u32::from(bytes[1]) << 8 | u32::from(bytes[2]) << 16
}

fn trigram_bit(t: u32) -> usize {
    (t.wrapping_mul(0x9E37_79B1) >> (32 - TRIGRAM_BITS)) as usize
}

impl Trigrams {
    fn new(keywords: &[Cow<'_, str>]) -> Trigrams {
        let mut bits = vec![0u64; (1 << TRIGRAM_BITS) / 64];
        let mut entries = Vec::with_capacity(keywords.len());
        let mut short = Vec::new();
        for (i, k) in keywords.iter().enumerate() {
            if k.len() < 3 {
                short.push(i);
                continue;
            }
            let t = trigram(k.as_bytes());
            bits[trigram_bit(t) / 64] |= 1 << (trigram_bit(t) % 64);
            entries.push((t, i as u32));
        }
        entries.sort_unstable();
        Trigrams { bits, entries, short }
    }

    /// Every occurrence of every keyword in `lower`, as `(keyword index, start)`.
    fn find(&self, lower: &[u8], keywords: &[Cow<'_, str>], out: &mut Vec<(usize, usize)>) {
        for &k in &self.short {
            out.extend(memchr::memmem::find_iter(lower, keywords[k].as_bytes()).map(|at| (k, at)));
        }
        for start in 0..lower.len().saturating_sub(2) {
            let t = trigram(&lower[start..]);
            let bit = trigram_bit(t);
            if self.bits[bit / 64] & (1 << (bit % 64)) == 0 {
                continue;
            }
            let from = self.entries.partition_point(|e| e.0 < t);
            for &(_, k) in self.entries[from..].iter().take_while(|e| e.0 == t) {
                if lower[start..].starts_with(keywords[k as usize].as_bytes()) {
                    out.push((k as usize, start));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::Provenance;
    use std::borrow::Cow;

    /// The trigram index and the automaton find the same keywords on the same lines, overlapping
    /// ones and ones at the very end included.
    #[test]
    fn trigram_index_agrees_with_the_automaton() {
        let rules = RuleSet::builtin_for_scan();
        let few = Prefilter::new(&rules, Workload::Few);
        let bulk = Prefilter::new(&rules, Workload::Bulk);
        assert!(few.trigrams.is_some());
        let text = "x = 1\nDB_PASSWORD=ghp_abc AKIA\n  apiKey: 'sk-proj-'  # token\n-----BEGIN RSA PRIVATE KEY-----\nxoxb-1-2\nend pat";
        let chunk = Chunk::new("a/b.env".into(), Cow::Borrowed(text.as_bytes()), Provenance::File);
        let (a, b) = (few.hits(&chunk), bulk.hits(&chunk));
        assert!(!a.rules.is_empty() && !a.decode_lines.is_empty());
        assert_eq!(a.rules, b.rules);
        assert_eq!(a.decode_lines, b.decode_lines);
    }

    /// The prefilter decodes beside the words that make a name a secret's: the gate's list, not a
    /// copy of it.
    #[test]
    fn every_secret_word_marks_its_line_for_decoding() {
        let rules = RuleSet::builtin_for_scan();
        for workload in [Workload::Few, Workload::Bulk] {
            let prefilter = Prefilter::new(&rules, workload);
            for word in super::SECRET_WORDS.iter() {
                let text = format!("plain line\nthe {} here\n", word.to_ascii_uppercase());
                let chunk = Chunk::new("a.txt".into(), Cow::Owned(text.into_bytes()), Provenance::File);
                assert_eq!(prefilter.hits(&chunk).decode_lines, [1], "{word} ({workload:?})");
            }
        }
    }
}
