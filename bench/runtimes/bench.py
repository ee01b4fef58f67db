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
- a 100-ticket page: connector POST /search-tickets {"limit": 100} (one upstream
  GET /api/tickets?..., 100 tickets parsed, mapped and serialized) against the
  pass-through forwarding POST /api/tickets?limit=100 (the same page copied
  back), --page-requests interleaved rounds.
- hostile bodies (issue 10, point 7): the four 1 MiB POST /get-ticket bodies of
  cargo bench's hostile rows (one long string, accepted + whitespace, duplicate
  keys, deep nesting), --hostile-rounds interleaved rounds; ratios are p50 of a
  hostile body over p50 of the long-string one (target < 3).
- Spin twice: variables from SPIN_VARIABLE_* (Spin's default env provider) and
  from a static runtime-config provider (--spin-variables).
- CPU per request: user + system time of the runtime's whole process group
  (/proc/<pid>/stat of every process in it; Spin runs its trigger as a child)
  over those N requests, divided by N.
- cold start: process start to the first complete answer (GET /operations for
  the connector, GET / for the pass-through), compile cache on (after one run to
  fill it) and off (`spin up --disable-cache`, `wasmtime serve -C cache=n`),
  median and range of --cold-runs runs.
- size: bytes of each served .wasm.
- CPU per request of GET /operations (no upstream call), measured over the
  kept-alive GET /operations run, beside the pass-through's get-ticket CPU.
- issue 20, slow upstream: a second upstream.py that answers every call after
  --slow-latency-ms (50), and per host one connector against it, --slow-rounds
  interleaved rounds of: POST /get-ticket (one call), POST /add-ticket-tags
  with 5 names no tag has (5 lookups, 5 creates, the apply: 11 calls, in 3
  rounds when calls go out together) and POST /set-ticket-tags with 5 existing
  names (5 lookups, the replace); wall time p50 / mean and each over
  get-ticket's. --slow-only runs just these rows (and --wasmtime-connector /
  --spin-connector serve another build, to compare).

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


def group_pids(pgid):
    """The live processes of process group `pgid`."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[0] is field 3 (state): pgrp is field 5.
        if int(fields[2]) == pgid:
            yield pid, fields


def group_cpu_seconds(pgid):
    """User + system time of every live process in group `pgid` (utime is field 14, stime 15)."""
    return sum(int(f[11]) + int(f[12]) for _, f in group_pids(pgid)) / CLK_TCK


def group_memory_kib(pgid):
    """Sums of VmHWM (each process's peak resident set) and VmRSS over group `pgid`, KiB."""
    out = {"hwm": 0, "rss": 0}
    for pid, _ in group_pids(pgid):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    key = {"VmHWM:": "hwm", "VmRSS:": "rss"}.get(line.split(None, 1)[0])
                    if key:
                        out[key] += int(line.split()[1])
        except OSError:
            continue
    return out


class Server:
    """A runtime in its own process group, stopped by stop()."""

    def __init__(self, cmd, port, env, cwd, pipes=False):
        """`pipes`: stdin and stdout are pipes (an MCP server on stdio), stderr the log."""
        self.port = port
        self.log = tempfile.TemporaryFile()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE if pipes else self.log,
                                     stderr=self.log if pipes else subprocess.STDOUT,
                                     stdin=subprocess.PIPE if pipes else subprocess.DEVNULL, start_new_session=True)

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
        return group_cpu_seconds(self.proc.pid)

    def memory_kib(self):
        """{"hwm": sum of VmHWM, "rss": sum of VmRSS} (KiB) over the live processes of the group."""
        return group_memory_kib(self.proc.pid)

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


