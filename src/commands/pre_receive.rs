//! `leakguard pre-receive`: the server-side hook. Reads `<old> <new> <ref>` lines, scans the
//! lines the pushed commits add that no ref of the server reaches yet, and refuses the push
//! (exit 1, the report on stderr, which git relays to the pusher as `remote:` lines) when one
//! blocks. Any error refuses too (exit 2): a hook that cannot check a push never accepts it.
//!
//! The server's config (`--config`, or `git config leakguard.config`) is in force; a
//! repository's own `.leakguard.toml` at the pushed tip can only add rules. Its baseline at
//! the pushed tip is honoured (or the server's `--baseline`).

use std::borrow::Cow;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::judge::Tally;
use crate::baseline::{self as baseline_file, Baseline};
use crate::chunk::{Chunk, Provenance};
use crate::cli::{Common, OnTimeout};
use crate::config::{self, Config, Loaded, RulesConfig};
use crate::engine::Engine;
use crate::filter::{Filters, PathKey, Policy};
use crate::rules::RuleSet;
use crate::source::commits::MESSAGE_PATH;
use crate::source::pre_receive::{self, NewCommits, Server, Update};
use crate::ExitStatus;

/// What the run was asked for, owned: the scan runs on a thread the time budget can abandon.
struct Job {
    common: Common,
    updates: Vec<Update>,
    server: Server,
    server_config: Option<(PathBuf, String)>,
    max_blob_size: u64,
}

pub fn run(common: &Common, timeout: Option<u64>, on_timeout: OnTimeout, max_blob_size: u64, err: &mut dyn Write) -> Result<ExitStatus> {
    let started = Instant::now();
    let status = check(common, started, timeout, on_timeout, max_blob_size, err).context("leakguard refused the push: it could not be checked")?;
    if status == ExitStatus::Blocked {
        writeln!(err, "{}", ADVICE)?;
    }
    Ok(status)
}

const ADVICE: &str = "leakguard: push refused: the pushed commits add the secrets above.
  1. Rotate each one now: it has left your machine. Revoke it where it was issued (see `fix:`).
  2. Rewrite the commits that add it (`git rebase -i`, or `git commit --amend` for the last one)
     so that no pushed commit holds it, then push again.
  3. Not a secret? Accept it in .leakguard-baseline.toml (`leakguard baseline --update`) in a
     new commit, or mark the line with a `leakguard:allow` comment in the rewritten commit.
     (This server ignores the allowlists of the repository's .leakguard.toml.)";

fn check(common: &Common, started: Instant, timeout: Option<u64>, on_timeout: OnTimeout, max_blob_size: u64, err: &mut dyn Write) -> Result<ExitStatus> {
    if std::io::stdin().is_terminal() {
        bail!("`leakguard pre-receive` reads `<old> <new> <ref>` lines on standard input, as git's pre-receive hook gets them");
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).context("cannot read the ref updates from standard input")?;
    let updates = pre_receive::parse(&input)?;
    let (server, _scratch) = Server::open()?;
    let server_config = server_config(common, &server)?;
    let job = Job { common: common.clone(), updates, server, server_config, max_blob_size };
    let deadline = timeout.map(|secs| started + Duration::from_secs(secs));
    if deadline.is_some_and(|d| Instant::now() >= d) {
        return timed_out(timeout.unwrap_or_default(), on_timeout, err);
    }
    let (send, receive) = mpsc::channel();
    std::thread::Builder::new()
        .name("pre-receive scan".into())
        .spawn(move || {
            let _ = send.send(scan(&job));
        })
        .context("cannot start the scan")?;
    let result = match deadline {
        Some(deadline) => match receive.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(result) => result,
            // The scan thread is abandoned; the process ends with this answer.
            Err(mpsc::RecvTimeoutError::Timeout) => return timed_out(timeout.unwrap_or_default(), on_timeout, err),
            Err(mpsc::RecvTimeoutError::Disconnected) => bail!("the scan stopped without an answer"),
        },
        None => receive.recv().context("the scan stopped without an answer")?,
    };
    let (status, report) = result?;
    err.write_all(&report)?;
    Ok(status)
}

fn timed_out(secs: u64, policy: OnTimeout, err: &mut dyn Write) -> Result<ExitStatus> {
    let (verdict, status) = match policy {
        OnTimeout::Refuse => ("refusing the push (--on-timeout refuse)", ExitStatus::Blocked),
        OnTimeout::Accept => ("accepting the push unchecked (--on-timeout accept)", ExitStatus::Clean),
    };
    writeln!(err, "leakguard: the scan did not finish within its {secs} s budget (--timeout): {verdict}")?;
    Ok(status)
}

