"""Ending a call: a party hangs up, or the system ends it (time-outs, failed rings)."""

from __future__ import annotations

from .. import events as ev
from ..calls import BY_CALLER, D_ABANDONED, D_ANSWERED, D_CANCELLED, ENDED, LEG_ANSWERED, Call
from ..errors import IllegalTransition
from ..world import Tenant
from .lookup import get_call
from .ringing import end_leg

CALL_TIMERS = ("queue.timeout", "queue.retry", "caller.abandon", "call.hangup", "park.timeout")
"""Timers of a call that mean nothing once it has ended."""


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
    finish(t, call, by, disposition)
    return call


def finish(t: Tenant, call: Call, by: str, disposition: str) -> None:
    """End every live leg, then the call (the CDR is now final)."""
    if call.ended:
        return
    if call.held_since is not None:
        call.hold_total += t.now() - call.held_since
        call.held_since = None
    # Out of the queue first: an agent freed by ending a leg below must not be offered this call
    # (a click-to-call into a queue its own agent is a member of would ring them on a dead call).
    t.waiting.pop(call.id, None)
    for leg in call.live_legs():
        end_leg(t, call, leg, D_ANSWERED if leg.state == LEG_ANSWERED else D_CANCELLED)
    call.move(ENDED)
    call.compact()
    call.ended_at = t.now()
    call.ended_by = by
    call.disposition = disposition
    if call.queue_id is not None and call.queue_left_at is None:
        call.queue_left_at = t.now()
    t.clock.cancel_any(CALL_TIMERS, call=call.id)
    t.record(ev.CALL_ENDED, call, call.agent_id, disposition=disposition, by=by,
             duration=call.duration(), talk=call.talk_time())
