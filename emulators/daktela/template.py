"""The doc's contact centre is built live once per (seed, settings) and copied at every later
create and reset of a tenant with the same seed and settings.

The live build runs the engine through the morning's calls (rings, answers, a transfer, CRM
hooks, SMS and records, ~2.5 ms); the world it leaves is a function of the seed number and the
tenant's settings alone (the clock start among them), so what it leaves is kept, pickled, and a
later build unpickles it (~0.2 ms, the store at first use). Kept apart from the copy, as objects
every copy shares:

- the tenant itself (anything in the world that points back at it gets the new tenant), its
  dialect and the seed's history (shared, never mutated, as a live build shares it too);
- functions (the store collections' record makers) and what nothing changes once made (the
  events recorded, the records' snapshots, the queues' options): a quarter of the copy's bytes;
- the clock, whose timers travel as its snapshot (``Clock.to_dict``/``load``, as a restore
  moves them: the new clock keeps its own anchor to the wall);
- the store (its 24 collections) and each collection's records and indexes, and the outbox's
  deliveries, pickled on their own and unpickled at first use (``core.store.FilledOnUse``): the
  store was ~60 % of the copy and most tenants read a few of its collections (no record is
  shared between two collections, or between the store and the rest of the world, so the parts
  copy as the whole did).

What a build does beside the tenant (the kept answers' revision, ``cache.bump``) is done by the
caller every time; the indexes the engines keep beside the store are keyed by its collections,
which are new objects here, so they are built again from the records as after a restore.
"""

from __future__ import annotations

import io
import json
import pickle
import types
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..core.calls import Call
from ..core.events import Event
from ..core.store import FilledOnUse
from ..core.world import Tenant
from .records import Snapshot

STATE = ("ids", "agents", "queues", "numbers", "parties", "calls", "waiting", "events", "event_seq", "outbox",
         "requests", "limiter", "state", "store")
"""The tenant's attributes a build fills (besides the clock, the history, the random generator
and the credentials, handled on their own)."""
MAX_TEMPLATES = 16
"""Worlds kept (distinct seeds and settings); more clears the lot."""


@dataclass(frozen=True)
class Template:
    state: bytes
    clock: dict[str, Any]
    rng: tuple[Any, ...]
    history: Sequence[Call]
    parts: tuple[bytes, ...]
    """What the store and each collection make on first use, pickled apart."""
    named: dict[Any, Any]
    """The persistent ids every copy resolves alike: the ``SHARED`` objects' numbers, the history."""


SHARED = (types.FunctionType, Event, Snapshot)
"""What every copy shares: functions, and what nothing changes once made (the events recorded,
the records' snapshots); and the queues' options (UpdateQueue replaces a queue's options with a
changed copy, never changes them in place)."""

_TEMPLATES: dict[tuple[int, str], Template] = {}


def key(t: Tenant) -> tuple[int, str]:
    return t.seed_number, json.dumps(t.settings, sort_keys=True, default=repr)


@dataclass(frozen=True)
class _Part:
    """Stands for what a store or collection makes on first use (``Template.parts[n]``)."""
    n: int


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, t: Tenant, shared: list[Any] | None = None,
                 numbered: dict[int, int] | None = None, parts: list[bytes] | None = None) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.t = t
        self.shared: list[Any] = [] if shared is None else shared
        self.numbered: dict[int, int] = {} if numbered is None else numbered
        self.parts: list[bytes] | None = parts
        """Where what the store and collections make at first use goes (None: pickled in place)."""
        self.options = {id(q.extra["options"]) for q in t.queues.values() if isinstance(q.extra.get("options"), dict)}

    def reducer_override(self, obj: Any) -> Any:
        if self.parts is None or not isinstance(obj, FilledOnUse):
            return NotImplemented
        cls = type(obj)
        values = tuple(getattr(obj, name) for name in cls.filled_on_use)  # (made first if not yet used)
        state = {k: v for k, v in vars(obj).items() if k not in cls.filled_on_use and k != "_fill"}
        buffer = io.BytesIO()
        _Pickler(buffer, self.t, self.shared, self.numbered, self.parts).dump(values)
        state["_fill"] = _Part(len(self.parts))
        self.parts.append(buffer.getvalue())
        return cls.__new__, (cls,), state

    def persistent_id(self, obj: Any) -> Any:
        t = self.t
        if obj is t:
            return "tenant"
        if obj is t.clock:
            return "clock"
        if obj is t.dialect:
            return "dialect"
        if obj is t.history:
            return "history"
        if type(obj) is _Part:
            return ("part", obj.n)
        if isinstance(obj, SHARED) or id(obj) in self.options:
            n = self.numbered.get(id(obj))
            if n is None:
                n = self.numbered[id(obj)] = len(self.shared)
                self.shared.append(obj)
            return n
        return None


class _Named(dict[Any, Any]):
    """The persistent ids a state names, looked up by the dict itself (no Python frame per id:
    a world names ~140); a part's filler made when first named."""

    def __init__(self, template: Template, t: Tenant) -> None:
        super().__init__(template.named)
        self.update(tenant=t, clock=t.clock, dialect=t.dialect)
        self.template, self.t = template, t

    def __missing__(self, pid: Any) -> Any:
        return _Fill(self.template, self.t, pid[1])


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, t: Tenant, template: Template) -> None:
        super().__init__(io.BytesIO(data))
        self.persistent_load = _Named(template, t).__getitem__  # type: ignore[method-assign]


class _Fill:
    """What a copy's store or collection makes at first use (one small object for each:
    a copy's every object is one more for the collector to walk)."""
    __slots__ = ("template", "t", "n")

    def __init__(self, template: Template, t: Tenant, n: int) -> None:
        self.template, self.t, self.n = template, t, n

    def __call__(self) -> Any:
        return _Unpickler(self.template.parts[self.n], self.t, self.template).load()


def capture(t: Tenant) -> Template:
    buffer = io.BytesIO()
    parts: list[bytes] = []
    pickler = _Pickler(buffer, t, parts=parts)
    pickler.dump(tuple(getattr(t, name) for name in STATE))
    return Template(buffer.getvalue(), t.clock.to_dict(), t.rng.getstate(), t.history, tuple(parts),
                    {**dict(enumerate(pickler.shared)), "history": t.history})


def apply(template: Template, t: Tenant) -> None:
    for name, value in zip(STATE, _Unpickler(template.state, t, template).load()):
        setattr(t, name, value)
    t.history = template.history
    t.rng.setstate(template.rng)
    t.clock.load(template.clock)


def build(t: Tenant, live: Callable[[Tenant], None]) -> None:
    """``live(t)`` the first time for this seed and these settings, a copy of what it made after."""
    k = key(t)
    template = _TEMPLATES.get(k)
    if template is not None:
        apply(template, t)
        return
    live(t)
    if len(_TEMPLATES) >= MAX_TEMPLATES:
        _TEMPLATES.clear()
    _TEMPLATES[k] = capture(t)
