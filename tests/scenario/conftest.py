"""Shared helpers of the scenario tests: the library, the broken corpus, the vendors."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "scenarios").glob("*.yaml"))
BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))
REAL_VENDORS = ("kerauno", "voipcloud", "cpaas")
