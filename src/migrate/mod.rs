//! Moving over from other scanners: a `.gitleaks.toml` becomes a `.leakguard.toml`, a
//! detect-secrets baseline becomes baseline entries. Each says what it could not carry.

pub mod detect_secrets;
pub mod gitleaks;

/// A TOML string for `s`: a literal string when it can be one (regexes stay readable), a
/// basic string otherwise.
pub fn toml_str(s: &str) -> String {
    if !s.contains('\'') && !s.contains('\n') && !s.contains('\r') {
        format!("'{s}'")
    } else {
        toml::Value::String(s.to_string()).to_string()
    }
}

pub fn toml_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| toml_str(s)).collect();
    format!("[{}]", inner.join(", "))
}
