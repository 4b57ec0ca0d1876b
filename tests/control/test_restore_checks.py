"""Restore checks the whole snapshot before it changes anything, and one tenant's raising timer
stops that tenant only.

Everything goes through HTTP. The ``mini`` vendor's ``POST /v1/boom`` sets a timer whose handler
raises (a vendor bug on demand); restored snapshots get their damage by editing their JSON.
"""

from __future__ import annotations

import copy
import logging
from typing import Any, Callable

import pytest

from support.harness import START, MiniEmu, T, new_registry, wait_until
from support.minivendor import BOOM, DID


def busy(mini: MiniEmu, tid: str, settled: bool = True) -> str:
    """Give a tenant live calls (ringing legs, a queued caller), and so pending timers (unless
    its clock runs by itself: ``settled=False``); its token."""
    token = mini.tenant(tid).credentials["token"]
    r = mini.api("POST", "/v1/calls", token, json={"extension": "201", "to": "+15557654321"})
    assert r.status_code == 201, r.text
    mini.ok("POST", f"{T}/{tid}/calls", 201, json={"from": "+15550199", "to": DID})
    if settled:
        assert mini.ok("GET", f"{T}/{tid}/clock")["pending_timers"] > 0
    return token


def snapshot(mini: MiniEmu, tid: str) -> dict[str, Any]:
    return mini.ok("GET", f"{T}/{tid}/snapshot")


def refused(mini: MiniEmu, tid: str, snap: Any, where: str) -> str:
    """Restore ``snap``: it must be refused with 400 naming ``where``, the tenant untouched."""
    before = mini.client.get(f"{T}/{tid}/snapshot").content
    r = mini.client.post(f"{T}/{tid}/restore", json=snap)
    assert r.status_code == 400, r.text
    message = r.json()["error"]
    assert message.startswith(f"not a valid snapshot: {where}"), message
    assert mini.client.get(f"{T}/{tid}/snapshot").content == before
    return message


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def first_timer(snap: dict[str, Any], kind: str) -> list[Any]:
    return next(t for t in snap["clock"]["timers"] if t[2] == kind)


# -- timers ----------------------------------------------------------------------------------
BAD_TIMERS: list[tuple[str, Callable[[list[Any], list[list[Any]]], Any], str]] = [
    ("payload without call or leg", lambda t, _: t[3].clear(), "[3].call: missing"),
    ("payload a list", lambda t, _: t.__setitem__(3, ["call"]), "[3]: not an object"),
    ("call that does not exist", lambda t, _: t[3].update(call="9.9"), "[3].call: '9.9' is no call"),
    ("leg of another call", lambda t, _: t[3].update(leg="nope"), "[3].leg: 'nope' is no leg"),
    ("a list as the call id", lambda t, _: t[3].update(call=["x"]), "[3].call: ['x'] is no call"),
    ("key the kind does not read", lambda t, _: t[3].update(extra=1), "[3].extra: not a key"),
    ("unknown kind", lambda t, _: t.__setitem__(2, "no.such"), "[2]: 'no.such' is not a timer kind"),
    ("due in the year 10000", lambda t, _: t.__setitem__(0, 2.6e11), "[0]: 260000000000.0 is"),
    ("sequence number of another timer", lambda t, timers: timers.append([*t[:3], dict(t[3])]),
     "[1]: {seq} is not a fresh sequence number"),
    ("sequence number beyond clock.seq", lambda t, _: t.__setitem__(1, 10 ** 6), "[1]: 1000000 is not"),
]


@pytest.mark.parametrize("name, damage, where", BAD_TIMERS, ids=[b[0] for b in BAD_TIMERS])
def test_a_timer_that_does_not_fit_its_kind_is_refused_and_every_clock_keeps_running(
        name: str, damage: Callable[[list[Any], list[list[Any]]], Any], where: str) -> None:
    registry = new_registry()
    registry.create("mini", "other", settings={"clock": {"mode": "auto"}})
    mini = MiniEmu(registry=registry)
    try:
        mini.create(id="a")
        busy(mini, "a")
        snap = snapshot(mini, "a")
        timers = snap["clock"]["timers"]
        i = next(n for n, t in enumerate(timers) if t[2] == "leg.answer")
        damage(timers[i], timers)
        if "{seq}" in where:  # the copy appended last repeats timer i's number
            i, where = len(timers) - 1, where.format(seq=timers[i][1])
        refused(mini, "a", snap, f"clock.timers[{i}]{where}")
        # The shared ticker still runs every auto clock: the other tenant's calls end.
        busy(mini, "other", settled=False)
        wait_until(lambda: all(c["state"] == "ended" for c in mini.ok("GET", f"{T}/other/calls")),
                   what="the other tenant's auto clock to end its calls")
        assert mini.ok("GET", "/_emulator/health")["failed"] == []
    finally:
        mini.close()


