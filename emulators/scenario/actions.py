"""The step table: every timeline step a scenario may use, its argument schema, the feature it
needs, and the core engine call that executes it.

This table is the single source of the steps: the JSON Schema is built from it, so a step the
schema accepts always has an executor here (and a test checks both ways). Steps reserved for
later engines are listed in ``RESERVED`` and rejected until an engine exists (none is now: the
SMS engine opened ``send_sms`` and ``receive_sms``, the campaign engine ``start_campaign``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol

from ..core import autodialer, campaigns, engine, sms
from ..core.agents import Agent
from ..core.calls import DISPOSITIONS, LEG_RINGING, Call
from ..core.errors import IllegalTransition
from ..core.world import Tenant
from .durations import parse_duration
from .schemabits import Schema, enum, obj, ref, text


class StepContext(Protocol):
    """What an executor may use from the running scenario."""

    tenant: Tenant

    def call_id(self, label: str) -> str: ...

    def bind_call(self, label: str | None, call: Call, talk: float | None) -> None: ...

    def set_receiver(self, state: str, status: int, latency: float) -> None: ...


Executor = Callable[[StepContext, dict[str, Any]], None]


@dataclass(frozen=True)
class Action:
    name: str
    summary: str
    args: Schema
    run: Executor
    needs: Callable[[dict[str, Any]], list[str]]


ACTIONS: dict[str, Action] = {}

RESERVED: dict[str, str] = {}
"""Step names kept free for engines that do not exist yet; the schema refuses them today."""

CONTROL_STEPS = ("wait_until", "expect_error")
"""Steps the runner itself interprets (they wrap conditions or other steps)."""


def action(name: str, summary: str, args: Schema,
           needs: Callable[[dict[str, Any]], list[str]] | str | None = None) -> Callable[[Executor], Executor]:
    def fixed(args: dict[str, Any]) -> list[str]:
        return [needs] if isinstance(needs, str) else []

    def register(fn: Executor) -> Executor:
        ACTIONS[name] = Action(name, summary, args, fn, needs if callable(needs) else fixed)
        return fn
    return register


def _s(value: Any) -> str:
    return str(value)


def _secs(value: Any) -> float | None:
    return None if value is None else parse_duration(value)


AGENT = {"agent": ref("id")}
CALL = {"call": ref("call_ref")}
LEGS = ("caller", "agent", "remote", "consult")


# -- calls -------------------------------------------------------------------------------
@action("inbound_call", "A caller dials a number (DID, queue or ring-group number, extension).",
        obj({"id": ref("label"), "from": ref("phone"), "to": ref("phone"),
             "name": text("Caller name (caller ID name)."),
             "patience": {**ref("duration"), "description": "The caller hangs up after waiting this long unanswered."},
             "talk": {**ref("duration"),
                      "description": "Seconds of conversation once answered (then the caller hangs up)."}},
            ["from", "to"]), "inbound_calls")
def _inbound(ctx: StepContext, a: dict[str, Any]) -> None:
    patience = parse_duration(a["patience"]) if a.get("patience") is not None else None
    call = engine.inbound_call(ctx.tenant, _s(a["from"]), _s(a["to"]), caller_name=str(a.get("name", "")),
                               origin="scenario", tags={"label": a["id"]} if a.get("id") else None,
                               patience=patience)
    ctx.bind_call(a.get("id"), call, _secs(a.get("talk")))


@action("outbound_call", "An agent places a call (click-to-call: the agent's phone rings first).",
        obj({"id": ref("label"), **AGENT, "to": ref("phone"),
             "talk": {**ref("duration"), "description": "Seconds of conversation once connected."}},
            ["agent", "to"]), "click_to_call")
def _outbound(ctx: StepContext, a: dict[str, Any]) -> None:
    call = engine.click_to_call(ctx.tenant, _s(a["agent"]), _s(a["to"]), origin="scenario",
                                tags={"label": a["id"]} if a.get("id") else None)
    ctx.bind_call(a.get("id"), call, _secs(a.get("talk")))


def _legs(ctx: StepContext, a: dict[str, Any]) -> tuple[Call, list[str]]:
    """The ringing legs a step on ``call`` (optionally one agent's / one role's) acts on."""
    call = engine.get_call(ctx.tenant, ctx.call_id(a["call"]))
    legs = [l.id for l in call.legs if l.state == LEG_RINGING
            and (a.get("agent") is None or l.agent_id == _s(a["agent"]))
            and (a.get("leg") is None or l.role == a["leg"])]
    if not legs:
        who = a.get("agent") or a.get("leg") or "anyone"
        raise IllegalTransition(f"call {a['call']} is not ringing for {who}")
    return call, legs


LEG_ARGS = obj({**CALL, **AGENT, "leg": enum(LEGS, "Which leg when no agent is named (e.g. remote).")}, ["call"])


@action("answer", "The party on a ringing leg picks up.", LEG_ARGS)
def _answer(ctx: StepContext, a: dict[str, Any]) -> None:
    call, legs = _legs(ctx, a)
    engine.answer(ctx.tenant, call.id, leg_id=legs[0])


@action("reject", "The party on a ringing leg declines the call.", LEG_ARGS)
def _reject(ctx: StepContext, a: dict[str, Any]) -> None:
    call, legs = _legs(ctx, a)
    engine.reject(ctx.tenant, call.id, leg_id=legs[0])


@action("ignore", "The party lets it ring: no automatic answer; the ring times out.", LEG_ARGS)
def _ignore(ctx: StepContext, a: dict[str, Any]) -> None:
    call, legs = _legs(ctx, a)
    for leg_id in legs:
        engine.let_ring(ctx.tenant, call.id, leg_id)


@action("hangup", "Someone hangs up (the caller by default).",
        obj({**CALL, "by": enum(("caller", "agent", "remote"), "Who hangs up (default caller).")}, ["call"]))
def _hangup(ctx: StepContext, a: dict[str, Any]) -> None:
    engine.hangup(ctx.tenant, ctx.call_id(a["call"]), by=a.get("by", "caller"))


@action("hold", "The agent puts the call on hold.", obj(CALL, ["call"]), "hold")
def _hold(ctx: StepContext, a: dict[str, Any]) -> None:
    engine.hold(ctx.tenant, ctx.call_id(a["call"]))


@action("resume", "The agent takes the call off hold.", obj(CALL, ["call"]), "hold")
def _resume(ctx: StepContext, a: dict[str, Any]) -> None:
    engine.resume(ctx.tenant, ctx.call_id(a["call"]))


TARGET = {"description": "Where to: exactly one of agent, queue, number.",
          "type": "object", "additionalProperties": False, "minProperties": 1, "maxProperties": 1,
          "properties": {"agent": ref("id"), "queue": ref("id"), "number": ref("phone")}}


@action("transfer", "The connected agent transfers the call (blind by default, or attended).",
        obj({**CALL, "to": TARGET, "mode": enum(("blind", "attended"), "Default blind.")}, ["call", "to"]),
        lambda a: ["transfer", "attended_transfer"] if a.get("mode") == "attended" else ["transfer"])
def _transfer(ctx: StepContext, a: dict[str, Any]) -> None:
    kind, ref_ = next(iter(a["to"].items()))
    engine.transfer(ctx.tenant, ctx.call_id(a["call"]), f"{kind}:{ref_}", a.get("mode", "blind"))


@action("park", "The agent parks the call (in a free slot, or the one named).",
        obj({**CALL, "slot": ref("phone")}, ["call"]), "park")
def _park(ctx: StepContext, a: dict[str, Any]) -> None:
    engine.park(ctx.tenant, ctx.call_id(a["call"]), None if a.get("slot") is None else _s(a["slot"]))


@action("unpark", "An agent picks up a parked call.", obj({**CALL, **AGENT}, ["call", "agent"]), "park")
def _unpark(ctx: StepContext, a: dict[str, Any]) -> None:
    engine.unpark(ctx.tenant, ctx.call_id(a["call"]), _s(a["agent"]))


@action("dtmf", "Digits are pressed on a live call.",
        obj({**CALL, "digits": text("Digits 0-9 * # A-D.", pattern=r"^[0-9*#A-D]+$")}, ["call", "digits"]), "dtmf")
def _dtmf(ctx: StepContext, a: dict[str, Any]) -> None:
    engine.send_dtmf(ctx.tenant, ctx.call_id(a["call"]), _s(a["digits"]))


# -- agents ------------------------------------------------------------------------------
@action("login", "The agent logs in to the phone system.", obj(AGENT, ["agent"]), "agent_login")
def _login(ctx: StepContext, a: dict[str, Any]) -> None:
    engine.login(ctx.tenant, _s(a["agent"]))


@action("logout", "The agent logs out (refused during a live call).", obj(AGENT, ["agent"]), "agent_login")
def _logout(ctx: StepContext, a: dict[str, Any]) -> None:
    engine.logout(ctx.tenant, _s(a["agent"]))


@action("pause", "The agent pauses (gets no queue calls).",
        obj({**AGENT, "reason": text("Pause reason.")}, ["agent"]), "pause")
def _pause(ctx: StepContext, a: dict[str, Any]) -> None:
    engine.pause(ctx.tenant, _s(a["agent"]), str(a.get("reason", "")))


@action("unpause", "The agent ends the pause.", obj(AGENT, ["agent"]), "pause")
def _unpause(ctx: StepContext, a: dict[str, Any]) -> None:
    engine.unpause(ctx.tenant, _s(a["agent"]))


QUEUE_ARGS = obj({**AGENT, "queue": ref("id")}, ["agent", "queue"])


@action("queue_login", "The agent logs in to one queue.", QUEUE_ARGS, "queue_login")
def _queue_login(ctx: StepContext, a: dict[str, Any]) -> None:
    engine.queue_login(ctx.tenant, _s(a["agent"]), _s(a["queue"]))


@action("queue_logout", "The agent logs out of one queue (refused during a live call of it).",
        QUEUE_ARGS, "queue_login")
def _queue_logout(ctx: StepContext, a: dict[str, Any]) -> None:
    engine.queue_logout(ctx.tenant, _s(a["agent"]), _s(a["queue"]))


# -- behaviour and faults ----------------------------------------------------------------
FAULTS = ("busy", "no_answer", "congestion", "unreachable", "reject", "none")
WHO = {"agent": ref("id"), "number": ref("phone")}


def _behaviour_of(ctx: StepContext, a: dict[str, Any]) -> tuple[Agent | None, dict[str, Any] | None]:
    if ("agent" in a) == ("number" in a):
        raise IllegalTransition("name exactly one of agent or number")
    if "agent" in a:
        return engine.get_agent(ctx.tenant, _s(a["agent"])), None
    return None, ctx.tenant.parties.setdefault(_s(a["number"]), {})


@action("fault", "Inject a network fault on an agent's phone or an external number (none clears it).",
        obj({**WHO, "kind": enum(FAULTS), "latency": ref("duration")}, ["kind"],
            minProperties=2), "faults")
def _fault(ctx: StepContext, a: dict[str, Any]) -> None:
    agent, party = _behaviour_of(ctx, a)
    kind = None if a["kind"] == "none" else a["kind"]
    latency = _secs(a.get("latency"))
    if agent is not None:
        agent.behaviour.fault = kind
        if latency is not None:
            agent.behaviour.latency = latency
    elif party is not None:
        party.pop("fault", None)
        if kind:
            party["fault"] = kind
        if latency is not None:
            party["latency"] = latency


@action("behaviour", "Change how a simulated person answers (auto after a delay, or only by script).",
        obj({**WHO, "mode": enum(("auto", "script")), "answer_after": ref("duration"),
             "talk": ref("duration")}, [], minProperties=2))
def _behaviour(ctx: StepContext, a: dict[str, Any]) -> None:
    agent, party = _behaviour_of(ctx, a)
    changes = {k: (parse_duration(v) if k != "mode" else v) for k, v in a.items()
               if k in ("mode", "answer_after", "talk")}
    if agent is not None:
        for key, value in changes.items():
            setattr(agent.behaviour, key, value)
    elif party is not None:
        party.update(changes)


@action("webhook_receiver", "The webhook receiver goes down (connection refused), answers errors, "
        "is slow, or comes back up.",
        obj({"state": enum(("up", "down", "error")),
             "status": {"type": "integer", "minimum": 300, "maximum": 599,
                        "description": "HTTP status the receiver answers while in state error (default 503)."},
             "latency": ref("duration")}, ["state"]), "webhooks")
def _receiver(ctx: StepContext, a: dict[str, Any]) -> None:
    ctx.set_receiver(a["state"], int(a.get("status", 503)), parse_duration(a.get("latency", 0)))


# -- campaigns ---------------------------------------------------------------------------
CONTACT = {"description": "A number to dial, or {number, name, fields} (fields fill the message's "
                          "{placeholders}).",
           "anyOf": [ref("phone"), obj({"number": ref("phone"), "name": text(),
                                        "fields": {"type": "object",
                                                   "additionalProperties": {"type": ["string", "number"]}}},
                                       ["number"])]}


@action("start_campaign", "The campaign engine dials a list at a pace: numbers on its DND list are "
        "skipped, unanswered ones retried; it ends when the list is done (or at end).",
        obj({"id": {**ref("label"), "description": "The campaign's id (stop_campaign names it)."},
             "contacts": {"type": "array", "items": CONTACT, "minItems": 1, "maxItems": 100000},
             "dnd": {"type": "array", "items": ref("phone"), "description": "Numbers never to dial."},
             "calls_per_minute": {"type": "number", "exclusiveMinimum": 0, "maximum": 60000,
                                  "description": "Pace of the dials (default 10)."},
             "max_retries": {"type": "integer", "minimum": 0, "maximum": 100, "description": "Default 0."},
             "retry_after": {**ref("duration"), "description": "Wait after an unanswered attempt (default 60s)."},
             "retry_on": {"type": "array", "items": enum(DISPOSITIONS),
                          "description": "Dispositions retried (default: every unanswered one)."},
             "end": {**ref("duration"), "description": "Stop dialling this long after the start."},
             "caller": ref("phone"),
             "message": text("Spoken to whoever answers, {field} placeholders filled in; the system "
                             "hangs up after it."),
             "announce": {**ref("duration"), "description": "A recording of this length instead of a message."},
             "queue": {**ref("id"), "description": "Answered calls wait in this queue for its agents (an "
                                                   "autodialer: it dials only while an agent is free)."}},
            ["id", "contacts"]), "campaigns")
def _start_campaign(ctx: StepContext, a: dict[str, Any]) -> None:
    t, cid = ctx.tenant, _s(a["id"])
    if campaigns.campaign_exists(t, cid):
        raise IllegalTransition(f"campaign {cid} exists")
    now = t.now()
    if a.get("queue") is not None:
        on_answer: dict[str, Any] = {"mode": autodialer.MODE, "queue": engine.get_queue(t, _s(a["queue"])).id}
    elif a.get("announce") is not None:
        on_answer = {"mode": "announce", "seconds": parse_duration(a["announce"])}
    elif a.get("message"):
        on_answer = {"mode": "announce", "text": str(a["message"])}
    else:
        on_answer = {"mode": "talk"}
    contacts = [(_s(c), "", {}) if not isinstance(c, dict) else
                (_s(c["number"]), str(c.get("name", "")), {k: _s(v) for k, v in c.get("fields", {}).items()})
                for c in a["contacts"]]
    end = _secs(a.get("end"))
    campaigns.start(t, cid, contacts, [_s(n) for n in a.get("dnd", [])], caller=_s(a.get("caller", "")),
                    start_at=now, end_at=None if end is None else now + end,
                    calls_per_minute=float(a.get("calls_per_minute", 10)),
                    max_retries=int(a.get("max_retries", 0)), retry_after=_secs(a.get("retry_after")) or 60.0,
                    retry_on=a.get("retry_on") or campaigns.UNANSWERED, on_answer=on_answer,
                    owner=str(getattr(t.dialect, "default_owner", "")))


@action("stop_campaign", "The campaign stops dialling (calls in progress end on their own).",
        obj({"campaign": {**ref("label"), "description": "The id start_campaign gave it."}}, ["campaign"]),
        "campaigns")
def _stop_campaign(ctx: StepContext, a: dict[str, Any]) -> None:
    campaigns.stop_campaign(ctx.tenant, _s(a["campaign"]))


# -- SMS -----------------------------------------------------------------------------------------
def _sms_account(ctx: StepContext, a: dict[str, Any]) -> str:
    """The account named, else the vendor's own for scenarios (``dialect.sms_account``), else the
    tenant's first."""
    t = ctx.tenant
    if a.get("account") is not None:
        return _s(a["account"])
    own = getattr(t.dialect, "sms_account", None)
    if callable(own):
        return str(own(t))
    first = next(iter(sms.accounts(t)), None)
    if first is None:
        raise sms.NoLine("this tenant has no SMS account")
    return first.id


