"""MyCalls test helpers: an HTTP client on one in-process emulator and its control plane.

Everything goes through HTTP (the vendor API and ``/_emulator``); nothing of ours is mocked.
"""

from __future__ import annotations

from typing import Any, Callable

import httpx
import pytest

KEY = "89e801bcc21f430aa1ff6edb5421af31"
"""mycalls.txt, app-list example: the default tenant's API key."""
APP = "4e11fe2082b044b4a3b55718c79c29d5"
WALKTHROUGH_APP = "21c50d57625040419a7bef92ea4c6c6c"
CALL_LOG_APP = "1a11fe2082b044b4a3b55718c79c29d5"
VIRTUAL = "33047316"
ANIL = "971670XXXX"
T = "/_emulator/tenants"
NO_LIMIT = {"rate_limit": {"limit": 0}}
QUICK_TALK = {"sim": {"talk_min": 5, "talk_max": 5}}
"""Every answered call talks 5 s (tests that count who answered what)."""


class MC:
    """The MyCalls API and the control plane of one tenant of an in-process emulator."""

    def __init__(self, emu: Any, tid: str = "default", key: str = KEY) -> None:
        self.emu = emu
        self.http = emu.client("mycalls")
        self.tid = tid
        self.key = key

    # -- vendor API ---------------------------------------------------------------------
    def get(self, path: str, apikey: str | None = None, via: str = "header", **params: Any) -> httpx.Response:
        """A GET with the key in the ``X-APIKey`` header (``via="query"``: as ``apikey``;
        ``apikey=""``: no key at all)."""
        apikey = self.key if apikey is None else apikey
        headers = {"X-APIKey": apikey} if apikey and via == "header" else {}
        if apikey and via == "query":
            params["apikey"] = apikey
        return self.http.get(path, params=params, headers=headers)

    def post(self, path: str, apikey: str | None = None, **form: Any) -> httpx.Response:
        """A POST of ``form`` with the key in the ``X-APIKey`` header."""
        apikey = self.key if apikey is None else apikey
        return self.http.post(path, data=form, headers={"X-APIKey": apikey} if apikey else {})

    def ok(self, verb: str, path: str, /, **kwargs: Any) -> Any:
        """The JSON of a GET (``kwargs``: query) or POST (``kwargs``: form) that must succeed."""
        r = self.get(path, **kwargs) if verb == "GET" else self.post(path, **kwargs)
        assert r.status_code == 200, (path, r.status_code, r.text)
        return r.json()

    def verify_and_add(self, number: str, name: str, app: str = APP, group: str = "default",
                       **extra: Any) -> None:
        """The walkthrough: verify (pending), send the key the control plane shows, add."""
        assert self.ok("POST", f"/api/v1/app/{app}/verifyagent", number=number,
                       method="sms") == {"verification": "pending"}
        key = next(v["key"] for v in self.verifications()["pending"] if v["number"] == number)
        assert self.ok("POST", f"/api/v1/app/{app}/verifyagent", number=number,
                       key=key) == {"verification": "passed"}
        assert self.ok("POST", f"/api/v1/app/{app}/ag/{group}/addAgent", number=number, name=name,
                       **extra) == {"result": "success"}

    def call_log(self, app: str = APP, **params: Any) -> dict[str, Any]:
        return self.ok("GET", f"/api/v1/app/{app}/calls", **params)

    def new_calls(self, since: str, app: str = APP) -> list[dict[str, Any]]:
        """Every call newer than ``since``, oldest first (all pages)."""
        first = self.call_log(app, since=since)
        calls = list(first["data"])
        for pg in range(2, first["page"]["totalPages"] + 1):
            calls += self.call_log(app, since=since, pg=pg)["data"]
        return calls[::-1]

    # -- control plane ------------------------------------------------------------------
    def control(self, method: str, path: str, json: Any = None) -> Any:
        r = self.http.request(method, f"{T}/{self.tid}{path}", json=json)
        assert r.status_code < 300, r.text
        return r.json()

    def verifications(self) -> dict[str, Any]:
        return self.control("GET", "/mycalls/verifications")

    def settings(self, patch: dict[str, Any]) -> dict[str, Any]:
        return self.control("PATCH", "/settings", patch)

    def advance(self, seconds: float) -> dict[str, Any]:
        return self.control("POST", "/clock/advance", {"seconds": seconds})

    def inbound(self, cli: str, to: str = VIRTUAL) -> dict[str, Any]:
        return self.control("POST", "/calls", {"from": cli, "to": to})

    def snapshot(self) -> dict[str, Any]:
        snap = self.control("GET", "/snapshot")
        snap.pop("requests", None)
        snap.pop("limiter", None)
        return snap

    def new_tenant(self, **body: Any) -> "MC":
        r = self.http.post(T, json=body)
        assert r.status_code == 201, r.text
        info = r.json()
        return MC(self.emu, info["id"], info["credentials"]["apikey"])

    @property
    def tenant(self) -> Any:
        return self.emu.tenant("mycalls", self.tid)


@pytest.fixture
def mc_factory(emu_factory: Callable[..., Any]) -> Callable[..., MC]:
    def make(settings: dict[str, Any] | None = None, seed: int = 0) -> MC:
        return MC(emu_factory("mycalls", settings=settings, seed=seed))
    return make


@pytest.fixture
def mc(mc_factory: Callable[..., MC]) -> MC:
    return mc_factory()
