"""The clock's timer index (added for the busy day's speed) changes nothing: against a plain
list of timers, the same operations fire the same timers in the same order."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.core.clock import Clock

KINDS = ["leg.answer", "leg.timeout", "call.hangup", "odd"]
VALUES = st.sampled_from(["c1", "c2", "c3", 1, 1.0, True, None, "x"])
OPS = st.lists(st.one_of(
    st.tuples(st.just("set"), st.integers(0, 50), st.sampled_from(KINDS),
              st.dictionaries(st.sampled_from(["call", "leg", "agent"]), VALUES, max_size=3)),
    st.tuples(st.just("cancel"), st.sampled_from(KINDS),
              st.dictionaries(st.sampled_from(["call", "leg", "agent"]), VALUES, max_size=2)),
    st.tuples(st.just("advance"), st.integers(0, 30)),
), max_size=60)


class Plain:
    """The reference: every timer in a list, cancel by scanning them all."""

    def __init__(self) -> None:
        self.now, self.seq, self.timers = 0.0, 0, []  # type: ignore[var-annotated]

    def set(self, delay: int, kind: str, payload: dict[str, Any]) -> None:
        self.seq += 1
        self.timers.append([self.now + delay, self.seq, kind, payload, False])

    def cancel(self, kind: str, match: dict[str, Any]) -> int:
        n = 0
        for t in self.timers:
            if not t[4] and t[2] == kind and all(t[3].get(k) == v for k, v in match.items()):
                t[4] = True
                n += 1
        return n

    def advance(self, seconds: int) -> list[int]:
        target = self.now + seconds
        due = sorted(t for t in self.timers if t[0] <= target and not t[4])
        self.timers = [t for t in self.timers if t[0] > target]
        self.now = target
        return [t[1] for t in due]


@settings(max_examples=60, deadline=None)
@given(ops=OPS, compact_at=st.sampled_from([0, 2, 256]))
def test_indexed_clock_behaves_like_a_plain_list(ops: list[tuple[Any, ...]], compact_at: int) -> None:
    fired: list[int] = []
    clock = Clock(0.0)
    clock.COMPACT_AT = compact_at
    clock.bind(lambda timer: fired.append(timer.seq))
    plain = Plain()
    for op in ops:
        if op[0] == "set":
            clock.call_later(op[1], op[2], **op[3])
            plain.set(op[1], op[2], op[3])
        elif op[0] == "cancel":
            assert clock.cancel_where(op[1], **op[2]) == plain.cancel(op[1], op[2])
        else:
            fired.clear()
            clock.advance(op[1])
            assert fired == plain.advance(op[1])
    assert clock.pending() == sum(1 for t in plain.timers if not t[4])
    restored = Clock(0.0)
    restored.load(clock.to_dict())
    for kind in KINDS:
        for value in ["c1", "c2", 1, True]:
            assert restored.cancel_where(kind, call=value) == plain.cancel(kind, {"call": value})
