"""Every documented Kerauno example, replayed over HTTP against the default tenant right after
start: the same bytes where the doc fixes them, else the same keys, order and value types.

The documented bodies below are copied from seeds/kerauno.txt (line numbers given).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from .helpers import KEY, MAKECALL, REPORTING, STATUSES

MISSING_KEY_BYTES = b'{"error":"You must send an api key (\'key\')."}'
"""Lines 37-42 / 78-83, as PHP's json_encode writes them (compact)."""

DOC_CDR = {"cdr_0": {  # lines 91-107
    "date_time": "2014-09-09 11:10:33", "hostname": "test.axiatp.net", "server_name": "test.axiatp.net",
    "server_ip": "141.101.124.203", "unique_id": "1410275433.3986", "call_type": "Internal", "to": "2002",
    "source_num": "2002", "source_name": "John Smith", "dest_num": "3000", "dest_name": "Jane Doe",
    "trunk_name": "Internal", "duration": "8"}}
DOC_RING_GROUP = {"cdr_0": {  # lines 116-139
    "date_time": "2014-09-09 11:14:48", "hostname": "test.axiatp.net", "server_name": "test.axiatp.net",
    "server_ip": "141.101.124.203", "unique_id": "1410275688.4013", "call_type": "Ring Groups",
    "to": "+19999999999", "source_num": "2002", "source_name": "John Smith", "dest_num": "4000",
    "dest_name": "Ring Group", "trunk_name": "Internal", "duration": "6", "ring_group_num": "4000",
    "ring_group_name": "Test", "ans_agent_num": "3000", "ans_agent_name": "Jane Doe", "hold_time": "4",
    "release_reason": "caller"}}
DOC_STATUSES = {  # lines 170-197
    "1133": {"extension": "1133", "status": "Available", "available": False, "busy": True,
             "username": "test@test.com"},
    "3924": {"extension": "3924", "status": "Ring Group - Available", "available": True, "busy": False,
             "username": "test2@test.com"},
    "4433": {"extension": "4433", "status": "Ring Group - Paused", "available": False, "busy": True,
             "username": "test3@test.com"}}


@pytest.fixture
def emu(emu_factory):  # type: ignore[no-untyped-def]
    return emu_factory("kerauno")


def report(client, **params):  # type: ignore[no-untyped-def]
    return client.get(REPORTING, params={"key": KEY, **params})


@pytest.mark.parametrize("path", [MAKECALL, MAKECALL.rstrip("/"), REPORTING, REPORTING.rstrip("/")])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_missing_key_error_byte_for_byte(emu, path, method) -> None:  # type: ignore[no-untyped-def]
    r = emu.client("kerauno").request(method, path, data={"src": "3000", "dst": "3002"} if method == "POST" else None)
    assert r.status_code == 401
    assert r.content == MISSING_KEY_BYTES
    assert r.headers["content-type"] == "application/json"
    assert json.loads(r.content) == {"error": "You must send an api key ('key')."}


def test_missing_key_on_the_status_port(emu) -> None:  # type: ignore[no-untyped-def]
    assert emu.client("kerauno-status").get(STATUSES + "4000").content == MISSING_KEY_BYTES


def test_cdr_example_replays_exactly(emu) -> None:  # type: ignore[no-untyped-def]
    r = report(emu.client("kerauno"), type="cdr", start_date="2014-09-09 11:10:33",
               end_date="2014-09-09 11:10:33")
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body == DOC_CDR
    assert list(body["cdr_0"]) == list(DOC_CDR["cdr_0"])  # key order, not only equality


def test_ring_groups_example_replays_exactly(emu) -> None:  # type: ignore[no-untyped-def]
    r = report(emu.client("kerauno"), type="ring_groups", start_date="2014-09-09 00:00:00",
               end_date="2014-09-09 23:59:59")
    body = r.json()
    assert body == DOC_RING_GROUP
    assert list(body["cdr_0"]) == list(DOC_RING_GROUP["cdr_0"])


def test_cdr_report_of_the_doc_day_has_both_calls_oldest_first(emu) -> None:  # type: ignore[no-untyped-def]
    body = report(emu.client("kerauno"), type="cdr", start_date="2014-09-09 00:00:00",
                  end_date="2014-09-09 23:59:59").json()
    assert list(body) == ["cdr_0", "cdr_1"]
    assert body["cdr_0"] == DOC_CDR["cdr_0"]
    ring = {k: v for k, v in DOC_RING_GROUP["cdr_0"].items() if k in DOC_CDR["cdr_0"]}
    assert body["cdr_1"] == ring


def test_agent_statuses_example_replays_exactly(emu) -> None:  # type: ignore[no-untyped-def]
    r = emu.client("kerauno-status").get(STATUSES + "4000", params={"key": KEY})
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body == DOC_STATUSES
    assert list(body) == list(DOC_STATUSES)
    for row in body.values():
        assert list(row) == ["extension", "status", "available", "busy", "username"]
        assert isinstance(row["available"], bool) and isinstance(row["busy"], bool)


def test_agent_statuses_no_results(emu) -> None:  # type: ignore[no-untyped-def]
    from emulators.core.queues import Queue
    emu.tenant("kerauno").queues["rg5000"] = Queue(id="rg5000", number="5000", name="Empty", kind="ring_group")
    client = emu.client("kerauno-status")
    for group in ("4001", "5000", "Test"):
        r = client.get(STATUSES + group, params={"key": KEY})
        assert r.status_code == 404
        assert r.content == b'{"error":"No Results Found."}'  # lines 161-166


def test_makecall_success_and_failure_bodies(emu) -> None:  # type: ignore[no-untyped-def]
    client = emu.client("kerauno")
    ok = client.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"})
    assert ok.content == b'{"response":"Success"}'  # lines 44-49
    busy = client.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "2002"})
    assert busy.content == b'{"response":"Failure"}'  # lines 51-56: 3000 is already ringing


def test_history_rows_have_the_documented_shape(emu) -> None:  # type: ignore[no-untyped-def]
    """The faker-made week before the clock start: many rows, each exactly the doc's shape."""
    client = emu.client("kerauno")
    tz = ZoneInfo("America/New_York")
    for kind, doc in (("cdr", DOC_CDR), ("ring_groups", DOC_RING_GROUP)):
        body = report(client, type=kind, start_date="2025-12-01 00:00:00", end_date="2026-01-05 09:00:00").json()
        assert len(body) > 20
        assert list(body) == [f"cdr_{i}" for i in range(len(body))]
        stamps = []
        for row in body.values():
            assert list(row) == list(doc["cdr_0"])
            assert all(isinstance(v, str) for v in row.values())
            epoch = int(row["unique_id"].split(".")[0])
            local = datetime.fromtimestamp(epoch, timezone.utc).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
            assert local == row["date_time"]  # uniqueid epoch agrees with the PBX-local date_time
            assert row["duration"].isdigit()
            stamps.append(row["date_time"])
        assert stamps == sorted(stamps)
        if kind == "ring_groups":
            assert {r["ring_group_num"] for r in body.values()} == {"4000"}
            assert {r["dest_name"] for r in body.values()} == {"Ring Group"}
            answered = [r for r in body.values() if r["ans_agent_num"]]
            assert answered and {r["release_reason"] for r in answered} <= {"caller", "agent"}
