"""Build a large git repository of real code for the history and commit benchmarks, without
network access to code hosts: one commit per released sdist of a few popular PyPI packages, in
release order, each commit replacing that package's tree under its own folder.

    python3 bench/suite.py repo DIR [--versions N] [--jobs J] [--cache DIR] [--packages "a b"]

Sdists are fetched with `pip download` into the cache folder (data, reused by a rerun). pip
prepares each sdist's metadata, which needs a build backend: the builder makes private venvs
under CACHE/venv and CACHE/venv-legacy (setuptools, wheel, flit_core, hatchling; the legacy one
with the setuptools of ~2022 for old releases) and installs nothing anywhere else. Each
release's author comes from its PKG-INFO and its date from the newest file in the archive.

Cost: about 1 CPU-second of pip per sdist; the defaults (~1,600 releases) take ~20 CPU-minutes
the first time, plus a few minutes to import and repack. Releases that no setuptools here
accepts (Python 2 era setup.py) are skipped and noted.
"""

from __future__ import annotations

import bz2
import email.parser
import email.utils
import gzip
import hashlib
import heapq
import io
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchlib import die, git, note

# Pure-Python sdists whose metadata pip prepares without compilers. Big trees give the file
# count, long release series the commit count. Packages with thousands of releases (boto3)
# are left out: pip parses the whole release list on every run.
DEFAULT_PACKAGES = "django sqlalchemy ansible-core sphinx mypy pylint pytest setuptools pip sympy"
BACKENDS = ["setuptools", "wheel", "packaging", "flit_core", "hatchling", "setuptools_scm"]
LEGACY_BACKENDS = ["setuptools>=60,<66", "wheel<0.41", "setuptools_scm<8"]


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

def do_import(cache, nversions, pkgs, out):
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



# ---------------------------------------------------------------------------------------------
# Fetching


def pip_tmpdir() -> str:
    # pip unpacks every sdist to prepare its metadata; small files are ~25x cheaper on tmpfs.
    return "/dev/shm" if os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()


