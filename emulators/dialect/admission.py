"""Admission checks shared by vendors: the tenant's IP whitelist and its rate limit.

Both read only the tenant (settings, limiter on the tenant clock); a refusal is a neutral
``Refusal`` that the vendor's error table words. A refused request spends no rate-limit budget
(the core limiter counts admitted requests only).
"""

from __future__ import annotations

from ..control.settings import ip_allowed
from . import errors as k
from .errors import Refusal
from .operation import Ctx

_NOBODY: list[str] = []
"""An empty whitelist (loopback callers only)."""


def check_whitelist(ctx: Ctx) -> None:
    """The caller's address must be on the tenant's whitelist (empty: loopback only)."""
    tenant = ctx.tenant
    assert tenant is not None
    whitelist = tenant.settings.get("ip_whitelist")
    try:
        ok = ip_allowed([str(entry) for entry in whitelist] if whitelist else _NOBODY, ctx.client)
    except (TypeError, ValueError):  # a malformed entry (an old snapshot): refuse, never crash
        ok = False
    if not ok:
        raise Refusal(k.FORBIDDEN, f"caller {ctx.client or '?'} is not on the tenant's IP whitelist")


def check_rate_limit(ctx: Ctx) -> None:
    """Spend one request of the tenant's budget, or refuse with ``Retry-After``."""
    tenant = ctx.tenant
    assert tenant is not None
    now = tenant.now()
    if not tenant.limiter.allow(now):
        wait = tenant.limiter.retry_after(now)
        raise Refusal(k.RATE_LIMITED,
                      f"rate limit {tenant.limiter.limit} per {tenant.limiter.window:g} s reached; "
                      f"retry after {wait} s", headers={"Retry-After": str(wait)})
