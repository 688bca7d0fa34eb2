//! `leakguard lsp`: a Language Server over stdio. One synchronous loop reads a message, answers
//! it and publishes diagnostics; a scan of a buffer takes milliseconds, so nothing needs a
//! thread or an async runtime. `lsp-server` gives the JSON-RPC message types, `lsp-types` the
//! protocol's. What a scan is (rules, config, filters, baseline) comes from the `Workspace` that
//! `commands::lsp` hands in, the same as `scan` and `staged` use.

mod actions;
mod diagnostics;
mod text;
mod transport;

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{bail, Result};
use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, ExecuteCommand, Initialize, Request as _, Shutdown};
use lsp_types::{
    CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability, Diagnostic, ExecuteCommandOptions, ExecuteCommandParams,
    InitializeResult, MessageType, PublishDiagnosticsParams, ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde_json::Value;

use crate::finding::Finding;
use crate::report::{takes_no_comment, Help};
use text::Lines;
use transport::Incoming;

/// A buffer the editor has open.
#[derive(Debug)]
pub struct Document {
    pub uri: Uri,
    /// The file it is, for `file:` URIs.
    pub path: Option<PathBuf>,
    pub language: String,
    pub version: i32,
    pub text: String,
}

/// What one scan of a buffer found, after every filter.
#[derive(Debug, Default)]
pub struct Scanned {
    pub findings: Vec<Finding>,
    pub help: Help,
}

/// How buffers are scanned and findings accepted: the commands layer wires the engine, config,
/// filters and baseline of the document's repository.
pub trait Workspace {
    fn scan(&mut self, doc: &Document) -> Result<Scanned>;
    /// Adds the finding to the baseline of the document's repository; returns the file written.
    fn accept(&mut self, doc: &Document, finding: &Finding) -> Result<PathBuf>;
    /// The editor closed the buffer: what was kept to rescan it faster can go.
    fn closed(&mut self, _doc: &Document) {}
}

/// An open document and what its last scan found.
struct Open {
    doc: Document,
    scanned: Scanned,
}

struct Server<'a> {
    output: &'a mut dyn Write,
    log: &'a mut dyn Write,
    workspace: &'a mut dyn Workspace,
    open: HashMap<String, Open>,
    initialized: bool,
    shutdown: bool,
    /// Set by a request that changed what buffers show: rescan once its response is out.
    rescan: bool,
}

/// Serves until `exit`. `Ok` when the client asked for `shutdown` first, as the protocol wants.
pub fn serve(input: &mut dyn BufRead, output: &mut dyn Write, log: &mut dyn Write, workspace: &mut dyn Workspace) -> Result<()> {
    let mut server = Server { output, log, workspace, open: HashMap::new(), initialized: false, shutdown: false, rescan: false };
    loop {
        let message = match transport::read(input)? {
            None => bail!("the client closed the connection without `exit`"),
            Some(Incoming::Invalid { id, code, message }) => {
                transport::write_error(server.output, id, code, &message)?;
                continue;
            }
            Some(Incoming::Message(message)) => message,
        };
        match message {
            Message::Request(request) => server.request(request)?,
            Message::Notification(n) if n.method == "exit" => {
                if server.shutdown {
                    return Ok(());
                }
                bail!("the client sent `exit` without `shutdown`");
            }
            Message::Notification(n) => server.notification(n)?,
            Message::Response(_) => {} // we send no requests
        }
    }
}

