"""Comparing what a scenario expects with what happened, and filling in ``${...}`` templates.

Matching is strict about types (``34`` is not ``"34"``): vendors' wire types are part of their
fidelity, and a report that says *expected 34 (int), got '34' (str)* tells the author why.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

from .durations import parse_duration

Resolver = Callable[[str], Any]
_TEMPLATE = re.compile(r"\$\{([^}]+)\}")


def shown(value: Any) -> str:
    """A value as a report shows it, with its type when that could be the problem."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, float)):
        return f"{value!r} ({type(value).__name__})"
    if isinstance(value, str):
        return repr(value) if len(value) <= 200 else repr(value[:200]) + "..."
    text = repr(value)
    return text if len(text) <= 300 else text[:300] + "..."


def count_ok(expected: Any, actual: float) -> bool:
    """A number, or inclusive bounds {min, max}."""
    if isinstance(expected, dict):
        return bool((expected.get("min") is None or actual >= expected["min"]) and
                    (expected.get("max") is None or actual <= expected["max"]))
    return bool(actual == expected)


def duration_ok(expected: Any, actual: float) -> bool:
    """Like ``count_ok`` with durations (``34s``, ``2m``) on either side of the bounds."""
    if isinstance(expected, dict):
        return count_ok({k: parse_duration(v) for k, v in expected.items()}, actual)
    return actual == parse_duration(expected)


def describe_bounds(expected: Any) -> str:
    if isinstance(expected, dict):
        parts = []
        if "min" in expected:
            parts.append(f">= {expected['min']}")
        if "max" in expected:
            parts.append(f"<= {expected['max']}")
        return " and ".join(parts)
    return str(expected)


def scalar_ok(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual or (type(expected) is type(actual) and expected == actual)
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return expected == actual
    return type(expected) is type(actual) and expected == actual


def subset_diff(expected: Any, actual: Any, path: str = "") -> str | None:
    """None when ``actual`` contains ``expected``; else where and how they differ."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path or 'answer'}: expected an object, got {shown(actual)}"
        for key, value in expected.items():
            if key not in actual:
                return f"{path + '.' if path else ''}{key}: missing (expected {shown(value)})"
            diff = subset_diff(value, actual[key], f"{path + '.' if path else ''}{key}")
            if diff:
                return diff
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{path or 'answer'}: expected a list of {len(expected)}, got {shown(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            diff = subset_diff(e, a, f"{path}[{i}]")
            if diff:
                return diff
        return None
    if not scalar_ok(expected, actual):
        return f"{path or 'value'}: expected {shown(expected)}, got {shown(actual)}"
    return None


def objects(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object inside ``tree`` (depth first, itself included)."""
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from objects(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from objects(value)


def find(expected: dict[str, Any], tree: Any) -> bool:
    return any(subset_diff(expected, node) is None for node in objects(tree))


def nearest(expected: dict[str, Any], tree: Any) -> tuple[dict[str, Any] | None, str]:
    """The object in ``tree`` closest to ``expected`` and how it differs: one that matches the
    first field (usually the identifier, e.g. ``unique_id``) wins, then the most fields matched."""
    best, score = None, (-1, -1)
    first = next(iter(expected.items()), None)
    for node in objects(tree):
        hits = sum(1 for k, v in expected.items() if k in node and subset_diff(v, node[k]) is None)
        key = (int(first is not None and first[0] in node and subset_diff(first[1], node[first[0]]) is None), hits)
        if key > score:
            best, score = node, key
    if best is None:
        return None, "the answer has no objects"
    return best, subset_diff(expected, best) or ""


def fill(value: Any, resolve: Resolver) -> Any:
    """Replace ``${name}`` templates in every string of ``value`` (recursively).

    A string that is exactly one template takes the resolved value's own type; templates
    inside longer text are interpolated as text.
    """
    if isinstance(value, str):
        whole = _TEMPLATE.fullmatch(value)
        if whole:
            return resolve(whole.group(1).strip())
        return _TEMPLATE.sub(lambda m: str(resolve(m.group(1).strip())), value)
    if isinstance(value, dict):
        return {fill(k, resolve) if isinstance(k, str) else k: fill(v, resolve) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, resolve) for v in value]
    return value
