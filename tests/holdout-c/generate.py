#!/usr/bin/env python3
"""
holdout-c -- blind, independently written test set for the leakguard secret scanner.

Run:  python3 tests/holdout-c/generate.py
It deletes and rewrites tests/holdout-c/files/ and tests/holdout-c/labels.toml.

WHAT IT IS
  Realistic files of the kind a security team finds in leaked repositories and
  home-directory backups (shell profiles and history, crontabs, .env files,
  dotfiles, PHP/Python/Ruby/Java/... configs and source, XML tool configs, SQL
  dumps, /etc/shadow, htpasswd, keys, kubeconfig, Helm, Terraform, Ansible, CI
  pipelines, Postman/HAR/log captures, notebooks, lock files, docs).  Every
  credential is FAKE: generated from random.Random(31337) in shapes taken from
  general knowledge of what such values look like (checksums are not valid).
  Nothing here was derived from leakguard's rules or tests, or from any other
  scanner's rules or test data.

  Each file is stored ROT13-encoded (codecs 'rot13': only a-z/A-Z rotate) at
  files/<case-dir>/<relative path>.rot13 so that the plaintext never sits in the
  working tree.  labels.toml has one table per file, keyed
  "<case-dir>/<relative path>" (no .rot13):
      secrets = [[first, last], ...]   1-based inclusive line ranges, one per secret
      tricky  = N                      deliberately tricky non-secret lines

LABELLING POLICY
  Secret (labelled) = anything that would grant access if it were real:
    * passwords in a password position, including weak human-chosen ones
      (Summer2021!, monkey123, Tr0ub4dor-style, multi-word passphrases);
    * API keys, bot/app/personal tokens, OAuth client secrets, webhook URLs
      that embed a token (Slack, Discord), bearer/JWT tokens captured in
      HAR/logs/Postman/kubeconfig, session/signing secrets (Django SECRET_KEY,
      Rails secret_key_base / master.key, WordPress salts, Laravel APP_KEY,
      ASP.NET machineKey, JWT signing keys, Erlang cookie);
    * private keys (PEM, OpenSSH, PuTTY .ppk, base64 client-key-data,
      service-account JSON private_key);
    * password hashes in SQL dumps, /etc/shadow, htpasswd, tomcat-users and
      similar stores (crackable offline);
    * credentialed URLs (scheme://user:password@host, any scheme), connection
      strings containing a password or account key;
    * reversibly encoded stored passwords: base64 user:pass (Basic auth,
      docker "auth", npm _auth/_password, k8s Secret data, FileZilla base64);
    * literal fallbacks in environment lookups: os.getenv("X", "literal"),
      env('X', 'literal'), ${X:literal}, process.env.X || 'literal'.
  Range conventions:
    * one range per secret occurrence; the same value repeated on two lines is
      two ranges; several secrets on one line are one range (avoided mostly);
    * a multi-line private key block is one range (BEGIN..END lines); a whole
      PuTTY .ppk file is one range (the file *is* the key);
    * an AWS access key id and its secret key on adjacent lines are ONE range
      (the key id alone grants nothing); an ASIA id + secret + session token
      likewise;
  Not secrets (never labelled): usernames, hostnames, account / tenant /
    client / application IDs, Twilio Account SIDs, GCP private_key_id, Pusher
    app key, Discord interaction public key, AWS role ARNs.
  Public by design (tricky, not labelled): Stripe pk_live_/pk_test_, Mapbox
    pk. tokens, Sentry DSNs, Application Insights connection strings,
    RevenueCat public SDK keys, the documented Azure Cosmos DB emulator key.
  Tricky non-secret lines (counted in `tricky`): placeholders and stand-ins
    (<password>, YOUR_API_KEY, changeme, xxxx, ****, REDACTED, ${VAR},
    {{ var }}, %(var)s, $VAR, env lookups without a literal, ${{ secrets.X }},
    ENC(...), ansible-vault / SealedSecret / Key Vault references, Rails
    credentials.yml.enc), empty passwords, password-related code or config with
    no literal value, password policy settings, i18n strings about passwords,
    public keys and certificates, public-by-design keys, checksums / lock-file
    integrity hashes / go.sum lines, git SHAs, UUIDs used as ids, docker
    digests, base64 images, locked shadow accounts (*, !, !!), documentation
    example credentials (AKIAIOSFODNN7EXAMPLE, jwt.io sample, Stripe docs test
    key, "xoxb-not-a-real-token-this-will-not-work"), fixtures explicitly named
    fake/dummy, anonymous FTP logins.  Every line carrying such bait counts
    once, including each body line of a certificate / public key / vault blob.
  Type tags (summary only, not in labels.toml): each secret range gets one tag
    describing the secret kind; passwords are split by the context they occur
    in (CLI argument, env/shell variable, config file, XML, PHP, source code,
    dotfile, SQL DDL, captured traffic).
"""

from __future__ import annotations

import ast
import base64
import codecs
import json
import random
import re
import shutil
import string
import tomllib
import uuid
import xml.dom.minidom
from collections import Counter
from pathlib import Path

SEED = 31337
R = random.Random(SEED)

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "files"
LABELS = HERE / "labels.toml"

UP = string.ascii_uppercase
LO = string.ascii_lowercase
DG = string.digits
ALNUM = UP + LO + DG
HEXL = "0123456789abcdef"
HEXU = "0123456789ABCDEF"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
CRYPT = "./" + DG + UP + LO


# --------------------------------------------------------------------------- #
# random primitives
# --------------------------------------------------------------------------- #
def rs(n, alphabet=ALNUM):
    return "".join(R.choice(alphabet) for _ in range(n))


def hx(n):
    return rs(n, HEXL)


def HX(n):
    return rs(n, HEXU)


def num(n):
    return str(R.randint(1, 9)) + rs(n - 1, DG)


def rbytes(n):
    return bytes(R.getrandbits(8) for _ in range(n))


def b64(x):
    if isinstance(x, str):
        x = x.encode()
    return base64.b64encode(x).decode()


def b64u(x):
    if isinstance(x, str):
        x = x.encode()
    return base64.urlsafe_b64encode(x).decode().rstrip("=")


def uid():
    return str(uuid.UUID(int=R.getrandbits(128), version=4))


def chunk(s, n):
    return [s[i:i + n] for i in range(0, len(s), n)]


# every generated secret value is recorded so the validator can check that it
# never appears on an unlabelled line and that every range contains one.
ISSUED: set[str] = set()


def S(v):
    ISSUED.add(v)
    return v


DOMAINS = ["northwind-traders.com", "globex-corp.net", "initech.io", "umbrella-labs.dev",
           "contoso-retail.com", "vandelay-imports.com", "hooli-cloud.io", "acme-logistics.eu",
           "stark-ind.co", "soylent-foods.com", "cyberdyne-sys.net", "pied-piper.app"]
USERS = ["ana", "bruno", "chen", "dmitri", "fatima", "giulia", "hiro", "ines", "jamal", "kofi",
         "lena", "marta", "nikhil", "olga", "pedro", "quinn", "rahul", "sara", "tomas", "uma",
         "vikram", "wei", "yusuf", "zoe"]


def dom():
    return R.choice(DOMAINS)


def ip10():
    return f"10.{R.randint(0, 60)}.{R.randint(0, 20)}.{R.randint(2, 250)}"


# --------------------------------------------------------------------------- #
# passwords
# --------------------------------------------------------------------------- #
SEASONS = ["Spring", "Summer", "Autumn", "Fall", "Winter"]
WORDS = ["monkey", "dragon", "sunshine", "football", "princess", "shadow", "master", "freedom",
         "letmein", "baseball", "superman", "batman", "starwars", "pokemon", "charlie", "hunter",
         "ranger", "thunder", "tigger", "buster", "soccer", "cookie", "coffee", "banana", "purple",
         "falcon", "phoenix", "maverick", "ginger", "pepper", "snoopy", "matrix", "liverpool",
         "chelsea", "benfica", "barcelona", "yankees", "mustang", "corvette", "guitar"]
LONGWORDS = ["troubador", "mistletoe", "dinosaur", "adventure", "chocolate", "pineapple",
             "butterfly", "wonderland", "basketball", "strawberry", "motorcycle", "snowflake",
             "lighthouse", "watermelon", "crocodile"]
PHRASE = ["correct", "horse", "battery", "staple", "purple", "dishwasher", "river", "castle",
          "lantern", "orbit", "velvet", "tundra", "pickle", "marble", "copper", "window",
          "saddle", "meadow", "rocket", "violin", "walnut", "glacier", "harbor", "thistle",
          "cobalt", "ember", "quartz", "willow", "pretzel", "canyon", "banjo", "nebula", "otter",
          "plaza", "sprocket"]
COMPANIES = ["Acme", "Northwind", "Globex", "Initech", "Contoso", "Umbrella", "Hooli", "Vandelay",
             "Soylent", "Cyberdyne", "Wayne", "Stark"]
KEYBOARD = ["1qaz2wsx", "1qaz@WSX", "qwerty123", "Qwerty!234", "zaq12wsx", "asdf1234", "P@ssw0rd",
            "Passw0rd!", "Welcome1!", "Admin@123", "qazwsx123", "Abcd@1234", "iloveyou2",
            "q1w2e3r4t5"]
FIRSTNAMES = ["Jessica", "Michael", "Ashley", "Daniel", "Sophie", "Lucas", "Mariana", "Kevin",
              "Nadia", "Oliver", "Beatriz", "Tiago", "Aisha", "Mateus", "Hannah"]

OK_CODE = "!#%*-_=+.^@~&"     # inside a quoted string in code / JSON / YAML
OK_XML = "!#%*-_=+.^@~"       # XML attribute / text (no & < > quotes)
OK_URL = "-_.~!*"             # userinfo part of a URL
OK_BARE = "-_.@%+=^"          # unquoted shell / .env value
OK_SQ = "!#%*-_=+.^@~&$"      # inside single quotes
OK_DQ = "#%*-_=+.^@~&"        # inside shell double quotes (no ! $ `)
OK_YAML = "-_.!@#%^"          # unquoted YAML scalar (also start_alnum)


def _leet(w):
    table = {"a": "4", "e": "3", "o": "0", "i": "1", "s": "5", "t": "7"}
    out = "".join(table[c] if c in table and R.random() < 0.6 else c for c in w)
    return out[0].upper() + out[1:]


def _weak():
    k = R.randrange(9)
    if k == 0:
        return f"{R.choice(SEASONS)}{R.randint(2015, 2024)}{R.choice('!#@$.')}"
    if k == 1:
        return R.choice(WORDS) + R.choice(["1", "12", "123", "1234", "2020", "99", "69", "11",
                                           "007", "2023"])
    if k == 2:
        return _leet(R.choice(LONGWORDS)) + R.choice("&!#%*") + str(R.randint(0, 9))
    if k == 3:
        words = R.sample(PHRASE, R.randint(3, 5))
        sep = R.choice([" ", "-", ".", "_", ""])
        if sep == "":
            words = [w.capitalize() for w in words]
        return sep.join(words)
    if k == 4:
        return f"{R.choice(COMPANIES)}{R.choice('@#!')}{R.randint(2018, 2025)}"
    if k == 5:
        return R.choice(KEYBOARD)
    if k == 6:
        return f"{R.choice(FIRSTNAMES)}{R.randint(1970, 2005)}" + R.choice(["", "!", "*"])
    if k == 7:
        return f"{R.choice(WORDS).capitalize()}{R.choice('!@#$')}{R.randint(10, 99)}"
    return R.choice(WORDS) + R.choice(PHRASE) + str(R.randint(1, 99))


def _strong(ok):
    n = R.randint(14, 28)
    pool = ALNUM + ALNUM + ok
    while True:
        v = rs(n, pool)
        if any(c.isdigit() for c in v) and any(c.isalpha() for c in v):
            return v


def pw(ok=OK_CODE, space=False, kind=None, start_alnum=False):
    """A password that fits the quoting context described by `ok`."""
    allowed = set(ALNUM) | set(ok) | ({" "} if space else set())
    for _ in range(2000):
        k = kind or ("weak" if R.random() < 0.5 else "strong")
        v = _weak() if k == "weak" else _strong(ok)
        if len(v) < 6 or not set(v) <= allowed:
            continue
        if start_alnum and not v[0].isalnum():
            continue
        return S(v)
    raise RuntimeError("could not make password for " + ok)


def app_password():
    """Google-style 16 letter app password, sometimes shown grouped."""
    v = rs(16, LO)
    if R.random() < 0.4:
        v = " ".join(chunk(v, 4))
    return S(v)


# --------------------------------------------------------------------------- #
# hashes (secret when stored as a credential)
# --------------------------------------------------------------------------- #
def h_bcrypt(cost=10, v="2y"):
    return S(f"${v}${cost:02d}$" + rs(53, CRYPT))


def h_md5():
    return S(hx(32))


def h_sha1():
    return S(hx(40))


def h_mysql():
    return S("*" + HX(40))


def h_sha512crypt(rounds=None):
    pre = f"$6$rounds={rounds}$" if rounds else "$6$"
    return S(pre + rs(16, CRYPT) + "$" + rs(86, CRYPT))


def h_yescrypt():
    return S("$y$j9T$" + rs(22, CRYPT) + "$" + rs(43, CRYPT))


def h_md5crypt(pre="1"):
    return S(f"${pre}$" + rs(8, CRYPT) + "$" + rs(22, CRYPT))


def h_des():
    return S(rs(13, CRYPT))


def h_ldap_sha():
    return S("{SHA}" + b64(rbytes(20)))


def h_django():
    return S("pbkdf2_sha256$600000$" + rs(22) + "$" + b64(rbytes(32)))


def h_django_argon2():
    return S("argon2$argon2id$v=19$m=102400,t=2,p=8$" + b64u(rbytes(16)) + "$" + b64u(rbytes(32)))


def h_scram():
    return S("SCRAM-SHA-256$4096:" + b64(rbytes(16)) + "$" + b64(rbytes(32)) + ":" + b64(rbytes(32)))


def h_pgmd5():
    return S("md5" + hx(32))


# --------------------------------------------------------------------------- #
# provider tokens (shapes from general knowledge; checksums not valid)
# --------------------------------------------------------------------------- #
def k_aws_id(prefix="AKIA"):
    return S(prefix + rs(16, UP + "234567"))


def k_aws_secret():
    return S(rs(40, ALNUM + "/+"))


def k_aws_session():
    return S("IQoJb3JpZ2luX2VjE" + rs(R.randint(300, 420), B64) + "=")


def k_ghp():
    return S("ghp_" + rs(36))


def k_gho():
    return S("gho_" + rs(36))


def k_ghs():
    return S("ghs_" + rs(36))


def k_gh_fine():
    return S("github_pat_11" + rs(20, UP + DG) + "_" + rs(59))


def k_glpat():
    return S("glpat-" + rs(20, B64URL))


def k_glrt():
    return S("glrt-" + rs(20, B64URL))


def k_xoxb():
    return S(f"xoxb-{num(12)}-{num(13)}-{rs(24)}")


def k_xoxp():
    return S(f"xoxp-{num(12)}-{num(12)}-{num(13)}-{hx(32)}")


def k_slack_hook():
    return S(f"https://hooks.slack.com/services/T{rs(8, UP + DG)}/B{rs(10, UP + DG)}/{rs(24)}")


def k_sk_live():
    return S("sk_live_51" + rs(R.choice([22, 96])))


def k_rk_live():
    return S("rk_live_51" + rs(96))


def k_whsec():
    return S("whsec_" + rs(32))


def pk_live():  # public by design - NOT issued
    return "pk_live_51" + rs(96)


def k_openai():
    if R.random() < 0.6:
        return S("sk-proj-" + rs(74, B64URL) + "T3BlbkFJ" + rs(74, B64URL))
    return S("sk-" + rs(20) + "T3BlbkFJ" + rs(20))


def k_anthropic():
    return S("sk-ant-api03-" + rs(93, B64URL) + "AA")


def k_hf():
    return S("hf_" + rs(34, UP + LO))


def k_sendgrid():
    return S("SG." + rs(22, B64URL) + "." + rs(43, B64URL))


def twilio_sid():  # identifier - NOT issued
    return "AC" + hx(32)


def k_twilio_token():
    return S(hx(32))


def k_mailgun():
    return S("key-" + hx(32)) if R.random() < 0.5 else S(f"{hx(32)}-{hx(8)}-{hx(8)}")


def k_google():
    return S("AIza" + rs(35, B64URL))


def k_azure88():
    return S(b64(rbytes(64)))


def k_azure44():
    return S(b64(rbytes(32)))


def k_azure_client_secret():
    return S(rs(3, ALNUM) + "8Q~" + rs(34, ALNUM + "_.~-"))


def k_discord_bot():
    return S(b64u(num(18)) + "." + rs(6, B64URL) + "." + rs(38, B64URL))


def k_discord_hook():
    return S(f"https://discord.com/api/webhooks/{num(19)}/{rs(68, B64URL)}")


def k_telegram():
    return S(f"{num(10)}:AA{rs(33, B64URL)}")


def k_dd_api():
    return S(hx(32))


def k_dd_app():
    return S(hx(40))


def k_sentry():
    if R.random() < 0.5:
        return S("sntryu_" + hx(64))
    payload = b64u(json.dumps({"iat": R.randint(1690000000, 1710000000), "url": "https://sentry.io",
                                "region_url": "https://de.sentry.io", "org": "acme"}))
    return S("sntrys_" + payload + "_" + rs(43, B64URL))


def k_heroku():
    return S("HRKU-AA" + rs(58, B64URL))


def k_do():
    return S("dop_v1_" + hx(64))


def k_shpat():
    return S("shpat_" + hx(32))


def k_shpss():
    return S("shpss_" + hx(32))


def k_npm():
    return S("npm_" + rs(36))


def k_pypi():
    return S("pypi-AgEIcHlwaS5vcmc" + rs(R.randint(140, 170), B64URL))


def k_dckr():
    return S("dckr_pat_" + rs(27, B64URL))


def k_atlassian():
    return S("ATATT3xFfGF0" + rs(170, B64URL) + "=" + HX(8))


def k_okta():
    return S("00" + rs(40, B64URL))


def k_cf():
    return S(rs(40, B64URL))


def k_vercel():
    return S(rs(24))


def k_netlify():
    return S("nfp_" + rs(36))


def k_linear():
    return S("lin_api_" + rs(40))


def k_notion():
    return S("secret_" + rs(43)) if R.random() < 0.5 else S("ntn_" + num(11) + rs(35))


def k_airtable():
    return S("pat" + rs(14) + "." + hx(64))


def _mapbox(prefix, user):
    payload = b64u(json.dumps({"u": user, "a": rs(25, LO + DG)}, separators=(",", ":")))
    return f"{prefix}.{payload}.{rs(22, B64URL)}"


def k_mapbox_sk(user):
    return S(_mapbox("sk", user))


def mapbox_pk(user):  # public by design - NOT issued
    return _mapbox("pk", user)


def k_sonar():
    return S("squ_" + hx(40))


def k_google_client_secret():
    return S("GOCSPX-" + rs(28, B64URL))


def k_jwt(payload, alg="HS256", kid=None):
    hdr = {"alg": alg, "typ": "JWT"}
    if kid:
        hdr["kid"] = kid
    sig = rbytes(256 if alg.startswith("RS") else 32)
    return S(b64u(json.dumps(hdr, separators=(",", ":"))) + "." +
             b64u(json.dumps(payload, separators=(",", ":"))) + "." + b64u(sig))


def k_hexsecret(n=32):
    return S(hx(n))


def k_alnum(n=32):
    return S(rs(n))


# documentation / well-known non-secrets
DOC_AWS_ID = "AKIAIOSFODNN7EXAMPLE"
DOC_AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DOC_JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l"
           "IiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
DOC_STRIPE = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
DOC_SLACK = "xoxb-not-a-real-token-this-will-not-work"
COSMOS_EMULATOR_KEY = ("C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==")


# --------------------------------------------------------------------------- #
# key material
# --------------------------------------------------------------------------- #
def _sshstr(b):
    return len(b).to_bytes(4, "big") + b


def _pem(label, der, width=64):
    body = chunk(b64(der), width)
    return [f"-----BEGIN {label}-----"] + body + [f"-----END {label}-----"]


def pem_lines(kind="rsa", comment="user@host"):
    """Private key as a list of lines (not issued; keyblock() issues a body line)."""
    if kind == "rsa":
        return _pem("RSA PRIVATE KEY", bytes.fromhex("308204a40201000282010100") + rbytes(1180))
    if kind == "pkcs8":
        pre = bytes.fromhex("308204be020100300d06092a864886f70d0101010500048204a8308204a40201000282010100")
        return _pem("PRIVATE KEY", pre + rbytes(1180))
    if kind == "ec":
        der = (bytes.fromhex("30770201010420") + rbytes(32) + bytes.fromhex("a00a06082a8648ce3d030107a14403420004")
               + rbytes(64))
        return _pem("EC PRIVATE KEY", der)
    if kind == "ed25519":
        seed, pub = rbytes(32), rbytes(32)
        pubblob = _sshstr(b"ssh-ed25519") + _sshstr(pub)
        check = rbytes(4)
        priv = (check + check + _sshstr(b"ssh-ed25519") + _sshstr(pub) + _sshstr(seed + pub)
                + _sshstr(comment.encode()))
        pad = 1
        while len(priv) % 8:
            priv += bytes([pad])
            pad += 1
        blob = (b"openssh-key-v1\x00" + _sshstr(b"none") + _sshstr(b"none") + _sshstr(b"")
                + (1).to_bytes(4, "big") + _sshstr(pubblob) + _sshstr(priv))
        return _pem("OPENSSH PRIVATE KEY", blob, 70)
    if kind == "openssh-rsa":
        pubblob = _sshstr(b"ssh-rsa") + _sshstr(b"\x01\x00\x01") + _sshstr(b"\x00" + rbytes(384))
        blob = (b"openssh-key-v1\x00" + _sshstr(b"none") + _sshstr(b"none") + _sshstr(b"")
                + (1).to_bytes(4, "big") + _sshstr(pubblob) + rbytes(1780))
        return _pem("OPENSSH PRIVATE KEY", blob, 70)
    raise ValueError(kind)


def cert_lines():
    der = bytes.fromhex("3082038d30820275a0030201020214") + rbytes(880)
    return _pem("CERTIFICATE", der)


def ssh_pub_ed25519(comment):
    return "ssh-ed25519 " + b64(_sshstr(b"ssh-ed25519") + _sshstr(rbytes(32))) + " " + comment


