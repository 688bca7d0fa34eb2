"""Commit benchmarks: `leakguard staged` beside the floor and the peers, in one run.

`small`: one new 40-line file holding two secrets, staged in a clone of a large repository
(commit latency). `large`: a commit of about 2,500 files and 338,000 added lines of real code
copied from a source folder (throughput; a large commit may use both cores).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import string
import subprocess
import tempfile
import zlib
from pathlib import Path

import benchlib
from benchlib import Cmd, git, note

CODE = (".py", ".rs", ".go", ".js", ".ts", ".java", ".c", ".h", ".rb", ".php", ".cc", ".cpp")


def secrets() -> tuple[str, str, str]:
    """Secrets drawn afresh each run. The GitHub token carries a valid CRC-32 checksum, as a
    real one does (a scanner that checks it would rightly drop one that fails)."""
    r = random.SystemRandom()
    b62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
    body = "".join(r.choice(string.ascii_letters + string.digits) for _ in range(30))
    n, check = zlib.crc32(body.encode()), ""
    while n:
        check, n = b62[n % 62] + check, n // 62
    token = "ghp_" + body + check.rjust(6, "0")
    aws_id = "AKIA" + "".join(r.choice(string.ascii_uppercase + "234567") for _ in range(16))
    aws_secret = "".join(r.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))
    return token, aws_id, aws_secret


def settings_file() -> str:
    token, aws_id, aws_secret = secrets()
    head = ['"""Deployment settings for the nightly export job.', "",
            "Loaded by the scheduler on start-up; see the operations handbook for the rotation policy.",
            '"""', "import logging", "import os", "", "LOG = logging.getLogger(__name__)", "",
            'EXPORT_BUCKET = "reports-eu-west-1"', 'EXPORT_PREFIX = "nightly/"', 'EXPORT_REGION = "eu-west-1"',
            "RETRY_LIMIT = 5", "RETRY_BACKOFF_SECONDS = 30", "TIMEOUT_SECONDS = 900", "",
            "# Pushes the generated changelog to the release repository.",
            'GITHUB_API = "https://api.github.com"', f'GITHUB_TOKEN = "{token}"', "",
            "# Upload credentials for the export bucket.", f'AWS_ACCESS_KEY_ID = "{aws_id}"',
            f'aws_secret_access_key = "{aws_secret}"', "", "", "def export_settings():",
            '    """Return the settings the export job reads, with environment overrides applied."""',
            "    settings = {", '        "bucket": os.environ.get("EXPORT_BUCKET", EXPORT_BUCKET),',
            '        "prefix": os.environ.get("EXPORT_PREFIX", EXPORT_PREFIX),', '        "region": EXPORT_REGION,',
            '        "retries": RETRY_LIMIT,', '        "backoff": RETRY_BACKOFF_SECONDS,',
            '        "timeout": TIMEOUT_SECONDS,', "    }", "    return settings", "", "",
            'if __name__ == "__main__":', "    print(export_settings())"]
    assert len(head) == 40
    return "\n".join(head) + "\n"


def pick_files(src: Path, nfiles: int, nlines: int) -> list[tuple[Path, str, int]]:
    """About `nfiles` source files holding about `nlines` lines in all, taken round-robin
    across the projects under `src` (sorted, so the same set every run)."""
    per_project = []
    for proj in sorted(p for p in src.iterdir() if p.is_dir()):
        files = []
        for dirpath, dirs, names in os.walk(proj):
            dirs.sort()
            for n in sorted(names):
                if n.endswith(CODE):
                    files.append(Path(dirpath) / n)
        per_project.append(files)
    avg = nlines / nfiles
    chosen, lines, i = [], 0, 0
    while len(chosen) < nfiles and any(i < len(f) for f in per_project):
        for files in per_project:
            if i >= len(files) or len(chosen) >= nfiles:
                continue
            f = files[i]
            try:
                data = f.read_bytes()
            except OSError:
                continue
            if b"\0" in data or len(data) > 512 * 1024:
                continue
            n = data.count(b"\n")
            # Keep the running mean near the target: skip files that would pull it away.
            want = avg * (len(chosen) + 1) - lines
            if n > 3 * avg and n > want * 2:
                continue
            chosen.append((f, str(f.relative_to(src)), n))
            lines += n
        i += 1
    return chosen


def make_repo(path: Path, env: dict) -> None:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main", env=env)
    (path / "README.md").write_text("# bench\n")
    git(path, "add", "README.md", env=env)
    git(path, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "start", env=env)


