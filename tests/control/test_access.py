"""Control plane access: loopback only without an admin token; the token when there is one."""

from __future__ import annotations

import pytest

from core.harness import T, MiniEmu, live_emulator
from core.minivendor import DEFAULT_TOKEN

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
        assert emu.tenant("default").now() == 1767621600.0
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
