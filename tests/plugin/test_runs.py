"""The plugin as other projects meet it: separate pytest processes (pytester), including
``pytest -n 2`` (pytest-xdist) and ``--telemock-url`` against a server that is already running."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from emulators.pytest_plugin import LiveServer, TelemockError, TelemockServer, create_tenant
from emulators.registry import Registry
from emulators.server import gateway_app
from emulators.vendors import load_vendors

pytest_plugins = ["pytester"]

TIMEOUT = 120

# A user's test module: every test takes a fresh tenant, talks to it, and records what it saw.
USER_TESTS = '''
import json, os

import pytest

made = []
OUT = os.environ["TELEMOCK_TEST_OUT"]
USER_CALLS = "/api/integration/v1/get-user-calls"


@pytest.mark.parametrize("n", range(6))
def test_own_tenant(telemock, telemock_server, n):
    tenant = telemock("voipcloud")
    made.append(tenant.id)
    key = tenant.credentials["api_key"]
    for _ in range(n + 1):
        assert tenant.client.get(USER_CALLS, headers={"token": key}).status_code == 200
    tenant.clock.advance(n)
    # no cross-talk: exactly this test's requests and clock moves are in this tenant
    assert [e["status"] for e in tenant.requests()] == [200] * (n + 1)
    assert tenant.clock.now() == 1767621600.0 + n
    with open(os.path.join(OUT, f"{n}.json"), "w") as fh:
        json.dump({"worker": os.environ.get("PYTEST_XDIST_WORKER", "main"), "tenant": tenant.id,
                   "server": tenant.base_url,
                   "in_process": telemock_server.registry is not None, "pid": os.getpid()}, fh)
'''


def results(out: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]


@pytest.fixture
def out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "out"
    path.mkdir()
    monkeypatch.setenv("TELEMOCK_TEST_OUT", str(path))
    return path


FIRST = '''
import sys, threading


def test_0_the_plugin_costs_nothing_until_a_fixture_is_used(request):
    assert request.config.pluginmanager.has_plugin("telemock")
    heavy = [m for m in ("uvicorn", "httpx", "starlette", "emulators.registry") if m in sys.modules]
    assert heavy == []
    assert not [t for t in threading.enumerate() if t.name.startswith("telemock")]
'''

LAST = '''
from test_1_user import made


def test_tenants_are_deleted_after_each_test(telemock_server):
    url = telemock_server.control_url("voipcloud") + "/tenants"
    ids = [t["id"] for t in telemock_server.admin.get(url).json()]
    assert len(made) == 6 and ids == ["default"]
'''


def test_a_plain_run_one_server_fresh_tenants_deleted_after(pytester: pytest.Pytester, out: Path) -> None:
    pytester.makepyfile(test_0_plain=FIRST, test_1_user=USER_TESTS, test_2_after=LAST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly", timeout=TIMEOUT)
    result.assert_outcomes(passed=8)
    seen = results(out)
    assert len(seen) == 6 and {s["in_process"] for s in seen} == {True}
    assert len({s["server"] for s in seen}) == 1
    assert len({s["tenant"] for s in seen}) == 6


def test_under_xdist_each_worker_has_its_own_server(pytester: pytest.Pytester, out: Path) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "--telemock-vendor=voipcloud",
                                           timeout=TIMEOUT)
    result.assert_outcomes(passed=6)
    seen = results(out)
    workers = {s["worker"] for s in seen}
    assert workers == {"gw0", "gw1"}
    by_worker = {w: {s["server"] for s in seen if s["worker"] == w} for w in workers}
    assert all(len(servers) == 1 for servers in by_worker.values())
    assert by_worker["gw0"] != by_worker["gw1"]  # one server per worker process


@pytest.fixture
def running_server() -> Iterator[str]:
    """A telemock already running (as ``telemock serve --single-port`` would be)."""
    registry = Registry(load_vendors(), settings={"clock": {"mode": "realtime"}})
    with LiveServer(gateway_app(registry)) as server:
        yield server.url


def test_telemock_url_uses_a_running_server(pytester: pytest.Pytester, out: Path,
                                            running_server: str) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--telemock-url={running_server}",
                                           timeout=TIMEOUT)
    result.assert_outcomes(passed=6)
    seen = results(out)
    assert {s["in_process"] for s in seen} == {False}
    assert {s["server"] for s in seen} == {running_server + "/voipcloud"}
    assert len({s["tenant"] for s in seen}) == 6  # shared server, distinct tenants


def test_telemock_url_per_listener(running_server: str) -> None:
    server = TelemockServer.remote([f"voipcloud={running_server}/voipcloud/"], token=None)
    try:
        assert server.urls == {"voipcloud": running_server + "/voipcloud"}
        tenant = create_tenant(server, "voipcloud")
        assert tenant.base_url == running_server + "/voipcloud"
        assert tenant.clock.info()["mode"] == "manual"  # also on a realtime server
        with pytest.raises(KeyError, match="no URL for vendor 'kerauno'"):
            server.vendor_urls("kerauno")
        tenant.control("DELETE")
    finally:
        server.close()


def test_importing_the_plugin_has_no_side_effects() -> None:
    code = ("import sys, threading; import emulators.pytest_plugin; "
            "print([m for m in ('uvicorn', 'httpx', 'starlette', 'emulators.registry') if m in sys.modules], "
            "threading.active_count())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] 1"


def test_help_lists_the_options(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    for option in ("--telemock-url", "--telemock-admin-token", "--telemock-vendor", "--telemock-seed"):
        result.stdout.fnmatch_lines([f"*{option}*"])


def test_an_admin_token_is_sent_to_a_server_that_requires_one() -> None:
    registry = Registry(load_vendors(["voipcloud"]), admin_token="tok")
    with LiveServer(gateway_app(registry)) as live:
        without = TelemockServer.remote([live.url], token=None, vendors=["voipcloud"])
        with_token = TelemockServer.remote([live.url], token="tok", vendors=["voipcloud"])
        try:
            with pytest.raises(TelemockError) as info:
                create_tenant(without, "voipcloud")
            assert info.value.status == 401
            tenant = create_tenant(with_token, "voipcloud")
            assert tenant.clock.now() == 1767621600.0
        finally:
            without.close()
            with_token.close()
