"""The Daktela dialect's defaults and its default tenant: the doc's example world.

The Daktela API reference (daktela.txt) shows one contact centre across its examples: users
admin, hajekhu, hajek, michalhajek, demouser, pavelmoravec (and klatil of GetExtensionUsers);
queues 2000 "Support", 99990 "Daktela Test OUT", 1002 "Outbounder", 5000, 5001, 1006
"ObycOdchozi", 2005 and 2006 (Click to Call); extensions 100, 200, 300, 500; pauses 2-9. The
default tenant is that centre at the clock's start, mid-shift, so every documented request of
the served actions has the state it needs: agents logged in at their extensions, live calls in
progress (michalhajek talking to 468008585 in queue 5000, hajekhu on an outgoing call through
1006, a call ringing at hajek, call 1404828279.15208 waiting in 5001, ...), a paused agent,
and a history that holds the doc's own example calls (AboutCall's, CDR's March 2012 calls,
StatsCalls' August 2014 calls, GetAttempts' attempts, StatsTrace's day) before ten days of
synthesized traffic. The sample data of the doc is not globally consistent (the same id names
different users in different examples); where examples disagree, docs/FIDELITY.md says which
one the world follows.
"""

from __future__ import annotations

from typing import Any

from ..core import engine
from ..core.agents import OFFLINE, Agent, Behaviour
from ..core.calls import (
    BY_AGENT,
    BY_CALLER,
    D_ABANDONED,
    D_ANSWERED,
    D_NO_ANSWER,
    ENDED,
    INBOUND,
    LEG_ENDED,
    OUTBOUND,
    Call,
    Leg,
)
from ..core.formats import parse_sql_datetime
from ..core.queues import Member, Number, Queue
from ..core.seeding import HistoryPlan, synthesize_history
from ..core.world import Tenant
from . import activities, cache, dialer, forms, model, records, seed_forms, seed_sms, sms, template
from .docdata import example_result
from .model import VENDOR, Destination, Extension, Pause, Span

DOC_TOKEN = "1234567890123456789012345678901234567890"
"""The access token of almost every example (40 digits)."""
DOC_TOKEN_41 = "12345678901234567890123456789012345678907"
"""The token of the CreateUser and UpdateUser examples (41 digits: a doc defect, accepted)."""
TOKEN, ALT_TOKEN = "access_token", "alt_access_token"
TIMEZONE = "Europe/Prague"
"""Datetimes are Prague local time (the catalog's check of uniqueid epochs against calldates)."""

SETTINGS: dict[str, Any] = {
    "timezone": TIMEZONE,
    VENDOR: {
        # URL templates of the CRM hooks (daktela.txt, "Webhooks"): requested with GET at each
        # incoming call, ringing, answer and hangup, ${VARIABLES} expanded. Empty: the core's
        # webhooks.url with the doc's own query string, or only journalled without a URL.
        "crm_hooks": {"incoming": "", "ringing": "", "answer": "", "hangup": ""},
        "record_calls": True,  # every answered call gets a recording (AboutCall's recording_hash)
        "trunk": "gsm",  # outgoing calls leave on SIP/<trunk> (CDR dst_channels)
        "long_poll_seconds": 60.0,  # RTUserState 4.0 with a hash: the longest wait, wall seconds
        "sms_senders": ["Info", "Daktela", "+420226211245"],  # SMSConnect senders allowed (Info: default)
        "notification_rules": {"Custom_SendSMS": "send_sms"},  # CreateEvent: what an event name runs
    },
}
"""Daktela's defaults, merged over the core's; a tenant's own settings override them."""

_URL = {"type": "string", "maxLength": 2048, "pattern": "^(|https?://.*)$"}
SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "crm_hooks": {"type": "object", "additionalProperties": False,
                      "properties": {name: _URL for name in ("incoming", "ringing", "answer", "hangup")}},
        "record_calls": {"type": "boolean"},
        "trunk": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,32}$"},
        "long_poll_seconds": {"type": "number", "minimum": 0, "maximum": 120},
        "sms_senders": {"type": "array", "maxItems": 100,
                        "items": {"type": "string", "minLength": 1, "maxLength": 64}},
        "notification_rules": {"type": "object", "maxProperties": 100,
                               "propertyNames": {"pattern": "^Custom_[A-Za-z0-9_]{1,64}$"},
                               "additionalProperties": {"enum": ["send_sms"]}},
    },
}
"""What ``settings["daktela"]`` may hold (the control plane refuses anything else)."""


