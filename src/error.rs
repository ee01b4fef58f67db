//! The one error type, and its classification from an upstream answer.
//!
//! Mirrors the WIT `variant error`: each case tells the caller what happened and
//! whether sending the same call again can help. Messages never carry secrets.

use serde_json::Value;
/// A JSON object.
type Map = serde_json::Map<String, Value>;

/// A problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as the operation's parameters name it.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// Gorgias answered with an error status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// Gorgias's `error.msg`, or a summary of the body.
    pub message: String,
    /// Gorgias's `error.data` field messages.
    pub field_errors: Vec<FieldError>,
    /// Whether the same call may succeed when sent again.
    pub retryable: bool,
}

/// Every way an operation can fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// An input is missing or invalid; nothing was sent.
    InvalidInput(FieldError),
    /// The connector lacks configuration (account, credentials); nothing was sent.
    Configuration(String),
    /// Gorgias answered 401: the credentials are wrong.
    Unauthorized(ApiError),
    /// Gorgias answered 403: the key's user lacks the permission, or a quota is spent.
    Forbidden(ApiError),
    /// Gorgias answered 404.
    NotFound(ApiError),
    /// Gorgias answered 409.
    Conflict(ApiError),
    /// Gorgias answered 429 and the retry budget could not cover the wait.
    RateLimited {
        /// Seconds to wait, from `Retry-after`.
        retry_after_seconds: u32,
        /// What happened.
        message: String,
    },
    /// Any other error status.
    Upstream(ApiError),
    /// No response arrived.
    Transport {
        /// What failed.
        message: String,
        /// False when the request certainly never left.
        request_sent: bool,
        /// Whether resending is safe.
        retryable: bool,
    },
    /// The response could not be decoded.
    InvalidResponse {
        /// The HTTP status of the undecodable answer.
        status: u16,
        /// What could not be decoded.
        message: String,
        /// Whether resending is safe.
        retryable: bool,
    },
}

impl Error {
    /// An invalid-input error for `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::InvalidInput(FieldError {
            field: field.to_string(),
            message: message.into(),
        })
    }

    /// The stable machine-readable code of this case (the WIT case name).
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidInput(_) => "invalid-input",
            Error::Configuration(_) => "configuration",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not-found",
            Error::Conflict(_) => "conflict",
            Error::RateLimited { .. } => "rate-limited",
            Error::Upstream(_) => "upstream",
            Error::Transport { .. } => "transport",
            Error::InvalidResponse { .. } => "invalid-response",
        }
    }

    /// The human-readable message.
    pub fn message(&self) -> String {
        match self {
            Error::InvalidInput(f) => format!("{}: {}", f.field, f.message),
            Error::Configuration(m) => m.clone(),
            Error::Unauthorized(a)
            | Error::Forbidden(a)
            | Error::NotFound(a)
            | Error::Conflict(a)
            | Error::Upstream(a) => a.message.clone(),
            Error::RateLimited { message, .. }
            | Error::Transport { message, .. }
            | Error::InvalidResponse { message, .. } => message.clone(),
        }
    }

    /// Whether the same call can succeed when sent again unchanged.
    pub fn retryable(&self) -> bool {
        match self {
            Error::InvalidInput(_) | Error::Configuration(_) => false,
            Error::RateLimited { .. } => true,
            Error::Unauthorized(a)
            | Error::Forbidden(a)
            | Error::NotFound(a)
            | Error::Conflict(a)
            | Error::Upstream(a) => a.retryable,
            Error::Transport { retryable, .. } | Error::InvalidResponse { retryable, .. } => *retryable,
        }
    }

    /// Prefixes the message with the operation name (`get-ticket: …`).
    pub fn in_operation(mut self, op: &str) -> Self {
        let prefix = |m: &mut String| {
            if !m.starts_with(op) {
                *m = format!("{op}: {m}");
            }
        };
        match &mut self {
            Error::InvalidInput(_) => {}
            Error::Configuration(m) => prefix(m),
            Error::Unauthorized(a)
            | Error::Forbidden(a)
            | Error::NotFound(a)
            | Error::Conflict(a)
            | Error::Upstream(a) => prefix(&mut a.message),
            Error::RateLimited { message, .. }
            | Error::Transport { message, .. }
            | Error::InvalidResponse { message, .. } => prefix(message),
        }
        self
    }
}

