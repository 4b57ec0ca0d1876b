"""The five VoIPcloud operations as rows of a table, on the kit's one pipeline.

Each row names its method, path and parameters; its ``run`` reads the world (or changes it
through the core engine) and returns data the envelope carries. Everything else — reading the
request, the key, whitelist and rate limit, validation, 404/405, the journal — is the kit's.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from starlette.responses import Response

from ..core import calllog, engine
from ..core.agents import Agent
from ..core.answers import KeptAnswers, calls_stamp
from ..core.calls import Call
from ..core.store import page_of
from ..core.world import Tenant
from ..dialect.api import VendorApi
from ..dialect.errors import Err, VendorError
from ..dialect.operation import Ctx, Operation
from . import auth, schemas, views
from .errors import ERRORS, NOT_FOUND, err
from .params import CALL_TO_NUMBER, Window, list_params, window
from .seed import VENDOR
from .views import EncodedList, call_user, encoded, render_queue_call, render_user_call

PREFIX = "/api/integration/v1/"
"""voipcloud.txt: every operation lives under this path."""
DOC = "VoIPcloud integration API v1 (voipcloud.txt)"


def _refuse_unknown(wanted: frozenset[str] | None, known: set[str]) -> None:
    """An unknown name is "required data not found" (404), not an empty list."""
    if wanted is not None and not wanted <= known:
        raise VendorError(err(NOT_FOUND), f"unknown name(s): {', '.join(sorted(wanted - known))}")


def _in_window(calls: Iterator[Call], w: Window) -> Iterator[Call]:
    """Calls newest first whose start lies in the window (the list is sorted by start, so the
    walk stops at the first call older than ``from_date``)."""
    for call in calls:
        if w.since is not None and call.created_at < w.since:
            return
        if w.until is None or call.created_at < w.until:
            yield call


# -- the call lists ---------------------------------------------------------------------------
def get_user_calls(ctx: Ctx) -> EncodedList:
    t = _tenant(ctx)
    w = window(ctx.params, "users_names", t.timezone)
    if w.names is not None:
        _refuse_unknown(w.names, {a.name.casefold() for a in t.agents.values()})
    # A page of ended calls changes only with the calls (``calls_stamp``) and the users' names
    # (the one field of a user a row shows): kept whole under those; a live call's durations
    # follow the clock, so a page with one is made anew.
    held, stamp = calls_stamp(t)
    stamp += (tuple([(a.id, a.name) for a in t.agents.values()]),)
    return _USER_PAGES.get(t, w, held, stamp, lambda: _user_calls_page(t, w))


def _user_calls_page(t: Tenant, w: Window) -> tuple[EncodedList, bool]:
    """(the page, whether every call it walked had ended)."""
    # One loop, not a chain of generators: this walk is most of the cost of the commonest
    # request. Newest first, from the call log's window (two bisections, no walk outside it).
    wanted, since, until, skip, limit = w.names, w.since, w.until, w.offset, w.limit
    now, tz, agents = t.now(), t.timezone, t.agents
    rows = _USER_ROWS
    records = EncodedList()
    all_ended = True
    for call in calllog.of(t).window(since, until, newest_first=True):
        all_ended = all_ended and call.ended
        # An ended call's row never changes: kept per call with its owner, checked by identity
        # (the call object, the zone, the owner still being that tenant's agent).
        hit = rows.get(id(call))
        if hit is not None and hit[0] is call and hit[1] == tz and (
                hit[2] is None or agents.get(hit[2].id) is hit[2]):
            user, data = hit[2], hit[3]
            if user is None:
                continue
        else:
            owner = call_user(t, call)
            user = owner[0] if owner is not None else None
            data = b"" if owner is None else views.encode(render_user_call(t, call, owner[0], owner[1], now))
            if call.ended:
                if len(rows) >= _ROWS_MAX:
                    rows.clear()
                rows[id(call)] = (call, tz, user, data)
            if user is None:
                continue
        if wanted is not None and user.name.casefold() not in wanted:
            continue
        if skip:
            skip -= 1
            continue
        records.append(data)
        if len(records) >= limit:
            break
    return records, all_ended


_USER_ROWS: dict[int, tuple[Call, str, Agent | None, bytes]] = {}
"""id(ended call) -> (the call, the zone, its owner or None: not a user's call, its row's bytes)."""
_ROWS_MAX = 200_000
_USER_PAGES: KeptAnswers[EncodedList] = KeptAnswers(lambda records: sum(map(len, records)))
"""get-user-calls pages (shared: ``respond`` only reads them)."""


def _queue_calls(kind: str, names_param: str) -> Any:
    def run(ctx: Ctx) -> EncodedList:
        t = _tenant(ctx)
        w = window(ctx.params, names_param, t.timezone)
        if w.names is not None:
            _refuse_unknown(w.names, {q.name.casefold() for q in t.queues.values() if q.kind == kind})
        # The page shows finished calls only, so it changes with the calls (``calls_stamp``),
        # the queues (names, kinds) and the agents' names: kept whole under those.
        held, stamp = calls_stamp(t)
        stamp += (tuple([(qid, q.name, q.kind) for qid, q in t.queues.items()]),
                  tuple([(a.id, a.name) for a in t.agents.values()]))
        return _QUEUE_PAGES.get(t, (kind, w), held, stamp, lambda: (page(t, w), True))

    def page(t: Tenant, w: Window) -> EncodedList:
        wanted = {qid for qid, queue in t.queues.items()
                  if queue.kind == kind and (w.names is None or queue.name.casefold() in w.names)}
        # Only finished calls: call_finished_at is typed plain string in the doc.
        found = (c for c in calllog.of(t).window(w.since, w.until, newest_first=True)
                 if c.queue_id in wanted and c.ended)
        names = {a.id: a.name for a in t.agents.values()}
        return EncodedList(
            encoded(c, (id(c), "queue", t.timezone, t.queues[c.queue_id or ""].name,
                        names.get(c.answered_by or "")), render_queue_call, t, c)
            for c in page_of(found, w.offset, w.limit))  # any offset: past the end is empty
    return run


_QUEUE_PAGES: KeptAnswers[EncodedList] = KeptAnswers(lambda records: sum(map(len, records)))
"""get-queue-calls and get-ringgroup-calls pages (shared: ``respond`` only reads them)."""


# -- click-to-call and the NOC status ---------------------------------------------------------
def find_user(t: Tenant, number: str) -> Agent | None:
    """The user a ``user_number`` names: their extension, else their own (mobile) number."""
    return t.agent_by_extension(number) or next(
        (a for a in t.agents.values() if a.number and a.number == number), None)


def call_to_number(ctx: Ctx) -> None:
    """Ring the user; once they answer, call ``number_to_call`` (core click-to-call). The call
    shows in get-user-calls at once, in progress."""
    t = _tenant(ctx)
    user = find_user(t, ctx.params["user_number"])
    if user is None:
        raise VendorError(err(NOT_FOUND), f"no user with number {ctx.params['user_number']}")
    engine.click_to_call(t, user.id, ctx.params["number_to_call"], origin="api")
    return None


def get_system_status(ctx: Ctx) -> views.Encoded:
    return views.system_status_bytes(_tenant(ctx))


def _tenant(ctx: Ctx) -> Tenant:
    assert ctx.tenant is not None  # the pipeline authenticated before running
    return ctx.tenant


def _op(name: str, method: str, run: Any, summary: str, **kw: Any) -> Operation:
    return Operation(name=name, methods=(method,), paths=(PREFIX + name,), run=run, summary=summary,
                     doc=f"voipcloud.txt, {name}", **kw)


OPERATIONS: tuple[Operation, ...] = (
    _op("get-user-calls", "GET", get_user_calls, "Calls of users, newest first",
        params=list_params("users_names", "Comma separated user names"), response_schema=schemas.USER_CALLS),
    _op("get-queue-calls", "GET", _queue_calls("queue", "queues_names"), "Calls of queues, newest first",
        params=list_params("queues_names", "Comma separated queue names"), response_schema=schemas.QUEUE_CALLS),
    _op("get-ringgroup-calls", "GET", _queue_calls("ring_group", "ringgroups_names"),
        "Calls of ring groups, newest first",
        params=list_params("ringgroups_names", "Comma separated ring group names"),
        response_schema=schemas.RING_GROUP_CALLS),
    _op("call-to-number", "POST", call_to_number, "Call a number from a user's phone",
        params=CALL_TO_NUMBER, mutates=True, response_schema=schemas.CALL_STARTED),
    _op("get-system-status", "GET", get_system_status, "The NOC status", response_schema=schemas.SYSTEM_STATUS),
)
"""voipcloud.txt's five operations, in doc order."""


class VoipcloudApi(VendorApi):
    vendor = VENDOR
    operations = OPERATIONS
    errors = ERRORS
    title = "VoIPcloud PBX integration API (Beta)"
    doc = DOC
    auth_schemes = {
        "token": {"type": "apiKey", "in": "header", "name": auth.HEADER},
        "api_key": {"type": "apiKey", "in": "query", "name": auth.PARAM,
                    "description": "deprecated; turned off by settings.voipcloud.api_key_param"},
    }
    success_schema = views.ENVELOPE_SCHEMA
    error_schema = schemas.ERROR

    def authenticate(self, ctx: Ctx) -> None:
        auth.authenticate(ctx)

    def admit(self, ctx: Ctx) -> None:
        auth.admit(ctx)

    def render(self, ctx: Ctx, result: Any) -> Response:
        return views.success(result)

    def render_error(self, ctx: Ctx, error: Err, headers: Mapping[str, str]) -> Response:
        return views.respond(int(error.code), None, dict(headers) or None)


API = VoipcloudApi()
