"""JSON Schema building blocks shared by the step table, the world and the expectations.

Every block is a ``$ref`` into ``$defs`` of the published schema, so editors show one
description per concept. ``DEFS`` is what ``schema.py`` publishes under ``$defs``.
"""

from __future__ import annotations

from typing import Any

from .durations import DURATION_PATTERN, MAX_DURATION

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def obj(properties: dict[str, Schema], required: list[str] | None = None, *,
        description: str = "", **extra: Any) -> Schema:
    """A closed object: unknown keys are errors (typos must not pass silently)."""
    out: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = required
    if description:
        out["description"] = description
    out.update(extra)
    return out


def text(description: str = "", **extra: Any) -> Schema:
    out: Schema = {"type": "string", **extra}
    if description:
        out["description"] = description
    return out


def enum(values: list[str] | tuple[str, ...], description: str = "") -> Schema:
    out: Schema = {"enum": list(values)}
    if description:
        out["description"] = description
    return out


DEFS: dict[str, Schema] = {
    "duration": {
        "description": "A duration: seconds as a number, or text like 30s, 2m, 1h30m, 250ms.",
        "anyOf": [{"type": "number", "minimum": 0, "maximum": MAX_DURATION},
                  {"type": "string", "pattern": DURATION_PATTERN}],
    },
    "phone": {
        "description": "A phone number, DID or extension (digits may be written unquoted).",
        "anyOf": [{"type": "string", "minLength": 1, "maxLength": 40, "pattern": r"^\+?[0-9A-Za-z*#._-]+$"},
                  {"type": "integer", "minimum": 0}],
    },
    "id": {"description": "An identifier of an agent or queue (chosen by the scenario, or the "
                          "vendor seed's own ids when the world is the default tenant).",
           "anyOf": [text(minLength=1, maxLength=64, pattern=r"^[A-Za-z0-9_.:@-]+$"),
                     {"type": "integer", "minimum": 0}]},
    "label": text("A call label chosen by the scenario (e.g. c1); later steps and expectations "
                  "refer to the call by it.", minLength=1, maxLength=64, pattern=r"^[A-Za-z][A-Za-z0-9_-]*$"),
    "call_ref": text("The label of a call created earlier in the timeline.", minLength=1, maxLength=64,
                     pattern=r"^[A-Za-z][A-Za-z0-9_-]*$"),
    "count_matcher": {
        "description": "A number, or bounds {min, max} (inclusive).",
        "anyOf": [{"type": "number"},
                  obj({"min": {"type": "number"}, "max": {"type": "number"}}, minProperties=1)],
    },
    "duration_matcher": {
        "description": "A duration, or bounds {min, max} (inclusive), in whole seconds as CDRs count.",
        "anyOf": [ref("duration"), obj({"min": ref("duration"), "max": ref("duration")}, minProperties=1)],
    },
    "offset": {
        "description": "Time from the start of the scenario (a duration).",
        "$ref": "#/$defs/duration",
    },
}
