"""Tenant: all the state of one isolated world, its clock, and how it is seeded, reset,
snapshotted and restored.

Like moto's backends, every piece of state is declared in ``_build`` so that a reset is simply
"build again from the seed". The vendor's dialect (``seed`` + ``on_event``) is passed in; the
core never imports a vendor.
"""

from __future__ import annotations

import copy
import logging
import pickle
import random
from typing import Any, Callable, Iterator, Protocol, Sequence

from ..defaults import DEFAULT_CLOCK_START
from .agents import Agent
from .calls import Call
from .clock import Clock, Timer
from .errors import TenantFailed
from .events import Event
from .formats import parse_instant
from .ids import CountingIds, IdGenerator, IdScheme
from .journal import RequestJournal
from .listeners import EVENT_LISTENERS
from .queues import Number, Queue
from .ratelimit import RateLimiter
from .store import Store
from .timers import TIMER_HANDLERS
from .webhooks import Outbox

SNAPSHOT_VERSION = 3
"""2: adds ``credentials`` (the custom ones) and ``seed_history``; 3: adds ``store``."""

log = logging.getLogger(__name__)


CORE_SETTINGS: dict[str, Any] = {
    "timezone": "UTC",
    "clock": {"start": DEFAULT_CLOCK_START, "mode": "manual", "speed": 1.0},
    "rate_limit": {"limit": 0, "window": 900},
    "ip_whitelist": [],
    "webhooks": {"url": "", "encoding": "form", "max_attempts": 8, "backoff_base": 1.0,
                 "backoff_factor": 2.0, "backoff_max": 300.0, "timeout": 5.0, "ordered": True},
    "sim": {"answer_after": 4.0, "remote_answer_after": 6.0, "talk_min": 20.0, "talk_max": 180.0,
            "ring_timeout": 30.0, "hangup_by": "caller", "park_timeout": 45.0,
            "park_slot_first": 701},
    "events_keep": 200000,
}
"""Core defaults; a dialect's ``settings`` and a tenant's own overrides are merged on top."""


def honoured(dialect: Any) -> frozenset[str]:
    """The core settings ``dialect`` uses: its ``core_settings``, or every one when it
    declares none (a vendor that has no rate limit declares no ``rate_limit``)."""
    declared = getattr(dialect, "core_settings", None)
    # every tenant has a clock, whatever its vendor says: serve, scenarios and the plugin set it
    return frozenset(CORE_SETTINGS) if declared is None else frozenset(declared) | {"clock"}


def own_settings(settings: dict[str, Any], dialect: Any) -> dict[str, Any]:
    """The part of ``settings`` that ``dialect`` uses: the core settings it honours and its
    own section (settings shared by several vendors, e.g. ``--config``, hold others)."""
    uses = honoured(dialect)
    return {key: value for key, value in settings.items()
            if key in uses or (key not in CORE_SETTINGS and key == dialect.name)}


_BASES: dict[int, tuple[Any, bytes]] = {}
"""The core settings merged with each dialect's defaults, pickled: a tenant's build unpickles its
own copy (a ``deepcopy`` of them was a quarter of a seeded tenant's reset)."""


def _base_settings(dialect: Any) -> dict[str, Any]:
    """A fresh ``merge(CORE_SETTINGS, dialect.settings)`` (the dialect's defaults never change)."""
    kept = _BASES.get(id(dialect))
    if kept is None or kept[0] is not dialect:  # (held: an id is never another dialect's)
        kept = _BASES[id(dialect)] = (dialect, pickle.dumps(merge(CORE_SETTINGS, dialect.settings)))
    settings: dict[str, Any] = pickle.loads(kept[1])
    return settings


