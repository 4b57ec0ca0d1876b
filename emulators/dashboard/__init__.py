"""The dashboard: a live web page of one vendor's sandbox at ``/_emulator/ui`` on every port.

It is a client of the control plane like any other: the page (``page``) and its static files,
one Server-Sent Events stream per tenant (``stream``) for everything that changes, and a few
read routes of its own (a journal entry with its exact bytes and reason, the scenario library);
every action (advance the clock, redeliver, run a scenario, create or restore a tenant) is an
existing control-plane route. Every route here is under the control plane's access rules.

It sits on top, beside ``server``: it reads ``control``, ``core``, ``dialect`` and the scenario
runs, and nothing below imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..control.errors import ControlError
from .hub import MAX_STREAMS, close_streams, streams_of

if TYPE_CHECKING:
    from ..control.plane import ControlPlane

__all__ = ["routes", "close_streams"]
# The rest (the page, the stream, views, reasons, the library) is imported on first use: a
# server that nobody opens the dashboard of does not pay for it at start-up.

UI = "/ui"
STREAM_HEADERS = {"cache-control": "no-store", "x-accel-buffering": "no"}


def routes(plane: "ControlPlane") -> list[BaseRoute]:
    from ..control.plane import PREFIX, TENANT
    registry, vendor = plane.registry, plane.vendor
    spec = registry.vendors[vendor]
    paths = tuple(path for listener in spec.listeners for op in listener.api.operations for path in op.paths)

    async def stream(request: Request) -> Any:
        from starlette.responses import StreamingResponse

        from .stream import Cursor, TenantStream, messages
        tenant = plane.tenant_of(request)
        streams = streams_of(registry)
        if streams.closing:
            raise ControlError(503, "the server is stopping")
        if streams.open >= MAX_STREAMS:
            raise ControlError(503, f"{MAX_STREAMS} dashboard streams are open already; close a tab")
        query = request.query_params
        resume = Cursor.parse(request.headers.get("last-event-id") or query.get("last_event_id"))
        body = messages(TenantStream(registry, vendor, tenant, resume, paths), streams, query.get("once") == "1")
        return StreamingResponse(body, media_type="text/event-stream; charset=utf-8", headers=STREAM_HEADERS)

    def detail(journal: Any, request: Request, anon: bool) -> Any:
        from .views import entry_view
        raw = request.path_params["seq"]
        if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
            raise ControlError(400, "seq must be a whole number")
        seq = int(raw)
        entry = next((e for e in reversed(journal.entries) if e.get("seq") == seq), None)
        if entry is None:
            raise ControlError(404, f"no journal entry {seq} (the journal keeps the newest 5,000)")
        exchange = journal.exchanges.get(seq)
        return {"entry": entry_view(entry, journal, paths, anon),
                "exchange": exchange.to_dict() if exchange is not None else None}

    async def request_detail(request: Request) -> Any:
        return detail(plane.tenant_of(request).requests, request, anon=False)

    async def anon_detail(request: Request) -> Any:
        return detail(registry.unauthenticated(vendor), request, anon=True)

    async def scenario_library(request: Request) -> Any:
        from . import library
        return library.listing()

    async def scenario_file(request: Request) -> Any:
        from . import library
        text = library.read(request.path_params["file"])
        if text is None:
            raise ControlError(404, f"no library scenario {request.path_params['file']!r}")
        return PlainTextResponse(text, media_type="application/yaml; charset=utf-8")

    async def shell(request: Request) -> Response:
        from .page import page
        return await page(request, registry, vendor, spec.title)

    async def static_file(request: Request) -> Response:
        from .page import static
        return await static(request, registry)

    return [
        Route(PREFIX + UI, shell, methods=["GET"]),
        Route(PREFIX + UI + "/static/{name}", static_file, methods=["GET"]),
        plane.route(PREFIX + UI + "/scenarios", scenario_library, ["GET"]),
        plane.route(PREFIX + UI + "/scenarios/{file}", scenario_file, ["GET"]),
        plane.route(TENANT + "/stream", stream, ["GET"]),
        plane.route(TENANT + "/journal/requests/{seq}", request_detail, ["GET"]),
        plane.route(PREFIX + "/journal/unauthenticated/{seq}", anon_detail, ["GET"]),
    ]
