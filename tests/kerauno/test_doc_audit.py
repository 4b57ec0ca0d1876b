"""Defects an audit against kerauno.txt found, each pinned through HTTP: a 40-digit ``dst``,
non-ASCII digits in report dates, calls to the PBX's own main number, and caller channels."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import KEY, MAKECALL, REPORTING, T

MAIN_NUMBER = "+19999999999"
"""The ring-group CDR example's ``to`` (kerauno.txt, Reporting, ring-group example)."""


@pytest.fixture
def emu(emu_factory):  # type: ignore[no-untyped-def]
    return emu_factory("kerauno")


def makecall(emu: Any, src: str, dst: str) -> dict[str, Any]:
    r = emu.client("kerauno").get(MAKECALL, params={"key": KEY, "src": src, "dst": dst})
    assert r.status_code == 200, r.text
    return r.json()


def test_dst_is_varchar_40(emu: Any) -> None:
    """Make Call's table types ``dst`` varchar(40): 40 digits are dialable, 41 are not."""
    assert makecall(emu, "3000", "9" * 40) == {"response": "Success"}
    assert makecall(emu, "3002", "9" * 41) == {"response": "Failure"}
    assert makecall(emu, "3002", "+" + "9" * 39) == {"response": "Success"}


@pytest.mark.parametrize("date", ["２０１４-09-09 11:10:33", "2014-09-09 １1:10:33", "٢٠١٤-09-09 11:10:33"])
def test_only_ascii_digits_make_a_report_date(emu: Any, date: str) -> None:
    r = emu.client("kerauno").get(REPORTING, params={"key": KEY, "type": "cdr", "start_date": date,
                                                     "end_date": "2014-09-09 23:59:59"})
    assert r.status_code == 400
    assert r.json() == {"error": "You must send a valid start date ('start_date')."}


def test_a_call_to_the_main_number_enters_the_ring_group_like_one_from_outside(emu: Any) -> None:
    """The doc's ring-group CDR is 2002 dialling the main number and group 4000 answering."""
    assert makecall(emu, "2002", MAIN_NUMBER) == {"response": "Success"}
    control = emu.client("kerauno")
    control.post(f"{T}/default/clock/advance", json={"seconds": 600})
    call = control.get(f"{T}/default/calls").json()[-1]
    assert (call["callee"], call["did"], call["queue_id"]) == (MAIN_NUMBER, MAIN_NUMBER, "rg4000")
    assert call["direction"] == "internal"
    day = {"key": KEY, "type": "ring_groups", "start_date": "2026-01-05 00:00:00",
           "end_date": "2026-01-05 23:59:59"}
    rows = control.get(REPORTING, params=day).json()
    row = next(r for r in rows.values() if r["unique_id"] == call["id"])
    assert (row["call_type"], row["to"], row["source_num"], row["dest_num"], row["ring_group_num"]) == \
        ("Ring Groups", MAIN_NUMBER, "2002", "4000", "4000")


def test_an_inbound_callers_channel_is_its_own(emu: Any) -> None:
    """The caller's trunk channel of an inbound call never shares a number with an agent's."""
    control = emu.client("kerauno")
    control.post(f"{T}/default/calls", json={"from": "+15551230000", "to": "3000"})
    control.post(f"{T}/default/clock/advance", json={"seconds": 600})
    hooks = control.get(f"{T}/default/journal/webhooks").json()
    started = next(d for d in hooks if d["event"] == "CALL_STARTED")
    call = control.get(f"{T}/default/calls").json()[-1]
    agent_channels = {f"SIP/{leg['party']}-{leg['seq']:08x}" for leg in call["legs"]}
    assert started["fields"]["channel"].startswith("SIP/trunk-")
    assert started["fields"]["channel"][-8:] not in {c[-8:] for c in agent_channels}
