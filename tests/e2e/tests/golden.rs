//! Golden answers: every route (each spec "Example Usage", an error of each
//! class, the listing, `/openapi.json`, `/health`, routing errors), every MCP
//! call and every typed export, through the built component against the fake
//! Gorgias, with the exact upstream requests. Recorded once on the code before
//! issue 10's rewrite, so the rewrite can prove it changed no answer.
//!
//! `GOLDEN_UPDATE=1 cargo test --test golden` rewrites `tests/golden/*.json`;
//! otherwise each answer is compared with its file and every difference is
//! reported (all cases run before the test fails).
mod support;

use bytes::Bytes;
use http_body_util::Full;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use support::config_for;
use support::fake_gorgias::{self, FakeGorgias, Scripted};
use support::host::{Host, HttpResult, wit};

/// An inbound request for one case.
struct Req {
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

fn post(path: &str, body: &str) -> Req {
    Req {
        method: "POST",
        path: path.to_string(),
        headers: vec![("content-type", "application/json".into())],
        body: body.as_bytes().to_vec(),
    }
}

fn get(path: &str) -> Req {
    Req {
        method: "GET",
        path: path.to_string(),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

impl Req {
    fn header(mut self, k: &'static str, v: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(k));
        self.headers.push((k, v.to_string()));
        self
    }
    fn hyper(&self) -> hyper::Request<Full<Bytes>> {
        let mut b = hyper::Request::builder()
            .method(self.method)
            .uri(format!("http://localhost{}", self.path));
        for (k, v) in &self.headers {
            b = b.header(*k, v.as_str());
        }
        b.body(Full::new(Bytes::from(self.body.clone()))).expect("request")
    }
    fn record(&self) -> Value {
        let body = if self.body.len() > 4096 {
            json!(format!("<{} bytes>", self.body.len()))
        } else {
            serde_json::from_slice(&self.body)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&self.body).into_owned()))
        };
        json!({
            "method": self.method,
            "path": self.path,
            "headers": self.headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            "body": body,
        })
    }
}

/// How a case changes the fake and the configuration before it runs.
#[derive(Default)]
struct Setup {
    scripts: Vec<Scripted>,
    config: Vec<(&'static str, String)>,
    bare_tag_lists: bool,
    empty_update_bodies: bool,
    bare_directory_lists: bool,
}

fn setup() -> Setup {
    Setup::default()
}

impl Setup {
    fn script(mut self, s: Scripted) -> Self {
        self.scripts.push(s);
        self
    }
    fn config(mut self, k: &'static str, v: &str) -> Self {
        self.config.push((k, v.to_string()));
        self
    }
    async fn start(self) -> (FakeGorgias, HashMap<String, String>) {
        let fake = FakeGorgias::start().await;
        let mut cfg = config_for(&fake);
        for (k, v) in self.config {
            cfg.insert(k.to_string(), v);
        }
        for s in self.scripts {
            fake.script(s);
        }
        fake.bare_tag_lists(self.bare_tag_lists);
        fake.empty_update_bodies(self.empty_update_bodies);
        fake.bare_directory_lists(self.bare_directory_lists);
        (fake, cfg)
    }
}

/// The requests the fake saw, as recorded in a golden file (those sent
/// together sorted within their batch: [`FakeGorgias::requests_batches_sorted`]).
fn upstream(fake: &FakeGorgias) -> Value {
    let requests = fake.requests_batches_sorted();
    requests
        .iter()
        .map(|r| {
            let h = |n: &str| r.header(n).map(str::to_string);
            json!({
                "line": r.line(),
                "authorization": h("authorization"),
                "accept": h("accept"),
                "content-type": h("content-type"),
                "user-agent": h("user-agent"),
                "body": r.body,
            })
        })
        .collect()
}

fn answer(r: &HttpResult) -> Value {
    let mut headers: Vec<(String, String)> = r.headers.clone();
    headers.retain(|(k, _)| k != "date");
    headers.sort();
    let body = serde_json::from_slice::<Value>(&r.body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&r.body).into_owned()));
    json!({
        "status": r.status,
        "headers": headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        "body": body,
    })
}

/// Collects the cases' results and compares or rewrites their files.
struct Golden {
    dir: PathBuf,
    update: bool,
    failures: Vec<String>,
    seen: Vec<String>,
    /// The catalogue answers' exact bytes (length and FNV-1a hash), by case.
    bytes: Vec<Value>,
}

/// Whether a catalogue answer's text is kept as a golden file beside its
/// length and hash in `catalogue-bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Text {
    /// A golden file with the answer's JSON.
    Full,
    /// Only its exact length and hash: the large OpenAPI documents and tool
    /// lists are kept in full at the `all` tier (every operation; the
    /// default tier's are `route-openapi` and `mcp-tools-list`), and the
    /// lower tiers' are those minus the hidden operations, so a change to
    /// them shows as text there and as a new hash here.
    BytesOnly,
}

