"""Campaigns: lists of records dialled at a pace, with do-not-call lists, retries and an attempt
history per record (a broadcast campaign; an autodialer working through its records).

A **list** holds **entries** (a number, a name and free fields); a list of kind ``dnd`` holds
numbers never to dial. A **campaign** works through one list between its start and end, one
dial every ``60 / calls_per_minute`` seconds of the tenant clock: numbers on its DND list are
skipped (``CampaignRecordSkipped``, no call), others are dialled by the system
(``engine.dial_number``). Each entry becomes a **campaign record** with its attempts (when,
which call, how it ended); an attempt whose disposition is in ``retry_on`` is dialled again
``retry_after`` seconds after it ended, at most ``max_retries`` times, before fresh entries.

What the callee hears is the campaign's ``on_answer``: ``{"mode": "announce", "text": ...,
"repeat": n, "words_per_minute": w, "pause": s}`` (the text with each entry's ``{field}``
placeholders filled in, its length the time it takes to speak; the system hangs up after it),
``{"mode": "announce", "seconds": s}`` (a recording of known length), or ``{"mode": "talk"}``
(an IVR or voice bot: the callee talks for their own talk time).

An entry may carry a next-call time (``next_call``: not dialled before it) and be ``held`` (not
dialled until released: removed, or handled by hand); ``requeue`` dials an entry again at a
time of the caller's choosing. A ``standing`` campaign (an autodialer working through a queue's
records) never finishes by itself: once its list is done it waits for entries to be added or
requeued (``wake``). A mode of ``on_answer`` may register a gate in ``DIAL_GATES`` that says
whether the campaign may dial now (``core/autodialer.py``: only while agents are free).

Status: ``scheduled`` until the start, ``running``, then ``finished`` (every record done),
``expired`` (the end came first) or ``stopped`` (by request). Calls in progress are never cut
off; they end on their own and their outcomes are still recorded. Records live in
``tenant.store`` (the dialect's seed calls ``declare``); every change happens on the tenant
clock through the timers below.
"""

from __future__ import annotations

import re
from bisect import insort
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable

from . import events as ev
from .calls import D_ANSWERED, DISPOSITIONS, Call
from .engine.dialing import dial_number
from .errors import CampaignNotFound, IllegalTransition, ListNotFound
from .listeners import listens_to
from .store import Collection
from .timers import timer_handler
from .world import Tenant

LISTS, ENTRIES, CAMPAIGNS, RECORDS = "lists", "list_entries", "campaigns", "campaign_records"
"""The store collections of this engine."""
CONTACTS, DND = "contacts", "dnd"
LIST_KINDS = (CONTACTS, DND)

SCHEDULED, RUNNING, FINISHED, EXPIRED, STOPPED = "scheduled", "running", "finished", "expired", "stopped"
CAMPAIGN_STATES = (SCHEDULED, RUNNING, FINISHED, EXPIRED, STOPPED)
LIVE_STATES = (SCHEDULED, RUNNING)

PENDING, DIALING, RETRY, DONE, SKIPPED, FAILED, DROPPED = (
    "pending", "dialing", "retry", "done", "skipped", "failed", "dropped")
RECORD_STATES = (PENDING, DIALING, RETRY, DONE, SKIPPED, FAILED, DROPPED)
"""A record: being dialled, waiting for a retry, ``done`` (answered), ``skipped`` (DND),
``failed`` (no retry left), ``dropped`` (its campaign ended before the retry)."""
OUTCOME_DND = "dnd"
"""A skipped record's outcome (its other outcomes are call dispositions)."""

CAMPAIGN_STARTED = "CampaignStarted"
CAMPAIGN_RECORD_SKIPPED = "CampaignRecordSkipped"
"""A record's number is on the campaign's DND list: no call (data: campaign, record, number)."""
CAMPAIGN_ENDED = "CampaignEnded"
"""data: campaign, status (finished, expired or stopped)."""

START, TICK, END = "campaign.start", "campaign.tick", "campaign.end"
TIMERS = (START, TICK, END)
UNANSWERED = tuple(d for d in DISPOSITIONS if d != D_ANSWERED)
"""Default ``retry_on``: every way a call can end unanswered."""
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")
DIAL_GATES: dict[str, Callable[[Tenant, "Campaign"], bool]] = {}
"""``on_answer`` mode -> whether a campaign of that mode may dial now (registered by the module
that runs the mode; without a gate a campaign dials at its pace)."""


