"""Every documented example of cpaas.txt, sent as the document writes it (its masked digits
filled with 5s), answered in the documented shape: same keys in the same order, same types,
the exact strings, the spaced form for writes and the compact one (with Flask's final newline)
for reads. Examples the seeded world holds (CDR 328, campaign CM39139118b8, ...) come back
byte for byte."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .conftest import CP

HEX = "[0-9a-f]{10}"


def filled(text: str) -> str:
    return text.replace("XXXXXX", "555555").replace("XXXX", "5555")


# (method, path, body, documented answer with its generated ids replaced by patterns)
WRITES: list[tuple[str, str, dict[str, Any], str]] = [
    ("POST", "/api/click2call",
     {"agent_number": "919979275555", "caller_id": "15168148111", "destination_number": "918000685555",
      "recording_option": "on", "transcript": "on"},
     '{"response": {"request_id": "HEX","success": "true"}}'),
    ("POST", "/api/callback",
     {"agent_number": "919979275555", "caller_id": "15168148111", "destination_number": "918000685555",
      "recording_option": "off", "time_zone": "Asia/Kolkata", "scheduled_at": "2023-08-15 12:55:00"},
     '{"response": {"request_id": "HEX","success": "true"}}'),
    ("PATCH", "/api/callback",
     {"request_id": "fd5ff6e021", "agent_number": "919979275555", "caller_id": "15168148111",
      "destination_number": "918000685555", "recording_option": "on", "scheduled_at": "2023-08-16 09:00:02"},
     '{"response": {"message": "callback data modified successfully","request_id": "fd5ff6e021","success": "true"}}'),
    ("DELETE", "/api/callback", {"request_id": "fd5ff6e021"},
     '{"response": {"message": "callback request deleted successfully","request_id": "fd5ff6e021","success": "true"}}'),
    ("POST", "/api/outbound_call",
     {"customer_number": "919979275555", "otp": "1987", "announce_template_id": "AN2222314c96", "repeat": "1",
      "caller_id": "15168148111", "voice": "Raveena", "volume": "soft", "rate": "slow", "pitch": "medium",
      "language_code": "en-US", "tts_engine_type": "standard"},
     '{"response": {"request_id": "HEX","success": "true"}}'),  # the document's lacks its last "}"
    ("POST", "/api/create_campaign_list", {"list_name": "my_campaign_list"},
     '{"response": {"list_id": "LSHEX","success": "true"}}'),
    ("POST", "/api/add_contact_to_list",
     {"list_id": "LSaa8f9db7e6", "contacts": [
         {"contact_name": "ankit", "contact_number": "919979275555",
          "contact_fields": {"field1": "Ankit", "field2": "Jayswal", "field3": "500"}},
         {"contact_name": "abc", "contact_number": "918000685555",
          "contact_fields": {"field1": "abc", "field2": "xyz", "field3": "100"}}]},
     '{"response": {"message": "(2) contacts imported successfully","success": "true"}}'),
    ("POST", "/api/import_broadcast_contacts_csv",
     {"list_id": "LS608c393614", "csv_name": "contacts_dynamic_announcement.csv"},
     '{"response": {"message": "(2) contacts imported successfully","success": "true"}}'),
    ("POST", "/api/create_campaign_dnd_list", {"dnd_list_name": "my_first_DND_list"},
     '{"response": {"dnd_list_id": "DNHEX","success": "true"}}'),
    ("POST", "/api/add_dnd_contact_to_list",
     {"dnd_list_id": "DN95716be314", "dnd_contacts": [
         {"dnd_contact_name": "ankit", "dnd_contact_number": "919979275555"},
         {"dnd_contact_name": "abc", "dnd_contact_number": "918000685555"}]},
     '{"response": {"message": "(2) DND contacts imported successfully","success": "true"}}'),
    ("POST", "/api/import_dnd_contacts_csv", {"dnd_list_id": "DNd2b09f8f80", "dnd_csv_name": "dnd_contacts.csv"},
     '{"response": {"message": "(2) DND contacts imported successfully","success": "true"}}'),
    ("POST", "/api/create_campaign",
     {"list_id": "LS608c393614", "dnd_list_id": "DNd2b09f8f80", "campaign_name": "test_broadcast_campaign_test_volume",
      "campaign_type": "0", "campaign_caller_id": "15168148111", "dynamic_announcement": "1", "recorded_filename": "",
      "announcement_text": "Dear, {field1} , {field2}, Your due balance is,, {field3},,INR only",
      "campaign_start_date": "2023-09-25 14:05:00", "campaign_end_date": "2023-09-26 20:00:00",
      "time_zone": "Asia/Kolkata", "repeat": "2", "max_retries": "1", "retry_time": "60", "calls_per_minute": "10",
      "voice": "Matthew", "volume": "soft", "rate": "slow", "pitch": "medium", "language_code": "en-US",
      "tts_engine_type": "standard"},
     '{"response": {"campaign_id": "CMHEX","success": "true"}}'),
    ("POST", "/api/create_campaign",  # option 2: a recorded announcement (its end moved past the clock)
     {"list_id": "LS5ac4d9833c", "dnd_list_id": "DN4746f26296", "campaign_name": "test_broadcast_campaign_new1",
      "campaign_type": "0", "campaign_caller_id": "15168148111", "dynamic_announcement": "0",
      "recorded_filename": "quality_training-8khz.wav", "announcement_text": "",
      "campaign_start_date": "2023-07-17 09:00:00", "campaign_end_date": "2023-07-28 20:00:00",
      "time_zone": "Asia/Kolkata", "repeat": "3", "max_retries": "1", "retry_time": "60", "calls_per_minute": "10"},
     '{"response": {"campaign_id": "CMHEX","success": "true"}}'),
    ("POST", "/api/create_campaign",  # type 1, its start date's missing space restored
     {"list_id": "LS18ac9f0cb0", "dnd_list_id": "DNbc4f9d9b5f", "campaign_name": "campaign_type_new_one_new1",
      "campaign_type": "1", "campaign_caller_id": "15168148111", "dynamic_announcement": "1", "recorded_filename": "",
      "announcement_text": "abc", "campaign_start_date": "2023-12-18 10:00:00",
      "campaign_end_date": "2023-12-18 20:00:00", "time_zone": "Asia/Kolkata", "repeat": "1", "max_retries": "1",
      "retry_time": "60", "calls_per_minute": "10"},
     '{"response": {"campaign_id": "CMHEX","success": "true"}}'),
    ("POST", "/api/stop_campaign", {"campaign_id": "CM7b1b0f4c2f"},
     '{"response": {"message": " campaign stopped successfully","success": "true"}}'),
    ("POST", "/stop_campaign", {"campaign_id": "CM7b1b0f4c2f"},  # the URL line's path
     '{"response": {"message": " campaign stopped successfully","success": "true"}}'),
]


def _pattern(documented: str) -> re.Pattern[str]:
    return re.compile(re.escape(documented).replace("HEX", HEX))


@pytest.mark.parametrize("method,path,body,documented", WRITES, ids=[f"{m} {p}" for m, p, _, _ in WRITES])
def test_every_write_example_answers_in_the_documented_spaced_form(doc: CP, method: str, path: str,
                                                                   body: dict[str, Any], documented: str) -> None:
    r = doc.http.request(method, path, headers=doc.headers(), json=body)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert _pattern(documented).fullmatch(r.text), r.text


def test_the_generated_ids_have_the_documented_prefixes_and_never_repeat(doc: CP) -> None:
    seen = set()
    for n in range(5):
        seen.add(doc.ok("POST", "create_campaign_list", {"list_name": f"list {n}"})["list_id"])
        seen.add(doc.ok("POST", "create_campaign_dnd_list", {"dnd_list_name": f"dnd {n}"})["dnd_list_id"])
        seen.add(doc.ok("POST", "click2call", WRITES[0][2])["request_id"])
    assert len(seen) == 15
    assert all(re.fullmatch(f"(LS|DN)?{HEX}", i) for i in seen)


# -- reads: the seeded world answers exactly as the document shows -------------------------------
CDR_328 = ('{"response":{"message":"cdr found","result":[{"account_id":"ACvjfnvjnfs","agent_number":"91800068XXXX",'
           '"answer":"Tue, 04 Jul 2023 05:31:42 GMT","billsec":8.55722,"call_date":"Tue, 04 Jul 2023 05:31:51 GMT",'
           '"call_direction":"outbound-api","call_duration":15.1364,"call_status":"ANSWERED","caller_id":"15168148111",'
           '"customer_number":"91997927XXXX","destination_context":"click2call","dial_status":"ANSWER",'
           '"dialed_number":"91997927XXXX","dtmf_inputs":"","end":"Tue, 04 Jul 2023 05:31:51 GMT","id":328,'
           '"recording_name":"","request_id":"91da7c083f","uniqueid":"1688448695.804"}],"success":"true"}}')
CDR_352 = ('{"account_id":"ACvjfnvjnfs","agent_number":"","answer":"Fri, 07 Jul 2023 06:08:09 GMT","billsec":7.26955,'
           '"call_date":"Fri, 07 Jul 2023 06:08:16 GMT","call_direction":"outbound-api","call_duration":17.0311,'
           '"call_status":"ANSWERED","caller_id":"15168148111","customer_number":"91997927XXXX",'
           '"destination_context":"local_call","dial_status":"ANSWER","dialed_number":"91997927XXXX","dtmf_inputs":"",'
           '"end":"Fri, 07 Jul 2023 06:08:16 GMT","id":352,"recording_name":"","request_id":"b5e66bf36f",'
           '"uniqueid":"1688710079.868"}')
CAMPAIGN_CDRS = ('{"response":{"message":"cdr found","result":[{"account_id":"ACvjfnvjnfs","agent_number":"",'
                 '"answer":"Thu, 01 Jan 1970 00:00:00 GMT","billsec":null,"call_date":"Tue, 18 Jul 2023 06:11:10 GMT",'
                 '"call_direction":"outbound-campaign","call_duration":null,"call_status":null,"caller_id":"15168148720",'
                 '"customer_number":"","destination_context":"local_call_campaign_type_0","dial_status":"DND",'
                 '"dialed_number":"91800068XXXX","dtmf_inputs":"","end":"Thu, 01 Jan 1970 00:00:00 GMT","id":444,'
                 '"is_dnd":"1","list_id":"LS50f6ec70b7","recording_name":"","request_id":"","uniqueid":""},'
                 '{"account_id":"ACvjfnvjnfs","agent_number":"","answer":"Tue, 18 Jul 2023 06:11:19 GMT",'
                 '"billsec":11.2202,"call_date":"Tue, 18 Jul 2023 06:11:30 GMT","call_direction":"outbound-campaign",'
                 '"call_duration":19.8233,'
                 '"call_status":"ANSWERED","caller_id":"15168148720","customer_number":"",'
                 '"destination_context":"local_call_campaign_type_0","dial_status":"ANSWER","dialed_number":"91997927XXXX",'
                 '"dtmf_inputs":"","end":"Tue, 18 Jul 2023 06:11:30 GMT","id":445,"is_dnd":"0",'
                 '"list_id":"LS50f6ec70b7",'
                 '"recording_name":"","request_id":"","uniqueid":"1689660670.1179"}],"success":"true"}}')
CAMPAIGN_STATISTICS = ('{"response":{"result":{"answer_calls":[5],"busy_calls":[0],"cancel_calls":[0],'
                       '"chanunavail_calls":[0],"congestion_calls":[0],"dnd_calls":[4],"noanswer_calls":[0],"total_calls":[9]},"success":"true"}}')
LIVE_STATISTICS = ('{"response":{"result":{"live_calls_c2c":0,"live_calls_campaign":0,"live_calls_inbound":0,'
                   '"live_calls_otp":0},"success":"true"}}')
CAMPAIGN_DETAILS_ROW = ('{"calls_per_minute":"10","campaign_caller_id":"15168148111",'
                        '"campaign_end_date":"Wed, 12 Jul 2023 20:00:00 GMT","campaign_id":"CMf32a68bc63",'
                        '"campaign_name":"test_broadcast_campaign_max",'
                        '"campaign_start_date":"Tue, 11 Jul 2023 09:00:00 GMT","campaign_status":"3",'
                        '"campaign_type":"0","max_retries":"1","repeat_announcement_count":"3","retry_time":"60"}')
CDR_STATISTICS = ('{"response":{"result":{"answer_calls":[248],"busy_calls":[0],"cancel_calls":[13],'
                  '"chanunavail_calls":[35],"congestion_calls":[0],"noanswer_calls":[13],"total_calls":[434]},"success":"true"}}')


def test_cdr_by_request_id_is_the_documents_byte_for_byte(doc: CP) -> None:
    r = doc.post("get_cdr_by_request_id", {"request_id": "91da7c083f"})
    assert r.status_code == 200 and r.text == filled(CDR_328) + "\n"


def test_cdr_by_campaign_id_is_the_documents_byte_for_byte(doc: CP) -> None:
    r = doc.post("get_cdr_by_campaign_id", {"campaign_id": "CM39139118b8"})
    assert r.text == filled(CAMPAIGN_CDRS) + "\n"


def test_campaign_statistics_are_the_documents_and_add_up(doc: CP) -> None:
    r = doc.post("get_campaign_cdr_statistics", {"campaign_id": "CM7b1b0f4c2f"})
    assert r.text == CAMPAIGN_STATISTICS + "\n"
    rows = doc.ok("POST", "get_cdr_by_campaign_id", {"campaign_id": "CM7b1b0f4c2f"})["result"]
    assert [row["dial_status"] for row in rows].count("ANSWER") == 5 and len(rows) == 9
    assert sorted(row["id"] for row in rows) == [row["id"] for row in rows] == list(range(446, 455))


def test_live_statistics_of_a_quiet_server_are_the_documents(doc: CP) -> None:
    assert doc.get("get_live_call_statistics").text == LIVE_STATISTICS + "\n"


def test_campaign_details_list_the_documents_campaign_first(doc: CP) -> None:
    r = doc.get("get_campaign_details")
    body = r.json()["response"]
    assert r.text.startswith('{"response":{"message":"campaign found","result":[' + CAMPAIGN_DETAILS_ROW)
    assert r.text.endswith('],"success":"true"}}\n') and body["message"] == "campaign found"


def test_cdr_by_date_answers_the_documented_request_in_the_documented_shape(doc: CP) -> None:
    r = doc.post("get_cdr_by_date", {"start_call_date": "2023-06-13", "end_call_date": "2023-06-17",
                                     "record_count": "5", "offset": "1"})
    documented = json.loads(CDR_352)
    rows = r.json()["response"]["result"]
    assert 1 <= len(rows) <= 5 and list(r.json()["response"]) == ["message", "result", "success"]
    for row in rows:
        assert list(row) == list(documented)
        assert {k: type(v) for k, v in row.items()} == {k: type(v) for k, v in documented.items()}
        assert row["call_date"][:16] in {f"{d}, {n} Jun 2023" for d, n in (("Tue", 13), ("Wed", 14), ("Thu", 15),
                                                                              ("Fri", 16), ("Sat", 17))}
    # the document's own row, on its own day
    own = doc.ok("POST", "get_cdr_by_date", {"start_call_date": "2023-07-07", "end_call_date": "2023-07-07"})
    assert filled(CDR_352) in [json.dumps(row, separators=(",", ":"), sort_keys=True) for row in own["result"]]


def test_cdr_statistics_have_the_documented_shape_and_count_the_cdrs(doc: CP) -> None:
    r = doc.get("get_cdr_statistics")
    documented = json.loads(CDR_STATISTICS)["response"]["result"]
    result = r.json()["response"]["result"]
    assert list(result) == list(documented) and r.text.endswith("\n") and '":[' in r.text
    assert all(isinstance(v, list) and len(v) == 1 and isinstance(v[0], int) for v in result.values())
    rows = doc.cdrs()
    assert result["total_calls"] == [len(rows)]
    assert result["answer_calls"] == [sum(row["dial_status"] == "ANSWER" for row in rows)]
    counted = sum(v[0] for k, v in result.items() if k != "total_calls")
    assert counted == len(rows) - sum(row["dial_status"] == "DND" for row in rows)  # DND: in the total only


def test_modify_call_answers_the_documented_bytes_on_a_live_channel(doc: CP) -> None:
    doc.ok("POST", "click2call", WRITES[0][2])
    doc.advance(20)  # the agent answered, the destination too: they talk
    channel = next(c["channel"] for call in doc.live_calls() for c in call["channels"] if c["role"] == "caller")
    r = doc.post("modify_call", {"channel": channel, "modify_type": "0", "transfer_to": "102"})
    assert r.text == '{"response":{"message":"blind transferred successfully","success":"true"}}\n'


# -- what the document's own typesetting breaks ---------------------------------------------------
def test_the_documents_broken_examples_are_refused_as_the_server_would(doc: CP) -> None:
    # Add Contacts to List, curl: the wrap artefacts "co ntact_fields" and "contact_numb er" are keys
    curl = ('{"list_id":"LSaa8f9db7e6","contacts":[{"contact_name":"ankit","contact_number":"919979275555","co '
            'ntact_fields":{"field1":"Ankit"}},{"contact_name":"abc","contact_numb er":"918000685555"}]}')
    r = doc.http.post("/api/add_contact_to_list", headers={**doc.headers(), "content-type": "application/json"},
                      content=curl)
    assert (r.status_code, r.json()["response"]["message"]) == (400, "contact_number is mandatory field")
    # Create Campaign, type 1: "campaign_start_date":"2023-12-1810:00:00"
    body = dict(WRITES[-3][2], campaign_start_date="2023-12-1810:00:00")
    assert doc.refused("POST", "create_campaign", body) == (
        400, "invalid campaign_start_date, date format should be YYYY-mm-dd hh:mm:ss")
    # Create Campaign, option 2: its window (2023-07-17 .. 18) is over by the document's other examples
    body = dict(WRITES[-4][2], campaign_end_date="2023-07-18 20:00:00")
    assert doc.refused("POST", "create_campaign", body) == (400, "invalid campaign_end_date, date should be in future")
    # Stop Campaign, body example: {"campaign_id":" CM7b1b0f4c2f "}
    assert doc.refused("POST", "stop_campaign", {"campaign_id": " CM7b1b0f4c2f "}) == (400, "invalid campaign_id")
    # Modify Live Call, curl: "channel":""
    assert doc.refused("POST", "modify_call", {"channel": "", "modify_type": "0", "transfer_to": "102"}) == (
        400, "channel is mandatory field")
