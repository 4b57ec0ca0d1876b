"""The webhook dispatcher against a real HTTP receiver on loopback.

A live telemock (uvicorn in a thread) serves the ``mini`` vendor, whose call events become
webhooks; ``Receiver`` is an independent asyncio HTTP server that fails first and recovers
later. Retries wait on the *tenant* clock, so the test steps through the outage by advancing
it through the control plane and reads every attempt from the webhook journal.
"""

from __future__ import annotations

from typing import Any

import pytest

from support.harness import HANG_UP, START, LiveMini, Receiver, T, wait_until

POLICY = {"backoff_base": 1.0, "backoff_factor": 2.0, "backoff_max": 300.0, "max_attempts": 8,
          "timeout": 5.0, "ordered": True}


@pytest.fixture
def receiver() -> Any:
    rx = Receiver()
    yield rx
    rx.down()


def tenant_with_hooks(live: LiveMini, url: str, **policy: Any) -> tuple[str, str]:
    info = live.create(settings={"webhooks": {**POLICY, "url": url, **policy}})
    return info["id"], info["credentials"]["token"]


def journal(live: LiveMini, tid: str, **params: Any) -> list[dict[str, Any]]:
    return live.ok("GET", f"{T}/{tid}/journal/webhooks", params=params)


def advance(live: LiveMini, tid: str, seconds: float) -> dict[str, Any]:
    return live.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": seconds})


def attempts_of(live: LiveMini, tid: str, n: int, index: int = 0) -> list[dict[str, Any]]:
    """Wait until delivery ``index`` has ``n`` attempts; return them."""
    def got() -> list[dict[str, Any]] | None:
        found = journal(live, tid)
        if len(found) > index and len(found[index]["attempts"]) >= n:
            return found[index]["attempts"]
        return None
    return wait_until(got, what=f"{n} attempts of delivery {index}")


def all_delivered(live: LiveMini, tid: str) -> list[dict[str, Any]]:
    return wait_until(lambda: (lambda d: d if d and all(x["state"] == "delivered" for x in d) else None)(
        journal(live, tid)), what="every delivery delivered")


def place_call(live: LiveMini, token: str, extension: str = "201") -> dict[str, Any]:
    r = live.api("POST", "/v1/calls", token, json={"extension": extension, "to": "+15557654321"})
    assert r.status_code == 201, r.text
    return r.json()


def test_503s_then_recovery_delivers_everything_in_order_with_each_attempt_journalled(
        live_mini: LiveMini, receiver: Receiver) -> None:
    receiver.up()
    receiver.script = [503, 503, 503]
    tid, token = tenant_with_hooks(live_mini, receiver.url)
    place_call(live_mini, token)

    first = attempts_of(live_mini, tid, 1)
    assert first[0]["n"] == 1 and first[0]["status"] == 503 and first[0]["error"] == "HTTP 503"
    head = journal(live_mini, tid)[0]
    assert head["state"] == "retrying" and head["next_attempt_at"] == START + 1
    # Ordered per URL: nothing behind the head has been tried while it waits.
    assert all(d["attempts"] == [] for d in journal(live_mini, tid)[1:])

    assert advance(live_mini, tid, 0.5)["fired"] == 0   # not due yet: no retry
    assert len(journal(live_mini, tid)[0]["attempts"]) == 1
    advance(live_mini, tid, 0.5)                         # +1 s: attempt 2
    attempts_of(live_mini, tid, 2)
    advance(live_mini, tid, 2)                           # +3 s: attempt 3
    attempts_of(live_mini, tid, 3)
    advance(live_mini, tid, 4)                           # +7 s: attempt 4 succeeds, the queue drains
    delivered = all_delivered(live_mini, tid)

    head = delivered[0]
    assert [(a["n"], a["status"], a["error"], a["at"] - START) for a in head["attempts"]] == [
        (1, 503, "HTTP 503", 0.0), (2, 503, "HTTP 503", 1.0), (3, 503, "HTTP 503", 3.0), (4, 200, None, 7.0)]
    assert all(len(d["attempts"]) == 1 and d["attempts"][0]["status"] == 200 for d in delivered[1:])

    # Let the call run to its end: its later events are delivered too, still in order.
    advance(live_mini, tid, 600)
    delivered = wait_until(lambda: (lambda d: d if len(d) > len(delivered) and all(
        x["state"] == "delivered" for x in d) else None)(journal(live_mini, tid)), what="the rest")
    got = [r["json"]["seq"] for r in receiver.accepted()]
    assert got == [d["event_seq"] for d in delivered]
    assert got == sorted(got) and len(set(got)) == len(got)
    events = live_mini.ok("GET", f"{T}/{tid}/events")
    assert got == [e["seq"] for e in events if e["call_id"] is not None]
    assert "CallEnded" in [r["json"]["type"] for r in receiver.accepted()]
    assert len(receiver.received) == len(delivered) + 3  # three refusals, no duplicates
    assert [d["id"] for d in delivered] == [f"whd_{i:06d}" for i in range(1, len(delivered) + 1)]
    assert receiver.received[0]["headers"]["content-type"] == "application/json"


