"""Scenarios through the control plane of a server: POST starts a run, GET reports it."""

from __future__ import annotations

import time
from typing import Any

from .conftest import LIBRARY
from support.clock import FIXED_CLOCK as CLOCK

T = "/_emulator/tenants"
YAML = {"content-type": "application/yaml"}


def _file(stem: str) -> str:
    return next(p for p in LIBRARY if p.stem == stem).read_text(encoding="utf-8")


def _wait(client: Any, url: str, seconds: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        state = client.get(url).json()
        if state["status"] != "running" or time.monotonic() > deadline:
            return state
        time.sleep(0.02)


def test_a_posted_scenario_runs_on_that_tenant(emu_factory: Any) -> None:
    emu = emu_factory("kerauno")
    client = emu.client("kerauno")
    tenant = client.post(T, json={"id": "scn", "seed": 1, "settings": CLOCK}).json()
    started = client.post(f"{T}/scn/scenarios", headers=YAML, params={"name": "inbound.yaml"},
                          content=_file("inbound_answered_first_ring").encode())
    assert started.status_code == 202, started.text
    body = started.json()
    assert body["run"] == "run_0001" and body["status"] == "running" and body["vendor"] == "kerauno"
    state = _wait(client, body["url"])
    assert state["status"] == "passed", state
    result = state["result"]
    assert result["tenant"] == "scn" and result["file"] == "inbound.yaml"
    assert all(c["ok"] for c in result["checks"]) and len(result["checks"]) == 23
    # The run's calls are that tenant's (and only that tenant's) calls.
    assert len(client.get(f"{T}/scn/calls").json()) == 1
    assert client.get(f"{T}/default/calls").json() == []
    assert tenant["credentials"]["key"] != emu.tenant("kerauno").credentials["key"]


def test_a_malformed_scenario_is_refused_and_changes_nothing(emu_factory: Any) -> None:
    client = emu_factory("voipcloud").client("voipcloud")
    before = client.get(f"{T}/default/snapshot").json()
    bad = _file("park").replace("park: {call: c1}", "prak: {call: c1}")
    answer = client.post(f"{T}/default/scenarios", headers=YAML, params={"name": "park.yaml"},
                         content=bad.encode())
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid scenario"
    assert answer.json()["problems"][0].startswith("park.yaml:16:5: timeline[1]: unknown step 'prak'")
    after = client.get(f"{T}/default/snapshot").json()
    assert after["agents"] == before["agents"] and after["events"] == before["events"]


def test_run_ids_options_and_errors(emu_factory: Any) -> None:
    client = emu_factory("voipcloud").client("voipcloud")
    text = _file("hold_resume").encode()
    for bad_option in ({"seed": "x"}, {"speed": "-1"}):
        assert client.post(f"{T}/default/scenarios", headers=YAML, params=bad_option,
                           content=text).status_code == 400
    assert client.post(f"{T}/nobody/scenarios", headers=YAML, content=text).status_code == 404
    assert client.get(f"{T}/default/scenarios/run_9999").status_code == 404
    first = client.post(f"{T}/default/scenarios", headers=YAML, params={"seed": "3"}, content=text).json()
    assert _wait(client, first["url"])["status"] == "passed"
    second = client.post(f"{T}/default/scenarios", headers=YAML, content=text).json()
    assert second["run"] == "run_0002"
    assert _wait(client, second["url"])["status"] in ("passed", "failed")


def test_one_run_at_a_time_per_tenant_and_paced_runs_report_progress(emu_factory: Any) -> None:
    client = emu_factory("voipcloud").client("voipcloud")
    slow = client.post(f"{T}/default/scenarios", headers=YAML, params={"speed": "20"},
                       content=_file("hold_resume").encode()).json()
    busy = client.post(f"{T}/default/scenarios", headers=YAML, content=_file("hold_resume").encode())
    assert busy.status_code == 409
    time.sleep(0.3)
    mid = client.get(slow["url"]).json()
    assert mid["status"] == "running" and 0 < mid["progress"]["simulated"] < 40
    assert client.get("/_emulator/health").status_code == 200  # the server keeps answering
    assert _wait(client, slow["url"], 10)["status"] == "passed"
