//! `POST /mcp`: the Model Context Protocol over Streamable HTTP, one JSON
//! answer per POST (no SSE stream, no session), for both eras of the protocol.
//!
//! **Modern, stateless 2026-07-28.** A request whose `params._meta` carries
//! `io.modelcontextprotocol/protocolVersion` (or whose `MCP-Protocol-Version`
//! header names a modern revision, or whose method is `server/discover`) is
//! served on its own: `server/discover`, `tools/list`, `tools/call`.
//! - `_meta` must carry `protocolVersion` (a string) and `clientCapabilities`
//!   (an object): else -32602 and HTTP 400.
//! - A version this server does not serve per request → -32022
//!   `UnsupportedProtocolVersion` with `data: {supported, requested}`, 400.
//! - The `MCP-Protocol-Version`, `Mcp-Method` and (for `tools/call`)
//!   `Mcp-Name` headers must be present and equal to the body (`Mcp-Name`
//!   may use the `=?base64?…?=` form) → else -32020 `HeaderMismatch`, 400.
//! - Unknown methods, `ping` and `initialize`-era methods → -32601 and 404.
//! - Every result has `resultType: "complete"` and the server's identity in
//!   `_meta["io.modelcontextprotocol/serverInfo"]`; `server/discover` and
//!   `tools/list` carry `ttlMs` / `cacheScope: "public"` (the tool set is
//!   the operator's configuration, the same for every caller).
//! - A failed tool call is an `isError: true` result whose text and
//!   `structuredContent` are the route's error body
//!   `{"error": {"code", "message", "retryable", "field"?, …}}`; each tool's
//!   `outputSchema` is `anyOf` its answer and [`tool_error_schema`], because
//!   clients (MCP Inspector 2.12) validate structuredContent against it even
//!   on `isError` results.
//!
//! **Legacy, handshake era** (`initialize` → 2025-11-25, 2025-06-18,
//! 2025-03-26, 2024-11-05): `initialize`, `ping`, `tools/list`, `tools/call`
//! as before; JSON-RPC errors go out with 200 except malformed messages
//! (400). A failed tool call carries no `structuredContent`: the TypeScript
//! SDK 1.32 client validates any `structuredContent` against `outputSchema`,
//! even on `isError` results. A batch (a JSON array) is accepted only for
//! 2025-03-26, the one revision that has them: no `MCP-Protocol-Version`
//! header, or that version in it; at most [`MAX_BATCH`] messages.
//!
//! Both eras: notifications and client responses → 202 with no body; a
//! foreign `Host` or `Origin` → 403 (the router's
//! [`crate::origin`] check, answered by [`refused`]); unparseable JSON → -32700,
//! 400.

pub mod instructions;
pub mod prompts;

use crate::serve::http::{HttpRequest, HttpResponse};
use crate::serve::tools::{NoSuchTool, Tool, Tools};
use serde_json::{Map, Value};

/// The stateless revision served per request.
pub const MODERN_VERSION: &str = "2026-07-28";
/// Revisions negotiated through `initialize`, newest first; `initialize`
/// answers the first when asked for one it does not know.
pub const HANDSHAKE_VERSIONS: [&str; 4] = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];
/// Every revision this server speaks, newest first (`server/discover`'s
/// `supportedVersions` and -32022's `data.supported`).
pub const SUPPORTED_VERSIONS: [&str; 5] = [MODERN_VERSION, "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/// Invalid JSON.
pub const PARSE_ERROR: i64 = -32700;
/// Not a valid JSON-RPC request.
pub const INVALID_REQUEST: i64 = -32600;
/// Unknown method.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// Invalid method parameters (including unknown tools and missing `_meta`).
pub const INVALID_PARAMS: i64 = -32602;
/// HTTP headers missing, malformed or not matching the body (2026-07-28).
pub const HEADER_MISMATCH: i64 = -32020;
/// The requested protocol version is not served (2026-07-28).
pub const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;

/// The syslog levels `logging/setLevel` takes (handshake era).
const LOG_LEVELS: [&str; 8] = [
    "debug",
    "info",
    "notice",
    "warning",
    "error",
    "critical",
    "alert",
    "emergency",
];

/// Most messages in one 2025-03-26 batch: each may call Gorgias.
pub const MAX_BATCH: usize = 16;
/// How long a client may cache `server/discover` and `tools/list` (5 minutes):
/// the tool set changes only when the operator redeploys.
pub const TTL_MS: u64 = 300_000;

const CAPABILITIES: &str = r#"{"tools": {"listChanged": false}, "prompts": {"listChanged": false}}"#;
const META_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
const META_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
const META_SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";

const SERVER_NAME: &str = "gorgias-connector";
const SERVER_TITLE: &str = "Gorgias helpdesk connector";
const SERVER_DESCRIPTION: &str = "Tickets, messages, tags and customers of one Gorgias helpdesk account.";

/// The protocol era a request is served in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Era {
    /// Stateless 2026-07-28: everything from the request itself.
    Modern,
    /// `initialize`-negotiated revisions.
    Legacy,
}

/// What one JSON-RPC message gets back.
#[derive(Debug)]
enum Outcome {
    /// A notification or a client response: 202, no body.
    Accepted,
    /// A JSON-RPC response with its HTTP status.
    Reply(u16, Value),
}

/// A JSON-RPC error (`code`, `message`, optional `data`) with its HTTP status.
#[derive(Debug)]
struct RpcError {
    status: u16,
    code: i64,
    message: String,
    data: Option<Value>,
}

impl RpcError {
    fn new(status: u16, code: i64, message: impl Into<String>) -> Self {
        RpcError {
            status,
            code,
            message: message.into(),
            data: None,
        }
    }

    fn into_reply(self, id: &Value) -> Outcome {
        let mut e = Map::new();
        e.insert("code".into(), self.code.into());
        e.insert("message".into(), self.message.into());
        if let Some(d) = self.data {
            e.insert("data".into(), d);
        }
        Outcome::Reply(
            self.status,
            obj(vec![
                ("jsonrpc", "2.0".into()),
                ("id", id.clone()),
                ("error", Value::Object(e)),
            ]),
        )
    }
}

/// A JSON object of `pairs`. (Plain inserts instead of `json!`: its
/// per-leaf `to_value` calls cost the component kilobytes.)
fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A JSON array of strings.
fn strings(items: &[&str]) -> Value {
    Value::Array(items.iter().map(|s| Value::from(*s)).collect())
}

/// Parses JSON this module wrote itself.
fn parse_own(text: &str) -> Value {
    serde_json::from_slice(text.as_bytes()).unwrap_or(Value::Null)
}

