"""The call engine: every call flow of the simulated PBX, driven by the tenant clock.

Public functions are the actions an API, a scenario or the control plane can take; each one
validates first and raises a ``CoreError`` before changing anything. Simulated people act
through timers (``leg.answer``, ``call.hangup``, ...) whose delays come from their
``Behaviour`` and the tenant's ``sim`` settings, drawn from the tenant's seeded RNG.
"""

from __future__ import annotations

from typing import Any

from . import events as ev
from .agents import IDLE, OFFLINE, ON_CALL, RINGING, WRAPUP, Agent, Behaviour
from .calls import (ANSWERED, BY_AGENT, BY_CALLER, BY_REMOTE, BY_SYSTEM, D_ABANDONED, D_ANSWERED,
                    D_BUSY, D_CANCELLED, D_FAILED, D_NO_ANSWER, D_REJECTED, D_TIMEDOUT, DIALING,
                    ENDED, HELD, INBOUND, INTERNAL, LEG_ANSWERED, LEG_ENDED, LEG_RINGING, OUTBOUND,
                    PARKED, QUEUED, RINGING as C_RINGING, Call, Leg)
from .errors import (AgentBusy, AgentNotFound, AgentOnCall, AgentUnavailable, CallNotFound,
                     IllegalTransition, InvalidNumber, QueueNotFound)
from .queues import Queue, choose
from .timers import timer_handler
from .world import Tenant

FAULT_DISPOSITION = {"busy": D_BUSY, "no_answer": D_NO_ANSWER, "congestion": D_FAILED,
                     "unreachable": D_FAILED, "reject": D_REJECTED}


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------
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


def _party_behaviour(t: Tenant, leg: Leg) -> Behaviour:
    if leg.agent_id is not None:
        return t.agents[leg.agent_id].behaviour
    data = t.parties.get(leg.party)
    if data is None:
        return Behaviour(answer_after=float(t.settings["sim"]["remote_answer_after"]))
    return Behaviour.from_dict(data)


def _talk_seconds(t: Tenant, behaviour: Behaviour) -> float:
    if behaviour.talk is not None:
        return behaviour.talk
    sim = t.settings["sim"]
    return round(t.rng.uniform(float(sim["talk_min"]), float(sim["talk_max"])))


def _set_agent_state(t: Tenant, agent: Agent, state: str, call: Call | None = None) -> None:
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
        _agent_freed(t, agent)


def _new_call(t: Tenant, *, direction: str, caller: str, callee: str, origin: str,
              caller_name: str = "", callee_name: str = "", did: str = "",
              tags: dict[str, Any] | None = None) -> Call:
    now = t.now()
    call = Call(id=t.ids.asterisk_uniqueid(now), direction=direction, caller=caller, callee=callee,
                created_at=now, caller_name=caller_name, callee_name=callee_name, did=did,
                origin=origin, tags=dict(tags or {}))
    t.calls[call.id] = call
    return call


def _new_leg(t: Tenant, call: Call, role: str, party: str, agent_id: str | None) -> Leg:
    leg = Leg(id=f"{call.id}-{len(call.legs) + 1}", seq=t.ids.next("channel", start=0xe0),
              role=role, party=party, agent_id=agent_id, created_at=t.now())
    call.legs.append(leg)
    return leg


def _ring(t: Tenant, call: Call, leg: Leg, timeout: float) -> None:
    """Start ringing a leg; the party's behaviour decides what happens next."""
    behaviour = _party_behaviour(t, leg)
    leg.move(LEG_RINGING)
    leg.ringing_at = t.now()
    if leg.agent_id is not None:
        _set_agent_state(t, t.agents[leg.agent_id], RINGING, call)
    t.record(ev.LEG_RINGING, call, leg.agent_id, leg=leg.id, role=leg.role, party=leg.party)
    if behaviour.fault in ("busy", "congestion", "unreachable", "reject"):
        t.clock.call_later(behaviour.latency, "leg.fail", call=call.id, leg=leg.id,
                           disposition=FAULT_DISPOSITION[behaviour.fault])
        return
    t.clock.call_later(timeout, "leg.timeout", call=call.id, leg=leg.id)
    if behaviour.mode == "auto" and behaviour.fault != "no_answer":
        t.clock.call_later(behaviour.latency + behaviour.answer_after, "leg.answer", call=call.id, leg=leg.id)


