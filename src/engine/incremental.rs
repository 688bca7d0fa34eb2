//! Rescanning a buffer after an edit (the editor server, on every keystroke). The edit is found
//! by comparing the new text with the last one; only the lines it touched run the prefilter and
//! the single-line rules again, and every other line keeps what it found, moved by the edit.
//! What reaches past one line is redone or checked on each scan: multi-line rules' windows
//! (kept only when their bytes are untouched), rules that read the whole file, the decode
//! budget, overlaps, regions and the rendering. The result equals `Engine::scan` of the new
//! text; a test compares the two on random edits.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use super::{decode, gate, render, resolve_overlaps, windows, Candidate, DecodedSecret, Engine, FileScope, PathCheck, MAX_DECODES};
use crate::chunk::{Chunk, Provenance};
use crate::finding::Finding;
use crate::rules::RuleError;

/// What the last scan of one document found, line by line. Belongs with the rule set it was
/// filled with: drop it when the rules change.
#[derive(Default)]
pub struct ScanCache {
    state: Option<State>,
}

struct State {
    path: String,
    /// Whether the file reads as code (its extension, or its first line): generic rules ask.
    code_file: bool,
    /// The text scanned last.
    bytes: Vec<u8>,
    lines: Vec<Line>,
    windows: Windows,
}

/// Each multi-line rule's windows, `(rule, start, end)`, and what was found in them.
type Windows = HashMap<(usize, usize, usize), Vec<Found>>;

#[derive(Default)]
struct Line {
    /// Rules with a keyword on this line, sorted.
    woken: Vec<usize>,
    /// A decode trigger is on this line.
    decode: bool,
    /// What the single-line rules found here, offsets from the line's start, in rule order.
    found: Vec<Found>,
    /// What each encoded value on the line decodes to, once the decode budget reached it.
    decoded: Option<Vec<Vec<Found>>>,
}

/// A candidate as kept between scans: offsets relative to a base that moves with the text.
struct Found {
    rule: usize,
    secret: Range<usize>,
    matched: Range<usize>,
    /// Secret, match and encoding of a secret found in decoded text.
    decoded: Option<(String, String, &'static str)>,
    /// What the path must not say, judged on the result as `Engine::scan_at` does.
    path_check: Option<PathCheck>,
}

impl Found {
    fn of(c: Candidate, base: usize) -> Found {
        let shift = |r: Range<usize>| r.start - base..r.end - base;
        Found { rule: c.rule, secret: shift(c.secret), matched: shift(c.matched), decoded: c.decoded.map(|d| (d.secret, d.matched, d.encoding)), path_check: c.path_check }
    }

    fn at(&self, base: usize) -> Candidate {
        let shift = |r: &Range<usize>| r.start + base..r.end + base;
        let decoded = self.decoded.as_ref().map(|(secret, matched, encoding)| DecodedSecret { secret: secret.clone(), matched: matched.clone(), encoding });
        Candidate { rule: self.rule, secret: shift(&self.secret), matched: shift(&self.matched), decoded, path_check: self.path_check }
    }

    fn moved(self, by: isize) -> Found {
        let shift = |r: Range<usize>| r.start.wrapping_add_signed(by)..r.end.wrapping_add_signed(by);
        Found { secret: shift(self.secret), matched: shift(self.matched), ..self }
    }
}

/// Why a rescan gave up: the full scan then answers (and reports any error as it would).
struct GiveUp;

impl From<RuleError> for GiveUp {
    fn from(_: RuleError) -> GiveUp {
        GiveUp
    }
}

impl Engine<'_> {
    /// `scan`, reusing what the last call with this cache found on the lines that did not
    /// change. Chunks limited to some lines, or decoded from UTF-16, get the full scan.
    pub fn scan_cached(&self, chunk: &Chunk<'_>, cache: &mut ScanCache) -> Result<Vec<Finding>, RuleError> {
        let old = cache.state.take();
        if chunk.scope.is_some() || chunk.decoded_from.is_some() || self.keywords_cross_lines() {
            return self.scan(chunk);
        }
        match self.rescan(chunk, old) {
            Ok((findings, state)) => {
                cache.state = Some(state);
                Ok(findings)
            }
            Err(GiveUp) => self.scan(chunk),
        }
    }

