"""Real time and statistics: RTUserState, RTUsersState, RTStatsCalls, RTStatsPauses,
RTStatsQueues, RTStatsQueuesSummary, RTStatsSessions, RTQueuePresence (read from the live world)
and StatsCalls, StatsCallsRepeated, StatsTrace, StatsUsersPauses, StatsUsersQueues,
StatsUsersSessions (read from the calls that happened and the session logs). daktela.txt,
section Statistics."""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any, Iterable

from ..core.agents import ON_CALL, RINGING, WRAPUP, Agent
from ..core.calls import Call
from ..core.queues import Queue
from ..core.world import Tenant
from ..dialect.operation import Ctx
from ..dialect.params import Param, php_int, text
from . import cache, model, render, views
from . import errors as e
from .common import (
    FLAG,
    IDS,
    MAX_ROWS,
    NAME,
    NUMBER,
    PAGING,
    RANGE,
    Spec,
    fail,
    ids,
    page,
    queue_by_number,
    tenant,
    time_range,
    user,
    user_or_extension,
)
from .model import Span
from .ops_calls import RANGE_SLACK, answer_rows, calls_between, newest_between, ring_time
from .render import keyed
from .seed import vendor_settings

WHO = (Param("user", NAME, doc="Username agent (or give extension)", example="demouser"),
       Param("extension", NUMBER, doc="Extension number (or give user)"))
POLL_EVERY = 0.2
"""Wall seconds between looks at the world while RTUserState waits for a change."""
VIRTUAL_WAIT = 60.0
"""RTUserState with a hash answers at the latest when 60 s have passed on the tenant clock."""


# -- agents in real time ------------------------------------------------------------------------
def logged_agent(ctx: Ctx) -> Agent:
    agent = user_or_extension(ctx)
    if not agent.logged_in:
        raise fail(e.NOT_LOGGED_IN, f"{agent.username} is not logged in")
    return agent


def user_state_39(ctx: Ctx) -> dict[str, Any]:
    return views.user_state(tenant(ctx), logged_agent(ctx), version="3.9")


def user_state_40(ctx: Ctx) -> Any:
    """With ``hash``: a long poll. The answer waits until the state differs from the one the
    hash names, 60 s pass on the tenant clock, or ``long_poll_seconds`` pass on the wall."""
    t = tenant(ctx)
    agent = logged_agent(ctx)
    known = ctx.params["hash"]

    def now_state() -> dict[str, Any]:
        result = views.user_state(t, agent, version="4.0")
        result["hash"] = views.result_hash(result)
        return result

    first = now_state()
    if known is None or first["hash"] != known:
        return first
    return _wait_for_change(t, now_state, known)


async def _wait_for_change(t: Tenant, state: Any, known: str) -> dict[str, Any]:
    wall_limit = time.monotonic() + float(vendor_settings(t).get("long_poll_seconds", 60.0))
    virtual_limit = t.now() + VIRTUAL_WAIT
    while True:
        await asyncio.sleep(POLL_EVERY)
        result: dict[str, Any] = state()
        if result["hash"] != known or time.monotonic() >= wall_limit or t.now() >= virtual_limit:
            return result


def users_state(ctx: Ctx) -> Any:
    t = tenant(ctx)
    return keyed({a.id: views.user_state(t, a, version="4.1") for a in model.users(t) if a.logged_in})


def _logged_members(t: Tenant, queue: Queue) -> list[Agent]:
    out = []
    for member in queue.members:
        agent = t.agents.get(member.agent_id)
        if agent is not None and agent.logged_in and member.logged_in and not model.deleted(agent):
            out.append(agent)
    return out


def _busy(agent: Agent) -> bool:
    return agent.state in (RINGING, ON_CALL)


def _paused(agent: Agent) -> bool:
    return agent.paused or agent.state == WRAPUP


def queue_presence(ctx: Ctx) -> dict[str, Any]:
    t = tenant(ctx)
    count = len(_logged_members(t, queue_by_number(t, ctx.params["queue"])))
    return {"count_users": count, "online_presence": count > 0}


