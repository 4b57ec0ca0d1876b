"""Fuzz every Kerauno and VoIPcloud route: random methods, query strings and bodies (deep JSON,
huge values, lone surrogates, invalid UTF-8, multipart junk) never get a 5xx, always get the
vendor's own envelope, and a refused request changes nothing but the request journal (and, on
VoIPcloud, the rate-limit budget an admitted request spends).

TestClient re-raises any exception of the app, so a crash fails with its traceback.
"""

from __future__ import annotations

import json
from typing import Any, Iterator
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulators.voipcloud.errors import DESCRIPTIONS

K_KEY = "b0f4ad5193ad04858dae03a1b3dbe9071ff12e52"
FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

METHODS = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
K_ROUTES = [("kerauno", "/kerauno/api/v1/makecall/"), ("kerauno", "/kerauno/api/v1/makecall"),
            ("kerauno", "/kerauno/api/v1/reporting/"), ("kerauno", "/kerauno/api/v1/reporting"),
            ("kerauno-status", "/v1/callflow/agent_statuses/600"),
            ("kerauno-status", "/v1/callflow/agent_statuses/%ff%00")]
V_ROUTES = [("voipcloud", "/api/integration/v1/" + op) for op in
            ("get-user-calls", "get-queue-calls", "get-ringgroup-calls", "call-to-number", "get-system-status")]
NAMES = ["key", "src", "dst", "type", "start_date", "end_date", "export_type", "api_key", "limit", "offset",
         "from_date", "to_date", "users_names", "queues_names", "ringgroups_names", "user_number",
         "number_to_call"]
VALUES = st.one_of(
    st.sampled_from(["", "2002", "3000", "+61412345678", "1001", "cdr", "ring_groups", "csv", "xml", "json",
                     "2026-01-05 00:00:00", "2026-01-05", "100", "0", "-1", str(2**63 - 1), str(2**63),
                     "9" * 5000, "x" * 70_000, "\ud800", "\udfff", "\x00", "[", "{}", "%ff"]),
    st.text(max_size=30))
HUGE = st.sampled_from(["1e999999", "9" * 5000, '"' + "x" * 200_000 + '"', "-0.0e-999", "[" * 600 + "]" * 600])
JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), VALUES),
                           lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                   st.dictionaries(st.sampled_from(NAMES), inner, max_size=3)),
                           max_leaves=8)


def _json_text(params: dict[str, Any]) -> bytes:
    return json.dumps(params).encode("utf-8", "surrogatepass")  # keeps a lone surrogate's \\ud800 escape


BODIES = st.one_of(
    st.just(b""),
    st.dictionaries(st.sampled_from(NAMES), JSON_VALUES, max_size=5).map(_json_text),
    st.builds(lambda name, raw: f'{{"{name}": {raw}}}'.encode(), st.sampled_from(NAMES), HUGE),
    st.integers(1, 100_000).map(lambda n: b"[" * n),  # deep JSON
    st.just(b'{"key": "\\ud800", "src": "\\udfff"}'),  # lone surrogates, escaped
    st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=5).map(
        lambda p: "&".join(f"{k}={quote_from_bytes(v.encode('utf-8', 'surrogatepass'))}"
                           for k, v in p.items()).encode()),
    st.binary(max_size=200),  # invalid UTF-8 among it
    st.binary(max_size=200).map(lambda b: b"--x\r\nContent-Disposition: form-data; name=\"src\"\r\n\r\n" + b),
)
CTYPES = st.one_of(st.sampled_from(["application/json", "application/x-www-form-urlencoded",
                                    "multipart/form-data; boundary=x", "multipart/form-data", "text/plain", "",
                                    "application/json; charset=utf-16", "APPLICATION/JSON"]),
                   st.text(max_size=20).filter(lambda t: t.isprintable() and t.isascii()))
QUERY_VALUES = st.one_of(VALUES.filter(lambda v: len(v) < 10_000), st.just("y" * 10_000)).map(
    lambda v: v.encode("utf-8", "surrogatepass"))
"""(A client sends URLs up to 64 KiB; the server's head cap is the same.)"""
QUERIES = st.dictionaries(st.sampled_from(NAMES), st.one_of(QUERY_VALUES, st.binary(max_size=20)), max_size=4)


