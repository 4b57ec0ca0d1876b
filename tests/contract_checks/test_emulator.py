"""Every vendor's contracts pass against the emulator, and each contract says truly whether it
changes state (judged by the vendor table's own ``mutates``)."""

from __future__ import annotations

import pytest

from emulators.contracts.loader import load_vendor, vendors_with_contracts
from emulators.contracts.runner import PASSED, verify
from emulators.contracts.targets import InProcess
from emulators.vendors import VENDOR_MODULES, load_vendors

from .helpers import CONTRACTS

CHECKED = [v for v in vendors_with_contracts(CONTRACTS) if v in VENDOR_MODULES]
"""Emulated vendors with contracts (a vendor's contracts are added as data: docs/COVERAGE.md
shows which have none yet)."""


def test_the_first_three_vendors_have_contracts() -> None:
    assert {"kerauno", "voipcloud", "mycalls"} <= set(CHECKED)


@pytest.mark.parametrize("vendor", CHECKED)
def test_contracts_pass_against_the_emulator(vendor: str) -> None:
    run = verify(load_vendor(CONTRACTS, vendor), InProcess(vendor))
    failed = {r.contract.id: [d.line() for d in r.drifts] or r.reason for r in run.results if r.outcome != PASSED}
    assert not failed
    assert len(run.results) >= len(load_vendors([vendor])[vendor].listeners[0].api.operations)


@pytest.mark.parametrize("vendor", CHECKED)
def test_contracts_that_reach_a_writing_operation_say_they_change_state(vendor: str) -> None:
    """A step answered with success by an operation its table marks ``mutates`` changes the
    vendor's state: its contract must say so (a live run skips it without --allow-writes)."""
    spec = load_vendors([vendor])[vendor]
    routers = {l.name: l.api.router for l in spec.listeners}
    run = verify(load_vendor(CONTRACTS, vendor), InProcess(vendor))
    for result in run.results:
        for step in result.steps:
            if step.exchange is None or step.exchange.status >= 300:
                continue
            request = step.exchange.request
            match = routers[request.listener or spec.listeners[0].name].match(request.path)
            assert match is not None, (result.contract.id, request.path)
            ops = match[0][request.method]
            if any(op.mutates for op in ops):
                assert result.contract.state_changing, f"{result.contract.id}: {request.method} {request.path}"


@pytest.mark.parametrize("vendor", CHECKED)
def test_every_operation_of_the_table_has_a_contract(vendor: str) -> None:
    names = {op.name for listener in load_vendors([vendor])[vendor].listeners for op in listener.api.operations}
    covered = {c.operation for c in load_vendor(CONTRACTS, vendor).contracts}
    assert names <= covered
    assert covered <= names  # a contract's operation is one of the table's