def private_venv(path: Path, packages: list[str]) -> Path:
    """A venv under the cache folder holding the build backends pip needs for metadata."""
    mark = path / ".bench-ready"
    if not mark.exists():
        note(f"creating the private venv {path} (build backends for sdist metadata)")
        if not (path / "bin" / "pip").exists():
            subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        subprocess.run([str(path / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                        "--upgrade", *packages], check=True)
        mark.touch()
    return path


def pip_download(venv: Path, dest: Path, reqs: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "TMPDIR": pip_tmpdir()}
    return subprocess.run(
        [str(venv / "bin" / "pip"), "download", "--no-deps", "--no-binary", ":all:",
         "--no-build-isolation", "--ignore-requires-python", "--no-cache-dir",
         "--disable-pip-version-check", "--progress-bar", "off", "-d", str(dest), *reqs],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def fetch_batch(cache: Path, venv: Path, legacy: Path, reqs: list[str]) -> None:
    """One pip run for a batch of *different* packages (amortises pip's start-up). When one
    sdist fails, pip names it in its last "Collecting" line: retry it with the legacy venv,
    and the rest without it."""
    (cache / "tmp").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache / "tmp") as tmp:
        tmp = Path(tmp)

        def failed(req: str, log: str) -> None:
            dl = tmp / "legacy"
            shutil.rmtree(dl, ignore_errors=True)
            res = pip_download(legacy, dl, [req])
            if res.returncode == 0:
                place(str(cache), str(dl), [req])
                return
            pkg, ver = req.split("==", 1)
            (cache / "dl" / pkg).mkdir(parents=True, exist_ok=True)
            tail = lambda s: "\n".join(s.splitlines()[-15:])
            (cache / "dl" / pkg / f"{ver}.failed").write_text(
                f"bench-fetch-v2: failed with current and legacy setuptools\n{tail(log)}\n--- legacy:\n{tail(res.stdout)}\n")
            note(f"  skipped {req} (see {cache}/dl/{pkg}/{ver}.failed)")

        while reqs:
            dl = tmp / "dl"
            shutil.rmtree(dl, ignore_errors=True)
            res = pip_download(venv, dl, reqs)
            if res.returncode == 0:
                place(str(cache), str(dl), reqs)
                return
            if len(reqs) == 1:
                return failed(reqs[0], res.stdout)
            # A release the index lacks is named by pip's error; one that fails to build, by
            # the last "Collecting" line before the error.
            named = re.findall(r"^Collecting (\S+==\S+)", res.stdout, re.M)
            named += re.findall(r"No matching distribution found for (\S+==\S+)", res.stdout)
            culprit = named[-1] if named and named[-1] in reqs else None
            if culprit is None:  # could not tell which: one at a time
                for r in reqs:
                    fetch_batch(cache, venv, legacy, [r])
                return
            failed(culprit, res.stdout)
            reqs = [r for r in reqs if r != culprit]


def release_list(cache: Path, venv: Path, pkg: str) -> list[str]:
    """Final releases with an sdist, oldest first; cached so a rerun builds the same history."""
    path = cache / "versions" / f"{pkg}.txt"
    if not path.exists() or not path.stat().st_size:
        res = subprocess.run([str(venv / "bin" / "pip"), "index", "versions", "--no-binary", ":all:",
                              "--ignore-requires-python", "--disable-pip-version-check", pkg],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        m = re.search(r"^Available versions: (.*)$", res.stdout, re.M)
        if not m:
            die(f"no versions found for {pkg} (is the package index reachable through pip?)")
        versions = [v.strip() for v in m.group(1).split(",") if v.strip()][::-1]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(versions) + "\n")
    return [v for v in path.read_text().split() if v]


def fetch(cache: Path, pkgs: list[str], nversions: int, jobs: int) -> None:
    venv = private_venv(cache / "venv", BACKENDS)
    legacy = private_venv(cache / "venv-legacy", LEGACY_BACKENDS)
    missing = {}
    for pkg in pkgs:
        missing[pkg] = [f"{pkg}=={v}" for v in release_list(cache, venv, pkg)[-nversions:]
                        if not (cache / "dl" / pkg / v / "meta.json").exists()
                        and not (cache / "dl" / pkg / f"{v}.failed").exists()]
    # Batch i = the i-th missing release of every package.
    longest = max((len(v) for v in missing.values()), default=0)
    batches = [[m[i] for m in missing.values() if i < len(m)] for i in range(longest)]
    total = sum(map(len, batches))
    if not total:
        return
    note(f"downloading {total} sdists into {cache}/dl ({jobs} batches at a time)")
    done = 0
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for _ in pool.map(lambda b: fetch_batch(cache, venv, legacy, b), batches):
            done += 1
            if done % 10 == 0 or done == len(batches):
                note(f"  {done}/{len(batches)} batches")


# ---------------------------------------------------------------------------------------------
# Building


def stats(d: Path) -> str:
    commits = git(d, "rev-list", "--count", "HEAD", capture=True).strip()
    files = len(git(d, "ls-files", "-z", capture=True).split("\0")) - 1
    return f"repository {d}: {commits} commits, {files} files"


def build(dest: Path, cache: Path, nversions: int, jobs: int, pkgs: list[str], fetch_missing: bool = True) -> None:
    if (dest / ".git").is_dir() and git(dest, "config", "--get", "bench.complete", check=False,
                                         capture=True).strip() == "true":
        note(f"{dest} already built; nothing to do")
        print(stats(dest))
        return
    if dest.exists() and any(dest.iterdir()):
        die(f"{dest} exists and is not a finished bench repository; remove it or pick another DIR")
    cache.mkdir(parents=True, exist_ok=True)
    start = time.time()
    if fetch_missing:
        fetch(cache, pkgs, nversions, jobs)
        note(f"downloads done after {time.time() - start:.0f} s")
    else:
        note("--no-fetch: importing only the releases the cache holds")
    building = Path(str(dest).rstrip("/") + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    git(building, "init", "-q")
    git(building, "symbolic-ref", "HEAD", "refs/heads/main")
    note(f"importing history into {building}")
    # fast-import stores blobs plainly and fast (--depth=0, zlib level 1); the repack below
    # computes deltas against the previous version of the same file, as a real clone has.
    fi = subprocess.Popen(["git", "-c", "core.compression=1", "-c", "pack.compression=1", "fast-import",
                           "--quiet", "--depth=0"], cwd=building, stdin=subprocess.PIPE)
    do_import(str(cache), nversions, pkgs, fi.stdin)
    fi.stdin.close()
    if fi.wait() != 0:
        die("git fast-import failed")
    note(f"imported after {time.time() - start:.0f} s; repacking")
    git(building, "-c", f"pack.threads={os.cpu_count()}", "repack", "-a", "-d", "-f", "-q",
        "--window=10", "--depth=50")
    git(building, "prune-packed")
    git(building, "reset", "-q", "--hard")
    git(building, "config", "bench.complete", "true")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        dest.rmdir()
    building.rename(dest)
    note(f"built in {time.time() - start:.0f} s")
    print(stats(dest))

