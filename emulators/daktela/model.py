"""Daktela's own records beside the core's, and how to find things the way its API names them.

A Daktela *user* is a core ``Agent`` (id = the user id, ``username`` = the login, ``name`` = the
title; role, profile, password, e-mail, the bound extension and the session times live in
``extra``). A *queue* is a core ``Queue`` (id = the queue id, ``number`` = its "name", ``name``
= its title; direction, type and options in ``extra``); a member's per-queue login and priority
are the core ``Member``'s. Everything of which there are many goes into the tenant's collection
store: pause codes, devices (extensions), the price list, and the time-stamped logs of sessions,
queue logins and pauses that the statistics read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ..core.agents import Agent
from ..core.calls import Call
from ..core.queues import Member, Queue
from ..core.records import as_dict
from ..core.store import Collection
from ..core.world import Tenant

VENDOR = "daktela"

OUT_TYPES = ("out", "outbounder", "dialer", "interviewer")
"""Queue types that place calls (direction ``out``)."""
QUEUE_TYPES = ("in", "out", "outbounder", "ctc", "dialer", "chat", "email", "interviewer")
EMAIL = "email"
DIALER_TYPES = ("outbounder", "dialer")
"""Queues whose records the autodialer calls (``dialer.py``)."""


# -- records of the store ----------------------------------------------------------------------
@dataclass
class Pause:
    id: str
    code: str
    """The pause's "name" in GetPauses 3.3 (``pcode`` in 3.0): a code such as ``666``."""
    title: str
    type: str | None = ""
    """``lajdak`` | ``wrap`` | ``""`` (normal) | None (normal, as older rows have it)."""
    paid: str = "0"
    deleted: str = "0"
    created: float | None = None
    """None for the rows that predate the field (3.0 shows ``0000-00-00 00:00:00``)."""
    modified: float | None = None


@dataclass
class Extension:
    exten: str
    ip: str = "-none-"
    """``-none-`` (and port ``0``): the device is not registered (DeviceStates UNAVAILABLE)."""
    port: str = "0"


@dataclass
class Span:
    """A time span of one user: a session (login), a queue login or a pause."""

    id: str
    user: str
    start: float
    end: float | None = None
    ref: str = ""
    """The queue id of a queue login, the pause id of a pause ('' for a session)."""


@dataclass
class Destination:
    """One line of the CDR module's price list: numbers starting with ``prefix``."""

    id: str
    prefix: str
    type: str
    description: str
    name: str
    rate: str
    """Price per minute, as the price list holds it (``0.9000``)."""
    first: int = 30
    """Seconds billed for the first step (a minimum)."""
    step: int = 30
    """Seconds per further step."""


def _collection(name: str, cls: type, id_field: str = "id", indexes: tuple[str, ...] = ()) -> Collection[Any]:
    return Collection(name, id_field=id_field, indexes=indexes, record=cls, to_dict=as_dict,
                      from_dict=lambda data: cls(**data))


SESSIONS, QUEUE_LOGINS, PAUSE_LOG = "sessions", "queue_logins", "pause_log"


def declare(t: Tenant) -> None:
    """The collections of a Daktela tenant (once per build: seed and restore rely on them)."""
    t.store.declare(_collection("pauses", Pause))
    t.store.declare(_collection("extensions", Extension, id_field="exten"))
    t.store.declare(_collection("destinations", Destination))
    for name in (SESSIONS, QUEUE_LOGINS, PAUSE_LOG):
        t.store.declare(_collection(name, Span, indexes=("user",)))


def pauses(t: Tenant) -> Collection[Pause]:
    return t.store["pauses"]


def extensions(t: Tenant) -> Collection[Extension]:
    return t.store["extensions"]


def destinations(t: Tenant) -> Collection[Destination]:
    return t.store["destinations"]


def spans(t: Tenant, kind: str) -> Collection[Span]:
    return t.store[kind]


# -- users -------------------------------------------------------------------------------------
def deleted(agent: Agent) -> bool:
    return agent.extra.get("deleted") == "1"


def user_by_login(t: Tenant, login: str) -> Agent | None:
    for agent in t.agents.values():
        if agent.username == login and not deleted(agent):
            return agent
    return None


def user_at(t: Tenant, extension: str) -> Agent | None:
    """The user whose phone is ``extension`` (sitting there, or bound to it)."""
    if not extension:
        return None
    agent = t.agent_by_extension(extension)
    return agent if agent is not None and not deleted(agent) else None


def users(t: Tenant) -> Iterator[Agent]:
    """Users that are not deleted, in id order as stored."""
    return (a for a in t.agents.values() if not deleted(a))


