"""Placing calls: click-to-call (the agent's phone rings first) and calls arriving at a DID,
a queue or ring-group number, or an extension."""

from __future__ import annotations

from typing import Any

from .. import events as ev
from ..agents import IDLE, OFFLINE
from ..calls import BY_SYSTEM, D_BUSY, DIALING, INBOUND, INTERNAL, LEG_RINGING, OUTBOUND, Call
from ..calls import RINGING as C_RINGING
from ..errors import AgentBusy, InvalidNumber
from ..world import Tenant
from .answering import leg_failed
from .ending import finish
from .lookup import get_agent, get_queue
from .ringing import enter_queue, free_call_id, new_call, new_leg, ring


def click_to_call(t: Tenant, agent_id: str, destination: str, *, origin: str = "api",
                  tags: dict[str, Any] | None = None, call_id: str | None = None,
                  busy_fails: bool = False, ring_timeout: float | None = None) -> Call:
    """Ring the agent's phone; once answered, dial ``destination`` and bridge them.

    An agent already ringing or talking is refused (``AgentBusy``), unless ``busy_fails``: then
    the call is placed anyway and ends at once as busy, as an asynchronous originate to a busy
    phone does. ``ring_timeout``: how long the agent's phone rings (``sim.ring_timeout``)."""
    agent = get_agent(t, agent_id)
    if not destination:
        raise InvalidNumber(number=destination)
    free_call_id(t, call_id)
    busy = agent.state not in (IDLE, OFFLINE) or agent.call_id is not None
    if busy and not busy_fails:
        raise AgentBusy(agent_id=agent_id)
    target = t.agent_by_extension(destination)
    queue = t.queue_by_number(destination)
    internal = target is not None or queue is not None or destination in t.numbers  # own DID too
    call = new_call(t, direction=INTERNAL if internal else OUTBOUND, caller=agent.extension,
                    caller_name=agent.name, callee=destination,
                    callee_name=target.name if target else "", origin=origin, tags=tags, call_id=call_id)
    call.user_id = agent.id
    call.tags.setdefault("flow", "click_to_call")
    leg = new_leg(t, call, "caller", agent.extension, agent.id)
    call.caller_channel = leg.seq
    t.record(ev.CALL_CREATED, call, agent, caller=call.caller, callee=call.callee, direction=call.direction)
    call.move(DIALING)
    if busy:
        leg.move(LEG_RINGING)
        leg.ringing_at = t.now()
        leg_failed(t, call, leg, D_BUSY)
        return call
    ring(t, call, leg, float(t.settings["sim"]["ring_timeout"]) if ring_timeout is None else ring_timeout)
    return call


def inbound_call(t: Tenant, caller: str, dialed: str, *, caller_name: str = "", origin: str = "api",
                 tags: dict[str, Any] | None = None, patience: float | None = None,
                 call_id: str | None = None) -> Call:
    """A call arriving at ``dialed``: a DID, a queue/ring-group number or an extension.
    ``patience``: this caller hangs up after waiting that long unanswered (else the number's
    own ``abandon_after``, if its behaviour has one). ``call_id``: a given id (else the
    vendor's id scheme names it)."""
    free_call_id(t, call_id)
    route = t.numbers.get(dialed)
    target = route.target if route else None
    if target is None:
        queue = t.queue_by_number(dialed)
        agent = t.agent_by_extension(dialed)
        target = f"queue:{queue.id}" if queue else f"agent:{agent.id}" if agent else None
    if target is None:
        raise InvalidNumber(number=dialed)
    internal = t.agent_by_extension(caller) is not None
    kind, ref = target.split(":", 1)
    if kind == "queue":
        get_queue(t, ref)
    else:
        get_agent(t, ref)
    call = new_call(t, direction=INTERNAL if internal else INBOUND, caller=caller, callee=dialed,
                    caller_name=caller_name, did=dialed if route else "", origin=origin, tags=tags,
                    call_id=call_id)
    call.caller_channel = t.new_channel()  # the channel the call came in on
    t.record(ev.CALL_CREATED, call, None, caller=caller, callee=dialed, direction=call.direction)
    if patience is None:
        patience = t.parties.get(caller, {}).get("abandon_after")
    if patience is not None:
        t.clock.call_later(float(patience), "caller.abandon", call=call.id)
    if kind == "queue":
        enter_queue(t, call, t.queues[ref])
    else:
        agent = t.agents[ref]
        call.callee_name = agent.name
        call.move(C_RINGING)
        if not agent.available:
            t.record(ev.DECISION, call, agent, decision="agent_unavailable")
            finish(t, call, BY_SYSTEM, D_BUSY)
            return call
        leg = new_leg(t, call, "agent", agent.extension, agent.id)
        ring(t, call, leg, float(t.settings["sim"]["ring_timeout"]))
    return call


def unreachable(t: Tenant, extension: str) -> bool:
    """Is the phone of ``extension`` unreachable right now (a PBX cannot even ring it)?"""
    agent = t.agent_by_extension(extension)
    return agent is not None and agent.behaviour.fault == "unreachable"
