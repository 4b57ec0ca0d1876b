"""Tenant state through the control plane: reset, snapshot/restore, determinism, the NOC
status, and the default tenant's directory."""

from __future__ import annotations

from typing import Any

from .conftest import LISTS, VC

CALL = {"user_number": "1003", "number_to_call": "0355502999"}


def answers(vc: VC, key: str | None = None) -> dict[str, bytes]:
    """The raw bytes of every read operation (lists in full, two pages, the status)."""
    out = {}
    for op in LISTS:
        for params in ({"limit": 10000}, {"limit": 7, "offset": 3}):
            out[f"{op}{params}"] = vc.call(op, key=key, params=params).content
    out["status"] = vc.call("get-system-status", key=key).content
    return out


def test_reset_returns_to_the_seed(vcx: VC) -> None:
    initial = answers(vcx)
    vcx.call("call-to-number", data=CALL)
    vcx.advance(300)
    vcx.settings({"voipcloud": {"system_status": {"status": "degraded"}}})
    assert answers(vcx) != initial
    vcx.reset()
    assert vcx.calls() == []
    # the clock is back at its start, the history and the status are the seed's again
    assert answers(vcx) == initial


def test_snapshot_then_restore_gives_identical_responses(vcx: VC) -> None:
    vcx.call("call-to-number", data=CALL)
    vcx.advance(5)  # a live call inside the snapshot, with timers pending
    snap = vcx.snapshot()
    before = answers(vcx)
    vcx.call("call-to-number", data={"user_number": "1005", "number_to_call": "1006"})
    vcx.advance(1000)
    assert answers(vcx) != before
    vcx.restore(snap)
    assert answers(vcx) == before
    # the restored future runs as the original one would have
    vcx.advance(600)
    after_restore = answers(vcx)
    vcx.restore(snap)
    vcx.advance(600)
    assert answers(vcx) == after_restore
    row = vcx.data("get-user-calls", limit=1)[0]
    assert row["user_name"] == "Charlotte Wilson" and row["call_finished_at"] is not None


def test_same_seed_same_bytes(vc_factory: Any) -> None:
    runs = []
    for _ in range(2):
        vc = vc_factory({"rate_limit": {"limit": 0}}, seed=3)
        vc.call("call-to-number", data=CALL)
        vc.advance(400)
        runs.append(answers(vc))
    assert runs[0] == runs[1]
    other = vc_factory({"rate_limit": {"limit": 0}}, seed=4)
    assert answers(other)["get-user-calls{'limit': 10000}"] != runs[0]["get-user-calls{'limit': 10000}"]


def test_system_status_reads_the_tenant_and_its_settings(vcx: VC) -> None:
    status = vcx.data("get-system-status")
    assert list(status) == ["status", "description", "components", "incidents", "checked_at"]
    assert status["status"] == "operational" and status["incidents"] == []
    assert status["checked_at"] == "2026-01-06T01:00:00+11:00"
    assert all(set(c) == {"name", "status"} for c in status["components"])
    vcx.advance(90)
    assert vcx.data("get-system-status")["checked_at"] == "2026-01-06T01:01:30+11:00"
    incident = {"title": "Inbound calls failing on SIP trunks", "status": "investigating"}
    vcx.settings({"voipcloud": {"system_status": {
        "status": "major_outage", "description": "Major outage", "incidents": [incident]}}})
    status = vcx.data("get-system-status")
    assert (status["status"], status["description"]) == ("major_outage", "Major outage")
    assert status["incidents"] == [incident]
    assert len(status["components"]) == 6  # untouched parts stay the tenant's
    other = vcx.create_tenant(id="calm")["credentials"]["api_key"]
    assert vcx.data("get-system-status", key=other)["status"] == "operational"


def test_default_directory(vcx: VC) -> None:
    info = vcx.tenant_info("default")
    assert 5 <= info["agents"] <= 8 and info["queues"] == 4 and info["history"] > 100
    agents = vcx.control("GET", "/tenants/default/agents")
    assert len({a["extension"] for a in agents}) == len(agents)
    users = {r["user_name"] for r in vcx.everything("get-user-calls")}
    assert users <= {a["name"] for a in agents}
    queues = {r["queue_name"] for r in vcx.everything("get-queue-calls")}
    groups = {r["ring_group_name"] for r in vcx.everything("get-ringgroup-calls")}
    assert queues == {"Sales", "Support"} and groups == {"Reception", "Accounts"}
    numbers = {r["inbound_number"] for op in ("get-queue-calls", "get-ringgroup-calls")
               for r in vcx.everything(op)}
    assert all(n.startswith("+61") for n in numbers)
    callers = {r["callerid"] for r in vcx.everything("get-queue-calls")}
    assert all(c.startswith("+614") and len(c) == 12 for c in callers)  # Australian mobiles
