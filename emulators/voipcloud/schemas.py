"""JSON Schemas of VoIPcloud's answers (OpenAPI): the envelope around each operation's data.

The seed lists each record's fields and types (lines 31-39, 51-59, 71-79) and shows no body at
all; the envelope is telemock's (``views.envelope``, docs/FIDELITY.md). The contracts in
contracts/voipcloud/ and a test hold the emulator's answers to these schemas.
"""

from __future__ import annotations

from typing import Any

from .errors import DESCRIPTIONS, SUCCESS

_STRING: dict[str, Any] = {"type": "string"}
_INT: dict[str, Any] = {"type": "integer"}
_STRING_OR_NULL: dict[str, Any] = {"type": ["string", "null"]}


def _record(fields: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"type": "object", "properties": fields, "required": list(fields), "additionalProperties": False}


def success(data: dict[str, Any]) -> dict[str, Any]:
    """A success answer: code 200, "Success", and ``data``."""
    return {"type": "object", "required": ["code", "description", "data"], "additionalProperties": False,
            "properties": {"code": {"const": SUCCESS}, "description": {"const": DESCRIPTIONS[SUCCESS]},
                           "data": data}}


USER_CALL = _record({  # lines 31-39
    "from_number": _STRING, "to_number": _STRING, "user_name": _STRING,
    "is_inbound": {"type": "integer", "enum": [0, 1]}, "call_start_at": _STRING, "call_duration": _INT,
    "call_finished_at": _STRING_OR_NULL, "conversation_duration": _INT})


def _queue_call(name_field: str) -> dict[str, Any]:
    """Lines 51-59 (queue_name) and 71-79 (ring_group_name)."""
    return _record({name_field: _STRING, "callerid": _STRING, "inbound_number": _STRING,
                    "call_start_at": _STRING, "call_answered_at": _STRING_OR_NULL,
                    "call_finished_at": _STRING, "answered_by_user_name": _STRING,
                    "status": {"type": "string", "enum": ["answered", "abandoned", "timedout"]}})


USER_CALLS = success({"type": "array", "items": USER_CALL})
QUEUE_CALLS = success({"type": "array", "items": _queue_call("queue_name")})
RING_GROUP_CALLS = success({"type": "array", "items": _queue_call("ring_group_name")})
CALL_STARTED = success({"type": "null"})
SYSTEM_STATUS = success({
    "type": "object", "required": ["status", "description", "components", "incidents", "checked_at"],
    "properties": {"status": _STRING, "description": _STRING,
                   "components": {"type": "array", "items": {"type": "object"}},
                   "incidents": {"type": "array"}, "checked_at": _STRING}})
"""The NOC status (invented, seed.SYSTEM_STATUS; a tenant's settings may add to it)."""

ERROR = {"type": "object", "required": ["code", "description", "data"], "additionalProperties": False,
         "properties": {"code": {"type": "integer", "enum": sorted(c for c in DESCRIPTIONS if c != SUCCESS)},
                        "description": {"type": "string",
                                        "enum": sorted(d for c, d in DESCRIPTIONS.items() if c != SUCCESS)},
                        "data": {"type": "null"}}}
"""Every refusal: a code of the table, its description, no data."""
