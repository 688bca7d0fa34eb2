//! Built-in false-alarm checks on a captured secret: documentation placeholders, template
//! variables, masked values and keyboard runs are not secrets.

use super::words::PLACEHOLDER_WORDS;

/// Template and lookup syntax: the value is filled in elsewhere.
const TEMPLATE_MARKS: &[&str] = &["${", "{{", "%(", "$(", "#{"];

const SHORT_SECRET_MAX_LEN: usize = 200;
const RUN_LEN: usize = 6;

pub fn is_placeholder(secret: &[u8]) -> bool {
    let lower = secret.to_ascii_lowercase();
    let contains = |needle: &str| memchr::memmem::find(&lower, needle.as_bytes()).is_some();
    if has_template(secret) || has_angle_name(secret) || has_bracketed_name(secret) {
        return true;
    }
    // Words and runs are checked on short secrets only: a 1,600-character key body holds such a
    // word by chance, and OpenSSH keys hold `AAAAAA`.
    if secret.len() > SHORT_SECRET_MAX_LEN {
        return false;
    }
    PLACEHOLDER_WORDS.iter().any(|w| contains(w))
        || has_run(&lower, |a, b| a == b) || has_run(&lower, |a, b| b == a.wrapping_add(1) && b.is_ascii_alphanumeric())
        || is_keyboard_runs(&lower) || names_a_type(secret)
}

/// `[PASSWORD]`, `[YOUR_TOKEN]`: a capitalised name in square brackets, as docs write them.
fn has_bracketed_name(secret: &[u8]) -> bool {
    secret.split(|&b| b == b'[').skip(1).any(|after| match after.iter().position(|&b| b == b']') {
        Some(end) => end >= 3 && after[..end].iter().all(|b| b.is_ascii_uppercase() || matches!(b, b'_' | b' ' | b'-')),
        None => false,
    })
}

/// `AbCeFG123`: a short value made only of ascending runs (`abc`, `efg`, `123`).
fn is_keyboard_runs(lower: &[u8]) -> bool {
    if lower.len() > 16 {
        return false;
    }
    let mut in_run = vec![false; lower.len()];
    let mut start = 0;
    for i in 1..=lower.len() {
        let continues = i < lower.len() && lower[i].is_ascii_alphanumeric() && lower[i] == lower[i - 1].wrapping_add(1);
        if !continues {
            if i - start >= 3 {
                in_run[start..i].iter_mut().for_each(|r| *r = true);
            }
            start = i;
        }
    }
    in_run.iter().all(|&r| r)
}

/// `53184136:AgencyIdentificationCodeContentType`: a prefixed type name from code (an XML
/// schema's), in a token's shape. A random tail has digits and no run of words.
fn names_a_type(secret: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(secret) else { return false };
    let tail = text.rsplit(':').next().unwrap_or(text);
    tail.len() >= 16 && tail.len() < text.len() && !tail.bytes().any(|b| b.is_ascii_digit()) && super::gate::is_word_identifier(tail)
}

/// `${NAME}`, `{{ .Values.x }}`, `%(pw)s`, `#{var}`: a template mark closed around a name (in a
/// random salt, `#{` is two characters like any others).
fn has_template(secret: &[u8]) -> bool {
    TEMPLATE_MARKS.iter().any(|mark| {
        let close = if mark.ends_with('(') { b')' } else { b'}' };
        memchr::memmem::find_iter(secret, mark.as_bytes()).any(|at| {
            let after = &secret[at + mark.len()..];
            after.iter().position(|&b| b == close).is_some_and(|end| {
                end > 0 && after[..end].iter().all(|&b| b.is_ascii_alphanumeric() || b"_.- :|'\"[]$/".contains(&b))
            })
        })
    })
}

/// `<token>`, `<your key here>`: a name in angle brackets (a bare `<` in a random key is not).
fn has_angle_name(secret: &[u8]) -> bool {
    secret.split(|&b| b == b'<').skip(1).any(|after| match after.iter().position(|&b| b == b'>') {
        Some(end) => end > 0 && after[..end].iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b' ' | b'-' | b'.')),
        None => false,
    })
}

/// Whether `RUN_LEN` consecutive bytes each relate to the one before by `step`.
fn has_run(bytes: &[u8], step: impl Fn(u8, u8) -> bool) -> bool {
    let mut run = 1;
    for pair in bytes.windows(2) {
        run = if step(pair[0], pair[1]) { run + 1 } else { 1 };
        if run >= RUN_LEN {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn placeholders_are_recognised() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "your-api-key-here",
            "<token>",
            "${DB_PASSWORD}",
            "{{ vault_token }}",
            "%(password)s",
            "$(cat /run/secret)",
            "changeme",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "sk_live_000000000000000000000000",
            "abc123456789",
            "abcdefghij",
            "********",
            "[PASSWORD]",
            "AbCeFG123",
            "clm53184136:AgencyIdentificationCodeContentType",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn random_tokens_are_not_placeholders() {
        // A WordPress salt may hold `#{` or `${` with no name closed inside.
        for s in ["ghp_R8kq2LmZ0pW4vT7sY1nB9cX3dF6gH5jK2aQe", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYz7Q9kL2mN1", "s3cr3t-P4ss!", "hj!Z{U]#{caMtL3A6ni=c[8)9xHw)lh"] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn long_key_bodies_skip_the_word_and_run_checks() {
        let body = format!("{}fake{}", "Qz8".repeat(100), "Lm2".repeat(100));
        assert!(!is_placeholder(body.as_bytes()));
        let openssh = format!("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW{}", "Qz8".repeat(70));
        assert!(!is_placeholder(openssh.as_bytes()));
    }
}
