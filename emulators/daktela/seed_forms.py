"""The default tenant's forms, statuses, records, activities and e-mail: the Forms, Events,
Activities, Autodialer and Emails examples of daktela.txt, each with the state it needs.

- Form fields 1 Jméno, 2 Příjmení (``field_5283f87c364f0``), 3 Název, 4 Adresa, 5 PSČ, 6 Email,
  7 Vyber (ANO/NE), 17 Poznámka (``field_poznamka``); forms: 1002 Outbounder [1 6 2 7]
  (SimpleSearchContact), 2003 and 2009 [1 4 5] (ExportData), 99990 [2 17], 2005 [1 2 17].
- Statuses: GetStatuses 3.8's nine and ``zavolat_pozdeji_rozmysli`` (CallScriptClose);
  ``nevolat`` only in the campaigns 1002, 2003, 2009 (so ActivityClose refuses it in Support).
- Records: 5 (1002, called three times answered and once not, last 2014-04-17 13:45:13:
  GetRecordAttempts), 9 (2003: CopyRecords,
  MoveRecords), 31 (1002, 2262112455 with status nevolat: SimpleSearchContact), 51-54 (Support,
  800123456: GetRecordSnapshots, GetRecords), 62 (daktelatester's open script: CallScriptOpened),
  64 (2003, to be called again: DeleteRecord, UpdateRecord), 66 (demouser's open script on the
  call in progress: RTUserState), 67 (novak's script of call 1367484976.46040WS) and 68
  (daktelatester's of 1367484976.4601WS: CallScriptClose), 100 (2003, edited 2013-01-14: the copy
  and move windows), 318 (2003, admin's, scheduled: ExportData).
- Activities ``activity_100``, ``activity_200``, ``activity_123`` in Support; an earlier e-mail
  (14) in the e-mail queue, so EmailCreate makes e-mail 15, ticket 5, activity 244 as the doc.
- Number 777888999 is temporarily unavailable (CheckNumber).
"""

from __future__ import annotations

from typing import Any

from ..core.formats import parse_sql_datetime
from ..core.world import Tenant
from . import activities as act
from . import dialer, forms, records
from .activities import Activity, Email, Ticket
from .forms import SELECTBOX, Field, Status
from .records import Record, Snapshot

FIELDS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("1", "field_5283f87c2e8a1", "Jméno", forms.TEXT, ()), ("2", "field_5283f87c364f0", "Příjmení", forms.TEXT, ()),
    ("3", "field_53e8cf5a1c2b4", "Název", forms.TEXT, ()), ("4", "field_503b5e7d0a1c2", "Adresa", forms.TEXT, ()),
    ("5", "field_503b5e7d0a1c3", "PSČ", forms.TEXT, ()), ("6", "field_5283f87c3a0b5", "Email", forms.TEXT, ()),
    ("7", "field_5283f87c3f1d6", "Vyber", SELECTBOX, ("ANO", "NE")),
    ("17", "field_poznamka", "Poznámka", forms.TEXT, ()))
FORMS = {"3": ["1", "6", "2", "7"], "9": ["1", "4", "5"], "11": ["1", "4", "5"], "2": ["2", "17"],
         "7": ["1", "2", "17"]}
"""Queue id -> its form's field ids."""
CAMPAIGNS = ["3", "9", "11"]
STATUSES: tuple[tuple[str, str, str, list[str]], ...] = (
    ("4", "nechce_nabidku", "Nechce slyset nabidku", []), ("5", "nebere", "Nebere", []),
    ("7", "nevolat", "Nema zajem s nami hovorit", CAMPAIGNS), ("8", "nezajem", "Nema zajem", []),
    ("9", "objednavka", "Objednavka", []), ("12", "nema_cas", "Volat pozdeji - nema cas", []),
    ("14", "rozmysli_se", "Volat pozdeji - rozmysli se", []),
    ("15", "neopravnena_osoba", "Volat pozdeji - neopravnena osoba", []),
    ("16", "prevolavka", "Prevolavka", []), ("17", "zavolat_pozdeji_rozmysli", "Zavolat pozdeji - rozmysli se", []))


def _name(prefix: str, at: float) -> str:
    return f"{prefix}_{int(at) & 0xffffffff:08x}{int(round((at % 1) * 1e6)) % 0x100000:05x}"


def _record(t: Tenant, rid: str, queue: str, number: str, created: float, *, edited: float | None = None,
            values: dict[str, str] | None = None, by: str | None = None, **attrs: Any) -> Record:
    record = Record(rid, queue, _name("record", created), attrs.pop("title", number), number, created,
                    edited=edited, **attrs)
    record.fields = {fid: [] for fid in FORMS.get(queue, [])}
    for fid, value in (values or {}).items():
        record.fields[fid] = [value] if value else []
        record.field_meta[fid] = {"time": edited if edited is not None else created, "user": by, "version": 1}
    records.records(t).add(record)
    snaps = records.snapshots(t)
    snaps.add(Snapshot(str(snaps.next_id()), record.id, record.queue, record.name, record.title, record.number,
                       edited if edited is not None else created, record.user, record.nextcall, record.status,
                       record.action, record.call_id, by, {k: list(v) for k, v in record.fields.items()}))
    return record


