//! One module per subcommand; the only place that wires sources, engine, filters and reports.

mod baseline;
mod commit_msg;
mod history;
mod init;
mod install;
mod judge;
mod key;
mod lsp;
mod merge;
mod pre_receive;
mod precommit;
mod purge;
mod push;
mod rules;
mod scan;
mod staged;

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::baseline::{self as baseline_file, Baseline};
use crate::cli::{Cli, Color, Command, Common, Format};
use crate::filter::{Filters, GitleaksIgnore, PathKey, Policy};
use crate::finding::Finding;
use crate::report::{self, Summary};
use crate::rules::RuleSet;
use crate::ExitStatus;

pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus> {
    let common = &cli.command.common();
    let status = match cli.command {
        Command::Staged { .. } => staged::run(common, out),
        Command::Scan { paths, no_ignore, .. } => scan::run(common, &paths, no_ignore || common.audit.skip_ignore_files(), out, err),
        Command::PreCommit { files, smells, .. } => precommit::run(common, &files, smells, out, err),
        Command::Baseline { list: true, .. } => baseline::list(common, out, err),
        Command::Baseline { mark: Some(m), .. } => baseline::mark(common, &m[0], &m[1], err),
        Command::Baseline { update, prune, from_detect_secrets, history, .. } => {
            baseline::run(common, baseline::Mode { update, prune, history }, from_detect_secrets.as_deref(), err)
        }
        Command::Init { from_gitleaks, force, .. } => init::run(common, from_gitleaks.as_deref(), force, out, err),
        Command::Install { hook, global } => install::install(hook, global, err),
        Command::Uninstall { hook, global } => install::uninstall(hook, global, err),
        Command::CommitMsg { file, .. } => commit_msg::run(common, &file, out),
        Command::HookHandshake { protocol } => install::handshake(&protocol, out, err),
        Command::History(args) => history::run(common, &args, out, err),
        Command::Push { remote, url, max_blob_size, .. } => push::run(common, remote.as_deref(), url.as_deref(), max_blob_size, out),
        Command::PreReceive { timeout, on_timeout, max_blob_size, .. } => pre_receive::run(common, timeout, on_timeout, max_blob_size, err),
        Command::Merge { files, .. } => merge::run(common, &files, out, err),
        Command::Rules { command, .. } => rules::run(common, command, out),
        Command::Lsp => lsp::run(common, out, err),
        Command::Completions { shell } => {
            crate::cli::completions(shell, out);
            Ok(ExitStatus::Clean)
        }
        Command::Man => {
            crate::cli::man(out)?;
            Ok(ExitStatus::Clean)
        }
    };
    for note in common.notes.borrow().iter() {
        writeln!(err, "{note}")?;
    }
    status
}

/// What a scanning command needs: this run's rules and filters.
struct Setup {
    rules: RuleSet,
    filters: Filters,
}

/// Where the config, baseline and `.gitleaksignore` live: the repository root, or the current
/// folder outside a repository. A repository that cannot be opened is an error.
fn root() -> Result<PathBuf> {
    let cwd = std::env::current_dir().context("cannot tell the current folder")?;
    let root = crate::source::repo::find_work_tree(None)?.unwrap_or_else(|| cwd.clone());
    Ok(std::fs::canonicalize(&root).unwrap_or(root))
}

/// Loads config, rules, baseline and ignores. Report paths are relative to `base`.
fn setup(common: &Common, base: &Path, root: &Path) -> Result<Setup> {
    setup_with(common, base, root, load_baseline(common, root)?)
}

/// As `setup`, with the baseline given (the `baseline` command writes one that may not exist).
/// `--audit` and the `--no-*` flags turn off what the repository itself could use to hide a
/// finding; what stays on is counted in every report.
fn setup_with(common: &Common, base: &Path, root: &Path, baseline: Option<Baseline>) -> Result<Setup> {
    let audit = common.audit;
    let loaded = if audit.skip_config() { None } else { crate::config::load(common.config.as_deref(), root)? };
    let rules = crate::config::build(loaded.as_ref(), false)?;
    crate::config::require_rules(&rules, loaded.as_ref())?;
    let ignore = if audit.audit {
        GitleaksIgnore::default()
    } else {
        let ignore_path = root.join(crate::filter::gitleaksignore_file());
        GitleaksIgnore::load(&ignore_path).with_context(|| format!("cannot read {}", ignore_path.display()))?
    };
    let paths = PathKey { base: base.to_path_buf(), root: root.to_path_buf() };
    let effect = crate::config::effect(loaded.as_ref());
    let policy = Policy { rules_disabled: effect.rules_disabled, rules_tuned: effect.rules_tuned, turned_off: audit.turned_off() };
    let severity_policy = loaded.as_ref().map(|l| l.config.policy.resolve()).unwrap_or_default();
    let mut filters = Filters::new(loaded.as_ref(), paths)?
        .with_baseline(baseline)
        .with_gitleaks_ignore(ignore)
        .with_policy(policy)
        .with_severity_policy(severity_policy)
        .hiding_smells(common.hide_smells);
    if audit.audit {
        filters = filters.without_inline_allows();
    }
    Ok(Setup { rules, filters })
}