def vendor_settings(t: Tenant) -> dict[str, Any]:
    """``settings["daktela"]`` over the defaults (a malformed section counts as empty)."""
    own = t.settings.get(VENDOR)
    merged = dict(SETTINGS[VENDOR])
    if isinstance(own, dict):
        merged.update(own)
    return merged


# -- the directory ------------------------------------------------------------------------------
ROLE, PROFILE = "role_43h424k432", "profile_hj34242342"
"""GetUsers' role and profile."""

# id, login, title, extension, password, e-mail, description, CC login (hours before the start),
# pause id, behaviour (sedlacek goes on pause 4 at the start, after passing a call on: _live)
_USERS: tuple[tuple[str, str, str, str, str, str, str, float | None, str, str], ...] = (
    ("1", "admin", "Administrator", "500", "cordheslo", "jedna@jedna.cz", "Administrator zákazníka", 6.5, "", "auto"),
    ("2", "novotny", "Jan Novotný", "800", "novotny", "", "", None, "", "auto"),
    ("3", "hajekhu", "Hajek Hugo", "200", "heslo", "", "", 4.25, "", "auto"),
    ("4", "hajek", "Hajek", "300", "hajek", "", "", 5.0, "", "script"),  # rings until Answer
    ("5", "michalhajek", "Michal Hájek", "100", "michal", "", "", 3.5, "", "auto"),
    ("6", "pavelmoravec", "Pavel Moravec", "400", "pavel", "", "", 2.0, "", "auto"),
    ("7", "demouser", "Demo User", "600", "demo", "", "", 5.5, "", "auto"),
    ("8", "klatil", "Zvonimír Klátil", "700", "klatil", "", "", 1.5, "", "auto"),
    ("9", "sedlacek", "Tomáš Sedláček", "900", "tomas", "", "", 3.0, "", "auto"),
    ("10", "daktelatester", "Daktela Tester", "110", "tester", "", "", 1.0, "2", "auto"),  # script 62 open
    ("11", "novak", "Petr Novák", "111", "novak", "", "", 2.5, "", "auto"),  # in no queue; script 67 open
)

# device: extension, ip, port (800: registered nowhere, as the doc's UNAVAILABLE device)
_EXTENSIONS: tuple[tuple[str, str, str], ...] = (
    ("100", "172.22.254.254", "5064"), ("200", "212.24.153.186", "20652"),
    ("300", "212.24.153.186", "5063"), ("400", "212.24.153.186", "5065"),
    ("500", "212.24.153.186", "5066"), ("600", "212.24.153.186", "5067"),
    ("700", "212.24.153.186", "5068"), ("800", "-none-", "0"), ("900", "212.24.153.186", "5069"),
    ("101", "212.24.153.187", "5070"), ("102", "212.24.153.187", "5071"), ("103", "212.24.153.187", "5072"),
    ("104", "212.24.153.187", "5073"), ("105", "212.24.153.187", "5074"),
    ("110", "212.24.153.188", "5075"), ("111", "212.24.153.188", "5076"),
)
"""101-105: free desks (no user is bound to them) where new users can log in."""


def _options(op_id: str, *path: Any) -> dict[str, Any]:
    node = example_result(op_id)
    for key in path:
        node = node[key]
    return dict(node["options"]) if "options" in node else dict(node)


def _getqueues_options() -> dict[str, Any]:
    import json
    return dict(json.loads(example_result("daktela.GetQueues")["options"]))


