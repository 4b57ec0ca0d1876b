"""Calls: click-to-call, callback requests, voice OTP, live-call control and live statistics
(cpaas.txt: Click To Call, Callback Request, One Time Password, Modify Live Call, Get Live
Calls Statistics)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..core import engine, scheduled
from ..core.calls import ANSWERED, HELD, Call, Leg
from ..core.errors import IllegalTransition
from ..core.world import Tenant
from ..dialect.operation import Ctx
from ..dialect.params import text
from . import errors as e
from .accounts import ACCOUNT_IDS
from .cdrs import owner
from .common import account, future, new_id, refuse, tenant, wall_text
from .params import (
    CALLER_ID,
    CHANNEL,
    EXTENSION_RULE,
    NUMBER_RULE,
    OTP,
    REQUEST_ID,
    TEMPLATE_ID,
    TIME_ZONE,
    TTS,
    choice_field,
    datetime_field,
    field,
    int_field,
    number_field,
)
from .seed import TRUNK, options, templates
from .tts import PAUSE, WORDS_PER_MINUTE
from .views import service

RECORDING_OPTIONS = ("both", "agent", "customer", "off")
"""Click To Call's recording options; its own example sends "on", accepted as both sides."""
ON_OFF = ("on", "off")


def _tags(ctx: Ctx, kind: str, request_id: str, **more: Any) -> dict[str, Any]:
    return {"owner": account(ctx), "service": kind, "request_id": request_id, **more}


# -- Click To Call ----------------------------------------------------------------------------
CLICK2CALL = (
    number_field("agent_number", "agent number", doc="The agent's mobile number, dialled first",
                 example="919979275555"),
    CALLER_ID,
    number_field("destination_number", "destination number", doc="Dialled once the agent answers",
                 example="918000685555"),
    choice_field("recording_option", (*RECORDING_OPTIONS, "on"), required=False, default="off",
                 listed=RECORDING_OPTIONS, doc="both, agent, customer or off (default off)", example="off"),
    choice_field("transcript", ON_OFF, doc="on or off", example="on"),
)


def click2call(ctx: Ctx) -> dict[str, Any]:
    """Ring the agent; once they answer, dial the destination and bridge them."""
    t, p = tenant(ctx), ctx.params
    request_id = new_id(t, "", "request")
    engine.bridge_numbers(t, p["agent_number"], p["destination_number"], origin="api",
                          tags=_tags(ctx, "click2call", request_id, caller_id=p["caller_id"],
                                     agent_number=p["agent_number"], recording=p["recording_option"],
                                     transcript=p["transcript"]))
    return {"request_id": request_id}


# -- Callback Request -------------------------------------------------------------------------
CALLBACK_CREATE = (
    number_field("agent_number", "agent number", example="919979275555"),
    CALLER_ID,
    number_field("destination_number", "destination number", example="918000685555"),
    choice_field("recording_option", ON_OFF, doc="on or off", example="off"),
    field("time_zone", TIME_ZONE, doc="Zone of scheduled_at (Asia/Kolkata, US/Eastern, ...)",
          example="Asia/Kolkata"),
    datetime_field("scheduled_at", doc="Future date and time, YYYY-mm-dd hh:mm:ss", example="2026-08-15 12:55:00"),
)
CALLBACK_UPDATE = (
    field("request_id", REQUEST_ID, doc="The callback's request_id", example="fd5ff6e021"),
    number_field("agent_number", "agent number", required=False, example="919979275555"),
    number_field("caller_id", "caller id", required=False, example="15168148111"),
    number_field("destination_number", "destination number", required=False, example="918000685555"),
    choice_field("recording_option", ON_OFF, required=False, doc="on or off", example="on"),
    field("time_zone", TIME_ZONE, required=False, doc="Zone of scheduled_at (default: the callback's own)",
          example="Asia/Kolkata"),
    datetime_field("scheduled_at", required=False, doc="Future date and time, YYYY-mm-dd hh:mm:ss",
                   example="2026-08-16 09:00:02"),
)
CALLBACK_DELETE = (field("request_id", REQUEST_ID, doc="The callback's request_id", example="fd5ff6e021"),)


