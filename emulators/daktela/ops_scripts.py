"""Call scripts and campaign exports (daktela.txt, section Forms): CallScriptOpened,
CallScriptClose, SimpleSearchContact, ExportData.

A call script is the record an operator has open during and after a call (``dialer.py`` opens
it). CallScriptClose saves it (status, number, next call, assignee, fields) and closes it, then
takes the operator off the "Wrap" pause or puts them on the pause named; a pause that cannot be
set is reported inside ``result.cc`` while the save stands (status 1), as the doc's third
example shows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..core import engine
from ..core.agents import Agent
from ..core.formats import local_datetime
from ..core.world import Tenant
from ..dialect.operation import Ctx
from ..dialect.params import MISSING, SQL_DATETIME, Param, ParamError, array_of, php_int, text
from . import dialer, forms, model, records, views
from . import errors as e
from .common import ID, IDS, NAME, NUMBER, Spec, epoch, fail, tenant, user
from .model import Pause
from .ops_records import FIELDS, PHONE, field_values, queue_of, record_of, status_id, user_id
from .recordings import recording_hash
from .records import Record
from .render import keyed

EXPORT_DATE = "%d.%m.%Y %H:%M:%S"
"""ExportData's own date format (``28.08.2012 16:20:17``)."""


# -- call scripts -------------------------------------------------------------------------------
def opened(ctx: Ctx) -> dict[str, Any]:
    t = tenant(ctx)
    agent = user(t, str(ctx.params["user"]))
    record = records.opened_by(t, agent.id)
    if record is None:
        return {"record": None}
    fields = {fid: records.field_view(t, record, fid) for fid in records.ordered_fields(t, record)}
    return {"record": records.view(t, record, "opened"), "fields": keyed(fields)}


def pause_by_name(t: Tenant, name: str) -> Pause | None:
    """A pause named as CallScriptClose names it: its title (``obed``), code, ``pause_<id>`` or id."""
    wanted = name.casefold()
    for pause in model.pauses(t):
        if pause.deleted == "1":
            continue
        if wanted in (pause.title.casefold(), pause.code.casefold(), f"pause_{pause.id}", pause.id):
            return pause
    return None


def _operator(t: Tenant, record: Record) -> Agent | None:
    uid = record.opened_by or record.user
    return t.agents.get(uid) if uid is not None else None


def _cc(t: Tenant, agent: Agent | None, pause_name: str | None) -> dict[str, Any]:
    """The operator's pause after the save: the one named, else off "Wrap"."""
    if agent is None:
        return {"result": True, "error": None}
    if pause_name is None:
        if agent.paused and agent.pause_reason == views.wrap_pause(t):
            engine.unpause(t, agent.id)
        return {"result": True, "error": None}
    if not any(True for _ in model.logged_queues(t, agent)):
        return {"result": False, "error": e.NO_QUEUE_FOR_PAUSE}
    pause = pause_by_name(t, pause_name)
    if pause is None:
        return {"result": False, "error": e.PAUSE_NOT_FOUND}
    if agent.call_id is not None:  # as PauseOn without force
        return {"result": False, "error": e.AGENT_BUSY}
    if not (agent.paused and agent.pause_reason == pause.id):
        engine.pause(t, agent.id, pause.id)
    return {"result": True, "error": None}


def close(ctx: Ctx) -> dict[str, Any]:
    t, p = tenant(ctx), ctx.params
    if p["record"] is not None:
        record = record_of(t, p["record"])
    elif p["call_id"] is not None:
        found = records.by_call(t, str(p["call_id"]))
        if found is None:
            raise fail(e.RECORD_NOT_FOUND, f"no record of call {p['call_id']}")
        record = found
    else:
        raise ParamError(MISSING, "record or call_id", Param("record"))
    queue = t.queues.get(record.queue)
    status = status_id(t, p["status"], queue) if p["status"] is not None else record.status
    if status is None:
        raise fail(e.STATUS_REQUIRED, f"record {record.id} has no status yet")
    assignee = user_id(t, p["user"]) if p["user"] is not None else record.user
    values = field_values(t, p["fields"])
    operator = _operator(t, record)
    # everything checked: save the record and close its script
    record.status, record.user = status, assignee
    if p["number"] is not None:
        record.number = str(p["number"])
    wall = p["nextcall"]
    if isinstance(wall, datetime):
        at = epoch(t, wall, "nextcall")
        record.action, record.nextcall = records.SCHEDULED, at if at > t.now() else None
    else:
        record.action, record.nextcall = records.DONE, None
    records.set_fields(t, record, values, operator.id if operator else None)
    record.edited = t.now()
    record.opened_by = None
    if operator is not None and str(operator.extra.get("callscript")) == record.id:
        operator.extra["callscript"] = None
    records.snapshot(t, record, operator.id if operator else None)
    dialer.sync(t, record)
    cc = _cc(t, operator, p["pause"])
    return {"record": records.view(t, record, "closed"), "cc": cc}


