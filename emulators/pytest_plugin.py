"""pytest plugin: one telemock server per test session, a fresh tenant per test.

Registered through the ``pytest11`` entry point ``telemock``, so it loads in every pytest run of
anyone who installs telemock: at import it needs only the standard library and pytest, and it
starts nothing until a test asks for ``telemock`` (a factory of fresh tenants, deleted after the
test) or ``telemock_server`` (the session's server: in-process by default, uvicorn on a free
loopback port in a thread with every vendor under ``/<listener>``, or ``--telemock-url``). Under
pytest-xdist each worker process starts its own server. Usage: docs/PYTEST_PLUGIN.md.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

import pytest

from .control_client import ControlError, answer, every_page
from .defaults import ADMIN_TOKEN_ENV
from .defaults import DEFAULT_CLOCK_START as FIXED_START  # every tenant the plugin makes starts here

if TYPE_CHECKING:  # heavy imports happen only when a fixture is used
    import httpx

    from .registry import Registry

SETTLED = ("delivered", "failed", "no_target")
"""Webhook delivery states that no longer change without a redelivery."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("telemock", "telemock vendor emulators")
    group.addoption("--telemock-url", action="append", default=[], metavar="URL|LISTENER=URL",
                    help="use a running telemock instead of starting one: the URL of a single-port "
                         "server (listeners under /<listener>), or LISTENER=URL per listener port "
                         "(repeatable)")
    group.addoption("--telemock-admin-token", default=None, metavar="TOKEN",
                    help=f"control-plane token of that server (default ${ADMIN_TOKEN_ENV})")
    group.addoption("--telemock-vendor", action="append", default=[], metavar="NAME",
                    help="vendors the in-process server starts (repeatable; default all)")
    group.addoption("--telemock-seed", type=int, default=0, metavar="N",
                    help="seed of the in-process server's default tenants (default 0)")


class TelemockError(ControlError):
    """The control plane refused a request (status and its error message)."""


class LiveServer:
    """An ASGI app served by uvicorn on a loopback port, in a daemon thread with its own loop.

    The socket is bound here (port 0 = the OS picks a free one), so there is no race between
    choosing a port and binding it. Usable as a context manager.
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0,
                 log_level: str = "warning", **options: Any) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.log_level = log_level
        self.options = options
        """Further ``uvicorn.Config`` settings (e.g. ``http``: the protocol class, ``lifespan``)."""
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> str:
        import uvicorn

        class _ThreadServer(uvicorn.Server):
            def install_signal_handlers(self) -> None:  # the main thread owns signals
                return None

        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, **{"lifespan": "on", "log_level": self.log_level, "access_log": False,
                                             **self.options})
        self._server = _ThreadServer(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"telemock-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                sock.close()
                raise RuntimeError(f"telemock server on {self.url} did not start")
            time.sleep(0.005)
        return self.url

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        self._server = self._thread = None

    def __enter__(self) -> "LiveServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _load_specs(names: Iterable[str] | None) -> dict[str, Any]:
    """Vendor specs by name; with no names, every vendor whose package is installed."""
    import importlib

    from .vendors import VENDOR_MODULES, load_vendors

    if names:
        return load_vendors(names)
    specs: dict[str, Any] = {}
    for name, module in VENDOR_MODULES.items():
        try:
            specs[name] = importlib.import_module(module).SPEC
        except ModuleNotFoundError as exc:  # a vendor not shipped in this build; others still work
            if exc.name != module:
                raise
        except AttributeError:  # package present but not yet exporting SPEC (in development)
            pass
    return specs


def _gateway(specs: dict[str, Any], root: str) -> tuple[dict[str, str], dict[str, str]]:
    """Each listener's base URL and control-plane root on a single-port server at ``root``."""
    urls: dict[str, str] = {}
    roots: dict[str, str] = {}
    for spec in specs.values():
        for listener in spec.listeners:
            urls[listener.name], control = listener.gateway_urls(root)
            roots[listener.name] = control.removesuffix("/_emulator")
    return urls, roots