SMS_TEXT = text("The message text.", maxLength=2000)


@action("send_sms", "The tenant sends an SMS (the SMS engine: queued on a line, sent on the clock, a "
        "delivery report when asked; the number's fault decides how it ends).",
        obj({"to": ref("phone"), "text": SMS_TEXT,
             "unicode": {"type": "boolean", "description": "UCS-2 (70 characters per part) instead of GSM-7."},
             "report": {"type": "boolean", "description": "Ask for a delivery report."},
             "priority": {"type": "integer", "minimum": 0, "maximum": 20, "description": "0-20 (default 10)."},
             "delay": {**ref("duration"), "description": "Scheduled this long after the step."},
             "account": text("The tenant's SMS account (default: the vendor's own).", maxLength=64)},
            ["to", "text"]), "sms")
def _send_sms(ctx: StepContext, a: dict[str, Any]) -> None:
    t = ctx.tenant
    delay = _secs(a.get("delay"))
    sms.send(t, _sms_account(ctx, a), _s(a["to"]), str(a["text"]),
             encoding=sms.UCS2 if a.get("unicode") else sms.GSM7, report=bool(a.get("report")),
             priority=int(a.get("priority", 10)), due=t.now() + delay if delay is not None else None)


@action("receive_sms", "An SMS from a number arrives at the tenant (its incoming callbacks fire).",
        obj({"from": ref("phone"), "text": SMS_TEXT,
             "account": text("The tenant's SMS account (default: the vendor's own).", maxLength=64)},
            ["from", "text"]), "sms")
def _receive_sms(ctx: StepContext, a: dict[str, Any]) -> None:
    sms.receive(ctx.tenant, _sms_account(ctx, a), _s(a["from"]), str(a["text"]))


def step_needs(name: str, args: dict[str, Any]) -> list[str]:
    """Features a step needs (for expect_error: those of the wrapped step)."""
    if name == "expect_error":
        inner = inner_step(args)
        return step_needs(*inner) if inner else []
    if name == "wait_until":
        return ["webhooks"] if "webhooks" in args else []
    return ACTIONS[name].needs(args)


def inner_step(args: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The step an ``expect_error`` wraps."""
    for key, value in args.items():
        if key in ACTIONS:
            return key, value if isinstance(value, dict) else {}
    return None
