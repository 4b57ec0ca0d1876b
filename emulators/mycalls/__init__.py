"""MyCalls (Sukam Apps IVR API) emulator (mycalls.txt): apps, agent groups, agent verification,
the call log with its page object, recordings, and the IN/TA/TC/TE/H call events.
"""

from __future__ import annotations

from typing import Any

from ..core.events import Event
from ..core.world import Tenant
from ..dialect.ids import ASTERISK
from ..registry import random_secret
from ..vendor import Listener, VendorSpec
from . import control, hooks, seed
from .api import API
from .model import VENDOR

API_PORT = 8086


class MyCallsDialect:
    """What the core calls: seed a tenant, hear its events."""

    name = VENDOR
    settings: dict[str, Any] = seed.SETTINGS
    settings_schema = seed.SETTINGS_SCHEMA
    state_schema = seed.STATE_SCHEMA
    id_scheme = ASTERISK
    """Call uids ``<epoch>.<seq>`` (1498110438.13), attempts ``<uid>.<n>``."""
    features = frozenset({"inbound_calls", "queues", "ring_groups", "faults", "webhooks"})
    """What scenarios may ask of MyCalls: calls into an app's agent groups (its IVR places
    none for an agent, has no agent login, pause, hold, transfer, park or DTMF API), agents'
    phones failing, and the call events."""

    def seed(self, tenant: Tenant) -> None:
        seed.seed(tenant)

    def on_event(self, tenant: Tenant, event: Event) -> None:
        hooks.on_event(tenant, event)


def _new_credentials(tenant: Tenant) -> dict[str, str]:
    return {"apikey": random_secret(32)}


SPEC = VendorSpec(
    name=VENDOR,
    title="MyCalls (Sukam Apps) IVR",
    dialect=MyCallsDialect(),
    listeners=[Listener(VENDOR, API_PORT, API)],
    new_credentials=_new_credentials,
    credential_fields=("apikey",),
    control_routes=control.routes,
)

__all__ = ["SPEC"]