def _merged_into(out: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``merge(out, override)`` made in ``out`` itself (a fresh copy no one else holds)."""
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            _merged_into(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``override`` into a copy of ``base`` (dicts merge, everything else replaces)."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


class Dialect(Protocol):
    """What the core needs from a vendor: how to seed a tenant and how to hear its events.

    Optional: ``features`` (a frozenset of names from ``emulators.scenario.capabilities.FEATURES``,
    e.g. ``"webhooks"``, ``"park"``) says what the vendor's product can express; the scenario
    runner reports steps and expectations that need a missing feature as not applicable. Without
    it every feature is assumed.

    Optional: ``core_settings``, the names of the ``CORE_SETTINGS`` the vendor uses (a vendor
    without a rate limit leaves out ``rate_limit``); the control plane refuses the others.
    Without it every core setting is assumed.

    Optional: ``state_schema``, a JSON schema of ``Tenant.state`` (the vendor's own data) that
    a restored snapshot's state must satisfy.

    Optional: ``on_delivered(tenant, delivery)``, called when a webhook delivery succeeded, with
    the receiver's answer in ``delivery.answer`` (a CRM's answer a PBX hook reads).
    """

    name: str
    settings: dict[str, Any]

    def seed(self, tenant: "Tenant") -> None: ...

    def on_event(self, tenant: "Tenant", event: Event) -> None: ...


class Tenant:
    def __init__(self, tenant_id: str, dialect: Dialect, seed: int = 0,
                 overrides: dict[str, Any] | None = None) -> None:
        self.id = tenant_id
        self.dialect = dialect
        self.seed_number = seed
        self.overrides: dict[str, Any] = overrides or {}
        """Settings given at creation; they survive reset."""
        self.credentials: dict[str, str] = {}
        """The vendor credentials that address this tenant (identity: survive reset/restore)."""
        self.base_credentials: dict[str, str] = {}
        """The credentials the tenant got when it was made (the seed's for ``default``, random
        ones for the others): its identity, kept by reset and restore, saved by ``--state-dir``."""
        self.custom_credentials: dict[str, str] = {}
        """Those of ``credentials`` given explicitly (not the base ones): snapshots carry them,
        and restoring one applies them over the base ones (``Registry.restore``)."""
        self.notify: Callable[["Tenant"], None] = lambda tenant: None
        """Called when the outbox has something new to send (the dispatcher's wake-up)."""
        self._build()

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        self.settings: dict[str, Any] = _merged_into(_base_settings(self.dialect), self.overrides)
        clock = self.settings["clock"]
        self.clock = Clock(parse_instant(clock["start"]), clock["mode"], clock["speed"])
        self.clock.bind(self._fire)
        self.ids = IdGenerator(self.seed_number)
        self.rng = random.Random(self.seed_number)
        self.agents: dict[str, Agent] = {}
        self.queues: dict[str, Queue] = {}
        self.numbers: dict[str, Number] = {}
        self.parties: dict[str, dict[str, Any]] = {}
        """Behaviour of external numbers (fault injection), keyed by number."""
        self.calls: dict[str, Call] = {}
        """Calls made in this tenant, in creation order (live and ended)."""
        self.waiting: dict[str, Call] = {}
        """Index of calls waiting in a queue (not yet answered), oldest first."""
        self.history: Sequence[Call] = ()
        """The seed's ended calls: shared, never mutated, older than every call in ``calls``."""
        self.events: list[Event] = []
        self.event_seq = 0
        self.outbox = Outbox()
        self.requests = RequestJournal()
        rl = self.settings["rate_limit"]
        self.limiter = RateLimiter(rl["limit"], rl["window"])
        self.state: dict[str, Any] = {}
        """Vendor-specific JSON state (e.g. a NOC status) that the core does not interpret."""
        self.store = Store()
        """Collections of many records, the engines' (contact lists, campaigns, scheduled calls)
        and the vendor's (pause codes, session logs, ...): the dialect's seed declares them
        (``tenant.store.declare``), so a restore knows their record types."""
        self.failed: str | None = None
        """Why the tenant stopped (a timer raised), or None. A failed tenant's clock stands
        still until a reset or a restore, which build it again."""
        self.dialect.seed(self)

    def reset(self) -> None:
        keep_credentials = self.credentials  # identity: the seed would put the default's back
        self._build()
        self.credentials = keep_credentials
        self.notify(self)  # what the new world's seed made to send goes out (a copied one too)

    # -- reading ------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now()

    @property
    def id_scheme(self) -> IdScheme:
        """The dialect's way of naming calls and channels (the core's counting one otherwise)."""
        scheme: IdScheme = getattr(self.dialect, "id_scheme", None) or _COUNTING
        return scheme

    def new_call_id(self, at: float) -> str:
        return self.id_scheme.call_id(self.ids, at)

    def new_channel(self) -> int:
        return self.id_scheme.channel(self.ids)

    @property
    def timezone(self) -> str:
        return str(self.settings["timezone"])

    def all_calls(self) -> Iterator[Call]:
        """Every call, oldest first: seed history, then this tenant's own."""
        yield from self.history
        yield from self.calls.values()

    def newest_first(self) -> Iterator[Call]:
        yield from reversed(list(self.calls.values()))
        yield from reversed(self.history)

    def ended_calls(self) -> Iterator[Call]:
        return (c for c in self.all_calls() if c.ended)

    def agent_by_extension(self, extension: str) -> Agent | None:
        for agent in self.agents.values():  # a plain loop: twice as fast as next(genexpr)
            if agent.extension == extension:
                return agent
        return None

    def agent_by_name(self, name: str) -> Agent | None:
        return next((a for a in self.agents.values() if a.name == name), None)

    def queue_by_number(self, number: str) -> Queue | None:
        for queue in self.queues.values():
            if queue.number == number:
                return queue
        return None

    def queue_by_name(self, name: str) -> Queue | None:
        return next((q for q in self.queues.values() if q.name == name), None)

    def call(self, call_id: str) -> Call | None:
        return self.calls.get(call_id)

    # -- events and timers --------------------------------------------------------------
    def record(self, type_: str, call: Call | None = None, agent: Agent | str | None = None,
               **data: Any) -> Event:
        """Append a domain event and let the dialect turn it into webhooks."""
        self.event_seq += 1
        agent_id = agent.id if isinstance(agent, Agent) else agent
        event = Event(self.event_seq, self.clock.now(), type_, call.id if call else None, agent_id, data)
        events = self.events
        events.append(event)
        keep = int(self.settings["events_keep"])
        if len(events) > keep + (keep >> 4):  # in batches: one delete per event moves the whole list
            del events[: len(events) - keep]
        self.dialect.on_event(self, event)
        listeners = EVENT_LISTENERS.get(type_)
        if listeners:
            for listener in listeners:
                listener(self, event)
        return event

    def _fire(self, timer: Timer) -> None:
        handler = TIMER_HANDLERS.get(timer.kind)
        if handler is None:  # a kind nobody registered: a bug, never silently dropped
            raise self.fail(f"timer {timer.kind} {timer.payload}: no handler is registered for {timer.kind!r}")
        if self.failed is not None:  # check_alive, inline: this runs for every timer
            raise TenantFailed(f"tenant failed: {self.failed}")
        try:
            handler(self, timer.payload)
        except Exception as exc:  # a bug or a bad world: this tenant stops, nobody else does
            raise self.fail(f"timer {timer.kind} {timer.payload} raised "
                            f"{type(exc).__name__}: {exc}") from exc

    # -- failure ------------------------------------------------------------------------
    def fail(self, reason: str) -> TenantFailed:
        """Mark the tenant failed (logged once, with the traceback being handled, if any) and
        return the error to raise."""
        if self.failed is None:
            self.failed = reason
            log.error("tenant %s/%s failed: %s", self.dialect.name, self.id, reason, exc_info=True)
        return TenantFailed(f"tenant failed: {self.failed}")

    def check_alive(self) -> None:
        """Raise ``TenantFailed`` if the tenant has failed (its clock must not move)."""
        if self.failed is not None:
            raise TenantFailed(f"tenant failed: {self.failed}")

    # -- settings -----------------------------------------------------------------------
    def configure(self, patch: dict[str, Any]) -> None:
        """Merge a settings patch (already validated) and apply the parts with live effects."""
        self.settings = merge(self.settings, patch)
        rl = self.settings["rate_limit"]
        self.limiter.configure(rl["limit"], rl["window"])

    # -- persistence --------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "version": SNAPSHOT_VERSION,
            "vendor": self.dialect.name,
            "tenant": self.id,
            "seed": self.seed_number,
            "overrides": copy.deepcopy(self.overrides),
            "settings": copy.deepcopy(self.settings),
            "clock": self.clock.to_dict(),
            "ids": self.ids.to_dict(),
            "rng": _rng_state(self.rng),
            "agents": [a.to_dict() for a in self.agents.values()],
            "queues": [q.to_dict() for q in self.queues.values()],
            "numbers": [n.to_dict() for n in self.numbers.values()],
            "parties": copy.deepcopy(self.parties),
            "calls": [c.to_dict() for c in self.calls.values()],
            "events": [e.to_dict() for e in self.events],
            "event_seq": self.event_seq,
            "outbox": self.outbox.to_dict(),
            "requests": self.requests.to_dict(),
            "limiter": self.limiter.to_dict(),
            "state": copy.deepcopy(self.state),
            "store": self.store.to_dict(),
            "credentials": dict(self.custom_credentials),
            "seed_history": bool(self.history),
        }

    def restore(self, snap: dict[str, Any]) -> None:
        """Replace this tenant's state by a snapshot of this vendor *already checked* by
        ``control.snapshot_check.check_snapshot`` (this trusts every value). Credentials are
        left alone: ``Registry.restore`` applies the snapshot's."""
        keep_credentials = self.credentials
        self.seed_number = int(snap["seed"])
        self.overrides = copy.deepcopy(snap["overrides"])
        self._build()  # history and anything derived from the seed
        self.credentials = keep_credentials
        if not snap["seed_history"]:
            self.history = ()
        self.settings = copy.deepcopy(snap["settings"])
        self.clock.load(snap["clock"])
        self.ids.load(snap["ids"])
        self.rng.setstate(_rng_from(snap["rng"]))
        self.agents = {a["id"]: Agent.from_dict(a) for a in snap["agents"]}
        self.queues = {q["id"]: Queue.from_dict(q) for q in snap["queues"]}
        self.numbers = {n["number"]: Number(**n) for n in snap["numbers"]}
        self.parties = copy.deepcopy(snap["parties"])
        self.calls = {c["id"]: Call.from_dict(c) for c in snap["calls"]}
        self.waiting = {c.id: c for c in self.calls.values()
                        if c.queue_id is not None and c.answered_at is None and not c.ended}
        self.events = [Event.from_dict(e) for e in snap["events"]]
        self.event_seq = int(snap["event_seq"])
        self.outbox.load(snap["outbox"])
        self.requests.load(snap["requests"])
        self.limiter.load(snap["limiter"])
        self.state = copy.deepcopy(snap["state"])
        self.store.load(snap["store"])


def _rng_state(rng: random.Random) -> list[Any]:
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def _rng_from(data: list[Any]) -> tuple[Any, ...]:
    return (data[0], tuple(data[1]), data[2])


_COUNTING = CountingIds()
