"""Believable call history for a freshly seeded tenant, the same for the same seed every time.

The history is built from the tenant's own directory (agents, queues, numbers), so every name
and number in it exists; faker draws the outside callers' names (``person_names``: stored for
the default seed, so start-up does not import faker). Calls are plain ``Call`` records,
exactly as the engine leaves them when a call ends, so views cannot tell them apart. The
result is cached per (vendor, seed, clock start, plan, directory): tenants share one
immutable tuple, which keeps tenant creation and reset cheap.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .calls import (
    BY_AGENT,
    BY_CALLER,
    BY_SYSTEM,
    D_ABANDONED,
    D_ANSWERED,
    D_BUSY,
    D_CANCELLED,
    D_NO_ANSWER,
    D_TIMEDOUT,
    ENDED,
    INBOUND,
    INTERNAL,
    LEG_ENDED,
    NO_TAGS,
    OUTBOUND,
    Call,
    Leg,
)
from .seed_names import STORED, draw
from .world import Tenant


@dataclass(frozen=True)
class HistoryPlan:
    days: int = 10
    """How many days before the clock start the history covers."""
    calls_per_hour: float = 5.0
    """Mean arrivals per open hour (Poisson)."""
    open_hour: int = 8
    close_hour: int = 18
    """Local business hours in the tenant's time zone; weekends are quiet."""
    mix: tuple[tuple[str, float], ...] = (("queue", 0.55), ("direct", 0.1), ("outbound", 0.25),
                                          ("internal", 0.1))
    answered_share: float = 0.75
    abandoned_share: float = 0.15
    """Of queue calls; the rest time out."""
    caller_format: str = "+1##########"
    """Pattern of outside numbers: each ``#`` becomes a digit."""
    locale: str = "en_US"


_CACHE: dict[Any, tuple[tuple[Call, ...], dict[str, int]]] = {}
CACHE_KEEP = 32
"""Histories remembered (the newest): the key holds the clock start, so with ``--clock-start now``
every tenant made later is a new key, and an unbounded cache grew by a history per tenant."""
_NAMES: dict[tuple[str, int], tuple[str, ...]] = dict(STORED)
CALLER_NAMES = 40
"""Outside callers' names per history (each call draws one of them)."""


def person_names(locale: str, seed: int, count: int) -> tuple[str, ...]:
    """The first ``count`` full names faker's person provider draws for ``locale`` seeded
    with ``seed``: the same names for the same seed, every time.

    Drawn once per (locale, seed); the default seed's are stored (``core/seed_names.py``,
    checked against faker by a test), which keeps faker's ~0.1 s import out of start-up."""
    names = _NAMES.get((locale, seed), ())
    if len(names) < count:
        names = _NAMES[(locale, seed)] = draw(locale, seed, max(count, CALLER_NAMES))
    return names[:count]


def synthesize_history(tenant: Tenant, plan: HistoryPlan = HistoryPlan()) -> None:
    """Fill ``tenant.history`` (and advance its id counters as if those calls had happened)."""
    key = (tenant.dialect.name, tenant.seed_number, tenant.now(), plan, tenant.timezone,
           tuple((a.id, a.extension) for a in tenant.agents.values()),
           tuple((q.id, q.number, tuple(m.agent_id for m in q.members)) for q in tenant.queues.values()),
           tuple(sorted((n.number, n.target) for n in tenant.numbers.values())))
    cached = _CACHE.get(key)
    if cached is None:
        calls = tuple(_Builder(tenant, plan).build())
        cached = (calls, dict(tenant.ids.counters))
        _CACHE[key] = cached
        while len(_CACHE) > CACHE_KEEP:
            del _CACHE[next(iter(_CACHE))]  # the oldest; its tenants keep their own reference
    tenant.history = cached[0]
    tenant.ids.counters.update(cached[1])


