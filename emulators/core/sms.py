"""SMS: messages an account sends through its lines and receives on them, on the tenant clock.

- An **account** is one SMS product of a tenant (a GSM gateway's SIM cards, a connection to an
  SMS centre) with its rules: how long a line takes per segment (``send_seconds``), when a
  delivery report comes (``report_after``), a rate limit for messages sent one by one
  (``rate_limit`` per ``rate_window`` seconds, 0: none), allowed sending hours (local
  ``hours_begin``..``hours_end`` inclusive, both 0: any time, an end of 0: none, until
  midnight), the longest message
  (``max_segments``) and how long messages are kept (``retention`` seconds, 0: for ever).
- A **line** (one SIM port, one SMS-centre bind) sends one message at a time. A message is put
  on a line when it is submitted: the one asked for, else the account's lines in turn (a group
  of 20,000 spreads over every SIM card). Each line sends its due messages by priority (high
  first), then by due time, then in submission order.
- **Segments** (``sms_text``): GSM-7 (160 septets in one message, 153 per part of a longer one;
  the extension characters ``^{}\\[~]|€`` take two) or UCS-2 (70 UTF-16 units, 67 per part).
- **Lifecycle** (``TRANSITIONS``): ``waiting`` (until due, within the allowed hours and the rate
  limit, and a line is free) -> ``sending`` -> ``sent`` -> ``delivered``, or ``failed`` at the
  send or at the report, with a reason; ``waiting`` -> ``cancelled`` (a group cancelled);
  ``received`` (an incoming message). Only a message that asked for a report (``report``) gets
  one. What the network does with a number is its party's fault (``tenant.parties``):
  ``congestion`` and ``reject`` fail the send, ``unreachable`` and ``no_answer`` (a phone off
  until the message expires) fail the report; ``latency`` delays the report.
- **Groups** take the next id of the messages' series, so a group's id comes just before its
  messages' ids.

Messages, groups, lines and accounts live in ``tenant.store`` (the dialect's seed calls
``declare``); each line's queue of waiting messages is an index kept beside the store and rebuilt
from the messages after a restore. Every change happens on the tenant clock (``sms.pump`` per
line, ``sms.report`` per message) and is recorded as an event the dialect turns into callbacks.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from .errors import CoreError, IllegalTransition, InvalidNumber, NotFound
from .sms_text import GSM7, PART, SINGLE, UCS2, Segmentation, fold_ascii, segment  # noqa: F401 (the engine's API)
from .store import Collection
from .timers import timer_handler
from .world import Tenant

ACCOUNTS, LINES, MESSAGES, GROUPS = "sms_accounts", "sms_lines", "sms_messages", "sms_groups"
"""The store collections of this engine."""

OUT, IN = "out", "in"
WAITING, SENDING, SENT, DELIVERED, FAILED, CANCELLED, RECEIVED = (
    "waiting", "sending", "sent", "delivered", "failed", "cancelled", "received")
TRANSITIONS: dict[str, frozenset[str]] = {
    WAITING: frozenset({SENDING, CANCELLED}),
    SENDING: frozenset({SENT, FAILED}),
    SENT: frozenset({DELIVERED, FAILED}),
    DELIVERED: frozenset(), FAILED: frozenset(), CANCELLED: frozenset(), RECEIVED: frozenset(),
}
"""Allowed status changes of a message."""
STATUSES = tuple(TRANSITIONS)
PENDING = (WAITING, SENDING)
"""Not yet sent: a restore keeps them in their lines' queues."""

CONGESTION, REJECTED, UNREACHABLE, EXPIRED = "congestion", "rejected", "unreachable", "expired"
REASONS = (CONGESTION, REJECTED, UNREACHABLE, EXPIRED)
"""Why a message failed: the network refused the send (``congestion``), the SMS centre refused
the number (``rejected``), the phone does not exist or is out of reach (``unreachable``), the
message expired before the phone came back (``expired``)."""
SEND_FAULTS = {"congestion": CONGESTION, "reject": REJECTED}
REPORT_FAULTS = {"unreachable": UNREACHABLE, "no_answer": EXPIRED}
"""A party's fault -> how its messages fail (at the send, at the report)."""

NUMBER = re.compile(r"\+?[0-9]{3,20}")
"""A number an SMS can go to: digits, optionally international with ``+``."""
PRIORITIES = range(0, 21)

