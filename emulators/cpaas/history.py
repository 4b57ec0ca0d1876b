"""The CDRs a fresh CPaaS server already has: the document's own example calls, and a believable,
reproducible history of click-to-call and OTP calls of both accounts before the clock start.

The document's rows keep their ids, times and values (cpaas.txt, Get CDR By Request ID, By
Date, By Campaign ID), with its masked digits (``91997927XXXX``) filled with 5s, as the
document's examples are replayed. Their fractional seconds are chosen so that the rendered
``answer``, ``end``, ``billsec`` and ``call_duration`` are the documented ones. The synthesized
calls are numbered from ``FIRST_SYNTHESIZED_CDR`` on, in the order they ended, after the
document's. Calls are plain ended ``Call`` records with the tags a live call would have by
then (``cdr``, ``dial_status``, ``owner``, ``service`` ...); the tuple is built once per
(seed, clock start) and shared by every tenant with them, as ``core.seeding`` does.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..core.calls import (
    BY_REMOTE,
    BY_SYSTEM,
    D_ANSWERED,
    D_BUSY,
    D_CANCELLED,
    D_FAILED,
    D_NO_ANSWER,
    ENDED,
    LEG_ENDED,
    OUTBOUND,
    Call,
    Leg,
)
from .accounts import ACCOUNTS
from .cdrs import ANSWER, BUSY, CANCEL, CHANUNAVAIL, CONGESTION, NOANSWER

DAYS = 45
"""How far back the synthesized history reaches (the document's CDR-by-date example asks for a
range a month before its other examples)."""
CALLS_PER_HOUR = 1.5
"""Mean API calls per account per business hour."""
BUSINESS_ZONE = "Asia/Kolkata"
OPEN_HOUR, CLOSE_HOUR = 9, 19
FIRST_SYNTHESIZED_CDR = 1001
CALLER_IDS = {"account_1": "15168148111", "account_2": "15168148333"}
"""Each account's caller id (account_1's is the document's)."""
DOC_CAMPAIGN_CALLER = "15168148720"
"""The caller id of the document's campaign CDRs (Get CDR By Campaign ID)."""

_CACHE: dict[tuple[int, float], tuple[tuple[Call, ...], int]] = {}


def doc_number(masked: str) -> str:
    """A number the document masks (``91997927XXXX``) with its X's filled with 5s."""
    return masked.replace("X", "5")


AGENT_DOC = doc_number("91800068XXXX")
CUSTOMER_DOC = doc_number("91997927XXXX")


def _ended(call_id: str, created: float, answered: float | None, end: float, caller: str, callee: str,
           disposition: str, by: str, tags: dict[str, Any], first_leg: tuple[str, float | None] | None,
           channel: int) -> Call:
    """An ended outbound call: an optional first leg (the agent of a click-to-call, answered at
    the given time), then the callee's leg."""
    legs: list[Leg] = []
    if first_leg is not None:
        party, picked_up = first_leg
        legs.append(Leg(f"{call_id}-1", channel, "caller", party, None, created, LEG_ENDED, created, picked_up,
                        end, D_ANSWERED if picked_up is not None else disposition))
        channel += 1
    ring_from = first_leg[1] if first_leg is not None and first_leg[1] is not None else created
    if first_leg is None or first_leg[1] is not None:
        legs.append(Leg(f"{call_id}-{len(legs) + 1}", channel, "remote", callee, None, ring_from, LEG_ENDED,
                        ring_from, answered, end, disposition))
    return Call(id=call_id, direction=OUTBOUND, caller=caller, callee=callee, created_at=created, state=ENDED,
                answered_at=answered, ended_at=end, disposition=disposition, ended_by=by,
                caller_channel=legs[0].seq if first_leg is not None else channel - 1, legs=legs,
                origin="seed", tags=tags, tried=[], transfers=[])


