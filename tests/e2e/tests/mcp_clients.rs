//! The MCP clients people use, against the built component served over real
//! HTTP on 127.0.0.1 (an in-process hyper server around `Host::http`, as
//! `examples/serve.rs` does, on an ephemeral port, pointed at the fake Gorgias):
//! - the TypeScript SDK client (npm `@modelcontextprotocol/sdk`, pinned in
//!   `tests/e2e/tests/mcp_clients/package-lock.json`), `initialize` handshake;
//! - the Python SDK (PyPI `mcp`, pinned in `tests/e2e/tests/mcp_clients/requirements.txt`)
//!   with `streamable_http_client` + `ClientSession.initialize`, and with
//!   `mcp.client.Client`, which tries `server/discover` (2026-07-28) first;
//! - the README's 2026-07-28 `curl` line, run as written.
//!
//! Each client lists the tools, calls every tool with its catalog example and
//! one failing call, and validates structuredContent against outputSchema
//! itself; the SDK clients also list the prompts, get each with valid
//! arguments and one with a bad argument. The test then checks the summary,
//! the JSON-RPC methods and headers the server saw, and that Gorgias received
//! exactly what the plain routes send for the same calls.
//!
//! The clients are installed under `target/mcp_clients/` on first use
//! (`npm ci`, a venv with `pip install -r`). Without `node`/`npm` or `python3`
//! the client tests print a skip notice and pass, unless `CI` is set: then a
//! missing tool is a failure.
mod support;

use gorgias_connector::ops::{self};
use gorgias_connector::schema::check_schema;
use gorgias_connector::serve::mcp::prompts::{self, Kind};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use support::fake_gorgias::FakeGorgias;
use support::host::{Host, post};
use support::process::{run, run_ok};
use support::{config_all, config_for};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn clients_dir() -> PathBuf {
    manifest_dir().join("tests").join("mcp_clients")
}

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// Prints why a client test is skipped (or fails it under `CI`).
fn skip(why: &str) {
    assert!(!in_ci(), "CI is set, but {why}: the MCP client test cannot run");
    let _ = writeln!(std::io::stderr(), "SKIPPED (set CI=1 to make this a failure): {why}");
}

fn available(tool: &str, arg: &str) -> bool {
    Command::new(tool)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `target/mcp_clients/node` with the pinned TypeScript SDK installed (`npm ci`), or why not.
fn node_clients() -> Result<PathBuf, String> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DIR.get_or_init(|| {
        if !available("node", "--version") || !available("npm", "--version") {
            return Err("`node`/`npm` are not on the PATH".into());
        }
        let dir = support::root().join("target").join("mcp_clients").join("node");
        std::fs::create_dir_all(&dir).expect("create target/mcp_clients/node");
        let lock = std::fs::read(clients_dir().join("package-lock.json")).expect("package-lock.json");
        let installed = std::fs::read(dir.join("package-lock.json")).ok();
        for f in ["package.json", "package-lock.json", "ts_client.mjs"] {
            std::fs::copy(clients_dir().join(f), dir.join(f)).expect("copy the client files");
        }
        if installed.as_ref() != Some(&lock) || !dir.join("node_modules/@modelcontextprotocol/sdk").exists() {
            run_ok(
                "npm ci (target/mcp_clients/node)",
                Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
                    .current_dir(&dir),
            );
        }
        Ok(dir)
    })
    .clone()
}

/// The python of `target/mcp_clients/venv` with the pinned `mcp` installed, or why not.
fn python_clients() -> Result<PathBuf, String> {
    static PY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PY.get_or_init(|| support::process::venv("mcp_clients/venv", &clients_dir().join("requirements.txt")))
        .clone()
}

/// What the server saw of one POST: the JSON-RPC method(s) and the MCP headers.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    protocol_header: Option<String>,
    mcp_method_header: Option<String>,
    meta_version: Option<String>,
}

