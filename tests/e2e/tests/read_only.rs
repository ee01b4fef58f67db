//! Read-only mode (`read_only = true`) on every surface: the listing, the
//! HTTP routes, MCP, OpenAPI and the typed exports. Mutations are neither
//! listed nor callable, and nothing reaches Gorgias when one is attempted.
mod support;

use bytes::Bytes;
use gorgias_connector::ops;
use http_body_util::Full;
use serde_json::{Value, json};
use std::collections::HashMap;
use support::config_for;
use support::fake_gorgias::{self, FakeGorgias};
use support::host::{Host, HttpResult, post, wit};

/// The mutations, from the registry: whatever is not read-only.
fn mutations() -> Vec<&'static str> {
    ops::OPERATIONS
        .iter()
        .filter(|o| !o.read_only)
        .map(|o| o.name)
        .collect()
}

/// The queries, from the registry, in its order (the order every surface lists them in).
fn queries() -> Vec<&'static str> {
    ops::OPERATIONS.iter().filter(|o| o.read_only).map(|o| o.name).collect()
}

fn read_only(fake: &FakeGorgias) -> HashMap<String, String> {
    let mut c = config_for(fake);
    c.insert("read_only".into(), "true".into());
    c
}

async fn get(config: &HashMap<String, String>, path: &str) -> HttpResult {
    let req = hyper::Request::builder()
        .method("GET")
        .uri(format!("http://localhost{path}"))
        .body(Full::new(Bytes::new()))
        .expect("request");
    Host::shared().http(config, req).await.0
}

async fn send(config: &HashMap<String, String>, path: &str, body: &str) -> HttpResult {
    Host::shared().http(config, post(path, body)).await.0
}