SMS_SENT = "SmsSent"
SMS_FAILED = "SmsFailed"
"""data: message, account, group, reason, phase (``send``: refused at the send; ``report``: the
delivery report said so)."""
SMS_DELIVERED = "SmsDelivered"
SMS_RECEIVED = "SmsReceived"
SMS_GROUP_CANCELLED = "SmsGroupCancelled"
"""data: group, account, count (the messages cancelled)."""
EVENTS = (SMS_SENT, SMS_FAILED, SMS_DELIVERED, SMS_RECEIVED, SMS_GROUP_CANCELLED)

PUMP, REPORT = "sms.pump", "sms.report"
HOUSEKEEPING = 86400.0
"""Messages past an account's retention are removed at most once per virtual day."""


class MessageTooLong(CoreError):
    code = "message_too_long"


class NoLine(CoreError):
    """The account has no line to send through (or not the one asked for)."""

    code = "no_line"


class MessageNotFound(NotFound):
    code = "message_not_found"


class GroupNotFound(NotFound):
    code = "group_not_found"


@dataclass(slots=True)
class Account:
    id: str
    send_seconds: float = 2.0
    """Seconds a line needs per segment."""
    report_after: float = 5.0
    """Seconds from the send to the delivery report (plus the party's latency)."""
    max_segments: int = 9
    rate_limit: int = 0
    rate_window: float = 0.0
    hours_begin: int = 0
    hours_end: int = 0
    retention: float = 0.0
    cursor: int = 0
    """Lines taken so far by submissions that named none (the next one is ``cursor % lines``)."""
    sent_times: list[float] = field(default_factory=list)
    """When the throttled messages of the current rate window started sending, oldest first."""
    last_sent_at: float | None = None
    purged_at: float | None = None
    data: dict[str, Any] = field(default_factory=dict)
    """The vendor's own facts (never read here)."""


@dataclass(slots=True)
class Line:
    id: str
    account: str
    number: str = ""
    """The line's own number (a SIM card's), "" when it has none."""
    data: dict[str, Any] = field(default_factory=dict)
    current: str = ""
    """The message being sent ("" when the line is free)."""
    busy_until: float | None = None
    wake_at: float | None = None
    """When the line's pending ``sms.pump`` timer is due (None: no timer)."""
    sent: int = 0


@dataclass(slots=True)
class Message:
    id: str
    account: str
    direction: str
    number: str
    """The other party: the recipient of an outgoing message, the sender of an incoming one."""
    text: str
    encoding: str
    segments: int
    created_at: float
    due: float
    """Not sent before this instant (a scheduled message)."""
    status: str = WAITING
    priority: int = 10
    line: str = ""
    group: str = ""
    report: bool = False
    """A delivery report was asked for."""
    throttled: bool = False
    """Counts against the account's rate limit (messages sent one by one)."""
    sent_at: float | None = None
    """When it left (or, incoming, arrived)."""
    finished_at: float | None = None
    """When it was delivered, failed or cancelled."""
    reason: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Group:
    id: str
    account: str
    created_at: float
    size: int
    data: dict[str, Any] = field(default_factory=dict)


def declare(t: Tenant) -> None:
    """Declare this engine's collections in a tenant's store (a dialect's seed calls it)."""
    t.store.declare(Collection(ACCOUNTS, record=Account))
    t.store.declare(Collection(LINES, record=Line, indexes=("account",)))
    t.store.declare(Collection(MESSAGES, record=Message, indexes=("group", "status")))
    t.store.declare(Collection(GROUPS, record=Group, indexes=("account",)))


def accounts(t: Tenant) -> Collection[Account]:
    return _collection(t, ACCOUNTS)


def lines(t: Tenant) -> Collection[Line]:
    return _collection(t, LINES)


def messages(t: Tenant) -> Collection[Message]:
    return _collection(t, MESSAGES)


def groups(t: Tenant) -> Collection[Group]:
    return _collection(t, GROUPS)


def _collection(t: Tenant, name: str) -> Collection[Any]:
    try:
        return t.store.collections[name]
    except KeyError:
        raise IllegalTransition(f"the {t.dialect.name} tenants keep no SMS") from None


def has_sms(t: Tenant) -> bool:
    return ACCOUNTS in t.store


def max_units(account: Account, encoding: str) -> int:
    """The longest text an account sends (``max_segments`` parts)."""
    return account.max_segments * PART[encoding] if account.max_segments > 1 else SINGLE[encoding]


# -- accounts and lines -------------------------------------------------------------------------
SETTABLE = ("send_seconds", "report_after", "max_segments", "rate_limit", "rate_window", "hours_begin",
            "hours_end", "retention")


