//! The rules of one run: built-ins and a config's custom rules, in a stable order, by id.

use std::collections::{HashMap, HashSet};

use super::spec::RuleFile;
use super::validate::validate;
use super::{builtin, toml_error_message, Rule, RuleError, Text};

/// The rules of one run, in a stable order (the files' load order, then position in a file).
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// Position of each id in `rules`: ten thousand custom rules must not cost a search each.
    index: HashMap<Text, usize>,
}

impl RuleSet {
    /// The rules built into the binary, validated (for `rules test` and `show`, and tests).
    pub fn builtin() -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::default();
        for file in builtin::FILES {
            for spec in file.rules {
                set.add(Rule::builtin(spec, file.origin))?;
            }
        }
        Ok(set)
    }

    /// The rules built into the binary, as a scan needs them: borrowed from the binary, not
    /// validated again (`builtin` validates the same records, and the test suite and `rules
    /// test` in CI load it; the check of distinct ids is quadratic).
    pub fn builtin_for_scan() -> RuleSet {
        let mut rules = Vec::with_capacity(builtin::FILES.iter().map(|f| f.rules.len()).sum());
        for file in builtin::FILES {
            rules.extend(file.rules.iter().map(|spec| Rule::builtin(spec, file.origin)));
        }
        let index = rules.iter().enumerate().map(|(i, r)| (r.spec.id.clone(), i)).collect();
        RuleSet { rules, index }
    }

    /// Parses one pattern file and adds its rules, checking ids and keywords (not regexes: those
    /// compile lazily; `check` compiles every one).
    pub fn add_file(&mut self, origin: &str, text: &str) -> Result<(), RuleError> {
        let file: RuleFile = toml::from_str(text).map_err(|e| RuleError::Parse {
            origin: origin.to_string(),
            msg: toml_error_message(text, &e),
        })?;
        for spec in file.rules {
            self.add(Rule::new(spec, origin))?;
        }
        Ok(())
    }

    pub fn add(&mut self, rule: Rule) -> Result<(), RuleError> {
        validate(&rule)?;
        if let Some(first) = self.get(rule.id()) {
            return Err(RuleError::Duplicate {
                id: rule.spec.id.to_string(),
                first: first.origin.clone(),
                second: rule.origin.clone(),
            });
        }
        self.index.insert(rule.spec.id.clone(), self.rules.len());
        self.rules.push(rule);
        Ok(())
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.index.get(id).map(|&i| &self.rules[i])
    }

    /// For config overrides of severity and entropy (not the regex: it may be compiled).
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Rule> {
        self.index.get(id).map(|&i| &mut self.rules[i])
    }

    /// Drops a rule; whether it was there.
    pub fn remove(&mut self, id: &str) -> bool {
        self.remove_all(&[id]) == 1
    }

    /// Drops every rule named in `ids` in one pass; how many were there.
    pub fn remove_all(&mut self, ids: &[&str]) -> usize {
        let drop: HashSet<&str> = ids.iter().copied().filter(|id| self.index.contains_key(*id)).collect();
        if drop.is_empty() {
            return 0;
        }
        self.rules.retain(|r| !drop.contains(r.id()));
        self.index = self.rules.iter().enumerate().map(|(i, r)| (r.spec.id.clone(), i)).collect();
        drop.len()
    }

    /// Every rule id, for "did you mean" suggestions.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(Rule::id)
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}
