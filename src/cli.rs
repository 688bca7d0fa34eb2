//! The command line (clap derive types only).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "leakguard", version = crate::VERSION, about = "Stops secrets and code smells before they enter a git repository")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// How a report is written: only on the commands that write one.
#[derive(Debug, Clone, Default, Args)]
pub struct ReportArgs {
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human, global = true)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE", global = true)]
    pub output: Option<PathBuf>,
    /// Show secrets in clear in the report (they are redacted by default).
    #[arg(long, global = true)]
    pub no_redact: bool,
    /// Print findings only: no summary line.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Colour the human report.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,
}

/// Where the repository's config and baseline are.
#[derive(Debug, Clone, Default, Args)]
pub struct RepoArgs {
    /// Config file (default: .leakguard.toml at the repository root, when there is one).
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,
    /// Baseline file (default: .leakguard-baseline.toml at the repository root).
    #[arg(long, value_name = "PATH", global = true)]
    pub baseline: Option<PathBuf>,
}

/// The options of a run, gathered from the subcommand's own (a command without report options
/// gets the defaults). Not parsed by clap as such.
#[derive(Debug, Clone, Default)]
pub struct Common {
    pub format: Format,
    pub output: Option<PathBuf>,
    pub no_redact: bool,
    pub quiet: bool,
    pub color: Color,
    pub config: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    pub audit: Audit,
    /// Code smells are counted, not reported (`scan` and `history` without `--smells`).
    pub hide_smells: bool,
    /// Lines for standard error once the report is written (the one-line summary of a machine
    /// report, so a CI log never shows a bare exit status).
    pub notes: std::cell::RefCell<Vec<String>>,
}

impl Common {
    pub fn new(report: &ReportArgs, repo: &RepoArgs, audit: Audit) -> Common {
        Common {
            format: report.format,
            output: report.output.clone(),
            no_redact: report.no_redact,
            quiet: report.quiet,
            color: report.color,
            config: repo.config.clone(),
            baseline: repo.baseline.clone(),
            audit,
            hide_smells: false,
            notes: Default::default(),
        }
    }
}

/// What an auditor turns off: the repository's own means of hiding findings. Scanning
/// commands only (scan, history, staged, push, pre-commit).
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct Audit {
    /// Do not read .leakguard.toml (nor --config): every built-in rule, no allowlists.
    #[arg(long)]
    pub no_config: bool,
    /// Do not apply the baseline.
    #[arg(long)]
    pub no_baseline: bool,
    /// `scan`: also read what .gitignore and .ignore files exclude.
    #[arg(long)]
    pub no_ignore_files: bool,
    /// An auditor's run: --no-config, --no-baseline and --no-ignore-files, and inline allow
    /// comments and .gitleaksignore hide nothing either.
    #[arg(long)]
    pub audit: bool,
}

