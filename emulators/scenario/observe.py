"""Reading the world the way scenarios talk about it: calls by label, agents, queues, webhooks.

Used by ``wait_until`` conditions and ``expect.states`` alike, so both say the same thing
about the same moment.
"""

from __future__ import annotations

from typing import Any, Callable

from ..core.calls import Call
from ..core.world import Tenant
from .durations import parse_duration
from .match import count_ok, describe_bounds

DEFAULT_WAIT_TIMEOUT = 600.0


def waiting_in(tenant: Tenant, queue_id: str) -> int:
    """Callers waiting in a queue right now (queued or being offered, not yet answered)."""
    return sum(1 for c in tenant.waiting.values() if c.queue_id == queue_id and not c.ended)


def live_calls(tenant: Tenant) -> int:
    return sum(1 for c in tenant.calls.values() if not c.ended)


def agent_view(tenant: Tenant, agent_id: str) -> dict[str, Any] | None:
    agent = tenant.agents.get(agent_id)
    if agent is None:
        return None
    return {"state": agent.state, "paused": agent.paused, "logged_in": agent.logged_in,
            "calls_taken": agent.calls_taken}


class Condition:
    """One ``wait_until`` condition, bound to a running scenario's labels."""

    def __init__(self, cond: dict[str, Any], tenant: Tenant, call_of: Callable[[str], Call | None],
                 webhooks: Callable[[], int]) -> None:
        self.cond = cond
        self.tenant = tenant
        self.call_of = call_of
        self.webhooks = webhooks
        self.timeout = parse_duration(cond.get("timeout", DEFAULT_WAIT_TIMEOUT))

    def holds(self) -> bool:
        return self.check()[0]

    def check(self) -> tuple[bool, str, str]:
        """(holds?, what was wanted, what is now)."""
        c, t = self.cond, self.tenant
        if "call" in c:
            call = self.call_of(c["call"])
            if call is None:
                return False, f"call {c['call']} exists", "no such call yet"
            if "disposition" in c:
                return call.disposition == c["disposition"], f"call {c['call']} disposition {c['disposition']}", \
                    f"state {call.state}, disposition {call.disposition}"
            return call.state == c["state"], f"call {c['call']} {c['state']}", f"call {c['call']} {call.state}"
        if "agent" in c:
            view = agent_view(t, str(c["agent"]))
            now = view["state"] if view else "unknown agent"
            return now == c["state"], f"agent {c['agent']} {c['state']}", f"agent {c['agent']} {now}"
        if "queue" in c:
            n = waiting_in(t, str(c["queue"]))
            return count_ok(c["waiting"], n), f"queue {c['queue']} waiting {describe_bounds(c['waiting'])}", \
                f"{n} waiting"
        if "webhooks" in c:
            n = self.webhooks()
            return count_ok(c["webhooks"], n), f"webhooks {describe_bounds(c['webhooks'])}", f"{n} webhooks"
        n = live_calls(t)
        return count_ok(c["live_calls"], n), f"live calls {describe_bounds(c['live_calls'])}", f"{n} live"
