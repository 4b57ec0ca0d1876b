"""What the pipeline keeps between requests (a templated path's route, a short flat JSON body's
parse, validated parameters by the request's bytes) never changes an answer: over HTTP, the same
bytes read another way, another path or a refused body get their own answer every time."""

from __future__ import annotations

import json
from typing import Any

DAKTELA_TOKEN = "1234567890123456789012345678901234567890"
RECORDS = f"/api/4.1/GetRecords/json?access_token={DAKTELA_TOKEN}"
CDR_DAY = {"start_call_date": "2023-07-07", "end_call_date": "2023-07-07", "record_count": "5", "offset": "0"}


def test_the_same_body_bytes_are_read_by_their_content_type(emu_factory: Any) -> None:
    """``{"take": "1"}`` is one field ``take`` as JSON, and one odd field name (no ``take``:
    the default page) as a form; kept parameters must not carry one reading to the other."""
    client = emu_factory("daktela").client("daktela")
    body = json.dumps({"take": "1"}).encode()

    def rows(ctype: str) -> int:
        r = client.post(RECORDS, content=body, headers={"content-type": ctype})
        assert r.status_code == 200 and r.json()["status"] == 1, r.text
        return len(r.json()["result"]["data"])

    as_json, as_form = rows("application/json"), rows("application/x-www-form-urlencoded")
    assert as_json == 1 and as_form > 1
    assert [rows("application/json"), rows("application/x-www-form-urlencoded")] == [as_json, as_form]


def test_a_templated_path_is_routed_by_its_own_segments(emu_factory: Any) -> None:
    """Daktela's ``/api/{version}/{action}/{format}``: json, xml, json again, and an unknown
    action between them, each answered as its own path says."""
    client = emu_factory("daktela").client("daktela")
    query = {"access_token": DAKTELA_TOKEN, "take": "1"}
    first = client.get("/api/4.1/GetRecords/json", params=query)
    xml = client.get("/api/4.1/GetRecords/xml", params=query)
    unknown = client.get("/api/4.1/NoSuchAction/json", params=query)
    again = client.get("/api/4.1/GetRecords/json", params=query)
    assert first.json()["status"] == 1 and first.content == again.content
    assert xml.status_code == 200 and xml.content.lstrip().startswith(b"<")
    assert unknown.json()["status"] == 0


def test_a_refused_json_body_is_refused_every_time(emu_factory: Any) -> None:
    """A lone surrogate (only a ``\\u`` escape can carry one) is refused on each request with
    the same bytes; a good body between, and a surrogate pair, are answered."""
    emu = emu_factory("cpaas")
    http = emu.client("cpaas")
    creds = http.get("/_emulator/tenants/default").json()["credentials"]
    headers = {"account": "account_1", "auth": creds["account_1"], "content-type": "application/json"}

    def post(raw: bytes) -> Any:
        return http.post("/api/get_cdr_by_date", content=raw, headers=headers)

    lone = json.dumps(CDR_DAY)[:-1].encode() + b', "note": "\\ud800"}'
    pair = json.dumps(CDR_DAY)[:-1].encode() + b', "note": "\\ud83d\\ude00 \\u00e9"}'
    good = json.dumps(CDR_DAY).encode()
    answers = [post(raw) for raw in (lone, good, lone, pair, good, lone)]
    for r in answers[0], answers[2], answers[5]:
        assert r.status_code == 400 and "success" not in r.text, r.text  # Werkzeug's page, as Flask
    assert answers[0].content == answers[2].content == answers[5].content
    for r in answers[1], answers[3], answers[4]:
        assert r.status_code in (200, 404), r.text
        assert r.json()["response"]["success"] in ("true", "false")
    assert answers[1].content == answers[4].content