def ssh_pub_rsa(comment, bits=3072):
    blob = _sshstr(b"ssh-rsa") + _sshstr(b"\x01\x00\x01") + _sshstr(b"\x00" + rbytes(bits // 8))
    return "ssh-rsa " + b64(blob) + " " + comment


def ssh_pub_ecdsa(comment):
    blob = _sshstr(b"ecdsa-sha2-nistp256") + _sshstr(b"nistp256") + _sshstr(b"\x04" + rbytes(64))
    return "ecdsa-sha2-nistp256 " + b64(blob) + " " + comment


def keyblock(lines, typ="private_key", indent=""):
    """Template fragment: a multi-line secret that is ONE range."""
    S(lines[2] if len(lines) > 3 else lines[1])
    out = [f"§b:{typ} {indent}{lines[0]}"]
    out += [indent + ln for ln in lines[1:-1]]
    out.append(f"§e {indent}{lines[-1]}")
    return "\n".join(out)


def trickyblock(lines, indent=""):
    return "\n".join(f"§t {indent}{ln}" for ln in lines)


def integrity():
    return "sha512-" + b64(rbytes(64))


def digest():
    return "sha256:" + hx(64)


def png_b64(n=600):
    return "iVBORw0KGgoAAAANSUhEUgAAA" + rs(n, B64) + "=="


# --------------------------------------------------------------------------- #
# document model
# --------------------------------------------------------------------------- #
FILES: list[dict] = []


def _register(case, path, lines, ranges, tricky):
    key = f"{case}/{path}"
    assert all(f["key"] != key for f in FILES), key
    FILES.append({"key": key, "lines": lines, "ranges": sorted(ranges), "tricky": set(tricky)})


def emit(case, path, tpl, **kw):
    """Render a template.  Placeholders are «name».  Line markers (stripped):
         '§t '        tricky non-secret line
         '§s:TYPE '   one-line secret
         '§b:TYPE '   first line of a multi-line secret ... '§e ' last line
       '⇥' becomes a TAB."""
    def rep(m):
        k = m.group(1)
        if k not in kw:
            raise KeyError(f"{case}/{path}: missing «{k}»")
        return str(kw[k])

    text = re.sub(r"«(\w+)»", rep, tpl).strip("\n").replace("⇥", "\t")
    lines, ranges, tricky, block = [], [], set(), None
    for raw in text.split("\n"):
        n = len(lines) + 1
        if raw.startswith("§t "):
            line = raw[3:]
            tricky.add(n)
        elif raw.startswith("§s:"):
            typ, _, line = raw[3:].partition(" ")
            ranges.append((n, n, typ))
        elif raw.startswith("§b:"):
            assert block is None, (case, path, n)
            typ, _, line = raw[3:].partition(" ")
            block = (n, typ)
        elif raw.startswith("§e "):
            assert block is not None, (case, path, n)
            line = raw[3:]
            ranges.append((block[0], n, block[1]))
            block = None
        else:
            line = raw
        if "§" in line or "«" in line or "»" in line:
            raise ValueError(f"{case}/{path}:{n}: stray marker in {line!r}")
        lines.append(line)
    assert block is None, (case, path)
    _register(case, path, lines, ranges, tricky)


def emit_auto(case, path, text, secrets=(), tricky=()):
    """For machine-serialised files (JSON): label every line containing a secret
       needle (one range per line) and every line containing a tricky needle."""
    lines = text.strip("\n").split("\n")
    ranges, used, tset = [], set(), set()
    for typ, needle in secrets:
        hits = [i + 1 for i, ln in enumerate(lines) if needle in ln]
        if not hits:
            raise ValueError(f"{case}/{path}: secret needle not found: {needle[:40]}")
        for h in hits:
            if h not in used:
                used.add(h)
                ranges.append((h, h, typ))
    for needle in tricky:
        hits = [i + 1 for i, ln in enumerate(lines) if needle in ln and (i + 1) not in used]
        if not hits:
            raise ValueError(f"{case}/{path}: tricky needle not found: {needle[:40]}")
        tset.update(hits)
    _register(case, path, lines, ranges, tset)


# =========================================================================== #
# SHELL: profiles, history, cron, scripts
# =========================================================================== #
def g_bashrc_ana():
    d = dom()
    emit("bashrc1", "home/ana/.bashrc", r"""
# ~/.bashrc: executed by bash(1) for non-login shells.
# see /usr/share/doc/bash/examples/startup-files (in the package bash-doc)
# for examples

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
alias k='kubectl'
alias gs='git status'
§t alias genpw='openssl rand -base64 24'
§s:pw_cli alias proddb='mysql -h «dbhost» -u ana_rw -p«pw1» billing'
§t alias stagedb='mysql -h staging-db.«d» -u readonly -p'   # prompts for the password

export EDITOR=vim
§t export HISTIGNORE="*PASSWORD*:*TOKEN*:*SECRET*"
export GOPATH="$HOME/go"
export PATH="$HOME/.local/bin:$GOPATH/bin:$PATH"
§t export PASSWORD_STORE_DIR="$HOME/.password-store"
export GPG_TTY=$(tty)
export AWS_PROFILE=dev
§s:tok_vcs export GITHUB_TOKEN=«ghp»
§t # export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx   (old one, revoked)
§s:tok_ai export OPENAI_API_KEY="«openai»"
§t export VAULT_TOKEN="$(cat ~/.vault-token 2>/dev/null)"
export VAULT_ADDR=https://vault.«d»:8200
§s:tok_cloud export DIGITALOCEAN_ACCESS_TOKEN=«do»

# work vpn (openconnect wants the password on stdin)
§s:pw_cli alias vpn='echo «pw2» | sudo openconnect --user=ana --passwd-on-stdin vpn.«d»'
§t alias vpn-ask='sudo openconnect --user=ana vpn.«d»'

if [ -f ~/.bash_aliases ]; then
    . ~/.bash_aliases
fi

if ! shopt -oq posix; then
  if [ -f /usr/share/bash-completion/bash_completion ]; then
    . /usr/share/bash-completion/bash_completion
  elif [ -f /etc/bash_completion ]; then
    . /etc/bash_completion
  fi
fi
§t [ -f ~/.secrets.sh ] && source ~/.secrets.sh   # tokens live here, not in git
eval "$(direnv hook bash)"
""", d=d, dbhost=f"db-prod-01.{d}", pw1=pw(OK_SQ.replace("'", "")), ghp=k_ghp(), openai=k_openai(),
         do=k_do(), pw2=pw(OK_BARE))


def g_zshrc_tomas():
    d = dom()
    emit("bashrc2", "Users/tomas/.zshrc", r"""
# If you come from bash you might have to change your $PATH.
export PATH=$HOME/bin:/usr/local/bin:/opt/homebrew/bin:$PATH

# Path to your oh-my-zsh installation.
export ZSH="$HOME/.oh-my-zsh"
ZSH_THEME="robbyrussell"
plugins=(git docker kubectl aws terraform)
source $ZSH/oh-my-zsh.sh

export LANG=en_US.UTF-8
export NVM_DIR="$HOME/.nvm"
[ -s "/opt/homebrew/opt/nvm/nvm.sh" ] && \. "/opt/homebrew/opt/nvm/nvm.sh"

# --- tokens (TODO: move to 1password cli) ---
§s:tok_ai export ANTHROPIC_API_KEY='«anthropic»'
§s:tok_ai export HF_TOKEN=«hf»
§t export HUGGING_FACE_HUB_TOKEN=$HF_TOKEN
§s:tok_registry export NPM_TOKEN=«npm»
§t export HOMEBREW_GITHUB_API_TOKEN=$(security find-generic-password -s homebrew-gh -w)
§s:tok_cloud export CLOUDFLARE_API_TOKEN="«cf»"
§s:tok_saas export LINEAR_API_KEY=«linear»
§t export OPENAI_API_KEY="$(op read 'op://Private/OpenAI/credential')"

# python
export PYENV_ROOT="$HOME/.pyenv"
command -v pyenv >/dev/null || export PATH="$PYENV_ROOT/bin:$PATH"
eval "$(pyenv init -)"

alias tf=terraform
alias kctx=kubectx
alias dc='docker compose'
§s:pw_cli alias redis-prod='redis-cli -h «redishost» -p 6380 --tls -a "«pw1»" --no-auth-warning'
§t alias redis-local='redis-cli -h 127.0.0.1 -a "$REDIS_PASSWORD"'

function mkcd() { mkdir -p "$1" && cd "$1"; }
function jwtd() {
§t   # decode a JWT payload, e.g. jwtd «docjwt»
  echo "$1" | cut -d. -f2 | base64 -d 2>/dev/null | jq .
}
function sql-tunnel() {
  ssh -N -L 5433:«pghost»:5432 bastion.«d»
}
§s:cred_url export DATABASE_URL="postgresql://tomas:«pw2»@localhost:5433/analytics"
§t export SSH_ASKPASS=/usr/lib/ssh/ssh-askpass
§t export TEST_DATABASE_URL="postgresql://${PGUSER}:${PGPASSWORD}@localhost:5432/test"
""", d=d, anthropic=k_anthropic(), hf=k_hf(), npm=k_npm(), cf=k_cf(), linear=k_linear(),
         redishost=f"cache-prod.{d}", pw1=pw(OK_SQ.replace("$", "")), docjwt=DOC_JWT,
         pghost=f"pg-prod.internal.{d}", pw2=pw(OK_URL))


def g_history_root():
    d = dom()
    host = f"db1.{d}"
    emit("bash_history1", "root/.bash_history", r"""
apt update && apt upgrade -y
systemctl status nginx
tail -f /var/log/nginx/error.log
§t mysql -u root -p
§s:pw_cli mysql -u root -p'«pw1»' -e "SHOW DATABASES;"
§s:pw_cli mysqldump -ushop -p«pw2» --single-transaction shop > /root/shop-$(date +%F).sql
ls -lh /root/*.sql
§t psql -U postgres -h localhost -W
§s:cred_url psql "postgresql://reporting:«pw3»@«pghost»:5432/reporting?sslmode=require"
§t export PGPASSWORD=
§s:pw_envvar PGPASSWORD='«pw4»' pg_dump -h «pghost» -U reporting -Fc reporting -f /tmp/reporting.dump
df -h
du -sh /var/lib/docker
§t passwd deploy
usermod -aG sudo deploy
§s:pw_cli sshpass -p '«pw5»' ssh -o StrictHostKeyChecking=no admin@«ip»
§s:pw_cli curl -u admin:«pw6» -X POST http://localhost:8080/job/nightly/build
§t curl -H "Authorization: Bearer $TOKEN" https://api.«d»/v1/health
§s:pw_cli wget --user=exports --password='«pw7»' ftp://files.«d»/exports/latest.tar.gz
tar xzf latest.tar.gz
§t redis-cli -a "$(cat /etc/redis/pass)" ping
§s:pw_cli htpasswd -b -c /etc/nginx/.htpasswd admin «pw8»
§t htpasswd -c /etc/nginx/.htpasswd ops
nginx -t && systemctl reload nginx
§t ssh-keygen -t ed25519 -C "root@«host»"
cat ~/.ssh/id_ed25519.pub
certbot renew --dry-run
history | grep mysql
history -c
§t mysql_secure_installation
§t openssl rand -hex 32
§t grep -ri password /etc/app/ | less
§t vault kv get -field=password secret/prod/db
exit
""", d=d, host=host, pw1=pw(OK_SQ, space=True), pw2=pw(OK_BARE), pghost=f"10.0.4.{R.randint(2, 200)}",
         pw3=pw(OK_URL), pw4=pw(OK_SQ), pw5=pw(OK_SQ), ip=ip10(), pw6=pw(OK_BARE),
         pw7=pw(OK_SQ), pw8=pw(OK_BARE))


def g_history_deploy():
    d = dom()
    emit("bash_history2", "home/deploy/.bash_history", r"""
cd /srv/app
git pull
§s:tok_vcs git clone https://deploy-bot:«glpat»@gitlab.«d»/platform/infra.git
cd infra
§s:pw_cli docker login -u acmeci -p «dpw» registry.«d»
§t docker login ghcr.io -u deploy-bot --password-stdin < ~/ghcr_token.txt
§t echo $CR_PAT | docker login ghcr.io -u deploy-bot --password-stdin
docker compose pull
docker compose up -d
docker ps
§b:tok_aws aws configure set aws_access_key_id «akid»
§e aws configure set aws_secret_access_key «aksec»
aws sts get-caller-identity
§s:cred_url mongosh "mongodb://admin:«mgpw»@«ip»:27017/admin?authSource=admin"
§s:pw_cli kubectl create secret generic app-db --from-literal=username=app --from-literal=password='«kpw»' -n prod
§t kubectl get secret app-db -n prod -o jsonpath='{.data.password}' | base64 -d
§s:pw_cli echo '«sudopw»' | sudo -S systemctl restart app
sudo -k
§s:tok_chat curl -X POST -H 'Content-type: application/json' --data '{"text":"deploy done"}' «hook»
§t gpg --decrypt secrets.env.gpg > .env
vim .env
§s:pw_cli lftp -u uploader,'«ftppw»' sftp://files.«d» -e "mirror -R dist /www; bye"
§t ftp -n ftp.debian.org   # anonymous mirror
§s:pw_cli smbclient //fs01/backup -U 'CORP\svc_backup%«smbpw»' -c 'ls'
§s:tok_generic curl -s -H "X-Api-Key: «apikey»" https://status.«d»/api/v2/incidents
journalctl -u app --since "10 min ago"
§t export AWS_SECRET_ACCESS_KEY=$(pass show aws/deploy-secret)
§t docker login -u deploy-bot -p "$REGISTRY_PW" registry.«d»
§t cat ~/.docker/config.json | jq '.auths | keys'
exit
""", d=d, glpat=k_glpat(), dpw=pw(OK_BARE), akid=k_aws_id(), aksec=k_aws_secret(), mgpw=pw(OK_URL),
         ip=ip10(), kpw=pw(OK_SQ), sudopw=pw(OK_SQ), hook=k_slack_hook(), ftppw=pw(OK_SQ),
         smbpw=pw(OK_SQ.replace("%", "")), apikey=k_hexsecret(32))


def g_crontab():
    d = dom()
    emit("crontab1", "var/spool/cron/crontabs/root", r"""
# DO NOT EDIT THIS FILE - edit the master and reinstall.
# (/tmp/crontab.8Xk2Qm installed on Tue Oct 10 09:12:44 2023)
# (Cron version -- $Id: crontab.c,v 2.13 1994/01/17 03:20:37 vixie Exp $)
# Edit this file to introduce tasks to be run by cron.
#
# m h  dom mon dow   command
MAILTO=ops@«d»
SHELL=/bin/bash
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# nightly db backup
§s:pw_cli 15 2 * * * mysqldump -u backup -p'«pw1»' --all-databases | gzip > /backup/mysql/all-$(date +\%F).sql.gz
§t 30 2 * * * mysqldump --defaults-extra-file=/root/.backup.cnf shop | gzip > /backup/mysql/shop-$(date +\%F).sql.gz
§s:pw_envvar 45 2 * * * PGPASSWORD=«pw2» pg_dumpall -h 127.0.0.1 -U postgres | gzip > /backup/pg/all-$(date +\%F).sql.gz
# rotate
0 4 * * * find /backup -type f -mtime +14 -delete
# push offsite
§s:pw_cli 0 5 * * * lftp -u offsite,«pw3» ftps://backup.«d» -e "mirror -R --only-newer /backup /offsite; quit" >/dev/null 2>&1
§s:pw_envvar 0 6 * * * RSYNC_PASSWORD='«pw4»' rsync -az /backup/ rsync://backup@nas01.lan/nightly/
# monitoring heartbeat
§s:pw_cli */5 * * * * curl -fsS -u monitor:«pw5» https://status.«d»/cron/ping >/dev/null
§t */10 * * * * curl -fsS --netrc-file /root/.netrc https://status.«d»/cron/health >/dev/null
§s:tok_monitoring 0 * * * * curl -s -X POST "https://api.datadoghq.eu/api/v1/check_run" -H "DD-API-KEY: «dd»" -H "Content-Type: application/json" -d @/etc/checks/backup.json
@reboot /usr/local/bin/start-workers.sh
§t # 0 7 * * 1 /usr/local/bin/weekly-report.sh --smtp-user reports --smtp-pass CHANGEME
""", d=d, pw1=pw(OK_SQ.replace("%", "")), pw2=pw(OK_BARE.replace("%", "")), pw3=pw(OK_BARE.replace("%", "")),
         pw4=pw(OK_SQ.replace("%", "")),
         pw5=pw(OK_BARE.replace("%", "")), dd=k_dd_api())


def g_deploy_sh():
    d = dom()
    emit("scripts1", "deploy/deploy.sh", r"""
#!/usr/bin/env bash
# Deploy the storefront to the production hosts.
# Usage: ./deploy.sh <version>
set -euo pipefail

VERSION="${1:?usage: deploy.sh <version>}"
HOSTS=(web01.«d» web02.«d»)
APP_DIR=/srv/storefront
§t : "${SENTRY_AUTH_TOKEN:?SENTRY_AUTH_TOKEN must be set}"
§s:pw_envvar DEPLOY_PASS="«pw1»"
§t DB_PASS="${DB_PASS:-}"
§s:tok_vcs GITLAB_TOKEN=«glpat»
§s:tok_chat SLACK_WEBHOOK="«hook»"
§t REGISTRY_PASSWORD="$(vault kv get -field=password secret/ci/registry)"

log() { echo "[$(date +%H:%M:%S)] $*"; }

§t if [ -z "${REGISTRY_PASSWORD}" ]; then
  log "registry password missing"; exit 1
fi

§t echo "$REGISTRY_PASSWORD" | docker login registry.«d» -u ci --password-stdin
docker build -t registry.«d»/storefront:"$VERSION" .
docker push registry.«d»/storefront:"$VERSION"

for h in "${HOSTS[@]}"; do
  log "deploying to $h"
§t   sshpass -p "$DEPLOY_PASS" ssh deploy@"$h" "cd $APP_DIR && ./switch.sh $VERSION"
done

curl --fail -s -X POST \
§t   -H "PRIVATE-TOKEN: $GITLAB_TOKEN" \
  "https://gitlab.«d»/api/v4/projects/42/releases" \
  -d "tag_name=$VERSION"

§t read -r -s -p "Ops password for cache purge: " OPS_PW; echo
§t curl -s -u "ops:${OPS_PW}" -X PURGE https://cdn.«d»/storefront/
curl -s -X POST -H 'Content-type: application/json' \
  --data "{\"text\":\"storefront $VERSION deployed\"}" "$SLACK_WEBHOOK"
log "done"
""", d=d, pw1=pw(OK_DQ), glpat=k_glpat(), hook=k_slack_hook())


def g_powershell():
    emit("powershell1", "ops/scripts/Backup-SqlDatabases.ps1", r"""
<#
.SYNOPSIS
    Nightly backup of the ERP SQL Server databases to the file share.
.NOTES
    Scheduled task: \Ops\SqlBackup  (runs as CORP\svc_sqlbackup)
    Last change: 2023-09-14 MV - added azcopy upload
#>
param(
    [string]$SqlInstance = "SQL02\ERP",
    [string]$Target      = "\\fs01.corp.local\backup$\sql",
§t     [System.Management.Automation.PSCredential]$Credential = [System.Management.Automation.PSCredential]::Empty
)

$ErrorActionPreference = 'Stop'
Import-Module SqlServer

§s:pw_code $sqlPassword = ConvertTo-SecureString "«pw1»" -AsPlainText -Force
$sqlCred = New-Object System.Management.Automation.PSCredential ("backup_operator", $sqlPassword)
§t # $sqlCred = Get-Credential -Message "SQL backup operator"
§t $smtpPass = Read-Host -AsSecureString "SMTP password"
§t $azCred = Import-Clixml -Path "C:\Ops\Credentials\azcopy.cred.xml"

§s:pw_cli net use \\fs01.corp.local\backup$ /user:CORP\svc_sqlbackup «pw2» /persistent:no

$databases = @('ERP_PROD', 'ERP_ARCHIVE', 'Payroll')
foreach ($db in $databases) {
    $file = Join-Path $Target ("{0}_{1:yyyyMMdd}.bak" -f $db, (Get-Date))
    Write-Host "Backing up $db -> $file"
    Backup-SqlDatabase -ServerInstance $SqlInstance -Database $db -BackupFile $file -Credential $sqlCred -CompressionOption On
}

§s:pw_code Invoke-Sqlcmd -ServerInstance "SQL03" -Database "Audit" -Username "sa" -Password '«pw3»' -Query "EXEC dbo.usp_LogBackup @Status='OK'"
§t Invoke-Sqlcmd -ServerInstance "SQL03" -Database "Audit" -Username "sa" -Password $env:SQL_SA_PASSWORD -Query "SELECT 1"

# offsite copy (SAS valid until 2025-06-30)
§s:tok_cloud & "C:\Tools\azcopy.exe" copy "$Target\*.bak" "https://«acct».blob.core.windows.net/sqlbackup?sv=2022-11-02&ss=b&srt=co&sp=rwlac&se=2025-06-30T18:00:00Z&st=2024-01-01T08:00:00Z&spr=https&sig=«sig»" --overwrite=ifSourceNewer

Get-ChildItem $Target -Filter *.bak | Where-Object { $_.LastWriteTime -lt (Get-Date).AddDays(-14) } | Remove-Item
net use \\fs01.corp.local\backup$ /delete
Write-Host "Done."
""", pw1=pw(OK_DQ.replace("$", "")), pw2=pw(OK_BARE.replace("%", "")), pw3=pw(OK_DQ),
         acct="erpbackup" + rs(4, LO + DG), sig=S(b64(rbytes(32)).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")))


def g_mycnf():
    d = dom()
    emit("mycnf1", "home/olga/.my.cnf", r"""
# ~/.my.cnf -- personal MySQL client defaults
# permissions: chmod 600 ~/.my.cnf

[client]
user = olga
§s:pw_dotfile password = "«pw1»"
host = db-primary.«d»
port = 3306
default-character-set = utf8mb4
ssl-ca = /etc/mysql/certs/ca.pem
§t # ssl-key = /etc/mysql/certs/client-key.pem

[mysql]
prompt = "\u@\h [\d]> "
auto-rehash
pager = less -SFX

[mysqldump]
user = backup_ro
§s:pw_dotfile password=«pw2»
single-transaction
quick
max_allowed_packet = 512M

§t # [client_staging]
§t # password = <ask ops>

[client_reporting]
user = report
§t password =
host = reporting.«d»
""", d=d, pw1=pw(OK_SQ.replace("$", ""), space=True), pw2=pw(OK_BARE))


# =========================================================================== #
# .env files
# =========================================================================== #
def g_env_laravel():
    d = dom()
    emit("env1", "shop/.env", r"""
APP_NAME="Acme Shop"
APP_ENV=production
§s:app_secret APP_KEY=base64:«appkey»
APP_DEBUG=false
APP_URL=https://shop.«d»

LOG_CHANNEL=stack
LOG_DEPRECATIONS_CHANNEL=null
LOG_LEVEL=warning

DB_CONNECTION=mysql
DB_HOST=10.20.1.15
DB_PORT=3306
DB_DATABASE=shop_prod
DB_USERNAME=shop
§s:pw_envvar DB_PASSWORD=«pw1»

BROADCAST_DRIVER=pusher
CACHE_DRIVER=redis
FILESYSTEM_DISK=s3
QUEUE_CONNECTION=redis
SESSION_DRIVER=redis
SESSION_LIFETIME=120

REDIS_HOST=127.0.0.1
§t REDIS_PASSWORD=null
REDIS_PORT=6379

MAIL_MAILER=smtp
MAIL_HOST=smtp.mailgun.org
MAIL_PORT=587
MAIL_USERNAME=postmaster@mg.«d»
§s:pw_envvar MAIL_PASSWORD=«pw2»
MAIL_ENCRYPTION=tls
MAIL_FROM_ADDRESS="orders@«d»"
MAIL_FROM_NAME="${APP_NAME}"
§s:tok_email_sms MAILGUN_SECRET=«mailgun»
MAILGUN_DOMAIN=mg.«d»

§b:tok_aws AWS_ACCESS_KEY_ID=«akid»
§e AWS_SECRET_ACCESS_KEY=«aksec»
AWS_DEFAULT_REGION=eu-central-1
AWS_BUCKET=acme-shop-media
AWS_USE_PATH_STYLE_ENDPOINT=false

PUSHER_APP_ID=1492837
§t PUSHER_APP_KEY=«pusherkey»
§s:tok_generic PUSHER_APP_SECRET=«pushersecret»
PUSHER_HOST=
PUSHER_PORT=443
PUSHER_SCHEME=https
PUSHER_APP_CLUSTER=eu

§t VITE_PUSHER_APP_KEY="${PUSHER_APP_KEY}"
VITE_PUSHER_APP_CLUSTER="${PUSHER_APP_CLUSTER}"
§t STRIPE_KEY=«pk»
§s:tok_commerce STRIPE_SECRET=«sk»
""", d=d, appkey=S(b64(rbytes(32))), pw1=pw(OK_BARE), pw2=pw(OK_BARE), mailgun=k_mailgun(),
         akid=k_aws_id(), aksec=k_aws_secret(), pusherkey=hx(20), pushersecret=k_hexsecret(20),
         pk=pk_live(), sk=k_sk_live())


def g_env_node():
    d = dom()
    emit("env2", "services/api/.env.production", r"""
# production env for the api service
# (copied from the old heroku config, see OPS-1182)
NODE_ENV=production
PORT=8080
§s:cred_url DATABASE_URL=postgres://api_rw:«pw1»@«pghost»:5432/api_prod?sslmode=require
DATABASE_POOL_MAX=20
§s:cred_url REDIS_URL=rediss://default:«pw2»@«redishost»:6380
§s:app_secret JWT_SECRET=«jwtsecret»
JWT_EXPIRES_IN=15m
§t REFRESH_TOKEN_TTL_DAYS=30
§s:tok_commerce STRIPE_SECRET_KEY=«sk»
§s:tok_commerce STRIPE_WEBHOOK_SECRET=«whsec»
§t NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=«pk»
§s:tok_email_sms SENDGRID_API_KEY=«sg»
SENDGRID_FROM=no-reply@«d»
§t SENTRY_DSN=https://«dsnkey»@o«org».ingest.sentry.io/«proj»
§t NEXT_PUBLIC_MAPBOX_TOKEN=«mbpk»
§s:tok_saas MAPBOX_DOWNLOADS_TOKEN=«mbsk»
§s:tok_ai OPENAI_API_KEY=«openai»
§t OPENAI_ORG_ID=org-«orgid»
S3_BUCKET=api-uploads-prod
§t FEATURE_FLAGS_SDK_KEY=
§t SESSION_SECRET=${JWT_SECRET}
§t BCRYPT_SALT_ROUNDS=12
LOG_LEVEL=info
""", d=d, pw1=pw(OK_URL), pghost=f"{rs(8, LO)}.eu-west-1.rds.amazonaws.com", pw2=k_alnum(32),
         redishost=f"master.api-cache.{rs(6, LO)}.euw1.cache.amazonaws.com", jwtsecret=k_hexsecret(64),
         sk=k_sk_live(), whsec=k_whsec(), pk=pk_live(), sg=k_sendgrid(), dsnkey=hx(32), org=num(6),
         proj=num(7), mbpk=mapbox_pk("acme-maps"), mbsk=k_mapbox_sk("acme-maps"), openai=k_openai(),
         orgid=rs(24))


def g_env_example():
    emit("env3", "webapp/.env.example", r"""
# Copy to .env and fill in.  Never commit the real .env!
APP_ENV=local
APP_DEBUG=true
§t APP_KEY=
APP_URL=http://localhost:8000

DB_HOST=127.0.0.1
DB_PORT=5432
DB_DATABASE=webapp
DB_USERNAME=webapp
§t DB_PASSWORD=changeme
§t DB_ROOT_PASSWORD=<root-password>
§t DATABASE_URL=postgres://USER:PASSWORD@localhost:5432/webapp_dev
§t REDIS_PASSWORD=

§t AWS_ACCESS_KEY_ID=«docid»
§t AWS_SECRET_ACCESS_KEY=«docsecret»
AWS_DEFAULT_REGION=us-east-1

§t STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx
§t STRIPE_PUBLISHABLE_KEY=pk_test_xxxxxxxxxxxxxxxxxxxxxxxx
§t GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
§t SLACK_BOT_TOKEN=xoxb-your-token-here
§t OPENAI_API_KEY=YOUR_API_KEY
§t SENDGRID_API_KEY=SG.xxxxxxxxxxxxxxxxxxxxxx.yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy
§t JWT_SECRET=${JWT_SECRET}
§t SMTP_PASSWORD=****
§t ADMIN_PASSWORD=   # set on first boot, see docs/setup.md
§t HASHIDS_SALT=<generate with: openssl rand -hex 16>

MAIL_FROM=dev@localhost
TZ=UTC
""", docid=DOC_AWS_ID, docsecret=DOC_AWS_SECRET)


def g_env_compose():
    d = dom()
    emit("env4", "monitoring/.env", r"""
# .env for docker compose (monitoring stack)
COMPOSE_PROJECT_NAME=monitoring
TZ=Europe/Lisbon

# Postgres
POSTGRES_USER = grafana
§s:pw_envvar POSTGRES_PASSWORD = '«pw1»'   # rotated 2023-10
§t POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password
POSTGRES_DB=grafana

# Grafana
GF_SECURITY_ADMIN_USER=admin
§s:pw_envvar GF_SECURITY_ADMIN_PASSWORD="«pw2»"
GF_AUTH_ANONYMOUS_ENABLED=false
GF_AUTH_GENERIC_OAUTH_CLIENT_ID=grafana-«cid»
§s:tok_generic GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET=«oauth»
GF_SERVER_ROOT_URL=https://grafana.«d»

# MinIO
MINIO_ROOT_USER=minio-admin
§s:pw_envvar MINIO_ROOT_PASSWORD=«pw3»
§t #MINIO_ROOT_PASSWORD=changeme

# Alertmanager receivers
§s:tok_chat ALERTMANAGER_SLACK_WEBHOOK=«hook»
§s:tok_chat ALERTMANAGER_TELEGRAM_TOKEN=«tg»
ALERTMANAGER_TELEGRAM_CHAT_ID=-100«chat»
PROMETHEUS_RETENTION=30d
§t GF_SECURITY_SECRET_KEY=${GRAFANA_SECRET_KEY}
§t GF_SMTP_PASSWORD=
""", d=d, pw1=pw(OK_SQ.replace("'", "").replace("#", "")), pw2=pw(OK_DQ.replace("#", "")),
         cid=rs(6, LO), oauth=k_alnum(40), pw3=pw(OK_BARE), hook=k_slack_hook(), tg=k_telegram(),
         chat=num(10))


# =========================================================================== #
# dotfiles
# =========================================================================== #
def g_netrc():
    d = dom()
    hk = k_heroku()
    emit("netrc1", "home/lena/.netrc", r"""
machine github.com
  login lena-dev
§s:tok_vcs   password «ghp»

machine api.heroku.com
  login lena@«d»
§s:tok_cloud   password «hk»
machine git.heroku.com
  login lena@«d»
§s:tok_cloud   password «hk»

§s:pw_dotfile machine artifactory.«d» login lena password «pw1»

machine smtp.gmail.com
  login lena.martins.dev@gmail.com
§s:pw_dotfile   password «gapp»

machine nexus.«d»
  login ci
§t   password ${NEXUS_PASS}

§t machine ftp.gnu.org login anonymous password lena@«d»
§t default login anonymous password guest
""", d=d, ghp=k_ghp(), hk=hk, pw1=pw(OK_BARE), gapp=S(rs(16, LO)))


def g_npmrc():
    d = dom()
    user, upw = "ci-publisher", pw(OK_CODE)
    emit("npmrc1", "frontend/.npmrc", r"""
registry=https://registry.npmjs.org/
@acme:registry=https://npm.pkg.github.com/
§t //npm.pkg.github.com/:_authToken=${GITHUB_PACKAGES_TOKEN}
§s:tok_registry //registry.npmjs.org/:_authToken=«npm»
@internal:registry=https://nexus.«d»/repository/npm-group/
§s:encoded_cred //nexus.«d»/repository/npm-group/:_auth=«auth»
§t //nexus.«d»/repository/npm-group/:always-auth=true
//nexus.«d»/repository/npm-private/:username=«user»
§s:encoded_cred //nexus.«d»/repository/npm-private/:_password=«b64pw»
//nexus.«d»/repository/npm-private/:email=ci@«d»
save-exact=true
engine-strict=true
fund=false
audit-level=high
§t # //registry.npmjs.org/:_authToken=npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
""", d=d, npm=k_npm(), auth=S(b64(f"{user}:{upw}")), user=user, b64pw=S(b64(upw)))


def g_pypirc():
    d = dom()
    emit("pypirc1", "home/wei/.pypirc", r"""
[distutils]
index-servers =
    pypi
    testpypi
    internal

[pypi]
username = __token__
§s:tok_registry password = «pypi»

[testpypi]
repository = https://test.pypi.org/legacy/
username = __token__
§t password = <your-testpypi-token>

[internal]
repository = https://devpi.«d»/wei/dev/
username = wei
§s:pw_dotfile password = «pw»
""", d=d, pypi=k_pypi(), pw=pw(OK_CODE.replace("%", "")))


def g_pgpass():
    d = dom()
    p1 = pw(OK_SQ.replace(":", ""))
    emit("pgpass1", "home/marta/.pgpass", r"""
§t # hostname:port:database:username:password
# prod read replicas (same role on both)
§s:pw_dotfile replica-1.db.«d»:5432:*:marta_ro:«p1»
§s:pw_dotfile replica-2.db.«d»:5432:*:marta_ro:«p1»
# analytics warehouse
§s:pw_dotfile warehouse.«d»:5439:analytics:marta:«p2»
# local docker
§t localhost:5432:*:postgres:
§s:pw_dotfile 127.0.0.1:5433:app_dev:app:«p3»
""", d=d, p1=p1, p2=pw(OK_SQ.replace(":", "")), p3=pw(OK_SQ.replace(":", "")))
    emit("pgpass1", "home/marta/.pg_service.conf", r"""
# pg_service.conf -- connection service file
# use with: psql service=warehouse

[warehouse]
host=warehouse.«d»
port=5439
dbname=analytics
user=marta
§t # password comes from ~/.pgpass
sslmode=require

[legacy-crm]
host=10.0.8.4
port=5432
dbname=crm
user=crm_app
§s:pw_dotfile password=«p4»
connect_timeout=10
""", d=d, p4=pw(OK_BARE))


def g_pgpass2():
    raw = pw(OK_SQ.replace(":", "").replace("\\", ""), kind="strong")
    esc_pw = raw[:5] + r"\:" + raw[5:]
    S(esc_pw)
    emit("pgpass2", "var/lib/postgresql/.pgpass", r"""
# managed by hand -- puppet module removed 2022
# replication + pgbouncer auth
§s:pw_dotfile 10.0.0.11:5432:replication:replicator:«r1»
§s:pw_dotfile 10.0.0.12:5432:replication:replicator:«r1»
§s:pw_dotfile *:6432:pgbouncer:pgbouncer:«escpw»
§t *:*:*:barman:
# the \: above is an escaped colon, the password really contains one
§s:pw_dotfile db-backup.lan:5432:*:barman_streaming:«r2»
""", r1=pw(OK_SQ.replace(":", "")), escpw=esc_pw, r2=pw(OK_SQ.replace(":", "")))


def g_gitcreds():
    d = dom()
    emit("gitcreds1", "home/kofi/.git-credentials", r"""
§s:tok_vcs https://kofi-mensah:«ghp»@github.com
§s:tok_vcs https://oauth2:«glpat»@gitlab.com
§s:cred_url https://kofi%40«d»:«pw1»@bitbucket.org
§s:cred_url https://kofi:«azdo»@dev.azure.com
§s:cred_url http://kofi:«pw2»@gitea.lan:3000
""", d=d, ghp=k_ghp(), glpat=k_glpat(), pw1=pw(OK_URL), azdo=S(rs(52, LO + "234567")), pw2=pw(OK_URL))
    emit("gitcreds1", "home/kofi/.gitconfig", r"""
[user]
⇥name = Kofi Mensah
⇥email = kofi@«d»
§t ⇥signingkey = «gpgid»
[core]
⇥editor = nvim
⇥autocrlf = input
⇥excludesfile = ~/.gitignore_global
[init]
⇥defaultBranch = main
[credential]
§t ⇥helper = store
[credential "https://dev.azure.com"]
⇥useHttpPath = true
§s:tok_vcs [url "https://kofi-mensah:«ghp2»@github.com/acme-internal/"]
⇥insteadOf = git@github.com:acme-internal/
[alias]
⇥co = checkout
⇥br = branch
⇥st = status -sb
⇥lg = log --graph --pretty=format:'%Cred%h%Creset -%C(yellow)%d%Creset %s %Cgreen(%cr) %C(bold blue)<%an>%Creset'
[commit]
⇥gpgsign = true
[pull]
⇥rebase = true
""", d=d, gpgid=HX(16), ghp2=k_ghp())


def g_dockercfg():
    d = dom()
    acct = num(12)
    emit("dockercfg1", "home/ci/.docker/config.json", r"""
{
⇥"auths": {
⇥⇥"https://index.docker.io/v1/": {
§s:encoded_cred ⇥⇥⇥"auth": "«a1»"
⇥⇥},
⇥⇥"registry.gitlab.com": {
§s:encoded_cred ⇥⇥⇥"auth": "«a2»"
⇥⇥},
§t ⇥⇥"ghcr.io": {},
⇥⇥"harbor.«d»": {
§s:encoded_cred ⇥⇥⇥"auth": "«a3»",
⇥⇥⇥"email": "ci@«d»"
⇥⇥},
⇥⇥"quay.io": {
§s:tok_registry ⇥⇥⇥"identitytoken": "«idtok»"
⇥⇥}
⇥},
§t ⇥"credsStore": "desktop",
⇥"credHelpers": {
§t ⇥⇥"«acct».dkr.ecr.eu-west-1.amazonaws.com": "ecr-login",
§t ⇥⇥"europe-docker.pkg.dev": "gcloud"
⇥},
⇥"HttpHeaders": {
⇥⇥"User-Agent": "Docker-Client/24.0.7 (linux)"
⇥},
⇥"currentContext": "default",
⇥"features": {
⇥⇥"buildkit": "true"
⇥}
}
""", d=d, acct=acct, a1=S(b64("acmeci:" + k_dckr())), a2=S(b64("gitlab-ci-token:" + k_glpat())),
         a3=S(b64("robot$ci+push:" + pw(OK_CODE))),
         idtok=k_jwt({"sub": "acme+builder", "iss": "quay", "exp": 1767225600}))


def g_aws_creds():
    emit("aws1", "home/pedro/.aws/credentials", r"""
[default]
§b:tok_aws aws_access_key_id = «id1»
§e aws_secret_access_key = «sec1»

[prod-admin]
§b:tok_aws aws_access_key_id=«id2»
§e aws_secret_access_key=«sec2»
region=eu-west-1

[temp]
§b:tok_aws aws_access_key_id = «id3»
aws_secret_access_key = «sec3»
§e aws_session_token = «sess»
# expires 2024-03-14T18:22:09Z

# copied from the AWS CLI docs while testing the profile syntax
[docs-example]
§t aws_access_key_id = «docid»
§t aws_secret_access_key = «docsecret»
""", id1=k_aws_id(), sec1=k_aws_secret(), id2=k_aws_id(), sec2=k_aws_secret(), id3=k_aws_id("ASIA"),
         sec3=k_aws_secret(), sess=k_aws_session(), docid=DOC_AWS_ID, docsecret=DOC_AWS_SECRET)
    a1, a2 = num(12), num(12)
    emit("aws1", "home/pedro/.aws/config", r"""
[default]
region = eu-west-1
output = json

[profile prod]
§t role_arn = arn:aws:iam::«a1»:role/OrganizationAccountAccessRole
source_profile = prod-admin
§t mfa_serial = arn:aws:iam::«a1»:mfa/pedro

[profile sso-dev]
sso_session = acme
sso_account_id = «a2»
sso_role_name = PowerUserAccess
region = eu-west-1

[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile legacy]
§t credential_process = /usr/local/bin/aws-vault exec legacy --json
""", a1=a1, a2=a2)


def g_ssh_dir():
    d = dom()
    emit("ssh1", "home/yusuf/.ssh/id_ed25519", "«k»", k=keyblock(pem_lines("ed25519", "yusuf@thinkpad")))
    emit("ssh1", "home/yusuf/.ssh/id_ed25519.pub", "§t «p»", p=ssh_pub_ed25519("yusuf@thinkpad"))
    emit("ssh1", "home/yusuf/.ssh/config", r"""
Host *
    ServerAliveInterval 30
    AddKeysToAgent yes

Host bastion
    HostName bastion.«d»
    User yusuf
§t     IdentityFile ~/.ssh/id_ed25519
    IdentitiesOnly yes

Host app-*
    ProxyJump bastion
    User deploy

Host legacy-db
    HostName 10.0.12.4
    User root
    ProxyJump bastion
§t     PreferredAuthentications password
§t     # password: ask Nadia, do NOT write it here

Host github.com
§t     IdentityFile ~/.ssh/id_ed25519
""", d=d)
    kh = [f"github.com {ssh_pub_ed25519('')}".rstrip(),
          f"gitlab.{d},{ip10()} {ssh_pub_ecdsa('')}".rstrip(),
          f"|1|{b64(rbytes(20))}|{b64(rbytes(20))} {ssh_pub_ed25519('')}".rstrip(),
          f"|1|{b64(rbytes(20))}|{b64(rbytes(20))} {ssh_pub_rsa('', 2048)}".rstrip(),
          f"[bastion.{d}]:2222 {ssh_pub_ed25519('')}".rstrip()]
    emit("ssh1", "home/yusuf/.ssh/known_hosts", "\n".join("§t " + x for x in kh))


def g_deploy_key():
    emit("ssh2", "ci/keys/deploy_key", "«k»", k=keyblock(pem_lines("openssh-rsa", "deploy@ci")))
    emit("ssh2", "ci/keys/deploy_key.pub", "§t «p»", p=ssh_pub_rsa("deploy@ci"))
    emit("ssh2", "ci/README.md", r"""
# CI deploy key

The pipeline uses `ci/keys/deploy_key` to push tags to the `releases` repo.

* Added as a read/write deploy key on `acme/releases` (2022-11-03).
§t * Public half: `ci/keys/deploy_key.pub` (fingerprint SHA256:«fp»).
* Rotate yearly; ping #platform before rotating.

```bash
§t ssh-keygen -t rsa -b 3072 -N '' -C deploy@ci -f ci/keys/deploy_key
```

## Troubleshooting

If the push step fails with `Permission denied (publickey)`, check that the key
is still listed under *Settings -> Deploy keys* and that the runner has
§t `GIT_SSH_COMMAND="ssh -i ci/keys/deploy_key -o IdentitiesOnly=yes"` set.
""", fp=b64(rbytes(32)).rstrip("="))


def g_ppk():
    pub_blob = _sshstr(b"ssh-rsa") + _sshstr(b"\x01\x00\x01") + _sshstr(b"\x00" + rbytes(256))
    pub_lines = chunk(b64(pub_blob), 64)
    priv_lines = chunk(b64(rbytes(700)), 64)
    S(priv_lines[3])
    comment = "rsa-key-20231108"
    body = ["PuTTY-User-Key-File-3: ssh-rsa", "Encryption: none", f"Comment: {comment}",
            f"Public-Lines: {len(pub_lines)}"] + pub_lines + [f"Private-Lines: {len(priv_lines)}"] \
        + priv_lines + [f"Private-MAC: {hx(64)}"]
    text = "§b:private_key " + "\n".join(body[:-1]) + "\n§e " + body[-1]
    emit("ppk1", "Users/jamal/Documents/keys/bastion-prod.ppk", text)
    pub = ["---- BEGIN SSH2 PUBLIC KEY ----", f'Comment: "{comment}"'] + chunk(b64(pub_blob), 70) \
        + ["---- END SSH2 PUBLIC KEY ----"]
    emit("ppk1", "Users/jamal/Documents/keys/bastion-prod.pub", trickyblock(pub))


def g_pem_nginx():
    d = dom()
    emit("pem1", "srv/nginx/ssl/shop.key", "«k»", k=keyblock(pem_lines("pkcs8")))
    emit("pem1", "srv/nginx/ssl/shop.crt", trickyblock(cert_lines() + cert_lines()))
    emit("pem1", "srv/nginx/conf.d/shop.conf", r"""
upstream shop_backend {
    server 127.0.0.1:9000;
    keepalive 16;
}

server {
    listen 443 ssl http2;
    server_name shop.«d» www.shop.«d»;

    ssl_certificate     /srv/nginx/ssl/shop.crt;
§t     ssl_certificate_key /srv/nginx/ssl/shop.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;

    root /srv/shop/public;
    index index.php;

    location /admin/ {
        auth_basic "Shop admin";
§t         auth_basic_user_file /etc/nginx/.htpasswd-shop;
        proxy_pass http://shop_backend;
    }

    location /erp-sync/ {
        # the ERP only speaks basic auth, inject it here
§s:encoded_cred         proxy_set_header Authorization "Basic «basic»";
        proxy_pass https://erp.«d»/api/;
    }

    location /api/ {
§t         proxy_set_header Authorization "";
        proxy_pass http://shop_backend;
    }
}
""", d=d, basic=S(b64("shop-sync:" + pw(OK_CODE))))

# =========================================================================== #
# PHP
# =========================================================================== #
WP_SALT_ALPHA = "".join(c for c in string.printable[:94] if c not in "'\\")


def g_wpconfig1():
    site = R.choice(["casadopao", "lojaverde", "fisio-porto", "oficina24"])
    salts = {k: S(rs(64, WP_SALT_ALPHA)) for k in ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY",
                                                    "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT",
                                                    "LOGGED_IN_SALT", "NONCE_SALT"]}
    salt_lines = "\n".join(f"§s:app_secret define( '{k}',{' ' * (17 - len(k))}'{v}' );" for k, v in salts.items())
    emit("wpconfig1", "var/www/html/wp-config.php", r"""
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
define( 'DB_NAME', 'wp_«site»' );

/** Database username */
define( 'DB_USER', 'wp_«site»_usr' );

/** Database password */
§s:pw_php define( 'DB_PASSWORD', '«pw»' );

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
 *
 * You can change these at any point in time to invalidate all existing cookies.
 * This will force all users to have to log in again.
 *
 * @since 2.6.0
 */
«salts»

/**#@-*/
§t define( 'WP_CACHE_KEY_SALT', '' );

/** FTP credentials for the updater (host has no ssh) */
define( 'FS_METHOD', 'ftpext' );
define( 'FTP_USER', '«site»' );
§s:pw_php define( 'FTP_PASS', '«ftppw»' );
define( 'FTP_HOST', 'ftp.«site».pt' );
define( 'FTP_SSL', false );

/**
 * WordPress database table prefix.
 */
$table_prefix = 'wp_';

define( 'WP_DEBUG', false );
define( 'WP_MEMORY_LIMIT', '256M' );
define( 'DISALLOW_FILE_EDIT', true );

/* That's all, stop editing! Happy publishing. */

/** Absolute path to the WordPress directory. */
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

/** Sets up WordPress vars and included files. */
require_once ABSPATH . 'wp-settings.php';
""", site=site, pw=pw(OK_SQ, space=True), salts=salt_lines, ftppw=pw(OK_SQ))


def g_wpconfig2():
    keys = ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
            "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"]
    salt_lines = "\n".join(
        f"§t define( '{k}',{' ' * (17 - len(k))}getenv_docker('WORDPRESS_{k}',{' ' * (17 - len(k))}'put your unique phrase here') );"
        for k in keys)
    emit("wpconfig2", "srv/blog/wp-config.php", r"""
<?php
/**
 * The base configuration for WordPress (docker image flavour, edited for the blog host)
 *
 * @package WordPress
 */

// a helper function to lookup "env_FILE", "env", then fallback
if (!function_exists('getenv_docker')) {
	// https://github.com/docker-library/wordpress/issues/588 (WP-CLI will load this file 2x)
	function getenv_docker($env, $default) {
		if ($fileEnv = getenv($env . '_FILE')) {
			return rtrim(file_get_contents($fileEnv), "\r\n");
		}
		else if (($val = getenv($env)) !== false) {
			return $val;
		}
		else {
			return $default;
		}
	}
}

// ** Database settings - You can get this info from your web host ** //
define( 'DB_NAME', getenv_docker('WORDPRESS_DB_NAME', 'blog') );
define( 'DB_USER', getenv_docker('WORDPRESS_DB_USER', 'blog') );
§s:pw_php define( 'DB_PASSWORD', getenv_docker('WORDPRESS_DB_PASSWORD', '«pw»') );
define( 'DB_HOST', getenv_docker('WORDPRESS_DB_HOST', 'mysql') );
define( 'DB_CHARSET', getenv_docker('WORDPRESS_DB_CHARSET', 'utf8') );
define( 'DB_COLLATE', getenv_docker('WORDPRESS_DB_COLLATE', '') );

«salts»

// (since we're not setting the salts above, they will be regenerated on every restart)
if ($configExtra = getenv_docker('WORDPRESS_CONFIG_EXTRA', '')) {
	eval($configExtra);
}

§t define( 'SMTP_PASS', getenv('SMTP_PASS') );
define( 'SMTP_USER', 'blog@mail.example-host.net' );

$table_prefix = getenv_docker('WORDPRESS_TABLE_PREFIX', 'wp_');

define( 'WP_DEBUG', !!getenv_docker('WORDPRESS_DEBUG', '') );

if (isset($_SERVER['HTTP_X_FORWARDED_PROTO']) && strpos($_SERVER['HTTP_X_FORWARDED_PROTO'], 'https') !== false) {
	$_SERVER['HTTPS'] = 'on';
}

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

require_once ABSPATH . 'wp-settings.php';
""", pw=pw(OK_SQ), salts=salt_lines)


def g_drupal():
    emit("drupal1", "web/sites/default/settings.php", r"""
<?php

// phpcs:ignoreFile

/**
 * @file
 * Drupal site-specific configuration file.
 *
 * IMPORTANT NOTE:
 * This file may have been set to read-only by the Drupal installation program.
 * If you make changes to this file, be sure to protect it again after making
 * your modifications. Failure to remove write permissions to this file is a
 * security risk.
 */

/**
 * Database settings:
 *
 * The $databases array specifies the database connection or
 * connections that Drupal may use.  Drupal is able to connect
 * to multiple databases, including multiple types of databases,
 * during the same request.
 *
 * One example of the simplest connection array is shown below. To use the
 * sample settings, copy and uncomment the code below between the @code and
 * @endcode lines and paste it after the $databases declaration. You will need
 * to replace the database username and password and possibly the host and port
 * with the appropriate credentials for your database system.
 *
 * @code
 * $databases['default']['default'] = [
 *   'database' => 'databasename',
 *   'username' => 'sqlusername',
§t  *   'password' => 'sqlpassword',
 *   'host' => 'localhost',
 *   'port' => '3306',
 *   'driver' => 'mysql',
 *   'prefix' => '',
 *   'collation' => 'utf8mb4_general_ci',
 * ];
 * @endcode
 */
$databases = [];

/**
 * Salt for one-time login links, cancel links, form tokens, etc.
 *
 * This variable will be set to a random value by the installer. All one-time
 * login links will be invalidated if the value is changed.
 *
 * For enhanced security, you may set this variable to the contents of a file
 * outside your document root; you should also ensure that this file is not
 * stored with backups of your database.
 *
 * Example:
 * @code
§t  *   $settings['hash_salt'] = file_get_contents('/home/example/salt.txt');
 * @endcode
 */
§s:app_secret $settings['hash_salt'] = '«salt»';

$settings['update_free_access'] = FALSE;
$settings['container_yamls'][] = $app_root . '/' . $site_path . '/services.yml';
$settings['file_scan_ignore_directories'] = [
  'node_modules',
  'bower_components',
];
$settings['entity_update_batch_size'] = 50;
$settings['entity_update_backup'] = TRUE;
$settings['migrate_node_migrate_type_classic'] = FALSE;
$settings['config_sync_directory'] = '../config/sync';

$databases['default']['default'] = array (
  'database' => 'drupal_prod',
  'username' => 'drupal',
§s:pw_php   'password' => '«pw1»',
  'prefix' => '',
  'host' => '«dbhost»',
  'port' => '3306',
  'isolation_level' => 'READ COMMITTED',
  'namespace' => 'Drupal\\mysql\\Driver\\Database\\mysql',
  'driver' => 'mysql',
  'autoload' => 'core/modules/mysql/src/Driver/Database/mysql/',
);

// D7 source for the migration, remove after go-live
$databases['migrate']['default'] = [
  'database' => 'd7_legacy',
  'username' => 'migrate',
§s:pw_php   'password' => "«pw2»",
  'host' => '10.1.4.20',
  'driver' => 'mysql',
];

§t $config['smtp.settings']['smtp_password'] = getenv('SMTP_PASSWORD');
§t $config['user.settings']['password_strength'] = TRUE;

if (file_exists($app_root . '/' . $site_path . '/settings.local.php')) {
  include $app_root . '/' . $site_path . '/settings.local.php';
}
""", salt=S(b64u(rbytes(55))), pw1=pw(OK_SQ), dbhost=f"mariadb.{dom()}", pw2=pw(OK_DQ))


def g_joomla():
    d = dom()
    emit("joomla1", "public_html/configuration.php", r"""
<?php
class JConfig {
⇥public $offline = false;
⇥public $offline_message = 'Site em manutenção.<br>Por favor volte mais tarde.';
⇥public $display_offline_message = 1;
⇥public $offline_image = '';
⇥public $sitename = 'Clube Náutico';
⇥public $editor = 'tinymce';
⇥public $captcha = '0';
⇥public $list_limit = 20;
⇥public $access = 1;
⇥public $debug = false;
⇥public $debug_lang = false;
⇥public $debug_lang_const = true;
⇥public $dbtype = 'mysqli';
⇥public $host = 'localhost';
⇥public $user = 'clube_jml';
§s:pw_php ⇥public $password = '«pw1»';
⇥public $db = 'clube_joomla';
⇥public $dbprefix = 'x3k7d_';
⇥public $dbencryption = 0;
⇥public $dbsslverifyservercert = false;
§t ⇥public $dbsslkey = '';
⇥public $dbsslcert = '';
⇥public $dbsslca = '';
⇥public $dbsslcipher = '';
⇥public $force_ssl = 2;
⇥public $live_site = '';
§s:app_secret ⇥public $secret = '«secret»';
⇥public $gzip = false;
⇥public $error_reporting = 'default';
⇥public $helpurl = 'https://help.joomla.org/proxy?keyref=Help{major}{minor}:{keyref}&lang={langcode}';
⇥public $offset = 'Europe/Lisbon';
⇥public $mailonline = true;
⇥public $mailer = 'smtp';
⇥public $mailfrom = 'geral@«d»';
⇥public $fromname = 'Clube Náutico';
⇥public $sendmail = '/usr/sbin/sendmail';
⇥public $smtpauth = true;
⇥public $smtpuser = 'geral@«d»';
§s:pw_php ⇥public $smtppass = '«pw2»';
⇥public $smtphost = 'mail.«d»';
⇥public $smtpsecure = 'ssl';
⇥public $smtpport = 465;
⇥public $caching = 0;
⇥public $cache_handler = 'file';
⇥public $cachetime = 15;
⇥public $MetaDesc = '';
⇥public $MetaAuthor = true;
⇥public $robots = '';
⇥public $sef = true;
⇥public $sef_rewrite = true;
⇥public $log_path = '/home/clube/public_html/administrator/logs';
⇥public $tmp_path = '/home/clube/public_html/tmp';
⇥public $lifetime = 15;
⇥public $session_handler = 'database';
⇥public $ftp_enable = false;
⇥public $ftp_host = '';
⇥public $ftp_port = '21';
⇥public $ftp_user = '';
§t ⇥public $ftp_pass = '';
⇥public $proxy_enable = false;
⇥public $proxy_host = '';
⇥public $proxy_port = '';
⇥public $proxy_user = '';
§t ⇥public $proxy_pass = '';
⇥public $cookie_domain = '';
⇥public $cookie_path = '';
⇥public $asset_id = '1';
⇥public $behind_loadbalancer = false;
}
""", d=d, pw1=pw(OK_SQ), secret=S(rs(16)), pw2=pw(OK_SQ))


def g_laravel_db():
    emit("laravel2", "config/database.php", r"""
<?php

use Illuminate\Support\Str;

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
            'database' => env('DB_DATABASE', 'forge'),
            'username' => env('DB_USERNAME', 'forge'),
§t             'password' => env('DB_PASSWORD', ''),
            'unix_socket' => env('DB_SOCKET', ''),
            'charset' => 'utf8mb4',
            'collation' => 'utf8mb4_unicode_ci',
            'prefix' => '',
            'strict' => true,
            'engine' => null,
        ],

        // read-only connection to the old ERP (SQL Server)
        'erp' => [
            'driver' => 'sqlsrv',
            'host' => env('ERP_DB_HOST', '10.2.0.31'),
            'port' => env('ERP_DB_PORT', '1433'),
            'database' => 'ERP_PROD',
            'username' => env('ERP_DB_USERNAME', 'laravel_ro'),
§s:pw_php             'password' => env('ERP_DB_PASSWORD', '«pw1»'),
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
§t             'username' => env('REDIS_USERNAME'),
§t             'password' => env('REDIS_PASSWORD'),
            'port' => env('REDIS_PORT', '6379'),
            'database' => env('REDIS_DB', '0'),
        ],

        'cache' => [
            'url' => env('REDIS_URL'),
            'host' => env('REDIS_HOST', '127.0.0.1'),
§s:pw_php             'password' => env('REDIS_PASSWORD', '«pw2»'),
            'port' => env('REDIS_PORT', '6379'),
            'database' => env('REDIS_CACHE_DB', '1'),
        ],

    ],

];
""", pw1=pw(OK_SQ), pw2=pw(OK_SQ))


def g_php_source():
    d = dom()
    emit("php1", "app/src/Service/PaymentGateway.php", r"""
<?php

declare(strict_types=1);

namespace App\Service;

use PDO;
use Stripe\StripeClient;
use Twilio\Rest\Client as TwilioClient;

final class PaymentGateway
{
§s:tok_commerce     private const STRIPE_KEY = '«sk»';
§t     private const STRIPE_PUBLIC = '«pk»';
§t     private const TWILIO_SID = '«sid»';
§s:tok_email_sms     private const TWILIO_TOKEN = '«twtok»';

    private PDO $db;
    private StripeClient $stripe;

    public function __construct(?PDO $db = null)
    {
§s:pw_code         $this->db = $db ?? new PDO('mysql:host=«host»;dbname=billing;charset=utf8mb4', 'billing', '«pw»', [
            PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        ]);
        $this->stripe = new StripeClient(self::STRIPE_KEY);
    }

    public function charge(int $customerId, int $amountCents, string $currency = 'eur'): string
    {
        $stmt = $this->db->prepare('SELECT stripe_customer_id FROM customers WHERE id = ?');
        $stmt->execute([$customerId]);
        $stripeId = (string) $stmt->fetchColumn();

        $intent = $this->stripe->paymentIntents->create([
            'amount' => $amountCents,
            'currency' => $currency,
            'customer' => $stripeId,
            'confirm' => true,
        ]);

        return $intent->id;
    }

    public function sendReceipt(string $phone, string $body): void
    {
        $twilio = new TwilioClient(self::TWILIO_SID, self::TWILIO_TOKEN);
        $twilio->messages->create($phone, ['from' => '+351300000000', 'body' => $body]);
    }

§t     public function verifyPassword(string $plain, string $hash): bool
    {
§t         return password_verify($plain, $hash);
    }
}
""", sk=k_sk_live(), pk=pk_live(), sid=twilio_sid(), twtok=k_twilio_token(), host=f"db.{d}",
         pw=pw(OK_SQ))

# =========================================================================== #
# Python
# =========================================================================== #
DJANGO_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)"


def g_django1():
    d = dom()
    emit("django1", "mysite/mysite/settings.py", r'''
"""
Django settings for mysite project.

Generated by 'django-admin startproject' using Django 4.2.7.

For more information on this file, see
https://docs.djangoproject.com/en/4.2/topics/settings/
"""

from pathlib import Path

# Build paths inside the project like this: BASE_DIR / 'subdir'.
BASE_DIR = Path(__file__).resolve().parent.parent

# SECURITY WARNING: keep the secret key used in production secret!
§t # SECRET_KEY = os.environ['DJANGO_SECRET_KEY']  # TODO before go-live
§s:app_secret SECRET_KEY = 'django-insecure-«sk»'

# SECURITY WARNING: don't run with debug turned on in production!
DEBUG = False

ALLOWED_HOSTS = ['www.«d»', '«d»']

INSTALLED_APPS = [
    'django.contrib.admin',
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'django.contrib.messages',
    'django.contrib.staticfiles',
    'shop',
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

ROOT_URLCONF = 'mysite.urls'
WSGI_APPLICATION = 'mysite.wsgi.application'

DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': 'mysite',
        'USER': 'mysite',
§s:pw_code         'PASSWORD': '«pw1»',
        'HOST': 'localhost',
        'PORT': '5432',
    },
    'legacy': {
        'ENGINE': 'django.db.backends.mysql',
        'NAME': 'oldshop',
        'USER': 'root',
§t         'PASSWORD': '',
        'HOST': '127.0.0.1',
    },
}

# Password validation
# https://docs.djangoproject.com/en/4.2/ref/settings/#auth-password-validators

AUTH_PASSWORD_VALIDATORS = [
    {
§t         'NAME': 'django.contrib.auth.password_validation.UserAttributeSimilarityValidator',
    },
    {
§t         'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator',
§t         'OPTIONS': {'min_length': 12},
    },
    {
§t         'NAME': 'django.contrib.auth.password_validation.CommonPasswordValidator',
    },
    {
§t         'NAME': 'django.contrib.auth.password_validation.NumericPasswordValidator',
    },
]

PASSWORD_HASHERS = [
§t     'django.contrib.auth.hashers.Argon2PasswordHasher',
§t     'django.contrib.auth.hashers.PBKDF2PasswordHasher',
]

LANGUAGE_CODE = 'en-us'
TIME_ZONE = 'Europe/Lisbon'
USE_I18N = True
USE_TZ = True

STATIC_URL = 'static/'
STATIC_ROOT = BASE_DIR / 'staticfiles'
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'

EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'
EMAIL_HOST = 'smtp.gmail.com'
EMAIL_PORT = 587
EMAIL_USE_TLS = True
EMAIL_HOST_USER = 'shop.notifications@gmail.com'
§s:pw_code EMAIL_HOST_PASSWORD = '«gapp»'
§t PASSWORD_RESET_TIMEOUT = 3600
''', d=d, sk=S(rs(50, DJANGO_CHARS).replace("'", "")), pw1=pw(OK_SQ.replace("$", "")), gapp=app_password())


def g_django2():
    emit("django2", "backend/config/settings/production.py", r'''
"""Production settings -- everything comes from the environment (django-environ)."""
import os

from .base import *  # noqa: F401,F403
from .base import env

§t SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["api.example.org"])

§t DATABASES["default"] = env.db("DATABASE_URL")  # noqa: F405
DATABASES["default"]["ATOMIC_REQUESTS"] = True  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405

CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
§t         "LOCATION": env("REDIS_URL"),
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "IGNORE_EXCEPTIONS": True},
    }
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# STORAGES
§t AWS_ACCESS_KEY_ID = env("DJANGO_AWS_ACCESS_KEY_ID")
§t AWS_SECRET_ACCESS_KEY = env("DJANGO_AWS_SECRET_ACCESS_KEY")
AWS_STORAGE_BUCKET_NAME = env("DJANGO_AWS_STORAGE_BUCKET_NAME")
AWS_QUERYSTRING_AUTH = False

# EMAIL
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="smtp.sendgrid.net")
EMAIL_HOST_USER = "apikey"
§s:tok_email_sms EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="«sg»")
ANYMAIL = {
§s:tok_email_sms     "MAILGUN_API_KEY": env("MAILGUN_API_KEY", default="«mg»"),
    "MAILGUN_API_URL": env("MAILGUN_API_URL", default="https://api.eu.mailgun.net/v3"),
}

# CELERY
§s:cred_url CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", "amqp://celery:«pw»@rabbitmq.internal:5672//")
§t CELERY_RESULT_BACKEND = os.getenv("CELERY_RESULT_BACKEND")

# SENTRY
§t SENTRY_DSN = env("SENTRY_DSN")
SENTRY_LOG_LEVEL = env.int("DJANGO_SENTRY_LOG_LEVEL", 20)

# django-rest-framework
REST_FRAMEWORK = {
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min", "password_reset": "5/hour"},
}
''', sg=k_sendgrid(), mg=k_mailgun(), pw=pw(OK_URL))


def g_flask():
    d = dom()
    emit("flask1", "app/config.py", r'''
import os
from datetime import timedelta

basedir = os.path.abspath(os.path.dirname(__file__))


class Config:
§s:app_secret     SECRET_KEY = os.environ.get("SECRET_KEY") or "«fs»"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
§t     SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "smtp.office365.com")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USE_TLS = True
§t     MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
§t     MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
§t     PASSWORD_MIN_LENGTH = 12
§t     PASSWORD_RESET_TOKEN_TTL = 3600
§t     SECURITY_PASSWORD_HASH = "argon2"
§t     SECURITY_PASSWORD_SALT = os.environ["SECURITY_PASSWORD_SALT"]


class DevelopmentConfig(Config):
    DEBUG = True
    SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(basedir, "dev.db")


class TestingConfig(Config):
    TESTING = True
§t     SECRET_KEY = "dummy-secret-key-for-tests"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
§s:cred_url     SQLALCHEMY_DATABASE_URI = os.getenv("DATABASE_URL", "postgresql+psycopg2://flaskapp:«pw1»@«host»:5432/flaskapp")
§s:pw_code     MAIL_PASSWORD = os.getenv("MAIL_PASSWORD", "«pw2»")
    CACHE_TYPE = "RedisCache"
§s:cred_url     CACHE_REDIS_URL = "redis://:«pw3»@cache.«d»:6379/2"


config = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
    "default": DevelopmentConfig,
}
''', d=d, fs=k_hexsecret(48), pw1=pw(OK_URL), host=f"pg.{d}", pw2=pw(OK_CODE), pw3=pw(OK_URL))


def g_etl_script():
    d = dom()
    emit("pyscript1", "scripts/etl/export_orders.py", r'''
#!/usr/bin/env python3
"""Nightly export of the orders table to S3 + Slack notification.

Runs from cron on etl01 (see /etc/cron.d/etl).
"""
import csv
import datetime
import logging
import os
import sys
import tempfile

import boto3
import psycopg2
import requests

log = logging.getLogger("export_orders")

§s:pw_code DB = dict(host="«host»", port=5432, dbname="orders", user="etl", password="«pw1»")
BUCKET = "acme-exports"
§t SLACK_TOKEN = os.environ.get("SLACK_BOT_TOKEN")


def s3():
    return boto3.client(
        "s3",
        region_name="eu-west-1",
§b:tok_aws         aws_access_key_id="«akid»",
§e         aws_secret_access_key="«aksec»",
    )


def export(day: datetime.date) -> str:
    conn = psycopg2.connect(**DB)
    path = os.path.join(tempfile.gettempdir(), f"orders-{day:%Y%m%d}.csv")
    with conn, conn.cursor() as cur, open(path, "w", newline="") as fh:
        cur.execute("SELECT id, customer_id, total_cents, status, created_at FROM orders WHERE created_at::date = %s", (day,))
        w = csv.writer(fh)
        w.writerow([c.name for c in cur.description])
        w.writerows(cur)
    s3().upload_file(path, BUCKET, f"orders/{day:%Y/%m}/{os.path.basename(path)}")
    return path


def notify(msg: str) -> None:
§s:tok_chat     token = SLACK_TOKEN or "«xoxb»"
    requests.post(
        "https://slack.com/api/chat.postMessage",
§t         headers={"Authorization": f"Bearer {token}"},
        json={"channel": "#data-ops", "text": msg},
        timeout=10,
    )


def fx_rates() -> dict:
§s:pw_code     r = requests.get("https://fx.«d»/api/rates", auth=("etl", "«pw2»"), timeout=30)
    r.raise_for_status()
    return r.json()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    day = datetime.date.today() - datetime.timedelta(days=1)
    if len(sys.argv) > 1:
        day = datetime.date.fromisoformat(sys.argv[1])
    out = export(day)
    notify(f"orders export for {day} done: {out}")
''', d=d, host=f"orders-db.{d}", pw1=pw(OK_CODE), akid=k_aws_id(), aksec=k_aws_secret(),
         xoxb=k_xoxb(), pw2=pw(OK_CODE, space=True))


def _nb(cells):
    nb = {"cells": [], "metadata": {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                          "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                          "pygments_lexer": "ipython3", "version": "3.11.5"}},
        "nbformat": 4, "nbformat_minor": 5}
    count = 0
    for c in cells:
        kind, src = c[0], c[1]
        lines = src.split("\n")
        source = [ln + "\n" for ln in lines[:-1]] + [lines[-1]]
        if kind == "md":
            nb["cells"].append({"cell_type": "markdown", "id": hx(8), "metadata": {}, "source": source})
        else:
            count += 1
            outputs = c[2] if len(c) > 2 else []
            nb["cells"].append({"cell_type": "code", "execution_count": count, "id": hx(8),
                                "metadata": {}, "outputs": outputs, "source": source})
    return json.dumps(nb, indent=1, ensure_ascii=False)


def g_notebook1():
    d = dom()
    oa, an, hf_, wpw = k_openai(), k_anthropic(), k_hf(), pw(OK_URL)
    img = png_b64(900)
    text = _nb([
        ("md", "# LLM eval -- support ticket triage\n\nQuick experiments comparing models on the labelled ticket sample.\nResults go to `reports/triage-eval.md`."),
        ("code", "import os\nimport json\nimport pandas as pd\nimport matplotlib.pyplot as plt\nfrom openai import OpenAI\nimport anthropic"),
        ("code", f"# TODO move to .env before sharing\nclient = OpenAI(api_key=\"{oa}\")\nclaude = anthropic.Anthropic(api_key=\"{an}\")\n# claude = anthropic.Anthropic(api_key=os.environ[\"ANTHROPIC_API_KEY\"])"),
        ("code", f"from huggingface_hub import login\nlogin(token=\"{hf_}\")"),
        ("code", f"import sqlalchemy as sa\nengine = sa.create_engine(\"postgresql://analyst:{wpw}@warehouse.{d}:5432/support\")\ndf = pd.read_sql(\"select id, subject, body, label from tickets_sample limit 500\", engine)\ndf.head(3)",
         [{"data": {"text/plain": ["    id                  subject                         label\n",
                                   "0  101  Cannot reset my password             account\n",
                                   "1  102  Invoice shows wrong VAT              billing\n",
                                   "2  103  App crashes on login (Android 14)    bug"]},
           "execution_count": 3, "metadata": {}, "output_type": "execute_result"}]),
        ("code", "import getpass\nzendesk_token = getpass.getpass(\"Zendesk API token: \")",
         [{"name": "stdin", "output_type": "stream", "text": ["Zendesk API token:  ········\n"]}]),
        ("code", "acc = df.groupby('label').apply(lambda g: (g.pred == g.label).mean())\nacc.plot.bar(); plt.title('accuracy by label')",
         [{"data": {"image/png": img, "text/plain": ["<Figure size 640x480 with 1 Axes>"]},
           "metadata": {}, "output_type": "display_data"}]),
        ("code", "key = os.environ.get(\"OPENAI_API_KEY\")\nprint(\"key loaded:\", bool(key))",
         [{"name": "stdout", "output_type": "stream", "text": ["key loaded: False\n"]}]),
    ])
    emit_auto("jupyter1", "notebooks/llm_triage_eval.ipynb", text,
              secrets=[("tok_ai", oa), ("tok_ai", an), ("tok_ai", hf_), ("cred_url", wpw)],
              tricky=["os.environ[\\\"ANTHROPIC_API_KEY\\\"]", "getpass.getpass", "········",
                      img[:40], "os.environ.get(\\\"OPENAI_API_KEY\\\")"])


def g_notebook2():
    d = dom()
    sfpw, gkey, at, ck = pw(OK_CODE), k_google(), k_airtable(), hx(64)
    text = _nb([
        ("md", "## Churn model v3\nFeatures from Snowflake + store locations geocoded with the Maps API."),
        ("code", "import snowflake.connector\nimport pandas as pd\nimport requests"),
        ("code", f"conn = snowflake.connector.connect(\n    user=\"DS_SERVICE\",\n    password=\"{sfpw}\",\n    account=\"xy12345.eu-west-1\",\n    warehouse=\"DS_WH\",\n    database=\"ANALYTICS\",\n)\ncustomers = pd.read_sql(\"select * from marts.customer_features\", conn)"),
        ("code", f"GMAPS_KEY = \"{gkey}\"\ndef geocode(addr):\n    r = requests.get(\"https://maps.googleapis.com/maps/api/geocode/json\", params={{\"address\": addr, \"key\": GMAPS_KEY}})\n    return r.json()[\"results\"][0][\"geometry\"][\"location\"]"),
        ("code", f"stores = requests.get(\n    \"https://api.airtable.com/v0/appQx7Lw2JbZ9kT1c/Stores\",\n    headers={{\"Authorization\": \"Bearer {at}\"}},\n).json()[\"records\"]\nlen(stores)",
         [{"data": {"text/plain": ["214"]}, "execution_count": 4, "metadata": {}, "output_type": "execute_result"}]),
        ("code", "# model artefact checksum for the registry\nimport hashlib\nhashlib.sha256(open('model.pkl','rb').read()).hexdigest()",
         [{"data": {"text/plain": [f"'{ck}'"]}, "execution_count": 5, "metadata": {}, "output_type": "execute_result"}]),
        ("code", "print(customers.columns.tolist())",
         [{"name": "stdout", "output_type": "stream", "text": ["['CUSTOMER_ID', 'TENURE_DAYS', 'PASSWORD_RESETS_90D', 'SUPPORT_TICKETS_90D', 'CHURNED']\n"]}]),
    ])
    emit_auto("jupyter2", "analysis/churn_model_v3.ipynb", text,
              secrets=[("pw_code", sfpw), ("tok_cloud", gkey), ("tok_saas", at)],
              tricky=["hashlib.sha256", "PASSWORD_RESETS_90D", ck])


# =========================================================================== #
# JavaScript / TypeScript
# =========================================================================== #
def g_node_config():
    d = dom()
    emit("node1", "src/config/index.js", r"""
'use strict';

const path = require('path');
require('dotenv').config({ path: path.resolve(__dirname, '../../.env') });

const env = process.env.NODE_ENV || 'development';

const config = {
  env,
  port: parseInt(process.env.PORT, 10) || 3000,
  db: {
    host: process.env.DB_HOST || 'localhost',
    port: 5432,
    user: process.env.DB_USER || 'app',
§s:pw_code     password: process.env.DB_PASSWORD || '«pw1»',
    database: 'app_production',
  },
  redis: {
§s:cred_url     url: process.env.REDIS_URL || 'redis://:«pw2»@«host»:6379/0',
  },
  session: {
§s:app_secret     secret: '«sess»',
    cookie: { maxAge: 86400000, secure: true },
  },
  mail: {
    host: 'smtp.sendgrid.net',
    port: 587,
    auth: {
      user: 'apikey',
§s:tok_email_sms       pass: '«sg»',
    },
  },
  oauth: {
    github: {
      clientID: 'Iv1.«ghcid»',
§s:tok_generic       clientSecret: '«ghsecret»',
      callbackURL: 'https://app.«d»/auth/github/callback',
    },
    google: {
      clientID: '«gnum»-«gcid».apps.googleusercontent.com',
§s:tok_generic       clientSecret: '«gsecret»',
    },
  },
  passwordPolicy: {
§t     minLength: 10,
§t     requireSymbols: true,
§t     maxAgeDays: 180,
  },
§t   // passwords are hashed with bcrypt, cost 12 (see src/auth/hash.js)
  bcryptRounds: 12,
};

if (env === 'test') {
§t   config.db.password = 'dummy_test_password';
  config.db.database = 'app_test';
}

module.exports = config;
""", d=d, pw1=pw(OK_SQ), pw2=pw(OK_URL), host=f"redis.{d}", sess=k_alnum(48), sg=k_sendgrid(),
         ghcid=hx(16), ghsecret=k_hexsecret(40), gnum=num(12), gcid=rs(32, LO + DG),
         gsecret=k_google_client_secret())


def g_ts_clients():
    d = dom()
    emit("ts1", "src/lib/clients.ts", r"""
import Stripe from 'stripe';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { WebClient } from '@slack/web-api';
import { Client as NotionClient } from '@notionhq/client';
import mongoose from 'mongoose';

§s:tok_commerce export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY ?? '«sk»', {
  apiVersion: '2023-10-16',
});
§t export const STRIPE_PUBLISHABLE_KEY = '«pk»';

§t export const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
§s:tok_ai export const anthropic = new Anthropic({ apiKey: '«ant»' });
§s:tok_chat export const slack = new WebClient('«xoxb»');
§s:tok_saas export const notion = new NotionClient({ auth: '«ntn»' });

const MONGO_URI =
§s:cred_url   process.env.MONGO_URI || 'mongodb+srv://app_user:«pw»@cluster0.«cl».mongodb.net/prod?retryWrites=true&w=majority';

export async function connectMongo(): Promise<void> {
  if (mongoose.connection.readyState === 1) return;
  await mongoose.connect(MONGO_URI);
}

§t export const SENTRY_DSN = 'https://«dsn»@o«org».ingest.sentry.io/«proj»';
§t const apiToken: string = process.env.INTERNAL_API_TOKEN ?? '';
§t // const apiToken = 'REDACTED';

export async function internalFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`https://internal.«d»${path}`, {
    ...init,
    headers: {
      ...(init.headers ?? {}),
§t       Authorization: `Bearer ${apiToken}`,
      'Content-Type': 'application/json',
    },
  });
}
""", d=d, sk=k_sk_live(), pk=pk_live(), ant=k_anthropic(), xoxb=k_xoxb(), ntn=k_notion(),
         pw=pw(OK_URL), cl=rs(5, LO + DG), dsn=hx(32), org=num(6), proj=num(7))


def g_automation_js():
    d = dom()
    email = f"automation@{d}"
    emit("automation1", "tools/sync/index.mjs", r"""
// Sync Jira issues -> Linear + Notion roadmap + Airtable capacity sheet.
// run: node tools/sync/index.mjs --since 2024-01-01
import { LinearClient } from '@linear/sdk';
import { Client as Notion } from '@notionhq/client';
import Airtable from 'airtable';

const JIRA_BASE = 'https://acme.atlassian.net';
const JIRA_USER = '«email»';
§s:tok_vcs const JIRA_TOKEN = '«atl»';
§t const JIRA_AUTH = Buffer.from(`${JIRA_USER}:${JIRA_TOKEN}`).toString('base64');

§s:tok_saas const linear = new LinearClient({ apiKey: '«lin»' });
§s:tok_saas const notion = new Notion({ auth: process.env.NOTION_TOKEN || '«ntn»' });
§s:tok_saas Airtable.configure({ apiKey: '«at»' });
const base = Airtable.base('appR2d9QfK3mN8xYz');

const NOTION_DB = '«notiondb»';
§t const LINEAR_TEAM_ID = '«uuid»';

async function jira(path) {
  const res = await fetch(`${JIRA_BASE}${path}`, {
§t     headers: { Authorization: `Basic ${JIRA_AUTH}`, Accept: 'application/json' },
  });
  if (!res.ok) throw new Error(`jira ${res.status}`);
  return res.json();
}

async function main() {
  const since = process.argv[process.argv.indexOf('--since') + 1] ?? '2024-01-01';
  const { issues } = await jira(`/rest/api/3/search?jql=${encodeURIComponent(`updated >= ${since}`)}`);
  for (const issue of issues) {
    await linear.createIssue({ teamId: LINEAR_TEAM_ID, title: `[${issue.key}] ${issue.fields.summary}` });
    await notion.pages.create({
      parent: { database_id: NOTION_DB },
      properties: { Name: { title: [{ text: { content: issue.fields.summary } }] } },
    });
    await base('Capacity').create([{ fields: { Key: issue.key, Points: issue.fields.customfield_10016 ?? 0 } }]);
  }
  console.log(`synced ${issues.length} issues`);
}

main().catch((e) => { console.error(e); process.exit(1); });
""", email=email, atl=k_atlassian(), lin=k_linear(), ntn=k_notion(), at=k_airtable(), notiondb=hx(32),
         uuid=uid())

# =========================================================================== #
# Go
# =========================================================================== #
def g_go_store():
    d = dom()
    emit("go1", "internal/store/store.go", r"""
package store

import (
⇥"context"
⇥"database/sql"
⇥"fmt"
⇥"os"
⇥"time"

⇥"github.com/go-redis/redis/v8"
⇥_ "github.com/go-sql-driver/mysql"
⇥_ "github.com/lib/pq"
)

const (
⇥defaultHost = "«pghost»"
⇥defaultPort = 5432
⇥defaultUser = "orders_svc"
§s:pw_code ⇥defaultPass = "«pw1»" // TODO: move to vault
)

// Open returns a connection pool for the orders database.
func Open(ctx context.Context) (*sql.DB, error) {
§t ⇥pass := os.Getenv("ORDERS_DB_PASSWORD")
⇥if pass == "" {
⇥⇥pass = defaultPass
⇥}
§t ⇥dsn := fmt.Sprintf("host=%s port=%d user=%s password=%s dbname=orders sslmode=require",
⇥⇥defaultHost, defaultPort, defaultUser, pass)
⇥db, err := sql.Open("postgres", dsn)
⇥if err != nil {
⇥⇥return nil, err
⇥}
⇥db.SetMaxOpenConns(25)
⇥db.SetConnMaxLifetime(5 * time.Minute)
⇥return db, db.PingContext(ctx)
}

// OpenLegacy connects to the old MySQL reporting DB.
func OpenLegacy() (*sql.DB, error) {
§s:conn_string ⇥return sql.Open("mysql", "report:«pw2»@tcp(«ip»:3306)/reporting?parseTime=true")
}

// OpenAudit uses a libpq keyword/value string.
func OpenAudit() (*sql.DB, error) {
§s:conn_string ⇥return sql.Open("postgres", "host=audit-db.«d» user=audit_writer password='«pw4»' dbname=audit sslmode=verify-full")
}

func NewRedis() *redis.Client {
⇥return redis.NewClient(&redis.Options{
⇥⇥Addr:     "«redishost»:6379",
§s:pw_code ⇥⇥Password: "«pw3»",
⇥⇥DB:       0,
⇥})
}

func NewLocalCache() *redis.Client {
⇥return redis.NewClient(&redis.Options{
⇥⇥Addr:     "localhost:6379",
§t ⇥⇥Password: "", // no password set
⇥⇥DB:       1,
⇥})
}
""", d=d, pghost=f"orders-db.{d}", pw1=pw(OK_CODE), pw2=pw(OK_URL.replace("*", "")), ip=ip10(),
         pw4=pw(OK_SQ.replace("'", "").replace("\\", "")), redishost=f"redis.{d}", pw3=pw(OK_CODE))


def g_go_notifier():
    d = dom()
    emit("go2", "cmd/notifier/main.go", r"""
// Command notifier fans out deploy events to chat channels.
package main

import (
⇥"bytes"
⇥"encoding/json"
⇥"flag"
⇥"fmt"
⇥"log"
⇥"net/http"
⇥"os"
)

var (
§s:tok_chat ⇥telegramToken = "«tg»"
⇥telegramChat  = "-100«chat»"
§s:tok_chat ⇥discordHook   = "«dh»"
§t ⇥slackToken    = os.Getenv("SLACK_BOT_TOKEN")
§s:tok_email_sms ⇥twilioToken   = "«twt»"
§t ⇥twilioSID     = "«sid»"
)

type event struct {
⇥Service string `json:"service"`
⇥Version string `json:"version"`
⇥Commit  string `json:"commit"`
}

func post(url string, body any, header map[string]string) error {
⇥b, _ := json.Marshal(body)
⇥req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
⇥if err != nil {
⇥⇥return err
⇥}
⇥req.Header.Set("Content-Type", "application/json")
⇥for k, v := range header {
⇥⇥req.Header.Set(k, v)
⇥}
⇥resp, err := http.DefaultClient.Do(req)
⇥if err != nil {
⇥⇥return err
⇥}
⇥defer resp.Body.Close()
⇥if resp.StatusCode >= 300 {
⇥⇥return fmt.Errorf("%s: %s", url, resp.Status)
⇥}
⇥return nil
}

func main() {
⇥svc := flag.String("service", "", "service name")
⇥ver := flag.String("version", "", "version")
§t ⇥commit := flag.String("commit", "«sha»", "git commit")
⇥flag.Parse()
⇥ev := event{*svc, *ver, *commit}
⇥msg := fmt.Sprintf("%s %s deployed (%.8s)", ev.Service, ev.Version, ev.Commit)

⇥if err := post("https://api.telegram.org/bot"+telegramToken+"/sendMessage",
⇥⇥map[string]string{"chat_id": telegramChat, "text": msg}, nil); err != nil {
⇥⇥log.Println("telegram:", err)
⇥}
⇥if err := post(discordHook, map[string]string{"content": msg}, nil); err != nil {
⇥⇥log.Println("discord:", err)
⇥}
⇥if slackToken != "" {
§t ⇥⇥_ = post("https://slack.com/api/chat.postMessage", map[string]string{"channel": "#deploys", "text": msg},
§t ⇥⇥⇥map[string]string{"Authorization": "Bearer " + slackToken})
⇥}
}
""", tg=k_telegram(), chat=num(10), dh=k_discord_hook(), twt=k_twilio_token(), sid=twilio_sid(),
         sha=hx(40))


def g_go_signer():
    emit("pem2", "internal/auth/signer.go", r"""
package auth

import (
⇥"crypto/ecdsa"
⇥"crypto/x509"
⇥"encoding/pem"
⇥"errors"
⇥"time"

⇥"github.com/golang-jwt/jwt/v5"
)

// signingKeyPEM is the ES256 key used to sign session tokens.
// FIXME(2023-05): load from KMS instead of embedding.
§b:private_key const signingKeyPEM = `«k»`

§t // verification key id published at /.well-known/jwks.json
§t const keyID = "«kid»"

func loadKey() (*ecdsa.PrivateKey, error) {
⇥block, _ := pem.Decode([]byte(signingKeyPEM))
⇥if block == nil {
⇥⇥return nil, errors.New("auth: bad signing key")
⇥}
⇥return x509.ParseECPrivateKey(block.Bytes)
}

// Sign issues a 15 minute session token for the user.
func Sign(userID string) (string, error) {
⇥key, err := loadKey()
⇥if err != nil {
⇥⇥return "", err
⇥}
⇥tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.RegisteredClaims{
⇥⇥Subject:   userID,
⇥⇥Issuer:    "auth.internal",
⇥⇥ExpiresAt: jwt.NewNumericDate(time.Now().Add(15 * time.Minute)),
⇥})
⇥tok.Header["kid"] = keyID
⇥return tok.SignedString(key)
}
""", k=_inline_keyblock(pem_lines("ec")), kid=uid())


def _inline_keyblock(lines):
    """Key block whose first line continues a source line (e.g. after a backtick)."""
    S(lines[1])
    return lines[0] + "\n" + "\n".join(lines[1:-1]) + "\n§e " + lines[-1]


# =========================================================================== #
# JVM
# =========================================================================== #
def g_java():
    d = dom()
    emit("java1", "src/main/java/com/acme/billing/config/DataSourceConfig.java", r"""
package com.acme.billing.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

@Configuration
public class DataSourceConfig {

§t     @Value("${billing.db.password}")
    private String dbPassword;

§s:pw_code     private static final String SFTP_PASSWORD = "«pw3»";
§t     private static final String PASSWORD_PATTERN = "^(?=.*[0-9])(?=.*[a-z])(?=.*[A-Z]).{10,}$";
§t     private static final String KEYSTORE_PASSWORD_PROPERTY = "javax.net.ssl.keyStorePassword";

    @Bean
    @Primary
    public DataSource dataSource() {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl("jdbc:postgresql://«host»:5432/billing");
        cfg.setUsername("billing_app");
§t         cfg.setPassword(dbPassword);
        cfg.setMaximumPoolSize(20);
        return new HikariDataSource(cfg);
    }

    @Bean(name = "legacyDataSource")
    public DataSource legacyDataSource() {
        HikariConfig cfg = new HikariConfig();
§s:conn_string         cfg.setJdbcUrl("jdbc:sqlserver://«ip»:1433;databaseName=LEGACY;user=sa;password=«pw1»;encrypt=false");
        cfg.setMaximumPoolSize(5);
        return new HikariDataSource(cfg);
    }

    public static Connection reportingConnection() throws SQLException {
§s:pw_code         return DriverManager.getConnection("jdbc:mysql://«host2»:3306/reports", "reporter", "«pw2»");
    }
}
""", host=f"billing-db.{d}", pw3=pw(OK_CODE), ip=ip10(), pw1=pw(OK_CODE.replace(";", "")),
         host2=f"reports.{d}", pw2=pw(OK_CODE))


def g_kotlin():
    d = dom()
    emit("kotlin1", "app/src/main/java/com/example/fieldapp/net/ApiClient.kt", r"""
package com.example.fieldapp.net

import com.example.fieldapp.BuildConfig
import okhttp3.Credentials
import okhttp3.Interceptor
import okhttp3.OkHttpClient
import okhttp3.logging.HttpLoggingInterceptor
import retrofit2.Retrofit
import retrofit2.converter.moshi.MoshiConverterFactory
import java.util.concurrent.TimeUnit

object ApiClient {
    private const val BASE_URL = "https://api.«d»/v2/"
§s:tok_generic     private const val API_KEY = "«apikey»"
§t     private val mapsKey = BuildConfig.MAPS_API_KEY
§s:pw_code     private val basicAuth = Credentials.basic("field-app", "«pw»")
§t     // private val basicAuth = Credentials.basic(BuildConfig.API_USER, BuildConfig.API_PASS)

    private val authInterceptor = Interceptor { chain ->
        val req = chain.request().newBuilder()
            .header("Authorization", basicAuth)
            .header("X-Api-Key", API_KEY)
            .build()
        chain.proceed(req)
    }

    private val logging = HttpLoggingInterceptor().apply {
        level = if (BuildConfig.DEBUG) HttpLoggingInterceptor.Level.BODY else HttpLoggingInterceptor.Level.NONE
§t         redactHeader("Authorization")
    }

    private val http = OkHttpClient.Builder()
        .addInterceptor(authInterceptor)
        .addInterceptor(logging)
        .connectTimeout(20, TimeUnit.SECONDS)
        .build()

    val retrofit: Retrofit = Retrofit.Builder()
        .baseUrl(BASE_URL)
        .client(http)
        .addConverterFactory(MoshiConverterFactory.create())
        .build()
}
""", d=d, apikey=k_hexsecret(32), pw=pw(OK_CODE.replace("$", "")))
    emit("kotlin1", "gradle.properties", r"""
# Project-wide Gradle settings.
# IDE (e.g. Android Studio) users:
# Gradle settings configured through the IDE *will override*
# any settings specified in this file.
org.gradle.jvmargs=-Xmx2048m -Dfile.encoding=UTF-8
android.useAndroidX=true
kotlin.code.style=official
android.nonTransitiveRClass=true

# Mapbox SDK download token (needs DOWNLOADS:READ scope)
§s:tok_saas MAPBOX_DOWNLOADS_TOKEN=«mbsk»
§t MAPS_API_KEY=${MAPS_API_KEY}

# release signing
RELEASE_STORE_FILE=../keystore/upload.jks
RELEASE_KEY_ALIAS=upload
§s:pw_config RELEASE_STORE_PASSWORD=«kpw»
§s:pw_config RELEASE_KEY_PASSWORD=«kpw»
§t # signing.password is read from ~/.gradle/gradle.properties on CI
""", mbsk=k_mapbox_sk("fieldapp"), kpw=pw(OK_BARE))


def g_spring_props():
    d = dom()
    emit("spring1", "src/main/resources/application.properties", r"""
spring.application.name=inventory-service
server.port=8081
server.servlet.context-path=/inventory

# --- datasource ---
spring.datasource.url=jdbc:mysql://«host»:3306/inventory?useSSL=true&serverTimezone=UTC
spring.datasource.username=inventory
§s:pw_config spring.datasource.password=«pw1»
spring.datasource.driver-class-name=com.mysql.cj.jdbc.Driver
spring.jpa.hibernate.ddl-auto=validate
spring.jpa.show-sql=false

# --- messaging ---
spring.rabbitmq.host=rabbit.«d»
spring.rabbitmq.username=inventory
§s:pw_config spring.rabbitmq.password=${RABBIT_PASSWORD:«pw2»}
§t spring.data.redis.password=${REDIS_PASSWORD}
§t spring.data.mongodb.password=${MONGO_PASSWORD:}

# --- mail ---
spring.mail.host=smtp.gmail.com
spring.mail.port=587
spring.mail.username=inventory.alerts@gmail.com
§s:pw_config spring.mail.password=«gapp»
spring.mail.properties.mail.smtp.auth=true
spring.mail.properties.mail.smtp.starttls.enable=true

# --- security ---
§s:app_secret jwt.secret=«jwt»
jwt.expiration=86400000
§t jasypt.encryptor.password=${JASYPT_ENCRYPTOR_PASSWORD}
§t app.ftp.password=ENC(«enc»)
§t app.security.password.min-length=12
§t app.security.password.history=5

§t server.ssl.key-store=classpath:keystore.p12
§t server.ssl.key-store-password=${KEYSTORE_PASSWORD}
management.endpoints.web.exposure.include=health,info,prometheus
logging.level.com.acme=INFO
""", d=d, host=f"mysql.{d}", pw1=pw(OK_BARE), pw2=pw(OK_BARE.replace("%", "")), gapp=S(rs(16, LO)),
         jwt=S(b64(rbytes(48))), enc=b64(rbytes(48)))


def g_spring_yml():
    d = dom()
    emit("spring2", "src/main/resources/application-prod.yml", r"""
spring:
  datasource:
    url: jdbc:postgresql://«host»:5432/orders
    username: orders
§s:pw_config     password: '«pw1»'
    hikari:
      maximum-pool-size: 30
  kafka:
    bootstrap-servers: kafka-1.«d»:9093,kafka-2.«d»:9093
    properties:
      security.protocol: SASL_SSL
      sasl.mechanism: SCRAM-SHA-512
§s:pw_config       sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="orders" password="«pw2»";
  security:
    user:
      name: actuator
§t       password: ${ACTUATOR_PASSWORD}
    oauth2:
      client:
        registration:
          keycloak:
            client-id: orders-service
§s:tok_generic             client-secret: «kc»
            authorization-grant-type: client_credentials
        provider:
          keycloak:
            issuer-uri: https://sso.«d»/realms/acme

app:
  s3:
§b:tok_aws     access-key: «akid»
§e     secret-key: «aksec»
    bucket: orders-invoices
  slack:
§t     token: ${SLACK_TOKEN}
  encryption:
§t     key: ${ORDERS_ENCRYPTION_KEY}

logging:
  level:
    root: INFO
    org.apache.kafka: WARN
""", d=d, host=f"orders-pg.{d}", pw1=pw(OK_CODE.replace("'", "")), pw2=pw(OK_CODE), kc=k_alnum(32),
         akid=k_aws_id(), aksec=k_aws_secret())


def g_logback():
    d = dom()
    emit("logback1", "src/main/resources/logback-spring.xml", r"""
<?xml version="1.0" encoding="UTF-8"?>
<configuration scan="true" scanPeriod="60 seconds">
  <include resource="org/springframework/boot/logging/logback/defaults.xml"/>
  <property name="LOG_PATH" value="${LOG_PATH:-/var/log/payments}"/>

  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
    <encoder>
      <pattern>%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n</pattern>
    </encoder>
  </appender>

  <appender name="FILE" class="ch.qos.logback.core.rolling.RollingFileAppender">
    <file>${LOG_PATH}/payments.log</file>
    <rollingPolicy class="ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy">
      <fileNamePattern>${LOG_PATH}/payments.%d{yyyy-MM-dd}.%i.log.gz</fileNamePattern>
      <maxFileSize>100MB</maxFileSize>
      <maxHistory>14</maxHistory>
    </rollingPolicy>
    <encoder>
      <pattern>%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n</pattern>
    </encoder>
  </appender>

  <appender name="EMAIL" class="ch.qos.logback.classic.net.SMTPAppender">
    <smtpHost>smtp.«d»</smtpHost>
    <smtpPort>587</smtpPort>
    <STARTTLS>true</STARTTLS>
    <username>alerts@«d»</username>
§s:pw_xml     <password>«pw»</password>
    <to>oncall@«d»</to>
    <from>payments-alerts@«d»</from>
    <subject>[payments] %logger{20} - %m</subject>
    <layout class="ch.qos.logback.classic.html.HTMLLayout"/>
  </appender>

  <appender name="LOGSTASH" class="net.logstash.logback.appender.LogstashTcpSocketAppender">
    <destination>logs.«d»:5044</destination>
    <encoder class="net.logstash.logback.encoder.LogstashEncoder">
      <customFields>{"service":"payments"}</customFields>
    </encoder>
  </appender>

§t   <!-- mask card numbers and passwords in log output -->
  <conversionRule conversionWord="mask" converterClass="com.acme.logging.MaskingConverter"/>
§t   <logger name="com.acme.payments.auth.PasswordEncoderConfig" level="WARN"/>

  <springProfile name="prod">
    <root level="INFO">
      <appender-ref ref="FILE"/>
      <appender-ref ref="LOGSTASH"/>
      <appender-ref ref="EMAIL"/>
    </root>
  </springProfile>
  <springProfile name="!prod">
    <root level="DEBUG">
      <appender-ref ref="CONSOLE"/>
    </root>
  </springProfile>
</configuration>
""", d=d, pw=pw(OK_XML))


def g_log4j():
    d = dom()
    emit("log4j1", "legacy-crm/conf/log4j.properties", r"""
# legacy CRM logging -- log4j 1.2 (yes, still)
log4j.rootLogger=INFO, stdout, file, mail

log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.Target=System.out
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=%d{yyyy-MM-dd HH:mm:ss} %-5p %c{1}:%L - %m%n

log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=C:\\crm\\logs\\crm.log
log4j.appender.file.MaxFileSize=10MB
log4j.appender.file.MaxBackupIndex=10
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=%d{yyyy-MM-dd HH:mm:ss} %-5p %c{1}:%L - %m%n

log4j.appender.mail=org.apache.log4j.net.SMTPAppender
log4j.appender.mail.Threshold=ERROR
log4j.appender.mail.SMTPHost=smtp.gmail.com
log4j.appender.mail.SMTPPort=465
log4j.appender.mail.SMTPProtocol=smtps
log4j.appender.mail.SMTPUsername=crm.errors.«x»@gmail.com
§s:pw_config log4j.appender.mail.SMTPPassword=«pw1»
log4j.appender.mail.From=crm.errors.«x»@gmail.com
log4j.appender.mail.To=it@«d»
log4j.appender.mail.Subject=[legacy-crm] ERROR
log4j.appender.mail.BufferSize=1
log4j.appender.mail.layout=org.apache.log4j.PatternLayout
log4j.appender.mail.layout.ConversionPattern=%d %-5p %c - %m%n

log4j.appender.db=org.apache.log4j.jdbc.JDBCAppender
log4j.appender.db.URL=jdbc:mysql://«ip»:3306/crm_logs
log4j.appender.db.driver=com.mysql.jdbc.Driver
log4j.appender.db.user=crm_logger
§s:pw_config log4j.appender.db.password=«pw2»
log4j.appender.db.sql=INSERT INTO LOGS (ts, level, logger, msg) VALUES ('%d', '%p', '%c', '%m')
log4j.appender.db.layout=org.apache.log4j.PatternLayout

§t # log4j.appender.ldap.bindPassword=${ldap.bind.password}
log4j.logger.org.hibernate=WARN
§t log4j.logger.com.crm.security.PasswordService=DEBUG
""", d=d, x=rs(4, LO), pw1=S(rs(16, LO)), ip=ip10(), pw2=pw(OK_BARE))
    emit("log4j2", "ops-portal/src/main/resources/log4j2.xml", r"""
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN" monitorInterval="30">
  <Properties>
    <Property name="pattern">%d{ISO8601} %-5level %logger{36} - %msg%n</Property>
  </Properties>
  <Appenders>
    <Console name="Console" target="SYSTEM_OUT">
      <PatternLayout pattern="${pattern}"/>
    </Console>
    <RollingFile name="File" fileName="logs/ops-portal.log" filePattern="logs/ops-portal-%d{yyyy-MM-dd}-%i.log.gz">
      <PatternLayout pattern="${pattern}"/>
      <Policies>
        <TimeBasedTriggeringPolicy/>
        <SizeBasedTriggeringPolicy size="50 MB"/>
      </Policies>
    </RollingFile>
§s:pw_xml     <SMTP name="Mail" subject="[ops-portal] error" to="ops@«d»" from="ops-portal@«d»" smtpHost="smtp.«d»" smtpPort="587" smtpUsername="ops-portal@«d»" smtpPassword="«pw»" bufferSize="10">
      <ThresholdFilter level="ERROR" onMatch="ACCEPT" onMismatch="DENY"/>
    </SMTP>
    <SMTP name="MailAudit" subject="[ops-portal] audit" to="audit@«d»" from="ops-portal@«d»" smtpHost="smtp.«d»" smtpPort="587"
§t           smtpUsername="${env:SMTP_USER}" smtpPassword="${env:SMTP_PASSWORD}" bufferSize="50"/>
  </Appenders>
  <Loggers>
§t     <Logger name="com.acme.ops.auth.PasswordResetController" level="info"/>
    <Logger name="org.springframework" level="warn"/>
    <Root level="info">
      <AppenderRef ref="Console"/>
      <AppenderRef ref="File"/>
      <AppenderRef ref="Mail"/>
    </Root>
  </Loggers>
</Configuration>
""", d=d, pw=pw(OK_XML))

# =========================================================================== #
# .NET
# =========================================================================== #
def g_csharp():
    d = dom()
    emit("csharp1", "src/Acme.Notifications/Services/EmailService.cs", r"""
using System;
using System.Data.SqlClient;
using System.Net;
using System.Net.Mail;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Acme.Notifications.Services
{
    public class EmailService : IEmailService
    {
§s:tok_email_sms         private const string SendGridKey = "«sg»";
        private readonly IConfiguration _config;

        public EmailService(IConfiguration config) => _config = config;

        public async Task SendAsync(string to, string subject, string html)
        {
§t             var apiKey = _config["SendGrid:ApiKey"] ?? Environment.GetEnvironmentVariable("SENDGRID_API_KEY");
            var client = new SendGridClient(apiKey ?? SendGridKey);
            var msg = MailHelper.CreateSingleEmail(
                new EmailAddress("noreply@«d»", "Acme"), new EmailAddress(to), subject, null, html);
            var response = await client.SendEmailAsync(msg);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"SendGrid returned {response.StatusCode}");
        }

        public void SendViaSmtp(string to, string subject, string body)
        {
            using var smtp = new SmtpClient("smtp.office365.com", 587)
            {
§s:pw_code                 Credentials = new NetworkCredential("noreply@«d»", "«pw»"),
                EnableSsl = true
            };
            smtp.Send(new MailMessage("noreply@«d»", to, subject, body));
        }

        private static SqlConnection Audit() =>
§s:conn_string             new SqlConnection("Server=tcp:«srv».database.windows.net,1433;Initial Catalog=audit;User ID=auditwriter;Password=«pw2»;Encrypt=True;");

§t         // private static SqlConnection Audit() => new SqlConnection("Server=.;Database=audit;Integrated Security=True;");
    }
}
""", d=d, sg=k_sendgrid(), pw=pw(OK_CODE.replace("\\", "")), srv=f"acme-sql-{rs(4, LO)}",
         pw2=pw(OK_CODE.replace(";", "")))
    emit("csharp2", "src/Api/appsettings.Production.json", r"""
{
  "Logging": {
    "LogLevel": {
      "Default": "Information",
      "Microsoft.AspNetCore": "Warning"
    }
  },
  "AllowedHosts": "*",
  "ConnectionStrings": {
§s:conn_string     "Default": "Server=«sqlhost»;Database=Api;User Id=api_user;Password=«pw»;TrustServerCertificate=True",
§t     "Identity": "Server=(localdb)\\mssqllocaldb;Database=Identity;Trusted_Connection=True;MultipleActiveResultSets=true",
§s:tok_cloud     "Storage": "DefaultEndpointsProtocol=https;AccountName=«acct»;AccountKey=«azkey»;EndpointSuffix=core.windows.net",
§s:tok_cloud     "ServiceBus": "Endpoint=sb://«ns».servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«sbkey»",
§s:conn_string     "Redis": "«ns».redis.cache.windows.net:6380,password=«redispw»,ssl=True,abortConnect=False"
  },
  "Jwt": {
    "Issuer": "https://api.«d»",
    "Audience": "api",
§s:app_secret     "SigningKey": "«jwtkey»"
  },
  "AzureAd": {
    "Instance": "https://login.microsoftonline.com/",
§t     "TenantId": "«t1»",
§t     "ClientId": "«t2»",
§s:tok_cloud     "ClientSecret": "«azsec»"
  },
  "ApplicationInsights": {
§t     "ConnectionString": "InstrumentationKey=«t3»;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/"
  }
}
""", sqlhost=f"sql01.{dom()}", pw=pw(OK_CODE.replace(";", "")), acct="acmeapi" + rs(6, LO + DG),
         azkey=k_azure88(), ns="acme-api-" + rs(4, LO), sbkey=k_azure44(), redispw=k_azure44(),
         d=dom(), jwtkey=k_alnum(64), t1=uid(), t2=uid(), azsec=k_azure_client_secret(), t3=uid())


def g_webconfig():
    emit("webconfig1", "inetpub/wwwroot/intranet/Web.config", r"""
<?xml version="1.0" encoding="utf-8"?>
<!--
  For more information on how to configure your ASP.NET application, please visit
  https://go.microsoft.com/fwlink/?LinkId=301880
  -->
<configuration>
  <configSections>
§t     <section name="entityFramework" type="System.Data.Entity.Internal.ConfigFile.EntityFrameworkSection, EntityFramework, Version=6.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089" requirePermission="false" />
  </configSections>
  <connectionStrings>
§s:conn_string     <add name="IntranetDb" connectionString="Data Source=SQL01\INTRANET;Initial Catalog=Intranet;User ID=intranet_web;Password=«pw1»;MultipleActiveResultSets=True" providerName="System.Data.SqlClient" />
§t     <add name="HrDb" connectionString="Data Source=SQL01\HR;Initial Catalog=HR;Integrated Security=SSPI" providerName="System.Data.SqlClient" />
§s:conn_string     <add name="ReportingEntities" connectionString="metadata=res://*/Reporting.csdl|res://*/Reporting.ssdl|res://*/Reporting.msl;provider=System.Data.SqlClient;provider connection string=&quot;data source=SQL02;initial catalog=Reporting;user id=rpt;password=«pw2»;MultipleActiveResultSets=True;App=EntityFramework&quot;" providerName="System.Data.EntityClient" />
  </connectionStrings>
  <appSettings>
    <add key="webpages:Version" value="3.0.0.0" />
    <add key="ClientValidationEnabled" value="true" />
    <add key="UnobtrusiveJavaScriptEnabled" value="true" />
    <add key="LdapServer" value="LDAP://dc01.corp.local" />
    <add key="LdapBindUser" value="CN=svc_intranet,OU=Service Accounts,DC=corp,DC=local" />
§s:pw_xml     <add key="LdapBindPassword" value="«pw3»" />
§s:tok_generic     <add key="PayrollApiKey" value="«apikey»" />
§t     <add key="PasswordResetUrl" value="https://intranet.corp.local/account/reset" />
§t     <add key="MinPasswordLength" value="10" />
§t     <add key="SigningKeySecretUri" value="https://kv-intranet.vault.azure.net/secrets/signing-key/" />
    <add key="UploadPath" value="D:\IntranetData\Uploads\" />
  </appSettings>
  <system.web>
    <compilation debug="false" targetFramework="4.8" />
    <httpRuntime targetFramework="4.8" maxRequestLength="51200" />
§s:app_secret     <machineKey validationKey="«vk»" decryptionKey="«dk»" validation="HMACSHA256" decryption="AES" />
    <authentication mode="Forms">
      <forms loginUrl="~/Account/Login" timeout="2880" />
    </authentication>
    <customErrors mode="RemoteOnly" defaultRedirect="~/Error" />
  </system.web>
  <system.net>
    <mailSettings>
      <smtp from="intranet@corp.local">
§s:pw_xml         <network host="smtp.corp.local" port="25" userName="intranet@corp.local" password="«pw4»" />
      </smtp>
    </mailSettings>
  </system.net>
  <system.webServer>
    <modules runAllManagedModulesForAllRequests="true" />
    <httpProtocol>
      <customHeaders>
        <add name="X-Frame-Options" value="SAMEORIGIN" />
      </customHeaders>
    </httpProtocol>
  </system.webServer>
</configuration>
""", pw1=pw(OK_XML.replace(";", "")), pw2=pw(OK_XML.replace(";", "")), pw3=pw(OK_XML, space=True),
         apikey=k_hexsecret(32), vk=S(HX(128)), dk=S(HX(64)), pw4=pw(OK_XML))


# =========================================================================== #
# Ruby
# =========================================================================== #
def g_rails_db():
    d = dom()
    app = R.choice(["bookshelf", "fleetly", "tinyhr"])
    emit("rails1", "config/database.yml", r"""
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
§t   password: <%= ENV["«APP»_DATABASE_PASSWORD"] %>

test:
  <<: *default
  database: «app»_test

staging:
  <<: *default
  host: staging-db.«d»
  database: «app»_staging
  username: «app»
§s:pw_config   password: «pw1»

# As with config/credentials.yml, you never want to store sensitive information,
# like your database password, in your source code. If your source code is
# ever seen by anyone, they now have access to your database.
#
# Instead, provide the password or a full connection URL as an environment
# variable when you boot the app. For example:
#
§t #   DATABASE_URL="postgres://myuser:mypass@localhost/somedatabase"
#
production:
  <<: *default
  host: «host»
  database: «app»_production
  username: «app»
§s:pw_config   password: "«pw2»"
§t   # password: <%= ENV["«APP»_DATABASE_PASSWORD"] %>
""", d=d, app=app, APP=app.upper(), pw1=pw(OK_YAML, start_alnum=True), host=f"pg-primary.{d}",
         pw2=pw(OK_CODE))


def g_rails_secrets():
    d = dom()
    emit("rails2", "config/secrets.yml", r"""
# Be sure to restart your server when you modify this file.

# Your secret key is used for verifying the integrity of signed cookies.
# If you change this key, all old signed cookies will become invalid!

# Make sure the secret is at least 30 characters and all random,
# no regular words or you'll be exposed to dictionary attacks.
# You can use `rails secret` to generate a secure secret key.

# Make sure the secrets in this file are kept private
# if you're sharing your code publicly.

development:
§s:app_secret   secret_key_base: «k1»
  stripe_publishable_key: «pk»

test:
§s:app_secret   secret_key_base: «k2»

# Do not keep production secrets in the repository,
# instead read values from the environment.
production:
§t   secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>
§t   stripe_secret_key: <%= ENV["STRIPE_SECRET_KEY"] %>
""", k1=k_hexsecret(128), pk=pk_live(), k2=k_hexsecret(128))
    emit("rails2", "config/master.key", "§s:app_secret «mk»", mk=k_hexsecret(32))
    enc = f"{b64(rbytes(420))}--{b64(rbytes(12))}--{b64(rbytes(16))}"
    emit("rails2", "config/credentials.yml.enc", "§t «enc»", enc=enc)
    emit("rails2", "config/storage.yml", r"""
test:
  service: Disk
  root: <%= Rails.root.join("tmp/storage") %>

local:
  service: Disk
  root: <%= Rails.root.join("storage") %>

# Use bin/rails credentials:edit to set the AWS secrets (as aws:access_key_id|secret_access_key)
amazon:
  service: S3
§t   access_key_id: <%= Rails.application.credentials.dig(:aws, :access_key_id) %>
§t   secret_access_key: <%= Rails.application.credentials.dig(:aws, :secret_access_key) %>
  region: eu-west-1
  bucket: fleetly-<%= Rails.env %>

# legacy uploads still live in Azure until the migration finishes
microsoft:
  service: AzureStorage
  storage_account_name: fleetlyuploads
§s:tok_cloud   storage_access_key: «azkey»
  container: uploads
""", azkey=k_azure88())


def g_ruby_sms():
    d = dom()
    emit("ruby1", "app/services/sms_notifier.rb", r"""
# frozen_string_literal: true

require "twilio-ruby"
require "mailgun-ruby"

class SmsNotifier
§t   ACCOUNT_SID = "«sid»"
§s:tok_email_sms   AUTH_TOKEN  = "«tok»"
  FROM_NUMBER = "+14155550100"

  def initialize(client: nil)
    @client = client || Twilio::REST::Client.new(ACCOUNT_SID, AUTH_TOKEN)
  end

  def deliver(to:, body:)
    @client.messages.create(from: FROM_NUMBER, to: to, body: body)
  rescue Twilio::REST::RestError => e
    Rails.logger.warn("sms failed: #{e.message}")
    fallback_email(to, body)
  end

  private

  def fallback_email(to, body)
§s:tok_email_sms     mg = Mailgun::Client.new("«mg»", "api.eu.mailgun.net")
    mg.send_message("mg.«d»", {
      from: "alerts@mg.«d»",
      to: "oncall@«d»",
      subject: "SMS fallback for #{to}",
      text: body
    })
  end

  def redis
§s:cred_url     @redis ||= Redis.new(url: ENV.fetch("REDIS_URL", "redis://:«pw»@«host»:6379/1"))
  end

§t   # Redis.new(url: ENV.fetch("REDIS_URL")) -- once the secret is in the k8s manifest
end
""", d=d, sid=twilio_sid(), tok=k_twilio_token(), mg=k_mailgun(), pw=pw(OK_URL), host=f"redis.{d}")


def g_shopify_rake():
    shop = R.choice(["lojinha-verde", "urban-kicks-eu", "tea-and-tins"])
    emit("shopify1", "lib/tasks/shopify_sync.rake", r"""
# frozen_string_literal: true

require "shopify_api"
require "net/http"

namespace :shopify do
§s:tok_commerce   ADMIN_TOKEN   = "«shpat»"
§s:tok_commerce   SHARED_SECRET = "«shpss»"
  SHOP          = "«shop».myshopify.com"
  API_VERSION   = "2024-01"

  desc "Pull inventory levels from Shopify into the warehouse DB"
  task inventory: :environment do
    session = ShopifyAPI::Auth::Session.new(shop: SHOP, access_token: ADMIN_TOKEN)
    client  = ShopifyAPI::Clients::Rest::Admin.new(session: session)
    page = client.get(path: "inventory_levels", query: { location_ids: ENV.fetch("LOCATION_IDS") })
    page.body["inventory_levels"].each do |lvl|
      InventoryLevel.upsert({ sku_id: lvl["inventory_item_id"], qty: lvl["available"] }, unique_by: :sku_id)
    end
  end

  desc "Old private-app endpoint, still used by the nightly CSV export"
  task legacy_export: :environment do
§s:cred_url     uri = URI("https://«apikey»:«apipw»@«shop».myshopify.com/admin/api/#{API_VERSION}/products.json")
    res = Net::HTTP.get_response(uri)
    File.write(Rails.root.join("tmp/products.json"), res.body)
  end

  desc "Verify a webhook payload (for debugging)"
  task :verify_webhook, [:file, :hmac] => :environment do |_, args|
    data = File.read(args[:file])
    digest = OpenSSL::Digest.new("sha256")
    calc = Base64.strict_encode64(OpenSSL::HMAC.digest(digest, SHARED_SECRET, data))
    puts ActiveSupport::SecurityUtils.secure_compare(calc, args[:hmac]) ? "ok" : "MISMATCH"
  end
end
""", shpat=k_shpat(), shpss=k_shpss(), shop=shop, apikey=hx(32), apipw=S("shppa_" + hx(32)))


# =========================================================================== #
# Swift / iOS
# =========================================================================== #
def g_swift():
    d = dom()
    creds = S(b64("ios-client:" + pw(OK_CODE.replace("\\", ""))))
    emit("swift1", "App/Sources/Networking/APIConfig.swift", r"""
//
//  APIConfig.swift
//  Fieldbook
//
//  Created by Beatriz on 14/03/2023.
//

import Foundation

enum AppEnvironment {
    case debug, staging, production

    static var current: AppEnvironment {
        #if DEBUG
        return .debug
        #else
        return .production
        #endif
    }
}

struct APIConfig {
    static let baseURL = URL(string: "https://api.«d»/v1")!
§s:tok_generic     static let apiKey = "«apikey»"
§s:tok_cloud     static let googlePlacesKey = "«gkey»"
§t     static let mapboxPublicToken = "«mbpk»"
§s:tok_saas     static let mapboxSecretToken = "«mbsk»"
§t     static let sentryDSN = "https://«dsn»@o«org».ingest.sentry.io/«proj»"
§t     static let revenueCatKey = "appl_«rc»"

    /// Basic auth for the legacy upload endpoint
    static var uploadAuthHeader: String {
§s:encoded_cred         "Basic «creds»"
    }
}

§t let keychainService = "com.fieldbook.app.password"

func makeRequest(_ path: String) -> URLRequest {
    var req = URLRequest(url: APIConfig.baseURL.appendingPathComponent(path))
    req.setValue(APIConfig.apiKey, forHTTPHeaderField: "X-Api-Key")
    return req
}
""", d=d, apikey=k_hexsecret(40), gkey=k_google(), mbpk=mapbox_pk("fieldbook"),
         mbsk=k_mapbox_sk("fieldbook"), dsn=hx(32), org=num(6), proj=num(7), rc=rs(24), creds=creds)
    emit("swift1", "App/.sentryclirc", r"""
[defaults]
url = https://sentry.io/
org = fieldbook
project = ios-app

[auth]
§s:tok_monitoring token=«tok»

[log]
level = warn

[http]
keepalive = true
""", tok=k_sentry())

# =========================================================================== #
# XML tool configs
# =========================================================================== #
def _fz_server(host, port, proto, user, passline, logon, name, localdir, remotedir):
    out = ["⇥⇥⇥<Server>", f"⇥⇥⇥⇥<Host>{host}</Host>", f"⇥⇥⇥⇥<Port>{port}</Port>",
           f"⇥⇥⇥⇥<Protocol>{proto}</Protocol>", "⇥⇥⇥⇥<Type>0</Type>"]
    if user:
        out.append(f"⇥⇥⇥⇥<User>{user}</User>")
    if passline:
        out.append(passline)
    out += [f"⇥⇥⇥⇥<Logontype>{logon}</Logontype>", "⇥⇥⇥⇥<PasvMode>MODE_DEFAULT</PasvMode>",
            "⇥⇥⇥⇥<EncodingType>Auto</EncodingType>", "⇥⇥⇥⇥<BypassProxy>0</BypassProxy>",
            f"⇥⇥⇥⇥<Name>{name}</Name>"]
    if localdir:
        out.append(f"⇥⇥⇥⇥<LocalDir>{localdir}</LocalDir>")
    out += [f"⇥⇥⇥⇥<RemoteDir>{remotedir}</RemoteDir>", "⇥⇥⇥⇥<SyncBrowsing>0</SyncBrowsing>",
            "⇥⇥⇥⇥<DirectoryComparison>0</DirectoryComparison>", "⇥⇥⇥</Server>"]
    return "\n".join(out)


def _fz_pass():
    return S(b64(pw(OK_CODE, space=True)))


def g_filezilla_sites():
    win = "Marco"
    servers = [
        _fz_server("ftp.padaria-lima.pt", 21, 0, "padarialima",
                   f"§s:encoded_cred ⇥⇥⇥⇥<Pass encoding=\"base64\">{_fz_pass()}</Pass>", 1,
                   "Padaria Lima", rf"C:\Users\{win}\Documents\Sites\padaria-lima", "1 0 11 public_html"),
        _fz_server("clinicasorriso.pt", 21, 4, "sorriso@clinicasorriso.pt",
                   f"§s:encoded_cred ⇥⇥⇥⇥<Pass encoding=\"base64\">{_fz_pass()}</Pass>", 1,
                   "Clinica Sorriso (FTPES)", rf"C:\Users\{win}\Documents\Sites\sorriso", "1 0 3 www"),
        _fz_server("sftp.hosting-eu.net", 22, 1, "u8812345",
                   None, 5, "Hosting EU (key)", "", "1 0 4 home 8 u8812345"),
        _fz_server("ftp.mirror.example-univ.edu", 21, 0, None, None, 0,
                   "University mirror (anonymous)", rf"D:\ISOs", "1 0 3 pub"),
        _fz_server("cpanel.oficina-auto24.pt", 21, 0, "oficina24",
                   f"§t ⇥⇥⇥⇥<Pass encoding=\"crypt\" pubkey=\"{b64(rbytes(32))}\">{b64(rbytes(48))}</Pass>", 1,
                   "Oficina Auto 24 (master pw)", rf"C:\Users\{win}\Documents\Sites\oficina", "1 0 11 public_html"),
        _fz_server("ftp.quinta-do-vale.com", 21, 0, "quintadovale",
                   f"§s:encoded_cred ⇥⇥⇥⇥<Pass encoding=\"base64\">{_fz_pass()}</Pass>", 1,
                   "Quinta do Vale", rf"C:\Users\{win}\Documents\Sites\quinta", "1 0 11 public_html"),
    ]
    servers[2] = servers[2].replace("⇥⇥⇥⇥<Logontype>5</Logontype>",
                                    rf"§t ⇥⇥⇥⇥<Keyfile>C:\Users\{win}\.ssh\hosting-eu.ppk</Keyfile>" + "\n⇥⇥⇥⇥<Logontype>5</Logontype>")
    emit("filezilla1", "AppData/Roaming/FileZilla/sitemanager.xml", r"""
<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<FileZilla3 version="3.66.4" platform="windows">
⇥<Servers>
⇥⇥<Folder expanded="1">Clientes
«a»
«b»
«c»
⇥⇥</Folder>
⇥⇥<Folder expanded="0">Outros
«d»
«e»
«f»
⇥⇥</Folder>
⇥</Servers>
</FileZilla3>
""", a=servers[0], b=servers[1], c=servers[5], d=servers[2], e=servers[3], f=servers[4])


def g_filezilla_recent():
    def srv(host, port, proto, user, passline, logon):
        out = ["⇥⇥<Server>", f"⇥⇥⇥<Host>{host}</Host>", f"⇥⇥⇥<Port>{port}</Port>",
               f"⇥⇥⇥<Protocol>{proto}</Protocol>", "⇥⇥⇥<Type>0</Type>"]
        if user:
            out.append(f"⇥⇥⇥<User>{user}</User>")
        if passline:
            out.append(passline)
        out += [f"⇥⇥⇥<Logontype>{logon}</Logontype>", "⇥⇥⇥<PasvMode>MODE_DEFAULT</PasvMode>",
                "⇥⇥⇥<EncodingType>Auto</EncodingType>", "⇥⇥⇥<BypassProxy>0</BypassProxy>", "⇥⇥</Server>"]
        return "\n".join(out)
    d = dom()
    emit("filezilla2", "home/rahul/.config/filezilla/recentservers.xml", r"""
<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<FileZilla3 version="3.63.2" platform="*nix">
⇥<RecentServers>
«a»
«b»
«c»
«e»
⇥</RecentServers>
</FileZilla3>
""", a=srv(f"ftp.{d}", 21, 0, "deploy", f"§s:encoded_cred ⇥⇥⇥<Pass encoding=\"base64\">{_fz_pass()}</Pass>", 1),
         b=srv("192.168.1.40", 22, 1, "pi", f"§s:encoded_cred ⇥⇥⇥<Pass encoding=\"base64\">{_fz_pass()}</Pass>", 1),
         c=srv("ftp.gnu.org", 21, 0, "anonymous", "§t ⇥⇥⇥<Pass>anonymous@example.com</Pass>", 1),
         e=srv(f"nas.{d}", 21, 4, "rahul", None, 3))


def g_dbeaver():
    d = dom()
    emit("dbeaver1", "home/nikhil/.local/share/DBeaverData/workspace6/General/.dbeaver/data-sources.json", r"""
{
⇥"folders": {
⇥⇥"prod": {},
⇥⇥"local": {}
⇥},
⇥"connections": {
⇥⇥"postgres-jdbc-18b2c3d4e5f-6a7b8c9d0e1f2a3b": {
⇥⇥⇥"provider": "postgresql",
⇥⇥⇥"driver": "postgres-jdbc",
⇥⇥⇥"name": "prod-replica (ro)",
§t ⇥⇥⇥"save-password": true,
⇥⇥⇥"folder": "prod",
⇥⇥⇥"configuration": {
⇥⇥⇥⇥"host": "replica.db.«d»",
⇥⇥⇥⇥"port": "5432",
⇥⇥⇥⇥"database": "app",
⇥⇥⇥⇥"url": "jdbc:postgresql://replica.db.«d»:5432/app",
⇥⇥⇥⇥"configurationType": "MANUAL",
⇥⇥⇥⇥"type": "prod",
⇥⇥⇥⇥"user": "nikhil_ro",
§s:pw_config ⇥⇥⇥⇥"password": "«pw1»",
⇥⇥⇥⇥"auth-model": "native"
⇥⇥⇥}
⇥⇥},
⇥⇥"mysql8-17f0a1b2c3d-4e5f6a7b8c9d0e1f": {
⇥⇥⇥"provider": "mysql",
⇥⇥⇥"driver": "mysql8",
⇥⇥⇥"name": "shop-legacy",
§t ⇥⇥⇥"save-password": true,
⇥⇥⇥"folder": "prod",
⇥⇥⇥"configuration": {
⇥⇥⇥⇥"host": "«ip»",
⇥⇥⇥⇥"port": "3306",
⇥⇥⇥⇥"url": "jdbc:mysql://«ip»:3306/",
⇥⇥⇥⇥"configurationType": "MANUAL",
⇥⇥⇥⇥"type": "prod",
⇥⇥⇥⇥"user": "root",
§s:pw_config ⇥⇥⇥⇥"password": "«pw2»",
⇥⇥⇥⇥"auth-model": "native",
⇥⇥⇥⇥"handlers": {
⇥⇥⇥⇥⇥"ssh_tunnel": {
⇥⇥⇥⇥⇥⇥"type": "TUNNEL",
⇥⇥⇥⇥⇥⇥"enabled": true,
§t ⇥⇥⇥⇥⇥⇥"save-password": false,
⇥⇥⇥⇥⇥⇥"properties": {
⇥⇥⇥⇥⇥⇥⇥"host": "bastion.«d»",
⇥⇥⇥⇥⇥⇥⇥"port": 22,
⇥⇥⇥⇥⇥⇥⇥"authType": "PUBLIC_KEY",
⇥⇥⇥⇥⇥⇥⇥"keyPath": "/home/nikhil/.ssh/id_ed25519"
⇥⇥⇥⇥⇥⇥}
⇥⇥⇥⇥⇥}
⇥⇥⇥⇥}
⇥⇥⇥}
⇥⇥},
⇥⇥"sqlite-jdbc-18c0d1e2f3a-5b6c7d8e9f0a1b2c": {
⇥⇥⇥"provider": "generic",
⇥⇥⇥"driver": "sqlite_jdbc",
⇥⇥⇥"name": "local cache.db",
§t ⇥⇥⇥"save-password": false,
⇥⇥⇥"folder": "local",
⇥⇥⇥"configuration": {
⇥⇥⇥⇥"database": "/home/nikhil/src/app/cache.db",
⇥⇥⇥⇥"url": "jdbc:sqlite:/home/nikhil/src/app/cache.db",
⇥⇥⇥⇥"configurationType": "MANUAL",
⇥⇥⇥⇥"type": "dev",
⇥⇥⇥⇥"auth-model": "native"
⇥⇥⇥}
⇥⇥}
⇥}
}
""", d=d, pw1=pw(OK_CODE, space=True), ip=ip10(), pw2=pw(OK_CODE))


def g_jetbrains_ds():
    d = dom()
    u1, u2, u3 = uid(), uid(), uid()
    emit("jetbrains1", ".idea/dataSources.xml", r"""
<?xml version="1.0" encoding="UTF-8"?>
<project version="4">
  <component name="DataSourceManagerImpl" format="xml" multifile-model="true">
§t     <data-source source="LOCAL" name="orders@localhost" uuid="«u1»">
      <driver-ref>postgresql</driver-ref>
      <synchronize>true</synchronize>
      <jdbc-driver>org.postgresql.Driver</jdbc-driver>
      <jdbc-url>jdbc:postgresql://localhost:5432/orders</jdbc-url>
      <working-dir>$ProjectFileDir$</working-dir>
    </data-source>
§t     <data-source source="LOCAL" name="prod-reporting" uuid="«u2»">
      <driver-ref>mysql.8</driver-ref>
      <synchronize>true</synchronize>
      <jdbc-driver>com.mysql.cj.jdbc.Driver</jdbc-driver>
§s:conn_string       <jdbc-url>jdbc:mysql://reporting.«d»:3306/reporting?user=report&amp;password=«pw1»</jdbc-url>
      <working-dir>$ProjectFileDir$</working-dir>
    </data-source>
§t     <data-source source="LOCAL" name="events (mongo)" uuid="«u3»">
      <driver-ref>mongo</driver-ref>
      <synchronize>true</synchronize>
      <jdbc-driver>com.dbschema.MongoJdbcDriver</jdbc-driver>
§s:cred_url       <jdbc-url>mongodb://admin:«pw2»@mongo-1.«d»:27017/events?authSource=admin</jdbc-url>
      <working-dir>$ProjectFileDir$</working-dir>
    </data-source>
  </component>
</project>
""", d=d, u1=u1, u2=u2, u3=u3, pw1=pw(OK_URL), pw2=pw(OK_URL))
    emit("jetbrains1", ".idea/dataSources.local.xml", r"""
<?xml version="1.0" encoding="UTF-8"?>
<project version="4">
  <component name="dataSourceStorageLocal" created-in="IU-233.13135.103">
§t     <data-source name="orders@localhost" uuid="«u1»">
      <database-info product="PostgreSQL" version="16.1" jdbc-version="4.2" driver-name="PostgreSQL JDBC Driver" driver-version="42.6.0" dbms="POSTGRES" exact-version="16.1" exact-driver-version="42.6">
        <identifier-quote-string>&quot;</identifier-quote-string>
      </database-info>
      <case-sensitivity plain-identifiers="lower" quoted-identifiers="exact" />
§t       <secret-storage>master_key</secret-storage>
      <user-name>orders</user-name>
      <schema-mapping>
        <introspection-scope>
          <node kind="database" qname="@">
            <node kind="schema" qname="@" />
          </node>
        </introspection-scope>
      </schema-mapping>
    </data-source>
§t     <data-source name="prod-reporting" uuid="«u2»">
      <database-info product="MySQL" version="8.0.35" jdbc-version="4.2" driver-name="MySQL Connector/J" driver-version="mysql-connector-j-8.2.0" dbms="MYSQL" exact-version="8.0.35" exact-driver-version="8.2" />
      <case-sensitivity plain-identifiers="exact" quoted-identifiers="exact" />
§t       <secret-storage>master_key</secret-storage>
      <user-name>report</user-name>
    </data-source>
  </component>
</project>
""", u1=u1, u2=u2)


def g_jetbrains_ws():
    d = dom()
    emit("jetbrains2", ".idea/workspace.xml", r"""
<?xml version="1.0" encoding="UTF-8"?>
<project version="4">
  <component name="AutoImportSettings">
    <option name="autoReloadType" value="SELECTIVE" />
  </component>
  <component name="ChangeListManager">
§t     <list default="true" id="«u1»" name="Changes" comment="" />
    <option name="SHOW_DIALOG" value="false" />
    <option name="HIGHLIGHT_CONFLICTS" value="true" />
    <option name="LAST_RESOLUTION" value="IGNORE" />
  </component>
  <component name="Git.Settings">
    <option name="RECENT_GIT_ROOT_PATH" value="$PROJECT_DIR$" />
  </component>
  <component name="ProjectId" id="2Zk«pid»" />
  <component name="PropertiesComponent"><![CDATA[{
  "keyToString": {
    "RunOnceActivity.ShowReadmeOnStart": "true",
    "git-widget-placeholder": "main",
    "last_opened_file_path": "/home/sara/src/orders",
    "settings.editor.selected.configurable": "preferences.pluginManager"
  }
}]]></component>
  <component name="RunManager" selected="Spring Boot.OrdersApplication">
    <configuration name="OrdersApplication" type="SpringBootApplicationConfigurationType" factoryName="Spring Boot">
      <module name="orders" />
      <option name="SPRING_BOOT_MAIN_CLASS" value="com.acme.orders.OrdersApplication" />
      <option name="ACTIVE_PROFILES" value="local" />
      <envs>
        <env name="DB_USER" value="orders" />
§s:pw_xml         <env name="DB_PASSWORD" value="«pw»" />
§b:tok_aws         <env name="AWS_ACCESS_KEY_ID" value="«akid»" />
§e         <env name="AWS_SECRET_ACCESS_KEY" value="«aksec»" />
§t         <env name="STRIPE_API_KEY" value="$STRIPE_API_KEY$" />
        <env name="SPRING_PROFILES_ACTIVE" value="local" />
      </envs>
      <method v="2">
        <option name="Make" enabled="true" />
      </method>
    </configuration>
  </component>
  <component name="TaskManager">
    <task active="true" id="Default" summary="Default task">
§t       <changelist id="«u1»" name="Changes" comment="" />
      <created>1699871234567</created>
      <option name="number" value="Default" />
      <option name="presentableId" value="Default" />
      <updated>1699871234567</updated>
    </task>
    <servers />
  </component>
</project>
""", u1=uid(), pid=rs(24), pw=pw(OK_XML), akid=k_aws_id(), aksec=k_aws_secret())
    emit("jetbrains2", "http-client.private.env.json", r"""
{
  "dev": {
    "host": "http://localhost:8080",
§s:tok_bearer     "token": "«jwt»",
§t     "adminPassword": ""
  },
  "prod": {
    "host": "https://orders.«d»",
    "username": "api-tester",
§s:pw_config     "password": "«pw»"
  }
}
""", d=d, jwt=k_jwt({"sub": "sara", "roles": ["orders:admin"], "iat": 1700000000, "exp": 1900000000}),
         pw=pw(OK_CODE))


def g_maven():
    d = dom()
    p = pw(OK_XML)
    emit("maven1", "home/jenkins/.m2/settings.xml", r"""
<?xml version="1.0" encoding="UTF-8"?>
<settings xmlns="http://maven.apache.org/SETTINGS/1.2.0"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xsi:schemaLocation="http://maven.apache.org/SETTINGS/1.2.0 https://maven.apache.org/xsd/settings-1.2.0.xsd">
  <localRepository>${user.home}/.m2/repository</localRepository>
  <interactiveMode>false</interactiveMode>

  <servers>
    <server>
      <id>nexus-releases</id>
      <username>deployment</username>
§s:pw_xml       <password>«p»</password>
    </server>
    <server>
      <id>nexus-snapshots</id>
      <username>deployment</username>
§s:pw_xml       <password>«p»</password>
    </server>
    <server>
      <id>github</id>
      <username>acme-ci-bot</username>
§s:tok_vcs       <password>«ghp»</password>
    </server>
    <server>
      <id>ossrh</id>
§t       <username>${env.OSSRH_USERNAME}</username>
§t       <password>${env.OSSRH_PASSWORD}</password>
    </server>
    <server>
      <id>docker.io</id>
      <username>acmeci</username>
§s:tok_registry       <password>«dckr»</password>
    </server>
    <server>
      <id>gpg.passphrase</id>
§s:pw_xml       <passphrase>«gpgpass»</passphrase>
    </server>
    <server>
      <id>deploy-ssh</id>
      <username>deploy</username>
§t       <privateKey>${user.home}/.ssh/id_rsa</privateKey>
§t       <passphrase></passphrase>
    </server>
  </servers>

  <mirrors>
    <mirror>
      <id>nexus</id>
      <mirrorOf>*</mirrorOf>
      <url>https://nexus.«d»/repository/maven-public/</url>
    </mirror>
  </mirrors>

  <profiles>
    <profile>
      <id>sonar</id>
      <properties>
        <sonar.host.url>https://sonar.«d»</sonar.host.url>
§s:tok_generic         <sonar.login>«sq»</sonar.login>
      </properties>
    </profile>
  </profiles>
  <activeProfiles>
    <activeProfile>sonar</activeProfile>
  </activeProfiles>
</settings>
""", d=d, p=p, ghp=k_ghp(), dckr=k_dckr(), gpgpass=pw(OK_XML, space=True, kind="weak"), sq=k_sonar())


def g_tomcat():
    emit("tomcat1", "opt/tomcat/conf/tomcat-users.xml", r"""
<?xml version="1.0" encoding="UTF-8"?>
<!--
  Licensed to the Apache Software Foundation (ASF) under one or more
  contributor license agreements.  See the NOTICE file distributed with
  this work for additional information regarding copyright ownership.
  The ASF licenses this file to You under the Apache License, Version 2.0
  (the "License"); you may not use this file except in compliance with
  the License.  You may obtain a copy of the License at

      http://www.apache.org/licenses/LICENSE-2.0

  Unless required by applicable law or agreed to in writing, software
  distributed under the License is distributed on an "AS IS" BASIS,
  WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
  See the License for the specific language governing permissions and
  limitations under the License.
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
§t   <user username="admin" password="<must-be-changed>" roles="manager-gui"/>
§t   <user username="robot" password="<must-be-changed>" roles="manager-script"/>
-->
<!--
  The sample user and role entries below are intended for use with the
  examples web application. They are wrapped in a comment and thus are ignored
  when reading this file. If you wish to configure these users for use with the
  examples web application, do not forget to remove the <!.. ..> that surrounds
  them. You will also need to set the passwords to something appropriate.
-->
<!--
  <role rolename="tomcat"/>
  <role rolename="role1"/>
§t   <user username="tomcat" password="<must-be-changed>" roles="tomcat"/>
§t   <user username="both" password="<must-be-changed>" roles="tomcat,role1"/>
§t   <user username="role1" password="<must-be-changed>" roles="role1"/>
-->
  <role rolename="manager-gui"/>
  <role rolename="manager-script"/>
  <role rolename="admin-gui"/>
§s:pw_xml   <user username="«u1»" password="«pw1»" roles="manager-gui,admin-gui"/>
§s:pw_xml   <user username="jenkins" password="«pw2»" roles="manager-script"/>
§s:hash_file   <user username="monitor" password="«digest»" roles="manager-status"/>
</tomcat-users>
""", u1=R.choice(["marco", "admin-ops", "tcadmin"]), pw1=pw(OK_XML), pw2=pw(OK_XML),
         digest=S(f"{hx(32)}$20000${hx(64)}"))

# =========================================================================== #
# SQL
# =========================================================================== #
def g_sqldump_shop():
    d = dom()
    admins = [(1, "admin", f"admin@{d}", f"'{h_bcrypt(10)}'", "'2023-01-12 09:14:02'", 1, "s"),
              (2, "marta.s", f"marta@{d}", f"'{h_bcrypt(10)}'", "'2023-06-30 17:40:11'", 1, "s"),
              (3, "sso.joao", f"joao@{d}", "''", "NULL", 1, "t"),
              (4, "old.admin", f"old@{d}", "'!'", "NULL", 0, "t"),
              (5, "ricardo", f"ricardo@{d}", f"'{h_bcrypt(12, '2b')}'", "'2023-10-02 08:03:55'", 1, "s")]
    rows = []
    for i, (id_, u, e, p, ch, act, kind) in enumerate(admins):
        end = ";" if i == len(admins) - 1 else ","
        line = f"({id_}, '{u}', '{e}', {p}, {ch}, {act}, '2021-05-03 11:20:45'){end}"
        rows.append(("§s:hash_db " if kind == "s" else "§t ") + line)
    custs = []
    names = ["maria.silva", "joao.pereira", "ana.costa", "rui.santos", "sofia.rocha", "pedro.alves"]
    for i, n in enumerate(names):
        end = ";" if i == len(names) - 1 else ","
        if i == 3:
            custs.append(f"§t ({100 + i}, '{n}@gmail.com', NULL, 'google-oauth2|{num(21)}'){end}")
        else:
            custs.append(f"§s:hash_db ({100 + i}, '{n}@gmail.com', '{h_md5()}', NULL){end}")
    files = []
    for i, f in enumerate(["catalogo-2023.pdf", "banner-natal.jpg", "tabela-precos.xlsx"]):
        end = ";" if i == 2 else ","
        files.append(f"§t ({i + 1}, '{f}', '{hx(64)}', {R.randint(20000, 900000)}){end}")
    emit("sqldump1", "backups/shop_2023-11-02.sql", r"""
-- phpMyAdmin SQL Dump
-- version 5.2.1
-- https://www.phpmyadmin.net/
--
-- Host: localhost
-- Generation Time: Nov 02, 2023 at 03:14 AM
-- Server version: 10.6.12-MariaDB-0ubuntu0.22.04.1
-- PHP Version: 8.1.2-1ubuntu2.14

SET SQL_MODE = "NO_AUTO_VALUE_ON_ZERO";
START TRANSACTION;
SET time_zone = "+00:00";

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;

--
-- Database: `shop`
--

-- --------------------------------------------------------

--
-- Table structure for table `admin_users`
--

CREATE TABLE `admin_users` (
  `id` int(10) UNSIGNED NOT NULL,
  `username` varchar(64) NOT NULL,
  `email` varchar(190) NOT NULL,
§t   `password` varchar(255) NOT NULL COMMENT 'bcrypt, empty = SSO only',
§t   `password_changed_at` datetime DEFAULT NULL,
  `is_active` tinyint(1) NOT NULL DEFAULT 1,
  `created_at` datetime NOT NULL DEFAULT current_timestamp()
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

--
-- Dumping data for table `admin_users`
--

INSERT INTO `admin_users` (`id`, `username`, `email`, `password`, `password_changed_at`, `is_active`, `created_at`) VALUES
«admins»

-- --------------------------------------------------------

--
-- Table structure for table `customers` (legacy import from the old osCommerce store)
--

CREATE TABLE `customers` (
  `id` int(10) UNSIGNED NOT NULL,
  `email` varchar(190) NOT NULL,
§t   `password_md5` char(32) DEFAULT NULL,
  `social_id` varchar(64) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO `customers` (`id`, `email`, `password_md5`, `social_id`) VALUES
«custs»

-- --------------------------------------------------------

CREATE TABLE `media_files` (
  `id` int(10) UNSIGNED NOT NULL,
  `filename` varchar(255) NOT NULL,
  `sha256` char(64) NOT NULL,
  `size` int(10) UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO `media_files` (`id`, `filename`, `sha256`, `size`) VALUES
«files»

-- --------------------------------------------------------

§t CREATE TABLE `password_resets` (
  `email` varchar(190) NOT NULL,
  `token` varchar(255) NOT NULL,
  `created_at` timestamp NULL DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE `admin_users`
  ADD PRIMARY KEY (`id`),
  ADD UNIQUE KEY `admin_users_username_unique` (`username`);

ALTER TABLE `admin_users`
  MODIFY `id` int(10) UNSIGNED NOT NULL AUTO_INCREMENT, AUTO_INCREMENT=6;
COMMIT;

/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
""", admins="\n".join(rows), custs="\n".join(custs), files="\n".join(files))


def g_sqldump_django():
    d = dom()
    people = [("admin", "Site", "Admin", "t", "t", h_django()),
              ("ines", "Inês", "Carvalho", "f", "t", h_django()),
              ("bruno", "Bruno", "Lopes", "f", "t", h_django_argon2()),
              ("svc-import", "", "", "f", "f", None),
              ("quinn", "Quinn", "Harper", "f", "t", h_django()),
              ("legacy.user", "Old", "Account", "f", "t", "sha1$" + rs(5, LO + DG) + "$" + h_sha1())]
    S(people[-1][5])
    rows = []
    for i, (u, fn, ln, su, act, h) in enumerate(people, start=1):
        last = "2024-02-01 10:11:12.345678+00" if act == "t" else "\\N"
        if h is None:
            rows.append(f"§t {i}⇥!{rs(40)}⇥\\N⇥f⇥{u}⇥{fn}⇥{ln}⇥{u}@{d}⇥f⇥{act}⇥2022-03-01 09:00:00+00")
        else:
            rows.append(f"§s:hash_db {i}⇥{h}⇥{last}⇥{su}⇥{u}⇥{fn}⇥{ln}⇥{u}@{d}⇥{su}⇥{act}⇥2022-03-01 09:00:00+00")
    docs = [f"§t {i}⇥{name}⇥{hx(40)}⇥{R.randint(1000, 99999)}" for i, name in
            enumerate(["contract-template.docx", "gdpr-policy.pdf", "onboarding.pdf"], start=1)]
    emit("sqldump2", "db/dumps/webapp-20240215.sql", r"""
--
-- PostgreSQL database dump
--

-- Dumped from database version 15.4 (Debian 15.4-1.pgdg120+1)
-- Dumped by pg_dump version 15.4 (Debian 15.4-1.pgdg120+1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: auth_user; Type: TABLE; Schema: public; Owner: webapp
--

CREATE TABLE public.auth_user (
    id integer NOT NULL,
§t     password character varying(128) NOT NULL,
    last_login timestamp with time zone,
    is_superuser boolean NOT NULL,
    username character varying(150) NOT NULL,
    first_name character varying(150) NOT NULL,
    last_name character varying(150) NOT NULL,
    email character varying(254) NOT NULL,
    is_staff boolean NOT NULL,
    is_active boolean NOT NULL,
    date_joined timestamp with time zone NOT NULL
);


ALTER TABLE public.auth_user OWNER TO webapp;

--
-- Name: docs_document; Type: TABLE; Schema: public; Owner: webapp
--

CREATE TABLE public.docs_document (
    id integer NOT NULL,
    name character varying(255) NOT NULL,
    sha1 character(40) NOT NULL,
    size integer NOT NULL
);


ALTER TABLE public.docs_document OWNER TO webapp;

--
-- Data for Name: auth_user; Type: TABLE DATA; Schema: public; Owner: webapp
--

COPY public.auth_user (id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) FROM stdin;
«rows»
\.


--
-- Data for Name: docs_document; Type: TABLE DATA; Schema: public; Owner: webapp
--

COPY public.docs_document (id, name, sha1, size) FROM stdin;
«docs»
\.


--
-- Name: auth_user_id_seq; Type: SEQUENCE SET; Schema: public; Owner: webapp
--

SELECT pg_catalog.setval('public.auth_user_id_seq', 6, true);


--
-- PostgreSQL database dump complete
--
""", rows="\n".join(rows), docs="\n".join(docs))


def g_sql_users():
    emit("sqlusers1", "db/bootstrap/01_users.sql", r"""
-- Bootstrap accounts for the reporting stack.
-- Run as root:  mysql < 01_users.sql
§t -- NOTE: passwords for new environments must be >= 16 chars (validate_password.length=16)

§t SET GLOBAL validate_password.policy = STRONG;
§t SET GLOBAL validate_password.length = 16;

§s:pw_sql CREATE USER IF NOT EXISTS 'report_ro'@'10.%' IDENTIFIED BY '«pw1»';
GRANT SELECT ON reporting.* TO 'report_ro'@'10.%';

§s:pw_sql CREATE USER 'etl'@'%' IDENTIFIED WITH mysql_native_password BY '«pw2»';
GRANT SELECT, INSERT, UPDATE, DELETE ON staging.* TO 'etl'@'%';

-- copied from the old server (SHOW CREATE USER output)
§s:hash_db CREATE USER 'legacy_app'@'%' IDENTIFIED WITH mysql_native_password AS '«myhash»';
GRANT ALL PRIVILEGES ON legacy.* TO 'legacy_app'@'%';

§s:pw_sql ALTER USER 'root'@'localhost' IDENTIFIED BY '«pw3»';
§t ALTER USER 'metabase'@'%' IDENTIFIED BY '<set-from-vault>';
§t CREATE USER 'ops_sso'@'%' IDENTIFIED WITH authentication_ldap_sasl;
§t ALTER USER 'intern'@'%' PASSWORD EXPIRE;
§t ALTER USER 'report_ro'@'10.%' PASSWORD EXPIRE INTERVAL 90 DAY;
FLUSH PRIVILEGES;

-- ---------------------------------------------------------------
-- PostgreSQL side (warehouse)
-- ---------------------------------------------------------------
§s:pw_sql CREATE ROLE analyst LOGIN PASSWORD '«pw4»' VALID UNTIL '2025-01-01';
§s:hash_db CREATE ROLE dbt_runner LOGIN PASSWORD '«scram»';
§s:hash_db CREATE ROLE airflow LOGIN PASSWORD '«pgmd5»';
§s:pw_sql ALTER ROLE postgres WITH PASSWORD '«pw5»';
§t ALTER ROLE readonly WITH PASSWORD NULL;
CREATE ROLE app_owner NOLOGIN;
§t \password metabase
GRANT USAGE ON SCHEMA marts TO analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA marts TO analyst;
ALTER DEFAULT PRIVILEGES IN SCHEMA marts GRANT SELECT ON TABLES TO analyst;
""", pw1=pw(OK_SQ.replace("'", "").replace("\\", ""), space=True), pw2=pw(OK_SQ), myhash=h_mysql(),
         pw3=pw(OK_SQ), pw4=pw(OK_SQ), scram=h_scram(), pgmd5=h_pgmd5(), pw5=pw(OK_SQ))


def g_mssql():
    emit("mssql1", "db/migrations/V3__create_logins.sql", r"""
/* V3 -- service logins for the integration layer
   Applied by Flyway; sqlcmd variables are passed from the pipeline. */
USE [master];
GO

IF NOT EXISTS (SELECT 1 FROM sys.server_principals WHERE name = N'etl_loader')
§s:pw_sql     CREATE LOGIN [etl_loader] WITH PASSWORD = N'«pw1»', CHECK_POLICY = OFF, CHECK_EXPIRATION = OFF;
GO

IF NOT EXISTS (SELECT 1 FROM sys.server_principals WHERE name = N'api_reader')
§t     CREATE LOGIN [api_reader] WITH PASSWORD = N'$(ApiReaderPassword)', CHECK_POLICY = ON;
GO

§t CREATE LOGIN [CORP\svc_reporting] FROM WINDOWS WITH DEFAULT_DATABASE = [Reporting];
GO

EXEC master.dbo.sp_addlinkedserver @server = N'ERPLINK', @srvproduct = N'', @provider = N'SQLNCLI', @datasrc = N'10.2.0.31';
§s:pw_sql EXEC master.dbo.sp_addlinkedsrvlogin @rmtsrvname = N'ERPLINK', @useself = N'False', @locallogin = NULL, @rmtuser = N'link_ro', @rmtpassword = N'«pw2»';
GO

USE [Integration];
GO
§s:pw_sql CREATE MASTER KEY ENCRYPTION BY PASSWORD = '«pw3»';
GO
CREATE DATABASE SCOPED CREDENTIAL [BlobSas]
    WITH IDENTITY = 'SHARED ACCESS SIGNATURE',
§s:tok_cloud     SECRET = 'sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig=«sig»';
GO
§t -- ALTER LOGIN [etl_loader] WITH PASSWORD = N'<new password>' OLD_PASSWORD = N'<old password>';
""", pw1=pw(OK_SQ.replace("$", "")), pw2=pw(OK_SQ.replace("$", "")), pw3=pw(OK_SQ.replace("$", "")),
         sig=S(b64(rbytes(32)).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")))


# =========================================================================== #
# /etc/shadow, htpasswd
# =========================================================================== #
def g_shadow():
    sysaccts = ["daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy",
                "www-data", "backup", "list", "irc", "nobody", "systemd-network", "systemd-resolve",
                "messagebus", "systemd-timesync", "syslog", "_apt", "uuidd", "sshd"]
    lines = [f"§s:hash_file root:{h_sha512crypt()}:19500:0:99999:7:::"]
    for a in sysaccts:
        lines.append(f"§t {a}:*:19411:0:99999:7:::")
    lines += [
        f"§s:hash_file ubuntu:{h_yescrypt()}:19600:0:99999:7:::",
        "§t lxd:!:19600::::::",
        f"§s:hash_file deploy:{h_sha512crypt(5000)}:19620:0:99999:7:::",
        "§t postgres:!!:19630::::::",
        f"§s:hash_file legacy:{h_md5crypt()}:17800:0:99999:7:::",
        "§t mysql:!:19630:0:99999:7:::",
        f"§s:hash_file backup2:{h_des()}:16200:0:99999:7:::",
        f"§s:hash_file olga:{h_yescrypt()}:19700:0:99999:7:::",
        "§t ftp:*:19700:0:99999:7:::",
    ]
    emit("shadow1", "etc/shadow", "\n".join(lines))


def g_htpasswd():
    emit("htpasswd1", "etc/nginx/.htpasswd", "\n".join([
        f"§s:hash_file admin:{h_md5crypt('apr1')}",
        f"§s:hash_file deploy:{h_ldap_sha()}",
        f"§s:hash_file ana:{h_bcrypt(5)}",
        f"§s:hash_file ci:{h_des()}",
        f"§s:hash_file grafana:{h_md5crypt('apr1')}",
    ]))
    d = dom()
    emit("htpasswd1", "etc/nginx/sites-available/internal-tools.conf", r"""
# internal tools behind basic auth -- managed by hand on tools01
server {
    listen 80;
    server_name tools.«d»;
    return 301 https://$host$request_uri;
}

server {
    listen 443 ssl http2;
    server_name tools.«d»;

    ssl_certificate     /etc/letsencrypt/live/tools.«d»/fullchain.pem;
§t     ssl_certificate_key /etc/letsencrypt/live/tools.«d»/privkey.pem;

§t     auth_basic           "Internal tools";
§t     auth_basic_user_file /etc/nginx/.htpasswd;

    location /grafana/ {
        proxy_pass http://127.0.0.1:3000/;
        proxy_set_header Host $host;
§t         proxy_set_header Authorization "";
    }

    location /kibana/ {
        proxy_pass http://127.0.0.1:5601/;
        proxy_set_header X-Forwarded-User $remote_user;
    }

    location /health {
        auth_basic off;
        return 200 "ok\n";
    }
}
""", d=d)

# =========================================================================== #
# Kubernetes / Helm
# =========================================================================== #
def g_kubeconfig():
    acct = num(12)
    ca1 = b64("\n".join(cert_lines()) + "\n")
    ca2 = b64("\n".join(cert_lines()) + "\n")
    crt = b64("\n".join(cert_lines()) + "\n")
    key = S(b64("\n".join(pem_lines("rsa")) + "\n"))
    sa = k_jwt({"iss": "kubernetes/serviceaccount", "kubernetes.io/serviceaccount/namespace": "ci",
                "kubernetes.io/serviceaccount/secret.name": "ci-deployer-token",
                "kubernetes.io/serviceaccount/service-account.name": "ci-deployer",
                "kubernetes.io/serviceaccount/service-account.uid": uid(), "sub": "system:serviceaccount:ci:ci-deployer"},
               alg="RS256", kid=rs(43, B64URL))
    emit("kube1", "home/ops/.kube/config", r"""
apiVersion: v1
clusters:
- cluster:
§t     certificate-authority-data: «ca1»
    server: https://«ip»:6443
  name: prod-k3s
- cluster:
§t     certificate-authority-data: «ca2»
    server: https://«eks».gr7.eu-west-1.eks.amazonaws.com
  name: arn:aws:eks:eu-west-1:«acct»:cluster/staging
- cluster:
    insecure-skip-tls-verify: true
    server: https://10.0.50.10:6443
  name: legacy-kubeadm
contexts:
- context:
    cluster: prod-k3s
    user: prod-admin
  name: prod
- context:
    cluster: arn:aws:eks:eu-west-1:«acct»:cluster/staging
    user: arn:aws:eks:eu-west-1:«acct»:cluster/staging
  name: staging
- context:
    cluster: prod-k3s
    namespace: ci
    user: ci-deployer
  name: ci
- context:
    cluster: legacy-kubeadm
    user: legacy-basic
  name: legacy
current-context: prod
kind: Config
preferences: {}
users:
- name: prod-admin
  user:
§t     client-certificate-data: «crt»
§s:private_key     client-key-data: «key»
- name: arn:aws:eks:eu-west-1:«acct»:cluster/staging
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - --region
      - eu-west-1
      - eks
      - get-token
      - --cluster-name
      - staging
      command: aws
      env:
      - name: AWS_PROFILE
        value: staging
- name: ci-deployer
  user:
§s:tok_bearer     token: «sa»
- name: legacy-basic
  user:
    username: admin
§s:pw_config     password: «pw»
""", ca1=ca1, ca2=ca2, ip=f"203.0.113.{R.randint(2, 250)}", eks=HX(32), acct=acct, crt=crt, key=key,
         sa=sa, pw=pw(OK_YAML, start_alnum=True))


def g_k8s_secrets():
    d = dom()
    dockerjson = json.dumps({"auths": {f"registry.{d}": {"username": "k8s-pull",
                                                           "password": pw(OK_CODE),
                                                           "auth": b64("k8s-pull:" + rs(20))}}})
    emit("k8s1", "deploy/k8s/prod/secrets.yaml", r"""
# applied manually: kubectl apply -f deploy/k8s/prod/secrets.yaml
apiVersion: v1
kind: Secret
metadata:
  name: api-db
  namespace: prod
type: Opaque
data:
  username: «b64user»
§s:encoded_cred   password: «b64pw»
---
apiVersion: v1
kind: Secret
metadata:
  name: api-tls
  namespace: prod
type: kubernetes.io/tls
stringData:
  tls.crt: |
«cert»
  tls.key: |
«key»
---
apiVersion: v1
kind: Secret
metadata:
  name: regcred
  namespace: prod
type: kubernetes.io/dockerconfigjson
data:
§s:encoded_cred   .dockerconfigjson: «dcj»
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: stripe
  namespace: prod
spec:
  encryptedData:
§t     STRIPE_SECRET_KEY: «sealed»
---
apiVersion: v1
kind: Secret
metadata:
  name: worker-env
  namespace: prod
stringData:
§s:tok_monitoring   DD_API_KEY: "«dd»"
§s:tok_ai   OPENAI_API_KEY: "«oa»"
  LOG_LEVEL: info
§t   SENTRY_DSN: "https://«dsn»@o«org».ingest.sentry.io/«proj»"
""", b64user=b64("api"), b64pw=S(b64(pw(OK_CODE))),
         cert=trickyblock(cert_lines(), "    "), key=keyblock(pem_lines("rsa"), indent="    "),
         dcj=S(b64(dockerjson)), sealed="AgB" + rs(360, B64), dd=k_dd_api(), oa=k_openai(), dsn=hx(32),
         org=num(6), proj=num(7))


def g_helm_default():
    emit("helm1", "charts/storefront/values.yaml", r"""
# Default values for storefront.
# This is a YAML-formatted file.
# Declare variables to be passed into your templates.

replicaCount: 2

image:
  repository: registry.example.internal/storefront
  pullPolicy: IfNotPresent
  # Overrides the image tag whose default is the chart appVersion.
  tag: ""
§t   digest: «digest»

imagePullSecrets:
  - name: regcred

serviceAccount:
  create: true
  annotations: {}
  name: ""

podAnnotations:
§t   checksum/config: «cfgsum»

service:
  type: ClusterIP
  port: 8080

postgresql:
  enabled: true
  auth:
    username: storefront
§t     password: ""
§t     existingSecret: storefront-db
    secretKeys:
§t       userPasswordKey: password
§t       adminPasswordKey: postgres-password

redis:
  enabled: true
  auth:
    enabled: true
§t     password: "{{ .Values.global.redisPassword }}"

env:
  - name: SPRING_PROFILES_ACTIVE
    value: kubernetes
§t   - name: DB_PASSWORD
    valueFrom:
      secretKeyRef:
        name: storefront-db
        key: password
§t   - name: STRIPE_SECRET_KEY
    valueFrom:
      secretKeyRef:
        name: stripe
        key: STRIPE_SECRET_KEY

resources:
  limits:
    cpu: 500m
    memory: 512Mi
  requests:
    cpu: 100m
    memory: 256Mi
""", digest=digest(), cfgsum=hx(64))


def g_helm_prod():
    d = dom()
    emit("helm2", "deploy/helm/values-prod.yaml", r"""
# prod overrides -- helm upgrade --install storefront charts/storefront -f deploy/helm/values-prod.yaml
global:
§s:pw_config   redisPassword: «pw1»

replicaCount: 4

image:
  tag: "2.14.3"
§t   digest: «digest»

postgresql:
  auth:
§s:pw_config     postgresPassword: "«pw2»"
    username: storefront
§s:pw_config     password: "«pw3»"
    database: storefront

rabbitmq:
  auth:
    username: storefront
§s:pw_config     password: «pw4»
§s:app_secret     erlangCookie: «cookie»

ingress:
  enabled: true
  className: nginx
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
    nginx.ingress.kubernetes.io/auth-type: basic
§t     nginx.ingress.kubernetes.io/auth-secret: storefront-basic-auth
  hosts:
    - host: shop.«d»
      paths:
        - path: /
          pathType: Prefix

extraEnv:
  - name: TWILIO_ACCOUNT_SID
§t     value: «sid»
  - name: TWILIO_AUTH_TOKEN
§s:tok_email_sms     value: «twt»
  - name: SENTRY_DSN
§t     value: https://«dsn»@o«org».ingest.sentry.io/«proj»
""", d=d, pw1=pw(OK_YAML, start_alnum=True), digest=digest(), pw2=pw(OK_CODE), pw3=pw(OK_CODE),
         pw4=pw(OK_YAML, start_alnum=True), cookie=S(rs(32, UP)), sid=twilio_sid(), twt=k_twilio_token(),
         dsn=hx(32), org=num(6), proj=num(7))


def g_deployment_nosecret():
    emit("deploy1", "k8s/base/deployment.yaml", r"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  labels:
    app.kubernetes.io/name: orders
  annotations:
§t     deployment.kubernetes.io/revision-hash: «h1»
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: orders
  template:
    metadata:
      labels:
        app.kubernetes.io/name: orders
      annotations:
§t         checksum/secret: «h2»
§t         vault.hashicorp.com/agent-inject-secret-db: "database/creds/orders"
§t         vault.hashicorp.com/agent-inject-template-db: |
          {{- with secret "database/creds/orders" -}}
§t           postgres://{{ .Data.username }}:{{ .Data.password }}@orders-db:5432/orders
          {{- end }}
    spec:
      serviceAccountName: orders
      containers:
        - name: orders
§t           image: ghcr.io/acme/orders@«dg»
          ports:
            - containerPort: 8080
          env:
            - name: DB_USER
              value: orders
§t             - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: orders-db
                  key: password
§t             - name: JWT_SIGNING_KEY
              valueFrom:
                secretKeyRef:
                  name: orders-jwt
                  key: signing-key
§t             - name: PASSWORD_MIN_LENGTH
              value: "12"
          envFrom:
            - secretRef:
                name: orders-env
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
        - name: cloud-sql-proxy
§t           image: gcr.io/cloud-sql-connectors/cloud-sql-proxy@«dg2»
          args: ["--structured-logs", "acme-prod:europe-west1:orders"]
""", h1=hx(10), h2=hx(64), dg=digest(), dg2=digest())


# =========================================================================== #
# Terraform / Ansible
# =========================================================================== #
def g_terraform():
    emit("tf1", "infra/main.tf", r"""
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws        = { source = "hashicorp/aws", version = "~> 5.0" }
    cloudflare = { source = "cloudflare/cloudflare", version = "~> 4.0" }
    random     = { source = "hashicorp/random", version = "~> 3.5" }
  }
  backend "s3" {
    bucket = "acme-tf-state"
    key    = "prod/main.tfstate"
    region = "eu-west-1"
  }
}

provider "aws" {
  region     = "eu-west-1"
§b:tok_aws   access_key = "«akid»"
§e   secret_key = "«aksec»"
}

provider "cloudflare" {
§s:tok_cloud   api_token = "«cf»"
}

§t variable "db_password" {
  type      = string
§t   sensitive = true
}

resource "random_password" "redis" {
§t   length  = 32
  special = false
}

resource "aws_db_instance" "main" {
  identifier          = "prod-main"
  engine              = "postgres"
  engine_version      = "15.4"
  instance_class      = "db.r6g.large"
  allocated_storage   = 100
  username            = "dbadmin"
§t   password            = var.db_password
  skip_final_snapshot = false
}

resource "aws_db_instance" "reporting" {
  identifier        = "prod-reporting"
  engine            = "mysql"
  instance_class    = "db.t3.medium"
  allocated_storage = 50
  username          = "admin"
§s:pw_config   password          = "«pw»" # TODO rotate + move to var
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "prod-cache"
  description                = "prod cache"
  node_type                  = "cache.t4g.small"
§t   auth_token                 = random_password.redis.result
  transit_encryption_enabled = true
}

resource "aws_ssm_parameter" "datadog" {
  name  = "/prod/datadog/api_key"
  type  = "SecureString"
§s:tok_monitoring   value = "«dd»"
}

§t variable "datadog_api_key" {
  type      = string
§t   sensitive = true
  default   = null
}

resource "aws_iam_access_key" "ci" {
  user = "ci-deployer"
}

output "ci_secret" {
§t   value     = aws_iam_access_key.ci.secret
  sensitive = true
}
""", akid=k_aws_id(), aksec=k_aws_secret(), cf=k_cf(), pw=pw(OK_CODE.replace("$", "").replace("%", "")),
         dd=k_dd_api())
    emit("tf1", "infra/envs/prod/terraform.tfvars", r"""
environment = "prod"
region      = "eu-west-1"
vpc_cidr    = "10.40.0.0/16"
azs         = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]

§s:pw_config db_password     = "«pw»"
§s:tok_cloud do_token        = "«do»"
§s:tok_vcs github_token    = "«ghf»"
§s:tok_monitoring datadog_api_key = "«dd»"
§s:tok_monitoring datadog_app_key = "«ddapp»"
§s:tok_saas okta_api_token  = "«okta»"
§t vault_token     = ""

§t allowed_ssh_keys = ["«pub»"]

tags = {
  Team       = "platform"
  CostCenter = "1234"
}
""", pw=pw(OK_CODE.replace("$", "").replace("%", "")), do=k_do(), ghf=k_gh_fine(), dd=k_dd_api(),
         ddapp=k_dd_app(), okta=k_okta(), pub=ssh_pub_ed25519("ana@laptop"))


def g_ansible_inv():
    d = dom()
    p2 = pw(OK_SQ.replace("'", "").replace("\\", "").replace("=", "").replace("#", ""))
    emit("ansible1", "inventory/production.ini", r"""
# production inventory -- keep in sync with the CMDB
[webservers]
web01.«d» ansible_host=10.0.1.11
web02.«d» ansible_host=10.0.1.12

[dbservers]
§s:pw_config db01.«d» ansible_host=10.0.2.21 ansible_user=root ansible_ssh_pass=«pw1»
§s:pw_config db02.«d» ansible_host=10.0.2.22 ansible_user=ubuntu ansible_password='«p2»' ansible_become_pass='«p2»'

[windows]
§s:pw_config win-app01 ansible_host=10.0.3.5 ansible_user=Administrator ansible_password=«pw3» ansible_connection=winrm ansible_winrm_server_cert_validation=ignore

[legacy]
§t oldbox ansible_host=10.0.9.9 ansible_user=root ansible_ssh_pass="{{ vault_oldbox_pass }}"

[all:vars]
ansible_python_interpreter=/usr/bin/python3
§t ansible_become_pass="{{ lookup('env', 'BECOME_PASS') }}"
§s:pw_config mysql_root_password=«pw4»
§t # ansible_ssh_pass=changeme   (bootstrap only, never for prod)
""", d=d, pw1=pw(OK_BARE.replace("=", "")), p2=p2, pw3=pw(OK_BARE.replace("=", "")),
         pw4=pw(OK_BARE.replace("=", "")))


def g_ansible_vars():
    vault_hex = [hx(80) for _ in range(5)] + [hx(34)]
    emit("ansible2", "group_vars/all/vars.yml", r"""
---
app_user: deploy
app_dir: /srv/app
app_port: 8080

§t db_password: "{{ vault_db_password }}"
§t smtp_password: "{{ vault_smtp_password }}"
§s:pw_config redis_password: «pw»   # internal only
§t api_token: !vault |
§t           $ANSIBLE_VAULT;1.1;AES256
«vault»

§t password_hash_algorithm: sha512
users:
  - name: ana
§s:hash_file     password: "«h»"
    groups: [sudo]
    shell: /bin/bash
  - name: ci
§t     password: "!"
    groups: [docker]

deploy_ssh_private_key: |
«key»

deploy_ssh_public_key: "«pub»"
""", pw=pw(OK_YAML, start_alnum=True), vault="\n".join("§t           " + x for x in vault_hex),
         h=h_sha512crypt(656000), key=keyblock(pem_lines("ed25519", "deploy@ansible"), indent="  "),
         pub=ssh_pub_ed25519("deploy@ansible"))
    body = chunk(hx(80 * 12), 80)
    emit("ansible2", "group_vars/all/vault.yml", "§t $ANSIBLE_VAULT;1.1;AES256\n" +
         "\n".join("§t " + x for x in body))


def g_gitlab_runner():
    d = dom()
    emit("runner1", "etc/gitlab-runner/config.toml", r"""
concurrent = 4
check_interval = 0
shutdown_timeout = 0

[session_server]
  session_timeout = 1800

[[runners]]
  name = "docker-runner-01"
  url = "https://gitlab.«d»/"
  id = 42
§s:tok_vcs   token = "«glrt»"
  token_obtained_at = 2023-11-14T10:22:31Z
  token_expires_at = 0001-01-01T00:00:00Z
  executor = "docker"
  [runners.cache]
    Type = "s3"
    Shared = true
    [runners.cache.s3]
      ServerAddress = "s3.amazonaws.com"
§b:tok_aws       AccessKey = "«akid»"
§e       SecretKey = "«aksec»"
      BucketName = "acme-runner-cache"
      BucketLocation = "eu-west-1"
  [runners.docker]
    tls_verify = false
    image = "alpine:3.19"
    privileged = true
    disable_entrypoint_overwrite = false
    oom_kill_disable = false
    disable_cache = false
    volumes = ["/cache", "/var/run/docker.sock:/var/run/docker.sock"]
    shm_size = 0
§t     environment = ["DOCKER_AUTH_CONFIG=${DOCKER_AUTH_CONFIG}"]

[[runners]]
  name = "shell-runner-legacy"
  url = "https://gitlab.«d»/"
  id = 7
§t   token = "REDACTED"
  executor = "shell"
""", d=d, glrt=k_glrt(), akid=k_aws_id(), aksec=k_aws_secret())

# =========================================================================== #
# CI / CD
# =========================================================================== #
def g_jenkinsfile():
    d = dom()
    emit("jenkins1", "Jenkinsfile", r"""
pipeline {
    agent { label 'docker' }

    environment {
        REGISTRY          = 'registry.«d»'
§t         REGISTRY_CREDS    = credentials('registry-ci')
§s:tok_registry         DOCKERHUB_TOKEN   = '«dckr»'
§s:tok_monitoring         SENTRY_AUTH_TOKEN = "«sentry»"
§t         SONAR_TOKEN       = credentials('sonarqube-token')
    }

    options {
        timestamps()
        timeout(time: 30, unit: 'MINUTES')
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
                junit 'build/test-results/test/*.xml'
            }
        }
        stage('Publish') {
            steps {
§t                 withCredentials([usernamePassword(credentialsId: 'nexus-deploy', usernameVariable: 'NEXUS_USER', passwordVariable: 'NEXUS_PASS')]) {
§t                     sh './gradlew publish -PnexusUser=$NEXUS_USER -PnexusPass=$NEXUS_PASS'
                }
§t                 sh 'echo $REGISTRY_CREDS_PSW | docker login -u $REGISTRY_CREDS_USR --password-stdin $REGISTRY'
§s:pw_cli                 sh "echo '«pw1»' | docker login -u acme-ci --password-stdin ${REGISTRY}"
                sh "docker push ${REGISTRY}/app:${env.BUILD_NUMBER}"
            }
        }
        stage('Deploy') {
            when { branch 'main' }
            steps {
§s:pw_cli                 sh 'sshpass -p "«pw2»" ssh -o StrictHostKeyChecking=no deploy@10.0.1.11 "sudo systemctl restart app"'
§s:pw_cli                 sh "curl -s -u admin:«pw3» 'https://tomcat.«d»/manager/text/reload?path=/app'"
            }
        }
    }

    post {
        failure {
§s:tok_chat             slackSend(channel: '#ci', color: 'danger', token: '«xoxb»', message: "FAILED ${env.JOB_NAME} #${env.BUILD_NUMBER}")
        }
        always {
            cleanWs()
        }
    }
}
""", d=d, dckr=k_dckr(), sentry=k_sentry(), pw1=pw(OK_SQ.replace("'", "").replace("$", "").replace("\\", "")),
         pw2=pw(OK_DQ.replace("$", "")), pw3=pw(OK_BARE.replace("$", "")), xoxb=k_xoxb())


def g_gha():
    d = dom()
    emit("gha1", ".github/workflows/deploy.yml", r"""
