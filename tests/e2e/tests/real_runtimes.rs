//! The connector under the real runtimes, as separate processes: the real
//! `spin up` on the shipped `spin.toml` and the real `wasmtime serve -Scli
//! -Sconfig`, each started with the commands of its README section (read from
//! README.md, with the substitutions listed under "Tested under the real
//! runtimes"), against the fake Gorgias on 127.0.0.1.
//!
//! A missing runtime skips its test with a notice, or fails it when `CI` is set.
#![expect(
    clippy::unwrap_used,
    reason = "the helpers below are test code: a failed unwrap is a failed test"
)]
#[path = "support/conformance.rs"]
mod conformance;
#[allow(
    dead_code,
    missing_docs,
    clippy::unwrap_used,
    reason = "test support: a failed unwrap is a failed test"
)]
#[path = "support/runtimes.rs"]
mod runtimes;
mod support;

use runtimes::{Cmd, Running, post_json, request};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use support::fake_gorgias::{self, FakeGorgias, Scripted, b64};
use support::host::HttpResult;

/// The fake Gorgias on its own tokio runtime (the test drives the runtimes
/// with blocking I/O).
struct Fake {
    _rt: tokio::runtime::Runtime,
    fake: FakeGorgias,
}

fn start_fake() -> Fake {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(FakeGorgias::start());
    Fake { _rt: rt, fake }
}

/// README placeholders → the fake's values.
fn placeholder(value: &str) -> Option<&'static str> {
    match value {
        "acme" => Some(fake_gorgias::ACCOUNT),
        "agent@acme.com" => Some(fake_gorgias::EMAIL),
        "..." => Some(fake_gorgias::API_KEY),
        _ => None,
    }
}

/// Configuration the test adds beside the README's: the fake as base URL,
/// and short upstream waits so the fault cases stay quick.
fn extra_config(fake: &FakeGorgias) -> Vec<(&'static str, String)> {
    vec![
        ("gorgias_base_url", fake.base_url()),
        ("retry_max_wait_seconds", "1".into()),
        ("upstream_first_byte_timeout_seconds", "1".into()),
        ("allowed_hosts", ALLOWED_HOSTS.into()),
    ]
}

/// The names the runtimes are configured to serve besides loopback. Spaces,
/// not commas: `wasmtime serve` splits `-S` options at commas.
const ALLOWED_HOSTS: &str = "connector.example.com https://app.example.com";

/// The official MCP conformance suite, both requirement sets, against `/mcp`
/// (only the committed baseline may fail).
fn check_conformance(server: &Running) {
    for revision in conformance::REVISIONS {
        if let Some(summary) = conformance::check(&format!("{}/mcp", server.url()), revision) {
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "MCP conformance {revision}:\n{summary}");
        }
    }
}

