"""Bridging: a call becomes a conversation with the party on a leg, or an agent leaves it."""

from __future__ import annotations

from .. import events as ev
from ..calls import ANSWERED, BY_CALLER, D_ANSWERED, DIALING, HELD, LEG_ANSWERED, QUEUED, Call, Leg
from ..calls import RINGING as C_RINGING
from ..world import Tenant
from .ringing import end_leg, party_behaviour, talk_seconds

BRIDGEABLE = (QUEUED, C_RINGING, DIALING, ANSWERED, HELD)
"""Call states from which answering a leg connects the call."""
WAIT_TIMERS = ("queue.timeout", "caller.abandon")
"""What a caller no longer waits for once first answered."""


def connect(t: Tenant, call: Call, leg: Leg) -> None:
    """The call is now a conversation (first answer, or the target of a blind transfer).
    Simulated people in ``auto`` mode hang up after their talk time."""
    first = call.answered_at is None
    if call.state in BRIDGEABLE:
        if call.state != ANSWERED:
            call.move(ANSWERED)
    t.waiting.pop(call.id, None)
    if first:
        call.answered_at = t.now()
        if call.queue_id is not None:
            call.queue_left_at = t.now()
        t.clock.cancel_any(WAIT_TIMERS, call=call.id)
        t.record(ev.CALL_ANSWERED, call, leg.agent_id, leg=leg.id)
    if first and call.planned_talk is not None:  # a script said how long they talk
        talk, call.planned_talk = call.planned_talk, None
        t.clock.cancel_where("call.hangup", call=call.id)
        t.clock.call_later(talk, "call.hangup", call=call.id, by=BY_CALLER)
        return
    behaviour = party_behaviour(t, leg)
    if behaviour.mode == "auto" or (call.legs[0].agent_id and
                                     t.agents[call.legs[0].agent_id].behaviour.mode == "auto"):
        by = t.settings["sim"]["hangup_by"]
        t.clock.cancel_where("call.hangup", call=call.id)
        t.clock.call_later(talk_seconds(t, behaviour), "call.hangup", call=call.id, by=by)


def drop_agent(t: Tenant, call: Call) -> None:
    """The currently connected agent leaves the call (transfer, park)."""
    for leg in call.live_legs():
        if leg.agent_id == call.agent_id and leg.role in ("agent", "caller") and leg.state == LEG_ANSWERED:
            end_leg(t, call, leg, D_ANSWERED)
    call.agent_id = None