def stats_sessions(ctx: Ctx) -> Any:
    """Logged-in agents (of the ``queues`` asked, if any); every value a string."""
    t = tenant(ctx)
    now = t.now()
    users, queues = ids(ctx, "users"), ids(ctx, "queues")
    out: dict[str, Any] = {}
    for agent in model.users(t):
        if not agent.logged_in or (users is not None and agent.id not in users):
            continue
        logged = [q.id for q, _ in model.logged_queues(t, agent)]
        if queues is not None and not queues.intersection(logged):
            continue
        state_time = views.moment(agent.extra.get("state_time"))
        login_time = views.moment(agent.extra.get("login_time"))
        out[agent.id] = {"id": agent.id, "extension": agent.extension, "queues": logged,
                         "state": views.agent_state(t, agent, calling=True),
                         "pause": views.current_pause(t, agent) or "",
                         "state_time_absolute": views.when(t, state_time),
                         "state_time_relative": str(views.seconds(now - state_time) if state_time is not None else 0),
                         "login_time_absolute": views.when(t, login_time),
                         "login_time_relative": str(views.seconds(now - login_time) if login_time is not None else 0)}
    return keyed(out)


def stats_pauses(ctx: Ctx) -> Any:
    t = tenant(ctx)
    by_pause: dict[str, list[str]] = {}
    for agent in model.users(t):
        pause = views.current_pause(t, agent) if agent.logged_in else None
        if pause is not None:
            by_pause.setdefault(pause, []).append(agent.id)
    return keyed({pid: {"id": pid, "count": str(len(users)), "users": users} for pid, users in by_pause.items()})


# -- calls in real time -------------------------------------------------------------------------
def stats_calls(ctx: Ctx) -> Any:
    """Live call-centre calls, keyed by id (oldest first)."""
    t = tenant(ctx)
    now = t.now()
    return keyed({c.id: views.rt_stats_call(t, c, now) for c in model.live_calls(t) if model.is_cc(t, c)})


def _calls_of(t: Tenant) -> dict[str, list[Call]]:
    out: dict[str, list[Call]] = {}
    for call in model.live_calls(t):
        q = model.call_queue(t, call)
        if q is not None:
            out.setdefault(q.id, []).append(call)
    return out


def _max_wait(calls: Iterable[Call], now: float) -> int | None:
    waits = [views.seconds(now - (c.queue_entered_at or c.created_at)) for c in calls if c.answered_at is None]
    return max(waits) if waits else None


def stats_queues(ctx: Ctx) -> Any:
    """Queues with a logged-in agent or a live call. ``calls_time``: the longest wait of a
    call not yet answered, null when none waits (SQL's MAX over no rows)."""
    t = tenant(ctx)
    now = t.now()
    live = _calls_of(t)
    out: dict[str, Any] = {}
    for queue in t.queues.values():
        agents = _logged_members(t, queue)
        calls = live.get(queue.id, [])
        if model.queue_deleted(queue) or (not agents and not calls):
            continue
        out[queue.id] = {"id": queue.id, "users_total": len(agents),
                         "users_ready": sum(1 for a in agents if a.available),
                         "users_busy": sum(1 for a in agents if _busy(a)),
                         "users_pause": sum(1 for a in agents if _paused(a)), "calls_count": len(calls),
                         "calls_wait": sum(1 for c in calls if c.answered_at is None),
                         "calls_time": _max_wait(calls, now)}
    return keyed(out)


WAIT_MARGIN = 1e-6
"""Seconds before a wait's exact turn that its kept answer is given up: never past the turn,
whatever the rounding of the clock's floats (an answer made that close is made afresh)."""


def waits_until(t: Tenant) -> float | None:
    """RTStatsQueues' only relative time is the whole seconds each live call not yet answered
    has waited (``views.seconds`` rounds to the nearest: each turns at a half second). The last
    instant none of them turns, a margin early; None: no call waits. Which calls wait changes
    only by events (the revision key)."""
    now = t.now()
    last = math.inf
    for call in model.live_calls(t):
        if call.answered_at is None:
            waited = now - (call.queue_entered_at or call.created_at)
            turn = math.floor(waited + 0.5) + 0.5  # the next half second past ``waited``
            last = min(last, now + (turn - waited) - WAIT_MARGIN)
            if turn - waited >= 1.0 - WAIT_MARGIN:  # on a half second: rounding may turn at once
                return now - WAIT_MARGIN
    return None if last == math.inf else last


def stats_queues_summary(ctx: Ctx) -> dict[str, Any]:
    t = tenant(ctx)
    now = t.now()
    users, queues = ids(ctx, "users"), ids(ctx, "queues")
    chosen = [q for q in t.queues.values() if not model.queue_deleted(q) and (queues is None or q.id in queues)]
    agents: dict[str, Agent] = {}
    for queue in chosen:
        for agent in _logged_members(t, queue):
            if users is None or agent.id in users:
                agents[agent.id] = agent
    live = _calls_of(t)
    calls = [c for q in chosen for c in live.get(q.id, [])]
    return {"users_total": len(agents), "users_ready": sum(1 for a in agents.values() if a.available),
            "users_busy": sum(1 for a in agents.values() if _busy(a)),
            "users_pause": sum(1 for a in agents.values() if _paused(a)), "calls_count": len(calls),
            "calls_in": sum(1 for c in calls if model.cc_direction(c) == "in"),
            "calls_out": sum(1 for c in calls if model.cc_direction(c) == "out"),
            "calls_wait": sum(1 for c in calls if c.answered_at is None),
            "calls_time": _max_wait(calls, now) or 0}


