"""``/_emulator/state`` in-process: the whole server's tenants as one document, loaded all or
nothing (the subprocess tests of ``--state-dir`` are in tests/test_state_cli.py)."""

from __future__ import annotations

import copy
import json
from typing import Any

from support.harness import START, MiniEmu, T
from support.minivendor import DID

JSON = {"content-type": "application/json"}


def state(mini: MiniEmu) -> dict[str, Any]:
    r = mini.client.get("/_emulator/state")
    assert r.status_code == 200, r.text
    return r.json()


def tenants(doc: dict[str, Any]) -> list[str]:
    return [t["tenant"] for t in doc["vendors"]["mini"]["tenants"]]


def test_a_state_document_round_trips_and_replaces_every_tenant(mini: MiniEmu) -> None:
    a = mini.create(credentials={"token": "custom-a"})
    mini.ok("POST", f"{T}/{a['id']}/calls", 201, json={"from": "+15550199", "to": DID})
    saved = state(mini)
    assert saved["format"] == "telemock-state" and saved["version"] == 1
    assert tenants(saved) == ["default", a["id"]] and saved["next_tenant"] == 2
    mini.ok("DELETE", f"{T}/{a['id']}")
    b = mini.create(id="b")
    mini.ok("POST", f"{T}/default/clock/advance", json={"seconds": 60})
    loaded = mini.ok("PUT", "/_emulator/state", content=json.dumps(saved), headers=JSON)
    assert loaded == {"loaded": {"mini": ["default", a["id"]]}, "kept": []}
    again = state(mini)
    assert again["vendors"] == saved["vendors"] and again["next_tenant"] == 2
    assert mini.api("GET", "/v1/calls", "custom-a").status_code == 200
    assert mini.api("GET", "/v1/calls", b["credentials"]["token"]).status_code == 401
    assert mini.create()["id"] == "t0002"  # the counter came back with the tenants


def test_a_bad_state_document_is_refused_whole_with_the_path(mini: MiniEmu) -> None:
    mini.create(id="a")
    good = state(mini)
    second_bad = copy.deepcopy(good)
    second_bad["vendors"]["mini"]["tenants"][1]["clock"]["timers"] = [[START, 1, "leg.answer", {}]]
    twins = copy.deepcopy(good)
    twins["vendors"]["mini"]["tenants"][1]["credentials"] = {"token": "same"}
    twins["vendors"]["mini"]["tenants"][0]["credentials"] = {"token": "same"}
    no_default = copy.deepcopy(good)
    del no_default["vendors"]["mini"]["tenants"][0]
    for doc, error in ((second_bad, "vendors.mini.tenants[1].clock.timers[0][1]"),
                       (twins, "vendors.mini.tenants[1].credentials.token: also used by tenant 'default'"),
                       (no_default, "vendors.mini.tenants: no 'default' tenant"),
                       ({**good, "format": "other"}, "not a telemock state file"),
                       ({**good, "version": 2}, "version 2 is not one"),
                       ({**good, "next_tenant": 0}, "next_tenant"),
                       ([], "not a telemock state file")):
        before = mini.client.get("/_emulator/state").json()["vendors"]
        r = mini.client.put("/_emulator/state", content=json.dumps(doc), headers=JSON)
        assert r.status_code == 400 and r.json()["error"].startswith(f"not a valid state: {error}"), r.text
        assert mini.client.get("/_emulator/state").json()["vendors"] == before
    r = mini.client.put("/_emulator/state", content=b"{\"format\": NaN}", headers=JSON)
    assert r.status_code == 400 and "not JSON" in r.json()["error"]


def test_vendors_this_server_does_not_run_are_kept_not_checked(mini: MiniEmu) -> None:
    doc = state(mini)
    doc["vendors"]["elsewhere"] = {"tenants": ["anything"]}
    assert mini.ok("PUT", "/_emulator/state", content=json.dumps(doc), headers=JSON)["kept"] == ["elsewhere"]


def test_loading_a_state_clears_a_failed_tenant(mini: MiniEmu) -> None:
    info = mini.create(id="a")
    doc = state(mini)
    mini.api("POST", "/v1/boom", info["credentials"]["token"], params={"after": "1"})
    assert mini.client.post(f"{T}/a/clock/advance", json={"seconds": 5}).status_code == 409
    mini.ok("PUT", "/_emulator/state", content=json.dumps(doc), headers=JSON)
    assert mini.ok("GET", "/_emulator/health")["failed"] == []
    assert mini.ok("POST", f"{T}/a/clock/advance", json={"seconds": 5})["now"] == START + 5


def test_saving_and_loading_the_state_file_need_a_state_dir(mini: MiniEmu) -> None:
    for action in ("save", "load"):
        r = mini.client.post(f"/_emulator/state/{action}")
        assert r.status_code == 409 and r.json() == {"error": "this server has no --state-dir"}


def test_the_state_routes_obey_the_admin_token() -> None:
    emu = MiniEmu(admin_token="s3cret")
    try:
        assert emu.client.get("/_emulator/state").status_code == 401
        assert emu.client.put("/_emulator/state", content=b"{}").status_code == 401
        assert emu.client.get("/_emulator/state", headers={"authorization": "Bearer s3cret"}).status_code == 200
    finally:
        emu.close()
