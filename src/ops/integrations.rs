//! Integrations: the account's integrations (its email addresses among
//! them: the `fromEmail` a reply may use), and webhooks, which are Gorgias's
//! HTTP integrations: creating one (Gorgias then POSTs to the given URL on the
//! chosen ticket triggers), listing and deleting them. Each operation is its
//! input type, its [`Operation`] entry, the Gorgias requests it builds and the
//! mapping of the answers.
//!
//! A webhook's `headers` are a list of `{name, value}` records (the same in
//! JSON and WIT, which has no maps); Gorgias receives them as an object. Their
//! values are secrets: no answer carries them, and they are removed from
//! every error.

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::{ApiRequest, Method};
use crate::ops::fields::{Map, check_id, check_limit, id as id_field, list, opt_u32};
use crate::ops::operation::{Operation, types};
use crate::ops::spec::{Access, Spec};
use crate::ops::wire::{ListAnswer, decode};
use crate::schema::{any_of, non_blank, null_schema, typed};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The triggers of a Gorgias HTTP integration (the keys of `http.triggers`).
pub const TRIGGERS: &[&str] = &[
    "ticket-created",
    "ticket-updated",
    "ticket-message-created",
    "ticket-self-unsnoozed",
    "ticket-message-failed",
    "ticket-assignment-updated",
    "ticket-status-updated",
    "ticket-handed-over",
];

/// Most headers a webhook may carry.
pub const MAX_HEADERS: usize = 20;
/// Longest header name.
pub const MAX_HEADER_NAME_CHARS: usize = 128;
/// Longest header value.
pub const MAX_HEADER_VALUE_CHARS: usize = 4096;
/// Longest webhook URL.
pub const MAX_URL_CHARS: usize = 2048;
/// Longest webhook name.
pub const MAX_NAME_CHARS: usize = 255;

/// Headers the connector will not let a webhook set: the ones that frame the
/// HTTP message itself (Gorgias sets them), compared case-insensitively.
pub const FORBIDDEN_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
    "expect",
    "proxy-connection",
];

/// The pattern of a header name: RFC 9110 token characters.
pub const HEADER_NAME_PATTERN: &str = "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$";

/// The pattern of a header value: no control character but tab (no CR, LF, NUL).
pub const HEADER_VALUE_PATTERN: &str = "^[^\\u0000-\\u0008\\u000a-\\u001f\\u007f]*$";

/// The pattern of an integration type (`email`, `http`, `gmail`, …).
pub const INTEGRATION_TYPE_PATTERN: &str = "^[a-z0-9_-]{1,64}$";

/// Characters Rust's `char::is_whitespace` and `is_control` refuse in a URL,
/// as a regex class body.
const NOT_IN_URL: &str = "\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

/// A port 1–65535 without leading zeros.
const PORT: &str = "([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])";

/// An IPv4 octet without leading zeros.
const OCTET: &str = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";

/// The pattern of a webhook URL as [`check_url`] checks it.
pub fn url_pattern() -> String {
    let rest = format!("([/?#][^{NOT_IN_URL}]*)?");
    let https = format!("https://[A-Za-z0-9-]{{1,63}}(\\.[A-Za-z0-9-]{{1,63}})*(:{PORT})?{rest}");
    let loopback = format!("http://(localhost|127(\\.{OCTET}){{3}}|\\[::1\\])(:{PORT})?{rest}");
    format!("^({https}|{loopback})$")
}

/// A webhook URL.
pub fn url_schema(_: &mut SchemaGenerator) -> Schema {
    Schema::try_from(typed(
        "string",
        &[("maxLength", MAX_URL_CHARS.into()), ("pattern", url_pattern().into())],
    ))
    .unwrap_or_default()
}

/// One to eight triggers.
pub fn triggers_schema(_: &mut SchemaGenerator) -> Schema {
    Schema::try_from(typed(
        "array",
        &[
            ("items", typed("string", &[("enum", TRIGGERS.into())])),
            ("minItems", 1.into()),
            ("maxItems", TRIGGERS.len().into()),
        ],
    ))
    .unwrap_or_default()
}

/// An optional webhook name.
pub fn opt_name(_: &mut SchemaGenerator) -> Schema {
    let mut name = non_blank();
    name["maxLength"] = MAX_NAME_CHARS.into();
    any_of(vec![name, null_schema()])
}

/// `[Hh][Oo][Ss][Tt]`: `name` in any case, as a regex.
fn any_case(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// An optional list of at most 20 `{name, value}` headers (`null` = none).
pub fn opt_headers(_: &mut SchemaGenerator) -> Schema {
    let forbidden: Vec<String> = FORBIDDEN_HEADERS.iter().map(|h| any_case(h)).collect();
    let mut not = Map::new();
    not.insert("pattern".into(), format!("^({})$", forbidden.join("|")).into());
    let name = typed(
        "string",
        &[
            ("pattern", HEADER_NAME_PATTERN.into()),
            ("not", Value::Object(not)),
            (
                "description",
                "The header name (token characters; not Host, Content-Type, Content-Length or another framing header)"
                    .into(),
            ),
        ],
    );
    let value = typed(
        "string",
        &[
            ("maxLength", MAX_HEADER_VALUE_CHARS.into()),
            ("pattern", HEADER_VALUE_PATTERN.into()),
            (
                "description",
                "The header value (no line breaks); never echoed back".into(),
            ),
        ],
    );
    let mut props = Map::new();
    props.insert("name".into(), name);
    props.insert("value".into(), value);
    let item = typed(
        "object",
        &[
            ("properties", Value::Object(props)),
            ("required", vec!["name", "value"].into()),
            ("additionalProperties", false.into()),
        ],
    );
    let mut s = any_of(vec![
        typed("array", &[("items", item), ("maxItems", MAX_HEADERS.into())]),
        null_schema(),
    ]);
    // What schemars writes for a defaulted list of serializable items.
    s.insert("default".into(), Value::Array(vec![]));
    s
}

/// An optional integration type.
pub fn opt_integration_type(_: &mut SchemaGenerator) -> Schema {
    any_of(vec![
        typed("string", &[("pattern", INTEGRATION_TYPE_PATTERN.into())]),
        null_schema(),
    ])
}

/// One header a webhook sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookHeader {
    /// Header name.
    pub name: String,
    /// Header value (a secret: never echoed).
    pub value: String,
}

