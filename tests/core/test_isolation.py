"""Two tenants never see each other's data (Hypothesis property over control-plane actions).

Property: whatever is done to tenant ``a`` in between, tenant ``b`` ends in exactly the state of
a tenant ``b`` that lived alone in its own registry and got only ``b``'s actions: same
snapshot, same vendor API answers, same statuses along the way.
"""

from __future__ import annotations

import itertools
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.harness import MiniEmu, T
from support.minivendor import DID

ACTIONS = st.one_of(
    st.tuples(st.just("call"), st.sampled_from(["201", "202", "299"]), st.sampled_from(["+15557654321", "202"])),
    st.tuples(st.just("inbound"), st.sampled_from(["+15550001111", "+15550002222"]),
              st.sampled_from([DID, "600", "201", "999"])),
    st.tuples(st.just("advance"), st.integers(0, 400)),
    st.tuples(st.just("list"), st.integers(-1, 30)),
    st.tuples(st.just("reset")),
    st.tuples(st.just("settings"), st.sampled_from([
        {"timezone": "Europe/Prague"}, {"rate_limit": {"limit": 3}}, {"sim": {"talk_min": 5, "talk_max": 9}},
        {"sim": {"hangup_by": "agent"}}, {"timezone": "Mars/Base"}])),
    st.tuples(st.just("restore")),
)
STEPS = st.lists(st.tuples(st.sampled_from("ab"), ACTIONS), min_size=1, max_size=14)


def apply(emu: MiniEmu, tid: str, token: str, action: tuple[Any, ...]) -> Any:
    """Do one action through HTTP; return what the client saw (status and body)."""
    kind = action[0]
    base = f"{T}/{tid}"
    if kind == "call":
        r = emu.api("POST", "/v1/calls", token, json={"extension": action[1], "to": action[2]})
    elif kind == "inbound":
        r = emu.client.post(base + "/calls", json={"from": action[1], "to": action[2]})
    elif kind == "advance":
        r = emu.client.post(base + "/clock/advance", json={"seconds": action[1]})
    elif kind == "list":
        r = emu.api("GET", "/v1/calls", token, params={"limit": action[1]})
    elif kind == "reset":
        r = emu.client.post(base + "/reset")
    elif kind == "settings":
        r = emu.client.patch(base + "/settings", json=action[1])
    else:
        snap = emu.ok("GET", base + "/snapshot")
        r = emu.client.post(base + "/restore", json=snap)
    return r.status_code, r.content


def state_of(emu: MiniEmu, tid: str, token: str) -> dict[str, Any]:
    snap = emu.ok("GET", f"{T}/{tid}/snapshot")
    for entry in snap["requests"]["entries"]:
        entry.pop("wall")  # the wall-clock time of a request is the one thing that may differ
    return {"snapshot": snap,
            "calls_api": emu.api("GET", "/v1/calls", token, params={"limit": 1000}).content,
            "info": emu.ok("GET", f"{T}/{tid}")}


@pytest.fixture(scope="module")
def two_registries() -> Iterator[tuple[MiniEmu, MiniEmu]]:
    """A shared registry and a solo one, reused by every example (each uses new tenant ids)."""
    shared, alone = MiniEmu(), MiniEmu()
    yield shared, alone
    shared.close()
    alone.close()


_example = itertools.count(1)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_a_tenant_is_unaffected_by_anything_done_to_another(
        two_registries: tuple[MiniEmu, MiniEmu], steps: list[tuple[str, tuple[Any, ...]]]) -> None:
    shared, alone = two_registries
    n = next(_example)
    ids = {"a": f"a{n}", "b": f"b{n}"}
    tokens = {t: f"token-{ids[t]}" for t in "ab"}  # fixed: new tenants' own are random
    for t in "ab":
        shared.create(id=ids[t], credentials={"token": tokens[t]})
    alone.create(id=ids["b"], credentials={"token": tokens["b"]})
    for target, action in steps:
        seen = apply(shared, ids[target], tokens[target], action)
        if target == "b":
            assert seen == apply(alone, ids["b"], tokens["b"], action), action
    assert state_of(shared, ids["b"], tokens["b"]) == state_of(alone, ids["b"], tokens["b"])
    # Credentials address their own tenant only.
    assert shared.registry.find("mini", tokens["a"]) is shared.tenant(ids["a"])
    assert shared.registry.find("mini", tokens["b"]) is shared.tenant(ids["b"])
    for emu, tids in ((shared, ids.values()), (alone, [ids["b"]])):
        for tid in tids:
            emu.ok("DELETE", f"{T}/{tid}")


def test_deleting_a_tenant_leaves_the_other_and_revokes_its_credentials(mini: MiniEmu) -> None:
    a, b = mini.create(), mini.create()
    r = mini.api("POST", "/v1/calls", b["credentials"]["token"], json={"extension": "201", "to": "+1555"})
    assert r.status_code == 201
    before = mini.ok("GET", f"{T}/{b['id']}/snapshot")
    assert mini.ok("DELETE", f"{T}/{a['id']}") == {"deleted": a["id"]}
    assert mini.api("GET", "/v1/calls", a["credentials"]["token"]).status_code == 401
    assert mini.ok("GET", f"{T}/{b['id']}/snapshot") == before
    assert [t["id"] for t in mini.ok("GET", T)] == ["default", b["id"]]