def add_account(t: Tenant, account_id: str, data: dict[str, Any] | None = None, **settings: Any) -> Account:
    if account_id in accounts(t):
        raise IllegalTransition(f"SMS account {account_id} exists")
    account = Account(account_id, data=dict(data or {}))
    _apply(account, settings)
    return accounts(t).add(account)


def configure(t: Tenant, account_id: str, **settings: Any) -> Account:
    """Change an account's rules; its lines look at their queues again at once."""
    account = get_account(t, account_id)
    _apply(account, settings)
    account.sent_times = account.sent_times[-account.rate_limit:] if account.rate_limit > 0 else []
    for line in lines(t).where(account=account.id):
        _wake(t, line, t.now())
    return account


def _apply(account: Account, settings: dict[str, Any]) -> None:
    unknown = set(settings) - set(SETTABLE)
    if unknown:
        raise IllegalTransition(f"unknown SMS account settings {sorted(unknown)}")
    merged = {name: getattr(account, name) for name in SETTABLE}
    merged.update(settings)
    if not (0 < float(merged["send_seconds"]) <= 3600 and 0 <= float(merged["report_after"]) <= 86400 * 7
            and 1 <= int(merged["max_segments"]) <= 255 and int(merged["rate_limit"]) >= 0
            and 0 <= float(merged["rate_window"]) <= 86400 * 366 and float(merged["retention"]) >= 0
            and all(0 <= int(merged[h]) <= 23 for h in ("hours_begin", "hours_end"))):
        raise IllegalTransition("SMS account settings out of range")
    for name, value in settings.items():
        setattr(account, name, type(getattr(account, name))(value))


def get_account(t: Tenant, account_id: str) -> Account:
    found = accounts(t).get(account_id)
    if found is None:
        raise NotFound(f"no SMS account {account_id}")
    return found


def add_line(t: Tenant, line_id: str, account_id: str, *, number: str = "",
             data: dict[str, Any] | None = None) -> Line:
    get_account(t, account_id)
    if line_id in lines(t):
        raise IllegalTransition(f"SMS line {line_id} exists")
    return lines(t).add(Line(line_id, account_id, number, dict(data or {})))


def lines_of(t: Tenant, account_id: str) -> list[Line]:
    return lines(t).where(account=account_id)


# -- sending ------------------------------------------------------------------------------------
def prepare(t: Tenant, account_id: str, number: str, text: str, encoding: str = GSM7) -> Segmentation:
    """Check that a message can be sent (a number, not too long) and say how it is carried."""
    account = get_account(t, account_id)
    if not NUMBER.fullmatch(number):
        raise InvalidNumber(number=number)
    parts = segment(text, encoding)
    if parts.count > max(1, account.max_segments):
        raise MessageTooLong(f"{parts.units} units in {parts.count} parts, at most {account.max_segments}")
    return parts


def send(t: Tenant, account_id: str, number: str, text: str, *, encoding: str = GSM7, report: bool = False,
         priority: int = 10, due: float | None = None, line_id: str | None = None, throttled: bool = True,
         data: dict[str, Any] | None = None) -> Message:
    """Submit one message (refused whole, before anything changes, when it cannot be sent)."""
    parts = prepare(t, account_id, number, text, encoding)
    line = _line_for(t, account_id, line_id, 1)[0]
    _check_priority(priority)
    housekeep(t, account_id)
    return _submit(t, account_id, line, number, text, parts, report=report, priority=priority, due=due,
                   throttled=throttled, data=data, group="")


def send_group(t: Tenant, account_id: str, items: Iterable[tuple[str, str]], *, encoding: str = GSM7,
               report: bool = False, priority: int = 10, due: float | None = None,
               data: dict[str, Any] | None = None, group_data: dict[str, Any] | None = None
               ) -> tuple[Group, list[Message]]:
    """Submit ``(number, text)`` pairs as one group over the account's lines in turn (never
    throttled: the rate limit is for messages sent one by one). Every pair is checked first."""
    pairs = list(items)
    checked = [(number, text, prepare(t, account_id, number, text, encoding)) for number, text in pairs]
    _check_priority(priority)
    if not checked:
        raise IllegalTransition("a group needs at least one message")
    line_list = _line_for(t, account_id, None, len(checked))
    housekeep(t, account_id)
    group = groups(t).add(Group(str(messages(t).next_id()), account_id, t.now(), len(checked),
                                dict(group_data or {})))
    sent = [_submit(t, account_id, line, number, text, parts, report=report, priority=priority, due=due,
                    throttled=False, data=data, group=group.id)
            for line, (number, text, parts) in zip(line_list, checked)]
    return group, sent