/// FNV-1a (64 bits) of `b`: the catalogue goldens hold their answers' exact
/// bytes, not only their JSON.
fn fnv(b: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for x in b {
        h = (h ^ u64::from(*x)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

impl Golden {
    fn new() -> Self {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("golden");
        let update = std::env::var_os("GOLDEN_UPDATE").is_some_and(|v| v == "1");
        if update {
            std::fs::create_dir_all(&dir).expect("create tests/golden");
        }
        Golden {
            dir,
            update,
            failures: Vec::new(),
            seen: Vec::new(),
            bytes: Vec::new(),
        }
    }

    /// `record` with the fake's port replaced, so the files do not depend on it.
    fn check(&mut self, name: &str, record: Value, port: Option<u16>) {
        assert!(!self.seen.iter().any(|s| s == name), "duplicate golden name {name}");
        self.seen.push(name.to_string());
        let mut text = serde_json::to_string_pretty(&record).expect("serialise") + "\n";
        if let Some(port) = port {
            text = text.replace(&format!("127.0.0.1:{port}"), "127.0.0.1:<port>");
        }
        let text = support::random_keys_blanked(&text);
        let path = self.dir.join(format!("{name}.json"));
        if self.update {
            std::fs::write(&path, &text).expect("write golden");
            return;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == text => {}
            Ok(want) => {
                let want: Value = serde_json::from_str(&want).unwrap_or(Value::Null);
                let got: Value = serde_json::from_str(&text).expect("own JSON");
                self.failures
                    .push(format!("{name}: answer changed\n  want: {want}\n  got:  {got}"));
            }
            Err(e) => self
                .failures
                .push(format!("{name}: no golden file {} ({e})", path.display())),
        }
    }

    /// Serves `req` with a fake set up by `s`: the fake and the answer.
    async fn serve(name: &str, s: Setup, req: &Req) -> (FakeGorgias, HttpResult) {
        let (fake, cfg) = s.start().await;
        let (r, logs) = Host::shared().http(&cfg, req.hyper()).await;
        assert!(
            !logs.stderr.contains("panicked"),
            "{name}: guest panicked: {}",
            logs.stderr
        );
        (fake, r)
    }

    async fn route(&mut self, name: &str, s: Setup, req: Req) {
        let (fake, r) = Self::serve(name, s, &req).await;
        let rec = json!({"request": req.record(), "answer": answer(&r), "upstream": upstream(&fake)});
        self.check(&format!("route-{name}"), rec, Some(fake.addr.port()));
    }

    /// A catalogue answer (listing, OpenAPI, MCP lists): its exact bytes in
    /// `catalogue-bytes`, and, when `text` is [`Text::Full`], its golden.
    async fn catalogue(&mut self, name: &str, s: Setup, req: Req, text: Text) {
        let (fake, r) = Self::serve(name, s, &req).await;
        self.bytes
            .push(json!({"case": name, "status": r.status, "length": r.body.len(), "fnv1a64": fnv(&r.body)}));
        if text == Text::BytesOnly {
            return;
        }
        let a = answer(&r);
        if req.path == "/mcp" {
            let body = serde_json::from_slice::<Value>(&req.body).unwrap_or(Value::Null);
            let headers: Vec<Value> = req.headers.iter().map(|(k, v)| json!([k, v])).collect();
            let rec = json!({"request": body, "headers": headers, "answer": a, "upstream": upstream(&fake)});
            self.check(&format!("mcp-{name}"), rec, Some(fake.addr.port()));
        } else {
            let rec = json!({"request": req.record(), "answer": a, "upstream": upstream(&fake)});
            self.check(&format!("route-{name}"), rec, Some(fake.addr.port()));
        }
    }

    async fn mcp(&mut self, name: &str, s: Setup, body: Value) {
        let req = post("/mcp", &body.to_string())
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-06-18");
        let (fake, cfg) = s.start().await;
        let (r, logs) = Host::shared().http(&cfg, req.hyper()).await;
        assert!(
            !logs.stderr.contains("panicked"),
            "{name}: guest panicked: {}",
            logs.stderr
        );
        let mut a = answer(&r);
        // A tool result's text twin is the structured content as a string:
        // record it parsed, so key order inside it is visible as JSON.
        if let Some(text) = a["body"]["result"]["content"][0]["text"].as_str()
            && let Ok(v) = serde_json::from_str::<Value>(text)
        {
            a["body"]["result"]["content"][0]["text"] = json!({"<parsed>": v});
        }
        let rec = json!({"request": body, "answer": a, "upstream": upstream(&fake)});
        self.check(&format!("mcp-{name}"), rec, Some(fake.addr.port()));
    }

    async fn typed<R: std::fmt::Debug>(
        &mut self,
        name: &str,
        s: Setup,
        f: impl AsyncFnOnce(
            &support::host::Connector,
            &mut wasmtime::Store<support::host::HostState>,
        ) -> wasmtime::Result<R>,
    ) {
        let (fake, cfg) = s.start().await;
        let (r, logs) = Host::shared().typed(&cfg, f).await;
        assert!(
            !logs.stderr.contains("panicked"),
            "{name}: guest panicked: {}",
            logs.stderr
        );
        let rec = json!({"result": format!("{r:#?}").lines().collect::<Vec<_>>(), "upstream": upstream(&fake)});
        self.check(&format!("typed-{name}"), rec, Some(fake.addr.port()));
    }

    fn finish(mut self) {
        let bytes = std::mem::take(&mut self.bytes);
        self.check("catalogue-bytes", Value::Array(bytes), None);
        if self.update {
            return;
        }
        let files: Vec<String> = std::fs::read_dir(&self.dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().trim_end_matches(".json").to_string())
                    .collect()
            })
            .unwrap_or_default();
        let mut failures = self.failures;
        for f in files {
            if !self.seen.contains(&f) {
                failures.push(format!("{f}: golden file without a case"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} golden answer(s) differ (GOLDEN_UPDATE=1 re-records):\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

fn creds() -> wit::ApiKeyCredentials {
    wit::ApiKeyCredentials {
        account: fake_gorgias::ACCOUNT.into(),
        email: fake_gorgias::EMAIL.into(),
        api_key: fake_gorgias::API_KEY.into(),
    }
}

fn conn() -> wit::Connection {
    wit::Connection::ApiKey(creds())
}

const TICKET: &str = "/api/tickets/12345";
const MESSAGES: &str = "/api/tickets/12345/messages";

fn gorgias_error(status: u16, body: &str) -> Scripted {
    Scripted::new("GET", TICKET, status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_matches_its_golden_file() {
    let mut g = Golden::new();

    // Each spec "Example Usage", verbatim: every operation of the registry
    // (a new one needs its golden file: GOLDEN_UPDATE=1 records it), with
    // `access = all` for those that need it (the default tier refuses them).
    for op in gorgias_connector::ops::OPERATIONS {
        let s = match op.access {
            gorgias_connector::ops::Access::All => setup().config("access", "all"),
            _ => setup(),
        };
        g.route(
            &format!("{}-example", op.name),
            s,
            post(&format!("/{}", op.name), op.example),
        )
        .await;
    }

    // Variants of inputs and Gorgias answers.
    let variants: [(&str, &'static str, &str); 22] = [
        ("search-tickets-page", "/search-tickets", r#"{"limit": 2}"#),
        (
            "search-tickets-all-filters",
            "/search-tickets",
            r#"{"viewId": "7", "externalId": "ext 1&2", "orderBy": "created_datetime:asc", "cursor": "c/1"}"#,
        ),
        ("search-tickets-empty-body", "/search-tickets", ""),
        ("get-ticket-numeric-string", "/get-ticket", r#"{"ticketId": "12345"}"#),
        ("get-ticket-float-id", "/get-ticket", r#"{"ticketId": 12345.0}"#),
        (
            "create-ticket-agent-chat",
            "/create-ticket",
            r#"{"channel": "chat", "customerId": 98765, "fromAgent": true, "senderUserId": 4567, "bodyHtml": "<p>Hi</p>", "status": "closed", "fromName": "A", "toName": "B"}"#,
        ),
        (
            "update-ticket-team-subject",
            "/update-ticket",
            r#"{"ticketId": 12345, "assigneeTeamId": 78, "subject": "New"}"#,
        ),
        (
            "reply-to-ticket-names-html",
            "/reply-to-ticket",
            r#"{"ticketId": 12345, "channel": "email", "senderUserId": 4567, "bodyHtml": "<p>Reshipped.</p>", "fromEmail": "support@yourstore.com", "fromName": "Support", "toEmail": "customer@example.com", "toName": "Jane Doe"}"#,
        ),
        (
            "get-ticket-messages-page",
            "/get-ticket-messages",
            r#"{"ticketId": 12345, "limit": 1, "cursor": "cur-1"}"#,
        ),
        (
            "add-ticket-tags-ids",
            "/add-ticket-tags",
            r#"{"ticketId": 12347, "tagIds": [11, "13"], "tagNames": ["Escalated"]}"#,
        ),
        (
            "find-customer-none",
            "/find-customer-by-email",
            r#"{"email": "nobody@example.com"}"#,
        ),
        (
            "update-ticket-numeric-strings",
            "/update-ticket",
            r#"{"ticketId": "12345", "assigneeUserId": "4567", "assigneeTeamId": null}"#,
        ),
        ("get-ticket-not-found", "/get-ticket", r#"{"ticketId": 999}"#),
        (
            "update-ticket-unassign-user",
            "/update-ticket",
            r#"{"ticketId": 12345, "assigneeUserId": null}"#,
        ),
        (
            "get-ticket-messages-newest-first",
            "/get-ticket-messages",
            r#"{"ticketId": 12345, "orderBy": "created_datetime:desc"}"#,
        ),
        (
            "find-customer-by-email-channel",
            "/find-customer-by-email",
            r#"{"email": "Jane@Work.example"}"#,
        ),
        (
            "remove-ticket-tags-unknown-name-only",
            "/remove-ticket-tags",
            r#"{"ticketId": 12346, "tagNames": ["no-such-tag"]}"#,
        ),
        (
            "set-ticket-tags-clear",
            "/set-ticket-tags",
            r#"{"ticketId": 12346, "tagNames": null, "tagIds": []}"#,
        ),
        ("list-users-page", "/list-users", r#"{"limit": 2, "cursor": "cur-1"}"#),
        ("get-customer-not-found", "/get-customer", r#"{"customerId": 1}"#),
        ("list-tags-empty-body", "/list-tags", ""),
        (
            "list-ticket-tags-not-found",
            "/list-ticket-tags",
            r#"{"ticketId": 999}"#,
        ),
    ];
    for (name, path, body) in variants {
        g.route(name, setup(), post(path, body)).await;
    }
    g.route(
        "list-ticket-tags-bare-array",
        Setup {
            bare_tag_lists: true,
            ..setup()
        },
        post("/list-ticket-tags", r#"{"ticketId": 12345}"#),
    )
    .await;
    g.route(
        "list-views-bare-array",
        Setup {
            bare_directory_lists: true,
            ..setup()
        },
        post("/list-views", "{}"),
    )
    .await;
    g.route(
        "list-teams-bare-array",
        Setup {
            bare_directory_lists: true,
            ..setup()
        },
        post("/list-teams", "{}"),
    )
    .await;
    g.route(
        "update-ticket-empty-body-refetches",
        Setup {
            empty_update_bodies: true,
            ..setup()
        },
        post("/update-ticket", r#"{"ticketId": 12345, "status": "closed"}"#),
    )
    .await;

    // invalid-input, one per way a body can be wrong.
    let invalid: [(&str, &'static str, &str); 27] = [
        ("invalid-not-json", "/get-ticket", "{"),
        ("invalid-not-object", "/get-ticket", "[1]"),
        ("invalid-missing-field", "/get-ticket", "{}"),
        ("invalid-null-required", "/get-ticket", r#"{"ticketId": null}"#),
        ("invalid-unknown-field", "/get-ticket", r#"{"ticketID": 1}"#),
        ("invalid-wrong-type-bool", "/get-ticket", r#"{"ticketId": true}"#),
        ("invalid-fraction", "/get-ticket", r#"{"ticketId": 1.5}"#),
        ("invalid-negative", "/get-ticket", r#"{"ticketId": -3}"#),
        ("invalid-zero", "/get-ticket", r#"{"ticketId": 0}"#),
        ("invalid-too-large", "/get-ticket", r#"{"ticketId": 1e30}"#),
        ("invalid-string-not-numeric", "/get-ticket", r#"{"ticketId": "abc"}"#),
        ("invalid-limit-range", "/search-tickets", r#"{"limit": 500}"#),
        ("invalid-order-by", "/search-tickets", r#"{"orderBy": "id"}"#),
        (
            "invalid-status",
            "/update-ticket",
            r#"{"ticketId": 1, "status": "pending"}"#,
        ),
        ("invalid-update-nothing", "/update-ticket", r#"{"ticketId": 1}"#),
        (
            "invalid-create-no-body",
            "/create-ticket",
            r#"{"channel": "email", "customerId": 1, "fromAgent": false}"#,
        ),
        (
            "invalid-create-email-no-from",
            "/create-ticket",
            r#"{"channel": "email", "customerId": 1, "fromAgent": false, "bodyText": "x"}"#,
        ),
        (
            "invalid-reply-wrong-string-type",
            "/reply-to-ticket",
            r#"{"ticketId": 1, "channel": "chat", "senderUserId": 2, "bodyText": 5}"#,
        ),
        ("invalid-tags-none", "/add-ticket-tags", r#"{"ticketId": 1}"#),
        (
            "invalid-tag-id-list-item",
            "/add-ticket-tags",
            r#"{"ticketId": 1, "tagIds": [1, 2.5]}"#,
        ),
        (
            "invalid-email",
            "/find-customer-by-email",
            r#"{"email": "not-an-email"}"#,
        ),
        (
            "invalid-messages-limit-zero",
            "/get-ticket-messages",
            r#"{"ticketId": 1, "limit": 0}"#,
        ),
        (
            "invalid-messages-order-by",
            "/get-ticket-messages",
            r#"{"ticketId": 1, "orderBy": "updated_datetime:asc"}"#,
        ),
        (
            "invalid-search-tickets-order-by-field",
            "/search-tickets",
            r#"{"orderBy": "name:asc"}"#,
        ),
        (
            "invalid-tag-name-257",
            "/set-ticket-tags",
            r#"{"ticketId": 1, "tagNames": ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]}"#,
        ),
        (
            "invalid-remove-tags-none",
            "/remove-ticket-tags",
            r#"{"ticketId": 1, "tagIds": []}"#,
        ),
        ("invalid-list-views-search", "/list-views", r#"{"search": "x"}"#),
    ];
    for (name, path, body) in invalid {
        g.route(name, setup(), post(path, body)).await;
    }
    g.route(
        "invalid-account-header",
        setup(),
        post("/get-ticket", r#"{"ticketId": 12345}"#).header("x-gorgias-account", "evil.com/x"),
    )
    .await;

    // Gorgias's answers, one per error class.
    let upstream_errors = [
        (
            "unauthorized-401",
            gorgias_error(401, r#"{"error": {"msg": "Unauthorized"}}"#),
        ),
        (
            "forbidden-403",
            gorgias_error(403, r#"{"error": {"msg": "Forbidden."}}"#),
        ),
        ("conflict-409", gorgias_error(409, r#"{"error": {"msg": "Conflict."}}"#)),
        (
            "upstream-400-field-errors",
            gorgias_error(
                400,
                r#"{"error": {"msg": "Bad.", "data": {"status": ["Not a valid choice."]}}}"#,
            ),
        ),
        ("upstream-500-read-budget", gorgias_error(500, "<html>oops</html>")),
        (
            "rate-limited-beyond-budget",
            gorgias_error(429, "").header("Retry-After", "30"),
        ),
        ("invalid-response-garbage", gorgias_error(200, "<html>not json</html>")),
        (
            "invalid-response-wrong-types",
            gorgias_error(200, r#"{"id": "x", "status": 5}"#),
        ),
    ];
    for (name, s) in upstream_errors {
        let s = setup().script(s).config("retry_max_attempts", "1");
        g.route(name, s, post("/get-ticket", r#"{"ticketId": 12345}"#)).await;
    }
    // A create's lost answer is settled by its key: looked up (not there),
    // then resent once.
    g.route(
        "upstream-503-create-looked-up-and-resent",
        setup().script(Scripted::new("POST", MESSAGES, 503, "")),
        post(
            "/add-internal-note",
            r#"{"ticketId": 12345, "senderUserId": 4567, "bodyText": "x"}"#,
        ),
    )
    .await;
    // A write without a key is never resent: the caller hears it may have
    // been applied.
    g.route(
        "upstream-503-update-not-resent",
        setup().script(Scripted::new("PUT", TICKET, 503, "")),
        post("/update-ticket", r#"{"ticketId": 12345, "status": "closed"}"#),
    )
    .await;
    g.route(
        "rate-limited-write-retried-once",
        setup().script(Scripted::new("POST", MESSAGES, 429, "").header("Retry-After", "0")),
        post(
            "/add-internal-note",
            r#"{"ticketId": 12345, "senderUserId": 4567, "bodyText": "x"}"#,
        ),
    )
    .await;
    g.route(
        "transport-refused",
        setup()
            .config("gorgias_base_url", "http://127.0.0.1:9")
            .config("retry_max_attempts", "1"),
        post("/get-ticket", r#"{"ticketId": 12345}"#),
    )
    .await;
    g.route(
        "configuration-bad-base-url",
        setup().config("gorgias_base_url", "ftp://nowhere"),
        post("/get-ticket", r#"{"ticketId": 12345}"#),
    )
    .await;
    g.route(
        "configuration-missing-credentials",
        setup().config("gorgias_api_key", ""),
        post("/get-ticket", r#"{"ticketId": 12345}"#),
    )
    .await;
    g.route(
        "per-request-credentials",
        setup(),
        post("/get-ticket", r#"{"ticketId": 12345}"#)
            .header("x-gorgias-account", "other")
            .header("x-gorgias-email", "x@example.com")
            .header("x-gorgias-api-key", "per-request-key"),
    )
    .await;

    // Routing and the connector's own surfaces.
    g.route("listing-root", setup(), get("/")).await;
    g.route("listing-operations", setup(), get("/operations")).await;
    g.route("openapi", setup(), get("/openapi.json")).await;
    g.route("health", setup(), get("/health")).await;
    g.route(
        "health-unauthorized",
        setup().script(Scripted::new("GET", "/api/account", 401, r#"{"error": {"msg": "no"}}"#)),
        get("/health"),
    )
    .await;
    g.route("unknown-route", setup(), post("/merge-tickets", "{}")).await;
    g.route("method-not-allowed", setup(), get("/get-ticket")).await;
    g.route(
        "payload-too-large",
        setup(),
        Req {
            body: vec![b' '; 1024 * 1024 + 1],
            ..post("/get-ticket", "")
        },
    )
    .await;
    g.route(
        "unsupported-media-type",
        setup(),
        post("/get-ticket", r#"{"ticketId": 12345}"#).header("content-type", "text/plain"),
    )
    .await;
    let token = setup().config("connector_token", "tok3n-golden");
    g.route(
        "unauthenticated-no-token",
        token,
        post("/get-ticket", r#"{"ticketId": 12345}"#),
    )
    .await;
    let token = setup().config("connector_token", "tok3n-golden");
    g.route(
        "authenticated-token",
        token,
        post("/get-ticket", r#"{"ticketId": 12345}"#).header("authorization", "Bearer tok3n-golden"),
    )
    .await;
    g.route(
        "read-only-refuses-mutation",
        setup().config("read_only", "true"),
        post(
            "/add-internal-note",
            r#"{"ticketId": 12345, "senderUserId": 4567, "bodyText": "x"}"#,
        ),
    )
    .await;
    g.route(
        "read-only-listing",
        setup().config("read_only", "true"),
        get("/operations"),
    )
    .await;

    // The catalogue surfaces at every access tier (their exact bytes go to
    // catalogue-bytes): the listing, OpenAPI (with and without a connector
    // token), MCP initialize, tools/list in both eras, and server/discover.
    for tier in ["read", "write", "all"] {
        let at = || setup().config("access", tier);
        // The large documents in full at the `all` tier only.
        let large = if tier == "all" { Text::Full } else { Text::BytesOnly };
        g.catalogue(&format!("catalogue-{tier}-root"), at(), get("/"), Text::Full)
            .await;
        g.catalogue(
            &format!("catalogue-{tier}-operations"),
            at(),
            get("/operations"),
            Text::Full,
        )
        .await;
        g.catalogue(&format!("catalogue-{tier}-openapi"), at(), get("/openapi.json"), large)
            .await;
        g.catalogue(
            &format!("catalogue-{tier}-openapi-token"),
            at().config("connector_token", "tok3n-golden"),
            get("/openapi.json").header("authorization", "Bearer tok3n-golden"),
            Text::BytesOnly,
        )
        .await;
        let legacy = |method: &str, params: Value| {
            post(
                "/mcp",
                &json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string(),
            )
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-06-18")
        };
        g.catalogue(
            &format!("catalogue-{tier}-initialize"),
            at(),
            legacy(
                "initialize",
                json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "golden", "version": "1"}}),
            ),
            Text::Full,
        )
        .await;
        g.catalogue(
            &format!("catalogue-{tier}-tools-list"),
            at(),
            legacy("tools/list", json!({})),
            large,
        )
        .await;
        let modern = |method: &str| {
            let meta = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {}});
            post(
                "/mcp",
                &json!({"jsonrpc": "2.0", "id": "m-1", "method": method, "params": {"_meta": meta}}).to_string(),
            )
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", method)
        };
        g.catalogue(
            &format!("catalogue-{tier}-server-discover"),
            at(),
            modern("server/discover"),
            Text::Full,
        )
        .await;
        g.catalogue(
            &format!("catalogue-{tier}-tools-list-modern"),
            at(),
            modern("tools/list"),
            large,
        )
        .await;
    }

    // MCP.
    let rpc =
        |id: u64, method: &str, params: Value| json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
    g.mcp(
        "initialize",
        setup(),
        rpc(
            1,
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "golden", "version": "1"}}),
        ),
    )
    .await;
    g.mcp("tools-list", setup(), rpc(2, "tools/list", json!({}))).await;
    g.mcp(
        "tools-list-read-only",
        setup().config("read_only", "true"),
        rpc(2, "tools/list", json!({})),
    )
    .await;
    let tool_calls = [
        ("get-ticket", json!({"ticketId": 12345})),
        ("search-tickets", json!({"limit": 2})),
        ("get-ticket-messages", json!({"ticketId": 12345})),
        ("list-ticket-tags", json!({"ticketId": 12345})),
        ("add-ticket-tags", json!({"ticketId": 12345, "tagNames": ["vip"]})),
        ("find-customer-by-email", json!({"email": "customer@example.com"})),
        (
            "add-internal-note",
            json!({"ticketId": 12345, "senderUserId": 4567, "bodyText": "x"}),
        ),
        ("remove-ticket-tags", json!({"ticketId": 12345, "tagIds": [13]})),
        ("set-ticket-tags", json!({"ticketId": 12345, "tagNames": ["vip"]})),
        ("list-tags", json!({"search": "ship"})),
        ("list-views", json!({"limit": 2})),
        ("list-users", json!({})),
        ("list-teams", json!({})),
        ("get-customer", json!({"customerId": 98766})),
    ];
    for (tool, args) in tool_calls {
        g.mcp(
            &format!("call-{tool}"),
            setup(),
            rpc(3, "tools/call", json!({"name": tool, "arguments": args})),
        )
        .await;
    }
    g.mcp(
        "call-not-found",
        setup(),
        rpc(
            4,
            "tools/call",
            json!({"name": "get-ticket", "arguments": {"ticketId": 999}}),
        ),
    )
    .await;
    g.mcp(
        "call-invalid-arguments",
        setup(),
        rpc(
            4,
            "tools/call",
            json!({"name": "get-ticket", "arguments": {"ticketId": "x"}}),
        ),
    )
    .await;
    g.mcp(
        "call-unknown-tool",
        setup(),
        rpc(5, "tools/call", json!({"name": "merge-tickets", "arguments": {}})),
    )
    .await;
    g.mcp(
        "call-read-only-mutation",
        setup().config("read_only", "true"),
        rpc(
            6,
            "tools/call",
            json!({"name": "add-internal-note", "arguments": {"ticketId": 1, "senderUserId": 2, "bodyText": "x"}}),
        ),
    )
    .await;
    g.mcp("ping", setup(), rpc(7, "ping", json!({}))).await;
    g.mcp("unknown-method", setup(), rpc(8, "resources/list", json!({})))
        .await;

    // Typed exports: each function once, and an error of each kind it adds.
    g.typed("get-ticket", setup(), async |c, s| {
        c.gorgias_connector_tickets()
            .call_get_ticket(s, &conn(), wit::GetTicketRequest { ticket_id: 12345 })
            .await
    })
    .await;
    g.typed("get-ticket-not-found", setup(), async |c, s| {
        c.gorgias_connector_tickets()
            .call_get_ticket(s, &conn(), wit::GetTicketRequest { ticket_id: 999 })
            .await
    })
    .await;
    g.typed("get-ticket-zero", setup(), async |c, s| {
        c.gorgias_connector_tickets()
            .call_get_ticket(s, &conn(), wit::GetTicketRequest { ticket_id: 0 })
            .await
    })
    .await;
    g.typed("get-ticket-bad-account", setup(), async |c, s| {
        let bad = wit::Connection::ApiKey(wit::ApiKeyCredentials {
            account: "a.b".into(),
            ..creds()
        });
        c.gorgias_connector_tickets()
            .call_get_ticket(s, &bad, wit::GetTicketRequest { ticket_id: 1 })
            .await
    })
    .await;
    g.typed(
        "get-ticket-rate-limited",
        setup().script(gorgias_error(429, "").header("Retry-After", "45")),
        async |c, s| {
            c.gorgias_connector_tickets()
                .call_get_ticket(s, &conn(), wit::GetTicketRequest { ticket_id: 12345 })
                .await
        },
    )
    .await;
    g.typed("search-tickets", setup(), async |c, s| {
        let req = wit::SearchTicketsRequest {
            customer_id: Some(98765),
            view_id: None,
            external_id: None,
            order_by: Some("updated_datetime:desc".into()),
            limit: Some(1),
            cursor: None,
        };
        c.gorgias_connector_tickets()
            .call_search_tickets(s, &conn(), &req)
            .await
    })
    .await;
    g.typed("create-ticket", setup(), async |c, s| {
        let req = wit::CreateTicketRequest {
            idempotency_key: None,
            channel: "email".into(),
            customer_id: 98765,
            from_agent: false,
            subject: Some("Order hasn't shipped yet".into()),
            body_text: Some("Hi".into()),
            body_html: None,
            sender_user_id: None,
            status: None,
            from_email: Some("customer@example.com".into()),
            from_name: None,
            to_email: Some("support@yourstore.com".into()),
            to_name: None,
            external_id: None,
        };
        c.gorgias_connector_tickets().call_create_ticket(s, &conn(), &req).await
    })
    .await;
    g.typed("update-ticket", setup(), async |c, s| {
        let req = wit::UpdateTicketRequest {
            ticket_id: 12345,
            status: Some("closed".into()),
            priority: Some("high".into()),
            assignee_user_id: wit::Assignment::Assign(4567),
            assignee_team_id: wit::Assignment::Keep,
            subject: None,
        };
        c.gorgias_connector_tickets().call_update_ticket(s, &conn(), &req).await
    })
    .await;
    g.typed("update-ticket-unassign", setup(), async |c, s| {
        let req = wit::UpdateTicketRequest {
            ticket_id: 12345,
            status: None,
            priority: None,
            assignee_user_id: wit::Assignment::Unassign,
            assignee_team_id: wit::Assignment::Assign(78),
            subject: None,
        };
        c.gorgias_connector_tickets().call_update_ticket(s, &conn(), &req).await
    })
    .await;
    g.typed("update-ticket-nothing", setup(), async |c, s| {
        let req = wit::UpdateTicketRequest {
            ticket_id: 12345,
            status: None,
            priority: None,
            assignee_user_id: wit::Assignment::Keep,
            assignee_team_id: wit::Assignment::Keep,
            subject: None,
        };
        c.gorgias_connector_tickets().call_update_ticket(s, &conn(), &req).await
    })
    .await;
    g.typed("reply-to-ticket", setup(), async |c, s| {
        let req = wit::ReplyToTicketRequest {
            idempotency_key: None,
            ticket_id: 12345,
            channel: "email".into(),
            sender_user_id: 4567,
            body_text: Some("Thanks".into()),
            body_html: None,
            receiver_customer_id: Some(98765),
            from_email: Some("support@yourstore.com".into()),
            from_name: None,
            to_email: Some("customer@example.com".into()),
            to_name: None,
        };
        c.gorgias_connector_tickets()
            .call_reply_to_ticket(s, &conn(), &req)
            .await
    })
    .await;
    g.typed("add-internal-note", setup(), async |c, s| {
        let req = wit::AddInternalNoteRequest {
            idempotency_key: None,
            ticket_id: 12345,
            sender_user_id: 4567,
            body_text: Some("VIP".into()),
            body_html: None,
        };
        c.gorgias_connector_tickets()
            .call_add_internal_note(s, &conn(), &req)
            .await
    })
    .await;
    g.typed(
        "add-internal-note-5xx",
        setup().script(Scripted::new("POST", MESSAGES, 502, "")),
        async |c, s| {
            let req = wit::AddInternalNoteRequest {
                idempotency_key: None,
                ticket_id: 12345,
                sender_user_id: 4567,
                body_text: Some("VIP".into()),
                body_html: None,
            };
            c.gorgias_connector_tickets()
                .call_add_internal_note(s, &conn(), &req)
                .await
        },
    )
    .await;
    g.typed("get-ticket-messages", setup(), async |c, s| {
        let req = wit::GetTicketMessagesRequest {
            ticket_id: 12345,
            limit: Some(1),
            cursor: None,
            order_by: None,
        };
        c.gorgias_connector_tickets()
            .call_get_ticket_messages(s, &conn(), &req)
            .await
    })
    .await;
    g.typed("get-ticket-messages-newest-first", setup(), async |c, s| {
        let req = wit::GetTicketMessagesRequest {
            ticket_id: 12345,
            limit: None,
            cursor: None,
            order_by: Some("created_datetime:desc".into()),
        };
        c.gorgias_connector_tickets()
            .call_get_ticket_messages(s, &conn(), &req)
            .await
    })
    .await;
    g.typed("list-ticket-tags", setup(), async |c, s| {
        c.gorgias_connector_tickets()
            .call_list_ticket_tags(s, &conn(), wit::ListTicketTagsRequest { ticket_id: 12345 })
            .await
    })
    .await;
    g.typed("add-ticket-tags", setup(), async |c, s| {
        let req = wit::AddTicketTagsRequest {
            ticket_id: 12347,
            tag_names: vec!["vip".into(), "Escalated".into()],
            tag_ids: vec![13],
        };
        c.gorgias_connector_tickets()
            .call_add_ticket_tags(s, &conn(), &req)
            .await
    })
    .await;
    g.typed("find-customer-by-email", setup(), async |c, s| {
        c.gorgias_connector_customers()
            .call_find_customer_by_email(
                s,
                &conn(),
                &wit::FindCustomerByEmailRequest {
                    email: "customer@example.com".into(),
                },
            )
            .await
    })
    .await;
    g.typed("remove-ticket-tags", setup(), async |c, s| {
        let req = wit::RemoveTicketTagsRequest {
            ticket_id: 12345,
            tag_names: vec!["shipping".into(), "nope".into()],
            tag_ids: vec![],
        };
        c.gorgias_connector_tickets()
            .call_remove_ticket_tags(s, &conn(), &req)
            .await
    })
    .await;
    g.typed("set-ticket-tags", setup(), async |c, s| {
        let req = wit::SetTicketTagsRequest {
            ticket_id: 12345,
            tag_names: vec!["reshipped".into()],
            tag_ids: vec![11],
        };
        c.gorgias_connector_tickets()
            .call_set_ticket_tags(s, &conn(), &req)
            .await
    })
    .await;
    g.typed("list-tags", setup(), async |c, s| {
        let req = wit::ListTagsRequest {
            search: Some("VIP".into()),
            limit: Some(10),
            cursor: None,
        };
        c.gorgias_connector_directory().call_list_tags(s, &conn(), &req).await
    })
    .await;
    g.typed("list-views", setup(), async |c, s| {
        let req = wit::ListViewsRequest {
            limit: Some(2),
            cursor: None,
        };
        c.gorgias_connector_directory().call_list_views(s, &conn(), &req).await
    })
    .await;
    g.typed("list-users", setup(), async |c, s| {
        let req = wit::ListUsersRequest {
            search: None,
            limit: None,
            cursor: None,
        };
        c.gorgias_connector_directory().call_list_users(s, &conn(), &req).await
    })
    .await;
    g.typed("list-teams", setup(), async |c, s| {
        let req = wit::ListTeamsRequest {
            limit: None,
            cursor: None,
        };
        c.gorgias_connector_directory().call_list_teams(s, &conn(), &req).await
    })
    .await;
    g.typed("get-customer", setup(), async |c, s| {
        c.gorgias_connector_customers()
            .call_get_customer(s, &conn(), wit::GetCustomerRequest { customer_id: 98767 })
            .await
    })
    .await;
    g.typed("find-customer-by-email-invalid", setup(), async |c, s| {
        c.gorgias_connector_customers()
            .call_find_customer_by_email(s, &conn(), &wit::FindCustomerByEmailRequest { email: "nope".into() })
            .await
    })
    .await;

    g.finish();
}
