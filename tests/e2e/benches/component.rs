//! Benchmarks: component size, per-request cost under a wasmtime host with a
//! fresh instance per request, instantiation time, peak guest memory, mapping
//! cost (native and in the component) and throughput. Prints tables; see
//! BENCHMARKS.md for the method and the recorded numbers.
//!
//! ```text
//! cargo bench --locked --bench component     # everything (a few minutes after the build)
//! BENCH_ITERS=500 BENCH_SECONDS=5 cargo bench --locked --bench component
//! BENCH_ONLY=hostile cargo bench --locked --bench component   # only the 1 MiB hostile-body rows
//! ```
//!
//! Not a test: it asserts nothing about speed. It does check every answer's
//! status so a broken setup cannot produce fast nonsense.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    reason = "a benchmark binary: a failed unwrap is a broken setup"
)]

#[path = "../tests/support/mod.rs"]
mod support;

use bytes::Bytes;
use gorgias_connector::ops;
use http_body_util::{BodyExt, Empty, Full};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use support::fake_gorgias::{self, FakeGorgias};
use support::host::{build_component, wasi::config0_2_0_draft_2024_09_27::store as config_store};
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Config, Engine, ResourceLimiter, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// The size guard: 1.5 MiB = 1,572,864 bytes (1 MiB from issue 17 until issue
/// 21's 24 operations; `.ci/run` enforces it).
const SIZE_BUDGET: u64 = 1_572_864;

// ---- host ----------------------------------------------------------------------

/// Records the largest linear memory (and table) size the guest asked for.
#[derive(Default)]
struct PeakMemory {
    bytes: usize,
}

impl ResourceLimiter for PeakMemory {
    fn memory_growing(&mut self, _current: usize, desired: usize, _max: Option<usize>) -> wasmtime::Result<bool> {
        self.bytes = self.bytes.max(desired);
        Ok(true)
    }
    fn table_growing(&mut self, _current: usize, _desired: usize, _max: Option<usize>) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

struct State {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    config: Arc<HashMap<String, String>>,
    peak: PeakMemory,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for State {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: Default::default(),
        }
    }
}

impl config_store::Host for State {
    fn get(&mut self, key: String) -> Result<Option<String>, config_store::Error> {
        Ok(self.config.get(&key).cloned())
    }
    fn get_all(&mut self) -> Result<Vec<(String, String)>, config_store::Error> {
        Ok(self.config.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }
}

/// One compiled `wasi:http` component and what its instances get.
#[derive(Clone)]
struct Served {
    engine: Engine,
    pre: ProxyPre<State>,
    config: Arc<HashMap<String, String>>,
    env: Arc<Vec<(String, String)>>,
    /// Sent as `authorization` on every incoming request (the passthrough forwards it).
    auth: Option<String>,
}

/// What one request through a fresh instance measured.
struct Sample {
    total: Duration,
    instantiate: Duration,
    peak_memory: usize,
    body_len: usize,
}

impl Served {
    /// The same compiled component pointed at another upstream.
    fn pointed_at(&self, base_url: &str) -> Served {
        let mut config = (*self.config).clone();
        config.insert("gorgias_base_url".into(), base_url.into());
        let env = self
            .env
            .iter()
            .map(|(k, v)| (k.clone(), if k == "UPSTREAM" { base_url.into() } else { v.clone() }))
            .collect();
        Served {
            config: Arc::new(config),
            env: Arc::new(env),
            ..self.clone()
        }
    }

    fn new(
        engine: &Engine,
        wasm: &Path,
        config: HashMap<String, String>,
        env: Vec<(String, String)>,
        auth: Option<String>,
    ) -> (Served, Duration) {
        let t = Instant::now();
        let component = Component::from_file(engine, wasm).expect("compile component");
        let compile = t.elapsed();
        let mut linker = Linker::<State>::new(engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).expect("link wasi");
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker).expect("link wasi-http");
        config_store::add_to_linker::<_, HasSelf<State>>(&mut linker, |s| s).expect("link wasi:config");
        let pre = ProxyPre::new(linker.instantiate_pre(&component).expect("instantiate_pre")).expect("proxy");
        (
            Served {
                engine: engine.clone(),
                pre,
                config: Arc::new(config),
                env: Arc::new(env),
                auth,
            },
            compile,
        )
    }

