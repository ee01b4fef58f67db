//! A Gorgias-shaped fake on 127.0.0.1: real HTTP, the real API's JSON shapes,
//! in-memory tickets, messages, tags and customers, a request log, and
//! scripted answers (429 sequences, 5xx, delays, garbage, broken bodies).
//!
//! Shared by the integration tests, the benchmarks and `cargo run --example serve -- --sandbox`.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::Frame;
use hyper::{Request, Response, body::Incoming};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The sandbox credentials the fake accepts.
pub const ACCOUNT: &str = "sandbox";
/// The sandbox user.
pub const EMAIL: &str = "agent@yourstore.com";
/// The sandbox API key.
pub const API_KEY: &str = "sandbox-api-key-0123456789";
/// The sandbox OAuth2 access token (accepted as `Authorization: Bearer`).
pub const ACCESS_TOKEN: &str = "sandbox-oauth-token-9876543210";

/// Calls per window an API key gets; OAuth tokens get twice as many.
pub const API_KEY_LIMIT: u64 = 40;
/// The window over which a full bucket drains.
pub const WINDOW: Duration = Duration::from_secs(20);

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Method.
    pub method: String,
    /// Path with query, as sent.
    pub path: String,
    /// Headers, names lower case.
    pub headers: Vec<(String, String)>,
    /// Body parsed as JSON (`None` when empty).
    pub body: Option<Value>,
}

impl Recorded {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    /// `METHOD /path?query`.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// A canned answer for the next request whose method and path (without
/// query) match; used once.
#[derive(Debug, Clone)]
pub struct Scripted {
    /// Method to match.
    pub method: &'static str,
    /// Path to match, without query.
    pub path: String,
    /// Status to answer.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Wait this long before answering headers.
    pub delay: Duration,
    /// Send the first half of the body, then fail the stream.
    pub break_body: bool,
    /// Send the first half of the body, wait this long, then send the rest.
    pub body_pause: Duration,
    /// Apply the request as the fake would (a create lands), then answer
    /// with this script instead of the real answer: a lost answer.
    pub apply: bool,
}

impl Scripted {
    /// An answer with `status` and `body`.
    pub fn new(method: &'static str, path: &str, status: u16, body: &str) -> Self {
        Scripted {
            method,
            path: path.into(),
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
            break_body: false,
            body_pause: Duration::ZERO,
            apply: false,
        }
    }
    /// Applies the request first (see [`Scripted::apply`]).
    pub fn applied(mut self) -> Self {
        self.apply = true;
        self
    }
    /// Adds a header.
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }
    /// Delays the answer.
    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
    /// Breaks the body off half way.
    pub fn broken(mut self) -> Self {
        self.break_body = true;
        self
    }
    /// Stalls half way through the body for `d` (a between-bytes timeout).
    pub fn stall_body(mut self, d: Duration) -> Self {
        self.body_pause = d;
        self
    }
}

#[derive(Default)]
struct State {
    tickets: Vec<Value>,
    messages: Vec<Value>,
    tags: Vec<Value>,
    customers: Vec<Value>,
    views: Vec<Value>,
    users: Vec<Value>,
    teams: Vec<Value>,
    ticket_tags: Vec<(u64, u64)>,
    next_id: u64,
    log: Vec<Recorded>,
    script: VecDeque<Scripted>,
    /// Answer `GET /api/tickets/{id}/tags` as a bare array instead of `{data}`.
    bare_tag_lists: bool,
    /// Answer writes with no body: `PUT /api/tickets/{id}` with 202,
    /// `POST /api/tickets` and `POST /api/tags` with 200,
    /// `POST /api/tickets/{id}/messages` with 201.
    empty_update_bodies: bool,
    /// Answer `GET /api/views`, `/api/users`, `/api/teams` as bare arrays
    /// (the shape of the spec's examples) instead of cursor pages.
    bare_directory_lists: bool,
    /// One leaky bucket per `Authorization` value, as Gorgias meters each key.
    buckets: std::collections::HashMap<String, Bucket>,
    /// Answer 429 (with `Retry-After`) when a call would overflow its bucket.
    enforce_rate_limit: bool,
    /// Calls answered 429 by the enforced limit.
    rate_limited: u64,
    /// Wait this long before every answer (a distant Gorgias).
    latency: Duration,
    /// When each logged request arrived and was answered (same index as `log`).
    spans: Vec<(std::time::Instant, Option<std::time::Instant>)>,
    // ---- issue 21: custom fields and satisfaction surveys
    /// Custom field definitions, Ticket and Customer, by priority descending.
    custom_fields: Vec<Value>,
    /// Each ticket's custom field values `(ticket, field, value)`, in the order set.
    ticket_field_values: Vec<(u64, u64, Value)>,
    /// Satisfaction surveys, oldest first.
    surveys: Vec<Value>,
    /// Answer `PUT /api/tickets/{id}/custom-fields` (200) and
    /// `POST /api/satisfaction-surveys` (201) with no body.
    empty_field_and_survey_bodies: bool,
    // ---- issue 21: events, integrations, account
    /// The events log, oldest first.
    events: Vec<Value>,
    /// The integrations (email, http, ...), oldest first.
    integrations: Vec<Value>,
    // ---- issue 21: customers, macros and jobs
    /// Macros (`GET /api/macros`).
    macros: Vec<Value>,
    /// Background jobs (`POST /api/jobs` creates `applyMacro` ones).
    jobs: Vec<Value>,
    /// Answer customer creates and updates and job creates with a 2xx and no
    /// body (Gorgias sometimes does).
    empty_write_answers: bool,
}

/// A leaky bucket: `level` calls, draining `limit / WINDOW` per second.
struct Bucket {
    level: f64,
    at: std::time::Instant,
}

impl State {
    /// Counts one call against `key`'s bucket of `limit`: `Ok(used)` or, when
    /// the limit is enforced and the bucket is full, `Err(retry_after_seconds)`
    /// (the call is then not counted).
    fn take(&mut self, key: &str, limit: u64) -> Result<u64, u64> {
        let now = std::time::Instant::now();
        let rate = limit as f64 / WINDOW.as_secs_f64();
        let b = self
            .buckets
            .entry(key.to_string())
            .or_insert(Bucket { level: 0.0, at: now });
        b.level = (b.level - now.duration_since(b.at).as_secs_f64() * rate).max(0.0);
        b.at = now;
        if self.enforce_rate_limit && b.level + 1.0 > limit as f64 {
            self.rate_limited += 1;
            return Err(((b.level + 1.0 - limit as f64) / rate).ceil().max(1.0) as u64);
        }
        b.level += 1.0;
        Ok((b.level.ceil() as u64).min(limit))
    }
}

