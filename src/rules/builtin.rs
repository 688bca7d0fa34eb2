//! The pattern files built into the binary: `(origin, text)` for every `patterns/*.toml`,
//! listed by `build.rs` in name order.

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