# -- settings, references, the clock ------------------------------------------------------------
def test_a_snapshot_with_empty_settings_is_refused_on_voipcloud(emu_factory: Any) -> None:
    emu = emu_factory("voipcloud")
    client = emu.client("voipcloud")
    before = client.get(f"{T}/default/snapshot")
    snap = before.json()
    snap["settings"] = {}
    r = client.post(f"{T}/default/restore", json=snap)
    assert r.status_code == 400 and r.json()["error"] == "not a valid snapshot: settings.timezone: missing"
    assert client.get(f"{T}/default/snapshot").content == before.content
    key = client.get(f"{T}/default").json()["credentials"]["api_key"]
    r = client.get("/api/integration/v1/get-user-calls", headers={"token": key})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("patch, where", [
    ({"timezone": "Mars/Base"}, "settings: timezone: unknown zone"),
    ({"webhooks": {"timeout": "5"}}, "settings: webhooks/timeout"),
    ({"sim": {"talk_min": 1e300}}, "settings: sim/talk_min"),
    ({"voipcloud": []}, "settings.voipcloud: not an object"),
])
def test_settings_are_checked_against_the_schema_and_the_defaults(emu_factory: Any, patch: Any,
                                                                  where: str) -> None:
    emu = emu_factory("voipcloud")
    client = emu.client("voipcloud")
    snap = client.get(f"{T}/default/snapshot").json()
    for key, value in patch.items():
        snap["settings"][key] = value if not isinstance(value, dict) else {**snap["settings"][key], **value}
    r = client.post(f"{T}/default/restore", json=snap)
    assert r.status_code == 400 and r.json()["error"].startswith(f"not a valid snapshot: {where}"), r.text


def test_a_call_in_a_queue_that_does_not_exist_is_refused(mini: MiniEmu) -> None:
    mini.create(id="a")
    busy(mini, "a")
    snap = snapshot(mini, "a")
    queued = next(i for i, c in enumerate(snap["calls"]) if c["queue_id"] is not None)
    snap["calls"][queued]["queue_id"] = "q-gone"
    refused(mini, "a", snap, f"calls[{queued}].queue_id: 'q-gone' is no queue")


@pytest.mark.parametrize("damage, where", [
    (lambda s: s["agents"].pop(0), "queues[0].members[0].agent_id"),
    (lambda s: s["agents"][0].update(state="dancing"), "agents[0].state"),
    (lambda s: s["agents"][0]["behaviour"].update(fault="gremlins"), "agents[0].behaviour.fault"),
    (lambda s: s["queues"][0].update(strategy="random"), "queues[0].strategy"),
    (lambda s: s["numbers"][0].update(target="nowhere"), "numbers[0].target"),
    (lambda s: s["calls"][0]["legs"][0].update(agent_id="u9"), "calls[0].legs[0].agent_id"),
    (lambda s: s["calls"][0].update(state="ended"), "calls[0].ended_at"),
    (lambda s: s["calls"][0].update(surprise=1), "calls[0].surprise: not a field of Call"),
    (lambda s: s["calls"][0].pop("direction"), "calls[0].direction: missing"),
    (lambda s: s["calls"].append(copy.deepcopy(s["calls"][0])), "calls[2].id"),
    (lambda s: s["outbox"]["deliveries"][0].update(id="whd_x"), "outbox.deliveries[0].id"),
    (lambda s: s["ids"]["counters"].update(uniqueid="1"), "ids.counters.uniqueid"),
    (lambda s: s["rng"][1].pop(), "rng"),
    (lambda s: s.update(seed_history="yes"), "seed_history"),
    (lambda s: s.update(version=99), "version"),
    (lambda s: s.update(vendor="kerauno"), "vendor"),
    (lambda s: s.pop("limiter"), "limiter: missing"),
    (lambda s: s.update(extra={}), "extra: not a snapshot key"),
    (lambda s: s["parties"].update({"+1555": {"fault": "busy", "colour": "red"}}), "parties.+1555.colour"),
])
def test_damaged_records_and_dangling_references_are_refused_with_their_path(
        mini: MiniEmu, damage: Callable[[dict[str, Any]], Any], where: str) -> None:
    mini.create(id="a", settings={"webhooks": {"url": ""}})
    busy(mini, "a")
    snap = snapshot(mini, "a")
    damage(snap)
    refused(mini, "a", snap, where)