# id, number, title, description, type, direction, outboundcid, wrapuptime, outbounder, form,
# missed, options (whose doc example), members (user, priority, logged in)
def _queues() -> tuple[tuple[Any, ...], ...]:
    users_state = ("daktela.RTUsersState", "1", "login_oqueues")
    user_state = ("daktela.RTUserState.v4_0", "login_oqueues")
    return (
        ("1", "2000", "Support", "", "in", "in", "", "0", "0", "0", "5", _options(*users_state, 0),
         (("1", 0, False), ("3", 0, False), ("4", 0, True), ("5", 1, False), ("8", 0, True), ("9", 0, True))),
        ("2", "99990", "Daktela Test OUT", "Daktela Test OUT pro ucely testovani", "out", "out", "", "15",
         "0", "0", None, _options("daktela.RTUserState.v3_9", "calls", 0, "oqueue"), (("4", 0, False),)),
        ("3", "1002", "Outbounder", "", "outbounder", "out", "", "0", "1", "0", None, _getqueues_options(),
         (("1", 0, False), ("10", 0, True))),
        ("4", "5000", "Prodej", "", "in", "in", "", "15", "0", "0", None, _options(*users_state, 1),
         (("5", 0, True), ("1", 1, False))),
        ("5", "5001", "Reklamace", "", "in", "in", "", "15", "0", "0", None, _options(*users_state, 1),
         (("5", 0, False),)),
        ("6", "1006", "ObycOdchozi", "", "out", "out", "226219568", "0", "0", "0", None,
         _options(*users_state, 2), (("3", 0, True), ("7", 0, True), ("1", 0, True))),
        ("7", "2005", "Prichozi s Formularem", "", "in", "in", "", "0", "0", "1", None,
         _options(*user_state, 6), (("6", 0, True),)),
        ("8", "2006", "Click2Call", "", "ctc", "in", "", "0", "0", "0", None, _options(*user_state, 7),
         (("6", 0, True), ("4", 1, True))),
        # the Forms examples' campaigns (CreateRecord, ExportData, CopyRecords, MoveRecords) and
        # EmailCreate's e-mail queue 2000 (e-mail queues are numbered apart from call queues)
        ("9", "2003", "Kampaň Podzim", "", "outbounder", "out", "", "0", "1", "0", None, _getqueues_options(),
         (("1", 0, False),)),
        ("10", "2000", "Email", "", "email", "in", "", "0", "0", "0", None, {"type": "email", "missed": ""}, ()),
        ("11", "2009", "Kampaň Zima", "", "outbounder", "out", "", "0", "1", "0", None, _getqueues_options(),
         (("1", 0, False),)),
    )


STRATEGIES = {"ringall": "ringall", "linear": "linear", "rrmemory": "roundrobin", "roundrobin": "roundrobin",
              "leastrecent": "roundrobin", "fewestcalls": "roundrobin", "random": "roundrobin"}
"""Asterisk ring strategies (queue option ``ring_strategy``) -> the core's; the core has no
least-recent or fewest-calls, round robin stands in for them (docs/FIDELITY.md)."""
DEFAULT_RING, DEFAULT_RETRY, DEFAULT_MAX_WAIT = 20.0, 5.0, 3600.0


def seconds(value: Any, default: float) -> float:
    """A queue option's seconds (``"20"``, ``""`` = the default)."""
    text = str(value or "").strip()
    return float(text) if text.isascii() and text.isdigit() and int(text) > 0 else default


def configure_queue(queue: Queue) -> None:
    """The core's routing parameters from the Daktela options and fields of ``queue``."""
    opts = model.options(queue)
    queue.strategy = STRATEGIES.get(str(opts.get("ring_strategy", "")), "roundrobin")
    queue.ring_timeout = seconds(opts.get("ringtime"), DEFAULT_RING)
    queue.retry = seconds(opts.get("retrytime"), DEFAULT_RETRY)
    queue.max_wait = seconds(opts.get("maxwait"), DEFAULT_MAX_WAIT)
    queue.wrapup = seconds(queue.extra.get("wrapuptime") or opts.get("wrapuptime"), 0.0)
    queue.tiers = True  # Daktela's member priorities 0 (high) .. 2 (low) are tiers


