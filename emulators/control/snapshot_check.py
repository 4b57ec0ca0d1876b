"""Is a restored tenant well-formed? A snapshot given to ``/restore`` comes from outside.

``Tenant.restore`` rebuilds records from JSON without checking their types (dataclasses don't),
so a damaged snapshot could restore "fine" and make every later request fail. This walks the
restored records against their type hints and checks settings and clock, so the control plane
can roll back and answer 400 instead.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from functools import lru_cache
from typing import Any, Union

from ..core.clock import MODES
from ..core.world import Tenant
from .settings import LATEST, validate_settings


class SnapshotError(ValueError):
    pass


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _check(value: Any, hint: Any, where: str) -> None:
    if hint is Any:
        return
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        errors = []
        for arm in typing.get_args(hint):
            try:
                _check(value, arm, where)
                return
            except SnapshotError as exc:
                errors.append(str(exc))
        raise SnapshotError(errors[0])
    if hint is type(None):
        ok = value is None
    elif hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    elif hint is str:
        ok = isinstance(value, str)
    elif origin is list:
        if not isinstance(value, list):
            raise SnapshotError(f"{where}: not a list")
        (item,) = typing.get_args(hint) or (Any,)
        for i, v in enumerate(value):
            _check(v, item, f"{where}[{i}]")
        return
    elif origin is dict:
        if not isinstance(value, dict):
            raise SnapshotError(f"{where}: not an object")
        key, item = typing.get_args(hint) or (Any, Any)
        for k, v in value.items():
            _check(k, key, f"{where} key")
            _check(v, item, f"{where}.{k}")
        return
    elif dataclasses.is_dataclass(hint):
        if not isinstance(value, hint):
            raise SnapshotError(f"{where}: not a {hint.__name__}")
        for name, field_hint in _hints(hint).items():
            _check(getattr(value, name), field_hint, f"{where}.{name}")
        return
    else:
        ok = True  # a type this check does not know: trust it
    if not ok:
        raise SnapshotError(f"{where}: {value!r} is not {getattr(hint, '__name__', hint)}")


def check_restored(tenant: Tenant) -> None:
    """Raise ``SnapshotError`` (or ``SettingsError``) if the restored tenant is not usable."""
    validate_settings(tenant.settings)
    clock = tenant.clock
    if clock.mode not in MODES or not (isinstance(clock.speed, float) and 0 < clock.speed < math.inf):
        raise SnapshotError("clock: bad mode or speed")
    if not (isinstance(clock.now(), float) and math.isfinite(clock.now()) and clock.now() <= LATEST):
        raise SnapshotError("clock: bad time")
    for timer in clock._heap:  # noqa: SLF001 - the timers are what a snapshot carries
        _check(timer.due, float, "clock.timers.due")
        _check(timer.kind, str, "clock.timers.kind")
        _check(timer.payload, dict[str, Any], "clock.timers.payload")
    for name in ("agents", "queues", "numbers", "calls"):
        for key, record in getattr(tenant, name).items():
            _check(key, str, name)
            _check(record, type(record), f"{name}.{key}")
    for i, event in enumerate(tenant.events):
        _check(event, type(event), f"events[{i}]")
    for i, delivery in enumerate(tenant.outbox.deliveries):
        _check(delivery, type(delivery), f"outbox[{i}]")
    for key, behaviour in tenant.parties.items():
        _check(behaviour, dict[str, Any], f"parties.{key}")
    _check(tenant.ids.counters, dict[str, int], "ids.counters")
    _check(tenant.state, dict[str, Any], "state")
    _check(list(tenant.requests.entries), list[dict[str, Any]], "requests")
    _check(tenant.limiter.limit, int, "limiter.limit")
    _check(tenant.limiter.window, float, "limiter.window")
    try:
        json.dumps(tenant.snapshot(), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise SnapshotError(f"not serialisable: {exc}") from None
