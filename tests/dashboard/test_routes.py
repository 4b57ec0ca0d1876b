"""The dashboard's routes through HTTP (starlette's TestClient): the page under the control
plane's access rules, the stream's start and resume (``once=1``), a journal entry's exact bytes
and its reason in plain words, and the scenario library."""

from __future__ import annotations

from typing import Any

import pytest

from emulators.core.exchanges import BODY_KEEP, EXCHANGES_KEEP
from emulators.dashboard.page import FILES

from .sse import of, parse_once, requests_of
from support.harness import MiniEmu, mini_token

UI = "/_emulator/ui"
STREAM = "/_emulator/tenants/default/stream?once=1"


@pytest.mark.parametrize("vendor", ["kerauno", "voipcloud", "mycalls"])
def test_every_vendor_port_serves_the_page_and_the_stream(emu_factory: Any, vendor: str) -> None:
    emu = emu_factory(vendor)
    spec = emu.registry.vendors[vendor]
    for listener in spec.listeners:
        client = emu.client(listener.name)
        page = client.get(UI)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert f'data-vendor="{vendor}"' in page.text and spec.title in page.text
        stream = parse_once(client.get(STREAM).text)
        assert stream[0].event == "hello" and stream[0].data["vendor"] == vendor
        assert of(stream, "now")[0]["timezone"] == emu.tenant(vendor).timezone


def test_the_page_and_its_files_are_locked_down(mini: MiniEmu) -> None:
    page = mini.client.get(UI)
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert 'src="/_emulator/ui/static/app.js"' in page.text and "<script>" not in page.text
    for name, media in FILES.items():
        got = mini.client.get(f"{UI}/static/{name}")
        assert got.status_code == 200 and got.headers["content-type"] == media and got.content
    for bad in ("index.html", "..%2Fpage.py", "app.js.map", "%2e%2e%2f__init__.py"):
        assert mini.client.get(f"{UI}/static/{bad}").status_code == 404


def test_the_page_under_single_port_mode_names_its_prefix() -> None:
    from starlette.testclient import TestClient

    from emulators.server import gateway_app

    from support.harness import new_registry
    with TestClient(gateway_app(new_registry())) as client:
        page = client.get("/mini" + UI)
        assert page.status_code == 200
        assert 'data-base="/mini/_emulator"' in page.text and 'src="/mini/_emulator/ui/static/app.js"' in page.text
        assert client.get("/mini/_emulator/ui/static/app.js").status_code == 200


def test_without_an_admin_token_only_loopback_and_own_origins_get_it() -> None:
    remote = MiniEmu(client_host="203.0.113.9")
    try:
        assert remote.client.get(UI).status_code == 403
        assert remote.client.get(STREAM).status_code == 403
    finally:
        remote.close()
    local = MiniEmu()
    try:
        assert local.client.get(UI, headers={"host": "evil.example"}).status_code == 403  # DNS rebinding
        assert local.client.get(UI, headers={"origin": "http://evil.example"}).status_code == 403
        assert local.client.get(STREAM, headers={"origin": "http://evil.example"}).status_code == 403
        assert local.client.get(STREAM, headers={"origin": "http://testserver"}).status_code == 200
    finally:
        local.close()


def test_with_an_admin_token_the_page_loads_but_its_data_needs_the_token() -> None:
    emu = MiniEmu(admin_token="s3cret", client_host="203.0.113.9")
    try:
        page = emu.client.get(UI, headers={"host": "telemock.example"})
        assert page.status_code == 200 and 'id="login"' in page.text  # the login form
        assert "s3cret" not in page.text
        assert emu.client.get(f"{UI}/static/app.js").status_code == 200
        assert emu.client.get(STREAM).status_code == 401
        assert emu.client.get(f"{UI}/scenarios").status_code == 401
        assert emu.client.get(STREAM, headers={"authorization": "Bearer wrong"}).status_code == 401
        got = emu.client.get(STREAM, headers={"authorization": "Bearer s3cret"})
        assert got.status_code == 200 and parse_once(got.text)[0].event == "hello"
        assert emu.client.get(UI, headers={"origin": "http://evil.example"}).status_code == 403
    finally:
        emu.close()


