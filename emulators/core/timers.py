"""The registry that maps a timer kind to the engine function that runs it.

Timers are data so that snapshots can carry them; engines register their handlers here
when they are imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .world import Tenant

TimerHandler = Callable[["Tenant", dict[str, Any]], None]
TIMER_HANDLERS: dict[str, TimerHandler] = {}


def timer_handler(kind: str) -> Callable[[TimerHandler], TimerHandler]:
    def register(fn: TimerHandler) -> TimerHandler:
        TIMER_HANDLERS[kind] = fn
        return fn
    return register
