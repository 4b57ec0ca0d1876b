"""Integration API v2 over HTTP: its envelope, rows and errors, every operation in every body
encoding, and the one world it shares with v1 (same calls, times, durations, key and budget).

No vendor document exists for v2; what is checked here is what the public clients send and
require (docs/FIDELITY.md, "VoIPcloud integration API v2").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

import pytest
from starlette.testclient import TestClient

from emulators.server import listener_app

from .conftest import API, API2, LISTS, VC, state_of

SIM = {"sim": {"remote_answer_after": 6, "talk_min": 30, "talk_max": 30}}
"""The user answers after 4 s (default behaviour), the far end 6 s later, they talk 30 s."""
USER_TYPES = {"user_inbound_answered", "user_inbound_missed", "user_outbound_answered", "user_outbound_missed"}
"""The documented ``type`` set of user-call rows: direction × outcome."""
QUEUE_TYPES = {"get-queue-calls": {"queue_inbound_answered", "queue_inbound_abandoned"},
               "get-ringgroup-calls": {"ringgroup_inbound_answered", "ringgroup_inbound_abandoned"}}
NAME_FIELD = {"get-queue-calls": "queue_name", "get-ringgroup-calls": "ring_group_name"}
USER_KEYS = ["unique_call_id", "type", "caller_id", "caller_name", "dest_number", "user_name", "user_number",
             "call_start_at", "connected_at", "call_duration", "conversation_duration"]
REQUIRED = ("unique_call_id", "type", "dest_number", "user_name", "user_number")
"""Fields the clients require non-empty on every row (or they reject the whole page)."""


def instant(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def error(status: int, message: str) -> dict[str, Any]:
    return {"status": "error", "message": message, "code": status, "data": None}


def placed(vc: VC, **fields: str) -> dict[str, Any]:
    r = vc.call2("call-to-number", data=fields)
    assert r.status_code == 200, r.text
    return r.json()["data"]


@pytest.fixture
def sim(vcx: VC) -> VC:
    vcx.settings(SIM)
    return vcx


def with_own_calls(vc: VC) -> None:
    """A few calls of the tenant's own beside the seed history: ended, and two still ringing (an
    outbound one, and one from outside to Olivia's direct number) that v2 does not list yet."""
    placed(vc, user_number="1001", number_to_call="+61255501999", caller_id="+61255501000")
    vc.advance(400)
    vc.call("call-to-number", data={"user_number": "1006", "number_to_call": "1007"})
    vc.advance(400)
    placed(vc, user_number="1002", number_to_call="0755503999")
    vc.control("POST", "/tenants/default/calls", {"from": "+61491570999", "to": "+61255501234", "name": "Ann"})
    vc.advance(2)


# -- the envelope and the rows ---------------------------------------------------------
@pytest.mark.parametrize("op", LISTS)
def test_every_row_satisfies_what_the_clients_require(vcx: VC, op: str) -> None:
    with_own_calls(vcx)
    rows = vcx.everything2(op)
    assert len(rows) > 20
    assert len({r["unique_call_id"] for r in rows}) == len(rows)
    if op == "get-user-calls":  # the tenant's own ended calls, not the ringing ones
        assert rows[0]["dest_number"] == "1007" and len(rows) == len(vcx.everything(op)) - 2
    for row in rows:
        for field in REQUIRED:
            assert isinstance(row[field], str) and row[field].strip(), (field, row)
        assert row["unique_call_id"].isdigit()
        start = instant(row["call_start_at"])
        assert row["call_start_at"].endswith(".000Z")
        assert row["connected_at"] is None or instant(row["connected_at"]) >= start
        assert all(type(row[k]) is int and row[k] >= 0 for k in ("call_duration", "conversation_duration"))
        assert row["conversation_duration"] <= row["call_duration"]
        assert row["connected_at"] is not None or row["conversation_duration"] == 0
        assert not row["dest_number"].startswith("+")
        if op == "get-user-calls":
            assert list(row) == USER_KEYS and row["type"] in USER_TYPES
            assert row["type"].endswith("_answered") == (row["connected_at"] is not None)
        else:
            assert row["type"] in QUEUE_TYPES[op] and row[NAME_FIELD[op]]
            assert row["status"] in ("answered", "abandoned") and row["type"].endswith("_" + row["status"])
            assert (row["status"] == "answered") == (row["connected_at"] is not None)
            assert row["callerid"] and "caller_id" not in row
    if op == "get-user-calls":  # every documented type occurs
        assert {r["type"] for r in rows} == USER_TYPES


