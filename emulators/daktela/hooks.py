"""Core events -> Daktela's outgoing requests: the CRM hooks and the queue callbacks.

CRM hooks (daktela.txt, "Webhooks"): the PBX requests a URL at four moments of a call, an
incoming call (before routing), a ring on a line, an answer on a line and a hangup, with
dialplan variables (``${CALLERID(num)}``, ``${FROM_DID}``, ``${REAL_EXTEN}``, ``${ID_CALL}``,
``${HASH(CRMAPI,KEY)}``) expanded into the URL. The URL templates are tenant settings
(``settings.daktela.crm_hooks``); an empty one falls back to the core's ``webhooks.url`` with
the doc's own query string for that moment, and without any URL the request is journalled as
``no_target``. Delivery is a GET with nothing in the body (the doc's notify_crm_api passes all
in the URL). When the CRM answers with a JSON object, its keys become the call's CRMAPI hash
(``call.tags["crmapi"]``), read by later hooks' ``${HASH(CRMAPI,KEY)}``.

Queue callbacks (the ``callback_callstart``, ``callback_callanswer``, ``callback_callend`` keys of
a queue's options, GetQueues): requested with GET when a call enters the queue (or is placed
through it), is answered in it, and ends; the call's fields are appended to the URL as a query
string, as Daktela's SMS callbacks append theirs. An unset callback (missing, empty, or the
placeholder ``http://``) sends nothing. docs/FIDELITY.md gives both field lists.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable
from urllib.parse import quote, urlencode

from ..core import events as ev
from ..core.calls import Call, Leg
from ..core.events import Event
from ..core.formats import sql_datetime
from ..core.webhooks import Delivery
from ..core.world import Tenant
from . import model
from .seed import vendor_settings

INCOMING, RINGING, ANSWER, HANGUP = "incoming", "ringing", "answer", "hangup"
CRM_EVENTS = (INCOMING, RINGING, ANSWER, HANGUP)
DOC_QUERIES = {
    INCOMING: "callid=${CALLERID(num)}&dnd=${FROM_DID}",
    RINGING: "callerId=${CALLERID(num)}&calleeId=${FROM_DID}&line=${REAL_EXTEN}&idcall=${ID_CALL}&action=ringing",
    ANSWER: "callerId=${CALLERID(num)}&calleeId=${FROM_DID}&line=${REAL_EXTEN}&idcall=${ID_CALL}&action=answer",
    HANGUP: "callerId=${CALLERID(num)}&calleeId=${FROM_DID}&line=${REAL_EXTEN}&idcall=${ID_CALL}&action=hangup",
}
"""The query strings of the doc's four AGI lines (lines 16, 31, 46, 61)."""
CALLBACKS = ("callback_callstart", "callback_callanswer", "callback_callend")
UNSET_URLS = frozenset({"", "http://", "https://"})
CRMAPI_KEYS, CRMAPI_VALUE = 64, 1024
"""At most this many keys of a CRM's answer are kept, each value at most this long."""

_VARIABLE = re.compile(r"\$\{([A-Z_]+)(?:\(([^)]*)\))?\}")


# -- the CRM hooks ------------------------------------------------------------------------------
def variables(t: Tenant, call: Call, line: str) -> dict[str, str]:
    """The dialplan variables of ``call`` at a hook on ``line``."""
    return {"CALLERID(num)": model.customer_number(call), "CALLERID(name)": call.caller_name,
            "FROM_DID": call.did, "REAL_EXTEN": line, "ID_CALL": call.id, "EXTEN": call.callee}


