//! Issue 21's account operations end to end (list-events, create-webhook,
//! list-webhooks, delete-webhook, list-integrations, get-account): the built
//! component under wasmtime → the fake Gorgias, on the HTTP routes, MCP
//! `tools/call` and the typed WIT exports (interface `account`), checking the
//! exact upstream requests, the exact answers, and that a webhook's header
//! values never come back (answers, errors, guest output).
#![allow(clippy::unwrap_used, reason = "test code: a failed unwrap is a failed test")]
mod support;

use gorgias_connector::ops;
use gorgias_connector::schema::check_schema;
use serde_json::{Value, json};
use std::collections::HashMap;
use support::config_for;
use support::fake_gorgias::{self, FakeGorgias, Scripted};
use support::host::exports::gorgias::connector::account as acct;
use support::host::{Host, HttpResult, post, wit};

const SECRET: &str = "s3cr3t-shared-with-the-receiver";

/// The fake's configuration with `access = all` (delete-webhook needs it).
fn all(fake: &FakeGorgias) -> HashMap<String, String> {
    let mut c = config_for(fake);
    c.insert("access".into(), "all".into());
    c
}

/// A route call; the guest's output must not show the secret either.
async fn call(config: &HashMap<String, String>, path: &str, body: &str) -> HttpResult {
    let (r, logs) = Host::shared().http(config, post(path, body)).await;
    assert!(!logs.stderr.contains("panicked"), "guest panicked: {}", logs.stderr);
    assert!(
        !logs.stdout.contains(SECRET) && !logs.stderr.contains(SECRET),
        "{logs:?}"
    );
    r
}

/// A 200 answer's JSON, checked against the operation's output schema.
fn ok(op: &str, r: &HttpResult) -> Value {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    check_schema(&v, &ops::find(op).unwrap().output_schema(), "$").unwrap_or_else(|e| panic!("{op}: {e}"));
    v
}

