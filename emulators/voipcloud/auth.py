"""Who is calling, and may they: the API key, the IP whitelist and the rate limit.

Seed lines 12-14: the key goes in the ``token`` header; the older ``api_key`` parameter keeps
working until the announced cut-over (``settings["voipcloud"]["api_key_param"]``). Seed lines
15-19: only whitelisted addresses may call (the refusal body is missing from the doc; it is
answered as 401 "Authorization error"). Seed line 2: 100 queries per 15 minutes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from starlette.requests import Request

from ..control.settings import ip_allowed
from ..core.world import Tenant
from ..vendor import client_host, header
from .errors import AUTHORIZATION_ERROR, TOO_MANY_REQUESTS, VoipcloudError
from .seed import VENDOR, options

if TYPE_CHECKING:
    from ..registry import Registry

HEADER = "token"
_HEADER_KEY = HEADER.encode("latin-1")
PARAM = "api_key"

VIA_HEADER, VIA_PARAM = "header", "param"

_FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def identify(request: Request, registry: "Registry",
             params: Mapping[str, str]) -> tuple[Tenant | None, str]:
    """The tenant the request's key names, and how the key came (``header``/``param``).

    A non-empty ``token`` header decides alone (a wrong header is not rescued by a right
    ``api_key``); without one, the ``api_key`` parameter (query or body) is read.
    """
    token = header(request, _HEADER_KEY)
    if token:
        return registry.find(VENDOR, token), VIA_HEADER
    key = params.get(PARAM, "")
    if isinstance(key, str) and key:
        return registry.find(VENDOR, key), VIA_PARAM
    return None, VIA_HEADER


def api_key_param_enabled(tenant: Tenant) -> bool:
    """Does the deprecated ``api_key`` parameter still authenticate on this tenant?"""
    value = options(tenant).get("api_key_param", True)
    if isinstance(value, str):
        return value.strip().lower() not in _FALSE_WORDS
    return bool(value)


def whitelisted(request: Request, tenant: Tenant) -> bool:
    """Is the caller's address on the tenant's whitelist (empty list: loopback only)?"""
    whitelist = tenant.settings.get("ip_whitelist") or []
    try:
        return ip_allowed([str(entry) for entry in whitelist], client_host(request))
    except (TypeError, ValueError):  # a malformed entry set behind the control plane's back
        return False


def admit(request: Request, tenant: Tenant, via: str) -> None:
    """Refuse (401, 429) or let the request in; an admitted request uses rate-limit budget.

    Checked in the order a gateway would: the key's method, the address, then the budget.
    Refused requests spend no budget (the core limiter counts accepted hits only).
    """
    if via == VIA_PARAM and not api_key_param_enabled(tenant):
        raise VoipcloudError(AUTHORIZATION_ERROR)
    if not whitelisted(request, tenant):
        raise VoipcloudError(AUTHORIZATION_ERROR)
    now = tenant.now()
    if not tenant.limiter.allow(now):
        raise VoipcloudError(TOO_MANY_REQUESTS,
                             {"Retry-After": str(tenant.limiter.retry_after(now))})
