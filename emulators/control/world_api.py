"""A tenant's world: its calls (list, inject an inbound one), agents, settings, snapshot and
restore."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from ..core import engine
from ..core.world import own_settings
from .body import json_body
from .errors import ControlError
from .lists import by_position, page_args
from .settings import validate_settings
from .snapshot_check import SnapshotError
from .tenants_api import tenant_info

if TYPE_CHECKING:
    from .plane import ControlPlane


def routes(plane: "ControlPlane") -> list[BaseRoute]:
    from .plane import TENANT
    registry, vendor = plane.registry, plane.vendor

    async def calls(request: Request) -> Any:
        tenant = plane.tenant_of(request)
        since, limit = page_args(request)
        return by_position(tenant.calls.values(), since, limit, lambda c: c.to_dict())

    async def inject_call(request: Request) -> Any:
        tenant = plane.tenant_of(request)
        body = await json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("from"), str) or not isinstance(body.get("to"), str):
            raise ControlError(400, "body must be {\"from\": number, \"to\": number}")
        call = engine.inbound_call(tenant, body["from"], body["to"], caller_name=str(body.get("name", "")),
                                   origin="control")
        return call.to_dict()

    async def agents(request: Request) -> Any:
        return [a.to_dict() for a in plane.tenant_of(request).agents.values()]

    async def snapshot(request: Request) -> Any:
        return plane.tenant_of(request).snapshot()

    async def restore(request: Request) -> Any:
        tenant = plane.tenant_of(request)
        try:  # checked whole before anything is applied: a refused one never touches the tenant
            registry.restore(vendor, tenant, await json_body(request))
        except SnapshotError as exc:
            raise ControlError(400, f"not a valid snapshot: {exc}") from None
        return tenant_info(tenant, registry)

    async def get_settings(request: Request) -> Any:
        tenant = plane.tenant_of(request)
        return own_settings(tenant.settings, tenant.dialect)

    async def patch_settings(request: Request) -> Any:
        tenant = plane.tenant_of(request)
        patch = validate_settings(await json_body(request), tenant.dialect)
        if "clock" in patch:
            raise ControlError(400, "change the clock through /clock")
        tenant.configure(patch)
        return own_settings(tenant.settings, tenant.dialect)

    return [
        plane.route(TENANT + "/calls", calls, ["GET"]),
        plane.route(TENANT + "/calls", inject_call, ["POST"], 201),
        plane.route(TENANT + "/agents", agents, ["GET"]),
        plane.route(TENANT + "/snapshot", snapshot, ["GET"]),
        plane.route(TENANT + "/restore", restore, ["POST"]),
        plane.route(TENANT + "/settings", get_settings, ["GET"]),
        plane.route(TENANT + "/settings", patch_settings, ["PATCH"]),
    ]
