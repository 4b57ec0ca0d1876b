"""The registry that maps a timer kind to the engine function that runs it, and to the shape
of its payload.

Timers are data so that snapshots can carry them; engines register their handlers here
when they are imported. Each kind also declares its payload (key -> what the value names), so a
restored snapshot can be checked before any of its timers runs: a handler may then trust it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .world import Tenant

TimerHandler = Callable[["Tenant", dict[str, Any]], None]
TIMER_HANDLERS: dict[str, TimerHandler] = {}

PAYLOAD_REFS = ("call", "leg", "agent", "delivery", "disposition", "ended_by")
"""What a payload value may name: ``call`` (the id of one of the tenant's calls), ``leg`` (the id
of a leg of that call), ``agent`` (an agent id), ``delivery`` (a webhook delivery id),
``disposition`` (one of ``calls.DISPOSITIONS``), ``ended_by`` (one of the ``calls.BY_*`` values),
or ``store:<collection>`` (the id of a record of that collection of ``tenant.store``)."""
STORE_REF = "store:"


def is_payload_ref(ref: str) -> bool:
    return ref in PAYLOAD_REFS or (ref.startswith(STORE_REF) and len(ref) > len(STORE_REF))


TIMER_PAYLOADS: dict[str, dict[str, str]] = {}
"""Per kind, its payload keys (all required, no others) and what each names (``PAYLOAD_REFS``)."""


def timer_handler(kind: str, **payload: str) -> Callable[[TimerHandler], TimerHandler]:
    """Register ``fn`` for timers of ``kind``; ``payload`` declares their keys, e.g.
    ``@timer_handler("leg.answer", call="call", leg="leg")``."""
    unknown = {ref for ref in payload.values() if not is_payload_ref(ref)}
    if unknown:
        raise ValueError(f"timer {kind!r}: unknown payload refs {sorted(unknown)}")

    def register(fn: TimerHandler) -> TimerHandler:
        TIMER_HANDLERS[kind] = fn
        TIMER_PAYLOADS[kind] = dict(payload)
        return fn
    return register
