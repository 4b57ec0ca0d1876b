"""Expected vs actual, as precise drifts.

Objects must have exactly the expected keys in the expected order; a key missing where another
appeared at the same place, holding a matching value, is a rename. Lists must have the expected
length (a matcher says otherwise: ``!each``, ``!some``). Scalars must be equal and of the same
JSON type: ``"8"`` is not ``8`` and ``1`` is not ``1.0`` nor ``true``.
"""

from __future__ import annotations

from typing import Any

from .drift import (
    FIELD_ADDED,
    FIELD_REMOVED,
    FIELD_RENAMED,
    LENGTH_CHANGED,
    ORDER_CHANGED,
    STRING_CHANGED,
    TYPE_CHANGED,
    VALUE_CHANGED,
    Described,
    Drift,
    child,
    json_type,
)
from .matchers import Matcher


def compare(expected: Any, actual: Any, path: str = "$", lax: bool = False) -> list[Drift]:
    """Every drift of ``actual`` from ``expected``. ``lax``: ``!example`` values are the vendor
    document's data, which a live vendor does not hold: only their types are compared."""

    def recurse(exp: Any, act: Any, where: str) -> list[Drift]:
        return compare(exp, act, where, lax)

    if isinstance(expected, Matcher):
        return expected.check(actual, path, recurse, lax)
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [Drift(TYPE_CHANGED, path, Described("object"), actual)]
        return _objects(expected, actual, path, recurse)
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [Drift(TYPE_CHANGED, path, Described("array"), actual)]
        drifts = []
        if len(expected) != len(actual):
            drifts.append(Drift(LENGTH_CHANGED, path, len(expected), len(actual)))
        for i, (exp, act) in enumerate(zip(expected, actual)):
            drifts += recurse(exp, act, child(path, i))
        return drifts
    if json_type(expected) != json_type(actual):
        return [Drift(TYPE_CHANGED, path, expected, actual)]
    if expected != actual:
        return [Drift(STRING_CHANGED if isinstance(expected, str) else VALUE_CHANGED, path, expected, actual)]
    return []


def _objects(expected: dict[str, Any], actual: dict[str, Any], path: str, recurse: Any) -> list[Drift]:
    drifts: list[Drift] = []
    removed = [k for k in expected if k not in actual]
    added = [k for k in actual if k not in expected]
    renamed = _renames(expected, actual, removed, added, path, recurse)
    for old, new in renamed.items():
        drifts.append(Drift(FIELD_RENAMED, child(path, old), old, new))
        removed.remove(old)
        added.remove(new)
    drifts += [Drift(FIELD_REMOVED, child(path, k), expected[k], Described("(absent)")) for k in removed]
    drifts += [Drift(FIELD_ADDED, child(path, k), Described("(absent)"), actual[k]) for k in added]
    # order: the keys both have (a renamed key standing at its new name's place)
    wanted = [renamed.get(k, k) for k in expected if k in actual or k in renamed]
    present = [k for k in actual if k in set(wanted)]
    if wanted != present:
        drifts.append(Drift(ORDER_CHANGED, path, wanted, present))
    for key in expected:
        if key in actual:
            drifts += recurse(expected[key], actual[key], child(path, key))
        elif key in renamed:
            drifts += recurse(expected[key], actual[renamed[key]], child(path, renamed[key]))
    return drifts


def _renames(expected: dict[str, Any], actual: dict[str, Any], removed: list[str], added: list[str],
             path: str, recurse: Any) -> dict[str, str]:
    """Removed key -> added key, where the added one holds what the removed one should have:
    a matching value, or (failing that) the same place among the keys and the same JSON type."""
    pairs: dict[str, str] = {}
    free = list(added)
    for old in removed:
        match = next((new for new in free if not recurse(expected[old], actual[new], path)), None)
        if match is None:
            place = list(expected).index(old)
            keys = list(actual)
            at = keys[place] if place < len(keys) else None
            if at in free and _same_type(expected[old], actual[at]):
                match = at
        if match is not None:
            pairs[old] = match
            free.remove(match)
    return pairs


def _same_type(expected: Any, actual: Any) -> bool:
    if isinstance(expected, Matcher):
        return True
    return json_type(expected) == json_type(actual)