@dataclass(slots=True)
class RecordList:
    id: str
    owner: str
    """Whose it is (an account of the tenant; "" for the tenant's own)."""
    name: str
    kind: str
    """``contacts`` (to dial) or ``dnd`` (never to dial)."""
    created_at: float
    size: int = 0
    """Entries so far; entry ``n`` (1-based) has the id ``<list id>:<n>``."""


@dataclass(slots=True)
class Entry:
    id: str
    list_id: str
    number: str
    name: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    """Free data of the record (``{field1}`` placeholders of an announcement read them)."""
    next_call: float | None = None
    """Not dialled before this instant (None: whenever its turn comes)."""
    held: bool = False
    """Not dialled while held (removed, or being handled by hand)."""


@dataclass(slots=True)
class Retry:
    due: float
    """When the record is dialled again (epoch seconds)."""
    record: str


@dataclass(slots=True)
class Campaign:
    id: str
    owner: str
    name: str
    list_id: str
    dnd_list_id: str
    """"" for none."""
    caller: str
    """Caller id the contacts see."""
    start_at: float
    end_at: float | None
    calls_per_minute: float
    max_retries: int
    retry_after: float
    """Seconds after an unanswered attempt ended before it is dialled again."""
    retry_on: list[str]
    """Dispositions that are retried (``UNANSWERED`` by default)."""
    on_answer: dict[str, Any]
    created_at: float
    call_tags: dict[str, Any] = field(default_factory=dict)
    """Copied into every call of the campaign (the vendor's own facts, e.g. its owner)."""
    data: dict[str, Any] = field(default_factory=dict)
    """The vendor's own facts about the campaign (never read here)."""
    status: str = SCHEDULED
    started_at: float | None = None
    ended_at: float | None = None
    cursor: int = 0
    """Entries of the list taken so far."""
    live: int = 0
    """Calls of the campaign in progress."""
    last_dial: float | None = None
    next_tick: float | None = None
    retries: list[Retry] = field(default_factory=list)
    """Records waiting to be dialled (again), in due order."""
    standing: bool = False
    """Never finishes by itself: with nothing left to dial it waits to be woken (``wake``)."""
    unconnected: int = 0
    """Calls of the campaign not yet connected to whoever takes them (a queue's agent)."""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Campaign":
        data = dict(data)
        data["retries"] = [Retry(**r) for r in data.get("retries", [])]
        return cls(**data)


@dataclass(slots=True)
class CampaignRecord:
    id: str
    """``<campaign id>:<n>``: the campaign's n-th entry."""
    campaign_id: str
    entry_id: str
    number: str
    status: str = PENDING
    outcome: str | None = None
    """The last attempt's outcome: a disposition, or ``dnd``."""
    attempts: list[dict[str, Any]] = field(default_factory=list)
    """``{"at", "call", "outcome"}`` per attempt (``call`` None for a skipped record)."""


def declare(t: Tenant) -> None:
    """Declare this engine's collections in a tenant's store (a dialect's seed calls it)."""
    t.store.declare(Collection(LISTS, record=RecordList, indexes=("owner",)))
    t.store.declare(Collection(ENTRIES, record=Entry, indexes=("number",)))
    t.store.declare(Collection(CAMPAIGNS, record=Campaign, from_dict=Campaign.from_dict, indexes=("owner",)))
    t.store.declare(Collection(RECORDS, record=CampaignRecord))


def _collection(t: Tenant, name: str) -> Collection[Any]:
    try:
        return t.store.collections[name]
    except KeyError:
        raise IllegalTransition(f"the {t.dialect.name} tenants keep no campaigns") from None


# The four accessors look their collection up themselves (not through ``_collection``): a
# dialled contact reads them about ten times.
def lists(t: Tenant) -> Collection[RecordList]:
    found = t.store.collections.get(LISTS)
    return found if found is not None else _collection(t, LISTS)


def entries(t: Tenant) -> Collection[Entry]:
    found = t.store.collections.get(ENTRIES)
    return found if found is not None else _collection(t, ENTRIES)


