"""Every mistake at start gets one clear line and a non-zero exit, never a traceback; the
banner says where everything is; ``--access-log`` shows each request."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import httpx
import pytest
from serving import Served, one_line, telemock

from emulators.vendors import load_vendors

from support.receiver import free_port

VC_TOKEN = "c0ffee0ddba11ad5eed5a1e5fee1900d"
KERAUNO_KEY = "b0f4ad5193ad04858dae03a1b3dbe9071ff12e52"


def test_no_command_prints_help_and_fails() -> None:
    result = telemock()
    assert result.returncode == 2 and result.stdout == ""
    assert "serve" in result.stderr and "scenario" in result.stderr and "usage: telemock" in result.stderr
    for group, inside in (("scenario", "list"), ("state", "inspect")):
        result = telemock(group)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert inside in result.stdout + result.stderr


def test_log_level_has_choices_and_an_unknown_one_is_a_clean_error() -> None:
    assert "debug" in telemock("serve", "--help").stdout
    result = telemock("serve", "--log-level", "verbose")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "argument --log-level: invalid choice: 'verbose'" in result.stderr


@pytest.mark.parametrize("text, expected", [
    ("vendor: [kerauno]\n", ":1: vendor: not a config key; did you mean vendors?"),
    ("vendors: [kerauno]\nseed: 3\nclock_mod: manual\n", ":3: clock_mod: not a config key; did you mean clock_mode?"),
    ("vendors: [kerauno\nseed: 3\n", ":2:5: YAML syntax: expected ',' or ']'"),
    ("seed: three\n", ":1: seed: must be a whole number (--seed); got 'three'"),
    ("log_level: loud\n", ":1: log_level: must be one of critical, error, warning, info, debug, trace"),
    ("- kerauno\n", ":1: a config file is a mapping of options"),
    ("vendors: [kerauno]\nsettings:\n  timezone: UTC\n  rate_limit: {limit: 5}\n",
     ":4: settings.rate_limit: not used by kerauno"),
    ("settings:\n  rate_limt: {limit: 5}\n", ":2: settings.rate_limt: not a setting; did you mean rate_limit?"),
    ("settings:\n  webhooks:\n    url: http://127.0.0.1:9/x\n    retries: 3\n",
     ":4: settings.webhooks: Additional properties are not allowed ('retries' was unexpected)"),
    ("settings:\n  kerauno:\n    hostnam: pbx\n", ":3: settings.kerauno: Additional properties are not allowed "
                                                   "('hostnam' was unexpected); did you mean hostname?"),
    ("settings:\n  webhooks:\n    url: ftp://x\n", ":3: settings.webhooks.url: 'ftp://x' must start with http://"),
    ("vendors: [voipcloud]\nports:\n  voipclod: 8085\n",
     ":3: ports.voipclod: no listener 'voipclod'; did you mean voipcloud?"),
    ("vendors: [kerauo]\n", ":1: unknown vendor(s): kerauo"),
])
def test_config_mistakes_get_one_line_with_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    config = tmp_path / "telemock.yaml"
    config.write_text(text)
    result = telemock("serve", "--config", str(config))
    assert result.returncode == 2 and result.stdout == ""
    assert one_line(result).startswith(f"telemock: {config}{expected}"), result.stderr


@pytest.mark.parametrize("make, expected", [
    (lambda p: None, "no such file"),
    (lambda p: p.mkdir(), "is a directory, not a config file"),
    (lambda p: p.write_bytes(b"seed: \xff\n"), "not UTF-8 text"),
])
def test_an_unreadable_config_gets_one_line(tmp_path: Path, make, expected: str) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "telemock.yaml"
    make(config)
    result = telemock("serve", "--config", str(config))
    assert result.returncode == 2 and one_line(result) == f"telemock: {config}: {expected}"


@pytest.mark.parametrize("args, expected", [
    (["--listener-port", "kerauno-stat=1"], "--listener-port kerauno-stat=1: no listener 'kerauno-stat'; "
                                            "did you mean kerauno-status?"),
    (["--listener-port", "voipcloud=x"], "--listener-port wants NAME=PORT"),
    (["--listener-port", "voipcloud=70000"], "--listener-port wants NAME=PORT with a port 0-65535"),
    (["--listener-port", "voipcloud=18085", "--listener-port", "kerauno=18085"],
     "port 18085 is given to both kerauno and voipcloud; pick another with --listener-port voipcloud=PORT"),
    (["--clock-speed", "0"], "--clock-speed must be above 0"),
    (["--clock-start", "yesterday"], "--clock-start 'yesterday' is not an ISO 8601 instant"),
    (["--host", "0.0.0.0"], "binding to 0.0.0.0 exposes the control plane; give --admin-token"),
])
def test_option_mistakes_get_one_line(args: list[str], expected: str) -> None:
    result = telemock("serve", *args)
    assert result.returncode == 2 and one_line(result).startswith(f"telemock: {expected}")


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_a_port_in_use_names_port_and_listener_and_leaves_nothing_running() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        others = [free_port(), free_port()]
        started = time.monotonic()
        result = telemock("serve", "--listener-port", f"kerauno={others[0]}",
                          "--listener-port", f"kerauno-status={busy}", "--listener-port", f"voipcloud={others[1]}")
        assert time.monotonic() - started < 30
    line = one_line(result)
    assert result.returncode == 2 and result.stdout == ""
    assert line.startswith(f"telemock: port {busy} (listener kerauno-status) is already in use; "
                           "pick another with --listener-port kerauno-status=PORT"), line
    assert not any(_listening(p) for p in others)


def test_the_documented_ephemeral_port_says_what_to_do_when_taken() -> None:
    status_port = next(l.default_port for l in load_vendors(["kerauno"])["kerauno"].listeners if l.documented_port)
    holder = socket.socket()
    try:
        try:
            holder.bind(("127.0.0.1", status_port))
            holder.listen()
        except OSError:
            pass  # someone else holds it: taken either way
        result = telemock("serve", "--vendor", "kerauno", "--listener-port", f"kerauno={free_port()}")
    finally:
        holder.close()
    line = one_line(result)
    assert result.returncode == 2
    assert line.startswith(f"telemock: port {status_port} (listener kerauno-status) is already in use; "
                           "pick another with --listener-port kerauno-status=PORT")
    assert "the vendor document's own port, in the range 32768-60999 the system lends to outgoing" in line


def test_a_taken_single_port_names_the_gateway() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = telemock("serve", "--single-port", str(taken.getsockname()[1]))
    assert result.returncode == 2
    assert "(single-port gateway) is already in use; pick another with --single-port PORT" in one_line(result)


def test_a_taken_port_given_with_port_names_that_flag() -> None:
    """``--vendor voipcloud --port P``: the way to pick another is ``--port``, the flag used."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        result = telemock("serve", "--vendor", "voipcloud", "--port", str(busy))
    assert result.returncode == 2
    assert one_line(result).startswith(f"telemock: port {busy} (listener voipcloud) is already in use; "
                                       "pick another with --port PORT")


