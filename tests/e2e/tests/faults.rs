//! Upstream faults end to end: the component under wasmtime against the fake
//! Gorgias scripted to rate-limit, fail, stall, truncate, send garbage or
//! oversized bodies, or not listen at all. Each test checks what the caller
//! sees (HTTP route and/or typed export) and exactly which requests reached
//! Gorgias: reads are retried within the budget, writes are never sent twice
//! after an ambiguous failure, and a 429 (never processed) is safe to resend.
//!
//! Everything that waits, waits milliseconds: the fake answers `Retry-After: 0`
//! where the connector is to wait and resend (whole seconds only where the
//! wait does not fit the budget, so nothing waits), the first backoff is 20 ms
//! (`retry_first_backoff_seconds`), and the timeout tests use 0.3 s timeouts.
#![allow(clippy::unwrap_used, reason = "test code: a failed unwrap is a failed test")]

mod support;

use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;
use support::config_for;
use support::fake_gorgias::{self, FakeGorgias, Scripted};
use support::host::{Host, HttpResult, post, wit};

/// The fake's configuration with a 20 ms first backoff and a 4 s wait budget.
fn cfg(fake: &FakeGorgias) -> HashMap<String, String> {
    let mut c = config_for(fake);
    c.insert("retry_first_backoff_seconds".into(), "0.02".into());
    c.insert("retry_max_wait_seconds".into(), "4".into());
    c
}

/// A timeout the scripted delays (1 s) clearly exceed and a prompt answer from
/// the local fake clearly meets.
const SHORT_TIMEOUT: &str = "0.3";
const LONG_DELAY: Duration = Duration::from_secs(1);

/// [`cfg`] with a 0.3 s first-byte timeout.
fn cfg_first_byte(fake: &FakeGorgias) -> HashMap<String, String> {
    let mut c = cfg(fake);
    c.insert("upstream_first_byte_timeout_seconds".into(), SHORT_TIMEOUT.into());
    c
}

async fn route(cfg: &HashMap<String, String>, path: &str, body: &str) -> HttpResult {
    let (r, logs) = Host::shared().http(cfg, post(path, body)).await;
    assert!(!logs.stderr.contains("panicked"), "guest panicked: {}", logs.stderr);
    r
}

fn error(r: &HttpResult) -> Value {
    let v = r.json();
    assert!(v["error"].is_object(), "not an error: {v}");
    v["error"].clone()
}

fn creds() -> wit::ApiKeyCredentials {
    wit::ApiKeyCredentials {
        account: fake_gorgias::ACCOUNT.into(),
        email: fake_gorgias::EMAIL.into(),
        api_key: fake_gorgias::API_KEY.into(),
    }
}

fn conn() -> wit::Connection {
    wit::Connection::ApiKey(creds())
}

fn note() -> wit::AddInternalNoteRequest {
    wit::AddInternalNoteRequest {
        idempotency_key: None,
        ticket_id: 12345,
        sender_user_id: 4567,
        body_text: Some("checked the warehouse".into()),
        body_html: None,
    }
}

async fn typed_note(cfg: &HashMap<String, String>) -> Result<wit::AddInternalNoteAnswer, wit::Error> {
    let n = note();
    let (r, logs) = Host::shared()
        .typed(cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_add_internal_note(s, &conn(), &n)
                .await
        })
        .await;
    assert!(!logs.stderr.contains("panicked"), "guest panicked: {}", logs.stderr);
    r
}

async fn typed_get_ticket(cfg: &HashMap<String, String>, id: u64) -> Result<wit::GetTicketAnswer, wit::Error> {
    let (r, _) = Host::shared()
        .typed(cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_get_ticket(s, &conn(), wit::GetTicketRequest { ticket_id: id })
                .await
        })
        .await;
    r
}

const NOTE: &str = r#"{"ticketId": 12345, "senderUserId": 4567, "bodyText": "checked the warehouse"}"#;
const NOTE_PATH: &str = "/api/tickets/12345/messages";

fn times(line: &str, n: usize) -> Vec<String> {
    vec![line.to_string(); n]
}

