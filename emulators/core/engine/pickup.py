"""An agent picks up a call waiting in a queue: the call stops ringing whoever the queue
strategy offered it to and rings the picking agent instead (who answers as their behaviour
says). Should that ring fail, the call goes back to waiting and the queue offers it again."""

from __future__ import annotations

from .. import events as ev
from ..agents import IDLE
from ..calls import D_CANCELLED, LEG_RINGING, QUEUED
from ..calls import RINGING as C_RINGING
from ..errors import AgentBusy, AgentUnavailable, IllegalTransition
from ..world import Tenant
from .lookup import get_agent, get_call
from .ringing import end_leg, new_leg, ring


def pickup(t: Tenant, call_id: str, agent_id: str) -> None:
    call = get_call(t, call_id)
    agent = get_agent(t, agent_id)
    if call.id not in t.waiting or call.state not in (QUEUED, C_RINGING):
        raise IllegalTransition(f"call {call.id} is not waiting in a queue")
    if not agent.logged_in or agent.behaviour.fault == "unreachable":
        raise AgentUnavailable(agent_id=agent_id)
    if agent.state != IDLE or agent.call_id is not None:
        raise AgentBusy(agent_id=agent_id)
    queue = t.queues[call.queue_id or ""]
    if call.state == QUEUED:
        call.move(C_RINGING)  # before anyone is freed below: agent_freed offers QUEUED calls only
    t.record(ev.DECISION, call, agent, decision="picked_up", queue=queue.id)
    for leg in call.live_legs("agent"):
        if leg.state == LEG_RINGING:
            end_leg(t, call, leg, D_CANCELLED)
    if agent.id not in call.tried:
        call.tried.append(agent.id)
    ring(t, call, new_leg(t, call, "agent", agent.extension, agent.id), queue.ring_timeout)
