from .base import *  # noqa: F401,F403

DATABASES["default"]["PASSWORD"] = "postgres"
EMAIL_HOST_PASSWORD = "test-only"
NETRC_SAMPLE = "machine example.com login alice password hunter2hunter2"
VAULT_PASSWORD = "insecure-test-vault-pass"
