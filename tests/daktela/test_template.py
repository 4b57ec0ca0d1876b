"""A tenant built as a copy of the first one built live with the same seed and settings is that
world: the same snapshot at the start, the same after an hour on the clock, and nothing one copy
does reaches another."""

from __future__ import annotations

import secrets
from typing import Any

from .conftest import Dak
from .helpers import TOKEN, T
from .receiver import Crm
from support.harness import wait_until

IDENTITY = ("tenant", "credentials")
"""What tells two tenants apart besides their worlds."""


def _world(dak: Dak, tid: str) -> dict[str, Any]:
    snap = dak.client.get(f"{T}/{tid}/snapshot").json()
    return {k: v for k, v in snap.items() if k not in IDENTITY}


def _settings() -> dict[str, Any]:
    """A clock start no other test uses, so that the first tenant built with it is built live."""
    unique = secrets.randbelow(1_000_000)
    return {"clock": {"start": "2027-01-01T00:00:00Z", "mode": "manual"},
            "timezone": "Europe/Prague", "daktela": {"trunk": f"t{unique}"}}


def _create(dak: Dak, tid: str, settings: dict[str, Any], seed: int = 5) -> None:
    r = dak.client.post(T, json={"id": tid, "seed": seed, "settings": settings})
    assert r.status_code == 201, r.text


def _advance(dak: Dak, tid: str, seconds: float) -> None:
    assert dak.client.post(f"{T}/{tid}/clock/advance", json={"seconds": seconds}).status_code == 200


def test_a_copy_is_the_live_built_world_and_copies_share_nothing(dak: Dak) -> None:
    settings = _settings()
    _create(dak, "live", settings)  # built live, and kept
    start = _world(dak, "live")
    token = dak.client.get(f"{T}/live").json()["credentials"]["access_token"]
    # the live one changes in every way: the API, records, SMS, the clock
    assert dak.call("UpdateUser", "4.0", token=token, name="admin", title="Jiný").status_code == 200
    assert dak.call("CreateRecord", token=token, queue="2003", phonenumber="603444555").status_code == 200
    assert dak.call("SendSMS", "3.1", token=token, number="603111299", message="Ahoj").status_code == 200
    _advance(dak, "live", 600)
    _create(dak, "copy", settings)  # a copy of what the live build made
    assert _world(dak, "copy") == start
    copy_token = dak.client.get(f"{T}/copy").json()["credentials"]["access_token"]
    assert dak.call("UpdateUser", "4.0", token=copy_token, name="admin", title="Třetí").status_code == 200
    changed = dak.call("CreateQueue", "3.0", token=copy_token, id="4", number="5000", title="Prodej", direction="in",
                       wrapuptime="99", callback_callend="http://crm.example/x")  # the queue's options
    assert changed.status_code == 200 and changed.json()["status"] == 1, changed.text
    _create(dak, "third", settings)
    assert _world(dak, "third") == start
    assert dak.client.post(f"{T}/live/reset").status_code == 200  # a reset is a copy too
    assert _world(dak, "live") == start
    assert dak.ok("GetUsers", "4.0", token=dak.client.get(f"{T}/live").json()["credentials"]["access_token"])[
        "1"]["title"] == "Administrator"
    assert dak.ok("GetUsers", "4.0", token=TOKEN)["1"]["title"] == "Administrator"  # the default's own


def test_a_copy_goes_on_as_the_live_built_world_does(dak: Dak) -> None:
    """The calls in progress end, the waiting call rings on, the scheduled SMS go out: timers,
    indexes and the engines' state travel with the copy."""
    settings = _settings()
    _create(dak, "live", settings, seed=9)
    _advance(dak, "live", 3600)
    _create(dak, "copy", settings, seed=9)
    _advance(dak, "copy", 3600)
    live, copy = _world(dak, "live"), _world(dak, "copy")
    assert live["events"] and live["events"] == copy["events"]
    assert live == copy


def test_copies_made_before_either_is_read_keep_their_own_records(dak: Dak) -> None:
    """A copy's collections are made at their first use, from the template's bytes: the one
    read first after the other changed its records still sees the seed's."""
    settings = _settings()
    _create(dak, "live", settings)
    start = _world(dak, "live")
    _create(dak, "first", settings)
    _create(dak, "second", settings)
    token = dak.client.get(f"{T}/first").json()["credentials"]["access_token"]
    assert dak.call("CreateRecord", token=token, queue="2003", phonenumber="603444555").status_code == 200
    assert dak.call("SendSMS", "3.1", token=token, number="603111299", message="Ahoj").status_code == 200
    assert _world(dak, "first") != start
    assert _world(dak, "second") == start


def test_a_copy_never_read_takes_a_restored_snapshot_whole(dak: Dak) -> None:
    """A restore into a copy whose store was never used replaces the records it would have made."""
    settings = _settings()
    _create(dak, "live", settings)
    token = dak.client.get(f"{T}/live").json()["credentials"]["access_token"]
    assert dak.call("CreateRecord", token=token, queue="2003", phonenumber="603444555").status_code == 200
    assert dak.call("SendSMS", "3.1", token=token, number="603111299", message="Ahoj").status_code == 200
    changed = _world(dak, "live")
    snap = dak.client.get(f"{T}/live/snapshot").json()
    _create(dak, "copy", settings)
    assert dak.client.post(f"{T}/copy/restore", json=snap).status_code == 200
    assert _world(dak, "copy") == changed


def test_a_copys_morning_webhooks_go_out_as_the_live_builds_do(dak: Dak) -> None:
    """With a webhook URL in the settings, the seed's morning makes deliveries to it: they go out
    for a tenant built live, for a copy (whose outbox is made when first read) and after a reset."""
    crm = Crm()
    try:
        settings = {**_settings(), "webhooks": {"url": crm.url("/crm")}}
        _create(dak, "live", settings)
        morning = len(dak.client.get(f"{T}/live/journal/webhooks").json())
        assert morning > 0
        wait_until(lambda: len(crm.got("/crm")) == morning, what="the live build's morning hooks")
        _create(dak, "copy", settings)
        wait_until(lambda: len(crm.got("/crm")) == 2 * morning, what="the copy's morning hooks")
        assert dak.client.post(f"{T}/copy/reset").status_code == 200
        wait_until(lambda: len(crm.got("/crm")) == 3 * morning, what="the morning hooks after a reset")
        sent = [sorted(map(str, crm.got("/crm")[n * morning:(n + 1) * morning])) for n in range(3)]
        assert sent[0] == sent[1] == sent[2]
    finally:
        crm.close()
