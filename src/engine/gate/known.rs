//! Values known to grant nothing: keys vendors publish as test values, public-by-design keys,
//! test-suite hashes, and values encrypted with a key kept elsewhere.

use sha2::{Digest, Sha256};

use crate::engine::words::PUBLIC_TEST_KEYS;

/// A JWT whose claims say it is public by design: Supabase's `anon` key.
pub fn is_public_jwt(token: &[u8]) -> bool {
    let mut parts = token.split(|&b| b == b'.');
    let (Some(header), Some(claims)) = (parts.next(), parts.next()) else { return false };
    if !header.starts_with(b"eyJ") {
        return false;
    }
    let Some(decoded) = crate::engine::decode::base64(claims) else { return false };
    let text = String::from_utf8_lossy(&decoded).replace(' ', "");
    text.contains("\"role\":\"anon\"")
}

/// Values encrypted with a key kept elsewhere, committed on purpose: sops (`ENC[...]`),
/// Jasypt (`ENC(...)`), Ansible Vault, and Sealed Secrets' long `Ag...` blobs.
pub(super) fn is_encrypted(text: &str) -> bool {
    text.starts_with("ENC[") || text.starts_with("ENC(") || text.starts_with("$ANSIBLE_VAULT") || text.starts_with("!vault")
        || (text.len() >= 300 && text.starts_with("Ag") && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')))
}

/// Values whose prefix says they grant nothing: public-by-design keys some providers put in
/// client code (Mapbox `pk.`, Stripe `pk_`), and test-suite bcrypt hashes. Case matters here,
/// so these stay in code rather than in a lowercase word list.
pub fn is_harmless_by_prefix(value: &[u8]) -> bool {
    ["pk.eyJ", "pk_live_", "pk_test_"].iter().any(|p| value.starts_with(p.as_bytes()))
        // bcrypt at cost 4, its minimum, is what test suites use to stay fast: a fixture.
        || ["$2a$04$", "$2b$04$", "$2y$04$"].iter().any(|p| value.starts_with(p.as_bytes()))
}

/// Whether `secret` is a key a vendor documents as a test value (`words/public_test_keys.txt`
/// holds their SHA-256): finding one in a repository is expected.
pub fn is_public_test_key(secret: &[u8]) -> bool {
    let digest: String = Sha256::digest(secret).iter().map(|b| format!("{b:02x}")).collect();
    PUBLIC_TEST_KEYS.contains(&digest.as_str())
}
