"""The ASGI app of one vendor port: vendor paths go straight to the kit's pipeline (no
middleware, no Starlette router: the fast path every read takes), ``/_emulator`` and lifespan
go to the Starlette app that carries the control plane. A port may serve more than one API
(VoIPcloud's v2 beside v1): a mounted API answers every path under its ``prefix``, the port's
own API every other path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from .request import MAX_BODY_BYTES, route_path

if TYPE_CHECKING:
    from ..registry import Registry
    from .api import VendorApi

CONTROL_PREFIX = "/_emulator"


class ListenerApp:
    def __init__(self, api: "VendorApi", registry: "Registry", control: ASGIApp, *,
                 max_body_bytes: int = MAX_BODY_BYTES, mounted: Sequence["VendorApi"] = ()) -> None:
        self.api = api
        self.mounted = tuple((other.prefix, other) for other in mounted)
        """(prefix, API) of the APIs beside ``api``; the first whose prefix starts the path answers."""
        self.registry = registry
        self.control = control
        """The Starlette app with the control plane (and the lifespan)."""
        self.max_body_bytes = max_body_bytes
        """No vendor request body larger than this is read (``--max-body-bytes``)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if scope.get("root_path") or path.startswith("//"):  # (the usual path is neither)
                path = route_path(scope)
            if not (path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")):
                api = self.api
                for prefix, other in self.mounted:
                    if path.startswith(prefix):
                        api = other
                        break
                await api(self.registry, scope, receive, send, path, self.max_body_bytes)
                return
        await self.control(scope, receive, send)