# pause id, code, title, type, paid (in the order GetPauses lists them)
_PAUSES: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("3", "666", "Lajdak", "lajdak", "0"), ("2", "20", "Wrap", "wrap", "1"),
    ("4", "13", "Backoffice", "", "1"), ("5", "12", "Email", "", "1"),
    ("6", "11", "Prestavka", None, "0"), ("7", "10", "Obed", "", "0"),
    ("8", "667", "Email", "", "1"), ("9", "668", "Obed22", "", "0"),
)
"""GetPauses 3.3 (ids 2-4 and 6-9) and 3.0 (id 5, "Email", code 12). Normal pauses have type
"" or, as older rows, null; the 3.3 example shows null for 4 as well as 6, but its first rows
must agree in type for clients that read one row's shape (docs/FIDELITY.md): 4 is "" here."""

# The CDR module's price list: prefix, destination type, description, destination, rate/min,
# first and further billing steps (the CDR example's prices come out of these exactly).
_PRICES: tuple[tuple[str, str, str, str, int, int], ...] = (
    ("840", "Specialni_Cisla", "Bila linka ", "1.9150", 120, 30),
    ("800", "Specialni_Cisla", "Zelena linka", "0.0000", 30, 30),
    ("60", "Mobilni_Hovory", "Ceska republika - mobil T-mobile", "4.5000", 30, 30),
    ("7", "Mobilni_Hovory", "Ceska republika - mobil", "4.5000", 30, 30),
    ("2", "Pevna_Linka", "Ceska republika", "0.9000", 30, 30),
    ("3", "Pevna_Linka", "Ceska republika", "0.9000", 30, 30),
    ("4", "Pevna_Linka", "Ceska republika", "0.9000", 30, 30),
    ("5", "Pevna_Linka", "Ceska republika", "0.9000", 30, 30),
    ("", "Ostatni", "Ostatni", "0.0000", 30, 30),
)

DIDS: tuple[tuple[str, str, str], ...] = (
    ("222500100", "queue:1", "Support"), ("222500101", "queue:4", "Prodej"),
    ("222500102", "queue:5", "Reklamace"), ("9999", "queue:1", "Incoming redirect 9999"),
)
"""Incoming routes (DIDs); 9999 is CreateRemoteCall's ``directdid`` example."""

HISTORY = HistoryPlan(days=10, calls_per_hour=4.0, caller_format="60#######", locale="cs_CZ")
"""Ten days of office-hours traffic before the clock start, Czech mobile callers."""


def _directory(t: Tenant) -> None:
    t0 = t.now()
    for uid, login, title, ext, password, email, description, hours, pause, mode in _USERS:
        agent = Agent(id=uid, name=title, extension=ext, username=login, logged_in=hours is not None,
                      state="idle" if hours is not None else OFFLINE, behaviour=Behaviour(mode=mode))
        agent.extra = {"role": ROLE, "profile": PROFILE, "description": description, "password": password,
                       "email": email, "deleted": "0", "bound": ext}
        if hours is not None:
            since = t0 - hours * 3600
            agent.extra["login_time"] = since
            agent.extra["state_time"] = since
            model.spans(t, model.SESSIONS).add(Span(str(model.spans(t, model.SESSIONS).next_id()), uid, since))
        if pause:
            agent.paused, agent.pause_reason, agent.paused_since = True, pause, t0 - 940
            agent.extra["state_time"] = t0 - 940
            model.spans(t, model.PAUSE_LOG).add(Span(str(model.spans(t, model.PAUSE_LOG).next_id()), uid,
                                                     t0 - 940, ref=pause))
        t.agents[uid] = agent
    for qid, number, title, description, qtype, direction, cid, wrapup, outbounder, form, missed, opts, \
            members in _queues():
        queue = Queue(id=qid, number=number, name=title)
        queue.extra = {"description": description, "type": qtype, "direction": direction, "outboundcid": cid,
                       "wrapuptime": wrapup, "outbounder": outbounder, "form": form, "missed": missed,
                       "options": opts, "deleted": "0", "priorities": {}}
        for uid, priority, logged in members:
            queue.members.append(Member(agent_id=uid, priority=priority, logged_in=logged))
            queue.extra["priorities"][uid] = priority
            if logged:
                since = t.agents[uid].extra["login_time"] + 5
                model.spans(t, model.QUEUE_LOGINS).add(
                    Span(str(model.spans(t, model.QUEUE_LOGINS).next_id()), uid, since, ref=qid))
        configure_queue(queue)
        t.queues[qid] = queue
    t.numbers = {did: Number(number=did, target=target, name=label) for did, target, label in DIDS}
    for exten, ip, port in _EXTENSIONS:
        model.extensions(t).add(Extension(exten, ip, port))
    for pid, code, title, ptype, paid in _PAUSES:
        model.pauses(t).add(Pause(pid, code, title, ptype, paid))
    for n, (prefix, dtype, name, rate, first, step) in enumerate(_PRICES, 1):
        model.destinations(t).add(Destination(str(n), prefix, dtype, dtype, name, rate, first, step))


