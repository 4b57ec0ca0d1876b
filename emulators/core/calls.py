"""Calls and legs: the records, their lifecycles (declared once, as tables) and dispositions.

A call is what a CDR describes: one caller's attempt to reach someone. A leg is one party's
channel in it (the caller, a ringing agent, the remote number of a click-to-call, a consult
leg of an attended transfer). An ended call is immutable; it *is* the CDR.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from types import MappingProxyType
from typing import Any, Mapping

from .errors import IllegalTransition
from .records import as_dict, plain

NO_TAGS: Mapping[str, Any] = MappingProxyType({})
"""The tags of every stored seed call that has none (the history is immutable: one shared,
read-only empty mapping instead of a dict per call)."""

# Call states
CREATED, DIALING, RINGING, QUEUED, ANSWERED, HELD, PARKED, ENDED = (
    "created", "dialing", "ringing", "queued", "answered", "held", "parked", "ended")

CALL_TRANSITIONS: dict[str, frozenset[str]] = {
    CREATED: frozenset({DIALING, RINGING, QUEUED, ENDED}),
    DIALING: frozenset({RINGING, QUEUED, ANSWERED, ENDED}),
    RINGING: frozenset({ANSWERED, QUEUED, ENDED}),
    QUEUED: frozenset({RINGING, ENDED}),
    ANSWERED: frozenset({HELD, PARKED, RINGING, QUEUED, ENDED}),
    HELD: frozenset({ANSWERED, RINGING, QUEUED, ENDED}),
    PARKED: frozenset({ANSWERED, ENDED}),
    ENDED: frozenset(),
}
"""Allowed call state changes. ANSWERED -> RINGING/QUEUED is a blind transfer in progress."""

# Leg states
LEG_CREATED, LEG_RINGING, LEG_ANSWERED, LEG_ENDED = "created", "ringing", "answered", "ended"

LEG_TRANSITIONS: dict[str, frozenset[str]] = {
    LEG_CREATED: frozenset({LEG_RINGING, LEG_ENDED}),
    LEG_RINGING: frozenset({LEG_ANSWERED, LEG_ENDED}),
    LEG_ANSWERED: frozenset({LEG_ENDED}),
    LEG_ENDED: frozenset(),
}

# Dispositions (of calls and legs)
D_ANSWERED, D_BUSY, D_NO_ANSWER, D_FAILED, D_CANCELLED, D_ABANDONED, D_TIMEDOUT, D_REJECTED = (
    "answered", "busy", "no_answer", "failed", "cancelled", "abandoned", "timedout", "rejected")
DISPOSITIONS = (D_ANSWERED, D_BUSY, D_NO_ANSWER, D_FAILED, D_CANCELLED, D_ABANDONED, D_TIMEDOUT,
                D_REJECTED)

# Who ends a call
BY_CALLER, BY_AGENT, BY_REMOTE, BY_SYSTEM = "caller", "agent", "remote", "system"
ENDED_BY = (BY_CALLER, BY_AGENT, BY_REMOTE, BY_SYSTEM)

# Kinds of call
INBOUND, OUTBOUND, INTERNAL = "inbound", "outbound", "internal"
DIRECTIONS = (INBOUND, OUTBOUND, INTERNAL)


@dataclass(slots=True)
class Leg:
    id: str
    seq: int
    """Tenant-wide channel sequence number (vendors render channel names from it)."""
    role: str
    """``caller`` | ``agent`` | ``remote`` | ``consult``."""
    party: str
    """The number or extension this leg rings."""
    agent_id: str | None
    created_at: float
    state: str = LEG_CREATED
    ringing_at: float | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    disposition: str | None = None

    def move(self, to: str) -> None:
        if to not in LEG_TRANSITIONS[self.state]:
            raise IllegalTransition(f"leg {self.id}: {self.state} -> {to}")
        self.state = to


@dataclass(slots=True)
class Call:
    id: str
    """Named by the vendor's id scheme (Asterisk's ``<epoch>.<seq>`` for most)."""
    direction: str
    """``inbound`` | ``outbound`` | ``internal``."""
    caller: str
    callee: str
    """The number dialled (a DID, queue number, extension or external number)."""
    created_at: float
    caller_name: str = ""
    callee_name: str = ""
    did: str = ""
    """The number the call was received on (inbound), or ''."""
    queue_id: str | None = None
    user_id: str | None = None
    """Agent who placed an outbound/click-to-call call."""
    state: str = CREATED
    answered_at: float | None = None
    ended_at: float | None = None
    disposition: str | None = None
    answered_by: str | None = None
    """Agent id of the first agent who answered."""
    agent_id: str | None = None
    """Agent id currently connected (changes on transfer)."""
    hold_total: float = 0.0
    held_since: float | None = None
    queue_entered_at: float | None = None
    queue_left_at: float | None = None
    ended_by: str | None = None
    parked_slot: str | None = None
    parked_by: str | None = None
    tried: list[str] = field(default_factory=list)
    """Agents offered the call in the current round of the queue strategy. Like ``transfers``
    and ``legs``, a tuple once the call has ended (``compact``)."""
    transfers: list[dict[str, Any]] = field(default_factory=list)
    dtmf: str = ""
    legs: list[Leg] = field(default_factory=list)
    planned_talk: float | None = None
    """Seconds of conversation a script planned (``engine.plan_talk``): once first answered,
    the caller hangs up after them."""
    caller_channel: int | None = None
    """Channel sequence number of the caller's side: their own leg's for a call an agent places,
    the trunk channel the call came in on otherwise (vendors name channels from it)."""
    origin: str = "api"
    """``api`` | ``scenario`` | ``seed`` | ``control``."""
    tags: dict[str, Any] = field(default_factory=dict)

    # -- state machine ------------------------------------------------------------------
    def move(self, to: str) -> None:
        if to not in CALL_TRANSITIONS[self.state]:
            raise IllegalTransition(f"call {self.id}: {self.state} -> {to}")
        self.state = to

    @property
    def ended(self) -> bool:
        return self.state == ENDED

    def leg(self, leg_id: str) -> Leg | None:
        return next((l for l in self.legs if l.id == leg_id), None)

    def live_legs(self, role: str | None = None) -> list[Leg]:
        return [l for l in self.legs if l.state != LEG_ENDED and (role is None or l.role == role)]

    # -- CDR arithmetic (seconds, whole numbers as PBXs report them) ---------------------
    def duration(self, now: float | None = None) -> int:
        end = self.ended_at if self.ended_at is not None else now
        return 0 if end is None else int(round(end - self.created_at))

    def talk_time(self, now: float | None = None) -> int:
        if self.answered_at is None:
            return 0
        end = self.ended_at if self.ended_at is not None else now
        return 0 if end is None else int(round(end - self.answered_at))

    def wait_time(self) -> int:
        """Seconds from entering the queue (or creation) to answer or end."""
        start = self.queue_entered_at if self.queue_entered_at is not None else self.created_at
        end = self.answered_at if self.answered_at is not None else self.ended_at
        return 0 if end is None else int(round(end - start))

    def hold_time(self) -> int:
        return int(round(self.hold_total))

    def compact(self) -> None:
        """Hold an ended call's lists as tuples: nothing appends to them any more, and a tuple
        costs less than a list (an empty one nothing: ``()`` is shared). A million stored calls
        is where this counts (issue 16: <= 1 KiB per stored call)."""
        self.tried = tuple(self.tried)  # type: ignore[assignment]
        self.transfers = tuple(self.transfers)  # type: ignore[assignment]
        self.legs = tuple(self.legs)  # type: ignore[assignment]

    # -- persistence --------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        if type(self.legs) is list:  # not compacted
            return as_dict(self)
        # a compacted call's tuples (and shared ``NO_TAGS``) as the lists and dict a snapshot
        # has always held
        return {name: plain(list(value) if name in _SEQUENCES else dict(value) if name == "tags" else value)
                for name, value in zip(_FIELDS, attrgetter(*_FIELDS)(self))}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Call":
        data = dict(data)
        data["legs"] = [Leg(**l) for l in data.get("legs", [])]
        call = cls(**data)
        if call.state == ENDED:
            call.compact()
        return call


_SEQUENCES = frozenset({"tried", "transfers", "legs"})
_FIELDS = tuple(f.name for f in fields(Call))
