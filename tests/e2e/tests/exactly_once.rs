//! Exactly-once creates (issue 18) end to end: the component under wasmtime
//! against the fake Gorgias, which applies a create and then loses its
//! answer (stalled beyond the first-byte timeout, or a 502). For each of the
//! four creates, on the route (`Idempotency-Key` header), MCP `tools/call`
//! (`idempotencyKey` argument) and the typed export (`idempotency-key`): a
//! lost answer, a 502 after the write, a caller retry with the same key
//! (`replayed`, nothing written) and a retry after the key's record was
//! deleted (written anew), counting the fake's records each time.
#![allow(clippy::unwrap_used, reason = "test code: a failed unwrap is a failed test")]

mod support;

use bytes::Bytes;
use http_body_util::Full;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;
use support::config_for;
use support::fake_gorgias::{self, FakeGorgias, Scripted};
use support::host::{Host, post, wit};

/// The fake's configuration: 20 ms first backoff, 0.3 s first-byte timeout.
fn cfg(fake: &FakeGorgias) -> HashMap<String, String> {
    let mut c = config_for(fake);
    c.insert("retry_first_backoff_seconds".into(), "0.02".into());
    c.insert("retry_max_wait_seconds".into(), "4".into());
    c.insert("upstream_first_byte_timeout_seconds".into(), "0.3".into());
    c
}

/// Longer than the first-byte timeout.
const STALL: Duration = Duration::from_secs(1);

/// The four creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Ticket,
    Reply,
    Note,
    Customer,
}

const OPS: [Op; 4] = [Op::Ticket, Op::Reply, Op::Note, Op::Customer];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Surface {
    Route,
    Mcp,
    Typed,
}

const SURFACES: [Surface; 3] = [Surface::Route, Surface::Mcp, Surface::Typed];

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Ticket => "create-ticket",
            Op::Reply => "reply-to-ticket",
            Op::Note => "add-internal-note",
            Op::Customer => "create-customer",
        }
    }

    /// The upstream POST path.
    fn upstream(self) -> &'static str {
        match self {
            Op::Ticket => "/api/tickets",
            Op::Reply | Op::Note => "/api/tickets/12345/messages",
            Op::Customer => "/api/customers",
        }
    }

    /// The route body (no key); `tag` keeps customers' emails apart.
    fn body(self, tag: &str) -> Value {
        match self {
            Op::Ticket => {
                json!({"channel": "chat", "customerId": 98765, "fromAgent": true, "senderUserId": 4567, "bodyText": "Where is my order?"})
            }
            Op::Reply => json!({"ticketId": 12345, "channel": "chat", "senderUserId": 4567, "bodyText": "Reshipped."}),
            Op::Note => json!({"ticketId": 12345, "senderUserId": 4567, "bodyText": "VIP, reshipped."}),
            Op::Customer => json!({"email": format!("{tag}@example.com"), "name": "Alex Rivera"}),
        }
    }

    /// How many of the fake's records carry `key`.
    fn count(self, fake: &FakeGorgias, key: &str) -> usize {
        match self {
            Op::Ticket => fake.tickets_with_external_id(key),
            Op::Reply | Op::Note => fake.messages_with_external_id(key),
            Op::Customer => fake.customers_with_external_id(key),
        }
    }

    /// How many records of its kind the fake holds.
    fn total(self, fake: &FakeGorgias) -> usize {
        match self {
            Op::Ticket => fake.ticket_count(),
            Op::Reply | Op::Note => fake.message_count(12345),
            Op::Customer => fake.customer_count(),
        }
    }

    fn delete(self, fake: &FakeGorgias, key: &str) {
        match self {
            Op::Ticket => fake.delete_tickets_with_external_id(key),
            Op::Reply | Op::Note => fake.delete_messages_with_external_id(key),
            Op::Customer => fake.delete_customers_with_external_id(key),
        }
    }
}

/// What a successful create answered: the record's ID and `replayed`.
#[derive(Debug, PartialEq, Eq)]
struct Done {
    id: u64,
    replayed: bool,
}

fn done(op: Op, v: &Value) -> Done {
    let id = match op {
        Op::Ticket => v["ticketId"].as_u64(),
        Op::Reply | Op::Note => v["messageId"].as_u64(),
        Op::Customer => v["customer"]["id"].as_u64(),
    };
    Done {
        id: id.unwrap_or_else(|| panic!("{op:?}: no id in {v}")),
        replayed: v["replayed"]
            .as_bool()
            .unwrap_or_else(|| panic!("{op:?}: no replayed in {v}")),
    }
}