/// Input of create-webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateWebhook {
    /// `http.url`.
    #[schemars(
        schema_with = "url_schema",
        description = "Where Gorgias POSTs the ticket: an https:// URL (http:// only to localhost, 127.x.x.x or [::1]). Gorgias's {{...}} variables are allowed after the host, e.g. ?ticket={{ticket.id}}"
    )]
    pub url: String,
    /// `http.triggers`.
    #[schemars(
        schema_with = "triggers_schema",
        description = "When Gorgias calls the URL, one or more of: ticket-created, ticket-updated, ticket-message-created, ticket-self-unsnoozed, ticket-message-failed, ticket-assignment-updated, ticket-status-updated, ticket-handed-over. Gorgias's form says ticket-assignment-updated and ticket-status-updated exclude the other triggers"
    )]
    pub triggers: Vec<String>,
    /// `name`.
    #[serde(default)]
    #[schemars(
        schema_with = "opt_name",
        description = "The integration's name in Gorgias (default: gorgias-connector webhook (<triggers>))"
    )]
    pub name: Option<String>,
    /// `http.headers`.
    #[serde(default, deserialize_with = "list")]
    #[schemars(
        schema_with = "opt_headers",
        description = "Headers Gorgias sends with every call, as {name, value} records, e.g. a shared secret the receiver checks (Gorgias does not sign its calls). A name given twice keeps its last value. Values are never echoed"
    )]
    pub headers: Vec<WebhookHeader>,
}

/// Checks a webhook URL: `https://` and a host name or IPv4 address, or
/// `http://` and a loopback host (`localhost`, `127.x.x.x`, `[::1]`); an
/// optional port 1–65535; then a path, query or fragment without whitespace
/// or control characters. Exactly [`url_pattern`], at most
/// [`MAX_URL_CHARS`] characters.
pub fn check_url(url: &str) -> Result<(), Error> {
    let bad = || {
        Error::invalid(
            "url",
            "must be an https:// URL (or http:// to localhost, 127.x.x.x or [::1]) with a host, an optional port 1-65535, and no spaces or control characters",
        )
    };
    if url.chars().count() > MAX_URL_CHARS {
        return Err(Error::invalid("url", "must be at most 2048 characters"));
    }
    let (https, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(r), _) => (true, r),
        (None, Some(r)) => (false, r),
        _ => return Err(bad()),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if tail.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    // The port: after the last ':' that follows the host (`[::1]` has its own).
    let (host, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority, None),
    };
    if let Some(p) = port {
        let ok = !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && !p.starts_with('0')
            && p.parse::<u32>().is_ok_and(|n| n <= 65535);
        if !ok {
            return Err(bad());
        }
    }
    let host_ok = if https {
        host.split('.').all(|label| {
            (1..=63).contains(&label.len()) && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
    } else {
        let octet = |o: &str| {
            (1..=3).contains(&o.len())
                && o.bytes().all(|b| b.is_ascii_digit())
                && (o == "0" || !o.starts_with('0'))
                && o.parse::<u32>().is_ok_and(|n| n <= 255)
        };
        let ipv4 = host
            .strip_prefix("127.")
            .is_some_and(|r| r.split('.').count() == 3 && r.split('.').all(octet));
        host == "localhost" || host == "[::1]" || ipv4
    };
    if !host_ok {
        return Err(if https {
            bad()
        } else {
            Error::invalid(
                "url",
                "http:// is only for a loopback host (localhost, 127.x.x.x, [::1]); use https://",
            )
        });
    }
    Ok(())
}

impl CreateWebhook {
    /// Checks the URL, triggers, name and headers (header values are never
    /// quoted in an error).
    pub fn validate(&self) -> Result<(), Error> {
        check_url(&self.url)?;
        if self.triggers.is_empty() {
            return Err(Error::invalid("triggers", "give at least one trigger"));
        }
        if self.triggers.len() > TRIGGERS.len() {
            return Err(Error::invalid("triggers", "at most 8 triggers"));
        }
        for (i, t) in self.triggers.iter().enumerate() {
            if !TRIGGERS.contains(&t.as_str()) {
                return Err(Error::invalid(
                    &format!("triggers[{i}]"),
                    format!(
                        "must be one of Gorgias's HTTP-integration triggers: {}",
                        TRIGGERS.join(", ")
                    ),
                ));
            }
        }
        if let Some(n) = &self.name {
            if n.trim().is_empty() {
                return Err(Error::invalid("name", "must not be empty"));
            }
            if n.chars().count() > MAX_NAME_CHARS {
                return Err(Error::invalid("name", "must be at most 255 characters"));
            }
        }
        if self.headers.len() > MAX_HEADERS {
            return Err(Error::invalid("headers", "at most 20 headers"));
        }
        for (i, h) in self.headers.iter().enumerate() {
            let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            if h.name.is_empty() || h.name.len() > MAX_HEADER_NAME_CHARS || !h.name.bytes().all(token) {
                return Err(Error::invalid(
                    &format!("headers[{i}].name"),
                    "must be 1 to 128 token characters (letters, digits and !#$%&'*+-.^_`|~)",
                ));
            }
            if FORBIDDEN_HEADERS.iter().any(|f| f.eq_ignore_ascii_case(&h.name)) {
                return Err(Error::invalid(
                    &format!("headers[{i}].name"),
                    "is set by Gorgias itself (Host, Content-Type, Content-Length and other framing headers cannot be set)",
                ));
            }
            if h.value.chars().count() > MAX_HEADER_VALUE_CHARS {
                return Err(Error::invalid(
                    &format!("headers[{i}].value"),
                    "must be at most 4096 characters",
                ));
            }
            if h.value.chars().any(|c| c.is_ascii_control() && c != '\t') {
                return Err(Error::invalid(
                    &format!("headers[{i}].value"),
                    "must not contain line breaks or other control characters",
                ));
            }
        }
        Ok(())
    }

    /// The distinct triggers, in Gorgias's order.
    fn chosen(&self) -> Vec<&'static str> {
        TRIGGERS
            .iter()
            .copied()
            .filter(|t| self.triggers.iter().any(|x| x == t))
            .collect()
    }

    /// The integration's name: the given one, or one naming the triggers.
    fn name(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => format!("gorgias-connector webhook ({})", self.chosen().join(", ")),
        }
    }

    /// `POST /api/integrations` `{"type": "http", "name", "http": {...}}`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        self.validate()?;
        let mut headers = Map::new();
        for h in &self.headers {
            // A name given twice (in any case) keeps its last value.
            headers.retain(|k, _| !k.eq_ignore_ascii_case(&h.name));
            headers.insert(h.name.clone(), h.value.clone().into());
        }
        let mut triggers = Map::new();
        for t in self.chosen() {
            triggers.insert(t.into(), true.into());
        }
        let mut http = Map::new();
        http.insert("url".into(), self.url.clone().into());
        http.insert("method".into(), "POST".into());
        http.insert("request_content_type".into(), "application/json".into());
        http.insert("response_content_type".into(), "application/json".into());
        http.insert("headers".into(), Value::Object(headers));
        http.insert("form".into(), "{{context}}".into());
        http.insert("triggers".into(), Value::Object(triggers));
        let mut body = Map::new();
        body.insert("type".into(), "http".into());
        body.insert("name".into(), self.name().into());
        body.insert("http".into(), Value::Object(http));
        Ok(ApiRequest::with_body(
            Method::Post,
            "/api/integrations",
            Value::Object(body),
        ))
    }

    /// The header values, longest first: what no error may show.
    fn secrets(&self) -> Vec<String> {
        let mut v: Vec<String> = self.headers.iter().map(|h| h.value.clone()).collect();
        v.sort_by_key(|s| std::cmp::Reverse(s.len()));
        v
    }
}

