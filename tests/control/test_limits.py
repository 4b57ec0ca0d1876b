"""Control-plane bodies: size, nesting depth and Unicode are checked before anything changes."""

from __future__ import annotations

import json
import socket
from typing import Any, Iterator

import pytest

from emulators.control.body import MAX_BODY_BYTES, MAX_JSON_DEPTH

from support.harness import JSON_BODY, MiniEmu, T, live_emulator


def nested_text(depth: int) -> str:
    """``{"x": {"x": ... {}}}``: ``depth`` objects, one inside the other."""
    return '{"x":' * (depth - 1) + "{}" + "}" * (depth - 1)


def nested(depth: int) -> dict[str, Any]:
    return json.loads(nested_text(depth))  # type: ignore[no-any-return]


DEEP = f"body is nested deeper than {MAX_JSON_DEPTH} levels"
SURROGATE = "body has a string that is not valid Unicode (a lone surrogate)"


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH, 400, 600, 5000])
def test_deeply_nested_settings_are_refused_and_snapshot_patch_restore_keep_working(
        mini: MiniEmu, depth: int) -> None:
    tid = mini.create()["id"]
    before = mini.ok("GET", f"{T}/{tid}/snapshot")
    for method, path, raw in [("PATCH", f"{T}/{tid}/settings", f'{{"mini": {nested_text(depth)}}}'),
                              ("POST", T, f'{{"settings": {{"mini": {nested_text(depth)}}}}}')]:
        r = mini.client.request(method, path, content=raw.encode(), headers=JSON_BODY)
        expected = DEEP if depth < 5000 else "body is not valid JSON"  # past Python's own parser limit
        assert (r.status_code, r.json()) == (400, {"error": expected}), path
    assert mini.ok("GET", f"{T}/{tid}/snapshot") == before
    mini.ok("PATCH", f"{T}/{tid}/settings", json={"timezone": "Europe/Prague"})
    assert mini.ok("POST", f"{T}/{tid}/restore", json=before)["id"] == tid
    assert [t["id"] for t in mini.ok("GET", T)] == ["default", tid]


def test_nesting_up_to_the_limit_is_accepted_and_round_trips(mini: MiniEmu) -> None:
    tid = mini.create()["id"]
    deep = nested(MAX_JSON_DEPTH - 2)  # inside {"mini": ...} and the body object itself
    settings = mini.ok("PATCH", f"{T}/{tid}/settings", json={"mini": deep})
    assert settings["mini"] == deep
    snap = mini.ok("GET", f"{T}/{tid}/snapshot")
    assert mini.ok("POST", f"{T}/{tid}/restore", json=snap)["id"] == tid
    assert mini.ok("GET", f"{T}/{tid}/snapshot") == snap


@pytest.mark.parametrize("path, body", [
    ("/clock/advance", {"seconds": 1, "x": nested(MAX_JSON_DEPTH)}),
    ("/calls", {"from": "+15550001111", "to": "600", "name": nested(MAX_JSON_DEPTH)}),
    ("/restore", {"clock": nested(MAX_JSON_DEPTH)}),
])
def test_every_body_has_the_depth_limit(mini: MiniEmu, path: str, body: dict[str, Any]) -> None:
    before = mini.ok("GET", f"{T}/default/snapshot")
    r = mini.client.post(f"{T}/default{path}", json=body)
    assert (r.status_code, r.json()) == (400, {"error": DEEP})
    assert mini.ok("GET", f"{T}/default/snapshot") == before


LONE = ['"\\ud800"', '"\\udfff"', '"a\\uDC00b"', '"\\ud83d"', '"\\ude00\\ud83d"']


@pytest.mark.parametrize("lone", LONE)
def test_a_lone_surrogate_is_refused_before_anything_is_applied(mini: MiniEmu, lone: str) -> None:
    tid = mini.create()["id"]
    before = mini.ok("GET", f"{T}/{tid}/snapshot")
    for method, path, raw in [
        ("POST", f"{T}/{tid}/calls", f'{{"from": {lone}, "to": "600"}}'),
        ("POST", f"{T}/{tid}/calls", f'{{"from": "+15550001111", "to": "600", "name": {lone}}}'),
        ("PATCH", f"{T}/{tid}/settings", f'{{"mini": {{"label": {lone}}}}}'),
        ("PATCH", f"{T}/{tid}/settings", f'{{"mini": {{{lone}: 1}}}}'),
        ("POST", T, f'{{"credentials": {{"token": {lone}}}}}'),
        ("POST", f"{T}/{tid}/restore", f'{{"state": {{"x": [{lone}]}}}}'),
        ("POST", f"{T}/{tid}/clock/advance", f'{{"seconds": 1, "note": {lone}}}'),
    ]:
        r = mini.client.request(method, path, content=raw.encode(), headers=JSON_BODY)
        assert (r.status_code, r.json()) == (400, {"error": SURROGATE}), (path, raw)
    assert mini.ok("GET", f"{T}/{tid}/snapshot") == before
    assert mini.ok("GET", f"{T}/{tid}/calls") == []
    assert [t["id"] for t in mini.ok("GET", T)] == ["default", tid]


def test_surrogate_pairs_and_other_unicode_are_fine(mini: MiniEmu) -> None:
    tid = mini.create()["id"]
    raw = '{"from": "+15550001111", "to": "600", "name": "Zo\\u00eb \\ud83d\\ude00 \\\\ud800"}'
    r = mini.client.post(f"{T}/{tid}/calls", content=raw.encode(), headers=JSON_BODY)
    assert r.status_code == 201, r.text
    assert mini.ok("GET", f"{T}/{tid}/calls")[0]["caller_name"] == "Zo\u00eb \U0001F600 \\ud800"


def _chunks(total: int, size: int = 1 << 20) -> Iterator[bytes]:
    yield b'{"x": "'
    sent = 7
    while sent < total:
        yield b"a" * size
        sent += size
    yield b'"}'


def test_a_body_over_the_size_limit_is_413_and_changes_nothing(mini: MiniEmu) -> None:
    tid = mini.create()["id"]
    before = mini.ok("GET", f"{T}/{tid}/snapshot")
    r = mini.client.patch(f"{T}/{tid}/settings", content=_chunks(MAX_BODY_BYTES + 1), headers=JSON_BODY)
    assert (r.status_code, r.json()) == (413, {"error": f"body is larger than {MAX_BODY_BYTES} bytes"})
    assert mini.ok("GET", f"{T}/{tid}/snapshot") == before


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read() -> None:
    with live_emulator() as live:
        host, port = live.url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(f"POST {T} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                         f"content-length: {MAX_BODY_BYTES + 1}\r\n\r\n{{".encode())
            answer = sock.recv(4096).decode()
        assert answer.startswith("HTTP/1.1 413 ")
        assert f'{{"error":"body is larger than {MAX_BODY_BYTES} bytes"}}' in answer
        assert list(live.registry.tenants["mini"]) == ["default"]


def test_bodies_must_be_utf8(mini: MiniEmu) -> None:
    raw = '{"from": "\\ud800", "to": "600"}'.encode("utf-16")  # would smuggle a lone surrogate
    r = mini.client.post(f"{T}/default/calls", content=raw, headers=JSON_BODY)
    assert (r.status_code, r.json()) == (400, {"error": "body is not valid JSON"})
    assert mini.ok("GET", f"{T}/default/calls") == []
    bom = b"\xef\xbb\xbf" + b'{"seconds": 5}'  # a UTF-8 byte-order mark is tolerated
    assert mini.ok("POST", f"{T}/default/clock/advance", content=bom, headers=JSON_BODY)["now"] == 1767621605.0
