"""A CRM (and queue-callback receiver) on a free loopback port: records every request and
answers each with the JSON object ``answers`` holds for its path (else ``{}``)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


class Crm:
    def __init__(self) -> None:
        self.answers: dict[str, Any] = {}
        self.received: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        crm = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                url = urlsplit(self.path)
                body = json.dumps(crm.answers.get(url.path, {})).encode()
                with crm._lock:
                    crm.received.append({"method": self.command, "path": url.path,
                                         "query": dict(parse_qsl(url.query, keep_blank_values=True))})
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _any  # noqa: N815 (stdlib naming)

            def log_message(self, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def got(self, path: str | None = None, **query: str) -> list[dict[str, Any]]:
        with self._lock:
            return [r for r in self.received if (path is None or r["path"] == path)
                    and all(r["query"].get(k) == v for k, v in query.items())]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
