"""Who rings, and what follows: new calls and legs, ringing a leg, ending one, the agent state
that goes with it, and queue offers (a waiting call goes to the next agent who is free).

These live together because they call each other: an agent freed by an ended leg is offered
the longest-waiting call, which rings a new leg, which changes an agent's state again.
"""

from __future__ import annotations

from typing import Any

from .. import events as ev
from ..agents import IDLE, OFFLINE, ON_CALL, RINGING, WRAPUP, Agent, Behaviour
from ..calls import D_ANSWERED, D_BUSY, D_FAILED, D_NO_ANSWER, D_REJECTED, LEG_ENDED, LEG_RINGING, QUEUED, Call, Leg
from ..calls import RINGING as C_RINGING
from ..errors import IllegalTransition
from ..queues import Queue, choose
from ..world import Tenant

FAULT_DISPOSITION = {"busy": D_BUSY, "no_answer": D_NO_ANSWER, "congestion": D_FAILED,
                     "unreachable": D_FAILED, "reject": D_REJECTED}
"""How a leg that rings a faulty phone ends."""
FAILING_FAULTS = ("busy", "congestion", "unreachable", "reject")
"""Faults that end the ring at once (after the party's latency); ``no_answer`` rings out."""
LEG_TIMERS = ("leg.answer", "leg.timeout", "leg.fail")
"""Timers of a ringing leg (``call``, ``leg`` in the payload)."""


def party_behaviour(t: Tenant, leg: Leg) -> Behaviour:
    """How the person on a leg acts: the agent's own behaviour, an external number's fault
    injection (``t.parties``), or a remote party who answers after ``sim.remote_answer_after``."""
    if leg.agent_id is not None:
        return t.agents[leg.agent_id].behaviour
    data = t.parties.get(leg.party)
    if data is None:
        answer_after = float(t.settings["sim"]["remote_answer_after"])
        found = _REMOTE.get(answer_after)
        if found is None:
            if len(_REMOTE) >= 64:  # tenants set any figure: keep a few
                _REMOTE.clear()
            found = _REMOTE[answer_after] = Behaviour(answer_after=answer_after)
        return found
    return Behaviour.from_dict(data)


_REMOTE: dict[float, Behaviour] = {}
"""The behaviour of a remote party nobody gave one, per ``sim.remote_answer_after``: one shared
object each (its readers never change it), instead of one made for every leg rung and every
call answered."""


def talk_seconds(t: Tenant, behaviour: Behaviour) -> float:
    """Seconds of conversation: the behaviour's own, else drawn from ``sim.talk_min..talk_max``."""
    if behaviour.talk is not None:
        return behaviour.talk
    sim = t.settings["sim"]
    return round(t.rng.uniform(float(sim["talk_min"]), float(sim["talk_max"])))


def set_agent_state(t: Tenant, agent: Agent, state: str, call: Call | None = None) -> None:
    """Move an agent (recording AgentStateChanged); a freed agent is offered a waiting call."""
    if agent.state == state:
        return
    before = agent.state
    agent.state = state
    if state in (RINGING, ON_CALL):
        agent.call_id = call.id if call is not None else agent.call_id
    else:
        agent.call_id = None
    t.record(ev.AGENT_STATE_CHANGED, call, agent, before=before, after=state)
    if state == IDLE:
        agent_freed(t, agent)


def new_call(t: Tenant, *, direction: str, caller: str, callee: str, origin: str,
             caller_name: str = "", callee_name: str = "", did: str = "",
             tags: dict[str, Any] | None = None, call_id: str | None = None) -> Call:
    """A new call, named by the dialect's id scheme unless ``call_id`` (checked by the caller
    with ``free_call_id``) names it."""
    now = t.now()
    call = Call(id=call_id or t.new_call_id(now), direction=direction, caller=caller, callee=callee,
                created_at=now, caller_name=caller_name, callee_name=callee_name, did=did,
                origin=origin, tags=dict(tags or {}))
    t.calls[call.id] = call
    return call


def free_call_id(t: Tenant, call_id: str | None) -> None:
    """Refuse a chosen call id that is empty or already names a call of this tenant."""
    if call_id is not None and (not call_id or call_id in t.calls):
        raise IllegalTransition(f"call id {call_id!r} is taken")


def new_leg(t: Tenant, call: Call, role: str, party: str, agent_id: str | None) -> Leg:
    leg = Leg(id=f"{call.id}-{len(call.legs) + 1}", seq=t.new_channel(),
              role=role, party=party, agent_id=agent_id, created_at=t.now())
    call.legs.append(leg)
    return leg


def ring(t: Tenant, call: Call, leg: Leg, timeout: float) -> None:
    """Start ringing a leg; the party's behaviour decides what happens next."""
    behaviour = party_behaviour(t, leg)
    leg.move(LEG_RINGING)
    leg.ringing_at = t.now()
    if leg.agent_id is not None:
        set_agent_state(t, t.agents[leg.agent_id], RINGING, call)
    t.record(ev.LEG_RINGING, call, leg.agent_id, leg=leg.id, role=leg.role, party=leg.party)
    clock = t.clock
    if behaviour.fault in FAILING_FAULTS:
        clock.call_later(behaviour.latency, "leg.fail", call=call.id, leg=leg.id,
                         disposition=FAULT_DISPOSITION[behaviour.fault])
        return
    clock.call_later(timeout, "leg.timeout", call=call.id, leg=leg.id)
    if behaviour.mode == "auto" and behaviour.fault != "no_answer":
        clock.call_later(behaviour.latency + behaviour.answer_after, "leg.answer", call=call.id, leg=leg.id)


