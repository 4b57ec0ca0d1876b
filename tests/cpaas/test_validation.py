"""Every validation rule of every operation: a good request with one field broken gets that
field's message (the real server's "<field> is mandatory field" / "invalid ..." words), a
fitting status, and changes nothing. And what Flask refuses before a view runs: Werkzeug's pages."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import CP, DOC_CLOCK, state_of

GONE = object()
"""The field is left out of the body."""

C2C = {"agent_number": "919979275555", "caller_id": "15168148111", "destination_number": "918000685555",
       "recording_option": "off", "transcript": "on"}
CALLBACK = {**C2C, "time_zone": "Asia/Kolkata", "scheduled_at": "2026-08-15 12:55:00"}
OTP = {"customer_number": "919979275555", "otp": "1987", "announce_template_id": "AN2222314c96", "repeat": "1",
       "caller_id": "15168148111", "voice": "Raveena", "volume": "soft", "rate": "slow", "pitch": "medium",
       "language_code": "en-US", "tts_engine_type": "standard"}
CAMPAIGN = {"list_id": "LS608c393614", "dnd_list_id": "DNd2b09f8f80", "campaign_name": "fresh", "campaign_type": "0",
            "campaign_caller_id": "15168148111", "dynamic_announcement": "1", "recorded_filename": "",
            "announcement_text": "Dear {field1}", "campaign_start_date": "2026-09-25 14:05:00",
            "campaign_end_date": "2026-09-26 20:00:00", "time_zone": "Asia/Kolkata", "repeat": "2",
            "max_retries": "1", "retry_time": "60", "calls_per_minute": "10"}
CDR_DATES = {"start_call_date": "2023-07-01", "end_call_date": "2023-07-19", "record_count": "5", "offset": "0"}
"""The table runs on the document's clock (2023-07-20): its callback fd5ff6e021 is still ahead."""


def mandatory(name: str) -> tuple[int, str]:
    return 400, f"{name} is mandatory field"


def invalid(name: str, status: int = 400) -> tuple[int, str]:
    return status, f"invalid {name}"


def number(label: str) -> tuple[int, str]:
    return 400, f"invalid {label}, number should be of 10 digits in length"


def choice(name: str, values: str) -> tuple[int, str]:
    return 400, f"invalid {name}, allowed values are {values}"


def whole(name: str, low: int, high: int) -> tuple[int, str]:
    return 400, f"invalid {name}, it should be a number from {low} to {high}"


def when(name: str) -> tuple[int, str]:
    return 400, f"invalid {name}, date format should be YYYY-mm-dd hh:mm:ss"


VOLUMES = "silent, x-soft, soft, medium, loud, x-loud"
RETRY_WORDS = "NOANSWER, BUSY, CHANUNAVAIL, CONGESTION, CANCEL"
TTS_RULES: list[tuple[str, Any, tuple[int, str]]] = [
    ("voice", "Robot", invalid("voice")), ("voice", "joanna", invalid("voice")),
    ("volume", "x- soft", choice("volume", VOLUMES)), ("volume", "LOUD", choice("volume", VOLUMES)),
    ("rate", "quick", choice("rate", "x-slow, slow, medium, fast, x-fast")),
    ("pitch", "x- low", choice("pitch", "x-low, low, medium, high, x-high")),
    ("language_code", "xx-XX", invalid("language_code")),
    ("tts_engine_type", "generative", choice("tts_engine_type", "standard, neural")),
]

