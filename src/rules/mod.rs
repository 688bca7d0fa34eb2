//! The rule catalogue: what a rule is, how rule files are read and validated.
//!
//! Rules are data (`patterns/*.toml`). A rule's regex is compiled lazily, the first time the
//! prefilter sees one of its keywords, so a run pays only for the rules its input can reach.

pub mod advice;
pub mod builtin;
pub mod doc;
mod spec;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::{Mutex, OnceLock};

use regex_automata::nfa::thompson::backtrack::{self, BoundedBacktracker};
use regex_automata::nfa::thompson::pikevm::{self, PikeVM};
use regex_automata::nfa::thompson;
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{meta, Input};

pub use spec::{Kind, NameWords, RuleSpec, Severity, Text};
use spec::RuleFile;

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Secret => "secret",
            Kind::Smell => "smell",
        })
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Block => "block",
            Severity::Warn => "warn",
        })
    }
}

/// A rule ready for the engine: its spec plus the regex, compiled on first use.
#[derive(Debug)]
pub struct Rule {
    /// Borrowed from the binary for a built-in rule (nothing copied at start-up); owned once a
    /// config tunes it, and for custom rules.
    pub spec: Cow<'static, RuleSpec>,
    /// Where the rule came from, for messages (`patterns/github.toml`).
    pub origin: String,
    /// The regex for a commit's few lines, and the one for bulk scans: each built on first
    /// use, so a rule compiled while loading (a custom rule proving its examples) still gets
    /// the bulk build when a folder or a history asks for it.
    regex: OnceLock<Result<RuleRegex, String>>,
    bulk_regex: OnceLock<Result<RuleRegex, String>>,
    path: OnceLock<Result<Option<regex::Regex>, String>>,
}

impl Rule {
    pub fn new(spec: RuleSpec, origin: impl Into<String>) -> Rule {
        Rule::from_spec(Cow::Owned(spec), origin)
    }

    /// A built-in rule: its spec stays in the binary.
    pub fn builtin(spec: &'static RuleSpec, origin: &'static str) -> Rule {
        Rule::from_spec(Cow::Borrowed(spec), origin)
    }

    fn from_spec(spec: Cow<'static, RuleSpec>, origin: impl Into<String>) -> Rule {
        Rule { spec, origin: origin.into(), regex: OnceLock::new(), bulk_regex: OnceLock::new(), path: OnceLock::new() }
    }

    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// Generic rules are fallbacks: a provider rule that reports an overlapping secret wins.
    pub fn is_file_rule(&self) -> bool {
        self.spec.file
    }

    /// A rule that judges a name and a value rather than a provider's own format: the
    /// `generic-` rules, and those marked `generic = true`. Their values get the generic checks.
    pub fn is_generic(&self) -> bool {
        self.spec.generic || self.spec.id.starts_with("generic-")
    }

    /// Whether the commit build of the regex has been compiled yet (on first use only).
    pub fn is_compiled(&self) -> bool {
        self.regex.get().is_some()
    }

    /// The compiled regex, built for a commit's few lines; compiled once, on first call.
    pub fn regex(&self) -> Result<&RuleRegex, RuleError> {
        self.regex_for(false)
    }

    /// The compiled regex; `bulk` asks for the build with a lazy DFA, which costs more to
    /// build and searches the many lines of a history or folder scan far faster.
    pub fn regex_for(&self, bulk: bool) -> Result<&RuleRegex, RuleError> {
        let cell = if bulk { &self.bulk_regex } else { &self.regex };
        cell.get_or_init(|| RuleRegex::new(&self.spec.regex, bulk))
            .as_ref()
            .map_err(|msg| RuleError::Regex { id: self.spec.id.to_string(), msg: msg.clone() })
    }

    /// Whether the rule applies to a file at `path` (always, for a rule without `path`).
    pub fn applies_to(&self, path: &str) -> Result<bool, RuleError> {
        let compiled = self
            .path
            .get_or_init(|| match &self.spec.path {
                None => Ok(None),
                Some(p) => regex::Regex::new(p).map(Some).map_err(|e| e.to_string()),
            })
            .as_ref()
            .map_err(|msg| RuleError::Regex { id: self.spec.id.to_string(), msg: format!("path: {msg}") })?;
        Ok(compiled.as_ref().is_none_or(|re| re.is_match(path)))
    }
}

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
    fn new(pattern: &str, bulk: bool) -> Result<RuleRegex, String> {
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

/// The checksums a rule may name in `checksum`.
pub const CHECKSUMS: &[&str] = &["github-crc32"];

#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{origin}:{msg}")]
    Parse { origin: String, msg: String },
    #[error("rule `{id}` has an invalid regex: {msg}")]
    Regex { id: String, msg: String },
    #[error("rule `{id}` is defined twice ({first} and {second})")]
    Duplicate { id: String, first: String, second: String },
    #[error("rule `{id}` ({origin}): {msg}")]
    Invalid { id: String, origin: String, msg: String },
}

/// The rules of one run, in a stable order (file order, then position in the file).
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// Position of each id in `rules`: ten thousand custom rules must not cost a search each.
    index: HashMap<Text, usize>,
}

