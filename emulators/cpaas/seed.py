"""The CPaaS dialect: its settings, what a fresh server holds, and what it does with events.

A fresh tenant is the document's server as its examples find it (cpaas.txt): account_1 owns
the example lists (LSaa8f9db7e6, LS608c393614, ...), DND lists (DN95716be314, DNd2b09f8f80, ...),
the three example campaigns (CMf32a68bc63, CM39139118b8, CM7b1b0f4c2f) with their CDRs, the
OTP template AN2222314c96 and the callback fd5ff6e021 (while its time is still ahead); account_2
owns an OTP template and nothing else. Both accounts have a synthesized history of click-to-call
and OTP calls (``history``). The CPaaS pushes no webhooks: events only write CDRs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..core import campaigns as cm
from ..core import scheduled
from ..core.world import Tenant
from ..dialect.ids import ASTERISK
from . import cdrs, history
from .accounts import ACCOUNTS, DEFAULT_AUTH, VENDOR

TRUNK = "tatatrunk"
"""The trunk outside numbers are dialled through (PJSIP/tatatrunk-ACvjfnvjnfs-0000023d)."""
DOC_TEMPLATE = "AN2222314c96"
SETTINGS: dict[str, Any] = {
    "timezone": "UTC",  # the document's CDR times are UTC (uniqueid epochs match call_date)
    "sim": {"ring_timeout": 45.0},
    VENDOR: {
        "bucket": "",
        "trunk": TRUNK,
        "otp_templates": {
            "account_1": {DOC_TEMPLATE: "Your one time password is {otp}"},
            "account_2": {"AN5be81c4f0a": "Your verification code is {otp}"},
        },
    },
}
"""CPaaS defaults over the core's; ``settings.cpaas``: the bucket folder ("" = the shipped
examples), the trunk name, and each account's approved OTP announce templates (id -> text)."""

SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "bucket": {"type": "string", "maxLength": 4096},
        "trunk": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$"},
        "otp_templates": {
            "type": "object", "propertyNames": {"enum": list(ACCOUNTS)},
            "additionalProperties": {
                "type": "object", "propertyNames": {"pattern": "^AN[0-9a-f]{10}$"},
                "additionalProperties": {"type": "string", "maxLength": 1000}}},
    },
}
"""What ``settings["cpaas"]`` may hold (the control plane refuses anything else)."""


def options(tenant: Tenant) -> dict[str, Any]:
    own = tenant.settings.get(VENDOR)
    return own if isinstance(own, dict) else {}


def templates(tenant: Tenant, account: str) -> dict[str, str]:
    found = options(tenant).get("otp_templates", {})
    mine = found.get(account, {}) if isinstance(found, dict) else {}
    return mine if isinstance(mine, dict) else {}


# -- the document's world ---------------------------------------------------------------------
UTC = "UTC"
DOC_LISTS: tuple[tuple[str, str, str, tuple[tuple[str, str, dict[str, str]], ...]], ...] = (
    ("LSaa8f9db7e6", "test_broadcast_list", cm.CONTACTS,  # Add Contacts to List; CM7b1b0f4c2f's
     tuple((number, "", {}) for number, _ in history.CM7B_CONTACTS)),
    ("LS608c393614", "dynamic_announcement_list", cm.CONTACTS, ()),  # Import Contacts via CSV File
    ("LS5ac4d9833c", "prerecorded_list", cm.CONTACTS, ()),  # Create Campaign, option 2
    ("LS18ac9f0cb0", "ivr_list", cm.CONTACTS, ()),  # Create Campaign, type 1
    ("LS50f6ec70b7", "dnd_test_list", cm.CONTACTS,  # Get CDR By Campaign ID
     ((history.AGENT_DOC, "abc", {}), (history.CUSTOMER_DOC, "ankit", {}))),
    ("DN95716be314", "dnd_list", cm.DND, ()),  # Add DND Contacts To List
    ("DNd2b09f8f80", "dnd_csv_list", cm.DND, ()),  # Add DND Contacts to List via CSV File
    ("DN4746f26296", "prerecorded_dnd_list", cm.DND,  # Create Campaign option 2; CM39139118b8's
     ((history.AGENT_DOC, "abc", {}),)),
    ("DNbc4f9d9b5f", "ivr_dnd_list", cm.DND,  # Create Campaign type 1; CM7b1b0f4c2f's
     tuple((number, "", {}) for number, outcome in history.CM7B_CONTACTS if outcome == "dnd")),
)
"""(id, name, kind, entries): the lists the document's examples use, owned by account_1 (not the
two its create examples make, LSdb6a12e1f1 and DNda1b361461: replaying those makes them)."""

