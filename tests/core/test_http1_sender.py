"""The dispatcher's own HTTP/1.1 sender against a raw socket receiver: it puts on the wire exactly
the bytes httpx puts there for the same request, reads every way an answer can be framed
(length, chunked, until close, compressed, after a 100 Continue) as httpx reads it, and fails
with httpx's error types."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
from typing import Any, Callable

import httpx
import pytest

from emulators.core.http1 import Http1Sender

OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"


class RawReceiver:
    """Reads each request (head + content-length body) and answers with ``answer(n)``'s bytes;
    ``close_after`` answers then hangs up."""

    def __init__(self, answer: Callable[[int], bytes] = lambda n: OK, close_after: bool = False) -> None:
        self.requests: list[bytes] = []
        self.answer, self.close_after = answer, close_after
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._conn, args=(conn,), daemon=True).start()

    def _conn(self, conn: socket.socket) -> None:
        data = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, rest = data.partition(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                while len(rest) < length:
                    rest += conn.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + rest[:length])
                data = rest[length:]
                conn.sendall(self.answer(len(self.requests)))
                if self.close_after:
                    return

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def rx() -> Any:
    r = RawReceiver()
    yield r
    r.close()


def send(sender_calls: list[tuple[str, str, dict[str, str], bytes | None]]) -> list[tuple[int, bytes]]:
    async def run() -> list[tuple[int, bytes]]:
        client = httpx.AsyncClient()
        sender = Http1Sender(client)
        out = [await sender.request(m, u, headers=h, content=c, timeout=5.0) for m, u, h, c in sender_calls]
        await sender.aclose()
        await client.aclose()
        return out
    return asyncio.run(run())


def via_httpx(calls: list[tuple[str, str, dict[str, str], bytes | None]]) -> list[tuple[int, bytes]]:
    async def run() -> list[tuple[int, bytes]]:
        async with httpx.AsyncClient() as client:
            out = []
            for m, u, h, c in calls:
                r = await client.request(m, u, headers=h, content=c, timeout=5.0)
                out.append((r.status_code, r.content))
            return out
    return asyncio.run(run())


def test_the_same_bytes_on_the_wire_as_httpx(rx: RawReceiver) -> None:
    calls = [("POST", rx.url("/hook"), {"content-type": "application/json", "X-Sig": "a b"}, b'{"n": 1}'),
             ("GET", rx.url("/CRM/sms?own=$number&text=Ahoj svete|x&u=http://h/p?q=1"), {}, None),
             ("POST", rx.url("/empty"), {}, None),
             ("PUT", rx.url("/é/ü?x=ř"), {"content-type": "text/plain; charset=utf-8"}, "žluť".encode()),
             ("GET", rx.url("/frag#part"), {"Accept": "application/json"}, None)]
    assert send(calls) == via_httpx(calls) == [(200, b"{}")] * len(calls)
    ours, theirs = rx.requests[:len(calls)], rx.requests[len(calls):]
    assert ours == theirs


@pytest.mark.parametrize("answer, body", [
    (b"HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: 1\r\n\r\n",
     b"abcde"),
    (b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: %d\r\n\r\n" % len(gzip.compress(b"packed", mtime=0))
     + gzip.compress(b"packed", mtime=0), b"packed"),
    (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\ncontent-length: 1\r\n\r\nk", b"k"),
    (b"HTTP/1.1 204 No Content\r\n\r\n", b""),
    (b"HTTP/1.0 200 OK\r\n\r\nuntil the end", b"until the end"),
    (b"HTTP/1.1 503 Busy\r\nConnection: close\r\ncontent-length: 4\r\n\r\nbusy", b"busy"),
])
def test_answers_are_read_as_httpx_reads_them(answer: bytes, body: bytes) -> None:
    rx = RawReceiver(lambda n: answer, close_after=True)
    try:
        call = [("POST", rx.url("/x"), {}, b"1")]
        ours = send(call)
        assert ours == via_httpx(call)
        assert ours[0][1] == body
    finally:
        rx.close()


def test_keep_alive_then_a_server_that_hung_up_is_not_reused(rx: RawReceiver) -> None:
    closing = RawReceiver(close_after=True)
    try:
        calls = [("POST", closing.url("/a"), {}, b"1")] * 3 + [("POST", rx.url("/b"), {}, b"2")] * 3
        assert send(calls) == [(200, b"{}")] * 6
    finally:
        closing.close()


def test_failures_are_httpx_errors() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with pytest.raises(httpx.ConnectError):
        send([("POST", f"http://127.0.0.1:{port}/x", {}, b"1")])
    garbage = RawReceiver(lambda n: b"SMTP ready\r\n\r\n", close_after=True)
    hangup = RawReceiver(lambda n: b"", close_after=True)
    try:
        with pytest.raises(httpx.RemoteProtocolError):
            send([("POST", garbage.url("/x"), {}, b"1")])
        with pytest.raises(httpx.RemoteProtocolError):
            send([("POST", hangup.url("/x"), {}, b"1")])
    finally:
        garbage.close()
        hangup.close()


def test_what_it_leaves_to_httpx() -> None:
    sender = Http1Sender(httpx.AsyncClient())
    assert sender.handles("http://127.0.0.1:9/x")
    assert not sender.handles("https://example.com/x")
    assert not sender.handles("http://user:secret@127.0.0.1:9/x")
