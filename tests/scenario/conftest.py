"""Shared helpers of the scenario tests: the library, the broken corpus, the vendors."""

from __future__ import annotations

from pathlib import Path

from emulators.vendors import VENDOR_MODULES

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "emulators" / "scenario" / "library").glob("*.yaml"))
BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))
REAL_VENDORS = tuple(VENDOR_MODULES)
