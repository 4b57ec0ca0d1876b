"""The committed operation table is the catalog's (where the catalog is beside the checkout, as
in CI), and every catalog operation is served."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from emulators.daktela import api, catalog_table
from emulators.daktela.model import VENDOR

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT.parent / "shared" / "catalog" / "daktela.yaml"
PART_TWO = ("SMS", "SMSConnect", "Forms", "Events", "Activities", "Autodialer", "Emails")
"""Catalog sections of the second part (SMS, records and statuses, events, activities, e-mail)."""


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("daktela_table", ROOT / "tools" / "daktela_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not CATALOG.exists(), reason=f"no Daktela catalog at {CATALOG} (CI has it beside the checkout)")
def test_the_committed_table_is_the_catalogs() -> None:
    generator = _generator()
    expected = generator.render(generator.build(generator.load(CATALOG)))
    assert (ROOT / "emulators" / "daktela" / "catalog_table.json").read_text(encoding="utf-8") == expected, (
        "the catalog changed: run python tools/daktela_table.py and review the diff")


def test_every_operation_of_the_catalog_is_served() -> None:
    ids = [op["id"] for op in catalog_table.OPERATIONS]
    assert len(ids) == len(set(ids))
    assert set(api.SERVED) == set(ids)
    assert {op.options["catalog_id"] for op in api.OPERATIONS} == set(ids)


def test_every_section_of_the_catalog_is_served() -> None:
    sections = {op["section"] for op in catalog_table.OPERATIONS}
    assert set(PART_TWO) <= sections
    assert all(i.startswith(f"{VENDOR}.") for i in api.SERVED)
