"""The virtual clock: manual, auto and realtime modes; ordering of due timers; persistence.

The clock has no HTTP surface of its own, so it is tested directly here; the same behaviour
through the control plane is in tests/control/test_clock_api.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.core.clock import Clock, ClockError, Timer

START = 1_767_621_600.0  # 2026-01-05T14:00:00Z


def recording(clock: Clock) -> list[tuple[float, str, Any]]:
    """Bind a fire function that records (virtual now, kind, payload tag) of every timer run."""
    fired: list[tuple[float, str, Any]] = []
    clock.bind(lambda timer: fired.append((clock.now(), timer.kind, timer.payload.get("tag"))))
    return fired


class FakeWall:
    """An injected wall clock: time moves only when the test says so (no sleeping)."""

    def __init__(self, at: float = 1000.0) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


# -- manual ----------------------------------------------------------------------------------
def test_manual_time_moves_only_on_advance() -> None:
    wall = FakeWall()
    clock = Clock(START, "manual", wall=wall)
    wall.at += 3600
    assert clock.sync() == 0
    assert clock.now() == START
    clock.advance(1.5)
    assert clock.now() == START + 1.5


def test_due_timers_fire_in_order_each_at_its_own_time() -> None:
    clock = Clock(START)
    fired = recording(clock)
    clock.call_later(30, "k", tag="c")
    clock.call_later(10, "k", tag="a")
    clock.call_later(20, "k", tag="b")
    clock.call_later(99, "k", tag="later")
    assert clock.advance(60) == 3
    assert fired == [(START + 10, "k", "a"), (START + 20, "k", "b"), (START + 30, "k", "c")]
    assert clock.now() == START + 60
    assert clock.pending() == 1
    assert clock.peek() == START + 99


def test_ties_fire_in_the_order_they_were_set() -> None:
    clock = Clock(START)
    fired = recording(clock)
    for tag in ("first", "second", "third"):
        clock.call_at(START + 5, "k", tag=tag)
    clock.call_at(START + 4, "k", tag="earlier")
    clock.advance(5)
    assert [f[2] for f in fired] == ["earlier", "first", "second", "third"]


def test_a_timer_set_by_a_firing_timer_fires_in_the_same_advance_if_due() -> None:
    clock = Clock(START)
    fired: list[tuple[float, str]] = []

    def fire(timer: Timer) -> None:
        fired.append((clock.now(), timer.payload["tag"]))
        if timer.payload["tag"] == "first":
            clock.call_later(5, "k", tag="chained")     # due at +15, inside the advance
            clock.call_later(500, "k", tag="too late")  # outside it

    clock.bind(fire)
    clock.call_later(10, "k", tag="first")
    clock.advance(20)
    assert fired == [(START + 10, "first"), (START + 15, "chained")]
    assert clock.pending() == 1


def test_cancelled_timers_do_not_fire() -> None:
    clock = Clock(START)
    fired = recording(clock)
    clock.call_later(1, "ring", call="c1", tag="x")
    clock.call_later(2, "ring", call="c2", tag="y")
    clock.call_later(3, "other", call="c1", tag="z")
    assert clock.cancel_where("ring", call="c1") == 1
    clock.advance(10)
    assert [f[2] for f in fired] == ["y", "z"]


def test_a_timer_set_in_the_past_fires_now_not_before() -> None:
    clock = Clock(START)
    fired = recording(clock)
    clock.call_at(START - 100, "k", tag="late")
    clock.advance(0)
    assert fired == [(START, "k", "late")]


def test_advance_to_backwards_is_refused_and_changes_nothing() -> None:
    clock = Clock(START)
    fired = recording(clock)
    clock.call_later(5, "k", tag="t")
    with pytest.raises(ClockError):
        clock.advance_to(START - 1)
    with pytest.raises(ClockError):
        clock.advance(-0.001)
    assert clock.now() == START and fired == [] and clock.pending() == 1


def test_moving_the_clock_from_inside_a_timer_is_refused() -> None:
    clock = Clock(START)
    errors: list[Exception] = []

    def fire(timer: Timer) -> None:
        try:
            clock.advance(1)
        except ClockError as exc:
            errors.append(exc)

    clock.bind(fire)
    clock.call_later(1, "k")
    clock.advance(2)
    assert len(errors) == 1 and clock.now() == START + 2


@settings(max_examples=60, deadline=None)
@given(delays=st.lists(st.integers(0, 50), max_size=25),
       steps=st.lists(st.integers(0, 30), min_size=1, max_size=6))
def test_any_advances_fire_every_due_timer_once_in_due_then_set_order(
        delays: list[int], steps: list[int]) -> None:
    clock = Clock(START)
    fired = recording(clock)
    for i, delay in enumerate(delays):
        clock.call_later(delay, "k", tag=i)
    for step in steps:
        clock.advance(step)
    end = START + sum(steps)
    expected = sorted((START + d, i) for i, d in enumerate(delays) if START + d <= end)
    assert [(at, tag) for at, _, tag in fired] == expected
    assert clock.pending() == sum(1 for d in delays if START + d > end)


# -- auto (step) -----------------------------------------------------------------------------
def test_step_jumps_to_the_next_timer_and_fires_everything_due_then() -> None:
    clock = Clock(START, "auto")
    fired = recording(clock)
    clock.call_later(40, "k", tag="b1")
    clock.call_later(40, "k", tag="b2")
    clock.call_later(90, "k", tag="c")
    assert clock.step() is True
    assert clock.now() == START + 40 and [f[2] for f in fired] == ["b1", "b2"]
    assert clock.step() is True
    assert clock.now() == START + 90
    assert clock.step() is False
    assert clock.now() == START + 90


# -- realtime --------------------------------------------------------------------------------
def test_realtime_follows_the_injected_wall_clock_times_speed() -> None:
    wall = FakeWall()
    clock = Clock(START, "realtime", speed=10.0, wall=wall)
    fired = recording(clock)
    clock.call_later(12, "k", tag="at12")
    clock.call_later(16, "k", tag="at16")
    wall.at += 1.5  # 1.5 wall seconds = 15 virtual seconds
    assert clock.sync() == 1
    assert clock.now() == START + 15
    assert fired == [(START + 12, "k", "at12")]
    wall.at += 0.1
    clock.sync()
    assert clock.now() == pytest.approx(START + 16)
    assert [f[2] for f in fired] == ["at12", "at16"]


def test_realtime_never_goes_backwards_when_the_wall_does() -> None:
    wall = FakeWall()
    clock = Clock(START, "realtime", wall=wall)
    wall.at += 10
    clock.sync()
    wall.at -= 5
    assert clock.sync() == 0
    assert clock.now() == START + 10


def test_an_advance_in_realtime_mode_moves_the_anchor_too() -> None:
    wall = FakeWall()
    clock = Clock(START, "realtime", speed=2.0, wall=wall)
    clock.advance(100)
    wall.at += 1
    clock.sync()
    assert clock.now() == START + 102


def test_set_mode_keeps_time_and_changes_speed() -> None:
    wall = FakeWall()
    clock = Clock(START, "manual", wall=wall)
    wall.at += 50  # ignored while manual
    clock.set_mode("realtime", speed=4.0)
    assert clock.now() == START
    wall.at += 2
    clock.sync()
    assert clock.now() == START + 8
    wall.at += 1
    clock.set_mode("manual")  # syncs first: the elapsed second counts
    assert clock.now() == START + 12
    wall.at += 100
    assert clock.sync() == 0 and clock.now() == START + 12


@pytest.mark.parametrize("mode, speed", [("sideways", None), ("realtime", 0.0), ("realtime", -1.0)])
def test_bad_mode_or_speed_is_refused(mode: str, speed: float | None) -> None:
    clock = Clock(START)
    with pytest.raises(ClockError):
        clock.set_mode(mode, speed)  # type: ignore[arg-type]
    assert clock.mode == "manual" and clock.speed == 1.0


# -- persistence -----------------------------------------------------------------------------
def test_to_dict_and_load_keep_time_timers_and_sequence() -> None:
    clock = Clock(START)
    clock.call_later(5, "a", tag=1)
    clock.call_later(5, "b", tag=2)
    dropped = clock.call_later(7, "c", tag=3)
    dropped.cancelled = True
    clock.advance(1)
    data = clock.to_dict()
    copy = Clock(0.0)
    fired = recording(copy)
    copy.load(data)
    assert copy.to_dict() == data
    copy.call_at(START + 6, "a", tag=4)  # a new timer gets a later sequence number than restored ones
    copy.advance(10)
    assert [(at - START, tag) for at, _, tag in fired] == [(5, 1), (5, 2), (6, 4)]