def _check_priority(priority: int) -> None:
    if priority not in PRIORITIES:
        raise IllegalTransition(f"priority {priority} is not 0-20")


def _line_for(t: Tenant, account_id: str, line_id: str | None, n: int) -> list[Line]:
    """The lines the next ``n`` messages go out on: the one asked for, else the account's in turn."""
    if line_id is not None:
        line = lines(t).get(line_id)
        if line is None or line.account != account_id:
            raise NoLine(f"no line {line_id} of {account_id}")
        return [line] * n
    own = lines_of(t, account_id)
    if not own:
        raise NoLine(f"{account_id} has no line")
    account = get_account(t, account_id)
    start = account.cursor
    account.cursor = (start + n) % len(own)
    return [own[(start + i) % len(own)] for i in range(n)]


def _submit(t: Tenant, account_id: str, line: Line, number: str, text: str, parts: Segmentation, *,
            report: bool, priority: int, due: float | None, throttled: bool, data: dict[str, Any] | None,
            group: str) -> Message:
    now = t.now()
    store = messages(t)
    index = _index(t)  # built (after a restore) before the message is in the store: it is pushed once
    msg = store.add(Message(str(store.next_id()), account_id, OUT, number, text, parts.encoding, parts.count,
                            now, max(now, due) if due is not None else now, WAITING, int(priority), line.id,
                            group, bool(report), bool(throttled), data=dict(data or {})))
    index.push(msg, now)
    _wake(t, line, msg.due)
    return msg


def receive(t: Tenant, account_id: str, number: str, text: str, *, line_id: str | None = None,
            data: dict[str, Any] | None = None) -> Message:
    """An incoming message from ``number`` arrives now (on the line asked for, else the
    account's first)."""
    get_account(t, account_id)
    if not NUMBER.fullmatch(number):
        raise InvalidNumber(number=number)
    if line_id is not None:
        line = lines(t).get(line_id)
        if line is None or line.account != account_id:
            raise NoLine(f"no line {line_id} of {account_id}")
    else:
        own = lines_of(t, account_id)
        line = own[0] if own else None
    parts = segment(text, GSM7)
    housekeep(t, account_id)
    now = t.now()
    store = messages(t)
    msg = store.add(Message(str(store.next_id()), account_id, IN, number, text, parts.encoding, parts.count,
                            now, now, RECEIVED, line=line.id if line is not None else "", sent_at=now,
                            data=dict(data or {})))
    t.record(SMS_RECEIVED, None, None, message=msg.id, account=account_id, group="")
    return msg


def adopt(t: Tenant, msg: Message) -> Message:
    """Add a message made elsewhere (a seed's history, an import) as it is: a waiting one queues
    on its line, a finished one is kept."""
    if msg.status == SENDING:
        raise IllegalTransition("a message being sent cannot be adopted")
    line = lines(t).get(msg.line) if msg.line else None
    if msg.status == WAITING and line is None:
        raise NoLine(f"no line {msg.line!r}")
    index = _index(t)
    messages(t).add(msg)
    if msg.status == WAITING and line is not None:
        index.push(msg, t.now())
        _wake(t, line, msg.due)
    return msg


def adopt_group(t: Tenant, group: Group) -> Group:
    """Add a group made elsewhere; its id is taken in the messages' series."""
    groups(t).add(group)
    store = messages(t)
    if group.id.isascii() and group.id.isdigit():
        store.counter = max(store.counter, int(group.id))
    return group


def cancel_group(t: Tenant, group_id: str) -> int:
    """Cancel the group's waiting messages (those being sent go on); how many were cancelled."""
    group = get_group(t, group_id)
    store = messages(t)
    now = t.now()
    n = 0
    for msg in store.where(group=group.id):
        if msg.status == WAITING:
            _move(store, msg, CANCELLED)
            msg.finished_at = now
            n += 1
    t.record(SMS_GROUP_CANCELLED, None, None, group=group.id, account=group.account, count=n)
    return n


def get_message(t: Tenant, message_id: str) -> Message:
    found = messages(t).get(message_id)
    if found is None:
        raise MessageNotFound(message_id=message_id)
    return found


def get_group(t: Tenant, group_id: str) -> Group:
    found = groups(t).get(group_id)
    if found is None:
        raise GroupNotFound(group_id=group_id)
    return found


def group_messages(t: Tenant, group_id: str) -> list[Message]:
    return messages(t).where(group=group_id)


