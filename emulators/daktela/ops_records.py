"""Record actions (daktela.txt, section Forms): CreateRecord, UpdateRecord, DeleteRecord,
GetRecords, GetRecordSnapshots, GetRecordAttempts, CopyRecords, MoveRecords, and the form
statuses of GetStatuses 3.8. Each run checks everything first, then changes the records (a
snapshot per change) and keeps the autodialer in step (``dialer.sync``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..core.queues import Queue
from ..core.world import Tenant
from ..dialect.operation import Ctx
from ..dialect.params import INVALID, MISSING, PHP_INT_MAX, SQL_DATETIME, Param, ParamError, json_value, php_int, text
from . import dialer, forms, model, query, records
from . import errors as e
from .common import ID, NAME, NUMBER, Spec, epoch, fail, tenant
from .records import Record

PHONE = text(max_len=64, pattern=r"\+?[0-9]{3,20}")
ACTION = php_int(0, 6)
FIELD_VALUES = json_value()
YES_NO = text(pattern="yes|no")
LIST_FIELDS = frozenset({"record", "user", "queue", "name", "title", "number", "nextcall", "status", "action",
                         "call_id", "edited", "created", "deleted"})


def _time(ctx: Ctx, name: str) -> float | None:
    wall = ctx.params.get(name)
    return epoch(tenant(ctx), wall, name) if isinstance(wall, datetime) else None


def queue_of(t: Tenant, key: Any, name: str = "queue", *, by_id: bool = False) -> Queue:
    """The call queue a parameter names by its number ("name"); ``by_id``: its id first (CreateRecord's
    "A queue's ID or a campaign", UpdateRecord's "Queue's ID")."""
    queue = forms.call_queue(t, str(key)) if by_id else model.queue_by_number(t, str(key))
    if queue is None:
        raise fail(e.QUEUE_NOT_FOUND, f"no queue {key!r} ({name})")
    return queue


def record_of(t: Tenant, key: Any) -> Record:
    record = records.get(t, key)
    if record is None:
        raise fail(e.RECORD_NOT_FOUND, f"no record {key!r}")
    return record


def user_id(t: Tenant, key: Any, name: str = "user") -> str | None:
    """A user named by id (or login); "" frees (None)."""
    text_key = str(key)
    if text_key == "":
        return None
    agent = t.agents.get(text_key)
    if agent is None or model.deleted(agent):
        agent = model.user_by_login(t, text_key)
    if agent is None:
        raise fail(e.USER_NOT_FOUND, f"no user {text_key!r} ({name})")
    return agent.id


def status_id(t: Tenant, key: Any, queue: Queue | None, name: str = "status") -> str | None:
    """A status named by id (or code); "" frees (None)."""
    text_key = str(key)
    if text_key == "":
        return None
    status = forms.statuses(t).get(text_key) or forms.status_by_code(t, text_key)
    if status is None or status.deleted == "1" or not forms.offered(status, queue.id if queue else None):
        raise fail(e.STATUS_NOT_FOUND, f"no status {text_key!r} in this queue ({name})")
    return status.id


def field_values(t: Tenant, raw: Any) -> dict[str, list[str]]:
    """``fields[<id or name>]=value`` (or ``fields[id][]=a&fields[id][]=b``) -> {field id: values}."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ParamError(INVALID, "fields must be an array", Param("fields"))
    out: dict[str, list[str]] = {}
    for key, value in raw.items():
        f = forms.field_by_key(t, str(key))
        if f is None:
            raise ParamError(INVALID, f"no form field {key!r}", Param("fields"))
        if isinstance(value, dict):
            value = [v for v in value.values() if not isinstance(v, dict)]
        out[f.id] = forms.values(value)
    return out


def changed(t: Tenant, record: Record, by: str | None) -> None:
    """The record was edited: a snapshot, the autodialer told."""
    records.snapshot(t, record, by)
    dialer.sync(t, record)


# -- create, update, delete ---------------------------------------------------------------------
def create_record(ctx: Ctx) -> dict[str, Any]:
    t, p = tenant(ctx), ctx.params
    queue = queue_of(t, p["queue"], by_id=True)
    values = field_values(t, p["fields"])
    user = user_id(t, p["user"]) if p["user"] is not None else None
    record = records.new(t, queue, str(p["phonenumber"]), user=user, nextcall=_time(ctx, "nextcall"),
                         values=values)
    changed(t, record, None)
    return {"count": 1, "record": records.view(t, record, "created")}


def update_record(ctx: Ctx) -> dict[str, Any]:
    t, p = tenant(ctx), ctx.params
    record = record_of(t, p["record"])
    queue = queue_of(t, p["queue"], by_id=True) if p["queue"] is not None else t.queues.get(record.queue)
    values = field_values(t, p["fields"])
    user = user_id(t, p["user"]) if p["user"] is not None else record.user
    status = status_id(t, p["status"], queue) if p["status"] is not None else record.status
    if p["action"] is not None and p["action"] not in (records.FREE, records.DONE, records.SCHEDULED):
        raise ParamError(INVALID, "action is 0, 5 or 6", Param("action"))
    if queue is not None and queue.id != record.queue:
        records.records(t).set(record, queue=queue.id)
    if p["phonenumber"] is not None:
        record.number = str(p["phonenumber"])
    record.user, record.status = user, status
    if p["action"] is not None:
        record.action = int(p["action"])
    if p["nextcall"] is not None:
        record.nextcall = _time(ctx, "nextcall")
    records.set_fields(t, record, values, None, clear_rest=p["fields"] is not None)
    record.edited = t.now()
    changed(t, record, None)
    return {"count": 1, "record": records.view(t, record, "updated")}


def delete_record(ctx: Ctx) -> int:
    t = tenant(ctx)
    record = record_of(t, ctx.params["record"])
    if not record.deleted:
        record.deleted = True
        record.edited = t.now()
        changed(t, record, None)
    return 1


# -- reads --------------------------------------------------------------------------------------
def get_records(ctx: Ctx) -> dict[str, Any]:
    t, p = tenant(ctx), ctx.params
    try:
        test = query.parse_filter(p["filter"], LIST_FIELDS) if p["filter"] is not None else None
        order = query.parse_sort(p["sort"], LIST_FIELDS) if p["sort"] is not None else []
    except query.QueryError as exc:
        raise ParamError(INVALID, str(exc), Param(exc.param)) from None
    words = str(p["q"]).casefold().split() if p["q"] is not None else []
    deleted_asked = _mentions(p["filter"], "deleted")
    rows = []
    for record in sorted(records.records(t), key=lambda r: int(r.id) if r.id.isdigit() else 0):
        if record.deleted and not deleted_asked:
            continue
        row = records.view(t, record, "listed")
        if words and not _matches(record, words):
            continue
        if test is not None and not test(row):
            continue
        rows.append(row)
    query.sort_rows(rows, order)
    skip, take = int(p["skip"]), int(p["take"])
    return {"data": rows[skip:skip + take], "total": str(len(rows))}


def records_stamp(t: Tenant) -> tuple[Any, ...]:
    """GetRecords' further key: the records as this API, the autodialer and a restore add, move
    and replace them (edits in place come with a changing action or an event)."""
    store = records.records(t)
    return (store, store.changes)


def _mentions(raw: Any, name: str) -> bool:
    """Does a filter name the field (deleted records are listed only when it asks about them)?"""
    if isinstance(raw, dict):
        return name in raw or raw.get("field") == name or any(_mentions(v, name) for v in raw.values())
    return False


def _matches(record: Record, words: list[str]) -> bool:
    """The full-text whisperer: every word in the number, title, name or a field value."""
    haystack = " ".join([record.number, record.title, record.name,
                         *(v for values in record.fields.values() for v in values)]).casefold()
    return all(word in haystack for word in words)


def get_snapshots(ctx: Ctx) -> dict[str, Any]:
    t = tenant(ctx)
    record = record_of(t, ctx.params["record"])
    snaps = sorted(records.snapshots(t).where(record=record.id), key=lambda s: int(s.id) if s.id.isdigit() else 0)
    return {"data": [records.snapshot_view(t, s) for s in snaps], "total": len(snaps)}


def get_attempts(ctx: Ctx) -> dict[str, Any]:
    t = tenant(ctx)
    return records.attempts_view(t, record_of(t, ctx.params["record"]))


# -- copy and move ------------------------------------------------------------------------------
WINDOWS = ("modify", "nextcall", "created")


def _selected(ctx: Ctx, t: Tenant) -> list[Record]:
    """The record ``id`` names (in any campaign), else the ``src_queue`` records in the windows."""
    p = ctx.params
    if p["id"] is not None:
        record = record_of(t, p["id"])
        return [] if record.deleted else [record]
    if p["src_queue"] is None:
        raise ParamError(MISSING, "id or src_queue", Param("id"))
    source = queue_of(t, p["src_queue"], "src_queue")
    bounds = {w: (_time(ctx, f"search_datetime_{w}_from"), _time(ctx, f"search_datetime_{w}_to")) for w in WINDOWS}
    out = []
    for record in records.records(t).where(queue=source.id):
        values = {"modify": record.edited if record.edited is not None else record.created,
                  "nextcall": record.nextcall, "created": record.created}
        if record.deleted or not all(_within(values[w], *bounds[w]) for w in WINDOWS):
            continue
        out.append(record)
    return sorted(out, key=lambda r: int(r.id) if r.id.isdigit() else 0)


def _within(value: float | None, start: float | None, end: float | None) -> bool:
    if start is None and end is None:
        return True
    return value is not None and (start is None or value >= start) and (end is None or value <= end)


def _updates(ctx: Ctx, t: Tenant, target: Queue) -> dict[str, Any]:
    """The ``update_*`` fields, checked (absent: the record's own value stays)."""
    p = ctx.params
    out: dict[str, Any] = {}
    if p["update_action"] is not None:
        if p["update_action"] not in (records.FREE, records.DONE, records.SCHEDULED):
            raise ParamError(INVALID, "action is 0, 5 or 6", Param("update_action"))
        out["action"] = int(p["update_action"])
    if p["update_callstatus"] is not None:
        out["status"] = status_id(t, p["update_callstatus"], target, "update_callstatus")
    if p["update_agent"] is not None:
        out["user"] = user_id(t, p["update_agent"], "update_agent")
    if p["update_datetime_nextcall"] is not None:
        out["nextcall"] = _time(ctx, "update_datetime_nextcall")
    return out


def copy_records(ctx: Ctx) -> None:
    t, p = tenant(ctx), ctx.params
    target = queue_of(t, p["dst_queue"], "dst_queue")
    chosen = _selected(ctx, t)
    updates = _updates(ctx, t, target)
    for source in chosen:
        copy = records.new(t, target, source.number, user=source.user, nextcall=source.nextcall,
                           values={k: list(v) for k, v in source.fields.items()})
        copy.title, copy.status, copy.action, copy.call_id = source.title, source.status, source.action, source.call_id
        copy.edited = source.edited
        for name, value in updates.items():
            setattr(copy, name, value)
        if p["update_datetime_modify"] == "yes":
            copy.edited = t.now()
        changed(t, copy, None)


def move_records(ctx: Ctx) -> None:
    t, p = tenant(ctx), ctx.params
    target = queue_of(t, p["dst_queue"], "dst_queue")
    chosen = _selected(ctx, t)
    updates = _updates(ctx, t, target)
    for record in chosen:
        records.records(t).set(record, queue=target.id)
        for name, value in updates.items():
            setattr(record, name, value)
        record.edited = t.now()
        changed(t, record, None)


# -- statuses (Forms) ---------------------------------------------------------------------------
def get_statuses(ctx: Ctx) -> Any:
    t, p = tenant(ctx), ctx.params
    queue = queue_of(t, p["queue"]) if p["queue"] is not None else None
    if p["id"] is not None:
        status = forms.statuses(t).get(str(p["id"]))
        if status is None or (queue is not None and not forms.offered(status, queue.id)):
            raise fail(e.STATUS_NOT_FOUND, f"no status {p['id']}")
        return {status.id: forms.status_view(status)}
    found = {s.id: forms.status_view(s) for s in forms.queue_statuses(t, queue)}
    return found if found else []


# -- the table ----------------------------------------------------------------------------------
RECORD = Param("record", ID, required=True, doc="Record's ID", example="64")
FIELDS = Param("fields", FIELD_VALUES, doc="Values of the form's items: fields[<item id>]=value (the "
                                           "missing ones become empty)", example={"3": "42"})
SEARCH = tuple(Param(f"search_datetime_{w}_{edge}", SQL_DATETIME,
                     doc=f"{'From' if edge == 'from' else 'To'} which date and time ({w}) to filter in src_queue")
               for w in WINDOWS for edge in ("from", "to"))
UPDATES = (Param("update_action", ACTION, doc="0 free, 5 done, 6 scheduled"),
           Param("update_callstatus", NAME, empty_is_missing=False,
                 doc="Status ID for the records (empty: free the status)"),
           Param("update_agent", NAME, empty_is_missing=False, doc="User ID for the records (empty: free the user)"),
           Param("update_datetime_nextcall", SQL_DATETIME, doc="When to call the records"))
SELECT = (Param("id", ID, doc="ID of the record (or src_queue)", example="9"),
          Param("src_queue", NUMBER, doc="Number of the queue to search (or id)"),
          Param("dst_queue", NUMBER, required=True, doc="Number of the target queue", example="2003"))

SPECS: dict[str, Spec] = {
    "daktela.CreateRecord": Spec(create_record, (
        Param("queue", NUMBER, required=True, doc="A queue's ID or a campaign (its number)", example="2003"),
        Param("phonenumber", PHONE, required=True, doc="A phone number you want to import.", example="226211245"),
        FIELDS, Param("user", NAME, doc="Assign the contact to this user ID (only they call it)"),
        Param("nextcall", SQL_DATETIME, doc="Call from this date. Format YYYY-MM-DD HH:MM:SS")), mutates=True),
    "daktela.UpdateRecord": Spec(update_record, (
        RECORD, Param("queue", NUMBER, doc="Queue's ID."), Param("phonenumber", PHONE, doc="A new phone number."),
        FIELDS, Param("user", NAME, empty_is_missing=False, doc="User ID (empty: free the user)"),
        Param("status", NAME, empty_is_missing=False, doc="Statuses ID (empty: free the status)"),
        Param("action", ACTION, doc="0 - Free, 5 - Done, 6 - Action for nextcall"),
        Param("nextcall", SQL_DATETIME, doc="Call from this date. Format YYYY-MM-DD HH:MM:SS")), mutates=True),
    "daktela.DeleteRecord": Spec(delete_record, (RECORD,), mutates=True),
    "daktela.GetRecords": Spec(get_records, (
        Param("q", NAME, doc="Fulltext whisperer."), Param("filter", json_value(), doc="Filter (see docs/FIDELITY.md)"),
        Param("sort", json_value(), doc="Sort (a field, -field, or sort[field]/sort[dir])"),
        Param("skip", php_int(0, PHP_INT_MAX), default=0, doc="Offset."),
        Param("take", php_int(0, PHP_INT_MAX), default=100, doc="Limit.")), cached=True, stamp=records_stamp),
    "daktela.GetRecordSnapshots": Spec(get_snapshots, (RECORD,)),
    "daktela.GetRecordAttempts": Spec(get_attempts, (RECORD,)),
    "daktela.CopyRecords": Spec(copy_records, (
        *SELECT, *SEARCH, *UPDATES,
        Param("update_datetime_modify", YES_NO, doc="Change the date of the last modification (yes / no)")),
        mutates=True),
    "daktela.MoveRecords": Spec(move_records, (*SELECT, *SEARCH, *UPDATES), mutates=True),
    "daktela.GetStatuses.v3_8_forms": Spec(get_statuses, (
        Param("id", ID, doc="Get info only for this status ID."),
        Param("queue", NUMBER, doc="Get info only for this queue name"))),
}
