"""An ended call is held compactly (tuples, a shared empty tag mapping for seed calls), yet every
view of it reads as before: snapshots list its legs, transfers and tried agents, and a restored
snapshot gives the same snapshot back."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from support.clock import FIXED_CLOCK as CLOCK

LIBRARY = Path(__file__).resolve().parents[2] / "emulators" / "scenario" / "library"
SCENARIO = LIBRARY / "inbound_answered_first_ring.yaml"

T = "/_emulator/tenants"
YAML = {"content-type": "application/yaml"}


def test_ended_calls_snapshot_as_lists_and_restore_to_the_same_snapshot(emu_factory: Any) -> None:
    client = emu_factory("kerauno").client("kerauno")
    client.post(T, json={"id": "cc", "seed": 1, "settings": CLOCK})
    started = client.post(f"{T}/cc/scenarios", headers=YAML, content=SCENARIO.read_bytes())
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 30
    while client.get(started.json()["url"]).json()["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert client.get(started.json()["url"]).json()["status"] == "passed"
    before = client.get(f"{T}/cc/snapshot")
    calls = before.json()["calls"]
    ended = [c for c in calls if c["state"] == "ended"]
    assert ended and all(c["legs"] for c in ended)
    for call in ended:
        assert isinstance(call["legs"], list) and isinstance(call["tried"], list)
        assert isinstance(call["transfers"], list) and isinstance(call["tags"], dict)
        assert list(call) == list(calls[0])  # every field, in the record's order
    assert client.post(f"{T}/cc/restore", json=before.json()).status_code == 200
    after = client.get(f"{T}/cc/snapshot")
    assert after.json()["calls"] == calls
    assert client.get(f"{T}/cc/calls").json() == calls  # the control plane's view of them
