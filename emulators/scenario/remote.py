"""``telemock scenario run --target URL``: run on a running ``telemock serve`` through its
control plane — a new tenant (seeded, manual clock at the scenario's start), the YAML posted to
``/_emulator/tenants/{tid}/scenarios``, then its status polled until the run is over.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any, Callable

from ..control_client import ControlClient, ControlError
from ..defaults import DEFAULT_CLOCK_START
from .driver import ProgressFn
from .model import Scenario
from .result import Check, Result

POLL_SECONDS = 0.2


def result_from(data: dict[str, Any]) -> Result:
    fields = {k: v for k, v in data.items() if k in Result.__dataclass_fields__}
    fields["checks"] = [Check(**c) for c in data.get("checks", [])]
    return Result(**fields)


def run_remote(scenario: Scenario, target: str, vendor: str | None, *, seed: int | None,
               webhook_url: str | None, speed: float | None, token: str | None,
               progress: ProgressFn | None = None, timeout: float | None = None, keep: bool = True,
               on_tenant: Callable[[str, dict[str, Any]], None] | None = None) -> Result:
    """Run on a new tenant of ``target`` (reported to ``on_tenant`` as soon as it exists),
    deleted afterwards unless ``keep``, whatever the run's end."""
    import httpx
    control = ControlClient(target, token)
    try:
        try:
            health = control.health()
        except httpx.HTTPError as exc:
            raise ValueError(f"cannot reach {target}: {exc}") from None
        served = health.get("vendor")
        if vendor and served != vendor:
            raise ValueError(f"{target} serves {served}, not {vendor}")
        chosen_seed = seed if seed is not None else (scenario.seed or 0)
        clock = {"start": scenario.start or DEFAULT_CLOCK_START, "mode": "manual", "speed": 1.0}
        tenant = control.create_tenant(seed=chosen_seed, settings={"clock": clock})
        if on_tenant is not None:
            on_tenant(target, tenant)
        try:
            return _run_on(control, tenant, scenario, chosen_seed, webhook_url, speed, progress, timeout)
        finally:
            if not keep:
                with contextlib.suppress(httpx.HTTPError, ControlError):
                    control.delete_tenant(tenant["id"])
    except ControlError as exc:
        problems = exc.detail.get("problems", []) if isinstance(exc.detail, dict) else []
        raise ValueError(f"{exc.url}: HTTP {exc.status}: {exc.message}" +
                         "".join(f"\n  {p}" for p in problems)) from None
    finally:
        control.close()


def _run_on(control: ControlClient, tenant: dict[str, Any], scenario: Scenario, chosen_seed: int,
            webhook_url: str | None, speed: float | None, progress: ProgressFn | None,
            timeout: float | None) -> Result:
    params = {"seed": str(chosen_seed), "name": scenario.file}
    if speed:
        params["speed"] = str(speed)
    if webhook_url:
        params["webhook_url"] = webhook_url
    started = control.request("POST", f"/tenants/{tenant['id']}/scenarios", params=params,
                              content=scenario.source.encode("utf-8"),
                              headers={"content-type": "application/yaml"})
    status_path = started["url"].removeprefix("/_emulator")
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        state = control.request("GET", status_path)
        if progress is not None:
            progress(state.get("progress", {}))
        if state["status"] != "running":
            return result_from(state["result"])
        if deadline is not None and time.monotonic() > deadline:
            raise ValueError(f"the run {started['run']} is still going after {timeout}s")
        time.sleep(POLL_SECONDS)
