"""The ``key`` parameter -> the tenant it addresses, or Kerauno's key error.

Every API (Make Call, Reporting, and Agent Statuses, whose parameter table also marks ``key``
"Yes", line 157) takes the 40-hex ``key`` from the query string or the form body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from ..core.world import Tenant
from . import errors
from .seed import VENDOR, vendor_settings

if TYPE_CHECKING:
    from ..registry import Registry


def authenticate(registry: "Registry", params: Mapping[str, str]) -> Tenant:
    """The tenant whose key was sent; an absent or empty key and an unknown key are refused."""
    key = params.get("key", "")
    if not key:
        raise errors.KeraunoError(errors.MISSING_KEY, errors.AUTH)
    tenant = registry.find(VENDOR, key)
    if tenant is None:
        raise errors.KeraunoError(errors.INVALID_KEY, errors.AUTH)
    return tenant


def http_errors(registry: "Registry", tenant: Tenant | None) -> bool:
    """Whether errors use 4xx statuses: the tenant's setting, or the default tenant's before auth."""
    tenant = tenant or registry.get(VENDOR, "default")
    if tenant is None:
        return False
    return vendor_settings(tenant)["http_error_status"] is True
