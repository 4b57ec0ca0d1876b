"""Who is calling, and may they: the API key, the IP whitelist and the rate limit.

voipcloud.txt, "Authentication": the key goes in the ``token`` header; the older ``api_key``
parameter keeps working until the announced cut-over (``settings["voipcloud"]["api_key_param"]``).
"IP whitelist": only whitelisted addresses may call (the refusal body is missing from the doc; it
is answered as 401 "Authorization error"). First line: 100 queries per 15 minutes.
Integration API v2 (no document; docs/FIDELITY.md) takes the same key in the ``token`` header
only, answers the whitelist 403, and spends the same per-tenant budget.
"""

from __future__ import annotations

from ..core.world import Tenant
from ..dialect import errors as k
from ..dialect.admission import check_rate_limit, check_whitelist
from ..dialect.errors import Refusal
from ..dialect.operation import Ctx
from .seed import VENDOR, options

HEADER = "token"
PARAM = "api_key"
VIA_HEADER, VIA_PARAM = "header", "param"

_FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def authenticate(ctx: Ctx) -> None:
    """The tenant the request's key names, and how the key came (``header``/``param``).

    A non-empty ``token`` header decides alone (a wrong header is not rescued by a right
    ``api_key``); without one, the ``api_key`` parameter (query or body) is read.
    """
    token = ctx.header(HEADER)
    if token:
        ctx.via = VIA_HEADER
    else:
        key = ctx.value(PARAM)
        if not isinstance(key, str) or not key:
            raise Refusal(k.UNAUTHENTICATED, "no token header and no api_key parameter")
        token, ctx.via = key, VIA_PARAM
    ctx.tenant = ctx.registry.find(VENDOR, token)
    if ctx.tenant is None:
        raise Refusal(k.BAD_CREDENTIAL, f"the {ctx.via} key addresses no tenant")


def api_key_param_enabled(tenant: Tenant) -> bool:
    """Does the deprecated ``api_key`` parameter still authenticate on this tenant?"""
    value = options(tenant).get("api_key_param", True)
    if isinstance(value, str):
        return value.strip().lower() not in _FALSE_WORDS
    return bool(value)


def admit(ctx: Ctx) -> None:
    """Refuse (401, 429) or let the request in; an admitted request uses rate-limit budget.

    Checked in the order a gateway would: the key's method, the address, then the budget.
    """
    assert ctx.tenant is not None
    if ctx.via == VIA_PARAM and not api_key_param_enabled(ctx.tenant):
        raise Refusal(k.FORBIDDEN, "the api_key parameter is turned off for this tenant")
    check_whitelist(ctx)
    check_rate_limit(ctx)


def authenticate_token(ctx: Ctx) -> None:
    """v2: the ``token`` header alone (every v2 client sends it; one notes "not a bearer token,
    not a query param"). The key is v1's: the same tenant answers both versions."""
    token = ctx.header(HEADER)
    if not token:
        raise Refusal(k.UNAUTHENTICATED, "no token header")
    ctx.via = VIA_HEADER
    ctx.tenant = ctx.registry.find(VENDOR, token)
    if ctx.tenant is None:
        raise Refusal(k.BAD_CREDENTIAL, "the token addresses no tenant")


def admit_token(ctx: Ctx) -> None:
    """v2: the address, then the budget. The budget is the tenant's one limiter, so v1 and v2
    requests together make the 100 per 15 minutes."""
    check_whitelist(ctx)
    check_rate_limit(ctx)
