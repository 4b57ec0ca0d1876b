"""Scenarios in pytest: run a file against a vendor in-process and assert its expectations.

    from emulators.testing import run_scenario

    def test_transfer():
        run_scenario("transfer_blind", "kerauno").assert_expectations()   # a library scenario
        run_scenario("tests/flows/my_flow.yaml", "voipcloud").assert_expectations()  # a file

The telemock pytest plugin's ``scenario_runner`` fixture is this ``run_scenario``.
A scenario that does not apply to the vendor comes back ``skipped`` with the reason; call
``pytest.skip(result.reason)`` or use ``assert_or_skip`` to turn that into a pytest skip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .scenario.driver import ProgressFn, run_in_process
from .scenario.loader import load_file
from .scenario.model import Scenario
from .scenario.result import SKIPPED, Result
from .server import vendor_apps


def run_scenario(path: str | Path | Scenario, vendor: Any, *, seed: int | None = None,
                 webhook_url: str | None = None, speed: float | None = None,
                 progress: ProgressFn | None = None) -> Result:
    """Load (raising ScenarioError with file:line messages if malformed) and run on a fresh
    in-process tenant of ``vendor`` (a name, or a ``VendorSpec``). Instant unless ``speed``.
    ``path`` is a file, or the name of a library scenario (``"park"``; ``telemock scenario list``)."""
    scenario = path if isinstance(path, Scenario) else load_file(path)
    return run_in_process(scenario, vendor, apps_for=vendor_apps, seed=seed, webhook_url=webhook_url,
                          speed=speed, progress=progress)


def assert_or_skip(result: Result) -> Result:
    """``assert_expectations``, but a scenario that does not apply becomes a pytest skip."""
    if result.status == SKIPPED:
        import pytest
        pytest.skip(f"{result.scenario} on {result.vendor}: {result.reason}")
    return result.assert_expectations()
