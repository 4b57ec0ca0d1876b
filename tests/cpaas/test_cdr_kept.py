"""get_cdr_by_date keeps each written CDR's row: a row read once still shows a later change of
what it shows besides the CDR (the time zone, through settings and a restored snapshot). The
CDR reads also keep whole answers: a CDR written through the API, the clock, a restore, a reset
or a scenario's world is in the next answer."""

from __future__ import annotations

from .conftest import CP
from .test_calls import AGENT, C2C, CUSTOMER
from support.worlds import run_empty_world


def test_a_kept_row_follows_the_time_zone(cp: CP) -> None:
    first = cp.cdrs()
    assert first and cp.cdrs() == first
    snap = cp.snapshot()
    cp.settings({"timezone": "Asia/Kolkata"})
    moved = cp.cdrs()
    assert [r["id"] for r in moved] == [r["id"] for r in first]
    assert all(a["call_date"] != b["call_date"] for a, b in zip(moved, first))
    assert any(a["end"] != b["end"] and a["answer"] != b["answer"] for a, b in zip(moved, first))
    cp.control("POST", "/tenants/default/restore", snap)
    assert cp.cdrs() == first


# -- whole answers (kept.py): every change is seen by the next read ------------------------------

def _stats(cp: CP) -> dict[str, list[int]]:
    return dict(cp.ok("GET", "get_cdr_statistics")["result"])


def test_kept_answers_follow_calls_the_clock_a_reset_and_a_restore(cp: CP) -> None:
    stats, rows = _stats(cp), cp.cdrs()
    assert _stats(cp) == stats and cp.cdrs() == rows  # the second read is the kept one
    snap = cp.snapshot()
    cp.parties({AGENT: {"answer_after": 1.0}, CUSTOMER: {"answer_after": 1.0, "talk": 5.0}})
    request_id = cp.ok("POST", "click2call", C2C)["request_id"]
    assert _stats(cp) == stats  # in progress: no CDR yet
    cp.advance(60)  # the call ends: its CDR is written
    after = _stats(cp)
    assert after["total_calls"] == [stats["total_calls"][0] + 1]
    assert after["answer_calls"] == [stats["answer_calls"][0] + 1]
    assert cp.cdrs()[-1]["request_id"] == request_id and len(cp.cdrs()) == len(rows) + 1
    cp.control("POST", "/tenants/default/restore", snap)
    assert _stats(cp) == stats and cp.cdrs() == rows
    cp.ok("POST", "click2call", C2C)
    cp.advance(600)  # the restored parties talk longer
    assert _stats(cp) != stats
    cp.control("POST", "/tenants/default/reset")
    assert _stats(cp) == stats and cp.cdrs() == rows


def test_a_kept_answer_follows_a_scenario_world(cp: CP) -> None:
    assert _stats(cp)["total_calls"][0] > 0 and cp.cdrs()
    run_empty_world(cp.http)
    assert _stats(cp)["total_calls"] == [0] and cp.cdrs() == []


def test_a_campaign_statistics_answer_follows_its_campaign(cp: CP) -> None:
    snap = cp.snapshot()
    table = snap["store"]["cpaas_cdrs"]
    skipped = next(row for row in table["items"] if row["campaign_id"] and row["account"] == "account_1")
    campaign = {"campaign_id": skipped["campaign_id"]}
    first = cp.ok("POST", "get_campaign_cdr_statistics", campaign)["result"]
    assert cp.ok("POST", "get_campaign_cdr_statistics", campaign)["result"] == first
    table["counter"] += 1
    table["items"].append({**skipped, "id": str(table["counter"])})  # one more contact skipped
    cp.control("POST", "/tenants/default/restore", snap)
    again = cp.ok("POST", "get_campaign_cdr_statistics", campaign)["result"]
    assert again["total_calls"] == [first["total_calls"][0] + 1] and again["dnd_calls"] == [first["dnd_calls"][0] + 1]