def campaigns(t: Tenant) -> Collection[Campaign]:
    found = t.store.collections.get(CAMPAIGNS)
    return found if found is not None else _collection(t, CAMPAIGNS)


def records(t: Tenant) -> Collection[CampaignRecord]:
    found = t.store.collections.get(RECORDS)
    return found if found is not None else _collection(t, RECORDS)


def campaign_exists(t: Tenant, campaign_id: str) -> bool:
    return campaign_id in campaigns(t)


# -- lists ------------------------------------------------------------------------------------
def create_list(t: Tenant, list_id: str, owner: str, name: str, kind: str = CONTACTS) -> RecordList:
    if kind not in LIST_KINDS:
        raise IllegalTransition(f"unknown list kind {kind!r}")
    if list_id in lists(t):
        raise IllegalTransition(f"list {list_id} exists")
    return lists(t).add(RecordList(list_id, owner, name, kind, t.now()))


def get_list(t: Tenant, list_id: str, kind: str | None = None, owner: str | None = None) -> RecordList:
    found = lists(t).get(list_id)
    if found is None or (kind is not None and found.kind != kind) or (owner is not None and found.owner != owner):
        raise ListNotFound(list_id=list_id)
    return found


def add_entries(t: Tenant, list_id: str, items: Iterable[tuple[str, str, dict[str, str]]]) -> int:
    """Append ``(number, name, fields)`` entries to a list; returns how many."""
    target = get_list(t, list_id)
    store = entries(t)
    n = 0
    for number, name, fields in items:
        target.size += 1
        store.add(Entry(f"{list_id}:{target.size}", list_id, number, name, dict(fields)))
        n += 1
    return n


def entry_at(t: Tenant, list_id: str, n: int) -> Entry | None:
    """The n-th (1-based) entry of a list."""
    return entries(t).get(f"{list_id}:{n}")


def on_list(t: Tenant, list_id: str, number: str) -> bool:
    for entry in entries(t).where(number=number):
        if entry.list_id == list_id:
            return True
    return False


# -- campaigns --------------------------------------------------------------------------------
def create_campaign(t: Tenant, *, campaign_id: str, owner: str, name: str, list_id: str, caller: str,
                    start_at: float, end_at: float | None, calls_per_minute: float, dnd_list_id: str = "",
                    max_retries: int = 0, retry_after: float = 60.0, retry_on: Iterable[str] = UNANSWERED,
                    on_answer: dict[str, Any] | None = None, call_tags: dict[str, Any] | None = None,
                    data: dict[str, Any] | None = None, standing: bool = False) -> Campaign:
    """A campaign that starts at ``start_at`` (at once if that has passed) and stops dialling at
    ``end_at`` (None: when its list is done, or never when ``standing``)."""
    get_list(t, list_id, CONTACTS)
    if dnd_list_id:
        get_list(t, dnd_list_id, DND)
    retry_on = list(retry_on)
    _check(t, campaign_id, start_at, end_at, calls_per_minute, max_retries, retry_after, retry_on)
    now = t.now()
    campaign = campaigns(t).add(Campaign(
        id=campaign_id, owner=owner, name=name, list_id=list_id, dnd_list_id=dnd_list_id, caller=caller,
        start_at=start_at, end_at=end_at, calls_per_minute=float(calls_per_minute),
        max_retries=int(max_retries), retry_after=float(retry_after), retry_on=retry_on,
        on_answer=dict(on_answer or {"mode": "talk"}), created_at=now, call_tags=dict(call_tags or {}),
        data=dict(data or {}), standing=bool(standing)))
    t.clock.call_at(max(start_at, now), START, campaign=campaign.id)
    if end_at is not None:
        t.clock.call_at(max(end_at, now), END, campaign=campaign.id)
    return campaign


def _check(t: Tenant, campaign_id: str, start_at: float, end_at: float | None, calls_per_minute: float,
           max_retries: int, retry_after: float, retry_on: list[str]) -> None:
    if campaign_exists(t, campaign_id):
        raise IllegalTransition(f"campaign {campaign_id} exists")
    if not calls_per_minute > 0 or max_retries < 0 or retry_after < 0 or (
            end_at is not None and end_at <= start_at) or any(d not in DISPOSITIONS for d in retry_on):
        raise IllegalTransition("a campaign needs calls_per_minute > 0, max_retries >= 0, "
                                "retry_after >= 0, an end after its start and known dispositions")


