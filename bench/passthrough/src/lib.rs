#![allow(unsafe_code, reason = "the wasi crate's export macro emits the component ABI glue")]
//! Benchmark baseline: a minimal `wasi:http` component that forwards one
//! request. Every incoming request becomes `GET {UPSTREAM}{path}` (UPSTREAM
//! from the environment, e.g. `http://127.0.0.1:PORT`) carrying the incoming
//! headers (hop-by-hop ones dropped); the upstream status and body are copied back. The same I/O as the connector (read the request
//! body, one outgoing request, read the whole answer, write it in 4096-byte
//! chunks) without any parsing or mapping.

use wasi::http::types::{
    Fields, IncomingRequest, Method, OutgoingBody, OutgoingRequest, OutgoingResponse, ResponseOutparam, Scheme,
};

struct Passthrough;

const HOP_BY_HOP: [&str; 7] = [
    "host",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "content-type",
];

wasi::http::proxy::export!(Passthrough);

fn fail(out: ResponseOutparam, status: u16) {
    let response = OutgoingResponse::new(Fields::new());
    let _ = response.set_status_code(status);
    let body = response.body();
    ResponseOutparam::set(out, Ok(response));
    if let Ok(body) = body {
        let _ = OutgoingBody::finish(body, None);
    }
}

fn read_all(stream: &wasi::io::streams::InputStream) -> Vec<u8> {
    let mut out = Vec::new();
    while let Ok(chunk) = stream.blocking_read(64 * 1024) {
        out.extend_from_slice(&chunk);
    }
    out
}

impl wasi::exports::http::incoming_handler::Guest for Passthrough {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        // Read (and drop) the incoming body, as the connector does.
        if let Ok(body) = request.consume()
            && let Ok(stream) = body.stream()
        {
            let _ = read_all(&stream);
        }
        let path = request.path_with_query().unwrap_or_else(|| "/".into());
        let upstream = std::env::var("UPSTREAM").unwrap_or_default();
        let (scheme, authority) = match upstream.split_once("://") {
            Some(("https", a)) => (Scheme::Https, a.to_string()),
            Some((_, a)) => (Scheme::Http, a.to_string()),
            None => (Scheme::Http, upstream),
        };
        let forwarded: Vec<(String, Vec<u8>)> = request
            .headers()
            .entries()
            .into_iter()
            .filter(|(k, _)| !HOP_BY_HOP.contains(&k.to_ascii_lowercase().as_str()))
            .collect();
        let Ok(headers) = Fields::from_list(&forwarded) else {
            return fail(out, 400);
        };
        let req = OutgoingRequest::new(headers);
        let _ = req.set_method(&Method::Get);
        let _ = req.set_scheme(Some(&scheme));
        let _ = req.set_authority(Some(&authority));
        let _ = req.set_path_with_query(Some(&path));
        let Ok(req_body) = req.body() else {
            return fail(out, 500);
        };
        let Ok(future) = wasi::http::outgoing_handler::handle(req, None) else {
            return fail(out, 502);
        };
        let _ = OutgoingBody::finish(req_body, None);
        future.subscribe().block();
        let Some(Ok(Ok(resp))) = future.get() else {
            return fail(out, 502);
        };
        let status = resp.status();
        let Ok(body) = resp.consume() else {
            return fail(out, 502);
        };
        let bytes = match body.stream() {
            Ok(stream) => read_all(&stream),
            Err(()) => Vec::new(),
        };
        let headers = Fields::from_list(&[("content-length".to_string(), bytes.len().to_string().into_bytes())])
            .unwrap_or_else(|_| Fields::new());
        let response = OutgoingResponse::new(headers);
        let _ = response.set_status_code(status);
        let Ok(out_body) = response.body() else { return };
        ResponseOutparam::set(out, Ok(response));
        if let Ok(stream) = out_body.write() {
            for chunk in bytes.chunks(4096) {
                if stream.blocking_write_and_flush(chunk).is_err() {
                    return;
                }
            }
        }
        let _ = OutgoingBody::finish(out_body, None);
    }
}
