"""Campaigns as a property (Hypothesis, through the CPaaS API): whatever the list, the DND list,
the people's faults, the pace and the retries, a campaign ends; every contact is skipped
(DND), answered once, or tried 1 + max_retries times; dials keep the pace and retries their
wait; and the CDRs and statistics add up to exactly that."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import CP

FAULTS = {"answer": None, "no_answer": "no_answer", "busy": "busy", "unreachable": "unreachable"}
STATUS = {"answer": "ANSWER", "no_answer": "NOANSWER", "busy": "BUSY", "unreachable": "CHANUNAVAIL"}


@st.composite
def campaigns(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 25), label="contacts")
    return {"people": draw(st.lists(st.sampled_from(sorted(FAULTS)), min_size=n, max_size=n), label="people"),
            "dnd": draw(st.sets(st.integers(0, n - 1), max_size=n), label="dnd"),
            "cpm": draw(st.integers(1, 120), label="calls_per_minute"),
            "retries": draw(st.integers(0, 3), label="max_retries"),
            "wait": draw(st.integers(1, 300), label="retry_time"),
            "answer_after": draw(st.integers(0, 20), label="answer_after")}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=campaigns())
def test_a_campaign_ends_and_its_cdrs_add_up(cp_factory: Any, plan: dict[str, Any]) -> None:
    cp: CP = cp_factory()
    people, dnd = plan["people"], plan["dnd"]
    numbers = [f"9190{i:08d}" for i in range(len(people))]
    behaviours: dict[str, dict[str, Any]] = {}
    for number, kind in zip(numbers, people):
        behaviours[number] = {"answer_after": float(plan["answer_after"]), "talk": 900.0}
        if FAULTS[kind]:
            behaviours[number]["fault"] = FAULTS[kind]
    cp.parties(behaviours)
    list_id = cp.ok("POST", "create_campaign_list", {"list_name": "p"})["list_id"]
    cp.ok("POST", "add_contact_to_list", {"list_id": list_id, "contacts": [{"contact_number": n} for n in numbers]})
    dnd_id = cp.ok("POST", "create_campaign_dnd_list", {"dnd_list_name": "p"})["dnd_list_id"]
    if dnd:
        cp.ok("POST", "add_dnd_contact_to_list", {"dnd_list_id": dnd_id, "dnd_contacts": [
            {"dnd_contact_number": numbers[i]} for i in sorted(dnd)]})
    campaign_id = cp.ok("POST", "create_campaign", {
        "list_id": list_id, "dnd_list_id": dnd_id, "campaign_name": "p", "campaign_type": "0",
        "campaign_caller_id": "15168148111", "dynamic_announcement": "1", "announcement_text": "Hello there",
        "max_retries": str(plan["retries"]), "retry_time": str(plan["wait"]), "calls_per_minute": str(plan["cpm"]),
        "campaign_start_date": "2026-01-05 14:00:00", "campaign_end_date": "2026-02-05 14:00:00"})["campaign_id"]
    cp.advance(7 * 86400)

    status = {c["campaign_id"]: c["campaign_status"] for c in cp.ok("GET", "get_campaign_details")["result"]}
    assert status[campaign_id] == "3" and cp.live()["live_calls_campaign"] == 0
    records = cp.control("GET", f"/tenants/default/cpaas/campaigns/{campaign_id}/records?limit=100")
    assert [r["number"] for r in records] == numbers
    expected: Counter[str] = Counter()
    dials: list[float] = []
    for i, (record, kind) in enumerate(zip(records, people)):
        attempts = record["attempts"]
        if i in dnd:
            assert record["status"] == "skipped" and [a["call"] for a in attempts] == [None]
            expected["DND"] += 1
            continue
        tries = 1 if kind == "answer" else 1 + plan["retries"]
        assert len(attempts) == tries and all(a["call"] for a in attempts)
        assert record["status"] == ("done" if kind == "answer" else "failed")
        expected[STATUS[kind]] += tries
        starts = [a["at"] for a in attempts]
        assert all(later - earlier >= plan["wait"] for earlier, later in zip(starts, starts[1:]))
        dials.extend(starts)
    dials.sort()
    assert all(later - earlier >= 60.0 / plan["cpm"] - 1e-6 for earlier, later in zip(dials, dials[1:]))
    rows = cp.ok("POST", "get_cdr_by_campaign_id", {"campaign_id": campaign_id})["result"]
    assert Counter(row["dial_status"] for row in rows) == expected
    stats = cp.ok("POST", "get_campaign_cdr_statistics", {"campaign_id": campaign_id})["result"]
    assert stats["total_calls"] == [len(rows)] == [sum(expected.values())]
    assert (stats["answer_calls"], stats["dnd_calls"], stats["busy_calls"], stats["noanswer_calls"],
            stats["chanunavail_calls"]) == ([expected["ANSWER"]], [expected["DND"]], [expected["BUSY"]],
                                            [expected["NOANSWER"]], [expected["CHANUNAVAIL"]])
