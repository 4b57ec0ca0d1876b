"""Core objects -> VoIPcloud's wire form: the envelope, the three call records, the NOC status.

The seed documents field lists but no envelope (catalog open question 2), so the envelope is
chosen here and only here: ``{"code": <table code>, "description": <table text>, "data": ...}``
for every answer, success or error, with the HTTP status mirroring the code. Changing the
envelope is an edit of ``envelope`` alone. Bytes are PHP ``json_encode`` defaults (the API is
PHP: its dates are specified as PHP ``Y-m-d``): ``\\/`` and ``\\uXXXX`` escapes, no spaces.
"""

from __future__ import annotations

from functools import lru_cache
from math import floor
from typing import Any, Callable

from starlette.responses import Response

from ..core.agents import Agent
from ..core.answers import KeptAnswers
from ..core.calls import D_TIMEDOUT, Call
from ..core.formats import iso8601, json_bytes
from ..core.world import Tenant, merge
from ..dialect.responses import BytesResponse
from .errors import DESCRIPTIONS, SUCCESS, http_status
from .seed import options

MEDIA_TYPE = "application/json"

ENVELOPE_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["code", "description", "data"],
    "properties": {"code": {"type": "integer", "enum": sorted(DESCRIPTIONS)},
                   "description": {"type": "string", "enum": sorted(set(DESCRIPTIONS.values()))},
                   "data": {}},
}
"""Every answer's shape (OpenAPI): the code, its description, the data (null on errors)."""


# ---------------------------------------------------------------------------------------
# envelope
# ---------------------------------------------------------------------------------------
def envelope(code: int, data: Any) -> dict[str, Any]:
    """The one body shape of every answer (the "Codes" table's code and description)."""
    return {"code": code, "description": DESCRIPTIONS[code], "data": data}


def encode(obj: Any) -> bytes:
    """PHP ``json_encode``'s bytes: compact, ``\\/`` and ``\\uXXXX`` escapes."""
    return json_bytes(obj, ascii_only=True, escape_slashes=True)




class EncodedList(list[bytes]):
    """List records already in wire bytes: ``respond`` splices them into the envelope."""


class Encoded(bytes):
    """A whole ``data`` value already in wire bytes: ``respond`` splices it into the envelope."""


@lru_cache(maxsize=16)
def _data_frame(code: int) -> tuple[bytes, bytes]:
    """The envelope's bytes before and after its ``data`` value (the last key)."""
    head, tail = encode(envelope(code, [])).rsplit(b"[]", 1)
    return head, tail


def respond(code: int, data: Any = None, headers: dict[str, str] | None = None) -> Response:
    if isinstance(data, EncodedList):
        head, tail = _data_frame(code)
        body = head + b"[" + b",".join(data) + b"]" + tail
    elif type(data) is Encoded:
        head, tail = _data_frame(code)
        body = head + data + tail
    else:
        body = encode(envelope(code, data))
    return BytesResponse(body, http_status(code), MEDIA_TYPE, headers)


_ENDED: dict[tuple[Any, ...], tuple[Call, bytes]] = {}
_ENDED_MAX = 200_000


def encoded(call: Call, key: tuple[Any, ...], render: Callable[..., dict[str, Any]], *args: Any) -> bytes:
    """A record's bytes, ``render(*args)`` encoded. An ended call never changes, so its bytes
    are kept per ``key`` (``id(call)``, then the zone and names the record also depends on)
    and list pages skip rendering and encoding; no ``partial`` is built for a kept record."""
    if not call.ended:
        return encode(render(*args))
    hit = _ENDED.get(key)
    if hit is None or hit[0] is not call:  # ``is``: an id can be reused once a call is freed
        if len(_ENDED) >= _ENDED_MAX:
            _ENDED.clear()
        hit = _ENDED[key] = (call, encode(render(*args)))
    return hit[1]


def success(data: Any) -> Response:
    return respond(SUCCESS, data)


# ---------------------------------------------------------------------------------------
# which user a call belongs to (get-user-calls)
# ---------------------------------------------------------------------------------------
def call_user(t: Tenant, call: Call) -> tuple[Agent, int] | None:
    """``(user, is_inbound)`` of a call as get-user-calls lists it, or None (not listed).

    A call a user placed (outbound, click-to-call, internal) is that user's, ``is_inbound`` 0.
    A call from outside is the user's who answered it ("name of User object who answered the
    call", seed line 34), ``is_inbound`` 1; an unanswered direct call is the rung user's.
    Unanswered queue and ring-group calls have no user: they are only in the queue lists.
    """
    if call.user_id is not None:
        placed = t.agents.get(call.user_id)
        return (placed, 0) if placed is not None else None
    if call.answered_by is not None:
        answered = t.agents.get(call.answered_by)
        return (answered, 1) if answered is not None else None
    if call.queue_id is not None:
        return None
    rung = next((t.agents[l.agent_id] for l in call.legs if l.agent_id in t.agents), None)
    if rung is None:
        rung = t.agent_by_extension(call.callee)
    if rung is None and call.callee in t.numbers:
        kind, _, ref = t.numbers[call.callee].target.partition(":")
        rung = t.agents.get(ref) if kind == "agent" else None
    return (rung, 1) if rung is not None else None


