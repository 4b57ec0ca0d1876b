"""The call events IN, TA, TC, TE and H at a real HTTP receiver (mycalls.txt, call events): the
documented parameters in the documented order, one consistent uniqueid and attempt ids, at the
moments the doc names, with durations and times that match the call log."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import pytest

from emulators.core import engine

from .conftest import ANIL, APP, MC, VIRTUAL
from support.harness import Receiver, wait_until

FIELDS = {
    "IN": ["app", "event", "uniqueid", "cli", "time"],
    "TA": ["app", "event", "uniqueid", "cli", "attemptid", "time", "to"],
    "TC": ["app", "event", "uniqueid", "cli", "attemptid", "time", "to"],
    "TE": ["app", "event", "uniqueid", "cli", "attemptid", "to", "duration", "result"],
    "H": ["app", "event", "uniqueid", "cli", "duration"],
}
"""mycalls.txt's parameter lists of the five events, in order."""


@pytest.fixture
def receiver() -> Any:
    rx = Receiver().up()
    yield rx
    rx.down()


def doc_call(mc: MC, talk: float = 3) -> dict[str, Any]:
    """The call-log example's call: Anil lets the first attempt ring out, answers the second at
    once and talks ``talk`` seconds. Answers the call log's entry for it."""
    anil = mc.tenant.agents[ANIL].behaviour  # the person with the phone
    anil.fault = "no_answer"
    since = mc.call_log()["data"][0]["uid"]
    mc.inbound("9716700271")
    mc.advance(10)
    anil.fault, anil.answer_after, anil.talk = None, 0.0, talk
    mc.advance(60)
    (call,) = mc.new_calls(since)
    return call


def received(receiver: Receiver, n: int) -> list[dict[str, Any]]:
    return wait_until(lambda: receiver.accepted() if len(receiver.accepted()) >= n else None,
                      what=f"{n} call events")


def test_five_events_in_order_matching_the_call_log(mc: MC, receiver: Receiver) -> None:
    mc.settings({"webhooks": {"url": receiver.url}})
    call = doc_call(mc)
    got = received(receiver, 7)
    assert len(got) == 7
    events = []
    for req in got:
        assert req["method"] == "POST" and req["path"] == "/hook"
        assert req["headers"]["content-type"] == "application/x-www-form-urlencoded"
        pairs = parse_qsl(req["body"], keep_blank_values=True)
        fields = dict(pairs)
        assert [k for k, _ in pairs] == FIELDS[fields["event"]]
        events.append(fields)
    assert [e["event"] for e in events] == ["IN", "TA", "TE", "TA", "TC", "TE", "H"]
    uid = call["uid"]
    assert {e["uniqueid"] for e in events} == {uid} and {e["app"] for e in events} == {APP}
    assert {e["cli"] for e in events} == {"9716700271"} == {call["cli"]}
    first, second = reversed(call["transfer"])
    assert [e.get("attemptid") for e in events] == [None, f"{uid}.1", f"{uid}.1", f"{uid}.2", f"{uid}.2",
                                                   f"{uid}.2", None]
    assert first["attemptId"] == f"{uid}.1" and second["attemptId"] == f"{uid}.2"
    assert {e["to"] for e in events if "to" in e} == {ANIL}
    # times: IN at the call's time, TA at each attempt's, TC when answered (at once here)
    assert events[0]["time"] == call["time"] == "2026-01-05T19:30:00+05:30"
    assert events[1]["time"] == first["time"] == "2026-01-05T19:30:02+05:30"
    assert events[3]["time"] == second["time"] == events[4]["time"] == "2026-01-05T19:30:18+05:30"
    # results and durations: what the call log shows
    assert (events[2]["result"], events[2]["duration"]) == (first["disposition"], first["du"]) == ("noanswer", "0")
    assert (events[5]["result"], events[5]["duration"]) == (second["disposition"], second["du"]) == ("answered", "3")
    assert events[6]["duration"] == call["duration"] == "21"


def test_json_encoding_and_an_app_url_of_its_own(mc: MC, receiver: Receiver) -> None:
    other = Receiver().up()
    try:
        mc.settings({"webhooks": {"url": other.url, "encoding": "json"},
                     "mycalls": {"event_urls": {APP: receiver.url}}})
        call = doc_call(mc, talk=10)
        got = received(receiver, 7)
        assert other.received == []
        bodies = [req["json"] for req in got]
        assert all(req["headers"]["content-type"] == "application/json" for req in got)
        assert [list(b) for b in bodies] == [FIELDS[b["event"]] for b in bodies]
        assert bodies[5] == {"app": APP, "event": "TE", "uniqueid": call["uid"], "cli": "9716700271",
                             "attemptid": f"{call['uid']}.2", "to": ANIL, "duration": 10, "result": "answered"}
        assert bodies[6]["duration"] == int(call["duration"]) == 28
        assert json.loads(got[0]["body"]) == bodies[0]
    finally:
        other.down()


def test_busy_and_congestion_results(mc: MC) -> None:
    """Without a receiver the events are still journalled (webhook journal)."""
    mc.verify_and_add("9716700001", "Bea")
    mc.verify_and_add("9716700002", "Cy")
    people = mc.tenant.agents
    people[ANIL].behaviour.fault = "busy"
    people["9716700001"].behaviour.fault = "congestion"
    mc.inbound("9000000001", VIRTUAL)
    mc.advance(600)
    journal = mc.control("GET", "/journal/webhooks")
    ends = [d["fields"] for d in journal if d["event"] == "TE"]
    assert [(e["to"], e["result"], e["duration"]) for e in ends] == [
        (ANIL, "busy", 0), ("9716700001", "congestion", 0), ("9716700002", "answered", ends[2]["duration"])]
    assert all(d["state"] == "no_target" for d in journal)


def test_a_caller_who_hangs_up_while_ringing_ends_the_attempt_unanswered(mc: MC) -> None:
    mc.tenant.agents[ANIL].behaviour.fault = "no_answer"
    call = mc.inbound("9000000001")
    mc.advance(5)
    engine.hangup(mc.tenant, call["id"])  # the caller puts the phone down
    events = [(d["event"], d["fields"].get("result"), d["fields"].get("duration"))
              for d in mc.control("GET", "/journal/webhooks")]
    assert events == [("IN", None, None), ("TA", None, None), ("TE", "noanswer", 0), ("H", None, 5)]