def next_user_id(t: Tenant) -> str:
    """A new user id: one past the highest numeric one (deleted users keep theirs)."""
    ids = [int(a) for a in t.agents if a.isascii() and a.isdigit()]
    return str(max(ids, default=0) + 1)


def bound_extension(agent: Agent) -> str:
    """The extension the user is bound to in administration ('' if none)."""
    return str(agent.extra.get("bound", agent.extension))


# -- queues ------------------------------------------------------------------------------------
def queue_deleted(queue: Queue) -> bool:
    return queue.extra.get("deleted") == "1"


def queue_by_number(t: Tenant, number: str) -> Queue | None:
    """The call queue with this number (e-mail queues are numbered apart: EmailCreate's example
    sends to an e-mail queue 2000 beside the call queue 2000, Support)."""
    for queue in t.queues.values():
        if queue.number == number and not queue_deleted(queue) and queue_type(queue) != EMAIL:
            return queue
    return None


def email_queue_by_number(t: Tenant, number: str) -> Queue | None:
    for queue in t.queues.values():
        if queue.number == number and not queue_deleted(queue) and queue_type(queue) == EMAIL:
            return queue
    return None


def direction(queue: Queue) -> str:
    return str(queue.extra.get("direction", "in"))


def queue_type(queue: Queue) -> str:
    return str(queue.extra.get("type", direction(queue)))


def is_outgoing(queue: Queue) -> bool:
    return direction(queue) == "out"


def options(queue: Queue) -> dict[str, Any]:
    value = queue.extra.get("options")
    return value if isinstance(value, dict) else {}


def logged_queues(t: Tenant, agent: Agent) -> Iterator[tuple[Queue, Member]]:
    """The queues the user is logged into (CC session and per-queue login)."""
    if not agent.logged_in:
        return
    for queue in t.queues.values():
        member = queue.member(agent.id)
        if member is not None and member.logged_in and not queue_deleted(queue):
            yield queue, member


def member_queues(t: Tenant, agent: Agent) -> Iterator[tuple[Queue, Member]]:
    """The queues the user may log into (their memberships), in queue order."""
    for queue in t.queues.values():
        member = queue.member(agent.id)
        if member is not None and not queue_deleted(queue):
            yield queue, member


# -- calls -------------------------------------------------------------------------------------
def call_queue(t: Tenant, call: Call) -> Queue | None:
    """The queue a call belongs to: the one it waited in, else the outgoing queue it was
    placed through (``tags["queue"]``)."""
    qid = call.queue_id or call.tags.get("queue")
    return t.queues.get(str(qid)) if qid is not None else None


def call_agent(t: Tenant, call: Call) -> Agent | None:
    """The call-centre agent of a call: who answered it, else who placed it."""
    aid = call.agent_id or call.answered_by or call.user_id
    return t.agents.get(aid) if aid is not None else None


def is_cc(t: Tenant, call: Call) -> bool:
    """A call-centre call (it belongs to a queue)."""
    return call_queue(t, call) is not None


def customer_number(call: Call) -> str:
    """The customer's number (Daktela's clid): the callee of a call an agent placed, the
    caller otherwise."""
    return call.callee if cc_direction(call) == "out" and call.user_id is not None else call.caller


def cc_direction(call: Call) -> str:
    """Call-centre direction: ``out`` for a call an agent or the PBX placed, ``in`` otherwise."""
    return "out" if call.tags.get("flow") == "click_to_call" or call.direction == "outbound" else "in"


def cdr_direction(call: Call) -> str:
    """CDR direction: ``in``, ``out`` or ``local`` (between two of the PBX's extensions)."""
    return {"inbound": "in", "outbound": "out"}.get(call.direction, "local")


def row_id(call: Call) -> str:
    """The call's numeric row id (StatsCalls ``call``): the doc's, else the uniqueid's sequence."""
    row = call.tags.get("row")
    if row is not None:
        return str(row)
    tail = call.id.rpartition(".")[2]
    digits = "".join(ch for ch in tail if ch.isdigit())
    return digits or "0"


def live_ids(t: Tenant) -> dict[str, Any]:
    """Ids of the tenant's live calls, kept by the dialect as calls start and end (made on
    first use: only events write here)."""
    state = t.state.get(VENDOR)
    if not isinstance(state, dict):
        state = t.state[VENDOR] = {}
    live = state.get("live")
    if not isinstance(live, dict):
        live = state["live"] = {}
    return live


def live_calls(t: Tenant) -> list[Call]:
    """Live calls, oldest first."""
    state = t.state.get(VENDOR)
    live = state.get("live") if isinstance(state, dict) else None
    out = []
    for call_id in list(live) if isinstance(live, dict) else ():
        call = t.calls.get(call_id)
        if call is not None and not call.ended:
            out.append(call)
    return out


def by_ids(values: Iterable[Any] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(str(v) for v in values)
