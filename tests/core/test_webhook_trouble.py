"""Webhook deliveries through trouble: a receiver that is down, fails, hangs and comes back;
URLs that cannot be sent to at all; restores while a delivery is in flight.

A live telemock serves the ``mini`` vendor; ``Receiver`` is an independent HTTP server on
loopback. Retries wait on the tenant clock (manual), so the test moves it through the control
plane; the webhook time-out is wall time, so a hanging receiver really times the sender out.
Delivery is at-least-once: a body is received twice only when an attempt timed out after the
receiver had read it, or when a restore replaced the world an attempt was sent from.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from .test_webhooks import advance, all_delivered, attempts_of, journal, place_call, tenant_with_hooks
from support.harness import START, LiveMini, Receiver, Slow, T, wait_until


@pytest.fixture
def receiver() -> Any:
    rx = Receiver()
    yield rx
    rx.down()


def seqs(records: list[dict[str, Any]]) -> list[int]:
    return [r["json"]["seq"] for r in records]


def test_down_then_500s_then_hanging_then_back_loses_nothing_and_keeps_order(
        live_mini: LiveMini, receiver: Receiver) -> None:
    tid, token = tenant_with_hooks(live_mini, receiver.url, timeout=0.5, backoff_base=1.0,
                                   backoff_factor=1.0, max_attempts=20)
    place_call(live_mini, token)                  # receiver down: connection refused
    attempts_of(live_mini, tid, 1)
    advance(live_mini, tid, 1)
    attempts_of(live_mini, tid, 2)
    receiver.up()
    receiver.script = [500, 500, Slow(2.0)]       # then answers 500 twice, then hangs past the time-out
    for n in (3, 4, 5):
        advance(live_mini, tid, 1)
        attempts_of(live_mini, tid, n)
    advance(live_mini, tid, 1)                    # back: the head goes out, then the rest in order
    delivered = all_delivered(live_mini, tid)
    advance(live_mini, tid, 600)                  # the call runs to its end: more deliveries
    delivered = wait_until(lambda: (lambda d: d if len(d) > len(delivered) and all(
        x["state"] == "delivered" for x in d) else None)(journal(live_mini, tid)), what="the rest")

    head = delivered[0]["attempts"]
    assert [a["status"] for a in head] == [None, None, 500, 500, None, 200]
    assert head[0]["error"].startswith("ConnectError") and head[4]["error"].startswith("ReadTimeout")
    assert all(len(d["attempts"]) == 1 for d in delivered[1:])
    # None lost, order kept: what the sender saw accepted is every event, in order, once.
    answered = [r for r in receiver.received if r["status"] == 200 and not r["slow"]]
    events = [e["seq"] for e in live_mini.ok("GET", f"{T}/{tid}/events") if e["call_id"] is not None]
    assert seqs(answered) == [d["event_seq"] for d in delivered] == events
    # Duplicates only where the receiver got the body and the attempt timed out.
    got = Counter(seqs([r for r in receiver.received if r["status"] == 200]))
    timed_out = Counter({d["event_seq"]: sum(1 for a in d["attempts"] if "Timeout" in (a["error"] or ""))
                         for d in delivered})
    assert {seq: n - 1 for seq, n in got.items() if n > 1} == {k: v for k, v in timed_out.items() if v}
    assert timed_out[delivered[0]["event_seq"]] == 1


def test_a_url_that_cannot_be_sent_to_fails_at_once_and_blocks_nothing(
        live_mini: LiveMini, receiver: Receiver) -> None:
    """URLs httpx cannot send to (e.g. from an old snapshot) fail their delivery at the first
    attempt, with the reason in the journal; later deliveries to the same URL fail the same way
    instead of waiting for ever, and deliveries to a good URL go out."""
    receiver.up()
    info = live_mini.create()  # no URL: every delivery is journalled as no_target
    tid = info["id"]
    place_call(live_mini, info["credentials"]["token"])
    advance(live_mini, tid, 30)  # answered, bridged: more events, more deliveries
    snap = live_mini.ok("GET", f"{T}/{tid}/snapshot")
    bad = ["http://[::1", "http://[::1", "http://127.0.0.1:99999/hook", "ftp://127.0.0.1/hook"]
    urls = bad + [receiver.url]
    deliveries = snap["outbox"]["deliveries"]
    assert len(deliveries) >= len(urls)
    for delivery, url in zip(deliveries, urls):
        delivery.update(url=url, state="pending")
    live_mini.ok("POST", f"{T}/{tid}/restore", json=snap)

    def settled() -> list[dict[str, Any]] | None:
        found = journal(live_mini, tid)[:len(urls)]
        return found if all(d["state"] in ("failed", "delivered") for d in found) else None
    found = wait_until(settled, what="every delivery to settle")
    assert [d["state"] for d in found] == ["failed"] * len(bad) + ["delivered"]
    errors = [d["attempts"][0]["error"] for d in found[:len(bad)]]
    assert [len(d["attempts"]) for d in found] == [1] * len(urls)
    assert errors[0] == errors[1] == "InvalidURL: Invalid port: ':1'"
    assert errors[2] == "InvalidURL: port 99999 is out of range (1-65535)"
    assert errors[3].startswith("UnsupportedProtocol")
    assert all(d["next_attempt_at"] is None for d in found)
    assert seqs(receiver.accepted()) == [found[-1]["event_seq"]]
    assert live_mini.ok("GET", f"{T}/{tid}/clock")["pending_timers"] == len(snap["clock"]["timers"])
    # Redelivering goes to the tenant's current URL: none yet, so it is refused and changes nothing;
    # once the URL is fixed, the delivery goes there.
    r = live_mini.http.post(f"{T}/{tid}/journal/webhooks/{found[0]['id']}/redeliver")
    assert r.status_code == 409 and journal(live_mini, tid)[0] == found[0]
    live_mini.ok("PATCH", f"{T}/{tid}/settings", json={"webhooks": {"url": receiver.url}})
    live_mini.ok("POST", f"{T}/{tid}/journal/webhooks/{found[0]['id']}/redeliver")
    redone = wait_until(lambda: (lambda d: d if d["state"] == "delivered" else None)(journal(live_mini, tid)[0]),
                        what="the redelivery")
    assert (redone["url"], redone["redirected_from"], len(redone["attempts"])) == (receiver.url, bad[0], 2)


def test_a_refused_restore_during_a_delivery_neither_resends_it_nor_loses_its_attempt(
        live_mini: LiveMini, receiver: Receiver) -> None:
    receiver.up()
    receiver.script = [Slow(1.0)]
    tid, token = tenant_with_hooks(live_mini, receiver.url)
    place_call(live_mini, token)
    wait_until(lambda: receiver.received, what="the first delivery to be in flight")
    broken = live_mini.ok("GET", f"{T}/{tid}/snapshot")
    broken["clock"]["timers"][0][3] = {}
    r = live_mini.http.post(f"{T}/{tid}/restore", json=broken)
    assert r.status_code == 400, r.text
    delivered = all_delivered(live_mini, tid)
    assert [len(d["attempts"]) for d in delivered] == [1] * len(delivered)
    assert Counter(seqs(receiver.received)) == Counter(d["event_seq"] for d in delivered)
    assert len(receiver.received) == len(delivered)  # nothing sent twice


def test_a_restore_during_a_delivery_gives_the_restored_world_its_own_journal(
        live_mini: LiveMini, receiver: Receiver) -> None:
    """The attempt in flight belonged to the world the restore replaced: it is not journalled
    and sets no retry timer in the restored clock; the restored world sends its pending
    deliveries itself (so the receiver may see that body twice: at-least-once)."""
    receiver.up()
    receiver.script = [Slow(1.0, 503)]
    tid, token = tenant_with_hooks(live_mini, receiver.url)
    place_call(live_mini, token)
    wait_until(lambda: receiver.received, what="the first delivery to be in flight")
    snap = live_mini.ok("GET", f"{T}/{tid}/snapshot")
    assert snap["outbox"]["deliveries"][0]["attempts"] == []  # in flight: nothing journalled yet
    live_mini.ok("POST", f"{T}/{tid}/restore", json=snap)
    delivered = all_delivered(live_mini, tid)
    assert [[a["status"] for a in d["attempts"]] for d in delivered] == [[200]] * len(delivered)
    after = live_mini.ok("GET", f"{T}/{tid}/snapshot")
    assert after["clock"] == snap["clock"]  # no retry timer from the replaced world
    head = delivered[0]["event_seq"]
    assert [r["status"] for r in receiver.received if r["json"]["seq"] == head] == [503, 200]
    assert live_mini.ok("GET", f"{T}/{tid}/clock")["now"] == START
