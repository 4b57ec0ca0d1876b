"""CDRs and statistics (cpaas.txt, CDR API REQUESTS): by date, by request id, by campaign id,
the account's counters and a campaign's. Rows come from the CDR table (``cdrs``), oldest id
first; a search that finds nothing is "cdr not found"."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, Mapping
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from starlette.responses import Response

from ..core.world import Tenant
from ..dialect.operation import Ctx
from ..dialect.responses import BytesResponse
from . import cdrs, views
from . import errors as e
from .campaign_ops import owned_campaign
from .common import account, refuse, tenant
from .kept import kept_answer
from .params import RECORD_COUNT_MAX, REQUEST_ID, date_field, field, int_field
from .views import render_cdr

RECORD_COUNT_DEFAULT, OFFSET_DEFAULT = 1000, 0
OFFSET_MAX = 10**9

CDR_BY_DATE = (
    date_field("start_call_date", doc="First day (YYYY-mm-dd, the server's time zone)", example="2026-01-01"),
    date_field("end_call_date", doc="Last day, included", example="2026-01-05"),
    int_field("record_count", 1, RECORD_COUNT_MAX, required=False, default=RECORD_COUNT_DEFAULT,
              doc="Rows at most (1 to 10000, default 1000)", example="5"),
    int_field("offset", 0, OFFSET_MAX, required=False, default=OFFSET_DEFAULT, doc="Rows to skip (default 0)",
              example="1"),
)
CDR_BY_REQUEST_ID = (field("request_id", REQUEST_ID, doc="From click2call, callback or outbound_call",
                           example="91da7c083f"),)


def _found(rows: list[dict[str, Any]]) -> dict[str, Any]:
    if not rows:
        refuse(e.not_found(e.CDR_NOT_FOUND), "no CDR matches")
    return {"message": e.CDR_FOUND, "result": rows}


# -- kept rows ---------------------------------------------------------------------------------
# A page of get_cdr_by_date is up to 100 rows (~10 us each to build and encode). A written CDR
# never changes (its call ended; a skipped contact's row is fixed), so its row changes only with
# what it shows besides the CDR: the time zone and the number of the agent who placed the call.
# That is the *stamp*, taken per request by value (agents by identity too), so a change made any
# way (the control plane's settings, a restore, a scenario's world) is seen by the next answer.

MAX_KEPT = 200_000
"""Kept rows per tenant; more clears the lot."""
ROWS_MARK = "\ue000rows\ue000"
"""Stands for the rows' list while the envelope around it is encoded (no other value holds it)."""


class _Kept:
    __slots__ = ("stamp", "rows")

    def __init__(self) -> None:
        self.stamp: tuple[Any, ...] | None = None
        self.rows: dict[tuple[int, str], tuple[Any, bytes]] = {}


_KEPT: "WeakKeyDictionary[Tenant, _Kept]" = WeakKeyDictionary()


def _kept_rows(t: Tenant) -> dict[tuple[int, str], tuple[Any, bytes]]:
    """(id(call or skipped contact), style) -> (it, its row encoded) valid for the tenant now."""
    kept = _KEPT.get(t)
    if kept is None:
        kept = _KEPT[t] = _Kept()
    stamp = (t.timezone, tuple([(a, a.number, a.extension) for a in t.agents.values()]))
    if kept.stamp != stamp or len(kept.rows) >= MAX_KEPT:
        kept.stamp, kept.rows = stamp, {}
    return kept.rows


def _encoded_row(t: Tenant, row: cdrs.Row, style: str, kept: dict[tuple[int, str], tuple[Any, bytes]]) -> bytes | None:
    """The row as ``encode`` writes it inside a list, or None when its call has not ended."""
    source = row.call if row.call is not None else row.skip
    hit = kept.get((id(source), style))
    if hit is None or hit[0] is not source:
        if row.call is not None and row.call.ended_at is None:
            return None  # never so for a written CDR; such a row would read the clock
        # the row as ``encode`` writes it inside a list (COMPACT's newline ends the body only)
        encoded = views.encode(render_cdr(t, row, False), style).rstrip(b"\n")
        hit = kept[(id(source), style)] = (source, encoded)
    return hit[1]