class TelemockServer:
    """Where the session's emulators listen, and an admin client for their control plane."""

    def __init__(self, specs: dict[str, Any], urls: dict[str, str], token: str | None,
                 registry: "Registry | None" = None, live: LiveServer | None = None,
                 control_roots: dict[str, str] | None = None) -> None:
        import httpx

        self.specs = specs
        self.urls = urls
        """Base URL of each listener (the vendor's paths are served below it)."""
        self.control_roots = control_roots or dict(urls)
        """Where each listener's ``/_emulator`` is (its base URL, unless single-port mode
        serves the vendor's paths elsewhere: Kerauno's ``/kerauno/api/...``)."""
        self.registry = registry
        """The in-process registry (None when using ``--telemock-url``)."""
        self._live = live
        headers = {"x-telemock-admin-token": token} if token else {}
        first = next((self.control_roots[l.name] for spec in specs.values() for l in spec.listeners
                      if l.name in self.control_roots), "")
        self.admin: httpx.Client = httpx.Client(base_url=first, headers=headers, timeout=30.0)
        """An httpx client for the control plane (carries the admin token, if any). Its base URL
        is the first vendor's, so ``admin.get("/_emulator/health")`` asks that one; any other's
        is at ``control_url(vendor)``."""

    @classmethod
    def in_process(cls, vendors: Iterable[str] | None = None, seed: int = 0) -> "TelemockServer":
        from .registry import Registry
        from .server import gateway_app

        specs = _load_specs(vendors)
        registry = Registry(specs, seed=seed,
                            settings={"clock": {"start": FIXED_START, "mode": "manual", "speed": 1.0}})
        live = LiveServer(gateway_app(registry))
        urls, roots = _gateway(specs, live.start())
        return cls(specs, urls, None, registry, live, roots)

    @classmethod
    def remote(cls, targets: Iterable[str], token: str | None,
               vendors: Iterable[str] | None = None) -> "TelemockServer":
        specs = _load_specs(vendors)
        urls: dict[str, str] = {}
        roots: dict[str, str] = {}
        for target in targets:
            name, sep, url = target.partition("=")
            if sep and "://" not in name:
                urls[name] = roots[name] = url.rstrip("/")
            else:  # a single-port server: every listener under /<name>
                more_urls, more_roots = _gateway(specs, target)
                urls.update(more_urls)
                roots.update(more_roots)
        return cls(specs, urls, token, control_roots=roots)

    def vendor_urls(self, vendor: str) -> dict[str, str]:
        """Listener name -> base URL, for the listeners of ``vendor`` this server serves."""
        if vendor not in self.specs:
            raise KeyError(f"telemock has no vendor {vendor!r}; known: {', '.join(self.specs)}")
        found = {l.name: self.urls[l.name] for l in self.specs[vendor].listeners if l.name in self.urls}
        if not found:
            raise KeyError(f"no URL for vendor {vendor!r}; pass --telemock-url LISTENER=URL")
        return found

    def control_url(self, vendor: str) -> str:
        """The URL of ``vendor``'s control plane (``.../_emulator``)."""
        return self.control_roots[next(iter(self.vendor_urls(vendor)))] + "/_emulator"

    def close(self) -> None:
        self.admin.close()
        if self.registry is not None:  # an open dashboard stream would hold the shutdown
            from .dashboard import close_streams
            close_streams(self.registry)
        if self._live is not None:
            self._live.stop()


def _control(server: TelemockServer, method: str, url: str, **kwargs: Any) -> Any:
    try:
        return answer(server.admin.request(method, url, **kwargs), url)
    except ControlError as exc:  # the plugin's own name for it, as its users catch it
        raise TelemockError(exc.status, exc.message, url, exc.detail) from None


def _control_list(server: TelemockServer, url: str, params: dict[str, Any] | None = None) -> list[Any]:
    """Every entry of a paged control-plane list (docs/CONTROL_API.md, "Lists")."""
    try:
        return every_page(server.admin, url, params)
    except ControlError as exc:
        raise TelemockError(exc.status, exc.message, url, exc.detail) from None


