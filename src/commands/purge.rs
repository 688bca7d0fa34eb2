//! `leakguard history --purge-plan FILE` (#14.1): the steps to take what history holds out of
//! it. Rotation comes first (a rewrite does not un-leak a secret); then `git filter-repo` with an
//! expressions file that replaces each secret, or `--invert-paths` for files that are secrets
//! whole; then what to tell the people who hold copies. The expressions file holds the secrets
//! in clear: it is written only on this request, with mode 0600 and a warning, never to stdout.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::finding::Finding;
use crate::report::{escape, RuleHelp};
use crate::rules::{Kind, RuleSet};
use crate::source::commits::MESSAGE_PATH;

/// What the plan removes.
#[derive(Debug, Default)]
struct Plan {
    /// `git filter-repo --replace-text` lines, one per distinct secret.
    expressions: BTreeSet<String>,
    /// Files that are secrets whole (key files, key stores) or whose secret was found in decoded
    /// text: dropped from every commit.
    drop_paths: BTreeSet<String>,
    /// A secret sits in a commit message: `--replace-message` takes the same file.
    in_messages: bool,
    /// One line per rule and path to rotate: (rule, path) -> first commit.
    rotate: BTreeMap<(String, String), String>,
}

/// Writes the expressions file to `file` and the plan to `out`. `findings` are the history's,
/// filtered (allowlists and the baseline applied).
pub(super) fn write(findings: &[Finding], rules: &RuleSet, file: &Path, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    if file.as_os_str() == "-" {
        bail!("--purge-plan needs a file: the expressions it gets hold secrets and are never written to standard output");
    }
    let plan = plan(findings);
    if plan.expressions.is_empty() && plan.drop_paths.is_empty() {
        writeln!(out, "leakguard: nothing to purge: the history holds no secret that leakguard reports; {} not written", file.display())?;
        return Ok(());
    }
    write_private(file, &plan.expressions)?;
    writeln!(
        err,
        "leakguard: warning: {} holds {} {} in clear (mode 0600): never commit it, and delete it once `git filter-repo` has run",
        file.display(),
        plan.expressions.len(),
        if plan.expressions.len() == 1 { "secret" } else { "secrets" }
    )?;
    let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    write_steps(&plan, rules, &absolute, out)?;
    Ok(())
}

fn plan(findings: &[Finding]) -> Plan {
    let mut plan = Plan::default();
    for f in findings {
        let path = f.location.path.clone();
        if f.is_about_file() {
            // A file rule (key file, key store, .env, state): the file goes.
            plan.drop_paths.insert(path.clone());
        } else if f.kind == Kind::Smell {
            // A debugger call or a merge marker is fixed by a commit, not a rewrite.
            continue;
        } else if f.decoded_from.is_some() || f.secret.is_empty() || is_key_file(&path) {
            // Found in decoded text (UTF-16): its bytes in the blob are not the secret's. A key
            // file is the secret whole: the file goes.
            plan.drop_paths.insert(path.clone());
        } else {
            plan.expressions.insert(expression(&f.secret));
            plan.in_messages |= path == MESSAGE_PATH;
        }
        if f.kind == Kind::Secret || f.is_about_file() {
            let commit = f.commit().map(|c| c[..c.len().min(12)].to_string()).unwrap_or_default();
            plan.rotate.entry((f.rule_id.clone(), path)).or_insert(commit);
        }
    }
    plan
}

/// A file that holds a key and nothing else (`id_rsa`, `server.pem`, `app.p12`).
fn is_key_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(ext, "pem" | "key" | "p12" | "pfx" | "jks" | "keystore" | "bks" | "p8" | "ppk" | "asc" | "gpg")
        || ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"].iter().any(|k| name.starts_with(k) && !name.ends_with(".pub"))
}

/// One `--replace-text` line: `literal:SECRET==>***REMOVED***`, or for a secret that spans
/// lines or holds the `==>` separator, a regex matching it exactly (filter-repo's are Python's).
fn expression(secret: &str) -> String {
    if !secret.contains(['\n', '\r']) && !secret.contains("==>") {
        return format!("literal:{secret}==>***REMOVED***");
    }
    let mut regex = String::from("regex:");
    for c in secret.chars() {
        match c {
            '\n' => regex.push_str("\\n"),
            '\r' => regex.push_str("\\r"),
            c if c.is_ascii_alphanumeric() || !c.is_ascii() => regex.push(c),
            c => {
                regex.push('\\');
                regex.push(c);
            }
        }
    }
    regex.push_str("==>***REMOVED***");
    regex
}

