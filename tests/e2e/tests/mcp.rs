//! MCP over Streamable HTTP end to end: JSON-RPC to `POST /mcp` of the
//! component under wasmtime → the fake Gorgias.
mod support;

use bytes::Bytes;
use gorgias_connector::ops::{self};
use gorgias_connector::schema::check_schema;
use http_body_util::Full;
use serde_json::{Value, json};
use std::collections::HashMap;
use support::fake_gorgias::{self, FakeGorgias};
use support::host::{Host, HttpResult};
use support::{config_all, config_for};

fn request(method: &str, body: &str, headers: &[(&str, &str)]) -> hyper::Request<Full<Bytes>> {
    let mut b = hyper::Request::builder()
        .method(method)
        .uri("http://localhost/mcp")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Full::new(Bytes::from(body.to_string()))).expect("request")
}

async fn mcp_raw(config: &HashMap<String, String>, body: &str, headers: &[(&str, &str)]) -> HttpResult {
    let (r, logs) = Host::shared().http(config, request("POST", body, headers)).await;
    assert!(!logs.stderr.contains("panicked"), "guest panicked: {}", logs.stderr);
    r
}

/// Sends one JSON-RPC request and returns its response object.
async fn rpc(config: &HashMap<String, String>, id: u64, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string();
    let r = mcp_raw(config, &body, &[("mcp-protocol-version", "2025-06-18")]).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let v = r.json();
    assert_eq!((&v["jsonrpc"], &v["id"]), (&json!("2.0"), &json!(id)));
    v
}

async fn call_tool(config: &HashMap<String, String>, name: &str, arguments: Value) -> Value {
    let v = rpc(config, 42, "tools/call", json!({"name": name, "arguments": arguments})).await;
    assert!(v.get("error").is_none(), "{v}");
    v["result"].clone()
}

