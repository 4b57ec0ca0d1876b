"""Core objects -> VoIPcloud integration API v2's wire form: the envelope, the user-call and the
queue / ring-group rows, the click-to-call answer.

No vendor document describes v2; every shape here is what the public clients send and check
(docs/FIDELITY.md, "VoIPcloud integration API v2", from client evidence). The rows carry every
field those clients require, non-empty, on every row: ``unique_call_id``, ``type``,
``dest_number``, ``user_name``, ``user_number`` and a parseable ``call_start_at``. Bytes are
encoded as v1's (``views.encode``); times are UTC with milliseconds, as the clients' copies of
the vendor's examples show (``2019-10-01T15:31:15.000Z``); numbers have no leading ``+``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from starlette.responses import Response

from ..core.agents import Agent
from ..core.calls import Call
from ..core.world import Tenant
from ..dialect.errors import Err
from ..dialect.responses import BytesResponse
from .errors import SUCCESS, V2_ERRORS, V2_TITLES
from .views import MEDIA_TYPE, EncodedList, encode, encoded

STATUS_SUCCESS, STATUS_ERROR = "success", "error"
SUCCESS_MESSAGE = V2_TITLES[SUCCESS]


# ---------------------------------------------------------------------------------------
# envelope
# ---------------------------------------------------------------------------------------
def envelope(status: str, message: str, code: int, data: Any) -> dict[str, Any]:
    """The one body shape of every v2 answer; ``code`` is the HTTP status."""
    return {"status": status, "message": message, "code": code, "data": data}


@lru_cache(maxsize=1)
def _list_frame() -> tuple[bytes, bytes]:
    """The success envelope's bytes before and after its list (``data`` is the last key)."""
    head, tail = encode(envelope(STATUS_SUCCESS, SUCCESS_MESSAGE, SUCCESS, [])).rsplit(b"[]", 1)
    return head, tail


def success(data: Any) -> Response:
    if isinstance(data, EncodedList):
        head, tail = _list_frame()
        body = head + b"[" + b",".join(data) + b"]" + tail
    else:
        body = encode(envelope(STATUS_SUCCESS, SUCCESS_MESSAGE, SUCCESS, data))
    return BytesResponse(body, SUCCESS, MEDIA_TYPE)


def failure(err: Err, headers: dict[str, str] | None = None) -> Response:
    """An error: ``status`` "error", the message saying why, the HTTP status as ``code``."""
    body = encode(envelope(STATUS_ERROR, err.message, err.status, None))
    return BytesResponse(body, err.status, MEDIA_TYPE, headers)


