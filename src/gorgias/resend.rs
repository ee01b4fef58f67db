//! The resend rule for a request that got no answer: whether the
//! `wasi:http` `error-code` proves the request never left.
//!
//! Pure, so it is unit-tested natively; the wasm edge maps the host's
//! `error-code` onto [`HttpErrorCode`] with one match and hands it in.
//! [`crate::gorgias::client::Client::send`] then resends a request that never
//! left whatever its method, and one that may have arrived only when it is
//! idempotent (a `GET`): a write is never sent twice by accident.

use crate::gorgias::transport::TransportError;

/// A header or trailer that was too large (`field-size-payload`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldSize {
    /// The field's name, when the host said.
    pub name: Option<String>,
    /// Its size in bytes, when the host said.
    pub size: Option<u32>,
}

/// The cases of `wasi:http/types@0.2.x` `error-code`, with the payloads a
/// person can use (the edge copies them over, nothing else).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpErrorCode {
    /// `dns-timeout`.
    DnsTimeout,
    /// `dns-error`: the DNS response code (`NXDOMAIN`, …) and the extended error code.
    DnsError {
        /// The response code, e.g. `NXDOMAIN`.
        rcode: Option<String>,
        /// The extended DNS error code (RFC 8914).
        info_code: Option<u16>,
    },
    /// `destination-not-found`.
    DestinationNotFound,
    /// `destination-unavailable`.
    DestinationUnavailable,
    /// `destination-IP-prohibited`.
    DestinationIpProhibited,
    /// `destination-IP-unroutable`.
    DestinationIpUnroutable,
    /// `connection-refused`.
    ConnectionRefused,
    /// `connection-terminated`.
    ConnectionTerminated,
    /// `connection-timeout`.
    ConnectionTimeout,
    /// `connection-read-timeout`.
    ConnectionReadTimeout,
    /// `connection-write-timeout`.
    ConnectionWriteTimeout,
    /// `connection-limit-reached`.
    ConnectionLimitReached,
    /// `TLS-protocol-error`.
    TlsProtocolError,
    /// `TLS-certificate-error`.
    TlsCertificateError,
    /// `TLS-alert-received`.
    TlsAlertReceived {
        /// The alert's number (RFC 8446 §6).
        alert_id: Option<u8>,
        /// The alert's text.
        alert_message: Option<String>,
    },
    /// `HTTP-request-denied`: the host refused to send it (Spin's
    /// `allowed_outbound_hosts`).
    HttpRequestDenied,
    /// `HTTP-request-length-required`.
    HttpRequestLengthRequired,
    /// `HTTP-request-body-size`.
    HttpRequestBodySize(Option<u64>),
    /// `HTTP-request-method-invalid`.
    HttpRequestMethodInvalid,
    /// `HTTP-request-URI-invalid`.
    HttpRequestUriInvalid,
    /// `HTTP-request-URI-too-long`.
    HttpRequestUriTooLong,
    /// `HTTP-request-header-section-size`.
    HttpRequestHeaderSectionSize(Option<u32>),
    /// `HTTP-request-header-size`.
    HttpRequestHeaderSize(Option<FieldSize>),
    /// `HTTP-request-trailer-section-size`.
    HttpRequestTrailerSectionSize(Option<u32>),
    /// `HTTP-request-trailer-size`.
    HttpRequestTrailerSize(FieldSize),
    /// `HTTP-response-incomplete`.
    HttpResponseIncomplete,
    /// `HTTP-response-header-section-size`.
    HttpResponseHeaderSectionSize(Option<u32>),
    /// `HTTP-response-header-size`.
    HttpResponseHeaderSize(FieldSize),
    /// `HTTP-response-body-size`.
    HttpResponseBodySize(Option<u64>),
    /// `HTTP-response-trailer-section-size`.
    HttpResponseTrailerSectionSize(Option<u32>),
    /// `HTTP-response-trailer-size`.
    HttpResponseTrailerSize(FieldSize),
    /// `HTTP-response-transfer-coding`.
    HttpResponseTransferCoding(Option<String>),
    /// `HTTP-response-content-coding`.
    HttpResponseContentCoding(Option<String>),
    /// `HTTP-response-timeout`.
    HttpResponseTimeout,
    /// `HTTP-upgrade-failed`.
    HttpUpgradeFailed,
    /// `HTTP-protocol-error`.
    HttpProtocolError,
    /// `loop-detected`.
    LoopDetected,
    /// `configuration-error`.
    ConfigurationError,
    /// `internal-error`, with the host's text.
    InternalError(Option<String>),
}

