"""Conversation features on a connected call: hold, resume, blind and attended transfer,
park and unpark, DTMF."""

from __future__ import annotations

from .. import events as ev
from ..agents import ON_CALL
from ..calls import ANSWERED, HELD, LEG_ANSWERED, LEG_ENDED, LEG_RINGING, PARKED, Call, Leg
from ..calls import RINGING as C_RINGING
from ..errors import AgentBusy, AgentUnavailable, IllegalTransition, InvalidNumber
from ..world import Tenant
from .bridging import connect, drop_agent
from .lookup import get_agent, get_call, get_queue
from .ringing import enter_queue, new_leg, ring, set_agent_state

DTMF_DIGITS = "0123456789*#ABCD"


def hold(t: Tenant, call_id: str) -> None:
    call = get_call(t, call_id)
    call.move(HELD)
    call.held_since = t.now()
    t.record(ev.CALL_HELD, call, call.agent_id)


def resume(t: Tenant, call_id: str) -> None:
    call = get_call(t, call_id)
    if call.state != HELD:
        raise IllegalTransition(f"call {call.id} is not on hold")
    refuse_during_consult(call)
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
    refuse_during_consult(call)
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
        leg = new_leg(t, call, "consult", *target_party(t, kind, ref))
        t.record(ev.CALL_TRANSFERRED, call, from_agent, to=target, mode=mode, phase="consult")
        ring(t, call, leg, float(t.settings["sim"]["ring_timeout"]))
        return
    t.record(ev.CALL_TRANSFERRED, call, from_agent, to=target, mode=mode, phase="complete")
    if call.state == HELD:
        resume(t, call.id)
    drop_agent(t, call)
    if kind == "queue":
        enter_queue(t, call, t.queues[ref])
        return
    call.move(C_RINGING)
    party, agent_id = target_party(t, kind, ref)
    role = "agent" if agent_id else "remote"
    ring(t, call, new_leg(t, call, role, party, agent_id), float(t.settings["sim"]["ring_timeout"]))


def refuse_during_consult(call: Call) -> None:
    if any(l.role == "consult" and l.state != LEG_ENDED for l in call.legs):
        raise IllegalTransition(f"call {call.id}: a consultation is in progress")


def target_party(t: Tenant, kind: str, ref: str) -> tuple[str, str | None]:
    """(number to ring, agent id or None) of a transfer target."""
    if kind == "agent":
        return t.agents[ref].extension, ref
    agent = t.agent_by_extension(ref)
    return ref, agent.id if agent else None


def complete_attended(t: Tenant, call: Call, consult: Leg) -> None:
    """The consulted party answered: the transferring agent leaves, the caller is theirs."""
    t.clock.cancel_where("call.hangup", call=call.id)
    drop_agent(t, call)
    consult.role = "agent" if consult.agent_id else "remote"
    call.agent_id = consult.agent_id
    if consult.agent_id:
        t.agents[consult.agent_id].calls_taken += 1
    resume(t, call.id)
    t.record(ev.CALL_TRANSFERRED, call, consult.agent_id, to=consult.party, mode="attended", phase="complete")
    connect(t, call, consult)


def resume_after_consult(t: Tenant, call: Call) -> None:
    """The consulted party did not answer: back to the caller."""
    t.record(ev.DECISION, call, call.agent_id, decision="consult_failed")
    if call.state == HELD:
        resume(t, call.id)


def park(t: Tenant, call_id: str, slot: str | None = None) -> str:
    call = get_call(t, call_id)
    if call.state not in (ANSWERED, HELD):
        raise IllegalTransition(f"call {call.id} cannot be parked in state {call.state}")
    refuse_during_consult(call)
    if slot is None:
        taken = {c.parked_slot for c in t.calls.values() if c.state == PARKED}
        n = int(t.settings["sim"]["park_slot_first"])
        while str(n) in taken:
            n += 1
        slot = str(n)
    if call.state == HELD:
        resume(t, call.id)
    call.parked_by = call.agent_id
    drop_agent(t, call)
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
    leg = new_leg(t, call, "agent", agent.extension, agent.id)
    leg.move(LEG_RINGING)
    leg.ringing_at = t.now()
    call.parked_slot = None
    call.move(ANSWERED)
    t.record(ev.CALL_UNPARKED, call, agent, leg=leg.id)
    leg.move(LEG_ANSWERED)
    leg.answered_at = t.now()
    set_agent_state(t, agent, ON_CALL, call)
    agent.call_id = call.id
    call.agent_id = agent.id
    connect(t, call, leg)


def send_dtmf(t: Tenant, call_id: str, digits: str) -> None:
    call = get_call(t, call_id)
    if call.ended or not digits or any(d not in DTMF_DIGITS for d in digits):
        raise IllegalTransition(f"call {call.id}: cannot send {digits!r}")
    call.dtmf += digits
    t.record(ev.DTMF_RECEIVED, call, call.agent_id, digits=digits)