def _records(t: Tenant) -> None:
    now, tz = t.now(), t.timezone

    def at(local: str) -> float:
        return parse_sql_datetime(local, tz)
    day = 86400.0
    five = _record(t, "5", "3", "800123456", at("2014-04-14 09:20:00"), values={"1": "Jana", "6": "jana@example.cz",
                                                                                "2": "Dvořáková", "7": "ANO"})
    for when, answered in (("2014-04-15 10:02:11", False), ("2014-04-15 14:31:52", True),
                           ("2014-04-16 11:08:40", True), ("2014-04-17 13:45:13", True)):
        five.attempts.append({"at": at(when), "call": f"{int(at(when))}.77WS", "answered": answered})
    _record(t, "9", "9", "603927227", now - 14 * day, values={"1": "Karel", "4": "Brno", "5": "60200"})
    _record(t, "31", "3", "2262112455", at("2012-03-19 10:02:11"), edited=at("2012-03-20 16:12:51"), user="3",
            status="7", action=records.DONE, call_id="1329393906.6650WS", by="3",
            values={"1": "Michal", "6": "noreply@daktela.com", "2": "Hajek", "7": "ANO"})
    for rid, created in (("51", now - 9 * day), ("52", now - 8 * day), ("53", now - 8 * day + 12),
                         ("54", now - 8 * day + 13)):
        _record(t, rid, "1", "800123456", created, values={"1": "42"})
    _record(t, "62", "3", "468008589", now - 30 * day, edited=now - 600, user="10", status="8",
            action=records.BEFORE_SAVE, call_id=f"{int(now - 900)}.20", opened_by="10", by="10",
            title="Hovor 468008589", values={"1": "Eva", "6": "eva@example.cz", "2": "Evropa 58", "7": "NE"})
    _record(t, "64", "9", "226211245", now - 6 * day, edited=now - 6 * day + 100, nextcall=now + 2 * day,
            values={"1": "Petr", "4": "Praha", "5": "11000"})
    demo = t.agents["7"].call_id
    _record(t, "66", "2", "468008589", now - 2 * day, user="7", action=records.LOADED, call_id=demo,
            opened_by="7", by="7", values={"2": "Nováková", "17": "Volá kvůli faktuře"})
    _record(t, "67", "9", "226211245", at("2013-10-22 14:36:58"), edited=now - 1800, user="11",
            action=records.BEFORE_SAVE, call_id="1367484976.46040WS", opened_by="11", by="11",
            values={"1": "Jan", "4": "Olomouc", "5": "77900"})
    _record(t, "68", "9", "226211245", at("2013-10-22 15:36:58"), edited=now - 1200, user="10",
            action=records.BEFORE_SAVE, call_id="1367484976.4601WS", by="10")
    _record(t, "100", "9", "731555123", at("2012-12-03 09:00:00"), edited=at("2013-01-14 10:00:00"), status="9",
            action=records.DONE, values={"1": "Alena", "4": "Ostrava", "5": "70030"})
    _record(t, "318", "9", "226211245", at("2012-08-27 11:13:52"), edited=at("2012-08-28 16:20:17"), user="1",
            nextcall=at("2012-08-28 16:20:11"), action=records.SCHEDULED, by="1",
            values={"1": "Michal", "4": "Nemcice", "5": "12345"})
    for agent_id, rid in (("10", "62"), ("11", "67")):
        t.agents[agent_id].extra["callscript"] = rid
    for record in records.records(t):
        dialer.sync(t, record)


def _activities(t: Tenant) -> None:
    now = t.now()
    emails, tickets, acts = (act.collection(t, n) for n in (act.EMAILS, act.TICKETS, act.ACTIVITIES))
    sent = now - 3 * 86400
    emails.add(Email("14", "10", _name("email", sent), "Dotaz na fakturu", "zakaznik@example.cz",
                     "Dobry den, kdy prijde faktura?", sent))
    tickets.add(Ticket("1", _name("ticket", sent), "Dotaz na fakturu", sent))
    acts.add(Activity("240", "1", _name("ticket", sent), "Dotaz na fakturu", "EMAIL", "10", sent, item="14"))
    for n, (aid, name) in enumerate((("241", "activity_100"), ("242", "activity_200"), ("243", "activity_123")), 2):
        at = now - 3600 * (5 - n)
        tickets.add(Ticket(str(n), _name("ticket", at), f"Hovor {n}", at))
        acts.add(Activity(aid, str(n), name, f"Hovor {n}", "CALL", "1", at, time_open=at))


def seed(t: Tenant) -> None:
    for fid, name, title, ftype, options in FIELDS:
        forms.fields(t).add(Field(fid, name, title, ftype, list(options)))
    for queue_id, form in FORMS.items():
        t.queues[queue_id].extra["form_fields"] = list(form)
    for sid, code, description, queues in STATUSES:
        forms.statuses(t).add(Status(sid, code, description, queues=list(queues)))
    _records(t)
    _activities(t)
    t.parties["777888999"] = {"fault": "congestion"}
