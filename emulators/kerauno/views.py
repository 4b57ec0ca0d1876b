"""Core objects -> Kerauno's wire shapes: CDR rows, agent statuses, Post API fields, and the
json / csv / xml renderings. One home for every field mapping (docs/FIDELITY.md).
"""

from __future__ import annotations

import math
from functools import lru_cache
from operator import attrgetter
from typing import Any, Iterable, Mapping, Sequence

from starlette.responses import Response

from ..core import calllog
from ..core.agents import ON_CALL, RINGING, WRAPUP, Agent
from ..core.calls import BY_AGENT, BY_CALLER, BY_REMOTE, D_TIMEDOUT, INBOUND, INTERNAL, OUTBOUND, Call
from ..core.formats import csv_bytes, json_bytes, sql_datetime, xml_document, xml_element
from ..core.queues import Member, Queue
from ..core.world import Tenant
from ..dialect.responses import BytesResponse
from .errors import JSON_TYPE, php_json
from .seed import vendor_settings

CDR_FIELDS: tuple[str, ...] = (
    "date_time", "hostname", "server_name", "server_ip", "unique_id", "call_type", "to",
    "source_num", "source_name", "dest_num", "dest_name", "trunk_name", "duration")
"""kerauno.txt lines 94-111, in the documented order."""
RING_GROUP_FIELDS: tuple[str, ...] = CDR_FIELDS + (
    "ring_group_num", "ring_group_name", "ans_agent_num", "ans_agent_name", "hold_time",
    "release_reason")
"""Lines 116-139: the cdr fields then the ring-group ones."""
STATUS_FIELDS: tuple[str, ...] = ("extension", "status", "available", "busy", "username")
"""Lines 171-196."""
POST_API_FIELDS: tuple[str, ...] = ("timestamp", "event", "source", "destination", "uniqueid",
                                    "channel", "description", "duration")
"""Lines 210-223."""

RING_GROUP_CALL_TYPE = "Ring Groups"  # line 126
RING_GROUP_DEST_NAME = "Ring Group"  # line 131: the destination's kind, not the group's name
INTERNAL_LABEL = "Internal"  # lines 102 and 108
CALL_TYPES = {INTERNAL: INTERNAL_LABEL, INBOUND: "Inbound", OUTBOUND: "Outbound"}
"""call_type of calls that did not ring a ring group (only "Internal" is documented)."""
RELEASE_REASONS = {BY_CALLER: "caller", BY_AGENT: "agent", BY_REMOTE: "agent"}
"""Who hung up (line 139 shows "caller"); a system end is "timeout" or "system"."""

FORMATS = ("json", "csv", "xml")
CSV_TYPE = "text/csv; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"


# -- reporting ---------------------------------------------------------------------------------
def cdr_row(tenant: Tenant, call: Call, ring_groups: bool) -> dict[str, str]:
    """One ended call as a Reporting row: every value a string, the documented key order."""
    cfg = vendor_settings(tenant)
    queue = tenant.queues.get(call.queue_id or "")
    in_group = call.queue_id is not None
    row = {
        "date_time": sql_datetime(call.created_at, tenant.timezone),
        "hostname": str(cfg.get("hostname", "")),
        "server_name": str(cfg.get("server_name", "")),
        "server_ip": str(cfg.get("server_ip", "")),
        "unique_id": call.id,
        "call_type": RING_GROUP_CALL_TYPE if in_group else CALL_TYPES.get(call.direction, INTERNAL_LABEL),
        # ``to`` is the number dialled from outside the extension plan (the ring-group example's
        # main number), else the source itself, as in the internal example (line 103).
        "to": call.did or call.caller,
        "source_num": call.caller,
        "source_name": call.caller_name,
        "dest_num": queue.number if (in_group and queue) else call.callee,
        "dest_name": RING_GROUP_DEST_NAME if in_group else call.callee_name,
        "trunk_name": INTERNAL_LABEL if call.direction == INTERNAL else str(cfg.get("trunk_name", "")),
        "duration": str(call.duration()),
    }
    if ring_groups:
        agent = tenant.agents.get(call.answered_by or "")
        row.update({
            "ring_group_num": queue.number if queue else "",
            "ring_group_name": queue.name if queue else "",
            "ans_agent_num": agent.extension if agent else "",
            "ans_agent_name": agent.name if agent else "",
            "hold_time": str(call.wait_time()),  # seconds the caller waited in the group
            "release_reason": release_reason(call),
        })
    return row