# (method, operation, good body, field, bad value or GONE, (status, message))
RULES: list[tuple[str, str, dict[str, Any], str, Any, tuple[int, str]]] = [
    *[("POST", "click2call", C2C, f, v, m) for f, v, m in [
        ("agent_number", GONE, mandatory("agent_number")), ("agent_number", "", mandatory("agent_number")),
        ("agent_number", "12345", number("agent number")), ("agent_number", "91997927XXXX", number("agent number")),
        ("agent_number", "91997927555555555", number("agent number")),
        ("agent_number", ["919979275555"], number("agent number")),
        ("agent_number", "919 979 275555", number("agent number")),
        ("caller_id", GONE, mandatory("caller_id")), ("caller_id", "anonymous", number("caller id")),
        ("destination_number", GONE, mandatory("destination_number")),
        ("destination_number", "00", number("destination number")),
        ("recording_option", "yes", choice("recording_option", "both, agent, customer, off")),
        ("transcript", GONE, mandatory("transcript")), ("transcript", "yes", choice("transcript", "on, off"))]],
    *[("POST", "callback", CALLBACK, f, v, m) for f, v, m in [
        ("agent_number", "1", number("agent number")), ("caller_id", GONE, mandatory("caller_id")),
        ("destination_number", GONE, mandatory("destination_number")),
        ("recording_option", GONE, mandatory("recording_option")),
        ("recording_option", "both", choice("recording_option", "on, off")),
        ("time_zone", GONE, mandatory("time_zone")), ("time_zone", "Mars/Olympus", invalid("time_zone")),
        ("time_zone", "../../etc/passwd", invalid("time_zone")), ("time_zone", "IST", invalid("time_zone")),
        ("scheduled_at", GONE, mandatory("scheduled_at")),
        ("scheduled_at", "2026-13-01 10:00:00", when("scheduled_at")),
        ("scheduled_at", "2026-08-15T12:55:00", when("scheduled_at")),
        ("scheduled_at", "tomorrow", when("scheduled_at")),
        ("scheduled_at", "2023-07-19 12:55:00", (400, "invalid scheduled_at, date should be in future"))]],
    *[("PATCH", "callback", {"request_id": "fd5ff6e021", "caller_id": "15168148111"}, f, v, m) for f, v, m in [
        ("request_id", GONE, mandatory("request_id")), ("request_id", "FD5FF6E021", invalid("request_id")),
        ("request_id", "ffffffffff", invalid("request_id", 404)), ("caller_id", "x", number("caller id")),
        ("recording_option", "agent", choice("recording_option", "on, off")),
        ("time_zone", "Nowhere", invalid("time_zone")), ("scheduled_at", "2026-02-30 10:00:00", when("scheduled_at"))]],
    *[("DELETE", "callback", {"request_id": "fd5ff6e021"}, f, v, m) for f, v, m in [
        ("request_id", GONE, mandatory("request_id")), ("request_id", "fd5ff6e02", invalid("request_id")),
        ("request_id", "0000000000", invalid("request_id", 404))]],
    *[("POST", "outbound_call", OTP, f, v, m) for f, v, m in [
        ("customer_number", GONE, mandatory("customer_number")),
        ("customer_number", "997927555", number("customer number")),
        ("otp", GONE, mandatory("otp")), ("otp", "19a7", invalid("otp")), ("otp", "12345678901", invalid("otp")),
        ("announce_template_id", GONE, mandatory("announce_template_id")),
        ("announce_template_id", "AN22", invalid("announce_template_id")),
        ("announce_template_id", "ANffffffffff", invalid("announce_template_id")),
        ("repeat", GONE, mandatory("repeat")), ("repeat", "0", whole("repeat", 1, 10)),
        ("repeat", "11", whole("repeat", 1, 10)), ("repeat", "one", whole("repeat", 1, 10)),
        ("repeat", "-1", whole("repeat", 1, 10)), ("repeat", True, whole("repeat", 1, 10)),
        ("caller_id", "1", number("caller id")), *TTS_RULES]],
    ("POST", "create_campaign_list", {"list_name": "x"}, "list_name", GONE, mandatory("list_name")),
    ("POST", "create_campaign_list", {"list_name": "x"}, "list_name", "", mandatory("list_name")),
    ("POST", "create_campaign_list", {"list_name": "x"}, "list_name", "x" * 101, invalid("list_name")),
    ("POST", "create_campaign_list", {"list_name": "x"}, "list_name", "tab\there", invalid("list_name")),
    ("POST", "create_campaign_list", {"list_name": "x"}, "list_name", {"a": 1}, invalid("list_name")),
    ("POST", "create_campaign_dnd_list", {"dnd_list_name": "x"}, "dnd_list_name", GONE, mandatory("dnd_list_name")),
    ("POST", "create_campaign_dnd_list", {"dnd_list_name": "x"}, "dnd_list_name", "\x00", invalid("dnd_list_name")),
    *[("POST", "add_contact_to_list", {"list_id": "LSaa8f9db7e6", "contacts": [{"contact_number": "919000000001"}]},
       f, v, m) for f, v, m in [
        ("list_id", GONE, mandatory("list_id")), ("list_id", "LS123", invalid("list_id")),
        ("list_id", "DN95716be314", invalid("list_id")), ("list_id", "LSffffffffff", invalid("list_id", 404)),
        ("contacts", GONE, mandatory("contacts")), ("contacts", [], mandatory("contacts")),
        ("contacts", "919000000001", invalid("contacts")), ("contacts", [5], invalid("contacts")),
        ("contacts", [{"contact_name": "a"}], mandatory("contact_number")),
        ("contacts", [{"contact_number": "919000000001"}, {"contact_number": ""}], mandatory("contact_number")),
        ("contacts", [{"contact_number": "1"}], number("contact number")),
        ("contacts", [{"contact_number": "919000000001", "contact_name": ["x"]}], invalid("contact_name")),
        ("contacts", [{"contact_number": "919000000001", "contact_fields": {"bad key": "x"}}],
         invalid("contact_fields")),
        ("contacts", [{"contact_number": "919000000001", "contact_fields": ["x"]}], invalid("contact_fields")),
        ("contacts", [{"contact_number": "919000000001", "contact_fields": {"f": {"x": 1}}}],
         invalid("contact_fields"))]],
    *[("POST", "add_dnd_contact_to_list", {"dnd_list_id": "DN95716be314", "dnd_contacts": [
        {"dnd_contact_number": "919000000001"}]}, f, v, m) for f, v, m in [
        ("dnd_list_id", GONE, mandatory("dnd_list_id")), ("dnd_list_id", "LSaa8f9db7e6", invalid("dnd_list_id")),
        ("dnd_list_id", "DNffffffffff", invalid("dnd_list_id", 404)), ("dnd_contacts", GONE, mandatory("dnd_contacts")),
        ("dnd_contacts", [{"contact_number": "919000000001"}], mandatory("dnd_contact_number")),
        ("dnd_contacts", [{"dnd_contact_number": "x"}], number("dnd contact number"))]],
    *[("POST", "import_broadcast_contacts_csv",
       {"list_id": "LS608c393614", "csv_name": "contacts_dynamic_announcement.csv"}, f, v, m) for f, v, m in [
        ("list_id", GONE, mandatory("list_id")), ("list_id", "LSffffffffff", invalid("list_id", 404)),
        ("csv_name", GONE, mandatory("csv_name")), ("csv_name", "../seed.py.csv", invalid("csv_name")),
        ("csv_name", "/etc/passwd.csv", invalid("csv_name")), ("csv_name", "contacts.txt", invalid("csv_name")),
        ("csv_name", ".hidden.csv", invalid("csv_name")),
        ("csv_name", "nope.csv", (404, "invalid csv_name, file not found")),
        ("csv_name", "dnd_contacts.csv", (400, "invalid csv_name, contact_number column is missing"))]],
    *[("POST", "import_dnd_contacts_csv", {"dnd_list_id": "DNd2b09f8f80", "dnd_csv_name": "dnd_contacts.csv"},
       f, v, m) for f, v, m in [
        ("dnd_list_id", "DNffffffffff", invalid("dnd_list_id", 404)), ("dnd_csv_name", GONE, mandatory("dnd_csv_name")),
        ("dnd_csv_name", "a/b.csv", invalid("dnd_csv_name")),
        ("dnd_csv_name", "quality_training-8khz.wav", invalid("dnd_csv_name")),
        ("dnd_csv_name", "contacts_dynamic_announcement.csv",
         (400, "invalid dnd_csv_name, dnd_contact_number column is missing"))]],
    *[("POST", "create_campaign", CAMPAIGN, f, v, m) for f, v, m in [
        ("list_id", GONE, mandatory("list_id")), ("list_id", "LSffffffffff", invalid("list_id", 404)),
        ("dnd_list_id", GONE, mandatory("dnd_list_id")), ("dnd_list_id", "DNffffffffff", invalid("dnd_list_id", 404)),
        ("campaign_name", GONE, mandatory("campaign_name")),
        ("campaign_name", "test_broadcast_campaign_max", (400, "campaign_name already exists")),
        ("campaign_type", GONE, mandatory("campaign_type")), ("campaign_type", "2", choice("campaign_type", "0, 1")),
        ("campaign_caller_id", GONE, mandatory("campaign_caller_id")),
        ("campaign_caller_id", "caller", number("campaign caller id")),
        ("dynamic_announcement", GONE, mandatory("dynamic_announcement")),
        ("dynamic_announcement", "yes", choice("dynamic_announcement", "0, 1")),
        ("announcement_text", "", mandatory("announcement_text")),
        ("announcement_text", "x" * 3001, invalid("announcement_text")),
        ("recorded_filename", "voice.mp3", invalid("recorded_filename")),
        ("repeat", "0", whole("repeat", 1, 10)), ("repeat_count", "99", whole("repeat_count", 1, 10)),
        ("max_retries", GONE, mandatory("max_retries")), ("max_retries", "11", whole("max_retries", 0, 10)),
        ("retry_attempts", "x", whole("retry_attempts", 0, 10)),
        ("retry_on_statuses", "NOANSER", choice("retry_on_statuses", RETRY_WORDS)),
        ("retry_on_statuses", "busy", choice("retry_on_statuses", RETRY_WORDS)),
        ("retry_time", GONE, mandatory("retry_time")), ("retry_time", "0", whole("retry_time", 1, 86400)),
        ("calls_per_minute", GONE, mandatory("calls_per_minute")),
        ("calls_per_minute", "1001", whole("calls_per_minute", 1, 1000)),
        ("calls_per_minute", "1.5", whole("calls_per_minute", 1, 1000)),
        ("campaign_start_date", GONE, mandatory("campaign_start_date")),
        ("campaign_start_date", "2023-12-1810:00:00", when("campaign_start_date")),
        ("campaign_end_date", GONE, mandatory("campaign_end_date")),
        ("campaign_end_date", "2026-09-25 14:05:00",
         (400, "invalid campaign_end_date, it should be after campaign_start_date")),
        ("campaign_end_date", "3000-06-01 00:00:00", when("campaign_end_date")),
        ("time_zone", "Asia/Atlantis", invalid("time_zone")), *TTS_RULES]],
    ("POST", "create_campaign", {**CAMPAIGN, "campaign_start_date": "2023-01-01 00:00:00"}, "campaign_end_date",
     "2023-06-01 00:00:00", (400, "invalid campaign_end_date, date should be in future")),
    ("POST", "create_campaign", {**CAMPAIGN, "dynamic_announcement": "0", "announcement_text": ""},
     "recorded_filename", GONE, mandatory("recorded_filename")),
    ("POST", "create_campaign", {**CAMPAIGN, "dynamic_announcement": "0", "announcement_text": ""},
     "recorded_filename", "nope.wav", (404, "invalid recorded_filename, file not found")),
    ("POST", "create_campaign", {k: v for k, v in CAMPAIGN.items() if k != "announcement_text"},
     "dynamic_announcement", "1", mandatory("announcement_text")),
    *[(method, op, {"campaign_id": "CM7b1b0f4c2f"}, f, v, m)
      for method, op in (("POST", "stop_campaign"), ("POST", "get_cdr_by_campaign_id"),
                         ("POST", "get_campaign_cdr_statistics"))
      for f, v, m in [("campaign_id", GONE, mandatory("campaign_id")),
                      ("campaign_id", "CM7B1B0F4C2F", invalid("campaign_id")),
                      ("campaign_id", "CMffffffffff", invalid("campaign_id", 404))]],
    *[("POST", "get_cdr_by_date", CDR_DATES, f, v, m) for f, v, m in [
        ("start_call_date", GONE, mandatory("start_call_date")),
        ("start_call_date", "2026-1-01", (400, "invalid start_call_date, date format should be YYYY-mm-dd")),
        ("start_call_date", "2026-02-30", (400, "invalid start_call_date, date format should be YYYY-mm-dd")),
        ("end_call_date", GONE, mandatory("end_call_date")),
        ("end_call_date", "2023-06-30", (400, "invalid end_call_date, it should not be before start_call_date")),
        ("record_count", "0", whole("record_count", 1, 10000)),
        ("record_count", "10001", whole("record_count", 1, 10000)),
        ("offset", "-1", whole("offset", 0, 10**9)), ("offset", "1e3", whole("offset", 0, 10**9))]],
    ("POST", "get_cdr_by_request_id", {"request_id": "91da7c083f"}, "request_id", GONE, mandatory("request_id")),
    ("POST", "get_cdr_by_request_id", {"request_id": "91da7c083f"}, "request_id", "91DA7C083F", invalid("request_id")),
    ("POST", "get_cdr_by_request_id", {"request_id": "91da7c083f"}, "request_id", "ffffffffff", (404, "cdr not found")),
    *[("POST", "modify_call", {"channel": "PJSIP/101-0000023c", "modify_type": "2"}, f, v, m) for f, v, m in [
        ("channel", GONE, mandatory("channel")), ("channel", "101", invalid("channel")),
        ("channel", " PJSIP/101-0000023c", invalid("channel")),
        ("channel", "PJSIP/101-0000023c", invalid("channel", 404)),
        ("modify_type", GONE, mandatory("modify_type")), ("modify_type", 2.5, choice("modify_type", "0, 1, 2, 3")),
        ("modify_type", "hangup", choice("modify_type", "0, 1, 2, 3")),
        ("transfer_to", "agent 102", invalid("transfer_to"))]],
]


