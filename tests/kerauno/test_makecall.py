"""Make Call over HTTP: every way of sending it, every Failure condition, and the call it makes
showing up in Reporting (json, csv and xml with the same data) once it has ended on the clock.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from emulators.core import engine

from .helpers import KEY, MAKECALL, REPORTING, START, T

SUCCESS = b'{"response":"Success"}'
FAILURE = b'{"response":"Failure"}'
NOW_RANGE = {"start_date": "2026-01-05 09:00:00", "end_date": "2026-01-05 23:59:59"}
"""The test day in New York time (the clock starts at 09:00:00 EST)."""


@pytest.fixture
def emu(emu_factory):  # type: ignore[no-untyped-def]
    return emu_factory("kerauno")


def advance(emu, seconds: float, tid: str = "default") -> None:  # type: ignore[no-untyped-def]
    r = emu.client("kerauno").post(f"{T}/{tid}/clock/advance", json={"seconds": seconds})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("how", ["get-slash", "get-bare", "post-form-slash", "post-form-bare",
                                 "post-query", "post-mixed"])
def test_every_php_way_of_sending_places_the_call(emu, how) -> None:  # type: ignore[no-untyped-def]
    client = emu.client("kerauno")
    params = {"key": KEY, "src": "3000", "dst": "3002"}
    path = MAKECALL if how.endswith("slash") or how in ("post-query", "post-mixed") else MAKECALL.rstrip("/")
    if how.startswith("get"):
        r = client.get(path, params=params)
    elif how == "post-query":
        r = client.post(path, params=params)
    elif how == "post-mixed":
        r = client.post(path, params={"key": KEY}, data={"src": "3000", "dst": "3002"})
    else:
        r = client.post(path, data=params)
    assert r.status_code == 200 and r.content == SUCCESS
    calls = list(emu.tenant("kerauno").calls.values())
    assert len(calls) == 1
    assert (calls[0].caller, calls[0].callee, calls[0].direction) == ("3000", "3002", "internal")
    assert calls[0].legs[0].party == "3000" and calls[0].legs[0].state == "ringing"  # src rings first


@pytest.mark.parametrize("src,dst,why", [
    ("9999", "3002", "unknown source extension"),
    ("+15551234567", "3002", "source is not an extension"),
    ("3000", "3000", "destination is the source"),
    ("3000", "555-1234", "destination not dialable"),
    ("3000", "abc", "destination not dialable"),
    ("3000", "1" * 41, "destination longer than varchar(40)"),
    ("3000", "3002 ", "destination with a blank"),
])
def test_failure_conditions_change_nothing(emu, src, dst, why) -> None:  # type: ignore[no-untyped-def]
    tenant = emu.tenant("kerauno")
    r = emu.client("kerauno").get(MAKECALL, params={"key": KEY, "src": src, "dst": dst})
    assert r.content == FAILURE, why
    assert not tenant.calls and not tenant.events and not tenant.outbox.deliveries


def test_failure_when_a_phone_is_unreachable_or_the_source_busy(emu) -> None:  # type: ignore[no-untyped-def]
    tenant = emu.tenant("kerauno")
    client = emu.client("kerauno")
    tenant.agents["a3002"].behaviour.fault = "unreachable"  # 3002's phone is unplugged
    assert client.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"}).content == FAILURE
    assert client.get(MAKECALL, params={"key": KEY, "src": "3002", "dst": "3000"}).content == FAILURE
    assert not tenant.calls
    assert client.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "2002"}).content == SUCCESS
    # 3000's phone is ringing for that call now: a second call from 3000 cannot be placed
    assert client.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "+15551230000"}).content == FAILURE
    assert len(tenant.calls) == 1


@pytest.mark.parametrize("params,message", [
    ({"dst": "3002"}, "You must send a source ('src')."),
    ({"src": "3000"}, "You must send a destination ('dst')."),
    ({"src": "", "dst": "3002"}, "You must send a source ('src')."),
    ({"src": "3000", "dst": ""}, "You must send a destination ('dst')."),
])
def test_missing_src_or_dst_is_an_error(emu, params, message) -> None:  # type: ignore[no-untyped-def]
    r = emu.client("kerauno").get(MAKECALL, params={"key": KEY, **params})
    assert r.status_code == 400 and r.json() == {"error": message}
    assert not emu.tenant("kerauno").calls


def test_wrong_key_is_refused_and_journalled(emu) -> None:  # type: ignore[no-untyped-def]
    client = emu.client("kerauno")
    r = client.get(MAKECALL, params={"key": "0" * 40, "src": "3000", "dst": "3002"})
    assert r.json() == {"error": "You must send a valid api key ('key')."}
    assert not emu.tenant("kerauno").calls
    unauth = client.get("/_emulator/journal/unauthenticated").json()
    assert unauth[-1]["operation"] == "makecall" and unauth[-1]["tenant"] is None


def test_external_destination_is_an_outbound_call(emu) -> None:  # type: ignore[no-untyped-def]
    client = emu.client("kerauno")
    assert client.get(MAKECALL, params={"key": KEY, "src": "2002", "dst": "+15551230000"}).content == SUCCESS
    advance(emu, 400)
    row = client.get(REPORTING, params={"key": KEY, "type": "cdr", **NOW_RANGE}).json()["cdr_0"]
    assert (row["call_type"], row["trunk_name"], row["source_num"], row["dest_num"]) == (
        "Outbound", "SIP Trunk", "2002", "+15551230000")


def test_makecall_then_cdr_in_json_csv_and_xml(emu) -> None:  # type: ignore[no-untyped-def]
    client = emu.client("kerauno")
    tenant = emu.tenant("kerauno")
    assert client.post(MAKECALL, data={"key": KEY, "src": "3000", "dst": "3002"}).content == SUCCESS
    call = next(iter(tenant.calls.values()))
    query = {"key": KEY, "type": "cdr", **NOW_RANGE}
    # not in the report while it lasts
    assert client.get(REPORTING, params=query).json() == {"error": "No Results Found."}
    advance(emu, 5)  # 3000 answered after 4 s; 3002 is ringing
    assert client.get(REPORTING, params=query).json() == {"error": "No Results Found."}
    advance(emu, 400)  # 3002 answers, they talk, someone hangs up
    assert call.ended and call.disposition == "answered"

    as_json = client.get(REPORTING, params=query)
    assert as_json.headers["content-type"] == "application/json"
    body = as_json.json()
    assert list(body) == ["cdr_0"]
    row = body["cdr_0"]
    assert row["unique_id"] == call.id and call.id.startswith(f"{int(START)}.")
    assert row["date_time"] == "2026-01-05 09:00:00"
    assert (row["source_num"], row["source_name"], row["dest_num"], row["dest_name"]) == (
        "3000", "Jane Doe", "3002", tenant.agents["a3002"].name)
    assert (row["call_type"], row["trunk_name"], row["to"]) == ("Internal", "Internal", "3000")
    assert row["duration"] == str(int(call.ended_at - call.created_at)) and int(row["duration"]) > 8

    as_csv = client.get(REPORTING, params={**query, "export_type": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    lines = as_csv.content.decode().split("\r\n")
    assert lines[0] == ",".join(row)  # header: the documented field names, in order
    parsed = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert parsed == [row]

    as_xml = client.get(REPORTING, params={**query, "export_type": "xml"})
    assert as_xml.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(as_xml.content)
    assert root.tag == "cdr" and [c.tag for c in root] == ["cdr_0"]
    assert [(e.tag, e.text or "") for e in root[0]] == list(row.items())


def test_reporting_range_is_inclusive_on_the_second(emu) -> None:  # type: ignore[no-untyped-def]
    client = emu.client("kerauno")
    client.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"})
    advance(emu, 400)
    q = {"key": KEY, "type": "cdr"}
    at = {"start_date": "2026-01-05 09:00:00", "end_date": "2026-01-05 09:00:00"}
    assert list(client.get(REPORTING, params={**q, **at}).json()) == ["cdr_0"]
    before = {"start_date": "2026-01-05 08:59:00", "end_date": "2026-01-05 08:59:59"}
    assert client.get(REPORTING, params={**q, **before}).json() == {"error": "No Results Found."}
    after = {"start_date": "2026-01-05 09:00:01", "end_date": "2026-01-05 23:00:00"}
    assert client.get(REPORTING, params={**q, **after}).json() == {"error": "No Results Found."}


def test_a_busy_destination_gives_success_then_a_busy_cdr(emu) -> None:  # type: ignore[no-untyped-def]
    client = emu.client("kerauno")
    tenant = emu.tenant("kerauno")
    r = client.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "1133"})  # 1133's phone: busy
    assert r.content == SUCCESS
    advance(emu, 60)
    call = next(iter(tenant.calls.values()))
    assert call.ended and call.disposition == "busy"
    row = client.get(REPORTING, params={"key": KEY, "type": "cdr", **NOW_RANGE}).json()["cdr_0"]
    assert row["unique_id"] == call.id and row["dest_num"] == "1133"


def test_new_tenant_has_its_own_key_and_world(emu) -> None:  # type: ignore[no-untyped-def]
    client = emu.client("kerauno")
    info = client.post(T, json={"id": "acme"}).json()
    key = info["credentials"]["key"]
    assert len(key) == 40 and key != KEY and all(c in "0123456789abcdef" for c in key)
    assert client.get(MAKECALL, params={"key": key, "src": "3000", "dst": "3002"}).content == SUCCESS
    assert len(emu.tenant("kerauno", "acme").calls) == 1 and not emu.tenant("kerauno").calls
    client.post(f"{T}/acme/reset")
    assert emu.tenant("kerauno", "acme").credentials == {"key": key}
    assert client.get(MAKECALL, params={"key": key, "src": "3000", "dst": "3002"}).content == SUCCESS


def test_engine_refusal_is_a_failure(emu) -> None:  # type: ignore[no-untyped-def]
    """A source already on a call (placed by the world, not the API) cannot place another."""
    tenant = emu.tenant("kerauno")
    engine.click_to_call(tenant, "a2002", "3000")
    r = emu.client("kerauno").get(MAKECALL, params={"key": KEY, "src": "2002", "dst": "3002"})
    assert r.content == FAILURE and len(tenant.calls) == 1


def test_makecall_to_a_ring_group_rings_its_agents_and_reports_the_answerer(emu) -> None:  # type: ignore[no-untyped-def]
    client = emu.client("kerauno")
    assert client.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "4000"}).content == SUCCESS
    advance(emu, 600)
    rows = client.get(REPORTING, params={"key": KEY, "type": "ring_groups", **NOW_RANGE}).json()
    row = rows["cdr_0"]
    assert (row["source_num"], row["dest_num"], row["ring_group_num"]) == ("3000", "4000", "4000")
    assert row["ans_agent_num"] in ("1133", "3924", "4433")