class TenantClock:
    """The tenant's virtual clock, read and moved through the control plane."""

    def __init__(self, tenant: "TelemockTenant") -> None:
        self._tenant = tenant

    def info(self) -> dict[str, Any]:
        """``now`` (epoch seconds), ``iso``, ``mode``, ``speed``, ``pending_timers``, ``next_timer``."""
        return self._tenant.control("GET", "/clock")

    def now(self) -> float:
        """Virtual time, epoch seconds."""
        return float(self.info()["now"])

    def now_iso(self) -> str:
        return str(self.info()["iso"])

    def advance(self, seconds: float) -> int:
        """Move the clock forward; every timer due by then fires in order. Returns how many fired."""
        return int(self._tenant.control("POST", "/clock/advance", json={"seconds": seconds})["fired"])

    def advance_to(self, instant: str | float) -> int:
        """Move to an ISO 8601 instant (or epoch seconds); never backwards."""
        if not isinstance(instant, str):
            instant = datetime.fromtimestamp(float(instant), tz=timezone.utc).isoformat()
        return int(self._tenant.control("POST", "/clock/advance", json={"to": instant})["fired"])

    def set_mode(self, mode: str, speed: float | None = None) -> dict[str, Any]:
        """``manual`` | ``auto`` | ``realtime`` (with ``speed`` virtual seconds per wall second)."""
        body: dict[str, Any] = {"mode": mode}
        if speed is not None:
            body["speed"] = speed
        return self._tenant.control("PUT", "/clock", json=body)


