//! Every operation of the registry on every surface, from its spec example
//! alone: `POST /<operation>`, MCP `tools/call` and its typed WIT export
//! (called through wasmtime's dynamic API, see `support::dynamic`), each
//! against a fresh fake Gorgias with `access = all`. The three must send
//! Gorgias exactly the same requests (lines and bodies) and give the same
//! answer. A new operation is covered by its registry line and its example.
mod support;

use gorgias_connector::ops::{self, Spec};
use serde_json::{Value, json};
use std::collections::HashMap;
use support::config_all;
use support::dynamic::{arguments, export_of, same_answer};
use support::fake_gorgias::FakeGorgias;
use support::host::{Host, post};
use wasmtime::component::Val;

fn all(fake: &FakeGorgias) -> HashMap<String, String> {
    config_all(fake)
}

/// What reached the fake: each request's line and JSON body.
fn upstream(fake: &FakeGorgias) -> Vec<(String, Option<Value>)> {
    // Made-up idempotency keys are random per call: compared blanked.
    let blank = |b: Value| serde_json::from_str(&support::random_keys_blanked(&b.to_string())).expect("JSON");
    fake.requests_batches_sorted()
        .into_iter()
        .map(|r| (r.line(), r.body.map(blank)))
        .collect()
}

async fn route(op: &Spec) -> (Value, Vec<(String, Option<Value>)>) {
    let fake = FakeGorgias::start().await;
    let (r, _) = Host::shared()
        .http(&all(&fake), post(&format!("/{}", op.name), op.example))
        .await;
    assert_eq!(r.status, 200, "{}: {}", op.name, String::from_utf8_lossy(&r.body));
    (r.json(), upstream(&fake))
}

async fn mcp(op: &Spec) -> (Value, Vec<(String, Option<Value>)>) {
    let fake = FakeGorgias::start().await;
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": op.name, "arguments": op.example_args()}});
    let (r, _) = Host::shared().http(&all(&fake), post("/mcp", &call.to_string())).await;
    assert_eq!(r.status, 200, "{}", op.name);
    let v = r.json();
    assert_eq!(v["result"]["isError"], false, "{}: {v}", op.name);
    (v["result"]["structuredContent"].clone(), upstream(&fake))
}

async fn typed(op: &Spec) -> (Val, Vec<(String, Option<Value>)>) {
    let fake = FakeGorgias::start().await;
    let (interface, function) = export_of(op.name);
    let example = op.example_args();
    let name = op.name;
    let (result, _) = Host::shared()
        .call_export(&all(&fake), &interface, &function, |params| {
            arguments(params, &example, name)
        })
        .await;
    let answer = match result {
        Val::Result(Ok(Some(a))) => *a,
        other => panic!("{name}: the typed export failed: {other:?}"),
    };
    (answer, upstream(&fake))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_answers_its_example_alike_on_the_route_mcp_and_its_typed_export() {
    for op in ops::OPERATIONS {
        let (answer, sent) = route(op).await;
        assert!(!sent.is_empty(), "{}: nothing reached Gorgias", op.name);

        let (structured, mcp_sent) = mcp(op).await;
        assert_eq!(structured, answer, "{}: MCP structuredContent", op.name);
        assert_eq!(mcp_sent, sent, "{}: MCP sent other requests", op.name);

        let (val, typed_sent) = typed(op).await;
        if let Err(why) = same_answer(&val, &answer, op.name) {
            panic!("{}: the typed answer differs: {why}", op.name);
        }
        assert_eq!(typed_sent, sent, "{}: the typed export sent other requests", op.name);
    }
}
