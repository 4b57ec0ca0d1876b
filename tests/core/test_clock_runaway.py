"""The clock's runaway guard: a subject that keeps setting timers due at once is stopped at
``SAME_INSTANT_LIMIT``, the clock still reaches its target, and nothing healthy is touched.

The clock has no HTTP surface of its own; the guard through a tenant, the engine and the
control plane is in tests/engine/test_runaway_guard.py.
"""

from __future__ import annotations

from typing import Any

from emulators.core.clock import RUNAWAY, SAME_INSTANT_LIMIT, Clock, Timer

START = 1_767_621_600.0


class Looper:
    """A fire function with a bug: every ``loop`` timer sets itself again, due at once."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.fired: list[tuple[float, str, dict[str, Any]]] = []
        clock.bind(self.fire)

    def fire(self, timer: Timer) -> None:
        self.fired.append((self.clock.now(), timer.kind, timer.payload))
        if timer.kind == "loop":
            self.clock.call_later(0, "loop", **timer.payload)

    def count(self, kind: str, **match: Any) -> int:
        return sum(1 for _, k, p in self.fired if k == kind and all(p.get(a) == b for a, b in match.items()))


def test_a_zero_delay_loop_is_stopped_and_the_clock_reaches_its_target() -> None:
    clock = Clock(START)
    looper = Looper(clock)
    clock.call_later(5, "loop", call="c1", leg="x")
    clock.call_later(9, "tick", call="c1")
    fired = clock.advance(10)
    assert clock.now() == START + 10
    # the first was set before the instant; then the limit of chained ones; then the stop
    assert looper.count("loop", call="c1") == 1 + SAME_INSTANT_LIMIT
    runaway = [(at, p) for at, k, p in looper.fired if k == RUNAWAY]
    assert runaway == [(START + 5, {"subject": {"call": "c1"}, "timer": "loop", "limit": SAME_INSTANT_LIMIT})]
    assert looper.count("tick", call="c1") == 1  # its later timers are untouched
    assert fired == 1 + SAME_INSTANT_LIMIT + 1
    assert clock.pending() == 0


def test_other_subjects_at_the_same_instant_keep_running() -> None:
    clock = Clock(START)
    looper = Looper(clock)
    clock.call_later(1, "loop", call="bad")
    for n in range(5):
        clock.call_later(1, "ok", call="good", n=n)
    clock.advance(1)
    assert looper.count("ok", call="good") == 5
    assert [p["subject"] for _, k, p in looper.fired if k == RUNAWAY] == [{"call": "bad"}]


def test_timers_set_before_their_instant_never_count() -> None:
    """A big ring group's ring time-outs all fall due at one instant: that is no loop."""
    clock = Clock(START)
    looper = Looper(clock)
    n = 3 * SAME_INSTANT_LIMIT
    for i in range(n):
        clock.call_later(15, "leg.timeout", call="c1", leg=i)
    assert clock.advance(20) == n
    assert looper.count("leg.timeout") == n and looper.count(RUNAWAY) == 0


def test_the_count_is_per_instant() -> None:
    """A chain that stops just under the limit, once a second, never trips the guard."""
    clock = Clock(START)
    fired: list[float] = []

    def fire(timer: Timer) -> None:
        fired.append(clock.now())
        n = timer.payload["n"] + 1
        if n < SAME_INSTANT_LIMIT:  # the next link, due at once
            clock.call_later(0, "chain", call="c1", n=n)
        else:  # the chain ends here; a new one starts a second later
            clock.call_later(1, "chain", call="c1", n=0)

    clock.bind(fire)
    clock.call_later(0, "chain", call="c1", n=0)
    clock.advance(3.5)
    assert clock.now() == START + 3.5
    assert len(fired) == 4 * SAME_INSTANT_LIMIT  # instants 0, 1, 2 and 3, all complete
    assert sorted(set(fired)) == [START, START + 1, START + 2, START + 3]


def test_timers_set_between_advances_at_one_instant_count_together() -> None:
    """Requests at the current instant set timers due now, and advancing by 0 runs them: the
    guard sees one instant, however many advances it takes."""
    clock = Clock(START)
    looper = Looper(clock)
    half = SAME_INSTANT_LIMIT // 2
    for _ in range(3):
        for n in range(half):
            clock.call_later(0, "ring", call="c1", n=n)
        clock.advance(0)
    assert clock.now() == START
    assert looper.count("ring", call="c1") == SAME_INSTANT_LIMIT
    assert looper.count(RUNAWAY) == 1
    clock.call_later(0, "ring", call="c1", n=0)  # still this instant: dropped
    clock.call_later(1, "ring", call="c1", n=1)  # the next instant counts afresh
    clock.advance(1)
    assert looper.count("ring", call="c1") == SAME_INSTANT_LIMIT + 1
    assert looper.fired[-1] == (START + 1, "ring", {"call": "c1", "n": 1})


def test_auto_steps_end_even_on_a_loop() -> None:
    clock = Clock(START, "auto")
    looper = Looper(clock)
    clock.call_later(3, "loop", agent="a1")
    clock.call_later(4, "later", agent="a1")
    assert clock.step() is True
    assert clock.now() == START + 3
    assert [p["subject"] for _, k, p in looper.fired if k == RUNAWAY] == [{"agent": "a1"}]
    assert clock.step() is True and looper.count("later") == 1
    assert clock.step() is False


def test_a_subject_without_a_plain_first_value_is_its_kind() -> None:
    clock = Clock(START)
    looper = Looper(clock)
    clock.call_later(0, "loop", ids=["x"])
    clock.advance(1)
    runaway = [p for _, k, p in looper.fired if k == RUNAWAY]
    assert runaway == [{"subject": {}, "timer": "loop", "limit": SAME_INSTANT_LIMIT}]


def test_restore_starts_a_fresh_count() -> None:
    clock = Clock(START)
    clock.call_later(0, "loop", call="c1")
    saved = clock.to_dict()
    again = Clock(0)
    looper = Looper(again)
    again.load(saved)
    again.advance(0)
    # the restored timer was set before the restore: it is not chained, its successors are
    assert looper.count("loop") == 1 + SAME_INSTANT_LIMIT and looper.count(RUNAWAY) == 1
