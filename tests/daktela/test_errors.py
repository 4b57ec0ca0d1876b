"""The documented errors, each from real state (and gone when the state is), the way requests
find the tenant and the operation (tokens, versions, variants, formats, unknown actions), and
our own refusals in the doc's voice. A refused request changes nothing."""

from __future__ import annotations

from typing import Any

from .conftest import Dak
from .helpers import TOKEN, TOKEN_41, T

LOGOUT_QUEUE_ERROR = ('{"error":"Nelze se odhlasit z fronty\\/kampan\\u011b, ve kter\\u00e9 prob\\u00edh\\u00e1 hovor '
                      's \\u010d\\u00edslem %s","status":0}')
NOT_IN_OUT_QUEUE = ('{"error":"Agent nen\\u00ed p\\u0159ihl\\u00e1\\u0161en do odchoz\\u00ed kampan\\u011b\\/fronty",'
                    '"status":0}')


def world(dak: Dak) -> dict[str, Any]:
    snap = dak.tenant.snapshot()
    for volatile in ("requests", "limiter"):
        snap.pop(volatile)
    return snap


def test_queue_logout_during_a_call_names_the_callers_number_and_changes_nothing(dak: Dak) -> None:
    dak.ok("Hangup", "3.1", user="michalhajek")
    dak.advance(20)  # wrap-up of queue 5000
    dak.inject("777123456", "222500101")  # queue 5000: rings michalhajek, who answers after 4 s
    dak.advance(5)
    before = world(dak)
    r = dak.call("LogoutQueue", "3.0", user="michalhajek", queue="5000")
    assert r.status_code == 200 and r.text == LOGOUT_QUEUE_ERROR % "777123456"
    assert world(dak) == before
    assert dak.ok("RTStatsSessions", "3.5", users=["5"])["5"]["queues"] == ["4"]  # still logged in
    dak.ok("LogoutQueue", "3.0", user="michalhajek", queue="5001")  # another queue is fine
    dak.ok("Hangup", "3.1", user="michalhajek")
    assert dak.call("LogoutQueue", "3.0", user="michalhajek", queue="5000").text == '{"error":null,"status":1}'
    assert dak.ok("RTStatsSessions", "3.5", users=["5"])["5"]["queues"] == []


def test_queue_logout_during_an_outgoing_call_names_the_called_number(dak: Dak) -> None:
    # hajekhu's call through the outgoing queue 1006 (the default world's) is to 468008585
    assert dak.call("LogoutQueue", "3.0", user="hajekhu", queue="1006").text == LOGOUT_QUEUE_ERROR % "468008585"


def test_create_call_needs_a_login_into_an_outgoing_queue(dak: Dak) -> None:
    dak.ok("Hangup", "3.1", user="michalhajek")
    dak.advance(20)
    before = world(dak)
    r = dak.call("CreateCall", "3.1", user="michalhajek", number="800123456", autoanswer="yes")
    assert r.text == NOT_IN_OUT_QUEUE and world(dak) == before
    dak.ok("LoginQueue", "3.0", user="michalhajek", queue="1006")
    r = dak.call("CreateCall", "3.1", user="michalhajek", number="800123456", autoanswer="yes")
    body = r.json()
    assert list(body) == ["error", "status", "result"] and body["result"]["id_call"].endswith("SJ")
    call = dak.tenant.calls[body["result"]["id_call"]]
    assert call.tags["queue"] == "6" and call.legs[0].answered_at is not None  # auto answer
    dak.ok("Hangup", "3.1", user="michalhajek")
    dak.advance(1)
    dak.ok("LogoutQueue", "3.0", user="michalhajek", queue="1006")
    assert dak.call("CreateCall", "3.1", user="michalhajek", number="800123456").text == NOT_IN_OUT_QUEUE


