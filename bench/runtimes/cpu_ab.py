"""CPU per request of connector builds against the pass-through, under the real
`wasmtime serve`, interleaved, with nanosecond CPU clocks and page faults.

Usage (from the repository root; bench.py builds the pass-through into
target/passthrough, and the connector's wasmtime-serve flavour into target/dist):
    python3 bench/runtimes/cpu_ab.py [BUILD.wasm ...] [--rounds 16] [--requests 400]
Without builds it serves target/dist/gorgias_connector-wasmtime-serve.wasm.

One upstream.py, one `wasmtime serve` per build plus one for the pass-through
(configured as bench.py's wasmtime_server does), each with one kept-alive client
connection. Each round sends --requests `POST /get-ticket {"ticketId": 12345}` to
every connector build (one upstream GET, mapped) and as many
`POST /api/tickets/12345` to the pass-through (forwarded, copied back), one
server after the other. CPU is the sum over the server's threads of
/proc/PID/task/*/schedstat (time on CPU, ns), before and after the round; minor
page faults come from /proc/PID/stat. Reported per build: median CPU ms per
request over the rounds, faults per request, and the ratio to the
pass-through's CPU in the same round (median and range over the rounds): the
issue 20 target is get-ticket <= 1.25x the pass-through.

Finer than bench.py's CPU rows (user + system in clock ticks of 10 ms over a
whole run): the per-round ratio shows the machine's noise directly, so two
builds can be told apart in one run.
"""
import argparse
import glob
import http.client
import os
import statistics
import sys

from bench import PASSTHROUGH, TARGET, find_wasmtime, free_port, start_upstream, wasmtime_server

CONNECTOR = os.path.join(TARGET, "dist", "gorgias_connector-wasmtime-serve.wasm")
CALLS = {
    "connector": ("/get-ticket", b'{"ticketId": 12345}'),
    "passthrough": ("/api/tickets/12345", b""),
}


def cpu_ns(pid):
    """Time on CPU of every thread of `pid`, ns."""
    total = 0
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            with open(path) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # a thread that ended meanwhile
    return total


def minor_faults(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[7])  # field 10, minflt


def drive(server, kind, n):
    """`n` requests on one connection: (CPU ms per request, faults per request)."""
    path, body = CALLS[kind]
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    pid = server.proc.pid
    cpu0, faults0 = cpu_ns(pid), minor_faults(pid)
    for _ in range(n):
        conn.request("POST", path, body=body, headers={"content-type": "application/json"})
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            sys.exit(f"{kind} answered {r.status}")
    cpu1, faults1 = cpu_ns(pid), minor_faults(pid)
    conn.close()
    return (cpu1 - cpu0) / n / 1e6, (faults1 - faults0) / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("builds", nargs="*", help="wasmtime-serve flavours of the connector (default: target/dist's)")
    ap.add_argument("--rounds", type=int, default=16)
    ap.add_argument("--requests", type=int, default=400, help="requests per server per round")
    ap.add_argument("--warmup", type=int, default=200)
    args = ap.parse_args()
    builds = [os.path.abspath(b) for b in args.builds] or [CONNECTOR]
    for path in builds + [PASSTHROUGH]:
        if not os.path.exists(path):
            sys.exit(f"missing {path} (python3 bench/runtimes/bench.py builds target/dist and the pass-through)")
    wasmtime = find_wasmtime()
    upstream_proc, upstream = start_upstream()
    workdir = os.path.join(TARGET, "cpu-ab")
    os.makedirs(workdir, exist_ok=True)
    servers = []
    try:
        for b in builds:
            servers.append((os.path.basename(b), "connector",
                            wasmtime_server(wasmtime, "connector", upstream, free_port(), True, workdir, connector=b)))
        servers.append(("pass-through", "passthrough",
                        wasmtime_server(wasmtime, "passthrough", upstream, free_port(), True, workdir)))
        for _, kind, server in servers:
            server.wait_first_answer("/operations" if kind == "connector" else "/api/tickets/12345")
            drive(server, kind, args.warmup)
        results = {name: [] for name, _, _ in servers}
        for r in range(args.rounds):
            for name, kind, server in servers:
                results[name].append(drive(server, kind, args.requests))
            print(f"round {r + 1}/{args.rounds}", file=sys.stderr, flush=True)
    finally:
        for _, _, server in servers:
            server.stop()
        upstream_proc.kill()
        upstream_proc.wait()
    floor = results["pass-through"]
    print(f"{args.rounds} rounds x {args.requests} requests, load average {os.getloadavg()[0]:.2f}")
    print()
    print("| build | CPU/request, median (ms) | minor faults/request | over the pass-through, per-round median (range) |")
    print("|---|---|---|---|")
    for name, rows in results.items():
        ratios = [ours[0] / theirs[0] for ours, theirs in zip(rows, floor)]
        print(f"| {name} | {statistics.median(x[0] for x in rows):.4f} | "
              f"{statistics.median(x[1] for x in rows):.1f} | "
              f"{statistics.median(ratios):.3f}× ({min(ratios):.3f}–{max(ratios):.3f}) |")


if __name__ == "__main__":
    main()