def test_default_ports_stay_outside_the_ephemeral_range_unless_documented() -> None:
    for spec in load_vendors().values():
        for listener in spec.listeners:
            assert listener.documented_port or not 32768 <= listener.default_port <= 60999, listener.name
            assert listener.default_port >= 1024, listener.name  # no privileges needed


def test_single_port_banner_lists_every_listener_and_kerauno_is_mounted_once() -> None:
    port = free_port()
    with Served("--single-port", str(port), "--clock-mode", "manual") as served:
        rows = {line.split()[0]: line for line in served.banner[2:-1]}
        root = f"http://127.0.0.1:{port}"
        assert set(rows) == {l.name for s in load_vendors().values() for l in s.listeners}  # every vendor
        assert f"{root}/kerauno/api/v1/..." in rows["kerauno"] and f"key={KERAUNO_KEY}" in rows["kerauno"]
        assert f"{root}/kerauno-status/v1/callflow/agent_statuses/..." in rows["kerauno-status"]
        assert f"{root}/voipcloud/api/integration/v1/..." in rows["voipcloud"] and VC_TOKEN in rows["voipcloud"]
        assert served.banner[-1].startswith(f"control plane: /<listener>/_emulator on port {port}")
        made = httpx.get(f"{root}/kerauno/api/v1/makecall/", params={"key": KERAUNO_KEY, "src": "3000", "dst": "3002"})
        assert made.status_code == 200 and made.json() == {"response": "Success"}
        assert httpx.get(f"{root}/kerauno/kerauno/api/v1/makecall/", params={"key": KERAUNO_KEY}).status_code == 404
        for listener in rows:
            health = httpx.get(f"{root}/{listener}/_emulator/health")
            assert health.status_code == 200 and health.json()["status"] == "ok"


