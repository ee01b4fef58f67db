//! Issue 21's custom-field and satisfaction-survey operations end to end:
//! the built component under wasmtime → the fake Gorgias, on the HTTP routes
//! and the typed WIT exports, checking the exact upstream requests, what the
//! fake stored, and the answers.
#![allow(clippy::unwrap_used, reason = "test code: a failed unwrap is a failed test")]
mod support;

use gorgias_connector::ops;
use gorgias_connector::schema::check_schema;
use serde_json::{Value, json};
use support::config_for;
use support::fake_gorgias::{self, FakeGorgias};
use support::host::exports::gorgias::connector::fields as f;
use support::host::{Host, HttpResult, post, wit};

async fn call(fake: &FakeGorgias, path: &str, body: &str) -> HttpResult {
    let (r, logs) = Host::shared().http(&config_for(fake), post(path, body)).await;
    assert!(!logs.stderr.contains("panicked"), "guest panicked: {}", logs.stderr);
    r
}

/// A 200 answer's JSON, checked against the operation's output schema.
fn ok(op: &str, r: &HttpResult) -> Value {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    let schema = ops::find(op).unwrap().output_schema();
    check_schema(&v, &schema, "$").unwrap_or_else(|e| panic!("{op}: {e}"));
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
async fn set_ticket_custom_fields_keeps_the_fields_it_does_not_name() {
    let fake = FakeGorgias::start().await;
    // 203 (a number field) has a value; 202 is replaced; 204 is new (boolean).
    let r = call(
        &fake,
        "/set-ticket-custom-fields",
        r#"{"ticketId": 12345, "fields": [{"id": 202, "value": "Return"}, {"id": 204, "value": "false"}]}"#,
    )
    .await;
    assert_eq!(
        ok("set-ticket-custom-fields", &r),
        json!({"customFields": [
            {"id": 202, "label": "Contact reason", "value": "Return"},
            {"id": 203, "label": "Items returned", "value": "2"},
            {"id": 204, "label": "Gift order", "value": "false"}]})
    );
    assert_eq!(
        fake.ticket_field_values(12345),
        vec![(202, json!("Return")), (203, json!(2)), (204, json!(false))]
    );
    // The named field had a value and its definition came with it: no definitions read.
    fake.clear_log();
    let r = call(
        &fake,
        "/set-ticket-custom-fields",
        r#"{"ticketId": 12345, "fields": [{"id": 203, "value": "3"}]}"#,
    )
    .await;
    ok("set-ticket-custom-fields", &r);
    assert_eq!(
        fake.lines(),
        vec![
            "GET /api/tickets/12345/custom-fields",
            "PUT /api/tickets/12345/custom-fields"
        ]
    );
    assert_eq!(fake.ticket_field_values(12345)[1], (203, json!(3)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_ticket_custom_fields_refuses_what_the_definitions_refuse_before_writing() {
    let fake = FakeGorgias::start().await;
    // What the account's definitions refuse is what Gorgias would refuse
    // (422 upstream, or 404 for an ID no Ticket field has), naming the field;
    // a request that breaks the schema (an ID twice) is invalid-input.
    for (body, status, code, field) in [
        (
            r#"{"ticketId": 12345, "fields": [{"id": 203, "value": "two"}]}"#,
            422,
            "upstream",
            "fields[0].value",
        ),
        (
            r#"{"ticketId": 12345, "fields": [{"id": 201, "value": "x"}, {"id": 202, "value": "Refund"}]}"#,
            422,
            "upstream",
            "fields[1].value",
        ),
        // A Customer field is no Ticket field.
        (
            r#"{"ticketId": 12345, "fields": [{"id": 301, "value": "Gold"}]}"#,
            404,
            "not-found",
            "fields[0].id",
        ),
        (
            r#"{"ticketId": 12345, "fields": [{"id": 201, "value": "a"}, {"id": "201", "value": "b"}]}"#,
            422,
            "upstream",
            "fields[1].id",
        ),
    ] {
        let r = call(&fake, "/set-ticket-custom-fields", body).await;
        let e = &r.json()["error"];
        assert_eq!((r.status, e["code"].as_str()), (status, Some(code)), "{body}");
        let named = if status == 400 {
            &e["field"]
        } else {
            &e["fieldErrors"][0]["field"]
        };
        assert_eq!(named, field, "{body}");
    }
    assert!(fake.lines().iter().all(|l| l.starts_with("GET ")), "{:?}", fake.lines());
    assert_eq!(
        fake.ticket_field_values(12345),
        vec![(202, json!("Order::Status")), (203, json!(2))]
    );
    let r = call(
        &fake,
        "/set-ticket-custom-fields",
        r#"{"ticketId": 999, "fields": [{"id": 201, "value": "x"}]}"#,
    )
    .await;
    assert_eq!((r.status, r.json()["error"]["code"].clone()), (404, json!("not-found")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_write_answers_are_read_back() {
    let fake = FakeGorgias::start().await;
    fake.empty_field_and_survey_bodies(true);
    let r = call(
        &fake,
        "/set-ticket-custom-fields",
        r#"{"ticketId": 12346, "fields": [{"id": 204, "value": "false"}]}"#,
    )
    .await;
    assert_eq!(
        ok("set-ticket-custom-fields", &r)["customFields"],
        json!([{"id": 204, "label": "Gift order", "value": "false"}, {"id": 205, "label": "Legacy SKU", "value": "SKU-9"}])
    );
    let r = call(
        &fake,
        "/create-satisfaction-survey",
        r#"{"ticketId": 12345, "customerId": 98765}"#,
    )
    .await;
    let survey = &ok("create-satisfaction-survey", &r)["survey"];
    assert_eq!(
        (survey["ticket_id"].clone(), survey["score"].clone()),
        (json!(12345), Value::Null)
    );
    assert_eq!(
        fake.lines()[3..],
        [
            "POST /api/satisfaction-surveys",
            "GET /api/satisfaction-surveys?ticket_id=12345"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn surveys_are_sent_only_when_asked_and_one_ticket_has_one() {
    let fake = FakeGorgias::start().await;
    let r = call(
        &fake,
        "/create-satisfaction-survey",
        r#"{"ticketId": 12345, "customerId": 98765, "score": "4", "send": false}"#,
    )
    .await;
    assert_eq!(ok("create-satisfaction-survey", &r)["survey"]["score"], 4);
    assert_eq!(fake.surveys_of(12345)[0]["should_send_datetime"], Value::Null);
    // A second survey on the ticket: Gorgias refuses, passed on as upstream.
    let r = call(
        &fake,
        "/create-satisfaction-survey",
        r#"{"ticketId": 12345, "customerId": 98765, "send": true}"#,
    )
    .await;
    assert_eq!((r.status, r.json()["error"]["code"].clone()), (422, json!("upstream")));
    // send: true asks Gorgias to send it now (the host's clock).
    let body = fake.requests().last().unwrap().body.clone().unwrap();
    let when = body["should_send_datetime"].as_str().unwrap();
    assert!(
        when.len() == 25 && when.ends_with("+00:00") && when.starts_with("20"),
        "{when}"
    );
    let r = call(&fake, "/list-satisfaction-surveys", r#"{"limit": 2}"#).await;
    let page = ok("list-satisfaction-surveys", &r);
    assert_eq!(page["surveys"][0]["ticket_id"], 12345, "newest first");
    assert_eq!(page["nextCursor"], "cur-2");
    assert_eq!(fake.lines()[2..], ["GET /api/satisfaction-surveys?limit=2"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_exports_run_the_field_and_survey_operations() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let host = Host::shared();
    let list = f::ListCustomFieldsRequest {
        object_type: Some("Customer".into()),
        search: None,
        limit: None,
        cursor: None,
    };
    let (page, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_fields()
                .call_list_custom_fields(s, &conn(), &list)
                .await
        })
        .await;
    let page = page.unwrap();
    assert_eq!(page.custom_fields[0].choices, ["Gold", "Silver", "Bronze"]);
    assert_eq!(page.custom_fields[1].data_type.as_deref(), Some("number"));
    let set = f::SetTicketCustomFieldsRequest {
        ticket_id: 12347,
        fields: vec![f::CustomFieldValue {
            id: 203,
            value: "1".into(),
        }],
    };
    let (a, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_fields()
                .call_set_ticket_custom_fields(s, &conn(), &set)
                .await
        })
        .await;
    let a = a.unwrap();
    assert_eq!(
        (a.custom_fields[0].id, a.custom_fields[0].value.as_deref()),
        (203, Some("1"))
    );
    let create = f::CreateSatisfactionSurveyRequest {
        ticket_id: 12345,
        customer_id: 98765,
        score: Some(6),
        body_text: None,
        send: None,
    };
    let (e, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_fields()
                .call_create_satisfaction_survey(s, &conn(), &create)
                .await
        })
        .await;
    match e {
        Err(wit::Error::InvalidInput(fe)) => assert_eq!(fe.field, "score"),
        other => panic!("{other:?}"),
    }
}
