"""The CDR table of a CPaaS server: one row per call that ended and per campaign contact skipped
as DND, numbered in the order they were written (the integer ``id`` of the CDR APIs).

A call's row is written when it ends (``on_event``: CallEnded), as Asterisk writes its CDR at
hang-up: the call gets its ``cdr`` id and its Asterisk ``dial_status`` in ``call.tags`` then.
A skipped contact has no call; its row (``CdrRow`` with no ``call_id``) carries what the CDR
shows instead. Seeded history calls carry both tags from the start. Rows belong to the account
that owns the call (``call.tags["owner"]``; calls nobody owns, such as a scenario's, are the
tenant's first account's).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from dataclasses import dataclass
from operator import attrgetter
from typing import Iterable, Iterator, Sequence

from ..core import campaigns as cm
from ..core.calls import (
    D_ABANDONED,
    D_ANSWERED,
    D_BUSY,
    D_CANCELLED,
    D_FAILED,
    D_NO_ANSWER,
    D_REJECTED,
    D_TIMEDOUT,
    Call,
)
from ..core.events import CALL_ENDED, Event
from ..core.store import Collection
from ..core.world import Tenant
from .accounts import DEFAULT_ACCOUNT

CDRS = "cpaas_cdrs"
"""The store collection of the CDR table's rows written in this tenant."""

ANSWER, BUSY, CANCEL, CHANUNAVAIL, CONGESTION, NOANSWER, DND = (
    "ANSWER", "BUSY", "CANCEL", "CHANUNAVAIL", "CONGESTION", "NOANSWER", "DND")
"""Asterisk's DIALSTATUS values the CDRs show (``DND``: the CPaaS's own, a skipped contact)."""
DIAL_STATUS = {D_ANSWERED: ANSWER, D_BUSY: BUSY, D_REJECTED: BUSY, D_NO_ANSWER: NOANSWER,
               D_TIMEDOUT: NOANSWER, D_CANCELLED: CANCEL, D_ABANDONED: CANCEL, D_FAILED: CHANUNAVAIL}
"""A call's disposition as a dial status (a failed call whose callee's line was congested is
CONGESTION: ``dial_status``)."""
CALL_STATUS = {ANSWER: "ANSWERED", BUSY: "BUSY", NOANSWER: "NO ANSWER", CANCEL: "NO ANSWER",
               CHANUNAVAIL: "FAILED", CONGESTION: "CONGESTION"}
"""Asterisk's CDR disposition for each dial status."""
COUNTERS = ((ANSWER, "answer_calls"), (BUSY, "busy_calls"), (CANCEL, "cancel_calls"),
            (CHANUNAVAIL, "chanunavail_calls"), (CONGESTION, "congestion_calls"), (NOANSWER, "noanswer_calls"))
"""The statistics' counters per dial status (get_cdr_statistics); campaigns add ``dnd_calls``."""


@dataclass(slots=True)
class CdrRow:
    id: str
    """The CDR id (an integer, as text: store ids are text)."""
    account: str
    at: float
    """When the row was written: the call's end, or the moment the contact was skipped."""
    call_id: str = ""
    """The call (one of ``tenant.calls``), or "" for a skipped contact."""
    campaign_id: str = ""
    list_id: str = ""
    number: str = ""
    """A skipped contact's number."""
    caller: str = ""
    """A skipped contact's campaign caller id."""
    campaign_type: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    """One CDR as the APIs read it: a call, or a skipped contact."""

    id: int
    call: Call | None
    skip: CdrRow | None


def declare(t: Tenant) -> None:
    t.store.declare(Collection(CDRS, record=CdrRow, indexes=("account", "campaign_id")))


def table(t: Tenant) -> Collection[CdrRow]:
    return t.store[CDRS]


def owner(call: Call) -> str:
    return str(call.tags.get("owner") or DEFAULT_ACCOUNT)


def dial_status(t: Tenant, call: Call) -> str:
    status = DIAL_STATUS.get(call.disposition or D_ANSWERED, CHANUNAVAIL)
    if status == CHANUNAVAIL and call.legs:
        leg = call.legs[-1]
        agent = t.agents.get(leg.agent_id or "")
        fault = agent.behaviour.fault if agent is not None else t.parties.get(leg.party, {}).get("fault")
        if fault == "congestion":
            return CONGESTION
    return status


def on_event(t: Tenant, event: Event) -> None:
    """Write the CDR of a call that ended, or of a contact a campaign skipped."""
    type_ = event.type  # every event of the tenant comes here: most are neither
    if type_ == CALL_ENDED:
        call = t.calls.get(event.call_id or "")
        if call is not None:
            write_call(t, call)
    elif type_ == cm.CAMPAIGN_RECORD_SKIPPED:
        campaign = cm.campaigns(t).get(str(event.data.get("campaign")))
        if campaign is not None:
            rows = table(t)
            rows.add(CdrRow(str(rows.next_id()), campaign.owner or DEFAULT_ACCOUNT, t.now(),
                            campaign_id=campaign.id, list_id=campaign.list_id,
                            number=str(event.data.get("number", "")), caller=campaign.caller,
                            campaign_type=str(campaign.call_tags.get("campaign_type", "0"))))