class _Builder:
    def __init__(self, tenant: Tenant, plan: HistoryPlan) -> None:
        self.t = tenant
        self.plan = plan
        self.rng = random.Random(f"history:{tenant.seed_number}")
        self.busy_until: dict[str, float] = {a: 0.0 for a in tenant.agents}
        sim = tenant.settings["sim"]
        self.talk = (float(sim["talk_min"]), float(sim["talk_max"]))
        self.callers = [self._number() for _ in range(40)]
        self.kinds = [k for k, _ in plan.mix if self._possible(k)]
        self.weights = [w for k, w in plan.mix if k in self.kinds]
        self.names = person_names(plan.locale, tenant.seed_number, CALLER_NAMES)

    def build(self) -> list[Call]:
        calls: list[Call] = []
        for at in self._arrivals():
            kind = self._pick_kind()
            call = getattr(self, f"_{kind}")(at)
            if call is not None:
                calls.append(call)
        return calls

    def _arrivals(self) -> list[float]:
        tz = ZoneInfo(self.t.timezone)
        end = self.t.now() - 3600
        day = datetime.fromtimestamp(end, tz).replace(hour=0, minute=0, second=0, microsecond=0)
        out: list[float] = []
        for back in range(self.plan.days, -1, -1):
            d = day - timedelta(days=back)
            if d.weekday() >= 5:
                continue
            at = d.replace(hour=self.plan.open_hour).timestamp()
            close = d.replace(hour=self.plan.close_hour).timestamp()
            while True:
                at += round(self.rng.expovariate(self.plan.calls_per_hour / 3600.0)) + 1
                if at >= close or at >= end:
                    break
                out.append(float(at))
        return out

    def _pick_kind(self) -> str:
        return self.rng.choices(self.kinds, self.weights)[0] if self.kinds else "none"

    def _number(self) -> str:
        """An outside number (faker's numerify is ten times slower and this runs per call)."""
        return "".join(str(self.rng.randrange(10)) if ch == "#" else ch for ch in self.plan.caller_format)

    def _possible(self, kind: str) -> bool:
        if kind == "queue":
            return any(q.members for q in self.t.queues.values())
        if kind == "internal":
            return len(self.t.agents) >= 2
        return bool(self.t.agents)

    # -- one call of each kind -------------------------------------------------------------
    def _new(self, at: float, **fields: Any) -> Call:
        return Call(id=self.t.new_call_id(at), created_at=at, origin="seed", tried=(), transfers=(),  # type: ignore[arg-type]
                    tags=NO_TAGS, **fields)  # type: ignore[arg-type]

    def _leg(self, call: Call, role: str, party: str, agent_id: str | None, at: float,
             answered: float | None, end: float, disposition: str) -> Leg:
        leg = Leg(id=f"{call.id}-{len(call.legs) + 1}", seq=self.t.new_channel(),
                  role=role, party=party, agent_id=agent_id, created_at=at, state=LEG_ENDED,
                  ringing_at=at, answered_at=answered, ended_at=end, disposition=disposition)
        call.legs.append(leg)
        return leg

    def _free_agent(self, at: float, candidates: list[str]) -> str | None:
        free = [a for a in candidates if self.busy_until.get(a, 0.0) <= at]
        return self.rng.choice(free) if free else None

    def _talk(self) -> float:
        return float(round(self.rng.uniform(*self.talk)))

    def _end(self, call: Call, end: float, disposition: str, by: str) -> Call:
        call.state, call.ended_at, call.disposition, call.ended_by = ENDED, end, disposition, by
        call.compact()
        return call

    def _queue(self, at: float) -> Call:
        queue = self.rng.choice([q for q in self.t.queues.values() if q.members])
        dids = [n.number for n in self.t.numbers.values() if n.target == f"queue:{queue.id}"]
        dialed = self.rng.choice(dids) if dids else queue.number
        i = self.rng.randrange(len(self.callers))
        call = self._new(at, direction=INBOUND, caller=self.callers[i], caller_name=self.names[i],
                         callee=dialed, callee_name=queue.name, did=dialed if dids else "",
                         queue_id=queue.id)
        call.queue_entered_at = at
        roll = self.rng.random()
        agent = self._free_agent(at, [m.agent_id for m in queue.members])
        if roll < self.plan.answered_share and agent is not None:
            answer = at + round(self.rng.uniform(3, min(queue.ring_timeout * 2, queue.max_wait - 1)))
            end = answer + self._talk()
            if self.rng.random() < 0.2:
                call.hold_total = float(round(self.rng.uniform(5, min(60, end - answer - 1))))
            self._leg(call, "agent", self.t.agents[agent].extension, agent, at, answer, end, D_ANSWERED)
            call.answered_at, call.answered_by, call.agent_id, call.queue_left_at = answer, agent, agent, answer
            self.busy_until[agent] = end
            return self._end(call, end, D_ANSWERED, self.rng.choice([BY_CALLER, BY_AGENT]))
        if roll < self.plan.answered_share + self.plan.abandoned_share or agent is None:
            end = at + round(self.rng.uniform(5, queue.max_wait * 0.9))
            if agent is not None:
                self._leg(call, "agent", self.t.agents[agent].extension, agent, at, None, end, D_CANCELLED)
            call.queue_left_at = end
            return self._end(call, end, D_ABANDONED, BY_CALLER)
        end = at + queue.max_wait
        self._leg(call, "agent", self.t.agents[agent].extension, agent, at, None,
                  at + queue.ring_timeout, D_NO_ANSWER)
        call.queue_left_at = end
        return self._end(call, end, D_TIMEDOUT, BY_SYSTEM)

    def _direct(self, at: float) -> Call:
        agent = self.t.agents[self.rng.choice(list(self.t.agents))]
        i = self.rng.randrange(len(self.callers))
        call = self._new(at, direction=INBOUND, caller=self.callers[i], caller_name=self.names[i],
                         callee=agent.extension, callee_name=agent.name)
        return self._ring_agent(call, at, agent.id)

    def _internal(self, at: float) -> Call:
        a, b = self.rng.sample(list(self.t.agents), 2)
        src, dst = self.t.agents[a], self.t.agents[b]
        call = self._new(at, direction=INTERNAL, caller=src.extension, caller_name=src.name,
                         callee=dst.extension, callee_name=dst.name, user_id=a)
        return self._ring_agent(call, at, b, caller_agent=a)

    def _ring_agent(self, call: Call, at: float, agent_id: str, caller_agent: str | None = None) -> Call:
        agent = self.t.agents[agent_id]
        answered = self.busy_until[agent_id] <= at and self.rng.random() < 0.85
        ring = float(round(self.rng.uniform(2, 12)))
        if answered:
            answer, end = at + ring, at + ring + self._talk()
            self.busy_until[agent_id] = end
            if caller_agent:
                self._leg(call, "caller", call.caller, caller_agent, at, at, end, D_ANSWERED)
            self._leg(call, "agent", agent.extension, agent_id, at, answer, end, D_ANSWERED)
            call.answered_at, call.answered_by, call.agent_id = answer, agent_id, agent_id
            return self._end(call, end, D_ANSWERED, self.rng.choice([BY_CALLER, BY_AGENT]))
        end = at + (float(self.t.settings["sim"]["ring_timeout"]) if self.busy_until[agent_id] <= at else 1.0)
        disposition = D_NO_ANSWER if self.busy_until[agent_id] <= at else D_BUSY
        if caller_agent:
            self._leg(call, "caller", call.caller, caller_agent, at, at, end, D_CANCELLED)
        self._leg(call, "agent", agent.extension, agent_id, at, None, end, disposition)
        return self._end(call, end, disposition, BY_SYSTEM)

    def _outbound(self, at: float) -> Call | None:
        agent_id = self._free_agent(at, list(self.t.agents))
        if agent_id is None:
            return None
        agent = self.t.agents[agent_id]
        number = self._number()
        call = self._new(at, direction=OUTBOUND, caller=agent.extension, caller_name=agent.name,
                         callee=number, user_id=agent_id)
        ring = float(round(self.rng.uniform(3, 15)))
        if self.rng.random() < 0.8:
            answer, end = at + ring, at + ring + self._talk()
            self._leg(call, "caller", agent.extension, agent_id, at, at, end, D_ANSWERED)
            self._leg(call, "remote", number, None, at, answer, end, D_ANSWERED)
            call.answered_at, call.agent_id = answer, agent_id
            self.busy_until[agent_id] = end
            return self._end(call, end, D_ANSWERED, self.rng.choice([BY_AGENT, BY_CALLER]))
        disposition = self.rng.choice([D_NO_ANSWER, D_BUSY])
        end = at + (ring if disposition == D_BUSY else float(self.t.settings["sim"]["ring_timeout"]))
        self._leg(call, "caller", agent.extension, agent_id, at, at, end, D_CANCELLED)
        self._leg(call, "remote", number, None, at, None, end, disposition)
        return self._end(call, end, disposition, BY_SYSTEM)

    def _none(self, at: float) -> None:
        return None