impl Operation for CreateWebhook {
    const SPEC: &'static Spec = &Spec {
        name: "create-webhook",
        title: "Create Webhook",
        description: "Create a Gorgias HTTP integration that POSTs the ticket (as JSON, Gorgias's {{context}}) to a URL when the chosen triggers fire (ticket-created, ticket-updated, ticket-message-created, ...). Gorgias does not sign its calls: set a secret header the receiver checks, and re-read the ticket before acting.",
        access: Access::Write,
        idempotent: false,
        endpoint: "POST /api/integrations",
        example: r#"{"url": "https://hooks.example.com/gorgias?ticket={{ticket.id}}", "triggers": ["ticket-created", "ticket-message-created"], "name": "Order bot", "headers": [{"name": "X-Webhook-Secret", "value": "s3cr3t-shared-with-the-receiver"}]}"#,
        types: types::<Self>(),
    };
    type Output = CreatedWebhookAnswer;
    fn run(self, c: &mut Client<'_>) -> Result<CreatedWebhookAnswer, Error> {
        let secrets = self.secrets();
        let req = self.request()?;
        let body = c.call(&req, |b| Ok(b.to_vec())).map_err(|e| e.redact(&secrets))?;
        let found = if body.iter().all(u8::is_ascii_whitespace) {
            // A 2xx without a body: find it among the newest webhooks.
            let name = self.name();
            let page = c
                .call(&newest_webhooks_request(), decode::<ListAnswer<WireIntegration>>)
                .map_err(|e| e.redact(&secrets))?;
            page.items
                .into_iter()
                .find(|i| i.name.as_deref() == Some(name.as_str()) && i.url() == Some(self.url.as_str()))
                .ok_or_else(|| {
                    c.finish(Error::InvalidResponse {
                        status: 200,
                        message: "POST /api/integrations answered without a body and the new webhook is not among the newest ones".into(),
                        retryable: false,
                    })
                })?
        } else {
            decode::<WireIntegration>(&body).map_err(|m| {
                c.finish(Error::InvalidResponse {
                    status: 200,
                    message: format!("unexpected response from POST /api/integrations: {m}"),
                    retryable: false,
                })
                .redact(&secrets)
            })?
        };
        Ok(CreatedWebhookAnswer {
            webhook: CreatedWebhook {
                id: found.id,
                triggers: found.triggers(),
                url: found.url().map(str::to_string),
                name: found.name,
            },
        })
    }
}

/// `GET /api/integrations?type=http&order_by=created_datetime:desc&limit=100`.
fn newest_webhooks_request() -> ApiRequest {
    ApiRequest::get(
        "/api/integrations",
        vec![
            ("type".into(), "http".into()),
            ("order_by".into(), "created_datetime:desc".into()),
            ("limit".into(), "100".into()),
        ],
    )
}