name: deploy

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  id-token: write

env:
  AWS_REGION: eu-west-1
§s:tok_cloud   VERCEL_TOKEN: «vercel»
§t   NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
§t       - uses: actions/checkout@«sha1» # v4.1.1
§t       - uses: actions/setup-node@«sha2» # v4.0.0
        with:
          node-version: 20
          cache: npm
§t       - uses: actions/cache@«sha3» # v3.3.2
        with:
          path: ~/.npm
          key: npm-${{ hashFiles('package-lock.json') }}
      - run: npm ci
      - run: npm test
        env:
§t           DATABASE_URL: postgres://${{ secrets.DB_USER }}:${{ secrets.DB_PASS }}@localhost:5432/test
§s:tok_ai           OPENAI_API_KEY: «oa»

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@«sha1»
      - name: Configure AWS
        uses: aws-actions/configure-aws-credentials@v4
        with:
§t           role-to-assume: arn:aws:iam::«acct»:role/gh-deploy
          aws-region: ${{ env.AWS_REGION }}
      - name: Deploy web (Vercel)
        run: npx vercel deploy --prod --token "$VERCEL_TOKEN" --yes
      - name: Deploy docs (Netlify)
§s:tok_cloud         run: npx netlify-cli deploy --prod --dir=docs/dist --auth «nfp» --site «site»
      - name: Telegram
        run: |
