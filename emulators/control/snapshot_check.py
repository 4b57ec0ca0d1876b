"""Is a snapshot fit to restore? A snapshot given to ``/restore`` or read from a state file
comes from outside, and ``Tenant.restore`` trusts every value it is given.

``check_snapshot`` reads the whole snapshot *before* anything is applied: JSON types and
bounds, every record against its dataclass, the enumerations, the references between calls,
legs, queues, agents, numbers and webhook deliveries, each timer's payload against its kind
(``core.timers.TIMER_PAYLOADS``), the clock, the settings against their schema and the
defaults' shape, and the vendor's own state against the dialect's ``state_schema``. It reports
the first bad value with its path (``calls[2].legs[0].agent_id: ...``). Last, it restores the
snapshot into a throw-away tenant, so that whatever this walk does not know about fails there,
never in the tenant being restored.
"""

from __future__ import annotations

import dataclasses
import random
import types
import typing
from functools import lru_cache
from typing import Any, Union

from ..core.agents import AGENT_STATES, BEHAVIOUR_MODES, Agent, Behaviour
from ..core.calls import CALL_TRANSITIONS, DIRECTIONS, DISPOSITIONS, ENDED_BY, LEG_TRANSITIONS, Call
from ..core.clock import MODES
from ..core.engine import FAULT_DISPOSITION
from ..core.events import Event
from ..core.queues import QUEUE_KINDS, STRATEGIES, Number, Queue
from ..core.store import Store
from ..core.timers import STORE_REF, TIMER_PAYLOADS
from ..core.webhooks import DELIVERED, FAILED, NO_TARGET, PENDING, RETRYING, Delivery
from ..core.world import CORE_SETTINGS, SNAPSHOT_VERSION, Dialect, Tenant, merge
from .settings import EARLIEST, LATEST, MAX_NUMBER, SettingsError, validate_settings

MAX_DEPTH = 32
"""Deepest nesting accepted anywhere (a real snapshot is about 8 deep; far deeper JSON only
attacks the recursion of whatever reads it)."""
MAX_INT = 2 ** 63 - 1
"""Largest integer magnitude (ids, counters, seeds: a 64-bit value is plenty)."""
HORIZON = LATEST + MAX_NUMBER
"""The latest instant a clock or timer may stand at, and the largest magnitude of any number of
a record: the clock is never moved past ``LATEST`` by hand, but a timer set just before may fall
due up to the longest delay a setting allows after it, and every such time still renders."""
DELIVERY_STATES = (PENDING, DELIVERED, RETRYING, FAILED, NO_TARGET)
SNAPSHOT_KEYS = ("version", "vendor", "tenant", "seed", "overrides", "settings", "clock", "ids", "rng",
                 "agents", "queues", "numbers", "parties", "calls", "events", "event_seq", "outbox",
                 "requests", "limiter", "state", "store", "credentials", "seed_history")
"""Every key of a snapshot (``Tenant.snapshot``), all required, no others."""
PARTY_KEYS = {f.name for f in dataclasses.fields(Behaviour)} | {"abandon_after"}
"""What an external number's behaviour may say: ``Behaviour`` fields and a caller's patience."""


class SnapshotError(ValueError):
    """``<path>: <problem>`` of the first bad value of a snapshot."""


def _bad(path: str, problem: str) -> SnapshotError:
    return SnapshotError(f"{path}: {problem}")


# ---------------------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------------------
def check_snapshot(snap: Any, dialect: Dialect) -> dict[str, Any]:
    """Return ``snap`` (upgraded to ``SNAPSHOT_VERSION``) if a tenant of ``dialect`` can restore
    it and go on working; else raise ``SnapshotError``. Reads, never changes, ``snap``."""
    return restored_tenant(snap, dialect)[0]


