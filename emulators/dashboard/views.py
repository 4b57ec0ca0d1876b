"""What the dashboard shows, as JSON: the tenant's "now" (clock, queues with their waiting
callers, agents), calls, journal entries with their reasons, webhook deliveries, scenario runs.

Plain data the page renders; times are virtual epoch seconds (the page shows them in the
vendor's zone, UTC on hover).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from ..core.calls import Call
from ..core.journal import RequestJournal
from ..core.world import Tenant
from .explain import explain

if TYPE_CHECKING:
    from ..scenario.control import RunRecord

MAX_CHECKS = 400
"""Checks of one scenario run the page gets (the counts cover all of them)."""
MAX_STEPS = 400
"""Timeline steps of one scenario run the page gets."""


def clock_view(tenant: Tenant) -> dict[str, Any]:
    """The clock, without ``pending_timers`` (counting them walks the whole heap)."""
    clock = tenant.clock
    return {"now": clock.now(), "mode": clock.mode, "speed": clock.speed, "next_timer": clock.peek()}


def now_view(tenant: Tenant) -> dict[str, Any]:
    """The clock, queues (members, waiting callers) and agents of ``tenant``."""
    agents = tenant.agents
    waiting: dict[str, list[dict[str, Any]]] = {}
    for call in tenant.waiting.values():
        if call.queue_id is not None and not call.ended:
            waiting.setdefault(call.queue_id, []).append(
                {"call": call.id, "caller": call.caller, "name": call.caller_name,
                 "since": call.queue_entered_at if call.queue_entered_at is not None else call.created_at})
    queues = []
    for queue in tenant.queues.values():
        members = []
        for member in queue.members:
            agent = agents.get(member.agent_id)
            members.append({"agent": member.agent_id, "name": agent.name if agent else member.agent_id,
                            "state": agent.state if agent else "unknown", "logged_in": member.logged_in,
                            "paused": member.paused or bool(agent and agent.paused)})
        queues.append({"id": queue.id, "name": queue.name, "number": queue.number, "kind": queue.kind,
                       "strategy": queue.strategy, "members": members, "waiting": waiting.get(queue.id, [])})
    return {"clock": clock_view(tenant), "failed": tenant.failed, "timezone": tenant.timezone,
            "queues": queues, "agents": [agent_view(a) for a in agents.values()]}


def agent_view(agent: Any) -> dict[str, Any]:
    return {"id": agent.id, "name": agent.name, "extension": agent.extension, "state": agent.state,
            "logged_in": agent.logged_in, "paused": agent.paused, "pause_reason": agent.pause_reason,
            "paused_since": agent.paused_since, "call": agent.call_id, "calls_taken": agent.calls_taken}


def call_view(call: Call) -> dict[str, Any]:
    return call.to_dict()


def live_and_recent(tenant: Tenant, recent: int) -> list[Call]:
    """Every live call of ``tenant`` and its ``recent`` newest ended ones, oldest first."""
    calls = list(tenant.calls.values())
    live = [c for c in calls if not c.ended]
    ended: list[Call] = []
    for call in reversed(calls):
        if len(ended) >= recent:
            break
        if call.ended:
            ended.append(call)
    return sorted([*live, *ended], key=lambda c: c.created_at)


def entry_view(entry: dict[str, Any], journal: RequestJournal, paths: Iterable[str], anon: bool) -> dict[str, Any]:
    """A journal entry as the page lists it: the entry, whether its bytes are still kept, and
    for a refusal its reason in plain words. ``anon``: from the journal of requests no tenant
    was found for."""
    seq = entry.get("seq")
    out = dict(entry)
    out["anon"] = anon
    out["kept"] = isinstance(seq, int) and journal.exchanges.has(seq)
    reason = explain(entry, journal.exchanges, paths)
    if reason is not None:
        out["reason"] = reason
    return out


def run_view(record: "RunRecord") -> dict[str, Any]:
    """A scenario run while it runs and after: steps done so far, checks so far, the result."""
    run = record.run
    result = run.result
    checks = result.checks
    view = record.view()
    view.pop("result", None)
    done_steps = len(run.scenario.steps) if record.result is not None and result.status == "passed" else run.ti
    view.update({
        "file": run.scenario.file, "reason": result.reason, "notes": list(result.notes[:50]),
        "steps": [{"index": s.index, "name": s.name, "line": s.line, "at": s.at, "done": s.index < done_steps}
                  for s in run.scenario.steps[:MAX_STEPS]],
        "checks": [{"kind": c.kind, "name": c.name, "line": c.line, "ok": c.ok, "expected": c.expected,
                    "actual": c.actual, "reason": c.reason} for c in checks[:MAX_CHECKS]],
        "counts": {"held": sum(1 for c in checks if c.ok), "failed": sum(1 for c in checks if c.ok is False),
                   "skipped": sum(1 for c in checks if c.ok is None), "total": len(checks)},
        "summary": result.summary() if record.result is not None else "",
    })
    return view


def run_key(record: "RunRecord") -> tuple[Any, ...]:
    """What changes as a run goes on (the stream sends the run again when it does): its state,
    checks and steps, and its simulated time by the second."""
    run = record.run
    simulated = int(run.progress()["simulated"])
    return (record.status, len(run.result.checks), run.ti, run.done, record.result is not None, simulated)
