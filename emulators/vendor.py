"""What a vendor package provides, and the request plumbing every vendor app shares.

A vendor is a dialect over the core: ``VendorSpec`` names its seed/hook dialect, the HTTP
listeners it serves (Kerauno has two ports), and how new tenants get credentials.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Sequence
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from .core.world import Dialect, Tenant

if TYPE_CHECKING:
    from .registry import Registry

RoutesFactory = Callable[["Registry"], Sequence[BaseRoute]]


@dataclass
class Listener:
    """One HTTP port of a vendor (the vendor's exact paths are served from its root)."""

    name: str
    default_port: int
    routes: RoutesFactory
    not_found: Callable[[Request], Response] | None = None
    """The vendor's own body for an unknown path or a wrong method."""
    direct: bool = False
    """Call this listener's fixed-path endpoints straight from the app, past Starlette's
    middleware and router (~15 µs a request). Only for endpoints that answer every request
    and every error themselves (no ``HTTPException``, no unhandled exception)."""


@dataclass
class VendorSpec:
    name: str
    title: str
    dialect: Dialect
    listeners: list[Listener]
    new_credentials: Callable[[Tenant], dict[str, str]]
    """Credentials for a tenant created through the control plane (default tenant: seed's)."""
    credential_fields: Sequence[str] = field(default_factory=tuple)
    """Which credential values identify the tenant (looked up by ``Registry.find``)."""


def client_host(request: Request) -> str:
    client = request.scope.get("client")  # the scope, not ``request.client``: every request asks
    return client[0] if client else ""


def header(request: Request, name: bytes) -> str:
    """The first value of header ``name`` (lower-case bytes, as ASGI delivers names), or ``""``.

    Read from the scope: ``request.headers`` builds a ``Headers`` object per request."""
    for key, value in request.scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


@lru_cache(maxsize=1024)
def _query(raw: bytes) -> dict[str, str]:
    """A query string as ``dict(request.query_params)`` reads it (last value of a repeated
    name wins), parsed once per distinct string: clients repeat the same few queries."""
    return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


async def params_of(request: Request) -> dict[str, str]:
    """Query string and form/JSON body merged, body winning, as a PHP ``$_REQUEST`` would."""
    scope = request.scope
    params: dict[str, str] = dict(_query(scope.get("query_string", b"")))  # a copy: callers may add
    if scope["method"] in ("POST", "PUT", "PATCH"):
        ctype = request.headers.get("content-type", "")
        if "json" in ctype:
            try:
                body = await request.json()
            except ValueError:
                body = None
            if isinstance(body, dict):
                params.update({str(k): v if isinstance(v, str) else _scalar(v) for k, v in body.items()})
        elif "x-www-form-urlencoded" in ctype:
            # parsed here: starlette's request.form() needs python-multipart even for this
            raw = (await request.body()).decode("utf-8", "replace")
            params.update(dict(parse_qsl(raw, keep_blank_values=True)))
        elif "form" in ctype or not ctype:
            try:
                form = await request.form()
            except Exception:  # malformed multipart: treat as no body, as PHP would
                form = None
            if form is not None:
                params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value) if isinstance(value, (int, float)) else repr(value)


def journal(request: Request, registry: "Registry", vendor: str, operation: str,
            tenant: Tenant | None, status: int) -> None:
    """Record one inbound request in its tenant's journal (or the vendor's, before auth)."""
    scope = request.scope  # read directly: building ``request.url`` costs more than the rest
    client = scope.get("client")
    # "seq" first: ``append`` numbers the entry in place, keeping the journal's key order
    entry = {"seq": 0, "vendor": vendor, "operation": operation, "method": scope["method"],
             "path": scope["path"], "query": scope.get("query_string", b"").decode("utf-8", "replace"),
             "status": status, "client": client[0] if client else "",
             "at": tenant.now() if tenant else None, "wall": time.time(),
             "tenant": tenant.id if tenant else None}
    (tenant.requests if tenant else registry.unauthenticated(vendor)).append(entry)


Handler = Callable[[Request], Awaitable[Response]]
