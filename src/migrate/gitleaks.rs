//! `.gitleaks.toml` -> `.leakguard.toml`: `[extend]`, custom rules, global and per-rule
//! allowlists. What has no leakguard equivalent is listed, never dropped silently.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use toml::Value;

use super::{toml_list, toml_str};

pub struct Conversion {
    /// The `.leakguard.toml` text.
    pub text: String,
    /// What could not be carried over, one line each.
    pub notes: Vec<String>,
}

/// Converts the text of a gitleaks config. `builtin_ids` are leakguard's own rule ids: a
/// custom rule that would clash is renamed.
pub fn convert(text: &str, builtin_ids: &[&str]) -> Result<Conversion> {
    let doc: toml::Table = toml::from_str(text).context("not a valid gitleaks config")?;
    let mut notes = Vec::new();
    let mut out = String::from("# Converted from a gitleaks config by `leakguard init --from-gitleaks`.\n\n");

    let extend = doc.get("extend").and_then(Value::as_table);
    let use_default = extend.and_then(|e| e.get("useDefault")).and_then(Value::as_bool).unwrap_or(extend.is_none());
    if let Some(path) = extend.and_then(|e| e.get("path")).and_then(Value::as_str) {
        notes.push(format!("[extend] path = {path:?}: convert that file too and merge it by hand"));
    }
    if extend.and_then(|e| e.get("url")).is_some() {
        notes.push("[extend] url: not carried (leakguard reads no network)".to_string());
    }
    let disabled: Vec<String> = strings(extend.and_then(|e| e.get("disabledRules")));
    out.push_str("[rules]\n");
    let _ = writeln!(out, "builtin = {use_default}");
    if !disabled.is_empty() {
        let (ours, theirs): (Vec<String>, Vec<String>) = disabled.into_iter().partition(|id| builtin_ids.contains(&id.as_str()));
        if !ours.is_empty() {
            let _ = writeln!(out, "disable = {}", toml_list(&ours));
        }
        for id in theirs {
            notes.push(format!("disabledRules: `{id}` is a gitleaks rule id with no leakguard rule of that id; see `leakguard rules list`"));
        }
    }

    let mut overrides = String::new();
    for rule in doc.get("rules").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_table) {
        convert_rule(rule, builtin_ids, &mut out, &mut overrides, &mut notes);
    }
    out.push_str(&overrides);

    let mut global = Vec::new();
    if let Some(table) = doc.get("allowlist").and_then(Value::as_table) {
        global.push(table);
    }
    global.extend(doc.get("allowlists").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_table));
    if !global.is_empty() {
        out.push_str("\n[allowlist]\n");
        out.push_str(&allowlist(&global, "global allowlist", &mut notes));
    }
    Ok(Conversion { text: out, notes })
}

fn convert_rule(rule: &toml::Table, builtin_ids: &[&str], out: &mut String, overrides: &mut String, notes: &mut Vec<String>) {
    let Some(id) = rule.get("id").and_then(Value::as_str) else {
        notes.push("a rule without an id was skipped".to_string());
        return;
    };
    let allowlists: Vec<&toml::Table> = rule
        .get("allowlist")
        .and_then(Value::as_table)
        .into_iter()
        .chain(rule.get("allowlists").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_table))
        .collect();
    let Some(regex) = rule.get("regex").and_then(Value::as_str) else {
        // A rule with only allowlists tunes a default rule of the same id.
        if builtin_ids.contains(&id) && !allowlists.is_empty() {
            let _ = writeln!(overrides, "\n[rules.overrides.{id}.allowlist]");
            overrides.push_str(&allowlist(&allowlists, &format!("rule `{id}`"), notes));
        } else {
            notes.push(format!("rule `{id}`: no regex (path-only rules are not supported); skipped"));
        }
        return;
    };
    let keywords: Vec<String> = strings(rule.get("keywords")).iter().map(|k| k.to_lowercase()).collect();
    if keywords.is_empty() {
        notes.push(format!("rule `{id}`: no keywords; leakguard needs at least one for its prefilter; skipped"));
        return;
    }
    let group = rule.get("secretGroup").and_then(Value::as_integer).unwrap_or(0);
    let regex = match usize::try_from(group) {
        Ok(0) => regex.to_string(),
        Ok(n) => match name_group(regex, n) {
            Some(r) => r,
            None => {
                notes.push(format!("rule `{id}`: secretGroup {n} not found in its regex; skipped"));
                return;
            }
        },
        Err(_) => regex.to_string(),
    };
    if let Err(e) = regex::bytes::Regex::new(&regex) {
        let cause = e.to_string().lines().last().unwrap_or_default().to_string();
        notes.push(format!("rule `{id}`: its regex does not compile here ({cause}); skipped"));
        return;
    }
    if rule.get("path").is_some() {
        notes.push(format!("rule `{id}`: its `path` condition is not carried; the rule applies to every file"));
    }
    let new_id = if builtin_ids.contains(&id) {
        let renamed = format!("custom-{id}");
        notes.push(format!("rule `{id}` shares an id with a built-in rule; carried as `{renamed}`"));
        renamed
    } else {
        id.to_string()
    };
    out.push_str("\n[[rules.custom]]\n");
    let _ = writeln!(out, "id = {}", toml_str(&kebab(&new_id)));
    let description = rule.get("description").and_then(Value::as_str).unwrap_or(id);
    let _ = writeln!(out, "description = {}", toml_str(description));
    let _ = writeln!(out, "keywords = {}", toml_list(&keywords));
    let _ = writeln!(out, "regex = {}", toml_str(&regex));
    if let Some(entropy) = rule.get("entropy").and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64))) {
        let _ = writeln!(out, "entropy = {entropy:?}");
    }
    if !allowlists.is_empty() {
        let _ = writeln!(overrides, "\n[rules.overrides.{}.allowlist]", kebab(&new_id));
        overrides.push_str(&allowlist(&allowlists, &format!("rule `{id}`"), notes));
    }
}