// ---- 429 -------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_write_is_retried_after_retry_after_and_applied_once() {
    let fake = FakeGorgias::start().await;
    let before = fake.message_count(12345);
    for _ in 0..2 {
        fake.script(Scripted::new("POST", NOTE_PATH, 429, "").header("Retry-after", "0"));
    }
    let r = route(&cfg(&fake), "/add-internal-note", NOTE).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(fake.lines(), times("POST /api/tickets/12345/messages", 3));
    assert_eq!(
        fake.message_count(12345),
        before + 1,
        "the note was applied exactly once"
    );

    // The typed export behaves the same.
    fake.clear_log();
    fake.script(Scripted::new("POST", NOTE_PATH, 429, "").header("Retry-after", "0"));
    let n = typed_note(&cfg(&fake)).await.unwrap();
    assert_eq!(n.ticket_id, 12345);
    assert_eq!(fake.lines(), times("POST /api/tickets/12345/messages", 2));
    assert_eq!(fake.message_count(12345), before + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_create_ticket_is_created_once() {
    let fake = FakeGorgias::start().await;
    let before = fake.ticket_count();
    fake.script(Scripted::new("POST", "/api/tickets", 429, "").header("Retry-After", "0"));
    let req = wit::CreateTicketRequest {
        idempotency_key: None,
        channel: "chat".into(),
        customer_id: 98765,
        from_agent: true,
        subject: Some("Follow-up".into()),
        body_text: Some("We shipped it.".into()),
        body_html: None,
        sender_user_id: Some(4567),
        status: None,
        from_email: None,
        from_name: None,
        to_email: None,
        to_name: None,
        external_id: None,
    };
    let (t, _) = Host::shared()
        .typed(&cfg(&fake), async |c, s| {
            c.gorgias_connector_tickets().call_create_ticket(s, &conn(), &req).await
        })
        .await;
    assert!(t.unwrap().ticket_id > 0);
    assert_eq!(fake.lines(), times("POST /api/tickets", 2));
    assert_eq!(fake.ticket_count(), before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_beyond_the_wait_budget_fails_fast() {
    let fake = FakeGorgias::start().await;
    fake.script(
        Scripted::new(
            "GET",
            "/api/tickets/12345",
            429,
            r#"{"error": {"msg": "Too many requests"}}"#,
        )
        .header("Retry-After", "30"),
    );
    let r = route(&cfg(&fake), "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!((r.status, r.header("retry-after")), (429, Some("30")));
    let e = error(&r);
    assert_eq!(
        (
            e["code"].as_str(),
            e["retryAfterSeconds"].as_u64(),
            e["retryable"].as_bool()
        ),
        (Some("rate-limited"), Some(30), Some(true))
    );
    assert_eq!(e["message"], "get-ticket: gorgias answered 429: Too many requests");
    assert_eq!(
        fake.lines(),
        ["GET /api/tickets/12345"],
        "no retry when the wait exceeds the budget"
    );

    // A write through the typed export: rate-limited case, nothing applied.
    fake.clear_log();
    let before = fake.message_count(12345);
    fake.script(Scripted::new("POST", NOTE_PATH, 429, "").header("Retry-After", "30"));
    match typed_note(&cfg(&fake)).await.unwrap_err() {
        wit::Error::RateLimited(r) => {
            assert_eq!(r.retry_after_seconds, 30);
            assert_eq!(r.message, "add-internal-note: gorgias answered 429");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fake.lines(), ["POST /api/tickets/12345/messages"]);
    assert_eq!(fake.message_count(12345), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_attempt_budget_is_counted() {
    let fake = FakeGorgias::start().await;
    let mut cfg = cfg(&fake);
    cfg.insert("retry_max_attempts".into(), "2".into());
    for _ in 0..3 {
        fake.script(Scripted::new("GET", "/api/tickets/12345/tags", 429, "").header("Retry-After", "0"));
    }
    let r = route(&cfg, "/list-ticket-tags", r#"{"ticketId": 12345}"#).await;
    assert_eq!((r.status, r.header("retry-after")), (429, Some("0")));
    assert_eq!(error(&r)["code"], "rate-limited");
    assert_eq!(
        fake.lines(),
        times("GET /api/tickets/12345/tags", 2),
        "two attempts in all"
    );
}

// ---- 5xx -------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_on_reads_are_retried_then_succeed() {
    let fake = FakeGorgias::start().await;
    fake.script(Scripted::new(
        "GET",
        "/api/tickets/12345",
        500,
        "<html>Internal Server Error</html>",
    ));
    fake.script(Scripted::new("GET", "/api/tickets/12345", 502, ""));
    let r = route(&cfg(&fake), "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["ticket"]["id"], 12345);
    assert_eq!(fake.lines(), times("GET /api/tickets/12345", 3));

    fake.clear_log();
    fake.script(Scripted::new(
        "GET",
        "/api/tickets/12345",
        503,
        r#"{"error": {"msg": "maintenance"}}"#,
    ));
    let t = typed_get_ticket(&cfg(&fake), 12345).await.unwrap().ticket;
    assert_eq!(t.id, 12345);
    assert_eq!(fake.lines(), times("GET /api/tickets/12345", 2));

    // Beyond the attempt budget (5 attempts by default), the last 5xx is
    // returned, marked retryable.
    fake.clear_log();
    for _ in 0..5 {
        fake.script(Scripted::new(
            "GET",
            "/api/tickets/12345",
            503,
            r#"{"error": {"msg": "maintenance"}}"#,
        ));
    }
    match typed_get_ticket(&cfg(&fake), 12345).await.unwrap_err() {
        wit::Error::Upstream(a) => {
            assert_eq!((a.status, a.retryable), (503, true));
            assert_eq!(a.message, "get-ticket: gorgias answered 503: maintenance");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fake.lines(), times("GET /api/tickets/12345", 5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_on_writes_are_not_resent_unless_a_key_settles_them() {
    let fake = FakeGorgias::start().await;
    // A write without an idempotency key: reported, not resent.
    let cases: &[(u16, &str, &str, &str, &str)] = &[(
        502,
        "/update-ticket",
        r#"{"ticketId": 12345, "status": "closed"}"#,
        "PUT",
        "/api/tickets/12345",
    )];
    for &(status, path, body, method, upstream) in cases {
        fake.clear_log();
        fake.script(Scripted::new(method, upstream, status, "<html>oops</html>"));
        let r = route(&cfg(&fake), path, body).await;
        assert_eq!(r.status, 502, "{path}");
        let e = error(&r);
        assert_eq!(
            (
                e["code"].as_str(),
                e["retryable"].as_bool(),
                e["upstreamStatus"].as_u64()
            ),
            (Some("upstream"), Some(false), Some(u64::from(status))),
            "{path}"
        );
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .ends_with("the write may have been applied, so it was not resent"),
            "{e}"
        );
        assert_eq!(
            fake.lines(),
            [format!("{method} {upstream}")],
            "{path}: a write is sent once"
        );
    }

    // A create carries a key (tests/exactly_once.rs covers every case): its
    // 5xx (nothing applied here) is looked up, not found, and resent once.
    let creates: &[(u16, &str, &str, &str)] = &[
        (
            500,
            "/reply-to-ticket",
            r#"{"ticketId": 12345, "channel": "chat", "senderUserId": 4567, "bodyText": "Reshipped."}"#,
            NOTE_PATH,
        ),
        (
            503,
            "/create-ticket",
            r#"{"channel": "chat", "customerId": 98765, "fromAgent": true, "senderUserId": 4567, "bodyText": "x"}"#,
            "/api/tickets",
        ),
    ];
    for &(status, path, body, upstream) in creates {
        fake.clear_log();
        fake.script(Scripted::new("POST", upstream, status, "<html>oops</html>"));
        let r = route(&cfg(&fake), path, body).await;
        assert_eq!(r.status, 200, "{path}: {}", String::from_utf8_lossy(&r.body));
        assert_eq!(r.json()["replayed"], false);
        settled_once(&fake, upstream);
    }
    fake.clear_log();
    fake.script(Scripted::new("POST", NOTE_PATH, 503, ""));
    assert!(!typed_note(&cfg(&fake)).await.unwrap().replayed);
    settled_once(&fake, NOTE_PATH);
}

/// The upstream lines of a keyed create whose first answer was lost:
/// the create, one look-up of its key, the create again (with the same key).
fn settled_once(fake: &FakeGorgias, upstream: &str) {
    let lines = fake.lines();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(
        (lines[0].as_str(), lines[2].as_str()),
        (&*format!("POST {upstream}"), &*format!("POST {upstream}"))
    );
    assert!(lines[1].starts_with("GET /api/"), "{lines:?}");
    let sent = fake.requests();
    assert_eq!(sent[0].body, sent[2].body, "resent with the same key");
}

// ---- timeouts ----------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_read_beyond_the_first_byte_timeout_is_retried() {
    let fake = FakeGorgias::start().await;
    fake.script(Scripted::new("GET", "/api/tickets/12345", 200, "{}").delay(LONG_DELAY));
    let r = route(&cfg_first_byte(&fake), "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["ticket"]["id"], 12345, "the second, prompt answer was used");
    assert_eq!(fake.lines(), times("GET /api/tickets/12345", 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_write_beyond_the_first_byte_timeout_is_not_resent_unless_keyed() {
    let fake = FakeGorgias::start().await;
    fake.script(Scripted::new("PUT", "/api/tickets/12345", 200, "{}").delay(LONG_DELAY));
    let r = route(
        &cfg_first_byte(&fake),
        "/update-ticket",
        r#"{"ticketId": 12345, "status": "closed"}"#,
    )
    .await;
    assert_eq!(r.status, 504);
    let e = error(&r);
    assert_eq!(
        (e["code"].as_str(), e["requestSent"].as_bool(), e["retryable"].as_bool()),
        (Some("transport"), Some(true), Some(false))
    );
    assert_eq!(
        e["message"],
        format!(
            "update-ticket: no response: reading the answer from {} timed out; the write may have been applied, so it was not resent",
            fake.addr
        )
    );
    assert_eq!(fake.lines(), ["PUT /api/tickets/12345"]);

    // A keyed create (the note): looked up, not found, resent.
    fake.clear_log();
    fake.script(Scripted::new("POST", NOTE_PATH, 201, "{}").delay(LONG_DELAY));
    assert!(!typed_note(&cfg_first_byte(&fake)).await.unwrap().replayed);
    settled_once(&fake, NOTE_PATH);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_stalled_beyond_the_between_bytes_timeout() {
    let fake = FakeGorgias::start().await;
    let mut cfg = cfg(&fake);
    cfg.insert("upstream_between_bytes_timeout_seconds".into(), SHORT_TIMEOUT.into());
    // A read: the stalled answer is dropped and the read sent again.
    fake.script(Scripted::new("GET", "/api/tickets/12345", 200, TICKET_BODY).stall_body(LONG_DELAY));
    let r = route(&cfg, "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["ticket"]["subject"], "Order hasn't shipped yet");
    assert_eq!(fake.lines(), times("GET /api/tickets/12345", 2));

    // A write without a key: its status line arrived, so it is reported,
    // not resent.
    fake.clear_log();
    fake.script(Scripted::new("PUT", "/api/tickets/12345", 200, TICKET_BODY).stall_body(LONG_DELAY));
    let r = route(&cfg, "/update-ticket", r#"{"ticketId": 12345, "status": "closed"}"#).await;
    assert_eq!(r.status, 502, "{}", String::from_utf8_lossy(&r.body));
    let e = error(&r);
    assert_eq!(
        (
            e["code"].as_str(),
            e["retryable"].as_bool(),
            e["upstreamStatus"].as_u64()
        ),
        (Some("invalid-response"), Some(false), Some(200))
    );
    let m = e["message"].as_str().unwrap();
    assert!(m.contains("broke off") && m.contains("may have been applied"), "{m}");
    assert_eq!(fake.lines(), ["PUT /api/tickets/12345"]);

    // A keyed create: its key settles it (not found: resent once).
    fake.clear_log();
    fake.script(Scripted::new("POST", NOTE_PATH, 201, TICKET_BODY).stall_body(LONG_DELAY));
    let r = route(&cfg, "/add-internal-note", NOTE).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    settled_once(&fake, NOTE_PATH);
}

// ---- broken, garbage and oversized bodies --------------------------------------

const TICKET_BODY: &str = r#"{"id": 12345, "subject": "Order hasn't shipped yet", "status": "open", "channel": "email", "tags": [], "created_datetime": "2024-11-14T13:56:16+00:00", "updated_datetime": null, "padding": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_body_is_retried_for_reads_and_settled_by_the_key_for_creates() {
    let fake = FakeGorgias::start().await;
    fake.script(Scripted::new("GET", "/api/tickets/12345", 200, TICKET_BODY).broken());
    let r = route(&cfg(&fake), "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(fake.lines(), times("GET /api/tickets/12345", 2));

    fake.clear_log();
    let before = fake.message_count(12345);
    fake.script(Scripted::new("POST", NOTE_PATH, 201, TICKET_BODY).broken());
    let r = route(&cfg(&fake), "/add-internal-note", NOTE).await;
    // The note's key is looked up (the scripted answer stood in for
    // Gorgias, so nothing has it) and the note sent again: written once.
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    settled_once(&fake, NOTE_PATH);
    assert_eq!(fake.message_count(12345), before + 1, "one note");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_bodies_are_invalid_responses() {
    let fake = FakeGorgias::start().await;
    let bodies: &[&[u8]] = &[
        b"not json at all",
        b"<html><body>maintenance</body></html>",
        b"",
        b"\xff\xfe\x00garbage",
        b"[]",
        b"null",
        br#"{"id": "12345"}"#,
        br#"{"id": 12345, "subject": "#,
        br#"{"id": -1}"#,
    ];
    for body in bodies {
        fake.clear_log();
        let mut s = Scripted::new("GET", "/api/tickets/12345", 200, "");
        s.body = body.to_vec();
        fake.script(s);
        let r = route(&cfg(&fake), "/get-ticket", r#"{"ticketId": 12345}"#).await;
        let shown = String::from_utf8_lossy(body);
        assert_eq!(r.status, 502, "{shown}");
        let e = error(&r);
        assert_eq!(
            (
                e["code"].as_str(),
                e["upstreamStatus"].as_u64(),
                e["retryable"].as_bool()
            ),
            (Some("invalid-response"), Some(200), Some(true)),
            "{shown}"
        );
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .starts_with("get-ticket: unexpected response from GET /api/tickets/12345: "),
            "{e}"
        );
        assert_eq!(
            fake.lines(),
            ["GET /api/tickets/12345"],
            "a decode error is not retried"
        );
    }

    // A list with items of the wrong shape, through a typed export.
    fake.script(Scripted::new(
        "GET",
        "/api/customers",
        200,
        r#"{"data": [{"id": "x"}, 7]}"#,
    ));
    let (r, _) = Host::shared()
        .typed(&cfg(&fake), async |c, s| {
            c.gorgias_connector_customers()
                .call_find_customer_by_email(
                    s,
                    &conn(),
                    &wit::FindCustomerByEmailRequest {
                        email: "customer@example.com".into(),
                    },
                )
                .await
        })
        .await;
    assert!(matches!(r.unwrap_err(), wit::Error::InvalidResponse(e) if e.status == 200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_body_is_an_invalid_response_not_a_trap() {
    let fake = FakeGorgias::start().await;
    let cap = 8 * 1024 * 1024;
    let big = format!(r#"{{"id": 12345, "subject": "{}"}}"#, "a".repeat(cap + 1024));
    fake.script(Scripted::new("GET", "/api/tickets/12345", 200, &big));
    let r = route(&cfg(&fake), "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!(r.status, 502);
    let e = error(&r);
    assert_eq!(
        (
            e["code"].as_str(),
            e["retryable"].as_bool(),
            e["upstreamStatus"].as_u64()
        ),
        (Some("invalid-response"), Some(false), Some(200))
    );
    assert_eq!(
        e["message"],
        format!("get-ticket: response body larger than {cap} bytes")
    );
    assert_eq!(
        fake.lines(),
        ["GET /api/tickets/12345"],
        "the same answer would come back"
    );

    fake.script(Scripted::new("GET", "/api/tickets/12345", 200, &big));
    match typed_get_ticket(&cfg(&fake), 12345).await.unwrap_err() {
        wit::Error::InvalidResponse(e) => assert_eq!((e.status, e.retryable), (200, false)),
        other => panic!("{other:?}"),
    }
}

// ---- refused connections -----------------------------------------------------------

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connection_is_a_transport_error_safe_to_retry() {
    let port = closed_port();
    let fake = FakeGorgias::start().await;
    let mut cfg = cfg(&fake);
    cfg.insert("gorgias_base_url".into(), format!("http://127.0.0.1:{port}"));
    cfg.insert("retry_max_wait_seconds".into(), "0".into());
    let r = route(&cfg, "/add-internal-note", NOTE).await;
    assert_eq!(r.status, 502);
    let e = error(&r);
    assert_eq!(
        (e["code"].as_str(), e["requestSent"].as_bool(), e["retryable"].as_bool()),
        (Some("transport"), Some(false), Some(true))
    );
    // A sentence for a person, naming the host, not the error-code case's Debug text.
    let said = format!("add-internal-note: request not sent: the connection to 127.0.0.1:{port} was refused");
    assert_eq!(e["message"], said.as_str());

    match typed_note(&cfg).await.unwrap_err() {
        wit::Error::Transport(t) => {
            assert!(!t.request_sent && t.retryable, "{t:?}");
            assert_eq!(t.message, said);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_refused_then_accepted_is_retried_and_applied_once() {
    // Nothing listens at first; the fake comes up on that port 200 ms later.
    // A refused connection means the note never left, so the connector
    // retries it (backoff 0.1 s, 0.2 s, 0.4 s). The component is compiled
    // before the clock starts, so the first attempt meets the closed port.
    Host::shared();
    let port = closed_port();
    let later = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        FakeGorgias::start_on(port).await
    });
    let mut cfg = HashMap::new();
    cfg.insert("gorgias_account".to_string(), fake_gorgias::ACCOUNT.to_string());
    cfg.insert("gorgias_email".to_string(), fake_gorgias::EMAIL.to_string());
    cfg.insert("gorgias_api_key".to_string(), fake_gorgias::API_KEY.to_string());
    cfg.insert("gorgias_base_url".to_string(), format!("http://127.0.0.1:{port}"));
    cfg.insert("retry_max_attempts".to_string(), "4".to_string());
    cfg.insert("retry_max_wait_seconds".to_string(), "8".to_string());
    cfg.insert("retry_first_backoff_seconds".to_string(), "0.1".to_string());
    let n = typed_note(&cfg).await;
    let fake = later.await.unwrap();
    assert_eq!(n.unwrap().ticket_id, 12345);
    assert_eq!(fake.lines(), ["POST /api/tickets/12345/messages"]);
}

// ---- add-ticket-tags: repeatable ----------------------------------------------------

async fn typed_add_tags(
    cfg: &HashMap<String, String>,
    ticket: u64,
    names: &[&str],
    ids: &[u64],
) -> Result<bool, wit::Error> {
    let req = wit::AddTicketTagsRequest {
        ticket_id: ticket,
        tag_names: names.iter().map(|s| s.to_string()).collect(),
        tag_ids: ids.to_vec(),
    };
    let (r, _) = Host::shared()
        .typed(cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_add_ticket_tags(s, &conn(), &req)
                .await
        })
        .await;
    r.map(|a| a.success)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_ticket_tags_twice_converges_even_through_a_429() {
    let fake = FakeGorgias::start().await;
    let cfg = cfg(&fake);
    // The create step is rate-limited once: retried, the tag is created once.
    fake.script(Scripted::new("POST", "/api/tags", 429, "").header("Retry-After", "0"));
    assert!(typed_add_tags(&cfg, 12347, &["vip", "fresh-tag"], &[13]).await.unwrap());
    let first = fake.ticket_tag_names(12347);
    let tags_after_first = fake.tag_count();
    assert_eq!(first, ["vip", "fresh-tag", "shipping"]);
    assert_eq!(fake.tags_named("fresh-tag"), 1);

    // The same call again, through the route this time: same set, nothing created.
    fake.clear_log();
    let r = route(
        &cfg,
        "/add-ticket-tags",
        r#"{"ticketId": 12347, "tagNames": ["vip", "fresh-tag"], "tagIds": [13]}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(fake.ticket_tag_names(12347), first);
    assert_eq!(fake.tag_count(), tags_after_first, "no tag created twice");
    assert!(
        !fake.lines().iter().any(|l| l == "POST /api/tags"),
        "{:?}",
        fake.lines()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflict_on_tag_create_looks_the_tag_up_again() {
    let fake = FakeGorgias::start().await;
    let cfg = cfg(&fake);
    // Another writer creates "vip" between our search and our create.
    fake.script(Scripted::new("GET", "/api/tags", 200, r#"{"data": [], "meta": {}}"#));
    fake.script(Scripted::new(
        "POST",
        "/api/tags",
        409,
        r#"{"error": {"msg": "A tag with this name already exists."}}"#,
    ));
    assert!(typed_add_tags(&cfg, 12347, &["vip"], &[]).await.unwrap());
    assert_eq!(fake.ticket_tag_names(12347), ["vip"]);
    assert_eq!(fake.tags_named("vip"), 1);
    assert_eq!(
        fake.lines(),
        [
            "GET /api/tags?search=vip&limit=100",
            "POST /api/tags",
            "GET /api/tags?search=vip&limit=100",
            "POST /api/tickets/12347/tags"
        ]
    );

    // 409, and the tag still cannot be found: a conflict the caller may retry.
    fake.clear_log();
    fake.script(Scripted::new("GET", "/api/tags", 200, r#"{"data": []}"#));
    fake.script(Scripted::new(
        "POST",
        "/api/tags",
        409,
        r#"{"error": {"msg": "A tag with this name already exists."}}"#,
    ));
    fake.script(Scripted::new("GET", "/api/tags", 200, r#"{"data": []}"#));
    match typed_add_tags(&cfg, 12347, &["ghost"], &[]).await.unwrap_err() {
        wit::Error::Conflict(a) => assert_eq!((a.status, a.retryable), (409, true)),
        other => panic!("{other:?}"),
    }
    assert!(fake.ticket_tag_names(12347) == ["vip"], "nothing applied");
}
