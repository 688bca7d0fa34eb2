//! `leakguard lsp`: the real binary, spoken to in JSON-RPC with `Content-Length` framing over
//! its stdin and stdout, as an editor does.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

use serde_json::{json, Value};

use crate::util::{leakguard_bin, TestRepo};

/// Our own made-up classic GitHub token (`ghp_` and 36 letters and digits), built at run time.
fn token() -> String {
    format!("ghp_{}", "R8kPq2Zt5Lw9Xn3Vb7Hd1Jf6Mc4Gs0Ya2TeQ")
}

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
}

impl Client {
    fn start(repo: &TestRepo) -> Client {
        let mut child = repo
            .command(leakguard_bin())
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start leakguard lsp");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Client { child, stdin, stdout, next_id: 0 }
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write header");
        self.stdin.write_all(body).expect("write body");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send_raw(json!({ "jsonrpc": "2.0", "method": method, "params": params }).to_string().as_bytes());
    }

    /// Sends a request and returns its response (notifications met on the way are skipped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send_raw(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string().as_bytes());
        self.until(|m| m["id"] == id)
    }

    fn read(&mut self) -> Value {
        let mut length = None;
        loop {
            let mut line = String::new();
            assert!(self.stdout.read_line(&mut line).expect("read header") > 0, "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = Some(n.parse::<usize>().expect("a number"));
            }
        }
        let mut body = vec![0; length.expect("a Content-Length header")];
        self.stdout.read_exact(&mut body).expect("read body");
        serde_json::from_slice(&body).expect("the server writes JSON")
    }

    fn until(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self.read();
            if wanted(&message) {
                return message;
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let m = self.until(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri);
        m["params"]["diagnostics"].as_array().expect("a list").clone()
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) -> Vec<Value> {
        let item = json!({ "uri": uri, "languageId": language, "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": item }));
        self.diagnostics(uri)
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) -> Vec<Value> {
        let params = json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] });
        self.notify("textDocument/didChange", params);
        self.diagnostics(uri)
    }

    /// An incremental change: `edits` are `(start line, start character, end line, end
    /// character, new text)`, applied in order, positions in UTF-16 units.
    fn edit(&mut self, uri: &str, version: i32, edits: &[(u32, u32, u32, u32, &str)]) -> Vec<Value> {
        let changes: Vec<Value> = edits
            .iter()
            .map(|&(l0, c0, l1, c1, text)| json!({ "range": { "start": { "line": l0, "character": c0 }, "end": { "line": l1, "character": c1 } }, "text": text }))
            .collect();
        self.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }));
        self.diagnostics(uri)
    }

    fn initialize(&mut self, repo: &TestRepo) -> Value {
        let root = format!("file://{}", repo.path().display());
        let response = self.request("initialize", json!({ "processId": null, "rootUri": root, "capabilities": {} }));
        self.notify("initialized", json!({}));
        response
    }

    /// shutdown, then exit: the process must end with status 0.
    fn shutdown_and_exit(mut self) {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("wait for the server");
        assert_eq!(status.code(), Some(0), "exit after shutdown is a clean exit");
    }
}

fn uri_of(repo: &TestRepo, rel: &str) -> String {
    format!("file://{}/{rel}", repo.path().display())
}

/// A zero-width edit's new text inserted at its (line, UTF-16 character) position.
fn apply_insert(text: &str, edit: &Value) -> String {
    let (line, character) = (edit["range"]["start"]["line"].as_u64().unwrap() as usize, edit["range"]["start"]["character"].as_u64().unwrap() as usize);
    assert_eq!(edit["range"]["start"], edit["range"]["end"], "an insertion");
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let target = &lines[line];
    let units: Vec<u16> = target.encode_utf16().collect();
    let (before, after) = units.split_at(character);
    lines[line] = format!("{}{}{}", String::from_utf16(before).unwrap(), edit["newText"].as_str().unwrap(), String::from_utf16(after).unwrap());
    lines.join("\n")
}

