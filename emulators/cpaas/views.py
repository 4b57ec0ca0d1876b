"""Core objects -> the CPaaS's wire form: the envelope, CDR rows, campaign rows, dates.

The server is Flask: every answer is ``{"response": {...}}`` with its keys sorted and
``"success"`` the string ``"true"``/``"false"``. Reads come out as Flask's ``jsonify`` writes
them (compact, ASCII, a final newline); the write operations' answers in the document are
spaced (``{"response": {"request_id": "57362de4f0","success": "true"}}``: a space after each
colon, none after commas), so those are written that way (cpaas.txt, each Response; catalog
convention ``whitespace_variants``). Dates are Flask's HTTP dates (``Fri, 07 Jul 2023 06:08:16
GMT``), ``Thu, 01 Jan 1970 00:00:00 GMT`` where there is no time.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from starlette.responses import Response

from ..core.calls import INBOUND, Call
from ..core.world import Tenant
from ..dialect.responses import BytesResponse
from .accounts import ACCOUNT_IDS
from .cdrs import CALL_STATUS, Row, owner, status_of

MEDIA_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"
TRUE, FALSE = "true", "false"
SPACED, COMPACT = "spaced", "compact"
NO_TIME = "Thu, 01 Jan 1970 00:00:00 GMT"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

ENVELOPE_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["response"], "additionalProperties": False,
    "properties": {"response": {"type": "object", "required": ["success"],
                                "properties": {"success": {"enum": [TRUE, FALSE]},
                                               "message": {"type": "string"}}}},
}


# -- bytes ----------------------------------------------------------------------------------------
_SPACED = json.JSONEncoder(sort_keys=True, separators=(",", ": "))
_COMPACT = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
"""``json.dumps(sort_keys=True, separators=...)`` made once: ``dumps`` with any option builds a
new encoder per call (a tenth of a small answer's cost)."""


def encode(body: dict[str, Any], style: str) -> bytes:
    if style == SPACED:
        return _SPACED.encode(body).encode("ascii")
    return (_COMPACT.encode(body) + "\n").encode("ascii")


def answer(inner: dict[str, Any], style: str = COMPACT, status: int = 200,
           headers: dict[str, str] | None = None) -> Response:
    return BytesResponse(encode({"response": inner}, style), status, MEDIA_TYPE, headers)


def success(data: dict[str, Any], style: str) -> Response:
    return answer({**data, "success": TRUE}, style)


def failure(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    """Every refusal in the envelope: compact, as the real server's were seen."""
    return answer({"message": message, "success": FALSE}, COMPACT, status, headers)


def page(status: int, title: str, description: str, headers: dict[str, str] | None = None) -> Response:
    """Werkzeug's HTML error page, as Flask sends it."""
    body = (f"<!doctype html>\n<html lang=en>\n<title>{status} {_escape(title)}</title>\n"
            f"<h1>{_escape(title)}</h1>\n<p>{_escape(description)}</p>\n")
    return Response(body.encode("utf-8"), status_code=status, media_type=HTML_TYPE, headers=headers)


def _escape(text: str) -> str:
    """markupsafe's escape, as Werkzeug uses it."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


# -- dates ----------------------------------------------------------------------------------------
def http_date(moment: datetime) -> str:
    """Flask's (Werkzeug's) HTTP date of a datetime's wall time, whole seconds, labelled GMT."""
    return (f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} {moment.year:04d} "
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} GMT")


def epoch_date(epoch: float | None, tz: str) -> str:
    """An instant as the server's MySQL DATETIME in its zone (the tenant's; UTC by default),
    which Flask labels GMT; no time is the epoch's date."""
    if epoch is None:
        return NO_TIME
    return http_date(datetime.fromtimestamp(epoch, ZoneInfo(tz)))


def wall_date(text: str) -> str:
    """A wall time as the client gave it (``YYYY-mm-dd hh:mm:ss``), stored naive, labelled GMT."""
    return http_date(datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc))


def seconds(value: float) -> float:
    """A duration as the CDR's MySQL FLOAT keeps it: six significant digits."""
    return float(f"{value:.6g}")


# -- CDRs -----------------------------------------------------------------------------------------
SERVICE_CONTEXT = {"click2call": "click2call", "callback": "click2call", "otp": "local_call"}
SERVICE_DIRECTION = {"click2call": "outbound-api", "callback": "outbound-api", "otp": "outbound-api",
                     "campaign": "outbound-campaign"}
INBOUND_CONTEXT, INBOUND_DIRECTION = "from-trunk", "inbound"
"""Calls that came in (scenarios and the control plane make them; no API does)."""


def service(call: Call) -> str:
    """What placed the call: an API (``click2call``, ``callback``, ``otp``), a campaign, or the
    core (a scenario's click-to-call counts as click2call; other calls by direction)."""
    named = call.tags.get("service")
    if named:
        return str(named)
    if "campaign" in call.tags:
        return "campaign"
    if call.direction == INBOUND:
        return "inbound"
    return "click2call" if call.tags.get("flow") == "click_to_call" else "outbound"


