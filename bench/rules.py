"""Does the size of the rule catalogue slow a commit? `leakguard staged` on a one-file commit
with the full built-in catalogue and with a build holding only the first 20 rules (target:
full / 20-rule <= 1.10). The 20-rule binary is built from a copy of the crate into
TARGET_DIR (default /tmp/bench-rules-target); a release build takes minutes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import benchlib
from benchlib import ROOT, Cmd, git, note


def small_build(target: Path, work: Path, n: int) -> str:
    crate = work / "crate"
    crate.mkdir()
    for name in ("src", "hooks", "build.rs", "Cargo.toml", "Cargo.lock", "README.md"):
        p = ROOT / name
        if p.is_dir():
            shutil.copytree(p, crate / name)
        elif p.exists():
            shutil.copy(p, crate / name)
    blocks = []
    for f in sorted((ROOT / "patterns").rglob("*.toml")):
        blocks += ["[[rules]]" + b for b in re.split(r"^\[\[rules\]\]", f.read_text(), flags=re.M)[1:]]
    (crate / "patterns").mkdir()
    (crate / "patterns" / "small.toml").write_text("".join(blocks[:n]))
    note(f"building a {n}-rule copy into {target} (release)")
    subprocess.run(["cargo", "build", "-q", "--release", "--manifest-path", str(crate / "Cargo.toml")],
                   env={**os.environ, "CARGO_TARGET_DIR": str(target)}, check=True)
    return str(target / "release" / "leakguard")


def synthetic(repo: Path, env: dict) -> None:
    import random
    r = random.Random(7)
    git(None, "init", "-q", "-b", "main", str(repo), env=env)
    for i in range(5000):
        d = repo / f"pkg{i % 50}" / f"mod{i % 7}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"file{i}.py").write_text("".join(f"def f{n}(x):\n    return x * {r.randint(1, 999)}  # {r.random()}\n" for n in range(60)))
    git(repo, "add", "-A", env=env)
    git(repo, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "synthetic", env=env)


def run(a) -> None:
    full = benchlib.leakguard(a.leakguard)
    with tempfile.TemporaryDirectory(prefix="bench-rules-") as work:
        work = Path(work)
        (work / "home").mkdir()
        env = benchlib.quiet_git_env(str(work / "home"))
        small = small_build(Path(a.target_dir), work, a.count)
        clone = work / "clone"
        if a.repo:
            git(None, "clone", "-q", "--shared", a.repo, str(clone), env=env)
        else:
            note("no REPO given: a synthetic 5,000-file repository")
            synthetic(clone, env)
        sample = git(clone, "ls-files", "*.py", capture=True, env=env).split("\n")[0]
        text = (clone / sample).read_text(errors="replace") if sample else ""
        (clone / "bench").mkdir(exist_ok=True)
        (clone / "bench" / "new_module.py").write_text(text + "API_TIMEOUT = 30\npassword_hint = \"at least 12 characters\"\n")
        git(clone, "add", "bench/new_module.py", env=env)
        cwd = str(clone)
        cmds = [Cmd("git diff --cached --name-only", ["git", "diff", "--cached", "--name-only"], cwd, env),
                Cmd(f"leakguard staged, {a.count} rules", [small, "staged"], cwd, env),
                Cmd("leakguard staged, full catalogue", [full, "staged"], cwd, env)]
        benchlib.measure(cmds, a.runs, a.warmup)
        rows = benchlib.results(cmds, cmds[0].name, (cmds[1].name,))
        benchlib.report("rule catalogue size (target: full / small <= 1.10)", rows,
                        {"repository": a.repo or "synthetic", "load_before": a.load_before}, a.json, ms=True)
