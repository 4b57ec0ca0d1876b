"""The one request pipeline every vendor's HTTP API runs on.

read -> route (404/405 in the vendor's body) -> body within limits -> authenticate -> admit (IP
whitelist, rate limit) -> pick the operation (version, variant) -> validate every parameter ->
run (the core changes the world) -> render -> journal. A vendor subclasses ``VendorApi`` with
its table of operations, its error table, how it authenticates and admits, and its renderers;
it never writes a pipeline of its own. Any failure is an answer in the vendor's envelope: a
refusal changes nothing, and a defect of ours is logged and answered as the vendor's
"internal" error, never a bare 500 page.
"""

from __future__ import annotations

import inspect
import logging
import time
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from types import GeneratorType
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..core.errors import CoreError
from . import errors as k
from .errors import Err, ErrorTable, Refusal, VendorError
from .journal import record
from .operation import Ctx, Operation
from .params import ANY, BODY, MISSING, PATH, QUERY, ParamError, validate
from .request import CACHED_QUERY_BYTES, MAX_BODY_BYTES, BadBody, BodyTooLarge, checked_json, php_fields, read_body
from .router import Router, allowed

if TYPE_CHECKING:
    from ..core.world import Tenant
    from ..registry import Registry

log = logging.getLogger("telemock.api")

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
VENDOR_REFUSAL = "vendor"
"""The journal's ``refusal`` of a ``VendorError`` (a vendor's own rule, in its own words)."""


