"""The MyCalls default world: the doc's subscriber, app, agent group, agent and API key, a call
history, and the tenant settings the emulator's choices hang on.

mycalls.txt names one example app ("test", 4e11fe2082b044b4a3b55718c79c29d5, number 33047316),
its agent group ``default`` (ringtime 15, RR, recording enabled, not sticky, 30 sticky days) and
one agent, Anil Gupta (a subscriber user, 971670XXXX, priority 1). The walkthrough and the call
log address the same example app by two other guids; they are answered as aliases of it
(``settings["mycalls"]["app_aliases"]``, docs/FIDELITY.md). Seeding stays cheap: the history is
synthesised once per seed and shared (``core.seeding``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..core.calls import BY_CALLER, D_ANSWERED, D_NO_ANSWER, ENDED, INBOUND, LEG_ENDED, Call, Leg
from ..core.seeding import HistoryPlan, synthesize_history
from ..core.world import Tenant
from . import model
from .model import GROUP_DEFAULTS, VENDOR, new_group, put_agent

DOC_API_KEY = "89e801bcc21f430aa1ff6edb5421af31"
"""The app-list example's ``apikey`` (mycalls.txt, first example): the default tenant's key."""
DOC_APP = {"guid": "4e11fe2082b044b4a3b55718c79c29d5", "number.virtual": "33047316",
           "number.physical": "33047316", "name": "test"}
"""The app-list example's one app."""
DOC_APP_ALIASES = ("21c50d57625040419a7bef92ea4c6c6c", "1a11fe2082b044b4a3b55718c79c29d5")
"""The guids the agent walkthrough and the call-log example use for the example app."""
DOC_USER = {"guid": "21c50d57625040419a7bef92ea4c6c6c", "name": "Anil Gupta", "number": "971670XXXX"}
"""The group-agents example's agent: a subscriber user (type USER) with this guid."""
DOC_GROUP = "default"
DOC_VERIFICATION_KEY = "0805"
"""The walkthrough's key: what every verification sends unless the tenant's setting differs."""

SETTINGS: dict[str, Any] = {
    # The call log's times are +05:30 (mycalls.txt, call-log example): India Standard Time.
    "timezone": "Asia/Kolkata",
    VENDOR: {
        "verification_key": DOC_VERIFICATION_KEY,
        "app_aliases": {alias: DOC_APP["guid"] for alias in DOC_APP_ALIASES},
        # app guid -> where its call events go; an app not listed uses settings.webhooks.url
        "event_urls": {},
        # prefix of recording URLs; "" means the request's own origin + /recordings
        "recording_url": "",
    },
}
"""MyCalls' defaults, merged over the core's; a tenant's own settings override them."""

GUID = "^[0-9a-f]{32}$"
SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "verification_key": {"type": "string", "pattern": "^[0-9A-Za-z]{1,16}$"},
        "app_aliases": {"type": "object", "maxProperties": 100, "propertyNames": {"pattern": GUID},
                        "additionalProperties": {"type": ["string", "null"], "maxLength": 64}},
        "event_urls": {"type": "object", "maxProperties": 1000, "propertyNames": {"maxLength": 64},
                       "additionalProperties": {"type": "string", "maxLength": 2048,
                                                "pattern": "^(https?://[^\\s]+)?$"}},
        "recording_url": {"type": "string", "maxLength": 2048},
    },
}
"""What ``settings["mycalls"]`` may hold (the control plane refuses anything else)."""

_TEXT = {"type": "string", "maxLength": 64}
STATE_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["subscriber", "apps", "users", "verified", "pending"],
    "properties": {
        "subscriber": {"type": "object", "required": ["guid", "name"],
                       "properties": {"guid": _TEXT, "name": _TEXT}},
        "apps": {"type": "array", "maxItems": 1000, "items": {
            "type": "object", "required": ["guid", "name", "number.virtual", "number.physical", "group"],
            "properties": {k: _TEXT for k in ("guid", "name", "number.virtual", "number.physical", "group")}}},
        "users": {"type": "array", "maxItems": 10000, "items": {
            "type": "object", "required": ["guid", "name", "number"],
            "properties": {k: _TEXT for k in ("guid", "name", "number")}}},
        "verified": {"type": "array", "maxItems": model.MAX_VERIFIED, "items": _TEXT},
        "pending": {"type": "object", "maxProperties": model.MAX_PENDING, "additionalProperties": {
            "type": "object", "required": ["method", "key", "requested_at"],
            "properties": {"method": _TEXT, "key": _TEXT, "requested_at": {"type": "number"}}}},
    },
}
"""What ``tenant.state`` holds (checked on restore): the subscriber, its apps and users, the
numbers it has verified and the verifications under way (with the key each was sent)."""

