"""Daktela's own control-plane routes (``/_emulator/tenants/{tid}/daktela/...``): what a tester
needs and the API never does.

- ``POST .../daktela/sms``: an SMS arrives from a number (``{"from", "text", "product"?: gsm |
  connect, "gw"?, "slot"?, "port"?}``, the SIM it comes in on): it shows in GetSMS (or
  GetSMSConnect) and the ``incoming_callback`` fires. 201 with the message as GetSMS shows it.
- ``GET .../daktela/dialer``: each autodialer campaign (one per outbound campaign queue): its
  status, calls in progress, and its records with their next call, whether they are held (deleted,
  done, assigned to a user) and their attempts so far.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from ..control.body import json_body
from ..control.errors import ControlError
from ..core import campaigns
from ..core import sms as core
from . import records, sms
from .model import VENDOR

if TYPE_CHECKING:
    from ..control.plane import ControlPlane

MAX_TEXT = 2000
_EMPTY = campaigns.RecordList("", "", "", campaigns.CONTACTS, 0.0)


def _incoming(body: Any) -> tuple[str, str, str, str | None]:
    """(from, text, product, SIM line or None) of a body, or a 400."""
    if not isinstance(body, dict) or not isinstance(body.get("from"), str) or not isinstance(body.get("text"), str):
        raise ControlError(400, 'body must be {"from": number, "text": message, "product"?: "gsm"|"connect"}')
    product = body.get("product", sms.GSM)
    if product not in sms.ACCOUNTS:
        raise ControlError(400, f"product must be one of {', '.join(sms.ACCOUNTS)}")
    if len(body["text"]) > MAX_TEXT:
        raise ControlError(400, f"text is longer than {MAX_TEXT} characters")
    sim = [body.get(k) for k in ("gw", "slot", "port")]
    line = None
    if any(v is not None for v in sim):
        if product != sms.GSM or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in sim):
            raise ControlError(400, "gw, slot and port (all three) name a SIM of the gsm product")
        line = sms.sim_line(*(str(v) for v in sim))
    return body["from"], body["text"], str(product), line


def routes(plane: "ControlPlane") -> list[BaseRoute]:
    from ..control.plane import TENANT

    async def incoming_sms(request: Request) -> Any:
        t = plane.tenant_of(request)
        number, text, product, line = _incoming(await json_body(request))
        sms.ensure_accounts(t)
        if line is not None and core.lines(t).get(line) is None:
            raise ControlError(404, f"no SIM {line}")
        msg = core.receive(t, product, number, text, line_id=line, data={"billing_id": sms.settings(t).billing_id,
                                                                         "accountcode": None, "email": None})
        return sms.row(t, msg)

    async def dialer(request: Request) -> Any:
        t = plane.tenant_of(request)
        if campaigns.CAMPAIGNS not in t.store:
            return []
        out = []
        for campaign in campaigns.campaigns(t):
            rows = []
            for n in range(1, (campaigns.lists(t).get(campaign.list_id) or _EMPTY).size + 1):
                entry = campaigns.entry_at(t, campaign.list_id, n)
                found = records.records(t).where(entry=entry.id) if entry is not None else []
                if entry is None or not found:
                    continue
                rows.append({"record": found[0].id, "number": entry.number, "next_call": entry.next_call,
                             "held": entry.held, "attempts": len(found[0].attempts)})
            out.append({"campaign": campaign.id, "queue": campaign.on_answer.get("queue"), "status": campaign.status,
                        "live": campaign.live, "unconnected": campaign.unconnected, "records": rows})
        return out

    base = f"{TENANT}/{VENDOR}"
    return [plane.route(base + "/sms", incoming_sms, ["POST"], 201),
            plane.route(base + "/dialer", dialer, ["GET"])]
