"""CPaaS test helpers: the API of one in-process emulator with its control plane beside it.

Everything goes through HTTP (the vendor API and ``/_emulator``); nothing of ours is mocked.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import httpx
import pytest

ACCOUNT_1, ACCOUNT_2 = "account_1", "account_2"
DOC_CLOCK = {"clock": {"start": "2023-07-20T00:00:00Z", "mode": "manual", "speed": 1.0}}
"""The document's time: its examples' callbacks (2023-08-15) and campaigns (2023-09-25) lie ahead."""


class CP:
    """The CPaaS API and the control plane of one in-process emulator."""

    def __init__(self, emu: Any) -> None:
        self.emu = emu
        self.http = emu.client("cpaas")
        self.creds = self.tenant_info("default")["credentials"]

    # -- vendor API ---------------------------------------------------------------------
    def headers(self, account: str = ACCOUNT_1, tid: str = "default") -> dict[str, str]:
        creds = self.creds if tid == "default" else self.tenant_info(tid)["credentials"]
        return {"account": account, "auth": creds[account]}

    def request(self, method: str, op: str, body: Any = None, *, account: str = ACCOUNT_1,
                headers: dict[str, str] | None = None, path: str | None = None) -> httpx.Response:
        sent = self.headers(account) if headers is None else headers
        kwargs: dict[str, Any] = {"headers": sent}
        if body is not None:
            kwargs["json"] = body
        return self.http.request(method, path or f"/api/{op}", **kwargs)

    def post(self, op: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.request("POST", op, body, **kw)

    def get(self, op: str, **kw: Any) -> httpx.Response:
        return self.request("GET", op, **kw)

    def ok(self, method: str, op: str, body: Any = None, **kw: Any) -> dict[str, Any]:
        """The ``response`` of a success (asserting it)."""
        r = self.request(method, op, body, **kw)
        assert r.status_code == 200, r.text
        inner = r.json()["response"]
        assert inner["success"] == "true", r.text
        return dict(inner)

    def refused(self, method: str, op: str, body: Any = None, **kw: Any) -> tuple[int, str]:
        """(status, message) of a refusal in the envelope."""
        r = self.request(method, op, body, **kw)
        assert r.status_code >= 400, r.text
        inner = r.json()["response"]
        assert inner["success"] == "false" and list(inner) == ["message", "success"], r.text
        return r.status_code, inner["message"]

    def cdrs(self, account: str = ACCOUNT_1, **body: Any) -> list[dict[str, Any]]:
        body = {"start_call_date": "1970-01-01", "end_call_date": "2999-12-31", "record_count": "10000", **body}
        r = self.post("get_cdr_by_date", body, account=account)
        return [] if r.status_code == 404 else list(r.json()["response"]["result"])

    def live(self, account: str = ACCOUNT_1) -> dict[str, int]:
        return dict(self.ok("GET", "get_live_call_statistics", account=account)["result"])

    # -- control plane ------------------------------------------------------------------
    def control(self, method: str, path: str, body: Any = None) -> Any:
        r = self.http.request(method, "/_emulator" + path, json=body)
        assert r.status_code < 300, r.text
        return r.json()

    def tenant_info(self, tid: str) -> dict[str, Any]:
        return self.control("GET", f"/tenants/{tid}")

    def advance(self, seconds: float, tid: str = "default") -> dict[str, Any]:
        return self.control("POST", f"/tenants/{tid}/clock/advance", {"seconds": seconds})

    def now(self, tid: str = "default") -> float:
        return float(self.control("GET", f"/tenants/{tid}/clock")["now"])

    def snapshot(self, tid: str = "default") -> dict[str, Any]:
        return self.control("GET", f"/tenants/{tid}/snapshot")

    def settings(self, patch: dict[str, Any], tid: str = "default") -> dict[str, Any]:
        return self.control("PATCH", f"/tenants/{tid}/settings", patch)

    def live_calls(self, tid: str = "default") -> list[dict[str, Any]]:
        return self.control("GET", f"/tenants/{tid}/cpaas/live_calls")

    def parties(self, behaviours: dict[str, dict[str, Any]], tid: str = "default") -> None:
        """How outside numbers behave when called (answer_after, talk, fault, latency): set
        through a snapshot restored with them, as a scenario world sets them."""
        snap = self.snapshot(tid)
        snap["parties"].update(behaviours)
        self.control("POST", f"/tenants/{tid}/restore", snap)


def state_of(snapshot: dict[str, Any]) -> str:
    """A tenant snapshot minus its request journal and rate limiter, as text: what a rejected
    request must not touch."""
    return json.dumps({k: v for k, v in snapshot.items() if k not in ("requests", "limiter")}, sort_keys=True)


@pytest.fixture
def cp_factory(emu_factory: Callable[..., Any]) -> Callable[..., CP]:
    def make(settings: dict[str, Any] | None = None, seed: int = 0) -> CP:
        return CP(emu_factory("cpaas", settings=settings, seed=seed))
    return make


@pytest.fixture
def cp(cp_factory: Callable[..., CP]) -> CP:
    """The default tenant on the tests' fixed clock (2026-01-05T14:00:00Z, manual)."""
    return cp_factory()


@pytest.fixture
def doc(cp_factory: Callable[..., CP]) -> CP:
    """The default tenant on the document's clock (2023-07-20T00:00:00Z, manual)."""
    return cp_factory(DOC_CLOCK)
