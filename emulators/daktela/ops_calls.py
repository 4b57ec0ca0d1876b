"""Call actions: calls the PBX places (ClickToCall, CreateRemoteCall) and what it knows of
calls (AboutCall, CDR, GetAttempts, GetRecording, LastCall, LastCallNumber). daktela.txt,
sections Calls and Statistics. Reads walk the calls newest or oldest first from the tenant's
(time-ordered) history and own calls, and stop at the edge of the asked time range."""

from __future__ import annotations

import math
import re
from typing import Any, Iterator

from starlette.responses import Response

from ..core import calllog, engine
from ..core.calls import LEG_ENDED, Call
from ..core.world import Tenant
from ..dialect.operation import Ctx
from ..dialect.params import MISSING, Param, ParamError, mapping_of, number, php_int, text
from . import billing, cache, model, recordings, render, views
from . import errors as e
from .common import (
    FLAG,
    IDS,
    MAX_ROWS,
    NAME,
    NUMBER,
    PAGING,
    RANGE,
    Spec,
    fail,
    ids,
    live_call_of,
    page,
    queue_by_number,
    tenant,
    time_range,
    user,
)
from .ops_agents import SECONDS, new_id
from .seed import vendor_settings

RANGE_SLACK = 86400.0
"""How long before a time range a call may have started and still have a part (an attempt, a
ring) inside it: a queue call waits at most an hour, a conversation a few more."""


# -- walking the calls --------------------------------------------------------------------------
def calls_between(t: Tenant, start: float, end: float) -> Iterator[Call]:
    """Calls created in [start, end], oldest first (the history, then the tenant's own calls)."""
    return calllog.of(t).window(start, math.nextafter(end, math.inf))


def newest_between(t: Tenant, start: float, end: float) -> Iterator[Call]:
    """Calls created in [start, end], newest first."""
    return calllog.of(t).window(start, math.nextafter(end, math.inf), newest_first=True)


def answer_rows(ctx: Ctx, result: Any, tag: str, fragments: list[bytes]) -> Response:
    """The operation's answer, its rows (``ROWS_MARK`` under ``tag`` in ``result``) given as
    fragments in the asked format."""
    assert ctx.op is not None
    return render.respond_rows(ctx.op.options["envelope"], ctx.params["format"], result, tag, fragments)


# -- CDR ----------------------------------------------------------------------------------------
def cdr_leg_times(call: Call) -> tuple[float, float, float | None]:
    """(start, end, answered) of the CDR row of a call: the dialled leg of a call an extension
    placed (Asterisk starts its CDR there), the whole call otherwise."""
    end = call.ended_at if call.ended_at is not None else call.created_at
    if call.tags.get("flow") == "click_to_call":
        second = next((leg for leg in call.legs if leg.role != "caller"), None)
        if second is not None:
            return second.created_at, second.ended_at or end, second.answered_at
    return call.created_at, end, call.answered_at


def ring_time(call: Call) -> int:
    """Seconds the answering (else the last) agent's phone rang."""
    legs = [leg for leg in call.legs if leg.agent_id is not None and leg.ringing_at is not None]
    answered = [leg for leg in legs if leg.answered_at is not None and leg.role != "caller"]
    leg = answered[0] if answered else (legs[-1] if legs else None)
    if leg is None or leg.ringing_at is None:
        return 0
    stop = leg.answered_at if leg.answered_at is not None else (leg.ended_at or leg.ringing_at)
    return views.seconds(stop - leg.ringing_at)


