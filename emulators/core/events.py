"""Domain events: every state change in a tenant's world is recorded as one of these.

Vendor dialects subscribe to them and turn them into their own webhooks; CDRs, statistics
and agent statuses are read from the same world, so they always agree with the events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .records import as_dict

CALL_CREATED = "CallCreated"
LEG_RINGING = "LegRinging"
LEG_ANSWERED = "LegAnswered"
LEG_ENDED = "LegEnded"
CALL_QUEUED = "CallQueued"
CALL_ANSWERED = "CallAnswered"
CALL_HELD = "CallHeld"
CALL_RESUMED = "CallResumed"
CALL_TRANSFERRED = "CallTransferred"
CALL_PARKED = "CallParked"
CALL_UNPARKED = "CallUnparked"
CALL_ENDED = "CallEnded"
DTMF_RECEIVED = "DtmfReceived"
AGENT_STATE_CHANGED = "AgentStateChanged"
AGENT_PAUSED = "AgentPaused"
AGENT_UNPAUSED = "AgentUnpaused"
AGENT_LOGGED_IN = "AgentLoggedIn"
AGENT_LOGGED_OUT = "AgentLoggedOut"
DECISION = "Decision"
"""A decision *not* to act (e.g. no agent available, webhook skipped), kept for debugging."""


@dataclass(slots=True)
class Event:  # slots: a busy day records a hundred thousand of them
    seq: int
    at: float
    """Virtual epoch seconds."""
    type: str
    call_id: str | None = None
    agent_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Event":
        return cls(**data)
