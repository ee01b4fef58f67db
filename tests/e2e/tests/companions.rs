//! Issue 11's seven new operations and defects 1, 2, 3 and 7 end to end: the
//! built component under wasmtime → the fake Gorgias, on the HTTP routes, the
//! typed WIT exports and MCP `tools/call`, checking the exact upstream
//! requests and the exact answers.
#![allow(clippy::unwrap_used, reason = "test code: a failed unwrap is a failed test")]
mod support;

use bytes::Bytes;
use gorgias_connector::ops::{self};
use gorgias_connector::schema::check_schema;
use http_body_util::Full;
use serde_json::{Value, json};
use std::collections::HashMap;
use support::config_for;
use support::fake_gorgias::{self, FakeGorgias};
use support::host::{Host, HttpResult, post, wit};

async fn call(fake: &FakeGorgias, path: &str, body: &str) -> HttpResult {
    call_with(&config_for(fake), path, body).await
}

async fn call_with(config: &HashMap<String, String>, path: &str, body: &str) -> HttpResult {
    let (r, logs) = Host::shared().http(config, post(path, body)).await;
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

fn bodies(fake: &FakeGorgias) -> Vec<Option<Value>> {
    fake.requests().into_iter().map(|r| r.body).collect()
}

fn conn() -> wit::Connection {
    wit::Connection::ApiKey(wit::ApiKeyCredentials {
        account: fake_gorgias::ACCOUNT.into(),
        email: fake_gorgias::EMAIL.into(),
        api_key: fake_gorgias::API_KEY.into(),
    })
}

const VIEW_301: &str = r#"{"id": 301, "name": "My tickets", "category": "user", "visibility": "public", "slug": "my-tickets", "deactivated_datetime": null}"#;
const VIEW_302: &str = r#"{"id": 302, "name": "Refunds", "category": "user", "visibility": "shared", "slug": "refunds", "deactivated_datetime": "2024-06-01T00:00:00+00:00"}"#;
const VIEW_303: &str = r#"{"id": 303, "name": "Spam", "category": null, "visibility": "private", "slug": "spam", "deactivated_datetime": null}"#;

fn j(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

// ---- routes -------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_tags_route_searches_case_insensitively_and_pages() {
    let fake = FakeGorgias::start().await;
    let r = call(&fake, "/list-tags", r#"{"search": "vip", "limit": 1}"#).await;
    assert_eq!(
        ok("list-tags", &r),
        json!({"tags": [{"id": 11, "name": "vip", "description": "High-value customer", "color": "#eb144c"}], "nextCursor": "cur-1"})
    );
    let r = call(
        &fake,
        "/list-tags",
        r#"{"search": "vip", "limit": 1, "cursor": "cur-1"}"#,
    )
    .await;
    assert_eq!(
        ok("list-tags", &r),
        json!({"tags": [{"id": 12, "name": "VIP-legacy", "description": null, "color": null}], "nextCursor": null})
    );
    let r = call(&fake, "/list-tags", "{}").await;
    assert_eq!(ok("list-tags", &r)["tags"].as_array().unwrap().len(), 3);
    assert_eq!(
        fake.lines(),
        vec![
            "GET /api/tags?search=vip&limit=1",
            "GET /api/tags?search=vip&limit=1&cursor=cur-1",
            "GET /api/tags"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_tags_route_refuses_a_bad_limit_before_any_request() {
    let fake = FakeGorgias::start().await;
    let r = call(&fake, "/list-tags", r#"{"limit": 101}"#).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["field"], "limit");
    let r = call(&fake, "/list-teams", r#"{"search": "x"}"#).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["field"], "search");
    assert!(fake.lines().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_views_route_reads_cursor_pages_and_bare_arrays() {
    let fake = FakeGorgias::start().await;
    let r = call(&fake, "/list-views", r#"{"limit": 2}"#).await;
    assert_eq!(
        ok("list-views", &r),
        json!({"views": [j(VIEW_301), j(VIEW_302)], "nextCursor": "cur-2"})
    );
    fake.bare_directory_lists(true);
    let r = call(&fake, "/list-views", "{}").await;
    assert_eq!(
        ok("list-views", &r),
        json!({"views": [j(VIEW_301), j(VIEW_302), j(VIEW_303)], "nextCursor": null})
    );
    assert_eq!(fake.lines(), vec!["GET /api/views?limit=2", "GET /api/views"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_users_route_searches_name_or_email_and_maps_role_name() {
    let fake = FakeGorgias::start().await;
    let r = call(&fake, "/list-users", r#"{"search": "SAM"}"#).await;
    assert_eq!(
        ok("list-users", &r),
        json!({"users": [{"id": 4568, "name": "Sam Support", "firstname": "Sam", "lastname": "Support", "email": "sam.support@yourstore.com", "role": "basic-agent"}], "nextCursor": null})
    );
    fake.bare_directory_lists(true);
    let r = call(&fake, "/list-users", r#"{"search": "gorgias.example"}"#).await;
    assert_eq!(
        ok("list-users", &r),
        json!({"users": [{"id": 4569, "name": "Gorgias Bot", "firstname": "", "lastname": "", "email": "bot@gorgias.example", "role": "bot"}], "nextCursor": null})
    );
    assert_eq!(
        fake.lines(),
        vec!["GET /api/users?search=SAM", "GET /api/users?search=gorgias.example"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_teams_route_answers_the_teams() {
    let fake = FakeGorgias::start().await;
    let r = call(&fake, "/list-teams", r#"{"limit": 30}"#).await;
    assert_eq!(
        ok("list-teams", &r),
        json!({"teams": [{"id": 77, "name": "Tier 1", "description": "First line support"}, {"id": 78, "name": "Warehouse", "description": null}], "nextCursor": null})
    );
    assert_eq!(fake.lines(), vec!["GET /api/teams?limit=30"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_customer_route_reads_one_customer_and_maps_404() {
    let fake = FakeGorgias::start().await;
    let r = call(&fake, "/get-customer", r#"{"customerId": "98767"}"#).await;
    assert_eq!(
        ok("get-customer", &r),
        json!({"customer": {"id": 98767, "name": "Jane Roe", "firstname": "Jane", "lastname": "Roe", "email": "jane.primary@example.com", "external_id": null, "created_datetime": "2024-12-02T10:00:00+00:00"}})
    );
    let r = call(&fake, "/get-customer", r#"{"customerId": 5}"#).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], "not-found");
    assert_eq!(fake.lines(), vec!["GET /api/customers/98767", "GET /api/customers/5"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_ticket_tags_route_deletes_resolved_ids_and_ignores_unknown_names() {
    let fake = FakeGorgias::start().await;
    let r = call(
        &fake,
        "/remove-ticket-tags",
        r#"{"ticketId": 12345, "tagNames": ["shipping", "no-such-tag"]}"#,
    )
    .await;
    assert_eq!(ok("remove-ticket-tags", &r), json!({"success": true}));
    // The two lookups go out together (in any order).
    assert_eq!(
        fake.lines_batches_sorted(),
        vec![
            "GET /api/tags?search=no-such-tag&limit=100",
            "GET /api/tags?search=shipping&limit=100",
            "DELETE /api/tickets/12345/tags"
        ]
    );
    assert_eq!(bodies(&fake)[2], Some(json!({"ids": [13]})));
    assert!(fake.ticket_tag_names(12345).is_empty());
    // Only unknown names: nothing to remove, no DELETE.
    fake.clear_log();
    let r = call(
        &fake,
        "/remove-ticket-tags",
        r#"{"ticketId": 12346, "tagNames": ["nope"]}"#,
    )
    .await;
    assert_eq!(ok("remove-ticket-tags", &r), json!({"success": true}));
    assert_eq!(fake.lines(), vec!["GET /api/tags?search=nope&limit=100"]);
    assert_eq!(fake.ticket_tag_names(12346), vec!["vip"]);
    let r = call(&fake, "/remove-ticket-tags", r#"{"ticketId": 12346}"#).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["field"], "tagNames");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_ticket_tags_route_replaces_creates_and_clears() {
    let fake = FakeGorgias::start().await;
    let r = call(
        &fake,
        "/set-ticket-tags",
        r#"{"ticketId": 12345, "tagNames": ["vip", "brand-new"]}"#,
    )
    .await;
    assert_eq!(ok("set-ticket-tags", &r), json!({"success": true}));
    let lines = fake.lines_batches_sorted();
    assert_eq!(
        lines,
        vec![
            "GET /api/tags?search=brand-new&limit=100",
            "GET /api/tags?search=vip&limit=100",
            "POST /api/tags",
            "PUT /api/tickets/12345/tags"
        ]
    );
    let b = bodies(&fake);
    assert_eq!(b[2], Some(json!({"name": "brand-new"})));
    let new_id = b[3].as_ref().unwrap()["ids"][1].as_u64().unwrap();
    assert_eq!(b[3], Some(json!({"ids": [11, new_id]})));
    assert_eq!(fake.ticket_tag_names(12345), vec!["vip", "brand-new"]);
    fake.clear_log();
    let r = call(
        &fake,
        "/set-ticket-tags",
        r#"{"ticketId": 12345, "tagNames": [], "tagIds": []}"#,
    )
    .await;
    assert_eq!(ok("set-ticket-tags", &r), json!({"success": true}));
    // No tags: the ticket update with an empty tag list (what Gorgias's web application sends).
    assert_eq!(fake.lines(), vec!["PUT /api/tickets/12345"]);
    assert_eq!(bodies(&fake)[0], Some(json!({"tags": []})));
    assert!(fake.ticket_tag_names(12345).is_empty());
}

// ---- defects, end to end ----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_ticket_tags_finds_an_exact_name_on_page_two_instead_of_creating_it() {
    let fake = FakeGorgias::start().await;
    fake.seed_similar_tags();
    let r = call(
        &fake,
        "/add-ticket-tags",
        r#"{"ticketId": 12347, "tagNames": ["refund"]}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        fake.lines(),
        vec![
            "GET /api/tags?search=refund&limit=100",
            "GET /api/tags?search=refund&limit=100&cursor=cur-100",
            "POST /api/tickets/12347/tags"
        ]
    );
    assert_eq!(bodies(&fake)[2], Some(json!({"ids": [9999]})));
    assert_eq!(fake.tags_named("refund"), 1);
    assert_eq!(fake.ticket_tag_names(12347), vec!["refund"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_ticket_null_unassigns_and_absent_leaves_the_other_assignee() {
    let fake = FakeGorgias::start().await;
    let r = call(
        &fake,
        "/update-ticket",
        r#"{"ticketId": 12345, "assigneeUserId": null}"#,
    )
    .await;
    assert_eq!(
        ok("update-ticket", &r),
        json!({"ticketId": 12345, "status": "open", "priority": "normal", "assignee_user_id": null, "assignee_team_id": 77, "updated_datetime": "2024-12-04T15:18:56.123456+00:00"})
    );
    assert_eq!(fake.lines(), vec!["PUT /api/tickets/12345"]);
    assert_eq!(bodies(&fake)[0], Some(json!({"assignee_user": null})));
    assert_eq!((fake.assignee_user(12345), fake.assignee_team(12345)), (None, Some(77)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_ticket_messages_is_oldest_first_unless_order_by_desc() {
    let fake = FakeGorgias::start().await;
    let ids = |v: &Value| -> Vec<u64> {
        v["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_u64().unwrap())
            .collect()
    };
    let r = call(&fake, "/get-ticket-messages", r#"{"ticketId": 12345}"#).await;
    assert_eq!(ids(&ok("get-ticket-messages", &r)), vec![5001, 5002]);
    let r = call(
        &fake,
        "/get-ticket-messages",
        r#"{"ticketId": 12345, "orderBy": "created_datetime:desc"}"#,
    )
    .await;
    assert_eq!(ids(&ok("get-ticket-messages", &r)), vec![5002, 5001]);
    let r = call(
        &fake,
        "/get-ticket-messages",
        r#"{"ticketId": 12345, "orderBy": "id:asc"}"#,
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["field"], "orderBy");
    assert_eq!(
        fake.lines(),
        vec![
            "GET /api/messages?ticket_id=12345&order_by=created_datetime%3Aasc",
            "GET /api/messages?ticket_id=12345&order_by=created_datetime%3Adesc"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_customer_by_email_looks_in_email_channels_and_then_in_lower_case() {
    let fake = FakeGorgias::start().await;
    let r = call(&fake, "/find-customer-by-email", r#"{"email": "jane@work.example"}"#).await;
    let v = ok("find-customer-by-email", &r);
    assert_eq!(v["customers"][0]["id"], 98767);
    assert_eq!(v["customers"][0]["email"], "jane.primary@example.com");
    assert_eq!(
        fake.lines(),
        vec![
            "GET /api/customers?email=jane%40work.example",
            "GET /api/customers?channel_type=email&channel_address=jane%40work.example"
        ]
    );
    fake.clear_log();
    let r = call(&fake, "/find-customer-by-email", r#"{"email": "JANE@work.example"}"#).await;
    assert_eq!(ok("find-customer-by-email", &r)["customers"][0]["id"], 98767);
    assert_eq!(fake.lines().len(), 4);
    assert_eq!(
        fake.lines()[3],
        "GET /api/customers?channel_type=email&channel_address=jane%40work.example"
    );
    // A deleted channel does not match; nothing found is an empty list.
    fake.clear_log();
    let r = call(&fake, "/find-customer-by-email", r#"{"email": "old-jane@example.net"}"#).await;
    assert_eq!(ok("find-customer-by-email", &r), json!({"customers": []}));
    assert_eq!(fake.lines().len(), 2);
}

// ---- typed exports ------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_exports_run_the_new_operations() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let host = Host::shared();
    let list = wit::ListTagsRequest {
        search: Some("vip".into()),
        limit: Some(1),
        cursor: None,
    };
    let (p, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_directory().call_list_tags(s, &conn(), &list).await
        })
        .await;
    let p = p.unwrap();
    assert_eq!(
        (
            p.tags[0].id,
            p.tags[0].name.as_str(),
            p.tags[0].color.as_deref(),
            p.next_cursor.as_deref()
        ),
        (11, "vip", Some("#eb144c"), Some("cur-1"))
    );
    let page = wit::ListViewsRequest {
        limit: Some(1),
        cursor: Some("cur-1".into()),
    };
    let (v, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_directory().call_list_views(s, &conn(), &page).await
        })
        .await;
    let v = v.unwrap();
    assert_eq!(
        (
            v.views[0].id,
            v.views[0].visibility.as_deref(),
            v.views[0].deactivated_datetime.as_deref(),
            v.next_cursor.as_deref()
        ),
        (302, Some("shared"), Some("2024-06-01T00:00:00+00:00"), Some("cur-2"))
    );
    let users = wit::ListUsersRequest {
        search: Some("alex".into()),
        limit: None,
        cursor: None,
    };
    let (u, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_directory()
                .call_list_users(s, &conn(), &users)
                .await
        })
        .await;
    let u = u.unwrap();
    assert_eq!(u.users.len(), 1);
    assert_eq!(
        (u.users[0].id, u.users[0].email.as_deref(), u.users[0].role.as_deref()),
        (4567, Some("agent@yourstore.com"), Some("admin"))
    );
    let all = wit::ListTeamsRequest {
        limit: None,
        cursor: None,
    };
    let (t, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_directory().call_list_teams(s, &conn(), &all).await
        })
        .await;
    let t = t.unwrap();
    assert_eq!(
        t.teams
            .iter()
            .map(|t| (t.id, t.description.clone()))
            .collect::<Vec<_>>(),
        vec![(77, Some("First line support".to_string())), (78, None)]
    );
    let (cu, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_customers()
                .call_get_customer(s, &conn(), wit::GetCustomerRequest { customer_id: 98768 })
                .await
        })
        .await;
    let cu = cu.unwrap().customer;
    assert_eq!(
        (cu.id, cu.name.clone(), cu.firstname.as_deref(), cu.email.as_deref()),
        (98768, None, Some(""), Some("Max@Example.com"))
    );
    let (missing, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_customers()
                .call_get_customer(s, &conn(), wit::GetCustomerRequest { customer_id: 1 })
                .await
        })
        .await;
    assert!(matches!(missing, Err(wit::Error::NotFound(_))), "{missing:?}");
    let tags = wit::RemoveTicketTagsRequest {
        ticket_id: 12345,
        tag_names: vec!["shipping".into()],
        tag_ids: vec![],
    };
    let (removed, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_remove_ticket_tags(s, &conn(), &tags)
                .await
        })
        .await;
    assert!(removed.unwrap().success);
    let set = wit::SetTicketTagsRequest {
        ticket_id: 12346,
        tag_names: vec![],
        tag_ids: vec![11, 13],
    };
    let (replaced, _) = host
        .typed(&cfg, async |c, s| {
            c.gorgias_connector_tickets()
                .call_set_ticket_tags(s, &conn(), &set)
                .await
        })
        .await;
    assert!(replaced.unwrap().success);
    assert_eq!(fake.ticket_tag_names(12346), vec!["vip", "shipping"]);
    assert_eq!(
        fake.lines(),
        vec![
            "GET /api/tags?search=vip&limit=1",
            "GET /api/views?limit=1&cursor=cur-1",
            "GET /api/users?search=alex",
            "GET /api/teams",
            "GET /api/customers/98768",
            "GET /api/customers/1",
            "GET /api/tags?search=shipping&limit=100",
            "DELETE /api/tickets/12345/tags",
            "PUT /api/tickets/12346/tags"
        ]
    );
    let b = bodies(&fake);
    assert_eq!(
        (b[7].clone(), b[8].clone()),
        (Some(json!({"ids": [13]})), Some(json!({"ids": [11, 13]})))
    );
}

// ---- MCP ------------------------------------------------------------------------------

fn mcp_request(body: &str) -> hyper::Request<Full<Bytes>> {
    hyper::Request::builder()
        .method("POST")
        .uri("http://localhost/mcp")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-06-18")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

async fn rpc(config: &HashMap<String, String>, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}).to_string();
    let (r, logs) = Host::shared().http(config, mcp_request(&body)).await;
    assert!(!logs.stderr.contains("panicked"), "guest panicked: {}", logs.stderr);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_tools_call_runs_each_new_operation_like_its_route() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let cases = [
        (
            "list-tags",
            json!({"search": "ship"}),
            json!({"tags": [{"id": 13, "name": "shipping", "description": "Shipping questions", "color": "#0693e3"}], "nextCursor": null}),
            "GET /api/tags?search=ship",
        ),
        (
            "list-views",
            json!({"limit": 1}),
            json!({"views": [j(VIEW_301)], "nextCursor": "cur-1"}),
            "GET /api/views?limit=1",
        ),
        (
            "list-users",
            json!({"search": "bot@"}),
            json!({"users": [{"id": 4569, "name": "Gorgias Bot", "firstname": "", "lastname": "", "email": "bot@gorgias.example", "role": "bot"}], "nextCursor": null}),
            "GET /api/users?search=bot%40",
        ),
        (
            "list-teams",
            json!({"limit": 1}),
            json!({"teams": [{"id": 77, "name": "Tier 1", "description": "First line support"}], "nextCursor": "cur-1"}),
            "GET /api/teams?limit=1",
        ),
        (
            "get-customer",
            json!({"customerId": 98766}),
            json!({"customer": {"id": 98766, "name": "Sam Lee", "firstname": "Sam", "lastname": "Lee", "email": "sam@example.org", "external_id": null, "created_datetime": "2024-12-01T09:00:00+00:00"}}),
            "GET /api/customers/98766",
        ),
        (
            "remove-ticket-tags",
            json!({"ticketId": 12346, "tagIds": [11]}),
            json!({"success": true}),
            "DELETE /api/tickets/12346/tags",
        ),
        (
            "set-ticket-tags",
            json!({"ticketId": 12347, "tagIds": [13]}),
            json!({"success": true}),
            "PUT /api/tickets/12347/tags",
        ),
    ];
    for (name, args, expected, line) in cases {
        fake.clear_log();
        let v = rpc(&cfg, "tools/call", json!({"name": name, "arguments": args})).await;
        let result = &v["result"];
        assert_eq!(result["isError"], false, "{name}: {v}");
        assert_eq!(result["structuredContent"], expected, "{name}");
        let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(text, expected, "{name}");
        assert_eq!(fake.lines(), vec![line], "{name}");
    }
    assert!(fake.ticket_tag_names(12346).is_empty());
    assert_eq!(fake.ticket_tag_names(12347), vec!["shipping"]);

    let tools = rpc(&cfg, "tools/list", json!({})).await;
    let tools = tools["result"]["tools"].as_array().unwrap().clone();
    // The default tier (`write`) lists every operation but the deletions.
    assert_eq!(tools.len(), ops::available(ops::Access::default()).count());
    let hints = |name: &str| tools.iter().find(|t| t["name"] == name).unwrap()["annotations"].clone();
    assert_eq!(
        hints("set-ticket-tags"),
        json!({"title": "Set Ticket Tags", "readOnlyHint": false, "destructiveHint": true, "idempotentHint": true, "openWorldHint": true})
    );
    assert_eq!(hints("remove-ticket-tags")["destructiveHint"], true);
    assert_eq!(
        hints("get-customer"),
        json!({"title": "Get Customer", "readOnlyHint": true, "openWorldHint": true})
    );
}
