//! `leakguard lsp`: wires the Language Server (`crate::lsp`) to the same setup as `scan` and
//! `staged`: per repository, its `.leakguard.toml`, rules, filters, `.gitleaksignore` and
//! baseline, loaded once and reloaded when one of those files changes.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};

use super::Setup;
use crate::baseline::Baseline;
use crate::chunk::{Chunk, Provenance};
use crate::cli::Common;
use crate::engine::incremental::ScanCache;
use crate::engine::Engine;
use crate::filter::Filters;
use crate::finding::Finding;
use crate::lsp::{Document, Scanned, Workspace};
use crate::rules::RuleSet;
use crate::ExitStatus;

pub fn run(common: &Common, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus> {
    let mut repos = Repos { common, cwd_root: super::root()?, roots: HashMap::new(), setups: HashMap::new() };
    let stdin = std::io::stdin();
    crate::lsp::serve(&mut stdin.lock(), out, err, &mut repos)?;
    Ok(ExitStatus::Clean)
}

/// The setups of the repositories whose buffers are open.
struct Repos<'c> {
    common: &'c Common,
    /// Where buffers that are no file (`untitled:`) take their config from.
    cwd_root: PathBuf,
    /// A buffer's folder -> (that folder canonical, its repository root).
    roots: HashMap<PathBuf, (PathBuf, PathBuf)>,
    setups: HashMap<PathBuf, Loaded>,
}

struct Loaded {
    scanner: Scanner,
    filters: Filters,
    stamp: Stamp,
    /// What the last scan of each open buffer (by URI) found, line by line: rules and setup
    /// change together, so a reload starts them afresh.
    caches: HashMap<String, ScanCache>,
}

self_cell::self_cell!(
    /// A repository's rules and the engine over them, built once per setup: building the
    /// engine (its keyword index) on every keystroke cost about 90 us.
    struct Scanner {
        owner: RuleSet,
        #[covariant]
        dependent: Engine,
    }
);

/// Size and modification time of the files a setup was read from: one changed, reload.
type Stamp = Vec<Option<(u64, Option<SystemTime>)>>;

impl Repos<'_> {
    /// The repository root of a buffer, and the buffer's path relative to it (`/`-separated).
    fn locate(&mut self, doc: &Document) -> (PathBuf, String) {
        let Some(path) = &doc.path else {
            let name = doc.uri.as_str().rsplit(['/', ':']).next().unwrap_or("untitled").to_string();
            return (self.cwd_root.clone(), name);
        };
        let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        let (canonical, root) = self.roots.entry(dir.clone()).or_insert_with(|| {
            // A buffer not saved yet may sit in a folder not made yet: ask its nearest ancestor.
            let existing = dir.ancestors().find(|d| d.is_dir()).unwrap_or(Path::new("/"));
            let canonical = std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf()).join(dir.strip_prefix(existing).unwrap_or(Path::new("")));
            let root = crate::source::repo::work_tree_of(existing).unwrap_or_else(|| canonical.clone());
            (canonical, std::fs::canonicalize(&root).unwrap_or(root))
        });
        let file = canonical.join(path.file_name().unwrap_or_default());
        let rel = file.strip_prefix(&*root).map_or_else(|_| crate::chunk::display_path(&file), crate::chunk::display_path);
        (root.clone(), rel)
    }

    /// The setup of `root`, read again when its config, baseline or ignore file changed.
    fn setup(&mut self, root: &Path) -> Result<&mut Loaded> {
        let stamp = stamp(self.common, root);
        if self.setups.get(root).is_none_or(|loaded| loaded.stamp != stamp) {
            let Setup { rules, filters } = super::setup(self.common, root, root)?;
            let scanner = Scanner::new(rules, |rules| Engine::new(rules));
            self.setups.insert(root.to_path_buf(), Loaded { scanner, filters, stamp, caches: HashMap::new() });
        }
        Ok(self.setups.get_mut(root).expect("inserted above"))
    }
}

fn stamp(common: &Common, root: &Path) -> Stamp {
    let config = common.config.clone().unwrap_or_else(|| root.join(crate::config::FILE_NAME));
    let files = [config, super::baseline_path(common, root), root.join(crate::filter::gitleaksignore_file())];
    files.iter().map(|p| std::fs::metadata(p).ok().map(|m| (m.len(), m.modified().ok()))).collect()
}

impl Workspace for Repos<'_> {
    /// The buffer as `scan` reads a file: the same engine calls (rescanning only the lines
    /// changed since the last scan of this buffer), then the same filters.
    fn scan(&mut self, doc: &Document) -> Result<Scanned> {
        let (root, rel) = self.locate(doc);
        let Loaded { scanner, filters, caches, .. } = self.setup(&root)?;
        let engine = scanner.borrow_dependent();
        let chunk = Chunk::new(rel, Cow::Borrowed(doc.text.as_bytes()), Provenance::File);
        let cache = caches.entry(doc.uri.as_str().to_string()).or_default();
        let found = engine.scan_cached(&chunk, cache).and_then(|mut found| {
            found.extend(engine.file_findings(&chunk.path, chunk.bytes.len() as u64, &chunk.provenance)?);
            Ok(found)
        });
        let mut matches = found.map_err(|e| anyhow::anyhow!("{}: {e}", chunk.path))?;
        matches.sort_by(|a, b| a.location.cmp(&b.location).then_with(|| a.rule_id.cmp(&b.rule_id)));
        let findings = filters.apply(matches).findings;
        let help = super::help(scanner.borrow_owner(), &findings);
        Ok(Scanned { findings, help })
    }

    fn closed(&mut self, doc: &Document) {
        let (root, _) = self.locate(doc);
        if let Some(loaded) = self.setups.get_mut(&root) {
            loaded.caches.remove(doc.uri.as_str());
        }
    }

    /// One entry added to the repository's baseline (made when there is none), written
    /// atomically, as `baseline --update` would for this finding alone.
    fn accept(&mut self, doc: &Document, finding: &Finding) -> Result<PathBuf> {
        if crate::policy::is_code_smell(finding.kind, &finding.rule_id) {
            anyhow::bail!("the baseline does not take code smells: fix it, or allow it inline");
        }
        let (root, _) = self.locate(doc);
        let key = self.setup(&root)?.filters.repo_path(finding);
        let path = super::baseline_path(self.common, &root);
        let mut baseline = Baseline::load(&path)?.unwrap_or_default();
        let entry = baseline.entry(&finding.rule_id, &key, &finding.secret);
        baseline.insert(entry);
        crate::atomic::write(&path, baseline.to_toml().as_bytes(), None).with_context(|| format!("cannot write {}", path.display()))?;
        self.setups.remove(&root);
        Ok(path)
    }
}
