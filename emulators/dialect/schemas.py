"""JSON Schemas derived from documented example bodies (OpenAPI response schemas).

An operation that declares no ``response_schema`` but carries the vendor document's examples
gets the schema those examples imply: objects with exactly their keys, each value of its JSON
type, lists of items shaped like theirs. An object whose keys are all ids (``"1133"``,
``cdr_0``) is a collection: any number of such keys, each value shaped like the examples'. A
``null`` in an example says nothing about the type, so it constrains nothing.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

_DIGITS = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+\.[0-9]+")
_NUMBERED = re.compile(r"([A-Za-z_]+?)_?([0-9]+)")


def from_examples(bodies: Iterable[Any]) -> dict[str, Any] | None:
    """The schema every body in ``bodies`` fits, or None when there is none to go by."""
    merged: dict[str, Any] | None = None
    for body in bodies:
        schema = of(body)
        merged = schema if merged is None else merge(merged, schema)
    return merged


def of(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        items = from_examples(value)
        return {"type": "array", **({"items": items} if items is not None else {})}
    if isinstance(value, dict):
        pattern = _id_pattern(list(value))
        if pattern is not None:
            return {"type": "object", "patternProperties": {pattern: from_examples(value.values()) or {}},
                    "additionalProperties": False}
        return {"type": "object", "properties": {k: of(v) for k, v in value.items()},
                "required": list(value), "additionalProperties": False}
    return {}


def _id_pattern(keys: list[str]) -> str | None:
    """``^[0-9]+$`` for ``"1133", "3924"``; ``^[0-9]+\\.[0-9]+$`` for ``"1332333840.98"``;
    ``^cdr_[0-9]+$`` for ``cdr_0, cdr_1``; else None."""
    if not keys:
        return None
    if all(_DIGITS.fullmatch(k) for k in keys):
        return "^[0-9]+$"
    if all(_DECIMAL.fullmatch(k) for k in keys):
        return r"^[0-9]+\.[0-9]+$"  # call ids (Asterisk's ``<epoch>.<sequence>``)
    found = [_NUMBERED.fullmatch(k) for k in keys]
    prefixes = {m.group(1) for m in found if m is not None}
    if all(found) and len(prefixes) == 1:
        prefix = keys[0][: len(keys[0]) - len(found[0].group(2))]  # type: ignore[union-attr]
        return f"^{re.escape(prefix)}[0-9]+$"
    return None


def merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """A schema both ``a``'s and ``b``'s values fit."""
    if a == b:
        return a
    if not a or not b:
        return {}
    if a.get("type") == b.get("type") == "object":
        if "properties" in a and "properties" in b:
            keys = list(dict.fromkeys([*a["properties"], *b["properties"]]))
            props = {k: merge(a["properties"][k], b["properties"][k])
                     if k in a["properties"] and k in b["properties"]
                     else a["properties"].get(k, b["properties"].get(k, {})) for k in keys}
            required = [k for k in a.get("required", []) if k in b.get("required", [])]
            return {"type": "object", "properties": props, "required": required, "additionalProperties": False}
        if "patternProperties" in a and a.get("patternProperties", {}).keys() == b.get("patternProperties", {}).keys():
            pattern = next(iter(a["patternProperties"]))
            return {"type": "object", "additionalProperties": False,
                    "patternProperties": {pattern: merge(a["patternProperties"][pattern],
                                                         b["patternProperties"][pattern])}}
    if a.get("type") == b.get("type") == "array":
        if "items" in a and "items" in b:
            return {"type": "array", "items": merge(a["items"], b["items"])}
        return {"type": "array"}
    options = [s for s in (*a.get("anyOf", [a]), *b.get("anyOf", [b]))]
    unique: list[dict[str, Any]] = []
    for option in options:
        if option not in unique:
            unique.append(option)
    return {"anyOf": unique}
