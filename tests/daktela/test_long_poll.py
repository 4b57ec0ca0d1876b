"""RTUserState 4.0 with ``hash``: the answer waits for a change of the operator's state, or
until the wait is over, and never blocks other requests meanwhile."""

from __future__ import annotations

import threading
import time
from typing import Any

from .conftest import Dak


def test_an_unchanged_state_waits_then_answers_the_same(dak: Dak) -> None:
    dak.settings({"daktela": {"long_poll_seconds": 0.5}})
    first = dak.ok("RTUserState", "4.0", user="sedlacek")
    assert len(first["hash"]) == 40
    started = time.monotonic()
    again = dak.ok("RTUserState", "4.0", user="sedlacek", hash=first["hash"])
    assert time.monotonic() - started >= 0.4 and again == first
    other = dak.ok("RTUserState", "4.0", user="sedlacek", hash="0" * 40)  # an old hash: at once
    assert other == first


def test_a_change_answers_at_once(dak: Dak) -> None:
    dak.settings({"daktela": {"long_poll_seconds": 30}})
    first = dak.ok("RTUserState", "4.0", user="sedlacek")
    box: dict[str, Any] = {}

    def poll() -> None:
        box["started"] = time.monotonic()
        box["result"] = dak.ok("RTUserState", "4.0", user="sedlacek", hash=first["hash"])
        box["took"] = time.monotonic() - box["started"]

    waiter = threading.Thread(target=poll)
    waiter.start()
    time.sleep(0.3)
    dak.ok("PauseOff", "3.0", user="sedlacek")  # served while the poll waits
    waiter.join(10)
    assert box["took"] < 5
    assert box["result"]["agent_state"] == "Idle" and box["result"]["hash"] != first["hash"]


def test_the_tenant_clock_ends_the_wait_after_sixty_seconds(dak: Dak) -> None:
    dak.settings({"daktela": {"long_poll_seconds": 30}})
    first = dak.ok("RTUserState", "4.0", user="sedlacek")
    box: dict[str, Any] = {}
    waiter = threading.Thread(target=lambda: box.update(r=dak.ok("RTUserState", "4.0", user="sedlacek",
                                                                  hash=first["hash"])))
    waiter.start()
    time.sleep(0.3)
    dak.advance(61)  # nothing about sedlacek changes, but a minute passes on the clock
    waiter.join(5)
    assert not waiter.is_alive() and box["r"]["hash"] == first["hash"]
