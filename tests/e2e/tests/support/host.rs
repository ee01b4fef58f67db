//! An in-process wasmtime host for the connector component, as Spin or
//! `wasmtime serve` would run it: wasi + wasi-http, a `wasi:config` store,
//! a fresh instance per call from one `InstancePre`.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable, Type, Val};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

wasmtime::component::bindgen!({
    path: "../../wit",
    world: "connector",
    exports: { default: async },
});

#[allow(unused_imports)]
pub use exports::gorgias::connector::types as wit;

/// Per-instance state.
pub struct HostState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    config: HashMap<String, String>,
    /// The same configuration as `wasmtime-wasi-config` serves it (`wasi:config@0.2.0-rc.1`).
    pub rc1_config: wasmtime_wasi_config::WasiConfigVariables,
}

impl HostState {
    /// Fresh per-instance state with `config` and the given guest output pipes.
    pub fn new(config: &HashMap<String, String>, stdout: MemoryOutputPipe, stderr: MemoryOutputPipe) -> Self {
        HostState {
            wasi: WasiCtx::builder().stdout(stdout).stderr(stderr).build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            config: config.clone(),
            rc1_config: config.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        }
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: Default::default(),
        }
    }
}

impl wasi::config0_2_0_draft_2024_09_27::store::Host for HostState {
    fn get(&mut self, key: String) -> Result<Option<String>, wasi::config0_2_0_draft_2024_09_27::store::Error> {
        Ok(self.config.get(&key).cloned())
    }
    fn get_all(&mut self) -> Result<Vec<(String, String)>, wasi::config0_2_0_draft_2024_09_27::store::Error> {
        Ok(self.config.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }
}

/// Builds the component (release, wasm32-wasip2) into its own target dir
/// (the outer cargo holds the lock on `target/`) and returns its path.
pub fn build_component() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| build_variant(&[], "component")).clone()
}

/// Builds the component with extra cargo `features` into `target/<dir>` and
/// optimises it as `spin.toml` ships it (`tools/optimize.sh`, Binaryen's
/// wasm-opt) into `target/<dir>/dist/gorgias_connector.wasm`: the path returned.
/// Without Node/npm the unoptimised build is returned (one line on stderr), or,
/// with `CI` set, this panics.
pub fn build_variant(features: &[&str], dir: &str) -> PathBuf {
    let root = super::root();
    ensure_wasm_target();
    let target_dir = root.join("target").join(dir);
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(&root)
        .args([
            "build",
            "--release",
            "--locked",
            "--target",
            "wasm32-wasip2",
            "--lib",
            "--target-dir",
        ])
        .arg(&target_dir);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd.status().expect("run cargo build for the component");
    assert!(status.success(), "building the component failed");
    let built = target_dir
        .join("wasm32-wasip2")
        .join("release")
        .join("gorgias_connector.wasm");
    optimize(&root, &built, &target_dir.join("dist").join("gorgias_connector.wasm"))
}

/// Runs `tools/optimize.sh built shipped` (as spin.toml's build command does) and
/// returns `shipped`; see [`build_variant`] for a machine without Node.
fn optimize(root: &std::path::Path, built: &std::path::Path, shipped: &std::path::Path) -> PathBuf {
    if let Some(why) = optimizer_missing() {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v.is_empty()),
            "CI is set, but {why}: tools/optimize.sh (Binaryen wasm-opt) needs Node >= 20 and npm, \
             and the tests must run against the shipped, optimised component"
        );
        // Straight to stderr: libtest captures `eprintln!` of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "NOT OPTIMISED: {why}; testing the unoptimised {} instead of what spin.toml ships \
             (tools/optimize.sh needs Node >= 20 and npm; with CI set this is a failure)",
            built.display()
        );
        return built.to_path_buf();
    }
    // Every test binary builds the component once; optimise only when the build
    // or the optimizer changed since `shipped` was written (~6 s a run).
    let tools = root.join("tools");
    let inputs = [
        built.to_path_buf(),
        tools.join("optimize.sh"),
        tools.join("optimize").join("optimize.mjs"),
        tools.join("optimize").join("package-lock.json"),
    ];
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if let Some(written) = modified(shipped)
        && inputs.iter().all(|p| modified(p).is_some_and(|t| t <= written))
    {
        return shipped.to_path_buf();
    }
    let out = Command::new("bash")
        .arg(root.join("tools").join("optimize.sh"))
        .arg(built)
        .arg(shipped)
        .current_dir(root)
        .output()
        .expect("run tools/optimize.sh");
    assert!(
        out.status.success(),
        "tools/optimize.sh {} {} failed ({}):\n{}{}",
        built.display(),
        shipped.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    shipped.to_path_buf()
}

