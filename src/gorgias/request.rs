//! What an operation asks of Gorgias: a method, a path under `/api`, a query
//! and an optional JSON body ([`ApiRequest`]), before the client adds the
//! endpoint and credentials.

use serde_json::Value;

/// HTTP method of an upstream request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE (with a JSON body: `DELETE /api/tickets/{id}/tags`)
    Delete,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// A Gorgias API call as an operation describes it, before auth and host.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    /// Method.
    pub method: Method,
    /// Path below the host, starting with `/api/`.
    pub path: String,
    /// Query parameters, unencoded, in order.
    pub query: Vec<(String, String)>,
    /// JSON body.
    pub body: Option<Value>,
}

impl ApiRequest {
    /// A GET of `path` with `query`.
    pub fn get(path: impl Into<String>, query: Vec<(String, String)>) -> Self {
        ApiRequest {
            method: Method::Get,
            path: path.into(),
            query,
            body: None,
        }
    }

    /// A request with a JSON body.
    pub fn with_body(method: Method, path: impl Into<String>, body: Value) -> Self {
        ApiRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            body: Some(body),
        }
    }

    /// Whether resending after an ambiguous failure is harmless.
    pub fn idempotent(&self) -> bool {
        self.method == Method::Get
    }

    /// Path and percent-encoded query.
    pub fn path_and_query(&self) -> String {
        let mut s = self.path.clone();
        for (i, (k, v)) in self.query.iter().enumerate() {
            s.push(if i == 0 { '?' } else { '&' });
            percent_encode_into(&mut s, k);
            s.push('=');
            percent_encode_into(&mut s, v);
        }
        s
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode_into(out: &mut String, s: &str) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from_digit(u32::from(b >> 4), 16).map_or('0', |c| c.to_ascii_uppercase()));
            out.push(char::from_digit(u32::from(b & 15), 16).map_or('0', |c| c.to_ascii_uppercase()));
        }
    }
}
