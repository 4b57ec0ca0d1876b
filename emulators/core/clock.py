"""The virtual clock of one tenant: the only source of time for every engine.

Timers are *data* (a kind name and a JSON payload), not closures, so a tenant's pending
future survives ``snapshot()``/``restore()``. The tenant maps each kind to a handler.

Modes:
- ``manual``: time moves only on ``advance``/``advance_to``; due timers fire in order, each at
  its own due time (``now`` is set to the timer's time before it runs, as SimPy does).
- ``auto``: like manual, but the server jumps to the next timer whenever it is idle.
- ``realtime``: virtual time follows the wall clock times ``speed``; the server syncs it.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal

Mode = Literal["manual", "auto", "realtime"]
MODES: tuple[str, ...] = ("manual", "auto", "realtime")


class ClockError(ValueError):
    """A request that would move the clock backwards or use an unknown mode."""


@dataclass
class Timer:
    due: float
    """Virtual epoch seconds at which the timer fires."""
    seq: int
    """Tie-breaker: timers due at the same instant fire in the order they were set."""
    kind: str = field(compare=False)
    payload: dict[str, Any] = field(compare=False, default_factory=dict)
    cancelled: bool = field(compare=False, default=False)

    def __lt__(self, other: "Timer") -> bool:
        # (due, seq) order, written out: the heap compares timers a lot, and building two
        # tuples per comparison (what dataclass(order=True) does) is measurably slower.
        return self.due < other.due or (self.due == other.due and self.seq < other.seq)


Fire = Callable[[Timer], None]


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
        self._index: dict[tuple[str, str, Any], dict[int, Timer]] = {}
        """(kind, first payload key, its value) -> live timers, so that ``cancel_where`` looks
        at a handful of timers instead of the whole heap."""
        self._first_key: dict[str, str | None] = {}
        """Per kind, the first payload key every timer of that kind had (None: they differed,
        or a value could not be indexed); the index answers only for that key."""
        self._seq = 0
        self._stale = 0
        """Cancelled timers still in the heap (dropped lazily; compacted when they dominate)."""
        self._wall = wall
        self._anchor_wall = wall()
        self._anchor_virtual = self._now
        self._fire: Fire | None = None
        self._firing = False

    # -- reading ------------------------------------------------------------------------
    def now(self) -> float:
        return self._now

    def peek(self) -> float | None:
        """Due time of the next live timer, or None."""
        while self._heap and self._heap[0].cancelled:
            self._unindex(heapq.heappop(self._heap))
            self._stale = max(0, self._stale - 1)
        return self._heap[0].due if self._heap else None

    def pending(self) -> int:
        return sum(1 for t in self._heap if not t.cancelled)

    # -- timers -------------------------------------------------------------------------
    def bind(self, fire: Fire) -> None:
        """Set the function that runs a due timer (the tenant's dispatcher by kind)."""
        self._fire = fire

    def call_at(self, due: float, kind: str, **payload: Any) -> Timer:
        self._seq += 1
        timer = Timer(max(float(due), self._now), self._seq, kind, payload)
        heapq.heappush(self._heap, timer)
        self._add_index(timer)
        return timer

    def call_later(self, delay: float, kind: str, **payload: Any) -> Timer:
        return self.call_at(self._now + max(0.0, float(delay)), kind, **payload)

    def cancel_where(self, kind: str, **match: Any) -> int:
        """Cancel every pending timer of ``kind`` whose payload contains ``match``."""
        candidates: Iterable[Timer] = self._heap
        if match:
            key, value = next(iter(match.items()))
            if kind not in self._first_key:
                return 0  # no timer of this kind was ever set
            # None also matches a missing key, so it needs the scan.
            if value is not None and self._first_key[kind] == key and type(value) in _INDEXABLE:
                candidates = list(self._index.get((kind, key, value), {}).values())
        n = 0
        for t in candidates:
            if not t.cancelled and t.kind == kind and all(t.payload.get(k) == v for k, v in match.items()):
                t.cancelled = True
                self._unindex(t)
                n += 1
        self._stale += n
        if self._stale > self.COMPACT_AT and 2 * self._stale > len(self._heap):
            self._compact()
        return n

    def _compact(self) -> None:
        """Drop cancelled timers from the heap (order of the live ones is unchanged)."""
        self._heap = [t for t in self._heap if not t.cancelled]
        heapq.heapify(self._heap)
        self._stale = 0

    def _add_index(self, timer: Timer) -> None:
        key, value = next(iter(timer.payload.items()), (None, None))
        known = self._first_key.get(timer.kind, key)
        if key is None or known != key or type(value) not in _INDEXABLE:
            self._first_key[timer.kind] = None  # mixed shapes: cancel_where scans this kind
            return
        self._first_key[timer.kind] = key
        self._index.setdefault((timer.kind, key, value), {})[timer.seq] = timer

    def _unindex(self, timer: Timer) -> None:
        key, value = next(iter(timer.payload.items()), (None, None))
        if type(value) in _INDEXABLE:
            slot = self._index.get((timer.kind, key, value))  # type: ignore[arg-type]
            if slot is not None:
                slot.pop(timer.seq, None)
                if not slot:
                    del self._index[(timer.kind, key, value)]  # type: ignore[arg-type]

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
        self._now = float(target)
        self._reanchor()
        return fired

    def step(self) -> bool:
        """Jump to the next timer and fire it (and all due at the same instant). False if none."""
        due = self.peek()
        if due is None:
            return False
        self._run_due(due)
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
        self._now = max(self._now, target)
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

    def _run_due(self, target: float) -> int:
        if self._firing:  # a timer handler advancing the clock would reorder history
            raise ClockError("the clock cannot be moved from inside a timer")
        fired = 0
        self._firing = True
        try:
            while self._heap and self._heap[0].due <= target:
                timer = heapq.heappop(self._heap)
                self._unindex(timer)
                if timer.cancelled:
                    self._stale = max(0, self._stale - 1)
                    continue
                self._now = max(self._now, timer.due)
                if self._fire is not None:
                    self._fire(timer)
                fired += 1
        finally:
            self._firing = False
        return fired

    # -- persistence --------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        live = sorted(t for t in self._heap if not t.cancelled)
        return {"now": self._now, "mode": self.mode, "speed": self.speed, "seq": self._seq,
                "timers": [[t.due, t.seq, t.kind, t.payload] for t in live]}

    def load(self, data: dict[str, Any]) -> None:
        self._now = float(data["now"])
        self.mode = data["mode"]
        self.speed = float(data["speed"])
        self._seq = int(data["seq"])
        self._heap = [Timer(float(d), int(s), k, dict(p)) for d, s, k, p in data["timers"]]
        heapq.heapify(self._heap)
        self._index, self._first_key, self._stale = {}, {}, 0
        for timer in sorted(self._heap):
            self._add_index(timer)
        self._reanchor()


_INDEXABLE = frozenset({str, int, float, bool})
"""Payload value types the timer index keys on (JSON scalars; None, lists and dicts are not)."""
