//! What to do about a finding, as data. A rule names its provider (`provider = "github"`, an
//! id of `patterns/providers.toml`) and inherits where the credential's format is documented,
//! where and how to revoke or rotate it, and what to check afterwards. A rule's own
//! `remediation`, `references` and `categories` come first: smells carry their own fix.

use std::borrow::Cow;

use super::builtin::PROVIDERS;
use super::RuleSpec;

/// One provider of `patterns/providers.toml` (embedded by build.rs).
#[derive(Debug)]
pub struct Provider {
    pub id: &'static str,
    /// As people write it: "GitHub".
    pub name: &'static str,
    pub categories: &'static [&'static str],
    /// The provider's documentation of its credentials.
    pub references: &'static [&'static str],
    /// The page (settings, console or API docs) where a credential is revoked or rotated; may
    /// be empty where there is no one place.
    pub revoke: &'static str,
    /// How to revoke or rotate, as a clause: "delete the token and create a new one".
    pub steps: &'static str,
    /// What to check afterwards, as a clause: "the account's security log for ...".
    pub audit: &'static str,
}

/// Every provider, in file order.
pub fn providers() -> &'static [Provider] {
    PROVIDERS
}

pub fn provider(id: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.id == id)
}

/// A rule's advice: its own fields over its provider's.
#[derive(Debug, Clone)]
pub struct Advice<'a> {
    pub provider: Option<&'static Provider>,
    pub categories: Vec<&'a str>,
    pub references: Vec<&'a str>,
    /// Where and how to revoke or rotate, what to check afterwards; for a smell, its fix.
    /// Empty when nothing is known (a custom rule without either).
    pub remediation: Cow<'a, str>,
}

impl<'a> Advice<'a> {
    pub fn of(spec: &'a RuleSpec) -> Advice<'a> {
        let provider = spec.provider.as_deref().and_then(provider);
        let categories = if spec.categories.is_empty() {
            provider.map(|p| p.categories.to_vec()).unwrap_or_default()
        } else {
            spec.categories.iter().map(|c| c.as_ref()).collect()
        };
        let mut references: Vec<&str> = spec.references.iter().map(|r| r.as_ref()).collect();
        for r in provider.map(|p| p.references).unwrap_or_default() {
            if !references.contains(r) {
                references.push(r);
            }
        }
        let remediation = match (&spec.remediation, provider) {
            (Some(own), _) => Cow::Borrowed(own.trim()),
            (None, Some(p)) => Cow::Owned(steps(p)),
            (None, None) => Cow::Borrowed(""),
        };
        Advice { provider, categories, references, remediation }
    }

    /// The page to act on first: the provider's revoke page, else the first reference.
    pub fn link(&self) -> Option<&'a str> {
        match self.provider {
            Some(p) if !p.revoke.is_empty() => Some(p.revoke),
            _ => self.references.first().copied(),
        }
    }

    /// Where to revoke, in a few words for a one-line fix: "revoke it at URL (GitHub)"; `None`
    /// for a rule whose provider names no place (its full remediation says what to do).
    pub fn revoke_at(&self) -> Option<String> {
        let p = self.provider.filter(|p| !p.revoke.is_empty())?;
        Some(format!("revoke or rotate it at {} ({})", p.revoke, p.name))
    }
}

/// A provider's steps as sentences.
fn steps(p: &Provider) -> String {
    let mut out = format!("Revoke or rotate it: {}", p.steps.trim().trim_end_matches('.'));
    if !p.revoke.is_empty() {
        out.push_str(&format!(" ({})", p.revoke));
    }
    out.push('.');
    if !p.audit.is_empty() {
        out.push_str(&format!(" Then check {}.", p.audit.trim().trim_end_matches('.')));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each provider is complete, with links to the provider's own pages over https, and its
    /// id is used once.
    #[test]
    fn providers_are_complete() {
        assert!(!providers().is_empty());
        for (i, p) in providers().iter().enumerate() {
            assert!(!p.id.is_empty() && !p.name.is_empty() && !p.steps.is_empty() && !p.audit.is_empty(), "{}", p.id);
            assert!(!p.categories.is_empty(), "{}: no categories", p.id);
            assert!(!p.references.is_empty(), "{}: no references", p.id);
            for url in p.references.iter().chain([&p.revoke]).filter(|u| !u.is_empty()) {
                assert!(url.starts_with("https://") && !url.contains(' '), "{}: {url}", p.id);
            }
            assert!(providers()[..i].iter().all(|q| q.id != p.id), "{} twice", p.id);
        }
    }
}
