//! Inbound HTTP as the pure surfaces see it: the edge (`component`) reads the
//! request into an [`HttpRequest`] and writes the [`HttpResponse`] out.

use serde_json::Value;

/// Largest accepted inbound body; more is a 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// An inbound HTTP request.
#[derive(Debug, Clone, Default)]
pub struct HttpRequest {
    /// Method, upper case.
    pub method: String,
    /// Path with query.
    pub path: String,
    /// Headers (any case).
    pub headers: Vec<(String, String)>,
    /// Body (at most [`MAX_BODY_BYTES`]).
    pub body: Vec<u8>,
    /// Whether the body was longer than [`MAX_BODY_BYTES`].
    pub body_too_large: bool,
}

impl HttpRequest {
    /// A header's value (first match, any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP response to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A JSON response.
    pub fn json(status: u16, value: &Value) -> Self {
        HttpResponse {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: value.to_string().into_bytes(),
        }
    }

    /// A JSON response whose body is already serialized.
    pub fn json_bytes(status: u16, body: Vec<u8>) -> Self {
        HttpResponse {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body,
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, k: &str, v: String) -> Self {
        self.headers.push((k.to_string(), v));
        self
    }
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it (for
/// answers written from prepared text: the listing, OpenAPI, tool lists).
pub fn json_string(out: &mut Vec<u8>, s: &str) {
    // Writing a `str` to a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}