# -- search and export --------------------------------------------------------------------------
def simple_search(ctx: Ctx) -> list[dict[str, Any]]:
    t, p = tenant(ctx), ctx.params
    digits = str(p["phonenumber"])
    numbers = {str(q) for q in p["queues"]} if p["queues"] is not None else None
    out = []
    for record in sorted(records.records(t), key=lambda r: int(r.id) if r.id.isdigit() else 0):
        queue = t.queues.get(record.queue)
        if record.deleted or queue is None or digits not in record.number:
            continue
        if numbers is not None and queue.number not in numbers:
            continue
        out.append(_contact(t, record, queue))
    return out


def _contact(t: Tenant, record: Record, queue: Any) -> dict[str, Any]:
    own = forms.form(queue)
    known = [forms.fields(t).get(fid) for fid in own]
    chosen = [f for f in known if f is not None]
    call = _last_call(t, record)
    return {"id_list": queue.id, "name_campaign": queue.name, "id_code_possibili": queue.id,
            "number_campaign": queue.number,
            "array_struct": {"id_field": [f.id for f in chosen], "type_field": [f.type for f in chosen],
                             "label_field": [f.title for f in chosen],
                             "default_value_field": [forms.default_value(f) for f in chosen],
                             "ro_field": [False for _ in chosen],
                             "order_field": [str(n) for n in range(1, len(chosen) + 1)],
                             "value_data": [", ".join(record.fields.get(f.id, [])) for f in chosen]},
            "sysdata_struct": {"id": record.id, "number": record.number,
                               "date": records.when(t, record.edited if record.edited is not None else record.created),
                               "date_nextcall": records.when(t, record.nextcall), "callstatus": record.status,
                               "action": str(record.action),
                               "asterisk_uniqueid": views.uniqueid(call) if call is not None else record.call_id,
                               "agent_id": record.user},
            "status_error": None}


def _last_call(t: Tenant, record: Record) -> Any:
    if record.call_id is None:
        return None
    return t.calls.get(record.call_id) or next((c for c in t.history if c.id == record.call_id), None)


def _date(t: Tenant, epoch_: float | None) -> str | None:
    return local_datetime(epoch_, t.timezone).strftime(EXPORT_DATE) if epoch_ is not None else None


def _cell(label: str, value: Any, cid: str) -> dict[str, Any]:
    return {"label": label, "value": value, "id": cid}


def export(ctx: Ctx) -> list[dict[str, Any]]:
    t, p = tenant(ctx), ctx.params
    queue = queue_of(t, p["queue"])
    bounds = {name: tuple(_bound(ctx, f"datetime_{name}_{edge}") for edge in ("from", "to"))
              for name in ("modify", "nextcall", "created")}
    actions = set(p["actions"]) if p["actions"] is not None else None
    statuses = {str(s) for s in p["callstatuses"]} if p["callstatuses"] is not None else None
    agents = {str(a) for a in p["agents"]} if p["agents"] is not None else None
    rows = []
    for record in sorted(records.records(t).where(queue=queue.id), key=lambda r: int(r.id) if r.id.isdigit() else 0):
        values = {"modify": record.edited if record.edited is not None else record.created,
                  "nextcall": record.nextcall, "created": record.created}
        if record.deleted or any(not _inside(values[k], *bounds[k]) for k in bounds):
            continue
        if actions is not None and record.action not in actions or statuses is not None and \
                record.status not in statuses or agents is not None and record.user not in agents:
            continue
        if p["phonenumber"] is not None and str(p["phonenumber"]) not in record.number:
            continue
        rows.append(_exported(t, record, queue))
    return rows


def _bound(ctx: Ctx, name: str) -> float | None:
    wall = ctx.params.get(name)
    return epoch(tenant(ctx), wall, name) if isinstance(wall, datetime) else None