def test_once_streams_resume_from_their_cursor(mini: MiniEmu) -> None:
    token = mini_token()
    first = parse_once(mini.client.get(STREAM).text)
    cursor = first[-1].id
    assert mini.api("GET", "/v1/calls", token).status_code == 200
    assert mini.api("POST", "/v1/calls", token, data={"extension": "201", "to": "+15550001"}).status_code == 201
    for how in ({"headers": {"last-event-id": cursor}}, {"params": {"once": "1", "last_event_id": cursor}}):
        again = parse_once(mini.client.get(STREAM, **how).text)
        assert again[0].data["resumed"] is True
        assert [e["operation"] for e in requests_of(again)] == ["list-calls", "place-call"]
        assert [e["type"] for e in of(again, "event")][0] == "CallCreated"
        assert len(of(again, "delivery")) == len(of(again, "event"))  # mini: a webhook per event
    fresh = parse_once(mini.client.get(STREAM, headers={"last-event-id": ""}).text)
    assert fresh[0].event == "hello" and not of(fresh, "reset")  # no cursor: the present, nothing to forget
    for junk in ("garbage", "x.1.2.3.4.5.6", "0123abcd." + cursor.partition(".")[2], cursor.split(".")[0] + ".1.2",
                 "0" * 400):  # malformed, or from another server process: start over
        fresh = parse_once(mini.client.get(STREAM, headers={"last-event-id": junk}).text)
        assert fresh[0].event == "hello" and fresh[0].data["resumed"] is False
        assert fresh[1].event == "reset"
        assert [e["operation"] for e in requests_of(fresh)] == ["list-calls", "place-call"]


def test_a_journal_entry_has_its_exact_bytes(mini: MiniEmu) -> None:
    token = mini_token()
    answer = mini.api("POST", "/v1/calls?note=%E2%9C%93", token, data={"extension": "201", "to": "+15550002"})
    seq = mini.tenant("default").requests.entries[-1]["seq"]
    detail = mini.ok("GET", f"/_emulator/tenants/default/journal/requests/{seq}")
    assert detail["entry"]["operation"] == "place-call" and detail["entry"]["kept"] is True
    exchange = detail["exchange"]
    request_head, _, request_body = exchange["request"].partition("\r\n\r\n")
    assert request_head.startswith("POST /v1/calls?note=%E2%9C%93 HTTP/1.1\r\n")
    assert "\r\ntoken: mini-default-token" in request_head
    assert request_body == "extension=201&to=%2B15550002"
    head, _, body = exchange["response"].partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 201 Created\r\n")
    assert body.encode() == answer.content  # the bytes the client got
    assert f"content-length: {len(answer.content)}" in head


def test_long_bodies_are_cut_and_old_exchanges_forgotten(mini: MiniEmu) -> None:
    token = mini_token()
    big = "x" * (BODY_KEEP + 10)
    mini.api("POST", "/v1/calls", token, data={"extension": "201", "to": "+15550003", "pad": big})
    seq = mini.tenant("default").requests.entries[-1]["seq"]
    exchange = mini.ok("GET", f"/_emulator/tenants/default/journal/requests/{seq}")["exchange"]
    assert exchange["truncated"] == {"request_body": len(f"extension=201&to=%2B15550003&pad={big}")}
    assert len(exchange["request"].partition("\r\n\r\n")[2]) == BODY_KEEP
    for _ in range(EXCHANGES_KEEP):
        mini.api("GET", "/v1/agents", token)
    journal = mini.tenant("default").requests
    assert len(journal.exchanges) == EXCHANGES_KEEP
    old = mini.ok("GET", f"/_emulator/tenants/default/journal/requests/{seq}")
    assert old["exchange"] is None and old["entry"]["kept"] is False  # the entry itself stays
    newest = journal.entries[-1]["seq"]
    assert mini.ok("GET", f"/_emulator/tenants/default/journal/requests/{newest}")["exchange"] is not None