def cdr_by_date(ctx: Ctx) -> Response:
    """Rows whose call_date (a call's end, a skip's moment) falls on one of the days, in the
    server's zone; ``offset`` rows skipped, at most ``record_count``."""
    t, p = tenant(ctx), ctx.params
    if p["end_call_date"] < p["start_call_date"]:
        refuse(e.bad_request(e.BEFORE_START.format(name="end_call_date", other="start_call_date")))
    assert ctx.op is not None
    style, who = ctx.op.options.get("style", views.COMPACT), account(ctx)
    key = ("by_date", who, p["start_call_date"], p["end_call_date"], p["offset"], p["record_count"], style)
    return BytesResponse(kept_answer(t, key, lambda: _cdr_by_date(t, p, who, style)), 200, views.MEDIA_TYPE)


def _cdr_by_date(t: Tenant, p: Mapping[str, Any], who: str, style: str) -> tuple[bytes, bool]:
    """The answer's body, and whether it may be kept (every row's call ended)."""
    zone = ZoneInfo(t.timezone)
    since = datetime.combine(p["start_call_date"], datetime.min.time(), zone).timestamp()
    until = datetime.combine(p["end_call_date"] + timedelta(days=1), datetime.min.time(), zone).timestamp()
    page = islice(cdrs.rows_between(t, who, since, until), p["offset"], p["offset"] + p["record_count"])
    kept = _kept_rows(t)
    rows, keep = [], True
    for row in page:
        encoded = _encoded_row(t, row, style, kept)
        if encoded is None:
            encoded, keep = views.encode(render_cdr(t, row, False), style).rstrip(b"\n"), False
        rows.append(encoded)
    if not rows:
        refuse(e.not_found(e.CDR_NOT_FOUND), "no CDR matches")
    body = views.encode({"response": {"message": e.CDR_FOUND, "result": ROWS_MARK, "success": views.TRUE}}, style)
    return body.replace(json.dumps(ROWS_MARK).encode("ascii"), b"[" + b",".join(rows) + b"]", 1), keep


def cdr_by_request_id(ctx: Ctx) -> dict[str, Any]:
    t, wanted = tenant(ctx), ctx.params["request_id"]
    return _found([render_cdr(t, row, False) for row in cdrs.rows(t, account(ctx))
                   if row.call is not None and row.call.tags.get("request_id") == wanted])


def cdr_by_campaign_id(ctx: Ctx) -> dict[str, Any]:
    t, campaign = tenant(ctx), owned_campaign(ctx)
    return _found([render_cdr(t, row, True) for row in cdrs.rows(t, account(ctx), campaign.id)])


def cdr_statistics(ctx: Ctx) -> Response:
    """The account's counters; DND rows count in total_calls only (as the document's total is
    more than its counters' sum)."""
    return _statistics(ctx, None)


def campaign_cdr_statistics(ctx: Ctx) -> Response:
    return _statistics(ctx, owned_campaign(ctx).id)


def _statistics(ctx: Ctx, campaign_id: str | None) -> Response:
    """The counters' answer (a campaign's with ``dnd_calls``), kept while the CDRs are unchanged."""
    t, who = tenant(ctx), account(ctx)
    assert ctx.op is not None
    style = ctx.op.options.get("style", views.COMPACT)

    def make() -> tuple[bytes, bool]:
        counters = cdrs.statistics(t, who, campaign_id, with_dnd=campaign_id is not None)
        return views.encode({"response": {"result": counters, "success": views.TRUE}}, style), True
    return BytesResponse(kept_answer(t, ("statistics", who, campaign_id, style), make), 200, views.MEDIA_TYPE)

