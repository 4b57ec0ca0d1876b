"""Forms and call statuses: the inputs a campaign's records carry and the statuses an operator
closes a call with (daktela.txt, section Forms).

A **field** is one input of a form (id, unique name ``field_...``, title, type ``text`` or
``selectbox`` with its options); a queue's **form** is the ordered list of its field ids
(``queue.extra["form"]``). A **status** (``objednavka``, ``nevolat`` ...) closes a call, a
record or an activity; it is offered in every queue, or only in the queues it lists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..core.queues import Queue
from ..core.records import as_dict
from ..core.store import Collection
from ..core.world import Tenant
from . import model

FIELDS, STATUSES = "form_fields", "call_statuses"
TEXT, SELECTBOX = "text", "selectbox"


@dataclass
class Field:
    id: str
    name: str
    """Unique name (``field_5283f87c364f0``, ``field_poznamka``): CallScriptClose's ``fields[...]`` key."""
    title: str
    type: str = TEXT
    options: list[str] = field(default_factory=list)
    """The choices of a selectbox."""
    description: str = ""
    deleted: str = "0"


@dataclass
class Status:
    id: str
    code: str
    """Unique name (``objednavka``): how CallScriptClose and the activities name it."""
    description: str
    deleted: str = "0"
    queues: list[str] = field(default_factory=list)
    """Ids of the queues offering it; empty: every queue."""


def declare(t: Tenant) -> None:
    for name, cls in ((FIELDS, Field), (STATUSES, Status)):
        t.store.declare(Collection(name, record=cls, to_dict=as_dict, from_dict=_maker(cls)))


def _maker(cls: type) -> Callable[[dict[str, Any]], Any]:
    return lambda data: cls(**data)


def fields(t: Tenant) -> Collection[Field]:
    return t.store[FIELDS]


def statuses(t: Tenant) -> Collection[Status]:
    return t.store[STATUSES]


def uniqid(t: Tenant, prefix: str, taken: Callable[[str], bool]) -> str:
    """``<prefix>_<13 hex>`` as PHP's ``uniqid()`` writes it at the tenant's now (8 hex digits of
    seconds, 5 of microseconds): ``record_53e8cf5a6ee77`` was made at 2014-08-11 16:12:42. The
    first name not ``taken`` from now on, one microsecond at a time."""
    value = uniq_value(t.now())
    while True:
        name = uniq_name(prefix, value)
        if not taken(name):
            return name
        value += 1


def uniq_value(now: float) -> int:
    """A time as uniqid's count of microseconds (the 5 hex digits of micro wrap into seconds)."""
    seconds, micro = int(now), int(round((now - int(now)) * 1e6)) % 0x100000
    return seconds * 0x100000 + micro


def uniq_name(prefix: str, value: int) -> str:
    seconds, micro = divmod(value, 0x100000)
    return f"{prefix}_{seconds & 0xffffffff:08x}{micro:05x}"


# -- forms --------------------------------------------------------------------------------------
def form(queue: Queue | None) -> list[str]:
    """The field ids of a queue's form, in order ([] without one)."""
    value = queue.extra.get("form_fields") if queue is not None else None
    return [str(f) for f in value] if isinstance(value, list) else []


def field_by_key(t: Tenant, key: str) -> Field | None:
    """A field named by its id or its unique name."""
    found = fields(t).get(key)
    if found is not None:
        return found
    for candidate in fields(t):
        if candidate.name == key:
            return candidate
    return None


def values(raw: Any) -> list[str]:
    """A field's values as stored: a list of texts ("" or nothing: none)."""
    if isinstance(raw, list):
        return [str(v) for v in raw if str(v) != ""]
    text = "" if raw is None else str(raw)
    return [text] if text else []


def default_value(f: Field) -> str:
    """What SimpleSearchContact shows as a field's default: a selectbox's choices as JSON."""
    return json.dumps(f.options, separators=(",", ":")) if f.type == SELECTBOX else ""


# -- statuses -----------------------------------------------------------------------------------
def status_by_code(t: Tenant, code: str) -> Status | None:
    for status in statuses(t):
        if status.code == code and status.deleted == "0":
            return status
    return None


def offered(status: Status, queue_id: str | None) -> bool:
    return not status.queues or (queue_id is not None and queue_id in status.queues)


def status_view(status: Status) -> dict[str, Any]:
    """GetStatuses 3.8: ``{code, id, description, deleted}``."""
    return {"code": status.code, "id": status.id, "description": status.description, "deleted": status.deleted}


def queue_statuses(t: Tenant, queue: Queue | None) -> Iterable[Status]:
    return (s for s in sorted(statuses(t), key=lambda s: int(s.id) if s.id.isdigit() else 0)
            if queue is None or offered(s, queue.id))


def call_queue(t: Tenant, key: str) -> Queue | None:
    """A call queue (not an e-mail one) named by id, else by number."""
    queue = t.queues.get(key)
    if queue is None or model.queue_deleted(queue) or model.queue_type(queue) == model.EMAIL:
        queue = model.queue_by_number(t, key)
    return queue
