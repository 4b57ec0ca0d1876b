"""Control plane: tenants (create, list, get, delete, reset) and their validation."""

from __future__ import annotations

from typing import Any

import pytest

from support.harness import JSON_BODY, START, MiniEmu, T
from support.minivendor import DEFAULT_TOKEN

TENANT_PATHS = [("GET", ""), ("DELETE", ""), ("POST", "/reset"), ("GET", "/clock"), ("PUT", "/clock"),
                ("POST", "/clock/advance"), ("GET", "/journal/requests"), ("GET", "/journal/webhooks"),
                ("POST", "/journal/webhooks/whd_000001/redeliver"), ("GET", "/events"), ("GET", "/calls"),
                ("POST", "/calls"), ("GET", "/agents"), ("GET", "/snapshot"), ("POST", "/restore"),
                ("GET", "/settings"), ("PATCH", "/settings")]


def test_health(mini: MiniEmu) -> None:
    assert mini.ok("GET", "/_emulator/health") == {"status": "ok", "vendor": "mini", "tenants": 1, "failed": []}


def test_create_returns_fresh_credentials_that_work_at_once(mini: MiniEmu) -> None:
    info = mini.create()
    assert info["id"] == "t0001" and info["vendor"] == "mini" and info["seed"] == 0
    token = info["credentials"]["token"]
    assert len(token) == 40 and token != DEFAULT_TOKEN
    assert info["clock"]["now"] == START and info["clock"]["mode"] == "manual"
    assert info["calls"] == 0 and info["agents"] == 2 and info["queues"] == 1
    assert mini.api("GET", "/v1/agents", token).status_code == 200
    assert mini.ok("GET", f"{T}/t0001") == info
    assert mini.ok("GET", "/_emulator/health")["tenants"] == 2


def test_create_with_id_seed_settings_and_credentials(mini: MiniEmu) -> None:
    info = mini.create(id="team-a_1", seed=42, credentials={"token": "my-own-token"},
                       settings={"timezone": "Europe/Prague", "rate_limit": {"limit": 7}})
    assert info["id"] == "team-a_1" and info["seed"] == 42
    assert info["credentials"] == {"token": "my-own-token"}
    settings = mini.ok("GET", f"{T}/team-a_1/settings")
    assert settings["timezone"] == "Europe/Prague"
    assert settings["rate_limit"] == {"limit": 7, "window": 60}  # merged over the dialect's
    assert mini.api("GET", "/v1/agents", "my-own-token").status_code == 200


def test_list_tenants_in_creation_order(mini: MiniEmu) -> None:
    made = [mini.create()["id"] for _ in range(3)]
    listed = mini.ok("GET", T)
    assert [t["id"] for t in listed] == ["default", *made]
    assert listed[0]["credentials"] == {"token": DEFAULT_TOKEN}


@pytest.mark.parametrize("body, message", [
    ({"seed": "1"}, "seed must be an integer"),
    ({"seed": 1.5}, "seed must be an integer"),
    ({"seed": True}, "seed must be an integer"),
    ({"id": "a b"}, "id must be 1 to 64 letters, digits, - or _"),
    ({"id": ""}, "id must be 1 to 64 letters, digits, - or _"),
    ({"id": 7}, "id must be 1 to 64 letters, digits, - or _"),
    ({"id": "../x"}, "id must be 1 to 64 letters, digits, - or _"),
    ({"id": "x" * 65}, "id must be 1 to 64 letters, digits, - or _"),
    ({"id": "caf\u00e9"}, "id must be 1 to 64 letters, digits, - or _"),
    ({"id": "t1\n"}, "id must be 1 to 64 letters, digits, - or _"),
    ({"credentials": {"token": 5}}, "credentials must map names to strings"),
    ({"credentials": ["x"]}, "credentials must map names to strings"),
    ({"settings": {"rate_limit": {"limit": -1}}}, "rate_limit/limit: -1 is less than the minimum of 0"),
    ({"settings": {"timezone": "Mars/Base"}}, "timezone: unknown zone 'Mars/Base'"),
    ({"settings": {"ip_whitelist": ["not-an-ip"]}}, "ip_whitelist: 'not-an-ip' is not an IP address or network"),
    ({"settings": {"clock": {"start": "yesterday"}}}, "clock/start: 'yesterday' is not an ISO 8601 instant"),
    ({"settings": {"clock": {"mode": "fast"}}}, "clock/mode: 'fast' is not one of ['manual', 'auto', 'realtime']"),
    ({"settings": "x"}, "settings must be a JSON object"),
    ({"settings": {"clock": {"start": "0001-01-01T00:00:00Z"}}},
     "clock/start: '0001-01-01T00:00:00Z' is not between 1970-02 and 3000-01-01"),
    ({"settings": {"clock": {"speed": 1e6}}}, "clock/speed: 1000000.0 is greater than the maximum of 100000"),
])
def test_bad_create_is_400_and_creates_nothing(mini: MiniEmu, body: dict[str, Any], message: str) -> None:
    r = mini.client.post(T, json=body)
    assert (r.status_code, r.json()) == (400, {"error": message})
    assert [t["id"] for t in mini.ok("GET", T)] == ["default"]


