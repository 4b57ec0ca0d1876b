"""Regression (issue 7): three calls to the doc's ring group 4000 hung the whole server.

1133's phone is busy. With three callers waiting, every ``leg.fail`` of 1133 freed it, and it
was offered the next waiting call at the same virtual instant, for ever: the clock never moved,
no port answered, SIGTERM did not stop it. These tests run a real ``telemock serve`` process
and give every request a time-out, so a regression fails here (and the process is killed)
instead of hanging CI. The last test, in-process, pins a second defect the same work found: a
member who dialled their own ring group was rung on their call as it timed out, and stayed
"Ringing" for ever.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from .helpers import KEY, MAKECALL, REPORTING, START, STATUSES, T
from support.harness import free_port

ROOT = Path(__file__).resolve().parents[2]
PROMPT = 10.0
"""Seconds any request may take: far more than a healthy server needs (milliseconds)."""
DAY = {"start_date": "2026-01-05 09:00:00", "end_date": "2026-01-05 23:59:59"}
"""The test day in New York time (the clock starts at 09:00:00 EST)."""
MEMBERS = ("1133", "3924", "4433")


class Server:
    """``telemock serve --vendor kerauno`` on a manual clock, in its own process."""

    def __init__(self) -> None:
        self.api_port, self.status_port = free_port(), free_port()
        self.log = tempfile.TemporaryFile("w+")  # not a pipe: a chatty server must never block on it
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "emulators.cli", "serve", "--vendor", "kerauno", "--clock-mode", "manual",
             "--clock-start", "2026-01-05T14:00:00Z", "--listener-port", f"kerauno={self.api_port}",
             "--listener-port", f"kerauno-status={self.status_port}"],
            stdout=subprocess.DEVNULL, stderr=self.log, cwd=ROOT)
        self.api = httpx.Client(base_url=f"http://127.0.0.1:{self.api_port}", timeout=PROMPT)
        self.status = httpx.Client(base_url=f"http://127.0.0.1:{self.status_port}", timeout=PROMPT)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.api.get("/_emulator/health", timeout=1)
                self.status.get("/_emulator/health", timeout=1)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.proc.kill()
                    self.proc.wait()
                    self.log.seek(0)
                    pytest.fail(f"server did not start: {self.log.read()}")
                time.sleep(0.05)

    def stop(self) -> int | None:
        """SIGTERM, as a deployment would; the exit code, or None if it had to be killed."""
        self.api.close()
        self.status.close()
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=PROMPT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        finally:
            self.log.close()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    live = Server()
    try:
        yield live
    finally:
        assert live.stop() is not None, "telemock serve ignored SIGTERM"


@pytest.fixture
def kerauno(server: Server) -> Server:
    """The server with its default tenant freshly seeded."""
    assert server.api.post(f"{T}/default/reset").status_code == 200
    return server


def advance(server: Server, seconds: float) -> dict[str, Any]:
    r = server.api.post(f"{T}/default/clock/advance", json={"seconds": seconds})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def member_statuses(server: Server) -> dict[str, Any]:
    r = server.status.get(STATUSES + "4000", params={"key": KEY})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(MEMBERS) <= set(body)
    return body  # type: ignore[no-any-return]


def check_the_group_recovers(server: Server, call_ids: list[str]) -> None:
    """The clock moves, agent statuses answer, and once every call has ended each one is a
    plausible Reporting row of ring group 4000."""
    member_statuses(server)
    before = clock_now(server)
    assert advance(server, 1)["now"] == before + 1
    assert member_statuses(server)["1133"]["busy"] is True  # still the doc's busy phone
    assert advance(server, 3600)["now"] == before + 3601  # every call has long ended by then
    calls = {c["id"]: c for c in server.api.get(f"{T}/default/calls").json()}
    assert set(call_ids) <= set(calls)
    assert all(calls[i]["state"] == "ended" for i in call_ids), [calls[i]["state"] for i in call_ids]
    statuses = member_statuses(server)
    assert statuses["3924"]["available"] is True and statuses["3924"]["status"] == "Ring Group - Available"
    rows = server.api.get(REPORTING, params={"key": KEY, "type": "ring_groups", **DAY}).json()
    mine = {r["unique_id"]: r for r in rows.values() if r["unique_id"] in call_ids}
    assert set(mine) == set(call_ids)
    for call_id, row in mine.items():
        call = calls[call_id]
        assert (row["ring_group_num"], row["ring_group_name"], row["dest_num"]) == ("4000", "Test", "4000")
        assert row["duration"] == str(round(call["ended_at"] - call["created_at"]))
        if call["disposition"] == "answered":
            assert row["ans_agent_num"] == "3924"  # the only member who can take a call
            assert row["release_reason"] in ("caller", "agent")
        else:  # waited out max_wait while 3924 talked: never offered to 1133 in a loop
            assert call["disposition"] == "timedout" and row["release_reason"] == "timeout"
            assert (row["ans_agent_num"], row["ans_agent_name"]) == ("", "")
        busy_rings = [l for l in call["legs"] if l["party"] == "1133"]
        assert all(l["disposition"] == "busy" for l in busy_rings)
        # 1133 is rung once per round (the queue retries every 2 s), never in a same-instant loop
        instants = [l["ringing_at"] for l in busy_rings]
        assert len(instants) == len(set(instants)), instants
    assert calls[call_ids[0]]["disposition"] == "answered"


def clock_now(server: Server) -> float:
    r = server.api.get(f"{T}/default/clock")
    assert r.status_code == 200, r.text
    return float(r.json()["now"])


def test_three_makecalls_to_ring_group_4000_do_not_hang_the_server(kerauno: Server) -> None:
    for src in ("3000", "3002", "2002"):
        r = kerauno.api.get(MAKECALL, params={"key": KEY, "src": src, "dst": "4000"})
        assert r.content == b'{"response":"Success"}'
    call_ids = [c["id"] for c in kerauno.api.get(f"{T}/default/calls").json()]
    assert len(call_ids) == 3
    assert advance(kerauno, 10)["now"] == START + 10  # the sources answer at 4 s: calls enter 4000
    check_the_group_recovers(kerauno, call_ids)


def test_three_inbound_calls_to_4000_do_not_hang_the_server(kerauno: Server) -> None:
    call_ids = []
    for _ in range(3):
        r = kerauno.api.post(f"{T}/default/calls", json={"from": "+15551234567", "to": "4000"})
        assert r.status_code == 201, r.text
        call_ids.append(r.json()["id"])
    assert advance(kerauno, 1)["now"] == START + 1
    check_the_group_recovers(kerauno, call_ids)


def test_a_member_calling_their_own_ring_group_is_free_when_the_call_times_out(emu_factory) -> None:  # type: ignore[no-untyped-def]
    """3924 dials 4000 and waits there (nobody else can answer) until max_wait ends the call;
    ending 3924's own leg frees 3924, who must not be rung on the call that is ending (they
    were, and stayed "Ringing" for ever)."""
    emu = emu_factory("kerauno")
    client, status = emu.client("kerauno"), emu.client("kerauno-status")
    assert client.get(MAKECALL, params={"key": KEY, "src": "3924", "dst": "4000"}).content == \
        b'{"response":"Success"}'
    r = client.post(f"{T}/default/clock/advance", json={"seconds": 600})
    assert r.status_code == 200 and r.json()["now"] == START + 600
    [call] = client.get(f"{T}/default/calls").json()
    assert (call["state"], call["disposition"], call["ended_by"]) == ("ended", "timedout", "system")
    assert all(leg["state"] == "ended" for leg in call["legs"])
    assert [leg["party"] for leg in call["legs"] if leg["party"] == "3924"] == ["3924"]  # the caller leg only
    row = status.get(STATUSES + "4000", params={"key": KEY}).json()["3924"]
    assert (row["status"], row["available"], row["busy"]) == ("Ring Group - Available", True, False)
    rows = client.get(REPORTING, params={"key": KEY, "type": "ring_groups", **DAY}).json()
    [mine] = [r for r in rows.values() if r["unique_id"] == call["id"]]
    assert (mine["source_num"], mine["ring_group_num"], mine["release_reason"]) == ("3924", "4000", "timeout")