@pytest.mark.parametrize("method,op,good,field,bad,expected", RULES,
                         ids=[f"{r[1]}-{r[3]}-{'gone' if r[4] is GONE else repr(r[4])[:24]}" for r in RULES])
def test_every_field_of_every_operation_is_checked_and_a_refusal_changes_nothing(
        doc_clock: CP, method: str, op: str, good: dict[str, Any], field: str, bad: Any,
        expected: tuple[int, str]) -> None:
    cp = doc_clock
    body = {k: v for k, v in good.items() if k != field}
    if bad is not GONE:
        body[field] = bad
    before = state_of(cp.snapshot())
    assert cp.refused(method, op, body) == expected
    assert state_of(cp.snapshot()) == before


@pytest.fixture(scope="module")
def doc_clock(request: pytest.FixtureRequest) -> Any:
    """One tenant for the whole table (each case checks it changed nothing), on the document's clock."""
    from conftest import Emu  # tests/conftest.py (tests/ is on sys.path)
    emu = Emu(("cpaas",), DOC_CLOCK)
    request.addfinalizer(emu.close)
    return CP(emu)


GOOD = [("POST", "click2call", C2C), ("POST", "callback", CALLBACK), ("POST", "outbound_call", OTP),
        ("POST", "create_campaign", CAMPAIGN), ("POST", "get_cdr_by_date", CDR_DATES),
        *{(r[0], r[1], repr(r[2])): (r[0], r[1], r[2]) for r in RULES
          if r[1] not in ("click2call", "callback", "outbound_call", "create_campaign", "get_cdr_by_date")}.values()]


