"""Timers: what simulated people and the network do when their time comes. Registered with
the core's timer table on import (the engine package imports this module)."""

from __future__ import annotations

from typing import Any

from .. import events as ev
from ..agents import IDLE, OFFLINE, WRAPUP
from ..calls import (
    ANSWERED,
    BY_AGENT,
    BY_CALLER,
    BY_REMOTE,
    BY_SYSTEM,
    D_ABANDONED,
    D_ANSWERED,
    D_CANCELLED,
    D_FAILED,
    D_NO_ANSWER,
    D_TIMEDOUT,
    HELD,
    LEG_RINGING,
    PARKED,
    QUEUED,
    Call,
    Leg,
)
from ..clock import RUNAWAY
from ..timers import timer_handler
from ..world import Tenant
from .answering import answer_leg, leg_failed
from .ending import finish
from .ringing import next_round, set_agent_state


def _live_leg(t: Tenant, payload: dict[str, Any]) -> tuple[Call, Leg] | None:
    """The (call, leg) a leg timer is about, if that leg is still ringing."""
    call = t.calls.get(payload["call"])
    if call is None or call.ended:
        return None
    leg_id = payload["leg"]
    for leg in reversed(call.legs):  # newest first: a leg timer is nearly always about a recent leg
        if leg.id == leg_id:
            return (call, leg) if leg.state == LEG_RINGING else None
    return None


@timer_handler("leg.answer", call="call", leg="leg")
def _on_answer(t: Tenant, payload: dict[str, Any]) -> None:
    found = _live_leg(t, payload)
    if found:
        answer_leg(t, *found)


@timer_handler("leg.timeout", call="call", leg="leg")
def _on_timeout(t: Tenant, payload: dict[str, Any]) -> None:
    found = _live_leg(t, payload)
    if found:
        leg_failed(t, *found, D_NO_ANSWER)


@timer_handler("leg.fail", call="call", leg="leg", disposition="disposition")
def _on_fail(t: Tenant, payload: dict[str, Any]) -> None:
    found = _live_leg(t, payload)
    if found:
        leg_failed(t, *found, payload["disposition"])


@timer_handler("call.hangup", call="call", by="ended_by")
def _on_hangup(t: Tenant, payload: dict[str, Any]) -> None:
    call = t.calls.get(payload["call"])
    if call is not None and call.state in (ANSWERED, HELD):
        by = payload.get("by", BY_CALLER)
        finish(t, call, by if by in (BY_CALLER, BY_AGENT, BY_REMOTE) else BY_CALLER, D_ANSWERED)


@timer_handler("queue.retry", call="call")
def _on_retry(t: Tenant, payload: dict[str, Any]) -> None:
    call = t.calls.get(payload["call"])
    if call is not None and call.state == QUEUED:
        next_round(t, call)


@timer_handler("queue.timeout", call="call")
def _on_queue_timeout(t: Tenant, payload: dict[str, Any]) -> None:
    call = t.calls.get(payload["call"])
    if call is not None and call.answered_at is None and not call.ended:
        finish(t, call, BY_SYSTEM, D_TIMEDOUT)


@timer_handler("caller.abandon", call="call")
def _on_abandon(t: Tenant, payload: dict[str, Any]) -> None:
    call = t.calls.get(payload["call"])
    if call is not None and call.answered_at is None and not call.ended:
        finish(t, call, BY_CALLER, D_ABANDONED if call.queue_id else D_CANCELLED)


@timer_handler("park.timeout", call="call")
def _on_park_timeout(t: Tenant, payload: dict[str, Any]) -> None:
    call = t.calls.get(payload["call"])
    if call is not None and call.state == PARKED:
        finish(t, call, BY_SYSTEM, D_ANSWERED)


@timer_handler("agent.wrapup_end", agent="agent")
def _on_wrapup_end(t: Tenant, payload: dict[str, Any]) -> None:
    agent = t.agents.get(payload["agent"])
    if agent is not None and agent.state == WRAPUP:
        set_agent_state(t, agent, IDLE if agent.logged_in else OFFLINE)


@timer_handler(RUNAWAY)
def _on_runaway(t: Tenant, payload: dict[str, Any]) -> None:
    """The clock caught a call (or agent) setting timers without end at one instant: a bug.
    Say so, and end the call as failed, so that the clock moves on and the world stays whole."""
    subject = payload.get("subject") or {}
    call = t.calls.get(str(subject.get("call", "")))
    agent = t.agents.get(str(subject.get("agent", "")))
    t.record(ev.DECISION, call, agent, decision="runaway_stopped", timer=payload.get("timer"),
             limit=payload.get("limit"), subject=subject)
    if call is not None and not call.ended:
        finish(t, call, BY_SYSTEM, D_FAILED)
