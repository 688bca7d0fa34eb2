//! A rule's regex, compiled two ways: a bare NFA for a commit's few lines, a meta regex with
//! a lazy DFA for bulk scans; and the limits that bound what a search may cost.

use std::ops::Range;
use std::sync::Mutex;

use regex_automata::nfa::thompson::backtrack::{self, BoundedBacktracker};
use regex_automata::nfa::thompson::pikevm::{self, PikeVM};
use regex_automata::nfa::thompson;
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{meta, Input};

/// A rule's compiled regex. It only ever runs on the lines the keyword prefilter picked.
#[derive(Debug)]
pub struct RuleRegex {
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    /// For a commit's few short lines: one NFA, searched by a bounded backtracker (a PikeVM past
    /// the backtracker's reach), and nothing else built. Parsing the pattern and compiling its
    /// NFA is most of a commit's own work; the meta regex would add literal analysis and a
    /// one-pass DFA on top, which cost more to build than a few lines cost to search.
    Quick(Box<QuickRegex>),
    /// For history and folder scans: the meta regex with a lazy DFA, which costs more to build
    /// and searches many lines far faster.
    Meta(meta::Regex),
}

#[derive(Debug)]
struct QuickRegex {
    backtrack: BoundedBacktracker,
    pikevm: PikeVM,
    /// One set of caches to reuse; a thread that finds it taken makes its own.
    caches: Mutex<Option<QuickCaches>>,
}

/// Made on first need: most regexes only ever see lines short enough for the backtracker.
#[derive(Debug, Default)]
struct QuickCaches {
    backtrack: Option<backtrack::Cache>,
    pikevm: Option<pikevm::Cache>,
}

/// One match: the whole match, and the `secret` and `name` groups when the rule has them.
#[derive(Debug, Clone)]
pub struct RuleMatch {
    pub whole: Range<usize>,
    pub secret: Option<Range<usize>>,
    pub name: Option<Range<usize>>,
}

impl RuleRegex {
    pub(super) fn new(pattern: &str, bulk: bool) -> Result<RuleRegex, String> {
        if bulk {
            let mut builder = quick_builder(meta::Config::new());
            builder.configure(meta::Config::new().hybrid(true));
            let regex = builder.build(pattern).map_err(|e| build_error(&e))?;
            return Ok(RuleRegex { inner: Inner::Meta(regex) });
        }
        let nfa = thompson::Compiler::new()
            .syntax(quick_syntax())
            .configure(thompson::Config::new().utf8(false).nfa_size_limit(Some(NFA_SIZE_LIMIT)))
            .build(pattern)
            .map_err(|e| nfa_error(pattern, &e))?;
        let backtrack = BoundedBacktracker::new_from_nfa(nfa.clone()).map_err(|e| e.to_string())?;
        let pikevm = PikeVM::new_from_nfa(nfa).map_err(|e| e.to_string())?;
        Ok(RuleRegex { inner: Inner::Quick(Box::new(QuickRegex { backtrack, pikevm, caches: Mutex::new(None) })) })
    }

    /// Whether this is the bulk build (a lazy DFA).
    pub fn is_bulk(&self) -> bool {
        matches!(self.inner, Inner::Meta(_))
    }

    pub fn is_match(&self, haystack: &[u8]) -> bool {
        !self.matches(haystack, |_| true).is_empty()
    }

    /// Every non-empty, non-overlapping match in `haystack` that `keep` accepts, left to right.
    /// A match `keep` turns down does not hide the text after its `name`: `a='B_PASSWORD="x"'`
    /// is searched again from `=`, so a rule whose name is any word still finds `B_PASSWORD`.
    pub fn matches(&self, haystack: &[u8], keep: impl Fn(&RuleMatch) -> bool) -> Vec<RuleMatch> {
        let mut found = Vec::new();
        let mut at = 0;
        self.with_searcher(haystack.len(), |search, caps| {
            while at <= haystack.len() {
                search(&Input::new(haystack).range(at..), caps);
                let Some(m) = rule_match(caps) else { break };
                if m.whole.is_empty() {
                    at = m.whole.end + 1;
                } else if keep(&m) {
                    at = m.whole.end;
                    found.push(m);
                } else {
                    // No later start inside the name can do better: its tail is the name's tail.
                    at = m.name.as_ref().map_or(0, |n| n.end).max(m.whole.start + 1);
                }
            }
        });
        found
    }

