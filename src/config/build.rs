//! Turns a config into the rule set of a run: built-ins (or not), minus disabled rules, with
//! overrides applied and custom rules added, each custom rule proven by its own examples.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::{ConfigError, Loaded};
use crate::engine::check;
use crate::rules::{Rule, RuleError, RuleSet, RuleSpec};

/// Builds the rule set. The built-in rules are validated again only when `checked` (the `rules`
/// command); a scan trusts them.
pub fn build(loaded: Option<&Loaded>, checked: bool) -> anyhow::Result<RuleSet> {
    let builtin = || -> anyhow::Result<RuleSet> {
        let set = if checked { RuleSet::builtin() } else { Ok(RuleSet::builtin_for_scan()) };
        set.map_err(|e| anyhow::anyhow!("the built-in rules are broken: {e}"))
    };
    let Some(loaded) = loaded else { return builtin() };
    let cfg = &loaded.config.rules;
    let at = |span: Range<usize>, message: String| ConfigError::at(&loaded.path, &loaded.text, span, message);
    let mut rules = if cfg.builtin { builtin()? } else { RuleSet::default() };
    let known: Vec<String> = rules.ids().map(str::to_string).collect();
    // The id is not echoed (it may be a secret pasted in the wrong place); a near miss of a
    // known id is named instead.
    let unknown = |id: &str| {
        let hint = crate::file_error::did_you_mean(id, known.iter().map(String::as_str))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        format!("no such rule{hint}")
    };

    // Each step is one pass over the rules (or a lookup per rule): a config with ten thousand
    // custom rules must load in linear time.
    if let Some(id) = cfg.disable.iter().find(|id| rules.get(id.get_ref()).is_none()) {
        return Err(at(id.span(), unknown(id.get_ref())).into());
    }
    rules.remove_all(&cfg.disable.iter().map(|id| id.get_ref().as_str()).collect::<Vec<_>>());
    let custom_ids: HashSet<&str> = cfg.custom.iter().map(|c| c.get_ref().id.as_ref()).collect();
    for (id, tuning) in &cfg.overrides {
        let Some(rule) = rules.get_mut(id.get_ref()) else {
            // A custom rule may be tuned too; it is checked once custom rules are in.
            if custom_ids.contains(id.get_ref().as_str()) {
                continue;
            }
            return Err(at(id.span(), unknown(id.get_ref())).into());
        };
        apply(rule, tuning);
    }
    let overrides: HashMap<&str, &super::Override> = cfg.overrides.iter().map(|(k, v)| (k.get_ref().as_str(), v)).collect();
    let origin = crate::chunk::display_path(&loaded.path);
    for (index, custom) in cfg.custom.iter().enumerate() {
        let spec = custom.get_ref().clone();
        let id = spec.id.clone();
        // Messages name the rule by its position and never quote its fields.
        let name = format!("custom rule {}", index + 1);
        let scrub = |message: &str| scrub(message, &spec);
        let mut rule = Rule::new(spec.clone(), origin.clone());
        if let Err(e) = crate::rules::check_cost(&rule.spec.regex) {
            let regex_at = custom_rule_span(&loaded.text, index, "regex");
            return Err(at(regex_at, format!("{name}: regex too costly: {}", scrub(&e))).into());
        }
        if let Err(e) = rule.regex() {
            // Found only now: parsing the file again for each rule would make loading quadratic.
            let regex_at = custom_rule_span(&loaded.text, index, "regex");
            return Err(at(regex_at, format!("{name}: {}", scrub(&one_line(&regex_message(&e))))).into());
        }
        // A bad `path` would otherwise fail only on the first file with the rule's keyword.
        if let Err(e) = rule.applies_to("") {
            let path_at = custom_rule_span(&loaded.text, index, "path");
            return Err(at(path_at, format!("{name}: bad `path`: {}", scrub(&one_line(&e.to_string())))).into());
        }
        if let Some(tuning) = overrides.get(id.as_ref()) {
            apply(&mut rule, tuning);
        }
        let failures = check::check_examples(&rule);
        if let Some(first) = failures.first() {
            let key = if first.starts_with("negative") { "negative_examples" } else { "examples" };
            let span = custom_rule_span(&loaded.text, index, key);
            return Err(at(span, format!("{name}: {}", scrub(first))).into());
        }
        if let Err(e) = rules.add(rule) {
            let message = match e {
                RuleError::Duplicate { first, .. } => format!("{name}: its `id` is already used by a rule of {first}"),
                RuleError::Invalid { msg, .. } => format!("{name}: {}", scrub(&msg)),
                other => format!("{name}: {}", scrub(&other.to_string())),
            };
            return Err(at(custom_rule_span(&loaded.text, index, "id"), message).into());
        }
    }
    Ok(rules)
}