    /// A keyword with a line break would make a line's hits depend on its neighbours.
    fn keywords_cross_lines(&self) -> bool {
        self.rules.rules().iter().any(|r| r.spec.keywords.iter().any(|k| k.contains(['\n', '\r'])))
    }

    fn rescan(&self, chunk: &Chunk<'_>, old: Option<State>) -> Result<(Vec<Finding>, State), GiveUp> {
        let bytes: &[u8] = &chunk.bytes;
        let code_file = gate::is_code_file(&chunk.path, bytes);
        let old = old.filter(|s| s.path == chunk.path && s.code_file == code_file);
        let scope = self.scope(&chunk.path);
        let edit = old.and_then(|old| Edit::between(old, chunk));
        let (mut lines, kept, edit) = edit.unwrap_or_else(|| {
            let lines = std::iter::repeat_with(Line::default).take(chunk.line_count()).collect();
            (lines, HashMap::new(), Edit { first: 0, last: chunk.line_count() - 1, prefix: 0, suffix: 0, delta: 0 })
        });
        self.fill(chunk, &scope, &mut lines[edit.first..=edit.last], edit.first)?;

        let multiline: Vec<bool> = self.rules.rules().iter().map(|r| r.spec.multiline).collect();
        let mut keyed: Vec<(usize, usize, Candidate)> = Vec::new();
        let mut woken_multi: Vec<(usize, usize)> = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            woken_multi.extend(line.woken.iter().filter(|&&r| multiline[r]).map(|&r| (r, i)));
            if !line.found.is_empty() {
                let base = chunk.line_span(i).start;
                keyed.extend(line.found.iter().map(|f| (f.rule, base, f.at(base))));
            }
        }
        woken_multi.sort_unstable();
        let windows = self.multiline_windows(chunk, &scope, &woken_multi, kept, &edit, &mut keyed)?;
        // In the order `Engine::candidates` gives: by rule, then window, then match.
        keyed.sort_by_key(|k| (k.0, k.1));
        let mut candidates: Vec<Candidate> = keyed.into_iter().map(|k| k.2).collect();
        for &index in &self.path_rules {
            if self.wanted(index, &scope, &chunk.path)? {
                self.match_window(chunk, index, 0..bytes.len(), &mut candidates)?;
            }
        }
        self.decoded_cached(chunk, &scope, &mut lines, &mut candidates)?;

