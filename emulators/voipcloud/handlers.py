"""The five VoIPcloud operations and the request pipeline they share.

Pipeline (one place, every operation): read parameters -> identify the tenant by key (401) ->
admit: key method, IP whitelist (401), rate limit (429) -> validate every parameter (400/404)
-> act through the core engine -> render -> journal. A refused request changes nothing but
its journal entry (and, once admitted, the rate-limit budget it used).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from starlette.requests import Request
from starlette.responses import Response

from ..core import engine
from ..core.agents import Agent
from ..core.calls import Call
from ..core.errors import CoreError
from ..core.world import Tenant
from ..vendor import BodyError, BodyTooLarge, journal, params_of, query_of
from . import params as p
from .auth import admit, identify
from .errors import (AUTHORIZATION_ERROR, CONTENT_TOO_LARGE, METHOD_NOT_ALLOWED, NOT_FOUND,
                     PARAMETERS_ERROR, UNKNOWN_ERROR, VoipcloudError, from_core)
from .seed import VENDOR
from .views import (EncodedList, call_user, encoded, failure, render_queue_call,
                    render_system_status, render_user_call, respond, success)

if TYPE_CHECKING:
    from ..registry import Registry

log = logging.getLogger(__name__)

PREFIX = "/api/integration/v1/"
"""Seed lines 20, 40, 60, 80, 88: every operation lives under this path."""

Run = Callable[[Tenant, Mapping[str, str]], Any]


@dataclass(frozen=True)
class Operation:
    name: str
    """The path segment after ``PREFIX``; also the journal's operation name."""
    method: str
    run: Run

    @property
    def path(self) -> str:
        return PREFIX + self.name


# ---------------------------------------------------------------------------------------
# the call lists
# ---------------------------------------------------------------------------------------
def _in_range(calls: Iterator[Call], q: p.ListQuery) -> Iterator[Call]:
    """Calls newest first whose start lies in the query's days (the list is sorted by start,
    so the walk stops at the first call older than ``from_date``)."""
    for call in calls:
        if q.since is not None and call.created_at < q.since:
            return
        if q.until is None or call.created_at < q.until:
            yield call


def _require_known(wanted: frozenset[str] | None, known: set[str]) -> None:
    """An unknown name is "required data not found" (404), not an empty list."""
    if wanted is not None and not wanted <= known:
        raise VoipcloudError(NOT_FOUND)


def get_user_calls(t: Tenant, params: Mapping[str, str]) -> EncodedList:
    q = p.list_query(params, "users_names", t.timezone)
    wanted = q.names
    if wanted is not None:
        _require_known(wanted, {a.name.casefold() for a in t.agents.values()})
    # One loop, not a chain of generators: this walk is most of the cost of the commonest
    # request. Newest first; the list is sorted by start, so the first call older than
    # ``from_date`` ends it (as ``_in_range`` does for the queue lists).
    since, until, skip, limit = q.since, q.until, q.offset, q.limit
    now, tz = t.now(), t.timezone
    records = EncodedList()
    for call in t.newest_first():
        start = call.created_at
        if since is not None and start < since:
            break
        if until is not None and start >= until:
            continue
        owner = call_user(t, call)
        if owner is None:
            continue
        user, inbound = owner
        if wanted is not None and user.name.casefold() not in wanted:
            continue
        if skip:
            skip -= 1
            continue
        records.append(encoded(call, (id(call), "user", tz, user.name, inbound),
                               render_user_call, t, call, user, inbound, now))
        if len(records) >= limit:
            break
    return records


def _queue_calls(kind: str, names_param: str) -> Run:
    def run(t: Tenant, params: Mapping[str, str]) -> EncodedList:
        q = p.list_query(params, names_param, t.timezone)
        mine = {qid: queue for qid, queue in t.queues.items() if queue.kind == kind}
        _require_known(q.names, {queue.name.casefold() for queue in mine.values()})
        wanted = {qid for qid, queue in mine.items()
                  if q.names is None or queue.name.casefold() in q.names}
        # Only finished calls: call_finished_at is typed plain string (seed lines 57, 77).
        found = (c for c in _in_range(t.newest_first(), q) if c.queue_id in wanted and c.ended)
        names = {a.id: a.name for a in t.agents.values()}
        # islice takes at most sys.maxsize; an offset up to PHP_INT_MAX is valid. No tenant has
        # that many calls, so clamping the bounds leaves the page as it is: empty.
        start = min(q.offset, sys.maxsize)
        return EncodedList(
            encoded(c, (id(c), "queue", t.timezone, t.queues[c.queue_id or ""].name,
                        names.get(c.answered_by or "")), render_queue_call, t, c)
            for c in islice(found, start, min(start + q.limit, sys.maxsize)))
    return run


