//! The fuzzed entry points, shared by the `cargo fuzz` targets (`fuzz/fuzz_targets/`)
//! and the deterministic no-panic test (`tests/no_panic.rs`), so CI exercises
//! exactly what the fuzzer does.
//!
//! - [`route`]: an inbound HTTP request (method, path, headers, body) through
//!   `router::handle`, with upstream answers (statuses, headers, bodies,
//!   transport failures) taken from the same bytes.
//! - [`upstream`]: one upstream answer through `error::classify` and every
//!   the resources' `parse_*`.
//!
//! Besides "no panic", both check what must hold for any input: the answer
//! keeps its route's contract (see `answer_shape`), and no error carries the
//! configured API key, Basic credentials or connector token unless the caller
//! sent them (data read from Gorgias may repeat what the upstream answers said).

use gorgias_connector::config::Config;
use gorgias_connector::error::{self, Error};
use gorgias_connector::gorgias::client::RetryPolicy;
use gorgias_connector::gorgias::endpoint::base64;
use gorgias_connector::gorgias::transport::{Outgoing, Response, Transport, TransportError};
use gorgias_connector::ops;
use gorgias_connector::ops::OPERATIONS;
use gorgias_connector::serve::http::{HttpRequest, MAX_BODY_BYTES};
use gorgias_connector::serve::router;

/// The configured API key the harness looks for in every answer.
pub const API_KEY: &str = "fuzz-api-key-Zq8w";
/// The configured user email.
pub const EMAIL: &str = "agent@fuzz.example";
/// The configured inbound token.
pub const TOKEN: &str = "fuzz-token-Kp3x";
/// The configured OAuth access token (a secret).
pub const ACCESS_TOKEN: &str = "fuzz-oauth-token-Vt5n";

/// Request methods, chosen by the low two bits of a `route` input's flags byte.
const METHODS: [&str; 4] = ["POST", "GET", "PUT", "HEAD"];

/// Reads the fuzz input front to back; past the end everything is zero/empty.
pub struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    /// One byte.
    pub fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    /// Two bytes, big-endian.
    pub fn u16(&mut self) -> u16 {
        u16::from(self.byte()) << 8 | u16::from(self.byte())
    }
    /// Up to `n` bytes.
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
    /// A length byte, then that many bytes.
    pub fn short(&mut self) -> &'a [u8] {
        let n = self.byte() as usize;
        self.take(n)
    }
    /// A two-byte length, then that many bytes.
    pub fn long(&mut self) -> &'a [u8] {
        let n = self.u16() as usize;
        self.take(n)
    }
    /// An inbound body: like [`Cursor::long`], but the length `0xffff` is
    /// followed by a four-byte one, so an input can carry a body up to and
    /// past the 1 MiB request cap (`fuzz/run.sh` lets `route` inputs grow
    /// that far). Older inputs, whose bodies are shorter, decode as before.
    pub fn body(&mut self) -> &'a [u8] {
        match self.u16() {
            u16::MAX => {
                let n = u32::from(self.u16()) << 16 | u32::from(self.u16());
                self.take(n as usize)
            }
            n => self.take(usize::from(n)),
        }
    }
    fn text(&mut self) -> String {
        String::from_utf8_lossy(self.short()).into_owned()
    }
}

/// Answers upstream requests from the fuzz input; never sleeps.
pub struct FuzzTransport<'a> {
    data: Cursor<'a>,
    /// Requests sent so far.
    pub sent: usize,
    /// The bodies of the answers given, read only when a check needs them.
    pub bodies: Vec<Vec<u8>>,
}

impl FuzzTransport<'_> {
    /// What the answers said: each body as text and, when it is JSON, its
    /// decoded strings. Data read from Gorgias may hold anything.
    pub fn said(&self) -> String {
        let mut said = String::new();
        for body in &self.bodies {
            said.push_str(&String::from_utf8_lossy(body));
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
                decoded_strings(&v, &mut said);
            }
        }
        said
    }
}