def write_call(t: Tenant, call: Call) -> None:
    rows = table(t)
    cdr = rows.next_id()
    call.tags["cdr"] = cdr
    call.tags["dial_status"] = dial_status(t, call)
    rows.add(CdrRow(str(cdr), owner(call), float(call.ended_at or t.now()), call_id=call.id,
                    campaign_id=str(call.tags.get("campaign", ""))))


# -- reading ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _HistoryRows:
    """One account's (one campaign's) rows of a seed history, read once: the history never
    changes, so every request of every tenant sharing it reads these."""

    rows: tuple[Row, ...]
    """In id order."""
    ends: tuple[float, ...]
    """The rows' call dates (their calls' ends), ascending."""
    by_end: tuple[int, ...]
    """Positions in ``rows``, in the order of ``ends``."""
    counts: dict[str, int]
    """Rows per dial status."""


_HISTORY_ROWS: dict[tuple[int, str, str | None], tuple[Sequence[Call], _HistoryRows]] = {}
_HISTORY_ROWS_MAX = 256


def _history(t: Tenant, account: str, campaign_id: str | None) -> _HistoryRows:
    """The seeded calls' rows of ``account`` (one campaign's, with ``campaign_id``)."""
    history = t.history
    key = (id(history), account, campaign_id)
    hit = _HISTORY_ROWS.get(key)
    if hit is not None and hit[0] is history:
        return hit[1]
    found = [Row(int(call.tags["cdr"]), call, None) for call in history
             if "cdr" in call.tags and (call.tags.get("owner") or DEFAULT_ACCOUNT) == account
             and (campaign_id is None or call.tags.get("campaign") == campaign_id)]
    found.sort(key=lambda row: row.id)
    order = sorted(range(len(found)), key=lambda i: float(found[i].call.ended_at or 0.0))  # type: ignore[union-attr]
    counts: dict[str, int] = {}
    for row in found:
        status = status_of(row)
        counts[status] = counts.get(status, 0) + 1
    rows = _HistoryRows(tuple(found), tuple(float(found[i].call.ended_at or 0.0) for i in order),  # type: ignore[union-attr]
                        tuple(order), counts)
    if len(_HISTORY_ROWS) >= _HISTORY_ROWS_MAX:
        _HISTORY_ROWS.pop(next(iter(_HISTORY_ROWS)))
    _HISTORY_ROWS[key] = (history, rows)
    return rows


def _written_rows(t: Tenant, account: str, campaign_id: str | None) -> Iterator[tuple[CdrRow, Call | None]]:
    """The rows written in this tenant that the APIs show, with their calls (None for a skipped
    contact), in the order written: ascending ids."""
    found: Iterable[CdrRow] = (table(t).where(campaign_id=campaign_id) if campaign_id is not None
                               else table(t).where(account=account))
    calls = t.calls
    for row in found:
        if row.account != account or not row.id.isdigit():
            continue
        if not row.call_id:
            yield row, None
            continue
        call = calls.get(row.call_id)
        if call is not None:
            yield row, call


def _written(t: Tenant, account: str, campaign_id: str | None) -> Iterator[Row]:
    for row, call in _written_rows(t, account, campaign_id):
        yield Row(int(row.id), call, None) if call is not None else Row(int(row.id), None, row)


def rows(t: Tenant, account: str, campaign_id: str | None = None) -> Iterator[Row]:
    """The account's CDRs (one campaign's, with ``campaign_id``) in id order."""
    return heapq.merge(_history(t, account, campaign_id).rows, _written(t, account, campaign_id),
                       key=lambda row: row.id)


def call_date(row: Row) -> float:
    """When the row was written: its call's end, or the moment its contact was skipped."""
    if row.call is not None:
        return float(row.call.ended_at or 0.0)
    assert row.skip is not None
    return row.skip.at


def rows_between(t: Tenant, account: str, since: float, until: float) -> Iterator[Row]:
    """The account's CDRs whose call date lies in [since, until), in id order: the history's
    by bisection on its call dates."""
    history = _history(t, account, None)
    lo, hi = bisect_left(history.ends, since), bisect_left(history.ends, until)
    seeded = (history.rows[i] for i in sorted(history.by_end[lo:hi]))
    written = [row for row in _written(t, account, None) if since <= call_date(row) < until]
    if not written:  # most tenants read their history only: no merge (its key costs per row)
        return seeded
    return heapq.merge(seeded, written, key=_ID)


_ID = attrgetter("id")


def status_of(row: Row) -> str:
    return _status(row.call)


def _status(call: Call | None) -> str:
    """A row's dial status: its call's, or DND for a skipped contact (no call)."""
    return DND if call is None else str(call.tags.get("dial_status") or ANSWER)


def statistics(t: Tenant, account: str, campaign_id: str | None, with_dnd: bool) -> dict[str, list[int]]:
    """Counters per dial status and the total of the account's (one campaign's) CDRs, each a
    one-element array as the document shows them (get_cdr_statistics,
    get_campaign_cdr_statistics). The history's counts are kept; written rows are counted."""
    counts = dict(_history(t, account, campaign_id).counts)
    for _, call in _written_rows(t, account, campaign_id):  # no Row made per row
        status = _status(call)
        counts[status] = counts.get(status, 0) + 1
    out = {name: [counts.get(status, 0)] for status, name in COUNTERS}
    if with_dnd:
        out["dnd_calls"] = [counts.get(DND, 0)]
    out["total_calls"] = [sum(counts.values())]
    return out
