"""Operator actions: sessions, queue logins, pauses, and what an operator does with calls
(Login, Logout, LoginQueue, LogoutQueue, PauseOn, PauseOff, Answer, Hangup, Transfer,
PickupFromQueue, ControlPlayback, Monitoring, CreateCall). daktela.txt, sections Queues,
Operators and Extensions. Each run checks everything first, then changes the world through the
core engine, so a refused request changes nothing."""

from __future__ import annotations

from typing import Any

from ..core import engine
from ..core.agents import IDLE, OFFLINE, Agent
from ..core.calls import ANSWERED, BY_AGENT, HELD, LEG_ANSWERED, LEG_ENDED, LEG_RINGING, Call, Leg
from ..core.queues import Member, Queue
from ..core.world import Tenant
from ..dialect.operation import Ctx
from ..dialect.params import MISSING, Param, ParamError, choice, php_int
from . import errors as e
from . import model, records
from .common import FLAG, ID, NAME, NUMBER, Spec, fail, live_call_of, queue_by_number, tenant, user, user_or_extension

WHO = (Param("user", NAME, doc="User login name (or give extension)", example="michalhajek"),
       Param("extension", NUMBER, doc="Extension number where user sign in (or give user)"))
MODES = ("spy", "whisper", "whisperprivate", "barge", "interactive")
COMMANDS = ("play", "rewind", "pause", "forward", "stop", "status")
SECONDS = php_int(1, 86400)


def available(agent: Agent) -> bool:
    return agent.state in (IDLE, OFFLINE) and agent.call_id is None


def new_id(t: Tenant, suffix: str) -> str:
    """An API-originated call's id: Asterisk's ``<epoch>.<seq>`` with Daktela's suffix (``SJ``
    for CreateCall, ``WS`` for the web-service actions)."""
    return t.new_call_id(t.now()) + suffix


# -- sessions -----------------------------------------------------------------------------------
def _seat(t: Tenant, agent: Agent, extension: str | None) -> str:
    """The extension the user will sit at (checked, nothing changed yet)."""
    ext = extension or (agent.extension if agent.logged_in else model.bound_extension(agent))
    if not ext:
        raise ParamError(MISSING, "the user has no extension of their own", Param("extension"))
    if ext not in model.extensions(t):
        raise fail(e.EXTENSION_NOT_FOUND, f"no extension {ext!r}")
    for other in model.users(t):
        if other is not agent and ext in (other.extension, model.bound_extension(other)):
            raise fail(e.EXTENSION_TAKEN, f"extension {ext} is {other.username}'s")
    if ext != agent.extension and agent.call_id is not None:
        raise fail(e.AGENT_BUSY, f"{agent.username} has a call at {agent.extension}")
    return ext


def _sit_and_login(t: Tenant, agent: Agent, ext: str) -> None:
    agent.extension = ext
    engine.login(t, agent.id)


def login(ctx: Ctx) -> None:
    """Sign the user in to the call centre at an extension; queues set to automatic login
    follow."""
    t = tenant(ctx)
    agent = user(t, ctx.params["user"])
    ext = _seat(t, agent, ctx.params["extension"])
    _sit_and_login(t, agent, ext)
    for queue, member in model.member_queues(t, agent):
        logins = queue.extra.get("logins")
        if isinstance(logins, dict) and logins.get(agent.id) == "auto" and not member.logged_in:
            engine.queue_login(t, agent.id, queue.id)


def logout(ctx: Ctx) -> None:
    """Sign the user out of every queue and the call centre; their extension is freed."""
    t = tenant(ctx)
    agent = user(t, ctx.params["user"])
    call = live_call_of(t, agent)
    if call is not None:
        raise fail(e.LOGOUT_DURING_CALL, f"{agent.username} has call {call.id}", number=model.customer_number(call))
    _no_open_script(t, agent)
    for queue, _ in list(model.logged_queues(t, agent)):
        engine.queue_logout(t, agent.id, queue.id)
    engine.unpause(t, agent.id)
    engine.logout(t, agent.id)
    agent.extension = model.bound_extension(agent)


