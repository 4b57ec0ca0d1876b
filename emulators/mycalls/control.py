"""MyCalls' own control-plane route: the verifications under way, with the key each number was
sent, so a test can complete the flow as the person with the phone would
(``GET /_emulator/tenants/{tid}/mycalls/verifications``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from ..core.formats import utc_iso
from .model import VENDOR
from .verification import pending, verified

if TYPE_CHECKING:
    from ..control.plane import ControlPlane


def routes(plane: "ControlPlane") -> list[BaseRoute]:
    from ..control.plane import TENANT

    async def verifications(request: Request) -> Any:
        t = plane.tenant_of(request)
        return {"pending": [{"number": number, "method": v["method"], "key": v["key"],
                             "requested_at": utc_iso(float(v["requested_at"]))}
                            for number, v in pending(t).items()],
                "verified": list(verified(t))}

    return [plane.route(f"{TENANT}/{VENDOR}/verifications", verifications, ["GET"])]