def test_a_clock_before_1970_is_refused_and_the_tenant_list_keeps_answering(mini: MiniEmu) -> None:
    mini.create(id="a")
    snap = snapshot(mini, "a")
    for now in (-1e308, -1.0, 1e308, 2.6e11):
        snap["clock"]["now"] = now
        refused(mini, "a", snap, "clock.now")
    assert [t["id"] for t in mini.ok("GET", T)] == ["default", "a"]


def test_a_snapshot_nested_too_deep_is_refused_before_it_is_read(mini: MiniEmu) -> None:
    mini.create(id="a")
    before = mini.client.get(f"{T}/a/snapshot").content
    snap = snapshot(mini, "a")
    snap["state"]["deep"] = nested(40)
    r = mini.client.post(f"{T}/a/restore", json=snap)
    assert r.status_code == 400 and r.json()["error"].startswith("body is nested deeper than")
    assert mini.client.get(f"{T}/a/snapshot").content == before


def test_nan_and_huge_numbers_never_reach_the_tenant(mini: MiniEmu) -> None:
    mini.create(id="a")
    before = mini.client.get(f"{T}/a/snapshot").content
    text = before.decode().replace(f'"now":{START}', '"now":NaN', 1)
    assert text != before.decode()
    for body in (text, before.decode().replace(f'"now":{START}', '"now":1e999', 1)):
        r = mini.client.post(f"{T}/a/restore", content=body.encode(),
                             headers={"content-type": "application/json"})
        assert r.status_code == 400, r.text
    assert mini.client.get(f"{T}/a/snapshot").content == before


def test_a_version_1_snapshot_is_still_restored(mini: MiniEmu) -> None:
    mini.create(id="a")
    busy(mini, "a")
    snap = snapshot(mini, "a")
    old = {k: v for k, v in snap.items() if k not in ("credentials", "seed_history")}
    old["version"] = 1
    mini.ok("POST", f"{T}/a/restore", json=old)
    assert snapshot(mini, "a") == snap


def test_a_snapshot_without_the_seed_history_restores_without_it(mini: MiniEmu) -> None:
    mini.create(id="a")
    assert mini.ok("GET", f"{T}/a")["history"] > 0
    snap = snapshot(mini, "a")
    snap["seed_history"] = False
    assert mini.ok("POST", f"{T}/a/restore", json=snap)["history"] == 0
    assert snapshot(mini, "a") == snap


# -- custom credentials -------------------------------------------------------------------------
def test_snapshots_carry_custom_credentials_and_restore_refuses_ones_in_use(mini: MiniEmu) -> None:
    a = mini.create(id="a", credentials={"token": "custom-a"})
    b = mini.create(id="b")
    snap = snapshot(mini, "a")
    assert snap["credentials"] == {"token": "custom-a"}
    assert snapshot(mini, "b")["credentials"] == {}  # derived from the id: not carried
    refused(mini, "b", snap, "credentials.token: already used by another mini tenant")
    assert mini.api("GET", "/v1/calls", b["credentials"]["token"]).status_code == 200
    mini.ok("POST", f"{T}/a/restore", json=snap)  # its own credentials are no clash
    assert mini.ok("GET", f"{T}/a")["credentials"] == a["credentials"]
    mini.ok("DELETE", f"{T}/a")
    assert mini.ok("POST", f"{T}/b/restore", json=snap)["credentials"] == {"token": "custom-a"}
    assert mini.api("GET", "/v1/calls", "custom-a").status_code == 200
    assert mini.api("GET", "/v1/calls", b["credentials"]["token"]).status_code == 401
    # A snapshot without custom credentials gives the tenant back its derived ones.
    mini.ok("POST", f"{T}/b/restore", json=snapshot(mini, "default") | {"credentials": {}})
    assert mini.api("GET", "/v1/calls", b["credentials"]["token"]).status_code == 200
    assert mini.api("GET", "/v1/calls", "custom-a").status_code == 401


# -- failed tenants -----------------------------------------------------------------------------
def failed_info(mini: MiniEmu, tid: str) -> str:
    info = mini.ok("GET", f"{T}/{tid}")
    assert info["failed"] is not None
    return str(info["failed"])


