//! The ordered pipeline that turns the engine's matches into the findings a user sees.

mod inline;

use crate::finding::Finding;

pub use inline::allows;

/// What the filters kept, and how many they hid (reports say so: a hidden finding is never
/// silent).
#[derive(Debug, Default)]
pub struct Filtered {
    pub findings: Vec<Finding>,
    pub allowed_inline: usize,
}

pub fn apply(matches: Vec<Finding>) -> Filtered {
    let mut out = Filtered::default();
    for finding in matches {
        if allows(&finding.line_text, &finding.rule_id) {
            out.allowed_inline += 1;
        } else {
            out.findings.push(finding);
        }
    }
    out
}
