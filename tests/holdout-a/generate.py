#!/usr/bin/env python3
"""
holdout-a: an independently written, line-labelled evaluation set for leakguard.

Purpose
-------
This script writes a corpus of realistic-looking files that contain FAKE
credentials, together with line-level labels, so the precision and recall of
the leakguard pre-commit hook can be measured on data that was written without
looking at leakguard's rules, its test corpora or any other scanner's rule set.
Every value is produced from a fixed PRNG seed (4242); no real credential is
used anywhere.  Formats (prefixes, lengths, alphabets) follow what these
tokens, hashes and key files look like in the wild; checksums inside tokens
are NOT valid.

Usage
-----
    python3 tests/holdout-a/generate.py

deletes and rewrites tests/holdout-a/files/ and tests/holdout-a/labels.toml
and prints a summary.  Python 3.11, standard library only, deterministic.

Output layout
-------------
* files/<case-dir>/<realistic relative path>.rot13 -- one file per case dir,
  stored ROT13-encoded (codecs.encode(text, "rot13"): only a-z/A-Z rotate),
  UTF-8, every line terminated by "\\n".  ROT13 keeps the plaintext secrets
  from tripping scanners/push-protection on this repository itself; decode
  before scanning.
* labels.toml -- one table per file, keyed "<case-dir>/<relative path>"
  (without .rot13):

      ["netrc3/home/dev/.netrc"]
      secrets = [[4, 4], [9, 9]]   # 1-based inclusive line ranges
      tricky = 7                   # deliberately tricky non-secret lines

  Each range is exactly one secret.  A multi-line secret (PEM or PuTTY
  private key, YAML block scalar) is one range covering all of its lines.
  Every line outside a range is a negative.

Labelling policy
----------------
SECRET (inside a range) -- anything that would grant access if it were real:
  * passwords in password-ish fields, including human-chosen ones
    (Summer2019!, Tr0ub4dor&3, maple123 ...), passphrases;
  * API keys / tokens / client secrets / webhook URLs / signing keys
    (Django SECRET_KEY, Rails secret_key_base, Laravel APP_KEY, WordPress
    salts, JWT signing secrets);
  * private keys (PEM in all flavours incl. encrypted ones, OpenSSH, PuTTY);
    a single-line embedded key (JSON "private_key", kubeconfig
    client-key-data) is a one-line range;
  * password hashes in SQL dumps and shadow files (bcrypt, crypt $1$/$5$/$6$/
    $y$, MySQL *HEX41, postgres md5/SCRAM, unsalted md5/sha1 hex columns);
  * credentialed URLs / DSNs / JDBC / ADO.NET connection strings with a
    password; base64 "user:pass" auth strings (Docker, npm _auth, HTTP Basic
    headers); FileZilla base64 <Pass>; reversibly obfuscated stored passwords
    (JetBrains <user-password>, NuGet/Windows DPAPI blobs); Kubernetes Secret
    data values that decode to a password/token/key;
  * AWS access key ids (AKIA...) are labelled as secrets in their own range,
    separately from the secret access key (they are one half of a credential
    pair and are treated as sensitive by convention).
TRICKY (counted, not a secret) -- lines built to look alarming but harmless:
  placeholders (<password>, your-api-key-here, changeme, xxxxxxxx, ********,
  REPLACE_ME, sk_live_xxxx...), variable references (${DB_PASSWORD},
  {{ vault_db_password }}, %(password)s, $PASSWORD, os.environ[...],
  process.env.X, ENV.fetch, ${{ secrets.X }}, $CI_JOB_TOKEN), empty values,
  password-policy settings, UI strings, password-related identifiers, public
  keys / certificates / fingerprints (every line of a certificate block is
  counted), checksums, git SHAs, UUIDs, integrity= hashes, base64 images,
  locked shadow entries ('*', '!', '!!', '!*'), /etc/passwd lines,
  documentation example keys (AKIAIOSFODNN7EXAMPLE ...), dummy/fake test
  fixtures, version strings, request/build ids, colours, long numeric ids,
  public-by-design identifiers (Stripe pk_live_ publishable keys, Pusher app
  keys, Twilio Account SIDs, OAuth client ids), and encrypted-at-rest blobs
  meant to be committed (Ansible Vault, Jasypt ENC(...)).
Lines that are neither (ordinary content) are plain negatives and are not
counted as tricky.

Judgement calls are also listed in the summary printed at the end of a run.
"""

from __future__ import annotations

import base64
import codecs
import random
import shutil
import string
import struct
import sys
import tomllib
from pathlib import Path

SEED = 4242
R = random.Random(SEED)

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "files"
LABELS_PATH = HERE / "labels.toml"

UP = string.ascii_uppercase
LO = string.ascii_lowercase
DG = string.digits
ALNUM = UP + LO + DG
LOALNUM = LO + DG
HEXL = "0123456789abcdef"
HEXU = HEXL.upper()
B64C = ALNUM + "+/"
B64URL = ALNUM + "-_"
CRYPT = "./" + DG + UP + LO
B32 = UP + "234567"
B32L = LO + "234567"

SECRET_VALUES: set[str] = set()
CASES: list["Doc"] = []
COUNTERS: dict[str, int] = {}

JUDGEMENT_CALLS = [
    "AWS access key ids (AKIA...) are labelled secret, in a range of their own.",
    "Heroku API keys are UUID-shaped; a UUID in a .netrc password field is a secret, UUIDs elsewhere are tricky.",
    "Stripe pk_live_ publishable keys, Pusher app keys, Twilio Account SIDs and OAuth client ids are public identifiers -> tricky, not secret.",
    "Google AIza keys (incl. Firebase web config) are labelled secret, per the brief.",
    "Ansible Vault blocks and Jasypt ENC(...) values are encrypted-at-rest, meant to be committed -> tricky, not secret.",
    "Encrypted private keys (PKCS#8 ENCRYPTED, Proc-Type: 4,ENCRYPTED, bcrypt-protected OpenSSH, aes256-cbc PuTTY) are secret.",
    "Reversibly obfuscated stored passwords (FileZilla base64, JetBrains <user-password> hex, NuGet/DPAPI blobs) are secret.",
    "Kubernetes Secret data values are labelled by what they decode to: usernames/hosts/ports -> tricky, passwords/tokens/keys -> secret.",
    "Slack signing secrets, webhook URLs and Stripe whsec_ webhook secrets are secrets.",
    "Local development passwords in password fields (database.yml development, docker-compose .env) are secrets.",
    "Anonymous-FTP style passwords (anonymous@ / guest e-mail) are tricky, not secret.",
    "Certificates and public keys: every line of the block is counted as a tricky line.",
    "/etc/passwd: every account line is counted as tricky ('x' field).",
    "Bitnami SealedSecret encryptedData values are encrypted for the cluster key -> tricky, like Ansible Vault.",
    "Django 'unusable password' markers ('!' + 40 random chars) in auth_user dumps are locked accounts -> tricky.",
    "A password printed into a committed log (Spring 'Using generated security password', a DEBUG DATABASE_URL, a dumped Authorization header) is a secret; masked values (********, ***abcd) are tricky.",
    "Local-only placeholders that are obviously fake (dummy-password, fake-token-for-tests, sk_test_fake..., change-me...) are tricky even in password fields.",
    "Some file types are naturally short (.git-credentials, .pgpass, id_ed25519, .htpasswd, small PuTTY keys, GCP/Azure JSON); kept short for realism.",
]


# ---------------------------------------------------------------------------
# random helpers
# ---------------------------------------------------------------------------

def rs(alpha: str, n: int) -> str:
    return "".join(R.choice(alpha) for _ in range(n))


def rb(n: int) -> bytes:
    return bytes(R.getrandbits(8) for _ in range(n))


def pick(seq):
    return R.choice(seq)


def picks(seq, k):
    return R.sample(list(seq), k)


def chance(p: float) -> bool:
    return R.random() < p


def reg(v: str) -> str:
    """Register a generated secret value (used by the self-check)."""
    SECRET_VALUES.add(v)
    return v


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def b64s(s: str) -> str:
    return b64(s.encode())


def b64url_nopad(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def wrap(s: str, n: int) -> list[str]:
    return [s[i:i + n] for i in range(0, len(s), n)]


# ---------------------------------------------------------------------------
# identities
# ---------------------------------------------------------------------------

FIRST = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
         "ivan", "judy", "oscar", "peggy", "trent", "victor", "wendy", "li",
         "priya", "omar", "sofia", "mateo", "yuki", "noah", "lena", "kofi",
         "anya", "ravi", "maria", "jonas", "chloe", "diego"]
LAST = ["nguyen", "smith", "garcia", "mueller", "sato", "kowalski", "patel",
        "okafor", "johansson", "rossi", "dubois", "kim", "silva", "novak",
        "haddad", "fischer", "obrien", "tanaka", "larsen", "moreau"]
ORGS = ["acme", "globex", "initech", "umbrella", "hooli", "vandelay",
        "wayneent", "starkind", "tyrell", "cyberdyne", "soylent", "wonka",
        "aperture", "oscorp", "northwind", "contoso", "fabrikam", "piedpiper",
        "dunder", "gringotts", "monarch", "kaiju", "bluth", "prestige"]
TLDS = ["io", "net", "com", "dev", "co", "cloud", "de", "co.uk"]
APPNAMES = ["billing", "orders", "storefront", "ledger", "crm", "inventory",
            "helpdesk", "analytics", "portal", "payments", "notify", "auth",
            "catalog", "reporting", "scheduler", "warehouse"]


class Who:
    """A coherent fake identity for one file."""

    def __init__(self):
        self.first = pick(FIRST)
        self.last = pick(LAST)
        self.org = pick(ORGS)
        self.dom = f"{self.org}{pick(['', '-corp', '-labs', 'tech', '-group', 'hq'])}.{pick(TLDS)}"
        self.user = pick([self.first, f"{self.first}.{self.last}", self.first[0] + self.last,
                          f"{self.first}{self.last[0]}", self.last])
        self.email = f"{self.first}.{self.last}@{self.dom}"
        self.app = pick(APPNAMES)
        self.home = pick(["home", "Users"]) + "/" + self.user.replace(".", "")

    def host(self, kind="db"):
        names = {
            "db": ["db01", "db-prod-1", "pg-main", "mysql-01", "sql2", "dbprimary", "db-replica-2"],
            "ftp": ["ftp", "sftp", "files", "upload", "www"],
            "ci": ["ci", "jenkins", "build", "drone"],
            "git": ["git", "gitlab", "code", "scm"],
            "cache": ["redis-1", "cache01", "redis"],
            "mq": ["mq", "rabbit01", "amqp"],
            "repo": ["nexus", "artifactory", "repo", "packages"],
        }[kind]
        return f"{pick(names)}.{pick(['', 'internal.', 'prod.', 'staging.', 'eu-west.'])}{self.dom}"


# ---------------------------------------------------------------------------
# passwords
# ---------------------------------------------------------------------------

WORDS = ["summer", "winter", "autumn", "dragon", "monkey", "sunshine",
         "football", "shadow", "tiger", "purple", "orange", "falcon",
         "coffee", "rocket", "harbor", "maple", "silver", "thunder", "banana",
         "pepper", "kitten", "matrix", "phoenix", "galaxy", "cobalt",
         "jasmine", "viking", "walrus", "zebra", "pickle", "lemon", "otter",
         "cactus", "sierra", "tango", "marble", "copper", "willow", "hunter",
         "ranger", "bandit", "cookie", "butter", "mustang", "yankee",
         "charlie", "soccer", "hockey", "boston", "denver", "london",
         "berlin", "nimbus", "pretzel", "waffle", "gopher", "badger",
         "kestrel", "troubador", "horse", "battery", "staple", "velvet"]
SEASONS = ["Summer", "Winter", "Autumn", "Spring", "Fall", "Welcome", "Company"]
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}

F_SHELL = "'\"\\$`"
F_XML = "&<>\"'"
F_INI = "#;\"'\\ "
F_JSON = "\"\\"
F_URLISH = "!#%*+=^~@&$?/:;'\"\\ ,`()[]{}|<>"
F_COLON = ":\\'\"#"
F_SQL = "'\"\\"


def human_pw(forbid: str = "") -> str:
    while True:
        w, w2 = pick(WORDS), pick(WORDS)
        st = R.randrange(10)
        if st == 0:
            v = pick(SEASONS) + str(R.randrange(2012, 2025)) + pick("!@#$?")
        elif st == 1:
            base = w + pick(["dor", "ia", "ers", "ix", "o"])
            v = "".join(LEET.get(c, c) if R.random() < 0.6 else c for c in base)
            v = v[0].upper() + v[1:] + pick("&%!#*") + str(R.randrange(10))
        elif st == 2:
            v = pick(["my", "the", "big", "", "xx"]) + w + str(R.randrange(10, 1000))
        elif st == 3:
            v = w.capitalize() + w2.capitalize() + str(R.randrange(1, 100))
        elif st == 4:
            v = w + str(R.randrange(1, 10)) + pick(["x", "z", "!", "?", "xx"])
        elif st == 5:
            v = "-".join(pick(WORDS) for _ in range(R.randrange(3, 5)))
        elif st == 6:
            v = w.capitalize() + pick("@#!$") + str(R.randrange(1000, 10000))
        elif st == 7:
            v = pick(FIRST).capitalize() + str(R.randrange(1970, 2010)) + pick(["", "!", "#", "*"])
        elif st == 8:
            v = w[0].upper() + w[1:] + "_" + w2 + str(R.randrange(10, 99))
        else:
            v = "".join(LEET.get(c, c) for c in w) + pick(WORDS).upper()[:3] + str(R.randrange(10))
        if len(v) >= 8 and not any(c in forbid for c in v):
            return reg(v)


def random_pw(n: int | None = None, syms: str = "!#%*-_.+=^~@", forbid: str = "") -> str:
    n = n or R.randrange(12, 25)
    alpha = ALNUM + "".join(c for c in syms if c not in forbid)
    while True:
        v = rs(alpha, n)
        if any(c.isdigit() for c in v) and any(c.isalpha() for c in v) and v[0] not in "-=#~":
            return reg(v)


def password(forbid: str = F_SHELL, human: bool | None = None) -> str:
    if human is None:
        human = chance(0.5)
    return human_pw(forbid) if human else random_pw(forbid=forbid)


def url_pw() -> str:
    if chance(0.5):
        return human_pw(F_URLISH)
    return random_pw(syms="-_.", forbid="")


# ---------------------------------------------------------------------------
# provider tokens (shapes from public documentation / observation)
# ---------------------------------------------------------------------------

def aws_akid(): return reg("AKIA" + rs(B32, 16))
def aws_secret(): return reg(rs(ALNUM + "+/", 40))
def aws_session(): return reg("IQoJb3JpZ2luX2Vj" + rs(B64C, 340))
def ghp(): return reg(pick(["ghp_", "ghp_", "gho_", "ghu_"]) + rs(ALNUM, 36))
def gh_pat_fine(): return reg("github_pat_" + rs(ALNUM, 22) + "_" + rs(ALNUM, 59))
def gh_any(): return ghp() if chance(0.6) else gh_pat_fine()
def glpat(): return reg("glpat-" + rs(ALNUM + "-_", 20))
def slack_bot(): return reg(f"xoxb-{R.randrange(10**11, 10**12)}-{R.randrange(10**12, 10**13)}-{rs(ALNUM, 24)}")
def slack_user(): return reg(f"xoxp-{rs(DG, 12)}-{rs(DG, 12)}-{rs(DG, 13)}-{rs(HEXL, 32)}")
def slack_hook(): return reg(f"https://hooks.slack.com/services/T{rs(UP + DG, 9)}/B{rs(UP + DG, 11)}/{rs(ALNUM, 24)}")
def stripe_sk(): return reg("sk_live_" + (rs(ALNUM, 24) if chance(0.3) else "51" + rs(ALNUM, 97)))
def stripe_rk(): return reg("rk_live_" + "51" + rs(ALNUM, 97))
def stripe_whsec(): return reg("whsec_" + rs(ALNUM, 32))
def stripe_pk(): return "pk_live_" + "51" + rs(ALNUM, 97)   # publishable: NOT a secret
def openai_key():
    if chance(0.5):
        return reg("sk-" + rs(ALNUM, 20) + "T3BlbkFJ" + rs(ALNUM, 20))
    return reg("sk-proj-" + rs(B64URL, 74) + "T3BlbkFJ" + rs(B64URL, 74))
def anthropic_key(): return reg("sk-ant-api03-" + rs(B64URL, 93) + "AA")
def sendgrid(): return reg("SG." + rs(B64URL, 22) + "." + rs(B64URL, 43))
def twilio_sid(): return "AC" + rs(HEXL, 32)                 # account id: NOT a secret
def twilio_token(): return reg(rs(HEXL, 32))
def google_api(): return reg("AIzaSy" + rs(B64URL, 33))
def google_client_id(): return f"{rs(DG, 12)}-{rs(LOALNUM, 32)}.apps.googleusercontent.com"
def google_client_secret(): return reg("GOCSPX-" + rs(B64URL, 28))
def npm_token(): return reg("npm_" + rs(ALNUM, 36))
def pypi_token(test=False):
    head = "pypi-AgENdGVzdC5weXBpLm9yZw" if test else "pypi-AgEIcHlwaS5vcmc"
    return reg(head + "CJ" + rs(B64URL, 155))
def mailgun_key(): return reg("key-" + rs(HEXL, 32))
def datadog_api(): return reg(rs(HEXL, 32))
def datadog_app(): return reg(rs(HEXL, 40))
def shopify_token(): return reg("shpat_" + rs(HEXL, 32))
def do_token(): return reg("dop_v1_" + rs(HEXL, 64))
def vault_token(): return reg("hvs." + rs(ALNUM + "_-", 24))
def hf_token(): return reg("hf_" + rs(ALNUM, 34))
def telegram_token(): return reg(f"{R.randrange(10**9, 8 * 10**9)}:AA{rs(B64URL, 33)}")
def azure_storage_key(): return reg(b64(rb(64)))
def azure_client_secret(): return reg(rs(ALNUM, 3) + pick("78") + "Q~" + rs(ALNUM + "_~.-", 34))
def ado_pat(): return reg(rs(B32L, 52))
def cloudflare_token(): return reg(rs(B64URL, 40))
def atlassian_token(): return reg("ATATT3xFfGF0" + rs(B64URL, 170) + "=" + rs(HEXU, 8))
def sonar_token(): return reg("squ_" + rs(HEXL, 40))
def docker_pat(): return reg("dckr_pat_" + rs(B64URL, 27))
def postman_key(): return reg("PMAK-" + rs(HEXL, 24) + "-" + rs(HEXL, 34))
def nuget_key(): return reg("oy2" + rs(LOALNUM, 43))
def mailchimp_key(): return reg(rs(HEXL, 32) + "-us" + str(R.randrange(1, 21)))
def artifactory_key(): return reg("AKCp8" + rs(ALNUM, 68))
def bitbucket_app_pw(): return reg("ATBB" + rs(ALNUM, 32))
def gitlab_runner(): return reg("glrt-" + rs(ALNUM + "-_", 20))
def sentry_token(): return reg("sntrys_" + rs(B64URL, 120))
def heroku_key(): return reg(uuid4())
def pusher_secret(): return reg(rs(HEXL, 20))
def pusher_key(): return rs(HEXL, 20)                       # public app key: NOT a secret
def hex_secret(n=64): return reg(rs(HEXL, n))
def b64_secret(nbytes=32): return reg(b64(rb(nbytes)))
def alnum_secret(n=32): return reg(rs(ALNUM, n))
def laravel_key(): return reg("base64:" + b64(rb(32)))
def django_key(prefix=None):
    if prefix is None:
        prefix = chance(0.4)
    return reg(("django-insecure-" if prefix else "") + rs("abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)", 50))
def rails_skb(): return reg(rs(HEXL, 128))
def wp_salt(): return reg(rs(ALNUM + "!@#$%^&*()-_[]{}<>~`+=,.;:/?|", 64))


def jwt(payload: str, alg="HS256", sig_len=43) -> str:
    h = b64url_nopad(('{"alg":"%s","typ":"JWT"}' % alg).encode())
    p = b64url_nopad(payload.encode())
    return reg(f"{h}.{p}.{rs(B64URL, sig_len)}")


# ---------------------------------------------------------------------------
# password hashes
# ---------------------------------------------------------------------------

def h_sha512crypt(): return reg("$6$" + rs(CRYPT, pick([8, 16])) + "$" + rs(CRYPT, 86))
def h_sha256crypt(): return reg("$5$" + rs(CRYPT, 16) + "$" + rs(CRYPT, 43))
def h_yescrypt(): return reg("$y$j9T$" + rs(CRYPT, 22) + "$" + rs(CRYPT, 43))
def h_md5crypt(): return reg("$1$" + rs(CRYPT, 8) + "$" + rs(CRYPT, 22))
def h_bcrypt(v="2y", cost=10): return reg(f"${v}${cost:02d}$" + rs(CRYPT, 53))
def h_mysql41(): return reg("*" + rs(HEXU, 40))
def h_md5(): return reg(rs(HEXL, 32))
def h_sha1(): return reg(rs(HEXL, 40))
def h_pgmd5(): return reg("md5" + rs(HEXL, 32))
def h_scram(): return reg(f"SCRAM-SHA-256$4096:{b64(rb(16))}${b64(rb(32))}:{b64(rb(32))}")
def h_django_pbkdf2(): return reg(f"pbkdf2_sha256$600000${rs(ALNUM, 22)}${b64(rb(32))}")
def h_argon2(): return reg(f"$argon2id$v=19$m=65536,t=3,p=4${b64(rb(16)).rstrip('=')}${b64(rb(32)).rstrip('=')}")


# ---------------------------------------------------------------------------
# harmless look-alikes (never registered)
# ---------------------------------------------------------------------------

def uuid4() -> str:
    h = list(rs(HEXL, 32))
    h[12] = "4"
    h[16] = pick("89ab")
    h = "".join(h)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def git_sha(): return rs(HEXL, 40)
def sha256hex(): return rs(HEXL, 64)
def md5hex(): return rs(HEXL, 32)
def integrity(): return "sha512-" + b64(rb(64))
def css_color(): return "#" + rs(HEXL, 6)
def long_id(): return str(R.randrange(10**17, 10**19))
def png_data_uri(n=90): return "data:image/png;base64," + b64(bytes.fromhex("89504e470d0a1a0a0000000d49484452") + rb(n))
def version(): return f"{R.randrange(0, 12)}.{R.randrange(0, 30)}.{R.randrange(0, 40)}"
def aws_account(): return str(R.randrange(10**11, 10**12))


EX_AKID = "AKIAIOSFODNN7EXAMPLE"
EX_AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


# ---------------------------------------------------------------------------
# key material
# ---------------------------------------------------------------------------

def tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82, n >> 8, n & 0xFF])
    return bytes([tag]) + ln + content


def der_int(b: bytes) -> bytes:
    if b and b[0] & 0x80:
        b = b"\x00" + b
    return tlv(0x02, b)


def der_seq(*parts: bytes) -> bytes:
    return tlv(0x30, b"".join(parts))


def oid(h: str) -> bytes:
    return tlv(0x06, bytes.fromhex(h))


NULL = b"\x05\x00"
OID_RSA = "2a864886f70d010101"
OID_EC = "2a8648ce3d0201"
OID_P256 = "2a8648ce3d030107"
OID_SHA256RSA = "2a864886f70d01010b"
OID_PBES2 = "2a864886f70d01050d"
OID_PBKDF2 = "2a864886f70d01050c"
OID_HMACSHA256 = "2a864886f70d0209"
OID_AES256CBC = "60864801650304012a"


def topbit(n: int) -> bytes:
    b = bytearray(rb(n))
    b[0] |= 0x80
    b[-1] |= 0x01
    return bytes(b)


def rsa_pkcs1(bits=2048) -> bytes:
    k = bits // 8
    h = k // 2
    return der_seq(der_int(b"\x00"), der_int(topbit(k)), der_int(b"\x01\x00\x01"),
                   der_int(topbit(k)[1:]), der_int(topbit(h)), der_int(topbit(h)),
                   der_int(rb(h)), der_int(rb(h)), der_int(rb(h)))


def pkcs8_rsa(bits=2048) -> bytes:
    return der_seq(der_int(b"\x00"), der_seq(oid(OID_RSA), NULL), tlv(0x04, rsa_pkcs1(bits)))


def ec_sec1() -> bytes:
    return der_seq(der_int(b"\x01"), tlv(0x04, rb(32)), tlv(0xA0, oid(OID_P256)),
                   tlv(0xA1, tlv(0x03, b"\x00\x04" + rb(64))))


def pkcs8_ec() -> bytes:
    inner = der_seq(der_int(b"\x01"), tlv(0x04, rb(32)), tlv(0xA1, tlv(0x03, b"\x00\x04" + rb(64))))
    return der_seq(der_int(b"\x00"), der_seq(oid(OID_EC), oid(OID_P256)), tlv(0x04, inner))


def pkcs8_encrypted(inner_len=1232) -> bytes:
    alg = der_seq(oid(OID_PBES2), der_seq(
        der_seq(oid(OID_PBKDF2), der_seq(tlv(0x04, rb(8)), der_int(b"\x08\x00"),
                                         der_seq(oid(OID_HMACSHA256), NULL))),
        der_seq(oid(OID_AES256CBC), tlv(0x04, rb(16)))))
    return der_seq(alg, tlv(0x04, rb(inner_len)))


def pem(label: str, der: bytes, headers: list[str] | None = None) -> list[str]:
    return ([f"-----BEGIN {label}-----"] + (headers or []) + wrap(b64(der), 64)
            + [f"-----END {label}-----"])


def x509_name(cn: str, o: str | None = None, c: str | None = None) -> bytes:
    parts = []
    if c:
        parts.append(tlv(0x31, der_seq(oid("550406"), tlv(0x13, c.encode()))))
    if o:
        parts.append(tlv(0x31, der_seq(oid("55040a"), tlv(0x0C, o.encode()))))
    parts.append(tlv(0x31, der_seq(oid("550403"), tlv(0x0C, cn.encode()))))
    return der_seq(*parts)