def restored_tenant(snap: Any, dialect: Dialect, tenant_id: str = "probe") -> tuple[dict[str, Any], Tenant]:
    """``check_snapshot``, and a new tenant ``tenant_id`` (registered nowhere, without
    credentials) restored from it."""
    _json(snap, "snapshot", 0)
    if not isinstance(snap, dict):
        raise _bad("snapshot", "not an object")
    snap = _upgrade(snap)
    if snap.get("vendor") != dialect.name:
        raise _bad("vendor", f"{snap.get('vendor')!r} is not {dialect.name!r}")
    for key in SNAPSHOT_KEYS:
        if key not in snap:
            raise _bad(key, "missing")
    for key in snap:
        if key not in SNAPSHOT_KEYS:
            raise _bad(key, "not a snapshot key")
    _typed(snap["tenant"], str, "tenant")
    _typed(snap["seed"], int, "seed")
    _typed(snap["seed_history"], bool, "seed_history")
    _typed(snap["credentials"], dict[str, str], "credentials")
    _check_settings(snap, dialect)
    _check_rng(snap["rng"])
    _record_of(snap["ids"], {"seed": int, "counters": dict[str, int]}, "ids")
    _check_state(snap["state"], dialect)
    world = _World(snap)
    world.check()
    try:
        probe = Tenant(tenant_id, dialect, snap["seed"], snap["overrides"])  # seeded as restore will
    except Exception as exc:  # untrusted data: say where, never raise something else
        raise _bad("overrides", f"cannot seed a tenant ({type(exc).__name__}: {exc})") from None
    world.records = _check_store(snap["store"], probe.store)
    _check_clock(snap["clock"], world)
    world.check_history(probe.history)
    _trial_restore(probe, snap)
    return snap, probe


