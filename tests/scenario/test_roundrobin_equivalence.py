"""Round robin's faster choice (added for the busy day) picks exactly what the original
strategy function picks from the eligible members, and moves the rotation the same way."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.core.agents import Agent
from emulators.core.queues import Member, Queue, _roundrobin, _roundrobin_lazy, eligible

IDS = st.sampled_from([f"a{k}" for k in range(6)])


@settings(max_examples=300, deadline=None)
@given(ids=st.lists(IDS, max_size=8), flags=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=8,
                                                     max_size=8),
       states=st.dictionaries(IDS, st.sampled_from(["idle", "on_call", "ringing", "offline"])),
       start=st.integers(0, 7), exclude=st.sets(IDS, max_size=2))
def test_lazy_round_robin_equals_the_strategy(ids: list[str], flags: list[tuple[bool, bool]],
                                              states: dict[str, str], start: int, exclude: set[str]) -> None:
    members = [Member(i, logged_in=flags[n][0], paused=flags[n][1]) for n, i in enumerate(ids)]
    agents = {a: Agent(id=a, name=a, extension=a[1:], state=s) for a, s in states.items()}
    original = Queue(id="q", number="1", name="q", strategy="roundrobin", members=members,
                     rr_index=start % len(members) if members else 0)
    lazy = copy.deepcopy(original)
    candidates = eligible(original, agents, exclude)
    expected = _roundrobin(original, candidates) if candidates else []
    assert _roundrobin_lazy(lazy, agents, exclude) == expected
    assert lazy.rr_index == original.rr_index
