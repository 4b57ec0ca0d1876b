"""VoIPcloud integration API v2, the version today's public clients call, as a second table on
the kit beside v1 (``api.py``): the same port, tenant, calls and keys, its own envelope and rows.

No vendor document exists for v2; the operations, parameters and shapes are the ones public
client code sends and checks (docs/FIDELITY.md, "VoIPcloud integration API v2", from client
evidence). ``get-system-status`` is not among them, so it is not served here: like any unknown
path under the prefix it is v2's 404.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace
from typing import Any, Iterable, Iterator, Mapping

from starlette.responses import Response

from ..core import calllog, engine
from ..core.answers import KeptAnswers, calls_stamp
from ..core.calls import Call
from ..core.errors import CoreError
from ..core.store import page_of
from ..core.world import Tenant
from ..dialect.api import VendorApi
from ..dialect.errors import Err, VendorError
from ..dialect.operation import Ctx, Operation
from ..dialect.params import ParamError
from . import auth, views_v2
from .api import _in_window, _tenant, find_user
from .errors import PARAMETERS_ERROR, V2_ERRORS, V2_NOT_FOUND, v2_err
from .params import OLDEST_FIRST, V2_CALL_TO_NUMBER, Window, v2_list_params, window
from .seed import VENDOR
from .views import EncodedList, call_user

PREFIX = "/api/integration/v2/"
"""Where every public client sends its requests (``https://au.voipcloud.online/api/integration/v2``)."""
EVIDENCE = 'none, from client evidence (docs/FIDELITY.md, VoIPcloud "Integration API v2")'


# -- which calls a list walks -----------------------------------------------------------------
def _not_found(why: str) -> VendorError:
    return VendorError(replace(V2_NOT_FOUND, message=f"{V2_NOT_FOUND.message}: {why}"), why)


DAYS_ZONE = "UTC"
"""v2 prints UTC times, so ``from_date``/``to_date`` are UTC days: a client that cuts a row's
``call_start_at`` to its date asks for the day it sees (v1 prints and reads the tenant's zone)."""


def _window(ctx: Ctx, names_param: str | None, known: Iterable[str] = ()) -> Window:
    """The request's window; a reversed period, or a name that is not the tenant's, is refused
    with a message that says so (v1's rules, v2's words)."""
    first, last = ctx.params["from_date"], ctx.params["to_date"]
    if first is not None and last is not None and first > last:
        raise VendorError(v2_err(PARAMETERS_ERROR, "from_date is after to_date"), "from_date is after to_date")
    w = window(ctx.params, names_param, DAYS_ZONE)
    unknown = sorted(w.names - set(known)) if w.names is not None else []
    if unknown:  # an unknown name is "required data not found", not an empty list
        raise _not_found(f"unknown {names_param}: {', '.join(unknown)}")
    return w


def call_by_unique_id(t: Tenant, uid: str) -> Call | None:
    """The call whose ``unique_call_id`` is ``uid``. An Asterisk uniqueid is ``<epoch>.<seq>``
    with the epoch of the call's start, so a seed call is found by bisecting the history by
    start second; the tenant's own calls are indexed by id."""
    if len(uid) <= 10:
        return None
    dotted = f"{uid[:10]}.{uid[10:]}"
    own = t.calls.get(dotted)
    if own is not None:
        return own
    history, second = t.history, int(uid[:10])
    i = bisect_left(history, float(second), key=lambda c: c.created_at)
    while i < len(history) and int(history[i].created_at) == second:
        if history[i].id == dotted:
            return history[i]
        i += 1
    return None


def _walk(t: Tenant, params: Mapping[str, Any], w: Window) -> Iterator[Call]:
    """The calls a list request reads, in its ``sort_by`` order, within its window."""
    uid = params["unique_call_id"]
    if uid is not None:
        found = call_by_unique_id(t, uid)
        return _in_window(iter([found] if found is not None else []), w)
    return calllog.of(t).window(w.since, w.until, newest_first=params["sort_by"] != OLDEST_FIRST)


# -- the operations ---------------------------------------------------------------------------
def get_user_calls(ctx: Ctx) -> EncodedList:
    """Ended calls only: a v2 row has no end time or state, so a client could not tell a call in
    progress from a finished one (every public client stores the rows as finished history)."""
    t = _tenant(ctx)
    w = _window(ctx, None)
    # Rows of ended calls read no clock: a page changes only with the calls (``calls_stamp``)
    # and the users it names (name and number), so it is kept whole under those.
    held, stamp = calls_stamp(t)
    stamp += (tuple([(a.id, a.name, a.extension, a.number) for a in t.agents.values()]),)
    key = (w, ctx.params["unique_call_id"], ctx.params["sort_by"])
    return _USER_PAGES.get(t, key, held, stamp, lambda: (_user_calls_page(t, ctx.params, w), True))


def _user_calls_page(t: Tenant, params: Mapping[str, Any], w: Window) -> EncodedList:
    skip = w.offset
    rows = EncodedList()
    for call in _walk(t, params, w):
        if not call.ended:
            continue
        owner = call_user(t, call)
        if owner is None:  # an unanswered queue call: only in the queue lists
            continue
        if skip:
            skip -= 1
            continue
        rows.append(views_v2.user_call_bytes(call, owner[0], owner[1]))
        if len(rows) >= w.limit:
            break
    return rows


_USER_PAGES: KeptAnswers[EncodedList] = KeptAnswers(lambda records: sum(map(len, records)))
"""v2 get-user-calls pages (shared: ``success`` only reads them)."""


def _queue_calls(kind: str, names_param: str) -> Any:
    def run(ctx: Ctx) -> EncodedList:
        t = _tenant(ctx)
        mine = {qid: queue for qid, queue in t.queues.items() if queue.kind == kind}
        w = _window(ctx, names_param, {queue.name.casefold() for queue in mine.values()})
        wanted = {qid for qid, queue in mine.items() if w.names is None or queue.name.casefold() in w.names}
        found = (c for c in _walk(t, ctx.params, w) if c.queue_id in wanted and c.ended)
        return EncodedList(views_v2.queue_call_bytes(t, c) for c in page_of(found, w.offset, w.limit))
    return run


def call_to_number(ctx: Ctx) -> dict[str, Any]:
    """v1's click-to-call, with the caller id to present kept on the call (its rows show it)."""
    t = _tenant(ctx)
    number = ctx.params["user_number"]
    user = find_user(t, number)
    if user is None:
        raise _not_found(f"no user with number {number}")
    caller_id = ctx.params["caller_id"]
    call = engine.click_to_call(t, user.id, ctx.params["number_to_call"], origin="api",
                                tags={views_v2.CALLER_ID_TAG: caller_id} if caller_id else None)
    return views_v2.render_call_started(call, user, ctx.params["number_to_call"])


def _op(name: str, method: str, run: Any, summary: str, data: dict[str, Any], **kw: Any) -> Operation:
    return Operation(name=name, methods=(method,), paths=(PREFIX + name,), run=run, summary=summary,
                     doc=EVIDENCE, response_schema=views_v2.envelope_schema(data), **kw)


def _list_of(row: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": row}


OPERATIONS: tuple[Operation, ...] = (
    _op("get-user-calls", "GET", get_user_calls, "Calls of users", _list_of(views_v2.USER_CALL_SCHEMA),
        params=v2_list_params()),
    _op("get-queue-calls", "GET", _queue_calls("queue", "queues_names"), "Calls of queues",
        _list_of(views_v2.queue_call_schema("queue")),
        params=v2_list_params("queues_names", "Comma separated queue names")),
    _op("get-ringgroup-calls", "GET", _queue_calls("ring_group", "ringgroups_names"), "Calls of ring groups",
        _list_of(views_v2.queue_call_schema("ring_group")),
        params=v2_list_params("ringgroups_names", "Comma separated ring group names")),
    _op("call-to-number", "POST", call_to_number, "Call a number from a user's phone",
        views_v2.CALL_STARTED_SCHEMA, params=V2_CALL_TO_NUMBER, mutates=True),
)
"""The four operations the public v2 clients call."""


class VoipcloudV2Api(VendorApi):
    vendor = VENDOR
    prefix = PREFIX
    operations = OPERATIONS
    errors = V2_ERRORS
    title = "VoIPcloud PBX integration API v2"
    doc = f"VoIPcloud integration API v2: {EVIDENCE}"
    auth_schemes = {
        "token": {"type": "apiKey", "in": "header", "name": auth.HEADER}}
    success_schema = views_v2.envelope_schema()
    error_schema = views_v2.envelope_schema(error=True)

    def authenticate(self, ctx: Ctx) -> None:
        auth.authenticate_token(ctx)

    def admit(self, ctx: Ctx) -> None:
        auth.admit_token(ctx)

    def param_error(self, ctx: Ctx, exc: ParamError) -> Err:
        """The message names the parameter and the rule it broke."""
        err = super().param_error(ctx, exc)
        return replace(err, message=f"{err.message}: {exc.why()}")

    def core_error(self, ctx: Ctx, exc: CoreError) -> Err:
        """The message says what the world refused (a busy user, an undialable number)."""
        err = super().core_error(ctx, exc)
        detail = ", ".join(f"{key} {value}" for key, value in exc.context.items())
        reason = str(exc).replace("_", " ") + (f" ({detail})" if detail else "")
        return replace(err, message=f"{err.message}: {reason}")

    def render(self, ctx: Ctx, result: Any) -> Response:
        return views_v2.success(result)

    def render_error(self, ctx: Ctx, error: Err, headers: Mapping[str, str]) -> Response:
        return views_v2.failure(error, dict(headers) or None)


API_V2 = VoipcloudV2Api()
