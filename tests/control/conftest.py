"""Fixtures of the control-plane tests: the ``mini`` test vendor (tests/core/minivendor.py)."""

from __future__ import annotations

from typing import Iterator

import pytest

from core.harness import MiniEmu


@pytest.fixture
def mini() -> Iterator[MiniEmu]:
    """A registry with only the ``mini`` vendor, manual clock, and a TestClient on its listener."""
    emu = MiniEmu()
    try:
        yield emu
    finally:
        emu.close()
