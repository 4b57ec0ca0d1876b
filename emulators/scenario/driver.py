"""Driving a run: instant (timer to timer) or paced (``speed`` virtual seconds per wall second),
with webhooks sent between clock moves and API checks made through the vendor's app.

The run gets its own webhook dispatcher whose transport is the scenario's ``Receiver`` (so
``webhook_receiver`` faults work), attached to the tenant only while the run lasts; the
tenant's clock is held in ``manual`` mode meanwhile and given back its mode afterwards.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from typing import Any, Awaitable, Callable, TypeVar

from ..core.collector import collector_paused
from ..core.webhooks import Dispatcher
from ..core.world import DEFAULT_CLOCK_START, Tenant
from ..registry import DEFAULT_TENANT, Registry
from ..vendor import VendorSpec
from .api import ApiClients, AppsFor, check_api
from .model import Scenario
from .result import ERROR, Result
from .runner import Run

ProgressFn = Callable[[dict[str, Any]], None]
T = TypeVar("T")

PROGRESS_EVERY = 0.1
"""Wall seconds between progress reports."""
MAX_SLEEP = 0.25
"""Longest wall sleep in paced mode (keeps progress and cancellation responsive)."""


async def execute(run: Run, clients: ApiClients, *, speed: float | None = None,
                  progress: ProgressFn | None = None) -> Result:
    """Run to the end; ``speed`` None is instant mode."""
    if speed:
        return await _execute(run, clients, speed, progress)
    with collector_paused():
        return await _execute(run, clients, speed, progress)


async def _execute(run: Run, clients: ApiClients, speed: float | None,
                   progress: ProgressFn | None) -> Result:
    started = time.perf_counter()
    tenant = run.tenant
    dispatcher = Dispatcher(transport=run.receiver)
    await dispatcher.start()
    old_notify, old_mode = tenant.notify, tenant.clock.mode

    def notify(t: Tenant) -> None:
        run.kicked = True
        dispatcher.kick(t)

    tenant.notify = notify
    tenant.clock.set_mode("manual")
    last = 0.0
    try:
        if run.prepare():
            anchor_wall, anchor_virtual = time.perf_counter(), tenant.now()
            while not run.done:
                limit = math.inf if not speed else anchor_virtual + (time.perf_counter() - anchor_wall) * speed
                run.advance(limit=limit)
                if run.kicked:
                    run.kicked = False
                    await dispatcher.idle(tenant)
                while run.api_due:
                    cp = run.api_due.pop(0)
                    await check_api(run, cp.item, cp.index, clients)
                if progress is not None and time.perf_counter() - last >= PROGRESS_EVERY:
                    last = time.perf_counter()
                    progress(run.progress())
                if speed and not run.done and not run.kicked:
                    nxt = run.next_time()
                    if nxt is not None and nxt > limit:
                        due_wall = anchor_wall + (nxt - anchor_virtual) / speed
                        await asyncio.sleep(min(MAX_SLEEP, max(0.0, due_wall - time.perf_counter())))
                        continue
                await asyncio.sleep(0)  # let a server answer other requests between chunks
            if run.result.status != ERROR:
                for i, item in enumerate(run.scenario.expect.get("api", [])):
                    if "at" not in item:
                        await check_api(run, item, i, clients)
            await dispatcher.idle(tenant)
    finally:
        tenant.notify = old_notify
        tenant.clock.set_mode(old_mode)
        await dispatcher.stop()
        await run.receiver.aclose()
        await clients.aclose()
    result = run.finish(time.perf_counter() - started)
    if progress is not None:
        progress(run.progress())
    return result


def run_sync(coro: Awaitable[T]) -> T:
    """Run a coroutine to completion, also from inside a running event loop (in a thread)."""
    box: dict[str, Any] = {}

    async def into_box() -> None:
        # The task's own result stays None: asyncio.run's SIGINT bookkeeping formats the
        # task's repr, which would spell out a busy day's whole Result (20,000 webhook bodies).
        box["value"] = await coro

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(into_box())
        return box["value"]  # type: ignore[no-any-return]

    def target() -> None:
        try:
            asyncio.run(into_box())
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="telemock-scenario")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def resolve_vendor(vendor: str | VendorSpec) -> VendorSpec:
    if isinstance(vendor, VendorSpec):
        return vendor
    from ..vendors import load_vendors
    return load_vendors([vendor])[vendor]


def run_in_process(scenario: Scenario, vendor: str | VendorSpec, *, apps_for: "AppsFor",
                   seed: int | None = None, webhook_url: str | None = None,
                   speed: float | None = None, progress: ProgressFn | None = None) -> Result:
    """A fresh registry with this vendor; its default tenant (seeded, manual clock at the
    scenario's start) runs the scenario."""
    spec = resolve_vendor(vendor)
    seed = seed if seed is not None else (scenario.seed or 0)
    clock = {"start": scenario.start or DEFAULT_CLOCK_START, "mode": "manual", "speed": 1.0}
    registry = Registry({spec.name: spec}, seed=seed, settings={"clock": clock})
    tenant = registry.get(spec.name, DEFAULT_TENANT)
    assert tenant is not None
    run = Run(scenario, tenant, seed=seed, webhook_url=webhook_url)
    return run_sync(execute(run, ApiClients(apps_for(registry, spec)), speed=speed, progress=progress))
