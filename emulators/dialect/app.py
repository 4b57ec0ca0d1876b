"""The ASGI app of one vendor port: vendor paths go straight to the kit's pipeline (no
middleware, no Starlette router: the fast path every read takes), ``/_emulator`` and lifespan
go to the Starlette app that carries the control plane."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

from .request import route_path

if TYPE_CHECKING:
    from ..registry import Registry
    from .api import VendorApi

CONTROL_PREFIX = "/_emulator"


class ListenerApp:
    def __init__(self, api: "VendorApi", registry: "Registry", control: ASGIApp) -> None:
        self.api = api
        self.registry = registry
        self.control = control
        """The Starlette app with the control plane (and the lifespan)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = route_path(scope)
            if not (path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")):
                await self.api(self.registry, scope, receive, send, path)
                return
        await self.control(scope, receive, send)
