"""Matchers: what a contract writes where a value legitimately varies (ids, times, counters).

In YAML they are tags, so a literal is always a literal::

    unique_id: !format asterisk-uniqueid
    date_time: !re '^2026-01-05 \\d\\d:\\d\\d:\\d\\d$'
    duration: !type string
    name: !example John Smith          # the doc's example value: exact against the emulator,
                                       # only its type against a live vendor's own data
    data: !each {uid: !type string}    # a non-empty list, every item matching
    rows: !keyed {key: '^cdr_\\d+$', value: {...}}   # an id-keyed object
    calls: !some {to_number: '0298765432'}           # at least one item matching
    data: !all [!each {...}, !descending /call_start_at]   # every part holds; newest first

Each matcher checks one value and reports drifts; ``compare`` (diff.py) is handed in so that
a matcher holding a structure (``!each``, ``!keyed``, ``!some``) compares its items the usual way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from . import formats
from .drift import (
    FORMAT_MISMATCH,
    ITEM_MISSING,
    LENGTH_CHANGED,
    ORDER_CHANGED,
    TYPE_CHANGED,
    Described,
    Drift,
    child,
    json_type,
)

Compare = Callable[[Any, Any, str], list[Drift]]
"""``compare(expected, actual, path)`` (diff.compare bound to a run's mode)."""

JSON_TYPES = ("string", "integer", "number", "boolean", "null", "array", "object")


def _compiles(pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{pattern!r} is no regular expression: {exc}") from None


class Matcher:
    tag = ""

    def check(self, actual: Any, path: str, compare: Compare, lax: bool) -> list[Drift]:
        raise NotImplementedError

    def children(self) -> list[Any]:
        """Expectations nested in this matcher (templates are filled in them too)."""
        return []

    def rebuild(self, fill: Callable[[Any], Any]) -> "Matcher":
        """This matcher with ``fill`` applied to its parts (template substitution)."""
        return self


@dataclass(frozen=True)
class Regex(Matcher):
    pattern: str
    tag = "!re"

    def __post_init__(self) -> None:
        _compiles(self.pattern)  # a broken pattern is the contract's error, at load time

    def check(self, actual: Any, path: str, compare: Compare, lax: bool) -> list[Drift]:
        if not isinstance(actual, str):
            return [Drift(TYPE_CHANGED, path, Described(f"a string matching {self.pattern}"), actual)]
        if re.search(self.pattern, actual) is None:
            return [Drift(FORMAT_MISMATCH, path, Described(f"a string matching {self.pattern}"), actual)]
        return []

    def children(self) -> list[Any]:
        return [self.pattern]

    def rebuild(self, fill: Callable[[Any], Any]) -> "Matcher":
        return Regex(fill(_RegexText(self.pattern)))

    def __str__(self) -> str:
        return f"!re {self.pattern}"


class _RegexText(str):
    """A pattern whose ``${...}`` values are filled in escaped (templates.fill knows)."""


@dataclass(frozen=True)
class TypeOf(Matcher):
    types: tuple[str, ...]
    tag = "!type"

    def __post_init__(self) -> None:
        unknown = [t for t in self.types if t not in JSON_TYPES]
        if unknown:
            raise ValueError(f"!type: unknown JSON type(s) {', '.join(unknown)}; known: {', '.join(JSON_TYPES)}")

    def check(self, actual: Any, path: str, compare: Compare, lax: bool) -> list[Drift]:
        if json_type(actual) in self.types:
            return []
        return [Drift(TYPE_CHANGED, path, Described(" or ".join(self.types)), actual)]

    def __str__(self) -> str:
        return f"!type {'|'.join(self.types)}"


@dataclass(frozen=True)
class Format(Matcher):
    name: str
    tag = "!format"

    def __post_init__(self) -> None:
        if not formats.known(self.name):
            raise ValueError(f"!format: unknown format {self.name!r}; known: {', '.join(formats.FORMATS)}")

    def check(self, actual: Any, path: str, compare: Compare, lax: bool) -> list[Drift]:
        if not isinstance(actual, str):
            return [Drift(TYPE_CHANGED, path, Described(f"a string in format {self.name}"), actual)]
        if not formats.conforms(self.name, actual):
            return [Drift(FORMAT_MISMATCH, path, Described(f"a string in format {self.name}"), actual)]
        return []

    def __str__(self) -> str:
        return f"!format {self.name}"


@dataclass(frozen=True)
class Anything(Matcher):
    tag = "!any"

    def check(self, actual: Any, path: str, compare: Compare, lax: bool) -> list[Drift]:
        return []

    def __str__(self) -> str:
        return "!any"


@dataclass(frozen=True)
class Example(Matcher):
    """The vendor document's example value: the emulator seeds it, so against the emulator it
    must be exact; a live vendor has its own data, so there only its shape is checked (its
    JSON type; an object's keys, their order and their values' shapes; a list's every item
    shaped like the example's first)."""

    value: Any
    tag = "!example"

    def check(self, actual: Any, path: str, compare: Compare, lax: bool) -> list[Drift]:
        return compare(shape_of(self.value) if lax else self.value, actual, path)

    def children(self) -> list[Any]:
        return [self.value]

    def rebuild(self, fill: Callable[[Any], Any]) -> "Matcher":
        return Example(fill(self.value))

    def __str__(self) -> str:
        return f"!example {self.value!r}"


@dataclass(frozen=True)
class Each(Matcher):
    """A list of any length (at least ``minimum``) whose every item matches ``item``."""

    item: Any
    minimum: int = 1
    tag = "!each"

    def check(self, actual: Any, path: str, compare: Compare, lax: bool) -> list[Drift]:
        if not isinstance(actual, list):
            return [Drift(TYPE_CHANGED, path, Described("array"), actual)]
        if len(actual) < self.minimum:
            return [Drift(LENGTH_CHANGED, path, Described(f"at least {self.minimum} item(s)"), len(actual))]
        drifts: list[Drift] = []
        for i, value in enumerate(actual):
            drifts += compare(self.item, value, child(path, i))
        return drifts

    def children(self) -> list[Any]:
        return [self.item]

    def rebuild(self, fill: Callable[[Any], Any]) -> "Matcher":
        return Each(fill(self.item), self.minimum)

    def __str__(self) -> str:
        return "!each" if self.minimum else "!each_or_empty"


@dataclass(frozen=True)
class Keyed(Matcher):
    """An object keyed by ids (``cdr_0``, ``"1133"``): at least one entry, every key matching
    ``key``, every value matching ``value``."""

    key: str
    value: Any
    tag = "!keyed"

    def __post_init__(self) -> None:
        _compiles(self.key)

    def check(self, actual: Any, path: str, compare: Compare, lax: bool) -> list[Drift]:
        if not isinstance(actual, dict):
            return [Drift(TYPE_CHANGED, path, Described("object"), actual)]
        if not actual:
            return [Drift(LENGTH_CHANGED, path, Described("at least 1 entry"), 0)]
        drifts: list[Drift] = []
        for key, value in actual.items():
            if re.search(self.key, key) is None:
                drifts.append(Drift(FORMAT_MISMATCH, child(path, key), Described(f"a key matching {self.key}"), key))
            drifts += compare(self.value, value, child(path, key))
        return drifts

    def children(self) -> list[Any]:
        return [self.value]

    def rebuild(self, fill: Callable[[Any], Any]) -> "Matcher":
        return Keyed(self.key, fill(self.value))

    def __str__(self) -> str:
        return f"!keyed {self.key}"


@dataclass(frozen=True)
class Some(Matcher):
    """A list (or an object's values) of which at least one item matches ``item``: reading
    back what an earlier step made, among whatever else the server holds."""

    item: Any
    tag = "!some"

    def check(self, actual: Any, path: str, compare: Compare, lax: bool) -> list[Drift]:
        if isinstance(actual, dict):
            items = list(actual.values())
        elif isinstance(actual, list):
            items = actual
        else:
            return [Drift(TYPE_CHANGED, path, Described("array or object"), actual)]
        if any(not compare(self.item, value, path) for value in items):
            return []
        return [Drift(ITEM_MISSING, path, self.item, Described(f"{len(items)} item(s), none matching"))]

    def children(self) -> list[Any]:
        return [self.item]

    def rebuild(self, fill: Callable[[Any], Any]) -> "Matcher":
        return Some(fill(self.item))

    def __str__(self) -> str:
        return "!some"


def shape_of(value: Any) -> Any:
    """An expectation that accepts any value shaped like ``value`` (see ``Example``)."""
    if isinstance(value, Matcher):
        return value
    if isinstance(value, dict):
        return {key: shape_of(item) for key, item in value.items()}
    if isinstance(value, list):
        return Each(shape_of(value[0])) if value else TypeOf(("array",))
    return TypeOf((json_type(value),))


@dataclass(frozen=True)
class Sorted(Matcher):
    """A list (or an object's values) whose items' values at ``pointer`` never go up
    (``!descending``: newest first) or never go down (``!ascending``)."""

    pointer: str
    descending: bool
    tag = "!descending"

    def check(self, actual: Any, path: str, compare: Compare, lax: bool) -> list[Drift]:
        from .runner import resolve  # the one JSON-pointer reader

        items = list(actual.values()) if isinstance(actual, dict) else actual
        if not isinstance(items, list):
            return [Drift(TYPE_CHANGED, path, Described("array or object"), actual)]
        keys = [resolve(item, self.pointer) for item in items]
        way = "descending" if self.descending else "ascending"
        for i, ((found_a, a), (found_b, b)) in enumerate(zip(keys, keys[1:])):
            if not (found_a and found_b) or type(a) is not type(b) or isinstance(a, (dict, list)):
                return [Drift(TYPE_CHANGED, child(path, i + 1), Described(f"items comparable by {self.pointer}"),
                              b if found_b else Described("(absent)"))]
            if (b > a) if self.descending else (b < a):
                return [Drift(ORDER_CHANGED, child(path, i + 1), Described(f"{way} by {self.pointer}"),
                              Described(f"{b!r} after {a!r}"))]
        return []

    def __str__(self) -> str:
        return f"!{'descending' if self.descending else 'ascending'} {self.pointer}"


@dataclass(frozen=True)
class AllOf(Matcher):
    """Every one of ``parts`` holds (``!all [!each {...}, !descending /call_start_at]``)."""

    parts: tuple[Any, ...]
    tag = "!all"

    def check(self, actual: Any, path: str, compare: Compare, lax: bool) -> list[Drift]:
        drifts: list[Drift] = []
        for part in self.parts:
            drifts += compare(part, actual, path)
        return drifts

    def children(self) -> list[Any]:
        return list(self.parts)

    def rebuild(self, fill: Callable[[Any], Any]) -> "Matcher":
        return AllOf(tuple(fill(part) for part in self.parts))

    def __str__(self) -> str:
        return "!all"
