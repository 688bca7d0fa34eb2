//! Inputs: where chunks come from. Sources know nothing of rules or the engine.

pub mod added;
pub mod commits;
pub mod files;
pub mod history;
pub mod pre_receive;
pub mod push;
pub mod repo;
pub mod staged;

/// Why an input was not scanned; reports count these, so a skip is never silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    Binary,
    TooLarge,
}

/// One file a git source hands over: its path, staged or committed size and provenance, and
/// either its text or why it was not read. Every file is listed, so file rules (key stores,
/// huge files) judge skipped files too, and every skip reaches the summary with its reason.
#[derive(Debug)]
pub struct Item {
    pub path: String,
    pub size: u64,
    pub provenance: crate::chunk::Provenance,
    pub body: Body,
}

#[derive(Debug)]
pub enum Body {
    /// The text to scan, scoped to the lines it adds.
    Text(crate::chunk::Chunk<'static>),
    Skipped(Skip),
}