# -- the doc's own calls (history) --------------------------------------------------------------
def _at(local: str) -> float:
    return parse_sql_datetime(local, TIMEZONE)


def _leg(call: Call, seq: int, role: str, party: str, agent: str | None, start: float,
         answered: float | None, end: float) -> None:
    call.legs.append(Leg(id=f"{call.id}-{len(call.legs) + 1}", seq=seq, role=role, party=party, agent_id=agent,
                         created_at=start, state=LEG_ENDED, ringing_at=start, answered_at=answered,
                         ended_at=end, disposition=D_ANSWERED if answered is not None else D_NO_ANSWER))


def _outbound(call_id: str, start: float, ext: str, user: str | None, number: str, ring: float, talk: float,
              *, seq: int, queue: str | None = None, by: str = BY_AGENT, **tags: Any) -> Call:
    """An ended call an agent (or an extension) placed: their phone first, then the number."""
    answered, end = start + ring, start + ring + talk
    call = Call(id=call_id, direction=OUTBOUND, caller=ext, callee=number, created_at=start, user_id=user,
                state=ENDED, answered_at=answered, ended_at=end, disposition=D_ANSWERED, agent_id=user,
                answered_by=None, ended_by=by, origin="seed", caller_channel=seq,
                tags={"flow": "click_to_call", **({"queue": queue} if queue else {}), **tags})
    _leg(call, seq, "caller", ext, user, start, start, end)
    _leg(call, seq + 1, "remote", number, None, start, answered, end)
    return call


def _inbound(call_id: str, start: float, number: str, queue: str, agent: str | None, ext: str, wait: float,
             talk: float, *, seq: int, did: str = "222500100", **tags: Any) -> Call:
    """An ended queue call from ``number``: answered by ``agent`` after ``wait``, or abandoned."""
    end = start + wait + talk
    call = Call(id=call_id, direction=INBOUND, caller=number, callee=did, did=did, created_at=start,
                queue_id=queue, state=ENDED, queue_entered_at=start, queue_left_at=start + wait,
                origin="seed", caller_channel=seq, ended_at=end, tags=dict(tags))
    if agent is not None and talk > 0:
        call.answered_at, call.answered_by, call.agent_id = start + wait, agent, agent
        call.disposition, call.ended_by = D_ANSWERED, BY_CALLER
        _leg(call, seq + 1, "agent", ext, agent, start, start + wait, end)
    else:
        call.disposition, call.ended_by = D_ABANDONED, BY_CALLER
    return call


DOC_CHANNELS = range(161, 0xE0)
"""Channel numbers of the doc's calls beyond the documented ones (159, 160 of AboutCall's call;
110, 111 of GetAttempts' attempts): below the first one Asterisk's id scheme hands out, so no
later call shares one (GetAttempts' attempt ids are channel numbers)."""
RECENT_CHANNEL = 0xDF


