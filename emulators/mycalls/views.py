"""Core objects -> MyCalls' wire form, keys in the doc's order (mycalls.txt's examples).

The doc prints its bodies as Python dicts (single quotes, Python 2 key order); the wire is JSON
as Python's ``json.dumps`` writes it by default (``", "`` and ``": "`` separators, ASCII with
``\\uXXXX`` escapes). Numbers are typed as the examples type them: the call log's ``duration``,
``du`` and ``seq`` are strings, ``hot``, ``priority``, ``ringtime`` and ``maxPriority`` integers.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Mapping, Sequence
from weakref import WeakKeyDictionary

from starlette.responses import Response

from ..core.calls import D_ANSWERED, D_BUSY, D_FAILED, D_NO_ANSWER, D_REJECTED, LEG_ANSWERED, LEG_ENDED, Call, Leg
from ..core.formats import iso8601
from ..core.queues import Queue
from ..core.world import Tenant
from ..dialect.responses import BytesResponse
from . import model

MEDIA_TYPE = "application/json"

TRANSFER_INIT = {"desc": "TRANSFER SOON", "id": "TRANSFER_INIT"}
"""The call-log example's one log entry: the IVR announced the transfer to the group."""
HOT = 0
"""The example's ``hot`` (meaning undocumented): 0 on every call."""
FIRST_ATTEMPT_SEQ, SEQ_STEP = 5, 2
"""The example's attempts are ``seq`` 5 and 7: attempt n is step 3 + 2n of the call's flow."""
RESULTS = {D_ANSWERED: "answered", D_BUSY: "busy", D_FAILED: "congestion", D_NO_ANSWER: "noanswer",
           D_REJECTED: "busy"}
"""Core leg dispositions -> the four transfer results of TE (a ring the caller cut short, or any
other end, is ``noanswer``)."""
RINGING = "ringing"
"""Disposition of an attempt still ringing (the doc shows finished calls only)."""


def encode(body: Any) -> bytes:
    """Python's ``json.dumps`` defaults (``json_bytes(compact=False, ascii_only=True)``), through
    its shared default encoder: passing the default separators builds a new encoder per call."""
    return json.dumps(body).encode("ascii")