/// DNS-rebinding protection on every route: a foreign `Host` or `Origin` is
/// refused (403) before anything runs; loopback and the configured names are served.
fn check_host_and_origin(addr: SocketAddr, fake: &FakeGorgias) {
    let port = addr.port().to_string();
    let loopback_origin = format!("http://127.0.0.1:{port}");
    let mut routes: Vec<(&str, String, &str)> = vec![
        ("GET", "/".into(), ""),
        ("GET", "/operations".into(), ""),
        ("GET", "/openapi.json".into(), ""),
        ("GET", "/health".into(), ""),
        ("POST", "/mcp".into(), r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#),
        ("POST", "/no-such-operation".into(), "{}"),
    ];
    routes.extend(
        gorgias_connector::ops::OPERATIONS
            .iter()
            .map(|o| ("POST", format!("/{}", o.name), "{}")),
    );
    fake.clear_log();
    let refused: [(&[(&str, &str)], &str); 3] = [
        (
            &[("host", "evil.example.com"), ("origin", "http://evil.example.com")],
            "host-not-allowed",
        ),
        (&[("host", "evil.example.com")], "host-not-allowed"),
        (&[("origin", "https://evil.example.com")], "origin-not-allowed"),
    ];
    for (headers, code) in refused {
        for (method, path, body) in &routes {
            let mut h = vec![("content-type", "application/json")];
            h.extend_from_slice(headers);
            let r = request(addr, method, path, &h, body.as_bytes()).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(
                r.status,
                403,
                "{method} {path} {headers:?}: {}",
                String::from_utf8_lossy(&r.body)
            );
            let v = r.json();
            if path == "/mcp" {
                assert_eq!((&v["error"]["code"], v.get("id")), (&json!(-32600), None), "{v}");
            } else {
                assert_eq!(v["error"]["code"], code, "{path} {headers:?}: {v}");
            }
        }
    }
    assert!(
        fake.lines().is_empty(),
        "a refused request reached Gorgias: {:?}",
        fake.lines()
    );
    let ping = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    for headers in [
        vec![("origin", loopback_origin.as_str())],
        vec![("host", "localhost")],
        vec![("host", "connector.example.com")],
        vec![("host", "connector.example.com"), ("origin", "https://app.example.com")],
        vec![
            ("host", "connector.example.com"),
            ("origin", "https://connector.example.com"),
        ],
    ] {
        let r = request(addr, "GET", "/operations", &headers, b"").unwrap();
        assert_eq!(r.status, 200, "{headers:?}");
        let mut h = headers.clone();
        h.push(("content-type", "application/json"));
        let r = request(addr, "POST", "/mcp", &h, ping.as_bytes()).unwrap();
        assert_eq!((r.status, r.json()["result"].clone()), (200, json!({})), "{headers:?}");
    }
}

/// The README's listen addresses.
const README_ADDRS: [&str; 2] = ["127.0.0.1:3000", "127.0.0.1:8080"];

/// Rewrites one argument: the nested target dir, listen address.
fn arg(a: &str, target_dir: &std::path::Path, addr: SocketAddr) -> String {
    if README_ADDRS.contains(&a) {
        return addr.to_string();
    }
    match a.strip_prefix("target/wasm32-wasip2/") {
        Some(rest) => target_dir.join("wasm32-wasip2").join(rest).display().to_string(),
        None => a.to_string(),
    }
}

/// What one README section yields: the server running, and the curl
/// commands run against it (stdout of each).
struct Section {
    server: Running,
    curls: Vec<(String, String)>,
}

/// Runs the commands of README `heading`: builds run to completion in order,
/// the server command (`spin up` / `wasmtime serve`) is started and awaited,
/// then each `curl` runs against it.
fn run_section(heading: &str, tools: &HashMap<&str, PathBuf>, target_dir: PathBuf, fake: &FakeGorgias) -> Section {
    let cmds = runtimes::readme_commands(heading);
    let scratch = runtimes::scratch_dir(&heading.replace(|c: char| !c.is_ascii_alphanumeric(), ""));
    let addr: SocketAddr = format!("127.0.0.1:{}", runtimes::free_port()).parse().unwrap();
    let mut server = None;
    let mut curls = Vec::new();
    for Cmd { env, argv } in &cmds {
        let name = argv[0].as_str();
        let is_server = matches!(
            (name, argv.get(1).map(String::as_str)),
            ("spin", Some("up")) | ("wasmtime", Some("serve"))
        );
        if name == "curl" {
            curls.push(argv.clone());
            continue;
        }
        let mut cmd = Command::new(runtimes::program(name, tools));
        runtimes::clean_cargo_env(&mut cmd);
        cmd.env("CARGO_TARGET_DIR", &target_dir).current_dir(runtimes::root());
        let mut args: Vec<String> = argv[1..].iter().map(|a| arg(a, &target_dir, addr)).collect();
        for (k, v) in env {
            let v = placeholder(v).map(str::to_string).unwrap_or_else(|| v.clone());
            cmd.env(k, v);
        }
        if name == "spin" {
            // Spin reads a `.env` in its working directory: run it from the
            // scratch directory on the shipped manifest.
            args.splice(
                1..1,
                [
                    "-f".to_string(),
                    runtimes::root().join("spin.toml").display().to_string(),
                ],
            );
            cmd.current_dir(&scratch).env("SPIN_LOG_DIR", scratch.join("logs"));
        }
        if is_server {
            assert!(
                argv.iter().any(|a| README_ADDRS.contains(&a.as_str())),
                "README's {argv:?} must name its listen address (one of {README_ADDRS:?})"
            );
            let extras = extra_config(fake);
            if name == "spin" {
                for (k, v) in &extras {
                    cmd.env(format!("SPIN_VARIABLE_{}", k.to_ascii_uppercase()), v);
                }
            } else {
                let wasm = args.pop().expect("wasmtime serve needs the component path last");
                args = args
                    .into_iter()
                    .map(
                        |a| match a.strip_prefix("-Sconfig-var=").and_then(|kv| kv.split_once('=')) {
                            Some((k, v)) => format!("-Sconfig-var={k}={}", placeholder(v).unwrap_or(v)),
                            None => a,
                        },
                    )
                    .collect();
                args.extend(extras.iter().map(|(k, v)| format!("-Sconfig-var={k}={v}")));
                args.push(wasm);
            }
            cmd.args(&args);
            server = Some(Running::start(cmd, addr, scratch.clone(), Duration::from_secs(120)));
        } else {
            cmd.args(&args);
            runtimes::run_ok(cmd, &argv.join(" "));
        }
    }
    let server = server.unwrap_or_else(|| panic!("README section {heading:?} starts no server"));
    let curls = curls
        .into_iter()
        .map(|argv| {
            let args: Vec<String> = argv[1..]
                .iter()
                .map(|a| {
                    a.replace(README_ADDRS[0], &addr.to_string())
                        .replace(README_ADDRS[1], &addr.to_string())
                })
                .collect();
            let url = args
                .iter()
                .find(|a| a.contains(&addr.to_string()))
                .cloned()
                .unwrap_or_else(|| panic!("README curl {argv:?} does not call the server"));
            let mut cmd = Command::new("curl");
            cmd.args(&args);
            (url, runtimes::run_ok(cmd, &argv.join(" ")))
        })
        .collect();
    Section { server, curls }
}

/// The README's curl lines answered with the connector's JSON.
fn check_readme_curls(curls: &[(String, String)]) {
    assert!(!curls.is_empty(), "the README section shows no curl command");
    for (url, out) in curls {
        let v: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("curl {url}: not JSON ({e}): {out}"));
        let path = url.split_once('/').map(|(_, p)| format!("/{p}")).unwrap_or_default();
        match path.as_str() {
            "/health" => assert_eq!(v["status"], "ok", "{out}"),
            "/get-ticket" => assert_eq!(v["ticket"]["id"], 12345, "{out}"),
            "/no-such-operation" => assert_eq!(v["error"]["code"], "unknown-operation", "{out}"),
            other => panic!("no expectation for the README's curl of {other}: add one here"),
        }
    }
}