def start(t: Tenant, campaign_id: str, contacts: Iterable[tuple[str, str, dict[str, str]]],
          dnd: Iterable[str] = (), *, caller: str, start_at: float, end_at: float | None,
          calls_per_minute: float, max_retries: int = 0, retry_after: float = 60.0,
          retry_on: Iterable[str] = UNANSWERED, on_answer: dict[str, Any] | None = None,
          owner: str = "") -> Campaign:
    """A campaign over lists of its own (``<id>:contacts``, ``<id>:dnd``), made with it: what a
    scenario starts. Refused whole, before anything is made, if it could not start."""
    list_id, dnd_id = f"{campaign_id}:contacts", f"{campaign_id}:dnd"
    retry_on = list(retry_on)
    _check(t, campaign_id, start_at, end_at, calls_per_minute, max_retries, retry_after, retry_on)
    if list_id in lists(t) or dnd_id in lists(t):
        raise IllegalTransition(f"the lists of campaign {campaign_id} exist")
    dnd = list(dnd)
    create_list(t, list_id, owner, campaign_id, CONTACTS)
    add_entries(t, list_id, contacts)
    if dnd:
        create_list(t, dnd_id, owner, campaign_id, DND)
        add_entries(t, dnd_id, ((number, "", {}) for number in dnd))
    return create_campaign(t, campaign_id=campaign_id, owner=owner, name=campaign_id, list_id=list_id,
                           caller=caller, start_at=start_at, end_at=end_at, calls_per_minute=calls_per_minute,
                           dnd_list_id=dnd_id if dnd else "", max_retries=max_retries, retry_after=retry_after,
                           retry_on=retry_on, on_answer=on_answer)


def get_campaign(t: Tenant, campaign_id: str, owner: str | None = None) -> Campaign:
    found = campaigns(t).get(campaign_id)
    if found is None or (owner is not None and found.owner != owner):
        raise CampaignNotFound(campaign_id=campaign_id)
    return found


def stop_campaign(t: Tenant, campaign_id: str) -> bool:
    """Stop dialling (calls in progress go on); False if it had ended already."""
    campaign = get_campaign(t, campaign_id)
    if campaign.status not in LIVE_STATES:
        return False
    _end(t, campaign, STOPPED)
    return True


def wake(t: Tenant, campaign_id: str) -> None:
    """Look for something to dial now (entries were added, requeued or released; the gate may
    open): a running campaign plans its next dial."""
    campaign = get_campaign(t, campaign_id)
    if campaign.status == RUNNING:
        _plan(t, campaign)


def requeue(t: Tenant, campaign_id: str, entry_id: str, at: float | None = None) -> None:
    """Dial an entry of the campaign's list (again) at ``at`` (now when None or past), whatever
    its earlier attempts: a callback the person asked for. Its ``next_call`` becomes ``at``."""
    campaign = get_campaign(t, campaign_id)
    entry = entries(t).get(entry_id)
    if entry is None or entry.list_id != campaign.list_id:
        raise IllegalTransition(f"entry {entry_id} is not on campaign {campaign_id}'s list")
    now = t.now()
    entry.next_call = at if at is not None and at > now else None
    n = entry.id.rpartition(":")[2]
    record = records(t).get(f"{campaign.id}:{n}")
    if record is not None and record.status != DIALING:  # the cursor took it: it comes back as a retry
        campaign.retries = [r for r in campaign.retries if r.record != record.id]
        record.status = RETRY
        _defer(campaign, record.id, entry.next_call if entry.next_call is not None else now)
    wake(t, campaign_id)


def _defer(campaign: Campaign, record_id: str, due: float) -> None:
    insort(campaign.retries, Retry(due, record_id), key=lambda r: r.due)


