//! Values that refer to a secret kept elsewhere: `$VAR`, `%VAR%`, `{name}`, `${X:-}`, or the
//! name of an environment variable in a value's place.

use super::value::entropy;

/// `$VAR`, `$env:VAR`, `%VAR%`, `{name}`, `DB_PASSWORD`: a reference to a value kept elsewhere.
pub(super) fn is_reference(text: &str) -> bool {
    let ident = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    let var = text.strip_prefix("$env:").or_else(|| text.strip_prefix('$'));
    // `$JWT_SECRET$`: a JetBrains run-configuration macro.
    let var = var.map(|v| v.strip_suffix('$').unwrap_or(v));
    var.is_some_and(|v| ident(v) && !v.as_bytes()[0].is_ascii_digit())
        || (text.len() > 2 && text.starts_with('%') && text.ends_with('%') && ident(&text[1..text.len() - 1]))
        || (has_braced_name(text) && entropy(text.as_bytes()) < 4.2)
        || is_env_name(text)
        || is_shell_expansion(text)
}

/// `${tmp%%@*}`, `${PASS:-}`: a shell parameter expansion with an operator.
fn is_shell_expansion(text: &str) -> bool {
    let Some(inner) = text.strip_prefix("${").and_then(|t| t.strip_suffix('}')) else { return false };
    let name = inner.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    name > 0 && !inner.as_bytes()[0].is_ascii_digit()
}

/// `DB_PASSWORD`, `API_TOKEN`: the name of an environment variable, in a value's place.
pub fn is_env_name(text: &str) -> bool {
    text.contains('_')
        && text.as_bytes()[0].is_ascii_uppercase()
        && text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && text.split('_').all(|w| !w.is_empty() && w.bytes().any(|b| b.is_ascii_uppercase()))
}

/// `{name}` or `{0}` somewhere in the value: a format string.
fn has_braced_name(text: &str) -> bool {
    text.split('{').skip(1).any(|after| {
        after.split_once('}').is_some_and(|(inside, _)| {
            !inside.is_empty() && inside.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b' '))
        })
    })
}
