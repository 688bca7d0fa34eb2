//! leakguard: a git pre-commit hook suite that stops secrets and code smells before the
//! commit exists.
//!
//! Flow, one way: source -> chunks -> engine -> filters -> report. `commands` wires them; the
//! library writes only to the writers it is handed.

pub mod atomic;
pub mod baseline;
pub mod chunk;
pub mod cli;
mod commands;
pub mod config;
pub mod engine;
mod file_error;
pub mod filter;
pub mod finding;
pub mod lsp;
#[doc(hidden)]
pub mod fuzzing;
pub mod hook;
pub mod migrate;
mod own_files;
pub mod policy;
pub mod report;
pub mod rules;
pub mod source;

use std::io::Write;

/// `--version`: the package version and the commit it was built from.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("LEAKGUARD_COMMIT"), ")");

/// The process exit status, decided in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitStatus {
    /// Nothing that blocks.
    Clean = 0,
    /// At least one blocking finding.
    Blocked = 1,
    /// Usage, config, repository or I/O error: never mistaken for a clean scan.
    Error = 2,
}

/// An error's cause chain, on one line, for the user.
pub fn error_message(err: &anyhow::Error) -> String {
    format!("{err:#}")
}

/// Runs one command. `Err` means exit status 2, with its cause chain printed by `main`.
pub fn run(cli: cli::Cli, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    commands::run(cli, out, err)
}
