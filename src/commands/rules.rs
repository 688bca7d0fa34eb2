//! `leakguard rules list | show ID | test`.

use std::io::Write;

use anyhow::{bail, Result};

use crate::cli::{Common, RulesCommand};
use crate::rules::{check, Kind, Rule};
use crate::ExitStatus;

pub fn run(common: &Common, command: RulesCommand, out: &mut dyn Write) -> Result<ExitStatus> {
    let root = super::root()?;
    let loaded = crate::config::load(common.config.as_deref(), &root)?;
    let rules = crate::config::build(loaded.as_ref(), true)?;
    match command {
        RulesCommand::List => {
            let width = rules.rules().iter().map(|r| r.id().len()).max().unwrap_or(0);
            for rule in rules.rules() {
                let s = &rule.spec;
                writeln!(out, "{:width$}  {:6}  {:5}  {}", s.id, s.kind.to_string(), s.severity.to_string(), s.description)?;
            }
            let count = |kind| rules.rules().iter().filter(|r| r.spec.kind == kind).count();
            writeln!(out, "{} rules: {} secret, {} smell", rules.len(), count(Kind::Secret), count(Kind::Smell))?;
            Ok(ExitStatus::Clean)
        }
        RulesCommand::Show { id } => match rules.get(&id) {
            Some(rule) => {
                show(rule, out)?;
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
    }
}

fn show(rule: &Rule, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &rule.spec;
    writeln!(out, "id:          {}", s.id)?;
    writeln!(out, "description: {}", s.description)?;
    writeln!(out, "kind:        {}", s.kind)?;
    writeln!(out, "severity:    {}", s.severity)?;
    writeln!(out, "defined in:  {}", rule.origin)?;
    writeln!(out, "keywords:    {}", s.keywords.join(", "))?;
    writeln!(out, "regex:       {}", s.regex)?;
    if let Some(e) = s.entropy {
        writeln!(out, "entropy:     at least {e} bits per byte")?;
    }
    if s.multiline {
        writeln!(out, "multiline:   yes")?;
    }
    writeln!(out, "examples (fake values; each must match):")?;
    for e in &s.examples {
        writeln!(out, "  {}", e.replace('\n', "\n  "))?;
    }
    writeln!(out, "negative examples (each must not match):")?;
    for e in &s.negative_examples {
        writeln!(out, "  {}", e.replace('\n', "\n  "))?;
    }
    Ok(())
}
