//! The checks behind the `cargo fuzz` targets in `fuzz/`, shared with the corpus replay in
//! `tests/it/fuzz_replay.rs` so a crash found on nightly stays a test on stable. Each check
//! takes raw fuzz bytes, runs the real code path and returns the broken invariant, if any; a
//! panic in the code under test propagates to the caller.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use crate::chunk::{Chunk, Provenance};
use crate::config::{self, ConfigError};
use crate::engine::Engine;
use crate::filter::{Filters, PathKey};
use crate::finding::{Finding, FingerprintKey};
use crate::rules::RuleSet;
use crate::source::{push, staged};

/// The targets, by the name of their fuzz binary and corpus folder.
pub const TARGETS: [&str; 4] = ["engine", "config", "push_stdin", "staged_diff"];

/// Runs the check of `target` on `data`.
pub fn check(target: &str, data: &[u8]) -> Result<(), String> {
    match target {
        "engine" => engine(data),
        "config" => config(data),
        "push_stdin" => push_stdin(data),
        "staged_diff" => staged_diff(data),
        other => Err(format!("no fuzz target `{other}`")),
    }
}

/// Paths that steer the engine through its path-dependent branches: path rules, file rules,
/// files where generic rules are off, code files, fake-looking paths.
const PATHS: [&str; 8] = [
    "src/app.py",
    ".env",
    "config/settings.yaml",
    "deploy/id_rsa",
    "package-lock.json",
    "static/app.min.js",
    ".netrc",
    "tests/fixtures/dump.sql",
];

/// The commit engine and the bulk engine over the built-in rules, built once: building the
/// keyword index per input would be most of each run.
fn engines() -> &'static [Engine<'static>; 2] {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    static ENGINES: OnceLock<[Engine<'static>; 2]> = OnceLock::new();
    let rules = RULES.get_or_init(RuleSet::builtin_for_scan);
    ENGINES.get_or_init(|| [Engine::new(rules), Engine::for_bulk(rules)])
}

/// Engine: the first byte picks a path (low 3 bits), a diff-like scope (bit 3) and the bulk
/// engine (bit 4); the rest is the file's content, through every built-in rule. Every finding
/// must lie inside the input, on an in-scope line, with masks that fit its line text.
pub fn engine(data: &[u8]) -> Result<(), String> {
    engine_findings(data).map(drop)
}

/// As `engine`, returning how many findings were checked (the replay test makes sure the
/// corpus reaches the finding checks at all).
pub fn engine_findings(data: &[u8]) -> Result<usize, String> {
    let Some((&control, content)) = data.split_first() else { return Ok(0) };
    let path = PATHS[usize::from(control & 7)];
    let engine = &engines()[usize::from(control & 16 != 0)];
    let mut chunk = Chunk::new(path.to_string(), Cow::Borrowed(content), Provenance::Staged);
    if control & 8 != 0 {
        // Every other line, as a staged diff adding lines 1, 3, 5, ...
        let count = chunk.line_count() as u32;
        chunk = chunk.with_scope((1..=count).step_by(2).map(|l| l..l + 1).collect());
    }
    engine.file_findings(path, content.len() as u64, &Provenance::Staged).map_err(|e| format!("file rules failed: {e}"))?;
    let findings = engine.scan(&chunk).map_err(|e| format!("built-in rules failed: {e}"))?;
    for finding in &findings {
        check_finding(finding, &chunk).map_err(|e| format!("{e}\nfinding: {finding:?}"))?;
    }
    Ok(findings.len())
}

/// The input's lines as `(start, end)` byte offsets, end before the `\n`, counted here rather
/// than trusted from the chunk's own line map.
struct Lines(Vec<Range<usize>>);

impl Lines {
    fn new(bytes: &[u8]) -> Lines {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                out.push(start..i);
                start = i + 1;
            }
        }
        out.push(start..bytes.len());
        Lines(out)
    }

    /// The byte offset of a 1-based (line, column in characters), when the line is UTF-8 and
    /// long enough; one column past the line's end is its terminator.
    fn offset(&self, bytes: &[u8], line: u32, column: u32) -> Option<usize> {
        let span = self.0.get((line as usize).checked_sub(1)?)?;
        let text = std::str::from_utf8(&bytes[span.clone()]).ok()?;
        let skip = (column as usize).checked_sub(1)?;
        let mut ends = text.char_indices().map(|(i, _)| i).chain([text.len()]);
        ends.nth(skip).map(|i| span.start + i)
    }
}