def test_user_calls_example_row_bytes(vcx: VC) -> None:
    r = vcx.call2("get-user-calls", params={"limit": 1})
    assert r.headers["content-type"] == "application/json"
    assert r.content == (
        b'{"status":"success","message":"Success","code":200,"data":[{"unique_call_id":"17675959871319",'
        b'"type":"user_outbound_answered","caller_id":"1003","caller_name":"Charlotte Wilson",'
        b'"dest_number":"61413205540","user_name":"Charlotte Wilson","user_number":"1003",'
        b'"call_start_at":"2026-01-05T06:53:07.000Z","connected_at":"2026-01-05T06:53:13.000Z",'
        b'"call_duration":56,"conversation_duration":50}]}')


# -- every operation in every body encoding -------------------------------------------
def body(encoding: str, fields: dict[str, str]) -> dict[str, Any]:
    if encoding == "multipart":
        return {"files": {name: (None, value) for name, value in fields.items()}}
    return {"data": fields} if encoding == "form" else {"json": fields}


ENCODINGS = ("multipart", "form", "json")
LIST_FIELDS = {"get-user-calls": {}, "get-queue-calls": {"queues_names": "Sales,Support"},
               "get-ringgroup-calls": {"ringgroups_names": "Reception"}}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("op", LISTS)
def test_lists_read_their_parameters_from_every_body_encoding(vcx: VC, op: str, encoding: str) -> None:
    fields = {"sort_by": "oldest_first", "from_date": "2025-12-30", "to_date": "2026-01-02", "offset": "1",
              "limit": "3", "user": "ignored", **LIST_FIELDS[op]}
    r = vcx.call2(op, **body(encoding, fields))
    assert r.status_code == 200, r.text
    rows = r.json()["data"]
    assert len(rows) == 3 and rows == vcx.data2(op, **fields)
    assert rows == vcx.everything2(op, sort_by="oldest_first", from_date="2025-12-30", to_date="2026-01-02",
                                   **LIST_FIELDS[op])[1:4]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_call_to_number_in_every_body_encoding_ignores_unknown_fields(sim: VC, encoding: str) -> None:
    fields = {"user_number": "1002", "number_to_call": "+61255501999", "caller_id": "+61255501000",
              "user": "Jack", "user_name": "Jack Thompson"}  # what one public client sends
    r = sim.call2("call-to-number", **body(encoding, fields))
    assert r.status_code == 200, r.text
    answer = r.json()
    assert list(answer) == ["status", "message", "code", "data"]
    assert answer["status"] == "success" and answer["code"] == 200
    data = answer["data"]
    assert data == {"call_id": data["call_id"], "user": "1002", "number_to_call": "+61255501999",
                    "status": "ringing"}
    entry = sim.journal()[-1]
    assert (entry["operation"], entry["path"], entry["status"]) == ("call-to-number", API2 + "call-to-number", 200)
    sim.advance(600)
    rows = sim.data2("get-user-calls", unique_call_id=data["call_id"])
    assert [(r["type"], r["caller_id"], r["dest_number"], r["user_name"], r["user_number"]) for r in rows] == [
        ("user_outbound_answered", "61255501000", "61255501999", "Jack Thompson", "1002")]


