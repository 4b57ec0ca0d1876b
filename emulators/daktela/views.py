"""Core objects -> Daktela's records, field by field, typed as the doc types them: mostly strings
(``"queue":"3"``, ``"duration":"32"``), ints where the doc has ints, ``null`` where it shows null.
One home for every field mapping (docs/FIDELITY.md explains the derived ones).
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..core.agents import ON_CALL, RINGING, WRAPUP, Agent
from ..core.calls import BY_AGENT, BY_CALLER, BY_REMOTE, HELD, LEG_ENDED, LEG_RINGING, Call, Leg
from ..core.formats import json_bytes, sql_datetime
from ..core.queues import Member, Queue
from ..core.world import Tenant
from . import model
from .model import Pause

ZERO_DATE = "0000-00-00 00:00:00"


EARLIEST, LATEST = 0.0, 32503680000.0
"""Instants a date can be written for (1970 to 3000-01-01)."""


def moment(value: Any) -> float | None:
    """An instant kept in vendor data (``agent.extra``), or None when it is not one: a restored
    snapshot may hold anything there."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not EARLIEST <= value <= LATEST:
        return None
    return float(value)


def when(t: Tenant, epoch: Any) -> str | None:
    """Prague-local ``YYYY-MM-DD HH:MM:SS`` (the tenant's zone), or None."""
    at = moment(epoch)
    return None if at is None else sql_datetime(at, t.timezone)


def seconds(value: float | None) -> int:
    if value is None or not -1e12 < value < 1e12:  # also NaN
        return 0
    return max(0, int(round(value)))


def num(text: str) -> Any:
    """An id the doc types as an int (GetAttempts, StatsUsers*): int when numeric."""
    return int(text) if text.isascii() and text.isdigit() else text


def nullable(text: str | None) -> str | None:
    return text if text else None


# -- users --------------------------------------------------------------------------------------
def user(agent: Agent, *, password: bool = True) -> dict[str, Any]:
    """GetUsers (and GetExtensionUsers, without the password)."""
    extra = agent.extra
    row = {"user": agent.id, "role": str(extra.get("role", "")), "profile": str(extra.get("profile", "")),
           "name": agent.username, "title": agent.name, "description": str(extra.get("description", "")),
           "password": str(extra.get("password", "")), "email": str(extra.get("email", "")),
           "deleted": "1" if model.deleted(agent) else "0"}
    if not password:
        del row["password"]
    return row


def written_user(agent: Agent) -> dict[str, Any]:
    """CreateUser and UpdateUser: the id an int, what was never set null."""
    extra = agent.extra
    return {"user": num(agent.id), "role": str(extra.get("role", "")), "profile": str(extra.get("profile", "")),
            "name": agent.username, "title": agent.name, "description": nullable(str(extra.get("description", ""))),
            "password": str(extra.get("password", "")), "email": nullable(str(extra.get("email", ""))),
            "deleted": None}


# -- queues -------------------------------------------------------------------------------------
def _queue_head(queue: Queue) -> dict[str, Any]:
    extra = queue.extra
    return {"queue": queue.id, "name": queue.number, "title": queue.name,
            "description": str(extra.get("description", ""))}


def _membership(member: Member | None, queue: Queue) -> dict[str, Any]:
    if member is None:
        return {"penalty": None, "login": None}
    logins = queue.extra.get("logins")
    login = logins.get(member.agent_id, "manual") if isinstance(logins, dict) else "manual"
    return {"penalty": str(member.priority), "login": str(login)}


def queue(t: Tenant, q: Queue, viewer: Agent | None) -> dict[str, Any]:
    """GetQueues: options as a JSON string; user/penalty/login of the token's user."""
    extra = q.extra
    member = q.member(viewer.id) if viewer is not None else None
    row = {**_queue_head(q), "direction": model.direction(q), "outboundcid": str(extra.get("outboundcid", "")),
           "wrapuptime": str(extra.get("wrapuptime", "0")), "outbounder": str(extra.get("outbounder", "0")),
           "form": str(extra.get("form", "0")), "missed": extra.get("missed"),
           "options": json_bytes(model.options(q), ascii_only=True, escape_slashes=True).decode("ascii"),
           "deleted": str(extra.get("deleted", "0")), "user": member.agent_id if member is not None else None}
    row.update(_membership(member, q))
    return row


def oqueue(q: Queue, member: Member | None) -> dict[str, Any]:
    """RTUserState 3.9's queue object of a call (options as an object)."""
    extra = q.extra
    return {**_queue_head(q), "outboundcid": str(extra.get("outboundcid", "")), "type": model.queue_type(q),
            "direction": model.direction(q), "wrapuptime": str(extra.get("wrapuptime", "0")),
            "outbounder": str(extra.get("outbounder", "0")), "form": str(extra.get("form", "0")),
            "missed": extra.get("missed"), "options": model.options(q),
            "deleted": str(extra.get("deleted", "0")), **_membership(member, q)}