# ---------------------------------------------------------------------------------------
# field formats
# ---------------------------------------------------------------------------------------
@lru_cache(maxsize=1 << 16)
def utc(epoch: float) -> str:
    """``2026-01-05T03:00:00.000Z``: UTC, whole seconds (as v1's times, so both versions show
    the same instants), milliseconds always ``000``."""
    return datetime.fromtimestamp(int(epoch // 1), timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _utc_or_none(epoch: float | None) -> str | None:
    return None if epoch is None else utc(epoch)


def digits(number: str) -> str:
    """A number as the clients' examples show it: no leading ``+`` (``61300000000``)."""
    return number[1:] if number.startswith("+") else number


def unique_call_id(call: Call) -> str:
    """The call's id in digits only: the Asterisk uniqueid without its dot (``1604559617.58``
    -> ``160455961758``, the shape of the ids in the clients' examples)."""
    return call.id.replace(".", "")


def user_number(user: Agent) -> str:
    """The user's number: the extension (``1010`` in the clients' examples), else their own
    number, else their id: never empty."""
    return user.extension or digits(user.number) or user.id


CALLER_ID_TAG = "caller_id"
"""``Call.tags`` key holding the caller id a v2 call-to-number asked to present."""


def _caller_id(call: Call) -> str:
    return digits(str(call.tags.get(CALLER_ID_TAG) or call.caller))


# ---------------------------------------------------------------------------------------
# user calls
# ---------------------------------------------------------------------------------------
DIRECTIONS = ("inbound", "outbound")
OUTCOMES = ("answered", "missed")
USER_CALL_TYPES = tuple(f"user_{d}_{o}" for d in DIRECTIONS for o in OUTCOMES)
"""Every ``type`` a user-call row can have: direction × outcome."""


def user_call_type(call: Call, is_inbound: int) -> str:
    """Direction (of the call as the user saw it: placed by them is outbound) × outcome
    (answered: the far end picked up; missed: the call ended without a conversation)."""
    return f"user_{'inbound' if is_inbound else 'outbound'}_{'answered' if call.answered_at is not None else 'missed'}"


def render_user_call(call: Call, user: Agent, is_inbound: int) -> dict[str, Any]:
    """One get-user-calls row (an ended call), keys in the order of the clients' examples."""
    return {
        "unique_call_id": unique_call_id(call),
        "type": user_call_type(call, is_inbound),
        "caller_id": _caller_id(call),
        "caller_name": call.caller_name or None,
        "dest_number": digits(call.did or call.callee),
        "user_name": user.name,
        "user_number": user_number(user),
        "call_start_at": utc(call.created_at),
        "connected_at": _utc_or_none(call.answered_at),
        "call_duration": call.duration(),
        "conversation_duration": call.talk_time(),
    }


def user_call_bytes(call: Call, user: Agent, is_inbound: int) -> bytes:
    """The row's bytes, kept per ended call (keyed by everything else the row reads)."""
    return encoded(call, (id(call), "v2-user", user.name, user_number(user), is_inbound),
                   render_user_call, call, user, is_inbound)


# ---------------------------------------------------------------------------------------
# queue and ring-group calls
# ---------------------------------------------------------------------------------------
QUEUE_NAME_FIELD = {"queue": "queue_name", "ring_group": "ring_group_name"}
QUEUE_TYPE_PREFIX = {"queue": "queue_inbound", "ring_group": "ringgroup_inbound"}
QUEUE_STATUSES = ("answered", "abandoned")
QUEUE_CALL_TYPES = tuple(f"{prefix}_{s}" for prefix in QUEUE_TYPE_PREFIX.values() for s in QUEUE_STATUSES)
"""Every ``type`` a queue / ring-group row can have (the names clients build from ``status``)."""


def queue_status(call: Call) -> str:
    """``answered`` or ``abandoned``: v2 has no ``timedout`` (a queue's time-out is abandoned)."""
    return "answered" if call.answered_at is not None else "abandoned"


def queue_call_user(t: Tenant, call: Call) -> tuple[str, str]:
    """``(user_name, user_number)`` of a queue row: who answered; unanswered, the last member
    it rang; rung nobody, the queue itself (its name and number)."""
    agent = t.agents.get(call.answered_by or "")
    if agent is None:
        agent = next((t.agents[leg.agent_id] for leg in reversed(call.legs) if leg.agent_id in t.agents), None)
    if agent is not None:
        return agent.name, user_number(agent)
    queue = t.queues[call.queue_id or ""]
    return queue.name, queue.number or queue.id


def render_queue_call(t: Tenant, call: Call, user: tuple[str, str]) -> dict[str, Any]:
    """One get-queue-calls / get-ringgroup-calls row (ended calls only)."""
    queue = t.queues[call.queue_id or ""]
    status = queue_status(call)
    return {
        "unique_call_id": unique_call_id(call),
        QUEUE_NAME_FIELD[queue.kind]: queue.name,
        "type": f"{QUEUE_TYPE_PREFIX[queue.kind]}_{status}",
        "callerid": _caller_id(call),
        "caller_name": call.caller_name or None,
        "dest_number": digits(call.did or call.callee),
        "user_name": user[0],
        "user_number": user[1],
        "call_start_at": utc(call.created_at),
        "connected_at": _utc_or_none(call.answered_at),
        "call_duration": call.duration(),
        "conversation_duration": call.talk_time(),
        "status": status,
    }


def queue_call_bytes(t: Tenant, call: Call) -> bytes:
    queue = t.queues[call.queue_id or ""]
    user = queue_call_user(t, call)
    return encoded(call, (id(call), "v2-queue", queue.kind, queue.name, user), render_queue_call, t, call, user)


# ---------------------------------------------------------------------------------------
# call-to-number
# ---------------------------------------------------------------------------------------
def call_state(call: Call) -> str:
    """``ringing`` (the user's phone rings first), ``answered`` or ``ended``."""
    if call.ended:
        return "ended"
    return "answered" if call.answered_at is not None else "ringing"


def render_call_started(call: Call, user: Agent, number_to_call: str) -> dict[str, Any]:
    """call-to-number's ``data``: the new call's id (its rows' ``unique_call_id``), the user's
    number, the number called as sent, and the call's state."""
    return {"call_id": unique_call_id(call), "user": user_number(user), "number_to_call": number_to_call,
            "status": call_state(call)}


# ---------------------------------------------------------------------------------------
# OpenAPI
# ---------------------------------------------------------------------------------------
_TEXT = {"type": "string", "minLength": 1}
_TIME = {"type": "string", "format": "date-time"}
_SECONDS = {"type": "integer", "minimum": 0}
_NULLABLE_TEXT = {"type": ["string", "null"]}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}

USER_CALL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["unique_call_id", "type", "dest_number", "user_name", "user_number", "call_start_at"],
    "properties": {"unique_call_id": _TEXT, "type": {"type": "string", "enum": list(USER_CALL_TYPES)},
                   "caller_id": _TEXT, "caller_name": _NULLABLE_TEXT, "dest_number": _TEXT,
                   "user_name": _TEXT, "user_number": _TEXT, "call_start_at": _TIME,
                   "connected_at": _NULLABLE_TIME, "call_duration": _SECONDS, "conversation_duration": _SECONDS},
}


def queue_call_schema(kind: str) -> dict[str, Any]:
    name_field = QUEUE_NAME_FIELD[kind]
    types = [f"{QUEUE_TYPE_PREFIX[kind]}_{s}" for s in QUEUE_STATUSES]
    return {
        "type": "object",
        "required": [*USER_CALL_SCHEMA["required"], name_field, "callerid", "status"],
        "properties": {**{k: v for k, v in USER_CALL_SCHEMA["properties"].items() if k != "caller_id"},
                       name_field: _TEXT, "callerid": _TEXT, "type": {"type": "string", "enum": types},
                       "status": {"type": "string", "enum": list(QUEUE_STATUSES)}},
    }


CALL_STARTED_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["call_id", "user", "number_to_call", "status"],
    "properties": {"call_id": _TEXT, "user": _TEXT, "number_to_call": _TEXT,
                   "status": {"type": "string", "enum": ["ringing", "answered", "ended"]}},
}


def envelope_schema(data: dict[str, Any] | None = None, *, error: bool = False) -> dict[str, Any]:
    """A v2 answer's shape: ``status``, ``message``, ``code`` (the HTTP status), ``data``."""
    return {
        "type": "object", "required": ["status", "message", "code", "data"],
        "properties": {"status": {"type": "string", "enum": [STATUS_ERROR] if error else [STATUS_SUCCESS]},
                       "message": {"type": "string"},
                       "code": {"type": "integer", "enum": sorted({e.status for e in V2_ERRORS.entries.values()})}
                       if error else {"type": "integer", "enum": [SUCCESS]},
                       "data": {"type": "null"} if error else (data or {})},
    }
