"""More callback URLs than the dispatcher sends to at once (``DRAINS_PER_TENANT``): with an SMS
callback URL per message, on a live server, every callback still arrives, once."""

from __future__ import annotations

from typing import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from emulators.core.webhooks import DRAINS_PER_TENANT
from emulators.pytest_plugin import LiveServer
from emulators.registry import Registry
from emulators.server import listener_app
from emulators.vendors import load_vendors

from .helpers import TOKEN, T
from support.clock import FIXED_CLOCK
from support.harness import Receiver, wait_until


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rx = Receiver().up()
    yield rx
    rx.down()


def test_a_callback_url_per_message_past_the_drain_limit_all_arrive(receiver: Receiver) -> None:
    count = DRAINS_PER_TENANT * 2 + 17
    spec = load_vendors(["daktela"])["daktela"]
    registry = Registry({"daktela": spec}, settings=FIXED_CLOCK)
    with LiveServer(listener_app(registry, spec, spec.listeners[0])) as server, \
            httpx.Client(base_url=server.url, timeout=30) as client:
        def ok(action: str, **params: str) -> None:
            r = client.post(f"/api/3.1/{action}/json", data={"access_token": TOKEN, **params})
            assert r.status_code == 200 and r.json()["status"] == 1, r.text
        ok("SetSMSSettings", outgoing_callback=receiver.url + "?sms=$id&to=$number")
        ok("SendGroupSMS", message="Ahoj", **{f"number[{i}]": f"60{i:07d}" for i in range(count)})
        r = client.post(f"{T}/default/clock/advance", json={"seconds": 2 * count})  # 2 SIM ports, 3 s each
        assert r.status_code == 200, r.text
        wait_until(lambda: len(receiver.received) >= count, what=f"{count} callbacks")
        got = [dict(parse_qsl(urlsplit(x["path"]).query)) for x in receiver.received]
        assert sorted(q["to"] for q in got) == [f"60{i:07d}" for i in range(count)]
        assert len({q["sms"] for q in got}) == count  # a URL of its own each, sent once
        sent = [d for d in registry.get("daktela", "default").outbox.deliveries if d.url]
        assert len({d.url for d in sent}) == count
        wait_until(lambda: all(d.state == "delivered" for d in sent), what="every delivery journalled delivered")
        assert all(len(d.attempts) == 1 for d in sent)