        candidates.retain(|c| c.path_check.is_none_or(|check| check.passes(&chunk.path)));
        let candidates = resolve_overlaps(self.rules, candidates);
        let mut findings = render::findings(self.rules, chunk, &candidates);
        crate::own_files::drop_own(&chunk.path, bytes, &mut findings);
        let state = State { path: chunk.path.clone(), code_file, bytes: bytes.to_vec(), lines, windows };
        Ok((findings, state))
    }

    /// Runs the prefilter and the single-line rules on `lines`, fresh lines from `from` on.
    fn fill(&self, chunk: &Chunk<'_>, scope: &FileScope, lines: &mut [Line], from: usize) -> Result<(), GiveUp> {
        let span = chunk.line_span(from).start..chunk.line_span(from + lines.len() - 1).end;
        let part = Chunk::new(chunk.path.clone(), Cow::Borrowed(&chunk.bytes[span]), Provenance::File);
        if part.decoded_from.is_some() {
            // These lines alone read as UTF-16: the whole text did not.
            return Err(GiveUp);
        }
        let hits = self.prefilter.hits(&part);
        if self.workload == super::Workload::Few {
            self.compile_ahead(&[(chunk.path.as_str(), scope.clone())], &hits.rules);
        }
        for &(rule, line) in &hits.rules {
            lines[line].woken.push(rule);
        }
        for &line in &hits.decode_lines {
            lines[line].decode = true;
        }
        let mut out = Vec::new();
        for (i, line) in lines.iter_mut().enumerate() {
            let span = chunk.line_span(from + i);
            for &rule in &line.woken {
                if self.rules.rules()[rule].spec.multiline || !self.wanted(rule, scope, &chunk.path)? {
                    continue;
                }
                self.match_window(chunk, rule, span.clone(), &mut out)?;
                line.found.extend(out.drain(..).map(|c| Found::of(c, span.start)));
            }
        }
        Ok(())
    }

    /// The multi-line rules' windows (`woken`: sorted `(rule, line)` pairs), each kept from the
    /// last scan when no byte it reads changed, else matched again.
    fn multiline_windows(
        &self,
        chunk: &Chunk<'_>,
        scope: &FileScope,
        woken: &[(usize, usize)],
        mut kept: Windows,
        edit: &Edit,
        out: &mut Vec<(usize, usize, Candidate)>,
    ) -> Result<Windows, GiveUp> {
        let len = chunk.bytes.len();
        let mut windows_now = HashMap::new();
        for group in woken.chunk_by(|a, b| a.0 == b.0) {
            let rule = group[0].0;
            if !self.wanted(rule, scope, &chunk.path)? {
                continue;
            }
            for w in windows(chunk, &self.rules.rules()[rule], group.iter().map(|&(_, line)| line)) {
                // Past the window: the rest of its last line and its line break, and the few
                // bytes `char_end` may look at.
                let reads_to = chunk.line_span(chunk.line_index(w.end)).end.max(w.end) + 4;
                let reused = if reads_to <= edit.prefix {
                    kept.remove(&(rule, w.start, w.end))
                } else if w.start >= len - edit.suffix {
                    let old = |at: usize| at.wrapping_add_signed(-edit.delta);
                    kept.remove(&(rule, old(w.start), old(w.end))).map(|found| found.into_iter().map(|f| f.moved(edit.delta)).collect())
                } else {
                    None
                };
                let found = match reused {
                    Some(found) => found,
                    None => {
                        let mut matched = Vec::new();
                        self.match_window(chunk, rule, w.clone(), &mut matched)?;
                        matched.into_iter().map(|c| Found::of(c, 0)).collect()
                    }
                };
                out.extend(found.iter().map(|f| (rule, w.start, f.at(0))));
                windows_now.insert((rule, w.start, w.end), found);
            }
        }
        Ok(windows_now)
    }

    /// `Engine::decoded`, with each line's decoded values kept: the budget is spent in line
    /// order as there.
    fn decoded_cached(&self, chunk: &Chunk<'_>, scope: &FileScope, lines: &mut [Line], out: &mut Vec<Candidate>) -> Result<(), GiveUp> {
        let mut budget = MAX_DECODES;
        for (i, line) in lines.iter_mut().enumerate().filter(|(_, l)| l.decode) {
            let span = chunk.line_span(i);
            if line.decoded.is_none() {
                line.decoded = Some(self.decode_line(chunk, scope, span.clone())?);
            }
            for value in line.decoded.iter().flatten() {
                if budget == 0 {
                    return Ok(());
                }
                budget -= 1;
                out.extend(value.iter().map(|f| f.at(span.start)));
            }
        }
        Ok(())
    }

    /// What each encoded value on a line decodes to, reported at the value (line offsets).
    fn decode_line(&self, chunk: &Chunk<'_>, scope: &FileScope, span: Range<usize>) -> Result<Vec<Vec<Found>>, RuleError> {
        let mut out = Vec::new();
        for d in decode::candidates(&chunk.bytes[span]) {
            let inner = Chunk::new(chunk.path.clone(), Cow::Owned(d.text), chunk.provenance.clone());
            let hits = self.prefilter.hits(&inner);
            let text = |r: Range<usize>| String::from_utf8_lossy(&inner.bytes[r]).into_owned();
            let scopes = [(chunk.path.as_str(), scope.clone())];
            let found = self.candidates(&inner, &scopes, &hits.rules)?.into_iter().map(|c| Found {
                rule: c.rule,
                secret: d.range.clone(),
                matched: d.range.clone(),
                decoded: Some((text(c.secret), text(c.matched), d.encoding)),
                path_check: c.path_check,
            });
            out.push(found.collect());
        }
        Ok(out)
    }
}

