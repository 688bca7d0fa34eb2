//! What a finding's reader should do, by where the finding was made (#16.3): a staged secret is
//! taken out of the file, an unpushed one out of its commit, a pushed one is revoked first; a
//! file that cannot hold a comment is allowed through the baseline or the config, not inline;
//! a smell gets its own fix, never "revoke".

use std::collections::HashMap;

use super::Summary;
use crate::chunk::Provenance;
use crate::finding::{Confidence, Finding};
use crate::rules::advice::Advice;
use crate::rules::{Kind, RuleSpec};

/// A rule's advice as reports need it, made once per rule that fired.
#[derive(Debug, Clone, Default)]
pub struct RuleHelp {
    /// "revoke or rotate it at URL (GitHub)", when the provider has one place for it.
    pub revoke_at: Option<String>,
    /// The full steps (or a smell's fix); empty when the rule has none.
    pub remediation: String,
    pub references: Vec<String>,
    /// The page to act on first: the revoke page, else the first reference.
    pub link: Option<String>,
    /// The most a finding of this rule can be sure of (`None` for a smell): what SARIF's
    /// `security-severity` is read from.
    pub strength: Option<Confidence>,
}

impl RuleHelp {
    pub fn of(spec: &RuleSpec) -> RuleHelp {
        let advice = Advice::of(spec);
        RuleHelp {
            revoke_at: advice.revoke_at(),
            remediation: advice.remediation.to_string(),
            references: advice.references.iter().map(|r| r.to_string()).collect(),
            link: advice.link().map(str::to_string),
            strength: strength(spec),
        }
    }
}

/// A rule's best confidence, as the engine grades a finding (engine::render): a checksum it
/// can verify, a provider's format, or a name and a value.
fn strength(spec: &RuleSpec) -> Option<Confidence> {
    if spec.kind == Kind::Smell {
        None
    } else if spec.checksum.is_some() {
        Some(Confidence::High)
    } else if spec.generic || spec.password || spec.low_confidence {
        Some(Confidence::Low)
    } else {
        Some(Confidence::Medium)
    }
}

/// Help by rule id, for the rules that fired.
pub type Help = HashMap<String, RuleHelp>;

/// Where a finding was made, which decides how it is taken out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// A file on disk (`scan`, the pre-commit framework's `--all-files`).
    Files,
    /// The index, before the commit.
    Staged,
    /// Commits about to be pushed.
    Push,
    /// Commits already in history.
    History,
    /// The commit message being written.
    Message,
}

pub fn context(f: &Finding, summary: &Summary) -> Context {
    if summary.items.is_some_and(|(one, _)| one == "commit message") {
        return Context::Message;
    }
    match (&f.provenance, summary.scope) {
        (_, "pushed ") => Context::Push,
        (Provenance::Staged, _) => Context::Staged,
        (Provenance::Commit(_), _) => Context::History,
        (Provenance::File, _) => Context::Files,
    }
}

/// Files whose format has no comments, where an inline allow cannot be written.
pub fn takes_no_comment(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(
        ext,
        "pem" | "key" | "crt" | "cer" | "der" | "p12" | "pfx" | "jks" | "keystore" | "bks" | "p8" | "ppk" | "asc" | "gpg" | "pub" | "json" | "ipynb" | "lock" | "csv"
    ) || name.starts_with("id_rsa")
        || name.starts_with("id_ed25519")
        || name.starts_with("id_ecdsa")
}

/// The lines of a line-level finding's fix, shortest first: how to take it out here, where to
/// revoke it, how to keep it if it is not a secret.
pub fn lines(f: &Finding, help: Option<&RuleHelp>, context: Context) -> Vec<String> {
    let path = &f.location.path;
    let id = &f.rule_id;
    let mut out = Vec::new();
    if f.kind == Kind::Smell {
        match help.filter(|h| !h.remediation.is_empty()) {
            Some(h) => out.push(h.remediation.clone()),
            None => out.push("remove it".to_string()),
        }
        if context == Context::Push {
            out.push("then `git commit --amend` (last commit) or `git rebase -i` (older ones) before pushing again".into());
        }
    } else {
        out.push(
            match context {
                Context::Staged => format!(
                    "it is staged, not committed: take it out of {path} and `git add` it again (`git restore --staged {path}` leaves the file out of the commit); read it from an environment variable or a secret store"
                ),
                Context::Push => "it is in commits not yet pushed: take it out, then `git commit --amend` (last commit) or `git rebase -i` (older ones) so no commit you push holds it".into(),
                Context::History => "it is in history: revoke it first (rewriting history does not un-leak it); `leakguard history --purge-plan FILE` lists how to remove it".into(),
                Context::Message => "it is in the commit message: take it out of the message".into(),
                Context::Files => format!("take it out of {path} and read it from an environment variable or a secret store"),
            },
        );
        let revoke = match help {
            Some(RuleHelp { revoke_at: Some(at), .. }) => format!("if it is real, {at}"),
            Some(h) if !h.remediation.is_empty() => format!("if it is real, revoke or rotate it where it was issued (`leakguard rules show {id}`)"),
            _ => "if it is real, revoke or rotate it where it was issued".to_string(),
        };
        let pushed = if context == Context::Push { "; if it was ever pushed, do this first" } else { "" };
        out.push(format!("{revoke}{pushed}"));
    }
    let what = if f.kind == Kind::Smell { "meant to be there?" } else { "not a secret?" };
    let committed = matches!(context, Context::Push | Context::History);
    let no_comment = committed || takes_no_comment(path);
    out.push(if no_comment && crate::policy::is_code_smell(f.kind, id) {
        // The baseline never records a code smell.
        format!("{what} allow it under [allowlist] in .leakguard.toml")
    } else if no_comment {
        // A comment in a new commit does not change the commit that holds it, and some files
        // cannot hold one.
        let baseline = if context == Context::History { "leakguard baseline --history" } else { "leakguard baseline --update" };
        format!("{what} accept it with `{baseline}`, or allow it under [allowlist] in .leakguard.toml")
    } else {
        format!("{what} add `leakguard:allow {id}` in a comment on that line")
    });
    out
}

/// The fix of a finding about a whole file (a key file, a .env): untrack it, by context.
pub fn file_lines(f: &Finding, help: Option<&RuleHelp>, context: Context) -> Vec<String> {
    let path = &f.location.path;
    let mut out = vec![match context {
        Context::Push => format!("`git rm --cached {path}`, then `git commit --amend` or `git rebase -i` so no commit you push holds it"),
        Context::History => format!("it is in history: `leakguard history --purge-plan FILE` lists how to remove {path} (`git filter-repo --invert-paths`)"),
        _ => format!("if it should not be in the repository, `git rm --cached {path}`"),
    }];
    if let Some(h) = help.filter(|h| !h.remediation.is_empty()) {
        out.push(h.remediation.clone());
    }
    out.push("to keep it, list its path under [allowlist] paths in .leakguard.toml".into());
    out
}

#[cfg(test)]
mod tests {
    use super::takes_no_comment;

    #[test]
    fn files_without_comments() {
        for path in ["certs/server.pem", "a/b.JSON", "id_rsa", "keys/id_ed25519", "app.p12", "notebook.ipynb"] {
            assert!(takes_no_comment(path), "{path}");
        }
        for path in ["config.py", "settings.yaml", ".env", "main.rs", "pem"] {
            assert!(!takes_no_comment(path), "{path}");
        }
    }
}
