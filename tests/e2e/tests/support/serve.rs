//! The component served over real HTTP/1.1 on an ephemeral 127.0.0.1 port,
//! one fresh instance per request (as Spin and `wasmtime serve` do), for
//! clients that must talk to a socket (MCP SDKs, Inspector, schemathesis).

use crate::support::host::Host;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

/// What a test may look at before each request is served: its head and body.
pub type Observe = Arc<dyn Fn(&hyper::http::request::Parts, &Bytes) + Send + Sync>;

/// Serves the component with `config`; `observe` sees every request first.
/// Returns the origin (`http://127.0.0.1:PORT`) and the server task. A guest
/// panic fails the test.
pub async fn serve(config: HashMap<String, String>, observe: Option<Observe>) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("local addr"));
    let config = Arc::new(config);
    let host = Host::shared();
    let server = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let (config, observe) = (config.clone(), observe.clone());
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let (config, observe) = (config.clone(), observe.clone());
                    async move {
                        let (parts, body) = req.into_parts();
                        // The component enforces its own 1 MiB limit; this only bounds host memory.
                        let body = Limited::new(body, 4 << 20)
                            .collect()
                            .await
                            .map(|b| b.to_bytes())
                            .unwrap_or_default();
                        if let Some(observe) = &observe {
                            observe(&parts, &body);
                        }
                        let (r, logs) = host
                            .http(&config, hyper::Request::from_parts(parts, Full::new(body)))
                            .await;
                        assert!(!logs.stderr.contains("panicked"), "guest panicked: {}", logs.stderr);
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
    });
    (origin, server)
}