/// ` (what)` when there is something to say, else nothing.
fn paren(parts: &[Option<String>]) -> String {
    let said: Vec<&str> = parts.iter().flatten().map(String::as_str).collect();
    if said.is_empty() {
        String::new()
    } else {
        format!(" ({})", said.join(", "))
    }
}

fn bytes(n: Option<u64>) -> String {
    paren(&[n.map(|n| format!("{n} bytes"))])
}

fn field(f: &Option<FieldSize>) -> String {
    match f {
        Some(f) => paren(&[f.name.clone(), f.size.map(|n| format!("{n} bytes"))]),
        None => String::new(),
    }
}

impl HttpErrorCode {
    /// Whether this case means nothing reached the server: name resolution,
    /// connecting, TLS, or the host refusing to send at all. Every other case
    /// (timeouts after connecting, resets, protocol errors, internal errors)
    /// may have delivered it.
    pub fn never_sent(&self) -> bool {
        use HttpErrorCode as E;
        matches!(
            self,
            E::DnsTimeout
                | E::DnsError { .. }
                | E::DestinationNotFound
                | E::DestinationUnavailable
                | E::DestinationIpProhibited
                | E::DestinationIpUnroutable
                | E::ConnectionRefused
                | E::ConnectionTimeout
                | E::ConnectionLimitReached
                | E::TlsProtocolError
                | E::TlsCertificateError
                | E::TlsAlertReceived { .. }
                | E::HttpRequestDenied
                | E::HttpRequestUriInvalid
                | E::HttpRequestMethodInvalid
                | E::ConfigurationError
        )
    }

