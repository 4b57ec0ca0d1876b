"""Property: whatever the world and whatever happens in it, the work per call per virtual second
is bounded, and advancing the clock by N seconds ends with the clock N seconds on.

Issue 7 found a loop at one virtual instant (a busy ring-group member offered waiting calls
again and again as each failed ring freed it). Here random worlds (agents with every fault
and zero latencies, queues of every strategy with zero ring, retry and wrap-up times, zero
talk and park times) meet random arrivals at the same instants, transfers back into queues,
pauses, logins and scripted answers. The engine must never need the clock's runaway guard.

Like test_engine_properties.py, this drives the engine directly: it has no HTTP surface of
its own. Timers are counted through the clock's public ``bind`` around the tenant's own fire
function (observed, not replaced).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulators.core import engine
from emulators.core.agents import ON_CALL, RINGING, Agent, Behaviour
from emulators.core.calls import LEG_ENDED
from emulators.core.clock import Timer
from emulators.core.errors import CoreError
from emulators.core.events import DECISION, Event
from emulators.core.queues import STRATEGIES, Member, Number, Queue
from emulators.core.world import Tenant

FAULTS = (None, "busy", "congestion", "unreachable", "reject", "no_answer")
CALLERS = ("+15551111", "+15552222")
"""External callers; the first may be impatient (``abandon_after``)."""
REMOTE = "+15559999"
"""An external number agents call or transfer to (with its own random fault)."""
HARD_STOP = 5_000
"""Timers for one call in one virtual second at which the test gives up at once: far past any
bound below, so a broken engine *and* a broken guard fail here instead of hanging."""


def bound(members: int, actions: int) -> int:
    """Most timers one call can fire in one virtual second. A round offers each member once
    (one ring timer each: its answer, failure or time-out), rounds begin at least a second
    apart (so two overlap a second), and each request may start one more (a transfer back
    into a queue); add the call's own few (hang-up, retry, time-out, abandon, park)."""
    return 3 * (members + 2) * (2 + actions) + 10


class Pbx:
    """A dialect whose world is drawn by Hypothesis."""

    name = "boundedpbx"
    settings: dict[str, Any] = {}

    def __init__(self, world: dict[str, Any]) -> None:
        self.world = world

    def seed(self, t: Tenant) -> None:
        w = self.world
        for i, b in enumerate(w["agents"]):
            aid = f"a{i}"
            t.agents[aid] = Agent(aid, aid.upper(), str(3000 + i), behaviour=Behaviour(**b))
        for i, q in enumerate(w["queues"]):
            members = [Member(f"a{m % len(w['agents'])}", priority=p, logged_in=li, paused=pz)
                       for m, p, li, pz in q["members"]]
            t.queues[f"q{i}"] = Queue(f"q{i}", str(4000 + i), f"Queue {i}", kind=q["kind"],
                                      strategy=q["strategy"], ring_timeout=q["ring_timeout"],
                                      max_wait=q["max_wait"], retry=q["retry"], wrapup=q["wrapup"],
                                      members=members)
        t.numbers["+15550100"] = Number("+15550100", "queue:q0")
        t.parties[REMOTE] = w["remote"]
        if w["patience"] is not None:
            t.parties[CALLERS[0]] = {"abandon_after": w["patience"]}

    def on_event(self, t: Tenant, event: Event) -> None:
        return None


zero_ish = st.sampled_from([0.0, 0.0, 0.5, 1.0, 3.0])
behaviour = st.fixed_dictionaries({
    "mode": st.sampled_from(["auto", "auto", "auto", "script"]),
    "answer_after": zero_ish,
    "talk": st.sampled_from([None, 0.0, 0.0, 1.0, 5.0]),
    "fault": st.sampled_from(FAULTS),
    "latency": st.sampled_from([0.0, 0.0, 0.0, 0.5]),
})
queue = st.fixed_dictionaries({
    "kind": st.sampled_from(["queue", "ring_group"]),
    "strategy": st.sampled_from(sorted(STRATEGIES)),
    "ring_timeout": zero_ish, "retry": st.sampled_from([0.0, 0.0, 0.5, 2.0]),
    "wrapup": st.sampled_from([0.0, 0.0, 1.0]), "max_wait": st.sampled_from([0.0, 3.0, 30.0, 120.0]),
    "members": st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2), st.booleans() | st.just(True),
                                  st.just(False) | st.booleans()), max_size=6),
})
world = st.fixed_dictionaries({
    "agents": st.lists(behaviour, min_size=1, max_size=6),
    "queues": st.lists(queue, min_size=1, max_size=3),
    "remote": behaviour.map(lambda b: {k: v for k, v in b.items() if k != "mode"}),
    "patience": st.sampled_from([None, 0.0, 2.0, 20.0]),
    "sim": st.fixed_dictionaries({
        "ring_timeout": zero_ish, "remote_answer_after": zero_ish, "talk_min": st.just(0.0),
        "talk_max": st.sampled_from([0.0, 5.0]), "park_timeout": st.sampled_from([0.0, 5.0])}),
})