def doc_calls() -> tuple[Call, ...]:
    """The document's answered example calls, in CDR order (328, 352, 445, then the five
    answered calls of campaign CM7b1b0f4c2f, 447 ... 454)."""
    owner = ACCOUNTS[0]
    calls = [
        # Get CDR By Request ID: click2call 91da7c083f, 04 Jul 2023 (uniqueid 1688448695.804)
        _ended("1688448695.804", 1688448711.0 - 15.1364, 1688448711.0 - 8.55722, 1688448711.0,
               AGENT_DOC, CUSTOMER_DOC, D_ANSWERED, BY_REMOTE,
               {"cdr": 328, "dial_status": ANSWER, "owner": owner, "service": "click2call",
                "request_id": "91da7c083f", "caller_id": "15168148111", "agent_number": AGENT_DOC,
                "recording": "off"}, (AGENT_DOC, 1688448699.0), 0x1f0),
        # Get CDR By Date: an OTP call b5e66bf36f, 07 Jul 2023 (uniqueid 1688710079.868)
        _ended("1688710079.868", 1688710096.5 - 17.0311, 1688710096.5 - 7.26955, 1688710096.5,
               "15168148111", CUSTOMER_DOC, D_ANSWERED, BY_SYSTEM,
               {"cdr": 352, "dial_status": ANSWER, "owner": owner, "service": "otp",
                "request_id": "b5e66bf36f", "caller_id": "15168148111", "otp": "1987"}, None, 0x20a),
        # Get CDR By Campaign ID: campaign CM39139118b8's answered contact, 18 Jul 2023
        _ended("1689660670.1179", 1689660690.5 - 19.8233, 1689660690.5 - 11.2202, 1689660690.5,
               DOC_CAMPAIGN_CALLER, CUSTOMER_DOC, D_ANSWERED, BY_SYSTEM,
               {"cdr": 445, "dial_status": ANSWER, "owner": owner, "service": "campaign",
                "campaign": "CM39139118b8", "record": "CM39139118b8:2", "list_id": "LS50f6ec70b7",
                "campaign_type": "0"}, None, 0x238),
    ]
    calls.extend(call for call, _ in CM7B if call is not None)
    return tuple(calls)


CM7B_START = datetime(2023, 7, 19, 9, 0, 0, tzinfo=ZoneInfo("UTC")).timestamp()
CM7B_CONTACTS = (("918000685501", "dnd"), ("919979275501", "answer"), ("918000685502", "dnd"),
                 ("919979275502", "answer"), ("918000685503", "dnd"), ("919979275503", "answer"),
                 ("918000685504", "dnd"), ("919979275504", "answer"), ("919979275505", "answer"))
"""Campaign CM7b1b0f4c2f's nine contacts in list order (Get Campaign CDR Statistics: five
answered, four DND, nine in all)."""
CM7B_PACE = 6.0
"""Its calls_per_minute is 10: a dial every 6 s; a DND contact is skipped at the dial it
precedes, as the campaign engine does."""
CM7B_TALK = (5.5, 21.25)
"""Each answered call: answered 5.5 s after it was placed, over at 21.25 s."""


def cm7b_contacts() -> list[tuple[Call | None, tuple[int, float, str, int]]]:
    """Per contact of CM7b1b0f4c2f, in list order: its call (None for a DND one) and its CDR
    (id, written at, number, position). CDR ids follow the order the rows were written: a skip
    at once, a call when it ended."""
    owner = ACCOUNTS[0]
    written: list[tuple[float, int]] = []
    planned: list[tuple[float, str, str, int]] = []
    dial = CM7B_START
    for position, (number, outcome) in enumerate(CM7B_CONTACTS, start=1):
        planned.append((dial, number, outcome, position))
        if outcome == "answer":
            written.append((dial + CM7B_TALK[1], position))
            dial += CM7B_PACE
        else:
            written.append((dial, position))
    ids = {position: 446 + n for n, (_, position) in enumerate(sorted(written))}
    out: list[tuple[Call | None, tuple[int, float, str, int]]] = []
    for at, number, outcome, position in planned:
        cdr = ids[position]
        if outcome == "dnd":
            out.append((None, (cdr, at, number, position)))
            continue
        call = _ended(f"{int(at)}.{1300 + position}", at, at + CM7B_TALK[0], at + CM7B_TALK[1], "15168148111",
                      number, D_ANSWERED, BY_SYSTEM,
                      {"cdr": cdr, "dial_status": ANSWER, "owner": owner, "service": "campaign",
                       "campaign": "CM7b1b0f4c2f", "record": f"CM7b1b0f4c2f:{position}",
                       "list_id": "LSaa8f9db7e6", "campaign_type": "0"}, None, 0x240 + position)
        out.append((call, (cdr, at + CM7B_TALK[1], number, position)))
    return out


CM7B = cm7b_contacts()
_DOC_CALLS = doc_calls()


# -- the synthesized history ------------------------------------------------------------------
OUTCOMES_C2C = ((D_ANSWERED, 0.70), ("agent_no_answer", 0.08), (D_NO_ANSWER, 0.10), (D_BUSY, 0.07),
                (D_FAILED, 0.03), ("congestion", 0.02))
OUTCOMES_OTP = ((D_ANSWERED, 0.80), (D_NO_ANSWER, 0.12), (D_BUSY, 0.05), (D_FAILED, 0.03))
STATUS_OF = {D_ANSWERED: ANSWER, D_NO_ANSWER: NOANSWER, "agent_no_answer": NOANSWER, D_BUSY: BUSY,
             D_FAILED: CHANUNAVAIL, "congestion": CONGESTION, D_CANCELLED: CANCEL}


