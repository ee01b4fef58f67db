//! [`WasiTransport`]: the [`Transport`] port over the host's
//! `wasi:http/outgoing-handler` and `wasi:clocks`. A failure the host names
//! with an `error-code` crosses into the core as [`HttpErrorCode`] (one
//! match, [`error_code`]); the core decides what it means.

use crate::gorgias::endpoint::Scheme;
use crate::gorgias::request::Method;
use crate::gorgias::resend::{self, FieldSize, HttpErrorCode};
use crate::gorgias::transport::{MAX_RESPONSE_BYTES, Outgoing, Response, Timeouts, Transport, TransportError};
use wasi::http::types::{
    ErrorCode, FieldSizePayload, Fields, FutureIncomingResponse, HeaderError, IncomingBody, IncomingResponse,
    Method as WasiMethod, OutgoingBody, OutgoingRequest, RequestOptions, Scheme as WasiScheme,
};
use wasi::io::poll::Pollable;
use wasi::io::streams::{InputStream, StreamError};

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

    /// Starts `req`: the request handed to the host, its body written. The
    /// body is written while the host connects: when the connection is
    /// refused the body stream closes first, and only the response future
    /// says why. So a failed write is kept, and the future's answer decides
    /// whether anything may have been sent.
    fn start(&self, req: &Outgoing) -> Result<Stage, TransportError> {
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
        Ok(Stage::Waiting { future, write_failed })
    }

    /// Moves a started request on once its pollable is ready: `Ok(None)`
    /// while it is not done, `Ok(Some(response))` or the error once it is.
    fn advance(stage: &mut Option<Stage>, authority: &str) -> Result<Option<Response>, TransportError> {
        match stage.take() {
            None => Err(TransportError::MaybeSent("response future failed".into())),
            Some(Stage::Waiting { future, write_failed }) => {
                let response = match future.get() {
                    None => {
                        *stage = Some(Stage::Waiting { future, write_failed });
                        return Ok(None);
                    }
                    Some(Ok(Ok(r))) => match write_failed {
                        Some(m) => return Err(TransportError::MaybeSent(m)),
                        None => r,
                    },
                    Some(Ok(Err(code))) => return Err(resend::transport_error(&error_code(code), authority)),
                    Some(Err(())) => return Err(TransportError::MaybeSent("response future failed".into())),
                };
                drop(future);
                let status = response.status();
                let headers = response
                    .headers()
                    .entries()
                    .into_iter()
                    .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
                    .collect();
                let unavailable = || TransportError::Body {
                    status,
                    message: "response body unavailable".into(),
                };
                let body = response.consume().map_err(|()| unavailable())?;
                let stream = body.stream().map_err(|()| unavailable())?;
                *stage = Some(Stage::Reading(Reading {
                    stream,
                    body,
                    response,
                    status,
                    headers,
                    out: Vec::new(),
                }));
                Self::advance(stage, authority)
            }
            Some(Stage::Reading(mut r)) => loop {
                match r.stream.read(64 * 1024) {
                    Ok(chunk) if chunk.is_empty() => {
                        *stage = Some(Stage::Reading(r));
                        return Ok(None);
                    }
                    Ok(chunk) => {
                        if r.out.len() + chunk.len() > MAX_RESPONSE_BYTES {
                            return Err(TransportError::TooLarge { status: r.status });
                        }
                        r.out.extend_from_slice(&chunk);
                    }
                    Err(StreamError::Closed) => {
                        let Reading {
                            stream,
                            body,
                            response,
                            status,
                            headers,
                            out,
                        } = r;
                        drop(stream);
                        let _trailers = IncomingBody::finish(body);
                        drop(response);
                        return Ok(Some(Response {
                            status,
                            headers,
                            body: out,
                        }));
                    }
                    Err(StreamError::LastOperationFailed(e)) => {
                        return Err(TransportError::Body {
                            status: r.status,
                            message: format!("response body broke off: {}", e.to_debug_string()),
                        });
                    }
                }
            },
        }
    }
}

/// A started request: waiting for its response, or reading its body.
enum Stage {
    /// The response future, and why writing the body failed (if it did).
    Waiting {
        future: FutureIncomingResponse,
        write_failed: Option<String>,
    },
    /// Reading the body.
    Reading(Reading),
}

/// A response whose body is being read. (Fields drop in this order: the
/// stream before its body, the body before its response.)
struct Reading {
    stream: InputStream,
    body: IncomingBody,
    response: IncomingResponse,
    status: u16,
    headers: Vec<(String, String)>,
    out: Vec<u8>,
}

impl Stage {
    /// What to wait on.
    fn pollable(&self) -> Pollable {
        match self {
            Stage::Waiting { future, .. } => future.subscribe(),
            Stage::Reading(r) => r.stream.subscribe(),
        }
    }
}

impl Transport for WasiTransport {
    fn send(&mut self, req: &Outgoing) -> Result<Response, TransportError> {
        self.send_all(std::slice::from_ref(req), 1)
            .pop()
            .unwrap_or_else(|| Err(TransportError::MaybeSent("response future failed".into())))
    }

    /// Starts up to `max_in_flight` requests, then waits on all of their
    /// pollables at once (`wasi:io/poll.poll`), moving each on as it is
    /// ready and starting the next as one ends. The host applies each
    /// request's timeouts (connect, first byte, between bytes).
    fn send_all(&mut self, requests: &[Outgoing], max_in_flight: usize) -> Vec<Result<Response, TransportError>> {
        let mut results: Vec<Option<Result<Response, TransportError>>> = requests.iter().map(|_| None).collect();
        let mut active: Vec<(usize, Option<Stage>)> = Vec::new();
        let mut next = 0;
        loop {
            while active.len() < max_in_flight.max(1) && next < requests.len() {
                match self.start(&requests[next]) {
                    Ok(stage) => active.push((next, Some(stage))),
                    Err(e) => results[next] = Some(Err(e)),
                }
                next += 1;
            }
            if active.is_empty() {
                break;
            }
            let ready: Vec<u32> = {
                let pollables: Vec<Pollable> = active
                    .iter()
                    .filter_map(|(_, s)| s.as_ref().map(Stage::pollable))
                    .collect();
                let refs: Vec<&Pollable> = pollables.iter().collect();
                wasi::io::poll::poll(&refs)
            };
            let mut done = Vec::new();
            for i in ready {
                let Some((index, stage)) = active.get_mut(i as usize) else {
                    continue;
                };
                match Self::advance(stage, &requests[*index].authority) {
                    Ok(None) => {}
                    Ok(Some(r)) => {
                        results[*index] = Some(Ok(r));
                        done.push(i as usize);
                    }
                    Err(e) => {
                        results[*index] = Some(Err(e));
                        done.push(i as usize);
                    }
                }
            }
            done.sort_unstable();
            for i in done.into_iter().rev() {
                active.remove(i);
            }
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(TransportError::MaybeSent("response future failed".into()))))
            .collect()
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
