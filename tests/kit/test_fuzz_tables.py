"""A fuzzer over the operation tables of every vendor: requests built from each row (its methods,
path templates and declared parameters, filled with good, empty, junk and hostile values, sent as
query, form or JSON, with a right, wrong or missing credential). Whatever comes: no 5xx, an answer
in the vendor's own envelope, and a refused request changes nothing.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from emulators.registry import Registry
from emulators.server import listener_app
from emulators.vendors import VENDOR_MODULES, load_vendors

from support.clock import FIXED_CLOCK, TEST_HOST

FIXED = {**FIXED_CLOCK, "rate_limit": {"limit": 0}}
FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

JUNK = st.one_of(
    st.text(max_size=30), st.sampled_from(["", "0", "-1", "1e9", "9" * 40, "2014-09-09 00:00:00",
                                           "２０１４-09-09 11:10:33", "null", "[]", "%00", "\u202e"]),
    st.text(max_size=3).map(lambda t: t * 300))
HOSTILE_JSON = st.sampled_from(["[" * 5000, '{"a":' * 5000, '"\\ud800"', "NaN", '{"x": 1e999}'])


def _is_json_object(r: Any) -> bool:
    try:
        return isinstance(r.json(), dict)
    except ValueError:
        return False


def _voipcloud(r: Any) -> bool:
    """v1: ``code``, ``description``, ``data``; v2 (its own paths): ``status`` ("success" exactly
    when the answer is 200), ``message``, ``code`` (the HTTP status), ``data``."""
    if not _is_json_object(r):
        return False
    body = r.json()
    if r.request.url.path.startswith("/api/integration/v2/"):
        return (list(body) == ["status", "message", "code", "data"] and body["code"] == r.status_code
                and (body["status"] == "success") == (r.status_code == 200) and isinstance(body["message"], str))
    return list(body) == ["code", "description", "data"]


def _kerauno(r: Any) -> bool:
    ctype = r.headers.get("content-type", "")
    if ctype.startswith("text/html"):
        return r.status_code in (404, 405) and "<h1>" in r.text  # Apache's own pages
    if ctype.startswith(("text/csv", "application/xml")):
        return r.status_code == 200
    return _is_json_object(r) and list(r.json()) in (["error"], ["response"]) or (
        r.status_code == 200 and _is_json_object(r))


def _mycalls(r: Any) -> bool:
    """Success is any JSON object with 200; every error is ``{"error": text}`` (telemock's choice:
    the doc documents none)."""
    if not _is_json_object(r):
        return False
    body = r.json()
    if r.status_code == 200:
        return "error" not in body
    return list(body) == ["error"] and isinstance(body["error"], str) and r.status_code >= 400


DAKTELA_KEYS = (["status", "error", "result"], ["error", "status"], ["error", "status", "result"])


def _daktela(r: Any) -> bool:
    ctype = r.headers.get("content-type", "")
    if ctype.startswith("application/xml"):
        return r.text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<response>')
    if ctype.startswith(("audio/", "application/octet-stream")):
        return r.status_code == 200 and r.content.startswith(b"RIFF")  # GetRecording's WAV
    return _is_json_object(r) and list(r.json()) in DAKTELA_KEYS and r.json()["status"] in (0, 1)


def _cpaas(r: Any) -> bool:
    """``{"response": {..., "success": "true"|"false"}}`` with sorted keys, or Werkzeug's HTML page
    for what Flask refuses before a view runs."""
    if r.headers.get("content-type", "").startswith("text/html"):
        return r.status_code in (400, 404, 405, 413, 415) and r.text.startswith("<!doctype html>")
    if not _is_json_object(r) or list(r.json()) != ["response"]:
        return False
    inner = r.json()["response"]
    return isinstance(inner, dict) and inner.get("success") in ("true", "false") and list(inner) == sorted(inner)


ENVELOPES: dict[str, Callable[[Any], bool]] = {"voipcloud": _voipcloud, "kerauno": _kerauno,
                                               "mycalls": _mycalls, "daktela": _daktela, "cpaas": _cpaas}
CREDENTIAL_HEADERS = {"api_key": "token", "apikey": "X-APIKey"}
"""The header each vendor's credential travels in (named as the credential field otherwise)."""
CREDENTIAL_PARAMS = ("key", "apikey", "access_token")
"""Credentials that also travel as a parameter (Kerauno's ``key``, MyCalls' ``apikey`` on GET,
Daktela's ``access_token``)."""


