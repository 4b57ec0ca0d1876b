"""Tenant worlds through HTTP: seeding, reset, snapshot/restore, determinism, auto clock.

The ``mini`` test vendor (minivendor.py) gives a vendor API over the real core; the control
plane is the real one.
"""

from __future__ import annotations

from typing import Any

from support.harness import START, MiniEmu, T, new_registry, wait_until
from support.minivendor import DEFAULT_TOKEN, DID


def place_call(emu: MiniEmu, token: str, extension: str = "201", to: str = "+15557654321") -> dict[str, Any]:
    r = emu.api("POST", "/v1/calls", token, json={"extension": extension, "to": to})
    assert r.status_code == 201, r.text
    return r.json()


def listing(emu: MiniEmu, token: str) -> bytes:
    r = emu.api("GET", "/v1/calls", token, params={"limit": 1000})
    assert r.status_code == 200, r.text
    return r.content


def observable(emu: MiniEmu, tid: str, token: str) -> dict[str, Any]:
    """Everything a client can read about a tenant (vendor API and control plane)."""
    base = f"{T}/{tid}"
    return {"calls_api": listing(emu, token), "agents_api": emu.api("GET", "/v1/agents", token).content,
            "calls": emu.ok("GET", base + "/calls"), "agents": emu.ok("GET", base + "/agents"),
            "events": emu.ok("GET", base + "/events"), "clock": emu.ok("GET", base + "/clock"),
            "settings": emu.ok("GET", base + "/settings"),
            "webhooks": emu.ok("GET", base + "/journal/webhooks")}


def busy_day(emu: MiniEmu, tid: str, token: str) -> None:
    """A few calls of every kind, half-way through: some ended, some live, timers pending."""
    place_call(emu, token, "201")
    emu.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 30})
    emu.ok("POST", f"{T}/{tid}/calls", 201, json={"from": "+15550001111", "to": DID})
    emu.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 400})
    emu.ok("POST", f"{T}/{tid}/calls", 201, json={"from": "+15550002222", "to": DID})
    emu.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 2})


# -- seed ------------------------------------------------------------------------------------
def test_default_tenant_is_seeded_with_directory_history_and_credentials(mini: MiniEmu) -> None:
    info = mini.ok("GET", f"{T}/default")
    assert info["credentials"] == {"token": DEFAULT_TOKEN}
    assert info["agents"] == 2 and info["queues"] == 1 and info["calls"] == 0
    assert info["history"] > 5
    calls = mini.api("GET", "/v1/calls", DEFAULT_TOKEN, params={"limit": 1000}).json()
    assert len(calls) == info["history"]
    starts = [c["start"] for c in calls]
    assert starts == sorted(starts, reverse=True)
    assert all(c["end"] is not None and c["end"] <= "2026-01-05T14:00:00Z" for c in calls)
    assert {c["disposition"] for c in calls} >= {"answered"}


def test_same_seed_same_world_other_seed_other_history(mini: MiniEmu) -> None:
    a = mini.create(seed=5)
    b = mini.create(seed=5)
    c = mini.create(seed=6)
    la = listing(mini, a["credentials"]["token"])
    assert la == listing(mini, b["credentials"]["token"])
    assert la != listing(mini, c["credentials"]["token"])


def test_same_requests_give_the_same_ids_and_bytes() -> None:
    runs = []
    for _ in range(2):
        emu = MiniEmu()
        try:
            tid = emu.create(id="same")["id"]
            token = emu.ok("GET", f"{T}/{tid}")["credentials"]["token"]
            busy_day(emu, tid, token)
            emu.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 1000})
            runs.append(observable(emu, tid, token))
        finally:
            emu.close()
    assert runs[0] == runs[1]
    assert b'"state":"ended"' in runs[0]["calls_api"]


# -- reset -----------------------------------------------------------------------------------
def test_reset_returns_to_the_seed_but_keeps_credentials_and_creation_settings(mini: MiniEmu) -> None:
    info = mini.create(settings={"timezone": "Europe/Prague"})
    tid, token = info["id"], info["credentials"]["token"]
    fresh = observable(mini, tid, token)
    busy_day(mini, tid, token)
    mini.ok("PATCH", f"{T}/{tid}/settings", json={"ip_whitelist": ["10.0.0.0/8"]})
    assert observable(mini, tid, token) != fresh
    after = mini.ok("POST", f"{T}/{tid}/reset")
    assert after["credentials"] == info["credentials"] and after["calls"] == 0
    assert after["clock"]["now"] == START and after["clock"]["pending_timers"] == 0
    assert observable(mini, tid, token) == fresh
    assert mini.ok("GET", f"{T}/{tid}/settings")["timezone"] == "Europe/Prague"
    assert mini.ok("GET", f"{T}/{tid}/journal/requests")[0]["seq"] == 1


def test_reset_gives_the_same_snapshot_as_a_new_tenant_with_that_seed(mini: MiniEmu) -> None:
    a = mini.create(id="a", seed=3)
    mini.create(id="b", seed=3)
    busy_day(mini, "a", a["credentials"]["token"])
    mini.ok("POST", f"{T}/a/reset")
    snap_a, snap_b = mini.ok("GET", f"{T}/a/snapshot"), mini.ok("GET", f"{T}/b/snapshot")
    snap_b["tenant"] = "a"
    assert snap_a == snap_b


