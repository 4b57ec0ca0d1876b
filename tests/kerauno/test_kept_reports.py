"""Reporting keeps whole answers: a call that ends, the site's settings, a ring group renamed by
a restore, the time zone, a reset and a scenario's world are all in the next read."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import KEY, MAKECALL, REPORTING, T
from support.worlds import run_empty_world

DOC_DAY = {"start_date": "2014-09-09 00:00:00", "end_date": "2014-09-09 23:59:59"}
"""The document's example day (the seed's two calls)."""
TODAY = {"start_date": "2026-01-05 00:00:00", "end_date": "2026-01-05 23:59:59"}

@pytest.fixture
def client(emu_factory: Any) -> Any:
    return emu_factory("kerauno").client("kerauno")


def report(client: Any, kind: str = "ring_groups", day: dict[str, str] = DOC_DAY, export: str = "json") -> Any:
    r = client.get(REPORTING, params={"key": KEY, "type": kind, **day, "export_type": export})
    return r.json() if export == "json" else r.text


def test_kept_reports_follow_calls_settings_restores_and_resets(client: Any) -> None:
    first, csv = report(client), report(client, export="csv")
    assert report(client) == first and report(client, export="csv") == csv
    assert report(client, "cdr", TODAY) == {"error": "No Results Found."}
    snap = client.get(f"{T}/default/snapshot").json()
    assert client.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"}).status_code == 200
    assert report(client, "cdr", TODAY) == {"error": "No Results Found."}  # in progress: no CDR
    client.post(f"{T}/default/clock/advance", json={"seconds": 600})
    assert list(report(client, "cdr", TODAY)) == ["cdr_0"]
    client.patch(f"{T}/default/settings", json={"kerauno": {"hostname": "pbx.example.test"}})
    assert report(client)["cdr_0"]["hostname"] == "pbx.example.test"
    assert "pbx.example.test" in report(client, export="csv")
    for queue in snap["queues"]:
        queue["name"] += " renamed"
    assert client.post(f"{T}/default/restore", json=snap).status_code == 200
    assert all(row["ring_group_name"].endswith(" renamed") for row in report(client).values())
    assert report(client, "cdr", TODAY) == {"error": "No Results Found."}
    client.patch(f"{T}/default/settings", json={"timezone": "UTC"})
    assert report(client) != first
    client.post(f"{T}/default/reset")
    assert report(client) == first and report(client, export="csv") == csv


def test_a_kept_report_follows_a_scenario_world(client: Any) -> None:
    assert report(client, "cdr") != {"error": "No Results Found."}
    run_empty_world(client)
    assert report(client, "cdr") == {"error": "No Results Found."}