def login_queue(ctx: Ctx) -> None:
    t, p = tenant(ctx), ctx.params
    agent = user(t, p["user"])
    queue = queue_by_number(t, p["queue"])
    ext = _seat(t, agent, p["extension"]) if not agent.logged_in or p["extension"] else agent.extension
    member = queue.member(agent.id)
    if member is None:  # queue administration is not in this API: logging in makes a member
        member = Member(agent_id=agent.id, priority=0, logged_in=False)
        queue.members.append(member)
    priorities = queue.extra.get("priorities")
    admin = priorities.get(agent.id) if isinstance(priorities, dict) else None
    member.priority = int(p["priority"]) if p["priority"] is not None else int(admin) if isinstance(admin, int) \
        else member.priority
    if not agent.logged_in or ext != agent.extension:
        _sit_and_login(t, agent, ext)
    if not member.logged_in:
        engine.queue_login(t, agent.id, queue.id)


def logout_queue(ctx: Ctx) -> None:
    """Refused while the user has a call of that queue (the doc's Czech error, with the
    customer's number)."""
    t, p = tenant(ctx), ctx.params
    agent = user(t, p["user"])
    queue = queue_by_number(t, p["queue"])
    member = queue.member(agent.id)
    if member is None:
        raise fail(e.NOT_IN_QUEUE, f"{agent.username} is no member of {queue.number}")
    call = live_call_of(t, agent)
    if call is not None and model.call_queue(t, call) is queue:
        raise fail(e.QUEUE_LOGOUT_DURING_CALL, f"call {call.id} is of queue {queue.number}",
                   number=model.customer_number(call))
    if member.logged_in:
        engine.queue_logout(t, agent.id, queue.id)


# -- pauses -------------------------------------------------------------------------------------
def pause_on(ctx: Ctx) -> None:
    t, p = tenant(ctx), ctx.params
    pause = model.pauses(t).get(p["pause"])
    if pause is None or pause.deleted == "1":
        raise fail(e.PAUSE_NOT_FOUND, f"no pause {p['pause']}")
    agent = user_or_extension(ctx)
    if not agent.logged_in:
        raise fail(e.NOT_LOGGED_IN, f"{agent.username} is not logged in")
    if agent.call_id is not None and not p["force"]:
        raise fail(e.AGENT_BUSY, f"{agent.username} is ringing or on a call (force=yes to pause anyway)")
    if agent.paused and agent.pause_reason == pause.id:
        return
    engine.pause(t, agent.id, pause.id)


def pause_off(ctx: Ctx) -> None:
    """Ends the user's pause; a user on no pause has nothing to end (success). An open call
    script keeps the user on their pause until it is saved (CallScriptClose)."""
    t = tenant(ctx)
    agent = user_or_extension(ctx)
    if agent.paused:
        _no_open_script(t, agent)
    engine.unpause(t, agent.id)


def _no_open_script(t: Tenant, agent: Agent) -> None:
    """ "Open forms protects release from pause or logout from call centre" (CallScriptOpened)."""
    record = records.opened_by(t, agent.id)
    if record is not None:
        raise fail(e.SCRIPT_OPEN, f"{agent.username} has record {record.id}'s call script open")


# -- calls at the operator ----------------------------------------------------------------------
def _leg_of(call: Call, agent: Agent, state: str | None = None) -> Leg | None:
    for leg in reversed(call.legs):
        if leg.agent_id == agent.id and leg.state != LEG_ENDED and (state is None or leg.state == state):
            return leg
    return None


def _queue_fields(t: Tenant, call: Call) -> tuple[str | None, str | None]:
    queue = model.call_queue(t, call)
    return (queue.number, queue.name) if queue is not None else (None, None)


