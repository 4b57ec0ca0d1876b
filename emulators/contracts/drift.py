"""A drift: one precise difference between what a contract expects and what a server answered.

Kinds are few and named for what a client integration feels: a field added, removed or renamed,
its type or string changed, the keys' order changed, the status or content type changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

STATUS_CHANGED = "status changed"
CONTENT_TYPE_CHANGED = "content type changed"
HEADER_CHANGED = "header changed"
FIELD_ADDED = "field added"
FIELD_REMOVED = "field removed"
FIELD_RENAMED = "field renamed"
TYPE_CHANGED = "type changed"
STRING_CHANGED = "string changed"
VALUE_CHANGED = "value changed"
"""A number, boolean or null that differs (strings have their own kind)."""
ORDER_CHANGED = "order changed"
LENGTH_CHANGED = "length changed"
FORMAT_MISMATCH = "format mismatch"
"""A value that no longer fits its matcher (regex, named format, key pattern)."""
ITEM_MISSING = "item missing"
"""``!some``: no item of a collection matches."""
NOT_JSON = "not json"
BODY_CHANGED = "body changed"
"""A text (non-JSON) body that differs."""
CAPTURE_MISSING = "capture missing"
"""A ``save`` pointer that names nothing in the answer."""
NO_ANSWER = "no answer"
"""The request failed at the transport level (refused, timed out)."""

KINDS = (STATUS_CHANGED, CONTENT_TYPE_CHANGED, HEADER_CHANGED, FIELD_ADDED, FIELD_REMOVED,
         FIELD_RENAMED, TYPE_CHANGED, STRING_CHANGED, VALUE_CHANGED, ORDER_CHANGED, LENGTH_CHANGED,
         FORMAT_MISMATCH, ITEM_MISSING, NOT_JSON, BODY_CHANGED, CAPTURE_MISSING, NO_ANSWER)


@dataclass(frozen=True)
class Drift:
    kind: str
    path: str
    """Where, as ``$.data[0].uid`` (``$`` is the body; ``status``, ``content-type`` otherwise)."""
    expected: Any = None
    actual: Any = None
    source: str = "contract"
    """``contract``, or ``recording`` when the expectation was a recorded vendor answer."""

    def line(self) -> str:
        return f"{self.path}: {self.kind}: expected {shown(self.expected)}, got {shown(self.actual)}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": self.path, "expected": _plain(self.expected),
                "actual": _plain(self.actual), "source": self.source}


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def child(path: str, key: str | int) -> str:
    """``$`` + a key or index, JSONPath style (brackets for keys that are no identifier)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if _IDENT.fullmatch(key) else f"{path}[{json.dumps(key)}]"


def json_type(value: Any) -> str:
    """The JSON type of a decoded value (``integer`` and ``number`` kept apart, as the wire
    types of a vendor are: ``1`` is not ``1.0``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def shown(value: Any) -> str:
    """A value as a report shows it: JSON, its type where that could be the point, cut short."""
    if isinstance(value, Described) or not isinstance(value, (dict, list, str, int, float, bool, type(None))):
        return str(value)  # a description, or a matcher (``!example '8'``)
    if isinstance(value, (dict, list)):
        text = json.dumps(_plain(value), ensure_ascii=False)
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = f"{json.dumps(value)} ({json_type(value)})" if value is not None else "null"
    return text if len(text) <= 240 else text[:240] + "..."


class Described(str):
    """A description standing in for a value (``a string matching ^\\d+$``), shown as is."""


def _plain(value: Any) -> Any:
    """Something ``json.dumps`` takes: matchers become their descriptions."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
