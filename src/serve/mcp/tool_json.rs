//! Tools as MCP shows them: each tool's descriptor (everything from
//! [`crate::serve::tools::Tool`], which the registry's `Spec` fills), the
//! `tools/list` result, the tool error schema, and `tools/call`'s
//! `CallToolResult` in each era.

use super::rpc::{INVALID_PARAMS, RpcError, clip, obj, parse_own, text_of};
use super::server::Era;
use crate::serve::tools::{NoSuchTool, Tool, Tools};
use serde_json::{Map, Value};

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

/// [`TOOL_ERROR_SCHEMA`] as serde_json writes it (a unit test holds them equal).
const TOOL_ERROR_SCHEMA_TEXT: &str = r#"{"additionalProperties":false,"properties":{"error":{"properties":{"code":{"description":"What went wrong (invalid-input, not-found, rate-limited, ...)","type":"string"},"field":{"description":"For invalid-input: the argument to fix","type":"string"},"message":{"type":"string"},"retryable":{"description":"Whether the same call may succeed later","type":"boolean"}},"required":["code","message","retryable"],"type":"object"}},"required":["error"],"type":"object"}"#;

/// One tool's parts as JSON text: what [`tool_bytes`] writes a descriptor from.
#[derive(Debug, Clone, Copy)]
pub struct ToolText<'a> {
    /// The name.
    pub name: &'a str,
    /// The title.
    pub title: &'a str,
    /// The description.
    pub description: &'a str,
    /// The annotations object, as JSON text.
    pub annotations: &'a str,
    /// The input schema, as JSON text.
    pub input_schema: &'a str,
    /// The output schema, as JSON text.
    pub output_schema: &'a str,
}

/// Appends the `tools/list` entry of `t` to `out`: the bytes serialising
/// `tool_json` of the same tool gives (keys in serde_json's sorted order),
/// from text, nothing parsed.
pub fn tool_bytes(out: &mut Vec<u8>, t: &ToolText<'_>, modern: bool) {
    let string = crate::serve::http::json_string;
    out.extend_from_slice(b"{\"annotations\":");
    out.extend_from_slice(t.annotations.as_bytes());
    out.extend_from_slice(b",\"description\":");
    string(out, t.description);
    out.extend_from_slice(b",\"inputSchema\":");
    out.extend_from_slice(t.input_schema.as_bytes());
    out.extend_from_slice(b",\"name\":");
    string(out, t.name);
    out.extend_from_slice(b",\"outputSchema\":");
    if modern {
        out.extend_from_slice(b"{\"anyOf\":[");
        out.extend_from_slice(t.output_schema.as_bytes());
        out.push(b',');
        out.extend_from_slice(TOOL_ERROR_SCHEMA_TEXT.as_bytes());
        out.extend_from_slice(b"],\"type\":\"object\"}");
    } else {
        out.extend_from_slice(t.output_schema.as_bytes());
    }
    out.extend_from_slice(b",\"title\":");
    string(out, t.title);
    out.push(b'}');
}

/// What stands for the `tools` array in a `tools/list` result until
/// [`splice_tools`] writes the prepared bytes there.
const PLACEHOLDER_MODERN: &str = "\u{0}tools\u{0}modern";
const PLACEHOLDER_LEGACY: &str = "\u{0}tools\u{0}legacy";

/// Replaces a `"tools":<placeholder>` that [`tools_list`] left in a written
/// answer by the prepared array ([`Tools::list_json`]). Only a key `tools`
/// whose value is the placeholder matches: inside a JSON string a quote is
/// always escaped, so no caller-supplied text can look like that.
pub(super) fn splice_tools(body: Vec<u8>, tools: &dyn Tools) -> Vec<u8> {
    let mut body = body;
    for (placeholder, modern) in [(PLACEHOLDER_MODERN, true), (PLACEHOLDER_LEGACY, false)] {
        let mut pattern = b"\"tools\":".to_vec();
        // Serialising a string cannot fail.
        let _ = serde_json::to_writer(&mut pattern, placeholder);
        let Some(at) = body.windows(pattern.len()).position(|w| w == &pattern[..]) else {
            continue;
        };
        let Some(list) = tools.list_json(modern) else {
            continue;
        };
        let mut out = Vec::with_capacity(body.len() + list.len());
        out.extend_from_slice(&body[..at + b"\"tools\":".len()]);
        out.extend_from_slice(&list);
        out.extend_from_slice(&body[at + pattern.len()..]);
        body = out;
    }
    body
}

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