§s:tok_chat           curl -s -X POST "https://api.telegram.org/bot«tg»/sendMessage" \
            -d chat_id=-100«chat» -d text="deployed ${{ github.sha }}"
      - name: Release notes
        run: |
§t           curl -s -H "Authorization: token ${{ secrets.GITHUB_TOKEN }}" \
            https://api.github.com/repos/${{ github.repository }}/releases/latest
      - name: Discord
        env:
§s:tok_chat           DISCORD_WEBHOOK: «dh»
        uses: Ilshidur/action-discord@0.3.2
        with:
          args: "deployed {{ EVENT_PAYLOAD.repository.full_name }}"
""", vercel=k_vercel(), sha1=hx(40), sha2=hx(40), sha3=hx(40), oa=k_openai(), acct=num(12), nfp=k_netlify(), site=uid(),
         tg=k_telegram(), chat=num(10), dh=k_discord_hook())


def g_gitlab_ci():
    d = dom()
    emit("gitlabci1", ".gitlab-ci.yml", r"""
stages: [test, build, deploy]

variables:
  DOCKER_DRIVER: overlay2
  DOCKER_TLS_CERTDIR: "/certs"
§t   MYSQL_PASSWORD: $CI_MYSQL_PASSWORD
§s:pw_config   PROD_DB_PASSWORD: "«pw1»"
  PIP_CACHE_DIR: "$CI_PROJECT_DIR/.cache/pip"

