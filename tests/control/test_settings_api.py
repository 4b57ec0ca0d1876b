"""Control plane: tenant settings (GET, PATCH deep-merge, validation, live effects)."""

from __future__ import annotations

from typing import Any

import pytest

from support.harness import JSON_BODY, MiniEmu, T


@pytest.fixture
def tenant(mini: MiniEmu) -> dict[str, Any]:
    return mini.create()


def test_effective_settings_merge_core_dialect_and_creation(mini: MiniEmu) -> None:
    info = mini.create(settings={"sim": {"talk_min": 5}})
    settings = mini.ok("GET", f"{T}/{info['id']}/settings")
    assert settings["rate_limit"] == {"limit": 50, "window": 60}         # the dialect's
    assert settings["sim"]["talk_min"] == 5 and settings["sim"]["talk_max"] == 180.0  # merged
    assert settings["webhooks"]["max_attempts"] == 8 and settings["timezone"] == "UTC"  # the core's


def test_patch_deep_merges_and_answers_the_effective_settings(mini: MiniEmu, tenant: dict[str, Any]) -> None:
    tid = tenant["id"]
    got = mini.ok("PATCH", f"{T}/{tid}/settings", json={"webhooks": {"url": "http://127.0.0.1:9/x"},
                                                        "ip_whitelist": ["10.0.0.0/8", "::1"]})
    assert got["webhooks"]["url"] == "http://127.0.0.1:9/x" and got["webhooks"]["max_attempts"] == 8
    assert got["ip_whitelist"] == ["10.0.0.0/8", "::1"]
    assert mini.ok("GET", f"{T}/{tid}/settings") == got
    got = mini.ok("PATCH", f"{T}/{tid}/settings", json={"ip_whitelist": []})
    assert got["ip_whitelist"] == [] and got["webhooks"]["url"] == "http://127.0.0.1:9/x"


def test_rate_limit_patch_takes_effect_at_once(mini: MiniEmu, tenant: dict[str, Any]) -> None:
    token = tenant["credentials"]["token"]
    mini.ok("PATCH", f"{T}/{tenant['id']}/settings", json={"rate_limit": {"limit": 1, "window": 30}})
    assert [mini.api("GET", "/v1/agents", token).status_code for _ in range(2)] == [200, 429]
    mini.ok("POST", f"{T}/{tenant['id']}/clock/advance", json={"seconds": 30})
    assert mini.api("GET", "/v1/agents", token).status_code == 200
    mini.ok("PATCH", f"{T}/{tenant['id']}/settings", json={"rate_limit": {"limit": 0}})
    assert all(mini.api("GET", "/v1/agents", token).status_code == 200 for _ in range(5))


