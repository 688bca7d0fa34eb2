#!/usr/bin/env bash
# Does the size of the rule catalogue slow a commit? Times `leakguard staged` on a one-file
# commit in a large repository with the full built-in catalogue and with a 20-rule catalogue,
# both release builds, and prints the ratio (target: full / 20-rule <= 1.10).
#
#   scripts/bench-rules.sh [REPO]
#
#   REPO             a large git repository, left untouched (default /tmp/bench-repo, as made by
#                    scripts/make-bench-repo.sh; a synthetic 5,000-file one is made if missing)
#   env BENCH_RUNS   timed runs per binary (default 40)
#
# The 20-rule binary is built from a copy of the crate whose patterns/ holds only the first 20
# rules, into /tmp/bench-rules-target (no product feature exists for benchmarking).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPO=${1:-/tmp/bench-repo}
RUNS=${BENCH_RUNS:-40}
SMALL_TARGET=/tmp/bench-rules-target
WORK=$(mktemp -d /tmp/bench-rules.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

echo "bench-rules: building the full catalogue (release)" >&2
cargo build -q --release --manifest-path "$ROOT/Cargo.toml"
FULL=${CARGO_TARGET_DIR:-$ROOT/target}/release/leakguard

echo "bench-rules: building a 20-rule copy into $SMALL_TARGET (release)" >&2
mkdir -p "$WORK/crate/patterns"
cp -r "$ROOT/src" "$ROOT/hooks" "$ROOT/build.rs" "$ROOT/Cargo.toml" "$ROOT/Cargo.lock" "$WORK/crate/"
[ -f "$ROOT/README.md" ] && cp "$ROOT/README.md" "$WORK/crate/"
python3 - "$ROOT/patterns" "$WORK/crate/patterns/small.toml" <<'PY'
import pathlib, re, sys
blocks = []
for f in sorted(pathlib.Path(sys.argv[1]).glob('*.toml')):
    blocks += ['[[rules]]' + b for b in re.split(r'^\[\[rules\]\]', f.read_text(), flags=re.M)[1:]]
pathlib.Path(sys.argv[2]).write_text(''.join(blocks[:20]))
PY
CARGO_TARGET_DIR=$SMALL_TARGET cargo build -q --release --manifest-path "$WORK/crate/Cargo.toml"
SMALL=$SMALL_TARGET/release/leakguard
echo "bench-rules: $("$FULL" rules list | tail -1) vs $("$SMALL" rules list | tail -1)" >&2

if ! git -C "$REPO" rev-parse -q --verify HEAD >/dev/null 2>&1; then
    echo "bench-rules: no repository at $REPO; making a synthetic one" >&2
    REPO=$WORK/synthetic
    git init -q -b main "$REPO"
    python3 - "$REPO" <<'PY'
import os, random, sys
r = random.Random(7)
for i in range(5000):
    d = os.path.join(sys.argv[1], f'pkg{i % 50}', f'mod{i % 7}')
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f'file{i}.py'), 'w') as f:
        for n in range(60):
            f.write(f'def f{n}(x):\n    return x * {r.randint(1, 999)}  # {r.random()}\n')
PY
    git -C "$REPO" add -A
    git -C "$REPO" -c user.name=b -c user.email=b@b -c commit.gpgsign=false commit -q -m synthetic
fi

# A shared clone: the benchmark stages a file without touching REPO's own index.
git clone -q --shared "$REPO" "$WORK/clone"
SAMPLE=$(git -C "$WORK/clone" ls-files '*.py' | sed -n 1p)
mkdir -p "$WORK/clone/bench"
{ cat "$WORK/clone/$SAMPLE"; echo 'API_TIMEOUT = 30'; echo 'password_hint = "at least 12 characters"'; } > "$WORK/clone/bench/new_module.py"
git -C "$WORK/clone" add bench/new_module.py

now_us() { echo $(( $(date +%s%N) / 1000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

cd "$WORK/clone"
"$FULL" staged >/dev/null 2>&1 || true  # warm the page cache
: > "$WORK/floor"; : > "$WORK/full"; : > "$WORK/small"
if command -v hyperfine >/dev/null; then
    # Rounds of all three, so a busy spell of a shared machine slows each alike.
    ROUNDS=5
    for r in $(seq "$ROUNDS"); do
        hyperfine -N -i --style none --warmup 3 --runs $(( (RUNS + ROUNDS - 1) / ROUNDS )) --export-json "$WORK/round.json" \
            -n floor 'git diff --cached --name-only' -n full "$FULL staged" -n small "$SMALL staged" >/dev/null
        python3 - "$WORK/round.json" "$WORK" <<'PY'
import json, sys
for res in json.load(open(sys.argv[1]))["results"]:
    with open(f"{sys.argv[2]}/{res['command']}", "a") as out:
        out.writelines(f"{round(t * 1e6)}\n" for t in res["times"])
PY
    done
    TIMER=$(hyperfine --version)
else
    # Interleaved, so a busy machine slows all three alike.
    for _ in $(seq "$RUNS"); do
        t=$(now_us); git diff --cached --name-only >/dev/null; echo $(( $(now_us) - t )) >> "$WORK/floor"
        t=$(now_us); "$FULL" staged >/dev/null 2>&1 || true; echo $(( $(now_us) - t )) >> "$WORK/full"
        t=$(now_us); "$SMALL" staged >/dev/null 2>&1 || true; echo $(( $(now_us) - t )) >> "$WORK/small"
    done
    TIMER="bash loop (install hyperfine for steadier figures)"
fi
floor=$(median < "$WORK/floor"); full=$(median < "$WORK/full"); small=$(median < "$WORK/small")
echo "files in repository: $(git ls-files | wc -l); timer: $TIMER; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "git diff --cached --name-only: ${floor} us (median of $(wc -l < "$WORK/floor"))"
echo "leakguard staged, 20 rules:    ${small} us"
echo "leakguard staged, full:        ${full} us"
awk -v f="$full" -v s="$small" 'BEGIN { printf "ratio full / 20-rule: %.3f (target <= 1.10)\n", f / s }'
