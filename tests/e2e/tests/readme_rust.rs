//! The README's Rust code compiles, as a new user would paste it.
//!
//! Every fenced block opening with "```rust" in `README.md` is written as
//! the `src/main.rs` of a scratch binary crate under `target/readme-rust/`
//! whose dependencies are this crate's dev-dependencies (wasmtime 48 and
//! its WASI crates, tokio, …, and gorgias-connector by path), with the
//! repository's `Cargo.lock`, and built with `cargo build --offline` into
//! the shared `target/` (the crates the e2e tests built are reused). So a
//! block must be a whole program: its `use` lines and a `main`.
//!
//! A block that is only a fragment opens with "```rust,ignore" and its
//! first line is a `//` comment saying why; keep that rare. Every block
//! is reported before the test fails.
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A ```rust block of the README: its first line number and its code.
struct Block {
    line: usize,
    ignored: bool,
    code: String,
}

fn rust_blocks(readme: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in readme.lines().enumerate() {
        let t = line.trim_end();
        match open.as_mut() {
            None => {
                if let Some(info) = t.strip_prefix("```rust") {
                    let ignored = match info {
                        "" => false,
                        ",ignore" => true,
                        other => panic!("README.md line {}: unknown ```rust{other} fence", i + 1),
                    };
                    open = Some(Block {
                        line: i + 1,
                        ignored,
                        code: String::new(),
                    });
                }
            }
            Some(b) if t == "```" => {
                let _ = b;
                blocks.push(open.take().expect("open block"));
            }
            Some(b) => {
                b.code.push_str(line);
                b.code.push('\n');
            }
        }
    }
    assert!(open.is_none(), "README.md: a ```rust block is not closed");
    blocks
}

/// The `[dependencies]` of a scratch crate: tests/e2e's dev-dependencies,
/// the path dependency made absolute.
fn dependencies() -> String {
    let manifest = std::fs::read_to_string(support::root().join("tests/e2e/Cargo.toml")).expect("tests/e2e/Cargo.toml");
    let deps: String = manifest
        .lines()
        .skip_while(|l| l.trim() != "[dev-dependencies]")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| {
            if l.starts_with("serde_json") {
                // `workspace = true` means nothing outside the workspace: the root's pin.
                "serde_json = \"1\"\n".to_string()
            } else {
                format!(
                    "{}\n",
                    l.replace("path = \"../..\"", &format!("path = {:?}", support::root()))
                )
            }
        })
        .collect();
    assert!(
        deps.contains("wasmtime ="),
        "tests/e2e's dev-dependencies name wasmtime: {deps}"
    );
    deps
}

/// The repository's `[profile.*]` sections, copied into a scratch crate:
/// a crate outside the workspace does not read them, and without them
/// its dependencies (wasmtime, cranelift, …) would be rebuilt under other
/// settings (full debug info) instead of reusing what the e2e tests built,
/// which costs minutes and gigabytes of `target/`.
fn profiles() -> String {
    let manifest = std::fs::read_to_string(support::root().join("Cargo.toml")).expect("Cargo.toml");
    let mut out = String::new();
    let mut inside = false;
    for l in manifest.lines() {
        let t = l.trim();
        if t.starts_with('[') {
            inside = t.starts_with("[profile.");
        }
        if inside && !t.starts_with('#') {
            out.push_str(l);
            out.push('\n');
        }
    }
    assert!(
        out.contains("[profile.dev]"),
        "Cargo.toml has a [profile.dev] section: {out}"
    );
    out
}

/// Builds `code` as a scratch binary; `Err` holds cargo's diagnostics.
fn build(dir: &Path, code: &str) -> Result<(), String> {
    // One build at a time: the scratch crates share the target directory.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    std::fs::create_dir_all(dir.join("src")).expect("create the scratch crate");
    // A name of its own per scratch crate: each is the root of its own
    // workspace, so cargo hashes its path as "" and two crates of one name
    // share a fingerprint; the second build was then taken as fresh and a
    // block that does not compile "built" (seen on a fresh clone).
    let name = format!(
        "readme-{}",
        dir.file_name()
            .and_then(|n| n.to_str())
            .expect("a scratch directory named in UTF-8")
    );
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         # Not a member of the repository's workspace.\n[workspace]\n\n[dependencies]\n{}\n{}",
        dependencies(),
        profiles()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    std::fs::write(dir.join("src/main.rs"), code).expect("write src/main.rs");
    // An embedder keeps a copy of the connector's `wit/` beside its Cargo.toml
    // (the README's `bindgen!` reads `path: "wit"`): link the repository's.
    let wit = dir.join("wit");
    if std::fs::symlink_metadata(&wit).is_err() {
        std::os::unix::fs::symlink(support::root().join("wit"), &wit).expect("link wit/ into the scratch crate");
    }
    // The repository's lock: the same versions the e2e tests built, nothing fetched.
    std::fs::copy(support::root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--offline", "--quiet", "--message-format=short"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", support::root().join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    let out = support::process::run("cargo build (README Rust block)", &mut cmd);
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn every_rust_block_of_the_readme_compiles_as_a_program() {
    let readme = std::fs::read_to_string(support::root().join("README.md")).expect("README.md");
    let blocks = rust_blocks(&readme);
    assert!(!blocks.is_empty(), "README.md has no ```rust block: nothing to check");
    let scratch: PathBuf = support::root().join("target").join("readme-rust");
    let mut failures = Vec::new();
    for b in &blocks {
        if b.ignored {
            assert!(
                b.code.trim_start().starts_with("//"),
                "README.md line {}: a ```rust,ignore block opens with a `//` line saying why",
                b.line
            );
            continue;
        }
        if let Err(why) = build(&scratch.join(format!("line-{}", b.line)), &b.code) {
            failures.push(format!("README.md line {} does not compile:\n{why}", b.line));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fences_are_read_as_written() {
    let text = "a\n```rust\nfn main() {}\n```\n```rust,ignore\n// a fragment\nlet x = 1;\n```\n```sh\nls\n```\n";
    let blocks = rust_blocks(text);
    assert_eq!(blocks.len(), 2);
    assert_eq!((blocks[0].line, blocks[0].ignored), (2, false));
    assert_eq!(blocks[0].code, "fn main() {}\n");
    assert_eq!((blocks[1].line, blocks[1].ignored), (5, true));
    match build(
        &support::root().join("target/readme-rust/self-test"),
        "fn main() { let x: u8 = \"no\"; }",
    ) {
        Ok(()) => panic!("a block that does not type-check was built"),
        Err(e) => assert!(e.contains("mismatched types"), "cargo said:\n{e}"),
    }
}

/// Every WIT package version the README names is the one `wit/world.wit` declares.
#[test]
fn the_readme_names_the_current_wit_version() {
    let world = std::fs::read_to_string(support::root().join("wit/world.wit")).expect("wit/world.wit");
    let version = world
        .lines()
        .find_map(|l| l.trim().strip_prefix("package gorgias:connector@"))
        .and_then(|v| v.strip_suffix(';'))
        .expect("wit/world.wit declares package gorgias:connector@<version>;");
    let readme = std::fs::read_to_string(support::root().join("README.md")).expect("README.md");
    let named: Vec<&str> = readme
        .split("gorgias:connector@")
        .skip(1)
        .map(|rest| {
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
                .next()
                .unwrap_or("")
        })
        .map(|v| v.trim_end_matches('.'))
        .collect();
    assert!(!named.is_empty(), "README.md names no gorgias:connector@<version>");
    for v in named {
        assert_eq!(
            v, version,
            "README.md names gorgias:connector@{v}; wit/world.wit declares {version}"
        );
    }
}
