//! Embeds the rule catalogue (`patterns/*.toml`) in the binary, once: each file is parsed here
//! into the spec types the library uses (`src/rules/spec.rs`, included below), strictly, and
//! written out as `&'static` Rust records. A scan then pays for no parsing, and its rules'
//! text is borrowed from the binary. A missing or empty `patterns/`, or a rule file with an
//! unknown key, fails the build: a binary without rules would report every scan clean.

use std::{env, fs, path::Path};

#[allow(dead_code)]
#[path = "src/rules/spec.rs"]
mod spec;

fn main() {
    commit();
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("patterns");
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rerun-if-changed=src/rules/spec.rs");
    let catalogue = spec::read_catalogue(&dir).unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::from("pub static FILES: &[BuiltinFile] = &[\n");
    for (name, file) in &catalogue {
        println!("cargo:rerun-if-changed={}", dir.join(name).display());
        out.push_str(&format!("    BuiltinFile {{ origin: \"patterns/{name}\", rules: &[\n"));
        for rule in &file.rules {
            out.push_str("        ");
            serde::Serialize::serialize(rule, &mut Literal(&mut out)).unwrap_or_else(|e| panic!("patterns/{name}: rule `{}`: {e}", rule.id));
            out.push_str(",\n");
        }
        out.push_str("    ] },\n");
    }
    out.push_str("];\n");
    out.push_str(&providers(&dir));
    let out_dir = Path::new(&env::var("OUT_DIR").expect("cargo sets it")).to_path_buf();
    fs::write(out_dir.join("builtin_rules.rs"), out).expect("OUT_DIR is writable");
}

/// `patterns/providers.toml` as a `PROVIDERS` constant (empty when the file is absent). Its keys
/// are checked here: a typo would otherwise drop a provider's advice without a word.
fn providers(dir: &Path) -> String {
    let name = spec::PROVIDERS_FILE;
    let path = dir.join(name);
    println!("cargo:rerun-if-changed={}", path.display());
    let mut out = String::from("pub static PROVIDERS: &[Provider] = &[\n");
    let text = fs::read_to_string(&path).unwrap_or_default();
    let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("patterns/{name}: {e}"));
    for p in value.get("providers").and_then(toml::Value::as_array).into_iter().flatten() {
        let table = p.as_table().unwrap_or_else(|| panic!("patterns/{name}: a provider is a table"));
        for key in table.keys() {
            let known = ["id", "name", "categories", "references", "revoke", "steps", "audit"];
            assert!(known.contains(&key.as_str()), "patterns/{name}: unknown key `{key}` (known: {})", known.join(", "));
        }
        let text = |key: &str| format!("{:?}", p.get(key).and_then(toml::Value::as_str).unwrap_or_default());
        let list = |key: &str| {
            let items: Vec<String> =
                p.get(key).and_then(toml::Value::as_array).into_iter().flatten().filter_map(|v| v.as_str().map(|v| format!("{v:?}"))).collect();
            items.join(", ")
        };
        out.push_str(&format!(
            "    Provider {{ id: {}, name: {}, categories: &[{}], references: &[{}], revoke: {}, steps: {}, audit: {} }},\n",
            text("id"),
            text("name"),
            list("categories"),
            list("references"),
            text("revoke"),
            text("steps"),
            text("audit"),
        ));
    }
    out.push_str("];\n");
    out
}

/// Writes a value of the spec types as a Rust expression: text as `Cow::Borrowed("..")`, lists
/// as `Cow::Borrowed(&[..])`, structs and unit variants by name. Any other shape is refused, so
/// a field of a new kind of type fails the build rather than the run.
struct Literal<'a>(&'a mut String);

#[derive(Debug)]
struct Unsupported(String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write {} as a Rust literal", self.0)
    }
}

impl std::error::Error for Unsupported {}

impl serde::ser::Error for Unsupported {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Unsupported(msg.to_string())
    }
}

type Done = Result<(), Unsupported>;
type Refused = serde::ser::Impossible<(), Unsupported>;

