//! `docs/rules.md`, generated from the catalogue (`leakguard rules doc`): each rule's "why" and
//! fix are written once, as data, and the page follows them. A test regenerates it and compares.

use std::fmt::Write;

use super::advice::Advice;
use super::{Kind, RuleSet};

/// The page for `rules` (the built-in catalogue), in file order.
pub fn markdown(rules: &RuleSet) -> String {
    let mut out = String::new();
    let all = rules.rules();
    let secrets: Vec<_> = all.iter().filter(|r| r.spec.kind == Kind::Secret).collect();
    let covered = secrets.iter().filter(|r| !Advice::of(&r.spec).remediation.is_empty()).count();
    out.push_str("# leakguard rules\n\n");
    out.push_str("<!-- Generated from patterns/*.toml by `leakguard rules doc > docs/rules.md`; do not edit. -->\n\n");
    let _ = writeln!(
        out,
        "{} rules: {} secret, {} smell. {covered} of {} secret rules say how to revoke or rotate what they find.\n",
        all.len(),
        secrets.len(),
        all.len() - secrets.len(),
        secrets.len()
    );
    out.push_str("Each finding's fix is shown in the report (`fix:`), in SARIF (`help`), by `leakguard rules show ID` and by `leakguard rules list --format json`.\n");
    let mut origin = "";
    for rule in all {
        let s = &rule.spec;
        if rule.origin != origin {
            origin = &rule.origin;
            let _ = write!(out, "\n## {origin}\n");
        }
        let advice = Advice::of(s);
        let _ = write!(out, "\n### `{}`\n\n{}\n\n", s.id, one_line(&s.description));
        let categories = if advice.categories.is_empty() { String::new() } else { format!(" · categories: {}", advice.categories.join(", ")) };
        let _ = writeln!(out, "- {} · {}{categories}", s.kind, s.severity);
        if !s.keywords.is_empty() {
            let keywords: Vec<String> = s.keywords.iter().map(|k| format!("`{}`", k.replace('`', "'"))).collect();
            let _ = writeln!(out, "- keywords: {}", keywords.join(", "));
        }
        if !advice.references.is_empty() {
            let links: Vec<String> = advice.references.iter().map(|r| format!("<{r}>")).collect();
            let _ = writeln!(out, "- docs: {}", links.join(", "));
        }
        if !advice.remediation.is_empty() {
            let _ = writeln!(out, "- fix: {}", one_line(&advice.remediation));
        }
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
