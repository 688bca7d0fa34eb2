//! `.gitleaks.toml` -> `.leakguard.toml`: `[extend]`, custom rules, global and per-rule
//! allowlists. What has no leakguard equivalent is listed, never dropped silently.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{Context, Result};
use toml::Value;

use super::{toml_list, toml_str};

pub struct Conversion {
    /// The `.leakguard.toml` text.
    pub text: String,
    /// What could not be carried over, or was carried with a different meaning, one line each.
    pub notes: Vec<String>,
}

/// leakguard's built-in rules, as the conversion needs them.
pub struct Builtin<'a> {
    pub ids: &'a [&'a str],
    /// The ids of the generic rules (a secret-like name and any value, no provider named):
    /// what gitleaks' `generic-api-key` stands for.
    pub generic: &'a [&'a str],
}

impl Builtin<'_> {
    /// Our rules that cover what gitleaks' default rule `id` finds: the rule of the same id,
    /// or the equivalents named in `EQUIVALENTS`, or every generic rule for `generic-api-key`.
    fn equivalents(&self, id: &str) -> Vec<String> {
        if id == "generic-api-key" {
            return self.generic.iter().map(|s| s.to_string()).collect();
        }
        if self.ids.contains(&id) {
            return vec![id.to_string()];
        }
        EQUIVALENTS
            .iter()
            .find(|(theirs, _)| *theirs == id)
            .map(|(_, ours)| ours.iter().filter(|o| self.ids.contains(o)).map(|o| o.to_string()).collect())
            .unwrap_or_default()
    }
}

/// gitleaks default rule ids (from its published rule list) whose leakguard rules have other
/// ids. Ids the two share need no entry.
const EQUIVALENTS: &[(&str, &[&str])] = &[
    ("github-pat", &["github-pat-classic"]),
    ("github-oauth", &["github-oauth-token"]),
    ("github-app-token", &["github-user-to-server-token", "github-server-to-server-token"]),
    ("gitlab-ptt", &["gitlab-pipeline-trigger-token"]),
    ("gitlab-rrt", &["gitlab-runner-registration-token"]),
    ("aws-access-token", &["aws-access-key-id"]),
    ("private-key", &["private-key", "private-key-pgp", "private-key-escaped"]),
    ("stripe-access-token", &["stripe-secret-key", "stripe-test-secret-key", "stripe-restricted-key", "stripe-test-restricted-key"]),
    ("gcp-api-key", &["google-api-key"]),
    ("sendgrid-api-token", &["sendgrid-api-key"]),
    ("mailgun-private-api-token", &["mailgun-api-key"]),
    ("telegram-bot-api-token", &["telegram-bot-token"]),
    ("digitalocean-access-token", &["digitalocean-oauth-token"]),
    ("hashicorp-tf-api-token", &["terraform-cloud-token"]),
    ("vault-service-token", &["hashicorp-vault-token"]),
    ("doppler-api-token", &["doppler-token"]),
    ("databricks-api-token", &["databricks-token"]),
    ("postman-api-token", &["postman-api-key"]),
    ("grafana-cloud-api-token", &["grafana-cloud-token"]),
    ("dropbox-api-token", &["dropbox-access-token"]),
    ("facebook-secret", &["facebook-app-secret"]),
    ("huggingface-access-token", &["huggingface-token"]),
    ("huggingface-organization-api-token", &["huggingface-org-token"]),
    ("rubygems-api-token", &["rubygems-api-key"]),
    ("alibaba-secret-key", &["alibaba-access-key-secret"]),
    ("pulumi-api-token", &["pulumi-access-token"]),
    ("curl-auth-user", &["generic-curl-user"]),
    ("slack-legacy-bot-token", &["slack-legacy-token"]),
    ("slack-legacy-workspace-token", &["slack-legacy-token"]),
];

