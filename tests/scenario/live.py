"""Real HTTP servers for the scenario tests: a telemock vendor port, and a webhook receiver."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from emulators.pytest_plugin import LiveServer


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yield its base URL."""
    with LiveServer(app) as live:
        yield live.url


class Inbox:
    """A webhook receiver that records every request it accepts."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes]] = []

        async def hook(request: Request) -> PlainTextResponse:
            self.received.append((request.headers.get("content-type", ""), await request.body()))
            return PlainTextResponse("ok")

        self.app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