fn conn() -> wit::Connection {
    wit::Connection::ApiKey(wit::ApiKeyCredentials {
        account: fake_gorgias::ACCOUNT.into(),
        email: fake_gorgias::EMAIL.into(),
        api_key: fake_gorgias::API_KEY.into(),
    })
}

/// Runs `op` on `surface` with `key` (`None`: the connector makes one up):
/// the answer, or the error as text.
async fn call(
    cfg: &HashMap<String, String>,
    op: Op,
    surface: Surface,
    tag: &str,
    key: Option<&str>,
) -> Result<Done, String> {
    let body = op.body(tag);
    match surface {
        Surface::Route => {
            let mut req = post(&format!("/{}", op.name()), &body.to_string());
            if let Some(k) = key {
                req.headers_mut().insert("idempotency-key", k.parse().unwrap());
            }
            let (r, logs) = Host::shared().http(cfg, req).await;
            assert!(!logs.stderr.contains("panicked"), "{}", logs.stderr);
            let v = r.json();
            if r.status == 200 {
                Ok(done(op, &v))
            } else {
                Err(v.to_string())
            }
        }
        Surface::Mcp => {
            let mut args = body;
            if let Some(k) = key {
                args["idempotencyKey"] = k.into();
            }
            let rpc = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": op.name(), "arguments": args}});
            let req = hyper::Request::builder()
                .method("POST")
                .uri("http://localhost/mcp")
                .header("content-type", "application/json")
                .header("accept", "application/json, text/event-stream")
                .header("mcp-protocol-version", "2025-06-18")
                .body(Full::new(Bytes::from(rpc.to_string())))
                .unwrap();
            let (r, logs) = Host::shared().http(cfg, req).await;
            assert!(!logs.stderr.contains("panicked"), "{}", logs.stderr);
            let v = r.json();
            let result = &v["result"];
            if result["isError"] == false {
                Ok(done(op, &result["structuredContent"]))
            } else {
                Err(v.to_string())
            }
        }
        Surface::Typed => typed(cfg, op, tag, key).await,
    }
}

/// Calls one typed export under `cfg` with `req` and keeps the new record's id (the
/// answer's field path `$id`) and `replayed`.
macro_rules! call {
    ($cfg:ident, $iface:ident, $func:ident, $req:ident, $($id:ident).+) => {
        Host::shared()
            .typed($cfg, async |c, s| {
                let r = c.$iface().$func(s, &conn(), &$req).await?;
                Ok(r.map(|a| Done {
                    id: a.$($id).+,
                    replayed: a.replayed,
                }))
            })
            .await
    };
}

async fn typed(cfg: &HashMap<String, String>, op: Op, tag: &str, key: Option<&str>) -> Result<Done, String> {
    let key = key.map(String::from);
    let (r, logs) = match op {
        Op::Ticket => {
            let req = wit::CreateTicketRequest {
                channel: "chat".into(),
                customer_id: 98765,
                from_agent: true,
                subject: None,
                body_text: Some("Where is my order?".into()),
                body_html: None,
                sender_user_id: Some(4567),
                status: None,
                from_email: None,
                from_name: None,
                to_email: None,
                to_name: None,
                external_id: None,
                idempotency_key: key,
            };
            call!(cfg, gorgias_connector_tickets, call_create_ticket, req, ticket_id)
        }
        Op::Reply => {
            let req = wit::ReplyToTicketRequest {
                ticket_id: 12345,
                channel: "chat".into(),
                sender_user_id: 4567,
                body_text: Some("Reshipped.".into()),
                body_html: None,
                receiver_customer_id: None,
                from_email: None,
                from_name: None,
                to_email: None,
                to_name: None,
                idempotency_key: key,
            };
            call!(cfg, gorgias_connector_tickets, call_reply_to_ticket, req, message_id)
        }
        Op::Note => {
            let req = wit::AddInternalNoteRequest {
                ticket_id: 12345,
                sender_user_id: 4567,
                body_text: Some("VIP, reshipped.".into()),
                body_html: None,
                idempotency_key: key,
            };
            call!(cfg, gorgias_connector_tickets, call_add_internal_note, req, message_id)
        }
        Op::Customer => {
            let req = wit::CreateCustomerRequest {
                email: Some(format!("{tag}@example.com")),
                name: Some("Alex Rivera".into()),
                firstname: None,
                lastname: None,
                external_id: None,
                language: None,
                timezone: None,
                note: None,
                idempotency_key: key,
            };
            call!(cfg, gorgias_connector_customers, call_create_customer, req, customer.id)
        }
    };
    assert!(!logs.stderr.contains("panicked"), "{}", logs.stderr);
    r.map_err(|e| format!("{e:?}"))
}