def login_oqueue(agent: Agent, q: Queue, member: Member, *, full: bool) -> dict[str, Any]:
    """An entry of ``login_oqueues``: RTUserState 4.0's (``full``) or RTUsersState's (4.1)."""
    rt_logged = agent.logged_in and member.logged_in
    if full:
        return {**oqueue(q, member), "rt_logged": rt_logged}
    return {**_queue_head(q), "type": model.queue_type(q), "direction": model.direction(q),
            "options": model.options(q), "deleted": str(q.extra.get("deleted", "0")),
            **_membership(member, q), "rt_logged": rt_logged}


# -- pauses -------------------------------------------------------------------------------------
def pause(p: Pause) -> dict[str, Any]:
    """GetPauses 3.3."""
    return {"pause": p.id, "name": p.code, "title": p.title, "type": p.type, "paid": p.paid, "deleted": p.deleted}


def pause_legacy(t: Tenant, p: Pause) -> dict[str, Any]:
    """GetPauses 3.0 (the Italian column names of the older schema)."""
    return {"pcode_id": p.id, "pcode": p.code, "pcode_desc": p.title, "read_key": "", "isBillable": p.paid,
            "isPayable": "0", "pauseType": "w" if p.type in ("lajdak", "wrap") else "-",
            "sys_dt_creazione": when(t, p.created) or ZERO_DATE, "sys_user_creazione": "0",
            "sys_dt_modifica": when(t, p.modified) or ZERO_DATE, "sys_user_modifica": "0", "sys_optilock": "0"}


def wrap_pause(t: Tenant) -> str | None:
    """The id of the system pause "Wrap", which an agent is on during wrap-up."""
    for p in model.pauses(t):
        if p.type == "wrap" and p.deleted == "0":
            return p.id
    return None


def current_pause(t: Tenant, agent: Agent) -> str | None:
    if agent.paused:
        return agent.pause_reason or None
    if agent.state == WRAPUP:
        return wrap_pause(t)
    return None


# -- agent states -------------------------------------------------------------------------------
def agent_state(t: Tenant, agent: Agent, *, calling: bool = False) -> str:
    """Logged, Idle, Paused, (Calling,) Ringing, Speaking, On Hold."""
    call = t.calls.get(agent.call_id or "")
    if agent.state == RINGING:
        return "Ringing"
    if agent.state == ON_CALL and call is not None:
        if call.state == HELD:
            return "On Hold"
        if calling and call.answered_at is None:
            return "Calling"
        return "Speaking"
    if agent.paused or agent.state == WRAPUP:
        return "Paused"
    if not any(True for _ in model.logged_queues(t, agent)):
        return "Logged"
    return "Idle"


def _agent_leg(call: Call, agent_id: str) -> Leg | None:
    for leg in reversed(call.legs):
        if leg.agent_id == agent_id:
            return leg
    return None


def rt_call(t: Tenant, call: Call, agent: Agent) -> dict[str, Any]:
    """An entry of RTUserState's ``calls``."""
    q = model.call_queue(t, call)
    leg = _agent_leg(call, agent.id)
    state = "On Hold" if call.state == HELD else "Ringing" if leg is not None and leg.state == LEG_RINGING \
        else "Speaking"
    return {"id_call": call.id, "direction": model.cc_direction(call), "clid": model.customer_number(call),
            "clid_name": nullable(call.caller_name if model.customer_number(call) == call.caller else call.callee_name),
            "id_queue": q.id if q is not None else None,
            "oqueue": oqueue(q, q.member(agent.id)) if q is not None else None,
            "entered": when(t, call.queue_entered_at if call.queue_entered_at is not None else call.created_at),
            "ringed": when(t, leg.ringing_at if leg is not None else None),
            "answered": when(t, leg.answered_at if leg is not None else None),
            "call_state": state, "onhold": when(t, call.held_since)}


def user_state(t: Tenant, agent: Agent, *, version: str) -> dict[str, Any]:
    """RTUserState (``3.9`` or ``4.0``) and RTUsersState's entries (``4.1``)."""
    call = t.calls.get(agent.call_id or "")
    calls = [rt_call(t, call, agent)] if call is not None and not call.ended else []
    pause_id = current_pause(t, agent)
    head = {"agent_name": agent.username, "agent_title": agent.name, "id_agent": agent.id,
            "exten": agent.extension, "logintime": when(t, agent.extra.get("login_time")),
            "agent_state": agent_state(t, agent), "state_time": when(t, agent.extra.get("state_time")),
            "id_pause": pause_id,
            "onpause": when(t, agent.paused_since if agent.paused else agent.extra.get("state_time"))
            if pause_id is not None else None}
    script = agent.extra.get("callscript")
    script = str(script) if script is not None else None
    if version == "3.9":
        return {**head, "callscript_opened": script, "calls": calls}
    oqueues = [login_oqueue(agent, q, m, full=version != "4.1") for q, m in model.member_queues(t, agent)]
    return {**head, "calls": calls, "callscript_opened": script, "login_oqueues": oqueues}


