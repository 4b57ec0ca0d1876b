"""What a vendor can express, as the scenario runner asks it.

A vendor says what its product has through an optional ``features`` attribute on its dialect
(a set of the names below). The runner never names a vendor: a step or expectation that needs
a feature the dialect does not list is reported as not applicable ("skipped: voipcloud has no
webhooks"), or skipped quietly-but-noted when the scenario marks it ``optional``.

A dialect that declares nothing is assumed to have every feature, so that nothing is ever
skipped by accident: its expectations run, and fail loudly if the vendor lacks something.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FEATURES: dict[str, str] = {
    "inbound_calls": "calls arriving at numbers, queues and extensions",
    "click_to_call": "calls placed for an agent (makecall / call-to-number)",
    "queues": "call queues",
    "ring_groups": "ring groups",
    "agent_login": "agents logging in and out of the phone system",
    "queue_login": "agents logging in and out of one queue",
    "pause": "agents pausing and unpausing",
    "hold": "hold and resume",
    "transfer": "blind transfer",
    "attended_transfer": "attended (consult) transfer",
    "park": "call park and unpark",
    "dtmf": "DTMF digits on a live call",
    "faults": "network faults on numbers and phones (busy, no answer, congestion, unreachable)",
    "webhooks": "webhooks pushed to a receiver",
    "campaigns": "campaigns dialling contact lists (start_campaign / stop_campaign steps)",
    "sms": "SMS sent and received (send_sms / receive_sms steps)",
}
"""Every feature name a dialect may declare, with what it means."""


@dataclass(frozen=True)
class Capabilities:
    vendor: str
    features: frozenset[str]
    declared: bool
    """False when the dialect declares no ``features`` (everything is then assumed)."""

    def has(self, feature: str | None) -> bool:
        return feature is None or feature in self.features

    def lacks_message(self, feature: str) -> str:
        return f"{self.vendor} has no {FEATURES.get(feature, feature)} ({feature})"


def capabilities_of(dialect: Any) -> Capabilities:
    name = str(getattr(dialect, "name", "vendor"))
    declared = getattr(dialect, "features", None)
    if declared is None:
        return Capabilities(name, frozenset(FEATURES), False)
    return Capabilities(name, frozenset(str(f) for f in declared), True)
