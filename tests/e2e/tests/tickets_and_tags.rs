//! Issue 21's ticket and tag operations end to end (the component under
//! wasmtime → the fake Gorgias): get-message, delete-ticket, create-tag,
//! delete-tag; set-ticket-tags clearing through the ticket update; and
//! every create and update answering the same whether Gorgias sends the
//! record or an empty 2xx body (then the connector reads it back).
mod support;

use serde_json::{Value, json};
use std::collections::HashMap;
use support::fake_gorgias::FakeGorgias;
use support::host::{Host, HttpResult, post};
use support::{config_all, config_for};

/// The fake's configuration at the default tier (write), which hides the deletions.
fn default_tier(fake: &FakeGorgias) -> HashMap<String, String> {
    config_for(fake)
}

async fn call_with(config: &HashMap<String, String>, path: &str, body: &str) -> HttpResult {
    let (r, logs) = Host::shared().http(config, post(path, body)).await;
    assert!(!logs.stderr.contains("panicked"), "guest panicked: {}", logs.stderr);
    r
}

async fn call(fake: &FakeGorgias, path: &str, body: &str) -> HttpResult {
    call_with(&config_all(fake), path, body).await
}

fn ok(r: &HttpResult) -> Value {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

/// The status and error code of a failed call.
fn failed(r: &HttpResult) -> (u16, String) {
    let v = r.json();
    (r.status, v["error"]["code"].as_str().unwrap_or_default().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_message_answers_the_threads_record_and_not_found_for_another_ticket() {
    let fake = FakeGorgias::start().await;
    let one = ok(&call(&fake, "/get-message", r#"{"ticketId": 12345, "messageId": "5001"}"#).await);
    let thread = ok(&call(&fake, "/get-ticket-messages", r#"{"ticketId": 12345}"#).await);
    assert_eq!(one["message"], thread["messages"][0], "the same record as the thread");
    assert_eq!(one["message"]["id"], 5001);
    assert_eq!(
        fake.lines(),
        [
            "GET /api/tickets/12345/messages/5001",
            "GET /api/messages?ticket_id=12345&order_by=created_datetime%3Aasc"
        ]
    );
    fake.clear_log();
    let r = call(&fake, "/get-message", r#"{"ticketId": 12346, "messageId": 5001}"#).await;
    assert_eq!(failed(&r), (404, "not-found".into()));
    let r = call(&fake, "/get-message", r#"{"ticketId": 12345, "messageId": 0}"#).await;
    assert_eq!(failed(&r), (400, "invalid-input".into()));
    assert_eq!(r.json()["error"]["field"], "messageId");
    assert_eq!(fake.lines(), ["GET /api/tickets/12346/messages/5001"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_ticket_needs_access_all_and_deletes_for_good() {
    let fake = FakeGorgias::start().await;
    let r = call_with(&default_tier(&fake), "/delete-ticket", r#"{"ticketId": 12399}"#).await;
    assert_eq!(r.status, 403, "{}", String::from_utf8_lossy(&r.body));
    assert!(fake.lines().is_empty(), "nothing sent: {:?}", fake.lines());

    let v = ok(&call(&fake, "/delete-ticket", r#"{"ticketId": 12399}"#).await);
    assert_eq!(v, json!({"success": true}));
    assert_eq!(fake.lines(), ["DELETE /api/tickets/12399"]);
    assert_eq!(fake.requests()[0].body, None);
    assert!(!fake.has_ticket(12399));
    assert_eq!(fake.message_count(12399), 0, "its messages went with it");
    let r = call(&fake, "/get-ticket", r#"{"ticketId": 12399}"#).await;
    assert_eq!(failed(&r), (404, "not-found".into()));
    let r = call(&fake, "/delete-ticket", r#"{"ticketId": 12399}"#).await;
    assert_eq!(failed(&r), (404, "not-found".into()));
    assert!(fake.has_ticket(12345), "other tickets stay");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_tag_answers_the_tag_and_a_taken_name_is_a_conflict() {
    let fake = FakeGorgias::start().await;
    let v = ok(&call(
        &fake,
        "/create-tag",
        r##"{"name": " damaged-in-transit ", "description": "The parcel arrived damaged", "color": "#ff6900"}"##,
    )
    .await);
    let id = v["tag"]["id"].as_u64().expect("an id");
    assert_eq!(
        v,
        json!({"tag": {"id": id, "name": "damaged-in-transit", "description": "The parcel arrived damaged", "color": "#ff6900"}})
    );
    assert_eq!(
        fake.requests()[0].body,
        Some(
            json!({"name": "damaged-in-transit", "description": "The parcel arrived damaged", "decoration": {"color": "#ff6900"}})
        )
    );
    // The fake answers a taken name 400 (as Gorgias is reported to): a conflict.
    let r = call(&fake, "/create-tag", r#"{"name": "vip"}"#).await;
    assert_eq!(failed(&r), (409, "conflict".into()));
    assert_eq!(fake.tags_named("vip"), 1);
    for (body, field) in [
        (r#"{"name": "  "}"#, "name"),
        (r#"{"name": "x", "color": "orange"}"#, "color"),
        (r#"{"name": "x", "colour": "orange"}"#, "colour"),
    ] {
        let r = call(&fake, "/create-tag", body).await;
        assert_eq!(failed(&r), (400, "invalid-input".into()), "{body}");
        assert_eq!(r.json()["error"]["field"], field, "{body}");
    }
    assert_eq!(fake.lines(), ["POST /api/tags", "POST /api/tags"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_tag_needs_access_all_and_removes_the_tag() {
    let fake = FakeGorgias::start().await;
    let r = call_with(&default_tier(&fake), "/delete-tag", r#"{"tagId": 12}"#).await;
    assert_eq!(r.status, 403);
    let v = ok(&call(&fake, "/delete-tag", r#"{"tagId": 12}"#).await);
    assert_eq!(v, json!({"success": true}));
    assert!(!fake.has_tag(12));
    let r = call(&fake, "/delete-tag", r#"{"tagId": 12}"#).await;
    assert_eq!(failed(&r), (404, "not-found".into()));
    assert_eq!(fake.lines(), ["DELETE /api/tags/12", "DELETE /api/tags/12"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_ticket_tags_with_no_tags_clears_them_with_the_ticket_update() {
    let fake = FakeGorgias::start().await;
    assert_eq!(fake.ticket_tag_names(12345), ["shipping"]);
    let v = ok(&call(
        &fake,
        "/set-ticket-tags",
        r#"{"ticketId": 12345, "tagNames": [], "tagIds": null}"#,
    )
    .await);
    assert_eq!(v, json!({"success": true}));
    assert_eq!(fake.lines(), ["PUT /api/tickets/12345"]);
    assert_eq!(fake.requests()[0].body, Some(json!({"tags": []})));
    assert!(fake.ticket_tag_names(12345).is_empty());
    // With tags it stays the tags endpoint.
    fake.clear_log();
    ok(&call(&fake, "/set-ticket-tags", r#"{"ticketId": 12345, "tagIds": [11]}"#).await);
    assert_eq!(fake.lines(), ["PUT /api/tickets/12345/tags"]);
    assert_eq!(fake.ticket_tag_names(12345), ["vip"]);
}

/// Runs `path` with `body` on a fresh fake, with or without empty write
/// answers: the answer and the requests sent.
async fn run(empty: bool, path: &str, body: &str) -> (Value, Vec<String>) {
    let fake = FakeGorgias::start().await;
    fake.empty_update_bodies(empty);
    let v = ok(&call(&fake, path, body).await);
    (v, fake.lines())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_and_updates_answer_the_same_when_gorgias_sends_an_empty_body() {
    let reads_back: [(&str, &str, &str); 5] = [
        (
            "/create-ticket",
            r#"{"channel": "email", "customerId": 98765, "fromAgent": false, "subject": "Order hasn't shipped yet", "bodyText": "Hi", "fromEmail": "customer@example.com"}"#,
            "GET /api/tickets?customer_id=98765&order_by=created_datetime%3Adesc&limit=10&trashed=false",
        ),
        (
            "/reply-to-ticket",
            r#"{"ticketId": 12345, "channel": "email", "senderUserId": 4567, "bodyText": "Reshipped.", "fromEmail": "support@yourstore.com"}"#,
            "GET /api/messages?ticket_id=12345&order_by=created_datetime%3Adesc&limit=10",
        ),
        (
            "/add-internal-note",
            r#"{"ticketId": 12345, "senderUserId": 4567, "bodyHtml": "<p>VIP</p>"}"#,
            "GET /api/messages?ticket_id=12345&order_by=created_datetime%3Adesc&limit=10",
        ),
        (
            "/create-tag",
            r##"{"name": "damaged-in-transit", "color": "#ff6900"}"##,
            "GET /api/tags?search=damaged-in-transit&limit=100",
        ),
        (
            "/update-ticket",
            r#"{"ticketId": 12345, "status": "closed"}"#,
            "GET /api/tickets/12345",
        ),
    ];
    for (path, body, read) in reads_back {
        let (with_record, sent) = run(false, path, body).await;
        assert_eq!(sent.len(), 1, "{path}: {sent:?}");
        let (read_back, sent_empty) = run(true, path, body).await;
        assert_eq!(read_back, with_record, "{path}");
        assert_eq!(sent_empty, [sent[0].clone(), read.to_string()], "{path}");
    }
    // The tag a name resolution creates is read back too.
    let (_, sent) = run(
        true,
        "/add-ticket-tags",
        r#"{"ticketId": 12347, "tagNames": ["fresh"]}"#,
    )
    .await;
    assert_eq!(
        sent,
        [
            "GET /api/tags?search=fresh&limit=100",
            "POST /api/tags",
            "GET /api/tags?search=fresh&limit=100",
            "POST /api/tickets/12347/tags"
        ]
    );
}
