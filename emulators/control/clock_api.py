"""A tenant's clock: read it, move it, change its mode."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from ..core.clock import LATEST
from ..core.collector import collector_paused
from ..core.formats import parse_instant, utc_iso
from ..core.world import Tenant
from .body import json_body
from .errors import ControlError
from .settings import validate_settings

if TYPE_CHECKING:
    from .plane import ControlPlane


def clock_info(tenant: Tenant) -> dict[str, Any]:
    clock = tenant.clock
    nxt = clock.peek()
    return {"now": clock.now(), "iso": utc_iso(clock.now()), "mode": clock.mode, "speed": clock.speed,
            "pending_timers": clock.pending(), "next_timer": nxt}


def clock_target(target: float) -> float:
    """A clock target the formats can still render (refuses NaN too)."""
    if not target <= LATEST:
        raise ControlError(400, "the clock cannot pass 3000-01-01T00:00:00Z")
    return target


def routes(plane: "ControlPlane") -> list[BaseRoute]:
    from .plane import TENANT

    async def get_clock(request: Request) -> Any:
        return clock_info(plane.tenant_of(request))

    async def advance_clock(request: Request) -> Any:
        tenant = plane.tenant_of(request)
        tenant.check_alive()  # a failed tenant's clock stands still: 409
        body = await json_body(request)
        if not isinstance(body, dict):
            raise ControlError(400, "body must be a JSON object")
        if "to" in body:
            try:
                target = parse_instant(str(body["to"]))
            except ValueError:
                raise ControlError(400, "to must be an ISO 8601 instant") from None
        else:
            seconds = body.get("seconds")
            if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
                raise ControlError(400, "seconds must be a number")
            try:
                target = tenant.now() + float(seconds)
            except OverflowError:
                target = math.inf if seconds > 0 else -math.inf
        with collector_paused():  # a long stretch of virtual time: core/collector.py says why
            fired = tenant.clock.advance_to(clock_target(target))
        return {**clock_info(tenant), "fired": fired}

    async def set_clock(request: Request) -> Any:
        tenant = plane.tenant_of(request)
        tenant.check_alive()
        body = await json_body(request)
        if not isinstance(body, dict):
            raise ControlError(400, "body must be a JSON object")
        validate_settings({"clock": {k: v for k, v in body.items() if k in ("mode", "speed")}})
        if "now" in body:
            try:
                tenant.clock.advance_to(clock_target(parse_instant(str(body["now"]))))
            except ValueError as exc:
                raise ControlError(400, str(exc)) from None
        if "mode" in body or "speed" in body:
            tenant.clock.set_mode(body.get("mode", tenant.clock.mode), body.get("speed"))
        return clock_info(tenant)

    return [
        plane.route(TENANT + "/clock", get_clock, ["GET"]),
        plane.route(TENANT + "/clock", set_clock, ["PUT", "PATCH"]),
        plane.route(TENANT + "/clock/advance", advance_clock, ["POST"]),
    ]
