"""Agent sessions: logging in and out (of the phone system and of single queues), pausing."""

from __future__ import annotations

from .. import events as ev
from ..agents import IDLE, OFFLINE
from ..errors import AgentNotFound, AgentOnCall
from ..world import Tenant
from .lookup import get_agent, get_queue
from .ringing import agent_freed, set_agent_state


def login(t: Tenant, agent_id: str) -> None:
    agent = get_agent(t, agent_id)
    if agent.logged_in:
        return
    agent.logged_in = True
    t.record(ev.AGENT_LOGGED_IN, None, agent)
    set_agent_state(t, agent, IDLE)


def logout(t: Tenant, agent_id: str) -> None:
    agent = get_agent(t, agent_id)
    if agent.call_id is not None:
        raise AgentOnCall(agent_id=agent_id, call_id=agent.call_id)
    if not agent.logged_in:
        return
    agent.logged_in = False
    t.record(ev.AGENT_LOGGED_OUT, None, agent)
    set_agent_state(t, agent, OFFLINE)


def pause(t: Tenant, agent_id: str, reason: str = "") -> None:
    agent = get_agent(t, agent_id)
    agent.paused, agent.pause_reason, agent.paused_since = True, reason, t.now()
    t.record(ev.AGENT_PAUSED, None, agent, reason=reason)


def unpause(t: Tenant, agent_id: str) -> None:
    agent = get_agent(t, agent_id)
    if not agent.paused:
        return
    agent.paused, agent.pause_reason, agent.paused_since = False, "", None
    t.record(ev.AGENT_UNPAUSED, None, agent)
    agent_freed(t, agent)


def queue_logout(t: Tenant, agent_id: str, queue_id: str) -> None:
    """Leave one queue; refused (AgentOnCall) during a live call of that queue."""
    agent = get_agent(t, agent_id)
    queue = get_queue(t, queue_id)
    member = queue.member(agent_id)
    if member is None:
        raise AgentNotFound(agent_id=agent_id, queue_id=queue_id)
    live = t.calls.get(agent.call_id or "")
    if live is not None and live.queue_id == queue_id:
        raise AgentOnCall(agent_id=agent_id, call_id=live.id, caller=live.caller)
    member.logged_in = False
    t.record(ev.AGENT_LOGGED_OUT, None, agent, queue=queue_id)


def queue_login(t: Tenant, agent_id: str, queue_id: str) -> None:
    agent = get_agent(t, agent_id)
    queue = get_queue(t, queue_id)
    member = queue.member(agent_id)
    if member is None:
        raise AgentNotFound(agent_id=agent_id, queue_id=queue_id)
    member.logged_in = True
    t.record(ev.AGENT_LOGGED_IN, None, agent, queue=queue_id)
    agent_freed(t, agent)
