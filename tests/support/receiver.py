"""A real webhook receiver for tests, and the waiting that real I/O needs.

``Receiver`` is a deliberately independent asyncio HTTP/1.1 server (none of telemock's code): it
answers each request with the next scripted status (then 200), or late (``Slow``), or hangs up
(``HANG_UP``), records what it got (method, path, headers, body, its JSON or form fields, the
status answered), and can go down and come back up on the same port, so the dispatcher meets
real refused connections and real time-outs.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Union
from urllib.parse import parse_qsl


def wait_until(predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll ``predicate`` until it returns something truthy (real I/O needs real waiting)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the tests' one way to pick one)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


HANG_UP = -1
"""A scripted 'status' meaning: read the request, then close the connection without answering."""


@dataclass(frozen=True)
class Slow:
    """A scripted answer that comes late: the request is read and recorded (``slow: True``),
    then ``status`` is sent after ``seconds`` (if the sender still listens)."""

    seconds: float
    status: int = 200


Scripted = Union[int, Slow]


class Receiver:
    """A webhook receiver: answers with scripted statuses, then 200; records every request."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.script: list[Scripted] = []
        """Answers to the next requests, consumed one per request (then 200)."""
        self.received: list[dict[str, Any]] = []
        """Every request, in arrival order: method, path, headers, body, json, status answered."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def accepted(self) -> list[dict[str, Any]]:
        return [r for r in self.received if r["status"] == 200]

    def up(self) -> "Receiver":
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop

            async def start() -> None:
                self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port,
                                                          reuse_address=True)
            loop.run_until_complete(start())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()

        self._thread = threading.Thread(target=run, name="receiver", daemon=True)
        self._thread.start()
        assert ready.wait(5), "receiver did not start"
        return self

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:  # e.g. a ``Slow`` answer still waiting
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    def down(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(5)
        self._loop = self._server = self._thread = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, _, v in
                       (line.partition(":") for line in lines[1:] if line)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            answer = self.script.pop(0) if self.script else 200
            if answer == HANG_UP:
                self.received.append({"method": method, "path": path, "status": HANG_UP})
                return
            status = answer.status if isinstance(answer, Slow) else answer
            text = body.decode("utf-8")
            try:
                data = json.loads(text) if text else None
            except ValueError:
                data = None
            self.received.append({"method": method, "path": path, "headers": headers,
                                  "body": text, "json": data, "status": status,
                                  "form": dict(parse_qsl(text, keep_blank_values=True)),
                                  "slow": isinstance(answer, Slow)})
            if isinstance(answer, Slow):
                await asyncio.sleep(answer.seconds)
            writer.write(f"HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                         .encode())
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