class TelemockTenant:
    """A tenant of one vendor: credentials, an HTTP client for the vendor API, clock, journals."""

    def __init__(self, server: TelemockServer, vendor: str, info: dict[str, Any]) -> None:
        self.server = server
        self.vendor = vendor
        self.id: str = info["id"]
        self.credentials: dict[str, str] = dict(info["credentials"])
        self.base_urls = server.vendor_urls(vendor)
        """Listener name -> base URL (a vendor with two ports has two)."""
        self.base_url = next(iter(self.base_urls.values()))
        """Base URL of the vendor's main listener; the vendor's own paths go below it."""
        self.clock = TenantClock(self)
        self._control_base = f"{server.control_url(vendor)}/tenants/{self.id}"
        self._clients: dict[str, httpx.Client] = {}

    # -- the vendor API -----------------------------------------------------------------
    @property
    def client(self) -> "httpx.Client":
        """An httpx client with ``base_url`` set to the vendor's main listener."""
        return self.client_for(next(iter(self.base_urls)))

    def client_for(self, listener: str) -> "httpx.Client":
        import httpx

        if listener not in self._clients:
            self._clients[listener] = httpx.Client(base_url=self.base_urls[listener], timeout=30.0)
        return self._clients[listener]

    # -- the control plane --------------------------------------------------------------
    def control(self, method: str, path: str = "", **kwargs: Any) -> Any:
        """Call the control plane at ``/_emulator/tenants/<id>`` + ``path``: the path is
        relative to this tenant (``control("GET", "/clock")``, ``control("POST", "/reset")``);
        raises ``TelemockError`` on a 4xx/5xx."""
        return _control(self.server, method, self._control_base + path, **kwargs)

    def control_list(self, path: str, **params: Any) -> list[Any]:
        """Every entry of the list at ``/_emulator/tenants/<id><path>`` (all of its pages)."""
        return _control_list(self.server, self._control_base + path, params)

    def info(self) -> dict[str, Any]:
        return self.control("GET")

    def requests(self, since: int = 0) -> list[dict[str, Any]]:
        """The request journal: every vendor request with operation and status."""
        return self.control_list("/journal/requests", since=since)

    def webhooks(self, state: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        """The webhook journal: every delivery with its attempts (status, error, time)."""
        params: dict[str, Any] = {"since": since}
        if state is not None:
            params["state"] = state
        return self.control_list("/journal/webhooks", **params)

    def wait_for_webhooks(self, n: int, timeout: float = 5.0,
                          states: Iterable[str] = SETTLED) -> list[dict[str, Any]]:
        """Wait until at least ``n`` deliveries are in ``states`` (default: settled, i.e.
        delivered, failed or without target) and return those. Deliveries that are retrying
        wait on the tenant clock: advance it to let retries happen."""
        wanted = set(states)
        deadline = time.monotonic() + timeout
        while True:
            seen = self.webhooks()
            done = [d for d in seen if d["state"] in wanted]
            if len(done) >= n:
                return done
            if time.monotonic() > deadline:
                summary = ", ".join(f"{d['id']}:{d['state']}" for d in seen) or "none"
                raise TimeoutError(f"{len(done)} of {n} webhooks in {sorted(wanted)} after "
                                   f"{timeout}s (deliveries: {summary})")
            time.sleep(0.01)

    def events(self, type: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"since": since}
        if type is not None:
            params["type"] = type
        return self.control_list("/events", **params)

    def calls(self) -> list[dict[str, Any]]:
        return self.control_list("/calls")

    def inject_call(self, caller: str, dialed: str, name: str = "") -> dict[str, Any]:
        """An inbound call from ``caller`` to ``dialed`` (a DID, queue number or extension)."""
        return self.control("POST", "/calls", json={"from": caller, "to": dialed, "name": name})

    def agents(self) -> list[dict[str, Any]]:
        return self.control("GET", "/agents")

    def settings(self) -> dict[str, Any]:
        return self.control("GET", "/settings")

    def configure(self, patch: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """Merge a settings patch, e.g. ``configure(webhooks={"url": receiver})``."""
        return self.control("PATCH", "/settings", json={**(patch or {}), **kwargs})

    def reset(self) -> dict[str, Any]:
        return self.control("POST", "/reset")

    def snapshot(self) -> dict[str, Any]:
        return self.control("GET", "/snapshot")

    def restore(self, snapshot: dict[str, Any]) -> dict[str, Any]:
        return self.control("POST", "/restore", json=snapshot)

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def __repr__(self) -> str:
        return f"<TelemockTenant {self.vendor}/{self.id} at {self.base_url}>"


def create_tenant(server: TelemockServer, vendor: str, *, seed: int | None = None,
                  settings: dict[str, Any] | None = None,
                  credentials: dict[str, str] | None = None,
                  tenant_id: str | None = None) -> TelemockTenant:
    """Create a tenant on ``server`` (manual clock from ``FIXED_START`` unless ``settings`` say
    otherwise, also on a ``telemock serve`` whose default clock is realtime)."""
    clock = {"start": FIXED_START, "mode": "manual", "speed": 1.0, **(settings or {}).get("clock", {})}
    given = (("seed", seed), ("credentials", credentials), ("id", tenant_id))
    body: dict[str, Any] = {k: v for k, v in given if v is not None}
    body["settings"] = {**(settings or {}), "clock": clock}
    info = _control(server, "POST", f"{server.control_url(vendor)}/tenants", json=body)
    return TelemockTenant(server, vendor, info)


@pytest.fixture(scope="session")
def telemock_server(request: pytest.FixtureRequest) -> Iterator[TelemockServer]:
    """The session's telemock: started in this process, or the one ``--telemock-url`` names."""
    config = request.config
    vendors = config.getoption("telemock_vendor") or None
    targets = config.getoption("telemock_url")
    if targets:
        token = config.getoption("telemock_admin_token") or os.environ.get(ADMIN_TOKEN_ENV)
        server = TelemockServer.remote(targets, token, vendors)
    else:
        server = TelemockServer.in_process(vendors, seed=config.getoption("telemock_seed"))
    yield server
    server.close()


@pytest.fixture
def telemock(telemock_server: TelemockServer) -> Iterator[Callable[..., TelemockTenant]]:
    """Factory of fresh tenants, ``telemock(vendor, seed=, settings=, credentials=)``; deleted after."""
    made: list[TelemockTenant] = []

    def make(vendor: str, *, seed: int | None = None, settings: dict[str, Any] | None = None,
             credentials: dict[str, str] | None = None) -> TelemockTenant:
        made.append(create_tenant(telemock_server, vendor, seed=seed, settings=settings,
                                  credentials=credentials))
        return made[-1]

    yield make
    for tenant in made:
        tenant.close()
        try:
            tenant.control("DELETE")
        except TelemockError as exc:
            if exc.status != 404:  # the test deleted it itself
                raise


@pytest.fixture
def scenario_runner() -> Callable[..., Any]:
    """``scenario_runner(path, vendor, seed=None) -> Result``: run a scenario file on a fresh
    in-process tenant; ``.assert_expectations()`` fails the test with what differed."""
    from .testing import run_scenario  # loaded only when a test asks for it
    return run_scenario
