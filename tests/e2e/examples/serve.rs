//! Serves the connector component on localhost with an in-process wasmtime
//! host (wasi + wasi-http + wasi:config), a fresh instance per request, as
//! Spin and `wasmtime serve` do.
//!
//! ```text
//! cargo run --example serve -- --sandbox            # with the local fake Gorgias
//! GORGIAS_ACCOUNT=acme GORGIAS_EMAIL=me@acme.com GORGIAS_API_KEY=… cargo run --example serve
//! ```
//! Options: `--port N` (default 8080), `--sandbox` (start the fake Gorgias with
//! sample data on 127.0.0.1:8081 and point the connector at it).
//! Configuration comes from the environment: `GORGIAS_ACCOUNT`, `GORGIAS_EMAIL`,
//! `GORGIAS_API_KEY`, `GORGIAS_BASE_URL`, `CONNECTOR_TOKEN`, `RETRY_MAX_ATTEMPTS`,
//! `RETRY_MAX_WAIT_SECONDS`, `READ_ONLY`, `UPSTREAM_*_TIMEOUT_SECONDS` (every key of
//! `config::keys::ALL`), handed to the component through `wasi:config`.

#[path = "../tests/support/mod.rs"]
mod support;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use support::fake_gorgias::{self, FakeGorgias};
use support::host::Host;

use gorgias_connector::config::keys::ALL as KEYS;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sandbox = args.iter().any(|a| a == "--sandbox");
    let port: u16 = args
        .iter()
        .position(|a| a == "--port")
        .and_then(|i| args.get(i + 1))
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    let mut config: HashMap<String, String> = KEYS
        .iter()
        .filter_map(|k| std::env::var(k.to_ascii_uppercase()).ok().map(|v| (k.to_string(), v)))
        .collect();
    if sandbox {
        let fake = FakeGorgias::start_on(8081).await;
        config.insert("gorgias_account".into(), fake_gorgias::ACCOUNT.into());
        config.insert("gorgias_email".into(), fake_gorgias::EMAIL.into());
        config.insert("gorgias_api_key".into(), fake_gorgias::API_KEY.into());
        config.insert("gorgias_base_url".into(), fake.base_url());
        eprintln!("sandbox: fake Gorgias with sample data on {}", fake.base_url());
    }
    eprintln!("compiling the component…");
    let host = Host::shared();
    let config = Arc::new(config);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
    eprintln!("gorgias-connector listening on http://127.0.0.1:{port} (GET / lists the operations)");
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let config = config.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let config = config.clone();
                async move {
                    let (parts, body) = req.into_parts();
                    // The component enforces its own 1 MiB limit; this only bounds host memory.
                    let body = Limited::new(body, 4 << 20)
                        .collect()
                        .await
                        .map(|b| b.to_bytes())
                        .unwrap_or_default();
                    let (r, logs) = host
                        .http(&config, hyper::Request::from_parts(parts, Full::new(body)))
                        .await;
                    if !logs.stderr.is_empty() {
                        eprint!("{}", logs.stderr);
                    }
                    let mut resp = hyper::Response::builder().status(r.status);
                    for (k, v) in r.headers {
                        resp = resp.header(k, v);
                    }
                    Ok::<_, Infallible>(resp.body(Full::new(Bytes::from(r.body))).expect("response"))
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                .await;
        });
    }
}
