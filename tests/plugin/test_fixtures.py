"""The pytest plugin's fixtures, used directly by this suite (the plugin is loaded through its
``pytest11`` entry point, as in anyone's suite). Runs in separate pytest processes (xdist,
``--telemock-url``, teardown) are in test_runs.py."""

from __future__ import annotations

import threading
from typing import Any, Callable

import httpx
import pytest

from emulators.pytest_plugin import FIXED_START, TelemockError, TelemockServer, TelemockTenant

from support.clock import START, START_ISO
from support.harness import Receiver, wait_until

USER_CALLS = "/api/integration/v1/get-user-calls"

assert FIXED_START == START_ISO

Factory = Callable[..., TelemockTenant]


def test_session_server_serves_every_installed_vendor(telemock_server: TelemockServer) -> None:
    assert {"voipcloud", "kerauno"} <= set(telemock_server.specs)
    assert telemock_server.registry is not None  # in-process by default
    for listener, root in telemock_server.control_roots.items():
        assert root.startswith("http://127.0.0.1:") and root.endswith("/" + listener)
        r = telemock_server.admin.get(root + "/_emulator/health")
        assert r.status_code == 200 and r.json()["status"] == "ok"
    r = telemock_server.admin.get("/_emulator/health")  # relative: the first vendor's
    assert r.status_code == 200 and r.json()["vendor"] == next(iter(telemock_server.specs))


def test_kerauno_paths_are_not_mounted_twice_in_single_port_mode(telemock: Factory) -> None:
    """Kerauno's paths start with /kerauno: the gateway serves them as they are."""
    tenant = telemock("kerauno")
    assert not tenant.base_url.endswith("/kerauno")
    r = tenant.client.get("/kerauno/api/v1/makecall/", params={"key": tenant.credentials["key"],
                                                               "src": "3000", "dst": "3002"})
    assert r.status_code == 200 and r.json() == {"response": "Success"}
    assert r.url.path == "/kerauno/api/v1/makecall/"
    status = tenant.client_for("kerauno-status")
    assert status.get("/v1/callflow/agent_statuses/4000", params={"key": tenant.credentials["key"]}).status_code == 200
    assert tenant.requests()[0]["operation"] == "makecall"


def test_a_fresh_voipcloud_tenant_with_client_clock_and_journal(telemock: Factory) -> None:
    tenant = telemock("voipcloud")
    assert tenant.base_url.endswith("/voipcloud") and tenant.id != "default"
    key = tenant.credentials["api_key"]
    r = tenant.client.get(USER_CALLS, params={"limit": 3}, headers={"token": key})
    assert r.status_code == 200, r.text
    assert tenant.clock.now() == START and tenant.clock.now_iso() == "2026-01-05T14:00:00Z"
    assert tenant.clock.info()["mode"] == "manual"
    assert tenant.clock.advance(90) == 0
    assert tenant.clock.now() == START + 90
    tenant.clock.advance_to("2026-01-05T15:00:00Z")
    assert tenant.clock.now() == START + 3600
    tenant.clock.advance_to(START + 7200)
    assert tenant.clock.now() == START + 7200
    journal = tenant.requests()
    assert [(e["operation"], e["status"], e["tenant"]) for e in journal] == [("get-user-calls", 200, tenant.id)]
    assert tenant.requests(since=1) == []


def test_tenants_of_one_test_are_isolated(telemock: Factory) -> None:
    a, b = telemock("voipcloud"), telemock("voipcloud", seed=3)
    assert a.id != b.id and a.credentials != b.credentials
    a.client.get(USER_CALLS, headers={"token": a.credentials["api_key"]})
    assert len(a.requests()) == 1 and b.requests() == []
    a.clock.advance(100)
    assert b.clock.now() == START
    assert b.info()["seed"] == 3


def test_settings_reset_snapshot_restore_helpers(telemock: Factory) -> None:
    tenant = telemock("voipcloud", settings={"rate_limit": {"limit": 0}})
    assert tenant.settings()["rate_limit"]["limit"] == 0
    assert tenant.configure(timezone="Europe/Prague")["timezone"] == "Europe/Prague"
    snap = tenant.snapshot()
    tenant.clock.advance(50)
    tenant.restore(snap)
    assert tenant.clock.now() == START
    tenant.clock.advance(50)
    assert tenant.reset()["clock"]["now"] == START
    assert tenant.agents() and tenant.calls() == [] and tenant.events() == []


def test_control_plane_refusals_raise_telemock_error(telemock: Factory) -> None:
    tenant = telemock("voipcloud")
    with pytest.raises(TelemockError) as info:
        tenant.clock.advance(-1)
    assert info.value.status == 400 and info.value.message == "the clock cannot move backwards"
    with pytest.raises(TelemockError) as info:
        tenant.configure(rate_limit={"limit": -1})
    assert info.value.status == 400
    with pytest.raises(KeyError):
        telemock("no-such-vendor")


def test_webhooks_reach_a_receiver_and_can_be_waited_for(telemock: Factory) -> None:
    receiver = Receiver().up()
    try:
        tenant = telemock("kerauno")
        tenant.configure(webhooks={"url": receiver.url})
        call = tenant.inject_call("+15551230000", "4000")
        hooks = tenant.wait_for_webhooks(1, timeout=10)
        assert hooks[0]["state"] == "delivered" and hooks[0]["call_id"] == call["id"]
        assert hooks[0]["event"] == "CALL_STARTED"
        wait_until(lambda: receiver.accepted(), what="the receiver to get the webhook")
        assert hooks[0]["id"] in [d["id"] for d in tenant.webhooks(state="delivered")]
        assert "CALL_STARTED" in receiver.accepted()[0]["body"]
        assert any(e["type"] == "CallCreated" for e in tenant.events())
    finally:
        receiver.down()


def test_waiting_for_webhooks_that_never_come_times_out(telemock: Factory) -> None:
    tenant = telemock("kerauno")
    with pytest.raises(TimeoutError, match="0 of 1 webhooks"):
        tenant.wait_for_webhooks(1, timeout=0.2)


def test_a_kerauno_tenant_has_a_client_per_listener(telemock: Factory) -> None:
    tenant = telemock("kerauno")
    assert set(tenant.base_urls) == {"kerauno", "kerauno-status"}
    assert tenant.client_for("kerauno-status").base_url == tenant.base_urls["kerauno-status"] + "/"
    assert tenant.client is tenant.client_for("kerauno")


def test_a_tenant_deleted_by_the_test_itself_is_fine(telemock: Factory, telemock_server: Any) -> None:
    tenant = telemock("voipcloud")
    tenant.control("DELETE")
    r = telemock_server.admin.get(f"{telemock_server.control_url('voipcloud')}/tenants/{tenant.id}")
    assert r.status_code == 404


def test_closing_an_in_process_server_ends_the_dashboard_streams_left_open() -> None:
    """A test that left the dashboard's event stream open (a browser page, an SSE client) does
    not hold the server's shutdown: ``close`` ends the streams, then the server."""
    server = TelemockServer.in_process(["voipcloud"])
    assert server._live is not None and server._live._thread is not None
    thread = server._live._thread
    url = server.control_url("voipcloud") + "/tenants/default/stream"
    reading = threading.Event()

    def read() -> None:
        try:
            with httpx.stream("GET", url, timeout=30) as r:
                for _ in r.iter_lines():
                    reading.set()
        except httpx.HTTPError:
            pass

    threading.Thread(target=read, daemon=True).start()
    assert reading.wait(10), "the stream sent nothing"
    server.close()
    assert not thread.is_alive(), "the server still waits for the stream"
