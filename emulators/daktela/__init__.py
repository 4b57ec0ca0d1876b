"""Daktela contact-centre emulator (daktela.txt, the legacy action API 3.0-4.1): queues,
operators, calls, extensions, pauses, statistics, real time and recordings; SMS and SMSConnect;
campaign records, forms, call scripts and statuses with the autodialer; events, activities,
number checks and e-mail; as json or xml. CRM hooks, queue callbacks and SMS callbacks.
"""

from __future__ import annotations

from typing import Any

from ..core.events import Event
from ..core.webhooks import Delivery
from ..core.world import Tenant
from ..dialect.ids import ASTERISK
from ..registry import random_secret
from ..vendor import Listener, VendorSpec
from . import control, dialer, hooks, seed, sessions, sms, sms_hooks
from .api import API
from .model import VENDOR

PORT = 8083
"""The listener's default port (the real API is the PBX's own web server, port 80/443)."""


class DaktelaDialect:
    """What the core calls: seed a tenant, hear its events, read a CRM's answers."""

    name = VENDOR
    settings: dict[str, Any] = seed.SETTINGS
    settings_schema = seed.SETTINGS_SCHEMA
    id_scheme = ASTERISK
    features = frozenset({"inbound_calls", "click_to_call", "queues", "ring_groups", "agent_login",
                          "queue_login", "pause", "hold", "transfer", "attended_transfer", "dtmf",
                          "faults", "webhooks", "sms", "campaigns"})
    """What scenarios may ask of this vendor: no call park (the API has none)."""
    default_owner = ""
    state_schema: dict[str, Any] = {"type": "object", "properties": {VENDOR: {
        "type": "object", "properties": {"live": {"type": "object"}}}}}
    """``tenant.state``: the ids of live calls, kept from the events (checked on restore)."""

    def seed(self, tenant: Tenant) -> None:
        seed.seed(tenant)

    def on_event(self, tenant: Tenant, event: Event) -> None:
        sessions.track(tenant, event)
        hooks.on_event(tenant, event)
        sms_hooks.on_event(tenant, event)
        dialer.on_event(tenant, event)

    def sms_account(self, tenant: Tenant) -> str:
        """The account a scenario's ``send_sms`` uses: the GSM gateway (a scenario's own world
        gets the products and one SIM card)."""
        return sms.scenario_account(tenant)

    def on_delivered(self, tenant: Tenant, delivery: Delivery) -> None:
        hooks.on_delivered(tenant, delivery)


def _new_credentials(tenant: Tenant) -> dict[str, str]:
    return {seed.TOKEN: random_secret(40)}


SPEC = VendorSpec(
    name=VENDOR,
    title="Daktela contact centre",
    dialect=DaktelaDialect(),
    listeners=[Listener("daktela", PORT, API)],
    new_credentials=_new_credentials,
    credential_fields=(seed.TOKEN, seed.ALT_TOKEN),
    control_routes=control.routes,
)