/// Compact JSON text of `v`.
fn text_of(v: &Value) -> String {
    // Serialising a Value cannot fail, and its output is UTF-8.
    String::from_utf8(serde_json::to_vec(v).unwrap_or_default()).unwrap_or_default()
}

/// At most `n` characters of client-supplied `s`, for error messages.
fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn json_response(status: u16, v: &Value) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        // Serialising a Value built from maps, strings and numbers cannot fail.
        body: serde_json::to_vec(v).unwrap_or_default(),
    }
}

fn respond(o: Outcome) -> HttpResponse {
    match o {
        Outcome::Accepted => HttpResponse {
            status: 202,
            headers: Vec::new(),
            body: Vec::new(),
        },
        Outcome::Reply(status, v) => json_response(status, &v),
    }
}

/// 403 with a JSON-RPC error that has no id (the transport's answer to a
/// request whose `Origin` or `Host` is not allowed; see [`crate::origin`]).
pub fn refused(message: &str) -> HttpResponse {
    let mut e = Map::new();
    e.insert("code".into(), INVALID_REQUEST.into());
    e.insert("message".into(), message.into());
    json_response(403, &obj(vec![("jsonrpc", "2.0".into()), ("error", Value::Object(e))]))
}

/// Handles one POST to `/mcp` (auth and body-size checks already done).
pub fn handle(req: &HttpRequest, tools: &mut dyn Tools) -> HttpResponse {
    let msg: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => {
            // Position and class only: serde_json's `Display` for errors pulls
            // serde's `Unexpected` and core's float formatting into the component.
            let what = match e.classify() {
                serde_json::error::Category::Eof => "the body ends inside a JSON value",
                _ => "the body is not valid JSON",
            };
            let why = format!("parse error: {what} (line {}, column {})", e.line(), e.column());
            return respond(RpcError::new(400, PARSE_ERROR, why).into_reply(&Value::Null));
        }
    };
    match msg {
        Value::Object(m) => respond(message(&m, req, tools)),
        Value::Array(items) => batch(&items, req, tools),
        _ => respond(
            RpcError::new(400, INVALID_REQUEST, "a JSON-RPC message must be an object").into_reply(&Value::Null),
        ),
    }
}

/// A 2025-03-26 batch: each message answered in order, notifications left out.
fn batch(items: &[Value], req: &HttpRequest, tools: &mut dyn Tools) -> HttpResponse {
    let null = Value::Null;
    let header = req.header("mcp-protocol-version").map(str::trim);
    if header.is_some_and(|v| v != "2025-03-26") {
        return respond(
            RpcError::new(
                400,
                INVALID_REQUEST,
                "batches are part of MCP 2025-03-26 only; send one message per POST",
            )
            .into_reply(&null),
        );
    }
    if items.is_empty() || items.len() > MAX_BATCH {
        let why = format!("a batch holds 1 to {MAX_BATCH} messages, not {}", items.len());
        return respond(RpcError::new(400, INVALID_REQUEST, why).into_reply(&null));
    }
    let mut out = Vec::new();
    for item in items {
        let o = match item {
            Value::Object(m) if m.get("method").and_then(Value::as_str) == Some("initialize") => {
                let id = m.get("id").filter(|i| valid_id(i)).cloned().unwrap_or(Value::Null);
                RpcError::new(400, INVALID_REQUEST, "initialize must not be part of a batch").into_reply(&id)
            }
            Value::Object(m) => message(m, req, tools),
            _ => RpcError::new(400, INVALID_REQUEST, "a JSON-RPC message must be an object").into_reply(&null),
        };
        if let Outcome::Reply(_, v) = o {
            out.push(v);
        }
    }
    if out.is_empty() {
        return respond(Outcome::Accepted);
    }
    json_response(200, &Value::Array(out))
}

fn valid_id(id: &Value) -> bool {
    id.is_string() || id.is_i64() || id.is_u64()
}

/// One JSON-RPC message: envelope checks, then the era's dispatch.
fn message(msg: &Map<String, Value>, req: &HttpRequest, tools: &mut dyn Tools) -> Outcome {
    let null = Value::Null;
    let id = msg.get("id");
    let echo = id.filter(|i| valid_id(i)).unwrap_or(&null);
    if msg.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return RpcError::new(400, INVALID_REQUEST, "jsonrpc must be \"2.0\"").into_reply(echo);
    }
    let Some(method) = msg.get("method") else {
        // A client's response to a server request (we send none): accept it.
        if id.is_some() && (msg.contains_key("result") || msg.contains_key("error")) {
            return Outcome::Accepted;
        }
        return RpcError::new(400, INVALID_REQUEST, "method is required").into_reply(echo);
    };
    let Some(method) = method.as_str() else {
        return RpcError::new(400, INVALID_REQUEST, "method must be a string").into_reply(echo);
    };
    let Some(id) = id else {
        return Outcome::Accepted;
    };
    if !valid_id(id) {
        return RpcError::new(400, INVALID_REQUEST, "id must be a string or an integer").into_reply(&null);
    }
    let empty = Map::new();
    let params = match msg.get("params") {
        None | Some(Value::Null) => Ok(&empty),
        Some(Value::Object(p)) => Ok(p),
        Some(_) => Err(()),
    };
    let era = era(method, params.ok(), req);
    let Ok(params) = params else {
        let status = if era == Era::Modern { 400 } else { 200 };
        return RpcError::new(status, INVALID_PARAMS, "params must be an object").into_reply(id);
    };
    let result = match era {
        Era::Modern => modern(method, params, req, tools),
        Era::Legacy => legacy(method, params, req, tools),
    };
    match result {
        Ok(r) => Outcome::Reply(
            200,
            obj(vec![
                ("jsonrpc", "2.0".into()),
                ("id", id.clone()),
                ("result", Value::Object(r)),
            ]),
        ),
        Err(e) => e.into_reply(id),
    }
}

/// Which era serves this request. Per the 2026-07-28 versioning text on
/// dual-era servers, "a request carrying modern per-request `_meta` is served
/// statelessly according to this revision" (there `initialize` is a removed
/// method: 404, -32601), and "an `initialize` request selects legacy
/// semantics": `initialize` without that `_meta` is the handshake. Otherwise
/// `_meta`, a modern `MCP-Protocol-Version` header or `server/discover` select
/// 2026-07-28.
fn era(method: &str, params: Option<&Map<String, Value>>, req: &HttpRequest) -> Era {
    let meta_version = params
        .and_then(|p| p.get("_meta"))
        .and_then(Value::as_object)
        .is_some_and(|m| m.contains_key(META_VERSION));
    if method == "initialize" && !meta_version {
        return Era::Legacy;
    }
    let header_modern = req.header("mcp-protocol-version").map(str::trim) == Some(MODERN_VERSION);
    if meta_version || header_modern || method == "server/discover" {
        Era::Modern
    } else {
        Era::Legacy
    }
}