def wasmtime_server(wasmtime, wasm_kind, upstream, port, cache, workdir, connector=None):
    cmd = [wasmtime, "serve", "-Scli", "-Sconfig", "--addr", f"127.0.0.1:{port}", "-C", f"cache={'y' if cache else 'n'}"]
    if wasm_kind == "connector":
        cmd += ["-Sconfig-var=gorgias_account=bench", "-Sconfig-var=gorgias_email=agent@bench.example",
                "-Sconfig-var=gorgias_api_key=bench-key", f"-Sconfig-var=gorgias_base_url={upstream}",
                connector or CONNECTOR_WASMTIME]
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


HOSTILE_LEN = 1024 * 1024


def hostile_bodies():
    """The four 1 MiB POST /get-ticket bodies of cargo bench's hostile rows."""
    def body_of(start, unit, count, tail):
        b = start + unit * count + tail
        assert len(b) <= HOSTILE_LEN, len(b)
        return (b + " " * (HOSTILE_LEN - len(b))).encode()
    unit = '"ticketId":12345,'
    depth = (HOSTILE_LEN - len('{"ticketId":}')) // 2
    return [
        ("ordinary: one long string", body_of('{"ticketId":12345,"note":"', "a",
                                              HOSTILE_LEN - len('{"ticketId":12345,"note":""}'), '"}')),
        ("ordinary: accepted + whitespace", body_of('{"ticketId":12345}', "", 0, "")),
        ("duplicate keys", body_of("{", unit, (HOSTILE_LEN - 2 - len(unit)) // len(unit), '"ticketId":12345}')),
        ("deep nesting", body_of('{"ticketId":', "", 0, "[" * depth + "]" * depth + "}")),
    ]


def start_upstream(latency_ms=0, env=None):
    """upstream.py on a free port: (process, base URL). `env`: extra environment
    (upstream.py's UPSTREAM_TLS_* to answer HTTPS on a second port too)."""
    port = free_port()
    cmd = [sys.executable, os.path.join(ROOT, "bench", "runtimes", "upstream.py"), str(port),
           os.path.join(ROOT, "tests", "fixtures")]
    if latency_ms:
        cmd.append(str(latency_ms))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, start_new_session=True, env=dict(os.environ, **(env or {})))
    proc.stdout.readline()
    return proc, f"http://127.0.0.1:{port}"


SLOW_REQUESTS = [
    ("get-ticket", ("POST", "/get-ticket", b'{"ticketId": 12345}')),
    ("add-ticket-tags, 5 new names", ("POST", "/add-ticket-tags", json.dumps(
        {"ticketId": 12345, "tagNames": [f"new-{i}" for i in range(5)]}).encode())),
    ("set-ticket-tags, 5 names", ("POST", "/set-ticket-tags", json.dumps(
        {"ticketId": 12345, "tagNames": [f"have-{i}" for i in range(5)]}).encode())),
]


def slow_rows(start, upstream, workdir, rounds):
    """Issue 20's rows: one connector against the slow upstream, `rounds`
    interleaved rounds of SLOW_REQUESTS; wall time per row and over get-ticket's."""
    server = start("connector", upstream, free_port(), True, workdir)
    try:
        server.wait_first_answer("/operations")
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)

        def one(req):
            method, path, body = req
            t = time.perf_counter()
            conn.request(method, path, body=body, headers={"content-type": "application/json"})
            r = conn.getresponse()
            text = r.read()
            assert r.status == 200, (path, r.status, text[:300])
            return time.perf_counter() - t

        for _ in range(2):
            for _, req in SLOW_REQUESTS:
                one(req)
        times = {name: [] for name, _ in SLOW_REQUESTS}
        for _ in range(rounds):
            for name, req in SLOW_REQUESTS:
                times[name].append(one(req))
    finally:
        server.stop()
    rows = {name: summary(t) for name, t in times.items()}
    base = rows["get-ticket"]
    for name, r in rows.items():
        r["p50_over_get_ticket"] = round(r["p50_ms"] / base["p50_ms"], 2)
        r["mean_over_get_ticket"] = round(r["mean_ms"] / base["mean_ms"], 2)
    return rows