# -- call statistics ----------------------------------------------------------------------------
def stats_call_row(t: Tenant, call: Call) -> dict[str, Any]:
    q = model.call_queue(t, call)
    agent = model.call_agent(t, call)
    attempts = sum(1 for leg in call.legs if leg.agent_id is not None and leg.role != "caller"
                   and leg.answered_at is None)
    contact = call.tags.get("contact")
    return {"call": model.row_id(call), "name": call.id, "call_time": views.when(t, call.created_at),
            "direction": model.cc_direction(call), "answered": "1" if call.answered_at is not None else "0",
            "queue": q.id if q is not None else None, "user": agent.id if agent is not None else None,
            "clid": model.customer_number(call), "contact": str(contact) if contact is not None else None,
            "did": call.did, "waiting_time": str(call.wait_time()), "ringing_time": str(ring_time(call)),
            "hold_time": str(call.hold_time()), "duration": str(call.talk_time()), "orig_pos": "1",
            "position": "1", "disposition_cause": views.cause(call), "disconnection_cause": "",
            "pressed_key": call.dtmf or None, "score": None, "note": "", "attempts": str(attempts),
            "qa_user_id": None}


class KeptStatsCall:
    """What StatsCalls filters an ended call by (queue, agent, customer number) and, once asked,
    its row encoded per format."""

    __slots__ = ("queue", "agent", "clid", "encoded")

    def __init__(self, t: Tenant, call: Call) -> None:
        q, agent = model.call_queue(t, call), model.call_agent(t, call)
        self.queue = q.id if q is not None else None
        self.agent = agent.id if agent is not None else None
        self.clid = model.customer_number(call)
        self.encoded: dict[str, bytes] = {}

    def fragment(self, t: Tenant, call: Call, fmt: str) -> bytes:
        found = self.encoded.get(fmt)
        if found is None:
            found = self.encoded[fmt] = render.fragment(stats_call_row(t, call), fmt)
        return found


def stats_calls_list(ctx: Ctx) -> Any:
    """Ended call-centre calls, newest first; ``take`` above 1000 is refused."""
    t, p = tenant(ctx), ctx.params
    fmt = p["format"]
    start, end = time_range(ctx)
    skip, take = page(ctx, MAX_ROWS)
    queues, users = ids(ctx, "queues"), ids(ctx, "users")
    if p["callstatus"] is not None:
        return {"data": [], "total": "0"}  # no call has a call status (statuses: part 2 of the API)
    id_call, number, did, answered = p["id_call"], p["phonenumber"], p["did"], p["answered"]
    kept = cache.kept_rows(t, str(vendor_settings(t)["trunk"]))
    rows: list[bytes] = []
    total = 0
    for call in newest_between(t, start, end):
        if not call.ended:
            continue
        hit = kept.get((id(call), "stats"))  # an ended call's filter values and row: kept
        if hit is None or hit[0] is not call:
            hit = kept[(id(call), "stats")] = (call, KeptStatsCall(t, call))
        found: KeptStatsCall = hit[1]
        if found.queue is None or (queues is not None and found.queue not in queues):
            continue
        if id_call is not None and call.id != id_call:
            continue
        if number is not None and found.clid != number:
            continue
        if did is not None and call.did != did:
            continue
        if answered is not None and (call.answered_at is not None) != answered:
            continue
        if users is not None and (found.agent is None or found.agent not in users):
            continue
        total += 1
        if total > skip and len(rows) < take:
            rows.append(found.fragment(t, call, fmt))
    return answer_rows(ctx, {"data": render.ROWS_MARK, "total": str(total)}, "data", rows)