def count(t: Tenant, account_id: str, status: str) -> int:
    return sum(1 for msg in messages(t).where(status=status) if msg.account == account_id)


# -- retention ----------------------------------------------------------------------------------
def alive(t: Tenant, msg: Message) -> bool:
    """Not yet past its account's retention (what reads show)."""
    account = accounts(t).get(msg.account)
    return account is None or account.retention <= 0 or msg.created_at >= t.now() - account.retention


def housekeep(t: Tenant, account_id: str) -> int:
    """Remove the account's finished messages past its retention (at most once a virtual day),
    and groups left with none; how many messages went."""
    account = get_account(t, account_id)
    now = t.now()
    if account.retention <= 0 or (account.purged_at is not None and now - account.purged_at < HOUSEKEEPING):
        return 0
    account.purged_at = now
    limit = now - account.retention
    store = messages(t)
    old = [m for m in store if m.account == account.id and m.created_at < limit and m.status not in PENDING]
    for msg in old:
        store.remove(msg.id)
    for group in groups(t).where(account=account.id):
        if group.created_at < limit and not store.where(group=group.id):
            groups(t).remove(group.id)
    return len(old)


# -- the lines' queues ---------------------------------------------------------------------------
class _LineQueue:
    __slots__ = ("ready", "throttled", "later")

    def __init__(self) -> None:
        self.ready: list[tuple[int, float, int, str]] = []
        self.throttled: list[tuple[int, float, int, str]] = []
        self.later: list[tuple[float, int, str]] = []


