"""Tenants: health, list, create, read, delete, reset (one, or the whole vendor)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from ..core.world import Tenant
from ..registry import DEFAULT_TENANT, Registry, TenantExists
from .body import json_body
from .clock_api import clock_info
from .errors import ControlError
from .lists import by_position, page_args
from .settings import validate_settings

if TYPE_CHECKING:
    from .plane import ControlPlane

MAX_TENANT_ID = 64
"""Longest tenant id (ids are URL path segments and log names)."""
TENANT_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_TENANT_ID}}}")


def tenant_info(tenant: Tenant, registry: Registry) -> dict[str, Any]:
    return {"id": tenant.id, "vendor": tenant.dialect.name, "seed": tenant.seed_number,
            "credentials": dict(tenant.credentials), "clock": clock_info(tenant),
            "calls": len(tenant.calls), "history": len(tenant.history),
            "agents": len(tenant.agents), "queues": len(tenant.queues), "failed": tenant.failed}


def routes(plane: "ControlPlane") -> list[BaseRoute]:
    from .plane import PREFIX, TENANT
    registry, vendor = plane.registry, plane.vendor

    async def health(request: Request) -> Any:
        failed = [{"id": t.id, "error": t.failed} for t in registry.tenants[vendor].values() if t.failed]
        return {"status": "degraded" if failed else "ok", "vendor": vendor,
                "tenants": len(registry.tenants[vendor]), "failed": failed}

    async def list_tenants(request: Request) -> Any:
        since, limit = page_args(request)
        return by_position(registry.tenants[vendor].values(), since, limit,
                           lambda t: tenant_info(t, registry))

    async def create_tenant(request: Request) -> Any:
        body = await json_body(request)
        if not isinstance(body, dict):
            raise ControlError(400, "body must be a JSON object")
        seed = body.get("seed")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise ControlError(400, "seed must be an integer")
        tid = body.get("id")
        if tid is not None and (not isinstance(tid, str) or not TENANT_ID.fullmatch(tid)):
            raise ControlError(400, f"id must be 1 to {MAX_TENANT_ID} letters, digits, - or _")
        creds = body.get("credentials")
        if creds is not None and (not isinstance(creds, dict) or
                                  not all(isinstance(v, str) for v in creds.values())):
            raise ControlError(400, "credentials must map names to strings")
        settings = validate_settings(body.get("settings", {}), registry.vendors[vendor].dialect)
        try:
            tenant = registry.create(vendor, tid, seed=seed, settings=settings, credentials=creds)
        except TenantExists as exc:
            raise ControlError(409, f"tenant exists: {exc}") from None
        return tenant_info(tenant, registry)

    async def get_tenant(request: Request) -> Any:
        return tenant_info(plane.tenant_of(request), registry)

    async def delete_tenant(request: Request) -> Any:
        tenant = plane.tenant_of(request)
        if tenant.id == DEFAULT_TENANT:
            raise ControlError(409, "the default tenant cannot be deleted; reset it instead")
        registry.delete(vendor, tenant.id)
        return {"deleted": tenant.id}

    async def reset_tenant(request: Request) -> Any:
        tenant = plane.tenant_of(request)
        tenant.reset()
        return tenant_info(tenant, registry)

    async def reset_all(request: Request) -> Any:
        registry.reset_all(vendor)
        return {"reset": vendor, "tenants": [DEFAULT_TENANT]}

    return [
        plane.route(PREFIX + "/health", health, ["GET"]),
        plane.route(PREFIX + "/reset", reset_all, ["POST"]),
        plane.route(PREFIX + "/tenants", list_tenants, ["GET"]),
        plane.route(PREFIX + "/tenants", create_tenant, ["POST"], 201),
        plane.route(TENANT, get_tenant, ["GET"]),
        plane.route(TENANT, delete_tenant, ["DELETE"]),
        plane.route(TENANT + "/reset", reset_tenant, ["POST"]),
    ]