def query_string(params: dict[str, bytes], key: str | None) -> str:
    pairs = {**params, **({"key": key.encode()} if key else {})}
    return "&".join(f"{name}={quote_from_bytes(value)}" for name, value in pairs.items())


@pytest.fixture(scope="module")
def fuzz_emu() -> Iterator[Any]:
    from conftest import Emu
    emu = Emu(("kerauno", "voipcloud"), {"rate_limit": {"limit": 0}})
    yield emu
    emu.close()


def world(tenant: Any) -> dict[str, Any]:
    """The tenant's snapshot without its request journal and its rate-limit hits."""
    snap = tenant.snapshot()
    snap.pop("requests")
    snap.pop("limiter")
    return snap


def send(emu: Any, listener: str, method: str, path: str, query: str, body: bytes, ctype: str,
         headers: dict[str, str]) -> Any:
    if ctype:
        headers = {**headers, "content-type": ctype}
    content = body if method not in ("GET", "HEAD") else None
    return emu.client(listener).request(method, f"{path}?{query}" if query else path, content=content,
                                        headers=headers)


@FUZZ
@given(route=st.sampled_from(K_ROUTES), method=METHODS, query=QUERIES, body=BODIES, ctype=CTYPES,
       keyed=st.sampled_from(["query", "none", "wrong"]))
def test_kerauno_routes_under_fuzz(fuzz_emu: Any, route: tuple[str, str], method: str, query: dict[str, bytes],
                                   body: bytes, ctype: str, keyed: str) -> None:
    listener, path = route
    tenant = fuzz_emu.tenant("kerauno")
    before = world(tenant)
    key = {"query": K_KEY, "wrong": "f" * 40, "none": None}[keyed]
    r = send(fuzz_emu, listener, method, path, query_string(query, key), body, ctype, {})
    assert r.status_code < 500, r.text
    refused = r.status_code != 200
    if method == "HEAD":
        assert r.content == b""
    elif r.headers.get("content-type", "").startswith("application/json"):
        answer = r.json()
        assert isinstance(answer, dict), answer
        if "error" in answer:
            assert list(answer) == ["error"] and isinstance(answer["error"], str)
            refused = True
        elif "response" in answer:
            assert list(answer) == ["response"] and answer["response"] in ("Success", "Failure")
            refused = refused or answer["response"] == "Failure"
    elif r.status_code in (404, 405):
        assert r.headers["content-type"].startswith("text/html") and b"<html>" in r.content  # Apache's pages
    else:  # a report as CSV or XML
        assert r.status_code == 200 and r.headers["content-type"].split(";")[0] in ("text/csv", "text/xml",
                                                                                    "application/xml")
    if refused or "makecall" not in path:
        assert world(tenant) == before


@FUZZ
@given(route=st.sampled_from(V_ROUTES), method=METHODS, query=QUERIES, body=BODIES, ctype=CTYPES,
       keyed=st.sampled_from(["header", "query", "none", "wrong"]))
def test_voipcloud_routes_under_fuzz(fuzz_emu: Any, route: tuple[str, str], method: str, query: dict[str, bytes],
                                     body: bytes, ctype: str, keyed: str) -> None:
    listener, path = route
    tenant = fuzz_emu.tenant("voipcloud")
    api_key = tenant.credentials["api_key"]
    before = world(tenant)
    headers = {"token": api_key} if keyed == "header" else {"token": "wrong"} if keyed == "wrong" else {}
    query_key = {**query, **({"api_key": api_key.encode()} if keyed == "query" else {})}
    r = send(fuzz_emu, listener, method, path, query_string(query_key, None), body, ctype, headers)
    assert r.status_code < 500, r.text
    if method == "HEAD":
        assert r.content == b""
        answer = {"code": r.status_code}
    else:
        answer = r.json()
        assert list(answer) == ["code", "description", "data"], answer
        assert answer["code"] == r.status_code and answer["description"] == DESCRIPTIONS[answer["code"]]
    if answer["code"] != 200 or not path.endswith("call-to-number"):
        assert world(tenant) == before
