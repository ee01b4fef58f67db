"""A fast local Gorgias-shaped upstream for bench/runtimes/bench.py.

Usage: upstream.py PORT FIXTURE_DIR [LATENCY_MS]

HTTP/1.1 with keep-alive (Spin pools outbound connections), 127.0.0.1 only.
GET /api/tickets/12345 answers tests/fixtures/ticket.json, GET /api/tickets (any
query) a 100-ticket page in Gorgias's list shape (the fixture's ticket with 100
ids, subjects and customers, as cargo bench's page), GET /api/account a small
account object, anything else 404 with Gorgias's error shape.

Tags (issue 20's rows): GET /api/tags?search=NAME finds a tag named NAME when
NAME starts with "have-" (an existing tag) and nothing otherwise; POST /api/tags
creates one (201, its record); POST and PUT /api/tickets/12345/tags answer 201
and 200 with no body. With LATENCY_MS every answer waits that long first (a
distant Gorgias), each connection on its own thread.

With UPSTREAM_TLS_PORT, UPSTREAM_TLS_CERT and UPSTREAM_TLS_KEY set, the same
process also answers HTTPS on that port (same handler, same answers), for a
client that only talks TLS to a *.gorgias.com name (bench/node-peer/bench.py).
"""
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes = {}

    latency = 0.0
    next_id = [1000]
    lock = threading.Lock()

    def answer(self, status, body):
        if self.latency:
            time.sleep(self.latency)
        # Status line, headers and body in one write (and no Nagle delay): the
        # upstream must not add the two-segment stall the benchmark looks for.
        reason = {200: "OK", 201: "Created"}.get(status, "Not Found")
        head = f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
        self.wfile.write(head.encode() + body)

    def read_body(self):
        n = int(self.headers.get("content-length") or 0)
        if n:
            return self.rfile.read(n)
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        return b""

    def tag_id(self):
        with self.lock:
            self.next_id[0] += 1
            return self.next_id[0]

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path == "/api/tags":
            name = urllib.parse.parse_qs(query).get("search", [""])[0]
            tags = [{"id": self.tag_id(), "name": name}] if name.startswith("have-") else []
            body = json.dumps({"data": tags, "meta": {"next_cursor": None}}).encode()
            return self.answer(200, body)
        body = self.routes.get(path)
        if body is None:
            return self.answer(404, b'{"error": {"msg": "Resource not found."}}')
        self.answer(200, body)

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        raw = self.read_body()
        if path == "/api/tags":
            name = json.loads(raw or b"{}").get("name", "")
            return self.answer(201, json.dumps({"id": self.tag_id(), "name": name}).encode())
        if path == "/api/tickets/12345/tags":
            return self.answer(201, b"")
        # The pass-through forwards POSTs as GETs; anything else is a read here too.
        self.do_GET()

    def do_PUT(self):
        self.read_body()
        if self.path.split("?", 1)[0] == "/api/tickets/12345/tags":
            return self.answer(200, b"")
        self.answer(404, b'{"error": {"msg": "Resource not found."}}')

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass


def main():
    port, fixtures = int(sys.argv[1]), sys.argv[2]
    Handler.latency = (float(sys.argv[3]) / 1000) if len(sys.argv) > 3 else 0.0
    with open(f"{fixtures}/ticket.json", "rb") as f:
        ticket = f.read()
    one = json.loads(ticket)
    page = []
    for i in range(100):
        t = json.loads(ticket)
        t["id"] = 150000 + i
        t["subject"] = f"Order #{1000 + i} hasn't shipped yet — could you check the warehouse status?"
        if isinstance(t.get("customer"), dict):
            t["customer"] = dict(t["customer"], id=90000 + i, email=f"customer{i}@example.com")
        page.append(t)
    assert one["id"] == 12345
    tickets = json.dumps({"object": "list", "uri": "/api/tickets?limit=100", "data": page,
                          "meta": {"prev_cursor": None, "next_cursor": "eyJwIjoyfQ"}}).encode()
    Handler.routes = {
        "/api/tickets/12345": ticket,
        "/api/tickets": tickets,
        "/api/account": json.dumps({"domain": "bench", "status": {"status": "active"}}).encode(),
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    if os.environ.get("UPSTREAM_TLS_PORT"):
        tls = http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["UPSTREAM_TLS_PORT"])), Handler)
        tls.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.environ["UPSTREAM_TLS_CERT"], os.environ["UPSTREAM_TLS_KEY"])
        tls.socket = context.wrap_socket(tls.socket, server_side=True)
        threading.Thread(target=tls.serve_forever, daemon=True).start()
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
