"""Request journals are bounded in bytes as well as entries: long queries and paths are cut (and
the entry says so), and a flood of them keeps fewer entries instead of growing without end."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from emulators.core.journal import JOURNAL_KEEP, MAX_TEXT
from emulators.server import listener_app

USER_CALLS = "/api/integration/v1/get-user-calls"


def test_a_long_query_is_cut_and_the_entry_says_how_long_it_was(emu_factory: Any) -> None:
    client = emu_factory("voipcloud").client("voipcloud")
    query = "users_names=" + "a" * 65_000
    assert client.get(f"{USER_CALLS}?{query}").status_code == 401
    path = "/" + "p" * 5000
    assert client.get(path).status_code == 404
    entries = client.get("/_emulator/journal/unauthenticated").json()
    assert entries[0]["query"] == query[:MAX_TEXT]
    assert entries[0]["truncated"] == {"query": len(query)}
    assert entries[1]["path"] == path[:MAX_TEXT] and entries[1]["truncated"] == {"path": len(path)}
    client.get(f"{USER_CALLS}?limit=5")
    assert "truncated" not in client.get("/_emulator/journal/unauthenticated").json()[-1]


def test_a_flood_of_long_queries_keeps_fewer_entries_not_more_memory(emu_factory: Any) -> None:
    emu = emu_factory("voipcloud")
    spec = emu.registry.vendors["voipcloud"]
    app = listener_app(emu.registry, spec, spec.listeners[0], lifespan=False)
    sent = 1800

    async def get(target: str) -> tuple[int, bytes]:
        """One GET through the ASGI app itself (what uvicorn would call; ~50x cheaper than a
        TestClient round trip, and 1,800 requests are needed to fill 4 MiB)."""
        path, _, query = target.partition("?")
        scope = {"type": "http", "http_version": "1.1", "method": "GET", "path": path, "raw_path": path.encode(),
                 "query_string": query.encode(), "root_path": "", "headers": [(b"host", b"127.0.0.1:8085")],
                 "scheme": "http",
                 "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80)}
        status, body = [], []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            else:
                body.append(message.get("body", b""))

        await app(scope, receive, send)
        return status[0], b"".join(body)

    async def flood() -> list[dict[str, Any]]:
        for i in range(sent):
            assert (await get(f"{USER_CALLS}?n={i}&pad={'x' * 4000}"))[0] == 401
        status, body = await get("/_emulator/journal/unauthenticated?limit=5000")
        assert status == 200
        return json.loads(body)

    entries = asyncio.run(flood())
    assert sent // 2 < len(entries) < sent <= JOURNAL_KEEP  # the count bound alone would keep all
    assert entries[-1]["seq"] == sent and entries[-1]["query"].startswith(f"n={sent - 1}&")
    assert [e["seq"] for e in entries] == list(range(sent - len(entries) + 1, sent + 1))  # the newest


def test_a_restored_journal_keeps_its_bounds_and_its_numbers(emu_factory: Any) -> None:
    client = emu_factory("voipcloud").client("voipcloud")
    key = client.get("/_emulator/tenants/default").json()["credentials"]["api_key"]
    for _ in range(3):
        client.get(f"{USER_CALLS}?limit=1", headers={"token": key})
    snapshot = client.get("/_emulator/tenants/default/snapshot").json()
    entry = snapshot["requests"]["entries"][0]
    snapshot["requests"]["entries"] = [dict(entry, seq=n, query="q" * 100_000) for n in range(1, 201)]
    snapshot["requests"]["seq"] = 200
    assert client.post("/_emulator/tenants/default/restore", json=snapshot).status_code == 200
    kept = client.get("/_emulator/tenants/default/journal/requests").json()
    assert 0 < len(kept) < 200 and kept[-1]["seq"] == 200  # the newest, numbered as they were