def _doc_history() -> tuple[Call, ...]:
    """The example calls of daktela.txt, oldest first (ids, numbers and times as documented)."""
    calls: list[Call] = []
    channels = iter(range(DOC_CHANNELS.start, DOC_CHANNELS.stop, 2))
    # AboutCall: hajek's outgoing call from extension 200 through queue 2, recorded (GetRecording)
    about = _outbound("1319030658.204", _at("2011-10-19 15:24:18"), "200", "4", "468008580", 31, 29,
                      seq=0x9f, queue="2", uniqueid="1319030686.213",
                      recording_hash="225fae9e2c0a2e830c7d0e9e80040f4245a65d2e1319030658.204")
    about.legs[1].created_at = about.legs[1].ringing_at = _at("2011-10-19 15:24:46")
    calls.append(about)
    # CDR (March 2012): outgoing calls of extensions 500 and 300 (admin, hajek)
    for call_id, date, ext, user, dst, billsec, duration, account, uniq in (
            ("1330949120.242", "2012-03-05 13:05:20", "500", "1", "468008585", 321, 328, "", None),
            ("1330949457.244", "2012-03-05 13:10:57", "500", "1", "468008585", 170, 177, "", None),
            ("1330949636.250", "2012-03-05 13:13:56", "500", "1", "468008585", 2200, 2206, "", None),
            ("1330951868.260", "2012-03-05 13:51:08", "500", "1", "468008585", 923, 929, "", None),
            ("1331212411.14", "2012-03-08 14:13:31", "500", "1", "840101010", 4, 8, "", None),
            ("1331654233.586WS", "2012-03-13 16:57:13", "300", "4", "603927227", 6, 17, "1002", "1331654233.196"),
            ("1332751889.9807WS", "2012-03-26 10:51:29", "500", "1", "491200163", 83, 91, "1002", "1332751889.0")):
        extra = {"accountcode": account, **({"uniqueid": uniq} if uniq else {})}
        calls.append(_outbound(call_id, _at(date), ext, user, dst, duration - billsec, billsec,
                               seq=next(channels), **extra))
    # StatsTrace (2012-05-18): hajek's three calls through queue 2
    for row, ring_start, answer, end, number in ((718, "12:34:03", "12:34:09", "12:34:58", "468008585"),
                                                 (720, "12:35:08", "12:35:13", "12:36:31", "468008585"),
                                                 (719, "12:35:31", "12:35:40", "12:36:03", "603927227")):
        start = _at(f"2012-05-18 {ring_start}")
        ring, talk = _at(f"2012-05-18 {answer}") - start, _at(f"2012-05-18 {end}") - _at(f"2012-05-18 {answer}")
        calls.append(_outbound(f"{int(start)}.{row}", start, "300", "4", number, ring, talk, seq=next(channels),
                               queue="2"))
    # StatsCallsRepeated (October 2012) and AboutCall's id: calls from 226211245 into Support
    for call_id, date, agent, wait, talk in (
            ("1349075520.11", "2012-10-01 09:12:00", None, 40, 0),
            ("1349251200.21", "2012-10-03 10:00:00", "4", 8, 60),
            ("1349785200.31", "2012-10-09 14:20:00", None, 35, 0),
            ("1350292260.41", "2012-10-15 11:11:00", None, 42, 0),
            ("1350912600.51", "2012-10-22 15:30:00", "4", 9, 120)):
        calls.append(_inbound(call_id, _at(date), "226211245", "1", agent, "300", wait, talk,
                              seq=next(channels)))
    # AboutCall's id: hajek calls 226211245 back through queue 2 (an outgoing call, as its row)
    calls.append(_outbound("1350478005.0", _at("2012-10-17 14:46:45"), "300", "4", "226211245", 12, 95,
                           seq=next(channels), queue="2"))
    # LastCall (extension 500) and LastCallNumber (queue 2)
    calls.append(_outbound("1352986386.46", _at("2012-11-15 14:33:06"), "500", "1", "468008585", 4, 37,
                           seq=next(channels)))
    calls.append(_outbound("1354715424.94", _at("2012-12-05 14:50:24"), "300", "4", "468008585", 5, 6,
                           seq=next(channels), queue="2", by=BY_CALLER))
    # StatsCalls (August 2014): hajek's outgoing calls through queue 2
    for row, name, time, clid, contact, wait, talk, by in (
            (3708, "1408008186.36", "2014-08-14 11:23:08", "603927227", None, 20, 13, BY_CALLER),
            (3711, "1408009401.37480WS", "2014-08-14 11:43:24", "468008585", "3", 4, 13, BY_AGENT),
            (3712, "1408009470.20542WS", "2014-08-14 11:44:33", "468008585", "3", 4, 6, BY_AGENT),
            (3717, "1408101613.60440WS", "2014-08-15 13:20:16", "468008585", "3", 3, 6, BY_AGENT),
            (3718, "1408101684.96894WS", "2014-08-15 13:21:27", "468008585", "3", 4, 12, BY_AGENT)):
        calls.append(_outbound(name, _at(time), "300", "4", clid, wait, talk, seq=next(channels),
                               queue="2", by=by, row=str(row), contact=contact))
    # GetAttempts (2015-09-23): two unanswered 20 s attempts at hajek, then the caller gave up
    start = _at("2015-09-23 13:29:58")
    attempts = Call(id="1443007798.918", direction=INBOUND, caller="226211245", callee="222500100",
                    did="222500100", created_at=start, queue_id="1", state=ENDED, queue_entered_at=start,
                    queue_left_at=start + 52, ended_at=start + 52, disposition=D_ABANDONED, ended_by=BY_CALLER,
                    origin="seed", caller_channel=109)
    for seq, ring_start in ((110, "13:29:59"), (111, "13:30:25")):
        at = _at(f"2015-09-23 {ring_start}")
        _leg(attempts, seq, "agent", "300", "4", at, None, at + 20)
    calls.append(attempts)
    calls.sort(key=lambda c: c.created_at)
    return tuple(calls)