    /// What happened, for a person, about a request to `host` (`host[:port]`,
    /// never credentials: they travel in headers).
    pub fn message(&self, host: &str) -> String {
        use HttpErrorCode as E;
        match self {
            E::DnsTimeout => format!("the DNS lookup of {host} timed out"),
            E::DnsError { rcode, info_code } => format!(
                "the DNS lookup of {host} failed{}",
                paren(&[
                    rcode.as_ref().map(|r| format!("rcode {r}")),
                    info_code.map(|c| format!("extended error {c}")),
                ])
            ),
            E::DestinationNotFound => format!("{host} was not found"),
            E::DestinationUnavailable => format!("{host} is unavailable"),
            E::DestinationIpProhibited => format!("the host runtime prohibits connecting to the address of {host}"),
            E::DestinationIpUnroutable => format!("the address of {host} is unroutable"),
            E::ConnectionRefused => format!("the connection to {host} was refused"),
            E::ConnectionTerminated => format!("the connection to {host} was closed before the answer"),
            E::ConnectionTimeout => format!("connecting to {host} timed out"),
            E::ConnectionReadTimeout => format!("reading the answer from {host} timed out"),
            E::ConnectionWriteTimeout => format!("writing the request to {host} timed out"),
            E::ConnectionLimitReached => format!("the host runtime's limit of connections was reached ({host})"),
            E::TlsProtocolError => format!("the TLS handshake with {host} failed"),
            E::TlsCertificateError => format!("the TLS certificate of {host} was not accepted"),
            E::TlsAlertReceived {
                alert_id,
                alert_message,
            } => format!(
                "{host} ended the TLS handshake with an alert{}",
                paren(&[alert_id.map(|i| format!("alert {i}")), alert_message.clone()])
            ),
            E::HttpRequestDenied => {
                format!("the host runtime does not allow requests to {host} (with Spin: allowed_outbound_hosts)")
            }
            E::HttpRequestLengthRequired => format!("{host} requires a content-length"),
            E::HttpRequestBodySize(n) => format!("the request body was too large for {host}{}", bytes(*n)),
            E::HttpRequestMethodInvalid => "the host runtime refused the request method".to_string(),
            E::HttpRequestUriInvalid => format!("the host runtime refused the request URI for {host}"),
            E::HttpRequestUriTooLong => format!("the request URI was too long for {host}"),
            E::HttpRequestHeaderSectionSize(n) => format!(
                "the request headers were too large for {host}{}",
                bytes(n.map(u64::from))
            ),
            E::HttpRequestHeaderSize(f) => format!("a request header was too large for {host}{}", field(f)),
            E::HttpRequestTrailerSectionSize(n) => format!(
                "the request trailers were too large for {host}{}",
                bytes(n.map(u64::from))
            ),
            E::HttpRequestTrailerSize(f) => {
                format!("a request trailer was too large for {host}{}", field(&Some(f.clone())))
            }
            E::HttpResponseIncomplete => format!("the answer from {host} was incomplete"),
            E::HttpResponseHeaderSectionSize(n) => format!(
                "the answer's headers from {host} were too large{}",
                bytes(n.map(u64::from))
            ),
            E::HttpResponseHeaderSize(f) => format!(
                "a header of the answer from {host} was too large{}",
                field(&Some(f.clone()))
            ),
            E::HttpResponseBodySize(n) => format!("the answer's body from {host} was too large{}", bytes(*n)),
            E::HttpResponseTrailerSectionSize(n) => format!(
                "the answer's trailers from {host} were too large{}",
                bytes(n.map(u64::from))
            ),
            E::HttpResponseTrailerSize(f) => format!(
                "a trailer of the answer from {host} was too large{}",
                field(&Some(f.clone()))
            ),
            E::HttpResponseTransferCoding(c) => format!(
                "{host} answered with a transfer coding the host runtime cannot read{}",
                paren(std::slice::from_ref(c))
            ),
            E::HttpResponseContentCoding(c) => format!(
                "{host} answered with a content coding the host runtime cannot read{}",
                paren(std::slice::from_ref(c))
            ),
            E::HttpResponseTimeout => format!("{host} did not answer in time"),
            E::HttpUpgradeFailed => format!("the HTTP upgrade with {host} failed"),
            E::HttpProtocolError => format!("{host} broke the HTTP protocol"),
            E::LoopDetected => format!("the host runtime detected a request loop ({host})"),
            E::ConfigurationError => "the host runtime's HTTP configuration is invalid".to_string(),
            E::InternalError(m) => format!("the host runtime failed{}", paren(std::slice::from_ref(m))),
        }
    }
}

