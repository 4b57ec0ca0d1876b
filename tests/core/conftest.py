"""Fixtures of the core tests: the ``mini`` test vendor served in-process or on a live port."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from support.harness import live_emulator


@pytest.fixture
def live_mini() -> Iterator[Any]:
    """The ``mini`` vendor served by uvicorn on a free loopback port (real sockets, real loop)."""
    with live_emulator() as live:
        yield live
