#!/usr/bin/env python3
"""Holdout set B for leakguard: realistic files with FAKE secrets and line labels.

Run from the repository root:

    python3 tests/holdout-b/generate.py

The script deletes and rewrites ``tests/holdout-b/files/`` and
``tests/holdout-b/labels.toml``.  Everything is derived from a fixed random seed
(977) using only the Python standard library, so the output is reproducible.

Why it exists
-------------
The set is meant for a single final precision/recall measurement of the
scanner.  It was written *blind*: without looking at leakguard's rules, its
source, its other test corpora, or any other scanner's rules or test data.  The
files imitate what one finds when sampling public repositories and home
directory dumps in which people leaked credentials: dotfiles, shell scripts,
.env files, tool configs, framework configs, infrastructure code, SQL dumps,
password/hash files, key files, notebooks and application source in several
languages.  Every credential value is generated at random from the seed
(random strings in the provider's alphabet and shape, or "human" passwords
assembled from word lists, digits and symbols).  None of them is real.
Checksums embedded in token formats are not valid.

Storage
-------
Each file is stored ROT13-encoded (``codecs.encode(text, "rot13")``) as
``files/<case-dir>/<relative path>.rot13`` so that the plain-text secrets do not
sit in the tree (and do not trip hooks).  The label key in ``labels.toml`` is
``"<case-dir>/<relative path>"`` without the ``.rot13`` suffix::

    ["shadow2/etc/shadow"]
    secrets = [[3, 3], [5, 5]]   # 1-based inclusive line ranges, one per secret
    tricky = 6                   # deliberately tricky NON-secret lines in the file

Labelling policy
----------------
A line range is labelled as a secret when the value on it would grant access
if it were real:

* passwords in a password-like field, option, argument or URL, including weak
  human-chosen ones (``Welcome1!``, ``qwerty2020``, ``Dragon#88``);
* API keys, tokens, client secrets, framework signing keys (Django
  ``SECRET_KEY``, Rails ``secret_key_base``, Laravel ``APP_KEY``, WordPress
  salts, ``blowfish_secret``, JWT signing secrets, ASP.NET ``machineKey``);
* private keys -- a multi-line PEM/OpenSSH/PGP block is ONE range covering
  BEGIN..END; for PuTTY .ppk files the range is ``Private-Lines:`` through
  ``Private-MAC:`` (the public lines are not secret);
* password hashes in SQL dumps, shadow files and htpasswd files (one range per
  account line / row line);
* credentialed URLs and connection strings (``scheme://user:pass@host``,
  ``Password=...;`` strings, Azure ``AccountKey=``);
* base64 auth strings (Docker ``auth``, npm ``_auth``/``_password``, HTTP
  ``Basic``), FileZilla base64 passwords, rclone "obscured" passwords and
  Jenkins ``{AQAAAB...}`` encrypted values (reversible with material that
  normally sits next to them);
* JSON Web Tokens / bearer tokens used as live credentials (kubeconfig
  ``token``, ``Authorization: Bearer`` in scripts, service-role keys in .env).

Judgement calls (applied consistently):

* Provider-prefixed *identifier halves* of a credential pair that scanners
  conventionally treat as credentials are labelled on their own line: AWS
  ``AKIA``/``ASIA`` access key ids and Twilio ``AC`` account SIDs.
  Un-prefixed identifiers (OAuth client ids, GCP ``private_key_id``,
  ``client_email``, a MinIO ``AccessKey``, usernames, account numbers) are NOT
  labelled (the un-prefixed ones that look random are counted as tricky).
  When the id and the secret of one pair sit on the same line
  (``Aws::Credentials.new('AKIA..', '...')``, ``twilio('AC..', '...')``) that
  line is ONE range.
* Publishable/public-by-design values are NOT secrets (tricky): Stripe
  ``pk_live_``, Pusher app key, Supabase anon key, Firebase ``appId`` /
  ``messagingSenderId`` / ``measurementId``, PostHog project key, Web-push VAPID
  public key, Discord application public key, reCAPTCHA site key, Azure
  Application Insights ``InstrumentationKey``, SSH public keys and
  ``known_hosts`` entries, certificates, ``client-certificate-data`` and
  ``certificate-authority-data`` in kubeconfig, PuTTY public lines.
  Google ``AIza`` keys ARE labelled even in Firebase web configs (they grant
  quota-billed API access); Sentry DSNs and New Relic keys are labelled.
* The canonical documentation examples (``AKIAIOSFODNN7EXAMPLE``, the
  ``wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`` secret, the jwt.io sample token,
  Symfony's ``!ChangeMe!`` and RabbitMQ ``guest:guest`` DSN comments, Maven's
  ``repopwd``, phpMyAdmin's ``pmapass``, Tomcat's ``<must-be-changed>``) and
  values inside fixtures/docs explicitly named fake/dummy/example/sample
  (including a cost-4 bcrypt of "password" in a Rails test fixture) are NOT
  secrets (tricky).  A JWT is labelled only when it is used as a live
  credential in config, code, a script, a log or a Postman collection, never
  when it is shown as a documentation example.
* Placeholders are NOT secrets: ``<YOUR_PASSWORD>``, ``your_token_here``,
  ``changeme``, ``xxxx``, ``****``, ``TODO``, ``REDACTED``, ``${VAR}``,
  ``{{ var }}``, ``%(var)s``, ``$ENV``, ``getenv``/``os.environ``/
  ``process.env``/``System.getenv``/``ENV[]`` lookups, ``${{ secrets.X }}``,
  Vault/SSM/Key Vault references, empty passwords, ``null``.
* Values encrypted with a key that is NOT next to them are NOT secrets
  (tricky): ``ansible-vault`` blobs, sops ``ENC[...]`` values, SealedSecret
  ``encryptedData``, Travis ``secure:`` strings.  Reversibly encoded values
  ARE secrets: base64 (Docker ``auth``, npm ``_auth``/``_password``, HTTP
  ``Basic``, Kubernetes ``Secret.data``, ``.dockerconfigjson``), FileZilla
  base64 passwords, rclone "obscured" passwords, Jenkins ``{AQAAAB...}``
  values (Jenkins' master key normally travels with the backup).
* A lookup WITH a hard-coded literal fallback (``env('DB_PASSWORD',
  'Hunter#2021')``, ``os.environ.get('SECRET_KEY') or '...'``,
  ``process.env.X || '...'``) IS a secret: the literal ships in the file.
* Locked/disabled shadow/gshadow entries (``*``, ``!``, ``!!``, ``!*``),
  MySQL's ``*THISISNOTAVALIDPASSWORDTHATCANBEUSEDHERE`` and ``x`` in
  /etc/passwd are tricky non-secrets; a shadow/htpasswd/SQL entry with a real
  hash is a secret (one range per account line or row).  A commented-out
  htpasswd line whose hash is prefixed with ``!`` is tricky.
* A WPA pre-shared key in hex form (``psk=<64 hex>``) is a secret (it is the
  key itself); the commented ``#psk="..."`` that wpa_passphrase prints next to
  it is a secret too.  An OpenVPN ``tls-auth`` static key block is a private
  key range.  Password-ish material in a GCP service-account ``private_key``
  is counted under "google", in kubeconfig ``client-key-data`` under
  "private key".
* Checksums, digests, git SHAs, UUIDs/GUIDs (unless in a credential field such
  as ``HEROKU_API_KEY`` or a .netrc ``password``), go.sum / package-lock /
  yarn / poetry / composer / Cargo / Terraform lock hashes, SRI ``integrity``
  attributes, base64 images and fonts, hex colours, numeric ids, password
  policy numbers, password-related code without a value, and UI labels
  containing the word "password" are tricky non-secrets.
* Each line of a multi-line tricky block (a certificate, a public key, an
  ansible-vault blob, the PuTTY public section) counts as one tricky line.
* A few files are shorter than 15 lines because the format is short in real
  life (.git-credentials, pgbouncer userlist.txt, a bare OpenSSH key, a public
  key PEM, a GCP service-account JSON).

``tricky`` counts only lines that were deliberately written to be confusable
with a secret; ordinary surrounding lines are neither secret nor tricky.
"""

from __future__ import annotations

import base64
import codecs
import json
import os
import random
import re
import shutil
import string
import sys
import textwrap
import uuid
from collections import Counter, defaultdict
from urllib.parse import quote