def history(seed: int, clock_start: float) -> tuple[tuple[Call, ...], int]:
    """The document's calls and the synthesized ones (same seed and start, same calls), oldest
    first as a tenant's history is, and the last CDR id among them."""
    key = (seed, clock_start)
    cached = _CACHE.get(key)
    if cached is None:
        calls = sorted(_DOC_CALLS + tuple(_Builder(seed, clock_start).build()), key=lambda c: (c.created_at, c.id))
        cached = _CACHE[key] = (tuple(calls), max(int(c.tags["cdr"]) for c in calls))
    return cached


class _Builder:
    def __init__(self, seed: int, clock_start: float) -> None:
        self.seed = seed
        self.rng = random.Random(f"cpaas-history:{seed}")
        self.end = clock_start - 3600
        self.sequence = 100
        self.channel = 0x100
        self.n = 0

    def build(self) -> list[Call]:
        calls: list[Call] = []
        for account in ACCOUNTS:
            agents = [self._mobile() for _ in range(4)]
            for at in self._arrivals():
                calls.append(self._call(account, agents, at))
        calls.sort(key=lambda c: (c.ended_at or 0.0, c.id))
        for cdr, call in enumerate(calls, start=FIRST_SYNTHESIZED_CDR):
            call.tags["cdr"] = cdr
        return calls

    def _mobile(self) -> str:
        return "91" + str(self.rng.randint(6, 9)) + "".join(str(self.rng.randint(0, 9)) for _ in range(9))

    def _arrivals(self) -> list[float]:
        tz = ZoneInfo(BUSINESS_ZONE)
        last = datetime.fromtimestamp(self.end, tz).replace(hour=0, minute=0, second=0, microsecond=0)
        out: list[float] = []
        for back in range(DAYS, -1, -1):
            day = last - timedelta(days=back)
            if day.weekday() >= 5:
                continue
            at = day.replace(hour=OPEN_HOUR).timestamp()
            close = day.replace(hour=CLOSE_HOUR).timestamp()
            while True:
                at += round(self.rng.expovariate(CALLS_PER_HOUR / 3600.0), 3) + 1.0
                if at >= close or at >= self.end - 600:
                    break
                out.append(at)
        return out

    def _request_id(self) -> str:
        self.n += 1
        return hashlib.sha1(f"cpaas-history:{self.seed}:{self.n}".encode()).hexdigest()[:10]

    def _pick(self, table: tuple[tuple[str, float], ...]) -> str:
        return self.rng.choices([k for k, _ in table], [w for _, w in table])[0]

    def _call(self, account: str, agents: list[str], at: float) -> Call:
        rng = self.rng
        self.sequence += 1
        call_id = f"{int(at)}.{self.sequence}"
        customer = self._mobile()
        caller_id = CALLER_IDS[account]
        tags: dict[str, Any] = {"owner": account, "request_id": self._request_id(), "caller_id": caller_id}
        channel = self.channel
        self.channel += 2
        if rng.random() < 0.6:  # click-to-call: the agent first
            agent = rng.choice(agents)
            outcome = self._pick(OUTCOMES_C2C)
            tags.update(service="click2call", agent_number=agent, recording=rng.choice(("off", "off", "both")))
            if outcome == "agent_no_answer":
                end = at + 30.0
                call = _ended(call_id, at, None, end, agent, customer, D_NO_ANSWER, BY_SYSTEM, tags,
                              (agent, None), channel)
            else:
                picked = at + round(rng.uniform(2.0, 6.0), 3)
                call = self._outcome(call_id, at, picked, agent, customer, outcome, tags, (agent, picked), channel)
        else:
            outcome = self._pick(OUTCOMES_OTP)
            tags.update(service="otp", otp=str(rng.randint(1000, 999999)))
            call = self._outcome(call_id, at, at, caller_id, customer, outcome, tags, None, channel)
        call.tags["dial_status"] = STATUS_OF[outcome]
        return call

    def _outcome(self, call_id: str, at: float, ring_from: float, caller: str, customer: str, outcome: str,
                 tags: dict[str, Any], first_leg: tuple[str, float | None] | None, channel: int) -> Call:
        rng = self.rng
        if outcome == D_ANSWERED:
            answered = ring_from + round(rng.uniform(3.0, 12.0), 5)
            talk = rng.uniform(8.0, 30.0) if tags["service"] == "otp" else rng.uniform(20.0, 240.0)
            end = answered + round(talk, 5)
            return _ended(call_id, at, answered, end, caller, customer, D_ANSWERED,
                          BY_SYSTEM if tags["service"] == "otp" else BY_REMOTE, tags, first_leg, channel)
        disposition = {"congestion": D_FAILED}.get(outcome, outcome)
        wait = 30.0 if outcome == D_NO_ANSWER else round(rng.uniform(0.5, 3.0), 3)
        return _ended(call_id, at, None, ring_from + wait, caller, customer, disposition, BY_SYSTEM, tags,
                      first_leg, channel)

