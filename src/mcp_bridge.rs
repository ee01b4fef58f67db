//! A [`Tools`] over today's [`catalog`] and [`router`], so `POST /mcp` works
//! until the operations registry implements [`Tools`] itself. Values cross
//! between the connector's own `json::Value` and `serde_json::Value` as text.

use crate::catalog::{self, Operation};
use crate::client::Transport;
use crate::config::Config;
use crate::http::HttpRequest;
use crate::json;
use crate::router;
use crate::tools::{NoSuchTool, Tool, Tools};
use serde_json::Value;

/// The catalog's operations as MCP tools, for one inbound request.
pub struct CatalogTools<'a, T: Transport> {
    /// The inbound request (its credentials headers).
    pub req: &'a HttpRequest,
    /// The operator's configuration.
    pub config: &'a Config,
    /// Outbound HTTP.
    pub transport: &'a mut T,
}

fn to_serde(v: &json::Value) -> Value {
    // Our own serialiser always writes valid JSON; Null is unreachable in practice.
    serde_json::from_slice(v.to_json().as_bytes()).unwrap_or(Value::Null)
}

fn tool(op: &Operation) -> Tool {
    let mut annotations = serde_json::Map::new();
    annotations.insert("title".into(), op.title.into());
    annotations.insert("readOnlyHint".into(), op.read_only.into());
    if !op.read_only {
        annotations.insert("destructiveHint".into(), false.into());
        annotations.insert("idempotentHint".into(), op.idempotent.into());
    }
    annotations.insert("openWorldHint".into(), true.into());
    Tool {
        name: op.name,
        title: op.title,
        description: op.description,
        input_schema: to_serde(&op.input_schema()),
        output_schema: to_serde(&op.output_schema()),
        annotations: Value::Object(annotations),
    }
}

impl<T: Transport> Tools for CatalogTools<'_, T> {
    fn read_only(&self) -> bool {
        self.config.read_only
    }

    fn list(&self) -> Vec<Tool> {
        catalog::available(self.config.read_only).map(tool).collect()
    }

    fn call(&mut self, name: &str, arguments: Value) -> Result<Result<Value, Value>, NoSuchTool> {
        let op = match catalog::operation(name) {
            None => return Err(NoSuchTool::Unknown),
            Some(op) if self.config.read_only && !op.read_only => return Err(NoSuchTool::ReadOnly),
            Some(op) => op,
        };
        // Serialising a Value cannot fail.
        let args = serde_json::to_vec(&arguments).unwrap_or_default();
        let outcome = router::connection(self.req, self.config)
            .map_err(|e| e.in_operation(op.name))
            .and_then(|conn| router::run(op, &args, &conn, self.config, self.transport));
        Ok(match outcome {
            Ok(v) => Ok(to_serde(&v)),
            Err(e) => Err(to_serde(&router::error_json(&e))),
        })
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

    #[test]
    fn tools_carry_the_catalogs_schemas_and_annotations() {
        let (req, c, mut t) = (HttpRequest::default(), cfg(), Scripted::default());
        let tools = CatalogTools {
            req: &req,
            config: &c,
            transport: &mut t,
        }
        .list();
        let names: Vec<&str> = tools.iter().map(|t| t.name).collect();
        let expected: Vec<&str> = catalog::OPERATIONS.iter().map(|o| o.name).collect();
        assert_eq!(names, expected);
        let by = |n: &str| tools.iter().find(|t| t.name == n).unwrap().clone();
        assert_eq!(
            by("get-ticket").annotations,
            json!({"title": "Get Ticket", "readOnlyHint": true, "openWorldHint": true})
        );
        assert_eq!(by("update-ticket").annotations["idempotentHint"], true);
        for n in ["create-ticket", "reply-to-ticket", "add-internal-note"] {
            assert_eq!(by(n).annotations["idempotentHint"], false, "{n}");
            assert_eq!(by(n).annotations["destructiveHint"], false, "{n}");
        }
        assert_eq!(by("get-ticket").input_schema["required"], json!(["ticketId"]));
        assert_eq!(by("get-ticket").output_schema["required"], json!(["ticket"]));
        let ro = Config {
            read_only: true,
            ..cfg()
        };
        let tools = CatalogTools {
            req: &req,
            config: &ro,
            transport: &mut t,
        };
        assert_eq!((tools.list().len(), tools.read_only()), (5, true));
    }

    #[test]
    fn call_runs_the_route_and_returns_its_body() {
        let (req, c) = (HttpRequest::default(), cfg());
        let mut t = Scripted::new(vec![Scripted::json(200, r#"{"data": [{"id": 13, "name": "vip"}]}"#)]);
        let out = CatalogTools {
            req: &req,
            config: &c,
            transport: &mut t,
        }
        .call("list-ticket-tags", json!({"ticketId": 12345}));
        assert_eq!(
            out,
            Ok(Ok(
                json!({"tags": [{"id": 13, "name": "vip", "description": null, "color": null}]})
            ))
        );
        assert_eq!(t.lines(), vec!["GET /api/tickets/12345/tags"]);
    }

    #[test]
    fn failures_are_the_routes_error_body_and_unknown_tools_are_told_apart() {
        let (req, c, mut t) = (HttpRequest::default(), cfg(), Scripted::default());
        let mut tools = CatalogTools {
            req: &req,
            config: &c,
            transport: &mut t,
        };
        let err = tools
            .call("update-ticket", json!({"ticketId": 1, "priority": "urgent"}))
            .unwrap()
            .unwrap_err();
        assert_eq!(
            (&err["error"]["code"], &err["error"]["field"]),
            (&json!("invalid-input"), &json!("priority"))
        );
        assert_eq!(tools.call("delete-everything", json!({})), Err(NoSuchTool::Unknown));
        let ro = Config {
            read_only: true,
            ..cfg()
        };
        let mut tools = CatalogTools {
            req: &req,
            config: &ro,
            transport: &mut t,
        };
        assert_eq!(tools.call("create-ticket", json!({})), Err(NoSuchTool::ReadOnly));
        // No credentials anywhere: the route's configuration error, never the key.
        let none = Config::default();
        let mut tools = CatalogTools {
            req: &req,
            config: &none,
            transport: &mut t,
        };
        let err = tools.call("get-ticket", json!({"ticketId": 1})).unwrap().unwrap_err();
        assert!(err["error"]["code"].is_string(), "{err}");
        assert!(t.sent.is_empty());
    }
}