/// The transport error for `code` on a request to `host`: [`TransportError::NotSent`]
/// when the code proves it never left, else [`TransportError::MaybeSent`];
/// either with [`HttpErrorCode::message`].
pub fn transport_error(code: &HttpErrorCode, host: &str) -> TransportError {
    let message = code.message(host);
    if code.never_sent() {
        TransportError::NotSent(message)
    } else {
        TransportError::MaybeSent(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HttpErrorCode as E;

    fn size() -> FieldSize {
        FieldSize {
            name: Some("x-big".into()),
            size: Some(9000),
        }
    }

    /// Every case of `wasi:http/types@0.2.x` `error-code`, and whether it
    /// proves the request never left.
    fn cases() -> Vec<(HttpErrorCode, bool)> {
        vec![
            (E::DnsTimeout, true),
            (
                E::DnsError {
                    rcode: Some("NXDOMAIN".into()),
                    info_code: None,
                },
                true,
            ),
            (E::DestinationNotFound, true),
            (E::DestinationUnavailable, true),
            (E::DestinationIpProhibited, true),
            (E::DestinationIpUnroutable, true),
            (E::ConnectionRefused, true),
            (E::ConnectionTerminated, false),
            (E::ConnectionTimeout, true),
            (E::ConnectionReadTimeout, false),
            (E::ConnectionWriteTimeout, false),
            (E::ConnectionLimitReached, true),
            (E::TlsProtocolError, true),
            (E::TlsCertificateError, true),
            (
                E::TlsAlertReceived {
                    alert_id: Some(40),
                    alert_message: Some("handshake failure".into()),
                },
                true,
            ),
            (E::HttpRequestDenied, true),
            (E::HttpRequestLengthRequired, false),
            (E::HttpRequestBodySize(Some(10)), false),
            (E::HttpRequestMethodInvalid, true),
            (E::HttpRequestUriInvalid, true),
            (E::HttpRequestUriTooLong, false),
            (E::HttpRequestHeaderSectionSize(None), false),
            (E::HttpRequestHeaderSize(Some(size())), false),
            (E::HttpRequestTrailerSectionSize(Some(1)), false),
            (E::HttpRequestTrailerSize(size()), false),
            (E::HttpResponseIncomplete, false),
            (E::HttpResponseHeaderSectionSize(Some(2)), false),
            (E::HttpResponseHeaderSize(FieldSize::default()), false),
            (E::HttpResponseBodySize(None), false),
            (E::HttpResponseTrailerSectionSize(None), false),
            (E::HttpResponseTrailerSize(size()), false),
            (E::HttpResponseTransferCoding(Some("gzip".into())), false),
            (E::HttpResponseContentCoding(None), false),
            (E::HttpResponseTimeout, false),
            (E::HttpUpgradeFailed, false),
            (E::HttpProtocolError, false),
            (E::LoopDetected, false),
            (E::ConfigurationError, true),
            (E::InternalError(Some("reset".into())), false),
        ]
    }

    #[test]
    fn only_failures_before_the_request_left_count_as_never_sent() {
        let cases = cases();
        assert_eq!(cases.len(), 39, "every case of error-code");
        for (code, unsent) in cases {
            assert_eq!(code.never_sent(), unsent, "{code:?}");
            match transport_error(&code, "acme.gorgias.com") {
                TransportError::NotSent(m) => assert!(unsent, "{m}"),
                TransportError::MaybeSent(m) => assert!(!unsent, "{m}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn messages_are_sentences_with_the_payload_and_no_debug_dump() {
        for (code, _) in cases() {
            let m = code.message("acme.gorgias.com");
            for debug in ["Some(", "None", "Payload", "{", "::"] {
                assert!(!m.contains(debug), "{m}");
            }
            assert!(m.starts_with(|c: char| c.is_ascii_lowercase()), "{m}");
        }
        let dns = E::DnsError {
            rcode: Some("NXDOMAIN".into()),
            info_code: Some(3),
        };
        assert_eq!(
            dns.message("acme.gorgias.com"),
            "the DNS lookup of acme.gorgias.com failed (rcode NXDOMAIN, extended error 3)"
        );
        let bare = E::DnsError {
            rcode: None,
            info_code: None,
        };
        assert_eq!(
            bare.message("acme.gorgias.com"),
            "the DNS lookup of acme.gorgias.com failed"
        );
        assert_eq!(
            transport_error(&E::ConnectionRefused, "127.0.0.1:9"),
            TransportError::NotSent("the connection to 127.0.0.1:9 was refused".into())
        );
        assert_eq!(
            transport_error(&E::InternalError(Some("reset".into())), "acme.gorgias.com"),
            TransportError::MaybeSent("the host runtime failed (reset)".into())
        );
        assert_eq!(
            E::HttpRequestHeaderSize(Some(size())).message("h"),
            "a request header was too large for h (x-big, 9000 bytes)"
        );
    }

    /// End to end over the client: a refused write is resent, a timed-out one is not.
    #[test]
    fn a_write_is_resent_only_when_it_never_left() {
        use crate::gorgias::client::{Client, RetryPolicy};
        use crate::gorgias::request::{ApiRequest, Method};
        use crate::gorgias::testing::{Scripted, conn};
        let write = ApiRequest::with_body(Method::Post, "/api/x", serde_json::json!({}));
        let mut t = Scripted::new(vec![
            Err(transport_error(&E::ConnectionRefused, "acme.gorgias.com")),
            Scripted::json(201, "{}"),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "add-internal-note").unwrap();
        assert!(c.send(&write).is_ok());
        assert_eq!(t.sent.len(), 2);
        let mut t = Scripted::new(vec![
            Err(transport_error(&E::HttpResponseTimeout, "acme.gorgias.com")),
            Scripted::json(201, "{}"),
        ]);
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), "add-internal-note").unwrap();
        let e = c.send(&write).unwrap_err();
        assert!(!e.retryable(), "{e}");
        assert!(e.to_string().contains("acme.gorgias.com did not answer in time"), "{e}");
        assert_eq!(t.sent.len(), 1);
    }
}
