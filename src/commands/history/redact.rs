//! Secrets in commit subjects and author names: reports print both, so whatever the rules
//! find there is masked before a report is written.

use std::collections::HashMap;
use std::sync::Arc;

use crate::chunk::{Chunk, CommitInfo, Provenance};
use crate::engine::Engine;
use crate::finding::Finding;
use crate::source::commits::MESSAGE_PATH;

/// Masks, in the commit subjects (and author names) the findings carry, whatever the rules
/// find there: reports print them, and a token pasted in one must not show in the report.
pub fn redact_subjects(engine: &Engine<'_>, findings: &mut [Finding]) {
    let mut done: HashMap<String, Arc<CommitInfo>> = HashMap::new();
    for f in findings.iter_mut() {
        let Provenance::Commit(info) = &f.provenance else { continue };
        let clean = match done.get(&info.id) {
            Some(clean) => clean.clone(),
            None => {
                // Author names are printed too, and are free text as much as subjects are.
                let (summary, author) = (masked(engine, &info.summary), masked(engine, &info.author));
                let clean = match (summary, author) {
                    (None, None) => info.clone(),
                    (summary, author) => Arc::new(CommitInfo {
                        summary: summary.unwrap_or_else(|| info.summary.clone()),
                        author: author.unwrap_or_else(|| info.author.clone()),
                        ..(**info).clone()
                    }),
                };
                done.insert(info.id.clone(), clean.clone());
                clean
            }
        };
        f.provenance = Provenance::Commit(clean);
    }
}

/// `text` with every secret the rules find in it masked, or `None` when they find none (or
/// cannot run: the text is then masked whole, never shown).
pub fn masked(engine: &Engine<'_>, text: &str) -> Option<String> {
    let chunk = Chunk::new(MESSAGE_PATH.to_string(), std::borrow::Cow::Borrowed(text.as_bytes()), Provenance::File);
    let found = match engine.scan(&chunk) {
        Ok(found) => found,
        Err(_) => return Some("(subject hidden: it could not be checked for secrets)".to_string()),
    };
    if found.is_empty() {
        return None;
    }
    let mut out = text.to_string();
    for f in &found {
        // The raw text of the finding's own secret on its line (encoded, when decoded).
        let Some(raw) = f.line_text.get(f.own_mask.0..f.own_mask.1).filter(|r| !r.is_empty()) else { continue };
        out = out.replace(raw, &crate::finding::redact(raw));
    }
    Some(out)
}
