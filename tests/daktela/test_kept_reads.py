"""GetUsers, GetRecords, RTStatsQueues and GetSMS answer from kept bytes: each is seen to follow
a change made through the API, the engine on the clock, the control plane, a restored snapshot
and a scenario at its next read; and CreateRecord's run of names taken at one instant answers
what a scan of every name answers."""

from __future__ import annotations

import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Dak
from .helpers import T

YAML = {"content-type": "application/yaml"}


def _numbers(dak: Dak, **query: Any) -> list[str]:
    return [row["number"] for row in dak.ok("GetSMS", "3.1", **query)]


def test_get_users_and_get_records_follow_the_api_settings_and_a_restore(dak: Dak) -> None:
    def title() -> str:
        return dak.ok("GetUsers", "4.0")["1"]["title"]

    def records() -> dict[str, Any]:
        return dak.ok("GetRecords", "4.1", take="1000")

    snap = dak.client.get(f"{T}/default/snapshot").json()
    assert title() == title() == "Administrator"
    dak.ok("UpdateUser", "4.0", name="admin", title="Správce")
    assert title() == "Správce"
    first = records()
    made = dak.ok("CreateRecord", "4.1", queue="2003", phonenumber="603444555")["record"]
    after = records()
    assert int(after["total"]) == int(first["total"]) + 1 and after["data"][-1]["name"] == made["name"]
    dak.ok("UpdateRecord", "4.1", record=str(made["record"]), phonenumber="603444556")
    assert records()["data"][-1]["number"] == "603444556"
    dak.settings({"timezone": "UTC"})  # every time is written an hour earlier
    assert records()["data"][-1]["created"] != after["data"][-1]["created"]
    assert dak.client.post(f"{T}/default/restore", json=snap).status_code == 200
    assert title() == "Administrator" and records() == first


def test_rt_stats_queues_follows_the_waiting_seconds_and_the_engine(dak: Dak) -> None:
    def waits() -> dict[str, Any]:
        return {qid: row["calls_time"] for qid, row in dak.ok("RTStatsQueues", "3.5").items()}

    dak.advance(1)  # the start's own events pass
    before = waits()
    assert waits() == before and before["5"] is not None  # the doc's call waiting in 5001
    dak.advance(7)  # nothing happens but the clock's passing
    assert waits()["5"] == before["5"] + 7
    assert dak.call("RTStatsQueues", "3.5", fmt="xml").text != dak.call("RTStatsQueues", "3.5").text
    dak.inject("603000111", "222500102")  # a second caller in 5001 (an event)
    rows = dak.ok("RTStatsQueues", "3.5")
    assert rows["5"]["calls_count"] == 2 and rows["5"]["calls_wait"] == 2


def test_rt_stats_queues_turns_its_waiting_seconds_on_the_half_second(dak: Dak) -> None:
    """The kept answer lasts until a wait's rounded seconds turn (a half second, rounding half
    to even as the answer does); RTStatsQueuesSummary, never kept, says what it should be."""
    seen = set()
    for _ in range(12):
        dak.advance(0.25)  # on, between and just past the half seconds
        kept = dak.ok("RTStatsQueues", "3.5")["5"]["calls_time"]
        assert kept == dak.ok("RTStatsQueuesSummary", "3.5", **{"queues[]": "5"})["calls_time"]
        seen.add(kept)
    assert len(seen) >= 3  # three seconds passed: the answer moved with them


def test_get_sms_follows_sends_the_engine_the_control_plane_a_restore_and_the_retention(dak: Dak) -> None:
    snap = dak.client.get(f"{T}/default/snapshot").json()
    first = _numbers(dak)
    assert _numbers(dak) == first
    sent = dak.ok("SendSMS", "3.1", number="603111299", message="Ahoj")["id"]

    def mine() -> dict[str, Any]:
        return next(row for row in dak.ok("GetSMS", "3.1") if row["id"] == sent)

    assert mine()["result"] == "waiting" and mine()["datetime_processed"] is None
    dak.advance(60)  # the SIM sends it (the engine on the clock, no request)
    assert mine()["result"] == "ok" and mine()["datetime_processed"] is not None
    r = dak.client.post(f"{T}/default/daktela/sms", json={"from": "603927228", "text": "Dotaz"})
    assert r.status_code == 201, r.text
    assert "603927228" in _numbers(dak, direction="in")
    assert dak.client.post(f"{T}/default/restore", json=snap).status_code == 200
    assert _numbers(dak) == first
    sent = dak.ok("SendSMS", "3.1", number="603111298", message="Ahoj")["id"]
    dak.advance(183 * 86400 - 60)  # a minute before the six months it is kept are over
    assert sent in [row["id"] for row in dak.ok("GetSMS", "3.1")]
    dak.advance(120)  # nothing happens but the clock's passing
    assert sent not in [row["id"] for row in dak.ok("GetSMS", "3.1")]


def test_get_sms_follows_a_scenario_that_sends_on_the_tenant(dak: Dak) -> None:
    before = _numbers(dak)
    # the message waits ten minutes, the run ends after a second: no event tells of it
    text = ("name: one message\nvendors: [daktela]\nend: 1s\ntimeline:\n"
            "  - at: 0s\n    send_sms: {to: \"603111288\", text: \"Ze scenare\", delay: 10m}\n")
    started = dak.client.post(f"{T}/default/scenarios", headers=YAML, content=text.encode())
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 20
    while dak.client.get(started.json()["url"]).json()["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.02)
    after = _numbers(dak)
    assert "603111288" in after and "603111288" not in before


def _uniq(now: float) -> int:
    """PHP uniqid()'s microsecond count at ``now`` (8 hex digits of seconds, 5 of microseconds)."""
    seconds = int(now)
    return seconds * 0x100000 + int(round((now - seconds) * 1e6)) % 0x100000


STEPS = st.lists(st.one_of(st.tuples(st.just("create"), st.integers(1, 4)),
                           st.tuples(st.just("advance"), st.sampled_from([0.000001, 0.000003, 0.00001, 1.0])),
                           st.tuples(st.just("restore"), st.just(0))), min_size=1, max_size=8)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_record_names_equal_the_scan_of_every_name(dak: Dak, steps: list[tuple[str, Any]]) -> None:
    """Each CreateRecord takes the first uniqid name from now's on that no record has (the scan
    of every record's name through GetRecords), whatever ran before: records made at one
    instant, the clock moved by microseconds into names already taken, a restored snapshot."""
    assert dak.client.post(f"{T}/default/reset").status_code == 200
    snap = dak.client.get(f"{T}/default/snapshot").json()
    for op, arg in steps:
        if op == "advance":
            dak.advance(arg)
        elif op == "restore":
            assert dak.client.post(f"{T}/default/restore", json=snap).status_code == 200
        for _ in range(arg if op == "create" else 0):
            taken = {row["name"] for row in dak.ok("GetRecords", "4.1", take="100000")["data"]}
            value = _uniq(dak.client.get(f"{T}/default/clock").json()["now"])
            while f"record_{(value >> 20) & 0xffffffff:08x}{value & 0xfffff:05x}" in taken:
                value += 1
            expected = f"record_{(value >> 20) & 0xffffffff:08x}{value & 0xfffff:05x}"
            made = dak.ok("CreateRecord", "4.1", queue="2003", phonenumber="603444555")["record"]
            assert made["name"] == expected
