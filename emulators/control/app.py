"""The control plane: ``/_emulator/...`` on every vendor port (documented in docs/CONTROL_API.md).

Plain JSON in and out. Every request passes ``access.check_access`` (Host, Origin, admin token
or loopback caller); every write's body is read within ``body.MAX_BODY_BYTES``, must be JSON
(YAML for a scenario run) and is parsed strictly before any handler changes anything.
"""

from __future__ import annotations

import math
import re
from typing import Any, Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route

from ..core import engine
from ..core.clock import ClockError
from ..core.errors import CoreError, TenantFailed
from ..core.formats import parse_instant, utc_iso
from ..core.world import Tenant
from ..registry import DEFAULT_TENANT, Registry, TenantExists
from . import state_api
from .access import JSON_TYPES, WRITE_METHODS, YAML_TYPES, check_access, check_body_type
from .body import parse_json, read_limited, replaying
from .errors import ControlError
from .lists import PageError, after_seq, by_position, by_seq, page_args
from .settings import LATEST, SettingsError, validate_settings
from .snapshot_check import SnapshotError
from ..scenario import control as scenario_control

Endpoint = Callable[[Request], Awaitable[Response]]
PREFIX = "/_emulator"
MAX_TENANT_ID = 64
"""Longest tenant id (ids are URL path segments and log names)."""
_TENANT_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_TENANT_ID}}}")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def tenant_info(tenant: Tenant, registry: Registry) -> dict[str, Any]:
    return {"id": tenant.id, "vendor": tenant.dialect.name, "seed": tenant.seed_number,
            "credentials": dict(tenant.credentials), "clock": clock_info(tenant),
            "calls": len(tenant.calls), "history": len(tenant.history),
            "agents": len(tenant.agents), "queues": len(tenant.queues), "failed": tenant.failed}


def clock_info(tenant: Tenant) -> dict[str, Any]:
    clock = tenant.clock
    nxt = clock.peek()
    return {"now": clock.now(), "iso": utc_iso(clock.now()), "mode": clock.mode, "speed": clock.speed,
            "pending_timers": clock.pending(), "next_timer": nxt}


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    return parse_json(raw) if raw else {}


def _clock_target(target: float) -> float:
    """A clock target the formats can still render (refuses NaN too)."""
    if not target <= LATEST:
        raise ControlError(400, "the clock cannot pass 3000-01-01T00:00:00Z")
    return target


