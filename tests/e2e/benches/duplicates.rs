//! The fault benchmark of issue 18 (exactly-once writes): for each create,
//! `DUP_N` calls (default 20) on its route against the fake Gorgias, which
//! applies each POST and then loses the answer, (a) stalled beyond the
//! first-byte timeout or (b) with a 502. The caller behaves like a workflow
//! platform or an MCP client: on any error it retries the same call once
//! (same body, same `Idempotency-Key` header). Counted: callers whose first
//! call got an ambiguous error, callers left with an error after the retry,
//! and duplicate records in the fake (records written minus calls).
//!
//! Run: `cargo bench --locked --bench duplicates` (from the repository root).
//! It prints one Markdown table row per create and fault (BENCHMARKS.md).
#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a benchmark runner: it prints its table, a failed unwrap is a failed run"
)]

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::{Value, json};
use std::time::Duration;
use support::fake_gorgias::{FakeGorgias, Scripted};
use support::host::{Host, post};

const OPS: [(&str, &str); 4] = [
    ("create-ticket", "/api/tickets"),
    ("reply-to-ticket", "/api/tickets/12345/messages"),
    ("add-internal-note", "/api/tickets/12345/messages"),
    ("create-customer", "/api/customers"),
];

fn body(op: &str, i: usize, fault: &str) -> Value {
    match op {
        "create-ticket" => {
            json!({"channel": "chat", "customerId": 98765, "fromAgent": true, "senderUserId": 4567, "bodyText": "Where is my order?"})
        }
        "reply-to-ticket" => {
            json!({"ticketId": 12345, "channel": "chat", "senderUserId": 4567, "bodyText": "Reshipped."})
        }
        "add-internal-note" => json!({"ticketId": 12345, "senderUserId": 4567, "bodyText": "VIP."}),
        _ => json!({"email": format!("bench-{fault}-{i}@example.com"), "name": "Bench"}),
    }
}

fn records(fake: &FakeGorgias, op: &str) -> usize {
    match op {
        "create-ticket" => fake.ticket_count(),
        "create-customer" => fake.customer_count(),
        _ => fake.message_count(12345),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::var("DUP_N").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let fake = FakeGorgias::start().await;
    let mut cfg = support::config_for(&fake);
    cfg.insert("retry_first_backoff_seconds".into(), "0.02".into());
    cfg.insert("retry_max_wait_seconds".into(), "4".into());
    cfg.insert("upstream_first_byte_timeout_seconds".into(), "0.3".into());
    println!("| create | fault | calls | ambiguous first answers | errors left after one retry | duplicate records |");
    println!("|---|---|---|---|---|---|");
    for (op, upstream) in OPS {
        for fault in ["stall", "502"] {
            let before = records(&fake, op);
            let (mut ambiguous, mut failed) = (0, 0);
            for i in 0..n {
                let script = match fault {
                    "stall" => Scripted::new("POST", upstream, 201, "{}").delay(Duration::from_secs(1)),
                    _ => Scripted::new("POST", upstream, 502, "<html>bad gateway</html>"),
                };
                fake.script(script.applied());
                let key = format!("bench-{op}-{fault}-{i}");
                let send = || {
                    let mut req = post(&format!("/{op}"), &body(op, i, fault).to_string());
                    req.headers_mut().insert("idempotency-key", key.parse().unwrap());
                    req
                };
                let (r, _) = Host::shared().http(&cfg, send()).await;
                if r.status == 200 {
                    continue;
                }
                ambiguous += 1;
                let (r, _) = Host::shared().http(&cfg, send()).await;
                if r.status != 200 {
                    failed += 1;
                }
            }
            let duplicates = records(&fake, op) as i64 - before as i64 - n as i64;
            println!("| {op} | {fault} | {n} | {ambiguous} | {failed} | {duplicates} |");
        }
    }
}
