"""Records: the contacts of a campaign (an outbound queue) and the filled-in forms of calls
(daktela.txt, section Forms: CreateRecord ... CallScriptClose).

A record belongs to a queue and carries a number, its form's field values, who it is assigned
to (``user``), when to call next (``nextcall``), its call status and its **action**: 0 free,
1-3 loaded by an operator (its call script is open), 4 before save, 5 done, 6 scheduled for
later. Every change writes a **snapshot** (the record as it became, with who changed it);
every call made for the record is one of its **attempts**. A record is deleted by a flag (it
stays readable by id, as everything in Daktela that has ``deleted``). Records of a dialer queue
are also entries of the queue's autodialer campaign (``dialer.py``), which this module keeps in
step with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from ..core.formats import sql_datetime
from ..core.queues import Queue
from ..core.records import as_dict
from ..core.store import Collection
from ..core.world import Tenant
from . import forms

RECORDS, SNAPSHOTS = "records", "record_snapshots"
FREE, LOADED, BEFORE_SAVE, DONE, SCHEDULED = 0, 1, 4, 5, 6
ACTIONS = range(0, 7)
ACTION_LABELS = {0: "volná", 1: "načtená operátorem", 2: "načtená operátorem", 3: "načtená operátorem",
                 4: "před uložením", 5: "hotová", 6: "odložená na později"}
"""ExportData's ``sysdata_action`` (6 is the doc's own; the others in its voice)."""


@dataclass
class Record:
    id: str
    queue: str
    name: str
    title: str
    number: str
    created: float
    user: str | None = None
    nextcall: float | None = None
    status: str | None = None
    action: int = FREE
    call_id: str | None = None
    """The record's latest call."""
    edited: float | None = None
    deleted: bool = False
    fields: dict[str, list[str]] = field(default_factory=dict)
    field_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per field id: ``time`` and ``user`` of its last change and its ``version`` (CallScriptOpened)."""
    entry: str = ""
    """The autodialer's list entry this record is dialled as ("" outside a dialer queue)."""
    attempts: list[dict[str, Any]] = field(default_factory=list)
    """``{"at", "call", "answered"}`` per call made for the record, oldest first."""
    opened_by: str | None = None
    """The user whose call script shows this record (CallScriptOpened), until it is closed."""


@dataclass
class Snapshot:
    id: str
    record: str
    queue: str
    name: str
    title: str
    number: str
    created: float
    """When the record became so."""
    user: str | None = None
    nextcall: float | None = None
    status: str | None = None
    action: int = FREE
    call_id: str | None = None
    created_by: str | None = None
    """Who made the change (a user id; None: the API or the system)."""
    fields: dict[str, list[str]] = field(default_factory=dict)


def declare(t: Tenant) -> None:
    # name: CreateRecord makes a unique one (forms.uniqid); without the index each try scanned every record
    t.store.declare(Collection(RECORDS, record=Record, indexes=("queue", "entry", "name"), to_dict=as_dict,
                               from_dict=lambda data: Record(**data)))
    t.store.declare(Collection(SNAPSHOTS, record=Snapshot, indexes=("record",), to_dict=as_dict,
                               from_dict=lambda data: Snapshot(**data)))


def records(t: Tenant) -> Collection[Record]:
    return t.store[RECORDS]


def snapshots(t: Tenant) -> Collection[Snapshot]:
    return t.store[SNAPSHOTS]


def get(t: Tenant, record_id: Any) -> Record | None:
    return records(t).get(str(record_id))


def by_call(t: Tenant, call_id: str) -> Record | None:
    """The newest record whose latest call is ``call_id``."""
    found = [r for r in records(t) if r.call_id == call_id]
    return max(found, key=lambda r: int(r.id) if r.id.isdigit() else 0) if found else None


def opened_by(t: Tenant, user_id: str) -> Record | None:
    for record in records(t):
        if record.opened_by == user_id and not record.deleted:
            return record
    return None


# -- changes ------------------------------------------------------------------------------------
def snapshot(t: Tenant, record: Record, by: str | None = None) -> Snapshot:
    store = snapshots(t)
    return store.add(Snapshot(str(store.next_id()), record.id, record.queue, record.name, record.title,
                              record.number, t.now(), record.user, record.nextcall, record.status, record.action,
                              record.call_id, by, {k: list(v) for k, v in record.fields.items()}))


def new(t: Tenant, queue: Queue, number: str, *, user: str | None = None, nextcall: float | None = None,
        values: dict[str, list[str]] | None = None, by: str | None = None) -> Record:
    """A record in ``queue``: its form's fields empty but those given."""
    store = records(t)
    name = _fresh_name(t, store)
    record = Record(str(store.next_id()), queue.id, name, number, number, t.now(), user, nextcall)
    record.fields = {fid: [] for fid in forms.form(queue)}
    set_fields(t, record, values or {}, by)
    store.add(record)
    return record


_NAME_RUNS: "WeakKeyDictionary[Collection[Record], tuple[int, int, int]]" = WeakKeyDictionary()
"""Per records collection: (its generation, lo, hi): every uniqid value from lo to hi names a
record. Records are only ever added (a deleted one keeps its name; a load or clear bumps the
generation), so the run stays true and records made at one instant (a manual clock, a busy
second) skip it at once instead of trying each of its names again: CreateRecord took ~0.1 ms
more per record already made at the instant."""


