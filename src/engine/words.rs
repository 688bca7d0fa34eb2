//! The word lists the engine's checks consult, kept as data in `words/*.txt`: one entry a line,
//! blank lines and lines starting with `#` skipped. Each is embedded at build time and split
//! once, on first use.

use std::sync::LazyLock;

/// A list's entries, in file order.
pub type Words = LazyLock<Vec<&'static str>>;

fn parse(text: &'static str) -> Vec<&'static str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

macro_rules! lists {
    ($($name:ident = $file:literal;)*) => {
        $(pub static $name: Words = LazyLock::new(|| parse(include_str!(concat!("words/", $file))));)*
        /// Every list as (file, static, text), for the tests.
        #[cfg(test)]
        const FILES: &[(&str, &str, &str)] = &[$(($file, stringify!($name), include_str!(concat!("words/", $file)))),*];
    };
}

lists! {
    SECRET_WORDS = "secret_words.txt";
    NAME_SUFFIXES = "name_suffixes.txt";
    NAME_QUALIFIERS = "name_qualifiers.txt";
    PASSWORD_NAMES = "password_names.txt";
    SETTING_WORDS = "setting_words.txt";
    NON_SECRET_WORDS = "non_secret_words.txt";
    NON_SECRET_STEMS = "non_secret_stems.txt";
    KEY_KINDS = "key_kinds.txt";
    ITSELF_WORDS = "itself_words.txt";
    ID_SUFFIXES = "id_suffixes.txt";
    CODE_SECRET_WORDS = "code_secret_words.txt";
    PASSWORD_SELF_WORDS = "password_self_words.txt";
    WEAK_DEFAULTS = "weak_defaults.txt";
    STAND_IN_STEMS = "stand_in_stems.txt";
    FIXTURE_PREFIXES = "fixture_prefixes.txt";
    INSTRUCTIONS = "instructions.txt";
    PLACEHOLDER_WORDS = "placeholder_words.txt";
    FAKE_MARKERS = "fake_markers.txt";
    FAKE_PATH_WORDS = "fake_path_words.txt";
    LOOKUPS = "lookups.txt";
    NO_GENERIC_FILES = "no_generic_files.txt";
    NO_GENERIC_SUFFIXES = "no_generic_suffixes.txt";
    TEMPLATE_PARTS = "template_parts.txt";
    CODE_EXTENSIONS = "code_extensions.txt";
    SCRIPT_INTERPRETERS = "script_interpreters.txt";
    PUBLIC_TEST_KEYS = "public_test_keys.txt";
    DECODE_TRIGGERS = "decode_triggers.txt";
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{parse, FILES};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/engine is readable") {
            let path = entry.expect("a src/engine entry").path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("engine/words.rs") {
                out.push(path);
            }
        }
    }

    /// Every file in words/ is listed here, holds entries, each lowercase, trimmed and listed
    /// once, and its list is read somewhere in the engine.
    #[test]
    fn word_lists_are_well_formed_and_all_used() {
        let engine = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
        let mut on_disk: Vec<String> = std::fs::read_dir(engine.join("words"))
            .expect("src/engine/words is readable")
            .map(|e| e.expect("a words/ entry").file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = FILES.iter().map(|f| f.0.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed, "every words/*.txt is listed in words.rs, and only those");
        let mut code = Vec::new();
        rust_files(&engine, &mut code);
        let code: Vec<String> = code.iter().map(|p| std::fs::read_to_string(p).expect("a source file is UTF-8")).collect();
        for (file, name, text) in FILES {
            let words = parse(text);
            assert!(!words.is_empty(), "{file} is empty");
            for w in &words {
                assert_eq!(*w, w.to_lowercase(), "{file}: `{w}` is not lowercase");
                assert!(!w.contains('\t'), "{file}: `{w}` holds a tab");
            }
            let mut sorted = words.clone();
            sorted.sort_unstable();
            let before = sorted.len();
            sorted.dedup();
            assert_eq!(before, sorted.len(), "{file} lists a word twice");
            // The name whole: `SECRET_WORDS` inside `CODE_SECRET_WORDS` does not count.
            let ident = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
            let used = code.iter().any(|text| {
                text.match_indices(name).any(|(at, _)| {
                    !ident(at.checked_sub(1).and_then(|i| text.as_bytes().get(i))) && !ident(text.as_bytes().get(at + name.len()))
                })
            });
            assert!(used, "{file}: {name} is read nowhere in src/engine");
        }
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        assert_eq!(parse("# why\n\n  a \n#b\nc d\n"), ["a", "c d"]);
    }
}