def test_a_v2_call_is_listed_once_it_has_ended(sim: VC) -> None:
    data = placed(sim, user_number="1002", number_to_call="+61255501999")
    newest = sim.data2("get-user-calls", limit=1)
    for step in (0, 3, 8, 20):  # ringing the user, ringing the far end, talking
        sim.advance(step)
        assert sim.data2("get-user-calls", unique_call_id=data["call_id"]) == []
        assert sim.data2("get-user-calls", limit=1) == newest
    sim.advance(600)
    [row] = sim.data2("get-user-calls", unique_call_id=data["call_id"])
    assert row == sim.data2("get-user-calls", limit=1)[0] == {
        "unique_call_id": data["call_id"], "type": "user_outbound_answered", "caller_id": "1002",
        "caller_name": "Jack Thompson", "dest_number": "61255501999", "user_name": "Jack Thompson",
        "user_number": "1002", "call_start_at": "2026-01-05T14:00:00.000Z",
        "connected_at": "2026-01-05T14:00:10.000Z", "call_duration": 40, "conversation_duration": 30}


def test_an_unanswered_call_is_missed(sim: VC) -> None:
    sim.settings({"sim": {"remote_answer_after": 60, "ring_timeout": 20}})  # the far end never picks up
    data = placed(sim, user_number="1003", number_to_call="+61255501999")
    sim.advance(600)
    [row] = sim.data2("get-user-calls", unique_call_id=data["call_id"])
    assert (row["type"], row["connected_at"], row["conversation_duration"]) == ("user_outbound_missed", None, 0)


# -- one world: v1 and v2 show the same calls ------------------------------------------
def same_user_call(v1: dict[str, Any], v2: dict[str, Any]) -> None:
    assert v1["call_finished_at"] is not None  # v2 lists ended calls
    assert instant(v1["call_start_at"]) == instant(v2["call_start_at"])
    assert (v1["call_duration"], v1["conversation_duration"]) == (v2["call_duration"], v2["conversation_duration"])
    assert v1["user_name"] == v2["user_name"]
    assert v1["to_number"].lstrip("+") == v2["dest_number"]
    assert v2["type"].startswith("user_inbound" if v1["is_inbound"] else "user_outbound")
    if v1["conversation_duration"]:
        assert v2["type"].endswith("_answered")


def test_the_history_is_the_same_in_both_versions(vcx: VC) -> None:
    with_own_calls(vcx)
    v1 = [r for r in vcx.everything("get-user-calls") if r["call_finished_at"] is not None]
    v2 = vcx.everything2("get-user-calls")
    assert len(v1) == len(v2) > 200
    presented = [b for b in v2 if b["caller_id"] == "61255501000"]  # v2's call-to-number with a caller_id
    assert [b["user_name"] for b in presented] == ["Olivia Nguyen"]
    assert [a["from_number"].lstrip("+") for a in v1] == [
        "1001" if b is presented[0] else b["caller_id"] for b in v2]
    for a, b in zip(v1, v2):
        same_user_call(a, b)
    for op in ("get-queue-calls", "get-ringgroup-calls"):
        q1, q2 = vcx.everything(op), vcx.everything2(op)
        assert len(q1) == len(q2) > 10
        for a, b in zip(q1, q2):
            assert a[NAME_FIELD[op]] == b[NAME_FIELD[op]] and a["callerid"].lstrip("+") == b["callerid"]
            assert instant(a["call_start_at"]) == instant(b["call_start_at"])
            if a["call_answered_at"] is None:
                assert b["connected_at"] is None
            else:
                assert instant(a["call_answered_at"]) == instant(b["connected_at"])
            assert instant(a["call_finished_at"]) - instant(a["call_start_at"]) == b["call_duration"]
            assert b["status"] == ("answered" if a["status"] == "answered" else "abandoned")
            if a["answered_by_user_name"]:
                assert a["answered_by_user_name"] == b["user_name"]


