//! The transport port: the one place I/O happens. The wasm edge implements
//! [`Transport`] with `wasi:http` and `wasi:clocks`; tests with a script.
//! Everything above it (retries, pacing, redirects, the resend rule) is pure.

use super::endpoint::Scheme;
use super::request::Method;

/// A fully built upstream request, as the transport sends it.
#[derive(Clone, PartialEq)]
pub struct Outgoing {
    /// Method.
    pub method: Method,
    /// Scheme.
    pub scheme: Scheme,
    /// `host[:port]`.
    pub authority: String,
    /// Path with encoded query.
    pub path_and_query: String,
    /// Headers, including `Authorization`.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Option<Vec<u8>>,
}

impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<_> = self
            .headers
            .iter()
            .map(|(k, v)| {
                if k.eq_ignore_ascii_case("authorization") {
                    (k.as_str(), "<redacted>")
                } else {
                    (k.as_str(), v.as_str())
                }
            })
            .collect();
        f.debug_struct("Outgoing")
            .field("method", &self.method)
            .field(
                "url",
                &format!("{:?}://{}{}", self.scheme, self.authority, self.path_and_query),
            )
            .field("headers", &headers)
            .finish()
    }
}

/// An upstream answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Headers (names as received).
    pub headers: Vec<(String, String)>,
    /// Body, at most [`MAX_RESPONSE_BYTES`].
    pub body: Vec<u8>,
}

/// The most body bytes read from Gorgias; more is an `invalid-response`.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Why no response arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The request never left (DNS, refused connection, connect timeout, denied host).
    NotSent(String),
    /// The request may have reached Gorgias (timeout waiting, connection reset).
    MaybeSent(String),
    /// The response body broke off (reset, between-bytes timeout).
    Body {
        /// Status of the response whose body failed.
        status: u16,
        /// What failed.
        message: String,
    },
    /// The response body was larger than [`MAX_RESPONSE_BYTES`]; reading stopped there.
    TooLarge {
        /// Status of the oversized response.
        status: u16,
    },
}

/// Per-request upstream timeouts, passed to the host with every outgoing request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Connecting (TCP and TLS).
    pub connect_ms: u64,
    /// From the request being sent to the response headers.
    pub first_byte_ms: u64,
    /// Between two chunks of the response body.
    pub between_bytes_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect_ms: 5_000,
            first_byte_ms: 20_000,
            between_bytes_ms: 10_000,
        }
    }
}

/// In-flight requests at most, unless configured otherwise (`max_in_flight`):
/// a browser's connections per host.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 6;
/// The most `max_in_flight` may be configured to.
pub const MAX_IN_FLIGHT_LIMIT: usize = 16;

/// Performs I/O for the client.
pub trait Transport {
    /// Sends one request and reads the whole response.
    fn send(&mut self, request: &Outgoing) -> Result<Response, TransportError>;
    /// Sends independent `requests`, at most `max_in_flight` (at least 1) of
    /// them in flight at once, and answers each in the same order: what
    /// [`Transport::send`] would answer for it. This default sends them one
    /// after another; the wasm edge overlaps them.
    fn send_all(&mut self, requests: &[Outgoing], max_in_flight: usize) -> Vec<Result<Response, TransportError>> {
        let _ = max_in_flight;
        requests.iter().map(|r| self.send(r)).collect()
    }
    /// Waits `ms` milliseconds (between retries).
    fn sleep_ms(&mut self, ms: u64);
    /// The wall-clock time in seconds since the Unix epoch, for an HTTP-date
    /// `Retry-After`; `None` when the host has no clock.
    fn now_unix_seconds(&mut self) -> Option<u64> {
        None
    }
    /// Fills `buf` with random bytes, for the idempotency keys of creates
    /// ([`crate::ops::write::Key`]). The wasm edge asks
    /// `wasi:random/random`; this default (native tests) is deterministic:
    /// a process-wide counter through splitmix64, different on every call.
    fn random_bytes(&mut self, buf: &mut [u8]) {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let mut state = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        for chunk in buf.chunks_mut(8) {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}
