//! No secret leaves the connector: every error path (validation, inbound
//! token, 401/403/404/409/429/5xx, upstream bodies that echo credentials,
//! decode errors, oversized bodies, timeouts, refused connections,
//! configuration errors) is driven through the HTTP routes and the typed
//! exports with distinctive credentials, and no response body, header, WIT
//! error or guest stdout/stderr may contain the API key, `email:key`, its
//! base64 (the Basic credentials), an OAuth access token (configured, sent
//! per request or in the typed connection) or the connector token.
//!
//! Also: per-request headers cannot change the upstream host, and
//! `gorgias_base_url` cannot be set per request.
#![allow(clippy::unwrap_used, reason = "test code: a failed unwrap is a failed test")]

mod support;

use bytes::Bytes;
use http_body_util::Full;
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;
use support::fake_gorgias::{FakeGorgias, Scripted, b64};
use support::host::{Host, HttpResult, Logs, wit};

const KEY: &str = "SeCrEt-ApiKey-7f3a9c1e55";
const HEADER_KEY: &str = "SeCrEt-HeaderKey-b81d0a";
const EMAIL: &str = "leak-check@acme.example";
const TOKEN: &str = "SeCrEt-Connector-Token-41d2";
const OAUTH: &str = "SeCrEt-OAuth-AccessToken-5e6f";
const HEADER_OAUTH: &str = "SeCrEt-OAuth-HeaderToken-a7b8";

fn basic(key: &str) -> String {
    b64(format!("{EMAIL}:{key}").as_bytes())
}

fn needles() -> Vec<String> {
    let mut n = vec![TOKEN.to_string(), b64(TOKEN.as_bytes())];
    for oauth in [OAUTH, HEADER_OAUTH] {
        n.extend([oauth.to_string(), b64(oauth.as_bytes())]);
    }
    for key in [KEY, HEADER_KEY] {
        n.extend([key.to_string(), format!("{EMAIL}:{key}"), basic(key)]);
    }
    n
}

/// Everything the caller can observe, checked as it is collected.
#[derive(Default)]
struct Watch {
    statuses: BTreeSet<u16>,
    codes: BTreeSet<String>,
    checked: usize,
}

impl Watch {
    fn text(&mut self, label: &str, text: &str) {
        for n in needles() {
            assert!(!text.contains(&n), "{label}: a secret ({n}) leaked into: {text}");
        }
        self.checked += 1;
    }

    fn logs(&mut self, label: &str, logs: &Logs) {
        assert!(
            !logs.stderr.contains("panicked"),
            "{label}: guest panicked: {}",
            logs.stderr
        );
        self.text(label, &logs.stdout);
        self.text(label, &logs.stderr);
    }

    fn http(&mut self, label: &str, r: &HttpResult, logs: &Logs) -> serde_json::Value {
        self.text(label, &String::from_utf8_lossy(&r.body));
        self.text(label, &format!("{:?}", r.headers));
        self.logs(label, logs);
        self.statuses.insert(r.status);
        let v = r.json();
        if let Some(code) = v["error"]["code"].as_str() {
            self.codes.insert(code.to_string());
        }
        v
    }

    fn typed<T: std::fmt::Debug>(&mut self, label: &str, r: &Result<T, wit::Error>, logs: &Logs) {
        self.text(label, &format!("{r:?}"));
        self.logs(label, logs);
        if let Err(e) = r {
            self.codes.insert(wit_code(e).to_string());
        }
    }
}

fn wit_code(e: &wit::Error) -> &'static str {
    match e {
        wit::Error::InvalidInput(_) => "invalid-input",
        wit::Error::Configuration(_) => "configuration",
        wit::Error::Unauthorized(_) => "unauthorized",
        wit::Error::Forbidden(_) => "forbidden",
        wit::Error::NotFound(_) => "not-found",
        wit::Error::Conflict(_) => "conflict",
        wit::Error::RateLimited(_) => "rate-limited",
        wit::Error::Upstream(_) => "upstream",
        wit::Error::Transport(_) => "transport",
        wit::Error::InvalidResponse(_) => "invalid-response",
    }
}

