"""The CPaaS's own control-plane routes (``/_emulator/tenants/{tid}/cpaas/...``): what a tester
needs and the API never shows.

- ``GET .../cpaas/live_calls``: calls in progress with their channels' names (Modify Live Call
  takes a channel, which no CPaaS answer names).
- ``GET .../cpaas/campaigns/{campaign_id}/records``: a campaign's records, each with its attempt
  history (paged with ``since``/``limit`` like every control-plane list).
- ``GET .../cpaas/bucket``: the folder standing in for the S3 bucket, and its files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from ..control.errors import ControlError
from ..control.lists import by_position, page_args
from ..core import campaigns as cm
from . import bucket
from .calls import channel_name
from .cdrs import owner
from .views import service

if TYPE_CHECKING:
    from ..control.plane import ControlPlane

PART = "/cpaas"


def routes(plane: "ControlPlane") -> list[BaseRoute]:
    from ..control.plane import TENANT

    async def live_calls(request: Request) -> Any:
        t = plane.tenant_of(request)
        return [{"account": owner(call), "uniqueid": call.id, "service": service(call),
                 "request_id": call.tags.get("request_id", ""), "campaign_id": call.tags.get("campaign", ""),
                 "state": call.state, "caller": call.caller, "callee": call.callee,
                 "announcement": call.tags.get("announcement", ""),
                 "channels": [{"channel": channel_name(t, call, leg), "party": leg.party, "role": leg.role,
                               "state": leg.state} for leg in call.live_legs()]}
                for call in t.calls.values() if not call.ended]

    async def records(request: Request) -> Any:
        t = plane.tenant_of(request)
        campaign = cm.campaigns(t).get(request.path_params["campaign_id"])
        if campaign is None:
            raise ControlError(404, f"no campaign {request.path_params['campaign_id']!r}")
        since, limit = page_args(request)
        found = cm.records(t)
        rows = (found.get(f"{campaign.id}:{n}") for n in range(1, campaign.cursor + 1))
        return by_position((r for r in rows if r is not None), since, limit, lambda r: {
            "record": r.id, "number": r.number, "status": r.status, "outcome": r.outcome,
            "attempts": [dict(a) for a in r.attempts]})

    async def files(request: Request) -> Any:
        return bucket.describe(plane.tenant_of(request))

    base = TENANT + PART
    return [plane.route(base + "/live_calls", live_calls, ["GET"]),
            plane.route(base + "/campaigns/{campaign_id}/records", records, ["GET"]),
            plane.route(base + "/bucket", files, ["GET"])]