@pytest.mark.parametrize("raw", [b"[1]", b'"x"', b"{", b"null"])
def test_create_with_a_non_object_body_is_400(mini: MiniEmu, raw: bytes) -> None:
    r = mini.client.post(T, content=raw, headers=JSON_BODY)
    assert r.status_code == 400
    assert r.json()["error"] in ("body must be a JSON object", "body is not valid JSON")


def test_duplicate_id_or_credential_is_409_and_creates_nothing(mini: MiniEmu) -> None:
    mini.create(id="dup", credentials={"token": "taken"})
    r = mini.client.post(T, json={"id": "dup"})
    assert (r.status_code, r.json()) == (409, {"error": "tenant exists: dup"})
    r = mini.client.post(T, json={"id": "other", "credentials": {"token": "taken"}})
    assert r.status_code == 409 and "credential token already in use" in r.json()["error"]
    r = mini.client.post(T, json={"credentials": {"token": DEFAULT_TOKEN}})
    assert r.status_code == 409
    assert [t["id"] for t in mini.ok("GET", T)] == ["default", "dup"]
    assert mini.registry.find("mini", "taken") is mini.tenant("dup")


def test_delete_then_gone_everywhere(mini: MiniEmu) -> None:
    info = mini.create()
    tid = info["id"]
    assert mini.ok("DELETE", f"{T}/{tid}") == {"deleted": tid}
    assert mini.client.get(f"{T}/{tid}").status_code == 404
    assert mini.client.delete(f"{T}/{tid}").status_code == 404
    assert mini.api("GET", "/v1/calls", info["credentials"]["token"]).status_code == 401
    # the id is free again, with new credentials: the old ones stay revoked
    again = mini.create(id=tid)["credentials"]["token"]
    assert again != info["credentials"]["token"]
    assert mini.api("GET", "/v1/calls", info["credentials"]["token"]).status_code == 401
    assert mini.api("GET", "/v1/calls", again).status_code == 200


def test_the_default_tenant_cannot_be_deleted(mini: MiniEmu) -> None:
    r = mini.client.delete(f"{T}/default")
    assert (r.status_code, r.json()) == (409, {"error": "the default tenant cannot be deleted; reset it instead"})
    assert mini.api("GET", "/v1/calls", DEFAULT_TOKEN).status_code == 200


@pytest.mark.parametrize("method, path", TENANT_PATHS)
def test_every_tenant_endpoint_answers_404_for_an_unknown_tenant(mini: MiniEmu, method: str, path: str) -> None:
    r = mini.client.request(method, f"{T}/nobody{path}", json={})
    assert (r.status_code, r.json()) == (404, {"error": "no tenant 'nobody' for mini"})


def test_unknown_control_path_and_wrong_method(mini: MiniEmu) -> None:
    assert mini.client.get("/_emulator/nothing").status_code == 404
    assert mini.client.put(T).status_code == 405
    assert mini.client.post(f"{T}/default/snapshot").status_code == 405


def test_reset_one_tenant_leaves_the_others(mini: MiniEmu) -> None:
    a, b = mini.create(), mini.create()
    for info in (a, b):
        mini.api("POST", "/v1/calls", info["credentials"]["token"], json={"extension": "201", "to": "+1555"})
    mini.ok("POST", f"{T}/{a['id']}/reset")
    assert mini.ok("GET", f"{T}/{a['id']}")["calls"] == 0
    assert mini.ok("GET", f"{T}/{b['id']}")["calls"] == 1


def test_new_credentials_are_random_not_derived_from_the_id(mini: MiniEmu) -> None:
    import hashlib
    a, b = mini.create(), mini.create()
    for info in (a, b):
        token = info["credentials"]["token"]
        assert len(token) == 40 and all(c in "0123456789abcdef" for c in token)
        assert token != hashlib.sha1(f"telemock:mini:{info['id']}:".encode()).hexdigest()
    assert a["credentials"] != b["credentials"]
    other = MiniEmu()  # another server: the same id gets another key
    try:
        assert other.create(id=a["id"])["credentials"] != a["credentials"]
    finally:
        other.close()


def test_one_tenant_cannot_read_anothers_calls_with_a_guessed_key(mini: MiniEmu) -> None:
    import hashlib
    a, b = mini.create(), mini.create()
    mini.api("POST", "/v1/calls", b["credentials"]["token"], json={"extension": "201", "to": "+1555"})
    guessed = hashlib.sha1(f"telemock:mini:{b['id']}:".encode()).hexdigest()
    assert mini.api("GET", "/v1/calls", guessed).status_code == 401
    assert mini.api("GET", "/v1/calls", a["credentials"]["token"]).json() != \
        mini.api("GET", "/v1/calls", b["credentials"]["token"]).json()