def end_leg(t: Tenant, call: Call, leg: Leg, disposition: str) -> None:
    """Hang up one leg; its agent goes to wrap-up (after an answered queue call) or is freed."""
    if leg.state == LEG_ENDED:
        return
    leg.move(LEG_ENDED)
    leg.ended_at = t.now()
    leg.disposition = disposition
    t.clock.cancel_any(LEG_TIMERS, call=call.id, leg=leg.id)
    t.record(ev.LEG_ENDED, call, leg.agent_id, leg=leg.id, role=leg.role, disposition=disposition)
    if leg.agent_id is not None:
        agent = t.agents[leg.agent_id]
        if agent.call_id in (call.id, None):
            if disposition == D_ANSWERED:
                agent.last_call_end = t.now()
                queue = t.queues.get(call.queue_id or "")
                wrapup = queue.wrapup if queue is not None else 0.0
                if wrapup > 0:
                    set_agent_state(t, agent, WRAPUP)
                    t.clock.call_later(wrapup, "agent.wrapup_end", agent=agent.id)
                    return
            set_agent_state(t, agent, IDLE if agent.logged_in else OFFLINE)


# -- queues -------------------------------------------------------------------------------
def enter_queue(t: Tenant, call: Call, queue: Queue) -> None:
    """The call waits in ``queue`` (at most ``max_wait``) and is offered to its agents."""
    call.queue_id = queue.id
    call.callee_name = call.callee_name or queue.name
    call.move(QUEUED)
    call.queue_entered_at = t.now()
    call.tried = []
    t.waiting[call.id] = call
    t.record(ev.CALL_QUEUED, call, None, queue=queue.id, kind=queue.kind)
    t.clock.cancel_any(("queue.timeout", "queue.retry"), call=call.id)  # a new stay, a new round
    t.clock.call_later(queue.max_wait, "queue.timeout", call=call.id)
    if queue.announce > 0:  # the greeting plays first; the retry timer starts the first round
        t.clock.call_later(queue.announce, "queue.retry", call=call.id)
        return
    offer(t, call)


def offer(t: Tenant, call: Call) -> None:
    """Ring the next agents the queue strategy picks, or wait for someone to become free.

    ``call.tried`` holds everyone offered the call in this round; none of them is offered it
    again before the round ends. A round that went unanswered ends only when ``queue.retry``
    fires (``next_round``), at least ``MIN_RETRY`` later: so a member whose ring failed at once
    (busy, congestion, reject, no latency) cannot be offered the same call again and again at
    one instant, however often they are freed."""
    queue = t.queues[call.queue_id or ""]
    prefer = sticky_agent(t, call, queue) if queue.sticky > 0 else None
    agents = choose(queue, t.agents, set(call.tried), prefer)
    if not agents and call.tried:
        # The round went unanswered: the next one starts after the retry pause (one pending at a time).
        t.clock.cancel_where("queue.retry", call=call.id)
        t.clock.call_later(queue.retry_pause, "queue.retry", call=call.id)
        return
    if not agents:
        t.record(ev.DECISION, call, None, decision="no_agent_available", queue=queue.id)
        return
    if call.state == QUEUED:
        call.move(C_RINGING)
    for agent_id in agents:
        agent = t.agents[agent_id]
        call.tried.append(agent_id)
        ring(t, call, new_leg(t, call, "agent", agent.extension, agent_id), queue.ring_timeout)


def sticky_agent(t: Tenant, call: Call, queue: Queue) -> str | None:
    """The agent who answered this caller's latest call to ``queue`` within ``queue.sticky``
    seconds, or None. Calls are kept in creation order, so the walk stops at the first call
    older than the window."""
    since = t.now() - queue.sticky
    for calls in (reversed(t.calls.values()), reversed(t.history)):
        for earlier in calls:
            if earlier.created_at < since:
                break
            if (earlier is not call and earlier.caller == call.caller and earlier.queue_id == queue.id
                    and earlier.answered_by is not None):
                return earlier.answered_by
    return None


def next_round(t: Tenant, call: Call) -> None:
    """The retry pause is over: everyone may be offered the call again."""
    call.tried = []
    offer(t, call)


def agent_freed(t: Tenant, agent: Agent) -> None:
    """An agent became idle: offer them the longest-waiting call of their queues that has not
    been offered to them in its current round (so an agent freed by a failed ring is not
    offered that call again before its next round)."""
    if not agent.available or not t.waiting:
        return
    takes: dict[str, bool] = {}  # per queue, once: can this agent take its calls now?

    def member_ok(queue_id: str) -> bool:
        if queue_id not in takes:
            m = t.queues[queue_id].member(agent.id)
            takes[queue_id] = m is not None and m.logged_in and not m.paused
        return takes[queue_id]

    now = t.now()
    waiting = [c for c in t.waiting.values() if c.state == QUEUED and c.queue_id is not None
               and member_ok(c.queue_id) and agent.id not in c.tried
               and (c.queue_entered_at or 0.0) + t.queues[c.queue_id].announce <= now]
    if waiting:
        offer(t, min(waiting, key=lambda c: (c.queue_entered_at or 0.0, c.id)))
