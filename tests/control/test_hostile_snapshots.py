"""Hostile snapshots through HTTP: a real snapshot (live calls, timers, deliveries) mutated by
Hypothesis (keys dropped, types swapped, dangling references, huge or non-finite numbers, deep
nesting, timers with payloads of another kind) is either refused with 400, the tenant's snapshot
byte-identical to before, or accepted, and then the tenant answers every read, control plane and
vendor API alike, and its clock advances without failing.

TestClient re-raises any exception of the app, so a 500 fails these tests with its traceback.
The examples are derandomized (the same ones every run: CI never flakes on a new one); raise
``max_examples`` locally to explore further (7,000 examples found nothing when this was written).
"""

from __future__ import annotations

import copy
import json
from typing import Any, Callable, Iterator

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from support.harness import MiniEmu, T
from support.minivendor import DID

SUPPRESS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]

SWAPS: list[Any] = [None, True, False, 0, -1, 1.5, "", "x", [], {}, [1, "a"], {"a": 1}, {"id": None}]
DANGLING = ["nope", "u999", "q-gone", "9.9", "whd_999999", "queue:nope", "agent:u1", "", " "]
NUMBERS: list[Any] = [1e308, -1e308, 2 ** 64, -(2 ** 63), 1e20, 0, -0.0, 3.3e10, 2.6e11, -5, 1e-300,
                      float("nan"), float("inf")]
BAD_PAYLOADS: list[Any] = [{}, [], None, "call", {"call": [1]}, {"call": "nope", "leg": "x"},
                           {"agent": 5}, {"delivery": "whd_999999"}, {"call": None, "leg": None}]
TIMER_KINDS = ["leg.answer", "leg.fail", "call.hangup", "queue.retry", "agent.wrapup_end",
               "webhook.retry", "mini.boom.not", 7, None]


def walk(data: st.DataObject, snap: Any) -> tuple[Any, Any] | None:
    """A random (container, key) inside ``snap``, reached by random steps from the top."""
    parent, key = None, None
    node = snap
    while isinstance(node, (dict, list)) and node:
        if parent is not None and data.draw(st.integers(0, 3), label="stop here") == 0:
            break
        if isinstance(node, dict):
            key = data.draw(st.sampled_from(sorted(node)), label="key")
        else:
            key = data.draw(st.integers(0, len(node) - 1), label="index")
        parent, node = node, node[key]
    return None if parent is None else (parent, key)


def scalars(node: Any, kind: type) -> list[Any]:
    """Every value of ``kind`` in ``node``, sorted: plausible stand-ins taken from the snapshot
    itself (another call's id, another agent's state, another instant)."""
    found: set[Any] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif type(item) is kind:
            found.add(item)
    return sorted(found)


OPERATIONS = ["drop", "swap", "dangle", "number", "nest", "timer", "kind", "string", "instant", "reverse"]


PLAUSIBLE = ["string", "instant", "reverse"]
"""Mutations that often pass the checks (a value swapped for another one of the snapshot's own),
so that accepted-but-odd worlds get read and advanced, not only refused ones."""


def mutate(data: st.DataObject, snap: dict[str, Any]) -> None:
    strings, instants = scalars(snap, str), scalars(snap, float)
    operations = data.draw(st.sampled_from([OPERATIONS, PLAUSIBLE]), label="kind of damage")
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        op = data.draw(st.sampled_from(operations), label="operation")
        timers = snap.get("clock", {}).get("timers") if isinstance(snap.get("clock"), dict) else None
        if op in ("timer", "kind") and isinstance(timers, list) and timers and isinstance(timers[0], list):
            timer = timers[data.draw(st.integers(0, len(timers) - 1), label="timer")]
            if len(timer) == 4:
                if op == "timer":
                    timer[3] = copy.deepcopy(data.draw(st.sampled_from(BAD_PAYLOADS), label="payload"))
                else:
                    timer[2] = data.draw(st.sampled_from(TIMER_KINDS), label="kind")
                continue
        found = walk(data, snap)
        if found is None:
            continue
        parent, key = found
        if op == "drop":
            del parent[key]
        elif op == "swap":
            parent[key] = copy.deepcopy(data.draw(st.sampled_from(SWAPS), label="swap"))
        elif op == "dangle":
            parent[key] = data.draw(st.sampled_from(DANGLING), label="dangle")
        elif op == "number":
            parent[key] = data.draw(st.sampled_from(NUMBERS), label="number")
        elif op == "string":
            parent[key] = data.draw(st.sampled_from(strings), label="string")
        elif op == "instant":
            parent[key] = data.draw(st.sampled_from(instants), label="instant")
        elif op == "reverse":
            if isinstance(parent[key], list):
                parent[key].reverse()
        else:
            value = parent[key]
            for _ in range(data.draw(st.sampled_from([3, 40, 300]), label="depth")):
                value = [value]
            parent[key] = value


