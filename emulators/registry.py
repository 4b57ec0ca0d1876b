"""The process-wide store of tenants, per vendor, and the services they share.

Like moto's ``BackendDict``, but keyed by vendor and tenant id. Each vendor has a ``default``
tenant seeded with its doc's own data and credentials; more tenants are created through the
control plane, each with fresh random credentials and nothing shared.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import TYPE_CHECKING, Any, Callable, Iterable

from .core.errors import TenantFailed
from .core.journal import RequestJournal
from .core.webhooks import Dispatcher
from .core.world import Tenant
from .vendor import VendorSpec

if TYPE_CHECKING:
    from .persistence import StateStore

log = logging.getLogger(__name__)

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
        self.next_tenant = 1
        """Number of the next generated tenant id (``t0001``...); state files carry it."""
        self._started = 0
        self._ticker: asyncio.Task[None] | None = None
        self.store: "StateStore | None" = None
        """Where ``--state-dir`` keeps the state: saved every interval and on stop."""
        self._saver: asyncio.Task[None] | None = None
        self.on_request: Callable[[dict[str, Any], float], None] | None = None
        """Called with every vendor request's journal entry and the seconds it took
        (``telemock serve --access-log``)."""
        for name in vendors:
            self.create(name, DEFAULT_TENANT)

    # -- tenants ------------------------------------------------------------------------
    def create(self, vendor: str, tenant_id: str | None = None, *, seed: int | None = None,
               settings: dict[str, Any] | None = None,
               credentials: dict[str, str] | None = None) -> Tenant:
        spec = self.vendors[vendor]
        tenant_id = tenant_id or self._new_id(vendor)
        if tenant_id in self.tenants[vendor]:
            raise TenantExists(tenant_id)
        from .core.world import merge, own_settings
        # shared settings (--config) may name others' sections and core settings it does not use
        overrides = merge(own_settings(self.settings, spec.dialect), settings or {})
        tenant = Tenant(tenant_id, spec.dialect, self.seed if seed is None else seed, overrides)
        if tenant_id != DEFAULT_TENANT:
            tenant.credentials = spec.new_credentials(tenant)
        tenant.base_credentials = dict(tenant.credentials)
        if credentials:
            tenant.credentials.update(credentials)
            tenant.custom_credentials = dict(credentials)
        for field_name in spec.credential_fields:
            value = tenant.credentials.get(field_name)
            if value and (vendor, value) in self._by_credential:
                raise TenantExists(f"credential {field_name} already in use")
        self.dispatcher.attach(tenant)
        self.tenants[vendor][tenant_id] = tenant
        self._index(vendor, tenant)
        tenant.notify(tenant)  # what its seed made to send goes out (it was built before attached)
        return tenant

    def _new_id(self, vendor: str) -> str:
        """The next generated id no tenant of ``vendor`` has (one may have been named so)."""
        while True:
            tenant_id = f"t{self.next_tenant:04d}"
            self.next_tenant += 1
            if tenant_id not in self.tenants[vendor]:
                return tenant_id

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
        self.dispatcher.forget(tenant)
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

    # -- restore (snapshots carry custom credentials) -------------------------------------
    def base_credentials(self, vendor: str, tenant: Tenant) -> dict[str, str]:
        """The credentials ``tenant`` has without custom ones (its identity, made at creation)."""
        return dict(tenant.base_credentials)

    def credential_clash(self, vendor: str, credentials: dict[str, str],
                         besides: set[str]) -> str | None:
        """The name of a credential in ``credentials`` that a tenant of ``vendor`` not named in
        ``besides`` already uses, or None."""
        for field_name in self.vendors[vendor].credential_fields:
            owner = self._by_credential.get((vendor, credentials.get(field_name, "")))
            if owner is not None and owner.id not in besides:
                return field_name
        return None

    def restore(self, vendor: str, tenant: Tenant, snap: Any) -> None:
        """Replace ``tenant``'s world by ``snap`` after checking all of it, or raise
        ``SnapshotError`` (the path of the first bad value) and change nothing. The snapshot's
        custom credentials replace the tenant's; ones another tenant uses are refused."""
        from .control.snapshot_check import SnapshotError, check_snapshot
        snap = check_snapshot(snap, tenant.dialect)
        credentials = {**self.base_credentials(vendor, tenant), **snap["credentials"]}
        clash = self.credential_clash(vendor, credentials, {tenant.id})
        if clash is not None:
            raise SnapshotError(f"credentials.{clash}: already used by another {vendor} tenant")
        tenant.restore(snap)
        self.set_credentials(vendor, tenant, credentials, snap["credentials"])
        tenant.notify(tenant)  # deliveries pending in the snapshot go out

    def replace_tenants(self, vendor: str, tenants: dict[str, Tenant]) -> None:
        """Make ``tenants`` (id -> restored tenant with its credentials set; checked together:
        ``default`` among them, no credential twice) all of ``vendor``'s tenants at once."""
        for old in self.tenants[vendor].values():
            self.dispatcher.forget(old)  # its sends stop; the new tenant sends what is pending
        for key in [k for k in self._by_credential if k[0] == vendor]:
            del self._by_credential[key]
        self.tenants[vendor] = dict(tenants)
        for tenant in tenants.values():
            self.dispatcher.attach(tenant)
            self._index(vendor, tenant)
            tenant.notify(tenant)

    def set_credentials(self, vendor: str, tenant: Tenant, credentials: dict[str, str],
                        custom: dict[str, str]) -> None:
        """Give ``tenant`` these credentials (unchecked: the caller made sure none clash)."""
        for key in [k for k, v in self._by_credential.items() if v is tenant]:
            del self._by_credential[key]
        tenant.credentials, tenant.custom_credentials = dict(credentials), dict(custom)
        self._index(vendor, tenant)

    # -- shared services ----------------------------------------------------------------
    async def start(self) -> None:
        """Start the dispatcher, the clock ticker and the state saver (idempotent: every
        app's lifespan calls it)."""
        self._started += 1
        if self._started > 1:
            return
        await self.dispatcher.start()
        for tenant in self.all_tenants():
            tenant.notify(tenant)  # deliveries pending since a restore or a loaded state
        self._ticker = asyncio.ensure_future(self._tick_forever())
        if self.store is not None:
            self._saver = asyncio.ensure_future(self.store.save_forever(self))

    async def stop(self) -> None:
        self._started -= 1
        if self._started > 0:
            return
        for task in (self._ticker, self._saver):
            if task is not None:
                task.cancel()
        self._ticker = self._saver = None
        await self.dispatcher.stop()
        if self.store is not None:
            try:
                self.store.save_now(self)
            except Exception:  # say so; the last periodic save is still on disk
                log.exception("saving the state to %s on shutdown failed", self.store.path)

    def tick(self) -> None:
        """Move realtime clocks to now and let auto clocks run what is due. A tenant whose
        timer raises is marked failed and left standing; the others tick on."""
        for tenant in self.all_tenants():
            if tenant.failed is not None:
                continue
            clock = tenant.clock
            try:
                if clock.mode == "realtime":
                    clock.sync()
                elif clock.mode == "auto":
                    steps = 0
                    while steps < AUTO_STEPS_PER_TICK and clock.step():
                        steps += 1
            except TenantFailed:
                pass  # marked and logged where the timer raised
            except Exception as exc:  # the clock itself: still this tenant's trouble only
                tenant.fail(f"clock tick raised {type(exc).__name__}: {exc}")

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                self.tick()
            except Exception:  # never let the shared ticker die (e.g. a tenant list changing)
                log.exception("clock tick failed")


def random_secret(length: int = 40) -> str:
    """A credential for a new tenant: ``length`` random hex digits. Random, not derived from
    the tenant id: no tenant can work out another's, nor a re-created id its predecessor's."""
    return secrets.token_hex((length + 1) // 2)[:length]
