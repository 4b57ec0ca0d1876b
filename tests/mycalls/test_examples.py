"""Every documented MyCalls example, through HTTP: the documented body (made JSON: the doc prints
Python dicts) with its keys in the documented order and its value types.

Where a request is documented (the agent walkthrough) it is sent as written, with the masked
number's ``XXXX`` filled in; the other examples name no request, so the request is the one the
catalog infers from the example's own links (docs/FIDELITY.md).
"""

from __future__ import annotations

import json
from typing import Any

from .conftest import ANIL, APP, CALL_LOG_APP, KEY, MC, WALKTHROUGH_APP

APP_LIST = {"page": {
    "endIndex": 1,
    "last": "http://localhost/api/v1/app/list?apikey=89e801bcc21f430aa1ff6edb5421af31&pg=1",
    "first": "http://localhost/api/v1/app/list?apikey=89e801bcc21f430aa1ff6edb5421af31&pg=1",
    "startIndex": 1,
    "totalItems": 1,
    "cur": "http://localhost/api/v1/app/list?apikey=89e801bcc21f430aa1ff6edb5421af31",
    "totalPages": 1},
    "data": [{"guid": "4e11fe2082b044b4a3b55718c79c29d5", "number.virtual": "33047316",
              "number.physical": "33047316", "name": "test"}]}
GROUP_LIST = {"data": [{"name": "default", "display_name": "default"}]}
GROUP = {"sticky": False, "name": "default", "ringtime": 15, "recording": "enabled", "distribution": "RR",
         "sticky_days": 30}
AGENTS = {"maxPriority": 1, "agents": [{"type": "USER", "number": "971670XXXX", "priority": 1,
                                        "guid": "21c50d57625040419a7bef92ea4c6c6c", "name": "Anil Gupta"}]}
CALL_LOG = {"page": {
    "totalItems": 1,
    "last": "http://mycalls.sukamapps.com/api/v1/app/1a11fe2082b044b4a3b55718c79c29d5/calls?pg=1",
    "pageItems": 1,
    "pageNumber": 1,
    "cur": "http://mycalls.sukamapps.com/api/v1/app/1a11fe2082b044b4a3b55718c79c29d5/calls",
    "endIndex": 1,
    "startIndex": 1,
    "totalPages": 1,
    "first": "http://mycalls.sukamapps.com/api/v1/app/1a11fe2082b044b4a3b55718c79c29d5/calls?pg=1"},
    "data": [{
        "log": [{"desc": "TRANSFER SOON", "id": "TRANSFER_INIT"}],
        "hot": 0, "cli": "9716700271", "uid": "1498110438.13", "time": "2017-06-22T11:17:18+05:30",
        "active": False, "duration": "19",
        "transfer": [
            {"attemptId": "1498110438.13.2", "du": "3", "name": "Anil Gupta", "seq": "7",
             "time": "2017-06-22T11:17:36+05:30", "to": "971670XXXX", "group": "default",
             "disposition": "answered"},
            {"attemptId": "1498110438.13.1", "du": "0", "name": "Anil Gupta", "seq": "5",
             "time": "2017-06-22T11:17:20+05:30", "to": "971670XXXX", "group": "default",
             "disposition": "noanswer"}]}]}
RECORDING = {"url": "someurl/s.745726.wav"}
FILLED = "9716705555"
"""The walkthrough's 971670XXXX with its masked digits filled in."""