def _end_leg(t: Tenant, call: Call, leg: Leg, disposition: str) -> None:
    if leg.state == LEG_ENDED:
        return
    leg.move(LEG_ENDED)
    leg.ended_at = t.now()
    leg.disposition = disposition
    t.clock.cancel_where("leg.answer", call=call.id, leg=leg.id)
    t.clock.cancel_where("leg.timeout", call=call.id, leg=leg.id)
    t.clock.cancel_where("leg.fail", call=call.id, leg=leg.id)
    t.record(ev.LEG_ENDED, call, leg.agent_id, leg=leg.id, role=leg.role, disposition=disposition)
    if leg.agent_id is not None:
        agent = t.agents[leg.agent_id]
        if agent.call_id in (call.id, None):
            if disposition == D_ANSWERED:
                agent.last_call_end = t.now()
                queue = t.queues.get(call.queue_id or "")
                wrapup = queue.wrapup if queue is not None else 0.0
                if wrapup > 0:
                    _set_agent_state(t, agent, WRAPUP)
                    t.clock.call_later(wrapup, "agent.wrapup_end", agent=agent.id)
                    return
            _set_agent_state(t, agent, IDLE if agent.logged_in else OFFLINE)


# ---------------------------------------------------------------------------------------
# placing calls
# ---------------------------------------------------------------------------------------
def click_to_call(t: Tenant, agent_id: str, destination: str, *, origin: str = "api",
                  tags: dict[str, Any] | None = None) -> Call:
    """Ring the agent's phone; once answered, dial ``destination`` and bridge them."""
    agent = get_agent(t, agent_id)
    if not destination:
        raise InvalidNumber(number=destination)
    if agent.state not in (IDLE, OFFLINE) or agent.call_id is not None:
        raise AgentBusy(agent_id=agent_id)
    target = t.agent_by_extension(destination)
    queue = t.queue_by_number(destination)
    internal = target is not None or queue is not None
    call = _new_call(t, direction=INTERNAL if internal else OUTBOUND, caller=agent.extension,
                     caller_name=agent.name, callee=destination,
                     callee_name=target.name if target else "", origin=origin, tags=tags)
    call.user_id = agent.id
    call.tags.setdefault("flow", "click_to_call")
    t.record(ev.CALL_CREATED, call, agent, caller=call.caller, callee=call.callee, direction=call.direction)
    call.move(DIALING)
    leg = _new_leg(t, call, "caller", agent.extension, agent.id)
    _ring(t, call, leg, float(t.settings["sim"]["ring_timeout"]))
    return call


def inbound_call(t: Tenant, caller: str, dialed: str, *, caller_name: str = "", origin: str = "api",
                 tags: dict[str, Any] | None = None) -> Call:
    """A call arriving at ``dialed``: a DID, a queue/ring-group number or an extension."""
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
    call = _new_call(t, direction=INTERNAL if internal else INBOUND, caller=caller, callee=dialed,
                     caller_name=caller_name, did=dialed if route else "", origin=origin, tags=tags)
    t.record(ev.CALL_CREATED, call, None, caller=caller, callee=dialed, direction=call.direction)
    patience = t.parties.get(caller, {}).get("abandon_after")
    if patience is not None:
        t.clock.call_later(float(patience), "caller.abandon", call=call.id)
    if kind == "queue":
        _enter_queue(t, call, t.queues[ref])
    else:
        agent = t.agents[ref]
        call.callee_name = agent.name
        call.move(C_RINGING)
        if not agent.available:
            t.record(ev.DECISION, call, agent, decision="agent_unavailable")
            _finish(t, call, BY_SYSTEM, D_BUSY)
            return call
        leg = _new_leg(t, call, "agent", agent.extension, agent.id)
        _ring(t, call, leg, float(t.settings["sim"]["ring_timeout"]))
    return call


