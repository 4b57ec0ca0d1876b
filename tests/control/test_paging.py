"""Control-plane lists page with ``?since`` and ``?limit`` and stay plain JSON lists."""

from __future__ import annotations

from typing import Any

import pytest

from emulators.control.lists import DEFAULT_LIMIT, MAX_LIMIT, NEXT_SINCE
from emulators.pytest_plugin import TelemockServer, TelemockTenant

from support.harness import MiniEmu, T, live_emulator
from support.minivendor import DEFAULT_TOKEN, DID

LISTS = ["/_emulator/tenants", f"{T}/default/calls", f"{T}/default/events", f"{T}/default/journal/requests",
         f"{T}/default/journal/webhooks", "/_emulator/journal/unauthenticated"]


def pages(mini: MiniEmu, path: str, limit: int, **params: Any) -> list[list[Any]]:
    """Follow ``X-Telemock-Next-Since`` from the start; every page as the server sent it."""
    out: list[list[Any]] = []
    since: Any = params.pop("since", 0)
    while True:
        r = mini.client.get(path, params={**params, "since": since, "limit": limit})
        assert r.status_code == 200, r.text
        out.append(r.json())
        if NEXT_SINCE not in r.headers:
            return out
        since = r.headers[NEXT_SINCE]


def test_calls_page_in_creation_order(mini: MiniEmu) -> None:
    made = [mini.ok("POST", f"{T}/default/calls", 201, json={"from": f"+1555000{i:04d}", "to": DID})["id"]
            for i in range(7)]
    got = pages(mini, f"{T}/default/calls", 3)
    assert [[c["id"] for c in page] for page in got] == [made[0:3], made[3:6], made[6:7]]
    assert [c["id"] for c in mini.ok("GET", f"{T}/default/calls", params={"since": 5})] == made[5:]
    assert mini.ok("GET", f"{T}/default/calls", params={"since": 7}) == []
    r = mini.client.get(f"{T}/default/calls", params={"limit": 7})
    assert NEXT_SINCE not in r.headers and len(r.json()) == 7  # exactly full: no next page


def test_events_and_webhooks_page_by_seq_with_their_filters(mini: MiniEmu) -> None:
    for i in range(3):
        mini.ok("POST", f"{T}/default/calls", 201, json={"from": f"+1555000{i:04d}", "to": DID})
    mini.ok("POST", f"{T}/default/clock/advance", json={"seconds": 600})
    every = mini.ok("GET", f"{T}/default/events", params={"limit": MAX_LIMIT})
    assert len(every) > 10
    joined = [e for page in pages(mini, f"{T}/default/events", 4) for e in page]
    assert joined == every
    kind = every[0]["type"]
    typed = [e for page in pages(mini, f"{T}/default/events", 1, type=kind) for e in page]
    assert typed == [e for e in every if e["type"] == kind] and len(typed) >= 2
    hooks = mini.ok("GET", f"{T}/default/journal/webhooks", params={"limit": MAX_LIMIT})
    assert len(hooks) > 3
    assert [d for page in pages(mini, f"{T}/default/journal/webhooks", 2, state="no_target")
            for d in page] == hooks


def test_journals_page_by_seq(mini: MiniEmu) -> None:
    for _ in range(5):
        mini.api("GET", "/v1/agents", DEFAULT_TOKEN)
        mini.api("GET", "/v1/agents", "wrong")
    for path in (f"{T}/default/journal/requests", "/_emulator/journal/unauthenticated"):
        got = pages(mini, path, 2)
        assert [[e["seq"] for e in page] for page in got] == [[1, 2], [3, 4], [5]]
        assert [e["seq"] for e in mini.ok("GET", path, params={"since": 3})] == [4, 5]


def test_tenants_page_in_creation_order(mini: MiniEmu) -> None:
    made = [mini.create()["id"] for _ in range(4)]
    assert [[t["id"] for t in page] for page in pages(mini, "/_emulator/tenants", 2)] == \
        [["default", made[0]], made[1:3], made[3:]]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("query, message", [
    ({"since": "yesterday"}, "since must be a whole number"),
    ({"since": "-1"}, "since must be a whole number"),
    ({"since": "1" * 5000}, "since must be a whole number"),
    ({"since": "\u0663"}, "since must be a whole number"),  # an Arabic-Indic 3: int() would take it
    ({"limit": "0"}, f"limit must be a whole number from 1 to {MAX_LIMIT}"),
    ({"limit": str(MAX_LIMIT + 1)}, f"limit must be a whole number from 1 to {MAX_LIMIT}"),
    ({"limit": "ten"}, f"limit must be a whole number from 1 to {MAX_LIMIT}"),
])
def test_bad_paging_arguments_are_400(mini: MiniEmu, path: str, query: dict[str, str], message: str) -> None:
    r = mini.client.get(path, params=query)
    assert (r.status_code, r.json()) == (400, {"error": message})


def test_the_default_page_is_bounded_and_the_pytest_plugin_reads_every_page() -> None:
    with live_emulator() as live:  # a real socket: ~0.5 ms a request, five times faster than TestClient
        server = TelemockServer({"mini": live.registry.vendors["mini"]}, {"mini": live.url}, None)
        try:
            tenant = TelemockTenant(server, "mini", live.create(id="paged"))
            for _ in range(DEFAULT_LIMIT + 3):
                live.api("GET", "/v1/agents", tenant.credentials["token"])
            r = live.http.get(f"{T}/paged/journal/requests")
            assert len(r.json()) == DEFAULT_LIMIT and r.headers[NEXT_SINCE] == str(DEFAULT_LIMIT)
            rest = live.http.get(f"{T}/paged/journal/requests", params={"since": r.headers[NEXT_SINCE]})
            assert [e["seq"] for e in rest.json()] == [DEFAULT_LIMIT + i for i in (1, 2, 3)]
            assert NEXT_SINCE not in rest.headers
            assert [e["seq"] for e in tenant.requests()] == list(range(1, DEFAULT_LIMIT + 4))
            assert [e["seq"] for e in tenant.requests(since=DEFAULT_LIMIT - 1)] == \
                [DEFAULT_LIMIT + i for i in (0, 1, 2, 3)]
        finally:
            server.close()


def test_a_restored_journal_with_malformed_entries_still_reads(mini: MiniEmu) -> None:
    snap = mini.ok("GET", f"{T}/default/snapshot")
    good = {"seq": 3, "operation": "list-calls"}
    snap["requests"] = {"seq": 3, "entries": [{}, {"seq": "x"}, good]}
    if mini.client.post(f"{T}/default/restore", json=snap).status_code == 200:  # restore may refuse it
        assert mini.ok("GET", f"{T}/default/journal/requests") == [good]  # entries without a seq: unlisted
        assert mini.ok("GET", f"{T}/default/journal/requests", params={"since": 3}) == []
