"""What a script (a scenario, a test) may tell the simulated people of a call: let a phone
ring out instead of answering it, and how long the conversation will last once answered."""

from __future__ import annotations

from ..calls import LEG_RINGING
from ..errors import IllegalTransition
from ..world import Tenant
from .lookup import get_call


def let_ring(t: Tenant, call_id: str, leg_id: str) -> None:
    """The party on a ringing leg does not answer: the ring times out (or is answered by
    someone acting on it explicitly)."""
    call = get_call(t, call_id)
    leg = call.leg(leg_id)
    if leg is None or leg.state != LEG_RINGING:
        raise IllegalTransition(f"call {call.id}: leg {leg_id} is not ringing")
    t.clock.cancel_where("leg.answer", call=call.id, leg=leg.id)


def plan_talk(t: Tenant, call_id: str, seconds: float) -> None:
    """Once first answered, the call lasts ``seconds`` of conversation and the caller hangs up
    (whatever the parties' own behaviour says)."""
    call = get_call(t, call_id)
    if call.ended or call.answered_at is not None:
        raise IllegalTransition(f"call {call.id} is already answered or over")
    call.planned_talk = float(seconds)