fn unsupported_version(requested: &str) -> RpcError {
    RpcError {
        status: 400,
        code: UNSUPPORTED_PROTOCOL_VERSION,
        message: format!(
            "Unsupported protocol version {:?}: this server supports {}",
            clip(requested, 32),
            SUPPORTED_VERSIONS.join(", ")
        ),
        data: Some(obj(vec![
            ("supported", strings(&SUPPORTED_VERSIONS)),
            ("requested", clip(requested, 64).into()),
        ])),
    }
}

fn server_info(with_description: bool) -> Value {
    let mut v = obj(vec![
        ("name", SERVER_NAME.into()),
        ("title", SERVER_TITLE.into()),
        ("version", env!("CARGO_PKG_VERSION").into()),
    ]);
    if with_description {
        v["description"] = SERVER_DESCRIPTION.into();
    }
    v
}

/// The instructions text, from the tools callable now (see [`instructions`]).
fn instructions(tools: &dyn Tools) -> String {
    instructions::text(&tools.list(), tools.read_only(), &prompts::names())
}

/// JSON Schema of a tool error body, `{"error": {"code", "message", "retryable", "field"?, …}}`:
/// what a failed call's `structuredContent` holds under 2026-07-28.
pub fn tool_error_schema() -> Value {
    parse_own(TOOL_ERROR_SCHEMA)
}

const TOOL_ERROR_SCHEMA: &str = r#"{"type": "object", "additionalProperties": false, "required": ["error"],
  "properties": {"error": {"type": "object", "required": ["code", "message", "retryable"], "properties": {
    "code": {"type": "string", "description": "What went wrong (invalid-input, not-found, rate-limited, ...)"},
    "message": {"type": "string"},
    "retryable": {"type": "boolean", "description": "Whether the same call may succeed later"},
    "field": {"type": "string", "description": "For invalid-input: the argument to fix"}}}}}"#;

/// Whether `v` matches [`tool_error_schema`] (only then is it sent as structuredContent).
fn is_tool_error(v: &Value) -> bool {
    let Some(top) = v.as_object() else {
        return false;
    };
    let Some(e) = top.get("error").and_then(Value::as_object) else {
        return false;
    };
    top.len() == 1
        && e.get("code").is_some_and(Value::is_string)
        && e.get("message").is_some_and(Value::is_string)
        && e.get("retryable").is_some_and(Value::is_boolean)
        && e.get("field").is_none_or(Value::is_string)
}

fn tool_json(t: &Tool, era: Era) -> Value {
    // Under 2026-07-28 a failed call's structuredContent is the error body,
    // and clients (Inspector 2.12) validate it against outputSchema even on
    // isError results: the schema is the tool's answer or an error.
    let output_schema = match era {
        Era::Modern => obj(vec![
            ("type", "object".into()),
            (
                "anyOf",
                Value::Array(vec![t.output_schema.clone(), tool_error_schema()]),
            ),
        ]),
        Era::Legacy => t.output_schema.clone(),
    };
    obj(vec![
        ("name", t.name.into()),
        ("title", t.title.into()),
        ("description", t.description.into()),
        ("inputSchema", t.input_schema.clone()),
        ("outputSchema", output_schema),
        ("annotations", t.annotations.clone()),
    ])
}

fn tools_list(tools: &dyn Tools, era: Era) -> Map<String, Value> {
    let list: Vec<Value> = tools.list().iter().map(|t| tool_json(t, era)).collect();
    let mut m = Map::new();
    m.insert("tools".into(), list.into());
    m
}

/// Decodes a header value that may use the `=?base64?…?=` sentinel form.
/// `None` when it is not a valid header value or not valid base64/UTF-8.
fn decode_header_value(v: &str) -> Option<String> {
    if !v.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b)) {
        return None;
    }
    match v.strip_prefix("=?base64?").and_then(|r| r.strip_suffix("?=")) {
        Some(b64) => String::from_utf8(base64_decode(b64)?).ok(),
        None => Some(v.to_string()),
    }
}

/// Standard base64 (RFC 4648, `=` padding optional).
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let d = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(d);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (bits < 6).then_some(out)
}

fn header_mismatch(message: String) -> RpcError {
    RpcError::new(400, HEADER_MISMATCH, message)
}

/// Checks a required header against the body's value.
fn check_header(req: &HttpRequest, name: &str, body: &str, base64_allowed: bool) -> Result<(), RpcError> {
    let Some(raw) = req.header(name) else {
        return Err(header_mismatch(format!(
            "Header mismatch: the {name} header is required (the body says {:?})",
            clip(body, 64)
        )));
    };
    let value = if base64_allowed {
        decode_header_value(raw)
    } else {
        decode_header_value(raw).filter(|v| !v.starts_with("=?base64?"))
    };
    let Some(value) = value else {
        return Err(header_mismatch(format!(
            "Header mismatch: the {name} header is not a valid header value"
        )));
    };
    if value.trim() != body {
        return Err(header_mismatch(format!(
            "Header mismatch: {name} header value {:?} does not match body value {:?}",
            clip(value.trim(), 64),
            clip(body, 64)
        )));
    }
    Ok(())
}