/// The invariants of one finding of `chunk`.
pub fn check_finding(finding: &Finding, chunk: &Chunk<'_>) -> Result<(), String> {
    let lines = &Lines::new(&chunk.bytes);
    let loc = &finding.location;
    let count = lines.0.len() as u32;
    if loc.path != chunk.path {
        return Err(format!("path {:?} is not the chunk's {:?}", loc.path, chunk.path));
    }
    if finding.is_about_file() {
        return Ok(());
    }
    if loc.line == 0 || loc.line > loc.end_line || loc.end_line > count {
        return Err(format!("lines {}..={} outside 1..={count}", loc.line, loc.end_line));
    }
    if loc.column == 0 || loc.end_column == 0 || (loc.line == loc.end_line && loc.end_column <= loc.column) {
        return Err(format!("columns {}..{} are empty or zero", loc.column, loc.end_column));
    }
    if !chunk.in_scope(loc.line, loc.end_line) {
        return Err(format!("lines {}..={} are out of scope {:?}", loc.line, loc.end_line, chunk.scope));
    }
    if finding.secret.is_empty() {
        return Err("a text finding with an empty secret".into());
    }
    check_masks(finding)?;
    // Where the text is UTF-8 the reported span must hold the secret itself (a decoded secret
    // is reported at its encoded value, so only its span is checked).
    let bytes = &chunk.bytes;
    let start = lines.offset(bytes, loc.line, loc.column);
    let end = lines.offset(bytes, loc.end_line, loc.end_column - 1).map(|last| last + char_len(bytes, last));
    if let (Some(start), Some(end)) = (start, end) {
        if start >= end || end > bytes.len() {
            return Err(format!("span {start}..{end} is not inside {} bytes", bytes.len()));
        }
        let shown = String::from_utf8_lossy(&bytes[start..end]);
        if finding.decoded_from.is_none() && shown != finding.secret {
            return Err(format!("span {start}..{end} holds {shown:?}, not the secret"));
        }
    }
    let (redacted, own) = finding.render_line(true);
    if own.end > redacted.len() || !redacted.is_char_boundary(own.start) || !redacted.is_char_boundary(own.end) {
        return Err(format!("own range {own:?} does not fit the rendered line {redacted:?}"));
    }
    // Masks do not overlap, so the unredacted rendering is the line text itself (the part of
    // it around the secret, for a long line).
    let (clear, _) = finding.render_line(false);
    let part = crate::finding::shown_part(&finding.line_text, finding.own_mask);
    if clear != finding.line_text[part] {
        return Err(format!("the clear rendering {clear:?} is not the line text"));
    }
    let line = &bytes[lines.0[loc.line as usize - 1].clone()];
    if let Ok(line) = std::str::from_utf8(line) {
        if finding.decoded_from.is_none() && line.strip_suffix('\r').unwrap_or(line) != &*finding.line_text {
            return Err(format!("line text {:?} is not line {}", finding.line_text, loc.line));
        }
    }
    let fingerprint = finding.fingerprint(&FingerprintKey::new(*b"fuzz"));
    if fingerprint.len() != 32 {
        return Err(format!("fingerprint {fingerprint:?} is not 32 hex digits"));
    }
    Ok(())
}

fn char_len(bytes: &[u8], at: usize) -> usize {
    match bytes.get(at) {
        Some(b) if *b >= 0xF0 => 4,
        Some(b) if *b >= 0xE0 => 3,
        Some(b) if *b >= 0xC0 => 2,
        _ => 1,
    }
}

/// Masks sit on character boundaries of the line text, in order, and include the finding's
/// own.
fn check_masks(finding: &Finding) -> Result<(), String> {
    let text = &finding.line_text;
    let mut at = 0;
    for &(start, end) in &finding.masks {
        if start < at || end < start || end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return Err(format!("mask {start}..{end} does not fit {text:?} (previous end {at})"));
        }
        at = end;
    }
    if !finding.masks.contains(&finding.own_mask) {
        return Err(format!("own mask {:?} is not among {:?}", finding.own_mask, finding.masks));
    }
    Ok(())
}

