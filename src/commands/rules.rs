//! `leakguard rules list | show ID | test | doc`.

use std::io::Write;

use anyhow::{bail, Result};
use serde_json::{json, Value};

use crate::cli::{Common, Format, RulesCommand};
use crate::rules::advice::Advice;
use crate::engine::check;
use crate::rules::{Kind, Rule, RuleSet};
use crate::ExitStatus;

pub fn run(common: &Common, command: RulesCommand, out: &mut dyn Write) -> Result<ExitStatus> {
    if let RulesCommand::Doc = command {
        // The built-in catalogue only: the page must not depend on where it is generated.
        let rules = RuleSet::builtin().map_err(|e| anyhow::anyhow!("the built-in rules are broken: {e}"))?;
        out.write_all(crate::rules::doc::markdown(&rules).as_bytes())?;
        return Ok(ExitStatus::Clean);
    }
    let root = super::root()?;
    let loaded = crate::config::load(common.config.as_deref(), &root)?;
    let rules = crate::config::build(loaded.as_ref(), true)?;
    match command {
        RulesCommand::List => {
            if matches!(common.format, Format::Json | Format::Jsonl) {
                let list: Vec<Value> = rules.rules().iter().map(rule_json).collect();
                crate::report::json_pretty(out, &Value::Array(list))?;
                return Ok(ExitStatus::Clean);
            }
            let width = rules.rules().iter().map(|r| r.id().len()).max().unwrap_or(0);
            for rule in rules.rules() {
                let s = &rule.spec;
                writeln!(out, "{:width$}  {:6}  {:5}  {}", s.id, s.kind.to_string(), s.severity.to_string(), s.description)?;
            }
            if !common.quiet {
                let count = |kind| rules.rules().iter().filter(|r| r.spec.kind == kind).count();
                writeln!(out, "{} rules: {} secret, {} smell", rules.len(), count(Kind::Secret), count(Kind::Smell))?;
            }
            Ok(ExitStatus::Clean)
        }
        RulesCommand::Show { id, examples } => match rules.get(&id) {
            Some(rule) => {
                show(rule, examples, out)?;
                Ok(ExitStatus::Clean)
            }
            None => bail!("no rule `{id}` (see `leakguard rules list`)"),
        },
        RulesCommand::Test => {
            let report = check::check(&rules);
            for f in &report.failures {
                writeln!(out, "FAIL {} ({}): {}", f.rule_id, f.origin, f.message)?;
            }
            writeln!(
                out,
                "{} rules, {} examples, {} negative examples: {} failures",
                report.rules,
                report.examples,
                report.negative_examples,
                report.failures.len()
            )?;
            Ok(if report.failures.is_empty() { ExitStatus::Clean } else { ExitStatus::Blocked })
        }
        RulesCommand::Doc => unreachable!("handled above"),
    }
}

/// One rule as `rules list --format json` gives it.
fn rule_json(rule: &Rule) -> Value {
    let s = &rule.spec;
    let advice = Advice::of(s);
    json!({
        "id": s.id,
        "description": s.description,
        "kind": s.kind,
        "severity": s.severity,
        "keywords": s.keywords,
        "provider": s.provider,
        "categories": advice.categories,
        "references": advice.references,
        "remediation": advice.remediation,
        "defined_in": rule.origin,
    })
}

fn show(rule: &Rule, examples: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &rule.spec;
    let advice = Advice::of(s);
    writeln!(out, "id:          {}", s.id)?;
    writeln!(out, "description: {}", s.description)?;
    writeln!(out, "kind:        {}", s.kind)?;
    writeln!(out, "severity:    {}", s.severity)?;
    if let Some(p) = advice.provider {
        writeln!(out, "provider:    {}", p.name)?;
    }
    if !advice.categories.is_empty() {
        writeln!(out, "categories:  {}", advice.categories.join(", "))?;
    }
    writeln!(out, "defined in:  {}", rule.origin)?;
    writeln!(out, "keywords:    {}", s.keywords.join(", "))?;
    writeln!(out, "regex:       {}", s.regex)?;
    if let Some(e) = s.entropy {
        writeln!(out, "entropy:     at least {e} bits per byte")?;
    }
    if s.multiline {
        writeln!(out, "multiline:   yes")?;
    }
    for (i, r) in advice.references.iter().enumerate() {
        writeln!(out, "{:13}{r}", if i == 0 { "docs:" } else { "" })?;
    }
    if !advice.remediation.is_empty() {
        writeln!(out, "fix:         {}", advice.remediation)?;
    }
    // The examples are fake keys, many lines each: a count and where to read them, unless asked.
    writeln!(
        out,
        "examples:    {} that must match, {} that must not (in {}; `leakguard rules test` checks them{})",
        s.examples.len(),
        s.negative_examples.len(),
        rule.origin,
        if examples { "" } else { "; `--examples` prints them" }
    )?;
    if examples {
        for (label, list) in [("must match", &s.examples), ("must not match", &s.negative_examples)] {
            for example in list.iter() {
                writeln!(out, "\n{label}:")?;
                for line in example.lines() {
                    writeln!(out, "    {}", crate::report::escape(line))?;
                }
            }
        }
    }
    Ok(())
}