SEED = 977
R = random.Random(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_FILES = os.path.join(HERE, "files")
OUT_LABELS = os.path.join(HERE, "labels.toml")

# ---------------------------------------------------------------------------
# secret kinds (used for the per-type summary)
# ---------------------------------------------------------------------------
KINDS = {
    "pwkv": "password in key=value / ini / dotfile config",
    "pwdoc": "password in YAML / JSON / XML config",
    "pwcode": "password in source code / code-style config",
    "pwcli": "password in shell command/export",
    "conn": "credentialed URL / connection string",
    "uhash": "shadow / htpasswd hash",
    "dbhash": "password hash in SQL dump",
    "pkey": "private key block",
    "aws": "AWS key id / secret / session",
    "vcs": "GitHub / GitLab token",
    "slack": "Slack token / webhook",
    "stripe": "Stripe secret / restricted key",
    "ai": "OpenAI / Anthropic / Hugging Face",
    "msg": "SendGrid / Twilio / Mailgun",
    "google": "Google API key / service account",
    "azure": "Azure storage / AD secret",
    "bot": "Discord / Telegram bot token",
    "mon": "Datadog / Sentry / New Relic",
    "paas": "Heroku / DigitalOcean / Shopify",
    "reg": "npm / PyPI / Docker Hub token",
    "b64": "base64 auth / encoded password",
    "signkey": "framework signing / encryption key, salt",
    "apisec": "OAuth client secret / other third-party API secret",
    "token": "bearer / JWT / OAuth token",
}

# ---------------------------------------------------------------------------
# random value helpers
# ---------------------------------------------------------------------------
LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIG = string.digits
ALNUM = string.ascii_letters + string.digits
HEXL = "0123456789abcdef"
HEXU = HEXL.upper()
B64C = ALNUM + "+/"
URLC = ALNUM + "-_"
CRYPTC = "./" + ALNUM


def rs(n: int, al: str = ALNUM) -> str:
    return "".join(R.choice(al) for _ in range(n))


def rbytes(n: int) -> bytes:
    return bytes(R.getrandbits(8) for _ in range(n))


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def b64url(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def wrap(s: str, n: int) -> str:
    return "\n".join(s[i:i + n] for i in range(0, len(s), n))


WORDS = [
    "dragon", "monkey", "sunshine", "welcome", "summer", "winter", "football",
    "baseball", "shadow", "master", "qwerty", "tigger", "hunter", "ranger",
    "buster", "soccer", "jordan", "pepper", "charlie", "freedom", "liverpool",
    "chelsea", "princess", "batman", "starwars", "falcon", "phoenix", "rocket",
    "pizza", "coffee", "banana", "orange", "thunder", "silver", "golden",
    "maverick", "cookie", "snoopy", "florida", "boston", "london", "berlin",
    "mustang", "harley", "yankees", "matrix", "zelda", "pokemon", "minecraft",
    "guitar", "marina", "gizmo", "bailey", "maggie", "buddy", "lucky", "honey",
    "admin", "spartan", "viking", "panther", "tiger", "eagle", "cheese",
    "hockey", "ginger", "sparky", "oakland", "nirvana", "metallica", "denver",
]
SYMS = "!@#%*?"
LEET = str.maketrans({"a": "@", "o": "0", "e": "3", "s": "$", "i": "1"})
SEASONS = ["Spring", "Summer", "Autumn", "Winter", "Fall"]


def human_pw(company: str | None = None) -> str:
    """A human-chosen (weak-ish) password."""
    w = R.choice(WORDS)
    k = R.randrange(10)
    if company and R.random() < 0.35:
        return company.capitalize() + str(R.randint(2015, 2024)) + R.choice("!#@")
    if k == 0:
        return w.capitalize() + str(R.randint(1, 99)) + R.choice(SYMS)
    if k == 1:
        return w + str(R.randint(1985, 2024))
    if k == 2:
        return w.capitalize() + R.choice("#@!") + str(R.randint(10, 99))
    if k == 3:
        return w + "".join(R.choice(DIG) for _ in range(R.randint(3, 4)))
    if k == 4:
        return w[0].upper() + w[1:].translate(LEET) + str(R.randint(1, 9)) + "!"
    if k == 5:
        return w.capitalize() + R.choice(WORDS).capitalize() + str(R.randint(1, 999))
    if k == 6:
        return R.choice(SEASONS) + str(R.randint(2016, 2024)) + R.choice("!#")
    if k == 7:
        return w + "_" + R.choice(WORDS) + str(R.randint(1, 99))
    if k == 8:
        return w.capitalize() + "@" + str(R.randint(100, 999))
    return w.upper()[:1] + w[1:] + str(R.randint(1, 9)) + w[:1] + R.choice(SYMS)


def shell_pw() -> str:
    """Human password without characters that need shell care."""
    return human_pw().replace("!", "").replace("?", "") + R.choice(["", "9", "7"])


def strong_pw(n: int | None = None) -> str:
    n = n or R.randint(14, 24)
    return rs(n, ALNUM + "-_!.*")


def url_pw() -> str:
    """Password as it would appear inside a URL (percent-encoded or simple)."""
    if R.random() < 0.5:
        return rs(R.randint(10, 20), ALNUM + "-_.")
    return quote(human_pw(), safe="")


def pw() -> str:
    return human_pw() if R.random() < 0.6 else strong_pw()


# --- provider shapes -------------------------------------------------------
def aws_id(prefix: str = "AKIA") -> str:
    return prefix + rs(16, UPPER + "234567")


def aws_secret() -> str:
    return rs(40, ALNUM + "/+")


def aws_session() -> str:
    return "IQoJb3JpZ2luX2VjE" + rs(340, ALNUM + "/+") + "=="


def ghp() -> str:
    return "ghp_" + rs(36)


def gho() -> str:
    return "gho_" + rs(36)


def github_pat() -> str:
    return "github_pat_11" + rs(20, UPPER + DIG) + "_" + rs(59)


def glpat() -> str:
    return "glpat-" + rs(20, URLC)


def slack_bot() -> str:
    return f"xoxb-{R.randint(10**10, 10**12)}-{R.randint(10**12, 10**13)}-{rs(24)}"


def slack_user() -> str:
    return (f"xoxp-{R.randint(10**10, 10**12)}-{R.randint(10**10, 10**12)}-"
            f"{R.randint(10**12, 10**13)}-{rs(32, HEXL)}")


def slack_hook() -> str:
    return (f"https://hooks.slack.com/services/T{rs(8, UPPER + DIG)}/"
            f"B{rs(10, UPPER + DIG)}/{rs(24)}")


def stripe_sk() -> str:
    if R.random() < 0.5:
        return "sk_live_" + rs(24)
    return "sk_live_51" + rs(97)


def stripe_rk() -> str:
    return "rk_live_51" + rs(97)


def stripe_pk() -> str:
    return "pk_live_51" + rs(97)


def stripe_whsec() -> str:
    return "whsec_" + rs(32)


def openai_key() -> str:
    if R.random() < 0.7:
        return "sk-proj-" + rs(74, URLC) + "T3BlbkFJ" + rs(74, URLC)
    return "sk-" + rs(20) + "T3BlbkFJ" + rs(20)


def anthropic_key() -> str:
    return "sk-ant-api03-" + rs(93, URLC) + "AA"


def hf_token() -> str:
    return "hf_" + rs(34, string.ascii_letters)


def sendgrid_key() -> str:
    return "SG." + rs(22, URLC) + "." + rs(43, URLC)


def twilio_ac() -> str:
    return "AC" + rs(32, HEXL)


def twilio_sk() -> str:
    return "SK" + rs(32, HEXL)


def hex32() -> str:
    return rs(32, HEXL)


def mailgun_key() -> str:
    return "key-" + rs(32, HEXL)


def google_key() -> str:
    return "AIzaSy" + rs(33, URLC)


def azure_key() -> str:
    return b64(rbytes(64))


def azure_conn(account: str) -> str:
    return (f"DefaultEndpointsProtocol=https;AccountName={account};"
            f"AccountKey={azure_key()};EndpointSuffix=core.windows.net")


def azure_client_secret() -> str:
    return rs(3, ALNUM) + "8Q~" + rs(34, ALNUM + "_-.~")


def discord_token() -> str:
    uid = str(R.randint(4 * 10**17, 12 * 10**17))
    return b64(uid.encode()).rstrip("=") + "." + rs(6, URLC) + "." + rs(38, URLC)


def telegram_token() -> str:
    return f"{R.randint(10**8 * 3, 7 * 10**9)}:AA{rs(33, URLC)}"


def sentry_dsn() -> str:
    return (f"https://{rs(32, HEXL)}@o{R.randint(100000, 4500000)}"
            f".ingest.sentry.io/{R.randint(1000000, 6000000)}")


def uuid4() -> str:
    return str(uuid.UUID(int=R.getrandbits(128), version=4))


def heroku_key() -> str:
    return "HRKU-AA" + rs(58, URLC)


def do_token() -> str:
    return "dop_v1_" + rs(64, HEXL)


def shopify_token() -> str:
    return "shpat_" + rs(32, HEXL)


def npm_token() -> str:
    return "npm_" + rs(36)


def pypi_token() -> str:
    return "pypi-AgEIcHlwaS5vcmc" + rs(R.randint(130, 170), URLC)


def dockerhub_token() -> str:
    return "dckr_pat_" + rs(27, URLC)


def jwt(payload: dict, alg: str = "HS256") -> str:
    h = b64url(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    p = b64url(json.dumps(payload, separators=(",", ":")).encode())
    sig = b64url(rbytes(32 if alg == "HS256" else 256))
    return f"{h}.{p}.{sig}"


def django_key() -> str:
    return rs(50, LOWER + DIG + "!@#%^*(-_=+)")


def rails_key() -> str:
    return rs(128, HEXL)


def laravel_key() -> str:
    return "base64:" + b64(rbytes(32))


def wp_salt() -> str:
    return rs(64, ALNUM + "!#%()*+,-.:;<=>?@[]^_`{|}~ ")


# --- hashes ----------------------------------------------------------------
def bcrypt(cost: int = 10, v: str | None = None) -> str:
    return f"$2{v or R.choice('aby')}${cost:02d}$" + rs(53, CRYPTC)


def sha512crypt() -> str:
    return "$6$" + rs(R.choice([8, 16]), CRYPTC) + "$" + rs(86, CRYPTC)


def sha256crypt() -> str:
    return "$5$" + rs(16, CRYPTC) + "$" + rs(43, CRYPTC)


def md5crypt() -> str:
    return "$1$" + rs(8, CRYPTC) + "$" + rs(22, CRYPTC)


def apr1() -> str:
    return "$apr1$" + rs(8, CRYPTC) + "$" + rs(22, CRYPTC)


def yescrypt() -> str:
    return "$y$j9T$" + rs(22, CRYPTC) + "$" + rs(43, CRYPTC)


def ldap_sha() -> str:
    return "{SHA}" + b64(rbytes(20))


def mysql_native() -> str:
    return "*" + rs(40, HEXU)


def md5hex() -> str:
    return rs(32, HEXL)


def sha1hex() -> str:
    return rs(40, HEXL)


def sha256hex() -> str:
    return rs(64, HEXL)


# --- key material ----------------------------------------------------------
def pem(label: str, body: bytes, headers: str = "") -> str:
    return (f"-----BEGIN {label}-----\n" + headers + wrap(b64(body), 64)
            + f"\n-----END {label}-----")


def rsa_key() -> str:
    return pem("RSA PRIVATE KEY",
               b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00" + rbytes(1180))


def rsa_key_encrypted() -> str:
    hdr = f"Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{rs(32, HEXU)}\n\n"
    return pem("RSA PRIVATE KEY", rbytes(1200), hdr)


def ec_key() -> str:
    return pem("EC PRIVATE KEY",
               b"\x30\x77\x02\x01\x01\x04\x20" + rbytes(32)
               + b"\xa0\x0a\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07\xa1\x44\x03\x42\x00\x04"
               + rbytes(64))


PKCS8_HDR = (b"\x30\x82\x04\xbe\x02\x01\x00\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d"
             b"\x01\x01\x01\x05\x00\x04\x82\x04\xa8\x30\x82\x04\xa4\x02\x01\x00\x02"
             b"\x82\x01\x01\x00")


def pkcs8_key() -> str:
    return pem("PRIVATE KEY", PKCS8_HDR + rbytes(1162))


def pkcs8_escaped() -> str:
    """PKCS#8 key as found in a GCP service-account JSON (literal \\n)."""
    return pkcs8_key().replace("\n", "\\n") + "\\n"


def openssh_key(kind: str = "ed25519") -> str:
    if kind == "ed25519":
        body = (b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00"
                b"\x00\x00\x00\x00\x00\x01\x00\x00\x00\x33\x00\x00\x00\x0bssh-ed25519"
                b"\x00\x00\x00\x20" + rbytes(340))
    else:
        body = (b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00"
                b"\x00\x00\x00\x00\x00\x01\x00\x00\x01\x97\x00\x00\x00\x07ssh-rsa"
                b"\x00\x00\x00\x03\x01\x00\x01\x00\x00\x01\x81\x00" + rbytes(2540))
    return ("-----BEGIN OPENSSH PRIVATE KEY-----\n" + wrap(b64(body), 70)
            + "\n-----END OPENSSH PRIVATE KEY-----")


def pgp_private() -> str:
    return ("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n"
            + wrap(b64(b"\x95\x03\xc6\x04" + rbytes(940)), 64)
            + "\n=" + rs(4, B64C) + "\n-----END PGP PRIVATE KEY BLOCK-----")


def cert_block() -> str:
    return pem("CERTIFICATE",
               b"\x30\x82\x03\x5d\x30\x82\x02\x45\xa0\x03\x02\x01\x02\x02\x14" + rbytes(846))


def pubkey_block() -> str:
    return pem("PUBLIC KEY",
               b"\x30\x82\x01\x22\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01"
               b"\x05\x00\x03\x82\x01\x0f\x00\x30\x82\x01\x0a\x02\x82\x01\x01\x00"
               + rbytes(256) + b"\x02\x03\x01\x00\x01")


def ssh_ed25519_pub(comment: str) -> str:
    return ("ssh-ed25519 " + b64(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + rbytes(32))
            + " " + comment)


def ssh_rsa_pub(comment: str) -> str:
    return ("ssh-rsa " + b64(b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x03\x01\x00\x01"
                             b"\x00\x00\x01\x81\x00" + rbytes(384)) + " " + comment)


def ppk_rsa(comment: str) -> tuple[str, str]:
    """Return (public part, private part) of a PuTTY v2 RSA key file."""
    pub = wrap(b64(b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x01\x25\x00\x00\x01\x01\x00"
                   + rbytes(256)), 64)
    priv = wrap(b64(b"\x00\x00\x01\x00" + rbytes(640)), 64)
    public = ("PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\n"
              f"Comment: {comment}\nPublic-Lines: {pub.count(chr(10)) + 1}\n{pub}")
    private = (f"Private-Lines: {priv.count(chr(10)) + 1}\n{priv}\n"
               f"Private-MAC: {rs(40, HEXL)}")
    return public, private


# --- tricky (non-secret) values -------------------------------------------
def gitsha() -> str:
    return rs(40, HEXL)


def digest() -> str:
    return "sha256:" + sha256hex()


def integrity() -> str:
    return "sha512-" + b64(rbytes(64))


def gosum_h1() -> str:
    return "h1:" + b64(rbytes(32))


def png_b64(n: int = 180) -> str:
    return b64(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rbytes(n))


def woff2_b64(n: int = 150) -> str:
    return b64(b"wOF2\x00\x01\x00\x00" + rbytes(n))


def color() -> str:
    return "#" + rs(6, HEXL)


def vault_blob() -> str:
    body = rs(R.choice([320, 400, 480]), HEXL)
    return "$ANSIBLE_VAULT;1.1;AES256\n" + wrap(body, 80)


# ---------------------------------------------------------------------------
# document model
# ---------------------------------------------------------------------------
SEC_RE = re.compile(r"^(\s*)§([a-z0-9]*)§(.*)$", re.S)
TRK_RE = re.compile(r"^(\s*)¤(.*)$", re.S)
VAL_RE = re.compile(r"⟦([a-zA-Z0-9_]+)⟧")


CODE_EXT = (".php", ".py", ".rb", ".js", ".ts", ".java", ".kt", ".cs", ".go", ".rs",
            ".sql", ".ipynb", ".tf")
DOC_EXT = (".yml", ".yaml", ".json", ".xml", ".config")


def pw_kind(path: str) -> str:
    """Classify a config password by the syntax of the file it sits in."""
    if path.endswith(CODE_EXT):
        return "pwcode"
    if path.endswith(DOC_EXT):
        return "pwdoc"
    return "pwkv"


class Doc:
    def __init__(self, case: str, path: str):
        self.case = case
        self.path = path
        self.lines: list[str] = []
        self.secrets: list[tuple[int, int, str]] = []
        self.tricky = 0
        self.tricky_lines: list[int] = []

    @property
    def key(self) -> str:
        return f"{self.case}/{self.path}"

    def tpl(self, text: str, **vals) -> "Doc":
        """Append a template block.

        Template syntax (markers are stripped from the output):
          ``§kind§`` at the start of a line (after indentation) opens a new
          secret range of that kind; ``§§`` extends the previous range.
          ``¤`` at the start of a line marks it as deliberately tricky.
          ``⟦name⟧`` is replaced by ``vals[name]``; a value containing newlines
          expands into several output lines, all belonging to the same range
          (or all counted as tricky).
        """
        if text.startswith("\n"):
            text = textwrap.dedent(text)[1:]
            if text.endswith("\n"):
                text = text[:-1]
        for raw in text.split("\n"):
            kind = None
            tricky = False
            m = SEC_RE.match(raw)
            if m:
                raw = m.group(1) + m.group(3)
                kind = m.group(2)
            else:
                m = TRK_RE.match(raw)
                if m:
                    raw = m.group(1) + m.group(2)
                    tricky = True

            def sub(mm):
                name = mm.group(1)
                if name not in vals:
                    raise KeyError(f"{self.key}: missing value {name}")
                return str(vals[name])

            expanded = VAL_RE.sub(sub, raw).split("\n")
            start = len(self.lines) + 1
            self.lines.extend(expanded)
            end = len(self.lines)
            if kind is not None:
                if kind == "":
                    s, _, k = self.secrets[-1]
                    self.secrets[-1] = (s, end, k)
                else:
                    if kind == "pwc":
                        kind = pw_kind(self.path)
                    if kind not in KINDS:
                        raise KeyError(f"{self.key}: unknown kind {kind}")
                    self.secrets.append((start, end, kind))
            elif tricky:
                self.tricky += end - start + 1
                self.tricky_lines.extend(range(start, end + 1))
        return self

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


GENERATORS: list[tuple[str, str, str, object]] = []


def gen(case: str, path: str, family: str):
    def deco(fn):
        GENERATORS.append((case, path, family, fn))
        return fn
    return deco


# === FILE GENERATORS =======================================================


# ---------------------------------------------------------------------------
# shell profiles, scripts, history
# ---------------------------------------------------------------------------
@gen("kwalsh-dotfiles", ".bashrc", "shell")
def _(d):
    d.tpl("""
    # ~/.bashrc: executed by bash(1) for non-login shells.
    # see /usr/share/doc/bash/examples/startup-files (in the package bash-doc)

    # If not running interactively, don't do anything
    case $- in
        *i*) ;;
          *) return;;
    esac

    HISTCONTROL=ignoreboth
    shopt -s histappend
    HISTSIZE=10000
    HISTFILESIZE=20000
    shopt -s checkwinsize

    if [ -x /usr/bin/dircolors ]; then
        test -r ~/.dircolors && eval "$(dircolors -b ~/.dircolors)" || eval "$(dircolors -b)"
        alias ls='ls --color=auto'
        alias grep='grep --color=auto'
    fi

    alias ll='ls -alF'
    alias la='ls -A'
    alias gs='git status -sb'
    alias gl='git log --oneline --graph --decorate -20'
    ¤alias genpw='openssl rand -base64 24'
    ¤export DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE=""

    export PATH="$HOME/.local/bin:$HOME/go/bin:$PATH"
    export EDITOR=vim
    ¤export GPG_KEY_ID=⟦gpgid⟧
    ¤export VAULT_TOKEN="$(cat ~/.vault-token 2>/dev/null)"

    # work stuff ---------------------------------------------------------
    export AWS_DEFAULT_REGION=eu-west-1
    §aws§export AWS_ACCESS_KEY_ID=⟦akid⟧
    §aws§export AWS_SECRET_ACCESS_KEY=⟦asec⟧
    ¤# export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    §vcs§export GITHUB_TOKEN=⟦ghp⟧
    §ai§export OPENAI_API_KEY="⟦oai⟧"
    ¤export PGPASSWORD="$(pass show acme/stage-db)"
    ¤export MYSQL_PWD="${MYSQL_PWD:-}"

    §pwcli§alias prodssh='sshpass -p "⟦sshpw⟧" ssh -o StrictHostKeyChecking=no deploy@10.0.4.12'
    ¤alias vpn='sudo openconnect --user=kwalsh --passwd-on-stdin vpn.corp.lan < ~/.config/vpn/pass'
    alias dcu='docker compose up -d'
    alias dcl='docker compose logs -f --tail=200'

    # prompt
    ¤PS1='\\[\\033[01;32m\\]\\u@\\h\\[\\033[00m\\]:\\[\\033[01;34m\\]\\w\\[\\033[00m\\]\\$ '

    if [ -f ~/.bash_aliases ]; then
        . ~/.bash_aliases
    fi

    export NVM_DIR="$HOME/.nvm"
    [ -s "$NVM_DIR/nvm.sh" ] && \\. "$NVM_DIR/nvm.sh"
    [ -s "$NVM_DIR/bash_completion" ] && \\. "$NVM_DIR/bash_completion"
    """, gpgid=rs(16, HEXU), akid=aws_id(), asec=aws_secret(), ghp=ghp(),
          oai=openai_key(), pg=shell_pw(), sshpw=shell_pw())


@gen("kwalsh-dotfiles", ".zshrc", "shell")
def _(d):
    d.tpl("""
    # If you come from bash you might have to change your $PATH.
    export PATH=$HOME/bin:/usr/local/bin:/opt/homebrew/bin:$PATH

    # Path to your oh-my-zsh installation.
    export ZSH="$HOME/.oh-my-zsh"

    ZSH_THEME="robbyrussell"
    plugins=(git docker kubectl aws terraform fzf)

    source $ZSH/oh-my-zsh.sh

    # User configuration
    export EDITOR='nvim'
    export LANG=en_US.UTF-8

    # ---- tokens -------------------------------------------------------------
    ¤# export OPENAI_API_KEY="sk-..."   (moved to 1password, see below)
    ¤export OPENAI_API_KEY="$(op read 'op://Private/OpenAI/credential')"
    §ai§export ANTHROPIC_API_KEY=⟦ant⟧
    §ai§export HUGGING_FACE_HUB_TOKEN="⟦hf⟧"
    ¤export NPM_TOKEN=$(cat ~/.config/npm/token 2>/dev/null)
    ¤export GITHUB_TOKEN=$(gh auth token)
    §vcs§export GITLAB_TOKEN='⟦glpat⟧'
    ¤export HOMEBREW_GITHUB_API_TOKEN=${GITHUB_TOKEN}
    §paas§export DIGITALOCEAN_ACCESS_TOKEN=⟦dop⟧
    export KUBECONFIG=~/.kube/config:~/.kube/staging.yaml

    alias k=kubectl
    alias tf=terraform
    alias python=python3
    ¤alias dbprod='psql "postgresql://analytics@db.internal:5432/warehouse?sslmode=require"'
    §conn§alias dbstage='psql postgresql://analytics:⟦pg⟧@stage-db.internal:5432/warehouse'
    ¤export GPG_TTY=$(tty)
    ¤export SSH_AUTH_SOCK="$HOME/.1password/agent.sock"

    # pyenv
    export PYENV_ROOT="$HOME/.pyenv"
    command -v pyenv >/dev/null || export PATH="$PYENV_ROOT/bin:$PATH"
    eval "$(pyenv init -)"

    # nvm
    export NVM_DIR="$HOME/.nvm"
    [ -s "/opt/homebrew/opt/nvm/nvm.sh" ] && \\. "/opt/homebrew/opt/nvm/nvm.sh"

    ¤# ssh key rotated 2023-06-14, fingerprint SHA256:⟦fp⟧
    ¤# work laptop asset tag 4400187236519, colour scheme ⟦col⟧
    [[ -f ~/.zshrc.local ]] && source ~/.zshrc.local
    """, ant=anthropic_key(), hf=hf_token(), npm=npm_token(), glpat=glpat(),
          dop=do_token(), pg=url_pw(), fp=b64(rbytes(32)).rstrip("="), col=color())


@gen("infra-scripts", "deploy.sh", "shell")
def _(d):
    d.tpl("""
    #!/usr/bin/env bash
    # deploy.sh - push a release of shopfront to the production web nodes
    # usage: ./deploy.sh [--skip-migrations]
    set -euo pipefail

    APP=shopfront
    RELEASE=$(date +%Y%m%d%H%M%S)
    ¤COMMIT=$(git rev-parse HEAD)   # last deployed: ⟦sha⟧
    HOSTS="web01.prod.lan web02.prod.lan web03.prod.lan"
    DEPLOY_USER=deploy
    ¤DEPLOY_PASS="${DEPLOY_PASS:-}"
    ¤DB_PASS="${DB_PASS:?DB_PASS must be set}"
    SKIP_MIGRATIONS=0
    [[ "${1:-}" == "--skip-migrations" ]] && SKIP_MIGRATIONS=1

    log() { echo "[$(date +%T)] $*"; }

    log "Building $APP ($RELEASE, $COMMIT)"
    npm ci --no-audit --no-fund
    npm run build
    tar czf /tmp/$APP-$RELEASE.tgz dist/ package.json
    ¤sha256sum /tmp/$APP-$RELEASE.tgz   # previous build: ⟦sha256⟧
    ¤ARTIFACT_SHA1=$(sha1sum /tmp/$APP-$RELEASE.tgz | cut -c1-40)

    for h in $HOSTS; do
        log "Uploading to $h"
    §pwcli§    sshpass -p '⟦p2⟧' scp -o StrictHostKeyChecking=no /tmp/$APP-$RELEASE.tgz $DEPLOY_USER@$h:/srv/releases/
    ¤    sshpass -p "$DEPLOY_PASS" ssh $DEPLOY_USER@$h "mkdir -p /srv/releases/$RELEASE && tar xzf /srv/releases/$APP-$RELEASE.tgz -C /srv/releases/$RELEASE"
        sshpass -e ssh $DEPLOY_USER@$h "ln -sfn /srv/releases/$RELEASE /srv/$APP/current && sudo systemctl reload $APP"
    done

    if [[ $SKIP_MIGRATIONS -eq 0 ]]; then
        log "Running migrations"
    §pwcli§    mysql -h db01.prod.lan -u root -p⟦p3⟧ shopfront < migrations/latest.sql
    ¤    mysql -h db01.prod.lan -u app -p"$DB_PASS" shopfront -e "SELECT COUNT(*) FROM orders"
    ¤    # mysql -h db01.prod.lan -u readonly -p shopfront   (prompts for the password)
    fi

    log "Kicking smoke tests"
    §pwcli§curl -fsS -u deploybot:⟦p4⟧ -X POST "https://jenkins.prod.lan/job/smoke-tests/buildWithParameters?RELEASE=$RELEASE"
    ¤curl -fsS -u "$NEXUS_USER:$NEXUS_PASS" --upload-file /tmp/$APP-$RELEASE.tgz https://nexus.prod.lan/repository/releases/
    §slack§curl -s -X POST -H 'Content-type: application/json' --data "{\\"text\\":\\"Deployed $APP $RELEASE\\"}" ⟦hook⟧

    rm -f /tmp/$APP-$RELEASE.tgz
    log "Done."
    """, sha=gitsha(), p1=shell_pw(), sha256=sha256hex(), p2=shell_pw(),
          p3=shell_pw(), p4=shell_pw(), hook=slack_hook())


@gen("infra-scripts", "bin/backup_db.sh", "shell")
def _(d):
    d.tpl("""
    #!/bin/bash
    # Nightly backup of postgres + mongo + redis, shipped to S3
    # cron: 15 2 * * * /opt/scripts/bin/backup_db.sh >> /var/log/backup.log 2>&1

    DATE=$(date +%F)
    BACKUP_DIR=/var/backups/db/$DATE
    mkdir -p "$BACKUP_DIR"

    echo "== postgres"
    §pwcli§export PGPASSWORD="⟦p1⟧"
    pg_dump -h 127.0.0.1 -U postgres -Fc appdb > "$BACKUP_DIR/appdb.dump"
    pg_dumpall -h 127.0.0.1 -U postgres --globals-only > "$BACKUP_DIR/globals.sql"
    ¤unset PGPASSWORD

    echo "== mongo"
    §conn§mongodump --uri="mongodb://backup:⟦p2⟧@mongo1.internal:27017,mongo2.internal:27017/?replicaSet=rs0&authSource=admin" --gzip --archive="$BACKUP_DIR/mongo.gz"

    echo "== redis"
    ¤redis-cli -h cache.internal -a "$REDIS_PASS" --no-auth-warning --rdb "$BACKUP_DIR/dump.rdb"

    echo "== upload"
    §aws§export AWS_ACCESS_KEY_ID=⟦akid⟧
    §aws§export AWS_SECRET_ACCESS_KEY=⟦asec⟧
    ¤# (the docs use AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE as the sample value)
    aws s3 sync "$BACKUP_DIR" "s3://acme-db-backups/$DATE/" --storage-class STANDARD_IA

    ¤# last verified archive: ⟦md5⟧  appdb.dump
    md5sum "$BACKUP_DIR"/* > "$BACKUP_DIR/MD5SUMS"
    find /var/backups/db -maxdepth 1 -type d -mtime +14 -exec rm -rf {} +
    echo "backup finished $(date)"
    """, p1=human_pw(), p2=url_pw(), p3=strong_pw(), akid=aws_id(), asec=aws_secret(),
          md5=md5hex())


@gen("infra-scripts", "cron/sync_reports.sh", "shell")
def _(d):
    d.tpl("""
    #!/bin/sh
    # Pull partner reports and push them to the finance share.
    # Maintainer: ops@northwind.lan
    set -e

    WORKDIR=/data/reports/incoming
    ARCHIVE=/data/reports/archive
    TODAY=$(date +%Y%m%d)

    mkdir -p "$WORKDIR" "$ARCHIVE"
    cd "$WORKDIR"

    # 1. partner FTP
    ¤lftp -u northwind,"$PARTNER_FTP_PASS" -e "mirror --only-newer /outbound .; bye" ftp.partner-logistics.net
    §conn§wget -q "ftp://reports:⟦p2⟧@ftp.carrier-xpress.com/daily/$TODAY.csv"
    ¤wget -q --user=reports --ask-password "ftp://ftp.carrier-xpress.com/weekly/"

    # 2. API export
    §token§curl -s -H "Authorization: Bearer ⟦bearer⟧" "https://api.salesportal.io/v1/exports?date=$TODAY" -o sales_$TODAY.json
    §b64§curl -s -H "Authorization: Basic ⟦basic⟧" https://erp.northwind.lan/api/invoices/export > invoices_$TODAY.xml
    ¤curl -s -H "Authorization: Bearer ${SALES_API_TOKEN}" "https://api.salesportal.io/v1/ping"

    # 3. finance share
    §pwcli§smbclient //fs01.northwind.lan/finance -U 'NORTHWIND\\svc_reports%⟦p3⟧' -c "cd incoming; prompt; mput *.csv"
    ¤smbclient //fs01.northwind.lan/public -N -c "ls"

    # 4. notify
    §msg§curl -s --user 'api:⟦mg⟧' https://api.mailgun.net/v3/mg.northwind.io/messages \\
        -F from='Reports <reports@mg.northwind.io>' \\
        -F to=finance@northwind.io \\
        -F subject="Reports $TODAY" \\
        -F text="Reports synced."

    mv -f "$WORKDIR"/* "$ARCHIVE"/ 2>/dev/null || true
    ¤echo "run id: ⟦uuid⟧"
    """, p1=shell_pw(), p2=url_pw(), bearer=rs(40, ALNUM),
          basic=b64(f"svc_export:{human_pw()}".encode()), p3=shell_pw(),
          mg=mailgun_key(), uuid=uuid4())


@gen("homedump-rpatel", ".bash_history", "shell")
def _(d):
    d.tpl("""
    ls -la
    cd /var/www/html
    sudo systemctl restart nginx
    sudo tail -f /var/log/nginx/error.log
    §pwcli§mysql -uroot -p⟦p1⟧
    ¤mysql -u root -p -e "show databases"
    git status
    git pull origin main
    ¤git checkout ⟦gsha⟧ -- config/
    ¤mysql -uroot -p"$(cat /root/.mysql_root)" -e "select user,host from mysql.user"
    ¤gpg --armor --export rpatel@acme-corp.io > rpatel.pub.asc
    §vcs§git clone https://rpatel:⟦ghp⟧@github.com/acme-corp/billing-service.git
    cd billing-service
    cp .env.example .env
    vim .env
    docker compose up -d
    §pwcli§docker login -u rpatel -p ⟦p2⟧ registry.acme-corp.io
    ¤docker login -u rpatel --password-stdin registry.acme-corp.io < ~/.registry_pass
    docker compose logs -f api
    sudo htpasswd -c /etc/nginx/.htpasswd admin
    ¤sudo htpasswd -B /etc/nginx/.htpasswd kibana
    §token§curl -H "Authorization: Bearer ⟦jwt⟧" "https://api.acme-corp.io/v2/invoices?limit=5"
    ¤curl -H "Authorization: Bearer $TOKEN" https://api.acme-corp.io/v2/invoices
    ¤passwd
    ¤sudo passwd deploy
    §pwcli§echo '⟦p4⟧' | sudo -S apt-get update
    §paas§export HEROKU_API_KEY=⟦hrku⟧
    heroku apps:info -a acme-billing-staging
    kubectl get pods -n billing
    ¤kubectl create secret generic db-creds -n billing --from-literal=username=billing --from-literal=password="$(openssl rand -base64 18)"
    ¤kubectl get secret db-creds -n billing -o jsonpath='{.data.password}' | base64 -d
    ¤openssl rand -hex 32
    ¤openssl rand -base64 24
    §b64§curl -H "Authorization: Basic ⟦basic⟧" https://grafana.acme-corp.io/api/dashboards/home
    ssh-keygen -t ed25519 -C "rpatel@acme-corp.io"
    ¤cat ~/.ssh/id_ed25519.pub
    ¤history | grep -i password
    exit
    """, p1=shell_pw(), ghp=ghp(), p2=shell_pw(), p3=shell_pw(),
          jwt=jwt({"sub": "svc-billing", "iss": "https://auth.acme-corp.io",
                   "exp": 1717171717, "scope": "invoices:read"}, "RS256"),
          p4=shell_pw(), hrku=heroku_key(), p5=shell_pw(), gsha=gitsha(),
          basic=b64(f"admin:{human_pw()}".encode()))


# ---------------------------------------------------------------------------
# home-directory credential files
# ---------------------------------------------------------------------------
@gen("homedump-bwhite", ".netrc", "home-config")
def _(d):
    hk = uuid4()
    d.tpl("""
    ¤# machine example.com login USERNAME password PASSWORD
    machine api.heroku.com
      login bwhite@fastmail.example
    §paas§  password ⟦hk⟧
    machine git.heroku.com
      login bwhite@fastmail.example
    §paas§  password ⟦hk⟧
    machine github.com
      login bwhite
    §vcs§  password ⟦gho⟧
    §pwc§machine ftp.webhost-eu.net login site4471 password ⟦p1⟧
    machine nexus.build.lan
      login jenkins
    §pwc§  password ⟦p2⟧
    ¤machine mirror.build.lan login anonymous password guest@
    machine urs.earthdata.nasa.gov
      login bwhite
    §pwc§  password ⟦p3⟧
    ¤default login anonymous password user@site
    macdef init
    binary
    prompt off

    """, hk=hk, gho=gho(), p1=human_pw(), p2=strong_pw(), p3=human_pw())


@gen("homedump-bwhite", ".npmrc", "home-config")
def _(d):
    user, p = "build", human_pw()
    d.tpl("""
    ; npm user config -- managed by hand, sorry
    registry=https://registry.npmjs.org/
    @acme:registry=https://npm.pkg.github.com/
    @fortawesome:registry=https://npm.fontawesome.com/
    §reg§//registry.npmjs.org/:_authToken=⟦npm⟧
    §vcs§//npm.pkg.github.com/:_authToken=⟦ghp⟧
    ¤//npm.fontawesome.com/:_authToken=${FONTAWESOME_NPM_AUTH_TOKEN}
    //nexus.build.lan/repository/npm-private/:username=build
    §b64§//nexus.build.lan/repository/npm-private/:_password=⟦b64pw⟧
    //nexus.build.lan/repository/npm-private/:email=build@acme.example
    //nexus.build.lan/repository/npm-private/:always-auth=true
    §b64§_auth=⟦auth⟧
    ¤; _authToken=<YOUR_NPM_TOKEN>
    ¤; //registry.example.com/:_password=BASE64_ENCODED_PASSWORD
    save-exact=true
    engine-strict=true
    fund=false
    audit-level=high
    ¤init-author-email=bwhite@fastmail.example
    ¤; integrity of last publish: ⟦integ⟧
    """, npm=npm_token(), ghp=ghp(), b64pw=b64(p.encode()),
          auth=b64(f"{user}:{human_pw()}".encode()), integ=integrity())


@gen("homedump-bwhite", ".pypirc", "home-config")
def _(d):
    d.tpl("""
    [distutils]
    index-servers =
        pypi
        testpypi
        internal

    [pypi]
    repository = https://upload.pypi.org/legacy/
    username = __token__
    §reg§password = ⟦pypi⟧

    [testpypi]
    repository = https://test.pypi.org/legacy/
    username = bwhite
    §pwc§password = ⟦p1⟧

    [internal]
    repository = https://devpi.build.lan/acme/prod/
    username = ci-upload
    ¤password = %(DEVPI_PASSWORD)s

    ¤# see https://packaging.python.org/en/latest/specifications/pypirc/ -- password = <your-token>
    """, pypi=pypi_token(), p1=human_pw())


@gen("homedump-bwhite", ".pgpass", "home-config")
def _(d):
    d.tpl("""
    # hostname:port:database:username:password
    # chmod 0600 ~/.pgpass or libpq ignores it
    # fields may be *, which matches anything; escape : and \ in values with a backslash
    #
    # local
    §pwc§localhost:5432:*:postgres:⟦p1⟧
    ¤localhost:5432:scratch:bwhite:
    # staging
    §pwc§stage-pg.internal:5432:orders:orders_app:⟦p2⟧
    §pwc§stage-pg.internal:5432:analytics:metabase:⟦p3⟧
    # prod (read only!)
    §pwc§10.20.0.15:6432:billing:billing_ro:⟦p5⟧
    ¤# *:*:*:replicator:<ask DBA team>
    # pgbouncer admin
    ¤# 10.20.0.15:6432:pgbouncer:pgbouncer:<see 1password "pgbouncer admin">
    """, p1=human_pw(), p2=strong_pw(), p3=human_pw(), p4=strong_pw(),
          p5=human_pw(), p6=strong_pw())


@gen("homedump-bwhite", ".git-credentials", "home-config")
def _(d):
    d.tpl("""
    §vcs§https://bwhite:⟦ghp⟧@github.com
    §vcs§https://oauth2:⟦glpat⟧@gitlab.com
    §conn§https://bwhite:⟦p1⟧@bitbucket.org
    §vcs§https://bwhite:⟦pat⟧@github.com/acme-corp/infra.git
    """, ghp=ghp(), glpat=glpat(), p1=url_pw(), pat=github_pat(), p2=url_pw(),
          glpat2=glpat())


@gen("homedump-bwhite", ".my.cnf", "home-config")
def _(d):
    d.tpl("""
    # ~/.my.cnf -- so I stop typing it
    [client]
    user=root
    §pwc§password="⟦p1⟧"
    host=localhost
    socket=/var/run/mysqld/mysqld.sock
    default-character-set=utf8mb4

    [mysql]
    prompt=\\u@\\h [\\d]>\\_
    no-auto-rehash
    pager=less -SFX

    [mysqldump]
    user=backup
    §pwc§password=⟦p2⟧
    single-transaction
    quick
    max_allowed_packet=512M

    [client_replica]
    host=10.20.0.31
    user=repl_monitor
    ¤password=

    ¤# validate_password.length=12  validate_password.policy=MEDIUM (server side)
    """, p1=human_pw(), p2=strong_pw())


@gen("homedump-ana", ".aws/credentials", "home-config")
def _(d):
    d.tpl("""
    [default]
    §aws§aws_access_key_id = ⟦k1⟧
    §aws§aws_secret_access_key = ⟦s1⟧

    [acme-prod]
    §aws§aws_access_key_id=⟦k2⟧
    §aws§aws_secret_access_key=⟦s2⟧
    region=us-east-1

    [acme-prod-mfa]
    §aws§aws_access_key_id = ⟦k3⟧
    §aws§aws_secret_access_key = ⟦s3⟧
    §aws§aws_session_token = ⟦st⟧

    [docs-sample]
    ¤aws_access_key_id = AKIAIOSFODNN7EXAMPLE
    ¤aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

    [localstack]
    ¤aws_access_key_id = test
    ¤aws_secret_access_key = test
    """, k1=aws_id(), s1=aws_secret(), k2=aws_id(), s2=aws_secret(),
          k3=aws_id("ASIA"), s3=aws_secret(), st=aws_session())


@gen("homedump-ana", ".aws/config", "home-config")
def _(d):
    d.tpl("""
    [default]
    region = eu-west-1
    output = json

    [profile acme-prod]
    region = us-east-1
    ¤role_arn = arn:aws:iam::⟦acct⟧:role/OrganizationAccountAccessRole
    source_profile = default
    ¤mfa_serial = arn:aws:iam::⟦acct2⟧:mfa/ana.costa

    [profile acme-sso]
    sso_session = acme
    ¤sso_account_id = ⟦acct⟧
    sso_role_name = PowerUserAccess
    region = eu-central-1

    [sso-session acme]
    ¤sso_start_url = https://d-⟦ssoid⟧.awsapps.com/start
    sso_region = eu-central-1
    sso_registration_scopes = sso:account:access

    [profile legacy]
    ¤credential_process = /usr/local/bin/aws-vault export --format=json legacy
    """, acct=R.randint(10**11, 10**12 - 1), acct2=R.randint(10**11, 10**12 - 1),
          ssoid=rs(10, LOWER + DIG))


@gen("homedump-ana", ".s3cfg", "home-config")
def _(d):
    d.tpl("""
    [default]
    §aws§access_key = ⟦k1⟧
    ¤access_token =
    add_encoding_exts =
    add_headers =
    bucket_location = EU
    ca_certs_file =
    cache_file =
    check_ssl_certificate = True
    check_ssl_hostname = True
    cloudfront_host = cloudfront.amazonaws.com
    default_mime_type = binary/octet-stream
    delay_updates = False
    delete_after = False
    delete_removed = False
    dry_run = False
    enable_multipart = True
    encrypt = False
    follow_symlinks = False
    force = False
    get_continue = False
    gpg_command = /usr/bin/gpg
    gpg_decrypt = %(gpg_command)s -d --verbose --no-use-agent --batch --yes --passphrase-fd %(passphrase_fd)s -o %(output_file)s %(input_file)s
    ¤gpg_encrypt = %(gpg_command)s -c --verbose --no-use-agent --batch --yes --passphrase-fd %(passphrase_fd)s -o %(output_file)s %(input_file)s
    §pwc§gpg_passphrase = ⟦gpgp⟧
    guess_mime_type = True
    host_base = s3.amazonaws.com
    host_bucket = %(bucket)s.s3.amazonaws.com
    human_readable_sizes = False
    list_md5 = False
    multipart_chunk_size_mb = 15
    preserve_attrs = True
    progress_meter = True
    proxy_host =
    proxy_port = 0
    recursive = False
    reduced_redundancy = False
    §aws§secret_key = ⟦s1⟧
    send_chunk = 65536
    signature_v2 = False
    socket_timeout = 300
    urlencoding_mode = normal
    use_https = True
    verbosity = WARNING
    """, k1=aws_id(), gpgp=human_pw(), s1=aws_secret())


@gen("homedump-ana", ".boto", "home-config")
def _(d):
    d.tpl("""
    # This file contains credentials and other configuration information needed
    # by the boto library, used by gsutil.

    [Credentials]
    # To add HMAC aws credentials for "s3://" URIs, edit and uncomment the
    # following two lines:
    ¤#aws_access_key_id = <your aws access key ID>
    ¤#aws_secret_access_key = <your aws secret access key>
    §token§gs_oauth2_refresh_token = 1//⟦rt⟧
    ¤# gs_service_key_file = <path to your service account .json file>

    [Boto]
    https_validate_certificates = True
    num_retries = 6

    [GSUtil]
    content_language = en
    ¤default_project_id = acme-analytics-⟦proj⟧
    parallel_composite_upload_threshold = 150M

    [OAuth2]
    ¤client_id = ⟦cid⟧.apps.googleusercontent.com
    """, k1=aws_id(), s1=aws_secret(), rt=rs(100, URLC), proj=R.randint(100000, 999999),
          cid=R.randint(10**11, 10**12))


@gen("homedump-ana", ".config/rclone/rclone.conf", "home-config")
def _(d):
    d.tpl("""
    [s3-backup]
    type = s3
    provider = AWS
    env_auth = true
    ¤access_key_id =
    ¤secret_access_key =
    region = eu-central-1
    acl = private
    storage_class = STANDARD_IA

    [gdrive]
    type = drive
    scope = drive
    §token§token = {"access_token":"ya29.⟦ya⟧","token_type":"Bearer","refresh_token":"1//⟦rt⟧","expiry":"2023-11-02T14:12:09.551274+01:00"}
    ¤root_folder_id = 1⟦folder⟧
    team_drive =

    [nas-sftp]
    type = sftp
    host = 192.168.1.20
    user = backup
    §b64§pass = ⟦ob1⟧
    ¤key_file = ~/.ssh/id_ed25519
    ¤md5sum_command = md5sum
    ¤sha1sum_command = sha1sum

    [crypt-vault]
    type = crypt
    remote = s3-backup:acme-vault
    filename_encryption = standard
    §b64§password = ⟦ob2⟧
    §b64§password2 = ⟦ob3⟧

    [webdav-nextcloud]
    type = webdav
    url = https://cloud.costa-family.example/remote.php/dav/files/ana/
    vendor = nextcloud
    user = ana
    ¤pass =
    """, k1=aws_id(), s1=aws_secret(), ya=rs(160, URLC), rt=rs(100, URLC),
          folder=rs(32, URLC), ob1=b64url(rbytes(R.randint(24, 40))),
          ob2=b64url(rbytes(R.randint(24, 40))), ob3=b64url(rbytes(R.randint(24, 40))))


@gen("homedump-ana", ".docker/config.json", "home-config")
def _(d):
    d.tpl("""
    {
    	"auths": {
    		"https://index.docker.io/v1/": {
    §b64§			"auth": "⟦a1⟧"
    		},
    		"ghcr.io": {
    §b64§			"auth": "⟦a2⟧"
    		},
    		"registry.gitlab.com": {},
    ¤		"⟦acct⟧.dkr.ecr.eu-west-1.amazonaws.com": {},
    		"harbor.internal.acme.example": {
    ¤			"auth": "",
    			"email": "ana.costa@acme.example"
    		},
    		"quay.io": {
    §b64§			"auth": "⟦a3⟧"
    		}
    	},
    ¤	"credsStore": "desktop",
    	"credHelpers": {
    ¤		"⟦acct⟧.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"
    	},
    	"HttpHeaders": {
    		"User-Agent": "Docker-Client/24.0.6 (linux)"
    	},
    	"currentContext": "desktop-linux",
    	"plugins": {
    		"-x-cli-hints": {
    			"enabled": "true"
    		}
    	}
    }
    """, a1=b64(f"anacosta:{dockerhub_token()}".encode()),
          a2=b64(f"anacosta:{ghp()}".encode()),
          a3=b64(f"acme+deployer:{rs(64, UPPER + DIG)}".encode()),
          acct=R.randint(10**11, 10**12 - 1))


# ---------------------------------------------------------------------------
# .env files and docker-compose
# ---------------------------------------------------------------------------
@gen("kitchenco-portal", ".env", "env")
def _(d):
    d.tpl("""
    APP_NAME=KitchenCo
    APP_ENV=production
    §signkey§APP_KEY=⟦lk⟧
    APP_DEBUG=false
    APP_URL=https://portal.kitchenco.example

    LOG_CHANNEL=stack
    LOG_DEPRECATIONS_CHANNEL=null
    LOG_LEVEL=debug

    DB_CONNECTION=mysql
    DB_HOST=127.0.0.1
    DB_PORT=3306
    DB_DATABASE=kitchenco
    DB_USERNAME=kitchenco
    §pwc§DB_PASSWORD=⟦p1⟧

    BROADCAST_DRIVER=pusher
    CACHE_DRIVER=redis
    FILESYSTEM_DISK=s3
    QUEUE_CONNECTION=redis
    SESSION_DRIVER=file
    SESSION_LIFETIME=120

    MEMCACHED_HOST=127.0.0.1

    REDIS_HOST=127.0.0.1
    ¤REDIS_PASSWORD=null
    REDIS_PORT=6379

    MAIL_MAILER=smtp
    MAIL_HOST=smtp.mailgun.org
    MAIL_PORT=587
    MAIL_USERNAME=postmaster@mg.kitchenco.example
    ¤MAIL_PASSWORD=null
    MAIL_ENCRYPTION=tls
    MAIL_FROM_ADDRESS="hello@kitchenco.example"
    ¤MAIL_FROM_NAME="${APP_NAME}"

    §aws§AWS_ACCESS_KEY_ID=⟦k⟧
    §aws§AWS_SECRET_ACCESS_KEY=⟦s⟧
    AWS_DEFAULT_REGION=eu-west-2
    AWS_BUCKET=kitchenco-uploads
    AWS_USE_PATH_STYLE_ENDPOINT=false

    ¤PUSHER_APP_ID=⟦pid⟧
    ¤PUSHER_APP_KEY=⟦pkey⟧
    §apisec§PUSHER_APP_SECRET=⟦psec⟧
    PUSHER_HOST=
    PUSHER_PORT=443
    PUSHER_SCHEME=https
    PUSHER_APP_CLUSTER=eu

    ¤VITE_PUSHER_APP_KEY="${PUSHER_APP_KEY}"
    VITE_PUSHER_CLUSTER="${PUSHER_APP_CLUSTER}"

    ¤HASH_DRIVER=bcrypt
    ¤BCRYPT_ROUNDS=12
    ¤STRIPE_KEY=⟦pk⟧
    §stripe§STRIPE_SECRET=⟦sk⟧
    §stripe§STRIPE_WEBHOOK_SECRET=⟦wh⟧
    §msg§MAILGUN_SECRET=⟦mg⟧
    MAILGUN_DOMAIN=mg.kitchenco.example
    """, lk=laravel_key(), p1=human_pw("kitchenco"), p2=strong_pw(), k=aws_id(),
          s=aws_secret(), pid=R.randint(1000000, 1999999), pkey=rs(20, HEXL),
          psec=rs(20, HEXL), pk=stripe_pk(), sk=stripe_sk(), wh=stripe_whsec(),
          mg=mailgun_key())


@gen("ideaboard-web", ".env.local", "env")
def _(d):
    ref = rs(20, LOWER)
    d.tpl("""
    # Created by Vercel CLI
    NEXT_PUBLIC_SITE_URL=http://localhost:3000

    # --- database (supabase) ---
    §conn§DATABASE_URL="postgresql://postgres:⟦p⟧@db.⟦ref⟧.supabase.co:5432/postgres"
    ¤DIRECT_URL="${DATABASE_URL}"
    NEXT_PUBLIC_SUPABASE_URL=https://⟦ref⟧.supabase.co
    ¤NEXT_PUBLIC_SUPABASE_ANON_KEY=⟦anon⟧
    §token§SUPABASE_SERVICE_ROLE_KEY=⟦srv⟧

    # --- auth ---
    NEXTAUTH_URL=http://localhost:3000
    ¤NEXTAUTH_SECRET= # generate with: openssl rand -base64 32
    ¤GITHUB_ID=Iv1.⟦ghid⟧
    §apisec§GITHUB_SECRET=⟦ghsec⟧

    # --- ai ---
    §ai§OPENAI_API_KEY=⟦oai⟧
    OPENAI_MODEL=gpt-4o-mini

    # --- monitoring / analytics ---
    §mon§SENTRY_DSN=⟦dsn⟧
    §mon§SENTRY_AUTH_TOKEN=⟦stok⟧
    ¤NEXT_PUBLIC_GA_ID=G-⟦ga⟧
    ¤NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=⟦pk⟧
    ¤NEXT_PUBLIC_POSTHOG_KEY=phc_⟦ph⟧
    ¤NEXT_PUBLIC_BRAND_COLOR=⟦col⟧
    """, p=url_pw(), ref=ref,
          anon=jwt({"iss": "supabase", "ref": ref, "role": "anon", "iat": 1699000000,
                    "exp": 2014576000}),
          srv=jwt({"iss": "supabase", "ref": ref, "role": "service_role",
                   "iat": 1699000000, "exp": 2014576000}),
          nas=b64(rbytes(32)), ghid=rs(16, HEXL), ghsec=rs(40, HEXL), oai=openai_key(),
          dsn=sentry_dsn(),
          stok="sntrys_" + b64url(json.dumps({"iat": 1700000000.1, "url": "https://sentry.io",
                                               "org": "ideaboard"}).encode()) + "_" + rs(43, B64C),
          ga=rs(10, UPPER + DIG), ph=rs(43, URLC), col=color(), pk=stripe_pk())


@gen("tasktracker-api", ".env.example", "env")
def _(d):
    d.tpl("""
    # Copy to .env and fill in real values. NEVER commit .env itself.
    APP_ENV=development
    APP_PORT=8080
    LOG_LEVEL=info

    # Database
    ¤DATABASE_URL=postgres://USER:PASSWORD@localhost:5432/tasktracker
    ¤REDIS_URL=redis://:<redis-password>@localhost:6379/0
    ¤DB_PASSWORD=

    # Secrets
    ¤JWT_SECRET=changeme
    ¤SESSION_SECRET=your_session_secret_here
    ¤ENCRYPTION_KEY=REDACTED

    # AWS (see docs/aws.md)
    ¤AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX
    ¤AWS_SECRET_ACCESS_KEY=<YOUR_SECRET_ACCESS_KEY>
    AWS_REGION=us-east-1

    # Third parties
    ¤STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx
    ¤SENDGRID_API_KEY=SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ¤SLACK_WEBHOOK_URL=https://hooks.slack.com/services/TXXXXXXXX/BXXXXXXXX/XXXXXXXXXXXXXXXXXXXXXXXX
    ¤GITHUB_TOKEN=
    ¤OPENAI_API_KEY=sk-...
    ¤SENTRY_DSN=https://<key>@o0.ingest.sentry.io/<project>

    # Mail
    SMTP_HOST=localhost
    SMTP_PORT=1025
    SMTP_USER=
    ¤SMTP_PASSWORD=********
    ¤ADMIN_PASSWORD=TODO
    ¤# password policy: min 12 chars, 1 digit, 1 symbol (PASSWORD_MIN_LENGTH=12)
    ¤PASSWORD_MIN_LENGTH=12
    """)


@gen("shop-stack", "docker-compose.yml", "containers")
def _(d):
    d.tpl("""
    version: "3.8"

    services:
      db:
    ¤    image: postgres:15.4-alpine@⟦dg1⟧
        restart: unless-stopped
        environment:
          POSTGRES_USER: shop
    §pwc§      POSTGRES_PASSWORD: ⟦p1⟧
          POSTGRES_DB: shop
        volumes:
          - pgdata:/var/lib/postgresql/data
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U shop"]
          interval: 10s
          retries: 5

      mysql:
        image: mysql:8.0
        environment:
    ¤      - MYSQL_ROOT_PASSWORD=${MYSQL_ROOT_PASSWORD:-}
          - MYSQL_DATABASE=legacy
          - MYSQL_USER=legacy
    §pwc§      - MYSQL_PASSWORD=⟦p3⟧
        command: --default-authentication-plugin=mysql_native_password

      rabbitmq:
        image: rabbitmq:3.12-management
        environment:
          RABBITMQ_DEFAULT_USER: shop
    ¤      RABBITMQ_DEFAULT_PASS: "${RABBITMQ_PASS:?set RABBITMQ_PASS}"

      redis:
        image: redis:7-alpine
    §pwc§    command: redis-server --appendonly yes --requirepass ⟦p5⟧
        healthcheck:
    ¤      test: ["CMD", "redis-cli", "-a", "$$REDIS_PASSWORD", "ping"]

      minio:
    ¤    image: quay.io/minio/minio@⟦dg2⟧
        command: server /data --console-address ":9001"
        environment:
          MINIO_ROOT_USER: shopstore
    ¤      MINIO_ROOT_PASSWORD_FILE: /run/secrets/minio_root_password

      api:
        build: ./api
        depends_on: [db, rabbitmq, redis]
        environment:
    §conn§      DATABASE_URL: postgres://shop:⟦u1⟧@db:5432/shop
    §conn§      AMQP_URL: amqp://shop:⟦u2⟧@rabbitmq:5672/
    ¤      REDIS_URL: redis://redis:6379/0
    §stripe§      STRIPE_SECRET_KEY: ⟦sk⟧
    ¤      JWT_SECRET: ${JWT_SECRET}
    ¤      SENDGRID_API_KEY: ${SENDGRID_API_KEY:?missing}
        ports:
          - "8080:8080"

      adminer:
        image: adminer
        ports: ["8081:8080"]

    volumes:
      pgdata:
    """, dg1=digest(), p1=strong_pw(), p2=human_pw(), p3=strong_pw(), p4=human_pw(),
          p5=strong_pw(), dg2=digest(), p6=strong_pw(), u1=url_pw(), u2=url_pw(),
          sk=stripe_sk())


@gen("team-wiki", "docker-compose.yml", "containers")
def _(d):
    d.tpl("""
    services:
      wordpress:
        image: wordpress:6.4-php8.2-apache
        restart: always
        ports:
          - 8080:80
        environment:
          WORDPRESS_DB_HOST: mariadb
          WORDPRESS_DB_USER: wp
    §pwc§      WORDPRESS_DB_PASSWORD: '⟦p1⟧'
          WORDPRESS_DB_NAME: wp
        volumes:
          - wp_data:/var/www/html

      mariadb:
        image: mariadb:11
        env_file: .env.mariadb
        environment:
    ¤      MARIADB_ROOT_PASSWORD: ${MARIADB_ROOT_PASSWORD}
    ¤      MARIADB_PASSWORD_FILE: /run/secrets/db_password
        secrets:
          - db_password

      gitea:
        image: gitea/gitea:1.21
        environment:
          - USER_UID=1000
          - GITEA__database__DB_TYPE=mysql
          - GITEA__database__HOST=mariadb:3306
          - GITEA__database__USER=gitea
    §pwc§      - GITEA__database__PASSWD=⟦p2⟧
    §signkey§      - GITEA__security__SECRET_KEY=⟦gsk⟧
    ¤      - GITEA__security__INTERNAL_TOKEN=${GITEA_INTERNAL_TOKEN}

      grafana:
        image: grafana/grafana-oss:10.2.2
        environment:
          GF_SECURITY_ADMIN_USER: admin
    ¤      GF_SECURITY_ADMIN_PASSWORD__FILE: /run/secrets/grafana_admin_password
    ¤      GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: "{{ vault \\"secret/grafana/oauth\\" }}"
          GF_USERS_ALLOW_SIGN_UP: "false"

      keycloak:
        image: quay.io/keycloak/keycloak:23.0
        command: start-dev
        environment:
          KEYCLOAK_ADMIN: admin
    ¤      KEYCLOAK_ADMIN_PASSWORD: ${KC_ADMIN_PASSWORD}
          KC_DB: postgres
    §conn§      KC_DB_URL: jdbc:postgresql://kcdb:5432/keycloak?user=keycloak&password=⟦u1⟧

    secrets:
      db_password:
        file: ./secrets/db_password.txt

    volumes:
      wp_data: {}
    """, p1=human_pw(), p2=strong_pw(), gsk=rs(64, ALNUM), p3=human_pw(), p4=human_pw(),
          u1=rs(16, ALNUM))


# ---------------------------------------------------------------------------
# PHP
# ---------------------------------------------------------------------------
@gen("bakery-blog", "wp-config.php", "php")
def _(d):
    d.tpl("""
    <?php
    /**
     * The base configuration for WordPress
     *
     * @link https://wordpress.org/documentation/article/editing-wp-config-php/
     *
     * @package WordPress
     */

    // ** Database settings - You can get this info from your web host ** //
    /** The name of the database for WordPress */
    define( 'DB_NAME', 'bakery_wp' );

    /** Database username */
    define( 'DB_USER', 'bakery_wp' );

    /** Database password */
    §pwc§define( 'DB_PASSWORD', '⟦p1⟧' );

    /** Database hostname */
    define( 'DB_HOST', 'localhost' );

    /** Database charset to use in creating database tables. */
    define( 'DB_CHARSET', 'utf8mb4' );

    /** The database collate type. Don't change this if in doubt. */
    define( 'DB_COLLATE', '' );

    /**#@+
     * Authentication unique keys and salts.
     *
     * Change these to different unique phrases! You can generate these using
     * the {@link https://api.wordpress.org/secret-key/1.1/salt/ WordPress.org secret-key service}.
     */
    §signkey§define( 'AUTH_KEY',         '⟦s1⟧' );
    §signkey§define( 'SECURE_AUTH_KEY',  '⟦s2⟧' );
    §signkey§define( 'LOGGED_IN_KEY',    '⟦s3⟧' );
    §signkey§define( 'NONCE_KEY',        '⟦s4⟧' );
    §signkey§define( 'AUTH_SALT',        '⟦s5⟧' );
    §signkey§define( 'SECURE_AUTH_SALT', '⟦s6⟧' );
    §signkey§define( 'LOGGED_IN_SALT',   '⟦s7⟧' );
    §signkey§define( 'NONCE_SALT',       '⟦s8⟧' );
    ¤define( 'WP_CACHE_KEY_SALT', 'bakery-blog.example:' );

    /**#@-*/

    /** FTP for plugin updates (host does not allow direct) */
    define( 'FS_METHOD', 'ftpext' );
    define( 'FTP_USER', 'bakeryftp' );
    §pwc§define( 'FTP_PASS', '⟦p2⟧' );
    define( 'FTP_HOST', 'ftp.bakery-blog.example' );

    $table_prefix = 'wp_';

    define( 'WP_DEBUG', false );

    /* That's all, stop editing! Happy publishing. */

    /** Absolute path to the WordPress directory. */
    if ( ! defined( 'ABSPATH' ) ) {
    	define( 'ABSPATH', __DIR__ . '/' );
    }

    /** Sets up WordPress vars and included files. */
    require_once ABSPATH . 'wp-settings.php';
    """, p1=human_pw(), s1=wp_salt(), s2=wp_salt(), s3=wp_salt(), s4=wp_salt(),
          s5=wp_salt(), s6=wp_salt(), s7=wp_salt(), s8=wp_salt(), p2=human_pw())


@gen("bakery-blog", "wp-config-sample.php", "php")
def _(d):
    d.tpl("""
    <?php
    /**
     * The base configuration for WordPress
     *
     * The wp-config.php creation script uses this file during the installation.
     * You don't have to use the website, you can copy this file to "wp-config.php"
     * and fill in the values.
     *
     * @package WordPress
     */

    // ** Database settings - You can get this info from your web host ** //
    /** The name of the database for WordPress */
    define( 'DB_NAME', 'database_name_here' );

    /** Database username */
    define( 'DB_USER', 'username_here' );

    /** Database password */
    ¤define( 'DB_PASSWORD', 'password_here' );

    /** Database hostname */
    define( 'DB_HOST', 'localhost' );

    /** Database charset to use in creating database tables. */
    define( 'DB_CHARSET', 'utf8' );

    /** The database collate type. Don't change this if in doubt. */
    define( 'DB_COLLATE', '' );

    /**#@+
     * Authentication unique keys and salts.
     *
     * You can change these at any point in time to invalidate all existing cookies.
     * This will force all users to have to log in again.
     *
     * @since 2.6.0
     */
    ¤define( 'AUTH_KEY',         'put your unique phrase here' );
    ¤define( 'SECURE_AUTH_KEY',  'put your unique phrase here' );
    ¤define( 'LOGGED_IN_KEY',    'put your unique phrase here' );
    ¤define( 'NONCE_KEY',        'put your unique phrase here' );
    ¤define( 'AUTH_SALT',        'put your unique phrase here' );
    ¤define( 'SECURE_AUTH_SALT', 'put your unique phrase here' );
    ¤define( 'LOGGED_IN_SALT',   'put your unique phrase here' );
    ¤define( 'NONCE_SALT',       'put your unique phrase here' );

    /**#@-*/

    $table_prefix = 'wp_';

    define( 'WP_DEBUG', false );

    /* Add any custom values between this line and the "stop editing" line. */

    /* That's all, stop editing! Happy publishing. */

    if ( ! defined( 'ABSPATH' ) ) {
    	define( 'ABSPATH', __DIR__ . '/' );
    }

    require_once ABSPATH . 'wp-settings.php';
    """)


@gen("lamp-box", "var/www/phpmyadmin/config.inc.php", "php")
def _(d):
    d.tpl("""
    <?php
    /**
     * phpMyAdmin sample configuration, you can use it as base for
     * manual configuration. For easier setup you can use setup/
     *
     * All directives are explained in documentation in the doc/ folder
     * or at <https://docs.phpmyadmin.net/>.
     */

    declare(strict_types=1);

    /**
     * This is needed for cookie based authentication to encrypt the cookie.
     * Needs to be a 32-bytes long string of random bytes. See FAQ 2.10.
     */
    §signkey§$cfg['blowfish_secret'] = '⟦bf⟧'; /* YOU MUST FILL IN THIS FOR COOKIE AUTH! */

    /**
     * Servers configuration
     */
    $i = 0;

    /* Local server, config auth so the office can use it without login */
    $i++;
    $cfg['Servers'][$i]['auth_type'] = 'config';
    $cfg['Servers'][$i]['host'] = 'localhost';
    $cfg['Servers'][$i]['user'] = 'root';
    §pwc§$cfg['Servers'][$i]['password'] = '⟦p1⟧';
    $cfg['Servers'][$i]['compress'] = false;
    ¤$cfg['Servers'][$i]['AllowNoPassword'] = false;

    /* Reporting replica */
    $i++;
    $cfg['Servers'][$i]['auth_type'] = 'cookie';
    $cfg['Servers'][$i]['host'] = '10.0.8.21';
    ¤$cfg['Servers'][$i]['password'] = '';

    /**
     * phpMyAdmin configuration storage settings.
     */
    $cfg['Servers'][$i]['controlhost'] = '';
    $cfg['Servers'][$i]['controlport'] = '';
    $cfg['Servers'][$i]['controluser'] = 'pma';
    §pwc§$cfg['Servers'][$i]['controlpass'] = '⟦p2⟧';
    ¤// $cfg['Servers'][$i]['controlpass'] = 'pmapass';
    $cfg['Servers'][$i]['pmadb'] = 'phpmyadmin';
    $cfg['Servers'][$i]['bookmarktable'] = 'pma__bookmark';
    $cfg['Servers'][$i]['relation'] = 'pma__relation';
    $cfg['Servers'][$i]['table_info'] = 'pma__table_info';

    /**
     * Directories for saving/loading files from server
     */
    $cfg['UploadDir'] = '';
    $cfg['SaveDir'] = '';
    $cfg['DefaultLang'] = 'en';
    $cfg['ThemeDefault'] = 'pmahomme';
    """, bf=rs(32, ALNUM + "+/=-_"), p1=human_pw(), p2=strong_pw())


@gen("kitchenco-portal", "config/database.php", "php")
def _(d):
    d.tpl("""
    <?php

    use Illuminate\\Support\\Str;

    return [

        'default' => env('DB_CONNECTION', 'mysql'),

        'connections' => [

            'sqlite' => [
                'driver' => 'sqlite',
                'url' => env('DATABASE_URL'),
                'database' => env('DB_DATABASE', database_path('database.sqlite')),
                'prefix' => '',
                'foreign_key_constraints' => env('DB_FOREIGN_KEYS', true),
            ],

            'mysql' => [
                'driver' => 'mysql',
                'url' => env('DATABASE_URL'),
                'host' => env('DB_HOST', '127.0.0.1'),
                'port' => env('DB_PORT', '3306'),
                'database' => env('DB_DATABASE', 'kitchenco'),
                'username' => env('DB_USERNAME', 'kitchenco'),
    §pwc§            'password' => env('DB_PASSWORD', '⟦p1⟧'),
                'unix_socket' => env('DB_SOCKET', ''),
                'charset' => 'utf8mb4',
                'collation' => 'utf8mb4_unicode_ci',
                'prefix' => '',
                'strict' => true,
                'engine' => null,
            ],

            'pgsql' => [
                'driver' => 'pgsql',
                'host' => env('DB_HOST', '127.0.0.1'),
                'port' => env('DB_PORT', '5432'),
                'database' => env('DB_DATABASE', 'forge'),
                'username' => env('DB_USERNAME', 'forge'),
    ¤            'password' => env('DB_PASSWORD', ''),
                'charset' => 'utf8',
                'prefix' => '',
                'search_path' => 'public',
                'sslmode' => 'prefer',
            ],

            'legacy_erp' => [
                'driver' => 'sqlsrv',
                'host' => '192.168.10.40',
                'port' => '1433',
                'database' => 'ERP_PROD',
                'username' => 'web_reader',
    §pwc§            'password' => '⟦p2⟧',
                'charset' => 'utf8',
                'prefix' => '',
            ],
        ],

        'migrations' => 'migrations',

        'redis' => [

            'client' => env('REDIS_CLIENT', 'phpredis'),

            'default' => [
                'url' => env('REDIS_URL'),
                'host' => env('REDIS_HOST', '127.0.0.1'),
                'username' => env('REDIS_USERNAME'),
    ¤            'password' => env('REDIS_PASSWORD'),
                'port' => env('REDIS_PORT', '6379'),
                'database' => env('REDIS_DB', '0'),
            ],
        ],
    ];
    """, p1=human_pw("kitchenco"), p2=human_pw())


@gen("ci-shop", "application/config/database.php", "php")
def _(d):
    d.tpl("""
    <?php
    defined('BASEPATH') OR exit('No direct script access allowed');

    /*
    | -------------------------------------------------------------------
    | DATABASE CONNECTIVITY SETTINGS
    | -------------------------------------------------------------------
    | This file will contain the settings needed to access your database.
    |
    |	['dsn']      The full DSN string describe a connection to the database.
    |	['hostname'] The hostname of your database server.
    |	['username'] The username used to connect to the database
    ¤|	['password'] The password used to connect to the database
    |	['database'] The name of the database you want to connect to
    |	['dbdriver'] The database driver. e.g.: mysqli.
    */
    $active_group = 'default';
    $query_builder = TRUE;

    $db['default'] = array(
    	'dsn'	=> '',
    	'hostname' => 'localhost',
    	'username' => 'ci_shop',
    §pwc§	'password' => '⟦p1⟧',
    	'database' => 'ci_shop',
    	'dbdriver' => 'mysqli',
    	'dbprefix' => '',
    	'pconnect' => FALSE,
    	'db_debug' => (ENVIRONMENT !== 'production'),
    	'cache_on' => FALSE,
    	'cachedir' => '',
    	'char_set' => 'utf8',
    	'dbcollat' => 'utf8_general_ci',
    	'swap_pre' => '',
    	'encrypt' => FALSE,
    	'compress' => FALSE,
    	'stricton' => FALSE,
    	'failover' => array(),
    	'save_queries' => TRUE
    );

    $db['reporting'] = array(
    	'dsn'	=> 'mysql:host=10.1.1.5;dbname=reports',
    	'username' => 'report',
    §pwc§	'password' => "⟦p2⟧",
    	'database' => 'reports',
    	'dbdriver' => 'pdo',
    	'db_debug' => FALSE,
    	'char_set' => 'utf8',
    	'dbcollat' => 'utf8_general_ci'
    );

    $db['test'] = array(
    	'hostname' => 'localhost',
    	'username' => 'root',
    ¤	'password' => '',
    	'database' => 'ci_shop_test',
    	'dbdriver' => 'mysqli'
    );
    """, p1=human_pw(), p2=strong_pw())


@gen("ci-shop", "includes/db.php", "php")
def _(d):
    d.tpl("""
    <?php
    // db.php - legacy connection helpers, included from every page
    // TODO: move creds to .env (ticket SHOP-212)

    §pwcode§$conn = mysqli_connect("localhost", "root", "⟦p1⟧", "shop_db");
    if (!$conn) {
        die("Connection failed: " . mysqli_connect_error());
    }
    mysqli_set_charset($conn, "utf8");

    function get_pdo()
    {
        static $pdo = null;
        if ($pdo === null) {
            $dsn = 'mysql:host=db.internal;dbname=shop_db;charset=utf8mb4';
    §pwcode§        $pdo = new PDO($dsn, 'shop_rw', '⟦p2⟧', [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        }
        return $pdo;
    }

    function check_login($user, $password)
    {
        $stmt = get_pdo()->prepare('SELECT id, password_hash FROM users WHERE email = ?');
        $stmt->execute([$user]);
        $row = $stmt->fetch();
    ¤    if ($row && password_verify($password, $row['password_hash'])) {
            return (int) $row['id'];
        }
        return false;
    }

    function register_user($email, $password)
    {
    ¤    $hash = password_hash($password, PASSWORD_DEFAULT);
        $stmt = get_pdo()->prepare('INSERT INTO users (email, password_hash) VALUES (?, ?)');
        return $stmt->execute([$email, $hash]);
    }

    // mail
    define('SMTP_HOST', 'smtp.sendgrid.net');
    define('SMTP_USER', 'apikey');
    §msg§define('SMTP_PASS', '⟦sg⟧');
    ¤define('SMTP_FROM', getenv('SMTP_FROM') ?: 'noreply@shop.example');

    // payments
    §stripe§$stripe_secret = "⟦sk⟧";
    ¤$stripe_public  = "⟦pk⟧";
    """, p1=human_pw(), p2=strong_pw(), sg=sendgrid_key(), sk=stripe_sk(), pk=stripe_pk())


# ---------------------------------------------------------------------------
# Python web frameworks
# ---------------------------------------------------------------------------
def gmail_app_pw() -> str:
    return " ".join(rs(4, LOWER) for _ in range(4))


def recaptcha() -> str:
    return "6L" + rs(38, URLC)


@gen("inventory-django", "inventory/settings.py", "python-config")
def _(d):
    d.tpl("""
    \"\"\"
    Django settings for inventory project.

    Generated by 'django-admin startproject' using Django 4.2.7.

    For more information on this file, see
    https://docs.djangoproject.com/en/4.2/topics/settings/
    \"\"\"
    import os
    from pathlib import Path

    # Build paths inside the project like this: BASE_DIR / 'subdir'.
    BASE_DIR = Path(__file__).resolve().parent.parent

    ¤# Local dev key below; production reads DJANGO_SECRET_KEY from the environment.
    # SECURITY WARNING: keep the secret key used in production secret!
    §signkey§SECRET_KEY = 'django-insecure-⟦dk⟧'

    # SECURITY WARNING: don't run with debug turned on in production!
    DEBUG = True

    ALLOWED_HOSTS = ['inventory.example.org', 'localhost', '127.0.0.1']

    INSTALLED_APPS = [
        'django.contrib.admin',
        'django.contrib.auth',
        'django.contrib.contenttypes',
        'django.contrib.sessions',
        'django.contrib.messages',
        'django.contrib.staticfiles',
        'rest_framework',
        'storages',
        'stock',
    ]

    MIDDLEWARE = [
        'django.middleware.security.SecurityMiddleware',
        'django.contrib.sessions.middleware.SessionMiddleware',
        'django.middleware.common.CommonMiddleware',
        'django.middleware.csrf.CsrfViewMiddleware',
        'django.contrib.auth.middleware.AuthenticationMiddleware',
        'django.contrib.messages.middleware.MessageMiddleware',
    ]

    ROOT_URLCONF = 'inventory.urls'
    WSGI_APPLICATION = 'inventory.wsgi.application'

    DATABASES = {
        'default': {
            'ENGINE': 'django.db.backends.postgresql',
            'NAME': 'inventory',
            'USER': 'inventory',
    §pwc§        'PASSWORD': '⟦p1⟧',
            'HOST': 'localhost',
            'PORT': '5432',
        },
        'warehouse': {
            'ENGINE': 'django.db.backends.mysql',
            'NAME': 'wh',
            'USER': 'wh_reader',
    ¤        'PASSWORD': os.environ.get('WAREHOUSE_DB_PASSWORD', ''),
            'HOST': 'wh-db.internal',
        },
    }

    AUTH_PASSWORD_VALIDATORS = [
        {
    ¤        'NAME': 'django.contrib.auth.password_validation.UserAttributeSimilarityValidator',
        },
        {
    ¤        'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator',
    ¤        'OPTIONS': {'min_length': 10},
        },
        {
    ¤        'NAME': 'django.contrib.auth.password_validation.CommonPasswordValidator',
        },
    ]

    PASSWORD_HASHERS = [
    ¤    'django.contrib.auth.hashers.Argon2PasswordHasher',
    ¤    'django.contrib.auth.hashers.PBKDF2PasswordHasher',
    ]

    LANGUAGE_CODE = 'en-us'
    TIME_ZONE = 'Europe/Amsterdam'
    USE_I18N = True
    USE_TZ = True

    STATIC_URL = 'static/'
    DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'

    # e-mail
    EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'
    EMAIL_HOST = 'smtp.gmail.com'
    EMAIL_PORT = 587
    EMAIL_USE_TLS = True
    EMAIL_HOST_USER = 'inventory.notifications@gmail.com'
    §pwc§EMAIL_HOST_PASSWORD = '⟦gm⟧'

    # media on S3
    DEFAULT_FILE_STORAGE = 'storages.backends.s3boto3.S3Boto3Storage'
    AWS_STORAGE_BUCKET_NAME = 'inventory-media-prod'
    ¤AWS_ACCESS_KEY_ID = os.environ.get('AWS_ACCESS_KEY_ID')
    ¤AWS_SECRET_ACCESS_KEY = os.environ.get('AWS_SECRET_ACCESS_KEY')
    AWS_S3_REGION_NAME = 'eu-central-1'

    §conn§CELERY_BROKER_URL = 'redis://:⟦rp⟧@redis.internal:6379/1'
    ¤CELERY_RESULT_BACKEND = os.environ.get('CELERY_RESULT_BACKEND', 'redis://localhost:6379/2')

    ¤SESSION_COOKIE_AGE = 1209600
    ¤PASSWORD_RESET_TIMEOUT = 259200
    """, dk=django_key()[:50], p1=human_pw(), gm=gmail_app_pw(), k=aws_id(), s=aws_secret(),
          rp=url_pw())


@gen("flask-blog", "config.py", "python-config")
def _(d):
    d.tpl("""
    import os

    basedir = os.path.abspath(os.path.dirname(__file__))


    class Config:
    §signkey§    SECRET_KEY = os.environ.get('SECRET_KEY') or '⟦sk⟧'
        SQLALCHEMY_TRACK_MODIFICATIONS = False
        MAIL_SERVER = os.environ.get('MAIL_SERVER', 'smtp.googlemail.com')
        MAIL_PORT = int(os.environ.get('MAIL_PORT', '587'))
        MAIL_USE_TLS = os.environ.get('MAIL_USE_TLS', 'true').lower() in ['true', 'on', '1']
    ¤    MAIL_USERNAME = os.environ.get('MAIL_USERNAME')
    ¤    MAIL_PASSWORD = os.environ.get('MAIL_PASSWORD')
        BLOG_ADMIN = os.environ.get('BLOG_ADMIN')
        POSTS_PER_PAGE = 20
    ¤    RECAPTCHA_PUBLIC_KEY = '⟦rpub⟧'

        @staticmethod
        def init_app(app):
            pass


    class DevelopmentConfig(Config):
        DEBUG = True
    §conn§    SQLALCHEMY_DATABASE_URI = 'mysql+pymysql://flask:⟦u1⟧@localhost/blog_dev'


    class TestingConfig(Config):
        TESTING = True
    ¤    SQLALCHEMY_DATABASE_URI = 'sqlite://'
    ¤    SECRET_KEY = 'dummy-testing-secret-key'
        WTF_CSRF_ENABLED = False


    class ProductionConfig(Config):
    §conn§    SQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL') or 'postgresql://blog:⟦u2⟧@10.0.0.12/blog'
    ¤    MAIL_PASSWORD = os.environ['MAIL_PASSWORD']
    §apisec§    RECAPTCHA_PRIVATE_KEY = '⟦rpriv⟧'

        @classmethod
        def init_app(cls, app):
            Config.init_app(app)
            import logging
            from logging.handlers import SMTPHandler
            credentials = None
            if getattr(cls, 'MAIL_USERNAME', None) is not None:
    ¤            credentials = (cls.MAIL_USERNAME, cls.MAIL_PASSWORD)
            mail_handler = SMTPHandler(
                mailhost=(cls.MAIL_SERVER, cls.MAIL_PORT),
                fromaddr='blog@example.org',
                toaddrs=[cls.BLOG_ADMIN],
                subject='Application Error',
                credentials=credentials,
                secure=())
            mail_handler.setLevel(logging.ERROR)
            app.logger.addHandler(mail_handler)


    config = {
        'development': DevelopmentConfig,
        'testing': TestingConfig,
        'production': ProductionConfig,
        'default': DevelopmentConfig,
    }
    """, sk=rs(32, HEXL), rpub=recaptcha(), u1=url_pw(), u2=url_pw(), p1=human_pw(),
          rpriv=recaptcha())


# ---------------------------------------------------------------------------
# Rails
# ---------------------------------------------------------------------------
@gen("storefront-rails", "config/database.yml", "ruby-config")
def _(d):
    d.tpl("""
    # MySQL. Versions 5.5.8 and up are supported.
    #
    # Install the MySQL driver
    #   gem install mysql2
    #
    # And be sure to use new-style password hashing:
    #   https://dev.mysql.com/doc/refman/5.7/en/password-hashing.html
    #
    default: &default
      adapter: mysql2
      encoding: utf8mb4
      pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
      username: root
    ¤  password:
      socket: /tmp/mysql.sock

    development:
      <<: *default
      database: storefront_development
    §pwc§  password: ⟦p1⟧

    test:
      <<: *default
      database: storefront_test

    # As with config/credentials.yml, you never want to store sensitive information,
    # like your database password, in your source code. If your source code is
    # ever seen by anyone, they now have access to your database.
    #
    # Instead, provide the password or a full connection URL as an environment
    # variable when you boot the app. For example:
    #
    ¤#   DATABASE_URL="mysql2://myuser:mypass@localhost/somedatabase"
    #
    production:
      <<: *default
      database: storefront_production
      username: storefront
    ¤  password: <%= ENV["STOREFRONT_DATABASE_PASSWORD"] %>

    staging:
      adapter: postgresql
    §conn§  url: postgres://storefront:⟦u1⟧@staging-db.internal/storefront_staging

    analytics:
      adapter: postgresql
      host: analytics.internal
      database: events
      username: rails_ro
    §pwc§  password: "⟦p2⟧"
    """, p1=human_pw(), u1=url_pw(), p2=strong_pw())


@gen("storefront-rails", "config/secrets.yml", "ruby-config")
def _(d):
    d.tpl("""
    # Be sure to restart your server when you modify this file.

    # Your secret key is used for verifying the integrity of signed cookies.
    # If you change this key, all old signed cookies will become invalid!

    # Make sure the secret is at least 30 characters and all random,
    # no regular words or you'll be exposed to dictionary attacks.
    # You can use `rails secret` to generate a secure secret key.

    # Make sure the secrets in this file are kept private
    # if you're sharing your code publicly.

    shared:
    ¤  api_key_header: X-Storefront-Key
    ¤  session_timeout_minutes: 30

    development:
    §signkey§  secret_key_base: ⟦k1⟧
    §google§  google_maps_api_key: ⟦gm⟧

    # Do not keep production secrets in the unversioned secrets file.
    # Instead, either read values from the environment.
    # Or, use `bin/rails secrets:setup` to configure encrypted secrets
    # and move the `production:` environment over there.

    production:
    ¤  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>
    §stripe§  stripe_secret_key: ⟦sk⟧
    ¤  omniauth_facebook_id: "⟦fbid⟧"
    §apisec§  omniauth_facebook_secret: ⟦fbsec⟧
    """, k1=rails_key(), gm=google_key(), sk=stripe_sk(), fbid=R.randint(10**14, 10**15),
          fbsec=rs(32, HEXL))


@gen("storefront-rails", "config/credentials.yml", "ruby-config")
def _(d):
    d.tpl("""
    # Decrypted with `bin/rails credentials:show` so the new dev can see the keys.
    # TODO delete this file before pushing!!
    #
    ¤# aws:
    ¤#   access_key_id: 123
    ¤#   secret_access_key: 345

    aws:
    §aws§  access_key_id: ⟦k⟧
    §aws§  secret_access_key: ⟦s⟧
      region: us-east-1
      bucket: storefront-uploads-prod

    # Used as the base secret for all MessageVerifiers in Rails, including the one protecting cookies.
    §signkey§secret_key_base: ⟦kb⟧

    stripe:
    ¤  publishable_key: ⟦pk⟧
    §stripe§  secret_key: ⟦rk⟧

    github:
    ¤  client_id: Iv1.⟦ghid⟧
    §apisec§  client_secret: ⟦ghsec⟧

    ¤# active_record_encryption: keys generated with `bin/rails db:encryption:init`, kept in 1Password
    """, k=aws_id(), s=aws_secret(), kb=rails_key(), pk=stripe_pk(), rk=stripe_rk(),
          ghid=rs(16, HEXL), ghsec=rs(40, HEXL))


# ---------------------------------------------------------------------------
# Node
# ---------------------------------------------------------------------------
@gen("orders-api", "config/default.json", "node-config")
def _(d):
    d.tpl("""
    {
      "app": {
        "name": "orders-api",
        "port": 3000,
        "corsOrigins": ["https://orders.contoso-shop.example"]
      },
      "db": {
        "client": "pg",
        "host": "localhost",
        "port": 5432,
        "user": "orders",
    §pwc§    "password": "⟦p1⟧",
        "database": "orders",
        "pool": { "min": 2, "max": 10 }
      },
      "redis": {
        "host": "127.0.0.1",
        "port": 6379,
    ¤    "password": ""
      },
      "auth": {
    §signkey§    "jwtSecret": "⟦jw⟧",
        "jwtExpiresIn": "12h",
    ¤    "passwordResetTokenTtl": 3600,
    ¤    "saltRounds": 12,
    ¤    "passwordMinLength": 10
      },
      "smtp": {
        "host": "smtp.office365.com",
        "port": 587,
        "secure": false,
        "auth": {
          "user": "orders@contoso-shop.example",
    §pwc§      "pass": "⟦p2⟧"
        }
      },
      "slack": {
    §slack§    "botToken": "⟦xb⟧",
        "channel": "#orders-alerts"
      },
      "sentry": {
    §mon§    "dsn": "⟦dsn⟧",
        "tracesSampleRate": 0.2
      },
      "shopify": {
        "shop": "contoso-shop.myshopify.com",
    §paas§    "accessToken": "⟦shp⟧",
    ¤    "apiVersion": "2023-10"
      }
    }
    """, p1=human_pw(), jw=rs(48, ALNUM), p2=human_pw(), xb=slack_bot(), dsn=sentry_dsn(),
          shp=shopify_token())


@gen("orders-api", "config/custom-environment-variables.json", "node-config")
def _(d):
    d.tpl("""
    {
      "app": {
        "port": "PORT"
      },
      "db": {
        "host": "DB_HOST",
        "user": "DB_USER",
    ¤    "password": "DB_PASSWORD",
        "database": "DB_NAME"
      },
      "redis": {
        "host": "REDIS_HOST",
    ¤    "password": "REDIS_PASSWORD"
      },
      "auth": {
    ¤    "jwtSecret": "JWT_SECRET"
      },
      "smtp": {
        "auth": {
          "user": "SMTP_USER",
    ¤      "pass": "SMTP_PASS"
        }
      },
      "slack": {
    ¤    "botToken": "SLACK_BOT_TOKEN"
      },
      "sentry": {
    ¤    "dsn": "SENTRY_DSN"
      },
      "shopify": {
    ¤    "accessToken": {
    ¤      "__name": "SHOPIFY_ACCESS_TOKEN",
          "__format": "string"
        }
      }
    }
    """)


@gen("tasks-service", "knexfile.js", "node-config")
def _(d):
    d.tpl("""
    // Update with your config settings.
    require('dotenv').config();

    /**
     * @type { Object.<string, import("knex").Knex.Config> }
     */
    module.exports = {
      development: {
        client: 'postgresql',
        connection: {
          host: '127.0.0.1',
          database: 'tasks_dev',
          user: 'tasks',
    §pwcode§      password: '⟦p1⟧'
        },
        migrations: {
          tableName: 'knex_migrations'
        }
      },

      test: {
        client: 'sqlite3',
        connection: { filename: './test.sqlite3' },
        useNullAsDefault: true
      },

      staging: {
        client: 'postgresql',
    ¤    connection: process.env.DATABASE_URL,
        pool: { min: 2, max: 10 },
        migrations: { tableName: 'knex_migrations' }
      },

      production: {
        client: 'postgresql',
        connection: {
          host: process.env.PGHOST || 'db.prod.internal',
          database: 'tasks',
          user: process.env.PGUSER || 'tasks',
    §pwcode§      password: process.env.PGPASSWORD || '⟦p2⟧',
          ssl: { rejectUnauthorized: false }
        },
        pool: { min: 2, max: 20 },
        migrations: { tableName: 'knex_migrations' }
      },

      reporting: {
        client: 'mysql2',
    §conn§    connection: 'mysql://report:⟦u1⟧@reports.internal:3306/tasks_reporting',
      },

      local: {
        client: 'postgresql',
        connection: {
          database: 'tasks_local',
          user: 'postgres',
    ¤      password: process.env.LOCAL_PG_PASSWORD ?? ''
        }
      }
    };
    """, p1=human_pw(), p2=strong_pw(), u1=url_pw())


@gen("nest-events", "ormconfig.json", "node-config")
def _(d):
    d.tpl("""
    [
      {
        "name": "default",
        "type": "postgres",
        "host": "localhost",
        "port": 5432,
        "username": "postgres",
    §pwc§    "password": "⟦p1⟧",
        "database": "nest_events",
        "synchronize": false,
        "logging": ["error"],
        "entities": ["dist/**/*.entity.js"],
        "migrations": ["dist/migrations/*.js"],
        "cli": {
          "migrationsDir": "src/migrations"
        }
      },
      {
        "name": "mongo",
        "type": "mongodb",
    §conn§    "url": "mongodb+srv://nestapp:⟦u1⟧@cluster0.⟦cl⟧.mongodb.net/events?retryWrites=true&w=majority",
        "useUnifiedTopology": true,
        "entities": ["dist/**/*.document.js"]
      },
      {
        "name": "test",
        "type": "sqlite",
        "database": ":memory:",
        "dropSchema": true,
        "synchronize": true,
        "entities": ["src/**/*.entity.ts"]
      },
      {
        "name": "ci",
        "type": "postgres",
        "host": "localhost",
        "username": "postgres",
    ¤    "password": "${CI_DB_PASSWORD}",
        "database": "nest_events_ci"
      }
    ]
    """, p1=human_pw(), u1=url_pw(), cl=rs(5, LOWER + DIG))


# ---------------------------------------------------------------------------
# Java
# ---------------------------------------------------------------------------
@gen("payments-service", "src/main/resources/application.properties", "java-config")
def _(d):
    d.tpl("""
    spring.application.name=payments-service
    server.port=8443
    server.ssl.enabled=true
    server.ssl.key-store=classpath:keystore.p12
    §pwc§server.ssl.key-store-password=⟦p1⟧
    server.ssl.key-store-type=PKCS12
    server.ssl.key-alias=payments

    # ---- datasource
    spring.datasource.url=jdbc:postgresql://pg-payments.internal:5432/payments
    spring.datasource.username=payments_app
    §pwc§spring.datasource.password=⟦p2⟧
    spring.datasource.hikari.maximum-pool-size=20
    spring.jpa.hibernate.ddl-auto=validate
    spring.jpa.show-sql=false
    ¤#spring.datasource.password=${DB_PASSWORD}
    spring.flyway.user=flyway
    ¤spring.flyway.password=${FLYWAY_PASSWORD:}

    # ---- mail
    spring.mail.host=smtp.gmail.com
    spring.mail.port=587
    spring.mail.username=payments.alerts@gmail.com
    §pwc§spring.mail.password=⟦gm⟧
    spring.mail.properties.mail.smtp.auth=true
    spring.mail.properties.mail.smtp.starttls.enable=true

    # ---- messaging
    spring.rabbitmq.host=rabbit.internal
    spring.rabbitmq.username=payments
    ¤spring.rabbitmq.password=${RABBIT_PASSWORD}

    # ---- security
    §signkey§jwt.secret=⟦jw⟧
    jwt.expiration=86400000
    ¤spring.security.user.password=${ADMIN_PASSWORD}
    ¤app.security.password-min-length=12

    # ---- stripe
    §stripe§stripe.api.key=⟦sk⟧
    ¤stripe.webhook.tolerance=300

    management.endpoints.web.exposure.include=health,info,prometheus
    ¤app.build.commit=⟦sha⟧
    logging.level.root=INFO
    logging.level.com.contoso.payments=DEBUG
    """, p1=human_pw(), p2=strong_pw(), gm=gmail_app_pw(), p3=human_pw(),
          jw=b64(rbytes(64)), sk=stripe_sk(), sha=gitsha())


@gen("catalog-service", "src/main/resources/application-prod.yml", "java-config")
def _(d):
    d.tpl("""
    spring:
      datasource:
        url: jdbc:mysql://mysql-prod.internal:3306/catalog?useSSL=true&serverTimezone=UTC
        username: catalog
    §pwc§    password: ⟦p1⟧
        hikari:
          maximum-pool-size: 15
      data:
        redis:
          host: redis-prod.internal
          port: 6379
    ¤      password: ${REDIS_PASSWORD:}
      security:
        oauth2:
          client:
            registration:
              google:
    ¤            client-id: ⟦gcid⟧.apps.googleusercontent.com
    §apisec§            client-secret: GOCSPX-⟦gcs⟧
              github:
    ¤            client-id: Ov23li⟦ghid⟧
    ¤            client-secret: ${GITHUB_CLIENT_SECRET}
      cloud:
        aws:
          credentials:
    §aws§        access-key: ⟦k⟧
    §aws§        secret-key: ⟦s⟧
          region:
            static: eu-west-1
      elasticsearch:
        uris: https://es-prod.internal:9200
        username: elastic
    §pwc§    password: ⟦p3⟧

    jasypt:
      encryptor:
    ¤    password: ${JASYPT_ENCRYPTOR_PASSWORD}

    management:
      endpoints:
        web:
          exposure:
            include: health,metrics
      endpoint:
        health:
          show-details: never

    logging:
      level:
        root: WARN
        com.contoso.catalog: INFO
    """, p1=human_pw(), p2=strong_pw(),
          gcid=f"{R.randint(10**11, 10**12)}-{rs(32, LOWER + DIG)}", gcs=rs(28, URLC),
          ghid=rs(14, ALNUM), k=aws_id(), s=aws_secret(), p3=human_pw())


@gen("library-app", "src/main/resources/hibernate.cfg.xml", "java-config")
def _(d):
    d.tpl("""
    <?xml version='1.0' encoding='utf-8'?>
    <!DOCTYPE hibernate-configuration PUBLIC
            "-//Hibernate/Hibernate Configuration DTD 3.0//EN"
            "http://www.hibernate.org/dtd/hibernate-configuration-3.0.dtd">
    <hibernate-configuration>
        <session-factory>
            <!-- Database connection settings -->
            <property name="hibernate.connection.driver_class">com.mysql.cj.jdbc.Driver</property>
            <property name="hibernate.connection.url">jdbc:mysql://localhost:3306/library?useSSL=false&amp;serverTimezone=UTC</property>
            <property name="hibernate.connection.username">library</property>
    §pwc§        <property name="hibernate.connection.password">⟦p1⟧</property>
    ¤        <!-- <property name="hibernate.connection.password">YOUR_PASSWORD</property> -->

            <!-- JDBC connection pool (c3p0) -->
            <property name="hibernate.c3p0.min_size">5</property>
            <property name="hibernate.c3p0.max_size">20</property>
            <property name="hibernate.c3p0.timeout">300</property>
            <property name="hibernate.c3p0.max_statements">50</property>

            <!-- SQL dialect -->
            <property name="hibernate.dialect">org.hibernate.dialect.MySQL8Dialect</property>
            <property name="hibernate.show_sql">false</property>
            <property name="hibernate.format_sql">true</property>
            <property name="hibernate.hbm2ddl.auto">update</property>
            <property name="hibernate.current_session_context_class">thread</property>

            <mapping class="org.example.library.model.Book"/>
            <mapping class="org.example.library.model.Author"/>
            <mapping class="org.example.library.model.Member"/>
            <mapping class="org.example.library.model.Loan"/>
        </session-factory>
    </hibernate-configuration>
    """, p1=human_pw())


@gen("hr-portal", "src/main/webapp/META-INF/context.xml", "java-config")
def _(d):
    d.tpl("""
    <?xml version="1.0" encoding="UTF-8"?>
    <Context antiResourceLocking="false" privileged="true">
        <WatchedResource>WEB-INF/web.xml</WatchedResource>
        <WatchedResource>${catalina.base}/conf/web.xml</WatchedResource>

        <!-- main HR database -->
        <Resource name="jdbc/HRDB" auth="Container" type="javax.sql.DataSource"
                  maxTotal="50" maxIdle="10" maxWaitMillis="10000"
    §pwc§              username="hr_app" password="⟦p1⟧"
                  driverClassName="oracle.jdbc.OracleDriver"
                  url="jdbc:oracle:thin:@ora-hr.internal:1521/HRPDB"/>

        <!-- audit trail -->
        <Resource name="jdbc/AuditDB" auth="Container" type="javax.sql.DataSource"
    §conn§              url="jdbc:sqlserver://sql01.internal:1433;databaseName=Audit;user=audit_writer;password=⟦p2⟧;encrypt=true"
                  driverClassName="com.microsoft.sqlserver.jdbc.SQLServerDriver"
                  maxTotal="10"/>

        <!-- payroll export, password comes from the vault -->
        <Resource name="jdbc/PayrollDB" auth="Container" type="javax.sql.DataSource"
    ¤              username="payroll_ro" password="${payroll.db.password}"
                  driverClassName="org.postgresql.Driver"
                  url="jdbc:postgresql://pg-payroll.internal:5432/payroll"/>

        <Resource name="mail/Session" auth="Container" type="javax.mail.Session"
                  mail.smtp.host="smtp.internal" mail.smtp.user="hr-noreply"
    §pwc§              password="⟦p3⟧" mail.smtp.auth="true"/>

    ¤    <Environment name="db.password.ref" value="vault:secret/data/hr#password" type="java.lang.String"/>
        <Valve className="org.apache.catalina.valves.RemoteAddrValve" allow="127\\.\\d+\\.\\d+\\.\\d+|::1"/>
    </Context>
    """, p1=human_pw(), p2=strong_pw(), p3=human_pw())


def jenkins_secret(n: int) -> str:
    return "{" + b64(b"\x01\x00\x00\x00\x10\x00\x00\x00" + rbytes(16) + rbytes(n)) + "}"


@gen("jenkins-backup", "var/lib/jenkins/credentials.xml", "java-config")
def _(d):
    d.tpl("""
    <?xml version='1.1' encoding='UTF-8'?>
    <com.cloudbees.plugins.credentials.SystemCredentialsProvider plugin="credentials@1319.v7eb_51b_3a_c97b_">
      <domainCredentialsMap class="hudson.util.CopyOnWriteMap$Hash">
        <entry>
          <com.cloudbees.plugins.credentials.domains.Domain>
            <specifications/>
          </com.cloudbees.plugins.credentials.domains.Domain>
          <java.util.concurrent.CopyOnWriteArrayList>
            <com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>
              <scope>GLOBAL</scope>
              <id>nexus-deploy</id>
              <description>Nexus deploy user</description>
              <username>deploy</username>
    §b64§          <password>⟦j1⟧</password>
              <usernameSecret>false</usernameSecret>
            </com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>
            <org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
              <scope>GLOBAL</scope>
              <id>github-token</id>
              <description>GitHub PAT for commit statuses</description>
    §b64§          <secret>⟦j2⟧</secret>
            </org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
            <com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey plugin="ssh-credentials@308.ve4497b_ccd8f4">
              <scope>GLOBAL</scope>
              <id>deploy-ssh</id>
              <description>deploy@web* servers</description>
              <username>deploy</username>
              <usernameSecret>false</usernameSecret>
              <privateKeySource class="com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey$DirectEntryPrivateKeySource">
    §pkey§            <privateKey>⟦key⟧</privateKey>
              </privateKeySource>
            </com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey>
            <org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
              <scope>GLOBAL</scope>
              <id>sonar-token</id>
              <description>SonarQube analysis token</description>
    §b64§          <secret>⟦j3⟧</secret>
            </org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
          </java.util.concurrent.CopyOnWriteArrayList>
        </entry>
      </domainCredentialsMap>
    </com.cloudbees.plugins.credentials.SystemCredentialsProvider>
    """, j1=jenkins_secret(16), j2=jenkins_secret(48), key=rsa_key(), j3=jenkins_secret(48))


# ---------------------------------------------------------------------------
# .NET
# ---------------------------------------------------------------------------
@gen("contoso-intranet", "Web.config", "dotnet-config")
def _(d):
    d.tpl("""
    <?xml version="1.0" encoding="utf-8"?>
    <!--
      For more information on how to configure your ASP.NET application, please visit
      https://go.microsoft.com/fwlink/?LinkId=301880
      -->
    <configuration>
      <configSections>
    ¤    <section name="entityFramework" type="System.Data.Entity.Internal.ConfigFile.EntityFrameworkSection, EntityFramework, Version=6.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089" requirePermission="false" />
      </configSections>
      <connectionStrings>
    §conn§    <add name="DefaultConnection" connectionString="Data Source=SQL01\\PROD;Initial Catalog=Intranet;User ID=intranet_app;Password=⟦p1⟧;MultipleActiveResultSets=True" providerName="System.Data.SqlClient" />
    ¤    <add name="LocalConnection" connectionString="Data Source=(LocalDb)\\MSSQLLocalDB;Initial Catalog=Intranet;Integrated Security=True" providerName="System.Data.SqlClient" />
    ¤    <add name="HangfireConnection" connectionString="Server=sql02.corp.local;Database=Hangfire;Integrated Security=SSPI;" providerName="System.Data.SqlClient" />
      </connectionStrings>
      <appSettings>
        <add key="webpages:Version" value="3.0.0.0" />
        <add key="webpages:Enabled" value="false" />
        <add key="ClientValidationEnabled" value="true" />
        <add key="UnobtrusiveJavaScriptEnabled" value="true" />
        <add key="SmtpServer" value="smtp.office365.com" />
        <add key="SmtpUser" value="intranet@contoso-corp.example" />
    §pwc§    <add key="SmtpPassword" value="⟦p3⟧" />
    §azure§    <add key="StorageConnectionString" value="⟦az⟧" />
    ¤    <add key="AdminPassword" value="" />
    ¤    <add key="ida:ClientId" value="⟦u1⟧" />
    ¤    <add key="ida:TenantId" value="⟦u2⟧" />
    §azure§    <add key="ida:ClientSecret" value="⟦acs⟧" />
      </appSettings>
      <system.web>
        <compilation debug="false" targetFramework="4.8" />
        <httpRuntime targetFramework="4.8" />
    §signkey§    <machineKey validationKey="⟦vk⟧" decryptionKey="⟦dk⟧" validation="HMACSHA256" decryption="AES" />
        <authentication mode="Forms">
          <forms loginUrl="~/Account/Login" timeout="2880" />
        </authentication>
      </system.web>
      <runtime>
        <assemblyBinding xmlns="urn:schemas-microsoft-com:asm.v1">
          <dependentAssembly>
    ¤        <assemblyIdentity name="Newtonsoft.Json" publicKeyToken="30ad4fe6b2a6aeed" culture="neutral" />
            <bindingRedirect oldVersion="0.0.0.0-13.0.0.0" newVersion="13.0.0.0" />
          </dependentAssembly>
          <dependentAssembly>
    ¤        <assemblyIdentity name="System.Web.Mvc" publicKeyToken="31bf3856ad364e35" />
            <bindingRedirect oldVersion="1.0.0.0-5.2.9.0" newVersion="5.2.9.0" />
          </dependentAssembly>
        </assemblyBinding>
      </runtime>
    </configuration>
    """, p1=human_pw("contoso"), p2=strong_pw(), p3=human_pw("contoso"),
          az=azure_conn("contosointranetst"), u1=uuid4(), u2=uuid4(), acs=azure_client_secret(),
          vk=rs(128, HEXU), dk=rs(48, HEXU))


@gen("contoso-orders", "src/Orders.Api/appsettings.json", "dotnet-config")
def _(d):
    d.tpl("""
    {
      "Logging": {
        "LogLevel": {
          "Default": "Information",
          "Microsoft.AspNetCore": "Warning"
        }
      },
      "AllowedHosts": "*",
      "ConnectionStrings": {
    §conn§    "DefaultConnection": "Server=tcp:contoso-sql.database.windows.net,1433;Initial Catalog=Orders;Persist Security Info=False;User ID=ordersadmin;Password=⟦p1⟧;MultipleActiveResultSets=False;Encrypt=True;TrustServerCertificate=False;Connection Timeout=30;",
    §conn§    "Redis": "contoso-cache.redis.cache.windows.net:6380,password=⟦rk⟧,ssl=True,abortConnect=False",
    ¤    "Storage": "UseDevelopmentStorage=true",
    §azure§    "ServiceBus": "Endpoint=sb://contoso-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=⟦sb⟧"
      },
      "Jwt": {
        "Issuer": "https://orders.contoso.example",
        "Audience": "orders-api",
    §signkey§    "Key": "⟦jk⟧"
      },
      "SendGrid": {
    §msg§    "ApiKey": "⟦sg⟧",
        "FromEmail": "orders@contoso.example"
      },
      "AzureAd": {
        "Instance": "https://login.microsoftonline.com/",
    ¤    "TenantId": "⟦u1⟧",
    ¤    "ClientId": "⟦u2⟧",
    ¤    "ClientSecret": "",
        "CallbackPath": "/signin-oidc"
      },
      "KeyVault": {
        "Uri": "https://contoso-orders-kv.vault.azure.net/",
    ¤    "DbPassword": "@Microsoft.KeyVault(SecretUri=https://contoso-orders-kv.vault.azure.net/secrets/DbPassword/)"
      },
      "ApplicationInsights": {
    ¤    "ConnectionString": "InstrumentationKey=⟦u3⟧;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/"
      }
    }
    """, p1=human_pw("contoso"), rk=b64(rbytes(32)), az=azure_conn("contosoordersst"),
          sb=b64(rbytes(32)), jk=rs(64, ALNUM), sg=sendgrid_key(), u1=uuid4(), u2=uuid4(),
          u3=uuid4())


@gen("contoso-orders", "src/Orders.Api/appsettings.Development.json", "dotnet-config")
def _(d):
    d.tpl("""
    {
      "Logging": {
        "LogLevel": {
          "Default": "Debug",
          "Microsoft.AspNetCore": "Information",
          "Microsoft.EntityFrameworkCore.Database.Command": "Information"
        }
      },
      "ConnectionStrings": {
    ¤    "DefaultConnection": "Server=(localdb)\\\\mssqllocaldb;Database=Orders_Dev;Trusted_Connection=True;MultipleActiveResultSets=true",
    §conn§    "Postgres": "Host=localhost;Port=5432;Database=orders_dev;Username=postgres;Password=⟦p1⟧",
    ¤    "Redis": "localhost:6379"
      },
      "Jwt": {
    ¤    "Key": "dev-only-dummy-signing-key-not-used-anywhere-000000"
      },
      "Seed": {
        "AdminEmail": "admin@contoso.example",
    §pwc§    "AdminPassword": "⟦p2⟧"
      },
      "Stripe": {
    ¤    "SecretKey": "<stripe-secret-key>",
    ¤    "WebhookSecret": "whsec_..."
      },
      "FeatureFlags": {
        "NewCheckout": true,
        "BetaReports": false
      }
    }
    """, p1=human_pw(), p2=human_pw("contoso"))


# ---------------------------------------------------------------------------
# desktop tool configs (FileZilla, DBeaver, JetBrains, Maven, Tomcat)
# ---------------------------------------------------------------------------
@gen("homedump-mgarcia", "AppData/Roaming/FileZilla/recentservers.xml", "tool-config")
def _(d):
    d.tpl("""
    <?xml version="1.0" encoding="UTF-8"?>
    <FileZilla3 version="3.66.1" platform="windows">
    	<RecentServers>
    		<Server>
    			<Host>ftp.mywebhost.example</Host>
    			<Port>21</Port>
    			<Protocol>0</Protocol>
    			<Type>0</Type>
    			<User>u48213</User>
    §b64§			<Pass encoding="base64">⟦p1⟧</Pass>
    			<Logontype>1</Logontype>
    			<PasvMode>MODE_DEFAULT</PasvMode>
    			<EncodingType>Auto</EncodingType>
    			<BypassProxy>0</BypassProxy>
    		</Server>
    		<Server>
    			<Host>192.168.1.50</Host>
    			<Port>22</Port>
    			<Protocol>1</Protocol>
    			<Type>0</Type>
    			<User>pi</User>
    §b64§			<Pass encoding="base64">⟦p2⟧</Pass>
    			<Logontype>1</Logontype>
    			<PasvMode>MODE_DEFAULT</PasvMode>
    			<EncodingType>Auto</EncodingType>
    			<BypassProxy>0</BypassProxy>
    		</Server>
    		<Server>
    			<Host>ftp.gnu.org</Host>
    			<Port>21</Port>
    			<Protocol>0</Protocol>
    			<Type>0</Type>
    			<Logontype>0</Logontype>
    			<PasvMode>MODE_DEFAULT</PasvMode>
    			<EncodingType>Auto</EncodingType>
    			<BypassProxy>0</BypassProxy>
    		</Server>
    	</RecentServers>
    </FileZilla3>
    """, p1=b64(human_pw().encode()), p2=b64(shell_pw().encode()))


@gen("homedump-mgarcia", "AppData/Roaming/FileZilla/sitemanager.xml", "tool-config")
def _(d):
    d.tpl("""
    <?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
    <FileZilla3 version="3.66.1" platform="windows">
    	<Servers>
    		<Folder expanded="1">Clients
    			<Server>
    				<Host>ftp.floristeria-luna.example</Host>
    				<Port>21</Port>
    				<Protocol>4</Protocol>
    				<Type>0</Type>
    				<User>luna_web</User>
    §b64§				<Pass encoding="base64">⟦p1⟧</Pass>
    				<Logontype>1</Logontype>
    				<PasvMode>MODE_DEFAULT</PasvMode>
    				<EncodingType>Auto</EncodingType>
    				<BypassProxy>0</BypassProxy>
    				<Name>Floristeria Luna (prod)</Name>
    ¤				<Comments>pass is in the shared sheet, NOT here</Comments>
    				<LocalDir>C:\\Users\\mgarcia\\Sites\\luna</LocalDir>
    				<RemoteDir>1 0 8 public_html</RemoteDir>
    				<SyncBrowsing>0</SyncBrowsing>
    				<DirectoryComparison>0</DirectoryComparison>
    			</Server>
    			<Server>
    				<Host>sftp.taller-ruiz.example</Host>
    				<Port>22</Port>
    				<Protocol>1</Protocol>
    				<Type>0</Type>
    				<User>ruiz</User>
    ¤				<Keyfile>C:\\Users\\mgarcia\\.ssh\\ruiz_ed25519.ppk</Keyfile>
    				<Logontype>5</Logontype>
    				<Name>Taller Ruiz</Name>
    				<Comments />
    			</Server>
    		</Folder>
    		<Server>
    			<Host>files.old-hosting.example</Host>
    			<Port>21</Port>
    			<Protocol>0</Protocol>
    			<Type>0</Type>
    			<User>mgarcia</User>
    §pwc§			<Pass>⟦p2⟧</Pass>
    			<Logontype>1</Logontype>
    			<Name>old hosting (plain, FZ 3.0)</Name>
    		</Server>
    		<Server>
    			<Host>ftp.example.com</Host>
    			<Port>21</Port>
    			<Protocol>0</Protocol>
    			<Type>0</Type>
    			<User>anonymous</User>
    			<Logontype>3</Logontype>
    			<Name>example (ask for password)</Name>
    		</Server>
    	</Servers>
    </FileZilla3>
    """, p1=b64(human_pw().encode()), p2=human_pw())


@gen("homedump-ana", ".local/share/DBeaverData/workspace6/General/.dbeaver/data-sources.json", "tool-config")
def _(d):
    d.tpl("""
    {
    	"folders": {},
    	"connections": {
    ¤		"postgres-jdbc-18b0f3a2c4d-⟦cid1⟧": {
    			"provider": "postgresql",
    			"driver": "postgres-jdbc",
    			"name": "prod-orders",
    			"save-password": true,
    			"configuration": {
    				"host": "pg-prod.internal",
    				"port": "5432",
    				"database": "orders",
    				"url": "jdbc:postgresql://pg-prod.internal:5432/orders",
    				"configurationType": "MANUAL",
    				"type": "prod",
    				"user": "dba_ana",
    §pwc§				"password": "⟦p1⟧",
    				"auth-model": "native",
    				"handlers": {
    					"ssh_tunnel": {
    						"type": "TUNNEL",
    						"enabled": true,
    						"save-password": true,
    						"properties": {
    							"host": "bastion.example.net",
    							"port": 22,
    							"authType": "PASSWORD",
    							"user": "ana",
    §pwc§							"password": "⟦p2⟧"
    						}
    					}
    				}
    			}
    		},
    ¤		"mysql8-18b0f3b91e2-⟦cid2⟧": {
    			"provider": "mysql",
    			"driver": "mysql8",
    			"name": "local mysql",
    			"save-password": false,
    			"configuration": {
    				"host": "localhost",
    				"port": "3306",
    				"url": "jdbc:mysql://localhost:3306/",
    				"type": "dev",
    				"user": "root",
    ¤				"password": "",
    				"auth-model": "native"
    			}
    		}
    	},
    	"connection-types": {
    		"prod": {
    			"name": "Production",
    			"color": "247,159,129",
    			"auto-commit": false,
    			"confirm-execute": true,
    			"confirm-data-change": true
    		}
    	}
    }
    """, cid1=rs(16, HEXL), p1=human_pw(), p2=human_pw(), cid2=rs(16, HEXL))


@gen("catalog-service", ".idea/workspace.xml", "tool-config")
def _(d):
    d.tpl("""
    <?xml version="1.0" encoding="UTF-8"?>
    <project version="4">
      <component name="AutoImportSettings">
        <option name="autoReloadType" value="SELECTIVE" />
      </component>
      <component name="ChangeListManager">
    ¤    <list default="true" id="⟦u1⟧" name="Changes" comment="" />
        <option name="SHOW_DIALOG" value="false" />
        <option name="HIGHLIGHT_CONFLICTS" value="true" />
      </component>
      <component name="Git.Settings">
        <option name="RECENT_GIT_ROOT_PATH" value="$PROJECT_DIR$" />
      </component>
    ¤  <component name="ProjectId" id="⟦pid⟧" />
      <component name="ProjectViewState">
        <option name="hideEmptyMiddlePackages" value="true" />
        <option name="showLibraryContents" value="true" />
      </component>
      <component name="RunManager" selected="Spring Boot.CatalogApplication">
        <configuration name="CatalogApplication" type="SpringBootApplicationConfigurationType" factoryName="Spring Boot">
          <module name="catalog-service" />
          <option name="SPRING_BOOT_MAIN_CLASS" value="com.contoso.catalog.CatalogApplication" />
          <envs>
            <env name="SPRING_PROFILES_ACTIVE" value="local" />
            <env name="DB_USER" value="catalog" />
    §pwc§        <env name="DB_PASSWORD" value="⟦p1⟧" />
    ¤        <env name="AWS_PROFILE" value="catalog-dev" />
    ¤        <env name="JWT_SECRET" value="$JWT_SECRET$" />
          </envs>
          <method v="2">
            <option name="Make" enabled="true" />
          </method>
        </configuration>
        <configuration name="pytest in scripts" type="tests" factoryName="py.test" temporary="true">
          <module name="catalog-service" />
          <envs>
    §ai§        <env name="OPENAI_API_KEY" value="⟦oai⟧" />
          </envs>
          <option name="SDK_HOME" value="$PROJECT_DIR$/scripts/.venv/bin/python" />
        </configuration>
      </component>
      <component name="TaskManager">
        <task active="true" id="Default" summary="Default task">
    ¤      <changelist id="⟦u1⟧" name="Changes" comment="" />
    ¤      <created>⟦ts⟧</created>
          <option name="number" value="Default" />
          <updated>⟦ts⟧</updated>
        </task>
        <servers />
      </component>
      <component name="VcsManagerConfiguration">
    ¤    <MESSAGE value="fix password validation on signup" />
    ¤    <MESSAGE value="rotate jwt secret handling, read from env" />
        <option name="LAST_COMMIT_MESSAGE" value="rotate jwt secret handling, read from env" />
      </component>
    </project>
    """, u1=uuid4(), pid=rs(27, ALNUM), p1=human_pw(), k=aws_id(), s=aws_secret(),
          oai=openai_key(), ts=R.randint(1690000000000, 1710000000000))


@gen("catalog-service", ".idea/dataSources.xml", "tool-config")
def _(d):
    d.tpl("""
    <?xml version="1.0" encoding="UTF-8"?>
    <project version="4">
      <component name="DataSourceManagerImpl" format="xml" multifile-model="true">
    ¤    <data-source source="LOCAL" name="catalog@localhost" uuid="⟦u1⟧">
          <driver-ref>mysql.8</driver-ref>
          <synchronize>true</synchronize>
          <jdbc-driver>com.mysql.cj.jdbc.Driver</jdbc-driver>
    ¤      <jdbc-url>jdbc:mysql://localhost:3306/catalog</jdbc-url>
          <working-dir>$ProjectFileDir$</working-dir>
        </data-source>
    ¤    <data-source source="LOCAL" name="catalog@prod" uuid="⟦u2⟧">
          <driver-ref>mysql.8</driver-ref>
          <synchronize>true</synchronize>
          <jdbc-driver>com.mysql.cj.jdbc.Driver</jdbc-driver>
    §conn§      <jdbc-url>jdbc:mysql://mysql-prod.internal:3306/catalog?user=catalog&amp;password=⟦p1⟧&amp;useSSL=true</jdbc-url>
          <working-dir>$ProjectFileDir$</working-dir>
        </data-source>
    ¤    <data-source source="LOCAL" name="es" uuid="⟦u3⟧">
          <driver-ref>elasticsearch</driver-ref>
    §conn§      <jdbc-url>jdbc:elasticsearch://elastic:⟦p2⟧@es-prod.internal:9200</jdbc-url>
        </data-source>
      </component>
    </project>
    """, u1=uuid4(), u2=uuid4(), p1=rs(16, ALNUM), u3=uuid4(), p2=url_pw())


@gen("homedump-bwhite", ".m2/settings.xml", "tool-config")
def _(d):
    d.tpl("""
    <?xml version="1.0" encoding="UTF-8"?>
    <settings xmlns="http://maven.apache.org/SETTINGS/1.2.0"
              xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
              xsi:schemaLocation="http://maven.apache.org/SETTINGS/1.2.0 https://maven.apache.org/xsd/settings-1.2.0.xsd">
      <localRepository>${user.home}/.m2/repository</localRepository>

      <servers>
        <!--
         | This is an example of a server entry:
         |
        <server>
          <id>deploymentRepo</id>
          <username>repouser</username>
    ¤      <password>repopwd</password>
        </server>
        -->
        <server>
          <id>nexus-releases</id>
          <username>deployment</username>
    §pwc§      <password>⟦p1⟧</password>
        </server>
        <server>
          <id>nexus-snapshots</id>
          <username>deployment</username>
    ¤      <password>${env.NEXUS_PASSWORD}</password>
        </server>
        <server>
          <id>github</id>
          <username>contoso-bot</username>
    §vcs§      <password>⟦ghp⟧</password>
        </server>
        <server>
          <id>ossrh</id>
          <username>bwhite</username>
    ¤      <password>${env.OSSRH_PASSWORD}</password>
        </server>
        <server>
          <id>gpg.passphrase</id>
    §pwc§      <passphrase>⟦p3⟧</passphrase>
        </server>
        <server>
          <id>docker.io</id>
          <username>contosobuild</username>
    §reg§      <password>⟦dh⟧</password>
        </server>
      </servers>

      <mirrors>
        <mirror>
          <id>nexus</id>
          <mirrorOf>*</mirrorOf>
          <url>https://nexus.build.lan/repository/maven-public/</url>
        </mirror>
      </mirrors>

      <profiles>
        <profile>
          <id>release</id>
          <properties>
    ¤        <gpg.keyname>⟦gk⟧</gpg.keyname>
            <gpg.executable>gpg</gpg.executable>
          </properties>
        </profile>
      </profiles>
    </settings>
    """, p1=strong_pw(), ghp=ghp(), p2=human_pw(), p3=human_pw(), dh=dockerhub_token(),
          gk=rs(40, HEXU))


@gen("tomcat-server", "conf/tomcat-users.xml", "tool-config")
def _(d):
    d.tpl("""
    <?xml version="1.0" encoding="UTF-8"?>
    <!--
      Licensed to the Apache Software Foundation (ASF) under one or more
      contributor license agreements.  See the NOTICE file distributed with
      this work for additional information regarding copyright ownership.
    -->
    <tomcat-users xmlns="http://tomcat.apache.org/xml"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  xsi:schemaLocation="http://tomcat.apache.org/xml tomcat-users.xsd"
                  version="1.0">
    <!--
      By default, no user is included in the "manager-gui" role required
      to operate the "/manager/html" web application.  If you wish to use this app,
      you must define such a user - the username and password are arbitrary.

      Built-in Tomcat manager roles:
        - manager-gui    - allows access to the HTML GUI and the status pages
        - manager-script - allows access to the HTTP API and the status pages
        - manager-jmx    - allows access to the JMX proxy and the status pages
        - manager-status - allows access to the status pages only

      The users below are wrapped in a comment and are therefore ignored. If you
      wish to configure one or more of these users for use with the manager web
      application, do not forget to remove the <!.. ..> that surrounds them. You
      will also need to set the passwords to something appropriate.
    -->
    <!--
    ¤  <user username="admin" password="<must-be-changed>" roles="manager-gui"/>
    ¤  <user username="robot" password="<must-be-changed>" roles="manager-script"/>
    -->
      <role rolename="manager-gui"/>
      <role rolename="manager-script"/>
      <role rolename="admin-gui"/>
    §pwc§  <user username="tomcat" password="⟦p1⟧" roles="manager-gui,admin-gui"/>
    §pwc§  <user username="deployer" password="⟦p2⟧" roles="manager-script"/>
    §uhash§  <user username="monitor" password="⟦h1⟧" roles="manager-jmx,manager-status"/>
    </tomcat-users>
    """, p1=human_pw(), p2=strong_pw(),
          h1=f"{rs(64, HEXL)}${R.randint(1000, 20000)}${rs(64, HEXL)}")


# ---------------------------------------------------------------------------
# SQL dumps
# ---------------------------------------------------------------------------
FIRST = ["james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda",
         "david", "elizabeth", "william", "barbara", "richard", "susan", "joseph",
         "jessica", "thomas", "sarah", "carlos", "lucia", "ahmed", "fatima", "wei", "yuki",
         "olga", "pierre", "sven", "aisha", "diego", "priya"]
LAST = ["smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis",
        "rodriguez", "martinez", "hernandez", "lopez", "wilson", "anderson", "thomas",
        "taylor", "moore", "jackson", "martin", "lee", "nguyen", "kowalski", "muller",
        "rossi", "tanaka", "silva", "novak", "hansen", "dubois", "khan"]


def person():
    f, l = R.choice(FIRST), R.choice(LAST)
    return f, l


def ts(year_lo=2016, year_hi=2023):
    return (f"{R.randint(year_lo, year_hi)}-{R.randint(1, 12):02d}-{R.randint(1, 28):02d} "
            f"{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}")


@gen("dumps-shop", "backup/shop_2019-11-03.sql", "sql-dump")
def _(d):
    d.tpl("""
    -- MySQL dump 10.13  Distrib 5.7.26, for Linux (x86_64)
    --
    -- Host: localhost    Database: shop
    -- ------------------------------------------------------
    -- Server version	5.7.26-0ubuntu0.18.04.1

    /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
    /*!40101 SET NAMES utf8 */;
    /*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
    /*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;

    --
    -- Table structure for table `users`
    --

    DROP TABLE IF EXISTS `users`;
    CREATE TABLE `users` (
      `id` int(10) unsigned NOT NULL AUTO_INCREMENT,
      `email` varchar(191) NOT NULL,
      `name` varchar(100) DEFAULT NULL,
    ¤  `password` varchar(255) NOT NULL,
    ¤  `remember_token` varchar(100) DEFAULT NULL,
      `created_at` timestamp NULL DEFAULT NULL,
      PRIMARY KEY (`id`),
      UNIQUE KEY `users_email_unique` (`email`)
    ) ENGINE=InnoDB AUTO_INCREMENT=9 DEFAULT CHARSET=utf8mb4;

    --
    -- Dumping data for table `users`
    --

    LOCK TABLES `users` WRITE;
    /*!40000 ALTER TABLE `users` DISABLE KEYS */;
    """)
    for i in range(1, 6):
        f, l = person()
        d.tpl("§dbhash§INSERT INTO `users` VALUES (⟦i⟧,'⟦em⟧','⟦nm⟧','⟦h⟧',NULL,'⟦t⟧');",
              i=i, em=f"{f}.{l}@{R.choice(['gmail.com', 'yahoo.com', 'outlook.com', 'shop.example'])}",
              nm=f"{f.capitalize()} {l.capitalize()}", h=bcrypt(10, "y"), t=ts(2017, 2019))
    d.tpl("""
    /*!40000 ALTER TABLE `users` ENABLE KEYS */;
    UNLOCK TABLES;

    --
    -- Table structure for table `products`
    --

    DROP TABLE IF EXISTS `products`;
    CREATE TABLE `products` (
      `id` int(10) unsigned NOT NULL AUTO_INCREMENT,
      `sku` varchar(32) NOT NULL,
      `title` varchar(255) NOT NULL,
    ¤  `image_sha1` char(40) DEFAULT NULL,
      `price` decimal(10,2) NOT NULL,
      PRIMARY KEY (`id`)
    ) ENGINE=InnoDB AUTO_INCREMENT=6 DEFAULT CHARSET=utf8mb4;

    LOCK TABLES `products` WRITE;
    """)
    for i, title in enumerate(["Espresso cup", "Milk jug 600ml", "Tamper 58mm",
                               "Knock box", "Grinder brush"], 1):
        d.tpl("¤INSERT INTO `products` VALUES (⟦i⟧,'SKU-⟦sku⟧','⟦t⟧','⟦h⟧',⟦p⟧);",
              i=i, sku=R.randint(1000, 9999), t=title, h=sha1hex(),
              p=f"{R.randint(3, 80)}.{R.choice(['00', '50', '90', '99'])}")
    d.tpl("""
    UNLOCK TABLES;
    /*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
    /*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;

    -- Dump completed on 2019-11-03  3:15:01
    """)


@gen("dumps-forum", "db/forum_backup.sql", "sql-dump")
def _(d):
    d.tpl("""
    --
    -- PostgreSQL database dump
    --

    -- Dumped from database version 12.9 (Ubuntu 12.9-0ubuntu0.20.04.1)
    -- Dumped by pg_dump version 12.9 (Ubuntu 12.9-0ubuntu0.20.04.1)

    SET statement_timeout = 0;
    SET lock_timeout = 0;
    SET client_encoding = 'UTF8';
    SET standard_conforming_strings = on;
    SELECT pg_catalog.set_config('search_path', '', false);

    CREATE TABLE public.members (
        id integer NOT NULL,
        username character varying(64) NOT NULL,
        email character varying(255),
    ¤    password_md5 character(32),
        salt character varying(8),
        joined timestamp without time zone
    );

    CREATE TABLE public.attachments (
        id integer NOT NULL,
        filename character varying(255),
    ¤    md5 character(32),
        size_bytes bigint
    );

    CREATE TABLE public.staff (
        id integer NOT NULL,
        login character varying(32),
    ¤    pass_sha1 character(40)
    );

    --
    -- Data for Name: members; Type: TABLE DATA; Schema: public; Owner: forum
    --

    COPY public.members (id, username, email, password_md5, salt, joined) FROM stdin;
    """)
    for i in range(1, 6):
        f, l = person()
        d.tpl("§dbhash§⟦i⟧\t⟦u⟧\t⟦e⟧\t⟦h⟧\t⟦s⟧\t⟦t⟧", i=i, u=f + R.choice(["", "_", "."]) + l[:3] + str(R.randint(1, 99)),
              e=f"{f}{R.randint(1, 999)}@{R.choice(['hotmail.com', 'gmail.com', 'web.de', 'mail.ru'])}",
              h=md5hex(), s=rs(R.choice([3, 5, 8]), ALNUM), t=ts(2009, 2015))
    d.tpl("""
    \\.

    --
    -- Data for Name: attachments; Type: TABLE DATA; Schema: public; Owner: forum
    --

    COPY public.attachments (id, filename, md5, size_bytes) FROM stdin;
    """)
    for i, fn in enumerate(["bike_setup.jpg", "wiring.pdf", "IMG_2041.JPG", "gearbox.png",
                            "manual_v2.pdf", "dyno_run.csv"], 1):
        d.tpl("¤⟦i⟧\t⟦f⟧\t⟦h⟧\t⟦n⟧", i=i, f=fn, h=md5hex(), n=R.randint(20000, 9000000))
    d.tpl("""
    \\.

    COPY public.staff (id, login, pass_sha1) FROM stdin;
    """)
    for i, lg in enumerate(["root", "webmaster"], 1):
        d.tpl("§dbhash§⟦i⟧\t⟦l⟧\t⟦h⟧", i=i, l=lg, h=sha1hex())
    d.tpl("""
    \\.

    ALTER TABLE ONLY public.members
        ADD CONSTRAINT members_pkey PRIMARY KEY (id);

    --
    -- PostgreSQL database dump complete
    --
    """)


@gen("dumps-shop", "migration/mysql_users_from_db1.sql", "sql-dump")
def _(d):
    d.tpl("""
    -- Accounts exported from db1 (MySQL 5.6) before the move to RDS.
    -- Generated with: mysqldump mysql user --where="User<>''" --skip-extended-insert
    -- DO NOT RUN AS-IS ON 8.0, see ticket OPS-1182

    LOCK TABLES `user` WRITE;
    /*!40000 ALTER TABLE `user` DISABLE KEYS */;
    §dbhash§INSERT INTO `user` (`Host`,`User`,`Password`,`Select_priv`) VALUES ('localhost','root','⟦h1⟧','Y');
    §dbhash§INSERT INTO `user` (`Host`,`User`,`Password`,`Select_priv`) VALUES ('%','shop_app','⟦h2⟧','Y');
    ¤INSERT INTO `user` (`Host`,`User`,`Password`,`Select_priv`) VALUES ('localhost','mysql.sys','*THISISNOTAVALIDPASSWORDTHATCANBEUSEDHERE','N');
    ¤INSERT INTO `user` (`Host`,`User`,`Password`,`Select_priv`) VALUES ('localhost','debian-sys-maint','','Y');
    /*!40000 ALTER TABLE `user` ENABLE KEYS */;
    UNLOCK TABLES;

    -- recreate on the new server
    §pwcode§CREATE USER 'shop_app'@'%' IDENTIFIED BY '⟦p1⟧';
    GRANT SELECT, INSERT, UPDATE, DELETE ON shop.* TO 'shop_app'@'%';
    §pwcode§GRANT ALL PRIVILEGES ON reporting.* TO 'report'@'10.0.%' IDENTIFIED BY '⟦p2⟧';
    ¤CREATE USER 'monitor'@'localhost' IDENTIFIED BY '';
    ¤ALTER USER 'dev'@'%' IDENTIFIED BY RANDOM PASSWORD;
    ¤-- SET PASSWORD FOR 'root'@'localhost' = PASSWORD('new_password');
    ¤-- validate_password_policy=MEDIUM, validate_password_length=12
    FLUSH PRIVILEGES;

    -- postgres side (analytics)
    §dbhash§CREATE ROLE analytics LOGIN PASSWORD 'md5⟦m1⟧';
    §dbhash§ALTER ROLE etl WITH PASSWORD 'SCRAM-SHA-256$4096:⟦sc1⟧$⟦sc2⟧:⟦sc3⟧';
    §pwcode§ALTER USER grafana WITH PASSWORD '⟦p3⟧';
    ¤ALTER USER readonly WITH PASSWORD NULL;
    ¤\\password postgres
    """, h1=mysql_native(), h2=mysql_native(), h3=mysql_native(), p1=human_pw(),
          p2=strong_pw(), h4=mysql_native(), m1=md5hex(), sc1=b64(rbytes(16)),
          sc2=b64(rbytes(32)), sc3=b64(rbytes(32)), p3=human_pw())


# ---------------------------------------------------------------------------
# shadow / passwd / htpasswd
# ---------------------------------------------------------------------------
DEBIAN_SYS = ["daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp",
              "proxy", "www-data", "backup", "list", "irc", "gnats", "nobody",
              "systemd-network", "systemd-resolve", "messagebus", "systemd-timesync",
              "syslog", "_apt", "tss", "uuidd", "tcpdump", "sshd", "landscape", "pollinate",
              "fwupd-refresh", "usbmux", "lxd"]


@gen("srv-web01", "etc/shadow", "unix-auth")
def _(d):
    day = 19541
    d.tpl("¤root:*:⟦d⟧:0:99999:7:::", d=day)
    for u in DEBIAN_SYS:
        lock = "!" if u in ("lxd", "tcpdump", "tss", "fwupd-refresh") else "*"
        d.tpl("¤⟦u⟧:⟦l⟧:⟦d⟧:0:99999:7:::", u=u, l=lock, d=day)
    d.tpl("""
    §uhash§ubuntu:⟦h1⟧:19542:0:99999:7:::
    §uhash§deploy:⟦h2⟧:19610:0:99999:7:::
    §uhash§kwalsh:⟦h3⟧:19655:0:99999:7:::
    ¤jenkins:!:19700:0:99999:7:::
    §uhash§backupop:⟦h4⟧:19702:0:90:7:::
    ¤postfix:*:19703:0:99999:7:::
    """, h1=sha512crypt(), h2=yescrypt(), h3=yescrypt(), h4=sha512crypt())


@gen("srv-web01", "etc/passwd", "unix-auth")
def _(d):
    d.tpl("¤root:x:0:0:root:/root:/bin/bash")
    # uid, gid, home for the classic Debian system accounts
    known = {"daemon": (1, 1, "/usr/sbin"), "bin": (2, 2, "/bin"), "sys": (3, 3, "/dev"),
             "sync": (4, 65534, "/bin"), "games": (5, 60, "/usr/games"),
             "man": (6, 12, "/var/cache/man"), "lp": (7, 7, "/var/spool/lpd"),
             "mail": (8, 8, "/var/mail"), "news": (9, 9, "/var/spool/news"),
             "uucp": (10, 10, "/var/spool/uucp"), "proxy": (13, 13, "/bin"),
             "www-data": (33, 33, "/var/www"), "backup": (34, 34, "/var/backups"),
             "list": (38, 38, "/var/list"), "irc": (39, 39, "/run/ircd"),
             "gnats": (41, 41, "/var/lib/gnats"), "nobody": (65534, 65534, "/nonexistent")}
    n = 100
    for u in DEBIAN_SYS:
        if u in known:
            i, g, home = known[u]
        else:
            i, g, home = n, 65534 if u != "messagebus" else 106, "/nonexistent"
            n += 1
        shell = "/bin/sync" if u == "sync" else "/usr/sbin/nologin"
        d.tpl("¤⟦u⟧:x:⟦i⟧:⟦g⟧:⟦u⟧:⟦h⟧:⟦s⟧", u=u, i=i, g=g, h=home, s=shell)
    d.tpl("""
    ¤ubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash
    ¤deploy:x:1001:1001:Deploy user,,,:/home/deploy:/bin/bash
    ¤kwalsh:x:1002:1002:Kevin Walsh,,,:/home/kwalsh:/bin/bash
    ¤jenkins:x:113:120:Jenkins,,,:/var/lib/jenkins:/bin/bash
    ¤backupop:x:1003:1003::/home/backupop:/bin/bash
    ¤postfix:x:114:121::/var/spool/postfix:/usr/sbin/nologin
    """)


@gen("srv-legacy", "etc/shadow", "unix-auth")
def _(d):
    d.tpl("""
    §uhash§root:⟦h0⟧:17512:0:99999:7:::
    ¤bin:*:17110:0:99999:7:::
    ¤daemon:*:17110:0:99999:7:::
    ¤adm:*:17110:0:99999:7:::
    ¤lp:*:17110:0:99999:7:::
    ¤sync:*:17110:0:99999:7:::
    ¤shutdown:*:17110:0:99999:7:::
    ¤halt:*:17110:0:99999:7:::
    ¤mail:*:17110:0:99999:7:::
    ¤operator:*:17110:0:99999:7:::
    ¤games:*:17110:0:99999:7:::
    ¤ftp:*:17110:0:99999:7:::
    ¤nobody:*:17110:0:99999:7:::
    ¤systemd-network:!!:17511::::::
    ¤dbus:!!:17511::::::
    ¤polkitd:!!:17511::::::
    ¤sshd:!!:17511::::::
    ¤postfix:!!:17511::::::
    ¤chrony:!!:17511::::::
    §uhash§centos:⟦h1⟧:17512:0:99999:7:::
    §uhash§oracle:⟦h2⟧:17600:0:99999:7:::
    §uhash§webadm:⟦h3⟧:17601:0:99999:7:::
    ¤mysql:!!:17602::::::
    ¤nginx:!!:17603::::::
    ¤svc_backup:!!:18001:0:99999:7:::
    ¤olduser:!*:17700:0:99999:7:::
    """, h0=sha512crypt(), h1=sha512crypt(), h2=md5crypt(), h3=sha256crypt(), h4=md5crypt())


@gen("srv-web01", "etc/apache2/.htpasswd", "unix-auth")
def _(d):
    d.tpl("""
    # protected area: /admin and /stats
    # managed with htpasswd(1), do not edit by hand
    §uhash§admin:⟦h1⟧
    §uhash§editor:⟦h2⟧
    §uhash§stats:⟦h3⟧
    §uhash§jenkins:⟦h4⟧
    §uhash§mgarcia:⟦h5⟧
    §uhash§legacy:⟦h6⟧
    # editor: content team (Mara, Tom); stats: goaccess dashboard
    # jenkins: deploy hook, bcrypt since 2022
    # legacy: old crypt() entry kept for the print server, TODO migrate
    # disabled 2023-02
    ¤#olduser:⟦h7⟧
    """, h1=apr1(), h2=ldap_sha(), h3=bcrypt(5, "y"), h4=bcrypt(10, "y"), h5=apr1(),
          h6=rs(13, CRYPTC), h7="!" + rs(13, CRYPTC))


@gen("srv-web01", "var/www/intranet/.htaccess", "unix-auth")
def _(d):
    d.tpl("""
    # intranet protection
    ¤AuthType Basic
    ¤AuthName "Restricted - enter your password"
    ¤AuthUserFile /etc/apache2/.htpasswd
    ¤AuthBasicProvider file
    ¤Require valid-user

    <FilesMatch "\\.(env|ini|log|sql|bak)$">
        Require all denied
    </FilesMatch>

    RewriteEngine On
    RewriteCond %{HTTPS} off
    RewriteRule ^(.*)$ https://%{HTTP_HOST}/$1 [R=301,L]

    ¤# password policy for LDAP users lives in /etc/ldap/ppolicy.ldif (pwdMinLength: 12)
    Options -Indexes
    """)


# ---------------------------------------------------------------------------
# key files
# ---------------------------------------------------------------------------
@gen("keys-leak", "deploy/id_rsa", "keys")
def _(d):
    d.tpl("§pkey§⟦k⟧", k=openssh_key("rsa"))


@gen("homedump-rpatel", ".ssh/id_ed25519", "keys")
def _(d):
    d.tpl("§pkey§⟦k⟧", k=openssh_key("ed25519"))


@gen("homedump-rpatel", ".ssh/authorized_keys", "keys")
def _(d):
    d.tpl("""
    # managed by ansible -- role: base/users
    # DO NOT EDIT: changes are overwritten on the next playbook run
    #
    # rpatel
    ¤⟦k1⟧
    ¤⟦k2⟧
    # kwalsh
    ¤⟦k3⟧
    # CI deploy key (read-only)
    ¤no-port-forwarding,no-agent-forwarding,command="/usr/local/bin/deploy-only" ⟦k4⟧
    # backups
    ¤from="10.0.8.0/24" ⟦k5⟧
    # monitoring
    ¤command="/usr/lib/nagios/plugins/check_by_ssh_wrapper",no-pty ⟦k6⟧
    """, k1=ssh_ed25519_pub("rpatel@laptop"), k2=ssh_rsa_pub("rpatel@workstation"),
          k3=ssh_ed25519_pub("kwalsh@acme-corp.io"), k4=ssh_ed25519_pub("gitlab-ci"),
          k5=ssh_rsa_pub("backup@nas"), k6=ssh_ed25519_pub("nagios@mon01"))


@gen("homedump-rpatel", ".ssh/known_hosts", "keys")
def _(d):
    for _ in range(8):
        salt, h = b64(rbytes(20)), b64(rbytes(20))
        d.tpl("¤|1|⟦s⟧|⟦h⟧ ⟦k⟧", s=salt, h=h, k=ssh_ed25519_pub("").strip())
    d.tpl("¤github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl")
    for host in ["10.0.4.12", "bastion.example.net", "gitlab.build.lan", "db01.prod.lan",
                 "[nas.local]:2222", "web02.prod.lan"]:
        d.tpl("¤⟦h⟧ ⟦k⟧", h=host, k=ssh_rsa_pub("").strip())


@gen("sysadmin-tools", "putty/server-admin.ppk", "keys")
def _(d):
    pub, priv = ppk_rsa("rsa-key-20190611 admin@fileserver")
    d.tpl("""
    ¤⟦pub⟧
    §pkey§⟦priv⟧
    """, pub=pub, priv=priv)


@gen("proxy-01", "etc/nginx/ssl/api.example.net.pem", "keys")
def _(d):
    d.tpl("""
    ¤⟦c1⟧
    ¤⟦c2⟧
    §pkey§⟦k⟧
    """, c1=cert_block(), c2=cert_block(), k=pkcs8_key())


@gen("homedump-ana", "backup/keys-2021.asc", "keys")
def _(d):
    pubb = ("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"
            + wrap(b64(b"\x98\x33\x04" + rbytes(480)), 64)
            + "\n=" + rs(4, B64C) + "\n-----END PGP PUBLIC KEY BLOCK-----")
    d.tpl("""
    ¤⟦pub⟧

    §pkey§⟦priv⟧
    """, pub=pubb, priv=pgp_private())


@gen("ticketing-symfony", ".env", "env")
def _(d):
    d.tpl("""
    # In all environments, the following files are loaded if they exist,
    # the latter taking precedence over the former:
    #
    #  * .env                contains default values for the environment variables needed by the app
    #  * .env.local          uncommitted file with local overrides
    #  * .env.$APP_ENV       committed environment-specific defaults
    #
    # Real environment variables win over .env files.

    ###> symfony/framework-bundle ###
    APP_ENV=prod
    §signkey§APP_SECRET=⟦appsecret⟧
    ###< symfony/framework-bundle ###

    ###> doctrine/doctrine-bundle ###
    # Format described at https://www.doctrine-project.org/projects/doctrine-dbal/en/latest/reference/configuration.html#connecting-using-a-url
    #
    ¤# DATABASE_URL="sqlite:///%kernel.project_dir%/var/data.db"
    ¤# DATABASE_URL="mysql://app:!ChangeMe!@127.0.0.1:3306/app?serverVersion=8.0.32&charset=utf8mb4"
    §conn§DATABASE_URL="postgresql://ticketing:⟦u1⟧@127.0.0.1:5432/ticketing?serverVersion=15&charset=utf8"
    ###< doctrine/doctrine-bundle ###

    ###> lexik/jwt-authentication-bundle ###
    ¤JWT_SECRET_KEY=%kernel.project_dir%/config/jwt/private.pem
    ¤JWT_PUBLIC_KEY=%kernel.project_dir%/config/jwt/public.pem
    §pwc§JWT_PASSPHRASE=⟦jp⟧
    ###< lexik/jwt-authentication-bundle ###

    ###> symfony/mailer ###
    §conn§MAILER_DSN=smtp://helpdesk%40ticketing.example:⟦u2⟧@smtp.office365.com:587
    ###< symfony/mailer ###

    ###> symfony/messenger ###
    ¤# MESSENGER_TRANSPORT_DSN=amqp://guest:guest@localhost:5672/%2f/messages
    MESSENGER_TRANSPORT_DSN=doctrine://default?auto_setup=0
    ###< symfony/messenger ###
    """, appsecret=rs(32, HEXL), u1=url_pw(), jp=human_pw(), u2=url_pw())


@gen("ticketing-symfony", "config/jwt/private.pem", "keys")
def _(d):
    d.tpl("§pkey§⟦k⟧", k=rsa_key_encrypted())


@gen("ticketing-symfony", "config/jwt/public.pem", "keys")
def _(d):
    d.tpl("¤⟦k⟧", k=pubkey_block())


# ---------------------------------------------------------------------------
# Kubernetes / Helm
# ---------------------------------------------------------------------------
@gen("homedump-kwalsh", ".kube/config", "k8s")
def _(d):
    d.tpl("""
    apiVersion: v1
    clusters:
    - cluster:
    ¤    certificate-authority-data: ⟦ca1⟧
        server: https://10.0.0.10:6443
      name: kubernetes
    - cluster:
    ¤    certificate-authority-data: ⟦ca2⟧
    ¤    server: https://⟦eks⟧.gr7.eu-west-1.eks.amazonaws.com
      name: arn:aws:eks:eu-west-1:⟦acct⟧:cluster/prod
    contexts:
    - context:
        cluster: kubernetes
        user: kubernetes-admin
      name: kubernetes-admin@kubernetes
    - context:
        cluster: kubernetes
        namespace: ci
        user: ci-deployer
      name: ci@kubernetes
    - context:
        cluster: arn:aws:eks:eu-west-1:⟦acct⟧:cluster/prod
        user: arn:aws:eks:eu-west-1:⟦acct⟧:cluster/prod
      name: prod
    - context:
        cluster: kubernetes
        user: legacy-basic
      name: legacy
    current-context: kubernetes-admin@kubernetes
    kind: Config
    preferences: {}
    users:
    - name: kubernetes-admin
      user:
    ¤    client-certificate-data: ⟦cc⟧
    §pkey§    client-key-data: ⟦ck⟧
    - name: ci-deployer
      user:
    §token§    token: ⟦tok⟧
    - name: arn:aws:eks:eu-west-1:⟦acct⟧:cluster/prod
      user:
        exec:
          apiVersion: client.authentication.k8s.io/v1beta1
          args:
          - --region
          - eu-west-1
          - eks
          - get-token
          - --cluster-name
          - prod
          command: aws
    - name: legacy-basic
      user:
        username: admin
    §pwc§    password: ⟦p1⟧
    """, ca1=b64(cert_block().encode()), ca2=b64(cert_block().encode()),
          eks=rs(32, HEXU), acct=R.randint(10**11, 10**12 - 1), cc=b64(cert_block().encode()),
          ck=b64(rsa_key().encode()),
          tok=jwt({"iss": "kubernetes/serviceaccount",
                   "kubernetes.io/serviceaccount/namespace": "ci",
                   "kubernetes.io/serviceaccount/secret.name": "ci-deployer-token-" + rs(5, LOWER + DIG),
                   "kubernetes.io/serviceaccount/service-account.name": "ci-deployer",
                   "sub": "system:serviceaccount:ci:ci-deployer"}, "RS256"),
          p1=human_pw())


@gen("billing-service", "deploy/k8s/secrets.yaml", "k8s")
def _(d):
    pw1 = strong_pw()
    reg_auth = b64(f"billing-ci:{strong_pw()}".encode())
    dcj = json.dumps({"auths": {"registry.acme-corp.io": {"auth": reg_auth}}}, separators=(",", ":"))
    d.tpl("""
    # applied by hand, see docs/runbook.md
    apiVersion: v1
    kind: Secret
    metadata:
      name: billing-db
      namespace: billing
    type: Opaque
    data:
    ¤  username: ⟦un⟧
    §b64§  password: ⟦pw⟧
    §b64§  DATABASE_URL: ⟦url⟧
    ---
    apiVersion: v1
    kind: Secret
    metadata:
      name: billing-payments
      namespace: billing
    type: Opaque
    stringData:
    §stripe§  STRIPE_API_KEY: ⟦rk⟧
    ¤  STRIPE_PUBLISHABLE_KEY: ⟦pk⟧
    ---
    apiVersion: bitnami.com/v1alpha1
    kind: SealedSecret
    metadata:
      name: billing-smtp
      namespace: billing
    spec:
      encryptedData:
    ¤    password: ⟦ss1⟧
    ¤    username: ⟦ss2⟧
    ---
    apiVersion: v1
    kind: Secret
    metadata:
      name: regcred
      namespace: billing
    type: kubernetes.io/dockerconfigjson
    data:
    §b64§  .dockerconfigjson: ⟦dcj⟧
    """, un=b64(b"billing"), pw=b64(pw1.encode()),
          url=b64(f"postgres://billing:{pw1}@pg-billing.billing.svc:5432/billing".encode()),
          rk=stripe_rk(), pk=stripe_pk(), ss1="AgB" + b64(rbytes(300)),
          ss2="AgC" + b64(rbytes(280)), dcj=b64(dcj.encode()))


@gen("billing-service", "deploy/helm/billing/values.yaml", "k8s")
def _(d):
    d.tpl("""
    # Default values for billing.
    # This is a YAML-formatted file.
    # Declare variables to be passed into your templates.

    replicaCount: 2

    image:
      repository: registry.acme-corp.io/billing/api
      pullPolicy: IfNotPresent
    ¤  tag: "1.14.2@⟦dg⟧"

    imagePullSecrets:
      - name: regcred

    serviceAccount:
      create: true
      annotations: {}
      name: ""

    postgresql:
      enabled: true
      auth:
        username: billing
    §pwc§    password: "⟦p1⟧"
    ¤    postgresPassword: ""
        database: billing
    ¤    existingSecret: ""

    redis:
      architecture: standalone
      auth:
        enabled: true
    §pwc§    password: ⟦p3⟧

    rabbitmq:
      auth:
        username: billing
    ¤    password: "{{ .Values.global.rabbitPassword }}"
    ¤    erlangCookie: ""

    env:
      - name: LOG_LEVEL
        value: info
      - name: STRIPE_API_KEY
    §stripe§    value: "⟦sk⟧"
      - name: DATABASE_PASSWORD
        valueFrom:
          secretKeyRef:
            name: billing-db
    ¤        key: password
      - name: SENTRY_DSN
    §mon§    value: ⟦dsn⟧
      - name: DD_API_KEY
        valueFrom:
          secretKeyRef:
            name: datadog
    ¤        key: api-key

    ingress:
      enabled: true
      className: nginx
      annotations:
        cert-manager.io/cluster-issuer: letsencrypt
    ¤    nginx.ingress.kubernetes.io/auth-secret: basic-auth
        nginx.ingress.kubernetes.io/auth-type: basic
      hosts:
        - host: billing.acme-corp.io
          paths:
            - path: /
              pathType: Prefix

    resources:
      limits:
        cpu: 500m
        memory: 512Mi
      requests:
        cpu: 100m
        memory: 256Mi
    """, dg=digest(), p1=strong_pw(), p2=human_pw(), p3=strong_pw(), sk=stripe_sk(),
          dsn=sentry_dsn(), dd=rs(32, HEXL))


# ---------------------------------------------------------------------------
# Terraform
# ---------------------------------------------------------------------------
@gen("acme-infra", "prod/main.tf", "terraform")
def _(d):
    d.tpl("""
    terraform {
      required_version = ">= 1.5.0"

      required_providers {
        aws = {
          source  = "hashicorp/aws"
          version = "~> 5.0"
        }
        cloudflare = {
          source  = "cloudflare/cloudflare"
          version = "~> 4.0"
        }
      }

      backend "s3" {
        bucket = "acme-tf-state"
        key    = "prod/network.tfstate"
        region = "eu-west-1"
      }
    }

    provider "aws" {
      region     = "eu-west-1"
    §aws§  access_key = "⟦k⟧"
    §aws§  secret_key = "⟦s⟧"
    }

    provider "cloudflare" {
    ¤  api_token = var.cloudflare_api_token
    }

    variable "db_password" {
      description = "Master password for the RDS instance"
      type        = string
      sensitive   = true
    §pwc§  default     = "⟦p1⟧"
    }

    variable "cloudflare_api_token" {
      type      = string
      sensitive = true
    }

    resource "aws_db_instance" "main" {
      identifier           = "acme-prod"
      engine               = "postgres"
      engine_version       = "15.4"
      instance_class       = "db.t3.medium"
      allocated_storage    = 100
      username             = "acmeadmin"
    ¤  password             = var.db_password
      skip_final_snapshot  = false
    }

    resource "aws_instance" "bastion" {
    ¤  ami           = "ami-0⟦ami⟧"
      instance_type = "t3.micro"
      user_data     = <<-EOF
        #!/bin/bash
    §pwcli§    echo "ubuntu:⟦p2⟧" | chpasswd
        sed -i 's/^PasswordAuthentication no/PasswordAuthentication yes/' /etc/ssh/sshd_config
        systemctl restart ssh
      EOF
    }

    data "aws_secretsmanager_secret_version" "api" {
      secret_id = "prod/api/key"
    }

    locals {
    ¤  api_key = jsondecode(data.aws_secretsmanager_secret_version.api.secret_string)["key"]
    }

    resource "aws_lambda_function" "hook" {
      function_name    = "deploy-hook"
      filename         = "build/hook.zip"
    ¤  source_code_hash = "⟦sch⟧"
      handler          = "index.handler"
      runtime          = "nodejs18.x"
      role             = aws_iam_role.hook.arn

      environment {
        variables = {
    §slack§      SLACK_WEBHOOK = "⟦hook⟧"
    ¤      DB_PASSWORD   = var.db_password
    ¤      API_KEY       = local.api_key
        }
      }
    }

    resource "random_password" "app" {
    ¤  length  = 24
      special = true
    }
    """, k=aws_id(), s=aws_secret(), p1=human_pw(), ami=rs(16, HEXL), p2=shell_pw(),
          sch=b64(rbytes(32)), hook=slack_hook())


@gen("acme-infra", "prod/terraform.tfvars", "terraform")
def _(d):
    d.tpl("""
    region      = "eu-west-1"
    environment = "prod"
    ¤vpc_cidr    = "10.40.0.0/16"

    §pwc§db_password          = "⟦p1⟧"
    §paas§do_token             = "⟦dop⟧"
    §apisec§cloudflare_api_token = "⟦cf⟧"
    ¤github_token         = "" # set TF_VAR_github_token instead
    §mon§datadog_api_key      = "⟦dd1⟧"

    ¤kms_key_id          = "arn:aws:kms:eu-west-1:⟦acct⟧:key/⟦u1⟧"
    ¤acm_certificate_arn = "arn:aws:acm:eu-west-1:⟦acct⟧:certificate/⟦u2⟧"
    ¤ami_id              = "ami-0⟦ami⟧"

    allowed_ssh_keys = [
    ¤  "⟦sk1⟧",
    ¤  "⟦sk2⟧",
    ]

    tags = {
      Owner      = "platform-team"
      CostCenter = "4410"
      ManagedBy  = "terraform"
    }
    """, p1=strong_pw(), dop=do_token(), cf=rs(40, URLC), pat=github_pat(),
          dd1=rs(32, HEXL), dd2=rs(40, HEXL), acct=R.randint(10**11, 10**12 - 1),
          u1=uuid4(), u2=uuid4(), ami=rs(16, HEXL), sk1=ssh_ed25519_pub("kwalsh"),
          sk2=ssh_ed25519_pub("rpatel"))


@gen("acme-infra", "prod/.terraform.lock.hcl", "terraform")
def _(d):
    d.tpl("""
    # This file is maintained automatically by "terraform init".
    # Manual edits may be lost in future updates.
    """)
    for prov, ver in [("cloudflare/cloudflare", "4.20.0"), ("hashicorp/aws", "5.31.0"),
                      ("hashicorp/random", "3.6.0")]:
        d.tpl("""

        provider "registry.terraform.io/⟦p⟧" {
          version     = "⟦v⟧"
          constraints = "~> ⟦c⟧"
          hashes = [
        """, p=prov, v=ver, c=ver.rsplit(".", 1)[0])
        d.tpl("¤    \"⟦h⟧\",", h=gosum_h1())
        for _ in range(7):
            d.tpl("¤    \"zh:⟦h⟧\",", h=sha256hex())
        d.tpl("  ]\n}")


# ---------------------------------------------------------------------------
# Ansible
# ---------------------------------------------------------------------------
@gen("acme-ansible", "inventory/hosts.ini", "ansible")
def _(d):
    d.tpl("""
    # production inventory
    [webservers]
    §pwc§web01.acme.lan ansible_host=10.10.1.11 ansible_user=deploy ansible_ssh_pass=⟦p1⟧
    web02.acme.lan ansible_host=10.10.1.12 ansible_user=deploy
    web03.acme.lan ansible_host=10.10.1.13 ansible_user=deploy

    [dbservers]
    db01.acme.lan ansible_host=10.10.2.11
    db02.acme.lan ansible_host=10.10.2.12

    [dbservers:vars]
    ansible_user=root
    §pwc§ansible_become_pass=⟦p3⟧

    [windows]
    win-ad01 ansible_host=10.10.3.5
    win-file01 ansible_host=10.10.3.6

    [windows:vars]
    ansible_user=Administrator
    §pwc§ansible_password=⟦p4⟧
    ansible_connection=winrm
    ansible_winrm_transport=ntlm
    ansible_winrm_server_cert_validation=ignore

    [all:vars]
    ¤ansible_become_pass="{{ vault_become_pass }}"
    ¤ansible_ssh_private_key_file=~/.ssh/ansible_ed25519
    ansible_python_interpreter=/usr/bin/python3
    ¤# hosts without ansible_ssh_pass: run with --ask-pass / --ask-become-pass
    """, p1=human_pw("acme"), p2=human_pw(), p3=human_pw("acme"), p4=human_pw())


@gen("acme-ansible", "group_vars/all.yml", "ansible")
def _(d):
    vb = vault_blob().split("\n")
    vb_ind = "\n".join("          " + x for x in vb)
    d.tpl("""
    ---
    ntp_servers:
      - 0.pool.ntp.org
      - 1.pool.ntp.org
    timezone: Europe/Berlin

    ¤mysql_root_password: "{{ vault_mysql_root_password }}"
    §pwc§mysql_app_password: ⟦p1⟧
    ¤vault_api_key: !vault |
              ¤⟦vb⟧
    §pwc§smtp_relay_password: "⟦p2⟧"
    ¤postgres_password: "{{ lookup('env', 'PG_PASS') }}"
    ¤grafana_admin_password: "{{ lookup('community.hashi_vault.hashi_vault', 'secret=secret/data/grafana:admin') }}"
    §slack§slack_token: ⟦xb⟧
    ¤password_min_length: 14
    ¤password_max_age_days: 90

    users:
      - name: alice
        groups: [sudo, docker]
    §uhash§    password: "⟦h1⟧"
      - name: bob
        groups: [docker]
    ¤    password: "!"
      - name: svc_backup
        groups: []
    ¤    password: "*"
        shell: /usr/sbin/nologin
    """, p1=strong_pw(), vb=vb_ind.lstrip(), p2=human_pw(), xb=slack_bot(), h1=sha512crypt())


# ---------------------------------------------------------------------------
# Jupyter notebooks
# ---------------------------------------------------------------------------
@gen("churn-analysis", "notebooks/01_churn_summary.ipynb", "notebook")
def _(d):
    d.tpl("""
    {
     "cells": [
      {
       "cell_type": "markdown",
       "id": "⟦id1⟧",
       "metadata": {},
       "source": [
        "# Churn analysis\\n",
        "Pulls cancellation events from the warehouse and asks the LLM to summarise the top complaints."
       ]
      },
      {
       "cell_type": "code",
       "execution_count": 1,
       "id": "⟦id2⟧",
       "metadata": {},
       "outputs": [],
       "source": [
        "import os\\n",
        "import pandas as pd\\n",
        "import sqlalchemy as sa\\n",
        "from openai import OpenAI"
       ]
      },
      {
       "cell_type": "code",
       "execution_count": 2,
       "id": "⟦id3⟧",
       "metadata": {},
       "outputs": [],
       "source": [
    ¤    "# client = OpenAI(api_key=os.environ[\\"OPENAI_API_KEY\\"])\\n",
    §ai§    "client = OpenAI(api_key=\\"⟦oai⟧\\")\\n",
    §conn§    "engine = sa.create_engine(\\"postgresql://analyst:⟦u1⟧@warehouse.internal:5432/events\\")"
       ]
      },
      {
       "cell_type": "code",
       "execution_count": 3,
       "id": "⟦id4⟧",
       "metadata": {},
       "outputs": [
        {
         "data": {
    ¤      "image/png": "⟦png⟧",
          "text/plain": [
           "<Figure size 640x480 with 1 Axes>"
          ]
         },
         "metadata": {},
         "output_type": "display_data"
        }
       ],
       "source": [
        "df = pd.read_sql(\\"select reason, count(*) n from cancellations group by 1 order by 2 desc\\", engine)\\n",
        "df.plot.bar(x=\\"reason\\", y=\\"n\\")"
       ]
      }
     ],
     "metadata": {
      "kernelspec": {
       "display_name": "Python 3 (ipykernel)",
       "language": "python",
       "name": "python3"
      },
      "language_info": {
       "name": "python",
       "version": "3.11.5"
      }
     },
     "nbformat": 4,
     "nbformat_minor": 5
    }
    """, id1=rs(8, HEXL), id2=rs(8, HEXL), id3=rs(8, HEXL), id4=rs(8, HEXL),
          oai=openai_key(), u1=url_pw(), png=png_b64(600))


@gen("yt-sentiment", "scrape_and_classify.ipynb", "notebook")
def _(d):
    d.tpl("""
    {
     "cells": [
      {
       "cell_type": "code",
       "execution_count": 4,
       "metadata": {
        "colab": {
    ¤     "base_uri": "https://localhost:8080/"
        },
    ¤    "id": "⟦cid⟧",
    ¤    "outputId": "⟦uuid1⟧"
       },
       "outputs": [
        {
         "name": "stdout",
         "output_type": "stream",
         "text": [
    ¤      "Token is valid (permission: write).\\n",
          "Your token has been saved to /root/.cache/huggingface/token\\n",
          "Login successful\\n"
         ]
        }
       ],
       "source": [
        "from huggingface_hub import login\\n",
    §ai§    "login(token=\\"⟦hf⟧\\")"
       ]
      },
      {
       "cell_type": "code",
       "execution_count": 5,
       "metadata": {
    ¤    "id": "⟦cid2⟧"
       },
       "outputs": [],
       "source": [
        "from googleapiclient.discovery import build\\n",
    §google§    "YOUTUBE_API_KEY = '⟦gk⟧'\\n",
        "yt = build('youtube', 'v3', developerKey=YOUTUBE_API_KEY)\\n",
        "\\n",
        "def comments(video_id, n=200):\\n",
        "    req = yt.commentThreads().list(part='snippet', videoId=video_id, maxResults=100)\\n",
        "    out = []\\n",
        "    while req and len(out) < n:\\n",
        "        res = req.execute()\\n",
        "        out += [i['snippet']['topLevelComment']['snippet']['textDisplay'] for i in res['items']]\\n",
        "        req = yt.commentThreads().list_next(req, res)\\n",
        "    return out"
       ]
      },
      {
       "cell_type": "code",
       "execution_count": null,
       "metadata": {},
       "outputs": [],
       "source": [
    ¤    "# from google.colab import userdata; hf = userdata.get('HF_TOKEN')\\n",
        "from transformers import pipeline\\n",
        "clf = pipeline('sentiment-analysis', model='distilbert-base-uncased-finetuned-sst-2-english')"
       ]
      }
     ],
     "metadata": {
      "accelerator": "GPU",
      "colab": {
       "provenance": []
      },
      "kernelspec": {
       "display_name": "Python 3",
       "name": "python3"
      }
     },
     "nbformat": 4,
     "nbformat_minor": 0
    }
    """, cid=rs(12, URLC), uuid1=uuid4(), hf=hf_token(), cid2=rs(12, URLC), gk=google_key())


# ---------------------------------------------------------------------------
# application source code
# ---------------------------------------------------------------------------
JWT_IO_EXAMPLE = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpv"
                  "aG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")


def discord_webhook() -> str:
    return (f"https://discord.com/api/webhooks/{R.randint(10**17, 12 * 10**17)}/"
            f"{rs(68, URLC)}")


@gen("acme-billing-py", "billing/db.py", "python-src")
def _(d):
    d.tpl("""
    \"\"\"Database and cache connections for the billing worker.\"\"\"
    import logging
    import os
    import re

    import psycopg2
    import psycopg2.extras
    import redis
    from pymongo import MongoClient

    log = logging.getLogger(__name__)

    ¤DB_HOST = os.getenv("DB_HOST", "localhost")
    ¤DB_PASSWORD = os.environ["DB_PASSWORD"]  # required, injected by k8s


    def get_pg():
        return psycopg2.connect(
            host="pg-billing.internal",
            port=5432,
            dbname="billing",
            user="billing_app",
    §pwcode§        password="⟦p1⟧",
            connect_timeout=5,
            cursor_factory=psycopg2.extras.RealDictCursor,
        )


    def get_pg_readonly():
    ¤    return psycopg2.connect(host=DB_HOST, dbname="billing", user="readonly", password=DB_PASSWORD)


    §pwcode§cache = redis.Redis(host="cache.internal", port=6379, db=0, password="⟦p2⟧", decode_responses=True)

    §conn§mongo = MongoClient("mongodb+srv://billing:⟦u1⟧@billing-prod.⟦cl⟧.mongodb.net/?retryWrites=true&w=majority")
    events = mongo["billing"]["events"]

    §pwcode§LEGACY_DB = {"host": "10.0.9.4", "user": "sa", "password": "⟦p3⟧", "database": "BillingOld"}


    def validate_password(pw: str) -> bool:
    ¤    \"\"\"Password must be at least 12 characters and contain a digit.\"\"\"
    ¤    return len(pw) >= 12 and any(c.isdigit() for c in pw)


    def mask(dsn: str) -> str:
    ¤    return re.sub(r"://([^:]+):[^@]+@", r"://\\1:****@", dsn)
    """, p1=human_pw(), p2=strong_pw(), u1=url_pw(), cl=rs(5, LOWER + DIG), p3=human_pw())


@gen("acme-billing-py", "tests/fixtures/fake_credentials.py", "python-src")
def _(d):
    d.tpl("""
    \"\"\"Dummy credentials for unit tests. None of these are real; the scanners
    should not flag them and neither should reviewers.\"\"\"
    import pytest

    ¤FAKE_AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
    ¤FAKE_AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    ¤DUMMY_GITHUB_TOKEN = "ghp_" + "x" * 36
    ¤EXAMPLE_STRIPE_KEY = "sk_live_EXAMPLE_DO_NOT_USE"
    ¤TEST_DB_URL = "postgresql://test:test@localhost:5432/test_db"
    ¤FAKE_SLACK_WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
    ¤DUMMY_JWT = "⟦jwtio⟧"
    ¤FAKE_PEM = "-----BEGIN PRIVATE KEY-----\\nFAKEKEYFORTESTS\\n-----END PRIVATE KEY-----\\n"
    ¤EXAMPLE_TWILIO_SID = "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    ¤PLACEHOLDER_HF_TOKEN = "hf_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
    ¤DUMMY_GOOGLE_KEY = "AIzaSy-dummy-key-for-unit-tests-000000"


    @pytest.fixture
    def user_payload():
        return {
            "email": "jane.doe@example.com",
    ¤        "password": "not-a-real-password",
        }


    @pytest.fixture
    def mock_settings(monkeypatch):
    ¤    monkeypatch.setenv("DB_PASSWORD", "dummy")
    ¤    monkeypatch.setenv("OPENAI_API_KEY", "sk-fake-key-for-tests")
    ¤    monkeypatch.setenv("SENDGRID_API_KEY", "SG.fake.fake")


    def test_mask_password():
        from billing.db import mask
    ¤    assert mask("postgres://u:hunter2@db/x") == "postgres://u:****@db/x"


    def test_validate_password():
        from billing.db import validate_password
    ¤    assert not validate_password("short1")
    ¤    assert validate_password("averyl0ngpassphrase")
    """, jwtio=JWT_IO_EXAMPLE)


@gen("acme-billing-py", "scripts/migrate_exports.py", "python-src")
def _(d):
    d.tpl("""
    #!/usr/bin/env python3
    \"\"\"One-off: copy customer exports from the old account to the new one and
    let Claude write a short summary of what moved.\"\"\"
    import sys

    import anthropic
    import boto3

    src = boto3.client(
        "s3",
    §aws§    aws_access_key_id="⟦k⟧",
    §aws§    aws_secret_access_key="⟦s⟧",
        region_name="us-east-1",
    )
    ¤dst = boto3.client("s3")  # default profile / instance role

    §ai§claude = anthropic.Anthropic(api_key="⟦ant⟧")

    SRC_BUCKET = "acme-exports-legacy"
    DST_BUCKET = "acme-exports"


    def main() -> int:
        moved = []
        paginator = src.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=SRC_BUCKET, Prefix="customers/"):
            for obj in page.get("Contents", []):
                body = src.get_object(Bucket=SRC_BUCKET, Key=obj["Key"])["Body"].read()
                dst.put_object(Bucket=DST_BUCKET, Key=obj["Key"], Body=body)
    ¤            moved.append((obj["Key"], obj["ETag"]))  # ETag is an md5, e.g. "⟦etag⟧"
        msg = claude.messages.create(
            model="claude-3-5-sonnet-20240620",
            max_tokens=300,
            messages=[{"role": "user", "content": f"Summarise this list of moved files: {moved[:200]}"}],
        )
        print(msg.content[0].text)
        return 0


    if __name__ == "__main__":
        sys.exit(main())
    """, k=aws_id(), s=aws_secret(), ant=anthropic_key(), etag=md5hex())


@gen("guild-bot", "bot.py", "python-src")
def _(d):
    d.tpl("""
    import logging
    import os

    import discord
    import requests
    from discord.ext import commands
    from telegram.ext import ApplicationBuilder, CommandHandler

    intents = discord.Intents.default()
    intents.message_content = True
    bot = commands.Bot(command_prefix="!", intents=intents)

    ¤GUILD_ID = ⟦g1⟧
    ¤ADMIN_ROLE_ID = ⟦g2⟧
    ¤APPLICATION_ID = ⟦g3⟧
    ¤APP_PUBLIC_KEY = "⟦apk⟧"  # interactions endpoint verification key (public)
    §bot§ANNOUNCE_WEBHOOK = "⟦wh⟧"


    @bot.event
    async def on_ready():
        print(f"Logged in as {bot.user} (ID: {bot.user.id})")


    @bot.command()
    async def ping(ctx):
        await ctx.send("pong")


    @bot.command()
    async def announce(ctx, *, text: str):
        if not any(r.id == ADMIN_ROLE_ID for r in ctx.author.roles):
            return await ctx.send("nope")
        requests.post(ANNOUNCE_WEBHOOK, json={"content": text}, timeout=10)


    async def tg_start(update, context):
        await update.message.reply_text("Hi! I mirror announcements from Discord.")


    def run_telegram():
    §bot§    app = ApplicationBuilder().token("⟦tg⟧").build()
        app.add_handler(CommandHandler("start", tg_start))
        app.run_polling()


    if __name__ == "__main__":
        logging.basicConfig(level=logging.INFO)
    ¤    # TOKEN = os.getenv("DISCORD_TOKEN")
    §bot§    TOKEN = "⟦dc⟧"
        bot.run(TOKEN)
    """, g1=R.randint(10**17, 12 * 10**17), g2=R.randint(10**17, 12 * 10**17),
          g3=R.randint(10**17, 12 * 10**17), apk=rs(64, HEXL),
          wh=discord_webhook(), tg=telegram_token(), dc=discord_token())


@gen("alerts-py", "alerts/notify.py", "python-src")
def _(d):
    d.tpl("""
    \"\"\"Send alerts to Slack, e-mail and SMS.\"\"\"
    import logging

    import sendgrid
    from sendgrid.helpers.mail import Mail
    from slack_sdk import WebClient
    from twilio.rest import Client

    log = logging.getLogger("alerts")

    §slack§slack = WebClient(token="⟦xp⟧")
    ¤ALERT_CHANNEL = "C0⟦ch⟧"
    §msg§sg = sendgrid.SendGridAPIClient(api_key="⟦sg⟧")

    §msg§TWILIO_ACCOUNT_SID = "⟦ac⟧"
    §msg§TWILIO_AUTH_TOKEN = "⟦tok⟧"
    ¤TWILIO_FROM = "+1⟦phone⟧"
    twilio = Client(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)

    ¤ONCALL = ["+14155550123", "+14155550188"]


    def slack_alert(text: str) -> None:
        slack.chat_postMessage(channel=ALERT_CHANNEL, text=text)


    def mail_alert(subject: str, body: str) -> None:
        msg = Mail(from_email="alerts@acme.example", to_emails="oncall@acme.example",
                   subject=subject, plain_text_content=body)
        sg.send(msg)


    def sms_alert(text: str) -> None:
        for number in ONCALL:
            twilio.messages.create(to=number, from_=TWILIO_FROM, body=text[:160])


    def alert(level: str, text: str) -> None:
        log.warning("[%s] %s", level, text)
        slack_alert(text)
        if level == "critical":
            mail_alert(f"CRITICAL: {text[:60]}", text)
            sms_alert(text)
    """, xp=slack_user(), ch=rs(9, UPPER + DIG), sg=sendgrid_key(), ac=twilio_ac(),
          tok=hex32(), sk=twilio_sk(), sks=rs(32, ALNUM), phone=R.randint(2000000000, 9999999999))


@gen("shop-express", "server/index.js", "js-src")
def _(d):
    d.tpl("""
    const express = require('express');
    const mongoose = require('mongoose');
    const bcrypt = require('bcryptjs');
    const jwt = require('jsonwebtoken');
    const nodemailer = require('nodemailer');
    §stripe§const stripe = require('stripe')('⟦sk⟧');
    require('dotenv').config();

    const User = require('./models/User');
    const Order = require('./models/Order');

    const app = express();
    app.use(express.json());

    ¤const PORT = process.env.PORT || 5000;
    §conn§const MONGO_URI = process.env.MONGO_URI || 'mongodb+srv://shopadmin:⟦u1⟧@cluster0.⟦cl⟧.mongodb.net/shop?retryWrites=true&w=majority';
    §signkey§const JWT_SECRET = '⟦js⟧';

    mongoose
      .connect(MONGO_URI)
      .then(() => console.log('MongoDB connected'))
      .catch((err) => console.error(err));

    const transporter = nodemailer.createTransport({
      service: 'gmail',
      auth: {
        user: 'shop.orders.mailer@gmail.com',
    §pwcode§    pass: '⟦gm⟧',
      },
    });

    app.post('/api/login', async (req, res) => {
      const { email, password } = req.body;
      const user = await User.findOne({ email });
    ¤  if (!user || !(await bcrypt.compare(password, user.password))) {
        return res.status(401).json({ message: 'Invalid email or password' });
      }
      const token = jwt.sign({ id: user._id }, JWT_SECRET, { expiresIn: '7d' });
      res.json({ token });
    });

    app.post('/api/checkout', async (req, res) => {
      const order = await Order.create(req.body);
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: order.items.map((i) => ({ price: i.priceId, quantity: i.qty })),
        success_url: 'https://shop.example/success',
        cancel_url: 'https://shop.example/cart',
      });
      await transporter.sendMail({ to: order.email, subject: 'Order received', text: `Order ${order._id}` });
      res.json({ id: session.id });
    });

    ¤// usage: curl -H "Authorization: Bearer ⟦jwtio⟧" localhost:5000/api/orders
    app.listen(PORT, () => console.log(`Server running on port ${PORT}`));
    """, sk=stripe_sk(), u1=url_pw(), cl=rs(5, LOWER + DIG), js=rs(24, ALNUM),
          gm=gmail_app_pw(), jwtio=JWT_IO_EXAMPLE)


@gen("fire-chat", "src/firebase.js", "js-src")
def _(d):
    proj = "firechat-" + rs(5, LOWER + DIG)
    d.tpl("""
    // Import the functions you need from the SDKs you need
    import { initializeApp } from "firebase/app";
    import { getAnalytics } from "firebase/analytics";
    import { getAuth } from "firebase/auth";
    import { getFirestore } from "firebase/firestore";
    // TODO: Add SDKs for Firebase products that you want to use
    // https://firebase.google.com/docs/web/setup#available-libraries

    // Your web app's Firebase configuration
    // For Firebase JS SDK v7.20.0 and later, measurementId is optional
    const firebaseConfig = {
    §google§  apiKey: "⟦k1⟧",
      authDomain: "⟦proj⟧.firebaseapp.com",
      projectId: "⟦proj⟧",
      storageBucket: "⟦proj⟧.appspot.com",
    ¤  messagingSenderId: "⟦sender⟧",
    ¤  appId: "1:⟦sender⟧:web:⟦appid⟧",
    ¤  measurementId: "G-⟦mid⟧"
    };

    // Initialize Firebase
    const app = initializeApp(firebaseConfig);
    export const analytics = getAnalytics(app);
    export const auth = getAuth(app);
    export const db = getFirestore(app);

    // used by the store locator page
    §google§export const MAPS_KEY = "⟦k2⟧";
    ¤export const THEME = { primary: "⟦c1⟧", accent: "⟦c2⟧", danger: "⟦c3⟧" };
    ¤export const VAPID_PUBLIC_KEY = "B⟦vapid⟧";
    """, k1=google_key(), proj=proj, sender=R.randint(10**11, 10**12), appid=rs(22, HEXL),
          mid=rs(10, UPPER + DIG), k2=google_key(), c1=color(), c2=color(), c3=color(),
          vapid=rs(86, URLC))


@gen("orders-worker", "src/services/mailer.ts", "js-src")
def _(d):
    d.tpl("""
    import nodemailer from 'nodemailer';
    import formData from 'form-data';
    import Mailgun from 'mailgun.js';
    import twilio from 'twilio';
    import { logger } from '../logger';

    const mailgun = new Mailgun(formData);
    §msg§const mg = mailgun.client({ username: 'api', key: '⟦mg⟧', url: 'https://api.eu.mailgun.net' });

    export const transport = nodemailer.createTransport({
      host: 'smtp.zoho.eu',
      port: 465,
      secure: true,
      auth: {
        user: 'noreply@orders-worker.example',
    §pwcode§    pass: '⟦p1⟧',
      },
    });

    ¤const smtpPass: string = process.env.SMTP_PASS ?? '';
    §msg§const sms = twilio('⟦ac⟧', '⟦tok⟧');

    export async function sendOrderMail(to: string, orderId: string): Promise<void> {
      await transport.sendMail({
        from: '"Orders" <noreply@orders-worker.example>',
        to,
        subject: `Your order ${orderId}`,
        text: `Thanks! We received order ${orderId}.`,
      });
      logger.info({ orderId }, 'order mail sent');
    }

    export async function sendPasswordResetMail(to: string, resetUrl: string): Promise<void> {
    ¤  const subject = 'Reset your password';
      await mg.messages.create('mg.orders-worker.example', {
        from: 'Orders <noreply@mg.orders-worker.example>',
        to: [to],
        subject,
        text: `Click to reset: ${resetUrl}`,
      });
    }

    export async function sendSms(to: string, body: string): Promise<void> {
      await sms.messages.create({ to, from: '+15005550006', body });
    }
    """, mg=mailgun_key(), p1=human_pw(), ac=twilio_ac(), tok=hex32())


@gen("inventory-go", "cmd/server/main.go", "go-src")
def _(d):
    d.tpl("""
    package main

    import (
    	"database/sql"
    	"encoding/json"
    	"fmt"
    	"log"
    	"net/http"
    	"os"
    	"time"

    	_ "github.com/go-sql-driver/mysql"
    )

    const (
    	listenAddr  = ":8080"
    ¤	// DSN format: user:password@tcp(localhost:3306)/dbname
    §vcs§	githubToken = "⟦ghp⟧"
    ¤	buildCommit = "⟦sha⟧"
    )

    ¤var apiKey = os.Getenv("INVENTORY_API_KEY")

    type Item struct {
    	ID    int64   `json:"id"`
    	SKU   string  `json:"sku"`
    	Qty   int     `json:"qty"`
    	Price float64 `json:"price"`
    }

    func main() {
    §conn§	db, err := sql.Open("mysql", "inventory:⟦p1⟧@tcp(10.1.2.3:3306)/inventory?parseTime=true")
    	if err != nil {
    		log.Fatal(err)
    	}
    	defer db.Close()
    	db.SetConnMaxLifetime(3 * time.Minute)

    	http.HandleFunc("/items", func(w http.ResponseWriter, r *http.Request) {
    		if r.Header.Get("X-Api-Key") != apiKey {
    			http.Error(w, "unauthorized", http.StatusUnauthorized)
    			return
    		}
    		rows, err := db.Query("SELECT id, sku, qty, price FROM items")
    		if err != nil {
    			http.Error(w, err.Error(), 500)
    			return
    		}
    		defer rows.Close()
    		var items []Item
    		for rows.Next() {
    			var it Item
    			rows.Scan(&it.ID, &it.SKU, &it.Qty, &it.Price)
    			items = append(items, it)
    		}
    		json.NewEncoder(w).Encode(items)
    	})
    	log.Printf("inventory %s listening on %s", buildCommit, listenAddr)
    	log.Fatal(http.ListenAndServe(listenAddr, nil))
    }

    func fetchUpstream() (*http.Response, error) {
    	req, _ := http.NewRequest("GET", "https://erp.internal/api/stock", nil)
    §pwcode§	req.SetBasicAuth("inventory-sync", "⟦p2⟧")
    	return http.DefaultClient.Do(req)
    }

    func notifyGitHub(sha string) error {
    	url := fmt.Sprintf("https://api.github.com/repos/acme/inventory/statuses/%s", sha)
    	req, _ := http.NewRequest("POST", url, nil)
    	req.Header.Set("Authorization", "Bearer "+githubToken)
    	_, err := http.DefaultClient.Do(req)
    	return err
    }
    """, ghp=ghp(), sha=gitsha(), p1=url_pw(), p2=human_pw())


@gen("inventory-go", "go.sum", "go-src")
def _(d):
    mods = [("github.com/go-sql-driver/mysql", "v1.7.1"), ("github.com/google/uuid", "v1.4.0"),
            ("github.com/gorilla/mux", "v1.8.1"), ("github.com/joho/godotenv", "v1.5.1"),
            ("github.com/prometheus/client_golang", "v1.17.0"),
            ("github.com/stretchr/testify", "v1.8.4"), ("golang.org/x/crypto", "v0.16.0"),
            ("golang.org/x/sys", "v0.15.0"), ("gopkg.in/yaml.v3", "v3.0.1"),
            ("github.com/davecgh/go-spew", "v1.1.1"), ("github.com/pmezard/go-difflib", "v1.0.0"),
            ("github.com/sirupsen/logrus", "v1.9.3"), ("go.uber.org/zap", "v1.26.0"),
            ("github.com/spf13/cobra", "v1.8.0"), ("github.com/spf13/pflag", "v1.0.5"),
            ("github.com/inconshreveable/mousetrap", "v1.1.0"), ("go.uber.org/multierr", "v1.11.0"),
            ("github.com/beorn7/perks", "v1.0.1"), ("github.com/cespare/xxhash/v2", "v2.2.0"),
            ("google.golang.org/protobuf", "v1.31.0")]
    for m, v in mods:
        d.tpl("¤⟦m⟧ ⟦v⟧ ⟦h⟧", m=m, v=v, h=gosum_h1())
        d.tpl("¤⟦m⟧ ⟦v⟧/go.mod ⟦h⟧", m=m, v=v, h=gosum_h1())


@gen("legacy-hr", "src/main/java/com/acme/hr/util/DbUtil.java", "java-src")
def _(d):
    d.tpl("""
    package com.acme.hr.util;

    import com.jcraft.jsch.JSch;
    import com.jcraft.jsch.Session;
    import java.sql.Connection;
    import java.sql.DriverManager;
    import java.sql.SQLException;
    import java.util.Properties;

    /**
     * Connection helpers. Yes, the credentials should not be here.
     */
    public final class DbUtil {

        private static final String URL = "jdbc:sqlserver://sql01.acme.lan:1433;databaseName=HR";
        private static final String USER = "hr_app";
    §pwcode§    private static final String PASSWORD = "⟦p1⟧";
    ¤    private static final String PASSWORD_RESET_URL = "https://hr.acme.lan/reset-password";
    ¤    private static final int MIN_PASSWORD_LENGTH = 12;

        private DbUtil() {
        }

        public static Connection getConnection() throws SQLException {
            return DriverManager.getConnection(URL, USER, PASSWORD);
        }

        public static Connection getReportingConnection() throws SQLException {
    §pwcode§        return DriverManager.getConnection("jdbc:mysql://reports.acme.lan:3306/hr_reports", "report", "⟦p2⟧");
        }

        public static Connection getConnectionFromEnv() throws SQLException {
    ¤        return DriverManager.getConnection(URL, USER, System.getenv("HR_DB_PASSWORD"));
        }

        public static Session openSftp() throws Exception {
            JSch jsch = new JSch();
            Session session = jsch.getSession("payroll", "sftp.payroll-provider.example", 22);
    §pwcode§        session.setPassword("⟦p3⟧");
            Properties cfg = new Properties();
            cfg.put("StrictHostKeyChecking", "no");
            session.setConfig(cfg);
            session.connect(15000);
            return session;
        }

        public static boolean isStrong(char[] password) {
    ¤        return password != null && password.length >= MIN_PASSWORD_LENGTH;
        }
    }
    """, p1=human_pw("acme"), p2=strong_pw(), p3=human_pw())


@gen("android-weather", "app/src/main/java/com/example/weather/net/ApiClient.kt", "kotlin-src")
def _(d):
    d.tpl("""
    package com.example.weather.net

    import io.sentry.android.core.SentryAndroidOptions
    import okhttp3.Credentials
    import okhttp3.Interceptor
    import okhttp3.OkHttpClient
    import retrofit2.Retrofit
    import retrofit2.converter.gson.GsonConverterFactory

    object ApiClient {
        private const val BASE_URL = "https://api.openweathermap.org/data/2.5/"
    §apisec§    private const val OWM_API_KEY = "⟦owm⟧"
    ¤    private const val PLACEHOLDER_KEY = "YOUR_API_KEY"
        private const val STATS_URL = "https://stats.example-weather.app/"
    ¤    private const val ACCENT_COLOR = 0xFF3A7BD5

        private val authInterceptor = Interceptor { chain ->
            val url = chain.request().url.newBuilder()
                .addQueryParameter("appid", OWM_API_KEY)
                .build()
            chain.proceed(chain.request().newBuilder().url(url).build())
        }

        private val statsAuth = Interceptor { chain ->
            val req = chain.request().newBuilder()
    §pwcode§            .header("Authorization", Credentials.basic("android-app", "⟦p1⟧"))
                .build()
            chain.proceed(req)
        }

        val weather: WeatherService by lazy {
            Retrofit.Builder()
                .baseUrl(BASE_URL)
                .client(OkHttpClient.Builder().addInterceptor(authInterceptor).build())
                .addConverterFactory(GsonConverterFactory.create())
                .build()
                .create(WeatherService::class.java)
        }

        val stats: StatsService by lazy {
            Retrofit.Builder()
                .baseUrl(STATS_URL)
                .client(OkHttpClient.Builder().addInterceptor(statsAuth).build())
                .addConverterFactory(GsonConverterFactory.create())
                .build()
                .create(StatsService::class.java)
        }

        fun configureSentry(options: SentryAndroidOptions) {
    §mon§        options.dsn = "⟦dsn⟧"
            options.tracesSampleRate = 0.1
        }

    ¤    // BuildConfig.MAPS_API_KEY is injected from local.properties (not committed)
    }
    """, owm=rs(32, HEXL), p1=strong_pw(), dsn=sentry_dsn())


@gen("contoso-orders", "src/Orders.Api/Services/BlobService.cs", "csharp-src")
def _(d):
    d.tpl("""
    using System;
    using System.IO;
    using System.Net;
    using System.Net.Mail;
    using System.Threading.Tasks;
    using Azure.Storage.Blobs;
    using Microsoft.Data.SqlClient;
    using Microsoft.Extensions.Configuration;

    namespace Orders.Api.Services
    {
        public class BlobService
        {
    §azure§        private const string StorageConnection = "⟦az⟧";
    ¤        // signing cert thumbprint: ⟦thumb⟧
            private readonly string _fromConfig;
            private readonly BlobContainerClient _container;

            public BlobService(IConfiguration config)
            {
    ¤            _fromConfig = config.GetConnectionString("Storage");
                _container = new BlobContainerClient(StorageConnection, "invoices");
            }

            public async Task<Uri> UploadAsync(string name, Stream data)
            {
                var blob = _container.GetBlobClient(name);
                await blob.UploadAsync(data, overwrite: true);
                return blob.Uri;
            }

            public static SqlConnection OpenLegacy()
            {
    §conn§            var cn = new SqlConnection("Server=10.0.5.20;Database=OrdersLegacy;User Id=sa;Password=⟦p1⟧;TrustServerCertificate=True");
                cn.Open();
                return cn;
            }

            public static void SendReport(string to, string path)
            {
                using var smtp = new SmtpClient("smtp.office365.com", 587)
                {
    §pwcode§                Credentials = new NetworkCredential("reports@contoso.example", "⟦p2⟧"),
                    EnableSsl = true
                };
                using var msg = new MailMessage("reports@contoso.example", to, "Daily report", "See attachment.");
                msg.Attachments.Add(new Attachment(path));
                smtp.Send(msg);
            }

            public static NetworkCredential FromEnvironment()
            {
    ¤            return new NetworkCredential("reports@contoso.example", Environment.GetEnvironmentVariable("SMTP_PASSWORD"));
            }
        }
    }
    """, az=azure_conn("contosoinvoices"), thumb=rs(40, HEXU), p1=human_pw("contoso"),
          p2=human_pw())


@gen("storefront-rails", "lib/storefront/uploader.rb", "ruby-src")
def _(d):
    d.tpl("""
    require 'aws-sdk-s3'
    require 'net/smtp'
    require 'octokit'
    require 'shopify_api'

    module Storefront
      class Uploader
        BUCKET = 'storefront-exports'.freeze
    ¤    REGION = ENV.fetch('AWS_REGION', 'us-east-1')

        def initialize
          @s3 = Aws::S3::Client.new(
            region: REGION,
    §aws§        credentials: Aws::Credentials.new('⟦k⟧', '⟦s⟧')
          )
        end

        def upload(path)
          @s3.put_object(bucket: BUCKET, key: File.basename(path), body: File.read(path))
        end

        def mail_report(to, body)
    §pwcode§      Net::SMTP.start('smtp.mailgun.org', 587, 'storefront.example', 'postmaster@mg.storefront.example', '⟦p1⟧', :login) do |smtp|
            smtp.send_message(body, 'reports@storefront.example', to)
          end
        end

        def github
    §vcs§      @github ||= Octokit::Client.new(access_token: '⟦gho⟧')
        end

        def shopify_session
    §paas§      ShopifyAPI::Auth::Session.new(shop: 'storefront-eu.myshopify.com', access_token: '⟦shp⟧')
        end

        def token_from_env
    ¤      ENV['GITHUB_TOKEN'] || raise('GITHUB_TOKEN missing')
        end

        def password_reset_path(user)
    ¤      "/users/password/edit?reset_password_token=#{user.reset_password_token}"
        end
      end
    end
    """, k=aws_id(), s=aws_secret(), p1=human_pw(), gho=gho(), shp=shopify_token())


@gen("rss-notifier", "src/main.rs", "rust-src")
def _(d):
    d.tpl("""
    use reqwest::blocking::Client;
    use serde::Deserialize;
    use std::env;
    use std::time::Duration;

    §apisec§const FEED_API_TOKEN: &str = "⟦ft⟧";
    ¤const USER_AGENT: &str = "rss-notifier/0.3 (+https://github.com/example/rss-notifier)";
    ¤const CACHE_KEY_PREFIX: &str = "feed:sha256:";

    #[derive(Deserialize)]
    struct Item {
        title: String,
        link: String,
    }

    fn main() -> Result<(), Box<dyn std::error::Error>> {
    §conn§    let redis = redis::Client::open("redis://:⟦p1⟧@127.0.0.1:6379/0")?;
        let mut con = redis.get_connection()?;
    ¤    let webhook = env::var("DISCORD_WEBHOOK").unwrap_or_default();
        let client = Client::builder()
            .user_agent(USER_AGENT)
            .timeout(Duration::from_secs(10))
            .build()?;
        let items: Vec<Item> = client
            .get("https://feeds.internal.example/api/items")
    §pwcode§        .basic_auth("notifier", Some("⟦p2⟧"))
            .bearer_auth(FEED_API_TOKEN)
            .send()?
            .json()?;
        for it in items {
            let key = format!("{}{}", CACHE_KEY_PREFIX, it.link);
            let seen: bool = redis::cmd("EXISTS").arg(&key).query(&mut con)?;
            if seen {
                continue;
            }
            client
                .post(&webhook)
                .json(&serde_json::json!({ "content": format!("{} {}", it.title, it.link) }))
                .send()?;
            redis::cmd("SET").arg(&key).arg(1).query::<()>(&mut con)?;
        }
        Ok(())
    }
    """, ft=rs(40, ALNUM), p1=url_pw(), p2=human_pw())


# ---------------------------------------------------------------------------
# CI / build files
# ---------------------------------------------------------------------------
@gen("billing-service", ".github/workflows/deploy.yml", "ci")
def _(d):
    d.tpl("""
    name: deploy

    on:
      push:
        branches: [main]
      workflow_dispatch:

    permissions:
      contents: read
      id-token: write

    env:
      REGISTRY: registry.acme-corp.io
      IMAGE: billing/api
    ¤  DOCKERHUB_USERNAME: ${{ vars.DOCKERHUB_USERNAME }}

    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
    ¤      - uses: actions/checkout@⟦s1⟧ # v4.1.1
    ¤      - uses: docker/setup-buildx-action@⟦s2⟧ # v3.0.0
          - name: Log in to Docker Hub
    ¤        uses: docker/login-action@⟦s3⟧ # v3.0.0
            with:
              username: acmebuild
    §reg§          password: ⟦dh⟧
          - name: Log in to internal registry
            uses: docker/login-action@v3
            with:
              registry: ${{ env.REGISTRY }}
    ¤          username: ${{ secrets.REGISTRY_USER }}
    ¤          password: ${{ secrets.REGISTRY_PASSWORD }}
          - name: Configure AWS credentials
            uses: aws-actions/configure-aws-credentials@v4
            with:
    ¤          role-to-assume: arn:aws:iam::⟦acct⟧:role/github-deploy
              aws-region: eu-west-1
          - name: Build and push
            run: |
              docker build -t $REGISTRY/$IMAGE:${{ github.sha }} .
              docker push $REGISTRY/$IMAGE:${{ github.sha }}

      deploy:
        needs: build
        runs-on: ubuntu-latest
        environment: production
        steps:
          - uses: azure/setup-helm@v3
          - name: Deploy
            env:
    ¤          KUBECONFIG_DATA: ${{ secrets.KUBECONFIG_B64 }}
    ¤          STRIPE_API_KEY: ${{ secrets.STRIPE_API_KEY }}
            run: |
              echo "$KUBECONFIG_DATA" | base64 -d > kubeconfig
              helm upgrade --install billing deploy/helm/billing --kubeconfig kubeconfig \\
                --set image.tag=${{ github.sha }} \\
    §pwcli§            --set postgresql.auth.password='⟦p1⟧' \\
    ¤            --set env[1].value="$STRIPE_API_KEY"
          - name: Notify
            if: always()
            run: |
    §slack§          curl -X POST -H 'Content-type: application/json' --data '{"text":"billing deploy ${{ job.status }}"}' ⟦hook⟧
    """, s1=gitsha(), s2=gitsha(), s3=gitsha(), dh=dockerhub_token(),
          acct=R.randint(10**11, 10**12 - 1), p1=strong_pw(), hook=slack_hook())


@gen("tasks-service", ".gitlab-ci.yml", "ci")
def _(d):
    d.tpl("""
    stages:
      - test
      - build
      - deploy

    variables:
      POSTGRES_DB: tasks_test
      POSTGRES_USER: runner
    ¤  POSTGRES_PASSWORD: ""
      POSTGRES_HOST_AUTH_METHOD: trust
    ¤  DATABASE_URL: "postgres://runner@postgres:5432/tasks_test"
    §apisec§  SONAR_TOKEN: ⟦sq⟧
    §conn§  STAGING_DB_URL: "postgres://tasks:⟦u1⟧@staging-db.internal:5432/tasks"
    ¤  DOCKER_AUTH_CONFIG: $DOCKER_AUTH_CONFIG_JSON

    test:
      stage: test
      image: node:20-alpine
      services:
        - postgres:15
      script:
        - npm ci
        - npm test -- --coverage
      coverage: '/All files[^|]*\\|[^|]*\\s+([\\d\\.]+)/'

    build:
      stage: build
      image: docker:24
      services:
        - docker:24-dind
      script:
    ¤    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY
        - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .
        - docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA

    deploy_staging:
      stage: deploy
      image: alpine:3.19
      before_script:
        - apk add --no-cache openssh-client sshpass curl
      script:
    §pwcli§    - sshpass -p '⟦p1⟧' ssh -o StrictHostKeyChecking=no deploy@staging.tasks.internal "cd /srv/tasks && docker compose pull && docker compose up -d"
    §vcs§    - 'curl --request POST --header "PRIVATE-TOKEN: ⟦gl⟧" "https://gitlab.com/api/v4/projects/⟦pid⟧/releases" --data "tag_name=$CI_COMMIT_TAG"'
      only:
        - main
    """, sq="squ_" + rs(40, HEXL), u1=url_pw(), p1=shell_pw(), gl=glpat(),
          pid=R.randint(10**7, 6 * 10**7))


@gen("legacy-hr", ".travis.yml", "ci")
def _(d):
    d.tpl("""
    language: node_js
    node_js:
      - "12"
    services:
      - mongodb
    cache: npm

    env:
      global:
    ¤    - secure: "⟦sec1⟧"
    §paas§    - HEROKU_API_KEY=⟦hk⟧
        - NODE_ENV=test

    script:
      - npm run lint
      - npm test

    deploy:
      provider: heroku
      api_key:
    ¤    secure: "⟦sec2⟧"
      app: legacy-hr-staging
      on:
        branch: develop

    after_success:
    ¤  - bash <(curl -s https://codecov.io/bash) -t ${CODECOV_TOKEN}

    notifications:
      slack:
    §slack§    rooms: acme-corp:⟦st⟧#builds
      email: false
    """, sec1=b64(rbytes(256)), hk=uuid4(), sec2=b64(rbytes(256)), st=rs(24, ALNUM))


@gen("tasks-service", "Dockerfile", "ci")
def _(d):
    d.tpl("""
    # syntax=docker/dockerfile:1.6
    ¤FROM node:20-alpine@⟦dg⟧ AS build
    WORKDIR /app
    ¤ARG NPM_TOKEN
    COPY package.json package-lock.json ./
    §reg§RUN echo "//registry.npmjs.org/:_authToken=⟦npm⟧" > .npmrc && npm ci && rm -f .npmrc
    COPY . .
    RUN npm run build && npm prune --omit=dev

    FROM node:20-alpine
    WORKDIR /app
    ENV NODE_ENV=production
    ENV PORT=3000
    §pwc§ENV DB_PASSWORD=⟦p1⟧
    §mon§ENV SENTRY_DSN=⟦dsn⟧
    ¤ENV API_KEY=${API_KEY}
    COPY --from=build /app/node_modules ./node_modules
    COPY --from=build /app/dist ./dist
    USER node
    EXPOSE 3000
    HEALTHCHECK CMD wget -qO- http://localhost:3000/health || exit 1
    ¤LABEL org.opencontainers.image.revision="⟦sha⟧"
    CMD ["node", "dist/server.js"]
    """, dg=digest(), npm=npm_token(), p1=human_pw(), dsn=sentry_dsn(), sha=gitsha())


@gen("build-infra", "etc/gitlab-runner/config.toml", "ci")
def _(d):
    d.tpl("""
    concurrent = 4
    check_interval = 0
    shutdown_timeout = 0

    [session_server]
      session_timeout = 1800

    [[runners]]
      name = "build-01"
      url = "https://gitlab.build.lan/"
    ¤  id = 17
    §vcs§  token = "glrt-⟦t⟧"
    ¤  token_obtained_at = 2024-01-09T10:11:12Z
    ¤  token_expires_at = 0001-01-01T00:00:00Z
      executor = "docker"
      [runners.cache]
        Type = "s3"
        Shared = true
        [runners.cache.s3]
          ServerAddress = "minio.build.lan:9000"
    ¤      AccessKey = "⟦ak⟧"
    §apisec§      SecretKey = "⟦sk⟧"
          BucketName = "runner-cache"
          Insecure = true
      [runners.docker]
        tls_verify = false
        image = "alpine:3.19"
        privileged = true
        disable_cache = false
        volumes = ["/cache", "/var/run/docker.sock:/var/run/docker.sock"]
        shm_size = 0
    """, t=rs(20, URLC), ak=rs(20, UPPER + DIG), sk=rs(40, ALNUM))


# ---------------------------------------------------------------------------
# docs, i18n, lock files and other mostly-tricky files
# ---------------------------------------------------------------------------
@gen("acme-billing-py", "README.md", "docs")
def _(d):
    d.tpl("""
    # acme-billing

    Billing worker and API for ACME. Consumes order events, produces invoices.

    ## Quick start

    ```bash
    cp .env.example .env
    ¤export DATABASE_URL=postgres://billing:<password>@localhost:5432/billing
    docker compose up -d
    make migrate
    ```

    ## Configuration

    | Variable | Example | Notes |
    |---|---|---|
    ¤| `AWS_ACCESS_KEY_ID` | `AKIAIOSFODNN7EXAMPLE` | sample value from the AWS docs |
    ¤| `AWS_SECRET_ACCESS_KEY` | `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` | |
    ¤| `STRIPE_API_KEY` | `sk_live_...` | restricted key with `charges:write` |
    ¤| `SLACK_WEBHOOK_URL` | `https://hooks.slack.com/services/T000/B000/XXXX` | optional |
    ¤| `DB_PASSWORD` | `${DB_PASSWORD}` | injected from Vault (`vault kv get secret/billing/db`) |

    ## Calling the API

    ```bash
    ¤curl -u admin:password https://localhost:8443/api/health
    ¤curl -H "Authorization: Bearer $TOKEN" https://localhost:8443/api/invoices
    ```

    Tokens are ordinary JWTs, for example (from jwt.io):

    ¤    ⟦jwtio⟧

    ## Staging

    The staging environment lives at https://billing-staging.acme-corp.io.
    §pwc§Temporary login for the QA team: `qa-team` / `⟦p1⟧` (rotate after release 2.3!)

    ## Troubleshooting

    ¤* `FATAL: password authentication failed for user "billing"` -- check `DB_PASSWORD`.
    ¤* The password policy requires 12+ characters (`PASSWORD_MIN_LENGTH=12`).
    * Commit hooks: run `pre-commit install` once.
    """, jwtio=JWT_IO_EXAMPLE, p1=human_pw())


@gen("fire-chat", "src/locales/en.json", "docs")
def _(d):
    d.tpl("""
    {
      "app": {
        "title": "FireChat",
        "loading": "Loading…"
      },
      "auth": {
        "signIn": "Sign in",
        "signOut": "Sign out",
        "email": "Email address",
    ¤    "password": "Password",
    ¤    "confirmPassword": "Confirm password",
    ¤    "forgotPassword": "Forgot your password?",
    ¤    "resetPassword": "Reset password",
    ¤    "passwordHint": "At least 10 characters, including a number",
    ¤    "passwordTooShort": "Password must be at least {{min}} characters",
    ¤    "passwordMismatch": "Passwords do not match",
    ¤    "wrongPassword": "Wrong password. Try again or click Forgot password to reset it.",
    ¤    "apiKeyLabel": "API key",
    ¤    "apiKeyPlaceholder": "paste your API key here",
    ¤    "tokenExpired": "Your session token has expired, please sign in again"
      },
      "settings": {
        "title": "Settings",
    ¤    "changePassword": "Change password",
    ¤    "currentPassword": "Current password",
    ¤    "newPassword": "New password",
        "theme": "Theme",
        "language": "Language"
      }
    }
    """)


@gen("storefront-rails", "config/locales/devise.de.yml", "docs")
def _(d):
    d.tpl("""
    de:
      devise:
        confirmations:
          confirmed: "Vielen Dank für Deine Registrierung. Bitte melde Dich jetzt an."
          send_instructions: "Du erhältst in wenigen Minuten eine E-Mail, mit der Du Deine Registrierung bestätigen kannst."
        failure:
          already_authenticated: "Du bist bereits angemeldet."
    ¤      invalid: "%{authentication_keys} oder Passwort ungültig."
          locked: "Dein Account ist gesperrt."
    ¤      not_found_in_database: "%{authentication_keys} oder Passwort ungültig."
          timeout: "Deine Sitzung ist abgelaufen. Bitte melde Dich erneut an."
        mailer:
          reset_password_instructions:
    ¤        subject: "Anleitung um Dein Passwort zurückzusetzen"
          password_change:
    ¤        subject: "Passwort geändert"
        passwords:
    ¤      no_token: "Du kannst diese Seite nur von dem Link aus einer E-Mail zum Passwort-Zurücksetzen aufrufen."
    ¤      send_instructions: "Du erhältst in wenigen Minuten eine E-Mail mit der Anleitung, wie Du Dein Passwort zurücksetzen kannst."
    ¤      updated: "Dein Passwort wurde geändert. Du bist jetzt angemeldet."
        registrations:
          signed_up: "Willkommen! Du hast Dich erfolgreich registriert."
    ¤      update_needs_confirmation: "Deine Daten wurden aktualisiert, aber Du musst Deine neue E-Mail-Adresse bestätigen."
        sessions:
          signed_in: "Erfolgreich angemeldet."
          signed_out: "Erfolgreich abgemeldet."
      activerecord:
        attributes:
          user:
    ¤        password: "Passwort"
    ¤        password_confirmation: "Passwort bestätigen"
    ¤        current_password: "Aktuelles Passwort"
    """)


@gen("shop-express", "package-lock.json", "lockfile")
def _(d):
    pkgs = [("accepts", "1.3.8"), ("array-flatten", "1.1.1"), ("bcryptjs", "2.4.3"),
            ("body-parser", "1.20.1"), ("bson", "6.2.0"), ("bytes", "3.1.2"),
            ("content-disposition", "0.5.4"), ("cookie", "0.5.0"), ("debug", "2.6.9"),
            ("dotenv", "16.3.1"), ("express", "4.18.2"), ("jsonwebtoken", "9.0.2"),
            ("jws", "3.2.2"), ("kareem", "2.5.1"), ("mongodb", "6.2.0"),
            ("mongoose", "8.0.3"), ("ms", "2.1.3"), ("nodemailer", "6.9.7"),
            ("qs", "6.11.0"), ("stripe", "14.9.0")]
    d.tpl("""
    {
      "name": "shop-express",
      "version": "1.3.0",
      "lockfileVersion": 3,
      "requires": true,
      "packages": {
        "": {
          "name": "shop-express",
          "version": "1.3.0",
          "dependencies": {
            "bcryptjs": "^2.4.3",
            "dotenv": "^16.3.1",
            "express": "^4.18.2",
            "jsonwebtoken": "^9.0.2",
            "mongoose": "^8.0.3",
            "nodemailer": "^6.9.7",
            "stripe": "^14.9.0"
          }
        },
    """)
    for i, (n, v) in enumerate(pkgs):
        d.tpl("""
            "node_modules/⟦n⟧": {
              "version": "⟦v⟧",
              "resolved": "https://registry.npmjs.org/⟦n⟧/-/⟦n⟧-⟦v⟧.tgz",
        ¤      "integrity": "⟦i⟧"
            }⟦c⟧
        """, n=n, v=v, i=integrity(), c="," if i < len(pkgs) - 1 else "")
    d.tpl("  }\n}")


@gen("rss-notifier", "Cargo.lock", "lockfile")
def _(d):
    d.tpl("""
    # This file is automatically @generated by Cargo.
    # It is not intended for manual editing.
    version = 3
    """)
    for n, v in [("base64", "0.21.5"), ("bytes", "1.5.0"), ("cfg-if", "1.0.0"),
                 ("futures-core", "0.3.29"), ("http", "0.2.11"), ("hyper", "0.14.27"),
                 ("itoa", "1.0.9"), ("log", "0.4.20"), ("redis", "0.24.0"),
                 ("reqwest", "0.11.22"), ("ryu", "1.0.15"), ("serde", "1.0.193"),
                 ("serde_json", "1.0.108"), ("tokio", "1.35.0"), ("url", "2.5.0")]:
        d.tpl("""

        [[package]]
        name = "⟦n⟧"
        version = "⟦v⟧"
        source = "registry+https://github.com/rust-lang/crates.io-index"
        ¤checksum = "⟦h⟧"
        """, n=n, v=v, h=sha256hex())


@gen("alerts-py", "requirements.txt", "lockfile")
def _(d):
    d.tpl("""
    #
    # This file is autogenerated by pip-compile with Python 3.11
    # by the following command:
    #
    #    pip-compile --generate-hashes requirements.in
    #
    """)
    for n, v in [("aiohttp", "3.9.1"), ("certifi", "2023.11.17"), ("idna", "3.6"),
                 ("python-http-client", "3.3.7"), ("requests", "2.31.0"),
                 ("sendgrid", "6.11.0"), ("slack-sdk", "3.26.1"), ("twilio", "8.11.0"),
                 ("urllib3", "2.1.0")]:
        d.tpl("""
        ⟦n⟧==⟦v⟧ \\
        ¤    --hash=sha256:⟦h1⟧ \\
        ¤    --hash=sha256:⟦h2⟧
            # via -r requirements.in
        """, n=n, v=v, h1=sha256hex(), h2=sha256hex())


@gen("rss-notifier", "dist/SHA256SUMS", "lockfile")
def _(d):
    for t in ["aarch64-apple-darwin", "aarch64-unknown-linux-gnu", "x86_64-apple-darwin",
              "x86_64-pc-windows-msvc", "x86_64-unknown-linux-gnu", "x86_64-unknown-linux-musl",
              "armv7-unknown-linux-gnueabihf"]:
        ext = "zip" if "windows" in t else "tar.gz"
        d.tpl("¤⟦h⟧  rss-notifier-v0.3.1-⟦t⟧.⟦e⟧", h=sha256hex(), t=t, e=ext)
        d.tpl("¤⟦h⟧  rss-notifier-v0.3.1-⟦t⟧.⟦e⟧.sig", h=sha256hex(), t=t, e=ext)
    d.tpl("¤⟦h⟧  rss-notifier-v0.3.1.cdx.json", h=sha256hex())


@gen("rss-notifier", "CHANGELOG.md", "docs")
def _(d):
    d.tpl("""
    # Changelog

    All notable changes to this project will be documented in this file.

    ## [0.3.1] - 2024-01-20
    ### Fixed
    ¤- Don't log the feed token on HTTP errors ([⟦s1⟧](https://github.com/example/rss-notifier/commit/⟦l1⟧))
    ¤- Retry Discord webhook on 429 ([⟦s2⟧](https://github.com/example/rss-notifier/commit/⟦l2⟧))

    ## [0.3.0] - 2023-12-02
    ### Added
    ¤- Redis de-duplication, keys are `feed:sha256:<hash>` ([⟦s3⟧](https://github.com/example/rss-notifier/commit/⟦l3⟧))
    ¤- Basic auth support for private feeds, password read from `FEED_PASSWORD` ([⟦s4⟧](https://github.com/example/rss-notifier/commit/⟦l4⟧))

    ## [0.2.0] - 2023-09-14
    ### Changed
    ¤- Release archives are now signed; verify with `sha256sum -c SHA256SUMS` (⟦l5⟧)

    [0.3.1]: https://github.com/example/rss-notifier/compare/v0.3.0...v0.3.1
    [0.3.0]: https://github.com/example/rss-notifier/compare/v0.2.0...v0.3.0
    """, **{f"l{i}": gitsha() for i in range(1, 6)},
          **{f"s{i}": rs(7, HEXL) for i in range(1, 5)})


@gen("acme-infra", "secrets/prod.enc.yaml", "k8s")
def _(d):
    def enc(n):
        return (f"ENC[AES256_GCM,data:{b64(rbytes(n))},iv:{b64(rbytes(32))},"
                f"tag:{b64(rbytes(16))},type:str]")
    d.tpl("""
    ¤db_password: ⟦e1⟧
    ¤stripe_api_key: ⟦e2⟧
    ¤slack_webhook: ⟦e3⟧
    smtp:
        username: alerts@acme.example
    ¤    password: ⟦e4⟧
    sops:
        kms:
    ¤        - arn: arn:aws:kms:eu-west-1:⟦acct⟧:key/⟦u1⟧
              created_at: "2024-01-11T09:21:44Z"
    ¤          enc: ⟦kenc⟧
              aws_profile: ""
        gcp_kms: []
        azure_kv: []
        hc_vault: []
        age: []
        lastmodified: "2024-02-02T15:04:11Z"
    ¤    mac: ⟦mac⟧
        pgp: []
        unencrypted_suffix: _unencrypted
        version: 3.8.1
    """, e1=enc(18), e2=enc(107), e3=enc(80), e4=enc(16), acct=R.randint(10**11, 10**12 - 1),
          u1=uuid4(), kenc=b64(rbytes(180)), mac=enc(32))


@gen("fire-chat", "src/styles/theme.css", "docs")
def _(d):
    d.tpl("""
    :root {
    ¤  --color-primary: ⟦c1⟧;
    ¤  --color-primary-dark: ⟦c2⟧;
    ¤  --color-accent: ⟦c3⟧;
    ¤  --color-bg: ⟦c4⟧;
    ¤  --color-text: ⟦c5⟧;
    ¤  --color-danger: ⟦c6⟧;
      --radius: 8px;
      --font: "Inter", system-ui, sans-serif;
    }

    @font-face {
      font-family: "Inter";
      font-weight: 400;
    ¤  src: url(data:font/woff2;base64,⟦font⟧) format("woff2");
    }

    .logo {
      width: 32px;
      height: 32px;
    ¤  background-image: url("data:image/png;base64,⟦png⟧");
    }

    .password-strength {
      height: 4px;
    ¤  background: linear-gradient(90deg, ⟦c6⟧ 0%, ⟦c3⟧ 100%);
    }
    """, c1=color(), c2=color(), c3=color(), c4=color(), c5=color(), c6=color(),
          font=woff2_b64(400), png=png_b64(300))


@gen("contoso-orders", "Orders.sln", "dotnet-config")
def _(d):
    g = [str(uuid.UUID(int=R.getrandbits(128), version=4)).upper() for _ in range(3)]
    d.tpl("""
    Microsoft Visual Studio Solution File, Format Version 12.00
    # Visual Studio Version 17
    VisualStudioVersion = 17.8.34330.188
    MinimumVisualStudioVersion = 10.0.40219.1
    ¤Project("{9A19103F-16F7-4668-BE54-9A1E7A4F7556}") = "Orders.Api", "src\\Orders.Api\\Orders.Api.csproj", "{⟦g0⟧}"
    EndProject
    ¤Project("{9A19103F-16F7-4668-BE54-9A1E7A4F7556}") = "Orders.Domain", "src\\Orders.Domain\\Orders.Domain.csproj", "{⟦g1⟧}"
    EndProject
    Global
    	GlobalSection(SolutionConfigurationPlatforms) = preSolution
    		Debug|Any CPU = Debug|Any CPU
    		Release|Any CPU = Release|Any CPU
    	EndGlobalSection
    	GlobalSection(ProjectConfigurationPlatforms) = postSolution
    ¤		{⟦g0⟧}.Debug|Any CPU.ActiveCfg = Debug|Any CPU
    ¤		{⟦g0⟧}.Release|Any CPU.ActiveCfg = Release|Any CPU
    ¤		{⟦g1⟧}.Debug|Any CPU.ActiveCfg = Debug|Any CPU
    ¤		{⟦g1⟧}.Release|Any CPU.ActiveCfg = Release|Any CPU
    	EndGlobalSection
    	GlobalSection(ExtensibilityGlobals) = postSolution
    ¤		SolutionGuid = {⟦g2⟧}
    	EndGlobalSection
    EndGlobal
    """, g0=g[0], g1=g[1], g2=g[2])


# ---------------------------------------------------------------------------
# monitoring, cloud credentials, misc
# ---------------------------------------------------------------------------
@gen("yt-sentiment", "credentials/yt-scraper-sa.json", "cloud-cred")
def _(d):
    proj = f"yt-sentiment-{R.randint(100000, 999999)}"
    d.tpl("""
    {
      "type": "service_account",
      "project_id": "⟦proj⟧",
    ¤  "private_key_id": "⟦kid⟧",
    §google§  "private_key": "⟦pk⟧",
      "client_email": "scraper@⟦proj⟧.iam.gserviceaccount.com",
    ¤  "client_id": "⟦cid⟧",
      "auth_uri": "https://accounts.google.com/o/oauth2/auth",
      "token_uri": "https://oauth2.googleapis.com/token",
      "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
      "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/scraper%40⟦proj⟧.iam.gserviceaccount.com",
      "universe_domain": "googleapis.com"
    }
    """, proj=proj, kid=rs(40, HEXL), pk=pkcs8_escaped(), cid=R.randint(10**20, 10**21 - 1))


@gen("srv-web01", "etc/datadog-agent/datadog.yaml", "monitoring")
def _(d):
    d.tpl("""
    #########################
    ## Basic Configuration ##
    #########################

    ## @param api_key - string - required
    ## @env DD_API_KEY - string - required
    ## The Datadog API key used by your Agent to submit metrics and events to Datadog.
    ## Create a new API key here: https://app.datadoghq.com/organization-settings/api-keys .
    §mon§api_key: ⟦k⟧

    ## @param site - string - optional - default: datadoghq.com
    site: datadoghq.eu

    hostname: web01.prod.lan
    tags:
      - env:prod
      - role:web
      - team:platform

    logs_enabled: true

    process_config:
      process_collection:
        enabled: true

    apm_config:
      enabled: true
    ¤  # apm_dd_url: <ENDPOINT>:<PORT>

    proxy:
    ¤  # https: http://<USERNAME>:<PASSWORD>@<PROXY_SERVER_FOR_HTTPS>:<PORT>
    §conn§  https: http://dd-agent:⟦u1⟧@proxy.lan:3128
      no_proxy:
        - 169.254.169.254
    """, k=rs(32, HEXL), u1=url_pw())


@gen("monitoring-stack", "alertmanager/alertmanager.yml", "monitoring")
def _(d):
    d.tpl("""
    global:
      resolve_timeout: 5m
      smtp_smarthost: 'smtp.gmail.com:587'
      smtp_from: 'alerts@acme.example'
      smtp_auth_username: 'alerts@acme.example'
    §pwc§  smtp_auth_password: '⟦gm⟧'
    §slack§  slack_api_url: '⟦hook⟧'
    ¤  # slack_api_url_file: /etc/alertmanager/secrets/slack_url

    route:
      receiver: default
      group_by: ['alertname', 'cluster']
      group_wait: 30s
      group_interval: 5m
      repeat_interval: 4h
      routes:
        - matchers: [severity="critical"]
          receiver: pagerduty
        - matchers: [team="db"]
          receiver: opsgenie

    receivers:
      - name: default
        slack_configs:
          - channel: '#alerts'
            send_resolved: true
    ¤        title: '{{ template "slack.default.title" . }}'
      - name: pagerduty
        pagerduty_configs:
    §apisec§      - routing_key: ⟦pd⟧
      - name: opsgenie
        opsgenie_configs:
    ¤      - api_key_file: /etc/alertmanager/secrets/opsgenie_key
      - name: bridge
        webhook_configs:
          - url: http://alert-bridge:9000/hook
            http_config:
              basic_auth:
                username: alertmanager
    §pwc§            password: ⟦p1⟧
    ¤            # password_file: /etc/alertmanager/secrets/bridge_pass

    inhibit_rules:
      - source_matchers: [severity="critical"]
        target_matchers: [severity="warning"]
        equal: ['alertname', 'cluster']
    """, gm=gmail_app_pw(), hook=slack_hook(), pd=rs(32, HEXL), og=uuid4(), p1=strong_pw())


@gen("storefront-rails", "config/newrelic.yml", "monitoring")
def _(d):
    d.tpl("""
    #
    # This file configures the New Relic Agent.  New Relic monitors Ruby, Java,
    # .NET, PHP, Python, Node, and Go applications with deep visibility and low
    # overhead.  For more information, visit www.newrelic.com.

    common: &default_settings
    §mon§  license_key: '⟦lk⟧'
      app_name: Storefront
      distributed_tracing:
        enabled: true
      log_level: info
      application_logging:
        enabled: true
        forwarding:
          enabled: true

    development:
      <<: *default_settings
      app_name: Storefront (Development)
    ¤  license_key: '<%= ENV["NEW_RELIC_LICENSE_KEY"] %>'

    test:
      <<: *default_settings
      monitor_mode: false

    production:
      <<: *default_settings
    §mon§  # deploy markers use the user key: ⟦nrak⟧
    """, lk=rs(36, HEXL) + "NRAL", nrak="NRAK-" + rs(27, UPPER + DIG))


@gen("payments-service", "logs/app-2024-03-11.log", "logs")
def _(d):
    d.tpl("""
    2024-03-11 08:14:02,311 INFO  [main] c.c.p.PaymentsApplication - Starting PaymentsApplication v2.4.1 using Java 17.0.10
    2024-03-11 08:14:02,318 INFO  [main] c.c.p.PaymentsApplication - The following 1 profile is active: "prod"
    2024-03-11 08:14:03,902 INFO  [main] c.z.h.HikariDataSource - HikariPool-1 - Starting...
    ¤2024-03-11 08:14:04,117 DEBUG [main] c.c.p.config.DbConfig - datasource url=jdbc:postgresql://pg-payments.internal:5432/payments user=payments_app password=******
    §conn§2024-03-11 08:14:05,442 ERROR [main] o.s.b.SpringApplication - Application run failed: org.postgresql.util.PSQLException: Connection to postgresql://payments_app:⟦u1⟧@pg-payments-old.internal:5432/payments refused.
    	at org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:342)
    	at org.postgresql.core.ConnectionFactory.openConnection(ConnectionFactory.java:54)
    	at org.postgresql.jdbc.PgConnection.<init>(PgConnection.java:263)
    	at com.zaxxer.hikari.pool.PoolBase.newConnection(PoolBase.java:359)
    2024-03-11 08:15:01,003 INFO  [main] c.c.p.PaymentsApplication - Started PaymentsApplication in 7.912 seconds
    ¤2024-03-11 08:15:10,006 INFO  [http-nio-8443-exec-1] c.c.p.web.RequestLog - POST /api/v1/charges 201 14ms trace=⟦tr⟧ span=⟦sp⟧
    ¤2024-03-11 08:15:10,412 INFO  [http-nio-8443-exec-2] c.c.p.web.RequestLog - GET /api/v1/charges/ch_⟦ch⟧ 200 5ms request_id=⟦rid⟧
    §stripe§2024-03-11 08:15:12,771 DEBUG [http-nio-8443-exec-3] o.a.h.wire - http-outgoing-7 >> "Authorization: Bearer ⟦sk⟧[\\r][\\n]"
    ¤2024-03-11 08:15:12,772 DEBUG [http-nio-8443-exec-3] o.a.h.wire - http-outgoing-8 >> "Authorization: Basic ****[\\r][\\n]"
    ¤2024-03-11 08:16:40,250 WARN  [http-nio-8443-exec-5] c.c.p.auth.LoginService - password reset requested for user id=⟦uid⟧
    ¤2024-03-11 08:16:41,980 WARN  [http-nio-8443-exec-5] c.c.p.auth.LoginService - invalid password for user id=⟦uid⟧ (attempt 3/5)
    §token§2024-03-11 08:17:02,114 DEBUG [scheduler-1] c.c.p.payout.BankClient - POST https://api.bank-partner.example/v2/payouts headers={Authorization=Bearer ⟦bt⟧, Content-Type=application/json}
    2024-03-11 08:17:02,530 INFO  [scheduler-1] c.c.p.payout.BankClient - payout batch 20240311-01 accepted
    ¤2024-03-11 08:20:00,001 INFO  [scheduler-2] c.c.p.jobs.Reconcile - reconciled 1288 charges, checksum sha256=⟦h⟧
    """, u1=url_pw(), tr=rs(32, HEXL), sp=rs(16, HEXL), ch=rs(24, ALNUM), rid=uuid4(),
          sk=stripe_sk(), uid=R.randint(100000, 999999), bt=rs(48, URLC), h=sha256hex())


@gen("contoso-orders", "tests/Orders.postman_collection.json", "tool-config")
def _(d):
    d.tpl("""
    {
    	"info": {
    ¤		"_postman_id": "⟦u1⟧",
    		"name": "Orders API",
    		"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
    ¤		"_exporter_id": "⟦ex⟧"
    	},
    	"item": [
    		{
    			"name": "Login",
    			"request": {
    				"method": "POST",
    				"header": [],
    				"body": {
    					"mode": "raw",
    §pwc§					"raw": "{\\n    \\"email\\": \\"admin@contoso.example\\",\\n    \\"password\\": \\"⟦p1⟧\\"\\n}",
    					"options": {
    						"raw": {
    							"language": "json"
    						}
    					}
    				},
    				"url": {
    					"raw": "{{baseUrl}}/api/auth/login",
    					"host": ["{{baseUrl}}"],
    					"path": ["api", "auth", "login"]
    				}
    			}
    		},
    		{
    			"name": "List orders",
    			"request": {
    				"auth": {
    					"type": "bearer",
    					"bearer": [
    						{
    							"key": "token",
    §token§							"value": "⟦jw⟧",
    							"type": "string"
    						}
    					]
    				},
    				"method": "GET",
    				"url": {
    					"raw": "{{baseUrl}}/api/orders?page=1",
    					"host": ["{{baseUrl}}"],
    					"path": ["api", "orders"]
    				}
    			}
    		},
    		{
    			"name": "Partner export",
    			"request": {
    				"auth": {
    					"type": "basic",
    					"basic": [
    						{
    							"key": "password",
    §pwc§							"value": "⟦p2⟧",
    							"type": "string"
    						},
    						{
    							"key": "username",
    							"value": "partner-export",
    							"type": "string"
    						}
    					]
    				},
    				"method": "GET",
    				"url": {
    					"raw": "https://partner.contoso.example/export"
    				}
    			}
    		},
    		{
    			"name": "Health",
    			"request": {
    				"auth": {
    					"type": "bearer",
    					"bearer": [
    						{
    							"key": "token",
    ¤							"value": "{{accessToken}}",
    							"type": "string"
    						}
    					]
    				},
    				"method": "GET",
    				"url": {
    					"raw": "{{baseUrl}}/health"
    				}
    			}
    		}
    	],
    	"variable": [
    		{
    			"key": "baseUrl",
    			"value": "https://orders.contoso.example"
    		},
    		{
    			"key": "accessToken",
    ¤			"value": ""
    		}
    	]
    }
    """, u1=uuid4(), ex=R.randint(10**7, 4 * 10**7), p1=human_pw("contoso"),
          jw=jwt({"sub": "admin@contoso.example", "role": "admin", "iat": 1709100000,
                  "exp": 1740636000}), p2=strong_pw())


@gen("inventory-django", ".vscode/settings.json", "tool-config")
def _(d):
    d.tpl("""
    {
      "editor.formatOnSave": true,
      "python.defaultInterpreterPath": ".venv/bin/python",
      "python.testing.pytestEnabled": true,
      "sqltools.connections": [
        {
          "previewLimit": 50,
          "server": "localhost",
          "port": 5432,
          "driver": "PostgreSQL",
          "name": "local",
          "database": "inventory",
          "username": "inventory",
    ¤      "askForPassword": true
        },
        {
          "server": "inventory-prod.cluster-⟦cl⟧.eu-central-1.rds.amazonaws.com",
          "port": 5432,
          "driver": "PostgreSQL",
          "name": "prod (read only)",
          "database": "inventory",
          "username": "readonly",
    §pwc§      "password": "⟦p1⟧"
        }
      ],
      "workbench.colorCustomizations": {
    ¤    "titleBar.activeBackground": "⟦c1⟧"
      },
      "rest-client.environmentVariables": {
        "prod": {
          "baseUrl": "https://inventory.example.org/api",
    §token§      "token": "⟦tk⟧"
        },
        "local": {
          "baseUrl": "http://localhost:8000/api",
    ¤      "token": "{{$dotenv API_TOKEN}}"
        }
      }
    }
    """, cl=rs(12, LOWER + DIG), p1=human_pw(), c1=color(), tk=rs(40, HEXL))


@gen("homedump-kwalsh", "vpn/acme-corp.ovpn", "keys")
def _(d):
    sk = "\n".join(rs(32, HEXL) for _ in range(16))
    d.tpl("""
    client
    dev tun
    proto udp
    remote vpn.acme-corp.io 1194
    resolv-retry infinite
    nobind
    persist-key
    persist-tun
    remote-cert-tls server
    cipher AES-256-GCM
    auth SHA256
    key-direction 1
    verb 3
    <ca>
    ¤⟦ca⟧
    </ca>
    <cert>
    ¤⟦cert⟧
    </cert>
    <key>
    §pkey§⟦key⟧
    </key>
    <tls-auth>
    #
    # 2048 bit OpenVPN static key
    #
    §pkey§-----BEGIN OpenVPN Static key V1-----
    §§⟦sk⟧
    §§-----END OpenVPN Static key V1-----
    </tls-auth>
    """, ca=cert_block(), cert=cert_block(), key=ec_key(), sk=sk)


@gen("pi-image", "boot/wpa_supplicant.conf", "home-config")
def _(d):
    d.tpl("""
    ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev
    update_config=1
    country=GB

    network={
    	ssid="VM4829173"
    §pwc§	psk="⟦p1⟧"
    	key_mgmt=WPA-PSK
    	priority=10
    }

    network={
    	ssid="Office-5G"
    §pwc§	#psk="⟦p2⟧"
    §pwc§	psk=⟦h2⟧
    }

    network={
    	ssid="eduroam"
    	key_mgmt=WPA-EAP
    	eap=PEAP
    	identity="j.smith@uni.example"
    §pwc§	password="⟦p3⟧"
    	phase2="auth=MSCHAPV2"
    }

    network={
    	ssid="CoffeeShop-Guest"
    ¤	key_mgmt=NONE
    }

    ¤# template for new sites: psk="your-wifi-password"
    """, p1=human_pw(), p2=human_pw(), h2=sha256hex(), p3=human_pw())


@gen("db-proxy", "etc/pgbouncer/userlist.txt", "unix-auth")
def _(d):
    d.tpl("""
    §dbhash§"pgbouncer" "md5⟦m1⟧"
    §dbhash§"app" "SCRAM-SHA-256$4096:⟦s1⟧$⟦s2⟧:⟦s3⟧"
    §pwc§"report" "⟦p1⟧"
    §dbhash§"stats_collector" "md5⟦m2⟧"
    """, m1=md5hex(), s1=b64(rbytes(16)), s2=b64(rbytes(32)), s3=b64(rbytes(32)),
          p1=human_pw(), m2=md5hex())


@gen("db-proxy", "etc/pgbouncer/pgbouncer.ini", "unix-auth")
def _(d):
    d.tpl("""
    [databases]
    ¤app = host=10.20.0.15 port=5432 dbname=app
    §conn§reporting = host=10.20.0.31 port=5432 dbname=reporting user=report password=⟦p1⟧
    ¤* = host=10.20.0.15 port=5432 auth_user=pgbouncer

    [pgbouncer]
    listen_addr = 0.0.0.0
    listen_port = 6432
    ¤auth_type = scram-sha-256
    ¤auth_file = /etc/pgbouncer/userlist.txt
    ¤auth_query = SELECT usename, passwd FROM pg_shadow WHERE usename=$1
    admin_users = pgbouncer
    stats_users = stats_collector
    pool_mode = transaction
    max_client_conn = 1000
    default_pool_size = 40
    server_tls_sslmode = require
    logfile = /var/log/postgresql/pgbouncer.log
    pidfile = /var/run/postgresql/pgbouncer.pid
    """, p1=rs(18, ALNUM))



# ---------------------------------------------------------------------------
# more mostly-tricky files: lock files, certificates, manifests, docs
# ---------------------------------------------------------------------------
@gen("kitchenco-portal", "composer.lock", "lockfile")
def _(d):
    d.tpl("""
    {
        "_readme": [
            "This file locks the dependencies of your project to a known state",
            "Read more about it at https://getcomposer.org/doc/01-basic-usage.md#installing-dependencies",
            "This file is @generated automatically"
        ],
    ¤    "content-hash": "⟦ch⟧",
        "packages": [
    """, ch=md5hex())
    pk = [("brick/math", "0.11.0"), ("dragonmantank/cron-expression", "v3.3.3"),
          ("guzzlehttp/guzzle", "7.8.1"), ("laravel/framework", "v10.39.0"),
          ("league/flysystem", "3.23.0"), ("monolog/monolog", "3.5.0"),
          ("nesbot/carbon", "2.72.1"), ("stripe/stripe-php", "v13.7.0")]
    for i, (n, v) in enumerate(pk):
        ref = gitsha()
        d.tpl("""
                {
                    "name": "⟦n⟧",
                    "version": "⟦v⟧",
                    "source": {
                        "type": "git",
                        "url": "https://github.com/⟦n⟧.git",
        ¤                "reference": "⟦r⟧"
                    },
                    "dist": {
                        "type": "zip",
        ¤                "url": "https://api.github.com/repos/⟦n⟧/zipball/⟦r⟧",
        ¤                "reference": "⟦r⟧",
                        "shasum": ""
                    },
                    "type": "library"
                }⟦c⟧
        """, n=n, v=v, r=ref, c="," if i < len(pk) - 1 else "")
    d.tpl("""
        ],
        "packages-dev": [],
        "minimum-stability": "stable",
        "prefer-stable": true,
        "platform": {
            "php": "^8.1"
        },
        "plugin-api-version": "2.6.0"
    }
    """)


@gen("fire-chat", "yarn.lock", "lockfile")
def _(d):
    d.tpl("""
    # THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
    # yarn lockfile v1
    """)
    for n, v in [("@firebase/analytics", "0.10.0"), ("@firebase/app", "0.9.25"),
                 ("@firebase/auth", "1.5.1"), ("@firebase/firestore", "4.4.0"),
                 ("@firebase/util", "1.9.3"), ("firebase", "10.7.1"), ("idb", "7.1.1"),
                 ("react", "18.2.0"), ("react-dom", "18.2.0"), ("tslib", "2.6.2")]:
        base = n.split("/")[-1]
        d.tpl("""


        "⟦n⟧@^⟦v⟧":
          version "⟦v⟧"
        ¤  resolved "https://registry.yarnpkg.com/⟦n⟧/-/⟦b⟧-⟦v⟧.tgz#⟦h⟧"
        ¤  integrity ⟦i⟧
        """, n=n, v=v, b=base, h=sha1hex(), i=integrity())


@gen("acme-billing-py", "poetry.lock", "lockfile")
def _(d):
    d.tpl("""
    # This file is automatically @generated by Poetry 1.7.1 and should not be changed by hand.
    """)
    for n, v, desc in [("anthropic", "0.8.1", "The official Python library for the anthropic API"),
                       ("boto3", "1.34.11", "The AWS SDK for Python"),
                       ("psycopg2-binary", "2.9.9", "psycopg2 - Python-PostgreSQL Database Adapter"),
                       ("pymongo", "4.6.1", "Python driver for MongoDB <http://www.mongodb.org>"),
                       ("redis", "5.0.1", "Python client for Redis database and key-value store"),
                       ("pytest", "7.4.4", "pytest: simple powerful testing with Python")]:
        fn = n.replace("-", "_")
        d.tpl("""

        [[package]]
        name = "⟦n⟧"
        version = "⟦v⟧"
        description = "⟦desc⟧"
        optional = false
        python-versions = ">=3.7"
        files = [
        ¤    {file = "⟦fn⟧-⟦v⟧-py3-none-any.whl", hash = "sha256:⟦h1⟧"},
        ¤    {file = "⟦fn⟧-⟦v⟧.tar.gz", hash = "sha256:⟦h2⟧"},
        ]
        """, n=n, v=v, desc=desc, fn=fn, h1=sha256hex(), h2=sha256hex())
    d.tpl("""

    [metadata]
    lock-version = "2.0"
    python-versions = "^3.11"
    ¤content-hash = "⟦h⟧"
    """, h=sha256hex())


@gen("proxy-01", "etc/ssl/certs/acme-internal-ca-chain.pem", "keys")
def _(d):
    d.tpl("""
    # ACME Internal Intermediate CA G2
    # Issuer: CN=ACME Internal Root CA, O=ACME Corp, C=DE
    # SHA256 Fingerprint=⟦fp1⟧
    ¤⟦c1⟧
    # ACME Internal Root CA
    # SHA256 Fingerprint=⟦fp2⟧
    ¤⟦c2⟧
    """, fp1=":".join(rs(2, HEXU) for _ in range(32)), c1=cert_block(),
          fp2=":".join(rs(2, HEXU) for _ in range(32)), c2=cert_block())


@gen("srv-web01", "etc/gshadow", "unix-auth")
def _(d):
    groups = ["root", "daemon", "bin", "sys", ("adm", "syslog,ubuntu"), "tty", "disk", "lp",
              "mail", "news", "uucp", "man", "proxy", "kmem", "dialout", "fax", "voice",
              ("cdrom", "ubuntu"), "floppy", "tape", ("sudo", "ubuntu,deploy"), "audio",
              ("dip", "ubuntu"), "www-data", "backup", "operator", "list", "irc", "src",
              "gnats", "shadow", "utmp", "video", "sasl", ("plugdev", "ubuntu"), "staff",
              "games", "users", "nogroup"]
    for g in groups:
        name, mem = (g, "") if isinstance(g, str) else g
        d.tpl("¤⟦n⟧:*::⟦m⟧", n=name, m=mem)
    for name, mem in [("systemd-journal", ""), ("systemd-network", ""), ("ubuntu", ""),
                      ("deploy", ""), ("docker", "deploy,kwalsh"), ("kwalsh", "")]:
        d.tpl("¤⟦n⟧:!::⟦m⟧", n=name, m=mem)


@gen("billing-service", "deploy/k8s/deployment.yaml", "k8s")
def _(d):
    d.tpl("""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: billing-api
      namespace: billing
      annotations:
    ¤    checksum/config: ⟦h⟧
    spec:
      replicas: 2
      selector:
        matchLabels:
          app: billing-api
      template:
        metadata:
          labels:
            app: billing-api
          annotations:
            vault.hashicorp.com/agent-inject: "true"
    ¤        vault.hashicorp.com/agent-inject-secret-db: "secret/data/billing/db"
    ¤        vault.hashicorp.com/agent-inject-template-db: |
    ¤          {{- with secret "secret/data/billing/db" -}}postgres://{{ .Data.data.username }}:{{ .Data.data.password }}@pg-billing:5432/billing{{- end }}
        spec:
          serviceAccountName: billing-api
          containers:
            - name: api
    ¤          image: registry.acme-corp.io/billing/api@⟦dg⟧
              ports:
                - containerPort: 8080
              env:
                - name: DB_PASSWORD
                  valueFrom:
                    secretKeyRef:
                      name: billing-db
    ¤                  key: password
                - name: STRIPE_API_KEY
                  valueFrom:
                    secretKeyRef:
                      name: billing-payments
    ¤                  key: STRIPE_API_KEY
                - name: JWT_PUBLIC_KEY_PATH
                  value: /etc/billing/jwt/public.pem
              readinessProbe:
                httpGet:
                  path: /healthz
                  port: 8080
          imagePullSecrets:
            - name: regcred
    """, h=sha256hex(), dg=digest())


@gen("billing-service", ".github/workflows/ci.yml", "ci")
def _(d):
    d.tpl("""
    name: ci

    on:
      push:
      pull_request:

    jobs:
      test:
        runs-on: ubuntu-latest
        services:
          postgres:
            image: postgres:15
            env:
    ¤          POSTGRES_PASSWORD: ""
              POSTGRES_HOST_AUTH_METHOD: trust
            ports: ["5432:5432"]
        steps:
    ¤      - uses: actions/checkout@⟦s1⟧ # v4.1.1
    ¤      - uses: actions/setup-python@⟦s2⟧ # v5.0.0
            with:
              python-version: "3.11"
          - run: pip install poetry && poetry install --no-root
          - run: poetry run pytest -q
            env:
    ¤          DATABASE_URL: postgres://postgres@localhost:5432/postgres
    ¤          OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}
    ¤          SENTRY_DSN: ""

      codeql:
        runs-on: ubuntu-latest
        permissions:
          security-events: write
        steps:
    ¤      - uses: actions/checkout@⟦s1⟧ # v4.1.1
    ¤      - uses: github/codeql-action/init@⟦s3⟧ # v3.22.12
            with:
              languages: python
    ¤      - uses: github/codeql-action/analyze@⟦s3⟧ # v3.22.12
    """, s1=gitsha(), s2=gitsha(), s3=gitsha())


@gen("acme-infra", "docs/setup.md", "docs")
def _(d):
    d.tpl("""
    # Setting up the infra repo

    1. Install Terraform 1.6+, sops and the AWS CLI v2.
    2. Configure credentials (never commit them!):

    ```console
    $ aws configure --profile acme-prod
    ¤AWS Access Key ID [None]: AKIA................
    ¤AWS Secret Access Key [None]: ****************************************
    Default region name [None]: eu-west-1
    ```

    3. Export the provider tokens:

    ```bash
    ¤export TF_VAR_db_password="$(vault kv get -field=password secret/prod/rds)"
    ¤export TF_VAR_cloudflare_api_token=<cloudflare token with Zone:Edit>
    ¤export DIGITALOCEAN_TOKEN=dop_v1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ```

    4. Decrypt secrets with sops (needs `kms:Decrypt`):

    ```bash
    ¤sops -d secrets/prod.enc.yaml | yq '.db_password'
    ```

    ## Rotating the RDS password

    ¤Pick a new `db_password` (min 16 chars, no `@`, `/` or `"`), then run
    ¤`terraform apply -var 'db_password=<new-password>'` and update the Vault entry.
    The bastion user_data password is legacy and will be removed (INFRA-77).
    """)


@gen("team-wiki", ".env.sample", "env")
def _(d):
    d.tpl("""
    # Copy to .env and fill in. The real values live in the ops vault.
    TZ=Europe/Berlin
    WIKI_DOMAIN=wiki.example.org

    ¤MARIADB_ROOT_PASSWORD=
    ¤GITEA_INTERNAL_TOKEN=<generate with: gitea generate secret INTERNAL_TOKEN>
    ¤KC_ADMIN_PASSWORD=change-me
    ¤SMTP_PASSWORD=your_smtp_password
    ¤GF_OAUTH_CLIENT_SECRET=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ¤S3_SECRET_KEY=${S3_SECRET_KEY}
    ¤BACKUP_ENCRYPTION_PASSPHRASE=<ask in #ops>
    ¤LDAP_BIND_PASSWORD=********

    BACKUP_SCHEDULE="0 3 * * *"
    BACKUP_RETENTION_DAYS=14
    """)


@gen("storefront-rails", "test/fixtures/users.yml", "ruby-config")
def _(d):
    d.tpl("""
    # Read about fixtures at https://api.rubyonrails.org/classes/ActiveRecord/FixtureSet.html

    admin:
      email: admin@example.com
    ¤  encrypted_password: <%= Devise::Encryptor.digest(User, 'password') %>
      confirmed_at: <%= Time.current %>
      role: admin

    customer:
      email: customer@example.com
    ¤  encrypted_password: <%= Devise::Encryptor.digest(User, 'password') %>
      confirmed_at: <%= Time.current %>
      role: customer

    # bcrypt of the dummy password "password", cost 4 (test env only)
    legacy:
      email: legacy@example.com
    ¤  encrypted_password: "⟦bc⟧"
      role: customer

    api_client:
      email: api@example.com
    ¤  api_token: <%= SecureRandom.hex(20) %>
    ¤  api_token_digest: <%= Digest::SHA256.hexdigest('dummy-token') %>
    """, bc=bcrypt(4, "a"))


@gen("orders-api", "openapi.yaml", "docs")
def _(d):
    d.tpl("""
    openapi: 3.0.3
    info:
      title: Orders API
      version: 1.4.0
    servers:
      - url: https://orders.contoso-shop.example/api
    components:
      securitySchemes:
        bearerAuth:
          type: http
          scheme: bearer
          bearerFormat: JWT
        apiKey:
          type: apiKey
          in: header
    ¤      name: X-API-Key
      schemas:
        LoginRequest:
          type: object
          required: [email, password]
          properties:
            email:
              type: string
              format: email
              example: jane@example.com
    ¤        password:
              type: string
    ¤          format: password
    ¤          minLength: 10
    ¤          example: "********"
        LoginResponse:
          type: object
          properties:
            token:
              type: string
    ¤          example: ⟦jwtio⟧
            expiresIn:
              type: integer
              example: 43200
        WebhookEndpoint:
          type: object
          properties:
            url:
              type: string
            secret:
              type: string
    ¤          description: HMAC secret used to sign payloads (returned once)
    ¤          example: whsec_REPLACE_ME
    paths:
      /auth/login:
        post:
          security: []
          requestBody:
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/LoginRequest'
          responses:
            '200':
              description: OK
      /orders:
        get:
          security:
            - bearerAuth: []
            - apiKey: []
          responses:
            '200':
              description: OK
    """, jwtio=JWT_IO_EXAMPLE)


@gen("tasktracker-api", "src/config.ts", "js-src")
def _(d):
    d.tpl("""
    import 'dotenv/config';

    function required(name: string): string {
      const v = process.env[name];
      if (!v) throw new Error(`Missing env var ${name}`);
      return v;
    }

    export const config = {
      port: Number(process.env.PORT ?? 8080),
    ¤  databaseUrl: required('DATABASE_URL'),
    ¤  jwtSecret: required('JWT_SECRET'),
    ¤  sessionSecret: process.env.SESSION_SECRET ?? '',
      aws: {
        region: process.env.AWS_REGION ?? 'us-east-1',
    ¤    accessKeyId: process.env.AWS_ACCESS_KEY_ID,
    ¤    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
      },
    ¤  stripeKey: required('STRIPE_SECRET_KEY'),
      smtp: {
        host: process.env.SMTP_HOST ?? 'localhost',
        port: Number(process.env.SMTP_PORT ?? 1025),
        user: process.env.SMTP_USER,
    ¤    pass: process.env.SMTP_PASSWORD,
      },
    ¤  passwordMinLength: 12,
    ¤  bcryptRounds: 12,
    };

    export type Config = typeof config;
    """)


@gen("fire-chat", "index.html", "docs")
def _(d):
    d.tpl("""
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="UTF-8" />
    ¤    <link rel="icon" type="image/png" href="data:image/png;base64,⟦png⟧" />
        <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    ¤    <meta name="google-site-verification" content="⟦gsv⟧" />
    ¤    <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/css/bootstrap.min.css" integrity="sha384-⟦i1⟧" crossorigin="anonymous">
    ¤    <script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/js/bootstrap.bundle.min.js" integrity="sha384-⟦i2⟧" crossorigin="anonymous"></script>
    ¤    <script async src="https://www.googletagmanager.com/gtag/js?id=G-⟦ga⟧"></script>
        <title>FireChat</title>
      </head>
      <body>
        <div id="root"></div>
        <form id="login" hidden>
          <input type="email" name="email" autocomplete="username" />
    ¤      <input type="password" name="password" autocomplete="current-password" placeholder="Password" />
        </form>
    ¤    <script nonce="⟦nonce⟧">window.__BUILD__ = "⟦sha⟧";</script>
        <script type="module" src="/src/main.jsx"></script>
      </body>
    </html>
    """, png=png_b64(120), gsv=rs(43, URLC), i1=b64(rbytes(48)), i2=b64(rbytes(48)),
          ga=rs(10, UPPER + DIG), nonce=b64(rbytes(16)), sha=gitsha())


# === END OF FILE GENERATORS ================================================


def toml_key(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> int:
    docs: list[Doc] = []
    family = {}
    for case, path, fam, fn in GENERATORS:
        d = Doc(case, path)
        fn(d)
        docs.append(d)
        family[d.key] = fam

    keys = [d.key for d in docs]
    dup = [k for k, c in Counter(keys).items() if c > 1]
    if dup:
        raise SystemExit(f"duplicate file keys: {dup}")

    if os.path.isdir(OUT_FILES):
        shutil.rmtree(OUT_FILES)
    os.makedirs(OUT_FILES)

    out = ["# Holdout set B labels -- generated by generate.py (seed %d). Do not edit." % SEED,
           "# secrets: 1-based inclusive line ranges, one per secret.",
           "# tricky: number of deliberately tricky non-secret lines.", ""]
    kind_count: Counter = Counter()
    fam_count: Counter = Counter()
    fam_files: Counter = Counter()
    total_tricky = 0
    for d in sorted(docs, key=lambda x: x.key):
        dest = os.path.join(OUT_FILES, d.case, d.path + ".rot13")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(codecs.encode(d.text(), "rot13"))
        ranges = ", ".join(f"[{s}, {e}]" for s, e, _ in d.secrets)
        out.append(f"[{toml_key(d.key)}]")
        out.append(f"secrets = [{ranges}]")
        out.append(f"tricky = {d.tricky}")
        out.append("")
        for _, _, k in d.secrets:
            kind_count[k] += 1
        fam = family[d.key]
        fam_count[fam] += len(d.secrets)
        fam_files[fam] += 1
        total_tricky += d.tricky

    with open(OUT_LABELS, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(out))

    # Optional: `--annotate DIR` writes plain-text copies with S/T markers for
    # reviewing the labels by eye (keep DIR outside the repository).
    if len(sys.argv) == 3 and sys.argv[1] == "--annotate":
        for d in docs:
            sec = {}
            for s, e, k in d.secrets:
                for n in range(s, e + 1):
                    sec[n] = k
            trk = set(d.tricky_lines)
            dest = os.path.join(sys.argv[2], d.case, d.path + ".annotated")
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "w", encoding="utf-8") as fh:
                for n, line in enumerate(d.lines, 1):
                    tag = f"S:{sec[n]}" if n in sec else ("T" if n in trk else "")
                    fh.write(f"{n:4d} {tag:10s}| {line}\n")

    total = sum(kind_count.values())
    print(f"files:   {len(docs)}")
    print(f"secrets: {total}")
    print(f"tricky:  {total_tricky}  (ratio {total_tricky / max(total, 1):.2f} per secret)")
    print(f"no-secret files: {sum(1 for d in docs if not d.secrets)}")
    lens = [len(d.lines) for d in docs]
    print(f"lines per file: min {min(lens)}, max {max(lens)}, total {sum(lens)}")
    print("\nsecrets per kind:")
    for k, c in sorted(kind_count.items(), key=lambda kv: -kv[1]):
        print(f"  {k:7s} {c:4d}  {100 * c / total:5.1f}%  {KINDS[k]}")
    print("\nper file family (files / secrets):")
    for f in sorted(fam_files):
        print(f"  {f:22s} {fam_files[f]:3d} / {fam_count[f]:4d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
