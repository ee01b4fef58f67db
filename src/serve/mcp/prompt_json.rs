//! The prompt methods over [`super::prompts`]: `prompts/list`'s result and
//! `prompts/get` from its params, the prompt's steps limited to the tools
//! callable now; a bad prompt name or argument is -32602.

use super::prompts;
use super::rpc::{INVALID_PARAMS, RpcError};
use crate::serve::tools::Tools;
use serde_json::{Map, Value};

/// `prompts/list`'s result.
pub(super) fn prompts_list() -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("prompts".into(), prompts::list().into());
    m
}

/// `prompts/get`'s `params.name`.
pub(super) fn prompt_name(params: &Map<String, Value>) -> Result<&str, RpcError> {
    params
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| RpcError::new(200, INVALID_PARAMS, "params.name (the prompt name) is required"))
}

/// `prompts/get`: the prompt, its steps limited to the tools callable now;
/// -32602 for an unknown prompt or bad arguments.
pub(super) fn prompt_get(
    name: &str,
    params: &Map<String, Value>,
    tools: &dyn Tools,
) -> Result<Map<String, Value>, RpcError> {
    let listed = tools.summaries();
    let available: Vec<&str> = listed.iter().map(|t| t.name).collect();
    match prompts::get(name, params.get("arguments"), &available) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Ok(Map::new()),
        Err(e) => Err(RpcError::new(200, INVALID_PARAMS, e.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::mcp::rpc::HEADER_MISMATCH;
    use crate::serve::mcp::server::MODERN_VERSION;
    use crate::serve::mcp::server::TTL_MS;
    use crate::serve::mcp::testing::{Fake, meta, modern_send, send, send_with};
    use serde_json::json;

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
}
