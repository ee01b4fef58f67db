"""A fast local Gorgias-shaped upstream for bench/runtimes/bench.py.

Usage: upstream.py PORT FIXTURE_DIR

HTTP/1.1 with keep-alive (Spin pools outbound connections), 127.0.0.1 only.
GET /api/tickets/12345 answers tests/fixtures/ticket.json, GET /api/tickets (any
query) a 100-ticket page in Gorgias's list shape (the fixture's ticket with 100
ids, subjects and customers, as cargo bench's page), GET /api/account a small
account object, anything else 404 with Gorgias's error shape.
"""
import http.server
import json
import socket
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes = {}

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        body = self.routes.get(path)
        status = 200
        if body is None:
            status, body = 404, b'{"error": {"msg": "Resource not found."}}'
        # Status line, headers and body in one write (and no Nagle delay): the
        # upstream must not add the two-segment stall the benchmark looks for.
        reason = "OK" if status == 200 else "Not Found"
        head = f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
        self.wfile.write(head.encode() + body)

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass


def main():
    port, fixtures = int(sys.argv[1]), sys.argv[2]
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
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
