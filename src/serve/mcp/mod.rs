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
//!
//! ## Files
//! - this file: [`handle`], the JSON-RPC envelope of one message, and which
//!   era serves it;
//! - `modern` (2026-07-28) and `legacy` (the handshake revisions and their
//!   batches): each era's methods;
//! - `headers`: the 2026-07-28 header checks and base64 header values;
//! - `tool_json` and `prompt_json`: tools and prompts as MCP shows them;
//! - `server`: revisions and eras, identity, capabilities, cache hints;
//! - `rpc`: JSON-RPC errors, the HTTP answer, JSON helpers;
//! - [`prompts`] and [`instructions`]: what the prompts and the
//!   instructions say.

pub mod instructions;
pub mod prompts;

mod headers;
mod legacy;
mod modern;
mod prompt_json;
mod rpc;
mod server;
mod tool_json;

#[cfg(test)]
mod testing;

pub use legacy::MAX_BATCH;
pub use rpc::{
    HEADER_MISMATCH, INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, UNSUPPORTED_PROTOCOL_VERSION,
    refused,
};
pub use server::{HANDSHAKE_VERSIONS, MODERN_VERSION, SUPPORTED_VERSIONS, TTL_MS};
pub use tool_json::{ToolText, tool_bytes, tool_error_schema};

use crate::serve::http::{HttpRequest, HttpResponse};
use crate::serve::tools::Tools;
use rpc::{Outcome, RpcError, obj, respond, valid_id};
use serde_json::{Map, Value};
use server::{Era, META_VERSION};

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
    let mut r = match msg {
        Value::Object(m) => respond(message(&m, req, tools)),
        Value::Array(items) => legacy::batch(&items, req, &mut |m| message(m, req, tools)),
        _ => respond(
            RpcError::new(400, INVALID_REQUEST, "a JSON-RPC message must be an object").into_reply(&Value::Null),
        ),
    };
    // Only an answer to a `tools/list` can hold the placeholder.
    if tools.prepares_list() && req.body.windows(10).any(|w| w == b"tools/list") {
        r.body = tool_json::splice_tools(std::mem::take(&mut r.body), tools);
    }
    r
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
        Era::Modern => modern::request(method, params, req, tools),
        Era::Legacy => legacy::request(method, params, req, tools),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::mcp::testing::{Fake, modern_send, post, send, send_with};
    use serde_json::json;

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
}