def release_reason(call: Call) -> str:
    if call.ended_by in RELEASE_REASONS:
        return RELEASE_REASONS[call.ended_by]
    return "timeout" if call.disposition == D_TIMEDOUT else "system"


def report_rows(tenant: Tenant, start: float, end: float, ring_groups: bool) -> list["ReportRow"]:
    """Ended calls whose start (whole seconds) lies in [start, end], oldest first, as rows."""
    # int(created_at) in [start, end] is created_at in [ceil(start), floor(end) + 1)
    calls = [c for c in calllog.of(tenant).window(math.ceil(start), math.floor(end) + 1)
             if c.ended and (not ring_groups or c.queue_id is not None)]
    cfg = vendor_settings(tenant)
    site = (tenant.timezone, str(cfg.get("hostname", "")), str(cfg.get("server_name", "")),
            str(cfg.get("server_ip", "")), str(cfg.get("trunk_name", "")))
    queues, agents, cache = tenant.queues, tenant.agents, _REPORT_ROWS
    out = []
    for call in calls:
        # An ended call's row changes only with what it shows of the site, its ring group and
        # its answering agent: kept per call with those, checked by identity and value.
        queue = queues.get(call.queue_id or "")
        agent = agents.get(call.answered_by or "") if ring_groups else None
        shown = (ring_groups, site, (queue.number, queue.name) if queue else None,
                 (agent.extension, agent.name) if agent else None)
        hit = cache.get((id(call), ring_groups))
        if hit is None or hit.call is not call or hit.shown != shown:
            if len(cache) >= _REPORT_ROWS_MAX:
                cache.clear()
            hit = cache[(id(call), ring_groups)] = ReportRow(call, shown, cdr_row(tenant, call, ring_groups))
        out.append(hit)
    out.sort(key=_ORDER)  # by start second, then the id's sequence number
    return out


class ReportRow:
    """One ended call's Reporting row and, once asked, its encodings (json, csv line, xml)."""

    __slots__ = ("call", "shown", "row", "order", "encoded")

    def __init__(self, call: Call, shown: tuple[Any, ...], row: dict[str, str]) -> None:
        self.call, self.shown, self.row = call, shown, row
        self.order = (int(call.created_at), _seq(call.id))
        self.encoded: dict[str, str] = {}

    def json(self) -> str:
        text = self.encoded.get("json")
        if text is None:
            text = self.encoded["json"] = json_bytes(self.row, ascii_only=True, escape_slashes=True).decode()
        return text

    def csv(self, fields: Sequence[str]) -> str:
        text = self.encoded.get("csv")
        if text is None:
            line = csv_bytes(fields, [self.row])[len(csv_bytes(fields, ())):]  # the header cut off
            text = self.encoded["csv"] = line.decode("utf-8")
        return text

    def xml(self) -> str:
        text = self.encoded.get("xml")
        if text is None:
            text = self.encoded["xml"] = "".join(xml_element(str(k), v, 2) for k, v in self.row.items())
        return text


_REPORT_ROWS: dict[tuple[int, bool], ReportRow] = {}
"""(id(ended call), ring groups?) -> its row (the call kept in it: an id is reused only once
the call is gone, and then the identity check fails)."""
_REPORT_ROWS_MAX = 200_000
_ORDER = attrgetter("order")


Answer = tuple[bytes, str, "dict[str, str] | None"]
"""A made answer: its body, media type and headers."""


def render_report(rows: Sequence[ReportRow], fields: Sequence[str], export_type: str, root: str) -> Answer:
    """What ``render`` writes for these rows (keys ``cdr_<n>``), from each row's kept encoding."""
    if export_type == "csv":
        body = _csv_header(tuple(fields)) + "".join(r.csv(fields) for r in rows).encode("utf-8")
        return body, CSV_TYPE, {"Content-Disposition": f'attachment; filename="{root}.csv"'}
    if export_type == "xml":
        inner = "".join(f"  <cdr_{n}>\n{r.xml()}  </cdr_{n}>\n" for n, r in enumerate(rows))
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>\n{inner}</{root}>\n'.encode("utf-8"), XML_TYPE, None
    text = "{" + ",".join(f'"cdr_{n}":{r.json()}' for n, r in enumerate(rows)) + "}"
    return text.encode("utf-8"), JSON_TYPE, None


@lru_cache(maxsize=8)
def _csv_header(fields: tuple[str, ...]) -> bytes:
    return csv_bytes(fields, ())


def respond(answer: Answer) -> Response:
    body, media_type, headers = answer
    return BytesResponse(body, 200, media_type, headers)