def test_a_raising_timer_fails_its_tenant_only_and_the_ticker_goes_on(
        caplog: pytest.LogCaptureFixture) -> None:
    registry = new_registry()
    mini = MiniEmu(registry=registry)
    try:
        for tid in ("bad", "good"):
            mini.create(id=tid, settings={"clock": {"mode": "auto"}})
        caplog.set_level(logging.ERROR, logger="emulators.core.world")
        assert mini.api("POST", "/v1/boom", mini.tenant("bad").credentials["token"],
                        params={"after": "5"}).status_code == 202
        health = wait_until(lambda: (lambda h: h if h["failed"] else None)(
            mini.ok("GET", "/_emulator/health")), what="the failure to show in health")
        assert health["status"] == "degraded"
        assert [f["id"] for f in health["failed"]] == ["bad"]
        assert BOOM in health["failed"][0]["error"] and "mini.boom" in health["failed"][0]["error"]
        assert BOOM in failed_info(mini, "bad")
        assert mini.ok("GET", f"{T}/good")["failed"] is None
        # The other auto tenant still runs its calls to the end; the failed one stands still.
        busy(mini, "good", settled=False)
        wait_until(lambda: all(c["state"] == "ended" for c in mini.ok("GET", f"{T}/good/calls")),
                   what="the good tenant's calls to end")
        token = mini.tenant("bad").credentials["token"]
        assert mini.api("POST", "/v1/calls", token,
                        json={"extension": "201", "to": "+15557654321"}).status_code == 201
        stood = mini.ok("GET", f"{T}/bad/clock")
        assert stood["pending_timers"] > 0
        # Reads keep answering; moving the clock is refused with the reason.
        for path in ("", "/clock", "/snapshot", "/calls", "/agents", "/events"):
            mini.ok("GET", f"{T}/bad{path}")
        r = mini.client.post(f"{T}/bad/clock/advance", json={"seconds": 60})
        assert r.status_code == 409 and r.json()["error"].startswith("tenant failed: timer mini.boom")
        assert mini.client.put(f"{T}/bad/clock", json={"mode": "manual"}).status_code == 409
        assert mini.ok("GET", f"{T}/bad/clock")["now"] == stood["now"]
        records = [r for r in caplog.records if "mini/bad failed" in r.getMessage()]
        assert len(records) == 1 and records[0].exc_info is not None  # logged once, with traceback
        # A reset brings it back.
        mini.ok("POST", f"{T}/bad/reset")
        assert mini.ok("GET", f"{T}/bad")["failed"] is None
        assert mini.ok("GET", "/_emulator/health") == {"status": "ok", "vendor": "mini", "tenants": 3,
                                                       "failed": []}
    finally:
        mini.close()


def test_a_timer_raising_inside_clock_advance_answers_409_and_a_restore_clears_it(mini: MiniEmu) -> None:
    info = mini.create(id="a")
    snap = snapshot(mini, "a")
    assert mini.api("POST", "/v1/boom", info["credentials"]["token"], params={"after": "2"}).status_code == 202
    r = mini.client.post(f"{T}/a/clock/advance", json={"seconds": 10})
    assert r.status_code == 409, r.text
    assert r.json() == {"error": f"tenant failed: timer mini.boom {{}} raised RuntimeError: {BOOM}"}
    assert mini.ok("GET", f"{T}/a/clock")["now"] == START + 2  # it stopped where the timer raised
    assert mini.ok("GET", "/_emulator/health")["status"] == "degraded"
    assert mini.ok("POST", f"{T}/a/restore", json=snap)["failed"] is None
    assert mini.ok("POST", f"{T}/a/clock/advance", json={"seconds": 10})["now"] == START + 10


def test_a_restored_boom_timer_fails_only_the_restored_tenant(mini: MiniEmu) -> None:
    """A snapshot may be well-formed and still carry a timer that raises (a vendor bug): the
    restore is accepted, the timer fails that tenant when it fires, and nobody else."""
    info = mini.create(id="a")
    mini.create(id="b")
    mini.api("POST", "/v1/boom", info["credentials"]["token"], params={"after": "3"})
    snap = snapshot(mini, "a")
    mini.ok("POST", f"{T}/a/reset")
    mini.ok("POST", f"{T}/b/restore", json=snap)
    assert mini.client.post(f"{T}/b/clock/advance", json={"seconds": 5}).status_code == 409
    assert mini.ok("POST", f"{T}/a/clock/advance", json={"seconds": 5})["now"] == START + 5
    assert [f["id"] for f in mini.ok("GET", "/_emulator/health")["failed"]] == ["b"]
