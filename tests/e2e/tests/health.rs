//! `GET /health` end to end: the component under wasmtime → the fake Gorgias
//! (or nothing at all).
mod support;

use bytes::Bytes;
use http_body_util::Full;
use serde_json::{Value, json};
use std::collections::HashMap;
use support::config_for;
use support::fake_gorgias::{self, FakeGorgias, Scripted};
use support::host::{Host, HttpResult};

async fn health(config: &HashMap<String, String>, headers: &[(&str, &str)]) -> HttpResult {
    let mut b = hyper::Request::builder().method("GET").uri("http://localhost/health");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let (r, logs) = Host::shared()
        .http(config, b.body(Full::new(Bytes::new())).expect("request"))
        .await;
    assert!(!logs.stderr.contains("panicked"), "guest panicked: {}", logs.stderr);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let text = String::from_utf8_lossy(&r.body);
    assert!(!text.contains(fake_gorgias::API_KEY), "the API key leaked: {text}");
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ok_with_account_and_quota() {
    let fake = FakeGorgias::start().await;
    let r = health(&config_for(&fake), &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({"status": "ok", "account": "sandbox", "upstreamStatus": 200, "quota": {"used": 1, "limit": 40}})
    );
    assert_eq!(fake.lines(), vec!["GET /api/account"]);
    let expected_auth = format!(
        "Basic {}",
        fake_gorgias::b64(format!("{}:{}", fake_gorgias::EMAIL, fake_gorgias::API_KEY).as_bytes())
    );
    assert_eq!(fake.requests()[0].header("authorization"), Some(expected_auth.as_str()));
    let r = health(&config_for(&fake), &[]).await;
    assert_eq!(r.json()["quota"], json!({"used": 2, "limit": 40}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_key_is_unauthorized() {
    let fake = FakeGorgias::start().await;
    let r = health(&config_for(&fake), &[("x-gorgias-api-key", "not-the-key")]).await;
    assert_eq!(r.status, 503);
    let v = r.json();
    assert_eq!(
        (&v["status"], &v["upstreamStatus"], &v["quota"]),
        (&json!("unauthorized"), &json!(401), &json!({"used": 1, "limit": 40}))
    );
    assert_eq!(fake.lines().len(), 1, "no retry");
    assert!(!String::from_utf8_lossy(&r.body).contains("not-the-key"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_account_and_garbage_quota() {
    let fake = FakeGorgias::start().await;
    fake.script(
        Scripted::new(
            "GET",
            "/api/account",
            404,
            r#"{"error": {"msg": "Resource not found."}}"#,
        )
        .header("x-gorgias-account-api-call-limit", "lots"),
    );
    let r = health(&config_for(&fake), &[]).await;
    assert_eq!(r.status, 503);
    let v = r.json();
    assert_eq!(
        (&v["status"], &v["account"], &v["quota"]),
        (&json!("unknown-account"), &json!("sandbox"), &Value::Null)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_port_is_unreachable_and_missing_credentials_not_configured() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut cfg = HashMap::from([
        ("gorgias_account".to_string(), fake_gorgias::ACCOUNT.to_string()),
        ("gorgias_email".to_string(), fake_gorgias::EMAIL.to_string()),
        ("gorgias_api_key".to_string(), fake_gorgias::API_KEY.to_string()),
        ("gorgias_base_url".to_string(), format!("http://127.0.0.1:{port}")),
        // The refused connection is retried: 20 ms and 40 ms, not 0.5 s and 1 s.
        ("retry_first_backoff_seconds".to_string(), "0.02".to_string()),
    ]);
    let r = health(&cfg, &[]).await;
    assert_eq!(r.status, 503);
    let v = r.json();
    assert_eq!((&v["status"], &v["quota"]), (&json!("unreachable"), &Value::Null));
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));

    cfg.remove("gorgias_api_key");
    let r = health(&cfg, &[]).await;
    assert_eq!((r.status, r.json()["status"].clone()), (503, json!("not-configured")));
    assert!(r.json()["message"].as_str().unwrap().contains("x-gorgias-api-key"));
}
