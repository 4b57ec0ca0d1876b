"""Answers of the most polled reads (wallboards ask GetQueues, RTUsersState and RTStatsQueues
every second or two; reporting tools CDR, StatsCalls and GetAttempts; CRMs GetUsers, GetRecords
and GetSMS), kept as bytes until the world they show may have changed, and the rows of ended
calls CDR, StatsCalls and GetAttempts show.

An answer is kept with the tenant's *revision key*: the tenant's event count (every engine change
of calls, agents, logins and pauses records an event), a revision that every build (seed, reset,
restore) and every successful changing action of this API bumps, the settings (the control plane
replaces them when it changes them: the time zone times are written in, the trunk of CDR
channels), the history and the directory (which users and queues, where users sit, the price
list and extensions: a scenario's world replaces them), the objects held so that none is
mistaken for a later one at the same address. A read that shows more than that key covers
adds a *stamp* taken per request (GetRecords: the records collection and its change count;
GetSMS: the SMS engine's collections and change counts), and one whose answer ends by the clock
alone gives the last instant it is true (GetSMS: a message leaving the retention; RTStatsQueues:
a waiting call's rounded seconds turning); each stamp keeps its own answers. The other
cached actions show no relative times, so the clock's moving alone changes nothing they say. The
cache lives beside the tenant (weakly), never in it: snapshots and reads see nothing of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable
from weakref import WeakKeyDictionary

from starlette.responses import Response

from ..core.world import Tenant
from ..dialect.operation import Ctx
from ..dialect.responses import BytesResponse

MAX_ANSWERS = 64
"""Answers kept per tenant (distinct paths and queries); more clears the lot."""


Stamp = Callable[[Tenant], tuple[Any, ...]]
"""What a read shows beyond the revision key (the SMS engine's messages, the records), taken per
request: the read's kept answers hold while it is equal."""
Until = Callable[[Tenant], "float | None"]
"""The last instant of the tenant clock at which a freshly built answer is still true (a
message leaving the retention window), None: whenever."""


@dataclass
class _Kept:
    key: tuple[Any, ...] | None = None
    answers: dict[tuple[Any, ...], tuple[bytes, int, str, float, float]] = field(default_factory=dict)
    """(path, query) -> (body, status, media type, the clock span it is true in)."""


@dataclass
class _Entry:
    revision: int = 0
    kinds: dict[Any, _Kept] = field(default_factory=dict)
    """Per stamp (None: the revision key alone), its key and answers."""


_ENTRIES: "WeakKeyDictionary[Tenant, _Entry]" = WeakKeyDictionary()


def _entry(t: Tenant) -> _Entry:
    entry = _ENTRIES.get(t)
    if entry is None:
        entry = _ENTRIES[t] = _Entry()
    return entry


def bump(t: Tenant) -> None:
    """The world changed in a way no event records (a build, an administrative action)."""
    _entry(t).revision += 1


def revision_key(t: Tenant, entry: _Entry) -> tuple[Any, ...]:
    return (entry.revision, t.event_seq, t.timezone, t.settings, t.history, directory_stamp(t))


def changing(run: Callable[[Ctx], Any]) -> Callable[[Ctx], Any]:
    """A changing action's run: bumps the revision once it has changed the world."""
    def wrapped(ctx: Ctx) -> Any:
        result = run(ctx)
        assert ctx.tenant is not None
        bump(ctx.tenant)
        return result
    return wrapped


def kept(run: Callable[[Ctx], Any], render: Callable[[Ctx, Any], Response], stamp: Stamp | None = None,
         until: Until | None = None) -> Callable[[Ctx], Any]:
    """A read's run that answers from the cache while the revision key (and the read's
    ``stamp``) holds and, with ``until``, the clock stays between the answer's making and its
    last true instant (GET without a body only: the path and the query string name the answer)."""
    def wrapped(ctx: Ctx) -> Any:
        t = ctx.tenant
        assert t is not None
        if ctx.method != "GET" or ctx.body:
            return run(ctx)
        entry = _entry(t)
        key = revision_key(t, entry) if stamp is None else (*revision_key(t, entry), *stamp(t))
        own = entry.kinds.get(stamp)
        if own is None:
            own = entry.kinds[stamp] = _Kept()
        if own.key != key:
            own.answers = {}
        own.key = key  # the objects of now (an equal replacement compares by value once)
        name = (ctx.path, ctx.scope.get("query_string", b""))
        hit = own.answers.get(name)
        now = t.now()
        if hit is not None and hit[3] <= now <= hit[4]:
            if hit[1] == 200:  # the same head as Starlette's, without its header assembly
                return BytesResponse(hit[0], 200, hit[2])
            return Response(hit[0], status_code=hit[1], media_type=hit[2])
        first, last = -math.inf, math.inf
        if until is not None:
            ends = until(t)
            first, last = now, math.inf if ends is None else ends
        response = render(ctx, run(ctx))
        if len(own.answers) >= MAX_ANSWERS:
            own.answers.clear()
        own.answers[name] = (bytes(response.body), response.status_code, response.media_type or "", first, last)
        return response
    return wrapped


# -- kept rows of ended calls -------------------------------------------------------------------
# CDR, StatsCalls and GetAttempts answer 60 - 100 rows of ended calls, each ~25 us to build.
# An ended call never changes, so its rows change only with what they show besides the call:
# the time zone, the trunk, the price list and extensions (both store collections), which user
# sits at an extension (and whether deleted) and which users and queues exist. That is the
# *row stamp*, taken by value (agents and queues by identity too) per request, so a change made
# any way at all (this API, the control plane's settings or restore, a scenario's world) is seen
# by the next answer; the rows of every call are dropped when it differs.

MAX_ROWS_KEPT = 200_000
"""Kept rows per tenant; more clears the lot (a million-call history asked day by day)."""


@dataclass
class _Rows:
    stamp: tuple[Any, ...] | None = None
    rows: dict[tuple[int, str], tuple[Any, Any]] = field(default_factory=dict)


_ROWS: "WeakKeyDictionary[Tenant, _Rows]" = WeakKeyDictionary()


def directory_stamp(t: Tenant) -> tuple[Any, ...]:
    """Which users (where they sit, deleted or not) and queues exist, the extensions and the
    price list."""
    store = t.store
    extens, lines = store["extensions"], store["destinations"]
    return (tuple([(a, a.extension, a.extra.get("deleted")) for a in t.agents.values()]),
            tuple(t.queues.values()), extens, extens.generation, len(extens), lines, lines.generation, len(lines))


def row_stamp(t: Tenant, trunk: str) -> tuple[Any, ...]:
    return (t.timezone, trunk, directory_stamp(t))


def kept_rows(t: Tenant, trunk: str) -> dict[tuple[int, str], tuple[Any, ...]]:
    """(id(call), kind) -> (call, its rows) valid for the tenant as it is now; a caller checks
    the call by identity (an id is reused only once its call is gone) and keeps only rows of
    ended calls."""
    kept = _ROWS.get(t)
    if kept is None:
        kept = _ROWS[t] = _Rows()
    stamp = row_stamp(t, trunk)
    if kept.stamp != stamp or len(kept.rows) >= MAX_ROWS_KEPT:
        kept.stamp, kept.rows = stamp, {}
    return kept.rows
