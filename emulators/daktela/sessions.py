"""What the Daktela dialect keeps as the world changes: live calls, when each agent's state last
changed, and the spans of sessions, queue logins and pauses that the statistics read.

Everything here follows the core's domain events (``on_event``), so whatever moves an agent (the
API, a scenario, a simulated person, the control plane) leaves the same trace.
"""

from __future__ import annotations

from typing import Callable

from ..core import events as ev
from ..core.events import Event
from ..core.world import Tenant
from . import model
from .model import Span


def track(t: Tenant, event: Event) -> None:
    handler = _HANDLERS.get(event.type)
    if handler is not None:
        handler(t, event)


def _created(t: Tenant, event: Event) -> None:
    if event.call_id is not None:
        model.live_ids(t)[event.call_id] = 1


def _ended(t: Tenant, event: Event) -> None:
    if event.call_id is not None:
        model.live_ids(t).pop(event.call_id, None)


def _state(t: Tenant, event: Event) -> None:
    agent = t.agents.get(event.agent_id or "")
    if agent is not None:
        agent.extra["state_time"] = event.at


def _paused(t: Tenant, event: Event) -> None:
    _state(t, event)
    if event.agent_id is not None:
        _close(t, model.PAUSE_LOG, event.agent_id, event.at)  # a pause replaces the one before
        _open(t, model.PAUSE_LOG, event.agent_id, event.at, str(event.data.get("reason", "")))


def _unpaused(t: Tenant, event: Event) -> None:
    _state(t, event)
    if event.agent_id is not None:
        _close(t, model.PAUSE_LOG, event.agent_id, event.at)


def _logged_in(t: Tenant, event: Event) -> None:
    agent = t.agents.get(event.agent_id or "")
    if agent is None:
        return
    queue = event.data.get("queue")
    if queue is not None:
        _close(t, model.QUEUE_LOGINS, agent.id, event.at, str(queue))
        _open(t, model.QUEUE_LOGINS, agent.id, event.at, str(queue))
        return
    agent.extra["login_time"] = event.at
    agent.extra["state_time"] = event.at
    _close(t, model.SESSIONS, agent.id, event.at)
    _open(t, model.SESSIONS, agent.id, event.at, "")


def _logged_out(t: Tenant, event: Event) -> None:
    agent = t.agents.get(event.agent_id or "")
    if agent is None:
        return
    queue = event.data.get("queue")
    if queue is not None:
        _close(t, model.QUEUE_LOGINS, agent.id, event.at, str(queue))
        return
    agent.extra["login_time"] = None
    agent.extra["state_time"] = event.at
    _close(t, model.SESSIONS, agent.id, event.at)
    _close(t, model.PAUSE_LOG, agent.id, event.at)


def _open(t: Tenant, kind: str, user: str, at: float, ref: str) -> None:
    log = model.spans(t, kind)
    log.add(Span(str(log.next_id()), user, at, None, ref))


def _close(t: Tenant, kind: str, user: str, at: float, ref: str | None = None) -> None:
    """End the user's open span (of ``ref``, when given); newest first, as it is near the end."""
    for span in reversed(model.spans(t, kind).where(user=user)):
        if span.end is None and (ref is None or span.ref == ref):
            span.end = at
            return


def _held(t: Tenant, event: Event) -> None:
    call = t.calls.get(event.call_id or "")
    agent = t.agents.get(call.agent_id or "") if call is not None else None
    if agent is not None:
        agent.extra["state_time"] = event.at


_HANDLERS: dict[str, Callable[[Tenant, Event], None]] = {
    ev.CALL_CREATED: _created, ev.CALL_ENDED: _ended, ev.AGENT_STATE_CHANGED: _state,
    ev.AGENT_PAUSED: _paused, ev.AGENT_UNPAUSED: _unpaused, ev.AGENT_LOGGED_IN: _logged_in,
    ev.AGENT_LOGGED_OUT: _logged_out, ev.CALL_HELD: _held, ev.CALL_RESUMED: _held,
}
