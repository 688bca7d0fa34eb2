//! `leakguard init [--from-gitleaks PATH]`: writes `.leakguard.toml` at the repository root.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::cli::Common;
use crate::config;
use crate::rules::RuleSet;
use crate::ExitStatus;

const STARTER: &str = r#"# leakguard config. Every key is optional; delete what you do not need.
# `leakguard rules list` shows the built-in rules and their ids.

[rules]
# Run the built-in rules (false: only the custom rules below).
builtin = true
# Rule ids not to run.
disable = []

# Tune one rule: severity "block" or "warn", a minimum entropy, its own allowlist.
# [rules.overrides.generic-secret-assignment]
# severity = "warn"
# entropy = 4.0
# allowlist = { paths = ["**/fixtures/**"] }

# A rule of your own, in the schema of leakguard's patterns/*.toml. Examples, when given,
# must match and negative examples must not, or the config is refused.
# [[rules.custom]]
# id = "acme-internal-token"
# description = "ACME internal API token"
# keywords = ["acme_"]
# regex = '''\b(?P<secret>acme_[A-Za-z0-9]{32})\b'''
# examples = ['ACME_TOKEN = "acme_Q2w3E4r5T6y7U8i9O0pLkJhGfDsAzXcV"']
# negative_examples = ['ACME_TOKEN = "acme_"']

# Findings any of these match are allowed, for every rule.
[allowlist]
# Globs on paths relative to the repository root.
paths = []
# Regexes on the secret, on the rule's whole match, or on the whole line.
secrets = []
matches = []
lines = []
# Words that mark a value as not a secret (checked inside the secret, ignoring case).
stopwords = []
# Commits whose findings are allowed (history scans).
commits = []
"#;

pub fn run(common: &Common, from_gitleaks: Option<&Path>, force: bool, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus> {
    let root = super::root()?;
    let target = common.config.clone().unwrap_or_else(|| root.join(config::FILE_NAME));
    if target.exists() && !force {
        bail!("{} exists; pass --force to overwrite it", target.display());
    }
    let text = match from_gitleaks {
        None => STARTER.to_string(),
        Some(path) => {
            let source = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let builtin = RuleSet::builtin_for_scan();
            let ids: Vec<&str> = builtin.ids().collect();
            let generic: Vec<&str> = builtin.rules().iter().filter(|r| r.is_generic() && crate::rules::advice::Advice::of(&r.spec).categories.contains(&"generic")).map(|r| r.id()).collect();
            let conversion = crate::migrate::gitleaks::convert(&source, &crate::migrate::gitleaks::Builtin { ids: &ids, generic: &generic })
                .with_context(|| format!("cannot convert {}", path.display()))?;
            for note in &conversion.notes {
                writeln!(err, "leakguard: not carried: {note}")?;
            }
            conversion.text
        }
    };
    // Never write a config that leakguard itself would refuse.
    let loaded = config::parse(&target, text.clone()).context("the converted config does not parse")?;
    config::build(Some(&loaded), false).context("the converted config is not valid")?;
    // Atomic: with --force, a failed write leaves the previous config whole.
    crate::atomic::write(&target, text.as_bytes(), None).with_context(|| format!("cannot write {}", target.display()))?;
    writeln!(out, "wrote {}", crate::chunk::display_path(&target))?;
    Ok(ExitStatus::Clean)
}