def _enter_queue(t: Tenant, call: Call, queue: Queue) -> None:
    call.queue_id = queue.id
    call.callee_name = call.callee_name or queue.name
    call.move(QUEUED)
    call.queue_entered_at = t.now()
    call.tried = []
    t.waiting[call.id] = call
    t.record(ev.CALL_QUEUED, call, None, queue=queue.id, kind=queue.kind)
    t.clock.cancel_where("queue.timeout", call=call.id)
    t.clock.call_later(queue.max_wait, "queue.timeout", call=call.id)
    _offer(t, call)


def _offer(t: Tenant, call: Call) -> None:
    """Ring the next agents the queue strategy picks, or wait for someone to become free."""
    queue = t.queues[call.queue_id or ""]
    offer = choose(queue, t.agents, set(call.tried))
    if not offer and call.tried:
        call.tried = []  # a full round went unanswered: start over after the retry pause
        t.clock.call_later(queue.retry, "queue.retry", call=call.id)
        return
    if not offer:
        t.record(ev.DECISION, call, None, decision="no_agent_available", queue=queue.id)
        return
    if call.state == QUEUED:
        call.move(C_RINGING)
    for agent_id in offer:
        agent = t.agents[agent_id]
        call.tried.append(agent_id)
        _ring(t, call, _new_leg(t, call, "agent", agent.extension, agent_id), queue.ring_timeout)


def _agent_freed(t: Tenant, agent: Agent) -> None:
    """An agent became idle: offer them the longest-waiting call of their queues."""
    if not agent.available:
        return
    takes: dict[str, bool] = {}  # per queue, once: can this agent take its calls now?

    def member_ok(queue_id: str) -> bool:
        if queue_id not in takes:
            m = t.queues[queue_id].member(agent.id)
            takes[queue_id] = m is not None and m.logged_in and not m.paused
        return takes[queue_id]

    waiting = [c for c in t.waiting.values() if c.state == QUEUED and c.queue_id is not None
               and member_ok(c.queue_id) and agent.id not in c.tried]
    if waiting:
        _offer(t, min(waiting, key=lambda c: (c.queue_entered_at or 0.0, c.id)))


# ---------------------------------------------------------------------------------------
# people acting on legs
# ---------------------------------------------------------------------------------------
def answer(t: Tenant, call_id: str, agent_id: str | None = None, leg_id: str | None = None) -> Leg:
    """The party on a ringing leg picks up (by agent, by leg id, or the remote party)."""
    call = get_call(t, call_id)
    leg = _ringing_leg(call, agent_id, leg_id)
    _answer_leg(t, call, leg)
    return leg


def reject(t: Tenant, call_id: str, agent_id: str | None = None, leg_id: str | None = None) -> None:
    call = get_call(t, call_id)
    leg = _ringing_leg(call, agent_id, leg_id)
    _leg_failed(t, call, leg, D_REJECTED)


def _ringing_leg(call: Call, agent_id: str | None, leg_id: str | None) -> Leg:
    for leg in call.legs:
        if leg.state == LEG_RINGING and (leg_id is None or leg.id == leg_id) and (
                agent_id is None or leg.agent_id == agent_id):
            return leg
    raise IllegalTransition(f"call {call.id}: no ringing leg for {agent_id or leg_id or 'anyone'}")


