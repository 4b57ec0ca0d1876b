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
