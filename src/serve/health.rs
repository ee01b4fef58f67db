//! `GET /health`: one cheap Gorgias call (`GET /api/account`) with the
//! configured or per-request credentials, reported as a status word plus the
//! API quota from `X-Gorgias-Account-Api-Call-Limit`.
//!
//! No retries (a health check reports what one call sees) and nothing secret
//! in the answer: the account subdomain, the upstream status and the quota.

use crate::gorgias::request::ApiRequest;

use crate::gorgias::client::Client;

use crate::gorgias::endpoint::Connection;

use crate::config::Config;
use crate::error::Error;
use crate::gorgias::transport::{Response, Transport, TransportError};
use serde_json::Value;
/// A JSON object.
type Map = serde_json::Map<String, Value>;

pub use crate::gorgias::pacing::{QUOTA_HEADER, Quota, quota};

/// The request the check sends.
pub fn request() -> ApiRequest {
    ApiRequest::get("/api/account", Vec::new())
}

/// The status word and HTTP status for an upstream answer.
pub fn classify(status: u16) -> (&'static str, u16) {
    match status {
        200..=299 => ("ok", 200),
        401 => ("unauthorized", 503),
        403 => ("forbidden", 503),
        404 => ("unknown-account", 503),
        429 => ("rate-limited", 503),
        _ => ("upstream-error", 503),
    }
}

/// The body's common fields; `quota` is `null` when absent. Built map by map
/// rather than with `json!` (less code in the component).
fn body(status: &str, account: Option<&str>, quota: Option<Quota>, message: Option<String>) -> Value {
    let mut b = Map::new();
    b.insert("status".into(), status.into());
    b.insert("account".into(), account.into());
    let quota = quota.map(|q| {
        let mut m = Map::new();
        m.insert("used".into(), q.used.into());
        m.insert("limit".into(), q.limit.into());
        Value::Object(m)
    });
    b.insert("quota".into(), quota.into());
    if let Some(m) = message {
        b.insert("message".into(), m.into());
    }
    b.into()
}

/// Builds the report: `(HTTP status, body)`. 200 only when Gorgias accepted
/// the credentials; 503 otherwise, with `status` saying why.
pub fn report(account: Option<&str>, outcome: Result<&Response, &TransportError>) -> (u16, Value) {
    match outcome {
        Ok(resp) => {
            let (word, http) = classify(resp.status);
            let message = (word != "ok").then(|| format!("GET /api/account answered {}", resp.status));
            let mut b = body(word, account, quota(&resp.headers), message);
            b["upstreamStatus"] = resp.status.into();
            (http, b)
        }
        Err(e) => {
            let (word, message) = match e {
                TransportError::NotSent(m) => ("unreachable", format!("request not sent: {m}")),
                TransportError::MaybeSent(m) => ("unreachable", format!("no response: {m}")),
                TransportError::Body { message, .. } => ("upstream-error", message.clone()),
                TransportError::TooLarge { .. } => ("upstream-error", "the response body was too large".to_string()),
            };
            (503, body(word, account, None, Some(message)))
        }
    }
}

/// Runs the check with `conn` (the route's credentials) over `transport`.
pub fn check(conn: Result<Connection, Error>, config: &Config, transport: &mut dyn Transport) -> (u16, Value) {
    let not_configured =
        |account: Option<&str>, e: &Error| (503, body("not-configured", account, None, Some(e.message())));
    let conn = match conn {
        Ok(c) => c,
        Err(e) => return not_configured(None, &e),
    };
    let out = match Client::new(transport, &conn, config.base_url.as_ref(), config.retry, "health") {
        Ok(c) => c.outgoing(&request()),
        // An invalid account never reaches the answer: it could carry anything.
        Err(e) => return not_configured(None, &e),
    };
    let account = Some(conn.account.as_str());
    match transport.send(&out) {
        Ok(resp) => report(account, Ok(&resp)),
        Err(e) => report(account, Err(&e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gorgias::testing::{Scripted, conn};
    use serde_json::json;

    fn h(k: &str, v: &str) -> Vec<(String, String)> {
        vec![(k.to_string(), v.to_string())]
    }

    #[test]
    fn quota_parses_used_and_limit_and_ignores_garbage() {
        assert_eq!(
            quota(&h("X-Gorgias-Account-Api-Call-Limit", "10/40")),
            Some(Quota { used: 10, limit: 40 })
        );
        assert_eq!(quota(&h(QUOTA_HEADER, " 4 / 80 ")), Some(Quota { used: 4, limit: 80 }));
        for bad in ["", "10", "a/40", "10/", "/40", "-1/40", "10/40/2"] {
            assert_eq!(quota(&h(QUOTA_HEADER, bad)), None, "{bad:?}");
        }
        assert_eq!(quota(&[]), None);
    }

    #[test]
    fn ok_reports_account_and_quota() {
        let mut t = Scripted::new(vec![Ok(Response {
            status: 200,
            headers: h("x-gorgias-account-api-call-limit", "3/40"),
            body: br#"{"domain": "acme"}"#.to_vec(),
        })]);
        let (status, body) = check(Ok(conn()), &Config::default(), &mut t);
        assert_eq!(status, 200);
        assert_eq!(
            body,
            json!({"status": "ok", "account": "acme", "upstreamStatus": 200, "quota": {"used": 3, "limit": 40}})
        );
        assert_eq!(t.lines(), vec!["GET /api/account"]);
    }

    #[test]
    fn failures_map_to_status_words_without_retry_or_secrets() {
        for (code, word) in [
            (401, "unauthorized"),
            (403, "forbidden"),
            (404, "unknown-account"),
            (429, "rate-limited"),
            (500, "upstream-error"),
        ] {
            let mut t = Scripted::new(vec![Scripted::json(code, "{}"), Scripted::json(200, "{}")]);
            let (status, body) = check(Ok(conn()), &Config::default(), &mut t);
            assert_eq!((status, body["status"].as_str()), (503, Some(word)), "{code}");
            assert_eq!(body["quota"], Value::Null);
            assert_eq!(t.sent.len(), 1, "a health check is not retried");
            assert!(!body.to_string().contains("s3cr3t-key"));
        }
        let mut t = Scripted::new(vec![Err(TransportError::NotSent("ConnectionRefused".into()))]);
        let (status, body) = check(Ok(conn()), &Config::default(), &mut t);
        assert_eq!((status, body["status"].as_str()), (503, Some("unreachable")));
    }

    #[test]
    fn missing_or_invalid_credentials_are_not_configured() {
        let mut t = Scripted::default();
        let (status, body) = check(
            Err(Error::invalid("x-gorgias-account", "no Gorgias credentials configured")),
            &Config::default(),
            &mut t,
        );
        assert_eq!((status, body["status"].as_str()), (503, Some("not-configured")));
        let mut bad = conn();
        bad.account = "evil.com#".into();
        let (_, body) = check(Ok(bad), &Config::default(), &mut t);
        assert_eq!(body["status"], "not-configured");
        assert_eq!(body["account"], Value::Null);
        assert!(t.sent.is_empty());
    }
}