DOC_CAMPAIGNS: tuple[dict[str, Any], ...] = (
    {"id": "CMf32a68bc63", "name": "test_broadcast_campaign_max", "list": "LS5ac4d9833c", "dnd": "DN4746f26296",
     "caller": "15168148111", "start": "2023-07-11 09:00:00", "end": "2023-07-12 20:00:00", "repeat": "3",
     "on_answer": {"mode": "announce", "seconds": 16.5}, "contacts": 0},  # Get Campaign Details
    {"id": "CM39139118b8", "name": "dnd_test_campaign", "list": "LS50f6ec70b7", "dnd": "DN4746f26296",
     "caller": history.DOC_CAMPAIGN_CALLER, "start": "2023-07-18 06:11:00", "end": "2023-07-18 20:00:00",
     "repeat": "1", "on_answer": {"mode": "announce", "seconds": 10.0}, "contacts": 2},  # CDR By Campaign ID
    {"id": "CM7b1b0f4c2f", "name": "test_broadcast_campaign", "list": "LSaa8f9db7e6", "dnd": "DNbc4f9d9b5f",
     "caller": "15168148111", "start": "2023-07-19 09:00:00", "end": "2023-07-19 20:00:00", "repeat": "2",
     "on_answer": {"mode": "announce", "seconds": 15.75}, "contacts": len(history.CM7B_CONTACTS)},  # Stop
)
"""The document's campaigns, all over (campaign_status "3"), type 0, 10 calls a minute, one retry
after 60 s, times in UTC."""

DOC_CALLBACK = {"id": "fd5ff6e021", "agent": history.CUSTOMER_DOC, "destination": history.AGENT_DOC,
                "caller": "15168148111", "recording": "off", "time_zone": "Asia/Kolkata",
                "scheduled_at": "2023-08-15 12:55:00"}
"""Callback Request, create: seeded only while its time lies ahead of the tenant clock."""


def _epoch(wall: str, zone: str) -> float:
    return datetime.strptime(wall, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo(zone)).timestamp()


LISTS_MADE = _epoch("2023-07-01 00:00:00", UTC)
WINDOWS = {spec["id"]: (_epoch(spec["start"], UTC), _epoch(spec["end"], UTC)) for spec in DOC_CAMPAIGNS}
CALLBACK_DUE = _epoch(str(DOC_CALLBACK["scheduled_at"]), str(DOC_CALLBACK["time_zone"]))
_BY_RECORD: dict[int, tuple[tuple[Any, ...], dict[str, Any]]] = {}
"""id(history) -> (that history, its campaign calls by record id): a reset reuses it."""


def _campaign_calls(calls: tuple[Any, ...]) -> dict[str, Any]:
    hit = _BY_RECORD.get(id(calls))
    if hit is None or hit[0] is not calls:
        hit = _BY_RECORD[id(calls)] = (calls, {str(c.tags.get("record")): c for c in calls if c.tags.get("campaign")})
    return hit[1]