impl RuleSet {
    /// The rules built into the binary, validated (for `rules test` and `show`, and tests).
    pub fn builtin() -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::default();
        for file in builtin::FILES {
            for spec in file.rules {
                set.add(Rule::builtin(spec, file.origin))?;
            }
        }
        Ok(set)
    }

    /// The rules built into the binary, as a scan needs them: borrowed from the binary, not
    /// validated again (`builtin` validates the same records, and the test suite and `rules
    /// test` in CI load it; the check of distinct ids is quadratic).
    pub fn builtin_for_scan() -> RuleSet {
        let mut rules = Vec::with_capacity(builtin::FILES.iter().map(|f| f.rules.len()).sum());
        for file in builtin::FILES {
            rules.extend(file.rules.iter().map(|spec| Rule::builtin(spec, file.origin)));
        }
        let index = rules.iter().enumerate().map(|(i, r)| (r.spec.id.clone(), i)).collect();
        RuleSet { rules, index }
    }

    /// Parses one pattern file and adds its rules, checking ids and keywords (not regexes: those
    /// compile lazily; `check` compiles every one).
    pub fn add_file(&mut self, origin: &str, text: &str) -> Result<(), RuleError> {
        let file: RuleFile = toml::from_str(text).map_err(|e| RuleError::Parse {
            origin: origin.to_string(),
            msg: toml_error_message(text, &e),
        })?;
        for spec in file.rules {
            self.add(Rule::new(spec, origin))?;
        }
        Ok(())
    }

    pub fn add(&mut self, rule: Rule) -> Result<(), RuleError> {
        validate(&rule)?;
        if let Some(first) = self.get(rule.id()) {
            return Err(RuleError::Duplicate {
                id: rule.spec.id.to_string(),
                first: first.origin.clone(),
                second: rule.origin.clone(),
            });
        }
        self.index.insert(rule.spec.id.clone(), self.rules.len());
        self.rules.push(rule);
        Ok(())
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.index.get(id).map(|&i| &self.rules[i])
    }

    /// For config overrides of severity and entropy (not the regex: it may be compiled).
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Rule> {
        self.index.get(id).map(|&i| &mut self.rules[i])
    }

    /// Drops a rule; whether it was there.
    pub fn remove(&mut self, id: &str) -> bool {
        self.remove_all(&[id]) == 1
    }

    /// Drops every rule named in `ids` in one pass; how many were there.
    pub fn remove_all(&mut self, ids: &[&str]) -> usize {
        let drop: std::collections::HashSet<&str> = ids.iter().copied().filter(|id| self.index.contains_key(*id)).collect();
        if drop.is_empty() {
            return 0;
        }
        self.rules.retain(|r| !drop.contains(r.id()));
        self.index = self.rules.iter().enumerate().map(|(i, r)| (r.spec.id.clone(), i)).collect();
        drop.len()
    }

    /// Every rule id, for "did you mean" suggestions.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(Rule::id)
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

fn validate(rule: &Rule) -> Result<(), RuleError> {
    let invalid = |msg: &str| RuleError::Invalid {
        id: rule.spec.id.to_string(),
        origin: rule.origin.clone(),
        msg: msg.to_string(),
    };
    let id = &rule.spec.id;
    let id_ok = !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-');
    if !id_ok {
        return Err(invalid("the id must be kebab-case: lowercase letters, digits and `-`"));
    }
    if let Some(p) = &rule.spec.provider {
        if advice::provider(p).is_none() {
            return Err(invalid(&format!("unknown provider `{p}` (see patterns/providers.toml)")));
        }
    }
    if rule.spec.file {
        if rule.spec.path.is_none() || !rule.spec.regex.is_empty() || !rule.spec.keywords.is_empty() {
            return Err(invalid("a file rule has a `path`, and neither a regex nor keywords"));
        }
        return Ok(());
    }
    if rule.spec.regex.is_empty() {
        return Err(invalid("a rule needs a regex (only a `file = true` rule has none)"));
    }
    if rule.spec.keywords.is_empty() && rule.spec.path.is_none() {
        return Err(invalid("a rule needs at least one keyword (or a path), or the prefilter never wakes it"));
    }
    if let Some(c) = &rule.spec.checksum {
        if !CHECKSUMS.contains(&c.as_ref()) {
            return Err(invalid(&format!("unknown checksum `{c}` (known: {})", CHECKSUMS.join(", "))));
        }
    }
    if rule.spec.keywords.iter().any(|k| k.trim().is_empty()) {
        return Err(invalid("a keyword is empty"));
    }
    if let Some(e) = rule.spec.entropy {
        if !(0.0..=8.0).contains(&e) {
            return Err(invalid("entropy is in bits per byte: between 0 and 8"));
        }
    }
    Ok(())
}

/// A TOML error as `line:col: message` (or ` message` when it has no position), to follow a
/// file name and a colon.
pub fn toml_error_message(text: &str, err: &toml::de::Error) -> String {
    let msg = err.message().trim().to_string();
    match err.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{line}:{col}: {msg}")
        }
        None => format!(" {msg}"),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

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