HISTORY = HistoryPlan(mix=(("queue", 1.0),), calls_per_hour=4.0, caller_format="98765#####",
                      locale="en_US")
"""Ten days of calls into the app, ten-digit Indian mobile callers (the doc's cli has no +91).
Caller names are never shown by MyCalls; the stored locale keeps faker out of start-up."""


def subscriber_of(tenant: Tenant) -> dict[str, str]:
    """The subscriber a tenant's key belongs to (the doc shows none: a stable guid per tenant)."""
    guid = hashlib.md5(f"{VENDOR}:{tenant.id}".encode()).hexdigest()
    return {"guid": guid, "name": tenant.id}


def seed(tenant: Tenant) -> None:
    """The doc's app with its group and agent, the subscriber's one user, the history."""
    if not tenant.credentials:  # new tenants get theirs from the registry; reset keeps them
        tenant.credentials = {"apikey": DOC_API_KEY}
    tenant.state = {
        "subscriber": subscriber_of(tenant),
        "apps": [{**DOC_APP, "group": DOC_GROUP}],
        "users": [dict(DOC_USER)],
        "verified": [DOC_USER["number"]],
        "pending": {},
    }
    app = tenant.state["apps"][0]
    queue = new_group(tenant, app, DOC_GROUP, GROUP_DEFAULTS)
    put_agent(tenant, queue, DOC_USER["number"], DOC_USER["name"], priority=1)
    model.route_app(tenant, app)
    synthesize_history(tenant, HISTORY)
    tenant.history = _with_doc_call(tuple(tenant.history), queue.id)


_WITH_DOC: dict[int, tuple[tuple[Call, ...], tuple[Call, ...]]] = {}
"""id(synthesized history) -> (that history, the doc's call + that history)."""


def _with_doc_call(history: tuple[Call, ...], queue_id: str) -> tuple[Call, ...]:
    entry = _WITH_DOC.get(id(history))
    if entry is None or entry[0] is not history:
        entry = (history, (doc_call(queue_id),) + history)
        _WITH_DOC[id(history)] = entry
    return entry[1]


def doc_call(queue_id: str) -> Call:
    """The call-log example as an ended call: 9716700271 calls at 11:17:18 IST, Anil Gupta's
    first attempt (11:17:20) rings out after the 15 s ringtime, the second (11:17:36) is answered
    at once and talks 3 s. The doc's ``duration`` 19 cannot hold with that attempt (it ends at
    11:17:39): the copy says 21 (docs/FIDELITY.md)."""
    t0 = 1498110438.0
    agent = DOC_USER["number"]
    uid = "1498110438.13"
    legs = [Leg(f"{uid}-1", 1, "agent", agent, agent, t0 + 2, LEG_ENDED, t0 + 2, None, t0 + 17, D_NO_ANSWER),
            Leg(f"{uid}-2", 2, "agent", agent, agent, t0 + 18, LEG_ENDED, t0 + 18, t0 + 18, t0 + 21, D_ANSWERED)]
    return Call(id=uid, direction=INBOUND, caller="9716700271", callee=DOC_APP["number.virtual"],
                created_at=t0, did=DOC_APP["number.virtual"], queue_id=queue_id, state=ENDED,
                answered_at=t0 + 18, ended_at=t0 + 21, disposition=D_ANSWERED, answered_by=agent,
                agent_id=agent, queue_entered_at=t0, queue_left_at=t0 + 18, ended_by=BY_CALLER,
                origin="seed", legs=legs, tags={model.RECORDED: True})