def about_row(t: Tenant, call: Call) -> dict[str, Any]:
    start, end, answered = cdr_leg_times(call)
    q = model.call_queue(t, call)
    agent = model.call_agent(t, call) if q is not None else None
    src_channel, dst_channel = views.channels(t, call, str(vendor_settings(t)["trunk"]))
    recording = recordings.recording_hash(t, call)
    internal = call.tags.get("flow") == "click_to_call" or call.direction == "internal"
    return {"calldate": views.when(t, start), "clid": call.caller, "src": call.caller, "dst": call.callee,
            "dcontext": "from-internal" if internal else "from-trunk", "channel": src_channel,
            "dstchannel": dst_channel, "lastapp": "Queue" if call.queue_id else "Dial",
            "lastdata": q.number if call.queue_id and q is not None else call.callee,
            "duration": str(views.seconds(end - start)),
            "billsec": str(views.seconds(end - answered) if answered is not None else 0),
            "disposition": views.disposition(call), "amaflags": "3",
            "accountcode": str(call.tags.get("accountcode", "")), "uniqueid": views.uniqueid(call),
            "userfield": views.recording_path(t, call) if recording else "",
            "real_exten": views.real_exten(t, call), "direction": model.cdr_direction(call),
            "from_did": call.did or None, "id_call": call.id, "id_queue": q.id if q is not None else None,
            "id_agent": agent.id if agent is not None else None, "waiting_time": str(call.wait_time()),
            "ringing_time": str(ring_time(call)), "hold_time": str(call.hold_time()), "orig_pos": "1",
            "position": "1", "disposition_cause": views.cause(call), "disconnection_cause": "",
            "recording_hash": recording}


def find_call(t: Tenant, call_id: str) -> Call | None:
    call = t.calls.get(call_id)
    if call is not None:
        return call
    return recordings.history_index(t.history).get(call_id)


def about_call(ctx: Ctx) -> list[dict[str, Any]]:
    """The CDR of an ended call (Asterisk writes it at hangup)."""
    t = tenant(ctx)
    call = find_call(t, ctx.params["id_call"])
    if call is None or not call.ended:
        raise fail(e.CALL_NOT_FOUND, f"no ended call {ctx.params['id_call']}")
    return [about_row(t, call)]


def cdr_row(t: Tenant, call: Call, trunk: str) -> tuple[dict[str, Any], float, str, str]:
    """(row, price, source channel, destination channel)."""
    start, end, answered = cdr_leg_times(call)
    billsec = views.seconds(end - answered) if answered is not None else 0
    outgoing = model.cdr_direction(call) == "out"
    line = billing.destination(t, call.callee) if outgoing else None
    price = billing.price(line, billsec) if outgoing else "0.00000000"
    src, dst = views.channels(t, call, trunk)
    row = {"date": views.when(t, start), "real_exten": views.real_exten(t, call), "dst": call.callee,
           "billsec": str(billsec), "duration": str(views.seconds(end - start)),
           "disposition": views.disposition(call), "accountcode": str(call.tags.get("accountcode", "")),
           "uniqueid": views.uniqueid(call), "id_call": call.id, "from_did": call.did or None,
           "direction": model.cdr_direction(call), "price": price,
           "destination_type": line.type if line else None,
           "destination_type_description": line.description if line else None,
           "destination": line.name if line else None,
           "destination_price": line.rate if line else None}
    return row, float(price), src, dst


class KeptCdr:
    """An ended call's CDR row (``cdr_row``'s four values) and, once asked, its fragments."""

    __slots__ = ("row", "price", "src", "dst", "encoded")

    def __init__(self, row: dict[str, Any], price: float, src: str, dst: str) -> None:
        self.row, self.price, self.src, self.dst = row, price, src, dst
        self.encoded: dict[str, bytes] = {}

    def fragment(self, fmt: str) -> bytes:
        found = self.encoded.get(fmt)
        if found is None:
            found = self.encoded[fmt] = render.fragment(self.row, fmt)
        return found


def cdr(ctx: Ctx) -> Response:
    t, p = tenant(ctx), ctx.params
    start, end = time_range(ctx)
    trunk = str(vendor_settings(t)["trunk"])
    extens, accounts, destinations = ids(ctx, "real_extens"), ids(ctx, "accountcodes"), ids(ctx, "destinations")
    src_channels, dst_channels = ids(ctx, "src_channels"), ids(ctx, "dst_channels")
    kept = cache.kept_rows(t, trunk)
    fmt = ctx.params["format"]
    out = []
    for call in calls_between(t, start, end):
        if not call.ended:
            continue
        if p["direction"] is not None and model.cdr_direction(call) != p["direction"]:
            continue
        if p["disposition"] is not None and views.disposition(call) != p["disposition"]:
            continue
        hit = kept.get((id(call), "cdr"))
        if hit is None or hit[0] is not call:
            hit = kept[(id(call), "cdr")] = (call, KeptCdr(*cdr_row(t, call, trunk)))
        found: KeptCdr = hit[1]
        row = found.row
        if extens is not None and row["real_exten"] not in extens:
            continue
        if accounts is not None and row["accountcode"] not in accounts:
            continue
        if destinations is not None and row["destination_type"] not in destinations:
            continue
        if src_channels is not None and not any(found.src.startswith(c) for c in src_channels):
            continue
        if dst_channels is not None and not any(found.dst.startswith(c) for c in dst_channels):
            continue
        if p["min_price_call"] is not None and not found.price > p["min_price_call"]:
            continue
        out.append(found.fragment(fmt))
    return answer_rows(ctx, render.ROWS_MARK, "result", out)


