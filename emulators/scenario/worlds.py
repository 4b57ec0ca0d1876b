"""Build a scenario's world (agents, queues, numbers, external parties) into a tenant.

``default: true`` keeps the vendor's default tenant as seeded and adds the listed items;
otherwise the tenant starts empty, without the seed's call history, calls in progress or stored
records (contact lists, campaigns, scheduled calls, and the timers that would act on them), so
every report and statistic shows exactly the scenario's own calls.
"""

from __future__ import annotations

from typing import Any

from ..core.agents import IDLE, OFFLINE, Agent, Behaviour
from ..core.engine.ending import CALL_TIMERS
from ..core.engine.ringing import LEG_TIMERS
from ..core.queues import Member, Number, Queue
from ..core.timers import STORE_REF, TIMER_PAYLOADS
from ..core.world import Tenant
from .durations import parse_duration

DURATION_KEYS = ("answer_after", "talk", "latency")
QUEUE_DURATIONS = ("ring_timeout", "max_wait", "retry", "wrapup")


def behaviour_dict(raw: dict[str, Any]) -> dict[str, Any]:
    """Scenario behaviour (durations as text) → ``Behaviour`` fields (seconds)."""
    return {k: (parse_duration(v) if k in DURATION_KEYS and v is not None else v) for k, v in raw.items()}


def apply_world(tenant: Tenant, world: dict[str, Any]) -> None:
    """Replace (or extend, with ``default: true``) the tenant's world. The file is validated."""
    if not world.get("default", False):
        tenant.agents.clear()
        tenant.queues.clear()
        tenant.numbers.clear()
        tenant.parties.clear()
        tenant.history = ()
        for call_id in tenant.calls:  # a default world may have calls in progress: they go
            tenant.clock.cancel_any(CALL_TIMERS + LEG_TIMERS, call=call_id)
        tenant.calls.clear()
        tenant.waiting.clear()
        tenant.store.clear()
        tenant.clock.cancel_any(tuple(kind for kind, payload in TIMER_PAYLOADS.items()
                                      if any(ref.startswith(STORE_REF) for ref in payload.values())))
    patch: dict[str, Any] = {}
    if "timezone" in world:
        patch["timezone"] = world["timezone"]
    if "sim" in world:
        patch["sim"] = {k: (v if k == "hangup_by" or isinstance(v, (int, float)) else parse_duration(v))
                        for k, v in world["sim"].items()}
    if patch:
        tenant.configure(patch)
    default = behaviour_dict(world.get("behaviour", {}))
    for raw in world.get("agents", []):
        agent = _agent(raw, default)
        if agent.paused:
            agent.paused_since = tenant.now()
        tenant.agents[agent.id] = agent
    for raw in world.get("queues", []):
        queue = _queue(raw)
        tenant.queues[queue.id] = queue
    for pool in world.get("agent_pools", []):
        for raw in pool_agents(pool):
            agent = _agent(raw, default)
            tenant.agents[agent.id] = agent
            for queue_id in pool.get("queues", []):
                tenant.queues[str(queue_id)].members.append(Member(agent.id))
    for raw in world.get("numbers", []):
        target = str(raw["routes_to"])
        kind = "queue" if target in tenant.queues else "agent"
        tenant.numbers[str(raw["number"])] = Number(str(raw["number"]), f"{kind}:{target}", str(raw.get("name", "")))
    for raw in world.get("parties", []):
        tenant.parties[str(raw["number"])] = behaviour_dict({k: v for k, v in raw.items() if k != "number"})


def pool_agents(pool: dict[str, Any]) -> list[dict[str, Any]]:
    """The agents an ``agent_pools`` entry stands for, as if listed one by one."""
    prefix = str(pool.get("id_prefix", "agent"))
    first = int(pool.get("extension_from", 3001))
    return [{"id": f"{prefix}{n}", "name": f"Agent {n}", "extension": first + n - 1,
             "behaviour": pool.get("behaviour", {})} for n in range(1, int(pool["count"]) + 1)]


def _agent(raw: dict[str, Any], default: dict[str, Any]) -> Agent:
    logged_in = bool(raw.get("logged_in", True))
    behaviour = Behaviour(**{**default, **behaviour_dict(raw.get("behaviour", {}))})
    return Agent(id=str(raw["id"]), name=str(raw.get("name", raw["id"])), extension=str(raw["extension"]),
                 username=str(raw.get("username", "")), number=str(raw.get("number", "")),
                 presence=str(raw.get("presence", "")), logged_in=logged_in,
                 paused=bool(raw.get("paused", False)), pause_reason=str(raw.get("pause_reason", "")),
                 state=IDLE if logged_in else OFFLINE, behaviour=behaviour)


def _queue(raw: dict[str, Any]) -> Queue:
    members = []
    for m in raw.get("members", []):
        if isinstance(m, dict):
            members.append(Member(str(m["agent"]), int(m.get("priority", 1)), bool(m.get("logged_in", True)),
                                  bool(m.get("paused", False))))
        else:
            members.append(Member(str(m)))
    queue = Queue(id=str(raw["id"]), number=str(raw["number"]), name=str(raw.get("name", raw["id"])),
                  kind=raw.get("kind", "queue"), strategy=raw.get("strategy", "ringall"), members=members)
    for key in QUEUE_DURATIONS:  # the core's defaults stay where the file says nothing
        if key in raw:
            setattr(queue, key, parse_duration(raw[key]))
    return queue
