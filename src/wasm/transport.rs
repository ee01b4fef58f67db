//! [`WasiTransport`]: the [`Transport`] port over the host's
//! `wasi:http/outgoing-handler` and `wasi:clocks`. A failure the host names
//! with an `error-code` crosses into the core as [`HttpErrorCode`] (one
//! match, [`error_code`]); the core decides what it means.

use crate::gorgias::endpoint::Scheme;
use crate::gorgias::request::Method;
use crate::gorgias::resend::{self, FieldSize, HttpErrorCode};
use crate::gorgias::transport::{MAX_RESPONSE_BYTES, Outgoing, Response, Timeouts, Transport, TransportError};
use wasi::http::types::{
    ErrorCode, FieldSizePayload, Fields, HeaderError, IncomingBody, Method as WasiMethod, OutgoingBody,
    OutgoingRequest, RequestOptions, Scheme as WasiScheme,
};
use wasi::io::streams::StreamError;

/// Sends requests with the host's `wasi:http/outgoing-handler`, with the
/// operator's timeouts on every request.
pub struct WasiTransport {
    timeouts: Timeouts,
}

impl WasiTransport {
    /// A transport applying `timeouts` to every request.
    pub fn new(timeouts: Timeouts) -> Self {
        WasiTransport { timeouts }
    }
}

fn ms_to_ns(ms: u64) -> u64 {
    ms.saturating_mul(1_000_000)
}

fn field_size(p: FieldSizePayload) -> FieldSize {
    FieldSize {
        name: p.field_name,
        size: p.field_size,
    }
}

/// The host's `error-code` as the core's [`HttpErrorCode`], case by case
/// with its payload.
fn error_code(code: ErrorCode) -> HttpErrorCode {
    use ErrorCode as W;
    use HttpErrorCode as E;
    match code {
        W::DnsTimeout => E::DnsTimeout,
        W::DnsError(p) => E::DnsError {
            rcode: p.rcode,
            info_code: p.info_code,
        },
        W::DestinationNotFound => E::DestinationNotFound,
        W::DestinationUnavailable => E::DestinationUnavailable,
        W::DestinationIpProhibited => E::DestinationIpProhibited,
        W::DestinationIpUnroutable => E::DestinationIpUnroutable,
        W::ConnectionRefused => E::ConnectionRefused,
        W::ConnectionTerminated => E::ConnectionTerminated,
        W::ConnectionTimeout => E::ConnectionTimeout,
        W::ConnectionReadTimeout => E::ConnectionReadTimeout,
        W::ConnectionWriteTimeout => E::ConnectionWriteTimeout,
        W::ConnectionLimitReached => E::ConnectionLimitReached,
        W::TlsProtocolError => E::TlsProtocolError,
        W::TlsCertificateError => E::TlsCertificateError,
        W::TlsAlertReceived(p) => E::TlsAlertReceived {
            alert_id: p.alert_id,
            alert_message: p.alert_message,
        },
        W::HttpRequestDenied => E::HttpRequestDenied,
        W::HttpRequestLengthRequired => E::HttpRequestLengthRequired,
        W::HttpRequestBodySize(n) => E::HttpRequestBodySize(n),
        W::HttpRequestMethodInvalid => E::HttpRequestMethodInvalid,
        W::HttpRequestUriInvalid => E::HttpRequestUriInvalid,
        W::HttpRequestUriTooLong => E::HttpRequestUriTooLong,
        W::HttpRequestHeaderSectionSize(n) => E::HttpRequestHeaderSectionSize(n),
        W::HttpRequestHeaderSize(p) => E::HttpRequestHeaderSize(p.map(field_size)),
        W::HttpRequestTrailerSectionSize(n) => E::HttpRequestTrailerSectionSize(n),
        W::HttpRequestTrailerSize(p) => E::HttpRequestTrailerSize(field_size(p)),
        W::HttpResponseIncomplete => E::HttpResponseIncomplete,
        W::HttpResponseHeaderSectionSize(n) => E::HttpResponseHeaderSectionSize(n),
        W::HttpResponseHeaderSize(p) => E::HttpResponseHeaderSize(field_size(p)),
        W::HttpResponseBodySize(n) => E::HttpResponseBodySize(n),
        W::HttpResponseTrailerSectionSize(n) => E::HttpResponseTrailerSectionSize(n),
        W::HttpResponseTrailerSize(p) => E::HttpResponseTrailerSize(field_size(p)),
        W::HttpResponseTransferCoding(s) => E::HttpResponseTransferCoding(s),
        W::HttpResponseContentCoding(s) => E::HttpResponseContentCoding(s),
        W::HttpResponseTimeout => E::HttpResponseTimeout,
        W::HttpUpgradeFailed => E::HttpUpgradeFailed,
        W::HttpProtocolError => E::HttpProtocolError,
        W::LoopDetected => E::LoopDetected,
        W::ConfigurationError => E::ConfigurationError,
        W::InternalError(s) => E::InternalError(s),
    }
}

/// The name of a header error (no `Debug`: the derived one costs several KB
/// of the component).
fn header_error(e: &HeaderError) -> &'static str {
    match e {
        HeaderError::InvalidSyntax => "InvalidSyntax",
        HeaderError::Forbidden => "Forbidden",
        HeaderError::Immutable => "Immutable",
    }
}