    /// POSTs `body` to `path` on a fresh instance; panics unless the answer is 200.
    async fn call(&self, path: &str, body: &'static str) -> Sample {
        let (sample, status, bytes) = self.call_any(path, Bytes::from_static(body.as_bytes())).await;
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&bytes));
        sample
    }

    /// POSTs `body` to `path` on a fresh instance; any status (hostile bodies
    /// may be refused): the sample, the status and the answer's body.
    async fn call_any(&self, path: &str, body: Bytes) -> (Sample, u16, Bytes) {
        let start = Instant::now();
        let mut wasi = WasiCtx::builder();
        for (k, v) in self.env.iter() {
            wasi.env(k, v);
        }
        let state = State {
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            config: self.config.clone(),
            peak: PeakMemory::default(),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.peak);
        let mut req = hyper::Request::builder()
            .method("POST")
            .uri(format!("http://localhost{path}"))
            .header("content-type", "application/json");
        if let Some(auth) = &self.auth {
            req = req.header("authorization", auth);
        }
        let req = req.body(Full::new(body)).unwrap();
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let req = store
            .data_mut()
            .http()
            .new_incoming_request(wasmtime_wasi_http::p2::bindings::http::types::Scheme::Http, req)
            .unwrap();
        let out = store.data_mut().http().new_response_outparam(sender).unwrap();
        let pre = self.pre.clone();
        let task = tokio::spawn(async move {
            let t = Instant::now();
            let instance = pre.instantiate_async(&mut store).await?;
            let instantiate = t.elapsed();
            instance
                .wasi_http_incoming_handler()
                .call_handle(&mut store, req, out)
                .await?;
            wasmtime::Result::<_>::Ok((instantiate, store.data().peak.bytes))
        });
        let resp = receiver.await.expect("no response").expect("error code");
        let status = resp.status();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let (instantiate, peak_memory) = task.await.unwrap().expect("guest trapped");
        let total = start.elapsed();
        let sample = Sample {
            total,
            instantiate,
            peak_memory,
            body_len: bytes.len(),
        };
        (sample, status.as_u16(), bytes)
    }
}

