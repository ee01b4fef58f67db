//! The typed WIT exports called from another language: JavaScript in Node,
//! through `jco transpile` (polyglot/), against the fake Gorgias.
//!
//! The test builds the component, installs polyglot/'s pinned npm packages
//! (`npm ci`, once), transpiles the component with the `wasi:config/store`
//! import mapped to polyglot/config-store.js, runs `node --test test.mjs` and
//! the README's example.mjs with the fake's URL and credentials in the
//! environment, then checks what reached the fake.
//!
//! Without `node`/`npm` on the PATH it prints a skip notice and passes, unless
//! `CI` is set: then a missing Node is a failure.
mod support;

use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;
use support::fake_gorgias::{self, FakeGorgias};
use support::process::run_ok;

fn polyglot_dir() -> PathBuf {
    support::root().join("polyglot")
}

/// `CI` set to anything but the empty string.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// Oldest Node the pinned jco supports (its `rolldown` dependency: `^20.19.0 || >=22.12.0`).
const MIN_NODE: (u32, u32) = (20, 19);

/// `node --version` as (major, minor), when node runs.
fn node_version() -> Option<(u32, u32)> {
    let out = Command::new("node")
        .arg("--version")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let v = String::from_utf8_lossy(&out.stdout);
    let mut parts = v.trim().trim_start_matches('v').split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    out.status.success().then_some((major, minor))
}

