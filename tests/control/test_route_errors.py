"""Unknown control-plane paths and wrong methods answer JSON on every vendor port, not the
vendor's own 404 page; the 404 lists the control plane's routes."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from emulators.server import gateway_app

LISTENERS = ["kerauno", "kerauno-status", "voipcloud"]


def test_the_mini_vendors_control_404_lists_every_route(mini: Any) -> None:
    r = mini.client.get("/_emulator/nothing")
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["error"] == "no control-plane route GET /_emulator/nothing"
    routes = body["routes"]
    for route in ("GET /_emulator/health", "POST /_emulator/reset", "GET /_emulator/tenants",
                  "POST /_emulator/tenants", "DELETE /_emulator/tenants/{tid}",
                  "POST /_emulator/tenants/{tid}/clock/advance", "PATCH /_emulator/tenants/{tid}/clock",
                  "PUT /_emulator/tenants/{tid}/clock", "POST /_emulator/tenants/{tid}/scenarios"):
        assert route in routes
    assert not any(r.startswith("HEAD ") for r in routes) and len(routes) == len(set(routes))


@pytest.mark.parametrize("listener", LISTENERS)
@pytest.mark.parametrize("path", ["/_emulator", "/_emulator/", "/_emulator/nothing",
                                  "/_emulator/tenants/default/x", "/_emulator/tenants/default/calls/extra"])
def test_unknown_control_paths_answer_json_404_on_every_port(emu_factory: Any, listener: str, path: str) -> None:
    client = emu_factory("kerauno", "voipcloud").client(listener)
    for method in ("GET", "POST", "DELETE"):
        r = client.request(method, path)
        assert r.status_code == 404 and r.json()["error"] == f"no control-plane route {method} {path}"
        assert "GET /_emulator/health" in r.json()["routes"]


@pytest.mark.parametrize("listener", LISTENERS)
@pytest.mark.parametrize("method, path, allowed", [
    ("PUT", "/_emulator/tenants", ["GET", "HEAD", "POST"]),
    ("POST", "/_emulator/tenants/default/snapshot", ["GET", "HEAD"]),
    ("GET", "/_emulator/reset", ["POST"]),
    ("OPTIONS", "/_emulator/health", ["GET", "HEAD"]),  # no CORS preflight answer: browsers stop here
])
def test_a_wrong_method_answers_json_405_with_allow(emu_factory: Any, listener: str, method: str, path: str,
                                                  allowed: list[str]) -> None:
    client = emu_factory("kerauno", "voipcloud").client(listener)
    r = client.request(method, path)
    assert r.status_code == 405
    assert r.json() == {"error": f"{method} is not allowed on {path}", "allowed": allowed}
    assert sorted(m.strip() for m in r.headers["allow"].split(",")) == allowed
    assert "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize("listener, path", [("kerauno", "/_emulatorx"), ("voipcloud", "/_emulatorx"),
                                            ("kerauno", "/x/_emulator/health")])
def test_paths_outside_the_control_plane_keep_the_vendors_404(emu_factory: Any, listener: str, path: str) -> None:
    r = emu_factory("kerauno", "voipcloud").client(listener).get(path)
    assert r.status_code == 404
    assert "routes" not in r.text and "control-plane" not in r.text


def test_in_single_port_mode_the_404_lists_routes_under_the_listeners_prefix(emu_factory: Any) -> None:
    emu = emu_factory("voipcloud")
    with TestClient(gateway_app(emu.registry)) as gateway:
        r = gateway.get("/voipcloud/_emulator/nothing")
        assert r.status_code == 404
        assert r.json()["error"] == "no control-plane route GET /voipcloud/_emulator/nothing"
        assert "GET /voipcloud/_emulator/health" in r.json()["routes"]
        assert gateway.get("/voipcloud/_emulator/health").status_code == 200