/// Input of list-webhooks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListWebhooks {
    /// Page size.
    #[serde(default, deserialize_with = "opt_u32")]
    #[schemars(
        schema_with = "crate::schema::opt_limit",
        description = "Page size (max 100, default 30)"
    )]
    pub limit: Option<u32>,
    /// Cursor.
    #[schemars(description = "Pagination cursor from a prior response")]
    pub cursor: Option<String>,
}

impl ListWebhooks {
    /// `GET /api/integrations?type=http&limit=&cursor=`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        check_limit(self.limit)?;
        Ok(ApiRequest::get(
            "/api/integrations",
            page_query(Some("http"), self.limit, self.cursor.as_deref()),
        ))
    }
}

impl Operation for ListWebhooks {
    const SPEC: &'static Spec = &Spec {
        name: "list-webhooks",
        title: "List Webhooks",
        description: "List the Gorgias account's webhooks (HTTP integrations) with their URL and triggers; deactivated_datetime is set when Gorgias disabled one (after 100 failed calls in a row).",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/integrations?type=http",
        example: r#"{"limit": 20}"#,
        types: types::<Self>(),
    };
    type Output = WebhookPage;
    fn run(self, c: &mut Client<'_>) -> Result<WebhookPage, Error> {
        let list = c.call(&self.request()?, decode::<ListAnswer<WireIntegration>>)?;
        Ok(WebhookPage {
            webhooks: list
                .items
                .into_iter()
                .filter(|i| i.kind == "http")
                .map(Webhook::from)
                .collect(),
            next_cursor: list.next_cursor,
        })
    }
}

/// Input of delete-webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeleteWebhook {
    /// The webhook (an HTTP integration's ID).
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "crate::schema::id",
        description = "The webhook's ID (from create-webhook or list-webhooks); other integrations are refused"
    )]
    pub webhook_id: u64,
}

/// What delete-webhook answers: `{"success": true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct WebhookDeleted {
    /// Always true on success (failures are errors).
    #[schemars(description = "Whether the webhook was deleted")]
    pub success: bool,
}

impl Operation for DeleteWebhook {
    const SPEC: &'static Spec = &Spec {
        name: "delete-webhook",
        title: "Delete Webhook",
        description: "Delete a Gorgias webhook (an HTTP integration) by ID; Gorgias stops calling its URL. Any other kind of integration is refused.",
        access: Access::All,
        idempotent: true,
        endpoint: "GET /api/integrations/{id}, DELETE /api/integrations/{id}",
        example: r#"{"webhookId": 126640}"#,
        types: types::<Self>(),
    };
    type Output = WebhookDeleted;
    const DESTRUCTIVE: bool = true;
    fn run(self, c: &mut Client<'_>) -> Result<WebhookDeleted, Error> {
        check_id("webhookId", self.webhook_id)?;
        let path = format!("/api/integrations/{}", self.webhook_id);
        let found = c.call(&ApiRequest::get(path.clone(), vec![]), decode::<WireIntegration>)?;
        if found.kind != "http" {
            return Err(Error::invalid(
                "webhookId",
                format!(
                    "integration {} is of type {:?}, not a webhook (http): delete-webhook deletes only webhooks",
                    self.webhook_id,
                    crate::ops::fields::truncated(&found.kind)
                ),
            ));
        }
        let delete = ApiRequest {
            method: Method::Delete,
            path,
            query: vec![],
            body: None,
        };
        c.call(&delete, |_| Ok(()))?;
        Ok(WebhookDeleted { success: true })
    }
}

/// Input of list-integrations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListIntegrations {
    /// `type`.
    #[serde(default, rename = "type")]
    #[schemars(
        schema_with = "opt_integration_type",
        description = "Only integrations of this type: email, gmail, outlook, http (webhooks), shopify, ..."
    )]
    pub kind: Option<String>,
    /// Page size.
    #[serde(default, deserialize_with = "opt_u32")]
    #[schemars(
        schema_with = "crate::schema::opt_limit",
        description = "Page size (max 100, default 30)"
    )]
    pub limit: Option<u32>,
    /// Cursor.
    #[schemars(description = "Pagination cursor from a prior response")]
    pub cursor: Option<String>,
}

impl ListIntegrations {
    /// `GET /api/integrations?type=&limit=&cursor=`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        if let Some(t) = &self.kind {
            let ok = (1..=64).contains(&t.len())
                && t.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
            if !ok {
                return Err(Error::invalid(
                    "type",
                    "must be an integration type such as email, gmail, outlook or http",
                ));
            }
        }
        check_limit(self.limit)?;
        Ok(ApiRequest::get(
            "/api/integrations",
            page_query(self.kind.as_deref(), self.limit, self.cursor.as_deref()),
        ))
    }
}

impl Operation for ListIntegrations {
    const SPEC: &'static Spec = &Spec {
        name: "list-integrations",
        title: "List Integrations",
        description: "List the Gorgias account's integrations (email addresses, webhooks, stores, ...), optionally of one type; an email integration's address is a fromEmail a reply may use.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/integrations",
        example: r#"{"type": "email"}"#,
        types: types::<Self>(),
    };
    type Output = IntegrationPage;
    fn run(self, c: &mut Client<'_>) -> Result<IntegrationPage, Error> {
        let list = c.call(&self.request()?, decode::<ListAnswer<WireIntegration>>)?;
        Ok(IntegrationPage {
            // Also filtered here, should Gorgias ignore `type`.
            integrations: list
                .items
                .into_iter()
                .filter(|i| self.kind.as_ref().is_none_or(|k| *k == i.kind))
                .map(Integration::from)
                .collect(),
            next_cursor: list.next_cursor,
        })
    }
}

