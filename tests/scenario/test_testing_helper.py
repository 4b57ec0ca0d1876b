"""The pytest helper people use in their own suites."""

from __future__ import annotations

from typing import Any

import pytest

from emulators.scenario.loader import load_text
from emulators.testing import assert_or_skip, run_scenario

from .conftest import LIBRARY
from support.minivendor import QUIET, TOY


def test_fixture_runs_a_library_file(scenario_runner: Any) -> None:
    result = scenario_runner(next(p for p in LIBRARY if p.stem == "park"), "kerauno")
    assert result.assert_expectations() is result


def test_assert_expectations_raises_with_the_report() -> None:
    scenario = load_text("name: x\nworld:\n  agents: [{id: a1, extension: 2001}]\ntimeline:\n"
                         "  - inbound_call: {id: c1, from: '1', to: 2001}\n"
                         "expect:\n  cdrs: {c1: {disposition: busy}}\n", "x.yaml")
    with pytest.raises(AssertionError, match=r"x\.yaml:7: expect\.cdrs\.c1\.disposition"):
        run_scenario(scenario, TOY).assert_expectations()


def test_assert_or_skip_turns_not_applicable_into_a_skip() -> None:
    scenario = load_text("name: x\nvendors: [toy]\ntimeline: []\n", "x.yaml", ["toy", "quiet"])
    with pytest.raises(pytest.skip.Exception, match="applies to toy only"):
        assert_or_skip(run_scenario(scenario, QUIET))
    assert assert_or_skip(run_scenario(scenario, TOY)).passed


def test_works_inside_a_running_event_loop() -> None:
    import asyncio

    async def inside() -> str:
        return run_scenario(next(p for p in LIBRARY if p.stem == "hold_resume"), "voipcloud").status

    assert asyncio.run(inside()) == "passed"
