"""Property tests of the call engine: any sequence of actions keeps the world consistent.

The engine has no HTTP surface of its own (vendors and scenarios drive it), so these drive it
directly with a small real dialect and check its invariants after every step.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.core import engine
from emulators.core.agents import IDLE, OFFLINE, ON_CALL, RINGING, WRAPUP, Agent, Behaviour
from emulators.core.calls import ENDED, LEG_ENDED
from emulators.core.errors import CoreError
from emulators.core.events import Event
from emulators.core.queues import Member, Number, Queue
from emulators.core.world import Tenant

AGENTS = ["a1", "a2", "a3", "a4"]
STRATEGIES = ["ringall", "roundrobin", "priority", "linear"]


class SmallPbx:
    """A real dialect: four agents, two queues, one DID; it keeps the events it hears."""

    name = "smallpbx"
    settings: dict[str, Any] = {}

    def __init__(self, strategy: str, script: bool) -> None:
        self.strategy = strategy
        self.script = script
        self.heard: list[Event] = []

    def seed(self, t: Tenant) -> None:
        mode = "script" if self.script else "auto"
        for i, aid in enumerate(AGENTS):
            t.agents[aid] = Agent(aid, aid.upper(), str(3000 + i),
                                  behaviour=Behaviour(mode=mode, answer_after=2 + i, talk=30 + 10 * i))
        t.queues["q"] = Queue("q", "4000", "Sales", strategy=self.strategy, ring_timeout=8, max_wait=60,
                              wrapup=3, members=[Member(a, priority=i) for i, a in enumerate(AGENTS[:3])])
        t.queues["rg"] = Queue("rg", "4001", "Support", kind="ring_group", max_wait=40,
                               members=[Member("a3"), Member("a4")])
        t.numbers["+15550100"] = Number("+15550100", "queue:q")

    def on_event(self, t: Tenant, event: Event) -> None:
        self.heard.append(event)


call_ref = st.integers(min_value=0, max_value=6)
agent_ref = st.sampled_from(AGENTS)
actions = st.one_of(
    st.tuples(st.just("inbound"), st.sampled_from(["+15550100", "4000", "4001", "3001"])),
    st.tuples(st.just("c2c"), agent_ref, st.sampled_from(["+15551234", "3002", "3003"])),
    st.tuples(st.just("answer"), call_ref, agent_ref),
    st.tuples(st.just("reject"), call_ref, agent_ref),
    st.tuples(st.just("hangup"), call_ref, st.sampled_from(["caller", "agent"])),
    st.tuples(st.just("hold"), call_ref),
    st.tuples(st.just("resume"), call_ref),
    st.tuples(st.just("transfer"), call_ref, st.sampled_from(["agent:a4", "queue:rg", "number:+15559999",
                                                               "agent:a1"]),
              st.sampled_from(["blind", "attended"])),
    st.tuples(st.just("park"), call_ref),
    st.tuples(st.just("unpark"), call_ref, agent_ref),
    st.tuples(st.just("pause"), agent_ref),
    st.tuples(st.just("unpause"), agent_ref),
    st.tuples(st.just("logout"), agent_ref),
    st.tuples(st.just("login"), agent_ref),
    st.tuples(st.just("qlogout"), agent_ref),
    st.tuples(st.just("advance"), st.integers(min_value=0, max_value=40)),
)


def apply(t: Tenant, action: tuple[Any, ...]) -> None:
    ids = list(t.calls)
    pick = (lambda i: ids[i % len(ids)]) if ids else (lambda i: "none")
    name, *args = action
    if name == "inbound":
        engine.inbound_call(t, "+15551111", args[0])
    elif name == "c2c":
        engine.click_to_call(t, args[0], args[1])
    elif name == "answer":
        engine.answer(t, pick(args[0]), args[1])
    elif name == "reject":
        engine.reject(t, pick(args[0]), args[1])
    elif name == "hangup":
        engine.hangup(t, pick(args[0]), args[1])
    elif name == "hold":
        engine.hold(t, pick(args[0]))
    elif name == "resume":
        engine.resume(t, pick(args[0]))
    elif name == "transfer":
        engine.transfer(t, pick(args[0]), args[1], args[2])
    elif name == "park":
        engine.park(t, pick(args[0]))
    elif name == "unpark":
        engine.unpark(t, pick(args[0]), args[1])
    elif name == "pause":
        engine.pause(t, args[0])
    elif name == "unpause":
        engine.unpause(t, args[0])
    elif name == "logout":
        engine.logout(t, args[0])
    elif name == "login":
        engine.login(t, args[0])
    elif name == "qlogout":
        engine.queue_logout(t, args[0], "q")
    elif name == "advance":
        t.clock.advance(args[0])


def check(t: Tenant) -> None:
    for call in t.calls.values():
        if call.answered_at is not None:
            assert call.created_at <= call.answered_at
        if call.ended:
            assert call.ended_at is not None and call.created_at <= call.ended_at
            assert call.answered_at is None or call.answered_at <= call.ended_at
            assert all(leg.state == LEG_ENDED for leg in call.legs)
            assert call.disposition is not None
            assert call.talk_time() <= call.duration()
            assert call.hold_total <= call.duration() + 1
    for agent in t.agents.values():
        assert agent.state in (OFFLINE, IDLE, RINGING, ON_CALL, WRAPUP)
        if agent.state in (RINGING, ON_CALL):
            live = t.calls.get(agent.call_id or "")
            assert live is not None and not live.ended, (agent, live)
            assert any(l.agent_id == agent.id and l.state != LEG_ENDED for l in live.legs)
        else:
            assert agent.call_id is None
    for call_id in t.waiting:
        assert not t.calls[call_id].ended


@settings(max_examples=60, deadline=None)
@given(strategy=st.sampled_from(STRATEGIES), script=st.booleans(),
       steps=st.lists(actions, min_size=1, max_size=40))
def test_any_action_sequence_keeps_the_world_consistent(strategy: str, script: bool,
                                                        steps: list[tuple[Any, ...]]) -> None:
    dialect = SmallPbx(strategy, script)
    t = Tenant("t", dialect, seed=1)
    for step in steps:
        before = t.snapshot() if step[0] != "advance" else None
        try:
            apply(t, step)
        except CoreError:
            after = t.snapshot()
            assert before is not None
            assert after == before, f"refused {step} changed the world"
        check(t)
    if not script:
        # left alone, every call ends and everyone is free again
        t.clock.advance(3600)
        for call in t.calls.values():
            if call.state != "parked":
                assert call.state == ENDED, call
        check(t)
    seqs = [e.seq for e in dialect.heard]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
