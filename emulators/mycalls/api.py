"""The eleven MyCalls operations as rows of a table, on the kit's one pipeline (mycalls.txt).

The seed lost its headings and most URLs; the paths below are the catalog's inferences from the
examples' own links and the walkthrough's URLs (docs/FIDELITY.md names each). Reads are GET
(the key may come as the ``apikey`` query parameter or the ``X-APIKey`` header), writes are POST
with form data and the ``X-APIKey`` header only ("method a) only works for get requests").
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Mapping, Sequence, overload
from zoneinfo import ZoneInfo

from starlette.responses import Response

from ..core.calls import Call
from ..core.queues import Queue
from ..core.world import Tenant
from ..dialect import errors as k
from ..dialect.admission import check_rate_limit
from ..dialect.api import VendorApi
from ..dialect.errors import Err, Refusal, VendorError
from ..dialect.operation import Ctx, Operation
from ..dialect.params import BODY, PATH, QUERY, Param, ParamError, choice, flag, php_int, text
from . import doc_examples, kept, model, paging, verification, views
from .errors import (
    AGENT_EXISTS,
    AGENT_NOT_IN_GROUP,
    APP_NOT_FOUND,
    CALL_NOT_FOUND,
    ERRORS,
    GROUP_NOT_FOUND,
    NO_RECORDING,
    NOT_VERIFIED,
    TOO_MANY_AGENTS,
    TOO_MANY_GROUPS,
    named,
)
from .model import VENDOR
from .paging import APP_LIST_KEYS, CALL_LOG_KEYS

PREFIX = "/api/v1"
APP = PREFIX + "/app/{app_guid}"
GROUP = APP + "/ag/{group_name}"
DOC = "MyCalls IVR API (mycalls.txt)"
HEADER = "X-APIKey"
KEY_PARAM = "apikey"
READS = ("GET",)

# -- parameters -----------------------------------------------------------------------------------
APP_GUID = Param("app_guid", where=PATH, required=True, doc="The app's guid (app list)",
                 example="4e11fe2082b044b4a3b55718c79c29d5")
GROUP_NAME = Param("group_name", where=PATH, required=True, doc="The agent group's name",
                   example="default")
PG = Param("pg", where=QUERY, doc="Page number, from 1 (100 items a page)", example="1")
SINCE = Param("since", text(max_len=64), where=QUERY,
              doc="Only calls newer than this call uid (1498110438.13), epoch second or ISO time",
              example="1498110438.13")
NUMBER_TEXT = text(pattern=r"\+?[0-9A-Za-z*#]{1,31}", name="number")
"""A phone number as the object definition allows it (string 32): digits, an optional leading
``+``; letters too, as the doc's own masked ``971670XXXX`` has them."""
NUMBER = Param("number", NUMBER_TEXT, where=BODY, required=True, doc="Agent phone number",
               example="9716705555")
GROUP_NAME_RULE = re.compile(r"[A-Za-z0-9_.-]{1,32}")
"""A new group's name: the object definition's string 32, of characters a URL carries as is."""

GROUP_FIELDS = (
    Param("display_name", text(max_len=64), where=BODY, doc="Display name (string 64)"),
    Param("ringtime", php_int(10, 30), where=BODY, doc="Seconds an agent rings, 10 to 30", example="15"),
    Param("recording", choice(model.RECORDING), where=BODY, doc="enabled or disabled", example="enabled"),
    Param("distribution", choice(model.DISTRIBUTIONS), where=BODY, doc="RR (round robin) or PR (priority)",
          example="RR"),
    Param("sticky", flag(), where=BODY, doc="Callers go back to the agent who answered them last"),
    Param("sticky_days", php_int(1, 365), where=BODY, doc="How long a caller stays sticky, in days",
          example="30"),
)


def _tenant(ctx: Ctx) -> Tenant:
    assert ctx.tenant is not None  # the pipeline authenticated before running
    return ctx.tenant