@pytest.mark.parametrize("method,op,good", GOOD, ids=[f"{m} {op}" for m, op, _ in GOOD])
def test_the_good_requests_of_the_table_are_accepted(doc: CP, method: str, op: str, good: dict[str, Any]) -> None:
    """(So every refusal above is the broken field's doing.)"""
    body = dict(good)
    if op == "modify_call":  # needs a live channel
        doc.ok("POST", "click2call", C2C)
        body["channel"] = doc.live_calls()[0]["channels"][0]["channel"]
    doc.ok(method, op, body)


# -- what Flask refuses before a view runs ------------------------------------------------------
def test_werkzeugs_pages_for_what_flask_refuses(cp: CP) -> None:
    headers = cp.headers()
    r = cp.http.post("/api/click2call", headers=headers, data={"agent_number": "919979275555"})
    assert r.status_code == 415 and r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.text == ("<!doctype html>\n<html lang=en>\n<title>415 Unsupported Media Type</title>\n"
                      "<h1>Unsupported Media Type</h1>\n<p>Did not attempt to load JSON data because the request "
                      "Content-Type was not &#39;application/json&#39;.</p>\n")
    r = cp.http.post("/api/click2call", headers={**headers, "content-type": "application/json"}, content=b"")
    assert r.status_code == 400 and ("<p>Failed to decode JSON object: Expecting value: line 1 column 1 "
                                     "(char 0)</p>") in r.text
    r = cp.http.post("/api/click2call", headers={**headers, "content-type": "application/json"}, content=b"[1, 2]")
    assert r.status_code == 400 and "<h1>Bad Request</h1>" in r.text
    r = cp.http.get("/api/click3call", headers=headers)
    assert r.status_code == 404 and "<title>404 Not Found</title>" in r.text
    r = cp.http.get("/api/click2call", headers=headers)
    assert (r.status_code, r.headers["allow"]) == (405, "POST") and "<title>405 Method Not Allowed</title>" in r.text
    r = cp.http.put("/api/callback", headers=headers, json={})
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) == {"POST", "PATCH", "DELETE"}
    r = cp.http.post("/api/click2call", headers={**headers, "content-type": "application/json"},
                     content=b'{"a": "' + b"x" * (5 * 1024 * 1024) + b'"}')
    assert r.status_code == 413 and "<title>413 Request Entity Too Large</title>" in r.text
    # a GET reads no body: whatever is sent along is ignored
    r = cp.http.request("GET", "/api/get_cdr_statistics", headers=headers, content=b"not json")
    assert r.status_code == 200
