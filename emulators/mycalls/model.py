"""MyCalls' objects over the core world: apps, agent groups (core queues), agents (core agents,
one per phone number of the subscriber) and subscriber users (verification: ``verification``).

mycalls.txt, object notes: apps are identified by guid, agent groups by name; a group's agents
are numbers with a priority, of type USER when the number belongs to a subscriber user. A
subscriber is one tenant (one API key); its apps, users and verified numbers live in
``tenant.state`` (JSON, snapshotted), its groups and agents in the core's queues and agents.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from itertools import islice
from typing import Any, Iterator, Sequence, overload
from weakref import WeakKeyDictionary

from ..core.agents import Agent
from ..core.calls import Call
from ..core.queues import Member, Number, Queue
from ..core.world import Tenant

VENDOR = "mycalls"

# -- agent groups -------------------------------------------------------------------------------
APP = "app"
"""``Queue.extra`` key: the guid of the app a group belongs to (a queue without it, e.g. one a
scenario built, belongs to the subscriber's first app)."""
GROUP_DEFAULTS: dict[str, Any] = {"ringtime": 15, "recording": "enabled", "distribution": "RR",
                                  "sticky": False, "sticky_days": 30}
"""A new group's settings: the doc's example group ``default`` (its name and display name are
the group's own name)."""
DISTRIBUTIONS = {"RR": "roundrobin", "PR": "priority"}
"""MyCalls' distributions and the core strategies that run them."""
STRATEGY_DISTRIBUTION = {"roundrobin": "RR", "ringall": "RR", "priority": "PR", "linear": "PR"}
"""How a core strategy shows (a scenario's ring-all group as RR, a linear one as PR)."""
RECORDING = ("enabled", "disabled")
DAY = 86400.0
IVR_SECONDS = 2.0
"""The IVR's "transfer soon" before the first attempt: the call-log example's first attempt is
2 s after the call (11:17:18 -> 11:17:20)."""
RETRY_SECONDS = 1.0
"""Pause between an unanswered attempt and the next round: the example's second attempt starts
1 s after the first rang out (11:17:20 + 15 s ringtime + 1 s = 11:17:36)."""
MAX_WAIT = 120.0
"""Seconds the IVR keeps trying a group's agents before it hangs up (undocumented)."""
RECORDED = "recorded"
"""``Call.tags`` key: the call's group recorded it (set when it is answered)."""

# -- bounds (the API must not let one subscriber grow without end) ------------------------------
MAX_GROUPS = 100
"""Agent groups per app."""
MAX_AGENTS = 200
"""Agents per group."""
MAX_PENDING = 1000
"""Verifications under way per subscriber."""
MAX_VERIFIED = 10000
"""Verified numbers per subscriber."""


def apps(t: Tenant) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = t.state.get("apps") or []
    return found


def options(t: Tenant) -> dict[str, Any]:
    value = t.settings.get(VENDOR)
    return value if isinstance(value, dict) else {}


def find_app(t: Tenant, guid: str) -> dict[str, Any] | None:
    """The app ``guid`` names, directly or through the tenant's ``app_aliases``."""
    for app in apps(t):
        if app["guid"] == guid:
            return app
    target = (options(t).get("app_aliases") or {}).get(guid)
    if target:
        return next((app for app in apps(t) if app["guid"] == target), None)
    return None


def queue_id(app: dict[str, Any], name: str) -> str:
    return f"{app['guid']}:{name}"


def app_of_queue(t: Tenant, queue: Queue) -> dict[str, Any] | None:
    guid = queue.extra.get(APP)
    every = apps(t)
    own = next((app for app in every if app["guid"] == guid), None) if guid else None
    return own or (every[0] if every else None)


def groups(t: Tenant, app: dict[str, Any]) -> list[Queue]:
    """The app's groups, oldest first (the first app also has the queues that name no app)."""
    return [q for q in t.queues.values() if app_of_queue(t, q) is app]


def find_group(t: Tenant, app: dict[str, Any], name: str) -> Queue | None:
    return next((q for q in groups(t, app) if q.name == name), None)


def new_group(t: Tenant, app: dict[str, Any], name: str, values: dict[str, Any]) -> Queue:
    """A new group of ``app`` with ``values`` (every field of ``GROUP_DEFAULTS``)."""
    queue = Queue(id=queue_id(app, name), number=f"ag:{name}@{app['guid']}", name=name,
                  kind="ring_group", announce=IVR_SECONDS, retry=RETRY_SECONDS, max_wait=MAX_WAIT,
                  extra={APP: app["guid"], "display_name": name})
    update_group(queue, values)
    t.queues[queue.id] = queue
    return queue


def update_group(queue: Queue, values: dict[str, Any]) -> None:
    """Apply the given group fields (None: unchanged) to the queue that runs the group."""
    if values.get("display_name") is not None:
        queue.extra["display_name"] = values["display_name"]
    if values.get("ringtime") is not None:
        queue.ring_timeout = float(values["ringtime"])
    if values.get("distribution") is not None:
        queue.strategy = DISTRIBUTIONS[values["distribution"]]
    if values.get("recording") is not None:
        queue.extra["recording"] = values["recording"]
    if values.get("sticky_days") is not None:
        queue.extra["sticky_days"] = int(values["sticky_days"])
    sticky = values.get("sticky")
    if sticky is None:
        sticky = queue.sticky > 0
    queue.sticky = sticky_days(queue) * DAY if sticky else 0.0


def sticky_days(queue: Queue) -> int:
    days = queue.extra.get("sticky_days")
    if isinstance(days, int) and not isinstance(days, bool):
        return days
    return max(1, round(queue.sticky / DAY)) if queue.sticky > 0 else int(GROUP_DEFAULTS["sticky_days"])


def recording(queue: Queue) -> str:
    value = queue.extra.get("recording")
    return value if value in RECORDING else str(GROUP_DEFAULTS["recording"])


def display_name(queue: Queue) -> str:
    value = queue.extra.get("display_name")
    return value if isinstance(value, str) else queue.name


def distribution(queue: Queue) -> str:
    return STRATEGY_DISTRIBUTION.get(queue.strategy, "RR")


# -- agents -------------------------------------------------------------------------------------
def agent_of_number(t: Tenant, number: str) -> Agent | None:
    """The subscriber's agent (phone) with this number: one per number, in every group."""
    for agent in t.agents.values():
        if (agent.number or agent.extension) == number:
            return agent
    return None


def number_of(agent: Agent) -> str:
    return agent.number or agent.extension


def user_of_number(t: Tenant, number: str) -> dict[str, Any] | None:
    return next((u for u in t.state.get("users") or [] if u["number"] == number), None)


def members(t: Tenant, queue: Queue) -> list[tuple[Member, Agent]]:
    return [(m, t.agents[m.agent_id]) for m in queue.members if m.agent_id in t.agents]


def member_of(t: Tenant, queue: Queue, number: str) -> Member | None:
    return next((m for m, agent in members(t, queue) if number_of(agent) == number), None)


def max_priority(queue: Queue) -> int:
    """The highest priority value in the group (0 when it has no agents)."""
    return max((m.priority for m in queue.members), default=0)


def put_agent(t: Tenant, queue: Queue, number: str, name: str, priority: int) -> Member:
    """Add the number to the group; the phone is the subscriber's one agent for that number
    (made on first use; ``name`` is its name from now on)."""
    agent = agent_of_number(t, number)
    if agent is None:
        agent_id = number
        while agent_id in t.agents:  # a scenario agent may hold the id already
            agent_id += "'"
        agent = Agent(id=agent_id, name=name, extension=number, number=number)
        t.agents[agent.id] = agent
    else:
        agent.name = name
    member = Member(agent_id=agent.id, priority=priority)
    queue.members.append(member)
    return member


def remove_member(queue: Queue, member: Member) -> None:
    """Out of the group; the phone stays the subscriber's (a call may still be ringing it)."""
    queue.members = [m for m in queue.members if m is not member]


# -- apps and calls -----------------------------------------------------------------------------
def app_numbers(app: dict[str, Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((app["number.virtual"], app["number.physical"])))


def route_app(t: Tenant, app: dict[str, Any]) -> None:
    """Calls to the app's numbers go to its inbound group."""
    qid = queue_id(app, app["group"])
    if qid in t.queues:
        for number in app_numbers(app):
            t.numbers[number] = Number(number=number, target=f"queue:{qid}", name=app["name"])


def app_of_call(t: Tenant, call: Call) -> dict[str, Any] | None:
    """The app a call came in to: by the number dialled, else by its group, else the
    subscriber's first app. A call an agent placed (no IVR involved) has none."""
    if call.user_id is not None:
        return None
    every = apps(t)
    for dialled in (call.did, call.callee):
        if dialled:
            for app in every:
                if dialled == app["number.virtual"] or dialled == app["number.physical"]:
                    return app
    if call.queue_id is not None:
        queue = t.queues.get(call.queue_id)
        if queue is not None:
            return app_of_queue(t, queue)
    return every[0] if every else None


_SEEDED: dict[tuple[Any, ...], tuple[Any, dict[str, list[Call]]]] = {}
_SEEDED_MAX = 64


def seeded_calls_of(t: Tenant, app: dict[str, Any], directory: tuple[Any, ...] | None = None) -> list[Call]:
    """The seed history's calls of ``app``, newest first. ``app_of_call`` reads only the call,
    the apps' guids and numbers (in order) and which app each queue names, so the history's
    split by app is kept per (history, those): a directory change makes a new split, and no
    request walks the whole history."""
    key = (id(t.history), *(directory_key(t) if directory is None else directory))
    hit = _SEEDED.get(key)
    if hit is None or hit[0] is not t.history:
        split: dict[str, list[Call]] = {}
        for call in reversed(t.history):
            owner = app_of_call(t, call)
            if owner is not None:
                split.setdefault(owner["guid"], []).append(call)
        if len(_SEEDED) >= _SEEDED_MAX:
            _SEEDED.pop(next(iter(_SEEDED)))
        hit = _SEEDED[key] = (t.history, split)
    return hit[1].get(app["guid"], [])


def directory_key(t: Tenant) -> tuple[Any, ...]:
    """All that ``app_of_call`` reads besides the call: the apps' guids and numbers (in order)
    and which app each queue names."""
    return (tuple([(a["guid"], a["number.virtual"], a["number.physical"]) for a in apps(t)]),
            tuple([(qid, q.extra.get(APP)) for qid, q in t.queues.items()]))


class _OwnSplit:
    """The tenant's own calls (``Tenant.calls``, creation order) by their app (its place in
    ``apps``: two apps may share a guid, and ``app_of_call`` tells them apart).

    An ended call's app is fixed while the directory is (``directory_key``); a call in progress
    can still change it (moved to another group), so its app is read again on every use until
    it has ended. The split follows the dict as ``core.calllog`` does: new calls are read from
    its end; another dict, fewer calls, or a last call that is not the one seen (cleared and
    refilled) start it again."""

    __slots__ = ("source", "key", "calls", "apps", "by_app", "live")

    def __init__(self, source: dict[str, Call], key: tuple[Any, ...]) -> None:
        self.source, self.key = source, key
        self.calls: list[Call] = []
        self.apps: list[int] = []
        """Each call's app (its place in ``apps``; -1: none)."""
        self.by_app: dict[int, list[int]] = {}
        """App -> positions in ``calls``, ascending."""
        self.live: list[int] = []
        """Positions of calls not ended when last read."""

    def follows(self, t: Tenant, key: tuple[Any, ...]) -> bool:
        calls = self.calls
        return (t.calls is self.source and key == self.key and len(t.calls) >= len(calls)
                and (not calls or t.calls.get(calls[-1].id) is calls[-1]))

    def sync(self, t: Tenant) -> None:
        calls, owners, by_app = self.calls, self.apps, self.by_app
        if len(t.calls) == len(calls) and not self.live:
            return
        place = {id(app): n for n, app in enumerate(apps(t))}
        for call in islice(t.calls.values(), len(calls), None):
            owner = place.get(id(app_of_call(t, call)), -1)
            by_app.setdefault(owner, []).append(len(calls))
            if not call.ended:
                self.live.append(len(calls))
            calls.append(call)
            owners.append(owner)
        if self.live:
            still = []
            for pos in self.live:
                call = calls[pos]
                owner = place.get(id(app_of_call(t, call)), -1)
                if owner != owners[pos]:
                    positions = by_app[owners[pos]]
                    del positions[bisect_left(positions, pos)]
                    insort(by_app.setdefault(owner, []), pos)
                    owners[pos] = owner
                if not call.ended:
                    still.append(pos)
            self.live = still


_OWN: "WeakKeyDictionary[Tenant, _OwnSplit]" = WeakKeyDictionary()


class NewestFirst(Sequence[Call]):
    """Calls at ``positions`` (ascending) of ``calls``, read newest first without a copy: a
    page slices it (the positions are the split's own: read it before the split syncs again)."""

    def __init__(self, calls: list[Call], positions: Sequence[int]) -> None:
        self.calls, self.positions = calls, positions

    def __len__(self) -> int:
        return len(self.positions)

    def __iter__(self) -> Iterator[Call]:
        calls = self.calls
        return (calls[pos] for pos in reversed(self.positions))

    @overload
    def __getitem__(self, index: int) -> Call: ...
    @overload
    def __getitem__(self, index: slice) -> list[Call]: ...

    def __getitem__(self, index: int | slice) -> Call | list[Call]:
        calls, positions, n = self.calls, self.positions, len(self.positions)
        if isinstance(index, int):
            return calls[positions[n - 1 - range(n)[index]]]
        start, stop, step = index.indices(n)
        return [calls[positions[n - 1 - i]] for i in range(start, stop, step)]


def own_calls_of(t: Tenant, app: dict[str, Any], key: tuple[Any, ...] | None = None) -> NewestFirst:
    """The tenant's own calls of ``app``, newest first (``key``: ``directory_key(t)``, if made)."""
    key = directory_key(t) if key is None else key
    split = _OWN.get(t)
    if split is None or not split.follows(t, key):
        split = _OWN[t] = _OwnSplit(t.calls, key)
    split.sync(t)
    place = next((n for n, one in enumerate(apps(t)) if one is app), -2)
    return NewestFirst(split.calls, split.by_app.get(place, ()))


def group_of_call(t: Tenant, call: Call) -> Queue | None:
    return t.queues.get(call.queue_id) if call.queue_id is not None else None


def recorded(t: Tenant, call: Call) -> bool:
    """Was the call recorded: answered in a group with recording enabled at that moment (a seed
    call without the mark: its group's setting now)."""
    if call.answered_at is None:
        return False
    mark = call.tags.get(RECORDED)
    if isinstance(mark, bool):
        return mark
    queue = group_of_call(t, call)
    return queue is not None and recording(queue) == "enabled"


def find_call(t: Tenant, uid: str) -> Call | None:
    found = t.calls.get(uid)
    if found is not None:
        return found
    return next((c for c in t.history if c.id == uid), None)
