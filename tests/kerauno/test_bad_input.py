"""Bad input on every Kerauno operation: never a 5xx, always Kerauno's envelope, and nothing in
the world changes (only the request journal grows). Plus unknown paths and wrong methods.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import KEY, MAKECALL, REPORTING, STATUSES, T

EXTENSIONS = {"2002", "3000", "3002", "1133", "3924", "4433"}
HYPOTHESIS = settings(max_examples=50, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

absent = st.just(None)
keys = st.one_of(absent, st.just(""), st.just(KEY), st.text(max_size=50).filter(lambda k: k != KEY))
texts = st.one_of(absent, st.text(max_size=45))
methods = st.sampled_from(["GET", "POST"])


@pytest.fixture
def emu(emu_factory):  # type: ignore[no-untyped-def]
    return emu_factory("kerauno")


def world(tenant: Any) -> dict[str, Any]:
    """Everything but the request journal."""
    snap = tenant.snapshot()
    snap.pop("requests")
    return snap


def send(client: Any, method: str, path: str, params: dict[str, Any]) -> Any:
    given_params = {k: v for k, v in params.items() if v is not None}
    if method == "GET":
        return client.get(path, params=given_params)
    return client.post(path, data=given_params)


def assert_envelope(response: Any, allowed: tuple[str, ...] = ("error",)) -> dict[str, Any]:
    assert response.status_code < 500, response.text
    body = response.json()
    assert isinstance(body, dict) and list(body) in ([k] for k in allowed), body
    return body


@HYPOTHESIS
@given(method=methods, key=keys, src=texts.filter(lambda s: s not in EXTENSIONS), dst=texts)
def test_makecall_bad_input(emu, method, key, src, dst) -> None:  # type: ignore[no-untyped-def]
    tenant = emu.tenant("kerauno")
    before = world(tenant)
    r = send(emu.client("kerauno"), method, MAKECALL, {"key": key, "src": src, "dst": dst})
    body = assert_envelope(r, ("error", "response"))
    assert body.get("response", "Failure") == "Failure"
    if not key:
        assert body == {"error": "You must send an api key ('key')."}
    assert world(tenant) == before


@HYPOTHESIS
@given(method=methods, key=keys, kind=st.one_of(texts, st.sampled_from(["cdr", "ring_groups"])),
       start=st.one_of(texts, st.just("2014-09-09 00:00:00"), st.just("2014-13-09 00:00:00")),
       end=st.one_of(texts, st.just("2014-09-09 23:59:59"), st.just("2014-09-09 24:00:00")),
       export=st.one_of(texts, st.sampled_from(["json", "csv", "xml", "JSON"])))
def test_reporting_bad_input(emu, method, key, kind, start, end, export) -> None:  # type: ignore[no-untyped-def]
    tenant = emu.tenant("kerauno")
    before = world(tenant)
    params = {"key": key, "type": kind, "start_date": start, "end_date": end, "export_type": export}
    r = send(emu.client("kerauno"), method, REPORTING, params)
    assert r.status_code < 500
    valid = (key == KEY and kind in ("cdr", "ring_groups") and start == "2014-09-09 00:00:00"
             and end == "2014-09-09 23:59:59" and (export or "json") in ("json", "csv", "xml"))
    if not valid:
        assert_envelope(r)
    assert world(tenant) == before


@HYPOTHESIS
@given(key=keys, group=st.text(max_size=12), export=texts)
def test_agent_statuses_bad_input(emu, key, group, export) -> None:  # type: ignore[no-untyped-def]
    tenant = emu.tenant("kerauno")
    before = world(tenant)
    params = {k: v for k, v in {"key": key, "export_type": export}.items() if v is not None}
    r = emu.client("kerauno-status").get(STATUSES + quote(group, safe=""), params=params)
    assert r.status_code < 500
    if group != "4000" or key != KEY:
        assert_envelope(r)
    assert world(tenant) == before


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", [MAKECALL, REPORTING.rstrip("/")])
def test_wrong_method_is_apaches_405(emu, method, path) -> None:  # type: ignore[no-untyped-def]
    tenant = emu.tenant("kerauno")
    r = emu.client("kerauno").request(method, path, params={"key": KEY, "src": "3000", "dst": "3002"})
    assert r.status_code == 405
    assert f"<p>The requested method {method} is not allowed for this URL.</p>" in r.text
    assert r.headers["allow"] == "GET,POST,HEAD"
    assert not tenant.calls


@pytest.mark.parametrize("path", ["/", "/kerauno/api/v1/", "/kerauno/api/v1/makecall/x",
                                  "/kerauno/api/v2/makecall/", "/v1/callflow/agent_statuses/4000"])
def test_unknown_path_is_apaches_404(emu, path) -> None:  # type: ignore[no-untyped-def]
    r = emu.client("kerauno").get(path, params={"key": KEY})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "<h1>Not Found</h1>" in r.text


def test_http_error_status_setting(emu) -> None:  # type: ignore[no-untyped-def]
    client = emu.client("kerauno")
    assert client.get(MAKECALL).status_code == 401  # default: a fitting 4xx
    r = client.patch(f"{T}/default/settings", json={"kerauno": {"http_error_status": False}})
    assert r.status_code == 200
    assert client.get(MAKECALL).status_code == 200  # as a bare PHP echo would
    client.patch(f"{T}/default/settings", json={"kerauno": {"http_error_status": True}})
    assert client.get(MAKECALL).status_code == 401
    assert client.get(MAKECALL, params={"key": "nope"}).status_code == 401
    assert client.get(MAKECALL, params={"key": KEY}).status_code == 400
    assert client.get(REPORTING, params={"key": KEY, "type": "cdr", "start_date": "2000-01-01 00:00:00",
                                         "end_date": "2000-01-01 00:00:01"}).status_code == 404
    failure = client.get(MAKECALL, params={"key": KEY, "src": "1", "dst": "2"})
    assert failure.status_code == 200 and failure.json() == {"response": "Failure"}
    status = emu.client("kerauno-status").get(STATUSES + "9", params={"key": KEY})
    assert status.status_code == 404 and status.json() == {"error": "No Results Found."}


@pytest.mark.parametrize("params,message", [
    ({}, "You must send a report type ('type')."),
    ({"type": "CDR"}, "You must send a valid report type ('type')."),
    ({"type": "cdr"}, "You must send a start date ('start_date')."),
    ({"type": "cdr", "start_date": "2014-09-09"}, "You must send a valid start date ('start_date')."),
    ({"type": "cdr", "start_date": "2014-09-09 00:00:00"}, "You must send an end date ('end_date')."),
    ({"type": "cdr", "start_date": "2014-09-09 00:00:00", "end_date": "2014-09-09T23:59:59"},
     "You must send a valid end date ('end_date')."),
    ({"type": "cdr", "start_date": "2014-09-09 00:00:00", "end_date": "2014-09-09 23:59:59",
      "export_type": "pdf"}, "You must send a valid export type ('export_type')."),
    ({"type": "cdr", "start_date": "2014-09-10 00:00:00", "end_date": "2014-09-09 23:59:59"},
     "No Results Found."),
])
def test_reporting_error_messages(emu, params, message) -> None:  # type: ignore[no-untyped-def]
    r = emu.client("kerauno").get(REPORTING, params={"key": KEY, **params})
    assert r.status_code == (404 if message == "No Results Found." else 400)
    assert r.json() == {"error": message}


def test_requests_are_journalled_with_their_operation(emu) -> None:  # type: ignore[no-untyped-def]
    emu.client("kerauno").get(REPORTING, params={"key": KEY})
    emu.client("kerauno-status").get(STATUSES + "4000", params={"key": KEY})
    journal = emu.client("kerauno").get(f"{T}/default/journal/requests").json()
    assert [(e["operation"], e["status"]) for e in journal] == [("reporting", 400), ("agent_statuses", 200)]
