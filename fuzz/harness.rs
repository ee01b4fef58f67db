//! The fuzzed entry points, shared by the `cargo fuzz` targets (`fuzz/fuzz_targets/`)
//! and the deterministic no-panic test (`tests/no_panic.rs`), so CI exercises
//! exactly what the fuzzer does.
//!
//! - [`route`]: an inbound HTTP request (method, path, headers, body) through
//!   `router::handle`, with upstream answers (statuses, headers, bodies,
//!   transport failures) taken from the same bytes.
//! - [`upstream`]: one upstream answer through `error::classify` and every
//!   `model::parse_*`.
//!
//! Besides "no panic", both check what must hold for any input: the answer is
//! JSON with an error code or a result, and the configured API key, Basic
//! credentials and connector token never appear in it unless the caller sent them.

use gorgias_connector::client::{Outgoing, Response, RetryPolicy, Transport, TransportError, base64};
use gorgias_connector::config::Config;
use gorgias_connector::error::{self, Error};
use gorgias_connector::model;
use gorgias_connector::router::{self, HttpRequest, OPERATIONS};

/// The configured API key the harness looks for in every answer.
pub const API_KEY: &str = "fuzz-api-key-Zq8w";
/// The configured user email.
pub const EMAIL: &str = "agent@fuzz.example";
/// The configured inbound token.
pub const TOKEN: &str = "fuzz-token-Kp3x";

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
    fn text(&mut self) -> String {
        String::from_utf8_lossy(self.short()).into_owned()
    }
}

/// Answers upstream requests from the fuzz input; never sleeps.
pub struct FuzzTransport<'a> {
    data: Cursor<'a>,
    /// Requests sent so far.
    pub sent: usize,
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
                Ok(Response {
                    status,
                    headers,
                    body: d.long().to_vec(),
                })
            }
        }
    }

    fn sleep_ms(&mut self, _ms: u64) {}
}

fn secrets() -> [String; 4] {
    let credentials = format!("{EMAIL}:{API_KEY}");
    [
        base64(credentials.as_bytes()),
        credentials,
        API_KEY.to_string(),
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
    let method = ["POST", "GET", "PUT", "HEAD"][usize::from(flags & 3)].to_string();
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
    if flags & 64 != 0 {
        for name in [
            "x-gorgias-account",
            "x-gorgias-email",
            "x-gorgias-api-key",
            "authorization",
        ] {
            if d.byte() % 2 == 1 {
                headers.push((name.into(), d.text()));
            }
        }
    }
    let body = d.long().to_vec();
    let req = HttpRequest {
        method,
        path,
        headers,
        body,
        body_too_large: flags & 128 != 0,
    };
    let config = Config {
        account: Some("acme".into()),
        email: Some(EMAIL.into()),
        api_key: Some(API_KEY.into()),
        connector_token: token_required.then(|| TOKEN.to_string()),
        retry: RetryPolicy::default(),
        ..Config::default()
    };
    let mut transport = FuzzTransport { data: d, sent: 0 };
    let resp = router::handle(&req, &Ok(config), &mut transport);

    assert!((200..=599).contains(&resp.status), "status {}", resp.status);
    let v: serde_json::Value = serde_json::from_slice(&resp.body).expect("every answer is JSON");
    if resp.status != 200 {
        assert!(v["error"]["code"].is_string(), "an error without a code: {v}");
    }
    if resp.status == 429 {
        assert!(
            resp.headers.iter().any(|(k, _)| k == "retry-after"),
            "429 without Retry-After"
        );
    }
    // A secret may come back only if the caller sent it. The connector token
    // never goes upstream, so an upstream answer holding it is the fuzzer's
    // invention, not an echo: it does not count either.
    let inbound = format!("{} {:?} {}", req.path, req.headers, String::from_utf8_lossy(&req.body));
    // Compare with what the caller reads: the decoded strings, not the JSON
    // text, whose escapes can spell a secret by accident ("\x0fuzz-…" is
    // serialized as "\u000fuzz-…").
    let mut outbound = format!("{:?}", resp.headers);
    decoded_strings(&v, &mut outbound);
    let anywhere = String::from_utf8_lossy(data);
    for s in secrets() {
        let given = inbound.contains(&s) || (s == TOKEN && anywhere.contains(TOKEN));
        assert!(
            given || !outbound.contains(&s),
            "a secret leaked into the answer: {outbound}"
        );
    }
    resp.status
}

/// Appends every object key and string value of `v`, one per line.
fn decoded_strings(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => {
            out.push('\n');
            out.push_str(s);
        }
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
    if let Ok(t) = model::parse_ticket(body) {
        let _ = model::updated_from(t);
    }
    let _ = model::parse_ticket_page(body);
    let _ = model::parse_created_ticket(body);
    let _ = model::parse_message(body);
    let _ = model::parse_message_page(body);
    let _ = model::parse_tags(body);
    let _ = model::parse_tag(body);
    let _ = model::parse_customers(body);
    r.status
}

/// Encodes a `route` input: a valid call of operation `op` with `body` and
/// upstream answers `(status, body)`.
pub fn route_seed(op: usize, body: &str, answers: &[(u16, &str)]) -> Vec<u8> {
    let mut v = vec![u8::try_from(op).unwrap_or(0), 0b0000_0100];
    push_long(&mut v, body.as_bytes());
    for (status, b) in answers {
        v.push(4);
        v.extend_from_slice(&(status - 100).to_be_bytes());
        v.push(0);
        push_long(&mut v, b.as_bytes());
    }
    v
}

/// Encodes a `route` input with a literal request path and no upstream answers.
pub fn route_seed_path(path: &str, body: &str) -> Vec<u8> {
    let mut v = vec![255, 0b0000_0100, u8::try_from(path.len()).unwrap_or(0)];
    v.extend_from_slice(path.as_bytes());
    push_long(&mut v, body.as_bytes());
    v
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

fn push_long(v: &mut Vec<u8>, b: &[u8]) {
    let n = u16::try_from(b.len()).unwrap_or(u16::MAX);
    v.extend_from_slice(&n.to_be_bytes());
    v.extend_from_slice(&b[..usize::from(n)]);
}