def test_access_log_prints_one_line_per_request() -> None:
    port = free_port()
    with Served("--vendor", "voipcloud", "--port", str(port), "--access-log") as served:
        httpx.get(f"http://127.0.0.1:{port}/api/integration/v1/get-user-calls", params={"limit": 1},
                  headers={"token": VC_TOKEN})
        ok = served.line()
        httpx.get(f"http://127.0.0.1:{port}/api/integration/v1/get-user-calls", headers={"token": "nope"})
        refused = served.line()
    assert re.fullmatch(r"\d\d:\d\d:\d\d GET /api/integration/v1/get-user-calls voipcloud get-user-calls "
                        r"tenant=default 200 \d+\.\dms", ok), ok
    assert re.fullmatch(r"\d\d:\d\d:\d\d GET /api/integration/v1/get-user-calls voipcloud get-user-calls "
                        r"tenant=- 401 \d+\.\dms \(the header key addresses no tenant\)", refused), refused


def test_config_settings_reach_the_vendors_that_use_them(tmp_path: Path) -> None:
    """One config for two vendors: VoIPcloud gets the rate limit, Kerauno (no rate limit) does
    not show it; access_log from the file works like the flag."""
    ports = {"kerauno": free_port(), "kerauno-status": free_port(), "voipcloud": free_port()}
    config = tmp_path / "telemock.yaml"
    config.write_text("vendors: [kerauno, voipcloud]\naccess_log: true\nclock_mode: manual\n"
                      f"ports: {ports}\n".replace("'", "")
                      + "settings:\n  rate_limit: {limit: 1, window: 60}\n  kerauno: {hostname: pbx.example.com}\n")
    with Served("--config", str(config)) as served:
        url = f"http://127.0.0.1:{ports['voipcloud']}/api/integration/v1/get-system-status"
        assert [httpx.get(url, headers={"token": VC_TOKEN}).status_code for _ in range(2)] == [200, 429]
        assert [served.line().split()[6] for _ in range(2)] == ["200", "429"]  # the access log
        kerauno = httpx.get(f"http://127.0.0.1:{ports['kerauno']}/_emulator/tenants/default/settings").json()
        assert "rate_limit" not in kerauno and kerauno["kerauno"]["hostname"] == "pbx.example.com"
        voipcloud = httpx.get(f"http://127.0.0.1:{ports['voipcloud']}/_emulator/tenants/default/settings").json()
        assert voipcloud["rate_limit"] == {"limit": 1, "window": 60} and "kerauno" not in voipcloud


def test_single_port_paths_below_no_listener_say_where_the_listeners_are() -> None:
    from starlette.testclient import TestClient

    from emulators.registry import Registry
    from emulators.server import gateway_app

    with TestClient(gateway_app(Registry(load_vendors()))) as client:
        for path in ("/_emulator/health", "/api/integration/v1/get-user-calls", "/"):
            r = client.get(path)
            assert r.status_code == 404 and r.json()["error"].startswith(f"no listener serves {path}:")
            assert r.json()["listeners"].items() >= {
                "kerauno": "/kerauno/api/v1/...", "kerauno-status": "/kerauno-status/v1/callflow/agent_statuses/...",
                "voipcloud": "/voipcloud/api/integration/v1/..."}.items()