/// Converts the text of a gitleaks config. A custom rule whose id clashes with one of ours is
/// renamed.
pub fn convert(text: &str, builtin: &Builtin) -> Result<Conversion> {
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
    out.push_str("[rules]\n");
    let _ = writeln!(out, "builtin = {use_default}");
    let mut disabled = BTreeSet::new();
    for id in strings(extend.and_then(|e| e.get("disabledRules"))) {
        let ours = builtin.equivalents(&id);
        if ours.is_empty() {
            notes.push(format!("disabledRules: `{id}` has no leakguard equivalent known; see `leakguard rules list`"));
        } else if ours != [id.as_str()] {
            notes.push(format!("disabledRules: `{id}` is carried as {}", ours.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ")));
        }
        disabled.extend(ours);
    }
    if use_default && !disabled.is_empty() {
        let _ = writeln!(out, "disable = {}", toml_list(&disabled.iter().cloned().collect::<Vec<_>>()));
    }

    // Allowlists by rule id, written once each (a table can be declared only once).
    let mut overrides: BTreeMap<String, Vec<&toml::Table>> = BTreeMap::new();
    let mut custom = String::new();
    let mut ctx = Convert { builtin, use_default, disabled: &disabled, out: &mut custom, overrides: &mut overrides, notes: &mut notes };
    for rule in doc.get("rules").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_table) {
        ctx.rule(rule);
    }
    out.push_str(&custom);
    for (id, tables) in &overrides {
        let _ = writeln!(out, "\n[rules.overrides.{id}.allowlist]");
        out.push_str(&allowlist(tables, &format!("rule `{id}`"), &mut notes));
    }

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

struct Convert<'a, 'b> {
    builtin: &'a Builtin<'a>,
    use_default: bool,
    disabled: &'a BTreeSet<String>,
    out: &'a mut String,
    overrides: &'a mut BTreeMap<String, Vec<&'b toml::Table>>,
    notes: &'a mut Vec<String>,
}

impl<'b> Convert<'_, 'b> {
    fn rule(&mut self, rule: &'b toml::Table) {
        let Some(id) = rule.get("id").and_then(Value::as_str) else {
            self.notes.push("a rule without an id was skipped".to_string());
            return;
        };
        let allowlists: Vec<&toml::Table> = rule
            .get("allowlist")
            .and_then(Value::as_table)
            .into_iter()
            .chain(rule.get("allowlists").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_table))
            .collect();
        let regex = rule.get("regex").and_then(Value::as_str);
        let path = rule.get("path").and_then(Value::as_str);
        if regex.is_none() && path.is_none() {
            self.tune_default(id, allowlists);
            return;
        }
        if let Some(p) = path {
            if let Err(e) = regex::Regex::new(p) {
                let cause = e.to_string().lines().last().unwrap_or_default().to_string();
                self.notes.push(format!("rule `{id}`: its path regex does not compile here ({cause}); skipped"));
                return;
            }
        }
        let new_id = if self.builtin.ids.contains(&id) {
            let renamed = format!("custom-{id}");
            self.notes.push(format!("rule `{id}` shares an id with a built-in rule; carried as `{renamed}`"));
            renamed
        } else {
            id.to_string()
        };
        let new_id = kebab(&new_id);
        let description = rule.get("description").and_then(Value::as_str).unwrap_or(id);
        let body = match regex {
            Some(regex) => self.text_rule(id, rule, regex, path),
            // A path-only rule flags the file by its name: one of our file rules.
            None => Some(format!("file = true\nkeywords = []\npath = {}\n", toml_str(path.unwrap_or_default()))),
        };
        let Some(body) = body else { return };
        self.out.push_str("\n[[rules.custom]]\n");
        let _ = writeln!(self.out, "id = {}", toml_str(&new_id));
        let _ = writeln!(self.out, "description = {}", toml_str(description));
        self.out.push_str(&body);
        if !allowlists.is_empty() {
            self.overrides.entry(new_id).or_default().extend(allowlists);
        }
    }

    /// A rule with neither regex nor path adds its allowlists to gitleaks' default rule of that
    /// id: they go to our equivalent rules.
    fn tune_default(&mut self, id: &str, allowlists: Vec<&'b toml::Table>) {
        if allowlists.is_empty() {
            self.notes.push(format!("rule `{id}`: neither a regex, a path nor an allowlist; skipped"));
            return;
        }
        let ours = self.builtin.equivalents(id);
        if ours.is_empty() {
            self.notes.push(format!("rule `{id}`: its allowlist tunes a gitleaks default rule with no leakguard equivalent known; skipped"));
            return;
        }
        if !self.use_default {
            self.notes.push(format!("rule `{id}`: its allowlist tunes a default rule, but the defaults are off (useDefault = false); skipped"));
            return;
        }
        let live: Vec<String> = ours.into_iter().filter(|o| !self.disabled.contains(o)).collect();
        if live.len() > 1 || live.first().is_some_and(|o| o != id) {
            let names: Vec<String> = live.iter().map(|o| format!("`{o}`")).collect();
            self.notes.push(format!("rule `{id}`: its allowlist is carried to {}", names.join(", ")));
        }
        for o in live {
            self.overrides.entry(o).or_default().extend(allowlists.iter().copied());
        }
    }

    /// The lines of a custom rule with a regex, or `None` (and a note) when it cannot be carried.
    fn text_rule(&mut self, id: &str, rule: &toml::Table, regex: &str, path: Option<&str>) -> Option<String> {
        // gitleaks' secret: group `secretGroup`, or without one the first group (if the regex
        // has any), else the whole match.
        let regex = match rule.get("secretGroup").and_then(Value::as_integer).map(usize::try_from) {
            Some(Ok(0)) | Some(Err(_)) => regex.to_string(),
            Some(Ok(n)) => match name_group(regex, n) {
                Some(r) => r,
                None => {
                    self.notes.push(format!("rule `{id}`: secretGroup {n} not found in its regex; skipped"));
                    return None;
                }
            },
            None if regex.contains("(?P<secret>") => regex.to_string(),
            None => name_group(regex, 1).unwrap_or_else(|| regex.to_string()),
        };
        if let Err(e) = regex::bytes::Regex::new(&regex) {
            let cause = e.to_string().lines().last().unwrap_or_default().to_string();
            self.notes.push(format!("rule `{id}`: its regex does not compile here ({cause}); skipped"));
            return None;
        }
        let keywords: Vec<String> = strings(rule.get("keywords")).iter().map(|k| k.to_lowercase()).collect();
        let mut body = String::new();
        let _ = writeln!(body, "keywords = {}", toml_list(&keywords));
        let _ = writeln!(body, "regex = {}", toml_str(&regex));
        match path {
            Some(p) => {
                let _ = writeln!(body, "path = {}", toml_str(p));
            }
            // Without keywords the prefilter never wakes a rule; a path that every file
            // matches runs it on every line instead (slower, same coverage).
            None if keywords.is_empty() => {
                body.push_str("# no keywords in gitleaks: runs on every line of every file\npath = '.'\n");
            }
            None => {}
        }
        if let Some(entropy) = rule.get("entropy").and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64))) {
            let _ = writeln!(body, "entropy = {entropy:?}");
        }
        Some(body)
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