def _upgrade(snap: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no custom credentials and always the seed history; versions 1 and 2 had no
    store (their vendors kept nothing in it)."""
    version = snap.get("version")
    if isinstance(version, bool) or version not in (1, 2, SNAPSHOT_VERSION):
        raise _bad("version", f"{version!r} is not a snapshot version this telemock reads "
                              f"(1 to {SNAPSHOT_VERSION})")
    if version == 1:
        snap = {**snap, "credentials": snap.get("credentials", {}),
                "seed_history": snap.get("seed_history", True)}
    if version in (1, 2):
        snap = {**snap, "version": SNAPSHOT_VERSION, "store": snap.get("store", {})}
    return snap


# ---------------------------------------------------------------------------------------
# JSON and types
#
# A snapshot of a busy tenant holds a hundred thousand records, so the checks below are compiled
# once per type and build no path while all is well: a failure raises ``_Bad``, and each
# container it passes through on the way out adds its key to ``where``.
# ---------------------------------------------------------------------------------------
class _Bad(Exception):
    def __init__(self, problem: str, *where: str | int) -> None:
        super().__init__(problem)
        self.problem = problem
        self.where: list[str | int] = list(where)
        """Keys and indexes from the bad value outwards."""

    def at(self, path: str) -> SnapshotError:
        tail = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in reversed(self.where))
        return SnapshotError(f"{path}{tail}: {self.problem}")


def _json(value: Any, path: str, depth: int) -> None:
    """Plain JSON (str keys), finite numbers within ``MAX_INT``, at most ``MAX_DEPTH`` deep."""
    try:
        _plain(value, depth)
    except _Bad as bad:
        raise bad.at(path) from None


def _plain(value: Any, depth: int) -> None:
    kind = type(value)
    if kind is dict or kind is list:
        if depth >= MAX_DEPTH:
            raise _Bad(f"nested deeper than {MAX_DEPTH}")
        items = value.items() if kind is dict else enumerate(value)
        for key, item in items:
            if type(key) is not str and kind is dict:
                raise _Bad(f"key {key!r} is not a string")
            kind_ = type(item)
            if kind_ is str or kind_ is bool or item is None:
                continue
            try:
                _plain(item, depth + 1)
            except _Bad as bad:
                bad.where.append(key)
                raise
    elif kind is float:
        if value - value != 0.0:  # inf - inf and NaN - NaN are NaN
            raise _Bad(f"{value!r} is not a finite number")
    elif kind is int:
        if not -MAX_INT <= value <= MAX_INT:
            raise _Bad("integer out of range")
    elif not (kind is str or kind is bool or value is None):
        raise _Bad(f"{kind.__name__} is not JSON")


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


Check = typing.Callable[[Any], None]


def _typed(value: Any, hint: Any, path: str) -> None:
    """``value`` (already plain JSON) has the type ``hint`` names; numbers stay within
    ``HORIZON``; a dataclass hint means a record of it (``_record``)."""
    try:
        _checker(hint)(value)
    except _Bad as bad:
        raise bad.at(path) from None


def _record(value: Any, cls: type, path: str) -> dict[str, Any]:
    """A JSON object that ``cls.from_dict``/``cls(**value)`` turns into a well-typed record:
    no unknown keys, every field without a default present, each field of its hinted type."""
    _typed(value, cls, path)
    return typing.cast(dict[str, Any], value)


@lru_cache(maxsize=None)
def _checker(hint: Any) -> Check:
    """The check of one type hint (compiled once)."""
    origin = typing.get_origin(hint)
    if hint is Any:
        return _anything
    if origin in (Union, types.UnionType):
        return _union(typing.get_args(hint))
    if hint in _SCALAR_CHECKS:
        return _SCALAR_CHECKS[hint]
    if origin is list:
        return _list_of(_checker((typing.get_args(hint) or (Any,))[0]))
    if origin is dict:
        return _dict_of(_checker((typing.get_args(hint) or (str, Any))[1]))
    if dataclasses.is_dataclass(hint):
        return _record_checker(hint)  # type: ignore[arg-type]
    raise TypeError(f"snapshot_check cannot check {hint!r}")  # a field type it was not taught


def _anything(value: Any) -> None:
    return None


def _check_none(value: Any) -> None:
    if value is not None:
        raise _Bad(f"{value!r} is not null")


def _check_bool(value: Any) -> None:
    if type(value) is not bool:
        raise _Bad(f"{value!r} is not bool")


def _check_int(value: Any) -> None:
    if type(value) is not int:
        raise _Bad(f"{value!r} is not int")


def _check_float(value: Any) -> None:
    kind = type(value)
    if kind is not float and kind is not int:
        raise _Bad(f"{value!r} is not float")
    if not -HORIZON <= value <= HORIZON:
        raise _Bad(f"{value!r} is out of range")


def _check_str(value: Any) -> None:
    if type(value) is not str:
        raise _Bad(f"{value!r} is not str")


_SCALAR_CHECKS: dict[Any, Check] = {type(None): _check_none, bool: _check_bool, int: _check_int,
                                    float: _check_float, str: _check_str}


def _union(arms: tuple[Any, ...]) -> Check:
    nullable = type(None) in arms
    checks = [_checker(arm) for arm in arms if arm is not type(None)]

    def check(value: Any) -> None:
        if value is None:
            if nullable:
                return
            raise _Bad("null is not allowed")
        first: _Bad | None = None
        for arm in checks:
            try:
                arm(value)
                return
            except _Bad as bad:
                first = first or bad
        raise first or _Bad("null is not allowed")
    return check


def _list_of(item: Check) -> Check:
    def check(value: Any) -> None:
        if type(value) is not list:
            raise _Bad("not a list")
        if item is _anything:
            return
        for i, v in enumerate(value):
            try:
                item(v)
            except _Bad as bad:
                bad.where.append(i)
                raise
    return check


def _dict_of(item: Check) -> Check:
    def check(value: Any) -> None:
        if type(value) is not dict:
            raise _Bad("not an object")
        if item is _anything:
            return
        for k, v in value.items():
            try:
                item(v)
            except _Bad as bad:
                bad.where.append(k)
                raise
    return check


def _record_checker(cls: type) -> Check:
    hints = _hints(cls)
    fields = [(f.name, _checker(hints[f.name]),
               f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
              for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    names = frozenset(name for name, _, _ in fields)
    title = cls.__name__

    def check(value: Any) -> None:
        if type(value) is not dict:
            raise _Bad(f"not a {title} object")
        for key in value:
            if key not in names:
                raise _Bad(f"not a field of {title}", key)
        for name, field_check, required in fields:
            if name in value:
                try:
                    field_check(value[name])
                except _Bad as bad:
                    bad.where.append(name)
                    raise
            elif required:
                raise _Bad("missing", name)
    return check


def _record_of(value: Any, shape: dict[str, Any], path: str) -> dict[str, Any]:
    """An object with exactly the keys of ``shape``, each of its type."""
    if not isinstance(value, dict):
        raise _bad(path, "not an object")
    for key, hint in shape.items():
        if key not in value:
            raise _bad(f"{path}.{key}", "missing")
        _typed(value[key], hint, f"{path}.{key}")
    for key in value:
        if key not in shape:
            raise _bad(f"{path}.{key}", "unexpected key")
    return value


def _one_of(value: Any, allowed: typing.Iterable[Any], path: str) -> None:
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise _bad(path, f"{value!r} is not one of {', '.join(map(str, allowed))}")


def _at_least(value: float, low: float, path: str) -> None:
    if value < low:
        raise _bad(path, f"{value!r} is below {low}")


# ---------------------------------------------------------------------------------------
# settings, rng, vendor state
# ---------------------------------------------------------------------------------------
def _check_settings(snap: dict[str, Any], dialect: Dialect) -> None:
    defaults = merge(CORE_SETTINGS, dialect.settings)
    for key in ("overrides", "settings"):
        value = snap[key]
        try:
            validate_settings(value)
        except SettingsError as exc:
            raise _bad(key, str(exc)) from None
        # Everything the core and the vendor read must be there, of the default's kind.
        _shaped(merge(defaults, value) if key == "overrides" else value, defaults, key)


def _shaped(value: Any, default: Any, path: str) -> None:
    """``value`` has every key of ``default`` (recursively), each of the same JSON kind."""
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise _bad(path, "not an object")
        for key, item in default.items():
            if key not in value:
                raise _bad(f"{path}.{key}", "missing")
            _shaped(value[key], item, f"{path}.{key}")
    elif isinstance(default, bool):
        _typed(value, bool, path)
    elif isinstance(default, (int, float)):
        _typed(value, float, path)
    elif isinstance(default, str):
        _typed(value, str, path)
    elif isinstance(default, list):
        _typed(value, list[Any], path)


def _check_rng(value: Any) -> None:
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[1], list)):
        raise _bad("rng", "not [version, state, gauss]")
    _typed(value[2], float | None, "rng[2]")
    try:
        random.Random().setstate((value[0], tuple(value[1]), value[2]))
    except (TypeError, ValueError, OverflowError) as exc:
        raise _bad("rng", f"not a random generator state ({exc})") from None


def _check_state(value: Any, dialect: Dialect) -> None:
    if not isinstance(value, dict):
        raise _bad("state", "not an object")
    schema = getattr(dialect, "state_schema", None)
    if schema is None:
        return
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match
    error = best_match(Draft202012Validator(schema).iter_errors(value))
    if error is not None:
        where = "".join(f".{p}" if isinstance(p, str) else f"[{p}]" for p in error.absolute_path)
        raise _bad(f"state{where}", error.message)


# ---------------------------------------------------------------------------------------
# the world: records and the references between them
# ---------------------------------------------------------------------------------------
class _World:
    """The records of a snapshot, checked one collection at a time, and their ids."""

    def __init__(self, snap: dict[str, Any]) -> None:
        self.snap = snap
        self.agents: set[str] = set()
        self.queues: set[str] = set()
        self.calls: dict[str, set[str]] = {}
        """Call id -> its leg ids."""
        self.deliveries: set[str] = set()
        self.records: dict[str, set[str]] = {}
        """Store collection -> the ids of its records (``_check_store``)."""

    def check(self) -> None:
        snap = self.snap
        agents = _list(snap["agents"], "agents")
        for i, raw in enumerate(agents):
            self._agent(raw, f"agents[{i}]")
        for i, raw in enumerate(_list(snap["queues"], "queues")):
            self._queue(raw, f"queues[{i}]")
        numbers: set[str] = set()
        for i, raw in enumerate(_list(snap["numbers"], "numbers")):
            path = f"numbers[{i}]"
            _record(raw, Number, path)
            if raw["number"] in numbers:
                raise _bad(f"{path}.number", f"{raw['number']!r} appears twice")
            numbers.add(raw["number"])
            self._target(raw["target"], f"{path}.target")
        _typed(snap["parties"], dict[str, dict[str, Any]], "parties")
        for number, behaviour in snap["parties"].items():
            self._party(behaviour, f"parties.{number}")
        calls = _list(snap["calls"], "calls")
        for i, raw in enumerate(calls):
            self._call_ids(raw, f"calls[{i}]")
        for i, raw in enumerate(calls):
            self._call_refs(raw, f"calls[{i}]")
        for i, raw in enumerate(agents):
            if raw.get("call_id") is not None:
                self.call(raw["call_id"], f"agents[{i}].call_id")
        self._events()
        self._outbox()
        self._requests()
        limiter = _record_of(snap["limiter"], {"limit": int, "window": float, "hits": list[float]},
                             "limiter")
        _at_least(limiter["limit"], 0, "limiter.limit")
        if not limiter["window"] > 0:
            raise _bad("limiter.window", "must be positive")

    # -- references ---------------------------------------------------------------------
    def agent(self, value: Any, path: str) -> None:
        if value not in self.agents:
            raise _bad(path, f"{value!r} is no agent of this snapshot")

    def queue(self, value: Any, path: str) -> None:
        if value not in self.queues:
            raise _bad(path, f"{value!r} is no queue of this snapshot")

    def call(self, value: Any, path: str) -> None:
        if not isinstance(value, str) or value not in self.calls:
            raise _bad(path, f"{value!r} is no call of this snapshot")

    def _target(self, target: str, path: str) -> None:
        kind, _, ref = target.partition(":")
        if kind == "queue":
            self.queue(ref, path)
        elif kind == "agent":
            self.agent(ref, path)
        else:
            raise _bad(path, f"{target!r} is not queue:<id> or agent:<id>")

    # -- records ------------------------------------------------------------------------
    def _agent(self, raw: Any, path: str) -> None:
        _record(raw, Agent, path)
        if raw["id"] in self.agents:
            raise _bad(f"{path}.id", f"{raw['id']!r} appears twice")
        self.agents.add(raw["id"])
        if "state" in raw:
            _one_of(raw["state"], AGENT_STATES, f"{path}.state")
        self._behaviour(raw.get("behaviour", {}), f"{path}.behaviour")

    def _behaviour(self, raw: dict[str, Any], path: str) -> None:
        if "mode" in raw:
            _one_of(raw["mode"], BEHAVIOUR_MODES, f"{path}.mode")
        if raw.get("fault") is not None:
            _one_of(raw["fault"], FAULT_DISPOSITION, f"{path}.fault")

    def _party(self, raw: dict[str, Any], path: str) -> None:
        for key in raw:
            if key not in PARTY_KEYS:
                raise _bad(f"{path}.{key}", "not a party behaviour key")
        _record({k: v for k, v in raw.items() if k != "abandon_after"}, Behaviour, path)
        _typed(raw.get("abandon_after"), float | None, f"{path}.abandon_after")
        self._behaviour(raw, path)

    def _queue(self, raw: Any, path: str) -> None:
        _record(raw, Queue, path)
        if raw["id"] in self.queues:
            raise _bad(f"{path}.id", f"{raw['id']!r} appears twice")
        self.queues.add(raw["id"])
        if "kind" in raw:
            _one_of(raw["kind"], QUEUE_KINDS, f"{path}.kind")
        if "strategy" in raw:
            _one_of(raw["strategy"], STRATEGIES, f"{path}.strategy")
        _at_least(raw.get("rr_index", 0), 0, f"{path}.rr_index")
        for j, member in enumerate(raw.get("members", [])):
            self.agent(member["agent_id"], f"{path}.members[{j}].agent_id")

    def _call_ids(self, raw: Any, path: str) -> None:
        _record(raw, Call, path)
        if raw["id"] in self.calls:
            raise _bad(f"{path}.id", f"{raw['id']!r} appears twice")
        legs: set[str] = set()
        for j, leg in enumerate(raw.get("legs", [])):
            if leg["id"] in legs:
                raise _bad(f"{path}.legs[{j}].id", f"{leg['id']!r} appears twice")
            legs.add(leg["id"])
        self.calls[raw["id"]] = legs

    def _call_refs(self, raw: dict[str, Any], path: str) -> None:
        _one_of(raw["direction"], DIRECTIONS, f"{path}.direction")
        state = raw.get("state", "created")
        _one_of(state, CALL_TRANSITIONS, f"{path}.state")
        if (state == "ended") != (raw.get("ended_at") is not None):
            raise _bad(f"{path}.ended_at", "an ended call has an end time, a live one none")
        for key, allowed in (("disposition", DISPOSITIONS), ("ended_by", ENDED_BY)):
            if raw.get(key) is not None:
                _one_of(raw[key], allowed, f"{path}.{key}")
        if raw.get("queue_id") is not None:
            self.queue(raw["queue_id"], f"{path}.queue_id")
        for key in ("user_id", "answered_by", "agent_id", "parked_by"):
            if raw.get(key) is not None:
                self.agent(raw[key], f"{path}.{key}")
        for j, agent_id in enumerate(raw.get("tried", [])):
            self.agent(agent_id, f"{path}.tried[{j}]")
        for j, leg in enumerate(raw.get("legs", [])):
            where = f"{path}.legs[{j}]"
            _one_of(leg.get("state", "created"), LEG_TRANSITIONS, f"{where}.state")
            if leg.get("disposition") is not None:
                _one_of(leg["disposition"], DISPOSITIONS, f"{where}.disposition")
            if leg.get("agent_id") is not None:
                self.agent(leg["agent_id"], f"{where}.agent_id")

    def _events(self) -> None:
        snap = self.snap
        _typed(snap["event_seq"], int, "event_seq")
        _typed(snap["events"], list[Event], "events")
        last = snap["event_seq"]
        for i, raw in enumerate(snap["events"]):
            if raw["seq"] > last:
                raise _bad(f"events[{i}].seq", "beyond event_seq")

    def _outbox(self) -> None:
        outbox = _record_of(self.snap["outbox"], {"seq": int, "deliveries": list[Any]}, "outbox")
        for i, raw in enumerate(outbox["deliveries"]):
            path = f"outbox.deliveries[{i}]"
            _record(raw, Delivery, path)
            number = raw["id"].removeprefix("whd_")
            if not raw["id"].startswith("whd_") or not number.isdigit() or not number.isascii():
                raise _bad(f"{path}.id", f"{raw['id']!r} is not whd_<number>")
            if int(number) > outbox["seq"]:
                raise _bad(f"{path}.id", "beyond outbox.seq")
            if raw["id"] in self.deliveries:
                raise _bad(f"{path}.id", f"{raw['id']!r} appears twice")
            self.deliveries.add(raw["id"])
            if "state" in raw:
                _one_of(raw["state"], DELIVERY_STATES, f"{path}.state")

    def _requests(self) -> None:
        journal = _record_of(self.snap["requests"], {"seq": int, "entries": list[dict[str, Any]]},
                             "requests")
        for i, entry in enumerate(journal["entries"]):
            if "seq" not in entry:
                raise _bad(f"requests.entries[{i}].seq", "missing")
            _typed(entry["seq"], int, f"requests.entries[{i}].seq")

    def check_history(self, history: typing.Sequence[Call]) -> None:
        """The seed's history (rebuilt on restore) names only agents and queues that exist."""
        if not self.snap["seed_history"]:
            return
        for call in history:
            where = f"seed history call {call.id}"
            if call.queue_id is not None and call.queue_id not in self.queues:
                raise _bad("queues", f"{where} names queue {call.queue_id!r}, which is missing")
            named = {call.user_id, call.answered_by, call.agent_id, *(l.agent_id for l in call.legs)}
            missing = sorted(a for a in named if a is not None and a not in self.agents)
            if missing:
                raise _bad("agents", f"{where} names agent {missing[0]!r}, which is missing")


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _bad(path, "not a list")
    return value


# ---------------------------------------------------------------------------------------
# the store
# ---------------------------------------------------------------------------------------
def _check_store(value: Any, store: Store) -> dict[str, set[str]]:
    """Every collection is one the vendor's tenants declare, every record one of its type with a
    unique id; returns the ids per collection (timers may name them)."""
    if not isinstance(value, dict):
        raise _bad("store", "not an object")
    ids: dict[str, set[str]] = {}
    for name, data in value.items():
        path = f"store.{name}"
        collection = store.collections.get(name)
        if collection is None:
            raise _bad(path, "not a collection of this vendor's tenants")
        _record_of(data, {"counter": int, "items": list[Any]}, path)
        _at_least(data["counter"], 0, f"{path}.counter")
        seen: set[str] = set()
        for i, raw in enumerate(data["items"]):
            where = f"{path}.items[{i}]"
            if collection.record is not None:
                _record(raw, collection.record, where)
            elif not isinstance(raw, dict):
                raise _bad(where, "not an object")
            key = raw.get(collection.id_field)
            if type(key) not in (str, int):
                raise _bad(f"{where}.{collection.id_field}", "missing, or not a string")
            if str(key) in seen:
                raise _bad(f"{where}.{collection.id_field}", f"{key!r} appears twice")
            if str(key).isascii() and str(key).isdigit() and int(key) > data["counter"]:
                raise _bad(f"{where}.{collection.id_field}", f"beyond {path}.counter")
            seen.add(str(key))
        ids[name] = seen
    return ids


# ---------------------------------------------------------------------------------------
# the clock and its timers
# ---------------------------------------------------------------------------------------
def _check_clock(value: Any, world: _World) -> None:
    clock = _record_of(value, {"now": float, "mode": str, "speed": float, "seq": int,
                               "timers": list[list[Any]]}, "clock")
    try:
        validate_settings({"clock": {"mode": clock["mode"], "speed": clock["speed"]}})
    except SettingsError as exc:
        raise _bad("clock", str(exc)) from None
    _one_of(clock["mode"], MODES, "clock.mode")
    _within(clock["now"], "clock.now")
    _at_least(clock["seq"], 0, "clock.seq")
    seen: set[int] = set()
    for i, timer in enumerate(clock["timers"]):
        path = f"clock.timers[{i}]"
        if len(timer) != 4:
            raise _bad(path, "not [due, seq, kind, payload]")
        due, seq, kind, payload = timer
        _typed(due, float, f"{path}[0]")
        _within(due, f"{path}[0]")
        _typed(seq, int, f"{path}[1]")
        if not 1 <= seq <= clock["seq"] or seq in seen:  # unique: the heap never compares payloads
            raise _bad(f"{path}[1]", f"{seq} is not a fresh sequence number up to clock.seq")
        seen.add(seq)
        _payload(kind, payload, path, world)


def _within(value: float, path: str) -> None:
    if not EARLIEST <= value <= HORIZON:
        raise _bad(path, f"{value!r} is not an instant between 1970 and ~3031")


def _payload(kind: Any, payload: Any, path: str, world: _World) -> None:
    """A timer's payload names exactly what its kind's handler reads, and all of it exists."""
    spec = TIMER_PAYLOADS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        raise _bad(f"{path}[2]", f"{kind!r} is not a timer kind")
    if not isinstance(payload, dict):
        raise _bad(f"{path}[3]", "not an object")
    for key in payload:
        if key not in spec:
            raise _bad(f"{path}[3].{key}", f"not a key of a {kind} timer")
    for key, ref in spec.items():
        where = f"{path}[3].{key}"
        if key not in payload:
            raise _bad(where, "missing")
        value = payload[key]
        if ref == "call":
            world.call(value, where)
        elif ref == "leg":
            call = next((payload[k] for k, r in spec.items() if r == "call"), None)
            if not isinstance(call, str) or value not in world.calls.get(call, ()):
                raise _bad(where, f"{value!r} is no leg of call {call!r}")
        elif ref == "agent":
            world.agent(value, where)
        elif ref == "delivery":
            if value not in world.deliveries:
                raise _bad(where, f"{value!r} is no webhook delivery of this snapshot")
        elif ref == "disposition":
            _one_of(value, DISPOSITIONS, where)
        elif ref == "ended_by":
            _one_of(value, ENDED_BY, where)
        elif ref.startswith(STORE_REF):
            collection = ref[len(STORE_REF):]
            if not isinstance(value, str) or value not in world.records.get(collection, ()):
                raise _bad(where, f"{value!r} is no record of the store's {collection}")
        else:  # pragma: no cover - timers.PAYLOAD_REFS grew without this check
            raise TypeError(f"snapshot_check does not know payload ref {ref!r}")


# ---------------------------------------------------------------------------------------
# last resort
# ---------------------------------------------------------------------------------------
def _trial_restore(probe: Tenant, snap: dict[str, Any]) -> None:
    """Restore into a throw-away tenant: what the checks above missed fails here, where it
    harms nobody."""
    try:
        probe.restore(snap)
    except Exception as exc:  # untrusted data: any failure means "cannot be restored"
        raise _bad("snapshot", f"cannot be restored ({type(exc).__name__}: {exc})") from None