def _seq(call_id: str) -> int:
    tail = call_id.rpartition(".")[2]
    return int(tail) if tail.isdigit() else 0


def render(rows: Sequence[Mapping[str, Any]], fields: Sequence[str], export_type: str,
           *, keys: Sequence[str], root: str, item: str | None = None) -> Response:
    """json: object keyed by ``keys``; csv: header + rows; xml: ``<root>`` of ``<key>`` (or
    ``<item>``) elements."""
    if export_type == "csv":
        return Response(csv_bytes(fields, rows), media_type=CSV_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="{root}.csv"'})
    if export_type == "xml":
        return Response(xml_document(root, [(item or k, dict(r)) for k, r in zip(keys, rows)]),
                        media_type=XML_TYPE)
    return php_json({k: r for k, r in zip(keys, rows)})


# -- agent statuses ------------------------------------------------------------------------------
def agent_status(agent: Agent, member: Member) -> dict[str, Any]:
    """One ring-group member's live status.

    ``status`` is the agent's free-text presence when one is set (1133's "Available", line 177),
    else the ring-group state; ``available``/``busy`` come from the phone and the membership,
    so the text and the booleans can disagree exactly as the doc shows.
    """
    reachable = agent.behaviour.fault != "unreachable"
    logged_in = agent.logged_in and member.logged_in
    paused = member.paused or agent.paused
    in_use = agent.state in (RINGING, ON_CALL, WRAPUP) or agent.call_id is not None
    dnd = agent.behaviour.fault == "busy"
    busy = in_use or dnd or (paused and logged_in)
    available = logged_in and reachable and not busy
    if agent.presence:
        status = agent.presence
    elif not logged_in:
        status = "Ring Group - Logged Out"
    elif not reachable:
        status = "Ring Group - Unavailable"
    elif paused:
        status = "Ring Group - Paused"  # line 192
    elif agent.state == RINGING:
        status = "Ring Group - Ringing"
    elif agent.state == ON_CALL:
        status = "Ring Group - On Call"
    elif agent.state == WRAPUP:
        status = "Ring Group - Wrap Up"
    elif dnd:
        status = "Ring Group - Busy"
    else:
        status = "Ring Group - Available"  # line 184
    return {"extension": agent.extension, "status": status, "available": available, "busy": busy,
            "username": agent.username}


def ring_group_statuses(tenant: Tenant, queue: Queue) -> list[dict[str, Any]]:
    return [agent_status(tenant.agents[m.agent_id], m) for m in queue.members if m.agent_id in tenant.agents]


STATUS_BODIES_KEEP = 256
"""Distinct ring-group states whose JSON body is kept (cleared when full)."""
_STATUS_BODIES: dict[tuple[tuple[Any, ...], ...], bytes] = {}


def status_json(rows: Sequence[Mapping[str, Any]]) -> Response:
    """``render(rows, ..., "json", keys=extensions)``: the body kept by the rows' values (the
    statuses are made fresh on every request, only their encoding is kept: a ring group polled
    every second mostly shows the same states)."""
    key = tuple(tuple(row.values()) for row in rows)
    body = _STATUS_BODIES.get(key)
    if body is None:
        body = json_bytes({row["extension"]: row for row in rows}, ascii_only=True, escape_slashes=True)
        if len(_STATUS_BODIES) >= STATUS_BODIES_KEEP:
            _STATUS_BODIES.clear()
        _STATUS_BODIES[key] = body
    return BytesResponse(body, 200, JSON_TYPE)


def csv_status_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Booleans spelled as in the JSON (``true``/``false``) for the csv export."""
    return [{k: ("true" if v is True else "false" if v is False else v) for k, v in r.items()} for r in rows]


# -- Post API ------------------------------------------------------------------------------------
def post_api_fields(tenant: Tenant, at: float, event: str, source: str, destination: str,
                    uniqueid: str, channel: str, description: str, duration: int) -> dict[str, Any]:
    """One Post API payload as data, in the documented field order (duration an int)."""
    return {"timestamp": sql_datetime(at, tenant.timezone), "event": event, "source": source,
            "destination": destination, "uniqueid": uniqueid, "channel": channel,
            "description": description, "duration": int(duration)}


def channel_name(peer: str, seq: int) -> str:
    """Asterisk channel name ``SIP/<peer>-<8 hex>`` (line 221: ``SIP/3000-000000e5``)."""
    return f"SIP/{peer}-{seq & 0xffffffff:08x}"
