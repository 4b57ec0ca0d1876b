"""Scheduled calls: a click-to-call booked for later on the tenant clock (a callback
request), which can be moved or cancelled until it fires.

When due, a scheduled call behaves like click-to-call: ``first`` rings (an agent's phone when
it is one of the tenant's extensions, else an outside number), and once it answers ``second``
is dialled and the two are bridged. If the world refuses the call at that moment (the agent
is busy), the scheduled call is ``failed`` with the refusal's code; nothing else happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import engine
from .errors import CoreError, IllegalTransition, ScheduledCallNotFound
from .store import Collection
from .timers import timer_handler
from .world import Tenant

SCHEDULED_CALLS = "scheduled_calls"
"""The store collection of this engine."""
FIRE = "scheduled.fire"

WAITING, FIRED, CANCELLED, FAILED = "scheduled", "fired", "cancelled", "failed"
STATES = (WAITING, FIRED, CANCELLED, FAILED)

SCHEDULED_CALL_FIRED = "ScheduledCallFired"
"""data: scheduled (its id); the event's call is the call it placed."""
SCHEDULED_CALL_FAILED = "ScheduledCallFailed"
"""data: scheduled, error (the core error code that refused the call)."""

CHANGEABLE = ("first", "second", "tags", "data")


@dataclass(slots=True)
class ScheduledCall:
    id: str
    owner: str
    """Whose it is (an account of the tenant; "" for the tenant's own)."""
    due: float
    """When it fires (epoch seconds of the tenant clock)."""
    first: str
    """Rings first: an agent's extension, or an outside number."""
    second: str
    """Dialled once ``first`` answers."""
    created_at: float
    status: str = WAITING
    fired_at: float | None = None
    call_id: str | None = None
    error: str | None = None
    tags: dict[str, Any] = field(default_factory=dict)
    """Copied into the call's tags when it fires."""
    data: dict[str, Any] = field(default_factory=dict)
    """The vendor's own facts (its time zone, the wall time it was given ...)."""


def declare(t: Tenant) -> None:
    """Declare this engine's collection in a tenant's store (a dialect's seed calls it)."""
    t.store.declare(Collection(SCHEDULED_CALLS, record=ScheduledCall, indexes=("owner",)))


def scheduled_calls(t: Tenant) -> Collection[ScheduledCall]:
    return t.store[SCHEDULED_CALLS]


def get(t: Tenant, scheduled_id: str, owner: str | None = None) -> ScheduledCall:
    found = scheduled_calls(t).get(scheduled_id)
    if found is None or (owner is not None and found.owner != owner):
        raise ScheduledCallNotFound(scheduled_id=scheduled_id)
    return found


def schedule(t: Tenant, scheduled_id: str, *, owner: str, due: float, first: str, second: str,
             tags: dict[str, Any] | None = None, data: dict[str, Any] | None = None) -> ScheduledCall:
    """Book the call for ``due`` (not before now)."""
    if scheduled_id in scheduled_calls(t):
        raise IllegalTransition(f"scheduled call {scheduled_id} exists")
    if due < t.now():
        raise IllegalTransition("a call cannot be scheduled in the past")
    call = scheduled_calls(t).add(ScheduledCall(scheduled_id, owner, float(due), first, second, t.now(),
                                                tags=dict(tags or {}), data=dict(data or {})))
    t.clock.call_at(call.due, FIRE, scheduled=call.id)
    return call


def move(t: Tenant, scheduled_id: str, due: float | None = None, **changes: Any) -> ScheduledCall:
    """Change a waiting call: its time, numbers, tags or data."""
    call = _waiting(t, scheduled_id)
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise IllegalTransition(f"cannot change {', '.join(sorted(unknown))}")
    if due is not None and due < t.now():
        raise IllegalTransition("a call cannot be scheduled in the past")
    for name, value in changes.items():
        setattr(call, name, dict(value) if isinstance(value, dict) else value)
    if due is not None and due != call.due:
        call.due = float(due)
        t.clock.cancel_where(FIRE, scheduled=call.id)
        t.clock.call_at(call.due, FIRE, scheduled=call.id)
    return call


def cancel(t: Tenant, scheduled_id: str) -> ScheduledCall:
    call = _waiting(t, scheduled_id)
    call.status = CANCELLED
    t.clock.cancel_where(FIRE, scheduled=call.id)
    return call


def _waiting(t: Tenant, scheduled_id: str) -> ScheduledCall:
    call = get(t, scheduled_id)
    if call.status != WAITING:
        raise IllegalTransition(f"scheduled call {scheduled_id} is {call.status}")
    return call


@timer_handler(FIRE, scheduled="store:" + SCHEDULED_CALLS)
def _fire(t: Tenant, payload: dict[str, Any]) -> None:
    booked = scheduled_calls(t).get(payload["scheduled"])
    if booked is None or booked.status != WAITING:
        return
    booked.fired_at = t.now()
    tags = {**booked.tags, "scheduled": booked.id}
    try:
        agent = t.agent_by_extension(booked.first)
        if agent is not None:
            call = engine.click_to_call(t, agent.id, booked.second, origin="scheduled", tags=tags)
        else:
            call = engine.bridge_numbers(t, booked.first, booked.second, origin="scheduled", tags=tags)
    except CoreError as exc:  # refused at this moment: the booking failed, the world is unchanged
        booked.status = FAILED
        booked.error = exc.code
        t.record(SCHEDULED_CALL_FAILED, None, None, scheduled=booked.id, error=exc.code)
        return
    booked.status = FIRED
    booked.call_id = call.id
    t.record(SCHEDULED_CALL_FIRED, call, call.user_id, scheduled=booked.id)