def _end(t: Tenant, campaign: Campaign, status: str) -> None:
    campaign.status = status
    campaign.ended_at = t.now()
    campaign.next_tick = None
    t.clock.cancel_any(TIMERS, campaign=campaign.id)
    for retry in campaign.retries:
        record = records(t).get(retry.record)
        if record is not None and record.status == RETRY:
            record.status = DROPPED
    campaign.retries = []
    t.record(CAMPAIGN_ENDED, None, None, campaign=campaign.id, status=status)


@timer_handler(START, campaign="store:" + CAMPAIGNS)
def _on_start(t: Tenant, payload: dict[str, Any]) -> None:
    campaign = campaigns(t).get(payload["campaign"])
    if campaign is None or campaign.status != SCHEDULED:
        return
    campaign.status = RUNNING
    campaign.started_at = t.now()
    t.record(CAMPAIGN_STARTED, None, None, campaign=campaign.id)
    _tick(t, campaign)


@timer_handler(END, campaign="store:" + CAMPAIGNS)
def _on_end(t: Tenant, payload: dict[str, Any]) -> None:
    campaign = campaigns(t).get(payload["campaign"])
    if campaign is not None and campaign.status in LIVE_STATES:
        _end(t, campaign, EXPIRED)


@timer_handler(TICK, campaign="store:" + CAMPAIGNS)
def _on_tick(t: Tenant, payload: dict[str, Any]) -> None:
    campaign = campaigns(t).get(payload["campaign"])
    if campaign is not None and campaign.status == RUNNING:
        campaign.next_tick = None
        _tick(t, campaign)


def _size(t: Tenant, list_id: str) -> int:
    found = lists(t).get(list_id)
    return found.size if found is not None else 0


def _tick(t: Tenant, campaign: Campaign) -> None:
    """Dial the next record (a due retry first), then plan the next dial."""
    if campaign.end_at is not None and t.now() >= campaign.end_at:
        return  # the end timer, due now too, closes the campaign
    gate = DIAL_GATES.get(str(campaign.on_answer.get("mode")))
    if gate is None or gate(t, campaign):
        record = _next_record(t, campaign)
        if record is not None:
            _dial(t, campaign, record)
    _plan(t, campaign)


def _next_record(t: Tenant, campaign: Campaign) -> CampaignRecord | None:
    now = t.now()
    retries = campaign.retries
    while retries and retries[0].due <= now:
        record = records(t).get(retries.pop(0).record)
        if record is None:
            continue
        entry = entries(t).get(record.entry_id)
        if entry is not None and entry.held:
            continue  # released later: ``requeue`` brings it back
        if entry is not None and entry.next_call is not None and entry.next_call > now:
            _defer(campaign, record.id, entry.next_call)
            continue
        return record
    store = records(t)
    size = _size(t, campaign.list_id)
    while campaign.cursor < size:
        campaign.cursor += 1
        entry = entry_at(t, campaign.list_id, campaign.cursor)
        if entry is None:  # entries are 1 .. size: none means the list ends here
            campaign.cursor = size
            break
        record = store.add(CampaignRecord(f"{campaign.id}:{campaign.cursor}", campaign.id, entry.id,
                                          entry.number))
        if campaign.dnd_list_id and on_list(t, campaign.dnd_list_id, entry.number):
            record.status = SKIPPED
            record.outcome = OUTCOME_DND
            record.attempts.append({"at": now, "call": None, "outcome": OUTCOME_DND})
            t.record(CAMPAIGN_RECORD_SKIPPED, None, None, campaign=campaign.id, record=record.id,
                     number=entry.number)
            continue
        if entry.held:
            continue
        if entry.next_call is not None and entry.next_call > now:
            record.status = RETRY
            _defer(campaign, record.id, entry.next_call)
            continue
        return record
    return None


def announcement(on_answer: dict[str, Any], fields: dict[str, str]) -> tuple[str, float | None]:
    """What a callee hears: the text with its ``{field}`` placeholders filled in, and how many
    seconds it lasts (None: the callee talks, no announcement)."""
    if on_answer.get("mode", "talk") != "announce":
        return "", None
    # Split at the placeholders (literal, name, literal, ...) and fill the names in: two thirds
    # of the time of a ``sub`` calling a function per match, once per dialled contact.
    parts = list(_template(str(on_answer.get("text", ""))))
    for i in range(1, len(parts), 2):
        parts[i] = str(fields.get(parts[i], ""))
    text = "".join(parts)
    seconds = on_answer.get("seconds")
    if seconds is not None:
        return text, _number(seconds, 0.0)
    repeat = max(1, int(_number(on_answer.get("repeat", 1), 1)))
    per_minute = _number(on_answer.get("words_per_minute", 150.0), 150.0) or 150.0
    words = len(text.split())
    return text, round(repeat * (words * 60.0 / per_minute + _number(on_answer.get("pause", 1.0), 1.0)), 3)


