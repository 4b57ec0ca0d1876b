"""Composes vendor apps: one Starlette app per listener (port), or one single-port gateway.

Every listener app carries the control plane at ``/_emulator``; all apps share one registry,
one webhook dispatcher and one clock ticker, started once however many ports are open.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import signal
import socket
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from .control.plane import ControlPlane, control_miss
from .dashboard import close_streams
from .dashboard import routes as dashboard_routes
from .dialect.app import CONTROL_PREFIX, ListenerApp
from .dialect.request import MAX_BODY_BYTES, route_path
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
    return ListenerApp(listener.api, registry, control, max_body_bytes=max_body_bytes,
                       mounted=listener.mounted)


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


class _KeepMount:
    """A listener whose own paths start with its mount (``/kerauno/api/...`` under ``/kerauno``):
    vendor paths reach it whole, only ``/<name>/_emulator`` is the control plane below the mount."""

    def __init__(self, app: ListenerApp, mount: str) -> None:
        self.app, self.mount = app, mount

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = route_path(scope) if scope["type"] == "http" else CONTROL_PREFIX
        if not (path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")):
            root = scope.get("root_path", "")
            scope = {**scope, "root_path": root[: -len(self.mount)] if root.endswith(self.mount) else root}
        await self.app(scope, receive, send)


def gateway_app(registry: Registry, max_body_bytes: int = MAX_BODY_BYTES) -> Starlette:
    """Single-port mode: every listener and its control plane under ``/<listener name>``; a
    listener whose paths already start so (Kerauno's) is not mounted twice (``Listener.keeps_mount``)."""
    mounts = []
    where: dict[str, str] = {}
    for spec in registry.vendors.values():
        for listener in spec.listeners:
            app: Any = listener_app(registry, spec, listener, lifespan=False, max_body_bytes=max_body_bytes)
            mounts.append(Mount(listener.mount, app=_KeepMount(app, listener.mount) if listener.keeps_mount else app))
            where[listener.name] = (listener.path_prefix if listener.keeps_mount
                                    else listener.mount + listener.path_prefix) + "..."

    async def nowhere(request: Request, exc: Exception) -> Response:
        """A path below no listener: say where each one is (a JSON 404, as the control plane's)."""
        return JSONResponse({"error": f"no listener serves {request.url.path}: in single-port mode each "
                                      "listener is below /<listener>, its control plane at /<listener>/_emulator",
                             "listeners": where}, status_code=404)

    app = Starlette(routes=mounts, lifespan=_lifespan(registry), exception_handlers={404: nowhere})
    app.router.redirect_slashes = False
    return app


GATEWAY = "gateway"
"""The name of the single-port binding."""


@dataclass
class Binding:
    name: str
    """Listener name (or ``GATEWAY``)."""
    host: str
    port: int
    app: Any
    listeners: list[Listener] = field(default_factory=list)
    """The listeners it serves (one; every one for the gateway)."""


class PortUnavailable(OSError):
    """A binding's port cannot be bound (in use, not permitted, no such address); nothing was
    left listening."""

    def __init__(self, binding: Binding, reason: str, in_use: bool) -> None:
        super().__init__(reason)
        self.binding, self.reason, self.in_use = binding, reason, in_use


def bind_all(bindings: Sequence[Binding]) -> list[socket.socket]:
    """A listening-ready socket per binding, all bound before any serves: when one cannot be,
    the others are closed again and ``PortUnavailable`` names it. A port 0 becomes the one the
    system chose (``Binding.port``)."""
    sockets: list[socket.socket] = []
    try:
        for b in bindings:
            sockets.append(_bind(b))
            b.port = sockets[-1].getsockname()[1]
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _bind(b: Binding) -> socket.socket:
    try:
        found = socket.getaddrinfo(b.host, b.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        # one address per port: IPv4 first for a name with both (``localhost``), as clients try it first
        family, kind, proto, _, address = sorted(found, key=lambda info: info[0] != socket.AF_INET)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise PortUnavailable(b, f"cannot resolve the host {b.host!r}: {getattr(exc, 'strerror', exc)}",
                              False) from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: TIME_WAIT is no obstacle
        sock.bind(address)
        sock.set_inheritable(True)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortUnavailable(b, "is already in use", True) from None
        if exc.errno == errno.EACCES:
            raise PortUnavailable(b, "may not be bound by this user (ports below 1024 need privileges)",
                                  False) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise PortUnavailable(b, f"cannot be bound: {b.host} is not an address of this machine",
                                  False) from None
        raise PortUnavailable(b, f"cannot be bound: {exc.strerror or exc}", False) from None
    return sock


def plan(registry: Registry, host: str, ports: dict[str, int], single_port: int | None, *,
         max_body_bytes: int = MAX_BODY_BYTES) -> list[Binding]:
    if single_port is not None:
        every = [listener for spec in registry.vendors.values() for listener in spec.listeners]
        return [Binding(GATEWAY, host, single_port, gateway_app(registry, max_body_bytes), every)]
    return [Binding(listener.name, host, ports.get(listener.name, listener.default_port),
                    listener_app(registry, spec, listener, lifespan=False, max_body_bytes=max_body_bytes),
                    [listener])
            for spec in registry.vendors.values() for listener in spec.listeners]


class _QuietServer(uvicorn.Server):
    """Signals are handled once for all servers by ``run``, not by each server."""

    @contextlib.contextmanager
    def capture_signals(self):  # type: ignore[no-untyped-def, override]
        yield

    def install_signal_handlers(self) -> None:
        return None


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop when it is installed (uvicorn's ``auto`` loop, what ``uvicorn.run`` picks), else
    asyncio's own: uvloop's transports take about half the CPU per request of asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


KEEP_ALIVE_SECONDS = 5
"""How long an idle keep-alive connection stays open (uvicorn's default, kept)."""


def _answers_at_once(path: str) -> bool:
    """A vendor path: the one pipeline answers it without a task of its own (``httpguard`` runs
    it at once). Not the control plane: its Starlette routes use anyio (thread pools, the
    dashboard's streams), which wants a task."""
    return CONTROL_PREFIX not in path


def _server_limits(limits: Limits | None) -> dict[str, Any]:
    """uvicorn settings of every port: the guarded protocol (``httpguard``) and its limits."""
    limits = limits or Limits()
    room = open_file_room()
    return {"http": guarded_protocol(limits, room.max_open, _answers_at_once), "backlog": room.backlog,
            "limit_concurrency": limits.max_connections, "timeout_keep_alive": KEEP_ALIVE_SECONDS}


async def run(registry: Registry, bindings: Sequence[Binding], *, log_level: str = "warning",
              on_ready: Any = None, limits: Limits | None = None) -> None:
    """Serve ``bindings`` until SIGINT/SIGTERM; every port shares one protocol class, so the
    connection limits of ``limits`` count the whole process. Every port is bound first: one
    that cannot be raises ``PortUnavailable`` before anything serves."""
    sockets = bind_all(bindings)
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
        tasks = [asyncio.ensure_future(s.serve(sockets=[sock])) for s, sock in zip(servers, sockets)]
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
        for sock in sockets:
            sock.close()
