//! The handshake era (`initialize` → 2025-11-25, 2025-06-18, 2025-03-26,
//! 2024-11-05): `initialize`, `ping`, `tools/list`, `tools/call`,
//! `prompts/list`, `prompts/get`, `logging/setLevel`; JSON-RPC errors go out
//! with HTTP 200. And the 2025-03-26 batches.

use super::prompt_json::{prompt_get, prompt_name, prompts_list};
use super::rpc::{
    INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, Outcome, RpcError, clip, json_response, respond, valid_id,
};
use super::server::{
    Era, HANDSHAKE_VERSIONS, MODERN_VERSION, capabilities, instructions, server_info, unsupported_version,
};
use super::tool_json::{call, tool_name, tools_list};
use crate::serve::http::{HttpRequest, HttpResponse};
use crate::serve::tools::Tools;
use serde_json::{Map, Value};

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

/// A request in the handshake era: its result, or the error with its HTTP status.
pub(super) fn request(
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
    let mut capabilities = capabilities();
    capabilities["logging"] = Value::Object(Map::new());
    m.insert("capabilities".into(), capabilities);
    // `Implementation.description` is new in 2025-11-25.
    m.insert("serverInfo".into(), server_info(version == "2025-11-25"));
    m.insert("instructions".into(), instructions(tools).into());
    m
}

/// A 2025-03-26 batch: each message answered in order by `each`,
/// notifications left out. Refused (400) under another revision's header,
/// when empty or longer than [`MAX_BATCH`]; `initialize` in it is refused.
pub(super) fn batch(
    items: &[Value],
    req: &HttpRequest,
    each: &mut dyn FnMut(&Map<String, Value>) -> Outcome,
) -> HttpResponse {
    let null = Value::Null;
    let refuse = |why: String| respond(RpcError::new(400, INVALID_REQUEST, why).into_reply(&Value::Null));
    let header = req.header("mcp-protocol-version").map(str::trim);
    if header.is_some_and(|v| v != "2025-03-26") {
        return refuse("batches are part of MCP 2025-03-26 only; send one message per POST".into());
    }
    if items.is_empty() || items.len() > MAX_BATCH {
        return refuse(format!("a batch holds 1 to {MAX_BATCH} messages, not {}", items.len()));
    }
    let mut out = Vec::new();
    for item in items {
        let o = match item {
            Value::Object(m) if m.get("method").and_then(Value::as_str) == Some("initialize") => {
                let id = m.get("id").filter(|i| valid_id(i)).cloned().unwrap_or(Value::Null);
                RpcError::new(400, INVALID_REQUEST, "initialize must not be part of a batch").into_reply(&id)
            }
            Value::Object(m) => each(m),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::mcp::server::SERVER_DESCRIPTION;
    use crate::serve::mcp::testing::{Fake, code_of, modern_send, send, send_with};
    use serde_json::json;

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
    fn legacy_logging_set_level_takes_the_syslog_levels_only() {
        let (s, v) = send(r#"{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"debug"}}"#);
        assert_eq!((s, &v["result"]), (200, &json!({})));
        let (_, v) = send(r#"{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"loud"}}"#);
        assert_eq!(v["error"]["code"], INVALID_PARAMS);
        let (s, v) = modern_send(&mut Fake::default(), 1, "logging/setLevel", json!({"level": "debug"}));
        assert_eq!((s, &v["error"]["code"]), (404, &json!(METHOD_NOT_FOUND)));
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
}
