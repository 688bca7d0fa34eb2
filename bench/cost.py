"""Does leakguard's cost grow linearly? (a benchmark, not a test; issue 12, item 11)

Times, with a release binary:
  - `leakguard staged` on one staged file of 1, 4 and 16 MB of dense findings
    (`password = "<random>"` lines, every line a finding);
  - `leakguard scan` of a small file with 500, 1,000, 2,000 and 10,000 custom rules;
  - `leakguard scan` of a 200 KB line with costly custom regexes (`a{100000}` is refused by
    the size limit; `(?s).{20000}!` must stay bounded).

    python3 bench/suite.py cost [--bin PATH] [--sizes 1,4,16] [--rules 500,1000,2000,10000]

Needs python3 and git only; installs nothing. Work happens in a temp dir, removed after.
"""

import argparse
import os
import random
import resource
import string
import subprocess
import sys
import tempfile
import time

from benchlib import ROOT
from benchlib import quiet_git_env as env

ROOT = str(ROOT)


def git(cwd, e, *args):
    subprocess.run(["git", *args], cwd=cwd, env=e, check=True, stdout=subprocess.DEVNULL)


def timed(cmd, cwd, e):
    """Wall seconds and the run's output; `timed.cpu` holds its CPU seconds (user + system),
    which a machine shared with other work disturbs less than the wall clock."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    timed.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, out


def dense_findings(size_mb, rng):
    alphabet = string.ascii_letters + string.digits
    lines, total, target = [], 0, size_mb * 1024 * 1024
    while total < target:
        value = "".join(rng.choice(alphabet) for _ in range(20))
        line = f'password = "{value}"\n'
        lines.append(line)
        total += len(line)
    return "".join(lines)


def bench_staged(binary, sizes, work, e):
    rng = random.Random(12)
    print("dense findings, `leakguard staged --format json` (one staged file):")
    for mb in sizes:
        repo = os.path.join(work, f"staged-{mb}")
        os.makedirs(repo)
        git(repo, e, "init", "-q", "-b", "main")
        with open(os.path.join(repo, "settings.conf"), "w") as f:
            f.write(dense_findings(mb, rng))
        git(repo, e, "add", "settings.conf")
        seconds, out = timed([binary, "staged", "--format", "json"], repo, e)
        findings = out.stdout.count(b'"rule_id"')
        print(f"  {mb:>3} MB: {seconds:7.2f} s wall  {timed.cpu:7.2f} s cpu  exit {out.returncode}  "
              f"{findings} findings  {timed.cpu / mb:6.2f} cpu s/MB")


def custom_rules(n):
    parts = ["[rules]\nbuiltin = true\n"]
    for i in range(n):
        parts.append(f"\n[[rules.custom]]\nid = \"team-token-{i}\"\ndescription = \"Team token {i}\"\n"
                     f"keywords = [\"tt{i}_\"]\nregex = '''tt{i}_[A-Za-z0-9]{{24}}'''\n")
    return "".join(parts)


def bench_rules(binary, counts, work, e):
    print("custom rules, `leakguard scan` of a one-line file:")
    for n in counts:
        d = os.path.join(work, f"rules-{n}")
        os.makedirs(d)
        with open(os.path.join(d, "rules.toml"), "w") as f:
            f.write(custom_rules(n))
        with open(os.path.join(d, "a.txt"), "w") as f:
            f.write("tt7_" + "Rb8vX2qLmZ4kP2xW9rT5vB8nL3cJ6hGd\n")
        seconds, out = timed([binary, "scan", "a.txt", "--config", "rules.toml"], d, e)
        print(f"  {n:>6} rules: {seconds:7.2f} s wall  {timed.cpu:7.2f} s cpu  exit {out.returncode}  "
              f"{timed.cpu * 1000 / n:6.3f} cpu ms/rule")


def bench_regex(binary, work, e):
    print("costly custom regexes on a 200 KB line, `leakguard scan`:")
    for name, regex in [("a{100000}", "a{100000}"), ("(?s).{20000}!", "(?s).{20000}!"), ("(?s).{1000}!", "(?s).{1000}!"), ("(?s).{200}!", "(?s).{200}!"), ("(a|aa)*b", "(a|aa)*b")]:
        d = os.path.join(work, "regex-" + str(abs(hash(name))))
        os.makedirs(d)
        with open(os.path.join(d, "rules.toml"), "w") as f:
            f.write(f"[[rules.custom]]\nid = \"costly\"\ndescription = \"costly\"\nkeywords = [\"a\"]\n"
                    f"regex = '''{regex}'''\n")
        with open(os.path.join(d, "a.txt"), "w") as f:
            f.write("a" * 200_000 + "\n")
        try:
            seconds, out = timed([binary, "scan", "a.txt", "--config", "rules.toml"], d, e)
        except subprocess.TimeoutExpired:
            print(f"  {name:>14}: over the limit")
            continue
        first = (out.stderr.decode(errors="replace").strip().splitlines() or [""])[0][:100]
        print(f"  {name:>14}: {seconds:7.2f} s wall  {timed.cpu:7.2f} s cpu  exit {out.returncode}  {first}")


def main(argv=None):
    p = argparse.ArgumentParser(prog="suite.py cost", description=__doc__.splitlines()[0])
    p.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "leakguard"))
    p.add_argument("--sizes", default="1,4,16")
    p.add_argument("--rules", default="500,1000,2000,10000")
    p.add_argument("--skip", default="", help="comma list of parts to skip: staged,rules,regex")
    a = p.parse_args(argv)
    if not os.access(a.bin, os.X_OK):
        sys.exit(f"no binary at {a.bin}: cargo build --release first")
    skip = set(filter(None, a.skip.split(",")))
    with tempfile.TemporaryDirectory(prefix="leakguard-bench-") as work:
        home = os.path.join(work, "home")
        os.makedirs(home)
        e = env(home)
        if "staged" not in skip:
            bench_staged(a.bin, [int(s) for s in a.sizes.split(",")], work, e)
        if "rules" not in skip:
            bench_rules(a.bin, [int(s) for s in a.rules.split(",")], work, e)
        if "regex" not in skip:
            bench_regex(a.bin, work, e)