    /// Runs `work` with a search function fit for haystacks of `len` bytes, and captures for it.
    fn with_searcher(&self, len: usize, work: impl FnOnce(&mut dyn FnMut(&Input<'_>, &mut Captures), &mut Captures)) {
        match &self.inner {
            Inner::Meta(regex) => {
                let mut caps = regex.create_captures();
                work(&mut |input, caps| regex.search_captures(input, caps), &mut caps);
            }
            Inner::Quick(q) => {
                let mut slot = q.caches.try_lock().ok();
                let mut caches = slot.as_mut().and_then(|s| s.take()).unwrap_or_default();
                if len <= q.backtrack.max_haystack_len() {
                    let cache = caches.backtrack.get_or_insert_with(|| q.backtrack.create_cache());
                    let mut caps = q.backtrack.create_captures();
                    // Within max_haystack_len the backtracker cannot fail.
                    work(&mut |input, caps| q.backtrack.try_search(cache, input, caps).unwrap_or(()), &mut caps);
                } else {
                    let cache = caches.pikevm.get_or_insert_with(|| q.pikevm.create_cache());
                    let mut caps = q.pikevm.create_captures();
                    work(&mut |input, caps| q.pikevm.search(cache, input, caps), &mut caps);
                }
                if let Some(slot) = slot.as_mut() {
                    **slot = Some(caches);
                }
            }
        }
    }
}

fn rule_match(caps: &Captures) -> Option<RuleMatch> {
    Some(RuleMatch {
        whole: caps.get_match()?.range(),
        secret: caps.get_group_by_name("secret").map(|s| s.range()),
        name: caps.get_group_by_name("name").map(|s| s.range()),
    })
}

/// The most memory a rule's compiled NFA may take. A search costs up to (window length) x
/// (NFA size), so this bounds the cost per byte of input; `a{100000}` or `(?s).{20000}!`
/// would otherwise run for minutes on one long line. The largest built-in rule takes about
/// 62 KiB; a test checks they all fit.
pub const NFA_SIZE_LIMIT: usize = 256 * 1024;

/// The largest count a custom rule's counted repetition may have (`{N}`, `{N,M}`, `{N,}`);
/// the built-in rules go to 600. A search costs (window length) x (states the NFA has live),
/// and `(?s).{N}` keeps N of them live at every byte.
pub const MAX_REPEAT: u32 = 1000;

/// Refuses a pattern whose search cost per byte would be out of bounds: a counted repetition
/// over `MAX_REPEAT`. (The NFA size limit catches the rest when the regex compiles.) The
/// message names the limit, never the pattern's text.
pub fn check_cost(pattern: &str) -> Result<(), String> {
    use regex_syntax::hir::{Hir, HirKind};
    fn largest(hir: &Hir) -> u32 {
        match hir.kind() {
            HirKind::Repetition(r) => r.max.unwrap_or(r.min).max(largest(&r.sub)),
            HirKind::Capture(c) => largest(&c.sub),
            HirKind::Concat(all) | HirKind::Alternation(all) => all.iter().map(largest).max().unwrap_or(0),
            _ => 0,
        }
    }
    // A pattern that does not parse is reported by the compiler, with its position.
    let Ok(hir) = syntax::parse_with(pattern, &quick_syntax()) else { return Ok(()) };
    let count = largest(&hir);
    if count > MAX_REPEAT {
        return Err(format!(
            "a counted repetition of {count} is over the limit of {MAX_REPEAT}, which bounds the cost of a search"
        ));
    }
    Ok(())
}

/// ASCII classes (secrets are ASCII, and Unicode-aware `\w`, `\s` and `(?i)` compile to
/// automata many times larger), and bytes (files may not be UTF-8).
fn quick_syntax() -> syntax::Config {
    syntax::Config::new().unicode(false).utf8(false)
}

/// The meta regex builder for rule and path patterns: the syntax of `quick_syntax`, no literal
/// prefilter of its own (the keyword pass is the prefilter), and no lazy DFA unless the caller
/// turns `hybrid` back on for a bulk scan.
pub fn quick_builder(config: meta::Config) -> meta::Builder {
    let config = config.utf8_empty(false).auto_prefilter(false).hybrid(false).nfa_size_limit(Some(NFA_SIZE_LIMIT));
    let mut builder = meta::Builder::new();
    builder.configure(config).syntax(quick_syntax());
    builder
}

/// A build error as one line; a syntax error's text shows the pattern with a caret.
fn build_error(e: &meta::BuildError) -> String {
    match (e.syntax_error(), e.size_limit()) {
        (Some(s), _) => s.to_string(),
        (None, Some(limit)) => format!(
            "the compiled regex is over the size limit of {} KiB, which bounds the cost of a search \
             (a large counted repetition such as `{{N}}`, or a large alternation)",
            limit / 1024
        ),
        (None, None) => e.to_string(),
    }
}

/// The NFA compiler's error in the words of the meta builder, which shows a syntax error's
/// pattern with a caret.
fn nfa_error(pattern: &str, e: &thompson::BuildError) -> String {
    match quick_builder(meta::Config::new()).build(pattern) {
        Err(meta_error) => build_error(&meta_error),
        Ok(_) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    /// The size limit leaves room for every built-in rule, in both builds, and refuses the
    /// patterns whose matching cost ran away (issue 12, item 11).
    #[test]
    fn size_limit_keeps_builtins_and_refuses_runaway_patterns() {
        for rule in RuleSet::builtin_for_scan().rules().iter().filter(|r| !r.spec.regex.is_empty()) {
            assert!(check_cost(&rule.spec.regex).is_ok(), "{}", rule.id());
            for bulk in [false, true] {
                assert!(RuleRegex::new(&rule.spec.regex, bulk).is_ok(), "{} (bulk: {bulk})", rule.id());
            }
        }
        for pattern in ["a{1001}", "x(?:ab{2000})?", "[a-z]{5,1001}"] {
            assert!(check_cost(pattern).unwrap_err().contains("limit of 1000"), "{pattern}");
        }
        for pattern in ["a{1000}", "[a-z]+", "x{2,}"] {
            assert!(check_cost(pattern).is_ok(), "{pattern}");
        }
        for pattern in ["a{100000}", "(?s).{20000}!", "[a-z]{20000}"] {
            for bulk in [false, true] {
                let e = RuleRegex::new(pattern, bulk).expect_err(pattern);
                assert!(e.contains("size limit"), "{pattern}: {e}");
            }
        }
    }
}
