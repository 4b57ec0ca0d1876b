"""The API key both ways (mycalls.txt, API key section), and refusals: every error answers
``{"error": ...}`` with a non-200 status (the doc's only error rule), never a 5xx, and changes
nothing."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import APP, KEY, MC, VIRTUAL

GETS = ("/api/v1/app/list", "/api/v1/acc/list", f"/api/v1/app/{APP}/ag/list", f"/api/v1/app/{APP}/ag/default",
        f"/api/v1/app/{APP}/ag/default/agents", f"/api/v1/app/{APP}/calls",
        f"/api/v1/app/{APP}/calls/1498110438.13/recording")
POSTS: tuple[tuple[str, dict[str, str]], ...] = (
    (f"/api/v1/app/{APP}/verifyagent", {"number": "9716705555", "method": "sms"}),
    (f"/api/v1/app/{APP}/ag/default/addAgent", {"number": "971670XXXX", "name": "x"}),
    (f"/api/v1/app/{APP}/ag/default/remAgent", {"number": "971670XXXX"}),
    (f"/api/v1/app/{APP}/ag/default", {"ringtime": "20"}),
)


def error(r: Any, status: int, message: str) -> None:
    assert r.status_code == status, r.text
    assert r.json() == {"error": message}


@pytest.mark.parametrize("path", GETS)
def test_get_works_with_the_apikey_parameter_and_with_the_header(mc: MC, path: str) -> None:
    by_query, by_header = mc.get(path, via="query"), mc.get(path)
    assert by_query.status_code == by_header.status_code == 200
    query_body, header_body = by_query.json(), by_header.json()
    if "page" in query_body:  # the links echo the request, with its apikey or without
        assert query_body.pop("page")["cur"].endswith(f"?apikey={KEY}")
        assert "apikey" not in header_body.pop("page")["cur"]
    assert query_body == header_body


@pytest.mark.parametrize("path,form", POSTS)
def test_post_with_the_apikey_parameter_only_is_refused_and_changes_nothing(mc: MC, path: str,
                                                                           form: dict[str, str]) -> None:
    before = mc.snapshot()
    message = "The apikey parameter works for GET requests only; send the X-APIKey header"
    error(mc.http.post(path, params={"apikey": KEY}, data=form), 401, message)
    error(mc.http.post(path, data={**form, "apikey": KEY}), 401, message)
    assert mc.snapshot() == before
    assert mc.post(path, **form).status_code != 401  # the header works


def test_missing_and_wrong_keys(mc: MC) -> None:
    error(mc.get("/api/v1/app/list", apikey=""), 401, "API key required")
    error(mc.post(f"/api/v1/app/{APP}/verifyagent", apikey="", number="1234", method="sms"), 401,
          "API key required")
    error(mc.get("/api/v1/app/list", apikey="0" * 32), 401, "Invalid API key")
    error(mc.get("/api/v1/app/list", apikey="0" * 32, via="query"), 401, "Invalid API key")
    # the header decides: a wrong header is not rescued by a right parameter
    r = mc.http.get("/api/v1/app/list", params={"apikey": KEY}, headers={"X-APIKey": "nope"})
    error(r, 401, "Invalid API key")
    assert mc.http.get("/api/v1/app/list", headers={"x-apikey": KEY}).status_code == 200  # any case


def test_a_key_names_its_own_tenant_only(mc: MC) -> None:
    other = mc.new_tenant()
    assert other.key != KEY and len(other.key) == 32
    assert other.ok("POST", f"/api/v1/app/{APP}/verifyagent", number="9000000001", method="sms") == {
        "verification": "pending"}
    assert other.verifications()["pending"] and not mc.verifications()["pending"]


def test_unknown_things_are_404_wrong_methods_405(mc: MC) -> None:
    error(mc.get("/api/v1/app/nope/calls"), 404, "App not found")
    error(mc.get(f"/api/v1/app/{APP}/ag/nope"), 404, "Agent group not found")
    error(mc.get(f"/api/v1/app/{APP}/calls/1.2/recording"), 404, "Call not found")
    error(mc.get("/api/v1/nothing"), 404, "Not found")
    error(mc.get(f"/api/v1/app/{APP}/verifyagent"), 405, "Method not allowed")
    assert mc.get(f"/api/v1/app/{APP}/verifyagent").headers["allow"] == "POST"
    error(mc.post("/api/v1/app/list"), 405, "Method not allowed")
    error(mc.get(f"/api/v1/app/{APP}/calls/ADDAGENT/recording"), 404, "Call not found")
    error(mc.get(f"/api/v1/app/{APP}/ag/default/addagent"), 404, "Not found")  # paths are case-sensitive


BAD_POSTS: tuple[tuple[str, dict[str, str], int, str], ...] = (
    ("verifyagent", {"method": "sms"}, 400, "Missing parameter: number"),
    ("verifyagent", {"number": "9716705555"}, 400, "Missing parameter: method"),
    ("verifyagent", {"number": "9716705555", "method": "fax"}, 400, "Invalid parameter: method"),
    ("verifyagent", {"number": "97 16", "method": "sms"}, 400, "Invalid parameter: number"),
    ("verifyagent", {"number": "9" * 40, "method": "sms"}, 400, "Invalid parameter: number"),
    ("verifyagent", {"number": "9716705555", "key": "0805"}, 400, "No verification pending for this number"),
    ("ag/default/addAgent", {"number": "9716705555"}, 400, "Missing parameter: name"),
    ("ag/default/addAgent", {"number": "9716705555", "name": "x" * 33}, 400, "Invalid parameter: name"),
    ("ag/default/addAgent", {"number": "9716705555", "name": "x"}, 403, "Number is not verified"),
    ("ag/default/addAgent", {"number": "971670XXXX", "name": "x"}, 409, "Agent already in group"),
    ("ag/default/addAgent", {"number": "971670XXXX", "name": "x", "priority": "0"}, 400,
     "Invalid parameter: priority"),
    ("ag/nope/addAgent", {"number": "971670XXXX", "name": "x"}, 404, "Agent group not found"),
    ("ag/default/remAgent", {"number": "9716705555"}, 404, "Agent not found in group"),
    ("ag/default", {"ringtime": "9"}, 400, "Invalid parameter: ringtime"),
    ("ag/default", {"ringtime": "31"}, 400, "Invalid parameter: ringtime"),
    ("ag/default", {"distribution": "rr"}, 400, "Invalid parameter: distribution"),
    ("ag/default", {"recording": "on"}, 400, "Invalid parameter: recording"),
    ("ag/default", {"sticky": "maybe"}, 400, "Invalid parameter: sticky"),
    ("ag/default", {"sticky_days": "0"}, 400, "Invalid parameter: sticky_days"),
    ("ag/bad%20name", {"ringtime": "20"}, 400, "Invalid parameter: group_name"),
    ("ag/" + "g" * 33, {"ringtime": "20"}, 400, "Invalid parameter: group_name"),
)


@pytest.mark.parametrize("tail,form,status,message", BAD_POSTS)
def test_bad_writes_are_refused_with_a_named_reason_and_change_nothing(
        mc: MC, tail: str, form: dict[str, str], status: int, message: str) -> None:
    before = mc.snapshot()
    error(mc.post(f"/api/v1/app/{APP}/{tail}", **form), status, message)
    assert mc.snapshot() == before


def test_bad_reads(mc: MC) -> None:
    error(mc.get(f"/api/v1/app/{APP}/calls", since="yesterday"), 400, "Invalid parameter: since")
    error(mc.get(f"/api/v1/app/{APP}/calls", since="x" * 65), 400, "Invalid parameter: since")
    error(mc.http.post(f"/api/v1/app/{APP}/verifyagent", content=b'{"number": ' * 3000,
                       headers={"X-APIKey": KEY, "content-type": "application/json"}),
          400, "Malformed request body")


def test_no_recording_for_an_unanswered_or_live_call(mc: MC) -> None:
    call = mc.inbound("9000000002")
    error(mc.get(f"/api/v1/app/{APP}/calls/{call['id']}/recording"), 404, "Recording not found")
    mc.advance(600)
    assert mc.get(f"/api/v1/app/{APP}/calls/{call['id']}/recording").status_code == 200
    mc.ok("POST", f"/api/v1/app/{APP}/ag/default", recording="disabled")
    later = mc.inbound("9000000003", VIRTUAL)
    mc.advance(600)
    error(mc.get(f"/api/v1/app/{APP}/calls/{later['id']}/recording"), 404, "Recording not found")
    # the earlier call stays recorded: it was answered while recording was on
    assert mc.get(f"/api/v1/app/{APP}/calls/{call['id']}/recording").status_code == 200


def test_rate_limit_answers_429_in_the_envelope(mc_factory: Any) -> None:
    mc = mc_factory({"rate_limit": {"limit": 2, "window": 60}})
    assert mc.get("/api/v1/app/list").status_code == 200
    assert mc.get("/api/v1/app/list").status_code == 200
    r = mc.get("/api/v1/app/list")
    error(r, 429, "Too many requests")
    assert int(r.headers["retry-after"]) > 0