/// Why `tools/optimize.sh` cannot run here (no `node` >= 20 or no `npm`), if so.
fn optimizer_missing() -> Option<String> {
    let version = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let Some(node) = version("node") else {
        return Some("`node` is not on the PATH".into());
    };
    let major = node
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok());
    if major.is_none_or(|m| m < 20) {
        return Some(format!("node {node} is older than 20"));
    }
    version("npm").is_none().then(|| "`npm` is not on the PATH".into())
}

/// Installs the `wasm32-wasip2` target through rustup when it is missing,
/// so `cargo test` works on a machine that has only Rust.
fn ensure_wasm_target() {
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).output();
    if let Ok(out) = installed
        && !String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l.trim() == "wasm32-wasip2")
    {
        let _ = Command::new("rustup").args(["target", "add", "wasm32-wasip2"]).status();
    }
}

/// The compiled component and its pre-linked instances.
pub struct Host {
    engine: Engine,
    typed: ConnectorPre<HostState>,
    proxy: ProxyPre<HostState>,
}

/// What one call left behind besides its result.
#[derive(Debug, Default, Clone)]
pub struct Logs {
    /// Guest stdout.
    pub stdout: String,
    /// Guest stderr.
    pub stderr: String,
}

impl Host {
    /// Compiles the component once per process.
    pub fn shared() -> &'static Host {
        static HOST: OnceLock<Host> = OnceLock::new();
        HOST.get_or_init(|| Host::new(&build_component()))
    }

    /// Compiles `wasm` and links wasi, wasi-http and the config store.
    pub fn new(wasm: &std::path::Path) -> Host {
        let config = Config::new();
        let engine = Engine::new(&config).expect("engine");
        let component = Component::from_file(&engine, wasm).expect("compile component");
        let mut linker = Linker::<HostState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).expect("link wasi");
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker).expect("link wasi-http");
        wasi::config0_2_0_draft_2024_09_27::store::add_to_linker::<_, HasSelf<HostState>>(&mut linker, |s| s)
            .expect("link wasi:config");
        let pre = linker
            .instantiate_pre(&component)
            .expect("instantiate_pre: the component imports something a wasi:http host lacks");
        Host {
            engine,
            typed: ConnectorPre::new(pre.clone()).expect("typed exports"),
            proxy: ProxyPre::new(pre).expect("incoming-handler export"),
        }
    }

    fn store(&self, config: &HashMap<String, String>) -> (Store<HostState>, MemoryOutputPipe, MemoryOutputPipe) {
        let stdout = MemoryOutputPipe::new(1 << 20);
        let stderr = MemoryOutputPipe::new(1 << 20);
        let state = HostState::new(config, stdout.clone(), stderr.clone());
        (Store::new(&self.engine, state), stdout, stderr)
    }

    /// Calls a typed export on a fresh instance.
    pub async fn typed<R>(
        &self,
        config: &HashMap<String, String>,
        f: impl AsyncFnOnce(&Connector, &mut Store<HostState>) -> wasmtime::Result<R>,
    ) -> (R, Logs) {
        let (mut store, out, err) = self.store(config);
        let instance = self.typed.instantiate_async(&mut store).await.expect("instantiate");
        let r = f(&instance, &mut store).await.expect("the guest trapped");
        let logs = Logs {
            stdout: String::from_utf8_lossy(&out.contents()).into(),
            stderr: String::from_utf8_lossy(&err.contents()).into(),
        };
        (r, logs)
    }

    /// Calls the typed export `function` of the exported interface
    /// `interface` (`gorgias:connector/tickets@0.3.0`) on a fresh instance,
    /// through wasmtime's dynamic API: `args` builds the arguments from the
    /// parameter types. The function's one result.
    pub async fn call_export(
        &self,
        config: &HashMap<String, String>,
        interface: &str,
        function: &str,
        args: impl FnOnce(&[Type]) -> Vec<Val>,
    ) -> (Val, Logs) {
        let (mut store, out, err) = self.store(config);
        let instance = self
            .typed
            .instance_pre()
            .instantiate_async(&mut store)
            .await
            .expect("instantiate");
        let iface = instance
            .get_export_index(&mut store, None, interface)
            .unwrap_or_else(|| panic!("the component exports no {interface}"));
        let index = instance
            .get_export_index(&mut store, Some(&iface), function)
            .unwrap_or_else(|| panic!("{interface} has no {function}"));
        let func = instance.get_func(&mut store, index).expect("a function");
        let params: Vec<Type> = func.ty(&store).params().map(|(_, t)| t).collect();
        let args = args(&params);
        let mut results = vec![Val::Bool(false)];
        func.call_async(&mut store, &args, &mut results)
            .await
            .expect("the guest trapped");
        let logs = Logs {
            stdout: String::from_utf8_lossy(&out.contents()).into(),
            stderr: String::from_utf8_lossy(&err.contents()).into(),
        };
        (results.remove(0), logs)
    }

    /// Sends one HTTP request through `wasi:http/incoming-handler` on a fresh instance.
    pub async fn http(&self, config: &HashMap<String, String>, req: hyper::Request<Full<Bytes>>) -> (HttpResult, Logs) {
        let (mut store, out, err) = self.store(config);
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let req = store
            .data_mut()
            .http()
            .new_incoming_request(wasmtime_wasi_http::p2::bindings::http::types::Scheme::Http, req)
            .expect("incoming request");
        let out_param = store.data_mut().http().new_response_outparam(sender).expect("outparam");
        let proxy = self.proxy.clone();
        let task = tokio::spawn(async move {
            let instance = proxy.instantiate_async(&mut store).await?;
            instance
                .wasi_http_incoming_handler()
                .call_handle(&mut store, req, out_param)
                .await
        });
        let resp = match receiver.await {
            Ok(Ok(resp)) => resp,
            Ok(Err(e)) => panic!("guest answered with an error code: {e:?}"),
            Err(_) => panic!("guest never set a response: {:?}", task.await),
        };
        let (parts, body) = resp.into_parts();
        let body = body.collect().await.expect("response body").to_bytes().to_vec();
        task.await.expect("join").expect("the guest trapped");
        let logs = Logs {
            stdout: String::from_utf8_lossy(&out.contents()).into(),
            stderr: String::from_utf8_lossy(&err.contents()).into(),
        };
        let headers = parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        (
            HttpResult {
                status: parts.status.as_u16(),
                headers,
                body,
            },
            logs,
        )
    }
}

/// An HTTP answer from the component.
#[derive(Debug, Clone)]
pub struct HttpResult {
    /// Status.
    pub status: u16,
    /// Headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl HttpResult {
    /// The body as JSON (panics with the status and body when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}, body not JSON ({e}): {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    /// A header value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A JSON POST request.
pub fn post(path: &str, body: &str) -> hyper::Request<Full<Bytes>> {
    hyper::Request::builder()
        .method("POST")
        .uri(format!("http://localhost{path}"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("request")
}
