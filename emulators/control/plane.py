"""The control plane of one vendor's tenants: access rules, the tenant a path names, and the
routes of every part (tenants, clock, journals, world, snapshots, state), plus routes that other
layers contribute (scenario runs, a vendor's own extras) through the same guard.

Plain JSON in and out. Every request passes ``access.check_access`` (Host, Origin, admin token
or loopback caller); every write's body is read within ``body.MAX_BODY_BYTES``, must be JSON
(or a type the route names) and is parsed strictly before any handler changes anything.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Iterable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route

from ..core.clock import ClockError
from ..core.errors import CoreError, TenantFailed
from ..core.world import Tenant
from ..dialect.app import CONTROL_PREFIX
from ..registry import Registry
from .access import JSON_TYPES, WRITE_METHODS, check_access, check_body_type
from .body import read_limited, replaying
from .errors import ControlError
from .lists import PageError
from .settings import SettingsError

Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[[Request], Awaitable[Any]]
PREFIX = CONTROL_PREFIX
TENANT = PREFIX + "/tenants/{tid}"
"""Every per-tenant route starts here."""


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class ControlPlane:
    """One vendor's control plane on one registry; ``routes()`` lists every route it serves."""

    def __init__(self, registry: Registry, vendor: str) -> None:
        self.registry = registry
        self.vendor = vendor
        self._extra: list[BaseRoute] = []

    def guarded(self, fn: Handler, status: int = 200, body_types: tuple[str, ...] = JSON_TYPES) -> Endpoint:
        """An endpoint behind the access rules; its control errors answer ``{"error": ...}``."""
        registry = self.registry

        async def endpoint(request: Request) -> Response:
            try:
                check_access(request, registry.admin_token, registry.allowed_hosts)
                if request.method in WRITE_METHODS:
                    body = await read_limited(request)
                    if body:  # no body, no type needed: `curl -X POST .../reset` works
                        check_body_type(request, body_types)
                    request = replaying(request, body)
                result = await fn(request)
            except ControlError as exc:
                return error(exc.status, exc.message)
            except (CoreError, ClockError, SettingsError, PageError) as exc:
                return error(409 if isinstance(exc, CoreError) else 400, str(exc))
            except TenantFailed as exc:  # "tenant failed: ...": reset or restore it
                return error(409, str(exc))
            return result if isinstance(result, Response) else JSONResponse(result, status_code=status)
        return endpoint

    def tenant_of(self, request: Request) -> Tenant:
        """The tenant ``{tid}`` names, or a 404 control error."""
        tenant = self.registry.get(self.vendor, request.path_params["tid"])
        if tenant is None:
            raise ControlError(404, f"no tenant {request.path_params['tid']!r} for {self.vendor}")
        return tenant

    def route(self, path: str, fn: Handler, methods: list[str], status: int = 200,
              body_types: tuple[str, ...] = JSON_TYPES) -> Route:
        return Route(path, self.guarded(fn, status, body_types), methods=methods)

    def add(self, routes: Iterable[BaseRoute]) -> None:
        """Routes another layer contributes (scenario runs, a vendor's own extras)."""
        self._extra.extend(routes)

    def routes(self) -> list[BaseRoute]:
        from . import clock_api, journal_api, state_api, tenants_api, world_api
        own: list[BaseRoute] = []
        for part in (tenants_api, clock_api, journal_api, world_api, state_api):
            own.extend(part.routes(self))
        return [*own, *self._extra]


def control_miss(routes: list[BaseRoute]) -> Callable[[Request, Exception], Response]:
    """The JSON answer to a control-plane path that matched no route (404, listing every
    route) or matched routes with other methods (405, with all of their methods in ``Allow``)."""
    control = [route for route in routes if isinstance(route, Route)]
    index = [f"{method} {route.path}" for route in control
             for method in sorted(route.methods or ()) if method != "HEAD"]

    def answer(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if isinstance(exc, HTTPException) and exc.status_code == 405:
            allowed = sorted({m for route in control if route.matches(request.scope)[0] != Match.NONE
                              for m in route.methods or ()})
            return JSONResponse({"error": f"{request.method} is not allowed on {path}", "allowed": allowed},
                                status_code=405, headers={"Allow": ", ".join(allowed)})
        root = request.scope.get("root_path", "")
        return JSONResponse({"error": f"no control-plane route {request.method} {path}",
                             "routes": [entry.replace(" ", f" {root}", 1) for entry in index]},
                            status_code=404)
    return answer
