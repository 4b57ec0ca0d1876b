"""Where a contract's requests go: the emulator in this process, or a server at a base URL.

In-process, every contract starts from a freshly reset default tenant on a manual clock at the
project's fixed start, so the same contract gives the same bytes; a ``wait`` moves that clock.
A remote server (the vendor's sandbox, or a telemock elsewhere) is taken as it is: nothing is
reset, a ``wait`` waits, and its data is its own (``!example`` values are checked by type).
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Mapping

import httpx

from ..defaults import DEFAULT_CLOCK_START
from .model import ABSENT, Request

CONTROL = "/_emulator/tenants/default"
IN_PROCESS_HOST = "http://localhost"
"""The in-process emulator's base URL: answers that echo their URL (MyCalls' page links) say
``localhost``, as the vendor documents' own examples do."""
CLOCK = {"clock": {"start": DEFAULT_CLOCK_START, "mode": "manual", "speed": 1.0}}

class TargetError(ValueError):
    """The target cannot send what a contract asks (a port the vendor does not have)."""


AppWrapper = Callable[[Any], Any]
"""An ASGI middleware around each in-process listener app (tests alter answers with one)."""


class Target:
    name = ""
    lax = False
    """Compare ``!example`` values by type only (a server that does not hold the doc's data)."""
    credentials: Mapping[str, str] = {}
    listeners: tuple[str, ...] = ()

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def reset(self) -> None: ...

    async def wait(self, seconds: float) -> None: ...

    async def send(self, request: Request) -> httpx.Response:
        raise NotImplementedError

    @property
    def remote(self) -> bool:
        return False


class InProcess(Target):
    """The vendor's emulator, its listener apps called through httpx's ASGI transport."""

    def __init__(self, vendor: str, seed: int = 0, wrap: AppWrapper | None = None) -> None:
        from ..registry import Registry
        from ..server import listener_app
        from ..vendors import load_vendors

        spec = load_vendors([vendor])[vendor]
        self.vendor = vendor
        self.name = "emulator (in-process)"
        self.registry = Registry({vendor: spec}, seed=seed, settings=CLOCK)
        self.apps = {listener.name: listener_app(self.registry, spec, listener, lifespan=False)
                     for listener in spec.listeners}
        if wrap is not None:
            self.apps = {name: wrap(app) for name, app in self.apps.items()}
        self.listeners = tuple(self.apps)
        tenant = self.registry.get(vendor, "default")
        assert tenant is not None
        self.credentials = dict(tenant.credentials)
        self._clients: dict[str, httpx.AsyncClient] = {}

    async def start(self) -> None:
        await self.registry.start()
        self._clients = {name: httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=IN_PROCESS_HOST,
                                                 timeout=30)
                         for name, app in self.apps.items()}

    async def stop(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        await self.registry.stop()

    async def reset(self) -> None:
        await self._control("POST", "/reset")

    async def wait(self, seconds: float) -> None:
        await self._control("POST", "/clock/advance", {"seconds": seconds})

    async def _control(self, method: str, path: str, body: Any = None) -> None:
        client = self._clients[self.listeners[0]]
        response = await client.request(method, CONTROL + path, json=body)
        if response.status_code != 200:
            raise TargetError(f"the emulator's control plane refused {method} {path}: {response.text[:200]}")

    async def send(self, request: Request) -> httpx.Response:
        name = request.listener or self.listeners[0]
        if name not in self._clients:
            raise TargetError(f"{self.vendor} has no listener {name!r} (it has {', '.join(self.listeners)})")
        return await _send(self._clients[name], request)


class Remote(Target):
    """Any server at a base URL; a vendor with several ports gets one URL per listener."""

    def __init__(self, base_url: str, listener_urls: Mapping[str, str], listeners: tuple[str, ...],
                 credentials: Mapping[str, str], seeded: bool = False, timeout: float = 30.0) -> None:
        self.name = base_url
        self.base_url = base_url.rstrip("/")
        self.listener_urls = {k: v.rstrip("/") for k, v in listener_urls.items()}
        self.listeners = listeners
        self.credentials = dict(credentials)
        self.lax = not seeded
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None

    @property
    def remote(self) -> bool:
        return True

    async def start(self) -> None:
        self._client = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False)

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def wait(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def send(self, request: Request) -> httpx.Response:
        assert self._client is not None
        base = self.listener_urls.get(request.listener or "", self.base_url)
        return await _send(self._client, request, base)


async def _send(client: httpx.AsyncClient, request: Request, base: str = "") -> httpx.Response:
    kwargs: dict[str, Any] = {"params": dict(request.query), "headers": dict(request.headers)}
    if request.form is not None:
        kwargs["data"] = dict(request.form)
    elif request.json is not ABSENT:
        kwargs["json"] = request.json
    elif request.body is not None:
        kwargs["content"] = request.body.encode("utf-8")
    if request.content_type:
        kwargs["headers"]["content-type"] = request.content_type
    return await client.request(request.method, base + request.path, **kwargs)
