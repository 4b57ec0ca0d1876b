"""The three Kerauno operations: read parameters the PHP way, authenticate, validate every
parameter, and only then act on the world (through the core engine) or read from it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from ..core import engine
from ..core.errors import CoreError
from ..core.formats import parse_sql_datetime
from ..core.world import Tenant
from ..vendor import BodyError, journal, params_of, query_of
from . import errors, views
from .auth import authenticate, http_errors
from .errors import KeraunoError
from .seed import VENDOR

if TYPE_CHECKING:
    from ..registry import Registry

Endpoint = Callable[[Request], Awaitable[Response]]
Operation = Callable[[Tenant, Request, dict[str, str]], Response]

VARCHAR = 40
"""src, dst and key are varchar(40) (lines 31-35)."""
DIALABLE = re.compile(r"^\+?[0-9*#]{1,39}$")
"""What the PBX can dial: digits, * and #, an optional leading + (E.164, line 121)."""
REPORT_TYPES = ("cdr", "ring_groups")  # line 66
DEFAULT_EXPORT = "json"  # line 70


def endpoint(registry: "Registry", operation: str, run: Operation) -> Endpoint:
    """Wrap an operation: merged params, one error envelope, a journal entry per request."""

    async def handle(request: Request) -> Response:
        tenant: Tenant | None = None
        try:
            params = await params_of(request)
            tenant = authenticate(registry, params)
            response = run(tenant, request, params)
        except KeraunoError as exc:
            response = errors.error_response(exc, http_errors(registry, tenant))
        except BodyError as exc:  # refused before PHP saw it: journalled under the query's key
            tenant = registry.find(VENDOR, query_of(request).get("key", ""))
            response = errors.body_error(exc, http_errors(registry, tenant))
        journal(request, registry, VENDOR, operation, tenant, response.status_code)
        return response

    return handle


def _param(params: dict[str, str], name: str) -> str:
    value = params.get(name, "")
    return value if isinstance(value, str) else ""


# -- Make Call (lines 15-56) ----------------------------------------------------------------------
def makecall(tenant: Tenant, request: Request, params: dict[str, str]) -> Response:
    """Ring ``src``; once it answers, dial ``dst`` and bridge: ``{"response": "Success"}``.

    "Failure" when the call cannot be placed right now: ``src`` is no extension (or its phone is
    unreachable, or it is already ringing/talking), ``dst`` is not dialable, is ``src`` itself,
    or is an unreachable extension. A ring-group ``dst`` queues the call in the group. Anything
    that goes wrong later (busy, no answer) shows in the CDR.
    """
    src, dst = _param(params, "src"), _param(params, "dst")
    if not src:
        raise KeraunoError(errors.MISSING_SRC)
    if not dst:
        raise KeraunoError(errors.MISSING_DST)
    agent = tenant.agent_by_extension(src) if len(src) <= VARCHAR else None
    target = tenant.agent_by_extension(dst)
    if (agent is None or agent.behaviour.fault == "unreachable" or not DIALABLE.match(dst)
            or dst == src
            or (target is not None and target.behaviour.fault == "unreachable")):
        return errors.php_json({"response": errors.FAILURE})
    try:
        engine.click_to_call(tenant, agent.id, dst, origin="api", tags={"api": "makecall"})
    except CoreError:  # e.g. the source is busy: the engine refused before changing anything
        return errors.php_json({"response": errors.FAILURE})
    return errors.php_json({"response": errors.SUCCESS})


# -- Reporting (lines 58-141) ---------------------------------------------------------------------
def reporting(tenant: Tenant, request: Request, params: dict[str, str]) -> Response:
    """All CDRs (or ring-group CDRs) whose start lies in [start_date, end_date], PBX-local."""
    kind = _param(params, "type")
    if not kind:
        raise KeraunoError(errors.MISSING_TYPE)
    if kind not in REPORT_TYPES:
        raise KeraunoError(errors.INVALID_TYPE)
    start = _datetime(tenant, _param(params, "start_date"), errors.MISSING_START, errors.INVALID_START)
    end = _datetime(tenant, _param(params, "end_date"), errors.MISSING_END, errors.INVALID_END)
    export_type = _param(params, "export_type") or DEFAULT_EXPORT
    if export_type not in views.FORMATS:
        raise KeraunoError(errors.INVALID_EXPORT)
    ring_groups = kind == "ring_groups"
    rows = views.report_rows(tenant, start, end, ring_groups)
    if not rows:
        raise KeraunoError(errors.NO_RESULTS, errors.NOT_FOUND)
    fields = views.RING_GROUP_FIELDS if ring_groups else views.CDR_FIELDS
    return views.render(rows, fields, export_type, keys=views.cdr_keys(len(rows)),
                        root="ring_groups" if ring_groups else "cdr")


def _datetime(tenant: Tenant, text: str, missing: str, invalid: str) -> float:
    if not text:
        raise KeraunoError(missing)
    try:
        return parse_sql_datetime(text, tenant.timezone)
    except (ValueError, OverflowError):
        raise KeraunoError(invalid) from None


# -- Agent Statuses (lines 143-197) ----------------------------------------------------------------
def agent_statuses(tenant: Tenant, request: Request, params: dict[str, str]) -> Response:
    """Live status of every agent of ring group ``RING_GROUP``, keyed by extension."""
    export_type = _param(params, "export_type") or DEFAULT_EXPORT
    if export_type not in views.FORMATS:
        raise KeraunoError(errors.INVALID_EXPORT)
    queue = tenant.queue_by_number(str(request.path_params.get("ring_group", "")))
    rows = views.ring_group_statuses(tenant, queue) if queue is not None else []
    if not rows:
        raise KeraunoError(errors.NO_RESULTS, errors.NOT_FOUND)
    if export_type == "csv":
        rows = views.csv_status_rows(rows)
    return views.render(rows, views.STATUS_FIELDS, export_type, keys=[r["extension"] for r in rows],
                        root="agent_statuses", item="agent")