def result_hash(result: dict[str, Any]) -> str:
    """RTUserState 4.0's ``hash``: SHA1 of the result without it."""
    return hashlib.sha1(json_bytes(result, ascii_only=True)).hexdigest()


# -- real-time statistics -----------------------------------------------------------------------
def call_state(call: Call) -> str:
    """RTStatsCalls' state: Waiting, Ringing, Speaking, On Hold, Transfered."""
    if any(leg.role == "consult" and leg.state != LEG_ENDED for leg in call.legs):
        return "Transfered"
    if call.state == HELD:
        return "On Hold"
    if call.answered_at is not None and call.state == "answered":
        return "Speaking"
    if any(leg.state == LEG_RINGING for leg in call.legs):
        return "Ringing"
    return "Waiting"


def rt_stats_call(t: Tenant, call: Call, now: float) -> dict[str, Any]:
    q = model.call_queue(t, call)
    entered = call.queue_entered_at if call.queue_entered_at is not None else call.created_at
    rings = [leg.ringing_at for leg in call.legs if leg.agent_id is not None and leg.ringing_at is not None]
    ring = rings[0] if rings else None
    answered = call.answered_at
    hold = call.hold_total + (now - call.held_since if call.held_since is not None else 0.0)
    return {"id": call.id, "queue": q.id if q is not None else None,
            "agent": call.agent_id if answered is not None else None,
            "users": [leg.agent_id for leg in call.legs if leg.agent_id is not None and leg.state != LEG_ENDED],
            "clid": model.customer_number(call), "direction": model.cc_direction(call), "state": call_state(call),
            "enter_time_absolute": when(t, entered), "enter_time_relative": str(seconds(now - entered)),
            "wait_time_absolute": when(t, entered),
            "wait_time_relative": str(seconds((answered if answered is not None else now) - entered)),
            "ring_time_absolute": when(t, ring),
            "ring_time_relative": str(seconds((answered if answered is not None else now) - ring)) if ring else "0",
            "answer_time_absolute": when(t, answered),
            "answer_time_relative": str(seconds(now - answered)) if answered is not None else "0",
            "hold_time_absolute": when(t, call.held_since), "hold_time_relative": str(seconds(hold))}


# -- CDR ----------------------------------------------------------------------------------------
DISPOSITIONS = {"answered": "ANSWERED", "busy": "BUSY", "failed": "FAILED", "no_answer": "NO ANSWER",
                "cancelled": "NO ANSWER", "abandoned": "NO ANSWER", "timedout": "NO ANSWER",
                "rejected": "NO ANSWER"}
"""Core dispositions -> Asterisk's CDR dispositions."""


def disposition(call: Call) -> str:
    return DISPOSITIONS.get(call.disposition or "", "NO ANSWER")


def cause(call: Call) -> str:
    """Who ended the call, as StatsCalls and AboutCall name it: ``agent`` or ``caller`` (the
    customer), ``system`` otherwise."""
    if call.ended_by == BY_AGENT:
        return "agent"
    if call.ended_by in (BY_CALLER, BY_REMOTE):
        return "caller"
    return "system"


def uniqueid(call: Call) -> str:
    own = call.tags.get("uniqueid")
    return str(own) if own else call.id.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def real_exten(t: Tenant, call: Call) -> str:
    """The extension of ours that took part: the one that answered, else the one that placed or
    rang."""
    for leg in call.legs:
        if leg.agent_id is not None and leg.answered_at is not None:
            return leg.party
    for leg in call.legs:
        if leg.agent_id is not None or leg.party in model.extensions(t):
            return leg.party
    return call.caller if call.caller in model.extensions(t) else ""


def channel(peer: str, seq: int) -> str:
    """An Asterisk channel name (``SIP/200-0000009f``)."""
    return f"SIP/{peer}-{seq & 0xffffffff:08x}"


def channels(t: Tenant, call: Call, trunk: str) -> tuple[str, str]:
    """(source channel, destination channel) of a call's CDR."""
    first = call.legs[0] if call.legs else None
    src_peer = call.caller if call.caller in model.extensions(t) or model.user_at(t, call.caller) else trunk
    src = channel(src_peer, call.caller_channel if call.caller_channel is not None else (first.seq if first else 0))
    dst_leg = next((leg for leg in reversed(call.legs) if leg.role != "caller"), None)
    if dst_leg is None:
        return src, ""
    peer = dst_leg.party if dst_leg.agent_id is not None or dst_leg.party in model.extensions(t) else trunk
    return src, channel(peer, dst_leg.seq)


def recording_path(t: Tenant, call: Call) -> str:
    start = call.answered_at or call.created_at
    stamp = sql_datetime(start, t.timezone).replace("-", "").replace(":", "").replace(" ", "-")
    prefix = "OUT" if model.cdr_direction(call) == "out" else "IN"
    return (f"/RECORDINGS/{stamp[:4]}/{stamp[4:6]}/{stamp[6:8]}/{prefix}{real_exten(t, call) or call.caller}-"
            f"{call.callee}-{stamp}-{uniqueid(call)}.wav")
