"""``/_emulator/state``: the whole server's state (every vendor's tenants) as one document.

``GET`` answers the state document, ``PUT`` loads one (all or nothing, as ``--state-dir``
loads its file at start); ``POST /_emulator/state/save`` writes the ``--state-dir`` file now and
``POST /_emulator/state/load`` loads it again. The ``telemock state save|load`` commands use
``GET`` and ``PUT``. Errors are the control plane's ``{"error": ...}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from .. import persistence
from ..registry import Registry

if TYPE_CHECKING:
    from .plane import ControlPlane

Handler = Callable[[Request], Awaitable[Any]]


def _refuse(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def get_state(registry: Registry) -> Handler:
    async def handle(request: Request) -> Any:
        carried = registry.store.carried if registry.store is not None else {}
        return Response(persistence.encode(persistence.state_document(registry, carried)),
                        media_type="application/json")
    return handle


def put_state(registry: Registry) -> Handler:
    async def handle(request: Request) -> Any:
        return _load(registry, await request.body())
    return handle


def load_state(registry: Registry) -> Handler:
    async def handle(request: Request) -> Any:
        store = registry.store
        if store is None:
            return _refuse(409, "this server has no --state-dir")
        try:
            raw = store.path.read_bytes()
        except OSError as exc:
            return _refuse(404, f"cannot read {store.path}: {exc.strerror or exc}")
        return _load(registry, raw)
    return handle


def _load(registry: Registry, raw: bytes) -> Any:
    try:
        prepared = persistence.prepare(persistence.decode(raw), registry)
    except persistence.StateError as exc:
        return _refuse(400, f"not a valid state: {exc}")
    loaded = persistence.apply(registry, prepared)
    if registry.store is not None:
        registry.store.carried = prepared.carried
    return {"loaded": loaded, "kept": sorted(prepared.carried)}


def save_state(registry: Registry) -> Handler:
    async def handle(request: Request) -> Any:
        store = registry.store
        if store is None:
            return _refuse(409, "this server has no --state-dir")
        try:
            size = store.save_now(registry)
        except OSError as exc:
            return _refuse(503, f"cannot write {store.path}: {exc}")
        return {"path": str(store.path), "bytes": size,
                "tenants": sum(len(t) for t in registry.tenants.values())}
    return handle


def routes(plane: "ControlPlane") -> list[BaseRoute]:
    from .plane import PREFIX
    registry = plane.registry
    return [
        plane.route(PREFIX + "/state", get_state(registry), ["GET"]),
        plane.route(PREFIX + "/state", put_state(registry), ["PUT"]),
        plane.route(PREFIX + "/state/save", save_state(registry), ["POST"]),
        plane.route(PREFIX + "/state/load", load_state(registry), ["POST"]),
    ]
