//! JSON-RPC 2.0 as `/mcp` speaks it: the error codes, an error with its HTTP
//! status, what one message gets back, and the HTTP answer that carries it.
//! Plus the small JSON helpers the other MCP files build their results with.

use crate::serve::http::HttpResponse;
use serde_json::{Map, Value};

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

/// What one JSON-RPC message gets back.
#[derive(Debug)]
pub(super) enum Outcome {
    /// A notification or a client response: 202, no body.
    Accepted,
    /// A JSON-RPC response with its HTTP status.
    Reply(u16, Value),
}

/// A JSON-RPC error (`code`, `message`, optional `data`) with its HTTP status.
#[derive(Debug)]
pub(super) struct RpcError {
    pub(super) status: u16,
    pub(super) code: i64,
    pub(super) message: String,
    pub(super) data: Option<Value>,
}

impl RpcError {
    pub(super) fn new(status: u16, code: i64, message: impl Into<String>) -> Self {
        RpcError {
            status,
            code,
            message: message.into(),
            data: None,
        }
    }

    pub(super) fn into_reply(self, id: &Value) -> Outcome {
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

/// Whether `id` is a JSON-RPC request id this server accepts (a string or an integer).
pub(super) fn valid_id(id: &Value) -> bool {
    id.is_string() || id.is_i64() || id.is_u64()
}

/// A JSON object of `pairs`. (Plain inserts instead of `json!`: its
/// per-leaf `to_value` calls cost the component kilobytes.)
pub(super) fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A JSON array of strings.
pub(super) fn strings(items: &[&str]) -> Value {
    Value::Array(items.iter().map(|s| Value::from(*s)).collect())
}

/// Parses JSON this module wrote itself.
pub(super) fn parse_own(text: &str) -> Value {
    serde_json::from_slice(text.as_bytes()).unwrap_or(Value::Null)
}

/// Compact JSON text of `v`.
pub(super) fn text_of(v: &Value) -> String {
    // Serialising a Value cannot fail, and its output is UTF-8.
    String::from_utf8(serde_json::to_vec(v).unwrap_or_default()).unwrap_or_default()
}

/// At most `n` characters of client-supplied `s`, for error messages.
pub(super) fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

pub(super) fn json_response(status: u16, v: &Value) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        // Serialising a Value built from maps, strings and numbers cannot fail.
        body: serde_json::to_vec(v).unwrap_or_default(),
    }
}

/// The HTTP answer to one message.
pub(super) fn respond(o: Outcome) -> HttpResponse {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