def _answer_leg(t: Tenant, call: Call, leg: Leg) -> None:
    leg.move(LEG_ANSWERED)
    leg.answered_at = t.now()
    t.clock.cancel_where("leg.timeout", call=call.id, leg=leg.id)
    t.clock.cancel_where("leg.answer", call=call.id, leg=leg.id)
    if leg.agent_id is not None:
        agent = t.agents[leg.agent_id]
        _set_agent_state(t, agent, ON_CALL, call)
        agent.call_id = call.id
    t.record(ev.LEG_ANSWERED, call, leg.agent_id, leg=leg.id, role=leg.role)
    if leg.role == "caller" and call.tags.get("flow") == "click_to_call" and len(call.legs) == 1:
        call.agent_id = leg.agent_id
        _dial_remote(t, call)
        return
    if leg.role == "consult":
        _complete_attended(t, call, leg)
        return
    for other in call.live_legs():
        if other is not leg and other.state == LEG_RINGING and other.role == leg.role:
            _end_leg(t, call, other, D_CANCELLED)
    if leg.agent_id is not None:
        call.agent_id = leg.agent_id
        call.answered_by = call.answered_by or leg.agent_id
        t.agents[leg.agent_id].calls_taken += 1
    _connect(t, call, leg)


def _dial_remote(t: Tenant, call: Call) -> None:
    queue = t.queue_by_number(call.callee)
    if queue is not None:  # a click-to-call to a queue or ring group waits there like any caller
        _enter_queue(t, call, queue)
        return
    target = t.agent_by_extension(call.callee)
    leg = _new_leg(t, call, "agent" if target else "remote", call.callee, target.id if target else None)
    if target is not None and not target.available:
        leg.move(LEG_RINGING)
        leg.ringing_at = t.now()
        _leg_failed(t, call, leg, D_BUSY)
        return
    _ring(t, call, leg, float(t.settings["sim"]["ring_timeout"]))


def _connect(t: Tenant, call: Call, leg: Leg) -> None:
    """The call is now a conversation (first answer, or the target of a blind transfer)."""
    first = call.answered_at is None
    if call.state in (QUEUED, C_RINGING, DIALING, ANSWERED, HELD):
        if call.state != ANSWERED:
            call.move(ANSWERED)
    t.waiting.pop(call.id, None)
    if first:
        call.answered_at = t.now()
        if call.queue_id is not None:
            call.queue_left_at = t.now()
        t.clock.cancel_where("queue.timeout", call=call.id)
        t.clock.cancel_where("caller.abandon", call=call.id)
        t.record(ev.CALL_ANSWERED, call, leg.agent_id, leg=leg.id)
    behaviour = _party_behaviour(t, leg)
    if behaviour.mode == "auto" or (call.legs[0].agent_id and
                                     t.agents[call.legs[0].agent_id].behaviour.mode == "auto"):
        by = t.settings["sim"]["hangup_by"]
        t.clock.cancel_where("call.hangup", call=call.id)
        t.clock.call_later(_talk_seconds(t, behaviour), "call.hangup", call=call.id, by=by)


def _leg_failed(t: Tenant, call: Call, leg: Leg, disposition: str) -> None:
    _end_leg(t, call, leg, disposition)
    if call.ended:
        return
    if leg.role == "consult":
        _resume_after_consult(t, call)
        return
    if call.queue_id is not None and leg.role == "agent" and call.answered_at is None:
        if not any(l.state == LEG_RINGING and l.role == "agent" for l in call.legs):
            call.move(QUEUED)
            _offer(t, call)
        return
    if call.state == C_RINGING and call.answered_at is not None:  # blind transfer target failed
        _finish(t, call, BY_SYSTEM, D_ANSWERED)
        return
    if not any(l.state == LEG_RINGING for l in call.legs):
        _finish(t, call, BY_SYSTEM, disposition)


def hangup(t: Tenant, call_id: str, by: str = BY_CALLER) -> Call:
    call = get_call(t, call_id)
    if call.ended:
        raise IllegalTransition(f"call {call.id} has ended")
    if call.answered_at is not None:
        disposition = D_ANSWERED
    elif call.queue_id is not None:
        disposition = D_ABANDONED if by == BY_CALLER else D_CANCELLED
    else:
        disposition = D_CANCELLED
    _finish(t, call, by, disposition)
    return call


