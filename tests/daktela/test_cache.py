"""The polled reads answer from kept bytes only while nothing they show can have changed."""

from __future__ import annotations

from .conftest import Dak
from .helpers import T


def test_kept_answers_follow_every_kind_of_change(dak: Dak) -> None:
    def admin() -> dict:
        return dak.ok("RTUsersState", "4.1")["1"]

    assert admin()["agent_title"] == "Administrator" and dak.call("RTUsersState").text == dak.call("RTUsersState").text
    dak.ok("UpdateUser", "4.0", name="admin", title="Správce")  # no event: the action's own revision
    assert admin()["agent_title"] == "Správce"
    dak.ok("Hangup", "3.1", user="admin")  # events
    assert admin()["agent_state"] == "Idle" and admin()["calls"] == []
    dak.settings({"timezone": "UTC"})  # times are written in another zone
    assert admin()["state_time"] == "2026-01-05 14:00:00"
    assert dak.client.post(f"{T}/default/reset").status_code == 200  # a new build
    assert admin()["agent_title"] == "Administrator" and admin()["agent_state"] == "Speaking"
    dak.ok("CreateQueue", "3.0", number="7000", title="Den", direction="in")
    assert any(q["name"] == "7000" for q in dak.ok("GetQueues", "3.0").values())
    dak.ok("CreateQueue", "3.0", number="7000", title="Noc", direction="in")
    assert [q["title"] for q in dak.ok("GetQueues", "3.0").values() if q["name"] == "7000"] == ["Noc"]
    snap = dak.client.get(f"{T}/default/snapshot").json()
    dak.ok("UpdateUser", "4.0", name="admin", title="Jiný")
    assert admin()["agent_title"] == "Jiný"
    assert dak.client.post(f"{T}/default/restore", json=snap).status_code == 200
    assert admin()["agent_title"] == "Administrator"
    assert dak.call("RTUsersState", fmt="xml").text.startswith("<?xml")  # each format kept apart


def test_kept_call_rows_follow_what_they_show(dak: Dak) -> None:
    """CDR, StatsCalls and GetAttempts keep their answers and each ended call's rows: a row read
    once, and an answer given once, still follow a later zone and trunk change (control-plane
    settings, a restored snapshot), in both formats. (A key without the settings kept the CDR
    answer of the old trunk.)"""
    span = {"datetime_from": "2000-01-01 00:00:00", "datetime_to": "2029-12-31 23:59:59"}

    def times() -> tuple[list[str], list[str], list[str]]:
        cdr = dak.ok("CDR", "3.5", **span)
        calls = dak.ok("StatsCalls", "4.1", take=1000, **span)["data"]
        attempts = dak.ok("GetAttempts", "4.1", take=1000, **span)["data"]
        assert cdr and calls and attempts
        return ([r["date"] for r in cdr], [r["call_time"] for r in calls], [r["start_time"] for r in attempts])

    def xml_times() -> list[str]:
        return [dak.call(op, fmt="xml", take=1000, **span).text for op in ("CDR", "StatsCalls", "GetAttempts")]

    prague, prague_xml = times(), xml_times()
    assert times() == prague and xml_times() == prague_xml
    snap = dak.client.get(f"{T}/default/snapshot").json()
    dak.settings({"timezone": "UTC"})
    utc, utc_xml = times(), xml_times()
    for before, after in zip(prague, utc):
        assert len(before) == len(after) and all(a != b for a, b in zip(before, after))
    for before, after, shown in zip(prague_xml, utc_xml, utc):
        assert before != after and all(f">{value}<" in after for value in shown[:5])
    assert dak.client.post(f"{T}/default/restore", json=snap).status_code == 200
    assert times() == prague and xml_times() == prague_xml

    def through_trunk(trunk: str) -> list[str]:
        return [r["id_call"] for r in dak.ok("CDR", "3.5", **{**span, "src_channels[]": f"SIP/{trunk}-"})]

    from_gsm = through_trunk("gsm")
    assert from_gsm and through_trunk("newtrunk") == []
    dak.settings({"daktela": {"trunk": "newtrunk"}})
    assert through_trunk("newtrunk") == from_gsm and through_trunk("gsm") == []