def answer(ctx: Ctx) -> dict[str, Any]:
    """The ringing call at the operator's phone is answered remotely (auto answer)."""
    t = tenant(ctx)
    agent = user_or_extension(ctx, "user", "extension")
    call = live_call_of(t, agent)
    leg = _leg_of(call, agent, LEG_RINGING) if call is not None else None
    if call is None or leg is None:
        raise fail(e.NO_RINGING_CALL, f"nothing rings at {agent.username}")
    engine.answer(t, call.id, leg_id=leg.id)
    number, name = _queue_fields(t, call)
    return {"calling_number": model.customer_number(call), "calling_queue": number,
            "calling_queue_name": name, "id_call": call.id}


def _call_at(t: Tenant, ctx: Ctx) -> tuple[Call, Agent | None]:
    """The live call at the user or extension a request names."""
    login, extension = ctx.params.get("user"), ctx.params.get("extension")
    if login is None and extension is not None and model.user_at(t, extension) is None:
        if extension not in model.extensions(t):
            raise fail(e.EXTENSION_NOT_FOUND, f"no extension {extension!r}")
        for live in model.live_calls(t):
            if any(leg.party == extension and leg.state != LEG_ENDED for leg in live.legs):
                return live, None
        raise fail(e.NO_CALL_ON_EXTENSION, f"no call at {extension}")
    agent = user_or_extension(ctx)
    call = live_call_of(t, agent)
    if call is None:
        raise fail(e.NO_CALL if login is not None else e.NO_CALL_ON_EXTENSION, f"{agent.username} has no call")
    return call, agent


def hangup(ctx: Ctx) -> None:
    """Hang up the call of a user, an extension or an id. A call only ringing at the user is
    declined there (the caller goes on to the next operator)."""
    t = tenant(ctx)
    call_id = ctx.params.get("call")
    if call_id is not None:
        call = t.calls.get(call_id)
        if call is None or call.ended:
            raise fail(e.CALL_NOT_FOUND, f"no live call {call_id}")
        engine.hangup(t, call.id, by=BY_AGENT)
        return
    if ctx.params.get("user") is None and ctx.params.get("extension") is None:
        raise ParamError(MISSING, "one of user, extension, call", Param("user"))
    call, agent = _call_at(t, ctx)
    leg = _leg_of(call, agent) if agent is not None else None
    if leg is not None and leg.state == LEG_RINGING and leg.role != "caller":
        engine.reject(t, call.id, leg_id=leg.id)
        return
    engine.hangup(t, call.id, by=BY_AGENT)


def _talking(t: Tenant, ctx: Ctx) -> tuple[Call, Agent | None]:
    call, agent = _call_at(t, ctx)
    if call.answered_at is None or call.state not in (ANSWERED, HELD):
        raise fail(e.NO_CALL if ctx.params.get("user") is not None else e.NO_CALL_ON_EXTENSION,
                   f"call {call.id} is not in progress")
    return call, agent


def control_playback(ctx: Ctx) -> Any:
    """Play a message into a call in progress; ``status`` answers ``{"playing": ...}``."""
    t, p = tenant(ctx), ctx.params
    call, _ = _talking(t, ctx)
    command = p["command"]
    playback = call.tags.get("playback") if isinstance(call.tags.get("playback"), dict) else None
    if command == "status":
        return {"playing": bool(playback) and not playback.get("paused")}  # type: ignore[union-attr]
    if command == "play":
        if not p["recording"]:
            raise ParamError(MISSING, "play needs a recording", Param("recording"))
        call.tags["playback"] = {"recording": p["recording"], "position": int(p["begintime"] or 0),
                                 "paused": False, "skip": int(p["skiptime"] or 0)}
        return None
    if playback is None:
        raise fail(e.NOT_PLAYING, f"nothing plays in call {call.id}")
    if command == "stop":
        del call.tags["playback"]
    elif command == "pause":
        playback["paused"] = not playback.get("paused")
    else:
        step = p["skiptime"] if p["skiptime"] is not None else _millis(playback.get("skip"))
        position = _millis(playback.get("position")) + (step if command == "forward" else -step)
        playback["position"] = max(0, position)
    return None


