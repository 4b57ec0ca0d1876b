"""Engines that follow other engines' events: a registry of listeners per event type.

A core engine that must act when something happens elsewhere (a campaign hears that one of
its calls ended; an announcement starts playing when its call is answered) registers a
listener here when it is imported, as engines register timer handlers. ``Tenant.record``
calls the listeners of an event's type after the dialect has heard it. A listener runs in
the middle of another engine's action: it changes only its own engine's records and sets
timers, never places or ends a call itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .events import Event
    from .world import Tenant

EventListener = Callable[["Tenant", "Event"], None]
EVENT_LISTENERS: dict[str, list[EventListener]] = {}
"""Event type -> the listeners that hear it, in the order they registered."""


def listens_to(*types: str) -> Callable[[EventListener], EventListener]:
    """Register ``fn`` for events of ``types``, e.g. ``@listens_to(events.CALL_ENDED)``."""
    def register(fn: EventListener) -> EventListener:
        for type_ in types:
            listeners = EVENT_LISTENERS.setdefault(type_, [])
            if fn not in listeners:
                listeners.append(fn)
        return fn
    return register
