//! Files and folders on disk (respecting ignore files unless asked not to), stdin, and named
//! streams (FIFOs, `<(cmd)`, `/dev/stdin`), each read to its end.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkState};

use super::Skip;
use crate::chunk::{display_path, is_binary, Chunk, Provenance, MAX_FILE_SIZE};

/// What the walk yields for each file.
pub enum Event<'a> {
    Chunk(Chunk<'a>),
    /// Not scanned, with the file's size.
    Skipped(String, Skip, u64),
    Error(String, std::io::Error),
}

pub struct WalkOptions {
    /// Ignore `.gitignore`, `.ignore` and git's excludes.
    pub no_ignore: bool,
}

/// Walks `paths` in parallel and hands each file to `visit`. A path named explicitly is read
/// even when an ignore file would skip it. `.git` folders are never entered.
pub fn walk(paths: &[PathBuf], options: &WalkOptions, visit: &(dyn Fn(Event<'static>) + Sync)) {
    let Some((first, rest)) = paths.split_first() else { return };
    let mut builder = WalkBuilder::new(first);
    for path in rest {
        builder.add(path);
    }
    let respect = !options.no_ignore;
    builder
        .hidden(false)
        .parents(respect)
        .ignore(respect)
        .git_ignore(respect)
        .git_global(respect)
        .git_exclude(respect)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|entry| entry.file_name() != ".git");
    builder.build_parallel().run(|| {
        Box::new(move |entry| {
            match entry {
                // A symlink named on the command line is read through; one met in a folder is not.
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) || (entry.depth() == 0 && entry.path_is_symlink()) => {
                    visit(read_file(entry.path()));
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err_path(&err).unwrap_or_default();
                    visit(Event::Error(path, std::io::Error::other(err.to_string())));
                }
            }
            WalkState::Continue
        })
    });
}

fn err_path(err: &ignore::Error) -> Option<String> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(display_path(path)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => err_path(err),
        _ => None,
    }
}

/// Reads one file whole: skipped when binary or over the size limit.
pub fn read_file(path: &Path) -> Event<'static> {
    read_file_as(path, display_path(path))
}

/// Reads one file whole, reported under the path `shown`.
pub fn read_file_as(path: &Path, shown: String) -> Event<'static> {
    let result = std::fs::metadata(path).and_then(|meta| {
        if meta.len() > MAX_FILE_SIZE {
            Ok(Err(meta.len()))
        } else {
            std::fs::read(path).map(Ok)
        }
    });
    match result {
        Ok(Err(size)) => Event::Skipped(shown, Skip::TooLarge, size),
        Ok(Ok(bytes)) => chunk_or_skip(shown, bytes),
        Err(err) => Event::Error(shown, err),
    }
}

/// Reads standard input to its end, shown as `<stdin>`.
pub fn read_stdin() -> Event<'static> {
    read_stream(std::io::stdin().lock(), "<stdin>".to_string())
}

/// Whether a path the user named is neither a file nor a folder (after symlinks): a FIFO,
/// `<(cmd)`, `/dev/stdin`, a device. A walk would pass over it; it is read as a stream.
pub fn is_stream(path: &Path) -> std::io::Result<bool> {
    let kind = std::fs::metadata(path)?.file_type();
    Ok(!kind.is_file() && !kind.is_dir())
}

/// Opens a named stream and reads it to its end; shown under the path as named.
pub fn read_named_stream(path: &Path) -> Event<'static> {
    let shown = display_path(path);
    match std::fs::File::open(path) {
        Ok(file) => read_stream(file, shown),
        Err(err) => Event::Error(shown, err),
    }
}

/// Reads a stream to its end, stopping once it is over the size limit (then skipped as too
/// large, and counted: a stream has no size to check first).
fn read_stream(reader: impl Read, shown: String) -> Event<'static> {
    let mut bytes = Vec::new();
    match reader.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes) {
        Ok(n) if n as u64 > MAX_FILE_SIZE => Event::Skipped(shown, Skip::TooLarge, n as u64),
        Ok(_) => chunk_or_skip(shown, bytes),
        Err(err) => Event::Error(shown, err),
    }
}

fn chunk_or_skip(path: String, bytes: Vec<u8>) -> Event<'static> {
    if is_binary(&bytes) {
        let size = bytes.len() as u64;
        Event::Skipped(path, Skip::Binary, size)
    } else {
        Event::Chunk(Chunk::new(path, Cow::Owned(bytes), Provenance::File))
    }
}
