"""Request bodies are bounded: over the limit, too deep or malformed, every vendor answers in its
own envelope, journals the request, and changes nothing; the control plane answers JSON 413.

In-process apps with a small limit (``listener_app(max_body_bytes=...)``), plus one real
``telemock serve --max-body-bytes`` to show a declared length over the limit is refused before
the body is sent.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from typing import Any, Iterator

import pytest
from starlette.testclient import TestClient

from emulators.control.body import MAX_BODY_BYTES as CONTROL_MAX
from emulators.dialect.request import MAX_BODY_BYTES, MAX_JSON_DEPTH
from emulators.server import listener_app

from support.receiver import free_port

LIMIT = 1000
K_KEY = "b0f4ad5193ad04858dae03a1b3dbe9071ff12e52"
MAKECALL = "/kerauno/api/v1/makecall/"
CALL_TO_NUMBER = "/api/integration/v1/call-to-number"
T = "/_emulator/tenants"


class Limited:
    """One vendor listener (TestClient) built with ``max_body_bytes=LIMIT``."""

    def __init__(self, emu: Any, vendor: str) -> None:
        self.emu, self.vendor = emu, vendor
        spec = emu.registry.vendors[vendor]
        self.client = TestClient(listener_app(emu.registry, spec, spec.listeners[0], max_body_bytes=LIMIT))
        self.client.__enter__()
        self.tenant = emu.tenant(vendor)

    def world(self) -> dict[str, Any]:
        snap = self.tenant.snapshot()
        snap.pop("requests")
        snap.pop("limiter")
        return snap

    def journal(self) -> list[dict[str, Any]]:
        return list(self.tenant.requests.entries)


@pytest.fixture
def kerauno(emu_factory: Any) -> Iterator[Limited]:
    limited = Limited(emu_factory("kerauno"), "kerauno")
    yield limited
    limited.client.__exit__(None, None, None)


@pytest.fixture
def voipcloud(emu_factory: Any) -> Iterator[Limited]:
    limited = Limited(emu_factory("voipcloud"), "voipcloud")
    yield limited
    limited.client.__exit__(None, None, None)


def chunks(body: bytes, size: int = 300) -> Iterator[bytes]:
    """A body sent without Content-Length (chunked): the limit must hold while reading."""
    for i in range(0, len(body), size):
        yield body[i:i + size]


# -- over the limit ---------------------------------------------------------------------------
@pytest.mark.parametrize("streamed", [False, True])
def test_kerauno_refuses_a_body_over_the_limit_with_its_envelope_and_413(kerauno: Limited, streamed: bool) -> None:
    before = kerauno.world()
    body = f"key={K_KEY}&src=2002&dst=3000&pad=".encode() + b"x" * LIMIT
    r = kerauno.client.post(MAKECALL + f"?key={K_KEY}", content=chunks(body) if streamed else body,
                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413
    assert r.content == b'{"error":"You must send a request body of at most 1000 bytes."}'
    assert r.headers["connection"] == "close"
    assert kerauno.world() == before  # no call was placed
    entry = kerauno.journal()[-1]
    assert (entry["operation"], entry["status"], entry["tenant"]) == ("makecall", 413, "default")


@pytest.mark.parametrize("streamed", [False, True])
def test_voipcloud_refuses_a_body_over_the_limit_with_its_envelope_and_413(voipcloud: Limited, streamed: bool) -> None:
    before = voipcloud.world()
    key = voipcloud.tenant.credentials["api_key"]
    body = json.dumps({"user_number": "1001", "number_to_call": "0412345678", "pad": "x" * LIMIT}).encode()
    r = voipcloud.client.post(CALL_TO_NUMBER, content=chunks(body) if streamed else body,
                              headers={"token": key, "content-type": "application/json"})
    assert r.status_code == 413
    assert r.json() == {"code": 413, "description": "Content Too Large", "data": None}
    assert r.headers["connection"] == "close"
    assert voipcloud.world() == before
    entry = voipcloud.journal()[-1]
    assert (entry["operation"], entry["status"]) == ("call-to-number", 413)


def test_a_body_at_the_limit_is_read(voipcloud: Limited) -> None:
    key = voipcloud.tenant.credentials["api_key"]
    body = json.dumps({"user_number": "nobody", "number_to_call": "0412345678"}).encode()
    body += b" " * (LIMIT - len(body))
    r = voipcloud.client.post(CALL_TO_NUMBER, content=body,
                              headers={"token": key, "content-type": "application/json"})
    assert r.status_code == 400  # read, and its user_number refused: the limit is inclusive


def test_the_control_plane_answers_json_413(kerauno: Limited) -> None:
    """The control plane has its own, larger limit (snapshots are big): past it, JSON 413."""
    def chunks() -> Iterator[bytes]:  # streamed: no declared length to refuse early
        yield b'{"pad": "'
        for _ in range(CONTROL_MAX // (1 << 20) + 1):
            yield b"x" * (1 << 20)
        yield b'"}'
    r = kerauno.client.post(T, content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json() == {"error": f"body is larger than {CONTROL_MAX} bytes"}
    assert [t["id"] for t in kerauno.client.get(T).json()] == ["default"]


# -- unreadable bodies --------------------------------------------------------------------------
DEEP = b"[" * 100_000
UNREADABLE = [
    ("application/json", DEEP),
    ("application/json", b'{"key": "x", "src": ' + b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1) + b"}"),
    ("application/json", b'{"src": "2002"'),
    ("application/json", b'{"src": \xff}'),
    ("multipart/form-data", b"--x\r\njunk"),
]


@pytest.mark.parametrize("ctype, body", UNREADABLE)
def test_kerauno_calls_an_unreadable_body_a_parameter_error(emu_factory: Any, ctype: str, body: bytes) -> None:
    emu = emu_factory("kerauno")
    client, tenant = emu.client("kerauno"), emu.tenant("kerauno")
    before = len(tenant.calls)
    r = client.post(MAKECALL + f"?key={K_KEY}", content=body, headers={"content-type": ctype})
    assert r.status_code == 400  # the default tenant has http_error_status on
    assert r.content == b'{"error":"You must send a valid request body."}'
    assert len(tenant.calls) == before
    assert tenant.requests.entries[-1]["status"] == 400


@pytest.mark.parametrize("ctype, body", UNREADABLE)
def test_voipcloud_calls_an_unreadable_body_a_parameters_error(emu_factory: Any, ctype: str, body: bytes) -> None:
    emu = emu_factory("voipcloud")
    client, tenant = emu.client("voipcloud"), emu.tenant("voipcloud")
    r = client.post(CALL_TO_NUMBER, content=body,
                    headers={"token": tenant.credentials["api_key"], "content-type": ctype})
    assert r.status_code == 400
    assert r.json() == {"code": 400, "description": "Parameters error", "data": None}
    assert not tenant.calls
    assert tenant.requests.entries[-1]["status"] == 400


def test_json_as_deep_as_php_reads_is_still_read(emu_factory: Any) -> None:
    """512 levels (PHP json_decode's default depth), brackets inside strings not counted."""
    emu = emu_factory("voipcloud")
    client, tenant = emu.client("voipcloud"), emu.tenant("voipcloud")
    nested = "[" * (MAX_JSON_DEPTH - 1) + '"]]]\\\\\\"[[["' + "]" * (MAX_JSON_DEPTH - 1)
    body = '{"user_number": "1001", "number_to_call": "0412345678", "extra": ' + nested + "}"
    r = client.post(CALL_TO_NUMBER, content=body.encode(),
                    headers={"token": tenant.credentials["api_key"], "content-type": "application/json"})
    assert r.status_code == 200, r.text
    assert len(tenant.calls) == 1


# -- a real server: --max-body-bytes ------------------------------------------------------------
@pytest.mark.parametrize("declared", [100 * 2**20, 5000])  # (5,000: short enough to be read whole)
def test_serve_refuses_a_declared_length_over_the_limit_before_the_body_is_sent(declared: int) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "emulators.cli", "serve", "--vendor", "voipcloud",
                             "--port", str(port), "--max-body-bytes", "2048"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
                time.sleep(0.05)
        with sock:
            head = (f"POST {CALL_TO_NUMBER} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                    f"content-length: {declared}\r\n\r\n")
            sock.sendall(head.encode())  # and not one byte of the body
            answer = b""
            while chunk := sock.recv(4096):  # until the server closes the connection
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 413 ")
            assert answer.endswith(b'{"code":413,"description":"Content Too Large","data":null}')
    finally:
        proc.terminate()
        proc.wait(10)


def test_max_body_bytes_must_be_a_positive_whole_number() -> None:
    bad = subprocess.run([sys.executable, "-m", "emulators.cli", "serve", "--max-body-bytes", "0"],
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2
    assert bad.stderr == "telemock: --max-body-bytes must be a whole number of bytes, 1 or more; got 0\n"
    help_text = subprocess.run([sys.executable, "-m", "emulators.cli", "serve", "--help"],
                               capture_output=True, text=True, timeout=30).stdout
    assert f"default {MAX_BODY_BYTES}" in help_text.replace("\n", " ")
