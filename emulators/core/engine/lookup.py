"""Finding the call, agent or queue an action names, or refusing with the core's not-found error."""

from __future__ import annotations

from ..agents import Agent
from ..calls import Call
from ..errors import AgentNotFound, CallNotFound, QueueNotFound
from ..queues import Queue
from ..world import Tenant


def get_call(t: Tenant, call_id: str) -> Call:
    call = t.calls.get(call_id)
    if call is None:
        raise CallNotFound(call_id=call_id)
    return call


def get_agent(t: Tenant, agent_id: str) -> Agent:
    agent = t.agents.get(agent_id)
    if agent is None:
        raise AgentNotFound(agent_id=agent_id)
    return agent


def get_queue(t: Tenant, queue_id: str) -> Queue:
    queue = t.queues.get(queue_id)
    if queue is None:
        raise QueueNotFound(queue_id=queue_id)
    return queue