# -- attempts -----------------------------------------------------------------------------------
def attempt_rows(t: Tenant, call: Call, q_id: str, fmt: str) -> tuple[tuple[float, str, bytes], ...]:
    """A call's attempts (its agent legs that rang and ended), newest first: (ringing time,
    agent, row encoded)."""
    out = []
    for leg in reversed(call.legs):
        if leg.agent_id is None or leg.state != LEG_ENDED or leg.ringing_at is None:
            continue
        out.append((leg.ringing_at, leg.agent_id, render.fragment({
            "id": leg.seq, "id_call": call.id, "name": "ATTEMPT", "start_time": views.when(t, leg.ringing_at),
            "end_time": views.when(t, leg.ended_at),
            "duration": views.seconds((leg.ended_at or leg.ringing_at) - leg.ringing_at),
            "id_agent": views.num(leg.agent_id), "id_queue": views.num(q_id),
            "data1": "", "data2": "", "data3": "", "data4": ""}, fmt)))
    return tuple(out)


def get_attempts(ctx: Ctx) -> Response:
    """Every ring of a call-centre call at an agent (the legs), newest first; the attempt id
    is the leg's channel number."""
    t, p = tenant(ctx), ctx.params
    start, end = time_range(ctx)
    skip, take = page(ctx, MAX_ROWS)
    queues, users, id_call = ids(ctx, "queues"), ids(ctx, "users"), p["id_call"]
    fmt = p["format"]
    kind = "attempts " + fmt
    kept = cache.kept_rows(t, str(vendor_settings(t)["trunk"]))
    rows: list[bytes] = []
    total = 0
    for call in newest_between(t, start - RANGE_SLACK, end):
        if call.ended:  # an ended call's queue (the stamp holds the queues) and attempts: kept
            hit = kept.get((id(call), kind))
            if hit is None or hit[0] is not call:
                q = model.call_queue(t, call)
                hit = kept[(id(call), kind)] = (call, q.id if q is not None else None,
                                               attempt_rows(t, call, q.id, fmt) if q is not None else ())
            _, q_id, attempts = hit
        else:
            q = model.call_queue(t, call)
            q_id = q.id if q is not None else None
            attempts = attempt_rows(t, call, q.id, fmt) if q is not None else ()
        if q_id is None or (queues is not None and q_id not in queues):
            continue
        if id_call is not None and call.id != id_call:
            continue
        for ringing_at, agent_id, row in attempts:
            if not start <= ringing_at <= end or (users is not None and agent_id not in users):
                continue
            total += 1
            if total > skip and len(rows) < take:
                rows.append(row)
    return answer_rows(ctx, {"data": render.ROWS_MARK, "total": str(total)}, "data", rows)