def test_receiver_down_then_up_loses_nothing(live_mini: LiveMini, receiver: Receiver) -> None:
    tid, token = tenant_with_hooks(live_mini, receiver.url)  # receiver not listening yet
    place_call(live_mini, token)
    first = attempts_of(live_mini, tid, 1)
    assert first[0]["status"] is None and first[0]["error"].startswith("ConnectError")
    advance(live_mini, tid, 1)
    second = attempts_of(live_mini, tid, 2)
    assert second[1]["status"] is None and second[1]["at"] == START + 1
    advance(live_mini, tid, 10)  # answers the agent leg, rings the remote: more events queue up
    third = attempts_of(live_mini, tid, 3)
    # The retry due at +3 went out when the clock stood at +11: backoff counts from the attempt.
    assert third[2]["at"] == START + 11
    n_before = len(journal(live_mini, tid))
    receiver.up()
    head = journal(live_mini, tid)[0]
    assert head["next_attempt_at"] == START + 11 + 4
    advance(live_mini, tid, 4)
    delivered = all_delivered(live_mini, tid)
    assert len(delivered) >= n_before
    assert [r["json"]["seq"] for r in receiver.accepted()] == [d["event_seq"] for d in delivered]
    assert [a["status"] for a in delivered[0]["attempts"]] == [None, None, None, 200]


def test_a_receiver_that_hangs_up_is_retried(live_mini: LiveMini, receiver: Receiver) -> None:
    receiver.up()
    receiver.script = [HANG_UP]
    tid, token = tenant_with_hooks(live_mini, receiver.url)
    place_call(live_mini, token)
    first = attempts_of(live_mini, tid, 1)
    assert first[0]["status"] is None and first[0]["error"]
    advance(live_mini, tid, 1)
    delivered = all_delivered(live_mini, tid)
    assert [a["status"] for a in delivered[0]["attempts"]] == [None, 200]


def test_giving_up_after_max_attempts_then_redelivering(live_mini: LiveMini, receiver: Receiver) -> None:
    receiver.up()
    receiver.script = [500, 500]
    tid, token = tenant_with_hooks(live_mini, receiver.url, max_attempts=2, backoff_base=10.0)
    place_call(live_mini, token)
    attempts_of(live_mini, tid, 1)
    advance(live_mini, tid, 10)
    attempts_of(live_mini, tid, 2)
    # The head failed for good; the deliveries behind it go on (nothing else is blocked).
    found = wait_until(lambda: (lambda d: d if d[0]["state"] == "failed" and all(
        x["state"] == "delivered" for x in d[1:]) else None)(journal(live_mini, tid)), what="failed head")
    assert found[0]["next_attempt_at"] is None
    assert [d["id"] for d in journal(live_mini, tid, state="failed")] == [found[0]["id"]]
    redone = live_mini.ok("POST", f"{T}/{tid}/journal/webhooks/{found[0]['id']}/redeliver")
    assert redone["state"] == "pending"
    wait_until(lambda: journal(live_mini, tid)[0]["state"] == "delivered", what="the redelivery")
    assert [a["status"] for a in journal(live_mini, tid)[0]["attempts"]] == [500, 500, 200]