def test_refusals_are_explained_in_plain_words(mini: MiniEmu) -> None:
    token = mini_token()
    mini.client.get("/v1/calls", headers={"token": "typo"})
    mini.api("POST", "/v1/calls", token, data={"extension": "201"})
    mini.api("GET", "/v1/call", token)
    mini.api("PUT", "/v1/calls", token)
    mini.ok("PATCH", "/_emulator/tenants/default/settings", json={"rate_limit": {"limit": 1, "window": 60}})
    mini.api("GET", "/v1/calls", token)  # the budget is spent already (the requests above)
    anon = mini.ok("GET", "/_emulator/journal/unauthenticated/1")
    assert anon["entry"]["anon"] is True
    assert anon["entry"]["reason"]["title"] == "Credential not recognised"
    entries = {e["seq"]: e for e in requests_of(parse_once(mini.client.get(STREAM).text)) if not e["anon"]}
    reasons = [(e["status"], e["reason"]["kind"], e["reason"]["title"]) for e in entries.values() if "reason" in e]
    assert reasons == [(400, "param_missing", "Required parameter missing"),
                       (404, "no_route", "No such endpoint"),
                       (405, "method_not_allowed", "Method not allowed"),
                       (429, "rate_limited", "Rate limit reached")]
    missing, no_route, _, limited = (e for e in entries.values() if "reason" in e)
    assert missing["reason"]["detail"] == "parameter 'to': missing"
    assert no_route["reason"]["nearest"][0] == "/v1/calls"
    at = limited["at"]
    assert limited["reason"]["retry_at"] == pytest.approx(at + 60)
    assert [e for e in entries.values() if e["status"] < 400 and "reason" in e] == []


def test_journal_detail_refuses_what_it_does_not_have(mini: MiniEmu) -> None:
    assert mini.client.get("/_emulator/tenants/default/journal/requests/99").status_code == 404
    assert mini.client.get("/_emulator/tenants/default/journal/requests/-1").status_code == 400
    assert mini.client.get("/_emulator/tenants/default/journal/requests/1e3").status_code == 400
    assert mini.client.get("/_emulator/tenants/nosuch/journal/requests/1").status_code == 404
    assert mini.client.get("/_emulator/journal/unauthenticated/1").status_code == 404


def test_the_scenario_library_lists_and_serves_its_files(mini: MiniEmu) -> None:
    files = {f["file"]: f for f in mini.ok("GET", f"{UI}/scenarios")}
    assert files["outbound_call.yaml"]["name"] == "makecall / call-to-number outbound"
    assert files["kerauno_doc_ring_group.yaml"]["vendors"] == ["kerauno"]
    text = mini.client.get(f"{UI}/scenarios/outbound_call.yaml")
    assert text.status_code == 200 and "name: makecall / call-to-number outbound" in text.text
    for bad in ("nosuch.yaml", "..%2Fpyproject.toml", "%2e%2e%2fREADME.md", "busy_day"):
        assert mini.client.get(f"{UI}/scenarios/{bad}").status_code == 404


def test_a_flood_of_requests_is_thinned_and_counted_never_hidden(mini: MiniEmu) -> None:
    from emulators.dashboard.stream import REQUESTS_ON_RESUME
    token = mini_token()
    cursor = parse_once(mini.client.get(STREAM).text)[-1].id
    flood = REQUESTS_ON_RESUME + 30
    for _ in range(flood):
        mini.api("GET", "/v1/agents", token)
    again = parse_once(mini.client.get(STREAM, headers={"last-event-id": cursor}).text)
    sent = [e["seq"] for e in requests_of(again) if not e["anon"]]
    assert sent == list(range(31, flood + 1))  # the newest, in order
    assert of(again, "gap") == [{"what": "requests", "missed": 30}]
    later = parse_once(mini.client.get(STREAM, headers={"last-event-id": again[-1].id}).text)
    assert requests_of(later) == [] and of(later, "gap") == []  # nothing twice
