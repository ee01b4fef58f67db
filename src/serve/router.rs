//! The HTTP surface: `POST /<operation>` routes, auth, errors as JSON.
//!
//! Pure over [`Transport`]: the edge hands in the request (body already read,
//! at most [`MAX_BODY_BYTES`]) and writes out the [`HttpResponse`].

use super::calls::{self, connection};
use super::http::{HttpRequest, HttpResponse, MAX_BODY_BYTES, json_string};
use super::{health, mcp, openapi};
use crate::config::{Access, Config};
use crate::error::{Error, error_json};
use crate::gorgias::transport::Transport;
use crate::ops;
use serde_json::Value;
/// A JSON object.
type Map = serde_json::Map<String, Value>;

/// An error answer for a request that never reached an operation.
fn http_error(status: u16, code: &str, message: &str) -> HttpResponse {
    HttpResponse::json(
        status,
        &single("error", {
            let mut e = Map::new();
            e.insert("code".into(), code.into());
            e.insert("message".into(), message.into());
            e.insert("retryable".into(), false.into());
            e.into()
        }),
    )
}

/// The HTTP status for an operation error.
pub fn status_of(e: &Error) -> u16 {
    match e {
        Error::InvalidInput(_) => 400,
        Error::Configuration(_) => 500,
        Error::Unauthorized(_) => 401,
        Error::Forbidden(_) => 403,
        Error::NotFound(_) => 404,
        Error::Conflict(_) => 409,
        Error::RateLimited { .. } => 429,
        Error::Upstream(a) if a.status < 500 => 422,
        Error::Upstream(_) | Error::InvalidResponse { .. } => 502,
        Error::Transport { request_sent: true, .. } => 504,
        Error::Transport { .. } => 502,
    }
}

/// `{"error": {...}}` for an operation error, with `Retry-After` for 429.
pub fn error_response(e: &Error) -> HttpResponse {
    let resp = HttpResponse::json(status_of(e), &error_json(e));
    match e {
        Error::RateLimited {
            retry_after_seconds, ..
        } => resp.with_header("retry-after", retry_after_seconds.to_string()),
        _ => resp,
    }
}

/// Compares in time that depends only on the lengths, not on where bytes differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0xff);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

/// The operations listing for `GET /` and `GET /operations` (without the
/// operations the tier excludes), written as bytes: fixed text, the
/// registry's strings, nothing parsed (keys in serde_json's sorted order, so
/// the bytes are what serialising the same object would give).
pub fn listing(access: Access) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * 1024);
    out.extend_from_slice(b"{\"access\":");
    json_string(&mut out, access.name());
    out.extend_from_slice(b",\"name\":\"gorgias-connector\",\"operations\":[");
    for (i, o) in crate::ops::available(access).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"access\":");
        json_string(&mut out, o.access.name());
        out.extend_from_slice(b",\"description\":");
        json_string(&mut out, o.description);
        out.extend_from_slice(b",\"gorgias\":");
        json_string(&mut out, o.endpoint);
        out.extend_from_slice(b",\"name\":");
        json_string(&mut out, o.name);
        out.extend_from_slice(b",\"parameters\":[");
        for (j, p) in (o.types.params)().iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            json_string(&mut out, p);
        }
        out.extend_from_slice(if o.read_only() {
            b"],\"readOnly\":true,\"route\":"
        } else {
            b"],\"readOnly\":false,\"route\":"
        });
        json_string(&mut out, &format!("POST /{}", o.name));
        out.push(b'}');
    }
    out.extend_from_slice(if access == Access::Read {
        b"],\"readOnly\":true,\"version\":"
    } else {
        b"],\"readOnly\":false,\"version\":"
    });
    json_string(&mut out, env!("CARGO_PKG_VERSION"));
    out.push(b'}');
    out
}

