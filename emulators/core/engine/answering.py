"""People acting on ringing legs: answering (which connects, dials on, or completes an attended
transfer), declining, and rings that fail (busy, no answer, faults)."""

from __future__ import annotations

from .. import events as ev
from ..agents import ON_CALL
from ..calls import BY_SYSTEM, D_ANSWERED, D_BUSY, D_CANCELLED, D_REJECTED, LEG_ANSWERED, LEG_RINGING, QUEUED, Call, Leg
from ..calls import RINGING as C_RINGING
from ..errors import IllegalTransition
from ..world import Tenant
from .bridging import connect
from .conversation import complete_attended, resume_after_consult
from .ending import finish
from .lookup import get_call
from .ringing import end_leg, enter_queue, new_leg, offer, ring, set_agent_state

RING_TIMERS = ("leg.timeout", "leg.answer")
"""What an answered leg no longer waits for."""


def answer(t: Tenant, call_id: str, agent_id: str | None = None, leg_id: str | None = None) -> Leg:
    """The party on a ringing leg picks up (by agent, by leg id, or the remote party)."""
    call = get_call(t, call_id)
    leg = ringing_leg(call, agent_id, leg_id)
    answer_leg(t, call, leg)
    return leg


def reject(t: Tenant, call_id: str, agent_id: str | None = None, leg_id: str | None = None) -> None:
    call = get_call(t, call_id)
    leg = ringing_leg(call, agent_id, leg_id)
    leg_failed(t, call, leg, D_REJECTED)


def ringing_leg(call: Call, agent_id: str | None, leg_id: str | None) -> Leg:
    for leg in call.legs:
        if leg.state == LEG_RINGING and (leg_id is None or leg.id == leg_id) and (
                agent_id is None or leg.agent_id == agent_id):
            return leg
    raise IllegalTransition(f"call {call.id}: no ringing leg for {agent_id or leg_id or 'anyone'}")


def answer_leg(t: Tenant, call: Call, leg: Leg) -> None:
    leg.move(LEG_ANSWERED)
    leg.answered_at = t.now()
    t.clock.cancel_any(RING_TIMERS, call=call.id, leg=leg.id)
    if leg.agent_id is not None:
        agent = t.agents[leg.agent_id]
        set_agent_state(t, agent, ON_CALL, call)
        agent.call_id = call.id
    t.record(ev.LEG_ANSWERED, call, leg.agent_id, leg=leg.id, role=leg.role)
    if leg.role == "caller" and call.tags.get("flow") == "click_to_call" and len(call.legs) == 1:
        call.agent_id = leg.agent_id
        dial_remote(t, call)
        return
    if leg.role == "consult":
        complete_attended(t, call, leg)
        return
    for other in call.live_legs():
        if other is not leg and other.state == LEG_RINGING and other.role == leg.role:
            end_leg(t, call, other, D_CANCELLED)
    if leg.agent_id is not None:
        call.agent_id = leg.agent_id
        call.answered_by = call.answered_by or leg.agent_id
        t.agents[leg.agent_id].calls_taken += 1
    connect(t, call, leg)


def dial_remote(t: Tenant, call: Call) -> None:
    """The agent of a click-to-call answered: now ring the destination. A queue or ring group
    number, or one of the tenant's own DIDs, is reached like a call from outside reaches it."""
    route = t.numbers.get(call.callee)
    if route is not None:
        call.did = call.callee
        kind, _, ref = route.target.partition(":")
        if kind == "queue" and ref in t.queues:
            enter_queue(t, call, t.queues[ref])
            return
        agent = t.agents.get(ref) if kind == "agent" else None
        target = agent
    else:
        queue = t.queue_by_number(call.callee)
        if queue is not None:  # a click-to-call to a queue or ring group waits there like any caller
            enter_queue(t, call, queue)
            return
        target = t.agent_by_extension(call.callee)
    if target is not None:
        call.callee_name = call.callee_name or target.name
    party = target.extension if target is not None else call.callee
    leg = new_leg(t, call, "agent" if target else "remote", party, target.id if target else None)
    if target is not None and not target.available:
        leg.move(LEG_RINGING)
        leg.ringing_at = t.now()
        leg_failed(t, call, leg, D_BUSY)
        return
    ring(t, call, leg, dial_timeout(t, call))


def dial_timeout(t: Tenant, call: Call) -> float:
    """How long the second party of a click-to-call rings: ``tags["dial_timeout"]`` (vendors
    with a dialing time per call), else ``sim.ring_timeout``."""
    own = call.tags.get("dial_timeout")
    if isinstance(own, (int, float)) and not isinstance(own, bool) and 0 <= own <= 86400:
        return float(own)
    return float(t.settings["sim"]["ring_timeout"])


def leg_failed(t: Tenant, call: Call, leg: Leg, disposition: str) -> None:
    """A ring ended unanswered: the queue offers the next agent, a consultation returns to
    the caller, and a call with nobody left ringing ends."""
    end_leg(t, call, leg, disposition)
    if call.ended:
        return
    if leg.role == "consult":
        resume_after_consult(t, call)
        return
    if call.queue_id is not None and leg.role == "agent" and call.answered_at is None:
        if not any(l.state == LEG_RINGING and l.role == "agent" for l in call.legs):
            call.move(QUEUED)
            offer(t, call)
        return
    if call.state == C_RINGING and call.answered_at is not None:  # blind transfer target failed
        finish(t, call, BY_SYSTEM, D_ANSWERED)
        return
    if not any(l.state == LEG_RINGING for l in call.legs):
        finish(t, call, BY_SYSTEM, disposition)
