"""CRM hooks and queue callbacks: when they are requested, how their URLs are made, where they
go without a URL of their own, and what the CRM's answer does."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from .conftest import Dak
from .receiver import Crm
from support.harness import wait_until


@pytest.fixture
def crm() -> Iterator[Crm]:
    crm = Crm()
    yield crm
    crm.close()


def deliveries(dak: Dak, call_id: str) -> list[Any]:
    return [d for d in dak.tenant.outbox.deliveries if d.call_id == call_id]


def free_hajek(dak: Dak) -> None:
    """hajek's phone rings with the default world's transferred call: take it and end it."""
    dak.ok("Answer", "3.7", user="hajek")
    dak.ok("Hangup", "3.1", user="hajek")


def test_without_a_url_every_hook_is_journalled_as_no_target(dak: Dak) -> None:
    free_hajek(dak)
    call = dak.inject("601234567", "222500100")  # Support: rings hajek
    made = deliveries(dak, call)
    assert [(d.event, d.method, d.state, d.url) for d in made] == [
        ("incoming", "GET", "no_target", ""), ("ringing", "GET", "no_target", "")]
    assert made[0].fields == {"callid": "601234567", "dnd": "222500100"}
    assert made[1].fields == {"callerId": "601234567", "calleeId": "222500100", "line": "300", "idcall": call,
                              "action": "ringing"}
    dak.ok("Answer", "3.7", user="hajek")
    dak.ok("Hangup", "3.1", user="hajek")
    assert [d.event for d in deliveries(dak, call)] == ["incoming", "ringing", "answer", "hangup"]
    assert deliveries(dak, call)[-1].fields["line"] == "300"


def test_the_webhook_url_takes_the_docs_query_and_templates_expand_variables(dak: Dak, crm: Crm) -> None:
    dak.settings({"webhooks": {"url": crm.url("/crm?src=telemock")},
                  "daktela": {"crm_hooks": {"ringing": crm.url("/ring/${REAL_EXTEN}") +
                                            "?id=${ID_CALL}&who=${CALLERID(name)}&x=${NOPE}&my=${HASH(CRMAPI,myid)}"}}})
    free_hajek(dak)
    r = dak.ok("CreateRemoteCall", "3.8", primarynumber="226211245", secondarynumber="9999", directdid="true",
               **{"variables[myid]": "1234567", "variables[jmeno]": "Pepa Novák"})
    call_id = r["id_call"]
    assert call_id.endswith("WS")
    dak.advance(7)  # the primary number answers after 6 s; 9999 routes to Support, which rings hajek
    wait_until(lambda: crm.got("/ring/300"), what="the ringing hook")
    ring = crm.got("/ring/300")[0]["query"]
    assert ring == {"id": call_id, "who": "", "x": "", "my": "1234567"}
    dak.ok("Hangup", "3.0", call=call_id)
    wait_until(lambda: crm.got("/crm", action="hangup", idcall=call_id), what="the hangup hook")
    hangup = crm.got("/crm", action="hangup", idcall=call_id)[0]["query"]
    assert hangup == {"src": "telemock", "callerId": "226211245", "calleeId": "9999", "line": "", "idcall": call_id,
                      "action": "hangup"}  # 9999 was dialled as a DID; hajek's phone only rang


def test_the_crms_json_answer_becomes_the_calls_crmapi_hash(dak: Dak, crm: Crm) -> None:
    crm.answers = {"/in": {"NAME": "Daktela s.r.o.", "VIP": True, "nested": {"no": 1}, "n": 7},
                   "/ring": ["not", "an", "object"]}
    dak.settings({"daktela": {"crm_hooks": {"incoming": crm.url("/in?callid=${CALLERID(num)}"),
                                            "ringing": crm.url("/ring"),
                                            "answer": crm.url("/answer?name=${HASH(CRMAPI,NAME)}&id=${ID_CALL}")}}})
    free_hajek(dak)
    call = dak.inject("601234567", "222500100")
    wait_until(lambda: dak.tenant.calls[call].tags.get("crmapi"), what="the CRM's answer")
    assert dak.tenant.calls[call].tags["crmapi"] == {"NAME": "Daktela s.r.o.", "VIP": "1", "n": "7"}
    dak.ok("Answer", "3.7", user="hajek")
    wait_until(lambda: crm.got("/answer", id=call), what="the answer hook")
    assert crm.got("/answer", id=call)[0]["query"] == {"name": "Daktela s.r.o.", "id": call}


def test_queue_callbacks_come_from_the_queues_options(dak: Dak, crm: Crm) -> None:
    free_hajek(dak)
    call = dak.inject("601234567", "222500100")
    assert not [d for d in deliveries(dak, call) if d.event.startswith("callback_")]  # unset: http://
    dak.ok("Hangup", "3.0", call=call)
    dak.ok("CreateQueue", "3.0", number="2000", title="Support", direction="in",
           callback_callstart=crm.url("/start?q=1"), callback_callend=crm.url("/end"))
    assert dak.ok("GetQueues", "3.0", rid="1")["title"] == "Support"
    call = dak.inject("601234568", "222500100")
    dak.ok("Answer", "3.7", user="hajek")
    dak.advance(3)
    dak.ok("Hangup", "3.1", user="hajek")
    wait_until(lambda: crm.got("/end"), what="the callend callback")
    start = crm.got("/start")[0]["query"]
    assert start == {"q": "1", "id_call": call, "queue": "1", "queue_number": "2000", "clid": "601234568",
                     "did": "222500100", "direction": "in", "user": "", "time": "2026-01-05 15:00:00"}
    end = crm.got("/end")[0]["query"]
    assert (end["user"], end["duration"], end["billsec"], end["disposition"]) == ("hajek", "3", "3", "ANSWERED")
    assert not crm.got("/answer")  # callback_callanswer stays unset


def test_an_outgoing_call_through_a_queue_starts_its_callbacks(dak: Dak, crm: Crm) -> None:
    dak.ok("CreateQueue", "3.0", number="1006", title="ObycOdchozi", direction="out",
           callback_callstart=crm.url("/start"))
    dak.ok("Hangup", "3.1", user="michalhajek")
    dak.advance(20)
    dak.ok("LoginQueue", "3.0", user="michalhajek", queue="1006")
    call = dak.ok("CreateCall", "3.1", user="michalhajek", number="800123456")["id_call"]
    wait_until(lambda: crm.got("/start"), what="the callstart callback")
    assert crm.got("/start")[0]["query"]["id_call"] == call and crm.got("/start")[0]["query"]["direction"] == "out"