def _app(ctx: Ctx) -> dict[str, Any]:
    app = model.find_app(_tenant(ctx), ctx.params["app_guid"])
    if app is None:
        raise VendorError(ERRORS[APP_NOT_FOUND], f"no app {ctx.params['app_guid']!r}")
    return app


def _group(ctx: Ctx, app: dict[str, Any]) -> Queue:
    queue = model.find_group(_tenant(ctx), app, ctx.params["group_name"])
    if queue is None:
        raise VendorError(ERRORS[GROUP_NOT_FOUND], f"no group {ctx.params['group_name']!r} in app {app['guid']}")
    return queue


def _invalid(name: str, why: str = "") -> VendorError:
    return VendorError(named(ERRORS[k.PARAM_INVALID], name), why or f"parameter {name!r}: invalid")


def _paged(ctx: Ctx, items: list[Any], keys: tuple[str, ...], render: Any) -> dict[str, Any]:
    p = paging.page(len(items), paging.requested(ctx.params["pg"]))
    return {"page": paging.page_object(ctx, p, keys), "data": [render(item) for item in p.of(items)]}


# -- accounts and apps ----------------------------------------------------------------------------
def account_list(ctx: Ctx) -> dict[str, Any]:
    """The subscriber the key belongs to (a vendor-scope key would list many)."""
    return _paged(ctx, [_tenant(ctx).state["subscriber"]], APP_LIST_KEYS, views.render_subscriber)


def app_list(ctx: Ctx) -> Response:
    t = _tenant(ctx)
    url = paging.request_url(ctx)

    def make() -> tuple[bytes, bool]:
        p = paging.page(len(model.apps(t)), paging.requested(ctx.params["pg"]))
        return views.encode({"page": paging.page_object_at(url, p, APP_LIST_KEYS),
                             "data": [views.render_app(app) for app in p.of(model.apps(t))]}), True
    return views.answer(kept.app_list(t, url, make) if len(url) <= paging.CACHED_URL else make()[0])


# -- agent groups ---------------------------------------------------------------------------------
def group_list(ctx: Ctx) -> dict[str, Any]:
    return {"data": [views.render_group_entry(q) for q in model.groups(_tenant(ctx), _app(ctx))]}


def group_get(ctx: Ctx) -> dict[str, Any]:
    return views.render_group(_group(ctx, _app(ctx)))


def group_update(ctx: Ctx) -> dict[str, Any]:
    """Change the given settings of a group, or create it with them (the doc's defaults for the
    rest); answers the group."""
    t, app = _tenant(ctx), _app(ctx)
    values = {p.name: ctx.params[p.name] for p in GROUP_FIELDS}
    name = ctx.params["group_name"]
    queue = model.find_group(t, app, name)
    if queue is not None:
        model.update_group(queue, values)
        return views.render_group(queue)
    if not GROUP_NAME_RULE.fullmatch(name):
        raise _invalid("group_name", f"group name {name[:40]!r} is not 1-32 letters, digits, _ . -")
    if model.queue_id(app, name) in t.queues:  # a queue of that id that is no group of the app
        raise _invalid("group_name", f"group name {name!r} is taken")
    if len(model.groups(t, app)) >= model.MAX_GROUPS:
        raise VendorError(ERRORS[TOO_MANY_GROUPS])
    given = {key: value for key, value in values.items() if value is not None}
    return views.render_group(model.new_group(t, app, name, {**model.GROUP_DEFAULTS, **given}))


def group_agents(ctx: Ctx) -> dict[str, Any]:
    return views.render_agents(_tenant(ctx), _group(ctx, _app(ctx)))


# -- agents ---------------------------------------------------------------------------------------
def verify_agent(ctx: Ctx) -> dict[str, str]:
    t = _tenant(ctx)
    _app(ctx)
    number, key, method = ctx.params["number"], ctx.params["key"], ctx.params["method"]
    if key is not None:
        return {"verification": verification.confirm(t, number, key)}
    if method is None:
        raise VendorError(named(ERRORS[k.PARAM_MISSING], "method"), "neither method nor key")
    return {"verification": verification.start(t, number, method)}