def calls_repeated(ctx: Ctx) -> list[dict[str, Any]]:
    """Numbers that called the call centre more than ``count`` times (default 1) in the range."""
    t, p = tenant(ctx), ctx.params
    start, end = time_range(ctx)
    queues = ids(ctx, "queues")
    groups: dict[str, list[Call]] = {}
    for call in calls_between(t, start, end):
        q = model.call_queue(t, call)
        if not call.ended or q is None or (queues is not None and q.id not in queues):
            continue
        clid = model.customer_number(call)
        if p["phonenumber"] is not None and clid != p["phonenumber"]:
            continue
        groups.setdefault(clid, []).append(call)
    least = p["count"] if p["count"] is not None else 1
    rows: list[dict[str, Any]] = []
    for clid, calls in groups.items():
        if len(calls) <= least:
            continue
        answered = [c for c in calls if c.answered_at is not None]
        rows.append({"clid": clid, "call_total": len(calls), "call_answered": len(answered),
                     "call_unanswered": len(calls) - len(answered),
                     "waiting_avg": round(sum(c.wait_time() for c in calls) / len(calls)),
                     "duration_avg": round(sum(c.talk_time() for c in answered) / len(answered)) if answered else 0})
    rows.sort(key=lambda r: -int(r["call_total"]))
    return rows


# -- traces and logs ----------------------------------------------------------------------------
TITLES = {
    ("login", "1"): "Přihlášení na ústřednu", ("login", "0"): "Odhlášení z ústředny",
    ("queue", "1"): "Přihlášení do fronty", ("queue", "0"): "Odhlášení z fronty",
    ("pause", "1"): "Začátek pauzy", ("pause", "0"): "Konec pauzy",
    ("call", "1"): "Začátek hovoru", ("call", "0"): "Konec hovoru",
    ("ring_out", "1"): "Začátek vyzvánění - Odchod", ("ring_out", "0"): "Konec vyzvánění - Odchod",
    ("ring_in", "1"): "Začátek vyzvánění - Příchod", ("ring_in", "0"): "Konec vyzvánění - Příchod",
}
"""StatsTrace's action titles: the doc's (login start, queue login, pause, call, ring out) and,
in their voice, the ends and the incoming rings it does not show."""
TRACES = {"all": None, "call": ("call", "ring_in", "ring_out"), "pause": ("pause",), "queue": ("queue",),
          "login": ("login",)}


def stats_trace(ctx: Ctx) -> list[dict[str, Any]]:
    t, p = tenant(ctx), ctx.params
    start, end = time_range(ctx)
    agent = user(t, p["user"])
    wanted = TRACES[p["trace"] or "all"]
    entries: list[tuple[float, int, int, dict[str, Any]]] = []

    def add(at: float | None, name: str, begins: bool, event_id: str, title: str, duration: float = 0.0) -> None:
        if at is None or not start <= at <= end or (wanted is not None and name not in wanted):
            return
        flag = "1" if begins else "0"
        entries.append((at, 1 if begins else 0, len(entries), {
            "time": views.when(t, at), "duration": views.seconds(duration) if not begins else 0,
            "action_name": name, "action_start": flag, "action_title": TITLES[(name, flag)],
            "event_id": event_id, "event_title": title}))

    for kind, name in ((model.SESSIONS, "login"), (model.QUEUE_LOGINS, "queue"), (model.PAUSE_LOG, "pause")):
        for span in model.spans(t, kind).where(user=agent.id):
            event_id, title = _span_event(t, name, span)
            add(span.start, name, True, event_id, title)
            if span.end is not None:
                add(span.end, name, False, event_id, title, span.end - span.start)
    for call in calls_between(t, start - RANGE_SLACK, end):
        ring_name = "ring_out" if model.cc_direction(call) == "out" else "ring_in"
        for leg in call.legs:
            if leg.agent_id != agent.id or leg.ringing_at is None:
                continue
            row, number = model.row_id(call), model.customer_number(call)
            ring_end = leg.answered_at if leg.answered_at is not None else leg.ended_at
            add(leg.ringing_at, ring_name, True, row, number)
            if ring_end is not None:
                add(ring_end, ring_name, False, row, number, ring_end - leg.ringing_at)
            if leg.answered_at is not None:
                add(leg.answered_at, "call", True, row, number)
                if leg.ended_at is not None:
                    add(leg.ended_at, "call", False, row, number, leg.ended_at - leg.answered_at)
    entries.sort(key=lambda entry: entry[:3])  # by time; at one instant ends first, then as listed
    return [entry[3] for entry in entries]


def _span_event(t: Tenant, name: str, span: Span) -> tuple[str, str]:
    if name == "queue":
        queue = t.queues.get(span.ref)
        return span.ref, queue.name if queue is not None else ""
    if name == "pause":
        pause = model.pauses(t).get(span.ref)
        return span.ref, pause.title if pause is not None else ""
    return "", ""


