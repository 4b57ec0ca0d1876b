"""The engine flows added for call-centre vendors (Daktela first): an agent picking up a queued
call, a call between two outside parties, member priorities as tiers, an originate to a busy
phone, chosen call ids and dialing times; the collection store in snapshots; a receiver's
answer handed to the dialect. Driven directly, like the other engine tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from emulators.control.snapshot_check import SnapshotError, check_snapshot
from emulators.core import engine
from emulators.core.agents import Agent, Behaviour
from emulators.core.calls import LEG_RINGING
from emulators.core.errors import AgentBusy, CallNotFound, IllegalTransition
from emulators.core.events import Event
from emulators.core.queues import Member, Queue
from emulators.core.records import as_dict
from emulators.core.store import Collection
from emulators.core.webhooks import Delivery, Dispatcher
from emulators.core.world import Tenant
from emulators.dialect.ids import ASTERISK


@dataclass
class Note:
    id: str
    text: str
    seen: int = 0


class Office:
    """Three agents (a1, a2 at priority 0, a3 at 1) in a ring-all queue with tiers, and a
    ``notes`` collection."""

    name = "office"
    id_scheme = ASTERISK
    settings: dict[str, Any] = {}

    def __init__(self) -> None:
        self.answers: list[str] = []

    def seed(self, t: Tenant) -> None:
        t.store.declare(Collection("notes", record=Note, to_dict=as_dict, from_dict=lambda d: Note(**d)))
        for n in (1, 2, 3):
            t.agents[f"a{n}"] = Agent(id=f"a{n}", name=f"Agent {n}", extension=f"10{n}",
                                      behaviour=Behaviour(mode="script"))
        t.queues["q"] = Queue(id="q", number="600", name="Desk", strategy="ringall", tiers=True,
                              members=[Member("a1", 0), Member("a2", 0), Member("a3", 1)])

    def on_event(self, t: Tenant, event: Event) -> None:
        return None

    def on_delivered(self, t: Tenant, delivery: Delivery) -> None:
        self.answers.append(delivery.answer)


def tenant() -> Tenant:
    return Tenant("t", Office())


def ringing(call: Any) -> list[str]:
    return [leg.agent_id for leg in call.legs if leg.state == LEG_RINGING]


def test_tiers_ring_the_best_priority_first() -> None:
    t = tenant()
    call = engine.inbound_call(t, "+420601000001", "600")
    assert ringing(call) == ["a1", "a2"]  # a3 (priority 1) waits for the better tier
    engine.answer(t, call.id, agent_id="a1")
    t.agents["a2"].paused = True
    second = engine.inbound_call(t, "+420601000002", "600")
    assert ringing(second) == ["a3"]  # nobody of tier 0 can: tier 1 rings


def test_pickup_takes_a_queued_or_ringing_call() -> None:
    t = tenant()
    call = engine.inbound_call(t, "+420601000001", "600")
    engine.pickup(t, call.id, "a3")
    assert ringing(call) == ["a3"] and t.agents["a1"].state == "idle"
    with pytest.raises(CallNotFound):
        engine.pickup(t, "nope", "a1")
    t.clock.advance(t.queues["q"].ring_timeout + 0.5)  # a3 does not answer: back to the queue
    assert call.id in t.waiting and not ringing(call)
    t.clock.advance(t.queues["q"].retry_pause)
    assert ringing(call) == ["a1", "a2"]
    engine.answer(t, call.id, agent_id="a2")
    with pytest.raises(IllegalTransition):
        engine.pickup(t, call.id, "a1")  # answered: nothing waits any more


def test_remote_call_rings_the_first_party_then_dials_the_second() -> None:
    t = tenant()
    t.parties["+420601000001"] = {"answer_after": 2.0}
    call = engine.remote_call(t, "+420601000001", "600", call_id="77.1WS", ring_timeout=9)
    assert call.id == "77.1WS" and [l.role for l in call.legs] == ["caller"]
    t.clock.advance(2.5)
    assert call.queue_id == "q" and ringing(call) == ["a1", "a2"]  # the second number was a queue
    with pytest.raises(IllegalTransition):
        engine.remote_call(t, "+420601000009", "600", call_id="77.1WS")  # the id is taken
    t.agents["a1"].state = "on_call"
    with pytest.raises(AgentBusy):
        engine.remote_call(t, "101", "+420601000009")  # an agent's busy phone as the first party


def test_an_originate_to_a_busy_phone_ends_busy_at_once() -> None:
    t = tenant()
    first = engine.click_to_call(t, "a1", "+420601000002")
    with pytest.raises(AgentBusy):
        engine.click_to_call(t, "a1", "+420601000003")
    second = engine.click_to_call(t, "a1", "+420601000003", busy_fails=True)
    assert second.ended and second.disposition == "busy" and not first.ended
    assert t.agents["a1"].call_id == first.id


def test_the_dialing_time_of_a_call() -> None:
    t = tenant()
    t.parties["+420601000002"] = {"fault": "no_answer"}
    call = engine.click_to_call(t, "a1", "+420601000002", tags={"dial_timeout": 12}, ring_timeout=5)
    engine.answer(t, call.id, agent_id="a1")
    t.clock.advance(11)
    assert not call.ended
    t.clock.advance(2)
    assert call.ended and call.legs[1].ended_at - call.legs[1].ringing_at == 12


def test_the_store_travels_in_snapshots_and_is_checked() -> None:
    t = tenant()
    t.store["notes"].add(Note("1", "hello"))
    snap = t.snapshot()
    assert snap["version"] == 3 and snap["store"] == {"notes": {"counter": 1, "items": [
        {"id": "1", "text": "hello", "seen": 0}]}}
    other = tenant()
    other.restore(check_snapshot(snap, other.dialect))
    assert other.store["notes"].get("1") == Note("1", "hello") and other.store["notes"].next_id() == 2
    for bad, where in (({"notes": {"counter": 1, "items": [{"id": "1", "text": 5}]}}, "store.notes.items[0].text"),
                       ({"other": {"counter": 0, "items": []}}, "store.other"),
                       ({"notes": {"counter": 0, "items": [{"id": "9", "text": ""}]}}, "beyond"),
                       ({"notes": {"counter": 2, "items": [{"id": "1", "text": ""}, {"id": "1", "text": ""}]}},
                        "appears twice")):
        with pytest.raises(SnapshotError, match=where.replace("[", r"\[").replace("]", r"\]")):
            check_snapshot({**snap, "store": bad}, other.dialect)
    older = {**snap, "version": 2}
    del older["store"]
    assert check_snapshot(older, other.dialect)["store"] == {}


def test_the_dialect_reads_what_the_receiver_answered() -> None:
    t = tenant()
    t.outbox.add(t, event="hook", url="http://crm.example/hook", method="GET")
    dispatcher = Dispatcher(transport=httpx.MockTransport(lambda request: httpx.Response(200, json={"NAME": "X"})))

    async def send() -> None:
        await dispatcher.start()
        dispatcher.attach(t)
        dispatcher.kick(t)
        await asyncio.sleep(0)
        await dispatcher.idle(t)
        await dispatcher.stop()

    asyncio.run(send())
    assert t.outbox.deliveries[0].answer == '{"NAME":"X"}'
    assert t.dialect.answers == ['{"NAME":"X"}']  # type: ignore[attr-defined]