def control_routes(registry: Registry, vendor: str) -> list[BaseRoute]:
    """The control plane for one vendor's tenants."""

    def guarded(fn: Callable[[Request], Awaitable[Any]], status: int = 200,
                body_types: tuple[str, ...] = JSON_TYPES) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            try:
                check_access(request, registry.admin_token, registry.allowed_hosts)
                if request.method in WRITE_METHODS:
                    body = await read_limited(request)
                    if body:  # no body, no type needed: `curl -X POST .../reset` works
                        check_body_type(request, body_types)
                    request = replaying(request, body)
                result = await fn(request)
            except ControlError as exc:
                return _error(exc.status, exc.message)
            except (CoreError, ClockError, SettingsError, PageError) as exc:
                return _error(409 if isinstance(exc, CoreError) else 400, str(exc))
            except TenantFailed as exc:  # "tenant failed: ...": reset or restore it
                return _error(409, str(exc))
            return result if isinstance(result, Response) else JSONResponse(result, status_code=status)
        return endpoint

    def tenant_of(request: Request) -> Tenant:
        tenant = registry.get(vendor, request.path_params["tid"])
        if tenant is None:
            raise ControlError(404, f"no tenant {request.path_params['tid']!r} for {vendor}")
        return tenant

    async def health(request: Request) -> Any:
        failed = [{"id": t.id, "error": t.failed} for t in registry.tenants[vendor].values() if t.failed]
        return {"status": "degraded" if failed else "ok", "vendor": vendor,
                "tenants": len(registry.tenants[vendor]), "failed": failed}

    async def list_tenants(request: Request) -> Any:
        since, limit = page_args(request)
        return by_position(registry.tenants[vendor].values(), since, limit,
                           lambda t: tenant_info(t, registry))

    async def create_tenant(request: Request) -> Any:
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise ControlError(400, "body must be a JSON object")
        seed = body.get("seed")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise ControlError(400, "seed must be an integer")
        tid = body.get("id")
        if tid is not None and (not isinstance(tid, str) or not _TENANT_ID.fullmatch(tid)):
            raise ControlError(400, f"id must be 1 to {MAX_TENANT_ID} letters, digits, - or _")
        creds = body.get("credentials")
        if creds is not None and (not isinstance(creds, dict) or
                                  not all(isinstance(v, str) for v in creds.values())):
            raise ControlError(400, "credentials must map names to strings")
        settings = validate_settings(body.get("settings", {}))
        try:
            tenant = registry.create(vendor, tid, seed=seed, settings=settings, credentials=creds)
        except TenantExists as exc:
            raise ControlError(409, f"tenant exists: {exc}") from None
        return tenant_info(tenant, registry)

    async def get_tenant(request: Request) -> Any:
        return tenant_info(tenant_of(request), registry)

    async def delete_tenant(request: Request) -> Any:
        tenant = tenant_of(request)
        if tenant.id == DEFAULT_TENANT:
            raise ControlError(409, "the default tenant cannot be deleted; reset it instead")
        registry.delete(vendor, tenant.id)
        return {"deleted": tenant.id}

    async def reset_tenant(request: Request) -> Any:
        tenant = tenant_of(request)
        tenant.reset()
        return tenant_info(tenant, registry)

    async def reset_all(request: Request) -> Any:
        registry.reset_all(vendor)
        return {"reset": vendor, "tenants": [DEFAULT_TENANT]}

    async def get_clock(request: Request) -> Any:
        return clock_info(tenant_of(request))

    async def advance_clock(request: Request) -> Any:
        tenant = tenant_of(request)
        tenant.check_alive()  # a failed tenant's clock stands still: 409
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise ControlError(400, "body must be a JSON object")
        if "to" in body:
            try:
                target = parse_instant(str(body["to"]))
            except ValueError:
                raise ControlError(400, "to must be an ISO 8601 instant") from None
        else:
            seconds = body.get("seconds")
            if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
                raise ControlError(400, "seconds must be a number")
            try:
                target = tenant.now() + float(seconds)
            except OverflowError:
                target = math.inf if seconds > 0 else -math.inf
        fired = tenant.clock.advance_to(_clock_target(target))
        return {**clock_info(tenant), "fired": fired}

    async def set_clock(request: Request) -> Any:
        tenant = tenant_of(request)
        tenant.check_alive()
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise ControlError(400, "body must be a JSON object")
        validate_settings({"clock": {k: v for k, v in body.items() if k in ("mode", "speed")}})
        if "now" in body:
            try:
                tenant.clock.advance_to(_clock_target(parse_instant(str(body["now"]))))
            except ValueError as exc:
                raise ControlError(400, str(exc)) from None
        if "mode" in body or "speed" in body:
            tenant.clock.set_mode(body.get("mode", tenant.clock.mode), body.get("speed"))
        return clock_info(tenant)

    async def requests_journal(request: Request) -> Any:
        tenant = tenant_of(request)
        since, limit = page_args(request)
        return by_seq(after_seq(tenant.requests.entries, since, _entry_seq), limit, _entry_seq, dict)

    async def unauthenticated_journal(request: Request) -> Any:
        since, limit = page_args(request)
        entries = registry.unauthenticated(vendor).entries
        return by_seq(after_seq(entries, since, _entry_seq), limit, _entry_seq, dict)

    async def webhook_journal(request: Request) -> Any:
        tenant = tenant_of(request)
        since, limit = page_args(request)
        state = request.query_params.get("state")
        found = (d for d in after_seq(tenant.outbox.deliveries, since, _delivery_number)
                 if state is None or d.state == state)
        return by_seq(found, limit, _delivery_number, lambda d: d.to_dict())

    async def redeliver(request: Request) -> Any:
        tenant = tenant_of(request)
        delivery = tenant.outbox.get(request.path_params["did"])
        if delivery is None:
            raise ControlError(404, "no such delivery")
        if not delivery.url:
            raise ControlError(409, "delivery has no target URL")
        tenant.outbox.reopen(delivery)
        tenant.notify(tenant)
        return delivery.to_dict()

    async def events(request: Request) -> Any:
        tenant = tenant_of(request)
        since, limit = page_args(request)
        kind = request.query_params.get("type")
        found = (e for e in after_seq(tenant.events, since, _event_seq) if kind is None or e.type == kind)
        return by_seq(found, limit, _event_seq, lambda e: e.to_dict())

    async def calls(request: Request) -> Any:
        tenant = tenant_of(request)
        since, limit = page_args(request)
        return by_position(tenant.calls.values(), since, limit, lambda c: c.to_dict())

    async def inject_call(request: Request) -> Any:
        tenant = tenant_of(request)
        body = await _json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("from"), str) or not isinstance(body.get("to"), str):
            raise ControlError(400, "body must be {\"from\": number, \"to\": number}")
        call = engine.inbound_call(tenant, body["from"], body["to"], caller_name=str(body.get("name", "")),
                                   origin="control")
        return call.to_dict()

    async def agents(request: Request) -> Any:
        return [a.to_dict() for a in tenant_of(request).agents.values()]

    async def snapshot(request: Request) -> Any:
        return tenant_of(request).snapshot()

    async def restore(request: Request) -> Any:
        tenant = tenant_of(request)
        try:  # checked whole before anything is applied: a refused one never touches the tenant
            registry.restore(vendor, tenant, await _json_body(request))
        except SnapshotError as exc:
            raise ControlError(400, f"not a valid snapshot: {exc}") from None
        return tenant_info(tenant, registry)

    async def get_settings(request: Request) -> Any:
        return tenant_of(request).settings

    async def patch_settings(request: Request) -> Any:
        tenant = tenant_of(request)
        patch = validate_settings(await _json_body(request))
        if "clock" in patch:
            raise ControlError(400, "change the clock through /clock")
        tenant.configure(patch)
        return tenant.settings

    T = PREFIX + "/tenants/{tid}"
    return [
        Route(PREFIX + "/health", guarded(health), methods=["GET"]),
        Route(PREFIX + "/reset", guarded(reset_all), methods=["POST"]),
        Route(PREFIX + "/journal/unauthenticated", guarded(unauthenticated_journal), methods=["GET"]),
        Route(PREFIX + "/state", guarded(state_api.get_state(registry)), methods=["GET"]),
        Route(PREFIX + "/state", guarded(state_api.put_state(registry)), methods=["PUT"]),
        Route(PREFIX + "/state/save", guarded(state_api.save_state(registry)), methods=["POST"]),
        Route(PREFIX + "/state/load", guarded(state_api.load_state(registry)), methods=["POST"]),
        Route(PREFIX + "/tenants", guarded(list_tenants), methods=["GET"]),
        Route(PREFIX + "/tenants", guarded(create_tenant, 201), methods=["POST"]),
        Route(T, guarded(get_tenant), methods=["GET"]),
        Route(T, guarded(delete_tenant), methods=["DELETE"]),
        Route(T + "/reset", guarded(reset_tenant), methods=["POST"]),
        Route(T + "/clock", guarded(get_clock), methods=["GET"]),
        Route(T + "/clock", guarded(set_clock), methods=["PUT", "PATCH"]),
        Route(T + "/clock/advance", guarded(advance_clock), methods=["POST"]),
        Route(T + "/journal/requests", guarded(requests_journal), methods=["GET"]),
        Route(T + "/journal/webhooks", guarded(webhook_journal), methods=["GET"]),
        Route(T + "/journal/webhooks/{did}/redeliver", guarded(redeliver), methods=["POST"]),
        Route(T + "/events", guarded(events), methods=["GET"]),
        Route(T + "/calls", guarded(calls), methods=["GET"]),
        Route(T + "/calls", guarded(inject_call, 201), methods=["POST"]),
        Route(T + "/agents", guarded(agents), methods=["GET"]),
        Route(T + "/snapshot", guarded(snapshot), methods=["GET"]),
        Route(T + "/restore", guarded(restore), methods=["POST"]),
        Route(T + "/settings", guarded(get_settings), methods=["GET"]),
        Route(T + "/settings", guarded(patch_settings), methods=["PATCH"]),
        Route(T + "/scenarios", guarded(lambda r: scenario_control.start_run(r, tenant_of(r), registry),
                                        body_types=(*YAML_TYPES, *JSON_TYPES)), methods=["POST"]),
        Route(T + "/scenarios/{run}", guarded(lambda r: scenario_control.get_run(r, tenant_of(r))),
              methods=["GET"]),
    ]


