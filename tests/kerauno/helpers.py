"""Shared bits of the Kerauno tests: the doc's key, request helpers, a real webhook receiver."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from core.harness import wait_until  # noqa: F401  (re-exported for the Kerauno tests)

KEY = "b0f4ad5193ad04858dae03a1b3dbe9071ff12e52"
"""seeds/kerauno.txt line 32."""
MAKECALL = "/kerauno/api/v1/makecall/"
REPORTING = "/kerauno/api/v1/reporting/"
STATUSES = "/v1/callflow/agent_statuses/"
T = "/_emulator/tenants"
START = 1767621600.0
"""The test clock's start, 2026-01-05T14:00:00Z = 09:00:00 in New York."""


class Receiver:
    """A Post API receiver on a free loopback port (stdlib HTTP server in a thread).

    ``script`` holds the statuses of the next requests (consumed one per request, then 200);
    every request is recorded with its method, path, headers, raw body, parsed form and the
    status it got.
    """

    def __init__(self) -> None:
        self.script: list[int] = []
        self.received: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (stdlib naming)
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                with receiver._lock:
                    status = receiver.script.pop(0) if receiver.script else 200
                    receiver.received.append({
                        "method": self.command, "path": self.path, "headers": dict(self.headers),
                        "body": body, "form": dict(parse_qsl(body, keep_blank_values=True)),
                        "status": status})
                self.send_response(status)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/post-api"

    def accepted(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r for r in self.received if r["status"] == 200]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
