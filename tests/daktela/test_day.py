"""A call-centre day through the API: a queue and three agents are set up, agents log in, calls
queue and are answered, one is transferred, one abandoned; then the real-time views, the
statistics, the CDR, the attempts and the webhooks (CRM hooks, queue callbacks) all tell the
same story, second for second."""

from __future__ import annotations

from typing import Iterator

import pytest

from .conftest import Dak
from .receiver import Crm
from support.harness import wait_until

DAY = {"datetime_from": "2026-01-05 00:00:00", "datetime_to": "2026-01-05 23:59:59"}


@pytest.fixture
def crm() -> Iterator[Crm]:
    crm = Crm()
    crm.answers = {"/crm": {"NAME": "Daktela s.r.o.", "ADDRESS": "Pod Krejcarkem 975"}}
    yield crm
    crm.close()


def _set_up(dak: Dak, crm: Crm) -> str:
    dak.settings({"sim": {"talk_min": 600, "talk_max": 600}, "webhooks": {"url": crm.url("/crm")},
                  "daktela": {"crm_hooks": {"hangup": crm.url("/hangup") + "?callerId=${CALLERID(num)}"
                                                      "&name=${HASH(CRMAPI,NAME)}&idcall=${ID_CALL}&action=hangup"}}})
    dak.ok("CreateQueue", "3.0", number="7000", title="Den", direction="in",
           callback_callstart=crm.url("/start"), callback_callanswer=crm.url("/answer"),
           callback_callend=crm.url("/end"))
    queue = next(q for q in dak.ok("GetQueues", "3.0").values() if q["name"] == "7000")
    for login, ext, priority in (("ana", "101", "0"), ("bob", "102", "0"), ("cyril", "103", "1")):
        dak.ok("CreateUser", "4.0", role="role_1", profile="profile_1", name=login, title=login.title(),
               password="heslo")
        dak.ok("Login", "3.4", user=login, extension=ext)
        dak.ok("LoginQueue", "3.0", user=login, queue="7000", priority=priority)
    return str(queue["queue"])


def _ids(dak: Dak) -> dict[str, str]:
    return {u["name"]: u["user"] for u in dak.ok("GetUsers", "3.0").values()}


