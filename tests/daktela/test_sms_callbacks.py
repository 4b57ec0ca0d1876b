"""SMS callbacks at a real local receiver: SetSMSSettings' outgoing_callback at the send and at the
delivery report, incoming_callback for a message injected through the control plane (the doc's
unencoded URL with its $placeholders), e-mail notifications journalled, and the control route's
refusals."""

from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import quote

import pytest

from .conftest import Dak
from .helpers import TOKEN, T
from .receiver import Crm
from support.harness import wait_until


@pytest.fixture
def crm() -> Iterator[Crm]:
    crm = Crm()
    yield crm
    crm.close()


def journal(dak: Dak, event: str) -> list[Any]:
    return [d for d in dak.tenant.outbox.deliveries if d.event == event]


def test_outgoing_callback_at_the_send_and_at_the_report(dak: Dak, crm: Crm) -> None:
    template = crm.url("/out") + "?sms=$id&to=$number"
    dak.ok("SetSMSSettings", "3.1", outgoing_callback=template, outgoing_email="noc@example.cz")
    sent = dak.ok("SendSMS", "3.1", number="603111222", message="Ahoj", confirmation="yes", accountcode="A7",
                  email="ja@example.cz", gw="1", slot="1", port="1")
    dak.advance(3)
    wait_until(lambda: crm.got("/out"), what="the callback of the send")
    first = crm.got("/out")[0]
    assert first["method"] == "GET"
    query = first["query"]
    assert (query["sms"], query["to"], query["result"], query["confirmed"], query["accountcode"]) == \
        (sent["id"], "603111222", "ok", "0", "A7")
    assert "id" not in query and "number" not in query  # used by the placeholders, not appended again
    dak.advance(10)
    wait_until(lambda: len(crm.got("/out")) == 2, what="the callback of the delivery report")
    assert crm.got("/out")[1]["query"]["confirmed"] == "1"
    mails = [(d.fields["to"], d.fields["subject"], d.state) for d in journal(dak, "sms_email")]
    assert mails == [("noc@example.cz", "SMS odeslána", "no_target"), ("noc@example.cz", "SMS doručena", "no_target"),
                     ("ja@example.cz", "SMS doručena", "no_target")]


def test_incoming_sms_through_the_control_plane_and_the_docs_unencoded_url(dak: Dak, crm: Crm) -> None:
    base = crm.url("/CRM/sms")
    r = dak.client.get(f"/api/3.1/SetSMSSettings/json?access_token={TOKEN}&incoming_callback={base}"
                       "?own_number=$number&own_text=$message&own_id=$id&own_direction=$direction")
    assert r.json() == {"error": None, "status": 1}
    r = dak.client.post(f"{T}/default/daktela/sms", json={"from": "603927227", "text": "Ahoj, mam dotaz",
                                                          "gw": "1", "slot": "1", "port": "2"})
    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["direction"], got["number"], got["message"], got["port_number"], got["result"]) == \
        ("in", "603927227", "Ahoj, mam dotaz", "2", "ok")
    assert dak.ok("GetSMS", "3.1", id=got["id"])[0] == got
    wait_until(lambda: crm.got("/CRM/sms"), what="the incoming callback")
    query = crm.got("/CRM/sms")[0]["query"]
    assert (query["own_number"], query["own_text"], query["own_id"], query["own_direction"]) == \
        ("603927227", "Ahoj, mam dotaz", got["id"], "in")
    assert query["datetime"] == "2026-01-05 15:00:00" and query["count_sms"] == "1"
    connect = dak.client.post(f"{T}/default/daktela/sms", json={"from": "+420777000111", "text": "Hi",
                                                                "product": "connect"})
    assert connect.status_code == 201 and connect.json()["direction"] == "IN"


def test_encoded_callback_urls_keep_their_query(dak: Dak, crm: Crm) -> None:
    url = crm.url("/in") + "?token=abc&who=$number"
    dak.ok("SetSMSSettings", "3.1", incoming_callback=url)
    assert dak.ok("GetSMSSettings", "3.1")["settings"]["incoming_callback"] == url
    dak.client.post(f"{T}/default/daktela/sms", json={"from": "603000111", "text": "x"})
    wait_until(lambda: crm.got("/in"), what="the incoming callback")
    assert crm.got("/in")[0]["query"]["token"] == "abc" and crm.got("/in")[0]["query"]["who"] == "603000111"
    assert quote(url, safe="") != url  # the parameter came encoded, and was read as one URL


@pytest.mark.parametrize("body, status", [
    ({"from": "603000111"}, 400), ({"from": 603, "text": "x"}, 400), ({"from": "6", "text": "x"}, 409),
    ({"from": "603000111", "text": "x", "product": "fax"}, 400),
    ({"from": "603000111", "text": "x", "gw": "1"}, 400),
    ({"from": "603000111", "text": "x", "gw": "9", "slot": "9", "port": "9"}, 404),
    ({"from": "603000111", "text": "x" * 2001}, 400), ([], 400)])
def test_the_control_route_refuses_bad_bodies_and_changes_nothing(dak: Dak, body: Any, status: int) -> None:
    before = len(dak.ok("GetSMS", "3.1"))
    r = dak.client.post(f"{T}/default/daktela/sms", json=body)
    assert r.status_code == status and "error" in r.json()
    assert len(dak.ok("GetSMS", "3.1")) == before
