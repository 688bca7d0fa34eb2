//! JSON-RPC over stdio: `Content-Length` framing. Reading is our own (not
//! `lsp_server::Message::read`) so that a malformed message is answered with an error and the
//! server reads on, and so that no error ever echoes the message body: it holds the user's
//! buffer, secrets included.

use std::io::{self, BufRead, Read, Write};

use lsp_server::{ErrorCode, Message};
use serde_json::{json, Value};

/// The largest body read; a bigger one is skipped and answered with an error.
const MAX_BODY: usize = 256 * 1024 * 1024;

/// One frame read from the client.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A frame that is not a JSON-RPC message: answer with this error (id when known).
    Invalid { id: Value, code: ErrorCode, message: String },
}

/// Reads the next frame; `None` at the end of the input.
pub fn read(input: &mut dyn BufRead) -> io::Result<Option<Incoming>> {
    let mut length = None;
    let mut bad_header = None;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        match header.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("Content-Length") => match value.trim().parse::<usize>() {
                Ok(n) => length = Some(n),
                Err(_) => bad_header = Some("Content-Length is not a number".to_string()),
            },
            Some(_) => {} // Content-Type and any other header
            None => bad_header = Some("a header line without `:`".to_string()),
        }
    }
    let invalid = |message: String| Ok(Some(Incoming::Invalid { id: Value::Null, code: ErrorCode::ParseError, message }));
    let Some(length) = length else {
        return invalid(bad_header.unwrap_or_else(|| "no Content-Length header".to_string()));
    };
    if length > MAX_BODY {
        io::copy(&mut input.take(length as u64), &mut io::sink())?;
        return invalid(format!("a message of {length} bytes is over the limit of {MAX_BODY}"));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(parse(&body)))
}

/// A frame's body as a message, or the error to answer it with. serde's errors name a line
/// and column, never the text.
fn parse(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => return Incoming::Invalid { id: Value::Null, code: ErrorCode::ParseError, message: format!("not JSON: {e}") },
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(e) => Incoming::Invalid { id, code: ErrorCode::InvalidRequest, message: format!("not a JSON-RPC message: {e}") },
    }
}

pub fn write(output: &mut dyn Write, message: Message) -> io::Result<()> {
    let mut output = output;
    message.write(&mut output)
}

/// An error response whose id may be null (lsp_server's `Response` always has one).
pub fn write_error(output: &mut dyn Write, id: Value, code: ErrorCode, message: &str) -> io::Result<()> {
    let body = json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code as i32, "message": message } }).to_string();
    write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    #[test]
    fn reads_messages_and_answers_garbage_without_losing_the_stream() {
        let mut bytes = frame(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#);
        bytes.extend(frame("{not json ghp_secret"));
        bytes.extend(frame(r#"{"jsonrpc":"2.0","id":7,"method":5}"#));
        bytes.extend(b"X-Nothing\r\n\r\n");
        bytes.extend(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#));
        let mut input = &bytes[..];
        assert!(matches!(read(&mut input).unwrap(), Some(Incoming::Message(Message::Request(r))) if r.method == "shutdown"));
        match read(&mut input).unwrap() {
            Some(Incoming::Invalid { id, code: ErrorCode::ParseError, message }) => {
                assert_eq!(id, Value::Null);
                assert!(!message.contains("ghp_"), "the body is never echoed: {message}");
            }
            other => panic!("expected a parse error, got {other:?}"),
        }
        assert!(matches!(read(&mut input).unwrap(), Some(Incoming::Invalid { id, code: ErrorCode::InvalidRequest, .. }) if id == 7));
        assert!(matches!(read(&mut input).unwrap(), Some(Incoming::Invalid { code: ErrorCode::ParseError, .. })));
        assert!(matches!(read(&mut input).unwrap(), Some(Incoming::Message(Message::Notification(n))) if n.method == "exit"));
        assert!(read(&mut input).unwrap().is_none());
    }
}