def create_callback(ctx: Ctx) -> dict[str, Any]:
    """Book a click-to-call for ``scheduled_at`` in ``time_zone`` on the tenant clock."""
    t, p = tenant(ctx), ctx.params
    due = future(t, p["scheduled_at"], p["time_zone"], "scheduled_at")
    request_id = new_id(t, "", "request")
    scheduled.schedule(t, request_id, owner=account(ctx), due=due, first=p["agent_number"],
                       second=p["destination_number"],
                       tags=_tags(ctx, "callback", request_id, caller_id=p["caller_id"],
                                  agent_number=p["agent_number"], recording=p["recording_option"]),
                       data={"time_zone": p["time_zone"], "scheduled_at": wall_text(p["scheduled_at"])})
    return {"request_id": request_id}


def _callback(ctx: Ctx) -> scheduled.ScheduledCall:
    """The account's callback that has not fired, been deleted or failed yet."""
    found = scheduled.scheduled_calls(tenant(ctx)).get(ctx.params["request_id"])
    if found is None or found.owner != account(ctx) or found.status != scheduled.WAITING:
        refuse(e.not_found(e.INVALID.format(name="request_id")), "no such pending callback")
    return found


def update_callback(ctx: Ctx) -> dict[str, Any]:
    """Change what was sent (the rest stays); a new time must lie ahead."""
    t, p = tenant(ctx), ctx.params
    booked = _callback(ctx)
    data, tags = dict(booked.data), dict(booked.tags)
    due = None
    if p["scheduled_at"] is not None or p["time_zone"] is not None:
        zone = p["time_zone"] or str(data["time_zone"])
        wall = p["scheduled_at"] or datetime.strptime(str(data["scheduled_at"]), "%Y-%m-%d %H:%M:%S")
        due = future(t, wall, zone, "scheduled_at")
        data.update(time_zone=zone, scheduled_at=wall_text(wall))
    for name, key in (("caller_id", "caller_id"), ("recording_option", "recording"), ("agent_number", "agent_number")):
        if p[name] is not None:
            tags[key] = p[name]
    scheduled.move(t, booked.id, due=due, first=p["agent_number"] or booked.first,
                   second=p["destination_number"] or booked.second, tags=tags, data=data)
    return {"message": e.CALLBACK_MODIFIED, "request_id": booked.id}


def delete_callback(ctx: Ctx) -> dict[str, Any]:
    booked = _callback(ctx)
    scheduled.cancel(tenant(ctx), booked.id)
    return {"message": e.CALLBACK_DELETED, "request_id": booked.id}


# -- One Time Password ------------------------------------------------------------------------
OUTBOUND_CALL = (
    number_field("customer_number", "customer number", doc="The customer's mobile number with country code",
                 example="919979275555"),
    field("otp", OTP, doc="The one-time password (1 to 10 digits)", example="1987"),
    field("announce_template_id", TEMPLATE_ID, doc="An approved OTP announce template of the account",
          example="AN2222314c96"),
    int_field("repeat", 1, 10, doc="How many times the OTP is announced (1 to 10)", example="1"),
    CALLER_ID,
    *TTS,
)


def outbound_call(ctx: Ctx) -> dict[str, Any]:
    """Call the customer; once they answer, the template is spoken with the OTP's digits,
    ``repeat`` times; then the system hangs up."""
    t, p = tenant(ctx), ctx.params
    template = templates(t, account(ctx)).get(p["announce_template_id"])
    if template is None:
        refuse(e.bad_request(e.UNKNOWN_TEMPLATE), "the template is not one of the account's approved ones")
    spoken = str(template).replace("{otp}", " ".join(p["otp"]))
    per_minute = WORDS_PER_MINUTE[p["rate"]]
    seconds = p["repeat"] * (len(spoken.split()) * 60.0 / per_minute + PAUSE)
    request_id = new_id(t, "", "request")
    engine.dial_number(t, p["customer_number"], caller=p["caller_id"], origin="api", announce=round(seconds, 3),
                       tags=_tags(ctx, "otp", request_id, caller_id=p["caller_id"], otp=p["otp"],
                                  announcement=spoken, template=p["announce_template_id"],
                                  tts={k: p[k] for k in ("voice", "volume", "rate", "pitch", "language_code",
                                                         "tts_engine_type")}))
    return {"request_id": request_id}


