"""Exact paths and methods: a wrong method is 405 and an unknown path 404, both in the
VoIPcloud envelope; no slash redirects; every request is journalled."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from emulators.server import gateway_app

from .conftest import API, OPS, VC

METHOD = {op: "POST" if op == "call-to-number" else "GET" for op in OPS}
NOT_FOUND = {"code": 404, "description": "Tenant or required data not found", "data": None}


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_wrong_method_is_405_in_the_envelope(vcx: VC, op: str, method: str) -> None:
    if method == METHOD[op]:
        return
    r = vcx.call(op, method=method)
    assert r.status_code == 405
    assert r.json() == {"code": 405, "description": "Method Not Allowed", "data": None}
    assert METHOD[op] in r.headers["allow"]
    entry = vcx.journal()[-1]
    assert (entry["operation"], entry["method"], entry["status"]) == (op, method, 405)


@pytest.mark.parametrize("path", [
    API + "get-user-calls/", API + "GET-USER-CALLS", "/api/integration/v3/get-user-calls", "/api/integration/v2",
    API + "get-calls", API, "/", "/api/integration/v1", API + "call-to-number/x",
])
def test_unknown_paths_are_404_without_redirects(vcx: VC, path: str) -> None:
    r = vcx.http.get(path, headers={"token": vcx.key}, follow_redirects=False)
    assert r.status_code == 404 and r.json() == NOT_FOUND
    entry = vcx.journal()[-1]
    assert (entry["operation"], entry["path"], entry["status"]) == ("unknown", path, 404)


def test_unknown_path_without_key_goes_to_the_unauthenticated_journal(vcx: VC) -> None:
    assert vcx.http.post("/nowhere").status_code == 404
    entry = vcx.control("GET", "/journal/unauthenticated")[-1]
    assert (entry["path"], entry["status"], entry["tenant"]) == ("/nowhere", 404, None)


def test_head_of_a_list_is_its_get_without_body(vcx: VC) -> None:
    r = vcx.call("get-system-status", method="HEAD")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"


def test_bodies_are_php_json(vcx: VC) -> None:
    r = vcx.call("get-user-calls", params={"limit": 2})
    assert r.headers["content-type"] == "application/json"
    assert r.content.startswith(b'{"code":200,"description":"Success","data":[{"from_number":')
    assert r.content == json.dumps(r.json(), separators=(",", ":")).encode()  # compact, ASCII


def test_gateway_mode_serves_the_same_api(vcx: VC) -> None:
    with TestClient(gateway_app(vcx.emu.registry)) as gw:
        r = gw.get("/voipcloud" + API + "get-queue-calls", params={"limit": 3},
                   headers={"token": vcx.key})
        assert r.status_code == 200
        assert r.json()["data"] == vcx.data("get-queue-calls", limit=3)
        r = gw.get("/voipcloud" + API + "call-to-number", headers={"token": vcx.key})
        assert r.status_code == 405 and r.json()["code"] == 405
        r = gw.get("/voipcloud" + API + "nothing", headers={"token": vcx.key})
        assert r.status_code == 404 and r.json() == NOT_FOUND
