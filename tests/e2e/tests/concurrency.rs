//! Issue 20: independent Gorgias calls in flight together, through the built
//! component (wasmtime → the fake Gorgias, which records when each request
//! arrived and was answered): add-ticket-tags' lookups and creates overlap,
//! `max_in_flight` bounds them, and a burst against the fake's enforced rate
//! limit (40 calls per 20 s) lets no more 429s reach callers than sending
//! one call after another does.
mod support;

use std::collections::HashMap;
use std::time::Duration;
use support::config_for;
use support::fake_gorgias::FakeGorgias;
use support::host::{Host, HttpResult, post};

async fn call(config: &HashMap<String, String>, path: &str, body: &str) -> HttpResult {
    let (r, logs) = Host::shared().http(config, post(path, body)).await;
    assert!(!logs.stderr.contains("panicked"), "guest panicked: {}", logs.stderr);
    r
}

/// add-ticket-tags with five names no tag has yet (`prefix-0` … `prefix-4`).
fn five_new(prefix: &str) -> String {
    let names: Vec<String> = (0..5).map(|i| format!("{prefix}-{i}")).collect();
    serde_json::json!({"ticketId": 12345, "tagNames": names}).to_string()
}

/// The calls add-ticket-tags with five new names makes: five lookups, five
/// creates, the apply, in rounds.
fn assert_eleven_calls(fake: &FakeGorgias, prefix: &str) {
    let lines = fake.lines();
    assert_eq!(lines.len(), 11, "{lines:#?}");
    let mut lookups: Vec<&str> = lines[..5].iter().map(String::as_str).collect();
    lookups.sort_unstable();
    let want: Vec<String> = (0..5)
        .map(|i| format!("GET /api/tags?search={prefix}-{i}&limit=100"))
        .collect();
    assert_eq!(lookups, want);
    assert!(lines[5..10].iter().all(|l| l == "POST /api/tags"), "{lines:#?}");
    assert_eq!(lines[10], "POST /api/tickets/12345/tags");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_ticket_tags_sends_its_lookups_together_then_its_creates() {
    let fake = FakeGorgias::start().await;
    fake.latency(Duration::from_millis(150));
    let r = call(&config_for(&fake), "/add-ticket-tags", &five_new("overlap")).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eleven_calls(&fake, "overlap");
    let spans = fake.spans();
    let answered = |i: usize| spans[i].1.expect("answered");
    // Every lookup arrived before the first lookup was answered, and every
    // create before the first create was answered: each round overlapped.
    let first_lookup_done = (0..5).map(answered).min().unwrap();
    assert!((0..5).all(|i| spans[i].0 < first_lookup_done), "{spans:#?}");
    let first_create_done = (5..10).map(answered).min().unwrap();
    assert!((5..10).all(|i| spans[i].0 < first_create_done), "{spans:#?}");
    // The rounds depend on each other: no create before the lookups ended,
    // no apply before the creates ended.
    let lookups_done = (0..5).map(answered).max().unwrap();
    assert!((5..10).all(|i| spans[i].0 >= lookups_done), "{spans:#?}");
    assert!(spans[10].0 >= (5..10).map(answered).max().unwrap());
    assert_eq!(fake.max_in_flight(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_in_flight_bounds_the_calls_in_flight() {
    for (bound, want) in [("2", 2), ("1", 1)] {
        let fake = FakeGorgias::start().await;
        fake.latency(Duration::from_millis(100));
        let mut config = config_for(&fake);
        config.insert("max_in_flight".into(), bound.into());
        let prefix = format!("bound{bound}");
        let r = call(&config, "/add-ticket-tags", &five_new(&prefix)).await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        assert_eleven_calls(&fake, &prefix);
        assert_eq!(fake.max_in_flight(), want, "max_in_flight = {bound}");
    }
}

/// Five callers at once, each adding five new tags (55 calls against a
/// bucket of 40): how many callers got a 429, and how many 429s the fake gave.
async fn burst(max_in_flight: &str) -> (usize, u64) {
    let fake = FakeGorgias::start().await;
    fake.enforce_rate_limit(true);
    let mut config = config_for(&fake);
    config.insert("max_in_flight".into(), max_in_flight.into());
    let calls = (0..5).map(|c| {
        let config = config.clone();
        tokio::spawn(async move {
            let body = five_new(&format!("burst{c}"));
            call(&config, "/add-ticket-tags", &body).await.status
        })
    });
    let mut limited = 0;
    for c in calls.collect::<Vec<_>>() {
        let status = c.await.expect("a caller");
        assert!(matches!(status, 200 | 429), "status {status}");
        limited += usize::from(status == 429);
    }
    (limited, fake.rate_limited())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_against_the_rate_limit_lets_no_more_429s_reach_callers_than_one_call_at_a_time() {
    let (sequential, sequential_upstream) = burst("1").await;
    let (together, together_upstream) = burst("6").await;
    eprintln!(
        "callers answered 429: one at a time {sequential} (upstream 429s {sequential_upstream}), \
         together {together} (upstream 429s {together_upstream})"
    );
    assert!(
        together <= sequential,
        "together {together} > one at a time {sequential}"
    );
}
