"""Calls into an app run through its agent group on the clock, observed through the call log:
round robin rotates, priority rings the lowest priority number first, sticky callers go back to
the agent who answered them, and the ring time bounds each attempt."""

from __future__ import annotations

from typing import Any

from .conftest import ANIL, APP, MC, QUICK_TALK

GROUP = f"/api/v1/app/{APP}/ag/default"


def two_more_agents(mc: MC, **priorities: Any) -> None:
    mc.verify_and_add("9716700001", "Bea", **({"priority": priorities["bea"]} if "bea" in priorities else {}))
    mc.verify_and_add("9716700002", "Cy", **({"priority": priorities["cy"]} if "cy" in priorities else {}))


def answered_by(call: dict[str, Any]) -> str:
    return next(t["name"] for t in call["transfer"] if t["disposition"] == "answered")


def one_after_another(mc: MC, callers: list[str]) -> list[dict[str, Any]]:
    """Each caller calls once the previous call has ended; the new calls, oldest first."""
    since = mc.call_log()["data"][0]["uid"]
    for cli in callers:
        mc.inbound(cli)
        mc.advance(60)  # 2 s IVR, answered 4 s later, 5 s of talk: 11 s
    calls = mc.new_calls(since)
    assert [c["cli"] for c in calls] == callers and not any(c["active"] for c in calls)
    return calls


def test_round_robin_rotates_through_the_group(mc_factory: Any) -> None:
    mc = mc_factory(QUICK_TALK)
    two_more_agents(mc)
    calls = one_after_another(mc, [f"900000000{i}" for i in range(6)])
    assert [answered_by(c) for c in calls] == ["Anil Gupta", "Bea", "Cy"] * 2
    assert all(len(c["transfer"]) == 1 and c["duration"] == "11" and c["transfer"][0]["du"] == "5"
               for c in calls)


def test_priority_rings_the_lowest_priority_number_first(mc_factory: Any) -> None:
    mc = mc_factory(QUICK_TALK)
    two_more_agents(mc, bea="3", cy="2")  # Anil 1, Cy 2, Bea 3
    assert mc.ok("POST", GROUP, distribution="PR")["distribution"] == "PR"
    calls = one_after_another(mc, ["9000000001", "9000000002", "9000000003"])
    assert [answered_by(c) for c in calls] == ["Anil Gupta"] * 3
    # three callers at once: each goes to the best-priority agent still free
    since = calls[-1]["uid"]
    for cli in ("9000000004", "9000000005", "9000000006"):
        mc.inbound(cli)
    mc.advance(60)
    assert [answered_by(c) for c in mc.new_calls(since)] == ["Anil Gupta", "Cy", "Bea"]


def test_round_robin_with_callers_at_once_hands_out_in_turn(mc_factory: Any) -> None:
    mc = mc_factory(QUICK_TALK)
    two_more_agents(mc, bea="3", cy="2")
    since = mc.call_log()["data"][0]["uid"]
    for cli in ("9000000004", "9000000005", "9000000006"):
        mc.inbound(cli)
    mc.advance(60)
    assert [answered_by(c) for c in mc.new_calls(since)] == ["Anil Gupta", "Bea", "Cy"]  # member order


def test_a_sticky_caller_goes_back_to_their_agent(mc_factory: Any) -> None:
    for sticky, second in (("true", "Anil Gupta"), ("false", "Bea")):
        mc = mc_factory(QUICK_TALK)
        mc.verify_and_add("9716700001", "Bea")
        mc.ok("POST", GROUP, sticky=sticky, sticky_days="1")
        calls = one_after_another(mc, ["9000000001", "9000000001"])
        assert [answered_by(c) for c in calls] == ["Anil Gupta", second]
        if sticky == "true":  # a day later the caller is a stranger again: round robin's turn
            mc.advance(86400)
            assert [answered_by(c) for c in one_after_another(mc, ["9000000001"])] == ["Bea"]


def test_unanswered_attempts_ring_for_the_ringtime_then_the_next_round(mc_factory: Any) -> None:
    """Nobody answers: attempts every ringtime + 1 s until the IVR gives up after two minutes."""
    mc = mc_factory(QUICK_TALK)
    mc.ok("POST", GROUP, ringtime="20")
    mc.tenant.agents[ANIL].behaviour.fault = "no_answer"  # the person lets the phone ring
    since = mc.call_log()["data"][0]["uid"]
    mc.inbound("9000000001")
    mc.advance(300)
    (call,) = mc.new_calls(since)
    times = [t["time"][11:19] for t in reversed(call["transfer"])]
    assert times == ["19:30:02", "19:30:23", "19:30:44", "19:31:05", "19:31:26", "19:31:47"]
    assert {t["disposition"] for t in call["transfer"]} == {"noanswer"}
    assert call["duration"] == "120" and not call["active"]
