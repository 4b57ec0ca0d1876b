"""Control plane access: loopback only without an admin token; the token when there is one."""

from __future__ import annotations

import pytest

from support.clock import START
from support.harness import MiniEmu, T, live_emulator
from support.minivendor import DEFAULT_TOKEN

TOKEN = "s3cret-admin"


@pytest.mark.parametrize("host", ["testclient", "127.0.0.1", "127.8.9.1", "::1"])
def test_without_a_token_loopback_callers_are_served(host: str) -> None:
    emu = MiniEmu(client_host=host)
    try:
        assert emu.client.get(T).status_code == 200
        assert emu.client.post(T, json={}).status_code == 201
    finally:
        emu.close()


@pytest.mark.parametrize("host", ["203.0.113.5", "10.0.0.2", "192.168.1.10", "2001:db8::1", "example.com", ""])
def test_without_a_token_other_callers_get_403_and_change_nothing(host: str) -> None:
    emu = MiniEmu(client_host=host)
    try:
        for method, path in [("GET", T), ("POST", T), ("POST", "/_emulator/reset"),
                             ("GET", f"{T}/default/snapshot"), ("DELETE", f"{T}/default"),
                             ("POST", f"{T}/default/clock/advance")]:
            r = emu.client.request(method, path, json={"seconds": 5})
            assert (r.status_code, r.json()) == (403, {"error": "the control plane answers loopback callers only"})
        assert list(emu.registry.tenants["mini"]) == ["default"]
        assert emu.tenant("default").now() == START
    finally:
        emu.close()


def test_with_a_token_every_request_must_carry_it() -> None:
    emu = MiniEmu(admin_token=TOKEN)
    try:
        for headers in ({}, {"authorization": "Bearer wrong"}, {"x-telemock-admin-token": "wrong"},
                        {"authorization": TOKEN + "x"}, {"authorization": "Basic " + TOKEN}):
            r = emu.client.post(T, json={}, headers=headers)
            assert (r.status_code, r.json()) == (401, {"error": "admin token required"}), headers
        assert list(emu.registry.tenants["mini"]) == ["default"]
        assert emu.client.post(T, json={}, headers={"authorization": f"Bearer {TOKEN}"}).status_code == 201
        assert emu.client.get(T, headers={"x-telemock-admin-token": TOKEN}).status_code == 200
    finally:
        emu.close()


def test_with_a_token_a_remote_caller_is_served() -> None:
    emu = MiniEmu(admin_token=TOKEN, client_host="203.0.113.5")
    try:
        assert emu.client.get(T, headers={"x-telemock-admin-token": TOKEN}).status_code == 200
        assert emu.client.get(T).status_code == 401
    finally:
        emu.close()


def test_the_vendor_api_does_not_need_the_admin_token() -> None:
    emu = MiniEmu(admin_token=TOKEN)
    try:
        assert emu.api("GET", "/v1/agents", DEFAULT_TOKEN).status_code == 200
    finally:
        emu.close()


