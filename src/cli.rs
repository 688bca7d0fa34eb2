//! The command line (clap derive types only).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "leakguard", version, about = "Stops secrets and code smells before they enter a git repository")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct Common {
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
    /// Config file (default: .leakguard.toml at the repository root, when there is one).
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,
    /// Baseline file (default: .leakguard-baseline.toml at the repository root).
    #[arg(long, value_name = "PATH", global = true)]
    pub baseline: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan the changes staged for the next commit (only the lines they add).
    Staged,
    /// Scan files and folders on disk; `-` reads standard input.
    Scan {
        /// Files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Also scan what .gitignore and other ignore files exclude.
        #[arg(long)]
        no_ignore: bool,
    },
    /// Entry point for the pre-commit framework: during `git commit`, the staged changes of
    /// FILES; under `pre-commit run --files/--all-files`, FILES whole.
    #[command(name = "pre-commit")]
    PreCommit {
        /// The files the framework hands over.
        files: Vec<PathBuf>,
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
    },
    /// Write a commented starter .leakguard.toml.
    Init {
        /// Convert a gitleaks config (allowlists, custom rules, [extend]) instead.
        #[arg(long, value_name = "PATH")]
        from_gitleaks: Option<PathBuf>,
        /// Overwrite an existing .leakguard.toml.
        #[arg(long)]
        force: bool,
    },
    /// Install leakguard as a git hook, chaining any hook already there.
    Install {
        #[arg(long, value_enum, default_value_t = Hook::PreCommit)]
        hook: Hook,
    },
    /// Remove the hook `install` wrote, restoring the hook it chained.
    Uninstall {
        #[arg(long, value_enum, default_value_t = Hook::PreCommit)]
        hook: Hook,
    },
    /// The rule catalogue.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule, with counts by kind.
    List,
    /// Show one rule in full.
    Show { id: String },
    /// Check every rule against its own examples and negative examples.
    Test,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Hook {
    PreCommit,
}
