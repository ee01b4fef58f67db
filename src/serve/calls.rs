//! Running an operation for an inbound request, as every surface does: the
//! credentials from the request headers or the configuration, the read-only
//! gate, the operation's own code (reached through its [`Spec`]), the answer
//! or the error body. The HTTP routes ([`super::router`]) and the MCP tools
//! ([`RegistryTools`], used by [`super::mcp`]) both run through here.

use crate::config::{Access, Config};
use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::endpoint::Connection;
use crate::gorgias::transport::Transport;
use crate::ops::spec::Spec;
use crate::serve::http::HttpRequest;
use crate::serve::mcp::{ToolText, tool_bytes};
use crate::serve::tools::{NoSuchTool, Tool, Tools};
use serde_json::{Value, json};
use std::borrow::Cow;

/// Credentials: per-request headers override the configured ones; neither
/// can change the host pattern (the account is validated by the client).
///
/// The kind is the first of: an `X-Gorgias-Access-Token` header, an
/// `X-Gorgias-Api-Key` header, the configured access token, the configured
/// API key. A request that sends a token together with `X-Gorgias-Email` or
/// `X-Gorgias-Api-Key` is refused as `invalid-input`: which one it meant
/// cannot be guessed.
pub fn connection(req: &HttpRequest, config: &Config) -> Result<Connection, Error> {
    let header = |name: &str| req.header(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let pick = |name: &str, configured: &Option<String>| -> Result<String, Error> {
        header(name).or_else(|| configured.clone()).ok_or_else(|| {
            Error::invalid(
                name,
                "no Gorgias credentials configured: set the connector's variables or send this header",
            )
        })
    };
    let account = pick("x-gorgias-account", &config.account)?;
    let (token, key) = (header("x-gorgias-access-token"), header("x-gorgias-api-key"));
    if token.is_some() && (key.is_some() || header("x-gorgias-email").is_some()) {
        return Err(Error::invalid(
            "x-gorgias-access-token",
            "send either X-Gorgias-Access-Token or X-Gorgias-Email with X-Gorgias-Api-Key, not both",
        ));
    }
    if let Some(token) = token {
        return Ok(Connection::access_token(account, token));
    }
    if key.is_none()
        && let Some(token) = &config.access_token
    {
        return Ok(Connection::access_token(account, token.clone()));
    }
    Ok(Connection::api_key(
        account,
        pick("x-gorgias-email", &config.email)?,
        pick("x-gorgias-api-key", &config.api_key)?,
    ))
}

/// Runs `op` on a route body: the access gate, a client for `conn`, the
/// operation's own decoding and run; the JSON bytes of the route's `200`
/// body.
pub fn run(
    op: &Spec,
    body: &[u8],
    conn: &Connection,
    config: &Config,
    transport: &mut dyn Transport,
) -> Result<Vec<u8>, Error> {
    op.check_allowed(config.access)?;
    let mut client =
        Client::new(transport, conn, config.base_url.as_ref(), config.retry, op.name)?.redacting(config.secrets());
    op.run(body, &mut client)
}

/// The route body with the `Idempotency-Key` header as its `idempotencyKey`
/// (README "Exactly-once writes"), for the operations that take one: the
/// header and a different `idempotencyKey` in the body is `invalid-input`.
/// Other operations ignore the header, as do bodies that are not objects
/// (decoding refuses them).
pub fn idempotency_header<'b>(op: &Spec, header: Option<&str>, body: &'b [u8]) -> Result<Cow<'b, [u8]>, Error> {
    const FIELD: &str = "idempotencyKey";
    let Some(key) = header else {
        return Ok(Cow::Borrowed(body));
    };
    if !op.param_names().contains(&FIELD) {
        return Ok(Cow::Borrowed(body));
    }
    let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(body) else {
        return Ok(Cow::Borrowed(body));
    };
    // Where an externalId is the key (create-ticket, create-customer), the header names it.
    const EXTERNAL: &str = "externalId";
    if op.param_names().contains(&EXTERNAL)
        && let Some(given) = fields.get(EXTERNAL).filter(|v| !v.is_null())
    {
        if given.as_str() == Some(key) {
            return Ok(Cow::Borrowed(body));
        }
        return Err(Error::invalid(
            EXTERNAL,
            "differs from the Idempotency-Key header: the externalId is the key, so give one of them, or both equal",
        ));
    }
    match fields.get(FIELD) {
        Some(Value::Null) | None => {
            fields.insert(FIELD.into(), key.into());
        }
        Some(given) if given.as_str() == Some(key) => {}
        Some(_) => {
            return Err(Error::invalid(
                FIELD,
                "differs from the Idempotency-Key header: give one of them, or both equal",
            ));
        }
    }
    Ok(Cow::Owned(Value::Object(fields).to_string().into_bytes()))
}

