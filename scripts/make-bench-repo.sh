#!/usr/bin/env bash
# Build a large git repository of real code, for benchmarks, without network access to code
# hosts: the history is hundreds of released sdists of a few popular PyPI packages, one
# commit per release, each commit replacing that package's tree under its own folder.
#
#   scripts/make-bench-repo.sh DIR [--versions N] [--jobs J]
#
#   --versions N   newest N sdist releases of each package (default 200; env BENCH_VERSIONS)
#   --jobs J       parallel `pip download` batches (default nproc+2; env BENCH_JOBS)
#   env BENCH_CACHE     download cache (default /tmp/bench-cache); a rerun reuses it
#   env BENCH_PACKAGES  space-separated package list (default below)
#
# Idempotent: if DIR already holds a finished repository it only prints its figures.
# Downloads go through pip (never a hard-coded registry address). Each release's author is
# taken from its PKG-INFO and its date from the newest file in the archive.
#
# Cost: pip prepares the metadata of every sdist it downloads (~1 CPU-second each), so a
# first build with the defaults (~1,600 releases) takes ~20 CPU-minutes of downloads, plus
# ~5 minutes to import, repack and check out; a rebuild from the cache only the latter.
# Releases whose setup.py no setuptools here accepts (Python 2 era) are skipped and noted.
set -euo pipefail

# Pure-Python sdists built by setuptools/flit/hatchling, so `pip download` can prepare their
# metadata without compilers. Big trees (django, ansible-core, sympy, sphinx, mypy) give the
# file count, long release series the commit count. Packages with thousands of releases
# (boto3, awscli) are left out on purpose: pip parses the whole release list on every run,
# ~1 s each for those.
DEFAULT_PACKAGES="django sqlalchemy ansible-core sphinx mypy pylint pytest setuptools pip sympy"

CACHE=${BENCH_CACHE:-/tmp/bench-cache}
VENV=$CACHE/venv
LEGACY_VENV=$CACHE/venv-legacy
HELPER=$CACHE/bench-repo-helper.py

die() { echo "make-bench-repo: $*" >&2; exit 1; }

# pip writes and then deletes an unpacked copy of every sdist while preparing its
# metadata; on this kind of VM creating small files on disk costs ~0.7 ms each, on tmpfs
# ~25x less, so point pip's temp dir at /dev/shm when there is one.
pip_tmpdir() {
    if [[ -d /dev/shm && -w /dev/shm ]]; then echo /dev/shm; else echo "${TMPDIR:-/tmp}"; fi
}

pip_download() { # DEST REQ...   (env PIP_VENV: which venv's pip and build backends)
    local dest=$1; shift
    TMPDIR=$(pip_tmpdir) "${PIP_VENV:-$VENV}/bin/pip" download --no-deps --no-binary :all: \
        --no-build-isolation --ignore-requires-python --no-cache-dir \
        --disable-pip-version-check --progress-bar off -d "$dest" "$@"
}