fn posts(fake: &FakeGorgias, op: Op) -> usize {
    let line = format!("POST {}", op.upstream());
    fake.lines().iter().filter(|l| **l == line).count()
}

/// The four scenarios of the issue, for one create on one surface.
async fn scenarios(fake: &FakeGorgias, op: Op, surface: Surface) {
    let cfg = cfg(fake);
    let at = format!("{op:?} on {surface:?}");
    let tag = format!("{}-{surface:?}", op.name()).to_lowercase();

    // 1. Applied, then the answer stalls beyond the first-byte timeout.
    let lost = format!("{tag}-lost");
    fake.clear_log();
    fake.script(Scripted::new("POST", op.upstream(), 201, "{}").delay(STALL).applied());
    let first = call(&cfg, op, surface, &format!("{tag}-1"), Some(&lost))
        .await
        .unwrap_or_else(|e| panic!("{at}: a lost answer is settled by the key: {e}"));
    assert!(!first.replayed, "{at}");
    assert_eq!(op.count(fake, &lost), 1, "{at}: one record");
    assert_eq!(posts(fake, op), 1, "{at}: found, not resent");

    // 2. Applied, then a 502.
    let key = format!("{tag}-502");
    fake.clear_log();
    fake.script(Scripted::new("POST", op.upstream(), 502, "<html>bad gateway</html>").applied());
    let written = call(&cfg, op, surface, &format!("{tag}-2"), Some(&key))
        .await
        .unwrap_or_else(|e| panic!("{at}: a 502 after the write is settled by the key: {e}"));
    assert!(!written.replayed, "{at}");
    assert_eq!(op.count(fake, &key), 1, "{at}: one record after a 502");
    assert_eq!(posts(fake, op), 1, "{at}");

    // 3. The caller retries with the same key: answered, nothing written.
    fake.clear_log();
    let again = call(&cfg, op, surface, &format!("{tag}-2"), Some(&key)).await.unwrap();
    assert_eq!(
        again,
        Done {
            id: written.id,
            replayed: true
        },
        "{at}"
    );
    assert_eq!(op.count(fake, &key), 1, "{at}: still one record");
    assert_eq!(posts(fake, op), 0, "{at}: a replay writes nothing");

    // 4. The key's record was deleted: a retry writes it anew.
    op.delete(fake, &key);
    let anew = call(&cfg, op, surface, &format!("{tag}-2"), Some(&key)).await.unwrap();
    assert!(!anew.replayed && anew.id != written.id, "{at}: {anew:?}");
    assert_eq!(op.count(fake, &key), 1, "{at}: one record again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_create_on_each_surface_is_written_exactly_once() {
    let fake = FakeGorgias::start().await;
    for op in OPS {
        for surface in SURFACES {
            scenarios(&fake, op, surface).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_callers_key_a_lost_answer_is_settled_by_a_made_up_one() {
    let fake = FakeGorgias::start().await;
    let cfg = cfg(&fake);
    for op in OPS {
        for (n, script) in [
            Scripted::new("POST", op.upstream(), 201, "{}").delay(STALL).applied(),
            Scripted::new("POST", op.upstream(), 502, "").applied(),
        ]
        .into_iter()
        .enumerate()
        {
            let before = op.total(&fake);
            fake.clear_log();
            fake.script(script);
            let tag = format!("{}-nokey-{n}", op.name());
            let d = call(&cfg, op, Surface::Route, &tag, None)
                .await
                .unwrap_or_else(|e| panic!("{op:?} #{n}: {e}"));
            assert!(!d.replayed);
            assert_eq!(op.total(&fake), before + 1, "{op:?} #{n}: one record");
            let sent = fake.requests()[0].body.clone().unwrap();
            let key = sent["external_id"].as_str().unwrap();
            assert!(key.starts_with("gc-") && key.len() == 35, "{key}");
            assert_eq!(op.count(&fake, key), 1);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_not_found_is_resent_once_and_a_failed_look_up_names_the_key() {
    let fake = FakeGorgias::start().await;
    let cfg = cfg(&fake);
    // Not applied, 502: the key is not found, so the note is sent again.
    fake.script(Scripted::new("POST", Op::Note.upstream(), 502, ""));
    let d = call(&cfg, Op::Note, Surface::Route, "n", Some("note-resent"))
        .await
        .unwrap();
    assert!(!d.replayed);
    assert_eq!(fake.messages_with_external_id("note-resent"), 1);
    assert_eq!(posts(&fake, Op::Note), 2, "sent again after the look-up");

    // The look-up itself fails: the old ambiguous error, naming the key
    // (made up here: no caller key, so no look-up before the write).
    fake.clear_log();
    fake.script(Scripted::new("POST", Op::Ticket.upstream(), 503, "").applied());
    for _ in 0..5 {
        fake.script(Scripted::new("GET", "/api/tickets", 503, ""));
    }
    let e = call(&cfg, Op::Ticket, Surface::Route, "t", None).await.unwrap_err();
    let v: Value = serde_json::from_str(&e).unwrap();
    assert_eq!(
        (&v["error"]["code"], &v["error"]["retryable"]),
        (&json!("upstream"), &json!(false)),
        "{v}"
    );
    let key = fake.requests()[0].body.clone().unwrap()["external_id"]
        .as_str()
        .unwrap()
        .to_string();
    let m = v["error"]["message"].as_str().unwrap();
    assert!(
        m.contains(&format!("idempotencyKey {key:?}")) && m.contains("may have been applied"),
        "{m}"
    );
    assert_eq!(posts(&fake, Op::Ticket), 1);
    // The repeat with that key that the message suggests answers the ticket.
    let d = call(&cfg, Op::Ticket, Surface::Route, "t", Some(&key)).await.unwrap();
    assert!(d.replayed);
    assert_eq!(fake.tickets_with_external_id(&key), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_and_the_body_key_must_agree() {
    let fake = FakeGorgias::start().await;
    let cfg = cfg(&fake);
    let mut body = Op::Note.body("x");
    body["idempotencyKey"] = "a".into();
    let mut req = post("/add-internal-note", &body.to_string());
    req.headers_mut().insert("idempotency-key", "b".parse().unwrap());
    let (r, _) = Host::shared().http(&cfg, req).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["field"], "idempotencyKey");
    assert!(fake.requests().is_empty());
    // Equal: one key.
    let mut req = post("/add-internal-note", &body.to_string());
    req.headers_mut().insert("idempotency-key", "a".parse().unwrap());
    let (r, _) = Host::shared().http(&cfg, req).await;
    assert_eq!(r.status, 200);
    assert_eq!(fake.messages_with_external_id("a"), 1);
    // Operations without a key ignore the header.
    let mut req = post("/get-ticket", r#"{"ticketId": 12345}"#);
    req.headers_mut().insert("idempotency-key", "a".parse().unwrap());
    let (r, _) = Host::shared().http(&cfg, req).await;
    assert_eq!(r.status, 200);
}

/// A caller's own `externalId` (create-ticket, create-customer) is the key:
/// the second call with it is answered from the first record, on the
/// route and in MCP, and a header must name the same key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callers_external_id_is_the_key() {
    let fake = FakeGorgias::start().await;
    let cfg = cfg(&fake);
    for op in [Op::Ticket, Op::Customer] {
        let mut body = op.body(&format!("own-{}", op.name()));
        let key = format!("crm-{}", op.name());
        body["externalId"] = key.as_str().into();
        let before = op.total(&fake);
        let mut ids = Vec::new();
        for replay in [false, true] {
            let (r, _) = Host::shared()
                .http(&cfg, post(&format!("/{}", op.name()), &body.to_string()))
                .await;
            assert_eq!(r.status, 200, "{}: {}", op.name(), r.json());
            let d = done(op, &r.json());
            assert_eq!(d.replayed, replay, "{}", op.name());
            ids.push(d.id);
        }
        assert_eq!(ids[0], ids[1], "{}", op.name());
        assert_eq!(op.count(&fake, &key), 1, "{}", op.name());
        assert_eq!(op.total(&fake), before + 1, "{}", op.name());
        // Both keys in the body: refused before anything is sent.
        let sent = fake.requests().len();
        let mut both = body.clone();
        both["idempotencyKey"] = key.as_str().into();
        let (r, _) = Host::shared()
            .http(&cfg, post(&format!("/{}", op.name()), &both.to_string()))
            .await;
        assert_eq!(r.status, 400, "{}: {}", op.name(), r.json());
        assert_eq!(r.json()["error"]["field"], "idempotencyKey");
        // A header naming another key than the externalId: refused too.
        let mut req = post(&format!("/{}", op.name()), &body.to_string());
        req.headers_mut().insert("idempotency-key", "other".parse().unwrap());
        let (r, _) = Host::shared().http(&cfg, req).await;
        assert_eq!(r.status, 400, "{}: {}", op.name(), r.json());
        assert_eq!(fake.requests().len(), sent, "{}: nothing sent", op.name());
    }
}
