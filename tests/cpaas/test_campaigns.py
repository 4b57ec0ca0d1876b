"""Lists, DND lists and campaigns that really dial, on the clock: pacing, DND skips, retries,
windows, stop, what the contacts hear, and CDRs and statistics that add up."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from .conftest import ACCOUNT_2, CP

CALLER = "15168148111"


def number(i: int) -> str:
    return f"9190000{i:05d}"


def new_lists(cp: CP, contacts: list[dict[str, Any]], dnd: list[str], account: str = "account_1") -> tuple[str, str]:
    list_id = cp.ok("POST", "create_campaign_list", {"list_name": f"list {len(contacts)} {len(dnd)}"},
                    account=account)["list_id"]
    if contacts:
        answer = cp.ok("POST", "add_contact_to_list", {"list_id": list_id, "contacts": contacts}, account=account)
        assert answer["message"] == f"({len(contacts)}) contacts imported successfully"
    dnd_id = cp.ok("POST", "create_campaign_dnd_list", {"dnd_list_name": f"dnd {len(contacts)} {len(dnd)}"},
                   account=account)["dnd_list_id"]
    if dnd:
        cp.ok("POST", "add_dnd_contact_to_list", {"dnd_list_id": dnd_id, "dnd_contacts": [
            {"dnd_contact_name": "", "dnd_contact_number": n} for n in dnd]}, account=account)
    return list_id, dnd_id


def campaign_body(list_id: str, dnd_id: str, **more: str) -> dict[str, str]:
    return {"list_id": list_id, "dnd_list_id": dnd_id, "campaign_name": more.pop("campaign_name", "camp"),
            "campaign_type": "0", "campaign_caller_id": CALLER, "dynamic_announcement": "1",
            "announcement_text": "Dear {field1}, you owe {field2} rupees", "repeat": "1", "max_retries": "1",
            "retry_time": "60", "calls_per_minute": "10", "campaign_start_date": "2026-01-05 14:00:00",
            "campaign_end_date": "2026-01-06 14:00:00", "time_zone": "UTC", **more}


def test_a_campaign_of_100_contacts_dials_skips_retries_and_its_cdrs_add_up(cp: CP) -> None:
    contacts = [{"contact_name": f"c{i}", "contact_number": number(i),
                 "contact_fields": {"field1": f"Name{i}", "field2": str(10 * i)}} for i in range(100)]
    dnd = [number(i) for i in range(0, 100, 10)]  # 10 on the DND list
    silent = [number(i) for i in range(5, 100, 10)]  # 10 never answer: retried once
    busy = [number(i) for i in (3, 13)]  # 2 busy: retried once
    cp.parties({**{n: {"fault": "no_answer"} for n in silent}, **{n: {"fault": "busy"} for n in busy},
                **{number(i): {"answer_after": 5.0, "talk": 600.0} for i in range(100)
                   if number(i) not in silent + busy}})
    list_id, dnd_id = new_lists(cp, contacts, dnd)
    campaign_id = cp.ok("POST", "create_campaign", campaign_body(list_id, dnd_id, calls_per_minute="30"))["campaign_id"]
    details = {c["campaign_id"]: c for c in cp.ok("GET", "get_campaign_details")["result"]}
    assert details[campaign_id]["campaign_status"] == "0"  # it starts when the clock next moves
    cp.advance(1)
    details = {c["campaign_id"]: c for c in cp.ok("GET", "get_campaign_details")["result"]}
    assert details[campaign_id]["campaign_status"] == "1"
    assert cp.live()["live_calls_campaign"] == 1  # contact 0 is DND: skipped, contact 1 dialled at once
    cp.advance(4 * 3600)
    details = {c["campaign_id"]: c for c in cp.ok("GET", "get_campaign_details")["result"]}
    assert details[campaign_id]["campaign_status"] == "3" and cp.live()["live_calls_campaign"] == 0
    rows = cp.ok("POST", "get_cdr_by_campaign_id", {"campaign_id": campaign_id})["result"]
    statuses = Counter(row["dial_status"] for row in rows)
    assert statuses == {"ANSWER": 78, "DND": 10, "NOANSWER": 20, "BUSY": 4}
    assert len(rows) == 112 and [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    assert all(row["is_dnd"] == ("1" if row["dial_status"] == "DND" else "0") and row["list_id"] == list_id
               and row["call_direction"] == "outbound-campaign" and row["caller_id"] == CALLER
               and row["destination_context"] == "local_call_campaign_type_0" for row in rows)
    dialled = Counter(row["dialed_number"] for row in rows)
    assert all(dialled[n] == 2 for n in silent + busy) and all(dialled[n] == 1 for n in dnd)
    stats = cp.ok("POST", "get_campaign_cdr_statistics", {"campaign_id": campaign_id})["result"]
    assert stats == {"answer_calls": [78], "busy_calls": [4], "cancel_calls": [0], "chanunavail_calls": [0],
                     "congestion_calls": [0], "dnd_calls": [10], "noanswer_calls": [20], "total_calls": [112]}
    # the account's statistics hold the campaign's rows too
    everything = cp.ok("GET", "get_cdr_statistics")["result"]
    assert everything["total_calls"][0] == len(cp.cdrs())
    # what each answered contact heard: their own fields; the system hung up after it
    answered = [row for row in rows if row["dial_status"] == "ANSWER"]
    assert {row["billsec"] for row in answered} == {3.4}  # "Dear Name1, you owe 10 rupees": 6 words, a pause
    records = cp.control("GET", f"/tenants/default/cpaas/campaigns/{campaign_id}/records?limit=200")
    by_number = {r["number"]: r for r in records}
    assert len(records) == 100
    assert [a["outcome"] for a in by_number[silent[0]]["attempts"]] == ["no_answer", "no_answer"]
    assert by_number[dnd[0]]["status"] == "skipped" and by_number[number(1)]["status"] == "done"


def test_the_pace_and_the_retry_wait_are_kept_on_the_clock(cp: CP) -> None:
    cp.parties({number(0): {"fault": "no_answer"}, number(1): {"answer_after": 2.0}, number(2): {"answer_after": 2.0}})
    list_id, dnd_id = new_lists(cp, [{"contact_number": number(i)} for i in range(3)], [])
    campaign_id = cp.ok("POST", "create_campaign", campaign_body(list_id, dnd_id, calls_per_minute="6",
                                                                 retry_time="100"))["campaign_id"]
    cp.advance(400)
    records = cp.control("GET", f"/tenants/default/cpaas/campaigns/{campaign_id}/records")
    start = cp.now() - 400
    dials = sorted((a["at"] - start, r["number"]) for r in records for a in r["attempts"])
    # every 10 s (6 a minute); contact 0 rang out at 45 s and is dialled again 100 s later
    assert dials == [(0.0, number(0)), (10.0, number(1)), (20.0, number(2)), (145.0, number(0))]


def test_a_campaign_waits_for_its_start_and_stops_dialling_at_its_end(cp: CP) -> None:
    list_id, dnd_id = new_lists(cp, [{"contact_number": number(i)} for i in range(50)], [])
    body = campaign_body(list_id, dnd_id, campaign_start_date="2026-01-05 15:00:00",
                         campaign_end_date="2026-01-05 15:02:00", calls_per_minute="10", time_zone="UTC")
    campaign_id = cp.ok("POST", "create_campaign", body)["campaign_id"]
    cp.advance(3599)
    assert cp.live()["live_calls_campaign"] == 0
    status = {c["campaign_id"]: c["campaign_status"] for c in cp.ok("GET", "get_campaign_details")["result"]}
    assert status[campaign_id] == "0"
    cp.advance(3600)
    records = cp.control("GET", f"/tenants/default/cpaas/campaigns/{campaign_id}/records")
    assert len(records) == 20  # 2 minutes at 10 a minute
    status = {c["campaign_id"]: c["campaign_status"] for c in cp.ok("GET", "get_campaign_details")["result"]}
    assert status[campaign_id] == "3"


def test_stop_campaign_stops_dialling_and_calls_in_progress_end_on_their_own(cp: CP) -> None:
    cp.parties({number(i): {"answer_after": 5.0, "talk": 600.0} for i in range(20)})
    list_id, dnd_id = new_lists(cp, [{"contact_number": number(i)} for i in range(20)], [])
    body = campaign_body(list_id, dnd_id, campaign_type="1", calls_per_minute="60")  # IVR: contacts talk
    campaign_id = cp.ok("POST", "create_campaign", body)["campaign_id"]
    cp.advance(2.5)
    assert cp.live()["live_calls_campaign"] == 3
    assert cp.ok("POST", "stop_campaign", {"campaign_id": campaign_id})["message"] == " campaign stopped successfully"
    status = {c["campaign_id"]: c["campaign_status"] for c in cp.ok("GET", "get_campaign_details")["result"]}
    assert status[campaign_id] == "2"
    cp.advance(60)
    assert cp.live()["live_calls_campaign"] == 3  # an IVR call lasts the contact's own time
    cp.advance(600)
    assert cp.live()["live_calls_campaign"] == 0
    rows = cp.ok("POST", "get_cdr_by_campaign_id", {"campaign_id": campaign_id})["result"]
    assert len(rows) == 3 and {row["destination_context"] for row in rows} == {"local_call_campaign_type_1"}
    assert {row["billsec"] for row in rows} == {600.0}
    # stopping it again is answered the same way and changes nothing
    assert cp.ok("POST", "stop_campaign", {"campaign_id": campaign_id})["message"] == " campaign stopped successfully"


def test_a_recorded_announcement_plays_for_the_files_length_repeat_times(cp: CP) -> None:
    cp.parties({number(0): {"answer_after": 3.0, "talk": 600.0}})
    list_id, dnd_id = new_lists(cp, [{"contact_number": number(0)}], [])
    body = campaign_body(list_id, dnd_id, dynamic_announcement="0", recorded_filename="quality_training-8khz.wav",
                         announcement_text="", repeat="2")
    campaign_id = cp.ok("POST", "create_campaign", body)["campaign_id"]
    cp.advance(60)
    [row] = cp.ok("POST", "get_cdr_by_campaign_id", {"campaign_id": campaign_id})["result"]
    assert row["billsec"] == 11.0  # the file plays 4.5 s; twice, with a second's pause after each


def test_csv_imports_read_the_bucket_folder_which_is_configurable(cp: CP, tmp_path: Path) -> None:
    list_id, dnd_id = new_lists(cp, [], [])
    assert cp.ok("POST", "import_broadcast_contacts_csv", {"list_id": list_id, "csv_name":
                                                          "contacts_dynamic_announcement.csv"})["message"] == (
        "(2) contacts imported successfully")
    assert cp.refused("POST", "import_broadcast_contacts_csv", {"list_id": list_id, "csv_name": "nope.csv"}) == (
        404, "invalid csv_name, file not found")
    (tmp_path / "mine.csv").write_text("contact_number,contact_name,field1\n919000000001,Asha,500\nbad,Bela,7\n"
                                       "\n919000000003,Chetan,9\n", encoding="utf-8")
    (tmp_path / "dnd.csv").write_text("dnd_contact_number\n919000000001\n", encoding="utf-8")
    (tmp_path / "broken.csv").write_text("name,phone\nAsha,919000000001\n", encoding="utf-8")
    cp.settings({"cpaas": {"bucket": str(tmp_path)}})
    assert cp.control("GET", "/tenants/default/cpaas/bucket")["files"] == ["broken.csv", "dnd.csv", "mine.csv"]
    assert cp.ok("POST", "import_broadcast_contacts_csv", {"list_id": list_id, "csv_name": "mine.csv"})["message"] == (
        "(2) contacts imported successfully")  # the bad number's row is skipped
    assert cp.ok("POST", "import_dnd_contacts_csv", {"dnd_list_id": dnd_id, "dnd_csv_name": "dnd.csv"})["message"] == (
        "(1) DND contacts imported successfully")
    assert cp.refused("POST", "import_broadcast_contacts_csv", {"list_id": list_id, "csv_name": "broken.csv"}) == (
        400, "invalid csv_name, contact_number column is missing")
    assert cp.refused("POST", "import_broadcast_contacts_csv", {"list_id": list_id, "csv_name":
                                                                "contacts_dynamic_announcement.csv"}) == (
        404, "invalid csv_name, file not found")  # the shipped examples are not in this folder
    cp.parties({"919000000003": {"answer_after": 1.0, "talk": 600.0}})
    campaign_id = cp.ok("POST", "create_campaign", campaign_body(list_id, dnd_id))["campaign_id"]
    cp.advance(300)
    rows = cp.ok("POST", "get_cdr_by_campaign_id", {"campaign_id": campaign_id})["result"]
    # the shipped file's two, then the folder's two; 919000000001 is on the DND list
    mine = [(row["dialed_number"], row["dial_status"]) for row in rows if row["dialed_number"].startswith("9190000000")]
    assert mine == [("919000000001", "DND"), ("919000000003", "ANSWER")]
    calls = cp.control("GET", "/tenants/default/calls")
    spoken = [c["tags"].get("announcement") for c in calls if c["callee"] == "919000000003"]
    assert spoken == ["Dear 9, you owe  rupees"]  # that file's field1; it has no field2: empty


def test_list_and_campaign_names_are_unique_per_account(cp: CP) -> None:
    list_id, dnd_id = new_lists(cp, [{"contact_number": number(1)}], [])
    assert cp.refused("POST", "create_campaign_list", {"list_name": "list 1 0"}) == (400, "list_name already exists")
    assert cp.refused("POST", "create_campaign_dnd_list", {"dnd_list_name": "dnd 1 0"}) == (
        400, "dnd_list_name already exists")
    cp.ok("POST", "create_campaign_list", {"list_name": "list 1 0"}, account=ACCOUNT_2)  # another account's
    cp.ok("POST", "create_campaign", campaign_body(list_id, dnd_id))
    assert cp.refused("POST", "create_campaign", campaign_body(list_id, dnd_id)) == (
        400, "campaign_name already exists")
    assert cp.refused("POST", "create_campaign", campaign_body(dnd_id.replace("DN", "LS"), dnd_id,
                                                              campaign_name="x")) == (404, "invalid list_id")
    assert cp.refused("POST", "create_campaign", campaign_body(list_id, list_id.replace("LS", "DN"),
                                                              campaign_name="x")) == (404, "invalid dnd_list_id")