def expand(template: str, values: dict[str, str], crmapi: dict[str, Any], *, encode: bool = True) -> str:
    """``${NAME}`` / ``${NAME(arg)}`` / ``${HASH(CRMAPI,KEY)}`` replaced by their values,
    URL-encoded when ``encode`` (an unknown variable is empty, as in a dialplan)."""
    def one(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        if name == "HASH" and arg is not None:
            _, _, key = arg.partition(",")
            value = crmapi.get(key.strip(), "")
        else:
            value = values.get(f"{name}({arg})" if arg is not None else name, "")
        return quote(str(value), safe="") if encode else str(value)
    return _VARIABLE.sub(one, template)


def crm_url(t: Tenant, event: str) -> str:
    """The template of a hook: the tenant's own, else the webhook URL with the doc's query."""
    own = vendor_settings(t).get("crm_hooks")
    template = str(own.get(event, "")) if isinstance(own, dict) else ""
    if template:
        return template
    base = str(t.settings["webhooks"].get("url") or "")
    if not base:
        return ""
    return base + ("&" if "?" in base else "?") + DOC_QUERIES[event]


def crm_hook(t: Tenant, event: Event, name: str, call: Call, line: str) -> None:
    values = variables(t, call, line)
    own = call.tags.get("crmapi")
    crmapi: dict[str, Any] = own if isinstance(own, dict) else {}
    template = crm_url(t, name)
    url = expand(template, values, crmapi) if template else ""
    query = DOC_QUERIES[name]
    fields = {key: expand(value, values, crmapi, encode=False) for key, value in
              (pair.split("=", 1) for pair in query.split("&"))}
    t.outbox.add(t, event=name, url=url, method="GET", fields=fields, event_seq=event.seq, call_id=call.id)


def line_of(t: Tenant, leg: Leg) -> str | None:
    """The extension a leg rings (an agent's phone, or one of the PBX's devices), or None."""
    if leg.agent_id is not None:
        return leg.party
    return leg.party if leg.party in model.extensions(t) else None


def _leg(call: Call, event: Event) -> Leg | None:
    leg_id = event.data.get("leg")
    for leg in reversed(call.legs):
        if leg.id == leg_id:
            return leg
    return None


def last_line(t: Tenant, call: Call) -> str:
    for leg in reversed(call.legs):
        line = line_of(t, leg)
        if line is not None and leg.answered_at is not None:
            return line
    return ""


# -- the queue callbacks ------------------------------------------------------------------------
def callback_url(t: Tenant, call: Call, key: str) -> str:
    queue = model.call_queue(t, call)
    url = str(model.options(queue).get(key, "")) if queue is not None else ""
    return "" if url.strip() in UNSET_URLS else url


def callback_fields(t: Tenant, call: Call, at: float, ended: bool) -> dict[str, str]:
    queue = model.call_queue(t, call)
    agent = model.call_agent(t, call)
    fields = {"id_call": call.id, "queue": queue.id if queue else "", "queue_number": queue.number if queue else "",
              "clid": model.customer_number(call), "did": call.did, "direction": model.cc_direction(call),
              "user": agent.username if agent is not None and call.answered_at is not None else "",
              "time": sql_datetime(at, t.timezone)}
    if ended:
        fields.update({"duration": str(call.duration()), "billsec": str(call.talk_time()),
                       "waiting_time": str(call.wait_time()),
                       "disposition": "ANSWERED" if call.answered_at is not None else "NO ANSWER"})
    return fields


def queue_callback(t: Tenant, event: Event, key: str, call: Call) -> None:
    url = callback_url(t, call, key)
    if not url:
        return
    fields = callback_fields(t, call, event.at, key == "callback_callend")
    full = url + ("&" if "?" in url else "?") + urlencode(fields)
    t.outbox.add(t, event=key, url=full, method="GET", fields=fields, event_seq=event.seq, call_id=call.id)


# -- events -------------------------------------------------------------------------------------
def on_event(t: Tenant, event: Event) -> None:
    handler = _HANDLERS.get(event.type)
    if handler is None or event.call_id is None:
        return
    call = t.calls.get(event.call_id)
    if call is not None:
        handler(t, event, call)


def _created(t: Tenant, event: Event, call: Call) -> None:
    if call.direction == "inbound":
        crm_hook(t, event, INCOMING, call, "")
    if call.tags.get("queue") is not None:  # placed through an outgoing queue
        queue_callback(t, event, "callback_callstart", call)


def _queued(t: Tenant, event: Event, call: Call) -> None:
    queue_callback(t, event, "callback_callstart", call)


def _ringing(t: Tenant, event: Event, call: Call) -> None:
    leg = _leg(call, event)
    line = line_of(t, leg) if leg is not None else None
    if line is not None:
        crm_hook(t, event, RINGING, call, line)


def _leg_answered(t: Tenant, event: Event, call: Call) -> None:
    leg = _leg(call, event)
    line = line_of(t, leg) if leg is not None else None
    if line is not None:
        crm_hook(t, event, ANSWER, call, line)


def _answered(t: Tenant, event: Event, call: Call) -> None:
    if model.call_queue(t, call) is not None:
        queue_callback(t, event, "callback_callanswer", call)


def _ended(t: Tenant, event: Event, call: Call) -> None:
    crm_hook(t, event, HANGUP, call, last_line(t, call))
    if model.call_queue(t, call) is not None:
        queue_callback(t, event, "callback_callend", call)


_HANDLERS: dict[str, Callable[[Tenant, Event, Call], None]] = {
    ev.CALL_CREATED: _created, ev.CALL_QUEUED: _queued, ev.LEG_RINGING: _ringing,
    ev.LEG_ANSWERED: _leg_answered, ev.CALL_ANSWERED: _answered, ev.CALL_ENDED: _ended,
}


# -- the CRM's answer -----------------------------------------------------------------------------
def on_delivered(t: Tenant, delivery: Delivery) -> None:
    """A CRM hook answered with a JSON object: its keys become the call's CRMAPI hash."""
    if delivery.event not in CRM_EVENTS or delivery.call_id is None:
        return
    call = t.calls.get(delivery.call_id)
    if call is None:
        return
    try:
        answer = json.loads(delivery.answer)
    except ValueError:
        return
    if not isinstance(answer, dict):
        return
    crmapi = call.tags.get("crmapi")
    if not isinstance(crmapi, dict):
        crmapi = call.tags["crmapi"] = {}
    for key, value in answer.items():
        if isinstance(value, (dict, list)) or (key not in crmapi and len(crmapi) >= CRMAPI_KEYS):
            continue
        text = ("1" if value else "") if isinstance(value, bool) else "" if value is None else str(value)
        crmapi[str(key)[:CRMAPI_VALUE]] = text[:CRMAPI_VALUE]