/// The server's config: `--config`, else `git config leakguard.config`; read here so a
/// missing or broken one is reported before anything is scanned.
fn server_config(common: &Common, server: &Server) -> Result<Option<(PathBuf, String)>> {
    if common.audit.skip_config() {
        return Ok(None);
    }
    let path = match &common.config {
        Some(path) => path.clone(),
        None => match server.config_path()? {
            Some(path) => path,
            None => return Ok(None),
        },
    };
    let loaded = config::load(Some(&path), server.git_dir())?.expect("an explicit config is read or fails");
    // Checked once up front; each ref update parses it again to add that tip's rules.
    config::build(Some(&loaded), false)?;
    Ok(Some((loaded.path, loaded.text)))
}

/// Scans every ref update; the reports (to show the pusher) and the worst status.
fn scan(job: &Job) -> Result<(ExitStatus, Vec<u8>)> {
    let mut report = Vec::new();
    let mut status = ExitStatus::Clean;
    let mut scanned_tips: Vec<String> = Vec::new();
    for update in &job.updates {
        // A deletion adds nothing.
        let Some(new) = &update.new else { continue };
        let kind = job.server.peeled_type(new).with_context(|| format!("{}: cannot read {new}", update.name))?;
        if kind != "commit" {
            bail!("{}: points at a {kind}; leakguard checks commits only", update.name);
        }
        // Commits shared with a ref update already scanned are judged once.
        let fresh = job.server.new_commits(new, &scanned_tips).with_context(|| format!("{}: cannot list the pushed commits", update.name))?;
        scanned_tips.push(new.clone());
        if fresh.commits.is_empty() {
            continue;
        }
        let update_status = scan_update(job, update, new, &fresh, &mut report).with_context(|| update.name.clone())?;
        status = worse(status, update_status);
    }
    Ok((status, report))
}

fn worse(a: ExitStatus, b: ExitStatus) -> ExitStatus {
    if (b as u8) > (a as u8) {
        b
    } else {
        a
    }
}

fn scan_update(job: &Job, update: &Update, tip: &str, fresh: &NewCommits, report: &mut Vec<u8>) -> Result<ExitStatus> {
    let common = &job.common;
    let short = &tip[..tip.len().min(12)];
    let (rules, filters) = setup(job, tip, short, report)?;
    let engine = Engine::new(&rules);
    let mut tally = Tally::new("pushed ");
    tally.summary.size_limit = Some(job.max_blob_size);
    let mut failure = None;
    let pushed = job.server.read(&update.name, tip, fresh, job.max_blob_size, &mut |item| {
        if failure.is_none() {
            failure = tally.scan(&engine, &item).err();
        }
    })?;
    if let Some(error) = failure {
        return Err(error);
    }
    for info in &pushed.commits {
        let chunk = Chunk::new(MESSAGE_PATH.to_string(), Cow::Owned(info.message.clone().into_bytes()), Provenance::Commit(info.clone()));
        let found = engine.scan(&chunk).with_context(|| format!("{MESSAGE_PATH} of {}", info.id))?;
        tally.matches.extend(found);
    }
    if !common.no_redact {
        super::history::redact_subjects(&engine, &mut tally.matches);
    }
    super::finish(common, &filters, &rules, tally.matches, tally.summary, false, report)
}

/// The rules and filters for one pushed tip: the server's config, plus the custom rules of
/// the tip's own `.leakguard.toml`, with the tip's baseline (or the server's `--baseline`).
fn setup(job: &Job, tip: &str, short: &str, notes: &mut Vec<u8>) -> Result<(RuleSet, Filters)> {
    let common = &job.common;
    let mut merged = match &job.server_config {
        Some((path, text)) => config::parse(path, text.clone())?,
        None => Loaded { config: Config::default(), path: PathBuf::from("(built-in rules)"), text: String::new() },
    };
    if !common.audit.skip_config() {
        if let Some(custom) = repo_rules(job, tip, short, &merged, notes)? {
            merged.config.rules.custom.extend(custom);
        }
    }
    let rules = config::build(Some(&merged), false)?;
    config::require_rules(&rules, Some(&merged))?;
    let baseline = baseline(job, tip, short)?;
    let effect = config::effect(job.server_config.as_ref().map(|_| &merged));
    let policy = Policy { rules_disabled: effect.rules_disabled, rules_tuned: effect.rules_tuned, turned_off: common.audit.turned_off() };
    let root = job.server.git_dir().to_path_buf();
    let paths = PathKey { base: root.clone(), root };
    let severity_policy = merged.config.policy.resolve();
    let mut filters = Filters::new(Some(&merged), paths)?.with_baseline(baseline).with_policy(policy).with_severity_policy(severity_policy);
    if common.audit.audit {
        filters = filters.without_inline_allows();
    }
    Ok((rules, filters))
}

