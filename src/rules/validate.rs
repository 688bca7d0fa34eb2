//! The checks a rule passes when it is added to a set: its id, provider, keywords and fields
//! that only make sense together. Regexes are checked when compiled (lazily).

use super::{advice, Rule, RuleError};

/// The checksums a rule may name in `checksum`.
pub const CHECKSUMS: &[&str] = &["github-crc32"];

pub(super) fn validate(rule: &Rule) -> Result<(), RuleError> {
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