def _doc_spans(t: Tenant) -> None:
    """The doc's session, queue-login and pause histories (StatsUsers*, StatsTrace)."""
    sessions, queues, pauses = (model.spans(t, k) for k in (model.SESSIONS, model.QUEUE_LOGINS, model.PAUSE_LOG))
    for sid, user, start, length in (("1", "3", "2013-01-08 10:51:04", 38), ("5", "3", "2013-01-30 12:13:28", 38),
                                     ("9", "3", "2013-02-03 10:00:40", 39), ("13", "3", "2013-02-11 08:02:10", 30712),
                                     ("17", "3", "2013-03-04 07:58:44", 29105),
                                     ("21", "3", "2013-04-02 08:00:12", 28655),
                                     ("25", "3", "2013-05-06 08:01:55", 27333),
                                     ("31", "4", "2012-05-18 12:33:23", 12528)):
        sessions.add(Span(sid, user, _at(start), _at(start) + length))
    for sid, user, queue, start, end in (
            ("1", "4", "2", "2012-05-18 12:33:28", "2012-05-18 16:02:05"),
            ("2", "1", "1", "2012-09-03 08:00:12", "2012-09-03 16:30:40"),
            ("3", "1", "4", "2012-09-04 08:02:00", "2012-09-04 12:00:00"),
            ("4", "1", "1", "2012-10-01 07:59:30", "2012-10-01 16:01:02"),
            ("10", "1", "5", "2014-08-14 13:35:07", "2014-09-09 14:55:20"),
            ("11", "1", "3", "2014-08-21 14:03:39", "2014-09-09 14:55:21"),
            ("12", "1", "4", "2014-09-02 14:37:57", "2014-09-09 14:55:22")):
        queues.add(Span(sid, user, _at(start), _at(end), ref=queue))
    for sid, user, pause, start, length in (("1040", "4", "2", "2012-05-18 12:36:03", 11),
                                            ("1052", "1", "2", "2014-08-05 13:21:33", 10),
                                            ("1053", "1", "2", "2014-08-05 13:50:51", 5),
                                            ("1055", "1", "2", "2014-08-05 14:00:18", 10)):
        pauses.add(Span(sid, user, _at(start), _at(start) + length, ref=pause))


_DOC_CALLS = _doc_history()
_WITH_DOC: dict[int, tuple[tuple[Call, ...], tuple[Call, ...]]] = {}
"""id(synthesized history) -> (that history, the doc's calls + a recent call + that history)."""


