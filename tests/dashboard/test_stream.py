"""The dashboard's event stream over real HTTP (uvicorn on loopback): messages in order,
resuming with ``Last-Event-ID`` misses nothing and repeats nothing, resets and deletions are
announced, trimmed history is a ``gap`` (never silent), and the server can always stop."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from emulators.dashboard import close_streams
from emulators.dashboard.hub import MAX_STREAMS

from .sse import Message, messages, of, read_until, requests_of
from support.harness import free_port, live_emulator, mini_token

STREAM = "/_emulator/tenants/{tid}/stream"
TIMEOUT = httpx.Timeout(10.0)


def place_calls(live: Any, token: str, n: int, tid: str = "default") -> None:
    """``n`` calls through the vendor API, each run to its end on the tenant clock."""
    for i in range(n):
        r = live.api("POST", "/v1/calls", token, data={"extension": "201", "to": f"+1555000{i:04d}"})
        assert r.status_code == 201, r.text
        live.ok("POST", f"/_emulator/tenants/{tid}/clock/advance", json={"seconds": 600})


def started(seen: list[Message]) -> bool:
    """The start of a stream is over once ``now`` has come (hello, backlog, calls, now)."""
    return any(m.event == "now" for m in seen)


def event_seqs(seen: list[Message]) -> list[int]:
    return [e["seq"] for e in of(seen, "event")]


def test_events_in_order_then_resumed_with_last_event_id_none_missed_none_twice() -> None:
    with live_emulator() as live:
        tenant = live.registry.get("mini", "default")
        token = mini_token()
        url = STREAM.format(tid="default")
        with live.http.stream("GET", url, timeout=TIMEOUT) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["cache-control"] == "no-store"
            stream = messages(response)
            seen = read_until(stream, started)
            assert seen[0].event == "hello" and seen[0].data["tenant"] == "default"
            assert seen[0].data["resumed"] is False
            place_calls(live, token, 2)
            target = tenant.event_seq
            seen += read_until(stream, lambda s: bool(event_seqs(s)) and event_seqs(s)[-1] >= target
                               and len(requests_of(s)) >= 2)
            first = event_seqs(seen)
            assert first == list(range(first[0], target + 1))  # in order, one each
            requests = [e["seq"] for e in requests_of(seen) if not e["anon"]]
            assert requests == [1, 2]
            last_id = seen[-1].id
        # while no page listens: more calls, the clock moves (calls end), refused requests
        place_calls(live, token, 3)
        assert live.api("GET", "/v1/calls", "wrong-token").status_code == 401
        live.ok("POST", "/_emulator/tenants/default/clock/advance", json={"seconds": 600})
        target = tenant.event_seq
        assert target > first[-1] + 10
        with live.http.stream("GET", url, headers={"Last-Event-ID": last_id}, timeout=TIMEOUT) as response:
            stream = messages(response)
            again = read_until(stream, started)  # the whole start: what was missed, then now
        assert again[0].event == "hello" and again[0].data["resumed"] is True
        assert not of(again, "reset") and not of(again, "gap")
        assert event_seqs(again) == list(range(first[-1] + 1, target + 1))  # exactly the missed ones
        assert [e["seq"] for e in requests_of(again) if not e["anon"]] == [3, 4, 5]
        anon = [e for e in requests_of(again) if e["anon"]]
        assert [(e["status"], e["reason"]["kind"]) for e in anon] == [(401, "bad_credential")]
        ended = [c for c in of(again, "call") if c["state"] == "ended"]
        assert len({c["id"] for c in ended}) == 3  # each call made meanwhile came with its end (its CDR row)
        ids = [m.id for m in again if m.id]
        assert all(i.split(".")[0] == last_id.split(".")[0] for i in ids)


def test_a_reset_is_announced_and_the_present_follows() -> None:
    with live_emulator() as live:
        url = STREAM.format(tid="default")
        place_calls(live, mini_token(), 1)
        with live.http.stream("GET", url, timeout=TIMEOUT) as response:
            stream = messages(response)
            seen = read_until(stream, started)
            assert len(of(seen, "calls")[0]) == 1
            live.ok("POST", "/_emulator/tenants/default/reset")
            after = read_until(stream, lambda s: any(m.event == "calls" for m in s))
        assert [m.event for m in after][:2] == ["reset", "calls"]
        assert of(after, "calls")[0] == []
        # a cursor from before the reset starts over too
        with live.http.stream("GET", url, headers={"Last-Event-ID": seen[-1].id}, timeout=TIMEOUT) as response:
            again = read_until(messages(response), started)
        assert [m.event for m in again][:2] == ["hello", "reset"]


def test_events_the_tenant_no_longer_keeps_are_a_gap() -> None:
    with live_emulator() as live:
        created = live.create(id="small", settings={"events_keep": 5})
        token = created["credentials"]["token"]
        url = STREAM.format(tid="small")
        place_calls(live, token, 1, "small")
        with live.http.stream("GET", url, timeout=TIMEOUT) as response:
            seen = read_until(messages(response), started)
        last = event_seqs(seen)[-1]
        place_calls(live, token, 3, "small")  # far more than 5 events
        tenant = live.registry.get("mini", "small")
        with live.http.stream("GET", url, headers={"Last-Event-ID": seen[-1].id}, timeout=TIMEOUT) as response:
            again = read_until(messages(response), started)
        gap = of(again, "gap")
        kept = event_seqs(again)
        assert kept == [e.seq for e in tenant.events] and len(kept) == 5
        assert gap == [{"what": "events", "missed": kept[0] - last - 1}]


def test_deleting_the_tenant_ends_its_stream() -> None:
    with live_emulator() as live:
        live.create(id="brief")
        with live.http.stream("GET", STREAM.format(tid="brief"), timeout=TIMEOUT) as response:
            stream = messages(response)
            read_until(stream, started)
            live.ok("DELETE", "/_emulator/tenants/brief")
            rest = list(stream)  # the server ends the response
        assert [m.event for m in rest] == ["gone"]


def test_stopping_the_server_ends_open_streams() -> None:
    with live_emulator() as live:
        ended = threading.Event()

        def listen() -> None:
            with httpx.stream("GET", live.url + STREAM.format(tid="default"), timeout=TIMEOUT) as response:
                for _ in response.iter_bytes():
                    pass
            ended.set()

        thread = threading.Thread(target=listen, daemon=True)
        thread.start()
        time.sleep(0.3)
        assert not ended.is_set()
        close_streams(live.registry)
        assert ended.wait(2.0), "an open stream kept the server from stopping"
        refused = live.http.get(STREAM.format(tid="default"))
        assert refused.status_code == 503 and "stopping" in refused.json()["error"]


def test_open_streams_are_bounded() -> None:
    with live_emulator() as live:
        host, port = "127.0.0.1", live.server.port
        held = []
        try:
            for _ in range(MAX_STREAMS):
                sock = socket.create_connection((host, port))
                sock.sendall(f"GET {STREAM.format(tid='default')} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
                assert sock.recv(12) == b"HTTP/1.1 200"
                held.append(sock)
            time.sleep(0.2)
            refused = live.http.get(STREAM.format(tid="default"))
            assert refused.status_code == 503 and f"{MAX_STREAMS} dashboard streams" in refused.json()["error"]
        finally:
            for sock in held:
                sock.close()
        deadline = time.monotonic() + 5
        while live.http.get(STREAM.format(tid="default") + "?once=1").status_code != 200:
            assert time.monotonic() < deadline, "closed streams were not counted off"
            time.sleep(0.05)


def test_ctrl_c_stops_telemock_serve_with_a_dashboard_open() -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "emulators.cli", "serve", "--vendor", "voipcloud",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(f"server did not start: {proc.stderr.read() if proc.stderr else ''}") from None
                time.sleep(0.05)
        url = f"http://127.0.0.1:{port}{STREAM.format(tid='default')}"
        with httpx.stream("GET", url, timeout=TIMEOUT) as open_page:
            stream = messages(open_page)
            read_until(stream, started)
            started_at = time.monotonic()
            proc.send_signal(signal.SIGINT)
            list(stream)  # the server ends the open stream (a read timeout here fails the test)
        assert time.monotonic() - started_at < 5
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
