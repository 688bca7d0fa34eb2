//! The checks a captured secret must pass before it stands: known test keys, checksums,
//! entropy, placeholders and, for generic and password rules, the value's shape, its name and
//! its line. What depends on the path is left as a `PathCheck`, judged per path.

use std::ops::Range;

use super::{checksum, decode, gate, is_placeholder};
use crate::chunk::Chunk;
use crate::rules::{Kind, Rule, RuleMatch};

/// The path-free half of the path checks of a generic or password candidate.
#[derive(Clone, Copy)]
pub(super) struct PathCheck {
    /// The value is outside any string literal: an expression, in a code file.
    unquoted: bool,
    /// The text is a script by its first line (`#!/usr/bin/env python`), whatever its name.
    script: bool,
}

impl PathCheck {
    pub(super) fn passes(&self, path: &str) -> bool {
        // `is_code_file` with no text judges the name alone.
        !gate::is_fake_path(path) && !(self.unquoted && (self.script || gate::is_code_file(path, b"")))
    }
}

/// Base64 of `user:password` whose password could be one: `am9lam9lOmhlbGxv` (`joejoe:hello`)
/// in a test is not a credential anyone would choose.
fn basic_auth_ok(value: &[u8]) -> bool {
    let Some(text) = decode::base64(value) else { return false };
    let Ok(text) = std::str::from_utf8(&text) else { return false };
    let Some((_, password)) = text.split_once(':') else { return false };
    !text.chars().any(char::is_control) && gate::password_value_ok(password.as_bytes())
}

/// The checks a captured secret must pass, cheapest and surest first: `None` when it fails
/// one, else what the path must not say (judged per path by `PathCheck::passes`).
pub(super) fn accept(rule: &Rule, chunk: &Chunk<'_>, secret: &Range<usize>, m: &RuleMatch, base: usize) -> Option<Option<PathCheck>> {
    let bytes = &chunk.bytes[secret.clone()];
    let name = m.name.clone().map(|n| &chunk.bytes[base + n.start..base + n.end]);
    if gate::is_public_test_key(bytes) || gate::is_harmless_by_prefix(bytes) || gate::is_public_jwt(bytes) {
        return None;
    }
    // `BASE64_ENCODED_PASSWORD`: the name of what belongs there.
    if std::str::from_utf8(bytes).is_ok_and(gate::is_env_name) {
        return None;
    }
    if rule.spec.basic_auth && !basic_auth_ok(bytes) {
        return None;
    }
    if rule.spec.min_classes.is_some_and(|min| gate::char_classes(bytes) < min) {
        return None;
    }
    let line = chunk.line_span(chunk.line_index(secret.start));
    let line_bytes = &chunk.bytes[line.clone()];
    match rule.spec.checksum.as_deref().and_then(|kind| checksum::verify(kind, bytes)) {
        Some(true) => return Some(None),
        Some(false) if gate::says_fake(line_bytes) => return None,
        _ => {}
    }
    let generic = rule.is_generic();
    let password = rule.spec.password || (generic && name.is_some_and(gate::names_a_password));
    if let Some(min) = rule.spec.entropy.filter(|_| !password) {
        // A short password cannot reach a long key's entropy: generic rules scale the bar.
        let min = if generic { min.min((bytes.len() as f64).log2() - 0.6) } else { min };
        if gate::entropy(bytes) < min {
            return None;
        }
    }
    // A smell's match is code, not a value: only a captured `secret` part can be a stand-in.
    let value_captured = rule.spec.kind == Kind::Secret || m.secret.is_some();
    if value_captured && is_placeholder(bytes) {
        return None;
    }
    if generic || rule.spec.password {
        let stand_in = gate::says_fake(line_bytes) || gate::is_anonymous(line_bytes);
        if line.len() > gate::MAX_GENERIC_LINE || stand_in {
            return None;
        }
        let value_ok = if password {
            gate::password_value_ok(bytes) || gate::generic_value_ok(bytes, name)
        } else {
            gate::generic_value_ok(bytes, name)
        };
        // A name that ends in `password` is one, whatever words come first (`EMAIL_HOST_PASSWORD`).
        if !value_ok || (!password && name.is_some_and(gate::names_a_non_secret)) {
            return None;
        }
        let before = &chunk.bytes[line.start..secret.start.max(line.start)];
        if gate::is_lookup(before) {
            return None;
        }
        // In source code a value outside any string literal is an expression, and `x(` is a
        // call.
        let in_string = [b'"', b'\'', b'`'].iter().any(|q| before.iter().filter(|&&b| b == *q).count() % 2 == 1);
        if chunk.bytes.get(secret.end) == Some(&b'(') {
            return None;
        }
        return Some(Some(PathCheck { unquoted: !in_string, script: gate::is_code_file("", &chunk.bytes) }));
    }
    Some(None)
}