/// `type`, `limit`, `cursor` (blank cursor left out).
fn page_query(kind: Option<&str>, limit: Option<u32>, cursor: Option<&str>) -> Vec<(String, String)> {
    let mut q = Vec::new();
    if let Some(k) = kind {
        q.push(("type".to_string(), k.to_string()));
    }
    if let Some(l) = limit {
        q.push(("limit".to_string(), l.to_string()));
    }
    if let Some(c) = cursor.filter(|c| !c.is_empty()) {
        q.push(("cursor".to_string(), c.to_string()));
    }
    q
}

// ---- the records it answers with, and Gorgias's JSON -------------------------

/// A webhook as create-webhook answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CreatedWebhook {
    /// Integration ID.
    #[schemars(description = "The webhook's ID (what delete-webhook takes)")]
    pub id: u64,
    /// `name`.
    #[schemars(description = "The integration's name")]
    pub name: Option<String>,
    /// `http.url`.
    #[schemars(description = "The URL Gorgias calls")]
    pub url: Option<String>,
    /// The keys of `http.triggers` that are true.
    #[schemars(description = "The triggers that make Gorgias call the URL")]
    pub triggers: Vec<String>,
}

/// What create-webhook answers: `{"webhook": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CreatedWebhookAnswer {
    /// The new webhook (its headers are never echoed).
    pub webhook: CreatedWebhook,
}

/// A webhook as list-webhooks answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Webhook {
    /// Integration ID.
    #[schemars(description = "The webhook's ID (what delete-webhook takes)")]
    pub id: u64,
    /// `name`.
    #[schemars(description = "The integration's name")]
    pub name: Option<String>,
    /// `http.url`.
    #[schemars(description = "The URL Gorgias calls")]
    pub url: Option<String>,
    /// The keys of `http.triggers` that are true.
    #[schemars(description = "The triggers that make Gorgias call the URL")]
    pub triggers: Vec<String>,
    /// `deactivated_datetime`.
    #[schemars(
        description = "When Gorgias deactivated the webhook (e.g. after 100 failed calls in a row); null while it is active"
    )]
    pub deactivated_datetime: Option<String>,
}

/// A page of webhooks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct WebhookPage {
    /// The webhooks.
    #[schemars(description = "The account's webhooks (HTTP integrations)")]
    pub webhooks: Vec<Webhook>,
    /// `meta.next_cursor`.
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

/// An integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Integration {
    /// Integration ID.
    #[schemars(description = "The integration ID")]
    pub id: u64,
    /// `type`.
    #[serde(rename = "type")]
    #[schemars(description = "The integration type: email, gmail, outlook, http, shopify, ...")]
    pub kind: String,
    /// `name`.
    #[schemars(description = "The integration's name")]
    pub name: Option<String>,
    /// `meta.address`.
    #[schemars(
        description = "The email address of an email integration (meta.address): a fromEmail a reply may use; null for other types"
    )]
    pub address: Option<String>,
    /// `deactivated_datetime`.
    #[schemars(description = "When the integration was deactivated; null while it is active")]
    pub deactivated_datetime: Option<String>,
}

/// A page of integrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct IntegrationPage {
    /// The integrations.
    #[schemars(description = "The account's integrations")]
    pub integrations: Vec<Integration>,
    /// `meta.next_cursor`.
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct WireHttp {
    url: Option<String>,
    triggers: Option<BTreeMap<String, Value>>,
}

#[derive(Deserialize)]
struct WireIntegration {
    id: u64,
    #[serde(rename = "type")]
    kind: String,
    name: Option<String>,
    deactivated_datetime: Option<String>,
    /// Free-form per type; only a string `address` is read.
    meta: Option<Value>,
    http: Option<WireHttp>,
}

impl WireIntegration {
    fn url(&self) -> Option<&str> {
        self.http.as_ref().and_then(|h| h.url.as_deref())
    }

    /// The triggers set to `true`: Gorgias's known ones in their order, then others by name.
    fn triggers(&self) -> Vec<String> {
        let Some(map) = self.http.as_ref().and_then(|h| h.triggers.as_ref()) else {
            return vec![];
        };
        let on = |k: &str| map.get(k).is_some_and(|v| v == &Value::Bool(true));
        let mut out: Vec<String> = TRIGGERS.iter().filter(|t| on(t)).map(|t| t.to_string()).collect();
        out.extend(map.keys().filter(|k| !TRIGGERS.contains(&k.as_str()) && on(k)).cloned());
        out
    }
}

impl From<WireIntegration> for Webhook {
    fn from(i: WireIntegration) -> Self {
        Webhook {
            id: i.id,
            triggers: i.triggers(),
            url: i.url().map(str::to_string),
            name: i.name,
            deactivated_datetime: i.deactivated_datetime,
        }
    }
}

