"""A Daktela emulator per test (the doc's contact centre on a manual clock at the test start)
and small request helpers."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from .helpers import TOKEN, T


class Dak:
    """The default tenant's API and control plane through one TestClient."""

    def __init__(self, emu: Any) -> None:
        self.emu = emu
        self.client = emu.client("daktela")

    @property
    def tenant(self) -> Any:
        return self.emu.tenant("daktela")

    def call(self, action: str, version: str = "4.1", fmt: str = "json", *, token: str = TOKEN,
             method: str = "GET", rid: str | None = None, **params: Any) -> Any:
        path = f"/api/{version}/{action}/{rid + '/' if rid else ''}{fmt}"
        query = {"access_token": token, **params} if token else dict(params)
        if method == "GET":
            return self.client.get(path, params=query)
        return self.client.request(method, path, data=query)

    def ok(self, action: str, version: str = "4.1", **params: Any) -> Any:
        """The ``result`` of a successful answer (asserting it succeeded)."""
        r = self.call(action, version, **params)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["status"] == 1 and body["error"] is None, body
        return body.get("result")

    def error(self, action: str, version: str = "4.1", **params: Any) -> str:
        r = self.call(action, version, **params)
        body = r.json()
        assert list(body) == ["error", "status"] and body["status"] == 0, body
        return str(body["error"])

    def advance(self, seconds: float) -> None:
        r = self.client.post(f"{T}/default/clock/advance", json={"seconds": seconds})
        assert r.status_code == 200, r.text

    def inject(self, caller: str, dialed: str) -> str:
        r = self.client.post(f"{T}/default/calls", json={"from": caller, "to": dialed})
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    def settings(self, patch: dict[str, Any]) -> None:
        r = self.client.patch(f"{T}/default/settings", json=patch)
        assert r.status_code == 200, r.text


@pytest.fixture
def dak(emu_factory: Any) -> Iterator[Dak]:
    yield Dak(emu_factory("daktela"))