fn ok(r: &HttpResult) -> Value {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

fn get(addr: SocketAddr, path: &str) -> HttpResult {
    request(addr, "GET", path, &[], b"").unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

fn mcp(addr: SocketAddr, body: Value) -> Value {
    let r = post_json(
        addr,
        "/mcp",
        &body.to_string(),
        &[("mcp-protocol-version", "2025-06-18")],
    );
    ok(&r)
}

/// The registry's operation names the default tier offers, in its order (the
/// listing's and `tools/list`'s: the README's commands leave `access` unset).
fn registry_names() -> Vec<&'static str> {
    use gorgias_connector::ops;
    ops::available(ops::Access::default()).map(|o| o.name).collect()
}

/// Every surface through a real runtime at `addr`, configured with the
/// fake's credentials and base URL.
fn drive_every_surface(addr: SocketAddr, fake: &FakeGorgias) {
    let basic = format!(
        "Basic {}",
        b64(format!("{}:{}", fake_gorgias::EMAIL, fake_gorgias::API_KEY).as_bytes())
    );
    let call = |path: &str, body: &str| {
        fake.clear_log();
        post_json(addr, path, body, &[])
    };

    // ---- the seed operations' "Example Usage" bodies, each with its exact answer and
    // upstream request (tests/routes.rs has the same); every operation's example is
    // run at the end.
    let v = ok(&call("/get-ticket", r#"{"ticketId": 12345}"#));
    assert_eq!(
        v,
        json!({"ticket": {
            "id": 12345, "subject": "Order hasn't shipped yet", "status": "open", "channel": "email", "priority": "normal",
            "customer_id": 98765, "assignee_user_id": 4567, "assignee_team_id": 77,
            "tags": [{"id": 13, "name": "shipping"}],
            "created_datetime": "2024-11-14T13:56:16.494726+00:00", "updated_datetime": "2024-12-04T15:18:56+00:00"
        }})
    );
    assert_eq!(fake.lines(), vec!["GET /api/tickets/12345"]);
    assert_eq!(fake.requests()[0].header("authorization"), Some(basic.as_str()));

    let v = ok(&call(
        "/search-tickets",
        r#"{"customerId": 98765, "orderBy": "updated_datetime:desc", "limit": 50}"#,
    ));
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
    assert_eq!((ids, &v["nextCursor"]), (vec![12346, 12345], &Value::Null));

    let v = ok(&call(
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
    ));
    let id = v["ticketId"].as_u64().unwrap();
    assert_eq!(
        v,
        json!({"ticketId": id, "status": "open", "channel": "email", "createdDatetime": "2024-12-04T15:18:56.123456+00:00", "replayed": false})
    );
    assert_eq!(fake.lines(), vec!["POST /api/tickets"]);
    // The key the connector made up (no caller key) in external_id.
    assert_eq!(
        support::body_keys_blanked(fake.requests()[0].body.as_ref()),
        Some(json!({
            "channel": "email", "via": "api", "from_agent": false, "customer": {"id": 98765},
            "external_id": "gc-<random>",
            "subject": "Order hasn't shipped yet",
            "messages": [{
                "channel": "email", "via": "api", "from_agent": false, "subject": "Order hasn't shipped yet",
                "body_text": "Hi, I placed order #1042 five days ago and it still shows as processing. Can you check on this?",
                "sender": {"id": 98765},
                "source": {"type": "email", "from": {"address": "customer@example.com"}, "to": [{"address": "support@yourstore.com"}]}
            }]
        }))
    );

    let v = ok(&call(
        "/update-ticket",
        r#"{"ticketId": 12345, "status": "closed", "priority": "high", "assigneeUserId": 4567}"#,
    ));
    assert_eq!(
        v,
        json!({"ticketId": 12345, "status": "closed", "priority": "high", "assignee_user_id": 4567, "assignee_team_id": 77,
               "updated_datetime": "2024-12-04T15:18:56.123456+00:00"})
    );
    assert_eq!(fake.lines(), vec!["PUT /api/tickets/12345"]);
    assert_eq!(
        fake.requests()[0].body,
        Some(json!({"status": "closed", "priority": "high", "assignee_user": {"id": 4567}}))
    );

    let reply_text = "Thanks for reaching out! I've located order #1042 and reshipped it with expedited delivery — you should receive it within 2 business days.";
    let v = ok(&call(
        "/reply-to-ticket",
        &json!({"ticketId": 12345, "channel": "email", "senderUserId": 4567, "bodyText": reply_text,
                "receiverCustomerId": 98765, "fromEmail": "support@yourstore.com", "toEmail": "customer@example.com"})
        .to_string(),
    ));
    let mid = v["messageId"].as_u64().unwrap();
    assert_eq!(
        v,
        json!({"messageId": mid, "ticketId": 12345, "channel": "email", "public": true, "createdDatetime": "2024-12-04T15:18:56.123456+00:00", "replayed": false})
    );
    assert_eq!(fake.lines(), vec!["POST /api/tickets/12345/messages"]);
    assert_eq!(
        support::body_keys_blanked(fake.requests()[0].body.as_ref()),
        Some(json!({
            "channel": "email", "via": "api", "from_agent": true, "public": true,
            "sender": {"id": 4567}, "receiver": {"id": 98765}, "body_text": reply_text,
            "external_id": "gc-<random>",
            "source": {"type": "email", "from": {"address": "support@yourstore.com"}, "to": [{"address": "customer@example.com"}]}
        }))
    );

    let note = "Customer is a VIP — reshipped at no charge and flagged the account for follow-up next week.";
    let v = ok(&call(
        "/add-internal-note",
        &json!({"ticketId": 12345, "senderUserId": 4567, "bodyText": note}).to_string(),
    ));
    let mid = v["messageId"].as_u64().unwrap();
    assert_eq!(
        v,
        json!({"messageId": mid, "ticketId": 12345, "createdDatetime": "2024-12-04T15:18:56.123456+00:00", "replayed": false})
    );
    assert_eq!(
        support::body_keys_blanked(fake.requests()[0].body.as_ref()),
        Some(
            json!({"channel": "internal-note", "via": "api", "from_agent": true, "public": false, "sender": {"id": 4567}, "body_text": note, "external_id": "gc-<random>"})
        )
    );

    let v = ok(&call("/get-ticket-messages", r#"{"ticketId": 12345, "limit": 50}"#));
    assert_eq!(
        fake.lines(),
        vec!["GET /api/messages?ticket_id=12345&order_by=created_datetime%3Aasc&limit=50"]
    );
    // Oldest first: the two seeded messages, then the two just written.
    let msgs = v["messages"].as_array().unwrap();
    assert!(msgs.iter().any(|m| m["id"] == 5001
        && m["sender_type"] == "customer"
        && m["attachments"][0]["name"] == "receipt-1042.pdf"
        && m["attachments"][0]["size"] == 48213));
    assert!(msgs.iter().any(|m| m["id"] == 5002 && m["channel"] == "internal-note"));
    assert_eq!(v["nextCursor"], Value::Null);

    assert_eq!(
        ok(&call("/list-ticket-tags", r#"{"ticketId": 12345}"#)),
        json!({"tags": [{"id": 13, "name": "shipping", "description": "Shipping questions", "color": "#0693e3"}]})
    );
    assert_eq!(fake.lines(), vec!["GET /api/tickets/12345/tags"]);

    assert_eq!(
        ok(&call(
            "/add-ticket-tags",
            r#"{"ticketId": 12345, "tagNames": ["vip", "reshipped"]}"#
        )),
        json!({"success": true})
    );
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
    assert_eq!(fake.requests()[2].body, Some(json!({"name": "reshipped"})));
    assert_eq!(fake.ticket_tag_names(12345), vec!["shipping", "vip", "reshipped"]);

    assert_eq!(
        ok(&call("/find-customer-by-email", r#"{"email": "customer@example.com"}"#)),
        json!({"customers": [{"id": 98765, "name": "Jane Doe", "firstname": "Jane", "lastname": "Doe", "email": "customer@example.com",
                              "external_id": "shopify-98765", "created_datetime": "2024-11-14T13:56:16.494726+00:00"}]})
    );
    assert_eq!(fake.lines(), vec!["GET /api/customers?email=customer%40example.com"]);

    // ---- an error of each class.
    let err = |r: &HttpResult| {
        (
            r.status,
            r.json()["error"]["code"].as_str().unwrap_or_default().to_string(),
        )
    };
    let r = call("/get-ticket", r#"{"ticketId": 12.5}"#);
    assert_eq!(err(&r), (400, "invalid-input".into()));
    assert_eq!(r.json()["error"]["field"], "ticketId");
    assert!(fake.lines().is_empty(), "invalid input sends nothing");

    let r = call("/get-ticket", r#"{"ticketId": 999}"#);
    assert_eq!(
        (r.status, r.json()),
        (
            404,
            json!({"error": {"code": "not-found", "message": "get-ticket: gorgias answered 404: Resource not found.", "retryable": false, "upstreamStatus": 404}})
        )
    );

    fake.clear_log();
    let r = post_json(
        addr,
        "/get-ticket",
        r#"{"ticketId": 12345}"#,
        &[
            ("x-gorgias-account", fake_gorgias::ACCOUNT),
            ("x-gorgias-email", fake_gorgias::EMAIL),
            ("x-gorgias-api-key", "wrong-key"),
        ],
    );
    assert_eq!(err(&r), (401, "unauthorized".into()));
    assert!(!String::from_utf8_lossy(&r.body).contains("wrong-key"));

    fake.script(Scripted::new(
        "POST",
        "/api/tickets/12345/messages",
        403,
        r#"{"error": {"msg": "You do not have enough permissions to perform this action. Messaging quota exceeded."}}"#,
    ));
    let r = call(
        "/add-internal-note",
        r#"{"ticketId": 12345, "senderUserId": 4567, "bodyText": "x"}"#,
    );
    assert_eq!(err(&r), (403, "forbidden".into()));

    fake.script(Scripted::new(
        "PUT",
        "/api/tickets/12345",
        409,
        r#"{"error": {"msg": "Conflict."}}"#,
    ));
    let r = call("/update-ticket", r#"{"ticketId": 12345, "subject": "x"}"#);
    assert_eq!(err(&r), (409, "conflict".into()));

    fake.script(Scripted::new("GET", "/api/tickets/12345", 429, "").header("retry-after", "60"));
    let r = call("/get-ticket", r#"{"ticketId": 12345}"#);
    assert_eq!(err(&r), (429, "rate-limited".into()));
    assert_eq!(r.header("retry-after"), Some("60"));
    assert_eq!(r.json()["error"]["retryAfterSeconds"], 60);

    fake.script(Scripted::new(
        "POST",
        "/api/tickets",
        400,
        r#"{"error": {"msg": "Failed to create ticket", "data": {"sender": ["Missing data for required field."]}}}"#,
    ));
    let r = call(
        "/create-ticket",
        r#"{"channel": "api", "customerId": 98765, "fromAgent": false, "bodyText": "x"}"#,
    );
    assert_eq!(err(&r), (422, "upstream".into()));
    assert_eq!(
        r.json()["error"]["fieldErrors"],
        json!([{"field": "sender", "message": "Missing data for required field."}])
    );

    // A 500 on an update: the write may have been applied, so it is not resent.
    fake.script(Scripted::new(
        "PUT",
        "/api/tickets/12345",
        500,
        "<html>Internal Server Error</html>",
    ));
    let r = call("/update-ticket", r#"{"ticketId": 12345, "status": "closed"}"#);
    assert_eq!(err(&r), (502, "upstream".into()));
    assert_eq!(r.json()["error"]["retryable"], false);
    assert_eq!(
        fake.lines(),
        vec!["PUT /api/tickets/12345"],
        "a write is never sent twice"
    );

    // No first byte within upstream_first_byte_timeout_seconds (1): the update is not resent.
    fake.script(Scripted::new("PUT", "/api/tickets/12345", 200, "{}").delay(Duration::from_millis(2500)));
    let r = call("/update-ticket", r#"{"ticketId": 12345, "status": "closed"}"#);
    assert_eq!(
        err(&r),
        (504, "transport".into()),
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(r.json()["error"]["requestSent"], true);
    assert_eq!(r.json()["error"]["retryable"], false);
    assert_eq!(fake.lines(), vec!["PUT /api/tickets/12345"]);

    // A 500 on a create (the note was not written): its key is looked up,
    // not found, and the note sent again with the same key, once.
    fake.script(Scripted::new(
        "POST",
        "/api/tickets/12345/messages",
        500,
        "<html>Internal Server Error</html>",
    ));
    let r = call(
        "/add-internal-note",
        r#"{"ticketId": 12345, "senderUserId": 4567, "bodyText": "x"}"#,
    );
    assert_eq!(ok(&r)["replayed"], false);
    let lines = fake.lines();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(
        (&*lines[0], &*lines[2]),
        ("POST /api/tickets/12345/messages", "POST /api/tickets/12345/messages")
    );
    assert!(lines[1].starts_with("GET "), "the look-up: {lines:?}");
    let key = |i: usize| fake.requests()[i].body.as_ref().unwrap()["external_id"].clone();
    assert_eq!(key(0), key(2), "the same key both times");
    assert_eq!(fake.messages_with_external_id(key(0).as_str().unwrap()), 1);

    fake.script(Scripted::new(
        "GET",
        "/api/tickets/12345",
        200,
        r#"{"id": 12345, "status": "#,
    ));
    let r = call("/get-ticket", r#"{"ticketId": 12345}"#);
    assert_eq!(err(&r), (502, "invalid-response".into()));

    // ---- routing: every path reaches the component.
    let r = call("/no-such-operation", "{}");
    assert_eq!(err(&r), (404, "unknown-operation".into()));
    let r = get(addr, "/deeply/nested/unknown");
    assert_eq!(err(&r), (404, "unknown-operation".into()));
    let r = get(addr, "/get-ticket");
    assert_eq!((r.status, r.header("allow")), (405, Some("POST")));
    let r = request(
        addr,
        "POST",
        "/get-ticket",
        &[("content-type", "application/x-www-form-urlencoded")],
        b"ticketId=1",
    )
    .unwrap();
    assert_eq!(err(&r), (415, "unsupported-media-type".into()));
    let listing = ok(&get(addr, "/"));
    assert_eq!(listing, ok(&get(addr, "/operations")));
    let listed: Vec<&str> = listing["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(listed, registry_names());

    // ---- a DELETE with a JSON body (remove-ticket-tags) leaves the runtime with its body.
    fake.clear_log();
    assert_eq!(
        ok(&call("/remove-ticket-tags", r#"{"ticketId": 12346, "tagIds": [11]}"#)),
        json!({"success": true})
    );
    assert_eq!(fake.lines(), vec!["DELETE /api/tickets/12346/tags"]);
    assert_eq!(fake.requests()[0].body, Some(json!({"ids": [11]})));

    // ---- per-request credentials: the caller's headers, not the configuration.
    fake.clear_log();
    let r = post_json(
        addr,
        "/list-ticket-tags",
        r#"{"ticketId": 12345}"#,
        &[
            ("x-gorgias-account", "tenant-2"),
            ("x-gorgias-email", fake_gorgias::EMAIL),
            ("x-gorgias-api-key", fake_gorgias::API_KEY),
        ],
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let r = post_json(
        addr,
        "/list-ticket-tags",
        r#"{"ticketId": 12345}"#,
        &[("x-gorgias-account", "evil.example.com/")],
    );
    assert_eq!((r.status, r.json()["error"]["field"].as_str()), (400, Some("account")));
    assert_eq!(fake.lines(), vec!["GET /api/tickets/12345/tags"]);

    // ---- /health and /openapi.json.
    fake.clear_log();
    let h = ok(&get(addr, "/health"));
    assert_eq!((&h["status"], &h["account"]), (&json!("ok"), &json!("sandbox")));
    assert_eq!(fake.lines(), vec!["GET /api/account"]);
    assert!(!h.to_string().contains(fake_gorgias::API_KEY));
    let o = ok(&get(addr, "/openapi.json"));
    assert_eq!(o["openapi"], "3.1.0");
    assert!(o["paths"]["/get-ticket"]["post"].is_object());
    assert!(o["paths"]["/mcp"].is_object());

    // ---- MCP.
    let init = mcp(
        addr,
        json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"real-runtimes","version":"0"}}}),
    );
    assert_eq!(init["result"]["protocolVersion"], "2025-06-18");
    assert!(init["result"]["capabilities"]["tools"].is_object());
    let list = mcp(addr, json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}));
    let tools: Vec<&str> = list["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tools, registry_names());
    fake.clear_log();
    let called = mcp(
        addr,
        json!({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get-ticket","arguments":{"ticketId":12345}}}),
    );
    assert_eq!(called["result"]["isError"], false);
    assert_eq!(called["result"]["structuredContent"]["ticket"]["id"], 12345);
    assert_eq!(fake.lines(), vec!["GET /api/tickets/12345"]);
    let bad = mcp(
        addr,
        json!({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"update-ticket","arguments":{"ticketId":12345,"priority":"urgent"}}}),
    );
    assert_eq!(bad["result"]["isError"], true);
    let text: Value = serde_json::from_str(bad["result"]["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(text["error"]["field"], "priority");

    // ---- every operation of the registry: its spec example answers 200 through the
    // runtime, or, when the default tier (write) does not offer it (the deletions),
    // is refused with 403 and sends nothing.
    for op in gorgias_connector::ops::OPERATIONS {
        fake.clear_log();
        let r = post_json(addr, &format!("/{}", op.name), op.example, &[]);
        if op.allowed(gorgias_connector::ops::Access::default()) {
            assert_eq!(r.status, 200, "{}: {}", op.name, String::from_utf8_lossy(&r.body));
            assert!(!fake.lines().is_empty(), "{}: nothing reached Gorgias", op.name);
        } else {
            assert_eq!(r.status, 403, "{}: {}", op.name, String::from_utf8_lossy(&r.body));
            assert!(fake.lines().is_empty(), "{}: {:?}", op.name, fake.lines());
        }
    }
}

/// `spin build` (through the README) once per test binary: both Spin tests need it.
fn spin_built() -> &'static Mutex<()> {
    static LOCK: OnceLock<Mutex<()>> = OnceLock::new();
    LOCK.get_or_init(|| Mutex::new(()))
}

fn spin_tools(spin: &std::path::Path) -> HashMap<&'static str, PathBuf> {
    let mut tools = HashMap::from([("spin", spin.to_path_buf())]);
    if let Some(cargo) = std::env::var_os("CARGO") {
        tools.insert("cargo", PathBuf::from(cargo));
    }
    tools
}

#[test]
fn spin_up_on_the_shipped_manifest_serves_every_surface_as_the_readme_shows() {
    let Some(spin) = runtimes::require("spin", runtimes::find_spin()) else {
        return;
    };
    let fake = start_fake();
    let _one_build = spin_built().lock().unwrap_or_else(|e| e.into_inner());
    // The same directory and flags as tests/support/host.rs: cargo's cache is shared.
    let section = run_section(
        "### With Spin",
        &spin_tools(&spin),
        runtimes::root().join("target").join("component"),
        &fake.fake,
    );
    drop(_one_build);
    check_readme_curls(&section.curls);
    drive_every_surface(section.server.addr, &fake.fake);
    check_host_and_origin(section.server.addr, &fake.fake);
    check_conformance(&section.server);
    let log = section.server.log();
    assert!(
        !log.contains(fake_gorgias::API_KEY),
        "Spin's output holds the API key:\n{log}"
    );
}

#[test]
fn wasmtime_serve_runs_the_wasmtime_serve_build_as_the_readme_shows() {
    let Some(wasmtime) = runtimes::require("wasmtime", runtimes::find_wasmtime()) else {
        return;
    };
    let fake = start_fake();
    let mut tools = HashMap::from([("wasmtime", wasmtime)]);
    if let Some(cargo) = std::env::var_os("CARGO") {
        tools.insert("cargo", PathBuf::from(cargo));
    }
    let section = run_section(
        "### With `wasmtime serve`",
        &tools,
        runtimes::root().join("target").join("component-wasmtime-serve"),
        &fake.fake,
    );
    check_readme_curls(&section.curls);
    drive_every_surface(section.server.addr, &fake.fake);
    check_host_and_origin(section.server.addr, &fake.fake);
    check_conformance(&section.server);
}

// ---- deploy/: SpinKube ------------------------------------------------------

/// The venv with deploy/schema/requirements.txt (pinned jsonschema + pyyaml),
/// created under `target/deploy-venv` on first use (python3 with venv needed).
fn deploy_python() -> PathBuf {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        let requirements = runtimes::root().join("deploy").join("schema").join("requirements.txt");
        support::process::venv("deploy-venv", &requirements).unwrap_or_else(|e| panic!("{e}"))
    })
    .clone()
}

/// Runs deploy/schema/validate.py on `manifest`: (passed, output).
fn validate_spinapp(manifest: &std::path::Path) -> (bool, String) {
    let schema = runtimes::root().join("deploy").join("schema");
    let out = Command::new(deploy_python())
        .arg(schema.join("validate.py"))
        .arg(schema.join("core.spinkube.dev_spinapps.yaml"))
        .arg(manifest)
        .output()
        .expect("run deploy/schema/validate.py");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A YAML file as JSON, read by the venv's pyyaml.
fn yaml(path: &std::path::Path) -> Value {
    let mut cmd = Command::new(deploy_python());
    cmd.args([
        "-c",
        "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
    ])
    .arg(path);
    serde_json::from_str(&runtimes::run_ok(cmd, "read YAML")).unwrap()
}

#[test]
fn deploy_spinapp_validates_against_the_pinned_spinapp_crd_schema() {
    let manifest = runtimes::root().join("deploy").join("spinapp.yaml");
    let (passed, out) = validate_spinapp(&manifest);
    assert!(passed, "deploy/spinapp.yaml does not validate:\n{out}");
    assert!(out.contains("SpinApp gorgias-connector checked"), "{out}");

    // The validator is strict: a misspelt field (which the API server would
    // silently drop) and a wrong type both fail.
    let text = std::fs::read_to_string(&manifest).unwrap();
    let dir = runtimes::scratch_dir("deploy-schema");
    for (from, to, complaint) in [
        ("periodSeconds: 30", "periodSecond: 30", "'periodSecond' was unexpected"),
        ("replicas: 2", "replicas: two", "'two' is not of type 'integer'"),
    ] {
        assert!(text.contains(from), "deploy/spinapp.yaml no longer has {from:?}");
        let bad = dir.join("bad.yaml");
        std::fs::write(&bad, text.replacen(from, to, 1)).unwrap();
        let (passed, out) = validate_spinapp(&bad);
        assert!(!passed && out.contains(complaint), "{to:?} was not refused:\n{out}");
    }
    let _ = std::fs::remove_dir_all(&dir);

    let app = yaml(&manifest);
    assert_eq!(
        (&app["apiVersion"], &app["kind"]),
        (&json!("core.spinkube.dev/v1alpha1"), &json!("SpinApp"))
    );
    let spec = &app["spec"];
    assert_eq!(spec["checks"]["readiness"]["httpGet"]["path"], "/health");
    assert_eq!(
        spec["runtimeConfig"]["loadFromSecret"],
        "gorgias-connector-runtime-config"
    );
    // Every variable is one spin.toml declares; the credentials come from the Secret.
    let spin_toml = std::fs::read_to_string(runtimes::root().join("spin.toml")).unwrap();
    let mut from_secret = Vec::new();
    for v in spec["variables"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        assert!(
            gorgias_connector::config::keys::ALL.contains(&name)
                && spin_toml.contains(&format!("{name} = \"{{{{ {name} }}}}\"")),
            "SpinApp variable {name} is not one of spin.toml's"
        );
        if let Some(r) = v["valueFrom"]["secretKeyRef"].as_object() {
            assert_eq!(r["name"], "gorgias-connector-credentials");
            // The Secret holds either email + api-key or access-token: those
            // keys are optional, the account is not.
            assert_eq!(
                r.get("optional") == Some(&json!(true)),
                name != "gorgias_account",
                "{name}"
            );
            from_secret.push(name);
        }
    }
    assert_eq!(
        from_secret,
        vec![
            "gorgias_account",
            "gorgias_email",
            "gorgias_api_key",
            "gorgias_access_token"
        ]
    );
}

/// Spin's env provider looks a variable up as `{prefix}_{NAME}` (measured with
/// prefix "XV_": it read XV__GORGIAS_ACCOUNT), and Spin appends its default
/// provider after the declared ones, so a wrong prefix would go unnoticed under
/// `spin up`: the file's own provider must name the pod's SPIN_VARIABLE_* vars.
#[test]
fn deploy_runtime_config_env_provider_names_the_spin_variable_environment_variables() {
    let text = std::fs::read_to_string(runtimes::root().join("deploy").join("runtime-config.toml")).unwrap();
    // The file's settings, comments left out (one provider, `key = "value"` lines).
    let settings: Vec<(&str, &str)> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.trim().trim_matches('"')))
        .collect();
    assert_eq!(settings, vec![("type", "env"), ("prefix", "SPIN_VARIABLE")]);
    assert_eq!(
        format!("{}_GORGIAS_ACCOUNT", settings[1].1),
        "SPIN_VARIABLE_GORGIAS_ACCOUNT"
    );
}

#[test]
fn spin_up_reads_the_variables_through_the_deploy_runtime_config() {
    let Some(spin) = runtimes::require("spin", runtimes::find_spin()) else {
        return;
    };
    let fake = start_fake();
    let scratch = runtimes::scratch_dir("runtime-config");
    {
        let _one_build = spin_built().lock().unwrap_or_else(|e| e.into_inner());
        let mut build = Command::new(&spin);
        runtimes::clean_cargo_env(&mut build);
        build
            .args(["build", "-f"])
            .arg(runtimes::root().join("spin.toml"))
            .env("CARGO_TARGET_DIR", runtimes::root().join("target").join("component"))
            .current_dir(&scratch);
        runtimes::run_ok(build, "spin build");
    }
    let up = |runtime_config: &std::path::Path, dir: PathBuf| {
        let addr: SocketAddr = format!("127.0.0.1:{}", runtimes::free_port()).parse().unwrap();
        let mut cmd = Command::new(&spin);
        cmd.env_remove("RUST_BACKTRACE")
            .args(["up", "-f"])
            .arg(runtimes::root().join("spin.toml"))
            .arg("--runtime-config-file")
            .arg(runtime_config)
            .args(["--listen", &addr.to_string()])
            .env("SPIN_LOG_DIR", dir.join("logs"))
            .env("SPIN_VARIABLE_GORGIAS_ACCOUNT", fake_gorgias::ACCOUNT)
            .env("SPIN_VARIABLE_GORGIAS_EMAIL", fake_gorgias::EMAIL)
            .env("SPIN_VARIABLE_GORGIAS_API_KEY", fake_gorgias::API_KEY)
            .env("SPIN_VARIABLE_GORGIAS_BASE_URL", fake.fake.base_url())
            .current_dir(&dir);
        (cmd, addr)
    };
    let (cmd, addr) = up(
        &runtimes::root().join("deploy").join("runtime-config.toml"),
        scratch.clone(),
    );
    let server = Running::start(cmd, addr, scratch, Duration::from_secs(120));
    let h = ok(&get(server.addr, "/health"));
    assert_eq!((&h["status"], &h["account"]), (&json!("ok"), &json!("sandbox")));
    assert_eq!(fake.fake.lines(), vec!["GET /api/account"]);
    drop(server);

    // The README's static-provider file (every variable of spin.toml, the
    // placeholders replaced by the fake's credentials), with no SPIN_VARIABLE_*
    // in the environment: the component reads them all from it.
    let readme = std::fs::read_to_string(runtimes::root().join("README.md")).unwrap();
    let block = readme
        .split("<!-- static-runtime-config")
        .nth(1)
        .and_then(|r| r.split("```toml\n").nth(1))
        .and_then(|r| r.split("```").next())
        .expect("README: the static-runtime-config toml block");
    let declared: Vec<String> = std::fs::read_to_string(runtimes::root().join("spin.toml"))
        .unwrap()
        .split("[variables]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.contains("default"))
        .map(|l| l.split('=').next().unwrap().trim().to_string())
        .collect();
    let listed: Vec<String> = block
        .lines()
        .skip_while(|l| !l.starts_with("[variables_provider.values]"))
        .skip(1)
        .map(|l| l.split('=').next().unwrap().trim().to_string())
        .filter(|k| !k.is_empty())
        .collect();
    assert_eq!(
        listed, declared,
        "the README's static provider must list every spin.toml variable"
    );
    let dir = runtimes::scratch_dir("runtime-config-static");
    let file = dir.join("runtime-config.toml");
    let text = block
        .replace(r#""acme""#, &format!("{:?}", fake_gorgias::ACCOUNT))
        .replace(r#""agent@acme.com""#, &format!("{:?}", fake_gorgias::EMAIL))
        .replace(r#""...""#, &format!("{:?}", fake_gorgias::API_KEY))
        .replace(
            r#"gorgias_base_url = """#,
            &format!("gorgias_base_url = {:?}", fake.fake.base_url()),
        );
    std::fs::write(&file, text).unwrap();
    let (mut cmd, addr) = up(&file, dir.clone());
    for k in ["ACCOUNT", "EMAIL", "API_KEY", "BASE_URL"] {
        cmd.env_remove(format!("SPIN_VARIABLE_GORGIAS_{k}"));
    }
    let server = Running::start(cmd, addr, dir.clone(), Duration::from_secs(120));
    let h = ok(&get(server.addr, "/health"));
    assert_eq!((&h["status"], &h["account"]), (&json!("ok"), &json!("sandbox")));
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);

    // Spin really reads the file: an unknown provider type stops `spin up`.
    let dir = runtimes::scratch_dir("runtime-config-bad");
    let bad = dir.join("bad-runtime-config.toml");
    std::fs::write(&bad, "[[config_provider]]\ntype = \"no-such-provider\"\n").unwrap();
    let (cmd, _) = up(&bad, dir.clone());
    let (status, out) = runtimes::run_bounded(cmd, Duration::from_secs(60))
        .expect("spin up with an unknown variables provider kept running");
    assert!(!status.success());
    assert!(out.contains("no-such-provider"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
