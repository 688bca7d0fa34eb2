//! The human report: one block per finding, then a one-line summary. Everything taken from the
//! input (paths, lines, commit subjects, names) is escaped: a repository cannot drive the
//! terminal.

use std::io::{self, Write};

use super::fix::{self, Context};
use super::{escape, is_code_smell, shown_line, shown_secret, Options, Summary};
use crate::chunk::Provenance;
use crate::finding::Finding;

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

struct Paint(bool);

impl Paint {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.0 {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

pub fn write(out: &mut dyn Write, findings: &[Finding], summary: &Summary, options: &Options) -> io::Result<()> {
    let p = Paint(options.color);
    for finding in findings {
        write_finding(out, finding, fix::context(finding, summary), options, &p)?;
    }
    if let Some(why) = &summary.partial {
        writeln!(out, "leakguard: PARTIAL SCAN, not everything was scanned: {}", escape(why))?;
    }
    if (summary.quiet || findings.is_empty() && summary.silent_when_clean) && !summary.has_gaps() {
        return Ok(());
    }
    writeln!(out, "{}", summary_line(findings, summary))
}

fn write_finding(out: &mut dyn Write, f: &Finding, context: Context, options: &Options, p: &Paint) -> io::Result<()> {
    let loc = &f.location;
    let (style, level) = if f.blocks() { (RED, "block") } else { (YELLOW, "warn") };
    writeln!(
        out,
        "{} {} {}",
        p.paint(BOLD, &format!("{}:{}:{}", escape(&loc.path), loc.line, loc.column)),
        p.paint(style, &escape(&f.rule_id)),
        p.paint(DIM, &match f.confidence {
            Some(c) => format!("[{} · {level} · {} confidence]", f.kind, c.as_str()),
            None => format!("[{} · {level}]", f.kind),
        }),
    )?;
    let decoded = f.decoded_from.map(|e| format!(" (found in {e} text)")).unwrap_or_default();
    writeln!(out, "  {}{decoded}", escape(&f.description))?;
    if let Provenance::Commit(c) = &f.provenance {
        let short = escape(&c.id[..c.id.len().min(12)]);
        let (author, email, date, subject) = (escape(&c.author), escape(&c.email), escape(&c.date), escape(&c.summary));
        writeln!(out, "  commit {short} by {author} <{email}> on {date}: {subject}")?;
    }

    let help = options.help.get(&f.rule_id);
    if f.is_about_file() {
        write_fix(out, &fix::file_lines(f, help, context), p)?;
        return writeln!(out);
    }
    let (line, own) = shown_line(f, options);
    let line = line.replace('\t', " ");
    // Widths as printed: an escaped control character takes several columns.
    let lead = escape(&line[..own.start]).chars().count();
    let width = escape(&line[own.clone()]).chars().count().max(1);
    let line = escape(&line);
    let gutter = loc.line.to_string();
    let pad = " ".repeat(gutter.len());
    writeln!(out, "  {} {line}", p.paint(DIM, &format!("{gutter} |")))?;
    writeln!(out, "  {} {}{}", p.paint(DIM, &format!("{pad} |")), " ".repeat(lead), p.paint(style, &"^".repeat(width)))?;
    // A code smell is code to fix, not a secret to revoke: the caret shows what, the fix how.
    if !is_code_smell(f) {
        writeln!(out, "  secret: {}", escape(&shown_secret(f, options)))?;
    }
    write_fix(out, &fix::lines(f, help, context), p)?;
    writeln!(out)
}

/// `fix:` and its lines, aligned under the first.
fn write_fix(out: &mut dyn Write, lines: &[String], p: &Paint) -> io::Result<()> {
    for (i, line) in lines.iter().enumerate() {
        let head = if i == 0 { p.paint(DIM, "fix:") } else { "    ".to_string() };
        writeln!(out, "  {head} {}", escape(line))?;
    }
    Ok(())
}

pub fn summary_line(findings: &[Finding], summary: &Summary) -> String {
    let blocking = findings.iter().filter(|f| f.blocks()).count();
    let warnings = findings.len() - blocking;
    let mut parts = Vec::new();
    let head = match (blocking, warnings) {
        (0, 0) => "no findings".to_string(),
        (b, 0) => format!("{b} blocking {}", plural(b, "finding", "findings")),
        (0, w) => format!("{w} {}", plural(w, "warning", "warnings")),
        (b, w) => format!("{b} blocking {}, {w} {}", plural(b, "finding", "findings"), plural(w, "warning", "warnings")),
    };
    let n = summary.scanned;
    let (one, many) = summary.items.unwrap_or(("file", "files"));
    parts.push(format!("{head} in {n} {}{} scanned", summary.scope, plural(n, one, many)));
    if summary.allowed_inline > 0 {
        parts.push(format!("{} allowed inline", summary.allowed_inline));
    }
    if summary.allowed_config > 0 {
        parts.push(format!("{} allowed by config", summary.allowed_config));
    }
    if summary.policy_off > 0 {
        parts.push(format!("{} turned off by [policy]", summary.policy_off));
    }
    if summary.allowed_gitleaks_ignore > 0 {
        parts.push(format!("{} allowed by .gitleaksignore", summary.allowed_gitleaks_ignore));
    }
    if summary.baselined > 0 {
        parts.push(format!("{} in the baseline", summary.baselined));
    }
    if summary.smells_hidden > 0 {
        let n = summary.smells_hidden;
        parts.push(format!("{n} code {} not shown (--smells shows them)", plural(n, "smell", "smells")));
    }
    if summary.rules_disabled > 0 {
        parts.push(format!("config disabled {} {}", summary.rules_disabled, plural(summary.rules_disabled, "rule", "rules")));
    }
    if summary.rules_tuned > 0 {
        parts.push(format!("config tuned {} {}", summary.rules_tuned, plural(summary.rules_tuned, "rule", "rules")));
    }
    if summary.skipped_binary > 0 {
        parts.push(format!("{} binary skipped", summary.skipped_binary));
    }
    if summary.skipped_large > 0 {
        let limit = summary.size_limit.unwrap_or(crate::chunk::MAX_FILE_SIZE);
        parts.push(format!("{} over {} skipped", summary.skipped_large, size(limit)));
    }
    if summary.errors > 0 {
        parts.push(format!("{} could not be read", summary.errors));
    }
    if summary.ignore_files == Some(true) {
        parts.push("ignore files honoured".to_string());
    }
    if !summary.turned_off.is_empty() {
        parts.push(format!("not applied: {}", summary.turned_off.join(", ")));
    }
    format!("leakguard: {}", parts.join("; "))
}

/// `32 MiB`, or bytes when the limit is not a whole number of MiB.
fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}
