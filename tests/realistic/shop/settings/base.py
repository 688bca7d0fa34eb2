"""Settings shared by every environment. Secrets come from the environment, never from here."""

import hashlib
import os
from getpass import getpass

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DATABASE_PASSWORD = os.environ.get("DATABASE_PASSWORD", "")
API_TOKEN = os.getenv("SHOP_API_TOKEN")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
SESSION_COOKIE_NAME = "shop_session"
CSRF_COOKIE_NAME = "shop_csrftoken"
CSRF_HEADER_NAME = "HTTP_X_CSRFTOKEN"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DATABASE_NAME", "shop"),
        "USER": os.environ.get("DATABASE_USER", "shop"),
        "PASSWORD": DATABASE_PASSWORD,
        "HOST": os.environ.get("DATABASE_HOST", "localhost"),
    }
}


def ask_password(prompt="Password: "):
    password = getpass(prompt)
    if not password:
        raise SystemExit("no password given")
    return password


def basic_auth(user, password):
    return "%s:%s" % (user, password)


def cache_key(token):
    digest = hashlib.sha256(token.encode()).hexdigest()
    return "tok:%s" % digest


def bearer(request):
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip()
    return token or None


EMPTY_SHA256 = "fc979f82805229f70c393753fd60cc4942a8b395476f953ddc530abfe75c061e"
OMIT_TOKEN = "__omit_place_holder__%s" % hashlib.sha1(b"shop").hexdigest()
