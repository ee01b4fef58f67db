//! The incoming handler (`wasi:http/incoming-handler`): the request's
//! method, path, headers and body into [`HttpRequest`], the router's answer
//! back out; and the operator's configuration from `wasi:config` or the
//! environment ([`load_config`]), which the typed exports read too.

use super::Component;
use super::transport::WasiTransport;
use crate::config::Config;
use crate::error::Error;
use crate::serve::http::{HttpRequest, HttpResponse, MAX_BODY_BYTES};
use crate::serve::router;
use wasi::http::types::{
    Fields, IncomingRequest, Method as WasiMethod, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

#[cfg(not(feature = "wasmtime-serve"))]
use super::bindings::wasi::config0_2_0_draft_2024_09_27::store as config_store;
#[cfg(feature = "wasmtime-serve")]
use super::bindings::wasi::config0_2_0_rc_1::store as config_store;

/// The operator's configuration: every key from one `wasi:config` `get-all`,
/// else from the environment in upper case ([`Config::load_layered`]).
///
/// One host call instead of one `get` per key (eleven): under Spin that is
/// ~27 us instead of ~42 us per request (BENCHMARKS.md, "Real runtimes").
/// The environment is one `wasi:cli/environment` call, made only when a key
/// is missing from `wasi:config`; not `std::env`, whose first use builds
/// wasi-libc's C `environ` in every fresh instance (allocations and a write
/// to one more page of statics: ~4 % of a `get-ticket`'s CPU under
/// `wasmtime serve`, BENCHMARKS.md, issue 20).
pub fn load_config() -> Result<Config, Error> {
    let all = config_store::get_all().unwrap_or_default();
    Config::load_layered(&all, wasi::cli::environment::get_environment)
}

fn method_name(m: &WasiMethod) -> String {
    match m {
        WasiMethod::Get => "GET".into(),
        WasiMethod::Head => "HEAD".into(),
        WasiMethod::Post => "POST".into(),
        WasiMethod::Put => "PUT".into(),
        WasiMethod::Delete => "DELETE".into(),
        WasiMethod::Connect => "CONNECT".into(),
        WasiMethod::Options => "OPTIONS".into(),
        WasiMethod::Trace => "TRACE".into(),
        WasiMethod::Patch => "PATCH".into(),
        WasiMethod::Other(s) => s.to_ascii_uppercase(),
    }
}

/// Reads at most `MAX_BODY_BYTES` (+1 to detect overflow).
fn read_request_body(req: &IncomingRequest) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let Ok(body) = req.consume() else {
        return (out, false);
    };
    if let Ok(stream) = body.stream() {
        while let Ok(chunk) = stream.blocking_read(64 * 1024) {
            out.extend_from_slice(&chunk);
            if out.len() > MAX_BODY_BYTES {
                return (Vec::new(), true);
            }
        }
    }
    (out, false)
}

fn write_response(out: ResponseOutparam, resp: HttpResponse) {
    let mut headers: Vec<(String, Vec<u8>)> = resp.headers.into_iter().map(|(k, v)| (k, v.into_bytes())).collect();
    headers.push(("content-length".into(), resp.body.len().to_string().into_bytes()));
    let fields = Fields::from_list(&headers).unwrap_or_else(|_| Fields::new());
    let response = OutgoingResponse::new(fields);
    let _ = response.set_status_code(resp.status);
    let Ok(body) = response.body() else { return };
    let Ok(stream) = body.write() else {
        ResponseOutparam::set(out, Ok(response));
        let _ = OutgoingBody::finish(body, None);
        return;
    };
    // The whole answer is written and finished *before* the response is handed
    // to the host, so the host holds headers and body together and sends them in
    // one segment. Set first, the host flushes the headers alone and the body
    // follows in a second small segment, which Nagle's algorithm holds back until
    // the client's delayed ACK: ~40 ms per answer on a kept-alive connection
    // under Spin (BENCHMARKS.md, "Real runtimes"). Only a body larger than what
    // the host accepts in one write (wasmtime-wasi-http: 1 MiB) is streamed
    // after `set`, as it cannot be buffered before anyone reads it.
    let fits = matches!(stream.check_write(), Ok(n) if n >= resp.body.len() as u64);
    if fits {
        let written = resp.body.is_empty() || stream.write(&resp.body).is_ok();
        drop(stream);
        if written {
            let _ = OutgoingBody::finish(body, None);
        }
        ResponseOutparam::set(out, Ok(response));
        return;
    }
    ResponseOutparam::set(out, Ok(response));
    for chunk in resp.body.chunks(4096) {
        if stream.blocking_write_and_flush(chunk).is_err() {
            return;
        }
    }
    drop(stream);
    let _ = OutgoingBody::finish(body, None);
}

impl wasi::exports::http::incoming_handler::Guest for Component {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let mut headers: Vec<(String, String)> = request
            .headers()
            .entries()
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
            .collect();
        // Hosts move `Host` into the authority; the MCP Origin check needs it.
        if let Some(authority) = request.authority()
            && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host"))
        {
            headers.push(("host".into(), authority));
        }
        let (body, body_too_large) = read_request_body(&request);
        let req = HttpRequest {
            method: method_name(&request.method()),
            path: request.path_with_query().unwrap_or_else(|| "/".into()),
            headers,
            body,
            body_too_large,
        };
        let config = load_config();
        let resp = router::handle(
            &req,
            &config,
            &mut WasiTransport::new(config.as_ref().map(|c| c.timeouts).unwrap_or_default()),
        );
        write_response(out, resp);
    }
}