/// One `tools/list` entry: the tool's fields as they are, except that under
/// 2026-07-28 the output schema also admits the error body.
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

/// `tools/list`'s result: every tool callable now, in the tools' order.
/// When the tools have their array prepared ([`Tools::list_json`]), a
/// placeholder stands for it, which [`splice_tools`] replaces once the
/// answer is written.
pub(super) fn tools_list(tools: &dyn Tools, era: Era) -> Map<String, Value> {
    let modern = era == Era::Modern;
    let list: Value = if tools.prepares_list() {
        (if modern { PLACEHOLDER_MODERN } else { PLACEHOLDER_LEGACY }).into()
    } else {
        tools
            .list()
            .iter()
            .map(|t| tool_json(t, era))
            .collect::<Vec<_>>()
            .into()
    };
    let mut m = Map::new();
    m.insert("tools".into(), list);
    m
}

/// `tools/call`'s `params.name`.
pub(super) fn tool_name(params: &Map<String, Value>) -> Result<&str, RpcError> {
    params
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| RpcError::new(200, INVALID_PARAMS, "params.name (the tool name) is required"))
}

/// Runs a tool: its answer as a `CallToolResult`, or -32602 for an unknown
/// tool or arguments that are not an object.
pub(super) fn call(
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
        if let NoSuchTool::Excluded(why) = why {
            m.push_str(&format!(" ({why})"));
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
    #[allow(unused_imports)]
    use crate::config::Access;
    use crate::config::Config;
    use crate::gorgias::testing::Scripted;
    use crate::serve::calls::{RegistryTools, annotations};
    use crate::serve::mcp::testing::post;
    use crate::serve::mcp::testing::{Fake, modern_send, send_with, server_meta};
    use serde_json::json;

    #[test]
    fn the_prepared_tool_arrays_are_the_built_ones_serialised_at_every_tier_and_era() {
        assert_eq!(TOOL_ERROR_SCHEMA_TEXT, tool_error_schema().to_string());
        let req = post("{}", &[]);
        for access in [Access::Read, Access::Write, Access::All] {
            let config = Config {
                access,
                ..Config::default()
            };
            let mut t = Scripted::default();
            let tools = RegistryTools {
                request: &req,
                config: &config,
                transport: &mut t,
            };
            for era in [Era::Modern, Era::Legacy] {
                let built: Vec<Value> = tools.list().iter().map(|x| tool_json(x, era)).collect();
                let want = serde_json::to_vec(&Value::Array(built)).unwrap();
                assert!(tools.list_json(era == Era::Modern) == Some(want), "{access:?} {era:?}");
            }
            let names = |v: Vec<Tool>| {
                v.into_iter()
                    .map(|x| (x.name, x.title, x.annotations))
                    .collect::<Vec<_>>()
            };
            assert_eq!(names(tools.summaries()), names(tools.list()), "{access:?}");
        }
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
    fn every_listed_tool_is_its_registry_spec_in_both_eras() {
        for read_only in [false, true] {
            let config = Config {
                access: if read_only { Access::Read } else { Access::All },
                ..Config::default()
            };
            let req = post("", &[]);
            let mut transport = Scripted::default();
            let tools = RegistryTools {
                request: &req,
                config: &config,
                transport: &mut transport,
            };
            let specs: Vec<_> = crate::ops::available(if read_only { Access::Read } else { Access::All }).collect();
            assert!(!specs.is_empty());
            for era in [Era::Modern, Era::Legacy] {
                // As served: the placeholder written, then the prepared array spliced in.
                let written = serde_json::to_vec(&Value::Object(tools_list(&tools, era))).unwrap();
                let listed: Value = serde_json::from_slice(&splice_tools(written, &tools)).unwrap();
                let entries = listed["tools"].as_array().unwrap();
                assert_eq!(entries.len(), specs.len(), "{era:?} read_only={read_only}");
                for (t, op) in entries.iter().zip(&specs) {
                    assert_eq!(
                        (&t["name"], &t["title"], &t["description"]),
                        (&json!(op.name), &json!(op.title), &json!(op.description)),
                        "{era:?}"
                    );
                    assert_eq!(t["annotations"], annotations(op), "{}", op.name);
                    assert_eq!(t["inputSchema"], op.input_schema(), "{}", op.name);
                }
            }
            assert!(transport.sent.is_empty(), "listing calls no one");
        }
    }
}
