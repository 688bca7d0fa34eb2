"""History benchmark: `leakguard history` (every blob reachable from any ref) beside the read
floor (`git cat-file --batch` of every blob once), `leakguard scan` of the work tree and the
peers, interleaved in one run. Reports wall, CPU, peak memory and ratios to the floor.
"""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from pathlib import Path

import benchlib
from benchlib import Cmd, git, note


def run(a) -> None:
    lg = benchlib.leakguard(a.leakguard)
    repo = Path(a.repo).resolve()
    if not (repo / ".git").exists() and not (repo / "HEAD").exists():
        benchlib.die(f"no repository at {repo} (build one: python3 bench/suite.py repo {repo})")
    with tempfile.TemporaryDirectory(prefix="bench-history-") as work:
        q = shlex.quote
        r = q(str(repo))
        floor = (f"git -C {r} cat-file --batch-all-objects --batch-check='%(objectname) %(objecttype)'"
                 f" | awk '$2==\"blob\"{{print $1}}' | git -C {r} cat-file --batch >/dev/null")
        cmds = [Cmd("floor: git cat-file --batch (every blob)", floor),
                Cmd("leakguard history", [lg, "history", "--format", "json", "--output", f"{work}/lg.json"], str(repo))]
        if a.scan:
            cmds.append(Cmd("leakguard scan (work tree)", [lg, "scan", str(repo), "--format", "json", "--output", f"{work}/scan.json"]))
        if a.peers:
            if gl := benchlib.peer("gitleaks"):
                cmds.append(Cmd("gitleaks git", [gl, "git", str(repo), "--no-banner", "--log-level", "error", "--exit-code", "0",
                                                 "--report-format", "json", "--report-path", f"{work}/gitleaks.json"]))
            if kf := benchlib.peer("kingfisher"):
                cmds.append(Cmd("kingfisher scan", f"{q(kf)} scan {r} --no-validate --no-update-check --format json >{q(work)}/kf.json"))
        commits = git(repo, "rev-list", "--all", "--count", capture=True).strip()
        blobs, size = 0, 0
        check = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch-all-objects",
                                "--batch-check=%(objecttype) %(objectsize)"], stdout=subprocess.PIPE, text=True).stdout
        for line in check.splitlines():
            t, s = line.split()
            if t == "blob":
                blobs, size = blobs + 1, size + int(s)
        note(f"{repo}: {commits} commits, {blobs} blobs")
        benchlib.measure(cmds, a.runs, a.warmup)
        rows = benchlib.results(cmds, cmds[0].name, ("gitleaks git",))
        benchlib.report("history", rows, {"repository": str(repo), "commits": commits,
                                          "blobs": f"{blobs} ({size / 2**20:.0f} MiB)",
                                          "leakguard": lg, "load_before": a.load_before}, a.json)