/// The JSON body of an operation error: `{"error": {"code", "message", "retryable", …}}`
/// (the shape of [`crate::schema::error_schema`]).
pub fn error_json(e: &Error) -> Value {
    let mut body = Map::new();
    body.insert("code".into(), e.code().into());
    body.insert("message".into(), e.message().into());
    body.insert("retryable".into(), e.retryable().into());
    match e {
        Error::InvalidInput(f) => {
            body.insert("field".into(), f.field.clone().into());
        }
        Error::Unauthorized(a) | Error::Forbidden(a) | Error::NotFound(a) | Error::Conflict(a) | Error::Upstream(a) => {
            body.insert("upstreamStatus".into(), a.status.into());
            if !a.field_errors.is_empty() {
                let fe: Vec<Value> = a
                    .field_errors
                    .iter()
                    .map(|f| {
                        let mut m = Map::new();
                        m.insert("field".into(), f.field.as_str().into());
                        m.insert("message".into(), f.message.as_str().into());
                        Value::Object(m)
                    })
                    .collect();
                body.insert("fieldErrors".into(), fe.into());
            }
        }
        Error::RateLimited {
            retry_after_seconds, ..
        } => {
            body.insert("retryAfterSeconds".into(), (*retry_after_seconds).into());
        }
        Error::Transport { request_sent, .. } => {
            body.insert("requestSent".into(), (*request_sent).into());
        }
        Error::InvalidResponse { status, .. } => {
            body.insert("upstreamStatus".into(), (*status).into());
        }
        Error::Configuration(_) => {}
    }
    let mut out = Map::new();
    out.insert("error".into(), body.into());
    out.into()
}

/// Replaced for a secret found in an error.
pub const REDACTED: &str = "<redacted>";

/// Secrets shorter than this are not searched for (they would garble messages
/// and reveal next to nothing).
const MIN_SECRET_LEN: usize = 4;

fn redact_str(s: &mut String, secrets: &[String]) {
    for secret in secrets {
        if secret.len() >= MIN_SECRET_LEN && s.contains(secret.as_str()) {
            *s = s.replace(secret.as_str(), REDACTED);
        }
    }
}