# -- the vendors under attack ---------------------------------------------------------------------
class Target:
    """One tenant of one vendor behind TestClient: its base snapshot and every read it answers."""

    def __init__(self, control: Any, tid: str, reads: Callable[["Target"], None]) -> None:
        self.control, self.tid, self._reads = control, tid, reads
        self.base = self.snapshot_bytes()

    def snapshot_bytes(self) -> bytes:
        r = self.control.get(f"{T}/{self.tid}/snapshot")
        assert r.status_code == 200, r.text
        return r.content

    def credential(self, name: str) -> str:
        return str(self.control.get(f"{T}/{self.tid}").json()["credentials"][name])

    def still_works(self) -> None:
        for path in ("", "/clock", "/snapshot", "/settings", "/calls", "/agents", "/events",
                     "/journal/requests", "/journal/webhooks"):
            r = self.control.get(f"{T}/{self.tid}{path}")
            assert r.status_code == 200, (path, r.text)
        for path in ("/_emulator/tenants", "/_emulator/health"):
            assert self.control.get(path).status_code == 200
        self._reads(self)
        for seconds in (1, 3600):
            r = self.control.post(f"{T}/{self.tid}/clock/advance", json={"seconds": seconds})
            assert r.status_code == 200, r.text
        self._reads(self)
        assert self.control.get("/_emulator/health").json()["failed"] == []


def mini_reads(target: Target) -> None:
    client, token = target.control, target.credential("token")
    for path in ("/v1/calls", "/v1/agents"):
        r = client.get(path, headers={"token": token}, params={"limit": 1000})
        assert r.status_code in (200, 429), r.text


def voipcloud_reads(target: Target) -> None:
    client, key = target.control, target.credential("api_key")
    for op in ("get-user-calls", "get-queue-calls", "get-ringgroup-calls", "get-system-status"):
        r = client.get(f"/api/integration/v1/{op}", headers={"token": key}, params={"limit": 10000})
        assert r.status_code < 500, (op, r.text)


def kerauno_reads(target: Target, status_client: Any = None) -> None:
    client, key = target.control, target.credential("key")
    for kind in ("cdr", "ring_groups"):
        for export in ("json", "csv", "xml"):
            r = client.get("/kerauno/api/v1/reporting/", params={
                "key": key, "type": kind, "export_type": export,
                "start_date": "1970-01-02 00:00:00", "end_date": "2999-12-31 23:59:59"})
            assert r.status_code < 500, r.text
    status = target.status_client  # type: ignore[attr-defined]
    for queue in json.loads(target.snapshot_bytes())["queues"]:
        r = status.get(f"/v1/callflow/agent_statuses/{queue['number']}", params={"key": key})
        assert r.status_code < 500, r.text


def mycalls_reads(target: Target) -> None:
    client, key = target.control, target.credential("apikey")
    headers = {"X-APIKey": key}
    state = json.loads(target.snapshot_bytes())["state"]
    for path in ("/api/v1/app/list", "/api/v1/acc/list"):
        assert client.get(path, headers=headers).status_code < 500
    for app in state.get("apps", []) if isinstance(state, dict) else []:
        base = f"/api/v1/app/{app.get('guid')}"
        for path in ("/ag/list", "/calls", "/calls?pg=2", "/ag/default", "/ag/default/agents",
                     "/calls/1498110438.13/recording"):
            r = client.get(base + path, headers=headers)
            assert r.status_code < 500, (path, r.text)




DAKTELA_READS = ("GetQueues", "GetUsers", "GetPauses", "DeviceStates", "RTUsersState", "RTStatsCalls",
                 "RTStatsPauses", "RTStatsQueues", "RTStatsQueuesSummary", "RTStatsSessions")
DAKTELA_RANGE_READS = ("CDR", "GetAttempts", "StatsCalls", "StatsCallsRepeated", "StatsUsersPauses",
                       "StatsUsersQueues", "StatsUsersSessions")