/// The successful result's structured content, checked against the tool's
/// output schema and against its text twin.
fn structured(name: &str, result: &Value) -> Value {
    assert_eq!(result["isError"], false, "{result}");
    let sc = result["structuredContent"].clone();
    let text = result["content"][0]["text"].as_str().expect("a text content block");
    let text: Value = serde_json::from_str(text).expect("the text is JSON");
    assert_eq!(result["content"][0]["type"], "text");
    assert_eq!(text, sc);
    let schema = ops::find(name).expect("a catalog operation").output_schema();
    check_schema(&sc, &schema, "$").unwrap_or_else(|e| panic!("{name}: output does not match its schema: {e}"));
    sc
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_list_and_notifications() {
    let fake = FakeGorgias::start().await;
    let cfg = config_all(&fake);
    let init = rpc(
        &cfg,
        1,
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}),
    )
    .await;
    let r = &init["result"];
    assert_eq!(r["protocolVersion"], "2025-06-18");
    assert_eq!(
        r["capabilities"],
        json!({"tools": {"listChanged": false}, "prompts": {"listChanged": false}, "logging": {}})
    );
    assert_eq!(r["serverInfo"]["name"], "gorgias-connector");
    assert!(r["instructions"].as_str().unwrap().contains("nextCursor"));

    let n = mcp_raw(&cfg, r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, &[]).await;
    assert_eq!((n.status, n.body.len()), (202, 0));

    let list = rpc(&cfg, 2, "tools/list", json!({})).await;
    let tools = list["result"]["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    // At access = all (config_all) every operation is offered, deletions included.
    let offered: Vec<&ops::Spec> = ops::available(ops::Access::All).collect();
    let expected: Vec<&str> = offered.iter().map(|o| o.name).collect();
    assert_eq!(names, expected);
    for (t, op) in tools.iter().zip(offered) {
        assert_eq!(t["description"], op.description);
        assert_eq!(t["inputSchema"], op.input_schema());
        assert_eq!(t["outputSchema"], op.output_schema());
        assert_eq!(t["annotations"]["readOnlyHint"], op.read_only());
    }
    let update = tools.iter().find(|t| t["name"] == "update-ticket").unwrap();
    assert_eq!(
        update["annotations"],
        json!({"title": "Update Ticket", "readOnlyHint": false, "destructiveHint": true, "idempotentHint": true, "openWorldHint": true})
    );
    assert_eq!(
        update["inputSchema"]["properties"]["priority"]["anyOf"][0]["enum"],
        json!(["critical", "high", "normal", "low"])
    );
    assert_eq!(rpc(&cfg, 3, "ping", json!({})).await["result"], json!({}));
    assert!(fake.requests().is_empty(), "nothing but tools/call reaches Gorgias");

    let get = Host::shared()
        .http(&cfg, request("GET", "", &[("accept", "text/event-stream")]))
        .await
        .0;
    assert_eq!((get.status, get.header("allow")), (405, Some("POST")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_call_get_ticket_example_is_the_route_answer() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let result = call_tool(&cfg, "get-ticket", json!({"ticketId": 12345})).await;
    assert_eq!(
        structured("get-ticket", &result),
        json!({"ticket": {
            "id": 12345, "subject": "Order hasn't shipped yet", "status": "open", "channel": "email", "priority": "normal",
            "customer_id": 98765, "assignee_user_id": 4567, "assignee_team_id": 77,
            "tags": [{"id": 13, "name": "shipping"}],
            "created_datetime": "2024-11-14T13:56:16.494726+00:00", "updated_datetime": "2024-12-04T15:18:56+00:00"
        }})
    );
    assert_eq!(fake.lines(), vec!["GET /api/tickets/12345"]);
    let expected_auth = format!(
        "Basic {}",
        fake_gorgias::b64(format!("{}:{}", fake_gorgias::EMAIL, fake_gorgias::API_KEY).as_bytes())
    );
    assert_eq!(fake.requests()[0].header("authorization"), Some(expected_auth.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_spec_example_through_tools_call_matches_its_output_schema() {
    for op in ops::OPERATIONS {
        let name = op.name;
        // A fresh fake each: one example's writes do not meet another's.
        let fake = FakeGorgias::start().await;
        let cfg = config_all(&fake);
        let args = op.example_args();
        // Arguments, unless the operation takes none.
        let takes_none = op.input_schema()["properties"].as_object().is_none_or(|p| p.is_empty());
        assert!(
            args.as_object().is_some_and(|a| a.is_empty() == takes_none),
            "{name}: its example is not a JSON object with arguments: {}",
            op.example
        );
        check_schema(&args, &op.input_schema(), "$").unwrap_or_else(|e| panic!("{name} example: {e}"));
        // `structured` fails unless the call succeeded and matches the output schema.
        let sc = structured(name, &call_tool(&cfg, name, args).await);
        assert!(!fake.lines().is_empty(), "{name}: nothing reached Gorgias");
        match name {
            "update-ticket" => assert_eq!((&sc["status"], &sc["priority"]), (&json!("closed"), &json!("high"))),
            "add-ticket-tags" => {
                assert_eq!(sc, json!({"success": true}));
                assert_eq!(fake.ticket_tag_names(12345), ["shipping", "vip", "reshipped"]);
            }
            "find-customer-by-email" => assert_eq!(sc["customers"][0]["id"], 98765),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tool_errors_are_is_error_results_an_agent_can_act_on() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let error_of = |result: &Value| -> Value {
        assert_eq!(result["isError"], true, "{result}");
        assert!(result.get("structuredContent").is_none());
        let e: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
        check_schema(&e, &gorgias_connector::schema::error_schema(), "$").unwrap();
        e["error"].clone()
    };
    let e = error_of(&call_tool(&cfg, "update-ticket", json!({"ticketId": 12345, "status": "resolved"})).await);
    assert_eq!((&e["code"], &e["field"]), (&json!("invalid-input"), &json!("status")));
    assert!(e["message"].as_str().unwrap().contains("open, closed"), "{e}");
    let e = error_of(&call_tool(&cfg, "get-ticket", json!({"ticketID": 12345})).await);
    assert_eq!(e["field"], "ticketID");
    assert!(fake.requests().is_empty(), "invalid input is never sent");

    let e = error_of(&call_tool(&cfg, "get-ticket", json!({"ticketId": 999})).await);
    assert_eq!(
        (&e["code"], &e["upstreamStatus"], &e["retryable"]),
        (&json!("not-found"), &json!(404), &json!(false))
    );

    let v = rpc(&cfg, 5, "tools/call", json!({"name": "merge-tickets", "arguments": {}})).await;
    assert_eq!(v["error"]["code"], -32602);
    assert!(v["error"]["message"].as_str().unwrap().contains("merge-tickets"));
    let v = rpc(&cfg, 6, "resources/list", json!({})).await;
    assert_eq!(v["error"]["code"], -32601);

    let r = mcp_raw(&cfg, r#"{"jsonrpc":"2.0","id":1,"method":"#, &[]).await;
    assert_eq!((r.status, &r.json()["error"]["code"]), (400, &json!(-32700)));
    // Batches belong to 2025-03-26 only.
    let r = mcp_raw(
        &cfg,
        r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
        &[("mcp-protocol-version", "2025-06-18")],
    )
    .await;
    assert_eq!((r.status, &r.json()["error"]["code"]), (400, &json!(-32600)));
    let r = mcp_raw(
        &cfg,
        r#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list-ticket-tags","arguments":{"ticketId":12345}}}]"#,
        &[("mcp-protocol-version", "2025-03-26")],
    )
    .await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v[0], json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
    assert_eq!(
        (&v[1]["id"], &v[1]["result"]["structuredContent"]["tags"][0]["name"]),
        (&json!(2), &json!("shipping"))
    );
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    let r = mcp_raw(
        &cfg,
        r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
        &[("mcp-protocol-version", "1999-01-01")],
    )
    .await;
    assert_eq!((r.status, &r.json()["error"]["code"]), (400, &json!(-32022)));
    assert_eq!(r.json()["error"]["data"]["supported"][0], "2026-07-28");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_auth_as_the_routes() {
    let fake = FakeGorgias::start().await;
    let mut cfg = config_for(&fake);
    cfg.insert("connector_token".into(), "tok3n-for-mcp".into());
    let ping = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    let r = mcp_raw(&cfg, ping, &[]).await;
    assert_eq!((r.status, r.header("www-authenticate")), (401, Some("Bearer")));
    assert!(!String::from_utf8_lossy(&r.body).contains("tok3n"));
    let r = mcp_raw(&cfg, ping, &[("authorization", "Bearer tok3n-for-mcp")]).await;
    assert_eq!(r.status, 200);

    // Per-request credentials, no configured ones.
    let bare = HashMap::from([("gorgias_base_url".to_string(), fake.base_url())]);
    let body = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "list-ticket-tags", "arguments": {"ticketId": 12345}}})
    .to_string();
    let r = mcp_raw(&bare, &body, &[]).await;
    assert_eq!(
        r.json()["result"]["isError"],
        true,
        "no credentials → an isError result"
    );
    let r = mcp_raw(
        &bare,
        &body,
        &[
            ("x-gorgias-account", fake_gorgias::ACCOUNT),
            ("x-gorgias-email", fake_gorgias::EMAIL),
            ("x-gorgias-api-key", fake_gorgias::API_KEY),
        ],
    )
    .await;
    let v = r.json();
    assert_eq!(v["result"]["isError"], false, "{v}");
    assert_eq!(v["result"]["structuredContent"]["tags"][0]["name"], "shipping");
    assert!(
        !r.body
            .windows(fake_gorgias::API_KEY.len())
            .any(|w| w == fake_gorgias::API_KEY.as_bytes())
    );
}

/// `Origin` is judged on its own (src/origin.rs): a loopback origin is served
/// without configuration, a foreign one is refused whatever the `Host`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loopback_origin_is_served_and_a_foreign_origin_is_refused_with_403() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let ping = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    let same = mcp_raw(&cfg, ping, &[("origin", "http://localhost")]).await;
    assert_eq!(same.status, 200, "{}", String::from_utf8_lossy(&same.body));
    let other = mcp_raw(&cfg, ping, &[("origin", "https://evil.example")]).await;
    assert_eq!((other.status, &other.json()["error"]["code"]), (403, &json!(-32600)));
}

/// A 2026-07-28 request: `_meta` in the body, the matching headers.
async fn modern(cfg: &HashMap<String, String>, id: u64, method: &str, mut params: Value) -> HttpResult {
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "0"}
    });
    let name = params["name"].as_str().unwrap_or_default().to_string();
    let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string();
    let mut h = vec![("mcp-protocol-version", "2026-07-28"), ("mcp-method", method)];
    if !name.is_empty() {
        h.push(("mcp-name", name.as_str()));
    }
    mcp_raw(cfg, &body, &h).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stateless_2026_07_28_discover_list_and_call_without_initialize() {
    let fake = FakeGorgias::start().await;
    let cfg = config_all(&fake);
    let server_info = json!({"io.modelcontextprotocol/serverInfo": {
        "name": "gorgias-connector", "title": "Gorgias helpdesk connector", "version": gorgias_connector::VERSION,
        "description": "Tickets, messages, tags and customers of one Gorgias helpdesk account."
    }});

    let d = modern(&cfg, 1, "server/discover", json!({})).await;
    assert_eq!((d.status, d.header("content-type")), (200, Some("application/json")));
    let r = &d.json()["result"];
    assert_eq!(
        r["supportedVersions"],
        json!(["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"])
    );
    assert_eq!(
        r["capabilities"],
        json!({"tools": {"listChanged": false}, "prompts": {"listChanged": false}})
    );
    assert_eq!((&r["resultType"], &r["_meta"]), (&json!("complete"), &server_info));
    assert_eq!((&r["ttlMs"], &r["cacheScope"]), (&json!(300000), &json!("public")));
    assert!(r["instructions"].as_str().unwrap().contains("nextCursor"));

    let l = modern(&cfg, 2, "tools/list", json!({})).await;
    let r = &l.json()["result"];
    let tools = r["tools"].as_array().unwrap();
    let offered: Vec<&ops::Spec> = ops::available(ops::Access::All).collect();
    assert_eq!(tools.len(), offered.len());
    for (t, op) in tools.iter().zip(offered) {
        assert_eq!(t["name"], op.name);
        assert_eq!(t["inputSchema"], op.input_schema());
        assert_eq!(t["outputSchema"]["anyOf"][0], op.output_schema(), "{}", op.name);
        assert_eq!(
            t["outputSchema"]["anyOf"][1]["required"],
            json!(["error"]),
            "{}",
            op.name
        );
    }
    assert_eq!(
        (&r["resultType"], &r["ttlMs"], &r["cacheScope"]),
        (&json!("complete"), &json!(300000), &json!("public"))
    );

    let c = modern(
        &cfg,
        3,
        "tools/call",
        json!({"name": "add-ticket-tags", "arguments": {"ticketId": 12345, "tagNames": ["vip"]}}),
    )
    .await;
    let r = &c.json()["result"];
    assert_eq!(
        (&r["isError"], &r["structuredContent"], &r["resultType"]),
        (&json!(false), &json!({"success": true}), &json!("complete"))
    );
    assert_eq!(fake.ticket_tag_names(12345), vec!["shipping", "vip"]);

    let e = modern(
        &cfg,
        4,
        "tools/call",
        json!({"name": "update-ticket", "arguments": {"ticketId": 12345, "priority": "urgent"}}),
    )
    .await;
    let r = &e.json()["result"];
    assert_eq!(r["isError"], true);
    assert_eq!(
        (
            &r["structuredContent"]["error"]["code"],
            &r["structuredContent"]["error"]["field"]
        ),
        (&json!("invalid-input"), &json!("priority"))
    );
    let text: Value = serde_json::from_str(r["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(text, r["structuredContent"]);

    let p = modern(&cfg, 5, "ping", json!({})).await;
    assert_eq!((p.status, &p.json()["error"]["code"]), (404, &json!(-32601)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stateless_2026_07_28_errors_use_the_transports_status_codes() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let meta = |v: &str| json!({"io.modelcontextprotocol/protocolVersion": v, "io.modelcontextprotocol/clientCapabilities": {}});
    let body = |v: &str| {
        json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "get-ticket", "arguments": {"ticketId": 12345}, "_meta": meta(v)}})
            .to_string()
    };
    // A version the server does not serve: -32022 naming the supported ones.
    let r = mcp_raw(
        &cfg,
        &body("2099-01-01"),
        &[
            ("mcp-protocol-version", "2099-01-01"),
            ("mcp-method", "tools/call"),
            ("mcp-name", "get-ticket"),
        ],
    )
    .await;
    assert_eq!((r.status, &r.json()["error"]["code"]), (400, &json!(-32022)));
    assert_eq!(r.json()["error"]["data"]["requested"], "2099-01-01");
    // Headers that do not match the body: -32020, nothing sent to Gorgias.
    let r = mcp_raw(
        &cfg,
        &body("2026-07-28"),
        &[
            ("mcp-protocol-version", "2026-07-28"),
            ("mcp-method", "tools/call"),
            ("mcp-name", "update-ticket"),
        ],
    )
    .await;
    assert_eq!(
        (r.status, &r.json()["error"]["code"], &r.json()["id"]),
        (400, &json!(-32020), &json!(7))
    );
    // _meta without clientCapabilities: -32602 with 400.
    let r = mcp_raw(
        &cfg,
        r#"{"jsonrpc":"2.0","id":8,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#,
        &[("mcp-protocol-version", "2026-07-28"), ("mcp-method", "tools/list")],
    )
    .await;
    assert_eq!((r.status, &r.json()["error"]["code"]), (400, &json!(-32602)));
    assert!(fake.requests().is_empty());
}