/// A 2026-07-28 request.
fn modern(
    method: &str,
    params: &Map<String, Value>,
    req: &HttpRequest,
    tools: &mut dyn Tools,
) -> Result<Map<String, Value>, RpcError> {
    let missing = |what: &str| {
        RpcError::new(
            400,
            INVALID_PARAMS,
            format!("params._meta[{what:?}] is required under MCP {MODERN_VERSION}"),
        )
    };
    let meta = match params.get("_meta") {
        None => return Err(missing(META_VERSION)),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(RpcError::new(400, INVALID_PARAMS, "params._meta must be an object")),
    };
    let version = match meta.get(META_VERSION) {
        None => return Err(missing(META_VERSION)),
        Some(Value::String(v)) => v.as_str(),
        Some(_) => {
            return Err(RpcError::new(
                400,
                INVALID_PARAMS,
                format!("params._meta[{META_VERSION:?}] must be a string"),
            ));
        }
    };
    match meta.get(META_CAPABILITIES) {
        Some(Value::Object(_)) => {}
        None => return Err(missing(META_CAPABILITIES)),
        Some(_) => {
            return Err(RpcError::new(
                400,
                INVALID_PARAMS,
                format!("params._meta[{META_CAPABILITIES:?}] must be an object"),
            ));
        }
    }
    // Headers first: a body naming a version the header does not is a
    // HeaderMismatch (-32020), whatever the version; then the version itself.
    check_header(req, "MCP-Protocol-Version", version, false)?;
    check_header(req, "Mcp-Method", method, false)?;
    if version != MODERN_VERSION {
        return Err(unsupported_version(version));
    }
    let mut result = match method {
        "server/discover" => {
            let mut m = Map::new();
            m.insert("supportedVersions".into(), strings(&SUPPORTED_VERSIONS));
            m.insert("capabilities".into(), parse_own(CAPABILITIES));
            m.insert("instructions".into(), instructions(tools).into());
            m.insert("ttlMs".into(), TTL_MS.into());
            m.insert("cacheScope".into(), "public".into());
            m
        }
        "tools/list" => {
            if params.get("cursor").is_some_and(|c| !c.is_null()) {
                return Err(RpcError::new(
                    200,
                    INVALID_PARAMS,
                    "params.cursor: this server lists every tool on one page and issues no cursors",
                ));
            }
            let mut m = tools_list(tools, Era::Modern);
            m.insert("ttlMs".into(), TTL_MS.into());
            m.insert("cacheScope".into(), "public".into());
            m
        }
        "tools/call" => {
            let name = tool_name(params)?;
            check_header(req, "Mcp-Name", name, true)?;
            call(name, params, tools, Era::Modern)?
        }
        "prompts/list" => {
            if params.get("cursor").is_some_and(|c| !c.is_null()) {
                return Err(RpcError::new(
                    200,
                    INVALID_PARAMS,
                    "params.cursor: this server lists every prompt on one page and issues no cursors",
                ));
            }
            let mut m = prompts_list();
            m.insert("ttlMs".into(), TTL_MS.into());
            m.insert("cacheScope".into(), "public".into());
            m
        }
        "prompts/get" => {
            let name = prompt_name(params)?;
            check_header(req, "Mcp-Name", name, true)?;
            prompt_get(name, params, tools)?
        }
        other => {
            return Err(RpcError::new(
                404,
                METHOD_NOT_FOUND,
                format!(
                    "method not found: {:?} (under MCP {MODERN_VERSION} this server offers server/discover, tools/list, tools/call, prompts/list, prompts/get)",
                    clip(other, 64)
                ),
            ));
        }
    };
    result.insert("resultType".into(), "complete".into());
    result.insert("_meta".into(), obj(vec![(META_SERVER_INFO, server_info(true))]));
    Ok(result)
}

/// A request in the handshake era.
fn legacy(
    method: &str,
    params: &Map<String, Value>,
    req: &HttpRequest,
    tools: &mut dyn Tools,
) -> Result<Map<String, Value>, RpcError> {
    if method != "initialize"
        && let Some(v) = req.header("mcp-protocol-version").map(str::trim)
        && !HANDSHAKE_VERSIONS.contains(&v)
    {
        return Err(unsupported_version(v));
    }
    match method {
        "initialize" => Ok(initialize(params, tools)),
        "ping" => Ok(Map::new()),
        "tools/list" => Ok(tools_list(tools, Era::Legacy)),
        "tools/call" => call(tool_name(params)?, params, tools, Era::Legacy),
        "prompts/list" => Ok(prompts_list()),
        "prompts/get" => prompt_get(prompt_name(params)?, params, tools),
        // The handshake era's `logging` capability: the connector sends no log
        // notifications (one JSON answer per POST), so every level is honoured.
        "logging/setLevel" => match params.get("level").and_then(Value::as_str) {
            Some(l) if LOG_LEVELS.contains(&l) => Ok(Map::new()),
            _ => Err(RpcError::new(
                200,
                INVALID_PARAMS,
                format!("params.level must be one of {}", LOG_LEVELS.join(", ")),
            )),
        },
        other => Err(RpcError::new(
            200,
            METHOD_NOT_FOUND,
            format!(
                "method not found: {:?} (this server offers initialize, ping, tools/list, tools/call, prompts/list, prompts/get; server/discover for MCP {MODERN_VERSION})",
                clip(other, 64)
            ),
        )),
    }
}

fn initialize(params: &Map<String, Value>, tools: &dyn Tools) -> Map<String, Value> {
    let asked = params.get("protocolVersion").and_then(Value::as_str);
    let version = asked
        .and_then(|a| HANDSHAKE_VERSIONS.iter().find(|v| **v == a))
        .copied()
        .unwrap_or(HANDSHAKE_VERSIONS[0]);
    let mut m = Map::new();
    m.insert("protocolVersion".into(), version.into());
    let mut capabilities = parse_own(CAPABILITIES);
    capabilities["logging"] = Value::Object(Map::new());
    m.insert("capabilities".into(), capabilities);
    // `Implementation.description` is new in 2025-11-25.
    m.insert("serverInfo".into(), server_info(version == "2025-11-25"));
    m.insert("instructions".into(), instructions(tools).into());
    m
}

/// `prompts/list`'s result (see [`prompts`]).
fn prompts_list() -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("prompts".into(), prompts::list().into());
    m
}

fn prompt_name(params: &Map<String, Value>) -> Result<&str, RpcError> {
    params
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| RpcError::new(200, INVALID_PARAMS, "params.name (the prompt name) is required"))
}

/// `prompts/get`: the prompt, its steps limited to the tools callable now;
/// -32602 for an unknown prompt or bad arguments.
fn prompt_get(name: &str, params: &Map<String, Value>, tools: &dyn Tools) -> Result<Map<String, Value>, RpcError> {
    let listed = tools.list();
    let available: Vec<&str> = listed.iter().map(|t| t.name).collect();
    match prompts::get(name, params.get("arguments"), &available) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Ok(Map::new()),
        Err(e) => Err(RpcError::new(200, INVALID_PARAMS, e.0)),
    }
}

fn tool_name(params: &Map<String, Value>) -> Result<&str, RpcError> {
    params
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| RpcError::new(200, INVALID_PARAMS, "params.name (the tool name) is required"))
}

