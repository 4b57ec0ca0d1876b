"""Kerauno / Synkato PBX emulator (seeds/kerauno.txt): Make Call, Reporting (json/csv/xml),
Agent Statuses on its own port, and the Post API webhooks.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..core.events import Event
from ..core.world import Tenant
from ..registry import random_secret
from ..vendor import Listener, VendorSpec
from . import errors, hooks, seed
from .app import API_PATHS, api_routes, status_routes

API_PORT = 8081
"""The web port (80 on the real PBX; 8081 here so it needs no privileges)."""
STATUS_PORT = 57080
"""Agent Statuses' own port, as on the real PBX (line 11)."""


class KeraunoDialect:
    """What the core calls: seed a tenant, hear its events."""

    name = seed.VENDOR
    settings: dict[str, Any] = seed.SETTINGS
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


def _web_not_found(request: Request) -> Response:
    """Apache's pages: 405 on an API path with a method other than GET/POST, else 404."""
    if request.url.path in API_PATHS:
        return errors.apache_405(request.method)
    return errors.apache_404()


def _status_not_found(request: Request) -> Response:
    return errors.status_port_error(404)


def _new_credentials(tenant: Tenant) -> dict[str, str]:
    return {"key": random_secret()}


SPEC = VendorSpec(
    name=seed.VENDOR,
    title="Kerauno / Synkato PBX",
    dialect=KeraunoDialect(),
    listeners=[Listener("kerauno", API_PORT, api_routes, _web_not_found),
               Listener("kerauno-status", STATUS_PORT, status_routes, _status_not_found)],
    new_credentials=_new_credentials,
    credential_fields=("key",),
)