get_queue_calls = _queue_calls("queue", "queues_names")
get_ringgroup_calls = _queue_calls("ring_group", "ringgroups_names")


# ---------------------------------------------------------------------------------------
# click-to-call and the NOC status
# ---------------------------------------------------------------------------------------
def find_user(t: Tenant, number: str) -> Agent | None:
    """The user a ``user_number`` names: their extension, else their own (mobile) number."""
    return t.agent_by_extension(number) or next(
        (a for a in t.agents.values() if a.number and a.number == number), None)


def call_to_number(t: Tenant, params: Mapping[str, str]) -> None:
    """Seed line 81: ring the user; once they answer, call ``number_to_call`` (core
    click-to-call). The call appears in get-user-calls at once, in progress."""
    user_number = p.user_number(params)
    destination = p.number_to_call(params)
    user = find_user(t, user_number)
    if user is None:
        raise VoipcloudError(NOT_FOUND)
    engine.click_to_call(t, user.id, destination, origin="api")
    return None


def get_system_status(t: Tenant, params: Mapping[str, str]) -> dict[str, Any]:
    return render_system_status(t)


OPERATIONS: tuple[Operation, ...] = (
    Operation("get-user-calls", "GET", get_user_calls),
    Operation("get-queue-calls", "GET", get_queue_calls),
    Operation("get-ringgroup-calls", "GET", get_ringgroup_calls),
    Operation("call-to-number", "POST", call_to_number),
    Operation("get-system-status", "GET", get_system_status),
)
"""The seed's five operations, in doc order."""

BY_PATH = {op.path: op for op in OPERATIONS}


# ---------------------------------------------------------------------------------------
# the pipeline
# ---------------------------------------------------------------------------------------
def endpoint(registry: "Registry", op: Operation) -> Callable[[Request], Any]:
    """The Starlette endpoint of one operation."""

    async def handle(request: Request) -> Response:
        tenant: Tenant | None = None
        try:
            params = await params_of(request)
            tenant, via = identify(request, registry, params)
            if tenant is None:
                raise VoipcloudError(AUTHORIZATION_ERROR)
            admit(request, tenant, via)
            response = success(op.run(tenant, params))
        except VoipcloudError as exc:
            response = failure(exc)
        except BodyError as exc:  # refused before the API read it: journalled under the header's key
            tenant, _ = identify(request, registry, query_of(request))
            response = failure(body_refusal(exc))
        except CoreError as exc:
            response = failure(from_core(exc))
        except Exception:  # the table's "0 | Unknown error": a bug, never bad input
            log.exception("voipcloud %s failed", op.name)
            response = failure(VoipcloudError(UNKNOWN_ERROR))
        journal(request, registry, VENDOR, op.name, tenant, response.status_code)
        return response

    handle.__name__ = op.name.replace("-", "_")
    return handle


def body_refusal(exc: BodyError) -> VoipcloudError:
    """A body over the limit is 413 (and the connection is closed: the rest is not worth
    reading); one that cannot be read is a parameters error."""
    if isinstance(exc, BodyTooLarge):
        return VoipcloudError(CONTENT_TOO_LARGE, {"Connection": "close"})
    return VoipcloudError(PARAMETERS_ERROR)


def _route_path(request: Request) -> str:
    """The path inside this app (without a gateway mount's ``/voipcloud`` prefix)."""
    path, root = request.scope["path"], request.scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def not_found(request: Request) -> Response:
    """Unknown path (404) or a known path with the wrong method (405), in the envelope.

    Journalled under the tenant the ``token`` header or ``api_key`` query names, if any.
    """
    op = BY_PATH.get(_route_path(request))
    allowed: set[str] = set()
    if op is not None:
        allowed = {op.method, "HEAD"} if op.method == "GET" else {op.method}
    if op is not None and request.method not in allowed:
        response = respond(METHOD_NOT_ALLOWED, headers={"Allow": ", ".join(sorted(allowed))})
    else:
        response = respond(NOT_FOUND)
    registry = getattr(request.app.state, "registry", None) if "app" in request.scope else None
    if registry is not None:
        tenant, _ = identify(request, registry, request.query_params)
        journal(request, registry, VENDOR, op.name if op is not None else "unknown", tenant,
                response.status_code)
    return response