def curl_three(port, path):
    url = f"http://127.0.0.1:{port}{path}"
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
                          "-w", "%{time_total}\n", url, url, url], capture_output=True, text=True, check=True)
    return [float(x) * 1000 for x in out.stdout.split()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=500)
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--page-requests", type=int, default=100, help="rounds of the 100-ticket search page")
    ap.add_argument("--hostile-rounds", type=int, default=10, help="rounds of the four 1 MiB bodies (0: skip)")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--spin-connector", help="serve this .wasm under Spin instead of target/dist's (to compare builds)")
    ap.add_argument("--wasmtime-connector", help="serve this .wasm under wasmtime serve instead of target/dist's")
    ap.add_argument("--slow-rounds", type=int, default=30, help="rounds of issue 20's slow-upstream rows (0: skip)")
    ap.add_argument("--slow-latency-ms", type=int, default=50, help="the slow upstream's wait before every answer")
    ap.add_argument("--slow-only", action="store_true", help="run only issue 20's slow-upstream rows")
    ap.add_argument("--only-spin", action="store_true", help="skip wasmtime serve")
    ap.add_argument("--only-wasmtime", action="store_true", help="skip Spin")
    ap.add_argument("--spin-variables", choices=["env", "static", "both"], default="both",
                    help="how Spin gives the connector its variables: SPIN_VARIABLE_* (env), a static "
                         "runtime-config provider (static), or one host row each (both, the default)")
    args = ap.parse_args()
    spin, wasmtime = find_spin(), find_wasmtime()
    if not args.no_build:
        build(spin)
    workdir = tempfile.mkdtemp(prefix="bench-runtimes-")
    upstream_proc, upstream = start_upstream()
    slow_proc, slow_upstream = start_upstream(args.slow_latency_ms)
    results = {"requests": args.requests, "sizes": {}, "hosts": {}, "slow": {}}
    for name, path in [("connector (Spin flavour)", args.spin_connector or CONNECTOR_SPIN),
                       ("connector (wasmtime-serve flavour)", args.wasmtime_connector or CONNECTOR_WASMTIME),
                       ("pass-through", PASSTHROUGH)]:
        if os.path.exists(path):
            results["sizes"][name] = os.path.getsize(path)
    spin_rows = {"env": [("spin", "env")], "static": [("spin, static variables", "static")],
                 "both": [("spin", "env"), ("spin, static variables", "static")]}[args.spin_variables]
    hosts = [(name, lambda *a, v=v: spin_server(spin, *a, connector=args.spin_connector, variables=v))
             for name, v in ([] if args.only_wasmtime else spin_rows)]
    if not args.only_spin:
        hosts.append(("wasmtime serve", lambda *a: wasmtime_server(wasmtime, *a, connector=args.wasmtime_connector)))
    requests = {"connector": ("POST", "/get-ticket", b'{"ticketId": 12345}'),
                "passthrough": ("POST", "/api/tickets/12345", b'{"ticketId": 12345}')}
    page_requests = {"connector": ("POST", "/search-tickets", b'{"limit": 100}'),
                     "passthrough": ("POST", "/api/tickets?limit=100", b'{"limit": 100}')}
    first_path = {"connector": "/operations", "passthrough": "/"}
    try:
        if args.slow_rounds:
            for host, start in hosts:
                results["slow"][host] = slow_rows(start, slow_upstream, workdir, args.slow_rounds)
        for host, start in ([] if args.slow_only else hosts):
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
                def one(k, req, expect=(200,)):
                    method, path, body = req
                    t = time.perf_counter()
                    conns[k].request(method, path, body=body, headers={"content-type": "application/json"})
                    r = conns[k].getresponse()
                    r.read()
                    assert r.status in expect, (host, k, path, r.status)
                    return time.perf_counter() - t

                def interleaved(reqs, n, warmup, expect=(200,)):
                    """`n` rounds, one request of each (server, request) pair per
                    round: times per pair and CPU ms per request per server."""
                    for _ in range(warmup):
                        for k, req in reqs:
                            one(k, req, expect)
                    times = [[] for _ in reqs]
                    cpu0 = {k: s.cpu_seconds() for k, s in servers.items()}
                    for _ in range(n):
                        for i, (k, req) in enumerate(reqs):
                            times[i].append(one(k, req, expect))
                    per_server = {k: sum(1 for kk, _ in reqs if kk == k) * n for k in servers}
                    cpu = {k: round((s.cpu_seconds() - cpu0[k]) / max(per_server[k], 1) * 1000, 3)
                           for k, s in servers.items()}
                    return times, cpu

                times, cpu = interleaved([(k, requests[k]) for k in requests], args.requests, 50)
                for i, k in enumerate(requests):
                    h[k] = {"get_ticket": summary(times[i]), "cpu_ms_per_request": cpu[k]}
                # A 100-ticket search page: parse + map + serialize of ~100 tickets.
                if args.page_requests:
                    times, cpu = interleaved([(k, page_requests[k]) for k in page_requests], args.page_requests, 10)
                    for i, k in enumerate(page_requests):
                        h[k]["ticket_page"] = summary(times[i])
                        h[k]["ticket_page_cpu_ms_per_request"] = cpu[k]
                # Hostile 1 MiB bodies against ordinary 1 MiB ones (connector only).
                if args.hostile_rounds:
                    bodies = hostile_bodies()
                    times, _ = interleaved([("connector", ("POST", "/get-ticket", b)) for _, b in bodies],
                                           args.hostile_rounds, 1, expect=(200, 400, 413))
                    rows = {name: summary(t) for (name, _), t in zip(bodies, times)}
                    base = rows["ordinary: one long string"]["p50_ms"]
                    h["connector"]["hostile_1mib"] = rows
                    h["connector"]["hostile_ratio_duplicate_keys"] = round(rows["duplicate keys"]["p50_ms"] / base, 2)
                    h["connector"]["hostile_ratio_deep_nesting"] = round(rows["deep nesting"]["p50_ms"] / base, 2)
                c = servers["connector"]
                cpu0 = c.cpu_seconds()
                ys, st = latencies(c.port, "GET", "/operations", None, args.requests)
                assert st == {200}, st
                h["connector"]["operations_kept_alive"] = summary(ys)
                h["connector"]["operations_cpu_ms_per_request"] = round((c.cpu_seconds() - cpu0) / args.requests * 1000, 3)
                h["connector"]["curl_three_operations_ms"] = [round(x, 3) for x in curl_three(c.port, "/operations")]
            finally:
                for s in servers.values():
                    s.stop()
            for kind in requests if args.cold_runs else []:
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
            h["ticket_page_cpu_ratio"] = None if not args.page_requests else round(h["connector"]["ticket_page_cpu_ms_per_request"] /
                                               max(h["passthrough"]["ticket_page_cpu_ms_per_request"], 1e-9), 3)
            h["cpu_ratio"] = round(h["connector"]["cpu_ms_per_request"] / max(h["passthrough"]["cpu_ms_per_request"], 1e-9), 3)
    finally:
        for proc in (upstream_proc, slow_proc):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    with open(os.path.join(TARGET, "bench-runtimes.json"), "w") as f:
        json.dump(results, f, indent=2)
    print(json.dumps(results, indent=2))
    print()
    if results["slow"]:
        print(f"Slow upstream ({args.slow_latency_ms} ms per call), {args.slow_rounds} interleaved rounds:")
        print()
        print("| host | get-ticket p50 / mean (ms) | add-ticket-tags, 5 new names p50 / mean (ms) | over get-ticket p50 / mean | "
              "set-ticket-tags, 5 names p50 / mean (ms) | over get-ticket p50 / mean |")
        print("|---|---|---|---|---|---|")
        for host, rows in results["slow"].items():
            g, a, t = rows["get-ticket"], rows["add-ticket-tags, 5 new names"], rows["set-ticket-tags, 5 names"]
            print(f"| {host} | {g['p50_ms']} / {g['mean_ms']} | {a['p50_ms']} / {a['mean_ms']} | "
                  f"{a['p50_over_get_ticket']}× / {a['mean_over_get_ticket']}× | {t['p50_ms']} / {t['mean_ms']} | "
                  f"{t['p50_over_get_ticket']}× / {t['mean_over_get_ticket']}× |")
        print()
    if results["hosts"]:
        print("| host | CPU/request GET /operations (ms) | CPU/request get-ticket connector / pass-through (ms) | "
              "GET /operations over pass-through get-ticket | get-ticket over pass-through |")
        print("|---|---|---|---|---|")
        for host, h in results["hosts"].items():
            c, p = h["connector"], h["passthrough"]
            pt = max(p["cpu_ms_per_request"], 1e-9)
            print(f"| {host} | {c['operations_cpu_ms_per_request']} | {c['cpu_ms_per_request']} / {p['cpu_ms_per_request']} | "
                  f"{round(c['operations_cpu_ms_per_request'] / pt, 2)}× | {h['cpu_ratio']}× |")
        print()
    if not results["hosts"] or not args.cold_runs or not args.page_requests:
        for name, size in results["sizes"].items():
            print(f"- {name}: {size:,} bytes")
        return
    print("| host | get-ticket p50 / p90 / p99 (ms) | pass-through p50 / p90 / p99 (ms) | ratio p50 | CPU/request connector / pass-through (ms) | kept-alive GET /operations p50 / p99 (ms) | curl ×3 /operations (ms) | cold start cache on / off, connector (ms) | cold start cache on / off, pass-through (ms) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for host, h in results["hosts"].items():
        c, p = h["connector"], h["passthrough"]
        g = lambda r: f"{r['p50_ms']} / {r['p90_ms']} / {r['p99_ms']}"
        cold = lambda r: f"{r['cold_start_ms_cache_on']['median']} / {r['cold_start_ms_cache_off']['median']}"
        print(f"| {host} | {g(c['get_ticket'])} | {g(p['get_ticket'])} | {h['get_ticket_p50_ratio']} | "
              f"{c['cpu_ms_per_request']} / {p['cpu_ms_per_request']} ({h['cpu_ratio']}×) | {c['operations_kept_alive']['p50_ms']} / "
              f"{c['operations_kept_alive']['p99_ms']} | {', '.join(str(x) for x in c['curl_three_operations_ms'])} | "
              f"{cold(c)} | {cold(p)} |")
    print()
    print("| host | 100-ticket page p50 connector / pass-through (ms) | CPU/request connector / pass-through (ms) | CPU ratio | "
          "1 MiB bodies p50: long string / accepted+ws / duplicate keys / deep nesting (ms) | hostile ratios dup / deep |")
    print("|---|---|---|---|---|---|")
    for host, h in results["hosts"].items():
        c, p = h["connector"], h["passthrough"]
        hb = c.get("hostile_1mib")
        hostile = " / ".join(str(r["p50_ms"]) for r in hb.values()) if hb else "—"
        ratios = f"{c['hostile_ratio_duplicate_keys']} / {c['hostile_ratio_deep_nesting']}" if hb else "—"
        print(f"| {host} | {c['ticket_page']['p50_ms']} / {p['ticket_page']['p50_ms']} | "
              f"{c['ticket_page_cpu_ms_per_request']} / {p['ticket_page_cpu_ms_per_request']} | "
              f"{h['ticket_page_cpu_ratio']} | {hostile} | {ratios} |")
    print()
    for name, size in results["sizes"].items():
        print(f"- {name}: {size:,} bytes")


if __name__ == "__main__":
    main()
