"""The Daktela API as a table: one row per operation of the vendor's catalog, built from the
generated ``catalog_table`` (its action, minimum version, success envelope, examples) and the
runs of the ``ops_*`` modules, on the kit's one pipeline.

Paths are ``/api/{version}/{Action}[/{id}]/{format}`` (daktela.txt, line 1), GET and POST both
(PHP reads ``$_REQUEST``), ``access_token`` from the query, the body or a cookie. An action
exists from its "Requirement version" on; of the five actions with two variants, the four served
here are chosen as the catalog's ``variant_dispatch`` says: CreateCall and Monitoring by their
parameters (``user``: the call-centre variant, at any version), GetPauses and RTUserState by the
version (GetStatuses comes with the Forms and Autodialer actions).
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from starlette.responses import Response

from ..dialect import errors as k
from ..dialect.admission import check_rate_limit
from ..dialect.api import VendorApi
from ..dialect.errors import Err, Refusal
from ..dialect.operation import Ctx, Operation
from ..dialect.params import MISSING, PATH, Param, ParamError, choice
from . import (
    cache,
    ops_activities,
    ops_admin,
    ops_agents,
    ops_calls,
    ops_records,
    ops_scripts,
    ops_sms,
    ops_stats,
    render,
    schemas,
)
from . import errors as e
from .catalog_table import OPERATIONS as CATALOG
from .catalog_table import VERSIONS
from .common import Spec
from .model import VENDOR
from .seed import TOKEN

DOC = "Daktela API reference (daktela.txt)"
METHODS = ("GET", "POST")

SERVED: dict[str, Spec] = {**ops_admin.SPECS, **ops_agents.SPECS, **ops_calls.SPECS, **ops_stats.SPECS,
                           **ops_sms.SPECS, **ops_records.SPECS, **ops_scripts.SPECS, **ops_activities.SPECS}
"""Catalog operation id -> how it is served."""

FORMAT = Param("format", choice(render.FORMATS), where=PATH, required=True, doc="json or xml", example="json")
ALIASES: dict[str, tuple[str, ...]] = {"ActivityUpdate": ("TicketUpdate",)}
"""Further names of an action: ActivityUpdate's example calls it TicketUpdate (the name of the
activities' older "tickets"), so both are served."""
PARAM_DISPATCHED = frozenset({"CreateCall", "Monitoring"})
"""Actions whose two variants the parameters choose (``user``: the call-centre one); the other
two-variant actions served here (GetPauses, RTUserState) are chosen by the version."""


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def versions_from(minimum: str) -> frozenset[str]:
    return frozenset(v for v in VERSIONS if version_key(v) >= version_key(minimum))


def versions_of(row: dict[str, Any]) -> frozenset[str]:
    """The versions an operation exists in: from its requirement version on; both variants of a
    parameter-chosen pair from the older one's; a version-chosen variant until the next one."""
    siblings = sorted({op["requirement_version"] for op in CATALOG if op["action"] == row["action"]}, key=version_key)
    if row["action"] in PARAM_DISPATCHED:
        return versions_from(siblings[0])
    later = [v for v in siblings if version_key(v) > version_key(row["requirement_version"])]
    own = versions_from(row["requirement_version"])
    return own - versions_from(later[0]) if later else own