def _millis(value: Any) -> int:
    """Milliseconds kept on a call (a restored snapshot may hold anything there)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 86_400_000 else 0


def transfer(ctx: Ctx) -> None:
    """Transfer the user's call to a number, a queue (by id) or a user (by id); attended by
    default (a transfer to a queue is always blind: a queue cannot be consulted)."""
    t, p = tenant(ctx), ctx.params
    agent = user_or_extension(ctx)
    call = live_call_of(t, agent)
    if call is None or call.agent_id != agent.id or call.state not in (ANSWERED, HELD):
        raise fail(e.NO_CALL, f"{agent.username} has no call to transfer")
    mode = p["type"] or "attended"
    if p["number"] is not None:
        target_agent = model.user_at(t, p["number"])
        target = f"agent:{target_agent.id}" if target_agent is not None else f"number:{p['number']}"
    elif p["dst_queue"] is not None:
        queue = t.queues.get(str(p["dst_queue"]))
        if queue is None or model.queue_deleted(queue):
            raise fail(e.QUEUE_NOT_FOUND, f"no queue id {p['dst_queue']}")
        target, mode = f"queue:{queue.id}", "blind"
    elif p["dst_user"] is not None:
        target_agent = t.agents.get(str(p["dst_user"]))
        if target_agent is None or model.deleted(target_agent):
            raise fail(e.USER_NOT_FOUND, f"no user id {p['dst_user']}")
        target = f"agent:{target_agent.id}"
    else:
        raise ParamError(MISSING, "one of number, dst_queue, dst_user", Param("number"))
    if target.startswith("agent:"):
        target_agent = t.agents[target[6:]]
        if target_agent is agent or not target_agent.available:
            raise fail(e.AGENT_BUSY, f"{target_agent.username} cannot take the call")
    engine.transfer(t, call.id, target, mode)


def pickup(ctx: Ctx) -> list[Any]:
    t, p = tenant(ctx), ctx.params
    call = t.calls.get(p["call_id"])
    if call is None or call.ended:
        raise fail(e.CALL_NOT_FOUND, f"no live call {p['call_id']}")
    agent = user(t, p["user"])
    if call.id not in t.waiting:
        raise fail(e.CALL_NOT_WAITING, f"call {call.id} waits in no queue")
    if not agent.logged_in:
        raise fail(e.NOT_LOGGED_IN, f"{agent.username} is not logged in")
    if not available(agent):
        raise fail(e.AGENT_BUSY, f"{agent.username} is busy")
    engine.pickup(t, call.id, agent.id)
    leg = _leg_of(call, agent, LEG_RINGING)
    if leg is not None:  # the operator picks the call up: their phone is already off the hook
        engine.answer(t, call.id, leg_id=leg.id)
    return []


def monitoring(ctx: Ctx) -> dict[str, Any]:
    """Listen to an operator's call (the listener's phone is connected to it): what is being
    listened to."""
    t = tenant(ctx)
    call, agent = _talking(t, ctx)
    number, name = _queue_fields(t, call)
    leg = _leg_of(call, agent, LEG_ANSWERED) if agent is not None else None
    ring = (leg.answered_at or t.now()) - (leg.ringing_at or leg.created_at) if leg is not None else 0.0
    return {"calling_direction": model.cc_direction(call), "calling_number": model.customer_number(call),
            "calling_queue": number, "calling_queue_name": name, "ringing": str(max(0, int(round(ring)))),
            "billsec": str(call.talk_time(t.now()))}


def monitoring_extension(ctx: Ctx) -> None:
    """Spy on an extension (a PBX channel spy: no call-centre state to check or change)."""
    t = tenant(ctx)
    exten = str(ctx.params["exten"])
    if exten not in model.extensions(t) and model.user_at(t, exten) is None:
        raise fail(e.EXTENSION_NOT_FOUND, f"no extension {exten!r}")


# -- placing calls ------------------------------------------------------------------------------
def _tags(p: dict[str, Any], **more: Any) -> dict[str, Any]:
    tags = {key: p[key] for key in ("accountcode", "agenttext", "ticket") if p.get(key) is not None}
    return {**tags, **{k: v for k, v in more.items() if v is not None}}


def create_call(ctx: Ctx) -> dict[str, str]:
    """Call-centre call: the agent's phone rings, then the number; recorded on the outgoing
    queue the agent is logged into (or the one ``queue`` names)."""
    t, p = tenant(ctx), ctx.params
    agent = user(t, p["user"])
    queue: Queue | None = None
    if p["queue"] is not None:
        queue = queue_by_number(t, p["queue"])
        if not model.is_outgoing(queue) or not agent.logged_in:
            queue = None
    else:
        queue = next((q for q, _ in model.logged_queues(t, agent) if model.is_outgoing(q)), None)
    if queue is None:
        raise fail(e.NOT_IN_OUTGOING_QUEUE, f"{agent.username} is in no outgoing queue")
    if not available(agent):
        raise fail(e.AGENT_BUSY, f"{agent.username} is busy")
    dialing = float(p["dialingtime"]) if p["dialingtime"] is not None else 120.0
    call = engine.click_to_call(t, agent.id, p["number"], tags=_tags(p, queue=queue.id, dial_timeout=dialing),
                                call_id=new_id(t, "SJ"),
                                ring_timeout=float(p["waitingtime"]) if p["waitingtime"] is not None else 30.0)
    if p["autoanswer"] and call.legs and call.legs[0].state == LEG_RINGING:
        engine.answer(t, call.id, leg_id=call.legs[0].id)
    return {"id_call": call.id}


def create_call_extension(ctx: Ctx) -> dict[str, str]:
    """PBX call (no call centre): the extension rings, then the number. An extension busy on
    another call gives a call that ends busy at once, as an asynchronous originate does."""
    t, p = tenant(ctx), ctx.params
    ext = str(p["extension"])
    if ext not in model.extensions(t) and model.user_at(t, ext) is None:
        raise fail(e.EXTENSION_NOT_FOUND, f"no extension {ext!r}")
    agent = model.user_at(t, ext)
    ring = float(p["waitingtime"]) if p["waitingtime"] is not None else 30.0
    tags = _tags(p)
    if agent is not None:
        call = engine.click_to_call(t, agent.id, p["number"], tags=tags, call_id=new_id(t, "SJ"),
                                    busy_fails=True, ring_timeout=ring)
    else:
        if any(leg.party == ext and leg.state != LEG_ENDED for c in model.live_calls(t) for leg in c.legs):
            raise fail(e.AGENT_BUSY, f"extension {ext} is busy")
        call = engine.remote_call(t, ext, p["number"], tags=tags, call_id=new_id(t, "SJ"), ring_timeout=ring)
    if p["autoanswer"] and call.legs and call.legs[0].state == LEG_RINGING:
        engine.answer(t, call.id, leg_id=call.legs[0].id)
    return {"id_call": call.id}


def _has_user(ctx: Ctx) -> bool:
    return ctx.value("user") not in (None, "")


CREATE_CALL_COMMON = (
    Param("number", NUMBER, required=True, doc="Number to dial", example="800123456"),
    Param("accountcode", NAME, doc="Unique code which is bind to call"),
    Param("autoanswer", FLAG, doc="Auto answer on the caller's phone (default false)", example="yes"),
    Param("waitingtime", SECONDS, doc="Seconds the caller's phone rings (default 30)"),
    Param("idcall", NAME, doc="ID call. This is deprecated."),
    Param("agenttext", NAME, doc="Text shown on the phone's display"))

SPECS: dict[str, Spec] = {
    "daktela.Login": Spec(login, (Param("user", NAME, required=True, doc="Agent username.", example="michalhajek"),
                                  Param("extension", NUMBER, doc="Extension number under which the agent sitting.",
                                        example="100")), mutates=True),
    "daktela.Logout": Spec(logout, (Param("user", NAME, required=True, doc="An agent's username.",
                                          example="michalhajek"),), mutates=True),
    "daktela.LoginQueue": Spec(login_queue, (
        Param("user", NAME, required=True, doc="User login name", example="michalhajek"),
        Param("queue", NUMBER, required=True, doc="Queue number", example="5001"),
        Param("extension", NUMBER, doc="Extension number where user sign in."),
        Param("priority", php_int(0, 2), doc="0 (high), 1, 2 (low)", example="0")), mutates=True),
    "daktela.LogoutQueue": Spec(logout_queue, (
        Param("user", NAME, required=True, doc="User login name", example="michalhajek"),
        Param("queue", NUMBER, required=True, doc="Queue number", example="5001")), mutates=True),
    "daktela.PauseOn": Spec(pause_on, (*WHO, Param("pause", ID, required=True, doc="ID pause", example="7"),
                                       Param("force", FLAG, doc="yes: skip the check of ringing, speaking, on hold")),
                            mutates=True),
    "daktela.PauseOff": Spec(pause_off, WHO, mutates=True),
    "daktela.Answer": Spec(answer, (Param("extension", NUMBER, doc="Operator's extension"),
                                    Param("user", NAME, doc="Agent's user name", example="hajek")), mutates=True),
    "daktela.Hangup": Spec(hangup, (*WHO, Param("call", NAME, doc="Unique ID of call")), mutates=True),
    "daktela.Transfer": Spec(transfer, (
        *WHO, Param("number", NUMBER, doc="Transfer call to remote phone number", example="800123456"),
        Param("dst_queue", ID, doc="Transfer call to destination ID queue"),
        Param("dst_user", ID, doc="Transfer call to destination ID user"),
        Param("type", choice(("attended", "blind")), doc="attended (default) or blind")), mutates=True),
    "daktela.PickupFromQueue": Spec(pickup, (
        Param("call_id", NAME, required=True, doc="The waiting call", example="1404828279.15208"),
        Param("user", NAME, required=True, doc="Who picks it up", example="pavelmoravec")), mutates=True),
    "daktela.ControlPlayback": Spec(control_playback, (
        Param("extension", NUMBER, doc="Extension with the call", example="500"),
        Param("user", NAME, doc="User with the call"),
        Param("command", choice(COMMANDS), required=True, doc="play, rewind, pause, forward, stop, status",
              example="play"),
        Param("recording", NAME, doc="Name of the message to play (with play)"),
        Param("begintime", php_int(0, 86_400_000), doc="Milliseconds to start playing from"),
        Param("skiptime", php_int(0, 86_400_000), doc="Milliseconds to skip with rewind or forward")),
        mutates=True),
    "daktela.Monitoring.v3_1_cc": Spec(monitoring, (
        Param("user", NAME, required=True, doc="Operator's login name to listen", example="hajekhu"),
        Param("listener", NUMBER, required=True, doc="Extension to listen", example="200"),
        Param("mode", choice(MODES), required=True, doc="spy, whisper, whisperprivate, barge, interactive",
              example="spy")), variant=_has_user),
    "daktela.Monitoring.v3_0_extension": Spec(monitoring_extension, (
        Param("exten", NUMBER, required=True, doc="Extension number to monitoring", example="100"),
        Param("listener", NUMBER, required=True, doc="Phone number or extension where we do spying",
              example="200"),
        Param("mode", choice(MODES), required=True, doc="spy, whisper, whisperprivate, barge, interactive",
              example="whisper"))),
    "daktela.CreateCall.v3_1_cc": Spec(create_call, (
        Param("user", NAME, required=True, doc="Agent's login name, who wants to create call", example="michalhajek"),
        *CREATE_CALL_COMMON, Param("dialingtime", SECONDS, doc="Seconds the number rings (default 120)"),
        Param("queue", NUMBER, doc="Outgoing queue number, which is used to call"),
        Param("ticket", NAME, doc="Unique name ticket")), mutates=True, variant=_has_user),
    "daktela.CreateCall.v3_0_extension": Spec(create_call_extension, (
        Param("extension", NUMBER, required=True, doc="Internal extension number (caller)", example="300"),
        *CREATE_CALL_COMMON), mutates=True),
}
