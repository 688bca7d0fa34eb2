#!/usr/bin/env python3
"""leakguard's benchmark suite: every speed figure in docs and issues comes from here.

    python3 bench/suite.py repo DIR [--versions N]     build a large real-code history repository
    python3 bench/suite.py commits DIR [--commits N]   build a long history of small real-code changes
    python3 bench/suite.py staged [REPO] [--peers]      one 40-line file staged in a large repository
    python3 bench/suite.py large [--src DIR] [--peers]  a ~2,500-file, ~338,000-line staged commit
    python3 bench/suite.py history REPO [--peers]       every blob of a repository's history
    python3 bench/suite.py rules [REPO]                 full catalogue vs a 20-rule build
    python3 bench/suite.py cost                         does the cost grow linearly?

Each benchmark times leakguard and its references in the same run, interleaved, and reports
median ratios to a floor (the least any tool must do): the machines are shared and noisy, so
only a ratio within one run means anything. Peers (gitleaks, Kingfisher, detect-secrets,
ripsecrets) are found on PATH; a missing one is named with its install line and skipped.
Nothing is installed, except the repo builder's private venv under its cache folder.
Python stdlib only. --json prints the results as JSON.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402


def cmd_repo(a) -> None:
    import repo

    pkgs = (a.packages or os.environ.get("BENCH_PACKAGES") or repo.DEFAULT_PACKAGES).split()
    repo.build(Path(a.dir).resolve(), Path(a.cache).resolve(), a.versions, a.jobs, pkgs, not a.no_fetch)


def cmd_commits(a) -> None:
    import commits

    commits.build(Path(a.dir).resolve(), Path(a.src), a.commits, a.files, a.seed)


def cmd_staged(a) -> None:
    import staged

    staged.run(a, large=False)


def cmd_large(a) -> None:
    import staged

    staged.run(a, large=True)


def cmd_history(a) -> None:
    import history

    history.run(a)


def cmd_rules(a) -> None:
    import rules

    rules.run(a)


def main() -> None:
    if sys.argv[1:2] == ["cost"]:  # its own options, passed through
        import cost

        return cost.main(sys.argv[2:])

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)

    r = sub.add_parser("repo", help="build a large real-code history repository")
    r.add_argument("dir")
    r.add_argument("--versions", type=int, default=200, help="newest N releases of each package (200)")
    r.add_argument("--jobs", type=int, default=(os.cpu_count() or 1) + 2, help="parallel pip batches")
    r.add_argument("--cache", default=os.environ.get("BENCH_CACHE", "/tmp/bench-cache"),
                   help="download cache and private venvs (default /tmp/bench-cache)")
    r.add_argument("--packages", help="space-separated package names")
    r.add_argument("--no-fetch", action="store_true", help="import only what the cache already holds")
    r.set_defaults(fn=cmd_repo)

    c = sub.add_parser("commits", help="build a long history of small real-code changes")
    c.add_argument("dir")
    c.add_argument("--src", default="/work/cache/src", help="folder of projects to take files from")
    c.add_argument("--commits", type=int, default=24000, help="commits in all (24000)")
    c.add_argument("--files", type=int, default=2000, help="files in the first commit (2000)")
    c.add_argument("--seed", type=int, default=13, help="random seed (13)")
    c.set_defaults(fn=cmd_commits)

    def timed(name, help_, runs, warmup):
        s = sub.add_parser(name, help=help_)
        s.add_argument("--leakguard", help="the binary (default: $LEAKGUARD or target/release/leakguard)")
        s.add_argument("--runs", type=int, default=runs, help=f"timed runs per command ({runs})")
        s.add_argument("--warmup", type=int, default=warmup, help=f"untimed runs per command first ({warmup})")
        s.add_argument("--json", action="store_true", help="print the results as JSON")
        s.add_argument("--baseline", help="another leakguard binary to time beside it (staged, large)")
        return s

    s = timed("staged", "one 40-line file staged in a large repository", 30, 3)
    s.add_argument("repo", nargs="?", help="a large repository, cloned (--shared) so it stays untouched")
    s.add_argument("--peers", action="store_true", help="also time the peers found on PATH")
    s.add_argument("--single", action="store_true", help="also time leakguard on one thread")
    s.add_argument("--keep", help="build in this folder and keep it (default: a temp dir)")
    s.set_defaults(fn=cmd_staged)

    s = timed("large", "a large staged commit of real code", 10, 1)
    s.add_argument("--src", default="/work/cache/src", help="folder of projects to copy code from")
    s.add_argument("--repo", help="stage it in a clone of this repository (default: a fresh one)")
    s.add_argument("--files", type=int, default=2500, help="files in the commit (2500)")
    s.add_argument("--lines", type=int, default=338000, help="added lines in all, roughly (338000)")
    s.add_argument("--peers", action="store_true", help="also time the peers found on PATH")
    s.add_argument("--single", action="store_true", help="also time leakguard on one thread")
    s.add_argument("--keep", help="build in this folder and keep it (default: a temp dir)")
    s.set_defaults(fn=cmd_large)

    s = timed("history", "every blob of a repository's history", 3, 1)
    s.add_argument("repo")
    s.add_argument("--peers", action="store_true", help="also time the peers found on PATH")
    s.add_argument("--scan", action="store_true", help="also time `leakguard scan` of the work tree")
    s.set_defaults(fn=cmd_history)

    s = timed("rules", "full rule catalogue vs a 20-rule build, one-file commit", 40, 3)
    s.add_argument("repo", nargs="?", help="a large repository (default: a synthetic one)")
    s.add_argument("--count", type=int, default=20, help="rules in the small build (20)")
    s.add_argument("--target-dir", default="/tmp/bench-rules-target", help="where the small build goes")
    s.set_defaults(fn=cmd_rules)

    sub.add_parser("cost", help="does the cost grow linearly? (suite.py cost --help)", add_help=False)

    a = p.parse_args()
    a.load_before = benchlib.load()
    a.fn(a)


if __name__ == "__main__":
    main()