/// What a stream error says (no `Debug`: see [`header_error`]).
fn stream_error(e: &StreamError) -> String {
    match e {
        StreamError::Closed => "Closed".to_string(),
        StreamError::LastOperationFailed(e) => format!("LastOperationFailed({})", e.to_debug_string()),
    }
}

impl WasiTransport {
    fn build(req: &Outgoing) -> Result<OutgoingRequest, TransportError> {
        let entries: Vec<(String, Vec<u8>)> = req
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.as_bytes().to_vec()))
            .collect();
        let headers = Fields::from_list(&entries)
            .map_err(|e| TransportError::NotSent(format!("invalid header: {}", header_error(&e))))?;
        let r = OutgoingRequest::new(headers);
        let method = match req.method {
            Method::Get => WasiMethod::Get,
            Method::Post => WasiMethod::Post,
            Method::Put => WasiMethod::Put,
            Method::Delete => WasiMethod::Delete,
        };
        let scheme = match req.scheme {
            Scheme::Http => WasiScheme::Http,
            Scheme::Https => WasiScheme::Https,
        };
        let bad = |what: &str| TransportError::NotSent(format!("invalid {what}"));
        r.set_method(&method).map_err(|()| bad("method"))?;
        r.set_scheme(Some(&scheme)).map_err(|()| bad("scheme"))?;
        r.set_authority(Some(&req.authority)).map_err(|()| bad("host"))?;
        r.set_path_with_query(Some(&req.path_and_query))
            .map_err(|()| bad("path"))?;
        Ok(r)
    }

    fn read_body(status: u16, body: IncomingBody) -> Result<Vec<u8>, TransportError> {
        let stream = body.stream().map_err(|()| TransportError::Body {
            status,
            message: "response body unavailable".into(),
        })?;
        let mut out = Vec::new();
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => {
                    if out.len() + chunk.len() > MAX_RESPONSE_BYTES {
                        return Err(TransportError::TooLarge { status });
                    }
                    out.extend_from_slice(&chunk);
                }
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(e)) => {
                    return Err(TransportError::Body {
                        status,
                        message: format!("response body broke off: {}", e.to_debug_string()),
                    });
                }
            }
        }
        drop(stream);
        let _trailers = IncomingBody::finish(body);
        Ok(out)
    }
}

impl Transport for WasiTransport {
    fn send(&mut self, req: &Outgoing) -> Result<Response, TransportError> {
        let request = Self::build(req)?;
        let body = request
            .body()
            .map_err(|()| TransportError::NotSent("request body unavailable".into()))?;
        let options = RequestOptions::new();
        // Hosts that do not support a timeout refuse to set it; that is fine.
        // (wasmtime-wasi-http's default sender applies all three.)
        let t = self.timeouts;
        let _ = options.set_connect_timeout(Some(ms_to_ns(t.connect_ms)));
        let _ = options.set_first_byte_timeout(Some(ms_to_ns(t.first_byte_ms)));
        let _ = options.set_between_bytes_timeout(Some(ms_to_ns(t.between_bytes_ms)));
        let failed = |code: ErrorCode| resend::transport_error(&error_code(code), &req.authority);
        let future = wasi::http::outgoing_handler::handle(request, Some(options)).map_err(failed)?;
        // The body is written while the host connects: when the connection is
        // refused the body stream closes first, and only the response future
        // says why. So a failed write waits for the future's error code before
        // deciding whether anything may have been sent.
        let mut write_failed = None;
        if let Some(bytes) = &req.body {
            let stream = body
                .write()
                .map_err(|()| TransportError::NotSent("request body stream unavailable".into()))?;
            for chunk in bytes.chunks(4096) {
                if let Err(e) = stream.blocking_write_and_flush(chunk) {
                    write_failed = Some(format!("writing the request body failed: {}", stream_error(&e)));
                    break;
                }
            }
            drop(stream);
        }
        match write_failed {
            None => OutgoingBody::finish(body, None).map_err(failed)?,
            Some(_) => drop(body),
        }
        future.subscribe().block();
        let response = match future.get() {
            Some(Ok(Ok(r))) => match write_failed {
                Some(m) => return Err(TransportError::MaybeSent(m)),
                None => r,
            },
            Some(Ok(Err(code))) => return Err(failed(code)),
            Some(Err(())) | None => {
                return Err(TransportError::MaybeSent("response future failed".into()));
            }
        };
        let status = response.status();
        let headers = response
            .headers()
            .entries()
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
            .collect();
        let body = response.consume().map_err(|()| TransportError::Body {
            status,
            message: "response body unavailable".into(),
        })?;
        let body = Self::read_body(status, body)?;
        Ok(Response { status, headers, body })
    }

    fn sleep_ms(&mut self, ms: u64) {
        wasi::clocks::monotonic_clock::subscribe_duration(ms_to_ns(ms)).block();
    }

    fn now_unix_seconds(&mut self) -> Option<u64> {
        Some(wasi::clocks::wall_clock::now().seconds)
    }

    fn random_bytes(&mut self, buf: &mut [u8]) {
        let bytes = wasi::random::random::get_random_bytes(buf.len() as u64);
        for (b, r) in buf.iter_mut().zip(bytes) {
            *b = r;
        }
    }
}
