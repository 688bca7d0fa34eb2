//! What a file's path says: generic rules skip lock files, generated assets and templates; a
//! path can say its file holds stand-ins; source code is known by extension or `#!` line.

use crate::engine::words::{CODE_EXTENSIONS, FAKE_PATH_WORDS, NO_GENERIC_FILES, NO_GENERIC_SUFFIXES, SCRIPT_INTERPRETERS, TEMPLATE_PARTS};

/// Whether generic rules skip the file at `path` altogether: lock files, generated assets, and
/// templates (`.env.example`, `config.sample.yml`), whose values are stand-ins by design.
pub fn skips_generic(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let template = name.split('.').skip(1).any(|part| TEMPLATE_PARTS.contains(&part))
        || name.starts_with("example.") || name.starts_with("sample.");
    NO_GENERIC_FILES.contains(&name) || NO_GENERIC_SUFFIXES.iter().any(|s| name.ends_with(s)) || template
}

/// A path that says its file holds stand-ins: `tests/fixtures/fake_credentials.py`, `mocks/`.
pub fn is_fake_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.split(['/', '_', '-', '.']).any(|w| FAKE_PATH_WORDS.contains(&w))
}

/// Whether the file is source code, where an unquoted value is an expression
/// (`password = getPassword()`), never a literal: by extension, or, for a script without one
/// (`bin/ansible`), by its `#!` line.
pub fn is_code_file(path: &str, bytes: &[u8]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.rsplit_once('.').is_some_and(|(_, ext)| CODE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())) {
        return true;
    }
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    first.starts_with(b"#!") && SCRIPT_INTERPRETERS.iter().any(|i| memchr::memmem::find(first, i.as_bytes()).is_some())
}