/// Handles one inbound request. `config` is `Err` when the operator's
/// configuration is unusable (reported as 500 without detail about secrets).
pub fn handle(req: &HttpRequest, config: &Result<Config, Error>, transport: &mut dyn Transport) -> HttpResponse {
    let config = match config {
        Ok(c) => c,
        Err(e) => return error_response(e),
    };
    // DNS-rebinding protection on every route, before anything else is revealed.
    if let Err(refusal) = crate::origin::judge(req.header("host"), req.header("origin"), &config.allowed_hosts) {
        return refused(req, &refusal);
    }
    if let Some(token) = &config.connector_token {
        let presented = req
            .header("authorization")
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")));
        let ok = presented.is_some_and(|p| constant_time_eq(p.trim().as_bytes(), token.as_bytes()));
        if !ok {
            return http_error(
                401,
                "unauthenticated",
                "missing or wrong bearer token (Authorization: Bearer <connector_token>)",
            )
            .with_header("www-authenticate", "Bearer".into());
        }
    }
    let path = req.path.split('?').next().unwrap_or("");
    let path = path.trim_end_matches('/');
    if path.is_empty() || path == "/operations" {
        return match req.method.as_str() {
            "GET" | "HEAD" => HttpResponse::json_bytes(200, listing(config.access)),
            _ => http_error(405, "method-not-allowed", "use GET").with_header("allow", "GET".into()),
        };
    }
    match path {
        "/openapi.json" => {
            return match req.method.as_str() {
                "GET" | "HEAD" => HttpResponse::json_bytes(
                    200,
                    openapi::document_bytes(config.access, config.connector_token.is_some()),
                ),
                _ => http_error(405, "method-not-allowed", "use GET").with_header("allow", "GET".into()),
            };
        }
        "/health" => {
            return match req.method.as_str() {
                "GET" | "HEAD" => {
                    let (status, body) = health::check(connection(req, config), config, transport);
                    HttpResponse::json(status, &body)
                }
                _ => http_error(405, "method-not-allowed", "use GET").with_header("allow", "GET".into()),
            };
        }
        "/mcp" => {
            if req.method != "POST" {
                return http_error(
                    405,
                    "method-not-allowed",
                    "MCP over Streamable HTTP: POST JSON-RPC messages; this server offers no SSE stream",
                )
                .with_header("allow", "POST".into());
            }
            if let Some(r) = body_problem(req) {
                return r;
            }
            let mut tools = calls::RegistryTools {
                request: req,
                config,
                transport,
            };
            return mcp::handle(req, &mut tools);
        }
        _ => {}
    }
    let name = path.strip_prefix('/').unwrap_or(path);
    let Some(op) = ops::find(name) else {
        return http_error(
            404,
            "unknown-operation",
            &format!(
                "no operation {:?}; GET /operations lists them",
                name.chars().take(64).collect::<String>()
            ),
        );
    };
    if req.method != "POST" {
        return http_error(
            405,
            "method-not-allowed",
            &format!("{} takes POST with a JSON body", op.name),
        )
        .with_header("allow", "POST".into());
    }
    if let Some(why) = op.refusal(config.access) {
        return http_error(403, "read-only", &why);
    }
    if let Some(r) = body_problem(req) {
        return r;
    }
    let conn = match connection(req, config) {
        Ok(c) => c,
        Err(e) => return error_response(&e.in_operation(op.name)),
    };
    let body = match calls::idempotency_header(op, req.header("idempotency-key"), &req.body) {
        Ok(b) => b,
        Err(e) => return error_response(&e.in_operation(op.name)),
    };
    match calls::run(op, &body, &conn, config, transport) {
        Ok(body) => HttpResponse::json_bytes(200, body),
        Err(e) => error_response(&e),
    }
}

/// 403 for a foreign `Host` or `Origin`: a JSON-RPC error without id on `/mcp`
/// (as the MCP transport specifies), the routes' error body elsewhere.
fn refused(req: &HttpRequest, refusal: &crate::origin::Refusal) -> HttpResponse {
    let path = req.path.split('?').next().unwrap_or("").trim_end_matches('/');
    if path == "/mcp" {
        return mcp::refused(refusal.message());
    }
    http_error(403, refusal.code(), refusal.message())
}

/// A 413 for an oversized body, a 415 for a body that is not JSON.
fn body_problem(req: &HttpRequest) -> Option<HttpResponse> {
    if req.body_too_large {
        return Some(http_error(
            413,
            "payload-too-large",
            &format!("the body exceeds {MAX_BODY_BYTES} bytes"),
        ));
    }
    if let Some(ct) = req.header("content-type") {
        let mime = ct.split(';').next().unwrap_or("").trim();
        if !mime.eq_ignore_ascii_case("application/json") {
            return Some(http_error(
                415,
                "unsupported-media-type",
                "send the parameters as JSON with content-type: application/json",
            ));
        }
    }
    None
}

