"""The three Kerauno operations as rows of a table, on the kit's one pipeline (kerauno.txt).

Make Call and Reporting are PHP scripts on the PBX's web server: GET (query string) and POST
(form body) both work, with or without the trailing slash. Agent Statuses is a separate service
on port 57080 (GET). Every API takes the 40-hex ``key`` from the query string or the form body.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from starlette.responses import Response

from ..core import engine
from ..core.answers import KeptAnswers, calls_stamp
from ..core.errors import CoreError
from ..core.world import Tenant
from ..dialect import errors as k
from ..dialect.api import VendorApi
from ..dialect.errors import Err, Refusal, VendorError
from ..dialect.operation import Ctx, Operation
from ..dialect.params import INVALID, MISSING, PATH, SQL_DATETIME, Param, choice, text
from . import doc_examples, errors, views
from .errors import NO_RESULTS, param
from .seed import VENDOR, vendor_settings

MAKECALL = "/kerauno/api/v1/makecall/"
REPORTING = "/kerauno/api/v1/reporting/"
AGENT_STATUSES = "/v1/callflow/agent_statuses/{ring_group}"
PHP_METHODS = ("GET", "POST")
DOC = "Kerauno / Synkato PBX API (kerauno.txt)"

VARCHAR = 40
"""src, dst and key are varchar(40) (Make Call's parameter table)."""
DIALABLE = re.compile(r"\+?[0-9*#]+")
"""What the PBX can dial: digits, * and #, an optional leading + (E.164); at most varchar(40)."""
REPORT_TYPES = ("cdr", "ring_groups")
DEFAULT_EXPORT = "json"


def _errors(missing: str, invalid: str | None = None) -> dict[str, Err]:
    return {MISSING: param(missing), INVALID: param(invalid or missing)}


EXPORT_TYPE = Param("export_type", choice(views.FORMATS), default=DEFAULT_EXPORT,
                    errors=_errors(errors.INVALID_EXPORT), doc="json (default), csv or xml")


# -- Make Call ------------------------------------------------------------------------------------
def makecall(ctx: Ctx) -> dict[str, str]:
    """Ring ``src``; once it answers, dial ``dst`` and bridge: ``{"response": "Success"}``.

    "Failure" when the call cannot be placed right now: ``src`` is no extension (or its phone is
    unreachable, or it is already ringing/talking), ``dst`` is not dialable, is ``src`` itself,
    or is an unreachable extension. A ring-group ``dst`` queues the call in the group. Anything
    that goes wrong later (busy, no answer) shows in the CDR.
    """
    t = _tenant(ctx)
    src, dst = ctx.params["src"], ctx.params["dst"]
    agent = t.agent_by_extension(src) if len(src) <= VARCHAR else None
    if (agent is None or len(dst) > VARCHAR or not DIALABLE.fullmatch(dst) or dst == src
            or engine.unreachable(t, src) or engine.unreachable(t, dst)):
        return {"response": errors.FAILURE}
    try:
        engine.click_to_call(t, agent.id, dst, origin="api", tags={"api": "makecall"})
    except CoreError:  # e.g. the source is busy: the engine refused before changing anything
        return {"response": errors.FAILURE}
    return {"response": errors.SUCCESS}


# -- Reporting ------------------------------------------------------------------------------------
def reporting(ctx: Ctx) -> Response:
    """All CDRs (or ring-group CDRs) whose start lies in [start_date, end_date], PBX-local."""
    t = _tenant(ctx)
    p = ctx.params
    start = _epoch(t, p["start_date"], errors.INVALID_START)
    end = _epoch(t, p["end_date"], errors.INVALID_END)
    ring_groups = p["type"] == "ring_groups"
    # A report shows ended calls only: it changes with the calls (``calls_stamp``), the site's
    # settings, the ring groups and the agents, and is kept whole under those.
    held, stamp = calls_stamp(t)
    stamp += (tuple(vendor_settings(t).items()), tuple([(q.id, q.number, q.name) for q in t.queues.values()]),
              tuple([(a.id, a.extension, a.name) for a in t.agents.values()]))

    def make() -> tuple[views.Answer, bool]:
        rows = views.report_rows(t, start, end, ring_groups)
        if not rows:
            raise VendorError(Err(404, NO_RESULTS), "no CDR in that range")
        fields = views.RING_GROUP_FIELDS if ring_groups else views.CDR_FIELDS
        return views.render_report(rows, fields, p["export_type"], root="ring_groups" if ring_groups else "cdr"), True
    return views.respond(_REPORTS.get(t, (start, end, ring_groups, p["export_type"]), held, stamp, make))


_REPORTS: KeptAnswers[views.Answer] = KeptAnswers(lambda answer: len(answer[0]))
"""Reporting answers, per tenant."""


def _epoch(t: Tenant, wall: Any, invalid: str) -> float:
    try:
        return _wall_epoch(wall, t.timezone)
    except (ValueError, OverflowError):
        raise VendorError(param(invalid)) from None


@lru_cache(maxsize=1024)
def _wall_epoch(wall: datetime, tz: str) -> float:
    """A wall time in ``tz`` as an epoch (pure: clients poll the same few days)."""
    return wall.replace(tzinfo=ZoneInfo(tz)).timestamp()


# -- Agent Statuses -------------------------------------------------------------------------------
def agent_statuses(ctx: Ctx) -> Response:
    """Live status of every agent of ring group ``RING_GROUP``, keyed by extension."""
    t = _tenant(ctx)
    export_type = ctx.params["export_type"]
    queue = t.queue_by_number(ctx.params["ring_group"])
    rows = views.ring_group_statuses(t, queue) if queue is not None else []
    if not rows:
        raise VendorError(Err(404, NO_RESULTS), f"no ring group {ctx.params['ring_group']}")
    if export_type == "json":
        return views.status_json(rows)
    if export_type == "csv":
        rows = views.csv_status_rows(rows)
    return views.render(rows, views.STATUS_FIELDS, export_type, keys=[r["extension"] for r in rows],
                        root="agent_statuses", item="agent")


def _tenant(ctx: Ctx) -> Tenant:
    assert ctx.tenant is not None
    return ctx.tenant


WEB_OPERATIONS: tuple[Operation, ...] = (
    Operation("makecall", PHP_METHODS, (MAKECALL, MAKECALL.rstrip("/")), makecall, mutates=True,
              summary="Place a call from an extension (src) to a number (dst)",
              doc="kerauno.txt, Make Call",
              params=(Param("src", text(), required=True, errors=_errors(errors.MISSING_SRC),
                            doc="Source extension (varchar(40))", example="3000"),
                      Param("dst", text(), required=True, errors=_errors(errors.MISSING_DST),
                            doc="Destination (varchar(40))", example="3002")),
              examples=({"response": {"response": "Success"}, "summary": "Success"},
                        {"response": {"response": "Failure"}, "summary": "Failure"})),
    Operation("reporting", PHP_METHODS, (REPORTING, REPORTING.rstrip("/")), reporting,
              summary="CDRs (or ring-group CDRs) of a time range as json, csv or xml",
              doc="kerauno.txt, Reporting",
              params=(Param("type", choice(REPORT_TYPES), required=True,
                            errors=_errors(errors.MISSING_TYPE, errors.INVALID_TYPE),
                            doc="cdr or ring_groups", example="cdr"),
                      Param("start_date", SQL_DATETIME, required=True,
                            errors=_errors(errors.MISSING_START, errors.INVALID_START),
                            doc="YYYY-MM-DD HH:MM:SS, PBX local time", example="2014-09-09 00:00:00"),
                      Param("end_date", SQL_DATETIME, required=True,
                            errors=_errors(errors.MISSING_END, errors.INVALID_END),
                            doc="YYYY-MM-DD HH:MM:SS, PBX local time", example="2014-09-09 23:59:59"),
                      EXPORT_TYPE),
              examples=doc_examples.REPORTING_EXAMPLES),
)

STATUS_OPERATIONS: tuple[Operation, ...] = (
    Operation("agent_statuses", ("GET",), (AGENT_STATUSES, AGENT_STATUSES + "/"), agent_statuses,
              summary="Live status of every agent of a ring group", doc="kerauno.txt, Agent Statuses",
              params=(Param("ring_group", text(), where=PATH, required=True, doc="Ring group number",
                            example="4000"), EXPORT_TYPE),
              examples=doc_examples.AGENT_STATUSES_EXAMPLES),
)


class KeraunoWebApi(VendorApi):
    """Port 80 of the PBX: Make Call and Reporting."""

    vendor = VENDOR
    operations = WEB_OPERATIONS
    errors = errors.WEB_ERRORS
    title = "Kerauno / Synkato PBX API"
    doc = DOC
    auth_schemes = {
        "key": {"type": "apiKey", "in": "query", "name": "key",
                "description": "40-hex API key, in the query string or the form body"}}
    error_schema = {"type": "object", "required": ["error"],
                    "properties": {"error": {"type": "string"}}, "additionalProperties": False}
    success_schema = {"type": "object"}

    def authenticate(self, ctx: Ctx) -> None:
        """The tenant whose key was sent; an absent or empty key and an unknown key are refused."""
        key = ctx.value("key")
        if not isinstance(key, str) or not key:
            raise Refusal(k.UNAUTHENTICATED, "no key parameter")
        ctx.tenant = ctx.registry.find(VENDOR, key)
        if ctx.tenant is None:
            raise Refusal(k.BAD_CREDENTIAL, "the key addresses no tenant")

    def render(self, ctx: Ctx, result: Any) -> Response:
        return result if isinstance(result, Response) else errors.php_json(result)

    def render_error(self, ctx: Ctx, error: Err, headers: Mapping[str, str]) -> Response:
        if error.code == errors.APACHE_PAGE:
            return errors.apache_page(error, ctx.method)
        tenant = ctx.tenant_or_default()
        fitting = (error.status == errors.TOO_LARGE_STATUS or tenant is None
                   or vendor_settings(tenant)["http_error_status"] is True)
        response = errors.php_json({"error": error.message}, error.status if fitting else 200)
        response.headers.update(headers)
        return response

    def media_types(self, op: Operation) -> list[str]:
        if op.name == "makecall":
            return [errors.JSON_TYPE]
        return [errors.JSON_TYPE, views.CSV_TYPE, views.XML_TYPE]


class KeraunoStatusApi(KeraunoWebApi):
    """Port 57080: Agent Statuses."""

    operations = STATUS_OPERATIONS
    errors = errors.STATUS_ERRORS


WEB_API = KeraunoWebApi()
STATUS_API = KeraunoStatusApi()
