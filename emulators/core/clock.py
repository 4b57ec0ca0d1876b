"""The virtual clock of one tenant: the only source of time for every engine.

Timers are *data* (a kind name and a JSON payload), not closures, so a tenant's pending
future survives ``snapshot()``/``restore()``. The tenant maps each kind to a handler.

Modes:
- ``manual``: time moves only on ``advance``/``advance_to``; due timers fire in order, each at
  its own due time (``now`` is set to the timer's time before it runs, as SimPy does).
- ``auto``: like manual, but the server jumps to the next timer whenever it is idle.
- ``realtime``: virtual time follows the wall clock times ``speed``; the server syncs it.

Runaway guard: handlers may set timers due at once (zero delay), so a bug in an engine could
chain them for ever at one instant; the clock would never move and ``advance`` never return.
The clock therefore counts, per subject (a timer's first payload pair, e.g. ``call=<id>``), the
timers set *at* the instant they fire; past ``SAME_INSTANT_LIMIT`` it drops that subject's
further timers at this instant and fires one ``RUNAWAY`` timer instead, whose handler stops the
subject. Timers set earlier for this instant (a hundred legs' ring time-outs) do not count.
"""

from __future__ import annotations

import heapq
import time
from datetime import datetime, timezone
from operator import itemgetter
from typing import Any, Callable, Iterable, Literal

Mode = Literal["manual", "auto", "realtime"]
MODES: tuple[str, ...] = ("manual", "auto", "realtime")

LATEST = datetime(3000, 1, 1, tzinfo=timezone.utc).timestamp()
"""No clock starts or moves past this instant, 3000-01-01T00:00:00Z (dates must stay
renderable by every format); the control plane and scenarios refuse what would pass it."""
EARLIEST = 0.0
"""No clock starts before 1970-01-01 (seed history reaches a few days back from the start)."""


class ClockError(ValueError):
    """A request that would move the clock backwards or use an unknown mode."""


class Timer(list):  # type: ignore[type-arg]
    """One timer, as the list ``[due, seq, kind, payload, cancelled, index key]``.

    A list so that the heap orders timers in C (by ``due``, then by ``seq``, which is unique,
    so a comparison never reaches the kind): a Python ``__lt__`` was a tenth of the busy day.
    Read it through the named properties; the clock itself uses the positions.
    """

    __slots__ = ()

    due = property(itemgetter(0), doc="Virtual epoch seconds at which the timer fires.")
    seq = property(itemgetter(1), doc="Tie-breaker: timers due at the same instant fire in the order they were set.")
    kind = property(itemgetter(2), doc="The handler's name (``leg.answer``, ``call.hangup``, ...).")
    payload = property(itemgetter(3), doc="JSON data the handler gets.")

    @property
    def cancelled(self) -> bool:
        return bool(self[4])

    @cancelled.setter
    def cancelled(self, value: bool) -> None:
        self[4] = value

    @classmethod
    def make(cls, due: float, seq: int, kind: str, payload: dict[str, Any] | None = None) -> "Timer":
        return cls((due, seq, kind, {} if payload is None else payload, False, None))


# Positions in a Timer (the hot paths index instead of going through the properties).
_DUE, _SEQ, _KIND, _PAYLOAD, _CANCELLED, _IKEY = range(6)


Fire = Callable[[Timer], None]

SAME_INSTANT_LIMIT = 1_000
"""Timers one subject may fire at one virtual instant that were set at that same instant.

A healthy call fires about one per member it rings at that instant (the ring's failure, answer
or time-out) and a few of its own; a round offers each member once, and rounds are at least a
second apart (``queues.MIN_RETRY``). So only a loop reaches it, or a queue of more than about a
thousand members who all fail at the very instant they are rung. A loop reaches it in well under
a second of work; a higher figure lets a loop that grows its call (a leg per turn) run for
many seconds first, since each turn costs more than the last."""
RUNAWAY = "clock.runaway"
"""Kind of the timer the clock fires when a subject passes ``SAME_INSTANT_LIMIT``; its payload
is ``{"subject": {key: value}, "timer": <kind that looped>, "limit": SAME_INSTANT_LIMIT}``."""


