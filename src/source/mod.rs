//! Inputs: where chunks come from. Sources know nothing of rules or the engine.

pub mod files;
pub mod history;
pub mod push;
pub mod repo;
pub mod staged;

/// Why an input was not scanned; reports count these, so a skip is never silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    Binary,
    TooLarge,
}

/// Files larger than this are skipped (and counted) rather than read whole.
pub const MAX_FILE_SIZE: u64 = 32 * 1024 * 1024;

/// A path as reports show it: `/` separators, no leading `./`.
pub fn display_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    let text = if std::path::MAIN_SEPARATOR == '\\' { text.replace('\\', "/") } else { text.into_owned() };
    match text.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => text,
    }
}
