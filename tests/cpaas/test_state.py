"""A CPaaS tenant's whole state is its snapshot: a campaign half-way, a callback pending and a
call in progress survive snapshot and restore (and go on exactly as they would have); a
damaged snapshot is refused untouched, or works; a reset is the seeded world again."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import CP
from control.test_hostile_snapshots import SUPPRESS, Target, attack

T = "/_emulator/tenants"


def busy_world(cp: CP) -> str:
    """A call talking, a campaign half-way with a retry pending, a callback ahead; its campaign id."""
    talking = {"answer_after": 1.0, "talk": 900.0}
    cp.parties({"919812300001": talking, "918012300002": talking, "919000000002": {"fault": "no_answer"}})
    cp.ok("POST", "click2call", {"agent_number": "919812300001", "caller_id": "15168148111",
                                 "destination_number": "918012300002", "transcript": "off"})
    list_id = cp.ok("POST", "create_campaign_list", {"list_name": "state"})["list_id"]
    cp.ok("POST", "add_contact_to_list", {"list_id": list_id, "contacts": [
        {"contact_number": f"91900000000{i}", "contact_fields": {"field1": str(i)}} for i in range(10)]})
    campaign_id = cp.ok("POST", "create_campaign", {
        "list_id": list_id, "dnd_list_id": "DN95716be314", "campaign_name": "state", "campaign_type": "0",
        "campaign_caller_id": "15168148111", "dynamic_announcement": "1", "announcement_text": "Hello {field1}",
        "max_retries": "2", "retry_time": "30", "calls_per_minute": "12",
        "campaign_start_date": "2023-07-20 00:00:00", "campaign_end_date": "2023-07-21 00:00:00"})["campaign_id"]
    cp.ok("POST", "callback", {"agent_number": "919812300001", "caller_id": "15168148111",
                               "destination_number": "918012300002", "recording_option": "on", "time_zone": "UTC",
                               "scheduled_at": "2023-07-20 01:00:00"})
    cp.advance(40)
    return str(campaign_id)


def test_a_restored_tenant_goes_on_exactly_as_the_original_would_have(doc: CP) -> None:
    campaign_id = busy_world(doc)
    snap = doc.snapshot()
    assert {t[2] for t in snap["clock"]["timers"]} >= {"campaign.tick", "scheduled.fire", "call.hangup"}
    doc.advance(4000)
    first = [doc.ok("POST", "get_cdr_by_campaign_id", {"campaign_id": campaign_id})["result"], doc.cdrs()]
    doc.control("POST", "/tenants/default/restore", snap)
    doc.advance(4000)
    again = [doc.ok("POST", "get_cdr_by_campaign_id", {"campaign_id": campaign_id})["result"], doc.cdrs()]
    assert again == first and len(first[0]) == 12  # 9 answered; the silent one dialled 3 times (2 retries)
    assert json.dumps(doc.snapshot(), sort_keys=True)  # and it snapshots again


def test_reset_brings_back_the_seeded_world(doc: CP) -> None:
    fresh = doc.snapshot()
    busy_world(doc)
    doc.control("POST", "/tenants/default/reset")
    again = doc.snapshot()
    assert again["store"] == fresh["store"] and again["calls"] == []


def cpaas_reads(target: Target) -> None:
    client = target.control
    for account in ("account_1", "account_2"):
        headers = {"account": account, "auth": target.credential(account)}
        for op in ("get_campaign_details", "get_cdr_statistics", "get_live_call_statistics"):
            r = client.get(f"/api/{op}", headers=headers)
            assert r.status_code < 500, (op, r.text)
        r = client.post("/api/get_cdr_by_date", headers=headers,
                        json={"start_call_date": "1970-01-02", "end_call_date": "2999-12-31", "record_count": "10000"})
        assert r.status_code < 500, r.text
        for campaign in json.loads(target.snapshot_bytes())["store"].get("campaigns", {}).get("items", []):
            if isinstance(campaign, dict) and isinstance(campaign.get("id"), str):
                for op in ("get_cdr_by_campaign_id", "get_campaign_cdr_statistics"):
                    r = client.post(f"/api/{op}", headers=headers, json={"campaign_id": campaign["id"]})
                    assert r.status_code < 500, (op, r.text)
        r = client.get(f"{T}/{target.tid}/cpaas/live_calls")
        assert r.status_code == 200, r.text


def test_a_mutated_cpaas_snapshot_is_refused_untouched_or_works(doc: CP) -> None:
    busy_world(doc)
    target = Target(doc.http, "default", cpaas_reads)

    @settings(max_examples=40, deadline=None, suppress_health_check=SUPPRESS, derandomize=True)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        attack(target, data)
    run()


def test_a_store_record_a_timer_names_must_exist(doc: CP) -> None:
    busy_world(doc)
    snap: dict[str, Any] = doc.snapshot()
    snap["store"]["campaigns"]["items"] = [c for c in snap["store"]["campaigns"]["items"] if c["name"] != "state"]
    r = doc.http.post(f"{T}/default/restore", json=snap)
    assert r.status_code == 400 and "no record of the store's campaigns" in r.json()["error"], r.text
    snap = doc.snapshot()
    snap["store"]["nope"] = {"counter": 0, "items": []}
    r = doc.http.post(f"{T}/default/restore", json=snap)
    assert r.status_code == 400 and "store.nope: not a collection" in r.json()["error"], r.text