impl<'a, 'b> serde::Serializer for &'b mut Literal<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Self;
    type SerializeStruct = Self;
    type SerializeTuple = Refused;
    type SerializeTupleStruct = Refused;
    type SerializeTupleVariant = Refused;
    type SerializeMap = Refused;
    type SerializeStructVariant = Refused;

    fn serialize_bool(self, v: bool) -> Done {
        self.0.push_str(&v.to_string());
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.0.push_str(&v.to_string());
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.0.push_str(&v.to_string());
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Done {
        if !v.is_finite() {
            return Err(Unsupported(format!("the number {v}")));
        }
        // Debug keeps a `.0`, so the literal stays a float.
        self.0.push_str(&format!("{v:?}"));
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_char(self, v: char) -> Done {
        self.0.push_str(&format!("{v:?}"));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Done {
        // Debug escapes quotes, backslashes and control characters as Rust does.
        self.0.push_str(&format!("Cow::Borrowed({v:?})"));
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Done {
        Err(Unsupported("bytes".into()))
    }
    fn serialize_none(self) -> Done {
        self.0.push_str("None");
        Ok(())
    }
    fn serialize_some<T: ?Sized + serde::Serialize>(self, value: &T) -> Done {
        self.0.push_str("Some(");
        value.serialize(&mut *self)?;
        self.0.push(')');
        Ok(())
    }
    fn serialize_unit(self) -> Done {
        Err(Unsupported("a unit".into()))
    }
    fn serialize_unit_struct(self, name: &'static str) -> Done {
        Err(Unsupported(format!("the unit struct {name}")))
    }
    fn serialize_unit_variant(self, name: &'static str, _: u32, variant: &'static str) -> Done {
        // Variants are written in lower case (`secret`); the Rust name is capitalised.
        let mut chars = variant.chars();
        let first = chars.next().map(|c| c.to_ascii_uppercase().to_string()).unwrap_or_default();
        self.0.push_str(&format!("{name}::{first}{}", chars.as_str()));
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + serde::Serialize>(self, name: &'static str, _: &T) -> Done {
        Err(Unsupported(format!("the newtype {name}")))
    }
    fn serialize_newtype_variant<T: ?Sized + serde::Serialize>(self, name: &'static str, _: u32, _: &'static str, _: &T) -> Done {
        Err(Unsupported(format!("a variant of {name}")))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Unsupported> {
        self.0.push_str("Cow::Borrowed(&[");
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Refused, Unsupported> {
        Err(Unsupported("a tuple".into()))
    }
    fn serialize_tuple_struct(self, name: &'static str, _: usize) -> Result<Refused, Unsupported> {
        Err(Unsupported(format!("the tuple struct {name}")))
    }
    fn serialize_tuple_variant(self, name: &'static str, _: u32, _: &'static str, _: usize) -> Result<Refused, Unsupported> {
        Err(Unsupported(format!("a variant of {name}")))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Refused, Unsupported> {
        Err(Unsupported("a map".into()))
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Self, Unsupported> {
        self.0.push_str(&format!("{name} {{ "));
        Ok(self)
    }
    fn serialize_struct_variant(self, name: &'static str, _: u32, _: &'static str, _: usize) -> Result<Refused, Unsupported> {
        Err(Unsupported(format!("a variant of {name}")))
    }
}

impl<'a, 'b> serde::ser::SerializeSeq for &'b mut Literal<'a> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: ?Sized + serde::Serialize>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)?;
        self.0.push_str(", ");
        Ok(())
    }
    fn end(self) -> Done {
        self.0.push_str("])");
        Ok(())
    }
}

impl<'a, 'b> serde::ser::SerializeStruct for &'b mut Literal<'a> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: ?Sized + serde::Serialize>(&mut self, key: &'static str, value: &T) -> Done {
        self.0.push_str(key);
        self.0.push_str(": ");
        value.serialize(&mut **self)?;
        self.0.push_str(", ");
        Ok(())
    }
    fn end(self) -> Done {
        self.0.push('}');
        Ok(())
    }
}

/// `LEAKGUARD_COMMIT`: the short commit the binary is built from (for `--version`), or
/// `unknown` outside a git checkout. Rebuilt when HEAD moves.
fn commit() {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let commit = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=LEAKGUARD_COMMIT={commit}");
    for path in [git(&["rev-parse", "--git-path", "HEAD"]), git(&["symbolic-ref", "-q", "HEAD"]).and_then(|r| git(&["rev-parse", "--git-path", &r]))].into_iter().flatten() {
        println!("cargo:rerun-if-changed={path}");
    }
}