def _fresh_name(t: Tenant, store: Collection[Record]) -> str:
    """``forms.uniqid``'s answer for a record: the first free name from now's value on."""
    now = forms.uniq_value(t.now())
    run = _NAME_RUNS.get(store)
    joined = run is not None and run[0] == store.generation and run[1] <= now <= run[2] + 1
    value = run[2] + 1 if joined and run is not None else now
    while store.where(name=forms.uniq_name("record", value)):
        value += 1
    _NAME_RUNS[store] = (store.generation, run[1] if joined and run is not None else now, value)
    return forms.uniq_name("record", value)


def set_fields(t: Tenant, record: Record, values: dict[str, list[str]], by: str | None,
               clear_rest: bool = False) -> bool:
    """Set field values (``clear_rest``: the form's other fields become empty, as CreateRecord and
    UpdateRecord do); True when a value changed."""
    changed = False
    queue = t.queues.get(record.queue)
    wanted = dict(values)
    if clear_rest:
        for fid in forms.form(queue):
            wanted.setdefault(fid, [])
    for fid, value in wanted.items():
        if record.fields.get(fid) != value:
            changed = True
            record.fields[fid] = list(value)
            meta = record.field_meta.get(fid, {})
            record.field_meta[fid] = {"time": t.now(), "user": by, "version": int(meta.get("version", 0)) + 1}
    return changed


def ordered_fields(t: Tenant, record: Record) -> list[str]:
    """Field ids in the order of the record's form, then any others by id."""
    own = forms.form(t.queues.get(record.queue))
    rest = sorted((f for f in record.fields if f not in own), key=lambda f: (len(f), f))
    return [f for f in own if f in record.fields] + rest


# -- reading ------------------------------------------------------------------------------------
def when(t: Tenant, epoch: float | None) -> str | None:
    return sql_datetime(epoch, t.timezone) if epoch is not None else None


STYLES: dict[str, dict[str, Any]] = {
    "created": {"ints": True, "action_int": True, "deleted_int": True, "null_call": True, "tail": "changes"},
    "closed": {"ints": True, "action_int": True, "deleted_int": False, "null_call": False, "tail": "changes"},
    "opened": {"ints": False, "action_int": False, "deleted_int": False, "null_call": False, "tail": "changes"},
    "updated": {"ints": True, "action_int": False, "deleted_int": False, "null_call": False, "tail": "fields"},
    "listed": {"ints": False, "action_int": False, "deleted_int": False, "null_call": False, "tail": "fields"},
}
"""How each action types a record, as its example does: CreateRecord ints and ``"call_id":null``,
CallScriptClose an int id and action, CallScriptOpened and GetRecords strings, UpdateRecord an
int id; CreateRecord and the call-script actions end with ``changes``, the others with ``fields``."""
CHANGES = {"fields": False, "record_snapshots": False}
"""``changes`` as every example shows it (CreateRecord's, CallScriptOpened's, CallScriptClose's
three), even where fields were set and a snapshot written: read as the relations left unsaved after the
save, which are none."""


def view(t: Tenant, record: Record, style: str) -> dict[str, Any]:
    how = STYLES[style]
    call_id = record.call_id if record.call_id is not None or how["null_call"] else ""
    out: dict[str, Any] = {
        "record": int(record.id) if how["ints"] and record.id.isdigit() else record.id,
        "user": record.user, "queue": record.queue, "name": record.name, "title": record.title,
        "number": record.number, "nextcall": when(t, record.nextcall), "status": record.status,
        "action": record.action if how["action_int"] else str(record.action), "call_id": call_id,
        "edited": when(t, record.edited), "created": when(t, record.created),
        "deleted": (1 if record.deleted else 0) if how["deleted_int"] else ("1" if record.deleted else "0")}
    if how["tail"] == "changes":
        out["changes"] = dict(CHANGES)
    else:
        out["fields"] = fields_view(t, record)
    return out


def fields_view(t: Tenant, record: Record) -> Any:
    values = {fid: list(record.fields[fid]) for fid in ordered_fields(t, record)}
    return values if values else []


def snapshot_view(t: Tenant, snap: Snapshot) -> dict[str, Any]:
    """GetRecordSnapshots: strings, ``created_by``, the fields as they were."""
    return {"record_snapshot": snap.id, "record": snap.record, "user": snap.user, "queue": snap.queue,
            "name": snap.name, "title": snap.title, "number": snap.number, "nextcall": when(t, snap.nextcall),
            "status": snap.status, "action": str(snap.action), "call_id": snap.call_id or "",
            "created": when(t, snap.created), "created_by": snap.created_by,
            "fields": {k: list(v) for k, v in snap.fields.items()} or []}


def attempts_view(t: Tenant, record: Record) -> dict[str, Any]:
    answered = sum(1 for a in record.attempts if a.get("answered"))
    last = max((float(a["at"]) for a in record.attempts if isinstance(a.get("at"), (int, float))), default=None)
    return {"count_answered": str(answered), "count_unanswered": str(len(record.attempts) - answered),
            "last_datetime": when(t, last)}


def field_view(t: Tenant, record: Record, fid: str) -> dict[str, Any]:
    """CallScriptOpened's description of one field with its value."""
    f = forms.fields(t).get(fid)
    meta = record.field_meta.get(fid, {})
    at = meta.get("time")
    return {"field": fid, "type": f.type if f else forms.TEXT, "name": f.name if f else "",
            "title": f.title if f else "", "description": f.description if f else "", "multiple": "0",
            "fieldset": None, "pattern": "", "col": None, "deleted": f.deleted if f else "0", "required": None,
            "position": None, "free": None, "object": {"field": None, "error": None},
            "options": forms.default_value(f) or None if f else None, "value": list(record.fields.get(fid, [])),
            "time": when(t, at if isinstance(at, (int, float)) else None),
            "user": meta.get("user"), "version": str(meta.get("version", 1))}