# ---- hidden sub-command, run by xargs: fetch one batch of NAME==VERSION (distinct names) --
if [[ ${1:-} == __fetch ]]; then
    shift
    mkdir -p "$CACHE/tmp"
    tmp=$(mktemp -d "$CACHE/tmp/batch.XXXXXX")
    reqs=("$@")
    mark_failed() { # REQ LOG
        local pkg=${1%%==*} ver=${1#*==}
        # Old releases' setup.py often needs what current setuptools dropped
        # (pkg_resources, lax version specifiers...): retry with the legacy venv.
        rm -rf "$tmp/legacy"; mkdir -p "$tmp/legacy"
        if PIP_VENV=$LEGACY_VENV pip_download "$tmp/legacy" "$1" >"$tmp/legacy.log" 2>&1; then
            "$VENV/bin/python" "$HELPER" place "$CACHE" "$tmp/legacy" "$1"
            return
        fi
        # Remember the failure so a rerun does not retry it (Python 2 only setup.py...).
        mkdir -p "$CACHE/dl/$pkg"
        { echo "bench-fetch-v2: failed with current and legacy setuptools"
          tail -n 15 "$2"; echo "--- legacy:"; tail -n 15 "$tmp/legacy.log"; } \
            >"$CACHE/dl/$pkg/$ver.failed"
        echo "  skipped $1 (pip download failed; see $CACHE/dl/$pkg/$ver.failed)" >&2
    }
    # One pip run per batch of *different* packages amortises pip's start-up. When one
    # sdist in the batch fails (an old setup.py modern setuptools refuses, a build backend
    # this venv lacks...), pip names it in its last "Collecting" line: drop it and retry.
    while ((${#reqs[@]})); do
        rm -rf "$tmp/dl"; mkdir -p "$tmp/dl"
        if pip_download "$tmp/dl" "${reqs[@]}" >"$tmp/pip.log" 2>&1; then
            "$VENV/bin/python" "$HELPER" place "$CACHE" "$tmp/dl" "${reqs[@]}"
            break
        fi
        culprit=$(sed -n 's/^Collecting \([^ ]*==[^ ]*\).*/\1/p' "$tmp/pip.log" | tail -n 1)
        if ((${#reqs[@]} == 1)); then
            mark_failed "${reqs[0]}" "$tmp/pip.log"; break
        fi
        rest=()
        for r in "${reqs[@]}"; do [[ $r == "$culprit" ]] || rest+=("$r"); done
        if ((${#rest[@]} == ${#reqs[@]})); then
            # Could not tell which one failed: try each alone.
            for r in "${reqs[@]}"; do
                rm -rf "$tmp/dl"; mkdir -p "$tmp/dl"
                if pip_download "$tmp/dl" "$r" >"$tmp/one.log" 2>&1; then
                    "$VENV/bin/python" "$HELPER" place "$CACHE" "$tmp/dl" "$r"
                else
                    mark_failed "$r" "$tmp/one.log"
                fi
            done
            break
        fi
        mark_failed "$culprit" "$tmp/pip.log"
        reqs=("${rest[@]}")
    done
    rm -rf "$tmp"
    echo "  fetched batch: $*" >&2
    exit 0
fi

# ---- arguments ----------------------------------------------------------------------------
DIR=""
VERSIONS=${BENCH_VERSIONS:-200}
JOBS=${BENCH_JOBS:-$(( $(nproc) + 2 ))}
while (($#)); do
    case $1 in
        --versions) VERSIONS=${2:?--versions needs a number}; shift 2 ;;
        --versions=*) VERSIONS=${1#*=}; shift ;;
        --jobs) JOBS=${2:?--jobs needs a number}; shift 2 ;;
        --jobs=*) JOBS=${1#*=}; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) [[ -z $DIR ]] || die "one DIR only"; DIR=$1; shift ;;
    esac
done
[[ -n $DIR ]] || die "usage: $0 DIR [--versions N] [--jobs J]"
[[ $VERSIONS =~ ^[0-9]+$ && $VERSIONS -gt 0 ]] || die "--versions wants a positive number"
read -r -a PACKAGES <<<"${BENCH_PACKAGES:-$DEFAULT_PACKAGES}"

print_stats() {
    local d=$1
    echo "repository: $d"
    echo "  commits:   $(git -C "$d" rev-list --count HEAD)"
    echo "  files:     $(git -C "$d" ls-files | wc -l) (index $(du -h "$d/.git/index" | cut -f1))"
    echo "  .git size: $(du -sh "$d/.git" | cut -f1)"
    echo "  objects:   $(git -C "$d" count-objects -v | awk '/^in-pack/{print $2}') (packed)"
}

# Idempotence: a finished repository carries bench.complete=true in its config.
if [[ -d $DIR/.git ]] && [[ $(git -C "$DIR" config --get bench.complete || true) == true ]]; then
    echo "make-bench-repo: $DIR already built, nothing to do"
    print_stats "$DIR"
    exit 0
fi
if [[ -e $DIR ]] && [[ -n $(ls -A "$DIR" 2>/dev/null) ]]; then
    die "$DIR exists and is not a finished bench repository; remove it or pick another DIR"
fi

command -v git >/dev/null || die "git is required"
command -v python3 >/dev/null || die "python3 is required (Debian: apt-get install python3 python3-venv)"
mkdir -p "$CACHE"
start=$SECONDS

# ---- the Python helper (archive placement, metadata, fast-import stream) ------------------
cat >"$HELPER.new" <<'PY'
from concurrent.futures import ThreadPoolExecutor
import bz2, email.parser, email.utils, gzip, hashlib, heapq, io, json, lzma, os, re, sys, time, zipfile

EXTS = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip", ".tar")

def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()

def split_archive(fname):
    for ext in EXTS:
        if fname.lower().endswith(ext):
            stem = fname[: -len(ext)]
            if "-" in stem:
                name, ver = stem.rsplit("-", 1)
                return norm(name), ver
    return None, None

def same_version(a, b):
    if a == b:
        return True
    try:
        from packaging.version import Version
        return Version(a) == Version(b)
    except Exception:
        return False

def members(path):
    """Yield (relpath, mode, data, mtime) for the files of an sdist, top folder stripped."""
    low = path.lower()
    if low.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.is_dir():
                    continue
                rel = clean(info.filename)
                if rel is None:
                    continue
                perm = (info.external_attr >> 16) & 0o777
                mode = "100755" if perm & 0o100 else "100644"
                mtime = time.mktime(info.date_time + (0, 0, -1))
                yield rel, mode, z.read(info), mtime
        return
    with open(path, "rb") as fh:
        raw = fh.read()
    if low.endswith((".gz", ".tgz")):
        raw = gzip.decompress(raw)
    elif low.endswith(".bz2"):
        raw = bz2.decompress(raw)
    elif low.endswith(".xz"):
        raw = lzma.decompress(raw)
    for name, typ, mode, data, mtime in iter_tar(raw):
        rel = clean(name)
        if rel is None:
            continue
        if typ == "symlink":
            yield rel, "120000", data, mtime
        else:
            yield rel, ("100755" if mode & 0o100 else "100644"), data, mtime

def _num(field):
    if field[:1] and field[0] & 0x80:  # GNU base-256 for big numbers
        v = int.from_bytes(field[1:], "big")
        return v
    field = field.strip(b" \0")
    return int(field, 8) if field else 0

def _str(b):
    return b.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")

def _pax(block):
    out, i = {}, 0
    while i < len(block):
        sp = block.find(b" ", i)
        if sp < 0:
            break
        length = int(block[i:sp])
        rec = block[sp + 1 : i + length - 1]  # drop trailing LF
        k, _, v = rec.partition(b"=")
        out[k.decode()] = v.decode("utf-8", "surrogateescape")
        i += length
    return out

def iter_tar(raw):
    """A plain ustar/GNU/pax reader: tarfile spends ~70 us per member, this ~5."""
    off, end = 0, len(raw)
    longname = longlink = None
    pax = {}
    seen = {}
    while off + 512 <= end:
        h = raw[off : off + 512]
        if h.count(0) == 512:
            break
        typ = h[156:157]
        size = int(pax["size"]) if "size" in pax else _num(h[124:136])
        data_off = off + 512
        off = data_off + ((size + 511) & ~511)
        if typ in (b"L", b"K"):
            val = raw[data_off : data_off + size].split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
            if typ == b"L":
                longname = val
            else:
                longlink = val
            continue
        if typ in (b"x", b"X"):
            pax = _pax(raw[data_off : data_off + size])
            continue
        if typ == b"g":
            continue
        name = _str(h[0:100])
        if h[257:263] == b"ustar\0":  # POSIX: a prefix field extends the name
            prefix = _str(h[345:500])
            if prefix:
                name = prefix + "/" + name
        name = pax.get("path") or longname or name
        link = pax.get("linkpath") or longlink or _str(h[157:257])
        mtime = float(pax["mtime"]) if "mtime" in pax else _num(h[136:148])
        mode = _num(h[100:108])
        longname = longlink = None
        pax = {}
        if typ in (b"0", b"\0", b"7") and not name.endswith("/"):
            seen[name] = (data_off, size)
            yield name, "file", mode, raw[data_off : data_off + size], mtime
        elif typ == b"1" and link in seen:  # hard link: same content as an earlier member
            o, n = seen[link]
            yield name, "file", mode, raw[o : o + n], mtime
        elif typ == b"2":
            yield name, "symlink", mode, link.encode("utf-8", "surrogateescape"), mtime

def clean(name):
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    if len(parts) < 2:  # the top folder itself, or a stray file beside it
        return None
    parts = parts[1:]
    if any(p == ".." or p.lower() == ".git" for p in parts):
        return None
    return "/".join(parts)

def meta_of(path, pkg):
    newest, pkginfo = 0, None
    for rel, mode, data, mtime in members(path):
        if mtime and mtime > newest:
            newest = mtime
        if rel == "PKG-INFO":
            pkginfo = data
    name = email_ = None
    if pkginfo:
        hdr = email.parser.BytesHeaderParser().parsebytes(pkginfo)
        for who in ("Author", "Maintainer"):
            n, e = hdr.get(who), hdr.get(who + "-email")
            if e:
                addrs = email.utils.getaddresses([str(e)])
                if addrs and addrs[0][1]:
                    n2, e = addrs[0]
                    n = n if n and str(n).strip() not in ("", "UNKNOWN", "None") else n2
            if n and str(n).strip() not in ("UNKNOWN", "None"):
                name, email_ = str(n), (str(e) if e else None)
                break
            if e and not email_:
                email_ = str(e)
    name = re.sub(r"[<>\n\r]", "", (name or pkg + " maintainers").split(",")[0]).strip() or pkg
    email_ = re.sub(r"[<>\s]", "", email_ or "") or norm(pkg) + "@maintainers.invalid"
    now = time.time()
    if not (946684800 <= newest <= now + 86400):  # missing or absurd mtimes
        newest = 0
    return {"name": name, "email": email_, "time": int(newest)}

def place(cache, tmp, reqs):
    files = [f for f in os.listdir(tmp) if split_archive(f)[0]]
    for req in reqs:
        pkg, ver = req.split("==", 1)
        match = [f for f in files
                 if split_archive(f)[0] == norm(pkg) and same_version(split_archive(f)[1], ver)]
        if len(match) != 1:
            if len(reqs) == 1 and len(files) == 1:
                match = files
            else:
                os.makedirs(os.path.join(cache, "dl", pkg), exist_ok=True)
                with open(os.path.join(cache, "dl", pkg, ver + ".failed"), "w") as fh:
                    fh.write("bench-fetch-v2: no archive matched among %r\n" % files)
                continue
        dest = os.path.join(cache, "dl", pkg, ver)
        os.makedirs(dest, exist_ok=True)
        os.replace(os.path.join(tmp, match[0]), os.path.join(dest, match[0]))
        meta = meta_of(os.path.join(dest, match[0]), pkg)
        meta["archive"] = match[0]
        with open(os.path.join(dest, "meta.json.tmp"), "w") as fh:
            json.dump(meta, fh)
        os.replace(os.path.join(dest, "meta.json.tmp"), os.path.join(dest, "meta.json"))

def quote(path):
    # fast-import wants C-style quoting only for paths starting with '"' or holding a LF
    if path.startswith('"') or "\n" in path:
        return '"' + path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return path

def do_import(cache, nversions, pkgs):
    # Per package: its newest N fetched releases, in version order.
    queues = {}
    for pkg in pkgs:
        with open(os.path.join(cache, "versions", pkg + ".txt")) as fh:
            versions = [v.strip() for v in fh if v.strip()][-nversions:]
        q = []
        for v in versions:
            mp = os.path.join(cache, "dl", pkg, v, "meta.json")
            if os.path.exists(mp):
                with open(mp) as fh:
                    m = json.load(fh)
                q.append((pkg, v, m))
        queues[pkg] = q
    # Interleave packages by release date, keeping each package in version order
    # (a k-way merge on the date of each package's next release).
    heap, pos = [], {p: 0 for p in pkgs}
    for p in pkgs:
        if queues[p]:
            heapq.heappush(heap, (queues[p][0][2]["time"], p))
    order = []
    while heap:
        _, p = heapq.heappop(heap)
        order.append(queues[p][pos[p]])
        pos[p] += 1
        if pos[p] < len(queues[p]):
            heapq.heappush(heap, (queues[p][pos[p]][2]["time"], p))

    out = sys.stdout.buffer
    trees = {p: {} for p in pkgs}  # path -> (mode, git blob id) of the committed tree
    last_commit_time = 0

    def load(item):
        # Runs on a helper thread, ahead of the writer: zlib and sha1 release the GIL, so
        # unpacking the next release overlaps with git fast-import digesting this one.
        pkg, ver, m = item
        files = []
        for rel, mode, data, _ in members(os.path.join(cache, "dl", pkg, ver, m["archive"])):
            h = hashlib.sha1(b"blob %d\0" % len(data))
            h.update(data)
            files.append((rel, mode, data, h.digest()))
        return files

    ahead = 2
    with ThreadPoolExecutor(max_workers=1) as pool:
        futures = [pool.submit(load, it) for it in order[:ahead]]
        for n, (pkg, ver, m) in enumerate(order, 1):
            files = futures[n - 1].result()
            futures[n - 1] = None
            if n - 1 + ahead < len(order):
                futures.append(pool.submit(load, order[n - 1 + ahead]))
            folder = norm(pkg)
            old, new, changed = trees[pkg], {}, []
            for rel, mode, data, oid in files:
                new[rel] = (mode, oid)
                if old.get(rel) != (mode, oid):
                    changed.append((rel, mode, data))
            removed = [r for r in old if r not in new]
            trees[pkg] = new
            del files
            atime = m["time"] or last_commit_time or 946684800
            # Authored at the release date; committed in history order, so never backwards.
            ctime = max(atime, last_commit_time)
            last_commit_time = ctime
            ident = "%s <%s>" % (m["name"], m["email"])
            msg = ("%s %s\n\nImport the released sdist %s.\n" % (pkg, ver, m["archive"])).encode()
            buf = io.BytesIO()
            buf.write(b"commit refs/heads/main\n")
            buf.write(("author %s %d +0000\n" % (ident, atime)).encode("utf-8", "surrogateescape"))
            buf.write(("committer %s %d +0000\n" % (ident, ctime)).encode("utf-8", "surrogateescape"))
            buf.write(b"data %d\n%s\n" % (len(msg), msg))
            for rel in removed:  # deletions first: a removed file may be a new folder's name
                buf.write(b"D " + quote(folder + "/" + rel).encode("utf-8", "surrogateescape") + b"\n")
            out.write(buf.getvalue())
            for rel, mode, data in changed:
                out.write(b"M " + mode.encode() + b" inline "
                          + quote(folder + "/" + rel).encode("utf-8", "surrogateescape") + b"\n")
                out.write(b"data %d\n" % len(data))
                out.write(data)
                out.write(b"\n")
            out.write(b"\n")
            if n % 100 == 0 or n == len(order):
                sys.stderr.write("  imported %d/%d commits\n" % (n, len(order)))
                sys.stderr.flush()
    out.flush()

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "place":
        place(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif cmd == "import":
        do_import(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    else:
        sys.exit("unknown helper command " + cmd)
PY
mv "$HELPER.new" "$HELPER"

# ---- a private venv whose setuptools/wheel prepare sdist metadata -------------------------
# (--no-build-isolation: otherwise pip installs a fresh build backend per sdist, ~15 s each)
# The backends cover the packages below; pure Python, so no compiler is needed.
if [[ ! -e $VENV/.bench-ready-2 ]]; then
    echo "make-bench-repo: creating $VENV"
    [[ -x $VENV/bin/pip ]] || python3 -m venv "$VENV" \
        || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade \
        setuptools wheel packaging flit_core hatchling setuptools_scm
    touch "$VENV/.bench-ready-2"
fi
# A second venv with the setuptools of ~2022 (still pkg_resources, lax specifiers), tried
# for the old releases the current one refuses.
if [[ ! -e $LEGACY_VENV/.bench-ready-1 ]]; then
    [[ -x $LEGACY_VENV/bin/pip ]] || python3 -m venv "$LEGACY_VENV" \
        || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$LEGACY_VENV/bin/pip" install --quiet --disable-pip-version-check \
        "setuptools>=60,<66" "wheel<0.41" "setuptools_scm<8"
    touch "$LEGACY_VENV/.bench-ready-1"
fi

# ---- release lists, cached so a rerun builds the same history even after new releases ----
mkdir -p "$CACHE/versions"
for pkg in "${PACKAGES[@]}"; do
    list=$CACHE/versions/$pkg.txt
    if [[ ! -s $list ]]; then
        # Final releases that have an sdist, newest first -> stored oldest first.
        "$VENV/bin/pip" index versions --no-binary :all: --ignore-requires-python \
            --disable-pip-version-check "$pkg" 2>/dev/null \
            | sed -n 's/^Available versions: //p' | tr ',' '\n' | tr -d ' ' | sed '/^$/d' \
            | tac >"$list.new"
        [[ -s $list.new ]] || die "no versions found for $pkg (is PyPI reachable through pip?)"
        mv "$list.new" "$list"
    fi
done

# ---- download what the cache lacks, in batches of distinct packages, in parallel ---------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-repo-work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
total=0
for pkg in "${PACKAGES[@]}"; do
    tail -n "$VERSIONS" "$CACHE/versions/$pkg.txt" | while read -r ver; do
        [[ -e $CACHE/dl/$pkg/$ver/meta.json ]] && continue
        # A failure recorded before the legacy fallback existed is worth one more try.
        grep -qs '^bench-fetch-v2' "$CACHE/dl/$pkg/$ver.failed" && continue
        echo "$pkg==$ver"
    done >"$WORK/missing.$pkg"
    total=$(( total + $(wc -l <"$WORK/missing.$pkg") ))
done
if (( total > 0 )); then
    echo "make-bench-repo: downloading $total sdists into $CACHE/dl ($JOBS batches at a time)"
    # Batch i = the i-th missing release of every package.
    paste -d ' ' "$WORK"/missing.* | sed 's/  */ /g; s/^ //; s/ $//' | sed '/^$/d' >"$WORK/batches"
    export BENCH_CACHE=$CACHE
    xargs -P "$JOBS" -L 1 bash "$0" __fetch <"$WORK/batches"
    echo "make-bench-repo: downloads done after $(( SECONDS - start )) s"
fi

# ---- write the history with git fast-import (no per-commit checkout: files on disk are slow)
BUILD=${DIR%/}.building
if [[ -e $BUILD ]]; then
    [[ -e $BUILD/.git/bench-building ]] || die "$BUILD exists and is not ours; remove it"
    rm -rf "$BUILD"
fi
mkdir -p "$BUILD"
git init -q "$BUILD"
touch "$BUILD/.git/bench-building"
git -C "$BUILD" symbolic-ref HEAD refs/heads/main
echo "make-bench-repo: importing history into $BUILD"
if ! "$VENV/bin/python" "$HELPER" import "$CACHE" "$VERSIONS" "${PACKAGES[@]}" \
        | git -C "$BUILD" -c core.compression=1 -c pack.compression=1 fast-import --quiet --depth=0
then
    die "import failed"
fi
git -C "$BUILD" rev-parse --verify -q HEAD >/dev/null || die "import produced no commit"
echo "make-bench-repo: imported after $(( SECONDS - start )) s; repacking"
# fast-import would delta each blob against the previous one written, not against the
# previous version of the same file: so it stores them plainly and fast (--depth=0, zlib
# level 1 above) and this repack computes real deltas, as a real clone has.
git -C "$BUILD" -c pack.threads="$(nproc)" repack -a -d -f -q --window=10 --depth=50
git -C "$BUILD" prune-packed
echo "make-bench-repo: checking out the work tree"
git -C "$BUILD" reset -q --hard
git -C "$BUILD" config bench.complete true
rm -f "$BUILD/.git/bench-building"
mkdir -p "$(dirname "$DIR")"
[[ -d $DIR ]] && rmdir "$DIR"
mv "$BUILD" "$DIR"
echo "make-bench-repo: built in $(( SECONDS - start )) s"
print_stats "$DIR"