def test_pause_on_an_unknown_pause_and_then_a_real_one(dak: Dak) -> None:
    dak.ok("Hangup", "3.1", user="michalhajek")
    before = world(dak)
    assert dak.call("PauseOn", "3.1", user="michalhajek", pause="100").text == \
        '{"error":"Tato pauza nebyla nalezena","status":0}'
    assert world(dak) == before
    dak.ok("PauseOn", "3.1", user="michalhajek", pause="7")
    assert dak.ok("RTStatsPauses", "3.5")["7"] == {"id": "7", "count": "1", "users": ["5"]}
    dak.ok("CreatePause", "3.3", name="Nova", type="normal", billable="no")
    assert dak.ok("GetPauses", "3.3")["10"]["title"] == "Nova"
    dak.ok("PauseOn", "3.1", user="michalhajek", pause="10")  # a pause made through the API
    assert "5" in dak.ok("RTStatsPauses", "3.5")["10"]["users"] and "7" not in dak.ok("RTStatsPauses", "3.5")


def test_pause_on_while_talking_needs_force(dak: Dak) -> None:
    assert dak.error("PauseOn", "3.1", user="michalhajek", pause="7") == "Agent právě vyzvání nebo telefonuje"
    dak.ok("PauseOn", "3.1", user="michalhajek", pause="7", force="yes")
    assert dak.ok("RTUserState", "3.9", user="michalhajek")["id_pause"] == "7"


def test_a_wrong_or_missing_token_is_uzivatel_neexistuje_in_raw_utf8(dak: Dak) -> None:
    for token in ("f" * 40, ""):
        r = dak.call("GetUser", "4.0", token=token)
        assert r.status_code == 200
        assert r.content == '{"error":"Uživatel neexistuje","status":0}'.encode()
    assert dak.call("GetUser", "4.0", token=TOKEN_41).text == '{"status":1,"error":null,"result":""}'
    r = dak.client.get("/api/4.0/GetUser/json", cookies={"access_token": TOKEN})
    assert r.json() == {"status": 1, "error": None, "result": ""}
    r = dak.client.post("/api/4.0/GetUser/json", data={"access_token": TOKEN})
    assert r.json()["status"] == 1


def test_unknown_user_queue_and_extension(dak: Dak) -> None:
    assert dak.error("LoginQueue", "3.0", user="nobody", queue="5001") == "Uživatel neexistuje"
    assert dak.error("LoginQueue", "3.0", user="michalhajek", queue="9") == "Fronta neexistuje"
    assert dak.error("PauseOff", "3.0", extension="555") == "Klapka neexistuje"
    assert dak.call("LoginQueue", "3.0", user="nobody", queue="5001").content == \
        '{"error":"Uživatel neexistuje","status":0}'.encode()


def test_actions_exist_from_their_requirement_version(dak: Dak) -> None:
    old = "Tato akce nen\\u00ed v t\\u00e9to verzi API dostupn\\u00e1"
    for version in ("3.0", "4.0", "5.0", "abc"):
        assert dak.call("GetAttempts", version, datetime_from="2015-08-14 00:00:00",
                        datetime_to="2015-10-31 00:00:00").text == '{"error":"%s","status":0}' % old
    assert dak.call("RTUserState", "3.8", user="demouser").json()["status"] == 0
    v39 = dak.ok("RTUserState", "3.9", user="demouser")
    v40 = dak.ok("RTUserState", "4.0", user="demouser")
    assert "hash" not in v39 and list(v40)[-2:] == ["login_oqueues", "hash"]
    v30, v33 = dak.ok("GetPauses", "3.2"), dak.ok("GetPauses", "3.3")
    assert "pcode_id" in v30["3"] and "pause" in v33["3"]


def test_two_variant_actions_follow_their_parameters(dak: Dak) -> None:
    cc = dak.ok("Monitoring", "3.0", user="hajekhu", listener="200", mode="spy")  # the doc's own call
    assert cc["calling_queue"] == "1006" and cc["calling_number"] == "468008585"
    assert dak.call("Monitoring", "3.0", exten="100", listener="200", mode="whisper").text == \
        '{"error":null,"status":1}'
    r = dak.call("CreateCall", "3.0", extension="300", number="800123456")
    assert list(r.json()) == ["error", "status", "result"] and r.json()["result"]["id_call"].endswith("SJ")