impl From<WireIntegration> for Integration {
    fn from(i: WireIntegration) -> Self {
        let address = i
            .meta
            .as_ref()
            .and_then(|m| m.get("address"))
            .and_then(Value::as_str)
            .map(str::to_string);
        Integration {
            id: i.id,
            kind: i.kind,
            name: i.name,
            address,
            deactivated_datetime: i.deactivated_datetime,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gorgias::testing::{Scripted, client, field};
    use crate::schema::check_schema;
    use serde_json::json;

    const LIST: &str = include_str!("../../tests/fixtures/recorded/nango-list-integrations.json");
    const EMAIL: &str = include_str!("../../tests/fixtures/recorded/nango-get-integration-email.json");
    const SECRET: &str = "s3cr3t-shared-with-the-receiver";

    fn http_integration(id: u64) -> String {
        json!({"id": id, "type": "http", "name": "Order bot", "deactivated_datetime": null, "meta": {},
            "http": {"url": "https://hooks.example.com/gorgias", "method": "POST", "headers": {"X-Webhook-Secret": SECRET},
                "triggers": {"ticket-created": true, "ticket-updated": false, "ticket-message-created": true, "brand-new": true}},
            "created_datetime": "2024-12-04T15:18:56+00:00"})
        .to_string()
    }

    fn create(body: &str) -> Result<CreateWebhook, Error> {
        crate::ops::fields::decode::<CreateWebhook>(body.as_bytes()).and_then(|w| w.validate().map(|()| w))
    }

    fn example() -> CreateWebhook {
        create(crate::ops::find("create-webhook").unwrap().example).unwrap()
    }

    #[test]
    fn create_sends_an_http_integration_with_the_headers_as_an_object() {
        let w = create(
            r#"{"url": "https://hooks.example.com/gorgias", "triggers": ["ticket-message-created", "ticket-created", "ticket-created"],
                "headers": [{"name": "x-webhook-secret", "value": "old"}, {"name": "X-Webhook-Secret", "value": "s3cr3t-shared-with-the-receiver"}, {"name": "Authorization", "value": "Bearer t"}]}"#,
        )
        .unwrap();
        let r = w.request().unwrap();
        assert_eq!((r.method, r.path.as_str()), (Method::Post, "/api/integrations"));
        assert_eq!(
            r.body.unwrap(),
            json!({"type": "http", "name": "gorgias-connector webhook (ticket-created, ticket-message-created)",
                "http": {"url": "https://hooks.example.com/gorgias", "method": "POST",
                    "request_content_type": "application/json", "response_content_type": "application/json",
                    "headers": {"X-Webhook-Secret": SECRET, "Authorization": "Bearer t"}, "form": "{{context}}",
                    "triggers": {"ticket-created": true, "ticket-message-created": true}}})
        );
        assert_eq!(example().request().unwrap().body.unwrap()["name"], "Order bot");
    }

    #[test]
    fn create_answers_the_webhook_without_its_headers() {
        let mut t = Scripted::new(vec![Scripted::json(201, &http_integration(126640))]);
        let a = Operation::run(example(), &mut client(&mut t, "create-webhook")).unwrap();
        assert_eq!(
            a.webhook,
            CreatedWebhook {
                id: 126640,
                name: Some("Order bot".into()),
                url: Some("https://hooks.example.com/gorgias".into()),
                triggers: vec![
                    "ticket-created".into(),
                    "ticket-message-created".into(),
                    "brand-new".into()
                ],
            }
        );
        let out = serde_json::to_string(&a).unwrap();
        assert!(!out.contains(SECRET), "{out}");
        check_schema(
            &serde_json::from_str(&out).unwrap(),
            &crate::ops::find("create-webhook").unwrap().output_schema(),
            "$",
        )
        .unwrap();
        assert_eq!(t.lines(), vec!["POST /api/integrations"]);
    }

    #[test]
    fn an_empty_create_answer_is_found_among_the_newest_webhooks() {
        let other = http_integration(7).replace("Order bot", "Other");
        let mine = http_integration(126640).replace(
            "https://hooks.example.com/gorgias",
            "https://hooks.example.com/gorgias?ticket={{ticket.id}}",
        );
        let page = format!(r#"{{"data": [{other}, {mine}], "meta": {{"next_cursor": null}}}}"#);
        let mut t = Scripted::new(vec![Scripted::json(201, ""), Scripted::json(200, &page)]);
        let a = Operation::run(example(), &mut client(&mut t, "create-webhook")).unwrap();
        assert_eq!(a.webhook.id, 126640);
        assert_eq!(
            t.lines(),
            vec![
                "POST /api/integrations",
                "GET /api/integrations?type=http&order_by=created_datetime%3Adesc&limit=100"
            ]
        );
        let mut t = Scripted::new(vec![Scripted::json(200, " "), Scripted::json(200, "[]")]);
        let e = Operation::run(example(), &mut client(&mut t, "create-webhook")).unwrap_err();
        assert_eq!(e.code(), "invalid-response");
    }

    #[test]
    fn header_values_never_appear_in_an_error() {
        let echo = format!(
            r#"{{"error": {{"msg": "Invalid header value {SECRET}", "data": {{"http": {{"headers": {{"X-Webhook-Secret": ["{SECRET} is not allowed"]}}}}}}}}}}"#
        );
        for status in [400, 500] {
            let answers = (0..5).map(|_| Scripted::json(status, &echo)).collect();
            let mut t = Scripted::new(answers);
            let e = Operation::run(example(), &mut client(&mut t, "create-webhook")).unwrap_err();
            let shown = format!("{e:?} {}", e.message());
            assert!(!shown.contains(SECRET), "{shown}");
            assert!(shown.contains("<redacted>"), "{shown}");
        }
        let mut t = Scripted::new(vec![Scripted::json(201, &format!(r#"{{"id": "{SECRET}"}}"#))]);
        let e = Operation::run(example(), &mut client(&mut t, "create-webhook")).unwrap_err();
        assert!(!format!("{e:?}").contains(SECRET), "{e:?}");
        // Validation errors name the header, never its value.
        let e = create(r#"{"url": "https://a.b", "triggers": ["ticket-created"], "headers": [{"name": "X", "value": "abc\r\nInjected: 1"}]}"#)
            .unwrap_err();
        assert_eq!(field(e.clone()), "headers[0].value");
        assert!(!e.message().contains("Injected"), "{}", e.message());
    }

    #[test]
    fn urls_must_be_https_or_loopback_http() {
        for ok in [
            "https://hooks.example.com",
            "https://hooks.example.com/",
            "https://a.b:443/x?y=z#f",
            "https://10.0.0.1:8443/hook",
            "https://x/{{ticket.id}}",
            "http://localhost:8080/hook",
            "http://127.0.0.1/hook",
            "http://127.255.0.9:65535",
            "http://[::1]:3000/hook",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "hooks.example.com",
            "ftp://hooks.example.com",
            "HTTPS://hooks.example.com",
            "https://",
            "https://hooks..example.com",
            "https://hooks.example.com.",
            "https://user:pw@hooks.example.com",
            "https://hooks.example.com:0",
            "https://hooks.example.com:65536",
            "https://hooks.example.com:080",
            "https://hooks.example.com:",
            "https://hooks.example.com/a b",
            "https://hooks.example.com/\u{a0}",
            "https://[::1]/",
            "http://hooks.example.com",
            "http://10.0.0.1",
            "http://127.0.0.256",
            "http://127.0.01",
            "http://127.0.0",
            "http://LOCALHOST",
        ] {
            assert_eq!(field(check_url(bad).unwrap_err()), "url", "{bad}");
        }
        let long = format!("https://a.b/{}", "x".repeat(2048));
        assert!(check_url(&long).is_err());
    }

    #[test]
    fn triggers_names_and_headers_are_checked() {
        let base = |extra: &str| format!(r#"{{"url": "https://a.b", "triggers": ["ticket-created"]{extra}}}"#);
        for (body, f) in [
            (r#"{"url": "https://a.b", "triggers": []}"#.to_string(), "triggers"),
            (r#"{"url": "https://a.b"}"#.to_string(), "triggers"),
            (
                r#"{"url": "https://a.b", "triggers": ["ticket_created"]}"#.to_string(),
                "triggers[0]",
            ),
            (base(r#", "name": " ""#), "name"),
            (base(&format!(r#", "name": "{}""#, "n".repeat(256))), "name"),
            (base(r#", "headers": [{"name": "", "value": "v"}]"#), "headers[0].name"),
            (
                base(r#", "headers": [{"name": "X Y", "value": "v"}]"#),
                "headers[0].name",
            ),
            (
                base(r#", "headers": [{"name": "content-TYPE", "value": "v"}]"#),
                "headers[0].name",
            ),
            (
                base(r#", "headers": [{"name": "Host", "value": "v"}]"#),
                "headers[0].name",
            ),
            (
                base(r#", "headers": [{"name": "X", "value": "a\nb"}]"#),
                "headers[0].value",
            ),
            (
                base(r#", "headers": [{"name": "X", "value": "a\u0000"}]"#),
                "headers[0].value",
            ),
            (base(r#", "headers": [{"name": "X"}]"#), "headers[0].value"),
            (
                base(r#", "headers": [{"name": "X", "value": "v", "secret": true}]"#),
                "headers[0].secret",
            ),
            (base(r#", "headers": {"X": "v"}"#), "headers"),
        ] {
            assert_eq!(field(create(&body).unwrap_err()), f, "{body}");
        }
        let many: Vec<Value> = (0..21)
            .map(|i| json!({"name": format!("X-{i}"), "value": "v"}))
            .collect();
        let e = create(&json!({"url": "https://a.b", "triggers": ["ticket-created"], "headers": many}).to_string());
        assert_eq!(field(e.unwrap_err()), "headers");
        let nine: Vec<&str> = TRIGGERS.iter().chain(["ticket-created"].iter()).copied().collect();
        let e = create(&json!({"url": "https://a.b", "triggers": nine}).to_string());
        assert_eq!(field(e.unwrap_err()), "triggers");
        assert!(
            create(&base(
                r#", "headers": [{"name": "X", "value": "tab\tok"}], "name": null"#
            ))
            .is_ok()
        );
    }

    /// The schema says exactly what the validation accepts (the patterns are
    /// held to it end to end by schemathesis).
    #[test]
    fn the_schemas_accept_exactly_what_the_validation_accepts() {
        let schema = crate::schema::input_schema::<CreateWebhook>();
        let long = "v".repeat(4097);
        let many: Vec<Value> = (0..21)
            .map(|i| json!({"name": format!("X-{i}"), "value": "v"}))
            .collect();
        for (body, ok) in [
            (json!({"url": "https://a.b", "triggers": ["ticket-created"]}), true),
            (
                json!({"url": "https://a.b", "triggers": ["ticket-created"], "headers": null, "name": null}),
                true,
            ),
            (json!({"url": "https://a.b", "triggers": []}), false),
            (json!({"url": "https://a.b", "triggers": TRIGGERS}), true),
            (json!({"url": "https://a.b", "triggers": ["nope"]}), false),
            (
                json!({"url": "https://a.b", "triggers": ["ticket-created"], "headers": many}),
                false,
            ),
            (
                json!({"url": "https://a.b", "triggers": ["ticket-created"], "headers": [{"name": "X", "value": long}]}),
                false,
            ),
            (
                json!({"url": "https://a.b", "triggers": ["ticket-created"], "headers": [{"name": "X"}]}),
                false,
            ),
            (
                json!({"url": "https://a.b", "triggers": ["ticket-created"], "name": "n".repeat(256)}),
                false,
            ),
            (json!({"triggers": ["ticket-created"]}), false),
        ] {
            let accepted = create(&body.to_string()).is_ok();
            assert_eq!(accepted, ok, "connector on {body}");
            assert_eq!(check_schema(&body, &schema, "$").is_ok(), ok, "schema on {body}");
        }
        assert_eq!(schema["properties"]["url"]["pattern"], url_pattern());
        assert_eq!(
            schema["properties"]["headers"]["anyOf"][0]["items"]["properties"]["name"]["not"]["pattern"]
                .as_str()
                .unwrap()
                .split('|')
                .next(),
            Some("^([Hh][Oo][Ss][Tt]")
        );
        let schema = crate::schema::input_schema::<ListIntegrations>();
        for (body, ok) in [
            (json!({"type": "email"}), true),
            (json!({"type": null}), true),
            (json!({"type": 5}), false),
            (json!({"kind": "email"}), false),
        ] {
            let accepted = crate::ops::fields::decode::<ListIntegrations>(body.to_string().as_bytes())
                .and_then(|l| l.request())
                .is_ok();
            assert_eq!(accepted, ok, "connector on {body}");
            assert_eq!(check_schema(&body, &schema, "$").is_ok(), ok, "schema on {body}");
        }
    }

    #[test]
    fn list_webhooks_asks_for_http_integrations_and_keeps_only_them() {
        let page = format!(
            r#"{{"data": [{}, {EMAIL}], "meta": {{"next_cursor": "n2"}}}}"#,
            http_integration(126640)
        );
        let mut t = Scripted::new(vec![Scripted::json(200, &page)]);
        let l = ListWebhooks {
            limit: Some(20),
            cursor: Some("c1".into()),
        };
        let p = Operation::run(l, &mut client(&mut t, "list-webhooks")).unwrap();
        assert_eq!(t.lines(), vec!["GET /api/integrations?type=http&limit=20&cursor=c1"]);
        assert_eq!(p.next_cursor.as_deref(), Some("n2"));
        assert_eq!(p.webhooks.len(), 1);
        assert_eq!(p.webhooks[0].url.as_deref(), Some("https://hooks.example.com/gorgias"));
        assert_eq!(p.webhooks[0].deactivated_datetime, None);
        assert!(!serde_json::to_string(&p).unwrap().contains(SECRET));
        let e = ListWebhooks {
            limit: Some(0),
            cursor: None,
        }
        .request()
        .unwrap_err();
        assert_eq!(field(e), "limit");
    }

    #[test]
    fn delete_reads_the_integration_first_and_refuses_other_types() {
        let mut t = Scripted::new(vec![
            Scripted::json(200, &http_integration(126640)),
            Scripted::json(204, ""),
        ]);
        let a = Operation::run(
            DeleteWebhook { webhook_id: 126640 },
            &mut client(&mut t, "delete-webhook"),
        )
        .unwrap();
        assert!(a.success);
        assert_eq!(
            t.lines(),
            vec!["GET /api/integrations/126640", "DELETE /api/integrations/126640"]
        );
        assert_eq!(t.bodies(), vec![None, None]);

        let mut t = Scripted::new(vec![Scripted::json(200, EMAIL)]);
        let e = Operation::run(
            DeleteWebhook { webhook_id: 126637 },
            &mut client(&mut t, "delete-webhook"),
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid-input");
        assert!(e.message().contains("\"email\""), "{}", e.message());
        assert_eq!(t.lines(), vec!["GET /api/integrations/126637"]);

        let mut t = Scripted::new(vec![Scripted::json(
            404,
            r#"{"error": {"msg": "Resource not found."}}"#,
        )]);
        let e = Operation::run(DeleteWebhook { webhook_id: 9 }, &mut client(&mut t, "delete-webhook")).unwrap_err();
        assert_eq!(e.code(), "not-found");

        let mut t = Scripted::default();
        let e = Operation::run(DeleteWebhook { webhook_id: 0 }, &mut client(&mut t, "delete-webhook")).unwrap_err();
        assert_eq!(field(e), "webhookId");
        assert!(t.sent.is_empty());
    }

    #[test]
    fn integrations_take_the_address_from_meta_and_filter_by_type() {
        let page = format!(
            r#"{{"data": [{}, {}], "meta": {{"next_cursor": null}}}}"#,
            http_integration(126640),
            LIST.split_once("\"data\": [").unwrap().1.rsplit_once("],").unwrap().0
        );
        let mut t = Scripted::new(vec![Scripted::json(200, &page)]);
        let l = ListIntegrations {
            kind: Some("email".into()),
            ..Default::default()
        };
        let p = Operation::run(l, &mut client(&mut t, "list-integrations")).unwrap();
        assert_eq!(t.lines(), vec!["GET /api/integrations?type=email"]);
        assert_eq!(
            p.integrations,
            vec![Integration {
                id: 126637,
                kind: "email".into(),
                name: Some("Nango Support".into()),
                address: Some("1v6lmg74314gjyqr@email.gorgias.com".into()),
                deactivated_datetime: None,
            }]
        );
        let out = serde_json::to_value(&p).unwrap();
        assert_eq!(out["integrations"][0]["type"], "email");
        check_schema(
            &out,
            &crate::ops::find("list-integrations").unwrap().output_schema(),
            "$",
        )
        .unwrap();

        let mut t = Scripted::new(vec![Scripted::json(200, LIST)]);
        let p = Operation::run(ListIntegrations::default(), &mut client(&mut t, "list-integrations")).unwrap();
        assert_eq!(t.lines(), vec!["GET /api/integrations"]);
        assert_eq!(p.integrations.len(), 1);
        let bad = ListIntegrations {
            kind: Some("E mail".into()),
            ..Default::default()
        };
        assert_eq!(field(bad.request().unwrap_err()), "type");
    }
}
