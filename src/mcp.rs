//! `POST /mcp`: the Model Context Protocol over Streamable HTTP, answered
//! with single JSON responses (no SSE stream, no session).
//!
//! JSON-RPC 2.0, protocol version [`PROTOCOL_VERSION`]: `initialize`, `ping`,
//! `tools/list` and `tools/call` over [`Tools`]: one tool per operation of the
//! registry ([`RegistryTools`]), run exactly as the HTTP route runs it.
//!
//! - Notifications and client responses → `202 Accepted`, empty body.
//! - Unparseable JSON (-32700), a batch or a malformed message (-32600), or an
//!   unsupported `MCP-Protocol-Version` header → `400` with a JSON-RPC error;
//!   a browser `Origin` other than the `Host` → `403`.
//! - Unknown method → -32601; params not an object, unknown tool (including a
//!   mutation in read-only mode, which `tools/list` does not list) or
//!   arguments not an object → -32602.
//! - A tool that fails (invalid input, Gorgias errors, missing credentials) →
//!   a result with `isError: true` whose text is the route's error body
//!   `{"error": {"code", "message", "retryable", "field"?, …}}`. It carries no
//!   `structuredContent`: that must conform to the tool's `outputSchema`,
//!   and some clients validate it even on errors.

use crate::calls::RegistryTools;
use crate::client::Transport;
use crate::config::Config;
use crate::http::{HttpRequest, HttpResponse};
use crate::tools::{NoSuchTool, Tool, Tools};
use serde_json::Value;
/// A JSON object.
type Map = serde_json::Map<String, Value>;

/// The protocol version this server implements (and answers with when the
/// client asks for one it does not know).
pub const PROTOCOL_VERSION: &str = "2025-06-18";

/// Versions accepted from clients (`initialize` and `MCP-Protocol-Version`).
pub const SUPPORTED_VERSIONS: [&str; 3] = ["2025-06-18", "2025-03-26", "2024-11-05"];

/// Invalid JSON.
pub const PARSE_ERROR: i64 = -32700;
/// Not a valid JSON-RPC request.
pub const INVALID_REQUEST: i64 = -32600;
/// Unknown method.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// Invalid method parameters (including unknown tools).
pub const INVALID_PARAMS: i64 = -32602;

const INSTRUCTIONS: &str = "Tools for one Gorgias helpdesk account: read tickets, their messages and tags, find customers by email, and (unless the connector is read-only) create and update tickets, reply to customers, add internal notes and add tags. IDs are positive integers. Paginated tools return nextCursor: pass it back as cursor for the next page. A failed call returns isError with {\"error\": {\"code\", \"message\", \"retryable\", \"field\"}}: for invalid-input fix the named field; retry unchanged only when retryable is true.";

/// The MCP tool definition (`tools/list` entry) of `t`.
pub fn tool_json(t: &Tool) -> Value {
    serde_json::json!({
        "name": t.name,
        "title": t.title,
        "description": t.description,
        "inputSchema": t.input_schema,
        "outputSchema": t.output_schema,
        "annotations": t.annotations,
    })
}

/// The `tools/list` result.
pub fn tools_list(tools: &impl Tools) -> Value {
    let tools: Vec<Value> = tools.list().iter().map(tool_json).collect();
    serde_json::json!({"tools": tools})
}

/// A JSON-RPC response: `{"jsonrpc": "2.0", "id": id, key: value}`.
fn envelope(id: &Value, key: &'static str, value: Value) -> Value {
    let mut m = Map::new();
    m.insert("jsonrpc".into(), "2.0".into());
    m.insert("id".into(), id.clone());
    m.insert(key.into(), value);
    m.into()
}

fn rpc_error(id: &Value, code: i64, message: &str) -> Value {
    let mut e = Map::new();
    e.insert("code".into(), code.into());
    e.insert("message".into(), message.into());
    envelope(id, "error", e.into())
}

fn reply(status: u16, v: &Value) -> HttpResponse {
    HttpResponse::json(status, v)
}