/// Baseline (a): the host itself GETs `path` from the fake with hyper, on a
/// new connection per request (as the wasi-http default sender does).
async fn direct(fake: &FakeGorgias, path: &str) -> Duration {
    let start = Instant::now();
    let stream = tokio::net::TcpStream::connect(fake.addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .unwrap();
    let conn = tokio::spawn(conn);
    let req = hyper::Request::builder()
        .uri(path)
        .header("host", fake.addr.to_string())
        .header("authorization", basic_auth())
        .body(Empty::<Bytes>::new())
        .unwrap();
    let resp = sender.send_request(req).await.unwrap();
    assert_eq!(resp.status(), 200);
    let _ = resp.into_body().collect().await.unwrap();
    drop(sender);
    let _ = conn.await;
    start.elapsed()
}

/// The fake's sandbox credentials as a Basic header.
fn basic_auth() -> String {
    let creds = format!("{}:{}", fake_gorgias::EMAIL, fake_gorgias::API_KEY);
    format!("Basic {}", fake_gorgias::b64(creds.as_bytes()))
}

/// A server on 127.0.0.1 that answers every request with 200 and `body`:
/// a fixed page without the fake's bookkeeping (request log, script queue,
/// a zero-length timer per scripted answer), so the page size is the only
/// difference between two runs.
async fn page_server(body: String) -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let body = Bytes::from(body);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let body = body.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |_req: hyper::Request<hyper::body::Incoming>| {
                    let body = body.clone();
                    async move {
                        hyper::Response::builder()
                            .header("content-type", "application/json")
                            .body(Full::new(body))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

// ---- statistics and output -----------------------------------------------------

#[derive(Clone, Copy)]
struct Stats {
    p10: f64,
    median: f64,
    p90: f64,
}

fn stats(mut xs: Vec<f64>) -> Stats {
    xs.sort_by(f64::total_cmp);
    let at = |q: f64| xs[((xs.len() - 1) as f64 * q).round() as usize];
    Stats {
        p10: at(0.10),
        median: at(0.50),
        p90: at(0.90),
    }
}

fn micros(ds: &[Duration]) -> Stats {
    stats(ds.iter().map(|d| d.as_secs_f64() * 1e6).collect())
}

fn row(name: &str, s: Stats, unit: &str) {
    println!(
        "| {name:<58} | {:>10.1} | {:>10.1} | {:>10.1} | {unit:<4} |",
        s.median, s.p10, s.p90
    );
}

fn header(title: &str) {
    println!("\n### {title}\n");
    println!(
        "| {:<58} | {:>10} | {:>10} | {:>10} | unit |",
        "what", "median", "p10", "p90"
    );
    println!("|{:-<60}|{:->12}|{:->12}|{:->12}|------|", "", "", "", "");
}

fn env_usize(key: &str, default: usize) -> usize {
    std::env::var(key).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

// ---- realistic pages -----------------------------------------------------------

/// A `GET /api/tickets` list item shaped like the recorded real answers
/// (TicketCompact: nested customer / assignees, tags, excerpt, datetimes).
fn wire_ticket(i: u64) -> Value {
    let priority = ["normal", "high", "low", "critical"][i as usize % 4];
    let channel = ["email", "chat", "contact_form", "api"][i as usize % 4];
    json!({
        "id": 150_000 + i, "uri": format!("/api/tickets/{}/", 150_000 + i), "external_id": null, "language": "en",
        "status": if i.is_multiple_of(3) { "closed" } else { "open" }, "priority": priority,
        "channel": channel, "via": "email", "from_agent": false,
        "customer": {"id": 90_000 + i, "email": format!("customer{i}@example.com"), "name": format!("Customer Number {i}"),
                     "firstname": "Customer", "lastname": format!("Number {i}"), "meta": {"shopify_id": format!("{}", 7_000_000 + i)}},
        "assignee_user": if i.is_multiple_of(2) { json!({"id": 4567, "email": "agent@yourstore.com", "name": "Alex Agent", "firstname": "Alex", "lastname": "Agent", "meta": null, "bio": null}) } else { Value::Null },
        "assignee_team": if i.is_multiple_of(5) { json!({"id": 77, "name": "Tier 1", "decoration": {"emoji": null}}) } else { Value::Null },
        "subject": format!("Order #{} hasn't shipped yet — could you check the warehouse status?", 1000 + i),
        "excerpt": "Hi, I placed an order five days ago and it still shows as processing. Could you please check what is going on with it and let me know when",
        "integrations": [{"id": 3, "type": "shopify", "name": "My Store"}],
        "meta": {"order_id": 1000 + i, "source": "email"},
        "tags": [{"id": 11, "name": "vip", "decoration": {"color": "#eb144c"}}, {"id": 13, "name": "shipping", "decoration": {"color": "#0693e3"}}],
        "messages_count": 2 + i % 7, "is_unread": i.is_multiple_of(4), "spam": false,
        "created_datetime": "2024-11-14T13:56:16.494726+00:00", "opened_datetime": "2024-11-14T14:01:00+00:00",
        "updated_datetime": "2024-12-04T15:18:56+00:00", "last_message_datetime": "2024-12-04T15:18:56+00:00",
        "last_received_message_datetime": "2024-12-04T15:18:56+00:00", "closed_datetime": null, "snooze_datetime": null, "trashed_datetime": null,
    })
}

/// A `GET /api/messages` item: source addresses, sender, long text and HTML bodies, attachments.
fn wire_message(i: u64) -> Value {
    let text = format!(
        "Hello,\n\nI placed order #{} on the 14th and the tracking page has not moved since. {} \
         Could you tell me when it will ship, or refund it if it cannot?\n\nThanks,\nCustomer {i}",
        1000 + i,
        "The parcel was supposed to leave the warehouse within two business days. ".repeat(8)
    );
    let html = format!(
        "<div><p>{}</p></div>",
        text.replace("\n\n", "</p><p>").replace('\n', "<br>")
    );
    json!({
        "id": 700_000 + i, "uri": format!("/api/tickets/12345/messages/{}/", 700_000 + i), "message_id": format!("<msg-{i}@mail.example.com>"),
        "ticket_id": 12345, "external_id": null, "public": !i.is_multiple_of(5),
        "channel": if i.is_multiple_of(5) { "internal-note" } else { "email" }, "via": if i.is_multiple_of(5) { "helpdesk" } else { "email" },
        "source": {"type": "email", "from": {"name": format!("Customer {i}"), "address": format!("customer{i}@example.com")},
                   "to": [{"name": "Support", "address": "support@yourstore.com"}], "cc": [], "bcc": []},
        "sender": {"id": 90_000 + i, "email": format!("customer{i}@example.com"), "name": format!("Customer {i}"), "firstname": "Customer", "lastname": format!("{i}"), "meta": {}},
        "receiver": {"id": 4567, "email": "agent@yourstore.com", "name": "Alex Agent"},
        "integration_id": 3, "intents": [{"name": "shipping/status", "is_user_feedback": false}], "rule_id": null,
        "from_agent": i.is_multiple_of(3), "subject": format!("Re: Order #{}", 1000 + i),
        "body_text": text, "body_html": html, "stripped_text": "Hello, I placed order", "stripped_html": null, "stripped_signature": null,
        "attachments": if i.is_multiple_of(4) { json!([{"url": format!("https://uploads.gorgias.example/receipt-{i}.pdf"), "name": format!("receipt-{i}.pdf"), "size": 48_213 + i, "content_type": "application/pdf", "public": true, "extra": {}}]) } else { Value::Null },
        "macros": [], "actions": null, "meta": {"current_page": "https://yourstore.example/orders"},
        "created_datetime": "2024-11-14T13:56:16.494726+00:00", "sent_datetime": "2024-11-14T13:56:16+00:00",
        "failed_datetime": null, "opened_datetime": null, "last_sending_error": null, "is_retriable": false,
    })
}

fn list_page(items: Vec<Value>, uri: &str) -> String {
    json!({"object": "list", "uri": uri, "data": items, "meta": {"prev_cursor": null, "next_cursor": "eyJwIjoyfQ"}})
        .to_string()
}

// ---- the passthrough baseline ----------------------------------------------------

/// Builds `bench/passthrough` (its own workspace and lock file) into its own target dir.
fn build_passthrough() -> PathBuf {
    let root = support::root();
    let target_dir = root.join("target").join("passthrough");
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root.join("bench").join("passthrough"))
        .args([
            "build",
            "--release",
            "--locked",
            "--target",
            "wasm32-wasip2",
            "--target-dir",
        ])
        .arg(&target_dir);
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
    ] {
        cmd.env_remove(var);
    }
    assert!(cmd.status().unwrap().success(), "building bench/passthrough failed");
    target_dir
        .join("wasm32-wasip2")
        .join("release")
        .join("passthrough.wasm")
}

// ---- the benchmarks ------------------------------------------------------------

fn mapping_native(iters: usize, tickets: &[u8], messages: &[u8]) {
    header(&format!("Mapping natively ({iters} iterations, µs)"));
    let run = |name: &str, f: &dyn Fn() -> usize| {
        for _ in 0..iters / 10 {
            std::hint::black_box(f());
        }
        let ds: Vec<Duration> = (0..iters)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect();
        row(name, micros(&ds), "µs");
    };
    run(
        &format!("parse_ticket_page, 100 tickets ({} KB)", tickets.len() / 1000),
        &|| ops::tickets::parse_ticket_page(tickets).unwrap().tickets.len(),
    );
    run("parse_ticket_page + JSON text (route output)", &|| {
        serde_json::to_vec(&ops::tickets::parse_ticket_page(tickets).unwrap())
            .unwrap()
            .len()
    });
    run(
        &format!("parse_message_page, 100 messages ({} KB)", messages.len() / 1000),
        &|| ops::messages::parse_message_page(messages).unwrap().messages.len(),
    );
    run("parse_message_page + JSON text (route output)", &|| {
        serde_json::to_vec(&ops::messages::parse_message_page(messages).unwrap())
            .unwrap()
            .len()
    });
}

/// What the in-component mapping measurement needs.
struct Rig<'a> {
    connector: &'a Served,
    passthrough: &'a Served,
    iters: usize,
    warm: usize,
}

impl Rig<'_> {
    /// Times the connector route and the passthrough against a server that
    /// answers a 100-item page and one that answers a 1-item page, interleaved;
    /// returns the median of the per-round (Δ connector − Δ passthrough) in µs.
    async fn in_component(
        &self,
        name: &str,
        (route, body): (&str, &'static str),
        api: &'static str,
        (big, small): (&str, &str),
    ) -> f64 {
        let (big_url, small_url) = (page_server(big.into()).await, page_server(small.into()).await);
        let (cb_host, cs_host) = (
            self.connector.pointed_at(&big_url),
            self.connector.pointed_at(&small_url),
        );
        let (pb_host, ps_host) = (
            self.passthrough.pointed_at(&big_url),
            self.passthrough.pointed_at(&small_url),
        );
        let mut cols: [Vec<Duration>; 4] = Default::default();
        let mut mems: [Vec<f64>; 2] = Default::default();
        let mut out_len = 0;
        for i in 0..self.warm + self.iters {
            let cb = cb_host.call(route, body).await;
            let cs = cs_host.call(route, body).await;
            let pb = pb_host.call(api, "").await;
            let ps = ps_host.call(api, "").await;
            if i >= self.warm {
                for (k, s) in [&cb, &cs, &pb, &ps].into_iter().enumerate() {
                    cols[k].push(s.total);
                }
                mems[0].push(cb.peak_memory as f64 / 1024.0);
                mems[1].push(pb.peak_memory as f64 / 1024.0);
                out_len = cb.body_len;
            }
        }
        let s: Vec<Stats> = cols.iter().map(|c| micros(c)).collect();
        header(&format!(
            "{name} inside the component ({} interleaved rounds, µs)",
            self.iters
        ));
        row(
            &format!("connector {route}, 100-item page ({} KB out)", out_len / 1000),
            s[0],
            "µs",
        );
        row(&format!("connector {route}, 1-item page"), s[1], "µs");
        row("passthrough, same 100-item page", s[2], "µs");
        row("passthrough, same 1-item page", s[3], "µs");
        let delta = |a: &[Duration], b: &[Duration]| -> Vec<f64> {
            a.iter()
                .zip(b)
                .map(|(a, b)| (a.as_secs_f64() - b.as_secs_f64()) * 1e6)
                .collect()
        };
        let delta_c = delta(&cols[0], &cols[1]);
        let delta_p = delta(&cols[2], &cols[3]);
        let net: Vec<f64> = delta_c.iter().zip(&delta_p).map(|(c, p)| c - p).collect();
        let net_median = stats(net.clone()).median;
        row(
            "Δ connector (100 − 1 items): parse+map+serialize+I/O",
            stats(delta_c),
            "µs",
        );
        row("Δ passthrough (100 − 1 items): I/O only", stats(delta_p), "µs");
        row(
            "=> in-component mapping (Δ connector − Δ passthrough)",
            stats(net),
            "µs",
        );
        row(
            "peak guest memory, connector 100-item page",
            stats(mems[0].clone()),
            "KiB",
        );
        row(
            "peak guest memory, passthrough 100-item page",
            stats(mems[1].clone()),
            "KiB",
        );
        net_median
    }
}

// ---- hostile request bodies (issue 10, point 7) -----------------------------------

/// Every body below is exactly this long: the connector's request cap
/// (`MAX_BODY_BYTES`, 1 MiB), which anyone who can call a route may send.
const HOSTILE_LEN: usize = 1024 * 1024;

/// `start`, `unit` `count` times, `tail`, then spaces (JSON whitespace) up to [`HOSTILE_LEN`].
fn body_of(start: &str, unit: &str, count: usize, tail: &str) -> Bytes {
    let mut s = String::with_capacity(HOSTILE_LEN);
    s.push_str(start);
    for _ in 0..count {
        s.push_str(unit);
    }
    s.push_str(tail);
    assert!(s.len() <= HOSTILE_LEN, "{} bytes", s.len());
    s.extend(std::iter::repeat_n(' ', HOSTILE_LEN - s.len()));
    Bytes::from(s)
}

/// The four `POST /get-ticket` bodies, each [`HOSTILE_LEN`] bytes.
fn hostile_bodies() -> [(&'static str, Bytes); 4] {
    let string_len = HOSTILE_LEN - r#"{"ticketId":12345,"note":""}"#.len();
    let unit = r#""ticketId":12345,"#;
    let dups = (HOSTILE_LEN - 2 - unit.len()) / unit.len();
    let depth = (HOSTILE_LEN - r#"{"ticketId":}"#.len()) / 2;
    [
        (
            "ordinary: one long string {\"ticketId\":12345,\"note\":\"aaa…\"}",
            body_of(r#"{"ticketId":12345,"note":""#, "a", string_len, r#""}"#),
        ),
        (
            "ordinary: accepted {\"ticketId\":12345} + whitespace",
            body_of(r#"{"ticketId":12345}"#, "", 0, ""),
        ),
        (
            "duplicate keys {\"ticketId\":12345,\"ticketId\":12345,…}",
            body_of("{", unit, dups, r#""ticketId":12345}"#),
        ),
        (
            "deep nesting {\"ticketId\":[[[[…]]]]}",
            body_of(
                r#"{"ticketId":"#,
                "",
                0,
                &format!("{}{}}}", "[".repeat(depth), "]".repeat(depth)),
            ),
        ),
    ]
}

/// Interleaved rounds of the four 1 MiB bodies on fresh instances: the
/// hostile ones should cost what an ordinary one costs (target: ratio < 3).
async fn hostile_rows(connector: &Served, iters: usize) {
    let bodies = hostile_bodies();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); bodies.len()];
    let mut statuses: Vec<Vec<u16>> = vec![Vec::new(); bodies.len()];
    for round in 0..iters + 1 {
        for (i, (_, body)) in bodies.iter().enumerate() {
            let (sample, status, _) = connector.call_any("/get-ticket", body.clone()).await;
            // Round 0 warms up.
            if round > 0 {
                times[i].push(sample.total);
                statuses[i].push(status);
            }
        }
    }
    header(&format!(
        "POST /get-ticket with a {HOSTILE_LEN}-byte body, fresh instance ({iters} interleaved rounds, µs)"
    ));
    let medians: Vec<f64> = times.iter().map(|t| micros(t).median).collect();
    for (i, (name, _)) in bodies.iter().enumerate() {
        let mut seen = statuses[i].clone();
        seen.sort_unstable();
        seen.dedup();
        row(&format!("{name} -> {seen:?}"), micros(&times[i]), "µs");
    }
    for (i, name) in [(2, "duplicate keys"), (3, "deep nesting")] {
        println!(
            "ratio {name} / one long string: {:.2}; / accepted + whitespace: {:.2} (target < 3)",
            medians[i] / medians[0],
            medians[i] / medians[1]
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let iters = env_usize("BENCH_ITERS", 200);
    let hostile_iters = env_usize("BENCH_HOSTILE_ITERS", 10);
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    if only == "hostile" {
        let wasm = build_component();
        println!("## gorgias-connector benchmarks: hostile bodies only (BENCH_ONLY=hostile)\n");
        println!(
            "component: {} bytes — {}",
            std::fs::metadata(&wasm).unwrap().len(),
            wasm.display()
        );
        let fake = FakeGorgias::start().await;
        let engine = Engine::new(&Config::new()).unwrap();
        let (connector, _) = Served::new(&engine, &wasm, support::config_for(&fake), vec![], None);
        hostile_rows(&connector, hostile_iters).await;
        return;
    }
    assert!(only.is_empty(), "BENCH_ONLY knows only `hostile`; got {only:?}");
    let seconds = env_usize("BENCH_SECONDS", 3) as u64;
    let native_iters = env_usize("BENCH_NATIVE_ITERS", 300);

    // Sizes.
    let t = Instant::now();
    let wasm = build_component();
    let build = t.elapsed();
    let passthrough_wasm = build_passthrough();
    let size = std::fs::metadata(&wasm).unwrap().len();
    let passthrough_size = std::fs::metadata(&passthrough_wasm).unwrap().len();
    println!("## gorgias-connector benchmarks\n");
    println!(
        "component: {size} bytes ({}; guard {SIZE_BUDGET} bytes = 1.5 MiB) — {}",
        if size <= SIZE_BUDGET {
            "within the guard"
        } else {
            "OVER the guard"
        },
        wasm.display()
    );
    println!("passthrough baseline: {passthrough_size} bytes");
    println!("(nested component build check took {:.1} s)", build.as_secs_f64());

    // Pages.
    let tickets = list_page((0..100).map(wire_ticket).collect(), "/api/tickets?limit=100");
    let one_ticket = list_page(vec![wire_ticket(0)], "/api/tickets?limit=100");
    let messages = list_page(
        (0..100).map(wire_message).collect(),
        "/api/messages?ticket_id=12345&limit=100",
    );
    let one_message = list_page(vec![wire_message(0)], "/api/messages?ticket_id=12345&limit=100");
    mapping_native(native_iters, tickets.as_bytes(), messages.as_bytes());

    // Hosts.
    let fake = FakeGorgias::start().await;
    let engine = Engine::new(&Config::new()).unwrap();
    let (connector, compile) = Served::new(&engine, &wasm, support::config_for(&fake), vec![], None);
    let (passthrough, compile_pt) = Served::new(
        &engine,
        &passthrough_wasm,
        HashMap::new(),
        vec![("UPSTREAM".into(), fake.base_url())],
        Some(basic_auth()),
    );
    println!(
        "\nCranelift compile (once per process, not per request): connector {:.0} ms, passthrough {:.0} ms",
        compile.as_secs_f64() * 1e3,
        compile_pt.as_secs_f64() * 1e3
    );

    // Per-request latency, interleaved so drift hits all three alike.
    const GET_TICKET: &str = r#"{"ticketId": 12345}"#;
    let warm = iters / 10 + 5;
    let (mut d, mut p, mut c) = (vec![], vec![], vec![]);
    let (mut inst_p, mut inst_c, mut mem_p, mut mem_c) = (vec![], vec![], vec![], vec![]);
    for i in 0..warm + iters {
        let a = direct(&fake, "/api/tickets/12345").await;
        let sp = passthrough.call("/api/tickets/12345", "").await;
        let sc = connector.call("/get-ticket", GET_TICKET).await;
        if i >= warm {
            d.push(a);
            p.push(sp.total);
            c.push(sc.total);
            inst_p.push(sp.instantiate);
            inst_c.push(sc.instantiate);
            mem_p.push(sp.peak_memory as f64 / 1024.0);
            mem_c.push(sc.peak_memory as f64 / 1024.0);
        }
        if i % 100 == 0 {
            fake.clear_log();
        }
    }
    let (sd, sp, sc) = (micros(&d), micros(&p), micros(&c));
    header(&format!(
        "get-ticket, one request per fresh instance ({iters} interleaved rounds, µs)"
    ));
    row("(a) host -> fake directly (hyper, new connection)", sd, "µs");
    row("(b) passthrough component -> fake (fresh instance)", sp, "µs");
    row("connector POST /get-ticket -> fake (fresh instance)", sc, "µs");
    row("  of which instantiation: passthrough", micros(&inst_p), "µs");
    row("  of which instantiation: connector", micros(&inst_c), "µs");
    let ratios: Vec<f64> = c
        .iter()
        .zip(&p)
        .map(|(c, p)| c.as_secs_f64() / p.as_secs_f64())
        .collect();
    println!(
        "\nratio connector / passthrough (medians): {:.2} (budget <= 1.5); per-round ratio median {:.2}",
        sc.median / sp.median,
        stats(ratios).median
    );
    println!(
        "connector cost over (a): {:.0} µs; passthrough over (a): {:.0} µs",
        sc.median - sd.median,
        sp.median - sd.median
    );

    // Mapping inside the component: difference method (see BENCHMARKS.md).
    let rig = Rig {
        connector: &connector,
        passthrough: &passthrough,
        iters,
        warm,
    };
    let ticket_ms = rig
        .in_component(
            "search-tickets: 100-ticket page",
            ("/search-tickets", r#"{"limit": 100}"#),
            "/api/tickets",
            (&tickets, &one_ticket),
        )
        .await
        / 1e3;
    let message_ms = rig
        .in_component(
            "get-ticket-messages: 100-message page",
            ("/get-ticket-messages", r#"{"ticketId": 12345, "limit": 100}"#),
            "/api/messages",
            (&messages, &one_message),
        )
        .await
        / 1e3;
    println!(
        "\nin-component mapping of the 100-ticket page: {ticket_ms:.2} ms (budget <= 2 ms); 100-message page: {message_ms:.2} ms"
    );

    hostile_rows(&connector, hostile_iters).await;

    header("Peak guest linear memory per request (KiB)");
    row("passthrough, get one ticket", stats(mem_p), "KiB");
    row("connector, get-ticket", stats(mem_c), "KiB");

    // Throughput: concurrent clients for a fixed time on the 2-worker runtime.
    println!("\n### Throughput ({seconds} s per cell, 2 tokio workers shared by host, guests and fake)\n");
    println!("| {:<40} | {:>8} | {:>12} |", "route", "clients", "requests/s");
    println!("|{:-<42}|{:->10}|{:->14}|", "", "", "");
    for (name, served, path, body) in [
        ("connector POST /get-ticket", &connector, "/get-ticket", GET_TICKET),
        (
            "connector POST /search-tickets (3 tickets)",
            &connector,
            "/search-tickets",
            "{}",
        ),
        (
            "passthrough GET /api/tickets/12345",
            &passthrough,
            "/api/tickets/12345",
            "",
        ),
    ] {
        for clients in [1, 4, 16] {
            let done = Arc::new(AtomicU64::new(0));
            let stop = Arc::new(AtomicBool::new(false));
            let tasks: Vec<_> = (0..clients)
                .map(|_| {
                    let (served, done, stop) = (served.clone(), done.clone(), stop.clone());
                    tokio::spawn(async move {
                        while !stop.load(Ordering::Relaxed) {
                            served.call(path, body).await;
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                    })
                })
                .collect();
            let t = Instant::now();
            tokio::time::sleep(Duration::from_secs(seconds)).await;
            let n = done.load(Ordering::Relaxed);
            let elapsed = t.elapsed();
            stop.store(true, Ordering::Relaxed);
            for task in tasks {
                task.await.unwrap();
            }
            fake.clear_log();
            println!(
                "| {name:<40} | {clients:>8} | {:>12.0} |",
                n as f64 / elapsed.as_secs_f64()
            );
        }
    }
}