/// The component served over HTTP on an ephemeral 127.0.0.1 port.
struct Served {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn serve(config: HashMap<String, String>) -> Served {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let log = seen.clone();
    let observe: support::serve::Observe = Arc::new(move |parts, body| {
        let h = |n: &str| parts.headers.get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
        if parts.method == hyper::Method::POST {
            let msg: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            log.lock().expect("log").push(Seen {
                method: msg["method"].as_str().unwrap_or("").to_string(),
                protocol_header: h("mcp-protocol-version"),
                mcp_method_header: h("mcp-method"),
                meta_version: msg["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"]
                    .as_str()
                    .map(str::to_string),
            });
        }
    });
    let (origin, server) = support::serve::serve(config, Some(observe)).await;
    Served {
        url: format!("{origin}/mcp"),
        seen,
        server,
    }
}

/// Every tool with its catalog example, and the failing call.
fn calls() -> (Value, Value) {
    let calls: Vec<Value> = ops::OPERATIONS
        .iter()
        .map(|op| json!([op.name, op.example_args()]))
        .collect();
    (
        Value::Array(calls),
        json!(["update-ticket", {"ticketId": 12345, "status": "resolved"}]),
    )
}

/// Every prompt with a value for each of its arguments, and a bad argument.
fn prompt_calls() -> (Value, Value) {
    let calls: Vec<Value> = prompts::PROMPTS
        .iter()
        .map(|p| {
            let args: serde_json::Map<String, Value> = p
                .arguments
                .iter()
                .map(|a| {
                    let v = match a.kind {
                        Kind::Id => "12345",
                        Kind::Text(_) => "warm and brief",
                    };
                    (a.name.to_string(), v.into())
                })
                .collect();
            json!([p.name, args])
        })
        .collect();
    (Value::Array(calls), json!(["draft-reply", {"ticketId": "x"}]))
}

/// Checks a client's prompts: listed in order, each got as `prompts::get`
/// makes it with every tool available, and the bad argument's -32602 naming it.
fn check_prompts(what: &str, s: &Value) {
    let names = prompts::names();
    assert_eq!(s["prompts"], json!(names), "{what}: prompts/list in order");
    let tools: Vec<&str> = ops::OPERATIONS.iter().map(|o| o.name).collect();
    let (calls, _) = prompt_calls();
    for c in calls.as_array().expect("calls") {
        let name = c[0].as_str().expect("name");
        let want = prompts::get(name, Some(&c[1]), &tools).expect("valid arguments");
        let got = &s["promptResults"][name];
        assert_eq!(
            (&got["description"], &got["messages"]),
            (&want["description"], &want["messages"]),
            "{what}: prompts/get {name}"
        );
    }
    let e = &s["promptError"];
    assert_eq!(e["code"], -32602, "{what}: {e}");
    assert!(
        e["message"].as_str().is_some_and(|m| m.contains("argument ticketId")),
        "{what}: the error names the argument: {e}"
    );
}

/// What Gorgias receives when the same calls go through the plain routes.
async fn route_requests() -> Vec<String> {
    let fake = FakeGorgias::start().await;
    let cfg = config_all(&fake);
    for op in ops::OPERATIONS {
        let body = op.example_args().to_string();
        let (r, _) = Host::shared().http(&cfg, post(&format!("/{}", op.name), &body)).await;
        assert_eq!(r.status, 200, "{}: {}", op.name, String::from_utf8_lossy(&r.body));
    }
    // Tag lookups go out together and arrive in any order.
    fake.lines_batches_sorted()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Era {
    Modern,
    Legacy,
}

/// Runs one client script against a fresh fake and checks everything it reports.
async fn exercise(what: &str, era: Era, version: &str, program: PathBuf, args: &[&str], cwd: &Path) {
    let fake = FakeGorgias::start().await;
    let served = serve(config_all(&fake)).await;
    let (calls, failing) = calls();
    let (prompt_calls, bad_prompt) = prompt_calls();
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(cwd)
        .env("MCP_URL", &served.url)
        .env("MCP_CALLS", calls.to_string())
        .env("MCP_FAILING", failing.to_string())
        .env("MCP_PROMPTS", prompt_calls.to_string())
        .env("MCP_BAD_PROMPT", bad_prompt.to_string());
    let what_owned = what.to_string();
    let out = tokio::task::spawn_blocking(move || run_ok(&what_owned, &mut cmd))
        .await
        .expect("join the client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let s: Value = serde_json::from_str(line).unwrap_or_else(|e| {
        panic!(
            "{what}: no JSON summary ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(s["protocolVersion"], version, "{what}");
    assert_eq!(s["serverInfo"]["name"], "gorgias-connector", "{what}");
    check_prompts(what, &s);
    {
        let seen = served.seen.lock().expect("log");
        let gets = seen.iter().filter(|s| s.method == "prompts/get").count();
        assert_eq!(
            gets,
            prompts::PROMPTS.len() + 1,
            "{what}: one POST per prompt: {seen:?}"
        );
        assert!(seen.iter().any(|s| s.method == "prompts/list"), "{what}: {seen:?}");
    }
    check(what, era, version, &s, &fake, &served).await;
}

/// Checks a client's summary (`tools`, `results` per tool, `failure`), what
/// Gorgias received and the JSON-RPC requests the server saw.
async fn check(what: &str, era: Era, version: &str, s: &Value, fake: &FakeGorgias, served: &Served) {
    let names: Vec<&str> = ops::OPERATIONS.iter().map(|o| o.name).collect();
    assert_eq!(s["tools"], json!(names), "{what}: tools/list in the catalog's order");
    for op in ops::OPERATIONS {
        let r = &s["results"][op.name];
        assert_eq!(r["isError"], false, "{what} {}: {r}", op.name);
        let text: Value =
            serde_json::from_str(r["content"][0]["text"].as_str().expect("text content")).expect("JSON text");
        assert_eq!(r["structuredContent"], text, "{what} {}", op.name);
        check_schema(&text, &op.output_schema(), "$")
            .unwrap_or_else(|e| panic!("{what} {}: output does not match its schema: {e}", op.name));
    }
    let f = &s["failure"];
    assert_eq!(f["isError"], true, "{what}: {f}");
    let err: Value = serde_json::from_str(f["content"][0]["text"].as_str().expect("text content")).expect("JSON text");
    assert_eq!(
        (
            &err["error"]["code"],
            &err["error"]["field"],
            &err["error"]["retryable"]
        ),
        (&json!("invalid-input"), &json!("status"), &json!(false)),
        "{what}: {err}"
    );
    match era {
        Era::Modern => assert_eq!(f["structuredContent"], err, "{what}: the error as structuredContent"),
        Era::Legacy => assert!(f.get("structuredContent").is_none(), "{what}: {f}"),
    }
    assert_eq!(
        fake.lines_batches_sorted(),
        route_requests().await,
        "{what}: Gorgias saw exactly what the routes send"
    );

    let seen = served.seen.lock().expect("log").clone();
    let rpc: Vec<&Seen> = seen
        .iter()
        .filter(|s| !s.method.starts_with("notifications/"))
        .collect();
    let tools_calls = rpc.iter().filter(|s| s.method == "tools/call").count();
    assert_eq!(
        tools_calls,
        ops::OPERATIONS.len() + 1,
        "{what}: one POST per call: {seen:?}"
    );
    match era {
        Era::Modern => {
            assert_eq!(rpc[0].method, "server/discover", "{what}: {seen:?}");
            assert!(!seen.iter().any(|s| s.method == "initialize"), "{what}: {seen:?}");
            for s in &rpc {
                assert_eq!(s.meta_version.as_deref(), Some("2026-07-28"), "{what}: {s:?}");
                assert_eq!(s.protocol_header.as_deref(), Some("2026-07-28"), "{what}: {s:?}");
                assert_eq!(s.mcp_method_header.as_deref(), Some(s.method.as_str()), "{what}: {s:?}");
            }
        }
        Era::Legacy => {
            assert_eq!(rpc[0].method, "initialize", "{what}: {seen:?}");
            for s in rpc.iter().filter(|s| s.method != "initialize") {
                assert_eq!(s.protocol_header.as_deref(), Some(version), "{what}: {s:?}");
                assert_eq!(s.meta_version, None, "{what}: {s:?}");
            }
        }
    }
}

/// MCP Inspector's CLI (`mcp-inspector --cli`), one run per call, in `era`.
async fn inspector(era: Era) {
    let dir = match node_clients() {
        Ok(d) => d,
        Err(why) => return skip(&why),
    };
    let fake = FakeGorgias::start().await;
    let served = serve(config_all(&fake)).await;
    let bin = dir.join("node_modules/.bin/mcp-inspector");
    let home = dir.join(format!("home-{era:?}"));
    let era_flag = match era {
        Era::Modern => "modern",
        Era::Legacy => "legacy",
    };
    let url = served.url.clone();
    // Exit status 0 for a result, 5 for an `isError` result.
    let run_inspector = move |extra: Vec<String>, status: i32| {
        let mut cmd = Command::new(&bin);
        cmd.args(["--cli", &url, "--protocol-era", era_flag, "--format", "json"])
            .args(&extra)
            .env("HOME", &home)
            .env("MCP_CATALOG_PATH", home.join("mcp.json"))
            .env("MCP_CLIENT_CONFIG_PATH", home.join("client.json"));
        let out = run("mcp-inspector --cli", &mut cmd);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            out.status.code(),
            Some(status),
            "mcp-inspector {extra:?}:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Inspector lints every listed tool schema (type lists for nullable
        // fields, untyped subschemas, remote refs) and prints a summary line.
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("Schema portability") && !stderr.contains("Warning: tool"),
            "mcp-inspector {extra:?} found unportable tool schemas:\n{stderr}"
        );
        let v: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"));
        v["result"].clone()
    };
    let (calls, failing) = calls();
    let summary = tokio::task::spawn_blocking(move || {
        let tools = run_inspector(vec!["--method".into(), "tools/list".into()], 0);
        let names: Vec<Value> = tools["tools"]
            .as_array()
            .expect("tools")
            .iter()
            .map(|t| t["name"].clone())
            .collect();
        let mut results = serde_json::Map::new();
        for c in calls.as_array().expect("calls") {
            let name = c[0].as_str().expect("name").to_string();
            let args = vec![
                "--method".into(),
                "tools/call".into(),
                "--tool-name".into(),
                name.clone(),
                "--tool-args-json".into(),
                c[1].to_string(),
            ];
            results.insert(name, run_inspector(args, 0));
        }
        let args = vec![
            "--method".into(),
            "tools/call".into(),
            "--tool-name".into(),
            failing[0].as_str().expect("name").into(),
            "--tool-args-json".into(),
            failing[1].to_string(),
        ];
        let failure = run_inspector(args, 5);
        json!({"tools": names, "results": results, "failure": failure})
    })
    .await
    .expect("join the inspector runs");
    let version = match era {
        Era::Modern => "2026-07-28",
        Era::Legacy => "2025-11-25",
    };
    check(
        &format!("mcp inspector {era_flag}"),
        era,
        version,
        &summary,
        &fake,
        &served,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_inspector_modern_era_lists_and_calls_every_tool() {
    inspector(Era::Modern).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_inspector_legacy_era_lists_and_calls_every_tool() {
    inspector(Era::Legacy).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typescript_sdk_client_calls_every_tool_and_gets_every_prompt_over_2025_11_25() {
    let dir = match node_clients() {
        Ok(d) => d,
        Err(why) => return skip(&why),
    };
    let script = dir.join("ts_client.mjs");
    exercise(
        "typescript sdk",
        Era::Legacy,
        "2025-11-25",
        "node".into(),
        &[script.to_str().expect("utf-8 path")],
        &dir,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_handshake_client_calls_every_tool_and_gets_every_prompt_over_2025_11_25() {
    let py = match python_clients() {
        Ok(p) => p,
        Err(why) => return skip(&why),
    };
    let script = clients_dir().join("py_client.py");
    exercise(
        "python sdk handshake",
        Era::Legacy,
        "2025-11-25",
        py,
        &[script.to_str().expect("utf-8 path"), "handshake"],
        &clients_dir(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_discover_first_client_speaks_2026_07_28() {
    let py = match python_clients() {
        Ok(p) => p,
        Err(why) => return skip(&why),
    };
    let script = clients_dir().join("py_client.py");
    exercise(
        "python sdk discover-first",
        Era::Modern,
        "2026-07-28",
        py,
        &[script.to_str().expect("utf-8 path"), "discover"],
        &clients_dir(),
    )
    .await;
}

/// The README's MCP section: the shell block after `<!-- {marker} -->`.
fn readme_block(marker: &str) -> String {
    let readme = std::fs::read_to_string(support::root().join("README.md")).expect("README.md");
    let after = readme
        .split(&format!("<!-- {marker} -->"))
        .nth(1)
        .unwrap_or_else(|| panic!("README has a <!-- {marker} --> block"));
    let block = after.split("```sh\n").nth(1).expect("a ```sh block");
    block.split("\n```").next().expect("a closed block").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_2026_07_28_curl_line_answers_as_documented() {
    let cmd = readme_block("mcp-curl");
    assert!(cmd.starts_with("curl "), "{cmd}");
    assert!(cmd.contains("http://127.0.0.1:8080/mcp"), "{cmd}");
    if !available("curl", "--version") {
        return skip("`curl` is not on the PATH");
    }
    let fake = FakeGorgias::start().await;
    let served = serve(config_for(&fake)).await;
    let cmd = cmd.replace("http://127.0.0.1:8080/mcp", &served.url);
    let out =
        tokio::task::spawn_blocking(move || run_ok("the README's curl line", Command::new("sh").arg("-c").arg(cmd)))
            .await
            .expect("join curl");
    let mut v: Value = serde_json::from_slice(&out.stdout).expect("curl printed JSON");
    let text = v["result"]["content"][0]["text"].take();
    let text: Value = serde_json::from_str(text.as_str().expect("a text block")).expect("JSON text");
    let ticket = json!({"ticket": {
        "id": 12345, "subject": "Order hasn't shipped yet", "status": "open", "channel": "email", "priority": "normal",
        "customer_id": 98765, "assignee_user_id": 4567, "assignee_team_id": 77,
        "tags": [{"id": 13, "name": "shipping"}],
        "created_datetime": "2024-11-14T13:56:16.494726+00:00", "updated_datetime": "2024-12-04T15:18:56+00:00"
    }});
    assert_eq!(
        v,
        json!({"jsonrpc": "2.0", "id": 1, "result": {
            "resultType": "complete",
            "content": [{"type": "text", "text": null}],
            "structuredContent": ticket,
            "isError": false,
            "_meta": {"io.modelcontextprotocol/serverInfo": {
                "name": "gorgias-connector", "title": "Gorgias helpdesk connector",
                "version": gorgias_connector::VERSION,
                "description": "Tickets, messages, tags and customers of one Gorgias helpdesk account."
            }}
        }})
    );
    assert_eq!(text, ticket, "the text block is the structured content as JSON");
    assert_eq!(fake.lines(), vec!["GET /api/tickets/12345"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_handshake_curl_lines_initialize_list_and_call() {
    let cmd = readme_block("mcp-curl-handshake");
    assert_eq!(cmd.matches("curl -s localhost:8080/mcp").count(), 3, "{cmd}");
    if !available("curl", "--version") {
        return skip("`curl` is not on the PATH");
    }
    let fake = FakeGorgias::start().await;
    let served = serve(config_for(&fake)).await;
    let cmd = cmd.replace("localhost:8080/mcp", &served.url);
    let out =
        tokio::task::spawn_blocking(move || run_ok("the README's curl lines", Command::new("sh").arg("-c").arg(cmd)))
            .await
            .expect("join curl");
    // Three JSON bodies, back to back.
    let answers: Vec<Value> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .expect("curl printed JSON");
    assert_eq!(answers.len(), 3, "{answers:?}");
    assert_eq!(answers[0]["result"]["protocolVersion"], "2025-11-25");
    assert_eq!(answers[0]["result"]["serverInfo"]["name"], "gorgias-connector");
    // The README's server leaves `access` at its default.
    let names: Vec<&str> = ops::available(ops::Access::default()).map(|o| o.name).collect();
    let listed: Vec<&str> = answers[1]["result"]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| t["name"].as_str().expect("name"))
        .collect();
    assert_eq!(listed, names);
    assert_eq!(answers[2]["result"]["isError"], false);
    assert_eq!(answers[2]["result"]["structuredContent"]["ticket"]["id"], 12345);
    assert!(
        answers[2]["result"].get("resultType").is_none(),
        "no 2026-07-28 fields in the handshake era"
    );
    assert_eq!(fake.lines(), vec!["GET /api/tickets/12345"]);
}
