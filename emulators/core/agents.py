"""Users, agents and extensions, and the agent's live state.

An agent is a person with an extension. Vendor-specific attributes (role, password, e-mail
login, ...) live in ``extra`` so that later dialects extend the model instead of replacing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .records import as_dict

OFFLINE, IDLE, RINGING, ON_CALL, WRAPUP = "offline", "idle", "ringing", "on_call", "wrapup"
AGENT_STATES = (OFFLINE, IDLE, RINGING, ON_CALL, WRAPUP)
BEHAVIOUR_MODES = ("auto", "script")


@dataclass(slots=True)
class Behaviour:
    """How the simulated person at a phone reacts; scenarios and fault injection change it."""

    mode: str = "auto"
    """``auto``: answers after ``answer_after``; ``script``: only scripted steps act."""
    answer_after: float = 4.0
    """Seconds of ringing before answering."""
    talk: float | None = None
    """Seconds of conversation before hanging up; None: drawn from the tenant's sim settings."""
    fault: str | None = None
    """``busy`` | ``no_answer`` | ``congestion`` | ``unreachable`` | ``reject``: how a ring fails."""
    latency: float = 0.0
    """Extra seconds before the network reports anything about this party."""

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "Behaviour":
        return cls(**(data or {}))


@dataclass(slots=True)
class Agent:
    id: str
    """Stable id inside the tenant (also used by scenarios)."""
    name: str
    extension: str
    """Internal number the agent's phone rings on."""
    username: str = ""
    """Login or e-mail the vendor shows."""
    number: str = ""
    """External number (mobile), when the vendor knows one."""
    presence: str = ""
    """Free-text presence label set by the user (vendors may show it verbatim)."""
    logged_in: bool = True
    paused: bool = False
    pause_reason: str = ""
    paused_since: float | None = None
    state: str = IDLE
    call_id: str | None = None
    """The live call the agent is ringing for or talking on."""
    last_call_end: float | None = None
    calls_taken: int = 0
    behaviour: Behaviour = field(default_factory=Behaviour)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        """Can be offered a new call right now."""
        return self.logged_in and not self.paused and self.state == IDLE and self.behaviour.fault != "unreachable"

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Agent":
        data = dict(data)
        data["behaviour"] = Behaviour.from_dict(data.get("behaviour"))
        return cls(**data)
