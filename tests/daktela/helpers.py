"""Shared bits of the Daktela tests: the doc's tokens, the catalog's examples, and the shape
comparison the catalog's replay tool makes (same keys in the same order, same JSON types;
id-keyed objects compared by their values' shapes)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any, Iterator

from emulators.daktela.catalog_table import OPERATIONS

TOKEN = "1234567890123456789012345678901234567890"
TOKEN_41 = "12345678901234567890123456789012345678907"
T = "/_emulator/tenants"
START = 1767621600.0
"""The test clock's start, 2026-01-05T14:00:00Z = 15:00:00 in Prague."""


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    return "dict"


IDKEY = re.compile(r"^(\d+|\d+\.\d+\w*)$")


def shape_diff(expected: Any, got: Any, path: str = "$", *, every: bool = False,
               ignore: tuple[str, ...] = ()) -> list[str]:
    """What differs in shape between a documented body and an answer (empty: the same). As the
    replay tool: an id-keyed object's first three values and a list's first item are compared
    with the documented first one; ``every``: all of them. Paths in ``ignore`` are not compared."""
    if path in ignore:
        return []
    ke, kg = kind(expected), kind(got)
    if ke != kg:
        if {ke, kg} <= {"int", "float"}:
            return []
        return [f"{path}: type {kg} != documented {ke}"]
    if ke == "dict":
        if expected and all(IDKEY.match(k) for k in expected):
            if not got:
                return [f"{path}: empty collection, documented non-empty"]
            proto = next(iter(expected.values()))
            out: list[str] = []
            for key, value in list(got.items())[:None if every else 3]:
                out += shape_diff(proto, value, f"{path}[{key}]", every=every, ignore=ignore)
            return out
        if list(expected) != list(got):
            return [f"{path}: keys {list(got)} != documented {list(expected)}"]
        out = []
        for key in expected:
            out += shape_diff(expected[key], got[key], f"{path}.{key}", every=every, ignore=ignore)
        return out
    if ke == "list":
        if expected and not got:
            return [f"{path}: empty list, documented non-empty"]
        if expected and got:
            return [d for item in got[:None if every else 1]
                    for d in shape_diff(expected[0], item, f"{path}[]", every=every, ignore=ignore)]
    return []


def examples(op_id: str) -> list[dict[str, Any]]:
    return next(op["examples"] for op in OPERATIONS if op["id"] == op_id)


def documented(op_id: str, n: int = 1) -> dict[str, Any]:
    """The ``n``-th (1-based) documented example of an operation: its request path and body."""
    ex = examples(op_id)[n - 1]
    return {**ex, "json": json.loads(ex["body"]) if ex["body"] else None}


def from_xml(text: str | bytes) -> Any:
    """An answer in the XML layout (docs/FIDELITY.md) back to data: every scalar as text."""
    return _element(ET.fromstring(text))


def _element(node: ET.Element) -> Any:
    if node.get("nil") == "true":
        return None
    if node.get("type") == "array":
        return [_element(child) for child in node]
    children = list(node)
    if not children:
        return node.text or ""
    return {child.get("key", child.tag): _element(child) for child in children}


def as_text(value: Any) -> Any:
    """JSON data with its scalars as XML carries them (text; true/false; null stays null)."""
    if isinstance(value, dict):
        return {k: as_text(v) for k, v in value.items()} if value else ""
    if isinstance(value, list):
        return [as_text(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return None
    return str(value)


def part_one() -> Iterator[dict[str, Any]]:
    """The operation rows this emulator serves."""
    from emulators.daktela.api import SERVED
    return (op for op in OPERATIONS if op["id"] in SERVED)
