//! The `wasmtime-serve` build links in a host shaped like `wasmtime serve -Scli -Sconfig`:
//! wasi + wasi-http + `wasmtime-wasi-config` (`wasi:config/store@0.2.0-rc.1`), and
//! reads its configuration from there.
mod support;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use support::config_for;
use support::fake_gorgias::FakeGorgias;
use support::host::{HostState, build_variant};
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi_config::WasiConfig;
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::p2::bindings::ProxyPre;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wasmtime_serve_variant_links_and_reads_wasi_config_rc1() {
    let wasm = tokio::task::spawn_blocking(|| build_variant(&["wasmtime-serve"], "component-wasmtime-serve"))
        .await
        .unwrap();
    let fake = FakeGorgias::start().await;
    let engine = Engine::new(&Config::new()).unwrap();
    let component = Component::from_file(&engine, &wasm).unwrap();
    let mut linker = Linker::<HostState>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).unwrap();
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker).unwrap();
    wasmtime_wasi_config::add_to_linker(&mut linker, |s: &mut HostState| WasiConfig::from(&s.rc1_config)).unwrap();
    let pre = ProxyPre::new(
        linker
            .instantiate_pre(&component)
            .expect("links with wasi, wasi-http and wasi:config@0.2.0-rc.1 only"),
    )
    .unwrap();

    let state = HostState::new(
        &config_for(&fake),
        MemoryOutputPipe::new(1 << 16),
        MemoryOutputPipe::new(1 << 16),
    );
    let mut store = Store::new(&engine, state);
    let req = hyper::Request::builder()
        .method("POST")
        .uri("http://localhost/get-ticket")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(br#"{"ticketId": 12345}"#)))
        .unwrap();
    let req = store
        .data_mut()
        .http()
        .new_incoming_request(wasmtime_wasi_http::p2::bindings::http::types::Scheme::Http, req)
        .unwrap();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let out = store.data_mut().http().new_response_outparam(sender).unwrap();
    let task = tokio::spawn(async move {
        let instance = pre.instantiate_async(&mut store).await?;
        instance
            .wasi_http_incoming_handler()
            .call_handle(&mut store, req, out)
            .await
    });
    let resp = receiver.await.unwrap().unwrap();
    assert_eq!(resp.status(), 200);
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    task.await.unwrap().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["ticket"]["id"], 12345);
    assert_eq!(v["ticket"]["customer_id"], 98765);
    assert_eq!(fake.lines(), vec!["GET /api/tickets/12345"]);
}