impl Audit {
    pub fn skip_config(&self) -> bool {
        self.no_config || self.audit
    }
    pub fn skip_baseline(&self) -> bool {
        self.no_baseline || self.audit
    }
    pub fn skip_ignore_files(&self) -> bool {
        self.no_ignore_files || self.audit
    }
    pub fn any(&self) -> bool {
        self.no_config || self.no_baseline || self.no_ignore_files || self.audit
    }
    /// The mechanisms turned off, as reports name them.
    pub fn turned_off(&self) -> Vec<&'static str> {
        let mut off = Vec::new();
        if self.skip_config() {
            off.push("config");
        }
        if self.skip_baseline() {
            off.push("baseline");
        }
        if self.audit {
            off.extend(["inline allows", ".gitleaksignore"]);
        }
        off
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan the changes staged for the next commit (only the lines they add).
    Staged {
        #[command(flatten)]
        report: ReportArgs,
        #[command(flatten)]
        repo: RepoArgs,
        #[command(flatten)]
        audit: Audit,
    },
    /// Scan files and folders on disk; `-` reads standard input.
    Scan {
        /// Files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Also scan what .gitignore and other ignore files exclude.
        #[arg(long)]
        no_ignore: bool,
        /// Report code smells (disabled TLS checks, debugger calls, merge markers) too; by
        /// default a whole-tree scan only counts them.
        #[arg(long)]
        smells: bool,
        #[command(flatten)]
        report: ReportArgs,
        #[command(flatten)]
        repo: RepoArgs,
        #[command(flatten)]
        audit: Audit,
    },
    /// Entry point for the pre-commit framework: during `git commit`, the staged changes of
    /// FILES; under `pre-commit run --files/--all-files`, FILES whole.
    #[command(name = "pre-commit")]
    PreCommit {
        /// The files the framework hands over.
        files: Vec<PathBuf>,
        /// Under `--files/--all-files`, report code smells too (by default only counted, as
        /// `scan` does); during `git commit` the added lines' smells are always reported.
        #[arg(long)]
        smells: bool,
        #[command(flatten)]
        report: ReportArgs,
        #[command(flatten)]
        repo: RepoArgs,
        #[command(flatten)]
        audit: Audit,
    },
    /// Write the baseline: accept the current findings of the tracked files, so only new
    /// ones block.
    Baseline {
        /// Keep the entries already there and add the new findings.
        #[arg(long)]
        update: bool,
        /// Drop entries whose finding is gone.
        #[arg(long)]
        prune: bool,
        /// Import a detect-secrets baseline (matched against the current findings).
        #[arg(long, value_name = "PATH")]
        from_detect_secrets: Option<PathBuf>,
        /// Accept the findings of the whole history, not only of the tracked files.
        #[arg(long)]
        history: bool,
        /// No progress on standard error.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        repo: RepoArgs,
        /// List the accepted entries: rule, path, where each secret is now (or `gone`), mark.
        #[arg(long, conflicts_with_all = ["update", "prune", "from_detect_secrets", "history", "mark"])]
        list: bool,
        /// Triage an entry (its number in --list, or its id): false-alarm, rotate, or none.
        #[arg(long, num_args = 2, value_names = ["ENTRY", "MARK"], conflicts_with_all = ["update", "prune", "from_detect_secrets", "history"])]
        mark: Option<Vec<String>>,
    },
    /// Write a commented starter .leakguard.toml.
    Init {
        /// Convert a gitleaks config (allowlists, custom rules, [extend]) instead.
        #[arg(long, value_name = "PATH")]
        from_gitleaks: Option<PathBuf>,
        /// Overwrite an existing .leakguard.toml.
        #[arg(long)]
        force: bool,
        /// Where to write the config (default: .leakguard.toml at the repository root).
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
    /// Install leakguard as a git hook, chaining any hook already there.
    Install {
        #[arg(long, value_enum, default_value_t = Hook::PreCommit)]
        hook: Hook,
        /// Into the global hooks folder (core.hooksPath in the global git config, set to
        /// leakguard's own folder when unset), for every repository.
        #[arg(long)]
        global: bool,
    },
    /// Remove the hook `install` wrote, restoring the hook it chained.
    Uninstall {
        #[arg(long, value_enum, default_value_t = Hook::PreCommit)]
        hook: Hook,
        /// From the global hooks folder.
        #[arg(long)]
        global: bool,
    },
    /// Entry point for the commit-msg hook: scans the message git is about to record (without
    /// the lines git strips as comments).
    #[command(name = "commit-msg")]
    CommitMsg {
        /// The message file git hands the hook.
        file: PathBuf,
        #[command(flatten)]
        report: ReportArgs,
        #[command(flatten)]
        repo: RepoArgs,
    },
    /// Answers an installed hook that checks it runs the real leakguard.
    #[command(name = "hook-handshake", hide = true)]
    HookHandshake { protocol: String },
    /// Scan git history: every blob reachable from any ref (or from RANGE...), each distinct
    /// blob once, each finding attributed to the commit that introduced it.
    History(HistoryArgs),
    /// Entry point for the pre-push hook: reads `<local ref> <local sha> <remote ref> <remote sha>`
    /// lines on stdin and scans the lines the pushed commits add.
    Push {
        /// The remote's name, as git passes it to the hook.
        remote: Option<String>,
        /// The remote's URL, as git passes it to the hook.
        url: Option<String>,
        /// Blobs larger than this many bytes are skipped (and counted).
        #[arg(long, value_name = "BYTES", default_value_t = crate::chunk::MAX_FILE_SIZE)]
        max_blob_size: u64,
        #[command(flatten)]
        report: ReportArgs,
        #[command(flatten)]
        repo: RepoArgs,
        #[command(flatten)]
        audit: Audit,
    },
    /// Entry point for a server's pre-receive hook: reads `<old> <new> <ref>` lines on stdin,
    /// scans the lines the pushed commits add that no ref reaches yet, and refuses the push
    /// when one blocks. The server's --config (or `git config leakguard.config`) is in force;
    /// the repository's own .leakguard.toml may only add rules.
    #[command(name = "pre-receive")]
    PreReceive {
        /// Time budget in seconds, counted from the start.
        #[arg(long, value_name = "SECS")]
        timeout: Option<u64>,
        /// What to do with the push when the budget runs out.
        #[arg(long, value_enum, default_value_t = OnTimeout::Refuse)]
        on_timeout: OnTimeout,
        /// Blobs larger than this many bytes are skipped (and counted).
        #[arg(long, value_name = "BYTES", default_value_t = crate::chunk::MAX_FILE_SIZE)]
        max_blob_size: u64,
        #[command(flatten)]
        report: ReportArgs,
        #[command(flatten)]
        repo: RepoArgs,
        #[command(flatten)]
        audit: Audit,
    },
    /// Combine JSON reports (say, of `history --shard K/N` runs) into one, without duplicates.
    Merge {
        /// JSON reports written by `--format json`.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The merged report's format (JSON: a merge is for machines).
        #[arg(long, value_enum, default_value_t = MergeFormat::Json)]
        format: MergeFormat,
        /// Write the merged report to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Keep the reports' secrets in clear (commit subjects are redacted by default).
        #[arg(long)]
        no_redact: bool,
        /// No summary line on standard error.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        repo: RepoArgs,
    },
    /// The rule catalogue.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
        #[command(flatten)]
        report: ReportArgs,
        #[command(flatten)]
        repo: RepoArgs,
    },
    /// A Language Server over stdio: diagnostics for the editor's buffers, with the same
    /// rules, config, baseline and inline allows as the hook.
    Lsp,
    /// Print a shell completion script (`leakguard completions bash > ~/.local/share/bash-completion/completions/leakguard`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page, in roff (`leakguard man > ~/.local/share/man/man1/leakguard.1`).
    Man,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Revision ranges, as `git rev-list` takes them: `A..B`, `^A`, `REV`.
    pub ranges: Vec<String>,
    /// Leave out REV and its ancestors (what an earlier scan already covered).
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Only what this branch reaches (repeatable).
    #[arg(long = "branch", value_name = "NAME")]
    pub branches: Vec<String>,
    /// Blobs larger than this many bytes are skipped (and counted).
    #[arg(long, value_name = "BYTES", default_value_t = crate::chunk::MAX_FILE_SIZE)]
    pub max_blob_size: u64,
    /// Scan share K of N (1-based), chosen by blob id; `merge` combines the shares' reports.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Print counters (commits, blobs seen, scanned, skipped, bytes) on standard error.
    #[arg(long)]
    pub stats: bool,
    /// Stop after DURATION (`30s`, `5m`, `1h`): report what was found, say the scan is
    /// partial, and exit 2.
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// Instead of the report: write to FILE (mode 0600) the `git filter-repo --replace-text`
    /// expressions that replace each secret found (they hold the secrets in clear), and print
    /// the steps to take them out of history: rotate first, rewrite, tell collaborators.
    #[arg(long, value_name = "FILE")]
    pub purge_plan: Option<PathBuf>,
    /// Report code smells (disabled TLS checks, debugger calls, merge markers) too; by
    /// default a history scan only counts them.
    #[arg(long)]
    pub smells: bool,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub repo: RepoArgs,
    #[command(flatten)]
    pub audit: Audit,
}