/// Where the new text differs from the last: lines `first..=last` (new numbering) changed,
/// the first `prefix` and last `suffix` bytes did not, and the text grew by `delta` bytes.
struct Edit {
    first: usize,
    last: usize,
    prefix: usize,
    suffix: usize,
    delta: isize,
}

impl Edit {
    /// The last scan's lines moved to the new text (changed lines empty), its windows, and the
    /// edit; `None` when they do not fit (start afresh).
    fn between(old: State, chunk: &Chunk<'_>) -> Option<(Vec<Line>, Windows, Edit)> {
        let bytes: &[u8] = &chunk.bytes;
        let prefix = common_prefix(&old.bytes, bytes);
        let suffix = common_suffix(&old.bytes[prefix..], &bytes[prefix..]);
        let first = chunk.line_index(prefix);
        let last = chunk.line_index(bytes.len() - suffix);
        // The suffix holds as many line breaks in both texts.
        let old_last = (last + old.lines.len()).checked_sub(chunk.line_count()).filter(|&l| l >= first && l < old.lines.len())?;
        let mut lines = old.lines;
        lines.splice(first..=old_last, std::iter::repeat_with(Line::default).take(last + 1 - first));
        let delta = bytes.len() as isize - old.bytes.len() as isize;
        Some((lines, old.windows, Edit { first, last, prefix, suffix, delta }))
    }
}