def test_on_a_real_socket_the_loopback_rule_and_the_token_hold() -> None:
    with live_emulator() as live:
        assert live.http.get(T).status_code == 200  # 127.0.0.1
    with live_emulator(admin_token=TOKEN) as live:
        assert live.http.get(T).status_code == 401
        assert live.http.get(T, headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200


# -- the admin token: scheme case, secrets ------------------------------------------------
@pytest.mark.parametrize("value", [f"Bearer {TOKEN}", f"bearer {TOKEN}", f"BEARER {TOKEN}",
                                   f"  beaReR   {TOKEN}  "])
def test_the_bearer_scheme_is_case_insensitive(value: str) -> None:
    emu = MiniEmu(admin_token=TOKEN)
    try:
        assert emu.client.post(T, json={}, headers={"authorization": value}).status_code == 201
    finally:
        emu.close()


@pytest.mark.parametrize("value", [TOKEN, f"Token {TOKEN}", f"Bearer{TOKEN}", "Bearer", f"Bearer {TOKEN} x"])
def test_the_token_without_the_bearer_scheme_is_refused(value: str) -> None:
    emu = MiniEmu(admin_token=TOKEN)
    try:
        r = emu.client.post(T, json={}, headers={"authorization": value})
        assert (r.status_code, r.json()) == (401, {"error": "admin token required"})
        assert list(emu.registry.tenants["mini"]) == ["default"]
    finally:
        emu.close()


def test_with_a_token_no_answer_shows_a_tenant_secret_to_a_caller_without_it() -> None:
    emu = MiniEmu(admin_token=TOKEN)
    try:
        auth = {"authorization": f"bearer {TOKEN}"}
        made = emu.client.post(T, json={}, headers=auth).json()
        secrets = [DEFAULT_TOKEN, made["credentials"]["token"]]
        for method, path in [("GET", T), ("GET", f"{T}/{made['id']}"), ("GET", f"{T}/default"),
                             ("GET", f"{T}/default/snapshot"), ("POST", T), ("GET", "/_emulator/nothing"),
                             ("PUT", T), ("GET", "/_emulator/health")]:
            r = emu.client.request(method, path)
            assert r.status_code in (401, 404, 405), (method, path)
            assert not any(s in r.text for s in secrets), (method, path, r.text)
        listed = emu.client.get(T, headers=auth).json()  # the admin sees every tenant's credentials
        assert [t["credentials"]["token"] for t in listed] == secrets
    finally:
        emu.close()


# -- cross-site requests: Origin, Content-Type, Host ----------------------------------------
ADVANCE = f"{T}/default/clock/advance"


def test_a_cross_site_simple_request_does_not_move_the_clock(mini: MiniEmu) -> None:
    before = mini.tenant("default").now()
    r = mini.client.post(ADVANCE, content=b'{"seconds": 60}',
                         headers={"content-type": "text/plain", "origin": "http://evil.example"})
    assert (r.status_code, r.json()) == (403, {"error": "cross-origin requests are refused "
                                                        "(Origin 'http://evil.example')"})
    assert mini.tenant("default").now() == before


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://testserver:8080",
                                    "https://localhost", "http://localhost", "file://", "garbage"])
def test_a_foreign_origin_is_refused_on_reads_and_writes(mini: MiniEmu, origin: str) -> None:
    mini.create(id="other")
    before = mini.ok("GET", f"{T}/default/snapshot")
    for method, path in [("POST", ADVANCE), ("POST", "/_emulator/reset"), ("POST", f"{T}/default/reset"),
                         ("GET", T), ("DELETE", f"{T}/other"), ("POST", f"{T}/default/restore")]:
        r = mini.client.request(method, path, json={"seconds": 5}, headers={"origin": origin})
        assert r.status_code == 403 and r.json()["error"].startswith("cross-origin requests are refused")
    assert mini.ok("GET", f"{T}/default/snapshot") == before
    assert mini.registry.get("mini", "other") is not None


@pytest.mark.parametrize("origin", ["http://testserver", "http://TestServer", "http://testserver:80",
                                    "https://testserver"])
def test_the_servers_own_origin_is_served(mini: MiniEmu, origin: str) -> None:
    r = mini.client.post(ADVANCE, json={"seconds": 5}, headers={"origin": origin})
    assert r.status_code == 200, r.text
    assert r.json()["now"] == 1767621605.0


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                   "application/yaml", "application/jsonx", ""])
def test_a_write_with_a_body_must_be_json(mini: MiniEmu, ctype: str) -> None:
    headers = {"content-type": ctype} if ctype else {}
    for method, path, body in [("POST", ADVANCE, b'{"seconds": 60}'), ("POST", T, b"{}"),
                               ("PATCH", f"{T}/default/settings", b'{"timezone": "Europe/Prague"}'),
                               ("PUT", f"{T}/default/clock", b'{"mode": "auto"}')]:
        before = mini.ok("GET", f"{T}/default/snapshot")
        r = mini.client.request(method, path, content=body, headers=headers)
        assert r.status_code == 415, (path, r.text)
        assert r.json()["error"].startswith("a control-plane body must be sent as Content-Type application/json")
        assert mini.ok("GET", f"{T}/default/snapshot") == before
    assert list(mini.registry.tenants["mini"]) == ["default"]