fn config(base_url: &str) -> HashMap<String, String> {
    HashMap::from([
        ("gorgias_account".to_string(), "sandbox".to_string()),
        ("gorgias_email".to_string(), EMAIL.to_string()),
        ("gorgias_api_key".to_string(), KEY.to_string()),
        ("gorgias_base_url".to_string(), base_url.to_string()),
        ("connector_token".to_string(), TOKEN.to_string()),
        ("retry_max_wait_seconds".to_string(), "0".to_string()),
        // Short, so the two timeout cases below wait 0.4 s, not whole seconds.
        ("upstream_first_byte_timeout_seconds".to_string(), "0.4".to_string()),
    ])
}

fn request(path: &str, body: impl Into<Bytes>, headers: &[(&str, &str)]) -> hyper::Request<Full<Bytes>> {
    let mut b = hyper::Request::builder()
        .method("POST")
        .uri(format!("http://localhost{path}"))
        .header("authorization", format!("Bearer {TOKEN}"));
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
        b = b.header("content-type", "application/json");
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Full::new(body.into())).unwrap()
}

async fn http(
    w: &mut Watch,
    cfg: &HashMap<String, String>,
    label: &str,
    req: hyper::Request<Full<Bytes>>,
) -> (u16, serde_json::Value) {
    let (r, logs) = Host::shared().http(cfg, req).await;
    let v = w.http(label, &r, &logs);
    (r.status, v)
}

fn creds(key: &str) -> wit::ApiKeyCredentials {
    wit::ApiKeyCredentials {
        account: "sandbox".into(),
        email: EMAIL.into(),
        api_key: key.into(),
    }
}

fn conn(key: &str) -> wit::Connection {
    wit::Connection::ApiKey(creds(key))
}

async fn typed_get(w: &mut Watch, cfg: &HashMap<String, String>, label: &str, c: wit::Connection, id: u64) {
    let (r, logs) = Host::shared()
        .typed(cfg, async |x, s| {
            x.gorgias_connector_tickets()
                .call_get_ticket(s, &c, wit::GetTicketRequest { ticket_id: id })
                .await
        })
        .await;
    assert!(r.is_err(), "{label}: expected an error, got {r:?}");
    w.typed(label, &r, &logs);
}

async fn typed_note(w: &mut Watch, cfg: &HashMap<String, String>, label: &str) {
    let n = wit::AddInternalNoteRequest {
        idempotency_key: None,
        ticket_id: 12345,
        sender_user_id: 4567,
        body_text: Some("x".into()),
        body_html: None,
    };
    let (r, logs) = Host::shared()
        .typed(cfg, async |x, s| {
            x.gorgias_connector_tickets()
                .call_add_internal_note(s, &conn(KEY), &n)
                .await
        })
        .await;
    assert!(r.is_err(), "{label}: expected an error, got {r:?}");
    w.typed(label, &r, &logs);
}

