//! Child processes of the tests (npm, node, pip, Python clients): bounded in
//! time, their output captured for the failure message.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Upper bound for one install or client run, so a hung child cannot hang `cargo test`.
pub const STEP_LIMIT: Duration = Duration::from_secs(600);

/// Runs `cmd` to completion (killing it after [`STEP_LIMIT`]) and returns its output.
pub fn run(what: &str, cmd: &mut Command) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let out = drain(child.stdout.take().expect("piped stdout"));
    let err = drain(child.stderr.take().expect("piped stderr"));
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for the child") {
            break s;
        }
        if started.elapsed() > STEP_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {STEP_LIMIT:?}, killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

/// Reads `r` to the end on a thread.
pub fn drain(mut r: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut b = Vec::new();
        r.read_to_end(&mut b).map(|_| b).unwrap_or_default()
    })
}

/// Like [`run`], and fails the test with the child's output unless it succeeded.
pub fn run_ok(what: &str, cmd: &mut Command) -> Output {
    let out = run(what, cmd);
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The python of a venv under `target/<name>` with `requirements` installed
/// (`pip install -r`, pinned versions), made on first use and installed again
/// when the file changes (a stamp in the venv holds what was installed).
/// `Err` says why not when python3 or its `venv` module is missing; a failed
/// install fails the test. Call it once per test binary (behind a `OnceLock`):
/// two `python3 -m venv` into one directory at once make one of them fail.
pub fn venv(name: &str, requirements: &std::path::Path) -> Result<std::path::PathBuf, String> {
    let ok = |c: &mut Command| c.output().is_ok_and(|o| o.status.success());
    if !ok(Command::new("python3").arg("--version")) {
        return Err("`python3` is not on the PATH".into());
    }
    let venv = super::root().join("target").join(name);
    let py = venv.join("bin").join("python");
    let shown = requirements
        .strip_prefix(super::root())
        .unwrap_or(requirements)
        .display();
    let wanted = std::fs::read(requirements).unwrap_or_else(|e| panic!("read {shown}: {e}"));
    let stamp = venv.join("installed-requirements.txt");
    if std::fs::read(&stamp).ok().as_ref() != Some(&wanted) {
        if !py.exists() && !ok(Command::new("python3").arg("-m").arg("venv").arg(&venv)) {
            return Err(format!(
                "python3 cannot create a venv in target/{name} (is its venv module installed?)"
            ));
        }
        run_ok(
            &format!("pip install -r {shown} (needs PyPI once)"),
            Command::new(&py)
                .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
                .arg(requirements),
        );
        std::fs::write(&stamp, &wanted).expect("write the install stamp");
    }
    Ok(py)
}
