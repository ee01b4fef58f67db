//! `GET /openapi.json`: an OpenAPI 3.1 document of the HTTP surface,
//! generated from [`crate::catalog`] (the same table as the MCP tools).

use crate::catalog::{self, Operation};
use serde_json::{Map, Value, json};

/// The OpenAPI version the document declares.
pub const OPENAPI_VERSION: &str = "3.1.0";

const ERROR_REF: &str = "#/components/schemas/Error";

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": ERROR_REF}}}})
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

/// The credential headers a caller may send instead of the configured ones.
fn credential_parameters() -> Vec<Value> {
    [
        ("X-Gorgias-Account", "Gorgias account subdomain (overrides the configured gorgias_account)"),
        ("X-Gorgias-Email", "Email of the API key's user (overrides gorgias_email)"),
        ("X-Gorgias-Api-Key", "Gorgias API key (overrides gorgias_api_key)"),
    ]
    .iter()
    .map(|(name, description)| {
        json!({"name": name, "in": "header", "required": false, "description": description, "schema": {"type": "string"}})
    })
    .collect()
}

fn operation_path(op: &Operation) -> Value {
    let mut responses = Map::new();
    responses.insert("200".into(), json_response("The spec's Returns", op.output_schema()));
    for (code, what) in [
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
        ("422", "upstream: Gorgias refused the request"),
        ("429", "rate-limited: retry after Retry-After seconds"),
        ("500", "configuration: the connector lacks configuration"),
        ("502", "upstream, transport or invalid-response"),
        ("504", "transport: no response after the request was sent"),
    ] {
        responses.insert(code.into(), error_response(what));
    }
    json!({"post": {
        "operationId": op.name,
        "summary": op.title,
        "description": format!("{}\n\nGorgias: `{}`.", op.description, op.endpoint),
        "tags": [if op.read_only { "queries" } else { "mutations" }],
        "parameters": credential_parameters(),
        "requestBody": {
            "required": true,
            "content": {"application/json": {"schema": op.input_schema(), "example": op.example_args()}},
        },
        "responses": responses,
    }})
}

/// The document. `read_only` leaves the mutations out; `token` adds the
/// bearer security scheme the connector then requires on every route.
pub fn document(read_only: bool, token: bool) -> Value {
    let mut paths = Map::new();
    let listing_item = json!({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "route": {"type": "string"},
            "description": {"type": "string"},
            "readOnly": {"type": "boolean"},
            "gorgias": {"type": "string"},
            "parameters": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["name", "route", "description", "readOnly", "gorgias", "parameters"],
    });
    paths.insert(
        "/operations".into(),
        json!({"get": {
            "operationId": "list-operations",
            "summary": "List the operations",
            "responses": {"200": json_response("The operations this connector offers", json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "version": {"type": "string"},
                    "readOnly": {"type": "boolean"},
                    "operations": {"type": "array", "items": listing_item},
                },
                "required": ["name", "version", "operations"],
            }))},
        }}),
    );
    let health = json!({"$ref": "#/components/schemas/Health"});
    paths.insert(
        "/health".into(),
        json!({"get": {
            "operationId": "health",
            "summary": "Check the Gorgias credentials",
            "description": "Calls GET /api/account once with the configured (or X-Gorgias-*) credentials and reports the API quota.",
            "parameters": credential_parameters(),
            "responses": {
                "200": json_response("Gorgias accepted the credentials", health.clone()),
                "503": json_response("Not configured, unauthorized, unknown account, unreachable, or another upstream problem", health),
            },
        }}),
    );
    paths.insert(
        "/mcp".into(),
        json!({"post": {
            "operationId": "mcp",
            "summary": "Model Context Protocol (Streamable HTTP, JSON responses)",
            "description": "JSON-RPC 2.0 messages of MCP 2025-06-18: initialize, ping, tools/list, tools/call. One tool per operation below.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {
                "200": json_response("A JSON-RPC response", json!({"type": "object"})),
                "202": {"description": "A notification or response was accepted"},
                "400": json_response("Unparseable or invalid JSON-RPC, or an unsupported MCP-Protocol-Version", json!({"type": "object"})),
            },
        }}),
    );
    for op in catalog::available(read_only) {
        paths.insert(format!("/{}", op.name), operation_path(op));
    }
    let mut doc = json!({
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "gorgias-connector",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A Gorgias helpdesk connector: each operation is POST /<operation> with a JSON body of the spec's camelCase parameters. IDs also accept numeric strings; optional parameters also accept null (same as absent).",
        },
        "tags": [
            {"name": "queries", "description": "Read-only operations"},
            {"name": "mutations", "description": "Operations that change Gorgias (absent in read-only mode)"},
        ],
        "paths": paths,
        "components": {
            "schemas": {
                "Error": catalog::error_schema(),
                "Health": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "string", "enum": ["ok", "unauthorized", "forbidden", "unknown-account", "rate-limited", "upstream-error", "unreachable", "not-configured"]},
                        "account": {"type": ["string", "null"], "description": "The account subdomain checked"},
                        "upstreamStatus": {"type": "integer"},
                        "quota": {
                            "type": ["object", "null"],
                            "properties": {"used": {"type": "integer"}, "limit": {"type": "integer"}},
                            "required": ["used", "limit"],
                        },
                        "message": {"type": "string"},
                    },
                    "required": ["status", "account", "quota"],
                },
            },
        },
    });
    if token {
        doc["components"]["securitySchemes"] = json!({
            "connectorToken": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <connector_token>"},
        });
        doc["security"] = json!([{"connectorToken": []}]);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_its_catalog_parameters_and_output() {
        let doc = document(false, false);
        assert_eq!(doc["openapi"], "3.1.0");
        for op in catalog::OPERATIONS {
            let post = &doc["paths"][format!("/{}", op.name)]["post"];
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
        assert!(doc.get("security").is_none());
    }

    #[test]
    fn read_only_drops_mutations_and_token_adds_security() {
        let doc = document(true, true);
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.contains_key("/get-ticket") && paths.contains_key("/health"));
        assert!(!paths.contains_key("/update-ticket") && !paths.contains_key("/create-ticket"));
        assert_eq!(paths.len(), 5 + 3);
        assert_eq!(
            doc["components"]["securitySchemes"]["connectorToken"]["scheme"],
            "bearer"
        );
        assert_eq!(doc["security"], json!([{"connectorToken": []}]));
    }
}
