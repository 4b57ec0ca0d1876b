"""The control plane: ``/_emulator/...`` on every vendor port (documented in docs/CONTROL_API.md).

Plain JSON in and out. Bound to loopback callers unless the registry has an admin token, in
which case every request must carry it (``Authorization: Bearer <token>`` or
``X-Telemock-Admin-Token``).
"""

from __future__ import annotations

import hmac
import json
import math
from typing import Any, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..core import engine
from ..core.clock import ClockError
from ..core.errors import CoreError, TenantFailed
from ..core.formats import parse_instant, utc_iso
from ..core.world import Tenant
from ..registry import DEFAULT_TENANT, Registry, TenantExists
from ..vendor import client_host
from .settings import LATEST, SettingsError, ip_allowed, validate_settings
from .snapshot_check import SnapshotError
from . import state_api
from ..scenario import control as scenario_control

Endpoint = Callable[[Request], Awaitable[Response]]


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


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
    if not raw:
        return {}
    try:
        return json.loads(raw, parse_constant=_no_constant, parse_float=_finite_float)
    except (ValueError, RecursionError):
        raise ControlError(400, "body is not valid JSON") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # Python's json would accept NaN and Infinity


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400
        raise ValueError(text)
    return value


def _clock_target(target: float) -> float:
    """A clock target the formats can still render (refuses NaN too)."""
    if not target <= LATEST:
        raise ControlError(400, "the clock cannot pass 3000-01-01T00:00:00Z")
    return target


def control_routes(registry: Registry, vendor: str) -> list[BaseRoute]:
    """The control plane for one vendor's tenants."""

    def guarded(fn: Callable[[Request], Awaitable[Any]], status: int = 200) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            if registry.admin_token:
                given = request.headers.get("x-telemock-admin-token") or \
                    request.headers.get("authorization", "").removeprefix("Bearer ").strip()
                if not hmac.compare_digest(given.encode(), registry.admin_token.encode()):
                    return _error(401, "admin token required")
            elif not ip_allowed([], client_host(request)):
                return _error(403, "the control plane answers loopback callers only")
            try:
                result = await fn(request)
            except ControlError as exc:
                return _error(exc.status, exc.message)
            except (CoreError, ClockError, SettingsError) as exc:
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
        return [tenant_info(t, registry) for t in registry.tenants[vendor].values()]

    async def create_tenant(request: Request) -> Any:
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise ControlError(400, "body must be a JSON object")
        seed = body.get("seed")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise ControlError(400, "seed must be an integer")
        tid = body.get("id")
        if tid is not None and (not isinstance(tid, str) or not tid.replace("-", "").replace("_", "").isalnum()):
            raise ControlError(400, "id must be letters, digits, - or _")
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
        since = _int_arg(request, "since")
        return [e for e in tenant_of(request).requests.entries if e["seq"] > since]

    async def unauthenticated_journal(request: Request) -> Any:
        since = _int_arg(request, "since")
        return [e for e in registry.unauthenticated(vendor).entries if e["seq"] > since]

    async def webhook_journal(request: Request) -> Any:
        tenant = tenant_of(request)
        since = _int_arg(request, "since")
        state = request.query_params.get("state")
        return [d.to_dict() for d in tenant.outbox.deliveries
                if int(d.id.split("_")[1]) > since and (state is None or d.state == state)]

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
        since = _int_arg(request, "since")
        kind = request.query_params.get("type")
        return [e.to_dict() for e in tenant.events if e.seq > since and (kind is None or e.type == kind)]

    async def calls(request: Request) -> Any:
        return [c.to_dict() for c in tenant_of(request).calls.values()]

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

    T = "/_emulator/tenants/{tid}"
    return [
        Route("/_emulator/health", guarded(health), methods=["GET"]),
        Route("/_emulator/reset", guarded(reset_all), methods=["POST"]),
        Route("/_emulator/journal/unauthenticated", guarded(unauthenticated_journal), methods=["GET"]),
        Route("/_emulator/state", guarded(state_api.get_state(registry)), methods=["GET"]),
        Route("/_emulator/state", guarded(state_api.put_state(registry)), methods=["PUT"]),
        Route("/_emulator/state/save", guarded(state_api.save_state(registry)), methods=["POST"]),
        Route("/_emulator/state/load", guarded(state_api.load_state(registry)), methods=["POST"]),
        Route("/_emulator/tenants", guarded(list_tenants), methods=["GET"]),
        Route("/_emulator/tenants", guarded(create_tenant, 201), methods=["POST"]),
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
        Route(T + "/scenarios", guarded(lambda r: scenario_control.start_run(r, tenant_of(r), registry)),
              methods=["POST"]),
        Route(T + "/scenarios/{run}", guarded(lambda r: scenario_control.get_run(r, tenant_of(r))),
              methods=["GET"]),
    ]


def _int_arg(request: Request, name: str) -> int:
    raw = request.query_params.get(name, "0")
    try:
        return int(raw)
    except ValueError:
        raise ControlError(400, f"{name} must be an integer") from None