def daktela_reads(target: Target) -> None:
    client, token = target.control, target.credential("access_token")
    snap = json.loads(target.snapshot_bytes())
    span = {"datetime_from": "1970-01-02 00:00:00", "datetime_to": "2999-12-31 23:59:59", "take": 1000}
    for version in ("3.0", "4.1"):
        for action in DAKTELA_READS + DAKTELA_RANGE_READS:
            for fmt in ("json", "xml"):
                r = client.get(f"/api/{version}/{action}/{fmt}", params={"access_token": token, **span})
                assert r.status_code < 500, (action, r.text)
    for agent in snap["agents"][:3]:
        for action, version in (("RTUserState", "3.9"), ("RTUserState", "4.1"), ("LastCall", "3.9")):
            r = client.get(f"/api/{version}/{action}/json", params={"access_token": token, "user": agent["username"]})
            assert r.status_code < 500, (action, r.text)
        r = client.get("/api/3.5/StatsTrace/json", params={"access_token": token, "user": agent["username"], **span})
        assert r.status_code < 500, r.text
    for call in snap["calls"][:5]:
        r = client.get("/api/3.0/AboutCall/json", params={"access_token": token, "id_call": call["id"]})
        assert r.status_code < 500, r.text


READS = {"voipcloud": voipcloud_reads, "kerauno": kerauno_reads, "mycalls": mycalls_reads,
         "daktela": daktela_reads}


@pytest.fixture(scope="module")
def mini_target() -> Iterator[Target]:
    emu = MiniEmu()
    info = emu.create(id="h", settings={"rate_limit": {"limit": 0}})
    token = info["credentials"]["token"]
    emu.api("POST", "/v1/calls", token, json={"extension": "201", "to": "+15557654321"})
    emu.ok("POST", f"{T}/h/clock/advance", json={"seconds": 5})  # answered and talking
    emu.ok("POST", f"{T}/h/calls", 201, json={"from": "+15550199", "to": DID})  # queued, ringing
    emu.api("POST", "/v1/calls", token, json={"extension": "202", "to": "+15557654322"})
    target = Target(emu.client, "h", mini_reads)
    assert len(json.loads(target.base)["clock"]["timers"]) >= 4
    yield target
    emu.close()


def vendor_target(emu_factory: Any, vendor: str) -> Target:
    emu = emu_factory(vendor, settings={"rate_limit": {"limit": 0}})
    listener = emu.registry.vendors[vendor].listeners[0].name
    client = emu.client(listener)
    tid = "default"
    snap = client.get(f"{T}/{tid}/snapshot").json()
    for to in (snap["queues"][0]["number"], snap["agents"][0]["extension"]):
        r = client.post(f"{T}/{tid}/calls", json={"from": "+15550199", "to": to})
        assert r.status_code == 201, r.text
        client.post(f"{T}/{tid}/clock/advance", json={"seconds": 5})
    client.post(f"{T}/{tid}/calls", json={"from": "+15550198", "to": snap["queues"][0]["number"]})
    target = Target(client, tid, READS[vendor])
    if vendor == "kerauno":
        target.status_client = emu.client("kerauno-status")  # type: ignore[attr-defined]
    return target


def attack(target: Target, data: st.DataObject) -> None:
    snap = json.loads(target.base)
    mutate(data, snap)
    body = json.dumps(snap).encode()  # NaN and Infinity go out as such: the parser must refuse them
    r = target.control.post(f"{T}/{target.tid}/restore", content=body,
                            headers={"content-type": "application/json"})
    assert r.status_code in (200, 400), r.text
    event("accepted" if r.status_code == 200 else "refused")
    if r.status_code == 400:
        assert r.json()["error"].startswith(("not a valid snapshot: ", "body is not valid JSON",
                                             "body is nested deeper"))
        assert target.snapshot_bytes() == target.base
        return
    try:
        target.still_works()
    finally:
        back = target.control.post(f"{T}/{target.tid}/restore", content=target.base,
                                   headers={"content-type": "application/json"})
        assert back.status_code == 200, back.text


@settings(max_examples=200, deadline=None, suppress_health_check=SUPPRESS, derandomize=True)
@given(data=st.data())
def test_a_mutated_mini_snapshot_is_refused_untouched_or_works(mini_target: Target,
                                                               data: st.DataObject) -> None:
    attack(mini_target, data)


@pytest.mark.parametrize("vendor", ["voipcloud", "kerauno", "mycalls", "daktela"])
def test_a_mutated_real_vendor_snapshot_is_refused_untouched_or_works(emu_factory: Any, vendor: str) -> None:
    target = vendor_target(emu_factory, vendor)

    @settings(max_examples=40, deadline=None, suppress_health_check=SUPPRESS, derandomize=True)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        attack(target, data)
    run()


def test_an_unmutated_snapshot_round_trips(mini_target: Target) -> None:
    """The base case of the property: the real snapshot itself is accepted and works."""
    r = mini_target.control.post(f"{T}/{mini_target.tid}/restore", content=mini_target.base,
                                 headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    assert mini_target.snapshot_bytes() == mini_target.base
    mini_target.still_works()
    mini_target.control.post(f"{T}/{mini_target.tid}/restore", content=mini_target.base,
                             headers={"content-type": "application/json"})