impl Error {
    /// Replaces every occurrence of each secret in every string of the error.
    /// Pass longer secrets first when one contains another.
    pub fn redact(mut self, secrets: &[String]) -> Self {
        let api = |a: &mut ApiError| {
            redact_str(&mut a.message, secrets);
            for f in &mut a.field_errors {
                redact_str(&mut f.field, secrets);
                redact_str(&mut f.message, secrets);
            }
        };
        match &mut self {
            Error::InvalidInput(f) => {
                redact_str(&mut f.field, secrets);
                redact_str(&mut f.message, secrets);
            }
            Error::Unauthorized(a)
            | Error::Forbidden(a)
            | Error::NotFound(a)
            | Error::Conflict(a)
            | Error::Upstream(a) => api(a),
            Error::Configuration(message)
            | Error::RateLimited { message, .. }
            | Error::Transport { message, .. }
            | Error::InvalidResponse { message, .. } => redact_str(message, secrets),
        }
        self
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for Error {}

/// Reads `Retry-After` as RFC 9110 §10.2.3 defines it: `delay-seconds`
/// (digits only) or an `HTTP-date` (any of the three forms §5.6.7 makes a
/// recipient accept), which needs the current time (`now_unix`, seconds since
/// the epoch; without it a date counts as absent). A date in the past is 0;
/// anything else (`2.5`, `soon`) is absent.
pub fn retry_after_seconds(headers: &[(String, String)], now_unix: Option<u64>) -> Option<u32> {
    let v = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
        .map(|(_, v)| v.trim())?;
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // More than u32 seconds (136 years) is as good as never.
        return Some(v.parse::<u32>().unwrap_or(u32::MAX));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    let at = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    let wait = at.saturating_sub(now_unix?);
    Some(u32::try_from(wait).unwrap_or(u32::MAX))
}

/// Adds, for a write, that it may have been applied and was not resent.
pub fn note_unsent_write(mut message: String, idempotent: bool) -> String {
    if !idempotent {
        message.push_str("; the write may have been applied, so it was not resent");
    }
    message
}

/// Builds the error for a non-2xx answer from Gorgias.
///
/// `idempotent` says whether the request may be resent: a 5xx after a write
/// may have been applied, so it is not marked retryable.
pub fn classify(status: u16, headers: &[(String, String)], body: &[u8], idempotent: bool) -> Error {
    classify_at(status, headers, body, idempotent, None)
}

/// [`classify`] at `now_unix` (seconds since the epoch), which an HTTP-date
/// `Retry-After` needs.
pub fn classify_at(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    idempotent: bool,
    now_unix: Option<u64>,
) -> Error {
    let (msg, field_errors) = gorgias_error_body(body);
    let message = match msg {
        Some(m) => format!("gorgias answered {status}: {m}"),
        None => format!("gorgias answered {status}"),
    };
    let message = note_unsent_write(message, idempotent || !(500..=599).contains(&status));
    let api = |retryable| ApiError {
        status,
        message: message.clone(),
        field_errors: field_errors.clone(),
        retryable,
    };
    match status {
        401 => Error::Unauthorized(api(false)),
        403 => Error::Forbidden(api(false)),
        404 => Error::NotFound(api(false)),
        409 => Error::Conflict(api(false)),
        429 => Error::RateLimited {
            retry_after_seconds: retry_after_seconds(headers, now_unix).unwrap_or(1),
            message,
        },
        500..=599 => Error::Upstream(api(idempotent)),
        _ => Error::Upstream(api(false)),
    }
}

/// Extracts `error.msg` and `error.data` from Gorgias's error envelope.
/// Falls back to a short, single-line excerpt of a non-JSON body.
fn gorgias_error_body(body: &[u8]) -> (Option<String>, Vec<FieldError>) {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        let text = String::from_utf8_lossy(body);
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() || text.starts_with('<') {
            return (None, Vec::new());
        }
        return (Some(truncate(&text, 200)), Vec::new());
    };
    let err = v.get("error").unwrap_or(&v);
    let msg = match err {
        Value::String(s) => Some(s.clone()),
        _ => err
            .get("msg")
            .or_else(|| err.get("message"))
            .and_then(Value::as_str)
            .map(str::to_string),
    };
    let mut fields = Vec::new();
    if let Some(Value::Object(data)) = err.get("data") {
        for (field, msgs) in data {
            let message = match msgs {
                Value::Array(items) => {
                    // Joined by hand: `[String]::join` would be a second
                    // instantiation next to the `[&str]` one (~1.2 KB).
                    let mut joined = String::new();
                    for (i, m) in items.iter().enumerate() {
                        if i > 0 {
                            joined.push_str("; ");
                        }
                        match m.as_str() {
                            Some(s) => joined.push_str(s),
                            None => joined.push_str(&m.to_string()),
                        }
                    }
                    joined
                }
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            fields.push(FieldError {
                field: field.to_string(),
                message,
            });
        }
    }
    (msg.map(|m| truncate(&m, 500)), fields)
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(k: &str, v: &str) -> Vec<(String, String)> {
        vec![(k.to_string(), v.to_string())]
    }

    #[test]
    fn several_field_messages_are_joined() {
        let body =
            br#"{"error": {"msg": "x", "data": {"a": ["one", 2, {"k": [true]}, "four"], "b": {"k": null}, "c": "s"}}}"#;
        let (_, fields) = gorgias_error_body(body);
        let got: Vec<(&str, &str)> = fields.iter().map(|f| (f.field.as_str(), f.message.as_str())).collect();
        assert_eq!(
            got,
            [
                ("a", r#"one; 2; {"k":[true]}; four"#),
                ("b", r#"{"k":null}"#),
                ("c", "s")
            ]
        );
    }

    #[test]
    fn error_msg_and_field_data_are_carried() {
        let body = br#"{"error": {"msg": "Failed to create ticket", "data": {"sender": ["Missing data for required field."]}}}"#;
        let e = classify(400, &[], body, false);
        let Error::Upstream(a) = e else { panic!("{e:?}") };
        assert_eq!(a.status, 400);
        assert_eq!(a.message, "gorgias answered 400: Failed to create ticket");
        assert_eq!(
            a.field_errors,
            vec![FieldError {
                field: "sender".into(),
                message: "Missing data for required field.".into()
            }]
        );
        assert!(!a.retryable);
    }

    #[test]
    fn status_classes() {
        assert_eq!(classify(401, &[], b"", true).code(), "unauthorized");
        assert_eq!(
            classify(403, &[], br#"{"error":{"msg":"Messaging quota exceeded."}}"#, true).code(),
            "forbidden"
        );
        assert_eq!(
            classify(404, &[], br#"{"error":{"msg":"Resource not found."}}"#, true).code(),
            "not-found"
        );
        assert_eq!(classify(409, &[], b"", false).code(), "conflict");
        assert!(classify(503, &[], b"<html>oops</html>", true).retryable());
        let e = classify(503, &[], b"", false);
        assert!(!e.retryable(), "a write may have been applied");
        assert_eq!(
            e.message(),
            "gorgias answered 503; the write may have been applied, so it was not resent"
        );
        assert_eq!(classify(503, &[], b"", true).message(), "gorgias answered 503");
    }

    #[test]
    fn rate_limit_reads_retry_after_in_any_case() {
        let e = classify(429, &h("Retry-after", "7"), b"", false);
        assert_eq!(
            e,
            Error::RateLimited {
                retry_after_seconds: 7,
                message: "gorgias answered 429".into()
            }
        );
        assert_eq!(retry_after_seconds(&h("retry-after", "2.5"), None), None);
        assert_eq!(retry_after_seconds(&h("retry-after", "soon"), None), None);
        assert_eq!(retry_after_seconds(&h("retry-after", "-1"), None), None);
        assert_eq!(retry_after_seconds(&h("Retry-After", " 120 "), None), Some(120));
        assert_eq!(
            retry_after_seconds(&h("retry-after", "99999999999"), None),
            Some(u32::MAX)
        );
        assert_eq!(retry_after_seconds(&[], None), None);
    }

    #[test]
    fn retry_after_http_dates_in_all_three_forms_count_from_now() {
        // 1994-11-06T08:49:37Z = 784111777.
        let now = Some(784_111_777 - 30);
        for date in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(retry_after_seconds(&h("retry-after", date), now), Some(30), "{date}");
        }
        let date = h("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(
            retry_after_seconds(&date, Some(784_111_777 + 5)),
            Some(0),
            "in the past"
        );
        assert_eq!(retry_after_seconds(&date, None), None, "no clock");
        assert_eq!(
            retry_after_seconds(&h("retry-after", "Sun, 06 Nov 1994 25:49:37 GMT"), now),
            None
        );
        let e = classify_at(429, &date, b"", true, now);
        assert!(
            matches!(
                e,
                Error::RateLimited {
                    retry_after_seconds: 30,
                    ..
                }
            ),
            "{e:?}"
        );
        let Error::RateLimited {
            retry_after_seconds: s, ..
        } = classify(429, &[], b"", true)
        else {
            panic!()
        };
        assert_eq!(s, 1);
    }

    #[test]
    fn html_bodies_are_not_echoed() {
        let Error::Upstream(a) = classify(502, &[], b"<html><body>Bad gateway</body></html>", true) else {
            panic!()
        };
        assert_eq!(a.message, "gorgias answered 502");
    }

    #[test]
    fn redact_removes_every_secret_everywhere() {
        let secrets = vec![
            "YWdlbnQ6a2V5LTEyMzQ=".to_string(),
            "agent:key-1234".into(),
            "key-1234".into(),
        ];
        let body = br#"{"error": {"msg": "bad auth Basic YWdlbnQ6a2V5LTEyMzQ= for agent:key-1234", "data": {"key-1234": ["was key-1234"]}}}"#;
        let e = classify(500, &[], body, true).redact(&secrets);
        let Error::Upstream(a) = &e else { panic!("{e:?}") };
        assert_eq!(
            a.message,
            "gorgias answered 500: bad auth Basic <redacted> for <redacted>"
        );
        assert_eq!(
            a.field_errors,
            vec![FieldError {
                field: "<redacted>".into(),
                message: "was <redacted>".into()
            }]
        );
        let t = Error::Transport {
            message: "echo key-1234".into(),
            request_sent: true,
            retryable: true,
        }
        .redact(&secrets);
        assert_eq!(t.message(), "echo <redacted>");
        // Too short to search for: left alone rather than garbling every message.
        assert_eq!(
            Error::Configuration("a b c".into()).redact(&["b".into()]).message(),
            "a b c"
        );
    }

    #[test]
    fn operation_prefix_is_added_once() {
        let e = classify(404, &[], b"", true)
            .in_operation("get-ticket")
            .in_operation("get-ticket");
        assert_eq!(e.message(), "get-ticket: gorgias answered 404");
    }
}
