"""Core events -> MyCalls call events IN, TA, TC, TE and H (mycalls.txt, the call events).

IN when a call reaches an app (the core's CallCreated), TA when the IVR starts ringing an agent
(an agent leg rings), TC when the agent answers, TE when that attempt ends (answered and hung
up, busy, congestion or no answer), H when the call ends. Each carries exactly the documented
parameters, in the documented order. How they travel is undocumented: a POST to the app's URL
(``settings["mycalls"]["event_urls"][guid]``, else ``settings["webhooks"]["url"]``), form-encoded,
or JSON when ``settings["webhooks"]["encoding"]`` is ``json`` (docs/FIDELITY.md). Without a URL
they are still journalled, so scenarios can check them.
"""

from __future__ import annotations

from typing import Any, Callable

from ..core import events as ev
from ..core.calls import Call, Leg
from ..core.events import Event
from ..core.formats import form_encode, json_bytes
from ..core.world import Tenant
from . import model
from .views import attempt_id, attempts, local_time, result, talk

IN, TA, TC, TE, H = "IN", "TA", "TC", "TE", "H"


def on_event(t: Tenant, event: Event) -> None:
    handler = _HANDLED.get(event.type)
    if handler is None or event.call_id is None:
        return
    call = t.calls.get(event.call_id)
    if call is None:
        return
    app = model.app_of_call(t, call)
    if app is None:
        return
    fields = handler(t, call, event, app["guid"])
    if fields is not None:
        deliver(t, app["guid"], fields, event, call)


def deliver(t: Tenant, app: str, fields: dict[str, Any], event: Event, call: Call) -> None:
    policy = t.settings["webhooks"]
    url = str((model.options(t).get("event_urls") or {}).get(app) or policy.get("url") or "")
    if policy.get("encoding") == "json":
        body, ctype = json_bytes(fields, compact=False, ascii_only=True).decode("ascii"), "application/json"
    else:
        body, ctype = form_encode(fields), "application/x-www-form-urlencoded"
    t.outbox.add(t, event=str(fields["event"]), url=url, method="POST", content_type=ctype, body=body,
                 fields=fields, event_seq=event.seq, call_id=call.id)


Fields = dict[str, Any] | None


def _incoming(t: Tenant, call: Call, event: Event, app: str) -> Fields:
    return {"app": app, "event": IN, "uniqueid": call.id, "cli": call.caller,
            "time": local_time(call.created_at, t.timezone)}


def _attempt(call: Call, event: Event) -> tuple[int, Leg] | None:
    """(n, leg) of the transfer attempt an agent-leg event is about."""
    if event.data.get("role") != "agent":
        return None
    for n, leg in enumerate(attempts(call), 1):
        if leg.id == event.data.get("leg"):
            return n, leg
    return None


def _tried(t: Tenant, call: Call, event: Event, app: str) -> Fields:
    found = _attempt(call, event)
    if found is None:
        return None
    n, leg = found
    return {"app": app, "event": TA, "uniqueid": call.id, "cli": call.caller,
            "attemptid": attempt_id(call, n), "time": local_time(event.at, t.timezone), "to": leg.party}


def _connected(t: Tenant, call: Call, event: Event, app: str) -> Fields:
    found = _attempt(call, event)
    if found is None:
        return None
    n, leg = found
    return {"app": app, "event": TC, "uniqueid": call.id, "cli": call.caller,
            "attemptid": attempt_id(call, n), "time": local_time(event.at, t.timezone), "to": leg.party}


def _ended_attempt(t: Tenant, call: Call, event: Event, app: str) -> Fields:
    found = _attempt(call, event)
    if found is None:
        return None
    n, leg = found
    return {"app": app, "event": TE, "uniqueid": call.id, "cli": call.caller,
            "attemptid": attempt_id(call, n), "to": leg.party, "duration": talk(leg, event.at),
            "result": result(leg)}


def _hung_up(t: Tenant, call: Call, event: Event, app: str) -> Fields:
    return {"app": app, "event": H, "uniqueid": call.id, "cli": call.caller,
            "duration": call.duration(event.at)}


def _answered(t: Tenant, call: Call, event: Event, app: str) -> Fields:
    """No event of its own: the call remembers whether its group records it."""
    queue = model.group_of_call(t, call)
    call.tags[model.RECORDED] = queue is not None and model.recording(queue) == "enabled"
    return None


_HANDLED: dict[str, Callable[[Tenant, Call, Event, str], Fields]] = {
    ev.CALL_CREATED: _incoming, ev.LEG_RINGING: _tried, ev.LEG_ANSWERED: _connected,
    ev.LEG_ENDED: _ended_attempt, ev.CALL_ENDED: _hung_up, ev.CALL_ANSWERED: _answered,
}
