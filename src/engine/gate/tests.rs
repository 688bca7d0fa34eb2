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
        "Jobs[-1].JobId",
        "CloudFrontOriginAccessIdentityList.IsTruncated",
        "LocalGatewayRouteTableVpcAssociations",
        "X-Amz-Server-Side-Encryption-Customer-Key",
        "StrictHostKeyChecking=no",
        "bytes,1,opt,name=key,proto3",
    ] {
        assert!(!generic_value_ok(code.as_bytes(), None), "{code}");
    }
    for secret in ["Qm7Lx2Wv9Rt4Zp8Kc3Nh6Bd1", "kQzPwRtYuIoPaSdFgHjKlZxCvB", "gHtOpzmTPf8ls3pX_ILq", "bf236db91b50b1182ee3e16f68d55da51f14bf74"] {
        assert!(generic_value_ok(secret.as_bytes(), None), "{secret}");
    }
}
