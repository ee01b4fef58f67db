//! Shared test support: the fake Gorgias and the wasmtime host.
#![allow(
    dead_code,
    missing_docs,
    clippy::unwrap_used,
    reason = "test support: a failed unwrap is a failed test"
)]

pub mod dynamic;
pub mod fake_gorgias;
pub mod host;
pub mod process;
pub mod serve;

use std::collections::HashMap;
use std::path::PathBuf;

/// The repository root (this crate is `tests/e2e`): `wit/`, `spin.toml`,
/// `tools/`, `polyglot/`, `bench/` and the shared `target/` are there.
pub fn root() -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    dir.parent().and_then(|p| p.parent()).unwrap().to_path_buf()
}

/// Configuration pointing the component at `fake` with the sandbox credentials.
pub fn config_for(fake: &fake_gorgias::FakeGorgias) -> HashMap<String, String> {
    HashMap::from([
        ("gorgias_account".to_string(), fake_gorgias::ACCOUNT.to_string()),
        ("gorgias_email".to_string(), fake_gorgias::EMAIL.to_string()),
        ("gorgias_api_key".to_string(), fake_gorgias::API_KEY.to_string()),
        ("gorgias_base_url".to_string(), fake.base_url()),
    ])
}

/// [`config_for`] at `access = all`: every operation of the registry is
/// offered (the default tier, `write`, hides the deletions; tests/access.rs
/// covers every tier).
#[allow(dead_code)]
pub fn config_all(fake: &fake_gorgias::FakeGorgias) -> HashMap<String, String> {
    let mut c = config_for(fake);
    c.insert("access".to_string(), "all".to_string());
    c
}

/// A request body recorded by the fake with every key the connector made up
/// written `gc-<random>` ([`random_keys_blanked`]).
#[allow(dead_code)]
pub fn body_keys_blanked(body: Option<&serde_json::Value>) -> Option<serde_json::Value> {
    body.map(|b| serde_json::from_str(&random_keys_blanked(&b.to_string())).expect("a blanked JSON body is JSON"))
}

/// `text` with every idempotency key the connector made up (`gc-` and 32
/// hex digits, random per call) written `gc-<random>`.
#[allow(dead_code)]
pub fn random_keys_blanked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("gc-") {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let hex = &from[3..];
        if hex.len() >= 32 && hex.as_bytes()[..32].iter().all(|b| b.is_ascii_hexdigit()) {
            out.push_str("gc-<random>");
            rest = &hex[32..];
        } else {
            out.push_str("gc-");
            rest = hex;
        }
    }
    out.push_str(rest);
    out
}
