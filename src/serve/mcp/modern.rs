//! The stateless 2026-07-28 revision: each request on its own, with its
//! `_meta` and headers checked, then `server/discover`, `tools/list`,
//! `tools/call`, `prompts/list` or `prompts/get`.
//!
//! - `_meta` must carry `protocolVersion` (a string) and `clientCapabilities`
//!   (an object): else -32602 and HTTP 400.
//! - The headers must match the body ([`super::headers`]), then the version
//!   must be [`MODERN_VERSION`]: else -32022 with the supported versions, 400.
//! - Other methods (`ping`, `initialize`, …) are -32601 with 404.
//! - Every result has `resultType: "complete"` and the server's identity in
//!   `_meta`; the lists carry `ttlMs` / `cacheScope: "public"`.

use super::headers::check_header;
use super::prompt_json::{prompt_get, prompt_name, prompts_list};
use super::rpc::{INVALID_PARAMS, METHOD_NOT_FOUND, RpcError, clip, strings};
use super::server::{
    Era, META_CAPABILITIES, META_VERSION, MODERN_VERSION, SUPPORTED_VERSIONS, cacheable, capabilities, instructions,
    result_meta, unsupported_version,
};
use super::tool_json::{call, tool_name, tools_list};
use crate::serve::http::HttpRequest;
use crate::serve::tools::Tools;
use serde_json::{Map, Value};

/// The `_meta` protocol version of a 2026-07-28 request, once `_meta` is
/// checked: -32602 (400) when it or `clientCapabilities` is missing or mistyped.
fn meta_version(params: &Map<String, Value>) -> Result<&str, RpcError> {
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
        Some(Value::Object(_)) => Ok(version),
        None => Err(missing(META_CAPABILITIES)),
        Some(_) => Err(RpcError::new(
            400,
            INVALID_PARAMS,
            format!("params._meta[{META_CAPABILITIES:?}] must be an object"),
        )),
    }
}

/// -32602 for a `cursor` on a list this server gives on one page.
fn no_cursor(params: &Map<String, Value>, what: &str) -> Result<(), RpcError> {
    if params.get("cursor").is_some_and(|c| !c.is_null()) {
        return Err(RpcError::new(
            200,
            INVALID_PARAMS,
            format!("params.cursor: this server lists every {what} on one page and issues no cursors"),
        ));
    }
    Ok(())
}

/// A 2026-07-28 request: its result, or the error with its HTTP status.
pub(super) fn request(
    method: &str,
    params: &Map<String, Value>,
    req: &HttpRequest,
    tools: &mut dyn Tools,
) -> Result<Map<String, Value>, RpcError> {
    let version = meta_version(params)?;
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
            m.insert("capabilities".into(), capabilities());
            m.insert("instructions".into(), instructions(tools).into());
            cacheable(m)
        }
        "tools/list" => {
            no_cursor(params, "tool")?;
            cacheable(tools_list(tools, Era::Modern))
        }
        "tools/call" => {
            let name = tool_name(params)?;
            check_header(req, "Mcp-Name", name, true)?;
            call(name, params, tools, Era::Modern)?
        }
        "prompts/list" => {
            no_cursor(params, "prompt")?;
            cacheable(prompts_list())
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
    result.insert("_meta".into(), result_meta());
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::config::Access;
    use crate::serve::mcp::rpc::HEADER_MISMATCH;
    use crate::serve::mcp::rpc::UNSUPPORTED_PROTOCOL_VERSION;
    use crate::serve::mcp::testing::{Fake, meta, modern_send, send, send_with, server_meta};
    use crate::serve::mcp::tool_json::tool_error_schema;
    use serde_json::json;

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
    fn params_the_server_does_not_know_are_ignored() {
        // SEP-2322: a server ignores what it does not recognize, such as the
        // inputResponses and requestState of a retried call it never asked for.
        let mut t = Fake::default();
        let (s, v) = modern_send(
            &mut t,
            3,
            "tools/call",
            json!({"name": "get-thing", "arguments": {"id": 7},
                "inputResponses": {"unknown_extra_key": {"action": "accept", "content": {"foo": "bar"}}},
                "requestState": "abc", "somethingElse": [1]}),
        );
        assert_eq!(
            (s, &v["result"]["resultType"], &v["result"]["isError"]),
            (200, &json!("complete"), &json!(false)),
            "{v}"
        );
        assert_eq!(t.calls, vec![("get-thing".to_string(), json!({"id": 7}))]);
        let (s, v) = modern_send(&mut t, 4, "tools/list", json!({"inputResponses": {}, "extra": true}));
        assert_eq!(
            (s, v["result"]["tools"].as_array().map(Vec::len)),
            (200, Some(2)),
            "{v}"
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
}
