"""A call the PBX places between two parties that are not agents: it rings the first; once
that party answers, it dials the second (an outside number, an extension, a queue or one of
the tenant's own numbers, reached as a call from outside reaches it) and bridges them.

Click-to-call's flow (``answering.dial_remote`` does the second half) with an outside number,
or a bare extension, in the agent's place.
"""

from __future__ import annotations

from typing import Any

from .. import events as ev
from ..agents import IDLE, OFFLINE
from ..calls import DIALING, OUTBOUND, Call
from ..errors import AgentBusy, InvalidNumber
from ..world import Tenant
from .ringing import free_call_id, new_call, new_leg, ring


def remote_call(t: Tenant, first: str, second: str, *, origin: str = "api",
                tags: dict[str, Any] | None = None, call_id: str | None = None,
                ring_timeout: float | None = None) -> Call:
    """Ring ``first`` (for ``ring_timeout`` seconds, ``sim.ring_timeout`` by default); once it
    answers, dial ``second``. The first party is a simulated person of ``t.parties`` (or an
    agent, when it is an agent's extension)."""
    if not first or not second:
        raise InvalidNumber(number=first if not first else second)
    free_call_id(t, call_id)
    agent = t.agent_by_extension(first)
    if agent is not None and (agent.state not in (IDLE, OFFLINE) or agent.call_id is not None):
        raise AgentBusy(agent_id=agent.id)
    call = new_call(t, direction=OUTBOUND, caller=first, callee=second, origin=origin, tags=tags,
                    call_id=call_id, caller_name=agent.name if agent else "")
    call.tags.setdefault("flow", "click_to_call")
    leg = new_leg(t, call, "caller", first, agent.id if agent else None)
    call.caller_channel = leg.seq
    t.record(ev.CALL_CREATED, call, agent, caller=call.caller, callee=call.callee, direction=call.direction)
    call.move(DIALING)
    ring(t, call, leg, float(t.settings["sim"]["ring_timeout"]) if ring_timeout is None else ring_timeout)
    return call
