"""The runner fires the instants between two actions in one go (``Clock.fire_due``, added for
the 100,000-contact campaign's speed) instead of one ``advance_to`` per instant. That changes
nothing: every library scenario, and a scaled-down busy day, gives the same result, the same
webhooks in the same order and the same events at the same instants as a run that moves the
clock instant by instant, as the runner did before."""

from __future__ import annotations

from typing import Any

import pytest

from emulators.core.world import DEFAULT_CLOCK_START
from emulators.registry import DEFAULT_TENANT, Registry
from emulators.scenario.api import ApiClients
from emulators.scenario.driver import execute, resolve_vendor, run_sync
from emulators.scenario.loader import load_file
from emulators.scenario.model import Scenario
from emulators.scenario.result import SKIPPED
from emulators.scenario.runner import Run
from emulators.server import vendor_apps

from .conftest import LIBRARY, REAL_VENDORS


class InstantByInstant(Run):
    """The reference: the clock moved to one instant at a time, the runner looking after each."""

    def _fire_instants(self, bound: float, budget: int) -> int:
        clock = self.tenant.clock
        due = clock.peek()
        assert due is not None and due <= bound
        clock.advance_to(due)
        return budget - 1


def _run(scenario: Scenario, vendor: str, run_class: type[Run]) -> tuple[Any, ...]:
    spec = resolve_vendor(vendor)
    seed = scenario.seed or 0
    clock = {"start": scenario.start or DEFAULT_CLOCK_START, "mode": "manual", "speed": 1.0}
    registry = Registry({spec.name: spec}, seed=seed, settings={"clock": clock})
    tenant = registry.get(spec.name, DEFAULT_TENANT)
    assert tenant is not None
    run = run_class(scenario, tenant, seed=seed)
    result = run_sync(execute(run, ApiClients(vendor_apps(registry, spec))))
    stats = {k: v for k, v in result.stats.items() if k != "wall_seconds"}
    checks = [(c.name, c.ok, c.actual) for c in result.checks]
    events = [(e.seq, e.at, e.type, e.call_id, e.agent_id, e.data) for e in tenant.events]
    return (result.status, result.reason, checks, result.notes, stats, result.webhook_bodies,
            result.api_answers, events, tenant.now())


@pytest.mark.parametrize("path", [p for p in LIBRARY if p.stem != "busy_day"], ids=lambda p: p.stem)
def test_batched_instants_change_nothing(path: Any) -> None:
    """On the first vendor the scenario applies to."""
    for vendor in REAL_VENDORS:
        batched = _run(load_file(path), vendor, Run)
        if batched[0] != SKIPPED:
            break
    assert batched[4]["events"] > 0, batched[1]
    assert batched == _run(load_file(path), vendor, InstantByInstant)


@pytest.mark.parametrize("vendor", REAL_VENDORS)
def test_batched_instants_change_nothing_on_a_busy_morning(vendor: str) -> None:
    """200 calls in 10 minutes: instants close together, webhooks made at most of them."""
    def scaled() -> Scenario:
        scenario = load_file(next(p for p in LIBRARY if p.stem == "busy_day"))
        scenario.generators[0].update(count=200, over="10m")
        scenario.expect = {}
        return scenario
    batched = _run(scaled(), vendor, Run)
    assert batched == _run(scaled(), vendor, InstantByInstant)
    assert batched[4]["calls"] == 200
