//! Test helpers for the MCP files' unit tests: a fake [`Tools`] with two
//! tools and a call log, and ways to send a request through [`super::handle`].

use super::handle;
use super::server::{META_CAPABILITIES, META_SERVER_INFO, META_VERSION, MODERN_VERSION, SERVER_DESCRIPTION};
use crate::serve::http::HttpRequest;
use crate::serve::tools::{NoSuchTool, Tool, Tools};
use serde_json::{Value, json};

/// Two tools (one query, one mutation) and a log of the calls made.
#[derive(Default)]
pub(super) struct Fake {
    pub(super) read_only: bool,
    pub(super) calls: Vec<(String, Value)>,
}

impl Tools for Fake {
    fn read_only(&self) -> bool {
        self.read_only
    }
    fn list(&self) -> Vec<Tool> {
        let q = Tool {
            name: "get-thing",
            title: "Get thing",
            description: "Gets a thing.",
            input_schema: json!({"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}),
            output_schema: json!({"type": "object", "required": ["thing"]}),
            annotations: json!({"readOnlyHint": true}),
        };
        let m = Tool {
            name: "set-thing",
            title: "Set thing",
            description: "Sets a thing.",
            input_schema: json!({"type": "object"}),
            output_schema: json!({"type": "object"}),
            annotations: json!({"readOnlyHint": false}),
        };
        if self.read_only { vec![q] } else { vec![q, m] }
    }
    fn call(&mut self, name: &str, arguments: Value) -> Result<Result<Value, Value>, NoSuchTool> {
        match name {
            "get-thing" | "set-thing" => {}
            _ => return Err(NoSuchTool::Unknown),
        }
        if name == "set-thing" && self.read_only {
            return Err(NoSuchTool::Excluded("set-thing: the connector is read-only".into()));
        }
        self.calls.push((name.to_string(), arguments.clone()));
        match arguments.get("id").and_then(Value::as_i64) {
            Some(id) if id > 0 => Ok(Ok(json!({"thing": {"id": id}}))),
            Some(-9) => Ok(Err(json!({"oops": true}))),
            _ => Ok(Err(
                json!({"error": {"code": "invalid-input", "field": "id", "message": "id: must be positive", "retryable": false}}),
            )),
        }
    }
}

pub(super) fn post(body: &str, headers: &[(&str, &str)]) -> HttpRequest {
    let mut h = vec![("content-type".to_string(), "application/json".to_string())];
    h.extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    HttpRequest {
        method: "POST".into(),
        path: "/mcp".into(),
        headers: h,
        body: body.as_bytes().to_vec(),
        body_too_large: false,
    }
}

pub(super) fn send_with(t: &mut Fake, body: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let r = handle(&post(body, headers), t);
    if r.body.is_empty() {
        return (r.status, Value::Null);
    }
    assert_eq!(
        r.headers,
        vec![("content-type".to_string(), "application/json".to_string())]
    );
    (r.status, serde_json::from_slice(&r.body).unwrap())
}

pub(super) fn send(body: &str) -> (u16, Value) {
    send_with(&mut Fake::default(), body, &[])
}

pub(super) fn meta() -> Value {
    json!({META_VERSION: MODERN_VERSION, META_CAPABILITIES: {}, "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"}})
}

/// A 2026-07-28 request with `_meta` and the matching headers.
pub(super) fn modern_send(t: &mut Fake, id: u64, method: &str, mut params: Value) -> (u16, Value) {
    params["_meta"] = meta();
    let name = params["name"].as_str().map(str::to_string);
    let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string();
    let mut h = vec![("MCP-Protocol-Version", MODERN_VERSION), ("Mcp-Method", method)];
    if let Some(n) = name.as_deref() {
        h.push(("Mcp-Name", n));
    }
    send_with(t, &body, &h)
}

pub(super) fn server_meta() -> Value {
    json!({META_SERVER_INFO: {"name": "gorgias-connector", "title": "Gorgias helpdesk connector", "version": env!("CARGO_PKG_VERSION"), "description": SERVER_DESCRIPTION}})
}

pub(super) fn code_of(r: (u16, Value)) -> (u16, i64) {
    (r.0, r.1["error"]["code"].as_i64().unwrap())
}
