"""get-user-calls, get-queue-calls and get-ringgroup-calls keep whole pages: a call that ends
(injected through the control plane, ended by the clock), a live call's growing durations, a
queue or user renamed by a restore, the time zone, a reset and a scenario's world are all in the
next read."""

from __future__ import annotations

from .conftest import VC
from support.worlds import run_empty_world


def test_kept_pages_follow_calls_restores_settings_and_resets(vcx: VC) -> None:
    first = vcx.data("get-ringgroup-calls", limit=5)
    assert first and vcx.data("get-ringgroup-calls", limit=5) == first
    queues = vcx.data("get-queue-calls", limit=5)
    snap = vcx.snapshot()
    number = next(n["number"] for n in snap["numbers"] if n["target"] == "queue:rg-reception")
    vcx.control("POST", "/tenants/default/calls", {"from": "+61400000009", "to": number})
    assert vcx.data("get-ringgroup-calls", limit=5) == first  # in progress: not listed yet
    vcx.advance(3600)
    ended = vcx.data("get-ringgroup-calls", limit=5)
    assert ended[0]["callerid"] == "+61400000009" and ended[1:] == first[:4]
    assert vcx.data("get-queue-calls", limit=5) == queues
    vcx.restore(snap)
    assert vcx.data("get-ringgroup-calls", limit=5) == first
    for queue in snap["queues"]:
        queue["name"] += " renamed"
    vcx.restore(snap)
    assert all(row["ring_group_name"].endswith(" renamed") for row in vcx.data("get-ringgroup-calls", limit=5))
    assert all(row["queue_name"].endswith(" renamed") for row in vcx.data("get-queue-calls", limit=5))
    vcx.settings({"timezone": "UTC"})
    moved = vcx.data("get-queue-calls", limit=5)
    assert [row["call_start_at"] for row in moved] != [row["call_start_at"] for row in queues]
    vcx.reset()
    assert vcx.data("get-ringgroup-calls", limit=5) == first and vcx.data("get-queue-calls", limit=5) == queues


def test_a_kept_page_follows_a_scenario_world(vcx: VC) -> None:
    assert vcx.data("get-queue-calls", limit=5)
    run_empty_world(vcx.http)
    r = vcx.call("get-queue-calls", params={"limit": 5})  # no queue now: an empty page or a refusal
    assert r.status_code != 200 or r.json()["data"] == []


def test_a_kept_user_calls_page_follows_live_calls_renames_and_resets(vcx: VC) -> None:
    first = vcx.data("get-user-calls", limit=5)
    assert first and vcx.data("get-user-calls", limit=5) == first
    snap = vcx.snapshot()
    vcx.call("call-to-number", data={"user_number": "1003", "number_to_call": "0355502999"})
    vcx.advance(30)
    live = vcx.data("get-user-calls", limit=5)
    assert live[0]["to_number"] == "0355502999" and live[0]["call_finished_at"] is None
    vcx.advance(20)  # the same page, read again: its live call's durations moved with the clock
    later = vcx.data("get-user-calls", limit=5)
    assert later[0]["call_duration"] == live[0]["call_duration"] + 20 and later[1:] == first[:4]
    vcx.advance(7200)
    ended = vcx.data("get-user-calls", limit=5)
    assert ended[0]["call_finished_at"] is not None and vcx.data("get-user-calls", limit=5) == ended
    assert vcx.data("get-user-calls", limit=3, offset=1) == ended[1:4]
    for agent in snap["agents"]:
        agent["name"] += " renamed"
    vcx.restore(snap)
    renamed = vcx.data("get-user-calls", limit=5)
    assert [row["user_name"] for row in renamed] == [row["user_name"] + " renamed" for row in first]
    vcx.reset()
    assert vcx.data("get-user-calls", limit=5) == first


def test_a_kept_v2_user_calls_page_follows_ending_calls_restores_and_resets(vcx: VC) -> None:
    first = vcx.data2("get-user-calls", limit=5)
    assert first and vcx.data2("get-user-calls", limit=5) == first
    oldest = vcx.data2("get-user-calls", limit=5, sort_by="oldest_first")
    assert oldest != first
    snap = vcx.snapshot()
    vcx.call("call-to-number", data={"user_number": "1003", "number_to_call": "0355502999"})
    vcx.advance(30)
    assert vcx.data2("get-user-calls", limit=5) == first  # in progress: not a v2 row yet
    vcx.advance(7200)
    ended = vcx.data2("get-user-calls", limit=5)
    assert ended[0]["dest_number"] == "0355502999" and ended[1:] == first[:4]
    assert vcx.data2("get-user-calls", limit=1, unique_call_id=ended[0]["unique_call_id"]) == ended[:1]
    for agent in snap["agents"]:
        agent["name"] += " renamed"
    vcx.restore(snap)
    assert [row["user_name"] for row in vcx.data2("get-user-calls", limit=5)] == [
        row["user_name"] + " renamed" for row in first]
    vcx.reset()
    assert vcx.data2("get-user-calls", limit=5) == first
    assert vcx.data2("get-user-calls", limit=5, sort_by="oldest_first") == oldest


def test_the_kept_system_status_follows_the_clock_settings_zone_and_restores(vcx: VC) -> None:
    first = vcx.data("get-system-status")
    assert vcx.data("get-system-status") == first
    snap = vcx.snapshot()
    vcx.advance(1)
    moved = vcx.data("get-system-status")
    assert moved["checked_at"] != first["checked_at"] and {**moved, "checked_at": ""} == {**first, "checked_at": ""}
    assert not moved["checked_at"].endswith("+00:00")
    vcx.settings({"timezone": "UTC"})
    assert vcx.data("get-system-status")["checked_at"].endswith("+00:00")
    vcx.settings({"voipcloud": {"system_status": {"status": "degraded"}}})
    assert vcx.data("get-system-status")["status"] == "degraded"
    vcx.restore(snap)
    assert vcx.data("get-system-status") == first
