"""call-to-number (seed lines 80-87): rings the user, then the number; the call is listed by
get-user-calls while in progress and, once ended on the clock, with consistent durations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from .conftest import VC, state_of

SIM = {"sim": {"remote_answer_after": 6, "talk_min": 30, "talk_max": 30}}
"""The user answers after 4 s (default behaviour), the far end 6 s later, they talk 30 s."""
PARAMS_ERROR = {"code": 400, "description": "Parameters error", "data": None}
NOT_FOUND = {"code": 404, "description": "Tenant or required data not found", "data": None}


@pytest.fixture
def sim(vcx: VC) -> VC:
    vcx.settings(SIM)
    return vcx


def latest(vc: VC, **params: Any) -> dict[str, Any]:
    return vc.data("get-user-calls", limit=1, **params)[0]


def seconds(a: str, b: str) -> int:
    return int((datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds())


@pytest.mark.parametrize("encoding", ["form", "json", "query"])
def test_call_lifecycle_through_the_list(sim: VC, encoding: str) -> None:
    body = {"user_number": "1002", "number_to_call": "+61255501999"}
    kwargs = {"form": {"data": body}, "json": {"json": body}, "query": {"params": body}}[encoding]
    r = sim.call("call-to-number", **kwargs)
    assert r.status_code == 200, r.text
    assert r.json() == {"code": 200, "description": "Success", "data": None}

    row = latest(sim)
    assert row["from_number"] == "1002" and row["to_number"] == "+61255501999"
    assert row["user_name"] == "Jack Thompson" and row["is_inbound"] == 0
    assert row["call_finished_at"] is None  # live
    assert (row["call_duration"], row["conversation_duration"]) == (0, 0)
    assert row["call_start_at"] == "2026-01-06T01:00:00+11:00"  # 14:00Z in Sydney (AEDT)

    sim.advance(7)  # the user answered at 4 s; the far end is ringing
    row = latest(sim)
    assert (row["call_finished_at"], row["call_duration"], row["conversation_duration"]) == (None, 7, 0)
    sim.advance(8)  # the far end answered at 10 s
    row = latest(sim)
    assert (row["call_finished_at"], row["call_duration"], row["conversation_duration"]) == (None, 15, 5)

    sim.advance(600)
    row = latest(sim)
    assert row["call_finished_at"] == "2026-01-06T01:00:40+11:00"
    assert row["call_duration"] == 40 == seconds(row["call_start_at"], row["call_finished_at"])
    assert row["conversation_duration"] == 30  # talk only: whole call minus 10 s of ringing
    assert latest(sim, users_names="Jack Thompson") == row
    assert sim.everything("get-user-calls", users_names="Olivia Nguyen")[0] != row

    [call] = sim.calls()
    assert call["origin"] == "api" and [leg["role"] for leg in call["legs"]] == ["caller", "remote"]


def test_user_number_may_be_the_users_mobile(sim: VC) -> None:
    r = sim.call("call-to-number", data={"user_number": "+61491570006", "number_to_call": "1003"})
    assert r.status_code == 200
    row = latest(sim)
    assert (row["user_name"], row["from_number"], row["to_number"]) == ("Olivia Nguyen", "1001", "1003")


def test_a_user_on_a_call_cannot_be_rung_again(sim: VC) -> None:
    body = {"user_number": "1004", "number_to_call": "0755503999"}
    assert sim.call("call-to-number", data=body).status_code == 200
    before = state_of(sim.snapshot())
    r = sim.call("call-to-number", data={**body, "number_to_call": "1005"})
    assert r.status_code == 400 and r.json() == PARAMS_ERROR
    assert state_of(sim.snapshot()) == before
    sim.advance(41)
    assert sim.call("call-to-number", data=body).status_code == 200


@pytest.mark.parametrize("body", [
    {}, {"user_number": "1001"}, {"number_to_call": "0255501999"},
    {"user_number": "", "number_to_call": "0255501999"},
    {"user_number": "1001", "number_to_call": ""},
    {"user_number": "1001", "number_to_call": "call me"},
    {"user_number": "1001", "number_to_call": "12"},
    {"user_number": "1001", "number_to_call": "+61 2 5550 1999"},
    {"user_number": "1001", "number_to_call": "1" * 21},
    {"user_number": "Olivia Nguyen", "number_to_call": "0255501999"},
    {"user_number": "1001", "number_to_call": "0255501999;1002"},
])
def test_missing_or_invalid_numbers(sim: VC, body: dict[str, str]) -> None:
    before = state_of(sim.snapshot())
    r = sim.call("call-to-number", data=body)
    assert r.status_code == 400 and r.json() == PARAMS_ERROR
    assert state_of(sim.snapshot()) == before


@pytest.mark.parametrize("user", ["1999", "6001", "+61400000000", "0"])
def test_unknown_user_number(sim: VC, user: str) -> None:
    before = state_of(sim.snapshot())
    r = sim.call("call-to-number", json={"user_number": user, "number_to_call": "0255501999"})
    assert r.status_code == 404 and r.json() == NOT_FOUND
    assert state_of(sim.snapshot()) == before
    assert sim.calls() == []


def test_json_numbers_are_accepted(sim: VC) -> None:
    r = sim.call("call-to-number", json={"user_number": 1006, "number_to_call": 61255501999})
    assert r.status_code == 200
    assert latest(sim)["to_number"] == "61255501999"


def test_calls_are_journalled(sim: VC) -> None:
    sim.call("call-to-number", data={"user_number": "1001", "number_to_call": "1002"})
    sim.call("call-to-number", data={"user_number": "1001"})
    ops = [(e["operation"], e["method"], e["status"]) for e in sim.journal()[-2:]]
    assert ops == [("call-to-number", "POST", 200), ("call-to-number", "POST", 400)]


def test_a_call_to_the_tenants_own_did_enters_its_route(sim: VC) -> None:
    """The Sales DID routes to the Sales queue: a user dialling it waits there like any caller."""
    r = sim.call("call-to-number", data={"user_number": "1007", "number_to_call": "+61255501100"})
    assert r.status_code == 200, r.text
    sim.control("POST", "/tenants/default/clock/advance", json={"seconds": 900})
    call = sim.calls()[-1]
    assert (call["did"], call["queue_id"], call["direction"]) == ("+61255501100", "q-sales", "internal")
    sales = sim.data("get-queue-calls", queues_names="Sales", limit=1)[0]
    assert (sales["callerid"], sales["inbound_number"]) == ("1007", "+61255501100")
