"""The Kerauno default world: the doc's own extensions, ring group, API key and host, plus a
faker-made call history (and the doc's two example CDRs, replayable by date).

Everything here is a default: the tenant's settings under ``settings["kerauno"]``, the
directory every tenant starts with, and the credentials of the ``default`` tenant.
Seeding must stay cheap (reset target ≤ 1 ms): the faker-made parts are built once per seed
and shared as immutable data.
"""

from __future__ import annotations

from typing import Any

from ..core.agents import Agent, Behaviour
from ..core.calls import BY_CALLER, D_ANSWERED, ENDED, INTERNAL, LEG_ENDED, Call, Leg
from ..core.queues import Member, Number, Queue
from ..core.seeding import HistoryPlan, person_names, synthesize_history
from ..core.world import Tenant

VENDOR = "kerauno"

DOC_API_KEY = "b0f4ad5193ad04858dae03a1b3dbe9071ff12e52"
"""kerauno.txt line 32 (the example of every ``key`` parameter)."""

SETTINGS: dict[str, Any] = {
    # The doc's uniqueid epochs are 4-5 h ahead of its date_time values (EDT/EST): PBX-local
    # time is America/New_York (catalog conventions.datetime_format).
    "timezone": "America/New_York",
    "kerauno": {
        "hostname": "test.axiatp.net",  # kerauno.txt line 98
        "server_name": "test.axiatp.net",  # line 99
        "server_ip": "141.101.124.203",  # line 100
        # CDR trunk_name of calls through the trunk (the doc shows only "Internal").
        "trunk_name": "SIP Trunk",
        # Asterisk peer name in the channel of an outside party: SIP/trunk-000000e7.
        "trunk_peer": "trunk",
        # True: {"error": ...} answers 400/401/404; False: 200, as a bare PHP echo would.
        "http_error_status": True,
    },
}
"""Kerauno's tenant defaults, merged over the core's (see docs/FIDELITY.md)."""

_TEXT = {"type": "string", "maxLength": 255}
SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"hostname": _TEXT, "server_name": _TEXT, "server_ip": _TEXT, "trunk_name": _TEXT,
                   "trunk_peer": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$"},
                   "http_error_status": {"type": "boolean"}},
}
"""What ``settings["kerauno"]`` may hold (the control plane refuses anything else)."""


def vendor_settings(tenant: Tenant) -> dict[str, Any]:
    """The tenant's ``settings["kerauno"]`` over the defaults (a malformed patch is ignored:
    the control plane does not validate vendor sections)."""
    own = tenant.settings.get(VENDOR)
    merged = dict(SETTINGS["kerauno"])
    if isinstance(own, dict):
        merged.update(own)
    return merged


RING_GROUP = {"id": "rg4000", "number": "4000", "name": "Test"}
"""kerauno.txt lines 134-135: ring_group_num 4000, ring_group_name Test."""

MAIN_DID = "+19999999999"
"""The ring-group example's ``to`` (line 127): the number that reaches ring group 4000."""

# (id, extension, name or None for a faker name, username or None for a derived one,
#  presence, device fault, paused in the ring group, ring-group member)
_DIRECTORY: tuple[tuple[str, str, str | None, str | None, str, str | None, bool, bool], ...] = (
    ("a2002", "2002", "John Smith", None, "", None, False, False),  # lines 104-105
    ("a3000", "3000", "Jane Doe", None, "", None, False, False),  # lines 106-107
    ("a3002", "3002", None, None, "", None, False, False),  # line 35 (dst example)
    # lines 176-178: 1133 shows the free-text presence "Available" while its phone is busy
    # (available:false, busy:true); 4433 is paused in the ring group.
    ("a1133", "1133", None, "test@test.com", "Available", "busy", False, True),
    ("a3924", "3924", None, "test2@test.com", "", None, False, True),
    ("a4433", "4433", None, "test3@test.com", "", None, True, True),
)

HISTORY_PLAN = HistoryPlan(days=7, calls_per_hour=4.0, caller_format="+1##########", locale="en_US")
"""A US-flavoured week of business-hours calls before the clock start."""

_NAMES: dict[int, dict[str, tuple[str, str]]] = {}
_WITH_DOC: dict[int, tuple[tuple[Call, ...], tuple[Call, ...]]] = {}
"""id(synthesized history) -> (that history, doc calls + that history)."""


