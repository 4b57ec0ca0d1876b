"""The cycle of answers run at once (emulators/at_once.py) puts uvicorn's bytes on the wire.

The same ASGI app is served twice in this process, by ``telemock serve``'s protocol answering
every path at once and by uvicorn's own httptools protocol, and the same raw requests (one
connection each, pipelined, the last one closing it) must get the same bytes back but for the
``date`` header. Then what differs on purpose: no task runs the app, and the head waits for the
body (one write). (With a uvicorn older than 0.53 nothing is run at once: the same bytes, trivially.)
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from contextlib import contextmanager
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulators.at_once import SAME_AS_UVICORN
from emulators.httpguard import Limits, guarded_protocol
from emulators.pytest_plugin import LiveServer
from emulators.registry import Registry
from emulators.server import listener_app
from emulators.vendors import load_vendors

BODY = b'{"ok": true}'


async def cases(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """One answer per path, each a way an ASGI app may answer (or fail to)."""
    path = scope["path"]
    if path == "/wait":  # goes on in a task
        await asyncio.sleep(0.01)
    if path == "/boom":
        raise ValueError("before the answer started")
    if path == "/quiet":
        return
    if path == "/task":  # (differs on purpose: at once, no task runs the app)
        text = b'"in a task"' if asyncio.current_task() is not None else b'"at once"'
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(text)).encode())]})
        await send({"type": "http.response.body", "body": text})
        return
    if path == "/long":  # a body longer than its content-length: uvicorn's RuntimeError
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": BODY})
        return
    if path == "/client":  # as uvicorn's ProxyHeadersMiddleware left them
        text = json.dumps([scope["client"][0], scope["scheme"]]).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(text)).encode())]})
        await send({"type": "http.response.body", "body": text})
        return
    if path == "/receive":  # the request's (empty) body, then what the app hears next
        first = await receive()
        text = json.dumps([first["type"], len(first["body"]), first["more_body"]]).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(text)).encode())]})
        await send({"type": "http.response.body", "body": text})
        return
    headers = [(b"content-type", b"application/json"), (b"x-path", path.encode())]
    if path == "/chunked":  # no content-length: chunked, in two parts
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": BODY[:5], "more_body": True})
        await send({"type": "http.response.body", "body": BODY[5:]})
        return
    if path == "/empty":
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    if path == "/generated":  # headers as any iterable of pairs (ASGI allows it)
        await send({"type": "http.response.start", "status": 200,
                    "headers": ((k, v) for k, v in [*headers, (b"content-length", b"12")])})
        await send({"type": "http.response.body", "body": BODY})
        return
    if path == "/close":
        headers.append((b"Connection", b"close"))
    if path == "/badheader":
        headers.append((b"x-bad", b"one\r\nset-cookie: injected"))
    await send({"type": "http.response.start", "status": 404 if path == "/missing" else 200,
                "headers": [*headers, (b"content-length", str(len(BODY)).encode())]})
    await send({"type": "http.response.body", "body": BODY})


@contextmanager
def served(app: Any, http: Any) -> Iterator[int]:
    with LiveServer(app, http=http, lifespan="off", log_level="critical") as server:
        yield server.port


@contextmanager
def both(app: Any) -> Iterator[tuple[int, int]]:
    """(port at once, port of uvicorn's own protocol) serving ``app``."""
    with served(app, ours()) as at_once, served(app, "httptools") as plain:
        yield at_once, plain


def ours() -> Any:
    """``telemock serve``'s protocol, every path but the control plane's answered at once."""
    return guarded_protocol(Limits(), 1000, lambda path: not path.startswith("/_emulator"))


def exchange(port: int, raw: bytes) -> bytes:
    """Everything the server sends back for ``raw`` until it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return re.sub(rb"\r\ndate: [^\r]*", b"", data)


def get(path: str, *extra: bytes, method: bytes = b"GET", version: bytes = b"1.1") -> bytes:
    return b"".join([method, b" ", path.encode(), b" HTTP/", version, b"\r\nhost: 127.0.0.1\r\n", *extra, b"\r\n"])


LAST = get("/json", b"connection: close\r\n")


@pytest.mark.parametrize("raw", [
    get("/json") + LAST,
    get("/json", method=b"HEAD") + LAST,
    get("/json", version=b"1.0"),
    get("/json", b"connection: close\r\n") + get("/never"),
    get("/chunked") + get("/chunked", method=b"HEAD") + LAST,
    get("/chunked", version=b"1.0"),
    get("/empty") + LAST,
    get("/close") + get("/never"),
    get("/missing") + LAST,
    get("/wait") + get("/json") + get("/wait") + LAST,
    get("/receive") + get("/receive", b"content-length: 0\r\n", method=b"DELETE") + LAST,
    get("/boom") + get("/never"),
    get("/quiet") + get("/never"),
    get("/badheader") + get("/never"),
    get("/json") * 20 + LAST,
    (get("/receive", b"content-length: 5\r\n", method=b"POST") + b"hello"
     + get("/json", b"content-length: 2\r\n", method=b"PUT") + b"{}" + LAST),
    get("/receive", b"transfer-encoding: chunked\r\n", method=b"POST") + b"5\r\nhello\r\n0\r\n\r\n" + LAST,
    get("/receive", b"content-length: 5\r\nexpect: 100-continue\r\n", method=b"POST") + b"hello" + LAST,
    get("/client") + get("/client", b"x-forwarded-for: 10.1.2.3\r\nx-forwarded-proto: https\r\n") + LAST,
    get("/receive", b"content-length: " + b"9" * 5000 + b"\r\n", method=b"POST"),
    get("/generated") + get("/generated") + LAST,
], ids=["keep-alive", "head", "http-1.0", "client-close", "chunked", "chunked-1.0", "204",
        "app-close", "404", "waits-in-a-task", "receive", "raises", "no-answer", "bad-header",
        "pipelined", "bodies", "chunked-body", "100-continue", "forwarded", "huge-length", "generated-headers"])
def test_answers_at_once_are_uvicorns_bytes(raw: bytes) -> None:
    with both(cases) as (at_once, plain):
        assert exchange(at_once, raw) == exchange(plain, raw)


def test_a_vendors_answers_at_once_are_uvicorns_bytes() -> None:
    """VoIPcloud's listener app: success, refusals and an unknown path (date aside)."""
    def app() -> Any:
        registry = Registry(load_vendors(["voipcloud"]))
        spec = registry.vendors["voipcloud"]
        return listener_app(registry, spec, spec.listeners[0], lifespan=False)

    with served(app(), ours()) as at_once, served(app(), "httptools") as plain:
        tenant = get("/_emulator/tenants/default", b"connection: close\r\n")
        key = json.loads(exchange(plain, tenant).split(b"\r\n\r\n", 1)[1])["credentials"]["api_key"]
        assert json.loads(exchange(at_once, tenant).split(b"\r\n\r\n", 1)[1])["credentials"]["api_key"] == key
        token = b"token: " + key.encode() + b"\r\n"
        status = "/api/integration/v1/get-system-status"
        raw = (get(status, token) + get(status, token, method=b"HEAD") + get(status)
               + get(status, b"token: wrong\r\n") + get("/api/integration/v1/nothing-here", token)
               + get(status, token, method=b"PUT") + get(status, token, b"connection: close\r\n"))
        theirs = exchange(plain, raw)
        assert theirs.count(b"HTTP/1.1 200 OK") == 3 and b"HTTP/1.1 401" in theirs
        assert exchange(at_once, raw) == theirs


@pytest.mark.skipif(not SAME_AS_UVICORN, reason="uvicorn before 0.53: every request keeps its own cycle")
def test_the_app_runs_at_once_and_the_head_waits_for_the_body() -> None:
    """What differs, on purpose: at once the app runs outside any task, and the answer's head
    is held for its body (one write), so an answer whose body overruns its ``content-length``
    sends nothing before the connection closes (uvicorn's sends the head)."""
    with both(cases) as (at_once, plain):
        raw = get("/task") + get("/task", b"connection: close\r\n")
        assert exchange(plain, raw).count(b'"in a task"') == 2
        assert exchange(at_once, raw).count(b'"at once"') == 2
        assert exchange(plain, get("/long") + get("/never")).startswith(b"HTTP/1.1 200 OK\r\n")
        assert exchange(at_once, get("/long") + get("/never")) == b""


@pytest.fixture(scope="module")
def both_ways() -> Iterator[tuple[int, int]]:
    with both(cases) as ports:
        yield ports


_PATHS = ["/json", "/chunked", "/empty", "/missing", "/wait", "/receive", "/client", "/generated", "/close"]


@st.composite
def requests(draw: Any) -> bytes:
    """One request of the ways a client may send it: method, version, a body or none, a close."""
    method = draw(st.sampled_from([b"GET", b"HEAD", b"POST", b"PUT", b"DELETE"]))
    extra: list[bytes] = []
    body = b""
    if method in (b"POST", b"PUT", b"DELETE") and draw(st.booleans()):
        body = draw(st.binary(max_size=40))
        if draw(st.booleans()):
            extra.append(b"content-length: %d\r\n" % len(body))
        else:
            extra.append(b"transfer-encoding: chunked\r\n")
            body = (b"%x\r\n" % len(body) + body + b"\r\n" if body else b"") + b"0\r\n\r\n"
    if draw(st.integers(0, 5)) == 0:
        extra.append(b"connection: close\r\n")
    if draw(st.integers(0, 5)) == 0:
        extra.append(b"x-forwarded-for: 10.0.0.%d\r\n" % draw(st.integers(1, 9)))
    version = b"1.0" if draw(st.integers(0, 7)) == 0 else b"1.1"
    return get(draw(st.sampled_from(_PATHS)), *extra, method=method, version=version) + body


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(requests(), min_size=1, max_size=6))
def test_any_pipelined_requests_get_uvicorns_bytes(both_ways: tuple[int, int], sent: list[bytes]) -> None:
    """Any mix of the above in one write (the last closing): the same bytes both ways."""
    at_once, plain = both_ways
    raw = b"".join(sent) + LAST
    assert exchange(at_once, raw) == exchange(plain, raw)
