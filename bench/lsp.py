#!/usr/bin/env python3
"""Benchmark (not a test) of `leakguard lsp` on every keystroke: a 5,000-line file is opened,
then 200 one-character didChange notifications are each timed until the publishDiagnostics of
that version arrives. Two files (dense: keywords the prefilter wakes on, on every line; sparse:
ordinary code with a keyword every 50 lines), two ways to send a change (incremental: the
edited range; full: the whole text), and, with --old, an older binary run back to back with
the new one on each case. Prints medians, 95th percentiles and the ratio of medians.

    python3 bench/lsp.py [--old path/to/old/leakguard] [path/to/leakguard]
    (default: target/release/leakguard)

Standard library only. The files are our own synthetic Python. One line holds a made-up GitHub
token with one character wrong; every other change fixes or breaks that character, so a
quarter of the scans publish a diagnostic and the others clear it; the changes in between type
a character on a line near the middle.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import benchlib  # the suite's shared module: the binary, the load average

LINES = 5000
CHANGES = 200
TOKEN_LINE = LINES // 2
# Made up; `ghq_` is no prefix any rule knows, `ghp_` is a classic GitHub token.
TOKEN_REST = "R8kPq2Zt5Lw9Xn3Vb7Hd1Jf6Mc4Gs0Ya2TeQ"


def dense_file():
    lines = []
    for i in range(LINES):
        kind = i % 10
        if kind == 0:
            lines.append(f"def handler_{i}(request, token=None):")
        elif kind == 1:
            lines.append(f"    password = os.environ.get(\"APP_PASSWORD_{i}\")")
        elif kind == 2:
            lines.append(f"    api_key = settings.get(\"key_{i}\", default=None)  # looked up at run time")
        elif kind == 3:
            lines.append(f"    secret_name = \"projects/demo/secrets/item-{i}/versions/latest\"")
        elif kind == 4:
            lines.append(f"    headers = {{\"Authorization\": f\"Bearer {{token}}\", \"X-Request\": \"{i:08x}\"}}")
        else:
            lines.append(f"    total_{i} = sum(value * {i} for value in range({i % 97}))  # plain code")
    return lines


def sparse_file():
    lines = []
    for i in range(LINES):
        if i % 50 == 0:
            lines.append(f"    token_{i} = session.get(\"token\")")
        elif i % 10 == 0:
            lines.append(f"def step_{i}(rows, limit={i % 97}):")
        else:
            lines.append(f"    total_{i} = sum(row.count * {i} for row in rows[:limit])  # plain code")
    return lines


class Server:
    def __init__(self, binary, cwd):
        self.proc = subprocess.Popen([binary, "lsp"], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.read()
            if message.get("id") == self.next_id:
                return message

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, version):
        while True:
            message = self.read()
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"].get("version") == version:
                return message["params"]["diagnostics"]


def keystrokes(lines):
    """The 200 one-character edits: (line, character, removed length, new text, token on after)."""
    token_at = lines[TOKEN_LINE].index("ghq_") + 2
    edits = []
    on = False
    typed = {}
    for n in range(CHANGES):
        if n % 2 == 0:
            on = not on
            edits.append((TOKEN_LINE, token_at, 1, "p" if on else "q", on))
        else:
            at = TOKEN_LINE + 10 + n % 50
            col = len(lines[at]) + typed.get(at, 0)
            typed[at] = typed.get(at, 0) + 1
            edits.append((at, col, 0, "x", on))
    return edits


def run(binary, lines, incremental):
    """Opens the file, sends every keystroke, returns the round-trip times in ms."""
    with tempfile.TemporaryDirectory() as repo:
        subprocess.run(["git", "init", "-q", repo], check=True)
        path = os.path.join(repo, "service.py")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        uri = "file://" + path
        server = Server(binary, repo)
        init = server.request("initialize", {"processId": None, "rootUri": "file://" + repo, "capabilities": {}})
        advertised = init["result"]["capabilities"]["textDocumentSync"]["change"]
        server.notify("initialized", {})
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "\n".join(lines) + "\n"}})
        if server.diagnostics(1):
            raise SystemExit("the file opens with a finding")
        current = list(lines)
        times = []
        for n, (line, col, removed, text, on) in enumerate(keystrokes(lines)):
            version = n + 2
            current[line] = current[line][:col] + text + current[line][col + removed:]
            if incremental:
                change = {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + removed}}, "text": text}
            else:
                change = {"text": "\n".join(current) + "\n"}
            params = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}
            start = time.perf_counter()
            server.notify("textDocument/didChange", params)
            diagnostics = server.diagnostics(version)
            times.append((time.perf_counter() - start) * 1000)
            if bool(diagnostics) != on:
                raise SystemExit(f"{binary}, change {n}: expected {'a' if on else 'no'} diagnostic, got {diagnostics}")
        server.request("shutdown", None)
        server.notify("exit", None)
        server.proc.wait()
        return times, advertised


def summary(times):
    times = sorted(times)
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", help="an older leakguard binary, run back to back with the new one")
    parser.add_argument("binary", nargs="?", help="default: $LEAKGUARD or target/release/leakguard")
    args = parser.parse_args()
    binaries = [("new", benchlib.leakguard(args.binary))]
    if args.old:
        binaries.insert(0, ("old", os.path.abspath(args.old)))
    files = [("dense", dense_file()), ("sparse", sparse_file())]
    for _, lines in files:
        lines[TOKEN_LINE] = f"    github = \"ghq_{TOKEN_REST}\""
    print(f"load average: {benchlib.load()}")
    print(f"{CHANGES} one-character didChange -> publishDiagnostics round trips on {LINES}-line files, times in ms")
    print(f"{'file':7} {'sync':12} " + " ".join(f"{name + ' median':>11} {name + ' p95':>8}" for name, _ in binaries) + ("  old/new" if args.old else ""))
    for file_name, lines in files:
        for incremental in (True, False):
            row = []
            medians = []
            notes = []
            for name, binary in binaries:
                times, advertised = run(binary, lines, incremental)
                median, p95 = summary(times)
                medians.append(median)
                row.append(f"{median:11.2f} {p95:8.2f}")
                if incremental and advertised != 2:
                    notes.append(f"{name} advertises full sync (it applies ranged edits anyway)")
            ratio = f"  {medians[0] / medians[1]:6.1f}x" if args.old else ""
            size = len(("\n".join(lines) + "\n").encode())
            sync = "incremental" if incremental else "full"
            print(f"{file_name:7} {sync:12} " + " ".join(row) + ratio + (f"   ({size} bytes)" if incremental else "") + "".join(f"; {n}" for n in notes))


if __name__ == "__main__":
    main()
