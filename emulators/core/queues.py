"""Queues and ring groups: membership, and the strategy that chooses whom to ring.

A strategy is a small class that orders the candidate members (as SimPy's resources sort
requests); waiting, ring time-outs and abandonment are handled once, in the call engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .agents import Agent
from .records import as_dict

QUEUE_KINDS = ("queue", "ring_group")


MIN_RETRY = 1.0
"""Shortest pause, in seconds, between two rounds of offers of one call. A round can end at the
instant it began (every member busy or failing with no latency, or ``ring_timeout`` 0), so with
``retry`` 0 the rounds would follow each other without time ever moving. Asterisk's app_queue
(beneath most hosted ring groups) never retries at once either: a ``retry`` below 1 s falls back
to its default of 5 s."""


@dataclass(slots=True)
class Member:
    agent_id: str
    priority: int = 1
    """Lower rings first under the ``priority`` strategy."""
    logged_in: bool = True
    """Logged into this queue (vendors with per-queue login use it)."""
    paused: bool = False
    """Paused in this queue only."""


@dataclass(slots=True)
class Queue:
    id: str
    number: str
    """The internal number that reaches the queue (e.g. ring group 4000)."""
    name: str
    kind: str = "queue"
    """``queue`` or ``ring_group``."""
    strategy: str = "ringall"
    ring_timeout: float = 15.0
    """Seconds one offer rings before it counts as not answered."""
    max_wait: float = 120.0
    """Seconds a caller waits in total before the call times out."""
    retry: float = 2.0
    """Seconds between an unanswered round and the next (at least ``MIN_RETRY``: see ``retry_pause``)."""
    wrapup: float = 0.0
    """Seconds an agent stays in wrap-up after a call from this queue."""
    announce: float = 0.0
    """Seconds of greeting a caller hears on entering the queue before the first offer (an
    IVR's "transferring you soon"); agents freed meanwhile do not get the call earlier."""
    sticky: float = 0.0
    """Seconds during which a caller's next call is offered first to the member who answered
    their previous call to this queue (0: no stickiness)."""
    members: list[Member] = field(default_factory=list)
    rr_index: int = 0
    """Round-robin memory: index of the member to start with next."""
    tiers: bool = False
    """Offer the call in tiers of ``Member.priority`` (lowest first) whatever the strategy, as
    Asterisk's member penalties do: a worse tier rings only when nobody of a better one can."""
    extra: dict[str, Any] = field(default_factory=dict)

    def member(self, agent_id: str) -> Member | None:
        return next((m for m in self.members if m.agent_id == agent_id), None)

    @property
    def retry_pause(self) -> float:
        """Seconds before the next round of offers: ``retry``, but never below ``MIN_RETRY``."""
        return self.retry if self.retry > MIN_RETRY else MIN_RETRY  # also NaN -> MIN_RETRY

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Queue":
        data = dict(data)
        data["members"] = [Member(**m) for m in data.get("members", [])]
        return cls(**data)


Offer = list[str]
"""Agent ids to ring at once in one round."""


def eligible(queue: Queue, agents: dict[str, Agent], exclude: set[str]) -> list[Member]:
    return [m for m in queue.members if _can_take(m, agents, exclude)]


def _can_take(m: Member, agents: dict[str, Agent], exclude: set[str]) -> bool:
    return (m.logged_in and not m.paused and m.agent_id not in exclude
            and m.agent_id in agents and agents[m.agent_id].available)


def _ringall(queue: Queue, members: list[Member]) -> Offer:
    return [m.agent_id for m in members]


def _linear(queue: Queue, members: list[Member]) -> Offer:
    return [members[0].agent_id]


def _priority(queue: Queue, members: list[Member]) -> Offer:
    best = min(m.priority for m in members)
    return [m.agent_id for m in members if m.priority == best][:1]


def _roundrobin(queue: Queue, members: list[Member]) -> Offer:
    order = [m.agent_id for m in queue.members]
    for step in range(len(order)):
        candidate = order[(queue.rr_index + step) % len(order)]
        if any(m.agent_id == candidate for m in members):
            queue.rr_index = (order.index(candidate) + 1) % len(order)
            return [candidate]
    return []


STRATEGIES: dict[str, Callable[[Queue, list[Member]], Offer]] = {
    "ringall": _ringall,
    "linear": _linear,
    "priority": _priority,
    "roundrobin": _roundrobin,
}


def _roundrobin_lazy(queue: Queue, agents: dict[str, Agent], exclude: set[str]) -> Offer:
    """What ``_roundrobin(queue, eligible(...))`` picks, testing members only until one can take
    the call (a big, busy queue otherwise tests every member for every offer)."""
    order = queue.members
    n = len(order)
    unique = len({m.agent_id for m in order}) == n
    for step in range(n):
        i = (queue.rr_index + step) % n
        member = order[i]
        candidate = member.agent_id
        # _can_take(member, ...), written out: this runs for most members of a busy queue per offer
        if (member.logged_in and not member.paused and candidate not in exclude and candidate in agents
                and agents[candidate].available) or (
                not unique and any(m.agent_id == candidate and _can_take(m, agents, exclude) for m in order)):
            first = i if unique else next(j for j, m in enumerate(order) if m.agent_id == candidate)
            queue.rr_index = (first + 1) % n
            return [candidate]
    return []


def choose(queue: Queue, agents: dict[str, Agent], exclude: set[str], prefer: str | None = None) -> Offer:
    """The agents to ring next, or [] when nobody can take the call now. ``prefer`` (a sticky
    caller's last agent) rings alone when they can take the call; the strategy picks otherwise
    (among the best tier only, when the queue has tiers)."""
    if prefer is not None and prefer not in exclude:
        member = queue.member(prefer)
        if member is not None and _can_take(member, agents, exclude):
            return [prefer]
    if queue.strategy == "roundrobin" and not queue.tiers:
        return _roundrobin_lazy(queue, agents, exclude)
    members = eligible(queue, agents, exclude)
    if not members:
        return []
    if queue.tiers:
        best = min(m.priority for m in members)
        members = [m for m in members if m.priority == best]
    return STRATEGIES[queue.strategy](queue, members)


@dataclass
class Number:
    """A DID / inbound number and where it routes."""

    number: str
    target: str
    """``queue:<id>`` or ``agent:<id>``."""
    name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)