fn accepted() -> HttpResponse {
    HttpResponse {
        status: 202,
        headers: Vec::new(),
        body: Vec::new(),
    }
}

/// The `tools/call` result for a route's answer (`Ok`) or error body (`Err`).
pub fn call_result(outcome: Result<Value, Value>) -> Value {
    let (text, structured, is_error) = match outcome {
        Ok(v) => (v.to_string(), Some(v), false),
        Err(e) => (e.to_string(), None, true),
    };
    let mut content = Map::new();
    content.insert("type".into(), "text".into());
    content.insert("text".into(), text.into());
    let mut r = Map::new();
    r.insert("content".into(), Value::Array(vec![content.into()]));
    if let Some(v) = structured {
        r.insert("structuredContent".into(), v);
    }
    r.insert("isError".into(), is_error.into());
    r.into()
}

/// Whether a browser `Origin` header names the host the request was sent to.
/// Requests without `Origin` (agents, curl, server-side clients) pass; a web
/// page on another origin does not (the spec's DNS-rebinding defence).
pub fn origin_allowed(req: &HttpRequest) -> bool {
    let Some(origin) = req.header("origin").map(str::trim) else {
        return true;
    };
    let authority = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'))
        .unwrap_or("");
    req.header("host")
        .is_some_and(|h| !authority.is_empty() && h.trim().eq_ignore_ascii_case(authority))
}

/// Handles one POST to `/mcp` (auth and body checks already done) with the
/// registry's tools.
pub fn handle<T: Transport>(req: &HttpRequest, config: &Config, transport: &mut T) -> HttpResponse {
    let mut tools = RegistryTools {
        request: req,
        config,
        transport,
    };
    handle_with(req, &mut tools)
}

/// Handles one POST to `/mcp` over `tools`.
pub fn handle_with(req: &HttpRequest, tools: &mut impl Tools) -> HttpResponse {
    let null = Value::Null;
    if !origin_allowed(req) {
        return reply(
            403,
            &rpc_error(
                &null,
                INVALID_REQUEST,
                "Origin does not match Host: cross-origin MCP requests are refused",
            ),
        );
    }
    let msg: Value = match serde_json::from_slice::<Value>(&req.body) {
        Ok(v) => v,
        Err(e) => return reply(400, &rpc_error(&null, PARSE_ERROR, &format!("parse error: {e}"))),
    };
    let Value::Object(msg) = msg else {
        let why = if msg.is_array() {
            "batches are not supported (MCP 2025-06-18 sends one message per request)"
        } else {
            "a JSON-RPC message must be an object"
        };
        return reply(400, &rpc_error(&null, INVALID_REQUEST, why));
    };
    let id = msg.get("id").cloned();
    let id_ok = matches!(&id, Some(Value::String(_))) || id.as_ref().is_some_and(|i| i.is_i64() || i.is_u64());
    let echo = if id_ok {
        id.clone().unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    if msg.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return reply(400, &rpc_error(&echo, INVALID_REQUEST, "jsonrpc must be \"2.0\""));
    }
    let Some(method) = msg.get("method") else {
        // A client's response to a server request (we send none): accept it.
        if id.is_some() && (msg.contains_key("result") || msg.contains_key("error")) {
            return accepted();
        }
        return reply(400, &rpc_error(&echo, INVALID_REQUEST, "method is required"));
    };
    let Some(method) = method.as_str() else {
        return reply(400, &rpc_error(&echo, INVALID_REQUEST, "method must be a string"));
    };
    if id.is_none() {
        return accepted();
    }
    if !id_ok {
        return reply(
            400,
            &rpc_error(&null, INVALID_REQUEST, "id must be a string or an integer"),
        );
    }
    if method != "initialize"
        && let Some(v) = req.header("mcp-protocol-version")
        && !SUPPORTED_VERSIONS.contains(&v.trim())
    {
        return reply(
            400,
            &rpc_error(
                &echo,
                INVALID_REQUEST,
                &format!(
                    "unsupported MCP-Protocol-Version {:?}; supported: {}",
                    v.chars().take(32).collect::<String>(),
                    SUPPORTED_VERSIONS.join(", ")
                ),
            ),
        );
    }
    let empty = Value::Object(Map::new());
    let params = match msg.get("params") {
        None | Some(Value::Null) => &empty,
        Some(p @ Value::Object(_)) => p,
        Some(_) => return reply(200, &rpc_error(&echo, INVALID_PARAMS, "params must be an object")),
    };
    let result = match method {
        "initialize" => Ok(initialize(params, tools.read_only())),
        "ping" => Ok(Map::new().into()),
        "tools/list" => Ok(tools_list(tools)),
        "tools/call" => call(params, tools),
        other => Err((
            METHOD_NOT_FOUND,
            format!(
                "method not found: {:?} (this server offers initialize, ping, tools/list, tools/call)",
                other.chars().take(64).collect::<String>()
            ),
        )),
    };
    match result {
        Ok(r) => reply(200, &envelope(&echo, "result", r)),
        Err((code, message)) => reply(200, &rpc_error(&echo, code, &message)),
    }
}

