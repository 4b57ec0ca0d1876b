"""A real ``telemock serve`` against clients that hold connections without finishing a request:
half-sent heads and bodies are cut off after ``--read-timeout``, oversized heads get 431, and a
flood of idle connections cannot lock out a client with a real request (emulators/httpguard.py).
"""

from __future__ import annotations

import json
import resource
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from typing import Iterator
from urllib.request import urlopen

import pytest

from emulators.at_once import SAME_AS_UVICORN
from emulators.httpguard import MAX_HEAD_BYTES
from emulators.server import KEEP_ALIVE_SECONDS

from support.receiver import free_port

HEALTH = b"GET /_emulator/health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"


@contextmanager
def serving(*args: str, fd_limit: int | None = None, vendor: str = "voipcloud") -> Iterator[int]:
    port = free_port()

    def limit() -> None:
        if fd_limit is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))

    proc = subprocess.Popen([sys.executable, "-m", "emulators.cli", "serve", "--vendor", vendor,
                             "--port", str(port), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=limit)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
                time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def read_all(sock: socket.socket) -> bytes:
    """Everything until the server closes the connection (a socket timeout fails the test)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def health_seconds(port: int) -> float:
    started = time.perf_counter()
    with connect(port) as sock:
        sock.sendall(HEALTH)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
    return time.perf_counter() - started


def test_half_sent_requests_are_cut_off_and_real_ones_answer_meanwhile() -> None:
    with serving("--read-timeout", "0.5") as port:
        head = connect(port)
        head.sendall(b"GET /_emulator/health HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ")
        body = connect(port)
        body.sendall(b"POST /api/integration/v1/call-to-number HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                     b"content-type: application/json\r\ncontent-length: 100\r\n\r\n{\"user_")
        silent = connect(port)  # connects and never sends a byte
        assert health_seconds(port) < 0.4
        started = time.perf_counter()
        assert read_all(head).startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        assert read_all(silent) == b""
        assert read_all(body) == b""  # the body never came whole: closed, nobody to answer
        assert 0.2 < time.perf_counter() - started < 3
        for sock in (head, body, silent):
            sock.close()
        assert health_seconds(port) < 1
        # A short body is read whole before the app runs (httpguard's at-once way), as a web
        # server in front of PHP does: one that never came whole never reached the app. (With a
        # uvicorn before 0.53 the app reads it as it comes and sees it end early.)
        journal = urlopen(f"http://127.0.0.1:{port}/_emulator/journal/unauthenticated", timeout=5)
        seen = [(e["operation"], e["status"]) for e in json.load(journal)]
        assert seen == ([] if SAME_AS_UVICORN else [("call-to-number", 400)])


def test_a_request_head_over_the_cap_gets_431() -> None:
    with serving() as port, connect(port) as sock:
        sock.sendall(b"GET /_emulator/health?" + b"q" * MAX_HEAD_BYTES + b" HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
        assert read_all(sock).startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    with serving() as port, connect(port) as sock:  # a head just under the cap is served
        sock.sendall(b"GET /_emulator/health?" + b"q" * (MAX_HEAD_BYTES - 1000)
                     + b" HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")


def test_idle_connections_make_room_for_a_real_request() -> None:
    """256 open files leave room for 96 connections; 130 idle ones must not lock anyone out.
    (Without the guard the health request never answers: the socket times out.)"""
    with serving(fd_limit=256) as port:
        idle = []
        for n in range(130):
            idle.append(connect(port))
            if n % 2:
                idle[-1].sendall(b"GET / HTTP/1.1\r\n")  # half of them half-sent, half silent
        assert health_seconds(port) < 4.5  # under load a connect may wait for a SYN retry (1 s)
        assert read_all(idle[0]) == b""  # the longest waiting went first (silent: closed)
        assert read_all(idle[1]).startswith(b"HTTP/1.1 408 ")  # (half-sent: told why)
        idle[-1].settimeout(0.3)
        with pytest.raises(TimeoutError):
            idle[-1].recv(1)  # the newest is still held
        for sock in idle:
            sock.close()


def answer(sock: socket.socket) -> bytes:
    """One whole answer on a kept-alive connection (head and ``Content-Length`` body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")))
    while len(body) < length:
        body += sock.recv(65536)
    return head


def test_an_idle_keep_alive_connection_is_closed_after_the_keep_alive_wait() -> None:
    """A connection idle past ``KEEP_ALIVE_SECONDS`` after its last answer is closed, one that
    sends its next request is kept (uvicorn's wait, beside the guard's read-timeout sweep)."""
    with serving() as port, connect(port) as idle, connect(port) as busy:
        for sock in (idle, busy):
            sock.sendall(HEALTH)
            assert answer(sock).startswith(b"HTTP/1.1 200 ")
        started = time.perf_counter()
        time.sleep(KEEP_ALIVE_SECONDS - 1)
        busy.sendall(HEALTH)  # a new request before the wait ends: served, and waits anew
        assert answer(busy).startswith(b"HTTP/1.1 200 ")
        idle.settimeout(KEEP_ALIVE_SECONDS + 3)
        assert read_all(idle) == b""
        assert KEEP_ALIVE_SECONDS - 0.2 < time.perf_counter() - started < KEEP_ALIVE_SECONDS + 2
        busy.sendall(HEALTH)
        assert answer(busy).startswith(b"HTTP/1.1 200 ")


TOKEN = b"token: c0ffee0ddba11ad5eed5a1e5fee1900d\r\n"
STATUS = b"GET /api/integration/v1/get-system-status HTTP/1.1\r\nhost: 127.0.0.1\r\n" + TOKEN + b"\r\n"
CALL_BODY = b"user_number=1001&number_to_call=0298765432"
CALL_HEAD = (b"POST /api/integration/v1/call-to-number HTTP/1.1\r\nhost: 127.0.0.1\r\n" + TOKEN
             + b"content-type: application/x-www-form-urlencoded\r\ncontent-length: "
             + str(len(CALL_BODY)).encode() + b"\r\n")
"""A click-to-call from user 1001 (busy on it afterwards: a second one of theirs is refused)."""
OTHER_CALL_BODY = CALL_BODY.replace(b"1001", b"1002")
STREAM = b"GET /_emulator/tenants/default/stream?once=1 HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"


class Answers:
    """Whole answers off one kept-alive connection, in order (several may come in one read)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.data = sock, b""

    def _read(self) -> None:
        chunk = self.sock.recv(65536)
        assert chunk, "the server closed the connection"
        self.data += chunk

    def until(self, end: bytes) -> bytes:
        while end not in self.data:
            self._read()
        part, _, self.data = self.data.partition(end)
        return part

    def next(self) -> tuple[bytes, bytes]:
        """(status line, body) of a ``Content-Length`` answer."""
        head = self.until(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")))
        while len(self.data) < length:
            self._read()
        body, self.data = self.data[:length], self.data[length:]
        return head.split(b"\r\n")[0], body

    def chunked(self) -> bytes:
        """A chunked answer, head and all, up to its last chunk."""
        return self.until(b"\r\n0\r\n\r\n")

    def vendor_ok(self) -> None:
        status, body = self.next()
        assert status == b"HTTP/1.1 200 OK", body
        assert json.loads(body)["code"] == 200


def test_pipelined_requests_answer_in_order_whichever_way_each_is_run() -> None:
    """Vendor requests run at once in the protocol's callback (the one with a body once it is
    read whole); the control plane's go to uvicorn's task. One write, answers in order."""
    with serving() as port, connect(port) as sock:
        sock.sendall(STATUS + STREAM + HEALTH + STATUS + CALL_HEAD + b"\r\n" + CALL_BODY + STATUS)
        answers = Answers(sock)
        answers.vendor_ok()
        stream = answers.chunked()  # the dashboard's stream (anyio: a task) ends after one round
        assert stream.startswith(b"HTTP/1.1 200 OK\r\n") and b"text/event-stream" in stream
        status, body = answers.next()
        assert status == b"HTTP/1.1 200 OK" and json.loads(body)["status"] == "ok"
        for _ in range(3):
            answers.vendor_ok()


def test_a_body_sent_after_its_head_and_a_100_continue_are_both_read() -> None:
    with serving() as port, connect(port) as sock:
        answers = Answers(sock)
        sock.sendall(CALL_HEAD + b"\r\n")
        time.sleep(0.3)  # the head alone first: the app waits for the body
        sock.sendall(CALL_BODY[:10])
        time.sleep(0.1)
        sock.sendall(CALL_BODY[10:])
        answers.vendor_ok()
        sock.sendall(CALL_HEAD + b"expect: 100-continue\r\n\r\n")
        assert answers.until(b"\r\n\r\n") == b"HTTP/1.1 100 Continue"  # before any body byte
        sock.sendall(OTHER_CALL_BODY)
        answers.vendor_ok()
        sock.sendall(STATUS)  # and the connection goes on
        answers.vendor_ok()


def test_a_long_poll_goes_on_in_a_task_and_other_requests_are_served_meanwhile() -> None:
    """Daktela's RTUserState 4.0 with an unchanged ``hash`` waits (``long_poll_seconds``): run at
    once, it stops at its first wait and the rest goes on in a task."""
    with serving(vendor="daktela") as port:
        with connect(port) as sock:
            sock.sendall(b"PATCH /_emulator/tenants/default/settings HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                         b"content-type: application/json\r\ncontent-length: 39\r\n\r\n"
                         b'{"daktela": {"long_poll_seconds": 1.5}}')
            assert Answers(sock).next()[0] == b"HTTP/1.1 200 OK"
        state = (b"GET /api/4.0/RTUserState/json?access_token=1234567890123456789012345678901234567890"
                 b"&user=sedlacek%s HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
        with connect(port) as poll, connect(port) as other:
            polls, others = Answers(poll), Answers(other)
            other.sendall(state % b"")
            first = json.loads(others.next()[1])["result"]
            started = time.perf_counter()
            poll.sendall(state % (b"&hash=" + first["hash"].encode()) + state % b"")  # and one behind it
            other.sendall(state % b"")
            assert json.loads(others.next()[1])["result"] == first
            poll.setblocking(False)
            with pytest.raises(BlockingIOError):
                poll.recv(1)  # answered while the poll still waits
            poll.settimeout(10)
            assert json.loads(polls.next()[1])["result"] == first
            assert time.perf_counter() - started >= 1.4
            assert json.loads(polls.next()[1])["result"] == first