/// `{key: value}`.
fn single(key: &'static str, value: Value) -> Value {
    let mut m = Map::new();
    m.insert(key.into(), value);
    m.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::config::Access;
    use crate::gorgias::testing::Scripted;
    use serde_json::json;

    fn cfg() -> Result<Config, Error> {
        Ok(Config {
            account: Some("acme".into()),
            email: Some("agent@acme.com".into()),
            api_key: Some("s3cr3t-key".into()),
            ..Default::default()
        })
    }

    fn post(path: &str, body: &str) -> HttpRequest {
        HttpRequest {
            method: "POST".into(),
            path: path.into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
            body_too_large: false,
        }
    }

    fn body(r: &HttpResponse) -> Value {
        serde_json::from_slice::<Value>(&r.body).unwrap()
    }

    #[test]
    fn get_ticket_route_returns_spec_shape() {
        let mut t = Scripted::new(vec![Scripted::json(
            200,
            include_str!("../../tests/fixtures/ticket.json"),
        )]);
        let r = handle(&post("/get-ticket", r#"{"ticketId": 12345}"#), &cfg(), &mut t);
        assert_eq!(r.status, 200);
        assert_eq!(body(&r)["ticket"]["customer_id"], 98765);
        assert_eq!(t.lines(), vec!["GET /api/tickets/12345"]);
    }

    #[test]
    fn the_listing_bytes_are_what_serialising_them_gives_at_every_tier() {
        for access in [Access::Read, Access::Write, Access::All] {
            let bytes = listing(access);
            let v: Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(
                serde_json::to_vec(&v).unwrap(),
                bytes,
                "{access:?}: keys sorted, compact"
            );
            assert_eq!(
                v["operations"].as_array().unwrap().len(),
                ops::available(access).count()
            );
            assert_eq!(
                v["operations"][0]["parameters"],
                json!(ops::OPERATIONS[0].param_names())
            );
        }
    }

    #[test]
    fn listing_and_routing_errors() {
        let mut t = Scripted::default();
        let r = handle(
            &HttpRequest {
                method: "GET".into(),
                path: "/".into(),
                ..Default::default()
            },
            &cfg(),
            &mut t,
        );
        let listed: Vec<Value> = body(&r)["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].clone())
            .collect();
        let access = cfg().map(|c| c.access).unwrap_or_default();
        let registry: Vec<Value> = ops::available(access).map(|o| Value::from(o.name)).collect();
        assert_eq!(listed, registry);
        assert_eq!(handle(&post("/nope", "{}"), &cfg(), &mut t).status, 404);
        let r = handle(
            &HttpRequest {
                method: "GET".into(),
                path: "/get-ticket".into(),
                ..Default::default()
            },
            &cfg(),
            &mut t,
        );
        assert_eq!(
            (r.status, r.headers.iter().any(|(k, v)| k == "allow" && v == "POST")),
            (405, true)
        );
        let mut big = post("/get-ticket", "{}");
        big.body_too_large = true;
        assert_eq!(handle(&big, &cfg(), &mut t).status, 413);
        let mut form = post("/get-ticket", "ticketId=1");
        form.headers = vec![("Content-Type".into(), "application/x-www-form-urlencoded".into())];
        assert_eq!(handle(&form, &cfg(), &mut t).status, 415);
        let r = handle(&post("/get-ticket", r#"{"ticketId": 1.5}"#), &cfg(), &mut t);
        assert_eq!((r.status, body(&r)["error"]["field"].as_str()), (400, Some("ticketId")));
        assert!(t.sent.is_empty(), "no upstream request for bad input");
    }

    #[test]
    fn the_first_bad_argument_in_the_body_is_reported_and_nothing_is_sent() {
        let mut t = Scripted::default();
        for (path, args, field, message) in [
            ("/get-ticket", r#"{}"#, "ticketId", "is required"),
            (
                "/search-tickets",
                r#"{"viewId": "x", "limit": -1}"#,
                "viewId",
                "must be an integer or a numeric string",
            ),
            (
                "/search-tickets",
                r#"{"limit": 5000000000, "cursor": 3}"#,
                "limit",
                "is too large",
            ),
            (
                "/create-ticket",
                r#"{"customerId": 0, "fromAgent": 1}"#,
                "customerId",
                "must be a positive integer",
            ),
            (
                "/create-ticket",
                r#"{"channel": "email", "customerId": 0, "fromAgent": 1}"#,
                "customerId",
                "must be a positive integer",
            ),
            (
                "/create-ticket",
                r#"{"channel": "email", "customerId": 5, "fromAgent": 1, "toName": 2}"#,
                "fromAgent",
                "must be true or false, got a number",
            ),
            (
                "/update-ticket",
                r#"{"status": 1}"#,
                "status",
                "must be a string, got a number",
            ),
            ("/update-ticket", r#"{"status": "open"}"#, "ticketId", "is required"),
            (
                "/reply-to-ticket",
                r#"{"ticketId": 1, "senderUserId": "a"}"#,
                "senderUserId",
                "must be an integer or a numeric string",
            ),
            (
                "/add-internal-note",
                r#"{"ticketId": 1, "senderUserId": -2, "bodyText": 3}"#,
                "senderUserId",
                "must not be negative",
            ),
            (
                "/get-ticket-messages",
                r#"{"ticketId": 1, "limit": 1.5, "cursor": 2}"#,
                "limit",
                "must be a whole number",
            ),
            (
                "/list-ticket-tags",
                r#"{"ticketId": true}"#,
                "ticketId",
                "must be an integer, got a boolean",
            ),
            (
                "/add-ticket-tags",
                r#"{"ticketId": 1, "tagNames": [1], "tagIds": [0]}"#,
                "tagNames[0]",
                "must be a string, got a number",
            ),
            ("/find-customer-by-email", r#"{}"#, "email", "is required"),
        ] {
            let r = handle(&post(path, args), &cfg(), &mut t);
            let e = &body(&r)["error"];
            assert_eq!(
                (
                    r.status,
                    e["field"].as_str(),
                    e["message"].as_str().map(|m| m.ends_with(message))
                ),
                (400, Some(field), Some(true)),
                "{path} {args}: {e}"
            );
        }
        assert!(t.sent.is_empty(), "no upstream request for bad input");
    }

    #[test]
    fn token_is_required_when_configured() {
        let mut c = cfg().unwrap();
        c.connector_token = Some("tok3n".into());
        let c = Ok(c);
        let mut t = Scripted::new(vec![Scripted::json(200, "[]")]);
        assert_eq!(
            handle(&post("/list-ticket-tags", r#"{"ticketId": 1}"#), &c, &mut t).status,
            401
        );
        let mut wrong = post("/list-ticket-tags", r#"{"ticketId": 1}"#);
        wrong.headers.push(("Authorization".into(), "Bearer tok3m".into()));
        assert_eq!(handle(&wrong, &c, &mut t).status, 401);
        let mut right = post("/list-ticket-tags", r#"{"ticketId": 1}"#);
        right.headers.push(("Authorization".into(), "Bearer tok3n".into()));
        assert_eq!(handle(&right, &c, &mut t).status, 200);
    }

    #[test]
    fn errors_never_echo_the_operators_secrets_even_with_the_callers_own_key() {
        let mut c = cfg().unwrap();
        c.connector_token = Some("tok3n-Kp3x".into());
        let c = Ok(c);
        // agent@acme.com:s3cr3t-key in base64
        let echo = r#"{"error": {"msg": "key s3cr3t-key, Basic YWdlbnRAYWNtZS5jb206czNjcjN0LWtleQ==, token tok3n-Kp3x; yours: own-key-123"}}"#;
        let mut t = Scripted::new(vec![Scripted::json(400, echo)]);
        let mut r = post("/get-ticket", r#"{"ticketId": 1}"#);
        r.headers.push(("Authorization".into(), "Bearer tok3n-Kp3x".into()));
        r.headers.push(("X-Gorgias-Api-Key".into(), "own-key-123".into()));
        let resp = handle(&r, &c, &mut t);
        assert_eq!(
            body(&resp)["error"]["message"],
            "get-ticket: gorgias answered 400: key <redacted>, Basic <redacted>, token <redacted>; yours: <redacted>"
        );
    }

    #[test]
    fn header_credentials_override_but_cannot_change_host() {
        let mut t = Scripted::new(vec![Scripted::json(200, "[]")]);
        let mut r = post("/list-ticket-tags", r#"{"ticketId": 1}"#);
        r.headers.push(("X-Gorgias-Account".into(), "other".into()));
        assert_eq!(handle(&r, &cfg(), &mut t).status, 200);
        assert_eq!(t.sent[0].authority, "other.gorgias.com");
        let mut evil = post("/list-ticket-tags", r#"{"ticketId": 1}"#);
        evil.headers.push(("X-Gorgias-Account".into(), "evil.com#".into()));
        let resp = handle(&evil, &cfg(), &mut t);
        assert_eq!(
            (resp.status, body(&resp)["error"]["field"].as_str()),
            (400, Some("account"))
        );
        assert_eq!(t.sent.len(), 1);
    }

    #[test]
    fn rate_limit_maps_to_429_with_retry_after() {
        let e = Error::RateLimited {
            retry_after_seconds: 30,
            message: "x".into(),
        };
        let r = error_response(&e);
        assert_eq!(r.status, 429);
        assert!(r.headers.contains(&("retry-after".into(), "30".into())));
        assert_eq!(body(&r)["error"]["retryAfterSeconds"], 30);
    }

    fn get(path: &str) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            path: path.into(),
            ..Default::default()
        }
    }

    #[test]
    fn read_only_mode_refuses_and_hides_mutations() {
        let mut c = cfg().unwrap();
        c.access = Access::Read;
        let c = Ok(c);
        let mut t = Scripted::new(vec![Scripted::json(200, "[]")]);
        let r = handle(
            &post("/update-ticket", r#"{"ticketId": 1, "status": "closed"}"#),
            &c,
            &mut t,
        );
        assert_eq!((r.status, body(&r)["error"]["code"].as_str()), (403, Some("read-only")));
        assert!(t.sent.is_empty());
        let listed: Vec<Value> = body(&handle(&get("/operations"), &c, &mut t))["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].clone())
            .collect();
        let queries: Vec<Value> = ops::available(Access::Read).map(|o| Value::from(o.name)).collect();
        assert_eq!(listed, queries);
        assert!(
            ops::OPERATIONS
                .iter()
                .all(|o| o.read_only() == queries.contains(&Value::from(o.name)))
        );
        assert!(!listed.contains(&json!("update-ticket")));
        assert!(!listed.contains(&json!("remove-ticket-tags")) && !listed.contains(&json!("set-ticket-tags")));
        assert_eq!(
            handle(&post("/list-ticket-tags", r#"{"ticketId": 1}"#), &c, &mut t).status,
            200
        );
        let Ok(conf) = &c else { unreachable!() };
        assert_eq!(
            calls::run(
                crate::ops::find("add-ticket-tags").unwrap(),
                b"{}",
                &crate::gorgias::testing::conn(),
                conf,
                &mut t
            )
            .unwrap_err()
            .code(),
            "configuration"
        );
    }

    #[test]
    fn route_answers_are_serialized_in_the_spec_order_of_the_output_type() {
        let ticket = include_str!("../../tests/fixtures/ticket.json");
        let mut t = Scripted::new(vec![Scripted::json(200, ticket)]);
        let r = handle(&post("/get-ticket", r#"{"ticketId": 12345}"#), &cfg(), &mut t);
        assert_eq!(r.status, 200);
        let text = String::from_utf8(r.body.clone()).unwrap();
        assert!(text.starts_with(r#"{"ticket":{"id":12345,"subject":"#), "{text}");
        let keys: Vec<&str> = [
            "\"status\"",
            "\"channel\"",
            "\"priority\"",
            "\"customer_id\"",
            "\"tags\"",
            "\"updated_datetime\"",
        ]
        .into_iter()
        .collect();
        let at: Vec<usize> = keys.iter().map(|k| text.find(k).unwrap()).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    }

    #[test]
    fn openapi_health_and_mcp_routes() {
        let mut t = Scripted::new(vec![Scripted::json(200, "{}")]);
        let r = handle(&get("/openapi.json"), &cfg(), &mut t);
        assert_eq!((r.status, body(&r)["openapi"].as_str()), (200, Some("3.1.0")));
        let r = handle(&get("/health"), &cfg(), &mut t);
        assert_eq!((r.status, body(&r)["status"].as_str()), (200, Some("ok")));
        assert_eq!(t.lines(), vec!["GET /api/account"]);
        let r = handle(&get("/mcp"), &cfg(), &mut t);
        assert_eq!(
            (r.status, r.headers.iter().any(|(k, v)| k == "allow" && v == "POST")),
            (405, true)
        );
        let r = handle(
            &post("/mcp", r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#),
            &cfg(),
            &mut t,
        );
        assert_eq!(body(&r), json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
        let mut c = cfg().unwrap();
        c.connector_token = Some("tok3n".into());
        let c = Ok(c);
        for path in ["/openapi.json", "/health"] {
            assert_eq!(handle(&get(path), &c, &mut t).status, 401, "{path}");
        }
        assert_eq!(handle(&post("/mcp", "{}"), &c, &mut t).status, 401);
    }

    #[test]
    fn foreign_hosts_and_origins_are_refused_on_every_route() {
        let with = |mut r: HttpRequest, h: &[(&str, &str)]| {
            r.headers.extend(h.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            r
        };
        let mut routes = vec![
            get("/"),
            get("/operations"),
            get("/openapi.json"),
            get("/health"),
            post("/mcp", "{}"),
        ];
        routes.extend(
            crate::ops::OPERATIONS
                .iter()
                .map(|o| post(&format!("/{}", o.name), "{}")),
        );
        routes.push(post("/no-such-operation", "{}"));
        let mut t = Scripted::default();
        let rebinding = [("Host", "evil.example.com"), ("Origin", "http://evil.example.com")];
        for (headers, code) in [
            (&rebinding[..], "host-not-allowed"),
            (&[("Host", "evil.example.com")][..], "host-not-allowed"),
            (
                &[("Host", "127.0.0.1:3000"), ("Origin", "https://evil.example")][..],
                "origin-not-allowed",
            ),
            (&[("Host", "localhost"), ("Origin", "null")][..], "origin-not-allowed"),
        ] {
            for r in &routes {
                let resp = handle(&with(r.clone(), headers), &cfg(), &mut t);
                let b = body(&resp);
                if r.path == "/mcp" {
                    assert_eq!((resp.status, &b["error"]["code"]), (403, &json!(-32600)), "{headers:?}");
                    assert!(b.get("id").is_none(), "{b}");
                } else {
                    assert_eq!(
                        (resp.status, b["error"]["code"].as_str()),
                        (403, Some(code)),
                        "{} {headers:?}",
                        r.path
                    );
                }
            }
        }
        assert!(t.sent.is_empty(), "a refused request reaches nobody");
        // Refused before the token check: a rebinding page learns nothing.
        let mut c = cfg().unwrap();
        c.connector_token = Some("tok3n".into());
        assert_eq!(
            handle(&with(get("/openapi.json"), &rebinding), &Ok(c), &mut t).status,
            403
        );
        // Loopback and configured names are served.
        let mut c = cfg().unwrap();
        c.allowed_hosts = crate::origin::AllowedHosts::parse("mcp.example.com https://app.example.com").unwrap();
        let c = Ok(c);
        for headers in [
            &[("Host", "127.0.0.1:3000"), ("Origin", "http://127.0.0.1:3000")][..],
            &[("Host", "localhost")][..],
            &[("Host", "mcp.example.com")][..],
            &[("Host", "mcp.example.com"), ("Origin", "https://app.example.com")][..],
            &[][..],
        ] {
            assert_eq!(
                handle(&with(get("/operations"), headers), &c, &mut t).status,
                200,
                "{headers:?}"
            );
            let ping = with(post("/mcp", r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#), headers);
            assert_eq!(handle(&ping, &c, &mut t).status, 200, "{headers:?}");
        }
        assert_eq!(handle(&with(get("/operations"), &rebinding), &c, &mut t).status, 403);
    }

    #[test]
    fn constant_time_eq_is_correct() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }
}
