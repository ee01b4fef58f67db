//! Access tiers (`access` = `read`, `write` (the default), `all`; the older
//! `read_only = true` is `read`) on every surface: the listing, the HTTP
//! routes, OpenAPI, MCP `tools/list` and `tools/call`, and the typed
//! exports. What a tier excludes is neither listed nor callable, and nothing
//! reaches Gorgias when it is attempted.
mod support;

use bytes::Bytes;
use gorgias_connector::ops::{self, Access, Spec};
use http_body_util::Full;
use serde_json::{Value, json};
use std::collections::HashMap;
use support::config_for;
use support::dynamic::{arguments, export_of};
use support::fake_gorgias::FakeGorgias;
use support::host::{Host, HttpResult, post};
use wasmtime::component::Val;

/// Each way to configure a tier: its variables and the tier meant.
fn tiers() -> Vec<(&'static [(&'static str, &'static str)], Access)> {
    vec![
        (&[("read_only", "true")], Access::Read),
        (&[("access", "read")], Access::Read),
        (&[("access", "READ"), ("read_only", "true")], Access::Read),
        (&[], Access::Write),
        (&[("read_only", "false")], Access::Write),
        (&[("access", "write")], Access::Write),
        (&[("access", "all")], Access::All),
        (&[("access", "all"), ("read_only", "false")], Access::All),
    ]
}

fn config(fake: &FakeGorgias, vars: &[(&str, &str)]) -> HashMap<String, String> {
    let mut c = config_for(fake);
    for (k, v) in vars {
        c.insert((*k).into(), (*v).into());
    }
    c
}

fn names(ops: impl Iterator<Item = &'static Spec>) -> Vec<&'static str> {
    ops.map(|o| o.name).collect()
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

/// The tier each operation declares is checked against what its example
/// does: a query sends Gorgias only GETs; a mutation sends a write; an
/// operation needs `all` exactly when it deletes a record (`DELETE` of a
/// resource's own URL, `/api/<resource>/<id>`), not only an association.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_operation_needs_the_tier_its_example_shows() {
    for t in Access::ALL {
        assert!(
            ops::OPERATIONS.iter().any(|o| o.access == t),
            "no operation needs {t:?}"
        );
    }
    for op in ops::OPERATIONS {
        let fake = FakeGorgias::start().await;
        let r = send(
            &config(&fake, &[("access", "all")]),
            &format!("/{}", op.name),
            op.example,
        )
        .await;
        assert_eq!(r.status, 200, "{}: {}", op.name, String::from_utf8_lossy(&r.body));
        let lines = fake.lines();
        assert!(!lines.is_empty(), "{}: nothing reached Gorgias", op.name);
        let writes = lines.iter().filter(|l| !l.starts_with("GET ")).count();
        let deletes_a_record = lines.iter().any(|l| {
            l.strip_prefix("DELETE /api/")
                .is_some_and(|p| p.split('?').next().unwrap_or_default().split('/').count() == 2)
        });
        let shown = match (writes, deletes_a_record) {
            (0, _) => Access::Read,
            (_, false) => Access::Write,
            (_, true) => Access::All,
        };
        assert_eq!(op.access, shown, "{} sent {lines:?}", op.name);
        assert_eq!(op.read_only(), op.access == Access::Read, "{}", op.name);
        if op.access == Access::All {
            assert!(op.destructive(), "{}: a deletion is destructive", op.name);
        }
    }
}

/// For every tier: the listing, OpenAPI, MCP `tools/list` offer exactly
/// the operations the tier allows, in registry order; the routes, MCP
/// `tools/call` and the typed exports refuse the others, and send nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_tier_hides_and_refuses_exactly_what_it_excludes_on_every_surface() {
    for (vars, tier) in tiers() {
        let fake = FakeGorgias::start().await;
        let cfg = config(&fake, vars);
        let offered = names(ops::OPERATIONS.iter().copied().filter(|o| o.access <= tier));
        let refused = names(ops::OPERATIONS.iter().copied().filter(|o| o.access > tier));
        assert_eq!(names(ops::available(tier)), offered);

        let listing = get(&cfg, "/operations").await.json();
        let listed: Vec<&str> = listing["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap())
            .collect();
        assert_eq!(listed, offered, "{vars:?}");
        assert_eq!(listing["access"], tier.name(), "{vars:?}");
        assert_eq!(listing["readOnly"], tier == Access::Read, "{vars:?}");

        let doc = get(&cfg, "/openapi.json").await.json();
        for name in &offered {
            assert!(doc["paths"].get(format!("/{name}")).is_some(), "{vars:?} {name}");
        }
        for name in &refused {
            assert!(doc["paths"].get(format!("/{name}")).is_none(), "{vars:?} {name}");
        }

        let rpc = async |method: &str, params: Value| -> Value {
            let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
            let r = send(&cfg, "/mcp", &body).await;
            assert_eq!(r.status, 200);
            r.json()
        };
        let list = rpc("tools/list", json!({})).await;
        let tools: Vec<&str> = list["result"]["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(tools, offered, "{vars:?}");

        for name in &refused {
            let op = ops::find(name).unwrap();
            let r = send(&cfg, &format!("/{name}"), op.example).await;
            assert_eq!(r.status, 403, "{vars:?} {name}");
            let e = r.json()["error"].clone();
            assert_eq!(
                (&e["code"], &e["retryable"]),
                (&json!("read-only"), &json!(false)),
                "{name}"
            );
            let message = e["message"].as_str().unwrap();
            assert!(message.starts_with(name), "{message}");
            assert!(message.contains(op.access.name()) || tier == Access::Read, "{message}");

            let v = rpc("tools/call", json!({"name": name, "arguments": op.example_args()})).await;
            assert_eq!(v["error"]["code"], -32602, "{name}: {v}");

            let (interface, function) = export_of(name);
            let example = op.example_args();
            let (result, _) = Host::shared()
                .call_export(&cfg, &interface, &function, |p| arguments(p, &example, name))
                .await;
            match result {
                Val::Result(Err(Some(e))) => match *e {
                    Val::Variant(case, Some(m)) => {
                        assert_eq!(case, "configuration", "{name}");
                        let Val::String(m) = *m else {
                            panic!("{name}: a message")
                        };
                        assert!(m.starts_with(name), "{m}");
                    }
                    other => panic!("{name}: {other:?}"),
                },
                other => panic!("{vars:?} {name}: the typed export was not refused: {other:?}"),
            }
        }
        assert!(fake.requests().is_empty(), "{vars:?}: a refused call sends nothing");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tier_that_is_not_read_write_or_all_is_a_configuration_error() {
    let fake = FakeGorgias::start().await;
    for vars in [
        &[("access", "admin")][..],
        &[("read_only", "ture")],
        &[("access", "all"), ("read_only", "true")],
    ] {
        let r = send(&config(&fake, vars), "/get-ticket", r#"{"ticketId": 12345}"#).await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (500, json!("configuration")),
            "{vars:?}"
        );
    }
    assert!(fake.requests().is_empty());
    let init = send(
        &config(&fake, &[("access", "read")]),
        "/mcp",
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18"}})
            .to_string(),
    )
    .await
    .json();
    assert!(init["result"]["instructions"].as_str().unwrap().contains("read-only"));
}