def _people(seed: int) -> dict[str, tuple[str, str]]:
    """(name, username) per agent id; faker fills what the doc leaves out, once per seed."""
    cached = _NAMES.get(seed)
    if cached is None:
        # faker's first names for this seed, one per agent the doc leaves unnamed, in order
        drawn = iter(person_names("en_US", seed, sum(1 for row in _DIRECTORY if not row[2])))
        cached = {}
        for agent_id, _ext, name, username, *_ in _DIRECTORY:
            name = name or next(drawn)
            login = ".".join(name.lower().replace("'", "").split()[:2])
            cached[agent_id] = (name, username or f"{login}@test.com")
        _NAMES[seed] = cached
    return cached


def _doc_calls() -> tuple[Call, ...]:
    """The doc's two example CDRs as ended calls, at their documented instants.

    ``1410275433.3986``: 2002 John Smith -> 3000 Jane Doe, internal, 8 s (lines 94-111).
    ``1410275688.4013``: 2002 dials the main number, ring group 4000 rings, 3000 answers after
    4 s, the caller hangs up at 6 s (lines 118-141).
    """
    t1 = 1410275433.0
    internal = Call(id="1410275433.3986", direction=INTERNAL, caller="2002", callee="3000",
                    created_at=t1, caller_name="John Smith", callee_name="Jane Doe", user_id="a2002",
                    state=ENDED, answered_at=t1 + 3, ended_at=t1 + 8, disposition=D_ANSWERED,
                    answered_by="a3000", agent_id="a3000", ended_by=BY_CALLER, origin="seed",
                    legs=[Leg("1410275433.3986-1", 0xd0, "caller", "2002", "a2002", t1, LEG_ENDED,
                              t1, t1, t1 + 8, D_ANSWERED),
                          Leg("1410275433.3986-2", 0xd1, "agent", "3000", "a3000", t1, LEG_ENDED,
                              t1, t1 + 3, t1 + 8, D_ANSWERED)])
    t2 = 1410275688.0
    ring_group = Call(id="1410275688.4013", direction=INTERNAL, caller="2002", callee=MAIN_DID,
                      created_at=t2, caller_name="John Smith", callee_name=RING_GROUP["name"],
                      did=MAIN_DID, queue_id=RING_GROUP["id"], state=ENDED, answered_at=t2 + 4,
                      ended_at=t2 + 6, disposition=D_ANSWERED, answered_by="a3000", agent_id="a3000",
                      queue_entered_at=t2, queue_left_at=t2 + 4, ended_by=BY_CALLER, origin="seed",
                      legs=[Leg("1410275688.4013-1", 0xd2, "agent", "3000", "a3000", t2, LEG_ENDED,
                                t2, t2 + 4, t2 + 6, D_ANSWERED)])
    return internal, ring_group


_DOC_CALLS = _doc_calls()


def seed(tenant: Tenant) -> None:
    """Build the doc's directory, its ring group and main number, and the call history."""
    if not tenant.credentials:  # new tenants get theirs from the registry; reset keeps them
        tenant.credentials = {"key": DOC_API_KEY}
    people = _people(tenant.seed_number)
    members: list[Member] = []
    for agent_id, ext, _name, _user, presence, fault, paused, member in _DIRECTORY:
        name, username = people[agent_id]
        tenant.agents[agent_id] = Agent(id=agent_id, name=name, extension=ext, username=username,
                                        presence=presence, behaviour=Behaviour(fault=fault))
        if member:
            members.append(Member(agent_id=agent_id, paused=paused))
    tenant.queues[RING_GROUP["id"]] = Queue(id=RING_GROUP["id"], number=RING_GROUP["number"],
                                            name=RING_GROUP["name"], kind="ring_group",
                                            strategy="ringall", members=members)
    tenant.numbers[MAIN_DID] = Number(number=MAIN_DID, target=f"queue:{RING_GROUP['id']}",
                                      name="Main number")
    synthesize_history(tenant, HISTORY_PLAN)
    history = tuple(tenant.history)
    entry = _WITH_DOC.get(id(history))
    if entry is None or entry[0] is not history:
        entry = (history, _DOC_CALLS + history)
        _WITH_DOC[id(history)] = entry
    tenant.history = entry[1]