/// Creates (or truncates) `file` readable by its owner only before a byte goes in.
fn write_private(file: &Path, expressions: &BTreeSet<String>) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut handle = options.open(file).with_context(|| format!("cannot write the purge expressions to {}", file.display()))?;
    // An existing file keeps its mode through `open`: set it before writing.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        handle.set_permissions(std::fs::Permissions::from_mode(0o600)).with_context(|| format!("cannot restrict {}", file.display()))?;
    }
    let mut text = String::new();
    for e in expressions {
        text.push_str(e);
        text.push('\n');
    }
    handle.write_all(text.as_bytes()).and_then(|()| handle.sync_all()).with_context(|| format!("cannot write the purge expressions to {}", file.display()))
}

fn write_steps(plan: &Plan, rules: &RuleSet, file: &Path, out: &mut dyn Write) -> std::io::Result<()> {
    let file = shell_quote(&file.display().to_string());
    let n = plan.expressions.len();
    writeln!(out, "leakguard purge plan: {n} {} to replace, {} {} to drop", if n == 1 { "secret" } else { "secrets" }, plan.drop_paths.len(), if plan.drop_paths.len() == 1 { "file" } else { "files" })?;
    writeln!(out)?;
    writeln!(out, "1. Rotate first. Rewriting history does not make a secret safe: every clone, fork and")?;
    writeln!(out, "   cache that has the old commits keeps it. Revoke or rotate each one now:")?;
    for ((rule_id, path), commit) in &plan.rotate {
        let help = rules.get(rule_id).map(|r| RuleHelp::of(&r.spec)).unwrap_or_default();
        let what = match (&help.revoke_at, help.remediation.is_empty()) {
            (Some(at), _) => at.clone(),
            (None, false) => format!("see `leakguard rules show {rule_id}`"),
            (None, true) => "change it where it was issued".to_string(),
        };
        let commit = if commit.is_empty() { String::new() } else { format!(" (commit {commit})") };
        writeln!(out, "   - {} in {}{commit}: {}", escape(rule_id), escape(path), escape(&what))?;
    }
    writeln!(out)?;
    writeln!(out, "2. Rewrite history with git-filter-repo, in a fresh mirror clone (`git clone --mirror URL`):")?;
    if n > 0 {
        let messages = if plan.in_messages { format!(" --replace-message {file}") } else { String::new() };
        writeln!(out, "   git filter-repo --replace-text {file}{messages}")?;
        writeln!(out, "     (replaces each secret listed in that file with ***REMOVED***, in every commit)")?;
    }
    if !plan.drop_paths.is_empty() {
        let paths: Vec<String> = plan.drop_paths.iter().map(|p| format!("--path {}", shell_quote(p))).collect();
        writeln!(out, "   git filter-repo --invert-paths {}", escape(&paths.join(" ")))?;
        writeln!(out, "     (drops these files, secrets whole, from every commit)")?;
    }
    writeln!(out, "   Then check: leakguard history --audit")?;
    writeln!(out)?;
    writeln!(out, "3. Publish and tell people:")?;
    writeln!(out, "   - force-push every branch and tag (`git push --force --mirror`); lift branch protection for it")?;
    writeln!(out, "   - collaborators re-clone: a pull or rebase on the old history brings the secrets back")?;
    writeln!(out, "   - forks and pull requests keep the old commits: ask fork owners to delete them, and the")?;
    writeln!(out, "     hosting service's support to purge cached views and pull-request refs")?;
    writeln!(out, "   - delete {file}: it holds the secrets")?;
    Ok(())
}

/// `text` as one shell word.
fn shell_quote(text: &str) -> String {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,".contains(&b)) {
        return text.to_string();
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::{expression, shell_quote};

    #[test]
    fn expressions_match_the_secret_exactly() {
        assert_eq!(expression("ghp_abc"), "literal:ghp_abc==>***REMOVED***");
        assert_eq!(expression("a\nb.c"), "regex:a\\nb\\.c==>***REMOVED***");
        assert_eq!(expression("x==>y"), "regex:x\\=\\=\\>y==>***REMOVED***");
    }

    #[test]
    fn paths_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("keys/id_rsa"), "keys/id_rsa");
        assert_eq!(shell_quote("a b'c"), "'a b'\\''c'");
    }
}
