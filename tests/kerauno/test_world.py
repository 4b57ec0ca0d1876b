"""The Kerauno world as a whole: deterministic bytes, snapshot/restore, reset, time zone."""

from __future__ import annotations

import pytest

from .helpers import KEY, MAKECALL, REPORTING, STATUSES, T

WEEK = {"key": KEY, "type": "ring_groups", "start_date": "2025-12-01 00:00:00",
        "end_date": "2026-01-05 23:59:59"}


def play(emu) -> list[bytes]:  # type: ignore[no-untyped-def]
    """A few requests and some clock; the bytes of everything read back."""
    web = emu.client("kerauno")
    web.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"})
    web.post(f"{T}/default/calls", json={"from": "+15557654321", "to": "+19999999999"})
    web.post(f"{T}/default/clock/advance", json={"seconds": 700})
    out = [web.get(REPORTING, params={**WEEK, "export_type": fmt}).content for fmt in ("json", "csv", "xml")]
    out.append(web.get(REPORTING, params={**WEEK, "type": "cdr"}).content)
    out.append(emu.client("kerauno-status").get(STATUSES + "4000", params={"key": KEY}).content)
    out.append(web.get(f"{T}/default/journal/webhooks").content)
    return out


def test_same_seed_same_requests_same_bytes(emu_factory) -> None:  # type: ignore[no-untyped-def]
    assert play(emu_factory("kerauno")) == play(emu_factory("kerauno"))


def test_another_seed_another_history(emu_factory) -> None:  # type: ignore[no-untyped-def]
    a = emu_factory("kerauno").client("kerauno").get(REPORTING, params=WEEK).content
    b = emu_factory("kerauno", seed=7).client("kerauno").get(REPORTING, params=WEEK).content
    assert a != b


def test_snapshot_restore_gives_identical_answers(emu_factory) -> None:  # type: ignore[no-untyped-def]
    emu = emu_factory("kerauno")
    web = emu.client("kerauno")
    web.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"})
    web.post(f"{T}/default/clock/advance", json={"seconds": 6})  # mid-call: timers pending
    snap = web.get(f"{T}/default/snapshot").json()
    first = play(emu)
    assert web.post(f"{T}/default/restore", json=snap).status_code == 200
    assert play(emu) == first


def test_reset_forgets_calls_and_keeps_the_key(emu_factory) -> None:  # type: ignore[no-untyped-def]
    emu = emu_factory("kerauno")
    web = emu.client("kerauno")
    web.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"})
    web.post(f"{T}/default/clock/advance", json={"seconds": 600})
    assert "cdr_0" in web.get(REPORTING, params={**WEEK, "type": "cdr", "start_date": "2026-01-05 09:00:00"}).json()
    assert web.post(f"{T}/default/reset").status_code == 200
    assert web.get(REPORTING, params={**WEEK, "type": "cdr", "start_date": "2026-01-05 09:00:00"}).json() == {
        "error": "No Results Found."}
    assert web.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"}).json() == {"response": "Success"}


@pytest.mark.parametrize("zone,local", [("UTC", "2014-09-09 15:10:33"), ("America/Chicago", "2014-09-09 10:10:33")])
def test_date_time_follows_the_tenant_time_zone(emu_factory, zone, local) -> None:  # type: ignore[no-untyped-def]
    emu = emu_factory("kerauno", settings={"timezone": zone})
    body = emu.client("kerauno").get(REPORTING, params={"key": KEY, "type": "cdr", "start_date": local,
                                                       "end_date": local}).json()
    assert body["cdr_0"]["unique_id"] == "1410275433.3986" and body["cdr_0"]["date_time"] == local


def test_host_settings_shape_the_cdr_and_bad_ones_are_refused(emu_factory) -> None:  # type: ignore[no-untyped-def]
    emu = emu_factory("kerauno")
    web = emu.client("kerauno")
    doc = {"key": KEY, "type": "cdr", "start_date": "2014-09-09 11:10:33", "end_date": "2014-09-09 11:10:33"}
    web.patch(f"{T}/default/settings", json={"kerauno": {"hostname": "pbx.example.com", "server_ip": "10.0.0.5"}})
    row = web.get(REPORTING, params=doc).json()["cdr_0"]
    assert (row["hostname"], row["server_name"], row["server_ip"]) == ("pbx.example.com", "test.axiatp.net", "10.0.0.5")
    for bad, where in (({"kerauno": "garbage"}, "kerauno: 'garbage' is not of type 'object'"),
                       ({"kerauno": {"hostnam": "x"}}, "kerauno: Additional properties"),
                       ({"kerauno": {"http_error_status": "yes"}}, "kerauno/http_error_status"),
                       ({"rate_limits": {"limit": 1}}, "rate_limits: not a setting of kerauno")):
        r = web.patch(f"{T}/default/settings", json=bad)
        assert r.status_code == 400 and r.json()["error"].startswith(where), r.text
    row = web.get(REPORTING, params=doc).json()["cdr_0"]
    assert row["hostname"] == "pbx.example.com"  # nothing of the refused patches applied


def test_a_reported_row_follows_settings_changed_after_it_was_read(emu_factory) -> None:  # type: ignore[no-untyped-def]
    """Reporting keeps each ended call's row: a row read once still shows a later host, zone
    and format change (and csv/xml agree with json)."""
    web = emu_factory("kerauno").client("kerauno")
    day = {"key": KEY, "type": "ring_groups", "start_date": "2014-09-09 00:00:00", "end_date": "2014-09-09 23:59:59"}
    first = web.get(REPORTING, params=day).json()
    web.patch(f"{T}/default/settings", json={"kerauno": {"hostname": "a/b <&> é"}})
    again = web.get(REPORTING, params=day).json()
    assert {r["hostname"] for r in again.values()} == {"a/b <&> é"} != {r["hostname"] for r in first.values()}
    assert web.get(REPORTING, params=day).content.count(b"a\\/b <&> \\u00e9") == len(again)
    csv = web.get(REPORTING, params={**day, "export_type": "csv"}).text
    assert csv.count("a/b <&> é") == len(again)
    assert web.get(REPORTING, params={**day, "export_type": "xml"}).text.count(
        "<hostname>a/b &lt;&amp;&gt; é</hostname>") == len(again)
    web.patch(f"{T}/default/settings", json={"timezone": "UTC"})
    utc = web.get(REPORTING, params={**day, "start_date": "2014-09-09 04:00:00",
                                     "end_date": "2014-09-10 03:59:59"}).json()
    assert [r["date_time"] for r in utc.values()] != [r["date_time"] for r in again.values()]
    assert [r["unique_id"] for r in utc.values()] == [r["unique_id"] for r in again.values()]