test:
  stage: test
  image: python:3.12
  script:
    - pip install -r requirements.txt
    - pytest -q

build:
  stage: build
  image: docker:24
  services: [docker:24-dind]
  script:
§t     - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY
§s:tok_registry     - docker login -u acmebot -p «dckr» docker.io
    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA .
    - docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA

deploy_prod:
  stage: deploy
  image: alpine:3.19
  variables:
§s:tok_cloud     HEROKU_API_KEY: «heroku»
  script:
    - apk add --no-cache curl git openssh-client
§t     - eval $(ssh-agent -s) && echo "$SSH_PRIVATE_KEY" | tr -d '\r' | ssh-add -
§s:tok_vcs     - 'curl --fail --header "PRIVATE-TOKEN: «glpat»" "https://gitlab.«d»/api/v4/projects/17/repository/tags?tag_name=$CI_COMMIT_SHORT_SHA&ref=main" -X POST'
§s:cred_url     - git push https://heroku:«heroku2»@git.heroku.com/acme-api.git HEAD:main
  only: [main]
  environment: production
""", d=d, pw1=pw(OK_CODE.replace("$", "")), dckr=k_dckr(), heroku=k_heroku(), glpat=k_glpat(),
         heroku2=k_heroku())


def g_compose():
    emit("compose1", "nextcloud/docker-compose.yml", r"""
