"""Every vendor's contracts pass against the emulator, each contract says truly whether it
changes state (judged by the vendor table's own ``mutates`` and the emulator's journal), and
every operation each port serves has a contract."""

from __future__ import annotations

from typing import Any

import pytest

from emulators.contracts.coverage import routed
from emulators.contracts.loader import load_vendor, vendors_with_contracts
from emulators.contracts.model import Request
from emulators.contracts.runner import PASSED, verify
from emulators.contracts.targets import InProcess
from emulators.vendors import VENDOR_MODULES, load_vendors

from .helpers import CONTRACTS

CHECKED = [v for v in vendors_with_contracts(CONTRACTS) if v in VENDOR_MODULES]
"""Emulated vendors with contracts (a vendor's contracts are added as data: docs/COVERAGE.md
shows which have none yet)."""


def test_every_emulated_vendor_has_contracts() -> None:
    assert set(CHECKED) == set(VENDOR_MODULES)


@pytest.mark.parametrize("vendor", CHECKED)
def test_contracts_pass_against_the_emulator(vendor: str) -> None:
    run = verify(load_vendor(CONTRACTS, vendor), InProcess(vendor))
    failed = {r.contract.id: [d.line() for d in r.drifts] or r.reason for r in run.results if r.outcome != PASSED}
    assert not failed
    assert len(run.results) >= len(load_vendors([vendor])[vendor].listeners[0].api.operations)


class Journalled(InProcess):
    """The in-process emulator, keeping what its journal says of each request sent (its
    operation, status, and the refusal when it refused): a vendor may refuse with HTTP 200."""

    def __init__(self, vendor: str) -> None:
        super().__init__(vendor)
        self.entries: dict[int, list[dict[str, Any]]] = {}
        self._new: list[dict[str, Any]] = []
        self.registry.on_request = lambda entry, seconds: self._new.append(entry)

    async def send(self, request: Request) -> Any:
        self._new = []
        response = await super().send(request)
        self.entries.setdefault(id(request), []).extend(self._new)
        return response


@pytest.mark.parametrize("vendor", CHECKED)
def test_contracts_that_reach_a_writing_operation_say_they_change_state(vendor: str) -> None:
    """A step the emulator answers, without refusing, by an operation its table marks
    ``mutates`` changes the vendor's state: its contract must say so (a live run skips it
    without --allow-writes)."""
    spec = load_vendors([vendor])[vendor]
    writing = {op.name for listener in spec.listeners for api in listener.apis for op in api.operations if op.mutates}
    target = Journalled(vendor)
    run = verify(load_vendor(CONTRACTS, vendor), target)
    reached = 0
    for result in run.results:
        for step in result.steps:
            if step.exchange is None:
                continue
            for entry in target.entries.get(id(step.exchange.request), []):
                if entry["operation"] in writing and "refusal" not in entry:
                    reached += 1
                    assert result.contract.state_changing, f"{result.contract.id}: {entry['method']} {entry['path']}"
    assert reached  # the journal was read


@pytest.mark.parametrize("vendor", CHECKED)
def test_every_operation_each_port_serves_has_a_contract(vendor: str) -> None:
    spec = load_vendors([vendor])[vendor]
    served = {(id(api), id(op)): (api, op) for listener in spec.listeners for api in listener.apis
              for op in api.operations}
    contracts = load_vendor(CONTRACTS, vendor).contracts
    covered = {(id(api), id(op)) for contract in contracts for api, op in routed(spec, contract)}
    missing = sorted(f"{api.title}: {op.name} {op.paths[0]}" for key, (api, op) in served.items() if key not in covered)
    assert not missing
    names = {op.name for _, op in served.values()}
    assert all(c.operation in names for c in contracts)  # a contract's operation is one of the tables'