fn conn() -> wit::Connection {
    wit::Connection::ApiKey(wit::ApiKeyCredentials {
        account: fake_gorgias::ACCOUNT.into(),
        email: fake_gorgias::EMAIL.into(),
        api_key: fake_gorgias::API_KEY.into(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_is_created_listed_and_deleted_and_its_secret_never_comes_back() {
    let fake = FakeGorgias::start().await;
    let cfg = all(&fake);
    let before = fake.integration_count();
    let r = call(
        &cfg,
        "/create-webhook",
        &json!({"url": "https://hooks.example.com/gorgias", "triggers": ["ticket-message-created", "ticket-created"],
            "headers": [{"name": "X-Webhook-Secret", "value": SECRET}]})
        .to_string(),
    )
    .await;
    assert!(!String::from_utf8_lossy(&r.body).contains(SECRET));
    let created = ok("create-webhook", &r);
    let id = created["webhook"]["id"].as_u64().unwrap();
    assert_eq!(
        created,
        json!({"webhook": {"id": id, "name": "gorgias-connector webhook (ticket-created, ticket-message-created)",
            "url": "https://hooks.example.com/gorgias", "triggers": ["ticket-created", "ticket-message-created"]}})
    );
    assert_eq!(fake.integration_count(), before + 1);
    // What Gorgias stores: the headers as an object, the triggers as flags.
    let stored = fake.integration(id).unwrap();
    assert_eq!(stored["http"]["headers"], json!({"X-Webhook-Secret": SECRET}));
    assert_eq!(
        stored["http"]["triggers"],
        json!({"ticket-created": true, "ticket-message-created": true})
    );
    assert_eq!(stored["http"]["form"], "{{context}}");

    fake.clear_log();
    let r = call(&cfg, "/list-webhooks", r#"{"limit": 10}"#).await;
    let listed = ok("list-webhooks", &r);
    assert!(!String::from_utf8_lossy(&r.body).contains("seeded-secret-value"));
    let ids: Vec<u64> = listed["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [126640, 126641, id]);
    assert_eq!(fake.lines(), ["GET /api/integrations?type=http&limit=10"]);

    fake.clear_log();
    let r = call(&cfg, "/delete-webhook", &json!({ "webhookId": id }).to_string()).await;
    assert_eq!(ok("delete-webhook", &r), json!({"success": true}));
    assert_eq!(
        fake.lines(),
        [
            format!("GET /api/integrations/{id}"),
            format!("DELETE /api/integrations/{id}")
        ]
    );
    assert_eq!(fake.integration_count(), before);
    let r = call(&cfg, "/delete-webhook", &json!({ "webhookId": id }).to_string()).await;
    assert_eq!((r.status, r.json()["error"]["code"].clone()), (404, json!("not-found")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_webhook_refuses_any_other_integration_and_the_default_tier() {
    let fake = FakeGorgias::start().await;
    let before = fake.integration_count();
    let r = call(&all(&fake), "/delete-webhook", r#"{"webhookId": 126637}"#).await;
    assert_eq!(r.status, 400);
    let e = r.json()["error"].clone();
    assert_eq!(
        (&e["code"], &e["field"]),
        (&json!("invalid-input"), &json!("webhookId"))
    );
    assert!(e["message"].as_str().unwrap().contains("\"email\""), "{e}");
    assert_eq!(fake.lines(), ["GET /api/integrations/126637"]);
    assert_eq!(fake.integration_count(), before);

    fake.clear_log();
    let r = call(&config_for(&fake), "/delete-webhook", r#"{"webhookId": 126640}"#).await;
    assert_eq!((r.status, r.json()["error"]["code"].clone()), (403, json!("read-only")));
    assert!(fake.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_error_that_echoes_the_secret_is_redacted_everywhere() {
    let fake = FakeGorgias::start().await;
    let echo = format!(r#"{{"error": {{"msg": "Bad header {SECRET}", "data": {{"http": ["{SECRET} refused"]}}}}}}"#);
    let body = json!({"url": "https://hooks.example.com/gorgias", "triggers": ["ticket-created"],
        "headers": [{"name": "X-Webhook-Secret", "value": SECRET}]});
    fake.script(Scripted::new("POST", "/api/integrations", 400, &echo));
    let r = call(&config_for(&fake), "/create-webhook", &body.to_string()).await;
    assert_eq!(r.status, 422);
    let shown = String::from_utf8_lossy(&r.body).to_string();
    assert!(!shown.contains(SECRET) && shown.contains("<redacted>"), "{shown}");

    fake.script(Scripted::new("POST", "/api/integrations", 400, &echo));
    let mcp = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "create-webhook", "arguments": body}});
    let r = call(&config_for(&fake), "/mcp", &mcp.to_string()).await;
    let shown = String::from_utf8_lossy(&r.body).to_string();
    assert!(!shown.contains(SECRET) && shown.contains("<redacted>"), "{shown}");

    // Validation errors name the header, not its value.
    let bad = json!({"url": "https://a.example", "triggers": ["ticket-created"],
        "headers": [{"name": "X-Webhook-Secret", "value": format!("{SECRET}\r\nX-Injected: 1")}]});
    let r = call(&config_for(&fake), "/create-webhook", &bad.to_string()).await;
    assert_eq!(
        (r.status, r.json()["error"]["field"].clone()),
        (400, json!("headers[0].value"))
    );
    assert!(!String::from_utf8_lossy(&r.body).contains(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_events_polls_since_oldest_first_page_by_page() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let body = r#"{"types": ["ticket-created", "ticket-updated", "ticket-message-created"], "since": "2024-11-14T13:56:16.5Z", "limit": 2}"#;
    let page = ok("list-events", &call(&cfg, "/list-events", body).await);
    let ids: Vec<u64> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [7002, 7003]);
    assert_eq!(
        page["events"][0],
        json!({"id": 7002, "type": "ticket-message-created", "object_type": "TicketMessage", "object_id": 5001,
            "user_id": null, "context": "1d1e1f20-0a0b-4c0d-8e0f-101112131415", "data": null,
            "created_datetime": "2024-11-14T13:56:16.512000+00:00"})
    );
    let cursor = page["nextCursor"].as_str().unwrap().to_string();
    let next = json!({"types": ["ticket-created", "ticket-updated", "ticket-message-created"],
        "since": "2024-11-14T13:56:16.5Z", "limit": 2, "cursor": cursor});
    let page = ok("list-events", &call(&cfg, "/list-events", &next.to_string()).await);
    let ids: Vec<u64> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [7004, 7005]);
    assert_eq!(
        fake.lines()[0],
        "GET /api/events?types=ticket-created&types=ticket-updated&types=ticket-message-created&created_datetime%5Bgte%5D=2024-11-14T13%3A56%3A16.5Z&order_by=created_datetime%3Aasc&limit=2"
    );

    // One object's events, newest first (Gorgias's default without since);
    // an offset is a point in time like any other.
    fake.clear_log();
    let r = call(
        &cfg,
        "/list-events",
        r#"{"objectType": "Ticket", "objectId": 12347, "since": "2024-12-03T10:30:00.05+01:00"}"#,
    )
    .await;
    let ids: Vec<u64> = ok("list-events", &r)["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [7008]);
    let r = call(&cfg, "/list-events", r#"{"objectType": "Ticket", "objectId": 12347}"#).await;
    let events = ok("list-events", &r)["events"].clone();
    assert_eq!(events[0]["id"], 7008);
    assert_eq!(events[1]["data"], r#"{"assignee_user_id":4567}"#);

    // Refused before anything is sent.
    fake.clear_log();
    for (body, field) in [
        (r#"{"since": "2024-02-30T00:00:00Z"}"#, "since"),
        (r#"{"objectType": "Ticket"}"#, "objectId"),
        (r#"{"types": ["Ticket-Created"]}"#, "types[0]"),
    ] {
        let r = call(&cfg, "/list-events", body).await;
        assert_eq!(
            (r.status, r.json()["error"]["field"].clone()),
            (400, json!(field)),
            "{body}"
        );
    }
    assert!(fake.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_exports_of_the_account_interface() {
    let fake = FakeGorgias::start().await;
    let cfg = all(&fake);
    let host = Host::shared();

    // A function without parameters: only the connection.
    let (a, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_account().call_get_account(s, &conn()).await
        })
        .await;
    let a = a.unwrap().account;
    assert_eq!(
        (a.domain.as_str(), a.status.as_deref(), a.created_datetime.as_deref()),
        ("sandbox", Some("active"), Some("2023-01-01T08:00:00.123456+00:00"))
    );

    // `type` is a WIT keyword (`%type`) and a Rust one (`type_`).
    let req = acct::ListEventsRequest {
        types: vec!["ticket-assigned".into()],
        object_type: None,
        object_id: None,
        since: None,
        order_by: None,
        limit: None,
        cursor: None,
    };
    let (p, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_account().call_list_events(s, &conn(), &req).await
        })
        .await;
    let p = p.unwrap();
    assert_eq!(
        (
            p.events[0].type_.as_str(),
            p.events[0].data.as_deref(),
            p.next_cursor.as_deref()
        ),
        ("ticket-assigned", Some(r#"{"assignee_user_id":4567}"#), None)
    );
    let req = acct::ListIntegrationsRequest {
        type_: Some("gmail".into()),
        limit: None,
        cursor: None,
    };
    let (p, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_account()
                .call_list_integrations(s, &conn(), &req)
                .await
        })
        .await;
    let p = p.unwrap();
    assert_eq!(
        (p.integrations[0].type_.as_str(), p.integrations[0].address.as_deref()),
        ("gmail", Some("returns@yourstore.com"))
    );

    fake.clear_log();
    let req = acct::CreateWebhookRequest {
        url: "http://127.0.0.1:9/hook".into(),
        triggers: vec!["ticket-updated".into()],
        name: Some("Local".into()),
        headers: vec![acct::WebhookHeader {
            name: "Authorization".into(),
            value: format!("Bearer {SECRET}"),
        }],
    };
    let (w, logs) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_account()
                .call_create_webhook(s, &conn(), &req)
                .await
        })
        .await;
    let w = w.unwrap().webhook;
    assert_eq!(
        (w.name.as_deref(), w.url.as_deref(), w.triggers),
        (
            Some("Local"),
            Some("http://127.0.0.1:9/hook"),
            vec!["ticket-updated".to_string()]
        )
    );
    assert!(!logs.stdout.contains(SECRET) && !logs.stderr.contains(SECRET));
    let del = acct::DeleteWebhookRequest { webhook_id: w.id };
    let (d, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_account().call_delete_webhook(s, &conn(), del).await
        })
        .await;
    assert!(d.unwrap().success);
    let del = acct::DeleteWebhookRequest { webhook_id: 126638 };
    let (d, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_account().call_delete_webhook(s, &conn(), del).await
        })
        .await;
    match d.unwrap_err() {
        wit::Error::InvalidInput(f) => assert_eq!(f.field, "webhookId"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        fake.lines(),
        [
            "POST /api/integrations".to_string(),
            format!("GET /api/integrations/{}", w.id),
            format!("DELETE /api/integrations/{}", w.id),
            "GET /api/integrations/126638".to_string(),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_integrations_and_get_account_on_the_routes() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let all = ok("list-integrations", &call(&cfg, "/list-integrations", "{}").await);
    let kinds: Vec<&str> = all["integrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["email", "gmail", "shopify", "http", "http"]);
    assert_eq!(all["integrations"][2]["address"], Value::Null);
    assert_eq!(
        all["integrations"][0],
        json!({"id": 126637, "type": "email", "name": "Your Store Support", "address": "support@yourstore.com", "deactivated_datetime": null})
    );
    let r = call(&cfg, "/list-integrations", r#"{"type": "Email"}"#).await;
    assert_eq!((r.status, r.json()["error"]["field"].clone()), (400, json!("type")));

    fake.clear_log();
    let a = ok("get-account", &call(&cfg, "/get-account", "").await);
    assert_eq!(
        a,
        json!({"account": {"domain": "sandbox", "status": "active", "created_datetime": "2023-01-01T08:00:00.123456+00:00"}})
    );
    let r = call(&cfg, "/get-account", r#"{"domain": "x"}"#).await;
    assert_eq!((r.status, r.json()["error"]["field"].clone()), (400, json!("domain")));
    assert_eq!(fake.lines(), ["GET /api/account"]);
}