version: "3.9"

services:
  db:
    image: mariadb:10.11
    restart: unless-stopped
    command: --transaction-isolation=READ-COMMITTED --log-bin=binlog --binlog-format=ROW
    environment:
§s:pw_config       MYSQL_ROOT_PASSWORD: «pw1»
      MYSQL_DATABASE: nextcloud
      MYSQL_USER: nextcloud
§s:pw_config       MYSQL_PASSWORD: "«pw2»"
    volumes:
      - db:/var/lib/mysql

  redis:
    image: redis:7-alpine
§s:pw_cli     command: redis-server --requirepass «pw3»
    healthcheck:
§t       test: ["CMD-SHELL", "redis-cli -a \"$$REDIS_PASSWORD\" ping | grep PONG"]

  app:
    image: nextcloud:27-apache
    restart: unless-stopped
    depends_on: [db, redis]
    environment:
      - MYSQL_HOST=db
      - MYSQL_DATABASE=nextcloud
      - MYSQL_USER=nextcloud
§t       - MYSQL_PASSWORD_FILE=/run/secrets/mysql_password
      - NEXTCLOUD_ADMIN_USER=admin
§s:pw_config       - NEXTCLOUD_ADMIN_PASSWORD=«pw4»
      - REDIS_HOST=redis
§t       - REDIS_HOST_PASSWORD=${REDIS_PASSWORD}
    secrets:
      - mysql_password
    volumes:
      - nextcloud:/var/www/html
    labels:
      - "traefik.enable=true"
      - "traefik.http.routers.nc.rule=Host(`cloud.example.home`)"
      - "traefik.http.routers.dash.middlewares=dash-auth"
§s:hash_file       - "traefik.http.middlewares.dash-auth.basicauth.users=admin:«apr»"

secrets:
  mysql_password:
§t     file: ./secrets/mysql_password.txt

volumes:
  db:
  nextcloud:
""", pw1=pw(OK_YAML, start_alnum=True), pw2=pw(OK_CODE.replace("$", "")),
         pw3=pw(OK_BARE.replace("$", "")), pw4=pw(OK_BARE.replace("$", "")),
         apr=S(h_md5crypt("apr1").replace("$", "$$")))

# =========================================================================== #
# captures: Postman, HAR, logs
# =========================================================================== #
def g_postman():
    d = dom()
    login_pw, admin_pw, apikey = pw(OK_CODE), pw(OK_CODE), k_hexsecret(32)
    bearer = k_jwt({"sub": "qa-bot", "scope": "orders:read orders:write", "iat": 1706000000, "exp": 1906000000})
    sk = k_sk_live()

    def url(path, query=None):
        u = {"raw": "{{baseUrl}}" + path, "host": ["{{baseUrl}}"], "path": path.strip("/").split("/")}
        if query:
            u["raw"] += "?" + "&".join(f"{k}={v}" for k, v in query)
            u["query"] = [{"key": k, "value": v} for k, v in query]
        return u

    coll = {
        "info": {"_postman_id": uid(), "name": "Acme API", "description": "Shared QA collection",
                 "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
                 "_exporter_id": num(8)},
        "item": [
            {"name": "Auth / Login", "request": {
                "method": "POST", "header": [{"key": "Content-Type", "value": "application/json"}],
                "body": {"mode": "raw", "raw": json.dumps({"email": f"qa@{d}", "password": login_pw}, indent=2),
                         "options": {"raw": {"language": "json"}}},
                "url": url("/v1/auth/login")}, "response": []},
            {"name": "Auth / Reset password", "request": {
                "method": "POST", "header": [{"key": "Content-Type", "value": "application/json"}],
                "body": {"mode": "raw", "raw": "{\n  \"email\": \"{{email}}\",\n  \"newPassword\": \"{{newPassword}}\"\n}"},
                "url": url("/v1/auth/password/reset")}, "response": []},
            {"name": "Orders / list", "request": {
                "auth": {"type": "bearer", "bearer": [{"key": "token", "value": bearer, "type": "string"}]},
                "method": "GET", "header": [], "url": url("/v1/orders", [("status", "open"), ("limit", "50")])},
             "response": []},
            {"name": "Admin / stats", "request": {
                "auth": {"type": "basic", "basic": [{"key": "password", "value": admin_pw, "type": "string"},
                                                    {"key": "username", "value": "admin", "type": "string"}]},
                "method": "GET", "header": [], "url": url("/admin/stats")}, "response": []},
            {"name": "Payments / create intent (direct to Stripe)", "request": {
                "method": "POST", "header": [{"key": "Authorization", "value": f"Bearer {sk}"}],
                "body": {"mode": "urlencoded", "urlencoded": [{"key": "amount", "value": "1999"},
                                                               {"key": "currency", "value": "eur"}]},
                "url": {"raw": "https://api.stripe.com/v1/payment_intents", "protocol": "https",
                        "host": ["api", "stripe", "com"], "path": ["v1", "payment_intents"]}}, "response": []},
            {"name": "Webhooks / replay", "request": {
                "method": "POST", "header": [{"key": "X-Api-Key", "value": "{{apiKey}}"}],
                "url": url("/v1/webhooks/replay", [("api_key", "{{apiKey}}")])}, "response": []},
        ],
        "auth": {"type": "apikey", "apikey": [{"key": "value", "value": "{{apiKey}}", "type": "string"},
                                              {"key": "key", "value": "X-Api-Key", "type": "string"}]},
        "variable": [{"key": "baseUrl", "value": f"https://api.{d}"},
                     {"key": "apiKey", "value": apikey},
                     {"key": "adminPassword", "value": ""},
                     {"key": "newPassword", "value": "<set in your local environment>"}],
    }
    text = json.dumps(coll, indent="\t", ensure_ascii=False)
    emit_auto("postman1", "postman/acme-api.postman_collection.json", text,
              secrets=[("pw_capture", login_pw), ("tok_bearer", bearer), ("pw_capture", admin_pw),
                       ("tok_commerce", sk), ("tok_generic", apikey)],
              tricky=["\"_postman_id\"", "{{newPassword}}", "\"key\": \"password\"", "\"value\": \"{{apiKey}}\"",
                      "api_key={{apiKey}}", "\"key\": \"adminPassword\"", "<set in your local environment>"])


def g_har():
    d = dom()
    user_pw = pw(OK_CODE)
    access = k_jwt({"sub": num(6), "email": f"rita@{d}", "role": "customer", "iat": 1708340000, "exp": 1708343600})
    refresh = S(rs(64, B64URL))
    basic = S(b64("backoffice:" + pw(OK_CODE)))
    partner = k_hexsecret(40)
    pk = pk_live()
    dsn = hx(32)
    reqid = uid()

    def entry(method, url, headers, status=200, post=None, resp_text="", mime="application/json"):
        e = {"startedDateTime": f"2024-02-19T09:{R.randint(10, 59)}:{R.randint(10, 59)}.{R.randint(100, 999)}Z",
             "time": round(R.uniform(20, 400), 3),
             "request": {"method": method, "url": url, "httpVersion": "HTTP/2",
                         "headers": [{"name": k, "value": v} for k, v in headers],
                         "queryString": [], "cookies": [], "headersSize": -1,
                         "bodySize": len(post) if post else 0},
             "response": {"status": status, "statusText": "", "httpVersion": "HTTP/2",
                          "headers": [{"name": "content-type", "value": mime}], "cookies": [],
                          "content": {"size": len(resp_text), "mimeType": mime, "text": resp_text},
                          "redirectURL": "", "headersSize": -1, "bodySize": len(resp_text)},
             "cache": {}, "timings": {"send": 0.1, "wait": round(R.uniform(10, 300), 2), "receive": 0.4}}
        if post is not None:
            e["request"]["postData"] = {"mimeType": "application/json", "text": post}
        return e

    ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36"
    ga = f"_ga=GA1.1.{num(10)}.{num(10)}; _ga_{rs(10, UP + DG)}=GS1.1.{num(10)}.3.1.{num(10)}.0.0.0"
    entries = [
        entry("POST", f"https://shop.{d}/api/auth/login",
              [("content-type", "application/json"), ("user-agent", ua), ("cookie", ga)],
              post=json.dumps({"email": f"rita@{d}", "password": user_pw}),
              resp_text=json.dumps({"access_token": access, "refresh_token": refresh, "expires_in": 3600})),
        entry("GET", f"https://shop.{d}/api/cart", [("authorization", f"Bearer {access}"), ("user-agent", ua),
                                                   ("if-none-match", f"W/\"{hx(16)}\"")],
              resp_text=json.dumps({"items": [{"sku": "TSH-001", "qty": 2}], "total": 3998})),
        entry("GET", f"https://shop.{d}/api/recommendations", [("authorization", "Bearer undefined"),
                                                              ("user-agent", ua)], status=401,
              resp_text=json.dumps({"error": "invalid_token"})),
        entry("POST", "https://api.stripe.com/v1/payment_methods",
              [("authorization", f"Bearer {pk}"), ("content-type", "application/x-www-form-urlencoded")],
              resp_text=json.dumps({"id": "pm_" + rs(24), "object": "payment_method"})),
        entry("POST", f"https://o{num(6)}.ingest.sentry.io/api/{num(7)}/envelope/?sentry_key={dsn}&sentry_version=7",
              [("content-type", "text/plain;charset=UTF-8")], resp_text="{}"),
        entry("GET", f"https://backoffice.{d}/internal/orders/export", [("authorization", f"Basic {basic}")],
              resp_text="id,total\n"),
        entry("GET", f"https://partner-feed.{d}/v2/stock?sku=TSH-001", [("x-api-key", partner)],
              resp_text=json.dumps({"sku": "TSH-001", "stock": 12})),
        entry("GET", f"https://shop.{d}/api/orders/{uid()}", [("authorization", f"Bearer {access}"),
                                                             ("x-request-id", reqid)],
              resp_text=json.dumps({"status": "paid"})),
    ]
    har = {"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
                   "pages": [{"startedDateTime": "2024-02-19T09:10:00.000Z", "id": "page_1",
                              "title": f"https://shop.{d}/checkout", "pageTimings": {"onContentLoad": 812.4, "onLoad": 1410.9}}],
                   "entries": entries}}
    text = json.dumps(har, indent=2)
    emit_auto("har1", "captures/checkout-flow.har", text,
              secrets=[("pw_capture", user_pw), ("tok_bearer", access), ("encoded_cred", basic),
                       ("tok_generic", partner)],
              tricky=["Bearer undefined", pk, f"sentry_key={dsn}", "_ga=GA1.1", "W/\\\"", reqid])


def g_app_log():
    d = dom()
    jwt = k_jwt({"sub": num(5), "scope": "payments", "iat": 1708333000, "exp": 1708336600})
    u = R.choice(USERS)
    emit("log1", "logs/payments-api-2024-02-19.log", r"""
2024-02-19T08:00:01.123Z INFO  [main] o.s.b.StartupInfoLogger - Starting PaymentsApplication v2.14.3 using Java 17.0.9
2024-02-19T08:00:01.130Z INFO  [main] c.a.p.PaymentsApplication - The following 1 profile is active: "prod"
2024-02-19T08:00:03.456Z INFO  [main] c.z.h.HikariDataSource - HikariPool-1 - Starting...
2024-02-19T08:00:03.458Z DEBUG [main] c.z.h.HikariConfig - jdbcUrl.........................jdbc:postgresql://payments-db:5432/payments
2024-02-19T08:00:03.459Z DEBUG [main] c.z.h.HikariConfig - username........................"payments"
§t 2024-02-19T08:00:03.460Z DEBUG [main] c.z.h.HikariConfig - password........................<masked>
§s:conn_string 2024-02-19T08:00:03.462Z DEBUG [main] c.a.p.config.LegacyDbConfig - legacy datasource url=jdbc:mysql://«ip»:3306/payments_old?user=payments&password=«pw1»
2024-02-19T08:00:04.001Z INFO  [main] c.z.h.HikariDataSource - HikariPool-1 - Start completed.
2024-02-19T08:00:06.870Z INFO  [main] o.s.b.w.e.t.TomcatWebServer - Tomcat started on port(s): 8080 (http)
2024-02-19T09:12:44.801Z DEBUG [http-nio-8080-exec-3] o.a.h.wire - >> "GET /v1/payments/8812 HTTP/1.1[\r][\n]"
§s:tok_bearer 2024-02-19T09:12:44.812Z DEBUG [http-nio-8080-exec-3] o.a.h.wire - >> "Authorization: Bearer «jwt»[\r][\n]"
§t 2024-02-19T09:12:44.900Z DEBUG [http-nio-8080-exec-4] o.a.h.wire - >> "Authorization: Bearer [REDACTED][\r][\n]"
§s:encoded_cred 2024-02-19T09:13:02.114Z DEBUG [http-nio-8080-exec-7] o.a.h.wire - >> "Authorization: Basic «basic»[\r][\n]"
§t 2024-02-19T09:14:10.555Z WARN  [http-nio-8080-exec-2] c.a.p.auth.LoginController - Login failed for user 'admin': bad credentials (attempt 3/5)
§t 2024-02-19T09:14:55.010Z INFO  [http-nio-8080-exec-9] c.a.p.auth.PasswordResetService - Password reset email sent to r***@gmail.com
§s:pw_capture 2024-02-19T09:15:31.771Z ERROR [http-nio-8080-exec-1] c.a.p.web.RequestLogger - 400 POST /v1/auth/login body={"username":"«u»","password":"«pw2»","remember":true}
§t 2024-02-19T09:15:32.004Z DEBUG [http-nio-8080-exec-5] c.a.p.web.RequestLogger - 200 POST /v1/auth/login body={"username":"jdoe","password":"********","remember":false}
§t 2024-02-19T09:20:17.320Z ERROR [scheduling-1] c.a.p.stripe.StripeGateway - Stripe error: Invalid API Key provided: sk_live_************************«last4»
§s:tok_generic 2024-02-19T09:21:40.982Z DEBUG [scheduling-1] c.a.p.fx.FxClient - GET https://fx.«d»/api/v1/latest?base=EUR&api_key=«fxkey»
2024-02-19T09:21:41.210Z INFO  [scheduling-1] c.a.p.fx.FxClient - fx rates refreshed (31 currencies)
§t 2024-02-19T09:30:00.000Z INFO  [scheduling-2] c.a.p.jobs.Reconcile - reconciled batch «batch» (checksum sha256=«sum»)
2024-02-19T09:45:12.443Z WARN  [http-nio-8080-exec-8] o.s.w.s.m.s.DefaultHandlerExceptionResolver - Resolved [HttpRequestMethodNotSupportedException: Request method 'PUT' is not supported]
§t 2024-02-19T09:58:03.771Z INFO  [http-nio-8080-exec-6] c.a.p.keys.ApiKeyService - API key ak_live_****«last4b» created for project 12
2024-02-19T10:00:00.002Z INFO  [scheduling-1] c.a.p.jobs.Cleanup - removed 412 expired idempotency keys
""", ip=ip10(), pw1=pw(OK_URL.replace("&", "")), jwt=jwt, basic=S(b64("finance-report:" + pw(OK_CODE))),
         u=u, pw2=pw(OK_CODE.replace("\\", "")), last4=rs(4), d=d, fxkey=k_hexsecret(32), batch=uid(),
         sum=hx(64), last4b=rs(4))


def g_ci_log():
    d = dom()
    npm = k_npm()
    emit("log2", "ci-logs/job-884213.log", r"""
