"""The ``mini`` test vendor in-process (``MiniEmu``, TestClient) or live (``live_emulator``,
uvicorn on a free loopback port), with helpers for its control plane and its API."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import httpx
from starlette.testclient import TestClient

from emulators.pytest_plugin import LiveServer
from emulators.registry import Registry
from emulators.server import listener_app

from . import minivendor
from .clock import FIXED_CLOCK, START, TEST_HOST  # noqa: F401  (re-exported for the tests)
from .minivendor import SPEC
from .receiver import HANG_UP, Receiver, Slow, free_port, wait_until  # noqa: F401  (re-exported)

T = "/_emulator/tenants"
JSON_BODY = {"content-type": "application/json"}
"""Headers of a raw control-plane body (``json=`` sets them itself; ``content=`` does not)."""


def new_registry(admin_token: str | None = None, seed: int = 0) -> Registry:
    return Registry({"mini": SPEC}, seed=seed, settings=FIXED_CLOCK, admin_token=admin_token,
                    allowed_hosts=[TEST_HOST])


class MiniEmu:
    """The ``mini`` vendor behind starlette's TestClient (lifespan running)."""

    def __init__(self, admin_token: str | None = None, client_host: str = "testclient",
                 registry: Registry | None = None) -> None:
        self.registry = registry or new_registry(admin_token)
        self.app = listener_app(self.registry, SPEC, SPEC.listeners[0])
        self.client = TestClient(self.app, client=(client_host, 50000))
        self.client.__enter__()

    def close(self) -> None:
        self.client.__exit__(None, None, None)

    # -- control plane ------------------------------------------------------------------
    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        """A control-plane call that must succeed with ``status``; returns its JSON."""
        response = self.client.request(method, path, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()

    def create(self, **body: Any) -> dict[str, Any]:
        return self.ok("POST", T, 201, json=body)

    def tenant(self, tenant_id: str) -> Any:
        tenant = self.registry.get("mini", tenant_id)
        assert tenant is not None
        return tenant

    # -- the vendor API -----------------------------------------------------------------
    def api(self, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, path, headers={"token": token}, **kwargs)


class LiveMini:
    """The ``mini`` vendor on a real loopback port, with an httpx client."""

    def __init__(self, registry: Registry, server: LiveServer) -> None:
        self.registry = registry
        self.server = server
        self.url = server.url
        self.http = httpx.Client(base_url=server.url, timeout=10.0)

    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.http.request(method, path, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()

    def create(self, **body: Any) -> dict[str, Any]:
        return self.ok("POST", T, 201, json=body)

    def api(self, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, headers={"token": token}, **kwargs)


@contextlib.contextmanager
def live_emulator(admin_token: str | None = None) -> Iterator[LiveMini]:
    registry = new_registry(admin_token)
    with LiveServer(listener_app(registry, SPEC, SPEC.listeners[0])) as server:
        live = LiveMini(registry, server)
        try:
            yield live
        finally:
            live.http.close()


def mini_token() -> str:
    return minivendor.DEFAULT_TOKEN
