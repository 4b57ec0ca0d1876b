"""``telemock serve --state-dir``, ``telemock state save|load|inspect``: real servers in
subprocesses on free ports, stopped by SIGTERM or killed with SIGKILL, then started again.

Every tenant must come back as it was (snapshot equality), except what the docs name as
wall-clock fields: a realtime clock moves on by the time the server was down, and the state
document's own ``saved_at``/``saved_wall``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from support.receiver import free_port

ROOT = Path(__file__).resolve().parents[1]
T = "/_emulator/tenants"
START = "2026-01-05T14:00:00Z"


def free_ports(count: int) -> list[int]:
    """``count`` different free ports (each held while the next is picked: the kernel may hand
    a just-closed one out again)."""
    import socket
    held = [socket.socket() for _ in range(count)]
    try:
        for s in held:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in held]
    finally:
        for s in held:
            s.close()


def telemock(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "emulators.cli", *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


class Server:
    """``telemock serve`` with VoIPcloud and Kerauno on free ports and a state directory."""

    def __init__(self, state_dir: Path, *extra: str) -> None:
        self.state_dir = state_dir
        self.ports = dict(zip(("voipcloud", "kerauno", "kerauno-status"), free_ports(3)))
        self.extra = extra
        self.proc: subprocess.Popen[str] | None = None
        self.log = state_dir.parent / f"serve-{time.monotonic_ns()}.log"

    @property
    def vc(self) -> str:
        return f"http://127.0.0.1:{self.ports['voipcloud']}"

    @property
    def ke(self) -> str:
        return f"http://127.0.0.1:{self.ports['kerauno']}"

    def start(self) -> "Server":
        args = [sys.executable, "-m", "emulators.cli", "serve", "--vendor", "voipcloud",
                "--vendor", "kerauno", "--clock-mode", "manual", "--clock-start", START,
                "--state-dir", str(self.state_dir), *self.extra]
        args += [a for name, port in self.ports.items() for a in ("--listener-port", f"{name}={port}")]
        self.out = open(self.log, "w")
        self.proc = subprocess.Popen(args, stdout=self.out, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
        deadline = time.monotonic() + 30
        while True:
            try:
                if all(httpx.get(f"{url}/_emulator/health", timeout=1).status_code == 200
                       for url in (self.vc, self.ke)):
                    return self
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server did not start: {self.output()}")
            time.sleep(0.05)

    def output(self) -> str:
        self.out.flush()
        return self.log.read_text()

    def stop(self, sig: int = signal.SIGTERM) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)
        self.proc.wait(timeout=30)
        self.out.close()
        if sig == signal.SIGTERM:
            assert self.proc.returncode == 0, self.output()

    def ok(self, method: str, url: str, status: int = 200, **kw: Any) -> Any:
        r = httpx.request(method, url, timeout=10, **kw)
        assert r.status_code == status, (method, url, r.status_code, r.text)
        return r.json()

    def state(self) -> dict[str, Any]:
        """The tenants of every vendor, as GET /_emulator/state gives them (without its stamp)."""
        doc = self.ok("GET", f"{self.vc}/_emulator/state")
        return {"next_tenant": doc["next_tenant"], "vendors": doc["vendors"]}


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[Server]]:
    made: list[Server] = []
    yield made
    for server in made:
        if server.proc is not None and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


def populate(server: Server) -> None:
    """Tenants of both vendors with live calls, timers, custom credentials and a webhook
    delivery waiting to be retried (the receiver is down)."""
    vc, ke = server.vc, server.ke
    server.ok("POST", f"{vc}{T}", 201, json={"credentials": {"api_key": "custom-key"}})
    server.ok("POST", f"{vc}{T}/default/calls", 201, json={"from": "+61400000001", "to": "6100"})
    server.ok("POST", f"{vc}{T}/default/clock/advance", json={"seconds": 3})
    dead = f"http://127.0.0.1:{free_port()}/hook"
    server.ok("POST", f"{ke}{T}", 201, json={"id": "hooks", "settings": {"webhooks": {"url": dead}}})
    server.ok("POST", f"{ke}{T}/hooks/calls", 201, json={"from": "+15550001", "to": "4000"})
    deadline = time.monotonic() + 10
    while not (server.ok("GET", f"{ke}{T}/hooks/journal/webhooks") or [{}])[0].get("attempts"):
        assert time.monotonic() < deadline, "the first webhook attempt never happened"
        time.sleep(0.02)
    server.ok("POST", f"{ke}{T}", 201, json={"id": "live", "settings": {"clock": {"mode": "realtime",
                                                                                 "speed": 60}}})


def comparable(state: dict[str, Any]) -> str:
    """The state without the realtime tenant (its clock follows the wall clock), as JSON text:
    compared as bytes, so that even 60 against 60.0 counts as a difference."""
    out = json.loads(json.dumps(state))
    out["vendors"]["kerauno"]["tenants"] = [t for t in out["vendors"]["kerauno"]["tenants"]
                                            if t["tenant"] != "live"]
    return json.dumps(out)


def live_clock(state: dict[str, Any]) -> float:
    return next(t for t in state["vendors"]["kerauno"]["tenants"] if t["tenant"] == "live")["clock"]["now"]


def test_sigterm_restart_brings_every_tenant_back(tmp_path: Path, servers: list[Server]) -> None:
    first = Server(tmp_path / "state").start()
    servers.append(first)
    populate(first)
    before = first.state()
    stopped = time.time()
    first.stop(signal.SIGTERM)
    second = Server(tmp_path / "state").start()
    servers.append(second)
    after = second.state()
    assert comparable(after) == comparable(before)
    # The realtime clock went on by (at least) the time the server was down, × its speed.
    assert live_clock(after) >= live_clock(before) + (time.time() - stopped) * 60 * 0.5
    # Custom credentials authenticate again; new tenant ids do not collide with restored ones.
    r = httpx.get(f"{second.vc}/api/integration/v1/get-user-calls", headers={"token": "custom-key"})
    assert r.status_code == 200, r.text
    made = second.ok("POST", f"{second.vc}{T}", 201, json={})
    assert made["id"] not in {t["tenant"] for v in after["vendors"].values() for t in v["tenants"]}
    assert "restored 5 tenant(s) of voipcloud, kerauno" in second.output()


def test_kill_9_loses_at_most_the_last_interval(tmp_path: Path, servers: list[Server]) -> None:
    state_dir = tmp_path / "state"
    first = Server(state_dir, "--state-interval", "0.3").start()
    servers.append(first)
    populate(first)
    saved = comparable(first.state())

    def on_disk() -> str:
        try:
            doc = json.loads((state_dir / "state.json").read_text())
        except (OSError, ValueError):
            return ""
        return comparable({"next_tenant": doc["next_tenant"], "vendors": doc["vendors"]})
    deadline = time.monotonic() + 10
    while on_disk() != saved:  # the periodic save caught up with everything
        assert time.monotonic() < deadline, "the state was never saved"
        time.sleep(0.05)
    # One more change, then no chance to shut down cleanly.
    first.ok("POST", f"{first.vc}{T}", 201, json={"id": "late"})
    late = comparable(first.state())
    first.stop(signal.SIGKILL)
    second = Server(state_dir, "--state-interval", "0.3")
    servers.append(second.start())
    assert comparable(second.state()) in (saved, late)  # the last interval, whole or not at all
    assert (state_dir / "state.json").stat().st_mode & 0o777 == 0o600  # it holds credentials


def test_a_corrupted_or_foreign_state_file_is_refused_in_one_line(tmp_path: Path,
                                                                  servers: list[Server]) -> None:
    state_dir = tmp_path / "state"
    server = Server(state_dir).start()
    servers.append(server)
    populate(server)
    server.stop(signal.SIGTERM)
    good = (state_dir / "state.json").read_bytes()
    doc = json.loads(good)
    second_bad = json.loads(good)
    second_bad["vendors"]["kerauno"]["tenants"][1]["clock"]["now"] = -1e308  # the first is fine
    for content, reason in ((good[: len(good) // 2], "not JSON"),
                            (json.dumps(doc["vendors"]["voipcloud"]["tenants"][0]).encode(),
                             "not a telemock state file"),
                            (json.dumps({**doc, "version": 99}).encode(), "version 99"),
                            (json.dumps(second_bad).encode(),
                             "vendors.kerauno.tenants[1].clock.now")):
        for leftover in state_dir.glob("state.json*"):
            leftover.unlink()
        (state_dir / "state.json").write_bytes(content)
        again = Server(state_dir).start()
        servers.append(again)
        lines = [l for l in again.output().splitlines() if "refused" in l]
        assert len(lines) == 1 and reason in lines[0] and "starting with fresh tenants" in lines[0], lines
        # Fresh tenants only: nothing half-restored.
        state = again.state()
        assert [[t["tenant"] for t in v["tenants"]] for v in state["vendors"].values()] == [["default"]] * 2
        assert all(t["calls"] == [] for v in state["vendors"].values() for t in v["tenants"])
        assert [p.name.startswith("state.json.refused-") for p in state_dir.glob("state.json*")] == [True]
        again.stop(signal.SIGTERM)


def test_state_save_load_and_inspect_against_a_running_server(tmp_path: Path,
                                                               servers: list[Server]) -> None:
    server = Server(tmp_path / "state").start()
    servers.append(server)
    populate(server)
    before = server.state()
    file = tmp_path / "saved.json"
    result = telemock("state", "save", str(file), "--url", server.vc)
    assert result.returncode == 0, result.stderr
    assert "saved 5 tenant(s) of voipcloud, kerauno" in result.stdout
    inspected = telemock("state", "inspect", str(file))
    assert inspected.returncode == 0, inspected.stderr
    out = inspected.stdout
    assert "voipcloud: 2 tenant(s)" in out and "kerauno: 3 tenant(s)" in out
    assert "default      clock 2026-01-05T14:00:03Z manual  calls 1 (1 live)" in out
    assert out.rstrip().endswith("loadable: yes")
    # Change the server, then load the file back: the server is as it was.
    server.ok("POST", f"{server.vc}{T}", 201, json={"id": "extra"})
    server.ok("POST", f"{server.ke}{T}/hooks/clock/advance", json={"seconds": 600})
    result = telemock("state", "load", str(file), "--url", server.ke)
    assert result.returncode == 0, result.stderr
    assert comparable(server.state()) == comparable(before)
    # A bad file: one line, exit 1, the server untouched.
    doc = json.loads(file.read_text())
    doc["vendors"]["voipcloud"]["tenants"][0]["settings"] = {}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    for args in (("load", str(bad), "--url", server.vc), ("inspect", str(bad))):
        result = telemock("state", *args)
        assert result.returncode == 1, result
        assert result.stderr.count("\n") == 1 and "vendors.voipcloud.tenants[0].settings.timezone: missing" \
            in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert comparable(server.state()) == comparable(before)
    # The control plane saves --state-dir on demand, and loads it back.
    saved = server.ok("POST", f"{server.vc}/_emulator/state/save")
    assert saved["tenants"] == 5 and Path(saved["path"]) == tmp_path / "state" / "state.json"
    server.ok("DELETE", f"{server.vc}{T}/t0001")
    assert server.ok("POST", f"{server.ke}/_emulator/state/load")["loaded"]["voipcloud"] == ["default", "t0001"]
    assert comparable(server.state()) == comparable(before)


@pytest.mark.parametrize("args, message", [
    (("state", "inspect", "/nonexistent/state.json"), "No such file"),
    (("state", "save", "x.json", "--url", "http://127.0.0.1:9"), "cannot reach"),
    (("serve", "--state-dir", "/dev/null/x"), "--state-dir /dev/null/x"),
    (("serve", "--state-dir", ".", "--state-interval", "-1"), "--state-interval"),
])
def test_cli_mistakes_get_one_line(args: tuple[str, ...], message: str) -> None:
    result = telemock(*args)
    assert result.returncode in (1, 2), result
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_two_servers_cannot_share_a_state_dir(tmp_path: Path, servers: list[Server]) -> None:
    server = Server(tmp_path / "state").start()
    servers.append(server)
    result = telemock("serve", "--vendor", "voipcloud", "--port", str(free_port()),
                      "--state-dir", str(tmp_path / "state"))
    assert result.returncode == 2 and "another telemock is using" in result.stderr


def test_the_interval_comes_from_the_config_file(tmp_path: Path, servers: list[Server]) -> None:
    config = tmp_path / "telemock.yaml"
    config.write_text(f"state_dir: {tmp_path / 'from-config'}\nstate_interval: 0.2\n")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "emulators.cli", "serve", "--vendor", "voipcloud",
                             "--port", str(port), "--config", str(config)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        deadline = time.monotonic() + 20
        while not (tmp_path / "from-config" / "state.json").exists():
            assert proc.poll() is None and time.monotonic() < deadline, "no periodic save"
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait()
    os.stat(tmp_path / "from-config" / "state.json")
