"""``GET /_emulator/tenants/{tid}/stream``: a tenant's life as Server-Sent Events.

One connection carries everything the dashboard shows, in order: the tenant's domain events, its
request journal (and the vendor's journal of requests no tenant was found for), webhook
deliveries as they are made and attempted, its calls as they change, its "now" (clock, queues,
agents) and its scenario runs.

**Resuming.** Every message's ``id`` is a cursor, ``<boot>.<world>.<events>.<requests>.<hooks>.
<anon world>.<anon>``: the server's start, the tenant world's generation (a reset or a restore
makes a new one), and how far each log has been sent. A client that reconnects with
``Last-Event-ID`` (EventSource does so by itself) gets exactly what came after it: no event is
missed and none is sent twice, as long as the tenant still keeps it (``events_keep`` events,
5,000 journal entries, 4,096 delivery changes). What it no longer keeps is announced as a
``gap`` (with how many were missed) rather than silently skipped; after a reset, a restore or a
server restart the client gets ``reset`` and the tenant's present state.

**Bounded.** A stream holds a cursor and a few numbers, never a queue: each wake
(``WAKE_SECONDS``) it compares counters and reads what is new straight from the tenant's own
bounded logs, so a page left open for a day costs the same as one just opened, and a client
that reads slowly holds back its own stream only (the socket's flow control), never the server's
memory. Journal entries go out in ``requests`` messages, at most every ``REQUESTS_EVERY`` seconds
and ``REQUESTS_PER_BATCH`` at a time: under a flood the page gets the newest and a ``gap``
saying how many it did not show (the journal API pages through them); events are never
skipped while they are kept. ``now`` is sent when something changed, at
most every ``NOW_EVERY`` seconds, and every ``HEARTBEAT_SECONDS`` as the keep-alive.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import time
import weakref
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, AsyncIterator, Iterable

from ..core.journal import RequestJournal
from ..core.world import Tenant
from .hub import Streams
from .views import call_view, entry_view, live_and_recent, now_view, run_key, run_view

if TYPE_CHECKING:
    from ..registry import Registry

BOOT = secrets.token_hex(4)
"""This server process: a cursor from another one starts over."""
WAKE_SECONDS = 0.1
"""How often an open stream looks for news (a handful of integer comparisons when there is none)."""
NOW_EVERY = 0.25
HEARTBEAT_SECONDS = 15.0
RETRY_MS = 1000
"""The reconnection delay the stream asks EventSource clients for."""
BACKLOG_EVENTS = 200
BACKLOG_REQUESTS = 100
BACKLOG_DELIVERIES = 50
BACKLOG_CALLS = 50
"""What a client without a cursor gets first: the newest of each (and every live call)."""
EVENTS_PER_WAKE = 2000
"""Events sent per wake at most; the rest follow at the next wake (never skipped while kept)."""
REQUESTS_EVERY = 0.25
"""Seconds between two ``requests`` messages at least (a flood arrives in a few batches a second)."""
REQUESTS_PER_BATCH = 10
"""Journal entries one ``requests`` message carries at most (40 a second: more than a person
reads, and an open page costs a loaded server next to nothing); under a flood the newest are
sent and the older ones beyond them counted in a ``gap``."""
REQUESTS_ON_RESUME = 1000
"""Journal entries a resuming client gets at once (what it missed while away)."""
DELIVERIES_PER_WAKE = 200
CLOCK_DRIFT = 0.5
"""Seconds a realtime clock may differ from what the page works out before ``now`` is sent."""

_generations: "weakref.WeakKeyDictionary[Any, int]" = weakref.WeakKeyDictionary()
_next_generation = itertools.count(1)


def generation(owner: Any) -> int:
    """A number of ``owner`` (a tenant's outbox, a journal), new for every new object: a reset or
    restore builds the world anew, so its logs start over under a new generation."""
    number = _generations.get(owner)
    if number is None:
        number = _generations[owner] = next(_next_generation)
    return number


@dataclass
class Cursor:
    world: int
    events: int
    requests: int
    hooks: int
    anon_world: int
    anon: int

    def text(self) -> str:
        return f"{BOOT}.{self.world}.{self.events}.{self.requests}.{self.hooks}.{self.anon_world}.{self.anon}"

    @classmethod
    def parse(cls, text: str | None) -> "Cursor | None":
        """The cursor of ``text``; None when there is none. A malformed one, or one from another
        server process, is of world 0, which no tenant has: the client starts over (``reset``)."""
        if not text:
            return None
        parts = text.strip().split(".")
        if len(parts) != 7 or parts[0] != BOOT or not all(p.isascii() and p.isdigit() and len(p) < 19
                                                         for p in parts[1:]):
            return cls(0, 0, 0, 0, 0, 0)
        return cls(*map(int, parts[1:]))


def _message(kind: str, data: Any, cursor: str) -> str:
    return f"id: {cursor}\nevent: {kind}\ndata: {json.dumps(data, separators=(',', ':'), default=str)}\n\n"


class TenantStream:
    """The messages of one stream: ``start`` once, then ``poll`` at every wake."""

    def __init__(self, registry: "Registry", vendor: str, tenant: Tenant, resume: Cursor | None,
                 paths: Iterable[str]) -> None:
        self.registry = registry
        self.vendor = vendor
        self.tid = tenant.id
        self.tenant = tenant
        self.paths = tuple(paths)
        self.resume = resume
        self.cursor = Cursor(0, 0, 0, 0, 0, 0)
        self.ended = False
        self._now_key: tuple[Any, ...] = ()
        self._now_sent = (0.0, 0.0, "", 1.0)
        """(virtual now, wall time, mode, speed) when ``now`` was last sent."""
        self._now_at = 0.0
        self._runs: dict[str, tuple[Any, ...]] = {}
        self._run_at: dict[str, float] = {}
        self._requests_at = 0.0
        """When the journals were last read (``REQUESTS_EVERY``)."""
        self._out: list[str] = []

    # -- the two entry points ---------------------------------------------------------------
    def start(self) -> str:
        """``hello``, then either what followed the client's cursor or the tenant's present state."""
        tenant, resume = self.tenant, self.resume
        self._emit("hello", {"vendor": self.vendor, "tenant": tenant.id, "timezone": tenant.timezone,
                             "resumed": resume is not None and resume.world == generation(tenant.outbox)})
        if resume is not None and resume.world == generation(tenant.outbox):
            self.cursor = Cursor(resume.world, resume.events, resume.requests, resume.hooks, 0, 0)
            self._anon_start(resume)
            self._follow(tenant, True, REQUESTS_ON_RESUME)
        else:
            if resume is not None:
                self._emit("reset", {"reason": "the tenant was reset or restored, or the server restarted"})
            self._present(tenant)
            self._anon_start(None)
        self._now(tenant, force=True)
        self._scenarios(tenant, force=True)
        return self._take()

    def poll(self) -> str:
        """What happened since the last call ("" when nothing did)."""
        tenant = self.registry.get(self.vendor, self.tid)
        if tenant is None:
            self._emit("gone", {"tenant": self.tid})
            self.ended = True
            return self._take()
        journals = self._batch_due()
        if tenant is not self.tenant or generation(tenant.outbox) != self.cursor.world:
            self.tenant = tenant
            self._emit("reset", {"reason": "the tenant was reset or restored"})
            self._present(tenant)
            self._now(tenant, force=True)
        else:
            self._follow(tenant, journals)
            self._now(tenant)
        if journals:
            self._anon()
        self._scenarios(tenant)
        return self._take()

    def beat(self) -> str:
        """The keep-alive: ``now`` again (it also catches what changed without an event)."""
        self._now(self.tenant, force=True)
        return self._take()

    # -- messages -----------------------------------------------------------------------------
    def _emit(self, kind: str, data: Any) -> None:
        self._out.append(_message(kind, data, self.cursor.text()))

    def _take(self) -> str:
        out, self._out = "".join(self._out), []
        return out

    def _present(self, tenant: Tenant) -> None:
        """The tenant as it is: newest events, journal entries, deliveries; live and recent calls."""
        outbox, journal = tenant.outbox, tenant.requests
        self.cursor = Cursor(generation(outbox), 0, 0, 0, self.cursor.anon_world, self.cursor.anon)
        events = tenant.events
        self.cursor.events = tenant.event_seq - min(len(events), BACKLOG_EVENTS) if events else tenant.event_seq
        self._events(tenant, announce_gap=False)
        self.cursor.requests = max(0, journal.seq - BACKLOG_REQUESTS)
        self._requests(journal, anon=False, announce_gap=False, limit=BACKLOG_REQUESTS)
        self.cursor.hooks = outbox.change_seq
        for delivery in outbox.deliveries[-BACKLOG_DELIVERIES:]:
            self._emit("delivery", delivery.to_dict())
        self._emit("calls", [call_view(c) for c in live_and_recent(tenant, BACKLOG_CALLS)])

    def _follow(self, tenant: Tenant, journals: bool, requests: int = REQUESTS_PER_BATCH) -> None:
        self._events(tenant, announce_gap=True)
        if journals:
            self._requests(tenant.requests, anon=False, announce_gap=True, limit=requests)
        self._deliveries(tenant)

    def _batch_due(self) -> bool:
        """True at most every ``REQUESTS_EVERY`` seconds (both journals are read then)."""
        now = time.monotonic()
        if now - self._requests_at < REQUESTS_EVERY:
            return False
        self._requests_at = now
        return True

    def _events(self, tenant: Tenant, announce_gap: bool) -> None:
        cursor = self.cursor
        if tenant.event_seq <= cursor.events:
            return
        events = tenant.events
        start = bisect_right(events, cursor.events, key=_seq)
        if start < len(events) and events[start].seq > cursor.events + 1 and announce_gap:
            self._emit("gap", {"what": "events", "missed": events[start].seq - cursor.events - 1})
            cursor.events = events[start].seq - 1
        changed: dict[str, None] = {}
        for event in itertools.islice(events, start, start + EVENTS_PER_WAKE):
            cursor.events = event.seq
            self._emit("event", event.to_dict())
            if event.call_id is not None:
                changed[event.call_id] = None
        if start == len(events):  # the kept events end before the cursor's (trimmed away)
            cursor.events = tenant.event_seq
        for call_id in changed:
            call = tenant.calls.get(call_id)
            if call is not None:
                self._emit("call", call_view(call))

    def _requests(self, journal: RequestJournal, anon: bool, announce_gap: bool,
                  limit: int = REQUESTS_PER_BATCH) -> None:
        cursor = self.cursor
        last = cursor.anon if anon else cursor.requests
        if journal.seq <= last:
            return
        fresh = []
        for entry in reversed(journal.entries):
            seq = entry.get("seq")
            if not isinstance(seq, int) or seq <= last:
                break
            fresh.append(entry)
            if len(fresh) >= limit:
                break
        missed = journal.seq - last - len(fresh)
        if missed > 0 and announce_gap:
            self._emit("gap", {"what": "anon" if anon else "requests", "missed": missed})
        if anon:
            cursor.anon = journal.seq
        else:
            cursor.requests = journal.seq
        if fresh:  # one message per wake: a flood costs one encoding, not one per entry
            fresh.reverse()
            self._emit("requests", [entry_view(entry, journal, self.paths, anon) for entry in fresh])

    def _deliveries(self, tenant: Tenant) -> None:
        outbox, cursor = tenant.outbox, self.cursor
        pending = outbox.change_seq - cursor.hooks
        if pending <= 0:
            return
        changes = outbox.changes
        if pending > len(changes):  # older changes are forgotten: send the newest deliveries again
            self._emit("gap", {"what": "deliveries", "missed": pending - len(changes)})
            pending = len(changes)
        ids = dict.fromkeys(changes[i] for i in range(len(changes) - pending, len(changes)))
        chosen = list(ids)[-DELIVERIES_PER_WAKE:]
        if len(chosen) < len(ids):
            self._emit("gap", {"what": "deliveries", "missed": len(ids) - len(chosen)})
        cursor.hooks = outbox.change_seq
        for delivery_id in chosen:
            delivery = outbox.get(delivery_id)
            if delivery is not None:
                self._emit("delivery", delivery.to_dict())

    def _anon_start(self, resume: Cursor | None) -> None:
        journal = self.registry.unauthenticated(self.vendor)
        world = generation(journal)
        if resume is not None and resume.anon_world == world:
            self.cursor.anon_world, self.cursor.anon = world, resume.anon
            self._requests(journal, anon=True, announce_gap=True, limit=REQUESTS_ON_RESUME)
        else:
            self.cursor.anon_world, self.cursor.anon = world, max(0, journal.seq - BACKLOG_REQUESTS)
            self._requests(journal, anon=True, announce_gap=False, limit=BACKLOG_REQUESTS)

    def _anon(self) -> None:
        journal = self.registry.unauthenticated(self.vendor)
        world = generation(journal)
        if world != self.cursor.anon_world:  # the vendor's tenants were all reset
            self._anon_start(None)
        else:
            self._requests(journal, anon=True, announce_gap=True)

    def _now(self, tenant: Tenant, force: bool = False) -> None:
        clock = tenant.clock
        wall = time.monotonic()
        key = (tenant.event_seq, clock.mode, clock.speed, clock.peek(), tenant.failed)
        if not force:
            if wall - self._now_at < NOW_EVERY:
                return
            sent_now, sent_wall, mode, speed = self._now_sent
            expected = sent_now + ((wall - sent_wall) * speed if mode == "realtime" else 0.0)
            if key == self._now_key and abs(clock.now() - expected) <= CLOCK_DRIFT:
                return
        self._now_key, self._now_at = key, wall
        self._now_sent = (clock.now(), wall, clock.mode, clock.speed)
        self._emit("now", now_view(tenant))

    def _scenarios(self, tenant: Tenant, force: bool = False) -> None:
        from ..scenario.control import RUNNING, runs_of
        records = runs_of(tenant)
        if force:
            records = records[-5:]
        wall = time.monotonic()
        for record in records:
            key = run_key(record)
            if self._runs.get(record.id) == key:
                continue
            if record.status == RUNNING and not force and wall - self._run_at.get(record.id, 0.0) < NOW_EVERY:
                continue  # a running one at most every NOW_EVERY; its end at once
            self._runs[record.id], self._run_at[record.id] = key, wall
            self._emit("scenario", run_view(record))
        if len(self._runs) > 2 * len(records) + 10:  # forget runs the tenant forgot
            known = {r.id for r in records}
            self._runs = {k: v for k, v in self._runs.items() if k in known}
            self._run_at = {k: v for k, v in self._run_at.items() if k in known}


def _seq(event: Any) -> int:
    return int(event.seq)


async def messages(stream: TenantStream, streams: Streams, once: bool) -> AsyncIterator[str]:
    """The body of one stream: the start, then news every wake until the client goes, the tenant
    is deleted or the server stops."""
    streams.open += 1
    try:
        yield f"retry: {RETRY_MS}\n\n" + stream.start()
        if once:
            return
        beat = time.monotonic()
        while not streams.closing and not stream.ended:
            await asyncio.sleep(WAKE_SECONDS)
            news = stream.poll()
            if not news and time.monotonic() - beat >= HEARTBEAT_SECONDS:
                news = stream.beat()
            if news:
                beat = time.monotonic()
                yield news
    finally:
        streams.open -= 1