n_ref = st.integers(0, 9)
action = st.one_of(
    st.tuples(st.just("inbound"), st.sampled_from(CALLERS), st.sampled_from(
        ["4000", "4001", "4002", "+15550100", "3000", "3001"])),
    st.tuples(st.just("c2c"), n_ref, st.sampled_from(["4000", "4001", "3001", "3002", REMOTE])),
    st.tuples(st.just("answer"), n_ref, n_ref),
    st.tuples(st.just("reject"), n_ref, n_ref),
    st.tuples(st.just("hangup"), n_ref, st.sampled_from(["caller", "agent"])),
    st.tuples(st.just("transfer"), n_ref, st.sampled_from(["queue:q0", "queue:q1", "agent:a0", "agent:a1",
                                                            f"number:{REMOTE}", "number:3002"]),
              st.sampled_from(["blind", "blind", "attended"])),
    st.tuples(st.just("hold"), n_ref), st.tuples(st.just("resume"), n_ref),
    st.tuples(st.just("park"), n_ref), st.tuples(st.just("unpark"), n_ref, n_ref),
    st.tuples(st.just("pause"), n_ref), st.tuples(st.just("unpause"), n_ref),
    st.tuples(st.just("login"), n_ref), st.tuples(st.just("logout"), n_ref),
    st.tuples(st.just("qlogin"), n_ref, n_ref), st.tuples(st.just("qlogout"), n_ref, n_ref),
    st.tuples(st.just("fault"), n_ref, st.sampled_from(FAULTS)),
)
instant = st.tuples(st.lists(action, max_size=5), st.sampled_from([0.0, 0.0, 0.5, 1.0, 2.0, 7.0]))


def apply(t: Tenant, step: tuple[Any, ...]) -> None:
    """One request of a client or a supervisor (refusals are CoreErrors, caught by the caller)."""
    calls, agents, queues = list(t.calls), list(t.agents), list(t.queues)
    call = lambda i: calls[i % len(calls)] if calls else "none"  # noqa: E731
    agent = lambda i: agents[i % len(agents)]  # noqa: E731
    name, *args = step
    if name == "inbound":
        engine.inbound_call(t, args[0], args[1])
    elif name == "c2c":
        engine.click_to_call(t, agent(args[0]), args[1])
    elif name == "answer":
        engine.answer(t, call(args[0]), agent(args[1]))
    elif name == "reject":
        engine.reject(t, call(args[0]), agent(args[1]))
    elif name == "hangup":
        engine.hangup(t, call(args[0]), args[1])
    elif name == "transfer":
        engine.transfer(t, call(args[0]), args[1], args[2])
    elif name in ("hold", "resume", "park"):
        getattr(engine, name)(t, call(args[0]))
    elif name == "unpark":
        engine.unpark(t, call(args[0]), agent(args[1]))
    elif name in ("pause", "unpause", "login", "logout"):
        getattr(engine, name)(t, agent(args[0]))
    elif name == "qlogin":
        engine.queue_login(t, agent(args[0]), queues[args[1] % len(queues)])
    elif name == "qlogout":
        engine.queue_logout(t, agent(args[0]), queues[args[1] % len(queues)])
    elif name == "fault":
        t.agents[agent(args[0])].behaviour.fault = args[1]


class Meter:
    """Counts the timers each call fires per virtual second, around the tenant's own fire."""

    def __init__(self, t: Tenant) -> None:
        self.per_second: Counter[tuple[str, int]] = Counter()
        fire = t._fire  # the tenant's dispatcher by kind, as it bound itself

        def counted(timer: Timer) -> None:
            call = timer.payload.get("call")
            if isinstance(call, str):
                key = (call, math.floor(t.now()))
                self.per_second[key] += 1
                assert self.per_second[key] < HARD_STOP, f"call {call} loops at {t.now()}: {timer.kind}"
            fire(timer)

        t.clock.bind(counted)


def check_agents(t: Tenant) -> None:
    for a in t.agents.values():
        if a.state in (RINGING, ON_CALL):
            live = t.calls.get(a.call_id or "")
            assert live is not None and not live.ended, a
            assert any(l.agent_id == a.id and l.state != LEG_ENDED for l in live.legs), a


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(w=world, timeline=st.lists(instant, min_size=1, max_size=10))
def test_work_per_call_per_virtual_second_is_bounded(w: dict[str, Any],
                                                     timeline: list[tuple[list[Any], float]]) -> None:
    t = Tenant("t", Pbx(w), seed=3)
    t.configure({"sim": w["sim"]})
    meter = Meter(t)
    actions: Counter[int] = Counter()
    for steps, seconds in timeline:
        for step in steps:
            actions[math.floor(t.now())] += 1
            try:
                apply(t, step)
            except CoreError:
                pass
        target = t.now() + seconds
        t.clock.advance(seconds)
        assert t.now() == target
        check_agents(t)
    target = t.now() + 600
    t.clock.advance(600)  # and then the world is left alone for ten minutes
    assert t.now() == target
    check_agents(t)
    assert not [e for e in t.events if e.type == DECISION and e.data.get("decision") == "runaway_stopped"]
    members = max([len(t.agents)] + [len(q.members) for q in t.queues.values()])  # a member may be listed twice
    for (call_id, second), fired in meter.per_second.items():
        assert fired <= bound(members, actions[second]), (call_id, second, fired)