@pytest.mark.parametrize("patch, message", [
    ({"rate_limit": {"limit": -1}}, "rate_limit/limit: -1 is less than the minimum of 0"),
    ({"rate_limit": {"window": 0}}, "rate_limit/window: 0 is less than or equal to the minimum of 0"),
    ({"rate_limit": {"per": 5}}, "rate_limit: Additional properties are not allowed ('per' was unexpected)"),
    ({"timezone": "Nowhere/City"}, "timezone: unknown zone 'Nowhere/City'"),
    ({"timezone": 5}, "timezone: 5 is not of type 'string'"),
    ({"ip_whitelist": "10.0.0.1"}, "ip_whitelist: '10.0.0.1' is not of type 'array'"),
    ({"ip_whitelist": ["10.0.0.1", "999.1.1.1"]}, "ip_whitelist: '999.1.1.1' is not an IP address or network"),
    ({"webhooks": {"encoding": "xml"}}, "webhooks/encoding: 'xml' is not one of ['form', 'json']"),
    ({"webhooks": {"max_attempts": 0}}, "webhooks/max_attempts: 0 is less than the minimum of 1"),
    ({"webhooks": {"backoff_factor": 0.5}}, "webhooks/backoff_factor: 0.5 is less than the minimum of 1"),
    ({"webhooks": {"ordered": "yes"}}, "webhooks/ordered: 'yes' is not of type 'boolean'"),
    ({"sim": {"hangup_by": "nobody"}}, "sim/hangup_by: 'nobody' is not one of ['caller', 'agent', 'remote']"),
    ({"events_keep": 0}, "events_keep: 0 is less than the minimum of 1"),
    ({"clock": {"mode": "auto"}}, "change the clock through /clock"),
    ({"rate_limit": {"window": 1e308}}, "rate_limit/window: 1e+308 is out of range"),
    ({"webhooks": {"backoff_factor": 10**400}}, "webhooks/backoff_factor: " + repr(10**400) + " is out of range"),
    ({"sim": {"talk_min": 1e10}}, "sim/talk_min: 10000000000.0 is out of range"),
    ({"timezone": "Europe"}, "timezone: unknown zone 'Europe'"),  # a tzdata directory
    ({"timezone": "x" * 300}, f"timezone: unknown zone {'x' * 64!r}"),  # too long a file name
    ({"timezone": "../../etc/passwd"}, "timezone: unknown zone '../../etc/passwd'"),
    ({"timezone": "zone.tab"}, "timezone: unknown zone 'zone.tab'"),
    ({"webhooks": {"url": "http://[::1"}}, "webhooks/url: 'http://[::1' is not a valid URL"),
    ({"webhooks": {"url": "http://127.0.0.1:99999/x"}},
     "webhooks/url: 'http://127.0.0.1:99999/x' has a port outside 1-65535"),
    ({"webhooks": {"url": "http://h:0/"}}, "webhooks/url: 'http://h:0/' has a port outside 1-65535"),
    ({"webhooks": {"url": "http://h:x/"}}, "webhooks/url: 'http://h:x/' is not a valid URL"),
    ({"webhooks": {"url": "ftp://h/x"}}, "webhooks/url: 'ftp://h/x' must start with http:// or https://"),
    ({"webhooks": {"url": "127.0.0.1:9000/hook"}},
     "webhooks/url: '127.0.0.1:9000/hook' must start with http:// or https://"),
    ({"webhooks": {"url": "http:///hook"}}, "webhooks/url: 'http:///hook' has no valid host"),
    ({"webhooks": {"url": "http://ex ample.com/"}}, "webhooks/url: 'http://ex ample.com/' has no valid host"),
    ({"webhooks": {"url": "http://h/\x00"}}, "webhooks/url: 'http://h/\\x00' is not a valid URL"),
    ({"webhooks": {"url": "http://h/" + "x" * 2050}},
     f"webhooks/url: {'http://h/' + 'x' * 91!r} is longer than 2048 characters"),
])
def test_invalid_patch_is_400_and_nothing_changes(mini: MiniEmu, tenant: dict[str, Any],
                                                  patch: dict[str, Any], message: str) -> None:
    tid = tenant["id"]
    before = mini.ok("GET", f"{T}/{tid}/snapshot")
    # a valid part next to the invalid one must not be applied either
    r = mini.client.patch(f"{T}/{tid}/settings", json={"timezone": "Europe/Prague", **patch})
    assert (r.status_code, r.json()) == (400, {"error": message})
    assert mini.ok("GET", f"{T}/{tid}/snapshot") == before


@pytest.mark.parametrize("raw", [b"[]", b'"x"', b"5", b"{oops"])
def test_non_object_patch_is_400(mini: MiniEmu, tenant: dict[str, Any], raw: bytes) -> None:
    before = mini.ok("GET", f"{T}/{tenant['id']}/settings")
    r = mini.client.patch(f"{T}/{tenant['id']}/settings", content=raw, headers=JSON_BODY)
    assert r.status_code == 400
    assert mini.ok("GET", f"{T}/{tenant['id']}/settings") == before


def test_an_empty_patch_changes_nothing(mini: MiniEmu, tenant: dict[str, Any]) -> None:
    before = mini.ok("GET", f"{T}/{tenant['id']}/settings")
    assert mini.ok("PATCH", f"{T}/{tenant['id']}/settings", json={}) == before


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x", "https://hooks.example.com/a?b=c#d",
                                 "http://[::1]:8080/", "HTTP://Receiver:1/", "http://my_service:65535/hook",
                                 "https://user:pw@h.example/", "http://b\u00fccher.example/", ""])
def test_webhook_urls_the_dispatcher_can_send_to_are_accepted(mini: MiniEmu, tenant: dict[str, Any],
                                                              url: str) -> None:
    got = mini.ok("PATCH", f"{T}/{tenant['id']}/settings", json={"webhooks": {"url": url}})
    assert got["webhooks"]["url"] == url


def test_a_snapshot_with_a_bad_webhook_url_is_not_restored(mini: MiniEmu, tenant: dict[str, Any]) -> None:
    tid = tenant["id"]
    snap = mini.ok("GET", f"{T}/{tid}/snapshot")
    bad = {**snap, "settings": {**snap["settings"], "webhooks": {**snap["settings"]["webhooks"],
                                                                 "url": "http://[::1"}}}
    assert mini.client.post(f"{T}/{tid}/restore", json=bad).status_code == 400
    assert mini.ok("GET", f"{T}/{tid}/snapshot") == snap


def test_a_bad_webhook_url_is_refused_at_creation_too(mini: MiniEmu) -> None:
    r = mini.client.post(T, json={"settings": {"webhooks": {"url": "http://h:99999/"}}})
    assert r.status_code == 400
    assert r.json() == {"error": "webhooks/url: 'http://h:99999/' has a port outside 1-65535"}
    assert [t["id"] for t in mini.ok("GET", T)] == ["default"]
