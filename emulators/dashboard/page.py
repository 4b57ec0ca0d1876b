"""The page itself: ``/_emulator/ui`` and its three static files, shipped in the package.

The page holds no data and no secret: everything it shows comes from the control plane through
``fetch``, which sends the admin token (when the server has one) as ``Authorization: Bearer``,
from the login form's session storage. So the page and its files are served to anyone the
control plane's ``Host`` and ``Origin`` rules let through, with or without the token (without
it, the page asks for it); without an admin token the loopback rule holds for them too.

A strict Content-Security-Policy (no inline script or style, nothing from another origin, no
framing) keeps the page to its own files and its own server.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..control.access import check_access
from ..control.errors import ControlError
from ..registry import Registry

STATIC = Path(__file__).parent / "static"
FILES = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8",
         "icon.svg": "image/svg+xml"}
"""The page's files (the only names the static route answers)."""
HEADERS = {
    "content-security-policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
}


@lru_cache(maxsize=None)
def _read(name: str) -> bytes:
    return (STATIC / name).read_bytes()


def _refusal(registry: Registry, request: Request) -> Response | None:
    """The control plane's answer to a caller it refuses, except for a missing admin token
    (the page asks for it)."""
    try:
        check_access(request, registry.admin_token, registry.allowed_hosts)
    except ControlError as exc:
        if exc.status != 401:
            return PlainTextResponse(exc.message, status_code=exc.status, headers=HEADERS)
    return None


async def page(request: Request, registry: Registry, vendor: str, title: str) -> Response:
    """``/_emulator/ui``: the page, with the listener's prefix (single-port mode) filled in."""
    refused = _refusal(registry, request)
    if refused is not None:
        return refused
    root = request.scope.get("root_path", "")
    text = _read("index.html").decode("utf-8")
    for key, value in (("root", root), ("vendor", vendor), ("title", title)):
        text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
    return Response(text, media_type="text/html; charset=utf-8", headers=HEADERS)


async def static(request: Request, registry: Registry) -> Response:
    """``/_emulator/ui/static/{name}``: one of ``FILES``."""
    refused = _refusal(registry, request)
    if refused is not None:
        return refused
    name = request.path_params["name"]
    if name not in FILES:
        return PlainTextResponse("no such file", status_code=404, headers=HEADERS)
    return Response(_read(name), media_type=FILES[name], headers=HEADERS)
