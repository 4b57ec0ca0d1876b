"""Control plane: request journal, unauthenticated journal, events, calls and agents."""

from __future__ import annotations

from typing import Any

import pytest

from support.harness import START, MiniEmu, T
from support.minivendor import DEFAULT_TOKEN, DID


def test_every_request_is_journalled_with_tenant_vendor_operation_and_status(mini: MiniEmu) -> None:
    info = mini.create()
    tid, token = info["id"], info["credentials"]["token"]
    mini.api("GET", "/v1/calls", token, params={"limit": 2})
    mini.api("GET", "/v1/calls", token, params={"limit": 0})          # 400
    mini.api("POST", "/v1/calls", token, json={"extension": "201", "to": "+15557654321"})
    mini.api("POST", "/v1/calls", token, json={"extension": "201", "to": "+15557654321"})  # 409 busy
    mini.api("POST", "/v1/calls", token, json={"extension": "999", "to": "+1"})  # 404
    mini.api("GET", "/v1/agents", token)
    mini.api("GET", "/v1/calls", DEFAULT_TOKEN)                        # another tenant's request
    entries = mini.ok("GET", f"{T}/{tid}/journal/requests")
    assert [(e["seq"], e["tenant"], e["vendor"], e["operation"], e["method"], e["status"]) for e in entries] == [
        (1, tid, "mini", "list-calls", "GET", 200),
        (2, tid, "mini", "list-calls", "GET", 400),
        (3, tid, "mini", "place-call", "POST", 201),
        (4, tid, "mini", "place-call", "POST", 409),
        (5, tid, "mini", "place-call", "POST", 404),
        (6, tid, "mini", "list-agents", "GET", 200),
    ]
    assert entries[0]["path"] == "/v1/calls" and entries[0]["query"] == "limit=2"
    assert entries[0]["at"] == START and entries[0]["client"] == "testclient"
    assert [e["seq"] for e in mini.ok("GET", f"{T}/{tid}/journal/requests", params={"since": 4})] == [5, 6]
    default = mini.ok("GET", f"{T}/default/journal/requests")
    assert [(e["tenant"], e["operation"]) for e in default] == [("default", "list-calls")]


def test_rate_limited_requests_are_journalled_too(mini: MiniEmu) -> None:
    info = mini.create(settings={"rate_limit": {"limit": 2, "window": 60}})
    statuses = [mini.api("GET", "/v1/agents", info["credentials"]["token"]).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    entries = mini.ok("GET", f"{T}/{info['id']}/journal/requests")
    assert [e["status"] for e in entries] == [200, 200, 429]


def test_requests_without_a_tenant_go_to_the_unauthenticated_journal(mini: MiniEmu) -> None:
    assert mini.api("GET", "/v1/calls", "wrong").status_code == 401
    assert mini.client.get("/v1/agents").status_code == 401
    entries = mini.ok("GET", "/_emulator/journal/unauthenticated")
    assert [(e["tenant"], e["vendor"], e["operation"], e["status"]) for e in entries] == [
        (None, "mini", "list-calls", 401), (None, "mini", "list-agents", 401)]
    assert entries[0]["at"] is None
    assert mini.ok("GET", "/_emulator/journal/unauthenticated", params={"since": 1})[0]["seq"] == 2
    assert mini.ok("GET", f"{T}/default/journal/requests") == []


@pytest.mark.parametrize("path", ["/journal/requests", "/journal/webhooks", "/events"])
def test_since_must_be_an_integer(mini: MiniEmu, path: str) -> None:
    r = mini.client.get(f"{T}/default{path}", params={"since": "yesterday"})
    assert (r.status_code, r.json()) == (400, {"error": "since must be a whole number"})


def test_events_record_every_change_and_filter_by_type_and_since(mini: MiniEmu) -> None:
    tid = mini.create()["id"]
    call = mini.ok("POST", f"{T}/{tid}/calls", 201, json={"from": "+15550001111", "to": DID, "name": "Ann"})
    mini.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 600})
    events = mini.ok("GET", f"{T}/{tid}/events")
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    types = [e["type"] for e in events]
    assert types[:2] == ["CallCreated", "CallQueued"]
    assert types.count("CallAnswered") == 1 and types[-1] in ("CallEnded", "AgentStateChanged")
    assert "CallEnded" in types
    assert all(e["call_id"] in (call["id"], None) for e in events)
    ended = mini.ok("GET", f"{T}/{tid}/events", params={"type": "CallEnded"})
    assert len(ended) == 1 and ended[0]["data"]["disposition"] == "answered"
    since = mini.ok("GET", f"{T}/{tid}/events", params={"since": events[-3]["seq"]})
    assert since == events[-2:]


def test_inject_an_inbound_call_and_read_calls_and_agents(mini: MiniEmu) -> None:
    tid = mini.create()["id"]
    call = mini.ok("POST", f"{T}/{tid}/calls", 201, json={"from": "+15550001111", "to": DID, "name": "Ann"})
    assert call["direction"] == "inbound" and call["caller"] == "+15550001111"
    assert call["caller_name"] == "Ann" and call["did"] == DID and call["origin"] == "control"
    assert call["state"] == "ringing" and call["queue_id"] == "q1"
    agents = mini.ok("GET", f"{T}/{tid}/agents")
    assert [(a["id"], a["state"], a["call_id"]) for a in agents] == [
        ("u1", "ringing", call["id"]), ("u2", "ringing", call["id"])]
    mini.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 4})
    calls = mini.ok("GET", f"{T}/{tid}/calls")
    assert len(calls) == 1 and calls[0]["state"] == "answered" and calls[0]["answered_by"] == "u1"
    assert [a["state"] for a in mini.ok("GET", f"{T}/{tid}/agents")] == ["on_call", "idle"]


@pytest.mark.parametrize("body, status", [
    ({"from": "+1555", "to": "12345"}, 409),       # nothing answers on that number
    ({"from": "+1555"}, 400), ({"to": DID}, 400), ({"from": 1, "to": DID}, 400), ([], 400),
])
def test_bad_injected_calls_change_nothing(mini: MiniEmu, body: Any, status: int) -> None:
    tid = mini.create()["id"]
    before = mini.ok("GET", f"{T}/{tid}/snapshot")
    r = mini.client.post(f"{T}/{tid}/calls", json=body)
    assert r.status_code == status and r.json()["error"]
    assert mini.ok("GET", f"{T}/{tid}/snapshot") == before


def test_webhook_journal_filters_by_state_and_since(mini: MiniEmu) -> None:
    tid = mini.create()["id"]
    mini.ok("POST", f"{T}/{tid}/calls", 201, json={"from": "+15550001111", "to": DID})
    hooks = mini.ok("GET", f"{T}/{tid}/journal/webhooks")
    assert hooks and all(h["state"] == "no_target" for h in hooks)
    assert mini.ok("GET", f"{T}/{tid}/journal/webhooks", params={"state": "delivered"}) == []
    assert mini.ok("GET", f"{T}/{tid}/journal/webhooks", params={"since": 1}) == hooks[1:]
