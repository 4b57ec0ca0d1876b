"""Shared fixtures: an in-process emulator (registry + TestClient per listener) per test.

Tests talk HTTP to the real apps through starlette's TestClient; nothing of ours is mocked.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from starlette.testclient import TestClient

from emulators.core.world import merge
from emulators.registry import Registry
from emulators.server import listener_app
from emulators.vendors import load_vendors

from support.clock import FIXED_CLOCK, TEST_HOST  # tests run on a manual clock from a fixed instant


class Emu:
    """One emulator process-in-a-test: a registry and a TestClient per listener."""

    def __init__(self, vendors: tuple[str, ...], settings: dict[str, Any] | None = None,
                 seed: int = 0) -> None:
        self.registry = Registry(load_vendors(vendors), seed=seed,
                                 settings=merge(FIXED_CLOCK, settings or {}),
                                 allowed_hosts=[TEST_HOST])
        self._clients: dict[str, TestClient] = {}

    def client(self, listener: str) -> TestClient:
        """A TestClient (lifespan running) for the listener named ``listener``."""
        if listener not in self._clients:
            for spec in self.registry.vendors.values():
                for lst in spec.listeners:
                    if lst.name == listener:
                        client = TestClient(listener_app(self.registry, spec, lst))
                        client.__enter__()
                        self._clients[listener] = client
            if listener not in self._clients:
                raise KeyError(listener)
        return self._clients[listener]

    def tenant(self, vendor: str, tenant_id: str = "default") -> Any:
        tenant = self.registry.get(vendor, tenant_id)
        assert tenant is not None
        return tenant

    def close(self) -> None:
        for client in self._clients.values():
            client.__exit__(None, None, None)
        self._clients.clear()


@pytest.fixture
def emu_factory() -> Iterator[Any]:
    made: list[Emu] = []

    def make(*vendors: str, settings: dict[str, Any] | None = None, seed: int = 0) -> Emu:
        emu = Emu(vendors, settings, seed)
        made.append(emu)
        return emu

    yield make
    for emu in made:
        emu.close()


@pytest.fixture
def mini() -> Iterator[Any]:
    """A registry with only the ``mini`` test vendor (tests/support/minivendor.py), manual clock,
    and a TestClient on its listener."""
    from support.harness import MiniEmu  # tests/ is on sys.path: this conftest is no package's
    emu = MiniEmu()
    try:
        yield emu
    finally:
        emu.close()