class VendorApi:
    """One vendor listener's HTTP dialect: a table of operations and a few small functions."""

    vendor: ClassVar[str]
    """The registry's vendor name (tenants and credentials are looked up under it)."""
    operations: ClassVar[Sequence[Operation]] = ()
    errors: ClassVar[ErrorTable]
    php_arrays: ClassVar[bool] = False
    """Read ``a[]=1`` / ``a[k]=1`` as PHP arrays (else the last value of a name wins)."""
    auth_schemes: ClassVar[Mapping[str, Mapping[str, Any]]] = {}
    """OpenAPI security schemes (name -> scheme object) the API accepts, any one of them."""
    prefix: ClassVar[str] = "/"
    """The paths this API answers when mounted beside a port's own API (``Listener.mounted``):
    every path starting with it, unknown ones with this API's 404."""
    auth_combined: ClassVar[bool] = False
    """The schemes are sent together (e.g. an account header and its secret), not as alternatives."""
    title: ClassVar[str] = ""
    doc: ClassVar[str] = ""
    """The vendor document and section this API follows (OpenAPI, docs)."""
    # -- for the OpenAPI document ----------------------------------------------------------
    body_types: ClassVar[tuple[str, ...]] = ("application/x-www-form-urlencoded", "application/json",
                                             "multipart/form-data")
    """Request body encodings the API reads."""
    success_schema: ClassVar[Mapping[str, Any]] = {}
    """JSON Schema of a success body when an operation declares none (the envelope)."""
    error_schema: ClassVar[Mapping[str, Any]] = {}
    error_media_type: ClassVar[str] = "application/json"
    refusals: ClassVar[tuple[Err, ...]] = ()
    """Refusals the operations raise beyond the error table's entries (a web server's own
    pages): the OpenAPI document lists their statuses too."""
    body_required: ClassVar[bool] = False
    """An operation with body fields refuses a request without a body (a Flask view's
    ``get_json()``): the OpenAPI document marks its request body required."""

    def media_types(self, op: Operation) -> list[str]:
        """Media types a success answer of ``op`` can have (OpenAPI)."""
        return ["application/json"]

    def error_contents(self, err: Err) -> Mapping[str, Mapping[str, Any]]:
        """Media type -> JSON Schema of the answers refusing with ``err`` (OpenAPI; a text
        answer's schema is a string)."""
        return {self.error_media_type: self.error_schema}

    def success_status(self, op: Operation) -> int:
        return 200

    def auth_schemes_for(self, method: str) -> Mapping[str, Mapping[str, Any]]:
        """The security schemes a request with ``method`` may use (OpenAPI; default: all)."""
        return self.auth_schemes

    def __init__(self) -> None:
        self.router = Router(self.operations)

    # -- what a vendor supplies ------------------------------------------------------------
    def authenticate(self, ctx: Ctx) -> None:
        """Set ``ctx.tenant`` (and ``ctx.via``) from the credential, or raise a refusal."""
        raise Refusal(k.UNAUTHENTICATED)

    def admit(self, ctx: Ctx) -> None:
        """Let an authenticated request in, or refuse it (IP whitelist, rate limit)."""

    def render(self, ctx: Ctx, result: Any) -> Response:
        raise NotImplementedError(f"{type(self).__name__} renders no answers")

    def render_error(self, ctx: Ctx, err: Err, headers: Mapping[str, str]) -> Response:
        raise NotImplementedError(f"{type(self).__name__} renders no errors")

    def param_error(self, ctx: Ctx, exc: ParamError) -> Err:
        """The parameter's own error for the rule, else the table's generic one."""
        param = exc.param
        if param is not None and exc.rule in param.errors:
            own = param.errors[exc.rule]
            return own if isinstance(own, Err) else self.errors.lookup(str(own))
        return self.errors.lookup(k.PARAM_MISSING if exc.rule == MISSING else k.PARAM_INVALID)

    def core_error(self, ctx: Ctx, exc: CoreError) -> Err:
        return self.errors.for_core(exc)

    def bad_body(self, ctx: Ctx, exc: BadBody) -> None:
        """A JSON body no request can be (too deep, lone surrogates, not JSON): refused as a
        parameter error; a vendor whose server never reads JSON bodies may ignore it instead."""
        raise Refusal(k.BAD_BODY, str(exc))

    def identify(self, ctx: Ctx) -> "Tenant | None":
        """The tenant a request names, without refusing (journals an unknown path under it)."""
        try:
            self.authenticate(ctx)
        except (Refusal, VendorError, ParamError):
            return None
        return ctx.tenant

    def select(self, ctx: Ctx, candidates: Sequence[Operation]) -> Operation:
        """The operation that answers: the first that exists in the path's version and whose
        variant predicate holds."""
        if len(candidates) == 1 and candidates[0].versions is None and candidates[0].variant is None:
            return candidates[0]  # the usual row: one meaning, every version
        in_version = _in_version(candidates, ctx.version)
        if not in_version:
            raise Refusal(k.UNSUPPORTED_VERSION, f"{candidates[0].name} does not exist in version {ctx.version}")
        for op in in_version:
            if op.variant is None or op.variant(ctx):
                return op
        return in_version[-1]

    # -- the pipeline ----------------------------------------------------------------------
    async def __call__(self, registry: "Registry", scope: Scope, receive: Receive, send: Send,
                       path: str, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        timed = registry.on_request is not None  # only the access log reads the seconds
        started = time.perf_counter() if timed else 0.0
        ctx = Ctx(self, registry, scope, receive, path)
        ctx.max_body_bytes = max_body_bytes
        try:
            response, why, kind = await self._run(ctx), "", ""
        except Exception as exc:  # every failure is an answer in the vendor's envelope
            response, why, kind = self._failure(ctx, exc)
        op = ctx.op
        record(registry, self.vendor, scope, op.name if op is not None else "unknown", ctx.tenant,
               response.status_code, why, kind, ctx.body, response,
               time.perf_counter() - started if timed else 0.0)
        await response(scope, receive, send)

    def _failure(self, ctx: Ctx, exc: Exception) -> tuple[Response, str, str]:
        """The vendor's answer to a refusal, and for the journal why (in plain words) and the
        neutral kind of refusal (a ``k`` kind, a core error code, ``vendor`` or ``internal``)."""
        try:
            if isinstance(exc, Refusal):
                err = self.errors.lookup(exc.kind)
                if exc.context and "{" in err.message:  # e.g. Kerauno's "... at most {limit} bytes."
                    err = replace(err, message=err.message.format(**exc.context))
                return self._refused(ctx, err, exc.headers), exc.why, exc.kind
            if isinstance(exc, VendorError):
                return self._refused(ctx, exc.err, exc.headers), exc.why, VENDOR_REFUSAL
            if isinstance(exc, ParamError):
                kind = k.PARAM_MISSING if exc.rule == MISSING else k.PARAM_INVALID
                return self._refused(ctx, self.param_error(ctx, exc), {}), exc.why(), kind
            if isinstance(exc, CoreError):
                return self._refused(ctx, self.core_error(ctx, exc), {}), f"{exc.code}: {exc}", exc.code
            # a defect of ours: logged, answered as the vendor's "internal" error
            log.error("%s %s %s failed", self.vendor, ctx.method, ctx.path, exc_info=exc)
            return self._refused(ctx, self.errors.lookup(k.INTERNAL), {}), "internal error (logged)", k.INTERNAL
        except Exception:  # the renderer itself failed: a plain answer, still no traceback out
            log.exception("%s: rendering an error failed", self.vendor)
            return (Response("internal error", status_code=500, media_type="text/plain"), "internal error",
                    k.INTERNAL)

    async def _run(self, ctx: Ctx) -> Response:
        match = self.router.match(ctx.path)
        if match is None:
            ctx.tenant = self.identify(ctx)
            raise Refusal(k.NO_ROUTE, f"no operation at {ctx.path}")
        methods, ctx.path_params = match
        candidates = methods.get("GET" if ctx.method == "HEAD" else ctx.method)
        if not candidates:
            ctx.op = next(iter(methods.values()))[0]
            ctx.tenant = self.identify(ctx)
            raise Refusal(k.METHOD_NOT_ALLOWED, f"{ctx.method} is not allowed here",
                          headers={"Allow": ", ".join(allowed(methods))})
        ctx.op = candidates[0]
        if ctx.method in BODY_METHODS or _has_body(ctx.scope):
            try:
                await self._read_body(ctx)
            except Refusal:  # journalled under the tenant the query or headers name
                ctx.tenant = self.identify(ctx)
                raise
        self.authenticate(ctx)
        self.admit(ctx)
        op = ctx.op = self.select(ctx, candidates)
        ctx.params = _validated(ctx, op)
        result = op.run(ctx)
        if type(result) not in _PLAIN and _awaitable(result):  # a run that waits (a long poll)
            result = await result
        return op.render(ctx, result) if op.render is not None else self.render(ctx, result)

    async def _read_body(self, ctx: Ctx) -> None:
        limit = ctx.max_body_bytes
        try:
            ctx.body = await read_body(ctx.scope, ctx.receive, limit)
        except BodyTooLarge as exc:
            raise Refusal(k.BODY_TOO_LARGE, str(exc), limit=exc.limit) from None
        except BadBody as exc:
            raise Refusal(k.BAD_BODY, str(exc)) from None
        if not ctx.body.strip():
            return
        ctype = ctx.header("content-type").lower()
        if "json" in ctype:
            try:
                ctx.json = checked_json(ctx.body)
            except BadBody as exc:
                self.bad_body(ctx, exc)
        elif "x-www-form-urlencoded" in ctype:
            ctx.form = self._fields(_pairs(ctx.body.decode("utf-8", "replace")))
        elif "multipart/form-data" in ctype:
            ctx.form = self._fields(await _multipart(ctx, ctype))
        elif not ctype:
            # No content type: curl -d without -H sends urlencoded; PHP parses it the same way.
            ctx.form = self._fields(_pairs(ctx.body.decode("utf-8", "replace")))

    def _fields(self, pairs: list[tuple[str, str]]) -> dict[str, Any]:
        return php_fields(pairs) if self.php_arrays else dict(pairs)

    def _refused(self, ctx: Ctx, err: Err, headers: Mapping[str, str]) -> Response:
        return self.render_error(ctx, err, {**err.headers, **headers})



_IN_VERSION: dict[tuple[int, str | None], tuple[Sequence[Operation], list[Operation]]] = {}
"""(id of a route's candidates, version) -> (the candidates, held so that the id stays theirs;
those that exist in the version): a table never changes once built."""


def _in_version(candidates: Sequence[Operation], version: str | None) -> list[Operation]:
    key = (id(candidates), version)
    kept = _IN_VERSION.get(key)
    if kept is not None and kept[0] is candidates:
        return kept[1]
    found = [op for op in candidates if op.exists_in(version)]
    if len(_IN_VERSION) < 4096 and len(version or "") <= 64:  # a version is a path segment
        _IN_VERSION[key] = (candidates, found)
    return found


_PLAIN: set[type] = {list, dict, tuple, str, bytes, type(None)}
"""Types of run results that are never awaitable: checked before ``inspect.isawaitable`` (an
``Awaitable`` ABC check, a few hundred ns on every request); grows with the types runs return."""


def _awaitable(result: Any) -> bool:
    if inspect.isawaitable(result):
        return True
    if type(result) is not GeneratorType and len(_PLAIN) < 256:  # a generator may be a coroutine
        _PLAIN.add(type(result))
    return False


_VALID: dict[tuple[Any, ...], dict[str, Any]] = {}
"""Validated parameters by (operation, query bytes) for a request without a body whose
parameters all come from its query; by (operation, path, query, content type, body) when they all
come from those; else by (operation, raw texts)."""
_VALID_MAX = 4096
CACHED_TEXT = 256
"""Longest raw parameter text whose validation is remembered: a cache keyed by long
client-chosen text would hold megabytes."""
CACHED_REQUEST_BYTES = 512
"""Longest path + query + body whose validation is remembered by those bytes (at most
``_VALID_MAX`` of them: ~2 MB that clients chose)."""
_SHAREABLE = frozenset({str, int, float, bool, type(None), tuple, frozenset, date, datetime, Decimal})
"""Types of validated values that may be shared between requests (nothing a run could change)."""


def _validated(ctx: Ctx, op: Operation) -> dict[str, Any]:
    """``validate`` of the operation's parameters, remembered per request bytes or raw texts:
    converters are pure and clients repeat the same few requests. The dict is shared, so runs
    treat ``ctx.params`` as read-only."""
    if not op.params:
        return {}
    names = _query_names(op)
    if names is not None and not ctx.form and ctx.json is None and not ctx.api.php_arrays:
        # No body, a flat query: every value is text, and the query's bytes decide them all.
        query = ctx.scope.get("query_string", b"")
        key: tuple[Any, ...]
        if len(query) <= CACHED_QUERY_BYTES:
            key = (id(op), query)
            hit = _VALID.get(key)
            if hit is None:
                values = iter(tuple(map(ctx.query.get, names)))
                hit = _remember(key, validate(op.params, lambda p: next(values)))
            return hit
        raw = tuple(map(ctx.query.get, names))
        texts = True
    elif _request_keyed(op):
        # Path, query and body (read by its content type) decide every value: keyed by their
        # bytes, a repeated request is neither looked up nor converted again.
        query, body = ctx.scope.get("query_string", b""), ctx.body
        if len(ctx.path) + len(query) + len(body) <= CACHED_REQUEST_BYTES:
            key = (id(op), ctx.path, query, ctx.header("content-type") if body else "", body)
            hit = _VALID.get(key)
            if hit is None:
                params = validate(op.params, ctx.lookup)
                if not all(type(v) in _SHAREABLE for v in params.values()):
                    return params  # e.g. a JSON list: never shared
                hit = _remember(key, params)
            return hit
        raw = tuple(ctx.lookup(p) for p in op.params)
        texts = all(v is None or type(v) is str for v in raw)
    else:
        raw = tuple(ctx.lookup(p) for p in op.params)
        texts = all(v is None or type(v) is str for v in raw)
    if not texts or sum(map(len, filter(None, raw))) > CACHED_TEXT:
        values = iter(raw)
        return validate(op.params, lambda p: next(values))
    key = (id(op), raw)
    hit = _VALID.get(key)
    if hit is None:
        values = iter(raw)
        hit = _remember(key, validate(op.params, lambda p: next(values)))
    return hit


def _remember(key: tuple[Any, ...], params: dict[str, Any]) -> dict[str, Any]:
    if len(_VALID) >= _VALID_MAX:
        _VALID.clear()
    _VALID[key] = params
    return params


_QUERYISH = frozenset({ANY, QUERY})
_NAMES: dict[int, tuple[str, ...] | None] = {}


def _query_names(op: Operation) -> tuple[str, ...] | None:
    """The parameter names of ``op`` when every one is read from the query (or the merged
    request), so a request without a body can be read with one ``map``; else None."""
    key = id(op)
    if key not in _NAMES:
        _NAMES[key] = (tuple(p.name for p in op.params)
                       if all(p.where in _QUERYISH for p in op.params) else None)
    return _NAMES[key]


_REQUEST_KEYED = frozenset({ANY, QUERY, BODY, PATH})
_KEYED: dict[int, bool] = {}


def _request_keyed(op: Operation) -> bool:
    """Does every parameter of ``op`` come from the path, the query or the body (no header,
    no cookie)?"""
    key = id(op)
    if key not in _KEYED:
        _KEYED[key] = all(p.where in _REQUEST_KEYED for p in op.params)
    return _KEYED[key]


def _has_body(scope: Scope) -> bool:
    for key, value in scope["headers"]:
        if key == b"content-length":
            return value not in (b"0", b"")
        if key == b"transfer-encoding":
            return True
    return False


def _pairs(text: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl
    return parse_qsl(text, keep_blank_values=True)


async def _multipart(ctx: Ctx, ctype: str) -> list[tuple[str, str]]:
    """Text fields of a multipart body (files are not parameters of any vendor). Multipart
    without its boundary cannot be read at all (a bad body); malformed parts are no fields."""
    if "boundary=" not in ctype:
        raise Refusal(k.BAD_BODY, "multipart body without a boundary")
    body = ctx.body

    async def replay() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    request = Request(ctx.scope, replay)
    try:
        form = await request.form()
    except Exception:  # python-multipart refuses what it cannot parse
        return []
    try:
        return [(key, value) for key, value in form.multi_items() if isinstance(value, str)]
    finally:
        await form.close()