/// The running fake.
#[derive(Clone)]
pub struct FakeGorgias {
    /// Where it listens.
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

const NOW: &str = "2024-12-04T15:18:56.123456+00:00";

impl FakeGorgias {
    /// Starts the fake on 127.0.0.1:`port` (0 = any) with the sample data, on the current tokio runtime.
    pub async fn start_on(port: u16) -> Self {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind fake gorgias");
        let addr = listener.local_addr().expect("local addr");
        let fake = FakeGorgias {
            addr,
            state: Arc::new(Mutex::new(State::seeded())),
        };
        let f = fake.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let f = f.clone();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req| {
                        let f = f.clone();
                        async move { Ok::<_, Infallible>(f.serve(req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        fake
    }

    /// Starts on any free port.
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers every call after `d` (the scripts' own delays add to it).
    pub fn latency(&self, d: Duration) {
        self.state.lock().unwrap().latency = d;
    }

    /// When each request received so far arrived and was answered (its
    /// headers and whole body handed to the connection), in arrival order;
    /// `None`: not answered yet.
    pub fn spans(&self) -> Vec<(std::time::Instant, Option<std::time::Instant>)> {
        self.state.lock().unwrap().spans.clone()
    }

    /// The most requests that were in flight (arrived, not answered) at once.
    pub fn max_in_flight(&self) -> usize {
        let spans = self.spans();
        spans
            .iter()
            .map(|(at, _)| {
                spans
                    .iter()
                    .filter(|(a, done)| a <= at && done.is_none_or(|d| d > *at))
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    /// [`FakeGorgias::requests`], except that the requests the connector
    /// sends together (tag lookups `GET /api/tags?search=`, then creates
    /// `POST /api/tags`), which arrive in any order, come sorted within each
    /// run of them (by line, then body): an order that does not change from
    /// one run to the next. Everything else stays in the order it came.
    pub fn requests_batches_sorted(&self) -> Vec<Recorded> {
        let mut requests = self.requests();
        let route = |r: &Recorded| r.line().split('?').next().unwrap_or("").to_string();
        let mut start = 0;
        while start < requests.len() {
            let key = route(&requests[start]);
            if !matches!(key.as_str(), "GET /api/tags" | "POST /api/tags") {
                start += 1;
                continue;
            }
            let end = start + requests[start..].iter().take_while(|r| route(r) == key).count();
            requests[start..end].sort_by_key(|r| (r.line(), r.body.as_ref().map(Value::to_string)));
            start = end;
        }
        requests
    }

    /// [`FakeGorgias::lines`] in [`FakeGorgias::requests_batches_sorted`]'s order.
    pub fn lines_batches_sorted(&self) -> Vec<String> {
        self.requests_batches_sorted().iter().map(Recorded::line).collect()
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().log.clone()
    }

    /// `METHOD /path?query` of every request so far.
    pub fn lines(&self) -> Vec<String> {
        self.requests().iter().map(Recorded::line).collect()
    }

    /// Forgets the request log.
    pub fn clear_log(&self) {
        let mut s = self.state.lock().unwrap();
        s.log.clear();
        s.spans.clear();
    }

    /// Queues a canned answer.
    pub fn script(&self, s: Scripted) {
        self.state.lock().unwrap().script.push_back(s);
    }

    /// Switches `GET /api/tickets/{id}/tags` to a bare JSON array.
    pub fn bare_tag_lists(&self, on: bool) {
        self.state.lock().unwrap().bare_tag_lists = on;
    }

    /// Enforces the rate limit: 40 calls per 20 s per API key (80 per token),
    /// a leaky bucket as Gorgias documents it; beyond it, 429 with `Retry-After`.
    pub fn enforce_rate_limit(&self, on: bool) {
        self.state.lock().unwrap().enforce_rate_limit = on;
    }

    /// How many calls the enforced rate limit answered 429.
    pub fn rate_limited(&self) -> u64 {
        self.state.lock().unwrap().rate_limited
    }

    /// Switches `GET /api/views`, `/api/users` and `/api/teams` to bare JSON arrays.
    pub fn bare_directory_lists(&self, on: bool) {
        self.state.lock().unwrap().bare_directory_lists = on;
    }

    /// Adds 150 tags whose names contain `refund` (`full-refund-0`, `REFUND-1`, …)
    /// created before an exact `refund` (id 9999), so that `?search=refund`
    /// pages (100 per page) put the exact name on page 2.
    pub fn seed_similar_tags(&self) {
        let mut s = self.state.lock().unwrap();
        let mut similar: Vec<Value> = (0..150)
            .map(|i| {
                let name = if i % 2 == 0 { format!("full-refund-{i}") } else { format!("REFUND-{i}") };
                json!({"id": 9000 + i, "name": name, "description": null, "decoration": null, "usage": 0, "uri": format!("/api/tags/{}/", 9000 + i), "created_datetime": "2024-02-01T00:00:00+00:00", "deleted_datetime": null})
            })
            .collect();
        similar.push(json!({"id": 9999, "name": "refund", "description": "Refund requested", "decoration": {"color": "#ff6900"}, "usage": 1, "uri": "/api/tags/9999/", "created_datetime": "2024-03-01T00:00:00+00:00", "deleted_datetime": null}));
        s.tags.extend(similar);
    }

    /// The assignee user id of a ticket as the fake stores it (`None`: unassigned).
    pub fn assignee_user(&self, ticket: u64) -> Option<u64> {
        let s = self.state.lock().unwrap();
        s.tickets
            .iter()
            .find(|t| t["id"] == ticket)
            .and_then(|t| t["assignee_user"]["id"].as_u64())
    }

    /// The assignee team id of a ticket as the fake stores it (`None`: unassigned).
    pub fn assignee_team(&self, ticket: u64) -> Option<u64> {
        let s = self.state.lock().unwrap();
        s.tickets
            .iter()
            .find(|t| t["id"] == ticket)
            .and_then(|t| t["assignee_team"]["id"].as_u64())
    }

    /// Makes writes answer an empty body, as Gorgias sometimes does: ticket
    /// updates 202, ticket and tag creates 200, replies and notes 201.
    pub fn empty_update_bodies(&self, on: bool) {
        self.state.lock().unwrap().empty_update_bodies = on;
    }

    /// The tag names currently on a ticket.
    pub fn ticket_tag_names(&self, ticket: u64) -> Vec<String> {
        let s = self.state.lock().unwrap();
        s.tag_list(ticket)
            .iter()
            .map(|t| t["name"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// How many tags exist with this exact name.
    pub fn tags_named(&self, name: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .tags
            .iter()
            .filter(|t| t["name"] == name)
            .count()
    }

    async fn serve(&self, req: Request<Incoming>) -> Response<BoxBody<Bytes, std::io::Error>> {
        let method = req.method().to_string();
        let path = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let headers: Vec<(String, String)> = req
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let raw = req
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let body: Option<Value> = if raw.is_empty() {
            None
        } else {
            serde_json::from_slice(&raw)
                .ok()
                .or(Some(Value::String(String::from_utf8_lossy(&raw).into_owned())))
        };
        let rec = Recorded {
            method: method.clone(),
            path: path.clone(),
            headers,
            body,
        };
        let key = rec.header("authorization").unwrap_or_default().to_string();
        let limit = if key.starts_with("Bearer ") {
            2 * API_KEY_LIMIT
        } else {
            API_KEY_LIMIT
        };
        let (index, latency) = {
            let mut s = self.state.lock().unwrap();
            s.log.push(rec.clone());
            s.spans.push((std::time::Instant::now(), None));
            (s.spans.len() - 1, s.latency)
        };
        tokio::time::sleep(latency).await;
        let response = self.answer(rec, key, limit).await;
        if let Some(span) = self.state.lock().unwrap().spans.get_mut(index) {
            span.1 = Some(std::time::Instant::now());
        }
        response
    }

    /// The answer to `rec`, counted against `key`'s bucket of `limit`.
    async fn answer(&self, rec: Recorded, key: String, limit: u64) -> Response<BoxBody<Bytes, std::io::Error>> {
        let (method, path) = (rec.method.clone(), rec.path.clone());
        let (scripted, answer, used) = {
            let mut s = self.state.lock().unwrap();
            let used = match s.take(&key, limit) {
                Ok(used) => used,
                Err(retry_after) => {
                    return Response::builder()
                        .status(429)
                        .header("retry-after", retry_after.to_string())
                        .header("x-gorgias-account-api-call-limit", format!("{limit}/{limit}"))
                        .header("content-type", "application/json")
                        .body(full(br#"{"error": {"msg": "Too many requests"}}"#.to_vec()))
                        .unwrap();
                }
            };
            let bare_path = path.split('?').next().unwrap_or("").to_string();
            let pos = s.script.iter().position(|x| x.method == method && x.path == bare_path);
            match pos.and_then(|p| s.script.remove(p)) {
                Some(x) => {
                    if x.apply {
                        let _ = s.route(&rec);
                    }
                    (Some(x), None, used)
                }
                None => (None, Some(s.route(&rec)), used),
            }
        };
        if let Some(x) = scripted {
            tokio::time::sleep(x.delay).await;
            let mut b = Response::builder().status(x.status);
            for (k, v) in &x.headers {
                b = b.header(k, v);
            }
            let body: BoxBody<Bytes, std::io::Error> = if x.break_body {
                let half = Bytes::from(x.body[..x.body.len() / 2].to_vec());
                // Pause before failing so hyper flushes the headers and the
                // first half: without it the client never sees a status line.
                let frames = futures_util::stream::unfold(Some(half), |half| async move {
                    match half {
                        Some(h) => Some((Ok(Frame::data(h)), None)),
                        None => {
                            tokio::time::sleep(Duration::from_millis(100)).await;
                            Some((Err(std::io::Error::other("connection reset by fake")), None))
                        }
                    }
                });
                BoxBody::new(StreamBody::new(frames))
            } else if !x.body_pause.is_zero() {
                let half = x.body.len() / 2;
                let parts = vec![
                    (Duration::ZERO, Bytes::from(x.body[..half].to_vec())),
                    (x.body_pause, Bytes::from(x.body[half..].to_vec())),
                ];
                let frames = futures_util::stream::unfold(parts.into_iter(), |mut parts| async move {
                    let (pause, bytes) = parts.next()?;
                    tokio::time::sleep(pause).await;
                    Some((Ok::<_, std::io::Error>(Frame::data(bytes)), parts))
                });
                BoxBody::new(StreamBody::new(frames))
            } else {
                full(x.body.clone())
            };
            return b.body(body).unwrap();
        }
        let (status, value) = answer.unwrap();
        let mut b = Response::builder()
            .status(status)
            .header("x-gorgias-account-api-call-limit", format!("{used}/{limit}"));
        let bytes = match value {
            Some(v) => {
                b = b.header("content-type", "application/json");
                v.to_string().into_bytes()
            }
            None => Vec::new(),
        };
        b.body(full(bytes)).unwrap()
    }
}

fn full(b: Vec<u8>) -> BoxBody<Bytes, std::io::Error> {
    BoxBody::new(Full::new(Bytes::from(b)).map_err(|never: Infallible| match never {}))
}

fn err(status: u16, msg: &str) -> (u16, Option<Value>) {
    (status, Some(json!({"error": {"msg": msg}})))
}

fn query(path: &str) -> Vec<(String, String)> {
    let Some((_, q)) = path.split_once('?') else {
        return vec![];
    };
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Gorgias refuses unknown query parameters with a 400 naming them, and
/// `limit` outside 1..100; `Some(answer)` is that refusal.
fn refuse_params(q: &[(String, String)], allowed: &[&str]) -> Option<(u16, Option<Value>)> {
    if let Some((k, _)) = q.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
        let mut data = serde_json::Map::new();
        data.insert(k.clone(), json!(["Unknown field."]));
        return Some((
            400,
            Some(json!({"error": {"msg": "Invalid query parameters", "data": data}})),
        ));
    }
    for (k, v) in q {
        if k == "limit" && !v.parse::<u32>().is_ok_and(|l| (1..=100).contains(&l)) {
            return Some((
                400,
                Some(
                    json!({"error": {"msg": "Invalid query parameters", "data": {"limit": ["Must be between 1 and 100."]}}}),
                ),
            ));
        }
    }
    None
}

/// A 400 for an `order_by` outside `allowed`.
fn refuse_order(q: &[(String, String)], allowed: &[&str]) -> Option<(u16, Option<Value>)> {
    let o = q.iter().find(|(k, _)| k == "order_by")?;
    (!allowed.contains(&o.1.as_str())).then(|| {
        (400, Some(json!({"error": {"msg": "Invalid query parameters", "data": {"order_by": [format!("Must be one of: {}.", allowed.join(", "))]}}})))
    })
}

/// The `ids` of a ticket-tags body (`DELETE`/`PUT`), or the 400 Gorgias gives.
fn tag_ids_body(body: &Value, require_one: bool) -> Result<Vec<u64>, (u16, Option<Value>)> {
    let bad = |m: &str| {
        (
            400,
            Some(json!({"error": {"msg": "Invalid data", "data": {"ids": [m]}}})),
        )
    };
    let Some(obj) = body.as_object() else {
        return Err(bad("A JSON object body is required."));
    };
    if let Some(k) = obj.keys().find(|k| *k != "ids" && *k != "names") {
        let mut data = serde_json::Map::new();
        data.insert(k.clone(), json!(["Unknown field."]));
        return Err((400, Some(json!({"error": {"msg": "Invalid data", "data": data}}))));
    }
    if obj.contains_key("names") {
        // The connector resolves names itself; what Gorgias does with names here is undocumented.
        return Err((
            400,
            Some(json!({"error": {"msg": "fake: names are not supported here"}})),
        ));
    }
    match obj.get("ids") {
        Some(Value::Array(a)) if a.iter().all(|v| v.as_u64().is_some()) && (!require_one || !a.is_empty()) => {
            Ok(a.iter().filter_map(Value::as_u64).collect())
        }
        Some(_) => Err(bad("Must be a list of integers.")),
        None if require_one => Err(bad("Include at least one of ids or names.")),
        None => Ok(vec![]),
    }
}

/// A directory list (views, users, teams): a cursor page, or a bare array of all.
fn directory_list(items: Vec<Value>, bare: bool, q: &[(String, String)], uri: &str) -> (u16, Option<Value>) {
    if bare {
        (200, Some(Value::Array(items)))
    } else {
        (200, Some(page(items, q, uri)))
    }
}

fn page(items: Vec<Value>, q: &[(String, String)], uri: &str) -> Value {
    let limit: usize = q
        .iter()
        .find(|(k, _)| k == "limit")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(30);
    let start: usize = q
        .iter()
        .find(|(k, _)| k == "cursor")
        .and_then(|(_, v)| v.strip_prefix("cur-").and_then(|n| n.parse().ok()))
        .unwrap_or(0);
    let end = (start + limit).min(items.len());
    let next = (end < items.len()).then(|| format!("cur-{end}"));
    let prev = (start > 0).then(|| format!("cur-{}", start.saturating_sub(limit)));
    json!({"object": "list", "uri": uri, "data": items.get(start..end).unwrap_or(&[]).to_vec(), "meta": {"prev_cursor": prev, "next_cursor": next}})
}

impl State {
    fn seeded() -> Self {
        let mut s = State {
            next_id: 200_000,
            ..Default::default()
        };
        s.customers = vec![
            json!({"id": 98765, "external_id": "shopify-98765", "active": true, "email": "customer@example.com", "name": "Jane Doe", "firstname": "Jane", "lastname": "Doe", "language": "en", "timezone": "UTC", "created_datetime": "2024-11-14T13:56:16.494726+00:00", "updated_datetime": NOW, "meta": {}, "data": null, "note": null}),
            json!({"id": 98766, "external_id": null, "active": true, "email": "sam@example.org", "name": "Sam Lee", "firstname": "Sam", "lastname": "Lee", "created_datetime": "2024-12-01T09:00:00+00:00", "meta": {}}),
        ];
        // Customer 98767's primary email differs from its second email channel;
        // 98768's addresses are stored with upper-case letters.
        s.customers.push(json!({"id": 98767, "external_id": null, "active": true, "email": "jane.primary@example.com", "name": "Jane Roe", "firstname": "Jane", "lastname": "Roe", "created_datetime": "2024-12-02T10:00:00+00:00", "meta": {},
            "channels": [
                {"id": 611625700, "type": "email", "address": "jane.primary@example.com", "preferred": true, "deleted_datetime": null},
                {"id": 611625701, "type": "email", "address": "jane@work.example", "preferred": false, "deleted_datetime": null},
                {"id": 611625702, "type": "email", "address": "old-jane@example.net", "preferred": false, "deleted_datetime": "2024-12-03T00:00:00+00:00"},
                {"id": 611625703, "type": "phone", "address": "+15550100", "preferred": true, "deleted_datetime": null}]}));
        s.customers.push(json!({"id": 98768, "external_id": null, "active": true, "email": "Max@Example.com", "name": null, "firstname": "", "lastname": "", "created_datetime": "2024-12-02T11:00:00+00:00", "meta": {},
            "channels": [{"id": 611625710, "type": "email", "address": "Max@Example.com", "preferred": true, "deleted_datetime": null}]}));
        for c in s.customers.iter_mut() {
            if c.get("channels").is_none() {
                c["channels"] = json!([{"id": 611620000_u64 + c["id"].as_u64().unwrap_or(0) % 1000, "type": "email", "address": c["email"], "preferred": true, "deleted_datetime": null}]);
            }
        }
        // Shapes from the View, User and Team objects of Gorgias's reference
        // (role as {"name": ...}, absolute user uri as recorded).
        s.views = vec![
            json!({"id": 301, "name": "My tickets", "slug": "my-tickets", "category": "user", "type": "ticket-list", "visibility": "public", "filters": "eq(ticket.assignee_user.id, '{{current_user.id}}') && eq(ticket.status, 'open')", "order_by": "updated_datetime", "order_dir": "desc", "fields": ["id", "details", "tags"], "search": null, "decoration": {"emoji": "📥"}, "created_datetime": "2024-01-10T09:00:00+00:00", "deactivated_datetime": null, "uri": "/api/views/301/", "shared_with_users": [], "shared_with_teams": []}),
            json!({"id": 302, "name": "Refunds", "slug": "refunds", "category": "user", "type": "ticket-list", "visibility": "shared", "filters": "containsAny(ticket.tags.name, ['refund'])", "order_by": "created_datetime", "order_dir": "asc", "fields": ["id"], "search": null, "decoration": null, "created_datetime": "2024-01-11T09:00:00+00:00", "deactivated_datetime": "2024-06-01T00:00:00+00:00", "uri": "/api/views/302/", "shared_with_users": [{"id": 4567, "name": "Alex Agent", "meta": {}}], "shared_with_teams": []}),
            json!({"id": 303, "name": "Spam", "slug": "spam", "category": null, "type": "ticket-list", "visibility": "private", "filters": "eq(ticket.spam, true)", "order_by": "created_datetime", "order_dir": "desc", "fields": ["id"], "decoration": null, "created_datetime": "2024-01-12T09:00:00+00:00", "deactivated_datetime": null, "uri": "/api/views/303/"}),
        ];
        s.users = vec![
            json!({"id": 4567, "active": true, "bio": null, "country": "FR", "created_datetime": "2023-04-13T03:27:56.973873+00:00", "deactivated_datetime": null, "email": "agent@yourstore.com", "external_id": null, "firstname": "Alex", "lastname": "Agent", "language": "en", "meta": {"profile_picture_url": null}, "name": "Alex Agent", "role": {"name": "admin"}, "timezone": "UTC", "updated_datetime": NOW, "uri": "https://sandbox.gorgias.com/api/users/4567/"}),
            json!({"id": 4568, "active": true, "bio": null, "created_datetime": "2023-05-01T00:00:00+00:00", "email": "sam.support@yourstore.com", "external_id": "emp-2", "firstname": "Sam", "lastname": "Support", "name": "Sam Support", "role": {"name": "basic-agent"}, "uri": "https://sandbox.gorgias.com/api/users/4568/"}),
            json!({"id": 4569, "active": true, "email": "bot@gorgias.example", "firstname": "", "lastname": "", "name": "Gorgias Bot", "role": {"name": "bot"}, "uri": "https://sandbox.gorgias.com/api/users/4569/"}),
        ];
        s.teams = vec![
            json!({"id": 77, "name": "Tier 1", "description": "First line support", "decoration": {"emoji": "🛟"}, "created_datetime": "2023-01-01T01:00:00Z", "uri": "/api/teams/77", "members": [{"id": 4567, "name": "Alex Agent", "email": "agent@yourstore.com", "meta": null}]}),
            json!({"id": 78, "name": "Warehouse", "description": null, "decoration": null, "created_datetime": "2023-02-01T01:00:00Z", "uri": "/api/teams/78", "members": []}),
        ];
        s.tags = vec![
            json!({"id": 11, "name": "vip", "description": "High-value customer", "decoration": {"color": "#eb144c"}, "usage": 3, "uri": "/api/tags/11/", "created_datetime": "2024-01-01T00:00:00+00:00", "deleted_datetime": null}),
            json!({"id": 12, "name": "VIP-legacy", "description": null, "decoration": null, "usage": 0, "uri": "/api/tags/12/", "created_datetime": "2024-01-01T00:00:00+00:00", "deleted_datetime": null}),
            json!({"id": 13, "name": "shipping", "description": "Shipping questions", "decoration": {"color": "#0693e3"}, "usage": 9, "uri": "/api/tags/13/", "created_datetime": "2024-01-01T00:00:00+00:00", "deleted_datetime": null}),
        ];
        s.tickets = vec![
            s.ticket(
                12345,
                "Order hasn't shipped yet",
                "open",
                "email",
                Some("normal"),
                Some(98765),
                Some(4567),
                Some(77),
            ),
            s.ticket(
                12346,
                "Refund request",
                "closed",
                "chat",
                Some("high"),
                Some(98765),
                None,
                None,
            ),
            s.ticket(
                12347,
                "Where is my parcel?",
                "open",
                "email",
                None,
                Some(98766),
                None,
                Some(77),
            ),
        ];
        s.ticket_tags = vec![(12345, 13), (12346, 11)];
        // ---- issue 21: tickets and tags
        // A spam ticket in the trash, for delete-ticket's example: ticket lists
        // (`trashed=false`) leave it out, so the other tests' lists stay as they were.
        let mut spam = s.ticket(
            12399,
            "You won a prize!",
            "closed",
            "email",
            None,
            Some(98766),
            None,
            None,
        );
        spam["spam"] = true.into();
        spam["trashed_datetime"] = "2024-12-03T10:00:00+00:00".into();
        s.tickets.push(spam);
        s.ticket_tags.push((12399, 12));
        s.messages.push(json!({"id": 5099, "uri": "/api/tickets/12399/messages/5099/", "ticket_id": 12399, "public": true, "channel": "email", "via": "email",
            "source": {"type": "email", "from": {"address": "prizes@spam.example"}, "to": [{"address": "support@yourstore.com"}]},
            "sender": {"id": 98766, "email": "sam@example.org"}, "receiver": null, "from_agent": false, "subject": "You won a prize!",
            "body_text": "Click here.", "body_html": null, "attachments": null, "created_datetime": "2024-12-03T09:00:00+00:00"}));
        s.messages = vec![
            json!({"id": 5001, "uri": "/api/tickets/12345/messages/5001/", "ticket_id": 12345, "public": true, "channel": "email", "via": "email",
                   "source": {"type": "email", "from": {"name": "Jane Doe", "address": "customer@example.com"}, "to": [{"name": "Support", "address": "support@yourstore.com"}]},
                   "sender": {"id": 98765, "email": "customer@example.com", "name": "Jane Doe"}, "receiver": null, "from_agent": false, "subject": "Order hasn't shipped yet",
                   "body_text": "Hi, I placed order #1042 five days ago and it still shows as processing.", "body_html": null,
                   "attachments": [{"url": "https://uploads.gorgias.example/receipt-1042.pdf", "name": "receipt-1042.pdf", "size": 48213, "content_type": "application/pdf", "public": true}],
                   "created_datetime": "2024-11-14T13:56:16.494726+00:00", "sent_datetime": "2024-11-14T13:56:16+00:00"}),
            json!({"id": 5002, "uri": "/api/tickets/12345/messages/5002/", "ticket_id": 12345, "public": false, "channel": "internal-note", "via": "helpdesk",
                   "source": null, "sender": {"id": 4567, "email": "agent@yourstore.com", "name": "Alex Agent"}, "receiver": null, "from_agent": true,
                   "body_text": "Checking with the warehouse.", "body_html": "<p>Checking with the warehouse.</p>", "attachments": null,
                   "created_datetime": "2024-11-15T08:00:00+00:00"}),
        ];
        // ---- issue 21: custom fields and satisfaction surveys
        // Definitions in the recorded shape (nango-list-custom-fields-ticket.json);
        // dropdown choices under definition.input_settings.
        let field = |id: u64,
                     object: &str,
                     label: &str,
                     priority: u64,
                     managed: Option<&str>,
                     definition: Value,
                     deactivated: Option<&str>| {
            json!({"id": id, "external_id": null, "object_type": object, "label": label, "description": format!("{label} (sandbox)"),
                   "priority": priority, "required": false, "requirement_type": "visible", "managed_type": managed, "definition": definition,
                   "created_datetime": "2024-01-05T10:00:00+00:00", "updated_datetime": "2024-01-05T10:00:00+00:00", "deactivated_datetime": deactivated})
        };
        s.custom_fields = vec![
            field(
                201,
                "Ticket",
                "Order number",
                5,
                None,
                json!({"data_type": "text", "input_settings": {"input_type": "input", "placeholder": "#1001"}}),
                None,
            ),
            field(
                202,
                "Ticket",
                "Contact reason",
                4,
                Some("contact_reason"),
                json!({"data_type": "text", "input_settings": {"input_type": "dropdown", "choices": ["Order::Status", "Order::Cancel", "Shipping::Delay", "Return", "Other"]}}),
                None,
            ),
            field(
                203,
                "Ticket",
                "Items returned",
                3,
                None,
                json!({"data_type": "number", "input_settings": {"input_type": "input"}}),
                None,
            ),
            field(
                204,
                "Ticket",
                "Gift order",
                2,
                None,
                json!({"data_type": "boolean", "input_settings": {"input_type": "dropdown", "choices": [true, false]}}),
                None,
            ),
            field(
                205,
                "Ticket",
                "Legacy SKU",
                1,
                None,
                json!({"data_type": "text", "input_settings": {"input_type": "input"}}),
                Some("2024-06-01T00:00:00+00:00"),
            ),
            field(
                301,
                "Customer",
                "Customer tier",
                2,
                None,
                json!({"data_type": "text", "input_settings": {"input_type": "dropdown", "choices": ["Gold", "Silver", "Bronze"]}}),
                None,
            ),
            field(
                302,
                "Customer",
                "Loyalty points",
                1,
                None,
                json!({"data_type": "number", "input_settings": {"input_type": "input"}}),
                None,
            ),
        ];
        s.ticket_field_values = vec![
            (12345, 202, json!("Order::Status")),
            (12345, 203, json!(2)),
            (12346, 204, json!(true)),
            (12346, 205, json!("SKU-9")),
        ];
        s.surveys = vec![
            json!({"id": 6900001, "ticket_id": 12346, "customer_id": 98765, "score": 4, "body_text": "Refund came through quickly.", "meta": null,
                   "sent_datetime": "2024-11-20T10:00:00+00:00", "should_send_datetime": "2024-11-20T10:00:00+00:00", "scored_datetime": "2024-11-20T12:30:00+00:00",
                   "created_datetime": "2024-11-19T10:00:00+00:00", "uri": "/api/satisfaction-surveys/6900001/"}),
            json!({"id": 6900002, "ticket_id": 12347, "customer_id": 98766, "score": null, "body_text": null, "meta": null,
                   "sent_datetime": null, "should_send_datetime": "2024-12-05T09:00:00+00:00", "scored_datetime": null,
                   "created_datetime": "2024-12-04T09:00:00+00:00", "uri": "/api/satisfaction-surveys/6900002/"}),
        ];
        // ---- issue 21: events, integrations, account
        // Events as recorded (NangoHQ list-events): one action's events share a
        // `context`; a message event names the message, not its ticket.
        let event = |id: u64,
                     kind: &str,
                     object_type: &str,
                     object_id: u64,
                     user: Option<u64>,
                     context: &str,
                     data: Value,
                     at: &str| {
            json!({"id": id, "context": context, "created_datetime": at, "data": data, "object_id": object_id,
                   "object_type": object_type, "type": kind, "user_id": user, "uri": format!("/api/events/{id}/")})
        };
        let (a, b, c, d, e) = (
            "1d1e1f20-0a0b-4c0d-8e0f-101112131415",
            "2a2b2c2d-1a1b-4c1d-9e1f-202122232425",
            "3a3b3c3d-2a2b-4c2d-ae2f-303132333435",
            "4a4b4c4d-3a3b-4c3d-be3f-404142434445",
            "5a5b5c5d-4a4b-4c4d-8e4f-505152535455",
        );
        s.events = vec![
            event(
                7001,
                "ticket-created",
                "Ticket",
                12345,
                None,
                a,
                Value::Null,
                "2024-11-14T13:56:16.494726+00:00",
            ),
            event(
                7002,
                "ticket-message-created",
                "TicketMessage",
                5001,
                None,
                a,
                Value::Null,
                "2024-11-14T13:56:16.512000+00:00",
            ),
            event(
                7003,
                "ticket-updated",
                "Ticket",
                12345,
                None,
                a,
                Value::Null,
                "2024-11-14T13:56:16.600000+00:00",
            ),
            event(
                7004,
                "ticket-message-created",
                "TicketMessage",
                5002,
                Some(4567),
                b,
                Value::Null,
                "2024-11-15T08:00:00+00:00",
            ),
            event(
                7005,
                "ticket-updated",
                "Ticket",
                12345,
                Some(4567),
                b,
                Value::Null,
                "2024-11-15T08:00:00.204000+00:00",
            ),
            event(
                7006,
                "customer-created",
                "Customer",
                98767,
                Some(4567),
                c,
                Value::Null,
                "2024-12-02T10:00:00+00:00",
            ),
            event(
                7007,
                "ticket-assigned",
                "Ticket",
                12347,
                Some(4567),
                d,
                json!({"assignee_user_id": 4567}),
                "2024-12-03T09:30:00+00:00",
            ),
            event(
                7008,
                "ticket-updated",
                "Ticket",
                12347,
                Some(4567),
                d,
                Value::Null,
                "2024-12-03T09:30:00.100000+00:00",
            ),
            event(
                7009,
                "tag-created",
                "Tag",
                13,
                Some(4567),
                e,
                Value::Null,
                "2024-12-04T15:18:56.123456+00:00",
            ),
        ];
        // Shaped as recorded (NangoHQ get-integration, list-integrations).
        s.integrations = vec![
            json!({"id": 126637, "created_datetime": "2024-01-02T12:46:06.234155+00:00", "deactivated_datetime": null, "decoration": null,
                   "description": null, "http": null, "locked_datetime": null,
                   "meta": {"provider": "sendgrid", "outbound_verification_status": {"single_sender": "unverified", "domain": "success"},
                            "address": "support@yourstore.com", "preferred": true, "marketing": false, "verified": true, "email_forwarding_activated": true},
                   "name": "Your Store Support", "type": "email", "updated_datetime": "2024-01-02T12:46:46.879548+00:00", "user": {"id": 4567},
                   "uri": "/api/integrations/126637/", "application_id": null, "managed": false, "business_hours_id": null}),
            json!({"id": 126638, "created_datetime": "2024-02-01T09:00:00+00:00", "deactivated_datetime": null, "decoration": null,
                   "description": null, "http": null, "locked_datetime": null, "meta": {"address": "returns@yourstore.com", "provider": "gmail"},
                   "name": "Returns", "type": "gmail", "updated_datetime": "2024-02-01T09:00:00+00:00", "user": {"id": 4567},
                   "uri": "/api/integrations/126638/", "application_id": null, "managed": false, "business_hours_id": null}),
            json!({"id": 126639, "created_datetime": "2024-03-01T09:00:00+00:00", "deactivated_datetime": null, "decoration": null,
                   "description": null, "http": null, "locked_datetime": null, "meta": {"shop_name": "yourstore"},
                   "name": "yourstore", "type": "shopify", "updated_datetime": "2024-03-01T09:00:00+00:00", "user": {"id": 4567},
                   "uri": "/api/integrations/126639/", "application_id": null, "managed": false, "business_hours_id": null}),
            json!({"id": 126640, "created_datetime": "2024-04-01T09:00:00+00:00", "deactivated_datetime": null, "decoration": null,
                   "description": null, "locked_datetime": null, "meta": {},
                   "http": {"url": "https://hooks.yourstore.com/gorgias", "method": "POST", "request_content_type": "application/json",
                            "response_content_type": "application/json", "headers": {"X-Webhook-Secret": "seeded-secret-value"}, "form": "{{context}}",
                            "triggers": {"ticket-created": true, "ticket-updated": false, "ticket-message-created": true}},
                   "name": "Order bot", "type": "http", "updated_datetime": "2024-04-01T09:00:00+00:00", "user": {"id": 4567},
                   "uri": "/api/integrations/126640/", "application_id": null, "managed": false, "business_hours_id": null}),
            json!({"id": 126641, "created_datetime": "2024-05-01T09:00:00+00:00", "deactivated_datetime": "2024-06-01T00:00:00+00:00", "decoration": null,
                   "description": null, "locked_datetime": null, "meta": {},
                   "http": {"url": "https://old.example.com/hook", "method": "POST", "request_content_type": "application/json",
                            "response_content_type": "application/json", "headers": {}, "form": "{{context}}",
                            "triggers": {"ticket-updated": true}},
                   "name": "Old hook", "type": "http", "updated_datetime": "2024-06-01T00:00:00+00:00", "user": {"id": 4567},
                   "uri": "/api/integrations/126641/", "application_id": null, "managed": false, "business_hours_id": null}),
        ];
        // ---- issue 21: customers, macros and jobs
        // The macros of the recorded `GET /api/macros` (NangoHQ's list-macros
        // test) and one more, and the recorded exportMacro job of get-job.
        s.macros = vec![
            json!({"id": 374712, "external_id": null, "name": "Nango Test Macro Disposable", "intent": null, "language": "en", "usage": 0,
                   "actions": [{"arguments": {"tags": "test"}, "name": "addTags", "title": "add tags", "type": "user"}],
                   "created_datetime": "2026-08-26T18:34:08.891308+00:00", "updated_datetime": null, "archived_datetime": null, "uri": "/api/macros/374712/"}),
            json!({"id": 374422, "external_id": null, "name": "Generic: Sign off", "intent": "other/thanks", "language": "en", "usage": 0,
                   "actions": [{"arguments": {"body_html": "<div>Let us know if we can do anything else for you - we're here to help.</div>",
                                              "body_text": "Let us know if we can do anything else for you - we're here to help."},
                                "name": "setResponseText", "title": "Add response text", "type": "user"}],
                   "created_datetime": "2026-08-26T12:46:06.199922+00:00", "updated_datetime": null, "archived_datetime": null, "uri": "/api/macros/374422/"}),
            json!({"id": 374421, "external_id": null, "name": "Generic: How can I help?", "intent": null, "language": "en", "usage": 0,
                   "actions": [{"arguments": {"body_html": "<div>Hi {{ticket.customer.firstname}}!</div><br/><div>Thanks for reaching out. How can I help you today?</div>",
                                              "body_text": "Hi {{ticket.customer.firstname}}!\n\nThanks for reaching out. How can I help you today?"},
                                "name": "setResponseText", "title": "Add response text", "type": "user"}],
                   "created_datetime": "2026-08-26T12:46:06.196933+00:00", "updated_datetime": null, "archived_datetime": null, "uri": "/api/macros/374421/"}),
            // Not recorded: one with several actions, edited once.
            json!({"id": 374300, "external_id": "mac-refund", "name": "Refund: tag and close", "intent": "refund/request", "language": "en", "usage": 12,
                   "actions": [{"arguments": {"tags": "refund, vip"}, "name": "addTags", "title": "Add tags", "type": "user"},
                               {"arguments": {"status": "closed"}, "name": "setStatus", "title": "Close", "type": "user", "description": "Closes the ticket"}],
                   "created_datetime": "2026-05-02T09:00:00+00:00", "updated_datetime": "2026-06-01T10:00:00+00:00", "archived_datetime": null, "uri": "/api/macros/374300/"}),
        ];
        s.jobs = vec![
            json!({"id": 1551809, "cancel_requested_datetime": null, "cancelled_datetime": null,
            "created_datetime": "2026-08-26T18:39:57.503144+00:00", "ended_datetime": "2026-08-26T18:39:58.938932+00:00",
            "failed_datetime": null, "info": {}, "locked_datetime": null, "meta": null, "params": {}, "scheduled_datetime": null,
            "started_datetime": "2026-08-26T18:39:57.609503+00:00", "status": "done", "type": "exportMacro", "user_id": 519543243,
            "uri": "/api/jobs/1551809/"}),
        ];
        s
    }

    #[allow(clippy::too_many_arguments)]
    fn ticket(
        &self,
        id: u64,
        subject: &str,
        status: &str,
        channel: &str,
        priority: Option<&str>,
        customer: Option<u64>,
        user: Option<u64>,
        team: Option<u64>,
    ) -> Value {
        json!({
            "id": id, "uri": format!("/api/tickets/{id}/"), "external_id": format!("ext-{id}"), "status": status, "priority": priority, "channel": channel, "via": channel,
            "from_agent": false, "spam": false, "language": "en", "subject": subject, "meta": null,
            "customer": customer.map(|c| json!({"id": c, "email": "customer@example.com", "name": "Jane Doe", "firstname": "Jane", "lastname": "Doe", "meta": {}})),
            "assignee_user": user.map(|u| json!({"id": u, "email": "agent@yourstore.com", "name": "Alex Agent", "firstname": "Alex", "lastname": "Agent", "meta": null, "bio": null})),
            "assignee_team": team.map(|t| json!({"id": t, "name": "Tier 1", "decoration": null})),
            "created_datetime": "2024-11-14T13:56:16.494726+00:00", "opened_datetime": null, "updated_datetime": "2024-12-04T15:18:56+00:00",
            "closed_datetime": null, "trashed_datetime": null, "snooze_datetime": null, "is_unread": false, "reply_options": {"email": {"answerable": true}}
        })
    }

    fn tag_list(&self, ticket: u64) -> Vec<Value> {
        self.ticket_tags
            .iter()
            .filter(|(t, _)| *t == ticket)
            .filter_map(|(_, g)| self.tags.iter().find(|x| x["id"] == *g).cloned())
            .collect()
    }

    /// The full ticket (GET one): flat assignee ids, tags, messages.
    fn full_ticket(&self, t: &Value) -> Value {
        let id = t["id"].as_u64().unwrap_or(0);
        let mut t = t.clone();
        t["assignee_user_id"] = t["assignee_user"]["id"].clone();
        t["assignee_team_id"] = t["assignee_team"]["id"].clone();
        t["tags"] = self
            .tag_list(id)
            .into_iter()
            .map(|g| json!({"id": g["id"], "name": g["name"], "decoration": g["decoration"]}))
            .collect();
        t["messages"] = self.messages.iter().filter(|m| m["ticket_id"] == id).cloned().collect();
        t
    }

    /// A list item (TicketCompact): nested objects only, no flat ids, no messages.
    fn compact_ticket(&self, t: &Value) -> Value {
        let id = t["id"].as_u64().unwrap_or(0);
        let mut t = t.clone();
        t["tags"] = self
            .tag_list(id)
            .into_iter()
            .map(|g| json!({"id": g["id"], "name": g["name"], "decoration": g["decoration"]}))
            .collect();
        t["messages_count"] = self.messages.iter().filter(|m| m["ticket_id"] == id).count().into();
        t
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn route(&mut self, r: &Recorded) -> (u16, Option<Value>) {
        let basic = format!("Basic {}", b64(format!("{EMAIL}:{API_KEY}").as_bytes()));
        let bearer = format!("Bearer {ACCESS_TOKEN}");
        if r.header("authorization") != Some(basic.as_str()) && r.header("authorization") != Some(bearer.as_str()) {
            return err(401, "Authentication failed: invalid API key or username.");
        }
        let q = query(&r.path);
        let path = r.path.split('?').next().unwrap_or("").trim_end_matches('/').to_string();
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let body = r.body.clone().unwrap_or(Value::Null);
        match (r.method.as_str(), parts.as_slice()) {
            ("GET", ["api", "account"]) => (
                200,
                Some(
                    json!({"created_datetime": "2023-01-01T08:00:00.123456+00:00", "deactivated_datetime": null, "domain": ACCOUNT,
                    "current_subscription": {"plan": null, "status": "active"}, "meta": {"company_domain": "yourstore.com"},
                    "settings": [{"id": 360951, "type": "default-integration", "data": {"email": 126637}}], "status": {"status": "active"}}),
                ),
            ),
            ("GET", ["api", "tickets"]) => {
                let allowed = [
                    "customer_id",
                    "view_id",
                    "rule_id",
                    "ticket_ids",
                    "external_id",
                    "trashed",
                    "order_by",
                    "limit",
                    "cursor",
                ];
                if let Some(refusal) = refuse_params(&q, &allowed) {
                    return refusal;
                }
                let get = |k: &str| q.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
                let items: Vec<Value> = self
                    .tickets
                    .iter()
                    .filter(|t| get("customer_id").is_none_or(|c| same_id(&t["customer"]["id"], &c)))
                    .filter(|t| get("external_id").is_none_or(|e| t["external_id"] == e.as_str()))
                    // `trashed=false` leaves out the tickets in the trash (Gorgias lists them by default).
                    .filter(|t| get("trashed").as_deref() != Some("false") || t["trashed_datetime"].is_null())
                    .map(|t| self.compact_ticket(t))
                    .collect();
                let mut items = items;
                // Stored oldest first (creation and update order alike here).
                if get("order_by").is_none_or(|o| o.ends_with(":desc")) {
                    items.reverse();
                }
                (200, Some(page(items, &q, &r.path)))
            }
            ("GET", ["api", "tickets", id]) => match self.tickets.iter().find(|t| same_id(&t["id"], id)) {
                Some(t) => (200, Some(self.full_ticket(t))),
                None => err(404, "Resource not found."),
            },
            ("POST", ["api", "tickets"]) => {
                let Some(msg) = body["messages"].get(0).cloned() else {
                    return (
                        400,
                        Some(
                            json!({"error": {"msg": "Failed to create ticket", "data": {"messages": ["Missing data for required field."]}}}),
                        ),
                    );
                };
                if msg["channel"] == "email" && msg["source"]["from"]["address"].is_null() {
                    return (
                        400,
                        Some(
                            json!({"error": {"msg": "Failed to create ticket", "data": {"messages": {"0": {"source": ["from is required for email"]}}}}}),
                        ),
                    );
                }
                let id = self.id();
                let customer = body["customer"]["id"].as_u64();
                let mut t = self.ticket(
                    id,
                    body["subject"].as_str().unwrap_or(""),
                    body["status"].as_str().unwrap_or("open"),
                    body["channel"].as_str().unwrap_or("api"),
                    Some("normal"),
                    customer,
                    None,
                    None,
                );
                t["subject"] = body["subject"].clone();
                // Gorgias keeps the caller's `external_id` (≤ 255 characters).
                t["external_id"] = body["external_id"].clone();
                t["created_datetime"] = NOW.into();
                t["updated_datetime"] = NOW.into();
                self.tickets.push(t.clone());
                let mid = self.id();
                let mut m = msg.clone();
                m["id"] = mid.into();
                m["ticket_id"] = id.into();
                m["created_datetime"] = NOW.into();
                self.messages.push(m);
                if self.empty_update_bodies {
                    return (200, None);
                }
                let mut full = self.full_ticket(&t);
                full["requester"] = full["customer"].clone();
                (201, Some(full))
            }
            ("PUT", ["api", "tickets", id]) => {
                let empty = self.empty_update_bodies;
                let Some(pos) = self.tickets.iter().position(|t| same_id(&t["id"], id)) else {
                    return err(404, "Resource not found.");
                };
                if let Some(s) = body.get("status")
                    && s != "open"
                    && s != "closed"
                {
                    return (
                        400,
                        Some(
                            json!({"error": {"msg": "Invalid data", "data": {"status": ["Must be one of: open, closed."]}}}),
                        ),
                    );
                }
                if let Some(tags) = body.get("tags") {
                    // PUT with tags replaces them all: `[]` clears (what Gorgias's
                    // web application sends), `[{id}|{name}, …]` sets existing tags.
                    let Some(tags) = tags.as_array() else {
                        return (
                            400,
                            Some(json!({"error": {"msg": "Invalid data", "data": {"tags": ["Not a valid list."]}}})),
                        );
                    };
                    let mut ids = Vec::new();
                    for g in tags {
                        let found = self.tags.iter().find(|x| {
                            (g["id"].is_u64() && x["id"] == g["id"])
                                || (g["name"].is_string() && x["name"] == g["name"])
                        });
                        match found.and_then(|x| x["id"].as_u64()) {
                            Some(id) => ids.push(id),
                            None => return err(404, "Tag not found."),
                        }
                    }
                    let tid = self.tickets[pos]["id"].as_u64().unwrap_or(0);
                    self.ticket_tags.retain(|(t, _)| *t != tid);
                    for g in ids {
                        if !self.ticket_tags.contains(&(tid, g)) {
                            self.ticket_tags.push((tid, g));
                        }
                    }
                }
                let t = &mut self.tickets[pos];
                for k in ["status", "priority", "subject"] {
                    if let Some(v) = body.get(k) {
                        t[k] = v.clone();
                    }
                }
                // `null` (or `{"id": null}`) unassigns; absent leaves the assignee.
                match body.get("assignee_user") {
                    Some(u) if u.is_null() || u["id"].is_null() => t["assignee_user"] = Value::Null,
                    Some(u) => {
                        t["assignee_user"] =
                            json!({"id": u["id"], "email": "other@yourstore.com", "name": "Other Agent"})
                    }
                    None => {}
                }
                match body.get("assignee_team") {
                    Some(u) if u.is_null() || u["id"].is_null() => t["assignee_team"] = Value::Null,
                    Some(u) => t["assignee_team"] = json!({"id": u["id"], "name": "Team"}),
                    None => {}
                }
                t["updated_datetime"] = NOW.into();
                let t = t.clone();
                if empty {
                    (202, None)
                } else {
                    (200, Some(self.full_ticket(&t)))
                }
            }
            ("POST", ["api", "tickets", id, "messages"]) => {
                let Some(tid) = self
                    .tickets
                    .iter()
                    .find(|t| same_id(&t["id"], id))
                    .and_then(|t| t["id"].as_u64())
                else {
                    return err(404, "Resource not found.");
                };
                if body["channel"] == "email" && body["source"]["from"]["address"].is_null() {
                    return (
                        400,
                        Some(
                            json!({"error": {"msg": "Failed to create message", "data": {"source": ["from is required"]}}}),
                        ),
                    );
                }
                let mid = self.id();
                let mut m = body.clone();
                m["id"] = mid.into();
                m["uri"] = format!("/api/tickets/{tid}/messages/{mid}/").into();
                m["ticket_id"] = tid.into();
                m["sender"] = json!({"id": body["sender"]["id"], "email": "agent@yourstore.com"});
                m["attachments"] = Value::Null;
                m["created_datetime"] = NOW.into();
                self.messages.push(m.clone());
                if self.empty_update_bodies {
                    return (201, None);
                }
                (201, Some(m))
            }
            ("GET", ["api", "messages"]) => {
                if let Some(refusal) = refuse_params(&q, &["ticket_id", "order_by", "limit", "cursor"])
                    .or_else(|| refuse_order(&q, &["created_datetime:asc", "created_datetime:desc"]))
                {
                    return refusal;
                }
                let asc = q.iter().any(|(k, v)| k == "order_by" && v == "created_datetime:asc");
                let tid = q.iter().find(|(k, _)| k == "ticket_id").map(|(_, v)| v.clone());
                let mut items: Vec<Value> = self
                    .messages
                    .iter()
                    .filter(|m| tid.as_ref().is_none_or(|t| same_id(&m["ticket_id"], t)))
                    .cloned()
                    .collect();
                // Stored oldest first; Gorgias's default is newest first.
                if !asc {
                    items.reverse();
                }
                (200, Some(page(items, &q, &r.path)))
            }
            ("GET", ["api", "tickets", id, "tags"]) => {
                let Some(tid) = id
                    .parse::<u64>()
                    .ok()
                    .filter(|t| self.tickets.iter().any(|x| x["id"] == *t))
                else {
                    return err(404, "Resource not found.");
                };
                let list = self.tag_list(tid);
                if self.bare_tag_lists {
                    (200, Some(Value::Array(list)))
                } else {
                    (200, Some(json!({"data": list})))
                }
            }
            ("POST", ["api", "tickets", id, "tags"]) => {
                let Some(tid) = id
                    .parse::<u64>()
                    .ok()
                    .filter(|t| self.tickets.iter().any(|x| x["id"] == *t))
                else {
                    return err(404, "Resource not found.");
                };
                let ids: Vec<u64> = body["ids"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_u64).collect())
                    .unwrap_or_default();
                if body.get("names").is_some() {
                    // The connector never sends names; real behaviour for unknown names is undocumented.
                    return (
                        400,
                        Some(json!({"error": {"msg": "fake: names are not supported here"}})),
                    );
                }
                for g in &ids {
                    if !self.tags.iter().any(|t| t["id"] == *g) {
                        return err(404, "Tag not found.");
                    }
                }
                for g in ids {
                    if !self.ticket_tags.contains(&(tid, g)) {
                        self.ticket_tags.push((tid, g));
                    }
                }
                (201, None)
            }
            ("DELETE", ["api", "tickets", id, "tags"]) => {
                let Some(tid) = id
                    .parse::<u64>()
                    .ok()
                    .filter(|t| self.tickets.iter().any(|x| x["id"] == *t))
                else {
                    return err(404, "Resource not found.");
                };
                let ids = match tag_ids_body(&body, true) {
                    Ok(ids) => ids,
                    Err(refusal) => return refusal,
                };
                // Removing a tag the ticket does not carry is a no-op.
                self.ticket_tags.retain(|(t, g)| *t != tid || !ids.contains(g));
                (204, None)
            }
            ("PUT", ["api", "tickets", id, "tags"]) => {
                let Some(tid) = id
                    .parse::<u64>()
                    .ok()
                    .filter(|t| self.tickets.iter().any(|x| x["id"] == *t))
                else {
                    return err(404, "Resource not found.");
                };
                let ids = match tag_ids_body(&body, false) {
                    Ok(ids) => ids,
                    Err(refusal) => return refusal,
                };
                for g in &ids {
                    if !self.tags.iter().any(|t| t["id"] == *g) {
                        return err(404, "Tag not found.");
                    }
                }
                self.ticket_tags.retain(|(t, _)| *t != tid);
                for g in ids {
                    if !self.ticket_tags.contains(&(tid, g)) {
                        self.ticket_tags.push((tid, g));
                    }
                }
                (202, None)
            }
            ("GET", ["api", "tags"]) => {
                if let Some(refusal) = refuse_params(&q, &["search", "order_by", "limit", "cursor"]) {
                    return refusal;
                }
                let search = q.iter().find(|(k, _)| k == "search").map(|(_, v)| v.to_lowercase());
                let items: Vec<Value> = self
                    .tags
                    .iter()
                    .filter(|t| {
                        search
                            .as_ref()
                            .is_none_or(|s| t["name"].as_str().unwrap_or("").to_lowercase().contains(s.as_str()))
                    })
                    .cloned()
                    .collect();
                (200, Some(page(items, &q, &r.path)))
            }
            ("POST", ["api", "tags"]) => {
                // As strict as Gorgias's schema: `name` (1..=256 characters),
                // `description` (at most 1024), `decoration.color`; nothing else.
                let invalid = |field: &str, m: &str| {
                    let mut data = serde_json::Map::new();
                    data.insert(field.into(), json!([m]));
                    (400, Some(json!({"error": {"msg": "Invalid data", "data": data}})))
                };
                let Some(obj) = body.as_object() else {
                    return invalid("name", "Missing data for required field.");
                };
                if let Some(k) = obj
                    .keys()
                    .find(|k| !["name", "description", "decoration"].contains(&k.as_str()))
                {
                    return invalid(k, "Unknown field.");
                }
                let Some(name) = obj.get("name").and_then(Value::as_str).map(str::to_string) else {
                    return invalid("name", "Missing data for required field.");
                };
                if name.trim().is_empty() || name.chars().count() > 256 {
                    return invalid("name", "Length must be between 1 and 256.");
                }
                let description = obj.get("description").cloned().unwrap_or(Value::Null);
                if !(description.is_null() || description.as_str().is_some_and(|d| d.chars().count() <= 1024)) {
                    return invalid("description", "Not a valid string of at most 1024 characters.");
                }
                let decoration = obj.get("decoration").cloned().unwrap_or(Value::Null);
                if !(decoration.is_null()
                    || decoration
                        .as_object()
                        .is_some_and(|d| d.get("color").is_none_or(Value::is_string)))
                {
                    return invalid("decoration", "Not a valid decoration.");
                }
                // A taken name: 400, as third parties report Gorgias answers (wording not recorded).
                if self.tags.iter().any(|t| t["name"] == name.as_str()) {
                    return invalid("name", "A tag with this name already exists.");
                }
                let id = self.id();
                let t = json!({"id": id, "name": name, "description": description, "decoration": decoration, "usage": 0, "uri": format!("/api/tags/{id}/"), "created_datetime": NOW, "deleted_datetime": null});
                self.tags.push(t.clone());
                if self.empty_update_bodies {
                    return (200, None);
                }
                (201, Some(t))
            }
            ("GET", ["api", "customers"]) => {
                let allowed = [
                    "email",
                    "external_id",
                    "name",
                    "language",
                    "timezone",
                    "view_id",
                    "channel_type",
                    "channel_address",
                    "order_by",
                    "limit",
                    "cursor",
                ];
                if let Some(refusal) = refuse_params(&q, &allowed).or_else(|| refuse_order(&q, CUSTOMER_ORDERS)) {
                    return refusal;
                }
                let get = |k: &str| q.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
                let (email, ctype, caddr) = (get("email"), get("channel_type"), get("channel_address"));
                let (external, name) = (get("external_id"), get("name"));
                if caddr.is_some() && ctype.is_none() {
                    return (
                        400,
                        Some(
                            json!({"error": {"msg": "Invalid query parameters", "data": {"channel_type": ["Required with channel_address."]}}}),
                        ),
                    );
                }
                // `email`: the primary address, exact (case-sensitive here: Gorgias
                // documents no case folding). Channels: any non-deleted one of the type.
                let mut items: Vec<Value> = self
                    .customers
                    .iter()
                    .filter(|c| email.as_ref().is_none_or(|e| c["email"] == e.as_str()))
                    .filter(|c| external.as_ref().is_none_or(|x| c["external_id"] == x.as_str()))
                    .filter(|c| name.as_ref().is_none_or(|n| c["name"] == n.as_str()))
                    .filter(|c| {
                        caddr.as_ref().is_none_or(|a| {
                            c["channels"].as_array().is_some_and(|chs| {
                                chs.iter().any(|ch| {
                                    ch["deleted_datetime"].is_null()
                                        && ctype.as_ref().is_some_and(|t| ch["type"] == t.as_str())
                                        && ch["address"] == a.as_str()
                                })
                            })
                        })
                    })
                    .map(|c| {
                        // List items carry no channels (recorded).
                        let mut c = c.clone();
                        if let Some(o) = c.as_object_mut() {
                            o.remove("channels");
                        }
                        c
                    })
                    .collect();
                // Gorgias's default order is created_datetime:desc.
                sort_by_order(
                    &mut items,
                    get("order_by").as_deref().unwrap_or("created_datetime:desc"),
                );
                (200, Some(page(items, &q, &r.path)))
            }
            ("GET", ["api", "customers", id]) => match self.customers.iter().find(|c| same_id(&c["id"], id)) {
                Some(c) => {
                    let mut c = c.clone();
                    c["integrations"] = json!({});
                    c["custom_fields"] = json!({});
                    (200, Some(c))
                }
                None => err(404, "Resource not found."),
            },
            ("GET", ["api", "views"]) => {
                if let Some(refusal) = refuse_params(&q, &["order_by", "limit", "cursor"])
                    .or_else(|| refuse_order(&q, &["created_datetime:asc", "created_datetime:desc"]))
                {
                    return refusal;
                }
                directory_list(self.views.clone(), self.bare_directory_lists, &q, &r.path)
            }
            ("GET", ["api", "users"]) => {
                let allowed = [
                    "search",
                    "email",
                    "external_id",
                    "roles",
                    "available_first",
                    "order_by",
                    "limit",
                    "cursor",
                ];
                if let Some(refusal) = refuse_params(&q, &allowed) {
                    return refusal;
                }
                let search = q.iter().find(|(k, _)| k == "search").map(|(_, v)| v.to_lowercase());
                let matches = |u: &Value, s: &str| {
                    ["name", "email"]
                        .iter()
                        .any(|k| u[*k].as_str().unwrap_or("").to_lowercase().contains(s))
                };
                let items: Vec<Value> = self
                    .users
                    .iter()
                    .filter(|u| search.as_ref().is_none_or(|s| matches(u, s)))
                    .cloned()
                    .collect();
                directory_list(items, self.bare_directory_lists, &q, &r.path)
            }
            ("GET", ["api", "users", id]) => {
                if let Some(refusal) = refuse_params(&q, &[]) {
                    return refusal;
                }
                match self.users.iter().find(|u| same_id(&u["id"], id)) {
                    Some(u) => (200, Some(u.clone())),
                    None => err(404, "Resource not found."),
                }
            }
            ("GET", ["api", "teams"]) => {
                if let Some(refusal) = refuse_params(&q, &["order_by", "limit", "cursor"]) {
                    return refusal;
                }
                directory_list(self.teams.clone(), self.bare_directory_lists, &q, &r.path)
            }
            // ---- issue 21: custom fields and satisfaction surveys
            ("GET", ["api", "custom-fields"]) => {
                if let Some(refusal) = refuse_params(
                    &q,
                    &["object_type", "search", "archived", "order_by", "limit", "cursor"],
                )
                .or_else(|| refuse_order(&q, &["priority:asc", "priority:desc"]))
                {
                    return refusal;
                }
                let get = |k: &str| q.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
                let Some(object) = get("object_type") else {
                    return (
                        400,
                        Some(
                            json!({"error": {"msg": "Invalid query parameters", "data": {"object_type": ["Missing data for required field."]}}}),
                        ),
                    );
                };
                if object != "Ticket" && object != "Customer" {
                    return (
                        400,
                        Some(
                            json!({"error": {"msg": "Invalid query parameters", "data": {"object_type": ["Must be one of: Ticket, Customer."]}}}),
                        ),
                    );
                }
                let archived = match get("archived").as_deref() {
                    None => None,
                    Some("true") => Some(true),
                    Some("false") => Some(false),
                    Some(_) => {
                        return (
                            400,
                            Some(
                                json!({"error": {"msg": "Invalid query parameters", "data": {"archived": ["Not a valid boolean."]}}}),
                            ),
                        );
                    }
                };
                let search = get("search").map(|v| v.to_lowercase());
                let mut items: Vec<Value> = self
                    .custom_fields
                    .iter()
                    .filter(|f| f["object_type"] == object.as_str())
                    .filter(|f| archived.is_none_or(|a| a != f["deactivated_datetime"].is_null()))
                    .filter(|f| {
                        search
                            .as_ref()
                            .is_none_or(|s| f["label"].as_str().unwrap_or("").to_lowercase().contains(s.as_str()))
                    })
                    .cloned()
                    .collect();
                if get("order_by").as_deref() == Some("priority:asc") {
                    items.reverse();
                }
                (200, Some(page(items, &q, &r.path)))
            }
            ("GET", ["api", "tickets", id, "custom-fields"]) => {
                if let Some(refusal) = refuse_params(&q, &[]) {
                    return refusal;
                }
                let Some(tid) = self
                    .tickets
                    .iter()
                    .find(|t| same_id(&t["id"], id))
                    .and_then(|t| t["id"].as_u64())
                else {
                    return err(404, "Resource not found.");
                };
                (200, Some(json!({"data": self.field_values(tid)})))
            }
            ("PUT", ["api", "tickets", id, "custom-fields"]) => {
                let Some(tid) = self
                    .tickets
                    .iter()
                    .find(|t| same_id(&t["id"], id))
                    .and_then(|t| t["id"].as_u64())
                else {
                    return err(404, "Resource not found.");
                };
                let values = match self.field_values_body(&body) {
                    Ok(v) => v,
                    Err(refusal) => return refusal,
                };
                // Replace-all, as Gorgias documents: what the body leaves out is deleted.
                self.ticket_field_values.retain(|(t, _, _)| *t != tid);
                self.ticket_field_values
                    .extend(values.into_iter().map(|(f, v)| (tid, f, v)));
                if self.empty_field_and_survey_bodies {
                    (200, None)
                } else {
                    (200, Some(json!({"data": self.field_values(tid)})))
                }
            }
            ("GET", ["api", "satisfaction-surveys"]) => {
                if let Some(refusal) = refuse_params(&q, &["ticket_id", "order_by", "limit", "cursor"])
                    .or_else(|| refuse_order(&q, &["created_datetime:asc", "created_datetime:desc"]))
                {
                    return refusal;
                }
                let asc = q.iter().any(|(k, v)| k == "order_by" && v == "created_datetime:asc");
                let tid = q.iter().find(|(k, _)| k == "ticket_id").map(|(_, v)| v.clone());
                let mut items: Vec<Value> = self
                    .surveys
                    .iter()
                    .filter(|x| tid.as_ref().is_none_or(|t| same_id(&x["ticket_id"], t)))
                    .cloned()
                    .collect();
                if !asc {
                    items.reverse();
                }
                (200, Some(page(items, &q, &r.path)))
            }
            ("GET", ["api", "satisfaction-surveys", id]) => match self.surveys.iter().find(|x| same_id(&x["id"], id)) {
                Some(x) => (200, Some(x.clone())),
                None => err(404, "Resource not found."),
            },
            ("POST", ["api", "satisfaction-surveys"]) => {
                let survey = match self.survey_body(&body) {
                    Ok(x) => x,
                    Err(refusal) => return refusal,
                };
                self.surveys.push(survey.clone());
                if self.empty_field_and_survey_bodies {
                    (201, None)
                } else {
                    (201, Some(survey))
                }
            }
            // ---- issue 21: events, integrations, account
            ("GET", ["api", "events"]) => {
                let allowed = [
                    "cursor",
                    "limit",
                    "order_by",
                    "object_id",
                    "object_type",
                    "types",
                    "user_ids",
                    "created_datetime[gt]",
                    "created_datetime[gte]",
                    "created_datetime[lt]",
                    "created_datetime[lte]",
                ];
                if let Some(refusal) = refuse_params(&q, &allowed)
                    .or_else(|| refuse_order(&q, &["created_datetime:asc", "created_datetime:desc"]))
                {
                    return refusal;
                }
                let bad = |k: &str, m: &str| {
                    let mut data = serde_json::Map::new();
                    data.insert(k.to_string(), json!([m]));
                    (
                        400,
                        Some(json!({"error": {"msg": "Invalid query parameters", "data": data}})),
                    )
                };
                let get = |k: &str| q.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
                let object_type = get("object_type");
                let object_id = get("object_id");
                if let Some(t) = &object_type
                    && !EVENT_OBJECT_TYPES.contains(&t.as_str())
                {
                    return bad("object_type", "Must be one of the object types.");
                }
                if object_type.is_some() && object_id.is_none() {
                    return bad("object_id", "Required with object_type.");
                }
                if object_id.as_ref().is_some_and(|i| i.parse::<u64>().is_err()) {
                    return bad("object_id", "Not a valid integer.");
                }
                if q.iter().filter(|(k, _)| k == "user_ids").count() > 1 {
                    return bad("user_ids", "Longer than maximum length 1.");
                }
                let mut bounds = Vec::new();
                for (k, v) in q.iter().filter(|(k, _)| k.starts_with("created_datetime[")) {
                    let Some(at) = instant(v) else {
                        return bad(k, "Not a valid datetime.");
                    };
                    bounds.push((k.clone(), at));
                }
                let types: Vec<&str> = q
                    .iter()
                    .filter(|(k, _)| k == "types")
                    .map(|(_, v)| v.as_str())
                    .collect();
                let users: Vec<&str> = q
                    .iter()
                    .filter(|(k, _)| k == "user_ids")
                    .map(|(_, v)| v.as_str())
                    .collect();
                let mut items: Vec<Value> = self
                    .events
                    .iter()
                    .filter(|e| types.is_empty() || types.iter().any(|t| e["type"] == *t))
                    .filter(|e| users.is_empty() || users.iter().any(|u| same_id(&e["user_id"], u)))
                    .filter(|e| object_type.as_ref().is_none_or(|t| e["object_type"] == t.as_str()))
                    .filter(|e| object_id.as_ref().is_none_or(|i| same_id(&e["object_id"], i)))
                    .filter(|e| {
                        let at = e["created_datetime"].as_str().and_then(instant);
                        bounds.iter().all(|(k, b)| {
                            at.is_some_and(|a| match k.as_str() {
                                "created_datetime[gt]" => a > *b,
                                "created_datetime[gte]" => a >= *b,
                                "created_datetime[lt]" => a < *b,
                                _ => a <= *b,
                            })
                        })
                    })
                    .cloned()
                    .collect();
                // Stored oldest first; Gorgias's default is newest first.
                if get("order_by").as_deref() != Some("created_datetime:asc") {
                    items.reverse();
                }
                (200, Some(page(items, &q, &r.path)))
            }
            ("GET", ["api", "integrations"]) => {
                if let Some(refusal) = refuse_params(&q, &["cursor", "limit", "order_by", "type"])
                    .or_else(|| refuse_order(&q, &["created_datetime:asc", "created_datetime:desc"]))
                {
                    return refusal;
                }
                let kind = q.iter().find(|(k, _)| k == "type").map(|(_, v)| v.clone());
                let mut items: Vec<Value> = self
                    .integrations
                    .iter()
                    .filter(|i| kind.as_ref().is_none_or(|k| i["type"] == k.as_str()))
                    .cloned()
                    .collect();
                if q.iter().any(|(k, v)| k == "order_by" && v == "created_datetime:desc") {
                    items.reverse();
                }
                let mut p = page(items, &q, &r.path);
                p["meta"]["total_resources"] = Value::Null;
                (200, Some(p))
            }
            ("GET", ["api", "integrations", id]) => {
                if let Some(refusal) = refuse_params(&q, &[]) {
                    return refusal;
                }
                match self.integrations.iter().find(|i| same_id(&i["id"], id)) {
                    Some(i) => (200, Some(i.clone())),
                    None => err(404, "Resource not found."),
                }
            }
            ("POST", ["api", "integrations"]) => match self.create_integration(&body) {
                Ok(i) => (201, Some(i)),
                Err(refusal) => refusal,
            },
            ("DELETE", ["api", "integrations", id]) => {
                if let Some(refusal) = refuse_params(&q, &[]) {
                    return refusal;
                }
                let Some(pos) = self.integrations.iter().position(|i| same_id(&i["id"], id)) else {
                    return err(404, "Resource not found.");
                };
                self.integrations.remove(pos);
                (204, None)
            }
            // ---- issue 21: customers, macros and jobs
            ("POST", ["api", "customers"]) => {
                let customer = match customer_body(&body, true) {
                    Ok(c) => c,
                    Err(refusal) => return refusal,
                };
                if let Some(refusal) = self.taken_email(&customer, None) {
                    return refusal;
                }
                let id = self.id();
                let mut c = json!({"id": id, "external_id": null, "active": true, "email": null, "name": null,
                    "firstname": "", "lastname": "", "channels": [], "language": null, "timezone": null,
                    "created_datetime": NOW, "updated_datetime": NOW, "meta": {"name_set_via": "agent"},
                    "data": null, "customer": null, "note": null, "custom_fields": {}, "integrations": {}});
                self.apply_customer(&mut c, &customer);
                // Recorded: `channels` alone sets the primary email from the email channel.
                if c["email"].is_null()
                    && let Some(ch) = c["channels"]
                        .as_array()
                        .and_then(|a| a.iter().find(|ch| ch["type"] == "email"))
                {
                    c["email"] = ch["address"].clone();
                }
                self.customers.push(c.clone());
                if self.empty_write_answers {
                    (201, None)
                } else {
                    (201, Some(c))
                }
            }
            ("PUT", ["api", "customers", id]) => {
                let Some(pos) = self.customers.iter().position(|c| same_id(&c["id"], id)) else {
                    return err(404, "Resource not found.");
                };
                let customer = match customer_body(&body, false) {
                    Ok(c) => c,
                    Err(refusal) => return refusal,
                };
                let own = self.customers[pos]["id"].as_u64();
                if let Some(refusal) = self.taken_email(&customer, own) {
                    return refusal;
                }
                let mut c = self.customers[pos].clone();
                // Only the fields sent change; `email` alone leaves the
                // channels as they are (what Gorgias does is undocumented).
                self.apply_customer(&mut c, &customer);
                c["updated_datetime"] = NOW.into();
                self.customers[pos] = c.clone();
                if self.empty_write_answers {
                    (202, None)
                } else {
                    (200, Some(c))
                }
            }
            ("GET", ["api", "macros"]) => {
                let allowed = [
                    "cursor",
                    "limit",
                    "search",
                    "tags",
                    "languages",
                    "message_id",
                    "ticket_id",
                    "number_predictions",
                    "archived",
                    "order_by",
                ];
                if let Some(refusal) = refuse_params(&q, &allowed) {
                    return refusal;
                }
                let search = q.iter().find(|(k, _)| k == "search").map(|(_, v)| v.to_lowercase());
                let mut items: Vec<Value> = self
                    .macros
                    .iter()
                    .filter(|m| {
                        search
                            .as_ref()
                            .is_none_or(|s| m["name"].as_str().unwrap_or("").to_lowercase().contains(s.as_str()))
                    })
                    .cloned()
                    .collect();
                sort_by_order(&mut items, "created_datetime:desc");
                (200, Some(page(items, &q, &r.path)))
            }
            ("GET", ["api", "macros", id]) => {
                if let Some(refusal) = refuse_params(&q, &[]) {
                    return refusal;
                }
                match self.macros.iter().find(|m| same_id(&m["id"], id)) {
                    Some(m) => (200, Some(m.clone())),
                    None => err(404, "Resource not found."),
                }
            }
            ("POST", ["api", "jobs"]) => {
                let params = match self.apply_macro_params(&body) {
                    Ok(p) => p,
                    Err(refusal) => return refusal,
                };
                let id = self.id();
                let job = json!({"id": id, "type": "applyMacro", "status": "pending", "params": params, "info": {},
                    "meta": body.get("meta").cloned().unwrap_or(Value::Null), "created_datetime": NOW,
                    "scheduled_datetime": body.get("scheduled_datetime").cloned().unwrap_or(Value::Null),
                    "started_datetime": null, "ended_datetime": null, "failed_datetime": null, "cancelled_datetime": null,
                    "cancel_requested_datetime": null, "locked_datetime": null, "user_id": 4567, "uri": format!("/api/jobs/{id}/")});
                self.jobs.push(job.clone());
                if self.empty_write_answers {
                    (201, None)
                } else {
                    (201, Some(job))
                }
            }
            ("GET", ["api", "jobs"]) => {
                if let Some(refusal) = refuse_params(&q, &["cursor", "limit", "order_by", "status", "type"])
                    .or_else(|| refuse_order(&q, &["created_datetime:asc", "created_datetime:desc"]))
                {
                    return refusal;
                }
                let get = |k: &str| q.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
                let (kind, status) = (get("type"), get("status"));
                let mut items: Vec<Value> = self
                    .jobs
                    .iter()
                    .filter(|j| kind.as_ref().is_none_or(|t| j["type"] == t.as_str()))
                    .filter(|j| status.as_ref().is_none_or(|t| j["status"] == t.as_str()))
                    .cloned()
                    .collect();
                sort_by_order(
                    &mut items,
                    get("order_by").as_deref().unwrap_or("created_datetime:desc"),
                );
                (200, Some(page(items, &q, &r.path)))
            }
            ("GET", ["api", "jobs", id]) => {
                if let Some(refusal) = refuse_params(&q, &[]) {
                    return refusal;
                }
                match self.jobs.iter().find(|j| same_id(&j["id"], id)) {
                    Some(j) => (200, Some(j.clone())),
                    None => err(404, "Resource not found."),
                }
            }
            // ---- issue 21: tickets and tags
            ("GET", ["api", "tickets", tid, "messages", mid]) => {
                if let Some(refusal) = refuse_params(&q, &[]) {
                    return refusal;
                }
                if !self.tickets.iter().any(|t| same_id(&t["id"], tid)) {
                    return err(404, "Resource not found.");
                }
                match self
                    .messages
                    .iter()
                    .find(|m| same_id(&m["id"], mid) && same_id(&m["ticket_id"], tid))
                {
                    Some(m) => (200, Some(m.clone())),
                    None => err(404, "Resource not found."),
                }
            }
            ("DELETE", ["api", "tickets", id]) => {
                if let Some(refusal) = refuse_params(&q, &[]) {
                    return refusal;
                }
                let Some(tid) = self
                    .tickets
                    .iter()
                    .find(|t| same_id(&t["id"], id))
                    .and_then(|t| t["id"].as_u64())
                else {
                    return err(404, "Resource not found.");
                };
                // A hard delete: the ticket, its messages and its tag links.
                self.tickets.retain(|t| t["id"] != tid);
                self.messages.retain(|m| m["ticket_id"] != tid);
                self.ticket_tags.retain(|(t, _)| *t != tid);
                (204, None)
            }
            ("DELETE", ["api", "tags", id]) => {
                if let Some(refusal) = refuse_params(&q, &[]) {
                    return refusal;
                }
                let Some(gid) = self
                    .tags
                    .iter()
                    .find(|t| same_id(&t["id"], id))
                    .and_then(|t| t["id"].as_u64())
                else {
                    return err(404, "Resource not found.");
                };
                self.tags.retain(|t| t["id"] != gid);
                self.ticket_tags.retain(|(_, g)| *g != gid);
                (204, None)
            }
            _ => err(404, "Resource not found."),
        }
    }
}

// ---- issue 21: customers, macros and jobs

/// The orders `GET /api/customers` accepts.
const CUSTOMER_ORDERS: &[&str] = &[
    "created_datetime:asc",
    "created_datetime:desc",
    "updated_datetime:asc",
    "updated_datetime:desc",
];

/// Sorts records by `order` (`<field>:asc|desc`), ties by id; a missing
/// `updated_datetime` counts as the `created_datetime`.
fn sort_by_order(items: &mut [Value], order: &str) {
    let (field, dir) = order.split_once(':').unwrap_or((order, "asc"));
    let key = |v: &Value| {
        let at = v[field]
            .as_str()
            .or_else(|| v["created_datetime"].as_str())
            .unwrap_or("")
            .to_string();
        (at, v["id"].as_u64().unwrap_or(0))
    };
    items.sort_by_key(key);
    if dir == "desc" {
        items.reverse();
    }
}

/// A 400 `Invalid data` naming `field` (a key, or nested data).
fn invalid_data(data: Value) -> (u16, Option<Value>) {
    (400, Some(json!({"error": {"msg": "Invalid data", "data": data}})))
}

/// The fields of a customer create (`create`) or update body, checked as
/// Gorgias's reference describes them: `channels` is required on create and
/// each channel needs `type`, `address` and `preferred`.
fn customer_body(body: &Value, create: bool) -> Result<serde_json::Map<String, Value>, (u16, Option<Value>)> {
    const KEYS: &[&str] = &[
        "name",
        "firstname",
        "lastname",
        "email",
        "external_id",
        "language",
        "timezone",
        "note",
        "channels",
        "data",
        "meta",
        "custom_fields",
    ];
    let Some(obj) = body.as_object() else {
        return Err(err(400, "A JSON object body is required."));
    };
    if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(invalid_data(json!({k.as_str(): ["Unknown field."]})));
    }
    for k in [
        "name",
        "firstname",
        "lastname",
        "email",
        "external_id",
        "language",
        "timezone",
        "note",
    ] {
        if obj.get(k).is_some_and(|v| !v.is_string() && !v.is_null()) {
            return Err(invalid_data(json!({k: ["Not a valid string."]})));
        }
    }
    if let Some(e) = obj.get("email").and_then(Value::as_str)
        && !matches!(e.split_once('@'), Some((l, d)) if !l.is_empty() && !d.is_empty() && !e.contains(char::is_whitespace))
    {
        return Err(invalid_data(json!({"email": ["Not a valid email address."]})));
    }
    if let Some(l) = obj.get("language").and_then(Value::as_str)
        && !(l.len() == 2 && l.bytes().all(|b| b.is_ascii_lowercase()))
    {
        return Err(invalid_data(json!({"language": ["Must be an ISO 639-1 code."]})));
    }
    match obj.get("channels") {
        None if create => return Err(invalid_data(json!({"channels": ["Missing data for required field."]}))),
        None => {}
        Some(Value::Array(chs)) => {
            for (i, ch) in chs.iter().enumerate() {
                for (k, ok) in [
                    ("type", ch["type"].is_string()),
                    ("address", ch["address"].is_string()),
                    ("preferred", ch["preferred"].is_boolean()),
                ] {
                    if !ok {
                        return Err(invalid_data(
                            json!({"channels": {i.to_string(): {k: ["Missing data for required field."]}}}),
                        ));
                    }
                }
            }
        }
        Some(_) => return Err(invalid_data(json!({"channels": ["Not a valid list."]}))),
    }
    Ok(obj.clone())
}

impl State {
    /// The refusal of a customer write whose email (primary or an email
    /// channel's) another customer than `own` already uses: Gorgias documents
    /// a 409 for it; its wording is not published, this one is the fake's.
    fn taken_email(&self, body: &serde_json::Map<String, Value>, own: Option<u64>) -> Option<(u16, Option<Value>)> {
        let mut addresses: Vec<String> = Vec::new();
        if let Some(e) = body.get("email").and_then(Value::as_str) {
            addresses.push(e.to_lowercase());
        }
        for ch in body.get("channels").and_then(Value::as_array).into_iter().flatten() {
            if ch["type"] == "email"
                && let Some(a) = ch["address"].as_str()
            {
                addresses.push(a.to_lowercase());
            }
        }
        let used = |c: &Value| {
            let mut theirs: Vec<String> = c["email"].as_str().map(str::to_lowercase).into_iter().collect();
            for ch in c["channels"].as_array().into_iter().flatten() {
                if ch["type"] == "email"
                    && ch["deleted_datetime"].is_null()
                    && let Some(a) = ch["address"].as_str()
                {
                    theirs.push(a.to_lowercase());
                }
            }
            addresses.iter().any(|a| theirs.contains(a))
        };
        self.customers
            .iter()
            .any(|c| c["id"].as_u64() != own && used(c))
            .then(|| {
                (
                    409,
                    Some(
                        json!({"error": {"msg": "A customer with this email address already exists.",
                        "data": {"email": ["This email address is already used by another customer."]}}}),
                    ),
                )
            })
    }

    /// Writes the fields of a checked body into customer `c`: `name`
    /// splits into `firstname` (first word) and `lastname` (last word) unless
    /// those are given (recorded); `channels` replace them all.
    fn apply_customer(&mut self, c: &mut Value, body: &serde_json::Map<String, Value>) {
        for k in [
            "name",
            "firstname",
            "lastname",
            "email",
            "external_id",
            "language",
            "timezone",
            "note",
            "data",
        ] {
            if let Some(v) = body.get(k) {
                c[k] = v.clone();
            }
        }
        if let Some(name) = body.get("name").and_then(Value::as_str) {
            let words: Vec<&str> = name.split_whitespace().collect();
            if !body.contains_key("firstname") {
                c["firstname"] = words.first().copied().unwrap_or("").into();
            }
            if !body.contains_key("lastname") {
                c["lastname"] = if words.len() > 1 { words[words.len() - 1] } else { "" }.into();
            }
        }
        if let Some(chs) = body.get("channels").and_then(Value::as_array) {
            let owner = json!({"id": c["id"], "name": c["name"]});
            c["channels"] = chs
                .iter()
                .map(|ch| {
                    json!({"id": self.id(), "type": ch["type"], "address": ch["address"], "preferred": ch["preferred"],
                        "created_datetime": NOW, "updated_datetime": NOW, "deleted_datetime": null,
                        "user": owner, "customer": owner})
                })
                .collect();
        }
    }

    /// The `params` of an `applyMacro` job body, checked (the only job type
    /// the fake runs; tickets selected by `ticket_ids` only).
    fn apply_macro_params(&self, body: &Value) -> Result<Value, (u16, Option<Value>)> {
        const TYPES: &[&str] = &[
            "applyMacro",
            "deleteTicket",
            "exportTicket",
            "exportMacro",
            "importMacro",
            "updateTicket",
            "exportTicketDrilldown",
            "exportConvertCampaignSalesDrilldown",
        ];
        const PARAMS: &[&str] = &[
            "apply_and_close",
            "end_datetime",
            "macro_id",
            "start_datetime",
            "ticket_ids",
            "url",
            "updates",
            "view",
            "view_id",
            "context",
        ];
        let Some(obj) = body.as_object() else {
            return Err(err(400, "A JSON object body is required."));
        };
        if let Some(k) = obj
            .keys()
            .find(|k| !["type", "params", "scheduled_datetime", "meta"].contains(&k.as_str()))
        {
            return Err(invalid_data(json!({k.as_str(): ["Unknown field."]})));
        }
        match obj.get("type").and_then(Value::as_str) {
            None => return Err(invalid_data(json!({"type": ["Missing data for required field."]}))),
            Some(t) if !TYPES.contains(&t) => {
                return Err(invalid_data(
                    json!({"type": [format!("Must be one of: {}.", TYPES.join(", "))]}),
                ));
            }
            Some("applyMacro") => {}
            Some(_) => return Err(err(400, "fake: only applyMacro jobs are supported")),
        }
        let Some(params) = obj.get("params").and_then(Value::as_object) else {
            return Err(invalid_data(json!({"params": ["Missing data for required field."]})));
        };
        if let Some(k) = params.keys().find(|k| !PARAMS.contains(&k.as_str())) {
            return Err(invalid_data(json!({"params": {k.as_str(): ["Unknown field."]}})));
        }
        if let Some(k) = params
            .keys()
            .find(|k| !["macro_id", "ticket_ids", "apply_and_close"].contains(&k.as_str()))
        {
            return Err(err(
                400,
                &format!("fake: applyMacro selects tickets by ticket_ids only, not {k}"),
            ));
        }
        let Some(macro_id) = params.get("macro_id").and_then(Value::as_u64) else {
            return Err(invalid_data(
                json!({"params": {"macro_id": ["Missing data for required field."]}}),
            ));
        };
        if !self.macros.iter().any(|m| m["id"] == macro_id) {
            return Err(invalid_data(json!({"params": {"macro_id": ["Macro not found."]}})));
        }
        match params.get("ticket_ids").and_then(Value::as_array) {
            Some(ids) if !ids.is_empty() && ids.iter().all(|t| t.as_u64().is_some()) => {}
            _ => {
                return Err(invalid_data(
                    json!({"params": {"ticket_ids": ["Must be a non-empty list of integers."]}}),
                ));
            }
        }
        if params.get("apply_and_close").is_some_and(|v| !v.is_boolean()) {
            return Err(invalid_data(
                json!({"params": {"apply_and_close": ["Not a valid boolean."]}}),
            ));
        }
        Ok(Value::Object(params.clone()))
    }
}

// ---- issue 21: custom fields and satisfaction surveys
/// A fake Gorgias answer: status and JSON body.
type Answer = (u16, Option<Value>);

impl State {
    /// A ticket's values as `GET /api/tickets/{id}/custom-fields` lists them:
    /// `{field: <definition>, prediction, value}`, only fields with a value.
    fn field_values(&self, ticket: u64) -> Vec<Value> {
        self.ticket_field_values
            .iter()
            .filter(|(t, _, _)| *t == ticket)
            .filter_map(|(_, f, v)| {
                let field = self.custom_fields.iter().find(|d| d["id"] == *f)?;
                Some(json!({"field": field, "prediction": null, "value": v}))
            })
            .collect()
    }

    /// The `[{id, value}]` of a `PUT /api/tickets/{id}/custom-fields`, or
    /// Gorgias's 400: a bare array, each item exactly `id` (a Ticket field)
    /// and `value` of the field's data type, each field once.
    fn field_values_body(&self, body: &Value) -> Result<Vec<(u64, Value)>, Answer> {
        let bad = |at: String, m: &str| {
            let mut data = serde_json::Map::new();
            data.insert(at, json!([m]));
            (400, Some(json!({"error": {"msg": "Invalid data", "data": data}})))
        };
        let Some(items) = body.as_array() else {
            return Err(bad(
                "_schema".into(),
                "Invalid input type: a list of custom field values is required.",
            ));
        };
        let mut out: Vec<(u64, Value)> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let Some(obj) = item.as_object() else {
                return Err(bad(format!("{i}"), "Invalid input type."));
            };
            if let Some(k) = obj.keys().find(|k| *k != "id" && *k != "value") {
                return Err(bad(format!("{i}.{k}"), "Unknown field."));
            }
            let Some(fid) = obj.get("id").and_then(Value::as_u64) else {
                return Err(bad(format!("{i}.id"), "Missing data for required field."));
            };
            let Some(def) = self
                .custom_fields
                .iter()
                .find(|d| d["id"] == fid && d["object_type"] == "Ticket")
            else {
                return Err(bad(format!("{i}.id"), "Custom field not found."));
            };
            let value = obj.get("value").cloned().unwrap_or(Value::Null);
            let fits = match def["definition"]["data_type"].as_str() {
                Some("number") => value.is_number(),
                Some("boolean") => value.is_boolean(),
                _ => value.is_string(),
            };
            if !fits {
                return Err(bad(
                    format!("{i}.value"),
                    "Not a valid value for this field's data type.",
                ));
            }
            if out.iter().any(|(f, _)| *f == fid) {
                return Err(bad(format!("{i}.id"), "Duplicate custom field."));
            }
            out.push((fid, value));
        }
        Ok(out)
    }

    /// The survey a `POST /api/satisfaction-surveys` creates, or Gorgias's 400.
    fn survey_body(&mut self, body: &Value) -> Result<Value, Answer> {
        let bad = |k: &str, m: &str| {
            let mut data = serde_json::Map::new();
            data.insert(k.to_string(), json!([m]));
            (400, Some(json!({"error": {"msg": "Invalid data", "data": data}})))
        };
        let Some(obj) = body.as_object() else {
            return Err(bad("_schema", "Invalid input type."));
        };
        let allowed = [
            "body_text",
            "created_datetime",
            "customer_id",
            "meta",
            "score",
            "scored_datetime",
            "sent_datetime",
            "should_send_datetime",
            "ticket_id",
        ];
        if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(bad(k, "Unknown field."));
        }
        let Some(ticket) = body["ticket_id"].as_u64() else {
            return Err(bad("ticket_id", "Missing data for required field."));
        };
        let Some(customer) = body["customer_id"].as_u64() else {
            return Err(bad("customer_id", "Missing data for required field."));
        };
        if !self.tickets.iter().any(|t| t["id"] == ticket) {
            return Err(bad("ticket_id", "Ticket not found."));
        }
        if !self.customers.iter().any(|c| c["id"] == customer) {
            return Err(bad("customer_id", "Customer not found."));
        }
        if !(body["score"].is_null() || body["score"].as_u64().is_some_and(|n| (1..=5).contains(&n))) {
            return Err(bad("score", "Must be between 1 and 5."));
        }
        if !(body["body_text"].is_null() || body["body_text"].as_str().is_some_and(|b| b.chars().count() <= 1000)) {
            return Err(bad("body_text", "Longer than maximum length 1000."));
        }
        // "Currently there can be only one satisfaction survey per ticket" (the
        // reference); the status and body of the refusal are guessed.
        if self.surveys.iter().any(|x| x["ticket_id"] == ticket) {
            return Err(bad(
                "ticket_id",
                "A satisfaction survey already exists for this ticket.",
            ));
        }
        let id = self.id();
        let mut x = json!({"id": id, "body_text": null, "created_datetime": NOW, "customer_id": customer, "meta": null, "score": null,
            "scored_datetime": null, "sent_datetime": null, "should_send_datetime": null, "ticket_id": ticket,
            "uri": format!("/api/satisfaction-surveys/{id}/")});
        for k in [
            "body_text",
            "created_datetime",
            "meta",
            "score",
            "scored_datetime",
            "sent_datetime",
            "should_send_datetime",
        ] {
            if let Some(v) = obj.get(k) {
                x[k] = v.clone();
            }
        }
        Ok(x)
    }
}

impl FakeGorgias {
    /// A ticket's custom field values `(field, value)` as the fake stores them.
    pub fn ticket_field_values(&self, ticket: u64) -> Vec<(u64, Value)> {
        let s = self.state.lock().unwrap();
        s.ticket_field_values
            .iter()
            .filter(|(t, _, _)| *t == ticket)
            .map(|(_, f, v)| (*f, v.clone()))
            .collect()
    }

    /// The satisfaction surveys of a ticket as the fake stores them.
    pub fn surveys_of(&self, ticket: u64) -> Vec<Value> {
        let s = self.state.lock().unwrap();
        s.surveys.iter().filter(|x| x["ticket_id"] == ticket).cloned().collect()
    }

    /// Makes `PUT /api/tickets/{id}/custom-fields` answer 200 and
    /// `POST /api/satisfaction-surveys` 201, both without a body.
    pub fn empty_field_and_survey_bodies(&self, on: bool) {
        self.state.lock().unwrap().empty_field_and_survey_bodies = on;
    }
}

/// Base64 for the fake's own auth check.
pub fn b64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                T[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

/// Whether a JSON id equals a decimal string from a path or query.
fn same_id(v: &Value, s: &str) -> bool {
    v.as_u64().is_some_and(|n| s.parse::<u64>() == Ok(n))
}

// Counters for the fault tests: did a write land, and how many times?
impl FakeGorgias {
    /// How many messages (replies, notes, first messages) a ticket has.
    pub fn message_count(&self, ticket: u64) -> usize {
        let s = self.state.lock().unwrap();
        s.messages.iter().filter(|m| m["ticket_id"] == ticket).count()
    }

    /// How many tickets exist.
    pub fn ticket_count(&self) -> usize {
        self.state.lock().unwrap().tickets.len()
    }

    /// How many tickets carry `external_id` `key`.
    pub fn tickets_with_external_id(&self, key: &str) -> usize {
        let s = self.state.lock().unwrap();
        s.tickets.iter().filter(|t| t["external_id"] == key).count()
    }

    /// How many messages carry `external_id` `key`.
    pub fn messages_with_external_id(&self, key: &str) -> usize {
        let s = self.state.lock().unwrap();
        s.messages.iter().filter(|m| m["external_id"] == key).count()
    }

    /// How many customers carry `external_id` `key`.
    pub fn customers_with_external_id(&self, key: &str) -> usize {
        let s = self.state.lock().unwrap();
        s.customers.iter().filter(|c| c["external_id"] == key).count()
    }

    /// Deletes the messages that carry `external_id` `key` (as if an agent
    /// had removed the message): a retry with the key then writes anew.
    pub fn delete_messages_with_external_id(&self, key: &str) {
        let mut s = self.state.lock().unwrap();
        s.messages.retain(|m| m["external_id"] != key);
    }

    /// Deletes the customers that carry `external_id` `key`.
    pub fn delete_customers_with_external_id(&self, key: &str) {
        let mut s = self.state.lock().unwrap();
        s.customers.retain(|c| c["external_id"] != key);
    }

    /// Deletes the tickets that carry `external_id` `key` (and their messages).
    pub fn delete_tickets_with_external_id(&self, key: &str) {
        let mut s = self.state.lock().unwrap();
        let ids: Vec<Value> = s
            .tickets
            .iter()
            .filter(|t| t["external_id"] == key)
            .map(|t| t["id"].clone())
            .collect();
        s.tickets.retain(|t| t["external_id"] != key);
        s.messages.retain(|m| !ids.contains(&m["ticket_id"]));
    }

    /// How many tags exist.
    pub fn tag_count(&self) -> usize {
        self.state.lock().unwrap().tags.len()
    }
}

// ---- issue 21: events, integrations, account
/// The `object_type` values `GET /api/events` accepts (case-sensitive; the
/// reference's list, and `CustomField` as recorded).
const EVENT_OBJECT_TYPES: &[&str] = &[
    "Account",
    "Macro",
    "Tag",
    "Customer",
    "Team",
    "View",
    "Widget",
    "User",
    "TicketMessage",
    "Ticket",
    "Rule",
    "Integration",
    "SatisfactionSurvey",
    "CustomField",
];

/// The keys of an HTTP integration's `http.triggers`.
const HTTP_TRIGGERS: &[&str] = &[
    "ticket-created",
    "ticket-updated",
    "ticket-message-created",
    "ticket-self-unsnoozed",
    "ticket-message-failed",
    "ticket-assignment-updated",
    "ticket-status-updated",
    "ticket-handed-over",
];

/// An ISO 8601 date-time with a time zone (`2024-12-01T00:00:00Z`,
/// `…T08:30:00.5+02:00`) as (seconds since 1970 UTC, nanoseconds); `None`
/// for anything else (Gorgias answers 400).
fn instant(s: &str) -> Option<(i64, u32)> {
    let b = s.as_bytes();
    let num = |from: usize, to: usize| -> Option<i64> {
        let d = b.get(from..to)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0, |n, c| n * 10 + i64::from(c - b'0')))
    };
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || b.get(10) != Some(&b'T')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hh, mm, ss) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        let frac = num(i + 1, i + 1 + digits)?;
        nanos = u32::try_from(frac * 10_i64.pow(9 - digits as u32)).ok()?;
        i += 1 + digits;
    }
    let offset = match (b.get(i), b.len() - i) {
        (Some(b'Z'), 1) => 0,
        (Some(sign @ (b'+' | b'-')), 6) if b[i + 3] == b':' => {
            let o = num(i + 1, i + 3)? * 3600 + num(i + 4, i + 6)? * 60;
            if *sign == b'+' { o } else { -o }
        }
        _ => return None,
    };
    // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + hh * 3600 + mm * 60 + ss - offset, nanos))
}

impl State {
    /// `POST /api/integrations`: an HTTP integration (the only type the API
    /// creates), checked as strictly as the reference describes it.
    fn create_integration(&mut self, body: &Value) -> Result<Value, (u16, Option<Value>)> {
        let bad = |path: &str, m: &str| {
            let mut data = serde_json::Map::new();
            data.insert(path.to_string(), json!([m]));
            (400, Some(json!({"error": {"msg": "Invalid data", "data": data}})))
        };
        let Some(obj) = body.as_object() else {
            return Err(bad("_schema", "Invalid input type."));
        };
        if let Some(k) = obj
            .keys()
            .find(|k| !["name", "type", "description", "http"].contains(&k.as_str()))
        {
            return Err(bad(k, "Unknown field."));
        }
        if !obj.get("name").is_some_and(Value::is_string) {
            return Err(bad("name", "Missing data for required field."));
        }
        if obj.get("type").and_then(Value::as_str) != Some("http") {
            return Err(bad("type", "Only http integrations can be created."));
        }
        let Some(http) = obj.get("http").and_then(Value::as_object) else {
            return Err(bad("http", "Missing data for required field."));
        };
        let known = [
            "url",
            "method",
            "request_content_type",
            "response_content_type",
            "headers",
            "form",
            "triggers",
            "oauth2",
            "hmac_secret",
        ];
        if let Some(k) = http.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(bad(&format!("http.{k}"), "Unknown field."));
        }
        for k in ["url", "method", "request_content_type", "response_content_type"] {
            if !http.get(k).is_some_and(Value::is_string) {
                return Err(bad(&format!("http.{k}"), "Missing data for required field."));
            }
        }
        if !["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"].contains(&http["method"].as_str().unwrap_or("")) {
            return Err(bad(
                "http.method",
                "Must be one of: GET, POST, PUT, DELETE, HEAD, PATCH.",
            ));
        }
        if !["application/json", "application/x-www-form-urlencoded"]
            .contains(&http["request_content_type"].as_str().unwrap_or(""))
        {
            return Err(bad(
                "http.request_content_type",
                "Must be one of: application/json, application/x-www-form-urlencoded.",
            ));
        }
        match http.get("headers") {
            None | Some(Value::Null) => {}
            Some(Value::Object(h)) if h.values().all(Value::is_string) => {}
            Some(_) => return Err(bad("http.headers", "Must be a mapping of strings.")),
        }
        match http.get("triggers") {
            Some(Value::Object(t)) => {
                if let Some(k) = t.keys().find(|k| !HTTP_TRIGGERS.contains(&k.as_str())) {
                    return Err(bad(&format!("http.triggers.{k}"), "Unknown field."));
                }
                if !t.values().all(Value::is_boolean) {
                    return Err(bad("http.triggers", "Not a valid boolean."));
                }
            }
            _ => return Err(bad("http.triggers", "Missing data for required field.")),
        }
        let id = self.id();
        let mut http = http.clone();
        http.entry("headers").or_insert_with(|| json!({}));
        let i = json!({"id": id, "created_datetime": NOW, "deactivated_datetime": null, "decoration": null,
            "description": obj.get("description").cloned().unwrap_or(Value::Null), "http": http, "locked_datetime": null, "meta": {},
            "name": obj["name"], "type": "http", "updated_datetime": NOW, "user": {"id": 4567},
            "uri": format!("/api/integrations/{id}/"), "application_id": null, "managed": false, "business_hours_id": null});
        self.integrations.push(i.clone());
        Ok(i)
    }
}

impl FakeGorgias {
    /// How many integrations exist (email, http, ...).
    pub fn integration_count(&self) -> usize {
        self.state.lock().unwrap().integrations.len()
    }

    /// The integration with this id as the fake stores it (headers included).
    pub fn integration(&self, id: u64) -> Option<Value> {
        let s = self.state.lock().unwrap();
        s.integrations.iter().find(|i| i["id"] == id).cloned()
    }

    /// How many events the log holds.
    pub fn event_count(&self) -> usize {
        self.state.lock().unwrap().events.len()
    }

    /// Appends an event to the log (`id`, `type`, `object_type`, `object_id`,
    /// `created_datetime`; the rest as recorded: no data, no user).
    pub fn add_event(&self, id: u64, kind: &str, object_type: &str, object_id: u64, context: &str, at: &str) {
        self.state.lock().unwrap().events.push(json!({"id": id, "context": context, "created_datetime": at, "data": null,
            "object_id": object_id, "object_type": object_type, "type": kind, "user_id": null, "uri": format!("/api/events/{id}/")}));
    }
}

// ---- issue 21: customers, macros and jobs
impl FakeGorgias {
    /// How many customers exist.
    pub fn customer_count(&self) -> usize {
        self.state.lock().unwrap().customers.len()
    }

    /// A customer as the fake stores it (with its channels).
    pub fn customer(&self, id: u64) -> Option<Value> {
        self.state
            .lock()
            .unwrap()
            .customers
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
    }

    /// How many jobs exist.
    pub fn job_count(&self) -> usize {
        self.state.lock().unwrap().jobs.len()
    }

    /// A job as the fake stores it.
    pub fn job(&self, id: u64) -> Option<Value> {
        self.state.lock().unwrap().jobs.iter().find(|j| j["id"] == id).cloned()
    }

    /// Makes customer creates and updates and job creates answer a 2xx
    /// (201, 202, 201) with no body.
    pub fn empty_write_answers(&self, on: bool) {
        self.state.lock().unwrap().empty_write_answers = on;
    }
}

// ---- issue 21: tickets and tags
impl FakeGorgias {
    /// Whether a ticket exists.
    pub fn has_ticket(&self, ticket: u64) -> bool {
        self.state.lock().unwrap().tickets.iter().any(|t| t["id"] == ticket)
    }

    /// Whether a tag exists.
    pub fn has_tag(&self, tag: u64) -> bool {
        self.state.lock().unwrap().tags.iter().any(|t| t["id"] == tag)
    }

    /// The stored tag with this exact name, as Gorgias would answer it.
    pub fn tag_named(&self, name: &str) -> Option<Value> {
        self.state
            .lock()
            .unwrap()
            .tags
            .iter()
            .find(|t| t["name"] == name)
            .cloned()
    }
}
