"""Pacing under Gorgias's rate limit: a burst through the connector under real Spin.

Usage (from the repository root):
    python3 bench/runtimes/pacing.py [--no-build] [--wasm PATH] [--main-wasm PATH] [--calls 60] [--clients 4]

A Gorgias-shaped upstream (in this process, 127.0.0.1) enforces 40 calls per
20 s per Authorization value (80 for a Bearer token), in two models, both run:
- `leaky`, as Gorgias documents it: a bucket draining one call every 0.5 s; a
  call beyond it gets 429 with `Retry-After` = whole seconds until a slot frees;
- `fixed`, the pessimistic reading: a 20 s window from the key's first call;
  beyond 40 calls, 429 with `Retry-After` = seconds until the window ends.
A refused call is not counted. Every answer carries
`X-Gorgias-Account-Api-Call-Limit: used/limit`.

For each configuration below, the connector is served by `spin up` (the
shipped spin.toml, the given .wasm as its source) with a fresh API key (an
empty bucket), and `--clients` threads send `--calls` POST /get-ticket in all
(each thread its share, one after the other, one connection per call). It
counts what reached the callers (200, 429, other), the 429s the upstream
sent, the wall time and the slowest call.

Configurations, all in the same run:
- `main` (with --main-wasm): the component built from main, with main's
  spin.toml defaults (3 attempts, 10 s of waiting) set as variables, since the
  manifest served is this branch's;
- this build with today's defaults set explicitly (retry_max_attempts=3,
  retry_max_wait_seconds=10);
- this build with its defaults (5 attempts, 20 s for all waits of an operation).

Bounded: every call has a 60 s client timeout, each burst is over in 10-25 s,
the whole run (six bursts with --main-wasm) takes about three minutes. Prints a
Markdown table and writes target/bench-pacing.json.
"""
import argparse
import base64
import http.client
import http.server
import json
import math
import os
import socket
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the runtimes benchmark's helpers: Spin, Server, ports)

ROOT, TARGET = bench.ROOT, bench.TARGET
WINDOW_S = 20.0
API_KEY_LIMIT = 40


class Bucket:
    def __init__(self):
        self.level, self.at = 0.0, time.monotonic()
        self.window_start = self.at


class Upstream(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, ticket):
        super().__init__(("127.0.0.1", 0), Handler)
        self.ticket = ticket
        self.model = "leaky"
        self.lock = threading.Lock()
        self.buckets = {}
        self.sent = {}  # Authorization -> {status: count}

    def take(self, key, limit):
        """(status, used, retry_after) for one call of `key`."""
        rate = limit / WINDOW_S
        with self.lock:
            b = self.buckets.setdefault(key, Bucket())
            now = time.monotonic()
            if self.model == "leaky":
                b.level = max(0.0, b.level - (now - b.at) * rate)
            elif now - b.window_start >= WINDOW_S:
                b.level, b.window_start = 0.0, now
            b.at = now
            if b.level + 1 > limit:
                if self.model == "leaky":
                    wait = max(1, math.ceil((b.level + 1 - limit) / rate))
                else:
                    wait = max(1, math.ceil(b.window_start + WINDOW_S - now))
                status, used = 429, limit
            else:
                b.level += 1
                status, used, wait = 200, min(limit, math.ceil(b.level)), None
            counts = self.sent.setdefault(key, {})
            counts[status] = counts.get(status, 0) + 1
            return status, used, wait


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        key = self.headers.get("authorization", "")
        limit = 2 * API_KEY_LIMIT if key.startswith("Bearer ") else API_KEY_LIMIT
        status, used, wait = self.server.take(key, limit)
        head = [f"x-gorgias-account-api-call-limit: {used}/{limit}", "content-type: application/json"]
        if status == 429:
            body = b'{"error": {"msg": "Too many requests"}}'
            head.append(f"retry-after: {wait}")
        elif self.path.split("?", 1)[0] == "/api/tickets/12345":
            body = self.server.ticket
        else:
            status, body = 404, b'{"error": {"msg": "Resource not found."}}'
        reason = {200: "OK", 404: "Not Found", 429: "Too Many Requests"}[status]
        lines = [f"HTTP/1.1 {status} {reason}", *head, f"content-length: {len(body)}", "", ""]
        self.wfile.write("\r\n".join(lines).encode() + body)

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass


def serve_connector(spin, wasm, upstream, key, variables, workdir):
    with open(os.path.join(ROOT, "spin.toml")) as f:
        text = f.read().replace('source = "target/dist/gorgias_connector.wasm"', f'source = "{wasm}"')
    manifest = os.path.join(workdir, f"{key}.toml")
    with open(manifest, "w") as f:
        f.write(text)
    env = bench.clean_env(SPIN_LOG_DIR=os.path.join(workdir, "logs"), SPIN_VARIABLE_GORGIAS_ACCOUNT="bench",
                          SPIN_VARIABLE_GORGIAS_EMAIL="agent@bench.example", SPIN_VARIABLE_GORGIAS_API_KEY=key,
                          SPIN_VARIABLE_GORGIAS_BASE_URL=upstream)
    for k, v in variables.items():
        env[f"SPIN_VARIABLE_{k.upper()}"] = v
    port = bench.free_port()
    server = bench.Server([spin, "up", "-f", manifest, "--listen", f"127.0.0.1:{port}"], port, env, workdir)
    server.wait_first_answer("/operations")
    return server