def _finish(t: Tenant, call: Call, by: str, disposition: str) -> None:
    if call.ended:
        return
    if call.held_since is not None:
        call.hold_total += t.now() - call.held_since
        call.held_since = None
    for leg in call.live_legs():
        _end_leg(t, call, leg, D_ANSWERED if leg.state == LEG_ANSWERED else D_CANCELLED)
    call.move(ENDED)
    t.waiting.pop(call.id, None)
    call.ended_at = t.now()
    call.ended_by = by
    call.disposition = disposition
    if call.queue_id is not None and call.queue_left_at is None:
        call.queue_left_at = t.now()
    for kind in ("queue.timeout", "queue.retry", "caller.abandon", "call.hangup", "park.timeout"):
        t.clock.cancel_where(kind, call=call.id)
    t.record(ev.CALL_ENDED, call, call.agent_id, disposition=disposition, by=by,
             duration=call.duration(), talk=call.talk_time())


# ---------------------------------------------------------------------------------------
# conversation features
# ---------------------------------------------------------------------------------------
def hold(t: Tenant, call_id: str) -> None:
    call = get_call(t, call_id)
    call.move(HELD)
    call.held_since = t.now()
    t.record(ev.CALL_HELD, call, call.agent_id)


def resume(t: Tenant, call_id: str) -> None:
    call = get_call(t, call_id)
    if call.state != HELD:
        raise IllegalTransition(f"call {call.id} is not on hold")
    _refuse_during_consult(call)
    call.move(ANSWERED)
    call.hold_total += t.now() - (call.held_since or t.now())
    call.held_since = None
    t.record(ev.CALL_RESUMED, call, call.agent_id)


def transfer(t: Tenant, call_id: str, target: str, mode: str = "blind") -> None:
    """Transfer a live call to ``agent:<id>``, ``queue:<id>`` or ``number:<n>``."""
    call = get_call(t, call_id)
    if call.state not in (ANSWERED, HELD) or call.agent_id is None:
        raise IllegalTransition(f"call {call.id} cannot be transferred in state {call.state}")
    if mode not in ("blind", "attended"):
        raise IllegalTransition(f"unknown transfer mode {mode}")
    _refuse_during_consult(call)
    kind, _, ref = target.partition(":")
    if kind == "agent":
        dest = get_agent(t, ref)
        if not dest.available:
            raise AgentUnavailable(agent_id=ref)
    elif kind == "queue":
        get_queue(t, ref)
        if mode != "blind":
            raise IllegalTransition("attended transfer to a queue")
    elif kind != "number" or not ref:
        raise InvalidNumber(number=target)
    from_agent = call.agent_id
    call.transfers.append({"at": t.now(), "from": from_agent, "to": target, "mode": mode})
    if mode == "attended":
        if call.state == ANSWERED:
            hold(t, call.id)
        leg = _new_leg(t, call, "consult", *_target_party(t, kind, ref))
        t.record(ev.CALL_TRANSFERRED, call, from_agent, to=target, mode=mode, phase="consult")
        _ring(t, call, leg, float(t.settings["sim"]["ring_timeout"]))
        return
    t.record(ev.CALL_TRANSFERRED, call, from_agent, to=target, mode=mode, phase="complete")
    if call.state == HELD:
        resume(t, call.id)
    _drop_agent(t, call)
    if kind == "queue":
        _enter_queue(t, call, t.queues[ref])
        return
    call.move(C_RINGING)
    party, agent_id = _target_party(t, kind, ref)
    role = "agent" if agent_id else "remote"
    _ring(t, call, _new_leg(t, call, role, party, agent_id), float(t.settings["sim"]["ring_timeout"]))


