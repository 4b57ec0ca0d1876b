"""JSON Schemas of Daktela's answers (the OpenAPI document), from the documented examples.

Declarative data only (the answers are written by ``render`` and ``views``): each action's
success envelope in its key order (``"status": 1``, ``"error": null``, its ``result``), the
result's schema as the document's examples imply it, read the way PHP writes a MySQL row:

- any value may be ``null`` (a column without a value; the doc's own GetQueues shows
  ``"missed": null``);
- a list or an id-keyed object may be empty, and an empty one is ``[]`` (PHP's empty array);
- a queue's ``options`` is whatever its type keeps (the examples show different keys per type).

Where one action answers two shapes its examples do not both show (GetQueues: one queue by id,
else every queue keyed by id), ``RESULTS`` says so.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Mapping

from ..dialect import schemas

NULLABLE_TYPES = ("string", "integer", "number", "boolean")
FREE_FORM = frozenset({"options"})
"""Keys whose objects hold what the record's kind keeps (a queue's options by queue type)."""
EMPTY_ARRAY: dict[str, Any] = {"type": "array", "maxItems": 0}
"""PHP's ``json_encode`` of an empty array, whether it would have held a list or ids."""

ERROR: dict[str, Any] = {"type": "object", "required": ["error", "status"], "additionalProperties": False,
                         "properties": {"error": {"type": "string"}, "status": {"const": 0}}}
"""``{"error":"<message>","status":0}``: every refusal (HTTP 200, as the PHP API answers)."""


def loosen(schema: Mapping[str, Any], key: str = "") -> dict[str, Any]:
    """An example-derived schema as PHP answers it (see the module's rules)."""
    if key in FREE_FORM:
        return {"type": ["object", "array", "string", "null"]}
    if "anyOf" in schema:
        return {"anyOf": [loosen(option, key) for option in schema["anyOf"]]}
    kind = schema.get("type")
    if kind in NULLABLE_TYPES:
        return {**schema, "type": [kind, "null"]}
    if kind == "array":
        items = schema.get("items")
        return {"type": ["array", "null"], **({"items": loosen(items)} if items is not None else {})}
    if kind == "object" and "patternProperties" in schema:
        keyed = {**schema, "patternProperties": {p: loosen(s) for p, s in schema["patternProperties"].items()}}
        return {"anyOf": [keyed, EMPTY_ARRAY, {"type": "null"}]}
    if kind == "object":
        props = {k: loosen(v, k) for k, v in schema.get("properties", {}).items()}
        return {**schema, "type": ["object", "null"], "properties": props}
    return dict(schema)  # {} (a documented null): anything


def keyed(record: Mapping[str, Any]) -> dict[str, Any]:
    """Records keyed by their numeric ids."""
    return {"type": "object", "patternProperties": {"^[0-9]+$": dict(record)}, "additionalProperties": False}


def one_or_all(one: Mapping[str, Any]) -> dict[str, Any]:
    """One record (an id given), else every record keyed by id."""
    return {"anyOf": [dict(one), keyed(one)]}


def _results(examples: Iterable[Mapping[str, Any]]) -> Iterable[Any]:
    """The ``result`` of each documented success (the catalog rows' example bodies)."""
    for ex in examples:
        body = json.loads(ex["body"]) if ex.get("body") else None
        if isinstance(body, dict) and body.get("status") == 1 and "result" in body:
            yield body["result"]


def with_error_code(messages: Mapping[str, Any]) -> dict[str, Any]:
    """GetSMS's messages, a failed one also with ``code_error`` ("If result contains "error",
    then in code_error is hex error code"): the example shows a failed message without it."""
    item = dict(messages["items"])
    return {**messages, "items": {**item, "properties": {**item["properties"], "code_error": {"type": "string"}}}}


RESULTS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "daktela.GetQueues": one_or_all,
    "daktela.GetSMS": with_error_code,
}
"""Catalog id -> the result's schema, from the one its examples imply, where they do not show
every shape the action answers."""


def form_rows(rows: Mapping[str, Any]) -> dict[str, Any]:
    """ExportData's rows: the system items (``sysdata_*``) as the example shows them, and the
    campaign form's own items, ``data_<item id>``, shaped like the example's."""
    row = dict(rows["items"])
    items = {k: v for k, v in row["properties"].items() if k.startswith("data_")}
    system = {k: v for k, v in row["properties"].items() if k not in items}
    return {**rows, "items": {**row, "properties": system, "required": [k for k in row["required"] if k in system],
                              "patternProperties": {"^data_[0-9]+$": next(iter(items.values()))}}}


def echoed_params(results: Mapping[str, Any]) -> dict[str, Any]:
    """CreateEvent's result: the parameters sent, named by the caller (PHP's ``[]`` for none)."""
    return {**results, "items": {"type": ["object", "array"]}}


LOOSENED_RESULTS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "daktela.ExportData": form_rows,
    "daktela.CreateEvent": echoed_params,
}
"""Catalog id -> the result's schema, from the loosened one its examples imply, where the
example's keys are data (a form's items, the caller's parameters)."""


def envelope(keys: Iterable[str], result: Mapping[str, Any] | None) -> dict[str, Any]:
    """The success envelope with its keys in the action's order."""
    values: dict[str, Any] = {"status": {"const": 1}, "error": {"type": "null"}, "result": dict(result or {})}
    keys = list(keys)
    return {"type": "object", "required": keys, "additionalProperties": False,
            "properties": {key: values[key] for key in keys}}


def response_schema(op_id: str, keys: Iterable[str], examples: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """An action's success body: its envelope, its result as the examples (and ``RESULTS``) say."""
    derived = schemas.from_examples(_results(examples))
    if derived is None:
        return envelope(keys, None)
    if op_id in RESULTS:
        derived = RESULTS[op_id](derived)
    loosened = loosen(derived)
    return envelope(keys, LOOSENED_RESULTS[op_id](loosened) if op_id in LOOSENED_RESULTS else loosened)