def burst(port, calls, clients):
    """Statuses and latencies of `calls` POST /get-ticket from `clients` threads."""
    results, lock = [], threading.Lock()

    def client(n):
        for _ in range(n):
            t = time.perf_counter()
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                c.request("POST", "/get-ticket", body=b'{"ticketId": 12345}',
                          headers={"content-type": "application/json"})
                r = c.getresponse()
                body = r.read()
                c.close()
                status = r.status
                code = json.loads(body).get("error", {}).get("code") if status != 200 else None
            except OSError as e:
                status, code = 0, type(e).__name__
            with lock:
                results.append((status, code, time.perf_counter() - t))

    shares = [calls // clients + (1 if i < calls % clients else 0) for i in range(clients)]
    threads = [threading.Thread(target=client, args=(n,)) for n in shares]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    return results, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-build", action="store_true", help="serve the connector's .wasm as it is")
    ap.add_argument("--wasm", default=os.path.join(TARGET, "dist", "gorgias_connector.wasm"),
                    help="this build's component (default: what `spin build` writes, target/dist)")
    ap.add_argument("--main-wasm", help="main's component (Spin flavour), to compare in the same run")
    ap.add_argument("--calls", type=int, default=60)
    ap.add_argument("--clients", type=int, default=4)
    args = ap.parse_args()
    spin = bench.find_spin()
    if not args.no_build:
        bench.run([spin, "build", "-f", os.path.join(ROOT, "spin.toml")], env=bench.clean_env())
    this = os.path.abspath(args.wasm)
    configs = []
    if args.main_wasm:
        # Set explicitly: main's spin.toml declares these defaults, the one served here 5 and 20.
        configs.append(("main, its defaults (3 attempts, 10 s)", os.path.abspath(args.main_wasm),
                        {"retry_max_attempts": "3", "retry_max_wait_seconds": "10"}))
    configs += [
        ("this branch, today's defaults set (3 attempts, 10 s)", this,
         {"retry_max_attempts": "3", "retry_max_wait_seconds": "10"}),
        ("this branch, its defaults (5 attempts, 20 s)", this, {}),
    ]
    with open(os.path.join(ROOT, "tests", "fixtures", "ticket.json"), "rb") as f:
        upstream = Upstream(f.read())
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{upstream.server_address[1]}"
    workdir = tempfile.mkdtemp(prefix="bench-pacing-")
    rows = []
    runs = [(model, c) for model in ("leaky", "fixed") for c in configs]
    try:
        for i, (model, (name, wasm, variables)) in enumerate(runs):
            upstream.model = model
            key = f"bench-key-{i}"
            server = serve_connector(spin, wasm, base, key, variables, workdir)
            try:
                results, wall = burst(server.port, args.calls, args.clients)
            finally:
                server.stop()
            statuses = [s for s, _, _ in results]
            basic = "Basic " + base64.b64encode(f"agent@bench.example:{key}".encode()).decode()
            sent = upstream.sent.get(basic, {})
            rows.append({
                "limit_model": model,
                "configuration": name,
                "answered_200": statuses.count(200),
                "rate_limited_429_to_callers": statuses.count(429),
                "other": len(statuses) - statuses.count(200) - statuses.count(429),
                "upstream_calls": sum(sent.values()),
                "upstream_429s": sent.get(429, 0),
                "wall_s": round(wall, 2),
                "slowest_call_s": round(max(t for _, _, t in results), 2),
            })
            # Let the machine settle; buckets are per key, so runs do not share one.
            time.sleep(1)
    finally:
        upstream.shutdown()
    out = {"calls": args.calls, "clients": args.clients, "limit": f"{API_KEY_LIMIT} calls / {int(WINDOW_S)} s per key",
           "rows": rows}
    os.makedirs(TARGET, exist_ok=True)
    with open(os.path.join(TARGET, "bench-pacing.json"), "w") as f:
        json.dump(out, f, indent=2)
    print(f"\n{args.calls} POST /get-ticket from {args.clients} clients, upstream {out['limit']}, under spin up\n")
    print("| limit model | configuration | 200 | 429 to callers | other | upstream calls | upstream 429s | wall s | slowest call s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['limit_model']} | {r['configuration']} | {r['answered_200']} | {r['rate_limited_429_to_callers']} | {r['other']} "
              f"| {r['upstream_calls']} | {r['upstream_429s']} | {r['wall_s']} | {r['slowest_call_s']} |")


if __name__ == "__main__":
    main()
