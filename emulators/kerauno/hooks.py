"""Core events -> Kerauno Post API deliveries (kerauno.txt lines 199-223).

Four events: ``CALL_STARTED`` (a call is created), ``TRANSFER`` (a transfer completes),
``PARKED`` and ``CALL_ENDED``. The target is the core's webhook URL
(``settings["webhooks"]["url"]``); the body is form-encoded unless ``settings["webhooks"]
["encoding"]`` is ``json``. Every event goes into the outbox, with or without a URL, so the
webhook journal always shows what the PBX would have posted.
"""

from __future__ import annotations

from typing import Any

from ..core import events as ev
from ..core.calls import INBOUND, Call
from ..core.events import Event
from ..core.formats import form_encode, json_bytes
from ..core.world import Tenant
from .seed import VENDOR, vendor_settings
from .views import channel_name, post_api_fields

CALL_STARTED, CALL_ENDED, TRANSFER, PARKED = "CALL_STARTED", "CALL_ENDED", "TRANSFER", "PARKED"
"""Line 213."""

DESCRIPTIONS = {
    CALL_STARTED: "{source} is calling {destination}",  # line 222
    CALL_ENDED: "The call from {source} to {destination} ended",
    TRANSFER: "{source} transferred {caller} to {destination}",
    PARKED: "{source} parked {caller} on {destination}",
}
"""Only the CALL_STARTED text is documented; the others are ours, in the same voice."""



def on_event(tenant: Tenant, event: Event) -> None:
    """Turn one domain event into a Post API delivery (other events post nothing)."""
    if event.call_id is None or event.type not in _HANDLED:
        return
    call = tenant.calls.get(event.call_id)
    if call is None:
        return
    payload = _HANDLED[event.type](tenant, call, event)
    if payload is None:
        return
    name, source, destination, channel = payload
    text = DESCRIPTIONS[name].format(source=source, destination=destination, caller=call.caller)
    duration = 0 if name == CALL_STARTED else call.duration(event.at)
    fields = post_api_fields(tenant, event.at, name, source, destination, call.id, channel, text,
                             duration)
    deliver(tenant, fields, event, call)


def deliver(tenant: Tenant, fields: dict[str, Any], event: Event, call: Call) -> None:
    policy = tenant.settings["webhooks"]
    if policy.get("encoding") == "json":
        body = json_bytes(fields, ascii_only=True, escape_slashes=True).decode("ascii")
        ctype = "application/json"
    else:
        body = form_encode(fields)
        ctype = "application/x-www-form-urlencoded"
    tenant.outbox.add(tenant, event=str(fields["event"]), url=str(policy.get("url") or ""),
                      method="POST", content_type=ctype, body=body, fields=fields,
                      event_seq=event.seq, call_id=call.id)


# -- one function per event: (event name, source, destination, channel) -------------------------
Payload = tuple[str, str, str, str] | None


def _started(tenant: Tenant, call: Call, event: Event) -> Payload:
    # The caller's channel: their own leg's for a call an extension places, the trunk channel
    # the call came in on otherwise (the core gives every call one before CallCreated).
    seq = call.caller_channel if call.caller_channel is not None else 0
    # _peer(tenant, call.caller) without its search of the agents: the core has just made the
    # call inbound exactly when the caller is no extension (click-to-call callers are one).
    peer = str(vendor_settings(tenant)["trunk_peer"]) if call.direction == INBOUND else call.caller
    channel = channel_name(peer, seq)
    _channels(tenant)[call.id] = channel
    return CALL_STARTED, call.caller, call.callee, channel


def _ended(tenant: Tenant, call: Call, event: Event) -> Payload:
    channel = _channels(tenant).pop(call.id, None) or _caller_channel(tenant, call)
    return CALL_ENDED, call.caller, call.callee, channel


def _transferred(tenant: Tenant, call: Call, event: Event) -> Payload:
    if event.data.get("phase") != "complete" or not call.transfers:
        return None  # an attended transfer posts once, when it completes
    last = call.transfers[-1]
    source = _extension(tenant, last.get("from"))
    destination = _target(tenant, str(last.get("to", "")))
    return TRANSFER, source, destination, _agent_channel(tenant, call, last.get("from"))


def _parked(tenant: Tenant, call: Call, event: Event) -> Payload:
    source = _extension(tenant, call.parked_by)
    slot = str(event.data.get("slot", call.parked_slot or ""))
    return PARKED, source, slot, _agent_channel(tenant, call, call.parked_by)


_HANDLED = {ev.CALL_CREATED: _started, ev.CALL_ENDED: _ended, ev.CALL_TRANSFERRED: _transferred,
            ev.CALL_PARKED: _parked}


# -- helpers -------------------------------------------------------------------------------------
def _channels(tenant: Tenant) -> dict[str, str]:
    """Caller channel per live call, kept in the tenant's vendor state (snapshotted with it)."""
    state: dict[str, Any] = tenant.state.setdefault(VENDOR, {})
    return state.setdefault("channels", {})


def _peer(tenant: Tenant, party: str) -> str:
    """An extension's own SIP peer, or the trunk's for an outside number."""
    if tenant.agent_by_extension(party) is not None:
        return party
    return str(vendor_settings(tenant)["trunk_peer"])


def _caller_channel(tenant: Tenant, call: Call) -> str:
    seq = call.caller_channel if call.caller_channel is not None else (call.legs[0].seq if call.legs else 0)
    return channel_name(_peer(tenant, call.caller), seq)


def _agent_channel(tenant: Tenant, call: Call, agent_id: Any) -> str:
    """The channel of the agent's latest leg in the call (the one that acted)."""
    for leg in reversed(call.legs):
        if leg.agent_id is not None and leg.agent_id == agent_id:
            return channel_name(leg.party, leg.seq)
    return _channels(tenant).get(call.id) or _caller_channel(tenant, call)


def _extension(tenant: Tenant, agent_id: Any) -> str:
    agent = tenant.agents.get(str(agent_id)) if agent_id else None
    return agent.extension if agent else ""


def _target(tenant: Tenant, target: str) -> str:
    """``agent:<id>`` / ``queue:<id>`` / ``number:<n>`` (or a bare number) -> a dialable number."""
    kind, _, ref = target.partition(":")
    if kind == "agent":
        return _extension(tenant, ref)
    if kind == "queue":
        queue = tenant.queues.get(ref)
        return queue.number if queue else ref
    return ref if kind == "number" else target
