"""The process-wide store of tenants, per vendor, and the services they share.

Like moto's ``BackendDict``, but keyed by vendor and tenant id. Each vendor has a ``default``
tenant seeded with its doc's own data and credentials; more tenants are created through the
control plane, each with fresh random credentials and nothing shared.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
from typing import Any, Iterable

from .core.journal import RequestJournal
from .core.webhooks import Dispatcher
from .core.world import Tenant
from .vendor import VendorSpec

DEFAULT_TENANT = "default"
TICK_SECONDS = 0.02
AUTO_STEPS_PER_TICK = 5000


class TenantExists(ValueError):
    pass


class Registry:
    def __init__(self, vendors: dict[str, VendorSpec], *, seed: int = 0,
                 settings: dict[str, Any] | None = None, admin_token: str | None = None,
                 allowed_hosts: Iterable[str] = ()) -> None:
        self.vendors = vendors
        self.seed = seed
        """Seed of every default tenant (and of new tenants that name none)."""
        self.settings = settings or {}
        """Settings overrides applied to every tenant this registry creates (e.g. clock mode)."""
        self.admin_token = admin_token
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        """``Host`` names the control plane answers without an admin token besides loopback
        ones (e.g. ``testserver``, what starlette's TestClient sends)."""
        self.dispatcher = Dispatcher()
        self.tenants: dict[str, dict[str, Tenant]] = {name: {} for name in vendors}
        self._by_credential: dict[tuple[str, str], Tenant] = {}
        self._unauthenticated = {name: RequestJournal() for name in vendors}
        self._counter = itertools.count(1)
        self._started = 0
        self._ticker: asyncio.Task[None] | None = None
        for name in vendors:
            self.create(name, DEFAULT_TENANT)

    # -- tenants ------------------------------------------------------------------------
    def create(self, vendor: str, tenant_id: str | None = None, *, seed: int | None = None,
               settings: dict[str, Any] | None = None,
               credentials: dict[str, str] | None = None) -> Tenant:
        spec = self.vendors[vendor]
        tenant_id = tenant_id or f"t{next(self._counter):04d}"
        if tenant_id in self.tenants[vendor]:
            raise TenantExists(tenant_id)
        from .core.world import merge
        overrides = merge(self.settings, settings or {})
        tenant = Tenant(tenant_id, spec.dialect, self.seed if seed is None else seed, overrides)
        if tenant_id != DEFAULT_TENANT:
            tenant.credentials = spec.new_credentials(tenant)
        if credentials:
            tenant.credentials.update(credentials)
        for field_name in spec.credential_fields:
            value = tenant.credentials.get(field_name)
            if value and (vendor, value) in self._by_credential:
                raise TenantExists(f"credential {field_name} already in use")
        self.dispatcher.attach(tenant)
        self.tenants[vendor][tenant_id] = tenant
        self._index(vendor, tenant)
        return tenant

    def _index(self, vendor: str, tenant: Tenant) -> None:
        for field_name in self.vendors[vendor].credential_fields:
            value = tenant.credentials.get(field_name)
            if value:
                self._by_credential[(vendor, value)] = tenant

    def get(self, vendor: str, tenant_id: str) -> Tenant | None:
        return self.tenants.get(vendor, {}).get(tenant_id)

    def delete(self, vendor: str, tenant_id: str) -> bool:
        tenant = self.tenants[vendor].pop(tenant_id, None)
        if tenant is None:
            return False
        for key in [k for k, v in self._by_credential.items() if v is tenant]:
            del self._by_credential[key]
        return True

    def find(self, vendor: str, credential: str) -> Tenant | None:
        """The tenant a credential value addresses, or None."""
        return self._by_credential.get((vendor, credential))

    def reset_all(self, vendor: str) -> None:
        """Back to the start: only the default tenant, freshly seeded."""
        for tenant_id in [t for t in self.tenants[vendor] if t != DEFAULT_TENANT]:
            self.delete(vendor, tenant_id)
        self.tenants[vendor][DEFAULT_TENANT].reset()
        self._unauthenticated[vendor] = RequestJournal()

    def unauthenticated(self, vendor: str) -> RequestJournal:
        """Journal of requests that no tenant could be found for."""
        return self._unauthenticated[vendor]

    def all_tenants(self) -> list[Tenant]:
        return [t for per_vendor in self.tenants.values() for t in per_vendor.values()]

    # -- shared services ----------------------------------------------------------------
    async def start(self) -> None:
        """Start the dispatcher and the clock ticker (idempotent: every app's lifespan calls it)."""
        self._started += 1
        if self._started > 1:
            return
        await self.dispatcher.start()
        self._ticker = asyncio.ensure_future(self._tick_forever())

    async def stop(self) -> None:
        self._started -= 1
        if self._started > 0:
            return
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        await self.dispatcher.stop()

    def tick(self) -> None:
        """Move realtime clocks to now and let auto clocks run what is due."""
        for tenant in self.all_tenants():
            clock = tenant.clock
            if clock.mode == "realtime":
                clock.sync()
            elif clock.mode == "auto":
                steps = 0
                while steps < AUTO_STEPS_PER_TICK and clock.step():
                    steps += 1

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            self.tick()


def random_secret(length: int = 40) -> str:
    """A credential for a new tenant: ``length`` random hex digits. Random, not derived from
    the tenant id: no tenant can work out another's, nor a re-created id its predecessor's."""
    return secrets.token_hex((length + 1) // 2)[:length]