impl Transport for FuzzTransport<'_> {
    fn send(&mut self, _request: &Outgoing) -> Result<Response, TransportError> {
        self.sent += 1;
        assert!(self.sent <= 64, "an operation sent more than 64 upstream requests");
        let d = &mut self.data;
        let kind = d.byte();
        let message = || "fuzz".to_string();
        match kind {
            0 => Err(TransportError::NotSent(message())),
            1 => Err(TransportError::MaybeSent(message())),
            2 => Err(TransportError::Body {
                status: d.u16(),
                message: message(),
            }),
            3 => Err(TransportError::TooLarge { status: d.u16() }),
            _ => {
                let status = 100 + d.u16() % 500;
                let mut headers = Vec::new();
                for _ in 0..d.byte() % 3 {
                    let name = if d.byte().is_multiple_of(2) {
                        "retry-after".to_string()
                    } else {
                        d.text()
                    };
                    headers.push((name, d.text()));
                }
                let body = d.long().to_vec();
                self.bodies.push(body.clone());
                Ok(Response { status, headers, body })
            }
        }
    }

    fn sleep_ms(&mut self, _ms: u64) {}
}

fn secrets() -> [String; 5] {
    let credentials = format!("{EMAIL}:{API_KEY}");
    [
        base64(credentials.as_bytes()),
        credentials,
        API_KEY.to_string(),
        ACCESS_TOKEN.to_string(),
        TOKEN.to_string(),
    ]
}

/// An inbound request through the router, upstream answers from the rest of
/// the input. Returns the answer's status.
pub fn route(data: &[u8]) -> u16 {
    let mut d = Cursor(data);
    let sel = d.byte();
    let flags = d.byte();
    let path = if sel < 240 {
        format!("/{}", OPERATIONS[usize::from(sel) % OPERATIONS.len()].name)
    } else {
        d.text()
    };
    let method = METHODS[usize::from(flags & 3)].to_string();
    let mut headers = Vec::new();
    match (flags >> 2) & 3 {
        0 => {}
        1 => headers.push(("content-type".into(), "application/json".into())),
        2 => headers.push(("content-type".into(), "application/json; charset=utf-8".into())),
        _ => headers.push(("content-type".into(), d.text())),
    }
    let token_required = flags & 16 != 0;
    if flags & 32 != 0 {
        headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
    }
    // Per-request headers: one byte each says whether it is sent (bit 0).
    // Bit 1 of the email's byte makes the configured credentials an OAuth
    // access token instead of the API key; bit 1 of the API key's byte sends
    // the text as `x-gorgias-access-token` instead (spare bits, so older
    // inputs keep their layout).
    let mut oauth = false;
    if flags & 64 != 0 {
        for name in [
            "x-gorgias-account",
            "x-gorgias-email",
            "x-gorgias-api-key",
            "authorization",
        ] {
            let b = d.byte();
            let name = match name {
                "x-gorgias-email" => {
                    oauth = b & 2 != 0;
                    name
                }
                "x-gorgias-api-key" if b & 2 != 0 => "x-gorgias-access-token",
                _ => name,
            };
            if b % 2 == 1 {
                headers.push((name.into(), d.text()));
            }
        }
    }
    // As the wasm edge reads it: at most MAX_BODY_BYTES, and a flag when
    // there was more.
    let mut body = d.body().to_vec();
    let over_cap = body.len() > MAX_BODY_BYTES;
    body.truncate(MAX_BODY_BYTES);
    let req = HttpRequest {
        method,
        path,
        headers,
        body,
        body_too_large: flags & 128 != 0 || over_cap,
    };
    let config = Config {
        account: Some("acme".into()),
        email: Some(EMAIL.into()),
        api_key: (!oauth).then(|| API_KEY.into()),
        access_token: oauth.then(|| ACCESS_TOKEN.into()),
        connector_token: token_required.then(|| TOKEN.to_string()),
        retry: RetryPolicy::default(),
        ..Config::default()
    };
    let mut transport = FuzzTransport {
        data: d,
        sent: 0,
        bodies: Vec::new(),
    };
    let resp = router::handle(&req, &Ok(config), &mut transport);

    assert!((200..=599).contains(&resp.status), "status {}", resp.status);
    let v = answer_shape(&req, resp.status, &resp.body);
    if resp.status == 429 {
        assert!(
            resp.headers.iter().any(|(k, _)| k == "retry-after"),
            "429 without Retry-After"
        );
    }
    // A secret may come back only if the caller sent it. Errors (any status
    // but 200, an MCP tool result with isError) never carry one: the
    // connector cleans them of every secret it holds, even one an upstream
    // answer echoes. Data (a 200 result) is what Gorgias holds and may also
    // repeat what the upstream answers said.
    let inbound = format!("{} {:?} {}", req.path, req.headers, String::from_utf8_lossy(&req.body));
    // Compare with what the caller reads: the decoded strings, not the JSON
    // text, whose escapes can spell a secret by accident ("\x0fuzz-…" is
    // serialized as "\u000fuzz-…").
    let mut outbound = format!("{:?}", resp.headers);
    decoded_strings(&v, &mut outbound);
    let is_data = resp.status == 200 && v["result"]["isError"] != true;
    // A secret of this run is one the connector holds: the connector token
    // when required, and the configured API key or access token.
    let held = |s: &String| (token_required || s != TOKEN) && (oauth == (s == ACCESS_TOKEN) || s == TOKEN);
    for s in secrets().into_iter().filter(held) {
        if outbound.contains(&s) {
            let given = inbound.contains(&s) || (is_data && transport.said().contains(&s));
            assert!(given, "a secret leaked into the answer: {outbound}");
        }
    }
    resp.status
}

