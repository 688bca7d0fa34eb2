//! One integration binary (one link step): every test drives the real leakguard binary and
//! real git in temp dirs.

mod util;
mod precommit;
mod hooks;
mod staged;
mod scan;
mod report;
mod rules;
mod config;
mod adopt;
mod migrate;
mod baseline;
mod history;
mod push;
mod sarif;
mod corpus;
mod trust_reports;
mod trust_hooks;
mod trust_sources;
mod trust_engine;
mod fuzz_replay;
mod policy;
mod remediation;
mod pre_receive;
mod lsp;
mod realistic;
mod smells;
mod conventions;
mod issue_13;
mod history_paths;
mod history_renames;
mod history_long;
mod readme;
mod spans;
mod layers;
mod words;
