//! `leakguard pre-commit FILE...`: the entry point for the pre-commit framework.
//!
//! The framework hands over file names in three situations. During `git commit` git has set
//! `GIT_INDEX_FILE`: judge the staged changes of those files, added lines only, like the
//! installed hook. Under `pre-commit run --all-files` or `--files X` it is not set: judge the
//! files whole, as they are on disk (a hook that only looked at the staged diff would pass
//! silently there). Whole files' code smells are only counted, as under `scan`.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::Result;

use super::judge::Tally;
use super::scan;
use crate::cli::Common;
use crate::engine::Engine;
use crate::source::files;
use crate::ExitStatus;

pub fn run(common: &Common, files: &[PathBuf], smells: bool, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus> {
    if std::env::var_os("GIT_INDEX_FILE").is_some_and(|v| !v.is_empty()) {
        if files.is_empty() {
            return Ok(ExitStatus::Clean);
        }
        return super::staged::scan_staged(common, files, out);
    }
    let root = super::root()?;
    let mut setup = super::setup(common, &std::env::current_dir()?, &root)?;
    // Whole files, as `scan` reads them: their code smells are counted, not reported.
    setup.filters = setup.filters.hiding_smells(!smells);
    let engine = Engine::new(&setup.rules);
    let tally = Mutex::new(Tally::default());
    for path in files {
        scan::record(&engine, files::read_file(path), &tally);
    }
    scan::finish_tally(common, &setup.filters, &setup.rules, tally, out, err)
}