def test_backoff_is_capped_by_backoff_max(live_mini: LiveMini, receiver: Receiver) -> None:
    receiver.up()
    receiver.script = [503] * 4
    tid, token = tenant_with_hooks(live_mini, receiver.url, backoff_base=2.0, backoff_factor=3.0,
                                   backoff_max=10.0)
    place_call(live_mini, token)
    waits = []
    for n in range(1, 5):
        attempts_of(live_mini, tid, n)
        head = journal(live_mini, tid)[0]
        waits.append(head["next_attempt_at"] - head["attempts"][-1]["at"])
        advance(live_mini, tid, waits[-1])
    assert waits == [2.0, 6.0, 10.0, 10.0]
    all_delivered(live_mini, tid)


def test_one_tenants_outage_does_not_hold_up_another(live_mini: LiveMini, receiver: Receiver) -> None:
    receiver.up()
    down = Receiver()  # never started: refused
    a, token_a = tenant_with_hooks(live_mini, down.url)
    b, token_b = tenant_with_hooks(live_mini, receiver.url)
    place_call(live_mini, token_a)
    place_call(live_mini, token_b)
    delivered_b = all_delivered(live_mini, b)
    assert len(receiver.accepted()) == len(delivered_b)
    assert {r["json"]["call"] for r in receiver.accepted()} == {delivered_b[0]["call_id"]}
    assert journal(live_mini, a)[0]["state"] == "retrying"


def test_without_a_url_payloads_are_journalled_as_no_target(live_mini: LiveMini) -> None:
    info = live_mini.create()
    place_call(live_mini, info["credentials"]["token"])
    found = journal(live_mini, info["id"])
    assert found and all(d["state"] == "no_target" and d["attempts"] == [] for d in found)
    assert found[0]["fields"]["type"] == "CallCreated"
    r = live_mini.http.post(f"{T}/{info['id']}/journal/webhooks/{found[0]['id']}/redeliver")
    assert r.status_code == 409
    assert live_mini.http.post(f"{T}/{info['id']}/journal/webhooks/whd_999999/redeliver").status_code == 404


def test_redeliver_goes_to_the_tenants_current_url_and_says_so(live_mini: LiveMini, receiver: Receiver) -> None:
    """A user whose receiver URL was wrong fixes it and redelivers: to the fixed URL."""
    receiver.up()
    wrong = Receiver()  # never started: refused
    tid, token = tenant_with_hooks(live_mini, wrong.url, max_attempts=1)
    place_call(live_mini, token)
    failed = wait_until(lambda: (lambda d: d if d and all(x["state"] == "failed" for x in d) else None)(
        journal(live_mini, tid)), what="every delivery failed")
    live_mini.ok("PATCH", f"{T}/{tid}/settings", json={"webhooks": {"url": receiver.url}})
    redone = live_mini.ok("POST", f"{T}/{tid}/journal/webhooks/{failed[0]['id']}/redeliver")
    assert (redone["url"], redone["redirected_from"]) == (receiver.url, wrong.url)
    wait_until(lambda: journal(live_mini, tid)[0]["state"] == "delivered", what="the redelivery")
    assert len(receiver.accepted()) == 1 and receiver.accepted()[0]["json"]["call"] == failed[0]["call_id"]
    others = journal(live_mini, tid)[1:]
    assert all(d["state"] == "failed" and d["url"] == wrong.url and d["redirected_from"] is None for d in others)
    # a URL turned off: nothing to send to, and the delivery is left as it was
    live_mini.ok("PATCH", f"{T}/{tid}/settings", json={"webhooks": {"url": ""}})
    r = live_mini.http.post(f"{T}/{tid}/journal/webhooks/{others[0]['id']}/redeliver")
    assert r.status_code == 409 and "no webhook URL" in r.json()["error"]
    assert journal(live_mini, tid)[1] == others[0]