Running with gitlab-runner 16.6.1 (f5da3c5a)
  on docker-runner-01 t2_xYz9AbC, system ID: s_«sysid»
Preparing the "docker" executor
Using Docker executor with image node:20-alpine ...
Pulling docker image node:20-alpine ...
§t Using docker image sha256:«img» for node:20-alpine with digest node@«dg» ...
Preparing environment
Running on runner-t2xyz9abc-project-17-concurrent-0 via docker-runner-01...
Getting source from Git repository
Fetching changes with git depth set to 20...
Reinitialized existing Git repository in /builds/web/storefront/.git/
§t Checking out «sha8» as detached HEAD (ref is main)...
Executing "step_script" stage of the job script
$ set -x
§s:tok_registry + export NPM_TOKEN=«npm»
§t + echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc
§t $ echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY
Login Succeeded
§s:pw_cli $ docker login -u storefront-ci -p «dpw» registry.«d»
§t WARNING! Using --password via the CLI is insecure. Use --password-stdin.
§t $ curl -sf -H "Authorization: token [MASKED]" https://api.github.com/repos/acme/storefront/releases/latest
$ npm ci
added 1287 packages, and audited 1288 packages in 41s
npm notice Publishing to https://registry.npmjs.org/ with tag latest and default access
+ storefront-ui@4.2.0
§s:cred_url $ git push https://ci-bot:«pw»@git.«d»/web/storefront-dist.git HEAD:main
To https://git.«d»/web/storefront-dist.git
§t    «sha7a»..«sha7b»  HEAD -> main
Cleaning up project directory and file based variables
Job succeeded
""", sysid=rs(28, LO + DG), img=hx(64), dg=digest(), sha8=hx(8), npm=npm, dpw=pw(OK_BARE), d=d,
         pw=pw(OK_URL), sha7a=hx(7), sha7b=hx(7))


# =========================================================================== #
# cloud SDK files
# =========================================================================== #
def g_gcp():
    project = "acme-analytics-prod"
    key_lines = pem_lines("pkcs8")
    S(key_lines[2])
    pk_json = "\\n".join(key_lines) + "\\n"
    emit("gcp1", "keys/bq-loader.json", r"""
{
  "type": "service_account",
  "project_id": "«project»",
§t   "private_key_id": "«kid»",
§s:private_key   "private_key": "«pk»",
  "client_email": "bq-loader@«project».iam.gserviceaccount.com",
  "client_id": "«cid»",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/bq-loader%40«project».iam.gserviceaccount.com",
  "universe_domain": "googleapis.com"
}
""", project=project, kid=hx(40), pk=pk_json, cid=num(21))
    emit("gcp1", "scripts/geocode_stores.py", r'''
"""Geocode store addresses and load them into BigQuery."""
import csv
import os
import sys

import requests
from google.cloud import bigquery
from google.oauth2 import service_account

§t KEY_FILE = os.path.join(os.path.dirname(__file__), "..", "keys", "bq-loader.json")
§s:tok_cloud MAPS_KEY = os.environ.get("GOOGLE_MAPS_KEY", "«gkey»")
TABLE = "acme-analytics-prod.reference.stores"


def geocode(address: str) -> tuple[float, float]:
    r = requests.get(
        "https://maps.googleapis.com/maps/api/geocode/json",
        params={"address": address, "key": MAPS_KEY},
        timeout=20,
    )
    r.raise_for_status()
    loc = r.json()["results"][0]["geometry"]["location"]
    return loc["lat"], loc["lng"]


def main(path: str) -> None:
    creds = service_account.Credentials.from_service_account_file(KEY_FILE)
    client = bigquery.Client(credentials=creds, project=creds.project_id)
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            lat, lng = geocode(f"{rec['street']}, {rec['city']}, {rec['country']}")
            rows.append({"store_id": rec["id"], "lat": lat, "lng": lng})
    errors = client.insert_rows_json(TABLE, rows)
    if errors:
        sys.exit(f"insert failed: {errors}")
    print(f"loaded {len(rows)} stores")


if __name__ == "__main__":
    main(sys.argv[1])
''', gkey=k_google())


def g_azure_func():
    d = dom()
    emit("azure1", "functions/local.settings.json", r"""
{
  "IsEncrypted": false,
  "Values": {
§s:tok_cloud     "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=«acct»;AccountKey=«k1»;EndpointSuffix=core.windows.net",
    "FUNCTIONS_WORKER_RUNTIME": "python",
§t     "AzureWebJobsSecretStorageType": "files",
§s:tok_cloud     "ServiceBusConnection": "Endpoint=sb://«ns».servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=«k2»",
§s:tok_cloud     "CosmosDbConnection": "AccountEndpoint=https://«ns».documents.azure.com:443/;AccountKey=«k3»;",
§t     "CosmosDbConnectionLocal": "AccountEndpoint=https://localhost:8081/;AccountKey=«emu»",
§t     "LocalStorage": "UseDevelopmentStorage=true",
§s:tok_ai     "AZURE_OPENAI_API_KEY": "«aoai»",
    "AZURE_OPENAI_ENDPOINT": "https://«ns».openai.azure.com/",
§t     "KeyVaultUri": "https://kv-«ns».vault.azure.net/",
§t     "DbPassword": "@Microsoft.KeyVault(SecretUri=https://kv-«ns».vault.azure.net/secrets/db-password/)"
  },
  "Host": {
    "LocalHttpPort": 7071,
    "CORS": "*"
  },
  "ConnectionStrings": {
§s:conn_string     "SqlDb": "Server=tcp:«ns».database.windows.net,1433;Database=ingest;User ID=func_ingest;Password=«pw»;Encrypt=true;Connection Timeout=30;"
  }
}
""", acct="acmeingest" + rs(4, LO + DG), k1=k_azure88(), ns="acme-ingest-" + rs(4, LO), k2=k_azure44(),
         k3=k_azure88(), emu=COSMOS_EMULATOR_KEY, aoai=k_hexsecret(32), pw=pw(OK_CODE.replace(";", "")))


def g_bot_config():
    emit("bot1", "discord-bot/config.json", r"""
{
  "prefix": "!",
§s:tok_chat   "token": "«dtok»",
  "application_id": "«appid»",
§t   "public_key": "«pubkey»",
§s:tok_generic   "client_secret": "«csec»",
  "owner_ids": [«owner»],
  "guild_id": «guild»,
  "database": {
§s:cred_url     "url": "postgresql://bot:«pw»@localhost:5432/botdb"
  },
  "telegram_bridge": {
    "enabled": true,
§s:tok_chat     "bot_token": "«tg»",
    "chat_id": -100«chat»
  },
§s:tok_ai   "openai_key": "«oa»",
  "log_level": "INFO",
  "cooldown_seconds": 5
}
""", dtok=k_discord_bot(), appid=num(18), pubkey=hx(64), csec=k_alnum(32), owner=num(18), guild=num(18),
         pw=pw(OK_URL), tg=k_telegram(), chat=num(10), oa=k_openai())


def g_datadog():
    emit("datadog1", "etc/datadog-agent/datadog.yaml", r"""
#########################
## Basic Configuration ##
#########################

## @param api_key - string - required
## @env DD_API_KEY - string - required
## The Datadog API key used by your Agent to submit metrics and events to Datadog.
## Create a new API key here: https://app.datadoghq.com/organization-settings/api-keys
§s:tok_monitoring api_key: «dd»

## @param app_key - string - optional
## @env DD_APP_KEY - string - optional
## The application key is only needed for some Agent subcommands.
§t # app_key: <DATADOG_APP_KEY>

## @param site - string - optional - default: datadoghq.com
## @env DD_SITE - string - optional - default: datadoghq.com
site: datadoghq.eu

## @param hostname - string - optional - default: auto-detected
hostname: «host»

## @param tags  - list of key:value elements - optional
tags:
  - env:prod
  - team:platform

##################################
## Log collection Configuration ##
##################################
logs_enabled: true
logs_config:
  container_collect_all: true
§t   # mask anything that looks like a password before shipping
  processing_rules:
    - type: mask_sequences
      name: mask_passwords
§t       replace_placeholder: "password=[REDACTED]"
      pattern: (?i)password=\S+

####################################
## Proxy Configuration            ##
####################################
proxy:
§s:cred_url   https: http://svc_datadog:«pw»@proxy.corp.local:3128
§t   # http: http://user:password@proxy_for_http:port
  no_proxy:
    - 169.254.169.254
    - localhost

process_config:
  process_collection:
    enabled: true
""", dd=k_dd_api(), host=f"web{R.randint(1, 9)}.{dom()}", pw=pw(OK_URL))


def g_okta():
    d = dom()
    emit("okta1", "scripts/offboard_user.py", r'''
#!/usr/bin/env python3
"""Deactivate a leaver in Okta and revoke their sessions.

usage: offboard_user.py someone@example.com
"""
import sys

import requests

OKTA_ORG = "https://acme.okta.com"
§s:tok_saas OKTA_TOKEN = "«okta»"  # ops-automation service account
§t HEADERS = {"Authorization": f"SSWS {OKTA_TOKEN}", "Accept": "application/json"}


def find_user(login: str) -> dict:
    r = requests.get(f"{OKTA_ORG}/api/v1/users/{login}", headers=HEADERS, timeout=30)
    r.raise_for_status()
    return r.json()


def deactivate(user_id: str) -> None:
    requests.delete(f"{OKTA_ORG}/api/v1/users/{user_id}/sessions", headers=HEADERS, timeout=30).raise_for_status()
    requests.post(f"{OKTA_ORG}/api/v1/users/{user_id}/lifecycle/deactivate", headers=HEADERS, timeout=30).raise_for_status()


def notify(text: str) -> None:
§s:tok_chat     requests.post("«hook»", json={"text": text}, timeout=10)


if __name__ == "__main__":
    login = sys.argv[1]
    user = find_user(login)
    deactivate(user["id"])
§t     # NB: do not reset_password here -- HR wants the account kept for 30 days
    notify(f"offboarded {login} ({user['id']})")
''', okta=k_okta(), hook=k_slack_hook())

# =========================================================================== #
# files with no secrets (pure bait)
# =========================================================================== #
def g_i18n_json():
    emit("i18n1", "web/src/locales/en.json", r"""
{
  "auth": {
    "signIn": "Sign in",
    "signOut": "Sign out",
    "email": "Email address",
§t     "password": "Password",
§t     "passwordPlaceholder": "Enter your password",
§t     "confirmPassword": "Confirm password",
§t     "forgotPassword": "Forgot your password?",
§t     "resetPassword": "Reset password",
§t     "passwordTooShort": "Password must be at least {{min}} characters",
§t     "passwordMismatch": "Passwords do not match",
§t     "passwordResetSent": "If an account exists for {{email}}, we sent a password reset link.",
§t     "wrongPassword": "Incorrect email or password",
§t     "passwordExpired": "Your password has expired. Please choose a new one.",
    "rememberMe": "Remember me"
  },
  "settings": {
    "title": "Account settings",
§t     "changePassword": "Change password",
§t     "currentPassword": "Current password",
§t     "newPassword": "New password",
§t     "apiKeys": "API keys",
§t     "apiKeyCreated": "Your new API key is shown only once. Copy it now: {{key}}",
§t     "apiKeyRevoked": "API key {{name}} revoked",
    "twoFactor": "Two-factor authentication"
  },
  "errors": {
    "network": "Network error, please try again",
    "forbidden": "You do not have access to this page",
§t     "tokenExpired": "Your session token has expired"
  }
}
""")
    emit("i18n1", "web/src/locales/pt-BR.json", r"""
{
  "auth": {
    "signIn": "Entrar",
    "signOut": "Sair",
    "email": "E-mail",
§t     "password": "Senha",
§t     "passwordPlaceholder": "Digite sua senha",
§t     "confirmPassword": "Confirme a senha",
§t     "forgotPassword": "Esqueceu a senha?",
§t     "resetPassword": "Redefinir senha",
§t     "passwordTooShort": "A senha deve ter pelo menos {{min}} caracteres",
§t     "passwordMismatch": "As senhas não coincidem",
§t     "wrongPassword": "E-mail ou senha incorretos",
    "rememberMe": "Lembrar de mim"
  },
  "settings": {
    "title": "Configurações da conta",
§t     "changePassword": "Alterar senha",
§t     "apiKeys": "Chaves de API",
    "twoFactor": "Autenticação em dois fatores"
  }
}
""")


def g_i18n_rails():
    emit("i18n2", "config/locales/devise.de.yml", r"""
de:
  devise:
    confirmations:
      confirmed: "Ihre E-Mail-Adresse wurde erfolgreich bestätigt."
      send_instructions: "Sie erhalten in wenigen Minuten eine E-Mail mit Anweisungen zur Bestätigung Ihrer E-Mail-Adresse."
    failure:
      already_authenticated: "Sie sind bereits angemeldet."
      inactive: "Ihr Konto ist noch nicht aktiviert."
§t       invalid: "E-Mail oder Passwort ungültig."
      locked: "Ihr Konto ist gesperrt."
      timeout: "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."
      unauthenticated: "Sie müssen sich anmelden oder registrieren, bevor Sie fortfahren können."
    mailer:
      reset_password_instructions:
§t         subject: "Anleitung zum Zurücksetzen Ihres Passworts"
      password_change:
§t         subject: "Passwort geändert"
    passwords:
§t       no_token: "Sie können diese Seite nur über den Link in der E-Mail zum Zurücksetzen des Passworts aufrufen."
§t       send_instructions: "Sie erhalten in wenigen Minuten eine E-Mail mit Anweisungen zum Zurücksetzen Ihres Passworts."
§t       updated: "Ihr Passwort wurde geändert. Sie sind jetzt angemeldet."
§t       updated_not_active: "Ihr Passwort wurde geändert."
    registrations:
      signed_up: "Willkommen! Sie haben sich erfolgreich registriert."
§t       updated: "Ihr Konto wurde aktualisiert."
    sessions:
      signed_in: "Erfolgreich angemeldet."
      signed_out: "Erfolgreich abgemeldet."
  activerecord:
    attributes:
      user:
§t         password: "Passwort"
§t         password_confirmation: "Passwort bestätigen"
§t         current_password: "Aktuelles Passwort"
""")


def g_lockfile():
    pkgs = [("express", "4.18.2"), ("body-parser", "1.20.1"), ("bcryptjs", "2.4.3"), ("jsonwebtoken", "9.0.2"),
            ("dotenv", "16.3.1"), ("pg", "8.11.3"), ("passport", "0.7.0"), ("passport-local", "1.0.0"),
            ("lodash", "4.17.21"), ("uuid", "9.0.1"), ("ms", "2.1.3")]
    out = ["{", '  "name": "orders-api",', '  "version": "1.8.0",', '  "lockfileVersion": 3,',
           '  "requires": true,', '  "packages": {', '    "": {', '      "name": "orders-api",',
           '      "version": "1.8.0",', '      "dependencies": {']
    deps = [f'        "{n}": "^{v}"' for n, v in pkgs[:8]]
    out += [x + ("," if i < len(deps) - 1 else "") for i, x in enumerate(deps)]
    out += ["      }", "    },"]
    for i, (n, v) in enumerate(pkgs):
        out += [f'    "node_modules/{n}": {{', f'      "version": "{v}",',
                f'      "resolved": "https://registry.npmjs.org/{n}/-/{n}-{v}.tgz",',
                f'§t       "integrity": "{integrity()}",']
        if n == "bcryptjs":
            out.append('      "license": "MIT"')
        else:
            out[-1] = out[-1]
            out.append('      "license": "MIT"')
        out.append("    }" + ("," if i < len(pkgs) - 1 else ""))
    out += ["  }", "}"]
    emit("lock1", "services/orders-api/package-lock.json", "\n".join(out))


def g_gosum():
    mods = [("github.com/go-sql-driver/mysql", "v1.7.1"), ("github.com/golang-jwt/jwt/v5", "v5.2.0"),
            ("github.com/google/uuid", "v1.5.0"), ("github.com/lib/pq", "v1.10.9"),
            ("github.com/redis/go-redis/v9", "v9.4.0"), ("golang.org/x/crypto", "v0.18.0"),
            ("golang.org/x/sys", "v0.16.0"), ("gopkg.in/yaml.v3", "v3.0.1")]
    lines = []
    for m, v in mods:
        lines.append(f"§t {m} {v} h1:{b64(rbytes(32))}")
        lines.append(f"§t {m} {v}/go.mod h1:{b64(rbytes(32))}")
    emit("gosum1", "go.sum", "\n".join(lines))


def g_docs():
    emit("docs1", "docs/setup/credentials.md", r"""
# Setting up local credentials

This page explains how to configure the CLI tools for local development.
**Never paste real credentials into this repository**; use the examples
below only as a template.

## AWS

Create `~/.aws/credentials` with a profile like the one in the AWS docs:

```ini
[dev]
§t aws_access_key_id = «docid»
§t aws_secret_access_key = «docsecret»
```

or export them for a single shell:

```bash
§t export AWS_ACCESS_KEY_ID=<your-access-key-id>
§t export AWS_SECRET_ACCESS_KEY=<your-secret-access-key>
```

## Database

The API reads its connection string from `DATABASE_URL`:

```bash
§t export DATABASE_URL="postgres://user:password@localhost:5432/orders_dev"
```

## Calling the API

```bash
§t curl -u "USERNAME:PASSWORD" https://api.example.com/v1/me
§t curl -H "Authorization: Bearer $API_TOKEN" https://api.example.com/v1/orders
```

A token looks like the jwt.io sample (this one is public and does nothing):

```
§t «docjwt»
```

## Stripe / Slack

Use Stripe *test mode* keys. The key from Stripe's own documentation works for
reading their docs examples only:

```js
§t const stripe = require('stripe')('«docstripe»');
```

Slack's docs show tokens like `«docslack»`; yours starts with `xoxb-`
§t and goes into `SLACK_BOT_TOKEN=xoxb-...` in your `.env`.

## Password rules

§t * Minimum length: 12 characters; `PASSWORD_MIN_LENGTH` overrides it in tests.
* Rotate service passwords every 90 days (see the runbook).
""", docid=DOC_AWS_ID, docsecret=DOC_AWS_SECRET, docjwt=DOC_JWT, docstripe=DOC_STRIPE, docslack=DOC_SLACK)


def g_fixtures():
    emit("fixtures1", "tests/fixtures/fake_accounts.yaml", r"""
# Fixture data for the accounts service tests.
# EVERYTHING HERE IS FAKE -- values are obviously invalid on purpose.
users:
  - id: «u1»
    email: fake.user1@example.com
§t     password: fake-password-123
§t     password_hash: "$2b$04$FAKEFAKEFAKEFAKEFAKEFAdummyhashdummyhashdummyhash00"
  - id: «u2»
    email: dummy.admin@example.com
§t     password: dummy_admin_pw
    roles: [admin]

integrations:
  stripe:
§t     secret_key: sk_test_FAKE0000000000000000000000
§t     publishable_key: pk_test_FAKE0000000000000000000000
  github:
§t     token: ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE
  slack:
§t     webhook_url: https://hooks.slack.com/services/TFAKE0000/BFAKE0000/fakefakefakefakefakefake
  aws:
§t     access_key_id: AKIAFAKEFAKEFAKEFAKE
§t     secret_access_key: dummy/dummy/dummy/dummy/dummy/dummy/dumm
  database:
§t     url: postgres://test:test@localhost:5432/accounts_test   # throwaway CI container
""", u1=uid(), u2=uid())


def g_authorized_keys():
    d = dom()
    emit("pubkeys1", "home/deploy/.ssh/authorized_keys", "\n".join([
        f"§t {ssh_pub_ed25519('ana@laptop')}",
        f"§t {ssh_pub_rsa('bruno@workstation')}",
        f"§t from=\"10.0.0.0/8\",no-agent-forwarding,no-X11-forwarding {ssh_pub_ed25519('ci@gitlab-runner')}",
        f"§t command=\"/usr/local/bin/backup-receive\",no-pty,no-port-forwarding {ssh_pub_ecdsa('backup@nas01')}",
        "§t sk-ssh-ed25519@openssh.com " + b64(_sshstr(b"sk-ssh-ed25519@openssh.com") + _sshstr(rbytes(32)) + _sshstr(b"ssh:")) + " chen@yubikey",
        f"§t {ssh_pub_rsa('legacy-jenkins', 2048)}",
    ]))
    emit("pubkeys1", "etc/ssl/certs/acme-internal-ca.pem", "# Acme Internal Root CA (valid until 2033-04-01)\n"
         + trickyblock(cert_lines()) + "\n# Acme Issuing CA 01\n" + trickyblock(cert_lines()))



# ---- more bait-only files: lock files, signatures, encrypted blobs, samples --
def g_requirements():
    pkgs = [("anyio", "4.2.0", "via httpx"), ("bcrypt", "4.1.2", "via -r requirements.in"),
            ("certifi", "2023.11.17", "via httpx, requests"), ("cryptography", "41.0.7", "via pyjwt"),
            ("django", "4.2.9", "via -r requirements.in"), ("httpx", "0.26.0", "via -r requirements.in"),
            ("idna", "3.6", "via anyio, requests"), ("passlib", "1.7.4", "via -r requirements.in"),
            ("psycopg2-binary", "2.9.9", "via -r requirements.in"), ("pyjwt", "2.8.0", "via -r requirements.in"),
            ("requests", "2.31.0", "via -r requirements.in"), ("sqlparse", "0.4.4", "via django"),
            ("urllib3", "2.1.0", "via requests")]
    out = ["#", "# This file is autogenerated by pip-compile with Python 3.11", "# by the following command:", "#",
           "#    pip-compile --generate-hashes requirements.in", "#"]
    for name, ver, via in pkgs:
        out.append(f"{name}=={ver} \\")
        n = R.randint(2, 3)
        for i in range(n):
            out.append(f"§t     --hash=sha256:{hx(64)}" + (" \\" if i < n - 1 else ""))
        out.append(f"    # {via}")
    emit("pyreqs1", "backend/requirements.txt", "\n".join(out))


def g_cargo_lock():
    crates = [("aho-corasick", "1.1.2", ["memchr"]), ("base64", "0.21.7", []), ("bitflags", "2.4.2", []),
              ("bytes", "1.5.0", []), ("cfg-if", "1.0.0", []), ("hmac", "0.12.1", ["digest"]),
              ("digest", "0.10.7", ["block-buffer", "crypto-common"]), ("memchr", "2.7.1", []),
              ("once_cell", "1.19.0", []), ("regex", "1.10.3", ["aho-corasick", "memchr", "regex-syntax"]),
              ("regex-syntax", "0.8.2", []), ("serde", "1.0.195", ["serde_derive"]),
              ("sha2", "0.10.8", ["cfg-if", "digest"]), ("subtle", "2.5.0", []), ("zeroize", "1.7.0", [])]
    out = ["# This file is automatically @generated by Cargo.", "# It is not intended for manual editing.",
           "version = 3", ""]
    for name, ver, deps in crates:
        out += ["[[package]]", f'name = "{name}"', f'version = "{ver}"',
                'source = "registry+https://github.com/rust-lang/crates.io-index"',
                f'§t checksum = "{hx(64)}"']
        if deps:
            out.append("dependencies = [")
            out += [f' "{dd}",' for dd in deps]
            out.append("]")
        out.append("")
    emit("cargo1", "tools/pwcheck/Cargo.lock", "\n".join(out))


def g_yarn_lock():
    pkgs = [("@babel/code-frame", "7.23.5"), ("ansi-styles", "4.3.0"), ("axios", "1.6.5"), ("chalk", "4.1.2"),
            ("color-convert", "2.0.1"), ("js-cookie", "3.0.5"), ("jwt-decode", "4.0.0"), ("nanoid", "3.3.7"),
            ("react", "18.2.0"), ("zxcvbn", "4.4.2")]
    out = ["# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.", "# yarn lockfile v1", ""]
    for name, ver in pkgs:
        out += [f'"{name}@^{ver}":', f'  version "{ver}"',
                f'§t   resolved "https://registry.yarnpkg.com/{name}/-/{name.split("/")[-1]}-{ver}.tgz#{hx(40)}"',
                f"§t   integrity {integrity()}", ""]
    emit("yarn1", "web/yarn.lock", "\n".join(out))


def g_composer_lock():
    pkgs = [("firebase/php-jwt", "v6.10.0"), ("guzzlehttp/guzzle", "7.8.1"), ("monolog/monolog", "3.5.0"),
            ("paragonie/constant_time_encoding", "v2.6.3"), ("phpseclib/phpseclib", "3.0.35"),
            ("stripe/stripe-php", "v13.9.0")]
    pk = []
    for name, ver in pkgs:
        ref = hx(40)
        pk.append({"name": name, "version": ver,
                   "source": {"type": "git", "url": f"https://github.com/{name}.git", "reference": ref},
                   "dist": {"type": "zip", "url": f"https://api.github.com/repos/{name}/zipball/{ref}",
                            "reference": ref, "shasum": ""},
                   "type": "library", "license": ["MIT"]})
    doc = {"_readme": ["This file locks the dependencies of your project to a known state",
                       "Read more about it at https://getcomposer.org/doc/01-basic-usage.md#installing-dependencies",
                       "This file is @generated automatically"],
           "content-hash": hx(32), "packages": pk, "packages-dev": [], "aliases": [],
           "minimum-stability": "stable", "prefer-stable": True, "platform": {"php": ">=8.1"},
           "plugin-api-version": "2.6.0"}
    text = json.dumps(doc, indent=4)
    emit_auto("composer1", "billing-portal/composer.lock", text,
              tricky=["\"reference\":", "\"content-hash\"", "/zipball/"])


def g_tf_lock():
    out = ['# This file is maintained automatically by "terraform init".', "# Manual edits may be lost in future updates.", ""]
    for prov, ver, cons in [("hashicorp/aws", "5.31.0", "~> 5.0"), ("cloudflare/cloudflare", "4.22.0", "~> 4.0"),
                            ("hashicorp/random", "3.6.0", "~> 3.5")]:
        out += [f'provider "registry.terraform.io/{prov}" {{', f'  version     = "{ver}"',
                f'  constraints = "{cons}"', "  hashes = ["]
        out.append(f'§t     "h1:{b64(rbytes(32))}",')
        for _ in range(7):
            out.append(f'§t     "zh:{hx(64)}",')
        out += ["  ]", "}", ""]
    emit("tflock1", "infra/.terraform.lock.hcl", "\n".join(out))


def g_pgp():
    d = dom()
    sig = chunk(b64(rbytes(560)), 64)
    emit("pgp1", "public/.well-known/security.txt", r"""
-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA512

Contact: mailto:security@«d»
Expires: 2025-12-31T23:00:00.000Z
§t Encryption: https://«d»/.well-known/pgp-key.txt
Preferred-Languages: en, pt
Canonical: https://«d»/.well-known/security.txt
Policy: https://«d»/security/disclosure
-----BEGIN PGP SIGNATURE-----

«sig»
-----END PGP SIGNATURE-----
""", d=d, sig=trickyblock(sig[:-1] + ["=" + rs(4, B64)]))
    key = chunk(b64(rbytes(1650)), 64)
    emit("pgp1", "public/.well-known/pgp-key.txt", "§t -----BEGIN PGP PUBLIC KEY BLOCK-----\n\n" +
         trickyblock(key + ["=" + rs(4, B64)]) + "\n-----END PGP PUBLIC KEY BLOCK-----")


def g_jwks_html():
    keys = {"keys": [
        {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": uid(), "n": b64u(rbytes(256)), "e": "AQAB",
         "x5t": b64u(rbytes(20)), "x5c": [b64(rbytes(700))]},
        {"kty": "EC", "use": "sig", "alg": "ES256", "kid": uid(), "crv": "P-256",
         "x": b64u(rbytes(32)), "y": b64u(rbytes(32))}]}
    text = json.dumps(keys, indent=2)
    emit_auto("jwks1", "public/.well-known/jwks.json", text,
              tricky=["\"kid\"", "\"n\"", "\"x5t\"", "\"x\":", "\"y\":", keys["keys"][0]["x5c"][0][:30]])
    emit("jwks1", "public/login.html", r"""
<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
§t   <meta name="google-site-verification" content="«gsv»">
  <title>Sign in · Acme</title>
§t   <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/css/bootstrap.min.css" integrity="sha384-«sri1»" crossorigin="anonymous">
§t   <script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/js/bootstrap.bundle.min.js" integrity="sha384-«sri2»" crossorigin="anonymous"></script>
§t   <script src="https://www.google.com/recaptcha/api.js?render=6Lc«rc»"></script>
§t   <link rel="icon" href="data:image/png;base64,«png»">
</head>
<body class="bg-light">
  <main class="container py-5" style="max-width: 420px">
    <h1 class="h4 mb-4">Sign in</h1>
    <form method="post" action="/session">
      <div class="mb-3">
        <label for="email" class="form-label">Email</label>
        <input type="email" class="form-control" id="email" name="email" autocomplete="username" required>
      </div>
      <div class="mb-3">
§t         <label for="password" class="form-label">Password</label>
§t         <input type="password" class="form-control" id="password" name="password" autocomplete="current-password" placeholder="••••••••" required>
      </div>
§t       <a href="/password/forgot" class="small">Forgot password?</a>
      <button class="btn btn-primary w-100 mt-3" type="submit">Sign in</button>
    </form>
  </main>
</body>
</html>
""", gsv=rs(43, B64URL), sri1=b64(rbytes(48)), sri2=b64(rbytes(48)), rc=rs(37, B64URL), png=png_b64(200))


def g_dockerfile():
    emit("docker1", "services/orders/Dockerfile", r"""
# syntax=docker/dockerfile:1.6
§t FROM node:20-alpine@«dg1» AS build
WORKDIR /app
COPY package.json package-lock.json ./
§t RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
COPY . .
RUN npm run build

§t FROM gcr.io/distroless/nodejs20-debian12@«dg2»
WORKDIR /app
§t ARG DB_PASSWORD
§t ENV DB_PASSWORD=${DB_PASSWORD}
§t ENV JWT_SECRET=""
ENV NODE_ENV=production
COPY --from=build /app/dist ./dist
COPY --from=build /app/node_modules ./node_modules
§t # credentials are injected at runtime from the orders-env secret, see k8s/base/deployment.yaml
§t LABEL org.opencontainers.image.revision="«sha»"
EXPOSE 8080
USER nonroot
CMD ["dist/server.js"]
""", dg1=digest(), dg2=digest(), sha=hx(40))
    emit("docker1", ".pre-commit-config.yaml", r"""
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
§t     rev: «s1»  # frozen: v4.5.0
    hooks:
      - id: check-yaml
      - id: end-of-file-fixer
§t       - id: detect-private-key
  - repo: https://github.com/psf/black
§t     rev: «s2»  # frozen: 23.12.1
    hooks:
      - id: black
  - repo: https://github.com/hadolint/hadolint
§t     rev: «s3»  # frozen: v2.12.0
    hooks:
      - id: hadolint-docker
  - repo: local
    hooks:
§t       - id: no-plaintext-passwords
        name: refuse files with password=
        entry: scripts/check-passwords.sh
        language: script
""", s1=hx(40), s2=hx(40), s3=hx(40))


def g_changelog():
    lines = ["# Changelog", "", "All notable changes to this project are documented here.", ""]
    entries = [("2.14.3", "2024-02-12", ["fix: mask `password` field in request logs", "chore: bump jsonwebtoken to 9.0.2"]),
               ("2.14.2", "2024-01-30", ["fix: password reset links expired after 5 minutes instead of 60",
                                         "security: rotate the staging DB password (old one leaked in CI logs)"]),
               ("2.14.0", "2024-01-08", ["feat: API keys can now be scoped per project",
                                         "feat: enforce minimum password length of 12"]),
               ("2.13.1", "2023-12-11", ["fix: don't log Authorization headers at DEBUG",
                                         "revert: \"store refresh tokens in localStorage\""])]
    for ver, date, items in entries:
        lines += [f"## [{ver}] - {date}", ""]
        for it in items:
            lines.append(f"§t - {it} ([{hx(7)}](https://github.com/acme/orders/commit/{hx(40)}))")
        lines.append("")
    lines += ["[2.14.3]: https://github.com/acme/orders/compare/v2.14.2...v2.14.3",
              "[2.14.2]: https://github.com/acme/orders/compare/v2.14.0...v2.14.2"]
    emit("changelog1", "CHANGELOG.md", "\n".join(lines))
    refs = ["# pack-refs with: peeled fully-peeled sorted "]
    for r in ["refs/heads/main", "refs/heads/release/2.13", "refs/heads/release/2.14", "refs/remotes/origin/main",
              "refs/remotes/origin/feature/api-keys", "refs/remotes/origin/fix/password-reset-ttl",
              "refs/tags/v2.13.0", "refs/tags/v2.13.1", "refs/tags/v2.14.0", "refs/tags/v2.14.2", "refs/tags/v2.14.3"]:
        refs.append(f"§t {hx(40)} {r}")
        if r.startswith("refs/tags/"):
            refs.append(f"§t ^{hx(40)}")
    emit("changelog1", "backups/orders.git/packed-refs", "\n".join(refs))


def g_keycloak():
    realm = {
        "id": uid(), "realm": "acme", "displayName": "Acme", "enabled": True, "sslRequired": "external",
        "registrationAllowed": False, "resetPasswordAllowed": True, "rememberMe": True,
        "bruteForceProtected": True, "failureFactor": 5,
        "passwordPolicy": "length(12) and upperCase(1) and digits(1) and notUsername(undefined) and passwordHistory(5)",
        "publicKey": b64(rbytes(294)), "certificate": b64(rbytes(690)),
        "requiredActions": [{"alias": "UPDATE_PASSWORD", "name": "Update Password", "providerId": "UPDATE_PASSWORD",
                             "enabled": True, "defaultAction": False, "priority": 30}],
        "clients": [
            {"id": uid(), "clientId": "orders-service", "enabled": True, "clientAuthenticatorType": "client-secret",
             "secret": "**********", "serviceAccountsEnabled": True, "publicClient": False},
            {"id": uid(), "clientId": "web-spa", "enabled": True, "publicClient": True,
             "redirectUris": ["https://app.example.org/*"], "webOrigins": ["+"]}],
        "identityProviders": [{"alias": "google", "providerId": "google", "enabled": True,
                               "config": {"clientId": f"{num(12)}-{rs(32, LO + DG)}.apps.googleusercontent.com",
                                          "clientSecret": "**********", "syncMode": "IMPORT"}}],
        "smtpServer": {"host": "smtp.example.org", "port": "587", "from": "sso@example.org", "auth": "true",
                       "user": "sso@example.org", "password": "**********", "starttls": "true"},
        "attributes": {"frontendUrl": "https://sso.example.org", "clientSessionIdleTimeout": "0"},
    }
    text = json.dumps(realm, indent=2)
    emit_auto("keycloak1", "keycloak/realm-export.json", text,
              tricky=["\"passwordPolicy\"", "\"publicKey\"", "\"certificate\"", "\"**********\"", "UPDATE_PASSWORD",
                      "\"resetPasswordAllowed\"", "\"clientAuthenticatorType\"", "\"id\": \""])


def g_samples():
    emit("phpmyadmin1", "phpmyadmin/config.sample.inc.php", r"""
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
§t $cfg['blowfish_secret'] = ''; /* YOU MUST FILL IN THIS FOR COOKIE AUTH! */