@lru_cache(maxsize=1 << 16)
def _iso8601(epoch: float, tz: str) -> str:
    """``core.formats.iso8601``, memoised: list pages render the same seed instants again
    and again, and a zone conversion costs more than the rest of a record."""
    return iso8601(epoch, tz)


def _iso(epoch: float | None, tz: str) -> str | None:
    return None if epoch is None else _iso8601(epoch, tz)


def render_user_call(t: Tenant, call: Call, user: Agent, is_inbound: int, now: float) -> dict[str, Any]:
    """One get-user-calls record (seed lines 31-39), keys in documented order.

    Durations are whole seconds up to ``now`` for a live call; ``call_finished_at`` is null
    until the call ends. ``call_duration`` is the whole call (ringing included),
    ``conversation_duration`` the time since it was answered.
    """
    tz = t.timezone
    return {
        "from_number": call.caller,
        "to_number": call.did or call.callee,
        "user_name": user.name,
        "is_inbound": is_inbound,
        "call_start_at": _iso8601(call.created_at, tz),
        "call_duration": call.duration(now),
        "call_finished_at": _iso(call.ended_at, tz),
        "conversation_duration": call.talk_time(now),
    }


# ---------------------------------------------------------------------------------------
# queue and ring-group calls
# ---------------------------------------------------------------------------------------
QUEUE_NAME_FIELD = {"queue": "queue_name", "ring_group": "ring_group_name"}
"""First key of a get-queue-calls / get-ringgroup-calls record, by core queue kind."""


def queue_status(call: Call) -> str:
    """``answered|abandoned|timedout`` (seed line 59): a caller who hung up, or any other
    unanswered end, counts as abandoned; only the queue's own time-out is ``timedout``."""
    if call.answered_at is not None:
        return "answered"
    return "timedout" if call.disposition == D_TIMEDOUT else "abandoned"


def render_queue_call(t: Tenant, call: Call) -> dict[str, Any]:
    """One get-queue-calls / get-ringgroup-calls record (seed lines 51-59 / 71-79).

    Only ended calls are listed (``call_finished_at`` is typed plain string). With nobody
    answering, ``answered_by_user_name`` is ``""`` (it is typed string, not string|null).
    """
    tz = t.timezone
    queue = t.queues[call.queue_id or ""]
    answered = t.agents.get(call.answered_by or "")
    return {
        QUEUE_NAME_FIELD[queue.kind]: queue.name,
        "callerid": call.caller,
        "inbound_number": call.did or call.callee,
        "call_start_at": _iso8601(call.created_at, tz),
        "call_answered_at": _iso(call.answered_at, tz),
        "call_finished_at": _iso(call.ended_at, tz),
        "answered_by_user_name": answered.name if answered is not None else "",
        "status": queue_status(call),
    }


# ---------------------------------------------------------------------------------------
# NOC status
# ---------------------------------------------------------------------------------------
def render_system_status(t: Tenant, checked_at: str) -> dict[str, Any]:
    """The NOC status held in ``tenant.state``, with the tenant's settings overrides on top,
    stamped with the tenant-clock time it was read (``checked_at``). A shallow copy: the answer
    is only encoded, never changed, so the state's nested values are read where they lie (a
    deep copy was half the read's cost); ``merge`` copies deeply when overrides are set."""
    held: dict[str, Any] = t.state.get("system_status") or {}
    overrides = options(t).get("system_status")
    status = merge(held, overrides) if isinstance(overrides, dict) and overrides else dict(held)
    status["checked_at"] = checked_at
    return status


_STATUS: KeptAnswers[Encoded] = KeptAnswers(len)
"""The encoded NOC status, one per tenant."""


def system_status_bytes(t: Tenant) -> Encoded:
    """``render_system_status`` at the tenant's clock, encoded; kept while the held status and
    its overrides are the same objects (the state is only ever replaced, by a seed or a
    restore; a settings change builds new settings), in the same zone and clock second
    (``checked_at`` shows whole seconds)."""
    held, overrides, tz = t.state.get("system_status"), options(t).get("system_status"), t.timezone
    now = t.now()
    return _STATUS.get(t, None, (held, overrides), (id(held), id(overrides), tz, floor(now)),
                       lambda: (Encoded(encode(render_system_status(t, iso8601(now, tz)))), True))