impl Command {
    /// The run's options, from this subcommand's own.
    pub fn common(&self) -> Common {
        let none = (&ReportArgs::default(), &RepoArgs::default());
        match self {
            Command::Scan { report, repo, audit, smells, .. } => Common { hide_smells: !smells, ..Common::new(report, repo, *audit) },
            // A purge plan lists every file to take out of history, large files included.
            Command::History(args) => {
                Common { hide_smells: !args.smells && args.purge_plan.is_none(), ..Common::new(&args.report, &args.repo, args.audit) }
            }
            Command::Staged { report, repo, audit }
            | Command::PreCommit { report, repo, audit, .. }
            | Command::Push { report, repo, audit, .. }
            | Command::PreReceive { report, repo, audit, .. } => Common::new(report, repo, *audit),
            Command::Merge { format, output, no_redact, quiet, repo, .. } => Common {
                format: match format {
                    MergeFormat::Json => Format::Json,
                    MergeFormat::Jsonl => Format::Jsonl,
                },
                output: output.clone(),
                no_redact: *no_redact,
                quiet: *quiet,
                ..Common::new(none.0, repo, Audit::default())
            },
            Command::CommitMsg { report, repo, .. } | Command::Rules { report, repo, .. } => {
                Common::new(report, repo, Audit::default())
            }
            Command::Baseline { quiet, repo, .. } => Common { quiet: *quiet, ..Common::new(none.0, repo, Audit::default()) },
            Command::Init { config, .. } => Common { config: config.clone(), ..Common::default() },
            _ => Common::new(none.0, none.1, Audit::default()),
        }
    }
}

/// Writes the completion script of `shell` for the whole command line.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "leakguard", out);
}

/// Writes the manual page (roff): the top-level page, then one section per subcommand.
pub fn man(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let command = <Cli as clap::CommandFactory>::command();
    clap_mangen::Man::new(command.clone()).render(out)?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("leakguard-{}", sub.get_name());
        clap_mangen::Man::new(sub.clone()).title(name).render(out)?;
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule, with counts by kind (`--format json`: every field, fix included).
    List,
    /// Show one rule in full.
    Show {
        id: String,
        /// Also print the rule's examples and negative examples (fake keys, often many lines).
        #[arg(long)]
        examples: bool,
    },
    /// Check every rule against its own examples and negative examples.
    Test,
    /// Write the built-in rules as Markdown (docs/rules.md is this output).
    Doc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
    /// One JSON object per line.
    Jsonl,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// What `merge` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MergeFormat {
    Json,
    /// One JSON object per line.
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Color {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Hook {
    PreCommit,
    PrePush,
    CommitMsg,
}

/// `pre-receive --on-timeout`: the push's fate when the scan runs out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnTimeout {
    Accept,
    Refuse,
}
