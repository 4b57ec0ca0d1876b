"""``telemock scenario run --target URL``: run on a running ``telemock serve`` through its
control plane — a new tenant (seeded, manual clock at the scenario's start), the YAML posted to
``/_emulator/tenants/{tid}/scenarios``, then its status polled until the run is over.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any, Callable

import httpx

from ..core.world import DEFAULT_CLOCK_START
from .driver import ProgressFn
from .model import Scenario
from .result import Check, Result

POLL_SECONDS = 0.2


def _json(response: httpx.Response, what: str) -> Any:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code >= 400:
        detail = body.get("error") if isinstance(body, dict) else response.text[:200]
        problems = body.get("problems", []) if isinstance(body, dict) else []
        raise ValueError(f"{what}: HTTP {response.status_code}: {detail}" +
                         "".join(f"\n  {p}" for p in problems))
    return body


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
    headers = {"X-Telemock-Admin-Token": token} if token else {}
    with httpx.Client(base_url=target.rstrip("/"), headers=headers, timeout=30.0) as client:
        try:
            health = _json(client.get("/_emulator/health"), "control plane")
        except httpx.HTTPError as exc:
            raise ValueError(f"cannot reach {target}: {exc}") from None
        served = health.get("vendor")
        if vendor and served != vendor:
            raise ValueError(f"{target} serves {served}, not {vendor}")
        chosen_seed = seed if seed is not None else (scenario.seed or 0)
        clock = {"start": scenario.start or DEFAULT_CLOCK_START, "mode": "manual", "speed": 1.0}
        tenant = _json(client.post("/_emulator/tenants", json={"seed": chosen_seed, "settings": {"clock": clock}}),
                       "create tenant")
        if on_tenant is not None:
            on_tenant(target, tenant)
        try:
            return _run_on(client, tenant, scenario, chosen_seed, webhook_url, speed, progress, timeout)
        finally:
            if not keep:
                with contextlib.suppress(httpx.HTTPError):
                    client.delete(f"/_emulator/tenants/{tenant['id']}")


def _run_on(client: httpx.Client, tenant: dict[str, Any], scenario: Scenario, chosen_seed: int,
            webhook_url: str | None, speed: float | None, progress: ProgressFn | None,
            timeout: float | None) -> Result:
    params = {"seed": str(chosen_seed), "name": scenario.file}
    if speed:
        params["speed"] = str(speed)
    if webhook_url:
        params["webhook_url"] = webhook_url
    started = _json(client.post(f"/_emulator/tenants/{tenant['id']}/scenarios", params=params,
                                content=scenario.source.encode("utf-8"),
                                headers={"content-type": "application/yaml"}), "start scenario")
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        state = _json(client.get(started["url"]), "scenario status")
        if progress is not None:
            progress(state.get("progress", {}))
        if state["status"] != "running":
            return result_from(state["result"])
        if deadline is not None and time.monotonic() > deadline:
            raise ValueError(f"the run {started['run']} is still going after {timeout}s")
        time.sleep(POLL_SECONDS)
