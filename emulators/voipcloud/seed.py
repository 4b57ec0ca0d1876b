"""The VoIPcloud dialect: default settings, the default tenant's PBX and its call history.

VoIPcloud is an Australian hosted PBX, so the default tenant is a small Australian office:
seven users, two queues, two ring groups and a few DIDs. Every number is from the ACMA ranges
reserved for fiction ((0x) 5550 xxxx landlines, 0491 570 xxx mobiles), so nothing here rings
a real phone. The directory is built from literal tuples (a reset must stay well under a
millisecond); the history is synthesised once per seed and shared (``core.seeding``).
"""

from __future__ import annotations

from typing import Any

from ..core.agents import Agent
from ..core.events import Event
from ..core.queues import Member, Number, Queue
from ..core.seeding import HistoryPlan, synthesize_history
from ..core.world import Tenant
from ..dialect.ids import ASTERISK
from ..registry import random_secret

VENDOR = "voipcloud"

DEFAULT_API_KEY = "c0ffee0ddba11ad5eed5a1e5fee1900d"
"""The default tenant's API key (README shows it): send it as the ``token`` header."""

SETTINGS: dict[str, Any] = {
    "timezone": "Australia/Sydney",
    "rate_limit": {"limit": 100, "window": 900},  # seed line 2: "100 queries per 15 minutes"
    VENDOR: {
        # The deprecated ``api_key`` parameter still authenticates (False: header only,
        # as after the announced Jan-2021 cut-over).
        "api_key_param": True,
        # Overrides merged over the NOC status held in ``tenant.state`` (get-system-status).
        "system_status": {},
    },
}
"""VoIPcloud's defaults, merged over the core's; a tenant's own settings override them."""

# (id, name, extension, mobile)
USERS: tuple[tuple[str, str, str, str], ...] = (
    ("u1001", "Olivia Nguyen", "1001", "+61491570006"),
    ("u1002", "Jack Thompson", "1002", "+61491570156"),
    ("u1003", "Charlotte Wilson", "1003", "+61491570157"),
    ("u1004", "Liam O'Brien", "1004", "+61491570158"),
    ("u1005", "Mia Patel", "1005", "+61491570159"),
    ("u1006", "Noah Campbell", "1006", "+61491570110"),
    ("u1007", "Isla Robinson", "1007", "+61491570313"),
)

# (id, number, name, kind, strategy, ring_timeout s, max_wait s, member ids)
QUEUES: tuple[tuple[str, str, str, str, str, float, float, tuple[str, ...]], ...] = (
    ("q-sales", "6001", "Sales", "queue", "roundrobin", 15.0, 180.0, ("u1001", "u1002", "u1003")),
    ("q-support", "6002", "Support", "queue", "ringall", 20.0, 240.0, ("u1004", "u1005", "u1006")),
    ("rg-reception", "6100", "Reception", "ring_group", "ringall", 20.0, 40.0, ("u1001", "u1007")),
    ("rg-accounts", "6101", "Accounts", "ring_group", "linear", 15.0, 45.0, ("u1006", "u1003")),
)

# (DID, target, label)
NUMBERS: tuple[tuple[str, str, str], ...] = (
    ("+61255501000", "queue:rg-reception", "Main line"),
    ("+61255501100", "queue:q-sales", "Sales"),
    ("+61355502000", "queue:q-support", "Support"),
    ("+61755503000", "queue:rg-accounts", "Accounts"),
    ("+61255501234", "agent:u1001", "Olivia Nguyen direct"),
)

HISTORY = HistoryPlan(caller_format="+614########", locale="en_AU")
"""Ten days of office-hours traffic, Australian mobile callers."""

SYSTEM_STATUS: dict[str, Any] = {
    "status": "operational",
    "description": "All Systems Operational",
    "components": [
        {"name": "Voice calls", "status": "operational"},
        {"name": "SIP trunks", "status": "operational"},
        {"name": "Hosted PBX", "status": "operational"},
        {"name": "SMS", "status": "operational"},
        {"name": "Customer portal", "status": "operational"},
        {"name": "Integration API", "status": "operational"},
    ],
    "incidents": [],
}
"""The NOC status a fresh tenant reports (invented: the seed documents no shape)."""


SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"api_key_param": {"type": ["boolean", "string"], "maxLength": 16},
                   "system_status": {"type": "object"}},
}
"""What ``settings["voipcloud"]`` may hold (the control plane refuses anything else)."""


def options(tenant: Tenant) -> dict[str, Any]:
    """The tenant's ``settings["voipcloud"]`` (an empty dict if someone set it to a non-object)."""
    value = tenant.settings.get(VENDOR)
    return value if isinstance(value, dict) else {}


def _directory(tenant: Tenant) -> None:
    tenant.agents = {uid: Agent(id=uid, name=name, extension=ext, username=ext, number=mobile)
                     for uid, name, ext, mobile in USERS}
    tenant.queues = {qid: Queue(id=qid, number=number, name=name, kind=kind, strategy=strategy,
                                ring_timeout=ring, max_wait=wait,
                                members=[Member(agent_id=m) for m in members])
                     for qid, number, name, kind, strategy, ring, wait, members in QUEUES}
    tenant.numbers = {did: Number(number=did, target=target, name=label)
                      for did, target, label in NUMBERS}


class VoipcloudDialect:
    """How the core seeds a VoIPcloud tenant; VoIPcloud pushes no webhooks."""

    name = VENDOR
    settings = SETTINGS
    settings_schema = SETTINGS_SCHEMA
    core_settings = frozenset({"timezone", "clock", "rate_limit", "ip_whitelist", "sim", "events_keep"})
    """No ``webhooks``: VoIPcloud pushes none."""
    id_scheme = ASTERISK
    features = frozenset({"inbound_calls", "click_to_call", "queues", "ring_groups", "agent_login",
                          "queue_login", "pause", "hold", "transfer", "attended_transfer", "park",
                          "dtmf", "faults"})
    """What scenarios may ask of this vendor: everything but webhooks (it pushes none)."""
    state_schema: dict[str, Any] = {"type": "object",
                                    "properties": {"system_status": {"type": "object"}}}
    """What ``tenant.state`` holds (the NOC status views merge over), checked on restore."""

    def seed(self, tenant: Tenant) -> None:
        _directory(tenant)
        tenant.state = {"system_status": {**SYSTEM_STATUS,
                                          "components": [dict(c) for c in SYSTEM_STATUS["components"]],
                                          "incidents": []}}
        if not tenant.credentials:  # first build; a reset keeps the tenant's own key
            tenant.credentials = {"api_key": DEFAULT_API_KEY}
        synthesize_history(tenant, HISTORY)

    def on_event(self, tenant: Tenant, event: Event) -> None:
        return None


DIALECT = VoipcloudDialect()


def new_credentials(tenant: Tenant) -> dict[str, str]:
    """A tenant created through the control plane gets its own random 40-hex-digit key."""
    return {"api_key": random_secret(40)}
