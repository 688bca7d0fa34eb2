//! `.gitleaksignore`, read so a team moving from gitleaks keeps its ignores. Its entries are
//! `[commit:]file:rule-id:line`. gitleaks' rule ids are not ours, so an entry allows any
//! finding at that file and line (and commit, when it names one).

use std::path::Path;

use crate::finding::Finding;

pub const FILE_NAME: &str = crate::own_files::GITLEAKSIGNORE_FILE;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    commit: Option<String>,
    path: String,
    line: u32,
}

#[derive(Debug, Default)]
pub struct GitleaksIgnore {
    entries: Vec<Entry>,
}

impl GitleaksIgnore {
    /// Reads the file when it exists; an unreadable file is an error, a missing one is not.
    pub fn load(path: &Path) -> std::io::Result<GitleaksIgnore> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(GitleaksIgnore::parse(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(GitleaksIgnore::default()),
            Err(e) => Err(e),
        }
    }

    pub fn parse(text: &str) -> GitleaksIgnore {
        let entries = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(parse_entry)
            .collect();
        GitleaksIgnore { entries }
    }

    pub fn allows(&self, finding: &Finding, path: &str) -> bool {
        self.entries.iter().any(|e| {
            e.path == path
                && e.line == finding.location.line
                && e.commit.as_deref().is_none_or(|c| finding.commit().is_some_and(|f| f.starts_with(c)))
        })
    }
}

fn parse_entry(line: &str) -> Option<Entry> {
    let (rest, number) = line.rsplit_once(':')?;
    let line_no = number.parse().ok()?;
    let (rest, _rule) = rest.rsplit_once(':')?;
    let (commit, path) = match rest.split_once(':') {
        Some((c, p)) if c.len() >= 7 && c.bytes().all(|b| b.is_ascii_hexdigit()) => (Some(c.to_lowercase()), p),
        _ => (None, rest),
    };
    Some(Entry { commit, path: path.replace('\\', "/"), line: line_no })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_entry_forms() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let ignore = GitleaksIgnore::parse(&format!("# comment\n{sha}:src/a.py:generic-api-key:12\nconfig\\b.yml:aws-access-token:3\nbad line\n"));
        assert_eq!(
            ignore.entries,
            [
                Entry { commit: Some(sha.to_string()), path: "src/a.py".into(), line: 12 },
                Entry { commit: None, path: "config/b.yml".into(), line: 3 },
            ]
        );
    }
}