/// `message` with every field of `spec` it quotes replaced, so an error never echoes a value.
fn scrub(message: &str, spec: &RuleSpec) -> String {
    let mut values: Vec<&str> = vec![spec.id.as_ref(), spec.regex.as_ref()];
    values.extend(spec.keywords.iter().map(|k| k.as_ref()));
    values.extend(spec.examples.iter().map(|e| e.as_ref()));
    values.extend(spec.negative_examples.iter().map(|e| e.as_ref()));
    values.extend(spec.checksum.iter().map(|k| k.as_ref()));
    values.extend(spec.path.iter().map(|k| k.as_ref()));
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    let mut out = message.to_string();
    for value in values.into_iter().filter(|v| v.len() >= 3) {
        out = out.replace(value, "(value)");
    }
    out
}

/// Refuses a scan without rules: it would pass everything. Every scanning command calls it.
pub fn require_rules(rules: &RuleSet, loaded: Option<&Loaded>) -> anyhow::Result<()> {
    if !rules.is_empty() {
        return Ok(());
    }
    let why = match loaded {
        Some(l) if !RuleSet::builtin_for_scan().is_empty() => {
            format!("{} turns off every built-in rule and adds none of its own", crate::chunk::display_path(&l.path))
        }
        _ => "this leakguard was built without its rule catalogue".to_string(),
    };
    anyhow::bail!("no rules to scan with: {why}")
}

/// What a config changed in the rule set, for reports: rules turned off, rules tuned.
#[derive(Debug, Default, Clone, Copy)]
pub struct Effect {
    pub rules_disabled: usize,
    pub rules_tuned: usize,
}

pub fn effect(loaded: Option<&Loaded>) -> Effect {
    let Some(loaded) = loaded else { return Effect::default() };
    let cfg = &loaded.config.rules;
    let rules_disabled = if cfg.builtin { cfg.disable.len() } else { RuleSet::builtin_for_scan().len() };
    let rules_tuned = cfg.overrides.values().filter(|o| o.entropy.is_some() || o.severity.is_some()).count();
    Effect { rules_disabled, rules_tuned }
}

fn regex_message(e: &crate::rules::RuleError) -> String {
    match e {
        crate::rules::RuleError::Regex { msg, .. } => msg.clone(),
        other => other.to_string(),
    }
}

fn apply(rule: &mut Rule, tuning: &super::Override) {
    if let Some(severity) = tuning.severity {
        rule.spec.to_mut().severity = severity;
    }
    if let Some(entropy) = tuning.entropy {
        rule.spec.to_mut().entropy = Some(entropy);
    }
}

/// Where the value of `key` in the `index`th custom rule is written; the start of the file
/// when it cannot be found (serde does not keep spans inside arrays of tables).
fn custom_rule_span(text: &str, index: usize, key: &str) -> Range<usize> {
    let span = || -> Option<Range<usize>> {
        let doc = toml::de::DeTable::parse(text).ok()?;
        let root = toml::de::DeValue::Table(doc.into_inner());
        let rule = root.get("rules")?.get_ref().get("custom")?.get_ref().get(index)?;
        Some(rule.get_ref().get(key).map_or_else(|| rule.span(), |v| v.span()))
    };
    span().unwrap_or(0..0)
}

/// The regex crate's error spans several lines (pattern, caret, cause): keep the cause and
/// where in the pattern it is.
fn one_line(message: &str) -> String {
    let cause = message
        .lines()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .unwrap_or_else(|| message.lines().last().unwrap_or_default().trim());
    let caret = message.lines().find(|l| l.trim_start().starts_with('^')).map(|l| l.len() - l.trim_start().len());
    match caret {
        // The pattern is echoed indented by four spaces.
        Some(col) if col >= 4 => format!("invalid regex: {cause} (at character {} of the pattern)", col - 3),
        _ => format!("invalid regex: {cause}"),
    }
}

#[cfg(test)]
mod tests {
    /// A custom rule is compiled while the config loads (to prove its examples); a folder or
    /// history scan still gets its bulk build, with the lazy DFA (issue 13, item 8).
    #[test]
    fn issue_13_custom_rules_get_the_bulk_regex() {
        let text = "[[rules.custom]]\nid = \"acme-token\"\ndescription = \"ACME token\"\nkeywords = [\"acme_\"]\n\
                    regex = '''\\b(?P<secret>acme_[A-Za-z0-9]{16})\\b'''\nexamples = [\"k = acme_Q8wE3rT5yU7iO9pA\"]\n";
        let loaded = crate::config::parse(std::path::Path::new(".leakguard.toml"), text.to_string()).expect("the config parses");
        let rules = super::build(Some(&loaded), false).expect("the rules build");
        let rule = rules.get("acme-token").expect("the custom rule");
        assert!(rule.is_compiled(), "compiled while loading");
        assert!(rule.regex_for(true).expect("compiles").is_bulk());
        assert!(!rule.regex_for(false).expect("compiles").is_bulk());
    }
}