fn initialize(params: &Value, read_only: bool) -> Value {
    let asked = params.get("protocolVersion").and_then(Value::as_str);
    let version = asked
        .filter(|v| SUPPORTED_VERSIONS.contains(v))
        .unwrap_or(PROTOCOL_VERSION);
    let mut instructions = INSTRUCTIONS.to_string();
    if read_only {
        instructions.push_str(" This connector is read-only: only the five query tools exist.");
    }
    let mut result = crate::openapi::template(concat!(
        r#"{"capabilities": {"tools": {"listChanged": false}}, "serverInfo": {"name": "gorgias-connector", "title": "Gorgias helpdesk connector", "version": ""#,
        env!("CARGO_PKG_VERSION"),
        r#""}}"#
    ));
    result["protocolVersion"] = version.into();
    result["instructions"] = instructions.into();
    result
}

fn call(params: &Value, tools: &mut impl Tools) -> Result<Value, (i64, String)> {
    let Some(name) = params.get("name").and_then(Value::as_str) else {
        return Err((INVALID_PARAMS, "params.name (the tool name) is required".into()));
    };
    let args = match params.get("arguments") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(a @ Value::Object(_)) => a.clone(),
        Some(_) => return Err((INVALID_PARAMS, "params.arguments must be an object".into())),
    };
    match tools.call(name, args) {
        Ok(outcome) => Ok(call_result(outcome)),
        Err(why) => {
            let mut m = format!(
                "unknown tool: {:?}; tools/list lists them",
                name.chars().take(64).collect::<String>()
            );
            if why == NoSuchTool::ReadOnly {
                m.push_str(" (mutations are disabled: the connector is read-only)");
            }
            Err((INVALID_PARAMS, m))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::tests::Scripted;
    use serde_json::json;

    fn cfg() -> Config {
        Config {
            account: Some("acme".into()),
            email: Some("agent@acme.com".into()),
            api_key: Some("s3cr3t-key".into()),
            ..Default::default()
        }
    }

    fn rpc(body: &str) -> HttpRequest {
        HttpRequest {
            method: "POST".into(),
            path: "/mcp".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
            body_too_large: false,
        }
    }

    fn send(body: &str, config: &Config, t: &mut Scripted) -> (u16, Value) {
        let r = handle(&rpc(body), config, t);
        let v = if r.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice::<Value>(&r.body).unwrap()
        };
        (r.status, v)
    }

    #[test]
    fn initialize_result_is_complete() {
        let (_, v) = send(
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}"#,
            &cfg(),
            &mut Scripted::default(),
        );
        assert_eq!(
            v["result"],
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {"tools": {"listChanged": false}},
                "serverInfo": {
                    "name": "gorgias-connector",
                    "title": "Gorgias helpdesk connector",
                    "version": env!("CARGO_PKG_VERSION"),
                },
                "instructions": INSTRUCTIONS,
            })
        );
    }

    #[test]
    fn initialize_negotiates_the_version() {
        let mut t = Scripted::default();
        let (s, v) = send(
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
            &cfg(),
            &mut t,
        );
        assert_eq!(s, 200);
        assert_eq!(v["id"], 1);
        assert_eq!(v["result"]["protocolVersion"], "2025-03-26");
        assert_eq!(v["result"]["capabilities"]["tools"], json!({"listChanged": false}));
        assert_eq!(v["result"]["serverInfo"]["name"], "gorgias-connector");
        let (_, v) = send(
            r#"{"jsonrpc":"2.0","id":"a","method":"initialize","params":{"protocolVersion":"1999-01-01"}}"#,
            &cfg(),
            &mut t,
        );
        assert_eq!(
            (&v["id"], &v["result"]["protocolVersion"]),
            (&json!("a"), &json!("2025-06-18"))
        );
    }

    #[test]
    fn tools_carry_schemas_and_annotations() {
        let req = HttpRequest::default();
        let mut t = Scripted::default();
        let (cfg, mut ro) = (cfg(), cfg());
        ro.read_only = true;
        let list = tools_list(&RegistryTools {
            request: &req,
            config: &cfg,
            transport: &mut t,
        });
        let tools = list["tools"].as_array().unwrap();
        assert_eq!(tools.len(), 10);
        let by = |n: &str| tools.iter().find(|t| t["name"] == n).unwrap().clone();
        assert_eq!(
            by("get-ticket")["annotations"],
            json!({"title": "Get Ticket", "readOnlyHint": true, "openWorldHint": true})
        );
        assert_eq!(by("update-ticket")["annotations"]["idempotentHint"], true);
        assert_eq!(by("add-ticket-tags")["annotations"]["idempotentHint"], true);
        for n in ["create-ticket", "reply-to-ticket", "add-internal-note"] {
            assert_eq!(by(n)["annotations"]["idempotentHint"], false, "{n}");
            assert_eq!(by(n)["annotations"]["destructiveHint"], false, "{n}");
        }
        assert_eq!(by("get-ticket")["inputSchema"]["required"], json!(["ticketId"]));
        assert_eq!(by("get-ticket")["outputSchema"]["required"], json!(["ticket"]));
        let ro = RegistryTools {
            request: &req,
            config: &ro,
            transport: &mut t,
        };
        assert_eq!(tools_list(&ro)["tools"].as_array().unwrap().len(), 5);
    }

    #[test]
    fn tools_call_runs_the_route_and_returns_structured_content() {
        let mut t = Scripted::new(vec![Scripted::json(200, r#"{"data": [{"id": 13, "name": "vip"}]}"#)]);
        let (s, v) = send(
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"list-ticket-tags","arguments":{"ticketId":12345}}}"#,
            &cfg(),
            &mut t,
        );
        assert_eq!(s, 200);
        let expected = json!({"tags": [{"id": 13, "name": "vip", "description": null, "color": null}]});
        assert_eq!(v["result"]["structuredContent"], expected);
        assert_eq!(v["result"]["isError"], false);
        let text: Value =
            serde_json::from_slice::<Value>(v["result"]["content"][0]["text"].as_str().unwrap().as_bytes()).unwrap();
        assert_eq!(text, expected);
        assert_eq!(t.lines(), vec!["GET /api/tickets/12345/tags"]);
    }

    #[test]
    fn tool_errors_are_is_error_results_naming_the_field() {
        let mut t = Scripted::default();
        let (s, v) = send(
            r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"update-ticket","arguments":{"ticketId":1,"priority":"urgent"}}}"#,
            &cfg(),
            &mut t,
        );
        assert_eq!(s, 200);
        assert_eq!(v["result"]["isError"], true);
        assert!(v["result"].get("structuredContent").is_none());
        let err: Value =
            serde_json::from_slice::<Value>(v["result"]["content"][0]["text"].as_str().unwrap().as_bytes()).unwrap();
        assert_eq!(err["error"]["code"], "invalid-input");
        assert_eq!(err["error"]["field"], "priority");
        assert!(t.sent.is_empty());
        // No credentials anywhere: an isError result, not a protocol error.
        let (_, v) = send(
            r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get-ticket","arguments":{"ticketId":1}}}"#,
            &Config::default(),
            &mut t,
        );
        assert_eq!(v["result"]["isError"], true);
    }

    #[test]
    fn protocol_errors() {
        let mut t = Scripted::default();
        let c = cfg();
        let code = |r: &(u16, Value)| (r.0, r.1["error"]["code"].as_i64());
        assert_eq!(code(&send("{", &c, &mut t)), (400, Some(PARSE_ERROR)));
        assert_eq!(code(&send("[]", &c, &mut t)), (400, Some(INVALID_REQUEST)));
        assert_eq!(
            code(&send(r#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#, &c, &mut t)),
            (400, Some(INVALID_REQUEST))
        );
        assert_eq!(
            code(&send(r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, &c, &mut t)),
            (400, Some(INVALID_REQUEST))
        );
        assert_eq!(
            code(&send(
                r#"{"jsonrpc":"2.0","id":1,"method":"resources/list"}"#,
                &c,
                &mut t
            )),
            (200, Some(METHOD_NOT_FOUND))
        );
        assert_eq!(
            code(&send(
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":[1]}"#,
                &c,
                &mut t
            )),
            (200, Some(INVALID_PARAMS))
        );
        assert_eq!(
            code(&send(
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"delete-everything"}}"#,
                &c,
                &mut t
            )),
            (200, Some(INVALID_PARAMS))
        );
        assert_eq!(
            code(&send(
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get-ticket","arguments":[1]}}"#,
                &c,
                &mut t
            )),
            (200, Some(INVALID_PARAMS))
        );
        let ro = Config {
            read_only: true,
            ..cfg()
        };
        let r = send(
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create-ticket","arguments":{}}}"#,
            &ro,
            &mut t,
        );
        assert_eq!(code(&r), (200, Some(INVALID_PARAMS)));
        assert!(r.1["error"]["message"].as_str().unwrap().contains("read-only"));
        assert_eq!(
            send(r#"{"jsonrpc":"2.0","id":5,"method":"ping"}"#, &c, &mut t).1,
            json!({"jsonrpc": "2.0", "id": 5, "result": {}})
        );
        assert!(t.sent.is_empty());
    }

    #[test]
    fn notifications_and_responses_get_202_without_body() {
        let mut t = Scripted::default();
        for body in [
            r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#,
            r#"{"jsonrpc":"2.0","id":9,"result":{}}"#,
        ] {
            let r = handle(&rpc(body), &cfg(), &mut t);
            assert_eq!((r.status, r.body.len()), (202, 0), "{body}");
        }
    }

    #[test]
    fn cross_origin_requests_are_refused() {
        let mut t = Scripted::default();
        let mut r = rpc(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#);
        r.headers.push(("Host".into(), "127.0.0.1:8080".into()));
        assert_eq!(handle(&r, &cfg(), &mut t).status, 200);
        r.headers.push(("Origin".into(), "http://127.0.0.1:8080".into()));
        assert_eq!(handle(&r, &cfg(), &mut t).status, 200);
        r.headers.pop();
        r.headers.push(("Origin".into(), "https://evil.example".into()));
        assert_eq!(handle(&r, &cfg(), &mut t).status, 403);
        r.headers.pop();
        r.headers.push(("Origin".into(), "null".into()));
        assert_eq!(handle(&r, &cfg(), &mut t).status, 403);
    }

    #[test]
    fn unsupported_protocol_version_header_is_400() {
        let mut t = Scripted::default();
        let mut r = rpc(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#);
        r.headers.push(("MCP-Protocol-Version".into(), "2099-01-01".into()));
        assert_eq!(handle(&r, &cfg(), &mut t).status, 400);
        r.headers.pop();
        r.headers.push(("MCP-Protocol-Version".into(), "2025-06-18".into()));
        assert_eq!(handle(&r, &cfg(), &mut t).status, 200);
    }
}