def test_unknown_actions(dak: Dak) -> None:
    unknown = '{"error":"Nezn\\u00e1m\\u00e1 akce","status":0}'
    for action in ("Nope", "SendSms", "sendsms", "TicketClose", "Export"):
        r = dak.call(action, "4.1", number="123")
        assert r.status_code == 200 and r.text == unknown
    assert dak.client.get("/").text == unknown


def test_formats_methods_and_paths(dak: Dak) -> None:
    assert dak.error("GetQueues", "3.0", fmt="csv") == "Neplatná hodnota parametru format"
    r = dak.client.get(f"/api/3.0/GetQueues/3/xml?access_token={TOKEN}")
    assert r.headers["content-type"] == "application/xml; charset=utf-8" and b"<name>1002</name>" in r.content
    r = dak.client.get(f"http://testserver//api/3.0/GetQueues/3/json?access_token={TOKEN}")  # base URL ends in /
    assert r.json()["result"]["name"] == "1002"
    r = dak.client.put(f"/api/3.0/GetQueues/json?access_token={TOKEN}")
    assert r.status_code == 405 and r.json() == {"error": "Nepodporovaná metoda HTTP", "status": 0}
    assert r.headers["allow"] == "GET, HEAD, POST"
    r = dak.client.get(f"/api/3.0/GetQueues/3/xml?access_token={'f' * 40}")
    assert r.text.startswith('<?xml') and '<error>Uživatel neexistuje</error><status>0</status>' in r.text


def test_missing_and_invalid_parameters_name_the_parameter(dak: Dak) -> None:
    assert dak.error("LoginQueue", "3.0", user="michalhajek") == "Chybí povinný parametr queue"
    assert dak.error("LoginQueue", "3.0", user="michalhajek", queue="5001", priority="7") == \
        "Neplatná hodnota parametru priority"
    assert dak.error("PauseOff", "3.0") == "Chybí povinný parametr user"
    assert dak.error("Hangup", "3.0") == "Chybí povinný parametr user"
    assert dak.error("StatsCalls", "4.1", datetime_from="2014-08-14", datetime_to="2014-08-31 00:00:00") == \
        "Neplatná hodnota parametru datetime_from"
    assert dak.call("LoginQueue", "3.0", user="michalhajek").text == \
        '{"error":"Chyb\\u00ed povinn\\u00fd parametr queue","status":0}'


def test_more_than_a_thousand_rows_is_an_error(dak: Dak) -> None:
    window = {"datetime_from": "2000-01-01 00:00:00", "datetime_to": "2030-01-01 00:00:00"}
    for action in ("GetAttempts", "StatsCalls"):
        assert dak.error(action, "4.1", take="1001", **window) == "Maximální počet vrácených záznamů je 1000"
        result = dak.ok(action, "4.1", take="1000", **window)
        assert len(result["data"]) <= 1000 and int(result["total"]) >= len(result["data"])


def test_php_arrays_in_the_query_and_the_body(dak: Dak) -> None:
    query = {"users[0]": "3", "users[1]": "1"}
    by_index = dak.ok("RTStatsQueuesSummary", "3.5", **query)
    r = dak.client.post(f"/api/3.5/RTStatsQueuesSummary/json?access_token={TOKEN}", data={"users[]": ["3", "1"]})
    assert r.json()["result"] == by_index
    assert by_index["users_total"] == 2  # hajekhu and admin, both logged into queue 1006


def test_answer_without_a_ringing_call(dak: Dak) -> None:
    assert dak.error("Answer", "3.7", user="admin") == "Agentovi nezvoní žádný hovor"
    assert dak.ok("Answer", "3.7", user="hajek")["calling_queue_name"] == "Support"
    assert dak.error("Answer", "3.7", user="hajek") == "Agentovi nezvoní žádný hovor"


def test_control_plane_tenants_get_their_own_token(dak: Dak) -> None:
    made = dak.client.post(T, json={}).json()
    token = made["credentials"]["access_token"]
    assert len(token) == 40 and token != TOKEN and "alt_access_token" not in made["credentials"]
    assert dak.call("GetUser", "4.0", token=token).json()["status"] == 1
