//! The pattern files built into the binary, converted to JSON by `build.rs` (in name order).

/// One `patterns/*.toml` file: whole, and without its examples.
pub struct BuiltinFile {
    pub origin: &'static str,
    pub full: &'static str,
    pub lean: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
