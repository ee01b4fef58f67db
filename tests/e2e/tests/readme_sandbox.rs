//! The README's sandbox walk-through, run as a new user would: the serve
//! example with `--sandbox` (what `cargo run --locked --example serve --
//! --sandbox` starts), then every `sh` block of the sections below through
//! `bash` (one shell per section), with `localhost:8080` pointed at the port the example got. Each
//! `curl` must answer one JSON object, and none may be a route error.
//!
//! The example is built with `cargo build --locked --example serve` (what
//! `cargo run` does first); its fake Gorgias takes 127.0.0.1:8081, as the README says.

#[allow(dead_code, reason = "shared test support: this test uses part of it")]
#[path = "support/runtimes.rs"]
mod runtimes;
mod support;

use runtimes::{Running, root};
use serde_json::Value;
use std::process::Command;
use std::time::Duration;

/// The README sections whose commands run against the sandbox.
const SECTIONS: &[&str] = &[
    "## Quick start",
    "## Sandbox",
    "## Health",
    "## OpenAPI",
    "## MCP (for AI agents)",
    "## Triggers: new ticket, ticket updated, new message",
];

/// The `sh` blocks of README section `heading` that run `curl`, without the
/// lines that start the server (`cargo …`, which the test does itself) or
/// need credentials (`GORGIAS_…`).
fn blocks(heading: &str) -> Vec<String> {
    runtimes::readme_sh_blocks(heading)
        .into_iter()
        .filter(|b| b.contains("curl "))
        .map(|b| {
            b.lines()
                .filter(|l| {
                    let t = l.trim_start();
                    !(t.starts_with("cargo ")
                        || t.starts_with("GORGIAS_")
                        || t.starts_with("READ_ONLY")
                        || t.starts_with("ACCESS="))
                })
                .map(|l| format!("{l}\n"))
                .collect()
        })
        .collect()
}

/// The JSON values `text` holds, one after another.
fn values(text: &str) -> Vec<Value> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .map(|v| v.unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}")))
        .collect()
}

#[test]
fn the_readme_sandbox_commands_run_as_written() {
    // The build half of the README's `cargo run --locked --example serve -- --sandbox`
    // (a no-op after `cargo test`, which builds the example; a targeted run may hold a stale one).
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .args(["build", "--locked", "--example", "serve"])
        .current_dir(root());
    runtimes::clean_cargo_env(&mut build);
    runtimes::run_ok(build, "cargo build --locked --example serve");
    let exe = root().join("target/debug/examples/serve");
    let port = runtimes::free_port();
    let addr = format!("127.0.0.1:{port}").parse().expect("an address");
    let dir = runtimes::scratch_dir("readme-sandbox");
    let mut cmd = Command::new(&exe);
    cmd.args(["--sandbox", "--port", &port.to_string()]).current_dir(&dir);
    runtimes::clean_cargo_env(&mut cmd);
    let server = Running::start(cmd, addr, dir.clone(), Duration::from_secs(300));

    let mut ran = 0;
    for heading in SECTIONS {
        let found = blocks(heading);
        assert!(!found.is_empty(), "README section {heading:?} shows no curl command");
        // One shell per section: a later block may use a variable an earlier one set (`$J`).
        for block in [found.concat()] {
            let script = block
                .replace("localhost:8080", &format!("127.0.0.1:{port}"))
                .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"));
            let out = Command::new("bash")
                .args(["-eu", "-o", "pipefail", "-c", &script])
                .current_dir(&dir)
                .output()
                .expect("bash runs");
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{heading}: the block failed ({}):\n{script}\n{}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr),
                server.log()
            );
            // A curl that writes to a file (`> openapi.json`) prints nothing.
            let curls = script
                .lines()
                .filter(|l| l.trim_start().starts_with("curl ") && !l.contains(" > "))
                .count();
            let answers = values(&stdout);
            assert_eq!(
                answers.len(),
                curls,
                "{heading}: one JSON answer per curl:\n{script}\n{stdout}"
            );
            for a in &answers {
                assert!(a.is_object(), "{heading}: {a}");
                assert!(
                    a.get("error").is_none(),
                    "{heading}: an error answer {a}\nfor:\n{script}"
                );
            }
            ran += curls;
            if script.contains("\"priority\":\"urgent\"") {
                // The README: "The second answers with isError: true and an
                // invalid-input error naming priority".
                let last = answers.last().expect("an answer");
                assert_eq!(last["result"]["isError"], true, "{last}");
                let text = last["result"]["content"][0]["text"].as_str().unwrap_or_default();
                assert!(text.contains("invalid-input") && text.contains("priority"), "{text}");
            }
        }
    }
    let openapi = std::fs::read_to_string(dir.join("openapi.json")).expect("the OpenAPI block wrote openapi.json");
    assert_eq!(values(&openapi)[0]["openapi"], "3.1.0");
    assert!(ran >= SECTIONS.len(), "ran {ran} curl commands");
}