def _doc_world(t: Tenant, calls: tuple[Any, ...]) -> None:
    owner = ACCOUNTS[0]
    for list_id, name, kind, items in DOC_LISTS:
        cm.lists(t).add(cm.RecordList(list_id, owner, name, kind, LISTS_MADE))
        cm.add_entries(t, list_id, items)
    by_record = _campaign_calls(calls)
    skips: list[cdrs.CdrRow] = []
    for spec in DOC_CAMPAIGNS:
        start, end = WINDOWS[spec["id"]]
        campaign = cm.Campaign(
            id=spec["id"], owner=owner, name=spec["name"], list_id=spec["list"], dnd_list_id=spec["dnd"],
            caller=spec["caller"], start_at=start, end_at=end, calls_per_minute=10.0, max_retries=1,
            retry_after=60.0, retry_on=list(cm.UNANSWERED), on_answer=dict(spec["on_answer"]),
            created_at=start - 86400, call_tags={"owner": owner, "service": "campaign", "campaign_type": "0"},
            data=_campaign_data(spec), status=cm.FINISHED, started_at=start, cursor=spec["contacts"])
        for position in range(1, spec["contacts"] + 1):
            entry = cm.entry_at(t, spec["list"], position)
            assert entry is not None
            record_id = f"{spec['id']}:{position}"
            call = by_record.get(record_id)
            record = cm.CampaignRecord(record_id, spec["id"], entry.id, entry.number)
            if call is None:  # a DND contact, skipped
                at = _skip_time(spec["id"], position)
                record.status, record.outcome = cm.SKIPPED, cm.OUTCOME_DND
                record.attempts.append({"at": at, "call": None, "outcome": cm.OUTCOME_DND})
                skips.append(cdrs.CdrRow(str(_skip_cdr(spec["id"], position)), owner, at, campaign_id=spec["id"],
                                         list_id=spec["list"], number=entry.number, caller=spec["caller"],
                                         campaign_type="0"))
            else:
                record.status, record.outcome = cm.DONE, "answered"
                record.attempts.append({"at": call.created_at, "call": call.id, "outcome": "answered"})
            cm.records(t).add(record)
            campaign.ended_at = max(campaign.ended_at or 0.0, call.ended_at if call is not None else start)
        cm.campaigns(t).add(campaign)
    for row in sorted(skips, key=lambda r: int(r.id)):
        cdrs.table(t).add(row)
    if CALLBACK_DUE > t.now():
        scheduled.schedule(t, DOC_CALLBACK["id"], owner=owner, due=CALLBACK_DUE, first=DOC_CALLBACK["agent"],
                           second=DOC_CALLBACK["destination"],
                           tags={"owner": owner, "service": "callback", "request_id": DOC_CALLBACK["id"],
                                 "caller_id": DOC_CALLBACK["caller"], "agent_number": DOC_CALLBACK["agent"],
                                 "recording": DOC_CALLBACK["recording"]},
                           data={"time_zone": DOC_CALLBACK["time_zone"],
                                 "scheduled_at": DOC_CALLBACK["scheduled_at"]})


def _campaign_data(spec: dict[str, Any]) -> dict[str, Any]:
    return {"campaign_type": "0", "calls_per_minute": "10", "max_retries": "1", "retry_time": "60",
            "repeat": spec["repeat"], "start_wall": spec["start"], "end_wall": spec["end"], "time_zone": UTC,
            "dynamic_announcement": "0", "recorded_filename": "quality_training-8khz.wav",
            "announcement_text": ""}


CDR_444_AT = _epoch("2023-07-18 06:11:10", UTC)
"""CDR 444's call_date: Tue, 18 Jul 2023 06:11:10 GMT (Get CDR By Campaign ID)."""


def _skip_time(campaign_id: str, position: int) -> float:
    if campaign_id == "CM39139118b8":
        return CDR_444_AT
    return next(at for call, (_, at, _, p) in history.CM7B if p == position and call is None)


def _skip_cdr(campaign_id: str, position: int) -> int:
    if campaign_id == "CM39139118b8":
        return 444
    return next(cdr for call, (cdr, _, _, p) in history.CM7B if p == position and call is None)


class CpaasDialect:
    """How the core seeds a CPaaS tenant; the CPaaS pushes no webhooks, its events write CDRs."""

    name = VENDOR
    settings = SETTINGS
    settings_schema = SETTINGS_SCHEMA
    id_scheme = ASTERISK
    features = frozenset({"inbound_calls", "click_to_call", "transfer", "attended_transfer", "dtmf",
                          "faults", "campaigns"})
    """What scenarios may ask of it: calls placed, received and transferred, DTMF (the CDRs'
    dtmf_inputs), faults (their dial statuses) and campaigns; no queues, agent sessions, hold,
    park or webhooks."""
    core_settings = frozenset({"timezone", "clock", "rate_limit", "sim", "events_keep"})
    """The core settings it uses: no webhooks, no IP whitelist (the document has neither)."""
    default_owner = ACCOUNTS[0]
    """Whose records a scenario makes (its campaigns): the tenant's first account."""
    state_schema: dict[str, Any] = {"type": "object", "maxProperties": 0}
    """A CPaaS tenant keeps everything in its store; ``tenant.state`` stays empty."""

    def seed(self, tenant: Tenant) -> None:
        cm.declare(tenant)
        scheduled.declare(tenant)
        cdrs.declare(tenant)
        if not tenant.credentials:  # the default tenant; others get theirs from the registry
            tenant.credentials = dict(DEFAULT_AUTH)
        calls, last_cdr = history.history(tenant.seed_number, tenant.now())
        tenant.history = calls
        _doc_world(tenant, calls)
        cdrs.table(tenant).counter = last_cdr

    on_event = staticmethod(cdrs.on_event)
    """The CDR table hears every event (the function itself: no frame of ours in between, for
    the six events of every call)."""


DIALECT = CpaasDialect()