def test_a_day_in_the_call_centre_tells_one_story(dak: Dak, crm: Crm) -> None:
    qid = _set_up(dak, crm)
    users = _ids(dak)
    ana, bob, cyril = users["ana"], users["bob"], users["cyril"]
    assert dak.ok("RTStatsQueues", "3.5")[qid]["users_total"] == 3

    c1 = dak.inject("601000001", "7000")  # t=0: rings ana (round robin, best tier)
    dak.advance(5)  # ana answered at t=4
    c2 = dak.inject("602000002", "7000")  # t=5: rings bob
    dak.ok("PauseOn", "3.0", user="cyril", pause="6")
    dak.advance(5)  # bob answered at t=9
    dak.tenant.parties["603000003"] = {"abandon_after": 30}  # this caller hangs up after 30 s
    c3 = dak.inject("603000003", "7000")  # t=10: nobody free (cyril on a pause): it waits
    dak.advance(10)  # t=20

    rt = dak.ok("RTStatsQueues", "3.5")[qid]
    assert rt == {"id": qid, "users_total": 3, "users_ready": 0, "users_busy": 2, "users_pause": 1,
                  "calls_count": 3, "calls_wait": 1, "calls_time": 10}
    summary = dak.ok("RTStatsQueuesSummary", "3.5", **{"queues[]": qid})
    assert summary == {**{k: v for k, v in rt.items() if k != "id"}, "calls_in": 3, "calls_out": 0}
    calls = dak.ok("RTStatsCalls", "3.5")
    assert [calls[c]["state"] for c in (c1, c2, c3)] == ["Speaking", "Speaking", "Waiting"]
    assert calls[c1]["agent"] == ana and calls[c1]["answer_time_relative"] == "16"
    assert calls[c3]["agent"] is None and calls[c3]["wait_time_relative"] == "10"
    sessions = dak.ok("RTStatsSessions", "3.5", **{"queues[0]": qid})
    assert {uid: s["state"] for uid, s in sessions.items()} == {ana: "Speaking", bob: "Speaking", cyril: "Paused"}
    assert sessions[cyril]["pause"] == "6" and sessions[cyril]["state_time_relative"] == "15"
    state = dak.ok("RTUserState", "4.0", user="ana")
    assert state["agent_state"] == "Speaking" and [c["id_call"] for c in state["calls"]] == [c1]
    assert state["calls"][0]["oqueue"]["name"] == "7000" and state["calls"][0]["clid"] == "601000001"

    dak.advance(20)  # t=40: the third caller gave up
    dak.advance(5)
    dak.ok("PauseOff", "3.0", user="cyril")  # t=45
    dak.advance(5)
    dak.ok("Transfer", "3.0", user="bob", dst_user=cyril, type="blind")  # t=50: rings cyril
    dak.advance(10)  # cyril answered at t=54
    wait_until(lambda: len(crm.got("/crm")) >= 8, what="the CRM hooks so far")
    dak.ok("Hangup", "3.0", user="ana")  # t=60
    dak.advance(30)
    dak.ok("Hangup", "3.0", user="cyril")  # t=90
    dak.advance(10)  # t=100

    # -- statistics of the day ------------------------------------------------------------------
    stats = dak.ok("StatsCalls", "4.1", **DAY, **{"queues[]": qid})
    assert stats["total"] == "3" and [r["name"] for r in stats["data"]] == [c3, c2, c1]  # newest first
    row = {r["name"]: r for r in stats["data"]}
    assert [row[c]["answered"] for c in (c1, c2, c3)] == ["1", "1", "0"]
    assert [row[c]["user"] for c in (c1, c2, c3)] == [ana, cyril, None]
    assert [row[c]["waiting_time"] for c in (c1, c2, c3)] == ["4", "4", "30"]
    assert [row[c]["duration"] for c in (c1, c2, c3)] == ["56", "81", "0"]
    assert [row[c]["disposition_cause"] for c in (c1, c2, c3)] == ["agent", "agent", "caller"]
    answered = dak.ok("StatsCalls", "4.1", **DAY, **{"queues[]": qid}, answered="false")
    assert [r["name"] for r in answered["data"]] == [c3]

    cdr = {r["id_call"]: r for r in dak.ok("CDR", "3.5", **DAY) if r["id_call"] in (c1, c2, c3)}
    assert [(cdr[c]["duration"], cdr[c]["billsec"], cdr[c]["disposition"]) for c in (c1, c2, c3)] == [
        ("60", "56", "ANSWERED"), ("85", "81", "ANSWERED"), ("30", "0", "NO ANSWER")]
    for c in (c1, c2, c3):  # waiting + talking = the call's duration
        assert int(row[c]["waiting_time"]) + int(row[c]["duration"]) == int(cdr[c]["duration"])
        about = dak.ok("AboutCall", "3.0", id_call=c)[0]
        assert (about["duration"], about["billsec"], about["waiting_time"]) == (
            cdr[c]["duration"], cdr[c]["billsec"], row[c]["waiting_time"])
        assert about["id_queue"] == qid and about["direction"] == "in"

    attempts = dak.ok("GetAttempts", "4.1", **DAY, **{"queues[]": qid})
    assert attempts["total"] == "3"
    legs = [(a["id_call"], a["id_agent"], a["duration"]) for a in attempts["data"]]
    assert legs == [(c2, int(cyril), 40), (c2, int(bob), 45), (c1, int(ana), 60)]
    assert sum(d for call, _, d in legs if call == c2) == int(cdr[c2]["duration"])

    trace = dak.ok("StatsTrace", "3.5", **DAY, user="ana")
    assert [(t["action_name"], t["action_start"], t["duration"]) for t in trace] == [
        ("login", "1", 0), ("queue", "1", 0), ("ring_in", "1", 0), ("ring_in", "0", 4), ("call", "1", 0),
        ("call", "0", 56)]
    assert trace[1]["event_title"] == "Den" and trace[5]["event_title"] == "601000001"
    pauses = dak.ok("StatsUsersPauses", "4.1", **DAY, **{"users[]": cyril})
    assert [(p["pause"], p["duration"]) for p in pauses["data"]] == [(6, 40)] and pauses["total"] == "1"
    queues = dak.ok("StatsUsersQueues", "4.1", **DAY, **{"users[]": ana})
    assert queues["total"] == 1 and queues["data"][0]["queue"] == int(qid) and queues["data"][0]["end_time"] is None
    assert dak.ok("StatsUsersSessions", "4.1", **DAY, **{"users[]": bob})["data"][0]["duration"] == 100
    repeated = dak.ok("StatsCallsRepeated", "3.9", **DAY, **{"queues[]": qid}, count="0")
    assert sorted(r["clid"] for r in repeated) == ["601000001", "602000002", "603000003"]
    last = dak.ok("LastCallNumber", "3.9", phonenumber="602000002")
    assert (last["call"], last["user_login"], last["duration"]) == (c2, "cyril", 81)
    assert {s["state"] for s in dak.ok("RTStatsSessions", "3.5", **{"queues[0]": qid}).values()} == {"Idle"}

    # -- the webhooks tell it too ---------------------------------------------------------------
    # every URL delivers on its own: wait until the journal has no delivery still on its way
    # (not only the last URL's), so that what each URL got is complete below
    wait_until(lambda: len(crm.got("/end")) == 3 and len(crm.got("/hangup")) >= 3 and not [
        d for d in dak.client.get("/_emulator/tenants/default/journal/webhooks", params={"limit": 1000}).json()
        if d["state"] in ("pending", "retrying")], what="every webhook")
    assert sorted(r["query"]["callid"] for r in crm.got("/crm", dnd="")) == ["601000001", "602000002", "603000003"]
    # each hook's URL carries the call's details, and order is kept per URL only (as between
    # separate HTTP requests): what arrived is compared as a set, the order in the journal
    ringing = [(r["query"]["idcall"], r["query"]["line"]) for r in crm.got("/crm", action="ringing")
               if r["query"]["idcall"] in (c1, c2, c3)]
    assert sorted(ringing) == sorted([(c1, "101"), (c2, "102"), (c2, "103")])
    assert sorted((r["query"]["idcall"], r["query"]["line"]) for r in crm.got("/crm", action="answer")
                  if r["query"]["idcall"] in (c1, c2, c3)) == sorted(ringing)
    hangups = {r["query"]["idcall"]: r["query"] for r in crm.got("/hangup")}
    assert hangups[c1]["name"] == "Daktela s.r.o." and hangups[c1]["callerId"] == "601000001"
    assert sorted(r["query"]["id_call"] for r in crm.got("/start")) == sorted([c1, c2, c3])
    assert sorted(r["query"]["id_call"] for r in crm.got("/answer")) == sorted([c1, c2])
    ends = {r["query"]["id_call"]: r["query"] for r in crm.got("/end")}
    for c in (c1, c2, c3):
        assert (ends[c]["duration"], ends[c]["billsec"]) == (cdr[c]["duration"], cdr[c]["billsec"])
        assert ends[c]["queue"] == qid and ends[c]["queue_number"] == "7000"
    assert ends[c2]["user"] == "cyril" and ends[c3]["disposition"] == "NO ANSWER"
    journal = dak.client.get("/_emulator/tenants/default/journal/webhooks", params={"limit": 1000}).json()
    queued = sorted(journal, key=lambda d: int(d["id"][4:]))
    assert [(d["call_id"], d["url"].split("line=")[1][:3]) for d in queued
            if "action=ringing" in d["url"] and d["call_id"] in (c1, c2, c3)] == [(c1, "101"), (c2, "102"), (c2, "103")]
    assert [d["call_id"] for d in queued if "/start" in d["url"]] == [c1, c2, c3]
    assert [d["call_id"] for d in queued if "/answer" in d["url"]] == [c1, c2]
    delivered = [d for d in journal if d.get("call_id") == c1 and d["event"] == "incoming"]
    assert delivered and '"NAME": "Daktela s.r.o."' in delivered[0]["answer"]
    assert dak.tenant.calls[c1].tags["crmapi"] == {"NAME": "Daktela s.r.o.", "ADDRESS": "Pod Krejcarkem 975"}