/// Checks the answer against its route's contract and returns its JSON
/// (`null` for an empty 202):
/// - `POST /mcp`: a JSON-RPC envelope (`jsonrpc` "2.0", a `result` with 200,
///   or an `error` with an integer code and a message, with 200, 400 or
///   403), or `202 Accepted` with an empty body for notifications;
/// - `GET /health`: a report (`status` word, 200 exactly when "ok", else 503);
/// - everything else, and the router's own refusals on those two routes
///   (401, 405, 413, 415): a non-200 answer is `{"error": {"code": "…"}}`.
fn answer_shape(req: &HttpRequest, status: u16, body: &[u8]) -> serde_json::Value {
    let route = req.path.split('?').next().unwrap_or("").trim_end_matches('/');
    if status == 202 {
        assert!(
            route == "/mcp" && body.is_empty(),
            "202 on {route:?} with {} bytes",
            body.len()
        );
        return serde_json::Value::Null;
    }
    let v: serde_json::Value = serde_json::from_slice(body).expect("every answer is JSON");
    if route == "/mcp" && v.get("jsonrpc").is_some() {
        assert_eq!(v["jsonrpc"], "2.0", "{v}");
        let error = &v["error"];
        if error.is_null() {
            assert!(status == 200 && v["result"].is_object(), "{status} {v}");
        } else {
            assert!(
                matches!(status, 200 | 400 | 403) && v.get("result").is_none(),
                "{status} {v}"
            );
            assert!(error["code"].is_i64() && error["message"].is_string(), "{v}");
        }
    } else if route == "/health" && v.get("status").is_some() {
        let word = v["status"].as_str().expect("health status is a word");
        assert_eq!(status, if word == "ok" { 200 } else { 503 }, "{v}");
    } else if status != 200 {
        assert!(v["error"]["code"].is_string(), "an error without a code: {v}");
    }
    v
}

/// Appends every object key and string value of `v`, one per line. A string
/// that is itself a JSON document (an MCP tool result's `text`) is decoded
/// instead, for the same reason as the answer itself.
fn decoded_strings(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => match serde_json::from_str::<serde_json::Value>(s) {
            Ok(inner @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => decoded_strings(&inner, out),
            _ => {
                out.push('\n');
                out.push_str(s);
            }
        },
        serde_json::Value::Array(items) => items.iter().for_each(|i| decoded_strings(i, out)),
        serde_json::Value::Object(m) => {
            for (k, i) in m {
                out.push('\n');
                out.push_str(k);
                decoded_strings(i, out);
            }
        }
        _ => {}
    }
}

