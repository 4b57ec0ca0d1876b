"""Who may use the control plane, and from where (documented in docs/CONTROL_API.md, "Access").

Without an admin token the control plane trusts loopback callers, so it must also make sure a
loopback caller is not a web page the developer happens to have open: a foreign ``Origin`` is
refused (cross-site requests), and so is a ``Host`` that is not a loopback name (DNS
rebinding: evil.example resolving to 127.0.0.1 is same-origin to the browser, but its
requests still say ``Host: evil.example``). With an admin token the token is the defence (a
page cannot know it), so the server may be bound to any address and reached by any name
(Docker); the ``Origin`` rule holds in both modes.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Collection
from urllib.parse import urlsplit

from starlette.requests import Request

from ..dialect.request import client_host
from .errors import ControlError
from .settings import ip_allowed

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
"""``Host`` names (any port) the control plane answers without an admin token; every other
127.0.0.0/8 address counts too."""
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "text/yaml", "application/x-yaml")
"""Body types of the scenario-run route (YAML; JSON is YAML too)."""
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def check_access(request: Request, admin_token: str | None, allowed_hosts: Collection[str]) -> None:
    """Raise ``ControlError`` unless the caller may use the control plane (``Host``, ``Origin``,
    then the admin token or, without one, a loopback caller)."""
    headers = request.headers
    host = headers.get("host")
    if not admin_token and host is not None and not _host_allowed(host, allowed_hosts):
        raise ControlError(403, f"the control plane does not answer Host {host!r} "
                           "(loopback names only without an admin token)")
    origin = headers.get("origin")
    if origin is not None and not _same_origin(origin, host, request.scope.get("scheme", "http")):
        raise ControlError(403, f"cross-origin requests are refused (Origin {origin!r})")
    if not is_admin(request, admin_token):
        if admin_token:
            raise ControlError(401, "admin token required")
        raise ControlError(403, "the control plane answers loopback callers only")


def is_admin(request: Request, admin_token: str | None) -> bool:
    """The caller presents the admin token (``Authorization: Bearer`` with any case of the
    scheme, or ``X-Telemock-Admin-Token``); without a token, the caller is on loopback."""
    if not admin_token:
        return ip_allowed([], client_host(request.scope))
    headers = request.headers
    given = headers.get("x-telemock-admin-token")
    if given is None:
        scheme, _, value = headers.get("authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer":
            return False
        given = value.strip()
    return hmac.compare_digest(given.encode(), admin_token.encode())


def check_body_type(request: Request, accepted: tuple[str, ...]) -> None:
    """A write that has a body must say it is one of ``accepted`` (a browser can send
    ``text/plain`` or a form cross-site without asking; it cannot send JSON so)."""
    given = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if given not in accepted:
        raise ControlError(415, f"a control-plane body must be sent as Content-Type {' or '.join(accepted)}"
                           f" (got {given or 'none'!r})")


def _host_allowed(host: str, allowed: Collection[str]) -> bool:
    name = _authority(host)
    if name is None:
        return False
    hostname = name[0]
    if hostname in LOOPBACK_HOSTS or hostname in allowed or host.lower() in allowed:
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def _same_origin(origin: str, host: str | None, scheme: str) -> bool:
    """The ``Origin`` names this server itself (the host:port the request was sent to)."""
    if host is None or origin == "null":
        return False
    try:
        parts = urlsplit(origin)
        origin_port = parts.port
    except ValueError:
        return False
    if not parts.hostname or parts.path or parts.query:
        return False
    own = _authority(host, scheme)
    return own is not None and own == (parts.hostname, _explicit(origin_port, parts.scheme))


def _authority(host: str, scheme: str = "http") -> tuple[str, int | None] | None:
    """(lower-case host name without brackets, port unless the scheme's default) of a
    ``Host`` header, or None if it is not one."""
    try:
        parts = urlsplit(f"//{host}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.path or parts.query or parts.fragment or parts.username is not None:
        return None
    return parts.hostname, _explicit(port, scheme)


def _explicit(port: int | None, scheme: str) -> int | None:
    """The port, or None for the scheme's default (``https://h`` and ``h:443`` are one origin;
    behind a TLS proxy the page is https while the server sees http)."""
    return None if port == _DEFAULT_PORTS.get(scheme) else port
