"""The call log: every call of a tenant (the shared seed history and its own calls) in start
order, with indexes, so a time window or a filter reads only the calls it answers with.

Two parts, one order. The seed part indexes the immutable history tuple once and is shared by
every tenant pointing at that tuple (a reset or a new tenant costs nothing here); the own part
indexes ``Tenant.calls`` as it grows. Both are kept in (start, arrival) order, so a window is
two bisections and a newest-first page walks back from the window's end.

Indexes are *candidates*: per queue (``queue_id``), per agent (``user_id``, ``answered_by``,
``agent_id`` and every leg's agent) and per number (``caller``, ``callee``, ``did`` and every
leg's party: extensions are numbers here). A caller filters the candidates with its own
predicate, so any predicate on those fields gets exactly the calls a full scan finds. A call
in progress can still change (an agent answers, a transfer), so the own part indexes a call's
keys only once it has ended and offers every live call in the window as a candidate.

The log follows ``Tenant.history`` and ``Tenant.calls`` by itself (``sync``): a new tuple, a
replaced or cleared dict (reset, restore, a scenario's world) rebuild the part concerned; new
calls are read from the end of the dict.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, insort
from itertools import islice
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence
from weakref import WeakKeyDictionary

from .calls import ENDED, Call

if TYPE_CHECKING:
    from .world import Tenant

QUEUE, AGENT, NUMBER = "queue", "agent", "number"
_SEED_INDEXES_MAX = 64
"""Seed indexes kept (one per distinct history tuple; a process has a handful)."""


def keys_of(call: Call) -> Iterator[tuple[str, str]]:
    """Every (kind, value) under which ``call`` is a candidate (duplicates possible)."""
    if call.queue_id is not None:
        yield QUEUE, call.queue_id
    for agent in (call.user_id, call.answered_by, call.agent_id):
        if agent is not None:
            yield AGENT, agent
    for number in (call.caller, call.callee, call.did):
        if number:
            yield NUMBER, number
    for leg in call.legs:
        if leg.agent_id is not None:
            yield AGENT, leg.agent_id
        if leg.party:
            yield NUMBER, leg.party


def _index(calls: Iterable[Call], into: dict[tuple[str, str], array], start: int = 0) -> None:
    """Add the positions of ``calls`` (numbered from ``start``) to the posting arrays."""
    for pos, call in enumerate(calls, start):
        for key in set(keys_of(call)):
            posting = into.get(key)
            if posting is None:
                posting = into[key] = array("q")
            posting.append(pos)


class _SeedIndex:
    """One immutable history tuple, ordered by start, with its postings (shared)."""

    __slots__ = ("calls", "starts", "postings")

    def __init__(self, history: Sequence[Call]) -> None:
        calls: Sequence[Call] = history
        starts = array("d", (c.created_at for c in calls))
        if any(starts[i] > starts[i + 1] for i in range(len(starts) - 1)):
            calls = sorted(history, key=lambda c: c.created_at)  # stable: ties keep their order
            starts = array("d", (c.created_at for c in calls))
        self.calls = calls
        self.starts = starts
        self.postings: dict[tuple[str, str], array] = {}
        _index(calls, self.postings)


_SEED_INDEXES: dict[int, tuple[Sequence[Call], _SeedIndex]] = {}
"""id(history tuple) -> (the tuple, kept alive so the id stays its own, its index)."""


def seed_index(history: Sequence[Call]) -> _SeedIndex:
    hit = _SEED_INDEXES.get(id(history))
    if hit is not None and hit[0] is history:
        return hit[1]
    index = _SeedIndex(history)
    if len(_SEED_INDEXES) >= _SEED_INDEXES_MAX:
        _SEED_INDEXES.pop(next(iter(_SEED_INDEXES)))
    _SEED_INDEXES[id(history)] = (history, index)
    return index


class CallLog:
    """A tenant's calls in start order, with windows and candidate indexes (see the module)."""

    def __init__(self) -> None:
        self._history: Sequence[Call] | None = None
        self._seed: _SeedIndex = seed_index(())
        self._source: dict[str, Call] | None = None
        self._last: Call | None = None
        self._count = 0
        self._reset_own()

    def _reset_own(self) -> None:
        self._own: list[Call] = []
        self._own_starts = array("d")
        self._own_postings: dict[tuple[str, str], array] = {}
        self._live: list[Call] = []
        """Own calls not ended when last seen: candidates for every key until they end."""

    # -- following the tenant --------------------------------------------------------------
    def sync(self, history: Sequence[Call], calls: dict[str, Call]) -> None:
        if history is not self._history:
            self._seed = seed_index(history)
            self._history = history
        count = len(calls)
        if calls is not self._source or count < self._count or (
                count == self._count and count and next(reversed(calls.values())) is not self._last):
            self._reset_own()
            self._source, self._count, self._last = calls, 0, None
        if count > self._count:
            tail = list(islice(reversed(calls.values()), count - self._count + (1 if self._count else 0)))
            if self._count and tail[-1] is not self._last:  # cleared and refilled past our count
                self._reset_own()
                self._count, self._last = 0, None
                tail = list(reversed(calls.values()))
            elif self._count:
                tail.pop()
            for call in reversed(tail):
                self._add_own(call)
            self._count, self._last = count, tail[0]
        if self._live:
            self._settle()

    def _add_own(self, call: Call) -> None:
        starts = self._own_starts
        if starts and call.created_at < starts[-1]:  # out of start order (rare): rebuild
            own = self._own + [call]
            own.sort(key=lambda c: c.created_at)
            self._reset_own()
            for each in own:
                self._append_own(each)
            return
        self._append_own(call)

    def _append_own(self, call: Call) -> None:
        pos = len(self._own)
        self._own.append(call)
        self._own_starts.append(call.created_at)
        if call.state == ENDED:
            _index((call,), self._own_postings, pos)
        else:
            self._live.append(call)

    def _settle(self) -> None:
        """Index the keys of live calls that have ended since."""
        still = []
        for call in self._live:
            if call.state != ENDED:
                still.append(call)
                continue
            pos = bisect_left(self._own_starts, call.created_at)
            while self._own[pos] is not call:
                pos += 1
            for key in set(keys_of(call)):
                posting = self._own_postings.get(key)
                if posting is None:
                    posting = self._own_postings[key] = array("q")
                insort(posting, pos)
        self._live = still

    # -- reading -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._seed.calls) + len(self._own)

    def window(self, since: float | None = None, until: float | None = None, *,
               newest_first: bool = False, key: tuple[str, str] | None = None,
               keys: Iterable[tuple[str, str]] | None = None) -> Iterator[Call]:
        """Calls whose start lies in [since, until), seed history before own calls at equal
        starts (the order of ``Tenant.all_calls``), oldest or newest first. With ``key`` (or
        several ``keys``) only that index's candidates: the caller still applies its filter."""
        wanted = None if key is None and keys is None else ([key] if key is not None else list(keys or ()))
        seed, own = self._seed, self._own
        parts: tuple[tuple[Sequence[Call], Any, Any, Sequence[Call]], ...] = (
            (seed.calls, seed.starts, seed.postings, ()), (own, self._own_starts, self._own_postings, self._live))
        if newest_first:
            parts = parts[::-1]
        for calls, starts, postings, live in parts:
            lo = 0 if since is None else bisect_left(starts, since)
            hi = len(starts) if until is None else bisect_left(starts, until, lo)
            if lo >= hi:
                continue
            if wanted is None:  # by position: a slice would copy up to the whole history
                yield from map(calls.__getitem__, range(hi - 1, lo - 1, -1) if newest_first else range(lo, hi))
                continue
            positions = _positions(postings, wanted, lo, hi)
            if live:
                positions = sorted(set(positions).union(
                    p for p in (_own_position(calls, starts, c) for c in live) if lo <= p < hi))
            if newest_first:
                positions = positions[::-1]
            for pos in positions:
                yield calls[pos]

    def newest(self, **kw: Any) -> Iterator[Call]:
        return self.window(newest_first=True, **kw)


def _positions(postings: dict[tuple[str, str], array], wanted: list[tuple[str, str]],
               lo: int, hi: int) -> list[int]:
    """Sorted positions in [lo, hi) of any of the ``wanted`` keys."""
    found: list[int] = []
    for key in wanted:
        posting = postings.get(key)
        if posting:
            found.extend(posting[bisect_left(posting, lo):bisect_left(posting, hi)])
    if len(wanted) > 1:
        found = sorted(set(found))
    return found


def _own_position(calls: Sequence[Call], starts: array, call: Call) -> int:
    pos = bisect_left(starts, call.created_at)
    while calls[pos] is not call:
        pos += 1
    return pos


_LOGS: "WeakKeyDictionary[Tenant, CallLog]" = WeakKeyDictionary()


def of(tenant: "Tenant") -> CallLog:
    """The tenant's call log, brought up to date with its history and calls."""
    log = _LOGS.get(tenant)
    if log is None:
        log = _LOGS[tenant] = CallLog()
    log.sync(tenant.history, tenant.calls)
    return log
