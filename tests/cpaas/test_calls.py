"""Calls the API places, on the clock: click-to-call (agent first, then the destination),
voice OTP (an announcement of the OTP's digits, repeat times), callbacks that fire at their time
and can be moved or cancelled until then, and live-call control by channel name."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from .conftest import ACCOUNT_2, CP

AGENT, CUSTOMER, OTHER = "919812300001", "918012300002", "918012300003"
C2C = {"agent_number": AGENT, "caller_id": "15168148111", "destination_number": CUSTOMER,
       "recording_option": "off", "transcript": "off"}
OTP = {"customer_number": CUSTOMER, "otp": "123456", "announce_template_id": "AN2222314c96", "repeat": "3",
       "caller_id": "15168148111", "rate": "fast"}


def by_request(cp: CP, request_id: str, account: str = "account_1") -> dict[str, Any]:
    rows = cp.ok("POST", "get_cdr_by_request_id", {"request_id": request_id}, account=account)["result"]
    assert len(rows) == 1
    return dict(rows[0])


def wall(cp: CP, seconds: float, zone: str) -> str:
    """The tenant clock ``seconds`` from now, as a wall time in ``zone``."""
    moment = datetime.fromtimestamp(cp.now() + seconds, ZoneInfo(zone))
    return moment.strftime("%Y-%m-%d %H:%M:%S")


# -- click-to-call -------------------------------------------------------------------------------
def test_click_to_call_rings_the_agent_then_the_destination_then_bridges_them(cp: CP) -> None:
    cp.parties({AGENT: {"answer_after": 3.0}, CUSTOMER: {"answer_after": 5.0, "talk": 40.0}})
    request_id = cp.ok("POST", "click2call", {**C2C, "recording_option": "both"})["request_id"]
    [call] = cp.live_calls()
    assert [(c["party"], c["role"], c["state"]) for c in call["channels"]] == [(AGENT, "caller", "ringing")]
    assert cp.live()["live_calls_c2c"] == 1
    cp.advance(3)
    [call] = cp.live_calls()
    assert [(c["party"], c["state"]) for c in call["channels"]] == [(AGENT, "answered"), (CUSTOMER, "ringing")]
    cp.advance(5)
    assert cp.live_calls()[0]["state"] == "answered"
    assert cp.post("get_cdr_by_request_id", {"request_id": request_id}).status_code == 404  # written at hang-up
    cp.advance(40)
    assert cp.live_calls() == [] and cp.live()["live_calls_c2c"] == 0
    row = by_request(cp, request_id)
    assert (row["agent_number"], row["customer_number"], row["dialed_number"], row["caller_id"]) == (
        AGENT, CUSTOMER, CUSTOMER, "15168148111")
    assert (row["destination_context"], row["call_direction"], row["dial_status"], row["call_status"]) == (
        "click2call", "outbound-api", "ANSWER", "ANSWERED")
    assert (row["billsec"], row["call_duration"]) == (40.0, 48.0)
    assert (row["answer"], row["end"], row["call_date"]) == (
        "Mon, 05 Jan 2026 14:00:08 GMT", "Mon, 05 Jan 2026 14:00:48 GMT", "Mon, 05 Jan 2026 14:00:48 GMT")
    assert row["recording_name"] == f"{row['uniqueid']}.wav"


@pytest.mark.parametrize("who,fault,status,call_status", [
    (AGENT, "no_answer", "NOANSWER", "NO ANSWER"), (CUSTOMER, "busy", "BUSY", "BUSY"),
    (CUSTOMER, "unreachable", "CHANUNAVAIL", "FAILED"), (CUSTOMER, "congestion", "CONGESTION", "CONGESTION")])
def test_a_click_to_call_that_fails_says_how_in_its_cdr(cp: CP, who: str, fault: str, status: str,
                                                       call_status: str) -> None:
    cp.parties({AGENT: {"answer_after": 2.0}, CUSTOMER: {"answer_after": 2.0}, who: {"fault": fault}})
    request_id = cp.ok("POST", "click2call", C2C)["request_id"]
    cp.advance(60)
    row = by_request(cp, request_id)
    assert (row["dial_status"], row["call_status"], row["billsec"]) == (status, call_status, 0.0)
    assert row["answer"] == "Thu, 01 Jan 1970 00:00:00 GMT" and row["recording_name"] == ""
    if fault == "no_answer":
        assert row["call_duration"] == 45.0  # the CPaaS rings for 45 s


# -- OTP -------------------------------------------------------------------------------------------
def test_an_otp_call_announces_the_digits_repeat_times_then_hangs_up(cp: CP) -> None:
    cp.parties({CUSTOMER: {"answer_after": 4.0, "talk": 300.0}})
    request_id = cp.ok("POST", "outbound_call", OTP)["request_id"]
    [call] = cp.live_calls()
    assert call["announcement"] == "Your one time password is 1 2 3 4 5 6" and call["service"] == "otp"
    assert cp.live()["live_calls_otp"] == 1
    cp.advance(4 + 13.9)
    assert cp.live()["live_calls_otp"] == 1
    cp.advance(0.2)  # 11 words at 180 a minute (rate fast) and a second's pause, three times: 14 s
    assert cp.live()["live_calls_otp"] == 0
    row = by_request(cp, request_id)
    assert (row["destination_context"], row["call_direction"], row["agent_number"], row["customer_number"]) == (
        "local_call", "outbound-api", "", CUSTOMER)
    assert (row["billsec"], row["call_duration"], row["dial_status"]) == (14.0, 18.0, "ANSWER")


def test_an_otp_callee_who_hangs_up_early_ends_the_announcement(cp: CP) -> None:
    cp.parties({CUSTOMER: {"answer_after": 4.0, "talk": 2.0}})
    request_id = cp.ok("POST", "outbound_call", OTP)["request_id"]
    cp.advance(30)
    assert by_request(cp, request_id)["billsec"] == 2.0


def test_otp_templates_are_the_accounts_own_and_set_in_settings(cp: CP) -> None:
    assert cp.refused("POST", "outbound_call", OTP, account=ACCOUNT_2) == (400, "invalid announce_template_id")
    cp.ok("POST", "outbound_call", {**OTP, "announce_template_id": "AN5be81c4f0a"}, account=ACCOUNT_2)
    cp.settings({"cpaas": {"otp_templates": {"account_2": {"ANabcdef0123": "Code {otp}"}}}})
    cp.ok("POST", "outbound_call", {**OTP, "announce_template_id": "ANabcdef0123"}, account=ACCOUNT_2)
    assert cp.live_calls()[-1]["announcement"] == "Code 1 2 3 4 5 6"


# -- callbacks -------------------------------------------------------------------------------------
def callback(cp: CP, seconds: float, zone: str = "Asia/Kolkata", **more: str) -> str:
    body = {**C2C, "time_zone": zone, "scheduled_at": wall(cp, seconds, zone), **more}
    return str(cp.ok("POST", "callback", body)["request_id"])


def test_a_callback_fires_at_its_time_in_its_zone_like_click_to_call(cp: CP) -> None:
    cp.parties({AGENT: {"answer_after": 2.0}, CUSTOMER: {"answer_after": 3.0, "talk": 20.0}})
    request_id = callback(cp, 600, "US/Eastern")
    cp.advance(599)
    assert cp.live_calls() == []
    cp.advance(1)
    [call] = cp.live_calls()
    assert (call["request_id"], call["channels"][0]["party"]) == (request_id, AGENT)
    assert cp.live()["live_calls_c2c"] == 1
    cp.advance(60)
    row = by_request(cp, request_id)
    assert (row["destination_context"], row["dial_status"], row["billsec"]) == ("click2call", "ANSWER", 20.0)
    assert row["answer"] == "Mon, 05 Jan 2026 14:10:05 GMT"
    assert cp.refused("PATCH", "callback", {"request_id": request_id, "caller_id": "15168148112"}) == (
        404, "invalid request_id")  # it has fired


def test_patch_moves_a_callback_and_changes_only_what_it_sends(cp: CP) -> None:
    request_id = callback(cp, 600)
    answer = cp.ok("PATCH", "callback", {"request_id": request_id, "scheduled_at": wall(cp, 1200, "Asia/Kolkata"),
                                         "destination_number": OTHER})
    assert answer == {"message": "callback data modified successfully", "request_id": request_id, "success": "true"}
    cp.advance(1199)
    assert cp.live_calls() == []
    cp.advance(1)
    [call] = cp.live_calls()
    assert (call["callee"], call["caller"]) == (OTHER, AGENT)


def test_patch_with_another_zone_moves_the_same_wall_time(cp: CP) -> None:
    request_id = callback(cp, 3600, "UTC")
    cp.ok("PATCH", "callback", {"request_id": request_id, "time_zone": "Etc/GMT+1"})  # UTC-1: an hour later
    cp.advance(3600)
    assert cp.live_calls() == []
    cp.advance(3600)
    assert len(cp.live_calls()) == 1


def test_delete_cancels_a_callback_for_good(cp: CP) -> None:
    request_id = callback(cp, 60)
    assert cp.ok("DELETE", "callback", {"request_id": request_id}) == {
        "message": "callback request deleted successfully", "request_id": request_id, "success": "true"}
    cp.advance(120)
    assert cp.live_calls() == []
    assert cp.refused("DELETE", "callback", {"request_id": request_id}) == (404, "invalid request_id")
    assert cp.refused("PATCH", "callback", {"request_id": request_id, "recording_option": "on"}) == (
        404, "invalid request_id")


def test_a_callback_time_must_lie_ahead(cp: CP) -> None:
    for seconds in (0, -1, -86400):
        body = {**C2C, "time_zone": "UTC", "scheduled_at": wall(cp, seconds, "UTC")}
        assert cp.refused("POST", "callback", body) == (400, "invalid scheduled_at, date should be in future")
    request_id = callback(cp, 60)
    assert cp.refused("PATCH", "callback", {"request_id": request_id, "scheduled_at": wall(cp, -5, "Asia/Kolkata")}) \
        == (400, "invalid scheduled_at, date should be in future")
    too_late = {**C2C, "time_zone": "UTC", "scheduled_at": "3000-01-01 00:00:00"}
    assert cp.refused("POST", "callback", too_late) == (
        400, "invalid scheduled_at, date format should be YYYY-mm-dd hh:mm:ss")


def test_a_click_to_call_request_id_is_not_a_callback(cp: CP) -> None:
    request_id = cp.ok("POST", "click2call", C2C)["request_id"]
    assert cp.refused("DELETE", "callback", {"request_id": request_id}) == (404, "invalid request_id")


# -- modify_call ---------------------------------------------------------------------------------
def connected(cp: CP) -> tuple[str, str, str]:
    """A click-to-call in conversation: (request id, the agent's channel, the customer's)."""
    cp.parties({AGENT: {"answer_after": 1.0, "talk": 600.0}, CUSTOMER: {"answer_after": 1.0, "talk": 600.0},
                OTHER: {"answer_after": 2.0, "talk": 30.0}})
    request_id = cp.ok("POST", "click2call", C2C)["request_id"]
    cp.advance(3)
    [call] = cp.live_calls()
    channels = {c["role"]: c["channel"] for c in call["channels"]}
    assert call["state"] == "answered" and set(channels) == {"caller", "remote"}
    assert channels["caller"].startswith("PJSIP/tatatrunk-ACvjfnvjnfs-")
    return request_id, channels["caller"], channels["remote"]


def test_blind_transfer_hands_the_customer_to_the_target_and_the_agent_leaves(cp: CP) -> None:
    request_id, agent, _ = connected(cp)
    r = cp.post("modify_call", {"channel": agent, "modify_type": "0", "transfer_to": OTHER})
    assert r.text == '{"response":{"message":"blind transferred successfully","success":"true"}}\n'
    [call] = cp.live_calls()
    assert [(c["party"], c["state"]) for c in call["channels"]] == [(CUSTOMER, "answered"), (OTHER, "ringing")]
    cp.advance(2 + 30)
    assert cp.live_calls() == [] and by_request(cp, request_id)["dial_status"] == "ANSWER"


def test_attended_transfer_consults_first_then_the_agent_leaves(cp: CP) -> None:
    _, agent, customer = connected(cp)
    assert cp.ok("POST", "modify_call", {"channel": customer, "modify_type": "1", "transfer_to": OTHER}) == {
        "message": "attended transferred successfully", "success": "true"}
    [call] = cp.live_calls()
    assert call["state"] == "held" and {c["party"] for c in call["channels"]} == {AGENT, CUSTOMER, OTHER}
    cp.advance(2)
    [call] = cp.live_calls()
    assert call["state"] == "answered" and {c["party"] for c in call["channels"]} == {CUSTOMER, OTHER}


def test_hangup_ends_the_call_and_its_channels_are_gone(cp: CP) -> None:
    request_id, agent, customer = connected(cp)
    answer = cp.ok("POST", "modify_call", {"channel": customer, "modify_type": "2"})
    assert answer["message"] == "call hangup successfully"
    assert cp.live_calls() == [] and by_request(cp, request_id)["billsec"] == 1.0
    assert cp.refused("POST", "modify_call", {"channel": agent, "modify_type": "2"}) == (404, "invalid channel")


def test_start_recording_names_the_recording_in_the_cdr(cp: CP) -> None:
    request_id, agent, _ = connected(cp)
    assert cp.ok("POST", "modify_call", {"channel": agent, "modify_type": "3"})["message"] == (
        "call recording started successfully")
    cp.ok("POST", "modify_call", {"channel": agent, "modify_type": "2"})
    row = by_request(cp, request_id)
    assert row["recording_name"] == f"{row['uniqueid']}.wav"


def test_modify_call_refusals(cp: CP) -> None:
    cp.parties({AGENT: {"answer_after": 5.0}})
    cp.ok("POST", "click2call", C2C)
    [ringing] = cp.live_calls()[0]["channels"]
    assert cp.refused("POST", "modify_call", {"channel": ringing["channel"], "modify_type": "3"}) == (
        400, "call can not be modified in its current state")
    transfer = {"channel": ringing["channel"], "modify_type": "0", "transfer_to": OTHER}
    assert cp.refused("POST", "modify_call", transfer) == (400, "call can not be modified in its current state")
    assert cp.refused("POST", "modify_call", {"channel": ringing["channel"], "modify_type": "0"}) == (
        400, "transfer_to is mandatory field")
    assert cp.refused("POST", "modify_call", {"channel": "PJSIP/101-0000023c", "modify_type": "2"}) == (
        404, "invalid channel")
    assert cp.refused("POST", "modify_call", {"channel": ringing["channel"], "modify_type": "2"},
                      account=ACCOUNT_2) == (404, "invalid channel")  # another account's call
    assert cp.refused("POST", "modify_call", {"channel": ringing["channel"], "modify_type": "4"}) == (
        400, "invalid modify_type, allowed values are 0, 1, 2, 3")
    assert len(cp.live_calls()) == 1


def test_a_days_calls_are_in_the_cdrs_by_date_in_id_order_and_paged(cp: CP) -> None:
    cp.parties({AGENT: {"answer_after": 1.0}, CUSTOMER: {"answer_after": 1.0, "talk": 5.0}})
    ids = [cp.ok("POST", "click2call", C2C)["request_id"] for _ in range(3)]
    cp.advance(60)
    today = {"start_call_date": "2026-01-05", "end_call_date": "2026-01-05"}
    rows = cp.ok("POST", "get_cdr_by_date", today)["result"]
    assert [row["request_id"] for row in rows[-3:]] == ids
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    page = cp.ok("POST", "get_cdr_by_date", {**today, "record_count": "2", "offset": str(len(rows) - 3)})["result"]
    assert [row["request_id"] for row in page] == ids[:2]
    assert cp.refused("POST", "get_cdr_by_date", {**today, "offset": str(len(rows))}) == (404, "cdr not found")
    tomorrow = (datetime(2026, 1, 5) + timedelta(days=1)).strftime("%Y-%m-%d")
    assert cp.refused("POST", "get_cdr_by_date", {"start_call_date": tomorrow, "end_call_date": tomorrow}) == (
        404, "cdr not found")
