"""Which vendors telemock emulates, and loading their specs by name.

A small module of its own so that the CLI, the control plane, the scenario runner and the pytest
plugin can name vendors without importing the server (or each other).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .vendor import VendorSpec

VENDOR_MODULES: dict[str, str] = {
    "kerauno": "emulators.kerauno",
    "voipcloud": "emulators.voipcloud",
    "mycalls": "emulators.mycalls",
    "daktela": "emulators.daktela",
    "cpaas": "emulators.cpaas",
}
"""Every vendor telemock emulates, in the order ``serve`` starts them."""


def load_vendors(names: Iterable[str] | None = None) -> dict[str, "VendorSpec"]:
    """Specs by name (every vendor when ``names`` is empty); ValueError names unknown ones."""
    chosen = list(names) if names else list(VENDOR_MODULES)
    unknown = [n for n in chosen if n not in VENDOR_MODULES]
    if unknown:
        raise ValueError(f"unknown vendor(s): {', '.join(unknown)}; known: {', '.join(VENDOR_MODULES)}")
    return {name: importlib.import_module(VENDOR_MODULES[name]).SPEC for name in chosen}