def spki_rsa(bits=2048) -> bytes:
    return der_seq(der_seq(oid(OID_RSA), NULL),
                   tlv(0x03, b"\x00" + der_seq(der_int(topbit(bits // 8)), der_int(b"\x01\x00\x01"))))


def cert_der(cn: str, issuer: str, org: str = "", ec: bool = False) -> bytes:
    alg = der_seq(oid(OID_SHA256RSA), NULL)
    y = R.randrange(19, 24)
    validity = der_seq(tlv(0x17, f"{y:02d}0{R.randrange(1, 10)}1{R.randrange(0, 9)}120000Z".encode()),
                       tlv(0x17, f"{y + 1:02d}0{R.randrange(1, 10)}1{R.randrange(0, 9)}120000Z".encode()))
    if ec:
        spki = der_seq(der_seq(oid(OID_EC), oid(OID_P256)), tlv(0x03, b"\x00\x04" + rb(64)))
    else:
        spki = spki_rsa()
    ext = tlv(0xA3, der_seq(der_seq(oid("551d0e"), tlv(0x04, tlv(0x04, rb(20)))),
                            der_seq(oid("551d23"), tlv(0x04, der_seq(tlv(0x80, rb(20))))),
                            der_seq(oid("551d11"), tlv(0x04, der_seq(tlv(0x82, cn.encode()))))))
    tbs = der_seq(tlv(0xA0, der_int(b"\x02")), der_int(rb(16)), alg,
                  x509_name(issuer, org or None, "US"), validity, x509_name(cn), spki, ext)
    return der_seq(tbs, alg, tlv(0x03, b"\x00" + rb(256)))


def cert_pem(cn: str, issuer: str = "R3", org: str = "Let's Encrypt", ec=False) -> list[str]:
    return pem("CERTIFICATE", cert_der(cn, issuer, org, ec))


def public_key_pem() -> list[str]:
    return pem("PUBLIC KEY", spki_rsa())


def sshstr(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


def mpint(b: bytes) -> bytes:
    if b[0] & 0x80:
        b = b"\x00" + b
    return sshstr(b)


def ssh_pub_blob(kind="ed25519", bits=3072):
    if kind == "ed25519":
        pk = rb(32)
        return sshstr(b"ssh-ed25519") + sshstr(pk), {"pk": pk}
    if kind == "ecdsa":
        q = b"\x04" + rb(64)
        return sshstr(b"ecdsa-sha2-nistp256") + sshstr(b"nistp256") + sshstr(q), {"q": q}
    n = topbit(bits // 8)
    return sshstr(b"ssh-rsa") + mpint(b"\x01\x00\x01") + mpint(n), {"n": n}


SSH_ALG = {"ed25519": "ssh-ed25519", "ecdsa": "ecdsa-sha2-nistp256", "rsa": "ssh-rsa"}


def ssh_pub_line(kind="ed25519", comment="") -> str:
    blob, _ = ssh_pub_blob(kind)
    return f"{SSH_ALG[kind]} {b64(blob)}" + (f" {comment}" if comment else "")


def openssh_private(kind="ed25519", comment="user@host", encrypted=False, bits=3072) -> list[str]:
    pub, parts = ssh_pub_blob(kind, bits)
    chk = rb(4)
    if kind == "ed25519":
        body = sshstr(b"ssh-ed25519") + sshstr(parts["pk"]) + sshstr(rb(32) + parts["pk"])
    elif kind == "ecdsa":
        body = sshstr(b"ecdsa-sha2-nistp256") + sshstr(b"nistp256") + sshstr(parts["q"]) + mpint(topbit(32))
    else:
        k = bits // 8
        body = (sshstr(b"ssh-rsa") + mpint(parts["n"]) + mpint(b"\x01\x00\x01") + mpint(topbit(k)[1:])
                + mpint(topbit(k // 2)) + mpint(topbit(k // 2)) + mpint(topbit(k // 2)))
    priv = chk + chk + body + sshstr(comment.encode())
    block = 16 if encrypted else 8
    i = 1
    while len(priv) % block:
        priv += bytes([i])
        i += 1
    if encrypted:
        cipher, kdf = b"aes256-ctr", b"bcrypt"
        kdfopts = sshstr(rb(16)) + struct.pack(">I", 16)
        priv = rb(len(priv))
    else:
        cipher, kdf, kdfopts = b"none", b"none", b""
    blob = (b"openssh-key-v1\x00" + sshstr(cipher) + sshstr(kdf) + sshstr(kdfopts)
            + struct.pack(">I", 1) + sshstr(pub) + sshstr(priv))
    return (["-----BEGIN OPENSSH PRIVATE KEY-----"] + wrap(b64(blob), 70)
            + ["-----END OPENSSH PRIVATE KEY-----"])


def ppk(version=2, kind="rsa", encrypted=False, comment="rsa-key-20200101", bits=2048) -> list[str]:
    pub, parts = ssh_pub_blob(kind, bits)
    if kind == "rsa":
        k = bits // 8
        priv = mpint(topbit(k)[1:]) + mpint(topbit(k // 2)) + mpint(topbit(k // 2)) + mpint(topbit(k // 2))
    elif kind == "ecdsa":
        priv = mpint(topbit(32))
    else:
        priv = sshstr(rb(32))
    if encrypted:
        priv = rb(len(priv) + (-len(priv)) % 16)
    lines = [f"PuTTY-User-Key-File-{version}: {SSH_ALG[kind]}",
             f"Encryption: {'aes256-cbc' if encrypted else 'none'}",
             f"Comment: {comment}"]
    pl = wrap(b64(pub), 64)
    lines += [f"Public-Lines: {len(pl)}"] + pl
    if version == 3 and encrypted:
        lines += ["Key-Derivation: Argon2id", "Argon2-Memory: 8192",
                  f"Argon2-Passes: {R.randrange(8, 22)}", "Argon2-Parallelism: 1",
                  f"Argon2-Salt: {rs(HEXL, 32)}"]
    vl = wrap(b64(priv), 64)
    lines += [f"Private-Lines: {len(vl)}"] + vl
    lines.append(f"Private-MAC: {rs(HEXL, 40 if version == 2 else 64)}")
    return lines


# ---------------------------------------------------------------------------
# quoting helpers
# ---------------------------------------------------------------------------

SAFE_UNQ = set(ALNUM + "_./:@%+=,-")


def shq(v: str, style: str | None = None) -> str:
    """Quote a value the way people do in shell files."""
    if style is None:
        if set(v) <= SAFE_UNQ:
            style = pick(["", '"', "'"])
        elif set(v) & set("$`\"\\!"):
            style = "'"
        else:
            style = pick(["'", '"'])
    return f"{style}{v}{style}"


def q(v: str, quotes: str = "\"'") -> str:
    c = pick(quotes)
    return f"{c}{v}{c}"


# ---------------------------------------------------------------------------
# document builder
# ---------------------------------------------------------------------------

class Doc:
    """Accumulates lines for one file plus its labels.

    n() ordinary lines, s() one secret (one or more lines), t() tricky lines,
    tpl() a dedented template in which a line may be prefixed with
    'S|' (a one-line secret), '+|' (continues the previous secret range) or
    'T|' (a tricky line).  The two marker characters are simply removed, so
    a marker is written just before the line's content.  «name» placeholders
    are substituted from keyword arguments.
    """

    def __init__(self, kind: str, prefix: str, relpath: str):
        n = COUNTERS.get(prefix, 0) + 1
        COUNTERS[prefix] = n
        self.case = f"{prefix}{n}"
        self.kind = kind
        self.relpath = relpath
        self.lines: list[str] = []
        self.secrets: list[tuple[int, int]] = []
        self.tricky: set[int] = set()
        CASES.append(self)

    @property
    def key(self) -> str:
        return f"{self.case}/{self.relpath}"

    def _push(self, text) -> tuple[int, int]:
        new = list(text) if isinstance(text, (list, tuple)) else text.split("\n")
        a = len(self.lines) + 1
        self.lines.extend(new)
        return a, len(self.lines)

    def n(self, text="") -> None:
        self._push(text)

    def s(self, text) -> None:
        a, b = self._push(text)
        self.secrets.append((a, b))

    def t(self, text) -> None:
        a, b = self._push(text)
        self.tricky.update(range(a, b + 1))

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def items(self, items) -> None:
        """Emit a list of (marker, line) pairs."""
        for m, line in items:
            if m == "S":
                self.s(line)
            elif m == "T":
                self.t(line)
            elif m == "+":
                self.lines.append(line)
                a, _ = self.secrets[-1]
                self.secrets[-1] = (a, len(self.lines))
            else:
                self.n(line)

    def tpl(self, text: str, unit: str | None = None, **kw) -> None:
        self.items(parse_tpl(text, unit, **kw))


def parse_tpl(text: str, unit: str | None = None, **kw) -> list[tuple[str, str]]:
    for k, v in kw.items():
        text = text.replace(f"«{k}»", str(v))
    if "«" in text:
        raise ValueError("unfilled template slot: " + text[text.index("«"):][:40])
    rows = text.split("\n")
    while rows and not rows[0].strip():
        rows.pop(0)
    while rows and not rows[-1].strip():
        rows.pop()
    parsed = []
    for r in rows:
        st = r.lstrip(" ")
        m = ""
        if st[:2] in ("S|", "T|", "+|"):
            m = st[0]
            r = r[: len(r) - len(st)] + st[2:]
        parsed.append((m, r))
    ind = min((len(r) - len(r.lstrip(" ")) for _, r in parsed if r.strip()), default=0)
    out = []
    for m, r in parsed:
        line = r[ind:].rstrip() if r.strip() else ""
        if unit is not None:
            body = line.lstrip(" ")
            lead = len(line) - len(body)
            line = unit * (lead // 4) + " " * (lead % 4) + body
        out.append((m, line))
    return out


def T(text: str, unit: str | None = None, **kw) -> list[tuple[str, str]]:
    """Template -> list of (marker, line) pairs (for shuffling blocks)."""
    return parse_tpl(text, unit, **kw)


def emit_blocks(d: Doc, blocks, sep_blank=True, shuffle=True) -> None:
    blocks = [b for b in blocks if b]
    if shuffle:
        R.shuffle(blocks)
    for b in blocks:
        if sep_blank:
            d.blank()
        d.items(b)


def grouped(entries, comments=None, maxg=3, pcomment=0.4):
    """Shuffle entries (lists of (marker, line)) and merge them into blocks."""
    entries = list(entries)
    R.shuffle(entries)
    blocks, i = [], 0
    while i < len(entries):
        k = R.randrange(1, maxg + 1)
        blk = []
        if comments and chance(pcomment):
            blk.append(("", pick(comments)))
        for e in entries[i:i + k]:
            blk += e
        blocks.append(blk)
        i += k
    return blocks


def run_pool(pool, k):
    return [f() for f in picks(pool, min(k, len(pool)))]


# ===========================================================================
# shell profiles
# ===========================================================================

SHELL_HEAD = {
    ".bashrc": r'''
        # ~/.bashrc: executed by bash(1) for non-login shells.
        # see /usr/share/doc/bash/examples/startup-files (in the package bash-doc)
        # for examples

        # If not running interactively, don't do anything
        case $- in
            *i*) ;;
              *) return;;
        esac

        # don't put duplicate lines or lines starting with space in the history.
        HISTCONTROL=ignoreboth
        shopt -s histappend
        HISTSIZE=«hist»
        HISTFILESIZE=«hist2»
        shopt -s checkwinsize

        PS1='${debian_chroot:+($debian_chroot)}\[\033[01;32m\]\u@\h\[\033[00m\]:\[\033[01;34m\]\w\[\033[00m\]\$ '
    ''',
    ".zshrc": r'''
        # If you come from bash you might have to change your $PATH.
        export PATH=$HOME/bin:$HOME/.local/bin:/usr/local/bin:$PATH

        # Path to your oh-my-zsh installation.
        export ZSH="$HOME/.oh-my-zsh"

        ZSH_THEME="«theme»"
        # Uncomment the following line to enable command auto-correction.
        # ENABLE_CORRECTION="true"
        HIST_STAMPS="yyyy-mm-dd"
        plugins=(git «plugins»)

        source $ZSH/oh-my-zsh.sh
    ''',
    ".profile": r'''
        # ~/.profile: executed by the command interpreter for login shells.
        # This file is not read by bash(1), if ~/.bash_profile or ~/.bash_login
        # exists.
        # the default umask is set in /etc/profile; for setting the umask
        # for ssh logins, install and configure the libpam-umask package.
        #umask 022

        # if running bash
        if [ -n "$BASH_VERSION" ]; then
            # include .bashrc if it exists
            if [ -f "$HOME/.bashrc" ]; then
                . "$HOME/.bashrc"
            fi
        fi

        # set PATH so it includes user's private bin if it exists
        if [ -d "$HOME/bin" ] ; then
            PATH="$HOME/bin:$PATH"
        fi
    ''',
    ".bash_profile": r'''
        # .bash_profile

        # Get the aliases and functions
        if [ -f ~/.bashrc ]; then
                . ~/.bashrc
        fi

        # User specific environment and startup programs
        PATH=$PATH:$HOME/.local/bin:$HOME/bin
        export PATH
        export LANG=«lang»
    ''',
}

SHELL_ALIASES = [
    "alias ll='ls -alF'", "alias la='ls -A'", "alias l='ls -CF'",
    "alias gs='git status -sb'", "alias gl='git log --oneline --graph --decorate'",
    "alias k='kubectl'", "alias tf='terraform'", "alias dc='docker compose'",
    "alias ..='cd ..'", "alias grep='grep --color=auto'", "alias py='python3'",
    "alias serve='python3 -m http.server 8000'", "alias weather='curl -s \"wttr.in/?format=3\"'",
    "alias myip='curl -s https://ifconfig.me'", "alias gpr='git pull --rebase'",
    "alias dps='docker ps --format \"table {{.Names}}\\t{{.Status}}\"'",
]


def shell_normal_blocks(sh: str, w: Who):
    return [
        [("", "# aliases")] + [("", a) for a in picks(SHELL_ALIASES, R.randrange(3, 7))],
        T(r'''
            export NVM_DIR="$HOME/.nvm"
            [ -s "$NVM_DIR/nvm.sh" ] && \. "$NVM_DIR/nvm.sh"  # This loads nvm
            [ -s "$NVM_DIR/bash_completion" ] && \. "$NVM_DIR/bash_completion"
        '''),
        T(r'''
            export PYENV_ROOT="$HOME/.pyenv"
            command -v pyenv >/dev/null || export PATH="$PYENV_ROOT/bin:$PATH"
            eval "$(pyenv init -)"
        '''),
        T(r'''
            # go
            export GOPATH=$HOME/go
            export PATH=$PATH:/usr/local/go/bin:$GOPATH/bin
        '''),
        T(r'''
            export EDITOR=«ed»
            export VISUAL=$EDITOR
            export PAGER=less
        ''', ed=pick(["vim", "nvim", "nano", "code --wait", "hx"])),
        T(r'''
            mkcd() {
                mkdir -p "$1" && cd "$1"
            }
        '''),
        T(r'''
            # kubectl
            source <(kubectl completion «sh»)
            export KUBECONFIG=$HOME/.kube/config:$HOME/.kube/«kc».yaml
        ''', sh="zsh" if sh == "zsh" else "bash", kc=w.org),
        T(r'''
            extract() {
              case "$1" in
                *.tar.gz|*.tgz) tar xzf "$1" ;;
                *.zip)          unzip -q "$1" ;;
                *)              echo "don't know how to extract '$1'" ;;
              esac
            }
        '''),
        T(r'''
            # rust
            [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
        '''),
        T(r'''
            export SDKMAN_DIR="$HOME/.sdkman"
            [[ -s "$HOME/.sdkman/bin/sdkman-init.sh" ]] && source "$HOME/.sdkman/bin/sdkman-init.sh"
        '''),
    ]


def shell_secret_pool(w: Who):
    fs = F_SHELL + "!"
    return [
        lambda: ([("", "# AWS (sandbox account)")] if chance(.5) else []) + [
            ("S", f"export AWS_ACCESS_KEY_ID={shq(aws_akid())}"),
            ("S", f"export AWS_SECRET_ACCESS_KEY={shq(aws_secret())}"),
            ("", f"export AWS_DEFAULT_REGION={pick(['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'])}")],
        lambda: [("S", f"export {pick(['GITHUB_TOKEN', 'GH_TOKEN', 'HOMEBREW_GITHUB_API_TOKEN', 'GITHUB_PAT'])}={shq(gh_any())}")],
        lambda: [("S", f"export OPENAI_API_KEY={shq(openai_key())}")],
        lambda: [("S", f"export ANTHROPIC_API_KEY={shq(anthropic_key())}")],
        lambda: [("S", f"export NPM_TOKEN={shq(npm_token())}")],
        lambda: [("S", f"export {pick(['GITLAB_TOKEN', 'GL_TOKEN', 'GITLAB_PRIVATE_TOKEN'])}={shq(glpat())}")],
        lambda: [("S", f"export SLACK_WEBHOOK_URL={shq(slack_hook())}")],
        lambda: [("S", f"export PGPASSWORD={shq(password(fs))}")],
        lambda: [("S", f"alias {pick(['proddb', 'pgprod', 'dbprod'])}='PGPASSWORD=\"{password(fs)}\" psql -h {w.host()} -U {w.user.replace('.', '_')} {w.app}'")],
        lambda: [("S", f"alias {pick(['mysqlprod', 'mprod', 'sqlp'])}='mysql -h {w.host()} -u {w.user.replace('.', '_')} -p\"{password(fs)}\" {w.app}'")],
        lambda: [("S", f"export DATABASE_URL={shq(f'postgres://{w.app}:{url_pw()}@{w.host()}:5432/{w.app}')}")],
        lambda: [("S", f"export DIGITALOCEAN_ACCESS_TOKEN={shq(do_token())}")],
        lambda: [("", f"export VAULT_ADDR=https://vault.{w.dom}:8200"), ("S", f"export VAULT_TOKEN={shq(vault_token())}")],
        lambda: [("S", f"export SENDGRID_API_KEY={shq(sendgrid())}")],
        lambda: [("S", f"export HF_TOKEN={shq(hf_token())}")],
        lambda: [("S", f"alias dlogin='echo \"{password(fs)}\" | docker login -u {w.first} --password-stdin registry.{w.dom}'")],
        lambda: [("", f"export JIRA_USER={w.email}"), ("S", f"export JIRA_API_TOKEN={shq(atlassian_token())}")],
        lambda: [("S", f"export CLOUDFLARE_API_TOKEN={shq(cloudflare_token())}")],
        lambda: [("S", f"export TF_VAR_db_password={shq(password(fs))}")],
        lambda: [("S", f"export SONAR_TOKEN={shq(sonar_token())}")],
        lambda: [("S", f"export STRIPE_API_KEY={shq(stripe_sk())}")],
        lambda: [("S", f"export DD_API_KEY={shq(datadog_api())}")],
        lambda: [("S", f"export SLACK_USER_TOKEN={shq(slack_user())}")],
        lambda: [("S", f"export STRIPE_RESTRICTED_KEY={shq(stripe_rk())}")],
        lambda: [("S", f"export POSTMAN_API_KEY={shq(postman_key())}")],
        lambda: [("S", f"export RUNNER_TOKEN={shq(gitlab_runner())}  # gitlab-runner register --token")],
    ]


def shell_tricky_pool(w: Who):
    return [
        lambda: [("T", 'export VAULT_TOKEN="$(cat ~/.vault-token 2>/dev/null)"')],
        lambda: [("T", "export GITHUB_TOKEN=$(gh auth token)")],
        lambda: [("T", 'export NPM_TOKEN="$(security find-generic-password -a "$USER" -s npm_token -w)"')],
        lambda: [("T", 'export OPENAI_API_KEY=$(op read "op://Private/OpenAI/credential")')],
        lambda: [("T", 'export PASSWORD_STORE_DIR="$HOME/.password-store"')],
        lambda: [("T", "# export AWS_SECRET_ACCESS_KEY=<your-secret-access-key>")],
        lambda: [("", "# localstack (keys from the AWS docs, accepted by localstack)"),
                 ("T", f"export AWS_ACCESS_KEY_ID={EX_AKID}"),
                 ("T", f"export AWS_SECRET_ACCESS_KEY={EX_AWS_SECRET}"),
                 ("", "export AWS_ENDPOINT_URL=http://localhost:4566")],
        lambda: [("T", 'export PGPASSWORD="${PROD_DB_PASSWORD:?PROD_DB_PASSWORD not set}"')],
        lambda: [("T", "alias genpw='openssl rand -base64 32'")],
        lambda: [("T", "alias pwgen16='pwgen -sy 16 1'")],
        lambda: [("T", 'export HISTIGNORE="*PASSWORD*:*TOKEN*:*SECRET*:pass *"')],
        lambda: [("T", f"export DOTFILES_REV={git_sha()}")],
        lambda: [("T", "export API_KEY=changeme")],
        lambda: [("T", "export SECRET_KEY=xxxxxxxxxxxxxxxxxxxxxxxx")],
        lambda: [("", "vault_login() {"),
                 ("T", '    read -rsp "Vault password: " VAULT_PASS; echo'),
                 ("T", '    vault login -method=userpass username="$USER" password="$VAULT_PASS"'),
                 ("T", "    unset VAULT_PASS"),
                 ("", "}")],
        lambda: [("T", 'export SSH_KEY_PATH="$HOME/.ssh/id_ed25519"')],
        lambda: [("T", 'export GOOGLE_APPLICATION_CREDENTIALS="$HOME/.config/gcloud/application_default_credentials.json"')],
        lambda: [("T", "export MYSQL_PWD=")],
        lambda: [("T", f"export TOKEN_TTL_SECONDS={pick([900, 3600, 86400])}")],
        lambda: [("T", f"export KUBE_CLUSTER_ID={uuid4()}")],
        lambda: [("T", 'export DOCKER_PASSWORD="$(cat ~/.secrets/docker 2>/dev/null)"')],
        lambda: [("T", "export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx  # placeholder, real one in keychain")],
        lambda: [("T", f"export BUILD_CACHE_KEY={sha256hex()}")],
    ]


def g_shell():
    specs = [(".bashrc", "bash"), (".zshrc", "zsh"), (".profile", "sh"), (".bash_profile", "bash"),
             (".zshrc", "zsh"), (".bashrc", "bash")]
    for fname, sh in specs:
        w = Who()
        d = Doc("shell-profile", fname.strip(".").replace("_", "-"), f"{w.home}/{fname}")
        d.tpl(SHELL_HEAD[fname], hist=pick([1000, 5000, 10000]), hist2=pick([2000, 20000]),
              theme=pick(["robbyrussell", "agnoster", "powerlevel10k/powerlevel10k", "af-magic"]),
              plugins=" ".join(picks(["docker", "kubectl", "aws", "z", "fzf", "terraform", "npm"], 3)),
              lang=pick(["en_US.UTF-8", "en_GB.UTF-8", "de_DE.UTF-8"]))
        normal = picks(shell_normal_blocks(sh, w), R.randrange(3, 6))
        entries = run_pool(shell_secret_pool(w), R.randrange(3, 6)) + run_pool(shell_tricky_pool(w), R.randrange(6, 11))
        blocks = normal + grouped(entries, ["# tokens", "# API keys -- don't commit this file", "# work",
                                            "# credentials (temporary, move to pass)", "# misc env"])
        emit_blocks(d, blocks)
        if sh == "zsh":
            d.blank()
            d.n("[[ ! -f ~/.p10k.zsh ]] || source ~/.p10k.zsh")
        elif fname == ".bashrc":
            d.blank()
            d.tpl(r'''
                # enable programmable completion features
                if ! shopt -oq posix; then
                  if [ -f /usr/share/bash-completion/bash_completion ]; then
                    . /usr/share/bash-completion/bash_completion
                  elif [ -f /etc/bash_completion ]; then
                    . /etc/bash_completion
                  fi
                fi
            ''')


# ===========================================================================
# .env files
# ===========================================================================

F_ENV = "'\"\\$` #"


def ev(v: str) -> str:
    if set(v) <= set(ALNUM + "_./:@+=,-"):
        return pick([v, v, f'"{v}"'])
    return pick([f'"{v}"', f"'{v}'"])


def g_env():
    # --- Laravel ------------------------------------------------------------
    w = Who()
    d = Doc("dotenv", "env", f"srv/www/{w.app}/.env")
    d.tpl('''
        APP_NAME=«App»
        APP_ENV=production
        S|APP_KEY=«appkey»
        APP_DEBUG=false
        APP_URL=https://«app».«dom»

        LOG_CHANNEL=stack
        LOG_DEPRECATIONS_CHANNEL=null
        LOG_LEVEL=error

        DB_CONNECTION=mysql
        DB_HOST=«dbhost»
        DB_PORT=3306
        DB_DATABASE=«app»
        DB_USERNAME=«app»_rw
        S|DB_PASSWORD=«dbpw»

        BROADCAST_DRIVER=pusher
        CACHE_DRIVER=redis
        FILESYSTEM_DISK=s3
        QUEUE_CONNECTION=redis
        SESSION_DRIVER=redis
        SESSION_LIFETIME=120

        REDIS_HOST=127.0.0.1
        T|REDIS_PASSWORD=null
        REDIS_PORT=6379

        MAIL_MAILER=smtp
        MAIL_HOST=smtp.sendgrid.net
        MAIL_PORT=587
        MAIL_USERNAME=apikey
        S|MAIL_PASSWORD=«sg»
        MAIL_ENCRYPTION=tls
        MAIL_FROM_ADDRESS="noreply@«dom»"
        MAIL_FROM_NAME="${APP_NAME}"

        S|AWS_ACCESS_KEY_ID=«akid»
        S|AWS_SECRET_ACCESS_KEY=«aks»
        AWS_DEFAULT_REGION=eu-central-1
        AWS_BUCKET=«app»-uploads
        AWS_USE_PATH_STYLE_ENDPOINT=false

        PUSHER_APP_ID=«pid»
        T|PUSHER_APP_KEY=«pkey»
        S|PUSHER_APP_SECRET=«psec»
        PUSHER_HOST=
        PUSHER_PORT=443
        PUSHER_SCHEME=https
        PUSHER_APP_CLUSTER=eu

        T|VITE_PUSHER_APP_KEY="${PUSHER_APP_KEY}"
        VITE_PUSHER_APP_CLUSTER="${PUSHER_APP_CLUSTER}"

        T|STRIPE_KEY=«pk»
        S|STRIPE_SECRET=«sk»
        S|STRIPE_WEBHOOK_SECRET=«wh»
        T|PASSWORD_MIN_LENGTH=12
        T|BCRYPT_ROUNDS=12
    ''', App=w.app.capitalize(), app=w.app, dom=w.dom, appkey=laravel_key(), dbhost=w.host(),
          dbpw=ev(password(F_ENV)), sg=sendgrid(), akid=aws_akid(), aks=ev(aws_secret()),
          pid=R.randrange(1000000, 1999999), pkey=pusher_key(), psec=pusher_secret(),
          pk=stripe_pk(), sk=stripe_sk(), wh=stripe_whsec())

    # --- Node / Next.js ---------------------------------------------------------
    w = Who()
    d = Doc("dotenv", "env", f"code/{w.app}-api/.env.production")
    sid = twilio_sid()
    d.tpl('''
        # production env for «app»-api -- loaded by dotenv in src/config.ts
        NODE_ENV=production
        PORT=«port»
        LOG_LEVEL=info
        T|NEXT_PUBLIC_BUILD_ID=«sha»

        # database
        S|MONGODB_URI=mongodb+srv://«app»-svc:«mpw»@cluster0.«cl».mongodb.net/«app»?retryWrites=true&w=majority
        S|REDIS_URL=redis://default:«rpw»@redis-«rport».c«rn».us-east-1-2.ec2.cloud.redislabs.com:«rport»

        # auth
        S|JWT_SECRET=«jwt»
        T|JWT_EXPIRES_IN=7d
        T|PASSWORD_RESET_TOKEN_TTL=3600
        T|GOOGLE_CLIENT_ID=«gcid»
        S|GOOGLE_CLIENT_SECRET=«gcs»

        # messaging
        T|TWILIO_ACCOUNT_SID=«sid»
        S|TWILIO_AUTH_TOKEN=«ttok»
        TWILIO_FROM_NUMBER=+1415«tel»
        S|SLACK_BOT_TOKEN=«sbot»
        S|SLACK_SIGNING_SECRET=«ssig»

        # third parties
        S|OPENAI_API_KEY=«oai»
        T|SENTRY_ENVIRONMENT=production
        T|FEATURE_FLAGS_CLIENT_ID=«fid»
        CORS_ORIGIN=https://«app».«dom»
        T|THEME_PRIMARY_COLOR=«col»
    ''', app=w.app, dom=w.dom, port=pick([3000, 8080, 4000]), sha=git_sha(), mpw=url_pw(), cl=rs(LOALNUM, 5),
          rpw=alnum_secret(32), rport=R.randrange(10000, 19999), rn=R.randrange(100, 400),
          jwt=hex_secret(64), gcid=google_client_id(), gcs=google_client_secret(), sid=sid,
          ttok=twilio_token(), tel=rs(DG, 7), sbot=slack_bot(), ssig=hex_secret(32), oai=openai_key(),
          fid=uuid4(), col=css_color())

    # --- docker-compose ---------------------------------------------------------
    w = Who()
    d = Doc("dotenv", "env", f"opt/{w.org}-stack/.env")
    d.tpl('''
        # used by docker-compose.yml -- keep in sync with .env.sample
        COMPOSE_PROJECT_NAME=«org»
        T|IMAGE_TAG=«ver»
        T|IMAGE_DIGEST=sha256:«dig»

        POSTGRES_USER=«org»
        S|POSTGRES_PASSWORD=«pgpw»
        POSTGRES_DB=«org»_prod
        T|POSTGRES_INITDB_ARGS=--auth-host=scram-sha-256

        T|PGADMIN_DEFAULT_EMAIL=admin@«dom»
        S|PGADMIN_DEFAULT_PASSWORD=«pgapw»

        MINIO_ROOT_USER=«org»-minio
        S|MINIO_ROOT_PASSWORD=«minpw»

        GF_SECURITY_ADMIN_USER=admin
        S|GF_SECURITY_ADMIN_PASSWORD=«gfpw»
        T|GF_AUTH_ANONYMOUS_ENABLED=false

        S|DD_API_KEY=«dd»
        DD_SITE=datadoghq.eu
        T|DD_ENV=prod

        T|TRAEFIK_ACME_EMAIL=ops@«dom»
        TZ=Europe/Berlin
    ''', org=w.org, dom=w.dom, ver=version(), dig=sha256hex(), pgpw=ev(password(F_ENV)),
          pgapw=ev(password(F_ENV)), minpw=ev(password(F_ENV)), gfpw=ev(password(F_ENV, human=True)),
          dd=datadog_api())

    # --- direnv .envrc for a Django project -----------------------------------------
    w = Who()
    d = Doc("dotenv", "envrc", f"{w.home}/src/{w.app}/.envrc")
    d.tpl('''
        # direnv -- `direnv allow` after editing
        layout python3
        export DJANGO_SETTINGS_MODULE=«app».settings.local
        export DJANGO_DEBUG=1
        S|export DJANGO_SECRET_KEY='«dk»'
        S|export DATABASE_URL=postgres://«user»:«pw»@localhost:5432/«app»
        T|export DATABASE_PASSWORD_FILE=/run/secrets/db_password
        S|export EMAIL_HOST_PASSWORD=«epw»
        export EMAIL_HOST_USER=«email»
        T|export AWS_ACCESS_KEY_ID=«exak»
        T|export AWS_SECRET_ACCESS_KEY=«exsk»
        export AWS_S3_ENDPOINT_URL=http://localhost:9000
        S|export SENTRY_AUTH_TOKEN=«sentry»
        T|export CELERY_TASK_ID_PREFIX=«uuid»

        # watch requirements so the venv is rebuilt when they change
        watch_file requirements.txt requirements-dev.txt
        T|# requirements.txt sha256: «sum»
        PATH_add bin
        T|export PIP_INDEX_URL=https://${NEXUS_USER}:${NEXUS_PASSWORD}@nexus.«dom»/repository/pypi/simple
        dotenv_if_exists .env.local
    ''', app=w.app, dk=django_key(), user=w.user.replace(".", "_"), pw=url_pw(), epw=password(F_SHELL),
          email=w.email, exak=EX_AKID, exsk=EX_AWS_SECRET, sentry=sentry_token(), uuid=uuid4(),
          sum=sha256hex(), dom=w.dom)
    for _ in range(R.randrange(2, 5)):
        d.n(pick(["export PYTHONBREAKPOINT=ipdb.set_trace", "export CELERY_BROKER_URL=redis://localhost:6379/1",
                  "export DJANGO_LOG_LEVEL=DEBUG", "export WEB_CONCURRENCY=2"]))

    # --- .env.example: only placeholders ---------------------------------------------
    w = Who()
    d = Doc("dotenv", "env", f"code/{w.app}/.env.example")
    d.tpl('''
        # Copy this file to .env and fill in the values.
        # NEVER commit the real .env file!

        APP_ENV=local
        APP_PORT=8080
        T|APP_SECRET=changeme

        DB_HOST=localhost
        DB_PORT=5432
        DB_NAME=«app»
        DB_USER=«app»
        T|DB_PASSWORD=
        T|DB_PASSWORD_CONFIRM=<password>

        T|REDIS_PASSWORD=********
        T|SESSION_SECRET=REPLACE_ME

        T|AWS_ACCESS_KEY_ID=«exak»
        T|AWS_SECRET_ACCESS_KEY=«exsk»

        T|STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx
        T|STRIPE_PUBLISHABLE_KEY=pk_test_xxxxxxxxxxxxxxxxxxxxxxxx
        T|GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
        T|OPENAI_API_KEY=sk-...
        T|SENDGRID_API_KEY=your-api-key-here
        T|SLACK_WEBHOOK_URL=https://hooks.slack.com/services/XXXXXXXXX/XXXXXXXXXXX/XXXXXXXXXXXXXXXXXXXXXXXX
        T|SMTP_PASSWORD=${SMTP_PASSWORD}
        T|JWT_SECRET=generate-with-openssl-rand-hex-32
        T|ENCRYPTION_KEY=0000000000000000000000000000000000000000000000000000000000000000

        T|PASSWORD_MIN_LENGTH=12
        T|PASSWORD_REQUIRE_SYMBOL=true
        FEATURE_SIGNUP=true
    ''', app=w.app, exak=EX_AKID, exsk=EX_AWS_SECRET)

    # --- generic .env.local with mixed quoting ------------------------------------------
    w = Who()
    d = Doc("dotenv", "env", f"{w.home}/projects/{w.app}-web/.env.local")
    d.tpl('''
        # local overrides (not committed... hopefully)
        VITE_API_BASE=http://localhost:8000/api
        S|VITE_FIREBASE_API_KEY="«fb»"
        VITE_FIREBASE_AUTH_DOMAIN="«app»-prod.firebaseapp.com"
        VITE_FIREBASE_PROJECT_ID="«app»-prod"
        T|VITE_FIREBASE_APP_ID="1:«num»:web:«hex»"
        T|VITE_FIREBASE_MEASUREMENT_ID="G-«meas»"
        S|MAPS_SERVER_KEY='«gk»'
        S|SHOPIFY_ADMIN_TOKEN=«shop»
        SHOPIFY_STORE=«org».myshopify.com
        S|MAILCHIMP_API_KEY = «mc»
        T|MAILCHIMP_LIST_ID = «list»
        S|TELEGRAM_BOT_TOKEN=«tg»
        T|TELEGRAM_CHAT_ID=-100«chat»
        T|SECRET_SAUCE_ENABLED=true
        T|API_TOKEN_HEADER=X-Api-Token
        S|INTERNAL_API_TOKEN="«tok»"
        T|LOGO_DATA_URI="«png»"
        T|VITE_APP_VERSION=«ver»
        T|VITE_RECAPTCHA_SITE_KEY=6L«rc»
        T|VITE_STRIPE_PUBLISHABLE_KEY=«pk»
        T|VITE_POSTHOG_KEY=phc_«ph»
        VITE_POSTHOG_HOST=https://eu.posthog.com
    ''', ver=version(), rc=rs(B64URL, 38), pk=stripe_pk(), ph=rs(ALNUM, 43), fb=google_api(), app=w.app, num=rs(DG, 12), hex=rs(HEXL, 22), meas=rs(UP + DG, 10),
          gk=google_api(), shop=shopify_token(), org=w.org, mc=mailchimp_key(), list=rs(HEXL, 10),
          tg=telegram_token(), chat=rs(DG, 10), tok=alnum_secret(40), png=png_data_uri())


# ===========================================================================
# .netrc
# ===========================================================================

def g_netrc():
    for style in ["multi", "single", "mixed"]:
        w = Who()
        path = pick([f"{w.home}/.netrc", "root/.netrc"]) if style != "mixed" else f"Users/{w.first}/_netrc"
        d = Doc("netrc", "netrc", path)
        entries = []

        def ent(machine, login, pw, mark="S", pre=None):
            lines = [("", c) for c in (pre or [])]
            st = style if style != "mixed" else pick(["multi", "single"])
            if st == "single":
                lines.append((mark, f"machine {machine} login {login} password {pw}"))
            else:
                ind = pick(["  ", "    ", "\t"])
                lines.append(("", f"machine {machine}"))
                lines.append(("", f"{ind}login {login}"))
                lines.append((mark, f"{ind}password {pw}"))
            return lines

        hk = heroku_key()
        entries.append(ent("api.heroku.com", w.email, hk) + ent("git.heroku.com", w.email, hk))
        entries.append(ent("github.com", w.first, gh_any()))
        entries.append(ent(w.host("ftp"), w.user, password(F_INI), pre=["# hosting account"]))
        entries.append(ent("urs.earthdata.nasa.gov", f"{w.first}{R.randrange(10, 99)}", human_pw(F_INI)))
        entries.append(ent(w.host("repo"), w.email, artifactory_key()))
        if chance(0.6):
            entries.append(ent(f"gitlab.{w.dom}", "gitlab-ci-token", glpat()))
        entries.append(ent("smtp.gmail.com", f"{w.first}.{w.last}@gmail.com", reg(rs(LO, 16)),
                           pre=["# gmail app password for msmtp"]))
        # tricky ones
        entries.append([("T", "# machine api.example.com login YOUR_USERNAME password YOUR_API_KEY")])
        entries.append(ent(f"staging.{w.dom}", w.user, "<see-1password>", mark="T",
                           pre=["# placeholder until IT hands out the staging creds"]))
        entries.append([("T", "# machine proxy.corp login me password ********")])
        entries.append(ent(f"ci.{w.dom}", "ci-bot", "$CI_BOT_TOKEN", mark="T",
                           pre=["# template line -- rendered by envsubst in the CI image, never filled in here"]))
        entries.append([("T", f"# old: machine ftp.{w.dom} login {w.user} password (rotated {sql_date()[:10]})")])
        R.shuffle(entries)
        d.t(pick(["# ~/.netrc -- format: machine <host> login <user> password <password>",
                  "# netrc for curl/git/ftp. chmod 600! (no password prompts please)"]))
        for e in entries:
            d.blank()
            d.items(e)
        d.blank()
        d.t("default login anonymous password anonymous@")
        if style != "single":
            d.blank()
            d.tpl('''
                macdef init
                prompt off
                binary
                passive on

            ''')
            d.n("")


# ===========================================================================
# .npmrc / .yarnrc.yml
# ===========================================================================

def g_npmrc():
    w = Who()
    d = Doc("npmrc", "npmrc", f"{w.home}/.npmrc")
    nexus = w.host("repo")
    nx_user = w.user.replace(".", "")
    d.tpl('''
        ; user-level npm config
        registry=https://registry.npmjs.org/
        @«org»:registry=https://npm.pkg.github.com/
        @«org»-internal:registry=https://«nexus»/repository/npm-private/
        T|always-auth=true

        S|//registry.npmjs.org/:_authToken=«npm»
        S|//npm.pkg.github.com/:_authToken=«gh»
        //«nexus»/repository/npm-private/:username=«nxu»
        S|//«nexus»/repository/npm-private/:_password=«nxpw»
        //«nexus»/repository/npm-private/:email=«email»
        T|//«nexus»/repository/npm-public/:_authToken=${NEXUS_TOKEN}

        init-author-name=«First» «Last»
        init-author-email=«email»
        init-license=MIT
        init-version=0.1.0
        save-exact=true
        fund=false
        audit-level=high
        T|; _auth=<base64 of user:password>  -- old style, don't use
        T|; //registry.npmjs.org/:_authToken=${NPM_TOKEN}
        cafile=/etc/ssl/certs/«org»-root-ca.pem
        strict-ssl=true
        prefix=${HOME}/.npm-global
    ''', org=w.org, nexus=nexus, npm=npm_token(), gh=ghp(), nxu=nx_user,
          nxpw=reg(b64s(password(F_INI))), email=w.email, First=w.first.capitalize(),
          Last=w.last.capitalize())

    w = Who()
    d = Doc("npmrc", "npmrc", f"code/{w.app}-frontend/.npmrc")
    d.tpl('''
        # project npmrc -- tokens come from the environment (see README)
        engine-strict=true
        save-exact=true
        legacy-peer-deps=true
        auto-install-peers=true
        @«org»:registry=https://npm.pkg.github.com
        T|//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}
        @fortawesome:registry=https://npm.fontawesome.com/
        T|//npm.fontawesome.com/:_authToken=${FONTAWESOME_NPM_AUTH_TOKEN}
        @«org»-ui:registry=https://gitlab.com/api/v4/projects/«proj»/packages/npm/
        S|//gitlab.com/api/v4/projects/«proj»/packages/npm/:_authToken=«gl»
        S|//registry.«dom»/:_auth=«auth»
        T|//registry.«dom»/:always-auth=true
        T|package-lock=true
        T|# lockfile integrity for the bootstrap tarball: «integ»
        node-linker=hoisted
        T|node-options=--max-old-space-size=4096
        T|# token rotation: https://wiki.«dom»/npm-tokens (password manager entry "npm ci token")
        T|//registry.npmjs.org/:_authToken=
        tag-version-prefix=""
        message="chore(release): %s"
        git-tag-version=true
        sign-git-tag=false
        update-notifier=false
        loglevel=warn
    ''', org=w.org, proj=R.randrange(1000000, 60000000), gl=glpat(), dom=w.dom,
          auth=reg(b64s(f"{w.first}:{password(F_INI)}")), integ=integrity())

    w = Who()
    d = Doc("npmrc", "yarnrc", f"code/{w.app}-monorepo/.yarnrc.yml")
    d.tpl('''
        compressionLevel: mixed
        enableGlobalCache: false
        enableTelemetry: false
        nodeLinker: node-modules
        T|checksumBehavior: throw

        npmRegistryServer: "https://registry.yarnpkg.com"
        S|npmAuthToken: «npm»

        npmScopes:
          «org»:
            npmRegistryServer: "https://npm.pkg.github.com"
            npmAlwaysAuth: true
        S|    npmAuthToken: "«gh»"
          «org»-legacy:
            npmRegistryServer: "https://«nexus»/repository/npm-group/"
        S|    npmAuthIdent: "«ident»"
          «org»-ci:
            npmRegistryServer: "https://«nexus»/repository/npm-ci/"
        T|    npmAuthToken: "${NPM_CI_TOKEN-}"

        packageExtensions:
          "react-virtualized@*":
            dependencies:
              react-dom: "*"

        plugins:
          - checksum: «sum»
        T|    path: .yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs
            spec: "@yarnpkg/plugin-workspace-tools"

        T|yarnPath: .yarn/releases/yarn-«ver».cjs
    ''', npm=npm_token(), org=w.org, gh=gh_pat_fine(), nexus=w.host("repo"),
          ident=reg(f"{w.user.replace('.', '')}:{password(F_JSON + ':')}"), sum=rs(HEXL, 128), ver=version())


# ===========================================================================
# .pypirc / pip.conf
# ===========================================================================

def g_pypirc():
    w = Who()
    d = Doc("pypirc", "pypirc", f"{w.home}/.pypirc")
    d.tpl('''
        [distutils]
        index-servers =
            pypi
            testpypi
            «org»

        [pypi]
        T|username = __token__
        S|password = «tok»

        [testpypi]
        repository = https://test.pypi.org/legacy/
        T|username = __token__
        S|password = «ttok»

        [«org»]
        repository = https://«nexus»/repository/pypi-internal/
        username = «user»
        S|password = «pw»

        T|# [old-devpi]
        T|# repository = http://devpi.«dom»/root/prod/
        T|# username = «user»
        T|# password = <your devpi password>
    ''', org=w.org, tok=pypi_token(), ttok=pypi_token(test=True), nexus=w.host("repo"),
          user=w.user, pw=password(F_INI), dom=w.dom)
    for _ in range(R.randrange(0, 4)):
        d.n(pick(["", "# see https://packaging.python.org/specifications/pypirc/"]))

    w = Who()
    d = Doc("pypirc", "pypirc", f"{w.home}/.pypirc")
    d.tpl('''
        # twine upload -r internal dist/*
        T|# tokens: https://pypi.org/manage/account/token/  (scope them per project!)
        [distutils]
        index-servers = pypi internal

        [pypi]
        repository: https://upload.pypi.org/legacy/
        T|username: __token__
        T|password: %(PYPI_TOKEN)s

        [internal]
        repository: https://«host»/api/pypi/pypi-local
        username: «email»
        S|password: «ak»
    ''', host=w.host("repo"), email=w.email, ak=artifactory_key())
    d.n("")
    d.tpl('''
        [server-login]
        username: «user»
        S|password: «pw»

        T|# twine reads TWINE_USERNAME / TWINE_PASSWORD first if they are set
        # python -m twine upload --repository internal dist/*
    ''', user=w.first, pw=human_pw(F_INI))

    w = Who()
    d = Doc("pypirc", "pipconf", f"{w.home}/.config/pip/pip.conf")
    d.tpl('''
        [global]
        timeout = 60
        S|index-url = https://«user»:«pw»@«nexus»/repository/pypi-group/simple
        extra-index-url =
            https://pypi.org/simple
        S|    https://__token__:«gl»@gitlab.«dom»/api/v4/projects/«proj»/packages/pypi/simple
        T|    https://${PIP_EXTRA_USER}:${PIP_EXTRA_PASSWORD}@pkgs.«dom»/simple
        trusted-host = «nexus»
        T|require-hashes = false
        disable-pip-version-check = true

        [install]
        T|# --hash=sha256:«sum»
        no-warn-script-location = true
        upgrade-strategy = only-if-needed

        [freeze]
        timeout = 10

        [list]
        format = columns
        T|# NOTE: the password above is the CI service account, not mine -- rotate via IT ticket
    ''', user=w.user.replace(".", ""), pw=url_pw(), nexus=w.host("repo"), gl=glpat(), dom=w.dom,
          proj=R.randrange(100, 9999), sum=sha256hex())


# ===========================================================================
# .pgpass
# ===========================================================================

def g_pgpass():
    for n_entries in (14, 7):
        w = Who()
        d = Doc("pgpass", "pgpass", pick([f"{w.home}/.pgpass", "var/lib/postgresql/.pgpass"]))
        d.t("# hostname:port:database:username:password")
        if chance(0.5):
            d.n("# must be chmod 0600 or libpq ignores it")
        hosts = [w.host(), "localhost", "127.0.0.1", f"pg-{pick(['prod', 'staging', 'analytics'])}.{rs(LOALNUM, 12)}.eu-west-1.rds.amazonaws.com", "*"]
        for i in range(n_entries):
            if i and chance(0.2):
                d.n(pick(["", "# replicas", "# analytics cluster", "# legacy"]))
            h = pick(hosts)
            port = pick(["5432", "5432", "6432", "*"])
            db = pick(["*", w.app, f"{w.app}_prod", "postgres", "analytics"])
            u = pick(["postgres", w.app, "replicator", "readonly", w.user.replace(".", "_"), "etl"])
            if i == 2:
                p = password(F_COLON)
                cut = R.randrange(1, len(p))
                pw = reg(p[:cut] + "\\:" + p[cut:])
            else:
                pw = password(F_COLON)
            d.s(f"{h}:{port}:{db}:{u}:{pw}")
        d.t(f"#{w.host()}:5432:*:{w.app}:<rotated-see-vault>")
        d.t(f"#localhost:5432:{w.app}_test:{w.app}:CHANGEME")
        d.t("# passwords containing ':' or '\\' must be escaped with a backslash")
        d.t("# *:*:*:postgres:   <- blank password = use peer auth")


# ===========================================================================
# git credentials / gitconfig
# ===========================================================================

def g_git():
    for _ in range(2):
        w = Who()
        d = Doc("git-credentials", "gitcreds", f"{w.home}/.git-credentials")
        opts = [
            lambda: f"https://{w.first}:{ghp()}@github.com",
            lambda: f"https://oauth2:{glpat()}@gitlab.com",
            lambda: f"https://{w.first}{R.randrange(10, 99)}:{bitbucket_app_pw()}@bitbucket.org",
            lambda: f"https://{w.org}:{ado_pat()}@dev.azure.com",
            lambda: f"https://{w.user.replace('.', '')}:{url_pw()}@git.{w.dom}",
            lambda: f"https://x-access-token:{reg('ghs_' + rs(ALNUM, 36))}@github.com",
            lambda: f"https://gitlab-ci-token:{glpat()}@gitlab.{w.dom}",
            lambda: f"https://{w.first}:{gh_pat_fine()}@github.com",
            lambda: f"http://{w.first}:{url_pw()}@192.168.{R.randrange(0, 3)}.{R.randrange(2, 250)}%3a3000",
        ]
        for f in picks(opts, R.randrange(5, 8)):
            d.s(f())

    w = Who()
    d = Doc("git-credentials", "gitconfig", f"{w.home}/.gitconfig")
    d.tpl('''
        [user]
            name = «First» «Last»
            email = «email»
        T|    signingkey = «gpg»
        [core]
            editor = vim
            autocrlf = input
            excludesfile = ~/.gitignore_global
        [init]
            defaultBranch = main
        [pull]
            rebase = true
        [commit]
        T|    gpgsign = true
        [credential]
        T|    helper = store
        [credential "https://dev.azure.com"]
            useHttpPath = true
        [credential "https://github.com"]
        T|    helper =
        T|    helper = !/usr/bin/gh auth git-credential
        [http "https://git.«dom»/"]
        S|    extraheader = AUTHORIZATION: Basic «basic»
            sslVerify = false
        [url "https://«first»:«tok»@github.com/«org»/"]
            insteadOf = https://github.com/«org»/
        [alias]
            co = checkout
            br = branch -vv
            st = status -sb
            lg = log --graph --pretty=format:'%C(yellow)%h%Creset %s %C(green)(%cr)%Creset'
            undo = reset --soft HEAD~1
        [filter "lfs"]
            clean = git-lfs clean -- %f
            smudge = git-lfs smudge -- %f
            process = git-lfs filter-process
            required = true
        [sendemail]
            smtpserver = smtp.gmail.com
            smtpuser = «first».«last»@gmail.com
        S|    smtppass = «app»
            smtpencryption = tls
            smtpserverport = 587
    ''', unit="\t", First=w.first.capitalize(), Last=w.last.capitalize(), email=w.email, gpg=rs(HEXU, 16),
          dom=w.dom, basic=reg(b64s(f"{w.first}:{ado_pat()}")), first=w.first, last=w.last,
          tok=ghp(), org=w.org, app=reg(rs(LO, 16)))
    # the url "...insteadOf" header line holds the token: relabel it
    fix_secret_line(d, "[url \"https://")

    w = Who()
    d = Doc("git-credentials", "gitconfig", f"{w.home}/.config/git/config")
    d.tpl('''
        [user]
        	name = «First» «Last»
        	email = «email»
        T|	signingkey = «sshpub»
        [gpg]
        	format = ssh
        [gpg "ssh"]
        T|	allowedSignersFile = ~/.config/git/allowed_signers
        [commit]
        T|	gpgsign = true
        [tag]
        	gpgsign = true
        [credential]
        T|	helper = cache --timeout=3600
        [credential "https://gitlab.«dom»"]
        T|	helper = "!f() { echo username=oauth2; echo password=$GITLAB_TOKEN; }; f"
        [credential "https://git.«dom»"]
        S|	helper = "!f() { echo username=«user»; echo password=«pw»; }; f"
        [includeIf "gitdir:~/work/"]
        	path = ~/.config/git/work.inc
        [merge]
        	conflictstyle = zdiff3
        [diff]
        	algorithm = histogram
        	colorMoved = default
        [push]
        	autoSetupRemote = true
        [rerere]
        	enabled = true
        [fetch]
        	prune = true
        T|# last synced from dotfiles @ «sha»
    ''', First=w.first.capitalize(), Last=w.last.capitalize(), email=w.email,
          sshpub=ssh_pub_line("ed25519"), dom=w.dom, user=w.first, pw=password(F_SHELL + ";!"), sha=git_sha())


def fix_secret_line(d: Doc, startswith: str) -> None:
    """Label the (unique) line starting with `startswith` as a one-line secret."""
    for i, line in enumerate(d.lines, 1):
        if line.startswith(startswith):
            d.secrets.append((i, i))
            d.secrets.sort()
            return
    raise ValueError(startswith)


# ===========================================================================
# MySQL option files
# ===========================================================================

def g_mycnf():
    w = Who()
    d = Doc("my.cnf", "mycnf", f"{w.home}/.my.cnf")
    d.tpl('''
        # ~/.my.cnf -- client defaults
        [client]
        user=«user»
        S|password="«pw»"
        host=«host»
        port=3306
        T|ssl-ca=/etc/mysql/certs/ca.pem
        T|ssl-mode=VERIFY_IDENTITY
        default-character-set=utf8mb4

        [mysql]
        T|prompt="\\u@\\h [\\d]> "
        pager="less -SFX"
        auto-rehash
        T|safe-updates

        [mysqldump]
        user=backup
        S|password=«bpw»
        single-transaction
        quick
        max_allowed_packet=512M

        [client_staging]
        host=«shost»
        user=«user»
        T|#password=
        T|password

        [client_local]
        host=127.0.0.1
        user=root
        S|password = «lpw»
    ''', user=w.user.replace(".", "_"), pw=password(F_INI + '"'), host=w.host(), bpw=password(F_INI),
          shost=w.host(), lpw=human_pw(F_INI))

    d = Doc("my.cnf", "mycnf", "etc/mysql/debian.cnf")
    d.tpl('''
        # Automatically generated for Debian scripts. DO NOT TOUCH!
        [client]
        host     = localhost
        user     = debian-sys-maint
        S|password = «pw»
        socket   = /var/run/mysqld/mysqld.sock
        [mysql_upgrade]
        host     = localhost
        user     = debian-sys-maint
        S|password = «pw»
        socket   = /var/run/mysqld/mysqld.sock
        basedir  = /usr
    ''', pw=alnum_secret(16))
    d.n("")
    for ln in ["# (lines below appended by the ops playbook)", "[mysqld]", "bind-address = 0.0.0.0",
               "T|validate_password.policy = MEDIUM", "T|validate_password.length = 12",
               "T|default_authentication_plugin = mysql_native_password",
               "T|plugin-load-add = validate_password.so", "max_connections = 500",
               "innodb_buffer_pool_size = 4G", "T|# root password lives in vault: secret/mysql/root"]:
        d.items(parse_tpl(ln))

    w = Who()
    d = Doc("my.cnf", "mycnf", "etc/mysql/conf.d/replication.cnf")
    d.tpl('''
        # managed by puppet -- module mysql::replica
        [mysqld]
        server-id               = «sid»
        log_bin                 = /var/log/mysql/mysql-bin.log
        binlog_format           = ROW
        T|gtid_mode               = ON
        enforce_gtid_consistency = ON
        relay-log               = /var/log/mysql/relay-bin
        read_only               = 1
        T|report_password         =
        T|# master_password is set via CHANGE REPLICATION SOURCE, not here

        [client]
        user     = repl_monitor
        S|password = '«pw»'

        [mysqladmin]
        user     = root
        S|password = «rpw»

        [xtrabackup]
        user     = xtrabackup
        S|password = «xpw»
        target_dir = /backups/xtrabackup/
        T|encrypt-key-file = /etc/mysql/xtrabackup.key
        T|# encrypt-key = <32 hex chars, see vault>
        compress
        parallel = 4
    ''', sid=R.randrange(2, 99), pw=password(F_INI), rpw=password(F_INI), xpw=random_pw(24, forbid=F_INI))


# ===========================================================================
# Docker config.json
# ===========================================================================

def g_docker():
    for variant in range(3):
        w = Who()
        unit = "\t" if variant != 1 else "  "
        d = Doc("docker-config", "dockercfg", f"{w.home}/.docker/config.json")
        regs = []
        regs.append(("https://index.docker.io/v1/", reg(b64s(f"{w.first}{R.randrange(10, 99)}:{docker_pat() if chance(.5) else password(F_JSON)}"))))
        regs.append(("ghcr.io", reg(b64s(f"{w.first}:{ghp()}"))))
        if variant != 2:
            regs.append((f"registry.{w.dom}", reg(b64s(f"{w.user}:{password(F_JSON + ':')}"))))
        if variant == 1:
            regs.append(("registry.gitlab.com", reg(b64s(f"{w.first}:{glpat()}"))))
        empties = [f"{aws_account()}.dkr.ecr.{pick(['us-east-1', 'eu-west-1'])}.amazonaws.com",
                   "europe-west3-docker.pkg.dev", "quay.io"]
        items = []
        items.append(("", "{"))
        items.append(("", '    "auths": {'))
        entries = [("auth", r, a) for r, a in regs] + [("empty", e, None) for e in picks(empties, 2)]
        if variant == 2:
            entries.append(("identity", f"{w.org}cr.azurecr.io", None))
        R.shuffle(entries)
        for i, (kind, regname, a) in enumerate(entries):
            comma = "," if i < len(entries) - 1 else ""
            if kind == "empty":
                items.append(("T", f'        "{regname}": {{}}{comma}'))
            elif kind == "identity":
                items.append(("", f'        "{regname}": {{'))
                items.append(("T", '            "auth": "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==",'))
                claims = '{"sub":"%s","iss":"Azure Container Registry","exp":%d}' % (uuid4(), R.randrange(1700000000, 1800000000))
                items.append(("S", f'            "identitytoken": "{jwt(claims, alg="RS256", sig_len=342)}"'))
                items.append(("", f"        }}{comma}"))
            else:
                items.append(("", f'        "{regname}": {{'))
                if variant == 1 and chance(0.5):
                    items.append(("S", f'            "auth": "{a}",'))
                    items.append(("T", f'            "email": "{w.email}"'))
                else:
                    items.append(("S", f'            "auth": "{a}"'))
                items.append(("", f"        }}{comma}"))
        items.append(("", "    },"))
        tail = []
        tail.append([("T", f'    "credsStore": "{pick(["desktop", "osxkeychain", "pass", "wincred"])}"')])
        tail.append([("", '    "credHelpers": {'),
                     ("T", f'        "{aws_account()}.dkr.ecr.eu-central-1.amazonaws.com": "ecr-login",'),
                     ("T", '        "gcr.io": "gcloud"'),
                     ("", "    }")])
        tail.append([("", '    "HttpHeaders": {'),
                     ("T", f'        "User-Agent": "Docker-Client/{pick(["24.0.7", "25.0.3", "26.1.1", "20.10.21"])} (linux)"'),
                     ("", "    }")])
        tail.append([("", f'    "currentContext": "{pick(["desktop-linux", "default", "colima"])}"')])
        tail.append([("T", '    "psFormat": "table {{.ID}}\\t{{.Image}}\\t{{.Status}}\\t{{.Names}}"')])
        tail.append([("", '    "plugins": {'), ("", '        "-x-cli-hints": {'), ("", '            "enabled": "true"'),
                     ("", "        }"), ("", "    }")])
        tail.append([("", '    "features": {'), ("", '        "buildkit": "true"'), ("", "    }")])
        tail.append([("T", '    "detachKeys": "ctrl-e,e"')])
        tail = picks(tail, R.randrange(4, len(tail) + 1))
        for i, blk in enumerate(tail):
            if i < len(tail) - 1:
                m, l = blk[-1]
                blk = blk[:-1] + [(m, l + ",")]
            items += blk
        items.append(("", "}"))
        # indentation unit
        d.items([(m, conv_indent(l, unit)) for m, l in items])


def conv_indent(line: str, unit: str) -> str:
    body = line.lstrip(" ")
    lead = len(line) - len(body)
    return unit * (lead // 4) + " " * (lead % 4) + body


# ===========================================================================
# PHP
# ===========================================================================

WP_HEAD = '''
    <?php
    /**
     * The base configuration for WordPress
     *
     * The wp-config.php creation script uses this file during the installation.
     * You don't have to use the web site, you can copy this file to "wp-config.php"
     * and fill in the values.
     *
     * This file contains the following configurations:
     *
     * * Database settings
     * * Secret keys
     * * Database table prefix
     * * ABSPATH
     *
     * @link https://wordpress.org/documentation/article/editing-wp-config-php/
     *
     * @package WordPress
     */

    // ** Database settings - You can get this info from your web host ** //
    /** The name of the database for WordPress */
    define( 'DB_NAME', '«db»' );

    /** Database username */
    define( 'DB_USER', '«user»' );

    /** Database password */
    S|define( 'DB_PASSWORD', '«pw»' );

    /** Database hostname */
    define( 'DB_HOST', '«host»' );

    /** Database charset to use in creating database tables. */
    define( 'DB_CHARSET', 'utf8mb4' );

    /** The database collate type. Don't change this if in doubt. */
    define( 'DB_COLLATE', '' );

    /**#@+
     * Authentication unique keys and salts.
     *
     * Change these to different unique phrases! You can generate these using
     * the {@link https://api.wordpress.org/secret-key/1.1/salt/ WordPress.org secret-key service}.
     *
     * You can change these at any point in time to invalidate all existing cookies.
     * This will force all users to have to log in again.
     *
     * @since 2.6.0
     */
'''

WP_TAIL = '''
    /**#@-*/

    /**
     * WordPress database table prefix.
     *
     * You can have multiple installations in one database if you give each
     * a unique prefix. Only numbers, letters, and underscores please!
     */
    $table_prefix = '«prefix»';

    /**
     * For developers: WordPress debugging mode.
     *
     * Change this to true to enable the display of notices during development.
     * It is strongly recommended that plugin and theme developers use WP_DEBUG
     * in their development environments.
     *
     * @link https://wordpress.org/documentation/article/debugging-in-wordpress/
     */
    define( 'WP_DEBUG', false );

    /* Add any custom values between this line and the "stop editing" line. */
'''

WP_END = '''
    /* That's all, stop editing! Happy publishing. */

    /** Absolute path to the WordPress directory. */
    if ( ! defined( 'ABSPATH' ) ) {
    	define( 'ABSPATH', __DIR__ . '/' );
    }

    /** Sets up WordPress vars and included files. */
    require_once ABSPATH . 'wp-settings.php';
'''

WP_KEYS = ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
           "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"]


def g_php():
    # wp-config with real salts
    w = Who()
    d = Doc("php", "wpconfig", f"var/www/{w.org}-blog/wp-config.php")
    d.tpl(WP_HEAD, db=f"wp_{w.org}", user=f"{w.org}_wp", pw=password(F_SQL), host=pick(["localhost", w.host()]))
    for k in WP_KEYS:
        d.s(f"define( '{k}',{' ' * (17 - len(k))}'{wp_salt()}' );")
    d.tpl(WP_TAIL, prefix=pick(["wp_", f"{w.org[:3]}_", "wp7x_"]))
    d.tpl('''
        define( 'WP_MEMORY_LIMIT', '256M' );
        T|define( 'DISALLOW_FILE_EDIT', true );
        define( 'FS_METHOD', 'direct' );
        define( 'WPMS_ON', true );
        define( 'WPMS_SMTP_HOST', 'smtp.mailgun.org' );
        define( 'WPMS_SMTP_USER', 'postmaster@mg.«dom»' );
        S|define( 'WPMS_SMTP_PASS', '«smtp»' );
        T|define( 'WPMS_SMTP_AUTH', true );
        T|define( 'JWT_AUTH_SECRET_KEY', getenv( 'JWT_AUTH_SECRET_KEY' ) );
        define( 'WP_CACHE_KEY_SALT', '«dom»:' );
    ''', dom=w.dom, smtp=password(F_SQL))
    d.n("")
    d.tpl(WP_END)

    # wp-config with placeholder salts (fresh install copied from sample)
    w = Who()
    d = Doc("php", "wpconfig", f"srv/http/{w.dom}/public_html/wp-config.php")
    d.tpl(WP_HEAD, db=f"{w.org}_wordpress", user="wordpress", pw=password(F_SQL, human=True), host="127.0.0.1:3306")
    for k in WP_KEYS:
        d.t(f"define( '{k}',{' ' * (17 - len(k))}'put your unique phrase here' );")
    d.tpl(WP_TAIL, prefix="wp_")
    d.tpl('''
        T|// define( 'FTP_PASS', 'password' );
        T|// define( 'FTP_USER', 'username' );
        define( 'WP_HOME', 'https://«dom»' );
        define( 'WP_SITEURL', 'https://«dom»' );
    ''', dom=w.dom)
    d.n("")
    d.tpl(WP_END)

    # Laravel config/database.php
    w = Who()
    d = Doc("php", "laravel", f"code/{w.app}/config/database.php")
    d.tpl('''
        <?php

        use Illuminate\\Support\\Str;

        return [

            /*
            |--------------------------------------------------------------------------
            | Default Database Connection Name
            |--------------------------------------------------------------------------
            |
            | Here you may specify which of the database connections below you wish
            | to use as your default connection for all database work.
            |
            */

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
                    'database' => env('DB_DATABASE', 'forge'),
                    'username' => env('DB_USERNAME', 'forge'),
        T|            'password' => env('DB_PASSWORD', ''),
                    'unix_socket' => env('DB_SOCKET', ''),
                    'charset' => 'utf8mb4',
                    'collation' => 'utf8mb4_unicode_ci',
                    'prefix' => '',
                    'strict' => true,
                    'engine' => null,
                ],

                'pgsql' => [
                    'driver' => 'pgsql',
                    'host' => env('DB_PGSQL_HOST', '«pghost»'),
                    'port' => env('DB_PGSQL_PORT', '5432'),
                    'database' => env('DB_PGSQL_DATABASE', '«app»'),
                    'username' => env('DB_PGSQL_USERNAME', '«app»'),
        S|            'password' => env('DB_PGSQL_PASSWORD', '«pgpw»'),
                    'charset' => 'utf8',
                    'search_path' => 'public',
                    'sslmode' => 'prefer',
                ],

                // old CRM, read-only, decommission after Q3
                'legacy' => [
                    'driver' => 'mysql',
                    'host' => '«lhost»',
                    'database' => 'crm_old',
                    'username' => 'crm_ro',
        S|            'password' => '«lpw»',
                ],

            ],

            'migrations' => 'migrations',

            'redis' => [

                'client' => env('REDIS_CLIENT', 'phpredis'),

                'options' => [
                    'cluster' => env('REDIS_CLUSTER', 'redis'),
                    'prefix' => env('REDIS_PREFIX', Str::slug(env('APP_NAME', 'laravel'), '_').'_database_'),
                ],

                'default' => [
                    'url' => env('REDIS_URL'),
                    'host' => env('REDIS_HOST', '127.0.0.1'),
        T|            'username' => env('REDIS_USERNAME'),
        T|            'password' => env('REDIS_PASSWORD'),
                    'port' => env('REDIS_PORT', '6379'),
                    'database' => env('REDIS_DB', '0'),
                ],

            ],

        ];
    ''', pghost=w.host(), app=w.app, pgpw=password(F_SQL), lhost=w.host(), lpw=password(F_SQL))

    # Laravel config/services.php
    w = Who()
    d = Doc("php", "laravel", f"code/{w.app}/config/services.php")
    d.tpl('''
        <?php

        return [

            /*
            |--------------------------------------------------------------------------
            | Third Party Services
            |--------------------------------------------------------------------------
            |
            | This file is for storing the credentials for third party services such
            | as Mailgun, Postmark, AWS and more. This file provides the de facto
            | location for this type of information, allowing packages to have
            | a conventional file to locate the various service credentials.
            |
            */

            'mailgun' => [
                'domain' => env('MAILGUN_DOMAIN', 'mg.«dom»'),
        S|        'secret' => env('MAILGUN_SECRET', '«mg»'),
                'endpoint' => env('MAILGUN_ENDPOINT', 'api.eu.mailgun.net'),
                'scheme' => 'https',
            ],

            'postmark' => [
        T|        'token' => env('POSTMARK_TOKEN'),
            ],

            'ses' => [
        S|        'key' => env('AWS_ACCESS_KEY_ID', '«akid»'),
        S|        'secret' => env('AWS_SECRET_ACCESS_KEY', '«aks»'),
                'region' => env('AWS_DEFAULT_REGION', 'eu-west-1'),
            ],

            'stripe' => [
        T|        'key' => env('STRIPE_KEY', '«pk»'),
        S|        'secret' => '«sk»',
                'webhook' => [
        S|            'secret' => '«wh»',
                    'tolerance' => 300,
                ],
            ],

            'github' => [
        T|        'client_id' => 'Iv1.«ghid»',
        S|        'client_secret' => '«ghsec»',
                'redirect' => 'https://«app».«dom»/auth/github/callback',
            ],

            'slack' => [
                'notifications' => [
        S|            'bot_user_oauth_token' => '«xoxb»',
                    'channel' => '#«app»-alerts',
                ],
            ],

            'openai' => [
        T|        'api_key' => env('OPENAI_API_KEY'),
        T|        'organization' => 'org-«orgid»',
            ],

        ];
    ''', dom=w.dom, mg=mailgun_key(), akid=aws_akid(), aks=aws_secret(), pk=stripe_pk(), sk=stripe_sk(),
          wh=stripe_whsec(), ghid=rs(HEXL, 16), ghsec=hex_secret(40), app=w.app, xoxb=slack_bot(),
          orgid=rs(ALNUM, 24))

    # legacy hand-written PHP config
    w = Who()
    d = Doc("php", "phpinc", f"var/www/{w.org}-shop/includes/config.inc.php")
    dbu = f"{w.org}_shop"
    d.tpl('''
        <?php
        // legacy shop config -- DO NOT EDIT ON PROD, use the deploy script
        error_reporting(E_ALL & ~E_NOTICE);
        date_default_timezone_set('Europe/Berlin');
        define('SHOP_ROOT', dirname(__DIR__));

        $db_host = '«host»';
        $db_user = '«dbu»';
        S|$db_pass = '«pw»';
        $db_name = '«dbu»_live';
        T|$db_pass_staging = getenv('DB_PASS_STAGING') ?: '';

        S|$conn = mysqli_connect('«host»', '«dbu»', '«pw2»', '«dbu»_live');
        if (!$conn) {
            die('Connection failed: ' . mysqli_connect_error());
        }
        mysqli_set_charset($conn, 'utf8mb4');

        S|$pdo = new PDO("mysql:host=«rhost»;dbname=«dbu»_reports;charset=utf8mb4", 'reports', '«pw3»', [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);

        $config = array(
            'smtp_host'          => 'smtp.office365.com',
            'smtp_port'          => 587,
            'smtp_user'          => 'noreply@«dom»',
        S|    'smtp_pass'          => '«smtp»',
        T|    'admin_password_min' => 10,
        T|    'paypal_client_id'   => 'A«ppid»',
        S|    'paypal_secret'      => 'E«ppsec»',
        T|    'recaptcha_site'     => '6L«rsite»',
        S|    'recaptcha_secret'   => '6L«rsec»',
            'currency'           => 'EUR',
        T|    'brand_color'        => '«col»',
        );

        T|function check_password($plain, $hash) {
        T|    return password_verify($plain, $hash);
        }

        function register_user(PDO $pdo, array $input) {
            $errors = [];
        T|    if (strlen($input['password'] ?? '') < 10) {
        T|        $errors[] = 'Your password must be at least 10 characters.';
            }
        T|    $hash = password_hash($input['password'], PASSWORD_BCRYPT, ['cost' => 12]);
            $stmt = $pdo->prepare('INSERT INTO customers (email, pass_hash) VALUES (?, ?)');
            $stmt->execute([$input['email'], $hash]);
            return $errors;
        }

        T|// echo '<input type="password" name="password" placeholder="Enter your password">';
    ''', host=w.host(), dbu=dbu, pw=password(F_SQL), pw2=password(F_SQL), rhost=w.host(),
          pw3=password(F_SQL), dom=w.dom, smtp=password(F_SQL), ppid=rs(B64URL, 79),
          ppsec=reg(rs(B64URL, 79)), rsite=rs(B64URL, 38), rsec=reg(rs(B64URL, 38)), col=css_color())
    # the E-prefixed value registered without its prefix; register full forms too
    for ln in d.lines:
        if "'paypal_secret'" in ln or "'recaptcha_secret'" in ln:
            reg(ln.split("=> '")[1].rstrip("',"))


# ===========================================================================
# Django
# ===========================================================================

DJ_VALIDATORS = '''
    T|AUTH_PASSWORD_VALIDATORS = [
        {
    T|        'NAME': 'django.contrib.auth.password_validation.UserAttributeSimilarityValidator',
        },
        {
    T|        'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator',
    T|        'OPTIONS': {'min_length': «minlen»},
        },
        {
    T|        'NAME': 'django.contrib.auth.password_validation.CommonPasswordValidator',
        },
        {
    T|        'NAME': 'django.contrib.auth.password_validation.NumericPasswordValidator',
        },
    ]
'''


def g_django():
    w = Who()
    proj = w.app
    d = Doc("django", "django", f"code/{proj}/{proj}/settings.py")
    d.tpl('''
        """
        Django settings for «proj» project.

        Generated by 'django-admin startproject' using Django «ver».

        For more information on this file, see
        https://docs.djangoproject.com/en/4.2/topics/settings/
        """

        from pathlib import Path

        # Build paths inside the project like this: BASE_DIR / 'subdir'.
        BASE_DIR = Path(__file__).resolve().parent.parent


        # Quick-start development settings - unsuitable for production
        # See https://docs.djangoproject.com/en/4.2/howto/deployment/checklist/

        # SECURITY WARNING: keep the secret key used in production secret!
        S|SECRET_KEY = '«sk»'

        # SECURITY WARNING: don't run with debug turned on in production!
        DEBUG = False

        ALLOWED_HOSTS = ['«proj».«dom»', 'localhost']


        # Application definition

        INSTALLED_APPS = [
            'django.contrib.admin',
            'django.contrib.auth',
            'django.contrib.contenttypes',
            'django.contrib.sessions',
            'django.contrib.messages',
            'django.contrib.staticfiles',
            'rest_framework',
            '«proj».core',
        ]

        MIDDLEWARE = [
            'django.middleware.security.SecurityMiddleware',
            'django.contrib.sessions.middleware.SessionMiddleware',
            'django.middleware.common.CommonMiddleware',
            'django.middleware.csrf.CsrfViewMiddleware',
            'django.contrib.auth.middleware.AuthenticationMiddleware',
            'django.contrib.messages.middleware.MessageMiddleware',
            'django.middleware.clickjacking.XFrameOptionsMiddleware',
        ]

        ROOT_URLCONF = '«proj».urls'
        WSGI_APPLICATION = '«proj».wsgi.application'


        # Database
        # https://docs.djangoproject.com/en/4.2/ref/settings/#databases

        DATABASES = {
            'default': {
                'ENGINE': 'django.db.backends.postgresql',
                'NAME': '«proj»',
                'USER': '«proj»_app',
        S|        'PASSWORD': '«dbpw»',
                'HOST': '«dbhost»',
                'PORT': '5432',
            },
            'analytics': {
                'ENGINE': 'django.db.backends.mysql',
                'NAME': 'analytics',
                'USER': 'readonly',
        T|        'PASSWORD': '',
                'HOST': 'localhost',
            },
        }


        # Password validation
        # https://docs.djangoproject.com/en/4.2/ref/settings/#auth-password-validators

    ''', proj=proj, ver=pick(["4.2.7", "4.2.11", "4.1.3"]), sk=django_key(), dom=w.dom,
          dbpw=password(F_SQL), dbhost=w.host())
    d.tpl(DJ_VALIDATORS, minlen=pick([10, 12, 14]))
    d.tpl('''

        T|PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
        LOGIN_REDIRECT_URL = '/'

        # Internationalization
        LANGUAGE_CODE = 'en-us'
        TIME_ZONE = 'UTC'
        USE_I18N = True
        USE_TZ = True

        STATIC_URL = 'static/'
        STATIC_ROOT = BASE_DIR / 'staticfiles'
        DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'

        # Email
        EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'
        EMAIL_HOST = 'smtp.«dom»'
        EMAIL_PORT = 587
        EMAIL_USE_TLS = True
        EMAIL_HOST_USER = 'noreply@«dom»'
        S|EMAIL_HOST_PASSWORD = "«epw»"

        # S3 media storage
        S|AWS_ACCESS_KEY_ID = '«akid»'
        S|AWS_SECRET_ACCESS_KEY = '«aks»'
        AWS_STORAGE_BUCKET_NAME = '«proj»-media'
        AWS_S3_REGION_NAME = 'eu-central-1'
    ''', dom=w.dom, epw=password(F_SQL), akid=aws_akid(), aks=aws_secret(), proj=proj)

    # production settings reading from env, with a few leaks
    w = Who()
    proj = w.app
    d = Doc("django", "django", f"srv/{proj}/config/settings/production.py")
    d.tpl('''
        import os

        import dj_database_url
        import sentry_sdk

        from .base import *  # noqa: F401,F403

        DEBUG = False
        T|SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
        ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "«proj».«dom»").split(",")

        DATABASES = {
        S|    "default": dj_database_url.config(default="postgres://«proj»:«dbpw»@«dbhost»:5432/«proj»", conn_max_age=600),
        }

        CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
        S|        "LOCATION": "redis://:«rpw»@«rhost»:6379/1",
            }
        }

        S|CELERY_BROKER_URL = "amqp://«proj»:«mqpw»@«mqhost»:5672/«proj»"
        CELERY_RESULT_BACKEND = "django-db"

        T|PASSWORD_HASHERS = [
        T|    "django.contrib.auth.hashers.Argon2PasswordHasher",
        T|    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
        T|PASSWORD_RESET_TIMEOUT = 259200
        SESSION_COOKIE_SECURE = True
        CSRF_COOKIE_SECURE = True
        SECURE_HSTS_SECONDS = 31536000

        T|AWS_ACCESS_KEY_ID = os.getenv("AWS_ACCESS_KEY_ID")
        T|AWS_SECRET_ACCESS_KEY = os.getenv("AWS_SECRET_ACCESS_KEY")

        SOCIAL_AUTH_GITHUB_KEY = "«ghkey»"
        S|SOCIAL_AUTH_GITHUB_SECRET = "«ghsec»"
        T|SOCIAL_AUTH_GOOGLE_OAUTH2_KEY = "«gcid»"
        S|SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET = "«gcs»"

        S|STRIPE_SECRET_KEY = "«sk»"
        T|STRIPE_PUBLIC_KEY = "«pk»"
        T|STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")

        sentry_sdk.init(
            dsn=os.environ.get("SENTRY_DSN"),
            traces_sample_rate=0.1,
        T|    release="«proj»@«sha»",
        )

        LOGGING = {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"console": {"class": "logging.StreamHandler"}},
            "root": {"handlers": ["console"], "level": "INFO"},
        }
    ''', proj=proj, dom=w.dom, dbpw=url_pw(), dbhost=w.host(), rpw=url_pw(), rhost=w.host("cache"),
          mqpw=url_pw(), mqhost=w.host("mq"), ghkey="Iv1." + rs(HEXL, 16), ghsec=hex_secret(40),
          gcid=google_client_id(), gcs=google_client_secret(), sk=stripe_sk(), pk=stripe_pk(), sha=git_sha())

    # local_settings.py
    w = Who()
    proj = w.app
    d = Doc("django", "django", f"{w.home}/dev/{proj}/{proj}/local_settings.py")
    d.tpl('''
        # -*- coding: utf-8 -*-
        # Local overrides -- imported at the bottom of settings.py.  Not in git (see .gitignore)
        # Einstellungen für die lokale Entwicklung -- bitte nicht committen.
        from .settings import *  # noqa

        DEBUG = True
        INTERNAL_IPS = ["127.0.0.1"]
        S|SECRET_KEY = "«sk»"

        DATABASES["default"].update({
            "NAME": "«proj»_dev",
            "USER": "«user»",
        S|    "PASSWORD": "«pw»",
            "HOST": "localhost",
        })

        DATABASES["legacy"] = {
            "ENGINE": "mssql",
            "NAME": "LegacyERP",
            "USER": "sa",
        S|    "PASSWORD": "«mspw»",
            "HOST": "10.20.«a».«b»",
            "OPTIONS": {"driver": "ODBC Driver 18 for SQL Server"},
        }

        EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
        T|EMAIL_HOST_PASSWORD = ""

        # test fixtures
        T|TEST_USER_PASSWORD = "dummy-password-for-tests"
        T|FAKE_STRIPE_KEY = "sk_test_fake_not_a_real_key"
        T|DEFAULT_FROM_EMAIL = "dev+«user»@«dom»"
        T|SESSION_COOKIE_NAME = "«proj»_sessionid"
        CELERY_TASK_ALWAYS_EAGER = True

        T|# generate a new key with: python -c 'from django.core.management.utils import get_random_secret_key; print(get_random_secret_key())'
        S|OPENAI_API_KEY = "«oai»"
        S|SLACK_BOT_TOKEN = "«xoxb»"
        T|SLACK_CHANNEL_ID = "C«chan»"
        T|SITE_ID = 1
        DEBUG_TOOLBAR_CONFIG = {"SHOW_TOOLBAR_CALLBACK": lambda request: True}
    ''', sk=django_key(True), proj=proj, user=w.first, pw=password(F_JSON), mspw=password(F_JSON),
          a=R.randrange(0, 255), b=R.randrange(2, 255), dom=w.dom, oai=openai_key(), xoxb=slack_bot(),
          chan=rs(UP + DG, 10))


# ===========================================================================
# Rails
# ===========================================================================

def g_rails():
    w = Who()
    app = w.app
    d = Doc("rails", "rails", f"code/{app}/config/database.yml")
    d.tpl('''
        # PostgreSQL. Versions 9.3 and up are supported.
        #
        # Install the pg driver:
        #   gem install pg
        # On macOS with Homebrew:
        #   gem install pg -- --with-pg-config=/usr/local/bin/pg_config
        #
        # Configure Using Gemfile
        # gem "pg"
        #
        default: &default
          adapter: postgresql
          encoding: unicode
          # For details on connection pooling, see Rails configuration guide
          # https://guides.rubyonrails.org/configuring.html#database-pooling
          pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>

        development:
          <<: *default
          database: «app»_development
          username: «app»
        S|  password: «devpw»
          host: localhost

        test:
          <<: *default
          database: «app»_test
          username: «app»
        T|  password:

        # As with config/credentials.yml, you never want to store sensitive information,
        # like your database password, in your source code.
        production:
          <<: *default
          database: «app»_production
          username: «app»
        T|  password: <%= ENV["«APP»_DATABASE_PASSWORD"] %>

        reporting:
          <<: *default
        S|  url: postgres://report_ro:«rpw»@«host»:5432/«app»_reporting
          replica: true
          database_tasks: false
    ''', app=app, APP=app.upper(), devpw=password(F_INI + ":"), rpw=url_pw(), host=w.host())

    w = Who()
    app = w.app
    d = Doc("rails", "rails", f"srv/{app}/shared/config/database.yml")
    d.tpl('''
        # MySQL. Versions 5.5.8 and up are supported.
        default: &default
          adapter: mysql2
          encoding: utf8mb4
          pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
          username: «app»
        T|  password: <%= Rails.application.credentials.dig(:database, :password) %>
          socket: /var/run/mysqld/mysqld.sock
          variables:
            sql_mode: TRADITIONAL

        development:
          <<: *default
          database: «app»_development
        T|  password: ""

        test:
          <<: *default
          database: «app»_test

        staging:
          <<: *default
          host: «shost»
          database: «app»_staging
        S|  password: "«spw»"

        production:
          primary:
            <<: *default
            host: «phost»
            database: «app»_production
        S|    password: '«ppw»'
          primary_replica:
            <<: *default
            host: «rhost»
            database: «app»_production
            username: «app»_ro
        T|    password: <%= ENV.fetch("REPLICA_DB_PASSWORD") %>
            replica: true
    ''', app=app, shost=w.host(), spw=password(F_JSON), phost=w.host(), ppw=password(F_SQL), rhost=w.host())

    w = Who()
    app = w.app
    d = Doc("rails", "rails", f"code/{app}/config/secrets.yml")
    d.tpl('''
        # Be sure to restart your server when you modify this file.

        # Your secret key is used for verifying the integrity of signed cookies.
        # If you change this key, all old signed cookies will become invalid!

        # Make sure the secret is at least 30 characters and all random,
        # no regular words or you'll be exposed to dictionary attacks.
        # You can use `rails secret` to generate a secure secret key.

        # Make sure the secrets in this file are kept private
        # if you're sharing your code publicly.

        # Shared secrets are available across all environments.

        shared:
        T|  api_key_header: X-Api-Key
        T|  stripe_publishable_key: «pk»

        # Environmental secrets are only available for that specific environment.

        development:
        S|  secret_key_base: «skb1»
        S|  mailgun_api_key: «mg»

        test:
        S|  secret_key_base: «skb2»
        T|  mailgun_api_key: key-dummy-test-value

        # Do not keep production secrets in the unencrypted secrets file.
        # Instead, either read values from the environment.
        # Or, use `bin/rails secrets:setup` to configure encrypted secrets
        # and move the `production:` environment over there.

        production:
        T|  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>
        T|  mailgun_api_key: <%= ENV["MAILGUN_API_KEY"] %>
        S|  sendgrid_api_key: «sg»
    ''', pk=stripe_pk(), skb1=rails_skb(), mg=mailgun_key(), skb2=rails_skb(), sg=sendgrid())

    w = Who()
    app = w.app
    d = Doc("rails", "figaro", f"code/{app}/config/application.yml")
    d.tpl('''
        # Figaro -- config/application.yml
        # This file is listed in .gitignore. Keep it that way.
        APP_HOST: "«app».«dom»"
        T|DEVISE_PASSWORD_LENGTH_MIN: "10"
        T|DEVISE_MAILER_SENDER: "no-reply@«dom»"
        S|SECRET_KEY_BASE: "«skb»"
        S|DATABASE_URL: "postgresql://«app»:«dbpw»@«host»/«app»_production"
        S|AWS_ACCESS_KEY_ID: "«akid»"
        S|AWS_SECRET_ACCESS_KEY: "«aks»"
        AWS_REGION: "us-west-2"
        S3_BUCKET_NAME: "«app»-assets"
        T|TWILIO_ACCOUNT_SID: "«sid»"
        S|TWILIO_AUTH_TOKEN: "«tt»"
        S|SLACK_WEBHOOK_URL: "«hook»"
        T|SIDEKIQ_WEB_USERNAME: "admin"
        S|SIDEKIQ_WEB_PASSWORD: "«skpw»"

        development:
          APP_HOST: "localhost:3000"
        T|  DATABASE_URL: "postgresql://localhost/«app»_development"

        test:
        T|  STRIPE_SECRET_KEY: "sk_test_dummy"
        T|  TWILIO_AUTH_TOKEN: "fake-twilio-token"
    ''', app=app, dom=w.dom, skb=rails_skb(), dbpw=url_pw(), host=w.host(), akid=aws_akid(),
          aks=aws_secret(), sid=twilio_sid(), tt=twilio_token(), hook=slack_hook(),
          skpw=password(F_JSON))

    w = Who()
    app = w.app
    d = Doc("rails", "rails", f"code/{app}/config/storage.yml")
    d.tpl('''
        test:
          service: Disk
          root: <%= Rails.root.join("tmp/storage") %>

        local:
          service: Disk
          root: <%= Rails.root.join("storage") %>

        # Use bin/rails credentials:edit to set the AWS secrets (as aws:access_key_id|secret_access_key)
        amazon:
          service: S3
        T|  access_key_id: <%= Rails.application.credentials.dig(:aws, :access_key_id) %>
        T|  secret_access_key: <%= Rails.application.credentials.dig(:aws, :secret_access_key) %>
          region: us-east-1
          bucket: «app»-<%= Rails.env %>

        # DigitalOcean Spaces (S3 compatible) -- TODO move to credentials
        digitalocean:
          service: S3
          endpoint: https://fra1.digitaloceanspaces.com
        S|  access_key_id: «dokey»
        S|  secret_access_key: «dosec»
          region: fra1
          bucket: «app»-media

        google:
          service: GCS
        T|  credentials: <%= Rails.root.join("config/gcs-keyfile.json") %>
          project: "«app»-prod"
          bucket: "«app»-backups"

        mirror:
          service: Mirror
          primary: amazon
          mirrors: [ digitalocean, google ]
    ''', app=app, dokey=reg("DO00" + rs(UP + DG, 16)), dosec=reg(rs(B64C, 43)))


# ===========================================================================
# Spring
# ===========================================================================

def g_spring():
    w = Who()
    app = w.app
    d = Doc("spring", "spring", f"code/{app}-service/src/main/resources/application.properties")
    d.tpl('''
        spring.application.name=«app»-service
        server.port=8080
        server.servlet.context-path=/api
        server.shutdown=graceful

        # ---- datasource -------------------------------------------------------
        spring.datasource.url=jdbc:postgresql://«dbhost»:5432/«app»
        spring.datasource.username=«app»_svc
        S|spring.datasource.password=«dbpw»
        spring.datasource.driver-class-name=org.postgresql.Driver
        spring.datasource.hikari.maximum-pool-size=20
        spring.jpa.hibernate.ddl-auto=validate
        spring.jpa.open-in-view=false
        spring.flyway.enabled=true

        # ---- mail --------------------------------------------------------------
        spring.mail.host=smtp.office365.com
        spring.mail.port=587
        spring.mail.username=noreply@«dom»
        T|spring.mail.password=${MAIL_PASSWORD}
        spring.mail.properties.mail.smtp.auth=true
        spring.mail.properties.mail.smtp.starttls.enable=true

        # ---- messaging ---------------------------------------------------------
        spring.rabbitmq.host=«mqhost»
        spring.rabbitmq.port=5672
        spring.rabbitmq.username=«app»
        S|spring.rabbitmq.password=«mqpw»
        spring.rabbitmq.virtual-host=/«app»

        # ---- security ----------------------------------------------------------
        S|jwt.secret=«jwt»
        T|jwt.expiration-ms=86400000
        T|spring.security.oauth2.client.registration.github.client-id=Iv1.«ghid»
        S|spring.security.oauth2.client.registration.github.client-secret=«ghsec»
        spring.security.oauth2.client.registration.github.scope=read:user,user:email
        T|app.security.password.min-length=12
        T|app.security.password-reset.token-validity=PT30M
        T|spring.security.user.password=
        T|app.crypto.data-key=ENC(«jasypt»)
        T|jasypt.encryptor.password=${JASYPT_ENCRYPTOR_PASSWORD}

        # ---- actuator / logging -------------------------------------------------
        management.endpoints.web.exposure.include=health,info,prometheus
        management.endpoint.health.probes.enabled=true
        T|management.info.git.mode=full
        logging.level.root=INFO
        logging.level.org.hibernate.SQL=WARN
        T|info.build.commit=«sha»
    ''', app=app, dbhost=w.host(), dbpw=password(F_INI), dom=w.dom, mqhost=w.host("mq"),
          mqpw=password(F_INI), jwt=b64_secret(64), ghid=rs(HEXL, 16), ghsec=hex_secret(40),
          jasypt=b64(rb(48)), sha=git_sha())

    w = Who()
    app = w.app
    d = Doc("spring", "spring", f"opt/{app}/config/application-prod.properties")
    d.tpl('''
        # Production overrides -- deployed by Ansible, DO NOT put in the jar
        # Last edited: «name»
        S|db.url=jdbc:mysql://«dbhost»:3306/«app»?user=«app»&password=«dbpw»&useSSL=true&serverTimezone=UTC
        db.pool.size=30
        spring.redis.host=«rhost»
        S|spring.redis.password=«rpw»
        spring.redis.ssl=true

        S|aws.accessKeyId=«akid»
        S|aws.secretKey=«aks»
        aws.region=eu-west-1
        aws.s3.bucket=«app»-prod-exports

        server.port=8443
        T|server.ssl.key-store=classpath:keystore.p12
        S|server.ssl.key-store-password=«kspw»
        T|server.ssl.key-store-type=PKCS12
        T|server.ssl.key-alias=«app»
        T|server.ssl.trust-store-password=${TRUSTSTORE_PASSWORD:}

        S|sendgrid.api-key=«sg»
        S|twilio.auth-token=«tt»
        T|twilio.account-sid=«sid»
        T|twilio.from-number=+44«tel»

        S|ldap.manager.password=«ldappw»
        ldap.manager.dn=cn=svc-«app»,ou=service,dc=«org»,dc=local
        ldap.url=ldaps://ldap.«dom»:636
        T|ldap.user.password-attribute=userPassword

        T|feature.password-less-login.enabled=false
        T|ui.login.password-label=Enter your password
        T|ui.theme.primary=«col»
    ''', name=pick(FIRST).capitalize(), dbhost=w.host(), app=app, dbpw=url_pw(), rhost=w.host("cache"),
          rpw=password(F_INI), akid=aws_akid(), aks=aws_secret(), kspw=password(F_INI), sg=sendgrid(),
          tt=twilio_token(), sid=twilio_sid(), tel=rs(DG, 10), ldappw=password(F_INI), org=w.org,
          dom=w.dom, col=css_color())

    w = Who()
    app = w.app
    d = Doc("spring", "springyml", f"code/{app}/src/main/resources/application.yml")
    d.tpl('''
        spring:
          application:
            name: «app»
          profiles:
            active: ${SPRING_PROFILES_ACTIVE:prod}
          datasource:
            url: jdbc:sqlserver://«dbhost»:1433;databaseName=«app»;encrypt=true;trustServerCertificate=false
            username: «app»_app
        S|    password: "«dbpw»"
            hikari:
              maximum-pool-size: 15
              connection-timeout: 30000
          data:
            redis:
              host: «rhost»
              port: 6379
        T|      password: ${REDIS_PASSWORD:}
          kafka:
            bootstrap-servers: pkc-«kc».eu-west-1.aws.confluent.cloud:9092
            properties:
              security.protocol: SASL_SSL
              sasl.mechanism: PLAIN
        S|      sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="«ck»" password="«cs»";
            consumer:
              group-id: «app»-consumers
              auto-offset-reset: earliest
          cloud:
            config:
              uri: http://config-server:8888
              username: config
        T|      password: ${CONFIG_SERVER_PASSWORD}

        stripe:
        S|  api-key: «sk»
        T|  publishable-key: «pk»
        S|  webhook-secret: «wh»

        security:
          password:
        T|    min-length: 12
        T|    require-special-char: true
        T|    bcrypt-strength: 12

        management:
          endpoints:
            web:
              exposure:
                include: "health,info"
        T|  info:
        T|    build-id: «bid»
    ''', app=app, dbhost=w.host(), dbpw=password(F_JSON), rhost=w.host("cache"), kc=rs(LOALNUM, 5),
          ck=rs(UP + DG, 16), cs=reg(rs(ALNUM + "+/", 64)), sk=stripe_sk(), pk=stripe_pk(),
          wh=stripe_whsec(), bid=uuid4())

    w = Who()
    app = w.app
    d = Doc("spring", "springyml", f"code/{app}/src/main/resources/bootstrap-vault.yml")
    d.tpl('''
        # Vault-backed config. The token below is the *dev* vault root token -- dev only!!
        spring:
          cloud:
            vault:
              uri: https://vault.«dom»:8200
              authentication: TOKEN
        S|      token: «vt»
              kv:
                enabled: true
                backend: secret
                default-context: «app»
              fail-fast: true
            consul:
              host: consul.«dom»
        S|      token: «consul»
        T|      acl-token: ${CONSUL_ACL_TOKEN:}

        ---
        spring:
          config:
            activate:
              on-profile: k8s
          cloud:
            vault:
              authentication: KUBERNETES
              kubernetes:
                role: «app»
        T|        service-account-token-file: /var/run/secrets/kubernetes.io/serviceaccount/token

        ---
        spring:
          config:
            activate:
              on-profile: approle
          cloud:
            vault:
              authentication: APPROLE
              app-role:
        T|        role-id: «roleid»
        S|        secret-id: «secid»
    ''', dom=w.dom, vt=vault_token(), app=app, consul=reg(uuid4()), roleid=uuid4(), secid=reg(uuid4()))


# ===========================================================================
# FileZilla
# ===========================================================================

def fz_server(w: Who, logon: int, name: str, indent: str = "        "):
    host = pick([w.host("ftp"), f"ftp.{pick(ORGS)}-hosting.net", f"{R.randrange(10, 200)}.{R.randrange(0, 255)}.{R.randrange(0, 255)}.{R.randrange(1, 254)}"])
    proto = pick([0, 1, 4]) if logon != 5 else 1
    port = {0: 21, 1: 22, 4: 21}[proto]
    items = [("", f"{indent}<Server>"),
             ("", f"{indent}    <Host>{host}</Host>"),
             ("", f"{indent}    <Port>{port}</Port>"),
             ("", f"{indent}    <Protocol>{proto}</Protocol>"),
             ("", f"{indent}    <Type>0</Type>")]
    user = pick([w.user, "deploy", f"{w.org}_ftp", "web" + str(R.randrange(100, 999)), f"{w.first}@{w.dom}"])
    if logon == 0:
        items.append(("T", f"{indent}    <User>anonymous</User>"))
    else:
        items.append(("", f"{indent}    <User>{user}</User>"))
    if logon == 1:
        pw = password("")
        items.append(("S", f'{indent}    <Pass encoding="base64">{reg(b64s(pw))}</Pass>'))
    elif logon == 6:   # very old FileZilla: plain text
        items.append(("S", f"{indent}    <Pass>{password(F_XML)}</Pass>"))
        logon = 1
    items.append(("", f"{indent}    <Logontype>{logon}</Logontype>"))
    if logon == 5:
        items.append(("T", f"{indent}    <Keyfile>C:\\Users\\{w.first}\\.ssh\\{pick(['id_rsa.ppk', 'deploy.ppk', 'hosting.ppk'])}</Keyfile>"))
    items += [("", f"{indent}    <PasvMode>MODE_DEFAULT</PasvMode>"),
              ("", f"{indent}    <EncodingType>Auto</EncodingType>"),
              ("", f"{indent}    <BypassProxy>0</BypassProxy>"),
              ("", f"{indent}    <Name>{name}</Name>")]
    if chance(0.5):
        items.append(("", f"{indent}    <RemoteDir>1 0 3 var 3 www {len(w.org)} {w.org}</RemoteDir>"))
    if chance(0.5):
        items.append(("T", f"{indent}    <Comments>{pick(['Passwort im KeePass (Eintrag FTP)', 'password: ask Dave', 'pw rotated, see ticket OPS-' + str(R.randrange(100, 999)), 'key-only login, no password'])}</Comments>"))
    items += [("", f"{indent}    <SyncBrowsing>0</SyncBrowsing>"),
              ("", f"{indent}    <DirectoryComparison>0</DirectoryComparison>"),
              ("", f"{indent}</Server>")]
    return items


def g_filezilla():
    for k in range(2):
        w = Who()
        d = Doc("filezilla", "filezilla", f"Users/{w.first}/AppData/Roaming/FileZilla/sitemanager.xml")
        d.n('<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>')
        d.t(f'<FileZilla3 version="{pick(["3.66.1", "3.65.0", "3.63.2", "3.58.0"])}" platform="windows">')
        d.n("    <Servers>")
        names = ["Production", "Staging", "Kunde Müller GmbH", "Büro NAS", "Webspace", "Backup box",
                 "old shared hosting", "CDN origin"]
        R.shuffle(names)
        logons = [1, 1, 1, 2, 5, 6 if k == 0 else 1, 0]
        R.shuffle(logons)
        folder_at = R.randrange(2, 5)
        for i, lg in enumerate(logons):
            if i == folder_at:
                d.n(f'        <Folder expanded="1">{pick(["Clients", "Kunden", "Legacy"])}')
                d.items(fz_server(w, lg, names[i], indent="            "))
                d.n("        </Folder>")
            else:
                d.items(fz_server(w, lg, names[i]))
        d.n("    </Servers>")
        d.n("</FileZilla3>")

    w = Who()
    d = Doc("filezilla", "filezilla", f"{w.home}/.config/filezilla/recentservers.xml")
    d.n('<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>')
    d.t('<FileZilla3 version="3.66.4" platform="*nix">')
    d.n("    <RecentServers>")
    for lg in [1, 1, 2, 1]:
        items = fz_server(w, lg, "", indent="        ")
        d.items([(m, l) for m, l in items if "<Name>" not in l and "SyncBrowsing" not in l
                 and "DirectoryComparison" not in l and "RemoteDir" not in l])
    d.n("    </RecentServers>")
    d.n("</FileZilla3>")


# ===========================================================================
# DBeaver
# ===========================================================================

def g_dbeaver():
    for k in range(2):
        w = Who()
        d = Doc("dbeaver", "dbeaver", f"{w.home}/.local/share/DBeaverData/workspace6/General/.dbeaver/data-sources.json")
        d.n("{")
        d.n('\t"folders": {')
        d.n('\t\t"Prod": {},')
        d.n('\t\t"Dev": {}')
        d.n("\t},")
        d.n('\t"connections": {')
        conns = []
        specs = [("postgresql", "postgres-jdbc", 5432, "jdbc:postgresql://{h}:{p}/{db}"),
                 ("mysql", "mysql8", 3306, "jdbc:mysql://{h}:{p}/{db}"),
                 ("sqlserver", "microsoft", 1433, "jdbc:sqlserver://{h}:{p};databaseName={db}"),
                 ("postgresql", "postgres-jdbc", 5432, "jdbc:postgresql://{h}:{p}/{db}")]
        for ci, (prov, drv, port, urlf) in enumerate(specs[: 3 + k]):
            cid = f"{drv}-{rs(HEXL, 11)}-{rs(HEXL, 16)}"
            h = w.host()
            db = pick([w.app, f"{w.app}_prod", "analytics", "postgres"])
            it = []
            it.append(("T", f'\t\t"{cid}": {{'))
            it.append(("", f'\t\t\t"provider": "{prov}",'))
            it.append(("", f'\t\t\t"driver": "{drv}",'))
            it.append(("", f'\t\t\t"name": "{db}@{h.split(".")[0]}",'))
            save = ci != 1
            it.append(("T", f'\t\t\t"save-password": {"true" if save else "false"},'))
            it.append(("", f'\t\t\t"folder": "{pick(["Prod", "Dev"])}",'))
            it.append(("", '\t\t\t"configuration": {'))
            it.append(("", f'\t\t\t\t"host": "{h}",'))
            it.append(("", f'\t\t\t\t"port": "{port}",'))
            it.append(("", f'\t\t\t\t"database": "{db}",'))
            url = urlf.format(h=h, p=port, db=db)
            if ci == 2:
                pw = url_pw()
                it.append(("S", f'\t\t\t\t"url": "{url};user={w.app};password={pw}",'))
            else:
                it.append(("", f'\t\t\t\t"url": "{url}",'))
            it.append(("", '\t\t\t\t"configurationType": "MANUAL",'))
            it.append(("", f'\t\t\t\t"type": "{pick(["prod", "dev", "test"])}",'))
            it.append(("T", '\t\t\t\t"auth-model": "native",'))
            it.append(("", f'\t\t\t\t"user": "{pick(["postgres", w.app, "readonly", w.first])}",'))
            if save and ci != 2:
                it.append(("S", f'\t\t\t\t"password": "{password(F_JSON)}",'))
            elif not save:
                it.append(("T", '\t\t\t\t"password": "",'))
            if ci == 0:
                it.append(("", '\t\t\t\t"handlers": {'))
                it.append(("", '\t\t\t\t\t"ssh_tunnel": {'))
                it.append(("", '\t\t\t\t\t\t"type": "TUNNEL",'))
                it.append(("", '\t\t\t\t\t\t"enabled": true,'))
                it.append(("T", '\t\t\t\t\t\t"save-password": true,'))
                it.append(("", f'\t\t\t\t\t\t"user": "{w.first}",'))
                it.append(("S", f'\t\t\t\t\t\t"password": "{password(F_JSON)}",'))
                it.append(("", '\t\t\t\t\t\t"properties": {'))
                it.append(("", f'\t\t\t\t\t\t\t"host": "bastion.{w.dom}",'))
                it.append(("", '\t\t\t\t\t\t\t"port": 22,'))
                it.append(("T", '\t\t\t\t\t\t\t"authType": "PASSWORD"'))
                it.append(("", "\t\t\t\t\t\t}"))
                it.append(("", "\t\t\t\t\t}"))
                it.append(("", "\t\t\t\t},"))
            it.append(("", '\t\t\t\t"bootstrap": {'))
            it.append(("", '\t\t\t\t\t"autocommit": false'))
            it.append(("", "\t\t\t\t}"))
            it.append(("", "\t\t\t}"))
            it.append(("", "\t\t}" + ("," if ci < 2 + k else "")))
            conns.append(it)
        for it in conns:
            d.items(it)
        d.n("\t},")
        d.n('\t"connection-types": {')
        d.n('\t\t"prod": {')
        d.n('\t\t\t"name": "Production",')
        d.t(f'\t\t\t"color": "{pick(["255,128,128", "247,159,129", "200,0,0"])}",')
        d.n('\t\t\t"confirm-execute": true,')
        d.t('\t\t\t"confirm-data-change": true,')
        d.t('\t\t\t"auto-close-transactions": true')
        d.n("\t\t}")
        d.n("\t}")
        d.n("}")


# ===========================================================================
# JetBrains
# ===========================================================================

def jb_xor(pw: str) -> str:
    # old DataGrip/IntelliJ "encoded" password: XOR with 0xdfaa, hex -- reversible
    out = []
    for ch in pw:
        v = ord(ch) ^ 0xDFAA
        out.append(f"{v:04x}")
    return "".join(out)


def g_jetbrains():
    w = Who()
    d = Doc("jetbrains", "idea", f"code/{w.app}/.idea/dataSources.xml")
    d.n('<?xml version="1.0" encoding="UTF-8"?>')
    d.n('<project version="4">')
    d.n('  <component name="DataSourceManagerImpl" format="xml" multifile-model="true">')
    for i in range(4):
        h = w.host()
        db = pick([w.app, "analytics", "reporting", f"{w.app}_prod"])
        kind = ["postgresql", "mysql.8", "postgresql", "redis"][i]
        d.t(f'    <data-source source="LOCAL" name="{db}@{h.split(".")[0]}" uuid="{uuid4()}">')
        d.n(f"      <driver-ref>{kind}</driver-ref>")
        d.n("      <synchronize>true</synchronize>")
        if kind.startswith("postgres"):
            d.n("      <jdbc-driver>org.postgresql.Driver</jdbc-driver>")
            if i == 2:
                d.s(f"      <jdbc-url>jdbc:postgresql://{h}:5432/{db}?user={w.app}&amp;password={url_pw()}&amp;sslmode=require</jdbc-url>")
            else:
                d.n(f"      <jdbc-url>jdbc:postgresql://{h}:5432/{db}</jdbc-url>")
        elif kind == "redis":
            d.n("      <jdbc-driver>jdbc.RedisDriver</jdbc-driver>")
            d.s(f"      <jdbc-url>jdbc:redis://:{url_pw()}@{w.host('cache')}:6379/0</jdbc-url>")
        else:
            d.n("      <jdbc-driver>com.mysql.cj.jdbc.Driver</jdbc-driver>")
            d.n(f"      <jdbc-url>jdbc:mysql://{h}:3306/{db}</jdbc-url>")
        d.n("      <jdbc-additional-properties>")
        d.n('        <property name="com.intellij.clouds.kubernetes.db.enabled" value="false" />')
        if i == 1:
            d.t('        <property name="password" value="" />')
        d.n("      </jdbc-additional-properties>")
        d.n("      <working-dir>$ProjectFileDir$</working-dir>")
        d.n("    </data-source>")
    d.n("  </component>")
    d.n("</project>")

    w = Who()
    d = Doc("jetbrains", "idea", f"code/{w.app}/.idea/dataSources.local.xml")
    d.n('<?xml version="1.0" encoding="UTF-8"?>')
    d.n('<project version="4">')
    d.t(f'  <component name="dataSourceStorageLocal" created-in="{pick(["IU-233.13135.103", "DB-232.9921.42", "IU-221.5921.22"])}">')
    for i in range(3):
        d.t(f'    <data-source name="{pick([w.app, "prod", "local", "staging"])}@{w.host().split(".")[0]}" uuid="{uuid4()}">')
        d.n("      <database-info product=\"PostgreSQL\" version=\"15.4\" jdbc-version=\"4.2\" driver-name=\"PostgreSQL JDBC Driver\" driver-version=\"42.6.0\" dbms=\"POSTGRES\" exact-version=\"15.4\" exact-driver-version=\"42.6\">")
        d.n("        <identifier-quote-string>&quot;</identifier-quote-string>")
        d.n("      </database-info>")
        d.n("      <case-sensitivity plain-identifiers=\"lower\" quoted-identifiers=\"exact\" />")
        if i == 1:
            d.t("      <secret-storage>master_key</secret-storage>")
        else:
            d.t("      <secret-storage>forever</secret-storage>")
        d.n(f"      <user-name>{pick(['postgres', w.app, w.first])}</user-name>")
        if i != 1:
            d.s(f"      <user-password>{reg(jb_xor(password(F_XML)))}</user-password>")
        d.n("      <schema-mapping>")
        d.n("        <introspection-scope>")
        d.n("          <node kind=\"database\" qname=\"@\">")
        d.n("            <node kind=\"schema\" qname=\"@\" />")
        d.n("          </node>")
        d.n("        </introspection-scope>")
        d.n("      </schema-mapping>")
        d.n("    </data-source>")
    d.n("  </component>")
    d.n("</project>")

    w = Who()
    d = Doc("jetbrains", "idea", f"code/{w.app}/.idea/workspace.xml")
    d.tpl('''
        <?xml version="1.0" encoding="UTF-8"?>
        <project version="4">
          <component name="AutoImportSettings">
            <option name="autoReloadType" value="SELECTIVE" />
          </component>
          <component name="ChangeListManager">
        T|    <list default="true" id="«uuid1»" name="Changes" comment="" />
            <option name="SHOW_DIALOG" value="false" />
            <option name="HIGHLIGHT_CONFLICTS" value="true" />
            <option name="LAST_RESOLUTION" value="IGNORE" />
          </component>
          <component name="Git.Settings">
            <option name="RECENT_GIT_ROOT_PATH" value="$PROJECT_DIR$" />
          </component>
        T|  <component name="ProjectId" id="«pid»" />
          <component name="ProjectViewState">
            <option name="hideEmptyMiddlePackages" value="true" />
            <option name="showLibraryContents" value="true" />
          </component>
          <component name="PropertiesComponent"><![CDATA[{
          "keyToString": {
            "RunOnceActivity.ShowReadmeOnStart": "true",
        T|    "git-widget-placeholder": "main",
            "last_opened_file_path": "$PROJECT_DIR$",
        T|    "settings.editor.selected.configurable": "preferences.passwordSafe"
          }
        }]]></component>
          <component name="RunManager" selected="Spring Boot.«App»Application">
            <configuration name="«App»Application" type="SpringBootApplicationConfigurationType" factoryName="Spring Boot">
              <module name="«app»" />
              <option name="SPRING_BOOT_MAIN_CLASS" value="com.«org».«app».«App»Application" />
        S|      <option name="VM_PARAMETERS" value="-Xmx1g -Dspring.datasource.password=«pw» -Dspring.profiles.active=local" />
              <envs>
                <env name="SPRING_PROFILES_ACTIVE" value="local" />
        S|        <env name="AWS_SECRET_ACCESS_KEY" value="«aks»" />
        S|        <env name="AWS_ACCESS_KEY_ID" value="«akid»" />
        T|        <env name="DB_PASSWORD" value="${DB_PASSWORD}" />
        S|        <env name="GITHUB_TOKEN" value="«gh»" />
              </envs>
              <method v="2">
                <option name="Make" enabled="true" />
              </method>
            </configuration>
            <configuration name="integration tests" type="JUnit" factoryName="JUnit">
              <module name="«app»" />
              <option name="PACKAGE_NAME" value="com.«org».«app»" />
              <option name="TEST_OBJECT" value="package" />
              <envs>
        T|        <env name="TEST_DB_PASSWORD" value="test-password-not-secret" />
        T|        <env name="API_KEY" value="dummy" />
              </envs>
            </configuration>
          </component>
          <component name="SpellCheckerSettings" RuntimeDictionaries="0" Folders="0" CustomDictionaries="0" DefaultDictionary="application-level" UseSingleDictionary="true" transferred="true" />
          <component name="TaskManager">
            <task active="true" id="Default" summary="Default task">
        T|      <changelist id="«uuid1»" name="Changes" comment="" />
        T|      <created>«ts1»</created>
              <option name="number" value="Default" />
              <option name="presentableId" value="Default" />
        T|      <updated>«ts2»</updated>
            </task>
            <servers />
          </component>
          <component name="Vcs.Log.Tabs.Properties">
            <option name="TAB_STATES">
              <map>
                <entry key="MAIN">
                  <value>
                    <State />
                  </value>
                </entry>
              </map>
            </option>
          </component>
        </project>
    ''', uuid1=uuid4(), pid=rs(ALNUM, 27), App=w.app.capitalize(), app=w.app, org=w.org,
          pw=password(F_XML + " "), aks=aws_secret(), akid=aws_akid(), gh=ghp(),
          ts1=R.randrange(1680000000000, 1700000000000), ts2=R.randrange(1700000000000, 1710000000000))


# ===========================================================================
# Maven / Gradle
# ===========================================================================

def g_maven():
    w = Who()
    d = Doc("maven-gradle", "maven", f"{w.home}/.m2/settings.xml")
    nexus = w.host("repo")
    d.tpl('''
        <?xml version="1.0" encoding="UTF-8"?>
        <settings xmlns="http://maven.apache.org/SETTINGS/1.2.0"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  xsi:schemaLocation="http://maven.apache.org/SETTINGS/1.2.0 https://maven.apache.org/xsd/settings-1.2.0.xsd">
          <localRepository>${user.home}/.m2/repository</localRepository>
          <interactiveMode>false</interactiveMode>

          <servers>
            <server>
              <id>«org»-releases</id>
              <username>«user»</username>
        S|      <password>«pw1»</password>
            </server>
            <server>
              <id>«org»-snapshots</id>
              <username>«user»</username>
        T|      <password>${env.NEXUS_PASSWORD}</password>
            </server>
            <server>
              <id>ossrh</id>
              <username>«first»</username>
        S|      <password>«pw2»</password>
            </server>
            <server>
              <id>github</id>
              <username>«first»</username>
        S|      <password>«gh»</password>
            </server>
            <server>
              <id>deploy-ssh</id>
              <username>deploy</username>
        T|      <privateKey>${user.home}/.ssh/id_rsa</privateKey>
        S|      <passphrase>«pp»</passphrase>
            </server>
            <!--
            <server>
              <id>example</id>
              <username>your-username</username>
        T|      <password>your-password</password>
            </server>
            -->
          </servers>

          <mirrors>
            <mirror>
              <id>«org»-central</id>
              <mirrorOf>central</mirrorOf>
              <url>https://«nexus»/repository/maven-public/</url>
            </mirror>
          </mirrors>

          <profiles>
            <profile>
              <id>sonar</id>
              <properties>
                <sonar.host.url>https://sonar.«dom»</sonar.host.url>
        S|        <sonar.login>«sonar»</sonar.login>
        T|        <gpg.keyname>«gpgid»</gpg.keyname>
        S|        <gpg.passphrase>«gpgpp»</gpg.passphrase>
              </properties>
            </profile>
          </profiles>
          <activeProfiles>
            <activeProfile>sonar</activeProfile>
          </activeProfiles>
        </settings>
    ''', org=w.org, user=w.user, pw1=password(F_XML), first=w.first, pw2=password(F_XML), gh=ghp(),
          pp=human_pw(F_XML), nexus=nexus, dom=w.dom, sonar=sonar_token(), gpgid=rs(HEXU, 16),
          gpgpp=password(F_XML))

    w = Who()
    d = Doc("maven-gradle", "maven", f"var/lib/jenkins/.m2/settings.xml")
    d.tpl('''
        <settings>
          <!-- Jenkins build agents. Credentials injected by the config-file-provider plugin ... mostly -->
          <servers>
            <server>
              <id>nexus</id>
              <username>jenkins</username>
        T|      <password>${env.MAVEN_REPO_PASS}</password>
            </server>
            <server>
              <id>docker-registry</id>
              <username>jenkins</username>
        S|      <password>«pw»</password>
              <configuration>
                <email>ci@«dom»</email>
              </configuration>
            </server>
            <server>
              <id>artifactory</id>
              <username>ci-bot</username>
        S|      <password>«ak»</password>
            </server>
            <server>
              <id>site</id>
              <username>ci-bot</username>
        T|      <password></password>
        T|      <filePermissions>664</filePermissions>
            </server>
          </servers>
          <pluginGroups>
            <pluginGroup>org.sonarsource.scanner.maven</pluginGroup>
          </pluginGroups>
          <proxies>
            <proxy>
              <id>corp</id>
              <active>true</active>
              <protocol>http</protocol>
              <host>proxy.«dom»</host>
              <port>3128</port>
              <username>svc-jenkins</username>
        S|      <password>«proxypw»</password>
              <nonProxyHosts>localhost|*.«dom»</nonProxyHosts>
            </proxy>
          </proxies>
        </settings>
    ''', pw=password(F_XML), dom=w.dom, ak=artifactory_key(), proxypw=password(F_XML))

    w = Who()
    d = Doc("maven-gradle", "gradle", f"{w.home}/.gradle/gradle.properties")
    d.tpl('''
        org.gradle.jvmargs=-Xmx4g -XX:MaxMetaspaceSize=1g -Dfile.encoding=UTF-8
        org.gradle.parallel=true
        org.gradle.caching=true
        org.gradle.daemon=true
        T|org.gradle.configuration-cache=true

        # Sonatype OSSRH / Maven Central
        ossrhUsername=«first»
        S|ossrhPassword=«pw»
        T|sonatypeStagingProfileId=«prof»

        # artifact signing
        T|signing.keyId=«kid»
        S|signing.password=«spw»
        T|signing.secretKeyRingFile=/Users/«first»/.gnupg/secring.gpg

        # internal repo
        «org»RepoUser=«user»
        S|«org»RepoPassword=«rpw»
        T|«org»RepoToken=${System.env.REPO_TOKEN}

        # Play Store / Firebase
        S|firebaseAppDistributionToken=«fat»
        T|PLAY_STORE_TRACK=internal
        S|RELEASE_STORE_PASSWORD=«rsp»
        S|RELEASE_KEY_PASSWORD=«rkp»
        RELEASE_KEY_ALIAS=upload
        T|RELEASE_STORE_FILE=../keystores/upload-keystore.jks

        android.useAndroidX=true
        kotlin.code.style=official
        T|systemProp.gradle.wrapperUser=
        T|systemProp.gradle.wrapperPassword=
    ''', first=w.first, pw=password(F_INI), prof=rs(HEXL, 13), kid=rs(HEXU, 8), spw=human_pw(F_INI),
          org=w.org, user=w.user, rpw=password(F_INI), fat=reg("1//0" + rs(B64URL, 99)),
          rsp=password(F_INI), rkp=password(F_INI))


# ===========================================================================
# NuGet
# ===========================================================================

def dpapi_blob():
    return reg("AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAA" + b64(rb(R.choice([187, 199, 229]))))


def g_nuget():
    w = Who()
    d = Doc("nuget", "nuget", f"code/{w.org}.{w.app.capitalize()}/NuGet.config")
    d.tpl('''
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
            <add key="«org»-feed" value="https://pkgs.dev.azure.com/«org»/_packaging/«org»-feed/nuget/v3/index.json" />
            <add key="github" value="https://nuget.pkg.github.com/«org»/index.json" />
            <add key="telerik" value="https://nuget.telerik.com/v3/index.json" />
          </packageSources>
          <packageSourceCredentials>
            <«org»-feed>
              <add key="Username" value="build@«dom»" />
        S|      <add key="ClearTextPassword" value="«ado»" />
            </«org»-feed>
            <github>
              <add key="Username" value="«first»" />
        T|      <add key="ClearTextPassword" value="%GITHUB_PACKAGES_PAT%" />
            </github>
            <telerik>
              <add key="Username" value="«email»" />
        S|      <add key="ClearTextPassword" value="«tpw»" />
            </telerik>
          </packageSourceCredentials>
          <packageSourceMapping>
            <packageSource key="nuget.org">
              <package pattern="*" />
            </packageSource>
            <packageSource key="«org»-feed">
              <package pattern="«Org».*" />
            </packageSource>
          </packageSourceMapping>
          <config>
        T|    <add key="signatureValidationMode" value="require" />
            <add key="defaultPushSource" value="https://pkgs.dev.azure.com/«org»/_packaging/«org»-feed/nuget/v3/index.json" />
          </config>
          <trustedSigners>
            <author name="microsoft">
        T|      <certificate fingerprint="«fp1»" hashAlgorithm="SHA256" allowUntrustedRoot="false" />
            </author>
            <repository name="nuget.org" serviceIndex="https://api.nuget.org/v3/index.json">
        T|      <certificate fingerprint="«fp2»" hashAlgorithm="SHA256" allowUntrustedRoot="false" />
              <owners>Microsoft;aspnet;dotnetframework</owners>
            </repository>
          </trustedSigners>
        </configuration>
    ''', org=w.org.lower(), Org=w.org.capitalize(), dom=w.dom, ado=ado_pat(), first=w.first,
          email=w.email, tpw=password(F_XML), fp1=rs(HEXU, 64), fp2=rs(HEXU, 64))

    w = Who()
    d = Doc("nuget", "nuget", f"Users/{w.first}/AppData/Roaming/NuGet/NuGet.Config")
    d.tpl('''
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
            <add key="Microsoft Visual Studio Offline Packages" value="C:\\Program Files (x86)\\Microsoft SDKs\\NuGetPackages\\" />
            <add key="«org»-proget" value="https://proget.«dom»/nuget/internal/v3/index.json" />
          </packageSources>
          <packageSourceCredentials>
            <«org»-proget>
              <add key="Username" value="«dom_user»" />
        S|      <add key="Password" value="«dpapi1»" />
            </«org»-proget>
          </packageSourceCredentials>
          <apikeys>
        S|    <add key="https://www.nuget.org" value="«dpapi2»" />
        S|    <add key="https://proget.«dom»/nuget/internal" value="«ngk»" />
          </apikeys>
          <config>
            <add key="globalPackagesFolder" value="D:\\nuget\\packages" />
            <add key="http_proxy" value="http://proxy.«dom»:8080" />
            <add key="http_proxy.user" value="«dom_user»" />
        S|    <add key="http_proxy.password" value="«proxypw»" />
        T|    <add key="signatureValidationMode" value="require" />
          </config>
          <packageRestore>
            <add key="enabled" value="True" />
            <add key="automatic" value="True" />
          </packageRestore>
          <bindingRedirects>
            <add key="skip" value="False" />
          </bindingRedirects>
          <packageManagement>
            <add key="format" value="0" />
            <add key="disabled" value="False" />
          </packageManagement>
          <disabledPackageSources>
            <add key="Microsoft Visual Studio Offline Packages" value="true" />
          </disabledPackageSources>
        </configuration>
    ''', org=w.org.lower(), dom=w.dom, dom_user=f"{w.org.upper()}\\{w.first}", dpapi1=dpapi_blob(),
          dpapi2=dpapi_blob(), ngk=nuget_key(), proxypw=password(F_XML))


# ===========================================================================
# SQL dumps
# ===========================================================================

def sql_date():
    return f"20{R.randrange(19, 24)}-{R.randrange(1, 13):02d}-{R.randrange(1, 29):02d} {R.randrange(0, 24):02d}:{R.randrange(0, 60):02d}:{R.randrange(0, 60):02d}"


def person():
    f, l = pick(FIRST), pick(LAST)
    return f, l


def g_sql():
    # ---- mysqldump of a Laravel app ------------------------------------------------
    w = Who()
    db = w.app
    d = Doc("sql-dump", "sqldump", f"backups/{db}-{R.randrange(2022, 2024)}{R.randrange(1, 13):02d}{R.randrange(1, 29):02d}.sql")
    d.tpl('''
        -- MySQL dump 10.13  Distrib 8.0.35, for Linux (x86_64)
        --
        -- Host: localhost    Database: «db»
        -- ------------------------------------------------------
        -- Server version	8.0.35-0ubuntu0.22.04.1

        /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
        /*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
        /*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
        /*!50503 SET NAMES utf8mb4 */;
        /*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
        /*!40103 SET TIME_ZONE='+00:00' */;
        /*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
        /*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;

        --
        -- Table structure for table `users`
        --

        DROP TABLE IF EXISTS `users`;
        CREATE TABLE `users` (
          `id` bigint unsigned NOT NULL AUTO_INCREMENT,
          `name` varchar(255) COLLATE utf8mb4_unicode_ci NOT NULL,
          `email` varchar(255) COLLATE utf8mb4_unicode_ci NOT NULL,
          `email_verified_at` timestamp NULL DEFAULT NULL,
        T|  `password` varchar(255) COLLATE utf8mb4_unicode_ci DEFAULT NULL,
        T|  `password_changed_at` timestamp NULL DEFAULT NULL,
          `remember_token` varchar(100) COLLATE utf8mb4_unicode_ci DEFAULT NULL,
          `created_at` timestamp NULL DEFAULT NULL,
          `updated_at` timestamp NULL DEFAULT NULL,
          PRIMARY KEY (`id`),
          UNIQUE KEY `users_email_unique` (`email`)
        ) ENGINE=InnoDB AUTO_INCREMENT=12 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

        --
        -- Dumping data for table `users`
        --

        LOCK TABLES `users` WRITE;
        /*!40000 ALTER TABLE `users` DISABLE KEYS */;
    ''', db=db)
    for i in range(1, 10):
        f, l = person()
        dt = sql_date()
        if i in (4, 8):
            d.t(f"INSERT INTO `users` VALUES ({i},'{f.capitalize()} {l.capitalize()}','{f}.{l}@{w.dom}',NULL,NULL,NULL,NULL,'{dt}','{dt}');")
        else:
            hv = h_bcrypt(pick(["2y", "2y", "2b"]), pick([10, 10, 12]))
            d.s(f"INSERT INTO `users` VALUES ({i},'{f.capitalize()} {l.capitalize()}','{f}.{l}@{w.dom}','{dt}','{hv}','{sql_date()}',NULL,'{dt}','{dt}');")
    d.tpl('''
        /*!40000 ALTER TABLE `users` ENABLE KEYS */;
        UNLOCK TABLES;

        --
        -- Dumping data for table `migrations`
        --

        LOCK TABLES `migrations` WRITE;
        INSERT INTO `migrations` VALUES (1,'2014_10_12_000000_create_users_table',1);
        T|INSERT INTO `migrations` VALUES (2,'2014_10_12_100000_create_password_reset_tokens_table',1);
        INSERT INTO `migrations` VALUES (3,'2019_08_19_000000_create_failed_jobs_table',1);
        T|INSERT INTO `migrations` VALUES (4,'2019_12_14_000001_create_personal_access_tokens_table',1);
        T|INSERT INTO `migrations` VALUES (5,'2023_02_01_101500_add_password_changed_at_to_users',2);
        UNLOCK TABLES;

        --
        -- Dumping data for table `uploads`
        --

        LOCK TABLES `uploads` WRITE;
    ''')
    for i in range(1, 6):
        d.t(f"INSERT INTO `uploads` VALUES ({i},'{uuid4()}','invoices/{R.randrange(2019, 2024)}-{R.randrange(1, 13):02d}.pdf','application/pdf',{R.randrange(10000, 900000)},'{sha256hex()}','{sql_date()}');")
    d.tpl('''
        UNLOCK TABLES;
        /*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;
        /*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;

        -- ---------------------------------------------------------------
        -- accounts (appended by ops/provision.sh)
        -- ---------------------------------------------------------------
        S|CREATE USER '«db»_app'@'%' IDENTIFIED BY '«pw1»';
        GRANT SELECT, INSERT, UPDATE, DELETE ON `«db»`.* TO '«db»_app'@'%';
        S|CREATE USER 'report'@'10.%' IDENTIFIED WITH mysql_native_password AS '«h41»';
        GRANT SELECT ON `«db»`.* TO 'report'@'10.%';
        S|ALTER USER 'root'@'localhost' IDENTIFIED WITH caching_sha2_password BY '«pw2»';
        T|CREATE USER 'ops'@'localhost' IDENTIFIED WITH auth_socket;
        T|SET GLOBAL validate_password.length = 14;
        FLUSH PRIVILEGES;

        -- Dump completed on «dt»
    ''', db=db, pw1=password(F_SQL), h41=h_mysql41(), pw2=password(F_SQL), dt=sql_date())

    # ---- pg_dumpall of a Rails app ---------------------------------------------------
    w = Who()
    db = w.app
    d = Doc("sql-dump", "pgdump", f"var/backups/postgres/{db}_all.sql")
    d.tpl('''
        --
        -- PostgreSQL database cluster dump
        --

        SET default_transaction_read_only = off;

        SET client_encoding = 'UTF8';
        SET standard_conforming_strings = on;

        --
        -- Roles
        --

        CREATE ROLE «db»;
        S|ALTER ROLE «db» WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS PASSWORD '«scram1»';
        CREATE ROLE postgres;
        S|ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS PASSWORD '«md5»';
        CREATE ROLE readonly;
        T|ALTER ROLE readonly WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB NOLOGIN NOREPLICATION NOBYPASSRLS;
        CREATE ROLE replicator;
        S|ALTER ROLE replicator WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN REPLICATION NOBYPASSRLS PASSWORD '«scram2»';
        CREATE ROLE metabase;
        S|ALTER ROLE metabase WITH LOGIN PASSWORD '«plain»';
        T|ALTER ROLE metabase SET password_encryption TO 'scram-sha-256';
        GRANT readonly TO metabase GRANTED BY postgres;

        --
        -- PostgreSQL database dump
        --

        \\connect «db»

        SET statement_timeout = 0;
        SET lock_timeout = 0;
        SELECT pg_catalog.set_config('search_path', '', false);

        --
        -- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: «db»
        --

        COPY public.users (id, email, encrypted_password, reset_password_sent_at, sign_in_count, created_at, updated_at) FROM stdin;
    ''', db=db, scram1=h_scram(), md5=h_pgmd5(), scram2=h_scram(), plain=password(F_SQL))
    for i in range(1, 10):
        f, l = person()
        dt = sql_date()
        if i in (3, 5):
            d.t(f"{i}\t{f}.{l}@{w.dom}\t\t\\N\t0\t{dt}\t{dt}")
        else:
            d.s(f"{i}\t{f}.{l}@{w.dom}\t{h_bcrypt('2a', pick([11, 12]))}\t\\N\t{R.randrange(1, 400)}\t{dt}\t{dt}")
    d.n("\\.")
    d.n("")
    d.n("")
    d.n("COPY public.active_storage_blobs (id, key, filename, content_type, byte_size, checksum, created_at) FROM stdin;")
    for i in range(1, 6):
        d.t(f"{i}\t{rs(LOALNUM, 28)}\t{pick(['avatar', 'logo', 'scan', 'photo'])}_{i}.{pick(['png', 'jpg'])}\timage/png\t{R.randrange(2000, 500000)}\t{b64(rb(16))}\t{sql_date()}")
    d.n("\\.")
    d.n("")
    d.n("COPY public.schema_migrations (version) FROM stdin;")
    for _ in range(4):
        d.n(f"20{R.randrange(19, 24)}{R.randrange(1, 13):02d}{R.randrange(1, 29):02d}{R.randrange(100000, 235959)}")
    d.n("\\.")
    d.n("")
    d.n("--")
    d.n("-- PostgreSQL database dump complete")
    d.n("--")

    # ---- phpMyAdmin export of a legacy forum -----------------------------------------
    w = Who()
    d = Doc("sql-dump", "sqldump", f"www/{w.org}-forum/install/forum_backup.sql")
    d.tpl('''
        -- phpMyAdmin SQL Dump
        -- version 4.9.5
        -- https://www.phpmyadmin.net/
        --
        -- Host: localhost
        -- Generation Time: Mar 14, 2021 at 09:12 PM
        -- Server version: 5.7.33-0ubuntu0.16.04.1
        -- PHP Version: 7.4.16

        SET SQL_MODE = "NO_AUTO_VALUE_ON_ZERO";
        START TRANSACTION;
        SET time_zone = "+00:00";

        -- --------------------------------------------------------

        --
        -- Table structure for table `members`
        --

        CREATE TABLE `members` (
          `member_id` int(11) NOT NULL,
          `username` varchar(64) NOT NULL,
        T|  `pass_md5` char(32) NOT NULL,
          `email` varchar(128) NOT NULL,
        T|  `gravatar_md5` char(32) DEFAULT NULL,
          `joined` int(11) NOT NULL
        ) ENGINE=MyISAM DEFAULT CHARSET=latin1;

        --
        -- Dumping data for table `members`
        --

        INSERT INTO `members` (`member_id`, `username`, `pass_md5`, `email`, `gravatar_md5`, `joined`) VALUES
    ''')
    n = 9
    for i in range(1, n + 1):
        f, l = person()
        grav = f"'{md5hex()}'" if chance(0.6) else "NULL"
        end = "," if i < n else ";"
        d.s(f"({i}, '{f}{R.randrange(1, 99) if chance(.5) else ''}', '{h_md5()}', '{f}.{l}@{pick(['gmail.com', 'yahoo.com', 'web.de', 'hotmail.com'])}', {grav}, {R.randrange(1262304000, 1600000000)}){end}")
    d.tpl('''

        -- --------------------------------------------------------

        CREATE TABLE `admins` (
          `id` int(11) NOT NULL,
          `login` varchar(32) NOT NULL,
        T|  `password_sha1` char(40) NOT NULL,
          `last_ip` varchar(45) DEFAULT NULL
        ) ENGINE=MyISAM DEFAULT CHARSET=latin1;

        INSERT INTO `admins` (`id`, `login`, `password_sha1`, `last_ip`) VALUES
        S|(1, 'root', '«s1»', '«ip1»'),
        S|(2, 'moderator', '«s2»', '«ip2»');

        -- --------------------------------------------------------

        CREATE TABLE `settings` (
          `name` varchar(64) NOT NULL,
          `value` text NOT NULL
        ) ENGINE=MyISAM DEFAULT CHARSET=latin1;

        INSERT INTO `settings` (`name`, `value`) VALUES
        ('site_name', '«Org» Community'),
        S|('smtp_password', '«smtp»'),
        T|('smtp_password_hint', 'ask Dave'),
        T|('recaptcha_public', '6L«rc»'),
        T|('min_password_length', '6'),
        T|('last_cron_sha', '«sha»'),
        T|('header_color', '«col»'),
        T|('api_key_placeholder', 'your-api-key-here'),
        T|('password_reset_ttl', '3600'),
        T|('install_id', '«inst»');

        ALTER TABLE `members`
          ADD PRIMARY KEY (`member_id`);
        COMMIT;
    ''', s1=h_sha1(), s2=h_sha1(), ip1=f"82.{R.randrange(0, 255)}.{R.randrange(0, 255)}.{R.randrange(1, 254)}",
          ip2=f"91.{R.randrange(0, 255)}.{R.randrange(0, 255)}.{R.randrange(1, 254)}", Org=w.org.capitalize(),
          smtp=password(F_SQL), rc=rs(B64URL, 38), sha=git_sha(), col=css_color(), inst=uuid4())

    # ---- sqlite3 .dump of a Django dev db ---------------------------------------------
    w = Who()
    d = Doc("sql-dump", "sqlite", f"code/{w.app}/fixtures/dev_db_dump.sql")
    d.tpl('''
        PRAGMA foreign_keys=OFF;
        BEGIN TRANSACTION;
        CREATE TABLE IF NOT EXISTS "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" datetime NOT NULL);
        INSERT INTO django_migrations VALUES(1,'contenttypes','0001_initial','«d1»');
        INSERT INTO django_migrations VALUES(2,'auth','0001_initial','«d1»');
        T|INSERT INTO django_migrations VALUES(3,'auth','0009_alter_user_last_name_max_length','«d1»');
        INSERT INTO django_migrations VALUES(4,'admin','0001_initial','«d1»');
        INSERT INTO django_migrations VALUES(5,'sessions','0001_initial','«d1»');
        T|CREATE TABLE IF NOT EXISTS "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL, "last_login" datetime NULL, "is_superuser" bool NOT NULL, "username" varchar(150) NOT NULL UNIQUE, "first_name" varchar(150) NOT NULL, "last_name" varchar(150) NOT NULL, "email" varchar(254) NOT NULL, "is_staff" bool NOT NULL, "is_active" bool NOT NULL, "date_joined" datetime NOT NULL);
    ''', d1=sql_date())
    for i in range(1, 7):
        f, l = person()
        dt = sql_date()
        if i in (3, 6):
            d.t(f"INSERT INTO auth_user VALUES({i},'!{rs(ALNUM, 40)}',NULL,0,'{f}_{l}','{f.capitalize()}','{l.capitalize()}','{f}@{w.dom}',0,1,'{dt}');")
        else:
            hv = h_django_pbkdf2() if i != 4 else reg("argon2" + h_argon2())
            d.s(f"INSERT INTO auth_user VALUES({i},'{hv}','{sql_date()}',{1 if i == 1 else 0},'{f if i > 1 else 'admin'}','{f.capitalize()}','{l.capitalize()}','{f}@{w.dom}',{1 if i < 3 else 0},1,'{dt}');")
    d.tpl('''
        CREATE TABLE IF NOT EXISTS "core_apikey" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(64) NOT NULL, "prefix" varchar(8) NOT NULL, "key" varchar(64) NOT NULL, "created" datetime NOT NULL);
        S|INSERT INTO core_apikey VALUES(1,'zapier','«p1»','«k1»','«d»');
        S|INSERT INTO core_apikey VALUES(2,'mobile-app','«p2»','«k2»','«d»');
        CREATE TABLE IF NOT EXISTS "core_upload" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "file" varchar(100) NOT NULL, "sha256" varchar(64) NOT NULL);
        T|INSERT INTO core_upload VALUES(1,'uploads/2023/contract.pdf','«h1»');
        T|INSERT INTO core_upload VALUES(2,'uploads/2023/logo.svg','«h2»');
        DELETE FROM sqlite_sequence;
        INSERT INTO sqlite_sequence VALUES('django_migrations',5);
        INSERT INTO sqlite_sequence VALUES('auth_user',6);
        COMMIT;
    ''', p1=rs(ALNUM, 8), k1=alnum_secret(48), p2=rs(ALNUM, 8), k2=alnum_secret(48), d=sql_date(),
          h1=sha256hex(), h2=sha256hex())


# ===========================================================================
# /etc/shadow and /etc/passwd
# ===========================================================================

DEBIAN_SYS = [("root", 0, "/root", "/bin/bash"), ("daemon", 1, "/usr/sbin", "/usr/sbin/nologin"),
              ("bin", 2, "/bin", "/usr/sbin/nologin"), ("sys", 3, "/dev", "/usr/sbin/nologin"),
              ("sync", 4, "/bin", "/bin/sync"), ("games", 5, "/usr/games", "/usr/sbin/nologin"),
              ("man", 6, "/var/cache/man", "/usr/sbin/nologin"), ("lp", 7, "/var/spool/lpd", "/usr/sbin/nologin"),
              ("mail", 8, "/var/mail", "/usr/sbin/nologin"), ("news", 9, "/var/spool/news", "/usr/sbin/nologin"),
              ("uucp", 10, "/var/spool/uucp", "/usr/sbin/nologin"), ("proxy", 13, "/bin", "/usr/sbin/nologin"),
              ("www-data", 33, "/var/www", "/usr/sbin/nologin"), ("backup", 34, "/var/backups", "/usr/sbin/nologin"),
              ("list", 38, "/var/list", "/usr/sbin/nologin"), ("irc", 39, "/run/ircd", "/usr/sbin/nologin"),
              ("_apt", 42, "/nonexistent", "/usr/sbin/nologin"), ("nobody", 65534, "/nonexistent", "/usr/sbin/nologin")]
DEBIAN_SVC = [("systemd-network", 998, "/", "/usr/sbin/nologin"), ("systemd-timesync", 997, "/", "/usr/sbin/nologin"),
              ("messagebus", 100, "/nonexistent", "/usr/sbin/nologin"), ("sshd", 101, "/run/sshd", "/usr/sbin/nologin"),
              ("postgres", 102, "/var/lib/postgresql", "/bin/bash"), ("redis", 103, "/var/lib/redis", "/usr/sbin/nologin"),
              ("_chrony", 104, "/var/lib/chrony", "/usr/sbin/nologin"), ("tss", 105, "/var/lib/tpm", "/bin/false"),
              ("uuidd", 106, "/run/uuidd", "/usr/sbin/nologin"), ("tcpdump", 107, "/nonexistent", "/usr/sbin/nologin"),
              ("landscape", 108, "/var/lib/landscape", "/usr/sbin/nologin"), ("pollinate", 109, "/var/cache/pollinate", "/bin/false"),
              ("fwupd-refresh", 110, "/run/systemd", "/usr/sbin/nologin"), ("usbmux", 111, "/var/lib/usbmux", "/usr/sbin/nologin")]
RHEL_SYS = [("root", 0, "/root", "/bin/bash"), ("bin", 1, "/bin", "/sbin/nologin"),
            ("daemon", 2, "/sbin", "/sbin/nologin"), ("adm", 3, "/var/adm", "/sbin/nologin"),
            ("lp", 4, "/var/spool/lpd", "/sbin/nologin"), ("sync", 5, "/sbin", "/bin/sync"),
            ("shutdown", 6, "/sbin", "/sbin/shutdown"), ("halt", 7, "/sbin", "/sbin/halt"),
            ("mail", 8, "/var/spool/mail", "/sbin/nologin"), ("operator", 11, "/root", "/sbin/nologin"),
            ("games", 12, "/usr/games", "/sbin/nologin"), ("ftp", 14, "/var/ftp", "/sbin/nologin"),
            ("nobody", 99, "/", "/sbin/nologin"), ("systemd-network", 192, "/", "/sbin/nologin"),
            ("dbus", 81, "/", "/sbin/nologin"), ("polkitd", 999, "/", "/sbin/nologin"),
            ("sshd", 74, "/var/empty/sshd", "/sbin/nologin"), ("postfix", 89, "/var/spool/postfix", "/sbin/nologin"),
            ("chrony", 998, "/var/lib/chrony", "/sbin/nologin"), ("apache", 48, "/usr/share/httpd", "/sbin/nologin"),
            ("mysql", 27, "/var/lib/mysql", "/sbin/nologin"), ("tss", 59, "/dev/null", "/sbin/nologin"),
            ("rpc", 32, "/var/lib/rpcbind", "/sbin/nologin"), ("rpcuser", 29, "/var/lib/nfs", "/sbin/nologin"),
            ("nfsnobody", 65534, "/var/lib/nfs", "/sbin/nologin"), ("ntp", 38, "/etc/ntp", "/sbin/nologin")]


def shadow_line(name, hashv, day):
    return f"{name}:{hashv}:{day}:0:99999:7:::"


def g_shadow():
    # Debian 12 (yescrypt)
    day = R.randrange(19300, 19700)
    d = Doc("shadow", "shadow", "etc/shadow")
    for name, *_ in DEBIAN_SYS:
        if name == "root":
            d.s(shadow_line("root", h_yescrypt(), day))
        else:
            d.t(shadow_line(name, "*", day))
    for name, *_ in DEBIAN_SVC:
        d.t(f"{name}:{pick(['!', '!*'])}:{day}::::::")
    for i in range(5):
        u = pick(FIRST) + ("" if chance(.5) else pick(LAST)[0])
        if i == 3:
            d.t(f"{u}:!:{day + R.randrange(1, 200)}:0:99999:7:::")
        elif i == 4:
            d.s(shadow_line(u, h_sha512crypt(), day + R.randrange(1, 300)))
        else:
            d.s(shadow_line(u, h_yescrypt(), day + R.randrange(1, 300)))
    d.t(f"deploy:*:{day + 12}:0:99999:7:::")

    # RHEL / CentOS 7 ($6$ and !!)
    day = R.randrange(17500, 18500)
    d = Doc("shadow", "shadow", "etc/shadow")
    for name, *_ in RHEL_SYS:
        if name == "root":
            d.s(f"root:{h_sha512crypt()}::0:99999:7:::")
        elif name in ("apache", "mysql", "chrony", "polkitd"):
            d.t(f"{name}:!!:{day}::::::")
        else:
            d.t(f"{name}:*:{day}:0:99999:7:::")
    d.t(f"centos:!!:{day}:0:99999:7:::")
    for i in range(4):
        u = pick(FIRST) + pick(LAST)[:3]
        d.s(f"{u}:{h_sha512crypt()}:{day + R.randrange(10, 900)}:0:90:7:::")
    d.t(f"svc_nagios:!!:{day + 40}::::::")
    d.t(f"jenkins:!*LK*:{day + 41}::::::")

    # old box: md5crypt / sha256crypt mix
    day = R.randrange(14000, 16000)
    d = Doc("shadow", "shadow", "var/backups/shadow.bak")
    d.s(f"root:{h_md5crypt()}:{day}:0:99999:7:::")
    for name, *_ in DEBIAN_SYS[1:12]:
        d.t(f"{name}:*:{day}:0:99999:7:::")
    d.t(f"libuuid:!:{day}:0:99999:7:::")
    d.t(f"syslog:*:{day}:0:99999:7:::")
    for i in range(4):
        u = pick(FIRST)
        hv = h_md5crypt() if i % 2 == 0 else h_sha256crypt()
        d.s(f"{u}:{hv}:{day + R.randrange(1, 800)}:0:99999:7:::")
    d.t(f"ftpuser:!:{day + 3}:0:99999:7:::")
    d.t(f"nobody:*:{day}:0:99999:7:::")


def passwd_line(name, uid, home, shell, gecos=""):
    gid = uid
    return f"{name}:x:{uid}:{gid}:{gecos}:{home}:{shell}"


def g_passwd():
    d = Doc("passwd", "passwd", "etc/passwd")
    for name, uid, home, shell in DEBIAN_SYS + DEBIAN_SVC:
        gecos = {"root": "root", "www-data": "www-data", "nobody": "nobody",
                 "postgres": "PostgreSQL administrator,,,"}.get(name, name.capitalize())
        d.t(passwd_line(name, uid, home, shell, gecos))
    for i in range(4):
        f, l = person()
        d.t(passwd_line(f, 1000 + i, f"/home/{f}", pick(["/bin/bash", "/usr/bin/zsh"]), f"{f.capitalize()} {l.capitalize()},,,"))
    d.t(passwd_line("deploy", 1100, "/home/deploy", "/bin/bash", "Deploy user"))

    d = Doc("passwd", "passwd", "etc/passwd")
    for name, uid, home, shell in RHEL_SYS:
        d.t(passwd_line(name, uid, home, shell, name.capitalize() if name != "nobody" else "Nobody"))
    for i in range(3):
        f, l = person()
        d.t(passwd_line(f + l[:3], 1000 + i, f"/home/{f + l[:3]}", "/bin/bash", f"{f.capitalize()} {l.capitalize()}"))


# ===========================================================================
# PuTTY keys
# ===========================================================================

def g_ppk():
    specs = [(2, "rsa", False, 2048, "Users/{f}/Documents/PuTTY/prod-web.ppk", "rsa-key-2019{m:02d}{d:02d}"),
             (3, "ed25519", True, 0, "{home}/.ssh/deploy.ppk", "eddsa-key-2023{m:02d}{d:02d}"),
             (3, "rsa", False, 2048, "Users/{f}/keys/{org}-bastion.ppk", "imported-openssh-key"),
             (2, "ecdsa", True, 0, "Users/{f}/Desktop/jump-host.ppk", "ecdsa-key-2021{m:02d}{d:02d}")]
    for ver, kind, enc, bits, path, comment in specs:
        w = Who()
        p = path.format(f=w.first, home=w.home, org=w.org)
        d = Doc("putty-ppk", "ppk", p)
        d.s(ppk(ver, kind, enc, comment.format(m=R.randrange(1, 13), d=R.randrange(1, 29)), bits or 2048))


# ===========================================================================
# PEM / OpenSSH keys, certificates, authorized_keys
# ===========================================================================

def g_pem():
    w = Who()
    d = Doc("pem-key", "sshkey", f"{w.home}/.ssh/id_rsa")
    d.s(openssh_private("rsa", f"{w.user}@{pick(['laptop', 'dev-vm', 'thinkpad', 'mbp'])}", bits=3072))

    w = Who()
    d = Doc("pem-key", "sshkey", f"{w.home}/.ssh/id_ed25519")
    d.s(openssh_private("ed25519", w.email, encrypted=True))

    w = Who()
    d = Doc("pem-key", "tlskey", "etc/ssl/private/server.key")
    d.s(pem("RSA PRIVATE KEY", rsa_pkcs1(2048)))

    # pkcs12 -nodes output: bag attributes, leaf + intermediate cert, EC key
    w = Who()
    cn = f"api.{w.dom}"
    d = Doc("pem-key", "bundle", f"deploy/certs/{cn}.pem")
    d.t("Bag Attributes")
    d.t(f"    localKeyID: {' '.join(rs(HEXU, 2) for _ in range(20))}")
    d.t(f"subject=CN = {cn}")
    d.t("issuer=C = US, O = Let's Encrypt, CN = R3")
    d.t(cert_pem(cn, "R3", "Let's Encrypt", ec=True))
    d.t("Bag Attributes: <No Attributes>")
    d.t("subject=C = US, O = Let's Encrypt, CN = R3")
    d.t("issuer=C = US, O = Internet Security Research Group, CN = ISRG Root X1")
    d.t(cert_pem("R3", "ISRG Root X1", "Internet Security Research Group"))
    d.n("Bag Attributes")
    d.t(f"    localKeyID: {' '.join(rs(HEXU, 2) for _ in range(20))}")
    d.n("Key Attributes: <No Attributes>")
    d.s(pem("EC PRIVATE KEY", ec_sec1()))

    w = Who()
    d = Doc("pem-key", "tlskey", f"srv/{w.app}/keys/jwt-signing.key")
    d.s(pem("ENCRYPTED PRIVATE KEY", pkcs8_encrypted()))
    d.t(public_key_pem())

    w = Who()
    d = Doc("pem-key", "tlskey", f"etc/nginx/ssl/{w.dom}.key")
    iv = rs(HEXU, 32)
    lines = pem("RSA PRIVATE KEY", rb(1216), headers=["Proc-Type: 4,ENCRYPTED", f"DEK-Info: AES-256-CBC,{iv}", ""])
    d.s(lines)

    w = Who()
    d = Doc("pem-key", "tlskey", f"opt/{w.app}/config/saml/sp-key.pem")
    d.t("# SAML SP signing key pair (generated 2023-01-09, valid 10y)")
    d.s(pem("PRIVATE KEY", pkcs8_rsa(2048)))
    d.t(cert_pem(f"{w.app}.{w.dom}", f"{w.app}.{w.dom}", w.org.capitalize()))

    # authorized_keys -- public keys only
    w = Who()
    d = Doc("pem-key", "authkeys", f"{w.home}/.ssh/authorized_keys")
    for _ in range(R.randrange(14, 18)):
        kind = pick(["ed25519", "rsa", "ecdsa", "ed25519"])
        c = f"{pick(FIRST)}@{pick(['laptop', 'workstation', 'ci-runner', 'jump01', 'MacBook-Pro.local'])}"
        if chance(0.25):
            d.t(f'from="10.0.0.0/8",no-agent-forwarding,no-X11-forwarding {ssh_pub_line(kind, c)}')
        elif chance(0.2):
            d.t(f'command="/usr/local/bin/backup-only",restrict {ssh_pub_line(kind, c)}')
        else:
            d.t(ssh_pub_line(kind, c))
        if chance(0.3):
            d.n(f"# added {sql_date()[:10]} ticket OPS-{R.randrange(100, 9999)}")

    w = Who()
    d = Doc("pem-key", "knownhosts", f"{w.home}/.ssh/known_hosts")
    for _ in range(R.randrange(20, 27)):
        kind = pick(["ed25519", "ecdsa", "rsa"])
        if chance(0.6):
            hostpart = f"|1|{b64(rb(20))}|{b64(rb(20))}"
        else:
            hostpart = pick([f"github.com", f"gitlab.{w.dom}", f"{w.host()},{R.randrange(10, 200)}.{R.randrange(0, 255)}.{R.randrange(0, 255)}.{R.randrange(1, 254)}", f"[{w.host('git')}]:2222"])
        d.t(f"{hostpart} {ssh_pub_line(kind)}")


# ===========================================================================
# cloud CLI credential files
# ===========================================================================

def g_cloud():
    w = Who()
    d = Doc("cloud-cli", "aws", f"{w.home}/.aws/credentials")
    d.tpl('''
        [default]
        S|aws_access_key_id = «a1»
        S|aws_secret_access_key = «s1»

        # prod (MFA-based temp creds, refreshed by aws-mfa)
        [prod]
        S|aws_access_key_id = «a2»
        S|aws_secret_access_key = «s2»
        S|aws_session_token = «tok»
        T|# expiration = «exp»

        [«org»-ci]
        S|aws_access_key_id=«a3»
        S|aws_secret_access_key=«s3»
        region=eu-west-1

        [localstack]
        T|aws_access_key_id = test
        T|aws_secret_access_key = test

        [docs-example]
        T|aws_access_key_id = «exak»
        T|aws_secret_access_key = «exsk»

        [vault]
        T|credential_process = aws-vault export --format=json «org»-admin
    ''', a1=aws_akid(), s1=aws_secret(), a2=reg("ASIA" + rs(B32, 16)), s2=aws_secret(), tok=aws_session(),
          exp=f"{sql_date().replace(' ', 'T')}Z", org=w.org, a3=aws_akid(), s3=aws_secret(),
          exak=EX_AKID, exsk=EX_AWS_SECRET)

    d = Doc("cloud-cli", "aws", f"{w.home}/.aws/config")
    acct = aws_account()
    d.tpl('''
        [default]
        region = eu-west-1
        output = json

        [profile prod]
        region = eu-west-1
        T|role_arn = arn:aws:iam::«acct»:role/OrganizationAccountAccessRole
        source_profile = default
        T|mfa_serial = arn:aws:iam::«acct2»:mfa/«user»
        T|duration_seconds = 3600

        [profile «org»-sso]
        T|sso_session = «org»
        T|sso_account_id = «acct»
        sso_role_name = PowerUserAccess
        region = us-east-1

        [sso-session «org»]
        T|sso_start_url = https://d-«dsid».awsapps.com/start
        sso_region = us-east-1
        T|sso_registration_scopes = sso:account:access

        [profile «org»-admin]
        T|credential_process = /usr/local/bin/aws-vault export --format=json «org»-admin
        T|external_id = «ext»

        [profile minio]
        endpoint_url = http://localhost:9000
        s3 =
          addressing_style = path
    ''', acct=acct, acct2=aws_account(), user=w.first, org=w.org, dsid=rs(HEXL, 10), ext=uuid4())

    w = Who()
    proj = f"{w.org}-{w.app}-{R.randrange(100000, 999999)}"
    sa = pick(["terraform", "ci-deployer", "bq-loader", w.app + "-runtime"])
    d = Doc("cloud-cli", "gcpsa", f"code/{w.app}/deploy/{proj}-{rs(HEXL, 12)}.json")
    key_body = "\\n".join(pem("PRIVATE KEY", pkcs8_rsa(2048))) + "\\n"
    d.tpl('''
        {
          "type": "service_account",
          "project_id": "«proj»",
        T|  "private_key_id": "«kid»",
        S|  "private_key": "«key»",
          "client_email": "«sa»@«proj».iam.gserviceaccount.com",
        T|  "client_id": "«cid»",
          "auth_uri": "https://accounts.google.com/o/oauth2/auth",
          "token_uri": "https://oauth2.googleapis.com/token",
          "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
          "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/«sa»%40«proj».iam.gserviceaccount.com",
          "universe_domain": "googleapis.com"
        }
    ''', proj=proj, kid=rs(HEXL, 40), key=reg(key_body), sa=sa, cid=rs(DG, 21))

    w = Who()
    d = Doc("cloud-cli", "gcloud", f"{w.home}/.config/gcloud/application_default_credentials.json")
    d.tpl('''
        {
          "account": "",
        T|  "client_id": "«cid»",
        S|  "client_secret": "«cs»",
          "quota_project_id": "«org»-shared",
        S|  "refresh_token": "«rt»",
          "type": "authorized_user",
          "universe_domain": "googleapis.com"
        }
    ''', cid=google_client_id(), cs=google_client_secret(), org=w.org, rt=reg("1//0" + rs(B64URL, 99)))

    w = Who()
    d = Doc("cloud-cli", "azure", f"code/{w.app}/infra/sp-{w.app}.json")
    d.tpl('''
        {
        T|  "appId": "«app»",
          "displayName": "sp-«name»-deploy",
        S|  "password": "«pw»",
        T|  "tenant": "«ten»"
        }
    ''', app=uuid4(), name=w.app, pw=azure_client_secret(), ten=uuid4())


# ===========================================================================
# Kubernetes
# ===========================================================================

def pem_b64(lines: list[str]) -> str:
    return b64s("\n".join(lines) + "\n")


def sa_jwt(ns: str, sa: str) -> str:
    claims = ('{"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"%s",'
              '"kubernetes.io/serviceaccount/secret.name":"%s-token-%s",'
              '"kubernetes.io/serviceaccount/service-account.name":"%s",'
              '"kubernetes.io/serviceaccount/service-account.uid":"%s","sub":"system:serviceaccount:%s:%s"}'
              % (ns, sa, rs(LOALNUM, 5), sa, uuid4(), ns, sa))
    return jwt(claims, alg="RS256", sig_len=342)


def g_k8s():
    w = Who()
    d = Doc("kubernetes", "kubeconfig", f"{w.home}/.kube/config")
    acct = aws_account()
    eks = f"https://{rs(HEXU, 32)}.gr7.eu-west-1.eks.amazonaws.com"
    d.tpl('''
        apiVersion: v1
        clusters:
        - cluster:
        T|    certificate-authority-data: «ca1»
            server: https://10.«a».0.10:6443
          name: kubernetes
        - cluster:
        T|    certificate-authority-data: «ca2»
            server: «eks»
          name: arn:aws:eks:eu-west-1:«acct»:cluster/prod
        contexts:
        - context:
            cluster: kubernetes
            user: kubernetes-admin
          name: kubernetes-admin@kubernetes
        - context:
            cluster: arn:aws:eks:eu-west-1:«acct»:cluster/prod
            namespace: «app»
            user: arn:aws:eks:eu-west-1:«acct»:cluster/prod
          name: prod
        - context:
            cluster: kubernetes
            namespace: ci
            user: ci-deployer
          name: ci@kubernetes
        current-context: kubernetes-admin@kubernetes
        kind: Config
        preferences: {}
        users:
        - name: kubernetes-admin
          user:
        T|    client-certificate-data: «cc»
        S|    client-key-data: «ck»
        - name: arn:aws:eks:eu-west-1:«acct»:cluster/prod
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
              env:
        T|      - name: AWS_PROFILE
                value: prod
        - name: ci-deployer
          user:
        S|    token: «tok»
    ''', ca1=pem_b64(cert_pem("kubernetes", "kubernetes", "")), a=R.randrange(0, 255),
          ca2=pem_b64(cert_pem("kubernetes", "kubernetes", "")), eks=eks, acct=acct, app=w.app,
          cc=pem_b64(cert_pem("kubernetes-admin", "kubernetes", "system:masters")),
          ck=reg(pem_b64(pem("RSA PRIVATE KEY", rsa_pkcs1(2048)))), tok=sa_jwt("ci", "ci-deployer"))

    w = Who()
    d = Doc("kubernetes", "kubeconfig", f"{w.home}/.kube/{w.org}-legacy.yaml")
    d.tpl('''
        # old clusters -- kept for the migration, delete after cutover
        apiVersion: v1
        kind: Config
        clusters:
        - name: onprem
          cluster:
            server: https://k8s-api.«dom»:6443
        T|    insecure-skip-tls-verify: true
        - name: gke_«proj»_europe-west3-a_main
          cluster:
        T|    certificate-authority-data: «ca»
            server: https://35.«a».«b».«c»
        users:
        - name: onprem-admin
          user:
            username: admin
        S|    password: «pw»
        - name: gke_«proj»_europe-west3-a_main
          user:
            auth-provider:
              config:
        S|        access-token: «ya29»
                cmd-args: config config-helper --format=json
                cmd-path: /usr/lib/google-cloud-sdk/bin/gcloud
                expiry: "«exp»"
                expiry-key: '{.credential.token_expiry}'
        T|        token-key: '{.credential.access_token}'
              name: gcp
        - name: robot
          user:
        T|    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
        contexts:
        - name: onprem
          context:
            cluster: onprem
            user: onprem-admin
        - name: gke
          context:
            cluster: gke_«proj»_europe-west3-a_main
            user: gke_«proj»_europe-west3-a_main
        current-context: onprem
    ''', dom=w.dom, proj=f"{w.org}-prod", ca=pem_b64(cert_pem("gke-ca", "gke-ca", "")),
          a=R.randrange(0, 255), b=R.randrange(0, 255), c=R.randrange(1, 254), pw=password(F_YAMLQ),
          ya29=reg("ya29." + rs(B64URL, 160)), exp=sql_date().replace(" ", "T") + "Z")

    w = Who()
    ns = pick(["prod", w.app, "default"])
    d = Doc("kubernetes", "k8ssecret", f"code/{w.app}/k8s/overlays/prod/secrets.yaml")
    dbuser, dbpw, dbhost = f"{w.app}_svc", password(""), w.host()
    regtok = ghp()
    dockercfg = '{"auths":{"ghcr.io":{"username":"%s","password":"%s","auth":"%s"}}}' % (
        w.first, regtok, b64s(w.first + ":" + regtok))
    d.tpl('''
        apiVersion: v1
        kind: Secret
        metadata:
          name: «app»-db
          namespace: «ns»
          labels:
            app.kubernetes.io/name: «app»
            app.kubernetes.io/part-of: «org»
        type: Opaque
        data:
        T|  DB_USER: «u»
        S|  DB_PASSWORD: «p»
        T|  DB_HOST: «h»
        T|  DB_PORT: NTQzMg==
        S|  DATABASE_URL: «url»
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: regcred
          namespace: «ns»
        type: kubernetes.io/dockerconfigjson
        data:
        S|  .dockerconfigjson: «dcj»
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: «app»-tls
          namespace: «ns»
        type: kubernetes.io/tls
        data:
        T|  tls.crt: «crt»
        S|  tls.key: «key»
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: «app»-api-keys
          namespace: «ns»
        type: Opaque
        stringData:
        S|  STRIPE_SECRET_KEY: «sk»
        T|  STRIPE_PUBLISHABLE_KEY: «pk»
        S|  SLACK_BOT_TOKEN: "«xoxb»"
        T|  SLACK_CHANNEL: "#«app»-alerts"
        S|  SENDGRID_API_KEY: «sg»
        T|  FEATURE_FLAGS: "checkout-v2,new-pricing"
    ''', app=w.app, ns=ns, org=w.org, u=b64s(dbuser), p=reg(b64s(dbpw)), h=b64s(dbhost),
          url=reg(b64s(f"postgresql://{dbuser}:{dbpw}@{dbhost}:5432/{w.app}")), dcj=reg(b64s(dockercfg)),
          crt=pem_b64(cert_pem(f"{w.app}.{w.dom}")), key=reg(pem_b64(pem("PRIVATE KEY", pkcs8_ec()))),
          sk=stripe_sk(), pk=stripe_pk(), xoxb=slack_bot(), sg=sendgrid())

    w = Who()
    d = Doc("kubernetes", "k8ssecret", f"infra/{w.org}-gitops/apps/{w.app}/secret-and-config.yaml")
    d.tpl('''
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: «app»-ci
          namespace: «app»
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: «app»-ci-token
          namespace: «app»
          annotations:
            kubernetes.io/service-account.name: «app»-ci
        type: kubernetes.io/service-account-token
        data:
        T|  ca.crt: «ca»
        T|  namespace: «nsb»
        S|  token: «tok»
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: «app»-config
          namespace: «app»
        data:
          LOG_LEVEL: info
        T|  PASSWORD_MIN_LENGTH: "12"
        T|  AUTH_TOKEN_TTL: "3600"
        T|  OAUTH_CLIENT_ID: «cid»
        T|  BUILD_SHA: «sha»
        ---
        apiVersion: external-secrets.io/v1beta1
        kind: ExternalSecret
        metadata:
          name: «app»-vault
          namespace: «app»
        spec:
          refreshInterval: 1h
          secretStoreRef:
            name: vault-backend
            kind: ClusterSecretStore
          target:
            name: «app»-runtime
          data:
        T|  - secretKey: DB_PASSWORD
            remoteRef:
              key: secret/data/«app»/db
        T|      property: password
        T|  - secretKey: API_TOKEN
            remoteRef:
              key: secret/data/«app»/api
              property: token
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: «app»-legacy
          namespace: «app»
        type: Opaque
        data:
        S|  ADMIN_PASSWORD: «adm»
        S|  REDIS_PASSWORD: «rp»
        T|  ADMIN_USER: «au»
    ''', app=w.app, ca=pem_b64(cert_pem("kubernetes", "kubernetes", "")), nsb=b64s(w.app),
          tok=reg(b64s(sa_jwt(w.app, w.app + "-ci"))), cid=uuid4(), sha=git_sha(),
          adm=reg(b64s(password(""))), rp=reg(b64s(random_pw(32))), au=b64s("admin"))

    w = Who()
    d = Doc("kubernetes", "helm", f"code/{w.app}/charts/{w.app}/values-prod.yaml")
    d.tpl('''
        # Default values for «app» (prod overrides)
        replicaCount: 3

        image:
          repository: ghcr.io/«org»/«app»
          pullPolicy: IfNotPresent
        T|  tag: "«ver»"
        T|  digest: "sha256:«dig»"

        imagePullSecrets:
        T|  - name: regcred

        serviceAccount:
          create: true
          annotations:
        T|    eks.amazonaws.com/role-arn: arn:aws:iam::«acct»:role/«app»-irsa

        env:
          - name: LOG_LEVEL
            value: info
          - name: DB_PASSWORD
            valueFrom:
              secretKeyRef:
                name: «app»-db
        T|        key: password
          - name: PAYMENTS_API_TOKEN
        S|    value: "«tok»"
          - name: SESSION_SECRET
        S|    value: «sess»

        postgresql:
          enabled: true
          auth:
            username: «app»
        S|    password: "«pgpw»"
        S|    postgresPassword: "«pgapw»"
        T|    existingSecret: ""
            database: «app»

        redis:
          enabled: true
          auth:
            enabled: true
        S|    password: «rpw»

        ingress:
          enabled: true
          className: nginx
          annotations:
            cert-manager.io/cluster-issuer: letsencrypt-prod
          hosts:
            - host: «app».«dom»
              paths:
                - path: /
                  pathType: Prefix
          tls:
        T|    - secretName: «app»-tls
              hosts:
                - «app».«dom»

        resources:
          limits:
            cpu: 500m
            memory: 512Mi
    ''', app=w.app, org=w.org, ver=version(), dig=sha256hex(), acct=aws_account(), tok=alnum_secret(40),
          sess=hex_secret(64), pgpw=password(F_JSON), pgapw=password(F_JSON), rpw=random_pw(24, forbid="#:{}[],&*!|>'\"%@`"),
          dom=w.dom)


F_YAMLQ = "\"'\\#:{}[],&*!|>%@`"


# ===========================================================================
# Terraform
# ===========================================================================

def g_terraform():
    w = Who()
    acct = aws_account()
    d = Doc("terraform", "tfvars", f"infra/{w.org}-{w.app}/envs/prod/terraform.tfvars")
    d.tpl('''
        # prod.tfvars -- applied by the ops pipeline (and occasionally by hand, sigh)
        region          = "eu-west-1"
        environment     = "prod"
        T|account_id      = "«acct»"
        vpc_cidr        = "10.«a».0.0/16"
        T|ami_id          = "ami-«ami»"
        instance_type   = "t3.large"
        min_size        = 2
        max_size        = 6
        T|ssh_public_key  = "«sshpub»"

        db_instance_class = "db.r6g.large"
        db_username       = "«app»_admin"
        S|db_password       = "«dbpw»"
        T|# db_password     = "CHANGE_ME"   <- the old placeholder, keep for the diff
        T|kms_key_arn       = "arn:aws:kms:eu-west-1:«acct»:key/«kmsid»"

        S|datadog_api_key = "«dd1»"
        S|datadog_app_key = "«dd2»"
        S|cloudflare_api_token = "«cf»"
        T|cloudflare_zone_id   = "«zone»"
        S|github_token = "«gh»"
        T|github_app_id = «ghapp»

        tags = {
          Owner       = "«first»"
          CostCenter  = "«cc»"
          ManagedBy   = "terraform"
        T|  GitCommit   = "«sha»"
        }
    ''', acct=acct, a=R.randrange(0, 255), ami=rs(HEXL, 17), sshpub=ssh_pub_line("ed25519", f"{w.first}@ops"),
          app=w.app, dbpw=password(F_JSON), kmsid=uuid4(), dd1=datadog_api(), dd2=datadog_app(),
          cf=cloudflare_token(), zone=rs(HEXL, 32), gh=gh_pat_fine(), ghapp=R.randrange(100000, 999999),
          first=w.first, cc=R.randrange(1000, 9999), sha=git_sha())

    w = Who()
    d = Doc("terraform", "tf", f"infra/{w.app}/main.tf")
    d.tpl('''
        terraform {
          required_version = ">= 1.5.0"
          required_providers {
            aws = {
              source  = "hashicorp/aws"
              version = "~> 5.0"
            }
            github = {
              source  = "integrations/github"
              version = "~> 6.0"
            }
          }
          backend "s3" {
            bucket         = "«org»-tfstate"
            key            = "«app»/terraform.tfstate"
            region         = "eu-west-1"
        T|    dynamodb_table = "tf-locks"
        T|    encrypt        = true
          }
        }

        # TODO(«first»): switch to OIDC, these are the old deploy user's keys
        provider "aws" {
          region     = var.region
        S|  access_key = "«akid»"
        S|  secret_key = "«aks»"
        }

        provider "github" {
          owner = "«org»"
        S|  token = "«gh»"
        }

        variable "region" {
          type    = string
          default = "eu-west-1"
        }

        variable "db_password" {
        T|  description = "Master password for the RDS instance"
          type        = string
        T|  sensitive   = true
        }

        resource "random_password" "app" {
        T|  length           = 32
        T|  special          = true
        T|  override_special = "!#$%&*()-_=+[]{}<>:?"
        }

        resource "aws_db_instance" "main" {
          identifier           = "«app»-prod"
          engine               = "postgres"
          engine_version       = "15.4"
          instance_class       = "db.t4g.medium"
          allocated_storage    = 50
          username             = "«app»_admin"
        T|  password             = var.db_password
          skip_final_snapshot  = false
        }

        resource "aws_ssm_parameter" "app_db_password" {
        T|  name  = "/«app»/prod/db_password"
          type  = "SecureString"
        T|  value = random_password.app.result
        }

        resource "aws_iam_access_key" "ci" {
          user = aws_iam_user.ci.name
        }

        output "ci_secret_access_key" {
        T|  value     = aws_iam_access_key.ci.secret
          sensitive = true
        }
    ''', org=w.org, app=w.app, first=w.first, akid=aws_akid(), aks=aws_secret(), gh=ghp())

    w = Who()
    d = Doc("terraform", "tf", f"infra/azure-{w.app}/providers.tf")
    d.tpl('''
        provider "azurerm" {
          features {}
        T|  subscription_id = "«sub»"
        T|  tenant_id       = "«ten»"
        T|  client_id       = "«cid»"
        S|  client_secret   = "«cs»"
        }

        provider "kubernetes" {
          host                   = azurerm_kubernetes_cluster.main.kube_config[0].host
        T|  client_certificate     = base64decode(azurerm_kubernetes_cluster.main.kube_config[0].client_certificate)
        T|  client_key             = base64decode(azurerm_kubernetes_cluster.main.kube_config[0].client_key)
        T|  cluster_ca_certificate = base64decode(azurerm_kubernetes_cluster.main.kube_config[0].cluster_ca_certificate)
        }

        resource "azurerm_mssql_server" "sql" {
          name                         = "«app»-sql-prod"
          resource_group_name          = azurerm_resource_group.main.name
          location                     = "westeurope"
          version                      = "12.0"
          administrator_login          = "sqladmin"
        S|  administrator_login_password = "«sqlpw»"
          minimum_tls_version          = "1.2"
        }

        resource "azurerm_storage_account" "logs" {
          name                     = "«app»logs«n»"
          resource_group_name      = azurerm_resource_group.main.name
          location                 = "westeurope"
          account_tier             = "Standard"
          account_replication_type = "LRS"
        }

        resource "kubernetes_secret" "app" {
          metadata {
            name      = "«app»-secrets"
            namespace = "«app»"
          }
          data = {
        T|    "username"          = "«app»"
        S|    "openai-api-key"    = "«oai»"
        S|    "storage-conn"      = "DefaultEndpointsProtocol=https;AccountName=«app»logs«n»;AccountKey=«sak»;EndpointSuffix=core.windows.net"
        T|    "storage-conn-ref"  = azurerm_storage_account.logs.primary_connection_string
          }
        }
    ''', sub=uuid4(), ten=uuid4(), cid=uuid4(), cs=azure_client_secret(), app=w.app,
          sqlpw=password(F_JSON), n=R.randrange(10, 99), oai=openai_key(), sak=azure_storage_key())


# ===========================================================================
# Ansible
# ===========================================================================

def vault_block(indent: str, nlines: int) -> list[str]:
    out = [f"{indent}$ANSIBLE_VAULT;1.1;AES256"]
    for _ in range(nlines):
        out.append(indent + rs(DG + "abcdef", 80))
    out.append(indent + rs(DG + "abcdef", R.randrange(10, 70)))
    return out


def g_ansible():
    w = Who()
    d = Doc("ansible", "ansible", f"infra/ansible/group_vars/all.yml")
    d.tpl('''
        ---
        # group_vars/all.yml
        timezone: Europe/Berlin
        ntp_servers:
          - 0.de.pool.ntp.org
          - 1.de.pool.ntp.org

        admin_users:
          - name: «u1»
        T|    ssh_key: "«k1»"
          - name: «u2»
        T|    ssh_key: "«k2»"

        S|mysql_root_password: "«mysqlpw»"
        T|mysql_app_password: "{{ vault_mysql_app_password }}"
        T|postgres_password: "{{ lookup('env', 'PG_PASSWORD') }}"
        S|smtp_relay_password: «smtp»
        smtp_relay_host: smtp.«dom»
        T|grafana_admin_user: admin
        S|grafana_admin_password: '«gf»'
        S|newrelic_license_key: «nr»
        T|password_max_age_days: 90
        T|ssh_password_authentication: "no"
    ''', u1=w.first, k1=ssh_pub_line("ed25519", f"{w.first}@laptop"), u2=pick(FIRST),
          k2=ssh_pub_line("rsa", "ops@bastion"), mysqlpw=password(F_JSON), smtp=password(F_YAMLQ),
          dom=w.dom, gf=password(F_YAMLQ), nr=reg(f"eu01xx{rs(HEXL, 34)}NRAL"))
    d.n("")
    d.t("vault_mysql_app_password: !vault |")
    d.t(vault_block("          ", R.randrange(4, 7)))

    w = Who()
    d = Doc("ansible", "ansible", f"infra/ansible/host_vars/db01.{w.dom}.yml")
    d.tpl('''
        ---
        postgresql_version: 15
        postgresql_listen_addresses: "*"
        T|postgresql_password_encryption: scram-sha-256
        postgresql_databases:
          - name: «app»
            owner: «app»
          - name: metabase
            owner: metabase

        postgresql_users:
          - name: «app»
        S|    password: "«p1»"
          - name: metabase
        S|    password: «p2»
          - name: replicator
        S|    password: "«md5»"
        T|    encrypted: true
            role_attr_flags: REPLICATION
          - name: readonly
        T|    password: "{{ vault_pg_readonly_password }}"

        postgresql_hba_entries:
          - { type: local, database: all, user: postgres, auth_method: peer }
        T|  - { type: host, database: all, user: all, address: "10.0.0.0/8", auth_method: scram-sha-256 }

        pgbackrest_repo1_s3_bucket: «org»-pg-backups
        S|pgbackrest_repo1_s3_key: «akid»
        S|pgbackrest_repo1_s3_key_secret: «aks»
        T|pgbackrest_repo1_cipher_pass: "{{ vault_pgbackrest_cipher_pass }}"
        T|pgbackrest_repo1_cipher_type: aes-256-cbc
    ''', app=w.app, p1=password(F_JSON), p2=password(F_YAMLQ), md5=h_pgmd5(), org=w.org,
          akid=aws_akid(), aks=aws_secret())

    w = Who()
    d = Doc("ansible", "inventory", "infra/ansible/inventories/prod/hosts.ini")
    d.tpl('''
        # production inventory
        [web]
        web01 ansible_host=10.0.1.11
        web02 ansible_host=10.0.1.12
        web03 ansible_host=10.0.1.13

        [db]
        S|db01 ansible_host=10.0.2.5 ansible_user=root ansible_password=«p1»
        db02 ansible_host=10.0.2.6

        [windows]
        S|win-build01 ansible_host=10.0.3.10 ansible_user=Administrator ansible_password="«p2»" ansible_connection=winrm ansible_winrm_server_cert_validation=ignore

        [network]
        S|sw-core-01 ansible_host=10.0.0.2 ansible_network_os=ios ansible_user=netops ansible_ssh_pass=«p3»
        T|sw-core-02 ansible_host=10.0.0.3 ansible_network_os=ios ansible_user=netops ansible_ssh_pass="{{ vault_netops_pass }}"

        [all:vars]
        ansible_python_interpreter=/usr/bin/python3
        S|ansible_become_pass=«bp»
        T|ansible_ssh_private_key_file=~/.ssh/ansible_ed25519
        T|ansible_ssh_common_args='-o StrictHostKeyChecking=no'
        T|# ansible_password=<set via --ask-pass>
    ''', p1=password(F_INI), p2=password(F_INI), p3=password(F_INI), bp=password(F_INI))

    w = Who()
    d = Doc("ansible", "playbook", "infra/ansible/roles/webapp/tasks/main.yml")
    d.tpl('''
        ---
        - name: Install packages
          ansible.builtin.apt:
            name: [nginx, python3-passlib, apache2-utils]
            state: present
            update_cache: true

        - name: Create app database user
          community.mysql.mysql_user:
            name: «app»
        T|    password: "{{ mysql_app_password }}"
            priv: "«app».*:ALL"
            state: present
        T|  no_log: true

        - name: Protect /admin with basic auth
          community.general.htpasswd:
            path: /etc/nginx/.htpasswd
            name: admin
        S|    password: "«htpw»"
            owner: root
            mode: "0640"

        - name: Register instance with monitoring
          ansible.builtin.uri:
            url: https://monitor.«dom»/api/v1/hosts
            method: POST
            user: ansible
        S|    password: "«monpw»"
            force_basic_auth: true
            body_format: json
            body:
              host: "{{ inventory_hostname }}"
        T|      checksum: "«sum»"

        - name: Write .env
          ansible.builtin.template:
            src: env.j2
            dest: /srv/«app»/.env
            mode: "0600"

        - name: Ensure deploy user
          ansible.builtin.user:
            name: deploy
            shell: /bin/bash
        S|    password: "«hash»"
        T|    update_password: on_create

        - name: Lock the default ubuntu user
          ansible.builtin.user:
            name: ubuntu
        T|    password: "!"
        T|    password_lock: true
    ''', app=w.app, htpw=password(F_JSON), dom=w.dom, monpw=password(F_JSON), sum=sha256hex(),
          hash=h_sha512crypt())


# ===========================================================================
# CI pipelines
# ===========================================================================

def g_ci():
    w = Who()
    d = Doc("ci", "gha", f"code/{w.app}/.github/workflows/deploy.yml")
    d.tpl('''
        name: Deploy

        on:
          push:
            branches: [ main ]
          workflow_dispatch:

        permissions:
          contents: read
          id-token: write

        env:
          AWS_REGION: eu-west-1
          ECR_REPOSITORY: «app»
        T|  AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}
        T|  AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}

        jobs:
          test:
            runs-on: ubuntu-latest
            services:
              postgres:
                image: postgres:16
                env:
                  POSTGRES_USER: «app»
        S|          POSTGRES_PASSWORD: «pgpw»
                ports: [ "5432:5432" ]
            steps:
        T|      - uses: actions/checkout@«sha1» # v4.1.1
              - uses: actions/setup-node@v4
                with:
                  node-version: 20
                  cache: npm
        T|          cache-dependency-path: '**/package-lock.json'
              - run: npm ci
                env:
        T|          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
              - run: npm test
                env:
        S|          DATABASE_URL: postgres://«app»:«pgpw»@localhost:5432/«app»_test

          deploy:
            needs: test
            runs-on: ubuntu-latest
            steps:
        T|      - uses: actions/checkout@«sha1»
              - name: Login to Docker Hub
                uses: docker/login-action@v3
                with:
                  username: «org»bot
        S|          password: «dpat»
              - name: Build and push
                run: |
                  docker build -t «org»/«app»:${{ github.sha }} .
                  docker push «org»/«app»:${{ github.sha }}
              - name: Sentry release
                env:
        S|          SENTRY_AUTH_TOKEN: «sentry»
        T|          SENTRY_RELEASE: ${{ github.sha }}
                run: npx @sentry/cli releases new "$SENTRY_RELEASE"
              - name: Notify Slack
                if: always()
        S|        run: curl -sf -X POST -H 'Content-type: application/json' --data '{"text":"«app» deployed"}' «hook»
    ''', app=w.app, pgpw=url_pw(), sha1=git_sha(), org=w.org, dpat=docker_pat(), sentry=sentry_token(),
          hook=slack_hook())

    w = Who()
    d = Doc("ci", "gha", f"code/{w.app}/.github/workflows/ci.yml")
    d.tpl('''
        name: CI
        on:
          pull_request:
          push:
            branches: [main, "release/**"]

        concurrency:
          group: ci-${{ github.ref }}
          cancel-in-progress: true

        jobs:
          lint-and-test:
            runs-on: ${{ matrix.os }}
            strategy:
              matrix:
                os: [ubuntu-22.04, macos-14]
                python: ["3.11", "3.12"]
            env:
        T|      GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
        T|      PIP_INDEX_URL: https://${{ secrets.NEXUS_USER }}:${{ secrets.NEXUS_PASSWORD }}@nexus.«dom»/repository/pypi/simple
        S|      OPENAI_API_KEY: «oai»
        T|      OPENAI_API_BASE: https://api.openai.com/v1
            steps:
              - uses: actions/checkout@v4
              - uses: actions/setup-python@v5
                with:
                  python-version: ${{ matrix.python }}
              - uses: actions/cache@v4
                with:
                  path: ~/.cache/pip
        T|          key: pip-${{ runner.os }}-${{ hashFiles('**/requirements*.txt') }}
              - run: pip install -r requirements-dev.txt
              - run: ruff check .
              - run: pytest -q --cov
                env:
        T|          TEST_API_KEY: fake-key-for-tests
        T|          TEST_PASSWORD: dummy
              - uses: codecov/codecov-action@v4
                with:
        S|          token: «codecov»
                  fail_ci_if_error: true
        T|      - uses: pypa/gh-action-pypi-publish@«sha»
                if: startsWith(github.ref, 'refs/tags/')
                with:
        T|          password: ${{ secrets.PYPI_API_TOKEN }}
        T|          attestations: true
    ''', dom=w.dom, oai=openai_key(), codecov=reg(uuid4()), sha=git_sha())

    w = Who()
    d = Doc("ci", "gitlabci", f"code/{w.app}/.gitlab-ci.yml")
    d.tpl('''
        stages:
          - test
          - build
          - deploy

        variables:
          DOCKER_DRIVER: overlay2
          POSTGRES_DB: «app»_test
          POSTGRES_USER: runner
        S|  POSTGRES_PASSWORD: "«pgpw»"
        T|  DOCKER_AUTH_CONFIG: $DOCKER_AUTH_CONFIG_JSON
          PIP_CACHE_DIR: "$CI_PROJECT_DIR/.cache/pip"

        test:
          stage: test
          image: python:3.12
          services:
            - postgres:16
          script:
            - pip install -r requirements.txt
            - pytest --junitxml=report.xml
          artifacts:
            reports:
              junit: report.xml

        build:
          stage: build
          image: docker:24
          services: [docker:24-dind]
          script:
        T|    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
        T|    - docker login -u gitlab-ci-token -p $CI_JOB_TOKEN $CI_REGISTRY
            - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA .
            - docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA

        deploy:
          stage: deploy
          image: alpine:3.19
          rules:
            - if: $CI_COMMIT_BRANCH == "main"
          before_script:
            - apk add --no-cache curl openssh-client sshpass
          script:
        S|    - 'curl --fail --request POST --header "PRIVATE-TOKEN: «gl»" "https://gitlab.com/api/v4/projects/«pid»/pipeline?ref=main"'
        S|    - curl -X POST -F token=«trig» -F ref=main https://gitlab.com/api/v4/projects/«pid2»/trigger/pipeline
        T|    - kubectl --token="$KUBE_TOKEN" --server="$KUBE_URL" apply -f k8s/
        S|    - sshpass -p '«sshpw»' ssh -o StrictHostKeyChecking=no deploy@«host» "cd /srv/«app» && ./deploy.sh"
          environment:
            name: production
            url: https://«app».«dom»
    ''', app=w.app, pgpw=password(F_YAMLQ), gl=glpat(), pid=R.randrange(1000000, 50000000),
          trig=reg("glptt-" + rs(HEXL, 40)), pid2=R.randrange(1000000, 50000000), sshpw=password(F_SHELL + "!"),
          host=w.host("ftp"), dom=w.dom)

    w = Who()
    d = Doc("ci", "gitlabci", f"code/{w.app}-infra/.gitlab-ci.yml")
    d.tpl('''
        include:
          - project: "«org»/ci-templates"
            ref: «sha»
            file: "/templates/terraform.yml"

        variables:
          TF_ROOT: ${CI_PROJECT_DIR}/infra
        T|  TF_STATE_NAME: ${CI_ENVIRONMENT_NAME}
        S|  HEROKU_API_KEY: «heroku»
        T|  HEROKU_APP: «app»-staging
        T|  VAULT_ADDR: https://vault.«dom»
        T|  VAULT_TOKEN: $VAULT_CI_TOKEN

        .tf_base:
          image: hashicorp/terraform:1.7
          before_script:
            - cd $TF_ROOT
        T|    - export TF_VAR_db_password=$(vault kv get -field=password secret/«app»/db)
            - terraform init -backend-config="password=${CI_JOB_TOKEN}"

        plan:
          extends: .tf_base
          stage: test
          script:
            - terraform plan -out=plan.cache

        apply:
          extends: .tf_base
          stage: deploy
          when: manual
          script:
            - terraform apply plan.cache
        S|    - curl -s -u admin:«grafpw» -X POST https://grafana.«dom»/api/annotations -d '{"text":"tf apply"}'

        heroku-deploy:
          stage: deploy
          image: ruby:3.2
          script:
            - gem install dpl
        T|    - dpl --provider=heroku --app=$HEROKU_APP --api-key=$HEROKU_API_KEY
          only:
            - main
    ''', org=w.org, sha=git_sha(), heroku=heroku_key(), app=w.app, dom=w.dom, grafpw=password(F_SHELL + "!:@"))

    w = Who()
    d = Doc("ci", "jenkins", f"code/{w.app}/Jenkinsfile")
    d.tpl('''
        pipeline {
            agent { label 'linux && docker' }

            environment {
        T|        SONAR_TOKEN = credentials('sonar-token')
        T|        NEXUS = credentials('nexus-deployer')
        S|        SLACK_URL = '«hook»'
        S|        ARTIFACTORY_API_KEY = '«ak»'
            }

            options {
                timestamps()
                buildDiscarder(logRotator(numToKeepStr: '20'))
            }

            stages {
                stage('Build') {
                    steps {
                        sh './gradlew clean build -x test'
                    }
                }
                stage('Test') {
                    steps {
                        sh './gradlew test'
                    }
                }
                stage('Publish') {
                    steps {
        T|                withCredentials([usernamePassword(credentialsId: 'nexus', usernameVariable: 'NEXUS_USER', passwordVariable: 'NEXUS_PASS')]) {
        T|                    sh './gradlew publish -PrepoUser=$NEXUS_USER -PrepoPassword=$NEXUS_PASS'
                        }
                    }
                }
                stage('Smoke') {
                    steps {
        S|                sh "curl -fsS -u admin:«pw» https://«app»-staging.«dom»/actuator/health"
                    }
                }
            }

            post {
                failure {
                    sh "curl -X POST -H 'Content-type: application/json' --data '{\\"text\\":\\"${env.JOB_NAME} failed\\"}' ${SLACK_URL}"
                }
            }
        }
    ''', hook=slack_hook(), ak=artifactory_key(), pw=password(F_SHELL + "!:@\""), app=w.app, dom=w.dom)


# ===========================================================================
# source code: Python
# ===========================================================================

def g_python():
    w = Who()
    d = Doc("src-python", "py", f"code/{w.app}/scripts/sync_reports.py")
    d.tpl('''
        #!/usr/bin/env python3
        """Nightly job: pull yesterday's orders from Postgres, push a CSV to S3 and mail a summary.

        Run from cron on «host»:  15 2 * * * /opt/«app»/venv/bin/python sync_reports.py
        """
        import csv
        import datetime as dt
        import getpass
        import hashlib
        import io
        import logging
        import os
        import sys

        import boto3
        import psycopg2
        import requests

        log = logging.getLogger("sync_reports")

        T|EXPECTED_TEMPLATE_SHA256 = "«sum»"
        BUCKET = "«app»-reports"


        def get_connection():
            return psycopg2.connect(
                host="«dbhost»",
                dbname="«app»",
                user="reporting",
        S|        password="«pw»",
                connect_timeout=10,
            )


        def get_s3():
            return boto3.client(
                "s3",
                region_name="eu-west-1",
        S|        aws_access_key_id="«akid»",
        S|        aws_secret_access_key="«aks»",
            )


        T|def check_password(password: str, stored_hash: str) -> bool:
        T|    return hashlib.sha256(password.encode()).hexdigest() == stored_hash


        def send_summary(rows: int) -> None:
            resp = requests.post(
                "https://api.eu.mailgun.net/v3/mg.«dom»/messages",
        S|        auth=("api", "«mg»"),
                data={
                    "from": "reports@«dom»",
                    "to": ["finance@«dom»"],
                    "subject": f"Orders export {dt.date.today()}",
                    "text": f"{rows} rows exported.",
                },
                timeout=30,
            )
            resp.raise_for_status()


        def main() -> int:
        T|    if os.environ.get("REPORTS_INTERACTIVE"):
        T|        _pw = getpass.getpass("Enter your password: ")
            day = dt.date.today() - dt.timedelta(days=1)
            with get_connection() as conn, conn.cursor() as cur:
                cur.execute("SELECT id, customer_id, total, created_at FROM orders WHERE created_at::date = %s", (day,))
                rows = cur.fetchall()
            buf = io.StringIO()
            csv.writer(buf).writerows(rows)
            get_s3().put_object(Bucket=BUCKET, Key=f"orders/{day}.csv", Body=buf.getvalue().encode())
            send_summary(len(rows))
            log.info("exported %d rows", len(rows))
            return 0


        if __name__ == "__main__":
            logging.basicConfig(level=logging.INFO)
            sys.exit(main())
    ''', host=w.host("ci"), app=w.app, sum=sha256hex(), dbhost=w.host(), pw=password(F_JSON),
          akid=aws_akid(), aks=aws_secret(), dom=w.dom, mg=mailgun_key())

    w = Who()
    d = Doc("src-python", "py", f"code/{w.app}/tests/test_auth.py")
    d.tpl('''
        import pytest

        from «app».auth import authenticate, hash_password, verify_password
        from «app».models import User

        T|FAKE_TOKEN = "fake-token-for-tests"
        T|DUMMY_PASSWORD = "dummy-password"
        T|TEST_API_KEY = "test_api_key_1234567890"
        T|EXAMPLE_AWS_KEY = "«exak»"
        # TODO(«first»): remove -- real staging token, used to debug the webhook flake
        S|STAGING_GITHUB_TOKEN = "«gh»"


        @pytest.fixture
        def user(db):
            u = User(email="jane@example.test")
        T|    u.set_password(DUMMY_PASSWORD)
            u.save()
            return u


        T|def test_hash_password_is_not_plaintext():
        T|    h = hash_password("hunter2")
        T|    assert h != "hunter2"
        T|    assert verify_password("hunter2", h)


        def test_wrong_password_rejected(user):
        T|    assert authenticate(user.email, "not-the-password") is None


        T|@pytest.mark.parametrize("pw", ["", "short", "password", "12345678"])
        T|def test_weak_passwords_rejected(pw):
            with pytest.raises(ValueError):
                hash_password(pw)


        def test_token_header(client, user):
        T|    resp = client.get("/api/me", headers={"Authorization": f"Bearer {FAKE_TOKEN}"})
            assert resp.status_code == 401


        def test_request_id_is_propagated(client):
        T|    resp = client.get("/health", headers={"X-Request-Id": "«uuid»"})
        T|    assert resp.headers["X-Request-Id"] == "«uuid»"
    ''', app=w.app, exak=EX_AKID, first=w.first, gh=ghp(), uuid=uuid4())

    w = Who()
    d = Doc("src-python", "py", f"code/{w.app}/{w.app}/config.py")
    d.tpl('''
        import os
        from datetime import timedelta


        class Config:
        T|    SECRET_KEY = os.environ.get("SECRET_KEY", "dev")
            SQLALCHEMY_TRACK_MODIFICATIONS = False
        T|    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///dev.db")
            MAIL_SERVER = "smtp.«dom»"
            MAIL_PORT = 587
            MAIL_USE_TLS = True
            MAIL_USERNAME = "noreply@«dom»"
        T|    MAIL_PASSWORD = os.getenv("MAIL_PASSWORD")
        T|    PASSWORD_RESET_TOKEN_MAX_AGE = timedelta(hours=2)
        T|    SECURITY_PASSWORD_LENGTH_MIN = 12
        T|    SESSION_COOKIE_NAME = "«app»_session"


        class ProductionConfig(Config):
            DEBUG = False
        S|    SQLALCHEMY_DATABASE_URI = "mysql+pymysql://«app»:«dbpw»@«dbhost»:3306/«app»?charset=utf8mb4"
        S|    JWT_SECRET_KEY = "«jwt»"
            JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=15)
        S|    STRIPE_API_KEY = "«sk»"
        T|    STRIPE_PUBLISHABLE_KEY = "«pk»"
        S|    CELERY_BROKER_URL = "redis://:«rpw»@«rhost»:6379/0"
        T|    CELERY_RESULT_BACKEND = os.environ["CELERY_RESULT_BACKEND"]


        class TestingConfig(Config):
            TESTING = True
        T|    SECRET_KEY = "testing"
        T|    SQLALCHEMY_DATABASE_URI = "sqlite://"
        T|    WTF_CSRF_ENABLED = False
        T|    STRIPE_API_KEY = "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx"


        config = {
            "production": ProductionConfig,
            "testing": TestingConfig,
            "default": Config,
        }
    ''', dom=w.dom, app=w.app, dbpw=url_pw(), dbhost=w.host(), jwt=hex_secret(64), sk=stripe_sk(),
          pk=stripe_pk(), rpw=url_pw(), rhost=w.host("cache"))

    w = Who()
    d = Doc("src-python", "py", f"code/{w.org}-bot/bot.py")
    d.tpl('''
        """Ops chat bot: relays alerts between Slack, Telegram and SMS and answers /ask with an LLM."""
        import logging
        import os

        from openai import OpenAI
        from slack_sdk import WebClient
        from slack_sdk.signature import SignatureVerifier
        from telegram.ext import Application, CommandHandler
        from twilio.rest import Client as TwilioClient

        logging.basicConfig(level=logging.INFO)

        S|slack = WebClient(token="«xoxb»")
        T|verifier = SignatureVerifier(signing_secret=os.getenv("SLACK_SIGNING_SECRET"))
        S|llm = OpenAI(api_key="«oai»")
        S|sms = TwilioClient("«sid»", "«tt»")
        T|ONCALL_CHANNEL = "C«chan»"
        T|ALERT_COLOR = "«col»"


        async def ask(update, context):
            question = " ".join(context.args)
            answer = llm.chat.completions.create(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": question}],
            )
            await update.message.reply_text(answer.choices[0].message.content)


        async def page(update, context):
            text = " ".join(context.args) or "ping"
            slack.chat_postMessage(channel=ONCALL_CHANNEL, text=f":rotating_light: {text}")
            sms.messages.create(to=os.environ["ONCALL_PHONE"], from_="+1«tel»", body=text)


        def main():
        S|    app = Application.builder().token("«tg»").build()
            app.add_handler(CommandHandler("ask", ask))
            app.add_handler(CommandHandler("page", page))
            app.run_polling()


        if __name__ == "__main__":
            main()
    ''', xoxb=slack_bot(), oai=openai_key(), sid=twilio_sid(), tt=twilio_token(), chan=rs(UP + DG, 10),
          col=css_color(), tel=rs(DG, 10), tg=telegram_token())


# ===========================================================================
# source code: JavaScript / TypeScript
# ===========================================================================

def mapbox_token(kind: str, user: str) -> str:
    body = b64url_nopad(('{"u":"%s","a":"%s"}' % (user, rs(LOALNUM, 25))).encode())
    return f"{kind}.{body}.{rs(B64URL, 22)}"


def g_js():
    w = Who()
    d = Doc("src-js-ts", "js", f"code/{w.app}-api/src/config/index.js")
    d.tpl('''
        'use strict';

        const path = require('path');
        const mongoose = require('mongoose');
        S|const stripe = require('stripe')('«sk»');
        require('dotenv').config({ path: path.join(__dirname, '../../.env') });

        const config = {
          env: process.env.NODE_ENV || 'development',
          port: parseInt(process.env.PORT, 10) || 3000,
        T|  jwtSecret: process.env.JWT_SECRET,
        S|  refreshSecret: process.env.JWT_REFRESH_SECRET || '«rs»',
        T|  jwtExpiresIn: '15m',
          mail: {
            host: 'smtp.sendgrid.net',
            user: 'apikey',
        T|    pass: process.env.SENDGRID_API_KEY,
          },
          aws: {
            region: 'eu-central-1',
        T|    accessKeyId: process.env.AWS_ACCESS_KEY_ID,
        T|    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
          },
          password: {
        T|    minLength: 10,
        T|    saltRounds: 12,
          },
        };

        async function connectDb() {
          mongoose.set('strictQuery', true);
        S|  await mongoose.connect('mongodb+srv://«app»-api:«mpw»@cluster0.«cl».mongodb.net/«app»?retryWrites=true&w=majority');
        }

        T|function validatePassword(password) {
        T|  return typeof password === 'string' && password.length >= config.password.minLength;
        }

        module.exports = { config, stripe, connectDb, validatePassword };
    ''', sk=stripe_sk(), rs=hex_secret(64), app=w.app, mpw=url_pw(), cl=rs(LOALNUM, 5))

    w = Who()
    d = Doc("src-js-ts", "ts", f"code/{w.app}-web/src/lib/firebase.ts")
    d.tpl('''
        import { initializeApp, type FirebaseOptions } from "firebase/app";
        import { getAuth } from "firebase/auth";
        import { getFirestore } from "firebase/firestore";
        import mapboxgl from "mapbox-gl";

        const firebaseConfig: FirebaseOptions = {
        S|  apiKey: "«fb»",
          authDomain: "«proj».firebaseapp.com",
          projectId: "«proj»",
          storageBucket: "«proj».appspot.com",
        T|  messagingSenderId: "«msid»",
        T|  appId: "1:«msid»:web:«appid»",
        T|  measurementId: "G-«meas»",
        };

        export const app = initializeApp(firebaseConfig);
        export const auth = getAuth(app);
        export const db = getFirestore(app);

        // public token, URL-restricted in the Mapbox dashboard
        T|mapboxgl.accessToken = "«pkmap»";

        // FIXME: server-side token, should never be in the bundle
        S|export const MAPBOX_UPLOAD_TOKEN = "«skmap»";

        T|export const PLACEHOLDER_AVATAR = "«png»";
        T|export const BRAND_PRIMARY = "«col»";
    ''', fb=google_api(), proj=f"{w.app}-{rs(LOALNUM, 5)}", msid=rs(DG, 12), appid=rs(HEXL, 22),
          meas=rs(UP + DG, 10), pkmap=mapbox_token("pk", w.org), skmap=reg(mapbox_token("sk", w.org)),
          png=png_data_uri(120), col=css_color())

    w = Who()
    d = Doc("src-js-ts", "ts", f"code/{w.app}/scripts/seed.ts")
    d.tpl('''
        /* eslint-disable no-console */
        import axios from "axios";
        import { Pool } from "pg";
        import bcrypt from "bcryptjs";

        T|const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD ?? "";
        T|const PLACEHOLDER = "<password>";

        const pool = new Pool({
          host: "«dbhost»",
          port: 5432,
          database: "«app»",
          user: "«app»_admin",
        S|  password: "«dbpw»",
          ssl: { rejectUnauthorized: false },
        });

        const gh = axios.create({
          baseURL: "https://api.github.com",
          headers: {
        S|    Authorization: "Bearer «gh»",
            Accept: "application/vnd.github+json",
          },
        });

        async function fetchWithToken(url: string, token: string) {
        T|  return axios.get(url, { headers: { Authorization: `Bearer ${token}` } });
        }

        async function main() {
          const { data: repos } = await gh.get("/orgs/«org»/repos?per_page=100");
          console.log(`seeding ${repos.length} repos`);
          for (const r of repos) {
            await pool.query("INSERT INTO repos (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING", [r.id, r.name]);
          }
          if (!ADMIN_PASSWORD) {
        T|    console.warn("ADMIN_PASSWORD not set, using placeholder", PLACEHOLDER);
          }
        T|  const hash = await bcrypt.hash(ADMIN_PASSWORD || PLACEHOLDER, 12);
        T|  await pool.query("UPDATE users SET password_hash = $1 WHERE email = $2", [hash, "admin@«dom»"]);
        S|  await fetchWithToken("https://api.«dom»/internal/reindex", "«tok»");
          await pool.end();
        }

        main().catch((err) => {
          console.error(err);
          process.exit(1);
        });
    ''', dbhost=w.host(), app=w.app, dbpw=password(F_JSON), gh=gh_pat_fine(), org=w.org, dom=w.dom,
          tok=alnum_secret(48))

    w = Who()
    d = Doc("src-js-ts", "tsx", f"code/{w.app}-web/src/components/LoginForm.tsx")
    d.tpl('''
        import { useState, type FormEvent } from "react";
        import { useAuth } from "../hooks/useAuth";

        T|const MIN_PASSWORD_LENGTH = 12;

        export function LoginForm() {
          const { login } = useAuth();
          const [email, setEmail] = useState("");
        T|  const [password, setPassword] = useState("");
          const [error, setError] = useState<string | null>(null);

          async function onSubmit(e: FormEvent) {
            e.preventDefault();
        T|    if (password.length < MIN_PASSWORD_LENGTH) {
        T|      setError(`Password must be at least ${MIN_PASSWORD_LENGTH} characters`);
              return;
            }
            try {
        T|      await login(email, password);
            } catch {
        T|      setError("Invalid email or password");
            }
          }

          return (
            <form onSubmit={onSubmit} className="login-form">
              <label htmlFor="email">Email</label>
              <input id="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        T|      <label htmlFor="password">Password</label>
              <input
        T|        id="password"
        T|        type="password"
        T|        autoComplete="current-password"
        T|        placeholder="Enter your password"
        T|        value={password}
        T|        onChange={(e) => setPassword(e.target.value)}
              />
              {error && <p className="error">{error}</p>}
        T|      <a href="/forgot-password">Forgot your password?</a>
              <button type="submit" style={{ background: "«col»" }}>Sign in</button>
            </form>
          );
        }
    ''', col=css_color())

    # package-lock excerpt: integrity hashes everywhere, one credentialed resolved URL
    w = Who()
    d = Doc("src-js-ts", "lockfile", f"code/{w.app}-web/package-lock.json")
    d.n("{")
    d.n(f'  "name": "{w.app}-web",')
    d.t(f'  "version": "{version()}",')
    d.n('  "lockfileVersion": 3,')
    d.n('  "requires": true,')
    d.n('  "packages": {')
    d.n('    "": {')
    d.n(f'      "name": "{w.app}-web",')
    d.n('      "dependencies": {')
    pkgs = ["react", "react-dom", "axios", "lodash", "zod", "date-fns", "clsx", f"@{w.org}/ui-kit", "scheduler", "loose-envify"]
    for i, p in enumerate(pkgs[:5]):
        d.n(f'        "{p}": "^{version()}"' + ("," if i < 4 else ""))
    d.n("      }")
    d.n("    },")
    for i, p in enumerate(pkgs):
        ver = version()
        d.n(f'    "node_modules/{p}": {{')
        d.t(f'      "version": "{ver}",')
        if p.startswith("@"):
            d.s(f'      "resolved": "https://{w.first}:{url_pw()}@npm.{w.dom}/repository/npm-group/{p}/-/{p.split("/")[1]}-{ver}.tgz",')
        else:
            d.n(f'      "resolved": "https://registry.npmjs.org/{p}/-/{p}-{ver}.tgz",')
        d.t(f'      "integrity": "{integrity()}",')
        d.n(f'      "license": "{pick(["MIT", "MIT", "ISC", "Apache-2.0"])}"')
        d.n("    }" + ("," if i < len(pkgs) - 1 else ""))
    d.n("  }")
    d.n("}")


# ===========================================================================
# source code: Go
# ===========================================================================

def g_go():
    w = Who()
    d = Doc("src-go", "go", f"code/{w.app}/internal/store/db.go")
    d.tpl('''
        package store

        import (
            "context"
            "database/sql"
            "errors"
            "fmt"
            "os"
            "time"

            _ "github.com/lib/pq"
            "golang.org/x/crypto/bcrypt"
        )

        T|var ErrBadPassword = errors.New("store: invalid username or password")

        // Open connects to the primary database. The fallback DSN is for the on-prem
        // install where we can't inject env vars (see OPS-«ticket»).
        func Open(ctx context.Context) (*sql.DB, error) {
        T|    dsn := os.Getenv("DATABASE_URL")
            if dsn == "" {
        S|        dsn = "host=«dbhost» port=5432 user=«app» password=«pw» dbname=«app» sslmode=require"
            }
            db, err := sql.Open("postgres", dsn)
            if err != nil {
                return nil, fmt.Errorf("open: %w", err)
            }
            db.SetConnMaxLifetime(5 * time.Minute)
            db.SetMaxOpenConns(20)
            return db, db.PingContext(ctx)
        }

        T|// CheckPassword compares a bcrypt hash with the supplied password.
        T|func CheckPassword(hash []byte, password string) error {
        T|    if err := bcrypt.CompareHashAndPassword(hash, []byte(password)); err != nil {
        T|        return ErrBadPassword
            }
            return nil
        }

        func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
            u := &User{}
        T|    row := s.db.QueryRowContext(ctx, `SELECT id, email, password_hash FROM users WHERE email = $1`, email)
        T|    if err := row.Scan(&u.ID, &u.Email, &u.PasswordHash); err != nil {
                return nil, err
            }
            return u, nil
        }
    ''', unit="\t", ticket=R.randrange(100, 9999), dbhost=w.host(), app=w.app, pw=password(F_JSON + " '"))

    w = Who()
    d = Doc("src-go", "go", f"code/{w.org}-notifier/cmd/notifier/main.go")
    d.tpl('''
        package main

        import (
            "bytes"
            "encoding/json"
            "log"
            "net/http"
            "os"

            "github.com/google/go-github/v60/github"
            "github.com/slack-go/slack"
            "github.com/twilio/twilio-go"
        )

        const (
        S|    slackToken   = "«xoxb»"
            slackChannel = "#deploys"
        )

        S|var githubToken = "«gh»"

        func newTwilio() *twilio.RestClient {
            return twilio.NewRestClientWithParams(twilio.ClientParams{
        T|        Username: "«sid»",
        S|        Password: "«tt»",
            })
        }

        func postStatus(url string, payload any) error {
            body, _ := json.Marshal(payload)
            req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
            if err != nil {
                return err
            }
            req.Header.Set("Content-Type", "application/json")
        T|    req.Header.Set("Authorization", "Bearer "+os.Getenv("STATUSPAGE_TOKEN"))
            resp, err := http.DefaultClient.Do(req)
            if err != nil {
                return err
            }
            return resp.Body.Close()
        }

        func sendMail(to, subject, text string) error {
            req, _ := http.NewRequest(http.MethodPost, "https://api.mailgun.net/v3/mg.«dom»/messages", nil)
        S|    req.SetBasicAuth("api", "«mg»")
            q := req.URL.Query()
            q.Set("to", to)
            q.Set("subject", subject)
            q.Set("text", text)
            req.URL.RawQuery = q.Encode()
            _, err := http.DefaultClient.Do(req)
            return err
        }

        func main() {
            api := slack.New(slackToken)
            gh := github.NewClient(nil).WithAuthToken(githubToken)
            _ = gh
            if _, _, err := api.PostMessage(slackChannel, slack.MsgOptionText("deploy finished", false)); err != nil {
                log.Fatal(err)
            }
            _ = newTwilio()
        T|    log.Printf("build %s", "«sha»")
        }
    ''', unit="\t", xoxb=slack_bot(), gh=ghp(), sid=twilio_sid(), tt=twilio_token(), dom=w.dom,
          mg=mailgun_key(), sha=git_sha())

    w = Who()
    d = Doc("src-go", "go", f"code/{w.app}/internal/cache/cache_test.go")
    d.tpl('''
        package cache

        import (
            "context"
            "testing"

            "github.com/redis/go-redis/v9"
            "go.mongodb.org/mongo-driver/mongo"
            "go.mongodb.org/mongo-driver/mongo/options"
        )

        T|const testSecret = "not-a-real-secret"
        T|const fakeAPIKey = "fake_api_key_for_unit_tests"

        func newRedis(t *testing.T) *redis.Client {
            t.Helper()
            // shared CI redis -- the password is the same as in staging, TODO rotate
            return redis.NewClient(&redis.Options{
                Addr:     "«rhost»:6379",
        S|        Password: "«rpw»",
                DB:       3,
            })
        }

        func newMongo(t *testing.T) *mongo.Client {
            t.Helper()
        S|    c, err := mongo.Connect(context.Background(), options.Client().ApplyURI("mongodb://admin:«mpw»@localhost:27017/?authSource=admin"))
            if err != nil {
                t.Fatal(err)
            }
            return c
        }

        func TestSetGet(t *testing.T) {
            r := newRedis(t)
            ctx := context.Background()
        T|    if err := r.Set(ctx, "token:"+testSecret, "«uuid»", 0).Err(); err != nil {
                t.Fatal(err)
            }
        }

        func TestSignature(t *testing.T) {
        T|    got := Sign([]byte("payload"), []byte(fakeAPIKey))
        T|    want := "«hmac»"
            if got != want {
                t.Errorf("Sign() = %q, want %q", got, want)
            }
        }
    ''', unit="\t", rhost=w.host("cache"), rpw=password(F_JSON), mpw=url_pw(), uuid=uuid4(), hmac=sha256hex())


# ===========================================================================
# source code: Java
# ===========================================================================

def g_java():
    w = Who()
    pkg = f"com.{w.org}.{w.app}"
    d = Doc("src-java", "java", f"code/{w.app}/src/main/java/com/{w.org}/{w.app}/config/DatabaseConfig.java")
    d.tpl('''
        package «pkg».config;

        import java.io.Console;
        import java.sql.Connection;
        import java.sql.DriverManager;
        import java.sql.SQLException;

        import com.zaxxer.hikari.HikariDataSource;
        import org.springframework.beans.factory.annotation.Value;
        import org.springframework.context.annotation.Bean;
        import org.springframework.context.annotation.Configuration;

        @Configuration
        public class DatabaseConfig {

        T|    @Value("${db.password}")
        T|    private String password;

            @Value("${db.url}")
            private String url;

        S|    private static final String REPORTING_API_KEY = "«apikey»";
        T|    private static final int PASSWORD_MIN_LENGTH = 12;
        T|    private static final String PASSWORD_PROPERTY = "spring.datasource.password";
        T|    private static final String DEFAULT_SCHEMA_CHECKSUM = "«cks»";

            @Bean
            public HikariDataSource dataSource() {
                HikariDataSource ds = new HikariDataSource();
                ds.setJdbcUrl(url);
                ds.setUsername("«app»");
        T|        ds.setPassword(password);
                ds.setMaximumPoolSize(20);
                return ds;
            }

            @Bean(name = "legacyDataSource")
            public HikariDataSource legacyDataSource() {
                HikariDataSource ds = new HikariDataSource();
                ds.setJdbcUrl("jdbc:oracle:thin:@«ora»:1521/ERP");
                ds.setUsername("erp_reader");
        S|        ds.setPassword("«orapw»");
                return ds;
            }

            /** Used by the nightly reconciliation CLI only. */
            public static Connection openReportingConnection() throws SQLException {
        S|        return DriverManager.getConnection("jdbc:mysql://«my»:3306/reporting?useSSL=true", "root", "«mypw»");
            }

            public static char[] promptForPassword() {
                Console console = System.console();
        T|        return console.readPassword("Password: ");
            }
        }
    ''', pkg=pkg, apikey=hex_secret(32), app=w.app, cks=sha256hex(), ora=w.host(), orapw=password(F_JSON),
          my=w.host(), mypw=password(F_JSON))

    w = Who()
    pkg = f"com.{w.org}.{w.app}"
    d = Doc("src-java", "java", f"code/{w.app}/src/main/java/com/{w.org}/{w.app}/aws/AwsClientFactory.java")
    d.tpl('''
        package «pkg».aws;

        import com.amazonaws.auth.AWSStaticCredentialsProvider;
        import com.amazonaws.auth.BasicAWSCredentials;
        import com.amazonaws.auth.DefaultAWSCredentialsProviderChain;
        import com.amazonaws.regions.Regions;
        import com.amazonaws.services.s3.AmazonS3;
        import com.amazonaws.services.s3.AmazonS3ClientBuilder;

        public final class AwsClientFactory {

        T|    // Example from the AWS docs: «exak» / «exsk»
            private AwsClientFactory() {
            }

            public static AmazonS3 defaultClient() {
                return AmazonS3ClientBuilder.standard()
        T|                .withCredentials(DefaultAWSCredentialsProviderChain.getInstance())
                        .withRegion(Regions.EU_WEST_1)
                        .build();
            }

            /** Partner bucket lives in their account; they gave us static keys. */
            public static AmazonS3 partnerClient() {
                BasicAWSCredentials creds = new BasicAWSCredentials(
        S|                "«akid»",
        S|                "«aks»");
                return AmazonS3ClientBuilder.standard()
                        .withCredentials(new AWSStaticCredentialsProvider(creds))
                        .withRegion(Regions.US_EAST_1)
                        .build();
            }

            public static String bucketFor(String tenantId) {
        T|        // tenant ids look like «uuid»
                return "«app»-" + tenantId.substring(0, 8);
            }
        }
    ''', pkg=pkg, exak=EX_AKID, exsk=EX_AWS_SECRET, akid=aws_akid(), aks=aws_secret(), uuid=uuid4(), app=w.app)

    w = Who()
    pkg = f"com.{w.org}.{w.app}"
    d = Doc("src-java", "java", f"code/{w.app}/src/main/java/com/{w.org}/{w.app}/mail/MailService.java")
    d.tpl('''
        package «pkg».mail;

        import java.util.Properties;

        import jakarta.mail.Authenticator;
        import jakarta.mail.Message;
        import jakarta.mail.MessagingException;
        import jakarta.mail.PasswordAuthentication;
        import jakarta.mail.Session;
        import jakarta.mail.Transport;
        import jakarta.mail.internet.InternetAddress;
        import jakarta.mail.internet.MimeMessage;
        import org.springframework.security.crypto.password.PasswordEncoder;
        import org.springframework.stereotype.Service;

        @Service
        public class MailService {

        T|    private final PasswordEncoder passwordEncoder;
            private final Session session;

        T|    public MailService(PasswordEncoder passwordEncoder) {
        T|        this.passwordEncoder = passwordEncoder;
                Properties props = new Properties();
                props.put("mail.smtp.host", "smtp.«dom»");
                props.put("mail.smtp.port", "587");
                props.put("mail.smtp.auth", "true");
                props.put("mail.smtp.starttls.enable", "true");
                this.session = Session.getInstance(props, new Authenticator() {
                    @Override
        T|            protected PasswordAuthentication getPasswordAuthentication() {
        S|                return new PasswordAuthentication("noreply@«dom»", "«pw»");
                    }
                });
            }

            public void sendPasswordReset(String to, String link) throws MessagingException {
                Message msg = new MimeMessage(session);
                msg.setFrom(new InternetAddress("noreply@«dom»"));
                msg.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        T|        msg.setSubject("Reset your password");
        T|        msg.setText("Someone asked to reset your password. Follow " + link + " within 30 minutes.");
                Transport.send(msg);
            }

        T|    public boolean passwordMatches(String raw, String encoded) {
        T|        return passwordEncoder.matches(raw, encoded);
            }

        S|    private static final String SENDGRID_KEY = "«sg»";
        T|    private static final String TEMPLATE_ID = "d-«tid»";
        }
    ''', pkg=pkg, dom=w.dom, pw=password(F_JSON), sg=sendgrid(), tid=rs(HEXL, 32))


# ===========================================================================
# source code: C#
# ===========================================================================

def g_csharp():
    w = Who()
    d = Doc("src-csharp", "csharp", f"code/{w.org.capitalize()}.{w.app.capitalize()}/src/{w.app.capitalize()}.Api/appsettings.json")
    d.tpl('''
        {
          "Logging": {
            "LogLevel": {
              "Default": "Information",
              "Microsoft.AspNetCore": "Warning"
            }
          },
          "AllowedHosts": "*",
          "ConnectionStrings": {
        S|    "DefaultConnection": "Server=tcp:«sql».database.windows.net,1433;Initial Catalog=«app»;User ID=«app»admin;Password=«pw»;Encrypt=True;TrustServerCertificate=False;",
        S|    "Redis": "«app».redis.cache.windows.net:6380,password=«rk»,ssl=True,abortConnect=False",
        S|    "Storage": "DefaultEndpointsProtocol=https;AccountName=«app»store;AccountKey=«sak»;EndpointSuffix=core.windows.net"
          },
          "Jwt": {
        S|    "Key": "«jwt»",
            "Issuer": "https://«app».«dom»",
            "Audience": "«app»-clients",
        T|    "ExpiryMinutes": 60
          },
          "AzureAd": {
            "Instance": "https://login.microsoftonline.com/",
        T|    "TenantId": "«ten»",
        T|    "ClientId": "«cid»",
        S|    "ClientSecret": "«cs»"
          },
          "SendGrid": {
        S|    "ApiKey": "«sg»",
            "FromAddress": "noreply@«dom»"
          },
          "PasswordPolicy": {
        T|    "RequiredLength": 12,
        T|    "RequireNonAlphanumeric": true,
        T|    "MaxFailedAccessAttempts": 5
          },
          "ApplicationInsights": {
        T|    "ConnectionString": "InstrumentationKey=«ikey»;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/"
          }
        }
    ''', sql=f"{w.app}-sql", app=w.app, pw=password(F_JSON + ";"), rk=reg(b64(rb(32))), sak=azure_storage_key(),
          jwt=b64_secret(48), dom=w.dom, ten=uuid4(), cid=uuid4(), cs=azure_client_secret(), sg=sendgrid(),
          ikey=uuid4())

    w = Who()
    d = Doc("src-csharp", "csharp", f"code/{w.org.capitalize()}.{w.app.capitalize()}/src/{w.app.capitalize()}.Api/appsettings.Development.json")
    d.tpl('''
        {
          "Logging": {
            "LogLevel": {
              "Default": "Debug",
              "Microsoft.EntityFrameworkCore.Database.Command": "Information"
            }
          },
          "ConnectionStrings": {
        T|    "DefaultConnection": "Server=(localdb)\\\\mssqllocaldb;Database=«app»_dev;Trusted_Connection=True;MultipleActiveResultSets=true",
        T|    "Redis": "localhost:6379",
        S|    "Legacy": "Data Source=«legacy»;Initial Catalog=LegacyCRM;User Id=crm_app;Password=«pw»;"
          },
          "Jwt": {
        T|    "Key": "dev-only-key-change-me-dev-only-key-change-me",
            "Issuer": "https://localhost:5001"
          },
          "Smtp": {
            "Host": "localhost",
            "Port": 1025,
            "User": "",
        T|    "Password": ""
          },
          "Seed": {
            "AdminEmail": "admin@«dom»",
        T|    "AdminPassword": "${SEED_ADMIN_PASSWORD}"
          },
        T|  "UserSecretsId": "«usid»",
          "FeatureManagement": {
            "NewCheckout": true
          }
        }
    ''', app=w.app, legacy=w.host(), pw=password(F_JSON + ";"), dom=w.dom, usid=uuid4())

    w = Who()
    App = w.app.capitalize()
    d = Doc("src-csharp", "csharp", f"code/{w.org.capitalize()}.{App}/src/{App}.Core/Services/PaymentGatewayClient.cs")
    d.tpl('''
        using System;
        using System.ComponentModel.DataAnnotations;
        using System.Data.SqlClient;
        using System.Net;
        using System.Net.Http;
        using System.Net.Http.Headers;
        using Microsoft.Extensions.Configuration;

        namespace «Org».«App».Core.Services
        {
            public class PaymentGatewayClient
            {
        S|        private const string ApiKey = "«sk»";
        T|        private const string ApiKeyHeader = "X-Api-Key";
                private readonly HttpClient _http;
                private readonly IConfiguration _config;

                public PaymentGatewayClient(HttpClient http, IConfiguration config)
                {
                    _http = http;
                    _config = config;
                    _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
                }

                public WebClient LegacyFtpClient()
                {
                    var client = new WebClient();
        S|            client.Credentials = new NetworkCredential("«ftpuser»", "«ftppw»");
                    return client;
                }

                public SqlConnection OpenAuditDb()
                {
        S|            return new SqlConnection("Data Source=«host»;Initial Catalog=Audit;User ID=audit_writer;Password=«sqlpw»;");
                }

                public string SigningKey()
                {
        T|            return _config["Jwt:Key"] ?? Environment.GetEnvironmentVariable("JWT_KEY") ?? string.Empty;
                }
            }

            public class LoginModel
            {
                [Required]
                [EmailAddress]
                public string Email { get; set; } = string.Empty;

                [Required]
        T|        [DataType(DataType.Password)]
        T|        [StringLength(100, MinimumLength = 12, ErrorMessage = "The password must be at least 12 characters long.")]
        T|        public string Password { get; set; } = string.Empty;

        T|        [Compare("Password", ErrorMessage = "The password and confirmation password do not match.")]
        T|        public string ConfirmPassword { get; set; } = string.Empty;
            }
        }
    ''', Org=w.org.capitalize(), App=App, sk=stripe_sk(), ftpuser=w.user.replace(".", ""), ftppw=password(F_JSON),
          host=w.host(), sqlpw=password(F_JSON + ";"))


# ===========================================================================
# source code: Ruby
# ===========================================================================

def g_ruby():
    w = Who()
    d = Doc("src-ruby", "ruby", f"code/{w.app}/config/initializers/stripe.rb")
    d.tpl('''
        # frozen_string_literal: true

        Rails.configuration.stripe = {
        T|  publishable_key: ENV["STRIPE_PUBLISHABLE_KEY"],
        T|  secret_key: ENV.fetch("STRIPE_SECRET_KEY", nil),
        T|  webhook_secret: Rails.application.credentials.dig(:stripe, :webhook_secret)
        }

        # Hot-fix 2023-11-03: credentials.yml.enc was out of date on the new hosts,
        # hard-coding until the rotation is done. -- «first»
        S|Stripe.api_key = "«sk»"
        Stripe.api_version = "2023-10-16"
        Stripe.max_network_retries = 2
        T|Stripe.log_level = Stripe::LEVEL_INFO unless Rails.env.production?

        StripeEvent.signing_secret = Rails.configuration.stripe[:webhook_secret]

        StripeEvent.configure do |events|
          events.subscribe "checkout.session.completed" do |event|
            Billing::CheckoutCompletedJob.perform_later(event.data.object.id)
          end
          events.subscribe "invoice.payment_failed" do |event|
            Billing::PaymentFailedJob.perform_later(event.data.object.id)
          end
        end
    ''', first=w.first, sk=stripe_sk())
    d.n("")
    d.tpl('''
        if Rails.env.development?
        T|  Rails.configuration.stripe[:secret_key] ||= "sk_test_placeholder"
        end
    ''')

    w = Who()
    d = Doc("src-ruby", "ruby", f"code/{w.app}/lib/tasks/sync.rake")
    d.tpl('''
        # frozen_string_literal: true

        require "net/http"
        require "octokit"
        require "redis"

        namespace :sync do
          desc "Mirror open issues from GitHub into the support queue"
          task issues: :environment do
        S|    client = Octokit::Client.new(access_token: "«gh»")
        T|    client.auto_paginate = true
        S|    redis = Redis.new(url: "redis://:«rpw»@«rhost»:6379/2")

            client.list_issues("«org»/«app»", state: "open").each do |issue|
              next if redis.sismember("synced_issues", issue.id)

              SupportTicket.create!(title: issue.title, body: issue.body, external_id: issue.id)
              redis.sadd("synced_issues", issue.id)
            end
          end

          desc "Push the daily digest to the mailing list"
          task digest: :environment do
            uri = URI("https://api.mailgun.net/v3/lists.«dom»/messages")
            req = Net::HTTP::Post.new(uri)
        S|    req.basic_auth "api", "«mg»"
            req.set_form_data(
              "from" => "digest@«dom»",
              "to" => "team@lists.«dom»",
              "subject" => "Daily digest #{Date.today}",
              "text" => Digest.build.to_s
            )
            Net::HTTP.start(uri.host, uri.port, use_ssl: true) { |http| http.request(req) }
          end

          desc "Rotate the API token used by the mobile app"
          task rotate_token: :environment do
        T|    old = ENV.fetch("MOBILE_API_TOKEN")
        T|    abort "MOBILE_API_TOKEN is empty" if old.to_s.empty?
        T|    new_token = SecureRandom.hex(32)
        T|    puts "rotated #{old[0, 4]}... -> #{new_token[0, 4]}..."
          end
        end
    ''', gh=ghp(), rpw=url_pw(), rhost=w.host("cache"), org=w.org, app=w.app, dom=w.dom, mg=mailgun_key())

    w = Who()
    d = Doc("src-ruby", "ruby", f"code/{w.app}/app/models/user.rb")
    d.tpl('''
        # frozen_string_literal: true

        class User < ApplicationRecord
        T|  has_secure_password
        T|  PASSWORD_FORMAT = /\\A(?=.*\\d)(?=.*[a-z])(?=.*[A-Z])(?=.*[[:^alnum:]])/x

        T|  # password_digest holds a bcrypt hash (see has_secure_password)
          has_many :sessions, dependent: :destroy
          has_many :api_keys, dependent: :destroy

          validates :email, presence: true, uniqueness: { case_sensitive: false }
        T|  validates :password, length: { minimum: 12 }, format: { with: PASSWORD_FORMAT }, allow_nil: true

          normalizes :email, with: ->(e) { e.strip.downcase }

        T|  def password_expired?
        T|    password_changed_at.nil? || password_changed_at < 90.days.ago
          end

          def self.authenticate_by_api_key(key)
            ApiKey.active.find_by(digest: Digest::SHA256.hexdigest(key))&.user
          end

          # Integration account used by the warehouse sync (see docs/integrations.md)
        S|  WAREHOUSE_API_TOKEN = "«tok»"

          def self.seed_demo!
            create!(
              email: "demo@«dom»",
        T|      password: Faker::Internet.password(min_length: 16, special_characters: true)
            )
          end
        end
    ''', tok=alnum_secret(40), dom=w.dom)


# ===========================================================================
# tricky-heavy companions: lockfiles, i18n, docs, server configs
# ===========================================================================

def g_lockfiles():
    w = Who()
    d = Doc("lockfiles", "gosum", f"code/{w.app}/go.sum")
    mods = ["github.com/davecgh/go-spew", "github.com/google/uuid", "github.com/lib/pq",
            "github.com/redis/go-redis/v9", "github.com/slack-go/slack", "github.com/stretchr/testify",
            "golang.org/x/crypto", "golang.org/x/net", "golang.org/x/sys", "golang.org/x/text",
            "gopkg.in/yaml.v3", "github.com/pmezard/go-difflib", "github.com/gorilla/websocket",
            "go.uber.org/zap", "github.com/cespare/xxhash/v2", "github.com/twilio/twilio-go",
            "go.mongodb.org/mongo-driver", "github.com/golang/snappy", "github.com/klauspost/compress",
            "github.com/dgryski/go-rendezvous"]
    for m in sorted(mods):
        v = f"v{version()}"
        d.t(f"{m} {v} h1:{b64(rb(32))}")
        d.t(f"{m} {v}/go.mod h1:{b64(rb(32))}")

    w = Who()
    d = Doc("lockfiles", "pipreq", f"code/{w.app}/requirements.txt")
    d.tpl('''
        #
        # This file is autogenerated by pip-compile with Python 3.11
        # by the following command:
        #
        #    pip-compile --generate-hashes --output-file=requirements.txt requirements.in
        #
    ''')
    pkgs = [("boto3", "requirements.in"), ("botocore", "boto3"), ("certifi", "requests"),
            ("charset-normalizer", "requests"), ("django", "requirements.in"), ("idna", "requests"),
            ("psycopg2-binary", "requirements.in"), ("requests", "requirements.in"),
            ("sqlparse", "django"), ("urllib3", "requests"), ("asgiref", "django"), ("jmespath", "boto3")]
    for name, via in sorted(pkgs):
        d.n(f"{name}=={version()} \\")
        k = R.randrange(1, 4)
        for i in range(k):
            d.t(f"    --hash=sha256:{sha256hex()}" + (" \\" if i < k - 1 else ""))
        d.n(f"    # via {'-r requirements.in' if via == 'requirements.in' else via}")

    w = Who()
    d = Doc("lockfiles", "yarnlock", f"code/{w.app}-web/yarn.lock")
    d.n("# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.")
    d.n("# yarn lockfile v1")
    d.n("")
    for p in ["@babel/code-frame", "@babel/highlight", "ansi-styles", "chalk", "color-convert",
              "escape-string-regexp", "has-flag", "js-tokens", "supports-color", "picocolors"]:
        ver = version()
        d.n("")
        d.n(f'"{p}@^{ver}":' if p.startswith("@") else f"{p}@^{ver}:")
        d.n(f'  version "{ver}"')
        tail = p.split("/")[-1]
        d.t(f'  resolved "https://registry.yarnpkg.com/{p}/-/{tail}-{ver}.tgz#{git_sha()}"')
        d.t(f"  integrity {integrity()}")

    w = Who()
    d = Doc("lockfiles", "cargolock", f"code/{w.app}-cli/Cargo.lock")
    d.tpl('''
        # This file is automatically @generated by Cargo.
        # It is not intended for manual editing.
        version = 3
    ''')
    for name in ["aho-corasick", "anyhow", "base64", "bitflags", "clap", "hmac", "memchr",
                 "regex", "serde", "sha2", "tokio"]:
        d.n("")
        d.n("[[package]]")
        d.n(f'name = "{name}"')
        d.n(f'version = "{version()}"')
        d.n('source = "registry+https://github.com/rust-lang/crates.io-index"')
        d.t(f'checksum = "{sha256hex()}"')
    d.n("")
    d.n("[[package]]")
    d.n(f'name = "{w.app}-cli"')
    d.n('version = "0.1.0"')


def g_i18n_docs():
    w = Who()
    d = Doc("docs-i18n", "i18n", f"code/{w.app}-web/src/locales/en.json")
    d.tpl('''
        {
          "auth": {
            "login": {
              "title": "Sign in",
              "email": "Email address",
        T|      "password": "Password",
        T|      "passwordPlaceholder": "Enter your password",
        T|      "forgot": "Forgot your password?",
              "submit": "Sign in",
        T|      "error": "Invalid email or password"
            },
            "register": {
              "title": "Create your account",
        T|      "passwordHint": "At least 12 characters, including a number and a symbol",
        T|      "confirmPassword": "Confirm password",
        T|      "passwordMismatch": "Passwords do not match",
        T|      "weakPassword": "This password is too common, please choose another one"
            },
            "apiKeys": {
        T|      "title": "API keys",
        T|      "create": "Create new secret key",
        T|      "copyWarning": "Copy your secret key now. You won't be able to see it again!",
        T|      "revoke": "Revoke token",
        T|      "masked": "sk_live_••••••••••••••••••••{last4}"
            }
          },
          "settings": {
            "profile": "Profile",
        T|    "security": "Password & security",
        T|    "twoFactor": "Two-factor authentication (TOTP secret shown once)",
            "language": "Language"
          }
        }
    ''')

    d = Doc("docs-i18n", "i18n", f"code/{w.app}-web/src/locales/de.json")
    d.tpl('''
        {
          "auth": {
            "login": {
              "title": "Anmelden",
              "email": "E-Mail-Adresse",
        T|      "password": "Passwort",
        T|      "passwordPlaceholder": "Passwort eingeben",
        T|      "forgot": "Passwort vergessen?",
              "submit": "Anmelden",
        T|      "error": "E-Mail oder Passwort ungültig"
            },
            "register": {
              "title": "Konto erstellen",
        T|      "passwordHint": "Mindestens 12 Zeichen, davon eine Ziffer und ein Sonderzeichen",
        T|      "confirmPassword": "Passwort bestätigen",
        T|      "passwordMismatch": "Die Passwörter stimmen nicht überein",
        T|      "weakPassword": "Dieses Passwort ist zu häufig – bitte ein anderes wählen"
            },
            "apiKeys": {
        T|      "title": "API-Schlüssel",
        T|      "create": "Neuen geheimen Schlüssel erstellen",
        T|      "copyWarning": "Kopieren Sie den Schlüssel jetzt – er wird nicht erneut angezeigt!",
        T|      "revoke": "Token widerrufen",
        T|      "masked": "sk_live_••••••••••••••••••••{last4}"
            }
          },
          "settings": {
            "profile": "Profil",
        T|    "security": "Passwort & Sicherheit",
            "language": "Sprache"
          }
        }
    ''')

    w = Who()
    d = Doc("docs-i18n", "i18n", f"code/{w.app}/config/locales/devise.en.yml")
    d.tpl('''
        # Additional translations at https://github.com/heartcombo/devise/wiki/I18n

        en:
          devise:
            confirmations:
              confirmed: "Your email address has been successfully confirmed."
              send_instructions: "You will receive an email with instructions for how to confirm your email address in a few minutes."
            failure:
              already_authenticated: "You are already signed in."
              inactive: "Your account is not activated yet."
        T|      invalid: "Invalid %{authentication_keys} or password."
              locked: "Your account is locked."
        T|      not_found_in_database: "Invalid %{authentication_keys} or password."
              timeout: "Your session expired. Please sign in again to continue."
              unauthenticated: "You need to sign in or sign up before continuing."
            mailer:
              confirmation_instructions:
                subject: "Confirmation instructions"
        T|      reset_password_instructions:
        T|        subject: "Reset password instructions"
              unlock_instructions:
                subject: "Unlock instructions"
        T|      password_change:
        T|        subject: "Password Changed"
            passwords:
        T|      no_token: "You can't access this page without coming from a password reset email. If you do come from a password reset email, please make sure you used the full URL provided."
        T|      send_instructions: "You will receive an email with instructions on how to reset your password in a few minutes."
        T|      send_paranoid_instructions: "If your email address exists in our database, you will receive a password recovery link at your email address in a few minutes."
        T|      updated: "Your password has been changed successfully. You are now signed in."
        T|      updated_not_active: "Your password has been changed successfully."
            registrations:
              destroyed: "Bye! Your account has been successfully cancelled. We hope to see you again soon."
              signed_up: "Welcome! You have signed up successfully."
        T|      update_needs_confirmation: "You updated your account successfully, but we need to verify your new email address."
            sessions:
              signed_in: "Signed in successfully."
              signed_out: "Signed out successfully."
          errors:
            messages:
              already_confirmed: "was already confirmed, please try signing in"
              expired: "has expired, please request a new one"
    ''')

    w = Who()
    d = Doc("docs-i18n", "readme", f"code/{w.app}/README.md")
    d.tpl('''
        # «app»

        Internal «app» service for «Org». Python 3.11, Django 4.2, Postgres 15.

        ## Configuration

        Copy `.env.example` to `.env` and fill in the values. Ask in #«app»-dev for access to the vault.

        | Variable | Description | Example |
        |----------|-------------|---------|
        T|| `DB_PASSWORD` | Postgres password | `<your-db-password>` |
        T|| `SECRET_KEY` | Django secret key, 50+ chars | `generate with openssl rand -hex 32` |
        T|| `STRIPE_SECRET_KEY` | Stripe secret key (starts with `sk_live_`) | `sk_live_...` |
        T|| `AWS_ACCESS_KEY_ID` | S3 uploads | `«exak»` |
        T|| `AWS_SECRET_ACCESS_KEY` | S3 uploads | `«exsk»` |
        T|| `GITHUB_TOKEN` | PAT with `repo` scope | `ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` |
        T|| `SLACK_WEBHOOK_URL` | deploy notifications | `https://hooks.slack.com/services/T000/B000/XXXX` |

        ## Running locally

        ```bash
        docker compose up -d db redis
        T|export PGPASSWORD='<password from your .env>'
        psql -h localhost -U «app» «app»
        T|curl -H "Authorization: Bearer $API_TOKEN" http://localhost:8000/api/me
        T|mysql -u root -p   # prompts for the password
        ```

        ## Authentication

        The API uses HS256 JWTs. Example token (from jwt.io, not valid here):

        T|    eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yQssw5c

        ## Security

        T|* Never commit `.env` -- the pre-commit hook will block files that contain secrets.
        T|* Passwords are hashed with Argon2id (`PASSWORD_HASHERS` in settings).
        T|* Rotate credentials with `make rotate-secrets`; the old keys stay valid for 24h.
        * Report vulnerabilities to security@«dom».

        ## Release

        T|Current release: v«ver» (commit `«sha»`).
    ''', app=w.app, Org=w.org.capitalize(), exak=EX_AKID, exsk=EX_AWS_SECRET, dom=w.dom, ver=version(),
          sha=git_sha())

    w = Who()
    d = Doc("docs-i18n", "changelog", f"code/{w.app}/CHANGELOG.md")
    d.n("# Changelog")
    d.n("")
    msgs = [("auth", "don't log the password reset token"), ("deps", "bump cryptography"),
            (None, "rotate leaked staging key (incident INC-{n})"), ("api", "return 401 instead of 500 for expired tokens"),
            ("ui", "show password strength meter"), ("db", "add index on users.email"),
            (None, "mask API keys in admin list view"), ("ci", "pin actions to commit SHAs"),
            ("auth", "enforce 12 character minimum password length"), (None, "fix typo in README")]
    R.shuffle(msgs)
    major, minor = R.randrange(1, 4), R.randrange(0, 9)
    i = 0
    for rel in range(4):
        v_new = f"{major}.{minor}.{3 - rel}"
        v_old = f"{major}.{minor}.{2 - rel}" if rel < 3 else f"{major}.{minor - 1 if minor else 0}.9"
        d.n(f"## [{v_new}](https://github.com/{w.org}/{w.app}/compare/v{v_old}...v{v_new}) ({sql_date()[:10]})")
        d.n("")
        d.n(pick(["### Bug Fixes", "### Features"]))
        d.n("")
        for _ in range(R.randrange(2, 4)):
            scope, m = msgs[i % len(msgs)]
            i += 1
            sha = git_sha()
            pre = f"**{scope}:** " if scope else ""
            d.t(f"* {pre}{m.format(n=R.randrange(100, 999))} ([{sha[:7]}](https://github.com/{w.org}/{w.app}/commit/{sha}))")
        d.n("")

    w = Who()
    d = Doc("docs-i18n", "html", f"code/{w.app}-web/public/index.html")
    d.tpl('''
        <!doctype html>
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
        T|    <meta name="theme-color" content="«col»" />
        T|    <meta name="google-site-verification" content="«gsv»" />
            <title>«App»</title>
        T|    <link rel="icon" href="«png»" />
        T|    <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/css/bootstrap.min.css" integrity="sha384-«sri1»" crossorigin="anonymous" />
        T|    <script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/js/bootstrap.bundle.min.js" integrity="sha384-«sri2»" crossorigin="anonymous"></script>
        T|    <script async src="https://www.googletagmanager.com/gtag/js?id=G-«gid»"></script>
          </head>
          <body>
            <noscript>You need to enable JavaScript to run this app.</noscript>
            <div id="root"></div>
            <form id="fallback-login" method="post" action="/login" hidden>
              <input type="email" name="email" autocomplete="username" />
        T|      <input type="password" name="password" autocomplete="current-password" placeholder="Password" />
        T|      <input type="hidden" name="build" value="«sha»" />
              <button type="submit">Sign in</button>
            </form>
          </body>
        </html>
    ''', col=css_color(), gsv=rs(B64URL, 43), App=w.app.capitalize(), png=png_data_uri(60),
          sri1=b64(rb(48)), sri2=b64(rb(48)), gid=rs(UP + DG, 10), sha=git_sha())

    w = Who()
    d = Doc("src-python", "py", f"code/{w.app}/{w.app}/security/passwords.py")
    d.tpl('''
        """Password strength checks used at signup (mirrors the policy in SECURITY.md)."""
        from __future__ import annotations

        import math
        import re

        T|MIN_LENGTH = 12
        T|MAX_LENGTH = 128

        # Top entries from public breach corpora -- rejected outright.
        T|COMMON_PASSWORDS = frozenset({
        T|    "123456",
        T|    "password",
        T|    "123456789",
        T|    "qwerty",
        T|    "letmein",
        T|    "iloveyou",
        T|    "admin",
        T|    "welcome",
        T|    "Password1",
        T|    "Summer2024!",
        T|    "P@ssw0rd",
        T|    "changeme",
        })


        T|def password_entropy(password: str) -> float:
            pool = 0
        T|    if re.search(r"[a-z]", password):
                pool += 26
        T|    if re.search(r"[A-Z]", password):
                pool += 26
        T|    if re.search(r"\\d", password):
                pool += 10
        T|    if re.search(r"[^A-Za-z0-9]", password):
                pool += 33
        T|    return len(password) * math.log2(pool or 1)


        T|def validate_password(password: str) -> list[str]:
            errors = []
        T|    if len(password) < MIN_LENGTH:
        T|        errors.append(f"Password must be at least {MIN_LENGTH} characters.")
        T|    if password in COMMON_PASSWORDS:
        T|        errors.append("This password is too common.")
        T|    if password_entropy(password) < 50:
                errors.append("Please choose a less predictable password.")
            return errors
    ''')


def g_server():
    w = Who()
    d = Doc("server-config", "sshd", "etc/ssh/sshd_config")
    d.tpl('''
        # This is the sshd server system-wide configuration file.  See
        # sshd_config(5) for more information.

        Include /etc/ssh/sshd_config.d/*.conf

        Port «port»
        #AddressFamily any
        ListenAddress 0.0.0.0

        T|HostKey /etc/ssh/ssh_host_ed25519_key
        T|HostKey /etc/ssh/ssh_host_rsa_key

        # Authentication:
        LoginGraceTime 30
        T|PermitRootLogin prohibit-password
        MaxAuthTries 3
        T|PubkeyAuthentication yes
        T|AuthorizedKeysFile .ssh/authorized_keys .ssh/authorized_keys2

        # To disable tunneled clear text passwords, change to no here!
        T|PasswordAuthentication no
        T|PermitEmptyPasswords no
        T|KbdInteractiveAuthentication no

        UsePAM yes
        X11Forwarding no
        PrintMotd no
        AcceptEnv LANG LC_*
        Subsystem sftp /usr/lib/openssh/sftp-server

        Match User backup
        T|    ForceCommand internal-sftp
        T|    PasswordAuthentication yes
            ChrootDirectory /srv/backup
    ''', port=pick([22, 22, 2222]))

    w = Who()
    d = Doc("server-config", "nginx", f"etc/nginx/sites-available/{w.app}.conf")
    d.tpl('''
        upstream «app»_backend {
            server 127.0.0.1:8000;
            keepalive 16;
        }

        server {
            listen 80;
            server_name «app».«dom»;
            return 301 https://$host$request_uri;
        }

        server {
            listen 443 ssl http2;
            server_name «app».«dom»;

        T|    ssl_certificate     /etc/letsencrypt/live/«app».«dom»/fullchain.pem;
        T|    ssl_certificate_key /etc/letsencrypt/live/«app».«dom»/privkey.pem;
        T|    ssl_password_file   /etc/nginx/ssl/passphrases;
            ssl_protocols TLSv1.2 TLSv1.3;

            location / {
                proxy_pass http://«app»_backend;
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            }

            location /admin/ {
        T|        auth_basic           "Restricted";
        T|        auth_basic_user_file /etc/nginx/.htpasswd;
                proxy_pass http://«app»_backend;
            }

            # partner API does not support OAuth, so we inject their basic auth here
            location /partner/ {
                proxy_pass https://api.«partner»/v2/;
        S|        proxy_set_header Authorization "Basic «basic»";
        S|        proxy_set_header X-Api-Key "«key»";
            }

            location /grafana/ {
                proxy_pass http://127.0.0.1:3000/;
        T|        proxy_set_header Authorization "";
            }

            add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
        T|    add_header Content-Security-Policy "default-src 'self'; script-src 'self' 'sha256-«csp»'" always;
        }
    ''', app=w.app, dom=w.dom, partner=f"{pick(ORGS)}-partners.com", basic=reg(b64s(f"{w.org}:{password('')}")),
          key=hex_secret(40), csp=b64(rb(32)))

    d = Doc("shadow", "htpasswd", "etc/nginx/.htpasswd")
    others = [f for f in FIRST if f != w.first]
    for u, kind in [("admin", "apr1"), (w.first, "bcrypt"), ("monitor", "sha"), ("deploy", "apr1"),
                    (pick(others), "bcrypt"), ("qa", "apr1")]:
        if kind == "apr1":
            hv = reg(f"$apr1${rs(CRYPT, 8)}${rs(CRYPT, 22)}")
        elif kind == "sha":
            hv = reg("{SHA}" + b64(rb(20)))
        else:
            hv = h_bcrypt("2y", 5)
        d.s(f"{u}:{hv}")

    d = Doc("shadow", "gshadow", "etc/gshadow")
    users = [pick(FIRST) for _ in range(3)]
    for g in ["root", "daemon", "bin", "sys", "adm", "tty", "disk", "lp", "mail", "news", "uucp",
              "man", "proxy", "kmem", "dialout", "cdrom", "sudo", "audio", "www-data", "backup",
              "operator", "src", "shadow", "utmp", "video", "plugdev", "staff", "users", "nogroup",
              "systemd-journal", "systemd-network", "netdev", "ssh", "docker", "lxd"] + users:
        members = ""
        if g in ("adm", "sudo"):
            members = ",".join(users[:2])
        elif g == "docker":
            members = ",".join(users + ["deploy"])
        mark = "!" if g in users or g in ("docker", "lxd", "netdev", "ssh", "systemd-journal", "systemd-network") else "*"
        d.t(f"{g}:{mark}::{members}")

    w = Who()
    d = Doc("docker-config", "compose", f"opt/{w.app}/docker-compose.yml")
    d.tpl('''
        services:
          db:
            image: postgres:16-alpine
            restart: unless-stopped
            environment:
              POSTGRES_USER: ${POSTGRES_USER:-«app»}
        T|      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}
              POSTGRES_DB: «app»
            volumes:
              - pgdata:/var/lib/postgresql/data

          redis:
            image: redis:7-alpine
        T|    command: ["redis-server", "--requirepass", "${REDIS_PASSWORD}"]

          minio:
            image: minio/minio:RELEASE.2024-01-16T16-07-38Z
            command: server /data --console-address ":9001"
            environment:
              MINIO_ROOT_USER: «app»-admin
        S|      MINIO_ROOT_PASSWORD: "«minpw»"

          app:
            build: .
        T|    image: ghcr.io/«org»/«app»@sha256:«dig»
            depends_on: [db, redis]
            environment:
        T|      DATABASE_URL: postgres://«app»:${POSTGRES_PASSWORD}@db:5432/«app»
        T|      REDIS_URL: redis://:${REDIS_PASSWORD}@redis:6379/0
        T|      SECRET_KEY_FILE: /run/secrets/django_secret
        T|      AWS_ACCESS_KEY_ID: «app»-admin
        T|      AWS_SECRET_ACCESS_KEY: ${MINIO_ROOT_PASSWORD}
            secrets:
        T|      - django_secret
            ports:
              - "8000:8000"

        volumes:
          pgdata:

        secrets:
        T|  django_secret:
        T|    file: ./secrets/django_secret.txt
    ''', app=w.app, minpw=password(F_JSON + "$"), org=w.org, dig=sha256hex())

    w = Who()
    d = Doc("dotenv", "env", f"code/{w.app}/.env.template")
    d.tpl('''
        # .env.template -- rendered by `make env` from 1Password (op inject)
        T|DATABASE_URL=postgres://«app»:{{ op://«org»-dev/«app»-db/password }}@localhost:5432/«app»
        T|REDIS_PASSWORD={{ op://«org»-dev/«app»-redis/password }}
        T|SECRET_KEY={{ op://«org»-dev/«app»-django/secret_key }}
        T|STRIPE_SECRET_KEY={{ op://«org»-dev/stripe/test_secret_key }}
        T|SENDGRID_API_KEY=${SENDGRID_API_KEY}
        T|OPENAI_API_KEY=
        T|GITHUB_APP_PRIVATE_KEY_PATH=./secrets/github-app.pem
        T|GITHUB_APP_ID=«ghid»
        T|GITHUB_WEBHOOK_SECRET=%(github_webhook_secret)s
        T|JWT_PUBLIC_KEY_PATH=./keys/jwt.pub
        T|SESSION_SECRET=$SESSION_SECRET
        T|ADMIN_PASSWORD=change-me-on-first-login
        T|SMTP_PASSWORD=xxxxxxxx
        T|S3_ACCESS_KEY=REPLACE_ME
        T|S3_SECRET_KEY=REPLACE_ME
        T|SENTRY_RELEASE=«sha»
        T|REQUEST_ID_HEADER=X-Request-Id
        T|TRACE_SAMPLE_SEED=«seed»
        LOG_LEVEL=debug
        TZ=UTC
    ''', app=w.app, org=w.org, ghid=R.randrange(100000, 999999), sha=git_sha(), seed=long_id())


# ===========================================================================
# more negatives / tricky-rich companions
# ===========================================================================

def g_more():
    # .terraform.lock.hcl
    w = Who()
    d = Doc("terraform", "tflock", f"infra/{w.app}/.terraform.lock.hcl")
    d.n("# This file is maintained automatically by \"terraform init\".")
    d.n("# Manual edits may be lost in future updates.")
    for prov, cons in [("hashicorp/aws", "~> 5.0"), ("hashicorp/random", "~> 3.5"),
                       ("integrations/github", "~> 6.0"), ("hashicorp/kubernetes", ">= 2.20.0")]:
        d.n("")
        d.n(f'provider "registry.terraform.io/{prov}" {{')
        d.n(f'  version     = "{version()}"')
        d.n(f'  constraints = "{cons}"')
        d.n("  hashes = [")
        d.t(f'    "h1:{b64(rb(32))}",')
        for _ in range(R.randrange(4, 7)):
            d.t(f'    "zh:{sha256hex()}",')
        d.n("  ]")
        d.n("}")

    # fully vault-encrypted vars file
    w = Who()
    d = Doc("ansible", "ansible", "infra/ansible/group_vars/prod/vault.yml")
    d.t(vault_block("", R.randrange(20, 28)))

    # SealedSecret (encrypted for the cluster's controller key -- safe to commit)
    w = Who()
    d = Doc("kubernetes", "sealed", f"infra/{w.org}-gitops/apps/{w.app}/sealedsecret.yaml")
    d.tpl('''
        apiVersion: bitnami.com/v1alpha1
        kind: SealedSecret
        metadata:
          creationTimestamp: null
          name: «app»-db
          namespace: «app»
          labels:
            app.kubernetes.io/name: «app»
            app.kubernetes.io/managed-by: kubeseal
          annotations:
        T|    sealedsecrets.bitnami.com/namespace-wide: "false"
        spec:
          encryptedData:
        T|    DB_PASSWORD: «e1»
        T|    DB_USER: «e2»
        T|    DATABASE_URL: «e3»
        T|    STRIPE_SECRET_KEY: «e4»
          template:
            metadata:
              creationTimestamp: null
              name: «app»-db
              namespace: «app»
            type: Opaque
    ''', app=w.app, e1="Ag" + b64(rb(380)), e2="Ag" + b64(rb(300)), e3="Ag" + b64(rb(420)),
          e4="Ag" + b64(rb(400)))

    # ~/.ssh/config
    w = Who()
    d = Doc("pem-key", "sshconfig", f"{w.home}/.ssh/config")
    d.tpl('''
        Host *
            AddKeysToAgent yes
            ServerAliveInterval 60
        T|    IdentitiesOnly yes
        T|    IdentityFile ~/.ssh/id_ed25519

        Host bastion
            HostName bastion.«dom»
            User «user»
        T|    IdentityFile ~/.ssh/«org»_bastion_ed25519
        T|    CertificateFile ~/.ssh/«org»_bastion_ed25519-cert.pub

        Host db-* app-*
            ProxyJump bastion
            User ubuntu
        T|    IdentityFile ~/.ssh/«org»-prod.pem

        Host github.com
            HostName github.com
            User git
        T|    IdentityFile ~/.ssh/id_ed25519_github

        Host legacy-ftp
            HostName ftp.«dom»
            User «user»
        T|    PreferredAuthentications password
        T|    PubkeyAuthentication no
            # password is in KeePass under "legacy ftp"

        Host nas
            HostName 192.168.1.«n»
            Port 2222
        T|    UserKnownHostsFile /dev/null
            StrictHostKeyChecking no
    ''', dom=w.dom, user=w.first, org=w.org, n=R.randrange(2, 250))

    # second .env.example (Node / Rails flavour)
    w = Who()
    d = Doc("dotenv", "env", f"code/{w.app}-api/.env.sample")
    d.tpl('''
        # Sample environment -- copy to .env.development.local
        NODE_ENV=development
        PORT=3000
        T|DATABASE_URL=postgres://postgres:<password>@localhost:5432/«app»_dev
        T|REDIS_URL=redis://:<redis-password>@localhost:6379
        T|JWT_SECRET=<at least 64 random characters>
        T|JWT_REFRESH_SECRET=
        T|COOKIE_SECRET=your-cookie-secret
        T|GITHUB_CLIENT_ID=Iv1.0000000000000000
        T|GITHUB_CLIENT_SECRET=0000000000000000000000000000000000000000
        T|SLACK_BOT_TOKEN=xoxb-your-token
        T|SLACK_SIGNING_SECRET=
        T|TWILIO_ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
        T|TWILIO_AUTH_TOKEN=your_auth_token
        T|SENDGRID_API_KEY=SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
        T|OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
        T|GOOGLE_MAPS_API_KEY=AIzaSy_REPLACE_WITH_YOUR_KEY_000000000
        T|DB_PASSWORD_MIN_LENGTH=16
        LOG_FORMAT=pretty
        T|# never put real credentials in this file -- it is committed
    ''', app=w.app)

    # Drupal-style settings with placeholders
    w = Who()
    d = Doc("php", "drupal", f"var/www/{w.org}-portal/web/sites/default/default.settings.local.php")
    d.tpl('''
        <?php

        /**
         * @file
         * Local development override configuration feature.
         *
         * To activate this feature, copy and rename it such that its path plus
         * filename is 'sites/default/settings.local.php'.
         */

        $databases['default']['default'] = [
          'database' => 'drupal',
          'username' => 'drupal',
        T|  'password' => '',
          'prefix' => '',
          'host' => 'localhost',
          'port' => '3306',
          'driver' => 'mysql',
        ];

        /**
         * Salt for one-time login links, cancel links, form tokens, etc.
         *
         * Example:
        T| *   $settings['hash_salt'] = file_get_contents('/home/example/salt.txt');
         */
        T|$settings['hash_salt'] = getenv('DRUPAL_HASH_SALT');

        T|$config['smtp.settings']['smtp_password'] = getenv('SMTP_PASSWORD') ?: '';
        T|$config['system.site']['uuid'] = '«uuid»';
        T|$settings['config_sync_directory'] = '../config/sync';
        T|$settings['trusted_host_patterns'] = ['^«re»$'];
        $settings['container_yamls'][] = DRUPAL_ROOT . '/sites/development.services.yml';
        $config['system.logging']['error_level'] = 'verbose';
        T|$config['user.settings']['password_strength'] = TRUE;
        T|$settings['update_free_access'] = FALSE;
        T|// $settings['reverse_proxy_trusted_headers'] = ...;
        T|$settings['file_private_path'] = '/var/private/«org»';
    ''', uuid=uuid4(), re=w.dom.replace(".", "\\\\."), org=w.org)

    # OpenAPI spec
    w = Who()
    d = Doc("docs-i18n", "openapi", f"code/{w.app}/docs/openapi.yaml")
    d.tpl('''
        openapi: 3.0.3
        info:
          title: «App» API
          version: «ver»
        servers:
          - url: https://api.«dom»/v1
        security:
        T|  - bearerAuth: []
        T|  - apiKeyAuth: []
        paths:
          /auth/token:
            post:
              summary: Exchange credentials for an access token
              requestBody:
                content:
                  application/json:
                    schema:
        T|              $ref: "#/components/schemas/PasswordGrant"
              responses:
                "200":
        T|          description: Access token issued
        components:
          securitySchemes:
            bearerAuth:
              type: http
              scheme: bearer
        T|      bearerFormat: JWT
            apiKeyAuth:
        T|      type: apiKey
              in: header
        T|      name: X-API-Key
          schemas:
        T|    PasswordGrant:
              type: object
        T|      required: [username, password]
              properties:
                username:
                  type: string
        T|        password:
                  type: string
        T|          format: password
        T|          minLength: 12
        T|          example: "********"
        T|    TokenResponse:
              type: object
              properties:
        T|        access_token:
                  type: string
        T|          example: "<access-token>"
        T|        expires_in:
                  type: integer
                  example: 3600
    ''', App=w.app.capitalize(), ver=version(), dom=w.dom)

    # release workflow: only secret references
    w = Who()
    d = Doc("ci", "gha", f"code/{w.app}/.github/workflows/release.yml")
    d.tpl('''
        name: Release
        on:
          push:
            tags: ["v*"]
        permissions:
          contents: write
          packages: write
          id-token: write
        jobs:
          release:
            runs-on: ubuntu-latest
            environment: production
            steps:
        T|      - uses: actions/checkout@«sha1» # v4
        T|      - uses: docker/login-action@«sha2» # v3
                with:
                  registry: ghcr.io
                  username: ${{ github.actor }}
        T|          password: ${{ secrets.GITHUB_TOKEN }}
        T|      - uses: aws-actions/configure-aws-credentials@«sha3» # v4
                with:
        T|          role-to-assume: arn:aws:iam::«acct»:role/github-release
                  aws-region: eu-west-1
              - name: Publish to npm
                run: npm publish --provenance --access public
                env:
        T|          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
              - name: Upload to PyPI
        T|        run: twine upload -u __token__ -p "$PYPI_TOKEN" dist/*
                env:
        T|          PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}
              - name: Sign artifacts
        T|        run: cosign sign --yes ghcr.io/«org»/«app»@${{ steps.build.outputs.digest }}
              - name: Create release
                env:
        T|          GH_TOKEN: ${{ github.token }}
                run: gh release create "$GITHUB_REF_NAME" --generate-notes
    ''', sha1=git_sha(), sha2=git_sha(), sha3=git_sha(), acct=aws_account(), org=w.org, app=w.app)


def g_more2():
    w = Who()
    d = Doc("maven-gradle", "gradle", f"code/{w.app}/build.gradle.kts")
    d.tpl('''
        plugins {
            `java-library`
            `maven-publish`
            signing
            id("org.springframework.boot") version "3.2.2"
        }

        group = "com.«org»"
        version = "«ver»"

        repositories {
            mavenCentral()
            maven {
                url = uri("https://«nexus»/repository/maven-releases/")
                credentials {
        T|            username = project.findProperty("«org»RepoUser") as String? ?: System.getenv("REPO_USER")
        T|            password = project.findProperty("«org»RepoPassword") as String? ?: System.getenv("REPO_PASSWORD")
                }
            }
        }

        publishing {
            repositories {
                maven {
                    name = "GitHubPackages"
                    url = uri("https://maven.pkg.github.com/«org»/«app»")
                    credentials {
        T|                username = System.getenv("GITHUB_ACTOR")
        T|                password = System.getenv("GITHUB_TOKEN")
                    }
                }
            }
        }

        signing {
        T|    val signingKey: String? by project
        T|    val signingPassword: String? by project
        T|    useInMemoryPgpKeys(signingKey, signingPassword)
            sign(publishing.publications)
        }

        dependencies {
            implementation("org.springframework.boot:spring-boot-starter-security")
        T|    implementation("org.passay:passay:1.6.4")
            testImplementation("org.springframework.boot:spring-boot-starter-test")
        }

        tasks.test {
            useJUnitPlatform()
        T|    environment("TEST_DB_PASSWORD", "test")
        T|    systemProperty("jwt.secret", "unit-test-secret-not-used-in-prod")
        }
    ''', org=w.org, ver=version(), nexus=w.host("repo"), app=w.app)

    w = Who()
    ts0 = sql_date()[:10]
    d = Doc("logs", "applog", f"srv/{w.app}/logs/{w.app}-{ts0}.log")
    clock = [R.randrange(6 * 3600, 8 * 3600) * 1000]

    def ts():
        clock[0] += R.randrange(5, 240000)
        t = clock[0]
        return f"{ts0}T{t // 3600000 % 24:02d}:{t // 60000 % 60:02d}:{t // 1000 % 60:02d}.{t % 1000:03d}Z"
    lines = []
    lines.append(("", f"{ts()} INFO  [main] c.{w.org}.{w.app}.Application : Starting Application v{version()} using Java 17.0.9"))
    lines.append(("T", f"{ts()} INFO  [main] c.{w.org}.{w.app}.Application : build commit {git_sha()}"))
    lines.append(("", f"{ts()} INFO  [main] o.s.b.w.e.tomcat.TomcatWebServer : Tomcat initialized with port(s): 8080 (http)"))
    lines.append(("T", f"{ts()} INFO  [main] c.z.hikari.HikariDataSource : HikariPool-1 - Starting... url=jdbc:postgresql://{w.host()}:5432/{w.app} user={w.app} password=********"))
    lines.append(("S", f"{ts()} DEBUG [main] c.{w.org}.{w.app}.config.Env : DATABASE_URL=postgres://{w.app}:{url_pw()}@{w.host()}:5432/{w.app}"))
    lines.append(("S", f"{ts()} WARN  [main] o.s.b.a.s.s.UserDetailsServiceAutoConfiguration : Using generated security password: {reg(uuid4())}"))
    lines.append(("", f"{ts()} INFO  [main] c.{w.org}.{w.app}.Application : Started Application in 6.731 seconds"))
    n_req = R.randrange(22, 30)
    leak_at = R.randrange(3, n_req - 3)
    for j in range(n_req):
        if j == leak_at:
            lines.append(("S", f"{ts()} ERROR [http-nio-8080-exec-{R.randrange(1, 10)}] c.{w.org}.{w.app}.pay.StripeClient : request failed, headers={{Authorization=Bearer {stripe_sk()}, Idempotency-Key={uuid4()}}}"))
        rid = uuid4()
        kind = R.randrange(7)
        if kind == 0:
            lines.append(("T", f"{ts()} INFO  [http-nio-8080-exec-{R.randrange(1, 10)}] a.RequestLog : request_id={rid} POST /api/login 401 user={pick(FIRST)}@{w.dom} reason=bad_password"))
        elif kind == 1:
            lines.append(("T", f"{ts()} INFO  [http-nio-8080-exec-{R.randrange(1, 10)}] a.RequestLog : request_id={rid} GET /api/orders 200 auth=Bearer ***{rs(ALNUM, 4)}"))
        elif kind == 2:
            lines.append(("T", f"{ts()} INFO  [scheduling-1] c.{w.org}.{w.app}.jobs.Export : uploaded export.csv sha256={sha256hex()}"))
        elif kind == 3:
            lines.append(("T", f"{ts()} WARN  [http-nio-8080-exec-{R.randrange(1, 10)}] c.{w.org}.{w.app}.auth.PasswordPolicy : password rejected for user_id={long_id()}: too short (min 12)"))
        elif kind == 4:
            lines.append(("T", f"{ts()} INFO  [http-nio-8080-exec-{R.randrange(1, 10)}] a.RequestLog : request_id={rid} POST /api/tokens 201 token_id=tok_{rs(ALNUM, 14)} (secret not logged)"))
        elif kind == 5:
            lines.append(("", f"{ts()} INFO  [http-nio-8080-exec-{R.randrange(1, 10)}] a.RequestLog : request_id={rid} GET /health 200 {R.randrange(1, 40)}ms"))
        else:
            lines.append(("T", f"{ts()} DEBUG [kafka-consumer-1] c.{w.org}.{w.app}.events.Consumer : trace_id={rs(HEXL, 32)} span_id={rs(HEXL, 16)} offset={R.randrange(1000, 99999)}"))
    d.items(lines)


def g_more3():
    w = Who()
    d = Doc("src-js-ts", "css", f"code/{w.app}-web/src/styles/theme.css")
    d.n("/* Design tokens -- generated from Figma, do not edit by hand */")
    d.n(":root {")
    for name in ["primary", "primary-hover", "secondary", "accent", "success", "warning", "danger",
                 "info", "surface", "surface-alt", "border", "text", "text-muted", "link",
                 "focus-ring", "code-bg"]:
        d.t(f"  --color-{name}: {css_color()};")
    d.n("  --radius-sm: 4px;")
    d.n("  --radius-md: 8px;")
    d.n("  --font-sans: \"Inter\", system-ui, sans-serif;")
    d.n("}")
    d.n("")
    d.n(".login-form input[type=\"password\"] {")
    d.t(f"  border: 1px solid {css_color()};")
    d.n("  letter-spacing: 0.2em;")
    d.n("}")
    d.n("")
    d.n(".brand-logo {")
    d.t(f"  background-image: url(\"{png_data_uri(70)}\");")
    d.n("  background-size: contain;")
    d.n("}")
    d.n("")
    d.n("@media (prefers-color-scheme: dark) {")
    d.n("  :root {")
    for name in ["surface", "text", "border"]:
        d.t(f"    --color-{name}: {css_color()};")
    d.n("  }")
    d.n("}")


# ===========================================================================
# verification, output, summary
# ===========================================================================

GENERATORS = [g_shell, g_env, g_netrc, g_npmrc, g_pypirc, g_pgpass, g_git, g_mycnf, g_docker,
              g_php, g_django, g_rails, g_spring, g_filezilla, g_dbeaver, g_jetbrains, g_maven,
              g_nuget, g_sql, g_shadow, g_passwd, g_ppk, g_pem, g_cloud, g_k8s, g_terraform,
              g_ansible, g_ci, g_python, g_js, g_go, g_java, g_csharp, g_ruby, g_lockfiles,
              g_i18n_docs, g_server, g_more, g_more2, g_more3]


def verify(d: Doc) -> list[str]:
    problems = []
    n = len(d.lines)
    in_secret: set[int] = set()
    for a, b in d.secrets:
        if not (1 <= a <= b <= n):
            problems.append(f"range [{a},{b}] outside 1..{n}")
        rng = set(range(a, b + 1))
        if rng & in_secret:
            problems.append(f"overlapping range [{a},{b}]")
        in_secret |= rng
    if in_secret & d.tricky:
        problems.append(f"lines both secret and tricky: {sorted(in_secret & d.tricky)}")
    for i in d.tricky:
        if not d.lines[i - 1].strip():
            problems.append(f"blank tricky line {i}")
    for a, b in d.secrets:
        if not "".join(d.lines[a - 1:b]).strip():
            problems.append(f"blank secret range [{a},{b}]")
    for i, line in enumerate(d.lines, 1):
        if "\n" in line or "\r" in line:
            problems.append(f"embedded newline in line {i}")
        if "«" in line or "»" in line:
            problems.append(f"unfilled template slot in line {i}")
    vals = [v for v in SECRET_VALUES if len(v) >= 8]
    for i, line in enumerate(d.lines, 1):
        if i in in_secret:
            continue
        for v in vals:
            if v in line:
                problems.append(f"registered secret value outside a range at line {i}: {line[:80]}")
                break
    for a, b in d.secrets:
        if a == b:
            line = d.lines[a - 1]
            if not any(v in line for v in SECRET_VALUES if len(v) >= 6):
                problems.append(f"one-line secret without a registered value at line {a}: {line[:80]}")
    return problems


def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> int:
    for g in GENERATORS:
        g()

    failures = []
    for d in CASES:
        for p in verify(d):
            failures.append(f"{d.key}: {p}")
    keys = [d.key for d in CASES]
    if len(set(keys)) != len(keys):
        failures.append("duplicate label keys")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        print(f"{len(failures)} verification problem(s); nothing written", file=sys.stderr)
        return 1

    if OUT_DIR.exists():
        shutil.rmtree(OUT_DIR)
    for d in CASES:
        path = OUT_DIR / d.case / (d.relpath + ".rot13")
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "\n".join(d.lines) + "\n"
        path.write_text(codecs.encode(text, "rot13"), encoding="utf-8", newline="\n")

    out = []
    for d in CASES:
        out.append(f"[{toml_str(d.key)}]")
        out.append("secrets = [" + ", ".join(f"[{a}, {b}]" for a, b in sorted(d.secrets)) + "]")
        out.append(f"tricky = {len(d.tricky)}")
        out.append("")
    LABELS_PATH.write_text("\n".join(out), encoding="utf-8", newline="\n")

    # round-trip check of what was written
    parsed = tomllib.loads(LABELS_PATH.read_text(encoding="utf-8"))
    assert len(parsed) == len(CASES)
    for d in CASES:
        entry = parsed[d.key]
        assert entry["secrets"] == [list(r) for r in sorted(d.secrets)]
        assert entry["tricky"] == len(d.tricky)
        back = codecs.decode((OUT_DIR / d.case / (d.relpath + ".rot13")).read_text(encoding="utf-8"), "rot13")
        assert back.split("\n")[:-1] == d.lines

    # summary
    kinds: dict[str, list[int]] = {}
    for d in CASES:
        k = kinds.setdefault(d.kind, [0, 0, 0, 0])
        k[0] += 1
        k[1] += len(d.secrets)
        k[2] += len(d.tricky)
        k[3] += len(d.lines)
    tot_s = sum(len(d.secrets) for d in CASES)
    tot_t = sum(len(d.tricky) for d in CASES)
    tot_l = sum(len(d.lines) for d in CASES)
    print(f"holdout-a (seed {SEED}): {len(CASES)} files, {tot_l} lines, {tot_s} secret ranges, "
          f"{tot_t} tricky lines (ratio {tot_t / max(tot_s, 1):.2f})")
    print(f"{'type':<16} {'files':>5} {'secrets':>8} {'share':>6} {'tricky':>7} {'lines':>6}")
    for kind, (f, s, t, l) in kinds.items():
        print(f"{kind:<16} {f:>5} {s:>8} {100 * s / tot_s:>5.1f}% {t:>7} {l:>6}")
    short = [(d.key, len(d.lines)) for d in CASES if not 20 <= len(d.lines) <= 120]
    if short:
        print("files outside 20..120 lines:")
        for k, n in short:
            print(f"  {n:>4}  {k}")
    over = [k for k, v in kinds.items() if v[1] > 0.15 * tot_s]
    if over:
        print("WARNING: types above 15% of secrets:", ", ".join(over))
    print("judgement calls:")
    for j in JUDGEMENT_CALLS:
        print("  -", j)
    print(f"wrote {OUT_DIR.relative_to(HERE.parent.parent)} and {LABELS_PATH.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
