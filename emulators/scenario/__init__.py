"""Scenarios: vendor-neutral YAML call flows that run on a tenant's clock against any vendor,
emit that vendor's webhooks and check expectations (docs/SCENARIOS.md).

    from emulators.testing import run_scenario    # in pytest: run on an in-process vendor
    run_scenario("inbound_answered_first_ring", "kerauno").assert_expectations()

Names are imported on first use, so that ``telemock serve`` (whose control plane can start
runs) does not pay for the runner's or pytest's imports at start-up.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {"load_file": "loader", "load_text": "loader", "Scenario": "model", "ScenarioError": "model",
            "Result": "result"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(name)
