"""Post API webhooks at a real HTTP receiver: the four events of one call, in order, with the
documented fields; retried on the tenant clock after the receiver fails; JSON on request.

The Kerauno API has no transfer or park operation, so the people on the call act through the
core engine (``engine.transfer`` / ``engine.park``), as they would on their phones.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import pytest

from emulators.core import engine

from .helpers import KEY, MAKECALL, START, Receiver, T, wait_until

FIELDS = ["timestamp", "event", "source", "destination", "uniqueid", "channel", "description", "duration"]
"""seeds/kerauno.txt lines 210-223, in order."""


@pytest.fixture
def receiver() -> Any:
    rx = Receiver().up()
    yield rx
    rx.down()


@pytest.fixture
def emu(emu_factory):  # type: ignore[no-untyped-def]
    return emu_factory("kerauno")


def configure(emu, **webhooks: Any) -> None:  # type: ignore[no-untyped-def]
    r = emu.client("kerauno").patch(f"{T}/default/settings", json={"webhooks": webhooks})
    assert r.status_code == 200, r.text


def advance(emu, seconds: float) -> None:  # type: ignore[no-untyped-def]
    assert emu.client("kerauno").post(f"{T}/default/clock/advance", json={"seconds": seconds}).status_code == 200


def webhook_journal(emu) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return emu.client("kerauno").get(f"{T}/default/journal/webhooks").json()


def call_with_transfer_and_park(emu) -> Any:  # type: ignore[no-untyped-def]
    """3000 calls 3002 via Make Call; 3002 transfers to 3924, who parks the caller; the park
    times out and the call ends."""
    tenant = emu.tenant("kerauno")
    r = emu.client("kerauno").get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"})
    assert r.content == b'{"response":"Success"}'
    call = next(iter(tenant.calls.values()))
    advance(emu, 10)  # 3000 answers at +4, 3002 at +8
    assert call.state == "answered" and call.agent_id == "a3002"
    engine.transfer(tenant, call.id, "agent:a3924")  # at +10
    advance(emu, 5)  # 3924 answers at +14
    assert call.agent_id == "a3924"
    slot = engine.park(tenant, call.id)  # at +15
    advance(emu, 60)  # nobody picks it up: the park times out at +60
    assert call.ended
    return call, slot


def form_items(body: str) -> list[tuple[str, str]]:
    return parse_qsl(body, keep_blank_values=True)


def test_four_events_arrive_in_order_with_the_documented_fields(emu, receiver) -> None:  # type: ignore[no-untyped-def]
    configure(emu, url=receiver.url)
    call, slot = call_with_transfer_and_park(emu)
    got = wait_until(lambda: receiver.accepted() if len(receiver.accepted()) >= 4 else None,
                     what="four Post API requests")
    assert len(got) == 4
    for req in got:
        assert req["method"] == "POST" and req["path"] == "/hook"
        assert req["headers"]["content-type"] == "application/x-www-form-urlencoded"
        assert [k for k, _ in form_items(req["body"])] == FIELDS
    forms = [r["form"] for r in got]
    assert [f["event"] for f in forms] == ["CALL_STARTED", "TRANSFER", "PARKED", "CALL_ENDED"]
    assert {f["uniqueid"] for f in forms} == {call.id}
    caller_channel = f"SIP/3000-{call.legs[0].seq:08x}"
    assert forms[0] == {"timestamp": "2026-01-05 09:00:00", "event": "CALL_STARTED", "source": "3000",
                        "destination": "3002", "uniqueid": call.id, "channel": caller_channel,
                        "description": "3000 is calling 3002", "duration": "0"}
    leg_3002 = next(l for l in call.legs if l.agent_id == "a3002")
    assert forms[1] == {"timestamp": "2026-01-05 09:00:10", "event": "TRANSFER", "source": "3002",
                        "destination": "3924", "uniqueid": call.id, "channel": f"SIP/3002-{leg_3002.seq:08x}",
                        "description": "3002 transferred 3000 to 3924", "duration": "10"}
    leg_3924 = next(l for l in call.legs if l.agent_id == "a3924")
    assert forms[2] == {"timestamp": "2026-01-05 09:00:15", "event": "PARKED", "source": "3924",
                        "destination": slot, "uniqueid": call.id, "channel": f"SIP/3924-{leg_3924.seq:08x}",
                        "description": f"3924 parked 3000 on {slot}", "duration": "15"}
    assert forms[3] == {"timestamp": "2026-01-05 09:01:00", "event": "CALL_ENDED", "source": "3000",
                        "destination": "3002", "uniqueid": call.id, "channel": caller_channel,
                        "description": "The call from 3000 to 3002 ended", "duration": "60"}
    assert int(call.id.split(".")[0]) == int(START)
    assert all(d["state"] == "delivered" for d in webhook_journal(emu))


def test_retried_on_the_tenant_clock_after_the_receiver_fails(emu, receiver) -> None:  # type: ignore[no-untyped-def]
    configure(emu, url=receiver.url, backoff_base=1.0, backoff_factor=2.0, max_attempts=5)
    receiver.script = [500, 503]
    emu.client("kerauno").get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"})

    def attempts(n: int) -> list[dict[str, Any]] | None:
        journal = webhook_journal(emu)
        return journal[0]["attempts"] if journal and len(journal[0]["attempts"]) >= n else None

    first = wait_until(lambda: attempts(1), what="first attempt")
    assert first[0]["status"] == 500 and webhook_journal(emu)[0]["state"] == "retrying"
    assert len(receiver.received) == 1  # no retry before the tenant clock moves
    advance(emu, 1)  # backoff 1 s
    second = wait_until(lambda: attempts(2), what="second attempt")
    assert second[1]["status"] == 503 and second[1]["at"] == START + 1
    advance(emu, 2)  # backoff 2 s
    third = wait_until(lambda: attempts(3), what="third attempt")
    assert third[2]["status"] == 200 and webhook_journal(emu)[0]["state"] == "delivered"

    advance(emu, 400)  # the call plays out; CALL_ENDED follows
    wait_until(lambda: len(receiver.accepted()) >= 2, what="CALL_ENDED")
    events = [(r["form"]["event"], r["status"]) for r in receiver.received]
    assert events == [("CALL_STARTED", 500), ("CALL_STARTED", 503), ("CALL_STARTED", 200),
                      ("CALL_ENDED", 200)]
    assert receiver.received[0]["body"] == receiver.received[2]["body"]  # the same delivery again


def test_json_encoding_is_selectable(emu, receiver) -> None:  # type: ignore[no-untyped-def]
    configure(emu, url=receiver.url, encoding="json")
    emu.client("kerauno").get(MAKECALL, params={"key": KEY, "src": "2002", "dst": "+15551230000"})
    req = wait_until(lambda: receiver.accepted()[0] if receiver.accepted() else None, what="a JSON post")
    assert req["headers"]["content-type"] == "application/json"
    body = json.loads(req["body"])
    assert list(body) == FIELDS
    assert body["duration"] == 0 and isinstance(body["duration"], int)
    assert body["channel"].startswith("SIP/2002-") and "\\/" in req["body"]  # PHP escapes slashes
    assert body["description"] == "2002 is calling +15551230000"


def test_without_a_url_every_event_is_journalled_as_no_target(emu) -> None:  # type: ignore[no-untyped-def]
    call, slot = call_with_transfer_and_park(emu)
    journal = webhook_journal(emu)
    assert [(d["event"], d["state"], d["url"]) for d in journal] == [
        ("CALL_STARTED", "no_target", ""), ("TRANSFER", "no_target", ""), ("PARKED", "no_target", ""),
        ("CALL_ENDED", "no_target", "")]
    assert [list(d["fields"]) for d in journal] == [FIELDS] * 4
    assert journal[2]["fields"]["destination"] == slot


def test_inbound_ring_group_call_posts_from_the_trunk(emu) -> None:  # type: ignore[no-untyped-def]
    tenant = emu.tenant("kerauno")
    call = engine.inbound_call(tenant, "+15557654321", "+19999999999")
    advance(emu, 600)
    started, ended = [d.fields for d in tenant.outbox.deliveries]
    assert started["channel"].startswith("SIP/trunk-") and started["channel"] == ended["channel"]
    assert started["description"] == "+15557654321 is calling +19999999999"
    assert ended["event"] == "CALL_ENDED" and ended["duration"] == call.duration()


def test_attended_transfer_posts_once_when_it_completes(emu) -> None:  # type: ignore[no-untyped-def]
    tenant = emu.tenant("kerauno")
    call = engine.inbound_call(tenant, "+15557654321", "3000")
    advance(emu, 5)  # 3000 answers
    engine.transfer(tenant, call.id, "agent:a3002", mode="attended")
    assert [d.event for d in tenant.outbox.deliveries] == ["CALL_STARTED"]  # consulting only
    advance(emu, 5)  # 3002 takes it
    transfer = [d.fields for d in tenant.outbox.deliveries if d.event == "TRANSFER"]
    assert len(transfer) == 1
    assert (transfer[0]["source"], transfer[0]["destination"]) == ("3000", "3002")