def respond(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return BytesResponse(encode(body), status, MEDIA_TYPE, headers)


def answer(body: bytes) -> Response:
    """A success whose body is already encoded."""
    return BytesResponse(body, 200, MEDIA_TYPE)


# -- apps, subscriber, groups, agents -----------------------------------------------------------
def render_app(app: Mapping[str, Any]) -> dict[str, Any]:
    return {"guid": app["guid"], "number.virtual": app["number.virtual"],
            "number.physical": app["number.physical"], "name": app["name"]}


def render_subscriber(subscriber: Mapping[str, Any]) -> dict[str, Any]:
    return {"guid": subscriber["guid"], "name": subscriber["name"]}


def render_group_entry(queue: Queue) -> dict[str, Any]:
    return {"name": queue.name, "display_name": model.display_name(queue)}


def render_group(queue: Queue) -> dict[str, Any]:
    return {"sticky": queue.sticky > 0, "name": queue.name, "ringtime": int(round(queue.ring_timeout)),
            "recording": model.recording(queue), "distribution": model.distribution(queue),
            "sticky_days": model.sticky_days(queue)}


def render_agents(t: Tenant, queue: Queue) -> dict[str, Any]:
    agents = []
    for member, agent in model.members(t, queue):
        number = model.number_of(agent)
        user = model.user_of_number(t, number)
        agents.append({"type": "USER" if user else "NUMBER", "number": number, "priority": member.priority,
                       "guid": user["guid"] if user else None, "name": agent.name})
    return {"maxPriority": model.max_priority(queue), "agents": agents}


# -- the call log -------------------------------------------------------------------------------
@lru_cache(maxsize=1 << 14)
def local_time(epoch: float, tz: str) -> str:
    return iso8601(epoch, tz)


def attempts(call: Call) -> list[Leg]:
    """The call's transfer attempts (agent legs), first attempt first: attempt n is ``<uid>.<n>``."""
    return [leg for leg in call.legs if leg.role == "agent"]


def attempt_id(call: Call, n: int) -> str:
    return f"{call.id}.{n}"


def talk(leg: Leg, now: float) -> int:
    """Seconds the agent talked on this attempt (``du``, TE's ``duration``)."""
    if leg.answered_at is None:
        return 0
    end = leg.ended_at if leg.ended_at is not None else now
    return int(round(end - leg.answered_at))


def result(leg: Leg) -> str:
    """TE's ``result`` and the call log's ``disposition`` of a finished attempt."""
    return RESULTS.get(leg.disposition or "", "noanswer")


def disposition(leg: Leg) -> str:
    if leg.state == LEG_ENDED:
        return result(leg)
    return "answered" if leg.state == LEG_ANSWERED else RINGING


def render_call(t: Tenant, call: Call, now: float) -> dict[str, Any]:
    """One call-log entry; attempts newest first, as in the example."""
    tz = t.timezone
    queue = model.group_of_call(t, call)
    group = queue.name if queue is not None else ""
    transfer = []
    for n, leg in enumerate(attempts(call), 1):
        agent = t.agents.get(leg.agent_id or "")
        transfer.append({
            "attemptId": attempt_id(call, n), "du": str(talk(leg, now)),
            "name": agent.name if agent is not None else "",
            "seq": str(FIRST_ATTEMPT_SEQ + SEQ_STEP * (n - 1)),
            "time": local_time(leg.ringing_at if leg.ringing_at is not None else leg.created_at, tz),
            "to": leg.party, "group": group, "disposition": disposition(leg)})
    transfer.reverse()
    return {"log": [dict(TRANSFER_INIT)] if call.queue_id is not None else [], "hot": HOT,
            "cli": call.caller, "uid": call.id, "time": local_time(call.created_at, tz),
            "active": not call.ended, "duration": str(call.duration(now)), "transfer": transfer}


# -- kept entries of ended calls ----------------------------------------------------------------
# A call-log page is 100 entries (~20 us each to build and encode). An ended call never changes,
# so its entry changes only with what it shows besides the call: the time zone, its group's name
# and its agents' names. That is the *stamp*, taken per request by value (agents and groups by
# identity too), so a change made any way (AddAgent's name, the control plane's settings, a
# restore, a scenario's world) is seen by the next answer; every kept entry goes when it differs.
# Whole answers are kept a level up, per URL (``kept``), under a stamp any event changes; the
# kept page here (under its page object and its calls) still answers a read after an event that
# did not touch it (a busy tenant's other calls), and the entries make a changed page cheap.

MAX_KEPT = 200_000
"""Kept entries per tenant; more clears the lot."""
MAX_PAGES = 64
"""Kept whole pages per tenant; more clears them (clients reread a handful of pages)."""
ROWS_MARK = "\ue000rows\ue000"
"""Stands for the entries' list while the page around it is encoded (no other value holds it)."""


class _Kept:
    __slots__ = ("stamp", "entries", "pages")

    def __init__(self) -> None:
        self.stamp: tuple[Any, ...] | None = None
        self.entries: dict[int, tuple[Call, bytes]] = {}
        self.pages: dict[tuple[Any, ...], tuple[tuple[int, ...], list[Call], bytes]] = {}
        """Page object's values -> (ids of the page's calls, those calls, the whole body): a
        page of settled calls only. The calls are held, so an equal id tuple is the same calls."""


_KEPT: "WeakKeyDictionary[Tenant, _Kept]" = WeakKeyDictionary()


def _stamp(t: Tenant) -> tuple[Any, ...]:
    return (t.timezone, tuple([(a, a.name) for a in t.agents.values()]),
            tuple([(q, q.name) for q in t.queues.values()]))


def _settled(call: Call) -> bool:
    """An ended call whose entry no longer reads the clock (every answered attempt ended)."""
    return call.ended and all(leg.ended_at is not None or leg.answered_at is None for leg in call.legs)


def encode_entry(entry: Mapping[str, Any]) -> bytes:
    """One entry as ``respond`` writes it inside a list."""
    return encode(entry)


def call_log_page(t: Tenant, page: Mapping[str, Any], calls: Sequence[Call], now: float) -> tuple[bytes, bool]:
    """(``encode({"page": page, "data": [render_call(...) for calls]})``, whether every call of
    the page has settled: the body read no clock), each ended call's entry encoded once and
    kept, and a whole page of settled calls kept under the page object and its calls (a new
    call, a call of the page still in progress, or the stamp's change makes it again)."""
    kept = _KEPT.get(t)
    if kept is None:
        kept = _KEPT[t] = _Kept()
    stamp = _stamp(t)
    if kept.stamp != stamp or len(kept.entries) >= MAX_KEPT:
        kept.stamp, kept.entries, kept.pages = stamp, {}, {}
    page_key = tuple(page.values())
    ids = tuple(map(id, calls))
    whole = kept.pages.get(page_key)
    if whole is not None and whole[0] == ids:
        return whole[2], True
    entries = kept.entries
    out = []
    settled = True
    for call in calls:
        hit = entries.get(id(call))
        if hit is None or hit[0] is not call:
            encoded = encode_entry(render_call(t, call, now))
            if not _settled(call):
                out.append(encoded)
                settled = False
                continue
            hit = entries[id(call)] = (call, encoded)
        out.append(hit[1])
    body = encode({"page": page, "data": ROWS_MARK})
    mark = encode(ROWS_MARK)
    body = body.replace(mark, b"[" + b", ".join(out) + b"]", 1)
    if settled:
        if len(kept.pages) >= MAX_PAGES:
            kept.pages = {}
        kept.pages[page_key] = (ids, list(calls), body)
    return body, settled