fn baseline_path(common: &Common, root: &Path) -> PathBuf {
    common.baseline.clone().unwrap_or_else(|| root.join(baseline_file::FILE_NAME))
}

/// The baseline in force: the one named by `--baseline` (which must exist), or the
/// repository's when it has one.
fn load_baseline(common: &Common, root: &Path) -> Result<Option<Baseline>> {
    if common.audit.skip_baseline() {
        return Ok(None);
    }
    let path = baseline_path(common, root);
    let mut baseline = Baseline::load(&path)?;
    if let Some(b) = baseline.as_mut() {
        b.follow_renames(root);
    }
    if baseline.is_none() && common.baseline.is_some() {
        bail!("{}: no such baseline file", path.display());
    }
    Ok(baseline)
}

/// Filters the engine's matches, writes the report, and decides the exit status. `failed`
/// (an input that could not be read) turns any result into an error: a scan that missed
/// something must never look clean.
fn finish(
    common: &Common,
    filters: &Filters,
    rules: &RuleSet,
    mut matches: Vec<Finding>,
    mut summary: Summary,
    failed: bool,
    out: &mut dyn Write,
) -> Result<ExitStatus> {
    matches.sort_by(Finding::report_order);
    let filtered = filters.apply(matches);
    summary.allowed_inline = filtered.allowed_inline;
    summary.allowed_config = filtered.allowed_config;
    summary.allowed_gitleaks_ignore = filtered.allowed_gitleaks_ignore;
    summary.policy_off = filtered.policy_off;
    summary.baselined = filtered.baselined;
    summary.smells_hidden = filtered.smells_hidden;
    let policy = filters.policy();
    summary.rules_disabled = policy.rules_disabled;
    summary.rules_tuned = policy.rules_tuned;
    summary.turned_off = policy.turned_off.clone();
    if failed {
        summary.errors = summary.errors.max(1);
    }
    let options = report::Options {
        format: match common.format {
            Format::Human => report::Format::Human,
            Format::Json => report::Format::Json,
            Format::Jsonl => report::Format::Jsonl,
            Format::Sarif => report::Format::Sarif,
        },
        redact: !common.no_redact,
        color: use_color(common),
        // Only machine formats show fingerprints; a human report (the commit hook) reads no key.
        fingerprint_key: if common.format == Format::Human { None } else { Some(key::load(filters.root())?) },
        help: help(rules, &filtered.findings),
        root: Some(filters.root().to_path_buf()),
        repo_paths: filtered.findings.iter().map(|f| (f.location.path.clone(), repo_path(filters, f))).collect(),
    };
    if common.quiet {
        summary.silent_when_clean = true;
        summary.quiet = true;
    }
    write_report(common, out, &mut |w| report::write(w, &filtered.findings, &summary, &options))?;
    // A machine report or one written to a file says nothing on the terminal: one line on
    // stderr, so a CI log never shows a bare exit status.
    if (common.format != Format::Human || common.output.is_some()) && !common.quiet {
        let mut line = report::summary_line(&filtered.findings, &summary);
        if let Some(path) = &common.output {
            line.push_str(&format!(" (report in {})", path.display()));
        }
        common.notes.borrow_mut().push(line);
    }
    Ok(status(failed, filtered.findings.iter().any(Finding::blocks)))
}

/// A finding's path from the repository root, for SARIF; pseudo-paths (`<commit message>`,
/// `<stdin>`) name no file and stay as they are.
fn repo_path(filters: &Filters, f: &Finding) -> String {
    if f.location.path.starts_with('<') {
        f.location.path.clone()
    } else {
        filters.repo_path(f)
    }
}

/// What to do about each rule that fired, from the run's rules (custom ones included).
fn help(rules: &RuleSet, findings: &[Finding]) -> report::Help {
    let mut help = report::Help::new();
    for f in findings {
        if !help.contains_key(&f.rule_id) {
            if let Some(rule) = rules.get(&f.rule_id) {
                help.insert(f.rule_id.clone(), report::RuleHelp::of(&rule.spec));
            }
        }
    }
    help
}

/// Runs `write` on the `--output` file, or on `out`.
fn write_report(common: &Common, out: &mut dyn Write, write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    match &common.output {
        Some(path) => {
            let file = File::create(path).with_context(|| format!("cannot write the report to {}", path.display()))?;
            let mut file = BufWriter::new(file);
            write(&mut file)?;
            file.flush().with_context(|| format!("cannot write the report to {}", path.display()))?;
        }
        None => {
            // One write per finding line would be a system call each: buffer, then flush.
            let mut out = BufWriter::new(out);
            write(&mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}

/// The exit status of a scan: an input that could not be read beats any finding.
fn status(failed: bool, blocking: bool) -> ExitStatus {
    if failed {
        ExitStatus::Error
    } else if blocking {
        ExitStatus::Blocked
    } else {
        ExitStatus::Clean
    }
}

fn use_color(common: &Common) -> bool {
    match common.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            common.output.is_none()
                && common.format == Format::Human
                // NO_COLOR set and not empty turns colour off (an empty value does not, per its spec).
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}
