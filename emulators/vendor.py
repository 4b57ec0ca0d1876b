"""What a vendor package provides, and the request plumbing every vendor app shares.

A vendor is a dialect over the core: ``VendorSpec`` names its seed/hook dialect, the HTTP
listeners it serves (Kerauno has two ports), and how new tenants get credentials.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Sequence
from urllib.parse import parse_qsl

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from .core.journal import MAX_TEXT
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


CACHED_QUERY_BYTES = 512
"""Longest query string whose parse is kept (``_query``): a cache of long ones would hold
megabytes that a client chose."""


def _query(raw: bytes) -> dict[str, str]:
    """A query string as ``dict(request.query_params)`` reads it (last value of a repeated
    name wins), parsed once per distinct string: clients repeat the same few queries."""
    return _parsed_query(raw) if len(raw) <= CACHED_QUERY_BYTES else _parsed_query.__wrapped__(raw)


@lru_cache(maxsize=1024)
def _parsed_query(raw: bytes) -> dict[str, str]:
    return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


# -- request bodies ----------------------------------------------------------------------
MAX_BODY_BYTES = 4 * 1024 * 1024
"""Default largest request body, in bytes (``telemock serve --max-body-bytes``). Vendor
parameters take a few hundred bytes; PHP's own ``post_max_size`` default is 8 MB."""
MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024
"""Largest body ``/restore`` reads (at least): snapshots grow with the tenant's own history
(a 1,000-call day is ~4.4 MB of JSON, a 10,000-call day ~44 MB)."""
MAX_JSON_DEPTH = 512
"""Deepest JSON body read: PHP ``json_decode``'s default depth. Parsing is recursive, so a
deeper body is refused before it is parsed."""


class BodyError(Exception):
    """A request body refused before any of it was used; each vendor renders it its way."""


class BodyTooLarge(BodyError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is larger than {limit} bytes")
        self.limit = limit


class MalformedBody(BodyError):
    """A body that cannot be read as its content type says (or that never arrived whole)."""


def body_limit(request: Request) -> int:
    """The largest body this app reads (set per app by ``server.listener_app``)."""
    app = request.scope.get("app")
    limit = getattr(app.state, "max_body_bytes", None) if app is not None else None
    return limit if isinstance(limit, int) else MAX_BODY_BYTES


async def read_body(request: Request, *, at_least: int = 0) -> bytes:
    """The whole body, read chunk by chunk and refused (``BodyTooLarge``) as soon as it passes
    the app's limit (or ``at_least``, if larger): a declared Content-Length over the limit is
    refused before a byte is read, and a body that does not say its length is never buffered
    past the limit."""
    limit = max(body_limit(request), at_least)
    declared = header(request, b"content-length")
    if declared and not declared.isdigit():  # (uvicorn refuses such a request before us)
        raise MalformedBody("the Content-Length is not a number")
    if declared and (len(declared) > 18 or int(declared) > limit):
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(limit)
            chunks.append(chunk)
    except ClientDisconnect:
        raise MalformedBody("the body ended before its declared length") from None
    body = b"".join(chunks)
    request._body = body  # starlette's own cache: ``request.form()`` parses these bytes
    return body


_STRING_ESCAPES = re.compile(r'\\\\|\\"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_NESTING = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Does JSON ``text`` nest deeper than ``limit``? Counted without recursion, brackets in
    strings excluded; a malformed text may be over-counted, never under-counted."""
    if text.count("[") + text.count("{") <= limit:
        return False  # nearly every body: no need to look closer
    # Inside a string a backslash always starts a two-character escape: drop ``\\`` and ``\"``,
    # then every other piece between quotes is outside strings.
    outside = "".join(_STRING_ESCAPES.sub("", text).split('"')[::2])
    brackets = _NOT_BRACKET.sub("", outside).replace("[]", "").replace("{}", "")
    return any(depth > limit for depth in accumulate(map(_NESTING.__getitem__, brackets)))


def parse_json(body: bytes) -> Any:
    """A JSON body (UTF-8, RFC 8259), refused (``MalformedBody``) when it is not JSON or nests
    deeper than ``MAX_JSON_DEPTH``."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBody("the JSON body is not UTF-8") from None
    if json_too_deep(text):
        raise MalformedBody(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise MalformedBody("the body is not valid JSON") from None


def query_of(request: Request) -> dict[str, str]:
    """The query string's parameters (a copy), as ``params_of`` reads them."""
    return dict(_query(request.scope.get("query_string", b"")))


async def params_of(request: Request) -> dict[str, str]:
    """Query string and form/JSON body merged, body winning, as a PHP ``$_REQUEST`` would.

    Raises ``BodyError`` for a body over the limit or one that cannot be read as its content
    type says (JSON that is not JSON, multipart without its boundary): a parameter error
    every vendor renders in its own envelope. An empty body is no parameters, not an error."""
    scope = request.scope
    params: dict[str, str] = query_of(request)  # a copy: callers may add
    if scope["method"] in ("POST", "PUT", "PATCH"):
        ctype = header(request, b"content-type").lower()
        body = await read_body(request)
        if not body.strip():
            return params
        if "json" in ctype:
            data = parse_json(body)
            if isinstance(data, dict):
                params.update({str(k): v if isinstance(v, str) else _scalar(v) for k, v in data.items()})
        elif "x-www-form-urlencoded" in ctype:
            # parsed here: starlette's request.form() needs python-multipart even for this
            params.update(dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)))
        elif "multipart/form-data" in ctype:
            try:
                async with request.form() as form:  # closing it removes spooled file parts
                    params.update({k: v for k, v in form.items() if isinstance(v, str)})
            except Exception:  # starlette raises HTTPException, python-multipart its own errors
                raise MalformedBody("the multipart body cannot be read") from None
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
    path, raw_query = scope["path"], scope.get("query_string", b"")
    truncated: dict[str, int] = {}  # field -> its length before it was cut (journals are bounded)
    if len(path) > MAX_TEXT:
        path, truncated["path"] = path[:MAX_TEXT], len(path)
    if len(raw_query) > MAX_TEXT:
        raw_query, truncated["query"] = raw_query[:MAX_TEXT], len(raw_query)
    query = raw_query.decode("utf-8", "replace")
    # "seq" first: ``append`` numbers the entry in place, keeping the journal's key order
    entry = {"seq": 0, "vendor": vendor, "operation": operation, "method": scope["method"],
             "path": path, "query": query, "status": status, "client": client[0] if client else "",
             "at": tenant.now() if tenant else None, "wall": time.time(),
             "tenant": tenant.id if tenant else None}
    if truncated:
        entry["truncated"] = truncated
    (tenant.requests if tenant else registry.unauthenticated(vendor)).append(entry, len(path) + len(query))


Handler = Callable[[Request], Awaitable[Response]]
