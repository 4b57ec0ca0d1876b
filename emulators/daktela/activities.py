"""Activities, e-mails, notification events and number checks (daktela.txt, sections Events,
Activities, Autodialer and Emails).

- An **activity** is one piece of work in a queue (a call, an e-mail ...), named uniquely
  (``activity_123``, ``ticket_530f264109f1c``), grouped in a **ticket**; ActivityClose and
  ActivityUpdate give it a status the queue offers, closing stamps ``time_close``.
- An **e-mail** comes into an e-mail queue (EmailCreate) with its activity in a new ticket.
- A **notification event** (CreateEvent, ``Custom_...``) runs at its time the tenant's rules for
  its name (``settings.daktela.notification_rules``): ``send_sms`` sends ``params[message]`` to
  ``params[number]`` through the GSM gateway, scheduled at the event's time.
- A **number check** (CheckNumber) asks the network about a number now: the party's fault says
  it is temporarily unavailable (congestion), a mailbox answers (no answer), it does not exist
  (unreachable), or it is reachable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.records import as_dict
from ..core.store import Collection
from ..core.world import Tenant
from .records import when

ACTIVITIES, EMAILS, TICKETS, EVENTS, CHECKS = "activities", "emails", "tickets", "notification_events", "number_checks"

NUMBER_STATUSES: tuple[tuple[str, str, str], ...] = (
    ("1", "Volany ucastnik je docasne nedostupny", "2"), ("2", "Schranka", "2"), ("3", "Nedostupny", "2"),
    ("0", "Cislo je dostupne", "1"))
"""GetStatuses 4.0 (status, name, code): the doc's three, then ours for a reachable number
(code 1: fine; 2: not reachable)."""
CHECK_BY_FAULT = {"congestion": "1", "no_answer": "2", "unreachable": "3", "reject": "3"}


@dataclass
class Activity:
    id: str
    ticket: str
    name: str
    title: str
    type: str
    queue: str
    time: float
    item: str | None = None
    """The e-mail (or other item) the activity is about."""
    action: str | None = None
    user: str | None = None
    contact: str | None = None
    status: str | None = None
    priority: str = "20"
    time_wait: float | None = None
    time_open: float | None = None
    time_close: float | None = None


@dataclass
class Email:
    id: str
    queue: str
    name: str
    title: str
    address: str
    text: str
    time: float
    user: str | None = None
    contact: str | None = None
    direction: str = "in"


@dataclass
class Ticket:
    id: str
    name: str
    title: str
    created: float


@dataclass
class NotificationEvent:
    id: str
    name: str
    params: dict[str, Any]
    due: float
    created: float
    done: list[str] = field(default_factory=list)
    """What the rules did (``sms:<id>``)."""


@dataclass
class NumberCheck:
    number: str
    time: float
    status: str


def declare(t: Tenant) -> None:
    for name, cls, key in ((ACTIVITIES, Activity, "id"), (EMAILS, Email, "id"), (TICKETS, Ticket, "id"),
                           (EVENTS, NotificationEvent, "id"), (CHECKS, NumberCheck, "number")):
        t.store.declare(Collection(name, id_field=key, record=cls, to_dict=as_dict,
                                   from_dict=_maker(cls)))


def _maker(cls: type) -> Any:
    return lambda data: cls(**data)


def collection(t: Tenant, name: str) -> Collection[Any]:
    return t.store[name]


def by_name(t: Tenant, name: str) -> Activity | None:
    for activity in collection(t, ACTIVITIES):
        if activity.name == name:
            return activity
    return None


def _int(text: str | None) -> Any:
    return int(text) if text is not None and text.isdigit() else text


def activity_view(t: Tenant, a: Activity) -> dict[str, Any]:
    """EmailCreate's ``activity``: ids as ints, the rest as the doc types it."""
    return {"activity": _int(a.id), "ticket": _int(a.ticket), "name": a.name, "title": a.title, "action": a.action,
            "type": a.type, "item": _int(a.item), "queue": a.queue, "user": a.user, "contact": a.contact,
            "status": a.status, "priority": a.priority, "options": None, "time": when(t, a.time),
            "time_wait": when(t, a.time_wait), "time_open": when(t, a.time_open), "time_close": when(t, a.time_close)}


def email_view(t: Tenant, m: Email) -> dict[str, Any]:
    return {"email": _int(m.id), "queue": m.queue, "user": m.user, "contact": m.contact, "name": m.name,
            "title": m.title, "address": m.address, "direction": m.direction, "wait_time": None, "duration": None,
            "answered": None, "text": m.text, "options": None, "time": when(t, m.time)}


def check(t: Tenant, number: str) -> NumberCheck:
    """Ask the network about ``number`` now (the latest check per number is kept)."""
    party = t.parties.get(number) or {}
    status = CHECK_BY_FAULT.get(str(party.get("fault")), "0")
    store = collection(t, CHECKS)
    found = store.get(number)
    if found is None:
        return store.add(NumberCheck(number, t.now(), status))
    found.time, found.status = t.now(), status
    return found