class _Index:
    """Per line, its waiting messages: due ones by priority (two heaps: throttled or not), not yet
    due ones by due time. Entries of messages no longer waiting are dropped when met."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.lines: dict[str, _LineQueue] = {}

    def queue(self, line_id: str) -> _LineQueue:
        found = self.lines.get(line_id)
        if found is None:
            found = self.lines[line_id] = _LineQueue()
        return found

    def push(self, msg: Message, now: float) -> None:
        q = self.queue(msg.line)
        seq = _seq(msg)
        if msg.due > now:
            heapq.heappush(q.later, (msg.due, seq, msg.id))
        else:
            heapq.heappush(q.throttled if msg.throttled else q.ready, (-msg.priority, msg.due, seq, msg.id))


_INDEXES: "WeakKeyDictionary[Collection[Message], _Index]" = WeakKeyDictionary()


def _seq(msg: Message) -> int:
    return int(msg.id) if msg.id.isascii() and msg.id.isdigit() else 0


def _index(t: Tenant) -> _Index:
    store = messages(t)
    index = _INDEXES.get(store)
    if index is None or index.generation != store.generation:
        index = _INDEXES[store] = _Index(store.generation)
        now = t.now()
        for msg in store.where(status=WAITING):
            index.push(msg, now)
    return index


def _move(store: Collection[Message], msg: Message, status: str) -> None:
    if status not in TRANSITIONS[msg.status]:
        raise IllegalTransition(f"message {msg.id}: {msg.status} -> {status}")
    store.set(msg, status=status)


def _wake(t: Tenant, line: Line, at: float) -> None:
    """Make sure the line looks at its queue by ``at`` (a busy line looks when it is done)."""
    if line.current:
        return
    at = max(at, t.now())
    if line.wake_at is not None and line.wake_at <= at:
        return
    if line.wake_at is not None:
        t.clock.cancel_where(PUMP, line=line.id)
    line.wake_at = at
    t.clock.call_at(at, PUMP, line=line.id)


def next_allowed(t: Tenant, account: Account, now: float) -> float | None:
    """None when the account may send now, else the next instant it may (its ``hours_begin``
    o'clock, local time)."""
    if account.hours_begin == 0 and account.hours_end == 0:
        return None
    local = datetime.fromtimestamp(now, ZoneInfo(t.timezone))
    begin, end, hour = account.hours_begin, account.hours_end or 23, local.hour  # end 0: no last hour
    inside = begin <= hour <= end if begin <= end else (hour >= begin or hour <= end)
    if inside:
        return None
    start = local.replace(hour=begin, minute=0, second=0, microsecond=0)
    if start <= local:
        start = (start.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=local.tzinfo)
    return max(start.timestamp(), now + 1.0)


@timer_handler(PUMP, line="store:" + LINES)
def _pump(t: Tenant, payload: dict[str, Any]) -> None:
    line = lines(t).get(payload["line"])
    if line is None:
        return
    line.wake_at = None
    now = t.now()
    store = messages(t)
    if line.current:
        if line.busy_until is not None and line.busy_until > now:
            line.wake_at = line.busy_until
            t.clock.call_at(line.busy_until, PUMP, line=line.id)
            return
        _complete(t, line, store)
    account = accounts(t).get(line.account)
    if account is None:
        return
    chosen, later = _choose(t, account, _index(t).queue(line.id), store, now)
    if chosen is None:
        if later is not None:
            _wake(t, line, later)
        return
    _move(store, chosen, SENDING)
    if chosen.throttled and account.rate_limit > 0 and account.rate_window > 0:
        account.sent_times.append(now)
    line.current = chosen.id
    line.busy_until = now + account.send_seconds * chosen.segments
    line.wake_at = line.busy_until
    t.clock.call_at(line.busy_until, PUMP, line=line.id)


def _choose(t: Tenant, account: Account, q: _LineQueue, store: Collection[Message],
            now: float) -> tuple[Message | None, float | None]:
    """The message the line sends now, or None and when to look again (None: when told)."""
    while q.later and q.later[0][0] <= now:
        _, _, msg_id = heapq.heappop(q.later)
        msg = store.get(msg_id)
        if msg is not None and msg.status == WAITING:
            heapq.heappush(q.throttled if msg.throttled else q.ready, (-msg.priority, msg.due, _seq(msg), msg.id))
    wait = next_allowed(t, account, now)
    top = _top(q.ready, store)
    blocked: float | None = None
    throttled = _top(q.throttled, store)
    if throttled is not None and account.rate_limit > 0 and account.rate_window > 0:
        times = account.sent_times
        while times and times[0] <= now - account.rate_window:
            times.pop(0)
        if len(times) >= account.rate_limit:
            blocked, throttled = times[0] + account.rate_window, None
    if wait is not None:
        return None, wait if (top or throttled or blocked or q.later) else None
    best = min((e for e in (top, throttled) if e is not None), default=None)
    if best is not None:
        heapq.heappop(q.ready if best is top else q.throttled)
        return store.get(best[3]), None
    soon = [at for at in (blocked, q.later[0][0] if q.later else None) if at is not None]
    return None, min(soon) if soon else None


def _top(heap: list[tuple[int, float, int, str]], store: Collection[Message]) -> tuple[int, float, int, str] | None:
    while heap:
        msg = store.get(heap[0][3])
        if msg is not None and msg.status == WAITING:
            return heap[0]
        heapq.heappop(heap)
    return None


def _complete(t: Tenant, line: Line, store: Collection[Message]) -> None:
    """The line has sent its current message: it left, or the network refused it."""
    msg = store.get(line.current)
    line.current, line.busy_until = "", None
    if msg is None or msg.status != SENDING:
        return
    now = t.now()
    party = t.parties.get(msg.number) or {}
    reason = SEND_FAULTS.get(str(party.get("fault")))
    msg.sent_at = now
    line.sent += 1
    if reason is not None:
        _move(store, msg, FAILED)
        msg.finished_at, msg.reason = now, reason
        t.record(SMS_FAILED, None, None, message=msg.id, account=msg.account, group=msg.group, reason=reason,
                 phase="send")
        return
    _move(store, msg, SENT)
    account = accounts(t).get(msg.account)
    if account is not None:
        account.last_sent_at = now
    t.record(SMS_SENT, None, None, message=msg.id, account=msg.account, group=msg.group)
    if msg.report and msg.status == SENT:
        latency = _seconds(party.get("latency"))
        delay = (account.report_after if account is not None else 0.0) + latency
        t.clock.call_later(delay, REPORT, message=msg.id)


def _seconds(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return 0.0
    return number if 0 <= number < 1e9 else 0.0


@timer_handler(REPORT, message="store:" + MESSAGES)
def _report(t: Tenant, payload: dict[str, Any]) -> None:
    store = messages(t)
    msg = store.get(payload["message"])
    if msg is None or msg.status != SENT:
        return
    now = t.now()
    party = t.parties.get(msg.number) or {}
    reason = REPORT_FAULTS.get(str(party.get("fault")))
    msg.finished_at = now
    if reason is not None:
        _move(store, msg, FAILED)
        msg.reason = reason
        t.record(SMS_FAILED, None, None, message=msg.id, account=msg.account, group=msg.group, reason=reason,
                 phase="report")
        return
    _move(store, msg, DELIVERED)
    t.record(SMS_DELIVERED, None, None, message=msg.id, account=msg.account, group=msg.group)