@pytest.mark.parametrize("ctype", ["application/json", "application/json; charset=utf-8", "Application/JSON"])
def test_json_with_any_spelling_or_charset_is_accepted(mini: MiniEmu, ctype: str) -> None:
    r = mini.client.post(ADVANCE, content=b'{"seconds": 60}', headers={"content-type": ctype})
    assert r.status_code == 200 and r.json()["now"] == 1767621660.0


def test_a_write_without_a_body_needs_no_content_type(mini: MiniEmu) -> None:
    mini.create(id="gone")
    assert mini.client.post(f"{T}/default/reset").status_code == 200
    assert mini.client.delete(f"{T}/gone").status_code == 200
    r = mini.client.post("/_emulator/reset")
    assert (r.status_code, r.json()) == (200, {"reset": "mini", "tenants": ["default"]})
    assert mini.client.post(T).status_code == 201  # an empty body is an empty object


@pytest.mark.parametrize("ctype", ["application/yaml", "text/yaml", "application/x-yaml", "application/json"])
def test_the_scenario_route_takes_yaml(mini: MiniEmu, ctype: str) -> None:
    r = mini.client.post(f"{T}/default/scenarios", content=b"name: x\n", headers={"content-type": ctype})
    assert r.status_code == 400 and r.json()["error"] == "invalid scenario"  # read, then refused as a scenario
    r = mini.client.post(f"{T}/default/scenarios", content=b"name: x\n", headers={"content-type": "text/plain"})
    assert r.status_code == 415


@pytest.mark.parametrize("host", ["evil.example", "evil.example:18999", "localhost.evil.example",
                                  "127.0.0.1.nip.io", "0.0.0.0:18999", "[::2]:80", "10.0.0.1", "a b", "@x"])
def test_without_a_token_a_foreign_host_is_refused(mini: MiniEmu, host: str) -> None:
    for method, path in [("GET", T), ("POST", ADVANCE), ("POST", "/_emulator/reset")]:
        r = mini.client.request(method, path, json={"seconds": 5}, headers={"host": host})
        assert r.status_code == 403, (host, r.text)
        assert r.json()["error"].startswith(f"the control plane does not answer Host {host!r}")
    assert mini.tenant("default").now() == START


@pytest.mark.parametrize("host", ["localhost", "localhost:18999", "LOCALHOST:1", "127.0.0.1", "127.0.0.1:80",
                                  "127.9.8.7:5", "[::1]", "[::1]:18999", "testserver"])
def test_without_a_token_loopback_names_with_any_port_are_served(mini: MiniEmu, host: str) -> None:
    assert mini.client.get(T, headers={"host": host}).status_code == 200
    origin = f"http://{host.lower()}"
    r = mini.client.post(ADVANCE, json={"seconds": 1}, headers={"host": host, "origin": origin})
    assert r.status_code == 200, r.text  # and a page of the server itself may write


def test_with_a_token_any_host_is_served_docker_style() -> None:
    emu = MiniEmu(admin_token=TOKEN, client_host="172.17.0.1")
    try:
        auth = {"authorization": f"Bearer {TOKEN}"}
        for host in ("telemock:8080", "evil.example", "192.168.1.5:18999"):
            assert emu.client.get(T, headers={**auth, "host": host}).status_code == 200
            assert emu.client.get(T, headers={"host": host}).status_code == 401
        r = emu.client.post(ADVANCE, json={"seconds": 1},
                            headers={**auth, "host": "telemock:8080", "origin": "http://evil.example"})
        assert r.status_code == 403  # the Origin rule holds with a token too
    finally:
        emu.close()


def test_dns_rebinding_on_a_real_socket_is_refused() -> None:
    with live_emulator() as live:
        port = live.url.rsplit(":", 1)[1]
        r = live.http.post(ADVANCE, json={"seconds": 60}, headers={"host": f"rebind.example:{port}",
                                                                   "origin": f"http://rebind.example:{port}"})
        assert r.status_code == 403
        assert live.registry.get("mini", "default").now() == START
        r = live.http.post(ADVANCE, json={"seconds": 60}, headers={"origin": live.url})
        assert r.status_code == 200  # a page served by this very server
        assert live.http.get(T, headers={"host": f"localhost:{port}"}).status_code == 200
