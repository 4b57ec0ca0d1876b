"""docs/COVERAGE.md lists every catalog operation of all five vendors and is current; the catalog
index in contracts/_catalog keeps in step with the operation catalog when that is at hand."""

from __future__ import annotations

import pytest
import yaml

from emulators.contracts.catalog import VENDORS, default_catalog, load_index, render_all
from emulators.contracts.coverage import NOT_YET, collect
from emulators.contracts.loader import load_vendor, read_yaml, vendors_with_contracts
from emulators.contracts.publish import COVERAGE, documents
from emulators.vendors import VENDOR_MODULES

from .helpers import CONTRACTS, ROOT

CHECKED = [v for v in vendors_with_contracts(CONTRACTS) if v in VENDOR_MODULES]
"""Emulated vendors with contracts: every operation of their documents is implemented and has a
passing contract."""


def _rows(page: str, vendor: str) -> dict[str, list[str]]:
    return {op.id: [c.strip() for c in next(line for line in page.splitlines()
                                            if line.startswith(f"| `{op.id}` |")).strip("|").split("|")]
            for op in load_index(ROOT, vendor)}


def test_coverage_page_is_current() -> None:
    current = (ROOT / COVERAGE).read_text(encoding="utf-8")
    assert current == documents(ROOT)[COVERAGE], "docs/COVERAGE.md is out of date: run `telemock contracts publish`"


def test_coverage_lists_every_catalog_operation_of_every_vendor() -> None:
    page = (ROOT / COVERAGE).read_text(encoding="utf-8")
    assert set(VENDORS) == set(VENDOR_MODULES)  # every vendor of the catalog is emulated
    for vendor in VENDORS:
        assert f"## {vendor}" in page
        for op_id, cells in _rows(page, vendor).items():
            assert cells[2] != NOT_YET, f"{op_id} is not served"
    assert sum(len(load_index(ROOT, v)) for v in VENDORS) == 121  # the catalog's operation count


def test_every_implemented_catalog_operation_has_a_passing_contract() -> None:
    page = (ROOT / COVERAGE).read_text(encoding="utf-8")
    assert set(CHECKED) == set(VENDOR_MODULES)
    for vendor in CHECKED:
        for op_id, cells in _rows(page, vendor).items():
            contracts, passing = int(cells[3]), cells[4]
            assert contracts >= 1 and passing == f"{contracts}/{contracts}", (op_id, cells)


def test_what_is_served_beyond_the_document_has_passing_contracts() -> None:
    for vendor in collect(ROOT):
        assert not vendor.orphans, [r.contract.id for r in vendor.orphans]
        for row in vendor.extras:
            assert row.passing, (vendor.vendor, row.api.title, row.op.name)
    assert "Served beyond `voipcloud.txt`:" in (ROOT / COVERAGE).read_text(encoding="utf-8")


def test_contracts_name_catalog_operations_and_examples_that_exist() -> None:
    for vendor in vendors_with_contracts(CONTRACTS):
        ops = {op.id: op for op in load_index(ROOT, vendor)}
        for contract in load_vendor(CONTRACTS, vendor).contracts:
            if contract.catalog not in ops:
                continue  # beyond the document: the test above finds it its operation
            if contract.example is not None:
                assert contract.example in ops[contract.catalog].examples, contract.id


def test_catalog_skeletons_are_contract_yaml() -> None:
    """The skeletons read with the contracts' own YAML reader (a helper copies them as they are)."""
    for vendor in VENDORS:
        index = read_yaml(ROOT / "contracts" / "_catalog" / f"{vendor}.yaml")
        assert index["vendor"] == vendor and index["operations"]


def test_the_catalog_index_is_in_step_with_the_operation_catalog() -> None:
    catalog = default_catalog(ROOT)
    if not catalog.is_dir():
        pytest.skip(f"the operation catalog is not beside this checkout ({catalog}); "
                    "contracts/_catalog is checked against it where it is")
    for vendor, text in render_all(catalog).items():
        committed = (ROOT / "contracts" / "_catalog" / f"{vendor}.yaml").read_text(encoding="utf-8")
        assert committed == text, f"contracts/_catalog/{vendor}.yaml is out of date: run `telemock contracts generate`"
        assert yaml.safe_load(committed)["vendor"] == vendor
