"""Scenario runs through the control plane of a running server.

``POST /_emulator/tenants/{tid}/scenarios`` (YAML body; query ``seed``, ``speed``,
``webhook_url``, ``name``) starts a run on that tenant and answers 202 with its id;
``GET /_emulator/tenants/{tid}/scenarios/{run}`` answers its status, progress and, once it is
over, its result. The run is a task on the server's event loop: it advances in bounded chunks
and yields between them, so the server keeps answering while a long scenario runs.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from ..control.body import read_limited
from ..control.errors import ControlError
from ..core.world import Tenant

if TYPE_CHECKING:  # the runner is imported on the first run, not when the server starts
    from ..control.plane import ControlPlane
    from ..registry import Registry
    from .api import ApiClients, AppsFor
    from .result import Result
    from .runner import Run

log = logging.getLogger(__name__)
RUNNING = "running"
KEEP_RUNS = 50
"""Finished runs kept per tenant (oldest forgotten first)."""


@dataclass
class RunRecord:
    id: str
    run: "Run"
    status: str = RUNNING
    result: "Result | None" = None
    task: "asyncio.Future[Any] | None" = field(default=None, repr=False)

    def view(self) -> dict[str, Any]:
        out: dict[str, Any] = {"run": self.id, "status": self.status, "scenario": self.run.scenario.name,
                               "vendor": self.run.vendor, "tenant": self.run.tenant.id,
                               "progress": self.run.progress()}
        if self.result is not None:
            out["result"] = self.result.to_dict()
        return out


_RUNS: "weakref.WeakKeyDictionary[Tenant, dict[str, RunRecord]]" = weakref.WeakKeyDictionary()
_COUNTERS: "weakref.WeakKeyDictionary[Tenant, int]" = weakref.WeakKeyDictionary()


def runs_of(tenant: Tenant) -> list[RunRecord]:
    """The scenario runs of ``tenant`` this server remembers, oldest first (at most
    ``KEEP_RUNS`` finished ones, plus the one running)."""
    return list(_RUNS.get(tenant, {}).values())


@functools.lru_cache(maxsize=1)
def _parser() -> ThreadPoolExecutor:
    """The one thread that loads scenarios posted to the control plane (made on first use)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="telemock-scenario-parse")


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def _options(request: Request) -> tuple[int | None, float | None, str | None]:
    q = request.query_params
    seed = q.get("seed")
    speed = q.get("speed")
    if seed is not None and not seed.isdigit():
        raise ValueError("seed must be a whole number")
    speed_value = None
    if speed not in (None, "", "instant"):
        try:
            speed_value = float(str(speed))
        except ValueError:
            raise ValueError("speed must be a positive number or 'instant'") from None
        if not (speed_value > 0 and math.isfinite(speed_value)):
            raise ValueError("speed must be a positive number or 'instant'")
    return (int(seed) if seed is not None else None), speed_value, q.get("webhook_url") or None


def routes(plane: "ControlPlane", apps_for: "AppsFor") -> list[BaseRoute]:
    """The scenario-run routes, behind the control plane's access rules (the server adds them)."""
    from ..control.access import JSON_TYPES, YAML_TYPES
    from ..control.plane import TENANT

    async def start(request: Request) -> Response:
        return await start_run(request, plane.tenant_of(request), plane.registry, apps_for)

    async def get(request: Request) -> Response:
        return await get_run(request, plane.tenant_of(request))

    return [plane.route(TENANT + "/scenarios", start, ["POST"], body_types=(*YAML_TYPES, *JSON_TYPES)),
            plane.route(TENANT + "/scenarios/{run}", get, ["GET"])]


async def start_run(request: Request, tenant: Tenant, registry: "Registry", apps_for: "AppsFor") -> Response:
    """Validate the YAML body (nothing is applied if it is malformed), then start the run."""
    from .api import ApiClients
    from .loader import load_text
    from .model import ScenarioError
    from .runner import Run

    try:
        raw = await read_limited(request)
    except ControlError as exc:
        return _error(exc.status, exc.message)
    name = request.query_params.get("name") or "scenario.yaml"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _error(400, "the scenario must be UTF-8 text")
    try:
        # Off the event loop, one at a time: a large file takes seconds to parse and check,
        # and every port of the server shares this loop.
        scenario = await asyncio.get_running_loop().run_in_executor(_parser(), load_text, text, name)
    except ScenarioError as exc:
        return _error(400, "invalid scenario", problems=[str(p) for p in exc.problems])
    try:
        seed, speed, webhook_url = _options(request)
    except ValueError as exc:
        return _error(400, str(exc))
    runs = _RUNS.setdefault(tenant, {})
    if any(r.status == RUNNING for r in runs.values()):
        return _error(409, "a scenario is already running on this tenant")
    spec = registry.vendors[tenant.dialect.name]
    _COUNTERS[tenant] = _COUNTERS.get(tenant, 0) + 1
    record = RunRecord(f"run_{_COUNTERS[tenant]:04d}", Run(scenario, tenant, seed=seed, webhook_url=webhook_url))
    runs[record.id] = record
    for old in [k for k, r in runs.items() if r.status != RUNNING][:-KEEP_RUNS]:
        del runs[old]
    record.task = asyncio.ensure_future(_drive(record, ApiClients(apps_for(registry, spec)), speed))
    body = record.view()
    body["url"] = f"/_emulator/tenants/{tenant.id}/scenarios/{record.id}"
    return JSONResponse(body, status_code=202)


async def _drive(record: RunRecord, clients: "ApiClients", speed: float | None) -> None:
    from .driver import execute
    from .result import ERROR

    try:
        record.result = await execute(record.run, clients, speed=speed)
    except Exception as exc:  # a bug must not leave the run "running" forever
        log.exception("scenario run %s failed", record.id)
        result = record.run.result
        result.status, result.reason = ERROR, f"internal error: {type(exc).__name__}: {exc}"
        record.result = result
    record.status = record.result.status


async def get_run(request: Request, tenant: Tenant) -> Response:
    record = _RUNS.get(tenant, {}).get(request.path_params["run"])
    if record is None:
        return _error(404, f"no scenario run {request.path_params['run']!r} on tenant {tenant.id!r}")
    return JSONResponse(record.view())