@pytest.mark.parametrize("placed_through", ["v1", "v2"])
def test_a_call_placed_through_one_version_shows_in_the_other(sim: VC, placed_through: str) -> None:
    call = {"user_number": "1004", "number_to_call": "+61355502999"}
    r = sim.call("call-to-number", data=call) if placed_through == "v1" else sim.call2("call-to-number", data=call)
    assert r.status_code == 200, r.text
    sim.advance(20)  # talking: live in v1, not yet in v2
    assert sim.data("get-user-calls", limit=1)[0]["conversation_duration"] == 10
    assert sim.data2("get-user-calls", limit=1)[0]["call_start_at"] < "2026-01-05T14:00"
    sim.advance(600)
    v1, v2 = sim.data("get-user-calls", limit=1)[0], sim.data2("get-user-calls", limit=1)[0]
    same_user_call(v1, v2)
    assert v1["call_start_at"] == "2026-01-06T01:00:00+11:00" and v2["call_start_at"] == "2026-01-05T14:00:00.000Z"
    assert v1["call_finished_at"] == "2026-01-06T01:00:40+11:00"
    assert (v2["call_duration"], v2["conversation_duration"], v2["type"]) == (40, 30, "user_outbound_answered")


# -- unique_call_id --------------------------------------------------------------------
def test_unique_call_id_finds_exactly_that_call_in_every_list(vcx: VC) -> None:
    with_own_calls(vcx)
    rows = vcx.everything2("get-user-calls")
    for row in rows:
        assert vcx.data2("get-user-calls", unique_call_id=row["unique_call_id"]) == [row]
    queue_rows = vcx.everything2("get-queue-calls")
    for row in queue_rows[::5]:
        assert vcx.data2("get-queue-calls", unique_call_id=row["unique_call_id"]) == [row]
        assert vcx.data2("get-ringgroup-calls", unique_call_id=row["unique_call_id"]) == []
    answered = next(r for r in queue_rows if r["status"] == "answered")  # the same id in both lists
    [mine] = vcx.data2("get-user-calls", unique_call_id=answered["unique_call_id"])
    assert (mine["user_name"], mine["call_start_at"]) == (answered["user_name"], answered["call_start_at"])


def test_unique_call_id_keeps_the_other_filters(vcx: VC) -> None:
    row = vcx.everything2("get-user-calls", from_date="2026-01-02", to_date="2026-01-02")[3]
    uid = row["unique_call_id"]
    assert vcx.data2("get-user-calls", unique_call_id=uid, from_date="2026-01-03") == []
    assert vcx.data2("get-user-calls", unique_call_id=uid, offset=1) == []
    assert vcx.data2("get-user-calls", unique_call_id=uid, sort_by="oldest_first") == [row]
    for nobody in ("1", "17675959871", "99999999999999", uid + "0", "0" + uid):
        assert vcx.data2("get-user-calls", unique_call_id=nobody) == []


# -- sort_by and the UTC days ----------------------------------------------------------
@pytest.mark.parametrize("op", LISTS)
def test_oldest_first_is_newest_first_reversed(vcx: VC, op: str) -> None:
    newest = vcx.everything2(op, sort_by="newest_first")
    assert vcx.everything2(op) == newest  # the default
    assert vcx.everything2(op, sort_by="oldest_first") == newest[::-1]
    starts = [instant(r["call_start_at"]) for r in newest]
    assert starts == sorted(starts, reverse=True)


