//! The rule catalogue: what a rule is, how rule files are read and validated.
//!
//! Rules are data (`patterns/*.toml`). A rule's regex is compiled lazily, the first time the
//! prefilter sees one of its keywords, so a run pays only for the rules its input can reach.
//!
//! - `spec`: a rule's fields as written (shared with build.rs); `builtin`: the embedded files;
//! - `rule`: a rule ready for the engine; `matcher`: its compiled regexes and their cost limits;
//! - `set`: the rules of one run; `validate`: the checks a rule passes on the way in;
//! - `advice`, `doc`: what to do about a finding, and docs/rules.md;
//! - `error`, `text`: errors, and the `line:col` they are placed by.

pub mod advice;
pub mod builtin;
pub mod doc;
mod error;
mod matcher;
mod rule;
mod set;
mod spec;
mod text;
mod validate;

pub use error::RuleError;
pub use matcher::{check_cost, quick_builder, RuleMatch, RuleRegex, MAX_REPEAT, NFA_SIZE_LIMIT};
pub use rule::Rule;
pub use set::RuleSet;
pub use spec::{Kind, NameWords, RuleSpec, Severity, Text};
pub use text::{line_col, toml_error_message};
pub use validate::CHECKSUMS;
