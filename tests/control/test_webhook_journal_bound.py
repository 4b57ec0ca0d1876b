"""The webhook journal is bounded: the oldest settled deliveries leave it once it holds more than
``DELIVERIES_KEEP``, while a scenario run still sees every delivery it made."""

from __future__ import annotations

import time
from typing import Any

import yaml

from emulators.core.webhooks import DELIVERIES_KEEP

from support.clock import FIXED_CLOCK as CLOCK

T = "/_emulator/tenants"
YAML = {"content-type": "application/yaml"}


def _calls(count: int) -> str:
    """``count`` inbound calls to a queue within the hour; Kerauno journals two deliveries per
    call (CALL_STARTED, CALL_ENDED), ``no_target`` without a webhook URL (settled at once)."""
    return yaml.safe_dump({
        "name": f"{count} calls",
        "world": {"queues": [{"id": "q1", "kind": "queue", "number": 4000, "name": "Support",
                              "strategy": "roundrobin", "ring_timeout": "15s", "max_wait": "10m"}],
                  "agent_pools": [{"count": 40, "queues": ["q1"], "behaviour": {"answer_after": "4s"}}],
                  "numbers": [{"number": "+15550100", "routes_to": "q1"}]},
        "generate": [{"calls": {"id": "day", "count": count, "over": "1h", "arrival": "poisson",
                                "to": "+15550100", "talk": {"mean": "60s", "max": "5m"}}}],
        "expect": {"webhooks": [{"count": {"CALL_STARTED": count, "CALL_ENDED": count}}]},
    })


def _run(client: Any, tenant: str, count: int) -> dict[str, Any]:
    started = client.post(f"{T}/{tenant}/scenarios", headers=YAML, content=_calls(count).encode())
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 60
    while True:
        state = client.get(started.json()["url"]).json()
        if state["status"] != "running" or time.monotonic() > deadline:
            return state
        time.sleep(0.02)


def _journal(client: Any, tenant: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        since = int(found[-1]["id"].removeprefix("whd_")) if found else 0
        page = client.get(f"{T}/{tenant}/journal/webhooks", params={"since": since, "limit": 5000}).json()
        if not page:
            return found
        found += page


def test_a_run_sees_all_it_made_and_the_journal_then_drops_the_oldest(emu_factory: Any) -> None:
    client = emu_factory("kerauno").client("kerauno")
    client.post(T, json={"id": "wh", "seed": 1, "settings": CLOCK})
    big = DELIVERIES_KEEP * 9 // 16 + 1  # two deliveries a call: past the bound and its slack
    first = _run(client, "wh", big)
    # the run's expectations counted every delivery it made, more than the journal keeps
    assert first["status"] == "passed", first
    assert first["result"]["stats"]["webhooks"] == 2 * big > DELIVERIES_KEEP * 9 // 8
    assert len(_journal(client, "wh")) == 2 * big  # held while the run was on; nothing new since

    second = _run(client, "wh", 3)  # the next deliveries trim the journal
    assert second["status"] == "passed", second
    kept = _journal(client, "wh")
    numbers = [int(d["id"].removeprefix("whd_")) for d in kept]
    assert numbers == list(range(2 * big + 6 - len(kept) + 1, 2 * big + 7))  # the newest, in order
    assert DELIVERIES_KEEP <= len(kept) <= DELIVERIES_KEEP * 9 // 8
    dropped = "whd_000001"
    assert client.patch(f"{T}/wh/settings", json={"webhooks": {"url": "http://127.0.0.1:9/"}}).status_code == 200
    assert client.post(f"{T}/wh/journal/webhooks/{dropped}/redeliver").status_code == 404
    # a snapshot holds what the journal holds, and restores to the same
    snap = client.get(f"{T}/wh/snapshot").json()
    assert [d["id"] for d in snap["outbox"]["deliveries"]] == [d["id"] for d in kept]
    assert client.post(f"{T}/wh/restore", json=snap).status_code < 300
    assert [d["id"] for d in _journal(client, "wh")] == [d["id"] for d in kept]
