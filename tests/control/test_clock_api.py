"""Control plane: the tenant clock (read, advance, set mode/speed/now) through HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from support.harness import JSON_BODY, START, MiniEmu, T
from support.minivendor import DID


@pytest.fixture
def tid(mini: MiniEmu) -> str:
    return str(mini.create()["id"])


def clock(mini: MiniEmu, tid: str) -> dict[str, Any]:
    return mini.ok("GET", f"{T}/{tid}/clock")


def test_read_the_clock(mini: MiniEmu, tid: str) -> None:
    assert clock(mini, tid) == {"now": START, "iso": "2026-01-05T14:00:00Z", "mode": "manual",
                                "speed": 1.0, "pending_timers": 0, "next_timer": None}


def test_advance_by_seconds_fires_due_timers_in_order(mini: MiniEmu, tid: str) -> None:
    mini.ok("POST", f"{T}/{tid}/calls", 201, json={"from": "+15550001111", "to": DID})
    info = clock(mini, tid)
    assert info["pending_timers"] > 0 and info["next_timer"] == START + 4  # agents answer after 4 s
    moved = mini.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 4.5})
    assert moved["now"] == START + 4.5 and moved["iso"] == "2026-01-05T14:00:04.500000Z"
    assert moved["fired"] >= 1
    events = mini.ok("GET", f"{T}/{tid}/events")
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    answered = [e for e in events if e["type"] == "CallAnswered"]
    assert len(answered) == 1 and answered[0]["at"] == START + 4  # at its own due time, not at +4.5


def test_advance_to_an_instant(mini: MiniEmu, tid: str) -> None:
    moved = mini.ok("POST", f"{T}/{tid}/clock/advance", json={"to": "2026-01-05T15:30:00+01:00"})
    assert moved["now"] == START + 1800 and moved["fired"] == 0


@pytest.mark.parametrize("body, message", [
    ({"seconds": -1}, "the clock cannot move backwards"),
    ({"to": "2026-01-05T13:59:59Z"}, "the clock cannot move backwards"),
    ({"to": "soon"}, "to must be an ISO 8601 instant"),
    ({"seconds": "10"}, "seconds must be a number"),
    ({"seconds": True}, "seconds must be a number"),
    ({}, "seconds must be a number"),
    ({"seconds": 1e20}, "the clock cannot pass 3000-01-01T00:00:00Z"),
    ({"seconds": 10**400}, "the clock cannot pass 3000-01-01T00:00:00Z"),
    ({"to": "9999-12-31T23:59:59Z"}, "the clock cannot pass 3000-01-01T00:00:00Z"),
])
def test_bad_advance_is_400_and_the_clock_stays(mini: MiniEmu, tid: str, body: dict[str, Any],
                                                message: str) -> None:
    mini.ok("POST", f"{T}/{tid}/calls", 201, json={"from": "+15550001111", "to": DID})
    before = mini.ok("GET", f"{T}/{tid}/snapshot")
    r = mini.client.post(f"{T}/{tid}/clock/advance", json=body)
    assert (r.status_code, r.json()) == (400, {"error": message})
    assert mini.ok("GET", f"{T}/{tid}/snapshot") == before


@pytest.mark.parametrize("raw", [b'{"seconds": NaN}', b'{"seconds": Infinity}', b'{"seconds": -Infinity}',
                                 b'{"seconds": 1e400}'])
def test_non_finite_numbers_are_not_json(mini: MiniEmu, tid: str, raw: bytes) -> None:
    r = mini.client.post(f"{T}/{tid}/clock/advance", content=raw, headers=JSON_BODY)
    assert (r.status_code, r.json()) == (400, {"error": "body is not valid JSON"})
    assert clock(mini, tid)["now"] == START


def test_set_mode_and_speed(mini: MiniEmu, tid: str) -> None:
    got = mini.ok("PUT", f"{T}/{tid}/clock", json={"mode": "realtime", "speed": 60})
    assert got["mode"] == "realtime" and got["speed"] == 60.0
    got = mini.ok("PATCH", f"{T}/{tid}/clock", json={"mode": "manual"})
    assert got["mode"] == "manual" and got["speed"] == 60.0
    # the tenant settings do not change the clock: /clock is the one way
    r = mini.client.patch(f"{T}/{tid}/settings", json={"clock": {"mode": "auto"}})
    assert (r.status_code, r.json()) == (400, {"error": "change the clock through /clock"})
    assert clock(mini, tid)["mode"] == "manual"


def test_set_now_moves_forward_only(mini: MiniEmu, tid: str) -> None:
    got = mini.ok("PUT", f"{T}/{tid}/clock", json={"now": "2026-01-06T00:00:00Z"})
    assert got["iso"] == "2026-01-06T00:00:00Z"
    r = mini.client.put(f"{T}/{tid}/clock", json={"now": "2026-01-05T00:00:00Z", "mode": "auto"})
    assert (r.status_code, r.json()) == (400, {"error": "the clock cannot move backwards"})
    assert clock(mini, tid)["iso"] == "2026-01-06T00:00:00Z" and clock(mini, tid)["mode"] == "manual"


@pytest.mark.parametrize("body", [{"mode": "fast"}, {"speed": 0}, {"speed": -2}, {"speed": "x"},
                                  {"mode": "auto", "speed": 0}, {"now": "never"}, {"speed": 1e308},
                                  {"now": "3000-01-01T00:00:01Z", "mode": "auto"}])
def test_bad_clock_settings_are_400_and_change_nothing(mini: MiniEmu, tid: str, body: dict[str, Any]) -> None:
    before = clock(mini, tid)
    r = mini.client.put(f"{T}/{tid}/clock", json=body)
    assert r.status_code == 400 and r.json()["error"]
    assert clock(mini, tid) == before


def test_realtime_clock_moves_with_the_wall(mini: MiniEmu, tid: str) -> None:
    import time
    mini.ok("PUT", f"{T}/{tid}/clock", json={"mode": "realtime", "speed": 1000})
    deadline = time.monotonic() + 5
    while clock(mini, tid)["now"] < START + 50:  # 50 virtual seconds = 0.05 wall seconds
        assert time.monotonic() < deadline, "realtime clock did not move"
        time.sleep(0.02)
    mini.ok("PUT", f"{T}/{tid}/clock", json={"mode": "manual"})
    frozen = clock(mini, tid)["now"]
    time.sleep(0.1)
    assert clock(mini, tid)["now"] == frozen
