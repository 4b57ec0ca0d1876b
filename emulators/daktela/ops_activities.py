"""Events, activities, the autodialer's number checks and e-mail (daktela.txt, sections Events,
Activities, Autodialer, Emails): CreateEvent, ActivityClose, ActivityUpdate, CheckNumber,
GetStatuses 4.0, EmailCreate."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from ..core import sms as core_sms
from ..core.errors import CoreError
from ..core.world import Tenant
from ..dialect.operation import Ctx
from ..dialect.params import INVALID, Param, ParamError, json_value, text
from ..dialect.request import php_fields
from . import activities as act
from . import errors as e
from . import forms, model, sms
from .activities import Activity, Email, NotificationEvent, Ticket
from .common import IDS, NAME, NUMBER, Spec, fail, tenant, user
from .seed import vendor_settings

EVENT_PREFIX = "Custom_"
PARAGRAPH = "\u00b6"
"""``¶``: what HTML-entity decoding made of ``&para`` in the doc's CreateEvent URL."""
EMAIL = text(max_len=255, pattern=r"[^@\s]+@[^@\s]+")
_RELATIVE = re.compile(r"([+-]?\d+)\s*(second|sec|minute|min|hour|day|week)s?", re.IGNORECASE)


# -- CreateEvent --------------------------------------------------------------------------------
def strtotime(t: Tenant, raw: str) -> float:
    """The subset of PHP's ``strtotime`` an event time uses: ``YYYY-MM-DD HH:MM:SS``,
    ``YYYY-MM-DD``, ``HH:MM[:SS]`` (today), ``now``, ``today``, ``tomorrow``, ``@<epoch>``, and
    relative ``+1 hour``, ``+2 days 30 minutes``... (local time of the tenant)."""
    value = raw.strip()
    zone = ZoneInfo(t.timezone)
    now = datetime.fromtimestamp(t.now(), zone).replace(tzinfo=None)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    lowered = value.lower()
    if lowered == "now" or lowered == "":
        return t.now()
    if lowered in ("today", "midnight"):
        return midnight.replace(tzinfo=zone).timestamp()
    if lowered == "tomorrow":
        return (midnight + timedelta(days=1)).replace(tzinfo=zone).timestamp()
    if value.startswith("@") and value[1:].lstrip("-").isdigit():
        return float(int(value[1:]))
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=zone).timestamp()
        except ValueError:
            pass
    for fmt in ("%H:%M:%S", "%H:%M"):
        try:
            clock = datetime.strptime(value, fmt)
            return midnight.replace(hour=clock.hour, minute=clock.minute, second=clock.second,
                                    tzinfo=zone).timestamp()
        except ValueError:
            pass
    parts = _RELATIVE.findall(value)
    if parts and _RELATIVE.sub("", value).strip() == "":
        seconds = {"sec": 1, "second": 1, "min": 60, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
        total = sum(int(n) * seconds[unit.lower()] for n, unit in parts)
        if abs(total) <= 10 * 366 * 86400:
            return t.now() + total
    raise ParamError(INVALID, f"not a time strtotime reads: {raw!r}", Param("time"))


def _repaired(event: str) -> tuple[str, Any]:
    """The doc's example URL lost ``&para`` of ``&params`` to an HTML entity (``¶ms[number]=...``):
    such an event name is read as the name followed by its ``params``."""
    head, _, rest = event.replace(PARAGRAPH, "&para").partition("&")
    fields = php_fields(parse_qsl(rest, keep_blank_values=True))
    return head, fields.get("params")


def create_event(ctx: Ctx) -> list[Any]:
    t, p = tenant(ctx), ctx.params
    name, params = str(p["event"]), p["params"]
    if PARAGRAPH in name and params is None:
        name, params = _repaired(name)
    if not name.startswith(EVENT_PREFIX) or len(name) == len(EVENT_PREFIX):
        raise fail(e.EVENT_PREFIX, f"event {name!r}")
    if params is not None and not isinstance(params, dict):
        raise ParamError(INVALID, "params must be an array", Param("params"))
    due = strtotime(t, str(p["time"])) if p["time"] is not None else t.now()
    store = act.collection(t, act.EVENTS)
    event = store.add(NotificationEvent(str(store.next_id()), name, dict(params or {}), due, t.now()))
    _run_rules(t, event)
    return [params if params else []]


def _run_rules(t: Tenant, event: NotificationEvent) -> None:
    rules = vendor_settings(t).get("notification_rules")
    rule = rules.get(event.name) if isinstance(rules, dict) else None
    if rule == "send_sms":
        number, message = event.params.get("number"), event.params.get("message")
        if isinstance(number, str) and isinstance(message, str) and message:
            sms.ensure_accounts(t)
            try:
                msg = core_sms.send(t, sms.GSM, number, core_sms.fold_ascii(message), due=event.due,
                                    data={"billing_id": sms.settings(t).billing_id, "accountcode": event.name,
                                          "email": None, "price": "0.000"})
            except CoreError as exc:  # the event stands; its action could not run
                event.done.append(f"failed:{exc.code}")
                return
            event.done.append(f"sms:{msg.id}")


# -- activities ---------------------------------------------------------------------------------
def _activity(t: Tenant, name: str) -> Activity:
    found = act.by_name(t, name)
    if found is None:
        raise fail(e.ACTIVITY_NOT_FOUND, f"no activity {name!r}")
    return found


def _status_for(t: Tenant, code: str, activity: Activity) -> str:
    status = forms.status_by_code(t, code)
    if status is None or not forms.offered(status, activity.queue):
        raise fail(e.STATUS_NOT_FOUND, f"status {code!r} is not offered in queue {activity.queue}")
    return status.id


def activity_close(ctx: Ctx) -> str:
    t, p = tenant(ctx), ctx.params
    activity = _activity(t, str(p["activity"]))
    activity.status = _status_for(t, str(p["status"]), activity)
    activity.time_close = t.now()
    return ""


def activity_update(ctx: Ctx) -> str:
    t, p = tenant(ctx), ctx.params
    chosen = [_activity(t, str(name)) for name in p["activities"]]
    found = {a.id: _status_for(t, str(p["status"]), a) for a in chosen}
    for activity in chosen:
        activity.status = found[activity.id]
    return ""


# -- autodialer ---------------------------------------------------------------------------------
def check_number(ctx: Ctx) -> dict[str, Any]:
    t = tenant(ctx)
    found = act.check(t, str(ctx.params["number"]))
    return {"number": found.number, "time": act.when(t, found.time), "status": found.status}


def number_statuses(ctx: Ctx) -> list[dict[str, str]]:
    return [{"status": s, "name": name, "code": code} for s, name, code in act.NUMBER_STATUSES]


# -- e-mail -------------------------------------------------------------------------------------
def email_create(ctx: Ctx) -> dict[str, Any]:
    t, p = tenant(ctx), ctx.params
    queue = model.email_queue_by_number(t, str(p["queue"]))
    if queue is None:
        raise fail(e.NOT_EMAIL_QUEUE, f"no e-mail queue {p['queue']!r}")
    agent = user(t, str(p["user"])) if p["user"] is not None else None
    emails = act.collection(t, act.EMAILS)
    if p["name"] is not None and any(m.name == p["name"] for m in emails):
        raise fail(e.EMAIL_TAKEN, f"e-mail {p['name']!r} exists")
    name = str(p["name"]) if p["name"] is not None else \
        forms.uniqid(t, "email", lambda n: any(m.name == n for m in emails))
    now = t.now()
    mail = emails.add(Email(str(emails.next_id()), queue.id, name, str(p["subject"]), str(p["from"]),
                            str(p["body"]), now, agent.id if agent else None))
    tickets = act.collection(t, act.TICKETS)
    activities = act.collection(t, act.ACTIVITIES)
    ticket_name = forms.uniqid(t, "ticket", lambda n: any(a.name == n for a in activities))
    ticket = tickets.add(Ticket(str(tickets.next_id()), ticket_name, mail.title, now))
    activity = activities.add(Activity(str(activities.next_id()), ticket.id, ticket_name, mail.title, "EMAIL",
                                       queue.id, now, item=mail.id, user=mail.user))
    return {"email": act.email_view(t, mail), "activity": act.activity_view(t, activity)}


SPECS: dict[str, Spec] = {
    "daktela.CreateEvent": Spec(create_event, (
        Param("event", text(max_len=1024), required=True, doc="Event name, must start with prefix Custom_",
              example="Custom_SendSMS"),
        Param("params", json_value(), doc="Array of parameters (key: variable name)",
              example={"number": "226211245", "message": "Ahoj"}),
        Param("time", NAME, doc="When the event runs (strtotime format)")), mutates=True),
    "daktela.ActivityClose": Spec(activity_close, (
        Param("activity", NAME, required=True, doc="Unique activity's name", example="activity_123"),
        Param("status", NAME, required=True, doc="Unique state's name", example="objednavka")), mutates=True),
    "daktela.ActivityUpdate": Spec(activity_update, (
        Param("activities", IDS, required=True, doc="Unique activities' names", example=["activity_100"]),
        Param("status", NAME, required=True, doc="Unique state name", example="objednavka")), mutates=True),
    "daktela.CheckNumber": Spec(check_number, (
        Param("number", NUMBER, required=True, doc="The number to check", example="777888999"),), mutates=True),
    "daktela.GetStatuses.v4_0_autodialer": Spec(number_statuses),
    "daktela.EmailCreate": Spec(email_create, (
        Param("queue", NUMBER, required=True, doc="Queue number", example="2000"),
        Param("subject", NAME, required=True, doc="Subject", example="Muj predmet"),
        Param("from", EMAIL, required=True, doc="Sender", example="osoba@email.cz"),
        Param("body", text(max_len=1024 * 1024), required=True, doc="Body (HTML/plaintext)",
              example="Dlouhy text emailu"),
        Param("user", NAME, doc="User's login"),
        Param("name", text(max_len=255, pattern=r"[A-Za-z0-9_.-]+"), doc="Unikátní identifikátor emailu")),
                                 mutates=True),
}