def _refuse_during_consult(call: Call) -> None:
    if any(l.role == "consult" and l.state != LEG_ENDED for l in call.legs):
        raise IllegalTransition(f"call {call.id}: a consultation is in progress")


def _target_party(t: Tenant, kind: str, ref: str) -> tuple[str, str | None]:
    if kind == "agent":
        return t.agents[ref].extension, ref
    agent = t.agent_by_extension(ref)
    return ref, agent.id if agent else None


def _drop_agent(t: Tenant, call: Call) -> None:
    """The currently connected agent leaves the call (transfer, park)."""
    for leg in call.live_legs():
        if leg.agent_id == call.agent_id and leg.role in ("agent", "caller") and leg.state == LEG_ANSWERED:
            _end_leg(t, call, leg, D_ANSWERED)
    call.agent_id = None


def _complete_attended(t: Tenant, call: Call, consult: Leg) -> None:
    t.clock.cancel_where("call.hangup", call=call.id)
    _drop_agent(t, call)
    consult.role = "agent" if consult.agent_id else "remote"
    call.agent_id = consult.agent_id
    if consult.agent_id:
        t.agents[consult.agent_id].calls_taken += 1
    resume(t, call.id)
    t.record(ev.CALL_TRANSFERRED, call, consult.agent_id, to=consult.party, mode="attended", phase="complete")
    _connect(t, call, consult)


def _resume_after_consult(t: Tenant, call: Call) -> None:
    t.record(ev.DECISION, call, call.agent_id, decision="consult_failed")
    if call.state == HELD:
        resume(t, call.id)


def park(t: Tenant, call_id: str, slot: str | None = None) -> str:
    call = get_call(t, call_id)
    if call.state not in (ANSWERED, HELD):
        raise IllegalTransition(f"call {call.id} cannot be parked in state {call.state}")
    _refuse_during_consult(call)
    if slot is None:
        taken = {c.parked_slot for c in t.calls.values() if c.state == PARKED}
        n = int(t.settings["sim"]["park_slot_first"])
        while str(n) in taken:
            n += 1
        slot = str(n)
    if call.state == HELD:
        resume(t, call.id)
    call.parked_by = call.agent_id
    _drop_agent(t, call)
    call.move(PARKED)
    call.parked_slot = slot
    t.clock.cancel_where("call.hangup", call=call.id)
    t.record(ev.CALL_PARKED, call, call.parked_by, slot=slot)
    t.clock.call_later(float(t.settings["sim"]["park_timeout"]), "park.timeout", call=call.id)
    return slot


def unpark(t: Tenant, call_id: str, agent_id: str) -> None:
    call = get_call(t, call_id)
    agent = get_agent(t, agent_id)
    if call.state != PARKED:
        raise IllegalTransition(f"call {call.id} is not parked")
    if not agent.available:
        raise AgentBusy(agent_id=agent_id)
    t.clock.cancel_where("park.timeout", call=call.id)
    leg = _new_leg(t, call, "agent", agent.extension, agent.id)
    leg.move(LEG_RINGING)
    leg.ringing_at = t.now()
    call.parked_slot = None
    call.move(ANSWERED)
    t.record(ev.CALL_UNPARKED, call, agent, leg=leg.id)
    leg.move(LEG_ANSWERED)
    leg.answered_at = t.now()
    _set_agent_state(t, agent, ON_CALL, call)
    agent.call_id = call.id
    call.agent_id = agent.id
    _connect(t, call, leg)


def send_dtmf(t: Tenant, call_id: str, digits: str) -> None:
    call = get_call(t, call_id)
    if call.ended or not digits or any(d not in "0123456789*#ABCD" for d in digits):
        raise IllegalTransition(f"call {call.id}: cannot send {digits!r}")
    call.dtmf += digits
    t.record(ev.DTMF_RECEIVED, call, call.agent_id, digits=digits)