# -- Modify Live Call -------------------------------------------------------------------------
MODIFY_TYPES = ("0", "1", "2", "3")
TRANSFER_TO = text(max_len=16, pattern=f"{EXTENSION_RULE}|{NUMBER_RULE}", name="transfer_to")
MODIFY_CALL = (
    field("channel", CHANNEL, doc="The channel (PJSIP/101-0000023c): the transferer's for a blind "
          "transfer, the customer's for an attended one", example="PJSIP/101-0000023c"),
    choice_field("modify_type", MODIFY_TYPES, doc="0 blind transfer, 1 attended transfer, 2 hangup, "
                 "3 start recording", example="0"),
    field("transfer_to", TRANSFER_TO, required=False, doc="A SIP agent's extension or a number with "
          "country code (modify types 0 and 1)", example="102"),
)


def channel_name(t: Tenant, call: Call, leg: Leg) -> str:
    """Asterisk's name of a leg's channel: ``PJSIP/<extension>-<8 hex>`` for an agent's phone,
    ``PJSIP/<trunk>-<account_id>-<8 hex>`` for an outside number (Modify Live Call examples)."""
    seq = f"{leg.seq & 0xffffffff:08x}"
    agent = t.agents.get(leg.agent_id or "")
    if agent is not None:
        return f"PJSIP/{agent.extension}-{seq}"
    return f"PJSIP/{options(t).get('trunk', TRUNK)}-{ACCOUNT_IDS.get(owner(call), '')}-{seq}"


def live_legs(t: Tenant, who: str) -> list[tuple[Call, Leg, str]]:
    """The account's live calls' live legs, with their channel names."""
    out: list[tuple[Call, Leg, str]] = []
    for call in t.calls.values():
        if not call.ended and owner(call) == who:
            out.extend((call, leg, channel_name(t, call, leg)) for leg in call.live_legs())
    return out


def modify_call(ctx: Ctx) -> dict[str, Any]:
    t, p = tenant(ctx), ctx.params
    found = next(((call, leg) for call, leg, name in live_legs(t, account(ctx)) if name == p["channel"]), None)
    if found is None:
        refuse(e.not_found(e.INVALID.format(name="channel")), f"no live channel {p['channel']}")
    call, leg = found
    kind = p["modify_type"]
    if kind in ("0", "1"):
        if p["transfer_to"] is None:
            refuse(e.mandatory("transfer_to"))
        engine.transfer_leg(t, call, leg.id, p["transfer_to"], "blind" if kind == "0" else "attended")
        return {"message": e.BLIND_TRANSFERRED if kind == "0" else e.ATTENDED_TRANSFERRED}
    if kind == "2":
        engine.hangup_leg(t, call, leg.id)
        return {"message": e.HUNG_UP}
    if call.state not in (ANSWERED, HELD):
        raise IllegalTransition(f"call {call.id} is not connected: nothing to record")
    call.tags.setdefault("recording_started", t.now())
    return {"message": e.RECORDING_STARTED}


# -- Get Live Calls Statistics ----------------------------------------------------------------
LIVE_COUNTERS = {"click2call": "live_calls_c2c", "callback": "live_calls_c2c", "campaign": "live_calls_campaign",
                 "inbound": "live_calls_inbound", "otp": "live_calls_otp"}


def live_call_statistics(ctx: Ctx) -> dict[str, Any]:
    t, who = tenant(ctx), account(ctx)
    counts = dict.fromkeys(sorted(set(LIVE_COUNTERS.values())), 0)
    for call in t.calls.values():
        if not call.ended and owner(call) == who:
            name = LIVE_COUNTERS.get(service(call))
            if name is not None:
                counts[name] += 1
    return {"result": counts}

