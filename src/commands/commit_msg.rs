//! `leakguard commit-msg FILE`: the commit message git is about to record, judged with the same
//! rules, config, inline allows, baseline and report formats as the staged changes.
//!
//! git strips some lines before recording a message: comment lines (`#`, or `core.commentChar`
//! / `core.commentString`) and, under `git commit -v`, everything from the scissors line on
//! (the diff shown for reference, which may show a secret being deleted). Those lines are left
//! out, and the rest keeps the file's line numbers.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};

use crate::chunk::{Chunk, Provenance};
use crate::cli::Common;
use crate::engine::Engine;
use crate::report::Summary;
use crate::ExitStatus;

/// The text of git's scissors line, after the comment string and a space.
const SCISSORS: &[u8] = b"------------------------ >8 ------------------------";
/// The comment characters `core.commentChar = auto` picks from, in git's order.
const AUTO_CANDIDATES: &[u8] = b"#;@!$%^&|:";

pub fn run(common: &Common, file: &Path, out: &mut dyn Write) -> Result<ExitStatus> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read the commit message {}", file.display()))?;
    let root = super::root()?;
    let cwd = std::env::current_dir().context("cannot tell the current folder")?;
    let base = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let setup = super::setup(common, &base, &root)?;
    let recorded = recorded_part(&bytes, &Cleanup::from_git_config());
    let chunk = Chunk::new(crate::chunk::display_path(file), Cow::Owned(recorded), Provenance::Staged);
    let engine = Engine::new(&setup.rules);
    let matches = engine.scan(&chunk)?;
    let summary = Summary { scope: "", items: Some(("commit message", "commit messages")), scanned: 1, silent_when_clean: true, ..Summary::default() };
    super::finish(common, &setup.filters, &setup.rules, matches, summary, false, out)
}

/// Which lines git strips from the message it records.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cleanup {
    /// The comment string, when git strips comment lines; `None` with `auto` (the character is
    /// chosen per commit) or when git keeps them.
    comment: Option<Vec<u8>>,
    /// Whether git cuts the message at the scissors line.
    scissors: bool,
    /// The comment strings the scissors line may start with.
    scissors_prefixes: Vec<Vec<u8>>,
}

impl Cleanup {
    /// From `commit.cleanup` and the comment string, as git reads them for this repository
    /// (every scope, includes, the last value winning; `core.commentChar` and
    /// `core.commentString` are one setting, so the later of the two). The hook cannot tell
    /// whether the message was edited (git's default strips comments only then), so the
    /// default is taken as `strip`.
    fn from_git_config() -> Cleanup {
        let out = Command::new("git")
            .args(["config", "-z", "--get-regexp", r"^(commit\.cleanup|core\.comment(char|string))$"])
            .stdin(Stdio::null())
            .output();
        let values = out.map(|o| if o.status.success() { o.stdout } else { Vec::new() }).unwrap_or_default();
        let (mode, comment) = last_values(&values);
        Cleanup::new(mode.as_deref(), comment.as_deref())
    }

    fn new(mode: Option<&str>, comment: Option<&str>) -> Cleanup {
        let (auto, comment) = match comment {
            Some("auto") => (true, b"#".to_vec()),
            Some(c) if !c.is_empty() => (false, c.as_bytes().to_vec()),
            _ => (false, b"#".to_vec()),
        };
        let scissors_prefixes = if auto { AUTO_CANDIDATES.iter().map(|&c| vec![c]).collect() } else { vec![comment.clone()] };
        let (strip, scissors) = match mode.map(str::to_ascii_lowercase).as_deref() {
            Some("verbatim" | "whitespace") => (false, false),
            Some("scissors") => (false, true),
            _ => (true, true),
        };
        Cleanup { comment: (strip && !auto).then_some(comment), scissors, scissors_prefixes }
    }
}

/// The last `commit.cleanup` and the last comment string in `git config -z --get-regexp`
/// output: per entry, the key (lower case), then a newline and the value unless it has none,
/// then a NUL.
fn last_values(out: &[u8]) -> (Option<String>, Option<String>) {
    let (mut mode, mut comment) = (None, None);
    for entry in out.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let text = String::from_utf8_lossy(entry);
        let (key, value) = text.split_once('\n').unwrap_or((&text, ""));
        match key {
            "commit.cleanup" => mode = Some(value.to_string()),
            "core.commentchar" | "core.commentstring" => comment = Some(value.to_string()),
            _ => {}
        }
    }
    (mode, comment)
}

/// The message with stripped lines emptied (so line numbers stay) and cut at the scissors.
fn recorded_part(bytes: &[u8], cleanup: &Cleanup) -> Vec<u8> {
    let mut kept = Vec::with_capacity(bytes.len());
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if cleanup.scissors && is_scissors(line, &cleanup.scissors_prefixes) {
            break;
        }
        match &cleanup.comment {
            Some(comment) if line.starts_with(comment) => kept.extend_from_slice(if line.ends_with(b"\n") { b"\n" } else { b"" }),
            _ => kept.extend_from_slice(line),
        }
    }
    kept
}

fn is_scissors(line: &[u8], prefixes: &[Vec<u8>]) -> bool {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    prefixes.iter().any(|p| line.strip_prefix(p.as_slice()).and_then(|rest| rest.strip_prefix(b" ")) == Some(SCISSORS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(text: &str, mode: Option<&str>, comment: Option<&str>) -> String {
        String::from_utf8(recorded_part(text.as_bytes(), &Cleanup::new(mode, comment))).expect("utf-8")
    }

    #[test]
    fn comment_lines_are_blanked_and_the_scissors_cut() {
        let text = "subject\n# comment\nbody\n# ------------------------ >8 ------------------------\ndiff\n";
        assert_eq!(kept(text, None, None), "subject\n\nbody\n");
        assert_eq!(kept(text, Some("verbatim"), None), text);
        assert_eq!(kept(text, Some("whitespace"), None), text);
        assert_eq!(kept(text, Some("scissors"), None), "subject\n# comment\nbody\n");
    }

    #[test]
    fn the_comment_string_comes_from_config() {
        let text = "subject\n; comment\n# kept\n; ------------------------ >8 ------------------------\ndiff";
        assert_eq!(kept(text, Some("strip"), Some(";")), "subject\n\n# kept\n");
        assert_eq!(kept("a\n//x\n", None, Some("//")), "a\n\n");
        // `auto`: the character is chosen per commit, so no comment line is dropped.
        assert_eq!(kept(text, None, Some("auto")), "subject\n; comment\n# kept\n");
    }

    #[test]
    fn the_last_of_each_setting_wins() {
        let out = b"core.commentchar\n;\0commit.cleanup\nstrip\0core.commentstring\n//\0commit.cleanup\nscissors\0";
        assert_eq!(last_values(out), (Some("scissors".to_string()), Some("//".to_string())));
        assert_eq!(last_values(b"core.commentchar\0"), (None, Some(String::new())));
        assert_eq!(last_values(b""), (None, None));
    }

    #[test]
    fn an_indented_hash_is_not_a_comment() {
        assert_eq!(kept("a\n #b\n", None, None), "a\n #b\n");
    }
}
