"""Whole answers of a read kept per tenant while nothing they show can have changed.

A vendor's list read (the finished calls of some queues, a report of a day) is a function of
the tenant's calls and of a few names and settings it shows. ``calls_stamp`` catches every
change of the calls: a call placed grows ``Tenant.calls``; a call that ends, or anything else
the engines do, records an event (``event_seq``); a reset or a restore builds a new calls dict
and history, and a scenario's world clears the calls and brings a new history. The dict and the
history are compared by identity and held by the kept entry, so an id is never another object's.
The reader adds by value what else its answer shows (the zone, queue and agent names, ...): a
change made any way (the API, the control plane's settings, a restore, a scenario) then gives a
new stamp, and the next read makes its answer again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Generic, Hashable, TypeVar
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from .world import Tenant

A = TypeVar("A")


def calls_stamp(t: "Tenant") -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(objects to hold, the stamp of the tenant's calls and zone)."""
    return (t.calls, t.history), (id(t.calls), len(t.calls), t.event_seq, id(t.history), t.timezone)


class _Kept(Generic[A]):
    __slots__ = ("held", "stamp", "answers", "size")

    def __init__(self) -> None:
        self.held: tuple[Any, ...] = ()
        self.stamp: tuple[Any, ...] | None = None
        self.answers: dict[Hashable, A] = {}
        self.size = 0
        """Bytes of the kept answers."""


class KeptAnswers(Generic[A]):
    """One read's answers per tenant, by request key, under the stamp they were made at."""

    def __init__(self, size: Callable[[A], int], max_kept: int = 1024, max_bytes: int = 4 << 20) -> None:
        self.size = size
        """An answer's size in bytes."""
        self.max_kept = max_kept
        """Answers kept per tenant; more clears them (clients repeat a handful of requests)."""
        self.max_bytes = max_bytes
        """Bytes kept per tenant: more clears them, and a bigger answer is never kept (a client
        asking many large windows must not grow the process without end)."""
        self._tenants: "WeakKeyDictionary[Tenant, _Kept[A]]" = WeakKeyDictionary()

    def get(self, t: "Tenant", key: Hashable, held: tuple[Any, ...], stamp: tuple[Any, ...],
            make: Callable[[], tuple[A, bool]]) -> A:
        """The answer for ``key`` now: kept from an earlier read with the same stamp, else
        ``make()``'s, which also says whether it may be kept (False: it read the clock). A
        ``make`` that raises (a refusal) keeps nothing. Kept answers are shared: read only."""
        kept = self._tenants.get(t)
        if kept is None:
            kept = self._tenants[t] = _Kept()
        if kept.stamp != stamp or len(kept.answers) >= self.max_kept:
            kept.held, kept.stamp, kept.answers, kept.size = held, stamp, {}, 0
        answer = kept.answers.get(key)
        if answer is None:
            answer, keep = make()
            size = self.size(answer)
            if keep and size <= self.max_bytes:
                if kept.size + size > self.max_bytes:
                    kept.answers, kept.size = {}, 0
                kept.answers[key] = answer
                kept.size += size
        return answer
