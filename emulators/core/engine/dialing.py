"""Calls the system places between outside numbers, and what a party on any leg can do.

- ``dial_number``: the system rings one number (a voice OTP, a campaign contact); once it
  answers, it hears an announcement (then the system hangs up) or talks (to an IVR, a voice
  bot) until it hangs up.
- ``bridge_numbers``: click-to-call between two outside numbers: the first rings, and once it
  answers the second is dialled and the two are bridged (the agent-less twin of
  ``placing.click_to_call``; a scheduled callback fires as one).
- ``transfer_leg`` / ``hangup_leg``: the party on one leg (a channel, as an Asterisk AMI client
  names it) transfers or ends the call, whether or not that party is an agent.
"""

from __future__ import annotations

from typing import Any

from .. import events as ev
from ..calls import (
    ANSWERED,
    BY_AGENT,
    BY_CALLER,
    BY_REMOTE,
    BY_SYSTEM,
    D_ANSWERED,
    DIALING,
    HELD,
    LEG_ANSWERED,
    LEG_ENDED,
    OUTBOUND,
    Call,
    Leg,
)
from ..calls import RINGING as C_RINGING
from ..errors import AgentUnavailable, IllegalTransition, InvalidNumber
from ..listeners import listens_to
from ..timers import timer_handler
from ..world import Tenant
from .conversation import hold, refuse_during_consult, resume
from .ending import finish, hangup
from .ringing import end_leg, new_call, new_leg, ring

ANNOUNCE = "announce"
"""``call.tags`` key: seconds the announcement lasts once the callee answers."""
ANNOUNCE_END = "announce.end"
"""Timer: the announcement is over, the system hangs up."""
TRANSFER_MODES = ("blind", "attended")


def _ring_timeout(t: Tenant, ring_timeout: float | None) -> float:
    return float(t.settings["sim"]["ring_timeout"]) if ring_timeout is None else float(ring_timeout)


def dial_number(t: Tenant, number: str, *, caller: str, caller_name: str = "", origin: str = "api",
                tags: dict[str, Any] | None = None, announce: float | None = None,
                ring_timeout: float | None = None) -> Call:
    """Ring ``number`` from the system (caller id ``caller``). With ``announce`` seconds, the
    system hangs up that long after the answer (unless the callee hangs up first); without,
    the callee talks for their own talk time."""
    if not number:
        raise InvalidNumber(number=number)
    call = new_call(t, direction=OUTBOUND, caller=caller, callee=number, caller_name=caller_name,
                    origin=origin, tags=tags)
    call.tags.setdefault("flow", "dial_number")
    if announce is not None:
        call.tags[ANNOUNCE] = max(0.0, float(announce))
    call.caller_channel = t.new_channel()  # the system's own (local) channel
    t.record(ev.CALL_CREATED, call, None, caller=call.caller, callee=call.callee, direction=call.direction)
    call.move(DIALING)
    ring(t, call, new_leg(t, call, "remote", number, None), _ring_timeout(t, ring_timeout))
    return call


def bridge_numbers(t: Tenant, first: str, second: str, *, origin: str = "api",
                   tags: dict[str, Any] | None = None, ring_timeout: float | None = None) -> Call:
    """Ring ``first``; once it answers, dial ``second`` and bridge them (click-to-call)."""
    if not first or not second:
        raise InvalidNumber(number=first or second)
    call = new_call(t, direction=OUTBOUND, caller=first, callee=second, origin=origin, tags=tags)
    call.tags["flow"] = "click_to_call"  # answering dials the second number (answering.answer_leg)
    leg = new_leg(t, call, "caller", first, None)
    call.caller_channel = leg.seq
    t.record(ev.CALL_CREATED, call, None, caller=call.caller, callee=call.callee, direction=call.direction)
    call.move(DIALING)
    ring(t, call, leg, _ring_timeout(t, ring_timeout))
    return call