def _spans(ctx: Ctx, kind: str, ref_filter: str | None = None) -> tuple[list[Span], int, float]:
    """The spans of ``kind`` that start in the range, oldest first, paged; and their count."""
    t = tenant(ctx)
    start, end = time_range(ctx)
    skip, take = page(ctx)
    users = ids(ctx, "users")
    refs = ids(ctx, ref_filter) if ref_filter else None
    chosen = [s for s in model.spans(t, kind) if start <= s.start <= end and (users is None or s.user in users)
              and (refs is None or s.ref in refs)]
    chosen.sort(key=lambda s: (s.start, views.num(s.id) if s.id.isdigit() else 0))
    return chosen[skip:skip + take], len(chosen), t.now()


def _times(t: Tenant, span: Span, now: float) -> dict[str, Any]:
    end = span.end if span.end is not None else now
    return {"start_time": views.when(t, span.start), "end_time": views.when(t, span.end),
            "duration": views.seconds(end - span.start)}


def users_pauses(ctx: Ctx) -> dict[str, Any]:
    rows, total, now = _spans(ctx, model.PAUSE_LOG, "pauses")
    t = tenant(ctx)
    return {"data": [{"id": s.id, "user": s.user, **_times(t, s, now), "pause": views.num(s.ref)} for s in rows],
            "total": str(total)}


def users_queues(ctx: Ctx) -> dict[str, Any]:
    """Queue logins; ``total`` is an int here (the doc's example), a string elsewhere."""
    rows, total, now = _spans(ctx, model.QUEUE_LOGINS)
    t = tenant(ctx)
    return {"data": [{"user": s.user, **_times(t, s, now), "queue": views.num(s.ref)} for s in rows],
            "total": total}


def users_sessions(ctx: Ctx) -> dict[str, Any]:
    rows, total, now = _spans(ctx, model.SESSIONS)
    t = tenant(ctx)
    return {"data": [{"id": s.id, "user": s.user, **_times(t, s, now)} for s in rows], "total": str(total)}


HASH = text(pattern="[0-9a-f]{40}")
USERS_QUEUES = (Param("users", IDS, doc="ID of agents"), Param("queues", IDS, doc="ID of queues"))

SPECS: dict[str, Spec] = {
    "daktela.RTUserState.v3_9": Spec(user_state_39, WHO),
    "daktela.RTUserState.v4_0": Spec(user_state_40, (*WHO, Param("hash", HASH, doc="Hash of the last result: "
                                                                  "answer only on a change, or after 60 s"))),
    "daktela.RTUsersState": Spec(users_state, cached=True),
    "daktela.RTQueuePresence": Spec(queue_presence, (Param("queue", NUMBER, required=True, doc="Number queue",
                                                           example="2005"),)),
    "daktela.RTStatsCalls": Spec(stats_calls),
    "daktela.RTStatsPauses": Spec(stats_pauses),
    "daktela.RTStatsQueuesSummary": Spec(stats_queues_summary, USERS_QUEUES),
    "daktela.RTStatsQueues": Spec(stats_queues, cached=True, until=waits_until),
    "daktela.RTStatsSessions": Spec(stats_sessions, USERS_QUEUES),
    "daktela.StatsCalls": Spec(stats_calls_list, (
        *RANGE, Param("phonenumber", NUMBER, doc="Phone number"), Param("queues", IDS, doc="Array ID of queues"),
        Param("did", NUMBER, doc="DID number"), Param("callstatus", php_int(0), doc="ID of calling state"),
        Param("answered", FLAG, doc="true | false"), Param("id_call", NAME, doc="Unique number of the call"),
        Param("users", IDS, doc="Array ID of users"), *PAGING), cached=True),
    "daktela.StatsCallsRepeated": Spec(calls_repeated, (
        *RANGE, Param("queues", IDS, doc="IDs of queues"), Param("phonenumber", NUMBER, doc="Phone number"),
        Param("count", php_int(0), doc="Only numbers called more often than this"))),
    "daktela.StatsTrace": Spec(stats_trace, (
        *RANGE, Param("user", NAME, required=True, doc="Login name of user, that want to trace", example="hajek"),
        Param("trace", text(pattern="all|call|pause|queue|login"), doc="all, call, pause, queue, login"))),
    "daktela.StatsUsersPauses": Spec(users_pauses, (*RANGE, Param("users", IDS, doc="array ID users"),
                                                    Param("pauses", IDS, doc="array ID of pauses."), *PAGING)),
    "daktela.StatsUsersQueues": Spec(users_queues, (*RANGE, Param("users", IDS, doc="array ID users"), *PAGING)),
    "daktela.StatsUsersSessions": Spec(users_sessions, (*RANGE, Param("users", IDS, doc="array ID users"), *PAGING)),
}