# ---------------------------------------------------------------------------------------
# agent sessions
# ---------------------------------------------------------------------------------------
def login(t: Tenant, agent_id: str) -> None:
    agent = get_agent(t, agent_id)
    if agent.logged_in:
        return
    agent.logged_in = True
    t.record(ev.AGENT_LOGGED_IN, None, agent)
    _set_agent_state(t, agent, IDLE)


def logout(t: Tenant, agent_id: str) -> None:
    agent = get_agent(t, agent_id)
    if agent.call_id is not None:
        raise AgentOnCall(agent_id=agent_id, call_id=agent.call_id)
    if not agent.logged_in:
        return
    agent.logged_in = False
    t.record(ev.AGENT_LOGGED_OUT, None, agent)
    _set_agent_state(t, agent, OFFLINE)


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
    _agent_freed(t, agent)


def queue_logout(t: Tenant, agent_id: str, queue_id: str) -> None:
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
    _agent_freed(t, agent)


# ---------------------------------------------------------------------------------------
# timers: what simulated people and the network do when their time comes
# ---------------------------------------------------------------------------------------
def _live_leg(t: Tenant, payload: dict[str, Any]) -> tuple[Call, Leg] | None:
    call = t.calls.get(payload["call"])
    leg = call.leg(payload["leg"]) if call else None
    if call is None or leg is None or call.ended or leg.state != LEG_RINGING:
        return None
    return call, leg


@timer_handler("leg.answer")
def _on_answer(t: Tenant, payload: dict[str, Any]) -> None:
    found = _live_leg(t, payload)
    if found:
        _answer_leg(t, *found)


@timer_handler("leg.timeout")
def _on_timeout(t: Tenant, payload: dict[str, Any]) -> None:
    found = _live_leg(t, payload)
    if found:
        _leg_failed(t, *found, D_NO_ANSWER)


@timer_handler("leg.fail")
def _on_fail(t: Tenant, payload: dict[str, Any]) -> None:
    found = _live_leg(t, payload)
    if found:
        _leg_failed(t, *found, payload["disposition"])


@timer_handler("call.hangup")
def _on_hangup(t: Tenant, payload: dict[str, Any]) -> None:
    call = t.calls.get(payload["call"])
    if call is not None and call.state in (ANSWERED, HELD):
        by = payload.get("by", BY_CALLER)
        _finish(t, call, by if by in (BY_CALLER, BY_AGENT, BY_REMOTE) else BY_CALLER, D_ANSWERED)


@timer_handler("queue.retry")
def _on_retry(t: Tenant, payload: dict[str, Any]) -> None:
    call = t.calls.get(payload["call"])
    if call is not None and call.state == QUEUED:
        _offer(t, call)


@timer_handler("queue.timeout")
def _on_queue_timeout(t: Tenant, payload: dict[str, Any]) -> None:
    call = t.calls.get(payload["call"])
    if call is not None and call.answered_at is None and not call.ended:
        _finish(t, call, BY_SYSTEM, D_TIMEDOUT)


@timer_handler("caller.abandon")
def _on_abandon(t: Tenant, payload: dict[str, Any]) -> None:
    call = t.calls.get(payload["call"])
    if call is not None and call.answered_at is None and not call.ended:
        _finish(t, call, BY_CALLER, D_ABANDONED if call.queue_id else D_CANCELLED)


@timer_handler("park.timeout")
def _on_park_timeout(t: Tenant, payload: dict[str, Any]) -> None:
    call = t.calls.get(payload["call"])
    if call is not None and call.state == PARKED:
        _finish(t, call, BY_SYSTEM, D_ANSWERED)


@timer_handler("agent.wrapup_end")
def _on_wrapup_end(t: Tenant, payload: dict[str, Any]) -> None:
    agent = t.agents.get(payload["agent"])
    if agent is not None and agent.state == WRAPUP:
        _set_agent_state(t, agent, IDLE if agent.logged_in else OFFLINE)
