"""``Clock.cancel_any`` (one index look-up for several timer kinds, used by the call engine) does
what ``cancel_where`` once per kind does: the same timers cancelled, the same ones fire, in the
same order, and the same ones survive a snapshot."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.core.clock import Clock

KINDS = ["leg.answer", "leg.timeout", "call.hangup", "odd"]
VALUES = st.sampled_from(["c1", "c2", 1, 1.0, True, None, float("nan")])
PAYLOADS = st.dictionaries(st.sampled_from(["call", "leg", "agent"]), VALUES, max_size=3)
OPS = st.lists(st.one_of(
    st.tuples(st.just("set"), st.integers(0, 50), st.sampled_from(KINDS), PAYLOADS),
    st.tuples(st.just("cancel"), st.lists(st.sampled_from(KINDS), max_size=3, unique=True),
              st.dictionaries(st.sampled_from(["call", "leg", "agent"]), VALUES, max_size=2)),
    st.tuples(st.just("advance"), st.integers(0, 30)),
), max_size=60)


@settings(max_examples=60, deadline=None)
@given(ops=OPS, compact_at=st.sampled_from([0, 2, 256]))
def test_cancel_any_is_cancel_where_per_kind(ops: list[tuple[Any, ...]], compact_at: int) -> None:
    together, one_by_one = Clock(0.0), Clock(0.0)
    fired: dict[int, list[int]] = {id(together): [], id(one_by_one): []}
    for clock in (together, one_by_one):
        clock.COMPACT_AT = compact_at
        clock.bind(lambda timer, c=clock: fired[id(c)].append(timer.seq))
    for op in ops:
        if op[0] == "set":
            together.call_later(op[1], op[2], **op[3])
            one_by_one.call_later(op[1], op[2], **op[3])
        elif op[0] == "cancel":
            n = together.cancel_any(tuple(op[1]), **op[2])
            assert n == sum(one_by_one.cancel_where(kind, **op[2]) for kind in op[1])
        else:
            together.advance(op[1])
            one_by_one.advance(op[1])
            assert fired[id(together)] == fired[id(one_by_one)]
    assert together.pending() == one_by_one.pending()
    assert repr(together.to_dict()) == repr(one_by_one.to_dict())  # repr: NaN != NaN


def test_a_nan_never_matches_like_in_a_plain_comparison() -> None:
    clock = Clock(0.0)
    nan = float("nan")
    clock.call_later(5, "k", call=nan)
    assert clock.cancel_where("k", call=nan) == 0
    assert clock.cancel_any(("k",), call=nan) == 0
    assert clock.pending() == 1


def test_only_the_timers_matching_every_pair_go() -> None:
    clock = Clock(0.0)
    fired: list[tuple[str, Any]] = []
    clock.bind(lambda timer: fired.append((timer.kind, timer.payload.get("leg"))))
    for leg in (1, 2):
        clock.call_later(5, "leg.timeout", call="c1", leg=leg)
        clock.call_later(4, "leg.answer", call="c1", leg=leg)
    clock.call_later(6, "call.hangup", call="c1")
    assert clock.cancel_any(("leg.answer", "leg.timeout"), call="c1", leg=2) == 2
    assert clock.cancel_any(("call.hangup", "park.timeout"), call="c2") == 0
    clock.advance(10)
    assert fired == [("leg.answer", 1), ("leg.timeout", 1), ("call.hangup", None)]