def add_agent(ctx: Ctx) -> dict[str, str]:
    t = _tenant(ctx)
    queue = _group(ctx, _app(ctx))
    number = ctx.params["number"]
    if not verification.is_verified(t, number):
        raise VendorError(ERRORS[NOT_VERIFIED], f"{number} has not been verified")
    if model.member_of(t, queue, number) is not None:
        raise VendorError(ERRORS[AGENT_EXISTS], f"{number} is in {queue.name} already")
    if len(queue.members) >= model.MAX_AGENTS:
        raise VendorError(ERRORS[TOO_MANY_AGENTS])
    priority = ctx.params["priority"]
    model.put_agent(t, queue, number, ctx.params["name"],
                    priority if priority is not None else model.max_priority(queue) + 1)
    return {"result": "success"}


def remove_agent(ctx: Ctx) -> dict[str, str]:
    t = _tenant(ctx)
    queue = _group(ctx, _app(ctx))
    member = model.member_of(t, queue, ctx.params["number"])
    if member is None:
        raise VendorError(ERRORS[AGENT_NOT_IN_GROUP], f"{ctx.params['number']} is not in {queue.name}")
    model.remove_member(queue, member)
    return {"result": "success"}


# -- calls ----------------------------------------------------------------------------------------
UID = re.compile(r"([0-9]{1,12})(?:\.([0-9]{1,12}))?")
UidKey = tuple[int, int]


def uid_key(call: Call) -> UidKey:
    """A call's place in time: its uid ``<epoch>.<seq>`` as numbers."""
    found = UID.fullmatch(call.id)
    if found is None:
        return int(call.created_at), 0
    return int(found[1]), int(found[2] or 0)


