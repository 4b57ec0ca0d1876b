"""VoIPcloud test helpers: an HTTP client bound to one emulator, the control plane beside it.

Everything goes through HTTP (the vendor API and ``/_emulator``); nothing of ours is mocked.
"""

from __future__ import annotations

from typing import Any, Callable

import httpx
import pytest

API = "/api/integration/v1/"
OPS = ("get-user-calls", "get-queue-calls", "get-ringgroup-calls", "call-to-number",
       "get-system-status")
LISTS = ("get-user-calls", "get-queue-calls", "get-ringgroup-calls")
NAMES_PARAM = {"get-user-calls": "users_names", "get-queue-calls": "queues_names",
               "get-ringgroup-calls": "ringgroups_names"}
API2 = "/api/integration/v2/"
"""Integration API v2: the lists and call-to-number, no get-system-status."""
OPS2 = ("get-user-calls", "get-queue-calls", "get-ringgroup-calls", "call-to-number")
NO_LIMIT = {"rate_limit": {"limit": 0}}
"""Tenant settings for tests that send many requests."""


class VC:
    """The VoIPcloud API and the control plane of one in-process emulator."""

    def __init__(self, emu: Any) -> None:
        self.emu = emu
        self.http = emu.client("voipcloud")
        self.key = self.tenant_info("default")["credentials"]["api_key"]

    # -- vendor API ---------------------------------------------------------------------
    def call(self, op: str, method: str | None = None, key: str | None = None,
             **kwargs: Any) -> httpx.Response:
        """One API request; the ``token`` header carries ``key`` (default: the default
        tenant's; pass ``key=""`` to send no header)."""
        headers = dict(kwargs.pop("headers", {}) or {})
        key = self.key if key is None else key
        if key:
            headers["token"] = key
        method = method or ("POST" if op == "call-to-number" else "GET")
        return self.http.request(method, API + op, headers=headers, **kwargs)

    def data(self, op: str, key: str | None = None, **params: Any) -> Any:
        """The ``data`` of a successful GET (asserting success)."""
        r = self.call(op, key=key, params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["code"] == 200 and body["description"] == "Success"
        return body["data"]

    def everything(self, op: str, key: str | None = None, **params: Any) -> list[dict[str, Any]]:
        return self.data(op, key=key, limit=10000, **params)

    # -- vendor API v2 ------------------------------------------------------------------
    def call2(self, op: str, method: str | None = None, key: str | None = None,
              **kwargs: Any) -> httpx.Response:
        """One v2 request (the ``token`` header as ``call``)."""
        headers = dict(kwargs.pop("headers", {}) or {})
        key = self.key if key is None else key
        if key:
            headers["token"] = key
        method = method or ("POST" if op == "call-to-number" else "GET")
        return self.http.request(method, API2 + op, headers=headers, **kwargs)

    def data2(self, op: str, key: str | None = None, **params: Any) -> Any:
        """The ``data`` of a successful v2 GET (asserting the v2 success envelope)."""
        r = self.call2(op, key=key, params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        assert list(body) == ["status", "message", "code", "data"], body
        assert (body["status"], body["message"], body["code"]) == ("success", "Success", 200)
        return body["data"]

    def everything2(self, op: str, key: str | None = None, **params: Any) -> list[dict[str, Any]]:
        return self.data2(op, key=key, limit=10000, **params)

    # -- control plane ------------------------------------------------------------------
    def control(self, method: str, path: str, json: Any = None) -> Any:
        r = self.http.request(method, "/_emulator" + path, json=json)
        assert r.status_code < 300, r.text
        return r.json()

    def tenant_info(self, tid: str) -> dict[str, Any]:
        return self.control("GET", f"/tenants/{tid}")

    def create_tenant(self, **body: Any) -> dict[str, Any]:
        return self.control("POST", "/tenants", body)

    def settings(self, patch: dict[str, Any], tid: str = "default") -> dict[str, Any]:
        return self.control("PATCH", f"/tenants/{tid}/settings", patch)

    def advance(self, seconds: float, tid: str = "default") -> dict[str, Any]:
        return self.control("POST", f"/tenants/{tid}/clock/advance", {"seconds": seconds})

    def snapshot(self, tid: str = "default") -> dict[str, Any]:
        return self.control("GET", f"/tenants/{tid}/snapshot")

    def restore(self, snap: dict[str, Any], tid: str = "default") -> dict[str, Any]:
        return self.control("POST", f"/tenants/{tid}/restore", snap)

    def reset(self, tid: str = "default") -> dict[str, Any]:
        return self.control("POST", f"/tenants/{tid}/reset")

    def journal(self, tid: str = "default") -> list[dict[str, Any]]:
        return self.control("GET", f"/tenants/{tid}/journal/requests")

    def calls(self, tid: str = "default") -> list[dict[str, Any]]:
        return self.control("GET", f"/tenants/{tid}/calls")


def state_of(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A tenant snapshot minus its request journal: what a rejected request must not touch."""
    return {k: v for k, v in snapshot.items() if k != "requests"}


@pytest.fixture
def vc_factory(emu_factory: Callable[..., Any]) -> Callable[..., VC]:
    def make(settings: dict[str, Any] | None = None, seed: int = 0) -> VC:
        return VC(emu_factory("voipcloud", settings=settings, seed=seed))
    return make


@pytest.fixture
def vc(vc_factory: Callable[..., VC]) -> VC:
    """The default tenant with its default settings (rate limit on: 100 / 15 min)."""
    return vc_factory()


@pytest.fixture
def vcx(vc_factory: Callable[..., VC]) -> VC:
    """The default tenant with the rate limit off, for tests that send many requests."""
    return vc_factory(NO_LIMIT)