@listens_to(ev.CALL_ANSWERED)
def _start_announcement(t: Tenant, event: ev.Event) -> None:
    call = t.calls.get(event.call_id or "")
    if call is not None and ANNOUNCE in call.tags:
        t.clock.call_later(float(call.tags[ANNOUNCE]), ANNOUNCE_END, call=call.id)


@timer_handler(ANNOUNCE_END, call="call")
def _end_announcement(t: Tenant, payload: dict[str, Any]) -> None:
    call = t.calls.get(payload["call"])
    if call is not None and call.state == ANSWERED and ANNOUNCE in call.tags:
        finish(t, call, BY_SYSTEM, D_ANSWERED)  # the system hangs up: the announcement is over


# -- the party on one leg -------------------------------------------------------------------
def answered_leg(call: Call, leg_id: str) -> Leg:
    for leg in call.legs:
        if leg.id == leg_id and leg.state == LEG_ANSWERED:
            return leg
    raise IllegalTransition(f"call {call.id}: leg {leg_id} is not connected")


def transfer_leg(t: Tenant, call: Call, leg_id: str, target: str, mode: str = "blind") -> None:
    """Transfer ``call`` from the side of leg ``leg_id`` to ``target`` (an agent's extension or
    an outside number).

    Blind: the party on the leg is the transferer and leaves; the other party rings ``target``
    (a one-party call, an announcement or IVR, hands its callee over). A target that fails ends
    the call. Attended: the leg is the customer's; the other side (agent or system) consults
    ``target`` while the customer holds, and leaves once the target answers (a consultation
    that fails returns to the customer)."""
    if mode not in TRANSFER_MODES:
        raise IllegalTransition(f"unknown transfer mode {mode}")
    if call.state not in (ANSWERED, HELD):
        raise IllegalTransition(f"call {call.id} cannot be transferred in state {call.state}")
    refuse_during_consult(call)
    leg = answered_leg(call, leg_id)
    if not target:
        raise InvalidNumber(number=target)
    agent = t.agent_by_extension(target)
    if agent is not None and not agent.available:
        raise AgentUnavailable(agent_id=agent.id)
    agent_id = agent.id if agent is not None else None
    call.transfers.append({"at": t.now(), "from": leg.party, "to": target, "mode": mode})
    t.clock.cancel_where(ANNOUNCE_END, call=call.id)
    call.tags.pop(ANNOUNCE, None)  # whoever answers now talks
    timeout = _ring_timeout(t, None)
    if mode == "attended":
        if call.state == ANSWERED:
            hold(t, call.id)
        consult = new_leg(t, call, "consult", target, agent_id)
        t.record(ev.CALL_TRANSFERRED, call, leg.agent_id, to=target, mode=mode, phase="consult")
        ring(t, call, consult, timeout)
        return
    t.record(ev.CALL_TRANSFERRED, call, leg.agent_id, to=target, mode=mode, phase="complete")
    if call.state == HELD:
        resume(t, call.id)
    if any(other is not leg and other.state == LEG_ANSWERED for other in call.legs):
        end_leg(t, call, leg, D_ANSWERED)  # the transferer leaves
        if call.agent_id is not None and call.agent_id == leg.agent_id:
            call.agent_id = None
    call.move(C_RINGING)
    ring(t, call, new_leg(t, call, "agent" if agent_id else "remote", target, agent_id), timeout)


def hangup_leg(t: Tenant, call: Call, leg_id: str) -> None:
    """The party on leg ``leg_id`` hangs up: the call ends (its other parties with it)."""
    leg = next((l for l in call.legs if l.id == leg_id), None)
    if leg is None or leg.state == LEG_ENDED or call.ended:
        raise IllegalTransition(f"call {call.id}: no live leg {leg_id}")
    by = BY_CALLER if leg.role == "caller" else BY_AGENT if leg.agent_id else BY_REMOTE
    hangup(t, call.id, by=by)
