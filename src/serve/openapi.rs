//! `GET /openapi.json`: an OpenAPI 3.1 document of the HTTP surface, whose
//! request and answer schemas are the operations' own (generated from their
//! types, see [`crate::ops::spec`]; the same as the MCP tools'). It declares
//! `servers` (the connector's own origin) and its security: the per-request
//! Gorgias API key header, and the connector token when one is configured.

use super::http::json_string;
use super::mcp::MAX_BATCH;
use crate::ops::spec::{Access, Spec};
use serde_json::Value;
/// A JSON object.
type Map = serde_json::Map<String, Value>;

/// The OpenAPI version the document declares.
pub const OPENAPI_VERSION: &str = "3.1.0";

const ERROR_REF: &str = "#/components/schemas/Error";

/// Parses one of the constant templates below. The document's fixed parts
/// are JSON text rather than `json!` expressions: the text is a fraction of
/// the code a tree of builder calls would be (the unit tests parse every
/// template).
pub(crate) fn template(text: &str) -> Value {
    serde_json::from_slice::<Value>(text.as_bytes()).unwrap_or_default()
}

fn json_response(description: &str, schema: Value) -> Value {
    let mut r = template(r#"{"content": {"application/json": {}}}"#);
    r["description"] = description.into();
    r["content"]["application/json"]["schema"] = schema;
    r
}

/// What every operation answers besides 200, and why.
const ERROR_RESPONSES: &[(&str, &str)] = &[
    (
        "400",
        "invalid-input: a parameter is missing or invalid (nothing was sent)",
    ),
    (
        "401",
        "unauthenticated (connector token) or unauthorized (Gorgias rejected the credentials)",
    ),
    ("403", "forbidden by Gorgias, or read-only mode"),
    ("404", "not-found in Gorgias"),
    ("409", "conflict in Gorgias"),
    ("413", "payload-too-large"),
    ("415", "unsupported-media-type"),
    (
        "422",
        "upstream: Gorgias answered with another 4xx (its own validation refused the request; status and messages in upstreamStatus, fieldErrors). Not retryable as is",
    ),
    ("429", "rate-limited: retry after Retry-After seconds"),
    ("500", "configuration: the connector lacks configuration"),
    ("502", "upstream, transport or invalid-response"),
    ("504", "transport: no response after the request was sent"),
];

fn operation_path(op: &Spec, credential_parameters: &Value) -> Value {
    let mut responses = Map::new();
    responses.insert("200".into(), json_response("The spec's Returns", op.output_schema()));
    for (code, what) in ERROR_RESPONSES {
        responses.insert(
            (*code).into(),
            json_response(what, serde_json::json!({"$ref": ERROR_REF})),
        );
    }
    let mut body = template(r#"{"content": {"application/json": {}}}"#);
    let input = op.input_schema();
    // An empty body is `{}`: the body is required when the schema refuses
    // `{}` (a required parameter, or a rule such as "email or name").
    body["required"] = crate::schema::check::check_schema(&Value::Object(Map::new()), &input, "$")
        .is_err()
        .into();
    body["content"]["application/json"]["schema"] = input;
    body["content"]["application/json"]["example"] = op.example_args();
    let mut post = Map::new();
    post.insert("operationId".into(), op.name.into());
    post.insert("summary".into(), op.title.into());
    post.insert(
        "description".into(),
        format!("{}\n\nGorgias: `{}`.", op.description, op.endpoint).into(),
    );
    let tag = if op.read_only() { "queries" } else { "mutations" };
    post.insert("tags".into(), Value::Array(vec![tag.into()]));
    post.insert("parameters".into(), credential_parameters.clone());
    post.insert("requestBody".into(), body);
    post.insert("responses".into(), responses.into());
    let mut path = Map::new();
    path.insert("post".into(), post.into());
    path.into()
}

/// Everything but the operations' paths, the `Error` schema and security.
const SKELETON: &str = concat!(
    r##"{
  "openapi": "3.1.0",
  "info": {
    "title": "gorgias-connector",
    "version": ""##,
    env!("CARGO_PKG_VERSION"),
    r##"",
    "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
    "description": "A Gorgias helpdesk connector: each operation is POST /<operation> with a JSON body of the spec's camelCase parameters. IDs also accept numeric strings; optional parameters also accept null (same as absent)."
  },
  "servers": [{"url": "/", "description": "This connector (the origin serving this document)"}],
  "tags": [
    {"name": "queries", "description": "Read-only operations"},
    {"name": "mutations", "description": "Operations that change Gorgias (absent in read-only mode)"}
  ],
  "paths": {
    "/operations": {"get": {
      "operationId": "list-operations",
      "summary": "List the operations",
      "responses": {"200": {"description": "The operations this connector offers", "content": {"application/json": {"schema": {
        "type": "object",
        "properties": {
          "name": {"type": "string"},
          "version": {"type": "string"},
          "readOnly": {"type": "boolean"},
          "operations": {"type": "array", "items": {
            "type": "object",
            "properties": {
              "name": {"type": "string"},
              "route": {"type": "string"},
              "description": {"type": "string"},
              "readOnly": {"type": "boolean"},
              "gorgias": {"type": "string"},
              "parameters": {"type": "array", "items": {"type": "string"}}
            },
            "required": ["name", "route", "description", "readOnly", "gorgias", "parameters"]
          }}
        },
        "required": ["name", "version", "operations"]
      }}}},
      "401": {"description": "unauthenticated: a connector_token is configured and the bearer token is missing or wrong", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
    }},
    "/health": {"get": {
      "operationId": "health",
      "summary": "Check the Gorgias credentials",
      "description": "Calls GET /api/account once with the configured (or X-Gorgias-*) credentials and reports the API quota.",
      "parameters": [
        {"name": "X-Gorgias-Account", "in": "header", "required": false, "description": "Gorgias account subdomain (overrides the configured gorgias_account; empty means the configured one)", "schema": {"type": "string", "pattern": "^[ \\t]*([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)?[ \\t]*$"}},
        {"name": "X-Gorgias-Email", "in": "header", "required": false, "description": "Email of the API key's user (overrides gorgias_email; empty means the configured one); no ':' or control characters (it is the HTTP Basic user name)", "schema": {"type": "string", "pattern": "^[^:\\u0000-\\u001f\\u007f-\\u009f]*$"}}
      ],
      "responses": {
        "200": {"description": "Gorgias accepted the credentials", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
        "401": {"description": "unauthenticated: a connector_token is configured and the bearer token is missing or wrong", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "503": {"description": "Not configured, unauthorized, unknown account, unreachable, or another upstream problem", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}
      }
    }},
    "/mcp": {"post": {
      "operationId": "mcp",
      "summary": "Model Context Protocol (Streamable HTTP, JSON responses)",
      "description": "JSON-RPC 2.0 messages of MCP: the stateless 2026-07-28 revision (server/discover, tools/list, tools/call) and, after initialize, 2025-11-25 to 2024-11-05 (ping, tools/list, tools/call, prompts). One tool per operation below.",
      "requestBody": {"required": true, "content": {"application/json": {}}},
      "responses": {
        "200": {"description": "A JSON-RPC response, or the responses to a batch", "content": {"application/json": {"schema": {"anyOf": [{"type": "object"}, {"type": "array"}]}}}},
        "202": {"description": "A notification or response was accepted"},
        "400": {"description": "Unparseable or invalid JSON-RPC, or an unsupported MCP-Protocol-Version", "content": {"application/json": {"schema": {"type": "object"}}}}
      }
    }}
  },
  "components": {
    "schemas": {
      "Health": {
        "type": "object",
        "properties": {
          "status": {"type": "string", "enum": ["ok", "unauthorized", "forbidden", "unknown-account", "rate-limited", "upstream-error", "unreachable", "not-configured"]},
          "account": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "The account subdomain checked"},
          "upstreamStatus": {"type": "integer"},
          "quota": {"anyOf": [
            {"type": "object", "properties": {"used": {"type": "integer"}, "limit": {"type": "integer"}}, "required": ["used", "limit"]},
            {"type": "null"}
          ]},
          "message": {"type": "string"}
        },
        "required": ["status", "account", "quota"]
      }
    }
  }
}"##
);

/// One JSON-RPC 2.0 message as `POST /mcp` takes it: a request (`method`
/// and `id`), a notification (`method`, no `id`) or a response to a server
/// request (`id` and `result` or `error`). MCP's own rules (revision
/// `_meta`, headers mirroring the body) are not an OpenAPI contract.
const MCP_MESSAGE: &str = r#"{
  "description": "A JSON-RPC 2.0 request (method and id), notification (method, no id) or response to a server request (id and result or error)",
  "anyOf": [
    {"type": "object", "title": "request or notification", "properties": {
      "jsonrpc": {"const": "2.0"},
      "method": {"type": "string"},
      "id": {"anyOf": [{"type": "string"}, {"type": "integer"}], "description": "absent: a notification"},
      "params": {"anyOf": [{"type": "object"}, {"type": "null"}], "description": "absent or null: no parameters"}
    }, "required": ["jsonrpc", "method"]},
    {"type": "object", "title": "result", "properties": {
      "jsonrpc": {"const": "2.0"}, "id": {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "result": {}
    }, "required": ["jsonrpc", "id", "result"]},
    {"type": "object", "title": "error", "properties": {
      "jsonrpc": {"const": "2.0"}, "id": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}, "error": {}
    }, "required": ["jsonrpc", "id", "error"]}
  ]
}"#;

/// `POST /mcp`'s body: one JSON-RPC message, or (MCP 2025-03-26 only, at
/// most [`MAX_BATCH`] of them) a batch.
fn mcp_body_schema() -> Value {
    let message = template(MCP_MESSAGE);
    let mut batch = template(
        r#"{"type": "array", "description": "A batch (MCP 2025-03-26 only: no MCP-Protocol-Version header, or that version)", "minItems": 1}"#,
    );
    batch["maxItems"] = MAX_BATCH.into();
    batch["items"] = message.clone();
    let mut body = template(r#"{"description": "A JSON-RPC message, or (MCP 2025-03-26 only) a batch of them"}"#);
    body["anyOf"] = Value::Array(vec![message, batch]);
    body
}

/// The per-request Gorgias credentials, an API key or an OAuth access token:
/// optional when the operator configured them (hence the empty alternative
/// in `security`).
const SECURITY_SCHEMES: &str = r#"{"gorgiasApiKey": {"type": "apiKey", "in": "header", "name": "X-Gorgias-Api-Key",
  "description": "Gorgias API key (overrides gorgias_api_key), sent to Gorgias with X-Gorgias-Email as HTTP Basic credentials; never echoed"},
  "gorgiasAccessToken": {"type": "apiKey", "in": "header", "name": "X-Gorgias-Access-Token",
  "description": "Gorgias OAuth2 access token (overrides gorgias_access_token), sent to Gorgias as Authorization: Bearer; instead of X-Gorgias-Email + X-Gorgias-Api-Key, never together with them; never echoed"}}"#;

/// The document. `access` leaves out the operations the tier excludes;
/// `token` adds the bearer security scheme the connector then requires on
/// every route.
pub fn document(access: Access, token: bool) -> Value {
    frame(access, token, operation_path)
}

/// The document with `item(op, credential parameters)` as each operation's path item.
fn frame(access: Access, token: bool, item: impl Fn(&Spec, &Value) -> Value) -> Value {
    let mut doc = template(SKELETON);
    doc["openapi"] = OPENAPI_VERSION.into();
    let credential_parameters = doc["paths"]["/health"]["get"]["parameters"].clone();
    for op in crate::ops::available(access) {
        doc["paths"][format!("/{}", op.name).as_str()] = item(op, &credential_parameters);
    }
    doc["paths"]["/mcp"]["post"]["requestBody"]["content"]["application/json"]["schema"] = mcp_body_schema();
    doc["components"]["schemas"]["Error"] = crate::schema::error_schema();
    doc["components"]["securitySchemes"] = template(SECURITY_SCHEMES);
    if token {
        doc["components"]["securitySchemes"]["connectorToken"] = template(
            r#"{"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <connector_token>: required on every route when the operator configured a connector_token"}"#,
        );
        doc["security"] = template(
            r#"[{"connectorToken": [], "gorgiasApiKey": []}, {"connectorToken": [], "gorgiasAccessToken": []}, {"connectorToken": []}]"#,
        );
    } else {
        doc["security"] = template(r#"[{"gorgiasApiKey": []}, {"gorgiasAccessToken": []}, {}]"#);
    }
    doc
}

/// What stands for an operation's path item in the frame until its bytes
/// replace it (NUL cannot occur in an operation name nor in the fixed text).
const PLACEHOLDER: &str = "\u{0}operation\u{0}";
/// [`PLACEHOLDER`] as serde_json writes it, with the opening quote.
const PLACEHOLDER_JSON: &[u8] = b"\"\\u0000operation\\u0000";

/// [`document`] as bytes, the same bytes serialising it gives, without
/// building or parsing any operation's schema: the small frame is built as a
/// value with a placeholder per operation, written, and each placeholder
/// replaced by the operation's path item, written from the embedded schema
/// text ([`Spec::input_schema_text`]) and the registry's strings.
pub fn document_bytes(access: Access, token: bool) -> Vec<u8> {
    let doc = frame(access, token, |op, _| {
        Value::String(format!("{PLACEHOLDER}{}", op.name))
    });
    let credentials = doc["paths"]["/health"]["get"]["parameters"].to_string();
    let errors = error_responses_text();
    let text = serde_json::to_vec(&doc).unwrap_or_default();
    let mut out = Vec::with_capacity(text.len() + 256 * 1024);
    let mut rest = &text[..];
    while let Some(at) = find(rest, PLACEHOLDER_JSON) {
        out.extend_from_slice(&rest[..at]);
        rest = &rest[at + PLACEHOLDER_JSON.len()..];
        let end = rest.iter().position(|&b| b == b'"').unwrap_or(rest.len());
        let name = std::str::from_utf8(&rest[..end]).unwrap_or("");
        rest = rest.get(end + 1..).unwrap_or(&[]);
        if let Some(op) = crate::ops::find(name) {
            operation_path_bytes(&mut out, op, &credentials, &errors);
        }
    }
    out.extend_from_slice(rest);
    out
}

/// Where `needle` first occurs in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `"400":{…},"401":{…},…`: [`ERROR_RESPONSES`] as [`operation_path`] writes them.
fn error_responses_text() -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (code, what)) in ERROR_RESPONSES.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_string(&mut out, code);
        out.extend_from_slice(b":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":");
        json_string(&mut out, ERROR_REF);
        out.extend_from_slice(b"}}},\"description\":");
        json_string(&mut out, what);
        out.push(b'}');
    }
    out
}

/// [`operation_path`] as bytes (keys in serde_json's sorted order).
fn operation_path_bytes(out: &mut Vec<u8>, op: &Spec, credentials: &str, errors: &[u8]) {
    out.extend_from_slice(b"{\"post\":{\"description\":");
    json_string(out, &format!("{}\n\nGorgias: `{}`.", op.description, op.endpoint));
    out.extend_from_slice(b",\"operationId\":");
    json_string(out, op.name);
    out.extend_from_slice(b",\"parameters\":");
    out.extend_from_slice(credentials.as_bytes());
    out.extend_from_slice(b",\"requestBody\":{\"content\":{\"application/json\":{\"example\":");
    out.extend_from_slice(op.example_args().to_string().as_bytes());
    out.extend_from_slice(b",\"schema\":");
    out.extend_from_slice(op.input_schema_text().as_bytes());
    out.extend_from_slice(if op.body_required() {
        b"}},\"required\":true},\"responses\":{\"200\":{\"content\":{\"application/json\":{\"schema\":"
    } else {
        b"}},\"required\":false},\"responses\":{\"200\":{\"content\":{\"application/json\":{\"schema\":"
    });
    out.extend_from_slice(op.output_schema_text().as_bytes());
    out.extend_from_slice(b"}},\"description\":\"The spec's Returns\"},");
    out.extend_from_slice(errors);
    out.extend_from_slice(b"},\"summary\":");
    json_string(out, op.title);
    out.extend_from_slice(if op.read_only() {
        b",\"tags\":[\"queries\"]}}"
    } else {
        b",\"tags\":[\"mutations\"]}}"
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_served_bytes_are_the_document_serialised_at_every_tier() {
        for access in [Access::Read, Access::Write, Access::All] {
            for token in [false, true] {
                let want = serde_json::to_vec(&document(access, token)).unwrap();
                let got = document_bytes(access, token);
                assert!(
                    got == want,
                    "{access:?} token={token}: {}",
                    String::from_utf8_lossy(&got[..200.min(got.len())])
                );
            }
        }
    }
    #[allow(unused_imports)]
    use crate::config::Access;
    use serde_json::json;

    #[test]
    fn every_operation_has_its_catalog_parameters_and_output() {
        let doc = document(Access::All, false);
        assert_eq!(doc["openapi"], "3.1.0");
        for op in crate::ops::OPERATIONS {
            let post = &doc["paths"][format!("/{}", op.name).as_str()]["post"];
            assert_eq!(post["operationId"], op.name);
            let schema = &post["requestBody"]["content"]["application/json"]["schema"];
            let mut names: Vec<&str> = schema["properties"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let mut expected = op.param_names();
            names.sort_unstable();
            expected.sort_unstable();
            assert_eq!(names, expected, "{}", op.name);
            assert_eq!(
                post["responses"]["200"]["content"]["application/json"]["schema"],
                op.output_schema()
            );
            assert_eq!(
                post["responses"]["400"]["content"]["application/json"]["schema"]["$ref"],
                ERROR_REF
            );
        }
        assert_eq!(
            doc["security"],
            json!([{"gorgiasApiKey": []}, {"gorgiasAccessToken": []}, {}])
        );
        assert_eq!(
            doc["servers"],
            json!([{"url": "/", "description": "This connector (the origin serving this document)"}])
        );
        assert!(doc["components"]["securitySchemes"].get("connectorToken").is_none());
        let body = |op: &str| doc["paths"][op]["post"]["requestBody"]["required"].clone();
        assert_eq!(
            (body("/get-ticket"), body("/search-tickets")),
            (json!(true), json!(false))
        );
        assert!(
            doc["paths"]["/get-ticket"]["post"]["responses"]["422"]["description"]
                .as_str()
                .unwrap()
                .starts_with("upstream: Gorgias answered with another 4xx")
        );
    }

    /// `{}` and other non-messages are refused by the schema (`POST /mcp` answers them
    /// 400, or a params that is not an object with a JSON-RPC error).
    #[test]
    fn the_mcp_body_is_a_json_rpc_message_or_a_batch() {
        use crate::schema::check_schema;
        let doc = document(Access::All, false);
        let schema = &doc["paths"]["/mcp"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        for ok in [
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
            json!({"jsonrpc": "2.0", "id": "a", "method": "tools/call", "params": {"name": "x"}}),
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            json!({"jsonrpc": "2.0", "id": 3, "result": {}}),
            json!({"jsonrpc": "2.0", "id": 3, "error": {"code": 1, "message": "m"}}),
            json!([{"jsonrpc": "2.0", "id": 1, "method": "ping"}]),
        ] {
            check_schema(&ok, schema, "$").unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        let too_many = Value::Array(vec![json!({"jsonrpc": "2.0", "method": "n"}); MAX_BATCH + 1]);
        for bad in [
            json!({}),
            json!({"jsonrpc": "2.0"}),
            json!({"jsonrpc": "1.0", "id": 1, "method": "ping"}),
            json!({"jsonrpc": "2.0", "id": 1.5, "method": "ping"}),
            json!({"jsonrpc": "2.0", "id": 1, "method": 7}),
            json!({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": [1]}),
            json!({"jsonrpc": "2.0", "id": 1}),
            json!([]),
            json!([{}]),
            too_many,
            json!(7),
        ] {
            assert!(check_schema(&bad, schema, "$").is_err(), "{bad}");
        }
    }

    #[test]
    fn the_fixed_parts_parse() {
        let skeleton: Value = serde_json::from_slice::<Value>(SKELETON.as_bytes()).unwrap();
        assert_eq!(skeleton["info"]["version"], env!("CARGO_PKG_VERSION"));
        let doc = document(Access::All, true);
        assert_eq!(
            doc["paths"]["/health"]["get"]["parameters"].as_array().unwrap().len(),
            2,
            "X-Gorgias-Account and X-Gorgias-Email; the API key and the access token are the gorgiasApiKey and gorgiasAccessToken security schemes"
        );
        assert_eq!(
            doc["paths"]["/get-ticket"]["post"]["parameters"],
            doc["paths"]["/health"]["get"]["parameters"]
        );
        assert_eq!(
            doc["components"]["schemas"]["Health"]["required"],
            json!(["status", "account", "quota"])
        );
        assert_eq!(doc["paths"]["/get-ticket"]["post"]["requestBody"]["required"], true);
    }

    #[test]
    fn read_only_drops_mutations_and_token_adds_security() {
        let doc = document(Access::Read, true);
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.contains_key("/get-ticket") && paths.contains_key("/health"));
        assert!(!paths.contains_key("/update-ticket") && !paths.contains_key("/create-ticket"));
        assert!(!paths.contains_key("/set-ticket-tags") && paths.contains_key("/list-users"));
        let mut ops: Vec<&str> = paths
            .keys()
            .map(String::as_str)
            .filter(|p| !["/health", "/operations", "/mcp"].contains(p))
            .collect();
        ops.sort_unstable();
        let mut queries: Vec<String> = crate::ops::available(Access::Read)
            .map(|o| format!("/{}", o.name))
            .collect();
        queries.sort_unstable();
        assert_eq!(ops, queries);
        assert_eq!(paths.len(), queries.len() + 3);
        assert_eq!(
            doc["components"]["securitySchemes"]["connectorToken"]["scheme"],
            "bearer"
        );
        assert_eq!(
            doc["security"],
            json!([{"connectorToken": [], "gorgiasApiKey": []}, {"connectorToken": [], "gorgiasAccessToken": []}, {"connectorToken": []}])
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["gorgiasApiKey"]["name"],
            "X-Gorgias-Api-Key"
        );
    }
}
