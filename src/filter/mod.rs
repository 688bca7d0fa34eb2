//! The ordered pipeline that turns the engine's matches into the findings a user sees:
//! config allowlists (global, then per rule), inline allow comments, `.gitleaksignore`, the
//! baseline, and (in whole-tree scans) code smells. Every finding a filter hides is counted:
//! reports say so.

mod allow;
mod gitleaksignore;
mod inline;

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::baseline::Baseline;
use crate::config::{ConfigError, Loaded};
use crate::finding::Finding;

pub use allow::Allowlist;
pub use gitleaksignore::GitleaksIgnore;

/// The name of gitleaks' ignore file, read at the repository root.
pub fn gitleaksignore_file() -> &'static str {
    gitleaksignore::FILE_NAME
}
pub use inline::allows;

/// What the filters kept, and how many each hid.
#[derive(Debug, Default)]
pub struct Filtered {
    pub findings: Vec<Finding>,
    pub allowed_config: usize,
    pub allowed_inline: usize,
    pub allowed_gitleaks_ignore: usize,
    pub baselined: usize,
    /// Turned off by the policy (`off` for that confidence and kind of file).
    pub policy_off: usize,
    /// Code smells left out of a whole-tree scan (`--smells` shows them).
    pub smells_hidden: usize,
}

/// Everything that can hide a finding, compiled once per run.
#[derive(Debug, Default)]
pub struct Filters {
    global: Allowlist,
    per_rule: HashMap<String, Allowlist>,
    gitleaks_ignore: GitleaksIgnore,
    baseline: Option<Baseline>,
    paths: PathKey,
    /// What blocks and what warns, by confidence and kind of file.
    severity_policy: crate::policy::Policy,
    /// `--audit`: inline allow comments hide nothing.
    ignore_inline: bool,
    /// `scan` and `history` without `--smells`: code smells are counted, not reported.
    hide_smells: bool,
    policy: Policy,
}

/// What the config and the command line changed before any finding was made, for reports.
#[derive(Debug, Default, Clone)]
pub struct Policy {
    /// Rules the config turned off.
    pub rules_disabled: usize,
    /// Rules the config tuned (entropy, severity).
    pub rules_tuned: usize,
    /// Mechanisms turned off on the command line.
    pub turned_off: Vec<&'static str>,
}

impl Filters {
    /// Compiles the config's allowlists. `paths` maps report paths to repository paths.
    pub fn new(config: Option<&Loaded>, paths: PathKey) -> Result<Filters, ConfigError> {
        let mut filters = Filters { paths, ..Filters::default() };
        if let Some(loaded) = config {
            let (file, text) = (&loaded.path, &loaded.text);
            filters.global = Allowlist::compile(&loaded.config.allowlist, file, text)?;
            for (id, tuning) in &loaded.config.rules.overrides {
                filters.per_rule.insert(id.get_ref().clone(), Allowlist::compile(&tuning.allowlist, file, text)?);
            }
        }
        Ok(filters)
    }

    pub fn with_baseline(mut self, baseline: Option<Baseline>) -> Self {
        self.baseline = baseline;
        self
    }

    /// The block/warn policy, applied before the allowlists.
    pub fn with_severity_policy(mut self, policy: crate::policy::Policy) -> Self {
        self.severity_policy = policy;
        self
    }

    pub fn with_gitleaks_ignore(mut self, ignore: GitleaksIgnore) -> Self {
        self.gitleaks_ignore = ignore;
        self
    }

    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Code smells are counted, not reported: a whole tree or history holds many by design
    /// (`dbg!` in a Rust project); what a commit adds is where they are worth a word.
    pub fn hiding_smells(mut self, hide: bool) -> Self {
        self.hide_smells = hide;
        self
    }

    /// Inline allow comments are not honoured (an auditor's run).
    pub fn without_inline_allows(mut self) -> Self {
        self.ignore_inline = true;
        self
    }

    /// The path of a finding relative to the repository root, as baselines and allowlists
    /// know it.
    pub fn repo_path(&self, finding: &Finding) -> String {
        self.paths.key(&finding.location.path)
    }

    /// The repository root (or the folder holding the config) that paths are keyed from.
    pub fn root(&self) -> &Path {
        &self.paths.root
    }

    pub fn apply(&self, matches: Vec<Finding>) -> Filtered {
        let mut out = Filtered::default();
        // The policy first: what it turns off is never hashed against the baseline.
        let mut kept: Vec<(Finding, String)> = Vec::with_capacity(matches.len());
        for mut finding in matches {
            let path = self.repo_path(&finding);
            if self.severity_policy.judge(&mut finding, &path) {
                kept.push((finding, path));
            } else {
                out.policy_off += 1;
            }
        }
        if let Some(baseline) = &self.baseline {
            // The baseline's hash is slow on purpose: compute the ones needed on all cores.
            let candidates = kept.iter().filter(|(f, p)| baseline.has_key(&f.rule_id, p));
            baseline.hash_all(candidates.map(|(f, _)| (f.rule_id.as_str(), f.secret.as_str())));
        }
        for (finding, path) in kept {
            if self.baseline.as_ref().is_some_and(|b| b.is_own_salt(&path, &finding.secret)) {
                continue;
            }
            let by_rule = self.per_rule.get(&finding.rule_id);
            if self.global.allows(&finding, &path) || by_rule.is_some_and(|a| a.allows(&finding, &path)) {
                out.allowed_config += 1;
            } else if !self.ignore_inline && (allows(&finding.line_text, &finding.rule_id) || inline::allows_next_line(&finding.line_above)) {
                out.allowed_inline += 1;
            } else if self.gitleaks_ignore.allows(&finding, &path) {
                out.allowed_gitleaks_ignore += 1;
            } else if self.baseline.as_ref().is_some_and(|b| b.contains(&finding.rule_id, &path, &finding.secret)) {
                out.baselined += 1;
            } else if self.hide_smells && crate::policy::is_code_smell(finding.kind, &finding.rule_id) {
                out.smells_hidden += 1;
            } else {
                out.findings.push(finding);
            }
        }
        out
    }
}

/// Maps the paths reports show (relative to where the user ran leakguard) to paths relative
/// to the repository root, with `/`, so allowlists and baselines work from any folder.
#[derive(Debug, Clone, Default)]
pub struct PathKey {
    /// Where report paths are relative to.
    pub base: PathBuf,
    /// The repository root (or the folder holding the config).
    pub root: PathBuf,
}

impl PathKey {
    pub fn key(&self, shown: &str) -> String {
        let joined = normalize(&self.base.join(shown));
        let root = normalize(&self.root);
        match joined.strip_prefix(&root) {
            Ok(rel) => crate::chunk::display_path(rel),
            Err(_) => crate::chunk::display_path(&joined),
        }
    }
}

/// Lexical normalisation: drops `.`, folds `..`; touches no file.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::PathKey;

    #[test]
    fn paths_become_repository_relative() {
        let key = PathKey { base: "/repo/sub".into(), root: "/repo".into() };
        assert_eq!(key.key("a.py"), "sub/a.py");
        assert_eq!(key.key("./x/../b.py"), "sub/b.py");
        assert_eq!(key.key("../top.py"), "top.py");
        assert_eq!(key.key("/elsewhere/c.py"), "/elsewhere/c.py");
        let same = PathKey { base: "/repo".into(), root: "/repo".into() };
        assert_eq!(same.key("dir/d e.py"), "dir/d e.py");
    }
}