@lru_cache(maxsize=64)
def _template(text: str) -> tuple[str, ...]:
    """An announcement's text split at its placeholders: a campaign's every contact hears one."""
    return tuple(PLACEHOLDER.split(text))


def _number(value: Any, default: float) -> float:
    """A non-negative finite number of ``on_answer`` (a restored snapshot may hold anything)."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return number if 0 <= number < 1e9 else default


def _dial(t: Tenant, campaign: Campaign, record: CampaignRecord) -> None:
    entry = entries(t).get(record.entry_id)
    text, seconds = announcement(campaign.on_answer, entry.fields if entry is not None else {})
    tags = {**campaign.call_tags, "campaign": campaign.id, "record": record.id, "list_id": campaign.list_id}
    if text:
        tags["announcement"] = text
    now = t.now()
    if entry is not None:
        record.number = entry.number  # the entry's number may have changed since the cursor took it
    call = dial_number(t, record.number, caller=campaign.caller, origin="campaign", tags=tags,
                       announce=seconds)
    record.status = DIALING
    record.attempts.append({"at": now, "call": call.id, "outcome": None})
    campaign.live += 1
    campaign.unconnected += 1
    campaign.last_dial = now


def _plan(t: Tenant, campaign: Campaign) -> None:
    """Set the next dial (one pending at a time), or finish when nothing is left to do."""
    if campaign.status != RUNNING or campaign.next_tick is not None:
        return
    now = t.now()
    pace = 60.0 / campaign.calls_per_minute if campaign.calls_per_minute > 0 else 60.0
    earliest = now if campaign.last_dial is None else max(now, campaign.last_dial + pace)
    if campaign.cursor < _size(t, campaign.list_id):
        at = earliest
    elif campaign.retries:
        at = max(earliest, campaign.retries[0].due)
    elif campaign.live == 0 and not campaign.standing:
        _end(t, campaign, FINISHED)
        return
    else:
        return  # the calls in progress decide (a retry, or the end), or a standing one waits
    if campaign.end_at is not None and at >= campaign.end_at:
        return  # the end timer closes it
    gate = DIAL_GATES.get(str(campaign.on_answer.get("mode")))
    if gate is not None and not gate(t, campaign):
        return  # the gate's module wakes it when it opens
    campaign.next_tick = at
    t.clock.call_at(at, TICK, campaign=campaign.id)


@listens_to(ev.CALL_ENDED)
def _call_ended(t: Tenant, event: ev.Event) -> None:
    call = t.calls.get(event.call_id or "")
    if call is None or "campaign" not in call.tags or CAMPAIGNS not in t.store:
        return
    campaign = campaigns(t).get(str(call.tags["campaign"]))
    record = records(t).get(str(call.tags.get("record", "")))
    if campaign is None or record is None:
        return
    campaign.live = max(0, campaign.live - 1)
    if not call.tags.get("connected"):
        campaign.unconnected = max(0, campaign.unconnected - 1)
    _record_outcome(t, campaign, record, call)
    _plan(t, campaign)


def _record_outcome(t: Tenant, campaign: Campaign, record: CampaignRecord, call: Call) -> None:
    outcome = call.disposition or D_ANSWERED
    for attempt in reversed(record.attempts):
        if attempt.get("call") == call.id:
            attempt["outcome"] = outcome
            break
    record.outcome = outcome
    if outcome == D_ANSWERED:
        record.status = DONE
    elif (outcome in campaign.retry_on and len(record.attempts) <= campaign.max_retries
          and campaign.status == RUNNING):
        record.status = RETRY
        campaign.retries.append(Retry(t.now() + campaign.retry_after, record.id))
    else:
        record.status = FAILED