def _recent(t: Tenant) -> Call:
    """Yesterday's answered call from 226211245 in Support (LastCallNumber's two-day window)."""
    start = t.now() - 86400 + 1800
    return _inbound(f"{int(start)}.99", start, "226211245", "1", "4", "300", 6, 140, seq=RECENT_CHANNEL - 1)


def _history(t: Tenant) -> None:
    synthesize_history(t, HISTORY)
    synthesized = tuple(t.history)
    entry = _WITH_DOC.get(id(synthesized))
    if entry is None or entry[0] is not synthesized:
        recent = _recent(t)
        merged = sorted((*_DOC_CALLS, recent, *synthesized), key=lambda c: c.created_at)
        entry = (synthesized, tuple(merged))
        _WITH_DOC[id(synthesized)] = entry
    t.history = entry[1]


# -- the centre at the clock's start: calls in progress -------------------------------------------
WAITING_CALL = "1404828279.15208"
"""PickupFromQueue's call: waiting in queue 5001, where nobody is logged in."""


def _connect(t: Tenant, call: Call, talk: float, agent: str | None = None) -> None:
    """Answer every ringing leg of ``call`` now (the agent's, then the remote party's), and let
    the conversation last ``talk`` seconds."""
    for _ in range(2):
        ringing = [leg for leg in call.legs if leg.state == "ringing"]
        if not ringing:
            break
        leg = next((l for l in ringing if agent is None or l.agent_id in (agent, None)), ringing[0])
        engine.answer(t, call.id, leg_id=leg.id)
    t.clock.cancel_where("call.hangup", call=call.id)
    t.clock.call_later(talk, "call.hangup", call=call.id, by=BY_CALLER)


def _take(t: Tenant, call: Call, agent: str, talk: float) -> None:
    """``agent`` answers the queue call (picking it up if the queue rang someone else)."""
    if not any(leg.agent_id == agent and leg.state == "ringing" for leg in call.legs):
        engine.pickup(t, call.id, agent)
    _connect(t, call, talk, agent=agent)


def _live(t: Tenant) -> None:
    klatil = engine.inbound_call(t, "731123456", "222500100", origin="seed")
    _take(t, klatil, "8", 2400)
    michal = engine.inbound_call(t, "468008585", "222500101", origin="seed")
    _connect(t, michal, 1800, agent="5")
    hugo = engine.click_to_call(t, "3", "468008585", origin="seed", tags={"queue": "6"})
    _connect(t, hugo, 2100)
    demo = engine.click_to_call(t, "7", "468008589", origin="seed", tags={"queue": "2"})
    _connect(t, demo, 2700)
    t.agents["7"].extra["callscript"] = "66"
    admin = engine.click_to_call(t, "1", "468008585", origin="seed")
    _connect(t, admin, 1500)
    # Answer's call: sedlacek took it in Support, then passed it to hajek, whose phone rings
    # (hajek does not answer by himself), and went on a pause
    support = engine.inbound_call(t, "226211245", "222500100", origin="seed")
    _take(t, support, "9", 600)
    engine.transfer(t, support.id, "agent:4", "blind")
    engine.pause(t, "9", "4")
    engine.inbound_call(t, "603927227", "222500102", origin="seed", call_id=WAITING_CALL)


def seed(t: Tenant) -> None:
    """Build the doc's contact centre: directory, history, and the shift in progress."""
    if not t.credentials:  # new tenants get theirs from the registry; a reset keeps them
        t.credentials = {TOKEN: DOC_TOKEN, ALT_TOKEN: DOC_TOKEN_41}
    cache.bump(t)  # a build (also of a reset or a restore): no kept answer holds
    template.build(t, _live_build)


def _live_build(t: Tenant) -> None:
    """The build itself (``template`` keeps what it made for the next tenant like this one)."""
    model.declare(t)
    sms.declare(t)
    forms.declare(t)
    records.declare(t)
    activities.declare(t)
    dialer.declare(t)
    _doc_spans(t)  # explicit ids first: the directory's open spans take the next ones
    _directory(t)
    _history(t)
    _live(t)
    seed_sms.seed(t)
    seed_forms.seed(t)