/// The registry's `read_only` flag is what the lists above come from, so it
/// is checked against behaviour: each query's spec example, run in read-only
/// mode, answers 200 and sends Gorgias only GETs; each mutation's example,
/// with writes allowed, sends Gorgias at least one write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_operation_is_read_only_exactly_when_its_example_only_reads() {
    assert!(!queries().is_empty() && !mutations().is_empty());
    assert!(queries().contains(&"get-ticket") && mutations().contains(&"update-ticket"));
    for op in ops::OPERATIONS {
        let fake = FakeGorgias::start().await;
        let cfg = if op.read_only {
            read_only(&fake)
        } else {
            config_for(&fake)
        };
        let r = send(&cfg, &format!("/{}", op.name), op.example).await;
        assert_eq!(r.status, 200, "{}: {}", op.name, String::from_utf8_lossy(&r.body));
        let lines = fake.lines();
        assert!(!lines.is_empty(), "{}: nothing reached Gorgias", op.name);
        let writes = lines.iter().filter(|l| !l.starts_with("GET ")).count();
        if op.read_only {
            assert_eq!(writes, 0, "{} is read-only but sent {lines:?}", op.name);
        } else {
            assert!(writes > 0, "{} is a mutation but only read: {lines:?}", op.name);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_listing_and_openapi_offer_only_queries() {
    let fake = FakeGorgias::start().await;
    let cfg = read_only(&fake);
    let listing = get(&cfg, "/operations").await.json();
    assert_eq!(listing["readOnly"], true);
    let names: Vec<&str> = listing["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, queries());

    for name in mutations() {
        let r = send(&cfg, &format!("/{name}"), r#"{"ticketId": 12345}"#).await;
        assert_eq!(r.status, 403, "{name}");
        let e = r.json()["error"].clone();
        assert_eq!(
            (&e["code"], &e["retryable"]),
            (&json!("read-only"), &json!(false)),
            "{name}"
        );
        assert!(e["message"].as_str().unwrap().starts_with(name));
    }
    assert!(fake.requests().is_empty(), "a refused mutation sends nothing");
    let r = send(&cfg, "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!((r.status, r.json()["ticket"]["id"].clone()), (200, json!(12345)));

    let doc = get(&cfg, "/openapi.json").await.json();
    for name in mutations() {
        assert!(doc["paths"].get(format!("/{name}")).is_none(), "{name}");
    }
    for name in queries() {
        assert!(doc["paths"].get(format!("/{name}")).is_some(), "{name}");
    }

    // Off by default and with "false".
    let mut off = config_for(&fake);
    assert_eq!(
        get(&off, "/operations").await.json()["operations"]
            .as_array()
            .unwrap()
            .len(),
        ops::OPERATIONS.len()
    );
    off.insert("read_only".into(), "false".into());
    assert_eq!(
        get(&off, "/operations").await.json()["operations"]
            .as_array()
            .unwrap()
            .len(),
        ops::OPERATIONS.len()
    );
    // A typo is a configuration error, not a silent "writable".
    off.insert("read_only".into(), "ture".into());
    let r = send(&off, "/get-ticket", r#"{"ticketId": 12345}"#).await;
    assert_eq!(
        (r.status, r.json()["error"]["code"].clone()),
        (500, json!("configuration"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_lists_and_calls_only_queries() {
    let fake = FakeGorgias::start().await;
    let cfg = read_only(&fake);
    let rpc = async |method: &str, params: Value| -> Value {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
        let r = send(&cfg, "/mcp", &body).await;
        assert_eq!(r.status, 200);
        r.json()
    };
    let list = rpc("tools/list", json!({})).await;
    let names: Vec<&str> = list["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, queries());
    for t in list["result"]["tools"].as_array().unwrap() {
        assert_eq!(t["annotations"]["readOnlyHint"], true);
    }
    let init = rpc("initialize", json!({"protocolVersion": "2025-06-18"})).await;
    assert!(init["result"]["instructions"].as_str().unwrap().contains("read-only"));
    for name in mutations() {
        let v = rpc("tools/call", json!({"name": name, "arguments": {"ticketId": 12345}})).await;
        assert_eq!(v["error"]["code"], -32602, "{name}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("read-only"));
    }
    assert!(fake.requests().is_empty());
    let v = rpc(
        "tools/call",
        json!({"name": "list-ticket-tags", "arguments": {"ticketId": 12345}}),
    )
    .await;
    assert_eq!(v["result"]["isError"], false);
    let queries = ops::OPERATIONS.iter().filter(|o| o.read_only).count();
    assert_eq!(ops::available(true).count(), queries);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_mutations_fail_with_configuration() {
    let fake = FakeGorgias::start().await;
    let cfg = read_only(&fake);
    let conn = wit::Connection::ApiKey(wit::ApiKeyCredentials {
        account: fake_gorgias::ACCOUNT.into(),
        email: fake_gorgias::EMAIL.into(),
        api_key: fake_gorgias::API_KEY.into(),
    });
    let host = Host::shared();
    let req = wit::UpdateTicketRequest {
        ticket_id: 12345,
        status: Some("closed".into()),
        priority: None,
        assignee_user_id: wit::Assignment::Keep,
        assignee_team_id: wit::Assignment::Keep,
        subject: None,
    };
    let (e, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets().call_update_ticket(s, &conn, &req).await
        })
        .await;
    match e.unwrap_err() {
        wit::Error::Configuration(m) => assert!(m.contains("update-ticket") && m.contains("read-only"), "{m}"),
        other => panic!("{other:?}"),
    }
    let tags = wit::AddTicketTagsRequest {
        ticket_id: 12345,
        tag_names: vec!["vip".into()],
        tag_ids: vec![],
    };
    let set = wit::SetTicketTagsRequest {
        ticket_id: 12345,
        tag_names: vec!["vip".into()],
        tag_ids: vec![],
    };
    let (e, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_add_ticket_tags(s, &conn, &tags)
                .await
        })
        .await;
    assert!(matches!(e.unwrap_err(), wit::Error::Configuration(_)));
    let (e, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets().call_set_ticket_tags(s, &conn, &set).await
        })
        .await;
    assert!(matches!(e.unwrap_err(), wit::Error::Configuration(_)));
    assert!(fake.requests().is_empty(), "a refused mutation sends nothing");

    let (t, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_get_ticket(s, &conn, wit::GetTicketRequest { ticket_id: 12345 })
                .await
        })
        .await;
    assert_eq!(t.unwrap().ticket.id, 12345);
}