/// Upstream answers that echo what the connector sent, as a debugging proxy
/// or a verbose error page might.
fn echoes(key: &str) -> Vec<(u16, String)> {
    let creds = format!("{EMAIL}:{key}");
    vec![
        (
            400,
            format!(
                r#"{{"error": {{"msg": "bad request; Authorization: Basic {}", "data": {{"{key}": ["{creds}"]}}}}}}"#,
                basic(key)
            ),
        ),
        (401, format!(r#"{{"error": "invalid key {key}"}}"#)),
        (403, format!(r#"{{"error": {{"message": "user {creds} may not"}}}}"#)),
        (404, format!(r#"{{"error": {{"msg": "nothing at /api/{key}"}}}}"#)),
        (
            500,
            format!("upstream proxy error: Authorization: Basic {} rejected", basic(key)),
        ),
        (
            503,
            format!(r#"{{"error": {{"msg": "{key}", "data": {{"k": "{creds}"}}}}}}"#),
        ),
        (200, format!(r#"{{"id": "{key}"}}"#)),
        (200, format!(r#"{{"id": 12345, "tags": [{{"id": "{creds}"}}]}}"#)),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_route_error_path_leaks_a_secret() {
    let fake = FakeGorgias::start().await;
    let cfg = config(&fake.base_url());
    let mut w = Watch::default();
    let ticket = r#"{"ticketId": 12345}"#;

    // Inbound token: missing, wrong, truncated, wrong scheme.
    for auth in [
        None,
        Some("Bearer wrong".to_string()),
        Some(format!("Bearer {}", &TOKEN[..TOKEN.len() - 1])),
        Some(format!("Basic {}", b64(TOKEN.as_bytes()))),
    ] {
        let mut b = hyper::Request::builder()
            .method("POST")
            .uri("http://localhost/get-ticket")
            .header("content-type", "application/json");
        if let Some(a) = &auth {
            b = b.header("authorization", a.as_str());
        }
        let (s, v) = http(&mut w, &cfg, "token", b.body(Full::new(Bytes::from(ticket))).unwrap()).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (401, Some("unauthenticated")),
            "{auth:?}"
        );
    }

    // Validation and routing: nothing reaches Gorgias.
    let big = vec![b' '; 1024 * 1024 + 1];
    // (route, body, extra headers, expected status)
    type Case<'a> = (&'a str, Bytes, Vec<(&'a str, &'a str)>, u16);
    let cases: Vec<Case> = vec![
        ("/get-ticket", Bytes::from_static(b"{}"), vec![], 400),
        (
            "/get-ticket",
            Bytes::from_static(br#"{"ticketId": "abc"}"#),
            vec![],
            400,
        ),
        ("/get-ticket", Bytes::from_static(br#"{"ticketId": "#), vec![], 400),
        (
            "/get-ticket",
            Bytes::from_static(br#"{"ticketId": 1, "gorgias_base_url": "http://127.0.0.1:1"}"#),
            vec![],
            400,
        ),
        (
            "/create-ticket",
            Bytes::from_static(br#"{"channel": "email", "customerId": 0, "fromAgent": false}"#),
            vec![],
            400,
        ),
        (
            "/get-ticket",
            Bytes::from_static(b"ticketId=1"),
            vec![("content-type", "text/plain")],
            415,
        ),
        ("/get-ticket", Bytes::from(big), vec![], 413),
        ("/no-such-operation", Bytes::from_static(b"{}"), vec![], 404),
        (
            "/get-ticket",
            Bytes::from_static(br#"{"ticketId": 1}"#),
            vec![("x-gorgias-account", "evil.example.com")],
            400,
        ),
        (
            "/get-ticket",
            Bytes::from_static(br#"{"ticketId": 1}"#),
            vec![("x-gorgias-email", "a:b@c")],
            400,
        ),
    ];
    for (path, body, headers, status) in cases {
        let (s, _) = http(&mut w, &cfg, path, request(path, body, &headers)).await;
        assert_eq!(s, status, "{path} {headers:?}");
    }
    let get = hyper::Request::builder()
        .method("GET")
        .uri("http://localhost/get-ticket")
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Full::new(Bytes::new()))
        .unwrap();
    assert_eq!(http(&mut w, &cfg, "GET", get).await.0, 405);
    assert!(fake.requests().is_empty(), "{:?}", fake.lines());

    // 401 from Gorgias itself (the fake knows other credentials).
    let (s, _) = http(&mut w, &cfg, "401", request("/get-ticket", ticket, &[])).await;
    assert_eq!(s, 401);

    // Scripted upstream errors and echoes, with the configured key and with a key from
    // headers; and an echo of the configured key on a call that sent its own.
    for (key, headers) in [
        (KEY, vec![]),
        (HEADER_KEY, vec![("x-gorgias-api-key", HEADER_KEY)]),
        (KEY, vec![("x-gorgias-api-key", HEADER_KEY)]),
    ] {
        for (status, body) in echoes(key) {
            fake.script(Scripted::new("GET", "/api/tickets/12345", status, &body));
            let (s, v) = http(
                &mut w,
                &cfg,
                &format!("echo {status}"),
                request("/get-ticket", ticket, &headers),
            )
            .await;
            assert_ne!(s, 200, "{v}");
        }
        // A write whose 5xx body echoes the credentials.
        fake.script(Scripted::new(
            "POST",
            "/api/tickets/12345/messages",
            502,
            &format!("bad gateway for {key}"),
        ));
        let note = r#"{"ticketId": 12345, "senderUserId": 4567, "bodyText": "x"}"#;
        let (s, _) = http(&mut w, &cfg, "write 502", request("/add-internal-note", note, &headers)).await;
        assert_eq!(s, 502);
    }
    // The redaction is visible, so an operator knows something was removed.
    fake.script(Scripted::new(
        "GET",
        "/api/tickets/12345",
        403,
        &format!(r#"{{"error": {{"msg": "no access for {KEY}"}}}}"#),
    ));
    let (_, v) = http(&mut w, &cfg, "403", request("/get-ticket", ticket, &[])).await;
    assert_eq!(
        v["error"]["message"],
        "get-ticket: gorgias answered 403: no access for <redacted>"
    );

    // 409, 429 beyond the budget, truncated body, oversized body, first-byte timeout.
    fake.script(Scripted::new("GET", "/api/tags", 200, r#"{"data": []}"#));
    fake.script(Scripted::new(
        "POST",
        "/api/tags",
        409,
        &format!(r#"{{"error": {{"msg": "exists {KEY}"}}}}"#),
    ));
    fake.script(Scripted::new("GET", "/api/tags", 200, r#"{"data": []}"#));
    let (s, _) = http(
        &mut w,
        &cfg,
        "409",
        request("/add-ticket-tags", r#"{"ticketId": 12345, "tagNames": ["x"]}"#, &[]),
    )
    .await;
    assert_eq!(s, 409);
    fake.script(
        Scripted::new("GET", "/api/tickets/12345", 429, &format!("slow down {KEY}")).header("Retry-After", "60"),
    );
    assert_eq!(
        http(&mut w, &cfg, "429", request("/get-ticket", ticket, &[])).await.0,
        429
    );
    fake.script(
        Scripted::new(
            "GET",
            "/api/tickets/12345",
            200,
            &format!(r#"{{"id": "{KEY}{KEY}{KEY}"}}"#),
        )
        .broken(),
    );
    assert_eq!(
        http(&mut w, &cfg, "broken", request("/get-ticket", ticket, &[]))
            .await
            .0,
        502
    );
    let huge = format!(r#"{{"id": "{}"}}"#, KEY.repeat(9 * 1024 * 1024 / KEY.len()));
    fake.script(Scripted::new("GET", "/api/tickets/12345", 200, &huge));
    assert_eq!(
        http(&mut w, &cfg, "oversized", request("/get-ticket", ticket, &[]))
            .await
            .0,
        502
    );
    fake.script(Scripted::new("POST", "/api/tickets/12345/messages", 201, KEY).delay(Duration::from_secs(2)));
    let note = r#"{"ticketId": 12345, "senderUserId": 4567, "bodyText": "x"}"#;
    assert_eq!(
        http(&mut w, &cfg, "timeout", request("/add-internal-note", note, &[]))
            .await
            .0,
        504
    );

    // Refused connection.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = config(&format!("http://127.0.0.1:{port}"));
    let (s, v) = http(&mut w, &refused, "refused", request("/get-ticket", ticket, &[])).await;
    assert_eq!((s, v["error"]["code"].as_str()), (502, Some("transport")));

    // Configuration errors, including a base URL that carries the key as userinfo.
    for (k, v) in [
        ("gorgias_base_url", format!("http://{EMAIL}:{KEY}@127.0.0.1:1")),
        ("gorgias_base_url", format!("ftp://{KEY}")),
        ("retry_max_attempts", KEY.to_string()),
        ("upstream_first_byte_timeout_seconds", KEY.to_string()),
    ] {
        let mut bad = cfg.clone();
        bad.insert(k.to_string(), v);
        let (s, v) = http(&mut w, &bad, k, request("/get-ticket", ticket, &[])).await;
        assert_eq!((s, v["error"]["code"].as_str()), (500, Some("configuration")), "{k}");
    }

    for s in [400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 502, 504] {
        assert!(w.statuses.contains(&s), "status {s} not exercised: {:?}", w.statuses);
    }
    for c in [
        "unauthenticated",
        "invalid-input",
        "configuration",
        "unauthorized",
        "forbidden",
        "not-found",
        "conflict",
        "rate-limited",
        "upstream",
        "transport",
        "invalid-response",
        "payload-too-large",
        "unsupported-media-type",
        "unknown-operation",
        "method-not-allowed",
    ] {
        assert!(w.codes.contains(c), "code {c} not exercised: {:?}", w.codes);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_typed_error_path_leaks_a_secret() {
    let fake = FakeGorgias::start().await;
    let cfg = config(&fake.base_url());
    let mut w = Watch::default();

    // Validation.
    typed_get(&mut w, &cfg, "ticket 0", conn(KEY), 0).await;
    let bad_account = wit::Connection::ApiKey(wit::ApiKeyCredentials {
        account: format!("{KEY}.evil.example"),
        ..creds(KEY)
    });
    typed_get(&mut w, &cfg, "account", bad_account, 1).await;
    let bad_email = wit::Connection::ApiKey(wit::ApiKeyCredentials {
        email: format!("{KEY}:x"),
        ..creds(KEY)
    });
    typed_get(&mut w, &cfg, "email", bad_email, 1).await;
    let control = wit::Connection::ApiKey(wit::ApiKeyCredentials {
        api_key: format!("{KEY}\n"),
        ..creds(KEY)
    });
    typed_get(&mut w, &cfg, "control", control, 1).await;

    // 401 from the fake, then every scripted echo.
    typed_get(&mut w, &cfg, "401", conn(KEY), 12345).await;
    for (status, body) in echoes(KEY) {
        fake.script(Scripted::new("GET", "/api/tickets/12345", status, &body));
        typed_get(&mut w, &cfg, &format!("echo {status}"), conn(KEY), 12345).await;
        // The operator's key, echoed to a caller that passed its own.
        fake.script(Scripted::new("GET", "/api/tickets/12345", status, &body));
        typed_get(&mut w, &cfg, &format!("other {status}"), conn(HEADER_KEY), 12345).await;
    }
    fake.script(Scripted::new(
        "POST",
        "/api/tickets/12345/messages",
        500,
        &format!(r#"{{"error": "{KEY}"}}"#),
    ));
    typed_note(&mut w, &cfg, "write 500").await;
    fake.script(Scripted::new(
        "POST",
        "/api/tickets/12345/messages",
        201,
        &format!(r#"{{"id": "{KEY}"}}"#),
    ));
    typed_note(&mut w, &cfg, "write decode").await;
    fake.script(Scripted::new("POST", "/api/tickets/12345/messages", 429, KEY).header("Retry-After", "60"));
    typed_note(&mut w, &cfg, "write 429").await;
    fake.script(Scripted::new("POST", "/api/tickets/12345/messages", 201, KEY).delay(Duration::from_secs(2)));
    typed_note(&mut w, &cfg, "write timeout").await;
    fake.script(Scripted::new(
        "PUT",
        "/api/tickets/12345",
        200,
        &format!(r#"{{"id": "{KEY}"}}"#),
    ));
    let update = wit::UpdateTicketRequest {
        ticket_id: 12345,
        status: Some("closed".into()),
        priority: None,
        assignee_user_id: wit::Assignment::Keep,
        assignee_team_id: wit::Assignment::Keep,
        subject: None,
    };
    let (r, logs) = Host::shared()
        .typed(&cfg, async |x, s| {
            x.gorgias_connector_tickets()
                .call_update_ticket(s, &conn(KEY), &update)
                .await
        })
        .await;
    assert!(matches!(r, Err(wit::Error::InvalidResponse(_))), "{r:?}");
    w.typed("update decode", &r, &logs);
    fake.script(Scripted::new("GET", "/api/tags", 200, r#"{"data": []}"#));
    fake.script(Scripted::new("POST", "/api/tags", 409, KEY));
    fake.script(Scripted::new("GET", "/api/tags", 200, r#"{"data": []}"#));
    let tags = wit::AddTicketTagsRequest {
        ticket_id: 12345,
        tag_names: vec!["x".into()],
        tag_ids: vec![],
    };
    let (r, logs) = Host::shared()
        .typed(&cfg, async |x, s| {
            x.gorgias_connector_tickets()
                .call_add_ticket_tags(s, &conn(KEY), &tags)
                .await
        })
        .await;
    assert!(matches!(r, Err(wit::Error::Conflict(_))), "{r:?}");
    w.typed("409", &r, &logs);

    // Refused connection and configuration errors.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    typed_get(
        &mut w,
        &config(&format!("http://127.0.0.1:{port}")),
        "refused",
        conn(KEY),
        1,
    )
    .await;
    let mut bad = cfg.clone();
    bad.insert("gorgias_base_url".into(), format!("http://{EMAIL}:{KEY}@127.0.0.1:1"));
    typed_get(&mut w, &bad, "config", conn(KEY), 1).await;

    for c in [
        "invalid-input",
        "configuration",
        "unauthorized",
        "forbidden",
        "not-found",
        "conflict",
        "rate-limited",
        "upstream",
        "transport",
        "invalid-response",
    ] {
        assert!(w.codes.contains(c), "code {c} not exercised: {:?}", w.codes);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_headers_cannot_change_the_upstream_host() {
    let fake = FakeGorgias::start().await;
    let other = FakeGorgias::start().await;
    let cfg = config(&fake.base_url());
    let mut w = Watch::default();
    let ticket = r#"{"ticketId": 12345}"#;
    let other_url = other.base_url();
    let other_host = other.addr.to_string();

    // Headers that might be mistaken for a target are ignored: the call goes to
    // the configured base URL (where these credentials earn a 401).
    let ignored = [
        ("x-gorgias-base-url", other_url.as_str()),
        ("x-gorgias-host", other_host.as_str()),
        ("x-forwarded-host", other_host.as_str()),
        ("forwarded", "host=127.0.0.1"),
        ("gorgias_base_url", other_url.as_str()),
    ];
    for h in ignored {
        fake.clear_log();
        let (s, _) = http(&mut w, &cfg, h.0, request("/get-ticket", ticket, &[h])).await;
        assert_eq!(s, 401, "{h:?}");
        assert_eq!(fake.lines(), ["GET /api/tickets/12345"], "{h:?}");
    }
    // An account header that is not a DNS label is refused before anything is sent.
    fake.clear_log();
    for account in [
        other_host.as_str(),
        "127.0.0.1",
        "sandbox.evil.example",
        "sandbox@evil.example",
        "sandbox/../x",
        "sandbox#",
        "sandbox:443",
    ] {
        let (s, v) = http(
            &mut w,
            &cfg,
            account,
            request("/get-ticket", ticket, &[("x-gorgias-account", account)]),
        )
        .await;
        assert_eq!((s, v["error"]["field"].as_str()), (400, Some("account")), "{account}");
    }
    // The same for the typed connection record.
    for account in [other_host.as_str(), "sandbox.evil.example"] {
        let c = wit::Connection::ApiKey(wit::ApiKeyCredentials {
            account: account.into(),
            ..creds(KEY)
        });
        let (r, logs) = Host::shared()
            .typed(&cfg, async |x, s| {
                x.gorgias_connector_tickets()
                    .call_get_ticket(s, &c, wit::GetTicketRequest { ticket_id: 1 })
                    .await
            })
            .await;
        assert!(
            matches!(&r, Err(wit::Error::InvalidInput(f)) if f.field == "account"),
            "{r:?}"
        );
        w.typed(account, &r, &logs);
    }
    // gorgias_base_url is not a parameter of any operation.
    let (s, v) = http(
        &mut w,
        &cfg,
        "body",
        request(
            "/get-ticket",
            format!(r#"{{"ticketId": 1, "gorgias_base_url": "{other_url}"}}"#),
            &[],
        ),
    )
    .await;
    assert_eq!((s, v["error"]["field"].as_str()), (400, Some("gorgias_base_url")));
    assert!(fake.requests().is_empty(), "{:?}", fake.lines());
    assert!(
        other.requests().is_empty(),
        "the other host was reached: {:?}",
        other.lines()
    );
}

/// Upstream answers that echo an access token every way a proxy might.
fn token_echoes(token: &str) -> Vec<(u16, String)> {
    vec![
        (
            400,
            format!(r#"{{"error": {{"msg": "bad request; Authorization: Bearer {token}"}}}}"#),
        ),
        (401, format!(r#"{{"error": "token {token} expired"}}"#)),
        (
            403,
            format!(r#"{{"error": {{"message": "scope missing for {token}", "data": {{"{token}": ["x"]}}}}}}"#),
        ),
        (500, format!("upstream proxy error: Bearer {token} rejected")),
        (429, format!(r#"{{"error": {{"msg": "{token}"}}}}"#)),
        (200, format!(r#"{{"id": "{token}"}}"#)),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_error_path_leaks_an_access_token() {
    let fake = FakeGorgias::start().await;
    let mut cfg = config(&fake.base_url());
    cfg.remove("gorgias_api_key");
    cfg.remove("gorgias_email");
    cfg.insert("gorgias_access_token".into(), OAUTH.into());
    let mut w = Watch::default();
    let ticket = r#"{"ticketId": 12345}"#;

    // The configured token, then one sent per request (the fake accepts
    // neither: 401), then every scripted echo through both.
    let (s, _) = http(&mut w, &cfg, "configured 401", request("/get-ticket", ticket, &[])).await;
    assert_eq!(s, 401);
    assert_eq!(
        fake.requests()[0].header("authorization"),
        Some(format!("Bearer {OAUTH}").as_str())
    );
    let per_request = [("x-gorgias-access-token", HEADER_OAUTH)];
    let (s, _) = http(&mut w, &cfg, "header 401", request("/get-ticket", ticket, &per_request)).await;
    assert_eq!(s, 401);
    // A caller's own token is redacted with the operator's; a token the
    // connector never saw cannot be, so the configured run echoes only its own.
    type Run<'a> = (&'a [(&'a str, &'a str)], Vec<(u16, String)>);
    let runs: [Run; 2] = [
        (&[], token_echoes(OAUTH)),
        (
            &per_request,
            token_echoes(OAUTH)
                .into_iter()
                .chain(token_echoes(HEADER_OAUTH))
                .collect(),
        ),
    ];
    for (headers, echoes) in runs {
        for (status, body) in echoes {
            fake.script(Scripted::new("GET", "/api/tickets/12345", status, &body).header("retry-after", "60"));
            let label = format!("echo {status} {headers:?}");
            let (s, v) = http(&mut w, &cfg, &label, request("/get-ticket", ticket, headers)).await;
            assert!(s >= 400, "{label}: {v}");
        }
    }
    // Token and API key together: refused per request and in the configuration.
    let both = [
        ("x-gorgias-access-token", HEADER_OAUTH),
        ("x-gorgias-api-key", HEADER_KEY),
    ];
    let (s, v) = http(&mut w, &cfg, "both headers", request("/get-ticket", ticket, &both)).await;
    assert_eq!((s, v["error"]["field"].as_str()), (400, Some("x-gorgias-access-token")));
    let mut both_cfg = cfg.clone();
    both_cfg.insert("gorgias_api_key".into(), KEY.into());
    let (s, v) = http(
        &mut w,
        &both_cfg,
        "both configured",
        request("/get-ticket", ticket, &[]),
    )
    .await;
    assert_eq!((s, v["error"]["code"].as_str()), (500, Some("configuration")), "{v}");

    // The typed connection: a spaced token is refused, then every echo.
    let typed = |token: &str| {
        wit::Connection::AccessToken(wit::AccessTokenCredentials {
            account: "sandbox".into(),
            token: token.into(),
        })
    };
    typed_get(&mut w, &cfg, "typed spaced", typed(&format!("{OAUTH} x")), 1).await;
    typed_get(&mut w, &cfg, "typed 401", typed(OAUTH), 12345).await;
    for (status, body) in token_echoes(OAUTH) {
        fake.script(Scripted::new("GET", "/api/tickets/12345", status, &body).header("retry-after", "60"));
        typed_get(&mut w, &cfg, &format!("typed echo {status}"), typed(OAUTH), 12345).await;
    }
    assert!(
        w.codes.is_superset(&BTreeSet::from(
            [
                "invalid-input",
                "configuration",
                "unauthorized",
                "forbidden",
                "rate-limited",
                "upstream",
                "invalid-response"
            ]
            .map(String::from)
        )),
        "{:?}",
        w.codes
    );
    assert!(w.checked > 80, "{}", w.checked);
}
