//! One Aho-Corasick pass over every rule's keywords tells which rules can match, and on which
//! lines, before any regex runs. The same pass marks the lines whose encoded values are worth
//! decoding.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::chunk::Chunk;
use crate::rules::RuleSet;

/// Words that put an encoded value in a credential's context, and the base64 of texts that
/// are secrets wherever they sit (`-----BEGIN`, `postgres://`, ...) or `://` percent-encoded.
const DECODE_TRIGGERS: &[&str] = &[
    "secret", "token", "passw", "pwd", "auth", "credential", "_key", "apikey", "dsn", "conn",
    "ls0tls1crudjti", "cg9zdgdyzxm6ly", "bw9uz29ky", "bxlzcww6ly", "cmvkaxm6ly", "ahr0chm6ly",
    "%3a%2f%2f",
];

/// How much input an engine will see, which decides how its automaton is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// A commit's few files: build fast (a contiguous NFA, ~1 ms for the catalogue).
    Few,
    /// Many files or blobs: a DFA costs more to build and searches several times faster.
    Bulk,
}

pub struct Prefilter {
    automaton: AhoCorasick,
    /// For each distinct keyword, the rules (indices into the rule set) that list it; the
    /// decode triggers come last and list none.
    rules_of: Vec<Vec<usize>>,
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

impl Prefilter {
    pub fn new(rules: &RuleSet, workload: Workload) -> Prefilter {
        let mut keywords: Vec<String> = Vec::new();
        let mut rules_of: Vec<Vec<usize>> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (index, rule) in rules.rules().iter().enumerate() {
            for keyword in &rule.spec.keywords {
                let keyword = keyword.to_ascii_lowercase();
                match seen.get(&keyword) {
                    Some(&at) => rules_of[at].push(index),
                    None => {
                        seen.insert(keyword.clone(), keywords.len());
                        keywords.push(keyword);
                        rules_of.push(vec![index]);
                    }
                }
            }
        }
        let first_trigger = keywords.len();
        keywords.extend(DECODE_TRIGGERS.iter().map(|t| t.to_string()));
        let kind = match workload {
            Workload::Few => AhoCorasickKind::ContiguousNFA,
            Workload::Bulk => AhoCorasickKind::DFA,
        };
        // Case-insensitive transitions for hundreds of keywords make a bigger automaton and
        // measured no faster than lowercasing the input (a DFA on a blob-sized copy).
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(kind))
            .build(&keywords)
            .expect("keywords are plain non-empty strings, checked when rules load");
        Prefilter { automaton, rules_of, first_trigger }
    }

    pub fn hits(&self, chunk: &Chunk<'_>) -> Hits {
        let mut hits = Hits::default();
        let mut last: Option<(usize, usize)> = None;
        let lower = chunk.bytes.to_ascii_lowercase();
        for m in self.automaton.find_overlapping_iter(&lower) {
            let line = chunk.line_index(m.start());
            let pattern = m.pattern().as_usize();
            if pattern >= self.first_trigger {
                if hits.decode_lines.last() != Some(&line) {
                    hits.decode_lines.push(line);
                }
                continue;
            }
            for &rule in &self.rules_of[pattern] {
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
