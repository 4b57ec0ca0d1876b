"""Kerauno / Synkato PBX emulator (kerauno.txt): Make Call, Reporting (json/csv/xml),
Agent Statuses on its own port, and the Post API webhooks.
"""

from __future__ import annotations

from typing import Any

from ..core.events import Event
from ..core.world import Tenant
from ..dialect.ids import ASTERISK
from ..registry import random_secret
from ..vendor import Listener, VendorSpec
from . import hooks, seed
from .api import STATUS_API, WEB_API

API_PORT = 8081
"""The web port (80 on the real PBX; 8081 here so it needs no privileges)."""
STATUS_PORT = 57080
"""Agent Statuses' own port, as on the real PBX (line 145)."""


class KeraunoDialect:
    """What the core calls: seed a tenant, hear its events."""

    name = seed.VENDOR
    settings: dict[str, Any] = seed.SETTINGS
    settings_schema = seed.SETTINGS_SCHEMA
    core_settings = frozenset({"timezone", "clock", "webhooks", "sim", "events_keep"})
    """No IP whitelist and no rate limit: the doc mentions neither (docs/FIDELITY.md)."""
    id_scheme = ASTERISK
    features = frozenset({"inbound_calls", "click_to_call", "queues", "ring_groups", "agent_login",
                          "queue_login", "pause", "hold", "transfer", "attended_transfer", "park",
                          "dtmf", "faults", "webhooks"})
    """What scenarios may ask of this vendor: it has Post API webhooks."""
    state_schema: dict[str, Any] = {"type": "object", "properties": {seed.VENDOR: {
        "type": "object", "properties": {
            "channels": {"type": "object", "additionalProperties": {"type": "string"}}}}}}
    """What ``tenant.state`` holds (the hooks' caller channel per live call), checked on restore."""

    def seed(self, tenant: Tenant) -> None:
        seed.seed(tenant)

    def on_event(self, tenant: Tenant, event: Event) -> None:
        hooks.on_event(tenant, event)


def _new_credentials(tenant: Tenant) -> dict[str, str]:
    return {"key": random_secret()}


SPEC = VendorSpec(
    name=seed.VENDOR,
    title="Kerauno / Synkato PBX",
    dialect=KeraunoDialect(),
    listeners=[Listener("kerauno", API_PORT, WEB_API),
               Listener("kerauno-status", STATUS_PORT, STATUS_API, documented_port=True)],
    new_credentials=_new_credentials,
    credential_fields=("key",),
)