/// The custom rules of the repository's `.leakguard.toml` at `tip`, checked on their own (so
/// errors point into that file). Whatever else it says (disabled rules, allowlists, tuning,
/// policy) the server ignores, and says so.
fn repo_rules(job: &Job, tip: &str, short: &str, server: &Loaded, notes: &mut Vec<u8>) -> Result<Option<Vec<toml::Spanned<crate::rules::RuleSpec>>>> {
    let Some(bytes) = job.server.file_at(tip, config::FILE_NAME)? else { return Ok(None) };
    let shown = PathBuf::from(format!("{short}:{}", config::FILE_NAME));
    let text = String::from_utf8(bytes).with_context(|| format!("{}: not UTF-8", shown.display()))?;
    let own = config::parse(&shown, text)?;
    let ignored = ignored_settings(&own.config);
    if !ignored.is_empty() {
        writeln!(
            notes,
            "leakguard: note: the server ignores what {} says about {} (a repository may only add rules here)",
            shown.display(),
            ignored.join(", ")
        )?;
    }
    let custom = own.config.rules.custom;
    if custom.is_empty() {
        return Ok(None);
    }
    let only_custom = Config { rules: RulesConfig { builtin: false, custom: custom.clone(), ..RulesConfig::default() }, ..Config::default() };
    let added = config::build(Some(&Loaded { config: only_custom, path: own.path.clone(), text: own.text.clone() }), false)?;
    let server_rules = config::build(Some(server), false)?;
    if let Some(index) = added.ids().position(|id| server_rules.get(id).is_some()) {
        bail!("{}: custom rule {}: its `id` is already used by a server rule (a repository may only add rules)", shown.display(), index + 1);
    }
    Ok(Some(custom))
}

/// The settings of a repository config that would take something away.
fn ignored_settings(config: &Config) -> Vec<&'static str> {
    let rules = &config.rules;
    let allow = &config.allowlist;
    let mut ignored = Vec::new();
    if !rules.builtin {
        ignored.push("`builtin = false`");
    }
    if !rules.disable.is_empty() {
        ignored.push("`disable`");
    }
    if !rules.overrides.is_empty() {
        ignored.push("`overrides`");
    }
    let allows = !(allow.paths.is_empty()
        && allow.path_regexes.is_empty()
        && allow.secrets.is_empty()
        && allow.matches.is_empty()
        && allow.lines.is_empty()
        && allow.stopwords.is_empty()
        && allow.commits.is_empty());
    if allows {
        ignored.push("`allowlist`");
    }
    let set = |p: &crate::policy::PartialByKind| p.code.is_some() || p.test.is_some() || p.docs.is_some() || p.example.is_some();
    if set(&config.policy.high) || set(&config.policy.medium) || set(&config.policy.low) {
        ignored.push("`policy`");
    }
    ignored
}

/// The server's `--baseline`, else the baseline file at `tip`, else none.
fn baseline(job: &Job, tip: &str, short: &str) -> Result<Option<Baseline>> {
    let common = &job.common;
    if common.audit.skip_baseline() {
        return Ok(None);
    }
    if let Some(path) = &common.baseline {
        let baseline = Baseline::load(path)?;
        if baseline.is_none() {
            bail!("{}: no such baseline file", path.display());
        }
        return Ok(baseline);
    }
    let Some(bytes) = job.server.file_at(tip, baseline_file::FILE_NAME)? else { return Ok(None) };
    // Baselines are read from files; this one lives only in the pushed objects.
    let dir = job.server.scratch().join(short);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot write to {}", dir.display()))?;
    let path = dir.join(baseline_file::FILE_NAME);
    std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    Baseline::load(&path).with_context(|| format!("the baseline at {short}"))
}
