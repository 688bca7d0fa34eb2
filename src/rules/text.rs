//! Positions in text, for error messages that say `file:line:col`.

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