/// One upstream answer through the error classification and every parser.
/// Returns the HTTP status the error maps to.
pub fn upstream(data: &[u8]) -> u16 {
    let mut d = Cursor(data);
    let status = d.u16();
    let flags = d.byte();
    let mut headers = Vec::new();
    if flags & 1 != 0 {
        headers.push(("Retry-After".to_string(), d.text()));
    }
    let body = d.take(usize::MAX);
    let e = error::classify(status, &headers, body, flags & 2 != 0);
    let e = e.in_operation("get-ticket").redact(&secrets());
    let _ = (e.code(), e.message(), e.retryable(), router::status_of(&e));
    let r = router::error_response(&e);
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_ok());
    if let Error::RateLimited { .. } = e {
        assert_eq!(r.status, 429);
        assert!(
            r.headers.iter().any(|(k, _)| k == "retry-after"),
            "429 without Retry-After"
        );
    }
    if let Ok(t) = ops::tickets::parse_ticket(body) {
        let _ = ops::tickets::updated_from(t);
    }
    let _ = ops::tickets::parse_ticket_page(body);
    let _ = ops::tickets::parse_created_ticket(body);
    let _ = ops::messages::parse_message(body);
    let _ = ops::messages::parse_message_page(body);
    let _ = ops::tags::parse_tags(body);
    let _ = ops::tags::parse_tag(body);
    let _ = ops::customers::parse_customers(body);
    r.status
}

/// Encodes a `route` input: a valid call of operation `op` with `body` and
/// upstream answers `(status, body)`.
pub fn route_seed(op: usize, body: &str, answers: &[(u16, &str)]) -> Vec<u8> {
    let mut v = vec![u8::try_from(op).unwrap_or(0), 0b0000_0100];
    push_body(&mut v, body.as_bytes());
    push_answers(&mut v, answers);
    v
}

/// Encodes a `route` input with a literal request path and no upstream answers.
pub fn route_seed_path(path: &str, body: &str) -> Vec<u8> {
    route_seed_to("POST", path, body, &[])
}

/// Encodes a `route` input: `method` (one of [`METHODS`]) on a literal
/// `path` with a JSON content type, `body` and upstream answers.
pub fn route_seed_to(method: &str, path: &str, body: &str, answers: &[(u16, &str)]) -> Vec<u8> {
    let m = METHODS.iter().position(|&m| m == method).unwrap_or(0);
    let mut v = vec![255, 0b0000_0100 | u8::try_from(m).unwrap_or(0)];
    v.push(u8::try_from(path.len()).unwrap_or(0));
    v.extend_from_slice(path.as_bytes());
    push_body(&mut v, body.as_bytes());
    push_answers(&mut v, answers);
    v
}

fn push_answers(v: &mut Vec<u8>, answers: &[(u16, &str)]) {
    for (status, b) in answers {
        v.push(4);
        v.extend_from_slice(&(status - 100).to_be_bytes());
        v.push(0);
        push_long(v, b.as_bytes());
    }
}

/// Encodes an `upstream` input.
pub fn upstream_seed(status: u16, retry_after: Option<&str>, body: &str) -> Vec<u8> {
    let mut v = status.to_be_bytes().to_vec();
    match retry_after {
        Some(r) => {
            v.push(1);
            v.push(u8::try_from(r.len()).unwrap_or(0));
            v.extend_from_slice(r.as_bytes());
        }
        None => v.push(0),
    }
    v.extend_from_slice(body.as_bytes());
    v
}

/// The encoding [`Cursor::body`] reads.
fn push_body(v: &mut Vec<u8>, b: &[u8]) {
    match u16::try_from(b.len()) {
        Ok(n) if n < u16::MAX => v.extend_from_slice(&n.to_be_bytes()),
        _ => {
            v.extend_from_slice(&u16::MAX.to_be_bytes());
            v.extend_from_slice(&u32::try_from(b.len()).unwrap_or(u32::MAX).to_be_bytes());
        }
    }
    v.extend_from_slice(b);
}

fn push_long(v: &mut Vec<u8>, b: &[u8]) {
    let n = u16::try_from(b.len()).unwrap_or(u16::MAX);
    v.extend_from_slice(&n.to_be_bytes());
    v.extend_from_slice(&b[..usize::from(n)]);
}
