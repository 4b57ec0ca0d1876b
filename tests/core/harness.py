"""Test harness: the ``mini`` vendor in-process or live, and a real HTTP webhook receiver.

``Receiver`` is a deliberately independent asyncio HTTP/1.1 server (none of telemock's code):
it answers each request with the next scripted status (then 200), or late (``Slow``), records
what it got, and can go down and come back up on the same port, so the dispatcher meets real
refused connections and real time-outs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Union

import httpx
from starlette.testclient import TestClient

from emulators.pytest_plugin import LiveServer
from emulators.registry import Registry
from emulators.server import listener_app

from . import minivendor
from .minivendor import SPEC

FIXED_CLOCK = {"clock": {"start": "2026-01-05T14:00:00Z", "mode": "manual", "speed": 1.0}}
START = 1767621600.0
"""2026-01-05T14:00:00Z in epoch seconds."""
T = "/_emulator/tenants"
JSON_BODY = {"content-type": "application/json"}
"""Headers of a raw control-plane body (``json=`` sets them itself; ``content=`` does not)."""
TEST_HOST = "testserver"
"""The ``Host`` starlette's TestClient sends: allowed on the control plane of test registries."""


def new_registry(admin_token: str | None = None, seed: int = 0) -> Registry:
    return Registry({"mini": SPEC}, seed=seed, settings=FIXED_CLOCK, admin_token=admin_token,
                    allowed_hosts=[TEST_HOST])


class MiniEmu:
    """The ``mini`` vendor behind starlette's TestClient (lifespan running)."""

    def __init__(self, admin_token: str | None = None, client_host: str = "testclient",
                 registry: Registry | None = None) -> None:
        self.registry = registry or new_registry(admin_token)
        self.app = listener_app(self.registry, SPEC, SPEC.listeners[0])
        self.client = TestClient(self.app, client=(client_host, 50000))
        self.client.__enter__()

    def close(self) -> None:
        self.client.__exit__(None, None, None)

    # -- control plane ------------------------------------------------------------------
    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        """A control-plane call that must succeed with ``status``; returns its JSON."""
        response = self.client.request(method, path, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()

    def create(self, **body: Any) -> dict[str, Any]:
        return self.ok("POST", T, 201, json=body)

    def tenant(self, tenant_id: str) -> Any:
        tenant = self.registry.get("mini", tenant_id)
        assert tenant is not None
        return tenant

    # -- the vendor API -----------------------------------------------------------------
    def api(self, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, path, headers={"token": token}, **kwargs)


class LiveMini:
    """The ``mini`` vendor on a real loopback port, with an httpx client."""

    def __init__(self, registry: Registry, server: LiveServer) -> None:
        self.registry = registry
        self.server = server
        self.url = server.url
        self.http = httpx.Client(base_url=server.url, timeout=10.0)

    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.http.request(method, path, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()

    def create(self, **body: Any) -> dict[str, Any]:
        return self.ok("POST", T, 201, json=body)

    def api(self, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, headers={"token": token}, **kwargs)


@contextlib.contextmanager
def live_emulator(admin_token: str | None = None) -> Iterator[LiveMini]:
    registry = new_registry(admin_token)
    with LiveServer(listener_app(registry, SPEC, SPEC.listeners[0])) as server:
        live = LiveMini(registry, server)
        try:
            yield live
        finally:
            live.http.close()


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
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


def mini_token() -> str:
    return minivendor.DEFAULT_TOKEN
