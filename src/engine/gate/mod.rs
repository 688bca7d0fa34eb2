//! Built-in false-alarm checks beyond placeholders, one file per question: where generic rules
//! do not run (`paths`), what the line around a value says (`line`), whether an assigned name
//! is a secret's (`names`), whether a value looks like a credential (`value`) rather than code
//! or data (`shape`) or a reference to one kept elsewhere (`reference`), and values known to
//! grant nothing (`known`). The words they consult are data, in `engine/words/`.

mod known;
mod line;
mod names;
mod paths;
mod reference;
mod shape;
mod value;
#[cfg(test)]
mod tests;

pub use known::{is_harmless_by_prefix, is_public_jwt, is_public_test_key};
pub use line::{is_anonymous, is_lookup, says_fake, MAX_GENERIC_LINE};
pub use names::{names_a_non_secret, names_a_password, names_a_secret};
pub use paths::{is_code_file, is_fake_path, skips_generic};
pub use reference::is_env_name;
pub use shape::is_word_identifier;
pub use value::{char_classes, entropy, generic_value_ok, password_value_ok};