def test_reset_all_leaves_only_a_fresh_default(mini: MiniEmu) -> None:
    fresh = observable(mini, "default", DEFAULT_TOKEN)
    other = mini.create()
    busy_day(mini, "default", DEFAULT_TOKEN)
    assert mini.ok("POST", "/_emulator/reset") == {"reset": "mini", "tenants": ["default"]}
    assert [t["id"] for t in mini.ok("GET", T)] == ["default"]
    assert mini.api("GET", "/v1/calls", other["credentials"]["token"]).status_code == 401
    assert observable(mini, "default", DEFAULT_TOKEN) == fresh


# -- snapshot / restore ----------------------------------------------------------------------
def test_snapshot_restore_gives_identical_state_and_identical_answers(mini: MiniEmu) -> None:
    info = mini.create(seed=9)
    tid, token = info["id"], info["credentials"]["token"]
    busy_day(mini, tid, token)
    snap = mini.ok("GET", f"{T}/{tid}/snapshot")
    seen = observable(mini, tid, token)
    assert seen["clock"]["pending_timers"] > 0  # the live calls' future is part of the snapshot
    # Diverge, then come back.
    mini.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 5000})
    busy_day(mini, tid, token)
    assert observable(mini, tid, token)["calls"] != seen["calls"]
    mini.ok("POST", f"{T}/{tid}/restore", json=snap)
    assert mini.ok("GET", f"{T}/{tid}/snapshot") == snap
    assert observable(mini, tid, token) == seen


def test_restored_tenant_has_the_same_future(mini: MiniEmu) -> None:
    """Timers are data: what happens after a restore is what would have happened anyway."""
    info = mini.create(seed=2)
    tid, token = info["id"], info["credentials"]["token"]
    busy_day(mini, tid, token)
    snap = mini.ok("GET", f"{T}/{tid}/snapshot")
    mini.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 900})
    place_call(mini, token, "202")
    mini.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 900})
    straight = observable(mini, tid, token)
    mini.ok("POST", f"{T}/{tid}/restore", json=snap)
    mini.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 900})
    place_call(mini, token, "202")
    mini.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 900})
    assert observable(mini, tid, token) == straight


def test_a_snapshot_can_be_restored_into_another_tenant_which_keeps_its_credentials(mini: MiniEmu) -> None:
    a = mini.create(seed=4)
    b = mini.create(seed=11)
    busy_day(mini, a["id"], a["credentials"]["token"])
    mini.ok("POST", f"{T}/{b['id']}/restore", json=mini.ok("GET", f"{T}/{a['id']}/snapshot"))
    assert mini.ok("GET", f"{T}/{b['id']}")["credentials"] == b["credentials"]
    assert listing(mini, b["credentials"]["token"]) == listing(mini, a["credentials"]["token"])


def test_a_bad_snapshot_is_refused_and_changes_nothing(mini: MiniEmu) -> None:
    info = mini.create()
    tid, token = info["id"], info["credentials"]["token"]
    busy_day(mini, tid, token)
    before = mini.ok("GET", f"{T}/{tid}/snapshot")
    broken = dict(before)
    broken["calls"] = [{"id": "x"}]  # missing fields
    for bad in (broken, {**before, "vendor": "other"}, {**before, "version": 99}, {}, [1, 2], "x"):
        r = mini.client.post(f"{T}/{tid}/restore", json=bad)
        assert r.status_code == 400, (bad if not isinstance(bad, dict) else list(bad), r.text)
    assert mini.ok("GET", f"{T}/{tid}/snapshot") == before


# -- auto clock ------------------------------------------------------------------------------
def test_auto_clock_runs_calls_to_their_end_on_the_registry_tick() -> None:
    registry = new_registry()
    auto = registry.create("mini", "auto", settings={"clock": {"mode": "auto"}})
    manual = registry.create("mini", "manual")
    emu = MiniEmu(registry=registry)
    try:
        emu.client.portal.call(registry.stop)  # stop the background ticker: tick by hand below
        for tid in ("auto", "manual"):
            token = registry.get("mini", tid).credentials["token"]  # type: ignore[union-attr]
            place_call(emu, token)
        assert auto.clock.pending() > 0
        registry.tick()
        assert auto.clock.pending() == 0
        assert [c["state"] for c in emu.ok("GET", f"{T}/auto/calls")] == ["ended"]
        assert auto.now() > START  # it jumped to each timer in turn
        assert manual.now() == START and manual.clock.pending() > 0
        assert [c["state"] for c in emu.ok("GET", f"{T}/manual/calls")] == ["dialing"]
    finally:
        emu.client.portal.call(registry.start)
        emu.close()


def test_switching_a_tenant_to_auto_lets_the_server_finish_its_calls(mini: MiniEmu) -> None:
    info = mini.create()
    tid, token = info["id"], info["credentials"]["token"]
    place_call(mini, token)
    assert mini.ok("PUT", f"{T}/{tid}/clock", json={"mode": "auto"})["mode"] == "auto"
    calls = wait_until(lambda: [c for c in mini.ok("GET", f"{T}/{tid}/calls") if c["state"] == "ended"],
                       what="the auto clock to end the call")
    assert calls[0]["disposition"] == "answered"