#[test]
fn diagnostics_follow_the_buffer_and_the_allow_action_silences_them() {
    let repo = TestRepo::new();
    let token = token();
    // The token's line starts with characters that are 1, 2 and 2 bytes long and 1, 2 and 1
    // UTF-16 units: only UTF-16 columns land on the token.
    let line = format!("greeting = \"é🔑ß\"; token = \"{token}\"");
    let text = format!("import os\n# settings\n{line}\nprint(greeting)\n");
    let clean = "import os\n# settings\ngreeting = \"é🔑ß\"; token = os.environ[\"TOKEN\"]\nprint(greeting)\n";
    repo.write("app.py", &text);
    assert_eq!(repo.leakguard(&["scan", "app.py"]).status.code(), Some(1), "the example token is detected");
    // The buffer, not the file, is scanned: the file on disk stays clean from here on.
    repo.write("app.py", clean);

    let mut client = Client::start(&repo);
    let init = client.initialize(&repo);
    assert_eq!(init["result"]["capabilities"]["textDocumentSync"]["change"], 2, "incremental sync: {init}");
    let uri = uri_of(&repo, "app.py");

    let found = client.open(&uri, "python", &text);
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    let start = line[..line.find(&token).unwrap()].encode_utf16().count() as u64;
    assert_eq!(d["range"]["start"], json!({ "line": 2, "character": start }));
    assert_eq!(d["range"]["end"], json!({ "line": 2, "character": start + token.len() as u64 }));
    assert_eq!(d["severity"], 1, "a blocking rule is an error");
    assert_eq!(d["code"], "github-pat-classic");
    assert_eq!(d["source"], "leakguard");
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("GitHub") && message.contains("leakguard:allow github-pat-classic"), "{message}");
    assert!(!message.contains(&token), "the secret is never shown in clear: {message}");

    assert_eq!(client.change(&uri, 2, clean), Vec::<Value>::new(), "the token is gone: diagnostics cleared");
    assert_eq!(client.change(&uri, 3, &text).len(), 1, "and back");

    let range = json!({ "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 0 } });
    let actions = client.request("textDocument/codeAction", json!({ "textDocument": { "uri": uri }, "range": range, "context": { "diagnostics": found } }));
    let actions = actions["result"].as_array().expect("a list of actions").clone();
    let allow = actions.iter().find(|a| a["edit"].is_object()).expect("an allow action");
    assert!(actions.iter().any(|a| a["command"]["command"] == "leakguard.addToBaseline"), "{actions:?}");
    let edits = allow["edit"]["changes"][&uri].as_array().expect("edits for the document");
    assert_eq!(edits.len(), 1);
    assert!(edits[0]["newText"].as_str().unwrap().contains("# leakguard:allow github-pat-classic"), "{edits:?}");
    let allowed = apply_insert(&text, &edits[0]);
    assert!(allowed.lines().nth(2).unwrap().starts_with(&line), "appended after the token: {allowed}");
    assert_eq!(client.change(&uri, 4, &allowed), Vec::<Value>::new(), "the inserted comment is honoured");

    assert_eq!(client.change(&uri, 5, &text).len(), 1);
    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new(), "closing clears the document's diagnostics");

    // A malformed message is answered with an error and the server carries on.
    client.send_raw(b"{\"jsonrpc\": \"2.0\", \"id\": ");
    let error = client.read();
    assert_eq!(error["error"]["code"], -32700, "{error}");
    let unknown = client.request("textDocument/hover", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");

    client.shutdown_and_exit();
}

#[test]
fn add_to_baseline_writes_the_repository_baseline() {
    let repo = TestRepo::new();
    let token = token();
    let text = format!("const TOKEN = \"{token}\";\n");
    repo.write("src/main.rs", &text);
    let mut client = Client::start(&repo);
    client.initialize(&repo);
    let uri = uri_of(&repo, "src/main.rs");
    let found = client.open(&uri, "rust", &text);
    assert_eq!(found.len(), 1, "{found:?}");

    let range = found[0]["range"].clone();
    let actions = client.request("textDocument/codeAction", json!({ "textDocument": { "uri": uri }, "range": range, "context": { "diagnostics": found } }));
    let allow = actions["result"].as_array().unwrap().iter().find(|a| a["edit"].is_object()).expect("an allow action").clone();
    assert!(allow["edit"]["changes"][&uri][0]["newText"].as_str().unwrap().contains("// leakguard:allow github-pat-classic"), "{allow}");
    let command = actions["result"].as_array().unwrap().iter().find(|a| a["command"].is_object()).expect("a baseline action")["command"].clone();
    let done = client.request("workspace/executeCommand", json!({ "command": command["command"], "arguments": command["arguments"] }));
    assert!(done.get("error").is_none(), "{done}");
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new(), "the baselined finding is hidden");

    let baseline = String::from_utf8(repo.read(".leakguard-baseline.toml")).expect("text");
    assert!(baseline.contains("path = \"src/main.rs\"") && baseline.contains("github-pat-classic"), "{baseline}");
    assert!(!baseline.contains(&token[4..]), "the baseline never holds the secret");
    assert_eq!(repo.leakguard(&["scan", "src/main.rs"]).status.code(), Some(0), "the CLI honours the entry the editor wrote");
    client.shutdown_and_exit();
}