/// Config: the bytes (as text) are a `.leakguard.toml`, read, built into a rule set and
/// compiled into filters as a scanning command does. The only failure allowed is a
/// `ConfigError`, and it has a position inside the text when it has one at all.
pub fn config(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else { return Ok(()) };
    let path = Path::new(config::FILE_NAME);
    let loaded = match config::parse(path, text.to_string()) {
        Ok(loaded) => loaded,
        Err(e) => return error_in(&e, text),
    };
    match config::build(Some(&loaded), false) {
        Ok(rules) if !loaded.config.rules.custom.is_empty() => {
            // The rule set must scan: custom rules compile lazily, so run them on the text.
            let engine = Engine::new(&rules);
            let chunk = Chunk::new("x.txt".into(), Cow::Borrowed(text.as_bytes()), Provenance::File);
            engine.scan(&chunk).map_err(|e| format!("a rule set that loaded does not scan: {e}"))?;
        }
        Ok(_) => {}
        Err(e) => match e.downcast_ref::<ConfigError>() {
            Some(e) => error_in(e, text)?,
            None => return Err(format!("not a config error: {e:#}")),
        },
    }
    let paths = PathKey { base: ".".into(), root: ".".into() };
    match Filters::new(Some(&loaded), paths) {
        Ok(_) => Ok(()),
        Err(e) => error_in(&e, text),
    }
}

/// A config error names the file and, when it has a line, one that exists.
fn error_in(e: &ConfigError, text: &str) -> Result<(), String> {
    let lines = text.split('\n').count();
    if e.line > lines || (e.line > 0 && e.column == 0) {
        return Err(format!("error at {}:{} outside the {lines}-line text: {e}", e.line, e.column));
    }
    let shown = e.to_string();
    if !shown.starts_with(config::FILE_NAME) || shown.contains('\n') {
        return Err(format!("error is not one `file:line:col: cause` line: {shown:?}"));
    }
    Ok(())
}

/// Pre-push stdin: `parse` takes the text or rejects it; what it takes is one update per
/// non-blank line, with four non-empty fields, all-zero ids read as absent, and it parses
/// back to itself when written out again.
pub fn push_stdin(data: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(data);
    let Ok(updates) = push::parse(&text) else { return Ok(()) };
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    if updates.len() != lines {
        return Err(format!("{} updates from {lines} lines", updates.len()));
    }
    let mut again = String::new();
    for u in &updates {
        let fields = [Some(&u.local_ref), u.local.as_ref(), Some(&u.remote_ref), u.remote.as_ref()];
        if fields.iter().flatten().any(|f| f.is_empty() || f.contains(char::is_whitespace)) {
            return Err(format!("a field is empty or holds whitespace: {u:?}"));
        }
        if [&u.local, &u.remote].into_iter().flatten().any(|id| id.bytes().all(|b| b == b'0')) {
            return Err(format!("an all-zero id was kept: {u:?}"));
        }
        let id = |s: &Option<String>| s.clone().unwrap_or_else(|| "0".repeat(40));
        let _ = writeln!(again, "{} {} {} {}", u.local_ref, id(&u.local), u.remote_ref, id(&u.remote));
    }
    match push::parse(&again) {
        Ok(back) if back == updates => Ok(()),
        other => Err(format!("written out and parsed again: {other:?}, not {updates:?}")),
    }
}

/// `git diff --cached --raw -z` as `staged` parses it: any bytes parse or fail without a panic;
/// what parses has a non-empty path (two for a rename or copy) with no NUL, and written back
/// in the same format it parses to the same changes.
pub fn staged_diff(data: &[u8]) -> Result<(), String> {
    let Ok(changes) = staged::parse_raw(data) else { return Ok(()) };
    let mut again = Vec::new();
    for c in &changes {
        let paths = [Some(&c.path), c.old_path.as_ref()];
        if paths.iter().flatten().any(|p| p.is_empty() || p.contains(&0)) {
            return Err(format!("an empty path or a NUL in a path: {c:?}"));
        }
        if matches!(c.status, b'R' | b'C') != c.old_path.is_some() {
            return Err(format!("a source path without a rename or copy, or the reverse: {c:?}"));
        }
        let header = format!(":{:06o} {:06o} {} {} {}", c.old_mode, c.new_mode, c.old_blob, c.new_blob, c.status as char);
        again.extend_from_slice(header.as_bytes());
        again.push(0);
        for path in [c.old_path.as_ref(), Some(&c.path)].into_iter().flatten() {
            again.extend_from_slice(path);
            again.push(0);
        }
    }
    match staged::parse_raw(&again) {
        Ok(back) if back == changes => Ok(()),
        other => Err(format!("written out and parsed again: {other:?}, not {changes:?}")),
    }
}