class Clock:
    COMPACT_AT = 256
    """Cancelled timers tolerated in the heap before it is compacted (when they are the majority)."""

    def __init__(self, start: float, mode: Mode = "manual", speed: float = 1.0,
                 wall: Callable[[], float] = time.monotonic) -> None:
        if mode not in MODES:
            raise ClockError(f"unknown clock mode {mode!r}")
        self._now = float(start)
        self.mode: Mode = mode
        self.speed = float(speed)
        """Realtime factor: virtual seconds per wall second."""
        self._heap: list[Timer] = []
        self._index: dict[tuple[str, Any], dict[int, Timer]] = {}
        """(first payload key, its value) -> live timers of every kind (e.g. all of one call's),
        so that ``cancel_where`` looks at a handful of timers instead of the whole heap."""
        self._first_key: dict[str, str | None] = {}
        """Per kind, the first payload key every timer of that kind had (None: they differed,
        or a value could not be indexed); the index answers only for that key."""
        self._plans: dict[tuple[tuple[str, ...], Any], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        """``_plan`` per (kinds, match key), cleared whenever ``_first_key`` changes."""
        self._seq = 0
        self._stale = 0
        """Cancelled timers still in the heap (dropped lazily; compacted when they dominate)."""
        self._wall = wall
        self._anchor_wall = wall()
        self._anchor_virtual = self._now
        self._fire: Fire | None = None
        self._firing = False
        self._instant_seq = 0
        """``_seq`` when the clock arrived at ``now``: a timer with a higher seq that fires at
        ``now`` was set at this very instant (a zero-delay chain)."""
        self._chained: dict[tuple[Any, ...], int] = {}
        """Per subject, timers of such chains fired at ``now`` (the runaway guard's count)."""

    # -- reading ------------------------------------------------------------------------
    def now(self) -> float:
        return self._now

    def peek(self) -> float | None:
        """Due time of the next live timer, or None."""
        heap = self._heap
        while heap and heap[0][_CANCELLED]:
            timer = heapq.heappop(heap)
            if timer[_IKEY] is not None:
                self._unindex(timer)
            if self._stale > 0:
                self._stale -= 1
        return heap[0][_DUE] if heap else None

    def pending(self) -> int:
        return sum(1 for t in self._heap if not t[_CANCELLED])

    # -- timers -------------------------------------------------------------------------
    def bind(self, fire: Fire) -> None:
        """Set the function that runs a due timer (the tenant's dispatcher by kind)."""
        self._fire = fire

    def call_at(self, due: float, kind: str, **payload: Any) -> Timer:
        return self._push(max(float(due), self._now), kind, payload)

    def call_later(self, delay: float, kind: str, **payload: Any) -> Timer:
        delay = float(delay)
        return self._push(self._now + (delay if delay > 0.0 else 0.0), kind, payload)  # NaN: 0

    def _push(self, due: float, kind: str, payload: dict[str, Any]) -> Timer:
        self._seq += 1
        seq = self._seq
        timer = Timer((due, seq, kind, payload, False, None))
        heapq.heappush(self._heap, timer)
        key: Any = None
        value: Any = None
        for key, value in payload.items():  # noqa: B007 (the first pair, without building a list)
            break
        if key is not None and self._first_key.get(kind) == key and type(value) in _INDEXABLE:
            # The usual case (a kind already indexed by this key), as _add_index would do it.
            ikey = timer[_IKEY] = (key, value)
            slot = self._index.get(ikey)
            if slot is None:
                self._index[ikey] = {seq: timer}
            else:
                slot[seq] = timer
        else:
            self._add_index(timer)
        return timer

    def cancel_where(self, kind: str, **match: Any) -> int:
        """Cancel every pending timer of ``kind`` whose payload contains ``match``."""
        return self._cancel((kind,), match)

    def cancel_any(self, kinds: tuple[str, ...], **match: Any) -> int:
        """``cancel_where`` for each of ``kinds``, with one index look-up for them all."""
        return self._cancel(kinds, match)

    def _cancel(self, kinds: tuple[str, ...], match: dict[str, Any]) -> int:
        key: Any = None
        value: Any = None
        for key, value in match.items():  # noqa: B007 (the first pair: the one the index answers for)
            break
        plan = self._plans.get((kinds, key))
        if plan is None:
            plan = self._plans[(kinds, key)] = self._plan(kinds, key)
        indexed, scanned = plan
        n = 0
        if indexed:
            # None also matches a missing key, so it needs the scan; NaN matches nothing.
            if value is not None and type(value) in _INDEXABLE and value == value:
                found = self._index.get((key, value))
                if found:
                    # Every timer there has ``key == value`` first: only the other pairs are checked.
                    rest = tuple(match.items())[1:] if len(match) > 1 else ()
                    n = self._cancel_among(list(found.values()), indexed, rest)
            else:
                scanned = indexed + scanned
        if scanned:
            n += self._cancel_among(self._heap, scanned, tuple(match.items()))
        if n:
            self._stale += n
            if self._stale > self.COMPACT_AT and 2 * self._stale > len(self._heap):
                self._compact()
        return n

    def _plan(self, kinds: tuple[str, ...], key: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(kinds the index answers for when matching on ``key`` first, kinds to scan the heap
        for); kinds never set are left out. Kept until a kind's first key changes."""
        seen = [kind for kind in kinds if self._first_key.get(kind, _UNSEEN) is not _UNSEEN]
        return (tuple(kind for kind in seen if self._first_key[kind] == key),
                tuple(kind for kind in seen if self._first_key[kind] != key))

    def _cancel_among(self, timers: Iterable[Timer], kinds: tuple[str, ...],
                      match: tuple[tuple[str, Any], ...]) -> int:
        n = 0
        for t in timers:
            if not t[_CANCELLED] and t[_KIND] in kinds:
                payload = t[_PAYLOAD]
                for k, v in match:
                    if payload.get(k) != v:
                        break
                else:
                    t[_CANCELLED] = True
                    self._unindex(t)
                    n += 1
        return n

    def _compact(self) -> None:
        """Drop cancelled timers from the heap (order of the live ones is unchanged)."""
        self._heap = [t for t in self._heap if not t[_CANCELLED]]
        heapq.heapify(self._heap)
        self._stale = 0

    def _add_index(self, timer: Timer) -> None:
        kind = timer[_KIND]
        key: Any = None
        value: Any = None
        for key, value in timer[_PAYLOAD].items():  # noqa: B007 (the first pair)
            break
        known = self._first_key.get(kind, _UNSEEN)
        if key is None or (known is not _UNSEEN and known != key) or type(value) not in _INDEXABLE:
            if known is not None:
                self._first_key[kind] = None  # mixed shapes: cancel_where scans this kind
                self._plans.clear()
            return
        if known is _UNSEEN:
            self._first_key[kind] = key
            self._plans.clear()
        ikey = (key, value)
        timer[_IKEY] = ikey
        slot = self._index.get(ikey)
        if slot is None:
            self._index[ikey] = {timer[_SEQ]: timer}
        else:
            slot[timer[_SEQ]] = timer

    def _unindex(self, timer: Timer) -> None:
        ikey = timer[_IKEY]
        if ikey is not None:
            timer[_IKEY] = None
            slot = self._index.get(ikey)
            if slot is not None:
                slot.pop(timer[_SEQ], None)
                if not slot:
                    del self._index[ikey]

    # -- moving -------------------------------------------------------------------------
    def advance(self, seconds: float) -> int:
        if seconds < 0:
            raise ClockError("the clock cannot move backwards")
        return self.advance_to(self._now + seconds)

    def advance_to(self, target: float) -> int:
        """Fire every timer due by ``target`` in (due, seq) order, then stand at ``target``."""
        if target < self._now:
            raise ClockError("the clock cannot move backwards")
        fired = self._run_due(target)
        if target > self._now:
            self._arrive(float(target))
        if self.mode == "realtime":  # the anchors serve only realtime; set_mode re-anchors on entry
            self._reanchor()
        return fired

    def fire_due(self, target: float, stop: Callable[[], bool]) -> int:
        """Fire the timers due by ``target`` as ``advance_to`` does, but stand at the last instant
        that fired (not at ``target``), and ask ``stop()`` before moving on to each later instant
        with a timer: True stops there. What a driver that looks at the world between instants
        (webhooks to send) calls instead of ``advance_to`` per instant. Returns the timers fired."""
        fired = self._run_due(target, stop)
        if self.mode == "realtime":
            self._reanchor()
        return fired

    def step(self) -> bool:
        """Jump to the next timer and fire it (and all due at the same instant). False if none."""
        due = self.peek()
        if due is None:
            return False
        self._run_due(due)
        if self.mode == "realtime":
            self._reanchor()
        return True

    def sync(self) -> int:
        """Realtime mode: bring virtual time up to the scaled wall clock."""
        if self.mode != "realtime":
            return 0
        target = self._anchor_virtual + (self._wall() - self._anchor_wall) * self.speed
        if target <= self._now:
            return 0
        fired = self._run_due(target)
        if target > self._now:
            self._arrive(target)
        return fired

    def set_mode(self, mode: Mode, speed: float | None = None) -> None:
        if mode not in MODES:
            raise ClockError(f"unknown clock mode {mode!r}")
        if speed is not None:
            if not speed > 0:
                raise ClockError("speed must be positive")
            self.speed = float(speed)
        self.sync()
        self.mode = mode
        self._reanchor()

    def _reanchor(self) -> None:
        self._anchor_wall = self._wall()
        self._anchor_virtual = self._now

    def _run_due(self, target: float, stop: Callable[[], bool] | None = None) -> int:
        if self._firing:  # a timer handler advancing the clock would reorder history
            raise ClockError("the clock cannot be moved from inside a timer")
        fired = 0
        self._firing = True
        heappop = heapq.heappop
        try:
            # Read self._heap on every turn: a handler may compact it (cancel_where).
            while self._heap and self._heap[0][_DUE] <= target:
                if (stop is not None and fired and self._heap[0][_DUE] > self._now
                        and not self._heap[0][_CANCELLED] and stop()):
                    break  # before a later instant: the caller looks first
                timer = heappop(self._heap)
                if timer[_IKEY] is not None:
                    self._unindex(timer)
                if timer[_CANCELLED]:
                    if self._stale > 0:
                        self._stale -= 1
                    continue
                if timer[_DUE] > self._now:
                    self._arrive(timer[_DUE])
                elif timer[_SEQ] > self._instant_seq and self._runaway(timer):
                    continue  # a subject looping at this instant: dropped
                if self._fire is not None:
                    self._fire(timer)
                fired += 1
        finally:
            self._firing = False
        return fired

    def _arrive(self, at: float) -> None:
        """Stand at a later instant: every timer set so far was set before it."""
        self._now = at
        self._instant_seq = self._seq
        if self._chained:
            self._chained = {}

    def _runaway(self, timer: Timer) -> bool:
        """Count a timer set at the instant it fires, per subject. True: the subject passed
        ``SAME_INSTANT_LIMIT``, so drop the timer (the first time, fire ``RUNAWAY`` instead)."""
        payload = timer[_PAYLOAD]
        subject: tuple[Any, ...] = (timer[_KIND],)
        for key, value in payload.items():
            if type(value) in _INDEXABLE and value == value:  # NaN would never count twice
                subject = (key, value)
            break  # the first pair
        n = self._chained.get(subject, 0) + 1
        self._chained[subject] = n
        if n <= SAME_INSTANT_LIMIT:
            return False
        if n == SAME_INSTANT_LIMIT + 1 and self._fire is not None:
            about = {subject[0]: subject[1]} if len(subject) == 2 else {}
            self._fire(Timer((self._now, timer[_SEQ], RUNAWAY,
                              {"subject": about, "timer": timer[_KIND], "limit": SAME_INSTANT_LIMIT},
                              False, None)))
        return True

    # -- persistence --------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        live = sorted(t for t in self._heap if not t[_CANCELLED])
        return {"now": self._now, "mode": self.mode, "speed": self.speed, "seq": self._seq,
                "timers": [[t[_DUE], t[_SEQ], t[_KIND], t[_PAYLOAD]] for t in live]}

    def load(self, data: dict[str, Any]) -> None:
        self._now = float(data["now"])
        self.mode = data["mode"]
        self.speed = float(data["speed"])
        self._seq = int(data["seq"])
        self._heap = [Timer.make(float(d), int(s), k, dict(p)) for d, s, k, p in data["timers"]]
        heapq.heapify(self._heap)
        self._index, self._first_key, self._plans, self._stale = {}, {}, {}, 0
        for timer in sorted(self._heap):
            self._add_index(timer)
        self._instant_seq, self._chained = self._seq, {}
        self._reanchor()


_UNSEEN = object()
"""``_first_key`` default: no timer of the kind was ever set."""

_INDEXABLE = frozenset({str, int, float, bool})
"""Payload value types the timer index keys on (JSON scalars; None, lists and dicts are not)."""