def test_v2_days_are_utc_days(sim: VC) -> None:
    placed(sim, user_number="1001", number_to_call="+61255501999")  # 2026-01-05T14:00Z, 01:00 in Sydney
    sim.advance(600)
    on = {"from_date": "2026-01-05", "to_date": "2026-01-05"}
    assert sim.data2("get-user-calls", **on)[0]["call_start_at"] == "2026-01-05T14:00:00.000Z"
    assert sim.data2("get-user-calls", from_date="2026-01-06") == []
    assert sim.data("get-user-calls", **on)[0]["call_start_at"] < "2026-01-06"  # v1: Sydney days
    assert sim.data("get-user-calls", from_date="2026-01-06")[0]["call_start_at"] == "2026-01-06T01:00:00+11:00"
    for row in sim.everything2("get-user-calls", from_date="2025-12-30", to_date="2026-01-01"):
        assert "2025-12-30" <= row["call_start_at"][:10] <= "2026-01-01"


# -- refusals --------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "message"), [
    ({"limit": "0"}, "parameter 'limit': invalid (not between 1 and 10000)"),
    ({"limit": "10001"}, "parameter 'limit': invalid (not between 1 and 10000)"),
    ({"offset": "-1"}, "parameter 'offset': invalid (not between 0 and 9223372036854775807)"),
    ({"from_date": "2026-13-01"}, "parameter 'from_date': invalid (not a calendar day)"),
    ({"to_date": "05/01/2026"}, "parameter 'to_date': invalid (not a YYYY-MM-DD date)"),
    ({"sort_by": "latest"}, "parameter 'sort_by': invalid (not one of newest_first, oldest_first)"),
    ({"unique_call_id": "call-1"}, "parameter 'unique_call_id': invalid (does not match the expected form)"),
    ({"from_date": "2026-01-05", "to_date": "2026-01-04"}, "from_date is after to_date"),
])
def test_bad_parameters_are_400_saying_which(vcx: VC, query: dict[str, str], message: str) -> None:
    before = state_of(vcx.snapshot())
    r = vcx.call2("get-user-calls", params=query)
    assert (r.status_code, r.json()) == (400, error(400, "Parameters error: " + message))
    assert state_of(vcx.snapshot()) == before
    assert vcx.journal()[-1]["status"] == 400


@pytest.mark.parametrize(("fields", "status", "message"), [
    ({"number_to_call": "+61255501999"}, 400, "Parameters error: parameter 'user_number': missing"),
    ({"user_number": "1002"}, 400, "Parameters error: parameter 'number_to_call': missing"),
    ({"user_number": "1002", "number_to_call": "call me"}, 400,
     "Parameters error: parameter 'number_to_call': invalid (does not match the expected form)"),
    ({"user_number": "1002", "number_to_call": "+61255501999", "caller_id": "Sales"}, 400,
     "Parameters error: parameter 'caller_id': invalid (does not match the expected form)"),
    ({"user_number": "9999", "number_to_call": "+61255501999"}, 404,
     "Tenant or required data not found: no user with number 9999"),
])
def test_call_to_number_refusals_place_nothing(vcx: VC, fields: dict[str, str], status: int, message: str) -> None:
    before = state_of(vcx.snapshot())
    r = vcx.call2("call-to-number", data=fields)
    assert (r.status_code, r.json()) == (status, error(status, message))
    assert state_of(vcx.snapshot()) == before and vcx.calls() == []


def test_a_busy_user_is_refused(vcx: VC) -> None:
    placed(vcx, user_number="1005", number_to_call="+61255501999")
    r = vcx.call2("call-to-number", data={"user_number": "1005", "number_to_call": "+61255501998"})
    assert (r.status_code, r.json()) == (400, error(400, "Parameters error: agent busy (agent_id u1005)"))
    assert len(vcx.calls()) == 1


def test_unknown_names_are_404(vcx: VC) -> None:
    r = vcx.call2("get-queue-calls", params={"queues_names": "Sales,Nope"})
    unknown = error(404, "Tenant or required data not found: unknown queues_names: nope")
    assert (r.status_code, r.json()) == (404, unknown)
    assert vcx.data2("get-ringgroup-calls", ringgroups_names="reception, ACCOUNTS") != []