/// Whether `tool --version` runs.
fn available(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Why the test cannot run here, if it cannot.
fn missing_tools() -> Option<String> {
    match node_version() {
        None => return Some("`node` is not on the PATH".into()),
        Some(v) if v < MIN_NODE => {
            return Some(format!(
                "node {}.{} is older than {}.{}",
                v.0, v.1, MIN_NODE.0, MIN_NODE.1
            ));
        }
        Some(_) => {}
    }
    (!available("npm")).then(|| "`npm` is not on the PATH".into())
}

fn modified(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// `npm ci` unless node_modules is already installed from the current lockfile.
fn npm_ci(dir: &Path) {
    let installed = modified(&dir.join("node_modules").join(".package-lock.json"));
    let lock = modified(&dir.join("package-lock.json"));
    if installed.is_some() && installed >= lock && dir.join("node_modules/.bin/jco").exists() {
        return;
    }
    run_ok(
        "npm ci (polyglot/)",
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir),
    );
}

#[test]
fn typed_exports_from_javascript_via_jco() {
    if let Some(why) = missing_tools() {
        assert!(!in_ci(), "CI is set, but {why}: the polyglot (jco) test cannot run");
        // Straight to stderr: libtest captures `eprintln!` of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED polyglot::typed_exports_from_javascript_via_jco: {why} (needs Node >= {}.{} and npm; \
             with CI set this is a failure)",
            MIN_NODE.0,
            MIN_NODE.1
        );
        return;
    }
    let dir = polyglot_dir();

    // 1. The shipped (wasm-opt optimised) component, where polyglot/package.json's
    //    `transpile` script expects it (Node is here, so it is the optimised one).
    let wasm = support::host::build_component();
    assert_eq!(
        wasm,
        support::root().join("target/component/dist/gorgias_connector.wasm")
    );

    // 2. Pinned jco + preview2-shim, then `jco transpile` into polyglot/generated/.
    npm_ci(&dir);
    run_ok(
        "npm run transpile",
        Command::new("npm")
            .args(["run", "--silent", "transpile"])
            .current_dir(&dir),
    );
    assert!(dir.join("generated/gorgias_connector.js").exists());

    // 3. The fake Gorgias on this process's runtime; node blocks this thread only.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(FakeGorgias::start());
    let node = |args: &[&str]| {
        let mut cmd = Command::new("node");
        cmd.args(args)
            .current_dir(&dir)
            .env("GORGIAS_BASE_URL", fake.base_url())
            .env("GORGIAS_ACCOUNT", fake_gorgias::ACCOUNT)
            .env("GORGIAS_EMAIL", fake_gorgias::EMAIL)
            .env("GORGIAS_API_KEY", fake_gorgias::API_KEY)
            .env_remove("NODE_OPTIONS");
        cmd
    };

    // 4. The JS test suite: every assertion on the JS side lives in test.mjs.
    let out = run_ok(
        "node --test test.mjs",
        &mut node(&["--test", "--test-reporter=spec", "test.mjs"]),
    );
    let report = String::from_utf8_lossy(&out.stdout);
    eprintln!("{report}");
    // `node --test` also exits 0 when no test ran: count them.
    let summary = |k: &str| report.lines().any(|l| l.trim() == format!("ℹ {k}"));
    assert!(summary("tests 7") && summary("pass 7") && summary("fail 0"), "{report}");

    // 5. What reached Gorgias: invalid input and the JS-side argument errors sent nothing.
    let requests = fake.requests();
    let lines = fake.lines_batches_sorted();
    assert_eq!(lines.len(), 19, "{lines:#?}");
    assert_eq!(
        lines[..17],
        [
            "GET /api/tickets/12345",
            "GET /api/tickets?customer_id=98765&order_by=updated_datetime%3Adesc&limit=1&trashed=false",
            "GET /api/tickets?customer_id=98765&order_by=updated_datetime%3Adesc&limit=1&cursor=cur-1&trashed=false",
            "GET /api/customers?email=customer%40example.com",
            "GET /api/customers?email=nobody%40example.com",
            // No primary address matched: the email channels are asked (defect 7).
            "GET /api/customers?channel_type=email&channel_address=nobody%40example.com",
            "GET /api/messages?ticket_id=12345&order_by=created_datetime%3Aasc&limit=2",
            "GET /api/tickets/12345/tags",
            "GET /api/tickets/999",
            "GET /api/tickets/12345",
            "POST /api/tickets/12345/messages",
            // Looked up together (in any order), then the create.
            "GET /api/tags?search=from-js&limit=100",
            "GET /api/tags?search=vip&limit=100",
            "POST /api/tags",
            "POST /api/tickets/12347/tags",
            "GET /api/tickets/12347/tags",
            "POST /api/tickets",
        ]
    );
    // The update goes to the ticket just created, whose ID the JS side got back as a BigInt.
    let created: u64 = lines[17]
        .strip_prefix("PUT /api/tickets/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(![12345, 12346, 12347].contains(&created), "{lines:#?}");
    assert_eq!(lines[18], "POST /api/tickets/12345/messages");

    let basic = format!(
        "Basic {}",
        fake_gorgias::b64(format!("{}:{}", fake_gorgias::EMAIL, fake_gorgias::API_KEY).as_bytes())
    );
    let wrong = format!(
        "Basic {}",
        fake_gorgias::b64(format!("{}:wrong-key-from-js", fake_gorgias::EMAIL).as_bytes())
    );
    for (i, r) in requests.iter().enumerate() {
        // Request 9 is the one made with the wrong key on purpose.
        let expected = if i == 9 { &wrong } else { &basic };
        assert_eq!(r.header("authorization"), Some(expected.as_str()), "{}", r.line());
        if r.method == "GET" {
            assert_eq!(r.body, None, "{}", r.line());
        }
    }
    // A create's body with the key the connector made up (no caller key) blanked.
    let blanked = |i: usize| support::body_keys_blanked(requests[i].body.as_ref()).unwrap_or(Value::Null);
    // add-internal-note
    assert_eq!(
        blanked(10),
        json!({
            "channel": "internal-note", "via": "api", "from_agent": true, "public": false,
            "sender": {"id": 4567},
            "body_text": "Customer called: wants express shipping (from JavaScript).",
            "external_id": "gc-<random>"
        })
    );
    // add-ticket-tags: "from-js" is created, then the existing "vip" (11) and the new tag are added.
    assert_eq!(requests[13].body, Some(json!({"name": "from-js"})));
    let ids = requests[14].body.as_ref().unwrap()["ids"].as_array().unwrap().clone();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert_eq!(ids[0], json!(11));
    assert!(ids[1].as_u64().is_some_and(|id| id > 13), "{ids:?}");
    assert_eq!(fake.ticket_tag_names(12347), vec!["vip", "from-js"]);
    // create-ticket
    let create = requests[16].body.clone().unwrap();
    assert_eq!(
        (
            &create["channel"],
            &create["status"],
            &create["subject"],
            &create["customer"]
        ),
        (
            &json!("chat"),
            &json!("closed"),
            &json!("Follow-up from JavaScript"),
            &json!({"id": 98765})
        )
    );
    assert_eq!(create["messages"][0]["sender"], json!({"id": 4567}));
    assert_eq!(create["messages"][0]["body_text"], json!("We shipped it."));
    assert_eq!(blanked(16)["external_id"], "gc-<random>");
    // update-ticket: only the given fields; `unassign` is null
    assert_eq!(
        requests[17].body,
        Some(json!({"priority": "low", "assignee_user": null, "assignee_team": {"id": 78}}))
    );
    // reply-to-ticket
    let reply = requests[18].body.clone().unwrap();
    assert_eq!(blanked(18)["external_id"], "gc-<random>");
    assert_eq!(
        (&reply["channel"], &reply["public"], &reply["body_html"]),
        (&json!("email"), &json!(true), &json!("<p>Reshipped.</p>"))
    );
    assert_eq!(
        reply["source"],
        json!({"type": "email", "from": {"address": "support@yourstore.com"},
               "to": [{"address": "customer@example.com", "name": "Jane Doe"}]})
    );

    // 6. The README's example, as printed there.
    fake.clear_log();
    let out = run_ok("node example.mjs", &mut node(&["example.mjs"]));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        vec![
            "ticket 12345: Order hasn't shipped yet (open, customer 98765n)",
            "ticket 999: not-found, status 404",
        ],
        "{stdout}"
    );
    assert_eq!(fake.lines(), vec!["GET /api/tickets/12345", "GET /api/tickets/999"]);
}
