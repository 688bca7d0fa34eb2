"""A long history of small changes to real code: `suite.py commits DIR --commits N`.

`suite.py repo` imports whole releases, so its histories have few commits with many files
each. Most repositories look the other way: tens of thousands of commits that each touch a
few files. This builds that shape from the files of real projects (`--src`, e.g. the local
cargo registry): a first commit of `--files` files, then commits that edit, add, rename (with
and without an edit) and delete one to four files. One `git fast-import` stream, seeded, so the
same source folder gives the same repository.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import benchlib

TEXT_SUFFIXES = {".rs", ".py", ".js", ".ts", ".go", ".c", ".h", ".toml", ".json", ".yaml", ".yml", ".md", ".txt", ".sh"}
MAX_FILE = 64 * 1024


def pool(src: Path, limit: int) -> list[bytes]:
    """Up to `limit` small text files under `src`, in a stable order."""
    out: list[bytes] = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if 0 < len(data) <= MAX_FILE and b"\0" not in data:
            out.append(data)
            if len(out) >= limit:
                break
    return out


def edit(rng: random.Random, text: bytes, donor: bytes) -> bytes:
    """`text` with a few lines dropped and a few lines of `donor` put in their place."""
    lines = text.splitlines(keepends=True) or [b"\n"]
    extra = donor.splitlines(keepends=True) or [b"\n"]
    at = rng.randrange(len(lines))
    drop = rng.randint(0, min(3, len(lines) - at))
    start = rng.randrange(len(extra))
    return b"".join(lines[:at] + extra[start:start + rng.randint(1, 8)] + lines[at + drop:])


def stream(rng: random.Random, files: list[bytes], commits: int, initial: int):
    """Yield fast-import commands as bytes."""
    tree: dict[str, bytes] = {}
    counter = 0

    def new_path() -> str:
        nonlocal counter
        counter += 1
        return f"src/m{counter % 97:02d}/f{counter}.txt"

    def data(b: bytes) -> bytes:
        return b"data %d\n%s\n" % (len(b), b)

    for n in range(commits):
        ops: list[bytes] = []
        if n == 0:
            for _ in range(initial):
                path = new_path()
                tree[path] = rng.choice(files)
                ops.append(b"M 100644 inline %s\n%s" % (path.encode(), data(tree[path])))
        else:
            for _ in range(rng.randint(1, 4)):
                kind = rng.random()
                paths = list(tree)
                if kind < 0.70 or len(paths) < 10:
                    path = rng.choice(paths) if kind < 0.70 and paths else new_path()
                    tree[path] = edit(rng, tree.get(path, rng.choice(files)), rng.choice(files))
                    ops.append(b"M 100644 inline %s\n%s" % (path.encode(), data(tree[path])))
                elif kind < 0.85:
                    path = new_path()
                    tree[path] = rng.choice(files)
                    ops.append(b"M 100644 inline %s\n%s" % (path.encode(), data(tree[path])))
                elif kind < 0.95:
                    old, path = rng.choice(paths), new_path()
                    text = tree.pop(old)
                    if rng.random() < 0.5:
                        text = edit(rng, text, rng.choice(files))
                    tree[path] = text
                    ops.append(b"D %s\n" % old.encode())
                    ops.append(b"M 100644 inline %s\n%s" % (path.encode(), data(text)))
                else:
                    old = rng.choice(paths)
                    del tree[old]
                    ops.append(b"D %s\n" % old.encode())
        when = 1_600_000_000 + n * 600
        head = b"commit refs/heads/main\ncommitter Bench <bench@example.invalid> %d +0000\n" % when
        yield head + data(b"change %d" % n) + b"".join(ops)


def build(dest: Path, src: Path, commits: int, initial: int, seed: int) -> None:
    if dest.exists():
        benchlib.die(f"{dest} exists; give a new folder")
    files = pool(src, 20_000)
    if len(files) < 100:
        benchlib.die(f"{src}: fewer than 100 small text files to build from")
    benchlib.git(dest.parent, "init", "-q", "-b", "main", str(dest))
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=dest, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    for chunk in stream(random.Random(seed), files, commits, initial):
        proc.stdin.write(chunk)
    proc.stdin.close()
    if proc.wait() != 0:
        benchlib.die("git fast-import failed")
    benchlib.git(dest, "reset", "-q", "--hard", "main")
    benchlib.git(dest, "gc", "-q")
    count = benchlib.git(dest, "rev-list", "--count", "main", capture=True).strip()
    benchlib.note(f"built {dest}: {count} commits from {len(files)} source files")