def _entry_seq(entry: dict[str, Any]) -> int:
    """A journal entry's ``seq``; 0 (never listed) for a malformed entry from a restored snapshot."""
    seq = entry.get("seq")
    return seq if isinstance(seq, int) else 0


def _event_seq(event: Any) -> int:
    return int(event.seq)


def _delivery_number(delivery: Any) -> int:
    """The ``n`` of a delivery id ``whd_<n>`` (the webhook journal's sequence)."""
    number = str(delivery.id).rpartition("_")[2]
    return int(number) if number.isascii() and number.isdigit() else 0


def is_control_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def control_miss(routes: list[BaseRoute]) -> Callable[[Request, Exception], Response]:
    """The JSON answer to a control-plane path that matched no route (404, listing every
    route) or matched routes with other methods (405, with all of their methods in ``Allow``)."""
    control = [route for route in routes if isinstance(route, Route)]
    index = [f"{method} {route.path}" for route in control
             for method in sorted(route.methods or ()) if method != "HEAD"]

    def answer(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if isinstance(exc, HTTPException) and exc.status_code == 405:
            allowed = sorted({m for route in control if route.matches(request.scope)[0] != Match.NONE
                              for m in route.methods or ()})
            return JSONResponse({"error": f"{request.method} is not allowed on {path}", "allowed": allowed},
                                status_code=405, headers={"Allow": ", ".join(allowed)})
        root = request.scope.get("root_path", "")
        return JSONResponse({"error": f"no control-plane route {request.method} {path}",
                             "routes": [entry.replace(" ", f" {root}", 1) for entry in index]},
                            status_code=404)
    return answer
