"""An autodialer: a campaign whose answered calls wait in a queue for its agents (``on_answer``
``{"mode": "queue", "queue": <queue id>}``), a progressive dialer.

- It dials only while the queue has more free agents (signed in, logged into the queue, not
  paused, idle) than calls of the campaign not yet connected to one (``DIAL_GATES``).
- When the callee answers, the call enters the queue at once (a timer of that instant: a
  listener never moves a call itself) and is offered to the queue's agents like any waiting
  call; the callee talks for their talk time once an agent has answered. A call still waiting
  when the queue's ``max_wait`` runs out ends like any queue call.
- When an agent of the queue becomes free, the queue's running campaigns look for something to
  dial (``campaigns.wake``), so nothing polls while nobody can take a call.
"""

from __future__ import annotations

from typing import Any

from . import events as ev
from .calls import ANSWERED, BY_SYSTEM
from .campaigns import CAMPAIGNS, DIAL_GATES, RUNNING, Campaign, campaigns, wake
from .engine import hangup
from .engine.ringing import enter_queue
from .listeners import listens_to
from .timers import timer_handler
from .world import Tenant

MODE = "queue"
CONNECT = "autodialer.connect"


def _queue_of(t: Tenant, campaign: Campaign) -> Any:
    return t.queues.get(str(campaign.on_answer.get("queue", "")))


def may_dial(t: Tenant, campaign: Campaign) -> bool:
    """More free agents in the campaign's queue than its calls waiting for one."""
    queue = _queue_of(t, campaign)
    if queue is None:
        return False
    free = 0
    for member in queue.members:
        if member.logged_in and not member.paused:
            agent = t.agents.get(member.agent_id)
            if agent is not None and agent.available:
                free += 1
    return free > campaign.unconnected


DIAL_GATES[MODE] = may_dial


def _campaign(t: Tenant, call_id: str | None) -> Campaign | None:
    call = t.calls.get(call_id or "")
    if call is None or "campaign" not in call.tags or CAMPAIGNS not in t.store:
        return None
    campaign = campaigns(t).get(str(call.tags["campaign"]))
    return campaign if campaign is not None and campaign.on_answer.get("mode") == MODE else None


@listens_to(ev.CALL_ANSWERED)
def _answered(t: Tenant, event: ev.Event) -> None:
    if _campaign(t, event.call_id) is not None:
        t.clock.call_later(0.0, CONNECT, call=event.call_id)


@timer_handler(CONNECT, call="call")
def _connect(t: Tenant, payload: dict[str, Any]) -> None:
    call = t.calls.get(payload["call"])
    campaign = _campaign(t, payload["call"])
    if call is None or campaign is None or call.state != ANSWERED or call.tags.get("connected"):
        return
    queue = _queue_of(t, campaign)
    if queue is None:  # the queue is gone: nobody can take the call
        hangup(t, call.id, BY_SYSTEM)
        return
    t.clock.cancel_where("call.hangup", call=call.id)  # the callee talks once an agent answers
    enter_queue(t, call, queue)


@listens_to(ev.LEG_ANSWERED)
def _agent_answered(t: Tenant, event: ev.Event) -> None:
    if event.agent_id is None:
        return
    campaign = _campaign(t, event.call_id)
    call = t.calls.get(event.call_id or "")
    if campaign is None or call is None or call.tags.get("connected"):
        return
    call.tags["connected"] = True
    campaign.unconnected = max(0, campaign.unconnected - 1)
    if call.queue_entered_at is not None and call.queue_left_at is None:
        call.queue_left_at = t.now()


@listens_to(ev.AGENT_STATE_CHANGED, ev.AGENT_UNPAUSED, ev.AGENT_LOGGED_IN)
def _agent_free(t: Tenant, event: ev.Event) -> None:
    if event.agent_id is None or CAMPAIGNS not in t.store:
        return
    agent = t.agents.get(event.agent_id)
    if agent is None or not agent.available:
        return
    for campaign in campaigns(t):
        if campaign.status == RUNNING and campaign.next_tick is None and campaign.on_answer.get("mode") == MODE:
            queue = _queue_of(t, campaign)
            if queue is not None and queue.member(agent.id) is not None:
                wake(t, campaign.id)