impl Server<'_> {
    fn request(&mut self, request: Request) -> Result<()> {
        let id = request.id.clone();
        let answer = if self.shutdown {
            Err((ErrorCode::InvalidRequest, "the server is shutting down".to_string()))
        } else if !self.initialized && request.method != Initialize::METHOD {
            Err((ErrorCode::ServerNotInitialized, "`initialize` first".to_string()))
        } else {
            self.answer(request)
        };
        let response = match answer {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        transport::write(self.output, response.into())?;
        if std::mem::take(&mut self.rescan) {
            self.rescan_all();
        }
        Ok(())
    }

    fn answer(&mut self, request: Request) -> Result<Value, (ErrorCode, String)> {
        match request.method.as_str() {
            Initialize::METHOD => {
                self.initialized = true;
                Ok(to_value(initialize_result()))
            }
            Shutdown::METHOD => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            CodeActionRequest::METHOD => {
                let params: CodeActionParams = params(request)?;
                Ok(to_value(self.code_actions(&params)))
            }
            ExecuteCommand::METHOD => {
                let params: ExecuteCommandParams = params(request)?;
                self.execute(&params).map(|()| Value::Null)
            }
            other => Err((ErrorCode::MethodNotFound, format!("leakguard does not handle `{other}`"))),
        }
    }

    fn notification(&mut self, n: Notification) -> Result<()> {
        let method = n.method.clone();
        let result = match method.as_str() {
            DidOpenTextDocument::METHOD => n.extract(DidOpenTextDocument::METHOD).map(|p: lsp_types::DidOpenTextDocumentParams| {
                let item = p.text_document;
                let doc = Document { path: text::file_path(item.uri.as_str()), uri: item.uri, language: item.language_id, version: item.version, text: item.text };
                Some(doc)
            }),
            DidChangeTextDocument::METHOD => n.extract(DidChangeTextDocument::METHOD).map(|p: lsp_types::DidChangeTextDocumentParams| {
                let open = self.open.remove(p.text_document.uri.as_str())?;
                let mut doc = open.doc;
                doc.version = p.text_document.version;
                for change in p.content_changes {
                    text::apply(&mut doc.text, change);
                }
                Some(doc)
            }),
            DidCloseTextDocument::METHOD => n.extract(DidCloseTextDocument::METHOD).map(|p: lsp_types::DidCloseTextDocumentParams| {
                if let Some(open) = self.open.remove(p.text_document.uri.as_str()) {
                    self.workspace.closed(&open.doc);
                    self.close(p.text_document.uri);
                }
                None
            }),
            DidSaveTextDocument::METHOD => n.extract(DidSaveTextDocument::METHOD).map(|p: lsp_types::DidSaveTextDocumentParams| {
                // Saving the config, baseline or ignore file changes what every buffer shows.
                let name = p.text_document.uri.as_str().rsplit('/').next().unwrap_or("").to_string();
                if [crate::config::FILE_NAME, crate::baseline::FILE_NAME, crate::filter::gitleaksignore_file()].contains(&name.as_str()) {
                    self.rescan_all();
                }
                None
            }),
            _ => Ok(None), // `initialized`, `$/cancelRequest`, `$/setTrace`, ...
        };
        match result {
            Ok(Some(doc)) => self.update(doc),
            Ok(None) => {}
            // A notification has no response: the client's log is where a bad one is told.
            Err(e) => writeln!(self.log, "leakguard lsp: ignored a malformed `{method}` notification: {e}")?,
        }
        if method == "initialized" {
            self.initialized = true;
        }
        Ok(())
    }

    /// Scans a document's new text and publishes what it found (or why it could not scan).
    fn update(&mut self, doc: Document) {
        let scanned = self.workspace.scan(&doc);
        let (scanned, diagnostics) = match scanned {
            Ok(scanned) => {
                let lines = Lines::new(&doc.text);
                let diagnostics = scanned.findings.iter().map(|f| diagnostics::diagnostic(&lines, f, &scanned.help)).collect();
                (scanned, diagnostics)
            }
            Err(e) => (Scanned::default(), vec![diagnostics::failure(&format!("{e:#}"))]),
        };
        self.publish(doc.uri.clone(), diagnostics, Some(doc.version));
        self.open.insert(doc.uri.as_str().to_string(), Open { doc, scanned });
    }

    fn close(&mut self, uri: Uri) {
        self.publish(uri, Vec::new(), None);
    }

    fn rescan_all(&mut self) {
        let docs: Vec<Document> = self.open.drain().map(|(_, open)| open.doc).collect();
        for doc in docs {
            self.update(doc);
        }
    }

    fn publish(&mut self, uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams { uri, diagnostics, version };
        self.notify(PublishDiagnostics::METHOD, params);
    }

    fn notify(&mut self, method: &str, params: impl serde::Serialize) {
        let message = Notification::new(method.to_string(), params);
        if let Err(e) = transport::write(self.output, message.into()) {
            // The client is gone; the next read ends the loop.
            let _ = writeln!(self.log, "leakguard lsp: cannot write to the client: {e}");
        }
    }

    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let Some(open) = self.open.get(params.text_document.uri.as_str()) else { return Vec::new() };
        let lines = Lines::new(&open.doc.text);
        let path = open.doc.path.as_ref().map(|p| crate::chunk::display_path(p)).unwrap_or_default();
        let syntax = actions::comment_syntax(&open.doc.language, &path).filter(|_| !takes_no_comment(&path));
        let wanted = params.range.start.line..=params.range.end.line;
        let mut out = Vec::new();
        for f in &open.scanned.findings {
            let range = diagnostics::range(&lines, f);
            if !wanted.contains(&range.start.line) {
                continue;
            }
            let diagnostic = diagnostics::diagnostic(&lines, f, &open.scanned.help);
            if let Some(syntax) = syntax.filter(|_| !f.is_about_file()) {
                out.push(CodeActionOrCommand::CodeAction(actions::allow(&open.doc.uri, &lines, f, syntax, &diagnostic)));
            }
            // The baseline never records a code smell.
            if !crate::policy::is_code_smell(f.kind, &f.rule_id) {
                out.push(CodeActionOrCommand::CodeAction(actions::add_to_baseline(&open.doc.uri, range.start, f, &diagnostic)));
            }
        }
        out
    }

    /// "Add to baseline": finds the finding in the last scan (the client names it by rule and
    /// position), writes the baseline; every open buffer is rescanned after the response.
    fn execute(&mut self, params: &ExecuteCommandParams) -> Result<(), (ErrorCode, String)> {
        if params.command != actions::ADD_TO_BASELINE {
            return Err((ErrorCode::InvalidParams, format!("no command `{}`", params.command)));
        }
        let bad = || (ErrorCode::InvalidParams, "expected [uri, rule id, line, character]".to_string());
        let (uri, rule, at) = actions::baseline_target(&params.arguments).ok_or_else(bad)?;
        let open = self.open.get(&uri).ok_or_else(|| (ErrorCode::InvalidParams, format!("{uri} is not open")))?;
        let lines = Lines::new(&open.doc.text);
        let finding = open
            .scanned
            .findings
            .iter()
            .find(|f| f.rule_id == rule && diagnostics::range(&lines, f).start == at)
            .ok_or_else(|| (ErrorCode::InvalidParams, format!("no {rule} finding there in the current text")))?;
        let written = self.workspace.accept(&open.doc, finding).map_err(|e| (ErrorCode::InternalError, format!("{e:#}")))?;
        let message = format!("leakguard: accepted the {rule} finding in {}", written.display());
        self.notify(ShowMessage::METHOD, ShowMessageParams { typ: MessageType::INFO, message });
        self.rescan = true;
        Ok(())
    }
}

fn initialize_result() -> InitializeResult {
    let sync = TextDocumentSyncOptions { open_close: Some(true), change: Some(TextDocumentSyncKind::INCREMENTAL), save: Some(TextDocumentSyncSaveOptions::Supported(true)), ..TextDocumentSyncOptions::default() };
    InitializeResult {
        capabilities: ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Options(sync)),
            code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
            execute_command_provider: Some(ExecuteCommandOptions { commands: vec![actions::ADD_TO_BASELINE.to_string()], ..Default::default() }),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo { name: "leakguard".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
    }
}

fn params<P: serde::de::DeserializeOwned>(request: Request) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(request.params).map_err(|e| (ErrorCode::InvalidParams, format!("bad params for `{}`: {e}", request.method)))
}

fn to_value(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).expect("LSP types always serialize")
}
