//! The gate's checks on the values, names, lines and paths that taught them.

use super::shape::is_uuid;
use super::*;

#[test]
fn generic_values_need_a_credential_shape() {
    for ok in ["Xk9#mQ2vLr7w", "UaciPEKmDxBScWTfevWRnYTRpmppLdVz", "django-insecure-+m=8qa-wr0&53a=#olf"] {
        assert!(generic_value_ok(ok.as_bytes(), None), "{ok}");
    }
    for no in [
        "short1", "12345678901", "ReadOnlyAccess", "bert-base-uncased-v2", "/etc/acme/secret.key", "./certs/key.pem",
        "v1.2.3", "k1,k2,k3", "page=1&size=20", "$DB_PASSWORD", "%DB_PASSWORD%", "{password}", "P@ssw0rd123!",
        "prod/db/credentials", "test_Qm8xZ2Fw3k", "https://x.io/token1",
    ] {
        assert!(!generic_value_ok(no.as_bytes(), None), "{no}");
    }
}

#[test]
fn names_can_say_the_value_is_not_a_secret() {
    for name in ["CACHE_KEY", "secret_name", "tokenExpiry", "public_key", "password_min_length", "client_secret_id"] {
        assert!(names_a_non_secret(name.as_bytes()), "{name}");
    }
    for name in ["DB_PASSWORD", "accountPassword", "securityToken", "NONCE_SALT", "api_key"] {
        assert!(!names_a_non_secret(name.as_bytes()), "{name}");
    }
}

#[test]
fn lock_files_minified_assets_and_lookups_are_recognised() {
    assert!(skips_generic("web/package-lock.json") && skips_generic("Cargo.lock") && skips_generic("dist/app.min.js"));
    assert!(!skips_generic("src/config.json"));
    assert!(is_lookup(b"password = os.environ.get(") && is_lookup(b"token: ${{ secrets."));
    assert!(says_fake(b"token = 'ghp_x'  # fake") && !says_fake(b"token = 'ghp_x'"));
    assert!(is_uuid("3f2b8c4e-9a1d-4e6f-b7c2-5d8e1f0a9b3c") && !is_uuid("3f2b8c4e9a1d4e6fb7c25d8e1f0a9b3c"));
}

#[test]
fn code_that_names_a_secret_is_not_one() {
    for code in [
        "CloudFrontOriginAccessIdentityList.NextMarker",
        "TooManyDistributionsAssociatedToKeyGroup",
        "DescribeDefaultEncryptionConfiguration",
        "X-Subject-Token",
        "OS-OAUTH1:access_token",
        "V1SecretVolumeSource",
        "CLIENT_TRAFFIC_SECRET_0",
        "__omit_place_holder__%s",
        "keystone.models.token_model.TokenModel",
        "$serde_json::private::RawValue",
        "std::ffi::OsString",
        "Jobs[-1].JobId",
        "CloudFrontOriginAccessIdentityList.IsTruncated",
        "LocalGatewayRouteTableVpcAssociations",
        "X-Amz-Server-Side-Encryption-Customer-Key",
        "StrictHostKeyChecking=no",
        "bytes,1,opt,name=key,proto3",
    ] {
        assert!(!generic_value_ok(code.as_bytes(), None), "{code}");
    }
    for secret in ["Qm7Lx2Wv9Rt4Zp8Kc3Nh6Bd1", "kQzPwRtYuIoPaSdFgHjKlZxCvB", "gHtOpzmTPf8ls3pX_ILq", "bf236db91b50b1182ee3e16f68d55da51f14bf74", "$Qm7Lx2Wv::9Rt4Zp8Kc3Nh"] {
        assert!(generic_value_ok(secret.as_bytes(), None), "{secret}");
    }
}

#[test]
fn templates_fake_paths_and_scripts_are_known_by_their_path() {
    for template in [".env.example", "config.sample.yml", "example.env", "settings.py.dist"] {
        assert!(skips_generic(template), "{template}");
    }
    assert!(!skips_generic("examples/app.py") && !skips_generic("src/sample_data.rs"));
    assert!(is_fake_path("tests/fixtures/fake_credentials.py") && is_fake_path("src/Mocks/client.ts"));
    assert!(!is_fake_path("src/mockingbird.py") && !is_fake_path("src/stubborn/app.go"));
    assert!(is_code_file("App.JAVA", b"") && is_code_file("bin/ansible", b"#!/usr/bin/env python3\nx = 1\n"));
    assert!(!is_code_file("bin/run", b"#!/bin/sh\n") && !is_code_file("settings.yaml", b""));
}

#[test]
fn a_password_is_named_by_its_last_word_and_chosen_by_a_person() {
    for name in ["DB_PASSWORD", "smtppass", "ansible_ssh_pass", "db_password_prod", "PW", "vault-passphrase"] {
        assert!(names_a_password(name.as_bytes()), "{name}");
    }
    for name in ["password_encryption", "passenger", "token", "password_hint"] {
        assert!(!names_a_password(name.as_bytes()), "{name}");
    }
    for ok in ["hunter2x9", "correct-horse-battery", "Summer2019!"] {
        assert!(password_value_ok(ok.as_bytes()), "{ok}");
    }
    for no in ["changeme123", "your_db_password", "passwordEncoder", "aaaaaaaa", "on_create", "$DB_PASS", "<your password>"] {
        assert!(!password_value_ok(no.as_bytes()), "{no}");
    }
}

#[test]
fn values_known_to_grant_nothing_are_recognised() {
    assert!(is_harmless_by_prefix(b"pk_live_51H8xQ2eZvKYlo2C") && is_harmless_by_prefix(b"$2b$04$abcdefghijklmnopqrstuv"));
    assert!(!is_harmless_by_prefix(b"sk_live_51H8xQ2eZvKYlo2C") && !is_harmless_by_prefix(b"$2b$12$abcdefghijklmnopqrstuv"));
    // A JWT whose claims say `"role": "anon"` (Supabase's public key), and one that does not.
    let jwt = |claims: &str| format!("eyJhbGciOiJIUzI1NiJ9.{}.c2lnbmF0dXJl", b64(claims.as_bytes()));
    assert!(is_public_jwt(jwt(r#"{"role": "anon"}"#).as_bytes()));
    assert!(!is_public_jwt(jwt(r#"{"role":"service_role"}"#).as_bytes()));
    assert!(!is_public_test_key(b"not a documented key"));
}

/// URL-safe base64 without padding, for building tokens in tests.
fn b64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}