def _inside(value: float | None, start: float | None, end: float | None) -> bool:
    if start is None and end is None:
        return True
    return value is not None and (start is None or value >= start) and (end is None or value <= end)


def _exported(t: Tenant, record: Record, queue: Any) -> dict[str, Any]:
    status = forms.statuses(t).get(record.status) if record.status is not None else None
    agent = t.agents.get(record.user) if record.user is not None else None
    call = _last_call(t, record)
    recording = None
    if call is not None:
                recording = recording_hash(t, call)
    row = {
        "sysdata_number": _cell("Tel.číslo", record.number, "sysdata_number"),
        "sysdata_date": _cell("Datum", _date(t, record.edited if record.edited is not None else record.created),
                              "sysdata_date"),
        "sysdata_date_nextcall": _cell("Datum příštího volání", _date(t, record.nextcall), "sysdata_date_nextcall"),
        "sysdata_date_create": _cell("Datum vytvoření", _date(t, record.created), "sysdata_date_create"),
        "sysdata_callstatus": _cell("Stav hovoru", status.description if status else None, "sysdata_callstatus"),
        "sysdata_action": _cell("Akce s čísly", records.ACTION_LABELS.get(record.action), "sysdata_action"),
        "sysdata_action_number": _cell("Akce s čísly číslo", str(record.action), "sysdata_action_number"),
        "sysdata_asterisk_uniqueid": _cell("Unikátní číslo hovoru", views.uniqueid(call) if call else None,
                                           "sysdata_asterisk_uniqueid"),
        "sysdata_asterisk_recording": _cell("Nahrávka hovoru", recording, "sysdata_asterisk_recording"),
        "sysdata_agent_id": _cell("Agent ID", agent.id if agent else None, "sysdata_agent_id"),
        "sysdata_agent_login": _cell("Agent login", agent.username if agent else None, "sysdata_agent_login"),
        "sysdata_agent_name": _cell("Jméno agenta", agent.name if agent else None, "sysdata_agent_name"),
        "sysdata_id": _cell("ID", record.id, "sysdata_id"),
    }
    for fid in forms.form(queue):
        f = forms.fields(t).get(fid)
        if f is not None:
            row[f"data_{fid}"] = _cell(f.title, ", ".join(record.fields.get(fid, [])), f"data_{fid}")
    return row


DATES = tuple(Param(f"datetime_{name}_{edge}", SQL_DATETIME,
                    doc=f"Entry's {label} {'from' if edge == 'from' else 'up to'} this date and time "
                        "(YYYY-MM-DD HH:MM:SS; if not specified, export all)")
              for name, label in (("modify", "last change"), ("nextcall", "next call"), ("created", "create"))
              for edge in ("from", "to"))

SPECS: dict[str, Spec] = {
    "daktela.CallScriptOpened": Spec(opened, (
        Param("user", NAME, required=True, doc="Operator's login name", example="daktelatester"),)),
    "daktela.CallScriptClose": Spec(close, (
        Param("record", ID, doc="item ID (call_id is not mandatory then)"),
        Param("call_id", text(max_len=64), doc="Unique call id bound to the open item (or record)",
              example="1367484976.46040WS"),
        Param("status", NAME, doc="Unique status name (must be set at the first call)", example="objednavka"),
        Param("number", PHONE, doc="Set phone number"),
        Param("nextcall", SQL_DATETIME, doc="Date and time of the next call, YYYY-MM-DD HH:MM:SS"),
        Param("user", NAME, empty_is_missing=False, doc="Operator's login name (blank: release the operator)"),
        FIELDS, Param("pause", NAME, doc="Unique pause name set after the save (else off WRAP)")), mutates=True),
    "daktela.SimpleSearchContact": Spec(simple_search, (
        Param("phonenumber", NUMBER, required=True, doc="MSISDN to search", example="226211245"),
        Param("queues", IDS, doc="array campaign numbers where search is executed"))),
    "daktela.ExportData": Spec(export, (
        Param("queue", NUMBER, required=True, doc="Queue number where export is made", example="2003"),
        *DATES, Param("actions", array_of(php_int(0, 6), max_items=7), doc="Array of actions (0-6)"),
        Param("callstatuses", IDS, doc="Array of ID calling states"), Param("agents", IDS, doc="Array of ID agents"),
        Param("phonenumber", NUMBER, doc="Phone number, which is in form's phone number"))),
}
