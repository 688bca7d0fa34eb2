//! One Aho-Corasick pass over every rule's keywords tells which rules can match, and on which
//! lines, before any regex runs.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::chunk::Chunk;
use crate::rules::RuleSet;

pub struct Prefilter {
    automaton: AhoCorasick,
    /// For each distinct keyword, the rules (indices into the rule set) that list it.
    rules_of: Vec<Vec<usize>>,
}

impl Prefilter {
    pub fn new(rules: &RuleSet) -> Prefilter {
        let mut keywords: Vec<String> = Vec::new();
        let mut rules_of: Vec<Vec<usize>> = Vec::new();
        for (index, rule) in rules.rules().iter().enumerate() {
            for keyword in &rule.spec.keywords {
                let keyword = keyword.to_ascii_lowercase();
                match keywords.iter().position(|k| *k == keyword) {
                    Some(at) => rules_of[at].push(index),
                    None => {
                        keywords.push(keyword);
                        rules_of.push(vec![index]);
                    }
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&keywords)
            .expect("keywords are plain non-empty strings, checked when rules load");
        Prefilter { automaton, rules_of }
    }

    /// Sorted, distinct `(rule index, 0-based line index)` pairs: each line where one of the
    /// rule's keywords occurs.
    pub fn hits(&self, chunk: &Chunk<'_>) -> Vec<(usize, usize)> {
        let mut hits = Vec::new();
        let mut last: Option<(usize, usize)> = None;
        for m in self.automaton.find_overlapping_iter(&*chunk.bytes) {
            let line = chunk.line_index(m.start());
            for &rule in &self.rules_of[m.pattern().as_usize()] {
                if last != Some((rule, line)) {
                    hits.push((rule, line));
                    last = Some((rule, line));
                }
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }
}