/// Runs a tool: its answer as a `CallToolResult`, or -32602 for an unknown
/// tool or arguments that are not an object.
fn call(
    name: &str,
    params: &Map<String, Value>,
    tools: &mut dyn Tools,
    era: Era,
) -> Result<Map<String, Value>, RpcError> {
    let arguments = match params.get("arguments") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(a @ Value::Object(_)) => a.clone(),
        Some(_) => return Err(RpcError::new(200, INVALID_PARAMS, "params.arguments must be an object")),
    };
    let outcome = tools.call(name, arguments).map_err(|why| {
        let mut m = format!("unknown tool: {:?}; tools/list lists them", clip(name, 64));
        if why == NoSuchTool::ReadOnly {
            m.push_str(" (mutations are disabled: the connector is read-only)");
        }
        RpcError::new(200, INVALID_PARAMS, m)
    })?;
    let (body, is_error) = match outcome {
        Ok(v) => (v, false),
        Err(v) => (v, true),
    };
    let mut r = Map::new();
    let text = obj(vec![("type", "text".into()), ("text", text_of(&body).into())]);
    r.insert("content".into(), Value::Array(vec![text]));
    // Legacy outputSchemas describe the answer only, and the TypeScript SDK
    // validates any structuredContent against them: errors go as text there.
    if !is_error || (era == Era::Modern && is_tool_error(&body)) {
        r.insert("structuredContent".into(), body);
    }
    r.insert("isError".into(), is_error.into());
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Two tools (one query, one mutation) and a log of the calls made.
    #[derive(Default)]
    struct Fake {
        read_only: bool,
        calls: Vec<(String, Value)>,
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
                return Err(NoSuchTool::ReadOnly);
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

    fn post(body: &str, headers: &[(&str, &str)]) -> HttpRequest {
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

    fn send_with(t: &mut Fake, body: &str, headers: &[(&str, &str)]) -> (u16, Value) {
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

    fn send(body: &str) -> (u16, Value) {
        send_with(&mut Fake::default(), body, &[])
    }

    fn meta() -> Value {
        json!({META_VERSION: MODERN_VERSION, META_CAPABILITIES: {}, "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"}})
    }

    /// A 2026-07-28 request with `_meta` and the matching headers.
    fn modern_send(t: &mut Fake, id: u64, method: &str, mut params: Value) -> (u16, Value) {
        params["_meta"] = meta();
        let name = params["name"].as_str().map(str::to_string);
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string();
        let mut h = vec![("MCP-Protocol-Version", MODERN_VERSION), ("Mcp-Method", method)];
        if let Some(n) = name.as_deref() {
            h.push(("Mcp-Name", n));
        }
        send_with(t, &body, &h)
    }

    fn server_meta() -> Value {
        json!({META_SERVER_INFO: {"name": "gorgias-connector", "title": "Gorgias helpdesk connector", "version": env!("CARGO_PKG_VERSION"), "description": SERVER_DESCRIPTION}})
    }

    #[test]
    fn server_discover_lists_versions_capabilities_identity_and_cache_hints() {
        let (s, v) = modern_send(&mut Fake::default(), 1, "server/discover", json!({}));
        assert_eq!(s, 200);
        assert_eq!(
            v,
            json!({"jsonrpc": "2.0", "id": 1, "result": {
                "resultType": "complete",
                "supportedVersions": ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"],
                "capabilities": {"tools": {"listChanged": false}, "prompts": {"listChanged": false}},
                "instructions": instructions(&Fake::default()),
                "ttlMs": 300000,
                "cacheScope": "public",
                "_meta": server_meta(),
            }})
        );
    }

    #[test]
    fn read_only_instructions_count_the_query_tools() {
        let mut t = Fake {
            read_only: true,
            ..Fake::default()
        };
        let (_, v) = modern_send(&mut t, 1, "server/discover", json!({}));
        let text = v["result"]["instructions"].as_str().unwrap();
        assert!(
            text.contains("get-thing (Get thing)") && !text.contains("set-thing"),
            "{text}"
        );
        assert!(
            text.contains("This connector is read-only: only the 1 query tools exist"),
            "{text}"
        );
    }

    #[test]
    fn modern_tools_list_is_cacheable_complete_and_in_the_tools_order() {
        let (s, v) = modern_send(&mut Fake::default(), 2, "tools/list", json!({}));
        assert_eq!(s, 200);
        let r = &v["result"];
        let names: Vec<&str> = r["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["get-thing", "set-thing"]);
        assert_eq!(
            r["tools"][0],
            json!({"name": "get-thing", "title": "Get thing", "description": "Gets a thing.",
                "inputSchema": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]},
                "outputSchema": {"type": "object", "anyOf": [{"type": "object", "required": ["thing"]}, tool_error_schema()]},
                "annotations": {"readOnlyHint": true}})
        );
        assert_eq!((&r["ttlMs"], &r["cacheScope"]), (&json!(300000), &json!("public")));
        assert_eq!((&r["resultType"], &r["_meta"]), (&json!("complete"), &server_meta()));
    }

    #[test]
    fn modern_tools_list_refuses_a_cursor_it_never_issued() {
        let (s, v) = modern_send(&mut Fake::default(), 2, "tools/list", json!({"cursor": "abc"}));
        assert_eq!((s, &v["error"]["code"]), (200, &json!(INVALID_PARAMS)));
    }

    #[test]
    fn modern_tools_call_success_is_complete_with_structured_content() {
        let mut t = Fake::default();
        let (s, v) = modern_send(
            &mut t,
            3,
            "tools/call",
            json!({"name": "get-thing", "arguments": {"id": 7}}),
        );
        assert_eq!(s, 200);
        assert_eq!(
            v["result"],
            json!({"resultType": "complete", "content": [{"type": "text", "text": "{\"thing\":{\"id\":7}}"}],
                "structuredContent": {"thing": {"id": 7}}, "isError": false, "_meta": server_meta()})
        );
        assert_eq!(t.calls, vec![("get-thing".to_string(), json!({"id": 7}))]);
    }

    #[test]
    fn modern_tool_errors_carry_the_error_as_structured_content() {
        let (s, v) = modern_send(
            &mut Fake::default(),
            4,
            "tools/call",
            json!({"name": "get-thing", "arguments": {"id": 0}}),
        );
        assert_eq!(s, 200);
        let err = json!({"error": {"code": "invalid-input", "field": "id", "message": "id: must be positive", "retryable": false}});
        assert_eq!(v["result"]["isError"], true);
        assert_eq!(v["result"]["structuredContent"], err);
        let text: Value = serde_json::from_str(v["result"]["content"][0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(text, err);
        assert!(is_tool_error(&err));
    }

    #[test]
    fn modern_error_bodies_outside_the_error_schema_go_as_text_only() {
        let (_, v) = modern_send(
            &mut Fake::default(),
            4,
            "tools/call",
            json!({"name": "get-thing", "arguments": {"id": -9}}),
        );
        assert_eq!(
            v["result"],
            json!({"resultType": "complete", "content": [{"type": "text", "text": "{\"oops\":true}"}], "isError": true, "_meta": server_meta()})
        );
        for bad in [
            json!({"error": {"code": "x", "message": "m"}}),
            json!({"error": {"code": "x", "message": "m", "retryable": false, "field": 3}}),
            json!({"error": {"code": "x", "message": "m", "retryable": false}, "extra": 1}),
            json!([]),
        ] {
            assert!(!is_tool_error(&bad), "{bad}");
        }
    }

    #[test]
    fn legacy_tool_errors_name_the_field_without_structured_content() {
        let mut t = Fake::default();
        let (s, v) = send_with(
            &mut t,
            r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get-thing","arguments":{"id":-1}}}"#,
            &[("MCP-Protocol-Version", "2025-11-25")],
        );
        assert_eq!(s, 200);
        assert_eq!(
            v["result"],
            json!({"content": [{"type": "text", "text": "{\"error\":{\"code\":\"invalid-input\",\"field\":\"id\",\"message\":\"id: must be positive\",\"retryable\":false}}"}], "isError": true})
        );
    }

    #[test]
    fn missing_meta_fields_are_invalid_params_with_400() {
        let mut t = Fake::default();
        let h = [("MCP-Protocol-Version", MODERN_VERSION), ("Mcp-Method", "tools/list")];
        for (params, what) in [
            (json!({}), META_VERSION),
            (json!({"_meta": {META_CAPABILITIES: {}}}), META_VERSION),
            (json!({"_meta": {META_VERSION: MODERN_VERSION}}), META_CAPABILITIES),
            (
                json!({"_meta": {META_VERSION: MODERN_VERSION, META_CAPABILITIES: []}}),
                META_CAPABILITIES,
            ),
            (
                json!({"_meta": {META_VERSION: 20260728, META_CAPABILITIES: {}}}),
                META_VERSION,
            ),
        ] {
            let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": params}).to_string();
            let (s, v) = send_with(&mut t, &body, &h);
            assert_eq!((s, &v["error"]["code"]), (400, &json!(INVALID_PARAMS)), "{params}");
            assert!(v["error"]["message"].as_str().unwrap().contains(what), "{v}");
        }
        // server/discover is modern-only: without _meta it is malformed too.
        let (s, v) = send(r#"{"jsonrpc":"2.0","id":1,"method":"server/discover"}"#);
        assert_eq!((s, &v["error"]["code"]), (400, &json!(INVALID_PARAMS)));
    }

    #[test]
    fn unsupported_meta_version_is_32022_listing_the_supported_ones() {
        let body = json!({"jsonrpc": "2.0", "id": 9, "method": "tools/list",
            "params": {"_meta": {META_VERSION: "1900-01-01", META_CAPABILITIES: {}}}})
        .to_string();
        let (s, v) = send_with(
            &mut Fake::default(),
            &body,
            &[("MCP-Protocol-Version", "1900-01-01"), ("Mcp-Method", "tools/list")],
        );
        assert_eq!(s, 400);
        assert_eq!(v["id"], 9);
        assert_eq!(v["error"]["code"], UNSUPPORTED_PROTOCOL_VERSION);
        assert_eq!(
            v["error"]["data"],
            json!({"supported": SUPPORTED_VERSIONS, "requested": "1900-01-01"})
        );
    }

    #[test]
    fn headers_must_be_present_and_match_the_body() {
        let mut t = Fake::default();
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "get-thing", "arguments": {"id": 1}, "_meta": meta()}})
        .to_string();
        let v = MODERN_VERSION;
        let cases: [&[(&str, &str)]; 7] = [
            &[("Mcp-Method", "tools/call"), ("Mcp-Name", "get-thing")],
            &[
                ("MCP-Protocol-Version", "2025-11-25"),
                ("Mcp-Method", "tools/call"),
                ("Mcp-Name", "get-thing"),
            ],
            &[("MCP-Protocol-Version", v), ("Mcp-Name", "get-thing")],
            &[
                ("MCP-Protocol-Version", v),
                ("Mcp-Method", "tools/list"),
                ("Mcp-Name", "get-thing"),
            ],
            &[("MCP-Protocol-Version", v), ("Mcp-Method", "tools/call")],
            &[
                ("MCP-Protocol-Version", v),
                ("Mcp-Method", "tools/call"),
                ("Mcp-Name", "set-thing"),
            ],
            &[
                ("MCP-Protocol-Version", v),
                ("Mcp-Method", "tools/call"),
                ("Mcp-Name", "=?base64?!!!?="),
            ],
        ];
        for h in cases {
            let (s, r) = send_with(&mut t, &body, h);
            assert_eq!((s, &r["error"]["code"]), (400, &json!(HEADER_MISMATCH)), "{h:?}");
        }
        assert!(t.calls.is_empty(), "a mismatched request runs nothing");
        // Header names are case-insensitive; Mcp-Name may be base64-encoded.
        let (s, r) = send_with(
            &mut t,
            &body,
            &[
                ("mcp-protocol-version", v),
                ("MCP-METHOD", "tools/call"),
                ("mcp-name", "=?base64?Z2V0LXRoaW5n?="),
            ],
        );
        assert_eq!((s, &r["result"]["isError"]), (200, &json!(false)), "{r}");
        assert_eq!(t.calls.len(), 1);
    }

    #[test]
    fn a_header_not_matching_the_body_version_is_a_mismatch_before_the_version_is_judged() {
        // The conformance suite's probe: body v999.0.0, header 2026-07-28.
        let mut m = meta();
        m[META_VERSION] = "v999.0.0".into();
        let body =
            json!({"jsonrpc": "2.0", "id": 302, "method": "server/discover", "params": {"_meta": m}}).to_string();
        let (s, v) = send_with(
            &mut Fake::default(),
            &body,
            &[
                ("MCP-Protocol-Version", MODERN_VERSION),
                ("Mcp-Method", "server/discover"),
            ],
        );
        assert_eq!((s, &v["error"]["code"]), (400, &json!(HEADER_MISMATCH)), "{v}");
        // Header and body agreeing on an unknown version: -32022.
        let (s, v) = send_with(
            &mut Fake::default(),
            &body,
            &[("MCP-Protocol-Version", "v999.0.0"), ("Mcp-Method", "server/discover")],
        );
        assert_eq!(
            (s, &v["error"]["code"]),
            (400, &json!(UNSUPPORTED_PROTOCOL_VERSION)),
            "{v}"
        );
    }

    #[test]
    fn initialize_with_modern_meta_is_a_removed_method() {
        let (s, v) = modern_send(&mut Fake::default(), 500, "initialize", json!({}));
        assert_eq!(
            (s, &v["id"], &v["error"]["code"]),
            (404, &json!(500), &json!(METHOD_NOT_FOUND)),
            "{v}"
        );
        // Without modern _meta (even with the modern revision asked for), the handshake.
        let body =
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": MODERN_VERSION}});
        let (s, v) = send_with(
            &mut Fake::default(),
            &body.to_string(),
            &[("MCP-Protocol-Version", MODERN_VERSION)],
        );
        assert_eq!((s, &v["result"]["protocolVersion"]), (200, &json!("2025-11-25")), "{v}");
    }

    #[test]
    fn prompts_are_listed_and_got_in_both_eras() {
        let mut t = Fake::default();
        let (s, v) = modern_send(&mut t, 1, "prompts/list", json!({}));
        assert_eq!(
            (s, &v["result"]["ttlMs"], &v["result"]["cacheScope"]),
            (200, &json!(TTL_MS), &json!("public"))
        );
        assert_eq!(v["result"]["prompts"], json!(prompts::list()));
        let (s, v) = modern_send(
            &mut t,
            2,
            "prompts/get",
            json!({"name": "triage-ticket", "arguments": {"ticketId": "7"}}),
        );
        assert_eq!((s, &v["result"]["resultType"]), (200, &json!("complete")), "{v}");
        assert_eq!(v["result"]["messages"][0]["role"], "user");
        // Fake's tools are not the registry's: the steps left are those it has (none).
        let text = v["result"]["messages"][0]["content"]["text"].as_str().unwrap();
        assert!(
            text.starts_with("Triage Gorgias ticket 7.") && !text.contains("Call "),
            "{text}"
        );
        let (s, v) = modern_send(&mut t, 3, "prompts/get", json!({"name": "nope"}));
        assert_eq!((s, &v["error"]["code"]), (200, &json!(INVALID_PARAMS)));
        let (s, v) = modern_send(
            &mut t,
            4,
            "prompts/get",
            json!({"name": "draft-reply", "arguments": {"ticketId": "x"}}),
        );
        assert_eq!((s, &v["error"]["code"]), (200, &json!(INVALID_PARAMS)), "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("ticketId"));
        // Mcp-Name must name the prompt.
        let body = json!({"jsonrpc": "2.0", "id": 5, "method": "prompts/get",
            "params": {"name": "draft-reply", "arguments": {"ticketId": "1"}, "_meta": meta()}})
        .to_string();
        let (s, v) = send_with(
            &mut t,
            &body,
            &[
                ("MCP-Protocol-Version", MODERN_VERSION),
                ("Mcp-Method", "prompts/get"),
                ("Mcp-Name", "triage-ticket"),
            ],
        );
        assert_eq!((s, &v["error"]["code"]), (400, &json!(HEADER_MISMATCH)));
        let (_, v) = send(r#"{"jsonrpc":"2.0","id":6,"method":"prompts/list"}"#);
        assert_eq!(v["result"], json!({"prompts": prompts::list()}));
        let (_, v) = send(
            r#"{"jsonrpc":"2.0","id":7,"method":"prompts/get","params":{"name":"summarize-ticket","arguments":{"ticketId":"9"}}}"#,
        );
        assert!(
            v["result"]["messages"][0]["content"]["text"]
                .as_str()
                .unwrap()
                .contains("ticket 9"),
            "{v}"
        );
        assert!(t.calls.is_empty(), "prompts run no tool");
    }

    #[test]
    fn legacy_logging_set_level_takes_the_syslog_levels_only() {
        let (s, v) = send(r#"{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"debug"}}"#);
        assert_eq!((s, &v["result"]), (200, &json!({})));
        let (_, v) = send(r#"{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"loud"}}"#);
        assert_eq!(v["error"]["code"], INVALID_PARAMS);
        let (s, v) = modern_send(&mut Fake::default(), 1, "logging/setLevel", json!({"level": "debug"}));
        assert_eq!((s, &v["error"]["code"]), (404, &json!(METHOD_NOT_FOUND)));
    }

    #[test]
    fn refusals_are_403_json_rpc_errors_without_id() {
        let r = refused("no");
        assert_eq!(r.status, 403);
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            v,
            json!({"jsonrpc": "2.0", "error": {"code": INVALID_REQUEST, "message": "no"}})
        );
    }

    #[test]
    fn header_mismatch_message_names_both_values() {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "get-thing", "_meta": meta()}})
        .to_string();
        let (_, r) = send_with(
            &mut Fake::default(),
            &body,
            &[
                ("MCP-Protocol-Version", MODERN_VERSION),
                ("Mcp-Method", "tools/call"),
                ("Mcp-Name", "foo"),
            ],
        );
        assert_eq!(
            r["error"]["message"],
            "Header mismatch: Mcp-Name header value \"foo\" does not match body value \"get-thing\""
        );
    }

    #[test]
    fn modern_unknown_methods_and_ping_are_404_method_not_found() {
        for m in ["ping", "resources/list", "logging/setLevel", "tasks/get"] {
            let (s, v) = modern_send(&mut Fake::default(), 1, m, json!({}));
            assert_eq!((s, &v["error"]["code"]), (404, &json!(METHOD_NOT_FOUND)), "{m}");
        }
    }

    #[test]
    fn modern_unknown_and_read_only_tools_are_invalid_params() {
        let (s, v) = modern_send(&mut Fake::default(), 1, "tools/call", json!({"name": "nope"}));
        assert_eq!((s, &v["error"]["code"]), (200, &json!(INVALID_PARAMS)));
        let mut ro = Fake {
            read_only: true,
            ..Fake::default()
        };
        let (_, v) = modern_send(
            &mut ro,
            1,
            "tools/call",
            json!({"name": "set-thing", "arguments": {"id": 1}}),
        );
        assert!(v["error"]["message"].as_str().unwrap().contains("read-only"), "{v}");
        assert!(ro.calls.is_empty());
    }

    #[test]
    fn initialize_offers_2025_11_25_with_a_server_description() {
        let (s, v) = send(
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
        );
        assert_eq!(s, 200);
        assert_eq!(
            v["result"],
            json!({"protocolVersion": "2025-11-25", "capabilities": {"tools": {"listChanged": false}, "prompts": {"listChanged": false}, "logging": {}},
                "serverInfo": {"name": "gorgias-connector", "title": "Gorgias helpdesk connector", "version": env!("CARGO_PKG_VERSION"), "description": SERVER_DESCRIPTION},
                "instructions": instructions(&Fake::default())})
        );
    }

    #[test]
    fn initialize_keeps_older_revisions_and_answers_unknown_ones_with_the_newest_handshake() {
        for asked in ["2025-06-18", "2025-03-26", "2024-11-05"] {
            let body =
                json!({"jsonrpc": "2.0", "id": "a", "method": "initialize", "params": {"protocolVersion": asked}});
            let (_, v) = send(&body.to_string());
            assert_eq!(v["result"]["protocolVersion"], asked);
            assert_eq!(
                v["result"]["serverInfo"],
                json!({"name": "gorgias-connector", "title": "Gorgias helpdesk connector", "version": env!("CARGO_PKG_VERSION")})
            );
            assert!(v["result"].get("resultType").is_none());
        }
        for asked in ["1999-01-01", "2026-07-28"] {
            let body = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": asked}});
            assert_eq!(send(&body.to_string()).1["result"]["protocolVersion"], "2025-11-25");
        }
    }

    #[test]
    fn legacy_list_call_and_ping_are_as_before() {
        let mut t = Fake::default();
        let h = [("MCP-Protocol-Version", "2025-06-18")];
        let (_, v) = send_with(&mut t, r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, &h);
        assert_eq!(v["result"].as_object().unwrap().keys().collect::<Vec<_>>(), ["tools"]);
        assert_eq!(v["result"]["tools"].as_array().unwrap().len(), 2);
        assert_eq!(
            v["result"]["tools"][0]["outputSchema"],
            json!({"type": "object", "required": ["thing"]})
        );
        let (_, v) = send_with(
            &mut t,
            r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get-thing","arguments":{"id":5}}}"#,
            &h,
        );
        assert_eq!(
            v["result"],
            json!({"content": [{"type": "text", "text": "{\"thing\":{\"id\":5}}"}], "structuredContent": {"thing": {"id": 5}}, "isError": false})
        );
        assert_eq!(
            send_with(&mut t, r#"{"jsonrpc":"2.0","id":5,"method":"ping"}"#, &h).1,
            json!({"jsonrpc": "2.0", "id": 5, "result": {}})
        );
    }

    #[test]
    fn legacy_protocol_errors() {
        let code = |r: (u16, Value)| (r.0, r.1["error"]["code"].as_i64());
        assert_eq!(code(send("{")), (400, Some(PARSE_ERROR)));
        assert_eq!(code(send("7")), (400, Some(INVALID_REQUEST)));
        assert_eq!(
            code(send(r#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#)),
            (400, Some(INVALID_REQUEST))
        );
        assert_eq!(
            code(send(r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#)),
            (400, Some(INVALID_REQUEST))
        );
        assert_eq!(
            code(send(r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#)),
            (400, Some(INVALID_REQUEST))
        );
        assert_eq!(
            code(send(r#"{"jsonrpc":"2.0","id":1,"method":7}"#)),
            (400, Some(INVALID_REQUEST))
        );
        assert_eq!(code(send(r#"{"jsonrpc":"2.0","id":1}"#)), (400, Some(INVALID_REQUEST)));
        assert_eq!(
            code(send(r#"{"jsonrpc":"2.0","id":1,"method":"resources/list"}"#)),
            (200, Some(METHOD_NOT_FOUND))
        );
        assert_eq!(
            code(send(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":[1]}"#)),
            (200, Some(INVALID_PARAMS))
        );
        assert_eq!(
            code(send(
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nope"}}"#
            )),
            (200, Some(INVALID_PARAMS))
        );
        assert_eq!(
            code(send(
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{}}}"#
            )),
            (200, Some(INVALID_PARAMS))
        );
        assert_eq!(
            code(send(
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-thing","arguments":[1]}}"#
            )),
            (200, Some(INVALID_PARAMS))
        );
    }

    #[test]
    fn unknown_protocol_version_header_is_400_with_the_supported_versions() {
        let (s, v) = send_with(
            &mut Fake::default(),
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
            &[("MCP-Protocol-Version", "2099-01-01")],
        );
        assert_eq!((s, &v["error"]["code"]), (400, &json!(UNSUPPORTED_PROTOCOL_VERSION)));
        assert_eq!(v["error"]["data"]["requested"], "2099-01-01");
        // A modern header without _meta is a malformed modern request.
        let (s, v) = send_with(
            &mut Fake::default(),
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
            &[("MCP-Protocol-Version", MODERN_VERSION)],
        );
        assert_eq!((s, &v["error"]["code"]), (400, &json!(INVALID_PARAMS)));
    }

    #[test]
    fn notifications_and_responses_get_202_without_body() {
        for body in [
            r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#,
            r#"{"jsonrpc":"2.0","id":9,"result":{}}"#,
            r#"[{"jsonrpc":"2.0","method":"notifications/initialized"}]"#,
        ] {
            let r = handle(&post(body, &[]), &mut Fake::default());
            assert_eq!((r.status, r.body.len()), (202, 0), "{body}");
        }
    }

    #[test]
    fn batches_are_answered_for_2025_03_26_only() {
        let mut t = Fake::default();
        let body = r#"[{"jsonrpc":"2.0","id":1,"method":"ping"},
            {"jsonrpc":"2.0","method":"notifications/initialized"},
            {"jsonrpc":"2.0","id":"b","method":"tools/call","params":{"name":"get-thing","arguments":{"id":3}}},
            {"jsonrpc":"2.0","id":3,"method":"initialize","params":{}},
            5]"#;
        for h in [&[][..], &[("MCP-Protocol-Version", "2025-03-26")][..]] {
            let (s, v) = send_with(&mut t, body, h);
            assert_eq!(s, 200);
            let v = v.as_array().unwrap();
            assert_eq!(v.len(), 4);
            assert_eq!(v[0], json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
            assert_eq!(
                (&v[1]["id"], &v[1]["result"]["structuredContent"]),
                (&json!("b"), &json!({"thing": {"id": 3}}))
            );
            assert_eq!(
                (&v[2]["id"], &v[2]["error"]["code"]),
                (&json!(3), &json!(INVALID_REQUEST))
            );
            assert_eq!(
                (&v[3]["id"], &v[3]["error"]["code"]),
                (&Value::Null, &json!(INVALID_REQUEST))
            );
        }
        assert_eq!(t.calls.len(), 2);
        for h in ["2025-06-18", "2025-11-25", MODERN_VERSION] {
            let (s, v) = send_with(&mut t, body, &[("MCP-Protocol-Version", h)]);
            assert_eq!((s, &v["error"]["code"]), (400, &json!(INVALID_REQUEST)), "{h}");
        }
        assert_eq!(code_of(send("[]")), (400, INVALID_REQUEST));
        let many = format!(
            "[{}]",
            vec![r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#; MAX_BATCH + 1].join(",")
        );
        assert_eq!(code_of(send(&many)), (400, INVALID_REQUEST));
        assert_eq!(t.calls.len(), 2, "refused batches run nothing");
    }

    fn code_of(r: (u16, Value)) -> (u16, i64) {
        (r.0, r.1["error"]["code"].as_i64().unwrap())
    }

    #[test]
    fn base64_header_values_decode() {
        assert_eq!(
            decode_header_value("=?base64?SGVsbG8sIOS4lueVjA==?=").as_deref(),
            Some("Hello, 世界")
        );
        assert_eq!(
            decode_header_value("=?base64?IHBhZGRlZCA=?=").as_deref(),
            Some(" padded ")
        );
        assert_eq!(decode_header_value("plain").as_deref(), Some("plain"));
        assert_eq!(decode_header_value("=?base64?@@?="), None);
        assert_eq!(decode_header_value("=?base64?/w==?="), None, "not UTF-8");
        assert_eq!(decode_header_value("caf\u{e9}"), None, "not a header value");
    }
}