def peers(want: bool, files: list[str], cwd: str, env: dict) -> list[Cmd]:
    if not want:
        return []
    out = []
    if gl := benchlib.peer("gitleaks"):
        out.append(Cmd("gitleaks git --pre-commit --staged", [gl, "git", "--pre-commit", "--staged", "--no-banner", "."], cwd, env))
    if kf := benchlib.peer("kingfisher"):
        out.append(Cmd("kingfisher scan --staged", [kf, "scan", ".", "--staged", "--no-validate", "--no-update-check"], cwd, env))
    if len(files) > 100:
        note("detect-secrets and ripsecrets are left out of a large commit (one run takes minutes)")
    elif ds := benchlib.peer("detect-secrets"):
        out.append(Cmd("detect-secrets-hook FILES", [ds, *files], cwd, env))
    if len(files) <= 100 and (rs := benchlib.peer("ripsecrets")):
        out.append(Cmd("ripsecrets FILES", [rs, *files], cwd, env))
    return out


def findings(lg: str, cwd: str, env: dict) -> int | str:
    out = subprocess.run([lg, "staged", "--format", "json"], cwd=cwd, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    try:
        doc = json.loads(out.stdout)
    except ValueError:
        return "?"
    return len(doc["findings"]) if isinstance(doc, dict) and "findings" in doc else (len(doc) if isinstance(doc, list) else "?")


def run(a, large: bool) -> None:
    lg = benchlib.leakguard(a.leakguard)
    with tempfile.TemporaryDirectory(prefix="bench-staged-") as tmp:
        work = Path(a.keep or tmp)
        if a.keep:
            shutil.rmtree(work, ignore_errors=True)
            note(f"the repository is kept at {work}/repo")
        (work / "home").mkdir(parents=True)
        env = benchlib.quiet_git_env(str(work / "home"))
        repo = work / "repo"
        if large:
            src = Path(a.src)
            if a.repo:
                git(None, "clone", "-q", "--shared", a.repo, str(repo), env=env)
            else:
                make_repo(repo, env)
            chosen = pick_files(src, a.files, a.lines)
            for f, rel, _ in chosen:
                dest = repo / "large" / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f, dest)
            git(repo, "add", "large", env=env)
            files = [str(Path("large") / rel) for _, rel, _ in chosen]
            what = f"{len(chosen)} files, {sum(n for *_, n in chosen)} added lines from {src}"
        else:
            if a.repo:
                git(None, "clone", "-q", "--shared", a.repo, str(repo), env=env)
            else:
                note("no REPO given: the one-file commit goes into a fresh, small repository")
                make_repo(repo, env)
            (repo / "bench-staged").mkdir()
            (repo / "bench-staged" / "deploy_settings.py").write_text(settings_file())
            git(repo, "add", "bench-staged", env=env)
            files = ["bench-staged/deploy_settings.py"]
            what = "one 40-line file holding a GitHub token and an AWS key pair"
        cwd = str(repo)
        staged = git(repo, "diff", "--cached", "--numstat", capture=True, env=env).splitlines()
        cmds = [Cmd("git diff --cached --name-only", ["git", "diff", "--cached", "--name-only"], cwd, env),
                Cmd("git diff --cached", ["git", "diff", "--cached"], cwd, env),
                Cmd("leakguard staged", [lg, "staged"], cwd, env)]
        if a.baseline:
            cmds.append(Cmd("leakguard staged (baseline)", [str(Path(a.baseline).resolve()), "staged"], cwd, env))
        if a.single:
            cmds.append(Cmd("leakguard staged (one thread)", [lg, "staged"], cwd,
                            {**env, "LEAKGUARD_STAGED_THREADS": "1"}))
        cmds += peers(a.peers, files, cwd, env)
        found = findings(lg, cwd, env)
        benchlib.measure(cmds, a.runs, a.warmup)
        floor = "git diff --cached" if large else "git diff --cached --name-only"
        other = "git diff --cached --name-only" if large else "git diff --cached"
        rows = benchlib.results(cmds, floor, (other,))
        files_in_index = len(git(repo, "ls-files", "-z", capture=True, env=env).split("\0")) - 1
        benchlib.report("large commit" if large else "commit latency", rows, {
            "staged": what, "changes": len(staged), "files_in_index": files_in_index,
            "leakguard": f"{lg} ({found} findings in its JSON report)", "load_before": a.load_before,
            "floor": floor}, a.json, ms=True)