def shape(value: Any) -> Any:
    """Keys in order and value types, all the way down (a list: the shape of its first item)."""
    if isinstance(value, dict):
        return [(key, shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return ["list", shape(value[0]) if value else None]
    return type(value).__name__


def exact(r: Any, expected: Any) -> None:
    """The answer is ``expected`` as real JSON, byte for byte (Python's json.dumps form)."""
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.content == json.dumps(expected).encode(), r.text


def test_app_list_is_the_documented_body_with_links_that_echo_the_query_apikey(mc: MC) -> None:
    r = mc.http.get(f"http://localhost/api/v1/app/list?apikey={KEY}")
    exact(r, APP_LIST)


def test_group_list_group_and_group_agents_are_the_documented_bodies(mc: MC) -> None:
    exact(mc.get(f"/api/v1/app/{APP}/ag/list"), GROUP_LIST)
    exact(mc.get(f"/api/v1/app/{APP}/ag"), GROUP_LIST)  # the catalog's other candidate path
    exact(mc.get(f"/api/v1/app/{APP}/ag/default"), GROUP)
    exact(mc.get(f"/api/v1/app/{APP}/ag/default/agents"), AGENTS)
    exact(mc.get(f"/api/v1/app/{APP}/ag/default/list"), AGENTS)


def test_group_write_answers_the_documented_group(mc: MC) -> None:
    exact(mc.post(f"/api/v1/app/{APP}/ag/default"), GROUP)  # nothing to change
    exact(mc.post(f"/api/v1/app/{APP}/ag/default", sticky="false", ringtime="15", recording="enabled",
                  distribution="RR", sticky_days="30"), GROUP)
    exact(mc.post(f"/api/v1/app/{APP}/ag/default/update", ringtime="15"), GROUP)


def test_the_agent_walkthrough_as_documented(mc: MC) -> None:
    """Check, verify with the key received, add to group default, remove (mycalls.txt's four
    requests, at the walkthrough's own app URL)."""
    base = f"/api/v1/app/{WALKTHROUGH_APP}"
    exact(mc.post(f"{base}/verifyagent", number=FILLED, method="sms"), {"verification": "pending"})
    exact(mc.post(f"{base}/verifyagent", number=FILLED, key="0805"), {"verification": "passed"})
    exact(mc.post(f"{base}/ag/default/addAgent", number=FILLED, name="testagent"), {"result": "success"})
    exact(mc.post(f"{base}/ag/default/remAgent", number=FILLED), {"result": "success"})


def test_call_log_has_the_documented_page_object_and_call_shape(mc: MC) -> None:
    url = f"http://mycalls.sukamapps.com/api/v1/app/{CALL_LOG_APP}/calls"
    r = mc.http.get(url, headers={"X-APIKey": KEY})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert shape(body) == shape(CALL_LOG)
    page = body["page"]
    assert page["cur"] == CALL_LOG["page"]["cur"] and page["first"] == CALL_LOG["page"]["first"]
    assert page["last"] == f"{url}?pg={page['totalPages']}"
    assert (page["pageNumber"], page["startIndex"], page["endIndex"], page["pageItems"]) == (1, 1, 100, 100)


def test_the_documented_call_is_the_oldest_in_the_log(mc: MC) -> None:
    """The example's call is seeded: the last entry of the last page, as documented but for its
    ``duration``, which the doc gives 2 s shorter than its own answered attempt (docs/FIDELITY.md)."""
    url = f"http://mycalls.sukamapps.com/api/v1/app/{CALL_LOG_APP}/calls"
    last = mc.http.get(url, params={"pg": 999}, headers={"X-APIKey": KEY}).json()["data"][-1]
    assert last == {**CALL_LOG["data"][0], "duration": "21"}
    assert list(last) == list(CALL_LOG["data"][0])
    assert [list(t) for t in last["transfer"]] == [list(t) for t in CALL_LOG["data"][0]["transfer"]]


def test_recording_answers_a_url(mc: MC) -> None:
    r = mc.get(f"/api/v1/app/{APP}/calls/1498110438.13/recording")
    assert r.status_code == 200
    assert shape(r.json()) == shape(RECORDING)
    assert r.json()["url"] == "http://testserver/recordings/s.1498110438.13.wav"
    mc.settings({"mycalls": {"recording_url": "https://rec.example.com/mycalls"}})
    r = mc.get(f"/api/v1/app/{CALL_LOG_APP}/calls/1498110438.13/recording")
    assert r.json() == {"url": "https://rec.example.com/mycalls/s.1498110438.13.wav"}


def test_account_list_has_the_app_list_page_object(mc: MC) -> None:
    body = mc.ok("GET", "/api/v1/acc/list", via="query")
    assert [key for key, _ in shape(body["page"])] == list(APP_LIST["page"])
    assert body["page"]["totalItems"] == 1 and body["page"]["cur"].endswith(f"/api/v1/acc/list?apikey={KEY}")
    assert shape(body["data"][0]) == [("guid", "str"), ("name", "str")]
    assert len(body["data"][0]["guid"]) == 32


def test_seeded_agent_is_the_documented_one(mc: MC) -> None:
    agents = mc.ok("GET", f"/api/v1/app/{APP}/ag/default/agents")["agents"]
    assert [a["number"] for a in agents] == [ANIL]