/// Merges gitleaks allowlists into one leakguard allowlist body.
fn allowlist(tables: &[&toml::Table], what: &str, notes: &mut Vec<String>) -> String {
    let mut paths = Vec::new();
    let (mut secrets, mut matches, mut lines) = (Vec::new(), Vec::new(), Vec::new());
    let (mut stopwords, mut commits) = (Vec::new(), Vec::new());
    for t in tables {
        if t.get("condition").and_then(Value::as_str).is_some_and(|c| c.eq_ignore_ascii_case("and")) {
            notes.push(format!("{what}: condition = \"AND\" is carried as OR (any entry allows)"));
        }
        if t.get("targetRules").is_some() {
            notes.push(format!("{what}: targetRules is not carried; the allowlist applies to every rule"));
        }
        paths.extend(strings(t.get("paths")));
        let regexes = strings(t.get("regexes"));
        match t.get("regexTarget").and_then(Value::as_str).unwrap_or("secret") {
            "match" => matches.extend(regexes),
            "line" => lines.extend(regexes),
            _ => secrets.extend(regexes),
        }
        stopwords.extend(strings(t.get("stopwords")));
        commits.extend(strings(t.get("commits")));
    }
    let mut body = String::new();
    for (key, list) in [
        ("path_regexes", paths),
        ("secrets", secrets),
        ("matches", matches),
        ("lines", lines),
        ("stopwords", stopwords),
        ("commits", commits),
    ] {
        if !list.is_empty() {
            let _ = writeln!(body, "{key} = {}", toml_list(&list));
        }
    }
    body
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
}

/// leakguard ids are kebab-case.
fn kebab(id: &str) -> String {
    let mut out: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out.trim_matches('-').to_string()
}

/// Turns the `n`th capturing group (1-based, as gitleaks' secretGroup counts) into the named
/// group `secret`.
pub fn name_group(regex: &str, n: usize) -> Option<String> {
    let bytes = regex.as_bytes();
    let (mut i, mut count, mut in_class) = (0, 0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => {
                let rest = &regex[i + 1..];
                let named = rest.starts_with("?P<") || (rest.starts_with("?<") && !rest.starts_with("?<=") && !rest.starts_with("?<!"));
                if !rest.starts_with('?') || named {
                    count += 1;
                    if count == n {
                        let body = if named { &rest[rest.find('>')? + 1..] } else { rest };
                        return Some(format!("{}(?P<secret>{body}", &regex[..i]));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_secret_group() {
        assert_eq!(name_group(r"(?i)(key)\s*=\s*([a-z0-9]{8})", 2).as_deref(), Some(r"(?i)(key)\s*=\s*(?P<secret>[a-z0-9]{8})"));
        assert_eq!(name_group(r"[(]x(y)", 1).as_deref(), Some(r"[(]x(?P<secret>y)"));
        assert_eq!(name_group(r"\(a(?:b)(?P<v>c)", 1).as_deref(), Some(r"\(a(?:b)(?P<secret>c)"));
        assert_eq!(name_group(r"(a)", 2), None);
    }

    #[test]
    fn kebab_ids() {
        assert_eq!(kebab("My_Internal Token"), "my-internal-token");
    }
}