/// The MCP `ToolAnnotations` of an operation.
pub fn annotations(op: &Spec) -> Value {
    let mut a = json!({"title": op.title, "readOnlyHint": op.read_only(), "openWorldHint": true});
    if !op.read_only() {
        a["destructiveHint"] = op.destructive().into();
        a["idempotentHint"] = op.idempotent.into();
    }
    a
}

/// The MCP tool of an operation.
pub fn tool(op: &Spec) -> Tool {
    Tool {
        input_schema: op.input_schema(),
        output_schema: op.output_schema(),
        ..tool_without_schemas(op)
    }
}

/// The MCP tool of an operation with `null` schemas (nothing parsed).
fn tool_without_schemas(op: &Spec) -> Tool {
    Tool {
        name: op.name,
        title: op.title,
        description: op.description,
        input_schema: Value::Null,
        output_schema: Value::Null,
        annotations: annotations(op),
    }
}

/// The registry's operations as MCP tools, for one inbound request (its
/// credential headers) and the operator's configuration.
pub struct RegistryTools<'a> {
    /// The inbound request (credential headers).
    pub request: &'a HttpRequest,
    /// The operator's configuration.
    pub config: &'a Config,
    /// Where upstream requests go.
    pub transport: &'a mut dyn Transport,
}

impl Tools for RegistryTools<'_> {
    fn read_only(&self) -> bool {
        self.config.access == Access::Read
    }

    fn list(&self) -> Vec<Tool> {
        crate::ops::available(self.config.access).map(tool).collect()
    }

    fn summaries(&self) -> Vec<Tool> {
        crate::ops::available(self.config.access)
            .map(tool_without_schemas)
            .collect()
    }

    fn list_json(&self, modern: bool) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(128 * 1024);
        out.push(b'[');
        for (i, op) in crate::ops::available(self.config.access).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let annotations = annotations(op).to_string();
            let text = ToolText {
                name: op.name,
                title: op.title,
                description: op.description,
                annotations: &annotations,
                input_schema: op.input_schema_text(),
                output_schema: op.output_schema_text(),
            };
            tool_bytes(&mut out, &text, modern);
        }
        out.push(b']');
        Some(out)
    }

    fn prepares_list(&self) -> bool {
        true
    }

    fn call(&mut self, name: &str, arguments: Value) -> Result<Result<Value, Value>, NoSuchTool> {
        let op = crate::ops::find(name).ok_or(NoSuchTool::Unknown)?;
        if let Some(why) = op.refusal(self.config.access) {
            return Err(NoSuchTool::Excluded(why));
        }
        let body = arguments.to_string();
        let outcome = connection(self.request, self.config)
            .map_err(|e| e.in_operation(op.name))
            .and_then(|conn| run(op, body.as_bytes(), &conn, self.config, self.transport));
        // The route's bytes, read back as the value MCP carries (serde_json
        // wrote them, so they parse).
        Ok(outcome
            .map(|bytes| serde_json::from_slice(&bytes).unwrap_or(Value::Null))
            .map_err(|e| crate::error::error_json(&e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::config::Access;
    use crate::gorgias::testing::Scripted;

    #[test]
    fn what_removes_or_replaces_data_is_destructive_and_queries_carry_no_write_hints() {
        let hints = |name: &str| annotations(crate::ops::find(name).unwrap());
        assert_eq!(
            hints("set-ticket-tags"),
            json!({"title": "Set Ticket Tags", "readOnlyHint": false, "openWorldHint": true, "destructiveHint": true, "idempotentHint": true})
        );
        assert_eq!(
            hints("add-ticket-tags"),
            json!({"title": "Add Ticket Tags", "readOnlyHint": false, "openWorldHint": true, "destructiveHint": false, "idempotentHint": true})
        );
        assert_eq!(
            hints("list-users"),
            json!({"title": "List Users", "readOnlyHint": true, "openWorldHint": true})
        );
        for name in [
            "update-ticket",
            "remove-ticket-tags",
            "set-ticket-custom-fields",
            "update-customer",
            "apply-macro",
        ] {
            assert_eq!(hints(name)["destructiveHint"], true, "{name}");
        }
        for name in ["create-ticket", "reply-to-ticket", "add-internal-note"] {
            assert_eq!(hints(name)["destructiveHint"], false, "{name}");
        }
        for op in crate::ops::OPERATIONS {
            let h = annotations(op);
            if op.read_only() {
                assert!(h.get("destructiveHint").is_none(), "{}", op.name);
            }
            if op.access == Access::All {
                assert_eq!(h["destructiveHint"], true, "{}: a deletion", op.name);
            }
        }
    }

    fn cfg(read_only: bool) -> Config {
        Config {
            account: Some("acme".into()),
            email: Some("agent@acme.com".into()),
            api_key: Some("s3cr3t-key".into()),
            access: if read_only { Access::Read } else { Access::All },
            ..Default::default()
        }
    }

    fn with_headers(h: &[(&str, &str)]) -> HttpRequest {
        HttpRequest {
            headers: h.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..HttpRequest::default()
        }
    }

    #[test]
    fn an_access_token_header_picks_oauth_for_the_configured_account() {
        let c = connection(&with_headers(&[("X-Gorgias-Access-Token", " oauth-1 ")]), &cfg(false)).unwrap();
        assert_eq!(c, Connection::access_token("acme", "oauth-1"));
    }

    #[test]
    fn a_token_with_email_or_api_key_headers_is_refused() {
        for other in ["X-Gorgias-Email", "X-Gorgias-Api-Key"] {
            let e = connection(
                &with_headers(&[("X-Gorgias-Access-Token", "oauth-1"), (other, "x")]),
                &cfg(false),
            )
            .unwrap_err();
            assert_eq!(
                e,
                Error::invalid(
                    "x-gorgias-access-token",
                    "send either X-Gorgias-Access-Token or X-Gorgias-Email with X-Gorgias-Api-Key, not both"
                ),
                "{other}"
            );
        }
    }

    #[test]
    fn a_configured_token_is_used_unless_the_request_sends_an_api_key() {
        let oauth = Config {
            account: Some("acme".into()),
            access_token: Some("oauth-cfg".into()),
            ..Default::default()
        };
        let none = HttpRequest::default();
        assert_eq!(
            connection(&none, &oauth).unwrap(),
            Connection::access_token("acme", "oauth-cfg")
        );
        let own = with_headers(&[("X-Gorgias-Email", "me@x.co"), ("X-Gorgias-Api-Key", "own")]);
        assert_eq!(
            connection(&own, &oauth).unwrap(),
            Connection::api_key("acme", "me@x.co", "own")
        );
        assert_eq!(
            connection(&none, &cfg(false)).unwrap(),
            Connection::api_key("acme", "agent@acme.com", "s3cr3t-key")
        );
    }

    #[test]
    fn tools_call_runs_the_operation_as_its_route_does() {
        let req = HttpRequest::default();
        let c = cfg(false);
        let mut t = Scripted::new(vec![Scripted::json(
            200,
            include_str!("../../tests/fixtures/ticket.json"),
        )]);
        let mut tools = RegistryTools {
            request: &req,
            config: &c,
            transport: &mut t,
        };
        let v = tools.call("get-ticket", json!({"ticketId": 12345})).unwrap().unwrap();
        assert_eq!(v["ticket"]["customer_id"], 98765);
        let e = tools.call("get-ticket", json!({"ticketId": 0})).unwrap().unwrap_err();
        assert_eq!(
            e,
            json!({"error": {"code": "invalid-input", "field": "ticketId", "message": "ticketId: must be a positive integer", "retryable": false}})
        );
        assert_eq!(tools.call("merge-tickets", json!({})), Err(NoSuchTool::Unknown));
        assert_eq!(t.lines(), vec!["GET /api/tickets/12345"]);
    }

    #[test]
    fn read_only_tools_hide_and_refuse_mutations() {
        let req = HttpRequest::default();
        let c = cfg(true);
        let mut t = Scripted::default();
        let mut tools = RegistryTools {
            request: &req,
            config: &c,
            transport: &mut t,
        };
        assert!(tools.read_only());
        let names: Vec<&str> = tools.list().iter().map(|t| t.name).collect();
        let queries: Vec<&str> = crate::ops::OPERATIONS
            .iter()
            .filter(|o| o.read_only())
            .map(|o| o.name)
            .collect();
        assert_eq!(names, queries);
        assert_eq!(
            tools.call(
                "add-internal-note",
                json!({"ticketId": 1, "senderUserId": 2, "bodyText": "x"})
            ),
            Err(NoSuchTool::Excluded(
                crate::ops::find("add-internal-note")
                    .unwrap()
                    .refusal(Access::Read)
                    .unwrap()
            ))
        );
        assert!(t.sent.is_empty());
        let get = tool(crate::ops::find("get-ticket").unwrap());
        assert_eq!(
            get.annotations,
            json!({"title": "Get Ticket", "readOnlyHint": true, "openWorldHint": true})
        );
    }
}