def render_cdr(t: Tenant, row: Row, campaign: bool) -> dict[str, Any]:
    """One CDR (cpaas.txt, Get CDR By Date / By Request ID / By Campaign ID): call_date is the
    end, call_duration the whole call, billsec the answered part; campaign rows add is_dnd and
    list_id. Keys are sorted when written."""
    tz = t.timezone
    call = row.call
    if call is None:
        skip = row.skip
        assert skip is not None
        out: dict[str, Any] = {
            "account_id": ACCOUNT_IDS.get(skip.account, ""), "agent_number": "", "answer": NO_TIME,
            "billsec": None, "call_date": epoch_date(skip.at, tz), "call_direction": "outbound-campaign",
            "call_duration": None, "call_status": None, "caller_id": skip.caller, "customer_number": "",
            "destination_context": f"local_call_campaign_type_{skip.campaign_type}", "dial_status": status_of(row),
            "dialed_number": skip.number, "dtmf_inputs": "", "end": NO_TIME, "id": row.id,
            "recording_name": "", "request_id": "", "uniqueid": ""}
        if campaign:
            out.update(is_dnd="1", list_id=skip.list_id)
        return out
    tags = call.tags
    kind = service(call)
    status = status_of(row)
    end = call.ended_at if call.ended_at is not None else t.now()
    answered = call.answered_at
    dialed = call.callee
    if kind == "campaign":
        context = f"local_call_campaign_type_{tags.get('campaign_type', '0')}"
    elif kind == "inbound":
        context = INBOUND_CONTEXT
    else:
        context = SERVICE_CONTEXT.get(kind, "local_call")
    agent = t.agents.get(call.user_id or "")
    agent_number = (agent.number or agent.extension) if agent is not None else ""
    out = {
        "account_id": ACCOUNT_IDS.get(owner(call), ""),
        "agent_number": str(tags.get("agent_number", agent_number)),
        "answer": epoch_date(answered, tz),
        "billsec": seconds(end - answered) if answered is not None else 0.0,
        "call_date": epoch_date(end, tz),
        "call_direction": INBOUND_DIRECTION if kind == "inbound" else SERVICE_DIRECTION.get(kind, "outbound-api"),
        "call_duration": seconds(end - call.created_at),
        "call_status": CALL_STATUS.get(status, "FAILED"),
        "caller_id": str(tags.get("caller_id", call.caller)),
        "customer_number": "" if kind == "campaign" else (call.caller if kind == "inbound" else dialed),
        "destination_context": context,
        "dial_status": status,
        "dialed_number": dialed,
        "dtmf_inputs": call.dtmf,
        "end": epoch_date(end, tz),
        "id": row.id,
        "recording_name": recording_name(call),
        "request_id": str(tags.get("request_id", "")),
        "uniqueid": call.id,
    }
    if campaign:
        out.update(is_dnd="0", list_id=str(tags.get("list_id", "")))
    return out


def recording_name(call: Call) -> str:
    """The recording of an answered call that was recorded (asked for when placing it, or
    started on the live call): ``<uniqueid>.wav`` (ours: the document shows only "")."""
    option = str(call.tags.get("recording", "off"))
    recorded = option != "off" or "recording_started" in call.tags
    return f"{call.id}.wav" if recorded and call.answered_at is not None else ""


# -- campaigns ------------------------------------------------------------------------------------
STATUS_CODES = {"scheduled": "0", "running": "1", "stopped": "2", "finished": "3", "expired": "3"}
"""campaign_status: the document shows "3" for a campaign whose window had passed; the others
are ours (docs/FIDELITY.md)."""


def render_campaign(campaign: Any) -> dict[str, Any]:
    """One get_campaign_details row: every value the string the campaign was created with (a
    campaign a scenario started has no such strings: its own values, its dates in UTC)."""
    data = campaign.data
    end = wall_date(str(data["end_wall"])) if "end_wall" in data else epoch_date(campaign.end_at, "UTC")
    start = wall_date(str(data["start_wall"])) if "start_wall" in data else epoch_date(campaign.start_at, "UTC")
    return {
        "calls_per_minute": str(data.get("calls_per_minute", f"{campaign.calls_per_minute:g}")),
        "campaign_caller_id": campaign.caller,
        "campaign_end_date": end,
        "campaign_id": campaign.id,
        "campaign_name": campaign.name,
        "campaign_start_date": start,
        "campaign_status": STATUS_CODES.get(campaign.status, "3"),
        "campaign_type": str(data.get("campaign_type", campaign.call_tags.get("campaign_type", "0"))),
        "max_retries": str(data.get("max_retries", campaign.max_retries)),
        "repeat_announcement_count": str(data.get("repeat", campaign.on_answer.get("repeat", 1))),
        "retry_time": str(data.get("retry_time", f"{campaign.retry_after:g}")),
    }