def _examples(row: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    out = []
    for ex in row["examples"]:
        if ex["body"] is not None:
            out.append({"request": {"method": ex["method"], "path": ex["path"]}, "response": json.loads(ex["body"]),
                        "summary": ex["description"][:120]})
    return tuple(out)


def _run(spec: Spec) -> Any:
    if spec.mutates:
        return cache.changing(spec.run)
    if spec.cached:
        return cache.kept(spec.run, lambda ctx, result: API.render(ctx, result), spec.stamp, spec.until)
    return spec.run


def _operation(row: dict[str, Any], spec: Spec) -> Operation:
    action = row["action"]
    paths: tuple[str, ...] = tuple(f"/api/{{version}}/{name}/{{format}}" for name in (action, *ALIASES.get(action, ())))
    if row["id_in_path"]:
        paths += (f"/api/{{version}}/{action}/{{id}}/{{format}}",)
    envelope = tuple(row["envelope"]) or render.RESULT_FIRST
    return Operation(
        name=action, methods=METHODS, paths=paths, run=_run(spec),
        params=(FORMAT, *spec.params), mutates=spec.mutates, versions=versions_of(row),
        variant=spec.variant,
        summary=(f"[{row['variant']}] " if row["variant"] else "") + (row["summary"] or row["description"]),
        doc=f"daktela.txt, {row['section']}, {action} (requirement version {row['requirement_version']})",
        examples=_examples(row), response_schema=schemas.response_schema(row["id"], envelope, row["examples"]),
        options={"envelope": envelope, "raw_utf8": spec.raw_utf8, "catalog_id": row["id"]})


def _table() -> tuple[Operation, ...]:
    ops = [_operation(row, SERVED[row["id"]]) for row in CATALOG if row["id"] in SERVED]
    # among variants sharing a path, the one chosen by a parameter goes first
    ops.sort(key=lambda op: (op.variant is None,))
    return tuple(ops)


OPERATIONS = _table()


class DaktelaApi(VendorApi):
    vendor = VENDOR
    operations = OPERATIONS
    errors = e.ERRORS
    php_arrays = True
    body_types = ("application/x-www-form-urlencoded",)
    """The body the document's PHP server reads into ``$_REQUEST`` (its own examples are GETs
    with a query string): a form. The emulator reads JSON and multipart too; the document
    promises neither."""
    title = "Daktela contact centre API (legacy action API 3.0-4.1)"
    doc = DOC
    auth_schemes = {
        "access_token": {"type": "apiKey", "in": "query", "name": TOKEN,
                         "description": "SHA1(login + password); also as a form field"},
        "access_token_cookie": {"type": "apiKey", "in": "cookie", "name": TOKEN},
    }
    success_schema = {"type": "object", "required": ["status", "error"],
                      "properties": {"status": {"enum": [1]}, "error": {"type": "null"}}}
    error_schema = schemas.ERROR

    def authenticate(self, ctx: Ctx) -> None:
        token = ctx.value(TOKEN)
        ctx.via = "param"
        if not isinstance(token, str) or not token:
            token, ctx.via = ctx.cookies.get(TOKEN), "cookie"
        if not isinstance(token, str) or not token:
            raise Refusal(k.UNAUTHENTICATED, "no access_token")
        ctx.tenant = ctx.registry.find(VENDOR, token)
        if ctx.tenant is None:
            raise Refusal(k.BAD_CREDENTIAL, f"the access_token ({ctx.via}) addresses no tenant")

    def admit(self, ctx: Ctx) -> None:
        check_rate_limit(ctx)

    def param_error(self, ctx: Ctx, exc: ParamError) -> Err:
        template = e.PARAM_MISSING if exc.rule == MISSING else e.PARAM_INVALID
        return e.err(template, name=exc.name or "?")

    def render(self, ctx: Ctx, result: Any) -> Response:
        if isinstance(result, Response):
            return result
        op = ctx.op
        assert op is not None
        body = render.success(op.options["envelope"], result)
        return render.respond(body, _format(ctx), raw_utf8=bool(op.options.get("raw_utf8")))

    def render_error(self, ctx: Ctx, err: Err, headers: Mapping[str, str]) -> Response:
        message = err.message.replace("{name}", "?")
        return render.respond(render.failure(message), _format(ctx), raw_utf8=message in e.RAW_UTF8,
                              status=err.status, headers=headers)

    def media_types(self, op: Operation) -> list[str]:
        if op.name == "GetRecording":
            return ["audio/x-wav", "application/octet-stream"]
        return [render.JSON_TYPE, render.XML_TYPE]

    def error_contents(self, err: Err) -> Mapping[str, Mapping[str, Any]]:
        """A refusal is written in the format the path names, as every answer is."""
        return {render.JSON_TYPE: self.error_schema, render.XML_TYPE: {"type": "string"}}


def _format(ctx: Ctx) -> str:
    fmt = ctx.path_params.get("format")
    return fmt if fmt in render.FORMATS else "json"


API = DaktelaApi()
