"""Real HTTP servers for the scenario tests: a telemock vendor port, and a webhook receiver."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


class Inbox:
    """A webhook receiver that records every request it accepts."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes]] = []

        async def hook(request: Request) -> PlainTextResponse:
            self.received.append((request.headers.get("content-type", ""), await request.body()))
            return PlainTextResponse("ok")

        self.app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