def world(tenant: Any) -> dict[str, Any]:
    snap = tenant.snapshot()
    for volatile in ("requests", "limiter"):
        snap.pop(volatile, None)
    return snap


class Fuzzer:
    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.specs = load_vendors([vendor])
        self.registry = Registry(self.specs, settings=FIXED, allowed_hosts=[TEST_HOST])
        spec = self.specs[vendor]
        self.clients = {lst.name: TestClient(listener_app(self.registry, spec, lst)) for lst in spec.listeners}
        for c in self.clients.values():
            c.__enter__()
        self.rows = [(lst.name, op) for lst in spec.listeners for api in lst.apis for op in api.operations]
        self.tenant = self.registry.get(vendor, "default")
        self.creds = dict(self.tenant.credentials)

    def answered_by(self, drawn: Any) -> Any:
        """The row that answered the last request: another row of the same path can answer
        another method (MyCalls' group is GET to read, POST to write); the journal names it, and
        its path tells apart rows of one name in two versions (VoIPcloud's v1 and v2)."""
        entries = self.tenant.requests.entries
        entry = entries[-1] if entries else {"operation": drawn.name, "path": ""}
        named = [op for _, op in self.rows if op.name == entry["operation"]]
        return next((op for op in named if entry["path"] in op.paths), named[0] if named else drawn)

    def close(self) -> None:
        for c in self.clients.values():
            c.__exit__(None, None, None)


@pytest.fixture(params=[v for v in VENDOR_MODULES if v in ENVELOPES])
def fuzzer(request: pytest.FixtureRequest) -> Iterator[Fuzzer]:
    f = Fuzzer(request.param)
    yield f
    f.close()


@FUZZ
@given(data=st.data())
def test_every_row_survives_hostile_requests(fuzzer: Fuzzer, data: st.DataObject) -> None:
    listener, op = data.draw(st.sampled_from(fuzzer.rows), label="row")
    method = data.draw(st.sampled_from([*op.methods, "GET", "POST", "PUT", "DELETE"]), label="method")
    path = data.draw(st.sampled_from(op.paths), label="path")
    for name in [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]:
        example = next((p.example for p in op.params if p.name == name and p.example), "x")
        value = data.draw(st.one_of(st.just(str(example)), st.text("abc019%", min_size=1, max_size=8)))
        path = path.replace("{" + name + "}", value)
    params: dict[str, Any] = {}
    for p in op.params:
        choice = data.draw(st.sampled_from(["good", "absent", "empty", "junk"]), label=p.name)
        if choice == "good" and p.example is not None:
            params[p.name] = str(p.example)
        elif choice == "empty":
            params[p.name] = ""
        elif choice == "junk":
            params[p.name] = data.draw(JUNK)
    auth = data.draw(st.sampled_from(["right", "wrong", "none"]), label="auth")
    headers: dict[str, str] = {}
    if auth != "none":
        if fuzzer.vendor == "cpaas":  # the account's name and its auth, sent together
            secret = fuzzer.creds["account_1"]
            headers.update({"account": "account_1", "auth": secret if auth == "right" else "f" * len(secret)})
        for field, value in fuzzer.creds.items() if fuzzer.vendor != "cpaas" else ():
            secret = value if auth == "right" else "f" * len(value)
            headers[CREDENTIAL_HEADERS.get(field, field)] = secret
            if field in CREDENTIAL_PARAMS:
                params[field] = secret
    encoding = data.draw(st.sampled_from(["query", "form", "json", "hostile"]), label="encoding")
    kwargs: dict[str, Any] = {"headers": headers}
    if encoding == "query" or method == "GET":
        kwargs["params"] = params
    elif encoding == "form":
        kwargs["data"] = params
    elif encoding == "json":
        kwargs["content"] = json.dumps(params).encode()
        headers["content-type"] = "application/json"
    else:
        kwargs["content"] = data.draw(HOSTILE_JSON).encode()
        kwargs["params"] = {k: v for k, v in params.items() if k in CREDENTIAL_PARAMS}
        headers["content-type"] = "application/json"
    before = world(fuzzer.tenant)

    r = fuzzer.clients[listener].request(method, path, **kwargs)

    assert r.status_code < 500, (op.name, method, path, r.status_code, r.text[:300])
    if method != "HEAD":
        assert ENVELOPES[fuzzer.vendor](r), (op.name, r.status_code, r.headers.get("content-type"), r.text[:300])
    if r.status_code >= 400 or not fuzzer.answered_by(op).mutates:
        assert world(fuzzer.tenant) == before, (op.name, method, r.status_code)
