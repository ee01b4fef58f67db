//! Issue 21's customer writes, macros and jobs end to end: the component under
//! wasmtime → the fake Gorgias. Beyond the examples (surfaces.rs, golden.rs):
//! a taken email is a conflict, empty 2xx answers are read back, update
//! sends only what it is given, list-customers filters and orders, and an
//! applied macro's job can be followed.
#![allow(clippy::unwrap_used, reason = "test code: a failed unwrap is a failed test")]
mod support;

use serde_json::{Value, json};
use support::config_for;
use support::fake_gorgias::FakeGorgias;
use support::host::{Host, HttpResult, post};

async fn call(fake: &FakeGorgias, path: &str, body: &str) -> HttpResult {
    let (r, logs) = Host::shared().http(&config_for(fake), post(path, body)).await;
    assert!(!logs.stderr.contains("panicked"), "guest panicked: {}", logs.stderr);
    r
}

fn ok(r: &HttpResult) -> Value {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_customer_then_the_same_email_again_is_a_conflict() {
    let fake = FakeGorgias::start().await;
    let before = fake.customer_count();
    let r = call(
        &fake,
        "/create-customer",
        r#"{"email": "new@example.com", "name": "Ana Maria Lopez"}"#,
    )
    .await;
    let mut customer = ok(&r)["customer"].clone();
    // No key given: the connector made one up and stored it as the external ID.
    let key = customer["external_id"].take();
    assert!(key.as_str().unwrap().starts_with("gc-"), "{key}");
    assert_eq!(
        customer,
        json!({"id": 200001, "name": "Ana Maria Lopez", "firstname": "Ana", "lastname": "Lopez", "email": "new@example.com",
            "external_id": null, "created_datetime": "2024-12-04T15:18:56.123456+00:00"})
    );
    assert_eq!(fake.customer_count(), before + 1);
    let stored = fake.customer(200001).unwrap();
    assert_eq!(stored["channels"][0]["address"], "new@example.com");
    assert_eq!(stored["channels"][0]["preferred"], true);

    // The same address again, and an address another customer has as a channel.
    for email in ["new@example.com", "jane@work.example"] {
        let r = call(&fake, "/create-customer", &json!({"email": email}).to_string()).await;
        assert_eq!(r.status, 409, "{}", String::from_utf8_lossy(&r.body));
        let e = r.json();
        assert_eq!(e["error"]["code"], "conflict");
        assert_eq!(e["error"]["upstreamStatus"], 409);
        assert_eq!(e["error"]["retryable"], false);
    }
    assert_eq!(fake.customer_count(), before + 1);

    // Bad input never reaches Gorgias.
    fake.clear_log();
    let r = call(&fake, "/create-customer", r#"{"note": "no email, no name"}"#).await;
    assert_eq!((r.status, r.json()["error"]["field"].clone()), (400, json!("email")));
    let r = call(&fake, "/create-customer", r#"{"name": "X", "language": "French"}"#).await;
    assert_eq!(r.json()["error"]["field"], "language");
    assert!(fake.lines().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_customer_without_an_answer_body_reads_it_back() {
    let fake = FakeGorgias::start().await;
    fake.empty_write_answers(true);
    let r = call(&fake, "/create-customer", r#"{"name": "Solo", "externalId": "crm-7"}"#).await;
    assert_eq!(ok(&r)["customer"]["id"], 200001);
    assert_eq!(ok(&r)["customer"]["external_id"], "crm-7");
    assert_eq!(
        fake.lines(),
        vec![
            // externalId is the caller's idempotency key: looked up first.
            "GET /api/customers?external_id=crm-7&order_by=created_datetime%3Aasc&limit=10",
            "POST /api/customers",
            "GET /api/customers?external_id=crm-7&order_by=created_datetime%3Adesc&limit=1"
        ]
    );
    assert_eq!(
        fake.requests()[1].body,
        Some(json!({"name": "Solo", "external_id": "crm-7", "channels": []}))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_customer_sends_only_the_given_fields_and_keeps_the_channels() {
    let fake = FakeGorgias::start().await;
    let channels = fake.customer(98767).unwrap()["channels"].clone();
    let r = call(
        &fake,
        "/update-customer",
        r#"{"customerId": "98767", "email": "jane.new@example.com", "name": null, "note": "VIP"}"#,
    )
    .await;
    assert_eq!(ok(&r)["customer"]["email"], "jane.new@example.com");
    assert_eq!(fake.lines(), vec!["PUT /api/customers/98767"]);
    assert_eq!(
        fake.requests()[0].body,
        Some(json!({"email": "jane.new@example.com", "note": "VIP"}))
    );
    let stored = fake.customer(98767).unwrap();
    assert_eq!(
        (stored["note"].clone(), stored["channels"].clone()),
        (json!("VIP"), channels)
    );
    // The old primary address stays an email channel: find-customer-by-email
    // still finds the customer by it.
    let r = call(
        &fake,
        "/find-customer-by-email",
        r#"{"email": "jane.primary@example.com"}"#,
    )
    .await;
    assert_eq!(ok(&r)["customers"][0]["id"], 98767);

    // An address another customer uses: conflict; an unknown customer: not found.
    let r = call(
        &fake,
        "/update-customer",
        r#"{"customerId": 98767, "email": "customer@example.com"}"#,
    )
    .await;
    assert_eq!((r.status, r.json()["error"]["code"].clone()), (409, json!("conflict")));
    let r = call(&fake, "/update-customer", r#"{"customerId": 1, "name": "Nobody"}"#).await;
    assert_eq!((r.status, r.json()["error"]["code"].clone()), (404, json!("not-found")));
    let r = call(&fake, "/update-customer", r#"{"customerId": 98767}"#).await;
    assert_eq!((r.status, r.json()["error"]["field"].clone()), (400, json!("email")));

    // A 202 without a body: read back with a GET.
    fake.empty_write_answers(true);
    fake.clear_log();
    let r = call(
        &fake,
        "/update-customer",
        r#"{"customerId": 98766, "name": "Sam Lee-Park"}"#,
    )
    .await;
    assert_eq!(ok(&r)["customer"]["lastname"], "Lee-Park");
    assert_eq!(
        fake.lines(),
        vec!["PUT /api/customers/98766", "GET /api/customers/98766"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_customers_filters_by_external_id_and_orders() {
    let fake = FakeGorgias::start().await;
    let r = call(&fake, "/list-customers", r#"{"externalId": "shopify-98765"}"#).await;
    let v = ok(&r);
    assert_eq!(v["customers"].as_array().unwrap().len(), 1);
    assert_eq!(
        (v["customers"][0]["id"].clone(), v["nextCursor"].clone()),
        (json!(98765), Value::Null)
    );
    let ids = |v: &Value| -> Vec<u64> {
        v["customers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_u64().unwrap())
            .collect()
    };
    let r = call(&fake, "/list-customers", r#"{"limit": 2}"#).await;
    let first = ok(&r);
    assert_eq!(ids(&first), vec![98768, 98767], "newest first by default");
    let next = first["nextCursor"].as_str().unwrap().to_string();
    let r = call(
        &fake,
        "/list-customers",
        &json!({"limit": 2, "cursor": next}).to_string(),
    )
    .await;
    assert_eq!(ids(&ok(&r)), vec![98766, 98765]);
    let r = call(
        &fake,
        "/list-customers",
        r#"{"orderBy": "created_datetime:asc", "limit": 1}"#,
    )
    .await;
    assert_eq!(ids(&ok(&r)), vec![98765]);
    assert_eq!(
        fake.lines().last().unwrap(),
        "GET /api/customers?order_by=created_datetime%3Aasc&limit=1"
    );
    let r = call(&fake, "/list-customers", r#"{"orderBy": "name:asc"}"#).await;
    assert_eq!(r.json()["error"]["field"], "orderBy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn macros_list_search_and_get() {
    let fake = FakeGorgias::start().await;
    let r = call(&fake, "/list-macros", r#"{}"#).await;
    let v = ok(&r);
    let ids: Vec<u64> = v["macros"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![374712, 374422, 374421, 374300]);
    let r = call(&fake, "/list-macros", r#"{"search": "REFUND"}"#).await;
    let v = ok(&r);
    assert_eq!(
        v["macros"],
        json!([{"id": 374300, "name": "Refund: tag and close", "intent": "refund/request", "language": "en",
            "actions": [
                {"name": "addTags", "title": "Add tags", "arguments": "{\"tags\":\"refund, vip\"}"},
                {"name": "setStatus", "title": "Close", "arguments": "{\"status\":\"closed\"}"}],
            "created_datetime": "2026-05-02T09:00:00+00:00", "updated_datetime": "2026-06-01T10:00:00+00:00"}])
    );
    let r = call(&fake, "/get-macro", r#"{"macroId": 999}"#).await;
    assert_eq!((r.status, r.json()["error"]["code"].clone()), (404, json!("not-found")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_macro_creates_a_job_that_get_job_follows() {
    let fake = FakeGorgias::start().await;
    let jobs = fake.job_count();
    let r = call(
        &fake,
        "/apply-macro",
        r#"{"macroId": "374300", "ticketIds": [12346, "12346", 12345], "close": true}"#,
    )
    .await;
    let job = ok(&r)["job"].clone();
    assert_eq!(
        (job["type"].clone(), job["status"].clone()),
        (json!("applyMacro"), json!("pending"))
    );
    assert_eq!(fake.job_count(), jobs + 1);
    assert_eq!(
        fake.requests()[0].body,
        Some(
            json!({"type": "applyMacro", "params": {"macro_id": 374300, "ticket_ids": [12346, 12345], "apply_and_close": true}})
        )
    );
    let id = job["id"].as_u64().unwrap();
    assert_eq!(fake.job(id).unwrap()["params"]["ticket_ids"], json!([12346, 12345]));
    let r = call(&fake, "/get-job", &json!({"jobId": id}).to_string()).await;
    assert_eq!(ok(&r)["job"], job);

    // Without an answer body, the job is found among the newest applyMacro jobs.
    fake.empty_write_answers(true);
    fake.clear_log();
    let r = call(&fake, "/apply-macro", r#"{"macroId": 374421, "ticketIds": [12347]}"#).await;
    let found = ok(&r)["job"].clone();
    assert_eq!(found["id"], id + 1);
    assert_eq!(
        fake.lines(),
        vec![
            "POST /api/jobs",
            "GET /api/jobs?type=applyMacro&order_by=created_datetime%3Adesc&limit=10"
        ]
    );

    // Gorgias's refusals come back as they are; bad input never leaves.
    fake.empty_write_answers(false);
    let r = call(&fake, "/apply-macro", r#"{"macroId": 1, "ticketIds": [12345]}"#).await;
    assert_eq!((r.status, r.json()["error"]["code"].clone()), (422, json!("upstream")));
    fake.clear_log();
    let r = call(&fake, "/apply-macro", r#"{"macroId": 374421, "ticketIds": []}"#).await;
    assert_eq!(r.json()["error"]["field"], "ticketIds");
    assert!(fake.lines().is_empty());
    let r = call(&fake, "/get-job", r#"{"jobId": 42}"#).await;
    assert_eq!((r.status, r.json()["error"]["code"].clone()), (404, json!("not-found")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_is_as_strict_as_gorgias_about_customer_bodies() {
    let fake = FakeGorgias::start().await;
    // `channels` is required on create, and each channel needs type, address and preferred.
    for (body, field) in [
        (json!({"name": "X"}), "channels"),
        (
            json!({"name": "X", "channels": [{"type": "email", "address": "a@b"}]}),
            "channels",
        ),
        (json!({"name": "X", "channels": [], "phone": "1"}), "phone"),
    ] {
        let (status, answer) = raw(&fake, "POST", "/api/customers", body).await;
        assert_eq!(status, 400);
        assert!(answer["error"]["data"].get(field).is_some(), "{answer}");
    }
    let (status, _) = raw(&fake, "POST", "/api/customers", json!({"name": "X", "channels": []})).await;
    assert_eq!(status, 201);
    let (status, answer) = raw(
        &fake,
        "POST",
        "/api/jobs",
        json!({"type": "exportTicket", "params": {}}),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    let (status, answer) = raw(
        &fake,
        "POST",
        "/api/jobs",
        json!({"type": "applyMacro", "params": {"macro_id": 374421, "ticket_ids": [1], "view_id": 3}}),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
}

/// Sends `method path body` straight to the fake with the sandbox
/// credentials (HTTP/1.1 by hand): its status and JSON answer.
async fn raw(fake: &FakeGorgias, method: &str, path: &str, body: Value) -> (u16, Value) {
    use std::io::{Read, Write};
    let addr = fake.addr;
    let auth = support::fake_gorgias::b64(
        format!("{}:{}", support::fake_gorgias::EMAIL, support::fake_gorgias::API_KEY).as_bytes(),
    );
    let body = body.to_string();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Basic {auth}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(req.as_bytes()).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        let text = String::from_utf8_lossy(&out).into_owned();
        let status: u16 = text.split_whitespace().nth(1).unwrap().parse().unwrap();
        let json = text.split("\r\n\r\n").nth(1).unwrap_or("null");
        (status, serde_json::from_str(json).unwrap_or(Value::Null))
    })
    .await
    .unwrap()
}
