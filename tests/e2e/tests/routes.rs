//! The HTTP routes end to end: the component under wasmtime → a fake Gorgias
//! on 127.0.0.1. Each spec "Example Usage" is sent verbatim; the tests check
//! the exact upstream requests and the exact JSON returned.
mod support;

use serde_json::{Value, json};
use std::collections::HashMap;
use support::fake_gorgias::{self, FakeGorgias, Scripted};
use support::host::{Host, HttpResult, post};
use support::{config_for, fake_gorgias::b64};

async fn call(fake: &FakeGorgias, path: &str, body: &str) -> HttpResult {
    call_with(&config_for(fake), path, body).await
}

async fn call_with(config: &HashMap<String, String>, path: &str, body: &str) -> HttpResult {
    let (r, logs) = Host::shared().http(config, post(path, body)).await;
    assert!(!logs.stderr.contains("panicked"), "guest panicked: {}", logs.stderr);
    r
}

fn ok(r: &HttpResult) -> Value {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

fn upstream_body(fake: &FakeGorgias, i: usize) -> Value {
    // A made-up idempotency key (random per call) reads `gc-<random>`.
    let body = fake.requests()[i].body.clone().unwrap_or(Value::Null);
    serde_json::from_str(&support::random_keys_blanked(&body.to_string())).expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_ticket_example() {
    let fake = FakeGorgias::start().await;
    let r = call(&fake, "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!(
        ok(&r),
        json!({"ticket": {
            "id": 12345, "subject": "Order hasn't shipped yet", "status": "open", "channel": "email", "priority": "normal",
            "customer_id": 98765, "assignee_user_id": 4567, "assignee_team_id": 77,
            "tags": [{"id": 13, "name": "shipping"}],
            "created_datetime": "2024-11-14T13:56:16.494726+00:00", "updated_datetime": "2024-12-04T15:18:56+00:00"
        }})
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    let reqs = fake.requests();
    assert_eq!(fake.lines(), vec!["GET /api/tickets/12345"]);
    let expected_auth = format!(
        "Basic {}",
        b64(format!("{}:{}", fake_gorgias::EMAIL, fake_gorgias::API_KEY).as_bytes())
    );
    assert_eq!(reqs[0].header("authorization"), Some(expected_auth.as_str()));
    assert_eq!(reqs[0].header("accept"), Some("application/json"));
    assert!(
        reqs[0]
            .header("user-agent")
            .is_some_and(|u| u.starts_with("gorgias-connector/"))
    );
    assert_eq!(reqs[0].body, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_tickets_example_and_pagination() {
    let fake = FakeGorgias::start().await;
    let r = call(
        &fake,
        "/search-tickets",
        r#"{"customerId": 98765, "orderBy": "updated_datetime:desc", "limit": 50}"#,
    )
    .await;
    let v = ok(&r);
    assert_eq!(
        fake.lines(),
        vec!["GET /api/tickets?customer_id=98765&order_by=updated_datetime%3Adesc&limit=50&trashed=false"]
    );
    let ids: Vec<u64> = v["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![12346, 12345]);
    assert_eq!(v["nextCursor"], Value::Null);
    // List items carry no flat assignee ids: they come from the nested objects.
    assert_eq!(v["tickets"][1]["assignee_user_id"], 4567);
    assert_eq!(v["tickets"][1]["assignee_team_id"], 77);
    assert_eq!(v["tickets"][0]["tags"], json!([{"id": 11, "name": "vip"}]));

    fake.clear_log();
    let p1 = ok(&call(&fake, "/search-tickets", r#"{"limit": 2}"#).await);
    assert_eq!(p1["tickets"].as_array().unwrap().len(), 2);
    let cursor = p1["nextCursor"].as_str().expect("a next cursor").to_string();
    let p2 = ok(&call(
        &fake,
        "/search-tickets",
        &json!({"limit": 2, "cursor": cursor}).to_string(),
    )
    .await);
    assert_eq!(p2["tickets"].as_array().unwrap().len(), 1);
    assert_eq!(p2["nextCursor"], Value::Null);
    assert_eq!(
        fake.lines()[1],
        format!("GET /api/tickets?limit=2&cursor={cursor}&trashed=false")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_ticket_example() {
    let fake = FakeGorgias::start().await;
    let r = call(
        &fake,
        "/create-ticket",
        r#"{
  "channel": "email",
  "customerId": 98765,
  "fromAgent": false,
  "subject": "Order hasn't shipped yet",
  "bodyText": "Hi, I placed order #1042 five days ago and it still shows as processing. Can you check on this?",
  "fromEmail": "customer@example.com",
  "toEmail": "support@yourstore.com"
}"#,
    )
    .await;
    let v = ok(&r);
    let id = v["ticketId"].as_u64().unwrap();
    assert_eq!(
        v,
        json!({"ticketId": id, "status": "open", "channel": "email", "createdDatetime": "2024-12-04T15:18:56.123456+00:00", "replayed": false})
    );
    assert_eq!(fake.lines(), vec!["POST /api/tickets"]);
    assert_eq!(fake.requests()[0].header("content-type"), Some("application/json"));
    assert_eq!(
        upstream_body(&fake, 0),
        json!({
            "channel": "email", "via": "api", "from_agent": false, "customer": {"id": 98765},
            "subject": "Order hasn't shipped yet", "external_id": "gc-<random>",
            "messages": [{
                "channel": "email", "via": "api", "from_agent": false, "subject": "Order hasn't shipped yet",
                "body_text": "Hi, I placed order #1042 five days ago and it still shows as processing. Can you check on this?",
                "sender": {"id": 98765},
                "source": {"type": "email", "from": {"address": "customer@example.com"}, "to": [{"address": "support@yourstore.com"}]}
            }]
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_ticket_example_never_sends_tags() {
    let fake = FakeGorgias::start().await;
    let r = call(
        &fake,
        "/update-ticket",
        r#"{"ticketId": 12345, "status": "closed", "priority": "high", "assigneeUserId": 4567}"#,
    )
    .await;
    assert_eq!(
        ok(&r),
        json!({"ticketId": 12345, "status": "closed", "priority": "high", "assignee_user_id": 4567, "assignee_team_id": 77,
               "updated_datetime": "2024-12-04T15:18:56.123456+00:00"})
    );
    assert_eq!(fake.lines(), vec!["PUT /api/tickets/12345"]);
    assert_eq!(
        upstream_body(&fake, 0),
        json!({"status": "closed", "priority": "high", "assignee_user": {"id": 4567}})
    );
    assert_eq!(fake.ticket_tag_names(12345), vec!["shipping"], "tags untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_ticket_with_empty_202_refetches() {
    let fake = FakeGorgias::start().await;
    fake.empty_update_bodies(true);
    let v = ok(&call(
        &fake,
        "/update-ticket",
        r#"{"ticketId": "12345", "subject": "New subject"}"#,
    )
    .await);
    assert_eq!(v["ticketId"], 12345);
    assert_eq!(fake.lines(), vec!["PUT /api/tickets/12345", "GET /api/tickets/12345"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_to_ticket_example() {
    let fake = FakeGorgias::start().await;
    let r = call(
        &fake,
        "/reply-to-ticket",
        r#"{
  "ticketId": 12345,
  "channel": "email",
  "senderUserId": 4567,
  "bodyText": "Thanks for reaching out! I've located order #1042 and reshipped it with expedited delivery — you should receive it within 2 business days.",
  "receiverCustomerId": 98765,
  "fromEmail": "support@yourstore.com",
  "toEmail": "customer@example.com"
}"#,
    )
    .await;
    let v = ok(&r);
    let mid = v["messageId"].as_u64().unwrap();
    assert_eq!(
        v,
        json!({"messageId": mid, "ticketId": 12345, "channel": "email", "public": true, "createdDatetime": "2024-12-04T15:18:56.123456+00:00", "replayed": false})
    );
    assert_eq!(fake.lines(), vec!["POST /api/tickets/12345/messages"]);
    assert_eq!(
        upstream_body(&fake, 0),
        json!({
            "channel": "email", "via": "api", "from_agent": true, "public": true,
            "sender": {"id": 4567}, "receiver": {"id": 98765}, "external_id": "gc-<random>",
            "body_text": "Thanks for reaching out! I've located order #1042 and reshipped it with expedited delivery — you should receive it within 2 business days.",
            "source": {"type": "email", "from": {"address": "support@yourstore.com"}, "to": [{"address": "customer@example.com"}]}
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_internal_note_example() {
    let fake = FakeGorgias::start().await;
    let r = call(
        &fake,
        "/add-internal-note",
        r#"{
  "ticketId": 12345,
  "senderUserId": 4567,
  "bodyText": "Customer is a VIP — reshipped at no charge and flagged the account for follow-up next week."
}"#,
    )
    .await;
    let v = ok(&r);
    let mid = v["messageId"].as_u64().unwrap();
    assert_eq!(
        v,
        json!({"messageId": mid, "ticketId": 12345, "createdDatetime": "2024-12-04T15:18:56.123456+00:00", "replayed": false})
    );
    assert_eq!(
        upstream_body(&fake, 0),
        json!({"channel": "internal-note", "via": "api", "from_agent": true, "public": false, "sender": {"id": 4567}, "external_id": "gc-<random>",
               "body_text": "Customer is a VIP — reshipped at no charge and flagged the account for follow-up next week."})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_ticket_messages_example() {
    let fake = FakeGorgias::start().await;
    let v = ok(&call(&fake, "/get-ticket-messages", r#"{"ticketId": 12345, "limit": 50}"#).await);
    // Oldest first: the thread as read (Gorgias's own default is newest first).
    assert_eq!(
        fake.lines(),
        vec!["GET /api/messages?ticket_id=12345&order_by=created_datetime%3Aasc&limit=50"]
    );
    assert_eq!(
        v,
        json!({"messages": [
            {"id": 5001, "ticket_id": 12345, "channel": "email", "via": "email", "from_agent": false, "public": true,
             "body_text": "Hi, I placed order #1042 five days ago and it still shows as processing.", "body_html": null,
             "sender_id": 98765, "sender_type": "customer", "created_datetime": "2024-11-14T13:56:16.494726+00:00",
             "attachments": [{"url": "https://uploads.gorgias.example/receipt-1042.pdf", "name": "receipt-1042.pdf",
                              "content_type": "application/pdf", "size": 48213, "public": true}]},
            {"id": 5002, "ticket_id": 12345, "channel": "internal-note", "via": "helpdesk", "from_agent": true, "public": false,
             "body_text": "Checking with the warehouse.", "body_html": "<p>Checking with the warehouse.</p>",
             "sender_id": 4567, "sender_type": "user", "created_datetime": "2024-11-15T08:00:00+00:00", "attachments": []}
        ], "nextCursor": null})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_ticket_tags_example_in_both_shapes() {
    let fake = FakeGorgias::start().await;
    let expected =
        json!({"tags": [{"id": 13, "name": "shipping", "description": "Shipping questions", "color": "#0693e3"}]});
    assert_eq!(
        ok(&call(&fake, "/list-ticket-tags", r#"{"ticketId": 12345}"#).await),
        expected
    );
    fake.bare_tag_lists(true);
    assert_eq!(
        ok(&call(&fake, "/list-ticket-tags", r#"{"ticketId": 12345}"#).await),
        expected
    );
    assert_eq!(
        fake.lines(),
        vec!["GET /api/tickets/12345/tags", "GET /api/tickets/12345/tags"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_ticket_tags_example_creates_missing_and_converges() {
    let fake = FakeGorgias::start().await;
    let example = r#"{
  "ticketId": 12345,
  "tagNames": ["vip", "reshipped"]
}"#;
    assert_eq!(
        ok(&call(&fake, "/add-ticket-tags", example).await),
        json!({"success": true})
    );
    let reqs = fake.requests();
    // The two lookups go out together (in any order), then the create.
    assert_eq!(
        fake.lines_batches_sorted(),
        vec![
            "GET /api/tags?search=reshipped&limit=100",
            "GET /api/tags?search=vip&limit=100",
            "POST /api/tags",
            "POST /api/tickets/12345/tags"
        ]
    );
    assert_eq!(reqs[2].body, Some(json!({"name": "reshipped"})));
    let new_id = fake.requests().len(); // not an id; just make the next assertion readable
    let _ = new_id;
    let applied = reqs[3].body.clone().unwrap();
    assert_eq!(applied["ids"][0], 11, "exact-case match: 'vip' (11), not 'VIP-legacy'");
    assert_eq!(
        fake.ticket_tag_names(12345),
        vec!["shipping", "vip", "reshipped"],
        "existing tags kept"
    );

    // A second identical call converges: no new tag, no duplicate, no error.
    fake.clear_log();
    assert_eq!(
        ok(&call(&fake, "/add-ticket-tags", example).await),
        json!({"success": true})
    );
    assert!(!fake.lines().contains(&"POST /api/tags".to_string()));
    assert_eq!(fake.tags_named("reshipped"), 1);
    assert_eq!(fake.ticket_tag_names(12345), vec!["shipping", "vip", "reshipped"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_ticket_tags_by_id_and_conflict_on_create() {
    let fake = FakeGorgias::start().await;
    // Another writer creates the tag between our search and our create: 409, look up again, continue.
    fake.script(Scripted::new(
        "GET",
        "/api/tags",
        200,
        r#"{"data": [], "meta": {"next_cursor": null}}"#,
    ));
    fake.script(Scripted::new(
        "POST",
        "/api/tags",
        409,
        r#"{"error": {"msg": "A tag with this name already exists."}}"#,
    ));
    let v = ok(&call(
        &fake,
        "/add-ticket-tags",
        r#"{"ticketId": 12346, "tagNames": ["shipping"], "tagIds": ["13", 11]}"#,
    )
    .await);
    assert_eq!(v, json!({"success": true}));
    assert_eq!(
        fake.lines(),
        vec![
            "GET /api/tags?search=shipping&limit=100",
            "POST /api/tags",
            "GET /api/tags?search=shipping&limit=100",
            "POST /api/tickets/12346/tags"
        ]
    );
    assert_eq!(upstream_body(&fake, 3), json!({"ids": [13, 11]}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_customer_by_email_example() {
    let fake = FakeGorgias::start().await;
    let v = ok(&call(&fake, "/find-customer-by-email", r#"{"email": "customer@example.com"}"#).await);
    assert_eq!(fake.lines(), vec!["GET /api/customers?email=customer%40example.com"]);
    assert_eq!(
        v,
        json!({"customers": [{"id": 98765, "name": "Jane Doe", "firstname": "Jane", "lastname": "Doe", "email": "customer@example.com",
                              "external_id": "shopify-98765", "created_datetime": "2024-11-14T13:56:16.494726+00:00"}]})
    );
    let none = ok(&call(&fake, "/find-customer-by-email", r#"{"email": "nobody@example.com"}"#).await);
    assert_eq!(none, json!({"customers": []}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_errors_name_the_field_and_send_nothing() {
    let fake = FakeGorgias::start().await;
    let cases: &[(&str, &str, &str)] = &[
        ("/get-ticket", r#"{}"#, "ticketId"),
        ("/get-ticket", r#"{"ticketId": 12.5}"#, "ticketId"),
        ("/get-ticket", r#"{"ticketId": -1}"#, "ticketId"),
        ("/get-ticket", r#"{"ticketId": "abc"}"#, "ticketId"),
        ("/get-ticket", r#"{"ticketId": 1, "extra": true}"#, "extra"),
        ("/get-ticket", r#"[12345]"#, "body"),
        ("/get-ticket", r#"{"ticketId": "#, "body"),
        ("/search-tickets", r#"{"limit": 0}"#, "limit"),
        ("/search-tickets", r#"{"limit": 101}"#, "limit"),
        ("/search-tickets", r#"{"customerId": "x"}"#, "customerId"),
        ("/create-ticket", r#"{"customerId": 1, "fromAgent": false}"#, "channel"),
        (
            "/create-ticket",
            r#"{"channel": "email", "fromAgent": false}"#,
            "customerId",
        ),
        (
            "/create-ticket",
            r#"{"channel": "email", "customerId": 1}"#,
            "fromAgent",
        ),
        (
            "/create-ticket",
            r#"{"channel": "email", "customerId": 1, "fromAgent": false, "bodyText": "x"}"#,
            "fromEmail",
        ),
        (
            "/create-ticket",
            r#"{"channel": "chat", "customerId": 1, "fromAgent": true, "bodyText": "x"}"#,
            "senderUserId",
        ),
        (
            "/create-ticket",
            r#"{"channel": "chat", "customerId": 1, "fromAgent": false, "status": "pending"}"#,
            "status",
        ),
        ("/update-ticket", r#"{"ticketId": 1}"#, "status"),
        ("/update-ticket", r#"{"ticketId": 1, "status": "Closed"}"#, "status"),
        ("/update-ticket", r#"{"ticketId": 1, "priority": "urgent"}"#, "priority"),
        (
            "/reply-to-ticket",
            r#"{"ticketId": 1, "channel": "chat", "senderUserId": 2}"#,
            "bodyText",
        ),
        (
            "/reply-to-ticket",
            r#"{"ticketId": 1, "channel": "email", "senderUserId": 2, "bodyText": "x"}"#,
            "fromEmail",
        ),
        (
            "/reply-to-ticket",
            r#"{"ticketId": 1, "channel": "chat", "bodyText": "x"}"#,
            "senderUserId",
        ),
        (
            "/add-internal-note",
            r#"{"ticketId": 1, "senderUserId": 2}"#,
            "bodyText",
        ),
        (
            "/add-internal-note",
            r#"{"ticketId": 1, "bodyText": "x"}"#,
            "senderUserId",
        ),
        ("/get-ticket-messages", r#"{"ticketId": 1, "limit": 500}"#, "limit"),
        ("/add-ticket-tags", r#"{"ticketId": 1}"#, "tagNames"),
        (
            "/add-ticket-tags",
            r#"{"ticketId": 1, "tagNames": [], "tagIds": []}"#,
            "tagNames",
        ),
        ("/add-ticket-tags", r#"{"ticketId": 1, "tagIds": [1.5]}"#, "tagIds[0]"),
        ("/find-customer-by-email", r#"{}"#, "email"),
        ("/find-customer-by-email", r#"{"email": "not an email"}"#, "email"),
    ];
    for (path, body, field) in cases {
        let r = call(&fake, path, body).await;
        assert_eq!(r.status, 400, "{path} {body}: {}", String::from_utf8_lossy(&r.body));
        let e = r.json();
        assert_eq!(e["error"]["code"], "invalid-input", "{path} {body}");
        assert_eq!(e["error"]["field"], *field, "{path} {body}: {e}");
        assert_eq!(e["error"]["retryable"], false);
    }
    assert!(
        fake.requests().is_empty(),
        "no upstream request for invalid input: {:?}",
        fake.lines()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routing_errors_and_listing() {
    let fake = FakeGorgias::start().await;
    let host = Host::shared();
    let cfg = config_for(&fake);
    let get = |p: &str| {
        hyper::Request::builder()
            .method("GET")
            .uri(format!("http://localhost{p}"))
            .body(Default::default())
            .unwrap()
    };
    let (r, _) = host.http(&cfg, get("/operations")).await;
    let names: Vec<String> = r.json()["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect();
    let registry: Vec<&str> = gorgias_connector::ops::available(gorgias_connector::ops::Access::default())
        .map(|o| o.name)
        .collect();
    assert_eq!(
        names, registry,
        "the listing is the default tier's part of the registry, in its order"
    );
    let (r, _) = host.http(&cfg, get("/")).await;
    assert_eq!(r.status, 200);
    let (r, _) = host.http(&cfg, get("/get-ticket")).await;
    assert_eq!((r.status, r.header("allow")), (405, Some("POST")));
    let r = call(&fake, "/delete-everything", "{}").await;
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (404, Some("unknown-operation"))
    );
    let form = hyper::Request::builder()
        .method("POST")
        .uri("http://localhost/get-ticket")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(http_body_util::Full::new(bytes::Bytes::from("ticketId=1")))
        .unwrap();
    let (r, _) = host.http(&cfg, form).await;
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (415, Some("unsupported-media-type"))
    );
    let big = format!(r#"{{"ticketId": 1, "pad": "{}"}}"#, "x".repeat(1024 * 1024 + 10));
    let r = call(&fake, "/get-ticket", &big).await;
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (413, Some("payload-too-large"))
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connector_token_is_enforced() {
    let fake = FakeGorgias::start().await;
    let mut cfg = config_for(&fake);
    cfg.insert("connector_token".into(), "inbound-t0ken-value".into());
    let host = Host::shared();
    let with = |auth: Option<&str>| {
        let mut b = hyper::Request::builder()
            .method("POST")
            .uri("http://localhost/get-ticket")
            .header("content-type", "application/json");
        if let Some(a) = auth {
            b = b.header("authorization", a);
        }
        b.body(http_body_util::Full::new(bytes::Bytes::from(r#"{"ticketId": 12345}"#)))
            .unwrap()
    };
    for bad in [
        None,
        Some("Bearer wrong"),
        Some("Basic aW5ib3VuZC10MGtlbi12YWx1ZQ=="),
        Some("Bearer inbound-t0ken-valu"),
    ] {
        let (r, _) = host.http(&cfg, with(bad)).await;
        assert_eq!(r.status, 401, "{bad:?}");
        assert_eq!(r.json()["error"]["code"], "unauthenticated");
        assert!(!String::from_utf8_lossy(&r.body).contains("inbound-t0ken-value"));
    }
    assert!(fake.requests().is_empty());
    let (r, _) = host.http(&cfg, with(Some("Bearer inbound-t0ken-value"))).await;
    assert_eq!(r.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_request_credentials_override_configuration() {
    let fake = FakeGorgias::start().await;
    // Configured credentials are wrong; the caller's headers carry the right ones.
    let mut cfg = config_for(&fake);
    cfg.insert("gorgias_api_key".into(), "wrong-key".into());
    let req = |key: &str, account: &str| {
        hyper::Request::builder()
            .method("POST")
            .uri("http://localhost/list-ticket-tags")
            .header("content-type", "application/json")
            .header("x-gorgias-account", account)
            .header("x-gorgias-email", fake_gorgias::EMAIL)
            .header("x-gorgias-api-key", key)
            .body(http_body_util::Full::new(bytes::Bytes::from(r#"{"ticketId": 12345}"#)))
            .unwrap()
    };
    let (r, _) = Host::shared().http(&cfg, req(fake_gorgias::API_KEY, "tenant-2")).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    // A header cannot point the connector at another host.
    let (r, _) = Host::shared()
        .http(&cfg, req(fake_gorgias::API_KEY, "evil.example.com/"))
        .await;
    assert_eq!((r.status, r.json()["error"]["field"].as_str()), (400, Some("account")));
    assert_eq!(fake.lines(), vec!["GET /api/tickets/12345/tags"]);
    // No configuration and no headers: a clear error naming what is missing.
    let r = call_with(&HashMap::new(), "/get-ticket", r#"{"ticketId": 1}"#).await;
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("x-gorgias-account"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_error_classes() {
    let fake = FakeGorgias::start().await;
    // 401: wrong credentials.
    let mut cfg = config_for(&fake);
    cfg.insert("gorgias_api_key".into(), "wrong-key".into());
    let r = call_with(&cfg, "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json(),
        json!({"error": {"code": "unauthorized", "message": "get-ticket: gorgias answered 401: Authentication failed: invalid API key or username.",
                         "retryable": false, "upstreamStatus": 401}})
    );
    // 403 with Gorgias's message.
    fake.script(Scripted::new(
        "POST",
        "/api/tickets/12345/messages",
        403,
        r#"{"error": {"msg": "You do not have enough permissions to perform this action. Messaging quota exceeded."}}"#,
    ));
    let r = call(
        &fake,
        "/add-internal-note",
        r#"{"ticketId": 12345, "senderUserId": 4567, "bodyText": "x"}"#,
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"]["code"], "forbidden");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Messaging quota exceeded.")
    );
    // 404.
    let r = call(&fake, "/get-ticket", r#"{"ticketId": 999}"#).await;
    assert_eq!(
        r.json(),
        json!({"error": {"code": "not-found", "message": "get-ticket: gorgias answered 404: Resource not found.", "retryable": false, "upstreamStatus": 404}})
    );
    assert_eq!(r.status, 404);
    // 400 with field errors from error.data.
    fake.script(Scripted::new(
        "POST",
        "/api/tickets",
        400,
        r#"{"error": {"msg": "Failed to create ticket", "data": {"sender": ["Missing data for required field."]}}}"#,
    ));
    let r = call(
        &fake,
        "/create-ticket",
        r#"{"channel": "api", "customerId": 98765, "fromAgent": false, "bodyText": "x"}"#,
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json()["error"]["fieldErrors"],
        json!([{"field": "sender", "message": "Missing data for required field."}])
    );
    // 429 beyond the budget: fail fast with Retry-After.
    fake.script(Scripted::new("GET", "/api/tickets/12345", 429, "").header("retry-after", "60"));
    let r = call(&fake, "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!((r.status, r.header("retry-after")), (429, Some("60")));
    assert_eq!(r.json()["error"]["retryAfterSeconds"], 60);
    assert_eq!(r.json()["error"]["code"], "rate-limited");
    // 5xx on a create: its made-up key is looked up among the ticket's
    // messages; not there (the 500 applied nothing), so it is resent once.
    fake.clear_log();
    fake.script(Scripted::new(
        "POST",
        "/api/tickets/12345/messages",
        500,
        "<html>Internal Server Error</html>",
    ));
    let r = call(
        &fake,
        "/add-internal-note",
        r#"{"ticketId": 12345, "senderUserId": 4567, "bodyText": "x"}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let lines = fake.lines();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], "POST /api/tickets/12345/messages");
    assert!(lines[1].starts_with("GET /api/messages?ticket_id=12345&"), "{lines:?}");
    assert_eq!(lines[2], "POST /api/tickets/12345/messages");
    assert_eq!(
        fake.requests()[0].body,
        fake.requests()[2].body,
        "the same key both times"
    );
    // Malformed JSON from upstream.
    fake.script(Scripted::new(
        "GET",
        "/api/tickets/12345",
        200,
        r#"{"id": 12345, "status": "#,
    ));
    let r = call(&fake, "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (502, Some("invalid-response"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_is_a_transport_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut cfg = HashMap::new();
    cfg.insert("gorgias_account".to_string(), "acme".to_string());
    cfg.insert("gorgias_email".to_string(), "a@b.co".to_string());
    cfg.insert("gorgias_api_key".to_string(), "k".to_string());
    cfg.insert("gorgias_base_url".to_string(), format!("http://127.0.0.1:{port}"));
    cfg.insert("retry_max_wait_seconds".to_string(), "0".to_string());
    let r = call_with(&cfg, "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!(r.status, 502);
    let e = r.json();
    assert_eq!(e["error"]["code"], "transport");
    assert_eq!(e["error"]["requestSent"], false);
    assert_eq!(e["error"]["retryable"], true);
}

fn with_header(
    mut req: hyper::Request<http_body_util::Full<bytes::Bytes>>,
    k: &str,
    v: &str,
) -> hyper::Request<http_body_util::Full<bytes::Bytes>> {
    req.headers_mut().insert(
        hyper::header::HeaderName::from_bytes(k.as_bytes()).expect("header name"),
        hyper::header::HeaderValue::from_str(v).expect("header value"),
    );
    req
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_token_header_is_sent_as_bearer_instead_of_the_configured_key() {
    let fake = FakeGorgias::start().await;
    let req = with_header(
        post("/list-ticket-tags", r#"{"ticketId": 12345}"#),
        "X-Gorgias-Access-Token",
        fake_gorgias::ACCESS_TOKEN,
    );
    let (r, _) = Host::shared().http(&config_for(&fake), req).await;
    assert_eq!(
        ok(&r),
        json!({"tags": [{"id": 13, "name": "shipping", "description": "Shipping questions", "color": "#0693e3"}]})
    );
    let reqs = fake.requests();
    assert_eq!(fake.lines(), ["GET /api/tickets/12345/tags"]);
    let bearer = format!("Bearer {}", fake_gorgias::ACCESS_TOKEN);
    assert_eq!(reqs[0].header("authorization"), Some(bearer.as_str()));

    let wrong = with_header(
        post("/get-ticket", r#"{"ticketId": 12345}"#),
        "X-Gorgias-Access-Token",
        "expired-token",
    );
    let (r, _) = Host::shared().http(&config_for(&fake), wrong).await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json(),
        json!({"error": {"code": "unauthorized", "upstreamStatus": 401, "message": "get-ticket: gorgias answered 401: Authentication failed: invalid API key or username.", "retryable": false}})
    );
    assert_eq!(fake.requests()[1].header("authorization"), Some("Bearer expired-token"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_access_token_replaces_email_and_key() {
    let fake = FakeGorgias::start().await;
    let mut cfg = config_for(&fake);
    cfg.remove("gorgias_email");
    cfg.remove("gorgias_api_key");
    cfg.insert("gorgias_access_token".into(), fake_gorgias::ACCESS_TOKEN.into());
    let r = call_with(&cfg, "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!(ok(&r)["ticket"]["id"], 12345);
    let bearer = format!("Bearer {}", fake_gorgias::ACCESS_TOKEN);
    assert_eq!(fake.requests()[0].header("authorization"), Some(bearer.as_str()));

    // A token and a key at once: refused before anything is sent.
    let both = with_header(
        with_header(
            post("/get-ticket", r#"{"ticketId": 12345}"#),
            "X-Gorgias-Access-Token",
            "t",
        ),
        "X-Gorgias-Api-Key",
        "k",
    );
    let (r, _) = Host::shared().http(&cfg, both).await;
    assert_eq!(
        (r.status, r.json()),
        (
            400,
            json!({"error": {"code": "invalid-input", "field": "x-gorgias-access-token", "message": "x-gorgias-access-token: send either X-Gorgias-Access-Token or X-Gorgias-Email with X-Gorgias-Api-Key, not both", "retryable": false}})
        )
    );
    cfg.insert("gorgias_api_key".into(), fake_gorgias::API_KEY.into());
    let r = call_with(&cfg, "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!(r.status, 500);
    assert_eq!(r.json()["error"]["code"], "configuration");
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_ticket_follows_a_same_host_301_and_refuses_one_to_another_host() {
    let fake = FakeGorgias::start().await;
    let other = FakeGorgias::start().await;
    // A merged ticket: 999 moved to 12345 (relative Location), then an absolute
    // one on the same host.
    fake.script(Scripted::new("GET", "/api/tickets/999", 301, "").header("Location", "/api/tickets/998"));
    fake.script(
        Scripted::new("GET", "/api/tickets/998", 308, "")
            .header("Location", &format!("{}/api/tickets/12345", fake.base_url())),
    );
    let r = call(&fake, "/get-ticket", r#"{"ticketId": 999}"#).await;
    assert_eq!(ok(&r)["ticket"]["id"], 12345);
    assert_eq!(
        fake.lines(),
        ["GET /api/tickets/999", "GET /api/tickets/998", "GET /api/tickets/12345"]
    );
    let auth: Vec<_> = fake
        .requests()
        .iter()
        .map(|q| q.header("authorization").map(str::to_string))
        .collect();
    assert!(auth.iter().all(|a| a == &auth[0] && a.is_some()), "{auth:?}");

    fake.clear_log();
    fake.script(
        Scripted::new("GET", "/api/tickets/999", 301, "")
            .header("Location", &format!("{}/api/tickets/12345", other.base_url())),
    );
    let r = call(&fake, "/get-ticket", r#"{"ticketId": 999}"#).await;
    assert_eq!(
        (r.status, r.json()),
        (
            422,
            json!({"error": {"code": "upstream", "upstreamStatus": 301, "message": "get-ticket: gorgias answered 301: a redirect to another host, not followed", "retryable": false}})
        )
    );
    assert_eq!(fake.lines(), ["GET /api/tickets/999"]);
    assert!(
        other.requests().is_empty(),
        "credentials went to another host: {:?}",
        other.lines()
    );
}
