//! `GET /openapi.json` end to end, checked by a real OpenAPI 3.1 validator
//! (PyPI `openapi-spec-validator`, installed into `target/pyvenv` on first use)
//! and natively against the catalog.
mod support;

use bytes::Bytes;
use gorgias_connector::catalog;
use http_body_util::Full;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::config_for;
use support::fake_gorgias::FakeGorgias;
use support::host::Host;

/// The pinned validator version.
const VALIDATOR: &str = "openapi-spec-validator==0.8.5";

/// The venv's python with the validator, created under `target/` if missing.
fn validator_python() -> PathBuf {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        let venv = support::root().join("target").join("pyvenv");
        let py = venv.join("bin").join("python");
        let has = |py: &Path| {
            Command::new(py)
                .args(["-c", "import openapi_spec_validator"])
                .status()
                .is_ok_and(|s| s.success())
        };
        if !has(&py) {
            let created = Command::new("python3").arg("-m").arg("venv").arg(&venv).status();
            assert!(
                created.is_ok_and(|s| s.success()),
                "this test needs python3 (with venv) to install the OpenAPI validator {VALIDATOR} into {}",
                venv.display()
            );
            let pip = Command::new(&py)
                .args(["-m", "pip", "install", "--quiet", VALIDATOR])
                .status();
            assert!(
                pip.is_ok_and(|s| s.success()),
                "pip install {VALIDATOR} failed (needs access to PyPI once)"
            );
        }
        assert!(has(&py), "{VALIDATOR} is not importable from {}", py.display());
        py
    })
    .clone()
}

/// Runs the validator on `doc`; returns its output on failure.
fn validate(doc: &Value, name: &str) -> Result<(), String> {
    let dir = support::root().join("target").join("openapi-test");
    std::fs::create_dir_all(&dir).expect("create target/openapi-test");
    let file = dir.join(name);
    std::fs::write(&file, serde_json::to_vec_pretty(doc).expect("serialize")).expect("write the document");
    let out = Command::new(validator_python())
        .args(["-m", "openapi_spec_validator", "--schema", "3.1"])
        .arg(&file)
        .output()
        .expect("run openapi_spec_validator");
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

async fn served(config: &HashMap<String, String>) -> Value {
    let req = hyper::Request::builder()
        .method("GET")
        .uri("http://localhost/openapi.json")
        .header("authorization", "Bearer tok3n")
        .body(Full::new(Bytes::new()))
        .expect("request");
    let (r, _) = Host::shared().http(config, req).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("content-type"), Some("application/json"));
    r.json()
}

#[test]
fn the_validator_rejects_a_broken_document() {
    let mut doc = gorgias_connector::openapi::document(false, false);
    doc["paths"]["/get-ticket"]["post"]["responses"]["200"]
        .as_object_mut()
        .unwrap()
        .remove("description");
    let err = validate(&doc, "broken.json").expect_err("the validator must catch a missing description");
    assert!(err.contains("'description' is a required property"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_document_is_valid_openapi_3_1_and_matches_the_catalog() {
    let fake = FakeGorgias::start().await;
    let cfg = config_for(&fake);
    let doc = served(&cfg).await;
    validate(&doc, "openapi.json").unwrap_or_else(|e| panic!("invalid OpenAPI document:\n{e}"));
    assert_eq!(doc["openapi"], "3.1.0");
    for op in catalog::OPERATIONS {
        let post = &doc["paths"][format!("/{}", op.name)]["post"];
        assert_eq!(post["operationId"], op.name);
        assert_eq!(
            post["description"].as_str().unwrap().lines().next(),
            Some(op.description)
        );
        let props = post["requestBody"]["content"]["application/json"]["schema"]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{} has no request schema", op.name));
        assert_eq!(props.keys().cloned().collect::<Vec<_>>().len(), op.params.len());
        let body = &post["requestBody"]["content"]["application/json"];
        catalog::check_schema(&body["example"], &body["schema"], "$")
            .unwrap_or_else(|e| panic!("{} example does not fit its schema: {e}", op.name));
        for p in op.params {
            assert_eq!(props[p.name]["description"], p.description, "{}.{}", op.name, p.name);
        }
        assert_eq!(
            post["responses"]["200"]["content"]["application/json"]["schema"],
            op.output_schema()
        );
    }
    for path in ["/health", "/operations", "/mcp"] {
        assert!(doc["paths"].get(path).is_some(), "{path}");
    }
    assert!(doc.get("security").is_none());
    assert!(fake.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_and_token_variants_are_valid_too() {
    let fake = FakeGorgias::start().await;
    let mut cfg = config_for(&fake);
    cfg.insert("read_only".into(), "true".into());
    cfg.insert("connector_token".into(), "tok3n".into());
    let doc = served(&cfg).await;
    validate(&doc, "openapi-read-only.json").unwrap_or_else(|e| panic!("invalid OpenAPI document:\n{e}"));
    let ops: Vec<&String> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|p| !["/health", "/operations", "/mcp"].contains(&p.as_str()))
        .collect();
    let expected: Vec<String> = catalog::available(true).map(|o| format!("/{}", o.name)).collect();
    assert_eq!(ops.len(), 10);
    for p in &expected {
        assert!(ops.contains(&p), "{p}");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["connectorToken"]["scheme"],
        "bearer"
    );
}
