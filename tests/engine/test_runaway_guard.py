"""Defence in depth: if an engine bug ever chains timers for ever at one virtual instant, the
clock stops that call (a ``runaway_stopped`` Decision, the call ends ``failed`` by the system),
the advance returns with the clock at its target, other calls and tenants carry on, and an
``auto`` tick ends.

The bug is played by a timer kind registered here, through the same registry the engine's own
timers use, that sets itself again, due at once: the loop issue 7 found had that shape.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from emulators.core.clock import SAME_INSTANT_LIMIT
from emulators.core.timers import TIMER_HANDLERS, timer_handler
from emulators.core.world import Tenant

from support.harness import START, MiniEmu, T

BUG = "test.echo_for_ever"


GIVE_UP = 20 * SAME_INSTANT_LIMIT
"""The bug stops by itself after this many echoes, so a broken guard fails these tests
(no Decision, a call still live) instead of hanging them."""


@pytest.fixture
def buggy_timer() -> Iterator[str]:
    echoes = [0]

    @timer_handler(BUG)
    def _echo(t: Tenant, payload: dict[str, Any]) -> None:
        echoes[0] += 1
        if echoes[0] < GIVE_UP:
            t.clock.call_later(0, BUG, **payload)

    try:
        yield BUG
    finally:
        TIMER_HANDLERS.pop(BUG, None)


def inject(mini: MiniEmu, tid: str = "default") -> dict[str, Any]:
    """An inbound call to the mini vendor's DID (its queue rings both agents)."""
    return mini.ok("POST", f"{T}/{tid}/calls", 201, json={"from": "+15557770000", "to": "+15550100"})  # type: ignore[no-any-return]


def decisions(mini: MiniEmu, tid: str = "default") -> list[dict[str, Any]]:
    return [e for e in mini.ok("GET", f"{T}/{tid}/events", params={"type": "Decision"})
            if e["data"].get("decision") == "runaway_stopped"]


def test_a_looping_call_is_stopped_and_the_advance_answers(mini: MiniEmu, buggy_timer: str) -> None:
    looping, healthy = inject(mini), inject(mini)
    mini.tenant("default").clock.call_later(2, buggy_timer, call=looping["id"])
    answer = mini.ok("POST", f"{T}/default/clock/advance", json={"seconds": 10})
    assert answer["now"] == START + 10
    assert answer["fired"] > SAME_INSTANT_LIMIT
    calls = {c["id"]: c for c in mini.ok("GET", f"{T}/default/calls")}
    stopped = calls[looping["id"]]
    assert (stopped["state"], stopped["disposition"], stopped["ended_by"]) == ("ended", "failed", "system")
    assert stopped["ended_at"] == START + 2
    assert all(leg["state"] == "ended" for leg in stopped["legs"])
    [why] = decisions(mini)
    assert why["call_id"] == looping["id"] and why["at"] == START + 2
    assert why["data"] == {"decision": "runaway_stopped", "timer": buggy_timer, "limit": SAME_INSTANT_LIMIT,
                           "subject": {"call": looping["id"]}}
    # the other call goes on as if nothing happened: answered, talking on the clock
    assert calls[healthy["id"]]["state"] == "answered"
    agents = {a["id"]: a["state"] for a in mini.ok("GET", f"{T}/default/agents")}
    assert sorted(agents.values()) == ["idle", "on_call"]  # the stopped call freed its agent
    assert mini.ok("POST", f"{T}/default/clock/advance", json={"seconds": 3600})["now"] == START + 3610
    assert mini.ok("GET", f"{T}/default/clock")["pending_timers"] == 0
    assert len(decisions(mini)) == 1


def test_a_looping_tenant_in_auto_mode_does_not_starve_the_others(mini: MiniEmu, buggy_timer: str) -> None:
    auto = {"clock": {"mode": "auto"}}
    bad, good = mini.create(settings=auto)["id"], mini.create(settings=auto)["id"]
    looping, healthy = inject(mini, bad), inject(mini, good)
    mini.tenant(bad).clock.call_later(1, buggy_timer, call=looping["id"])
    mini.registry.tick()  # one clock tick of the server: it must end
    assert decisions(mini, bad)[0]["call_id"] == looping["id"]
    calls = {c["id"]: c for c in mini.ok("GET", f"{T}/{good}/calls")}
    assert calls[healthy["id"]]["state"] == "ended"  # auto mode ran its whole life in the tick
    assert calls[healthy["id"]]["disposition"] == "answered"
    assert decisions(mini, good) == []
