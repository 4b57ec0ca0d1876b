"""Composes vendor apps: one Starlette app per listener (port), or one single-port gateway.

Every listener app carries the control plane at ``/_emulator``; all apps share one registry,
one webhook dispatcher and one clock ticker, started once however many ports are open.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from dataclasses import dataclass
from typing import Any, AsyncIterator, Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount

from .control.plane import ControlPlane, control_miss
from .dashboard import close_streams
from .dashboard import routes as dashboard_routes
from .dialect.app import ListenerApp
from .dialect.request import MAX_BODY_BYTES
from .httpguard import Limits, guarded_protocol, open_file_room
from .registry import Registry
from .scenario.control import routes as scenario_routes
from .vendor import Listener, VendorSpec


def listener_app(registry: Registry, spec: VendorSpec, listener: Listener, *,
                 lifespan: bool = True, max_body_bytes: int = MAX_BODY_BYTES) -> ListenerApp:
    """The ASGI app of one vendor port: its operations on the kit's pipeline (no body over
    ``max_body_bytes`` is read), the control plane at ``/_emulator`` (a Starlette app with JSON
    404/405s, which also runs the lifespan)."""
    plane = ControlPlane(registry, spec.name)
    plane.add(scenario_routes(plane, vendor_apps))
    plane.add(dashboard_routes(plane))
    if spec.control_routes is not None:
        plane.add(spec.control_routes(plane))
    routes = plane.routes()
    miss = control_miss(routes)

    async def control_error(request: Request, exc: Exception) -> Response:
        return miss(request, exc)

    control = Starlette(routes=routes, exception_handlers={404: control_error, 405: control_error},
                        lifespan=_lifespan(registry) if lifespan else None)
    control.router.redirect_slashes = False
    control.state.registry = registry
    return ListenerApp(listener.api, registry, control, max_body_bytes=max_body_bytes)


def vendor_apps(registry: Registry, spec: VendorSpec) -> dict[str, ListenerApp]:
    """The app of every listener of ``spec`` on ``registry`` (no lifespan: for in-process
    clients such as scenario runs, which share a running registry)."""
    return {listener.name: listener_app(registry, spec, listener, lifespan=False)
            for listener in spec.listeners}


def _lifespan(registry: Registry) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await registry.start()
        try:
            yield
        finally:
            await registry.stop()
    return lifespan


def gateway_app(registry: Registry, max_body_bytes: int = MAX_BODY_BYTES) -> Starlette:
    """Single-port mode: every listener mounted under ``/<listener name>``."""
    mounts = [Mount(f"/{listener.name}", app=listener_app(registry, spec, listener, lifespan=False,
                                                          max_body_bytes=max_body_bytes))
              for spec in registry.vendors.values() for listener in spec.listeners]
    app = Starlette(routes=mounts, lifespan=_lifespan(registry))
    app.router.redirect_slashes = False
    return app


@dataclass
class Binding:
    name: str
    """Listener name (or ``gateway``)."""
    host: str
    port: int
    app: Starlette


def plan(registry: Registry, host: str, ports: dict[str, int], single_port: int | None, *,
         max_body_bytes: int = MAX_BODY_BYTES) -> list[Binding]:
    if single_port is not None:
        return [Binding("gateway", host, single_port, gateway_app(registry, max_body_bytes))]
    return [Binding(listener.name, host, ports.get(listener.name, listener.default_port),
                    listener_app(registry, spec, listener, lifespan=False, max_body_bytes=max_body_bytes))
            for spec in registry.vendors.values() for listener in spec.listeners]


class _QuietServer(uvicorn.Server):
    """Signals are handled once for all servers by ``run``, not by each server."""

    @contextlib.contextmanager
    def capture_signals(self):  # type: ignore[no-untyped-def, override]
        yield

    def install_signal_handlers(self) -> None:
        return None


KEEP_ALIVE_SECONDS = 5
"""How long an idle keep-alive connection stays open (uvicorn's default, kept)."""


def _server_limits(limits: Limits | None) -> dict[str, Any]:
    """uvicorn settings of every port: the guarded protocol (``httpguard``) and its limits."""
    limits = limits or Limits()
    room = open_file_room()
    return {"http": guarded_protocol(limits, room.max_open), "backlog": room.backlog,
            "limit_concurrency": limits.max_connections, "timeout_keep_alive": KEEP_ALIVE_SECONDS}


async def run(registry: Registry, bindings: Sequence[Binding], *, log_level: str = "warning",
              on_ready: Any = None, limits: Limits | None = None) -> None:
    """Serve ``bindings`` until SIGINT/SIGTERM; every port shares one protocol class, so the
    connection limits of ``limits`` count the whole process."""
    shared = _server_limits(limits)
    # ws="none": no vendor speaks WebSocket, and uvicorn's "auto" imports websockets (~30 ms)
    servers = [_QuietServer(uvicorn.Config(b.app, host=b.host, port=b.port, lifespan="off",
                                           ws="none", log_level=log_level, access_log=False, **shared))
               for b in bindings]
    loop = asyncio.get_running_loop()

    def stop() -> None:
        close_streams(registry)  # open dashboard streams end, so the servers can stop
        for server in servers:
            server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop)
    await registry.start()
    try:
        tasks = [asyncio.ensure_future(s.serve()) for s in servers]
        while not all(s.started for s in servers):
            if any(t.done() for t in tasks):
                break
            await asyncio.sleep(0.01)
        if on_ready is not None and all(s.started for s in servers):
            on_ready()
        await asyncio.gather(*tasks)
    finally:
        stop()
        await registry.stop()