@pytest.mark.parametrize("path", ["get-system-status", "nothing", "", "get-user-calls/", "GET-USER-CALLS"])
def test_unknown_v2_paths_are_v2_404s(vcx: VC, path: str) -> None:
    r = vcx.http.get(API2 + path, headers={"token": vcx.key}, follow_redirects=False)
    assert (r.status_code, r.json()) == (404, error(404, "Tenant or required data not found: no such operation"))
    entry = vcx.journal()[-1]
    assert (entry["operation"], entry["path"], entry["status"]) == ("unknown", API2 + path, 404)


@pytest.mark.parametrize(("op", "method", "allow"), [("get-user-calls", "POST", "GET, HEAD"),
                                                     ("call-to-number", "GET", "POST")])
def test_a_wrong_method_is_405(vcx: VC, op: str, method: str, allow: str) -> None:
    r = vcx.call2(op, method=method)
    assert (r.status_code, r.json(), r.headers["allow"]) == (405, error(405, "Method Not Allowed"), allow)


NO_TOKEN = error(401, "Authorization error: send the API key in the token header")


@pytest.mark.parametrize("op", ["get-user-calls", "call-to-number"])
def test_only_the_token_header_authenticates(vcx: VC, op: str) -> None:
    fields = {"user_number": "1001", "number_to_call": "+61255501999", "api_key": vcx.key}
    assert vcx.call2(op, key="", params={"api_key": vcx.key}, data=fields).json() == NO_TOKEN
    assert vcx.call2(op, key="", headers={"Authorization": f"Bearer {vcx.key}"}).json() == NO_TOKEN
    r = vcx.call2(op, key="0" * 32)
    assert (r.status_code, r.json()) == (401, error(401, "Authorization error: the token is not a valid API key"))
    assert vcx.calls() == []


@pytest.fixture
def remote(vcx: VC) -> Iterator[TestClient]:
    """A client calling from 203.0.113.9 (a documentation address, not loopback)."""
    spec = vcx.emu.registry.vendors["voipcloud"]
    with TestClient(listener_app(vcx.emu.registry, spec, spec.listeners[0]), client=("203.0.113.9", 40000)) as c:
        yield c


def test_an_address_off_the_whitelist_is_403_in_v2_and_401_in_v1(vcx: VC, remote: TestClient) -> None:
    token = {"token": vcx.key}
    r = remote.get(API2 + "get-user-calls", headers=token)
    assert (r.status_code, r.json()) == (403, error(403, "Forbidden: this IP address is not on the API whitelist"))
    r = remote.post(API2 + "call-to-number", headers=token, data={"user_number": "1001", "number_to_call": "1002"})
    assert r.status_code == 403 and vcx.calls() == []
    assert remote.get(API + "get-user-calls", headers=token).status_code == 401  # v1 unchanged
    vcx.settings({"ip_whitelist": ["203.0.113.0/24"]})
    assert remote.get(API2 + "get-user-calls", headers=token).status_code == 200
    assert vcx.call2("get-user-calls").status_code == 403  # loopback is no longer on the list


def test_both_versions_spend_one_rate_limit_budget(vc_factory: Any) -> None:
    vc = vc_factory({"rate_limit": {"limit": 4, "window": 900}})
    assert [vc.call("get-user-calls").status_code, vc.call2("get-user-calls").status_code,
            vc.call("get-system-status").status_code, vc.call2("get-queue-calls").status_code] == [200] * 4
    r = vc.call2("get-ringgroup-calls")
    assert (r.status_code, r.json()) == (429, error(429, "Too Many Requests"))
    assert int(r.headers["retry-after"]) > 0
    assert vc.call("get-user-calls").status_code == 429  # the same budget
    assert vc.call2("call-to-number", data={"user_number": "1001", "number_to_call": "1002"}).status_code == 429
    assert vc.calls() == []
    vc.advance(900)
    assert vc.call2("get-user-calls").status_code == 200
