#!/usr/bin/env python3
"""Benchmark (not a test) of `leakguard lsp` on every keystroke: a 5,000-line file is opened,
then 200 didChange notifications (full text, as the server asks) are each timed until the
publishDiagnostics of that version arrives. Prints the median and 95th percentile.

    python3 bench/lsp.py [path/to/leakguard]   (default: target/release/leakguard)

Standard library only. The file is our own synthetic Python: config-like lines full of
keywords the prefilter wakes on (token, password, key, secret), and one made-up GitHub token
that every other change removes, so half the scans publish a diagnostic and half clear it.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

LINES = 5000
CHANGES = 200
TOKEN = "ghp_" + "R8kPq2Zt5Lw9Xn3Vb7Hd1Jf6Mc4Gs0Ya2TeQ"


def synthetic_file():
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


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/leakguard")
    with tempfile.TemporaryDirectory() as repo:
        subprocess.run(["git", "init", "-q", repo], check=True)
        path = os.path.join(repo, "service.py")
        lines = synthetic_file()
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        uri = "file://" + path
        server = Server(binary, repo)
        server.request("initialize", {"processId": None, "rootUri": "file://" + repo, "capabilities": {}})
        server.notify("initialized", {})
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "\n".join(lines) + "\n"}})
        server.diagnostics(1)

        times = []
        found = 0
        for n in range(CHANGES):
            version = n + 2
            # A keystroke somewhere in the middle; every other one also holds the token.
            at = 2500 + n % 50
            edited = list(lines)
            edited[at] = edited[at] + f"  # edit {n}"
            if n % 2 == 0:
                edited[LINES // 2] = f"    github = \"{TOKEN}\""
            text = "\n".join(edited) + "\n"
            params = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}
            start = time.perf_counter()
            server.notify("textDocument/didChange", params)
            diagnostics = server.diagnostics(version)
            times.append((time.perf_counter() - start) * 1000)
            found += bool(diagnostics)
            if bool(diagnostics) != (n % 2 == 0):
                raise SystemExit(f"change {n}: expected {'a' if n % 2 == 0 else 'no'} diagnostic, got {diagnostics}")

        server.request("shutdown", None)
        server.notify("exit", None)
        server.proc.wait()
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        size = len(text.encode())
        print(f"{CHANGES} didChange -> publishDiagnostics round trips on a {LINES}-line file ({size} bytes), {found} with a finding")
        print(f"median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms")


if __name__ == "__main__":
    main()
