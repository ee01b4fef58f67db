//! The resend rule for a request that got no answer: whether the
//! `wasi:http` `error-code` proves the request never left.
//!
//! Pure, so it is unit-tested natively; the wasm edge (`component`) only
//! names the error code. [`crate::gorgias::client::Client::send`] then resends a
//! request that never left whatever its method, and one that may have
//! arrived only when it is idempotent (a `GET`): a write is never sent twice
//! by accident.

use crate::gorgias::transport::TransportError;

/// Whether a `wasi:http/types.error-code` case (its Rust name, as the
/// bindings spell it: `ConnectionRefused`) means nothing reached the server:
/// name resolution, connecting, TLS, or the host refusing to send at all.
/// Every other case (timeouts after connecting, resets, protocol errors,
/// internal errors, and any case a later WASI adds) may have delivered it.
pub fn never_sent(case: &str) -> bool {
    matches!(
        case,
        "DnsTimeout"
            | "DnsError"
            | "DestinationNotFound"
            | "DestinationUnavailable"
            | "DestinationIpProhibited"
            | "DestinationIpUnroutable"
            | "ConnectionRefused"
            | "ConnectionTimeout"
            | "ConnectionLimitReached"
            | "TlsProtocolError"
            | "TlsCertificateError"
            | "TlsAlertReceived"
            | "HttpRequestDenied"
            | "HttpRequestUriInvalid"
            | "HttpRequestMethodInvalid"
            | "ConfigurationError"
    )
}

/// The transport error for an error code described as `Case` or
/// `Case(payload)`.
pub fn transport_error(description: &str) -> TransportError {
    let case = description.split('(').next().unwrap_or("");
    if never_sent(case) {
        TransportError::NotSent(description.to_string())
    } else {
        TransportError::MaybeSent(description.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every case of `wasi:http/types@0.2.x` `error-code`, and whether it
    /// proves the request never left.
    const CASES: [(&str, bool); 39] = [
        ("DnsTimeout", true),
        ("DnsError", true),
        ("DestinationNotFound", true),
        ("DestinationUnavailable", true),
        ("DestinationIpProhibited", true),
        ("DestinationIpUnroutable", true),
        ("ConnectionRefused", true),
        ("ConnectionTerminated", false),
        ("ConnectionTimeout", true),
        ("ConnectionReadTimeout", false),
        ("ConnectionWriteTimeout", false),
        ("ConnectionLimitReached", true),
        ("TlsProtocolError", true),
        ("TlsCertificateError", true),
        ("TlsAlertReceived", true),
        ("HttpRequestDenied", true),
        ("HttpRequestLengthRequired", false),
        ("HttpRequestBodySize", false),
        ("HttpRequestMethodInvalid", true),
        ("HttpRequestUriInvalid", true),
        ("HttpRequestUriTooLong", false),
        ("HttpRequestHeaderSectionSize", false),
        ("HttpRequestHeaderSize", false),
        ("HttpRequestTrailerSectionSize", false),
        ("HttpRequestTrailerSize", false),
        ("HttpResponseIncomplete", false),
        ("HttpResponseHeaderSectionSize", false),
        ("HttpResponseHeaderSize", false),
        ("HttpResponseBodySize", false),
        ("HttpResponseTrailerSectionSize", false),
        ("HttpResponseTrailerSize", false),
        ("HttpResponseTransferCoding", false),
        ("HttpResponseContentCoding", false),
        ("HttpResponseTimeout", false),
        ("HttpUpgradeFailed", false),
        ("HttpProtocolError", false),
        ("LoopDetected", false),
        ("ConfigurationError", true),
        ("InternalError", false),
    ];

    #[test]
    fn only_failures_before_the_request_left_count_as_never_sent() {
        for (case, unsent) in CASES {
            assert_eq!(never_sent(case), unsent, "{case}");
        }
    }

    #[test]
    fn payloads_do_not_change_the_verdict_and_unknown_cases_may_have_been_sent() {
        assert_eq!(
            transport_error("DnsError(DnsErrorPayload { rcode: Some(\"NXDOMAIN\"), info-code: None })"),
            TransportError::NotSent("DnsError(DnsErrorPayload { rcode: Some(\"NXDOMAIN\"), info-code: None })".into())
        );
        assert_eq!(
            transport_error("InternalError(Some(\"reset\"))"),
            TransportError::MaybeSent("InternalError(Some(\"reset\"))".into())
        );
        assert!(matches!(transport_error("SomethingNew"), TransportError::MaybeSent(_)));
        assert!(matches!(transport_error(""), TransportError::MaybeSent(_)));
    }

    /// End to end over the client: a refused write is resent, a timed-out one is not.
    #[test]
    fn a_write_is_resent_only_when_it_never_left() {
        use crate::gorgias::client::{Client, RetryPolicy};
        use crate::gorgias::request::{ApiRequest, Method};
        use crate::gorgias::testing::{Scripted, conn};
        let write = ApiRequest::with_body(Method::Post, "/api/x", serde_json::json!({}));
        let mut t = Scripted::new(vec![
            Err(transport_error("ConnectionRefused")),
            Scripted::json(201, "{}"),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "add-internal-note").unwrap();
        assert!(c.send(&write).is_ok());
        assert_eq!(t.sent.len(), 2);
        let mut t = Scripted::new(vec![
            Err(transport_error("HttpResponseTimeout")),
            Scripted::json(201, "{}"),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "add-internal-note").unwrap();
        let e = c.send(&write).unwrap_err();
        assert!(!e.retryable(), "{e}");
        assert_eq!(t.sent.len(), 1);
    }
}