# -- recordings ---------------------------------------------------------------------------------
def get_recording(ctx: Ctx) -> Response:
    t, p = tenant(ctx), ctx.params
    call = recordings.find(t, p["recording_hash"])
    if call is None:
        raise fail(e.RECORDING_NOT_FOUND, "no recording with that hash")
    name = views.recording_path(t, call).rsplit("/", 1)[-1]
    media = "application/octet-stream" if p["octetstream"] else "audio/x-wav"
    return Response(recordings.wav(), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# -- last calls ---------------------------------------------------------------------------------
def last_call(ctx: Ctx) -> dict[str, Any] | None:
    """The call in progress at the user or extension, else their last one; None if none."""
    t, p = tenant(ctx), ctx.params
    agent = user(t, p["user"]) if p["user"] is not None else None
    exten = p["extension"] if agent is None else agent.extension
    if agent is None and exten is None:
        raise ParamError(MISSING, "one of extension, user", Param("extension"))
    if agent is None and exten not in model.extensions(t) and model.user_at(t, exten) is None:
        raise fail(e.EXTENSION_NOT_FOUND, f"no extension {exten!r}")

    def mine(call: Call) -> bool:
        if agent is not None:
            return any(leg.agent_id == agent.id for leg in call.legs) or call.user_id == agent.id
        return call.caller == exten or any(leg.party == exten for leg in call.legs)

    found = live_call_of(t, agent) if agent is not None else None
    if found is None:
        found = next((c for c in reversed(model.live_calls(t)) if mine(c)), None)
    if found is None:
        key = (calllog.AGENT, agent.id) if agent is not None else (calllog.NUMBER, str(exten))
        found = next((c for c in calllog.of(t).newest(key=key) if c.ended and mine(c)), None)
    if found is None:
        return None
    q = model.call_queue(t, found)
    cc_agent = model.call_agent(t, found) if q is not None else None
    return {"exten": exten, "user": cc_agent.id if cc_agent is not None else None,
            "queue": q.id if q is not None else None, "id_call": found.id,
            "direction": model.cc_direction(found), "clid": model.customer_number(found),
            "time": views.when(t, found.created_at), "_is_realtime": not found.ended}


def last_call_number(ctx: Ctx) -> dict[str, Any] | None:
    """The newest ended call-centre call with the number within ``interval`` seconds."""
    t, p = tenant(ctx), ctx.params
    now = t.now()
    since = now - (p["interval"] if p["interval"] is not None else 86400)
    queues = ids(ctx, "queues")
    numbers = ids(ctx, "queues_number")
    for call in newest_between(t, since, now):
        if not call.ended or model.customer_number(call) != p["phonenumber"]:
            continue
        q = model.call_queue(t, call)
        if q is None:
            continue
        if (queues is not None or numbers is not None) and not (
                (queues is not None and q.id in queues) or (numbers is not None and q.number in numbers)):
            continue
        if p["answered"] is not None and (call.answered_at is not None) != p["answered"]:
            continue
        agent = model.call_agent(t, call) if call.answered_at is not None or call.user_id else None
        return {"call": call.id, "call_time": views.when(t, call.created_at), "direction": model.cc_direction(call),
                "queue": q.id, "user": agent.id if agent is not None else None,
                "answered": call.answered_at is not None, "clid": model.customer_number(call),
                "waiting_time": call.wait_time(), "ringing_time": ring_time(call), "hold_time": call.hold_time(),
                "duration": call.talk_time(),
                "disposition": {"agent": "user"}.get(views.cause(call), views.cause(call)),
                "orig_posision": 1, "attempts": sum(1 for leg in call.legs if leg.agent_id is not None
                                                    and leg.answered_at is None and leg.role != "caller"),
                "queue_title": q.name, "queue_number": q.number, "queue_direction": model.direction(q),
                "user_title": agent.name if agent is not None else None,
                "user_login": agent.username if agent is not None else None}
    return None


# -- calls the PBX places -----------------------------------------------------------------------
def allowed_number(pattern_lines: str, value: str) -> bool:
    """A Click-to-Call queue's ``allow_numbers`` option: one regular expression per line."""
    patterns = [line.strip() for line in pattern_lines.splitlines() if line.strip()]
    if not patterns:
        return True
    for pattern in patterns:
        try:
            if re.fullmatch(pattern, value):
                return True
        except re.error:
            continue
    return False


def click_to_call(ctx: Ctx) -> dict[str, str]:
    """The customer is called; once they answer, the call waits in the Click to Call queue for
    an operator (docs/FIDELITY.md: the doc rings the operator first)."""
    t, p = tenant(ctx), ctx.params
    queue = queue_by_number(t, p["queue"])
    if model.queue_type(queue) != "ctc":
        raise fail(e.NOT_CLICK_TO_CALL, f"queue {queue.number} is {model.queue_type(queue)}")
    if not allowed_number(str(model.options(queue).get("allow_numbers", "")), p["number"]):
        raise fail(e.NUMBER_NOT_ALLOWED, f"{p['number']} is not allowed in {queue.number}")
    tags = {k: p[k] for k in ("agenttext",) if p[k] is not None}
    call = engine.remote_call(t, p["number"], queue.number, tags=tags, call_id=new_id(t, "WS"))
    return {"id_call": call.id}


def create_remote_call(ctx: Ctx) -> dict[str, str]:
    t, p = tenant(ctx), ctx.params
    if p["directdid"] and p["secondarynumber"] not in t.numbers:
        raise fail(e.NO_ROUTE_FOR_DID, f"no incoming route {p['secondarynumber']}")
    tags: dict[str, Any] = {}
    if p["accountcode"] is not None:
        tags["accountcode"] = p["accountcode"]
    if p["recording"] is not None:
        tags["record"] = bool(p["recording"])
    if p["variables"]:
        tags["crmapi"] = {str(k)[:256]: str(v) for k, v in list(p["variables"].items())[:64]}
    ring = float(p["dialingtime"]) if p["dialingtime"] is not None else None
    call = engine.remote_call(t, p["primarynumber"], p["secondarynumber"], tags=tags, call_id=new_id(t, "WS"),
                              ring_timeout=ring)
    return {"id_call": call.id}


FILTERS = ("real_extens", "accountcodes", "destinations", "src_channels", "dst_channels")

SPECS: dict[str, Spec] = {
    "daktela.AboutCall": Spec(about_call, (Param("id_call", NAME, required=True, doc="Unique ID call",
                                                 example="1350478005.0"),)),
    "daktela.CDR": Spec(cdr, (*RANGE, *(Param(name, IDS, doc=f"{name} (array)") for name in FILTERS),
                              Param("direction", text(pattern="in|out|local"), doc="in, out, local"),
                              Param("disposition", text(pattern="ANSWERED"), doc="ANSWERED"),
                              Param("min_price_call", number(0), doc="Calls more expensive than this"),
                              Param("billing", FLAG, doc="Boolean value, when get price")), cached=True),
    "daktela.GetAttempts": Spec(get_attempts, (*RANGE, Param("queues", IDS, doc="Array ID of queues"),
                                               Param("id_call", NAME, doc="Unique number of the call"),
                                               Param("users", IDS, doc="Array ID of users"), *PAGING), cached=True),
    "daktela.GetRecording": Spec(get_recording, (
        Param("recording_hash", text(max_len=128), required=True, doc="This hash get from action AboutCall",
              example="225fae9e2c0a2e830c7d0e9e80040f4245a65d2e1319030658.204"),
        Param("octetstream", FLAG, doc="true: Content-Type application/octet-stream"))),
    "daktela.LastCall": Spec(last_call, (Param("extension", NUMBER, doc="Number extension", example="500"),
                                         Param("user", NAME, doc="Username agent"))),
    "daktela.LastCallNumber": Spec(last_call_number, (
        Param("phonenumber", NUMBER, required=True, doc="Phone number", example="226211245"),
        Param("interval", php_int(1, 10 * 366 * 86400), doc="How many seconds to look back (default 1 day)"),
        Param("answered", FLAG, doc="true | false"), Param("queues", IDS, doc="IDs of queues"),
        Param("queues_number", IDS, doc="Numbers of queues (2000)"))),
    "daktela.ClickToCall": Spec(click_to_call, (
        Param("queue", NUMBER, required=True, doc="No. queue type Click to Call", example="2006"),
        Param("number", NUMBER, required=True, doc="Customer's telephone number", example="226211245"),
        Param("agenttext", NAME, doc="Text the agent's phone shows"),
        Param("waitingtime", SECONDS, doc="Seconds to wait for an operator (default 7200)"),
        Param("idcall", NAME, doc="ID whereby we can find the CDR")), mutates=True),
    "daktela.CreateRemoteCall": Spec(create_remote_call, (
        Param("primarynumber", NUMBER, required=True, doc="Number called first", example="226211245"),
        Param("secondarynumber", NUMBER, required=True, doc="Number dialed after answer", example="468008585"),
        Param("accountcode", NAME, doc="unique code binded to call"),
        Param("directdid", FLAG, doc="true: secondarynumber is an incoming route"),
        Param("dialingtime", SECONDS, doc="How long call rings till is hanguped"),
        Param("idcall", NAME, doc="ID call with CDR and recording"), Param("recording", FLAG, doc="record call"),
        Param("variables", mapping_of(text(max_len=1024)), doc="variables[key]=value: ${HASH(CRMAPI,key)}")),
        mutates=True),
}