/// Length of the common prefix, compared a block at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// Length of the common suffix.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + BLOCK <= n && a[n - i - BLOCK..n - i] == b[n - i - BLOCK..n - i] {
        i += BLOCK;
    }
    while i < n && a[n - i - 1] == b[n - i - 1] {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::ScanCache;
    use crate::chunk::{Chunk, Provenance};
    use crate::engine::Engine;
    use crate::rules::RuleSet;

    /// A tiny xorshift: seeded, so a failure replays.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }

        fn word(&mut self, len: usize, alphabet: &[u8]) -> String {
            (0..len).map(|_| alphabet[self.below(alphabet.len())] as char).collect()
        }
    }

    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// A piece of text an edit inserts: tokens, a key id with its secret on the next line, a
    /// key block, encoded values, assignments, region markers, line breaks, wide characters.
    /// Every value is random, made here.
    fn fragment(rng: &mut Rng) -> String {
        match rng.below(16) {
            0 => format!("token = \"{}{}\"", "ghp_", rng.word(36, ALNUM)),
            1 => format!("key_id = \"{}{}\",\n  \"{}\"", "AKIA", rng.word(16, UPPER), rng.word(40, B64)),
            2 => {
                let body: Vec<String> = (0..3).map(|_| rng.word(64, B64)).collect();
                format!("{}\n{}\n{}", concat!("-----BEGIN RSA PRIVATE", " KEY-----"), body.join("\n"), concat!("-----END RSA PRIVATE", " KEY-----"))
            }
            3 => format!("password = \"{}!{}\"", rng.word(8, ALNUM), rng.word(4, ALNUM)),
            4 => format!("api_secret: '{}'", rng.word(24, ALNUM)),
            5 => format!("auth_token = \"{}\"", base64(&format!("{}{}", "ghp_", rng.word(36, ALNUM)))),
            6 => format!("dsn: {}", base64(&format!("postgres://app:{}@db.internal:5432/main", rng.word(14, ALNUM)))),
            7 => "\"\"\"".to_string(),
            8 => "#[cfg(test)]\n".to_string(),
            9 => "    #[test]\n    fn t() {\n    }\n".to_string(),
            10 => "\n".to_string(),
            11 => "\r\n".to_string(),
            12 => "é🔑ß ".to_string(),
            13 => format!("secret = \"{}\"(", rng.word(20, ALNUM)),
            14 => "#!/usr/bin/env python3\n".to_string(),
            _ => format!("x{} = compute({})  # plain", rng.below(1000), rng.below(99)),
        }
    }

    fn base64(text: &str) -> String {
        let mut out = String::new();
        for group in text.as_bytes().chunks(3) {
            let n = group.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                out.push(if i <= group.len() { B64[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
            }
        }
        out
    }

    fn char_boundary(text: &str, mut at: usize) -> usize {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    /// One random edit: an insertion, a deletion or a replacement, of characters or lines.
    fn edit(rng: &mut Rng, text: &mut String) {
        let at = char_boundary(text, rng.below(text.len() + 1));
        match rng.below(6) {
            0 | 1 => {
                let piece = fragment(rng);
                text.insert_str(at, &piece);
            }
            2 => {
                let end = char_boundary(text, at + rng.below(40));
                text.replace_range(at..end, "");
            }
            3 => {
                let end = char_boundary(text, at + rng.below(400));
                let piece = fragment(rng);
                text.replace_range(at..end, &piece);
            }
            4 => {
                let ch = ["a", "\"", "=", " ", "\n", "(", "A"][rng.below(7)];
                text.insert_str(at, ch);
            }
            _ => {
                // Delete one whole line.
                let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                text.replace_range(start..end, "");
            }
        }
    }

    fn start_text(rng: &mut Rng) -> String {
        let mut text = String::new();
        for i in 0..120 {
            if i % 3 == 0 {
                text.push_str(&fragment(rng));
            } else {
                text.push_str(&format!("value_{i} = lookup(\"name_{i}\")  # token key password"));
            }
            text.push('\n');
        }
        text
    }

    fn scan(engine: &Engine<'_>, path: &str, text: &str, cache: Option<&mut ScanCache>) -> String {
        let chunk = Chunk::new(path.to_string(), Cow::Borrowed(text.as_bytes()), Provenance::File);
        let found = match cache {
            Some(cache) => engine.scan_cached(&chunk, cache),
            None => engine.scan(&chunk),
        };
        format!("{:#?}", found.expect("the built-in rules compile"))
    }

    /// After every one of many random edits, the cached rescan equals a full scan.
    #[test]
    fn rescans_after_random_edits_equal_full_scans() {
        let rules = RuleSet::builtin_for_scan();
        let engine = Engine::new(&rules);
        for (seed, path) in [(7u64, "app.py"), (11, "deploy/settings.yaml"), (23, "bin/run"), (31, "config/.env"), (43, "src/lib.rs")] {
            let mut rng = Rng(seed * 0x9E37_79B9_7F4A_7C15);
            let mut text = start_text(&mut rng);
            let mut cache = ScanCache::default();
            let mut found = 0;
            for step in 0..300 {
                let cached = scan(&engine, path, &text, Some(&mut cache));
                let full = scan(&engine, path, &text, None);
                assert_eq!(cached, full, "{path}, seed {seed}, after edit {step}, text:\n{text}");
                found += usize::from(full != "[]");
                let edits = 1 + rng.below(3);
                for _ in 0..edits {
                    edit(&mut rng, &mut text);
                }
                if text.len() > 40_000 {
                    text = start_text(&mut rng);
                }
            }
            assert!(found > 100, "{path}: the edits keep findings coming ({found} scans found some)");
        }
    }

    /// A new path, or a text that shares nothing with the last, starts afresh.
    #[test]
    fn a_cache_follows_path_and_whole_text_changes() {
        let rules = RuleSet::builtin_for_scan();
        let engine = Engine::new(&rules);
        let mut rng = Rng(5);
        let mut cache = ScanCache::default();
        for (path, text) in [("a.py", start_text(&mut rng)), ("a.txt", start_text(&mut rng)), ("a.txt", String::new()), ("a.txt", start_text(&mut rng))] {
            assert_eq!(scan(&engine, path, &text, Some(&mut cache)), scan(&engine, path, &text, None), "{path}");
        }
    }
}
