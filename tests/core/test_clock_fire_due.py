"""``Clock.fire_due`` (the scenario runner's instants in one go) fires what ``advance_to`` one
instant at a time fires, in the same order at the same instants, asks ``stop`` once before
each later instant, and stops there: standing at the last instant fired, the next timer kept."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.core.clock import Clock

TIMERS = st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["a", "b"]), st.sampled_from(["c1", "c2"]),
                            st.integers(-1, 6)), max_size=25)
"""(delay, kind, call, follow-up delay: a handler sets one more timer that much later; -1 none)."""


def _clock(timers: list[tuple[int, str, str, int]], cancel: list[int]) -> tuple[Clock, list[tuple[float, int]]]:
    clock = Clock(0.0)
    fired: list[tuple[float, int]] = []

    def fire(timer: Any) -> None:
        fired.append((clock.now(), timer.seq))
        follow = timer.payload.get("then", -1)
        if follow >= 0 and timer.seq < 60:  # a follow-up's own follow-up, a bounded chain
            clock.call_later(follow, timer.kind, call=timer.payload["call"], then=follow - 1)

    clock.bind(fire)
    for delay, kind, call, then in timers:
        clock.call_later(delay, kind, call=call, then=then)
    for k in cancel:
        clock.cancel_where("a" if k % 2 else "b", call=f"c{k % 3}")
    return clock, fired


@settings(max_examples=200, deadline=None)
@given(timers=TIMERS, cancel=st.lists(st.integers(0, 5), max_size=3), stops=st.lists(st.integers(1, 4), max_size=6))
def test_fire_due_is_advance_to_instant_by_instant(timers: list[tuple[int, str, str, int]], cancel: list[int],
                                                   stops: list[int]) -> None:
    reference, expected = _clock(timers, cancel)
    while (due := reference.peek()) is not None and due <= 30:
        reference.advance_to(due)

    clock, fired = _clock(timers, cancel)
    rounds = list(stops)
    while (due := clock.peek()) is not None and due <= 30:
        allowed = rounds.pop(0) if rounds else 10**6  # instants this call may fire
        asked: list[float] = []

        def stop(asked: list[float] = asked, allowed: int = allowed) -> bool:
            asked.append(clock.now())
            return len(asked) >= allowed

        before = len(fired)
        clock.fire_due(30, stop)
        instants = sorted({at for at, _ in fired[before:]})
        assert instants and instants[0] == due
        assert len(instants) <= allowed
        assert clock.now() == instants[-1]  # standing at the last instant fired, not at 30
        assert asked == instants[:len(asked)] and len(asked) in (len(instants), len(instants) - 1)
        nxt = clock.peek()
        assert nxt is None or nxt > clock.now()
    assert fired == expected
