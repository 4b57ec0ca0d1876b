"""A call into ring group 4000: agent statuses follow it live on the status port, and once it
ends the ring_groups report names the agent who answered.
"""

from __future__ import annotations

import pytest

from emulators.core import engine

from .helpers import KEY, REPORTING, STATUSES, T

RANGE = {"start_date": "2026-01-05 09:00:00", "end_date": "2026-01-05 23:59:59"}


@pytest.fixture
def emu(emu_factory):  # type: ignore[no-untyped-def]
    return emu_factory("kerauno")


def statuses(emu, export_type: str | None = None):  # type: ignore[no-untyped-def]
    params = {"key": KEY, **({"export_type": export_type} if export_type else {})}
    return emu.client("kerauno-status").get(STATUSES + "4000", params=params)


def advance(emu, seconds: float) -> None:  # type: ignore[no-untyped-def]
    assert emu.client("kerauno").post(f"{T}/default/clock/advance", json={"seconds": seconds}).status_code == 200


def row(emu, ext: str) -> tuple[str, bool, bool]:  # type: ignore[no-untyped-def]
    r = statuses(emu).json()[ext]
    return r["status"], r["available"], r["busy"]


def test_statuses_follow_a_ring_group_call_and_the_report_names_the_agent(emu) -> None:  # type: ignore[no-untyped-def]
    client = emu.client("kerauno")
    assert row(emu, "3924") == ("Ring Group - Available", True, False)
    injected = client.post(f"{T}/default/calls", json={"from": "+15557654321", "to": "+19999999999",
                                                       "name": "Pat Caller"})
    assert injected.status_code == 201, injected.text
    call = emu.tenant("kerauno").calls[injected.json()["id"]]

    # ringall: 3924 rings; 1133's phone answers busy; 4433 is paused and not offered
    assert row(emu, "3924") == ("Ring Group - Ringing", False, True)
    assert row(emu, "4433") == ("Ring Group - Paused", False, True)
    assert row(emu, "1133") == ("Available", False, True)  # presence text, busy device

    advance(emu, 5)  # 3924 answers after 4 s
    assert call.answered_by == "a3924"
    assert row(emu, "3924") == ("Ring Group - On Call", False, True)
    assert client.get(REPORTING, params={"key": KEY, "type": "ring_groups", **RANGE}).json() == {
        "error": "No Results Found."}

    advance(emu, 400)  # they talk and hang up
    assert call.ended
    assert row(emu, "3924") == ("Ring Group - Available", True, False)

    body = client.get(REPORTING, params={"key": KEY, "type": "ring_groups", **RANGE}).json()
    assert list(body) == ["cdr_0"]
    rg = body["cdr_0"]
    assert rg["unique_id"] == call.id
    assert (rg["call_type"], rg["to"], rg["source_num"], rg["source_name"]) == (
        "Ring Groups", "+19999999999", "+15557654321", "Pat Caller")
    assert (rg["dest_num"], rg["dest_name"], rg["trunk_name"]) == ("4000", "Ring Group", "SIP Trunk")
    assert (rg["ring_group_num"], rg["ring_group_name"]) == ("4000", "Test")
    assert (rg["ans_agent_num"], rg["ans_agent_name"]) == ("3924", emu.tenant("kerauno").agents["a3924"].name)
    assert rg["hold_time"] == "4"  # seconds the caller waited in the group
    assert rg["release_reason"] == {"caller": "caller", "agent": "agent"}[call.ended_by]
    assert rg["duration"] == str(call.duration())
    # the same call is one of "all CDRs" too
    cdr = client.get(REPORTING, params={"key": KEY, "type": "cdr", **RANGE}).json()
    assert [r["unique_id"] for r in cdr.values()] == [call.id]


def test_unanswered_ring_group_call_has_no_agent_and_a_timeout_reason(emu) -> None:  # type: ignore[no-untyped-def]
    tenant = emu.tenant("kerauno")
    tenant.agents["a3924"].behaviour.fault = "no_answer"  # 3924 lets it ring
    call = engine.inbound_call(tenant, "+15557654321", "4000")
    advance(emu, 600)
    assert call.ended and call.disposition == "timedout"
    rg = emu.client("kerauno").get(REPORTING, params={"key": KEY, "type": "ring_groups", **RANGE}).json()["cdr_0"]
    assert (rg["ans_agent_num"], rg["ans_agent_name"], rg["release_reason"]) == ("", "", "timeout")
    assert rg["to"] == "+15557654321"  # dialled the group's number directly: no DID, to = source
    assert rg["hold_time"] == rg["duration"]


def test_pause_unpause_and_logout_show_live(emu) -> None:  # type: ignore[no-untyped-def]
    tenant = emu.tenant("kerauno")
    engine.pause(tenant, "a3924", "lunch")
    assert row(emu, "3924") == ("Ring Group - Paused", False, True)
    engine.unpause(tenant, "a3924")
    assert row(emu, "3924") == ("Ring Group - Available", True, False)
    engine.queue_logout(tenant, "a3924", "rg4000")
    assert row(emu, "3924") == ("Ring Group - Logged Out", False, False)
    tenant.queues["rg4000"].member("a4433").paused = False  # the supervisor unpauses 4433
    assert row(emu, "4433") == ("Ring Group - Available", True, False)


def test_statuses_in_csv_and_xml(emu) -> None:  # type: ignore[no-untyped-def]
    as_csv = statuses(emu, "csv")
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.split("\r\n")[:4] == [
        "extension,status,available,busy,username",
        "1133,Available,false,true,test@test.com",
        "3924,Ring Group - Available,true,false,test2@test.com",
        "4433,Ring Group - Paused,false,true,test3@test.com"]
    as_xml = statuses(emu, "xml")
    assert as_xml.headers["content-type"].startswith("application/xml")
    assert "<agent>\n    <extension>1133</extension>\n    <status>Available</status>\n" \
           "    <available>false</available>\n    <busy>true</busy>\n" in as_xml.text
    bad = statuses(emu, "pdf")
    assert bad.json() == {"error": "You must send a valid export type ('export_type')."}


def test_status_port_routes(emu) -> None:  # type: ignore[no-untyped-def]
    client = emu.client("kerauno-status")
    assert client.get(STATUSES + "4000/", params={"key": KEY}).json()["3924"]["extension"] == "3924"
    wrong = client.post(STATUSES + "4000", data={"key": KEY})
    assert wrong.status_code == 405 and wrong.json() == {"error": "No Results Found."}
    unknown = client.get("/v1/callflow/nothing", params={"key": KEY})
    assert unknown.status_code == 404 and unknown.json() == {"error": "No Results Found."}
    bad_key = client.get(STATUSES + "4000", params={"key": "f" * 40})
    assert bad_key.json() == {"error": "You must send a valid api key ('key')."}