def since_key(raw: str, tz: str) -> UidKey:
    """``since`` as a uid key: a uid, an epoch second (every call of that second is newer), or
    an ISO 8601 time (the tenant's zone when it names none)."""
    found = UID.fullmatch(raw.strip())
    if found is not None:
        return int(found[1]), int(found[2] or 0)
    try:
        at = datetime.fromisoformat(raw.strip())
        if at.tzinfo is None:
            at = at.replace(tzinfo=ZoneInfo(tz))
        return int(at.timestamp() // 1), 0
    except (ValueError, OverflowError):
        raise _invalid("since", f"since {raw[:40]!r} is no uid, epoch or ISO 8601 time") from None


def call_log(ctx: Ctx) -> Response:
    """The app's calls, newest first, 100 a page; with ``since``, only those newer (the whole
    answer kept per URL while nothing it shows changes: ``kept``)."""
    t = _tenant(ctx)
    url = paging.request_url(ctx)

    def make() -> tuple[bytes, bool]:
        return _call_log_body(ctx, t, url)
    return views.answer(kept.call_log(t, url, make) if len(url) <= paging.CACHED_URL else make()[0])


def _call_log_body(ctx: Ctx, t: Tenant, url: str) -> tuple[bytes, bool]:
    """(the body, whether it may be kept: no entry of it read the clock)."""
    app = _app(ctx)
    since = since_key(ctx.params["since"], t.timezone) if ctx.params["since"] is not None else None
    key = model.directory_key(t)
    own = model.own_calls_of(t, app, key)
    seeded = model.seeded_calls_of(t, app, key)  # newest first, like ``Tenant.newest_first``
    calls: Sequence[Call]
    if since is not None:
        calls = [c for c in own if uid_key(c) > since] + [c for c in seeded if uid_key(c) > since]
    else:
        calls = Joined(own, seeded)
    p = paging.page(len(calls), paging.requested(ctx.params["pg"]))
    return views.call_log_page(t, paging.page_object_at(url, p, CALL_LOG_KEYS), p.of(calls), t.now())


class Joined(Sequence[Call]):
    """Two lists read as one (a page of the call log slices it), without copying the second:
    the history's calls of an app can be most of a million."""

    def __init__(self, first: Sequence[Call], second: Sequence[Call]) -> None:
        self.first, self.second = first, second

    def __len__(self) -> int:
        return len(self.first) + len(self.second)

    @overload
    def __getitem__(self, index: int) -> Call: ...
    @overload
    def __getitem__(self, index: slice) -> list[Call]: ...

    def __getitem__(self, index: int | slice) -> Call | list[Call]:
        if isinstance(index, int):
            index, n = range(len(self))[index], len(self.first)
            return self.first[index] if index < n else self.second[index - n]
        start, stop, _ = index.indices(len(self))
        n = len(self.first)
        return list(self.first[start:stop]) + list(self.second[max(0, start - n):max(0, stop - n)])


def call_recording(ctx: Ctx) -> dict[str, str]:
    t, app = _tenant(ctx), _app(ctx)
    call = model.find_call(t, ctx.params["uid"])
    if call is None or model.app_of_call(t, call) is not app:
        raise VendorError(ERRORS[CALL_NOT_FOUND], f"no call {ctx.params['uid'][:40]!r} in app {app['guid']}")
    if not call.ended or not model.recorded(t, call):
        raise VendorError(ERRORS[NO_RECORDING], f"call {call.id} has no recording")
    base = str(model.options(t).get("recording_url") or "")
    if not base:
        scheme, _, rest = paging.request_url(ctx).partition("://")
        base = f"{scheme}://{rest.split('/', 1)[0]}/recordings"
    return {"url": f"{base.rstrip('/')}/s.{call.id}.wav"}


def _op(name: str, method: str, paths: tuple[str, ...], run: Any, summary: str, doc: str,
        **kw: Any) -> Operation:
    return Operation(name, (method,), paths, run, summary=summary, doc=f"mycalls.txt, {doc}",
                     mutates=method == "POST", **kw)


def _example(body: Any) -> tuple[dict[str, Any], ...]:
    return ({"response": body},)


DOC_GROUP = {"sticky": False, "name": "default", "ringtime": 15, "recording": "enabled",
             "distribution": "RR", "sticky_days": 30}
"""The agent-group example (for the OpenAPI document)."""

OPERATIONS: tuple[Operation, ...] = (
    _op("AppList", "GET", (PREFIX + "/app/list",), app_list, "The subscriber's apps, 100 a page",
        "app list (topic 2.1)", params=(PG,), examples=_example(doc_examples.APP_LIST)),
    _op("AgentGroupList", "GET", (APP + "/ag/list", APP + "/ag"), group_list, "An app's agent groups",
        "agent group list", params=(APP_GUID,),
        examples=_example({"data": [{"name": "default", "display_name": "default"}]})),
    _op("AgentGroupGet", "GET", (GROUP,), group_get, "One agent group's settings", "agent group",
        params=(APP_GUID, GROUP_NAME), examples=_example(DOC_GROUP)),
    _op("AgentGroupUpdate", "POST", (GROUP, GROUP + "/update"), group_update,
        "Change an agent group's settings, or create the group", "agent group (second example)",
        params=(APP_GUID, GROUP_NAME, *GROUP_FIELDS), examples=_example(DOC_GROUP)),
    _op("AgentGroupAgents", "GET", (GROUP + "/agents", GROUP + "/list"), group_agents,
        "A group's agents and its highest priority", "group agents (maxPriority, agents)",
        params=(APP_GUID, GROUP_NAME), response_schema=doc_examples.AGENTS_SCHEMA,
        examples=_example({"maxPriority": 1, "agents": [
            {"type": "USER", "number": "971670XXXX", "priority": 1,
             "guid": "21c50d57625040419a7bef92ea4c6c6c", "name": "Anil Gupta"}]})),
    _op("VerifyAgentNumber", "POST", (APP + "/verifyagent",), verify_agent,
        "Verify an agent number: number+method starts, number+key completes", "number verification",
        params=(APP_GUID, NUMBER,
                Param("method", choice(verification.METHODS), where=BODY, doc="sms or call", example="sms"),
                Param("key", text(max_len=16), where=BODY, doc="The key the number received",
                      example="0805")),
        examples=({"response": {"verification": "pending"}, "summary": "number + method"},
                  {"response": {"verification": "passed"}, "summary": "number + key"})),
    _op("AddAgent", "POST", (GROUP + "/addAgent",), add_agent, "Add a verified number to a group",
        "add agent", params=(APP_GUID, GROUP_NAME, NUMBER,
                             Param("name", text(max_len=32), where=BODY, required=True, doc="Agent name",
                                   example="testagent"),
                             Param("priority", php_int(1, 1000), where=BODY,
                                   doc="Priority (default: maxPriority + 1)")),
        examples=_example({"result": "success"})),
    _op("RemoveAgent", "POST", (GROUP + "/remAgent",), remove_agent, "Remove a number from a group",
        "remove agent", params=(APP_GUID, GROUP_NAME, NUMBER), examples=_example({"result": "success"})),
    _op("CallLog", "GET", (APP + "/calls",), call_log, "An app's calls, newest first, 100 a page",
        "call log", params=(APP_GUID, PG, SINCE), examples=_example(doc_examples.CALL_LOG)),
    _op("CallRecording", "GET", (APP + "/calls/{uid}/recording",), call_recording,
        "The URL of a call's recording", "call recording",
        params=(APP_GUID, Param("uid", where=PATH, required=True, doc="The call's uid",
                                example="1498110438.13")),
        examples=_example({"url": "someurl/s.745726.wav"})),
    _op("AccountList", "GET", (PREFIX + "/acc/list",), account_list, "The subscriber of the key",
        "API key section (example URL)", params=(PG,), response_schema=doc_examples.ACCOUNT_LIST_SCHEMA),
)
"""mycalls.txt's operations, in doc order."""


class MyCallsApi(VendorApi):
    vendor = VENDOR
    operations = OPERATIONS
    errors = ERRORS
    title = "MyCalls (Sukam Apps) IVR API"
    doc = DOC
    body_types = ("application/x-www-form-urlencoded",)
    auth_schemes = {
        "X-APIKey": {"type": "apiKey", "in": "header", "name": HEADER},
        "apikey": {"type": "apiKey", "in": "query", "name": KEY_PARAM,
                   "description": "GET requests only (mycalls.txt: method a)"},
    }
    success_schema = {"type": "object"}
    error_schema = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}},
                    "additionalProperties": False}

    def auth_schemes_for(self, method: str) -> Mapping[str, Mapping[str, Any]]:
        """A write takes the header only ("method a) only works for get requests")."""
        if method in ("GET", "HEAD"):
            return self.auth_schemes
        return {HEADER: self.auth_schemes[HEADER]}

    def authenticate(self, ctx: Ctx) -> None:
        """The ``X-APIKey`` header, or on a GET the ``apikey`` query parameter; a POST that
        carries the key only as a parameter is refused as the doc says it "will not work"."""
        key: Any = ctx.header(HEADER)
        ctx.via = "header"
        if not key:
            if ctx.method in ("GET", "HEAD"):
                key, ctx.via = ctx.query.get(KEY_PARAM), "query"
            elif ctx.query.get(KEY_PARAM) or ctx.body_value(KEY_PARAM):
                raise Refusal(k.FORBIDDEN, "the apikey parameter on a POST (it works for GET only)")
        if not isinstance(key, str) or not key:
            raise Refusal(k.UNAUTHENTICATED, "no X-APIKey header and no apikey parameter")
        ctx.tenant = ctx.registry.find(VENDOR, key)
        if ctx.tenant is None:
            raise Refusal(k.BAD_CREDENTIAL, f"the {ctx.via} key addresses no tenant")

    def admit(self, ctx: Ctx) -> None:
        check_rate_limit(ctx)

    def param_error(self, ctx: Ctx, exc: ParamError) -> Err:
        err = super().param_error(ctx, exc)
        return named(err, exc.name) if exc.name else err

    def render(self, ctx: Ctx, result: Any) -> Response:
        return result if isinstance(result, Response) else views.respond(result)

    def render_error(self, ctx: Ctx, error: Err, headers: Mapping[str, str]) -> Response:
        return views.respond({"error": error.message}, error.status, headers)


API = MyCallsApi()
