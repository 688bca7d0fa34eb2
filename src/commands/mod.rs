//! One module per subcommand; the only place that wires sources, engine, filters and reports.

mod install;
mod precommit;
mod rules;
mod scan;
mod staged;

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};

use anyhow::{Context, Result};

use crate::cli::{Cli, Color, Command, Common, Format};
use crate::finding::Finding;
use crate::report::{self, Summary};
use crate::rules::RuleSet;
use crate::ExitStatus;

pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus> {
    let common = &cli.common;
    match cli.command {
        Command::Staged => staged::run(common, out),
        Command::Scan { paths, no_ignore } => scan::run(common, &paths, no_ignore, out, err),
        Command::PreCommit { files } => precommit::run(common, &files, out, err),
        Command::Install { hook } => install::install(hook, err),
        Command::Uninstall { hook } => install::uninstall(hook, err),
        Command::Rules { command } => rules::run(command, out),
    }
}

fn load_rules() -> Result<RuleSet> {
    RuleSet::builtin().context("the built-in rules are broken")
}

/// Filters the engine's matches, writes the report, and decides the exit status. `failed`
/// (an input that could not be read) turns any result into an error: a scan that missed
/// something must never look clean.
fn finish(
    common: &Common,
    mut matches: Vec<Finding>,
    mut summary: Summary,
    failed: bool,
    out: &mut dyn Write,
) -> Result<ExitStatus> {
    matches.sort_by(|a, b| a.location.cmp(&b.location).then_with(|| a.rule_id.cmp(&b.rule_id)));
    let filtered = crate::filter::apply(matches);
    summary.allowed_inline = filtered.allowed_inline;
    let options = report::Options {
        format: match common.format {
            Format::Human => report::Format::Human,
            Format::Json => report::Format::Json,
        },
        redact: !common.no_redact,
        color: use_color(common),
    };
    if common.quiet {
        summary.silent_when_clean = true;
    }
    match &common.output {
        Some(path) => {
            let file = File::create(path).with_context(|| format!("cannot write the report to {}", path.display()))?;
            let mut file = BufWriter::new(file);
            report::write(&mut file, &filtered.findings, &summary, &options)?;
            file.flush().with_context(|| format!("cannot write the report to {}", path.display()))?;
        }
        None => report::write(out, &filtered.findings, &summary, &options)?,
    }
    Ok(if failed {
        ExitStatus::Error
    } else if filtered.findings.iter().any(Finding::blocks) {
        ExitStatus::Blocked
    } else {
        ExitStatus::Clean
    })
}

fn use_color(common: &Common) -> bool {
    match common.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            common.output.is_none()
                && common.format == Format::Human
                && std::env::var_os("NO_COLOR").is_none()
                && std::io::stdout().is_terminal()
        }
    }
}
