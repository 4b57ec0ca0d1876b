"""The autodialer of Daktela's outbound campaigns, on the core's campaigns (``core/campaigns.py``,
``core/autodialer.py``): a queue of type ``outbounder`` or ``dialer`` works through its records,
calling each record's number while the queue has a free operator and putting the answered call
through to the queue, whose operator gets the record's call script.

- Each dialer queue has a standing core campaign ``queue:<id>`` over the list
  ``queue:<id>:records``; a record of the queue is one entry of that list (``record.entry``).
  The entry is held while the record is deleted, done (action 5), assigned to a user (those
  calls are theirs to make), or moved away; its ``next_call`` is the record's ``nextcall``.
- Every call made for a record (the dialer's, or an operator's with a record's script open) is
  one of the record's attempts, and its latest ``call_id``.
- When an operator answers a record's call, the record's call script opens for them (action 1,
  ``callscript_opened`` in RTUserState). When the call leaves them with the script still open,
  they go on the system pause "Wrap" until the script is closed (CallScriptClose). The pause is
  set as their leg ends, before they are free again, so the autodialer never sees them free in
  between (the one place the dialect changes the world while hearing an event: a pause sets two
  flags of the agent and records an event, nothing else).
"""

from __future__ import annotations

from typing import Any, Callable

from ..core import autodialer, campaigns, engine
from ..core import events as ev
from ..core.events import Event
from ..core.queues import Queue
from ..core.world import Tenant
from . import model, records, views
from .records import Record

CALLS_PER_MINUTE = 10.0
MAX_RETRIES, RETRY_AFTER = 2, 600.0
"""Unanswered numbers are called twice more, ten minutes after each attempt."""


def campaign_id(queue: Queue) -> str:
    return f"queue:{queue.id}"


def is_dialer(queue: Queue | None) -> bool:
    return queue is not None and model.queue_type(queue) in model.DIALER_TYPES


def declare(t: Tenant) -> None:
    campaigns.declare(t)


def ensure(t: Tenant, queue: Queue) -> str:
    """The queue's campaign (made on first use), its id."""
    cid = campaign_id(queue)
    if not campaigns.campaign_exists(t, cid):
        list_id = f"{cid}:records"
        if list_id not in campaigns.lists(t):
            campaigns.create_list(t, list_id, "", queue.name)
        campaigns.create_campaign(
            t, campaign_id=cid, owner="", name=queue.name, list_id=list_id,
            caller=str(queue.extra.get("outboundcid") or ""), start_at=t.now(), end_at=None,
            calls_per_minute=CALLS_PER_MINUTE, max_retries=MAX_RETRIES, retry_after=RETRY_AFTER,
            on_answer={"mode": autodialer.MODE, "queue": queue.id}, call_tags={"queue": queue.id},
            standing=True)
    return cid


def held(record: Record, queue: Queue | None) -> bool:
    return record.deleted or record.action == records.DONE or record.user is not None or \
        queue is None or record.queue != queue.id


def sync(t: Tenant, record: Record) -> None:
    """Keep the record's entry (if its queue dials) in step with the record: number, next call,
    held; a record moved into a dialer queue gets an entry there."""
    queue = t.queues.get(record.queue)
    entry = campaigns.entries(t).get(record.entry) if record.entry else None
    if entry is not None and (queue is None or not entry.list_id.startswith(campaign_id(queue) + ":")):
        entry.held = True  # moved away: the old campaign forgets it
        records.records(t).set(record, entry="")
        entry = None
    if not is_dialer(queue):
        return
    assert queue is not None
    cid = ensure(t, queue)
    list_id = f"{cid}:records"
    if entry is None:
        campaigns.add_entries(t, list_id, [(record.number, record.title, _flat(record))])
        size = campaigns.lists(t).get(list_id).size  # type: ignore[union-attr]
        entry = campaigns.entry_at(t, list_id, size)
        assert entry is not None
        records.records(t).set(record, entry=entry.id)
    if entry.number != record.number:
        campaigns.entries(t).set(entry, number=record.number)
    entry.fields = _flat(record)
    was_held = entry.held
    entry.held = held(record, queue)
    if not entry.held and (was_held or entry.next_call != record.nextcall):
        campaigns.requeue(t, cid, entry.id, record.nextcall)
    else:
        entry.next_call = record.nextcall
        campaigns.wake(t, cid)


def _flat(record: Record) -> dict[str, str]:
    return {fid: ", ".join(values) for fid, values in record.fields.items()}


# -- what happens to a record's calls ----------------------------------------------------------
def record_of_call(t: Tenant, call_tags: dict[str, Any]) -> Record | None:
    core_record = campaigns.records(t).get(str(call_tags.get("record", ""))) \
        if campaigns.RECORDS in t.store else None
    if core_record is None:
        return None
    found = records.records(t).where(entry=core_record.entry_id)
    return found[0] if found else None


def on_event(t: Tenant, event: Event) -> None:
    handler = _HANDLERS.get(event.type)
    if handler is None or event.call_id is None or records.RECORDS not in t.store:
        return
    call = t.calls.get(event.call_id)
    if call is not None and "record" in call.tags:
        record = record_of_call(t, call.tags)
        if record is not None:
            handler(t, event, record, call.id)


def _created(t: Tenant, event: Event, record: Record, call_id: str) -> None:
    record.call_id = call_id


def _leg_answered(t: Tenant, event: Event, record: Record, call_id: str) -> None:
    agent = t.agents.get(event.agent_id or "")
    if agent is None:
        return
    record.opened_by = agent.id
    record.action = records.LOADED
    agent.extra["callscript"] = record.id


def _leg_ended(t: Tenant, event: Event, record: Record, call_id: str) -> None:
    """The call leaves the operator whose script is open: they wrap up on "Wrap"."""
    agent = t.agents.get(event.agent_id or "")
    pause = views.wrap_pause(t)
    if agent is None or pause is None or record.opened_by != agent.id or not agent.logged_in:
        return
    if not (agent.paused and agent.pause_reason == pause):
        engine.pause(t, agent.id, pause)


def _ended(t: Tenant, event: Event, record: Record, call_id: str) -> None:
    call = t.calls[call_id]
    record.attempts.append({"at": call.created_at, "call": call.id, "answered": call.answered_by is not None})


_HANDLERS: dict[str, Callable[[Tenant, Event, Record, str], None]] = {
    ev.CALL_CREATED: _created, ev.LEG_ANSWERED: _leg_answered, ev.LEG_ENDED: _leg_ended, ev.CALL_ENDED: _ended}