/// The (line, character) where each diagnostic starts.
fn starts(diagnostics: &[Value]) -> Vec<(u64, u64)> {
    diagnostics.iter().map(|d| (d["range"]["start"]["line"].as_u64().unwrap(), d["range"]["start"]["character"].as_u64().unwrap())).collect()
}

#[test]
fn incremental_edits_move_and_clear_diagnostics() {
    let repo = TestRepo::new();
    let token = token();
    let mut lines: Vec<String> = (0..400).map(|i| format!("    total_{i} = sum(row.count for row in rows)  # token lookups stay in config")).collect();
    lines[0] = "import os".to_string();
    let text = lines.join("\n") + "\n";
    let mut client = Client::start(&repo);
    client.initialize(&repo);
    let uri = uri_of(&repo, "service.py");
    assert_eq!(client.open(&uri, "python", &text), Vec::<Value>::new(), "a clean file");

    // A token typed in mid-file: the diagnostic is on its line.
    let inserted = format!("github = \"{token}\"\n");
    let found = client.edit(&uri, 2, &[(200, 0, 200, 0, &inserted)]);
    assert_eq!(starts(&found), [(200, 10)], "{found:?}");
    assert_eq!(found[0]["code"], "github-pat-classic");

    // Lines added above, and one removed further above: the diagnostic follows its line.
    let found = client.edit(&uri, 3, &[(10, 0, 10, 0, "# one\n# two\n# three\n"), (50, 0, 51, 0, "")]);
    assert_eq!(starts(&found), [(202, 10)], "{found:?}");

    // One character broken inside the token, then mended: cleared, then back.
    let found = client.edit(&uri, 4, &[(202, 12, 202, 13, "q")]);
    assert_eq!(found, Vec::<Value>::new(), "ghq_ is no token");
    let found = client.edit(&uri, 5, &[(202, 12, 202, 13, "p")]);
    assert_eq!(starts(&found), [(202, 10)], "{found:?}");

    // Wide characters typed before it on the same line: columns count UTF-16 units (é is one,
    // 🔑 two), and an edit ranged in those units lands where the editor means.
    let found = client.edit(&uri, 6, &[(202, 0, 202, 0, "é🔑 = 1; ")]);
    assert_eq!(starts(&found), [(202, 19)], "{found:?}");
    let found = client.edit(&uri, 7, &[(202, 3, 202, 3, "x")]);
    assert_eq!(starts(&found), [(202, 20)], "inserted after the key, before the space: {found:?}");

    // The line deleted: cleared.
    let found = client.edit(&uri, 8, &[(202, 0, 203, 0, "")]);
    assert_eq!(found, Vec::<Value>::new(), "the token's line is gone");

    // A second token on the last line, without a line break after it; then the whole text
    // sent again (full sync still works): the same diagnostics as a fresh buffer of it.
    let found = client.edit(&uri, 9, &[(402, 0, 402, 0, &format!("late = \"{token}\"  # é"))]);
    assert_eq!(starts(&found), [(402, 8)], "{found:?}");
    let mut expected: Vec<String> = lines.clone();
    expected.splice(10..10, ["# one".to_string(), "# two".to_string(), "# three".to_string()]);
    expected.remove(50);
    expected.push(format!("late = \"{token}\"  # é"));
    let full = expected.join("\n");
    assert_eq!(starts(&client.change(&uri, 10, &full)), [(402, 8)], "the server's buffer is the client's");
    let other = uri_of(&repo, "copy.py");
    assert_eq!(starts(&client.open(&other, "python", &full)), [(402, 8)]);
    client.shutdown_and_exit();
}

#[test]
fn exit_without_shutdown_is_an_error() {
    let repo = TestRepo::new();
    let mut client = Client::start(&repo);
    client.initialize(&repo);
    client.notify("exit", Value::Null);
    let status = client.child.wait().expect("wait for the server");
    assert_ne!(status.code(), Some(0));
}
