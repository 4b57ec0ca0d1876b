"""Bad input never yields a 5xx from the control plane, and never leaves a tenant broken.

TestClient re-raises any exception of the app, so a 500 fails these tests with its traceback.
After every request the tenant must still answer its clock, info, snapshot and the vendor API.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.harness import JSON_BODY, MiniEmu, T

SUPPRESS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]

NUMBERS = st.one_of(st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([0, -1, 1e308, -1e308, 1e20, 2**63, 10**400, -10**400]))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=12),
                    st.sampled_from(["2026-01-05T14:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
                                     "auto", "manual", "realtime", "UTC", "Mars/Base", "127.0.0.1",
                                     "10.0.0.0/8", "form", "json", "+15550100", "600", "201"]))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                    max_leaves=12)
KEYS = ["seconds", "to", "now", "mode", "speed", "seed", "id", "settings", "credentials", "from", "name",
        "timezone", "rate_limit", "limit", "window", "ip_whitelist", "webhooks", "url", "max_attempts",
        "backoff_base", "backoff_factor", "backoff_max", "timeout", "ordered", "encoding", "sim",
        "talk_min", "talk_max", "answer_after", "ring_timeout", "hangup_by", "events_keep", "clock", "start"]
NEAR = st.recursive(SCALARS, lambda inner: st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
                    max_leaves=10)
BODIES = st.one_of(JSON.map(lambda v: json.dumps(v).encode()), NEAR.map(lambda v: json.dumps(v).encode()),
                   st.binary(max_size=40), st.just(b""))
PATHS = ["", "/reset", "/clock", "/clock/advance", "/journal/requests", "/journal/webhooks",
         "/journal/webhooks/whd_000001/redeliver", "/events", "/calls", "/agents", "/snapshot",
         "/restore", "/settings"]


@pytest.fixture(scope="module")
def fuzz_emu() -> Iterator[MiniEmu]:
    emu = MiniEmu()
    emu.create(id="f")
    yield emu
    emu.close()


def still_healthy(emu: MiniEmu, tid: str = "f") -> None:
    if emu.registry.get("mini", tid) is None:
        emu.create(id=tid)
    for path in ("", "/clock", "/snapshot", "/settings", "/calls", "/agents", "/events"):
        r = emu.client.get(f"{T}/{tid}{path}")
        assert r.status_code == 200, (path, r.text)
    token = emu.tenant(tid).credentials["token"]
    for method, path in (("GET", "/v1/calls"), ("GET", "/v1/agents")):
        assert emu.api(method, path, token).status_code < 500
    r = emu.client.post(f"{T}/{tid}/clock/advance", json={"seconds": 1})
    assert r.status_code in (200, 400), r.text


@settings(max_examples=60, deadline=None, suppress_health_check=SUPPRESS)
@given(method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
       tid=st.sampled_from(["f", "f", "default", "nobody", "%2e%2e", "f%00"]),
       path=st.sampled_from(PATHS), body=BODIES,
       query=st.dictionaries(st.sampled_from(["since", "state", "type"]), st.text(max_size=6), max_size=2))
def test_tenant_endpoints_never_5xx(fuzz_emu: MiniEmu, method: str, tid: str, path: str, body: bytes,
                                   query: dict[str, str]) -> None:
    r = fuzz_emu.client.request(method, f"{T}/{tid}{path}", content=body, params=query,
                                headers={"content-type": "application/json"})
    assert r.status_code < 500
    assert isinstance(r.json(), (dict, list))
    still_healthy(fuzz_emu)


@settings(max_examples=60, deadline=None, suppress_health_check=SUPPRESS)
@given(body=BODIES, path=st.sampled_from(["/_emulator/tenants", "/_emulator/reset", "/_emulator/health",
                                          "/_emulator/journal/unauthenticated"]))
def test_top_level_endpoints_never_5xx(fuzz_emu: MiniEmu, body: bytes, path: str) -> None:
    r = fuzz_emu.client.post(path, content=body, headers=JSON_BODY)
    assert r.status_code < 500
    if r.status_code == 201:
        still_healthy(fuzz_emu, r.json()["id"])
        fuzz_emu.ok("DELETE", f"{T}/{r.json()['id']}")
    if path == "/_emulator/reset":
        fuzz_emu.create(id="f")


@settings(max_examples=60, deadline=None, suppress_health_check=SUPPRESS)
@given(where=st.lists(st.sampled_from(["clock", "ids", "rng", "agents", "queues", "numbers", "calls", "events",
                                       "outbox", "requests", "limiter", "settings", "state", "parties",
                                       "seed", "overrides", "event_seq", "version", "vendor"]),
                      min_size=1, max_size=3),
       value=JSON, deep=st.booleans())
def test_restoring_a_damaged_snapshot_never_5xx_nor_breaks_the_tenant(
        fuzz_emu: MiniEmu, where: list[str], value: Any, deep: bool) -> None:
    snap = fuzz_emu.ok("GET", f"{T}/f/snapshot")
    for key in where:
        value = copy.deepcopy(value)
        target = snap[key]
        if deep and isinstance(target, dict) and target:
            target[sorted(target)[0]] = value
        elif deep and isinstance(target, list) and target and isinstance(target[0], dict) and target[0]:
            first = target[0]
            first[sorted(first)[0]] = value
        else:
            snap[key] = value
    r = fuzz_emu.client.post(f"{T}/f/restore", content=json.dumps(snap).encode(), headers=JSON_BODY)
    assert r.status_code in (200, 400), r.text
    still_healthy(fuzz_emu)
