"""A scenario that swaps a tenant's world for an empty one (one agent, no calls), run through the
control plane: what kept answers must notice (a scenario's world clears calls and history)."""

from __future__ import annotations

import time
from typing import Any

EMPTY_WORLD = """
name: an empty world
start: "2026-01-05T14:00:00Z"
end: 1s
world:
  agents:
    - {id: a1, name: Ann Lee, extension: "2001"}
timeline:
  - at: 0s
    wait_until: {live_calls: 0}
"""


def run_empty_world(http: Any, tenants: str = "/_emulator/tenants") -> None:
    """Run ``EMPTY_WORLD`` on the default tenant through ``http`` (a TestClient) and wait for it."""
    started = http.post(f"{tenants}/default/scenarios", content=EMPTY_WORLD.encode(),
                        headers={"content-type": "application/yaml"})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 20
    while http.get(started.json()["url"]).json()["status"] == "running":
        assert time.monotonic() < deadline, "the scenario did not finish"
        time.sleep(0.02)
