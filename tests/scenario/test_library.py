"""Every library scenario against every real vendor: it passes, or it does not apply to that
vendor for a reason the run states (a feature the vendor's dialect says it lacks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulators.scenario.capabilities import capabilities_of
from emulators.scenario.driver import resolve_vendor
from emulators.scenario.loader import load_file
from emulators.scenario.result import PASSED, SKIPPED
from emulators.testing import run_scenario

from .conftest import LIBRARY, REAL_VENDORS

SMALL = [p for p in LIBRARY if p.stem != "busy_day"]


@pytest.mark.parametrize("vendor", REAL_VENDORS)
def test_vendor_dialect_declares_its_features(vendor: str) -> None:
    """The runner asks the dialect what it can express; undeclared means 'everything'."""
    caps = capabilities_of(resolve_vendor(vendor).dialect)
    assert caps.declared, (f"{vendor}'s dialect has no `features` attribute; the scenario runner then "
                           "assumes every feature (see docs/SCENARIOS.md, 'What a vendor has')")


@pytest.mark.parametrize("vendor", REAL_VENDORS)
@pytest.mark.parametrize("path", SMALL, ids=lambda p: p.stem)
def test_library_scenario(path: Path, vendor: str) -> None:
    result = run_scenario(path, vendor)
    if result.status == SKIPPED and result.reason.startswith("the scenario applies to"):
        assert vendor not in load_file(path).vendors
        return
    if result.status == SKIPPED:
        caps = capabilities_of(resolve_vendor(vendor).dialect)
        lacking = [f for f in ("webhooks", "park", "hold", "transfer", "dtmf", "pause", "agent_login",
                               "queue_login", "campaigns") if not caps.has(f)]
        assert lacking and any(f in result.reason for f in lacking), result.report()
        return
    result.assert_expectations()
    assert result.checks, "a scenario that checks nothing proves nothing"


@pytest.mark.parametrize("path", SMALL, ids=lambda p: p.stem)
def test_library_scenario_applies_somewhere(path: Path) -> None:
    statuses = {run_scenario(path, vendor).status for vendor in REAL_VENDORS}
    assert PASSED in statuses


def test_busy_day_scaled_down_per_vendor() -> None:
    """The library's busy day at 300 calls over 15 minutes (the full day is bench/busy_day.py)."""
    for vendor in REAL_VENDORS:
        scenario = load_file(next(p for p in LIBRARY if p.stem == "busy_day"))
        scenario.generators[0].update(count=300, over="15m")
        for total in scenario.expect["totals"]:
            total.update(calls=300, dispositions={"answered": {"min": 200}})
        scenario.expect["events"]["count"] = {"CallCreated": 300, "CallEnded": 300}
        for block in scenario.expect.get("webhooks", []):
            block["count"] = {"CALL_STARTED": 300, "CALL_ENDED": 300}
        result = run_scenario(scenario, vendor)
        result.assert_expectations()
        assert result.stats["calls"] == 300