/**
 * Servers configuration
 */
$i = 0;

/**
 * First server
 */
$i++;
/* Authentication type */
$cfg['Servers'][$i]['auth_type'] = 'cookie';
/* Server parameters */
$cfg['Servers'][$i]['host'] = 'localhost';
$cfg['Servers'][$i]['compress'] = false;
§t $cfg['Servers'][$i]['AllowNoPassword'] = false;

/**
 * phpMyAdmin configuration storage settings.
 */

/* User used to manipulate with storage */
// $cfg['Servers'][$i]['controlhost'] = '';
// $cfg['Servers'][$i]['controlport'] = '';
// $cfg['Servers'][$i]['controluser'] = 'pma';
§t // $cfg['Servers'][$i]['controlpass'] = 'pmapass';

/* Storage database and tables */
// $cfg['Servers'][$i]['pmadb'] = 'phpmyadmin';
// $cfg['Servers'][$i]['bookmarktable'] = 'pma__bookmark';

/**
 * End of servers configuration
 */

/**
 * Directories for saving/loading files from server
 */
$cfg['UploadDir'] = '';
$cfg['SaveDir'] = '';
""")
    emit("settingsexample1", "config/settings.example.toml", r"""
# Example configuration -- copy to settings.toml and replace the placeholders.

[server]
host = "0.0.0.0"
port = 8080
§t session_secret = "<generate: openssl rand -hex 32>"

[database]
url = "postgres://localhost:5432/ledger"
user = "ledger"
§t password = "YOUR_DB_PASSWORD"
pool_size = 10

[smtp]
host = "smtp.example.com"
port = 587
username = "ledger@example.com"
§t password = "${SMTP_PASSWORD}"

[integrations.stripe]
§t secret_key = "sk_live_REPLACE_ME"
§t webhook_secret = "whsec_..."

[integrations.github]
§t token = "%(GITHUB_TOKEN)s"

[integrations.s3]
§t access_key_id = "AKIAXXXXXXXXXXXXXXXX"
§t secret_access_key = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
bucket = "ledger-exports"

[auth]
§t password_min_length = 12
§t password_require_symbol = true
§t bcrypt_cost = 12
""")


def g_tests_fake():
    emit("tests1", "tests/test_auth.py", r'''
"""Tests for the auth helpers.  All credentials below are fake."""
import pytest

from app.auth import hash_password, verify_password, make_api_key, parse_basic_auth

§t FAKE_PASSWORD = "fake-password-for-tests"
§t DUMMY_TOKEN = "dummy-token-0000"


def test_hash_roundtrip():
    h = hash_password(FAKE_PASSWORD)
§t     assert h.startswith("$argon2id$")
    assert verify_password(FAKE_PASSWORD, h)
§t     assert not verify_password("wrong-password", h)


def test_api_key_shape():
    key = make_api_key()
    assert key.startswith("ak_") and len(key) == 43


def test_parse_basic_auth():
§t     header = "Basic dXNlcjpwYXNzd29yZA=="  # base64("user:password"), the RFC example
    assert parse_basic_auth(header) == ("user", "password")


@pytest.mark.parametrize("pw", ["", "short", "alllowercase"])
def test_rejects_weak(pw):
    with pytest.raises(ValueError):
§t         hash_password(pw, enforce_policy=True)


def test_env_lookup(monkeypatch):
§t     monkeypatch.setenv("API_TOKEN", DUMMY_TOKEN)
    from app import settings
    assert settings.api_token() == DUMMY_TOKEN
''')


def g_sops():
    def enc(n):
        return f"ENC[AES256_GCM,data:{b64(rbytes(n))},iv:{b64(rbytes(32))},tag:{b64(rbytes(16))},type:str]"
    age = chunk(b64(rbytes(180)), 64)
    emit("sops1", "deploy/secrets/prod.enc.yaml", r"""
§t database_password: «e1»
§t redis_password: «e2»
stripe:
§t     secret_key: «e3»
§t     webhook_secret: «e4»
§t smtp_password: «e5»
sops:
    kms: []
    gcp_kms: []
    azure_kv: []
    hc_vault: []
    age:
        - recipient: age1«rcpt»
          enc: |
§t             -----BEGIN AGE ENCRYPTED FILE-----
«age»
§t             -----END AGE ENCRYPTED FILE-----
    lastmodified: "2024-02-08T14:21:07Z"
§t     mac: «mac»
    pgp: []
    unencrypted_suffix: _unencrypted
    version: 3.8.1
""", e1=enc(20), e2=enc(24), e3=enc(107), e4=enc(38), e5=enc(16), rcpt=rs(58, LO + DG),
         age=trickyblock(age, "            "), mac=enc(32))
    body = chunk(hx(80 * 24), 80)
    emit("sops1", "deploy/ansible/group_vars/prod/vault.yml", "§t $ANSIBLE_VAULT;1.2;AES256;prod\n" +
         "\n".join("§t " + x for x in body))


def g_openapi():
    emit("openapi1", "api/openapi.yaml", r"""
openapi: 3.0.3
info:
  title: Acme Orders API
  version: 2.14.0
servers:
  - url: https://api.example.org/v2
security:
§t   - bearerAuth: []
§t   - apiKeyAuth: []
paths:
  /auth/login:
    post:
      summary: Exchange credentials for a token
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/LoginRequest'
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/TokenResponse'
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      bearerFormat: JWT
    apiKeyAuth:
      type: apiKey
      in: header
§t       name: X-Api-Key
  schemas:
    LoginRequest:
      type: object
      required: [email, password]
      properties:
        email:
          type: string
          format: email
          example: jane.doe@example.org
§t         password:
          type: string
§t           format: password
§t           minLength: 12
§t           example: "********"
    TokenResponse:
      type: object
      properties:
§t         access_token:
          type: string
§t           example: «docjwt»
§t         refresh_token:
          type: string
§t           example: "<opaque refresh token>"
        expires_in:
          type: integer
          example: 3600
""", docjwt=DOC_JWT)


def g_iam_policy():
    emit("awspolicy1", "iam/account-password-policy.json", r"""
{
§t   "MinimumPasswordLength": 14,
§t   "RequireSymbols": true,
  "RequireNumbers": true,
  "RequireUppercaseCharacters": true,
  "RequireLowercaseCharacters": true,
§t   "AllowUsersToChangePassword": true,
§t   "MaxPasswordAge": 90,
§t   "PasswordReusePrevention": 24,
  "HardExpiry": false
}
""")
    emit("awspolicy1", "iam/ci-deployer-policy.json", r"""
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadDeploySecrets",
      "Effect": "Allow",
§t       "Action": ["secretsmanager:GetSecretValue", "ssm:GetParameter"],
      "Resource": [
§t         "arn:aws:secretsmanager:eu-west-1:«acct»:secret:prod/orders/db-password-«sfx»",
§t         "arn:aws:ssm:eu-west-1:«acct»:parameter/prod/datadog/api_key"
      ]
    },
    {
      "Sid": "DenyKeyCreation",
      "Effect": "Deny",
§t       "Action": ["iam:CreateAccessKey", "iam:UpdateLoginProfile"],
      "Resource": "*"
    }
  ]
}
""", acct=num(12), sfx=rs(6))



def g_wp_sample():
    emit("wpsample1", "wordpress/wp-config-sample.php", r"""
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
§t define( 'DB_NAME', 'database_name_here' );

/** Database username */
§t define( 'DB_USER', 'username_here' );

/** Database password */
§t define( 'DB_PASSWORD', 'password_here' );

/** Database hostname */
define( 'DB_HOST', 'localhost' );

/** Database charset to use in creating database tables. */
define( 'DB_CHARSET', 'utf8' );

/** The database collate type. Don't change this if in doubt. */
define( 'DB_COLLATE', '' );

/**#@+
 * Authentication unique keys and salts.
 *
 * Change these to different unique phrases! You can generate these using
 * the {@link https://api.wordpress.org/secret-key/1.1/salt/ WordPress.org secret-key service}.
 *
 * @since 2.6.0
 */
§t define( 'AUTH_KEY',         'put your unique phrase here' );
§t define( 'SECURE_AUTH_KEY',  'put your unique phrase here' );
§t define( 'LOGGED_IN_KEY',    'put your unique phrase here' );
§t define( 'NONCE_KEY',        'put your unique phrase here' );
§t define( 'AUTH_SALT',        'put your unique phrase here' );
§t define( 'SECURE_AUTH_SALT', 'put your unique phrase here' );
§t define( 'LOGGED_IN_SALT',   'put your unique phrase here' );
§t define( 'NONCE_SALT',       'put your unique phrase here' );

/**#@-*/

$table_prefix = 'wp_';

define( 'WP_DEBUG', false );

/* That's all, stop editing! Happy publishing. */

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

require_once ABSPATH . 'wp-settings.php';
""")


def g_hardening():
    emit("hardening1", "etc/ssh/sshd_config", r"""
# This is the sshd server system-wide configuration file.  See
# sshd_config(5) for more information.

Include /etc/ssh/sshd_config.d/*.conf

Port 22
§t HostKey /etc/ssh/ssh_host_ed25519_key
§t HostKey /etc/ssh/ssh_host_rsa_key

# Authentication:
LoginGraceTime 30
§t PermitRootLogin prohibit-password
MaxAuthTries 3
PubkeyAuthentication yes
§t AuthorizedKeysFile .ssh/authorized_keys

# To disable tunneled clear text passwords, change to no here!
§t PasswordAuthentication no
§t PermitEmptyPasswords no
KbdInteractiveAuthentication no
UsePAM yes

X11Forwarding no
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server

Match User backup
§t     PasswordAuthentication yes
    ForceCommand internal-sftp
    ChrootDirectory /srv/backup
""")
    emit("hardening1", "etc/pam.d/common-password", r"""
#
# /etc/pam.d/common-password - password-related modules common to all services
#
# This file is included from other service-specific PAM config files,
# and should contain a list of modules that define the services to be
# used to change user passwords.  The default is pam_unix.
#
# here are the per-package modules (the "Primary" block)
§t password	requisite			pam_pwquality.so retry=3 minlen=14 dcredit=-1 ucredit=-1 ocredit=-1 lcredit=-1
§t password	[success=1 default=ignore]	pam_unix.so obscure use_authtok try_first_pass yescrypt remember=5
# here's the fallback if no module succeeds
§t password	requisite			pam_deny.so
# prime the stack with a positive return value if there isn't one already;
§t password	required			pam_permit.so
# and here are more per-package modules (the "Additional" block)
# end of pam-auth-update config
""")
    emit("hardening1", "etc/login.defs", r"""
#
# /etc/login.defs - Configuration control definitions for the login package.
#
MAIL_DIR        /var/mail
FAILLOG_ENAB    yes
LOG_UNKFAIL_ENAB no
LOG_OK_LOGINS   no
SYSLOG_SU_ENAB  yes
FTMP_FILE       /var/log/btmp
SU_NAME         su
HUSHLOGIN_FILE  .hushlogin
ENV_SUPATH      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENV_PATH        PATH=/usr/local/bin:/usr/bin:/bin
TTYGROUP        tty
TTYPERM         0600
ERASECHAR       0177
KILLCHAR        025
UMASK           027
§t PASS_MAX_DAYS   90
§t PASS_MIN_DAYS   1
§t PASS_WARN_AGE   14
UID_MIN                  1000
UID_MAX                 60000
GID_MIN                  1000
GID_MAX                 60000
LOGIN_RETRIES           3
LOGIN_TIMEOUT           60
§t ENCRYPT_METHOD YESCRYPT
§t YESCRYPT_COST_FACTOR 5
""")


def g_podfile_poetry():
    pods = ["Alamofire", "KeychainAccess", "Sentry", "SwiftLint", "RevenueCat", "MapboxMaps", "MapboxCoreMaps",
            "MapboxCommon", "Turf", "SnapKit"]
    vers = {p: f"{R.randint(1, 11)}.{R.randint(0, 20)}.{R.randint(0, 9)}" for p in pods}
    out = ["PODS:"] + [f"  - {p} ({vers[p]})" for p in pods] + ["", "DEPENDENCIES:"] + \
          [f"  - {p} (~> {vers[p].rsplit('.', 1)[0]})" for p in pods[:6]] + ["", "SPEC CHECKSUMS:"] + \
          [f"§t   {p}: {hx(40)}" for p in pods] + ["", f"§t PODFILE CHECKSUM: {hx(40)}", "", "COCOAPODS: 1.14.3"]
    emit("podlock1", "ios/Podfile.lock", "\n".join(out))
    pk = [("argon2-cffi", "23.1.0", "Argon2 for Python"), ("certifi", "2023.11.17", "Python package for providing Mozilla's CA Bundle."),
          ("cryptography", "41.0.7", "cryptography is a package which provides cryptographic recipes and primitives to Python developers."),
          ("itsdangerous", "2.1.2", "Safely pass data to untrusted environments and back."),
          ("pyotp", "2.9.0", "Python One Time Password Library"), ("python-dotenv", "1.0.0", "Read key-value pairs from a .env file and set them as environment variables")]
    out = ["# This file is automatically @generated by Poetry 1.7.1 and should not be changed by hand.", ""]
    for name, ver, desc in pk:
        out += ["[[package]]", f'name = "{name}"', f'version = "{ver}"', f'description = "{desc}"',
                'optional = false', 'python-versions = ">=3.7"', "files = [",
                f'§t     {{file = "{name.replace("-", "_")}-{ver}-py3-none-any.whl", hash = "sha256:{hx(64)}"}},',
                f'§t     {{file = "{name.replace("-", "_")}-{ver}.tar.gz", hash = "sha256:{hx(64)}"}},', "]", ""]
    out += ["[metadata]", 'lock-version = "2.0"', 'python-versions = "^3.11"', f'§t content-hash = "{hx(64)}"']
    emit("podlock1", "backend/poetry.lock", "\n".join(out))


def g_external_secrets():
    emit("extsecrets1", "k8s/overlays/prod/external-secrets.yaml", r"""
apiVersion: external-secrets.io/v1beta1
kind: ClusterSecretStore
metadata:
  name: aws-secrets-manager
spec:
  provider:
    aws:
      service: SecretsManager
      region: eu-west-1
      auth:
        jwt:
          serviceAccountRef:
            name: external-secrets
            namespace: external-secrets
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: orders-db
  namespace: prod
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secrets-manager
    kind: ClusterSecretStore
  target:
    name: orders-db
  data:
§t     - secretKey: password
      remoteRef:
§t         key: prod/orders/db
§t         property: password
    - secretKey: username
      remoteRef:
        key: prod/orders/db
        property: username
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: orders-env
  namespace: prod
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secrets-manager
    kind: ClusterSecretStore
  target:
    name: orders-env
    template:
      data:
§t         STRIPE_SECRET_KEY: "{{ .stripeKey }}"
§t         DATABASE_URL: "postgres://orders:{{ .dbPassword | urlquery }}@orders-db:5432/orders"
§t         SENDGRID_API_KEY: "{{ .sendgrid }}"
  data:
§t     - secretKey: stripeKey
      remoteRef: { key: prod/orders/stripe, property: secret_key }
§t     - secretKey: dbPassword
      remoteRef: { key: prod/orders/db, property: password }
§t     - secretKey: sendgrid
      remoteRef: { key: prod/shared/sendgrid, property: api_key }
""")


def g_env_example2():
    emit("env5", "selfhosted/mastodon/.env.production.sample", r"""
# This is a sample configuration file. You can generate your configuration
# with the `rake mastodon:setup` interactive setup wizard, but to customize
# your setup even further, you'll need to edit it manually. This sample does
# not demonstrate all available configuration options.

# Federation
LOCAL_DOMAIN=example.com

# Redis
REDIS_HOST=localhost
REDIS_PORT=6379
§t REDIS_PASSWORD=

# PostgreSQL
DB_HOST=/var/run/postgresql
DB_USER=mastodon
DB_NAME=mastodon_production
§t DB_PASS=
DB_PORT=5432

# Secrets
# Make sure to use `rake secret` to generate secrets
§t SECRET_KEY_BASE=
§t OTP_SECRET=

# Web Push
# Generate with `rake mastodon:webpush:generate_vapid_key`
§t VAPID_PRIVATE_KEY=
§t VAPID_PUBLIC_KEY=

# Sending mail
SMTP_SERVER=
SMTP_PORT=587
§t SMTP_LOGIN=
§t SMTP_PASSWORD=
SMTP_FROM_ADDRESS=notifications@example.com

# File storage (optional)
S3_ENABLED=true
S3_BUCKET=files.example.com
§t AWS_ACCESS_KEY_ID=
§t AWS_SECRET_ACCESS_KEY=
S3_ALIAS_HOST=files.example.com

# Optional hCaptcha
§t HCAPTCHA_SECRET_KEY=<your-hcaptcha-secret>
§t HCAPTCHA_SITE_KEY=«sitekey»
""", sitekey=uid())


def g_ops_readme():
    emit("opsreadme1", "ops/README.md", r"""
# ops runbooks

Quick reference for the on-call rotation.  **No credentials in this repo** --
everything lives in 1Password (vault `Ops`) or in AWS Secrets Manager.

## Connecting to the databases

```bash
§t # credentials: 1Password -> "orders prod RDS"
§t PGPASSWORD="$(op read 'op://Ops/orders prod RDS/password')" psql -h orders-db.internal -U orders
§t mysql -h reporting.internal -u report -p          # prompts
```

## Rotating a leaked password

1. Generate a new one:
§t    `openssl rand -base64 32`
2. Update it in Secrets Manager:
§t    `aws secretsmanager put-secret-value --secret-id prod/orders/db --secret-string file://new.json`
3. Restart the consumers: `kubectl -n prod rollout restart deploy/orders`.
§t 4. Revoke the old token in the provider console (GitHub: *Settings -> Developer settings -> Tokens*).

## Basic auth on internal tools

§t `htpasswd -B /etc/nginx/.htpasswd <username>` (you will be prompted for the password).

## Useful one-liners

```bash
§t grep -rniE 'password|secret|token' --include='*.yml' k8s/ | grep -v '{{'
§t kubectl -n prod get secret orders-db -o jsonpath='{.data.password}' | base64 -d | wc -c
```
""")


def g_flake():
    emit("nixflake1", "flake.lock", r"""
{
  "nodes": {
    "flake-utils": {
      "inputs": {
        "systems": "systems"
      },
      "locked": {
        "lastModified": 1701680307,
§t         "narHash": "sha256-«h1»",
        "owner": "numtide",
        "repo": "flake-utils",
§t         "rev": "«r1»",
        "type": "github"
      },
      "original": {
        "owner": "numtide",
        "repo": "flake-utils",
        "type": "github"
      }
    },
    "nixpkgs": {
      "locked": {
        "lastModified": 1703255338,
§t         "narHash": "sha256-«h2»",
        "owner": "NixOS",
        "repo": "nixpkgs",
§t         "rev": "«r2»",
        "type": "github"
      },
      "original": {
        "owner": "NixOS",
        "ref": "nixos-23.11",
        "repo": "nixpkgs",
        "type": "github"
      }
    },
    "root": {
      "inputs": {
        "flake-utils": "flake-utils",
        "nixpkgs": "nixpkgs"
      }
    },
    "systems": {
      "locked": {
        "lastModified": 1681028828,
§t         "narHash": "sha256-«h3»",
        "owner": "nix-systems",
        "repo": "default",
§t         "rev": "«r3»",
        "type": "github"
      }
    }
  },
  "root": "root",
  "version": 7
}
""", h1=b64(rbytes(32)), h2=b64(rbytes(32)), h3=b64(rbytes(32)), r1=hx(40), r2=hx(40), r3=hx(40))



def g_integrations_doc():
    emit("docs2", "docs/integrations.md", r"""
# Third-party integrations

Each integration reads its credentials from the environment.  The values
below are the **examples printed in each provider's documentation**; they do
not work and are here only to show the expected shape.

| Provider | Variable | Example value |
|----------|----------|---------------|
§t | Twilio   | `TWILIO_ACCOUNT_SID` | `ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX` |
§t | Twilio   | `TWILIO_AUTH_TOKEN`  | `your_auth_token` |
§t | SendGrid | `SENDGRID_API_KEY`   | `SG.xxxxxxxxxxxxxxxx.yyyyyyyyyyyyyyyyyyyyyyyy` |
§t | Mailgun  | `MAILGUN_API_KEY`    | `key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` |
§t | GitHub   | `GITHUB_TOKEN`       | `ghp_16C7e42F292c6912E7710c838347Ae178B4a` |
§t | Slack    | `SLACK_BOT_TOKEN`    | `«docslack»` |
§t | Stripe   | `STRIPE_SECRET_KEY`  | `«docstripe»` |
§t | AWS      | `AWS_ACCESS_KEY_ID`  | `«docid»` |
§t | OpenAI   | `OPENAI_API_KEY`     | `sk-...` |

## Webhook signing

Stripe signs webhook payloads; verify them with the endpoint secret
§t (`STRIPE_WEBHOOK_SECRET`, looks like `whsec_...`).  Never log the raw
`Stripe-Signature` header.

```python
§t secret = os.environ["STRIPE_WEBHOOK_SECRET"]
event = stripe.Webhook.construct_event(payload, sig_header, secret)
```

## Rotating

§t Use `scripts/rotate.sh <provider>`; it prompts for the new key with `read -s`
and writes it to Secrets Manager, never to disk.
""", docslack=DOC_SLACK, docstripe=DOC_STRIPE, docid=DOC_AWS_ID)



def g_devise():
    emit("devise1", "config/initializers/devise.rb", r"""
# frozen_string_literal: true

# Use this hook to configure devise mailer, warden hooks and so forth.
Devise.setup do |config|
§t   # The secret key used by Devise. Devise uses this key to generate random tokens.
§t   # config.secret_key = Rails.application.credentials.devise_secret_key

  config.mailer_sender = 'no-reply@fleetly.example'

  require 'devise/orm/active_record'

  config.case_insensitive_keys = [:email]
  config.strip_whitespace_keys = [:email]
  config.skip_session_storage = [:http_auth]

§t   # Limiting the stretches to just one in testing will increase the performance of
§t   # your test suite dramatically.
§t   config.stretches = Rails.env.test? ? 1 : 12

§t   # Send a notification email when the user's password is changed.
§t   config.send_password_change_notification = true

  config.reconfirmable = true
  config.expire_all_remember_me_on_sign_out = true

§t   # Range for password length.
§t   config.password_length = 12..128

  config.email_regexp = /\A[^@\s]+@[^@\s]+\z/
  config.timeout_in = 2.hours

  config.lock_strategy = :failed_attempts
  config.unlock_strategy = :both
  config.maximum_attempts = 5

§t   config.reset_password_within = 1.hour
§t   config.sign_in_after_reset_password = false

  config.sign_out_via = :delete
  config.responder.error_status = :unprocessable_entity
  config.responder.redirect_status = :see_other
end
""")


def g_password_ts():
    emit("pwmodule1", "src/auth/password.ts", r"""
import bcrypt from 'bcryptjs';
import zxcvbn from 'zxcvbn';

§t export const BCRYPT_ROUNDS = 12;
§t export const MIN_PASSWORD_LENGTH = 12;
§t export const PASSWORD_HISTORY = 5;

§t const COMMON_PASSWORDS = new Set(['password', '123456', 'qwerty', 'letmein', 'changeme']);

export interface PasswordCheck {
  ok: boolean;
  reasons: string[];
}

§t export function checkPassword(password: string, userInputs: string[] = []): PasswordCheck {
  const reasons: string[] = [];
§t   if (password.length < MIN_PASSWORD_LENGTH) reasons.push(`at least ${MIN_PASSWORD_LENGTH} characters`);
§t   if (COMMON_PASSWORDS.has(password.toLowerCase())) reasons.push('too common');
§t   if (zxcvbn(password, userInputs).score < 3) reasons.push('too easy to guess');
  return { ok: reasons.length === 0, reasons };
}

§t export async function hashPassword(password: string): Promise<string> {
§t   return bcrypt.hash(password, BCRYPT_ROUNDS);
}

§t export async function verifyPassword(password: string, hash: string): Promise<boolean> {
§t   return bcrypt.compare(password, hash);
}

// never log the password itself
§t export const redact = (s: string) => s.replace(/("password"\s*:\s*")[^"]*"/g, '$1********"');
""")


def g_kustomize_make():
    emit("kustomize1", "k8s/overlays/staging/kustomization.yaml", r"""
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: staging
resources:
  - ../../base
images:
  - name: ghcr.io/acme/orders
§t     digest: «dg»
secretGenerator:
  - name: orders-db
    files:
§t       - password=secrets/db-password.txt
    literals:
      - username=orders
  - name: orders-jwt
    files:
§t       - signing-key=secrets/jwt-signing.key
generatorOptions:
  disableNameSuffixHash: false
""", dg=digest())
    emit("kustomize1", "Makefile", r"""
REGISTRY ?= ghcr.io/acme
IMAGE    ?= $(REGISTRY)/orders
TAG      ?= $(shell git rev-parse --short HEAD)

.PHONY: build push login deploy secrets

build:
⇥docker build -t $(IMAGE):$(TAG) services/orders

§t login:
§t ⇥@echo "$(REGISTRY_PASSWORD)" | docker login ghcr.io -u $(REGISTRY_USER) --password-stdin

push: login build
⇥docker push $(IMAGE):$(TAG)

§t secrets: ## write staging secrets from 1Password into k8s/overlays/staging/secrets/
§t ⇥op read "op://Staging/orders-db/password" > k8s/overlays/staging/secrets/db-password.txt
§t ⇥op read "op://Staging/orders-jwt/private key" > k8s/overlays/staging/secrets/jwt-signing.key

deploy: secrets
⇥kubectl apply -k k8s/overlays/staging
""")
    emit("kustomize1", ".gitignore", r"""
node_modules/
dist/
.env
§t .env.*
§t !.env.example
§t k8s/overlays/*/secrets/
§t *.pem
§t *.key
§t id_rsa*
§t .vault-token
coverage/
""")


def g_ansible_prod_vars():
    emit("ansible3", "group_vars/prod/vars.yml", r"""
---
env_name: prod
app_domain: shop.example.org

§t mysql_root_password: "{{ vault_mysql_root_password }}"
§t mysql_users:
  - name: shop
§t     password: "{{ vault_mysql_shop_password }}"
    priv: "shop.*:ALL"
  - name: backup
§t     password: "{{ vault_mysql_backup_password }}"
    priv: "*.*:SELECT,LOCK TABLES,SHOW VIEW,EVENT,TRIGGER"

§t letsencrypt_account_key: /etc/letsencrypt/accounts/acme-v02.api.letsencrypt.org/directory/{{ le_account_id }}/private_key.json
§t ssh_authorized_keys_url: https://github.com/{{ item }}.keys

§t smtp_password: "{{ lookup('community.hashi_vault.hashi_vault', 'secret=secret/data/prod/smtp:password') }}"
§t grafana_admin_password: "{{ lookup('env', 'GRAFANA_ADMIN_PASSWORD') | default(omit) }}"
§t # remember: ansible-vault edit group_vars/prod/vault.yml  (password in 1Password "ansible prod vault")
""")


# =========================================================================== #
# driver
# =========================================================================== #
GENERATORS = [
    g_bashrc_ana, g_zshrc_tomas, g_history_root, g_history_deploy, g_crontab, g_deploy_sh, g_powershell,
    g_mycnf, g_env_laravel, g_env_node, g_env_example, g_env_compose, g_netrc, g_npmrc, g_pypirc, g_pgpass,
    g_pgpass2, g_gitcreds, g_dockercfg, g_aws_creds, g_ssh_dir, g_deploy_key, g_ppk, g_pem_nginx,
    g_wpconfig1, g_wpconfig2, g_drupal, g_joomla, g_laravel_db, g_php_source,
    g_django1, g_django2, g_flask, g_etl_script, g_notebook1, g_notebook2,
    g_node_config, g_ts_clients, g_automation_js, g_go_store, g_go_notifier, g_go_signer,
    g_java, g_kotlin, g_spring_props, g_spring_yml, g_logback, g_log4j,
    g_csharp, g_webconfig, g_rails_db, g_rails_secrets, g_ruby_sms, g_shopify_rake, g_swift,
    g_filezilla_sites, g_filezilla_recent, g_dbeaver, g_jetbrains_ds, g_jetbrains_ws, g_maven, g_tomcat,
    g_sqldump_shop, g_sqldump_django, g_sql_users, g_mssql, g_shadow, g_htpasswd,
    g_kubeconfig, g_k8s_secrets, g_helm_default, g_helm_prod, g_deployment_nosecret,
    g_terraform, g_ansible_inv, g_ansible_vars, g_gitlab_runner,
    g_jenkinsfile, g_gha, g_gitlab_ci, g_compose,
    g_postman, g_har, g_app_log, g_ci_log,
    g_gcp, g_azure_func, g_bot_config, g_datadog, g_okta,
    g_i18n_json, g_i18n_rails, g_lockfile, g_gosum, g_docs, g_fixtures, g_authorized_keys,
    g_requirements, g_cargo_lock, g_yarn_lock, g_composer_lock, g_tf_lock, g_pgp, g_jwks_html, g_dockerfile,
    g_changelog, g_keycloak, g_samples, g_tests_fake, g_sops, g_openapi, g_iam_policy,
    g_wp_sample, g_hardening, g_podfile_poetry, g_external_secrets, g_env_example2, g_ops_readme, g_flake,
    g_integrations_doc, g_devise, g_password_ts, g_kustomize_make, g_ansible_prod_vars,
]


def validate():
    problems = []
    secret_vals = sorted((v for v in ISSUED if len(v) >= 6), key=len, reverse=True)
    for f in FILES:
        key, lines, ranges, tricky = f["key"], f["lines"], f["ranges"], f["tricky"]
        covered = set()
        prev_end = 0
        for a, b, typ in ranges:
            if not (1 <= a <= b <= len(lines)):
                problems.append(f"{key}: range {a}-{b} out of bounds")
            if a <= prev_end:
                problems.append(f"{key}: overlapping range {a}-{b}")
            prev_end = b
            covered.update(range(a, b + 1))
            chunk_text = "\n".join(lines[a - 1:b])
            if not any(v in chunk_text for v in secret_vals):
                problems.append(f"{key}:{a}-{b}: range holds no issued secret value")
        for t in tricky:
            if t in covered:
                problems.append(f"{key}:{t}: tricky line inside a secret range")
        for i, ln in enumerate(lines, start=1):
            if i in covered:
                continue
            for v in secret_vals:
                if v in ln:
                    problems.append(f"{key}:{i}: issued secret {v[:20]!r} on an unlabelled line")
                    break
        text = "\n".join(lines) + "\n"
        name = key.rsplit("/", 1)[-1]
        try:
            if name.endswith((".json", ".ipynb", ".har")):
                json.loads(text)
            elif name.endswith((".xml", ".config")) or name == "Web.config":
                xml.dom.minidom.parseString(text.encode())
            elif name.endswith(".py"):
                ast.parse(text)
            elif name.endswith(".toml"):
                tomllib.loads(text)
        except Exception as e:  # noqa: BLE001
            problems.append(f"{key}: does not parse: {e}")
    if problems:
        raise SystemExit("validation failed:\n  " + "\n  ".join(problems))


def tq(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write():
    for f in FILES:  # git cannot store a path with a ".git" component
        assert ".git" not in f["key"].split("/"), f["key"]
    if OUT_DIR.exists():
        shutil.rmtree(OUT_DIR)
    out = []
    for f in FILES:
        p = OUT_DIR / (f["key"] + ".rot13")
        p.parent.mkdir(parents=True, exist_ok=True)
        text = "\n".join(f["lines"]) + "\n"
        with open(p, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(codecs.encode(text, "rot13"))
        rng = ", ".join(f"[{a}, {b}]" for a, b, _ in f["ranges"])
        out += [f"[{tq(f['key'])}]", f"secrets = [{rng}]", f"tricky = {len(f['tricky'])}", ""]
    with open(LABELS, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(out))
    # round-trip check
    parsed = tomllib.loads(LABELS.read_text(encoding="utf-8"))
    assert len(parsed) == len(FILES)
    for f in FILES:
        back = codecs.decode((OUT_DIR / (f["key"] + ".rot13")).read_text(encoding="utf-8"), "rot13")
        assert back == "\n".join(f["lines"]) + "\n", f["key"]
        assert parsed[f["key"]]["secrets"] == [[a, b] for a, b, _ in f["ranges"]]


def summary():
    n_files = len(FILES)
    n_sec = sum(len(f["ranges"]) for f in FILES)
    n_tricky = sum(len(f["tricky"]) for f in FILES)
    types = Counter(t for f in FILES for _, _, t in f["ranges"])
    clean = sum(1 for f in FILES if not f["ranges"])
    cases = len({f["key"].split("/", 1)[0] for f in FILES})
    short = [f["key"] for f in FILES if len(f["lines"]) < 15]
    print(f"holdout-c: {n_files} files in {cases} case dirs ({clean} with no secret)")
    print(f"  secret ranges : {n_sec}")
    print(f"  tricky lines  : {n_tricky}  (ratio {n_tricky / n_sec:.2f} per secret)")
    print(f"  total lines   : {sum(len(f['lines']) for f in FILES)}")
    print("  secrets per type:")
    for t, c in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"    {t:<16}{c:>4}  {100 * c / n_sec:5.1f}%")
    if short:
        print(f"  files under 15 lines ({len(short)}, inherently short formats): " + ", ".join(short))
    return n_files, n_sec, n_tricky, types


def main():
    for g in GENERATORS:
        g()
    validate()
    write()
    n_files, n_sec, n_tricky, types = summary()
    assert n_files >= 60, n_files
    assert n_sec >= 250, n_sec
    assert n_tricky >= 3 * n_sec, (n_tricky, n_sec)
    worst = max(types.values()) / n_sec
    assert worst <= 0.105, f"largest type share {worst:.1%}"


if __name__ == "__main__":
    main()
